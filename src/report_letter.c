/*
 * report_letter.c - the referral letter as data (report_letter.h): the
 * note's content plus what a letter needs, and the sentences of its answer.
 * No layout: report_letter_text.c and report_letter_html.c lay it out.
 */
#include "report_letter.h"
#include "settings.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void settings(struct report_letter *l, struct store *s)
{
	size_t m, first = (size_t)-1;
	char key[64];
	l->clinic_name = settings_text(s, "clinic_name");
	l->clinic_address = settings_text(s, "clinic_address");
	l->clinic_phone = settings_text(s, "clinic_phone");
	l->clinic_email = settings_text(s, "clinic_email");
	l->same_instrument = 1;
	for (m = 0; m < l->note.nm; m++) {
		snprintf(key, sizeof(key), "%s.label", l->note.m[m].name);
		l->label[m] = settings_text(s, key);
		snprintf(key, sizeof(key), "%s.instrument", l->note.m[m].name);
		l->instrument[m] = settings_text(s, key);
		if (!l->note.m[m].shown)
			continue;
		if (first == (size_t)-1)
			first = m;
		else if (strcmp(l->instrument[m], l->instrument[first]) != 0)
			l->same_instrument = 0;
	}
	l->course_gap = settings_long(s, "course_gap");
	l->relapse_gap = settings_long(s, "relapse_gap");
	l->no_response_sessions = settings_long(s, "no_response_sessions");
}

int report_letter_planned(const struct report_note *n, const struct store_course_visits *v)
{
	size_t k;
	if (v->planned_sessions <= 0 || n->ncourses_ == 0)
		return 0;
	/* courses_ is in order of start */
	for (k = 0; k < n->ncourses_; k++)
		if (v->referral_date == CSVIN_NO_DATE || n->courses_[k].date[0] >= v->referral_date)
			return &n->courses_[k] == n->course ? v->planned_sessions : 0;
	return 0;
}

enum report_status report_letter_status(const struct report_letter *l)
{
	const struct store_course_visits *v = &l->visits;
	return outcome_course_finished(l->note.to, l->today, l->course_gap,
				       l->note.course_no < l->note.ncourses, v->attended, l->planned)
		       ? REPORT_COMPLETED
		       : REPORT_ONGOING;
}

/* A relapse after a pause inside the course that counts for the next step:
 * any, while the course goes on; one that still holds at its end, once it
 * is completed. */
static int relapse_counts(const struct report_letter *l)
{
	size_t k, m;
	for (k = 0; k < l->note.nbreaks; k++) {
		const struct report_break *b = &l->note.breaks[k];
		if (b->before_course)
			continue; /* this course's starting point, read in its own sentence */
		for (m = 0; m < l->note.nm; m++) {
			const struct report_note_measure *x = &l->note.m[m];
			if (x->shown && b->reading[m] == OUTCOME_BREAK_RELAPSE &&
			    (l->status != REPORT_COMPLETED ||
			     outcome_relapse_holds(b->before[m], x->r.latest, x->mcid)))
				return 1;
		}
	}
	return 0;
}

enum outcome_step report_letter_next_step(const struct report_letter *l)
{
	struct stats_course r[CSVIN_MAX_MEASURES];
	double mcid[CSVIN_MAX_MEASURES];
	size_t m, k = 0;
	for (m = 0; m < l->note.nm; m++) {
		if (!l->note.m[m].shown)
			continue;
		r[k] = l->note.m[m].r;
		mcid[k++] = l->note.m[m].mcid;
	}
	return outcome_next_step(r, mcid, k, l->note.sessions, l->no_response_sessions,
				 relapse_counts(l), l->status == REPORT_COMPLETED);
}

int report_letter_build(struct store *s, const struct stats_ctx *sc,
			const struct report_models *rm, const char *pid, const char *course_id,
			const char *today, const struct report_letter_opts *o,
			struct report_letter *l, struct error *err)
{
	int rc;
	memset(l, 0, sizeof(*l));
	l->visits.referral_date = CSVIN_NO_DATE;
	rc = report_note_build(s, sc, rm, pid, course_id, today, &l->note, err);
	if (rc != 0)
		return rc;
	if (store_course_visits(s, l->note.course, &l->visits, err) < 0)
		return -1;
	if (l->note.therapist && store_therapist_get(s, l->note.therapist, &l->signer, err) < 0)
		return -1;
	l->opts = *o;
	if (date_parse(today, strlen(today), &l->today) < 0)
		BUG("the run date is not a date");
	settings(l, s);
	l->planned = report_letter_planned(&l->note, &l->visits);
	l->status = report_letter_status(l);
	l->step = report_letter_next_step(l);
	return 0;
}

void report_letter_release(struct report_letter *l)
{
	size_t m;
	report_note_release(&l->note);
	store_course_visits_release(&l->visits);
	store_therapist_release(&l->signer);
	free(l->clinic_name);
	free(l->clinic_address);
	free(l->clinic_phone);
	free(l->clinic_email);
	for (m = 0; m < CSVIN_MAX_MEASURES; m++) {
		free(l->label[m]);
		free(l->instrument[m]);
	}
	memset(l, 0, sizeof(*l));
}

/* The answer's sentences ------------------------------------------------ */

static const char *done(struct strbuf *sb, char *buf, size_t n)
{
	snprintf(buf, n, "%s", sb->buf ? sb->buf : "");
	sb_release(sb);
	return buf;
}

/* "8.0 to 3.5" */
static void from_to(struct strbuf *sb, double a, double b)
{
	char x[32], y[32];
	sb_addf(sb, "%s to %s", report_num(x, sizeof(x), a, 1), report_num(y, sizeof(y), b, 1));
}

const char *report_letter_measure_sentence(const struct report_letter *l, size_t m, char *buf,
					   size_t n)
{
	const struct report_note_measure *x = &l->note.m[m];
	const struct stats_course *r = &x->r;
	int past = l->status == REPORT_COMPLETED;
	struct strbuf sb = STRBUF_INIT;
	char v[32];
	sb_adds(&sb, l->label[m]);
	if (r->n == 0) {
		sb_adds(&sb, ": not recorded in this course.");
		return done(&sb, buf, n);
	}
	switch (x->reading) {
	case OUTCOME_ONE_SESSION:
		sb_addf(&sb, ": one score so far (%s).", report_num(v, sizeof(v), r->latest, 1));
		break;
	case OUTCOME_IMPROVED:
		sb_adds(&sb, " improved from ");
		from_to(&sb, r->baseline, r->latest);
		if (x->levelling == OUTCOME_LEVEL_REACHED)
			sb_adds(&sb, past ? " and had levelled off." : " and has levelled off.");
		else if (!past && (x->levelling == OUTCOME_LEVEL_CHANGING ||
				   x->levelling == OUTCOME_LEVEL_STEADY))
			/* Only the fitted curve says so (the last scores may be flat):
			 * "not yet levelled off", never "still improving"; the details
			 * give the curve.  A completed course just improved. */
			sb_adds(&sb, ", not yet levelled off.");
		else
			sb_addc(&sb, '.');
		break;
	case OUTCOME_RELIABLY_IMPROVED:
		sb_adds(&sb, " improved slightly but reliably, from ");
		from_to(&sb, r->baseline, r->latest);
		sb_addc(&sb, '.');
		break;
	case OUTCOME_WORSE:
		sb_adds(&sb, " worsened from ");
		from_to(&sb, r->baseline, r->latest);
		sb_adds(&sb, " - please review.");
		break;
	default:
		/* Below the MCID and not reliable: say the size and direction, so
		 * a steady rise is not read as nothing. */
		if (fabs(r->latest - r->baseline) < OUTCOME_EPS)
			sb_adds(&sb, ": no change (");
		else
			sb_addf(&sb, ": %s %s (", r->latest > r->baseline ? "rose" : "fell",
				report_num(v, sizeof(v), fabs(r->latest - r->baseline), 1));
		from_to(&sb, r->baseline, r->latest);
		sb_adds(&sb, fabs(r->latest - r->baseline) < OUTCOME_EPS ? ")." : "), less than the MCID.");
		break;
	}
	return done(&sb, buf, n);
}

static int attended_with(const struct store_visit *x, const char *t)
{
	return x->attendance == CSVIN_ATTENDED && x->therapist && (!t || !strcmp(x->therapist, t));
}

/* Attended visits of v treated by t (NULL: by anyone recorded). */
static size_t treated_by(const struct store_course_visits *v, const char *t)
{
	size_t k, c = 0;
	for (k = 0; k < v->n; k++)
		c += attended_with(&v->visit[k], t);
	return c;
}

/* Whether visit i is t's first attended visit of the course. */
static int first_of(const struct store_course_visits *v, size_t i, const char *t)
{
	size_t k;
	for (k = 0; k < i; k++)
		if (attended_with(&v->visit[k], t))
			return 0;
	return 1;
}

/* The course's therapist (most sessions) and who else treated, with counts,
 * in order of first session ('buf' of REPORT_LETTER_WHO bytes holds it):
 * "Anna Berg (18 of 20 sessions; also Marta Nowak 1, Jonas Weber 1)". */
const char *report_letter_therapists(const struct report_letter *l, char *buf, size_t n)
{
	const struct store_course_visits *v = &l->visits;
	const char *own = l->note.therapist;
	struct strbuf sb = STRBUF_INIT;
	size_t i, others = 0, mine, total;
	if (!own)
		return NULL;
	mine = treated_by(v, own);
	total = treated_by(v, NULL);
	sb_adds(&sb, own);
	if (mine == total)
		return done(&sb, buf, n);
	sb_addf(&sb, " (%zu of %zu sessions; also ", mine, total);
	for (i = 0; i < v->n; i++) {
		const char *t = v->visit[i].therapist;
		if (!attended_with(&v->visit[i], NULL) || !strcmp(t, own) || !first_of(v, i, t))
			continue;
		/* Three names at most, so the line (and 'buf') stays bounded. */
		if (others++ < 3)
			sb_addf(&sb, "%s%s %zu", others > 1 ? ", " : "", t, treated_by(v, t));
	}
	if (others > 3)
		sb_addf(&sb, " and %zu more", others - 3);
	sb_addc(&sb, ')');
	return done(&sb, buf, n);
}

/* "fatigue 3.0 to 6.5, sleep 2.5 to 5.0" for the measures read as 'what'
 * (WORSE: every measure that rose by its MCID). */
static void list_rises(struct strbuf *sb, const struct report_letter *l,
		       const struct report_break *b, enum outcome_break what)
{
	size_t m;
	int any = 0;
	for (m = 0; m < l->note.nm; m++) {
		enum outcome_break r = b->reading[m];
		if (!l->note.m[m].shown ||
		    !(r == what || (what == OUTCOME_BREAK_WORSE && r == OUTCOME_BREAK_RELAPSE)))
			continue;
		sb_adds(sb, any ? ", " : "");
		sb_adds(sb, l->label[m]);
		sb_addc(sb, ' ');
		from_to(sb, b->before[m], b->after[m]);
		any = 1;
	}
}

/* An MCID as written in settings: "2", "1.5". */
static const char *mcid_num(char *buf, size_t n, double v)
{
	snprintf(buf, n, "%g", v);
	return buf;
}

/* "2 points" when every shown measure has the same MCID, else "its MCID". */
static void mcid_words(struct strbuf *sb, const struct report_letter *l)
{
	size_t m, first = (size_t)-1;
	char v[32];
	for (m = 0; m < l->note.nm; m++) {
		if (!l->note.m[m].shown)
			continue;
		if (first == (size_t)-1)
			first = m;
		else if (fabs(l->note.m[m].mcid - l->note.m[first].mcid) > OUTCOME_EPS) {
			sb_adds(sb, "its minimal important change");
			return;
		}
	}
	if (first == (size_t)-1)
		sb_adds(sb, "its minimal important change");
	else
		sb_addf(sb, "%s points or more", mcid_num(v, sizeof(v), l->note.m[first].mcid));
}

const char *report_letter_break_sentence(const struct report_letter *l,
					 const struct report_break *b, char *buf, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	/* The dates are in the course's section; the answer stays short. */
	if (!b->before_course)
		sb_addf(&sb, "Pause of %ld days after session %zu: ", b->days, b->session);
	else
		sb_addf(&sb, "Break of %ld days before this course: ", b->days);
	if (b->all == OUTCOME_BREAK_RELAPSE) {
		sb_adds(&sb, "relapse - ");
		list_rises(&sb, l, b, OUTCOME_BREAK_RELAPSE);
		sb_addc(&sb, '.');
	} else if (b->all == OUTCOME_BREAK_WORSE) {
		list_rises(&sb, l, b, OUTCOME_BREAK_WORSE);
		sb_adds(&sb, " (rose across it).");
	} else {
		sb_adds(&sb, "no score rose by ");
		mcid_words(&sb, l);
		sb_addc(&sb, '.');
	}
	return done(&sb, buf, n);
}

/* "3 days ago", "5 weeks ago", "20 months ago" (whole units, rounded down). */
static void ago(struct strbuf *sb, long days)
{
	if (days < 0)
		sb_adds(sb, "dated after this letter");
	else if (days == 0)
		sb_adds(sb, "today");
	else if (days < 14)
		sb_addf(sb, "%ld day%s ago", days, days == 1 ? "" : "s");
	else if (days < 61)
		sb_addf(sb, "%ld weeks ago", days / 7);
	else
		sb_addf(sb, "%ld months ago", lround(days / 30.4375));
}

const char *report_letter_status_sentence(const struct report_letter *l, char *buf, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	char d[11];
	date_format(l->note.to, d);
	if (l->status == REPORT_COMPLETED)
		sb_addf(&sb, "Completed %s (", d);
	else
		sb_addf(&sb, "Ongoing, last session %s (", d);
	ago(&sb, l->today - l->note.to);
	sb_adds(&sb, "); ");
	{
		char a[160];
		sb_adds(&sb, report_letter_attendance(l, a, sizeof(a)));
	}
	sb_addc(&sb, '.');
	return done(&sb, buf, n);
}

const char *report_letter_attendance(const struct report_letter *l, char *buf, size_t n)
{
	const struct store_course_visits *v = &l->visits;
	struct strbuf sb = STRBUF_INIT;
	if (l->planned > 0 && l->note.sessions > (size_t)l->planned)
		sb_addf(&sb, "%zu sessions (%d planned)", l->note.sessions, l->planned);
	else if (l->planned > 0)
		sb_addf(&sb, "%zu of %d planned sessions", l->note.sessions, l->planned);
	else
		sb_addf(&sb, "%zu session%s", l->note.sessions, l->note.sessions == 1 ? "" : "s");
	if (v->cancelled)
		sb_addf(&sb, ", %ld cancelled", v->cancelled);
	if (v->no_show)
		sb_addf(&sb, ", %ld no-show%s", v->no_show, v->no_show == 1 ? "" : "s");
	return done(&sb, buf, n);
}

/* Why the rule chose the step, in words a reader can check against the table. */
static void step_reason(struct strbuf *sb, const struct report_letter *l)
{
	size_t m, k = 0;
	int past = l->status == REPORT_COMPLETED;
	switch (l->step) {
	case OUTCOME_STEP_REFER_BACK:
		if (relapse_counts(l)) {
			sb_adds(sb, past ? "relapse after a pause, still up at the end"
					 : "a relapse after a pause");
			return;
		}
		for (m = 0; m < l->note.nm; m++)
			if (l->note.m[m].shown && outcome_worse(&l->note.m[m].r, l->note.m[m].mcid)) {
				sb_adds(sb, k++ ? ", " : "worse: ");
				sb_adds(sb, l->label[m]);
			}
		return;
	case OUTCOME_STEP_NONE: {
		char d[11];
		date_format(l->note.to, d);
		sb_addf(sb, "the course was completed on %s", d);
		return;
	}
	case OUTCOME_STEP_STOP:
		sb_addf(sb, "no score improved by its minimal important change in %zu sessions",
			l->note.sessions);
		return;
	case OUTCOME_STEP_TAPER:
		sb_adds(sb, past ? "the improvement had levelled off" : "the improvement has levelled off");
		return;
	default:
		for (m = 0; m < l->note.nm; m++)
			k += l->note.m[m].shown && outcome_improved(&l->note.m[m].r, l->note.m[m].mcid);
		if (k)
			sb_adds(sb, past ? "still improving at the end" : "improving, not yet levelled off");
		else if ((long)l->note.sessions < l->no_response_sessions)
			sb_addf(sb, "%zu session%s so far; a response is judged after %ld",
				l->note.sessions, l->note.sessions == 1 ? "" : "s",
				l->no_response_sessions);
		else
			sb_adds(sb, "a response was reached during the course");
		return;
	}
}

const char *report_letter_step_sentence(const struct report_letter *l, char *buf, size_t n)
{
	static const char *const words[] = { "continue", "taper", "stop", "refer back", "none" };
	struct strbuf sb = STRBUF_INIT;
	if (l->opts.recommendation) {
		sb_adds(&sb, "Recommended next step: ");
		sb_adds(&sb, l->opts.recommendation);
		return done(&sb, buf, n);
	}
	sb_addf(&sb, "Suggested next step: %s (", words[l->step]);
	step_reason(&sb, l);
	sb_adds(&sb, ").");
	return done(&sb, buf, n);
}

int report_letter_gap_before(const struct report_letter *l, long *from, long *to)
{
	size_t k;
	for (k = 1; k < l->note.nothers; k++)
		if (l->note.others[k].this_course) {
			*from = l->note.others[k - 1].to;
			*to = l->note.others[k].from;
			return 1;
		}
	return 0;
}

const char *report_letter_course_line(const struct report_letter *l,
				      const struct report_other_course *o, char *buf, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	char d1[11], d2[11], c[32];
	size_t m;
	int any = 0;
	date_format(o->from, d1);
	date_format(o->to, d2);
	sb_addf(&sb, "%s: %s to %s, %zu session%s", o->course_id, d1, d2, o->sessions,
		o->sessions == 1 ? "" : "s");
	for (m = 0; m < STORE_BUILTIN_MEASURES && m < l->note.nm; m++) {
		if (isnan(o->first[m]) || isnan(o->last[m]))
			continue;
		sb_adds(&sb, any ? ", " : "; ");
		sb_addf(&sb, "%s %s", l->label[m],
			report_signed(c, sizeof(c), o->last[m] - o->first[m], 1));
		any = 1;
	}
	return done(&sb, buf, n);
}

const char *report_letter_levelling(const struct report_letter *l, size_t m, char *buf, size_t n)
{
	/* The note's wording: worse is never levelling off, whole sessions. */
	return report_levelling(&l->note.m[m], buf, n);
}

const char *report_letter_reading(const struct report_letter *l, size_t m, char *buf, size_t n)
{
	const struct report_note_measure *x = &l->note.m[m];
	const char *s;
	if (x->r.n == 0)
		return "not recorded in this course";
	switch (x->reading) {
	case OUTCOME_ONE_SESSION:
		s = "one session only";
		break;
	case OUTCOME_IMPROVED:
		s = outcome_reliably_improved(&x->r) ? "important improvement, reliable"
						     : "important improvement";
		break;
	case OUTCOME_RELIABLY_IMPROVED:
		s = "reliable improvement, less than the MCID";
		break;
	case OUTCOME_WORSE:
		s = outcome_reliably_worse(&x->r) ? "worse, reliable" : "worse";
		break;
	default:
		s = "no reliable change";
		break;
	}
	snprintf(buf, n, "%s", s);
	return buf;
}

const char *report_letter_legend(const struct report_letter *l, char *buf, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	sb_adds(&sb, "Baseline is the first and latest the last recorded score of the course. "
		     "Important: a change of at least the minimal important change (MCID");
	{
		struct strbuf w = STRBUF_INIT;
		mcid_words(&w, l);
		if (w.buf && strstr(w.buf, "points")) {
			sb_adds(&sb, ", ");
			sb_add(&sb, w.buf, (size_t)(strstr(w.buf, " or more") - w.buf));
		}
		sb_release(&w);
	}
	sb_adds(&sb, "); reliable: beyond measurement error (|RCI| >= 1.96).");
	return done(&sb, buf, n);
}
