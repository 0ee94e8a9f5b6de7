/*
 * cmd_config.c - 'symtrend config': list, get, set and unset the settings
 * kept in the database (per-measure MCID, reliability, SD and cutoff; the
 * derived-course gap; the nightly thresholds).
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "settings.h"

static void show(void *arg, const char *key)
{
	struct store *s = arg;
	char *v = store_config_get(s, key);
	printf("%-24s %s%s\n", key, v ? v : settings_default(s, key), v ? "" : " (default)");
	free(v);
}

static int cmd_config(struct cmd_ctx *ctx, void *opts, int argc, char **argv)
{
	struct store *s = ctx->store;
	struct error err = ERROR_INIT;
	(void)opts;
	if (argc == 0 || (argc == 1 && !strcmp(argv[0], "list"))) {
		settings_each(s, show, s);
		return EXIT_OK;
	}
	if (!strcmp(argv[0], "get") && argc == 2) {
		char *v;
		if (!settings_find(s, argv[1]))
			return cmd_usage(&cmd_config_entry, "unknown setting '%s'", argv[1]);
		if (store_config_read(s, argv[1], &v, &err) < 0)
			return cmd_error(&err);
		printf("%s\n", v ? v : settings_default(s, argv[1]));
		free(v);
		return EXIT_OK;
	}
	if (!strcmp(argv[0], "set") && argc == 3) {
		if (settings_check(s, argv[1], argv[2], &err) < 0)
			return cmd_error(&err);
		if (store_config_set(s, argv[1], argv[2], &err) < 0)
			return cmd_error(&err);
		return EXIT_OK;
	}
	if (!strcmp(argv[0], "unset") && argc == 2) {
		if (!settings_find(s, argv[1]))
			return cmd_usage(&cmd_config_entry, "unknown setting '%s'", argv[1]);
		if (store_config_unset(s, argv[1], &err) < 0)
			return cmd_error(&err);
		return EXIT_OK;
	}
	return cmd_usage(&cmd_config_entry, NULL);
}

const struct cmd_entry cmd_config_entry = {
	.name = "config",
	.usage = "config [list | get KEY | set KEY VALUE | unset KEY]",
	.summary = "show or change the settings kept in the database",
	.help = "MEASURE is a measure's name (fatigue, sleep, focus, pain or a declared one).\n",
	.help_fn = settings_help,
	.max_args = 3,
	.flags = CMD_NEED_DB | CMD_WRITE | CMD_CREATE,
	.exec = cmd_config,
};
