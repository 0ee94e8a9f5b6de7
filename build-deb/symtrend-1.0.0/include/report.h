/*
 * report.h - the progress note for the referring physician and the
 * director's clinic report, as plain text (80 columns) and standalone HTML
 * (A4, charts embedded as SVG).
 *
 * Owns the wording of the reports and their files.  Reports are collected
 * in a batch so that one gnuplot process draws every chart of a run; text
 * files are written at once, HTML files (which embed the charts) when the
 * batch finishes.  Every file is written to a temporary name and renamed,
 * mode 0600, in folders created 0700.  The numbers are those of stats_,
 * the readings those of outcome_.  Inside, a report is data first, then
 * views (report_data.h).
 */
#ifndef SYMTREND_REPORT_H
#define SYMTREND_REPORT_H

#include "model.h"
#include "plot.h"
#include "stats.h"
#include "store.h"

struct report_batch;

/*
 * The clinic's expected course per measure: the mixed model of the whole
 * clinic and of every indication (model.h), fitted once per run from every
 * course in the database.  An indication with fewer than
 * REPORT_MODEL_MIN_COURSES courses uses the clinic's model.
 */
#define REPORT_MODEL_MIN_COURSES 20
struct report_models;
/* A report run's statistics context (*sc) and models in one pass over the
 * store; NULL with err (and *sc NULL) on failure. */
struct report_models *report_setup(struct store *s, struct stats_ctx **sc, struct error *err);
void report_models_free(struct report_models *rm);
/* The model for a course of this indication (NULL indication: the clinic's). */
const struct model_fit *report_model_for(const struct report_models *rm, size_t m,
					 const char *indication);

/* with_charts: 0 when gnuplot is unavailable (HTML says so instead);
 * errlog: gnuplot's messages (more processes for large batches write to
 * errlog.2, errlog.3, ...).  Charts are SVG, the format the HTML embeds. */
struct report_batch *report_batch_new(int with_charts, const char *errlog);
/* Also writes every chart as PNG, beside its SVG. */
void report_batch_png(struct report_batch *b);
/* Sends the charts to 'plot' (may be NULL), renames them and writes the
 * HTML files; frees the batch.  0 or -1 with err. */
int report_batch_finish(struct report_batch *b, struct plot *plot, struct error *err);
/* Frees a batch without writing its HTML (after an error). */
void report_batch_free(struct report_batch *b);

/*
 * The progress note of one course of 'patient_id' (its latest course when
 * course_id is NULL) in OUT/<patient folder>/.  *dir (caller frees) is that
 * folder.  Returns 0, 1 when the patient or course is unknown (err says),
 * -1 on failure.
 */
int report_note(struct report_batch *b, struct store *s, const struct stats_ctx *sc,
		const struct report_models *rm, const char *patient_id, const char *course_id,
		const char *out_dir, const char *today, char **dir, struct error *err);

/*
 * The same note with the therapist's additions (report_letter.h): a comment,
 * a recommendation replacing the suggested next step, the session notes as
 * an appendix.  report_note is this without them.
 */
struct report_letter_opts;
int report_letter(struct report_batch *b, struct store *s, const struct stats_ctx *sc,
		  const struct report_models *rm, const char *patient_id, const char *course_id,
		  const struct report_letter_opts *o, const char *out_dir, const char *today,
		  char **dir, struct error *err);

/* The clinic report over the courses 'f' selects, in OUT/clinic[-FROM-TO]/. */
int report_clinic(struct report_batch *b, struct store *s, const struct stats_ctx *sc,
		  const struct report_models *rm, const struct store_filter *f,
		  const char *out_dir, const char *today, char **dir, struct error *err);


#endif
