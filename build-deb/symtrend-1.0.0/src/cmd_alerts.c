/*
 * cmd_alerts.c - 'symtrend alerts': the alerts of the latest nightly run,
 * from the database, in the columns of alerts.csv (doc/contract.md, "Alerts
 * of the nightly run").
 */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerts.h"
#include "cmd.h"

struct alerts_args {
	int format;
	const char *note;
};

static const struct opt alerts_options[] = {
	OPTION_CHOICE("format", 0, "FMT", struct alerts_args, format, table_formats,
		      "text (default), csv or json; the columns of alerts.csv:\n"
		      "patient_id,course_id,measure,kind,session_date,detail"),
	OPTION_STRING("note", 0, "TEXT", struct alerts_args, note,
		      "ack: why, kept with the acknowledgement (one line)"),
	OPTION_END,
};

static const char *const kinds[] = { "worse", "relapse", "response_lost", "plateau",
				     "no_response", NULL };

/* Who acknowledges: the OS user name (getpwuid), or the uid when unknown. */
static void user_name(char *buf, size_t n)
{
	struct passwd *pw = getpwuid(geteuid());
	if (pw && pw->pw_name && text_is_clean(pw->pw_name, strlen(pw->pw_name), 0))
		snprintf(buf, n, "%s", pw->pw_name);
	else
		snprintf(buf, n, "uid %lu", (unsigned long)geteuid());
}

/* 'alerts ack PATIENT_ID KIND [--note TEXT]' */
static int ack(struct cmd_ctx *ctx, const struct alerts_args *a, int argc, char **argv)
{
	struct error err = ERROR_INIT;
	char today[11], user[256];
	struct store *w;
	long n = 0, cp;
	int rc;
	size_t k;
	if (argc != 3)
		return cmd_usage(&cmd_alerts_entry, "alerts ack takes PATIENT_ID KIND");
	for (k = 0; kinds[k] && strcmp(kinds[k], argv[2]) != 0; k++)
		;
	if (!kinds[k])
		return cmd_usage(&cmd_alerts_entry, "the kind is worse, relapse, response_lost, plateau "
				 "or no_response");
	if (a->note && (strlen(a->note) > 500 || !text_is_clean(a->note, strlen(a->note), 0) ||
			text_check(a->note, strlen(a->note), TEXT_BIDI | TEXT_INVISIBLE, &cp) != 0))
		return cmd_usage(&cmd_alerts_entry,
				 "--note is one line of plain text, at most 500 bytes");
	cmd_today(today);
	user_name(user, sizeof(user));
	/* Listing reads; acknowledging writes: the database again, read-write. */
	if (store_open(store_path(ctx->store), STORE_WRITE, &w, &err) < 0)
		return cmd_error(&err);
	rc = store_alerts_ack(w, argv[1], argv[2], today, user, a->note, &n, &err);
	store_free(w);
	if (rc < 0)
		return cmd_error(&err);
	if (n == 0) {
		error_set(&err, ERR_INPUT, NULL, 0, "no open %s alert for that patient", argv[2]);
		return cmd_error(&err);
	}
	printf("alerts: %ld open %s alert%s acknowledged by %s on %s\n", n, argv[2],
	       n == 1 ? "" : "s", user, today);
	return EXIT_OK;
}

static int cmd_alerts(struct cmd_ctx *ctx, void *opts, int argc, char **argv)
{
	const struct alerts_args *a = opts;
	struct store_alerts l = STORE_ALERTS_INIT;
	struct error err = ERROR_INIT;

	if (argc > 0 && !strcmp(argv[0], "ack"))
		return ack(ctx, a, argc, argv);
	if (argc > 0)
		return cmd_usage(&cmd_alerts_entry, "alerts takes no argument but 'ack'");
	if (store_alerts_of_day(ctx->store, NULL, &l, NULL, &err) < 0)
		return cmd_error(&err);
	alerts_table(stdout, a->format < 0 ? TABLE_TEXT : (enum table_format)a->format, &l);
	store_alerts_release(&l);
	return EXIT_OK;
}

const struct cmd_entry cmd_alerts_entry = {
	.name = "alerts",
	.usage = "alerts [--format text|csv|json]\n"
		 "       symtrend alerts ack PATIENT_ID KIND [--note TEXT]",
	.summary = "list the alerts of the latest nightly run, or acknowledge one",
	.options = alerts_options,
	.options_size = sizeof(struct alerts_args),
	.max_args = 3,
	.help = "The alerts the latest nightly run raised or changed (all runs of its day),\n"
		"as in OUT/YYYY-MM-DD/alerts.csv.  Kinds: worse, relapse, response_lost,\n"
		"plateau, no_response (course level: measure empty).  Only active courses\n"
		"(a session in the alert_window days before the run) raise alerts.\n"
		"An alert stays open on the morning page, with the day first raised,\n"
		"until the patient's reading no longer raises it; 'alerts ack' records\n"
		"that a person has seen it (with the OS user, the date and --note), and\n"
		"the page lists it apart.\n",
	.flags = CMD_NEED_DB,
	.exec = cmd_alerts,
};
