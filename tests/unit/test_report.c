/* test_report.c - the report views (report_text.c, report_html.c,
 * report_words.c) as pure functions of the report structs, without a
 * database: wording, 80 columns, escaping, what is shown and what is left
 * out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "report_data.h"

static struct stats_course course(size_t n, double baseline, double latest)
{
	struct stats_course r;
	memset(&r, 0, sizeof(r));
	r.n = n;
	r.baseline = baseline;
	r.latest = latest;
	r.change = latest - baseline;
	r.pct_change = baseline ? 100 * r.change / baseline : NAN;
	r.slope = r.slope_se = r.slope_lo = r.slope_hi = r.slope_p = r.intercept = NAN;
	r.rci = NAN;
	r.plateau = r.s90 = r.plateau_b = r.plateau_tau = NAN;
	r.first_session = 1;
	r.last_session = (int)n;
	return r;
}

static void measure(struct report_note *n, size_t m, const char *name, struct stats_course r)
{
	struct report_note_measure *x = &n->m[m];
	memset(x, 0, sizeof(*x));
	x->name = name;
	x->mcid = 2;
	x->r = r;
	x->shown = r.n > 0 || m < STORE_BUILTIN_MEASURES;
	x->reading = outcome_change_reading(&x->r, x->mcid);
	x->levelling = outcome_levelling(&x->r);
	x->effect[0] = x->effect[1] = x->effect_sd[0] = x->effect_sd[1] = NAN;
	x->pace = OUTCOME_PACE_UNKNOWN;
}

/* P9: fatigue 8 -> 5 (reliably), sleep unchanged, focus worse, pain not
 * recorded, 'mood' (a clinic's own measure) not recorded. */
static void note(struct report_note *n)
{
	memset(n, 0, sizeof(*n));
	n->patient_id = "P9";
	n->course_id = "P9-C2";
	n->indication = "chronic stress";
	n->therapist = "Anna Berg";
	n->today = "2026-01-15";
	n->birth_year = 1970;
	n->from = 20089; /* 2025-01-01 */
	n->to = 20120;
	n->sessions = 6;
	n->course_no = 2;
	n->ncourses = 2;
	n->pause_days = 10;
	n->nm = 5;
	measure(n, 0, "fatigue", course(6, 8, 5));
	n->m[0].r.reliable_change = "improved";
	n->m[0].reading = OUTCOME_IMPROVED;
	measure(n, 1, "sleep", course(6, 5, 5));
	measure(n, 2, "focus", course(2, 4, 6));
	measure(n, 3, "pain", course(0, NAN, NAN));
	measure(n, 4, "mood", course(0, NAN, NAN));
}

/* The words the letter uses for a measure's trend, levelling and expected
 * course (report_words.c), on P9's course above. */
static void test_note_words(void **state)
{
	static const struct model_fit fit = { .groups = 74, .converged = 1, .beta = { 7.0, -1.0 } };
	static const struct model_fit few = { .groups = 12, .converged = 1, .beta = { 7.0, -1.0 } };
	struct report_note n;
	char b[256];
	(void)state;
	note(&n);
	assert_string_equal(report_trend(&n.m[2].r, b, sizeof(b)),
			    "too few sessions for a trend (2, 3 needed)");
	assert_string_equal(report_levelling(&n.m[1], b, sizeof(b)),
			    "no plateau can be fitted (no clear levelling)");
	/* Worse is never read as levelling off. */
	assert_string_equal(report_levelling(&n.m[2], b, sizeof(b)),
			    "worse: a worsening course is not read as levelling off");
	/* No model: said why, never a bare "-". */
	assert_string_equal(report_expected(&n.m[0], b, sizeof(b)),
			    "no expected course yet: the clinic's model is fitted once 20 courses "
			    "have this score");

	n.m[0].r.plateau = 4.0;
	n.m[0].r.plateau_b = 8.0; /* a falling curve: an improvement that levels off */
	measure(&n, 2, "focus", course(6, 6.0, 6.5)); /* P026's: 6.0 -> 6.5, not worse */
	n.m[2].r.plateau = 7.0; /* a rising curve has no improvement to level off */
	n.m[2].r.plateau_b = 6.0;
	n.m[2].r.s90 = 4.0;
	n.m[2].levelling = outcome_levelling(&n.m[2].r);
	n.m[0].r.s90 = 5.2; /* reached: said as a whole session, 6 */
	n.m[0].levelling = outcome_levelling(&n.m[0].r);
	n.m[0].fit = &fit;
	n.m[0].model_state = REPORT_MODEL_OK;
	n.m[0].effect[1] = -0.5;
	n.m[0].effect_sd[1] = 0.1;
	n.m[0].pace = outcome_pace(-0.5, 0.1);
	n.m[1].r.plateau = 4.5; /* sleep: the forecast 12.5 is beyond twice the 6 sessions */
	n.m[1].r.plateau_b = 7.0;
	n.m[1].r.s90 = 12.5;
	n.m[1].levelling = outcome_levelling(&n.m[1].r);
	n.m[1].fit = &few;
	n.m[1].model_state = REPORT_MODEL_TOO_FEW;
	assert_string_equal(report_levelling(&n.m[0], b, sizeof(b)),
			    "levelled off near 4.0 by session 6");
	assert_string_equal(report_levelling(&n.m[2], b, sizeof(b)),
			    "no improvement to level off (the fitted curve does not fall)");
	assert_string_equal(report_levelling(&n.m[1], b, sizeof(b)),
			    "still improving: no levelling off in sight after 6 sessions");
	/* slope -1.5 per log session = -1.04 per doubling; expected -0.69 */
	assert_string_equal(report_expected(&n.m[0], b, sizeof(b)),
			    "ahead of the expected course (the whole clinic's model, 74 courses): "
			    "-1.04 points per doubling of sessions, expected -0.69 (difference "
			    "-0.35, 95% -0.48 to -0.21)");
	assert_string_equal(report_expected(&n.m[1], b, sizeof(b)),
			    "no comparison: the expected-course model rests on too few courses "
			    "(12, 20 needed)");

	note(&n);
	n.m[0].r.plateau = 4.0;
	n.m[0].r.plateau_b = 8.0;
	n.m[0].r.s90 = 12.0; /* exactly twice the sessions seen: still a forecast */
	n.m[0].levelling = outcome_levelling(&n.m[0].r);
	n.m[0].fit = &fit;
	n.m[0].model_state = REPORT_MODEL_UNCONVERGED;
	assert_string_equal(report_levelling(&n.m[0], b, sizeof(b)),
			    "still changing: the fitted curve levels off near 4.0 by about "
			    "session 12 (latest score at session 6)");
	assert_string_equal(report_expected(&n.m[0], b, sizeof(b)),
			    "no comparison: the expected-course model did not converge (the whole "
			    "clinic's model, 74 courses)");
}

/* The wrapping and the visible control characters the letter's text view
 * uses (report_text_wrap, report_text_plain). */
static void test_text_wrap_plain(void **state)
{
	struct strbuf t = STRBUF_INIT;
	const char *line, *p;
	(void)state;
	sb_adds(&t, "Referred by ");
	report_text_wrap(&t, "Dr. Maria Example-Longname, Department of Neurology and "
			 "Neurorehabilitation, University Hospital of a City With a Long Name, "
			 "Building 7, Floor 3", 12, 2);
	sb_adds(&t, "\n");
	for (line = t.buf; *line;) {
		const char *end = strchr(line, '\n');
		assert_non_null(end);
		assert_true(end - line <= REPORT_WIDTH);
		line = end + 1;
	}
	assert_non_null(strstr(t.buf, "Referred by Dr. Maria"));
	assert_non_null(strstr(t.buf, "\n  ")); /* continuation lines indented */
	sb_release(&t);
	report_text_plain(&t, "P\033[2J9 stress\rnow\x7f.");
	assert_string_equal(t.buf, "P?[2J9 stress?now?.");
	for (p = t.buf; *p; p++)
		assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
	sb_release(&t);
}

/* The clinic report ------------------------------------------------------ */

static void clinic(struct report_clinic *c, struct report_group *g)
{
	size_t m;
	memset(c, 0, sizeof(*c));
	c->from = c->to = STORE_DATE_OPEN;
	c->today = "2026-01-15";
	c->courses = 3;
	c->patients = 2;
	c->patients_multi = 1;
	c->sessions = 20;
	c->last_date = 20120;
	c->no_response_sessions = 6;
	c->nm = 4;
	c->names[0] = "fatigue";
	c->names[1] = "sleep";
	c->names[2] = "focus";
	c->names[3] = "pain";
	memset(g, 0, sizeof(*g));
	g->name = "Anna Berg";
	for (m = 0; m < 4; m++) {
		struct stats_clinic *r = &c->cl[m];
		r->courses = 3;
		r->mean_baseline = 7;
		r->mean_latest = 5;
		r->mean_change = -2;
		r->change_lo = -3.5;
		r->change_hi = -0.5;
		r->t_p = 0.0004;
		r->wilcoxon_p = 0.25;
		r->srm = 1.2;
		r->responders = 2;
		r->eligible = 3;
		r->never_responded = 1;
		r->responder_rate = 2.0 / 3;
		r->rate_lo = 0.2;
		r->rate_hi = 0.94;
		r->km_median_sessions = NAN;
		g->r[m] = *r;
	}
	c->ther = c->ind = g;
	c->nther = c->nind = 1;
	c->relapse_gap = 21;
	c->bands[0].lo = 21;
	c->bands[1].lo = 45;
	c->bands[2].lo = 90;
	c->bands[2].breaks = 14;
	c->bands[2].rose = 13;
	c->bands[2].relapsed = 8;
	c->bands[0].breaks = 1;
}

static void test_clinic_text(void **state)
{
	struct report_clinic c;
	struct report_group g;
	struct report_worse w[4] = {
		{ "P7", "P7-C1", "focus", 4, 6.5, 2.5, "deteriorated" },
		{ "P7", "P7-C1", "pain", 5, 7, 2, "unchanged" },
		{ "P8", "P8-C1", "pain", 5, 7, 2, NULL },
		{ "P9", "P9-C2", "sleep", 5, 7, 2, "deteriorated" },
	};
	struct strbuf t = STRBUF_INIT;
	(void)state;
	clinic(&c, &g);
	report_clinic_text(&t, &c);
	assert_non_null(strstr(t.buf, "Courses that started at any time: 3 courses, 20 sessions.\n"));
	assert_non_null(strstr(t.buf, "Latest session 2025-02-01; written 2026-01-15.\n"));
	/* Courses of one patient are not independent: said where the figures start. */
	assert_non_null(strstr(t.buf, "of the measure.\n3 courses from 2 patients (1 patient with "
				      "more than one course); the tests and\nintervals treat courses as "
				      "independent.\n\nMeasure "));
	assert_non_null(strstr(t.buf, "fatigue         3      7.00   5.00  -2.00 (-3.50 to -0.50) "
				      "< 0.001   0.250  1.20\n"));
	assert_non_null(strstr(t.buf, "fatigue        2/3     67 (20 to 94)           not reached\n"));
	assert_non_null(strstr(t.buf, "  fatigue: 2 of 3 eligible courses reached the MCID; 0 of them "
				      "lost it, 2 hold\n    it (the responders); 1 had not reached it by "
				      "their latest score; 0 mild at\n    baseline left out\n"));
	assert_non_null(strstr(t.buf, "  21-44 days: 1 break; after 0 a score was at least the MCID "
				      "higher, 0 of them a\n    relapse\n  45-89 days: 0 breaks;"));
	assert_non_null(strstr(t.buf, "  90+ days: 14 breaks; after 13 a score was at least the MCID "
				      "higher, 8 of them\n    a relapse\n"));
	assert_non_null(strstr(t.buf, "\nBy therapist: courses, mean change (95% CI),\nresponders/"
				      "eligible % (Wilson 95% CI), median sessions to response\n"));
	/* The rate with its denominator, as the HTML has it. */
	assert_non_null(strstr(t.buf, "  Anna Berg\n    fatigue    3  -2.00 (-3.50 to -0.50)  2/3 67% "
				      "(20-94)    not reached\n"));
	assert_null(strstr(t.buf, "compared fairly")); /* no model: no fair comparison */
	assert_non_null(strstr(t.buf, "\nCourses that got worse: 0 (a measure is worse after a rise of "
				      "at least the MCID,\n  or a reliable deterioration)\n  none\n"));
	assert_non_null(strstr(t.buf, "after 6 or more sessions: 0\n  none\n"));
	sb_reset(&t);
	c.worse = w;
	c.nworse = c.nworse_courses = 1;
	c.from = 20089;
	c.to = 20453;
	report_clinic_text(&t, &c);
	assert_non_null(strstr(t.buf, "Courses that started on or after 2025-01-01 and on or before "
				      "2025-12-31: "));
	assert_non_null(strstr(t.buf, "\nCourses that got worse: 1 (a measure"));
	assert_non_null(strstr(t.buf, "deterioration)\n  P7 P7-C1 focus: 4.0 -> 6.5 (+2.5), "
				      "a reliable deterioration\n"));
	/* A course with two measures worse is one course. */
	sb_reset(&t);
	c.nworse = 4;
	c.nworse_courses = 3;
	report_clinic_text(&t, &c);
	assert_non_null(strstr(t.buf, "\nCourses that got worse: 3, with 4 measures worse (a measure "
				      "is worse after a\n  rise of at least the MCID, or a reliable "
				      "deterioration)\n"));
	assert_non_null(strstr(t.buf, "  P7 P7-C1 pain: 5.0 -> 7.0 (+2.0), not a reliable change "
				      "(RCI)\n  P8 P8-C1 pain: 5.0 -> 7.0 (+2.0), no RCI\n"));
	sb_reset(&t);
	report_clinic_html(&t, &c);
	assert_non_null(strstr(t.buf, "<h2>Courses that got worse: 3, with 4 measures worse</h2>\n"
				      "<p>One row per measure that got worse: a measure is worse after a "
				      "rise of at least the MCID, or a reliable deterioration.</p>\n"));
	assert_non_null(strstr(t.buf, "<td class=\"n\">+2.0</td><td>not a reliable change (RCI)</td>"));
	sb_release(&t);
}

/* The numbers at risk's session numbers: every 5 up to 50 sessions, then
 * the step widened to keep at most 11 columns, the last at or past tmax. */
static void test_km_ticks(void **state)
{
	static const struct { double tmax, step; size_t n; } c[] = {
		{ 0, 5, 1 }, { 1, 5, 2 }, { 20, 5, 5 }, { 23, 5, 6 }, { 50, 5, 11 },
		{ 51, 10, 7 }, { 100, 10, 11 }, { 101, 20, 7 }, { 201, 25, 10 }, { 251, 50, 7 },
		{ 1000, 100, 11 }, { 1001, 200, 7 },
	};
	size_t i, n;
	double step;
	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		report_km_ticks(c[i].tmax, &step, &n);
		assert_true(step == c[i].step);
		assert_int_equal(n, c[i].n);
	}
}

/* The text's numbers at risk are the fit's: at 5 the course censored at
 * exactly 5 counts, at 10 the one that responds at exactly 10 does. */
static void test_clinic_at_risk(void **state)
{
	static const double t[3] = { 5, 10, 3 };
	static const int e[3] = { 0, 1, 1 };
	struct report_clinic c;
	struct report_group g;
	struct strbuf x = STRBUF_INIT;
	size_t m;
	(void)state;
	clinic(&c, &g);
	report_clinic_text(&x, &c);
	assert_null(strstr(x.buf, "Numbers at risk")); /* no fit: no table */
	sb_reset(&x);
	for (m = 0; m < 4; m++)
		stats_km_fit(t, e, 3, &c.km[m]);
	report_km_ticks(10, &c.km_step, &c.km_ticks);
	report_clinic_text(&x, &c);
	assert_non_null(strstr(x.buf, "counts).\n  session        0     5    10\n"
				      "  fatigue        3     2     1\n  sleep          3     2     1\n"));
	sb_reset(&x);
	report_clinic_html(&x, &c);
	assert_non_null(strstr(x.buf, "<tr><th>Session</th><th>0</th><th>5</th><th>10</th></tr>\n"
				      "<tr><td>fatigue</td><td class=\"n\">3</td><td class=\"n\">2</td>"
				      "<td class=\"n\">1</td></tr>\n"));
	for (m = 0; m < 4; m++)
		stats_km_release(&c.km[m]);
	sb_release(&x);
}

static void test_clinic_html(void **state)
{
	struct report_clinic c;
	struct report_group g;
	struct report_nonresp x = { "P<1>", "P1-C1", NULL, 8, 20089, 20120 };
	struct report_fair f[STORE_BUILTIN_MEASURES];
	struct strbuf h = STRBUF_INIT;
	const char *p;
	size_t m, marks = 0;
	(void)state;
	clinic(&c, &g);
	c.nonresp = &x;
	c.nnonresp = 1;
	c.has_fair = 1;
	for (m = 0; m < STORE_BUILTIN_MEASURES; m++) {
		f[m].name = "Anna Berg";
		f[m].d = (struct stats_mean){ 3, -0.25, -1.5, 1.0 };
		c.fair[m] = &f[m];
	}
	report_clinic_html(&h, &c);
	/* The fair comparison first, with a plain verdict and the attribution rule. */
	assert_non_null(strstr(h.buf, "<b>No difference from the expected change was detected: every "
				      "adjusted interval contains 0, but the intervals reach as far as "
				      "1.50 points from 0, so differences that large cannot be ruled "
				      "out.</b> A course counts "
				      "for the therapist who gave most of its sessions that name a "
				      "therapist (a tie: the one who treated first); a course with none "
				      "named counts as (unknown)."));
	assert_non_null(strstr(h.buf, "No therapist has 2 or more courses: no intervals."));
	/* What the expected change was: here the whole clinic's model. */
	assert_non_null(strstr(h.buf, "courses from the change expected by the whole clinic&#39;s "
				      "model (no indication has a model of its own, which needs 20 "
				      "courses, so indication is not adjusted for), adjusted for "
				      "baseline;"));
	assert_non_null(strstr(h.buf, "change = latest - baseline.<br>3 courses from 2 patients (1 "
				      "patient with more than one course); the tests and intervals treat "
				      "courses as independent.</p>"));
	assert_true(strstr(h.buf, "compared with the expected course") < strstr(h.buf, "By therapist"));
	/* The raw per-therapist figures say they are no ranking, as in the text. */
	assert_non_null(strstr(h.buf, "<h2>By therapist</h2>\n<p>(raw figures, not a ranking: "));
	assert_non_null(strstr(h.buf, "<td>Anna Berg</td><td>fatigue</td><td class=\"n\">3</td>"
				      "<td class=\"n\">-2.00 (-3.50 to -0.50)</td><td class=\"n\">2/3 = "
				      "67% (20 to 94)</td>"));
	{
		char v[512];
		f[0].d = (struct stats_mean){ 3, -1.0, -1.8, -1e-9 };
		f[3].d = (struct stats_mean){ 3, 1.0, 1e-9, 1.8 };
		assert_string_equal(report_fair_verdict(&c, v, sizeof(v)),
				    "Intervals that exclude 0: fatigue, Anna Berg: better than "
				    "expected; pain, Anna Berg: worse than expected.");
		f[0].d.hi = 0; /* an interval ending at 0 contains it */
		f[3].d.lo = 0;
		/* How far the intervals reach: the farthest end, either side. */
		assert_string_equal(report_fair_verdict(&c, v, sizeof(v)),
				    "No difference from the expected change was detected: every "
				    "adjusted interval contains 0, but the intervals reach as far as "
				    "1.80 points from 0, so differences that large cannot be ruled out.");
		f[3].d.hi = 1.79;
		f[0].d.lo = -1.81;
		assert_non_null(strstr(report_fair_verdict(&c, v, sizeof(v)), " as far as 1.81 "));
		for (m = 0; m < STORE_BUILTIN_MEASURES; m++)
			f[m].d = (struct stats_mean){ 1, -0.25, NAN, NAN };
		assert_string_equal(report_fair_verdict(&c, v, sizeof(v)),
				    "No therapist could be compared: none has 2 or more courses.");
	}
	for (p = h.buf; (p = strstr(p, REPORT_CHART_MARK)); p++)
		marks++;
	assert_int_equal(marks, 5);
	assert_non_null(strstr(h.buf, "<h2>Courses that got worse: 0</h2>\n"));
	assert_non_null(strstr(h.buf, "reliable deterioration.</p>\n<p>None.</p>\n"));
	assert_non_null(strstr(h.buf, "<td>P&lt;1&gt;</td><td>P1-C1</td><td class=\"n\">8</td>"
				      "<td>2025-01-01</td><td>2025-02-01</td><td>unknown</td>"));
	assert_non_null(strstr(h.buf, "<td>Anna Berg</td><td>fatigue</td><td class=\"n\">3</td>"
				      "<td class=\"n\">-0.25 (-1.50 to +1.00)</td>"));
	assert_non_null(strstr(h.buf, "<td class=\"n\">2/3 = 67% (20 to 94)</td>"));
	assert_non_null(strstr(h.buf, "<li>fatigue: 2 of 3 eligible courses reached the MCID; 0 of "
				      "them lost it, 2 hold it (the responders); 1 had not reached it by "
				      "their latest score; 0 mild at baseline left out</li>\n"));
	sb_release(&h);
}

/* The fair comparison's intervals: 1 - 0.05/k, k stated; k = 1 is 95%. */
static void test_fair_level(void **state)
{
	struct report_clinic c;
	char v[512];
	(void)state;
	memset(&c, 0, sizeof(c));
	c.fair_k = 4;
	c.fair_level = 1 - 0.05 / 4;
	c.nm = 4;
	/* The correction covers the k intervals of one measure, not all k x 4. */
	assert_string_equal(report_fair_level(&c, v, sizeof(v)),
			    "Intervals Bonferroni-adjusted for the 4 therapists compared (2 or more "
			    "courses): each a 98.75% interval (1 - 0.05/4), so that for each "
			    "measure the 4 intervals together have at most a 5% chance of showing a "
			    "difference that is not there (for all 4 measures together, at most "
			    "20%).");
	c.nm = 6; /* measures beyond the built-in four have no fair comparison */
	assert_non_null(strstr(report_fair_level(&c, v, sizeof(v)), "(for all 4 measures "
					"together, at most 20%)."));
	c.nm = 1;
	c.fair_k = 1;
	c.fair_level = 0.95;
	assert_string_equal(report_fair_level(&c, v, sizeof(v)),
			    "Intervals Bonferroni-adjusted for the 1 therapist compared (2 or more "
			    "courses): each a 95% interval (1 - 0.05/1), so that for each measure "
			    "the interval has at most a 5% chance of showing a difference that is not "
			    "there.");
	/* 1 - 0.05/k widens a 95% t interval by t(0.025/k)/t(0.025): k = 4, 15 df. */
	assert_float_equal(stats_t_quantile_upper(0.025 / 4, 15) / stats_t_quantile(15),
			   2.836627 / 2.131450, 1e-5); /* R: qt(1 - 0.025/4, 15) / qt(0.975, 15) */
	assert_true(isnan(stats_t_quantile_upper(0, 15)));
	assert_true(isnan(stats_t_quantile_upper(0.01, 0)));
}

/* The expected change's model, named: the whole clinic's, or the
 * indications' own (every measure, or some). */
static void test_fair_basis(void **state)
{
	struct report_clinic c;
	struct report_group g[3];
	char v[512];
	(void)state;
	memset(&c, 0, sizeof(c));
	memset(g, 0, sizeof(g));
	g[0].name = "back pain";
	g[1].name = "neck pain";
	g[2].name = "stress";
	c.ind = g;
	c.nind = 3;
	c.nm = 4;
	assert_string_equal(report_fair_basis(&c, v, sizeof(v)),
			    "the change expected by the whole clinic's model (no indication has a "
			    "model of its own, which needs 20 courses, so indication is not adjusted "
			    "for)");
	g[0].own_model = 0xf;
	g[2].own_model = 0x1;
	assert_string_equal(report_fair_basis(&c, v, sizeof(v)),
			    "the change expected by an indication's own model where it has one (back "
			    "pain, stress (some measures)), else by the whole clinic's model");
	g[1].own_model = 0xf;
	g[2].own_model = 0xf;
	assert_string_equal(report_fair_basis(&c, v, sizeof(v)),
			    "the change expected by each indication's own model (back pain, neck "
			    "pain, stress)");
	/* Only the measures compared count: with one measure, bit 1 is no model. */
	c.nm = 1;
	g[0].own_model = g[1].own_model = g[2].own_model = 0x2;
	assert_non_null(strstr(report_fair_basis(&c, v, sizeof(v)), "whole clinic's model (no "));
	/* A short buffer is cut, never overrun. */
	g[0].own_model = 0x1;
	assert_true(strlen(report_fair_basis(&c, v, 20)) < 20);
}

/* Courses and patients: the caveat that courses are not independent. */
static void test_independence(void **state)
{
	struct report_clinic c;
	char v[256];
	(void)state;
	memset(&c, 0, sizeof(c));
	assert_null(report_independence(&c, v, sizeof(v)));
	c.courses = 74;
	c.patients = 60;
	c.patients_multi = 14;
	assert_string_equal(report_independence(&c, v, sizeof(v)),
			    "74 courses from 60 patients (14 patients with more than one course); "
			    "the tests and intervals treat courses as independent.");
	c.courses = 3;
	c.patients = 3;
	c.patients_multi = 0;
	assert_string_equal(report_independence(&c, v, sizeof(v)),
			    "3 courses from 3 patients, one course each.");
	c.courses = c.patients = 1;
	assert_string_equal(report_independence(&c, v, sizeof(v)),
			    "1 course from 1 patient, one course each.");
}

/* A by-group row keeps 80 columns: the median moves to a line of its own
 * when the row would pass 80, and stays when it ends exactly at 80. */
static void test_clinic_group_rows(void **state)
{
	struct report_clinic c;
	struct report_group g;
	struct strbuf t = STRBUF_INIT;
	(void)state;
	clinic(&c, &g);
	g.r[0].responders = 50000;
	g.r[0].eligible = 100000;
	g.r[0].responder_rate = 0.5;
	g.r[0].rate_lo = 0.49;
	g.r[0].rate_hi = 0.51;
	g.r[0].change_lo = -13.5;
	report_clinic_text(&t, &c);
	assert_non_null(strstr(t.buf, "\n    fatigue    3  -2.00 (-13.50 to -0.50)  50000/100000 50% "
				      "(49-51)  not reached\n"));
	assert_non_null(strstr(t.buf, "\n    fatigue    3  -2.00 (-13.50 to -0.50)  50000/100000 50% "
				      "(49-51)  not reached\n    sleep"));
	sb_reset(&t);
	g.r[0].change_lo = -113.5;
	report_clinic_text(&t, &c);
	assert_non_null(strstr(t.buf, "\n    fatigue    3  -2.00 (-113.50 to -0.50)  50000/100000 50% "
				      "(49-51)\n             not reached\n    sleep"));
	sb_release(&t);
}

static void test_words(void **state)
{
	char b[32], w[256];
	/* The sample clinic's fatigue: 35 reached the MCID = 34 responders + 1 lost. */
	struct stats_clinic r = { .courses = 74, .eligible = 69, .responders = 34,
				  .never_responded = 34, .response_lost = 1 };
	(void)state;
	assert_string_equal(report_eligible_counts(&r, w, sizeof(w)),
			    "35 of 69 eligible courses reached the MCID; 1 of them lost it, 34 hold "
			    "it (the responders); 34 had not reached it by their latest score; 5 "
			    "mild at baseline left out");
	assert_string_equal(report_num(b, sizeof(b), -0.0, 1), "0.0");
	assert_string_equal(report_num(b, sizeof(b), NAN, 1), "-");
	assert_string_equal(report_signed(b, sizeof(b), -0.04, 1), "0.0");
	assert_string_equal(report_signed(b, sizeof(b), 0.05, 1), "+0.1");
	assert_string_equal(report_signed(b, sizeof(b), -1.25, 2), "-1.25");
	assert_string_equal(report_p(b, sizeof(b), 0.000999), "< 0.001");
	assert_string_equal(report_p(b, sizeof(b), 0.001), "0.001");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_note_words),
		cmocka_unit_test(test_text_wrap_plain),
		cmocka_unit_test(test_clinic_text),
		cmocka_unit_test(test_clinic_html),
		cmocka_unit_test(test_km_ticks),
		cmocka_unit_test(test_clinic_at_risk),
		cmocka_unit_test(test_fair_level),
		cmocka_unit_test(test_fair_basis),
		cmocka_unit_test(test_independence),
		cmocka_unit_test(test_clinic_group_rows),
		cmocka_unit_test(test_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
