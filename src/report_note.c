/*
 * report_note.c - what a progress note says, as data (report_data.h): the
 * course's figures and readings per measure, its pauses, the patient's other
 * courses.  No formatting.
 */
#include "report_data.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "settings.h"

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

static double score(const struct store_course *c, size_t i, size_t m)
{
	return c->score[i * c->nmeasures + m];
}

/* First or last recorded score of measure m; NAN when none. */
static double edge_score(const struct store_course *c, size_t m, int last)
{
	size_t i;
	for (i = 0; i < c->n; i++) {
		double v = score(c, last ? c->n - 1 - i : i, m);
		if (!isnan(v))
			return v;
	}
	return NAN;
}

/* Days that make a pause in this course: REPORT_PAUSE_MIN_DAYS or twice its
 * median interval. */
static long pause_days(const struct store_course *c)
{
	long *g, med, lim;
	size_t i;
	if (c->n < 2)
		return REPORT_PAUSE_MIN_DAYS;
	g = xmalloc((c->n - 1) * sizeof(*g));
	for (i = 1; i < c->n; i++)
		g[i - 1] = c->date[i] - c->date[i - 1];
	qsort(g, c->n - 1, sizeof(*g), cmp_long);
	med = g[(c->n - 1) / 2];
	free(g);
	lim = 2 * med;
	return lim > REPORT_PAUSE_MIN_DAYS ? lim : REPORT_PAUSE_MIN_DAYS;
}

static void find_pauses(struct report_note *n, const struct store_course *c)
{
	size_t i, cap = 0;
	n->pause_days = pause_days(c);
	for (i = 1; i < c->n; i++) {
		long gap = c->date[i] - c->date[i - 1];
		if (gap < n->pause_days)
			continue;
		n->pauses = xgrow(n->pauses, &cap, n->npauses + 1, sizeof(*n->pauses));
		n->pauses[n->npauses].days = gap;
		n->pauses[n->npauses].from = c->date[i - 1];
		n->pauses[n->npauses].to = c->date[i];
		n->pauses[n->npauses++].session = i;
	}
}

/* The course's random effects under the expected course of measure m. */
static void expected(struct report_note_measure *nm, const struct store_course *c, size_t m)
{
	double *sx, *sy;
	size_t k;
	nm->effect[0] = nm->effect[1] = nm->effect_sd[0] = nm->effect_sd[1] = NAN;
	nm->pace = OUTCOME_PACE_UNKNOWN;
	nm->model_state = REPORT_MODEL_NONE;
	if (!nm->fit || !c->n)
		return;
	/* No ahead/behind verdict from a model that did not converge or rests
	 * on too few courses: the note says why instead. */
	nm->model_state = !nm->fit->converged ? REPORT_MODEL_UNCONVERGED
			  : nm->fit->groups < REPORT_MODEL_MIN_COURSES ? REPORT_MODEL_TOO_FEW
			  : REPORT_MODEL_OK;
	if (nm->model_state != REPORT_MODEL_OK)
		return;
	sx = xmalloc(c->n * sizeof(*sx));
	sy = xmalloc(c->n * sizeof(*sy));
	k = store_course_points(c, m, sx, sy);
	if (k >= 2) {
		struct model_group g = model_group_of(sx, sy, k);
		model_course_effect(nm->fit, &g, nm->effect, nm->effect_sd);
		nm->pace = outcome_pace(nm->effect[1], nm->effect_sd[1]);
	}
	free(sx);
	free(sy);
}

static void measures(struct report_note *n, struct store *s, const struct stats_ctx *sc,
		     const struct report_models *rm)
{
	const struct store_course *c = n->course;
	size_t m;
	n->nm = store_measure_count(s);
	for (m = 0; m < n->nm; m++) {
		struct report_note_measure *x = &n->m[m];
		x->name = store_measure_name(s, m);
		x->mcid = stats_ctx_settings(sc, m)->mcid;
		x->r = n->rd.r[n->course_no - 1][m];
		x->o = &n->oc->m[m];
		x->shown = x->r.n > 0 || m < STORE_BUILTIN_MEASURES;
		x->reading = outcome_change_reading(&x->r, x->mcid);
		x->levelling = outcome_levelling(&x->r);
		x->reliability = stats_ctx_settings(sc, m)->reliability;
		x->sd = stats_ctx_sd(sc, m);
		x->fit = report_model_for(rm, m, c->indication);
		x->fit_is_indication = x->fit && x->fit != report_model_for(rm, m, NULL);
		expected(x, c, m);
	}
}

static void other_courses(struct report_note *n, size_t nm)
{
	size_t k, m;
	if (n->ncourses_ < 2)
		return;
	n->nothers = n->ncourses_;
	n->others = xcalloc(n->nothers, sizeof(*n->others));
	for (k = 0; k < n->nothers; k++) {
		const struct store_course *o = &n->courses_[k], *nx = o + 1;
		struct report_other_course *x = &n->others[k];
		x->course_id = o->course_id;
		x->from = o->date[0];
		x->to = o->date[o->n - 1];
		x->sessions = o->n;
		x->this_course = o == n->course;
		x->gap_after = k + 1 < n->nothers ? nx->date[0] - x->to : -1;
		for (m = 0; m < STORE_BUILTIN_MEASURES; m++) {
			int known = m < nm;
			x->first[m] = known ? edge_score(o, m, 0) : NAN;
			x->last[m] = known ? edge_score(o, m, 1) : NAN;
			x->between[m] = known && x->gap_after >= 0
					? edge_score(nx, m, 0) - x->last[m] : NAN;
		}
	}
}

/* The last score of measure m in sessions [0, end) of c, or the first in
 * [start, n); NAN when none. */
static double score_before(const struct store_course *c, size_t end, size_t m)
{
	while (end-- > 0)
		if (!isnan(score(c, end, m)))
			return score(c, end, m);
	return NAN;
}

static double score_from(const struct store_course *c, size_t start, size_t m)
{
	for (; start < c->n; start++)
		if (!isnan(score(c, start, m)))
			return score(c, start, m);
	return NAN;
}

static void add_break(struct report_note *n, struct report_break **v, size_t *nv, size_t *cap,
		      const struct store_course *a, size_t a_end, const struct store_course *b,
		      size_t b_start)
{
	struct report_break *x;
	double mcid[CSVIN_MAX_MEASURES];
	size_t m;
	*v = xgrow(*v, cap, *nv + 1, sizeof(**v));
	x = &(*v)[(*nv)++];
	memset(x, 0, sizeof(*x));
	x->from = a->date[a_end - 1];
	x->to = b->date[b_start];
	x->days = x->to - x->from;
	x->before_course = a != b;
	x->session = a != b ? 0 : a_end;
	x->after_course = a != b ? a->course_id : NULL;
	for (m = 0; m < n->nm; m++) {
		x->base[m] = edge_score(a, m, 0);
		x->before[m] = score_before(a, a_end, m);
		x->after[m] = score_from(b, b_start, m);
		mcid[m] = n->m[m].mcid;
	}
	for (; m < CSVIN_MAX_MEASURES; m++)
		x->base[m] = x->before[m] = x->after[m] = NAN;
	x->all = outcome_break_read(n->nm, x->base, x->before, x->after, mcid, x->days,
				    n->relapse_gap, x->reading);
}

/* The break before this course and the pauses inside it of at least
 * relapse_gap days: did the symptoms come back? */
static void find_breaks(struct report_note *n)
{
	const struct store_course *c = n->course;
	size_t i, cap = 0, pcap = 0;
	if (n->course_no > 1) {
		const struct store_course *p = c - 1;
		if (outcome_is_break(c->date[0] - p->date[p->n - 1], n->relapse_gap))
			add_break(n, &n->breaks, &n->nbreaks, &cap, p, p->n, c, 0);
	}
	for (i = 1; i < c->n; i++)
		if (outcome_is_break(c->date[i] - c->date[i - 1], n->relapse_gap))
			add_break(n, &n->breaks, &n->nbreaks, &cap, c, i, c, i);
	for (i = 0; i < n->npauses; i++)
		if (!outcome_is_break(n->pauses[i].days, n->relapse_gap))
			add_break(n, &n->short_pauses, &n->nshort_pauses, &pcap, c,
				  n->pauses[i].session, c, n->pauses[i].session);
}

/* The course asked for (the latest when course_id is NULL); 1 when unknown. */
static int select_course(struct report_note *n, const char *pid, const char *course_id,
			 struct error *err)
{
	size_t i = n->ncourses_ - 1;
	if (course_id) {
		for (i = 0; i < n->ncourses_ && strcmp(n->courses_[i].course_id, course_id) != 0; i++)
			;
		if (i == n->ncourses_) {
			error_set(err, ERR_INPUT, NULL, 0, "patient '%s' has no course '%s'", pid,
				  course_id);
			return 1;
		}
	}
	n->course = &n->courses_[i];
	n->oc = &n->rd.oc[i];
	n->course_no = i + 1;
	n->ncourses = n->ncourses_;
	return 0;
}

int report_note_build(struct store *s, const struct stats_ctx *sc, const struct report_models *rm,
		      const char *pid, const char *course_id, const char *today,
		      struct report_note *n, struct error *err)
{
	const struct store_course *c;
	long day;
	int rc;
	memset(n, 0, sizeof(*n));
	if (date_parse(today, strlen(today), &day) < 0)
		BUG("the run date is not a date");
	settings_rules(s, &n->rules);
	n->relapse_gap = n->rules.relapse_gap;
	/* Every course fully only when an earlier one is asked for: the
	 * latest is always read in full. */
	rc = reading_patient(s, sc, &n->rules, pid, day, course_id ? READING_ALL : READING_ACTIVE,
			     &n->rd, err);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		error_set(err, ERR_INPUT, NULL, 0, "no sessions for patient '%s'", pid);
		return 1;
	}
	n->courses_ = n->rd.course;
	n->ncourses_ = n->rd.n;
	rc = select_course(n, pid, course_id, err);
	if (rc)
		return rc;
	c = n->course;
	n->patient_id = pid;
	n->course_id = c->course_id;
	n->referrer = c->referrer;
	n->indication = c->indication;
	n->therapist = c->therapist;
	n->birth_year = c->birth_year;
	n->today = today;
	n->from = c->date[0];
	n->to = c->date[c->n - 1];
	n->sessions = c->n;
	find_pauses(n, c);
	measures(n, s, sc, rm);
	find_breaks(n);
	other_courses(n, n->nm);
	return 0;
}

void report_note_release(struct report_note *n)
{
	reading_release(&n->rd);
	free(n->pauses);
	free(n->breaks);
	free(n->short_pauses);
	free(n->others);
	memset(n, 0, sizeof(*n));
}
