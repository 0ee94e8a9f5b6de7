/*
 * cmd_template.c - 'symtrend template': an empty session file a clinic can
 * fill in without mistakes.  FILE.xlsx (libxlsxwriter): the header row,
 * session_date formatted and validated as a date, scores validated 0-10,
 * an input message on every column, a second sheet explaining the columns.
 * FILE.csv: the header line.  Written under a temporary name, mode 0600.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "cmd.h"
#include "csvin.h"

#define MAX_EXTRA 12

enum col_kind { COL_ID, COL_DATE, COL_SCORE, COL_TEXT, COL_LIST };

struct column {
	const char *name;
	enum col_kind kind;
	const char *required;
	const char *meaning; /* the input message and the second sheet (< 255 bytes) */
};

static const struct column before[] = {
	{ "patient_id", COL_ID, "yes",
	  "The clinic's patient identifier: 1-64 characters, no spaces at the ends. "
	  "No names here." },
	{ "session_date", COL_DATE, "yes",
	  "The date of the session (a real calendar date; type it as a date)." },
	{ "course_id", COL_TEXT, "no",
	  "Treatment course. Leave empty: a new course starts after a gap of more than "
	  "90 days (configurable)." },
	{ "therapist", COL_TEXT, "no", "Who treated." },
};

static const struct column scores[] = {
	{ "fatigue", COL_SCORE, "yes (the column)", "Fatigue 0-10: 0 = no symptom, 10 = worst imaginable. Empty = not recorded." },
	{ "sleep", COL_SCORE, "yes (the column)", "Sleep disturbance 0-10: 0 = none, 10 = worst imaginable. Empty = not recorded." },
	{ "focus", COL_SCORE, "yes (the column)", "Difficulty concentrating, brain fog 0-10: 0 = none, 10 = worst imaginable. Empty = not recorded." },
	{ "pain", COL_SCORE, "yes (the column)", "Pain 0-10: 0 = no pain, 10 = worst imaginable. Empty = not recorded." },
};

static const struct column after[] = {
	{ "attendance", COL_LIST, "no",
	  "attended (also when empty), cancelled or no-show. A cancelled or no-show row "
	  "carries no scores." },
	{ "adverse_event", COL_TEXT, "no", "A reaction after the session, in words." },
	{ "notes", COL_TEXT, "no", "Free text, kept, never read by the program." },
};

static const char extra_meaning[] =
	"A measure the clinic declared, 0-10: 0 = no symptom, 10 = worst imaginable. "
	"Empty = not recorded.";

/* Every column of the template, in order, with the extra measures. */
static size_t columns(struct column *out, char *const *extra, size_t nextra)
{
	size_t n = 0, i;
	for (i = 0; i < sizeof(before) / sizeof(before[0]); i++)
		out[n++] = before[i];
	for (i = 0; i < sizeof(scores) / sizeof(scores[0]); i++)
		out[n++] = scores[i];
	for (i = 0; i < nextra; i++) {
		out[n] = (struct column){ extra[i], COL_SCORE, "yes (the column)", extra_meaning };
		n++;
	}
	for (i = 0; i < sizeof(after) / sizeof(after[0]); i++)
		out[n++] = after[i];
	return n;
}

static void validation(lxw_worksheet *ws, lxw_col_t c, const struct column *col)
{
	/* libxlsxwriter's struct takes non-const strings; it only reads them. */
	static char attended[] = "attended", cancelled[] = "cancelled", no_show[] = "no-show";
	static char *attendance[] = { attended, cancelled, no_show, NULL };
	char title[33], message[256];
	lxw_data_validation dv;
	memset(&dv, 0, sizeof(dv));
	snprintf(title, sizeof(title), "%s", col->name);
	snprintf(message, sizeof(message), "%s", col->meaning);
	dv.input_title = title;
	dv.input_message = message;
	switch (col->kind) {
	case COL_SCORE:
		dv.validate = LXW_VALIDATION_TYPE_DECIMAL;
		dv.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
		dv.minimum_number = 0;
		dv.maximum_number = 10;
		dv.error_title = (char *)"Not a score";
		dv.error_message = (char *)"A score is a number from 0 to 10 (0 = no symptom).";
		break;
	case COL_DATE:
		dv.validate = LXW_VALIDATION_TYPE_DATE;
		dv.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
		dv.minimum_datetime = (lxw_datetime){ 1900, 3, 1, 0, 0, 0 };
		dv.maximum_datetime = (lxw_datetime){ 9999, 12, 31, 0, 0, 0 };
		dv.error_title = (char *)"Not a date";
		dv.error_message = (char *)"Type a real calendar date.";
		break;
	case COL_ID:
		dv.validate = LXW_VALIDATION_TYPE_LENGTH;
		dv.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
		dv.minimum_number = 1;
		dv.maximum_number = 64;
		dv.error_title = (char *)"Not a patient id";
		dv.error_message = (char *)"A patient id has 1-64 characters.";
		break;
	case COL_LIST:
		dv.validate = LXW_VALIDATION_TYPE_LIST;
		dv.value_list = attendance;
		dv.ignore_blank = LXW_VALIDATION_ON;
		break;
	case COL_TEXT:
		dv.validate = LXW_VALIDATION_TYPE_ANY;
		break;
	}
	worksheet_data_validation_range(ws, 1, c, LXW_ROW_MAX - 1, c, &dv);
}

static lxw_error write_xlsx(const char *path, const struct column *cols, size_t ncols)
{
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws, *help;
	lxw_format *bold, *date, *wrap, *text;
	size_t i;
	if (!wb)
		return LXW_ERROR_CREATING_XLSX_FILE;
	ws = workbook_add_worksheet(wb, "Sessions");
	help = workbook_add_worksheet(wb, "Columns");
	bold = workbook_add_format(wb);
	format_set_bold(bold);
	date = workbook_add_format(wb);
	format_set_num_format(date, "yyyy-mm-dd");
	wrap = workbook_add_format(wb);
	format_set_text_wrap(wrap);
	/* Ids and names as text: typed into a General column, 00123 would be
	 * the number 123 and 3-12 a date, another patient. */
	text = workbook_add_format(wb);
	format_set_num_format(text, "@");
	for (i = 0; i < ncols; i++) {
		lxw_col_t c = (lxw_col_t)i;
		worksheet_write_string(ws, 0, c, cols[i].name, bold);
		worksheet_set_column(ws, c, c, cols[i].kind == COL_TEXT ? 24 : 14,
				     cols[i].kind == COL_DATE ? date
				     : cols[i].kind == COL_ID || cols[i].kind == COL_TEXT ? text
				     : NULL);
		validation(ws, c, &cols[i]);
	}
	worksheet_freeze_panes(ws, 1, 0);
	worksheet_write_string(help, 0, 0, "column", bold);
	worksheet_write_string(help, 0, 1, "required", bold);
	worksheet_write_string(help, 0, 2, "meaning", bold);
	for (i = 0; i < ncols; i++) {
		worksheet_write_string(help, (lxw_row_t)(i + 1), 0, cols[i].name, NULL);
		worksheet_write_string(help, (lxw_row_t)(i + 1), 1, cols[i].required, NULL);
		worksheet_write_string(help, (lxw_row_t)(i + 1), 2, cols[i].meaning, wrap);
	}
	worksheet_write_string(help, (lxw_row_t)(ncols + 2), 0,
			       "symtrend reads the first visible sheet only; its first row is the header. "
			       "A row needs a patient, a date and at least one score.", NULL);
	worksheet_set_column(help, 0, 0, 16, NULL);
	worksheet_set_column(help, 1, 1, 16, NULL);
	worksheet_set_column(help, 2, 2, 80, NULL);
	return workbook_close(wb);
}

static int write_template(const char *out, const struct column *cols, size_t ncols, int force)
{
	size_t n = strlen(out), i;
	struct error err = ERROR_INIT;
	struct stat st;
	/* A filled workbook is never replaced by an empty one unasked. */
	if (!force && lstat(out, &st) == 0) {
		fprintf(stderr, "symtrend: '%s' exists (a filled workbook?): not replaced; "
				"--force replaces it\n", out);
		return EXIT_USAGE;
	}
	if (n > 4 && !strcmp(out + n - 4, ".csv")) {
		struct strbuf sb = STRBUF_INIT;
		int rc;
		for (i = 0; i < ncols; i++)
			sb_addf(&sb, "%s%s", i ? "," : "", cols[i].name);
		sb_addc(&sb, '\n');
		rc = write_file_atomic(out, sb.buf, sb.len, &err);
		sb_release(&sb);
		return rc < 0 ? cmd_error(&err) : EXIT_OK;
	}
	{
		char *tmp = xasprintf("%s.tmp.%ld", out, (long)getpid());
		lxw_error e = write_xlsx(tmp, cols, ncols);
		/* Without --force, link() puts it in place only if nothing
		 * is there (a file that appeared since the check stays). */
		if (e != LXW_NO_ERROR || chmod(tmp, 0600) != 0 ||
		    (force ? rename(tmp, out) : link(tmp, out)) != 0) {
			fprintf(stderr, "symtrend: cannot write '%s': %s\n", out,
				e != LXW_NO_ERROR ? lxw_strerror(e) : strerror(errno));
			unlink(tmp);
			free(tmp);
			return EXIT_FAILURE_IO;
		}
		if (!force)
			unlink(tmp);
		free(tmp);
	}
	return EXIT_OK;
}

struct template_args {
	const char *out;
	struct opt_list measures;
	int force;
};

static const struct opt template_options[] = {
	OPTION_STRING("out", 0, "FILE", struct template_args, out,
		      "FILE.xlsx: a workbook with the header row, dates and scores\n"
		      "validated (0-10), a hint on every column and a sheet that\n"
		      "explains them; FILE.csv: the header line"),
	OPTION_LIST("measure", 0, "NAME", struct template_args, measures,
		    "add a column for an extra measure (declare it when ingesting)"),
	OPTION_FLAG("force", 0, struct template_args, force,
		    "replace FILE when it exists (else it is left as it is)"),
	OPTION_END,
};

static int cmd_template(struct cmd_ctx *ctx, void *opts, int argc, char **argv)
{
	const struct template_args *a = opts;
	struct column cols[32];
	char *extra[MAX_EXTRA];
	size_t nextra = 0, n, i;
	(void)ctx;
	(void)argc;
	(void)argv;
	for (i = 0; i < a->measures.n; i++) {
		if (csvin_valid_measure_name(a->measures.v[i]) < 0)
			return cmd_usage(&cmd_template_entry,
					 "'%s' is not a measure name ([a-z][a-z0-9_]*)", a->measures.v[i]);
		if (nextra == MAX_EXTRA)
			return cmd_usage(&cmd_template_entry, "at most %d extra measures", MAX_EXTRA);
		extra[nextra++] = (char *)a->measures.v[i];
	}
	if (!a->out)
		return cmd_usage(&cmd_template_entry, "--out FILE is required");
	n = strlen(a->out);
	if (!(n > 4 && !strcmp(a->out + n - 4, ".csv")) &&
	    !(n > 5 && !strcmp(a->out + n - 5, ".xlsx")))
		return cmd_usage(&cmd_template_entry, "--out names a .xlsx or .csv file, not '%s'",
				 a->out);
	n = columns(cols, extra, nextra);
	return write_template(a->out, cols, n, a->force);
}

const struct cmd_entry cmd_template_entry = {
	.name = "template",
	.usage = "template --out FILE.xlsx|FILE.csv [--measure NAME]... [--force]",
	.summary = "write an empty session file to fill in (workbook or CSV)",
	.options = template_options,
	.options_size = sizeof(struct template_args),
	.max_args = 0,
	.flags = 0,
	.exec = cmd_template,
};
