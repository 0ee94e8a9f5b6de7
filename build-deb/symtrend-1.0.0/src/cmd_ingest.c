/*
 * cmd_ingest.c - 'symtrend ingest': validate and store session files (and
 * patients files), one transaction per file, and say what happened.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "decode.h"
#include "ingest.h"

#define SHOWN_REJECTS 5

struct ingest_ui {
	int tty;
	int shown;
	long hidden;
};

static void on_progress(void *arg, unsigned long long done, unsigned long long size)
{
	struct ingest_ui *ui = arg;
	if (!ui->tty || size < (8u << 20))
		return;
	fprintf(stderr, "\ringest: %3llu%%", size ? done * 100 / size : 0);
	fflush(stderr);
}

static void on_reject(void *arg, const char *file, long line, const char *reason)
{
	struct ingest_ui *ui = arg;
	if (ui->shown < SHOWN_REJECTS) {
		char *f = str_escaped(file), *r = str_escaped(reason);
		if (ui->tty)
			fputs("\r", stderr);
		fprintf(stderr, "symtrend: %s:%ld: %s\n", f, line, r);
		free(f);
		free(r);
		ui->shown++;
	} else {
		ui->hidden++;
	}
}

static void print_counts(const char *what, const struct store_ingest_counts *c)
{
	char *w = str_escaped(what);
	fprintf(stderr, "ingest: %s: %ld rows read, %ld stored, %ld already stored, "
		"%ld rejected, %ld conflicts\n", w, c->rows_read, c->stored,
		c->duplicates, c->rejected, c->conflicts);
	free(w);
}

static int run_one(struct cmd_ctx *ctx, const char *path, enum csvin_kind kind,
		   const char *rejects, int update, const struct csvin_opts *dialect,
		   struct store_ingest_counts *total, int *refused)
{
	struct ingest_ui ui = { isatty(2), 0, 0 };
	char today[11];
	/* 'update': --update-patients for a patients file, --update-therapists
	 * for a therapists file. */
	struct ingest_opts o = { .kind = kind, .rejects_path = rejects, .today = today,
				 .progress = on_progress, .on_reject = on_reject, .arg = &ui,
				 .update_therapists = update, .update_patients = update,
				 .encoding = dialect->encoding, .slash_dates = dialect->slash_dates };
	struct ingest_result res;
	struct error err = ERROR_INIT;
	int rc;
	cmd_today(today);
	rc = ingest_file(ctx->store, path, &o, &res, &err);
	if (ui.tty && res.size >= (8u << 20))
		fputs("\r", stderr);
	if (rc == 1) {
		(*refused)++;
		cmd_error_in("file refused, nothing stored", &err);
		return EXIT_REJECTS;
	}
	if (rc < 0) {
		int code = cmd_error(&err);
		ingest_result_release(&res);
		return code;
	}
	if (ui.hidden) {
		char *p = str_escaped(path);
		fprintf(stderr, "symtrend: %s: %ld more rejected rows not shown\n", p, ui.hidden);
		free(p);
	}
	print_counts(path, &res.counts);
	if (res.rejects_path) {
		char *r = str_escaped(res.rejects_path);
		fprintf(stderr, "ingest: rejects written to '%s'\n", r);
		free(r);
	} else if (res.stale_removed) {
		char *p = str_escaped(path);
		fprintf(stderr, "ingest: no rows rejected; the old rejects file of %s was removed\n", p);
		free(p);
	}
	store_ingest_counts_add(total, &res.counts);
	ingest_result_release(&res);
	return (res.counts.rejected || res.counts.conflicts) ? EXIT_REJECTS : EXIT_OK;
}


struct ingest_args {
	struct opt_list patients, therapists, measures;
	int update_patients, update_therapists;
	const char *course_gap, *rejects, *encoding, *date_format;
};

static const struct opt ingest_options[] = {
	OPTION_LIST("patients", 0, "FILE", struct ingest_args, patients,
		    "a patients CSV (patient_id, referrer, indication, birth_year;\n"
		    "for letters also name, referral_reason, referral_date,\n"
		    "planned_sessions)"),
	OPTION_LIST("therapists", 0, "FILE", struct ingest_args, therapists,
		    "a therapists CSV (therapist, credentials, email): the\n"
		    "letters' signature block"),
	OPTION_FLAG("update-patients", 0, struct ingest_args, update_patients,
		    "a patients row that differs from the stored patient is\n"
		    "applied (else it is a conflict, reported, not applied)"),
	OPTION_FLAG("update-therapists", 0, struct ingest_args, update_therapists,
		    "a therapist row that differs from the stored one\n"
		    "replaces it (else it is a conflict, not overwritten)"),
	OPTION_LIST("measure", 0, "NAME", struct ingest_args, measures,
		    "declare an extra 0-10 measure (kept in the database)"),
	OPTION_STRING("course-gap", 0, "DAYS", struct ingest_args, course_gap,
		      "days without a session that start a new derived course\n"
		      "(kept in the database as the course_gap setting)"),
	OPTION_STRING("rejects", 0, "PATH", struct ingest_args, rejects,
		      "rejects file of the sessions file (default FILE.rejects.csv\n"
		      "beside the input; with only a patients or therapists file,\n"
		      "its rejects)"),
	OPTION_STRING("encoding", 0, "NAME", struct ingest_args, encoding,
		      "encoding of files without a BOM, e.g. WINDOWS-1252\n"
		      "(default: the input_encoding setting)"),
	OPTION_STRING("date-format", 0, "F", struct ingest_args, date_format,
		      "read dates with slashes as DD/MM/YYYY or MM/DD/YYYY"),
	OPTION_END,
};

/* The settings the options change, kept in the database for later runs. */
static int apply_settings(struct cmd_ctx *ctx, const struct ingest_args *a)
{
	struct error err = ERROR_INIT;
	size_t i;
	for (i = 0; i < a->measures.n; i++) {
		int r = store_add_measure(ctx->store, a->measures.v[i], &err);
		if (r < 0)
			return cmd_error(&err);
		if (r == 0)
			fprintf(stderr, "ingest: measure '%s' declared\n", a->measures.v[i]);
	}
	if (a->course_gap && store_config_set(ctx->store, "course_gap", a->course_gap, &err) < 0)
		return cmd_error(&err);
	return EXIT_OK;
}

static int cmd_ingest(struct cmd_ctx *ctx, void *opts, int argc, char **argv)
{
	const struct ingest_args *a = opts;
	struct csvin_opts dialect = { NULL, CSVIN_DATE_NO_SLASH };
	struct error err = ERROR_INIT;
	struct store_ingest_counts total = { 0, 0, 0, 0, 0 };
	size_t i, nfiles = (size_t)argc + a->patients.n + a->therapists.n;
	int rc, refused = 0, files = 0;

	if (nfiles == 0)
		return cmd_usage(&cmd_ingest_entry, "no file to ingest");
	/* --rejects belongs to the one sessions file; with none, to the one
	 * patients or therapists file.  The other files' rejects go beside them. */
	if (a->rejects && (argc > 1 || (argc == 0 && a->patients.n + a->therapists.n > 1)))
		return cmd_usage(&cmd_ingest_entry, "--rejects names the rejects file of one sessions "
				 "file (or of one patients file): ingest one with it");
	rc = cmd_check_setting(&cmd_ingest_entry, ctx->store, "--course-gap", "course_gap",
			       a->course_gap);
	if (rc != EXIT_OK)
		return rc;
	if (a->encoding && decode_check_encoding(a->encoding, &err) < 0)
		return cmd_error(&err);
	dialect.encoding = a->encoding;
	if (a->date_format && csvin_date_format_parse(a->date_format, &dialect.slash_dates) < 0)
		return cmd_usage(&cmd_ingest_entry,
				 "--date-format takes DD/MM/YYYY or MM/DD/YYYY, not '%s'", a->date_format);
	rc = apply_settings(ctx, a);
	if (rc != EXIT_OK)
		return rc;
	/* Patients first, so that the sessions' reports know their indications. */
	for (i = 0; i < a->patients.n; i++, files++) {
		int r = run_one(ctx, a->patients.v[i], CSVIN_PATIENTS, argc ? NULL : a->rejects,
				a->update_patients, &dialect, &total, &refused);
		if (r > rc)
			rc = r;
	}
	for (i = 0; i < a->therapists.n; i++, files++) {
		int r = run_one(ctx, a->therapists.v[i], CSVIN_THERAPISTS, argc ? NULL : a->rejects,
				a->update_therapists, &dialect, &total, &refused);
		if (r > rc)
			rc = r;
	}
	for (i = 0; i < (size_t)argc; i++, files++) {
		int r = run_one(ctx, argv[i], CSVIN_SESSIONS, a->rejects, 0, &dialect, &total,
				&refused);
		if (r > rc)
			rc = r;
	}
	if (files > 1) {
		char what[64];
		snprintf(what, sizeof(what), "%d files (%d refused)", files, refused);
		print_counts(what, &total);
	}
	return rc;
}

const struct cmd_entry cmd_ingest_entry = {
	.name = "ingest",
	.usage = "ingest [--patients FILE]... [--update-patients] [--therapists FILE]...\n"
		 "                [--update-therapists]\n"
		 "                [--measure NAME]... [--course-gap DAYS] [--rejects PATH]\n"
		 "                [--encoding NAME] [--date-format DD/MM/YYYY|MM/DD/YYYY] FILE.csv...",
	.summary = "validate and store session CSV files",
	.options = ingest_options,
	.options_size = sizeof(struct ingest_args),
	.max_args = -1,
	.help = "Files may be comma-, semicolon- or tab-separated (told from the header),\n"
		"UTF-8 or UTF-16 with a BOM (other encodings with --encoding).\n"
		"Each file is one transaction: its valid rows are stored, its bad rows go to\n"
		"the rejects file (line,reason,raw), a file that is not valid CSV is refused\n"
		"whole.  Rows already stored are skipped and counted; a row that conflicts\n"
		"with a stored session is reported in the rejects file, never overwritten.\n",
	.flags = CMD_NEED_DB | CMD_WRITE | CMD_CREATE,
	.exec = cmd_ingest,
};
