/* test_outcome.c - the clinic's rules (outcome.h) at their edges: exactly at
 * the MCID and a hair short of it, a gap of exactly relapse_gap days and one
 * day less, s90 exactly at the last session, |effect| exactly 1.96 SD.
 * Scores are decimals (5.1 - 3.1 is 1.9999999999999996 in binary): the rules
 * must count such a change as the MCID. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "outcome.h"

#define MCID 2.0

/* A course of n scored sessions from 'baseline' to 'latest'. */
static struct stats_course course(size_t n, double baseline, double latest)
{
	struct stats_course r = { 0 };
	r.n = n;
	r.baseline = baseline;
	r.latest = latest;
	r.change = latest - baseline;
	r.slope = r.slope_lo = r.slope_hi = r.slope_p = NAN;
	r.rci = NAN;
	r.plateau = r.s90 = r.plateau_b = r.plateau_tau = NAN;
	r.first_session = 1;
	r.last_session = (int)n;
	return r;
}

static void test_improved_at_the_mcid(void **state)
{
	struct stats_course r;
	(void)state;
	r = course(5, 5.1, 3.1); /* 2.0 in decimals, 1.9999999999999996 in binary */
	assert_true(outcome_improved(&r, MCID));
	r = course(5, 6.0, 4.0);
	assert_true(outcome_improved(&r, MCID));
	r = course(5, 6.0, 4.0 + 1e-6);
	assert_false(outcome_improved(&r, MCID));
	r = course(5, 6.0, 4.1);
	assert_false(outcome_improved(&r, MCID));
	/* The slack's edge: a change of MCID - OUTCOME_EPS counts, twice that not. */
	r = course(5, MCID - OUTCOME_EPS, 0);
	assert_true(outcome_improved(&r, MCID));
	r = course(5, MCID - 2 * OUTCOME_EPS, 0);
	assert_false(outcome_improved(&r, MCID));
	r = course(1, 6.0, 6.0);
	assert_false(outcome_improved(&r, 0)); /* one session: no change, whatever the MCID */
}

static void test_worse_at_the_mcid(void **state)
{
	struct stats_course r;
	(void)state;
	r = course(3, 3.1, 5.1);
	assert_true(outcome_worse(&r, MCID));
	r = course(3, 0, MCID - OUTCOME_EPS);
	assert_true(outcome_worse(&r, MCID));
	r = course(3, 0, MCID - 2 * OUTCOME_EPS);
	assert_false(outcome_worse(&r, MCID));
	r = course(3, 4.0, 6.0);
	assert_true(outcome_worse(&r, MCID));
	r = course(3, 4.0, 6.0 - 1e-6);
	assert_false(outcome_worse(&r, MCID));
	/* Less than the MCID but reliably worse: worse. */
	r = course(3, 4.0, 5.0);
	r.reliable_change = "deteriorated";
	assert_true(outcome_worse(&r, MCID));
	assert_true(outcome_reliably_worse(&r));
	r.reliable_change = "unchanged";
	assert_false(outcome_worse(&r, MCID));
	assert_false(outcome_reliably_worse(&r));
	/* A rising trend alone is not worse (the contract's rule). */
	r.slope_lo = 0.1;
	assert_false(outcome_worse(&r, MCID));
	r = course(1, 4.0, 4.0);
	r.reliable_change = "deteriorated";
	assert_false(outcome_worse(&r, MCID));
	r = course(2, 4.0, 6.0);
	assert_true(outcome_worse(&r, MCID));
}

static void test_change_reading(void **state)
{
	struct stats_course r;
	(void)state;
	r = course(1, 5, 5);
	assert_int_equal(outcome_change_reading(&r, MCID), OUTCOME_ONE_SESSION);
	r = course(2, 7, 5);
	assert_int_equal(outcome_change_reading(&r, MCID), OUTCOME_IMPROVED);
	r.reliable_change = "improved";
	assert_int_equal(outcome_change_reading(&r, MCID), OUTCOME_IMPROVED);
	assert_true(outcome_reliably_improved(&r));
	r = course(4, 7, 5.5);
	r.reliable_change = "improved";
	assert_int_equal(outcome_change_reading(&r, MCID), OUTCOME_RELIABLY_IMPROVED);
	r.reliable_change = "unchanged";
	assert_false(outcome_reliably_improved(&r));
	assert_int_equal(outcome_change_reading(&r, MCID), OUTCOME_NO_CLEAR_CHANGE);
	r.reliable_change = NULL; /* no SD for the RCI */
	assert_int_equal(outcome_change_reading(&r, MCID), OUTCOME_NO_CLEAR_CHANGE);
	r = course(4, 5, 7);
	assert_int_equal(outcome_change_reading(&r, MCID), OUTCOME_WORSE);
	r = course(4, 5, 6);
	r.reliable_change = "deteriorated";
	assert_int_equal(outcome_change_reading(&r, MCID), OUTCOME_WORSE);
}

static void test_response_reached_and_lost(void **state)
{
	struct stats_course r;
	(void)state;
	r = course(8, 6, 5);
	assert_false(outcome_response_reached(&r));
	assert_false(outcome_response_lost(&r, MCID)); /* never reached: nothing lost */
	r.sessions_to_response = 4;
	assert_true(outcome_response_reached(&r));
	assert_true(outcome_response_lost(&r, MCID));
	r = course(8, 5.1, 3.1); /* still exactly the MCID better: kept */
	r.sessions_to_response = 4;
	assert_false(outcome_response_lost(&r, MCID));
	r = course(8, MCID - OUTCOME_EPS, 0);
	r.sessions_to_response = 4;
	assert_false(outcome_response_lost(&r, MCID));
	r = course(8, MCID - 2 * OUTCOME_EPS, 0);
	r.sessions_to_response = 4;
	assert_true(outcome_response_lost(&r, MCID));
	r = course(8, 6.0, 4.0 + 1e-6);
	r.sessions_to_response = 4;
	assert_true(outcome_response_lost(&r, MCID));
}

static void test_plateau_reached(void **state)
{
	struct stats_course r;
	(void)state;
	r = course(10, 8, 4);
	r.plateau = 3.8;
	r.s90 = 10;
	assert_true(outcome_plateau_reached(&r, MCID)); /* s90 exactly at the last session */
	r.s90 = 10.01;
	assert_false(outcome_plateau_reached(&r, MCID));
	r.s90 = NAN;
	r.plateau = NAN;
	assert_false(outcome_plateau_reached(&r, MCID)); /* no fit */
	r = course(10, 8, 6.1); /* improved less than the MCID */
	r.plateau = 6;
	r.s90 = 5;
	assert_false(outcome_plateau_reached(&r, MCID));
	r = course(10, 6, 8); /* a worsening course never has a plateau reached */
	r.plateau = 8;
	r.s90 = 5;
	assert_false(outcome_plateau_reached(&r, MCID));
	r = course(10, 5.1, 3.1);
	r.plateau = 4;
	r.s90 = 9.5;
	assert_true(outcome_plateau_reached(&r, MCID));
	/* A level outside the 0-10 scale is no plateau; its edges are. */
	r = course(10, 8, 1);
	r.s90 = 5;
	r.plateau = 0;
	assert_true(outcome_plateau_reached(&r, MCID));
	r.plateau = -1e-6;
	assert_false(outcome_plateau_reached(&r, MCID));
	r = course(10, 10, 8);
	r.s90 = 5;
	r.plateau = 10;
	assert_true(outcome_plateau_reached(&r, MCID));
	r.plateau = 10 + 1e-6;
	assert_false(outcome_plateau_reached(&r, MCID));
}

static void test_break_reading(void **state)
{
	(void)state;
	/* baseline 8, 6 before a 21-day break (exactly relapse_gap) */
	assert_int_equal(outcome_break_reading(8, 6, 8, 21, MCID, 21), OUTCOME_BREAK_RELAPSE);
	assert_int_equal(outcome_break_reading(8, 6, 8, 20, MCID, 21), OUTCOME_BREAK_WORSE);
	assert_int_equal(outcome_break_reading(7.5, 6, 8, 90, MCID, 21), OUTCOME_BREAK_WORSE);
	assert_int_equal(outcome_break_reading(8, 6, 7.9, 90, MCID, 21), OUTCOME_BREAK_HELD);
	assert_int_equal(outcome_break_reading(8, 6, 4.1, 90, MCID, 21), OUTCOME_BREAK_HELD);
	assert_int_equal(outcome_break_reading(8, 6, 4, 90, MCID, 21), OUTCOME_BREAK_BETTER);
}

/* The one reading of a whole break (the note's and the letter's): a rise of
 * exactly the MCID, a gap of exactly relapse_gap days, a score missing on
 * one side. */
static void test_break_read(void **state)
{
	/* fatigue: baseline 7, 4.1 before, 6.1 after (2.0 in decimals, a hair
	 * less in binary); sleep: held; focus: not recorded after */
	double base[3] = { 7, 6, 5 }, before[3] = { 4.1, 4, 3 }, after[3] = { 6.1, 5, NAN };
	double mcid[3] = { MCID, MCID, MCID };
	enum outcome_break r[3];
	(void)state;
	assert_true(outcome_is_break(21, 21));
	assert_false(outcome_is_break(20, 21));
	assert_int_equal(outcome_break_read(3, base, before, after, mcid, 21, 21, r),
			 OUTCOME_BREAK_RELAPSE);
	assert_int_equal(r[0], OUTCOME_BREAK_RELAPSE);
	assert_int_equal(r[1], OUTCOME_BREAK_HELD);
	assert_int_equal(r[2], OUTCOME_BREAK_UNSCORED);
	/* one day short of relapse_gap: it rose, but it is no relapse */
	assert_int_equal(outcome_break_read(3, base, before, after, mcid, 20, 21, r),
			 OUTCOME_BREAK_WORSE);
	assert_int_equal(r[0], OUTCOME_BREAK_WORSE);
	/* a hair under the MCID: it did not rise */
	after[0] = 6.1 - 1e-6;
	assert_int_equal(outcome_break_read(3, base, before, after, mcid, 21, 21, r),
			 OUTCOME_BREAK_HELD);
	assert_int_equal(r[0], OUTCOME_BREAK_HELD);
	/* had not improved by the MCID before the break: higher, no relapse */
	after[0] = 6.1;
	base[0] = 6.1 - 1e-6;
	assert_int_equal(outcome_break_read(3, base, before, after, mcid, 21, 21, r),
			 OUTCOME_BREAK_WORSE);
	/* fell by exactly the MCID across it: still improving, the break held */
	base[0] = 7;
	before[0] = 6.1;
	after[0] = 4.1;
	assert_int_equal(outcome_break_read(3, base, before, after, mcid, 21, 21, r),
			 OUTCOME_BREAK_HELD);
	assert_int_equal(r[0], OUTCOME_BREAK_BETTER);
	/* the baseline unknown (no score in the course before) reads nothing */
	base[1] = NAN;
	outcome_break_read(3, base, before, after, mcid, 21, 21, r);
	assert_int_equal(r[1], OUTCOME_BREAK_UNSCORED);
}

static void test_relapse_holds(void **state)
{
	(void)state;
	assert_true(outcome_relapse_holds(4.1, 6.1, MCID)); /* exactly the MCID above */
	assert_false(outcome_relapse_holds(4.1, 6.1 - 1e-6, MCID));
}

static void test_forecast_too_far(void **state)
{
	struct stats_course r = course(10, 8, 5);
	(void)state;
	r.s90 = 20; /* exactly twice the 10 sessions seen */
	assert_false(outcome_forecast_too_far(&r));
	r.s90 = 20.01;
	assert_true(outcome_forecast_too_far(&r));
	r.s90 = NAN;
	assert_false(outcome_forecast_too_far(&r));
}

static void test_active(void **state)
{
	(void)state;
	assert_true(outcome_active(1000, 1028, 28)); /* exactly alert_window days before */
	assert_false(outcome_active(1000, 1029, 28));
	assert_true(outcome_active(1000, 1000, 0));
	assert_false(outcome_active(1000, 1001, 0));
}

static void test_no_response(void **state)
{
	struct stats_course r[4];
	size_t m;
	(void)state;
	for (m = 0; m < 4; m++)
		r[m] = course(6, 6, 5);
	assert_true(outcome_no_response(r, 4, 6, 6)); /* exactly the sessions needed */
	assert_false(outcome_no_response(r, 4, 5, 6));
	r[3].sessions_to_response = 3; /* one measure reached the MCID once */
	assert_false(outcome_no_response(r, 4, 6, 6));
	assert_true(outcome_no_response(r, 3, 6, 6)); /* ... but not one of the first three */
	/* "Ever reached" is the rule, not "responder at the end". */
	r[3].responder = 0;
	assert_false(outcome_no_response(r, 4, 9, 6));
}

static void test_relapse(void **state)
{
	(void)state;
	/* baseline 5.1, 3.1 before a 21-day break, 5.1 after: relapse. */
	assert_true(outcome_relapse(5.1, 3.1, 5.1, 21, MCID, 21));
	assert_false(outcome_relapse(5.1, 3.1, 5.1, 20, MCID, 21)); /* one day short */
	/* Each difference exactly at the slack's edge counts, a hair past it not. */
	assert_true(outcome_relapse(MCID - OUTCOME_EPS, 0, MCID - OUTCOME_EPS, 21, MCID, 21));
	assert_false(outcome_relapse(MCID - 2 * OUTCOME_EPS, 0, MCID, 21, MCID, 21));
	assert_false(outcome_relapse(MCID, 0, MCID - 2 * OUTCOME_EPS, 21, MCID, 21));
	assert_true(outcome_relapse(8.0, 6.0, 8.0, 300, MCID, 21));
	assert_false(outcome_relapse(8.0, 6.0, 8.0 - 1e-6, 300, MCID, 21)); /* rose less */
	assert_false(outcome_relapse(8.0 - 1e-6, 6.0, 8.0, 300, MCID, 21)); /* had not improved */
	assert_false(outcome_relapse(5.0, 5.0, 9.0, 300, MCID, 21)); /* worse from the start */
	assert_false(outcome_relapse(8.0, 6.0, 4.0, 300, MCID, 21)); /* better after the break */
}

static void test_eligible(void **state)
{
	struct stats_course r;
	(void)state;
	r = course(5, 4.0, 2.0);
	assert_true(outcome_eligible(&r, 4.0)); /* exactly min_baseline */
	r = course(5, 4.0 - 1e-6, 2.0);
	assert_false(outcome_eligible(&r, 4.0));
	r = course(5, 4.0 - OUTCOME_EPS, 2.0);
	assert_true(outcome_eligible(&r, 4.0)); /* the slack's edge */
	r = course(1, 4.0, 4.0);
	assert_true(outcome_eligible(&r, 4.0)); /* one session has a baseline */
	r = course(5, 0.0, 0.0);
	assert_true(outcome_eligible(&r, 0.0)); /* 0 makes every course eligible */
	r = course(0, NAN, NAN);
	assert_false(outcome_eligible(&r, 0.0)); /* no score: nothing to count */
}

static void test_levelling(void **state)
{
	struct stats_course r;
	(void)state;
	r = course(4, 8, 4);
	r.plateau = 4;
	r.s90 = 3;
	assert_int_equal(outcome_levelling(&r), OUTCOME_LEVEL_TOO_FEW);
	r = course(5, 8, 4);
	r.slope_hi = -0.01;
	assert_int_equal(outcome_levelling(&r), OUTCOME_LEVEL_STEADY);
	r.slope_hi = 0;
	assert_int_equal(outcome_levelling(&r), OUTCOME_LEVEL_UNCLEAR);
	r.slope_hi = NAN;
	assert_int_equal(outcome_levelling(&r), OUTCOME_LEVEL_UNCLEAR);
	r.plateau = 4;
	r.plateau_b = 8;
	r.s90 = 5;
	assert_int_equal(outcome_levelling(&r), OUTCOME_LEVEL_REACHED);
	r.s90 = 5.01;
	assert_int_equal(outcome_levelling(&r), OUTCOME_LEVEL_CHANGING);
	/* A curve that does not fall has no improvement to level off (P026's focus). */
	r.plateau_b = 4;
	assert_int_equal(outcome_levelling(&r), OUTCOME_LEVEL_NOT_FALLING);
	r.plateau_b = 4.000001;
	assert_int_equal(outcome_levelling(&r), OUTCOME_LEVEL_CHANGING);
	r.plateau_b = 3;
	r.s90 = 5;
	assert_int_equal(outcome_levelling(&r), OUTCOME_LEVEL_NOT_FALLING);
}

static void test_pace(void **state)
{
	(void)state;
	assert_int_equal(outcome_pace(-1.96, 1), OUTCOME_PACE_IN_LINE); /* bound exactly at 0 */
	assert_int_equal(outcome_pace(-1.97, 1), OUTCOME_PACE_AHEAD);
	assert_int_equal(outcome_pace(1.96, 1), OUTCOME_PACE_IN_LINE);
	assert_int_equal(outcome_pace(1.97, 1), OUTCOME_PACE_BEHIND);
	assert_int_equal(outcome_pace(0, 0), OUTCOME_PACE_IN_LINE);
	assert_int_equal(outcome_pace(NAN, 1), OUTCOME_PACE_UNKNOWN);
	assert_int_equal(outcome_pace(-3, INFINITY), OUTCOME_PACE_UNKNOWN);
}

/* The next step's order (CONTRACT.md): refer back, review, none, stop,
 * taper, continue: each rule against the one after it. */
static void test_step_order(void **state)
{
	struct outcome_course oc;
	(void)state;
	memset(&oc, 0, sizeof(oc));
	oc.nm = 2;
	assert_int_equal(outcome_step_of(&oc), OUTCOME_STEP_CONTINUE);
	oc.m[0].states = OUTCOME_RESPONDED_ST;
	assert_int_equal(outcome_step_of(&oc), OUTCOME_STEP_CONTINUE);
	oc.m[0].states |= OUTCOME_LEVELLED_ST;
	assert_int_equal(outcome_step_of(&oc), OUTCOME_STEP_TAPER);
	/* a second measure that responded and goes on: continue */
	oc.m[1].states = OUTCOME_RESPONDED_ST;
	assert_int_equal(outcome_step_of(&oc), OUTCOME_STEP_CONTINUE);
	oc.m[1].states = OUTCOME_RESPONDED_ST | OUTCOME_LEVELLED_ST;
	assert_int_equal(outcome_step_of(&oc), OUTCOME_STEP_TAPER);
	/* levelled off without responding (a mild start) is not a taper */
	oc.m[0].states = OUTCOME_NOT_JUDGED | OUTCOME_LEVELLED_ST;
	oc.m[1].states = 0;
	assert_int_equal(outcome_step_of(&oc), OUTCOME_STEP_CONTINUE);
	oc.no_response = 1;
	assert_int_equal(outcome_step_of(&oc), OUTCOME_STEP_STOP);
	oc.finished = 1;
	assert_int_equal(outcome_step_of(&oc), OUTCOME_STEP_NONE);
	/* a lost response: review while the course goes on, none once finished */
	oc.m[1].states = OUTCOME_LOST_ST;
	assert_int_equal(outcome_step_of(&oc), OUTCOME_STEP_NONE);
	oc.finished = 0;
	assert_int_equal(outcome_step_of(&oc), OUTCOME_STEP_REVIEW);
	/* a relapse: refer back only while still present */
	oc.m[0].states |= OUTCOME_RELAPSE_ST;
	assert_int_equal(outcome_step_of(&oc), OUTCOME_STEP_REVIEW);
	oc.m[0].relapse.present = 1;
	assert_int_equal(outcome_step_of(&oc), OUTCOME_STEP_REFER_BACK);
	oc.m[0].relapse.present = 0;
	oc.m[0].states = OUTCOME_WORSE_ST;
	oc.finished = 1;
	assert_int_equal(outcome_step_of(&oc), OUTCOME_STEP_REFER_BACK);
	assert_string_equal(outcome_step_word(OUTCOME_STEP_REVIEW), "review");
	assert_string_equal(outcome_step_word(OUTCOME_STEP_REFER_BACK), "refer back");
}

/* A course of n sessions on dates 'date' with two measures' scores y0, y1
 * (NAN: not recorded), read as of 'today' with the default rules. */
#define RN 16
struct fx {
	struct store_course c;
	long date[RN];
	double score[RN * 2];
	struct stats_course r[2];
	struct outcome_course oc;
};
static const struct outcome_rules rules = { 21, 6, 90, 28 };

static void read_fx(struct fx *f, const double *y0, const double *y1, const long *date, size_t n,
		    long today)
{
	static const struct stats_settings set[2] = { { 2, 0.8, NAN, 3, 4 }, { 2, 0.8, NAN, 3, 4 } };
	double s[RN], y[RN];
	size_t i, m, k;
	memset(f, 0, sizeof(*f));
	for (i = 0; i < n; i++) {
		f->date[i] = date[i];
		f->score[i * 2] = y0[i];
		f->score[i * 2 + 1] = y1[i];
	}
	f->c.n = n;
	f->c.date = f->date;
	f->c.score = f->score;
	f->c.nmeasures = 2;
	for (m = 0; m < 2; m++) {
		for (i = k = 0; i < n; i++)
			if (!isnan(f->score[i * 2 + m])) {
				s[k] = (double)(i + 1);
				y[k++] = f->score[i * 2 + m];
			}
		stats_course_arrays(s, y, k, &set[m], NAN, &f->r[m]);
		outcome_classify(&set[m], &f->r[m]);
	}
	outcome_read_course(&rules, set, &f->c, NULL, f->r, 2, today, 0, 0, &f->oc);
}

/* Pain 8 -> 5.5 by session 4, then 7.5: the response was lost (issue 20's
 * letter said "continue"); the best score and its session are the evidence. */
static void test_reading_lost(void **state)
{
	static const double y0[] = { 8, 7, 6, 5.5, 7.5 }, y1[] = { 5, 5, 5, 5, 5 };
	static const long d[] = { 100, 107, 114, 121, 128 };
	struct fx f;
	(void)state;
	read_fx(&f, y0, y1, d, 5, 128);
	assert_true(f.oc.m[0].states & OUTCOME_LOST_ST);
	assert_false(f.oc.m[0].states & OUTCOME_RESPONDED_ST);
	assert_int_equal(f.oc.m[0].best_session, 4);
	assert_true(f.oc.m[0].best == 5.5);
	assert_int_equal(f.oc.step, OUTCOME_STEP_REVIEW);
	/* once finished (more than course_gap days later): none */
	read_fx(&f, y0, y1, d, 5, 128 + 91);
	assert_int_equal(f.oc.step, OUTCOME_STEP_NONE);
	read_fx(&f, y0, y1, d, 5, 128 + 90);
	assert_int_equal(f.oc.step, OUTCOME_STEP_REVIEW);
}

/* Pain 8 -> 5, a session without pain, then 7 or 8: the break is counted
 * between *scored* sessions (the letter once paired all sessions). */
static void test_reading_relapse_scored(void **state)
{
	static const double y1[] = { 5, 5, 5, 5 };
	double y0[] = { 8, 5, NAN, 8 };
	long d[] = { 100, 110, 120, 131 }; /* pain scored 110 and 131: 21 days */
	struct fx f;
	(void)state;
	read_fx(&f, y0, y1, d, 4, 131);
	assert_true(f.oc.m[0].states & OUTCOME_RELAPSE_ST);
	assert_true(f.oc.m[0].relapse.present);
	assert_int_equal(f.oc.m[0].relapse.date_a, 110);
	assert_int_equal(f.oc.m[0].relapse.date_b, 131);
	assert_int_equal(f.oc.step, OUTCOME_STEP_REFER_BACK);
	d[3] = 130; /* 20 days: no break */
	read_fx(&f, y0, y1, d, 4, 130);
	assert_false(f.oc.m[0].states & OUTCOME_RELAPSE_ST);
	/* risen by a hair less than the MCID: no relapse */
	d[3] = 131;
	y0[3] = 7 - 1e-6;
	read_fx(&f, y0, y1, d, 4, 131);
	assert_false(f.oc.m[0].states & OUTCOME_RELAPSE_ST);
	/* a relapse of exactly the MCID, later eased: present only at y_a + MCID */
	y0[3] = 7;
	read_fx(&f, y0, y1, d, 4, 131);
	assert_true(f.oc.m[0].states & OUTCOME_RELAPSE_ST);
	assert_true(f.oc.m[0].relapse.present);
}

/* A mild baseline is not judged: never "no response". */
static void test_reading_mild(void **state)
{
	static const double y0[] = { 3, 3, 2.5, 2.5, 2, 2, 1.5 }, y1[] = { 4, 4, 4, 4, 4, 4, 4 };
	static const long d[] = { 100, 107, 114, 121, 128, 135, 142 };
	struct fx f;
	(void)state;
	read_fx(&f, y0, y1, d, 7, 142);
	assert_true(f.oc.m[0].mild);
	assert_true(f.oc.m[0].states & OUTCOME_NOT_JUDGED);
	assert_false(f.oc.m[0].states & OUTCOME_NO_RESPONSE_ST);
	/* a baseline of exactly min_baseline is judged: no response after 7 */
	assert_false(f.oc.m[1].mild);
	assert_true(f.oc.m[1].states & OUTCOME_NO_RESPONSE_ST);
	assert_int_equal(f.oc.step, OUTCOME_STEP_STOP);
}

/* Fewer than 3 scored sessions are not judged; 3 are. */
static void test_reading_few(void **state)
{
	static const double y0[] = { 8, 6, 5 }, y1[] = { 5, NAN, NAN };
	static const long d[] = { 100, 107, 114 };
	struct fx f;
	(void)state;
	read_fx(&f, y0, y1, d, 2, 107);
	assert_true(f.oc.m[0].states & OUTCOME_NOT_JUDGED);
	assert_false(f.oc.m[0].states & OUTCOME_RESPONDED_ST);
	read_fx(&f, y0, y1, d, 3, 114);
	assert_false(f.oc.m[0].states & OUTCOME_NOT_JUDGED);
	assert_true(f.oc.m[0].states & OUTCOME_RESPONDED_ST);
	assert_int_equal(f.oc.m[1].states, OUTCOME_NOT_JUDGED); /* one score */
}

/* Finished: exactly course_gap days after the last session is still going on. */
static void test_course_finished(void **state)
{
	(void)state;
	assert_false(outcome_course_finished(1000, 1090, 90, 0, 5, 0));
	assert_true(outcome_course_finished(1000, 1091, 90, 0, 5, 0));
	assert_true(outcome_course_finished(1000, 1000, 90, 1, 5, 0)); /* a later course */
	assert_false(outcome_course_finished(1000, 1000, 90, 0, 5, 6)); /* one planned to go */
	assert_true(outcome_course_finished(1000, 1000, 90, 0, 6, 6));  /* all attended */
	assert_false(outcome_course_finished(1000, 999, 90, 0, 5, 0));  /* dated after today */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_improved_at_the_mcid),
		cmocka_unit_test(test_worse_at_the_mcid),
		cmocka_unit_test(test_change_reading),
		cmocka_unit_test(test_response_reached_and_lost),
		cmocka_unit_test(test_plateau_reached),
		cmocka_unit_test(test_no_response),
		cmocka_unit_test(test_relapse),
		cmocka_unit_test(test_active),
		cmocka_unit_test(test_break_reading),
		cmocka_unit_test(test_break_read),
		cmocka_unit_test(test_relapse_holds),
		cmocka_unit_test(test_forecast_too_far),
		cmocka_unit_test(test_eligible),
		cmocka_unit_test(test_levelling),
		cmocka_unit_test(test_pace),
		cmocka_unit_test(test_step_order),
		cmocka_unit_test(test_course_finished),
		cmocka_unit_test(test_reading_lost),
		cmocka_unit_test(test_reading_relapse_scored),
		cmocka_unit_test(test_reading_mild),
		cmocka_unit_test(test_reading_few),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
