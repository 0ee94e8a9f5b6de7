/*
 * report_data.h - the reports as data, then views (inside the report module).
 *
 * Builders (report_note.c, report_clinic.c) read the store and return what a
 * report says as structs: numbers, names, dates and the outcome_ readings,
 * no formatting.  Renderers (report_text.c, report_html.c) are pure
 * functions of those structs; the wording both views share is in
 * report_words.c.  The chart batch (report_charts.c) draws from the same
 * structs; report.c writes the files.
 */
#ifndef SYMTREND_REPORT_DATA_H
#define SYMTREND_REPORT_DATA_H

#include "model.h"
#include "outcome.h"
#include "reading.h"
#include "report.h"
#include "report_index.h"
#include "stats.h"
#include "store.h"

#define REPORT_WIDTH 80
#define REPORT_MAX_SESSION_NO 40 /* per-session-number means stop here */
#define REPORT_PAUSE_MIN_DAYS CLINIC_PAUSE_MIN_DAYS
/* Where the HTML takes a chart; the batch puts the chart there once drawn. */
#define REPORT_CHART_MARK "\001CHART\001"

/* The progress note ------------------------------------------------------ */

struct report_note_measure {
	const char *name;
	int shown;  /* in the table and the chart: recorded, or a built-in measure */
	double mcid;
	struct stats_course r;
	const struct outcome_measure *o; /* its states in the course's reading */
	enum outcome_change reading;
	enum outcome_levelling levelling;
	double reliability, sd;         /* what "reliable" rests on (sd NAN: none) */
	const struct model_fit *fit;    /* the clinic's expected course; NULL: none */
	int fit_is_indication;          /* fit is the indication's own model, else the clinic's */
	enum report_model_state { REPORT_MODEL_NONE, REPORT_MODEL_OK, REPORT_MODEL_UNCONVERGED,
				  REPORT_MODEL_TOO_FEW } model_state;
	double effect[2], effect_sd[2]; /* this course's random effects; NAN: none */
	enum outcome_pace pace;         /* UNKNOWN: no expected-course line */
};

struct report_pause {
	long days, from, to; /* from, to: dates of the sessions around it */
	size_t session;      /* between session 'session' and the next (1-based) */
};

/* A break of at least relapse_gap days (outcome_is_break): inside the
 * course, or before it (the previous course's last scores against this
 * course's first), read by outcome_break_read; the note and the letter both
 * say this reading. */
struct report_break {
	long days, from, to;  /* the sessions around it */
	int before_course;    /* the break between the previous course and this one */
	size_t session;       /* inside the course: the last session before it (1-based) */
	const char *after_course; /* before_course: the course it follows */
	double base[CSVIN_MAX_MEASURES]; /* baseline of the course before the break */
	double before[CSVIN_MAX_MEASURES], after[CSVIN_MAX_MEASURES]; /* NAN: none */
	enum outcome_break reading[CSVIN_MAX_MEASURES];
	enum outcome_break all; /* the break as a whole (outcome_break_read) */
};

/* One course of the patient, for "Other courses"; scores NAN when not recorded. */
struct report_other_course {
	const char *course_id;
	long from, to;
	size_t sessions;
	int this_course;
	double first[STORE_BUILTIN_MEASURES], last[STORE_BUILTIN_MEASURES];
	long gap_after;                             /* days to the next course; -1: last */
	double between[STORE_BUILTIN_MEASURES];     /* next's first - this one's last */
};

struct report_note {
	const char *patient_id, *course_id, *referrer, *indication, *therapist, *today;
	int birth_year;
	long from, to;            /* first and last session */
	size_t sessions;
	size_t course_no, ncourses;
	long pause_days;          /* what counts as a pause in this course */
	struct report_pause *pauses;
	size_t npauses;
	long relapse_gap;
	struct report_break *breaks;
	size_t nbreaks;
	/* The pauses inside the course shorter than relapse_gap, read the same
	 * way for the letter's answer ("did the pause hurt?"); never a relapse,
	 * which needs relapse_gap days. */
	struct report_break *short_pauses;
	size_t nshort_pauses;
	size_t nm;
	struct report_note_measure m[CSVIN_MAX_MEASURES];
	struct report_other_course *others; /* every course, when more than one */
	size_t nothers;
	const struct store_course *course; /* the course itself, for the chart */
	const struct outcome_course *oc;   /* its reading */
	struct outcome_rules rules;
	struct reading rd;                 /* owned: the patient's reading */
	struct store_course *courses_;     /* the patient's courses (rd's) */
	size_t ncourses_;
};

/* 0, 1 when the patient or course is unknown (err says), -1 on failure. */
int report_note_build(struct store *s, const struct stats_ctx *sc, const struct report_models *rm,
		      const char *pid, const char *course_id, const char *today,
		      struct report_note *out, struct error *err);
void report_note_release(struct report_note *n);

/* The clinic report ------------------------------------------------------ */

struct report_group {
	char *name;
	struct stats_clinic r[STORE_BUILTIN_MEASURES];
	/* An indication's: bit m set when its courses' expected change of
	 * measure m came from its own model, not the whole clinic's. */
	unsigned own_model;
};

/* A therapist's courses against the expected change (stats_group_mean). */
struct report_fair {
	const char *name;
	struct stats_mean d;
};

struct report_worse {
	char *patient_id, *course_id;
	const char *measure;
	double baseline, latest, change;
	const char *category; /* NULL: no RCI */
};

struct report_nonresp {
	char *patient_id, *course_id, *therapist; /* therapist NULL: unknown */
	size_t sessions;
	long from, to;
};

/* Where a reader of the lists is: one pass at a time, i counting up from 0. */
struct report_cursor {
	size_t next; /* 1 + the record the scratch file is at; 0: not yet read */
	struct report_worse w;
	struct report_nonresp r;
	struct strbuf s; /* the current record's strings */
};

/* Mean score by session number: session numbers reached by 3 or more courses. */
struct report_means {
	size_t n;
	double x[REPORT_MAX_SESSION_NO], mean[REPORT_MAX_SESSION_NO];
	double lo[REPORT_MAX_SESSION_NO], hi[REPORT_MAX_SESSION_NO];
};

/* Breaks of a length band (lo days or more, up to the next band's lo): how
 * often a score rose by the MCID after it (any measure), and how often that
 * was a relapse (outcome_relapse: after an improvement by the MCID). */
#define REPORT_BREAK_BANDS 3
struct report_break_band {
	long lo;
	long breaks, rose, relapsed;
};

struct report_clinic {
	long from, to;             /* course start window, STORE_DATE_OPEN when open */
	int morning_page;          /* OUT/index.html exists beside OUT/clinic/: link it */
	const char *today;
	long courses, sessions, last_date; /* last_date STORE_DATE_OPEN: none */
	long patients, patients_multi;     /* the courses' patients; those with 2 or more */
	long no_response_sessions;
	long relapse_gap;
	struct report_break_band bands[REPORT_BREAK_BANDS];
	struct report_periods periods; /* the index_period days to today against the days before */
	size_t nm;
	const char *names[CSVIN_MAX_MEASURES];
	double mcid[CSVIN_MAX_MEASURES];
	struct stats_clinic cl[CSVIN_MAX_MEASURES];
	struct report_group *ther, *ind; /* sorted by name */
	size_t nther, nind;
	int has_fair;                    /* the expected course was fitted */
	struct report_fair *fair[STORE_BUILTIN_MEASURES]; /* nther each, by name */
	/* Intervals Bonferroni-adjusted for fair_k therapists (those with 2 or
	 * more courses): each a fair_level = 1 - 0.05 / fair_k interval. */
	size_t fair_k;
	double fair_level;
	/* The courses that got worse and those without response, in the order
	 * found: read them with report_clinic_worse/_nonresp.  The builder keeps
	 * them in scratch files (a large clinic lists tens of thousands), or in
	 * these arrays when it cannot make one (and a report made by hand may
	 * fill the arrays). */
	struct report_worse *worse;
	size_t nworse, capworse_;
	size_t nworse_courses; /* the courses of the nworse measures */
	struct report_nonresp *nonresp;
	size_t nnonresp, capnonresp_;
	FILE *worse_spool_, *nonresp_spool_;
	/* Kaplan-Meier fits of the eligible courses, per measure: the chart and
	 * the numbers at risk under it (and in the text) come from these; the
	 * numbers at risk are given at session 0, km_step, ... (km_ticks). */
	struct stats_km km[CSVIN_MAX_MEASURES];
	double km_step;
	size_t km_ticks;
	/* For the charts */
	struct report_means means[STORE_BUILTIN_MEASURES];
	struct stats_acc *acc[CSVIN_MAX_MEASURES];
};

/* The numbers at risk's session numbers: 0, step, ... (nticks) up to tmax. */
void report_km_ticks(double tmax, double *step, size_t *nticks);
int report_clinic_build(struct store *s, const struct stats_ctx *sc,
			const struct report_models *rm, const struct store_filter *f,
			const char *today, const char *spool_near, struct report_clinic *out,
			struct error *err);
void report_clinic_release(struct report_clinic *c);
/* The i-th course that got worse and the i-th without response, for i from
 * 0 to nworse - 1 (nnonresp - 1) in order; the cursor starts zeroed and
 * holds what is returned until the next call (report_cursor_release). */
const struct report_worse *report_clinic_worse(const struct report_clinic *c, size_t i,
					       struct report_cursor *cur);
const struct report_nonresp *report_clinic_nonresp(const struct report_clinic *c, size_t i,
						   struct report_cursor *cur);
void report_cursor_release(struct report_cursor *cur);

/* Views ------------------------------------------------------------------ */

void report_clinic_text(struct strbuf *t, const struct report_clinic *c);
void report_clinic_html(struct strbuf *h, const struct report_clinic *c);

/* report_text.c's wrapping at REPORT_WIDTH (the first line after 'first'
 * columns, then indented by 'indent') and its text with control characters
 * made visible, for the letter's text view (report_letter_text.c). */
void report_text_wrap(struct strbuf *sb, const char *text, size_t first, size_t indent);
void report_text_plain(struct strbuf *sb, const char *s);

/* Numbers and sentences both views say (report_words.c).  'buf' holds the
 * result unless a constant is returned. */
const char *report_num(char *buf, size_t n, double v, int decimals);    /* "-" when undefined */
const char *report_signed(char *buf, size_t n, double v, int decimals); /* "+1.5" */
const char *report_p(char *buf, size_t n, double p);                    /* "< 0.001" */
/* A measure the clinic tables list: built in, or recorded in some course. */
int report_listed(size_t m, const struct stats_clinic *r);
const char *report_trend(const struct stats_course *r, char *buf, size_t n);
const char *report_levelling(const struct report_note_measure *m, char *buf, size_t n);
const char *report_expected(const struct report_note_measure *m, char *buf, size_t n);
/* Response figures count the eligible courses (baseline >= min_baseline): how
 * many of them responded, never did, or lost it; how many were left out. */
/* Beside the before/after table: what an uncontrolled change can and cannot say. */
#define REPORT_UNCONTROLLED_NOTE "These are before/after changes of uncontrolled courses: " \
	"natural recovery, regression to the mean, other care and who came to the clinic are " \
	"not separated from the treatment. The p values say the scores changed, not that the " \
	"treatment changed them."
#define REPORT_ELIGIBLE_NOTE "Response figures count the eligible courses: a baseline of at least " \
	"the measure's min_baseline (a symptom mild at baseline cannot improve by the MCID). " \
	"A responder's latest score is at least the MCID below baseline. The Kaplan-Meier " \
	"median counts the sessions to the first score that reached the MCID, also in a " \
	"course that lost it later."
/* The worse list: its count ("6, with 10 measures worse": a course with two
 * measures worse is one course), the rule, and each entry's RCI reading. */
const char *report_worse_count(const struct report_clinic *c, char *buf, size_t n);
#define REPORT_WORSE_RULE "a measure is worse after a rise of at least the MCID, or a " \
	"reliable deterioration"
const char *report_worse_rci(const char *category);
/* The numbers at risk under the Kaplan-Meier chart, in both views. */
#define REPORT_AT_RISK_NOTE "Numbers at risk by session number, as under the Kaplan-Meier " \
	"chart: the eligible courses that had neither reached the MCID nor had their last " \
	"score before that session (a course that reaches it at the session, or is last " \
	"scored at it, still counts)."
/* The numbers at risk are shown: some measure has an eligible course. */
int report_km_shown(const struct report_clinic *c);
/* One band of the break table: "21-44 days: 5 breaks; after 3 ...". */
const char *report_band(const struct report_clinic *c, size_t b, char *buf, size_t n);
#define REPORT_BREAKS_HEAD "Did symptoms come back after a break? Pauses of relapse_gap days or " \
	"more, inside a course or between a patient's courses, by length; a relapse is a rise " \
	"by the MCID after an improvement by the MCID."
/* The fair comparison's plain verdict: which intervals exclude 0, or that
 * none does and how far from 0 they reach. */
const char *report_fair_verdict(const struct report_clinic *c, char *buf, size_t n);
#define REPORT_ATTRIBUTION "A course counts for the therapist who gave most of its sessions " \
	"that name a therapist (a tie: the one who treated first); a course with none named " \
	"counts as (unknown)."
/* "Intervals Bonferroni-adjusted for the 4 therapists compared: ..." */
const char *report_fair_level(const struct report_clinic *c, char *buf, size_t n);
/* Which model gave the expected change: "the change expected by the whole
 * clinic's model (...)", naming the indications that had their own. */
const char *report_fair_basis(const struct report_clinic *c, char *buf, size_t n);
/* 1 when every indication's courses were compared with its own model for
 * every measure: only then is the comparison of therapists called fair. */
int report_fair_adjusted(const struct report_clinic *c);
/* "74 courses from 60 patients (14 patients with more than one course); the
 * tests and intervals treat courses as independent." */
const char *report_independence(const struct report_clinic *c, char *buf, size_t n);
#define REPORT_RAW_GROUPS "raw figures, not a ranking: therapists see different patients; " \
	"the fair comparison is above"
/* The same where indication is not adjusted for everywhere (report_fair_adjusted). */
#define REPORT_RAW_GROUPS_UNFAIR "raw figures, not a ranking: therapists see different " \
	"patients; the comparison with the expected course is above, and it does not adjust " \
	"for indication everywhere either"
const char *report_eligible_counts(const struct stats_clinic *r, char *buf, size_t n);

/* Charts and files (report_charts.c) ------------------------------------- */

/* Queues the note's course chart OUT/.../course.{svg,png} (base without extension). */
/* The course chart; labels[m] the measure's name as the letter says it
 * (NULL: the measure's name). */
void report_charts_note(struct report_batch *b, const struct report_note *n,
			char *const *labels, const char *base);
/* Its caption, naming only what the chart draws (caller frees). */
char *report_charts_note_caption(const struct report_note *n);
/* The episode of care on a date axis, when it holds more than one course
 * (report_charts_has_episode); its caption (caller frees). */
int report_charts_has_episode(const struct report_note *n);
void report_charts_episode(struct report_batch *b, const struct report_note *n,
			   char *const *labels, const char *base);
char *report_charts_episode_caption(const struct report_note *n);
/* Queues the clinic charts; bases[5] (caller frees): means, waterfall,
 * rates-therapist, rates-indication, km. */
void report_charts_clinic(struct report_batch *b, const struct report_clinic *c, const char *dir,
			  char *bases[5]);
/* An HTML file written when the batch finishes, its REPORT_CHART_MARKs
 * replaced by charts[i] (bases) with captions[i]; takes 'html'. */
void report_batch_add_html(struct report_batch *b, const char *path, struct strbuf *html,
			   char *const *charts, char *const *captions, size_t ncharts);
/* The same for a page written to a scratch file (tmp_spool, sb_to_file, then
 * sb_flush): the batch reads it back and closes it. */
void report_batch_add_spool(struct report_batch *b, const char *path, FILE *spool,
			    char *const *charts, char *const *captions, size_t ncharts);
int report_batch_charts(const struct report_batch *b);
/* A letter's PDF written to 'path' when the batch finishes, with its
 * ncharts charts (bases); takes 'pdf' (report_letter.h). */
struct report_letter_pdf;
void report_batch_add_pdf(struct report_batch *b, const char *path, struct report_letter_pdf *pdf,
			  char *const *charts, size_t ncharts);
/* The last HTML file added takes its charts as inline <svg> elements
 * (report_svg_inline) rather than images, where they are safe to inline. */
void report_batch_inline_svg(struct report_batch *b);
/* gnuplot's SVG re-written as an <svg> element for an HTML page
 * (report_letter_svg.c): no prolog or DOCTYPE, ids given 'prefix', 'label'
 * as its accessible name.  0, or -1 (nothing added) when it cannot be inlined
 * safely: not well-formed, a script, an event handler, a reference outside
 * the chart, a duplicate id. */
int report_svg_inline(struct strbuf *out, const char *svg, size_t len, const char *prefix,
		      const char *label);

#endif
