/*
 * main.c - the command table and dispatcher of symtrend.  The global
 * options (--db, --help, --version) are a table here; each command's own
 * options a table in its cmd_<name>.c; both are parsed here, once, and
 * each command's --help is printed from them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cmd.h"
#include "settings.h"

static const struct cmd_entry *const commands[] = {
	&cmd_init_entry,
	&cmd_ingest_entry,
	&cmd_stats_entry,
	&cmd_config_entry,
	&cmd_report_entry,
	&cmd_nightly_entry,
	&cmd_alerts_entry,
	&cmd_model_entry,
	&cmd_template_entry,
	&cmd_backup_entry,
	&cmd_restore_entry,
	&cmd_audit_entry,
	&cmd_patient_entry,
	&cmd_export_entry,


};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

int cmd_exit_code(enum error_kind kind)
{
	switch (kind) {
	case ERR_INPUT: return EXIT_REJECTS;
	case ERR_USAGE: return EXIT_USAGE;
	case ERR_NONE:
	case ERR_IO:
	case ERR_BUSY:
	case ERR_MISSING:
	case ERR_INTERNAL: break;
	}
	return EXIT_FAILURE_IO;
}

int cmd_error_in(const char *what, struct error *e)
{
	char *msg = error_format(e);
	int code = cmd_exit_code(e->kind);
	if (what)
		fprintf(stderr, "symtrend: %s: %s\n", what, msg);
	else
		fprintf(stderr, "symtrend: %s\n", msg);
	free(msg);
	error_release(e);
	return code;
}

int cmd_error(struct error *e)
{
	return cmd_error_in(NULL, e);
}

int cmd_usage(const struct cmd_entry *e, const char *fmt, ...)
{
	va_list ap;
	if (fmt) {
		fputs("symtrend: ", stderr);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	fprintf(stderr, "usage: symtrend %s\n       symtrend %s --help for the options\n",
		e->usage, e->name);
	return EXIT_USAGE;
}

int cmd_check_setting(const struct cmd_entry *e, const struct store *s, const char *option,
		      const char *key, const char *value)
{
	struct error err = ERROR_INIT;
	int rc;
	if (!value || settings_check(s, key, value, &err) == 0)
		return EXIT_OK;
	rc = cmd_usage(e, "%s: %s", option, err.reason);
	error_release(&err);
	return rc;
}

void cmd_today(char out[11])
{
	const char *env = getenv("SYMTREND_TODAY");
	time_t now = time(NULL);
	struct tm tm;
	long days;
	if (env && date_parse(env, strlen(env), &days) == 0) {
		memcpy(out, env, 10);
		out[10] = '\0';
		return;
	}
	/* The clinic's date, not UTC's: a nightly run at 00:30 in Berlin is
	 * that day's run (doc/contract.md: the run date is the local date). */
	localtime_r(&now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* The options every command takes, before or after its name. */
struct main_opts {
	const char *db;
	int help, version;
};
static const struct opt global_options[] = {
	OPTION_STRING("db", 0, "PATH", struct main_opts, db,
		      "database (default: $SYMTREND_DB, else ./symtrend.db)"),
	OPTION_FLAG("help", 'h', struct main_opts, help,
		    "this help; 'symtrend COMMAND --help' for a command"),
	OPTION_FLAG("version", 0, struct main_opts, version, "print the version"),
	OPTION_END,
};
static const struct opt no_options[] = { OPTION_END };

static void print_help(FILE *out)
{
	size_t i;
	fputs("usage: symtrend [--db PATH] COMMAND [OPTIONS] [ARGS]\n\n"
	      "Symptom trends of treatment courses: ingest session CSVs, compute\n"
	      "statistics, write charts and reports.\n\ncommands:\n", out);
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-9s %s\n", commands[i]->name, commands[i]->summary);
	fputs("\noptions:\n", out);
	opt_help(out, global_options);
	fputs("\nexit status: 0 all good, 1 some rows rejected or a file refused,\n"
	      "2 usage error, 3 internal or I/O failure (or another run holds the lock)\n",
	      out);
}

static void print_cmd_help(const struct cmd_entry *e)
{
	printf("usage: symtrend %s\n\n%s\n", e->usage, e->summary);
	if (e->options && e->options->name) {
		puts("\noptions:");
		opt_help(stdout, e->options);
	}
	if (e->help && *e->help)
		printf("\n%s", e->help);
	if (e->help_fn) {
		putchar('\n');
		e->help_fn(stdout);
	}
	puts("\nglobal options:");
	opt_help(stdout, global_options);
}

static const struct cmd_entry *find_command(const char *name)
{
	size_t i;
	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

static int finish_stdout(int rc)
{
	/* A failed write to stdout (disk full, closed pipe) is an error. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "symtrend: cannot write output: %s\n", strerror(errno));
		return EXIT_FAILURE_IO;
	}
	return rc;
}

static int open_db(const struct cmd_entry *e, struct cmd_ctx *ctx, struct error *err)
{
	int flags = 0;
	if (!ctx->db_path)
		ctx->db_path = getenv("SYMTREND_DB");
	if (!ctx->db_path || !*ctx->db_path)
		ctx->db_path = "./symtrend.db";
	if (!(e->flags & CMD_NEED_DB))
		return 0;
	if (e->flags & CMD_WRITE)
		flags |= STORE_WRITE;
	if (e->flags & CMD_CREATE)
		flags |= STORE_CREATE;
	if (store_open(ctx->db_path, flags, &ctx->store, err) < 0)
		return -1;
	/* The settings the store itself needs, read and bounded by settings.c
	 * (loaded once here, kept with the store for the command). */
	store_set_course_gap(ctx->store, settings_get(ctx->store)->course_gap);
	return 0;
}

/* Parses the command's options (and the global ones after its name), sets up, runs it. */
static int run_command(const struct cmd_entry *e, const char *db, int argc, char **argv)
{
	struct main_opts g;
	void *opts = e->options_size ? xcalloc(1, e->options_size) : NULL;
	struct opt_table t[2] = { { e->options ? e->options : no_options, opts },
				  { global_options, &g } };
	struct cmd_ctx ctx = { db, NULL };
	struct error err = ERROR_INIT;
	int nargs = opt_parse(t, 2, argc, argv, 0, &err), rc;

	if (nargs < 0) {
		rc = cmd_usage(e, "%s", err.reason);
		error_release(&err);
	} else if (g.help) {
		print_cmd_help(e);
		rc = EXIT_OK;
	} else if (g.version) {
		printf("symtrend %s\n", SYMTREND_VERSION);
		rc = EXIT_OK;
	} else if (e->max_args >= 0 && nargs > e->max_args) {
		rc = cmd_usage(e, "unexpected argument '%s'", argv[e->max_args]);
	} else {
		if (g.db)
			ctx.db_path = g.db;
		if (open_db(e, &ctx, &err) < 0)
			rc = cmd_error(&err);
		else
			rc = e->exec(&ctx, opts, nargs, argv);
	}
	opt_release(t, 2);
	free(opts);
	store_free(ctx.store);
	return finish_stdout(rc);
}

int main(int argc, char **argv)
{
	const struct cmd_entry *e;
	struct main_opts g;
	struct opt_table t = { global_options, &g };
	struct error err = ERROR_INIT;
	int first;

	/* Health data: nothing symtrend creates is readable by others. */
	umask(077);
	first = opt_parse(&t, 1, argc - 1, argv + 1, OPT_STOP_AT_ARG, &err) + 1;
	if (first < 1) {
		fprintf(stderr, "symtrend: %s (see 'symtrend --help')\n", err.reason);
		error_release(&err);
		return EXIT_USAGE;
	}
	if (g.version) {
		printf("symtrend %s\n", SYMTREND_VERSION);
		return finish_stdout(EXIT_OK);
	}
	if (first < argc && !strcmp(argv[first], "help")) {
		g.help = 1;
		first++;
	}
	if (g.help) {
		if (first < argc && (e = find_command(argv[first])))
			print_cmd_help(e);
		else
			print_help(stdout);
		return finish_stdout(EXIT_OK);
	}
	if (first >= argc) {
		print_help(stderr);
		return EXIT_USAGE;
	}
	e = find_command(argv[first]);
	if (!e) {
		fprintf(stderr, "symtrend: '%s' is not a command (see 'symtrend --help')\n", argv[first]);
		return EXIT_USAGE;
	}
	return run_command(e, g.db, argc - first - 1, argv + first + 1);
}
