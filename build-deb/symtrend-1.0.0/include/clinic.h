/*
 * clinic.h - the contract's fixed vocabulary and the constants that the
 * statistics, the clinical rules and the readers share, each in one place:
 * the four measures every sessions file carries, the score scale, the
 * two-sided 95% z, the slack for comparing decimal scores, and the course
 * gap's default.  Numbers only: no code, no state.
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

/* Days without a session that start a new derived course (course_gap). */
#define CLINIC_COURSE_GAP_DEFAULT 90

/* A number as a string literal: CLINIC_STR(CLINIC_COURSE_GAP_DEFAULT) is "90". */
#define CLINIC_STR_(x) #x
#define CLINIC_STR(x) CLINIC_STR_(x)

#endif
