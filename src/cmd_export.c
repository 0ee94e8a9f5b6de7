/*
 * cmd_export.c - 'symtrend export fhir': a patient's letter as a FHIR R4
 * document Bundle (report_fhir.h).  The letter's files (note.pdf with its
 * chart) are written into a private scratch folder (0700, removed after),
 * exactly as 'report note' writes them; the bundle carries that note.pdf.
 */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "report_fhir.h"
#include "reportrun.h"

struct export_args {
	const char *patient, *course, *out;
};

static const struct opt export_options[] = {
	OPTION_STRING("patient", 0, "ID", struct export_args, patient, "the patient"),
	OPTION_STRING("course", 0, "ID", struct export_args, course,
		      "the course (default: the patient's latest)"),
	OPTION_STRING("out", 0, "FILE", struct export_args, out,
		      "write the bundle to FILE (0600), not standard output"),
	OPTION_END,
};

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path);
}

/* The scratch folder and everything symtrend wrote into it. */
static void remove_scratch(const char *dir)
{
	nftw(dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
}

/* The letter's files in 'scratch': 0, or an exit code after printing why. */
static int write_letter(struct cmd_ctx *ctx, const struct export_args *a, const char *scratch,
			const char *day, struct strbuf *pdf)
{
	struct error err = ERROR_INIT;
	struct report_run run;
	char *dir = NULL, *path = NULL;
	int rc;
	if (report_run_start(&run, ctx->store, scratch, REPORT_RUN_CHARTS_OPTIONAL, &err) < 0) {
		report_run_release(&run);
		return cmd_error(&err);
	}
	rc = report_note(run.batch, ctx->store, run.sc, run.rm, a->patient, a->course, scratch,
			 day, &dir, &err);
	if (rc != 0 || report_run_finish(&run, &err) < 0) {
		rc = cmd_error(&err);
	} else {
		path = xasprintf("%s/note.pdf", dir);
		if (read_file(path, pdf) != 0) {
			fprintf(stderr, "symtrend: cannot read the letter's PDF: %s\n", strerror(errno));
			rc = EXIT_FAILURE_IO;
		}
	}
	report_run_release(&run);
	free(dir);
	free(path);
	return rc;
}

static int export_fhir(struct cmd_ctx *ctx, const struct export_args *a)
{
	struct error err = ERROR_INIT;
	struct report_letter l;
	struct strbuf pdf = STRBUF_INIT, text = STRBUF_INIT;
	static const struct report_letter_opts none = { NULL, NULL, 0 };
	const char *tmp = getenv("TMPDIR");
	char day[11], *scratch, *json = NULL;
	int rc, built = 0;
	cmd_today(day);
	scratch = xasprintf("%s/symtrend-export-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(scratch)) {
		fprintf(stderr, "symtrend: cannot create a scratch folder in '%s': %s\n",
			tmp && *tmp ? tmp : "/tmp", strerror(errno));
		free(scratch);
		return EXIT_FAILURE_IO;
	}
	rc = write_letter(ctx, a, scratch, day, &pdf);
	if (rc != EXIT_OK)
		goto out;
	/* The letter again, as data: the bundle's resources and narrative. */
	{
		struct stats_ctx *sc = NULL;
		struct report_models *rm = report_setup(ctx->store, &sc, &err);
		if (!rm || report_letter_build(ctx->store, sc, rm, a->patient, a->course, day, &none,
					       &l, &err) != 0) {
			rc = cmd_error(&err);
			report_models_free(rm);
			stats_ctx_free(sc);
			goto out;
		}
		built = 1;
		report_letter_text(&text, &l);
		if (report_fhir_bundle(ctx->store, &l, text.buf ? text.buf : "", &pdf, &json, &err) <
		    0)
			rc = cmd_error(&err);
		report_models_free(rm);
		stats_ctx_free(sc);
	}
	if (rc != EXIT_OK)
		goto out;
	if (a->out) {
		struct strbuf j = STRBUF_INIT;
		sb_adds(&j, json);
		sb_addc(&j, '\n');
		if (write_file_atomic(a->out, j.buf, j.len, &err) < 0)
			rc = cmd_error(&err);
		sb_release(&j);
	} else {
		printf("%s\n", json);
	}
out:
	if (built)
		report_letter_release(&l);
	remove_scratch(scratch);
	free(scratch);
	free(json);
	sb_release(&pdf);
	sb_release(&text);
	return rc;
}

static int cmd_export(struct cmd_ctx *ctx, void *opts, int argc, char **argv)
{
	const struct export_args *a = opts;
	if (argc < 1 || strcmp(argv[0], "fhir") != 0)
		return cmd_usage(&cmd_export_entry, "export takes 'fhir'");
	if (!a->patient)
		return cmd_usage(&cmd_export_entry, "export fhir needs --patient ID");
	return export_fhir(ctx, a);
}

const struct cmd_entry cmd_export_entry = {
	.name = "export",
	.usage = "export fhir --patient ID [--course ID] [--out FILE]",
	.summary = "a patient's letter as a FHIR R4 document bundle",
	.options = export_options,
	.options_size = sizeof(struct export_args),
	.max_args = 1,
	.help = "Writes a FHIR R4 Bundle of type document (JSON): a Composition with the\n"
		"letter's sections, the Patient (identifier in the fhir_identifier_system\n"
		"setting), the Practitioner, the clinic's Organization, one Observation per\n"
		"scored session and measure of the course (code: MEASURE.loinc, else the\n"
		"measure's name in fhir_code_system) and a DocumentReference carrying\n"
		"note.pdf.  $SYMTREND_TODAY=YYYY-MM-DD fixes the date.\n",
	.flags = CMD_NEED_DB,
	.exec = cmd_export,
};
