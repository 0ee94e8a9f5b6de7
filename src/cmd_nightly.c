/*
 * cmd_nightly.c - 'symtrend nightly': the cron job.  Quiet on success (one
 * summary line), errors on stderr, the details in OUT/YYYY-MM-DD/ and the
 * log beside the database.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "nightly.h"
#include "settings.h"
#include "stats.h"

struct progress {
	struct timespec start, last;
};

static double since(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* On a terminal only (cron gets the summary line alone): notes written, the
 * rate and the time left, redrawn at most four times a second. */
static void progress(void *arg, long done, long total)
{
	struct progress *p = arg;
	struct timespec now;
	double t, rate;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (done == 0)
		p->start = p->last = now;
	if (done < total && done > 0 && since(&p->last, &now) < 0.25)
		return;
	p->last = now;
	t = since(&p->start, &now);
	rate = t > 0 ? (double)done / t : 0;
	if (done < total && rate > 0)
		fprintf(stderr, "\rnightly: notes %ld of %ld, %.1f a second, about %.0f s left   ", done,
			total, rate, (double)(total - done) / rate);
	else if (done < total)
		fprintf(stderr, "\rnightly: notes %ld of %ld   ", done, total);
	else
		fprintf(stderr, "\rnightly: notes %ld of %ld in %.0f s; now the last charts and the clinic report\n",
			done, total, t);
}

struct nightly_args {
	const char *inbox, *out, *settle, *date_format;
	int dry_run;
};

static const struct opt nightly_options[] = {
	OPTION_STRING("inbox", 0, "DIR", struct nightly_args, inbox,
		      "where the day's exports arrive (.csv, .txt, .xlsx, .ods; patients and\n"
		      "therapists files are told apart by their header and taken\n"
		      "before the sessions files)"),
	OPTION_STRING("out", 0, "DIR", struct nightly_args, out,
		      "reports: OUT/YYYY-MM-DD/ (summary.txt, alerts.txt, rejects/,\n"
		      "notes/) and the refreshed OUT/clinic/"),
	OPTION_FLAG("dry-run", 0, struct nightly_args, dry_run,
		    "validate and say what would happen; store, move, write nothing"),
	OPTION_STRING("settle", 0, "SECONDS", struct nightly_args, settle,
		      "files modified more recently wait for the next run\n"
		      "(default: the settle_seconds setting)"),
	OPTION_STRING("date-format", 0, "F", struct nightly_args, date_format,
		      "read dates with slashes as DD/MM/YYYY or MM/DD/YYYY\n"
		      "(default: the date_format setting)"),
	OPTION_END,
};

/* The night's one line: what arrived, what was stored, written and raised. */
static void say_night(const char *day, const struct nightly_result *r)
{
	char left[64] = "", skipped[64] = "";
	long files = r->files_processed + r->files_failed;
	if (r->notes_left)
		snprintf(left, sizeof(left), " (%ld left for 'report note')", r->notes_left);
	if (r->files_skipped)
		snprintf(skipped, sizeof(skipped), ", %ld skipped: see the summary",
			 r->files_skipped);
	/* Sessions: the rows of session files (a patients file's rows are not). */
	printf("nightly %s: %ld file%s (%ld refused, %ld waiting%s), %ld session%s stored, "
	       "%ld rejected, %ld conflict%s, %ld note%s%s, %ld alert%s -> %s\n", day,
	       files, files == 1 ? "" : "s", r->files_failed, r->files_waiting, skipped,
	       r->sessions_stored, r->sessions_stored == 1 ? "" : "s", r->counts.rejected,
	       r->counts.conflicts, r->counts.conflicts == 1 ? "" : "s", r->notes_written,
	       r->notes_written == 1 ? "" : "s", left, r->alerts, r->alerts == 1 ? "" : "s",
	       r->out_dir);
}

/* The run's options from the command line and the settings: EXIT_OK, or the
 * usage error printed. */
static int night_opts(struct cmd_ctx *ctx, const struct nightly_args *a, struct nightly_opts *o)
{
	int rc;
	o->db_path = ctx->db_path;
	o->inbox = a->inbox;
	o->out = a->out;
	o->dry_run = a->dry_run;
	if (!o->inbox || !o->out)
		return cmd_usage(&cmd_nightly_entry, "--inbox DIR and --out DIR are required");
	if (a->date_format && csvin_date_format_parse(a->date_format, &o->slash_dates) < 0)
		return cmd_usage(&cmd_nightly_entry,
				 "--date-format takes DD/MM/YYYY or MM/DD/YYYY, not '%s'", a->date_format);
	rc = cmd_check_setting(&cmd_nightly_entry, ctx->store, "--settle", "settle_seconds",
			       a->settle);
	if (rc != EXIT_OK)
		return rc;
	o->settle_seconds = a->settle ? strtol(a->settle, NULL, 10)
				      : settings_get(ctx->store)->settle_seconds;
	return EXIT_OK;
}

static int cmd_nightly(struct cmd_ctx *ctx, void *opts, int argc, char **argv)
{
	const struct nightly_args *a = opts;
	struct nightly_opts o = { 0 };
	struct progress prog;
	struct nightly_result r;
	struct error err = ERROR_INIT;
	char day[11];
	int rc;

	(void)argc;
	(void)argv;
	rc = night_opts(ctx, a, &o);
	if (rc != EXIT_OK)
		return rc;
	cmd_today(day);
	o.today = day;
	if (isatty(STDERR_FILENO)) {
		o.progress = progress;
		o.progress_arg = &prog;
	}
	rc = nightly_run(ctx->store, &o, &r, &err);
	if (rc < 0) {
		nightly_result_release(&r);
		return cmd_error(&err);
	}
	if (o.dry_run)
		printf("nightly --dry-run %s: nothing stored, moved or written\n%s", day,
		       r.plan && *r.plan ? r.plan : "no files in the inbox\n");
	else
		say_night(day, &r);
	nightly_result_release(&r);
	return rc ? EXIT_REJECTS : EXIT_OK;
}

const struct cmd_entry cmd_nightly_entry = {
	.name = "nightly",
	.usage = "nightly --inbox DIR --out DIR [--dry-run] [--settle SECONDS]",
	.summary = "ingest an inbox of new files unattended and report what changed",
	.options = nightly_options,
	.options_size = sizeof(struct nightly_args),
	.max_args = 0,
	.help = "Handled files move to INBOX/processed/YYYY-MM-DD/, refused ones to\n"
		"INBOX/failed/YYYY-MM-DD/ beside their rejects file.  One run at a time: a\n"
		"second exits with status 3 while DB.lock is held.  The log is DB.log.\n"
		"Prints one summary line; exit 0, or 1 when rows or files were refused.\n"
		"When stderr is a terminal it also shows the notes written, the rate and\n"
		"the time left.  Notes are written for patients with a session in the\n"
		"alert_window days (a setting) before the run; the others are counted\n"
		"and get theirs with 'symtrend report note'.\n",
	.flags = CMD_NEED_DB | CMD_WRITE | CMD_CREATE,
	.exec = cmd_nightly,
};
