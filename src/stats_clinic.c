/*
 * stats_clinic.c - the clinic's statistics of doc/contract.md, on GSL: the
 * per-measure accumulation of courses (tallies of changes and times to
 * response), the paired t and Wilcoxon tests, the SRM, Wilson intervals,
 * Kaplan-Meier fits and medians, means and baseline-adjusted group means.
 * Every value the contract leaves undefined is NAN.  The course statistics
 * are stats.c's.
 */
#include "stats.h"

#include "clinic.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EPS CLINIC_SCORE_EPS

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
