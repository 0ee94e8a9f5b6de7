/*
 * outcome.c - the clinic's rules.  See outcome.h.
 */
#include "outcome.h"

#include <math.h>
#include <string.h>

static int category_is(const char *v, const char *what)
{
	return v && !strcmp(v, what);
}

int outcome_improved(const struct stats_course *r, double mcid)
{
	return r->n >= 2 && r->baseline - r->latest >= mcid - OUTCOME_EPS;
}

int outcome_reliably_improved(const struct stats_course *r)
{
	return category_is(r->reliable_change, "improved");
}

int outcome_reliably_worse(const struct stats_course *r)
{
	return category_is(r->reliable_change, "deteriorated");
}

int outcome_worse(const struct stats_course *r, double mcid)
{
	return r->n >= 2 && (r->change >= mcid - OUTCOME_EPS || outcome_reliably_worse(r));
}

int outcome_response_reached(const struct stats_course *r)
{
	return r->sessions_to_response > 0;
}

int outcome_response_lost(const struct stats_course *r, double mcid)
{
	return outcome_response_reached(r) && !(r->baseline - r->latest >= mcid - OUTCOME_EPS);
}

int outcome_plateau_reached(const struct stats_course *r, double mcid)
{
	return outcome_improved(r, mcid) && isfinite(r->s90) && (double)r->last_session >= r->s90 &&
	       r->plateau >= 0 && r->plateau <= 10;
}

int outcome_no_response(const struct stats_course *r, size_t nm, size_t sessions,
			long min_sessions)
{
	size_t m;
	if ((long)sessions < min_sessions)
		return 0;
	for (m = 0; m < nm; m++)
		if (outcome_response_reached(&r[m]))
			return 0;
	return 1;
}

enum outcome_break outcome_break_reading(double base_a, double y_a, double y_b, long gap_days,
					 double mcid, long relapse_gap)
{
	if (outcome_relapse(base_a, y_a, y_b, gap_days, mcid, relapse_gap))
		return OUTCOME_BREAK_RELAPSE;
	if (y_b - y_a >= mcid - OUTCOME_EPS)
		return OUTCOME_BREAK_WORSE;
	if (y_a - y_b >= mcid - OUTCOME_EPS)
		return OUTCOME_BREAK_BETTER;
	return OUTCOME_BREAK_HELD;
}

int outcome_is_break(long gap_days, long relapse_gap)
{
	return gap_days >= relapse_gap;
}

enum outcome_break outcome_break_read(size_t nm, const double *base, const double *before,
				      const double *after, const double *mcid, long gap_days,
				      long relapse_gap, enum outcome_break *reading)
{
	enum outcome_break all = OUTCOME_BREAK_HELD;
	size_t m;
	for (m = 0; m < nm; m++) {
		if (isnan(base[m]) || isnan(before[m]) || isnan(after[m])) {
			reading[m] = OUTCOME_BREAK_UNSCORED;
			continue;
		}
		reading[m] = outcome_break_reading(base[m], before[m], after[m], gap_days, mcid[m],
						   relapse_gap);
		if (reading[m] == OUTCOME_BREAK_RELAPSE)
			all = OUTCOME_BREAK_RELAPSE;
		else if (reading[m] == OUTCOME_BREAK_WORSE && all != OUTCOME_BREAK_RELAPSE)
			all = OUTCOME_BREAK_WORSE;
	}
	return all;
}

int outcome_relapse_holds(double y_a, double latest, double mcid)
{
	return latest - y_a >= mcid - OUTCOME_EPS;
}

int outcome_forecast_too_far(const struct stats_course *r)
{
	return isfinite(r->s90) && r->s90 > 2.0 * r->last_session;
}

int outcome_active(long last_date, long today, long window)
{
	return today - last_date <= window;
}

int outcome_relapse(double base_a, double y_a, double y_b, long gap_days, double mcid,
		    long relapse_gap)
{
	return outcome_is_break(gap_days, relapse_gap) && y_b - y_a >= mcid - OUTCOME_EPS &&
	       base_a - y_a >= mcid - OUTCOME_EPS;
}

int outcome_eligible(const struct stats_course *r, double min_baseline)
{
	return r->n >= 1 && r->baseline >= min_baseline - OUTCOME_EPS;
}

enum outcome_change outcome_change_reading(const struct stats_course *r, double mcid)
{
	if (r->n < 2)
		return OUTCOME_ONE_SESSION;
	if (outcome_improved(r, mcid))
		return OUTCOME_IMPROVED;
	if (outcome_reliably_improved(r))
		return OUTCOME_RELIABLY_IMPROVED;
	if (outcome_worse(r, mcid))
		return OUTCOME_WORSE;
	return OUTCOME_NO_CLEAR_CHANGE;
}

enum outcome_levelling outcome_levelling(const struct stats_course *r)
{
	if (r->n < OUTCOME_LEVELLING_MIN)
		return OUTCOME_LEVEL_TOO_FEW;
	if (!isfinite(r->plateau))
		return isfinite(r->slope_hi) && r->slope_hi < 0 ? OUTCOME_LEVEL_STEADY
								: OUTCOME_LEVEL_UNCLEAR;
	if (!(r->plateau < r->plateau_b))
		return OUTCOME_LEVEL_NOT_FALLING;
	return r->s90 <= r->last_session ? OUTCOME_LEVEL_REACHED : OUTCOME_LEVEL_CHANGING;
}

enum outcome_pace outcome_pace(double effect, double sd)
{
	if (!isfinite(effect) || !isfinite(sd))
		return OUTCOME_PACE_UNKNOWN;
	/* Lower is better: a negative random slope is a faster improvement. */
	if (effect + OUTCOME_Z95 * sd < 0)
		return OUTCOME_PACE_AHEAD;
	if (effect - OUTCOME_Z95 * sd > 0)
		return OUTCOME_PACE_BEHIND;
	return OUTCOME_PACE_IN_LINE;
}

int outcome_course_finished(long last_date, long today, long course_gap, int later_course,
			    long attended, long planned)
{
	return later_course || today - last_date > course_gap ||
	       (planned > 0 && attended >= planned);
}

/* The reading of a course ---------------------------------------------- */

static double score_at(const struct store_course *c, size_t i, size_t m)
{
	return c->score[i * c->nmeasures + m];
}

/* The last scored session of measure m in course p as a relapse's 'a'. */
static int last_scored(const struct store_course *p, size_t m, struct outcome_relapse_at *a)
{
	size_t i;
	int found = 0;
	a->base_a = NAN;
	for (i = 0; i < p->n; i++) {
		double y = score_at(p, i, m);
		if (isnan(y))
			continue;
		if (!found)
			a->base_a = y;
		a->date_a = p->date[i];
		a->y_a = y;
		found = 1;
	}
	return found;
}

/*
 * The one break finder: consecutive *scored* sessions a, b of measure m with
 * b in course c and a in c or the last scored of prev (CONTRACT.md, the
 * relapse alert).  Keeps the latest pair the rule calls a relapse.
 */
static int find_relapse(const struct outcome_rules *rules, double mcid,
			const struct store_course *c, const struct store_course *prev, size_t m,
			struct outcome_relapse_at *hit)
{
	struct outcome_relapse_at a = { 0, 0, NAN, NAN, NAN, 1, 0 };
	double base = NAN;
	size_t i;
	int have_a = prev && last_scored(prev, m, &a), found = 0;
	for (i = 0; i < c->n; i++) {
		double y = score_at(c, i, m);
		if (isnan(y))
			continue;
		if (isnan(base))
			base = y;
		if (have_a && outcome_relapse(a.base_a, a.y_a, y, c->date[i] - a.date_a, mcid,
					      rules->relapse_gap)) {
			*hit = a;
			hit->date_b = c->date[i];
			hit->y_b = y;
			found = 1;
		}
		a.date_a = c->date[i];
		a.y_a = y;
		a.base_a = base;
		a.across = 0;
		have_a = 1;
	}
	return found;
}

/* The best score after the response was reached, for "improved to 5.5 by
 * session 4 but rose again". */
static void best_after_response(const struct store_course *c, size_t m,
				const struct stats_course *r, struct outcome_measure *x)
{
	size_t i, no = 0;
	x->best = NAN;
	for (i = 0; i < c->n; i++) {
		double y = score_at(c, i, m);
		if (isnan(y))
			continue;
		no = i + 1;
		if ((int)no >= r->sessions_to_response && (isnan(x->best) || y < x->best)) {
			x->best = y;
			x->best_session = (int)no;
		}
	}
}

static void read_measure(const struct outcome_rules *rules, const struct stats_settings *set,
			 const struct store_course *c, const struct store_course *prev, size_t m,
			 const struct stats_course *r, struct outcome_measure *x)
{
	unsigned st = 0;
	memset(x, 0, sizeof(*x));
	x->min_baseline = set->min_baseline;
	if (r->n == 0)
		return;
	x->mild = !outcome_eligible(r, set->min_baseline);
	if (r->n < OUTCOME_JUDGE_MIN || x->mild)
		st |= OUTCOME_NOT_JUDGED;
	if (outcome_worse(r, set->mcid))
		st |= OUTCOME_WORSE_ST;
	if (find_relapse(rules, set->mcid, c, prev, m, &x->relapse)) {
		st |= OUTCOME_RELAPSE_ST;
		x->relapse.present = outcome_relapse_holds(x->relapse.y_a, r->latest, set->mcid);
	}
	/* From a mild start a response is not judged, nor is its loss (the
	 * clinic's response figures leave such courses out too). */
	if (!x->mild && outcome_response_lost(r, set->mcid)) {
		st |= OUTCOME_LOST_ST;
		best_after_response(c, m, r, x);
	}
	if (outcome_plateau_reached(r, set->mcid) && !(st & OUTCOME_WORSE_ST))
		st |= OUTCOME_LEVELLED_ST;
	if (!(st & OUTCOME_NOT_JUDGED)) {
		if (outcome_response_reached(r) && outcome_improved(r, set->mcid))
			st |= OUTCOME_RESPONDED_ST;
		else if (!outcome_response_reached(r) &&
			 (long)r->n >= rules->no_response_sessions)
			st |= OUTCOME_NO_RESPONSE_ST;
	}
	if (st == 0 && r->latest < r->baseline - OUTCOME_EPS)
		st |= OUTCOME_IMPROVING_ST;
	x->states = st;
}

void outcome_read_course(const struct outcome_rules *rules, const struct stats_settings *set,
			 const struct store_course *c, const struct store_course *prev,
			 const struct stats_course *r, size_t nm, long today, int later_course,
			 long planned, struct outcome_course *out)
{
	size_t m;
	long last = c->n ? c->date[c->n - 1] : 0;
	memset(out, 0, sizeof(*out));
	out->nm = nm;
	for (m = 0; m < nm; m++)
		read_measure(rules, &set[m], c, prev, m, &r[m], &out->m[m]);
	out->active = c->n > 0 && outcome_active(last, today, rules->alert_window);
	out->finished = outcome_course_finished(last, today, rules->course_gap, later_course,
						(long)c->n, planned);
	out->no_response = outcome_no_response(r, nm, c->n, rules->no_response_sessions);
	out->step = outcome_step_of(out);
}

enum outcome_step outcome_step_of(const struct outcome_course *oc)
{
	size_t m, responded = 0, levelled = 0;
	for (m = 0; m < oc->nm; m++)
		if (OUTCOME_HAS(oc, m, OUTCOME_WORSE_ST) ||
		    (OUTCOME_HAS(oc, m, OUTCOME_RELAPSE_ST) && oc->m[m].relapse.present))
			return OUTCOME_STEP_REFER_BACK;
	if (!oc->finished)
		for (m = 0; m < oc->nm; m++)
			if (OUTCOME_HAS(oc, m, OUTCOME_LOST_ST))
				return OUTCOME_STEP_REVIEW;
	/* A course that ended is not continued, tapered or stopped. */
	if (oc->finished)
		return OUTCOME_STEP_NONE;
	if (oc->no_response)
		return OUTCOME_STEP_STOP;
	for (m = 0; m < oc->nm; m++) {
		if (!OUTCOME_HAS(oc, m, OUTCOME_RESPONDED_ST))
			continue;
		responded++;
		levelled += OUTCOME_HAS(oc, m, OUTCOME_LEVELLED_ST);
	}
	return responded > 0 && levelled == responded ? OUTCOME_STEP_TAPER : OUTCOME_STEP_CONTINUE;
}

const char *outcome_step_word(enum outcome_step s)
{
	static const char *const words[] = {
		[OUTCOME_STEP_CONTINUE] = "continue", [OUTCOME_STEP_TAPER] = "taper",
		[OUTCOME_STEP_STOP] = "stop", [OUTCOME_STEP_REFER_BACK] = "refer back",
		[OUTCOME_STEP_NONE] = "none", [OUTCOME_STEP_REVIEW] = "review",
	};
	return words[s];
}
