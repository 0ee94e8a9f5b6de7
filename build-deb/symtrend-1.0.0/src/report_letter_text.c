/*
 * report_letter_text.c - the referral letter as plain text, 80 columns: a
 * pure function of struct report_letter.  The answer comes first, before
 * any table; text from files is shown with control characters made visible.
 */
#include "report_letter.h"

#include <math.h>
#include <string.h>

/* 'label' then plain 'value', wrapped, continuation lines indented by 'indent'. */
static void labelled(struct strbuf *t, const char *label, const char *value, size_t indent)
{
	struct strbuf x = STRBUF_INIT;
	sb_adds(&x, label);
	report_text_plain(&x, value);
	report_text_wrap(t, x.buf, 0, indent);
	sb_release(&x);
}

/* Text with line breaks as spaces and other control characters made visible. */
static void one_line(struct strbuf *sb, const char *s)
{
	struct strbuf x = STRBUF_INIT;
	for (; *s; s++)
		sb_addc(&x, *s == '\n' || *s == '\r' || *s == '\t' ? ' ' : *s);
	report_text_plain(sb, x.buf ? x.buf : "");
	sb_release(&x);
}

static void heading(struct strbuf *t, const char *title)
{
	sb_addf(t, "\n%s\n", title);
}

static void letterhead(struct strbuf *t, const struct report_letter *l)
{
	struct strbuf x = STRBUF_INIT;
	if (*l->clinic_name)
		labelled(t, "", l->clinic_name, 0);
	if (*l->clinic_address)
		labelled(t, "", l->clinic_address, 0);
	if (*l->clinic_phone) {
		sb_adds(&x, "Phone ");
		report_text_plain(&x, l->clinic_phone);
	}
	if (*l->clinic_email) {
		sb_adds(&x, x.len ? ", email " : "Email ");
		report_text_plain(&x, l->clinic_email);
	}
	if (x.len)
		report_text_wrap(t, x.buf, 0, 0);
	sb_release(&x);
	/* Without a letterhead the first line still says what this is. */
	if (!*l->clinic_name && !*l->clinic_address && !*l->clinic_phone && !*l->clinic_email)
		sb_addf(t, "PROGRESS NOTE%*s\n", REPORT_WIDTH - 13, l->note.today);
	else
		sb_addf(t, "%*s\n", REPORT_WIDTH, l->note.today);
}

static void addressee(struct strbuf *t, const struct report_letter *l)
{
	const struct report_note *n = &l->note;
	const struct store_course_visits *v = &l->visits;
	struct strbuf x = STRBUF_INIT;
	char d[11];
	labelled(t, "To: ", n->referrer ? n->referrer : "the referring physician", 4);
	sb_addc(t, '\n');
	sb_adds(&x, "Re: ");
	if (v->name) {
		report_text_plain(&x, v->name);
		sb_adds(&x, ", ");
	}
	if (n->birth_year)
		sb_addf(&x, "born %d, ", n->birth_year);
	sb_adds(&x, "patient ");
	report_text_plain(&x, n->patient_id);
	report_text_wrap(t, x.buf, 0, 4);
	sb_reset(&x);
	if (v->referral_reason || v->referral_date != CSVIN_NO_DATE) {
		sb_adds(&x, "Referred");
		if (v->referral_date != CSVIN_NO_DATE) {
			date_format(v->referral_date, d);
			sb_addf(&x, " on %s", d);
		}
		if (v->referral_reason) {
			sb_adds(&x, " for ");
			report_text_plain(&x, v->referral_reason);
		}
		report_text_wrap(t, x.buf, 0, 4);
		sb_reset(&x);
	}
	if (n->indication)
		labelled(t, "Indication: ", n->indication, 4);
	sb_release(&x);
}

/* The answer: one sentence per measure, each break, the status, the next step. */
static void answer(struct strbuf *t, const struct report_letter *l)
{
	struct report_answer a;
	size_t i;
	heading(t, "IN SHORT");
	report_letter_answer(l, &a);
	for (i = 0; i < a.n; i++)
		labelled(t, "", a.line[i], 2);
	report_answer_release(&a);
}

/* Dates of the visits with attendance a, "2025-03-06, 2025-04-02". */
static void visit_dates(struct strbuf *x, const struct store_course_visits *v,
			enum csvin_attendance a)
{
	char d[11];
	size_t i;
	int any = 0;
	for (i = 0; i < v->n; i++) {
		if (v->visit[i].attendance != a)
			continue;
		date_format(v->visit[i].date, d);
		sb_addf(x, "%s%s", any ? ", " : "", d);
		any = 1;
	}
}

/* "Course C1: 2025-01-06 to 2025-03-03 (course 2 of 2), therapist X" */
static void course_line(struct strbuf *t, const struct report_letter *l)
{
	struct strbuf x = STRBUF_INIT;
	const struct report_note *n = &l->note;
	char d1[11], d2[11], who[REPORT_LETTER_WHO];
	date_format(n->from, d1);
	date_format(n->to, d2);
	sb_adds(&x, "Course ");
	report_text_plain(&x, n->course_id);
	sb_addf(&x, ": %s to %s", d1, d2);
	if (n->ncourses > 1)
		sb_addf(&x, " (course %zu of %zu)", n->course_no, n->ncourses);
	if (report_letter_therapists(l, who, sizeof(who))) {
		sb_adds(&x, ", therapist ");
		report_text_plain(&x, who);
	}
	report_text_wrap(t, x.buf, 0, 2);
	sb_release(&x);
}

/* "; cancelled: 2 (2025-03-06, 2025-04-02)": the visits missed one way, each dated. */
static void missed(struct strbuf *x, const char *what, long count,
		   const struct store_course_visits *v, enum csvin_attendance a)
{
	sb_addf(x, "; %s: %ld", what, count);
	if (count) {
		sb_adds(x, " (");
		visit_dates(x, v, a);
		sb_addc(x, ')');
	}
}

/* Sessions attended against planned, then the cancelled and missed ones. */
static void attendance_line(struct strbuf *t, const struct report_letter *l)
{
	const struct store_course_visits *v = &l->visits;
	struct strbuf x = STRBUF_INIT;
	size_t sessions = l->note.sessions;
	sb_addf(&x, "Sessions attended: %zu", sessions);
	if (l->planned > 0 && sessions > (size_t)l->planned)
		sb_addf(&x, "; %d had been planned", l->planned);
	else if (l->planned > 0)
		sb_addf(&x, " of %d planned", l->planned);
	missed(&x, "cancelled", v->cancelled, v, CSVIN_CANCELLED);
	missed(&x, "no-show", v->no_show, v, CSVIN_NO_SHOW);
	report_text_wrap(t, x.buf, 0, 2);
	sb_release(&x);
}

/* Each adverse event with its date, as the client reported it after the session. */
static void adverse_events(struct strbuf *t, const struct store_course_visits *v)
{
	struct strbuf x = STRBUF_INIT;
	char d[11];
	size_t i;
	if (!v->adverse_events)
		sb_adds(t, "Adverse events: none recorded.\n");
	else
		sb_adds(t, "Adverse events (reported after the session):\n");
	for (i = 0; i < v->n; i++) {
		if (!v->visit[i].adverse_event)
			continue;
		date_format(v->visit[i].date, d);
		sb_addf(&x, "%s: ", d);
		one_line(&x, v->visit[i].adverse_event);
		sb_adds(t, "  ");
		report_text_wrap(t, x.buf, 2, 4);
		sb_reset(&x);
	}
	sb_release(&x);
}

static void course(struct strbuf *t, const struct report_letter *l)
{
	char d1[11], d2[11];
	size_t i;
	heading(t, "THE COURSE");
	course_line(t, l);
	attendance_line(t, l);
	for (i = 0; i < l->note.npauses; i++) {
		date_format(l->note.pauses[i].from, d1);
		date_format(l->note.pauses[i].to, d2);
		sb_addf(t, "Pause: %ld days between sessions %zu and %zu (%s to %s)\n",
			l->note.pauses[i].days, l->note.pauses[i].session,
			l->note.pauses[i].session + 1, d1, d2);
	}
	adverse_events(t, &l->visits);
}

static void scores(struct strbuf *t, const struct report_letter *l)
{
	const struct report_note *n = &l->note;
	char a[32], b[32], c[32], rd[256];
	size_t m;
	heading(t, "SCORES (0-10, 0 = no symptom, 10 = worst imaginable; lower is better)");
	sb_adds(t, "Measure                  Baseline Latest Change  Reading\n");
	for (m = 0; m < n->nm; m++) {
		const struct report_note_measure *x = &n->m[m];
		struct strbuf lab = STRBUF_INIT;
		if (!x->shown)
			continue;
		report_text_plain(&lab, l->label[m]);
		sb_addf(t, "%-24.24s %8s %6s %6s  ", lab.buf, report_num(a, sizeof(a), x->r.baseline, 1),
			report_num(b, sizeof(b), x->r.latest, 1),
			report_signed(c, sizeof(c), x->r.change, 1));
		report_text_wrap(t, report_letter_reading(l, m, rd, sizeof(rd)), 48, 48);
		sb_release(&lab);
	}
	report_text_wrap(t, report_letter_legend(l, rd, sizeof(rd)), 0, 0);
}

static void what_scores_are(struct strbuf *t, const struct report_letter *l)
{
	size_t m, first = (size_t)-1;
	heading(t, "WHAT THE SCORES ARE");
	for (m = 0; m < l->note.nm; m++) {
		struct strbuf x = STRBUF_INIT;
		if (!l->note.m[m].shown)
			continue;
		if (first == (size_t)-1)
			first = m;
		else if (l->same_instrument)
			continue;
		if (l->same_instrument) {
			sb_adds(&x, "Each score: ");
		} else {
			report_text_plain(&x, l->label[m]);
			sb_adds(&x, ": ");
		}
		report_text_plain(&x, l->instrument[m]);
		report_text_wrap(t, x.buf, 0, 2);
		sb_release(&x);
	}
}

/* The trend, levelling and expected-course figures behind the answer. */
static void details(struct strbuf *t, const struct report_letter *l)
{
	const struct report_note *n = &l->note;
	char buf[512];
	size_t m;
	heading(t, "DETAILS FOR THE RECORD");
	for (m = 0; m < n->nm; m++) {
		const struct report_note_measure *x = &n->m[m];
		struct strbuf lab = STRBUF_INIT;
		const char *e;
		if (!x->shown || x->r.n == 0)
			continue;
		report_text_plain(&lab, l->label[m]);
		sb_addf(t, "%s\n", lab.buf);
		sb_release(&lab);
		sb_adds(t, "  trend: ");
		report_text_wrap(t, report_trend(&x->r, buf, sizeof(buf)), 9, 4);
		sb_adds(t, "  ");
		report_text_wrap(t, report_letter_levelling(l, m, buf, sizeof(buf)), 2, 4);
		if ((e = report_expected(x, buf, sizeof(buf)))) {
			sb_adds(t, "  ");
			report_text_wrap(t, e, 2, 4);
		}
	}
	report_text_wrap(t, "Reliable change is the Jacobson-Truax index (|RCI| >= " CLINIC_STR(CLINIC_Z95) "). "
		REPORT_LETTER_RULES, 0, 0);
}

static void other_courses(struct strbuf *t, const struct report_letter *l)
{
	char buf[1024];
	size_t k;
	if (l->note.nothers < 2)
		return;
	heading(t, "OTHER COURSES");
	for (k = 0; k < l->note.nothers; k++) {
		const struct report_other_course *o = &l->note.others[k];
		if (o->this_course)
			continue;
		labelled(t, o->from < l->note.from ? "Earlier: " : "Later: ",
			 report_letter_course_line(l, o, buf, sizeof(buf)), 2);
	}
	{
		char d1[11], d2[11];
		long from, to;
		if (report_letter_gap_before(l, &from, &to)) {
			date_format(from, d1);
			date_format(to, d2);
			sb_addf(t, "Break before this course: %ld days (%s to %s)\n", to - from, d1,
				d2);
		}
	}
}

/* Free text from the therapist: its own line breaks kept, each line wrapped. */
static void paragraphs(struct strbuf *t, const char *text)
{
	struct strbuf x = STRBUF_INIT;
	const char *p = text;
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		sb_reset(&x);
		sb_add(&x, p, len);
		if (x.len && x.buf[x.len - 1] == '\r')
			x.buf[--x.len] = '\0';
		labelled(t, "", x.buf ? x.buf : "", 0);
		p += len + (e != NULL);
	}
	sb_release(&x);
}

static void signature(struct strbuf *t, const struct report_letter *l)
{
	const struct store_therapist *s = &l->signer;
	sb_adds(t, "\nWith kind regards,\n\n");
	if (!l->note.therapist)
		return;
	labelled(t, "", l->note.therapist, 0);
	if (s->credentials)
		labelled(t, "", s->credentials, 0);
	if (s->email)
		labelled(t, "", s->email, 0);
}

static void appendix(struct strbuf *t, const struct report_letter *l)
{
	const struct store_course_visits *v = &l->visits;
	struct strbuf x = STRBUF_INIT;
	char d[11];
	size_t i;
	int any = 0;
	heading(t, "APPENDIX: SESSION NOTES");
	for (i = 0; i < v->n; i++) {
		if (!v->visit[i].notes)
			continue;
		date_format(v->visit[i].date, d);
		sb_reset(&x);
		sb_addf(&x, "%s: %s", d, v->visit[i].attendance == CSVIN_ATTENDED ? ""
			: v->visit[i].attendance == CSVIN_CANCELLED ? "(cancelled) " : "(no-show) ");
		one_line(&x, v->visit[i].notes);
		report_text_wrap(t, x.buf, 0, 4);
		any = 1;
	}
	if (!any)
		sb_adds(t, "No session of this course has notes.\n");
	sb_release(&x);
}

void report_letter_text(struct strbuf *t, const struct report_letter *l)
{
	letterhead(t, l);
	addressee(t, l);
	answer(t, l);
	course(t, l);
	other_courses(t, l);
	scores(t, l);
	what_scores_are(t, l);
	if (l->opts.comment) {
		heading(t, "COMMENT");
		paragraphs(t, l->opts.comment);
	}
	details(t, l);
	signature(t, l);
	if (l->opts.with_notes)
		appendix(t, l);
}
