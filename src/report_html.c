/*
 * report_html.c - the reports as standalone HTML for A4: pure functions of
 * the report structs (report_data.h).  Everything from a file is escaped;
 * REPORT_CHART_MARK stands where the chart batch puts each chart.
 */
#include "report_data.h"

#include <math.h>
#include <string.h>

static void html_head(struct strbuf *sb, const char *title, const char *id)
{
	sb_adds(sb, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>");
	html_escape(sb, title);
	html_escape(sb, id);
	sb_adds(sb, "</title>\n<style>\n"
		"@page { size: A4; margin: 16mm 14mm; }\n"
		"body { font: 10.5pt/1.4 'DejaVu Sans', Arial, sans-serif; color: #111; "
		"max-width: 182mm; margin: 0 auto; }\n"
		"h1 { font-size: 15pt; margin: 0 0 4pt; } h2 { font-size: 12pt; margin: 14pt 0 4pt; "
		"border-bottom: 1px solid #999; }\n"
		"table { border-collapse: collapse; width: 100%; margin: 4pt 0; }\n"
		"th, td { border: 1px solid #bbb; padding: 2pt 4pt; text-align: left; "
		"vertical-align: top; font-size: 9pt; }\n"
		"td.n { text-align: right; } th { background: #eee; }\n"
		".meta { color: #333; } .nochart { color: #555; font-style: italic; }\n"
		".flag { color: #a00; border-left: 3pt solid #a00; padding-left: 4pt; }\n"
		"figure { margin: 8pt 0; page-break-inside: avoid; } "
		"figure img { width: 100%; } figcaption { font-size: 9pt; color: #333; }\n"
		"@media print { h2 { page-break-after: avoid; } }\n"
		"</style></head><body>\n");
}

static void td(struct strbuf *sb, const char *s, int numeric)
{
	sb_adds(sb, numeric ? "<td class=\"n\">" : "<td>");
	html_escape(sb, s);
	sb_adds(sb, "</td>");
}

static void td_long(struct strbuf *sb, long v)
{
	char x[32];
	snprintf(x, sizeof(x), "%ld", v);
	td(sb, x, 1);
}

/* The clinic report ------------------------------------------------------ */

static void clinic_row(struct strbuf *h, const char *name, const struct stats_clinic *r)
{
	char a[32], b[32], c[32], d[160];
	sb_adds(h, "<tr>");
	td(h, name, 0);
	td_long(h, r->courses);
	td(h, report_num(a, sizeof(a), r->mean_baseline, 2), 1);
	td(h, report_num(a, sizeof(a), r->mean_latest, 2), 1);
	snprintf(d, sizeof(d), "%s (%s to %s)", report_signed(a, sizeof(a), r->mean_change, 2),
		 report_signed(b, sizeof(b), r->change_lo, 2),
		 report_signed(c, sizeof(c), r->change_hi, 2));
	td(h, d, 1);
	td(h, report_p(a, sizeof(a), r->t_p), 1);
	td(h, report_p(a, sizeof(a), r->wilcoxon_p), 1);
	td(h, report_num(a, sizeof(a), r->srm, 2), 1);
	snprintf(d, sizeof(d), "%ld/%ld = %s%% (%s to %s)", r->responders, r->eligible,
		 report_num(a, sizeof(a), 100 * r->responder_rate, 0),
		 report_num(b, sizeof(b), 100 * r->rate_lo, 0),
		 report_num(c, sizeof(c), 100 * r->rate_hi, 0));
	td(h, d, 1);
	td(h, isfinite(r->km_median_sessions) ? report_num(a, sizeof(a), r->km_median_sessions, 1)
					       : "not reached", 1);
	sb_adds(h, "</tr>\n");
}

static void clinic_table(struct strbuf *h, const struct report_clinic *c)
{
	size_t m;
	sb_adds(h, "<table><tr><th>Measure</th><th>Courses</th><th>Mean baseline</th>"
		   "<th>Mean latest</th><th>Mean change (95% CI)</th><th>p (paired t)</th>"
		   "<th>p (Wilcoxon)</th><th>SRM</th><th>Responders/eligible (Wilson 95% CI)</th>"
		   "<th>Median sessions to response</th></tr>\n");
	for (m = 0; m < c->nm; m++)
		if (report_listed(m, &c->cl[m]))
			clinic_row(h, c->names[m], &c->cl[m]);
	sb_adds(h, "</table>\n<p class=\"note\"><strong>Uncontrolled:</strong> "
		   REPORT_UNCONTROLLED_NOTE "</p>\n<p>" REPORT_ELIGIBLE_NOTE "</p>\n<ul>\n");
	for (m = 0; m < c->nm; m++) {
		char w[256];
		if (!report_listed(m, &c->cl[m]))
			continue;
		sb_adds(h, "<li>");
		html_escape(h, c->names[m]);
		sb_adds(h, ": ");
		html_escape(h, report_eligible_counts(&c->cl[m], w, sizeof(w)));
		sb_adds(h, "</li>\n");
	}
	sb_adds(h, "</ul>\n");
}

/* The Kaplan-Meier numbers at risk: a column per tick, a row per measure. */
static void at_risk_table(struct strbuf *h, const struct report_clinic *c)
{
	size_t m, k;
	if (!report_km_shown(c))
		return;
	sb_adds(h, "<p>" REPORT_AT_RISK_NOTE "</p>\n<table><tr><th>Session</th>");
	for (k = 0; k < c->km_ticks; k++)
		sb_addf(h, "<th>%g</th>", (double)k * c->km_step);
	sb_adds(h, "</tr>\n");
	for (m = 0; m < c->nm; m++) {
		if (!report_listed(m, &c->cl[m]))
			continue;
		sb_adds(h, "<tr>");
		td(h, c->names[m], 0);
		for (k = 0; k < c->km_ticks; k++)
			td_long(h, stats_km_at_risk(&c->km[m], (double)k * c->km_step));
		sb_adds(h, "</tr>\n");
	}
	sb_adds(h, "</table>\n");
}

static void group_row(struct strbuf *h, const char *group, const char *measure,
		      const struct stats_clinic *r)
{
	char a[32], b[32], c[32], x[160];
	sb_adds(h, "<tr>");
	td(h, group, 0);
	td(h, measure, 0);
	td_long(h, r->courses);
	snprintf(x, sizeof(x), "%s (%s to %s)", report_signed(a, sizeof(a), r->mean_change, 2),
		 report_signed(b, sizeof(b), r->change_lo, 2),
		 report_signed(c, sizeof(c), r->change_hi, 2));
	td(h, x, 1);
	snprintf(x, sizeof(x), "%ld/%ld = %s%% (%s to %s)", r->responders, r->eligible,
		 report_num(a, sizeof(a), 100 * r->responder_rate, 0),
		 report_num(b, sizeof(b), 100 * r->rate_lo, 0),
		 report_num(c, sizeof(c), 100 * r->rate_hi, 0));
	td(h, x, 1);
	td(h, isfinite(r->km_median_sessions) ? report_num(a, sizeof(a), r->km_median_sessions, 1)
					       : "not reached", 1);
	sb_adds(h, "</tr>\n");
}

static void group_section(struct strbuf *h, const struct report_clinic *c,
			  const struct report_group *g, size_t ng, const char *what)
{
	size_t i, m;
	sb_addf(h, "<h2>By %s</h2>\n", what);
	if (!strcmp(what, "therapist") && c->has_fair)
		sb_addf(h, "<p>(%s)</p>\n", report_fair_adjusted(c) ? REPORT_RAW_GROUPS
								     : REPORT_RAW_GROUPS_UNFAIR);
	sb_addf(h, "<table><tr><th>%s</th><th>Measure</th><th>Courses</th>"
		   "<th>Mean change (95%% CI)</th><th>Responders/eligible (Wilson 95%% CI)</th>"
		   "<th>Median sessions to response</th></tr>\n", what);
	for (i = 0; i < ng; i++)
		for (m = 0; m < c->nm && m < STORE_BUILTIN_MEASURES; m++)
			group_row(h, m == 0 ? g[i].name : "", c->names[m], &g[i].r[m]);
	sb_adds(h, "</table>\n");
}

static void fair_section(struct strbuf *h, const struct report_clinic *c)
{
	char a[32], b[32], x[32], ci[512], basis[1024];
	size_t m, k;
	if (!c->has_fair)
		return;
	sb_adds(h, report_fair_adjusted(c)
		   ? "<h2>Therapists compared fairly with the expected course</h2>\n"
		   : "<h2>Therapists against the expected course</h2>\n<p><strong>Not a fair "
		     "comparison:</strong> indication is not adjusted for everywhere (see below).</p>\n");
	sb_adds(h, "<p>Mean deviation of each therapist's courses from ");
	html_escape(h, report_fair_basis(c, basis, sizeof(basis)));
	sb_adds(h, ", adjusted for baseline; negative is better than expected. ");
	html_escape(h, report_fair_level(c, ci, sizeof(ci)));
	sb_adds(h, "</p>\n<table><tr><th>Therapist</th><th>Measure</th><th>Courses</th>"
		   "<th>Mean deviation (adjusted interval)</th></tr>\n");
	for (m = 0; m < c->nm && m < STORE_BUILTIN_MEASURES; m++) {
		for (k = 0; k < c->nther; k++) {
			const struct report_fair *f = &c->fair[m][k];
			snprintf(ci, sizeof(ci), "%s (%s to %s)", report_signed(a, sizeof(a), f->d.mean, 2),
				 report_signed(b, sizeof(b), f->d.lo, 2),
				 report_signed(x, sizeof(x), f->d.hi, 2));
			sb_adds(h, "<tr>");
			td(h, f->name, 0);
			td(h, c->names[m], 0);
			td_long(h, f->d.n);
			td(h, ci, 1);
			sb_adds(h, "</tr>\n");
		}
	}
	{
		char v[1024];
		sb_adds(h, "</table>\n<p><b>");
		html_escape(h, report_fair_verdict(c, v, sizeof(v)));
		sb_adds(h, "</b> " REPORT_ATTRIBUTION "</p>\n");
	}
}

static void worse_table(struct strbuf *h, const struct report_clinic *c)
{
	struct report_cursor cur = { 0 };
	char a[32], count[64];
	size_t i;
	sb_addf(h, "<h2>Courses that got worse: %s</h2>\n<p>One row per measure that got worse: "
		   REPORT_WORSE_RULE ".</p>\n",
		report_worse_count(c, count, sizeof(count)));
	/* Row by row into the page: it may be on its way to a file. */
	if (!c->nworse) {
		sb_adds(h, "<p>None.</p>\n");
		return;
	}
	sb_adds(h, "<table><tr><th>Patient</th><th>Course</th><th>Measure</th><th>Baseline</th>"
		   "<th>Latest</th><th>Change</th><th>Reliable change</th></tr>\n");
	for (i = 0; i < c->nworse; i++) {
		const struct report_worse *w = report_clinic_worse(c, i, &cur);
		sb_adds(h, "<tr>");
		td(h, w->patient_id, 0);
		td(h, w->course_id, 0);
		td(h, w->measure, 0);
		td(h, report_num(a, sizeof(a), w->baseline, 1), 1);
		td(h, report_num(a, sizeof(a), w->latest, 1), 1);
		td(h, report_signed(a, sizeof(a), w->change, 1), 1);
		td(h, report_worse_rci(w->category), 0);
		sb_adds(h, "</tr>\n");
	}
	sb_adds(h, "</table>\n");
	report_cursor_release(&cur);
}

static void nonresp_table(struct strbuf *h, const struct report_clinic *c)
{
	struct report_cursor cur = { 0 };
	char d1[11], d2[11];
	size_t i;
	sb_addf(h, "<h2>No response after %ld or more sessions (%zu)</h2>\n",
		c->no_response_sessions, c->nnonresp);
	if (!c->nnonresp) {
		sb_adds(h, "<p>None.</p>\n");
		return;
	}
	sb_adds(h, "<table><tr><th>Patient</th><th>Course</th><th>Sessions</th><th>From</th>"
		   "<th>To</th><th>Therapist</th></tr>\n");
	for (i = 0; i < c->nnonresp; i++) {
		const struct report_nonresp *r = report_clinic_nonresp(c, i, &cur);
		date_format(r->from, d1);
		date_format(r->to, d2);
		sb_adds(h, "<tr>");
		td(h, r->patient_id, 0);
		td(h, r->course_id, 0);
		td_long(h, (long)r->sessions);
		td(h, d1, 0);
		td(h, d2, 0);
		td(h, r->therapist ? r->therapist : "unknown", 0);
		sb_adds(h, "</tr>\n");
	}
	sb_adds(h, "</table>\n");
	report_cursor_release(&cur);
}

void report_clinic_html(struct strbuf *h, const struct report_clinic *c)
{
	char d[11], who[200];
	html_head(h, "Clinic outcome report", "");
	sb_adds(h, "<h1>Clinic outcome report</h1>\n<p class=\"meta\">");
	sb_addf(h, "%ld courses, %ld sessions", c->courses, c->sessions);
	if (c->last_date != STORE_DATE_OPEN) {
		date_format(c->last_date, d);
		sb_addf(h, "; latest session %s; written %s", d, c->today);
	}
	sb_adds(h, ".<br>Scores 0-10, lower is better; change = latest - baseline.");
	if (c->morning_page)
		sb_adds(h, "<br>Who needs a look today: <a href=\"../index.html\">the morning "
			   "page</a>.");
	if (report_independence(c, who, sizeof(who))) {
		sb_adds(h, "<br>");
		html_escape(h, who);
	}
	sb_adds(h, "</p>\n<h2>The clinic, per measure</h2>\n");
	clinic_table(h, c);
	{
		char buf[200];
		size_t b;
		sb_adds(h, "<p>" REPORT_BREAKS_HEAD "</p>\n<ul>\n");
		for (b = 0; b < REPORT_BREAK_BANDS; b++) {
			sb_adds(h, "<li>");
			html_escape(h, report_band(c, b, buf, sizeof(buf)));
			sb_adds(h, "</li>\n");
		}
		sb_adds(h, "</ul>\n");
	}
	if (c->periods.period > 0)
		report_periods_html(h, c->names, c->nm, &c->periods);
	/* Kaplan-Meier (its numbers at risk under it), means and waterfall after
	 * the table; rates after each group. */
	sb_adds(h, REPORT_CHART_MARK);
	at_risk_table(h, c);
	sb_adds(h, REPORT_CHART_MARK REPORT_CHART_MARK);
	fair_section(h, c);
	group_section(h, c, c->ther, c->nther, "therapist");
	sb_adds(h, REPORT_CHART_MARK);
	group_section(h, c, c->ind, c->nind, "indication");
	sb_adds(h, REPORT_CHART_MARK);
	worse_table(h, c);
	nonresp_table(h, c);
	sb_adds(h, "</body></html>\n");
}
