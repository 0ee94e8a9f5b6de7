/*
 * cmd_backup.c - 'symtrend backup --to FILE': an online, consistent copy of
 * the database, verified before it gets its name.
 */
#include <stdlib.h>

#include "cmd.h"

struct backup_args {
	const char *to;
};

static const struct opt backup_options[] = {
	OPTION_STRING("to", 0, "FILE", struct backup_args, to,
		      "the backup to write (replaced when it exists, only once the\n"
		      "new one is whole and verified)"),
	OPTION_END,
};

static int cmd_backup(struct cmd_ctx *ctx, void *opts, int argc, char **argv)
{
	const struct backup_args *a = opts;
	struct store_tally t;
	struct error err = ERROR_INIT;
	char *to;
	(void)argc;
	(void)argv;
	if (!a->to || !*a->to)
		return cmd_usage(&cmd_backup_entry, "--to FILE is required");
	if (store_backup(ctx->store, a->to, &t, &err) < 0)
		return cmd_error(&err);
	to = str_escaped(a->to);
	printf("backup: '%s' written and verified: %ld patients, %ld sessions, %ld files\n", to,
	       t.patients, t.sessions, t.files);
	free(to);
	return EXIT_OK;
}

const struct cmd_entry cmd_backup_entry = {
	.name = "backup",
	.usage = "backup --to FILE",
	.summary = "write an online, consistent, verified copy of the database",
	.options = backup_options,
	.options_size = sizeof(struct backup_args),
	.max_args = 0,
	.help = "Uses SQLite's online backup API: a nightly run may be writing meanwhile;\n"
		"the copy is one consistent snapshot.  It is written as FILE.tmp.PID-XXXXXX\n"
		"(mode 0600), checked (PRAGMA integrity_check, the same numbers of\n"
		"patients, sessions and files as the database), synced and only then\n"
		"renamed to FILE: FILE is never seen half-written.  With the backup_dir\n"
		"setting every nightly run ends with one (see 'symtrend config --help').\n",
	.flags = CMD_NEED_DB,
	.exec = cmd_backup,
};
