/*
 * reportrun.h - what a run that writes reports sets up and ends: the
 * statistics context, the clinic's expected courses, gnuplot with the batch
 * of charts, and gnuplot's message log in the output folder.  'report' and
 * the nightly run use it (the night draws its notes in batches and, when
 * the charts fail, writes them again without).  Without gnuplot the reports
 * are written without charts and the run says why.
 */
#ifndef SYMTREND_REPORTRUN_H
#define SYMTREND_REPORTRUN_H

#include "plot.h"
#include "report.h"
#include "stats.h"

struct report_run {
	struct stats_ctx *sc;
	struct report_models *rm;
	struct report_batch *batch;
	struct plot *plot; /* NULL: no charts (no_charts says why) */
	char *no_charts;   /* why the reports have no charts, or NULL */
	char *errlog;      /* DIR/.gnuplot.log */
	int finished;      /* report_run_finish succeeded: the log can go */
	int charts_failed; /* report_run_without_charts: the log stays */
};

enum report_run_flags {
	REPORT_RUN_CHARTS_OPTIONAL = 1, /* a gnuplot that fails to start only skips the charts */
};

/* Sets up a run writing into 'dir' (which exists): 0, or -1 with err. */
int report_run_start(struct report_run *r, struct store *s, const char *dir, int flags,
		     struct error *err);
/* Draws the batch's charts and ends gnuplot: 0, or -1 with err. */
int report_run_finish(struct report_run *r, struct error *err);
/* Draws the batch so far and starts the next, with a new gnuplot when the
 * run has charts (when it does not start, the rest goes without and
 * no_charts says why), so that memory stays flat: 0, or -1 with err. */
int report_run_next_batch(struct report_run *r, struct error *err);
/* After the charts failed: ends gnuplot, drops the batch and starts one
 * without charts, to write the reports again; gnuplot's log is kept. */
void report_run_without_charts(struct report_run *r);
/* Frees the run and ends a gnuplot still running.  gnuplot's log is removed
 * after a finished run with its charts, and kept after a failed one (or
 * one whose charts failed) when it is not empty. */
void report_run_release(struct report_run *r);

#endif
