/*
 * cmd_nightly.c - 'symtrend nightly': the cron job.  Quiet on success (one
 * summary line), errors on stderr, the details in OUT/YYYY-MM-DD/ and the
 * log beside the database.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "nightly.h"
#include "stats.h"

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
	rc = nightly_run(ctx->store, &o, &r, &err);
	if (rc == EXIT_FAILURE_IO) {
		nightly_result_release(&r);
		return cmd_error(&err);
	}
	if (o.dry_run) {
		printf("nightly --dry-run %s: nothing stored, moved or written\n%s", day,
		       r.plan && *r.plan ? r.plan : "no files in the inbox\n");
	} else {
		char left[64] = "";
		if (r.notes_left)
			snprintf(left, sizeof(left), " (%ld left for 'report note')", r.notes_left);
		printf("nightly %s: %ld files (%ld refused, %ld waiting), %ld sessions stored, "
		       "%ld rejected, %ld conflicts, %ld notes%s, %ld alerts -> %s\n", day,
		       r.files_processed + r.files_failed, r.files_failed, r.files_waiting,
		       r.counts.stored, r.counts.rejected, r.counts.conflicts, r.notes_written, left,
		       r.alerts, r.out_dir);
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
		"Prints one summary line; exit 0, or 1 when rows or files were refused.\n",
	.flags = CMD_NEED_DB | CMD_WRITE | CMD_CREATE,
	.exec = cmd_nightly,
};
