/*
 * model.c - REML fit of y ~ log(s) + (log(s) | course), see model.h.
 *
 * With Lambda the lower-triangular factor [t0 0; t1 t2] and, per course,
 * S = Z'Z = X'X (the fixed and random design share the columns 1 and
 * log s), the penalised least-squares system decouples into 2x2 blocks:
 *   A_i = Lambda' S_i Lambda + I = L_i L_i'
 *   R_ZX_i = L_i^-1 Lambda' S_i,   c_i = L_i^-1 Lambda' Z_i'y
 *   R_X'R_X = X'X - sum R_ZX_i' R_ZX_i,  beta from R_X'R_X beta = X'y - sum R_ZX_i' c_i
 *   r2 = y'y - sum |c_i|^2 - beta'(X'y - sum R_ZX_i' c_i)
 * and the profiled REML criterion is
 *   d(theta) = 2 sum log|L_i| + 2 log|R_X| + (n - 2) (1 + log(2 pi r2 / (n - 2))).
 */
#include "model.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct model_group model_group_of(const double *s, const double *y, size_t n)
{
	struct model_group g;
	size_t i;
	memset(&g, 0, sizeof(g));
	for (i = 0; i < n; i++) {
		double x = log(s[i]);
		g.n += 1;
		g.sx += x;
		g.sxx += x * x;
		g.sy += y[i];
		g.sxy += x * y[i];
		g.syy += y[i] * y[i];
	}
	return g;
}

/* Courses with one design: its (n, sum log s, sum log^2 s), and sums over the courses. */
struct model_design {
	double n, sx, sxx;       /* the design, shared */
	double k;                /* courses with it */
	double sy, sxy;          /* sums over those courses */
	double qyy, qyx, qxx;    /* sums of sy^2, sy*sxy, sxy^2 */
};

static size_t design_hash(const struct model_group *g)
{
	unsigned long long h = 1469598103934665603ULL, w[3];
	size_t i;
	memcpy(&w[0], &g->n, sizeof(w[0]));
	memcpy(&w[1], &g->sx, sizeof(w[1]));
	memcpy(&w[2], &g->sxx, sizeof(w[2]));
	for (i = 0; i < 3; i++)
		h = (h ^ w[i]) * 1099511628211ULL;
	return (size_t)(h ^ (h >> 29));
}

/* The design entry of g's session numbers, added when new. */
static struct model_design *design_of(struct model_data *d, const struct model_group *g)
{
	size_t i, h;
	if (2 * (d->ndesigns + 1) > d->nslot) {
		free(d->slot);
		d->nslot = d->nslot ? 2 * d->nslot : 64;
		d->slot = xcalloc(d->nslot, sizeof(*d->slot));
		for (i = 0; i < d->ndesigns; i++) {
			struct model_group x = { d->d[i].n, d->d[i].sx, d->d[i].sxx, 0, 0, 0 };
			for (h = design_hash(&x) & (d->nslot - 1); d->slot[h]; h = (h + 1) & (d->nslot - 1))
				;
			d->slot[h] = i + 1;
		}
	}
	for (h = design_hash(g) & (d->nslot - 1); d->slot[h]; h = (h + 1) & (d->nslot - 1)) {
		struct model_design *e = &d->d[d->slot[h] - 1];
		if (e->n == g->n && e->sx == g->sx && e->sxx == g->sxx)
			return e;
	}
	d->d = xgrow(d->d, &d->cap, d->ndesigns + 1, sizeof(*d->d));
	d->slot[h] = ++d->ndesigns;
	memset(&d->d[d->ndesigns - 1], 0, sizeof(*d->d));
	d->d[d->ndesigns - 1].n = g->n;
	d->d[d->ndesigns - 1].sx = g->sx;
	d->d[d->ndesigns - 1].sxx = g->sxx;
	return &d->d[d->ndesigns - 1];
}

void model_add_course(struct model_data *d, const double *s, const double *y, size_t n)
{
	struct model_group g;
	struct model_design *e;
	if (n == 0)
		return;
	g = model_group_of(s, y, n);
	e = design_of(d, &g);
	e->k += 1;
	e->sy += g.sy;
	e->sxy += g.sxy;
	e->qyy += g.sy * g.sy;
	e->qyx += g.sy * g.sxy;
	e->qxx += g.sxy * g.sxy;
	d->ngroups++;
	d->nobs += g.n;
	d->XtX[0] += g.n;
	d->XtX[1] += g.sx;
	d->XtX[2] += g.sxx;
	d->Xty[0] += g.sy;
	d->Xty[1] += g.sxy;
	d->yty += g.syy;
}

void model_data_release(struct model_data *d)
{
	free(d->d);
	free(d->slot);
	memset(d, 0, sizeof(*d));
}

/* 2x2 symmetric [a b; b c] Cholesky: L = [l11 0; l21 l22]; -1 if not positive. */
static int chol2(double a, double b, double c, double *l11, double *l21, double *l22)
{
	if (!(a > 0))
		return -1;
	*l11 = sqrt(a);
	*l21 = b / *l11;
	c -= *l21 * *l21;
	if (!(c > 0))
		return -1;
	*l22 = sqrt(c);
	return 0;
}

struct pls {
	double beta[2], r2, ldL, ldRX, M[3]; /* M = R_X'R_X as [m11 m12 m22] */
};

/* Designs in a fixed order (by n, sx, sxx), so a fit's sums do not depend
 * on the order the courses came in. */
static int cmp_design(const void *pa, const void *pb)
{
	const struct model_design *a = pa, *b = pb;
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	if (a->sx != b->sx)
		return a->sx < b->sx ? -1 : 1;
	return (a->sxx > b->sxx) - (a->sxx < b->sxx);
}

/* Solves the PLS problem at theta; -1 when it is singular. */
static int pls_solve(const struct model_data *ds, const double *th, struct pls *p)
{
	double cc = 0, M[3], rhs[2], l11, l21, l22, det;
	double t0 = th[0], t1 = th[1], t2 = th[2];
	size_t i;
	p->ldL = 0;
	memset(M, 0, sizeof(M));
	rhs[0] = rhs[1] = 0;
	for (i = 0; i < ds->ndesigns; i++) {
		const struct model_design *g = &ds->d[i];
		/* S = [n sx; sx sxx]; Lambda = [t0 0; t1 t2]; T = Lambda' S. */
		double T00 = t0 * g->n + t1 * g->sx, T01 = t0 * g->sx + t1 * g->sxx;
		double T10 = t2 * g->sx, T11 = t2 * g->sxx;
		/* A = T Lambda + I */
		double A00 = T00 * t0 + T01 * t1 + 1, A01 = T01 * t2, A11 = T11 * t2 + 1;
		double a00, a01, a10, a11, e00, e01, e10, e11;
		if (chol2(A00, A01, A11, &l11, &l21, &l22) < 0)
			return -1;
		p->ldL += g->k * log(l11 * l22);
		/* R_ZX = L^-1 T (2x2), the same for the design's courses */
		a00 = T00 / l11;
		a01 = T01 / l11;
		a10 = (T10 - l21 * a00) / l22;
		a11 = (T11 - l21 * a01) / l22;
		M[0] += g->k * (a00 * a00 + a10 * a10);
		M[1] += g->k * (a00 * a01 + a10 * a11);
		M[2] += g->k * (a01 * a01 + a11 * a11);
		/* c = L^-1 Lambda' (sy, sxy)' = E (sy, sxy)' for each course */
		e00 = t0 / l11;
		e01 = t1 / l11;
		e10 = -l21 * e00 / l22;
		e11 = (t2 - l21 * e01) / l22;
		{
			/* sum of c = E (sum sy, sum sxy)'; sum |c|^2 from the products */
			double s0 = e00 * g->sy + e01 * g->sxy, s1 = e10 * g->sy + e11 * g->sxy;
			rhs[0] += a00 * s0 + a10 * s1;
			rhs[1] += a01 * s0 + a11 * s1;
			cc += (e00 * e00 + e10 * e10) * g->qyy + 2 * (e00 * e01 + e10 * e11) * g->qyx +
			      (e01 * e01 + e11 * e11) * g->qxx;
		}
	}
	M[0] = ds->XtX[0] - M[0];
	M[1] = ds->XtX[1] - M[1];
	M[2] = ds->XtX[2] - M[2];
	rhs[0] = ds->Xty[0] - rhs[0];
	rhs[1] = ds->Xty[1] - rhs[1];
	det = M[0] * M[2] - M[1] * M[1];
	if (!(det > 0) || chol2(M[0], M[1], M[2], &l11, &l21, &l22) < 0)
		return -1;
	p->ldRX = log(l11) + log(l22);
	p->beta[0] = (M[2] * rhs[0] - M[1] * rhs[1]) / det;
	p->beta[1] = (M[0] * rhs[1] - M[1] * rhs[0]) / det;
	p->r2 = ds->yty - cc - (p->beta[0] * rhs[0] + p->beta[1] * rhs[1]);
	memcpy(p->M, M, sizeof(M));
	return p->r2 > 0 ? 0 : -1;
}

struct crit_arg {
	const struct model_data *d;
	double n;
};

static double reml_crit(const gsl_vector *v, void *arg)
{
	const struct crit_arg *a = arg;
	double th[3] = { gsl_vector_get(v, 0), gsl_vector_get(v, 1), gsl_vector_get(v, 2) };
	struct pls p;
	double df = a->n - 2;
	if (pls_solve(a->d, th, &p) < 0)
		return GSL_POSINF;
	return 2 * p.ldL + 2 * p.ldRX + df * (1 + log(2 * M_PI * p.r2 / df));
}

static void nan_fit(struct model_fit *f)
{
	int i;
	for (i = 0; i < 2; i++)
		f->beta[i] = f->beta_se[i] = f->beta_lo[i] = f->beta_hi[i] = NAN;
	f->sd_intercept = f->sd_slope = f->corr = f->sigma = f->reml = NAN;
	f->theta[0] = f->theta[1] = f->theta[2] = NAN;
	f->converged = 0;
}

/* One Nelder-Mead run from 'start'; returns the criterion, best theta in x. */
static double minimise(struct crit_arg *a, const double *start, double step, double *x, int *ok)
{
	const gsl_multimin_fminimizer_type *T = gsl_multimin_fminimizer_nmsimplex2;
	gsl_multimin_fminimizer *m = gsl_multimin_fminimizer_alloc(T, 3);
	gsl_vector *v = gsl_vector_alloc(3), *ss = gsl_vector_alloc(3);
	gsl_multimin_function fn;
	int it, status = GSL_CONTINUE;
	double best;
	fn.n = 3;
	fn.f = reml_crit;
	fn.params = a;
	for (it = 0; it < 3; it++)
		gsl_vector_set(v, (size_t)it, start[it]);
	gsl_vector_set_all(ss, step);
	gsl_multimin_fminimizer_set(m, &fn, v, ss);
	for (it = 0; it < 5000 && status == GSL_CONTINUE; it++) {
		if (gsl_multimin_fminimizer_iterate(m))
			break;
		status = gsl_multimin_test_size(gsl_multimin_fminimizer_size(m), 1e-7);
	}
	*ok = status == GSL_SUCCESS;
	for (it = 0; it < 3; it++)
		x[it] = gsl_vector_get(m->x, (size_t)it);
	best = m->fval;
	gsl_multimin_fminimizer_free(m);
	gsl_vector_free(v);
	gsl_vector_free(ss);
	return best;
}

/*
 * The REML optimum: Nelder-Mead from 'from' (a previous fit's theta, when
 * finite) or from (1, 0, 1), then again from its optimum, since Nelder-Mead
 * can stall on a ridge; the lower wins.  Returns its criterion; th and *ok
 * its theta and whether it converged.
 */
static double reml_optimum(struct crit_arg *a, const double *from, double *th, int *ok)
{
	double th2[3], start[3] = { 1, 0, 1 }, v1, v2;
	gsl_error_handler_t *old;
	int ok2;
	if (from && isfinite(from[0]) && isfinite(from[1]) && isfinite(from[2]))
		memcpy(start, from, sizeof(start));
	old = gsl_set_error_handler_off();
	v1 = minimise(a, start, from ? 0.2 : 0.5, th, ok);
	v2 = minimise(a, th, 0.05, th2, &ok2);
	gsl_set_error_handler(old);
	if (v2 <= v1) {
		memcpy(th, th2, sizeof(th2));
		v1 = v2;
		*ok = ok2;
	}
	return v1;
}

/*
 * The fit as lme4 reports it, from the optimum's theta th (its sign made
 * canonical here) and the PLS solution p there, over n observations.
 */
static void fit_report(struct model_fit *f, double *th, const struct pls *p, double n)
{
	double s00, s01, s11, tq;
	/* The criterion depends on Lambda Lambda' only: report the canonical sign. */
	if (th[0] < 0) {
		th[0] = -th[0];
		th[1] = -th[1];
	}
	if (th[2] < 0)
		th[2] = -th[2];
	memcpy(f->theta, th, sizeof(f->theta));
	f->sigma = sqrt(p->r2 / (n - 2));
	f->beta[0] = p->beta[0];
	f->beta[1] = p->beta[1];
	{
		double det = p->M[0] * p->M[2] - p->M[1] * p->M[1], s2 = f->sigma * f->sigma;
		f->beta_se[0] = sqrt(s2 * p->M[2] / det);
		f->beta_se[1] = sqrt(s2 * p->M[0] / det);
	}
	/* Wald intervals, as lme4's confint(method = "Wald"). */
	tq = gsl_cdf_ugaussian_Qinv(0.025);
	f->beta_lo[0] = f->beta[0] - tq * f->beta_se[0];
	f->beta_hi[0] = f->beta[0] + tq * f->beta_se[0];
	f->beta_lo[1] = f->beta[1] - tq * f->beta_se[1];
	f->beta_hi[1] = f->beta[1] + tq * f->beta_se[1];
	/* Covariance of the random effects: sigma^2 Lambda Lambda'. */
	s00 = th[0] * th[0];
	s01 = th[0] * th[1];
	s11 = th[1] * th[1] + th[2] * th[2];
	f->sd_intercept = f->sigma * sqrt(s00);
	f->sd_slope = f->sigma * sqrt(s11);
	f->corr = (s00 > 0 && s11 > 0) ? s01 / sqrt(s00 * s11) : NAN;
}

int model_fit_reml(const struct model_data *d, const double *from, struct model_fit *f)
{
	struct model_data ds = *d;
	struct crit_arg a = { &ds, d->nobs };
	double th[3], v1;
	struct pls p;
	int ok;
	memset(f, 0, sizeof(*f));
	nan_fit(f);
	f->groups = (long)d->ngroups;
	f->nobs = (long)a.n;
	if (d->ngroups < 3 || a.n < 6)
		return -1;
	ds.d = xmalloc(d->ndesigns * sizeof(*ds.d));
	memcpy(ds.d, d->d, d->ndesigns * sizeof(*ds.d));
	qsort(ds.d, ds.ndesigns, sizeof(*ds.d), cmp_design);
	ds.slot = NULL; /* the copy is not looked up */
	v1 = reml_optimum(&a, from, th, &ok);
	if (!isfinite(v1) || pls_solve(&ds, th, &p) < 0) {
		free(ds.d);
		return -1;
	}
	free(ds.d);
	fit_report(f, th, &p, a.n);
	f->reml = v1;
	f->converged = ok;
	return 0;
}

void model_course_effect(const struct model_fit *f, const struct model_group *g, double b[2],
			 double sd[2])
{
	const double *th = f->theta;
	double T00, T01, A00, A01, A11, det, r0, r1, u0, u1, i00, i01, i11, s2;
	double V00, V11, L00, L10, L11;
	if (!f->converged && !isfinite(f->reml)) {
		b[0] = b[1] = sd[0] = sd[1] = NAN;
		return;
	}
	T00 = th[0] * g->n + th[1] * g->sx;
	T01 = th[0] * g->sx + th[1] * g->sxx;
	A00 = T00 * th[0] + T01 * th[1] + 1;
	A01 = T01 * th[2];
	A11 = th[2] * g->sxx * th[2] + 1;
	det = A00 * A11 - A01 * A01;
	/* u = A^-1 Lambda' Z'(y - X beta) */
	r0 = g->sy - f->beta[0] * g->n - f->beta[1] * g->sx;
	r1 = g->sxy - f->beta[0] * g->sx - f->beta[1] * g->sxx;
	u0 = th[0] * r0 + th[1] * r1;
	u1 = th[2] * r1;
	i00 = A11 / det;
	i01 = -A01 / det;
	i11 = A00 / det;
	{
		double w0 = i00 * u0 + i01 * u1, w1 = i01 * u0 + i11 * u1;
		b[0] = th[0] * w0;
		b[1] = th[1] * w0 + th[2] * w1;
	}
	/* Var(b | y) = sigma^2 Lambda A^-1 Lambda' */
	s2 = f->sigma * f->sigma;
	L00 = th[0];
	L10 = th[1];
	L11 = th[2];
	V00 = L00 * L00 * i00;
	V11 = L10 * L10 * i00 + 2 * L10 * L11 * i01 + L11 * L11 * i11;
	sd[0] = sqrt(s2 * V00);
	sd[1] = sqrt(s2 * V11);
}

/* Model sets ---------------------------------------------------------------- */

struct model_group_set {
	char *name;
	long courses;
	struct model_data *data; /* per measure */
	struct model_fit *fit;
};

struct model_set {
	size_t nm, ng, cap;
	long min_courses;
	struct model_data *all;
	struct model_fit *clinic;
	struct model_group_set *g;
};

struct model_set *model_set_new(size_t nmeasures)
{
	struct model_set *ms = xcalloc(1, sizeof(*ms));
	ms->nm = nmeasures;
	ms->all = xcalloc(nmeasures + 1, sizeof(*ms->all));
	ms->clinic = xcalloc(nmeasures + 1, sizeof(*ms->clinic));
	return ms;
}

void model_set_free(struct model_set *ms)
{
	size_t k, m;
	if (!ms)
		return;
	for (k = 0; k < ms->ng; k++) {
		for (m = 0; m < ms->nm; m++)
			model_data_release(&ms->g[k].data[m]);
		free(ms->g[k].name);
		free(ms->g[k].data);
		free(ms->g[k].fit);
	}
	for (m = 0; m < ms->nm; m++)
		model_data_release(&ms->all[m]);
	free(ms->g);
	free(ms->all);
	free(ms->clinic);
	free(ms);
}

size_t model_set_course(struct model_set *ms, const char *group)
{
	size_t k;
	for (k = 0; k < ms->ng && strcmp(ms->g[k].name, group) != 0; k++)
		;
	if (k == ms->ng) {
		ms->g = xgrow(ms->g, &ms->cap, k + 1, sizeof(*ms->g));
		ms->g[k].name = xstrdup(group);
		ms->g[k].courses = 0;
		ms->g[k].data = xcalloc(ms->nm + 1, sizeof(*ms->g[k].data));
		ms->g[k].fit = xcalloc(ms->nm + 1, sizeof(*ms->g[k].fit));
		ms->ng++;
	}
	ms->g[k].courses++;
	return k;
}

void model_set_add(struct model_set *ms, size_t group, size_t m, const double *s,
		   const double *y, size_t n)
{
	model_add_course(&ms->all[m], s, y, n);
	model_add_course(&ms->g[group].data[m], s, y, n);
}

void model_set_fit(struct model_set *ms, long min_courses)
{
	size_t m, k;
	ms->min_courses = min_courses;
	for (m = 0; m < ms->nm; m++) {
		model_fit_reml(&ms->all[m], NULL, &ms->clinic[m]);
		model_data_release(&ms->all[m]);
		for (k = 0; k < ms->ng; k++) {
			struct model_group_set *g = &ms->g[k];
			if (g->courses >= min_courses)
				model_fit_reml(&g->data[m], ms->clinic[m].theta, &g->fit[m]);
			else
				g->fit[m].converged = 0;
			model_data_release(&g->data[m]);
		}
	}
}

const struct model_fit *model_set_for(const struct model_set *ms, size_t m, const char *group)
{
	size_t k;
	if (!ms || m >= ms->nm)
		return NULL;
	for (k = 0; group && k < ms->ng; k++)
		if (!strcmp(ms->g[k].name, group) && ms->g[k].courses >= ms->min_courses &&
		    isfinite(ms->g[k].fit[m].reml))
			return &ms->g[k].fit[m];
	return isfinite(ms->clinic[m].reml) ? &ms->clinic[m] : NULL;
}
