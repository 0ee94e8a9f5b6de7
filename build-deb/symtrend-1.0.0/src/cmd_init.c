/*
 * cmd_init.c - 'symtrend init': create the database or migrate it forward.
 */
#include "cmd.h"

static int cmd_init(struct cmd_ctx *ctx, void *opts, int argc, char **argv)
{
	long patients, sessions, files;
	(void)opts;
	(void)argc;
	(void)argv;
	if (store_counts(ctx->store, &patients, &sessions, &files) < 0) {
		fprintf(stderr, "symtrend: cannot read database '%s'\n", ctx->db_path);
		return EXIT_FAILURE_IO;
	}
	fprintf(stderr, "init: database '%s' at schema version %d: %ld patients, "
		"%ld sessions, %ld files\n", ctx->db_path, store_schema_version(ctx->store),
		patients, sessions, files);
	return EXIT_OK;
}

const struct cmd_entry cmd_init_entry = {
	.name = "init",
	.usage = "init",
	.summary = "create or migrate the database",
	.help = "Creates the database (mode 0600) or migrates an older one forward.\n"
		"A database written by a newer symtrend is refused, never changed.\n",
	.max_args = 0,
	.flags = CMD_NEED_DB | CMD_WRITE | CMD_CREATE,
	.exec = cmd_init,
};
