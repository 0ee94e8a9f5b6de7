/*
 * cmd.h - the subcommand table.  Each src/cmd_<name>.c defines one
 * 'const struct cmd_entry cmd_<name>_entry'; src/main.c lists them and does
 * the setup their flags ask for (the database opened, for writing or not)
 * once, in the dispatcher.  Only main and cmd_* print or choose exit codes.
 */
#ifndef SYMTREND_CMD_H
#define SYMTREND_CMD_H

#include "store.h"

enum cmd_flags {
	CMD_NEED_DB = 1,    /* open the database (read-only unless CMD_WRITE) */
	CMD_WRITE = 2,      /* open it read-write */
	CMD_CREATE = 4,     /* create it when missing */
};

struct cmd_ctx {
	const char *db_path; /* --db, $SYMTREND_DB or ./symtrend.db */
	struct store *store; /* open when the entry asks for CMD_NEED_DB */
};

struct cmd_entry {
	const char *name;
	const char *usage;   /* one line after "usage: symtrend " */
	const char *summary; /* for 'symtrend --help' */
	const char *help;    /* the options, for 'symtrend CMD --help' */
	int flags;
	/* argv[0] is the command name; returns an enum exit_code. */
	int (*exec)(struct cmd_ctx *ctx, int argc, char **argv);
};

extern const struct cmd_entry cmd_init_entry;
extern const struct cmd_entry cmd_ingest_entry;
extern const struct cmd_entry cmd_stats_entry;
extern const struct cmd_entry cmd_config_entry;
extern const struct cmd_entry cmd_report_entry;
extern const struct cmd_entry cmd_nightly_entry;
extern const struct cmd_entry cmd_alerts_entry;
extern const struct cmd_entry cmd_model_entry;
extern const struct cmd_entry cmd_template_entry;

/* Prints "symtrend: <msg>" for an error and returns its exit code. */
int cmd_error(struct error *e);
/* Prints the usage line of 'e' to stderr and returns EXIT_USAGE. */
int cmd_usage(const struct cmd_entry *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Today as YYYY-MM-DD (UTC), or $SYMTREND_TODAY for reproducible reports. */
void cmd_today(char out[11]);
/* Parses a non-negative integer option; -1 when not one. */
long cmd_parse_long(const char *s, long max);

#endif
