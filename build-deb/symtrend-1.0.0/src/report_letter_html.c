/*
 * report_letter_html.c - the referral letter as standalone HTML for A4
 * paper: a pure function of struct report_letter, the same content as the
 * text letter.  Everything from a file or a setting is escaped; the chart
 * batch puts the course chart where REPORT_CHART_MARK stands.  Printed, each
 * page carries its number (CSS page margin boxes).
 */
#include "report_letter.h"

#include <string.h>

static void head(struct strbuf *h, const struct report_letter *l)
{
	sb_adds(h, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		   "<title>Progress letter, patient ");
	html_escape(h, l->note.patient_id);
	sb_adds(h, "</title>\n<style>\n"
		"@page { size: A4; margin: 15mm 16mm 16mm;\n"
		"  @bottom-right { content: \"Page \" counter(page) \" of \" counter(pages);"
		" font: 8pt 'DejaVu Sans', Arial, sans-serif; color: #555; } }\n"
		"body { font: 10pt/1.35 'DejaVu Sans', Arial, sans-serif; color: #111;"
		" max-width: 178mm; margin: 0 auto; }\n"
		".head { border-bottom: 1.5pt solid #345; padding-bottom: 3pt; margin-bottom: 6pt; }\n"
		".clinic { font-size: 13pt; font-weight: bold; } .head div { color: #333; }\n"
		".date { text-align: right; margin: 2pt 0; } .to, .re { margin: 4pt 0; }\n"
		".re strong { font-size: 11pt; }\n"
		".answer { border: 1pt solid #789; background: #f3f6f9; padding: 4pt 8pt;"
		" margin: 8pt 0; page-break-inside: avoid; }\n"
		".answer ul { margin: 2pt 0; padding-left: 14pt; } .answer li { margin: 1pt 0; }\n"
		".step { font-weight: bold; }\n"
		"h2 { font-size: 11pt; margin: 10pt 0 3pt; border-bottom: 0.5pt solid #999; }\n"
		".answer h2 { border: 0; margin: 2pt 0; }\n"
		"table { border-collapse: collapse; width: 100%; margin: 3pt 0; }\n"
		"th, td { border: 0.5pt solid #bbb; padding: 1.5pt 4pt; text-align: left;"
		" vertical-align: top; font-size: 9pt; }\n"
		"td.n { text-align: right; white-space: nowrap; } th { background: #eee; }\n"
		"p { margin: 3pt 0; } .small { font-size: 8.5pt; color: #333; }\n"
		"figure { margin: 4pt 0; page-break-inside: avoid; } figure img { width: 100%;"
		" max-height: 78mm; object-fit: contain; } figure svg { display: block; width: 100%;"
		" height: auto; max-height: 78mm; } figcaption { font-size: 8pt; color: #333; }\n"
		".nochart { color: #555; font-style: italic; }\n"
		".sign { margin-top: 10pt; page-break-inside: avoid; }\n"
		".appendix { page-break-before: always; }\n"
		"@media print { h2 { page-break-after: avoid; } }\n"
		"</style></head><body>\n");
}

static void letterhead(struct strbuf *h, const struct report_letter *l)
{
	int phone = *l->clinic_phone != '\0', mail = *l->clinic_email != '\0';
	if (*l->clinic_name || *l->clinic_address || phone || mail) {
		sb_adds(h, "<div class=\"head\">");
		if (*l->clinic_name) {
			sb_adds(h, "<div class=\"clinic\">");
			html_escape(h, l->clinic_name);
			sb_adds(h, "</div>");
		}
		if (*l->clinic_address) {
			sb_adds(h, "<div>");
			html_escape(h, l->clinic_address);
			sb_adds(h, "</div>");
		}
		if (phone || mail) {
			sb_adds(h, "<div>");
			if (phone) {
				sb_adds(h, "Phone ");
				html_escape(h, l->clinic_phone);
			}
			if (mail) {
				sb_adds(h, phone ? " &middot; Email " : "Email ");
				html_escape(h, l->clinic_email);
			}
			sb_adds(h, "</div>");
		}
		sb_adds(h, "</div>\n");
	}
	sb_adds(h, "<p class=\"date\">");
	html_escape(h, l->note.today);
	sb_adds(h, "</p>\n");
}

static void addressee(struct strbuf *h, const struct report_letter *l)
{
	const struct report_note *n = &l->note;
	const struct store_course_visits *v = &l->visits;
	char d[11];
	sb_adds(h, "<p class=\"to\">To: ");
	html_escape(h, n->referrer ? n->referrer : "the referring physician");
	sb_adds(h, "</p>\n<p class=\"re\"><strong>Re: ");
	if (v->name) {
		html_escape(h, v->name);
		sb_adds(h, ", ");
	}
	if (n->birth_year)
		sb_addf(h, "born %d, ", n->birth_year);
	sb_adds(h, "patient ");
	html_escape(h, n->patient_id);
	sb_adds(h, "</strong>");
	if (v->referral_reason || v->referral_date != CSVIN_NO_DATE) {
		sb_adds(h, "<br>Referred");
		if (v->referral_date != CSVIN_NO_DATE) {
			date_format(v->referral_date, d);
			sb_addf(h, " on %s", d);
		}
		if (v->referral_reason) {
			sb_adds(h, " for ");
			html_escape(h, v->referral_reason);
		}
	}
	if (n->indication) {
		sb_adds(h, "<br>Indication: ");
		html_escape(h, n->indication);
	}
	sb_adds(h, "</p>\n");
}

static void li(struct strbuf *h, const char *s, const char *cls)
{
	sb_addf(h, cls ? "<li class=\"%s\">" : "<li>", cls);
	html_escape(h, s);
	sb_adds(h, "</li>\n");
}

static void answer(struct strbuf *h, const struct report_letter *l)
{
	struct report_answer a;
	size_t i;
	sb_adds(h, "<div class=\"answer\"><h2>In short</h2><ul>\n");
	report_letter_answer(l, &a);
	for (i = 0; i < a.n; i++)
		li(h, a.line[i], a.step[i] ? "step" : NULL);
	report_answer_release(&a);
	sb_adds(h, "</ul></div>\n");
}

static void visit_dates(struct strbuf *h, const struct store_course_visits *v,
			enum csvin_attendance a, long count)
{
	char d[11];
	size_t i;
	int any = 0;
	sb_addf(h, "%ld", count);
	if (!count)
		return;
	sb_adds(h, " (");
	for (i = 0; i < v->n; i++) {
		if (v->visit[i].attendance != a)
			continue;
		date_format(v->visit[i].date, d);
		sb_addf(h, "%s%s", any ? ", " : "", d);
		any = 1;
	}
	sb_addc(h, ')');
}

static void course(struct strbuf *h, const struct report_letter *l)
{
	const struct report_note *n = &l->note;
	const struct store_course_visits *v = &l->visits;
	char d1[11], d2[11], who[REPORT_LETTER_WHO];
	size_t i;
	sb_adds(h, "<h2>The course</h2>\n<p>Course ");
	html_escape(h, n->course_id);
	date_format(n->from, d1);
	date_format(n->to, d2);
	sb_addf(h, ": %s to %s", d1, d2);
	if (n->ncourses > 1)
		sb_addf(h, " (course %zu of %zu)", n->course_no, n->ncourses);
	if (report_letter_therapists(l, who, sizeof(who))) {
		sb_adds(h, ", therapist ");
		html_escape(h, who);
	}
	sb_addf(h, "<br>Sessions attended: %zu", n->sessions);
	if (l->planned > 0 && n->sessions > (size_t)l->planned)
		sb_addf(h, "; %d had been planned", l->planned);
	else if (l->planned > 0)
		sb_addf(h, " of %d planned", l->planned);
	sb_adds(h, "; cancelled: ");
	visit_dates(h, v, CSVIN_CANCELLED, v->cancelled);
	sb_adds(h, "; no-show: ");
	visit_dates(h, v, CSVIN_NO_SHOW, v->no_show);
	for (i = 0; i < l->note.npauses; i++) {
		date_format(l->note.pauses[i].from, d1);
		date_format(l->note.pauses[i].to, d2);
		sb_addf(h, "<br>Pause: %ld days between sessions %zu and %zu (%s to %s)",
			l->note.pauses[i].days, l->note.pauses[i].session,
			l->note.pauses[i].session + 1, d1, d2);
	}
	if (!v->adverse_events) {
		sb_adds(h, "<br>Adverse events: none recorded.</p>\n");
		return;
	}
	sb_adds(h, "<br>Adverse events (reported after the session):</p>\n<ul>\n");
	for (i = 0; i < v->n; i++) {
		if (!v->visit[i].adverse_event)
			continue;
		date_format(v->visit[i].date, d1);
		sb_addf(h, "<li>%s: ", d1);
		html_escape(h, v->visit[i].adverse_event);
		sb_adds(h, "</li>\n");
	}
	sb_adds(h, "</ul>\n");
}

static void td(struct strbuf *h, const char *s, int numeric)
{
	sb_adds(h, numeric ? "<td class=\"n\">" : "<td>");
	html_escape(h, s);
	sb_adds(h, "</td>");
}

static void scores(struct strbuf *h, const struct report_letter *l)
{
	const struct report_note *n = &l->note;
	char a[32], b[32], c[32], rd[256];
	size_t m;
	sb_adds(h, "<h2>Scores</h2>\n<p class=\"small\">0-10, 0 = no symptom, 10 = worst imaginable;"
		   " lower is better.</p>\n<table><tr><th>Measure</th><th>Baseline</th><th>Latest</th>"
		   "<th>Change</th><th>Reading</th></tr>\n");
	for (m = 0; m < n->nm; m++) {
		const struct report_note_measure *x = &n->m[m];
		if (!x->shown)
			continue;
		sb_adds(h, "<tr>");
		td(h, l->label[m], 0);
		td(h, report_num(a, sizeof(a), x->r.baseline, 1), 1);
		td(h, report_num(b, sizeof(b), x->r.latest, 1), 1);
		td(h, report_signed(c, sizeof(c), x->r.change, 1), 1);
		td(h, report_letter_reading(l, m, rd, sizeof(rd)), 0);
		sb_adds(h, "</tr>\n");
	}
	sb_adds(h, "</table>\n<p class=\"small\">");
	html_escape(h, report_letter_legend(l, rd, sizeof(rd)));
	sb_adds(h, "</p>\n" REPORT_CHART_MARK "\n");
}

static void what_scores_are(struct strbuf *h, const struct report_letter *l)
{
	size_t m;
	int first = 1;
	sb_adds(h, "<h2>What the scores are</h2>\n<p>");
	for (m = 0; m < l->note.nm; m++) {
		if (!l->note.m[m].shown)
			continue;
		if (l->same_instrument) {
			sb_adds(h, "Each score: ");
			html_escape(h, l->instrument[m]);
			break;
		}
		sb_adds(h, first ? "" : "<br>");
		html_escape(h, l->label[m]);
		sb_adds(h, ": ");
		html_escape(h, l->instrument[m]);
		first = 0;
	}
	sb_adds(h, "</p>\n");
}

static void other_courses(struct strbuf *h, const struct report_letter *l)
{
	char buf[1024], d1[11], d2[11];
	size_t k;
	if (l->note.nothers < 2)
		return;
	sb_adds(h, "<h2>Other courses</h2>\n<p>");
	for (k = 0; k < l->note.nothers; k++) {
		const struct report_other_course *o = &l->note.others[k];
		if (o->this_course)
			continue;
		sb_adds(h, o->from < l->note.from ? "Earlier: " : "Later: ");
		html_escape(h, report_letter_course_line(l, o, buf, sizeof(buf)));
		sb_adds(h, "<br>");
	}
	{
		long from, to;
		if (report_letter_gap_before(l, &from, &to)) {
			date_format(from, d1);
			date_format(to, d2);
			sb_addf(h, "Break before this course: %ld days (%s to %s)", to - from, d1, d2);
		}
	}
	sb_adds(h, "</p>\n");
}

/* The therapist's comment, its line breaks kept. */
static void comment(struct strbuf *h, const char *text)
{
	struct strbuf x = STRBUF_INIT;
	const char *p = text;
	sb_adds(h, "<h2>Comment</h2>\n<p>");
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		sb_reset(&x);
		sb_add(&x, p, len);
		if (x.len && x.buf[x.len - 1] == '\r')
			x.buf[--x.len] = '\0';
		html_escape(h, x.buf ? x.buf : "");
		if (e)
			sb_adds(h, "<br>");
		p += len + (e != NULL);
	}
	sb_adds(h, "</p>\n");
	sb_release(&x);
}

static void details(struct strbuf *h, const struct report_letter *l)
{
	const struct report_note *n = &l->note;
	char buf[512];
	size_t m;
	sb_adds(h, "<h2>Details for the record</h2>\n<table><tr><th>Measure</th><th>Trend per session"
		   "</th><th>Levelling off</th><th>Expected course</th></tr>\n");
	for (m = 0; m < n->nm; m++) {
		const struct report_note_measure *x = &n->m[m];
		const char *e;
		if (!x->shown || x->r.n == 0)
			continue;
		sb_adds(h, "<tr>");
		td(h, l->label[m], 0);
		td(h, report_trend(&x->r, buf, sizeof(buf)), 0);
		td(h, report_letter_levelling(l, m, buf, sizeof(buf)), 0);
		e = report_expected(x, buf, sizeof(buf));
		td(h, e ? e : "-", 0);
		sb_adds(h, "</tr>\n");
	}
	sb_adds(h, "</table>\n<p class=\"small\">");
	html_escape(h, "Reliable change is the Jacobson-Truax index (|RCI| >= " CLINIC_STR(CLINIC_Z95) "). "
		    REPORT_LETTER_RULES);
	sb_adds(h, "</p>\n");
}

static void signature(struct strbuf *h, const struct report_letter *l)
{
	const struct store_therapist *s = &l->signer;
	sb_adds(h, "<div class=\"sign\"><p>With kind regards,</p><p>");
	if (l->note.therapist) {
		html_escape(h, l->note.therapist);
		if (s->credentials) {
			sb_adds(h, "<br>");
			html_escape(h, s->credentials);
		}
		if (s->email) {
			sb_adds(h, "<br>");
			html_escape(h, s->email);
		}
	}
	sb_adds(h, "</p></div>\n");
}

static void appendix(struct strbuf *h, const struct report_letter *l)
{
	const struct store_course_visits *v = &l->visits;
	char d[11];
	size_t i;
	int any = 0;
	sb_adds(h, "<div class=\"appendix\"><h2>Appendix: session notes</h2>\n<table>\n");
	for (i = 0; i < v->n; i++) {
		if (!v->visit[i].notes)
			continue;
		date_format(v->visit[i].date, d);
		sb_addf(h, "<tr><td class=\"n\">%s</td><td>%s", d,
			v->visit[i].attendance == CSVIN_ATTENDED ? ""
			: v->visit[i].attendance == CSVIN_CANCELLED ? "(cancelled) " : "(no-show) ");
		html_escape(h, v->visit[i].notes);
		sb_adds(h, "</td></tr>\n");
		any = 1;
	}
	sb_adds(h, any ? "</table>" : "</table><p>No session of this course has notes.</p>");
	sb_adds(h, "</div>\n");
}

void report_letter_html(struct strbuf *h, const struct report_letter *l)
{
	head(h, l);
	letterhead(h, l);
	addressee(h, l);
	answer(h, l);
	course(h, l);
	other_courses(h, l);
	scores(h, l);
	what_scores_are(h, l);
	if (l->opts.comment)
		comment(h, l->opts.comment);
	details(h, l);
	signature(h, l);
	if (l->opts.with_notes)
		appendix(h, l);
	sb_adds(h, "</body></html>\n");
}
