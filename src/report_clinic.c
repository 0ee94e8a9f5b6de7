/*
 * report_clinic.c - what the clinic report says, as data (report_data.h):
 * the clinic's figures per measure, by therapist and by indication, the
 * therapists against the expected course, the courses that got worse or
 * show no response, and the sums the clinic charts draw.  No formatting.
 */
#include "report_data.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "settings.h"

/* Courses of one group (a therapist or an indication) while reading. */
struct group_acc {
	char *name;
	struct stats_acc *acc[CSVIN_MAX_MEASURES];
	unsigned own_model; /* report_group's */
};

/* What the builder keeps while it reads the courses. */
struct clinic_run {
	struct report_clinic *c;
	const struct stats_ctx *sc;
	const struct report_models *rm;
	struct group_acc *ther, *ind;
	size_t nther, nind, capther, capind;
	/* Each course's deviation from its expected change by therapist, as
	 * sums (the fair comparison). */
	struct stats_gmeans *dv[STORE_BUILTIN_MEASURES];
	double sum[STORE_BUILTIN_MEASURES][REPORT_MAX_SESSION_NO];
	double sum2[STORE_BUILTIN_MEASURES][REPORT_MAX_SESSION_NO];
	long cnt[STORE_BUILTIN_MEASURES][REPORT_MAX_SESSION_NO];
	/* The patient's previous course, for the break between courses and
	 * the count of patients (courses come patient by patient). */
	char *prev_pid;
	long prev_last;
	long prev_courses; /* the patient's courses so far */
	struct report_period_acc *periods; /* NULL: a dated window, no comparison */
	double prev_base[STORE_BUILTIN_MEASURES], prev_y[STORE_BUILTIN_MEASURES];
};

static size_t group_get(struct group_acc **g, size_t *n, size_t *cap, const char *name, size_t nm)
{
	size_t i;
	for (i = 0; i < *n; i++)
		if (!strcmp((*g)[i].name, name))
			return i;
	*g = xgrow(*g, cap, *n + 1, sizeof(**g));
	memset(&(*g)[*n], 0, sizeof(**g));
	(*g)[*n].name = xstrdup(name);
	for (i = 0; i < nm; i++)
		(*g)[*n].acc[i] = stats_acc_new();
	return (*n)++;
}

/*
 * The lists --------------------------------------------------------------
 * A record in a scratch file: the fixed fields, then each string as its
 * length with the NUL (0: none) and its bytes.  The file is the process's
 * own (tmp_spool: in the report's private folder, mode 0600, unlinked at
 * once, so patient ids never wait in a shared /tmp), read back by the same
 * process, so the
 * static strings (measure names, categories) travel as pointers.
 */
struct worse_rec {
	const char *measure, *category;
	double baseline, latest, change;
};

struct nonresp_rec {
	size_t sessions;
	long from, to;
};

static void put_str(FILE *f, const char *s)
{
	size_t n = s ? strlen(s) + 1 : 0;
	fwrite(&n, sizeof(n), 1, f);
	if (n)
		fwrite(s, 1, n, f);
}

static void add_worse(struct report_clinic *c, const struct store_course *k, size_t m,
		      const struct stats_course *r)
{
	struct report_worse *w;
	if (c->worse_spool_) {
		struct worse_rec x = { c->names[m], r->clinical_category, r->baseline, r->latest,
				       r->change };
		fwrite(&x, sizeof(x), 1, c->worse_spool_);
		put_str(c->worse_spool_, k->patient_id);
		put_str(c->worse_spool_, k->course_id);
		c->nworse++;
		return;
	}
	c->worse = xgrow(c->worse, &c->capworse_, c->nworse + 1, sizeof(*c->worse));
	w = &c->worse[c->nworse++];
	w->patient_id = xstrdup(k->patient_id);
	w->course_id = xstrdup(k->course_id);
	w->measure = c->names[m];
	w->baseline = r->baseline;
	w->latest = r->latest;
	w->change = r->change;
	w->category = r->clinical_category;
}

static void add_nonresp(struct report_clinic *c, const struct store_course *k)
{
	struct report_nonresp *x;
	if (c->nonresp_spool_) {
		struct nonresp_rec y = { k->n, k->date[0], k->date[k->n - 1] };
		fwrite(&y, sizeof(y), 1, c->nonresp_spool_);
		put_str(c->nonresp_spool_, k->patient_id);
		put_str(c->nonresp_spool_, k->course_id);
		put_str(c->nonresp_spool_, k->therapist);
		c->nnonresp++;
		return;
	}
	c->nonresp = xgrow(c->nonresp, &c->capnonresp_, c->nnonresp + 1, sizeof(*c->nonresp));
	x = &c->nonresp[c->nnonresp++];
	x->patient_id = xstrdup(k->patient_id);
	x->course_id = xstrdup(k->course_id);
	x->therapist = k->therapist ? xstrdup(k->therapist) : NULL;
	x->sessions = k->n;
	x->from = k->date[0];
	x->to = k->date[k->n - 1];
}

/* Reads 'n' strings of a record into cur->s; at[i]: offset, or SIZE_MAX for none. */
static int get_strs(FILE *f, struct report_cursor *cur, size_t *at, size_t n)
{
	size_t i, len;
	sb_reset(&cur->s);
	for (i = 0; i < n; i++) {
		if (fread(&len, sizeof(len), 1, f) != 1 || len > 65536)
			return -1;
		at[i] = len ? cur->s.len : SIZE_MAX;
		if (!len)
			continue;
		cur->s.buf = xgrow(cur->s.buf, &cur->s.cap, cur->s.len + len + 1, 1);
		if (fread(cur->s.buf + cur->s.len, 1, len, f) != len || cur->s.buf[cur->s.len + len - 1])
			return -1;
		cur->s.len += len;
	}
	return 0;
}

static char *str_at(struct report_cursor *cur, size_t at)
{
	static char unreadable[] = "?";
	if (at == SIZE_MAX)
		return NULL;
	return cur->s.buf ? cur->s.buf + at : unreadable;
}

/* Puts the scratch file at record i: where the last read left it, else
 * read from the start (a new reader, or one that skips). */
static void seek_rec(FILE *f, size_t i, struct report_cursor *cur,
		     int (*read)(FILE *f, struct report_cursor *cur))
{
	size_t at = 0;
	if (cur->next && cur->next - 1 == i)
		return;
	rewind(f);
	while (at < i && read(f, cur) == 0)
		at++;
}

static int read_worse(FILE *f, struct report_cursor *cur)
{
	struct worse_rec x;
	size_t at[2];
	if (fread(&x, sizeof(x), 1, f) != 1 || get_strs(f, cur, at, 2) < 0)
		return -1;
	cur->w.measure = x.measure;
	cur->w.category = x.category;
	cur->w.baseline = x.baseline;
	cur->w.latest = x.latest;
	cur->w.change = x.change;
	cur->w.patient_id = str_at(cur, at[0]);
	cur->w.course_id = str_at(cur, at[1]);
	return 0;
}

static int read_nonresp(FILE *f, struct report_cursor *cur)
{
	struct nonresp_rec y;
	size_t at[3];
	if (fread(&y, sizeof(y), 1, f) != 1 || get_strs(f, cur, at, 3) < 0)
		return -1;
	cur->r.sessions = y.sessions;
	cur->r.from = y.from;
	cur->r.to = y.to;
	cur->r.patient_id = str_at(cur, at[0]);
	cur->r.course_id = str_at(cur, at[1]);
	cur->r.therapist = str_at(cur, at[2]);
	return 0;
}

/* A record that cannot be read back (the scratch file failed under us):
 * a row of question marks rather than a crash; the build checked every
 * write. */
static void unreadable(struct report_cursor *cur)
{
	static char q[] = "?";
	cur->w = (struct report_worse){ q, q, q, NAN, NAN, NAN, NULL };
	cur->r = (struct report_nonresp){ q, q, NULL, 0, 0, 0 };
}

const struct report_worse *report_clinic_worse(const struct report_clinic *c, size_t i,
					       struct report_cursor *cur)
{
	if (!c->worse_spool_)
		return &c->worse[i];
	seek_rec(c->worse_spool_, i, cur, read_worse);
	if (read_worse(c->worse_spool_, cur) < 0)
		unreadable(cur);
	cur->next = i + 2;
	return &cur->w;
}

const struct report_nonresp *report_clinic_nonresp(const struct report_clinic *c, size_t i,
						   struct report_cursor *cur)
{
	if (!c->nonresp_spool_)
		return &c->nonresp[i];
	seek_rec(c->nonresp_spool_, i, cur, read_nonresp);
	if (read_nonresp(c->nonresp_spool_, cur) < 0)
		unreadable(cur);
	cur->next = i + 2;
	return &cur->r;
}

void report_cursor_release(struct report_cursor *cur)
{
	sb_release(&cur->s);
	memset(cur, 0, sizeof(*cur));
}

/* Sums of the scores by session number, for the means chart. */
static void add_session_sums(struct clinic_run *run, const struct store_course *k, size_t m)
{
	size_t i;
	for (i = 0; i < k->n && i < REPORT_MAX_SESSION_NO; i++) {
		double y = k->score[i * k->nmeasures + m];
		if (isnan(y))
			continue;
		run->sum[m][i] += y;
		run->sum2[m][i] += y * y;
		run->cnt[m][i]++;
	}
}

/* One measure of one course, in every figure it enters. */
static void add_measure(struct clinic_run *run, const struct store_course *k, size_t m,
			size_t ti, size_t ii, struct stats_course *r)
{
	struct report_clinic *c = run->c;
	outcome_course_compute(run->sc, k, m, STATS_NO_PLATEAU, r);
	stats_acc_add(c->acc[m], r);
	if (run->periods)
		report_period_acc_add(run->periods, k->date[0], m, r);
	stats_acc_add(run->ther[ti].acc[m], r);
	stats_acc_add(run->ind[ii].acc[m], r);
	if (outcome_worse(r, c->mcid[m]))
		add_worse(c, k, m, r);
	if (m >= STORE_BUILTIN_MEASURES)
		return;
	add_session_sums(run, k, m);
	if (r->n >= 2) {
		const struct model_fit *fit = report_model_for(run->rm, m, k->indication);
		/* Said in the report: indication is adjusted for only where it has
		 * a model of its own. */
		if (fit && fit != report_model_for(run->rm, m, NULL))
			run->ind[ii].own_model |= 1u << m;
		if (fit)
			stats_gmeans_add(run->dv[m], ti, r->change - fit->beta[1] *
					 (log((double)r->last_session) - log((double)r->first_session)),
					 r->baseline);
	}
}

/* One break (before: the last scores and their course's baselines; after:
 * the next scores) into its band of the break table. */
static void add_break(struct report_clinic *c, long days, const double *base, const double *before,
		      const double *after)
{
	size_t b, m;
	int relapse = 0, rose = 0;
	for (b = REPORT_BREAK_BANDS; b-- > 0;)
		if (days >= c->bands[b].lo)
			break;
	if (b >= REPORT_BREAK_BANDS)
		return;
	for (m = 0; m < c->nm && m < STORE_BUILTIN_MEASURES; m++) {
		enum outcome_break r;
		if (isnan(before[m]) || isnan(after[m]))
			continue;
		r = outcome_break_reading(base[m], before[m], after[m], days, c->mcid[m],
					  c->relapse_gap);
		relapse |= r == OUTCOME_BREAK_RELAPSE;
		rose |= r == OUTCOME_BREAK_RELAPSE || r == OUTCOME_BREAK_WORSE;
	}
	c->bands[b].breaks++;
	c->bands[b].relapsed += relapse;
	c->bands[b].rose += rose;
}

/* The breaks of at least relapse_gap days: before this course (after the
 * patient's previous one) and inside it. */
static void course_breaks(struct clinic_run *run, const struct store_course *k)
{
	struct report_clinic *c = run->c;
	double base[STORE_BUILTIN_MEASURES], y[STORE_BUILTIN_MEASURES];
	size_t i, m, nm = c->nm < STORE_BUILTIN_MEASURES ? c->nm : STORE_BUILTIN_MEASURES;
	for (m = 0; m < STORE_BUILTIN_MEASURES; m++)
		base[m] = y[m] = NAN;
	for (i = 0; i < k->n; i++) {
		double after[STORE_BUILTIN_MEASURES];
		for (m = 0; m < STORE_BUILTIN_MEASURES; m++)
			after[m] = m < nm ? k->score[i * k->nmeasures + m] : NAN;
		if (i == 0 && run->prev_pid && !strcmp(run->prev_pid, k->patient_id) &&
		    outcome_is_break(k->date[0] - run->prev_last, c->relapse_gap))
			add_break(c, k->date[0] - run->prev_last, run->prev_base, run->prev_y, after);
		if (i > 0 && outcome_is_break(k->date[i] - k->date[i - 1], c->relapse_gap))
			add_break(c, k->date[i] - k->date[i - 1], base, y, after);
		for (m = 0; m < nm; m++) {
			if (isnan(after[m]))
				continue;
			if (isnan(base[m]))
				base[m] = after[m];
			y[m] = after[m];
		}
	}
	free(run->prev_pid);
	run->prev_pid = xstrdup(k->patient_id);
	run->prev_last = k->date[k->n - 1];
	memcpy(run->prev_base, base, sizeof(base));
	memcpy(run->prev_y, y, sizeof(y));
}

static void add_course(struct clinic_run *run, const struct store_course *k)
{
	struct report_clinic *c = run->c;
	struct stats_course r[CSVIN_MAX_MEASURES];
	size_t ti = group_get(&run->ther, &run->nther, &run->capther,
			      k->therapist ? k->therapist : "(unknown)", c->nm);
	size_t ii = group_get(&run->ind, &run->nind, &run->capind,
			      k->indication ? k->indication : "(unknown)", c->nm);
	size_t m, worse = c->nworse;
	c->courses++;
	c->sessions += (long)k->n;
	if (k->date[k->n - 1] > c->last_date)
		c->last_date = k->date[k->n - 1];
	for (m = 0; m < c->nm; m++)
		add_measure(run, k, m, ti, ii, &r[m]);
	c->nworse_courses += c->nworse > worse;
	if (outcome_no_response(r, c->nm, k->n, c->no_response_sessions))
		add_nonresp(c, k);
	if (!run->prev_pid || strcmp(run->prev_pid, k->patient_id) != 0) {
		c->patients++;
		run->prev_courses = 1;
	} else if (++run->prev_courses == 2) {
		c->patients_multi++;
	}
	course_breaks(run, k);
}

static int fair_cmp(const void *a, const void *b)
{
	return strcmp(((const struct report_fair *)a)->name, ((const struct report_fair *)b)->name);
}

/* Each 95% interval widened to 1 - 0.05/k, k the therapists with one (the
 * most over the measures): k intervals at 95% each would find a therapist
 * "different" by chance far more often than 1 in 20. */
static void bonferroni(struct report_clinic *c, size_t nther)
{
	size_t m, k;
	c->fair_k = 0;
	for (m = 0; c->has_fair && m < c->nm && m < STORE_BUILTIN_MEASURES; m++) {
		size_t n = 0;
		for (k = 0; k < nther; k++)
			n += c->fair[m][k].d.n >= 2;
		if (n > c->fair_k)
			c->fair_k = n;
	}
	c->fair_level = c->fair_k ? 1 - 0.05 / (double)c->fair_k : NAN;
	for (m = 0; c->fair_k && m < c->nm && m < STORE_BUILTIN_MEASURES; m++)
		for (k = 0; k < nther; k++) {
			struct stats_mean *d = &c->fair[m][k].d;
			double df = (double)d->n - 1, half;
			if (d->n < 2)
				continue;
			half = (d->hi - d->mean) * stats_t_quantile_upper(0.025 / (double)c->fair_k, df) /
			       stats_t_quantile(df);
			d->lo = d->mean - half;
			d->hi = d->mean + half;
		}
}

/* Therapists against the expected change, adjusted for baseline; by name. */
static void fair(struct clinic_run *run)
{
	struct report_clinic *c = run->c;
	struct stats_mean *d = xcalloc(run->nther + 1, sizeof(*d));
	size_t m, k;
	c->has_fair = run->rm != NULL;
	for (m = 0; c->has_fair && m < c->nm && m < STORE_BUILTIN_MEASURES; m++) {
		stats_gmeans_finish(run->dv[m], run->nther, d);
		c->fair[m] = xcalloc(run->nther + 1, sizeof(*c->fair[m]));
		for (k = 0; k < run->nther; k++) {
			c->fair[m][k].name = run->ther[k].name;
			c->fair[m][k].d = d[k];
		}
	}
	bonferroni(c, run->nther);
	for (m = 0; c->has_fair && m < c->nm && m < STORE_BUILTIN_MEASURES; m++)
		qsort(c->fair[m], run->nther, sizeof(*c->fair[m]), fair_cmp);
	free(d);
}

static int group_cmp(const void *a, const void *b)
{
	return strcmp(((const struct report_group *)a)->name,
		      ((const struct report_group *)b)->name);
}

/* The groups' figures, sorted by name; takes over the names. */
static struct report_group *finish_groups(struct group_acc *g, size_t n, size_t nm)
{
	struct report_group *out = xcalloc(n + 1, sizeof(*out));
	size_t i, m;
	for (i = 0; i < n; i++) {
		out[i].name = g[i].name;
		out[i].own_model = g[i].own_model;
		for (m = 0; m < nm && m < STORE_BUILTIN_MEASURES; m++)
			stats_acc_finish(g[i].acc[m], &out[i].r[m]);
		for (m = 0; m < nm; m++)
			stats_acc_free(g[i].acc[m]);
	}
	free(g);
	if (n)
		qsort(out, n, sizeof(*out), group_cmp);
	return out;
}

/* Means by session number that at least 3 courses reached. */
static void session_means(struct clinic_run *run)
{
	size_t m, i;
	for (m = 0; m < run->c->nm && m < STORE_BUILTIN_MEASURES; m++) {
		struct report_means *x = &run->c->means[m];
		x->n = 0;
		for (i = 0; i < REPORT_MAX_SESSION_NO; i++) {
			struct stats_mean sm;
			if (run->cnt[m][i] < 3)
				continue;
			stats_mean_ci((double)run->cnt[m][i], run->sum[m][i], run->sum2[m][i], &sm);
			x->x[x->n] = (double)(i + 1);
			x->mean[x->n] = sm.mean;
			x->lo[x->n] = sm.lo;
			x->hi[x->n++] = sm.hi;
		}
	}
}

/* Session numbers for the numbers at risk: 0, 5, 10, ... up to the last
 * course's time, the step widened (10, 20, 25, 50, 100, ...) to keep at
 * most 11 columns. */
void report_km_ticks(double tmax, double *step, size_t *nticks)
{
	static const double base[] = { 1, 2, 2.5, 5 };
	double s = 5, scale = 1;
	size_t i = 3;
	while (tmax / s > 10 && isfinite(tmax)) {
		if (++i == 4) {
			i = 0;
			scale *= 10;
		}
		s = base[i] * scale;
	}
	*step = s;
	*nticks = tmax > 0 && isfinite(tmax) ? (size_t)ceil(tmax / s) + 1 : 1;
}

/* The Kaplan-Meier fits and the session numbers of their numbers at risk. */
static void km_fits(struct report_clinic *c)
{
	double tmax = 0;
	size_t m;
	for (m = 0; m < c->nm; m++) {
		stats_acc_km(c->acc[m], &c->km[m]);
		if (c->km[m].n && c->km[m].time[c->km[m].n - 1] > tmax)
			tmax = c->km[m].time[c->km[m].n - 1];
	}
	report_km_ticks(tmax, &c->km_step, &c->km_ticks);
}

static void finish(struct clinic_run *run)
{
	struct report_clinic *c = run->c;
	size_t m;
	for (m = 0; m < c->nm; m++)
		stats_acc_finish(c->acc[m], &c->cl[m]);
	km_fits(c);
	/* Before the groups are sorted: the deviations index the therapists. */
	fair(run);
	c->ther = finish_groups(run->ther, run->nther, c->nm);
	c->nther = run->nther;
	c->ind = finish_groups(run->ind, run->nind, c->nm);
	c->nind = run->nind;
	run->ther = run->ind = NULL;
	session_means(run);
	for (m = 0; m < STORE_BUILTIN_MEASURES; m++)
		stats_gmeans_free(run->dv[m]);
}

/* Every write to the lists' scratch files went through (and the reader
 * starts from the file, not stdio's buffer). */
static int spool_failed(const struct report_clinic *c, struct error *err)
{
	FILE *f[2] = { c->worse_spool_, c->nonresp_spool_ };
	int i;
	for (i = 0; i < 2; i++)
		if (f[i] && (fflush(f[i]) != 0 || ferror(f[i]))) {
			error_set(err, ERR_IO, NULL, 0,
				  "cannot keep the clinic report's lists in a scratch file: %s",
				  strerror(errno));
			return 1;
		}
	return 0;
}

static int clinic_course(void *run, const struct store_course *k, struct error *err)
{
	(void)err;
	add_course(run, k);
	return 0;
}

int report_clinic_build(struct store *s, const struct stats_ctx *sc,
			const struct report_models *rm, const struct store_filter *f,
			const char *today, const char *spool_near, struct report_clinic *c,
			struct error *err)
{
	const struct clinic_settings *cs = settings_get(s);
	struct clinic_run *run = xcalloc(1, sizeof(*run));
	size_t m;
	long day;
	int rc;
	memset(c, 0, sizeof(*c));
	run->c = c;
	run->sc = sc;
	run->rm = rm;
	c->from = f->from;
	c->to = f->to;
	c->today = today;
	c->last_date = STORE_DATE_OPEN;
	c->no_response_sessions = cs->no_response_sessions;
	c->relapse_gap = cs->relapse_gap;
	/* Break lengths: relapse_gap (21) to 44 days, 45 to 89, 90 or more. */
	c->bands[0].lo = c->relapse_gap;
	c->bands[1].lo = c->relapse_gap > CLINIC_BREAK_MID ? c->relapse_gap : CLINIC_BREAK_MID;
	c->bands[2].lo = c->relapse_gap > CLINIC_BREAK_LONG ? c->relapse_gap : CLINIC_BREAK_LONG;
	c->nm = store_measure_count(s);
	/* The periods before today, from the same pass; a dated window has none. */
	if (f->from == STORE_DATE_OPEN && f->to == STORE_DATE_OPEN &&
	    date_parse(today, strlen(today), &day) == 0)
		run->periods = report_period_acc_new(c->nm, day, cs->index_period, &c->periods);
	for (m = 0; m < c->nm; m++) {
		c->names[m] = store_measure_name(s, m);
		c->mcid[m] = stats_ctx_settings(sc, m)->mcid;
		c->acc[m] = stats_acc_new();
	}
	for (m = 0; m < STORE_BUILTIN_MEASURES; m++)
		run->dv[m] = stats_gmeans_new();
	if (spool_near) {
		/* Without a scratch file the lists stay in memory, as before. */
		struct error ignored = ERROR_INIT;
		c->worse_spool_ = tmp_spool(spool_near, &ignored);
		c->nonresp_spool_ = tmp_spool(spool_near, &ignored);
		error_release(&ignored);
	}
	rc = store_for_each_course(s, f, clinic_course, run, err);
	if (rc >= 0 && spool_failed(c, err))
		rc = -1;
	finish(run);
	if (run->periods)
		report_period_acc_finish(run->periods);
	free(run->prev_pid);
	free(run);
	return rc < 0 ? -1 : 0;
}

void report_clinic_release(struct report_clinic *c)
{
	size_t i;
	for (i = 0; i < c->nm; i++) {
		stats_acc_free(c->acc[i]);
		stats_km_release(&c->km[i]);
	}
	for (i = 0; i < c->nther; i++)
		free(c->ther[i].name);
	for (i = 0; i < c->nind; i++)
		free(c->ind[i].name);
	free(c->ther);
	free(c->ind);
	for (i = 0; i < STORE_BUILTIN_MEASURES; i++)
		free(c->fair[i]);
	for (i = 0; c->worse && i < c->nworse; i++) {
		free(c->worse[i].patient_id);
		free(c->worse[i].course_id);
	}
	free(c->worse);
	if (c->worse_spool_)
		fclose(c->worse_spool_);
	if (c->nonresp_spool_)
		fclose(c->nonresp_spool_);
	for (i = 0; c->nonresp && i < c->nnonresp; i++) {
		free(c->nonresp[i].patient_id);
		free(c->nonresp[i].course_id);
		free(c->nonresp[i].therapist);
	}
	free(c->nonresp);
	memset(c, 0, sizeof(*c));
}
