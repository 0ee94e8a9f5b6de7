/*
 * stats.c - the course statistics of doc/contract.md, on GSL: the run's
 * context (settings, the SD of the baselines), the OLS trend, the RCI's
 * numbers and the plateau fit.  Every value that the contract leaves
 * undefined is NAN here; nothing divides by zero or feeds GSL a degenerate
 * problem.  The clinic's statistics are stats_clinic.c's.
 */
#include "stats.h"

#include "clinic.h"
#include "settings.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_min.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EPS CLINIC_SCORE_EPS

/* Courses with up to this many points take the slope's t quantile from a
 * table: gsl_cdf_tdist_Qinv was a tenth of a clinic report. */
#define TQ_TABLE 64

struct stats_ctx {
	size_t nmeasures;
	struct stats_settings set[CSVIN_MAX_MEASURES];
	double sd[CSVIN_MAX_MEASURES];
	double tq[TQ_TABLE]; /* tq[df]: the 97.5% t quantile, df >= 1 */
};

/* Context ---------------------------------------------------------------- */

struct stats_ctx *stats_ctx_new(struct store *s, struct error *err)
{
	return stats_ctx_new_visit(s, NULL, NULL, err);
}

/* One pass over every course: the SD of the baselines per measure
 * (Welford), and the caller's visit. */
struct baselines {
	size_t nmeasures;
	double sum2[CSVIN_MAX_MEASURES], mean[CSVIN_MAX_MEASURES];
	long cnt[CSVIN_MAX_MEASURES];
	void (*visit)(void *arg, const struct store_course *c);
	void *arg;
};

static int add_baselines(void *arg, const struct store_course *c, struct error *err)
{
	struct baselines *b = arg;
	size_t m, i;
	(void)err;
	if (b->visit)
		b->visit(b->arg, c);
	for (m = 0; m < b->nmeasures; m++)
		for (i = 0; i < c->n; i++) {
			double y = c->score[i * c->nmeasures + m];
			if (!isnan(y)) {
				double d = y - b->mean[m];
				b->cnt[m]++;
				b->mean[m] += d / (double)b->cnt[m];
				b->sum2[m] += d * (y - b->mean[m]);
				break;
			}
		}
	return 0;
}

struct stats_ctx *stats_ctx_new_visit(struct store *s,
				      void (*visit)(void *arg, const struct store_course *c),
				      void *arg, struct error *err)
{
	struct stats_ctx *ctx = xcalloc(1, sizeof(*ctx));
	struct store_filter f = STORE_FILTER_INIT;
	const struct clinic_settings *cs;
	struct baselines b;
	size_t m, i;
	int need_pass = 0;

	memset(&b, 0, sizeof(b));
	for (i = 1; i < TQ_TABLE; i++)
		ctx->tq[i] = gsl_cdf_tdist_Qinv(0.025, (double)i);
	ctx->nmeasures = store_measure_count(s);
	cs = settings_get(s);
	for (m = 0; m < ctx->nmeasures; m++) {
		const struct settings_measure *sm = &cs->m[m];
		ctx->set[m].mcid = sm->mcid;
		ctx->set[m].reliability = sm->reliability;
		ctx->set[m].sd = sm->sd;
		ctx->set[m].cutoff = sm->cutoff;
		ctx->set[m].min_baseline = sm->min_baseline;
		ctx->sd[m] = ctx->set[m].sd;
		if (isnan(ctx->sd[m]))
			need_pass = 1;
	}
	if (!need_pass && !visit)
		return ctx;
	/* The RCI's SD is that of the baselines over every course. */
	b.nmeasures = ctx->nmeasures;
	b.visit = visit;
	b.arg = arg;
	if (store_for_each_course(s, &f, add_baselines, &b, err) < 0) {
		free(ctx);
		return NULL;
	}
	for (m = 0; m < ctx->nmeasures; m++)
		if (isnan(ctx->sd[m]))
			ctx->sd[m] = b.cnt[m] >= 2 ? sqrt(b.sum2[m] / (double)(b.cnt[m] - 1)) : NAN;
	return ctx;
}

void stats_ctx_free(struct stats_ctx *ctx)
{
	free(ctx);
}

const struct stats_settings *stats_ctx_settings(const struct stats_ctx *ctx, size_t m)
{
	return &ctx->set[m];
}

double stats_ctx_sd(const struct stats_ctx *ctx, size_t m)
{
	return ctx->sd[m];
}

/* Plateau fit ---------------------------------------------------------- */

/*
 * For a fixed tau the model y = c + (b - c) e, e = exp(-(s - 1) / tau), is a
 * straight line in e: intercept c, slope b - c.  The fit is therefore a
 * one-dimensional minimisation over log(tau) of the residual sum of squares
 * of that line (profiled least squares), which gives the same optimum as a
 * three-parameter nonlinear fit at a fraction of the cost.
 */
struct profile {
	const double *s, *y;
	double *e; /* scratch: n doubles */
	size_t n;
	double c, b; /* the line at the last tau evaluated */
};

/*
 * SSE of the best line for tau = exp(lt); INFINITY when it is undefined.
 * The least squares of y on e written out (centred sums, then the
 * residuals): this is the inner loop of every fit, and gsl_fit_linear's
 * running means cost a division per point.
 */
static double profile_sse(double lt, void *data)
{
	struct profile *p = data;
	double q = exp(-exp(-lt)), pw = 1, me = 0, my = 0, sxx = 0, sxy = 0, slope, sse = 0;
	long at = 1;
	size_t i;
	/* Session numbers are integers: e is a power of exp(-1 / tau). */
	for (i = 0; i < p->n; i++) {
		for (; at < (long)p->s[i]; at++)
			pw *= q;
		p->e[i] = pw;
		me += pw;
		my += p->y[i];
	}
	if (!(p->e[0] - p->e[p->n - 1] > 1e-12))
		return INFINITY; /* e constant: c and b are not separable */
	me /= (double)p->n;
	my /= (double)p->n;
	for (i = 0; i < p->n; i++) {
		double de = p->e[i] - me;
		sxx += de * de;
		sxy += de * (p->y[i] - my);
	}
	slope = sxy / sxx;
	p->c = my - slope * me;
	p->b = p->c + slope;
	for (i = 0; i < p->n; i++) {
		double r = p->c + slope * p->e[i] - p->y[i];
		sse += r * r;
	}
	return isfinite(sse) ? sse : INFINITY;
}

/*
 * Variance of log(tau) at the optimum, sigma^2 (J'J)^-1 [lt, lt] as nls's
 * vcov gives it: how well the data pin the curve's pace down.  J's columns
 * are the derivatives by c, b and log(tau).
 */
static double var_log_tau(const struct profile *p, double tau, double sse)
{
	double a[3][3] = { { 0 } }, m01, det;
	size_t i;
	int j, k;
	for (i = 0; i < p->n; i++) {
		double e = p->e[i];
		double g[3] = { 1 - e, e, (p->b - p->c) * e * (p->s[i] - 1) / tau };
		for (j = 0; j < 3; j++)
			for (k = 0; k < 3; k++)
				a[j][k] += g[j] * g[k];
	}
	m01 = a[0][0] * a[1][1] - a[0][1] * a[1][0];
	det = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) -
	      a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) +
	      a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
	if (!(det > 1e-12 * a[0][0] * a[1][1] * a[2][2]) || !(m01 > 0))
		return INFINITY; /* singular: log(tau) is not identifiable */
	return m01 / det * sse / (double)(p->n - 3);
}

#define PLATEAU_GRID 24

/* Brent's method on log(tau) inside [lo, hi] around 'mid'; 0 when it converged. */
static int plateau_min(struct profile *p, double lo, double mid, double hi, double fmid,
		       double *lt)
{
	gsl_min_fminimizer *m = gsl_min_fminimizer_alloc(gsl_min_fminimizer_brent);
	gsl_function f = { profile_sse, p };
	int st, it = 0;
	st = gsl_min_fminimizer_set_with_values(m, &f, mid, fmid, lo, profile_sse(lo, p), hi,
						profile_sse(hi, p));
	while (st == GSL_SUCCESS && it++ < 100) {
		st = gsl_min_fminimizer_iterate(m);
		if (st != GSL_SUCCESS)
			break;
		st = gsl_min_test_interval(gsl_min_fminimizer_x_lower(m),
					   gsl_min_fminimizer_x_upper(m), 1e-6, 1e-7);
		if (st == GSL_SUCCESS)
			break;
		if (st == GSL_CONTINUE)
			st = GSL_SUCCESS;
	}
	if (it > 100)
		st = GSL_EMAXITER;
	*lt = gsl_min_fminimizer_x_minimum(m);
	gsl_min_fminimizer_free(m);
	return st == GSL_SUCCESS ? 0 : -1;
}

/*
 * A log grid over the admissible taus, 0.05 to 10 * span, and one step
 * beyond each end, finds the basins of the minima.  When the grid's best
 * point lies beyond an end the least-squares tau is not admissible: -1.
 */
static int plateau_grid(struct profile *p, double lo, double step, double *grid)
{
	double best = INFINITY;
	int k, kbest = 0;
	for (k = 0; k < PLATEAU_GRID + 3; k++) {
		grid[k] = profile_sse(lo + (k - 1) * step, p);
		if (grid[k] < best) {
			best = grid[k];
			kbest = k;
		}
	}
	if (!isfinite(best) || kbest == 0 || kbest == PLATEAU_GRID + 2)
		return -1;
	return 0;
}

/*
 * Brent's method polishes each basin of the grid and the lowest wins (two
 * basins can lie within a hair of each other).  Returns its sum of squares,
 * infinite when none converged; *lt its log tau.
 */
static double plateau_polish(struct profile *p, const double *grid, double lo, double step,
			     double *lt)
{
	double best = INFINITY;
	gsl_error_handler_t *old = gsl_set_error_handler_off();
	int k;
	for (k = 1; k < PLATEAU_GRID + 2; k++) {
		double x, fx;
		if (!(grid[k] < grid[k - 1] && grid[k] < grid[k + 1]))
			continue;
		if (plateau_min(p, lo + (k - 2) * step, lo + (k - 1) * step, lo + k * step, grid[k],
				&x) < 0)
			continue;
		fx = profile_sse(x, p);
		if (fx < best) {
			best = fx;
			*lt = x;
		}
	}
	gsl_set_error_handler(old);
	return best;
}

int stats_plateau_fit(const double *s, const double *y, size_t n, double *c, double *b,
		      double *tau)
{
	double ymin = y[0], ymax = y[0], span, lo, step, lt = 0, sse, ebuf[64];
	double grid[PLATEAU_GRID + 3];
	struct profile p = { s, y, ebuf, n, 0, 0 };
	size_t i;
	int ret = -1;
	if (n < 5)
		return -1;
	for (i = 1; i < n; i++) {
		ymin = y[i] < ymin ? y[i] : ymin;
		ymax = y[i] > ymax ? y[i] : ymax;
	}
	span = s[n - 1] - 1;
	/* Constant scores: no curve to fit, tau is not identifiable. */
	if (ymax - ymin < EPS || span <= 0)
		return -1;
	if (n > sizeof(ebuf) / sizeof(ebuf[0]))
		p.e = xmalloc(n * sizeof(*p.e));
	lo = log(0.05);
	step = (log(10 * span) - lo) / PLATEAU_GRID;
	if (plateau_grid(&p, lo, step, grid) < 0 ||
	    !isfinite(plateau_polish(&p, grid, lo, step, &lt)))
		goto out;
	sse = profile_sse(lt, &p); /* leaves e, c and b at the optimum */
	if (!isfinite(sse))
		goto out;
	*c = p.c;
	*b = p.b;
	*tau = exp(lt);
	/*
	 * A sound plateau: tau identifiable within the observed sessions' reach
	 * (a near-step or a near-straight line is not a plateau), a level on or
	 * near the 0-10 scale, and a pace (log tau) known to within a factor of
	 * e (standard error < 1): a curve fitted to noise is no plateau.
	 */
	if (var_log_tau(&p, *tau, sse) < 1.0 && isfinite(*c) && isfinite(*b) && *tau >= 0.05 &&
	    *tau <= 10 * span && *c >= -5 && *c <= 15)
		ret = 0;
out:
	if (p.e != ebuf)
		free(p.e);
	return ret;
}

/* Course statistics ------------------------------------------------------- */

static void course_arrays(const double *s, const double *y, size_t n,
			  const struct stats_settings *set, double sd, int plateau,
			  const double *tq_table, struct stats_course *o);

void stats_course_arrays(const double *s, const double *y, size_t n,
			 const struct stats_settings *set, double sd, struct stats_course *o)
{
	course_arrays(s, y, n, set, sd, 1, NULL, o);
}

/* tq_table: the t quantiles by df below TQ_TABLE, or NULL. */
/* Every figure unknown (NaN, NULL or 0), as a course with no scores has it. */
static void course_unknown(struct stats_course *o, size_t n)
{
	o->n = n;
	o->baseline = o->latest = o->change = o->pct_change = NAN;
	o->slope = o->slope_se = o->slope_lo = o->slope_hi = o->slope_p = o->intercept = NAN;
	o->responder = 0;
	o->eligible = 0;
	o->sessions_to_response = 0;
	o->first_session = o->last_session = 0;
	o->rci = o->sdiff = NAN;
	o->reliable_change = o->clinical_category = NULL;
	o->plateau = o->s90 = o->plateau_b = o->plateau_tau = NAN;
}

/* The least-squares slope over the sessions, its 95% interval and p (n >= 3). */
static void course_slope(const double *s, const double *y, size_t n, const double *tq_table,
			 struct stats_course *o)
{
	double c0, c1, cov00, cov01, cov11, sumsq;
	gsl_fit_linear(s, 1, y, 1, n, &c0, &c1, &cov00, &cov01, &cov11, &sumsq);
	o->slope = c1;
	o->intercept = c0;
	o->slope_se = sqrt(cov11);
	if (isfinite(o->slope_se)) {
		double tq = tq_table && n - 2 < TQ_TABLE ? tq_table[n - 2]
						       : gsl_cdf_tdist_Qinv(0.025, (double)(n - 2));
		o->slope_lo = c1 - tq * o->slope_se;
		o->slope_hi = c1 + tq * o->slope_se;
		/* A perfect fit has no error to test against: p undefined. */
		if (o->slope_se > 1e-12 * (fabs(c1) + 1))
			o->slope_p = 2 * gsl_cdf_tdist_Q(fabs(c1) / o->slope_se, (double)(n - 2));
	} else {
		o->slope_se = NAN;
	}
}

/* The reliable change index against the measure's sd, and its category. */
static void course_rci(const struct stats_settings *set, double sd, struct stats_course *o)
{
	double sdiff = sqrt(2.0) * sd * sqrt(1 - set->reliability);
	if (!(sdiff > 0))
		return;
	o->sdiff = sdiff;
	o->rci = o->change / sdiff;
	/* What it means (reliable, recovered) is the clinic's rule: outcome_classify. */
}

/* The plateau, when its fit is sound and its level on the scale. */
static void course_plateau(const double *s, const double *y, size_t n, struct stats_course *o)
{
	double c, b, tau;
	/* A level outside the 0-10 scale is no plateau (CONTRACT.md). */
	if (stats_plateau_fit(s, y, n, &c, &b, &tau) == 0 && c >= 0 && c <= 10) {
		o->plateau = c;
		o->plateau_b = b;
		o->plateau_tau = tau;
		o->s90 = 1 + tau * log(10.0);
	}
}

static void course_arrays(const double *s, const double *y, size_t n,
			  const struct stats_settings *set, double sd, int plateau,
			  const double *tq_table, struct stats_course *o)
{
	size_t i;
	course_unknown(o, n);
	if (n == 0)
		return;
	o->first_session = (int)s[0];
	o->last_session = (int)s[n - 1];
	o->baseline = y[0];
	o->latest = y[n - 1];
	o->change = o->latest - o->baseline;
	if (o->baseline != 0)
		o->pct_change = 100 * o->change / o->baseline;
	/* sessions_to_response is a number (when the MCID was first reached);
	 * responder, eligible and the categories are outcome_classify's. */
	for (i = 0; i < n; i++)
		if (o->baseline - y[i] >= set->mcid - EPS) {
			o->sessions_to_response = (int)s[i];
			break;
		}
	if (n >= CLINIC_TREND_MIN)
		course_slope(s, y, n, tq_table, o);
	if (isfinite(sd) && sd > 0)
		course_rci(set, sd, o);
	if (n >= CLINIC_PLATEAU_MIN && plateau)
		course_plateau(s, y, n, o);
}

void stats_course_compute(const struct stats_ctx *ctx, const struct store_course *c, size_t m,
			  enum stats_what what, struct stats_course *out)
{
	double sbuf[256] = { 0 }, ybuf[256] = { 0 }, *s = sbuf, *y = ybuf;
	size_t n;
	if (c->n > 256) {
		s = xmalloc(c->n * sizeof(*s));
		y = xmalloc(c->n * sizeof(*y));
	}
	n = store_course_points(c, m, s, y);
	course_arrays(s, y, n, &ctx->set[m], ctx->sd[m], what == STATS_ALL, ctx->tq, out);
	if (s != sbuf) {
		free(s);
		free(y);
	}
}
