/*
 * cmd_ingest.c - 'symtrend ingest': validate and store session files (and
 * patients files), one transaction per file, and say what happened.
 */
#include <getopt.h>
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
		char *msg = error_format(&err);
		(*refused)++;
		fprintf(stderr, "symtrend: file refused, nothing stored: %s\n", msg);
		free(msg);
		error_release(&err);
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

static int cmd_ingest(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "patients", required_argument, NULL, 'p' },
		{ "measure", required_argument, NULL, 'm' },
		{ "course-gap", required_argument, NULL, 'g' },
		{ "rejects", required_argument, NULL, 'r' },
		{ "therapists", required_argument, NULL, 't' },
		{ "update-therapists", no_argument, NULL, 'T' },
		{ "update-patients", no_argument, NULL, 'u' },
		{ "encoding", required_argument, NULL, 'e' },
		{ "date-format", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char **patients = xcalloc((size_t)argc, sizeof(char *));
	const char **therapists = xcalloc((size_t)argc, sizeof(char *));
	size_t ntherapists = 0;
	int update_therapists = 0;
	const char *rejects = NULL;
	struct csvin_opts dialect = { NULL, CSVIN_DATE_NO_SLASH };
	struct store_ingest_counts total = { 0, 0, 0, 0, 0 };
	struct error err = ERROR_INIT;
	size_t npatients = 0, i;
	int c, rc = EXIT_OK, refused = 0, files = 0, update_patients = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			patients[npatients++] = optarg;
			break;
		case 'm': {
			int r = store_add_measure(ctx->store, optarg, &err);
			if (r < 0) {
				free(patients), free(therapists);
				return cmd_error(&err);
			}
			if (r == 0)
				fprintf(stderr, "ingest: measure '%s' declared\n", optarg);
			break;
		}
		case 'g': {
			long gap = cmd_parse_long(optarg, 3650);
			if (gap < 1) {
				free(patients), free(therapists);
				return cmd_usage(&cmd_ingest_entry, "--course-gap takes 1-3650 days, not '%s'", optarg);
			}
			if (store_config_set(ctx->store, "course_gap", optarg, &err) < 0) {
				free(patients), free(therapists);
				return cmd_error(&err);
			}
			break;
		}
		case 'r':
			rejects = optarg;
			break;
		case 't':
			therapists[ntherapists++] = optarg;
			break;
		case 'u':
			update_patients = 1;
			break;
		case 'T':
			update_therapists = 1;
			break;
		case 'e':
			if (decode_check_encoding(optarg, &err) < 0) {
				free(patients), free(therapists);
				return cmd_error(&err);
			}
			dialect.encoding = optarg;
			break;
		case 'd':
			if (csvin_date_format_parse(optarg, &dialect.slash_dates) < 0) {
				free(patients), free(therapists);
				return cmd_usage(&cmd_ingest_entry,
						 "--date-format takes DD/MM/YYYY or MM/DD/YYYY, not '%s'",
						 optarg);
			}
			break;
		default:
			free(patients), free(therapists);
			return cmd_usage(&cmd_ingest_entry, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc && npatients == 0 && ntherapists == 0) {
		free(patients), free(therapists);
		return cmd_usage(&cmd_ingest_entry, "no file to ingest");
	}
	/* --rejects belongs to the one sessions file; with none, to the one
	 * patients or therapists file.  The other files' rejects go beside them. */
	if (rejects && (argc - optind > 1 ||
			(argc - optind == 0 && npatients + ntherapists > 1))) {
		free(patients), free(therapists);
		return cmd_usage(&cmd_ingest_entry, "--rejects names the rejects file of one sessions "
				 "file (or of one patients file): ingest one with it");
	}
	/* Patients first, so that the sessions' reports know their indications. */
	for (i = 0; i < npatients; i++, files++) {
		int r = run_one(ctx, patients[i], CSVIN_PATIENTS, optind < argc ? NULL : rejects,
				update_patients, &dialect, &total, &refused);
		if (r > rc)
			rc = r;
	}
	for (i = 0; i < ntherapists; i++, files++) {
		int r = run_one(ctx, therapists[i], CSVIN_THERAPISTS, optind < argc ? NULL : rejects,
				update_therapists, &dialect, &total, &refused);
		if (r > rc)
			rc = r;
	}
	for (; optind < argc; optind++, files++) {
		int r = run_one(ctx, argv[optind], CSVIN_SESSIONS, rejects, 0, &dialect, &total, &refused);
		if (r > rc)
			rc = r;
	}
	free(patients), free(therapists);
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
	.help = "  --patients FILE    a patients CSV (patient_id, referrer, indication, birth_year;\n"
		"                     for letters also name, referral_reason, referral_date,\n"
		"                     planned_sessions)\n"
		"  --therapists FILE  a therapists CSV (therapist, credentials, email): the\n"
		"                     letters' signature block\n"
		"  --update-patients  a patients row that differs from the stored patient is\n"
		"                     applied (else it is a conflict, reported, not applied)\n"
		"  --update-therapists  a therapist row that differs from the stored one\n"
		"                     replaces it (else it is a conflict, not overwritten)\n"
		"  --measure NAME     declare an extra 0-10 measure (kept in the database)\n"
		"  --course-gap DAYS  days without a session that start a new derived course\n"
		"                     (default 90; kept in the database)\n"
		"  --rejects PATH     rejects file of the sessions file (default FILE.rejects.csv\n"
		"                     beside the input; with only a patients or therapists file,\n"
		"                     its rejects)\n"
		"  --encoding NAME    encoding of files without a BOM, e.g. WINDOWS-1252\n"
		"                     (default: the input_encoding setting, UTF-8)\n"
		"  --date-format F    read dates with slashes as DD/MM/YYYY or MM/DD/YYYY\n\n"
		"Files may be comma-, semicolon- or tab-separated (told from the header),\n"
		"UTF-8 or UTF-16 with a BOM (other encodings with --encoding).\n"
		"Each file is one transaction: its valid rows are stored, its bad rows go to\n"
		"the rejects file (line,reason,raw), a file that is not valid CSV is refused\n"
		"whole.  Rows already stored are skipped and counted; a row that conflicts\n"
		"with a stored session is reported in the rejects file, never overwritten.\n",
	.flags = CMD_NEED_DB | CMD_WRITE | CMD_CREATE,
	.exec = cmd_ingest,
};
