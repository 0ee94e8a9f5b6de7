/*
 * cmd_patient.c - 'symtrend patient export|erase|purge': a patient's
 * rights under the GDPR (articles 15, 17 and 20) and the retention rule.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "nightly.h"
#include "patient.h"
#include "settings.h"

#define REASON_MAX 200 /* characters */

struct patient_args {
	const char *out, *reason;
	int force, expired;
};

static const struct opt patient_options[] = {
	OPTION_STRING("out", 0, "DIR", struct patient_args, out,
		      "export: the folder to write (created 0700)"),
	OPTION_FLAG("force", 0, struct patient_args, force,
		    "erase: before the retention ends (needs --reason)"),
	OPTION_STRING("reason", 0, "TEXT", struct patient_args, reason,
		      "erase --force: why, one line, kept in the audit log\n"
		      "(it must not name the patient)"),
	OPTION_FLAG("expired", 0, struct patient_args, expired,
		    "purge: every patient whose retention has ended"),
	OPTION_END,
};

static int export_cmd(struct cmd_ctx *ctx, const struct patient_args *a, const char *pid)
{
	struct patient_export_result r;
	struct error err = ERROR_INIT;
	char *out;
	if (!a->out)
		return cmd_usage(&cmd_patient_entry, "patient export needs --out DIR");
	if (patient_export(ctx->store, pid, a->out, &r, &err) < 0)
		return cmd_error_in("patient export", &err);
	out = str_escaped(a->out);
	printf("patient export: '%s': patient.csv, sessions.csv (%ld rows), alerts.csv (%ld), "
	       "audit.csv (%ld), letters/ (%ld files)\n", out, r.sessions, r.alerts, r.audit,
	       r.letters);
	free(out);
	return EXIT_OK;
}

/* The retention_years setting. */
static long retention_years(struct store *s)
{
	return settings_get(s)->retention_years;
}

/* Erases 'pids' under the nightly lock and says what was done. */
static int erase_now(struct cmd_ctx *ctx, char *const *pids, const char *detail, const char *day,
		     const char *what)
{
	struct patient_erase_result r;
	struct error err = ERROR_INIT;
	size_t i, n;
	int lock = -1, rc;
	for (n = 0; pids[n]; n++)
		;
	if (nightly_lock(ctx->db_path, &lock, &err) < 0) {
		if (lock >= 0)
			close(lock);
		return cmd_error_in(what, &err);
	}
	rc = patient_erase(ctx->store, ctx->db_path, pids, detail, day, &r, &err);
	close(lock);
	if (rc < 0)
		return cmd_error_in(what, &err);
	printf("%s: %zu patient%s erased from the database; %ld of their folders removed, "
	       "%ld pages written again, %ld other files cleaned\n", what, n, n == 1 ? "" : "s",
	       r.folders_removed, r.pages_rewritten, r.files_scrubbed);
	rc = EXIT_OK;
	for (i = 0; r.left && r.left[i]; i++) {
		char *f = str_escaped(r.left[i]);
		fprintf(stderr, "symtrend: %s: '%s' still names an erased patient (or could not "
			"be read): remove it by hand\n", what, f);
		free(f);
		rc = EXIT_FAILURE_IO;
	}
	patient_erase_result_release(&r);
	return rc;
}

static int erase_cmd(struct cmd_ctx *ctx, const struct patient_args *a, const char *pid)
{
	struct store_patient_info info;
	struct error err = ERROR_INIT;
	char day[11], end_s[11], *detail;
	char *const pids[2] = { (char *)pid, NULL };
	long today, end = 0, years = retention_years(ctx->store);
	int known, rc;
	if (a->force != (a->reason != NULL))
		return cmd_usage(&cmd_patient_entry, "--force and --reason TEXT go together");
	if (a->reason && (!*a->reason || !text_is_clean(a->reason, strlen(a->reason), 0) ||
			  utf8_len(a->reason, strlen(a->reason)) > REASON_MAX))
		return cmd_usage(&cmd_patient_entry, "--reason takes one line of 1-%d characters",
				 REASON_MAX);
	known = store_patient_info(ctx->store, pid, &info, &err);
	if (known < 0)
		return cmd_error(&err);
	if (!known)
		return cmd_usage(&cmd_patient_entry, "'%s' is not a patient in the database", pid);
	if (a->reason && (strstr(a->reason, pid) || (info.name && strstr(a->reason, info.name)))) {
		store_patient_info_release(&info);
		return cmd_usage(&cmd_patient_entry, "--reason must not name the patient: it stays "
				 "in the audit log");
	}
	cmd_today(day);
	if (date_parse(day, 10, &today) < 0)
		BUG("today is not a date");
	if (info.has_sessions)
		end = patient_retention_end(info.last_session, years);
	store_patient_info_release(&info);
	date_format(end, end_s);
	if (info.has_sessions && today < end && !a->force) {
		fprintf(stderr, "symtrend: patient erase: refused: the records are kept until %s "
			"(retention_years %ld after the last session); --force --reason TEXT "
			"erases them now\n", end_s, years);
		return EXIT_REJECTS;
	}
	if (!info.has_sessions)
		detail = xstrdup("erase: no session stored");
	else if (today < end)
		detail = xasprintf("erase --force before the retention ended on %s: %s", end_s,
				   a->reason);
	else
		detail = xasprintf("erase: the retention ended on %s", end_s);
	rc = erase_now(ctx, pids, detail, day, "patient erase");
	free(detail);
	return rc;
}

static int purge_cmd(struct cmd_ctx *ctx, const struct patient_args *a)
{
	struct error err = ERROR_INIT;
	char day[11], **ids, **expired;
	long today, years = retention_years(ctx->store);
	size_t i, n = 0;
	int rc = EXIT_OK;
	if (!a->expired)
		return cmd_usage(&cmd_patient_entry, "patient purge needs --expired");
	cmd_today(day);
	if (date_parse(day, 10, &today) < 0)
		BUG("today is not a date");
	ids = store_patient_ids(ctx->store, &err);
	if (!ids)
		return cmd_error(&err);
	expired = xcalloc(1, sizeof(*expired));
	for (i = 0; ids[i]; i++) {
		struct store_patient_info info;
		int known = store_patient_info(ctx->store, ids[i], &info, &err);
		if (known < 0) {
			rc = cmd_error(&err);
			goto out;
		}
		if (known && info.has_sessions &&
		    today >= patient_retention_end(info.last_session, years)) {
			expired = xrealloc(expired, (n + 2) * sizeof(*expired));
			expired[n++] = xstrdup(ids[i]);
			expired[n] = NULL;
		}
		store_patient_info_release(&info);
	}
	if (!n) {
		printf("patient purge: no patient's retention (%ld years after the last session) "
		       "has ended\n", years);
	} else {
		char *detail = xasprintf("purge --expired: the retention (%ld years after the last "
					 "session) ended", years);
		rc = erase_now(ctx, expired, detail, day, "patient purge");
		free(detail);
	}
out:
	strv_free(ids);
	strv_free(expired);
	return rc;
}

static int cmd_patient(struct cmd_ctx *ctx, void *opts, int argc, char **argv)
{
	const struct patient_args *a = opts;
	if (argc < 1)
		return cmd_usage(&cmd_patient_entry, "patient takes 'export', 'erase' or 'purge'");
	if (!strcmp(argv[0], "purge")) {
		if (argc > 1)
			return cmd_usage(&cmd_patient_entry, "unexpected argument '%s'", argv[1]);
		if (a->out || a->force || a->reason)
			return cmd_usage(&cmd_patient_entry, "purge takes --expired only");
		return purge_cmd(ctx, a);
	}
	if (strcmp(argv[0], "export") != 0 && strcmp(argv[0], "erase") != 0)
		return cmd_usage(&cmd_patient_entry, "patient takes 'export', 'erase' or 'purge'");
	if (argc != 2)
		return cmd_usage(&cmd_patient_entry, "patient %s takes one patient ID", argv[0]);
	if (a->expired)
		return cmd_usage(&cmd_patient_entry, "--expired goes with 'purge'");
	if (!strcmp(argv[0], "export")) {
		if (a->force || a->reason)
			return cmd_usage(&cmd_patient_entry, "--force and --reason go with 'erase'");
		return export_cmd(ctx, a, argv[1]);
	}
	if (a->out)
		return cmd_usage(&cmd_patient_entry, "--out goes with 'export'");
	return erase_cmd(ctx, a, argv[1]);
}

const struct cmd_entry cmd_patient_entry = {
	.name = "patient",
	.usage = "patient export ID --out DIR\n"
		 "       symtrend patient erase ID [--force --reason TEXT]\n"
		 "       symtrend patient purge --expired",
	.summary = "export a patient's data, erase a patient, purge past retention",
	.options = patient_options,
	.options_size = sizeof(struct patient_args),
	.max_args = 2,
	.help = "export writes everything stored about the patient into DIR: patient.csv,\n"
		"sessions.csv, alerts.csv, audit.csv and letters/ (copies of the files in\n"
		"the patient's folders under the output folders symtrend wrote to).\n"
		"erase removes the patient's rows, alerts and audit id (a keyed hash stays),\n"
		"their folders, the lines naming them in other files, and writes the pages\n"
		"that listed them again.  It is refused (exit 1) while the last session is\n"
		"within retention_years (a setting, 10) unless --force --reason TEXT.\n"
		"purge --expired erases every patient past retention.  Older backups keep\n"
		"the patient until they are rotated out (doc/operations.md).\n",
	.flags = CMD_NEED_DB | CMD_WRITE,
	.exec = cmd_patient,
};
