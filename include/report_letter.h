/*
 * report_letter.h - the progress note as a referral letter the referring
 * physician can file and act on (issue 12), inside the report module.
 *
 * The builder (report_letter.c) takes the note's content (report_note_build)
 * and adds what a letter needs: the letterhead and what each score is
 * (settings), the patient's letter fields and the course's attendance and
 * adverse events (store_course_visits), the signature (the therapists data),
 * the breaks with their readings, the course status and the suggested next
 * step (outcome_next_step).  The sentences both views say are built here
 * too, so that the text (80 columns) and HTML (A4) letters say the same.
 */
#ifndef SYMTREND_REPORT_LETTER_H
#define SYMTREND_REPORT_LETTER_H

#include "report_data.h"

/* What the therapist adds on the command line. */
struct report_letter_opts {
	const char *comment;        /* NULL: none */
	const char *recommendation; /* replaces the suggested next step; NULL: none */
	int with_notes;             /* the session notes as an appendix */
};

enum report_status { REPORT_ONGOING, REPORT_COMPLETED };

struct report_letter {
	struct report_note note;
	struct store_course_visits visits;
	struct store_therapist signer; /* name NULL: not in the therapists data */
	/* settings: "" when unset */
	char *clinic_name, *clinic_address, *clinic_phone, *clinic_email;
	char *label[CSVIN_MAX_MEASURES], *instrument[CSVIN_MAX_MEASURES];
	int same_instrument;           /* every shown measure has the same instrument text */
	long today;                    /* the run date, days */
	int planned;                   /* this course's planned sessions; 0: none (report_letter_planned) */
	enum report_status status;
	long no_response_sessions;
	enum outcome_step step;
	struct report_letter_opts opts;
};

/* 0, 1 when the patient or course is unknown (err says), -1 on failure. */
int report_letter_build(struct store *s, const struct stats_ctx *sc,
			const struct report_models *rm, const char *pid, const char *course_id,
			const char *today, const struct report_letter_opts *o,
			struct report_letter *out, struct error *err);
void report_letter_release(struct report_letter *l);

/*
 * The letter's rules on top of outcome.h, public for their tests.
 * status: completed when outcome_course_finished (a later course has
 * started, the last session is more than course_gap days before the run
 * date, or every planned session has been attended); else ongoing.
 */
enum report_status report_letter_status(const struct report_letter *l);
/* The planned sessions of the note's course: the patients file's
 * planned_sessions belongs to the referral, the first course starting on or
 * after referral_date (the first course when no referral_date); any other
 * course has none (0).  doc/contract.md, "Planned sessions". */
int report_letter_planned(const struct report_note *n, const struct store_course_visits *v);
/* The suggested next step (outcome_next_step) for the letter's status. */
enum outcome_step report_letter_next_step(const struct report_letter *l);

/* The sentences of the letter's answer, shared by both views ('buf' holds them). */
const char *report_letter_measure_sentence(const struct report_letter *l, size_t m, char *buf,
					   size_t n);
/* A relapse of measure m that no break of the letter shows (it spans a
 * session where m was not scored); NULL when there is none to add. */
const char *report_letter_relapse_sentence(const struct report_letter *l, size_t m, char *buf,
					   size_t n);
/* The change since referral when the episode holds more than one course;
 * NULL otherwise. */
const char *report_letter_episode_sentence(const struct report_letter *l, char *buf, size_t n);
const char *report_letter_break_sentence(const struct report_letter *l,
					 const struct report_break *b, char *buf, size_t n);
/* The course's therapist and who else treated it (three names at most),
 * with session counts; NULL when no therapist is recorded. */
#define REPORT_LETTER_WHO (4 * (4 * CSVIN_MAX_NAME + 32) + 64) /* UTF-8: 4 bytes a character */
const char *report_letter_therapists(const struct report_letter *l, char *buf, size_t n);
const char *report_letter_status_sentence(const struct report_letter *l, char *buf, size_t n);
const char *report_letter_step_sentence(const struct report_letter *l, char *buf, size_t n);
/* "14 of 14 planned sessions, 1 cancelled", "20 sessions attended (6 had been
 * planned)", "3 sessions, 2 no-shows". */
const char *report_letter_attendance(const struct report_letter *l, char *buf, size_t n);
/* The days between the previous course's last session and this course's
 * first (*from, *to); 0 when this is the patient's first course. */
int report_letter_gap_before(const struct report_letter *l, long *from, long *to);
/* One line on another course of the patient: dates, sessions, change per measure. */
const char *report_letter_course_line(const struct report_letter *l,
				      const struct report_other_course *o, char *buf, size_t n);

/* The scores table's reading of measure m, and the table's legend. */
const char *report_letter_reading(const struct report_letter *l, size_t m, char *buf, size_t n);
const char *report_letter_legend(const struct report_letter *l, char *buf, size_t n);
/* The levelling-off figures of measure m, in the letter's tense. */
const char *report_letter_levelling(const struct report_letter *l, size_t m, char *buf, size_t n);

/* How the next step is chosen (outcome_next_step), said under the details. */
#define REPORT_LETTER_RULES "The next step is suggested by fixed rules, first match: refer " \
	"back when a score is worse, or relapsed after a break and is still up; review when " \
	"a response was lost while the course goes on; none when the course is completed; " \
	"stop when no score improved by its minimal important change after the configured " \
	"number of sessions; taper when every score that responded has levelled off; else " \
	"continue. The therapist's own recommendation replaces it."

/* IN SHORT as lines, in order, for every view (text, HTML, PDF): the
 * episode, each measure (and a relapse no break shows), the breaks, the
 * status, the next step (step[i] 1). */
struct report_answer {
	size_t n, cap;
	char **line;
	int *step;
};
void report_letter_answer(const struct report_letter *l, struct report_answer *a);
void report_answer_release(struct report_answer *a);

/*
 * The text letter as lines with their part (report_letter_lines.c): what the
 * PDF typesets and the FHIR narrative carries, so both say exactly what
 * note.txt says, line for line.  The letterhead is every line before the
 * date line (the first line REPORT_WIDTH wide that ends with the run date);
 * a heading is a line after a blank one whose first word is two or more
 * capitals;
 * a table row has two spaces in a row after its first character.
 */
enum report_line_kind { REPORT_LINE_BLANK, REPORT_LINE_LETTERHEAD, REPORT_LINE_DATE,
			REPORT_LINE_HEADING, REPORT_LINE_TEXT, REPORT_LINE_TABLE };
struct report_line {
	enum report_line_kind kind;
	size_t indent;  /* leading spaces (columns) */
	char *text;     /* without them; DATE: the date, the words before it in 'left' */
	char *left;     /* DATE only: "PROGRESS NOTE" without a letterhead, else NULL */
};
struct report_lines {
	struct report_line *v;
	size_t n, cap;
};
void report_letter_lines(struct report_lines *out, const char *text, const char *today);
void report_lines_release(struct report_lines *ls);
/* The heading of the section whose end takes the chart in the PDF. */
#define REPORT_LETTER_CHART_AFTER "SCORES"

/*
 * The letter as an A4 PDF (report_letter_pdf.c, pango and cairo): the text
 * letter's lines typeset, with the letterhead, headings and tables set apart,
 * the charts drawn from their SVG (librsvg) as vector graphics.  Built from
 * the letter now; written once the charts are drawn (report_letter_pdf_render).
 */
struct report_letter_pdf;
/* 'captions': one for each of the letter's ncharts charts (at most
 * REPORT_LETTER_PDF_CHARTS), in order. */
#define REPORT_LETTER_PDF_CHARTS 4
struct report_letter_pdf *report_letter_pdf_new(const struct report_letter *l, const char *text,
						char *const *captions, size_t ncharts);
/* The PDF into 'out' with the charts' SVGs (svg[i] NULL: chart i was not
 * drawn; svg NULL: none was, and a line says so).  0, or -1 with err. */
int report_letter_pdf_render(const struct report_letter_pdf *p, const char *const *svg,
			     const size_t *svg_len, struct strbuf *out, struct error *err);
void report_letter_pdf_free(struct report_letter_pdf *p);

void report_letter_text(struct strbuf *t, const struct report_letter *l);
void report_letter_html(struct strbuf *h, const struct report_letter *l);

#endif
