/*
 * report_index.h - the director's morning page (part of the report module):
 * OUT/index.html, one standalone page that says who needs a look today.
 *
 * As the other reports: a builder (report_index.c) reads the store and the
 * output folder and returns the page's content as a struct; a renderer
 * (report_index_html.c) is a pure function of it.  The page holds today's
 * alerts by kind, the active courses with their readings and sparklines,
 * the clinic this period against the previous one, and links to the files
 * of the day.  Every link is to a file the builder found on disk, relative
 * to OUT; patient names only when the index_show_names setting is 1.
 */
#ifndef SYMTREND_REPORT_INDEX_H
#define SYMTREND_REPORT_INDEX_H

#include "outcome.h"
#include "stats.h"
#include "stats_compare.h"
#include "store.h"

#define REPORT_INDEX_MAX_DAYS 14 /* previous days' pages linked */

/* A measure of an active course: its figures and its states in the
 * course's reading (reading.h), which the page renders and never decides. */
struct report_index_measure {
	size_t n;          /* scored sessions */
	double baseline, latest, change;
	unsigned states;   /* enum outcome_state bits */
	int mild;
};

struct report_index_course {
	char *patient_id, *course_id, *name; /* name NULL unless shown */
	char *indication, *therapist;        /* NULL when unknown */
	char *letter;                        /* href of the latest letter, or NULL */
	size_t sessions;
	long from, to;
	size_t nscores;                      /* sessions x nm, NAN: not recorded */
	double *scores;
	struct report_index_measure m[CSVIN_MAX_MEASURES];
	enum outcome_step step;              /* the reading's next step */
};

/* An open alert, with the href of the patient's letter (or NULL). */
struct report_index_alert {
	const struct store_alert *a;
	char *letter;
};

/* The needs the headline counts patients by, in the order a director reads
 * them; plateaus are good news, apart. */
enum report_index_need { INDEX_WORSE, INDEX_RELAPSE, INDEX_LOST, INDEX_NO_RESPONSE,
			 INDEX_NEEDS };

/* The clinic over the courses that started in [from, to]. */
struct report_index_period {
	long from, to;
	struct stats_clinic cl[CSVIN_MAX_MEASURES];
};

/* This period against the previous one (report_period.c). */
struct report_periods {
	long period; /* days */
	struct report_index_period cur, prev;
	struct stats_diff dchange[CSVIN_MAX_MEASURES], dresp[CSVIN_MAX_MEASURES];
};

struct report_index_link {
	char *href, *label;
};

struct report_index {
	const char *today;
	long window;               /* alert_window */
	int show_names;
	size_t nm;
	const char *names[CSVIN_MAX_MEASURES];
	struct store_alerts alerts_; /* owned: every open alert, oldest first */
	struct report_index_alert *alerts;
	size_t nalerts;
	size_t need_patients[INDEX_NEEDS]; /* patients with an open, unacknowledged alert */
	size_t plateau_patients, acked;    /* good news; acknowledged alerts */
	char *alert_runs;          /* "HH:MM" of today's runs, NULL: no run today */
	char *clinic_report;       /* href of the clinic report, or NULL */
	struct report_index_course *c;
	size_t nc;
	struct report_periods p;
	struct report_index_link *links, *days; /* the day's files; previous days' pages */
	size_t nlinks, ndays;
};

/* The page for 'today' over the reports in out_dir (period in days, > 0).
 * 0, or -1 with err. */
int report_index_build(struct store *s, const struct stats_ctx *sc, const char *out_dir,
		       const char *today, long period, struct report_index *out,
		       struct error *err);
void report_index_release(struct report_index *x);

/* The two periods compared: courses started in the 'period' days to today
 * against the 'period' days before (the page's and the clinic report's). */
int report_period_compare(struct store *s, const struct stats_ctx *sc, long today, long period,
			  struct report_periods *out, struct error *err);
/* The same, fed course by course from a pass the caller makes anyway:
 * add the statistics of measure m of a course that started on 'start'. */
struct report_period_acc;
struct report_period_acc *report_period_acc_new(size_t nm, long today, long period,
						struct report_periods *out);
void report_period_acc_add(struct report_period_acc *pa, long start, size_t m,
			   const struct stats_course *r);
/* Fills 'out' and frees pa. */
void report_period_acc_finish(struct report_period_acc *pa);
/* The comparison as an HTML section and as 80-column text. */
void report_periods_html(struct strbuf *h, const char *const *names, size_t nm,
			 const struct report_periods *p);
void report_periods_text(struct strbuf *t, const char *const *names, size_t nm,
			 const struct report_periods *p);

/* The page; 'prefix' goes before every href ("" for OUT/index.html,
 * "../" for the copy in OUT/DATE/). */
void report_index_html(struct strbuf *h, const struct report_index *x, const char *prefix);
/* A measure's states as the page's word ("worse", "response lost", ...). */
const char *report_index_word(unsigned states, int mild);
/* The need an alert kind stands for; INDEX_NEEDS for a plateau. */
enum report_index_need report_index_need_of(const char *kind);

/* Writes OUT/index.html and OUT/TODAY/index.html (when that folder exists). */
int report_index_write(struct store *s, const struct stats_ctx *sc, const char *out_dir,
		       const char *today, long period, struct error *err);

#endif
