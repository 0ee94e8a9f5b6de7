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

static const char *mcid_num(char *buf, size_t n, double v);

static void settings(struct report_letter *l, struct store *s)
{
	const struct clinic_settings *cs = settings_get(s);
	size_t m, first = (size_t)-1;
	l->clinic_name = xstrdup(cs->clinic_name);
	l->clinic_address = xstrdup(cs->clinic_address);
	l->clinic_phone = xstrdup(cs->clinic_phone);
	l->clinic_email = xstrdup(cs->clinic_email);
	l->same_instrument = 1;
	for (m = 0; m < l->note.nm; m++) {
		l->label[m] = xstrdup(cs->m[m].label);
		l->instrument[m] = xstrdup(cs->m[m].instrument);
		if (!l->note.m[m].shown)
			continue;
		if (first == (size_t)-1)
			first = m;
		else if (strcmp(l->instrument[m], l->instrument[first]) != 0)
			l->same_instrument = 0;
	}
	l->no_response_sessions = cs->no_response_sessions;
}

int report_letter_planned(const struct report_note *n, const struct store_course_visits *v)
{
	size_t k;
	if (v->planned_sessions <= 0 || n->ncourses_ == 0)
		return 0;
	/* courses_ is in order of start; the reading's one rule says which */
	k = reading_referral_course(n->courses_, n->ncourses_, v->referral_date);
	return k < n->ncourses_ && &n->courses_[k] == n->course ? v->planned_sessions : 0;
}

enum report_status report_letter_status(const struct report_letter *l)
{
	return l->note.oc->finished ? REPORT_COMPLETED : REPORT_ONGOING;
}

enum outcome_step report_letter_next_step(const struct report_letter *l)
{
	return l->note.oc->step;
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

/* The change of a measure that reached no MCID: its size and direction, so
 * a steady rise is not read as nothing. */
static void small_change(struct strbuf *sb, const struct report_note_measure *x)
{
	const struct stats_course *r = &x->r;
	char v[32];
	if (fabs(r->latest - r->baseline) < OUTCOME_EPS)
		sb_adds(sb, ": no change (");
	else
		sb_addf(sb, ": %s %s (", r->latest > r->baseline ? "rose" : "fell",
			report_num(v, sizeof(v), fabs(r->latest - r->baseline), 1));
	from_to(sb, r->baseline, r->latest);
	if (fabs(r->latest - r->baseline) < OUTCOME_EPS)
		sb_adds(sb, ")");
	else
		sb_adds(sb, "), less than the MCID");
	if (x->o->states & OUTCOME_NO_RESPONSE_ST)
		sb_addf(sb, " after %zu scored sessions: no response", r->n);
	sb_addc(sb, '.');
}

static void improved(struct strbuf *sb, const struct report_letter *l,
		     const struct report_note_measure *x)
{
	int past = l->status == REPORT_COMPLETED;
	sb_adds(sb, " improved from ");
	from_to(sb, x->r.baseline, x->r.latest);
	/* By the MCID, but the RCI says it is within measurement error: say so. */
	if (isfinite(x->r.rci) && !outcome_reliably_improved(&x->r))
		sb_adds(sb, " (within measurement error)");
	if (x->o->states & OUTCOME_LEVELLED_ST)
		sb_adds(sb, past ? " and had levelled off." : " and has levelled off.");
	else if (!past && (x->levelling == OUTCOME_LEVEL_CHANGING ||
			   x->levelling == OUTCOME_LEVEL_STEADY))
		/* Only the fitted curve says so (the last scores may be flat):
		 * "not yet levelled off", never "still improving". */
		sb_adds(sb, ", not yet levelled off.");
	else
		sb_addc(sb, '.');
}

const char *report_letter_measure_sentence(const struct report_letter *l, size_t m, char *buf,
					   size_t n)
{
	const struct report_note_measure *x = &l->note.m[m];
	const struct stats_course *r = &x->r;
	unsigned st = x->o->states;
	struct strbuf sb = STRBUF_INIT;
	char u[32], v[32], w[32];
	sb_adds(&sb, l->label[m]);
	if (r->n == 0) {
		sb_adds(&sb, ": not recorded in this course.");
	} else if (st & OUTCOME_WORSE_ST) {
		sb_adds(&sb, " worsened from ");
		from_to(&sb, r->baseline, r->latest);
		/* What to do is the next step's to say ("review" is a step of its own). */
		sb_adds(&sb, outcome_reliably_worse(r) ? ", a reliable deterioration."
			     : isfinite(r->rci) ? ", by the MCID or more (within measurement error)."
						: ", by the MCID or more.");
	} else if (st & OUTCOME_LOST_ST) {
		sb_addf(&sb, " improved from %s to %s by session %d but rose again to %s: the "
			"response was lost.", report_num(v, sizeof(v), r->baseline, 1),
			report_num(w, sizeof(w), x->o->best, 1), x->o->best_session,
			report_num(u, sizeof(u), r->latest, 1));
	} else if (r->n == 1) {
		sb_addf(&sb, ": one score so far (%s).", report_num(v, sizeof(v), r->latest, 1));
	} else if (r->n < OUTCOME_JUDGE_MIN) {
		sb_adds(&sb, ": ");
		from_to(&sb, r->baseline, r->latest);
		sb_addf(&sb, " in the first two scores; judged from %d.", OUTCOME_JUDGE_MIN);
	} else if (x->o->mild) {
		sb_addf(&sb, " was mild at the start (%s); a response is judged from a baseline of "
			"%s. Latest %s.", report_num(v, sizeof(v), r->baseline, 1),
			mcid_num(w, sizeof(w), x->o->min_baseline), report_num(u, sizeof(u), r->latest, 1));
	} else if (x->reading == OUTCOME_IMPROVED) {
		improved(&sb, l, x);
	} else if (x->reading == OUTCOME_RELIABLY_IMPROVED) {
		sb_adds(&sb, " improved slightly but reliably, from ");
		from_to(&sb, r->baseline, r->latest);
		sb_addc(&sb, '.');
	} else {
		small_change(&sb, x);
	}
	return done(&sb, buf, n);
}

/* Whether a break of the letter shows measure m's relapse (report_note.c
 * marks a break's measure a relapse only when the reading's relapse spans it). */
static int is_the_relapse(const struct report_letter *l, const struct report_break *b, size_t m)
{
	const struct outcome_relapse_at *a = &l->note.m[m].o->relapse;
	return b->reading[m] == OUTCOME_BREAK_RELAPSE && (l->note.m[m].o->states & OUTCOME_RELAPSE_ST) &&
	       b->from >= a->date_a && b->to <= a->date_b;
}

static int relapse_shown(const struct report_letter *l, size_t m)
{
	size_t k;
	for (k = 0; k < l->note.nbreaks; k++)
		if (is_the_relapse(l, &l->note.breaks[k], m))
			return 1;
	return 0;
}

const char *report_letter_relapse_sentence(const struct report_letter *l, size_t m, char *buf,
					   size_t n)
{
	const struct report_note_measure *x = &l->note.m[m];
	const struct outcome_relapse_at *a = &x->o->relapse;
	struct strbuf sb = STRBUF_INIT;
	char d1[11], d2[11], v[32];
	if (!x->shown || !(x->o->states & OUTCOME_RELAPSE_ST) || relapse_shown(l, m))
		return NULL;
	date_format(a->date_a, d1);
	date_format(a->date_b, d2);
	sb_addf(&sb, "%s rose from ", l->label[m]);
	from_to(&sb, a->y_a, a->y_b);
	sb_addf(&sb, " after %ld days without a score (%s to %s): a relapse", a->date_b - a->date_a,
		d1, d2);
	if (a->present)
		sb_addf(&sb, ", still present (latest %s)", report_num(v, sizeof(v), x->r.latest, 1));
	sb_addc(&sb, '.');
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
		if (is_the_relapse(l, b, m) && l->note.m[m].o->relapse.present)
			sb_adds(sb, ", still present");
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
		sb_addf(sb, "%ld months ago", (long)(days / 30.4375));
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

/* The labels of the shown measures whose states have every bit of 'all' and
 * none of 'none': "Pain", "Fatigue and Pain", "Fatigue, Sleep and Pain". */
static size_t count_with(const struct report_letter *l, unsigned all, unsigned none)
{
	size_t m, total = 0;
	for (m = 0; m < l->note.nm; m++) {
		unsigned st = l->note.m[m].o->states;
		total += l->note.m[m].shown && (st & all) == all && !(st & none);
	}
	return total;
}

static size_t labels_with(struct strbuf *sb, const struct report_letter *l, unsigned all,
			  unsigned none)
{
	size_t m, k = 0, total = count_with(l, all, none);
	for (m = 0; m < l->note.nm; m++) {
		unsigned st = l->note.m[m].o->states;
		if (!l->note.m[m].shown || (st & all) != all || (st & none))
			continue;
		k++;
		sb_adds(sb, k == 1 ? "" : k == total ? " and " : ", ");
		sb_adds(sb, l->label[m]);
	}
	return total;
}

/* refer back: the worse measures, then the relapses still present. */
static void refer_back_reason(struct strbuf *sb, const struct report_letter *l)
{
	size_t m, k = 0;
	char v[32], w[32];
	if (count_with(l, OUTCOME_WORSE_ST, 0)) {
		sb_adds(sb, "worse: ");
		labels_with(sb, l, OUTCOME_WORSE_ST, 0);
		k = 1;
	}
	for (m = 0; m < l->note.nm; m++) {
		const struct outcome_measure *o = l->note.m[m].o;
		if (!l->note.m[m].shown || !(o->states & OUTCOME_RELAPSE_ST) || !o->relapse.present ||
		    (o->states & OUTCOME_WORSE_ST))
			continue;
		sb_addf(sb, "%s%s relapsed after a break and is still up: %s against %s before it",
			k++ ? "; " : "", l->label[m],
			report_num(v, sizeof(v), l->note.m[m].r.latest, 1),
			report_num(w, sizeof(w), o->relapse.y_a, 1));
	}
}

/* continue: what is still going on, in the reading's words. */
static void continue_reason(struct strbuf *sb, const struct report_letter *l)
{
	int past = l->status == REPORT_COMPLETED;
	if (count_with(l, OUTCOME_RESPONDED_ST, OUTCOME_LEVELLED_ST)) {
		sb_adds(sb, past ? "still improving at the end: " : "improving, not yet levelled off: ");
		labels_with(sb, l, OUTCOME_RESPONDED_ST, OUTCOME_LEVELLED_ST);
	} else if ((long)l->note.sessions < l->no_response_sessions) {
		sb_addf(sb, "%zu session%s so far; a response is judged after %ld",
			l->note.sessions, l->note.sessions == 1 ? "" : "s", l->no_response_sessions);
	} else {
		/* No measure responded and none lost a response, yet one reached
		 * its MCID at some session: from a mild start or in too few scores. */
		sb_adds(sb, "a score reached its minimal important change, from a mild start or "
			    "in too few scores to judge");
	}
}

/* Why the rule chose the step, in words a reader can check against the table. */
static void step_reason(struct strbuf *sb, const struct report_letter *l)
{
	int past = l->status == REPORT_COMPLETED;
	switch (l->step) {
	case OUTCOME_STEP_REFER_BACK:
		refer_back_reason(sb, l);
		return;
	case OUTCOME_STEP_REVIEW:
		sb_adds(sb, "the response was lost: ");
		labels_with(sb, l, OUTCOME_LOST_ST, 0);
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
		sb_adds(sb, past ? "the improvement had levelled off: " : "the improvement has levelled off: ");
		labels_with(sb, l, OUTCOME_LEVELLED_ST, 0);
		return;
	default:
		continue_reason(sb, l);
		return;
	}
}

const char *report_letter_step_sentence(const struct report_letter *l, char *buf, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	if (l->opts.recommendation) {
		sb_adds(&sb, "Recommended next step: ");
		sb_adds(&sb, l->opts.recommendation);
		return done(&sb, buf, n);
	}
	sb_addf(&sb, "Suggested next step: %s (", outcome_step_word(l->step));
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

/* Why a measure has no reliable-change reading: its SD is estimated from
 * the baselines of two or more courses, or set by the clinic. */
static void no_rci(struct strbuf *sb, const struct report_letter *l)
{
	size_t m, k = 0;
	for (m = 0; m < l->note.nm; m++) {
		const struct report_note_measure *x = &l->note.m[m];
		if (!x->shown || x->r.n < 2 || !isnan(x->r.rci))
			continue;
		sb_adds(sb, k++ ? ", " : " No reliable-change reading yet for ");
		sb_adds(sb, l->label[m]);
	}
	if (k)
		sb_adds(sb, ": the SD it needs is estimated from the baselines of two or more "
			    "courses, or set with 'config set MEASURE.sd'.");
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
	sb_addf(&sb, "); reliable: beyond measurement error (|RCI| >= %.2f).", OUTCOME_Z95);
	no_rci(&sb, l);
	return done(&sb, buf, n);
}

/* The answer as lines ------------------------------------------------------ */

const char *report_letter_episode_sentence(const struct report_letter *l, char *buf, size_t n)
{
	const struct reading_episode *ep = &l->note.rd.ep;
	struct strbuf sb = STRBUF_INIT;
	char d1[11], d2[11], d3[11];
	size_t m;
	int any = 0;
	if (ep->courses < 2)
		return NULL;
	date_format(ep->from, d1);
	date_format(l->note.courses_[ep->first].date[0], d2);
	date_format(l->note.courses_[l->note.ncourses_ - 1].date[l->note.courses_[l->note.ncourses_ - 1].n - 1], d3);
	sb_addf(&sb, "Since %s %s (%zu courses, %zu sessions, %s to %s): ",
		ep->referral_given ? "referral on" : "the first course on", d1, ep->courses,
		ep->sessions, d2, d3);
	for (m = 0; m < l->note.nm; m++) {
		const struct reading_episode_measure *e = &ep->m[m];
		if (!l->note.m[m].shown || e->n < 2)
			continue;
		sb_adds(&sb, any ? ", " : "");
		sb_adds(&sb, l->label[m]);
		sb_addc(&sb, ' ');
		from_to(&sb, e->first, e->last);
		any = 1;
	}
	if (!any)
		sb_adds(&sb, "no score recorded twice");
	sb_addc(&sb, '.');
	return done(&sb, buf, n);
}

static void answer_add(struct report_answer *a, const char *line, int step)
{
	if (!line)
		return;
	a->line = xgrow(a->line, &a->cap, a->n + 1, sizeof(*a->line));
	a->step = xrealloc(a->step, a->cap * sizeof(*a->step));
	a->line[a->n] = xstrdup(line);
	a->step[a->n++] = step;
}

void report_letter_answer(const struct report_letter *l, struct report_answer *a)
{
	char buf[2048];
	size_t m, i;
	memset(a, 0, sizeof(*a));
	answer_add(a, report_letter_episode_sentence(l, buf, sizeof(buf)), 0);
	for (m = 0; m < l->note.nm; m++) {
		if (!l->note.m[m].shown)
			continue;
		answer_add(a, report_letter_measure_sentence(l, m, buf, sizeof(buf)), 0);
		answer_add(a, report_letter_relapse_sentence(l, m, buf, sizeof(buf)), 0);
	}
	for (i = 0; i < l->note.nbreaks; i++)
		answer_add(a, report_letter_break_sentence(l, &l->note.breaks[i], buf, sizeof(buf)), 0);
	for (i = 0; i < l->note.nshort_pauses; i++)
		answer_add(a, report_letter_break_sentence(l, &l->note.short_pauses[i], buf,
							   sizeof(buf)), 0);
	answer_add(a, report_letter_status_sentence(l, buf, sizeof(buf)), 0);
	answer_add(a, report_letter_step_sentence(l, buf, sizeof(buf)), 1);
}

void report_answer_release(struct report_answer *a)
{
	size_t i;
	for (i = 0; i < a->n; i++)
		free(a->line[i]);
	free(a->line);
	free(a->step);
	memset(a, 0, sizeof(*a));
}
