/*
 * clinic.h - the contract's fixed vocabulary and the constants that the
 * statistics, the clinical rules and the readers share, each in one place:
 * the four measures every sessions file carries, the score scale, the
 * two-sided 95% z, the slack for comparing decimal scores, and the course
 * gap's default, and the rules a reading needs.  Numbers only: no code, no
 * state.
 */
#ifndef SYMTREND_CLINIC_H
#define SYMTREND_CLINIC_H

/* The contract's measures, in column order (required columns of a sessions
 * file; extra measures are declared with 'ingest --measure'). */
#define CLINIC_MEASURES 4
#define CLINIC_MEASURE_NAMES { "fatigue", "sleep", "focus", "pain" }

/* Scores are 0 (no symptom) to 10 (worst imaginable). */
#define CLINIC_SCORE_MIN 0
#define CLINIC_SCORE_MAX 10

/* Two-sided 95%: reliable change is |RCI| >= 1.96 (Jacobson-Truax), and the
 * bands of the expected course are +-1.96 SD. */
#define CLINIC_Z95 1.96

/* Scores are decimals: differences are compared with this slack, so a
 * change of exactly the MCID counts. */
#define CLINIC_SCORE_EPS 1e-9

/* Scored sessions the statistics need: a trend (OLS with a t interval) 3,
 * a plateau fit 5; the reading judges a measure from 3 scores. */
#define CLINIC_TREND_MIN 3
#define CLINIC_PLATEAU_MIN 5

/* Letters: a pause worth naming is at least this long (and twice the
 * course's usual interval); the expected course needs a model of this many
 * courses. */
#define CLINIC_PAUSE_MIN_DAYS 10
#define CLINIC_MODEL_MIN_COURSES 20

/* The clinic report's break lengths: relapse_gap to 44 days, 45 to 89, 90
 * or more (a break of 90 days or more starts a new derived course). */
#define CLINIC_BREAK_MID 45
#define CLINIC_BREAK_LONG 90

/* Days without a session that start a new derived course (course_gap). */
#define CLINIC_COURSE_GAP_DEFAULT 90

/* The clinic's rules a reading needs (outcome_read_course), from the
 * settings (settings_rules): plain numbers, so that settings and outcome
 * share them without knowing each other. */
struct outcome_rules {
	long relapse_gap;          /* days between two scored sessions that make a break */
	long no_response_sessions; /* sessions without a response before "no response" */
	long course_gap;           /* days without a session after which a course is over */
	long alert_window;         /* days a course stays active after its last session */
};

/* A number as a string literal: CLINIC_STR(CLINIC_COURSE_GAP_DEFAULT) is "90". */
#define CLINIC_STR_(x) #x
#define CLINIC_STR(x) CLINIC_STR_(x)

#endif
