/*
 * cmd_nightly.c - 'symtrend nightly': the cron job.  Quiet on success (one
 * summary line), errors on stderr, the details in OUT/YYYY-MM-DD/ and the
 * log beside the database.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "nightly.h"
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

static int cmd_nightly(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "inbox", required_argument, NULL, 'i' },
		{ "out", required_argument, NULL, 'o' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "settle", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct nightly_opts o = { 0 };
	struct progress prog;
	struct nightly_result r;
	struct error err = ERROR_INIT;
	char day[11];
	int c, rc;

	o.db_path = ctx->db_path;
	o.settle_seconds = -1;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'i': o.inbox = optarg; break;
		case 'o': o.out = optarg; break;
		case 'n': o.dry_run = 1; break;
		case 's':
			o.settle_seconds = cmd_parse_long(optarg, 86400);
			if (o.settle_seconds < 0)
				return cmd_usage(&cmd_nightly_entry, "--settle takes 0-86400 seconds, not '%s'", optarg);
			break;
		default:
			return cmd_usage(&cmd_nightly_entry, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cmd_usage(&cmd_nightly_entry, "unexpected argument '%s'", argv[optind]);
	if (!o.inbox || !o.out)
		return cmd_usage(&cmd_nightly_entry, "--inbox DIR and --out DIR are required");
	if (o.settle_seconds < 0)
		o.settle_seconds = stats_config_long(ctx->store, "settle_seconds");
	cmd_today(day);
	o.today = day;
	if (isatty(STDERR_FILENO)) {
		o.progress = progress;
		o.progress_arg = &prog;
	}
	rc = nightly_run(ctx->store, &o, &r, &err);
	if (rc == EXIT_FAILURE_IO) {
		nightly_result_release(&r);
		return cmd_error(&err);
	}
	if (o.dry_run) {
		printf("nightly --dry-run %s: nothing stored, moved or written\n%s", day,
		       r.plan && *r.plan ? r.plan : "no files in the inbox\n");
	} else {
		char left[64] = "", skipped[64] = "";
		if (r.notes_left)
			snprintf(left, sizeof(left), " (%ld left for 'report note')", r.notes_left);
		long files = r.files_processed + r.files_failed;
		if (r.files_skipped)
			snprintf(skipped, sizeof(skipped), ", %ld skipped: links or not files",
				 r.files_skipped);
		/* Sessions: the rows of session files (a patients file's rows are not). */
		printf("nightly %s: %ld file%s (%ld refused, %ld waiting%s), %ld session%s stored, "
		       "%ld rejected, %ld conflict%s, %ld note%s%s, %ld alert%s -> %s\n", day,
		       files, files == 1 ? "" : "s", r.files_failed, r.files_waiting, skipped,
		       r.sessions_stored, r.sessions_stored == 1 ? "" : "s", r.counts.rejected,
		       r.counts.conflicts, r.counts.conflicts == 1 ? "" : "s", r.notes_written,
		       r.notes_written == 1 ? "" : "s", left, r.alerts, r.alerts == 1 ? "" : "s",
		       r.out_dir);
	}
	nightly_result_release(&r);
	return rc;
}

const struct cmd_entry cmd_nightly_entry = {
	.name = "nightly",
	.usage = "nightly --inbox DIR --out DIR [--dry-run] [--settle SECONDS]",
	.summary = "ingest an inbox of new files unattended and report what changed",
	.help = "  --inbox DIR      where the day's CSV exports arrive (*.csv; patients files\n"
		"                   are told apart by their header)\n"
		"  --out DIR        reports: OUT/YYYY-MM-DD/ (summary.txt, alerts.txt, rejects/,\n"
		"                   notes/) and the refreshed OUT/clinic/\n"
		"  --dry-run        validate and say what would happen; store, move, write nothing\n"
		"  --settle SECONDS files modified more recently wait for the next run\n"
		"                   (default: the settle_seconds setting, 60)\n\n"
		"Handled files move to INBOX/processed/YYYY-MM-DD/, refused ones to\n"
		"INBOX/failed/YYYY-MM-DD/ beside their rejects file.  One run at a time: a\n"
		"second exits with status 3 while DB.lock is held.  The log is DB.log.\n"
		"Prints one summary line; exit 0, or 1 when rows or files were refused.\n"
		"When stderr is a terminal it also shows the notes written, the rate and\n"
		"the time left.  Notes are written for patients with a session in the\n"
		"alert_window days (setting, 28) before the run; the others are counted\n"
		"and get theirs with 'symtrend report note'.\n",
	.flags = CMD_NEED_DB | CMD_WRITE | CMD_CREATE,
	.exec = cmd_nightly,
};
