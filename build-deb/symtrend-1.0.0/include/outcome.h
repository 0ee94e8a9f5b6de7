/*
 * outcome.h - the clinic's rules: what a course's statistics mean for the
 * patient.  Owns every clinical judgement the note, the clinic report and the
 * nightly alerts make: improved, worse, a response reached or lost, no
 * response, relapse after a break, plateau reached, how the course compares
 * with the clinic's expected course, and which courses count for the
 * response figures (CONTRACT.md, "Statistics" and "Alerts (nightly)").
 * No other module keeps a rule of its own: they ask here.
 *
 * Pure functions over the numbers of stats.h and model.h: no store, no
 * formatting, no printing.  Scores are decimals, so differences are compared
 * with OUTCOME_EPS of slack: a change of exactly the MCID counts.
 */
#ifndef SYMTREND_OUTCOME_H
#define SYMTREND_OUTCOME_H

#include <stddef.h>

#include "clinic.h"
#include "stats.h"

/* The shared constants (clinic.h), under the names the rules use. */
#define OUTCOME_EPS CLINIC_SCORE_EPS
/* Two-sided 95% normal quantile: the RCI's and the course effect's bound. */
#define OUTCOME_Z95 CLINIC_Z95
/* Sessions a levelling-off judgement needs (the plateau fit's minimum). */
#define OUTCOME_LEVELLING_MIN 5

/* The reading of one measure's change over a course, first match wins. */
enum outcome_change {
	OUTCOME_ONE_SESSION,       /* n < 2: no change to read */
	OUTCOME_IMPROVED,          /* baseline - latest >= MCID */
	OUTCOME_RELIABLY_IMPROVED, /* less than the MCID, but reliable_change improved */
	OUTCOME_WORSE,             /* outcome_worse */
	OUTCOME_NO_CLEAR_CHANGE,
};
enum outcome_change outcome_change_reading(const struct stats_course *r, double mcid);

/* Has the change levelled off? */
enum outcome_levelling {
	OUTCOME_LEVEL_TOO_FEW,  /* n < OUTCOME_LEVELLING_MIN */
	OUTCOME_LEVEL_STEADY,   /* no plateau fit, trend's 95% CI wholly below 0 */
	OUTCOME_LEVEL_UNCLEAR,  /* no plateau fit, no clear trend */
	OUTCOME_LEVEL_REACHED,  /* plateau fit, s90 <= last session */
	OUTCOME_LEVEL_CHANGING, /* plateau fit, s90 after the last session */
	OUTCOME_LEVEL_NOT_FALLING, /* plateau fit, but the curve does not fall: no
				    * improvement to level off (a plateau is read
				    * only for improvements) */
};
enum outcome_levelling outcome_levelling(const struct stats_course *r);

/* n >= 2 and baseline - latest >= mcid. */
int outcome_improved(const struct stats_course *r, double mcid);
/* reliable_change is "improved" (rci <= -1.96). */
int outcome_reliably_improved(const struct stats_course *r);
/* reliable_change is "deteriorated" (rci >= 1.96). */
int outcome_reliably_worse(const struct stats_course *r);
/* Worse: n >= 2 and (latest - baseline >= mcid or reliably worse). */
int outcome_worse(const struct stats_course *r, double mcid);
/* The MCID was reached at some session (sessions_to_response defined). */
int outcome_response_reached(const struct stats_course *r);
/* Response lost: reached at some session, but baseline - latest < mcid now. */
int outcome_response_lost(const struct stats_course *r, double mcid);
/* Plateau reached: improved by the MCID, a plateau fit inside the 0-10
 * scale, last session >= s90.  A worsening course never has one. */
int outcome_plateau_reached(const struct stats_course *r, double mcid);
/* No response (course level): sessions >= min_sessions and none of the
 * nm measures r[0..nm-1] ever reached its MCID. */
int outcome_no_response(const struct stats_course *r, size_t nm, size_t sessions,
			long min_sessions);
/*
 * Relapse after a break: scores y_a then y_b of two consecutive scored
 * sessions gap_days apart, base_a the baseline of a's course.  The gap is at
 * least relapse_gap days, y_b - y_a >= mcid, and before the break the score
 * had improved by the MCID (base_a - y_a >= mcid).
 */
int outcome_relapse(double base_a, double y_a, double y_b, long gap_days, double mcid,
		    long relapse_gap);
/* What a break did to a measure: y_a, y_b the scores of the sessions around
 * a pause of gap_days (>= relapse_gap), base_a the baseline of a's course. */
enum outcome_break {
	OUTCOME_BREAK_RELAPSE, /* outcome_relapse: had improved by the MCID, rose by it */
	OUTCOME_BREAK_WORSE,   /* rose by the MCID, but had not improved before the break */
	OUTCOME_BREAK_BETTER,  /* fell by the MCID: still improving */
	OUTCOME_BREAK_HELD,    /* moved by less than the MCID either way */
	OUTCOME_BREAK_UNSCORED, /* not recorded on one side (outcome_break_read only) */
};
enum outcome_break outcome_break_reading(double base_a, double y_a, double y_b, long gap_days,
					 double mcid, long relapse_gap);
/* A pause of gap_days between two sessions is a break whose scores are read
 * (relapse or not): at least relapse_gap days. */
int outcome_is_break(long gap_days, long relapse_gap);
/*
 * The one reading of a break over nm measures, for the note and the letter
 * alike: base[m] the baseline of the course before the break, before[m] and
 * after[m] the scores of the sessions around it (NAN: not recorded, read as
 * OUTCOME_BREAK_UNSCORED).  Fills reading[m] with outcome_break_reading and
 * returns the break as a whole: RELAPSE when a measure relapsed, else WORSE
 * when one rose by its MCID, else HELD.
 */
enum outcome_break outcome_break_read(size_t nm, const double *base, const double *before,
				      const double *after, const double *mcid, long gap_days,
				      long relapse_gap, enum outcome_break *reading);
/* A relapse that still holds at the end of the course: the latest score is
 * still at least the MCID above the score before the break (y_a). */
int outcome_relapse_holds(double y_a, double latest, double mcid);
/* A levelling-off forecast further out than twice the sessions seen (s90 >
 * 2 * last session) says more than the data carry: "still improving". */
int outcome_forecast_too_far(const struct stats_course *r);
/* An active course: its last session at most 'window' days before 'today'
 * (days since 1970-01-01); only active courses raise alerts. */
int outcome_active(long last_date, long today, long window);
/* Counts for the response figures: baseline >= min_baseline. */
int outcome_eligible(const struct stats_course *r, double min_baseline);

/*
 * A finished course (the letter's "Completed" status line): a later course of
 * the patient has started, its last session is more than course_gap days
 * before the run date 'today' (another session would start a new course), or
 * every planned session has been attended (planned > 0; 0: none planned).
 * Dates in days.
 */
int outcome_course_finished(long last_date, long today, long course_gap, int later_course,
			    long attended, long planned);

/* The next step of a patient's latest course (CONTRACT.md, first match):
 * refer back (worse, or a relapse still present), review (an ongoing course
 * that lost a response), none (finished), stop (no response), taper (every
 * measure that responded has levelled off), continue.  A suggestion only:
 * the therapist's own recommendation replaces it. */
enum outcome_step { OUTCOME_STEP_CONTINUE, OUTCOME_STEP_TAPER, OUTCOME_STEP_STOP,
		    OUTCOME_STEP_REFER_BACK, OUTCOME_STEP_NONE, OUTCOME_STEP_REVIEW };

/*
 * The one reading of a course (CONTRACT.md, "One reading, every output"):
 * per measure its states with their evidence, per course whether it goes on
 * and the next step with its reason.  Computed once by outcome_read_course;
 * alerts.csv, the letter and note, the morning page and the clinic report
 * render it and decide nothing of their own.
 */

/* The clinic's rules a reading needs, loaded once from the settings. */
struct outcome_rules {
	long relapse_gap;          /* days between two scored sessions that make a break */
	long no_response_sessions; /* sessions without a response before "no response" */
	long course_gap;           /* days without a session after which a course is over */
	long alert_window;         /* days a course stays active after its last session */
};

/* A measure's states (several may hold), as bits of outcome_measure.states. */
enum outcome_state {
	OUTCOME_NOT_JUDGED = 1u << 0,  /* n < OUTCOME_JUDGE_MIN, or mild at baseline */
	OUTCOME_WORSE_ST = 1u << 1,    /* outcome_worse */
	OUTCOME_RELAPSE_ST = 1u << 2,  /* a relapse after a break (evidence: relapse) */
	OUTCOME_LOST_ST = 1u << 3,     /* outcome_response_lost */
	OUTCOME_LEVELLED_ST = 1u << 4, /* outcome_plateau_reached: the only levelling-off rule */
	OUTCOME_RESPONDED_ST = 1u << 5, /* reached the MCID and still there */
	OUTCOME_NO_RESPONSE_ST = 1u << 6, /* no_response_sessions scored, MCID never reached */
	OUTCOME_IMPROVING_ST = 1u << 7, /* none of the above, latest < baseline */
};
/* Scored sessions a measure needs before it is judged. */
#define OUTCOME_JUDGE_MIN 3

/* The evidence of a relapse: the scored sessions a, b around the break. */
struct outcome_relapse_at {
	long date_a, date_b;
	double y_a, y_b, base_a; /* base_a: the baseline of a's course */
	int across;              /* a is the last scored session of the previous course */
	int present;             /* still present at the latest score: latest >= y_a + MCID */
};

struct outcome_measure {
	unsigned states;       /* enum outcome_state bits; 0 when not recorded */
	int mild;              /* baseline below min_baseline */
	double min_baseline;   /* the threshold said with "mild" */
	struct outcome_relapse_at relapse; /* OUTCOME_RELAPSE_ST: the latest relapse */
	int best_session;      /* OUTCOME_LOST_ST: the scored session with the best score */
	double best;           /*   after the response, and that score */
};

struct outcome_course {
	size_t nm;
	struct outcome_measure m[CSVIN_MAX_MEASURES];
	int active;            /* a session in the alert_window days before the run date */
	int finished;          /* outcome_course_finished */
	int no_response;       /* outcome_no_response over every measure */
	enum outcome_step step;
};

/* Whether measure m holds state st. */
#define OUTCOME_HAS(oc, mi, st) (((oc)->m[(mi)].states & (st)) != 0)

/*
 * Reads course c of a patient: r[m] its statistics and set[m] its settings
 * for each of the nm measures, prev the patient's course before it (NULL:
 * none), later_course whether one after it exists, planned its planned
 * sessions (0: none), today the run date (days).
 */
void outcome_read_course(const struct outcome_rules *rules, const struct stats_settings *set,
			 const struct store_course *c, const struct store_course *prev,
			 const struct stats_course *r, size_t nm, long today, int later_course,
			 long planned, struct outcome_course *out);
/* The next step from the measures' states (the contract's first match). */
enum outcome_step outcome_step_of(const struct outcome_course *oc);
/* The next step as the letter and the morning page write it ("refer back"). */
const char *outcome_step_word(enum outcome_step s);

/* A course against the clinic's expected course: its random slope effect
 * (lower is better) and that effect's SD, 95% bounds. */
enum outcome_pace { OUTCOME_PACE_UNKNOWN, OUTCOME_PACE_AHEAD, OUTCOME_PACE_IN_LINE,
		    OUTCOME_PACE_BEHIND };
enum outcome_pace outcome_pace(double effect, double sd);

#endif
