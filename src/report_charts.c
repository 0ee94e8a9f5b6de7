/*
 * report_charts.c - the chart batch: the gnuplot scripts of a run's charts
 * (the note's course chart, the clinic's five) in SVG (and PNG when asked),
 * drawn by one gnuplot per core, then the HTML files that embed them.  Charts are drawn from the report structs (report_data.h).
 */
#include "report_data.h"
#include "report_letter.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_CHARTS 6 /* per HTML file */
#define MAX_BREAKS 32

/* An HTML file waiting for its charts. */
struct pending_html {
	char *path;
	struct strbuf html;             /* with REPORT_CHART_MARK where each chart goes */
	FILE *spool;                    /* or the page in a scratch file, when too big to hold */
	char *chart[MAX_CHARTS];        /* chart bases (without extension) */
	char *caption[MAX_CHARTS];
	int inline_svg;                 /* report_batch_inline_svg */
};

struct report_batch {
	int with_charts;
	unsigned formats; /* PLOT_SVG, and PLOT_PNG when asked */
	char *errlog;  /* gnuplot's messages (errlog.2, ... for more processes) */
	struct strbuf script;
	char **charts; /* chart bases to rename after gnuplot */
	size_t *chart_end; /* where each chart's script ends in 'script' */
	size_t ncharts, cap_charts, cap_ends;
	struct pending_html *html;
	size_t nhtml, cap_html;
	struct pending_pdf {                /* a letter's note.pdf, waiting for its charts */
		char *path, *chart[REPORT_LETTER_PDF_CHARTS];
		size_t ncharts;
		struct report_letter_pdf *pdf;
	} *pdf;
	size_t npdf, cap_pdf;
};

struct report_batch *report_batch_new(int with_charts, const char *errlog)
{
	struct report_batch *b = xcalloc(1, sizeof(*b));
	b->with_charts = with_charts;
	b->formats = PLOT_SVG;
	b->errlog = errlog ? xstrdup(errlog) : NULL;
	return b;
}

void report_batch_png(struct report_batch *b)
{
	b->formats |= PLOT_PNG;
}

int report_batch_charts(const struct report_batch *b)
{
	return b->with_charts;
}

static void pending_release(struct pending_html *h)
{
	size_t i;
	free(h->path);
	sb_release(&h->html);
	if (h->spool)
		fclose(h->spool);
	for (i = 0; i < MAX_CHARTS; i++) {
		free(h->chart[i]);
		free(h->caption[i]);
	}
}

void report_batch_free(struct report_batch *b)
{
	size_t i;
	if (!b)
		return;
	sb_release(&b->script);
	for (i = 0; i < b->ncharts; i++)
		free(b->charts[i]);
	free(b->charts);
	free(b->chart_end);
	free(b->errlog);
	for (i = 0; i < b->nhtml; i++)
		pending_release(&b->html[i]);
	free(b->html);
	for (i = 0; i < b->npdf; i++) {
		size_t k;
		free(b->pdf[i].path);
		for (k = 0; k < b->pdf[i].ncharts; k++)
			free(b->pdf[i].chart[k]);
		report_letter_pdf_free(b->pdf[i].pdf);
	}
	free(b->pdf);
	free(b);
}

void report_batch_add_html(struct report_batch *b, const char *path, struct strbuf *html,
			   char *const *charts, char *const *captions, size_t ncharts)
{
	struct pending_html *h;
	size_t i;
	b->html = xgrow(b->html, &b->cap_html, b->nhtml + 1, sizeof(*b->html));
	h = &b->html[b->nhtml++];
	memset(h, 0, sizeof(*h));
	h->path = xstrdup(path);
	h->html = *html;
	memset(html, 0, sizeof(*html));
	for (i = 0; i < ncharts && i < MAX_CHARTS; i++) {
		h->chart[i] = xstrdup(charts[i]);
		h->caption[i] = xstrdup(captions[i]);
	}
}

void report_batch_add_pdf(struct report_batch *b, const char *path, struct report_letter_pdf *pdf,
			  char *const *charts, size_t ncharts)
{
	struct pending_pdf *p;
	size_t k;
	b->pdf = xgrow(b->pdf, &b->cap_pdf, b->npdf + 1, sizeof(*b->pdf));
	p = &b->pdf[b->npdf++];
	memset(p, 0, sizeof(*p));
	p->path = xstrdup(path);
	for (k = 0; k < ncharts && k < REPORT_LETTER_PDF_CHARTS; k++)
		p->chart[k] = xstrdup(charts[k]);
	p->ncharts = k;
	p->pdf = pdf;
}

void report_batch_inline_svg(struct report_batch *b)
{
	if (b->nhtml)
		b->html[b->nhtml - 1].inline_svg = 1;
}

void report_batch_add_spool(struct report_batch *b, const char *path, FILE *spool,
			    char *const *charts, char *const *captions, size_t ncharts)
{
	struct strbuf none = STRBUF_INIT;
	report_batch_add_html(b, path, &none, charts, captions, ncharts);
	b->html[b->nhtml - 1].spool = spool;
}

static void add_chart(struct report_batch *b, const char *base)
{
	b->charts = xgrow(b->charts, &b->cap_charts, b->ncharts + 1, sizeof(*b->charts));
	b->chart_end = xgrow(b->chart_end, &b->cap_ends, b->ncharts + 1, sizeof(*b->chart_end));
	b->chart_end[b->ncharts] = b->script.len;
	b->charts[b->ncharts++] = xstrdup(base);
}

/* Drawing ------------------------------------------------------------------ */

/* Draws the batch's charts, on as many gnuplot processes as there are cores. */
static int draw(struct report_batch *b, struct plot *plot, struct error *err)
{
	return plot_draw(plot, b->errlog, &b->script, b->chart_end, b->ncharts, err);
}

/* Renames gnuplot's temporary files into place. */
static int rename_charts(struct report_batch *b, struct error *err)
{
	static const char *const ext[] = { "svg", "png" };
	size_t i, k;
	for (i = 0; i < b->ncharts; i++) {
		for (k = 0; k < 2; k++) {
			char *tmp, *dst;
			struct stat st;
			int bad;
			if (!(b->formats & (1u << k)))
				continue;
			tmp = plot_tmp_path(b->charts[i], ext[k]);
			dst = xasprintf("%s.%s", b->charts[i], ext[k]);
			bad = stat(tmp, &st) != 0 || st.st_size == 0 || rename(tmp, dst) != 0;
			if (bad)
				error_set(err, ERR_IO, NULL, 0, "gnuplot did not write '%s'", dst);
			free(tmp);
			free(dst);
			if (bad)
				return -1;
		}
	}
	return 0;
}

static void base64(struct strbuf *sb, const unsigned char *p, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;
	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
		char o[4] = { tab[v >> 18], tab[(v >> 12) & 63], tab[(v >> 6) & 63], tab[v & 63] };
		sb_add(sb, o, 4);
	}
	if (n - i == 1) {
		unsigned v = (unsigned)p[i] << 16;
		char o[4] = { tab[v >> 18], tab[(v >> 12) & 63], '=', '=' };
		sb_add(sb, o, 4);
	} else if (n - i == 2) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8;
		char o[4] = { tab[v >> 18], tab[(v >> 12) & 63], tab[(v >> 6) & 63], '=' };
		sb_add(sb, o, 4);
	}
}

/* A chart as a figure: the SVG inline when asked and safe
 * (report_svg_inline), else as a data URI (it cannot alter the page around
 * it), or a line saying why there is none. */
static void figure(struct strbuf *doc, const char *base, const char *caption, int charts_ok,
		   int inline_svg)
{
	struct strbuf svg = STRBUF_INIT;
	char *path = xasprintf("%s.svg", base);
	int have = charts_ok && read_file(path, &svg) == 0;
	sb_adds(doc, "<figure>");
	if (have && inline_svg &&
	    report_svg_inline(doc, svg.buf ? svg.buf : "", svg.len, "symtrend-chart-", caption) == 0) {
		/* inlined */
	} else if (have) {
		sb_adds(doc, "<img alt=\"");
		html_escape(doc, caption);
		sb_adds(doc, "\" src=\"data:image/svg+xml;base64,");
		base64(doc, (const unsigned char *)svg.buf, svg.len);
		sb_adds(doc, "\">");
	} else {
		sb_adds(doc, "<p class=\"nochart\">Chart not available (gnuplot is not installed "
			      "or failed).</p>");
	}
	sb_adds(doc, "<figcaption>");
	html_escape(doc, caption);
	sb_adds(doc, "</figcaption></figure>\n");
	sb_release(&svg);
	free(path);
}

/* Passes n bytes of the page on to 'of', each REPORT_CHART_MARK replaced by
 * the next chart (*k counts them). */
static void put_page(struct outfile *of, const struct pending_html *h, const char *p, size_t n,
		     size_t *k, int charts_ok)
{
	const char *end = p + n, *m;
	size_t ml = strlen(REPORT_CHART_MARK);
	while ((m = memmem(p, (size_t)(end - p), REPORT_CHART_MARK, ml))) {
		outfile_write(of, p, (size_t)(m - p));
		p = m + ml;
		if (*k < MAX_CHARTS && h->chart[*k]) {
			struct strbuf fig = STRBUF_INIT;
			figure(&fig, h->chart[*k], h->caption[*k], charts_ok, h->inline_svg);
			outfile_write(of, fig.buf, fig.len);
			sb_release(&fig);
		}
		(*k)++;
	}
	outfile_write(of, p, (size_t)(end - p));
}

/* The page, read back line by line from its scratch file (a mark holds no
 * newline, so none is cut in two). */
static int put_spool(struct outfile *of, const struct pending_html *h, size_t *k, int charts_ok,
		     struct error *err)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int bad = fflush(h->spool) != 0 || ferror(h->spool);
	if (!bad) {
		rewind(h->spool);
		while ((n = getline(&line, &cap, h->spool)) > 0)
			put_page(of, h, line, (size_t)n, k, charts_ok);
		bad = ferror(h->spool);
	}
	free(line);
	if (bad)
		error_set(err, ERR_IO, NULL, 0, "cannot write '%s': its scratch file failed",
			  h->path);
	return bad ? -1 : 0;
}

static int write_html(const struct pending_html *h, int charts_ok, struct error *err)
{
	struct outfile of;
	size_t k = 0;
	if (outfile_open(&of, h->path, err) < 0)
		return -1;
	if (h->spool) {
		if (put_spool(&of, h, &k, charts_ok, err) < 0) {
			outfile_abort(&of);
			return -1;
		}
	} else if (h->html.buf) {
		put_page(&of, h, h->html.buf, h->html.len, &k, charts_ok);
	}
	return outfile_commit(&of, err);
}

/* A letter's PDF with its charts (a line says so when there are none). */
static int write_pdf(const struct pending_pdf *p, int charts_ok, struct error *err)
{
	struct strbuf svg[REPORT_LETTER_PDF_CHARTS], pdf = STRBUF_INIT;
	const char *data[REPORT_LETTER_PDF_CHARTS];
	size_t len[REPORT_LETTER_PDF_CHARTS], k;
	int rc;
	for (k = 0; k < p->ncharts; k++) {
		char *path = xasprintf("%s.svg", p->chart[k]);
		memset(&svg[k], 0, sizeof(svg[k]));
		data[k] = charts_ok && read_file(path, &svg[k]) == 0 ? (svg[k].buf ? svg[k].buf : "")
								     : NULL;
		len[k] = svg[k].len;
		free(path);
	}
	rc = report_letter_pdf_render(p->pdf, charts_ok ? data : NULL, len, &pdf, err);
	if (rc == 0)
		rc = write_file_atomic(p->path, pdf.buf ? pdf.buf : "", pdf.len, err);
	for (k = 0; k < p->ncharts; k++)
		sb_release(&svg[k]);
	sb_release(&pdf);
	return rc;
}

int report_batch_finish(struct report_batch *b, struct plot *plot, struct error *err)
{
	size_t i;
	int ret = -1, charts_ok = 0;
	if (plot && b->with_charts) {
		if (draw(b, plot, err) < 0 || rename_charts(b, err) < 0)
			goto out;
		charts_ok = 1;
	} else if (plot) {
		plot_finish(plot, err);
	}
	for (i = 0; i < b->nhtml; i++)
		if (write_html(&b->html[i], charts_ok, err) < 0)
			goto out;
	for (i = 0; i < b->npdf; i++)
		if (write_pdf(&b->pdf[i], charts_ok, err) < 0)
			goto out;
	ret = 0;
out:
	report_batch_free(b);
	return ret;
}

/* The note's course chart -------------------------------------------------- */

/* The expected course at sessions 1..n given this patient's first score (the
 * fixed-effect curve moved to pass through it: the clinic mean would make a
 * patient who started high look behind), and this course as the model fits it. */
static void expected_lines(struct plot_panel *p, const struct report_note_measure *x, size_t n,
			   double *ex, double *ey, double *fy)
{
	double l0 = log((double)(x->r.first_session ? x->r.first_session : 1));
	size_t i;
	for (i = 0; i < n; i++) {
		double lx = log((double)(i + 1));
		ex[i] = (double)(i + 1);
		ey[i] = x->r.baseline + x->fit->beta[1] * (lx - l0);
		/* The course's own trajectory: fixed effects plus its conditional modes. */
		fy[i] = x->fit->beta[0] + x->fit->beta[1] * lx + x->effect[0] + x->effect[1] * lx;
	}
	p->ex = ex;
	p->ey = ey;
	p->fy = isfinite(x->effect[0]) && isfinite(x->effect[1]) ? fy : NULL;
	p->en = n;
}

void report_charts_note(struct report_batch *b, const struct report_note *n,
			char *const *labels, const char *base)
{
	const struct store_course *c = n->course;
	struct plot_panel panels[CSVIN_MAX_MEASURES];
	struct strbuf title = STRBUF_INIT;
	double *buf = xcalloc((c->n + 1) * 5 * CSVIN_MAX_MEASURES, sizeof(double));
	double brk[MAX_BREAKS];
	size_t m, i, np = 0, nbrk = 0;
	for (m = 0; m < n->nm; m++) {
		const struct report_note_measure *x = &n->m[m];
		double *xs = buf + (c->n + 1) * 5 * m, *ys = xs + c->n + 1;
		struct plot_panel *p = &panels[np];
		if (!x->shown)
			continue;
		np++;
		memset(p, 0, sizeof(*p));
		p->n = store_course_points(c, m, xs, ys);
		p->name = labels && labels[m] && *labels[m] ? labels[m] : x->name;
		p->x = xs;
		p->y = ys;
		p->baseline = x->r.baseline;
		p->mcid = x->mcid;
		p->c = x->r.plateau;
		p->b = x->r.plateau_b;
		p->tau = x->r.plateau_tau;
		if (x->fit && c->n && isfinite(x->r.baseline))
			expected_lines(p, x, c->n, ys + c->n + 1, ys + 2 * (c->n + 1),
				       ys + 3 * (c->n + 1));
	}
	for (i = 0; i < n->npauses && nbrk < MAX_BREAKS; i++)
		brk[nbrk++] = (double)n->pauses[i].session + 0.5;
	sb_adds(&title, "Course ");
	sb_adds(&title, n->course_id);
	sb_adds(&title, ": scores by session (0-10, lower is better)");
	plot_script_course(&b->script, base, title.buf, panels, np, brk, nbrk, b->formats);
	add_chart(b, base);
	sb_release(&title);
	free(buf);
}

/* What the course chart draws, for its caption: 1 when any shown measure
 * has what 'what' asks (0 band, 1 plateau fit, 2 expected course, 3 the
 * course as the model fits it). */
static int drawn(const struct report_note *n, int what)
{
	size_t m;
	for (m = 0; m < n->nm; m++) {
		const struct report_note_measure *x = &n->m[m];
		if (!x->shown || x->r.n == 0)
			continue;
		if ((what == 0 && isfinite(x->r.baseline) && isfinite(x->mcid)) ||
		    (what == 1 && isfinite(x->r.plateau)) ||
		    (what == 2 && x->fit && isfinite(x->r.baseline)) ||
		    (what == 3 && x->fit && isfinite(x->effect[0]) && isfinite(x->effect[1])))
			return 1;
	}
	return 0;
}

char *report_charts_note_caption(const struct report_note *n)
{
	struct strbuf sb = STRBUF_INIT;
	sb_adds(&sb, "Scores by session");
	if (drawn(n, 0))
		sb_adds(&sb, "; grey band: MCID from baseline");
	if (drawn(n, 1))
		sb_adds(&sb, "; dashed: plateau fit");
	if (n->npauses)
		sb_addf(&sb, "; dotted: pause of %ld days or more", n->pause_days);
	if (drawn(n, 2))
		sb_adds(&sb, "; dash-dot: the clinic's expected course");
	if (drawn(n, 3))
		sb_adds(&sb, "; thin grey: this course as the model fits it");
	return sb_detach(&sb);
}

int report_charts_has_episode(const struct report_note *n)
{
	return n->rd.ep.courses > 1;
}

/* The episode's breaks (between its courses, and pauses of relapse_gap days
 * or more inside them) as from/to pairs, and each later course's start. */
static void episode_marks(const struct report_note *n, double *brk, size_t *nbrk, double *starts,
			  size_t *nstarts)
{
	const struct reading *rd = &n->rd;
	size_t k, i;
	*nbrk = *nstarts = 0;
	for (k = rd->ep.first; k < rd->n; k++) {
		const struct store_course *c = &rd->course[k];
		if (k > rd->ep.first && *nbrk < MAX_BREAKS) {
			const struct store_course *p = c - 1;
			brk[2 * *nbrk] = (double)p->date[p->n - 1];
			brk[2 * (*nbrk)++ + 1] = (double)c->date[0];
			starts[(*nstarts)++] = (double)c->date[0];
		}
		for (i = 1; i < c->n && *nbrk < MAX_BREAKS; i++)
			if (outcome_is_break(c->date[i] - c->date[i - 1], n->rules.relapse_gap)) {
				brk[2 * *nbrk] = (double)c->date[i - 1];
				brk[2 * (*nbrk)++ + 1] = (double)c->date[i];
			}
	}
}

void report_charts_episode(struct report_batch *b, const struct report_note *n,
			   char *const *labels, const char *base)
{
	const struct reading *rd = &n->rd;
	struct plot_dated panels[CSVIN_MAX_MEASURES];
	double brk[2 * MAX_BREAKS], starts[MAX_BREAKS], *day, *y;
	size_t *course, total = 0, k, i, m, np = 0, nbrk, nstarts;
	for (k = rd->ep.first; k < rd->n; k++)
		total += rd->course[k].n;
	day = xcalloc(total * n->nm + 1, sizeof(double));
	y = xcalloc(total * n->nm + 1, sizeof(double));
	course = xcalloc(total * n->nm + 1, sizeof(size_t));
	for (m = 0; m < n->nm; m++) {
		struct plot_dated *p = &panels[np];
		size_t at = total * m, cnt = 0;
		if (!n->m[m].shown)
			continue;
		np++;
		for (k = rd->ep.first; k < rd->n; k++)
			for (i = 0; i < rd->course[k].n; i++) {
				const struct store_course *c = &rd->course[k];
				double v = c->score[i * c->nmeasures + m];
				if (isnan(v))
					continue;
				day[at + cnt] = (double)c->date[i];
				y[at + cnt] = v;
				course[at + cnt++] = k;
			}
		*p = (struct plot_dated){ labels && labels[m] && *labels[m] ? labels[m] : n->m[m].name,
					  cnt, day + at, y + at, course + at };
	}
	episode_marks(n, brk, &nbrk, starts, &nstarts);
	plot_script_episode(&b->script, base, rd->ep.referral_given
			    ? "Since referral: every course by date (0-10, lower is better)"
			    : "Every course by date (0-10, lower is better)",
			    panels, np, brk, nbrk, starts, nstarts, b->formats);
	add_chart(b, base);
	free(day);
	free(y);
	free(course);
}

char *report_charts_episode_caption(const struct report_note *n)
{
	return xasprintf("The %zu courses since %s by date; shaded: breaks (between courses, "
			 "and pauses of %ld days or more); dashed: a course starts",
			 n->rd.ep.courses, n->rd.ep.referral_given ? "referral" : "the first",
			 n->rules.relapse_gap);
}

/* The clinic's charts ------------------------------------------------------ */

/* Responder rates by group for a chart. */
static void rates_chart(struct report_batch *b, const char *base, const char *title,
			const struct report_clinic *c, const struct report_group *g, size_t ng)
{
	struct plot_bars bars[STORE_BUILTIN_MEASURES];
	const char **labels = xcalloc(ng + 1, sizeof(char *));
	double *v = xcalloc(3 * (ng + 1) * STORE_BUILTIN_MEASURES, sizeof(double));
	size_t i, m, n = c->nm < STORE_BUILTIN_MEASURES ? c->nm : STORE_BUILTIN_MEASURES;
	for (i = 0; i < ng; i++)
		labels[i] = g[i].name;
	for (m = 0; m < n; m++) {
		double *rate = v + 3 * (ng + 1) * m, *lo = rate + ng + 1, *hi = lo + ng + 1;
		for (i = 0; i < ng; i++) {
			const struct stats_clinic *r = &g[i].r[m];
			rate[i] = isfinite(r->responder_rate) ? r->responder_rate : 0;
			lo[i] = isfinite(r->rate_lo) ? r->rate_lo : 0;
			hi[i] = isfinite(r->rate_hi) ? r->rate_hi : 0;
		}
		bars[m] = (struct plot_bars){ c->names[m], ng, rate, lo, hi, labels, NAN, NULL };
	}
	plot_script_rates(&b->script, base, title, bars, n, b->formats);
	add_chart(b, base);
	free(v);
	free(labels);
}

/* A Kaplan-Meier fit as the chart draws it, read from the fit's own table
 * (stats_km): steps at the times with a response, from (0, 1) on to the
 * last time (courses censored after the last response), a mark where
 * courses were censored, on the curve, and the numbers at risk at the
 * report's ticks.  'buf' holds 4 (n + 2) doubles, 'risk' nticks longs. */
static void km_curve(const struct report_clinic *c, size_t m, double *buf, long *risk,
		     struct plot_km *out)
{
	const struct stats_km *k = &c->km[m];
	double *x = buf, *s = x + k->n + 2, *cx = s + k->n + 2, *cs = cx + k->n + 2;
	size_t i, n = 0, nc = 0;
	x[n] = 0;
	s[n++] = 1;
	for (i = 0; i < k->n; i++) {
		if (k->event[i]) {
			x[n] = k->time[i];
			s[n++] = k->surv[i];
		}
		if (k->censor[i]) {
			cx[nc] = k->time[i];
			cs[nc++] = k->surv[i];
		}
	}
	if (k->n && k->time[k->n - 1] > x[n - 1]) {
		x[n] = k->time[k->n - 1];
		s[n++] = k->surv[k->n - 1];
	}
	for (i = 0; i < c->km_ticks; i++)
		risk[i] = stats_km_at_risk(k, (double)i * c->km_step);
	*out = (struct plot_km){ c->names[m], k->total ? n : 0, x, s, nc, cx, cs, risk };
}

static void km_chart(struct report_batch *b, const struct report_clinic *c, const char *base)
{
	size_t n = c->nm < STORE_BUILTIN_MEASURES ? c->nm : STORE_BUILTIN_MEASURES, m;
	struct plot_km km[STORE_BUILTIN_MEASURES];
	double *buf[STORE_BUILTIN_MEASURES];
	long *risk = xcalloc(n * c->km_ticks + 1, sizeof(*risk));
	for (m = 0; m < n; m++) {
		buf[m] = xmalloc(4 * (c->km[m].n + 2) * sizeof(double));
		km_curve(c, m, buf[m], risk + m * c->km_ticks, &km[m]);
	}
	plot_script_km(&b->script, base, "Sessions to response (Kaplan-Meier)", km, n, c->km_step,
		       c->km_ticks, b->formats);
	add_chart(b, base);
	for (m = 0; m < n; m++)
		free(buf[m]);
	free(risk);
}

/* Means by session number, the waterfall of changes and the KM curves. */
static void clinic_curves(struct report_batch *b, const struct report_clinic *c, char *bases[5])
{
	size_t n = c->nm < STORE_BUILTIN_MEASURES ? c->nm : STORE_BUILTIN_MEASURES, m;
	struct plot_band bands[STORE_BUILTIN_MEASURES];
	struct plot_bars bars[STORE_BUILTIN_MEASURES];
	double *wv[STORE_BUILTIN_MEASURES];
	long *wc[STORE_BUILTIN_MEASURES];
	for (m = 0; m < n; m++) {
		const struct report_means *x = &c->means[m];
		/* Each distinct change once, with its courses: not one value per course. */
		size_t nw = stats_acc_change_runs(c->acc[m], &wv[m], &wc[m]);
		bands[m] = (struct plot_band){ c->names[m], x->n, x->x, x->mean, x->lo, x->hi };
		bars[m] = (struct plot_bars){ c->names[m], nw, wv[m], NULL, NULL, NULL, -c->mcid[m],
					      wc[m] };
	}
	plot_script_means(&b->script, bases[0], "Mean score by session number (95% interval)", bands, n,
			  b->formats);
	add_chart(b, bases[0]);
	plot_script_waterfall(&b->script, bases[1], "Change of every course (latest - baseline)", bars,
			      n, b->formats);
	add_chart(b, bases[1]);
	rates_chart(b, bases[2], "Responder rate by therapist (Wilson 95% interval)", c, c->ther,
		    c->nther);
	rates_chart(b, bases[3], "Responder rate by indication (Wilson 95% interval)", c, c->ind,
		    c->nind);
	km_chart(b, c, bases[4]);
	for (m = 0; m < n; m++) {
		free(wv[m]);
		free(wc[m]);
	}
}

void report_charts_clinic(struct report_batch *b, const struct report_clinic *c, const char *dir,
			  char *bases[5])
{
	static const char *const name[5] = { "means", "waterfall", "rates-therapist",
					     "rates-indication", "km" };
	size_t i;
	for (i = 0; i < 5; i++)
		bases[i] = xasprintf("%s/%s", dir, name[i]);
	clinic_curves(b, c, bases);
}
