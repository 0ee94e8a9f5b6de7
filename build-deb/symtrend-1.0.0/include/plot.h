/*
 * plot.h - charts with gnuplot, run as a program (no shell in between).
 *
 * Owns the gnuplot process (one per report, fed every chart's script on its
 * standard input), the chart scripts, and the quoting of every string that
 * reaches gnuplot: data goes as numbers in inline data blocks, and text
 * (ids, names, indications) only through plot_text() (or plot_quote() for
 * file names): single-quoted strings, which carry no command, macro, line
 * break, markup or format, so gnuplot shows them as given.  Charts are
 * written as SVG (what the HTML embeds) and, when asked, PNG (pngcairo),
 * readable in greyscale, under temporary names unique to the process
 * (plot_tmp_path) that the caller renames once plot_finish has succeeded;
 * a failed gnuplot leaves none of them behind.
 */
#ifndef SYMTREND_PLOT_H
#define SYMTREND_PLOT_H

#include <stddef.h>

#include "util.h"

struct plot;

/*
 * Starts gnuplot ($SYMTREND_GNUPLOT or "gnuplot" on $PATH), its messages
 * going to 'errlog'.  Returns NULL and fills err when it cannot be started;
 * err->kind is ERR_MISSING when gnuplot is simply not installed.
 */
struct plot *plot_start(const char *errlog, struct error *err);
int plot_send(struct plot *p, const struct strbuf *script, struct error *err);
/* Ends gnuplot's input, waits for it and checks how it ended; frees p. */
int plot_finish(struct plot *p, struct error *err);

/*
 * Draws a batch of n charts whose scripts lie end to end in 'script' (chart
 * i ends at ends[i]) on as many gnuplot processes as there are cores: 'first'
 * and up to PLOT_MAX_PROCS - 1 more started here, their messages going to
 * errlog.2, errlog.3, ... (removed when they succeed; no extra process when
 * errlog is NULL).  Every process is finished, 'first' included.
 */
#define PLOT_MAX_PROCS 16
int plot_draw(struct plot *first, const char *errlog, const struct strbuf *script,
	      const size_t *ends, size_t n, struct error *err);

/* Appends 's' as a gnuplot single-quoted string that cannot run anything
 * (for file names: control characters become '?'). */
void plot_quote(struct strbuf *sb, const char *s);
/* Appends 's' as a title, label or key text, shown as given: plot_quote
 * plus 'noenhanced', so no character is markup. */
void plot_text(struct strbuf *sb, const char *s);

/*
 * The temporary name gnuplot writes the chart 'out_base'.'ext' to (caller
 * frees): 'out_base.ext.tmp.TOKEN', TOKEN unique to this process, so two
 * runs writing into one folder never share one.  Taking the name back
 * means the caller renames (or removes) the file.
 */
char *plot_tmp_path(const char *out_base, const char *ext);

/* Chart formats, for the 'formats' argument of the scripts below. */
#define PLOT_SVG 1u
#define PLOT_PNG 2u

/* One panel of a chart: a measure's points over session numbers. */
struct plot_panel {
	const char *name;      /* measure */
	size_t n;
	const double *x, *y;   /* session_no, score */
	double baseline, mcid; /* MCID band from baseline; NAN: none */
	double c, b, tau;      /* fitted plateau; NAN c: none */
	const double *ex, *ey; /* expected trajectory (dash-dot); NULL: none */
	const double *fy;      /* the course's own fitted trajectory at ex; NULL: none */
	size_t en;
};

/* Course chart: one panel per measure, breaks marked at session positions. */
void plot_script_course(struct strbuf *sb, const char *out_base, const char *title,
			const struct plot_panel *panels, size_t npanels,
			const double *breaks, size_t nbreaks, unsigned formats);

/* Mean score by session number with its 95% band, one panel per measure. */
struct plot_band {
	const char *name;
	size_t n;
	const double *x, *mean, *lo, *hi;
};
void plot_script_means(struct strbuf *sb, const char *out_base, const char *title,
		       const struct plot_band *bands, size_t nbands, unsigned formats);

/* Waterfall of every course's change (sorted), one panel per measure. */
struct plot_bars {
	const char *name;
	size_t n;
	const double *v, *lo, *hi; /* lo/hi: interval or NULL */
	const char *const *labels;  /* category labels or NULL */
	double line;                /* reference line; NAN: none */
	const long *count;          /* waterfall: v[i] is the change of count[i] courses
				     * (sorted runs); NULL: of one course each */
};
void plot_script_waterfall(struct strbuf *sb, const char *out_base, const char *title,
			   const struct plot_bars *bars, size_t nbars, unsigned formats);
/* Rates with intervals by category, one panel per measure. */
void plot_script_rates(struct strbuf *sb, const char *out_base, const char *title,
		       const struct plot_bars *bars, size_t nbars, unsigned formats);
/* One Kaplan-Meier curve: its steps from (0, 1), a '+' where courses were
 * censored (on the curve), and its numbers at risk at the ticks. */
struct plot_km {
	const char *name;
	size_t n;
	const double *x, *s;   /* steps */
	size_t nc;
	const double *cx, *cs; /* censoring marks */
	const long *risk;      /* at session 0, step, 2 step, ... (nticks) */
};
/* Kaplan-Meier step curves, one line per measure, with the numbers at risk
 * in rows under the x axis, whose tics are 0, step, ... (nticks). */
void plot_script_km(struct strbuf *sb, const char *out_base, const char *title,
		    const struct plot_km *curves, size_t ncurves, double step, size_t nticks,
		    unsigned formats);

#endif
