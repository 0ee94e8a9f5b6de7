/*
 * cmd_alerts.c - 'symtrend alerts': the alerts of the latest nightly run,
 * from the database, in the columns of alerts.csv (CONTRACT.md, "Alerts
 * (nightly)").
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "cmd.h"

static int cmd_alerts(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct store_alerts l = STORE_ALERTS_INIT;
	struct error err = ERROR_INIT;
	int c, fmt = TABLE_TEXT;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			fmt = table_parse_format(optarg);
			if (fmt < 0)
				return cmd_usage(&cmd_alerts_entry, "--format takes text, csv or json, "
						 "not '%s'", optarg);
			break;
		case ':':
			return cmd_usage(&cmd_alerts_entry, "option '%s' needs a value",
					 argv[optind - 1]);
		default:
			return cmd_usage(&cmd_alerts_entry, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cmd_usage(&cmd_alerts_entry, "unexpected argument '%s'", argv[optind]);
	if (store_alerts_of_day(ctx->store, NULL, &l, NULL, &err) < 0)
		return cmd_error(&err);
	alerts_table(stdout, (enum table_format)fmt, &l);
	store_alerts_release(&l);
	return EXIT_OK;
}

const struct cmd_entry cmd_alerts_entry = {
	.name = "alerts",
	.usage = "alerts [--format text|csv|json]",
	.summary = "list the alerts of the latest nightly run",
	.help = "  --format FMT  text (default), csv or json; the columns of alerts.csv:\n"
		"                patient_id,course_id,measure,kind,session_date,detail\n\n"
		"The alerts the latest nightly run raised or changed (all runs of its day),\n"
		"as in OUT/YYYY-MM-DD/alerts.csv.  Kinds: worse, relapse, response_lost,\n"
		"plateau, no_response (course level: measure empty).  Only active courses\n"
		"(a session in the alert_window days before the run) raise alerts.\n",
	.flags = CMD_NEED_DB,
	.exec = cmd_alerts,
};
