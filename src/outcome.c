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

enum outcome_step outcome_next_step(const struct stats_course *r, const double *mcid, size_t nm,
				    size_t sessions, long min_sessions, int relapsed,
				    int finished)
{
	size_t m, improved = 0, levelled = 0;
	for (m = 0; m < nm; m++)
		if (outcome_worse(&r[m], mcid[m]))
			relapsed = 1;
	if (relapsed)
		return OUTCOME_STEP_REFER_BACK;
	/* A course that ended is not continued, tapered or stopped. */
	if (finished)
		return OUTCOME_STEP_NONE;
	if (outcome_no_response(r, nm, sessions, min_sessions))
		return OUTCOME_STEP_STOP;
	for (m = 0; m < nm; m++) {
		if (!outcome_improved(&r[m], mcid[m]))
			continue;
		improved++;
		levelled += outcome_plateau_reached(&r[m], mcid[m]) != 0;
	}
	return improved > 0 && levelled == improved ? OUTCOME_STEP_TAPER : OUTCOME_STEP_CONTINUE;
}
