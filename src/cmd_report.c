/*
 * cmd_report.c - 'symtrend report note' and 'symtrend report clinic'.
 */
#include <getopt.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "report.h"
#include "report_index.h"
#include "stats.h"

/* 'report index': the morning page, OUT/index.html (no charts to draw). */
static int report_index_cmd(struct store *s, const char *out, long period)
{
	struct error err = ERROR_INIT;
	struct stats_ctx *sc;
	char day[11];
	int rc;
	cmd_today(day);
	if (mkdir_p(out) != 0) {
		fprintf(stderr, "symtrend: cannot create folder '%s': %s\n", out, strerror(errno));
		return EXIT_FAILURE_IO;
	}
	if (period < 1)
		period = stats_config_long(s, "index_period");
	sc = stats_ctx_new(s, &err);
	if (!sc)
		return cmd_error(&err);
	rc = report_index_write(s, sc, out, day, period, &err);
	stats_ctx_free(sc);
	if (rc < 0)
		return cmd_error(&err);
	printf("%s/index.html\n", out);
	return EXIT_OK;
}

static int cmd_report(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "patient", required_argument, NULL, 'p' },
		{ "course", required_argument, NULL, 'c' },
		{ "out", required_argument, NULL, 'o' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "png", no_argument, NULL, 'g' },
		{ "period", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	struct store_filter f = STORE_FILTER_INIT;
	const char *patient = NULL, *course = NULL, *out = NULL, *what;
	struct error err = ERROR_INIT;
	struct stats_ctx *sc;
	struct report_batch *b;
	struct report_models *rm;
	struct plot *plot = NULL;
	char day[11], *dir = NULL, *errlog;
	int c, rc, png = 0;
	long period = -1;

	if (argc < 2 || (strcmp(argv[1], "note") != 0 && strcmp(argv[1], "clinic") != 0 &&
			  strcmp(argv[1], "index") != 0))
		return cmd_usage(&cmd_report_entry, "report takes 'note', 'clinic' or 'index'");
	what = argv[1];
	argc--;
	argv++;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': patient = optarg; break;
		case 'c': course = optarg; break;
		case 'o': out = optarg; break;
		case 'g': png = 1; break;
		case 'd':
			period = cmd_parse_long(optarg, 3650);
			if (period < 1)
				return cmd_usage(&cmd_report_entry,
						 "--period takes a number of days 1-3650, not '%s'", optarg);
			break;
		case 'f':
		case 't': {
			long d;
			if (date_parse(optarg, strlen(optarg), &d) < 0)
				return cmd_usage(&cmd_report_entry, "--%s takes a date YYYY-MM-DD, not '%s'",
						 c == 'f' ? "from" : "to", optarg);
			*(c == 'f' ? &f.from : &f.to) = d;
			break;
		}
		default:
			return cmd_usage(&cmd_report_entry, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cmd_usage(&cmd_report_entry, "unexpected argument '%s'", argv[optind]);
	if (!out)
		return cmd_usage(&cmd_report_entry, "--out DIR is required");
	if (!strcmp(what, "note") && !patient)
		return cmd_usage(&cmd_report_entry, "report note needs --patient ID");
	if (!strcmp(what, "note") && (f.from != STORE_DATE_OPEN || f.to != STORE_DATE_OPEN))
		return cmd_usage(&cmd_report_entry, "--from/--to go with 'report clinic'");
	if (strcmp(what, "note") != 0 && (patient || course))
		return cmd_usage(&cmd_report_entry, "'report %s' covers every patient", what);
	if (period > 0 && strcmp(what, "index") != 0)
		return cmd_usage(&cmd_report_entry, "--period goes with 'report index'");
	if (!strcmp(what, "index"))
		return report_index_cmd(ctx->store, out, period);
	cmd_today(day);
	if (mkdir_p(out) != 0) {
		fprintf(stderr, "symtrend: cannot create folder '%s': %s\n", out, strerror(errno));
		return EXIT_FAILURE_IO;
	}
	rm = report_setup(ctx->store, &sc, &err);
	if (!rm)
		return cmd_error(&err);
	errlog = xasprintf("%s/.gnuplot.log", out);
	plot = plot_start(errlog, &err);
	if (!plot) {
		if (err.code != EXIT_OK) {
			free(errlog);
			report_models_free(rm);
			stats_ctx_free(sc);
			return cmd_error(&err);
		}
		fprintf(stderr, "symtrend: gnuplot is not installed: writing the reports without "
				"charts (install gnuplot-nox for them)\n");
		error_release(&err);
	}
	b = report_batch_new(plot != NULL, errlog);
	if (png)
		report_batch_png(b);
	if (!strcmp(what, "note"))
		rc = report_note(b, ctx->store, sc, rm, patient, course, out, day, &dir, &err);
	else
		rc = report_clinic(b, ctx->store, sc, rm, &f, out, day, &dir, &err);
	report_models_free(rm);
	if (rc != 0) {
		report_batch_free(b);
		if (plot) {
			struct error e2 = ERROR_INIT;
			plot_finish(plot, &e2);
			error_release(&e2);
		}
		rc = cmd_error(&err);
	} else if (report_batch_finish(b, plot, &err) < 0) {
		rc = cmd_error(&err);
		fprintf(stderr, "symtrend: gnuplot's messages are in '%s'\n", errlog);
		free(errlog);
		errlog = NULL;
	} else {
		printf("%s\n", dir);
		rc = EXIT_OK;
	}
	if (errlog) {
		char *log2 = xasprintf("%s.2", errlog);
		unlink(errlog);
		unlink(log2);
		free(log2);
		free(errlog);
	}
	free(dir);
	stats_ctx_free(sc);
	return rc;
}

const struct cmd_entry cmd_report_entry = {
	.name = "report",
	.usage = "report note --patient ID [--course ID] --out DIR [--png]\n"
		 "       symtrend report clinic --out DIR [--from DATE] [--to DATE] [--png]\n"
		 "       symtrend report index --out DIR [--period DAYS]",
	.summary = "write a progress note, the clinic report or the morning page",
	.help = "  --patient ID   the patient of the note\n"
		"  --course ID    the course (default: the patient's latest)\n"
		"  --out DIR      folder for the reports (created 0700, files 0600)\n"
		"  --from DATE    clinic report: courses that started on or after DATE\n"
		"  --to DATE      clinic report: courses that started on or before DATE\n"
		"  --png          every chart also as PNG, beside its SVG\n"
		"  --period DAYS  morning page: this many days against the days before\n"
		"                 (setting index_period, 90)\n\n"
		"The morning page goes to DIR/index.html: today's alerts, the active\n"
		"courses, two periods compared, links to the day's files.\n"
		"A note goes to DIR/<patient>/ (note.txt, note.html, course.svg);\n"
		"the clinic report to DIR/clinic/ (report.txt, report.html and charts).\n"
		"Prints the folder written.  Charts need gnuplot; without it the text and\n"
		"HTML are still written.  $SYMTREND_TODAY=YYYY-MM-DD fixes the date shown.\n",
	.flags = CMD_NEED_DB,
	.exec = cmd_report,
};
