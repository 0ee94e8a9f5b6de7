/*
 * reportrun.c - the setup and the end of a run that writes reports (see
 * reportrun.h).
 */
#include "reportrun.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* gnuplot for the next batch: 0 (r->plot, or none and r->no_charts says
 * why), or -1 with err when it must start and does not. */
static int start_plot(struct report_run *r, int optional, struct error *err)
{
	struct error perr = ERROR_INIT;
	r->plot = plot_start(r->errlog, &perr);
	if (r->plot)
		return 0;
	if (perr.kind != ERR_MISSING && !optional) {
		error_set(err, perr.kind, perr.file, perr.line, "%s", perr.reason);
		error_release(&perr);
		return -1;
	}
	free(r->no_charts);
	r->no_charts = perr.kind == ERR_MISSING
		? xstrdup("gnuplot is not installed (install gnuplot-nox for the charts)")
		: xstrdup(perr.reason);
	error_release(&perr);
	return 0;
}

int report_run_start(struct report_run *r, struct store *s, const char *dir, int flags,
		     struct error *err)
{
	memset(r, 0, sizeof(*r));
	r->rm = report_setup(s, &r->sc, err);
	if (!r->rm)
		return -1;
	r->errlog = xasprintf("%s/.gnuplot.log", dir);
	if (start_plot(r, flags & REPORT_RUN_CHARTS_OPTIONAL, err) < 0)
		return -1;
	r->batch = report_batch_new(r->plot != NULL, r->errlog);
	return 0;
}

int report_run_next_batch(struct report_run *r, struct error *err)
{
	int charts = r->plot != NULL, rc = report_batch_finish(r->batch, r->plot, err);
	r->batch = NULL;
	r->plot = NULL;
	if (rc < 0)
		return -1;
	if (charts)
		(void)start_plot(r, 1, err);
	r->batch = report_batch_new(r->plot != NULL, r->errlog);
	return 0;
}

/* Ends gnuplot and drops the batch's charts unwritten. */
static void drop_batch(struct report_run *r)
{
	if (r->plot) {
		struct error e2 = ERROR_INIT;
		plot_finish(r->plot, &e2);
		error_release(&e2);
		r->plot = NULL;
	}
	report_batch_free(r->batch);
	r->batch = NULL;
}

void report_run_without_charts(struct report_run *r)
{
	drop_batch(r);
	r->batch = report_batch_new(0, NULL);
	r->charts_failed = 1;
}

/* gnuplot's log goes once the run has finished; after a failure it stays
 * when gnuplot said something. */
static void remove_log(const char *path, int finished)
{
	struct stat st;
	if (finished || (stat(path, &st) == 0 && st.st_size == 0))
		unlink(path);
}

int report_run_finish(struct report_run *r, struct error *err)
{
	int rc = report_batch_finish(r->batch, r->plot, err);
	r->batch = NULL;
	r->plot = NULL;
	r->finished = rc == 0;
	return rc;
}

void report_run_release(struct report_run *r)
{
	drop_batch(r);
	if (r->errlog) {
		char *log2 = xasprintf("%s.2", r->errlog);
		remove_log(r->errlog, r->finished && !r->charts_failed);
		remove_log(log2, r->finished && !r->charts_failed);
		free(log2);
	}
	free(r->errlog);
	free(r->no_charts);
	report_models_free(r->rm);
	stats_ctx_free(r->sc);
	memset(r, 0, sizeof(*r));
}
