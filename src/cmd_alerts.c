/*
 * cmd_alerts.c - 'symtrend alerts': the alerts of the latest nightly run,
 * from the database, in the columns of alerts.csv (doc/contract.md, "Alerts
 * of the nightly run").
 */
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "cmd.h"

struct alerts_args {
	int format;
};

static const struct opt alerts_options[] = {
	OPTION_CHOICE("format", 0, "FMT", struct alerts_args, format, table_formats,
		      "text (default), csv or json; the columns of alerts.csv:\n"
		      "patient_id,course_id,measure,kind,session_date,detail"),
	OPTION_END,
};

static int cmd_alerts(struct cmd_ctx *ctx, void *opts, int argc, char **argv)
{
	const struct alerts_args *a = opts;
	struct store_alerts l = STORE_ALERTS_INIT;
	struct error err = ERROR_INIT;

	(void)argc;
	(void)argv;
	if (store_alerts_of_day(ctx->store, NULL, &l, NULL, &err) < 0)
		return cmd_error(&err);
	alerts_table(stdout, a->format < 0 ? TABLE_TEXT : (enum table_format)a->format, &l);
	store_alerts_release(&l);
	return EXIT_OK;
}

const struct cmd_entry cmd_alerts_entry = {
	.name = "alerts",
	.usage = "alerts [--format text|csv|json]",
	.summary = "list the alerts of the latest nightly run",
	.options = alerts_options,
	.options_size = sizeof(struct alerts_args),
	.max_args = 0,
	.help = "The alerts the latest nightly run raised or changed (all runs of its day),\n"
		"as in OUT/YYYY-MM-DD/alerts.csv.  Kinds: worse, relapse, response_lost,\n"
		"plateau, no_response (course level: measure empty).  Only active courses\n"
		"(a session in the alert_window days before the run) raise alerts.\n",
	.flags = CMD_NEED_DB,
	.exec = cmd_alerts,
};
