/*
 * stats.c - CONTRACT.md's statistics on GSL.  Every value that the contract
 * leaves undefined is NAN here; nothing divides by zero or feeds GSL a
 * degenerate problem.
 */
#include "stats.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_vector.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EPS 1e-9 /* scores are decimals: compare differences with slack */

struct stats_ctx {
	size_t nmeasures;
	struct stats_settings set[CSVIN_MAX_MEASURES];
	double sd[CSVIN_MAX_MEASURES];
};

/* Settings ------------------------------------------------------------- */

static const char *const measure_keys[] = { "mcid", "reliability", "sd", "cutoff" };
static const char *const measure_defaults[] = { "2", "0.8", "auto", "3" };

/* Splits "measure.key"; returns the key index or -1. */
static int measure_key(const struct store *s, const char *key)
{
	const char *dot = strchr(key, '.');
	size_t i;
	char name[40];
	if (!dot || (size_t)(dot - key) >= sizeof(name))
		return -1;
	memcpy(name, key, (size_t)(dot - key));
	name[dot - key] = '\0';
	if (store_measure_index(s, name) < 0)
		return -1;
	for (i = 0; i < sizeof(measure_keys) / sizeof(measure_keys[0]); i++)
		if (!strcmp(dot + 1, measure_keys[i]))
			return (int)i;
	return -1;
}

static const struct { const char *key, *def; long lo, hi; } int_keys[] = {
	{ "course_gap", "90", 1, 3650 },
	{ "no_response_sessions", "6", 2, 1000 },
	{ "relapse_gap", "21", 1, 3650 },
	{ "settle_seconds", "60", 0, 86400 },
};

const char *stats_config_default(const struct store *s, const char *key)
{
	size_t i;
	int k;
	for (i = 0; i < sizeof(int_keys) / sizeof(int_keys[0]); i++)
		if (!strcmp(key, int_keys[i].key))
			return int_keys[i].def;
	k = measure_key(s, key);
	return k < 0 ? NULL : measure_defaults[k];
}

long stats_config_long(struct store *s, const char *key)
{
	const char *def = stats_config_default(s, key);
	char *v = store_config_get(s, key), *end = NULL;
	long x = v ? strtol(v, &end, 10) : -1;
	if (!v || *end || x < 0)
		x = def ? strtol(def, NULL, 10) : 0;
	free(v);
	return x;
}

static int parse_num(const char *v, double *out)
{
	char *end;
	if (!*v || strchr(v, 'x') || strchr(v, 'X') || strchr(v, 'n') || strchr(v, 'N') ||
	    strchr(v, 'i') || strchr(v, 'I'))
		return -1;
	*out = strtod(v, &end);
	return (*end || !isfinite(*out)) ? -1 : 0;
}

int stats_config_check(const struct store *s, const char *key, const char *value,
		       struct error *err)
{
	size_t i;
	double x;
	int k;
	if (strlen(value) > 32) {
		error_set(err, EXIT_USAGE, NULL, 0, "value for '%s' is too long", key);
		return -1;
	}
	for (i = 0; i < sizeof(int_keys) / sizeof(int_keys[0]); i++) {
		if (strcmp(key, int_keys[i].key) != 0)
			continue;
		{
			char *end;
			long v = strtol(value, &end, 10);
			if (!*value || *end || value[0] == '-' || value[0] == '+' || v < int_keys[i].lo ||
			    v > int_keys[i].hi) {
				error_set(err, EXIT_USAGE, NULL, 0,
					  "'%s' takes a whole number %ld-%ld", key, int_keys[i].lo,
					  int_keys[i].hi);
				return -1;
			}
		}
		return 0;
	}
	k = measure_key(s, key);
	if (k < 0) {
		error_set(err, EXIT_USAGE, NULL, 0,
			  "unknown setting '%s' (see 'symtrend config' for the list)", key);
		return -1;
	}
	if (k == 2 && !strcmp(value, "auto"))
		return 0;
	if (parse_num(value, &x) < 0) {
		error_set(err, EXIT_USAGE, NULL, 0, "'%s' takes a number", key);
		return -1;
	}
	if ((k == 0 && (x <= 0 || x > 10)) || (k == 1 && (x < 0 || x >= 1)) ||
	    (k == 2 && (x <= 0 || x > 10)) || (k == 3 && (x < 0 || x > 10))) {
		static const char *const ranges[] = { "0 < mcid <= 10", "0 <= reliability < 1",
						      "0 < sd <= 10 or 'auto'", "0 <= cutoff <= 10" };
		error_set(err, EXIT_USAGE, NULL, 0, "'%s' out of range (%s)", key, ranges[k]);
		return -1;
	}
	return 0;
}

static double setting(struct store *s, const char *measure, int k)
{
	char key[64], *v;
	double x = NAN;
	snprintf(key, sizeof(key), "%s.%s", measure, measure_keys[k]);
	v = store_config_get(s, key);
	if (!v || parse_num(v, &x) < 0)
		x = (k == 2) ? NAN : strtod(measure_defaults[k], NULL);
	free(v);
	return x;
}

/* Context ---------------------------------------------------------------- */

struct stats_ctx *stats_ctx_new(struct store *s, struct error *err)
{
	struct stats_ctx *ctx = xcalloc(1, sizeof(*ctx));
	struct store_filter f = STORE_FILTER_INIT;
	struct store_iter *it = NULL;
	struct store_course c;
	double sum2[CSVIN_MAX_MEASURES] = { 0 };
	double mean[CSVIN_MAX_MEASURES] = { 0 };
	long cnt[CSVIN_MAX_MEASURES] = { 0 };
	size_t m, i;
	int rc, need_pass = 0;

	memset(&c, 0, sizeof(c));
	ctx->nmeasures = store_measure_count(s);
	for (m = 0; m < ctx->nmeasures; m++) {
		const char *name = store_measure_name(s, m);
		ctx->set[m].mcid = setting(s, name, 0);
		ctx->set[m].reliability = setting(s, name, 1);
		ctx->set[m].sd = setting(s, name, 2);
		ctx->set[m].cutoff = setting(s, name, 3);
		ctx->sd[m] = ctx->set[m].sd;
		if (isnan(ctx->sd[m]))
			need_pass = 1;
	}
	if (!need_pass)
		return ctx;
	/* The RCI's SD is that of the baselines over every course (Welford). */
	if (store_iter_open(s, &f, &it, err) < 0)
		goto fail;
	while ((rc = store_iter_next(it, &c, err)) == 1) {
		for (m = 0; m < ctx->nmeasures; m++) {
			for (i = 0; i < c.n; i++) {
				double y = c.score[i * c.nmeasures + m];
				if (!isnan(y)) {
					double d = y - mean[m];
					cnt[m]++;
					mean[m] += d / (double)cnt[m];
					sum2[m] += d * (y - mean[m]);
					break;
				}
			}
		}
	}
	store_iter_free(it);
	store_course_release(&c);
	if (rc < 0)
		goto fail;
	for (m = 0; m < ctx->nmeasures; m++)
		if (isnan(ctx->sd[m]))
			ctx->sd[m] = cnt[m] >= 2 ? sqrt(sum2[m] / (double)(cnt[m] - 1)) : NAN;
	return ctx;
fail:
	free(ctx);
	return NULL;
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

struct fit_data {
	const double *s, *y;
	size_t n;
};

/* Parameters: x0 = c (plateau), x1 = b (start), x2 = log(tau) so tau > 0. */
static int plateau_f(const gsl_vector *x, void *data, gsl_vector *f)
{
	const struct fit_data *d = data;
	double c = gsl_vector_get(x, 0), b = gsl_vector_get(x, 1);
	double tau = exp(gsl_vector_get(x, 2));
	size_t i;
	for (i = 0; i < d->n; i++)
		gsl_vector_set(f, i, c + (b - c) * exp(-(d->s[i] - 1) / tau) - d->y[i]);
	return GSL_SUCCESS;
}

static int plateau_df(const gsl_vector *x, void *data, gsl_matrix *J)
{
	const struct fit_data *d = data;
	double c = gsl_vector_get(x, 0), b = gsl_vector_get(x, 1);
	double tau = exp(gsl_vector_get(x, 2));
	size_t i;
	for (i = 0; i < d->n; i++) {
		double e = exp(-(d->s[i] - 1) / tau);
		gsl_matrix_set(J, i, 0, 1 - e);
		gsl_matrix_set(J, i, 1, e);
		gsl_matrix_set(J, i, 2, (b - c) * e * (d->s[i] - 1) / tau);
	}
	return GSL_SUCCESS;
}

static int fit_from(const struct fit_data *d, double c0, double b0, double tau0, double *x_out,
		    double *sse, double *var_lt)
{
	const gsl_multifit_nlinear_type *T = gsl_multifit_nlinear_trust;
	gsl_multifit_nlinear_parameters p = gsl_multifit_nlinear_default_parameters();

	/* Three parameters: Cholesky on the normal equations is exact enough and fast. */
	p.solver = gsl_multifit_nlinear_solver_cholesky;
	p.scale = gsl_multifit_nlinear_scale_levenberg;
	gsl_multifit_nlinear_fdf fdf;
	gsl_multifit_nlinear_workspace *w;
	gsl_vector *x = gsl_vector_alloc(3);
	gsl_vector *f;
	int info, status;
	double chisq;
	fdf.f = plateau_f;
	fdf.df = plateau_df;
	fdf.fvv = NULL;
	fdf.n = d->n;
	fdf.p = 3;
	fdf.params = (void *)d;
	gsl_vector_set(x, 0, c0);
	gsl_vector_set(x, 1, b0);
	gsl_vector_set(x, 2, log(tau0));
	w = gsl_multifit_nlinear_alloc(T, &p, d->n, 3);
	gsl_multifit_nlinear_init(x, &fdf, w);
	status = gsl_multifit_nlinear_driver(50, 1e-9, 1e-9, 0.0, NULL, NULL, &info, w);
	f = gsl_multifit_nlinear_residual(w);
	gsl_blas_ddot(f, f, &chisq);
	x_out[0] = gsl_vector_get(w->x, 0);
	x_out[1] = gsl_vector_get(w->x, 1);
	x_out[2] = gsl_vector_get(w->x, 2);
	*sse = chisq;
	{
		/* Variance of log(tau): how well the data pin the curve's pace down. */
		gsl_matrix *J = gsl_multifit_nlinear_jac(w), *cov = gsl_matrix_alloc(3, 3);
		gsl_multifit_nlinear_covar(J, 0.0, cov);
		*var_lt = gsl_matrix_get(cov, 2, 2) * chisq / (double)(d->n - 3);
		gsl_matrix_free(cov);
	}
	gsl_multifit_nlinear_free(w);
	gsl_vector_free(x);
	return status;
}

#define PLATEAU_GRID 32

/*
 * Least squares of y on (1 - e, e), e = exp(-(s - 1) / tau): SSE, c and b.
 * 'e' is scratch of n doubles.  Session numbers are integers, so e is a
 * power of exp(-1 / tau) and one exp per tau is enough.
 */
static double profiled_sse(const double *s, const double *y, size_t n, double tau, double *e,
			   double *c, double *b)
{
	double a11 = 0, a12 = 0, a22 = 0, r1 = 0, r2 = 0, det, sse = 0, q = exp(-1 / tau), pw = 1;
	long at = 1;
	size_t i;
	for (i = 0; i < n; i++) {
		double u;
		for (; at < (long)s[i]; at++)
			pw *= q;
		e[i] = pw;
		u = 1 - pw;
		a11 += u * u;
		a12 += u * pw;
		a22 += pw * pw;
		r1 += u * y[i];
		r2 += pw * y[i];
	}
	det = a11 * a22 - a12 * a12;
	if (!(fabs(det) > 1e-12 * (a11 * a22 + 1e-300)))
		return INFINITY;
	*c = (r1 * a22 - r2 * a12) / det;
	*b = (a11 * r2 - a12 * r1) / det;
	for (i = 0; i < n; i++) {
		double r = *c + (*b - *c) * e[i] - y[i];
		sse += r * r;
	}
	return sse;
}

int stats_plateau_fit(const double *s, const double *y, size_t n, double *c, double *b,
		      double *tau)
{
	struct fit_data d = { s, y, n };
	double x[3], sse = INFINITY, var_lt = INFINITY, span;
	double ymin = y[0], ymax = y[0], lo, hi, grid_best = INFINITY, grid_tau = 1;
	double pc = 0, pb = 0, ebuf[64], *e = ebuf;
	size_t i;
	int k, st, ret = -1;
	gsl_error_handler_t *old;
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
		e = xmalloc(n * sizeof(*e));
	/*
	 * For a fixed tau the model is linear in c and b, so the residual sum of
	 * squares profiled over (c, b) is a cheap function of tau alone.  A log
	 * grid over the admissible taus finds the basin of the global minimum;
	 * gsl_multifit_nlinear then polishes all three parameters from there.
	 */
	lo = log(0.05);
	hi = log(10 * span);
	for (k = 0; k <= PLATEAU_GRID; k++) {
		double t = exp(lo + (hi - lo) * k / PLATEAU_GRID), cc = 0, bb = 0;
		double g = profiled_sse(s, y, n, t, e, &cc, &bb);
		if (g < grid_best) {
			grid_best = g;
			grid_tau = t;
			pc = cc;
			pb = bb;
		}
	}
	if (!isfinite(grid_best))
		goto out;
	old = gsl_set_error_handler_off();
	st = fit_from(&d, pc, pb, grid_tau, x, &sse, &var_lt);
	gsl_set_error_handler(old);
	if (st != GSL_SUCCESS || !isfinite(sse))
		goto out;
	*c = x[0];
	*b = x[1];
	*tau = exp(x[2]);
	/*
	 * A sound plateau: tau identifiable within the observed sessions' reach
	 * (a near-step or a near-straight line is not a plateau), a level on or
	 * near the 0-10 scale, and a pace (log tau) known to within a factor of
	 * e (standard error < 1): a curve fitted to noise is no plateau.
	 */
	if (var_lt < 1.0 && isfinite(*c) && isfinite(*b) && isfinite(*tau) && *tau >= 0.05 &&
	    *tau <= 10 * span && *c >= -5 && *c <= 15)
		ret = 0;
out:
	if (e != ebuf)
		free(e);
	return ret;
}

/* Course statistics ------------------------------------------------------- */

static void course_arrays(const double *s, const double *y, size_t n,
			  const struct stats_settings *set, double sd, int plateau,
			  struct stats_course *o);

void stats_course_arrays(const double *s, const double *y, size_t n,
			 const struct stats_settings *set, double sd, struct stats_course *o)
{
	course_arrays(s, y, n, set, sd, 1, o);
}

static void course_arrays(const double *s, const double *y, size_t n,
			  const struct stats_settings *set, double sd, int plateau,
			  struct stats_course *o)
{
	size_t i;
	o->n = n;
	o->baseline = o->latest = o->change = o->pct_change = NAN;
	o->slope = o->slope_se = o->slope_lo = o->slope_hi = o->slope_p = o->intercept = NAN;
	o->responder = 0;
	o->sessions_to_response = 0;
	o->first_session = o->last_session = 0;
	o->rci = NAN;
	o->reliable_change = o->clinical_category = NULL;
	o->plateau = o->s90 = o->plateau_b = o->plateau_tau = NAN;
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
	for (i = 0; i < n; i++)
		if (o->baseline - y[i] >= set->mcid - EPS) {
			o->sessions_to_response = (int)s[i];
			break;
		}
	if (n >= 3) {
		double c0, c1, cov00, cov01, cov11, sumsq;
		gsl_fit_linear(s, 1, y, 1, n, &c0, &c1, &cov00, &cov01, &cov11, &sumsq);
		o->slope = c1;
		o->intercept = c0;
		o->slope_se = sqrt(cov11);
		if (isfinite(o->slope_se)) {
			double tq = gsl_cdf_tdist_Qinv(0.025, (double)(n - 2));
			o->slope_lo = c1 - tq * o->slope_se;
			o->slope_hi = c1 + tq * o->slope_se;
			/* A perfect fit has no error to test against: p undefined. */
			if (o->slope_se > 1e-12 * (fabs(c1) + 1))
				o->slope_p = 2 * gsl_cdf_tdist_Q(fabs(c1) / o->slope_se, (double)(n - 2));
		} else {
			o->slope_se = NAN;
		}
	}
	if (isfinite(sd) && sd > 0) {
		double sdiff = sqrt(2.0) * sd * sqrt(1 - set->reliability);
		if (sdiff > 0) {
			o->rci = o->change / sdiff;
			if (o->rci <= -1.96) {
				o->reliable_change = "improved";
				o->clinical_category = o->latest <= set->cutoff + EPS ? "recovered" : "improved";
			} else if (o->rci >= 1.96) {
				o->reliable_change = o->clinical_category = "deteriorated";
			} else {
				o->reliable_change = o->clinical_category = "unchanged";
			}
		}
	}
	if (n >= 5 && plateau) {
		double c, b, tau;
		if (stats_plateau_fit(s, y, n, &c, &b, &tau) == 0) {
			o->plateau = c;
			o->plateau_b = b;
			o->plateau_tau = tau;
			o->s90 = 1 + tau * log(10.0);
		}
	}
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
	course_arrays(s, y, n, &ctx->set[m], ctx->sd[m], what == STATS_ALL, out);
	if (s != sbuf) {
		free(s);
		free(y);
	}
}

/* Clinic level ----------------------------------------------------------- */

struct stats_acc {
	size_t n, cap;
	double *base, *latest, *change, *km_t;
	int *km_e;
	long responders;
};

struct stats_acc *stats_acc_new(void)
{
	return xcalloc(1, sizeof(struct stats_acc));
}

void stats_acc_add(struct stats_acc *a, const struct stats_course *r)
{
	size_t cap;
	if (r->n < 2)
		return;
	if (a->n + 1 > a->cap) {
		cap = a->cap;
		a->base = xgrow(a->base, &cap, a->n + 1, sizeof(double));
		cap = a->cap;
		a->latest = xgrow(a->latest, &cap, a->n + 1, sizeof(double));
		cap = a->cap;
		a->change = xgrow(a->change, &cap, a->n + 1, sizeof(double));
		cap = a->cap;
		a->km_t = xgrow(a->km_t, &cap, a->n + 1, sizeof(double));
		cap = a->cap;
		a->km_e = xgrow(a->km_e, &cap, a->n + 1, sizeof(int));
		a->cap = cap;
	}
	a->base[a->n] = r->baseline;
	a->latest[a->n] = r->latest;
	a->change[a->n] = r->change;
	a->km_e[a->n] = r->sessions_to_response > 0;
	a->km_t[a->n] = r->sessions_to_response > 0 ? r->sessions_to_response : r->last_session;
	a->responders += r->responder;
	a->n++;
}

void stats_acc_free(struct stats_acc *a)
{
	if (!a)
		return;
	free(a->base);
	free(a->latest);
	free(a->change);
	free(a->km_t);
	free(a->km_e);
	free(a);
}

static int cmp_abs(const void *pa, const void *pb)
{
	double a = fabs(*(const double *)pa), b = fabs(*(const double *)pb);
	return (a > b) - (a < b);
}

double stats_t_quantile(double df)
{
	return df > 0 ? gsl_cdf_tdist_Qinv(0.025, df) : NAN;
}

double stats_wilcoxon_p(const double *d, size_t n)
{
	double *x = xmalloc((n ? n : 1) * sizeof(*x)), v = 0, ties = 0, z, sigma, nn;
	size_t i, j, k = 0;
	for (i = 0; i < n; i++)
		if (fabs(d[i]) > EPS)
			x[k++] = d[i];
	if (k == 0) {
		free(x);
		return NAN;
	}
	qsort(x, k, sizeof(*x), cmp_abs);
	/* Average ranks over groups of equal |d|. */
	for (i = 0; i < k; i = j) {
		double rank, t;
		for (j = i + 1; j < k && fabs(fabs(x[j]) - fabs(x[i])) < EPS; j++)
			;
		rank = (double)(i + 1 + j) / 2.0;
		t = (double)(j - i);
		ties += t * t * t - t;
		for (size_t q = i; q < j; q++)
			if (x[q] > 0)
				v += rank;
	}
	free(x);
	nn = (double)k;
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
}

struct km_pt {
	double t;
	int e;
};

static int cmp_km(const void *pa, const void *pb)
{
	const struct km_pt *a = pa, *b = pb;
	return (a->t > b->t) - (a->t < b->t);
}

static int cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;
	return (a > b) - (a < b);
}

size_t stats_acc_changes(const struct stats_acc *a, double **v)
{
	*v = xmalloc((a->n ? a->n : 1) * sizeof(**v));
	if (a->n)
		memcpy(*v, a->change, a->n * sizeof(**v));
	qsort(*v, a->n, sizeof(**v), cmp_double);
	return a->n;
}

size_t stats_acc_km_curve(const struct stats_acc *a, double **x, double **s)
{
	struct km_pt *p = xmalloc((a->n ? a->n : 1) * sizeof(*p));
	double surv = 1, at_risk = (double)a->n;
	size_t i, j, k = 0;
	*x = xmalloc((a->n + 1) * sizeof(**x));
	*s = xmalloc((a->n + 1) * sizeof(**s));
	(*x)[k] = 0;
	(*s)[k++] = 1;
	for (i = 0; i < a->n; i++) {
		p[i].t = a->km_t[i];
		p[i].e = a->km_e[i];
	}
	qsort(p, a->n, sizeof(*p), cmp_km);
	for (i = 0; i < a->n; i = j) {
		double d = 0, all = 0;
		for (j = i; j < a->n && p[j].t == p[i].t; j++) {
			d += p[j].e;
			all++;
		}
		if (d > 0) {
			surv *= 1 - d / at_risk;
			(*x)[k] = p[i].t;
			(*s)[k++] = surv;
		}
		at_risk -= all;
	}
	free(p);
	return k;
}

double stats_km_median(const double *t, const int *e, size_t n)
{
	struct km_pt *p = xmalloc((n ? n : 1) * sizeof(*p));
	double surv = 1, at_risk = (double)n, result = NAN;
	size_t i, j;
	for (i = 0; i < n; i++) {
		p[i].t = t[i];
		p[i].e = e[i];
	}
	qsort(p, n, sizeof(*p), cmp_km);
	for (i = 0; i < n; i = j) {
		double d = 0, all = 0;
		for (j = i; j < n && p[j].t == p[i].t; j++) {
			d += p[j].e;
			all++;
		}
		if (d > 0) {
			surv *= 1 - d / at_risk;
			if (fabs(surv - 0.5) < 1e-12) {
				/* S(t) is exactly 0.5 on an interval: its midpoint, as R does. */
				size_t k;
				result = p[i].t;
				for (k = j; k < n; k++)
					if (p[k].e) {
						result = (p[i].t + p[k].t) / 2;
						break;
					}
				break;
			}
			if (surv < 0.5) {
				result = p[i].t;
				break;
			}
		}
		at_risk -= all;
	}
	free(p);
	return result;
}

void stats_acc_finish(const struct stats_acc *a, struct stats_clinic *o)
{
	size_t n = a->n;
	double sd;
	o->courses = (long)n;
	o->mean_baseline = o->mean_latest = o->mean_change = o->change_lo = o->change_hi = NAN;
	o->t_p = o->wilcoxon_p = o->srm = NAN;
	o->responders = a->responders;
	o->responder_rate = o->rate_lo = o->rate_hi = o->km_median_sessions = NAN;
	if (n == 0)
		return;
	o->mean_baseline = gsl_stats_mean(a->base, 1, n);
	o->mean_latest = gsl_stats_mean(a->latest, 1, n);
	o->mean_change = gsl_stats_mean(a->change, 1, n);
	o->responder_rate = (double)a->responders / (double)n;
	stats_wilson(a->responders, (long)n, &o->rate_lo, &o->rate_hi);
	o->km_median_sessions = stats_km_median(a->km_t, a->km_e, n);
	o->wilcoxon_p = stats_wilcoxon_p(a->change, n);
	if (n < 2)
		return;
	sd = gsl_stats_sd_m(a->change, 1, n, o->mean_change);
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
