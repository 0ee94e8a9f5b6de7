/*
 * reading.h - the one reading of a patient (CONTRACT.md, "One reading, every
 * output"): every course's statistics and outcome reading, and the episode
 * of care since referral.  Built once per patient from the store; the
 * alerts, the letter and note, the morning page and the clinic report take
 * their states, next step and evidence from here and decide nothing.
 *
 * The rules themselves are outcome.c's; this module only gathers what they
 * need (the patient's courses in order, the course before each one, the
 * planned sessions of the referral) and keeps the result.
 */
#ifndef SYMTREND_READING_H
#define SYMTREND_READING_H

#include "outcome.h"
#include "stats.h"
#include "store.h"

/* The change of one measure since referral, over the episode's courses. */
struct reading_episode_measure {
	size_t n;                 /* scored sessions in the episode */
	long first_date, last_date;
	double first, last;       /* the first score of its first course, the latest */
};

/* The courses of the patient that start on or after referral_date. */
struct reading_episode {
	size_t first;             /* index of its first course */
	size_t courses, sessions; /* courses and attended sessions in it */
	long from;                /* referral date, or the first session when none */
	int referral_given;
	struct reading_episode_measure m[CSVIN_MAX_MEASURES];
};

struct reading {
	const char *patient_id;
	size_t n;                  /* courses, in order of their first session */
	struct store_course *course;
	struct stats_course (*r)[CSVIN_MAX_MEASURES]; /* per course, per measure */
	struct outcome_course *oc; /* per course */
	long referral_date;        /* CSVIN_NO_DATE: none */
	int planned;               /* the referral's planned sessions; 0: none */
	size_t planned_course;     /* the course they belong to (n: none) */
	struct reading_episode ep;
};

/* Reads patient pid as of 'today' (days).  which: every course (READING_ALL)
 * or only the active ones and the latest fully (READING_ACTIVE: the other
 * courses get no plateau fit, which no output of the night reads).
 * 0, 1 when the patient has no sessions, -1 with err. */
enum reading_what { READING_ALL, READING_ACTIVE };
int reading_patient(struct store *s, const struct stats_ctx *sc, const struct outcome_rules *rules,
		    const char *pid, long today, enum reading_what which, struct reading *out,
		    struct error *err);
void reading_release(struct reading *rd);
/* The course the referral opened: the first of the n courses (in order of
 * start) that starts on or after referral_date (the first when none is
 * given: CSVIN_NO_DATE); n when every course started before it.  The
 * episode of care starts there, and the planned sessions belong to it. */
size_t reading_referral_course(const struct store_course *course, size_t n, long referral_date);
/* The index of course_id (NULL: the latest); rd->n when unknown. */
size_t reading_course_index(const struct reading *rd, const char *course_id);

#endif
