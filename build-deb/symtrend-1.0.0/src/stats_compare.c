/*
 * stats_compare.c - two groups compared: Welch's t and the two-sample test
 * of proportions, written after R's t.test and prop.test so that the values
 * agree with R (tests/unit/test_stats.c quotes the calls).
 */
#include <math.h>

#include <gsl/gsl_cdf.h>

#include "stats_compare.h"

static void diff_undefined(struct stats_diff *out)
{
	out->diff = out->lo = out->hi = out->p = NAN;
}

static void mean_var(const double *v, size_t n, double *mean, double *var)
{
	double s = 0, ss = 0;
	size_t i;
	for (i = 0; i < n; i++)
		s += v[i];
	*mean = s / (double)n;
	for (i = 0; i < n; i++)
		ss += (v[i] - *mean) * (v[i] - *mean);
	*var = ss / (double)(n - 1);
}

void stats_welch(const double *x, size_t nx, const double *y, size_t ny, struct stats_diff *out)
{
	double mx, vx, my, vy, ax, ay, se, df, t, q;
	diff_undefined(out);
	if (nx < 2 || ny < 2)
		return;
	mean_var(x, nx, &mx, &vx);
	mean_var(y, ny, &my, &vy);
	out->diff = mx - my;
	ax = vx / (double)nx;
	ay = vy / (double)ny;
	se = sqrt(ax + ay);
	if (!(se > 0))
		return; /* no spread: R stops with "data are essentially constant" */
	df = (ax + ay) * (ax + ay) / (ax * ax / (double)(nx - 1) + ay * ay / (double)(ny - 1));
	t = out->diff / se;
	q = gsl_cdf_tdist_Pinv(0.975, df);
	out->lo = out->diff - q * se;
	out->hi = out->diff + q * se;
	out->p = 2 * gsl_cdf_tdist_Q(fabs(t), df);
}

void stats_prop_diff(long k1, long n1, long k2, long n2, struct stats_diff *out)
{
	double p1, p2, p, inv, yates, width, chi = 0, z = gsl_cdf_ugaussian_Pinv(0.975);
	double obs[2][2], n[2];
	int i, j;
	diff_undefined(out);
	if (n1 <= 0 || n2 <= 0 || k1 < 0 || k2 < 0 || k1 > n1 || k2 > n2)
		return;
	p1 = (double)k1 / (double)n1;
	p2 = (double)k2 / (double)n2;
	out->diff = p1 - p2;
	inv = 1.0 / (double)n1 + 1.0 / (double)n2;
	yates = fmin(0.5, fabs(out->diff) / inv);
	width = z * sqrt(p1 * (1 - p1) / (double)n1 + p2 * (1 - p2) / (double)n2) + yates * inv;
	out->lo = fmax(out->diff - width, -1.0);
	out->hi = fmin(out->diff + width, 1.0);
	p = (double)(k1 + k2) / (double)(n1 + n2);
	if (p <= 0 || p >= 1)
		return; /* every course or none responded: no test (R says NaN) */
	n[0] = (double)n1;
	n[1] = (double)n2;
	obs[0][0] = (double)k1, obs[0][1] = (double)(n1 - k1);
	obs[1][0] = (double)k2, obs[1][1] = (double)(n2 - k2);
	for (i = 0; i < 2; i++)
		for (j = 0; j < 2; j++) {
			double e = n[i] * (j == 0 ? p : 1 - p), d = fabs(obs[i][j] - e) - yates;
			chi += d * d / e;
		}
	out->p = gsl_cdf_chisq_Q(chi, 1.0);
}

int stats_diff_significant(const struct stats_diff *d)
{
	return d->p < 0.05; /* NAN compares false */
}
