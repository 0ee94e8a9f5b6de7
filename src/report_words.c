/*
 * report_words.c - the numbers and sentences the text and the HTML views
 * both say, so that each is written once.  Pure functions.
 */
#include "report_data.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *report_num(char *buf, size_t n, double v, int decimals)
{
	if (!isfinite(v))
		return "-";
	if (v == 0)
		v = 0; /* no "-0.0" */
	snprintf(buf, n, "%.*f", decimals, v);
	return buf;
}

const char *report_signed(char *buf, size_t n, double v, int decimals)
{
	if (!isfinite(v))
		return "-";
	if (fabs(v) < 0.5 * pow(10, -decimals))
		v = 0;
	snprintf(buf, n, v > 0 ? "+%.*f" : "%.*f", decimals, v);
	return buf;
}

const char *report_p(char *buf, size_t n, double p)
{
	if (!isfinite(p))
		return "-";
	if (p < 0.001)
		return "< 0.001";
	snprintf(buf, n, "%.3f", p);
	return buf;
}

int report_listed(size_t m, const struct stats_clinic *r)
{
	return m < STORE_BUILTIN_MEASURES || r->courses > 0;
}

const char *report_trend(const struct stats_course *r, char *buf, size_t n)
{
	char a[32], b[32], c[32];
	if (r->n < CLINIC_TREND_MIN) {
		snprintf(buf, n, "too few sessions for a trend (%zu, %d needed)", r->n,
			 CLINIC_TREND_MIN);
		return buf;
	}
	/* No p-value here: a straight line through a curved course leaves
	 * autocorrelated residuals, so its p would claim too much. */
	snprintf(buf, n, "%s points/session (95%% CI %s to %s)",
		 report_signed(a, sizeof(a), r->slope, 2), report_signed(b, sizeof(b), r->slope_lo, 2),
		 report_signed(c, sizeof(c), r->slope_hi, 2));
	return buf;
}

/* A session number as a whole session: the first one at or after s. */
static int whole_session(double s)
{
	return (int)ceil(s - 1e-9);
}

/* "Still improving" only where the reading says the measure responded or is
 * improving: a falling trend of a measure read as no response, mild at the
 * start or a lost response is said as a trend, not as improvement. */
static int improving_said(const struct report_note_measure *m)
{
	return !m->o || (m->o->states & (OUTCOME_RESPONDED_ST | OUTCOME_IMPROVING_ST));
}

const char *report_levelling(const struct report_note_measure *m, char *buf, size_t n)
{
	const struct stats_course *r = &m->r;
	char a[32];
	if (m->reading == OUTCOME_WORSE)
		return "worse: a worsening course is not read as levelling off";
	if (!improving_said(m) && (m->levelling == OUTCOME_LEVEL_STEADY ||
				   (m->levelling == OUTCOME_LEVEL_CHANGING && outcome_forecast_too_far(r))))
		return "a falling trend, no levelling off in the data; less than the MCID, or "
		       "not judged (see above)";
	switch (m->levelling) {
	case OUTCOME_LEVEL_TOO_FEW:
		snprintf(buf, n, "too few sessions to judge (%zu, %d needed)", r->n,
			 OUTCOME_LEVELLING_MIN);
		break;
	case OUTCOME_LEVEL_STEADY:
		return "still improving steadily: no levelling off in the data";
	case OUTCOME_LEVEL_UNCLEAR:
		return "no plateau can be fitted (no clear levelling)";
	case OUTCOME_LEVEL_NOT_FALLING:
		return "no improvement to level off (the fitted curve does not fall)";
	case OUTCOME_LEVEL_REACHED:
		snprintf(buf, n, "levelled off near %s by session %d", report_num(a, sizeof(a),
			 r->plateau, 1), whole_session(r->s90));
		break;
	case OUTCOME_LEVEL_CHANGING:
		if (outcome_forecast_too_far(r)) {
			snprintf(buf, n, "still improving: no levelling off in sight after %d sessions",
				 r->last_session);
			break;
		}
		/* The course may have ended: the fit's forecast, not a promise. */
		snprintf(buf, n, "still changing: the fitted curve levels off near %s by about "
			 "session %d (latest score at session %d)", report_num(a, sizeof(a), r->plateau, 1),
			 whole_session(r->s90), r->last_session);
		break;
	}
	return buf;
}

/* "ahead of / in line with / behind the clinic's expected course", why there
 * is no verdict, or NULL when there is no model. */
const char *report_expected(const struct report_note_measure *m, char *buf, size_t n)
{
	static const char *const pace[] = {
		[OUTCOME_PACE_AHEAD] = "ahead of",
		[OUTCOME_PACE_IN_LINE] = "in line with",
		[OUTCOME_PACE_BEHIND] = "behind",
	};
	char model[96];
	double b = m->effect[1], sd = m->effect_sd[1];
	if (!m->fit || m->model_state == REPORT_MODEL_NONE) {
		/* Say why, never a bare "-": the model is fitted only from enough courses. */
		snprintf(buf, n, "no expected course yet: the clinic's model is fitted once %d "
			 "courses have this score", REPORT_MODEL_MIN_COURSES);
		return buf;
	}
	snprintf(model, sizeof(model), "the %s model, %ld courses",
		 m->fit_is_indication ? "indication's" : "whole clinic's", m->fit->groups);
	if (m->model_state == REPORT_MODEL_UNCONVERGED) {
		snprintf(buf, n, "no comparison: the expected-course model did not converge (%s)",
			 model);
		return buf;
	}
	if (m->model_state == REPORT_MODEL_TOO_FEW) {
		snprintf(buf, n, "no comparison: the expected-course model rests on too few courses "
			 "(%ld, %d needed)", m->fit->groups, REPORT_MODEL_MIN_COURSES);
		return buf;
	}
	if (m->pace == OUTCOME_PACE_UNKNOWN) {
		snprintf(buf, n, "no comparison: this course has fewer than 2 scores of it");
		return buf;
	}
	/* A slope per log session, said per doubling of the sessions: * ln 2. */
	snprintf(buf, n, "%s the expected course (%s): %+.2f points per doubling of sessions, "
		 "expected %+.2f (difference %+.2f, 95%% %+.2f to %+.2f)", pace[m->pace], model,
		 (m->fit->beta[1] + b) * M_LN2, m->fit->beta[1] * M_LN2, b * M_LN2,
		 (b - OUTCOME_Z95 * sd) * M_LN2, (b + OUTCOME_Z95 * sd) * M_LN2);
	return buf;
}

const char *report_eligible_counts(const struct stats_clinic *r, char *buf, size_t n)
{
	/* Reached = hold it (the table's responders) + lost it: said so, so the
	 * two figures visibly agree. */
	snprintf(buf, n, "%ld of %ld eligible courses reached the MCID; %ld of them lost it, "
		 "%ld hold it (the responders); %ld had not reached it by their latest score; "
		 "%ld mild at baseline left out",
		 r->eligible - r->never_responded, r->eligible, r->response_lost, r->responders,
		 r->never_responded, r->courses - r->eligible);
	return buf;
}

const char *report_band(const struct report_clinic *c, size_t b, char *buf, size_t n)
{
	const struct report_break_band *x = &c->bands[b];
	char range[32];
	if (b + 1 < REPORT_BREAK_BANDS)
		snprintf(range, sizeof(range), "%ld-%ld days", x->lo, c->bands[b + 1].lo - 1);
	else
		snprintf(range, sizeof(range), "%ld+ days", x->lo);
	snprintf(buf, n, "%s: %ld break%s; after %ld a score was at least the MCID higher, "
		 "%ld of them a relapse", range, x->breaks, x->breaks == 1 ? "" : "s", x->rose,
		 x->relapsed);
	return buf;
}

/* How far from 0 the fair comparison's intervals reach; NAN: none. */
static double fair_reach(const struct report_clinic *c)
{
	double reach = NAN;
	size_t m, k;
	for (m = 0; c->has_fair && m < c->nm && m < STORE_BUILTIN_MEASURES; m++)
		for (k = 0; k < c->nther; k++) {
			const struct stats_mean *d = &c->fair[m][k].d;
			if (!isfinite(d->lo) || !isfinite(d->hi))
				continue;
			if (!(reach >= -d->lo))
				reach = -d->lo;
			if (!(reach >= d->hi))
				reach = d->hi;
		}
	return reach;
}

const char *report_fair_verdict(const struct report_clinic *c, char *buf, size_t n)
{
	size_t m, k, used = 0;
	int any = 0;
	char r[32];
	buf[0] = '\0';
	for (m = 0; m < c->nm && m < STORE_BUILTIN_MEASURES; m++)
		for (k = 0; k < c->nther; k++) {
			const struct stats_mean *d = &c->fair[m][k].d;
			int w;
			if (!(d->lo > 0 || d->hi < 0))
				continue;
			w = snprintf(buf + used, n - used, "%s%s, %s: %s than expected",
				     any ? "; " : "Intervals that exclude 0: ", c->names[m],
				     c->fair[m][k].name, d->hi < 0 ? "better" : "worse");
			if (w < 0 || (size_t)w >= n - used)
				return buf;
			used += (size_t)w;
			any = 1;
		}
	/* An interval that contains 0 does not show equality: say how wide. */
	if (!any && isnan(fair_reach(c)))
		snprintf(buf, n, "No therapist could be compared: none has 2 or more courses.");
	else if (!any)
		snprintf(buf, n, "No difference from the expected change was detected: every "
			 "adjusted interval contains 0, but the intervals reach as far as %s points "
			 "from 0, so differences that large cannot be ruled out.",
			 report_num(r, sizeof(r), fair_reach(c), 2));
	else if (used + 2 < n)
		snprintf(buf + used, n - used, ".");
	return buf;
}

const char *report_fair_level(const struct report_clinic *c, char *buf, size_t n)
{
	size_t nm = c->nm < STORE_BUILTIN_MEASURES ? c->nm : STORE_BUILTIN_MEASURES;
	char together[64], over[64] = "";
	if (!c->fair_k) {
		snprintf(buf, n, "No therapist has 2 or more courses: no intervals.");
		return buf;
	}
	/* The correction is for the k intervals of one measure, not all k x nm. */
	if (c->fair_k == 1)
		snprintf(together, sizeof(together), "the interval has");
	else
		snprintf(together, sizeof(together), "the %zu intervals together have", c->fair_k);
	if (nm > 1)
		snprintf(over, sizeof(over), " (for all %zu measures together, at most %zu%%)", nm,
			 5 * nm);
	snprintf(buf, n, "Intervals Bonferroni-adjusted for the %zu therapist%s compared "
		 "(2 or more courses): each a %.4g%% interval (1 - 0.05/%zu), so that for each "
		 "measure %s at most a 5%% chance of showing a difference that is not there%s.",
		 c->fair_k, c->fair_k == 1 ? "" : "s", 100 * c->fair_level, c->fair_k, together,
		 over);
	return buf;
}

/* Appends to buf (used so far in *used); 0, or -1 when it did not fit. */
static int add_words(char *buf, size_t n, size_t *used, const char *a, const char *b)
{
	int w = snprintf(buf + *used, n - *used, "%s%s", a, b);
	if (w < 0 || (size_t)w >= n - *used)
		return -1;
	*used += (size_t)w;
	return 0;
}

int report_fair_adjusted(const struct report_clinic *c)
{
	unsigned all = 0;
	size_t m, i;
	for (m = 0; m < c->nm && m < STORE_BUILTIN_MEASURES; m++)
		all |= 1u << m;
	for (i = 0; i < c->nind; i++)
		if ((c->ind[i].own_model & all) != all)
			return 0;
	return c->nind > 0;
}

const char *report_fair_basis(const struct report_clinic *c, char *buf, size_t n)
{
	unsigned all = 0;
	size_t m, i, own = 0, named = 0, used = 0;
	for (m = 0; m < c->nm && m < STORE_BUILTIN_MEASURES; m++)
		all |= 1u << m;
	for (i = 0; i < c->nind; i++)
		own += (c->ind[i].own_model & all) != 0;
	if (!own) {
		snprintf(buf, n, "the change expected by the whole clinic's model (no indication "
			 "has a model of its own, which needs %d courses, so indication is not "
			 "adjusted for)", REPORT_MODEL_MIN_COURSES);
		return buf;
	}
	buf[0] = '\0';
	if (add_words(buf, n, &used, own == c->nind ? "the change expected by each indication's "
			      "own model (" : "the change expected by an indication's own model "
			      "where it has one (", "") < 0)
		return buf;
	for (i = 0; i < c->nind; i++) {
		unsigned o = c->ind[i].own_model & all;
		if (!o)
			continue;
		if (add_words(buf, n, &used, named++ ? ", " : "", c->ind[i].name) < 0 ||
		    add_words(buf, n, &used, o != all ? " (some measures)" : "", "") < 0)
			return buf;
	}
	add_words(buf, n, &used, own == c->nind ? ")" : "), else by the whole clinic's model",
		  "");
	return buf;
}

const char *report_independence(const struct report_clinic *c, char *buf, size_t n)
{
	if (!c->courses)
		return NULL;
	if (!c->patients_multi)
		snprintf(buf, n, "%ld course%s from %ld patient%s, one course each.", c->courses,
			 c->courses == 1 ? "" : "s", c->patients, c->patients == 1 ? "" : "s");
	else
		snprintf(buf, n, "%ld courses from %ld patients (%ld patient%s with more than one "
			 "course); the tests and intervals treat courses as independent.",
			 c->courses, c->patients, c->patients_multi,
			 c->patients_multi == 1 ? "" : "s");
	return buf;
}

int report_km_shown(const struct report_clinic *c)
{
	size_t m;
	for (m = 0; m < c->nm && c->km_ticks; m++)
		if (report_listed(m, &c->cl[m]) && c->km[m].total > 0)
			return 1;
	return 0;
}

const char *report_worse_count(const struct report_clinic *c, char *buf, size_t n)
{
	if (c->nworse_courses == c->nworse)
		snprintf(buf, n, "%zu", c->nworse);
	else
		snprintf(buf, n, "%zu, with %zu measures worse", c->nworse_courses, c->nworse);
	return buf;
}

/* The RCI's reading of a worse measure: a rise by the MCID alone may lie
 * within measurement error. */
const char *report_worse_rci(const char *category)
{
	if (!category)
		return "no RCI";
	if (!strcmp(category, "deteriorated"))
		return "a reliable deterioration";
	return "not a reliable change (RCI)";
}
