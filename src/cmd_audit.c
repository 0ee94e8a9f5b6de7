/*
 * cmd_audit.c - 'symtrend audit': the audit log, every letter, report,
 * export, erase and restore with when, which OS user and which patient.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "table.h"

struct audit_args {
	const char *patient;
	int format;
};

static const struct opt audit_options[] = {
	OPTION_STRING("patient", 0, "ID", struct audit_args, patient,
		      "only this patient's rows (an erased patient's too: they are\n"
		      "found by the keyed hash of the id)"),
	OPTION_CHOICE("format", 0, "FMT", struct audit_args, format, table_formats,
		      "text (default), csv or json; the columns:\n"
		      "at,os_user,action,patient_id,patient_hash,detail"),
	OPTION_END,
};

static const struct table_col text_cols[] = {
	{ "at", -24, 0 }, { "os_user", -12, 0 }, { "action", -8, 0 },
	{ "patient", -20, 0 }, { "detail", 0, 0 },
};
static const struct table_col data_cols[] = {
	{ "at", 0, 0 }, { "os_user", 0, 0 }, { "action", 0, 0 },
	{ "patient_id", 0, 0 }, { "patient_hash", 0, 0 }, { "detail", 0, 0 },
};

static int row(void *arg, const struct store_audit_row *r)
{
	struct table *t = arg;
	table_str(t, r->at);
	table_str(t, r->os_user);
	table_str(t, r->action);
	if (t->fmt == TABLE_TEXT) {
		char erased[32];
		if (!r->patient_id && r->patient_hash) {
			snprintf(erased, sizeof(erased), "erased #%.12s", r->patient_hash);
			table_str(t, erased);
		} else {
			table_str(t, r->patient_id ? r->patient_id : "");
		}
	} else {
		table_str(t, r->patient_id);
		table_str(t, r->patient_hash);
	}
	table_str(t, r->detail);
	table_end_row(t);
	return 0;
}

static int cmd_audit(struct cmd_ctx *ctx, void *opts, int argc, char **argv)
{
	const struct audit_args *a = opts;
	enum table_format fmt = a->format < 0 ? TABLE_TEXT : (enum table_format)a->format;
	struct error err = ERROR_INIT;
	struct table t;
	(void)argc;
	(void)argv;
	if (fmt == TABLE_TEXT)
		table_begin(&t, stdout, fmt, text_cols, sizeof(text_cols) / sizeof(text_cols[0]));
	else
		table_begin(&t, stdout, fmt, data_cols, sizeof(data_cols) / sizeof(data_cols[0]));
	if (store_audit_each(ctx->store, a->patient, row, &t, &err) < 0)
		return cmd_error(&err);
	table_end(&t);
	return EXIT_OK;
}

const struct cmd_entry cmd_audit_entry = {
	.name = "audit",
	.usage = "audit [--patient ID] [--format text|csv|json]",
	.summary = "list the audit log: letters, reports, exports, erasures, restores",
	.options = audit_options,
	.options_size = sizeof(struct audit_args),
	.max_args = 0,
	.help = "One row per letter, report (clinic report, morning page), export,\n"
		"erase and restore: when (local time), the OS user who ran it, what, and\n"
		"the patient.  An erased patient's rows keep only a keyed hash of the id\n"
		"(HMAC-SHA-256 under a random key kept in the database), shown in text as\n"
		"'erased #' and its first 12 hex digits; --patient ID finds them.\n",
	.flags = CMD_NEED_DB,
	.exec = cmd_audit,
};
