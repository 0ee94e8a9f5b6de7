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

static int cmd_report(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "patient", required_argument, NULL, 'p' },
		{ "course", required_argument, NULL, 'c' },
		{ "out", required_argument, NULL, 'o' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "png", no_argument, NULL, 'g' },
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

	if (argc < 2 || (strcmp(argv[1], "note") != 0 && strcmp(argv[1], "clinic") != 0))
		return cmd_usage(&cmd_report_entry, "report takes 'note' or 'clinic'");
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
	if (!strcmp(what, "clinic") && (patient || course))
		return cmd_usage(&cmd_report_entry, "'report clinic' covers every patient");
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
		 "       symtrend report clinic --out DIR [--from DATE] [--to DATE] [--png]",
	.summary = "write a progress note or the clinic report (text, HTML, charts)",
	.help = "  --patient ID   the patient of the note\n"
		"  --course ID    the course (default: the patient's latest)\n"
		"  --out DIR      folder for the reports (created 0700, files 0600)\n"
		"  --from DATE    clinic report: courses that started on or after DATE\n"
		"  --to DATE      clinic report: courses that started on or before DATE\n"
		"  --png          every chart also as PNG, beside its SVG\n\n"
		"A note goes to DIR/<patient>/ (note.txt, note.html, course.svg);\n"
		"the clinic report to DIR/clinic/ (report.txt, report.html and charts).\n"
		"Prints the folder written.  Charts need gnuplot; without it the text and\n"
		"HTML are still written.  $SYMTREND_TODAY=YYYY-MM-DD fixes the date shown.\n",
	.flags = CMD_NEED_DB,
	.exec = cmd_report,
};
