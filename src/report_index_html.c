/*
 * report_index_html.c - the morning page as standalone HTML: a pure
 * function of struct report_index.  No external assets; readable with
 * scripts off (the few lines of script only sort tables), printable; every
 * table has a caption and header cells, every sparkline a text
 * alternative, and "worse" is a word and a mark, never only a colour.
 */
#include "report_data.h"
#include "report_index.h"

#include <math.h>
#include <string.h>

#define SPARK_W 96
#define SPARK_H 22

static const char style[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:1.5em auto;max-width:70em;color:#111}"
	"h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.6em;"
	"border-bottom:1px solid #999}h3{font-size:1em;margin:1em 0 .3em}"
	"table{border-collapse:collapse;margin:.3em 0 1em}caption{text-align:left;"
	"font-style:italic;padding:.2em 0}th,td{border:1px solid #bbb;padding:.2em .45em;"
	"vertical-align:top;text-align:left}th{background:#eee}td.num{text-align:right}"
	"th[aria-sort]{cursor:pointer}.worse{color:#a00;font-weight:bold}"
	"table.alerts td:nth-child(-n+4){white-space:nowrap}.better{color:#060}svg{vertical-align:middle}.note{color:#444;font-size:.9em}"
	"@media print{body{margin:0;max-width:none;font-size:10pt}a{color:#000}"
	"th[aria-sort]{cursor:auto}h2{break-after:avoid}tr{break-inside:avoid}"
	"section.act{break-after:page}table.alerts{font-size:9pt}}";

/* Sorts a table by the clicked header: data-sort values, else the text. */
static const char script[] =
	"document.querySelectorAll('table.sortable').forEach(function(t){"
	"t.querySelectorAll('thead th').forEach(function(th,i){"
	"th.setAttribute('aria-sort','none');th.tabIndex=0;"
	"function go(){var b=t.tBodies[0],r=Array.from(b.rows),"
	"up=th.getAttribute('aria-sort')!=='ascending';"
	"function v(x){var c=x.cells[i],d=c.getAttribute('data-sort');"
	"return d!==null?parseFloat(d):c.textContent.trim().toLowerCase();}"
	"r.sort(function(a,c){var x=v(a),y=v(c);"
	"if(typeof x==='number'&&isNaN(x))return 1;if(typeof y==='number'&&isNaN(y))return -1;"
	"return (x<y?-1:x>y?1:0)*(up?1:-1);});"
	"r.forEach(function(x){b.appendChild(x);});"
	"t.querySelectorAll('thead th').forEach(function(o){o.setAttribute('aria-sort','none');});"
	"th.setAttribute('aria-sort',up?'ascending':'descending');}"
	"th.addEventListener('click',go);"
	"th.addEventListener('keydown',function(e){if(e.key==='Enter')go();});});});";

/* The alert kinds in the order a director reads them, with their headings
 * (index: enum report_index_need; the last, plateaus, is good news). */
static const char *const kinds[][2] = {
	{ "worse", "Worse than at the start" },
	{ "relapse", "Relapse after a break" },
	{ "response_lost", "Response lost" },
	{ "no_response", "No response" },
	{ "plateau", "Levelled off after improving" },
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))
static const char *const need_words[INDEX_NEEDS] = { "worse", "relapse", "response lost",
						     "no response" };

static void esc(struct strbuf *h, const char *s)
{
	html_escape(h, s ? s : "");
}

/* A relative path as a URL: every byte but letters, digits, "-._~/"
 * percent-encoded ('#', '?' and '%' in an inbox file's name would cut the
 * link), which leaves nothing for HTML to escape. */
static void url_path(struct strbuf *h, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("-._~/", c)) {
			sb_addc(h, (char)c);
		} else {
			sb_addc(h, '%');
			sb_addc(h, hex[c >> 4]);
			sb_addc(h, hex[c & 15]);
		}
	}
}

static void link_or_text(struct strbuf *h, const char *prefix, const char *href,
			 const char *text)
{
	if (href) {
		sb_addf(h, "<a href=\"%s", prefix);
		url_path(h, href);
		sb_adds(h, "\">");
	}
	esc(h, text);
	if (href)
		sb_adds(h, "</a>");
}

/* A measure's scores over the sessions, 10 at the top. */
static void sparkline(struct strbuf *h, const struct report_index *x,
		      const struct report_index_course *c, size_t m)
{
	const struct report_index_measure *im = &c->m[m];
	char b1[32], b2[32];
	size_t i, den = c->nscores > 1 ? c->nscores - 1 : 1;
	if (im->n == 0)
		return;
	sb_addf(h, "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
		   "aria-label=\"", SPARK_W, SPARK_H, SPARK_W, SPARK_H);
	esc(h, x->names[m]);
	sb_addf(h, " scores from %s to %s over %zu scored sessions (0-10, lower is better)\">",
		report_num(b1, sizeof(b1), im->baseline, 1),
		report_num(b2, sizeof(b2), im->latest, 1), im->n);
	sb_addf(h, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#f6f6f6\"/>"
		   "<polyline fill=\"none\" stroke=\"#333\" stroke-width=\"1.5\" points=\"",
		SPARK_W, SPARK_H);
	for (i = 0; i < c->nscores; i++) {
		double y = c->scores[i * x->nm + m];
		if (isnan(y))
			continue;
		sb_addf(h, "%.1f,%.1f ", 2 + (double)i * (SPARK_W - 4) / (double)den,
			2 + (10 - y) * (SPARK_H - 4) / 10.0);
	}
	sb_adds(h, "\"/></svg>");
}

static void reading_cell(struct strbuf *h, const struct report_index_measure *im)
{
	const char *w = report_index_word(im->states, im->mild);
	if (im->states & (OUTCOME_WORSE_ST | OUTCOME_RELAPSE_ST | OUTCOME_LOST_ST))
		sb_addf(h, " <span class=\"worse\">&#9650; %s</span>", w);
	else
		sb_addf(h, " %s", w);
}

/* The open alerts of kind k: acknowledged ones (acked 1) or those that still
 * need a look (acked 0). */
static size_t kind_count(const struct report_index *x, size_t k, int acked)
{
	size_t i, n = 0;
	for (i = 0; i < x->nalerts; i++)
		n += !strcmp(x->alerts[i].a->kind, kinds[k][0]) && !x->alerts[i].a->ack_user == !acked;
	return n;
}

static void alert_row(struct strbuf *h, const struct report_index *x, size_t i, int acked,
		      const char *prefix)
{
	const struct store_alert *a = x->alerts[i].a;
	sb_adds(h, "<tr><td>");
	link_or_text(h, prefix, x->alerts[i].letter, a->patient_id);
	sb_adds(h, "</td><td>");
	esc(h, a->course_id);
	sb_adds(h, "</td><td>");
	esc(h, a->measure && *a->measure ? a->measure : "(course)");
	sb_adds(h, "</td><td>");
	esc(h, a->session_date);
	sb_adds(h, "</td><td>");
	esc(h, a->first_seen);
	if (a->first_seen && !strcmp(a->first_seen, x->today))
		sb_adds(h, " (new)");
	sb_adds(h, "</td><td>");
	esc(h, a->detail);
	if (acked) {
		sb_adds(h, "</td><td>");
		esc(h, a->ack_user);
		sb_adds(h, ", ");
		esc(h, a->ack_day);
		if (a->ack_note) {
			sb_adds(h, ": ");
			esc(h, a->ack_note);
		}
	}
	sb_adds(h, "</td></tr>\n");
}

static void alert_group(struct strbuf *h, const struct report_index *x, size_t k, int acked,
			const char *prefix)
{
	size_t i, n = kind_count(x, k, acked);
	if (!n)
		return;
	sb_addf(h, "<h3 id=\"%s-%s\">%s%s (%zu)</h3>\n<table class=\"alerts\"><caption>",
		acked ? "acked" : "alerts", kinds[k][0], k == 0 && !acked ? "&#9650; " : "",
		kinds[k][1], n);
	sb_addf(h, "%s: each patient links to the latest letter</caption>\n"
		   "<thead><tr><th scope=\"col\">Patient</th><th scope=\"col\">Course</th>"
		   "<th scope=\"col\">Measure</th><th scope=\"col\">Session</th>"
		   "<th scope=\"col\">First raised</th><th scope=\"col\">What</th>%s</tr></thead>"
		   "<tbody>\n", kinds[k][1],
		acked ? "<th scope=\"col\">Acknowledged</th>" : "");
	for (i = 0; i < x->nalerts; i++)
		if (!strcmp(x->alerts[i].a->kind, kinds[k][0]) && !x->alerts[i].a->ack_user == !acked)
			alert_row(h, x, i, acked, prefix);
	sb_adds(h, "</tbody></table>\n");
}

static void alerts_section(struct strbuf *h, const struct report_index *x, const char *prefix)
{
	size_t k, open = 0;
	for (k = 0; k < INDEX_NEEDS; k++)
		open += kind_count(x, k, 0);
	sb_adds(h, "<section class=\"act\"><h2 id=\"alerts\">Needs a look</h2>\n");
	if (x->alert_runs) {
		sb_adds(h, "<p>Brought up to date by today's run");
		sb_adds(h, strchr(x->alert_runs, ',') ? "s at " : " at ");
		esc(h, x->alert_runs);
		sb_adds(h, ".");
	} else {
		sb_adds(h, "<p>No nightly run today yet: the alerts as the last run left them.");
	}
	sb_adds(h, " An alert stays here, with the day it was first raised, until the "
		   "patient's reading no longer raises it or someone acknowledges it "
		   "(<code>symtrend alerts ack PATIENT KIND</code>). Alerts concern active "
		   "courses only.</p>\n");
	if (!open)
		sb_adds(h, "<p>Nothing open.</p>\n");
	for (k = 0; k < INDEX_NEEDS; k++)
		alert_group(h, x, k, 0, prefix);
	sb_adds(h, "</section>\n<h2 id=\"plateaus\">Good news: levelled off after improving</h2>\n");
	if (!kind_count(x, INDEX_NEEDS, 0))
		sb_adds(h, "<p>None open.</p>\n");
	alert_group(h, x, INDEX_NEEDS, 0, prefix);
	if (!x->acked)
		return;
	sb_adds(h, "<h2 id=\"acked\">Acknowledged, still open</h2>\n");
	for (k = 0; k < NKINDS; k++)
		alert_group(h, x, k, 1, prefix);
}

static void course_row(struct strbuf *h, const struct report_index *x,
		       const struct report_index_course *c, const char *prefix)
{
	char d[11], b[32];
	size_t m;
	sb_addf(h, "<tr><td>");
	link_or_text(h, prefix, c->letter, c->patient_id);
	if (x->show_names && c->name) { /* the builder fills it only then, too */
		sb_adds(h, "<br>");
		esc(h, c->name);
	}
	sb_adds(h, "</td><td>");
	esc(h, c->indication ? c->indication : "-");
	sb_adds(h, "</td><td>");
	esc(h, c->therapist ? c->therapist : "-");
	date_format(c->to, d);
	sb_addf(h, "</td><td class=\"num\">%zu</td><td>%s</td>", c->sessions, d);
	for (m = 0; m < x->nm; m++) {
		const struct report_index_measure *im = &c->m[m];
		if (im->n == 0) {
			sb_adds(h, "<td data-sort=\"NaN\">not recorded</td>");
			continue;
		}
		sb_addf(h, "<td data-sort=\"%.3f\">", im->n >= 2 ? im->change : NAN);
		sparkline(h, x, c, m);
		sb_addf(h, " %s", im->n >= 2 ? report_signed(b, sizeof(b), im->change, 1) : "");
		reading_cell(h, im);
		sb_adds(h, "</td>");
	}
	sb_addf(h, "<td>%s</td></tr>\n", outcome_step_word(c->step));
}

static void courses_section(struct strbuf *h, const struct report_index *x, const char *prefix)
{
	size_t i, m;
	sb_addf(h, "<h2 id=\"active\">Active courses (%zu)</h2>\n", x->nc);
	if (!x->nc) {
		sb_addf(h, "<p>No course had a session in the %ld days before today.</p>\n",
			x->window);
		return;
	}
	sb_addf(h, "<table class=\"sortable\"><caption>Courses with a session in the %ld days "
		   "before today; per measure the scores as a line (0 at the bottom, 10 at the "
		   "top), the change since the first session and the reading, and the course's "
		   "suggested next step. Click a header to sort.</caption>\n<thead><tr><th scope=\"col\">Patient</th>"
		   "<th scope=\"col\">Indication</th><th scope=\"col\">Therapist</th>"
		   "<th scope=\"col\">Sessions</th><th scope=\"col\">Last session</th>",
		x->window);
	for (m = 0; m < x->nm; m++) {
		sb_adds(h, "<th scope=\"col\">");
		esc(h, x->names[m]);
		sb_adds(h, "</th>");
	}
	sb_adds(h, "<th scope=\"col\">Next step</th></tr></thead><tbody>\n");
	for (i = 0; i < x->nc; i++)
		course_row(h, x, &x->c[i], prefix);
	sb_adds(h, "</tbody></table>\n");
}

static void links_section(struct strbuf *h, const struct report_index *x, const char *prefix)
{
	size_t i;
	sb_adds(h, "<h2 id=\"files\">Today's files</h2>\n");
	if (!x->nlinks)
		sb_adds(h, "<p>No files for today yet.</p>\n");
	else
		sb_adds(h, "<ul>\n");
	for (i = 0; i < x->nlinks; i++) {
		sb_adds(h, "<li>");
		link_or_text(h, prefix, x->links[i].href, x->links[i].label);
		sb_adds(h, "</li>\n");
	}
	if (x->nlinks)
		sb_adds(h, "</ul>\n");
	if (!x->ndays)
		return;
	sb_adds(h, "<h2 id=\"days\">Previous days</h2>\n<ul>\n");
	for (i = 0; i < x->ndays; i++) {
		sb_adds(h, "<li>");
		link_or_text(h, prefix, x->days[i].href, x->days[i].label);
		sb_adds(h, "</li>\n");
	}
	sb_adds(h, "</ul>\n");
}

/* The headline: patients (not alerts) by need, plateaus apart. */
static void headline(struct strbuf *h, const struct report_index *x)
{
	size_t k, any = 0;
	for (k = 0; k < INDEX_NEEDS; k++)
		any += x->need_patients[k];
	if (!any) {
		sb_adds(h, "<p>No patient needs a look today.");
	} else {
		sb_adds(h, "<p class=\"worse\">&#9650; Patients who need a look: ");
		for (k = 0, any = 0; k < INDEX_NEEDS; k++) {
			if (!x->need_patients[k])
				continue;
			sb_addf(h, "%s<a href=\"#alerts-%s\">%zu %s</a>", any++ ? ", " : "",
				kinds[k][0], x->need_patients[k], need_words[k]);
		}
		sb_adds(h, " (a patient may have several needs).");
	}
	if (x->plateau_patients)
		sb_addf(h, " Good news: <a href=\"#plateaus\">%zu patient%s levelled off after "
			   "improving</a>.", x->plateau_patients, x->plateau_patients == 1 ? "" : "s");
	if (x->acked)
		sb_addf(h, " <a href=\"#acked\">%zu acknowledged</a>.", x->acked);
	sb_adds(h, "</p>\n");
}

void report_index_html(struct strbuf *h, const struct report_index *x, const char *prefix)
{
	sb_addf(h, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		   "<meta name=\"viewport\" content=\"width=device-width\">"
		   "<title>symtrend: the clinic on %s</title><style>%s</style></head>\n<body>\n"
		   "<h1>The clinic on %s</h1>\n<p>", x->today, style, x->today);
	sb_addf(h, "<a href=\"#alerts\">needs a look</a> &middot; "
		   "<a href=\"#active\">%zu active course%s</a> &middot; "
		   "<a href=\"#period\">the last %ld days against the %ld before</a> &middot; ",
		x->nc, x->nc == 1 ? "" : "s", x->p.period, x->p.period);
	if (x->clinic_report) {
		sb_addf(h, "<a href=\"%s", prefix);
		esc(h, x->clinic_report);
		sb_adds(h, "\">the clinic report</a> &middot; ");
	}
	sb_adds(h, "<a href=\"#files\">today's files</a></p>\n");
	headline(h, x);
	alerts_section(h, x, prefix);
	courses_section(h, x, prefix);
	report_periods_html(h, x->names, x->nm, &x->p);
	links_section(h, x, prefix);
	sb_addf(h, "<p class=\"note\">Written by symtrend on %s. Patient ids only%s.</p>\n"
		   "<script>%s</script>\n</body></html>\n",
		x->today, x->show_names ? ", and names because index_show_names is set" : "",
		script);
}
