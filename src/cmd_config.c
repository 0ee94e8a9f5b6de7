/*
 * cmd_config.c - 'symtrend config': list, get, set and unset the settings
 * kept in the database (per-measure MCID, reliability, SD and cutoff; the
 * derived-course gap; the nightly thresholds).
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "stats.h"

static const char *const global_keys[] = {
	"alert_window", "course_gap", "index_period", "index_show_names", "no_response_sessions", "relapse_gap", "settle_seconds",
	"input_encoding",
};
static const char *const measure_keys[] = { "mcid", "reliability", "sd", "cutoff",
					    "min_baseline", "label", "instrument" };

static void show(struct store *s, const char *key)
{
	char *v = store_config_get(s, key);
	printf("%-24s %s%s\n", key, v ? v : stats_config_default(s, key), v ? "" : " (default)");
	free(v);
}

static int cmd_config(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct store *s = ctx->store;
	struct error err = ERROR_INIT;
	size_t i, k;
	if (argc == 1 || (argc == 2 && !strcmp(argv[1], "list"))) {
		for (i = 0; i < sizeof(global_keys) / sizeof(global_keys[0]); i++)
			show(s, global_keys[i]);
		for (i = 0; i < store_measure_count(s); i++)
			for (k = 0; k < sizeof(measure_keys) / sizeof(measure_keys[0]); k++) {
				char key[64];
				snprintf(key, sizeof(key), "%s.%s", store_measure_name(s, i), measure_keys[k]);
				show(s, key);
			}
		for (i = 0; stats_letter_keys[i]; i++)
			show(s, stats_letter_keys[i]);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "get") && argc == 3) {
		char *v;
		if (!stats_config_default(s, argv[2]))
			return cmd_usage(&cmd_config_entry, "unknown setting '%s'", argv[2]);
		v = store_config_get(s, argv[2]);
		printf("%s\n", v ? v : stats_config_default(s, argv[2]));
		free(v);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "set") && argc == 4) {
		if (stats_config_check(s, argv[2], argv[3], &err) < 0)
			return cmd_error(&err);
		if (store_config_set(s, argv[2], argv[3], &err) < 0)
			return cmd_error(&err);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "unset") && argc == 3) {
		if (!stats_config_default(s, argv[2]))
			return cmd_usage(&cmd_config_entry, "unknown setting '%s'", argv[2]);
		if (store_config_unset(s, argv[2], &err) < 0)
			return cmd_error(&err);
		return EXIT_OK;
	}
	return cmd_usage(&cmd_config_entry, NULL);
}

const struct cmd_entry cmd_config_entry = {
	.name = "config",
	.usage = "config [list | get KEY | set KEY VALUE | unset KEY]",
	.summary = "show or change the settings kept in the database",
	.help = "keys (defaults):\n"
		"  alert_window          28   nightly: notes for patients, alerts for courses with a\n"
		"                             session this many days before the run date, or later\n"
		"  course_gap            90   days without a session that start a new course\n"
		"  index_period          90   morning page: days compared with the days before\n"
		"  index_show_names      0    morning page: 1 shows patient names beside ids\n"
		"  no_response_sessions  6    nightly: sessions without response before an alert\n"
		"  relapse_gap           21   nightly: days of pause that count as a break\n"
		"  settle_seconds        60   nightly: files modified more recently wait\n"
		"  input_encoding        UTF-8 encoding of CSV files without a BOM (ingest, nightly)\n"
		"  MEASURE.mcid          2    minimal clinically important difference\n"
		"  MEASURE.reliability   0.8  r of the reliable change index\n"
		"  MEASURE.sd            auto SD for the RCI (auto: SD of the baselines)\n"
		"  MEASURE.cutoff        3    'recovered' at or below this score\n"
		"  MEASURE.min_baseline  4    response figures count courses whose baseline is\n"
		"                             at least this (0: every course)\n"
		"  MEASURE.label         the measure's name in letters (fatigue: Fatigue)\n"
		"  MEASURE.instrument    what the score is, for letters (e.g. 'single-item\n"
		"                        0-10 numeric rating, rated by the patient')\n"
		"  clinic_name, clinic_address, clinic_phone, clinic_email\n"
		"                        the letterhead of referral letters (one line each)\n",
	.flags = CMD_NEED_DB | CMD_WRITE | CMD_CREATE,
	.exec = cmd_config,
};
