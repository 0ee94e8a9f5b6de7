/*
 * main.c - the command table and dispatcher of symtrend.  Global options
 * (--db, --help, --version) are handled here; each command's own options in
 * its cmd_<name>.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cmd.h"

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


};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

int cmd_error(struct error *e)
{
	char *msg = error_format(e);
	int code = e->code ? e->code : EXIT_FAILURE_IO;
	fprintf(stderr, "symtrend: %s\n", msg);
	free(msg);
	error_release(e);
	return code;
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
	 * that day's run (CONTRACT.md: the run date is the local date). */
	localtime_r(&now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

long cmd_parse_long(const char *s, long max)
{
	char *end;
	long v;
	if (!s || !*s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	return v;
}

static void print_help(FILE *out)
{
	size_t i;
	fputs("usage: symtrend [--db PATH] COMMAND [OPTIONS] [ARGS]\n\n"
	      "Symptom trends of treatment courses: ingest session CSVs, compute\n"
	      "statistics, write charts and reports.\n\ncommands:\n", out);
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-9s %s\n", commands[i]->name, commands[i]->summary);
	fputs("\noptions:\n"
	      "  --db PATH   database (default: $SYMTREND_DB, else ./symtrend.db)\n"
	      "  --help      this help; 'symtrend COMMAND --help' for a command\n"
	      "  --version   print the version\n\n"
	      "exit status: 0 all good, 1 some rows rejected or a file refused,\n"
	      "2 usage error, 3 internal or I/O failure (or another run holds the lock)\n",
	      out);
}

static void print_cmd_help(const struct cmd_entry *e)
{
	printf("usage: symtrend %s\n\n%s\n", e->usage, e->summary);
	if (e->help && *e->help)
		printf("\n%s", e->help);
	puts("\n  --db PATH   database (default: $SYMTREND_DB, else ./symtrend.db)");
}

static const struct cmd_entry *find_command(const char *name)
{
	size_t i;
	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

/* Removes --db PATH / --db=PATH from argv (anywhere before "--"). */
static int take_db(int *argc, char **argv, const char **db)
{
	int i, j;
	for (i = 1; i < *argc; i++) {
		int take = 0;
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--db")) {
			if (i + 1 >= *argc) {
				fputs("symtrend: option '--db' needs a path\n", stderr);
				return -1;
			}
			*db = argv[i + 1];
			take = 2;
		} else if (!strncmp(argv[i], "--db=", 5)) {
			*db = argv[i] + 5;
			take = 1;
		}
		if (take) {
			for (j = i; j + take <= *argc; j++)
				argv[j] = argv[j + take];
			*argc -= take;
			i--;
		}
	}
	if (*db && !**db) {
		fputs("symtrend: option '--db' needs a path\n", stderr);
		return -1;
	}
	return 0;
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

int main(int argc, char **argv)
{
	const struct cmd_entry *e;
	struct cmd_ctx ctx = { NULL, NULL };
	struct error err = ERROR_INIT;
	const char *db = NULL;
	int i, rc;

	/* Health data: nothing symtrend creates is readable by others. */
	umask(077);
	if (take_db(&argc, argv, &db) < 0)
		return EXIT_USAGE;
	if (argc < 2) {
		print_help(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		if (argc > 2 && (e = find_command(argv[2]))) {
			print_cmd_help(e);
			return finish_stdout(EXIT_OK);
		}
		print_help(stdout);
		return finish_stdout(EXIT_OK);
	}
	if (!strcmp(argv[1], "--version")) {
		printf("symtrend %s\n", SYMTREND_VERSION);
		return finish_stdout(EXIT_OK);
	}
	e = find_command(argv[1]);
	if (!e) {
		fprintf(stderr, "symtrend: '%s' is not a command (see 'symtrend --help')\n", argv[1]);
		return EXIT_USAGE;
	}
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			print_cmd_help(e);
			return finish_stdout(EXIT_OK);
		}
	}
	if (!db)
		db = getenv("SYMTREND_DB");
	if (!db || !*db)
		db = "./symtrend.db";
	ctx.db_path = db;
	if (e->flags & CMD_NEED_DB) {
		int flags = 0;
		if (e->flags & CMD_WRITE)
			flags |= STORE_WRITE;
		if (e->flags & CMD_CREATE)
			flags |= STORE_CREATE;
		if (store_open(db, flags, &ctx.store, &err) < 0)
			return cmd_error(&err);
	}
	rc = e->exec(&ctx, argc - 1, argv + 1);
	store_free(ctx.store);
	return finish_stdout(rc);
}
