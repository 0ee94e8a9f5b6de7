/*
 * stats.c - the statistics of doc/contract.md, on GSL.  Every value that
 * the contract leaves undefined is NAN here; nothing divides by zero or
 * feeds GSL a degenerate problem.
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

static double measure_setting(struct store *s, const char *measure, const char *what)
{
	char key[64];
	snprintf(key, sizeof(key), "%s.%s", measure, what);
	return settings_number(s, key);
}

struct stats_ctx *stats_ctx_new_visit(struct store *s,
				      void (*visit)(void *arg, const struct store_course *c),
				      void *arg, struct error *err)
{
	struct stats_ctx *ctx = xcalloc(1, sizeof(*ctx));
	struct store_filter f = STORE_FILTER_INIT;
	struct baselines b;
	size_t m, i;
	int need_pass = 0;

	memset(&b, 0, sizeof(b));
	for (i = 1; i < TQ_TABLE; i++)
		ctx->tq[i] = gsl_cdf_tdist_Qinv(0.025, (double)i);
	ctx->nmeasures = store_measure_count(s);
	for (m = 0; m < ctx->nmeasures; m++) {
		const char *name = store_measure_name(s, m);
		ctx->set[m].mcid = measure_setting(s, name, "mcid");
		ctx->set[m].reliability = measure_setting(s, name, "reliability");
		ctx->set[m].sd = measure_setting(s, name, "sd");
		ctx->set[m].cutoff = measure_setting(s, name, "cutoff");
		ctx->set[m].min_baseline = measure_setting(s, name, "min_baseline");
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
	o->rci = NAN;
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
	o->rci = o->change / sdiff;
	/* |RCI| >= 1.96 with the MCID rules' slack in score units: a change of
	 * exactly 1.96 S_diff (7.96 -> 6 with S_diff 1) computes as
	 * 1.9599999999999995 and must count. */
	if (o->change <= -CLINIC_Z95 * sdiff + EPS) {
		o->reliable_change = "improved";
		o->clinical_category = o->latest <= set->cutoff + EPS ? "recovered" : "improved";
	} else if (o->change >= CLINIC_Z95 * sdiff - EPS) {
		o->reliable_change = o->clinical_category = "deteriorated";
	} else {
		o->reliable_change = o->clinical_category = "unchanged";
	}
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
	o->responder = o->baseline - o->latest >= set->mcid - EPS;
	o->eligible = o->baseline >= set->min_baseline - EPS;
	for (i = 0; i < n; i++)
		if (o->baseline - y[i] >= set->mcid - EPS) {
			o->sessions_to_response = (int)s[i];
			break;
		}
	if (n >= 3)
		course_slope(s, y, n, tq_table, o);
	if (isfinite(sd) && sd > 0)
		course_rci(set, sd, o);
	if (n >= 5 && plateau)
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

/* Clinic level ----------------------------------------------------------- */

/*
 * A tally: a multiset of numbers kept as (value, count, events) with each
 * value once.  The clinic figures need every course's change (Wilcoxon's
 * ranks, the waterfall) and time to response (Kaplan-Meier), but scores are
 * written with a decimal or two, so a clinic of any size has a few hundred
 * distinct changes and session numbers: the tally's memory follows those, not
 * the courses.  New values are appended; when the array is full it is
 * sorted and equal values merged, and it grows only if that did not free
 * half of it.
 */
struct tally_pt {
	double v;
	long n, e; /* how many times v was added; of those, how many were events */
};

struct tally {
	struct tally_pt *p;
	size_t n, cap;
};

static int cmp_tally(const void *pa, const void *pb)
{
	double a = ((const struct tally_pt *)pa)->v, b = ((const struct tally_pt *)pb)->v;
	return (a > b) - (a < b);
}

/* Sorts the points by value and merges equal values into one. */
static void tally_compact(struct tally_pt *p, size_t *n)
{
	size_t i, k = 0;
	if (*n < 2)
		return;
	qsort(p, *n, sizeof(*p), cmp_tally);
	for (i = 0; i < *n; i++) {
		if (k > 0 && p[k - 1].v == p[i].v) {
			p[k - 1].n += p[i].n;
			p[k - 1].e += p[i].e;
		} else {
			p[k++] = p[i];
		}
	}
	*n = k;
}

static void tally_add(struct tally *t, double v, int event)
{
	if (t->n == t->cap) {
		tally_compact(t->p, &t->n);
		if (t->n >= t->cap / 2)
			t->p = xgrow(t->p, &t->cap, t->cap < 32 ? 64 : 2 * t->cap, sizeof(*t->p));
	}
	t->p[t->n].v = v;
	t->p[t->n].n = 1;
	t->p[t->n++].e = event != 0;
}

/* The distinct values in ascending order, with their counts: malloc'd. */
static struct tally_pt *tally_sorted(const struct tally *t, size_t *n)
{
	struct tally_pt *p = xmalloc((t->n ? t->n : 1) * sizeof(*p));
	if (t->n)
		memcpy(p, t->p, t->n * sizeof(*p));
	*n = t->n;
	tally_compact(p, n);
	return p;
}

struct stats_acc {
	size_t n;
	/* Running means in the order courses came, as gsl_stats_mean computes them. */
	long double mean_base, mean_latest, mean_change;
	struct tally change;
	/* The eligible courses' sessions to response (events) or censoring: ne <= n. */
	size_t ne;
	struct tally km;
	long responders, never, lost; /* of the eligible courses */
};

struct stats_acc *stats_acc_new(void)
{
	return xcalloc(1, sizeof(struct stats_acc));
}

void stats_acc_add(struct stats_acc *a, const struct stats_course *r)
{
	if (r->n < 2)
		return;
	a->n++;
	a->mean_base += (r->baseline - a->mean_base) / a->n;
	a->mean_latest += (r->latest - a->mean_latest) / a->n;
	a->mean_change += (r->change - a->mean_change) / a->n;
	tally_add(&a->change, r->change, 0);
	/* Response figures count only where the symptom was there to improve. */
	if (!r->eligible)
		return;
	tally_add(&a->km, r->sessions_to_response > 0 ? r->sessions_to_response : r->last_session,
		  r->sessions_to_response > 0);
	a->ne++;
	a->responders += r->responder;
	a->never += r->sessions_to_response == 0;
	a->lost += r->sessions_to_response > 0 && !r->responder;
}

void stats_acc_free(struct stats_acc *a)
{
	if (!a)
		return;
	free(a->change.p);
	free(a->km.p);
	free(a);
}

double stats_t_quantile(double df)
{
	return df > 0 ? gsl_cdf_tdist_Qinv(0.025, df) : NAN;
}

double stats_t_quantile_upper(double p, double df)
{
	return df > 0 && p > 0 && p < 1 ? gsl_cdf_tdist_Qinv(p, df) : NAN;
}


/*
 * Wilcoxon's p from the distinct |d| > EPS in ascending order, each with its
 * count (n) and how many of those were positive (e): ranks are averaged
 * over runs of |d| within EPS of the run's first, as over the sorted values.
 */
static double wilcoxon_abs(const struct tally_pt *x, size_t k)
{
	double v = 0, ties = 0, before = 0, z, sigma, nn;
	size_t i, j;
	for (i = 0; i < k; i = j) {
		double cnt = 0, pos = 0, rank;
		for (j = i; j < k && x[j].v - x[i].v < EPS; j++) {
			cnt += (double)x[j].n;
			pos += (double)x[j].e;
		}
		rank = (2 * before + 1 + cnt) / 2.0;
		ties += cnt * cnt * cnt - cnt;
		v += rank * pos;
		before += cnt;
	}
	if (before == 0)
		return NAN;
	nn = before;
	z = v - nn * (nn + 1) / 4;
	sigma = sqrt(nn * (nn + 1) * (2 * nn + 1) / 24 - ties / 48);
	if (!(sigma > 0))
		return NAN;
	z = (z - (z > 0 ? 0.5 : z < 0 ? -0.5 : 0)) / sigma;
	{
		double p = 2 * (z < 0 ? gsl_cdf_ugaussian_P(z) : gsl_cdf_ugaussian_Q(z));
		return p > 1 ? 1 : p;
	}
}

/* Wilcoxon's p of a tally of differences: folded to |d|, zeros dropped. */
static double wilcoxon_tally(const struct tally *t)
{
	struct tally_pt *x = xmalloc((t->n ? t->n : 1) * sizeof(*x));
	size_t i, k = 0;
	double p;
	for (i = 0; i < t->n; i++)
		if (fabs(t->p[i].v) > EPS) {
			x[k].v = fabs(t->p[i].v);
			x[k].n = t->p[i].n;
			x[k++].e = t->p[i].v > 0 ? t->p[i].n : 0;
		}
	tally_compact(x, &k);
	p = wilcoxon_abs(x, k);
	free(x);
	return p;
}

double stats_wilcoxon_p(const double *d, size_t n)
{
	struct tally t = { NULL, 0, 0 };
	size_t i;
	double p;
	for (i = 0; i < n; i++)
		tally_add(&t, d[i], 0);
	p = wilcoxon_tally(&t);
	free(t.p);
	return p;
}

void stats_wilson(long k, long n, double *lo, double *hi)
{
	double p, z, z2, den, centre, half;
	if (n <= 0) {
		*lo = *hi = NAN;
		return;
	}
	p = (double)k / (double)n;
	z = gsl_cdf_ugaussian_Qinv(0.025);
	z2 = z * z;
	den = 1 + z2 / (double)n;
	centre = (p + z2 / (2.0 * (double)n)) / den;
	half = z * sqrt(p * (1 - p) / (double)n + z2 / (4.0 * (double)n * (double)n)) / den;
	*lo = centre - half < 0 ? 0 : centre - half;
	*hi = centre + half > 1 ? 1 : centre + half;
	/* Exactly 0 (1) when none (all) responded, not a rounding residue like 2.8e-17. */
	if (k == 0)
		*lo = 0;
	if (k == n)
		*hi = 1;
}


/*
 * Kaplan-Meier median from the distinct times in ascending order, each with
 * its count (n) and events (e), of `total` times in all.
 */
static double km_median_sorted(const struct tally_pt *p, size_t k, double total)
{
	double surv = 1, at_risk = total;
	size_t i, j;
	for (i = 0; i < k; i++) {
		double d = (double)p[i].e;
		if (d > 0) {
			surv *= 1 - d / at_risk;
			if (fabs(surv - 0.5) < 1e-12) {
				/* S(t) is exactly 0.5 on an interval: its midpoint, as R does. */
				for (j = i + 1; j < k; j++)
					if (p[j].e)
						return (p[i].v + p[j].v) / 2;
				return p[i].v;
			}
			if (surv < 0.5)
				return p[i].v;
		}
		at_risk -= (double)p[i].n;
	}
	return NAN;
}

double stats_km_median(const double *t, const int *e, size_t n)
{
	struct tally tl = { NULL, 0, 0 };
	struct tally_pt *p;
	size_t i, k;
	double result;
	for (i = 0; i < n; i++)
		tally_add(&tl, t[i], e[i]);
	p = tally_sorted(&tl, &k);
	result = km_median_sorted(p, k, (double)n);
	free(p);
	free(tl.p);
	return result;
}

size_t stats_acc_change_runs(const struct stats_acc *a, double **v, long **count)
{
	size_t i, k;
	struct tally_pt *p = tally_sorted(&a->change, &k);
	*v = xmalloc((k ? k : 1) * sizeof(**v));
	*count = xmalloc((k ? k : 1) * sizeof(**count));
	for (i = 0; i < k; i++) {
		(*v)[i] = p[i].v;
		(*count)[i] = p[i].n;
	}
	free(p);
	return k;
}

size_t stats_acc_changes(const struct stats_acc *a, double **v)
{
	struct tally_pt *p;
	size_t i, k, out = 0;
	long c;
	*v = xmalloc((a->n ? a->n : 1) * sizeof(**v));
	p = tally_sorted(&a->change, &k);
	for (i = 0; i < k; i++)
		for (c = 0; c < p[i].n; c++)
			(*v)[out++] = p[i].v;
	free(p);
	return out;
}

/* The fit from the distinct times in ascending order with their counts
 * (n) and events (e), of 'total' times in all. */
static void km_fit_sorted(const struct tally_pt *p, size_t k, long total, struct stats_km *out)
{
	double surv = 1;
	long at_risk = total;
	size_t i;
	out->n = k;
	out->total = total;
	out->time = xmalloc((k ? k : 1) * sizeof(*out->time));
	out->surv = xmalloc((k ? k : 1) * sizeof(*out->surv));
	out->risk = xmalloc((k ? k : 1) * sizeof(*out->risk));
	out->event = xmalloc((k ? k : 1) * sizeof(*out->event));
	out->censor = xmalloc((k ? k : 1) * sizeof(*out->censor));
	for (i = 0; i < k; i++) {
		surv *= 1 - (double)p[i].e / (double)at_risk;
		out->time[i] = p[i].v;
		out->surv[i] = surv;
		out->risk[i] = at_risk;
		out->event[i] = p[i].e;
		out->censor[i] = p[i].n - p[i].e;
		at_risk -= p[i].n;
	}
}

void stats_km_fit(const double *t, const int *e, size_t n, struct stats_km *out)
{
	struct tally tl = { NULL, 0, 0 };
	struct tally_pt *p;
	size_t i, k;
	for (i = 0; i < n; i++)
		tally_add(&tl, t[i], e[i]);
	p = tally_sorted(&tl, &k);
	km_fit_sorted(p, k, (long)n, out);
	free(p);
	free(tl.p);
}

void stats_acc_km(const struct stats_acc *a, struct stats_km *out)
{
	size_t k;
	struct tally_pt *p = tally_sorted(&a->km, &k);
	km_fit_sorted(p, k, (long)a->ne, out);
	free(p);
}

void stats_km_release(struct stats_km *k)
{
	free(k->time);
	free(k->surv);
	free(k->risk);
	free(k->event);
	free(k->censor);
	memset(k, 0, sizeof(*k));
}

long stats_km_at_risk(const struct stats_km *k, double t)
{
	size_t i;
	for (i = 0; i < k->n; i++)
		if (k->time[i] >= t)
			return k->risk[i];
	return 0;
}

/* The SD of the changes about their mean, as gsl_stats_sd_m (n >= 2). */
static double change_sd(const struct tally_pt *p, size_t k, size_t n, double mean)
{
	long double var = 0;
	size_t i;
	for (i = 0; i < k; i++) {
		long double delta = p[i].v - mean;
		var += (long double)p[i].n * delta * delta;
	}
	return sqrt((double)(var / (long double)n) * ((double)n / (double)(n - 1)));
}

void stats_acc_finish(const struct stats_acc *a, struct stats_clinic *o)
{
	size_t n = a->n, k;
	struct tally_pt *p;
	double sd;
	o->courses = (long)n;
	o->mean_baseline = o->mean_latest = o->mean_change = o->change_lo = o->change_hi = NAN;
	o->t_p = o->wilcoxon_p = o->srm = NAN;
	o->eligible = (long)a->ne;
	o->responders = a->responders;
	o->never_responded = a->never;
	o->response_lost = a->lost;
	o->responder_rate = o->rate_lo = o->rate_hi = o->km_median_sessions = NAN;
	if (a->ne > 0) {
		o->responder_rate = (double)a->responders / (double)a->ne;
		stats_wilson(a->responders, (long)a->ne, &o->rate_lo, &o->rate_hi);
		p = tally_sorted(&a->km, &k);
		o->km_median_sessions = km_median_sorted(p, k, (double)a->ne);
		free(p);
	}
	if (n == 0)
		return;
	o->mean_baseline = (double)a->mean_base;
	o->mean_latest = (double)a->mean_latest;
	o->mean_change = (double)a->mean_change;
	o->wilcoxon_p = wilcoxon_tally(&a->change);
	if (n < 2)
		return;
	p = tally_sorted(&a->change, &k);
	sd = change_sd(p, k, n, o->mean_change);
	free(p);
	if (sd > EPS * (fabs(o->mean_change) + 1)) {
		double se = sd / sqrt((double)n);
		double tq = gsl_cdf_tdist_Qinv(0.025, (double)(n - 1));
		o->change_lo = o->mean_change - tq * se;
		o->change_hi = o->mean_change + tq * se;
		o->t_p = 2 * gsl_cdf_tdist_Q(fabs(o->mean_change) / se, (double)(n - 1));
		o->srm = o->mean_change / sd;
	}
	/* Every course changed by the same amount: no interval, no test (R refuses too). */
}

/* Means and group means ---------------------------------------------------- */

void stats_mean_ci(double n, double sum, double sum2, struct stats_mean *out)
{
	out->n = (long)n;
	out->mean = n > 0 ? sum / n : NAN;
	out->lo = out->hi = NAN;
	if (n >= 2) {
		double sd = sqrt(fmax(0, (sum2 - n * out->mean * out->mean) / (n - 1)));
		double half = stats_t_quantile(n - 1) * sd / sqrt(n);
		out->lo = out->mean - half;
		out->hi = out->mean + half;
	}
}

/*
 * Group means adjusted for a covariate, one value at a time: each group
 * keeps its count, means and co-moments (Welford), the pooled regression
 * comes from combining the groups (Chan et al.), so the memory is the
 * groups', not the values'.  The residuals' mean and spread in a group
 * follow from its moments: r = y - slope (x - mean x).
 */
struct gmoments {
	double n, mx, my, cxx, cxy, cyy;
};

struct stats_gmeans {
	struct gmoments *g;
	size_t n, cap;
};

struct stats_gmeans *stats_gmeans_new(void)
{
	return xcalloc(1, sizeof(struct stats_gmeans));
}

void stats_gmeans_free(struct stats_gmeans *gm)
{
	if (!gm)
		return;
	free(gm->g);
	free(gm);
}

void stats_gmeans_add(struct stats_gmeans *gm, size_t group, double y, double x)
{
	struct gmoments *g;
	double dx, dy;
	if (group >= gm->n) {
		gm->g = xgrow(gm->g, &gm->cap, group + 1, sizeof(*gm->g));
		memset(gm->g + gm->n, 0, (group + 1 - gm->n) * sizeof(*gm->g));
		gm->n = group + 1;
	}
	g = &gm->g[group];
	g->n++;
	dx = x - g->mx;
	dy = y - g->my;
	g->mx += dx / g->n;
	g->my += dy / g->n;
	g->cxx += dx * (x - g->mx);
	g->cxy += dx * (y - g->my);
	g->cyy += dy * (y - g->my);
}

void stats_gmeans_finish(const struct stats_gmeans *gm, size_t ngroups, struct stats_mean *out)
{
	double n = 0, mx = 0, sxx = 0, sxy = 0, my = 0, slope = 0;
	size_t k;
	for (k = 0; k < gm->n; k++) {
		const struct gmoments *g = &gm->g[k];
		double nn = n + g->n, dx = g->mx - mx, dy = g->my - my;
		if (g->n == 0)
			continue;
		mx += dx * g->n / nn;
		my += dy * g->n / nn;
		sxx += g->cxx + dx * dx * n * g->n / nn;
		sxy += g->cxy + dx * dy * n * g->n / nn;
		n = nn;
	}
	if (sxx > 0)
		slope = sxy / sxx;
	for (k = 0; k < ngroups; k++) {
		const struct gmoments *g = k < gm->n ? &gm->g[k] : NULL;
		out[k].n = g ? (long)g->n : 0;
		out[k].mean = out[k].lo = out[k].hi = NAN;
		if (!g || g->n == 0)
			continue;
		out[k].mean = g->my - slope * (g->mx - mx);
		if (g->n >= 2) {
			double ss = fmax(0, g->cyy - 2 * slope * g->cxy + slope * slope * g->cxx);
			double half = stats_t_quantile(g->n - 1) * sqrt(ss / (g->n - 1)) / sqrt(g->n);
			out[k].lo = out[k].mean - half;
			out[k].hi = out[k].mean + half;
		}
	}
}

void stats_group_means(const double *y, const double *x, const size_t *group, size_t n,
		       size_t ngroups, struct stats_mean *out)
{
	struct stats_gmeans *gm = stats_gmeans_new();
	size_t i;
	for (i = 0; i < n; i++)
		stats_gmeans_add(gm, group[i], y[i], x[i]);
	stats_gmeans_finish(gm, ngroups, out);
	stats_gmeans_free(gm);
}
