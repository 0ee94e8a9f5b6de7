/*
 * reading.c - the one reading of a patient.  See reading.h.
 */
#include "reading.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_course_start(const void *a, const void *b)
{
	const struct store_course *x = a, *y = b;
	return (x->date[0] > y->date[0]) - (x->date[0] < y->date[0]);
}

size_t reading_referral_course(const struct store_course *course, size_t n, long referral_date)
{
	size_t k;
	for (k = 0; k < n; k++)
		if (referral_date == CSVIN_NO_DATE || course[k].date[0] >= referral_date)
			return k;
	return n;
}

static size_t referral_course(const struct reading *rd)
{
	return reading_referral_course(rd->course, rd->n, rd->referral_date);
}

static void episode_measure(const struct reading *rd, size_t m, struct reading_episode_measure *e)
{
	size_t k, i;
	e->first = e->last = NAN;
	for (k = rd->ep.first; k < rd->n; k++) {
		const struct store_course *c = &rd->course[k];
		for (i = 0; i < c->n; i++) {
			double y = c->score[i * c->nmeasures + m];
			if (isnan(y))
				continue;
			if (!e->n++) {
				e->first = y;
				e->first_date = c->date[i];
			}
			e->last = y;
			e->last_date = c->date[i];
		}
	}
}

static void episode(struct reading *rd, size_t nm)
{
	struct reading_episode *ep = &rd->ep;
	size_t k, m;
	ep->first = referral_course(rd);
	ep->referral_given = rd->referral_date != CSVIN_NO_DATE;
	if (ep->first == rd->n)
		return; /* every course started before the referral */
	ep->from = ep->referral_given ? rd->referral_date : rd->course[ep->first].date[0];
	for (k = ep->first; k < rd->n; k++) {
		ep->courses++;
		ep->sessions += rd->course[k].n;
	}
	for (m = 0; m < nm; m++)
		episode_measure(rd, m, &ep->m[m]);
}

static void read_courses(struct reading *rd, const struct stats_ctx *sc,
			 const struct outcome_rules *rules, size_t nm, long today,
			 enum reading_what which)
{
	struct stats_settings set[CSVIN_MAX_MEASURES];
	size_t k, m;
	for (m = 0; m < nm; m++)
		set[m] = *stats_ctx_settings(sc, m);
	for (k = 0; k < rd->n; k++) {
		const struct store_course *c = &rd->course[k];
		int full = which == READING_ALL || k + 1 == rd->n ||
			   outcome_active(c->date[c->n - 1], today, rules->alert_window);
		for (m = 0; m < nm; m++)
			outcome_course_compute(sc, c, m, full ? STATS_ALL : STATS_NO_PLATEAU,
					     &rd->r[k][m]);
		outcome_read_course(rules, set, c, k ? &rd->course[k - 1] : NULL, rd->r[k], nm,
				    today, k + 1 < rd->n,
				    k == rd->planned_course ? rd->planned : 0, &rd->oc[k]);
	}
}

int reading_patient(struct store *s, const struct stats_ctx *sc, const struct outcome_rules *rules,
		    const char *pid, long today, enum reading_what which, struct reading *rd,
		    struct error *err)
{
	struct store_filter f = STORE_FILTER_INIT;
	memset(rd, 0, sizeof(*rd));
	rd->patient_id = pid;
	f.patient_id = pid;
	if (store_list_courses(s, &f, &rd->course, &rd->n, err) < 0)
		return -1;
	if (rd->n == 0)
		return 1;
	qsort(rd->course, rd->n, sizeof(*rd->course), cmp_course_start);
	if (store_patient_referral(s, pid, &rd->referral_date, &rd->planned, err) < 0)
		return -1;
	rd->planned_course = rd->planned > 0 ? referral_course(rd) : rd->n;
	rd->r = xcalloc(rd->n, sizeof(*rd->r));
	rd->oc = xcalloc(rd->n, sizeof(*rd->oc));
	read_courses(rd, sc, rules, store_measure_count(s), today, which);
	episode(rd, store_measure_count(s));
	return 0;
}

void reading_release(struct reading *rd)
{
	size_t k;
	for (k = 0; k < rd->n; k++)
		store_course_release(&rd->course[k]);
	free(rd->course);
	free(rd->r);
	free(rd->oc);
	memset(rd, 0, sizeof(*rd));
}

size_t reading_course_index(const struct reading *rd, const char *course_id)
{
	size_t k;
	if (!course_id)
		return rd->n ? rd->n - 1 : 0;
	for (k = 0; k < rd->n; k++)
		if (!strcmp(rd->course[k].course_id, course_id))
			return k;
	return rd->n;
}
