/*
 * cmd_report.c - 'symtrend report note' and 'symtrend report clinic'.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "report_index.h"
#include "report_letter.h"
#include "reportrun.h"
#include "settings.h"

struct report_args {
	const char *patient, *course, *out;
	const char *period;
	const char *comment, *comment_file, *recommendation;
	long from, to;
	int png, with_notes;
};

static const struct opt report_options[] = {
	OPTION_STRING("patient", 0, "ID", struct report_args, patient, "the patient of the note"),
	OPTION_STRING("course", 0, "ID", struct report_args, course,
		      "the course (default: the patient's latest)"),
	OPTION_STRING("out", 0, "DIR", struct report_args, out,
		      "folder for the reports (created 0700, files 0600)"),
	OPTION_DATE("from", 0, struct report_args, from,
		    "clinic report: courses that started on or after DATE"),
	OPTION_DATE("to", 0, struct report_args, to,
		    "clinic report: courses that started on or before DATE"),
	OPTION_FLAG("png", 0, struct report_args, png, "every chart also as PNG, beside its SVG"),
	OPTION_STRING("comment", 0, "TEXT", struct report_args, comment,
		      "note: the therapist's comment in the letter"),
	OPTION_STRING("comment-file", 0, "FILE", struct report_args, comment_file,
		      "note: the comment from a UTF-8 text file"),
	OPTION_STRING("recommendation", 0, "TEXT", struct report_args, recommendation,
		      "note: the next step, replacing the suggested one"),
	OPTION_FLAG("with-notes", 0, struct report_args, with_notes,
		    "note: the session notes as an appendix (private otherwise)"),
	OPTION_STRING("period", 0, "DAYS", struct report_args, period,
		      "morning page: this many days against the days before\n"
		      "(default: the index_period setting)"),
	OPTION_END,
};

/* The audit row of what was written (it is written: a failure to record
 * it is said and exits 3). */
static int audit(struct store *s, const char *action, const char *patient, const char *detail,
		 const char *out)
{
	struct error err = ERROR_INIT;
	const char *pids[2] = { patient, NULL };
	if (store_audit_add(s, action, patient ? pids : NULL, detail, out, &err) < 0)
		return cmd_error_in("written, but not in the audit log", &err);
	return EXIT_OK;
}

/* 'report index': the morning page. */
static int report_index_cmd(struct store *s, const char *out, long period)
{
	struct error err = ERROR_INIT;
	struct stats_ctx *sc;
	char day[11];
	int rc;
	cmd_today(day);
	if (mkdir_p(out) != 0) {
		fprintf(stderr, "symtrend: cannot create folder '%s': %s\n", out, strerror(errno));
		return EXIT_FAILURE_IO;
	}
	if (period < 1) {
		period = settings_get(s)->index_period;
	}
	sc = stats_ctx_new(s, &err);
	if (!sc)
		return cmd_error(&err);
	rc = report_index_write(s, sc, out, day, period, &err);
	stats_ctx_free(sc);
	if (rc < 0)
		return cmd_error(&err);
	printf("%s/index.html\n", out);
	return audit(s, "report", NULL, "morning page", out);
}

#define COMMENT_MAX 4000       /* bytes of the therapist's comment */
#define RECOMMENDATION_MAX 300 /* characters of the recommendation */

/*
 * The letter's additions: --comment or --comment-file (UTF-8 text, line
 * breaks kept), --recommendation (one line).  Returns EXIT_OK or a usage
 * error; *text (caller frees) holds a comment read from a file.
 */
static int letter_opts(struct report_letter_opts *o, const char *comment_file, char **text)
{
	struct strbuf sb = STRBUF_INIT;
	long cp;
	*text = NULL;
	if (o->comment && comment_file)
		return cmd_usage(&cmd_report_entry, "give --comment or --comment-file, not both");
	if (comment_file) {
		if (read_file(comment_file, &sb) != 0) {
			sb_release(&sb);
			return cmd_usage(&cmd_report_entry, "cannot read --comment-file '%s': %s",
					 comment_file, strerror(errno));
		}
		*text = sb.buf ? sb.buf : xstrdup("");
		o->comment = *text;
	}
	if (o->comment && (strlen(o->comment) > COMMENT_MAX ||
			   !text_is_clean(o->comment, strlen(o->comment), 1)))
		return cmd_usage(&cmd_report_entry, "the comment must be UTF-8 text of at most %d "
				 "bytes without control characters", COMMENT_MAX);
	/* As in ids and names: a bidi override would make the letter show
	 * other words than were written. */
	if (o->comment && text_check(o->comment, strlen(o->comment), TEXT_BIDI, &cp))
		return cmd_usage(&cmd_report_entry, "the comment has a bidirectional control "
				 "character (U+%04lX), which would reorder what the letter shows", cp);

	if (o->recommendation && (!*o->recommendation ||
				  !text_is_clean(o->recommendation, strlen(o->recommendation), 0) ||
				  utf8_len(o->recommendation, strlen(o->recommendation)) >
				  RECOMMENDATION_MAX))
		return cmd_usage(&cmd_report_entry, "--recommendation takes one line of 1-%d "
				 "characters", RECOMMENDATION_MAX);
	if (o->recommendation &&
	    text_check(o->recommendation, strlen(o->recommendation), TEXT_BIDI, &cp))
		return cmd_usage(&cmd_report_entry, "the recommendation has a bidirectional "
				 "control character (U+%04lX), which would reorder what the letter "
				 "shows", cp);
	return EXIT_OK;
}


/* The checks that need more than one option, in the order a reader meets them. */
static int check_args(const struct report_args *a, const char *what)
{
	if (!a->out)
		return cmd_usage(&cmd_report_entry, "--out DIR is required");
	if (!strcmp(what, "note") && !a->patient)
		return cmd_usage(&cmd_report_entry, "report note needs --patient ID");
	if (!strcmp(what, "note") && (a->from != OPT_DATE_NONE || a->to != OPT_DATE_NONE))
		return cmd_usage(&cmd_report_entry, "--from/--to go with 'report clinic'");
	if (strcmp(what, "note") != 0 && (a->patient || a->course))
		return cmd_usage(&cmd_report_entry, "'report %s' covers every patient", what);
	if (a->period && strcmp(what, "index") != 0)
		return cmd_usage(&cmd_report_entry, "--period goes with 'report index'");
	if (strcmp(what, "note") != 0 && (a->comment || a->comment_file || a->recommendation ||
					a->with_notes))
		return cmd_usage(&cmd_report_entry, "--comment, --comment-file, --recommendation and "
				 "--with-notes go with 'report note'");
	return EXIT_OK;
}

/* 'report index', once its --period passes the index_period setting's bounds. */
static int index_cmd(struct cmd_ctx *ctx, const struct report_args *a)
{
	struct error err = ERROR_INIT;
	int rc;
	if (a->period && settings_check(ctx->store, "index_period", a->period, &err) < 0) {
		rc = cmd_usage(&cmd_report_entry, "--period: %s", err.reason);
		error_release(&err);
		return rc;
	}
	return report_index_cmd(ctx->store, a->out, a->period ? strtol(a->period, NULL, 10) : -1);
}

/* The note or the clinic report into the run's batch: 0, or -1 with err. */
static int render(struct cmd_ctx *ctx, const struct report_args *a, const char *what,
		  const struct report_letter_opts *lo, struct report_run *run,
		  const struct store_filter *f, const char *day, char **dir, struct error *err)
{
	if (!strcmp(what, "note"))
		return report_letter(run->batch, ctx->store, run->sc, run->rm, a->patient, a->course,
				     lo, a->out, day, dir, err);
	return report_clinic(run->batch, ctx->store, run->sc, run->rm, f, a->out, day, dir, err);
}

/*
 * The note or the clinic report inside one report run, which holds what
 * both share (the chart batch, the statistics, the models).  Prints the
 * folder written; on a failed chart, where gnuplot's messages are.
 */
static int write_report(struct cmd_ctx *ctx, const struct report_args *a, const char *what,
			const struct report_letter_opts *lo)
{
	struct store_filter f = STORE_FILTER_INIT;
	struct error err = ERROR_INIT;
	struct report_run run;
	char day[11], *dir = NULL;
	int rc, charts;

	f.from = a->from;
	f.to = a->to;
	cmd_today(day);
	if (mkdir_p(a->out) != 0) {
		fprintf(stderr, "symtrend: cannot create folder '%s': %s\n", a->out, strerror(errno));
		return EXIT_FAILURE_IO;
	}
	if (report_run_start(&run, ctx->store, a->out, 0, &err) < 0) {
		report_run_release(&run);
		return cmd_error(&err);
	}
	if (run.no_charts)
		fprintf(stderr, "symtrend: writing the reports without charts: %s\n", run.no_charts);
	if (a->png)
		report_batch_png(run.batch);
	rc = render(ctx, a, what, lo, &run, &f, day, &dir, &err);
	charts = run.plot != NULL;
	if (rc != 0) {
		rc = cmd_error(&err);
	} else if (report_run_finish(&run, &err) < 0) {
		rc = cmd_error(&err);
		if (charts) {
			/* gnuplot failed: the text and the HTML all the same,
			 * without charts (as the nightly does); still exit 3. */
			fprintf(stderr, "symtrend: gnuplot's messages are in '%s'; the report is "
					"written again without charts\n", run.errlog);
			free(dir);
			dir = NULL;
			report_run_without_charts(&run);
			if (render(ctx, a, what, lo, &run, &f, day, &dir, &err) != 0 ||
			    report_run_finish(&run, &err) < 0)
				(void)cmd_error(&err);
			else
				printf("%s\n", dir);
		}
	} else {
		printf("%s\n", dir);
		rc = !strcmp(what, "note") ? audit(ctx->store, "letter", a->patient, "progress note",
						   a->out)
					   : audit(ctx->store, "report", NULL, "clinic report", a->out);
	}
	report_run_release(&run);
	free(dir);
	return rc;
}

static int cmd_report(struct cmd_ctx *ctx, void *opts, int argc, char **argv)
{
	const struct report_args *a = opts;
	const char *what;
	struct report_letter_opts lo = { a->comment, a->recommendation, a->with_notes };
	char *comment_text = NULL;
	int rc;

	if (argc < 1 || (strcmp(argv[0], "note") != 0 && strcmp(argv[0], "clinic") != 0 &&
			  strcmp(argv[0], "index") != 0))
		return cmd_usage(&cmd_report_entry, "report takes 'note', 'clinic' or 'index'");
	what = argv[0];
	rc = check_args(a, what);
	if (rc != EXIT_OK)
		return rc;
	if (!strcmp(what, "index"))
		return index_cmd(ctx, a);
	rc = letter_opts(&lo, a->comment_file, &comment_text);
	if (rc == EXIT_OK)
		rc = write_report(ctx, a, what, &lo);
	free(comment_text);
	return rc;
}

const struct cmd_entry cmd_report_entry = {
	.name = "report",
	.usage = "report note --patient ID [--course ID] --out DIR [--png]\n"
		 "       [--comment TEXT | --comment-file FILE] [--recommendation TEXT]\n"
		 "       [--with-notes]\n"
		 "       symtrend report clinic --out DIR [--from DATE] [--to DATE] [--png]\n"
		 "       symtrend report index --out DIR [--period DAYS]",
	.summary = "write a progress note, the clinic report or the morning page",
	.options = report_options,
	.options_size = sizeof(struct report_args),
	.max_args = 1,
	.help = "The morning page goes to DIR/index.html: today's alerts, the active\n"
		"courses, two periods compared, links to the day's files.\n"
		"A note goes to DIR/<patient>/ (note.txt, note.html, note.pdf, course.svg);\n"
		"the clinic report to DIR/clinic/ (report.txt, report.html and charts).\n"
		"Prints the folder written.  Charts need gnuplot; without it the text and\n"
		"HTML are still written.  $SYMTREND_TODAY=YYYY-MM-DD fixes the date shown.\n",
	.flags = CMD_NEED_DB,
	.exec = cmd_report,
};
