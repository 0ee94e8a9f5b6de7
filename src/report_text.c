/*
 * report_text.c - the reports as plain text, 80 columns: pure functions of
 * the report structs (report_data.h).  Text from a file (ids, names) is
 * shown with control characters made visible.
 */
#include "report_data.h"

#include <math.h>
#include <string.h>

/* Appends 'text' wrapped at REPORT_WIDTH, the first line after 'first'
 * columns already used, continuation lines indented by 'indent'. */
static void wrap(struct strbuf *sb, const char *text, size_t first, size_t indent)
{
	size_t col = first;
	const char *p = text;
	while (*p) {
		const char *sp = strchr(p, ' ');
		size_t w = sp ? (size_t)(sp - p) : strlen(p);
		size_t cw = utf8_width(p, w); /* columns, not characters: CJK takes two */
		if (col > indent && col + 1 + cw > REPORT_WIDTH) {
			sb_addc(sb, '\n');
			sb_addf(sb, "%*s", (int)indent, "");
			col = indent;
		} else if (col > first || (col > indent && p != text)) {
			sb_addc(sb, ' ');
			col++;
		}
		/* A word longer than the line (a URL, CJK without spaces) is cut
		 * at the line's end, the rest on the next lines. */
		while (col + cw > REPORT_WIDTH) {
			size_t k = REPORT_WIDTH > col ? utf8_fit(p, w, REPORT_WIDTH - col) : 0;
			if (k == 0 && col <= indent)
				k = utf8_fit(p, w, 2) ? utf8_fit(p, w, 2) : w; /* a line of one character */
			sb_add(sb, p, k);
			p += k;
			w -= k;
			cw = utf8_width(p, w);
			sb_addc(sb, '\n');
			sb_addf(sb, "%*s", (int)indent, "");
			col = indent;
		}
		sb_add(sb, p, w);
		col += cw;
		p += w;
		while (*p == ' ')
			p++;
	}
	sb_addc(sb, '\n');
}

/* Text with control characters made visible. */
static void plain(struct strbuf *sb, const char *s)
{
	for (; s && *s; s++)
		sb_addc(sb, ((unsigned char)*s < 0x20 || *s == 0x7f) ? '?' : *s);
}

static void title_line(struct strbuf *t, const char *title)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "symtrend %s", SYMTREND_VERSION);
	sb_addf(t, "%s%*s\n", title, (int)(REPORT_WIDTH - strlen(title)), buf);
}

/* The clinic report ------------------------------------------------------ */

static void clinic_header(struct strbuf *t, const struct report_clinic *c)
{
	struct strbuf x = STRBUF_INIT;
	char d1[11], d2[11], who[200];
	int from = c->from != STORE_DATE_OPEN, to = c->to != STORE_DATE_OPEN;
	title_line(t, "CLINIC OUTCOME REPORT");
	sb_adds(&x, "Courses that started ");
	date_format(from ? c->from : 0, d1);
	date_format(to ? c->to : 0, d2);
	if (from)
		sb_addf(&x, "on or after %s%s", d1, to ? " and " : "");
	if (to)
		sb_addf(&x, "on or before %s", d2);
	if (!from && !to)
		sb_adds(&x, "at any time");
	sb_addf(&x, ": %ld courses, %ld sessions.", c->courses, c->sessions);
	wrap(t, x.buf, 0, 0); /* a window's dates take more than a line */
	sb_release(&x);
	if (c->last_date != STORE_DATE_OPEN) {
		date_format(c->last_date, d1);
		sb_addf(t, "Latest session %s; written %s.\n", d1, c->today);
	}
	sb_adds(t, "\nScores 0-10, lower is better; change = latest - baseline, negative is better.\n"
		   "Clinic figures cover courses with 2 or more scored sessions of the measure.\n");
	if (report_independence(c, who, sizeof(who)))
		wrap(t, who, 0, 0);
	sb_adds(t, "\n");
}

static void clinic_table(struct strbuf *t, const struct report_clinic *c)
{
	char a[32], b[32], x[32], d[32], e[32], f[32], g[32], k[32], ci[128];
	size_t m;
	sb_adds(t, "Measure   Courses  Baseline Latest  Change (95% CI)         p (t)   p (W)   SRM\n");
	for (m = 0; m < c->nm; m++) {
		const struct stats_clinic *r = &c->cl[m];
		if (!report_listed(m, r))
			continue;
		snprintf(ci, sizeof(ci), "%s (%s to %s)", report_signed(x, sizeof(x), r->mean_change, 2),
			 report_signed(d, sizeof(d), r->change_lo, 2),
			 report_signed(e, sizeof(e), r->change_hi, 2));
		sb_addf(t, "%-10.10s %6ld %9s %6s  %-22s %7s %7s %5s\n", c->names[m], r->courses,
			report_num(a, sizeof(a), r->mean_baseline, 2),
			report_num(b, sizeof(b), r->mean_latest, 2), ci, report_p(f, sizeof(f), r->t_p),
			report_p(g, sizeof(g), r->wilcoxon_p), report_num(k, sizeof(k), r->srm, 2));
	}
	/* Beside the before/after table: what an uncontrolled change can say. */
	wrap(t, REPORT_UNCONTROLLED_NOTE, 0, 0);
	sb_adds(t, "\nMeasure   Responders  Rate % (Wilson 95% CI)  Median sessions to response (KM)\n");
	for (m = 0; m < c->nm; m++) {
		const struct stats_clinic *r = &c->cl[m];
		if (!report_listed(m, r))
			continue;
		snprintf(ci, sizeof(ci), "%s (%s to %s)",
			 report_num(a, sizeof(a), 100 * r->responder_rate, 0),
			 report_num(b, sizeof(b), 100 * r->rate_lo, 0),
			 report_num(x, sizeof(x), 100 * r->rate_hi, 0));
		sb_addf(t, "%-10.10s %5ld/%-5ld %-23s %s\n", c->names[m], r->responders, r->eligible, ci,
			isfinite(r->km_median_sessions)
			? report_num(d, sizeof(d), r->km_median_sessions, 1) : "not reached");
	}
	sb_adds(t, "\n");
	wrap(t, REPORT_ELIGIBLE_NOTE, 0, 0);
	for (m = 0; m < c->nm; m++) {
		char line[400], w[256];
		if (!report_listed(m, &c->cl[m]))
			continue;
		snprintf(line, sizeof(line), "%s: %s", c->names[m],
			 report_eligible_counts(&c->cl[m], w, sizeof(w)));
		sb_adds(t, "  ");
		wrap(t, line, 2, 4);
	}
}

/* The Kaplan-Meier numbers at risk: a column per tick, a row per measure. */
static void at_risk_table(struct strbuf *t, const struct report_clinic *c)
{
	size_t m, k;
	if (!report_km_shown(c))
		return;
	sb_addc(t, '\n');
	wrap(t, REPORT_AT_RISK_NOTE, 0, 0);
	sb_adds(t, "  session   ");
	for (k = 0; k < c->km_ticks; k++)
		sb_addf(t, "%6g", (double)k * c->km_step);
	sb_addc(t, '\n');
	for (m = 0; m < c->nm; m++) {
		if (!report_listed(m, &c->cl[m]))
			continue;
		sb_addf(t, "  %-10.10s", c->names[m]);
		for (k = 0; k < c->km_ticks; k++)
			sb_addf(t, "%6ld", stats_km_at_risk(&c->km[m], (double)k * c->km_step));
		sb_addc(t, '\n');
	}
}

static void break_table(struct strbuf *t, const struct report_clinic *c)
{
	char buf[200];
	size_t b;
	sb_addc(t, '\n');
	wrap(t, REPORT_BREAKS_HEAD, 0, 0);
	for (b = 0; b < REPORT_BREAK_BANDS; b++) {
		sb_adds(t, "  ");
		wrap(t, report_band(c, b, buf, sizeof(buf)), 2, 4);
	}
}

static void group_section(struct strbuf *t, const struct report_clinic *c,
			  const struct report_group *g, size_t ng, const char *what)
{
	char a[32], b[32], x[32], d[32], e[32], f[32], k[32], rate[128];
	size_t i, m;
	sb_addf(t, "\nBy %s: courses, mean change (95%% CI),\nresponders/eligible %% (Wilson 95%% "
		   "CI), median sessions to response\n", what);
	if (!strcmp(what, "therapist") && c->has_fair) {
		sb_adds(t, "(");
		wrap(t, report_fair_adjusted(c) ? REPORT_RAW_GROUPS ")" : REPORT_RAW_GROUPS_UNFAIR ")",
		     1, 0);
	}
	for (i = 0; i < ng; i++) {
		sb_adds(t, "  ");
		plain(t, g[i].name);
		sb_addc(t, '\n');
		for (m = 0; m < c->nm && m < STORE_BUILTIN_MEASURES; m++) {
			const struct stats_clinic *r = &g[i].r[m];
			const char *med = isfinite(r->km_median_sessions)
					  ? report_num(k, sizeof(k), r->km_median_sessions, 1)
					  : "not reached";
			char row[256];
			int w;
			/* The rate with its denominator, as in the HTML: "0/3 0% (0-56)". */
			snprintf(rate, sizeof(rate), "%ld/%ld %s%% (%s-%s)", r->responders, r->eligible,
				 report_num(d, sizeof(d), 100 * r->responder_rate, 0),
				 report_num(e, sizeof(e), 100 * r->rate_lo, 0),
				 report_num(f, sizeof(f), 100 * r->rate_hi, 0));
			w = snprintf(row, sizeof(row), "    %-8s %3ld  %s (%s to %s)  %-17s", c->names[m],
				     r->courses, report_signed(a, sizeof(a), r->mean_change, 2),
				     report_signed(b, sizeof(b), r->change_lo, 2),
				     report_signed(x, sizeof(x), r->change_hi, 2), rate);
			/* Large counts or wide intervals: the median on a line of its own. */
			if (w > 0 && (size_t)w + 2 + strlen(med) > REPORT_WIDTH)
				sb_addf(t, "%s\n%13s%s\n", row, "", med);
			else
				sb_addf(t, "%s  %s\n", row, med);
		}
	}
}

static void fair_section(struct strbuf *t, const struct report_clinic *c)
{
	char a[32], b[32], x[32], ci[512], basis[1024];
	size_t m, k;
	struct strbuf head = STRBUF_INIT;
	if (!c->has_fair)
		return;
	/* The basis names indications: data, made plain. */
	sb_adds(&head, report_fair_adjusted(c)
			       ? "Therapists compared fairly: mean deviation of their courses' change from "
			       : "Therapists against the expected course (not a fair comparison: "
				 "indication is not adjusted for everywhere): mean deviation of their "
				 "courses' change from ");
	plain(&head, report_fair_basis(c, basis, sizeof(basis)));
	sb_adds(&head, ", adjusted for baseline; negative = better than expected; courses, mean "
		       "deviation (interval).");
	sb_addc(t, '\n');
	wrap(t, head.buf, 0, 0);
	sb_release(&head);
	wrap(t, report_fair_level(c, ci, sizeof(ci)), 0, 0);
	for (m = 0; m < c->nm && m < STORE_BUILTIN_MEASURES; m++) {
		sb_addf(t, "  %s\n", c->names[m]);
		for (k = 0; k < c->nther; k++) {
			const struct report_fair *f = &c->fair[m][k];
			struct strbuf nm = STRBUF_INIT;
			snprintf(ci, sizeof(ci), "%s (%s to %s)", report_signed(a, sizeof(a), f->d.mean, 2),
				 report_signed(b, sizeof(b), f->d.lo, 2),
				 report_signed(x, sizeof(x), f->d.hi, 2));
			plain(&nm, f->name);
			sb_addf(t, "    %-20.20s %3ld  %s\n", nm.buf ? nm.buf : "", f->d.n, ci);
			sb_release(&nm);
		}
	}
	{
		char v[1024];
		struct strbuf vt = STRBUF_INIT;
		plain(&vt, report_fair_verdict(c, v, sizeof(v)));
		wrap(t, vt.buf ? vt.buf : "", 0, 0);
		wrap(t, REPORT_ATTRIBUTION, 0, 0);
		sb_release(&vt);
	}
}

static void worse_list(struct strbuf *t, const struct report_clinic *c)
{
	struct report_cursor cur = { 0 };
	struct strbuf x = STRBUF_INIT;
	char a[32], b[32], d[32], head[200], count[64];
	size_t i;
	snprintf(head, sizeof(head), "Courses that got worse: %s (%s)",
		 report_worse_count(c, count, sizeof(count)), REPORT_WORSE_RULE);
	sb_addc(t, '\n');
	wrap(t, head, 0, 2);
	for (i = 0; i < c->nworse; i++) {
		const struct report_worse *w = report_clinic_worse(c, i, &cur);
		sb_reset(&x);
		plain(&x, w->patient_id);
		sb_adds(&x, " ");
		plain(&x, w->course_id);
		sb_addf(&x, " %s: %s -> %s (%s), %s", w->measure,
			report_num(a, sizeof(a), w->baseline, 1), report_num(b, sizeof(b), w->latest, 1),
			report_signed(d, sizeof(d), w->change, 1), report_worse_rci(w->category));
		sb_adds(t, "  ");
		wrap(t, x.buf, 2, 6);
	}
	if (!c->nworse)
		sb_adds(t, "  none\n");
	sb_release(&x);
	report_cursor_release(&cur);
}

static void nonresp_list(struct strbuf *t, const struct report_clinic *c)
{
	struct report_cursor cur = { 0 };
	struct strbuf x = STRBUF_INIT;
	char d1[11], d2[11];
	size_t i;
	sb_addf(t, "\nNo response on any measure after %ld or more sessions: %zu\n",
		c->no_response_sessions, c->nnonresp);
	for (i = 0; i < c->nnonresp; i++) {
		const struct report_nonresp *r = report_clinic_nonresp(c, i, &cur);
		date_format(r->from, d1);
		date_format(r->to, d2);
		sb_reset(&x);
		plain(&x, r->patient_id);
		sb_adds(&x, " ");
		plain(&x, r->course_id);
		sb_addf(&x, ": %zu sessions %s to %s, therapist ", r->sessions, d1, d2);
		plain(&x, r->therapist ? r->therapist : "unknown");
		sb_adds(t, "  ");
		wrap(t, x.buf, 2, 6);
	}
	if (!c->nnonresp)
		sb_adds(t, "  none\n");
	sb_release(&x);
	report_cursor_release(&cur);
}

void report_clinic_text(struct strbuf *t, const struct report_clinic *c)
{
	clinic_header(t, c);
	clinic_table(t, c);
	at_risk_table(t, c);
	break_table(t, c);
	if (c->periods.period > 0)
		report_periods_text(t, c->names, c->nm, &c->periods);
	fair_section(t, c);
	group_section(t, c, c->ther, c->nther, "therapist");
	group_section(t, c, c->ind, c->nind, "indication");
	worse_list(t, c);
	nonresp_list(t, c);
}

void report_text_wrap(struct strbuf *sb, const char *text, size_t first, size_t indent)
{
	wrap(sb, text, first, indent);
}

void report_text_plain(struct strbuf *sb, const char *s)
{
	plain(sb, s);
}
