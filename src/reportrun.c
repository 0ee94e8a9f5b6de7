/*
 * reportrun.c - the setup and the end of a run that writes reports (see
 * reportrun.h).
 */
#include "reportrun.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int report_run_start(struct report_run *r, struct store *s, const char *dir, int flags,
		     struct error *err)
{
	struct error perr = ERROR_INIT;
	memset(r, 0, sizeof(*r));
	r->rm = report_setup(s, &r->sc, err);
	if (!r->rm)
		return -1;
	r->errlog = xasprintf("%s/.gnuplot.log", dir);
	r->plot = plot_start(r->errlog, &perr);
	if (!r->plot) {
		if (perr.kind != ERR_MISSING && !(flags & REPORT_RUN_CHARTS_OPTIONAL)) {
			error_set(err, perr.kind, perr.file, perr.line, "%s", perr.reason);
			error_release(&perr);
			return -1;
		}
		r->no_charts = perr.kind == ERR_MISSING
			? xstrdup("gnuplot is not installed (install gnuplot-nox for the charts)")
			: xstrdup(perr.reason);
		error_release(&perr);
	}
	r->batch = report_batch_new(r->plot != NULL, r->errlog);
	return 0;
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
	if (r->plot) {
		struct error e2 = ERROR_INIT;
		plot_finish(r->plot, &e2);
		error_release(&e2);
	}
	report_batch_free(r->batch);
	if (r->errlog) {
		char *log2 = xasprintf("%s.2", r->errlog);
		remove_log(r->errlog, r->finished);
		remove_log(log2, r->finished);
		free(log2);
	}
	free(r->errlog);
	free(r->no_charts);
	report_models_free(r->rm);
	stats_ctx_free(r->sc);
	memset(r, 0, sizeof(*r));
}
