/*
 * opts.h - command-line options as data.  A command declares its options as
 * a table of struct opt rows (long name, short letter, kind, value name,
 * help, where the value goes in the command's options struct); the
 * dispatcher parses argv against the table once (opt_parse) and prints the
 * command's --help from the same table (opt_help), so help cannot drift
 * from the code.  The models: git's parse-options with usage_with_options,
 * tmux's cmd-*.c .args.  Library code: fills struct error, never prints
 * errors.
 */
#ifndef SYMTREND_OPTS_H
#define SYMTREND_OPTS_H

#include <limits.h>
#include <stddef.h>
#include <stdio.h>

#include "util.h"

enum opt_kind {
	OPT_FLAG,   /* int: 1 when given, else 0 */
	OPT_STRING, /* const char *: the last value given, else NULL */
	OPT_LIST,   /* struct opt_list: every value given, in order */
	OPT_LONG,   /* long in [min, max], else -1 */
	OPT_DATE,   /* long, days since 1970-01-01 of a YYYY-MM-DD, else OPT_DATE_NONE */
	OPT_CHOICE, /* int: index of the value in choices, else -1 */
};

/* "Not given" of an OPT_DATE (a real date may be negative: before 1970);
 * the same value as store.h's STORE_DATE_OPEN. */
#define OPT_DATE_NONE LONG_MIN

struct opt {
	const char *name;           /* long name without "--"; NULL ends a table */
	char short_name;            /* -x, or 0 for none */
	enum opt_kind kind;
	const char *value;          /* the value's name in help ("FILE"); NULL for a flag */
	size_t offset;              /* of the target in the command's options struct */
	const char *help;           /* one line, or more separated by '\n' */
	long min, max;              /* OPT_LONG */
	const char *const *choices; /* OPT_CHOICE, NULL-terminated */
};

/* The values of a repeatable option; v points into argv (opt_list_release frees v). */
struct opt_list {
	const char **v;
	size_t n;
};

/* Rows, git style: OPTION_STRING("out", 'o', "DIR", struct x, out, "help"). */
#define OPT_AT(type, field) offsetof(type, field)
#define OPTION_FLAG(l, s, type, field, h) \
	{ (l), (s), OPT_FLAG, NULL, OPT_AT(type, field), (h), 0, 0, NULL }
#define OPTION_STRING(l, s, v, type, field, h) \
	{ (l), (s), OPT_STRING, (v), OPT_AT(type, field), (h), 0, 0, NULL }
#define OPTION_LIST(l, s, v, type, field, h) \
	{ (l), (s), OPT_LIST, (v), OPT_AT(type, field), (h), 0, 0, NULL }
#define OPTION_LONG(l, s, v, type, field, lo, hi, h) \
	{ (l), (s), OPT_LONG, (v), OPT_AT(type, field), (h), (lo), (hi), NULL }
#define OPTION_DATE(l, s, type, field, h) \
	{ (l), (s), OPT_DATE, "DATE", OPT_AT(type, field), (h), 0, 0, NULL }
#define OPTION_CHOICE(l, s, v, type, field, ch, h) \
	{ (l), (s), OPT_CHOICE, (v), OPT_AT(type, field), (h), 0, 0, (ch) }
#define OPTION_END { NULL, 0, OPT_FLAG, NULL, 0, NULL, 0, 0, NULL }

/* One table and the struct its rows write into. */
struct opt_table {
	const struct opt *opts;
	void *target;
};

enum opt_parse_flags {
	OPT_STOP_AT_ARG = 1, /* stop at the first argument that is not an option */
};

/*
 * Sets every target of the tables to "not given" (see enum opt_kind).
 * opt_parse calls it; a caller that skips parsing may call it alone.
 */
void opt_defaults(const struct opt_table *t, size_t nt);
/*
 * Parses argv[0..argc) against the tables: --name, --name=VALUE, --name
 * VALUE, a unique prefix of a long name, -x, -xVALUE, -x VALUE, grouped
 * flags -ab; "--" ends the options; "-" and numbers such as "-1" are
 * arguments.  The arguments that are not options are moved, in order, to
 * the front of argv.  Returns how many there are (with OPT_STOP_AT_ARG: the
 * index of the first one), or -1 with err (kind ERR_USAGE) naming the
 * option and what is wrong.
 */
int opt_parse(const struct opt_table *t, size_t nt, int argc, char **argv, int flags,
	      struct error *err);
/* Frees what opt_parse allocated for the OPT_LIST targets of the tables. */
void opt_release(const struct opt_table *t, size_t nt);
/* Prints the options of a table, one per row with its help, for --help. */
void opt_help(FILE *out, const struct opt *opts);

#endif
