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

/* 'label' then plain 'value' wrapped after it. */
static void wrap_plain(struct strbuf *t, const char *label, const char *value, size_t indent)
{
	struct strbuf x = STRBUF_INIT;
	plain(&x, value);
	sb_adds(t, label);
	wrap(t, x.buf ? x.buf : "", strlen(label), indent);
	sb_release(&x);
}

static void title_line(struct strbuf *t, const char *title)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "symtrend %s", SYMTREND_VERSION);
	sb_addf(t, "%s%*s\n", title, (int)(REPORT_WIDTH - strlen(title)), buf);
}

/* The progress note ------------------------------------------------------ */

static void note_header(struct strbuf *t, const struct report_note *n)
{
	struct strbuf x = STRBUF_INIT;
	char d1[11], d2[11];
	size_t i;
	title_line(t, "PROGRESS NOTE");
	sb_adds(t, "Patient ");
	plain(t, n->patient_id);
	if (n->birth_year)
		sb_addf(t, " (born %d)", n->birth_year);
	sb_addc(t, '\n');
	if (n->referrer)
		wrap_plain(t, "Referred by ", n->referrer, 2);
	if (n->indication)
		wrap_plain(t, "Indication: ", n->indication, 2);
	date_format(n->from, d1);
	date_format(n->to, d2);
	sb_adds(&x, "Course ");
	plain(&x, n->course_id);
	sb_addf(&x, ": %s to %s, %zu sessions", d1, d2, n->sessions);
	if (n->therapist) {
		sb_adds(&x, ", therapist ");
		plain(&x, n->therapist);
	}
	if (n->ncourses > 1)
		sb_addf(&x, " (course %zu of %zu)", n->course_no, n->ncourses);
	wrap(t, x.buf, 0, 2);
	sb_release(&x);
	for (i = 0; i < n->npauses; i++) {
		const struct report_pause *p = &n->pauses[i];
		date_format(p->from, d1);
		date_format(p->to, d2);
		sb_addf(t, "Pause: %ld days between sessions %zu and %zu (%s to %s)\n", p->days,
			p->session, p->session + 1, d1, d2);
	}
	sb_addf(t, "Written %s.\n\n", n->today);
	wrap(t, "Scores are 0-10, 0 = no symptom, 10 = worst imaginable; a negative change "
		"is an improvement.", 0, 0);
	sb_addc(t, '\n');
}

static void note_table(struct strbuf *t, const struct report_note *n)
{
	char a[32], b[32], c[32], d[32], rd[160];
	size_t m;
	sb_adds(t, "Measure     Baseline  Latest  Change      %  Reading\n");
	for (m = 0; m < n->nm; m++) {
		const struct report_note_measure *x = &n->m[m];
		if (!x->shown)
			continue;
		sb_addf(t, "%-10.10s %9s %7s %7s %6s  ", x->name,
			report_num(a, sizeof(a), x->r.baseline, 1),
			report_num(b, sizeof(b), x->r.latest, 1),
			report_signed(c, sizeof(c), x->r.change, 1),
			report_pct(d, sizeof(d), x->r.pct_change));
		wrap(t, x->r.n == 0 ? "not recorded in this course" : report_reading(x, rd, sizeof(rd)),
		     45, 45);
	}
}

/* One line per recorded measure: what 'say' says of it (NULL: no line),
 * under 'heading' ('always': even when no line follows). */
static void measure_lines(struct strbuf *t, const struct report_note *n, const char *heading,
			  int always, const char *(*say)(const struct report_note_measure *, char *,
							 size_t))
{
	char buf[512];
	size_t m;
	int any = 0;
	if (always)
		sb_adds(t, heading);
	for (m = 0; m < n->nm; m++) {
		const char *line;
		if (n->m[m].r.n == 0 || !(line = say(&n->m[m], buf, sizeof(buf))))
			continue;
		if (!any && !always)
			sb_adds(t, heading);
		any = 1;
		sb_addf(t, "%-10.10s ", n->m[m].name);
		wrap(t, line, 11, 11);
	}
}

static const char *say_trend(const struct report_note_measure *m, char *buf, size_t n)
{
	return report_trend(&m->r, buf, n);
}

static const char *say_levelling(const struct report_note_measure *m, char *buf, size_t n)
{
	return report_levelling(m, buf, n);
}

/* A measure that is worse opens the note: the neurologist is asked to review. */
static void red_flags(struct strbuf *t, const struct report_note *n)
{
	char buf[256];
	size_t m;
	int any = 0;
	for (m = 0; m < n->nm; m++) {
		if (!report_worse_flag(&n->m[m], buf, sizeof(buf)))
			continue;
		if (!any)
			sb_adds(t, "PLEASE REVIEW: at least one symptom is worse than at the start of "
				   "the course.\n");
		any = 1;
		sb_adds(t, "  ! ");
		wrap(t, buf, 4, 4);
	}
	if (any)
		sb_addc(t, '\n');
}

/* Did the symptoms come back after a break of relapse_gap days or more? */
static void breaks(struct strbuf *t, const struct report_note *n)
{
	struct strbuf x = STRBUF_INIT;
	char a[32], b[32], d1[11], d2[11];
	size_t k, m;
	if (!n->nbreaks)
		return;
	sb_addf(t, "\nAfter breaks of %ld days or more: did the symptoms come back?\n",
		n->relapse_gap);
	for (k = 0; k < n->nbreaks; k++) {
		const struct report_break *br = &n->breaks[k];
		date_format(br->from, d1);
		date_format(br->to, d2);
		sb_reset(&x);
		sb_addf(&x, "%s %ld days without sessions (%s to %s):",
			br->before_course ? "Before this course," : "In this course,", br->days, d1, d2);
		for (m = 0; m < n->nm && m < STORE_BUILTIN_MEASURES; m++) {
			if (isnan(br->before[m]) || isnan(br->after[m]))
				continue;
			sb_addf(&x, " %s %s -> %s %s;", n->m[m].name,
				report_num(a, sizeof(a), br->before[m], 1),
				report_num(b, sizeof(b), br->after[m], 1), report_break_word(br->reading[m]));
		}
		if (x.len && x.buf[x.len - 1] == ';')
			x.buf[--x.len] = '\0';
		wrap(t, x.buf, 0, 2);
	}
	sb_release(&x);
}

static void definitions(struct strbuf *t, const struct report_note *n)
{
	struct strbuf x = STRBUF_INIT;
	char buf[128];
	size_t m;
	int first = 1;
	sb_adds(&x, "Definitions: baseline is the first and latest the last recorded score of the "
		    "course; reliable change is the Jacobson-Truax index (|RCI| >= " CLINIC_STR(CLINIC_Z95) "), which "
		    "rests on a reliability r and an SD of the scores (the SD of the clinic's "
		    "baselines unless configured, so it moves as courses are added):");
	for (m = 0; m < n->nm; m++) {
		if (n->m[m].r.n == 0)
			continue;
		sb_addf(&x, "%s %s", first ? "" : ";", report_reliable_basis(&n->m[m], buf,
									      sizeof(buf)));
		first = 0;
	}
	sb_adds(&x, ".");
	sb_addc(t, '\n');
	wrap(t, x.buf, 0, 0);
	sb_addc(t, '\n');
	wrap(t, REPORT_UNCONTROLLED, 0, 0);
	sb_release(&x);
}

static void other_courses(struct strbuf *t, const struct report_note *n)
{
	struct strbuf x = STRBUF_INIT;
	char a[32], b[32], d1[11], d2[11];
	size_t k, m;
	if (!n->nothers)
		return;
	sb_adds(t, "\nOther courses\n");
	for (k = 0; k < n->nothers; k++) {
		const struct report_other_course *o = &n->others[k];
		date_format(o->from, d1);
		date_format(o->to, d2);
		sb_reset(&x);
		plain(&x, o->course_id);
		sb_addf(&x, "%s: %s to %s, %zu sessions;", o->this_course ? " (this course)" : "", d1,
			d2, o->sessions);
		for (m = 0; m < n->nm && m < STORE_BUILTIN_MEASURES; m++)
			if (!isnan(o->first[m]))
				sb_addf(&x, " %s %s->%s", n->m[m].name, report_num(a, sizeof(a), o->first[m], 1),
					report_num(b, sizeof(b), o->last[m], 1));
		wrap(t, x.buf, 0, 2);
		if (o->gap_after < 0)
			continue;
		sb_reset(&x);
		sb_addf(&x, "Between courses (%ld days without sessions):", o->gap_after);
		for (m = 0; m < n->nm && m < STORE_BUILTIN_MEASURES; m++)
			if (!isnan(o->between[m]))
				sb_addf(&x, " %s %s", n->m[m].name, report_signed(a, sizeof(a), o->between[m], 1));
		wrap(t, x.buf, 2, 4);
	}
	sb_release(&x);
}

static void missing_scores(struct strbuf *t, const struct report_note *n)
{
	struct strbuf x = STRBUF_INIT;
	char d[11];
	size_t i, m;
	sb_adds(t, "\nSessions with missing scores: ");
	if (!n->missing_any) {
		sb_adds(t, "none\n");
		return;
	}
	for (i = 0; i < n->nmissing; i++) {
		int k = 0;
		date_format(n->missing[i].date, d);
		sb_addf(&x, "%ssession %zu (%s):", i ? "; " : "", n->missing[i].session, d);
		for (m = 0; m < STORE_BUILTIN_MEASURES; m++)
			if (n->missing[i].measure[m])
				sb_addf(&x, "%s %s", k++ ? "," : "", n->m[m].name);
		sb_adds(&x, " not recorded");
	}
	sb_adds(&x, ".");
	wrap(t, x.buf, 30, 2);
	sb_release(&x);
}

void report_note_text(struct strbuf *t, const struct report_note *n)
{
	note_header(t, n);
	red_flags(t, n);
	note_table(t, n);
	measure_lines(t, n, "\nTrend per session (least squares over the course, 95% interval)\n",
		      1, say_trend);
	measure_lines(t, n, "\nHas the change levelled off?\n", 1, say_levelling);
	measure_lines(t, n, "\nCompared with the expected course (mixed model of score on log "
			    "session over\nthe clinic's courses, the indication's own when it has "
			    "20 or more)\n", 0, report_expected);
	breaks(t, n);
	other_courses(t, n);
	missing_scores(t, n);
	definitions(t, n);
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
