/*
 * report_period.c - the clinic this period against the previous one, for
 * the morning page and the clinic report: the figures (two passes over the
 * courses that started in each window, stats_ and stats_compare) and their
 * HTML and text views.
 */
#include "report_data.h"
#include "report_index.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct report_period_acc {
	size_t nm;
	struct report_periods *out;
	struct stats_acc *a[2][CSVIN_MAX_MEASURES]; /* [0] this period, [1] the previous */
};

struct report_period_acc *report_period_acc_new(size_t nm, long today, long period,
						struct report_periods *out)
{
	struct report_period_acc *pa = xcalloc(1, sizeof(*pa));
	size_t m;
	memset(out, 0, sizeof(*out));
	out->period = period;
	out->cur.to = today;
	out->cur.from = today - period + 1;
	out->prev.to = out->cur.from - 1;
	out->prev.from = out->prev.to - period + 1;
	pa->nm = nm;
	pa->out = out;
	for (m = 0; m < nm; m++) {
		pa->a[0][m] = stats_acc_new();
		pa->a[1][m] = stats_acc_new();
	}
	return pa;
}

void report_period_acc_add(struct report_period_acc *pa, long start, size_t m,
			   const struct stats_course *r)
{
	const struct report_periods *p = pa->out;
	if (start >= p->cur.from && start <= p->cur.to)
		stats_acc_add(pa->a[0][m], r);
	else if (start >= p->prev.from && start <= p->prev.to)
		stats_acc_add(pa->a[1][m], r);
}

void report_period_acc_finish(struct report_period_acc *pa)
{
	struct report_periods *p = pa->out;
	double *ca, *cb;
	size_t m, na, nb;
	for (m = 0; m < pa->nm; m++) {
		stats_acc_finish(pa->a[0][m], &p->cur.cl[m]);
		stats_acc_finish(pa->a[1][m], &p->prev.cl[m]);
		na = stats_acc_changes(pa->a[0][m], &ca);
		nb = stats_acc_changes(pa->a[1][m], &cb);
		stats_welch(ca, na, cb, nb, &p->dchange[m]);
		stats_prop_diff(p->cur.cl[m].responders, p->cur.cl[m].eligible,
				p->prev.cl[m].responders, p->prev.cl[m].eligible, &p->dresp[m]);
		free(ca);
		free(cb);
		stats_acc_free(pa->a[0][m]);
		stats_acc_free(pa->a[1][m]);
	}
	free(pa);
}

struct period_run {
	const struct stats_ctx *sc;
	struct report_period_acc *pa;
	size_t nm;
};

static int period_course(void *arg, const struct store_course *k, struct error *err)
{
	struct period_run *p = arg;
	struct stats_course r;
	size_t m;
	(void)err;
	for (m = 0; m < p->nm; m++) {
		stats_course_compute(p->sc, k, m, STATS_NO_PLATEAU, &r);
		report_period_acc_add(p->pa, k->date[0], m, &r);
	}
	return 0;
}

int report_period_compare(struct store *s, const struct stats_ctx *sc, long today, long period,
			  struct report_periods *out, struct error *err)
{
	struct store_filter f = STORE_FILTER_INIT;
	struct period_run p;
	int rc;
	f.from = today - 2 * period + 1;
	f.to = today;
	p.sc = sc;
	p.nm = store_measure_count(s);
	p.pa = report_period_acc_new(p.nm, today, period, out);
	rc = store_for_each_course(s, &f, period_course, &p, err);
	report_period_acc_finish(p.pa);
	return rc < 0 ? -1 : 0;
}

/* "k of n eligible (r%, 95% a-b%)" */
static void responders(struct strbuf *h, const struct stats_clinic *cl)
{
	if (cl->eligible <= 0) {
		sb_adds(h, "none eligible");
		return;
	}
	sb_addf(h, "%ld of %ld eligible (%.0f%%, %.0f-%.0f%%)", cl->responders, cl->eligible,
		100 * cl->responder_rate, 100 * cl->rate_lo, 100 * cl->rate_hi);
}

static void mean_change(struct strbuf *h, const struct stats_clinic *cl)
{
	char a[32], b[32], c[32];
	if (cl->courses <= 0) {
		sb_adds(h, "no courses");
		return;
	}
	sb_addf(h, "%ld course%s, %s", cl->courses, cl->courses == 1 ? "" : "s",
		report_signed(a, sizeof(a), cl->mean_change, 2));
	if (!isnan(cl->change_lo))
		sb_addf(h, " (%s to %s)", report_signed(b, sizeof(b), cl->change_lo, 2),
			report_signed(c, sizeof(c), cl->change_hi, 2));
}

/*
 * Whether a test may speak for the difference.  Mean change: both periods
 * have an interval (2 or more courses, and spread: a period whose changes
 * are all equal would count as measured without error).  Responders: every
 * expected count of the 2 x 2 table at least 5, where R's prop.test warns
 * "Chi-squared approximation may be incorrect" (its interval as well).
 */
static int change_testable(const struct stats_clinic *a, const struct stats_clinic *b)
{
	return isfinite(a->change_lo) && isfinite(b->change_lo);
}

static int resp_testable(const struct stats_clinic *a, const struct stats_clinic *b)
{
	double n1 = (double)a->eligible, n2 = (double)b->eligible;
	double p = n1 + n2 > 0 ? (double)(a->responders + b->responders) / (n1 + n2) : 0;
	return fmin(n1, n2) * fmin(p, 1 - p) >= 5;
}

static void verdict(struct strbuf *h, const struct stats_diff *d, int pct, int html, int testable)
{
	char a[32], b[32], c[32], p[32];
	double f = pct ? 100 : 1;
	if (isnan(d->diff)) {
		sb_adds(h, "too few courses to compare");
		return;
	}
	sb_addf(h, "%s%s", report_signed(a, sizeof(a), f * d->diff, pct ? 0 : 2),
		pct ? " points" : "");
	if (!testable) {
		sb_adds(h, pct ? "; too few courses to test (an expected count below 5)"
			       : "; too few courses to test (a period without an interval)");
		return;
	}
	if (!isnan(d->lo))
		sb_addf(h, " (%s to %s)", report_signed(b, sizeof(b), f * d->lo, pct ? 0 : 2),
			report_signed(c, sizeof(c), f * d->hi, pct ? 0 : 2));
	if (isnan(d->p))
		sb_adds(h, "; no test possible");
	else {
		const char *ps = report_p(p, sizeof(p), d->p);
		sb_addf(h, "; %s (p %s%s)",
			!stats_diff_significant(d) ? "within chance"
			: html			   ? "<strong>larger than chance</strong>"
						   : "LARGER THAN CHANCE",
			ps[0] == '<' ? "" : "= ", ps);
	}
}

/* The two windows as dates: this period's from, to; the previous one's. */
static void period_dates(const struct report_periods *p, char d[4][11])
{
	date_format(p->cur.from, d[0]);
	date_format(p->cur.to, d[1]);
	date_format(p->prev.from, d[2]);
	date_format(p->prev.to, d[3]);
}

/* No course started in either window: nothing to compare, said once. */
static int periods_empty(const struct report_periods *p, size_t nm)
{
	size_t m;
	for (m = 0; m < nm; m++)
		if (p->cur.cl[m].courses > 0 || p->prev.cl[m].courses > 0)
			return 0;
	return 1;
}

void report_periods_html(struct strbuf *h, const char *const *names, size_t nm,
			 const struct report_periods *p)
{
	char d[4][11];
	size_t m;
	period_dates(p, d);
	sb_adds(h, "<h2 id=\"period\">This period against the previous one</h2>\n");
	if (periods_empty(p, nm)) {
		sb_addf(h, "<p>No course started from %s to %s: nothing to compare.</p>\n", d[2],
			d[1]);
		return;
	}
	sb_addf(h, "<table><caption>Courses that started %s to %s (this period) against "
		   "%s to %s (the previous %ld days). Mean change with its 95%% interval "
		   "(negative is better); responders of the eligible courses with Wilson 95%% "
		   "intervals; differences are this period minus the previous one, with Welch's "
		   "t test and the two-sample test of proportions.</caption>\n"
		   "<thead><tr><th scope=\"col\">Measure</th><th scope=\"col\">Mean change, this "
		   "period</th><th scope=\"col\">Mean change, previous</th><th scope=\"col\">"
		   "Difference</th><th scope=\"col\">Responders, this period</th>"
		   "<th scope=\"col\">Responders, previous</th><th scope=\"col\">Difference in "
		   "rate</th></tr></thead><tbody>\n",
		d[0], d[1], d[2], d[3], p->period);
	for (m = 0; m < nm; m++) {
		sb_adds(h, "<tr><th scope=\"row\">");
		html_escape(h, names[m]);
		sb_adds(h, "</th><td>");
		mean_change(h, &p->cur.cl[m]);
		sb_adds(h, "</td><td>");
		mean_change(h, &p->prev.cl[m]);
		sb_adds(h, "</td><td>");
		verdict(h, &p->dchange[m], 0, 1,
			change_testable(&p->cur.cl[m], &p->prev.cl[m]));
		sb_adds(h, "</td><td>");
		responders(h, &p->cur.cl[m]);
		sb_adds(h, "</td><td>");
		responders(h, &p->prev.cl[m]);
		sb_adds(h, "</td><td>");
		verdict(h, &p->dresp[m], 1, 1,
			resp_testable(&p->cur.cl[m], &p->prev.cl[m]));
		sb_adds(h, "</td></tr>\n");
	}
	sb_adds(h, "</tbody></table>\n<p class=\"note\">Courses of an uncontrolled clinic: a "
		   "difference between periods can come from who was treated, not only from "
		   "how. Courses of this period may still be under way: their change is the "
		   "change so far.</p>\n");
}


/* The comparison in 80 columns: per measure two lines, change and responders. */
void report_periods_text(struct strbuf *t, const char *const *names, size_t nm,
			 const struct report_periods *p)
{
	char d[4][11];
	size_t m;
	period_dates(p, d);
	if (periods_empty(p, nm)) {
		sb_addf(t, "\nThis period against the previous one: no course started from %s\n"
			   "to %s: nothing to compare.\n", d[2], d[1]);
		return;
	}
	sb_addf(t, "\nThis period against the previous one: courses that started %s\n"
		   "to %s against %s to %s (%ld days each).\n"
		   "Change: mean (95%% CI); difference this period minus the previous one,\n"
		   "Welch's t test. Responders of the eligible courses; difference in points,\n"
		   "two-sample test of proportions.\n",
		d[0], d[1], d[2], d[3], p->period);
	for (m = 0; m < nm; m++) {
		sb_addf(t, "  %s\n    change:     ", names[m]);
		mean_change(t, &p->cur.cl[m]);
		sb_adds(t, "\n    previous:   ");
		mean_change(t, &p->prev.cl[m]);
		sb_adds(t, "\n    difference: ");
		verdict(t, &p->dchange[m], 0, 0,
			change_testable(&p->cur.cl[m], &p->prev.cl[m]));
		sb_adds(t, "\n    responders: ");
		responders(t, &p->cur.cl[m]);
		sb_adds(t, "\n    previous:   ");
		responders(t, &p->prev.cl[m]);
		sb_adds(t, "\n    difference: ");
		verdict(t, &p->dresp[m], 1, 0,
			resp_testable(&p->cur.cl[m], &p->prev.cl[m]));
		sb_addc(t, '\n');
	}
	sb_adds(t, "  A difference between periods of an uncontrolled clinic can come from who\n"
		   "  was treated, not only from how; courses of this period may still be under\n"
		   "  way (their change so far).\n");
}
