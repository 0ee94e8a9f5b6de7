/*
 * model.h - the clinic's expected recovery: per measure, a linear mixed
 * model of score on log(session_no) with a correlated random intercept and
 * slope per course, fitted by REML as lme4 does it (the profiled REML
 * criterion over the relative covariance factor theta, minimised with
 * gsl_multimin).  Owns the fit and each course's conditional modes.
 *
 * Courses enter only through sufficient statistics (sums over their
 * sessions), so a fit needs memory for one 2x2 block per course and each
 * evaluation of the criterion costs O(courses), whatever the sessions.
 */
#ifndef SYMTREND_MODEL_H
#define SYMTREND_MODEL_H

#include <stddef.h>

#include "util.h"

/* Sums of one course over its scored sessions, x = log(session_no). */
struct model_group {
	double n, sx, sxx, sy, sxy, syy;
};

/*
 * The courses of one fit, summed by design: courses with the same session
 * numbers share one entry (model.c), so the data of a fit take memory for
 * its designs (a few hundred), not for its courses.
 */
struct model_design;
struct model_data {
	struct model_design *d;
	size_t ndesigns, cap;
	size_t *slot, nslot;   /* hash index into d: 1 + index, 0 empty */
	size_t ngroups;        /* courses */
	double nobs, XtX[3], Xty[2], yty;
};

struct model_fit {
	long groups, nobs;
	double beta[2], beta_se[2], beta_lo[2], beta_hi[2]; /* intercept, log(session) */
	double sd_intercept, sd_slope, corr, sigma;
	double reml;     /* REML criterion at the optimum (lme4's REMLcrit) */
	double theta[3]; /* lower-triangular relative covariance factor */
	int converged;   /* 0: too few courses or no convergence, numbers NAN */
};

/* Adds one course's (x, y) points; courses with fewer than 1 point are skipped. */
void model_add_course(struct model_data *d, const double *session_no, const double *y, size_t n);
void model_data_release(struct model_data *d);

/* Fits; 0 with f->converged set, -1 when there is nothing to fit (f has NANs).
 * 'start' is theta to start from (NULL: lme4's (1, 0, 1)); a related fit's
 * optimum, such as the clinic's for an indication, saves iterations. */
int model_fit_reml(const struct model_data *d, const double *start, struct model_fit *f);

/*
 * The conditional mode of one course's random effects given the fit, with
 * its conditional SD: b[0] intercept, b[1] slope (per log session).
 */
void model_course_effect(const struct model_fit *f, const struct model_group *g, double b[2],
			 double sd[2]);
/* Sums of one course, for model_course_effect. */
struct model_group model_group_of(const double *session_no, const double *y, size_t n);

/*
 * The expected course of every measure for the whole clinic and for each
 * group of courses (an indication): courses are added group by group, then
 * fitted once.  A group with fewer than min_courses courses has no fit of
 * its own and is given the clinic's.
 */
struct model_set;
struct model_set *model_set_new(size_t nmeasures);
void model_set_free(struct model_set *ms);
/* Starts a course of 'group'; returns the group's index for model_set_add. */
size_t model_set_course(struct model_set *ms, const char *group);
/* Adds the current course's points of measure m to its group and the clinic. */
void model_set_add(struct model_set *ms, size_t group, size_t m, const double *session_no,
		   const double *y, size_t n);
void model_set_fit(struct model_set *ms, long min_courses);
/* The fit for measure m of 'group' (NULL: the clinic's); NULL when none. */
const struct model_fit *model_set_for(const struct model_set *ms, size_t m, const char *group);

#endif
