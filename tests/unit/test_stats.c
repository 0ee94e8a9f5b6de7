/* test_stats.c - unit tests of the statistics against values computed with
 * R 4.2 (tests/fixtures/stats.R and the calls quoted beside each case). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <cmocka.h>

#include "outcome.h"
#include "stats.h"
#include "stats_compare.h"

#define REL(a, b, tol) assert_true(fabs((double)(a) - (double)(b)) <= (tol) * fabs((double)(b)) + 1e-300)

static const struct stats_settings defaults = { 2.0, 0.8, NAN, 3.0, 0.0 };

/* P001's fatigue in the sample clinic. */
static const double p001[14] = { 8, 7.5, 7, 6.5, 6, 5.5, 5, 5, 4.5, 4.5, 4, 4, 3.5, 3.5 };

static void test_ols_and_plateau(void **state)
{
	double s[14];
	struct stats_course r;
	size_t i;
	(void)state;
	for (i = 0; i < 14; i++)
		s[i] = (double)(i + 1);
	stats_course_arrays(s, p001, 14, &defaults, 1.0, &r); outcome_classify(&defaults, &r);
	/* lm(y ~ s); confint() */
	REL(r.slope, -0.346153846153846, 1e-12);
	REL(r.slope_se, 0.0195550883736838, 1e-10);
	REL(r.slope_lo, -0.388760723587705, 1e-10);
	REL(r.slope_hi, -0.303546968719988, 1e-10);
	REL(r.slope_p, 5.77214791376197e-10, 1e-6);
	/* nls(y ~ cc + (b - cc) * exp(-(s - 1) / tau)) */
	REL(r.plateau, 1.756812029038, 1e-4);
	REL(r.plateau_b, 8.06893335495754, 1e-4);
	REL(r.plateau_tau, 9.97222364517946, 1e-4);
	REL(r.s90, 1 + 9.97222364517946 * log(10.0), 1e-4);
	assert_int_equal(r.responder, 1);
	assert_int_equal(r.sessions_to_response, 5);
	/* change -4.5 / (sqrt(2) * 1 * sqrt(0.2)) */
	REL(r.rci, -4.5 / (sqrt(2.0) * sqrt(0.2)), 1e-12);
	assert_string_equal(r.reliable_change, "improved");
	assert_string_equal(r.clinical_category, "improved"); /* 3.5 > cutoff 3 */
}

static void test_edges(void **state)
{
	static const double s[5] = { 1, 2, 3, 4, 5 }, flat[5] = { 5, 5, 5, 5, 5 };
	static const double zero[3] = { 0, 1, 2 }, gaps_s[3] = { 1, 4, 9 };
	struct stats_course r;
	(void)state;
	stats_course_arrays(s, flat, 1, &defaults, 1.0, &r); outcome_classify(&defaults, &r);
	assert_int_equal(r.n, 1);
	assert_true(isnan(r.slope) && isnan(r.slope_p) && isnan(r.plateau));
	assert_true(r.change == 0);
	stats_course_arrays(s, flat, 5, &defaults, 1.0, &r); outcome_classify(&defaults, &r);
	assert_true(r.slope == 0 && r.slope_se == 0 && isnan(r.slope_p));
	assert_true(isnan(r.plateau) && isnan(r.s90));
	assert_string_equal(r.reliable_change, "unchanged");
	stats_course_arrays(s, zero, 3, &defaults, 1.0, &r); outcome_classify(&defaults, &r);
	assert_true(isnan(r.pct_change));
	stats_course_arrays(s, flat, 5, &defaults, NAN, &r); outcome_classify(&defaults, &r);
	assert_true(isnan(r.rci) && r.reliable_change == NULL);
	stats_course_arrays(s, flat, 0, &defaults, 1.0, &r); outcome_classify(&defaults, &r);
	assert_int_equal(r.n, 0);
	assert_true(isnan(r.baseline) && r.responder == 0);
	/* session numbers with gaps are used as they are */
	stats_course_arrays(gaps_s, zero, 3, &defaults, 1.0, &r); outcome_classify(&defaults, &r);
	assert_int_equal(r.last_session, 9);
}

static void test_wilcoxon(void **state)
{
	static const double d[10] = { -2, -1.5, -1.5, 0, 1, -3, -0.5, 2, -2, -1 };
	static const double d2[3] = { 1, 2, 3 }, z[3] = { 0, 0, 0 };
	(void)state;
	/* wilcox.test(d, exact=FALSE, correct=TRUE)$p.value */
	REL(stats_wilcoxon_p(d, 10), 0.136558920306258, 1e-10);
	REL(stats_wilcoxon_p(d2, 3), 0.18144920772142, 1e-10);
	assert_true(isnan(stats_wilcoxon_p(z, 3)));
	assert_true(isnan(stats_wilcoxon_p(z, 0)));
}

static void test_wilson(void **state)
{
	double lo, hi;
	(void)state;
	/* prop.test(7, 20, correct=FALSE)$conf.int */
	stats_wilson(7, 20, &lo, &hi);
	REL(lo, 0.181191824101082, 1e-10);
	REL(hi, 0.567145723314764, 1e-10);
	stats_wilson(20, 20, &lo, &hi);
	REL(lo, 0.838874841947181, 1e-10);
	assert_true(hi == 1);
	stats_wilson(0, 0, &lo, &hi);
	assert_true(isnan(lo) && isnan(hi));
	/* none responded: exactly 0, not a residue (issue 11: 2.775557562e-17) */
	stats_wilson(0, 17, &lo, &hi);
	assert_true(lo == 0);
	REL(hi, 0.184318135009, 1e-10);
}

static void test_km(void **state)
{
	static const double t1[4] = { 1, 2, 3, 4 }, t2[6] = { 1, 2, 3, 4, 5, 6 };
	static const double t3[4] = { 2, 2, 3, 5 }, t4[3] = { 4, 5, 6 }, t5[4] = { 4, 5, 6, 7 };
	static const int e1[4] = { 1, 1, 1, 1 }, e2[6] = { 1, 1, 1, 0, 1, 1 };
	static const int e3[4] = { 1, 1, 0, 0 }, e4[3] = { 0, 1, 0 }, e5[4] = { 0, 1, 0, 0 };
	(void)state;
	/* summary(survfit(Surv(t, e) ~ 1))$table["median"] */
	REL(stats_km_median(t1, e1, 4), 2.5, 1e-12);
	REL(stats_km_median(t2, e2, 6), 4, 1e-12);
	REL(stats_km_median(t3, e3, 4), 2, 1e-12);
	REL(stats_km_median(t4, e4, 3), 5, 1e-12); /* S = 0.5 exactly, no later event */
	assert_true(isnan(stats_km_median(t5, e5, 4)));
	{
		/* Any order; whole session numbers up to 1023 are counted into
		 * place, other times (fractions, 1024 on) sorted the general way. */
		static const double t6[4] = { 4, 1, 3, 2 }, t7[4] = { 4.5, 1.5, 3.5, 2.5 };
		static const double t8[4] = { 1024, 1021, 1023, 1022 };
		static const double t9[4] = { 1023, 1020, 1022, 1021 };
		REL(stats_km_median(t6, e1, 4), 2.5, 1e-12);
		REL(stats_km_median(t7, e1, 4), 3, 1e-12);
		REL(stats_km_median(t8, e1, 4), 1022.5, 1e-12);
		REL(stats_km_median(t9, e1, 4), 1021.5, 1e-12);
	}
}

/* The fit's table and its numbers at risk against R's survfit:
 * t <- c(2,5,5,5,7,9,12); e <- c(1,1,0,1,0,1,0); f <- survfit(Surv(t, e) ~ 1)
 * f$time, f$n.risk, f$n.event, f$n.censor, f$surv, and
 * summary(f, times = c(0,2,3,5,6,12,13), extend = TRUE)$n.risk = 7 7 6 6 3 1 0. */
static void test_km_fit(void **state)
{
	static const double t[7] = { 12, 5, 2, 5, 7, 5, 9 };
	static const int e[7] = { 0, 1, 1, 0, 0, 1, 1 };
	static const double time[5] = { 2, 5, 7, 9, 12 };
	static const long risk[5] = { 7, 6, 3, 2, 1 }, event[5] = { 1, 2, 0, 1, 0 };
	static const long censor[5] = { 0, 1, 1, 0, 1 };
	static const double surv[5] = { 6.0 / 7, 4.0 / 7, 4.0 / 7, 2.0 / 7, 2.0 / 7 };
	static const double at[7] = { 0, 2, 3, 5, 6, 12, 13 };
	static const long at_risk[7] = { 7, 7, 6, 6, 3, 1, 0 };
	struct stats_km k;
	size_t i;
	(void)state;
	stats_km_fit(t, e, 7, &k);
	assert_int_equal(k.n, 5);
	assert_int_equal(k.total, 7);
	for (i = 0; i < 5; i++) {
		assert_true(k.time[i] == time[i]);
		assert_int_equal(k.risk[i], risk[i]);
		assert_int_equal(k.event[i], event[i]);
		assert_int_equal(k.censor[i], censor[i]);
		REL(k.surv[i], surv[i], 1e-12);
	}
	for (i = 0; i < 7; i++)
		assert_int_equal(stats_km_at_risk(&k, at[i]), at_risk[i]);
	/* At a tick: a course censored exactly there (5: one) and the courses
	 * that respond there (5: two) are still at risk; just after, none is. */
	assert_int_equal(stats_km_at_risk(&k, 5), 6);
	assert_int_equal(stats_km_at_risk(&k, 5.5), 3);
	/* The last course, censored at 12, is at risk at 12 and not after. */
	assert_int_equal(stats_km_at_risk(&k, 12), 1);
	assert_int_equal(stats_km_at_risk(&k, 12.5), 0);
	stats_km_release(&k);
	/* No course: nothing at risk, no step. */
	stats_km_fit(NULL, NULL, 0, &k);
	assert_int_equal(k.n, 0);
	assert_int_equal(stats_km_at_risk(&k, 0), 0);
	stats_km_release(&k);
}

static void test_acc(void **state)
{
	struct stats_acc *a = stats_acc_new();
	struct stats_clinic c;
	struct stats_course r = { 0 };
	(void)state;
	r.n = 1; /* courses with n < 2 are not counted */
	stats_acc_add(a, &r);
	stats_acc_finish(a, &c);
	assert_int_equal(c.courses, 0);
	assert_true(isnan(c.mean_change) && isnan(c.rate_lo));
	r.n = 3;
	r.baseline = 6;
	r.latest = 4;
	r.change = -2;
	r.responder = 1;
	r.eligible = 1;
	r.sessions_to_response = 3;
	stats_acc_add(a, &r);
	stats_acc_add(a, &r);
	stats_acc_finish(a, &c);
	assert_int_equal(c.courses, 2);
	assert_int_equal(c.eligible, 2);
	assert_true(c.mean_change == -2);
	/* identical changes: no SD, so no interval, t test or SRM */
	assert_true(isnan(c.change_lo) && isnan(c.t_p) && isnan(c.srm));
	assert_true(c.responder_rate == 1);
	assert_true(c.km_median_sessions == 3);
	stats_acc_free(a);
}

static void test_compare(void **state)
{
	static const double x[8] = { -3, -2.5, -4, -1, 0.5, -2, -3.5, -1.5 };
	static const double y[6] = { -1, 0, -2.5, 0.5, -1, 1 };
	static const double a[2] = { -1, -2 }, b[3] = { 0.5, 1, 0 }, c2[2] = { 1, 1 };
	struct stats_diff d;
	(void)state;
	/* t.test(x, y): Welch */
	stats_welch(x, 8, y, 6, &d);
	REL(d.diff, -1.625, 1e-12);
	REL(d.lo, -3.21979685658618, 1e-9);
	REL(d.hi, -0.0302031434138172, 1e-7);
	REL(d.p, 0.0464486925182625, 1e-8);
	assert_true(stats_diff_significant(&d));
	/* t.test(c(-1,-2), c(0.5,1,0)) */
	stats_welch(a, 2, b, 3, &d);
	REL(d.lo, -4.98849872412919, 1e-9);
	REL(d.hi, 0.988498724129188, 1e-9);
	REL(d.p, 0.0941481776254345, 1e-8);
	assert_false(stats_diff_significant(&d));
	stats_welch(a, 1, b, 3, &d); /* one course: undefined */
	assert_true(isnan(d.diff) && isnan(d.p) && !stats_diff_significant(&d));
	stats_welch(c2, 2, c2, 2, &d); /* no spread: a difference, no test */
	assert_true(d.diff == 0 && isnan(d.p));
	/* prop.test(c(12, 5), c(20, 18)) */
	stats_prop_diff(12, 20, 5, 18, &d);
	REL(d.diff, 0.322222222222222, 1e-12);
	REL(d.lo, -0.0287369079315259, 1e-8);
	REL(d.hi, 0.67318135237597, 1e-10);
	REL(d.p, 0.0953293535447013, 1e-8);
	/* prop.test(c(3, 3), c(10, 11)): the Yates term capped by the difference */
	stats_prop_diff(3, 10, 3, 11, &d);
	REL(d.lo, -0.387218429431723, 1e-9);
	REL(d.hi, 0.441763883977178, 1e-9);
	REL(d.p, 1.0, 1e-9);
	/* prop.test(c(10, 0), c(10, 12)): the interval clipped at 1 */
	stats_prop_diff(10, 10, 0, 12, &d);
	REL(d.lo, 0.908333333333333, 1e-10);
	assert_true(d.hi == 1.0);
	REL(d.p, 2.0400569604671e-05, 1e-7);
	assert_true(stats_diff_significant(&d));
	stats_prop_diff(0, 5, 0, 7, &d); /* nobody responded: a difference, no test */
	assert_true(d.diff == 0 && isnan(d.p));
	stats_prop_diff(1, 0, 0, 7, &d);
	assert_true(isnan(d.diff));
}

/*
 * The accumulator keeps each distinct change and time once (a tally that is
 * sorted and merged as it fills): 200 courses with 13 distinct changes and
 * 37 times, added in no order, give R's figures, and the same as the array
 * functions on the same values.
 */
static void test_acc_many(void **state)
{
	struct stats_acc *a = stats_acc_new();
	struct stats_clinic c;
	struct stats_course r = { 0 };
	struct stats_km km, km2;
	double d[200], t[200], *v;
	int e[200];
	size_t i, n;
	(void)state;
	for (i = 0; i < 200; i++) {
		d[i] = (double)((long)((i * 7) % 13) - 6) * 0.5;
		t[i] = (double)((i * 11) % 37 + 1);
		e[i] = i % 3 != 0;
		r.n = 3;
		r.baseline = 5;
		r.latest = 5 + d[i];
		r.change = d[i];
		r.eligible = 1;
		r.sessions_to_response = e[i] ? (int)t[i] : 0;
		r.last_session = (int)t[i];
		stats_acc_add(a, &r);
	}
	stats_acc_finish(a, &c);
	assert_int_equal(c.courses, 200);
	/* i <- 0:199; d <- (((i*7) %% 13) - 6) * 0.5; mean(d); t.test(d)$p.value;
	 * wilcox.test(d, exact=FALSE, correct=TRUE)$p.value */
	REL(c.mean_change, -0.03, 1e-12);
	REL(c.srm, -0.03 / 1.87929742030628, 1e-12);
	REL(c.t_p, 0.821622309403749, 1e-10);
	REL(c.wilcoxon_p, 0.808128966610888, 1e-10);
	assert_true(c.wilcoxon_p == stats_wilcoxon_p(d, 200));
	/* t <- ((i*11) %% 37) + 1; e <- (i %% 3) != 0: survfit median */
	assert_true(c.km_median_sessions == 24);
	assert_true(c.km_median_sessions == stats_km_median(t, e, 200));
	/* Every change back, in ascending order. */
	n = stats_acc_changes(a, &v);
	assert_int_equal(n, 200);
	for (i = 1; i < n; i++)
		assert_true(v[i - 1] <= v[i]);
	assert_true(v[0] == -3 && v[199] == 3);
	free(v);
	{
		/* The same as runs: 13 distinct changes, -3 to 3 by halves. */
		long *cnt, sum = 0;
		size_t nr = stats_acc_change_runs(a, &v, &cnt);
		assert_int_equal(nr, 13);
		for (i = 0; i < nr; i++) {
			assert_true(v[i] == -3 + 0.5 * (double)i);
			sum += cnt[i];
		}
		assert_int_equal(sum, 200);
		free(v);
		free(cnt);
	}
	/* One row per distinct time: 37 times, each with an event among its
	 * courses, the same table as from the arrays. */
	stats_acc_km(a, &km);
	stats_km_fit(t, e, 200, &km2);
	assert_int_equal(km.n, 37);
	assert_int_equal(km.total, 200);
	assert_true(km.time[0] == 1 && km.time[36] == 37 && km.risk[0] == 200);
	for (i = 0; i < km.n; i++) {
		assert_true(km.time[i] == km2.time[i] && km.surv[i] == km2.surv[i]);
		assert_true(km.risk[i] == km2.risk[i] && km.event[i] == km2.event[i]);
		assert_true(km.event[i] > 0 && km.censor[i] == km2.censor[i]);
		if (i > 0)
			assert_true(km.surv[i] < km.surv[i - 1]);
	}
	stats_km_release(&km);
	stats_km_release(&km2);
	stats_acc_free(a);
}

/* Differences within CLINIC_SCORE_EPS of each other share a rank, as equal ones do. */
static void test_wilcoxon_eps(void **state)
{
	static const double d[6] = { 1, -1, 2, 3, -0.5, 4 };
	static const double near[6] = { 1, -(1 + 1e-10), 2, 3, -0.5, 4 };
	static const double apart[6] = { 1, -(1 + 1e-6), 2, 3, -0.5, 4 };
	(void)state;
	/* wilcox.test(c(1,-1,2,3,-0.5,4), exact=FALSE, correct=TRUE)$p.value */
	REL(stats_wilcoxon_p(d, 6), 0.171772777595712, 1e-10);
	assert_true(stats_wilcoxon_p(near, 6) == stats_wilcoxon_p(d, 6));
	assert_true(stats_wilcoxon_p(apart, 6) != stats_wilcoxon_p(d, 6));
}

/*
 * Group means adjusted for baseline (the therapists' fair comparison), from
 * arrays and one value at a time in any order.  R: s <- coef(lm(y ~ x))[2];
 * r <- y - s * (x - mean(x)); t.test(r[g == k])$conf.int
 */
static void test_group_means(void **state)
{
	static const double x[10] = { 6, 7, 5, 8, 4, 6.5, 9, 3, 7.5, 5.5 };
	static const double y[10] = { -1.2, 0.4, -0.3, 1.1, -2.0, 0.2, 1.5, -1.7, 0.9, -0.6 };
	static const size_t g[10] = { 0, 1, 0, 1, 2, 0, 1, 2, 0, 3 };
	struct stats_mean out[5], back[5];
	struct stats_gmeans *gm = stats_gmeans_new();
	size_t i, k;
	(void)state;
	stats_group_means(y, x, g, 10, 5, out);
	REL(out[0].mean, -0.16062244062244, 1e-10);
	REL(out[0].lo, -1.2046114878102, 1e-10);
	REL(out[0].hi, 0.883366606565318, 1e-10);
	REL(out[1].mean, -0.121515151515151, 1e-10);
	REL(out[1].lo, -0.378009844876183, 1e-10);
	REL(out[1].hi, 0.13497954184588, 1e-10);
	REL(out[2].lo, -6.00084174470815, 1e-10);
	REL(out[2].hi, 5.5138310976975, 1e-10);
	assert_int_equal(out[3].n, 1); /* one course: a mean, no interval */
	REL(out[3].mean, -0.205954135954136, 1e-10);
	assert_true(isnan(out[3].lo) && isnan(out[3].hi));
	assert_int_equal(out[4].n, 0); /* no course */
	assert_true(isnan(out[4].mean));
	for (i = 10; i-- > 0;)
		stats_gmeans_add(gm, g[i], y[i], x[i]);
	stats_gmeans_finish(gm, 5, back);
	for (k = 0; k < 4; k++) {
		assert_int_equal(back[k].n, out[k].n);
		REL(back[k].mean, out[k].mean, 1e-12);
	}
	REL(back[2].hi, out[2].hi, 1e-12);
	stats_gmeans_free(gm);
}

/* Response figures count only courses whose baseline is at least min_baseline. */
/* |RCI| >= 1.96 is reliable: 1.95 is not, exactly 1.96 is, and so is the
 * float case of issue 20 (sd 1, r 0.5: S_diff 1; 7.96 -> 6 computes as
 * -1.9599999999999995). */
static void test_rci_edge(void **state)
{
	struct stats_settings set = defaults;
	const double s[] = { 1, 2, 3 };
	const double exact[] = { 7.96, 7, 6 }, short_[] = { 7.95, 7, 6 };
	const double up[] = { 6, 7, 7.96 }, up_short[] = { 6, 7, 7.95 };
	struct stats_course r;
	(void)state;
	set.reliability = 0.5;
	stats_course_arrays(s, exact, 3, &set, 1.0, &r); outcome_classify(&set, &r);
	assert_true(fabs(r.rci + 1.96) < 1e-12);
	assert_string_equal(r.reliable_change, "improved");
	stats_course_arrays(s, short_, 3, &set, 1.0, &r); outcome_classify(&set, &r);
	assert_string_equal(r.reliable_change, "unchanged");
	stats_course_arrays(s, up, 3, &set, 1.0, &r); outcome_classify(&set, &r);
	assert_string_equal(r.reliable_change, "deteriorated");
	stats_course_arrays(s, up_short, 3, &set, 1.0, &r); outcome_classify(&set, &r);
	assert_string_equal(r.reliable_change, "unchanged");
}

static void test_eligible(void **state)
{
	struct stats_settings set = defaults;
	const double s[] = { 1, 2, 3, 4 };
	const double at_min[] = { 4, 3, 2, 2.5 }, below[] = { 3.99, 3, 1, 1 };
	const double never[] = { 8, 7.5, 7, 7 }, lost[] = { 8, 6, 7, 7 };
	struct stats_course r;
	struct stats_acc *a = stats_acc_new();
	struct stats_clinic c;
	(void)state;
	set.min_baseline = 4;
	stats_course_arrays(s, at_min, 4, &set, NAN, &r); outcome_classify(&set, &r);
	assert_int_equal(r.eligible, 1); /* exactly min_baseline */
	assert_int_equal(r.sessions_to_response, 3);
	assert_int_equal(r.responder, 0);
	stats_acc_add(a, &r); /* eligible, reached the MCID and lost it */
	stats_course_arrays(s, below, 4, &set, NAN, &r); outcome_classify(&set, &r);
	assert_int_equal(r.eligible, 0);
	assert_int_equal(r.responder, 1);
	stats_acc_add(a, &r); /* a responder, but mild at baseline: left out */
	stats_course_arrays(s, never, 4, &set, NAN, &r); outcome_classify(&set, &r);
	stats_acc_add(a, &r); /* eligible, never responded: censored at 4 */
	stats_course_arrays(s, lost, 4, &set, NAN, &r); outcome_classify(&set, &r);
	stats_acc_add(a, &r); /* eligible, responded at 2, lost it */
	stats_acc_finish(a, &c);
	assert_int_equal(c.courses, 4);
	assert_int_equal(c.eligible, 3);
	assert_int_equal(c.responders, 0);
	assert_true(c.responder_rate == 0);
	assert_int_equal(c.never_responded, 1);
	assert_int_equal(c.response_lost, 2);
	/* KM over the 3 eligible: events at 2 and 3, censored at 4: S = 2/3, then 1/3 */
	assert_true(c.km_median_sessions == 3);
	assert_true(fabs(c.mean_baseline - (4 + 3.99 + 8 + 8) / 4) < 1e-12); /* means: all */
	stats_acc_free(a);
	set.min_baseline = 0; /* 0: every course */
	stats_course_arrays(s, below, 4, &set, NAN, &r); outcome_classify(&set, &r);
	assert_int_equal(r.eligible, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ols_and_plateau),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_wilcoxon),
		cmocka_unit_test(test_wilson),
		cmocka_unit_test(test_km),
		cmocka_unit_test(test_km_fit),
		cmocka_unit_test(test_acc),
		cmocka_unit_test(test_acc_many),
		cmocka_unit_test(test_wilcoxon_eps),
		cmocka_unit_test(test_group_means),
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_eligible),
		cmocka_unit_test(test_rci_edge),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
