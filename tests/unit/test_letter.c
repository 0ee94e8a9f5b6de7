/* test_letter.c - the referral letter's own rules and sentences at their
 * edges: the break sentence (a rise of exactly the MCID), the course status at
 * exactly course_gap days and exactly the planned sessions, "N days/weeks/
 * months ago" at each unit's edge, and the answer's sentence per reading. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "report_letter.h"

static char label[] = "Fatigue";
static struct outcome_course oc;

/* A letter of one measure (MCID 2) whose course ran from day 1000 to 'to',
 * its reading a response (finished more than course_gap days after 'to'). */
static void letter(struct report_letter *l, long to, long today)
{
	memset(l, 0, sizeof(*l));
	memset(&oc, 0, sizeof(oc));
	oc.nm = 1;
	oc.m[0].states = OUTCOME_RESPONDED_ST;
	oc.m[0].min_baseline = 4;
	oc.finished = today - to > 90;
	oc.step = outcome_step_of(&oc);
	l->note.oc = &oc;
	l->note.m[0].o = &oc.m[0];
	l->note.nm = 1;
	l->note.m[0].shown = 1;
	l->note.m[0].mcid = 2;
	l->note.m[0].r.n = 6;
	l->note.m[0].r.baseline = 8;
	l->note.m[0].r.latest = 3.5;
	l->note.m[0].r.rci = NAN; /* no SD: no reliable-change reading */
	l->note.from = 1000;
	l->note.to = to;
	l->note.sessions = 6;
	l->note.course_no = l->note.ncourses = 1;
	l->label[0] = label;
	l->today = today;
	l->no_response_sessions = 6;
}

/* The answer's break sentence says outcome_break_read's reading. */
static void test_break_sentence(void **state)
{
	struct report_letter l;
	struct report_break b;
	double mcid[1] = { 2 };
	char buf[256];
	(void)state;
	letter(&l, 1100, 1200);
	memset(&b, 0, sizeof(b));
	b.days = 21;
	b.session = 4;
	b.base[0] = 7;
	b.before[0] = 4.1;
	b.after[0] = 6.1; /* 2.0 in decimals, a hair less in binary */
	b.all = outcome_break_read(1, b.base, b.before, b.after, mcid, b.days, 21, b.reading);
	assert_string_equal(report_letter_break_sentence(&l, &b, buf, sizeof(buf)),
			    "Pause of 21 days after session 4: relapse - Fatigue 4.1 to 6.1.");
	/* one day short of relapse_gap (not a break the note reads, but the
	 * sentence still says only what the reading says) */
	b.days = 20;
	b.all = outcome_break_read(1, b.base, b.before, b.after, mcid, b.days, 21, b.reading);
	assert_string_equal(report_letter_break_sentence(&l, &b, buf, sizeof(buf)),
			    "Pause of 20 days after session 4: Fatigue 4.1 to 6.1 (rose across it).");
	/* a hair under the MCID, before the course: nothing rose */
	b.days = 30;
	b.session = 0;
	b.before_course = 1;
	b.before[0] = 4.0;
	b.after[0] = 6.0 - 1e-6;
	b.all = outcome_break_read(1, b.base, b.before, b.after, mcid, b.days, 21, b.reading);
	assert_string_equal(report_letter_break_sentence(&l, &b, buf, sizeof(buf)),
			    "Break of 30 days before this course: no score rose by 2 points or more.");
}

/* The status is the reading's: finished or not (outcome_course_finished's
 * edges are test_outcome's). */
static void test_status_edges(void **state)
{
	struct report_letter l;
	(void)state;
	letter(&l, 1100, 1190); /* exactly course_gap days after the last session */
	assert_int_equal(report_letter_status(&l), REPORT_ONGOING);
	letter(&l, 1100, 1191);
	assert_int_equal(report_letter_status(&l), REPORT_COMPLETED);
}

static void expect_status(long to, long today, const char *want)
{
	struct report_letter l;
	char buf[256];
	letter(&l, to, today);
	l.status = report_letter_status(&l);
	assert_string_equal(report_letter_status_sentence(&l, buf, sizeof(buf)), want);
}

static void test_ago(void **state)
{
	(void)state;
	/* day 1000 = 1972-09-27 */
	expect_status(1000, 1000, "Ongoing, last session 1972-09-27 (today); 6 sessions.");
	expect_status(1000, 1001, "Ongoing, last session 1972-09-27 (1 day ago); 6 sessions.");
	expect_status(1000, 1013, "Ongoing, last session 1972-09-27 (13 days ago); 6 sessions.");
	expect_status(1000, 1014, "Ongoing, last session 1972-09-27 (2 weeks ago); 6 sessions.");
	expect_status(1000, 1060, "Ongoing, last session 1972-09-27 (8 weeks ago); 6 sessions.");
	expect_status(1000, 1061, "Ongoing, last session 1972-09-27 (2 months ago); 6 sessions.");
	expect_status(1000, 1608, "Completed 1972-09-27 (19 months ago); 6 sessions."); /* 19.97 */
	expect_status(1000, 1109, "Completed 1972-09-27 (3 months ago); 6 sessions."); /* 3.58 */
	expect_status(1000, 999, "Ongoing, last session 1972-09-27 (dated after this letter); "
				 "6 sessions.");
}

static void expect_states(enum outcome_change reading, enum outcome_levelling lev,
			  unsigned states, enum report_status status, double latest,
			  const char *want)
{
	struct report_letter l;
	char buf[256];
	letter(&l, 1100, 1100);
	oc.m[0].states = states;
	l.note.m[0].reading = reading;
	l.note.m[0].levelling = lev;
	l.note.m[0].r.latest = latest;
	if (reading == OUTCOME_ONE_SESSION)
		l.note.m[0].r.n = 1;
	l.status = status;
	assert_string_equal(report_letter_measure_sentence(&l, 0, buf, sizeof(buf)), want);
}

/* The states a measure of this reading would hold: levelled off only by the
 * reading's rule (the plateau alert's), never by the curve alone. */
static void expect_sentence(enum outcome_change reading, enum outcome_levelling lev,
			    enum report_status status, double latest, const char *want)
{
	unsigned st = reading == OUTCOME_WORSE ? OUTCOME_WORSE_ST
		      : reading == OUTCOME_IMPROVED ? OUTCOME_RESPONDED_ST : 0;
	if (reading == OUTCOME_IMPROVED && lev == OUTCOME_LEVEL_REACHED)
		st |= OUTCOME_LEVELLED_ST;
	expect_states(reading, lev, st, status, latest, want);
}

static void test_measure_sentences(void **state)
{
	(void)state;
	expect_sentence(OUTCOME_IMPROVED, OUTCOME_LEVEL_REACHED, REPORT_ONGOING, 3.5,
			"Fatigue improved from 8.0 to 3.5 and has levelled off.");
	expect_sentence(OUTCOME_IMPROVED, OUTCOME_LEVEL_REACHED, REPORT_COMPLETED, 3.5,
			"Fatigue improved from 8.0 to 3.5 and had levelled off.");
	expect_sentence(OUTCOME_IMPROVED, OUTCOME_LEVEL_CHANGING, REPORT_ONGOING, 3.5,
			"Fatigue improved from 8.0 to 3.5, not yet levelled off.");
	expect_sentence(OUTCOME_IMPROVED, OUTCOME_LEVEL_STEADY, REPORT_COMPLETED, 3.5,
			"Fatigue improved from 8.0 to 3.5.");
	expect_sentence(OUTCOME_IMPROVED, OUTCOME_LEVEL_UNCLEAR, REPORT_ONGOING, 3.5,
			"Fatigue improved from 8.0 to 3.5.");
	expect_sentence(OUTCOME_RELIABLY_IMPROVED, OUTCOME_LEVEL_UNCLEAR, REPORT_ONGOING, 6.5,
			"Fatigue improved slightly but reliably, from 8.0 to 6.5.");
	expect_sentence(OUTCOME_WORSE, OUTCOME_LEVEL_UNCLEAR, REPORT_ONGOING, 10,
			"Fatigue worsened from 8.0 to 10.0, by the MCID or more.");
	expect_sentence(OUTCOME_NO_CLEAR_CHANGE, OUTCOME_LEVEL_UNCLEAR, REPORT_ONGOING, 7,
			"Fatigue: fell 1.0 (8.0 to 7.0), less than the MCID.");
	expect_sentence(OUTCOME_NO_CLEAR_CHANGE, OUTCOME_LEVEL_UNCLEAR, REPORT_ONGOING, 9.5,
			"Fatigue: rose 1.5 (8.0 to 9.5), less than the MCID.");
	expect_sentence(OUTCOME_NO_CLEAR_CHANGE, OUTCOME_LEVEL_UNCLEAR, REPORT_ONGOING, 8,
			"Fatigue: no change (8.0 to 8.0).");
	expect_sentence(OUTCOME_ONE_SESSION, OUTCOME_LEVEL_TOO_FEW, REPORT_ONGOING, 8,
			"Fatigue: one score so far (8.0).");
	/* the fitted curve has levelled off, the reading's rule has not: no claim */
	expect_states(OUTCOME_IMPROVED, OUTCOME_LEVEL_REACHED, OUTCOME_RESPONDED_ST, REPORT_ONGOING,
		      3.5, "Fatigue improved from 8.0 to 3.5.");
	/* by the MCID, but within measurement error (RCI known, not reliable) */
	{
		struct report_letter l;
		char buf[256];
		letter(&l, 1100, 1100);
		l.note.m[0].reading = OUTCOME_IMPROVED;
		l.note.m[0].levelling = OUTCOME_LEVEL_UNCLEAR;
		l.note.m[0].r.rci = -1.93;
		l.note.m[0].r.reliable_change = "unchanged";
		assert_string_equal(report_letter_measure_sentence(&l, 0, buf, sizeof(buf)),
				    "Fatigue improved from 8.0 to 3.5 (within measurement error).");
		l.note.m[0].r.reliable_change = "improved";
		assert_string_equal(report_letter_measure_sentence(&l, 0, buf, sizeof(buf)),
				    "Fatigue improved from 8.0 to 3.5.");
	}
	/* no response after the sessions that judge it */
	expect_states(OUTCOME_NO_CLEAR_CHANGE, OUTCOME_LEVEL_UNCLEAR, OUTCOME_NO_RESPONSE_ST,
		      REPORT_ONGOING, 7,
		      "Fatigue: fell 1.0 (8.0 to 7.0), less than the MCID after 6 scored "
		      "sessions: no response.");
}

/* A lost response, said plainly with its best score (issue 20: the letter
 * said "fell 0.5 ... less than the MCID" and "continue"). */
static void test_lost_and_mild(void **state)
{
	struct report_letter l;
	char buf[256];
	(void)state;
	letter(&l, 1100, 1100);
	oc.m[0].states = OUTCOME_LOST_ST;
	oc.m[0].best = 5.5;
	oc.m[0].best_session = 4;
	l.note.m[0].r.latest = 7.5;
	assert_string_equal(report_letter_measure_sentence(&l, 0, buf, sizeof(buf)),
			    "Fatigue improved from 8.0 to 5.5 by session 4 but rose again to 7.5: "
			    "the response was lost.");
	oc.step = outcome_step_of(&oc);
	l.step = oc.step;
	assert_string_equal(report_letter_step_sentence(&l, buf, sizeof(buf)),
			    "Suggested next step: review (the response was lost: Fatigue).");
	/* mild at the start: said so, never "no response" */
	letter(&l, 1100, 1100);
	oc.m[0].states = OUTCOME_NOT_JUDGED;
	oc.m[0].mild = 1;
	l.note.m[0].r.baseline = 3;
	l.note.m[0].r.latest = 1.5;
	assert_string_equal(report_letter_measure_sentence(&l, 0, buf, sizeof(buf)),
			    "Fatigue was mild at the start (3.0); a response is judged from a "
			    "baseline of 4. Latest 1.5.");
	/* two scores: not judged yet */
	letter(&l, 1100, 1100);
	oc.m[0].states = OUTCOME_NOT_JUDGED;
	l.note.m[0].r.n = 2;
	assert_string_equal(report_letter_measure_sentence(&l, 0, buf, sizeof(buf)),
			    "Fatigue: 8.0 to 3.5 in the first two scores; judged from 3.");
}

static void test_step_sentence(void **state)
{
	struct report_letter l;
	char buf[256];
	(void)state;
	letter(&l, 1100, 1100);
	l.step = OUTCOME_STEP_STOP;
	assert_string_equal(report_letter_step_sentence(&l, buf, sizeof(buf)),
			    "Suggested next step: stop (no score improved by its minimal important "
			    "change in 6 sessions).");
	l.step = OUTCOME_STEP_NONE;
	assert_string_equal(report_letter_step_sentence(&l, buf, sizeof(buf)),
			    "Suggested next step: none (the course was completed on 1973-01-05).");
	l.opts.recommendation = "Refer to neurology.";
	assert_string_equal(report_letter_step_sentence(&l, buf, sizeof(buf)),
			    "Recommended next step: Refer to neurology.");
}

/* The course's therapist with who else treated: attended sessions only, in
 * order of first session, three names at most. */
static void test_therapists(void **state)
{
	struct report_letter l;
	struct store_visit v[7];
	char main_t[] = "Anna", b[] = "Ben", c[] = "Cleo", d[] = "Dora", e[] = "Emil";
	char *who[7] = { main_t, b, main_t, c, main_t, d, e };
	char buf[REPORT_LETTER_WHO];
	size_t i;
	(void)state;
	letter(&l, 1100, 1100);
	memset(v, 0, sizeof(v));
	for (i = 0; i < 7; i++) {
		v[i].therapist = who[i];
		v[i].attendance = CSVIN_ATTENDED;
	}
	l.note.therapist = main_t;
	l.visits.visit = v;
	l.visits.n = 3;
	v[1].attendance = CSVIN_CANCELLED; /* a cancelled visit treats no one */
	assert_string_equal(report_letter_therapists(&l, buf, sizeof(buf)), "Anna");
	v[1].attendance = CSVIN_ATTENDED;
	assert_string_equal(report_letter_therapists(&l, buf, sizeof(buf)),
			    "Anna (2 of 3 sessions; also Ben 1)");
	l.visits.n = 6;
	assert_string_equal(report_letter_therapists(&l, buf, sizeof(buf)),
			    "Anna (3 of 6 sessions; also Ben 1, Cleo 1, Dora 1)");
	l.visits.n = 7;
	assert_string_equal(report_letter_therapists(&l, buf, sizeof(buf)),
			    "Anna (3 of 7 sessions; also Ben 1, Cleo 1, Dora 1 and 1 more)");
	l.note.therapist = NULL;
	assert_null(report_letter_therapists(&l, buf, sizeof(buf)));
}

/* The status line and the step come from one reading: at exactly
 * course_gap days the course goes on (continue), a day later it is
 * completed (none). */
static void test_step_follows_status(void **state)
{
	struct report_letter l;
	char buf[256];
	(void)state;
	letter(&l, 1100, 1190);
	l.status = report_letter_status(&l);
	assert_int_equal(l.status, REPORT_ONGOING);
	l.step = report_letter_next_step(&l);
	assert_int_equal(l.step, OUTCOME_STEP_CONTINUE);
	assert_string_equal(report_letter_step_sentence(&l, buf, sizeof(buf)),
			    "Suggested next step: continue (improving, not yet levelled off: "
			    "Fatigue).");
	letter(&l, 1100, 1191);
	l.status = report_letter_status(&l);
	assert_int_equal(l.status, REPORT_COMPLETED);
	l.step = report_letter_next_step(&l);
	assert_string_equal(report_letter_step_sentence(&l, buf, sizeof(buf)),
			    "Suggested next step: none (the course was completed on 1973-01-05).");
}

/* The patients file's planned sessions belong to the first course starting
 * on or after the referral date (exactly on it counts), or the first course. */
static void test_planned_belongs_to_the_referral(void **state)
{
	struct report_note n;
	struct store_course c[2];
	struct store_course_visits v;
	long d0[1] = { 1000 }, d1[1] = { 1200 };
	(void)state;
	memset(&n, 0, sizeof(n));
	memset(c, 0, sizeof(c));
	memset(&v, 0, sizeof(v));
	c[0].date = d0;
	c[0].n = 1;
	c[1].date = d1;
	c[1].n = 1;
	n.courses_ = c;
	n.ncourses_ = 2;
	v.planned_sessions = 8;
	v.referral_date = CSVIN_NO_DATE;
	n.course = &c[0];
	assert_int_equal(report_letter_planned(&n, &v), 8);
	n.course = &c[1];
	assert_int_equal(report_letter_planned(&n, &v), 0);
	v.referral_date = 1000; /* the first course starts on the referral date */
	n.course = &c[0];
	assert_int_equal(report_letter_planned(&n, &v), 8);
	v.referral_date = 1001; /* referred after the first course began: the second */
	assert_int_equal(report_letter_planned(&n, &v), 0);
	n.course = &c[1];
	assert_int_equal(report_letter_planned(&n, &v), 8);
	v.referral_date = 1201; /* after every course: none */
	assert_int_equal(report_letter_planned(&n, &v), 0);
	v.referral_date = CSVIN_NO_DATE;
	v.planned_sessions = 0;
	n.course = &c[0];
	assert_int_equal(report_letter_planned(&n, &v), 0);
}

static int svg_inlines(const char *svg, struct strbuf *out)
{
	sb_reset(out);
	return report_svg_inline(out, svg, strlen(svg), "p-", "a <chart>");
}

/* The letter's chart inline: prolog, DOCTYPE and title gone, referenced ids
 * prefixed, others dropped; anything that could act on the page refused. */
static void test_svg_inline(void **state)
{
	struct strbuf out = STRBUF_INIT;
	(void)state;
	assert_int_equal(svg_inlines("<?xml version=\"1.0\"?>\n<!-- c --><svg viewBox='0 0 9 9'>"
				     "<title>Gnuplot</title><defs><path id='pt' d='M0,0'/></defs>"
				     "<g id=\"plot_1\" clip-path='url(#pt)'><use xlink:href='#pt'/>"
				     "<text>a &lt; b &amp; \"c\"</text></g></svg>",
				     &out),
			 0);
	assert_string_equal(out.buf,
			    "<svg viewBox=\"0 0 9 9\" role=\"img\" aria-label=\"a &lt;chart&gt;\">"
			    "<defs><path id=\"p-pt\" d=\"M0,0\"></path></defs>"
			    "<g clip-path=\"url(#p-pt)\"><use xlink:href=\"#p-pt\"></use>"
			    "<text>a &lt; b &amp; &quot;c&quot;</text></g></svg>");
	assert_int_equal(svg_inlines("<svg><script>alert(1)</script></svg>", &out), -1);
	assert_int_equal(svg_inlines("<svg onload='alert(1)'></svg>", &out), -1);
	assert_int_equal(svg_inlines("<svg><g ONclick='x'/></svg>", &out), -1);
	assert_int_equal(svg_inlines("<svg><foreignObject/></svg>", &out), -1);
	assert_int_equal(svg_inlines("<svg><style>g{}</style></svg>", &out), -1);
	assert_int_equal(svg_inlines("<svg><image href='http://x/y.png'/></svg>", &out), -1);
	assert_int_equal(svg_inlines("<svg><g style='fill:URL(http://x)'/></svg>", &out), -1);
	assert_int_equal(svg_inlines("<svg><g id='a'/><g id='a'/><use href='#a'/></svg>", &out),
			 -1);
	assert_int_equal(svg_inlines("<!DOCTYPE svg [<!ENTITY e 'x'>]><svg>&e;</svg>", &out), -1);
	assert_int_equal(svg_inlines("<html/>", &out), -1);
	assert_int_equal(svg_inlines("<svg><g></svg>", &out), -1); /* not well-formed */
	assert_int_equal(svg_inlines("", &out), -1);
	sb_release(&out);
}

/* The text letter read back as lines (report_letter_lines, what the PDF and
 * the FHIR narrative are made of): the date line is exactly REPORT_WIDTH
 * wide (79 is not), a heading's first word has two capitals or more ("A"
 * is not) and follows a blank line, a table row has two spaces inside. */
static void test_letter_lines(void **state)
{
	struct report_lines ls;
	char date80[REPORT_WIDTH + 2], date79[REPORT_WIDTH + 1], *text;
	(void)state;
	snprintf(date80, sizeof(date80), "%*s", REPORT_WIDTH, "2026-11-25");
	snprintf(date79, sizeof(date79), "%*s", REPORT_WIDTH - 1, "2026-11-25");
	text = xasprintf("Clinic\nStreet 1\n%s\nTo: Dr. X\n\nIN SHORT\nA line.\n  goes on\n\n"
			 "A\n\nAB (lower case after)\nCD no blank before\nMeasure  Baseline\n",
			 date80);
	report_letter_lines(&ls, text, "2026-11-25");
	assert_int_equal(ls.n, 14);
	assert_int_equal(ls.v[0].kind, REPORT_LINE_LETTERHEAD);
	assert_int_equal(ls.v[1].kind, REPORT_LINE_LETTERHEAD);
	assert_int_equal(ls.v[2].kind, REPORT_LINE_DATE);
	assert_string_equal(ls.v[2].text, "2026-11-25");
	assert_null(ls.v[2].left);
	assert_int_equal(ls.v[3].kind, REPORT_LINE_TEXT);
	assert_int_equal(ls.v[4].kind, REPORT_LINE_BLANK);
	assert_int_equal(ls.v[5].kind, REPORT_LINE_HEADING);
	assert_int_equal(ls.v[6].kind, REPORT_LINE_TEXT);
	assert_int_equal(ls.v[7].kind, REPORT_LINE_TEXT);
	assert_int_equal(ls.v[7].indent, 2);
	assert_string_equal(ls.v[7].text, "goes on");
	assert_int_equal(ls.v[9].kind, REPORT_LINE_TEXT);     /* "A": one capital */
	assert_int_equal(ls.v[11].kind, REPORT_LINE_HEADING); /* "AB (...)" */
	assert_int_equal(ls.v[12].kind, REPORT_LINE_TEXT);    /* no blank line before */
	assert_int_equal(ls.v[13].kind, REPORT_LINE_TABLE);
	report_lines_release(&ls);
	free(text);
	/* 79 columns: no date line, so no letterhead either */
	text = xasprintf("Clinic\n%s\n\nIN SHORT\n", date79);
	report_letter_lines(&ls, text, "2026-11-25");
	assert_int_equal(ls.v[0].kind, REPORT_LINE_TEXT);
	assert_int_equal(ls.v[1].kind, REPORT_LINE_TEXT);
	assert_int_equal(ls.v[3].kind, REPORT_LINE_HEADING);
	report_lines_release(&ls);
	free(text);
	/* no letterhead: "PROGRESS NOTE" before the date */
	text = xasprintf("PROGRESS NOTE%*s\n", REPORT_WIDTH - 13, "2026-11-25");
	report_letter_lines(&ls, text, "2026-11-25");
	assert_int_equal(ls.n, 1);
	assert_int_equal(ls.v[0].kind, REPORT_LINE_DATE);
	assert_string_equal(ls.v[0].left, "PROGRESS NOTE");
	report_lines_release(&ls);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_break_sentence),
		cmocka_unit_test(test_letter_lines),
		cmocka_unit_test(test_status_edges),
		cmocka_unit_test(test_ago),
		cmocka_unit_test(test_measure_sentences),
		cmocka_unit_test(test_lost_and_mild),
		cmocka_unit_test(test_step_sentence),
		cmocka_unit_test(test_therapists),
		cmocka_unit_test(test_step_follows_status),
		cmocka_unit_test(test_planned_belongs_to_the_referral),
		cmocka_unit_test(test_svg_inline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
