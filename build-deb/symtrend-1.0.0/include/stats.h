/*
 * stats.h - the statistics of doc/contract.md, on GSL: per course and measure
 * (change, OLS trend, responder, reliable change, plateau fit) and per
 * measure over the clinic (means, t and Wilcoxon tests, SRM, Wilson
 * interval, Kaplan-Meier median).  GSL is included by stats.c and model.c
 * (the mixed model), nowhere else.
 *
 * Undefined values are NAN in these structs; the output layer prints them
 * as empty cells or null, never as "nan".
 */
#ifndef SYMTREND_STATS_H
#define SYMTREND_STATS_H

#include <stddef.h>

#include "store.h"

/* Settings of one measure (settings.h: MEASURE.mcid and so on). */
struct stats_settings {
	double mcid;        /* minimal clinically important difference, points */
	double reliability; /* r of the Jacobson-Truax RCI */
	double sd;          /* SD for the RCI; NAN: from the baselines */
	double cutoff;      /* "recovered" when latest <= cutoff */
	double min_baseline; /* eligible for the response figures when baseline >= this */
};

struct stats_course {
	size_t n;
	double baseline, latest, change, pct_change;
	double slope, slope_se, slope_lo, slope_hi, slope_p, intercept;
	int responder;
	int eligible;             /* baseline >= min_baseline: counts for the response figures */
	int sessions_to_response; /* 0: never */
	int first_session, last_session; /* session_no of first/last scored */
	double rci;
	const char *reliable_change;   /* static string or NULL */
	const char *clinical_category; /* static string or NULL */
	double plateau, s90, plateau_b, plateau_tau;
};

struct stats_clinic {
	long courses;
	double mean_baseline, mean_latest, mean_change, change_lo, change_hi;
	double t_p, wilcoxon_p, srm;
	/* Response figures over the eligible courses (baseline >= min_baseline). */
	long eligible;
	long responders;
	double responder_rate, rate_lo, rate_hi;
	double km_median_sessions;
	long never_responded; /* eligible, never reached the MCID (censored) */
	long response_lost;   /* eligible, reached the MCID at some session, not at the latest */
};

/*
 * Per-run context: each measure's settings and the SD of its baselines over
 * every course in the database.  Created with stats_ctx_new (which reads the
 * store once), freed with stats_ctx_free.
 */
struct stats_ctx;
struct stats_ctx *stats_ctx_new(struct store *s, struct error *err);
/* The same, handing every course of the store to visit(arg, course) on the
 * way (one pass for what else a run needs from every course). */
struct stats_ctx *stats_ctx_new_visit(struct store *s,
				      void (*visit)(void *arg, const struct store_course *c),
				      void *arg, struct error *err);
void stats_ctx_free(struct stats_ctx *ctx);
const struct stats_settings *stats_ctx_settings(const struct stats_ctx *ctx, size_t m);
/* SD used for the RCI of measure m (configured or from the baselines); NAN if none. */
double stats_ctx_sd(const struct stats_ctx *ctx, size_t m);

/* Course statistics of measure m of course c.  The plateau fit is the one
 * costly part; clinic-level figures do not use it (STATS_NO_PLATEAU). */
enum stats_what { STATS_ALL, STATS_NO_PLATEAU };
void stats_course_compute(const struct stats_ctx *ctx, const struct store_course *c, size_t m,
			  enum stats_what what, struct stats_course *out);

/*
 * Pure functions on arrays, for the course statistics and for tests.
 * s: session numbers, y: scores, n points.
 */
void stats_course_arrays(const double *s, const double *y, size_t n,
			 const struct stats_settings *set, double sd, struct stats_course *out);
/* Plateau fit; 0 with *c, *b, *tau when a sound fit was found, else -1. */
int stats_plateau_fit(const double *s, const double *y, size_t n, double *c, double *b,
		      double *tau);

/* Accumulates courses of one measure (n >= 2) for the clinic table. */
struct stats_acc;
struct stats_acc *stats_acc_new(void);
void stats_acc_add(struct stats_acc *a, const struct stats_course *r);
void stats_acc_finish(const struct stats_acc *a, struct stats_clinic *out);
void stats_acc_free(struct stats_acc *a);
/*
 * A Kaplan-Meier fit held as R's survfit holds it: at each distinct time
 * (ascending), the number at risk, the events, the censored and S(t) just
 * after it.  The clinic chart's steps, its censoring marks and the numbers
 * at risk under it are all read from this one table.
 */
struct stats_km {
	size_t n;     /* distinct times */
	long total;   /* courses in the fit */
	double *time, *surv;
	long *risk, *event, *censor;
};
/* Fits times t with event flags e (1 event, 0 censored); release with stats_km_release. */
void stats_km_fit(const double *t, const int *e, size_t n, struct stats_km *out);
/* The fit of the accumulated eligible courses (sessions to response, or censoring). */
void stats_acc_km(const struct stats_acc *a, struct stats_km *out);
void stats_km_release(struct stats_km *k);
/* Number at risk at time t, as R's summary(fit, times = t): the courses whose
 * time is t or later, so a course that responds at t, or is censored at t
 * (its last scored session is t), is still at risk at t. */
long stats_km_at_risk(const struct stats_km *k, double t);
/* Changes of the accumulated courses, sorted ascending; malloc'd (caller frees). */
size_t stats_acc_changes(const struct stats_acc *a, double **v);
/* The same as runs, in the memory of the distinct changes: k distinct
 * changes ascending, count[i] courses with v[i]; both malloc'd (caller frees). */
size_t stats_acc_change_runs(const struct stats_acc *a, double **v, long **count);

/* The 97.5% quantile of Student's t with df degrees of freedom (for 95% intervals). */
double stats_t_quantile(double df);
/* The upper p quantile of Student's t (P(T > t) = p); NAN when undefined. */
double stats_t_quantile_upper(double p, double df);
/* Two-sided Wilcoxon signed-rank p, normal approximation with tie and
 * continuity correction (R's exact=FALSE, correct=TRUE); NAN when undefined. */
double stats_wilcoxon_p(const double *d, size_t n);
/* Wilson score interval (no continuity correction) for k of n. */
void stats_wilson(long k, long n, double *lo, double *hi);
/* Kaplan-Meier median of times t with event flags e (1 event, 0 censored). */
double stats_km_median(const double *t, const int *e, size_t n);

/* A mean with its 95% t interval (lo, hi NAN when n < 2; mean NAN when n = 0). */
struct stats_mean {
	long n;
	double mean, lo, hi;
};
/* From n values' sum and sum of squares. */
void stats_mean_ci(double n, double sum, double sum2, struct stats_mean *out);
/*
 * Group means adjusted for a covariate: y is regressed on x over all n
 * values (OLS), and the residuals y - slope * (x - mean x) are averaged per
 * group[i] < ngroups, each with its t interval, into out[ngroups].
 */
void stats_group_means(const double *y, const double *x, const size_t *group, size_t n,
		       size_t ngroups, struct stats_mean *out);
/* The same one value at a time, in the memory of the groups: add (group, y,
 * x) as they come, then finish into out[ngroups] (a group never added: n 0). */
struct stats_gmeans;
struct stats_gmeans *stats_gmeans_new(void);
void stats_gmeans_add(struct stats_gmeans *gm, size_t group, double y, double x);
void stats_gmeans_finish(const struct stats_gmeans *gm, size_t ngroups, struct stats_mean *out);
void stats_gmeans_free(struct stats_gmeans *gm);

#endif
