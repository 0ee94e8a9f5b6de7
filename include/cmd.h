/*
 * cmd.h - the subcommand table.  Each src/cmd_<name>.c defines one
 * 'const struct cmd_entry cmd_<name>_entry' with its options as a table
 * (opts.h); src/main.c lists the entries, parses each command's options
 * once, prints its --help from the same table, and does the setup the
 * flags ask for (the database opened, for writing or not).  Only main and
 * cmd_* print or choose exit codes.
 */
#ifndef SYMTREND_CMD_H
#define SYMTREND_CMD_H

#include "opts.h"
#include "store.h"

/* Exit status of symtrend (--help and symtrend(1) list them). */
enum exit_code {
	EXIT_OK = 0,
	EXIT_REJECTS = 1,    /* some rows rejected, or a file refused */
	EXIT_USAGE = 2,      /* the command line or a setting is wrong */
	EXIT_FAILURE_IO = 3, /* I/O or internal failure, or another run holds the lock */
};

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
	const struct opt *options; /* OPTION_END-terminated; NULL: none */
	size_t options_size; /* of the struct the options' rows write into */
	int max_args;        /* arguments after the options; -1: any number */
	const char *help;    /* after the options in 'symtrend CMD --help' */
	void (*help_fn)(FILE *out); /* then this, for help made from data; or NULL */
	int flags;
	/*
	 * opts: the parsed options (a struct of options_size bytes, or NULL);
	 * argv: the argc arguments that are not options, in order.  Returns an
	 * enum exit_code.
	 */
	int (*exec)(struct cmd_ctx *ctx, void *opts, int argc, char **argv);
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
extern const struct cmd_entry cmd_backup_entry;
extern const struct cmd_entry cmd_restore_entry;
extern const struct cmd_entry cmd_audit_entry;
extern const struct cmd_entry cmd_patient_entry;
extern const struct cmd_entry cmd_export_entry;

/* The exit status of an error of that kind: the one place kinds become codes. */
int cmd_exit_code(enum error_kind kind);
/* Prints "symtrend: <msg>" for an error and returns its exit code. */
int cmd_error(struct error *e);
/* The same with what failed first: "symtrend: <what>: <msg>". */
int cmd_error_in(const char *what, struct error *e);
/* Prints the usage line of 'e' to stderr and returns EXIT_USAGE. */
int cmd_usage(const struct cmd_entry *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* An option that sets a setting: its value checked by the setting's row
 * (NULL: not given).  EXIT_OK, or the usage error printed. */
int cmd_check_setting(const struct cmd_entry *e, const struct store *s, const char *option,
		      const char *key, const char *value);
/* Today as YYYY-MM-DD (UTC), or $SYMTREND_TODAY for reproducible reports. */
void cmd_today(char out[11]);

#endif
