/*
 * report.c - progress notes and the clinic report.  See report.h.
 */
#include "report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outcome.h"

#define WIDTH 80
#define MAX_SESSION_NO 40 /* per-session-number means stop here */
#define PAUSE_MIN_DAYS 10 /* a pause worth naming: this long, and twice the usual interval */

/* An HTML file waiting for its charts. */
struct pending_html {
	char *path;
	struct strbuf html;   /* with CHART_MARK where each chart goes */
	char *chart[6];       /* chart bases (without extension), NULL-terminated */
	char *caption[6];
};

struct report_batch {
	int with_charts;
	char *errlog;  /* gnuplot's messages, for a second process */
	struct strbuf script;
	char **charts; /* chart bases to rename after gnuplot */
	size_t *chart_end; /* where each chart's script ends in 'script' */
	size_t ncharts, cap_charts, cap_ends;
	struct pending_html *html;
	size_t nhtml, cap_html;
};

#define CHART_MARK "\001CHART\001"

static int draw(struct report_batch *b, struct plot *plot, struct error *err);

struct report_batch *report_batch_new(int with_charts, const char *errlog)
{
	struct report_batch *b = xcalloc(1, sizeof(*b));
	b->with_charts = with_charts;
	b->errlog = errlog ? xstrdup(errlog) : NULL;
	return b;
}

static void pending_release(struct pending_html *h)
{
	size_t i;
	free(h->path);
	sb_release(&h->html);
	for (i = 0; i < 6; i++) {
		free(h->chart[i]);
		free(h->caption[i]);
	}
}

void report_batch_free(struct report_batch *b)
{
	size_t i;
	if (!b)
		return;
	sb_release(&b->script);
	for (i = 0; i < b->ncharts; i++)
		free(b->charts[i]);
	free(b->charts);
	free(b->chart_end);
	free(b->errlog);
	for (i = 0; i < b->nhtml; i++)
		pending_release(&b->html[i]);
	free(b->html);
	free(b);
}

void html_escape(struct strbuf *sb, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': sb_adds(sb, "&amp;"); break;
		case '<': sb_adds(sb, "&lt;"); break;
		case '>': sb_adds(sb, "&gt;"); break;
		case '"': sb_adds(sb, "&quot;"); break;
		case '\'': sb_adds(sb, "&#39;"); break;
		default:
			if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
				sb_addc(sb, '?');
			else
				sb_addc(sb, *s);
		}
	}
}

static void base64(struct strbuf *sb, const unsigned char *p, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;
	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
		char o[4] = { tab[v >> 18], tab[(v >> 12) & 63], tab[(v >> 6) & 63], tab[v & 63] };
		sb_add(sb, o, 4);
	}
	if (n - i == 1) {
		unsigned v = (unsigned)p[i] << 16;
		char o[4] = { tab[v >> 18], tab[(v >> 12) & 63], '=', '=' };
		sb_add(sb, o, 4);
	} else if (n - i == 2) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8;
		char o[4] = { tab[v >> 18], tab[(v >> 12) & 63], tab[(v >> 6) & 63], '=' };
		sb_add(sb, o, 4);
	}
}

int report_batch_finish(struct report_batch *b, struct plot *plot, struct error *err)
{
	size_t i, k;
	int ret = -1, charts_ok = 0;
	if (plot && b->with_charts) {
		if (draw(b, plot, err) < 0)
			goto out;
		for (i = 0; i < b->ncharts; i++) {
			static const char *const ext[] = { "svg", "png" };
			for (k = 0; k < 2; k++) {
				char *tmp = xasprintf("%s.%s.tmp", b->charts[i], ext[k]);
				char *dst = xasprintf("%s.%s", b->charts[i], ext[k]);
				struct stat st;
				int bad = stat(tmp, &st) != 0 || st.st_size == 0 || rename(tmp, dst) != 0;
				if (bad)
					error_set(err, EXIT_FAILURE_IO, NULL, 0,
						  "gnuplot did not write '%s'", dst);
				free(tmp);
				free(dst);
				if (bad)
					goto out;
			}
		}
		charts_ok = 1;
	} else if (plot) {
		plot_finish(plot, err);
	}
	for (i = 0; i < b->nhtml; i++) {
		struct pending_html *h = &b->html[i];
		struct strbuf doc = STRBUF_INIT;
		const char *p = h->html.buf, *m;
		k = 0;
		while ((m = strstr(p, CHART_MARK))) {
			sb_add(&doc, p, (size_t)(m - p));
			p = m + strlen(CHART_MARK);
			if (k < 6 && h->chart[k]) {
				struct strbuf svg = STRBUF_INIT;
				char *path = xasprintf("%s.svg", h->chart[k]);
				sb_adds(&doc, "<figure>");
				if (charts_ok && read_file(path, &svg) == 0) {
					/* As a data URI the SVG cannot alter the page around it. */
					sb_adds(&doc, "<img alt=\"");
					html_escape(&doc, h->caption[k]);
					sb_adds(&doc, "\" src=\"data:image/svg+xml;base64,");
					base64(&doc, (const unsigned char *)svg.buf, svg.len);
					sb_adds(&doc, "\">");
				} else {
					sb_adds(&doc, "<p class=\"nochart\">Chart not available "
						      "(gnuplot is not installed).</p>");
				}
				sb_adds(&doc, "<figcaption>");
				html_escape(&doc, h->caption[k]);
				sb_adds(&doc, "</figcaption></figure>\n");
				sb_release(&svg);
				free(path);
			}
			k++;
		}
		sb_adds(&doc, p);
		if (write_file_atomic(h->path, doc.buf, doc.len, err) < 0) {
			sb_release(&doc);
			goto out;
		}
		sb_release(&doc);
	}
	ret = 0;
out:
	report_batch_free(b);
	return ret;
}

/* Formatting ------------------------------------------------------------- */

static const char *fnum(char *buf, size_t n, double v, int decimals)
{
	if (!isfinite(v))
		return "-";
	if (v == 0)
		v = 0;
	snprintf(buf, n, "%.*f", decimals, v);
	return buf;
}

static const char *fsigned(char *buf, size_t n, double v, int decimals)
{
	if (!isfinite(v))
		return "-";
	if (fabs(v) < 0.5 * pow(10, -decimals))
		v = 0;
	snprintf(buf, n, v > 0 ? "+%.*f" : "%.*f", decimals, v);
	return buf;
}

static const char *fp(char *buf, size_t n, double p)
{
	if (!isfinite(p))
		return "-";
	if (p < 0.001)
		return "< 0.001";
	snprintf(buf, n, "%.3f", p);
	return buf;
}

/* Appends 'text' wrapped at WIDTH, the first line after 'first' columns
 * already used, continuation lines indented by 'indent'. */
static void wrap(struct strbuf *sb, const char *text, size_t first, size_t indent)
{
	size_t col = first;
	const char *p = text;
	while (*p) {
		const char *sp = strchr(p, ' ');
		size_t w = sp ? (size_t)(sp - p) : strlen(p);
		size_t cw = utf8_len(p, w);
		if (col > indent && col + 1 + cw > WIDTH) {
			sb_addc(sb, '\n');
			sb_addf(sb, "%*s", (int)indent, "");
			col = indent;
		} else if (col > first || (col > indent && p != text)) {
			sb_addc(sb, ' ');
			col++;
		}
		sb_add(sb, p, w);
		col += cw;
		p += w;
		while (*p == ' ')
			p++;
	}
	sb_addc(sb, '\n');
}

/* Text with control characters made visible, for 80-column output. */
static void plain(struct strbuf *sb, const char *s)
{
	for (; s && *s; s++)
		sb_addc(sb, ((unsigned char)*s < 0x20 || *s == 0x7f) ? '?' : *s);
}

static void date_str(long d, char out[11])
{
	date_format(d, out);
}

/* Directory helpers -------------------------------------------------------- */

char *report_patient_dirname(const char *pid)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p;
	int changed = 0;
	for (p = pid; *p; p++) {
		char c = *p;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || (c == '.' && p != pid)) {
			sb_addc(&sb, c);
		} else {
			sb_addc(&sb, '_');
			changed = 1;
		}
	}
	if (changed || !sb.len) {
		/* Different ids must not share a folder once rendered safe. */
		struct sha256 h;
		char hex[65];
		sha256_init(&h);
		sha256_update(&h, pid, strlen(pid));
		sha256_hex(&h, hex);
		sb_addf(&sb, "-%.8s", hex);
	}
	return sb_detach(&sb);
}

static int ensure_dir(const char *dir, struct error *err)
{
	if (mkdir_p(dir) != 0) {
		error_set(err, EXIT_FAILURE_IO, NULL, 0, "cannot create folder '%s': %s", dir,
			  strerror(errno));
		return -1;
	}
	return 0;
}

static void add_chart(struct report_batch *b, const char *base)
{
	b->charts = xgrow(b->charts, &b->cap_charts, b->ncharts + 1, sizeof(*b->charts));
	b->chart_end = xgrow(b->chart_end, &b->cap_ends, b->ncharts + 1, sizeof(*b->chart_end));
	b->chart_end[b->ncharts] = b->script.len;
	b->charts[b->ncharts++] = xstrdup(base);
}

/*
 * Draws the batch's charts: with many charts a second gnuplot takes the
 * second half (each chart's script stands alone), so both cores draw.
 */
static int draw(struct report_batch *b, struct plot *plot, struct error *err)
{
	struct plot *second = NULL;
	struct strbuf part = STRBUF_INIT;
	size_t split = b->script.len;
	int rc = 0;
	if (b->ncharts >= 8 && b->errlog) {
		char *log2 = xasprintf("%s.2", b->errlog);
		struct error e2 = ERROR_INIT;
		second = plot_start(log2, &e2);
		error_release(&e2);
		free(log2);
		if (second)
			split = b->chart_end[b->ncharts / 2 - 1];
	}
	part.buf = b->script.buf;
	part.len = split;
	if (plot_send(plot, &part, err) < 0)
		rc = -1;
	if (second) {
		part.buf = b->script.buf + split;
		part.len = b->script.len - split;
		if (rc == 0 && plot_send(second, &part, err) < 0)
			rc = -1;
		if (plot_finish(second, rc < 0 ? &(struct error)ERROR_INIT : err) < 0)
			rc = -1;
	}
	if (plot_finish(plot, rc < 0 ? &(struct error)ERROR_INIT : err) < 0)
		rc = -1;
	return rc;
}

static struct pending_html *add_html(struct report_batch *b, const char *path)
{
	struct pending_html *h;
	b->html = xgrow(b->html, &b->cap_html, b->nhtml + 1, sizeof(*b->html));
	h = &b->html[b->nhtml++];
	memset(h, 0, sizeof(*h));
	h->path = xstrdup(path);
	return h;
}

static void html_head(struct strbuf *sb, const char *title)
{
	sb_adds(sb, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>");
	html_escape(sb, title);
	sb_adds(sb, "</title>\n<style>\n"
		"@page { size: A4; margin: 16mm 14mm; }\n"
		"body { font: 10.5pt/1.4 'DejaVu Sans', Arial, sans-serif; color: #111; "
		"max-width: 182mm; margin: 0 auto; }\n"
		"h1 { font-size: 15pt; margin: 0 0 4pt; } h2 { font-size: 12pt; margin: 14pt 0 4pt; "
		"border-bottom: 1px solid #999; }\n"
		"table { border-collapse: collapse; width: 100%; margin: 4pt 0; }\n"
		"th, td { border: 1px solid #bbb; padding: 2pt 4pt; text-align: left; "
		"vertical-align: top; font-size: 9pt; }\n"
		"td.n { text-align: right; } th { background: #eee; }\n"
		".meta { color: #333; } .nochart { color: #555; font-style: italic; }\n"
		"figure { margin: 8pt 0; page-break-inside: avoid; } "
		"figure img { width: 100%; } figcaption { font-size: 9pt; color: #333; }\n"
		"@media print { h2 { page-break-after: avoid; } }\n"
		"</style></head><body>\n");
}

static void td(struct strbuf *sb, const char *s, int numeric)
{
	sb_adds(sb, numeric ? "<td class=\"n\">" : "<td>");
	html_escape(sb, s);
	sb_adds(sb, "</td>");
}

/* Expected course (mixed model) ------------------------------------------ */

struct report_models {
	size_t nm, nind;
	struct model_fit clinic[CSVIN_MAX_MEASURES];
	char **ind;                                 /* indication names */
	struct model_fit (*ind_fit)[CSVIN_MAX_MEASURES];
	long *ind_courses;
};

struct report_models *report_models_new(struct store *s, struct error *err)
{
	struct report_models *rm = xcalloc(1, sizeof(*rm));
	struct model_data all[CSVIN_MAX_MEASURES], *ind = NULL;
	struct store_filter f = STORE_FILTER_INIT;
	struct store_iter *it;
	struct store_course c;
	size_t cap = 0, cap2 = 0, cap3 = 0, m, k, scap = 0;
	double *sx = NULL, *sy = NULL;
	int rc;
	rm->nm = store_measure_count(s);
	memset(all, 0, sizeof(all));
	memset(&c, 0, sizeof(c));
	if (store_iter_open(s, &f, &it, err) < 0) {
		free(rm);
		return NULL;
	}
	while ((rc = store_iter_next(it, &c, err)) == 1) {
		const char *name = c.indication ? c.indication : "(unknown)";
		for (k = 0; k < rm->nind && strcmp(rm->ind[k], name) != 0; k++)
			;
		if (k == rm->nind) {
			size_t c1 = cap, c2 = cap2;
			rm->ind = xgrow(rm->ind, &c1, k + 1, sizeof(*rm->ind));
			ind = xgrow(ind, &c2, (k + 1) * CSVIN_MAX_MEASURES, sizeof(*ind));
			rm->ind_courses = xgrow(rm->ind_courses, &cap3, k + 1, sizeof(long));
			cap = c1;
			cap2 = c2;
			memset(ind + k * CSVIN_MAX_MEASURES, 0, CSVIN_MAX_MEASURES * sizeof(*ind));
			rm->ind[k] = xstrdup(name);
			rm->ind_courses[k] = 0;
			rm->nind++;
		}
		rm->ind_courses[k]++;
		if (c.n > scap) {
			size_t c1 = scap;
			sx = xgrow(sx, &c1, c.n, sizeof(*sx));
			sy = xgrow(sy, &scap, c.n, sizeof(*sy));
		}
		for (m = 0; m < rm->nm; m++) {
			size_t n = store_course_points(&c, m, sx, sy);
			model_add_course(&all[m], sx, sy, n);
			model_add_course(&ind[k * CSVIN_MAX_MEASURES + m], sx, sy, n);
		}
	}
	store_iter_free(it);
	store_course_release(&c);
	free(sx);
	free(sy);
	rm->ind_fit = xcalloc(rm->nind ? rm->nind : 1, sizeof(*rm->ind_fit));
	for (m = 0; m < rm->nm; m++) {
		model_fit_reml(&all[m], NULL, &rm->clinic[m]);
		model_data_release(&all[m]);
		for (k = 0; k < rm->nind; k++) {
			struct model_data *d = &ind[k * CSVIN_MAX_MEASURES + m];
			if (rm->ind_courses[k] >= REPORT_MODEL_MIN_COURSES)
				model_fit_reml(d, rm->clinic[m].theta, &rm->ind_fit[k][m]);
			else
				rm->ind_fit[k][m].converged = 0;
			model_data_release(d);
		}
	}
	free(ind);
	if (rc < 0) {
		report_models_free(rm);
		return NULL;
	}
	return rm;
}

void report_models_free(struct report_models *rm)
{
	size_t k;
	if (!rm)
		return;
	for (k = 0; k < rm->nind; k++)
		free(rm->ind[k]);
	free(rm->ind);
	free(rm->ind_fit);
	free(rm->ind_courses);
	free(rm);
}

const struct model_fit *report_model_for(const struct report_models *rm, size_t m,
					 const char *indication)
{
	size_t k;
	if (!rm || m >= rm->nm)
		return NULL;
	for (k = 0; indication && k < rm->nind; k++)
		if (!strcmp(rm->ind[k], indication) && rm->ind_courses[k] >= REPORT_MODEL_MIN_COURSES &&
		    isfinite(rm->ind_fit[k][m].reml))
			return &rm->ind_fit[k][m];
	return isfinite(rm->clinic[m].reml) ? &rm->clinic[m] : NULL;
}

/* "ahead of / in line with / behind" the expected course, or NULL. */
static const char *expected_reading(const struct model_fit *fit, const struct store_course *c,
				    size_t m, char *buf, size_t n)
{
	double sx[512], sy[512], b[2], sd[2];
	struct model_group g;
	enum outcome_pace pace;
	size_t k;
	if (!fit || c->n > 512)
		return NULL;
	k = store_course_points(c, m, sx, sy);
	if (k < 2)
		return NULL;
	g = model_group_of(sx, sy, k);
	model_course_effect(fit, &g, b, sd);
	pace = outcome_pace(b[1], sd[1]);
	if (pace == OUTCOME_PACE_UNKNOWN)
		return NULL;
	snprintf(buf, n, "%s the clinic's expected course (slope %+.2f per log session "
		 "vs expected %+.2f; course effect %+.2f, 95%% %+.2f to %+.2f)",
		 pace == OUTCOME_PACE_AHEAD ? "ahead of" : pace == OUTCOME_PACE_BEHIND ? "behind"
											: "in line with",
		 fit->beta[1] + b[1], fit->beta[1], b[1], b[1] - OUTCOME_Z95 * sd[1],
		 b[1] + OUTCOME_Z95 * sd[1]);
	return buf;
}

/* Courses of one patient ------------------------------------------------- */

struct course_list {
	struct store_course *c;
	size_t n, cap;
};

static int load_patient(struct store *s, const char *pid, struct course_list *l, struct error *err)
{
	struct store_filter f = STORE_FILTER_INIT;
	struct store_iter *it;
	int rc;
	f.patient_id = pid;
	if (store_iter_open(s, &f, &it, err) < 0)
		return -1;
	for (;;) {
		struct store_course c;
		memset(&c, 0, sizeof(c));
		rc = store_iter_next(it, &c, err);
		if (rc <= 0) {
			store_course_release(&c);
			break;
		}
		l->c = xgrow(l->c, &l->cap, l->n + 1, sizeof(*l->c));
		l->c[l->n++] = c;
	}
	store_iter_free(it);
	return rc;
}

static void course_list_release(struct course_list *l)
{
	size_t i;
	for (i = 0; i < l->n; i++)
		store_course_release(&l->c[i]);
	free(l->c);
}

static int cmp_course_start(const void *a, const void *b)
{
	const struct store_course *x = a, *y = b;
	return (x->date[0] > y->date[0]) - (x->date[0] < y->date[0]);
}

static double score(const struct store_course *c, size_t i, size_t m)
{
	return c->score[i * c->nmeasures + m];
}

/* First or last recorded score of measure m; NAN when none. */
static double edge_score(const struct store_course *c, size_t m, int last)
{
	size_t i;
	for (i = 0; i < c->n; i++) {
		double v = score(c, last ? c->n - 1 - i : i, m);
		if (!isnan(v))
			return v;
	}
	return NAN;
}

static const char *reading(const struct stats_course *r, const struct stats_settings *set,
			   char *buf, size_t n)
{
	switch (outcome_change_reading(r, set->mcid)) {
	case OUTCOME_ONE_SESSION:
		return "one session only: no change to read";
	case OUTCOME_IMPROVED:
		snprintf(buf, n, "clinically important improvement (%g points or more)%s", set->mcid,
			 outcome_reliably_improved(r) ? "; reliable improvement" : "");
		return buf;
	case OUTCOME_RELIABLY_IMPROVED:
		return "reliable improvement";
	case OUTCOME_WORSE:
		snprintf(buf, n, "worse%s", outcome_reliably_worse(r) ? " (reliable deterioration)" : "");
		return buf;
	case OUTCOME_NO_CLEAR_CHANGE:
		break;
	}
	return "no reliable change";
}

static void levelling(const struct stats_course *r, char *buf, size_t n)
{
	char a[32], b[32];
	switch (outcome_levelling(r)) {
	case OUTCOME_LEVEL_TOO_FEW:
		snprintf(buf, n, "too few sessions to judge (%zu, %d needed)", r->n,
			 OUTCOME_LEVELLING_MIN);
		break;
	case OUTCOME_LEVEL_STEADY:
		snprintf(buf, n, "still improving steadily: no levelling off in the data");
		break;
	case OUTCOME_LEVEL_UNCLEAR:
		snprintf(buf, n, "no plateau can be fitted (no clear levelling)");
		break;
	case OUTCOME_LEVEL_REACHED:
		snprintf(buf, n, "levelled off: plateau %s, 90%% of the change reached by session %s",
			 fnum(a, sizeof(a), r->plateau, 1), fnum(b, sizeof(b), r->s90, 1));
		break;
	case OUTCOME_LEVEL_CHANGING:
		snprintf(buf, n, "still changing: fitted plateau %s, 90%% of the change expected by "
			 "session %s (now at session %d)", fnum(a, sizeof(a), r->plateau, 1),
			 fnum(b, sizeof(b), r->s90, 1), r->last_session);
		break;
	}
}

static void trend(const struct stats_course *r, char *buf, size_t n)
{
	char a[32], b[32], c[32], d[32];
	if (r->n < 3) {
		snprintf(buf, n, "too few sessions for a trend (%zu, 3 needed)", r->n);
		return;
	}
	snprintf(buf, n, "%s points/session (95%% CI %s to %s), p %s%s",
		 fsigned(a, sizeof(a), r->slope, 2), fsigned(b, sizeof(b), r->slope_lo, 2),
		 fsigned(c, sizeof(c), r->slope_hi, 2),
		 isfinite(r->slope_p) && r->slope_p < 0.001 ? "" : "= ",
		 fp(d, sizeof(d), r->slope_p));
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

/* Days that make a pause in this course: PAUSE_MIN_DAYS or twice its median interval. */
static long pause_days(const struct store_course *c)
{
	long *g, med, lim;
	size_t i;
	if (c->n < 2)
		return PAUSE_MIN_DAYS;
	g = xmalloc((c->n - 1) * sizeof(*g));
	for (i = 1; i < c->n; i++)
		g[i - 1] = c->date[i] - c->date[i - 1];
	qsort(g, c->n - 1, sizeof(*g), cmp_long);
	med = g[(c->n - 1) / 2];
	free(g);
	lim = 2 * med;
	return lim > PAUSE_MIN_DAYS ? lim : PAUSE_MIN_DAYS;
}

/* Positions (between session numbers) of pauses of at least 'gap' days. */
static size_t breaks_of(const struct store_course *c, long gap, double *out, size_t max)
{
	size_t i, k = 0;
	for (i = 1; i < c->n && k < max; i++)
		if (c->date[i] - c->date[i - 1] >= gap)
			out[k++] = (double)i + 0.5;
	return k;
}

int report_note(struct report_batch *b, struct store *s, const struct stats_ctx *sc,
		const struct report_models *rm, const char *pid, const char *course_id,
		const char *out_dir, const char *today, char **dir_out, struct error *err)
{
	struct course_list l = { NULL, 0, 0 };
	struct strbuf t = STRBUF_INIT, h = STRBUF_INIT;
	struct stats_course r[CSVIN_MAX_MEASURES];
	struct plot_panel panels[CSVIN_MAX_MEASURES];
	double *xs[CSVIN_MAX_MEASURES] = { 0 }, *ys[CSVIN_MAX_MEASURES] = { 0 };
	double *ex[CSVIN_MAX_MEASURES] = { 0 }, *ey[CSVIN_MAX_MEASURES] = { 0 };
	double *fy[CSVIN_MAX_MEASURES] = { 0 };
	double brk[32];
	const struct store_course *c = NULL;
	size_t nm = store_measure_count(s), m, i, k, npanels = 0, nbrk, sel = 0;
	long pause;
	char *dname = NULL, *dir = NULL, *path = NULL, *base = NULL, d1[11], d2[11];
	char buf[512], a[32], bb[32], cc[32], dd[32];
	int ret = -1, rc;
	struct pending_html *ph;

	rc = load_patient(s, pid, &l, err);
	if (rc < 0)
		goto out;
	if (l.n == 0) {
		error_set(err, EXIT_REJECTS, NULL, 0, "no sessions for patient '%s'", pid);
		ret = 1;
		goto out;
	}
	qsort(l.c, l.n, sizeof(*l.c), cmp_course_start);
	sel = l.n - 1;

	if (course_id) {
		for (i = 0; i < l.n && strcmp(l.c[i].course_id, course_id) != 0; i++)
			;
		if (i == l.n) {
			error_set(err, EXIT_REJECTS, NULL, 0, "patient '%s' has no course '%s'", pid,
				  course_id);
			ret = 1;
			goto out;
		}
		sel = i;
	}
	c = &l.c[sel];
	for (m = 0; m < nm; m++)
		stats_course_compute(sc, c, m, STATS_ALL, &r[m]);

	dname = report_patient_dirname(pid);
	dir = xasprintf("%s/%s", out_dir, dname);
	if (ensure_dir(dir, err) < 0)
		goto out;

	/* Header */
	date_str(c->date[0], d1);
	date_str(c->date[c->n - 1], d2);
	snprintf(buf, sizeof(buf), "symtrend %s", SYMTREND_VERSION);
	sb_addf(&t, "PROGRESS NOTE%*s\n", WIDTH - 13, buf);
	sb_adds(&t, "Patient ");
	plain(&t, pid);
	if (c->birth_year)
		sb_addf(&t, " (born %d)", c->birth_year);
	sb_addc(&t, '\n');
	if (c->referrer) {
		struct strbuf x = STRBUF_INIT;
		plain(&x, c->referrer);
		sb_adds(&t, "Referred by ");
		wrap(&t, x.buf, 12, 2);
		sb_release(&x);
	}
	if (c->indication) {
		struct strbuf x = STRBUF_INIT;
		plain(&x, c->indication);
		sb_adds(&t, "Indication: ");
		wrap(&t, x.buf, 12, 2);
		sb_release(&x);
	}
	{
		struct strbuf x = STRBUF_INIT;
		sb_adds(&x, "Course ");
		plain(&x, c->course_id);
		sb_addf(&x, ": %s to %s, %zu sessions", d1, d2, c->n);
		if (c->therapist) {
			sb_adds(&x, ", therapist ");
			plain(&x, c->therapist);
		}
		if (l.n > 1)
			sb_addf(&x, " (course %zu of %zu)", sel + 1, l.n);
		wrap(&t, x.buf, 0, 2);
		sb_release(&x);
	}
	pause = pause_days(c);
	for (i = 1; i < c->n; i++) {
		long gap = c->date[i] - c->date[i - 1];
		if (gap >= pause) {
			char e1[11], e2[11];
			date_str(c->date[i - 1], e1);
			date_str(c->date[i], e2);
			sb_addf(&t, "Pause: %ld days between sessions %zu and %zu (%s to %s)\n", gap, i,
				i + 1, e1, e2);
		}
	}
	nbrk = breaks_of(c, pause, brk, 32);
	sb_addf(&t, "Written %s.\n\n", today);
	wrap(&t, "Scores are 0-10, 0 = no symptom, 10 = worst imaginable; a negative change "
		 "is an improvement.", 0, 0);
	sb_addc(&t, '\n');

	/* Table */
	sb_adds(&t, "Measure     Baseline  Latest  Change      %  Reading\n");
	for (m = 0; m < nm; m++) {
		char rd[160];
		if (r[m].n == 0 && m >= STORE_BUILTIN_MEASURES)
			continue;
		sb_addf(&t, "%-10.10s %9s %7s %7s %6s  ", store_measure_name(s, m),
			fnum(a, sizeof(a), r[m].baseline, 1), fnum(bb, sizeof(bb), r[m].latest, 1),
			fsigned(cc, sizeof(cc), r[m].change, 1),
			isfinite(r[m].pct_change) ? (snprintf(dd, sizeof(dd), "%+.0f%%",
							      r[m].pct_change), dd) : "-");
		if (r[m].n == 0)
			wrap(&t, "not recorded in this course", 45, 45);
		else
			wrap(&t, reading(&r[m], stats_ctx_settings(sc, m), rd, sizeof(rd)), 45, 45);
	}
	sb_adds(&t, "\nTrend per session (least squares over the course, 95% interval)\n");
	for (m = 0; m < nm; m++) {
		if (r[m].n == 0)
			continue;
		trend(&r[m], buf, sizeof(buf));
		sb_addf(&t, "%-10.10s ", store_measure_name(s, m));
		wrap(&t, buf, 11, 11);
	}
	sb_adds(&t, "\nHas the improvement levelled off?\n");
	for (m = 0; m < nm; m++) {
		if (r[m].n == 0)
			continue;
		levelling(&r[m], buf, sizeof(buf));
		sb_addf(&t, "%-10.10s ", store_measure_name(s, m));
		wrap(&t, buf, 11, 11);
	}
	if (rm) {
		int any = 0;
		for (m = 0; m < nm; m++) {
			const char *e = expected_reading(report_model_for(rm, m, c->indication), c, m,
							 buf, sizeof(buf));
			if (!e)
				continue;
			if (!any)
				sb_adds(&t, "\nCompared with the clinic's expected course (mixed model of all "
					    "courses,\nby indication when it has 20 or more)\n");
			any = 1;
			sb_addf(&t, "%-10.10s ", store_measure_name(s, m));
			wrap(&t, e, 11, 11);
		}
	}
	if (l.n > 1) {
		sb_adds(&t, "\nOther courses\n");
		for (k = 0; k < l.n; k++) {
			const struct store_course *o = &l.c[k];
			struct strbuf x = STRBUF_INIT;
			char e1[11], e2[11];
			date_str(o->date[0], e1);
			date_str(o->date[o->n - 1], e2);
			plain(&x, o->course_id);
			sb_addf(&x, "%s: %s to %s, %zu sessions;", k == sel ? " (this course)" : "",
				e1, e2, o->n);
			for (m = 0; m < nm && m < STORE_BUILTIN_MEASURES; m++) {
				double f0 = edge_score(o, m, 0), f1 = edge_score(o, m, 1);
				if (!isnan(f0))
					sb_addf(&x, " %s %s->%s", store_measure_name(s, m),
						fnum(a, sizeof(a), f0, 1), fnum(bb, sizeof(bb), f1, 1));
			}
			wrap(&t, x.buf, 0, 2);
			sb_release(&x);
			if (k + 1 < l.n) {
				const struct store_course *nx = &l.c[k + 1];
				sb_reset(&x);
				sb_addf(&x, "Between courses (%ld days without sessions):",
					nx->date[0] - o->date[o->n - 1]);
				for (m = 0; m < nm && m < STORE_BUILTIN_MEASURES; m++) {
					double e = edge_score(o, m, 1), f = edge_score(nx, m, 0);
					if (!isnan(e) && !isnan(f))
						sb_addf(&x, " %s %s", store_measure_name(s, m),
							fsigned(a, sizeof(a), f - e, 1));
				}
				wrap(&t, x.buf, 2, 4);
				sb_release(&x);
			}
		}
	}
	sb_adds(&t, "\nSessions with missing scores: ");
	if (!c->missing) {
		sb_adds(&t, "none\n");
	} else {
		struct strbuf x = STRBUF_INIT;
		int first = 1;
		for (i = 0; i < c->n; i++) {
			int any = 0;
			for (m = 0; m < STORE_BUILTIN_MEASURES; m++)
				if (isnan(score(c, i, m)))
					any = 1;
			if (!any)
				continue;
			date_str(c->date[i], d1);
			sb_addf(&x, "%ssession %zu (%s):", first ? "" : ";", i + 1, d1);
			for (m = 0; m < STORE_BUILTIN_MEASURES; m++)
				if (isnan(score(c, i, m)))
					sb_addf(&x, " %s", store_measure_name(s, m));
			first = 0;
		}
		sb_adds(&x, " not recorded.");
		wrap(&t, x.buf, 30, 2);
		sb_release(&x);
	}
	sb_adds(&t, "\nDefinitions: baseline is the first and latest the last recorded score of the\n"
		    "course; reliable change is the Jacobson-Truax index (|RCI| >= 1.96).\n");

	path = xasprintf("%s/note.txt", dir);
	if (write_file_atomic(path, t.buf, t.len, err) < 0)
		goto out;

	/* Chart */
	base = xasprintf("%s/course", dir);
	for (m = 0; m < nm; m++) {
		struct plot_panel *p;
		if (r[m].n == 0 && m >= STORE_BUILTIN_MEASURES)
			continue;
		p = &panels[npanels++];
		memset(p, 0, sizeof(*p));
		xs[m] = xmalloc((c->n + 1) * sizeof(double));
		ys[m] = xmalloc((c->n + 1) * sizeof(double));
		p->n = store_course_points(c, m, xs[m], ys[m]);
		p->name = store_measure_name(s, m);
		p->x = xs[m];
		p->y = ys[m];
		p->baseline = r[m].baseline;
		p->mcid = stats_ctx_settings(sc, m)->mcid;
		p->c = r[m].plateau;
		p->b = r[m].plateau_b;
		p->tau = r[m].plateau_tau;
		{
			const struct model_fit *fit = report_model_for(rm, m, c->indication);
			if (fit && c->n) {
				double b2[2] = { NAN, NAN }, sd2[2];
				if (p->n >= 2) {
					struct model_group g = model_group_of(p->x, p->y, p->n);
					model_course_effect(fit, &g, b2, sd2);
				}
				ex[m] = xmalloc(c->n * sizeof(double));
				ey[m] = xmalloc(c->n * sizeof(double));
				fy[m] = xmalloc(c->n * sizeof(double));
				for (i = 0; i < c->n; i++) {
					double lx = log((double)(i + 1));
					ex[m][i] = (double)(i + 1);
					ey[m][i] = fit->beta[0] + fit->beta[1] * lx;
					/* The course's own trajectory: fixed effects plus its conditional modes. */
					fy[m][i] = ey[m][i] + b2[0] + b2[1] * lx;
				}
				p->ex = ex[m];
				p->ey = ey[m];
				p->fy = isfinite(b2[0]) && isfinite(b2[1]) ? fy[m] : NULL;
				p->en = c->n;
			}
		}
	}
	if (b->with_charts) {
		struct strbuf title = STRBUF_INIT;
		sb_adds(&title, "Course ");
		sb_adds(&title, c->course_id);
		sb_adds(&title, ": scores by session (0-10, lower is better)");
		plot_script_course(&b->script, base, title.buf, panels, npanels, brk, nbrk);
		sb_release(&title);
		add_chart(b, base);
	}

	/* HTML */
	snprintf(buf, sizeof(buf), "Progress note %s", pid);
	html_head(&h, buf);
	sb_adds(&h, "<h1>Progress note</h1>\n<p class=\"meta\">Patient <b>");
	html_escape(&h, pid);
	sb_adds(&h, "</b>");
	if (c->birth_year)
		sb_addf(&h, " (born %d)", c->birth_year);
	if (c->referrer) {
		sb_adds(&h, " &middot; referred by ");
		html_escape(&h, c->referrer);
	}
	if (c->indication) {
		sb_adds(&h, "<br>Indication: ");
		html_escape(&h, c->indication);
	}
	date_str(c->date[0], d1);
	date_str(c->date[c->n - 1], d2);
	sb_adds(&h, "<br>Course ");
	html_escape(&h, c->course_id);
	sb_addf(&h, ": %s to %s, %zu sessions", d1, d2, c->n);
	if (c->therapist) {
		sb_adds(&h, ", therapist ");
		html_escape(&h, c->therapist);
	}
	sb_addf(&h, "<br>Written %s. Scores 0-10, lower is better; a negative change is an "
		    "improvement.</p>\n", today);
	sb_adds(&h, "<table><tr><th>Measure</th><th>Baseline</th><th>Latest</th><th>Change</th>"
		    "<th>%</th><th>Reading</th><th>Trend per session (95% CI)</th>"
		    "<th>Levelled off?</th></tr>\n");
	for (m = 0; m < nm; m++) {
		char rd[160], tr[256], lv[256];
		if (r[m].n == 0 && m >= STORE_BUILTIN_MEASURES)
			continue;
		sb_adds(&h, "<tr>");
		td(&h, store_measure_name(s, m), 0);
		td(&h, fnum(a, sizeof(a), r[m].baseline, 1), 1);
		td(&h, fnum(a, sizeof(a), r[m].latest, 1), 1);
		td(&h, fsigned(a, sizeof(a), r[m].change, 1), 1);
		td(&h, isfinite(r[m].pct_change) ? (snprintf(dd, sizeof(dd), "%+.0f%%",
							       r[m].pct_change), dd) : "-", 1);
		if (r[m].n == 0) {
			td(&h, "not recorded", 0);
			td(&h, "-", 0);
			td(&h, "-", 0);
		} else {
			trend(&r[m], tr, sizeof(tr));
			levelling(&r[m], lv, sizeof(lv));
			td(&h, reading(&r[m], stats_ctx_settings(sc, m), rd, sizeof(rd)), 0);
			td(&h, tr, 0);
			td(&h, lv, 0);
		}
		sb_adds(&h, "</tr>\n");
	}
	sb_adds(&h, "</table>\n" CHART_MARK "\n<h2>Details</h2>\n<pre>");
	html_escape(&h, t.buf);
	sb_adds(&h, "</pre>\n</body></html>\n");
	free(path);
	path = xasprintf("%s/note.html", dir);
	ph = add_html(b, path);
	ph->html = h;
	memset(&h, 0, sizeof(h));
	ph->chart[0] = xstrdup(base);
	ph->caption[0] = xasprintf("Scores by session; grey band: MCID from baseline; dashed: "
				   "plateau fit; dotted: pause of %ld days or more; dash-dot: the clinic's "
				   "expected course; thin grey: this course as the model fits it", pause);
	*dir_out = dir;
	dir = NULL;
	ret = 0;
out:
	for (m = 0; m < CSVIN_MAX_MEASURES; m++) {
		free(xs[m]);
		free(ys[m]);
		free(ex[m]);
		free(ey[m]);
		free(fy[m]);
	}
	sb_release(&t);
	sb_release(&h);
	free(dname);
	free(dir);
	free(path);
	free(base);
	course_list_release(&l);
	return ret;
}

/* Clinic report ---------------------------------------------------------- */

struct group_acc {
	char *name;
	struct stats_acc *acc[CSVIN_MAX_MEASURES];
};

struct groups {
	struct group_acc *g;
	size_t n, cap;
};

static struct group_acc *group_get(struct groups *gs, const char *name, size_t nm)
{
	size_t i;
	for (i = 0; i < gs->n; i++)
		if (!strcmp(gs->g[i].name, name))
			return &gs->g[i];
	gs->g = xgrow(gs->g, &gs->cap, gs->n + 1, sizeof(*gs->g));
	memset(&gs->g[gs->n], 0, sizeof(gs->g[gs->n]));
	gs->g[gs->n].name = xstrdup(name);
	for (i = 0; i < nm; i++)
		gs->g[gs->n].acc[i] = stats_acc_new();
	return &gs->g[gs->n++];
}

static int group_cmp(const void *a, const void *b)
{
	return strcmp(((const struct group_acc *)a)->name, ((const struct group_acc *)b)->name);
}

static void groups_release(struct groups *gs, size_t nm)
{
	size_t i, m;
	for (i = 0; i < gs->n; i++) {
		for (m = 0; m < nm; m++)
			stats_acc_free(gs->g[i].acc[m]);
		free(gs->g[i].name);
	}
	free(gs->g);
}

struct session_means {
	double sum[MAX_SESSION_NO], sum2[MAX_SESSION_NO];
	long n[MAX_SESSION_NO];
};

static void clinic_table_text(struct strbuf *t, struct store *s, const struct stats_clinic *cl,
			      size_t nm)
{
	size_t m;
	char a[32], b[32], c[32], d[32], e[32], f[32], g[32], k[32];
	sb_adds(t, "Measure   Courses  Baseline Latest  Change (95% CI)         p (t)   p (W)   SRM\n");
	for (m = 0; m < nm; m++) {
		const struct stats_clinic *r = &cl[m];
		char ci[128];
		if (m >= STORE_BUILTIN_MEASURES && r->courses == 0)
			continue;
		snprintf(ci, sizeof(ci), "%s (%s to %s)", fsigned(c, sizeof(c), r->mean_change, 2),
			 fsigned(d, sizeof(d), r->change_lo, 2), fsigned(e, sizeof(e), r->change_hi, 2));
		sb_addf(t, "%-10.10s %6ld %9s %6s  %-22s %7s %7s %5s\n", store_measure_name(s, m),
			r->courses, fnum(a, sizeof(a), r->mean_baseline, 2),
			fnum(b, sizeof(b), r->mean_latest, 2), ci, fp(f, sizeof(f), r->t_p),
			fp(g, sizeof(g), r->wilcoxon_p), fnum(k, sizeof(k), r->srm, 2));
	}
	sb_adds(t, "\nMeasure   Responders  Rate % (Wilson 95% CI)  Median sessions to response (KM)\n");
	for (m = 0; m < nm; m++) {
		const struct stats_clinic *r = &cl[m];
		char ci[128];
		if (m >= STORE_BUILTIN_MEASURES && r->courses == 0)
			continue;
		snprintf(ci, sizeof(ci), "%s (%s to %s)", fnum(a, sizeof(a), 100 * r->responder_rate, 0),
			 fnum(b, sizeof(b), 100 * r->rate_lo, 0), fnum(c, sizeof(c), 100 * r->rate_hi, 0));
		sb_addf(t, "%-10.10s %5ld/%-5ld %-23s %s\n", store_measure_name(s, m), r->responders,
			r->courses, ci, isfinite(r->km_median_sessions)
			? fnum(d, sizeof(d), r->km_median_sessions, 1) : "not reached");
	}
}

static void clinic_table_html(struct strbuf *h, struct store *s, const struct stats_clinic *cl,
			      size_t nm)
{
	size_t m;
	char a[32], b[32], c[32], d[160];
	sb_adds(h, "<table><tr><th>Measure</th><th>Courses</th><th>Mean baseline</th>"
		   "<th>Mean latest</th><th>Mean change (95% CI)</th><th>p (paired t)</th>"
		   "<th>p (Wilcoxon)</th><th>SRM</th><th>Responders (Wilson 95% CI)</th>"
		   "<th>Median sessions to response</th></tr>\n");
	for (m = 0; m < nm; m++) {
		const struct stats_clinic *r = &cl[m];
		if (m >= STORE_BUILTIN_MEASURES && r->courses == 0)
			continue;
		sb_adds(h, "<tr>");
		td(h, store_measure_name(s, m), 0);
		snprintf(d, sizeof(d), "%ld", r->courses);
		td(h, d, 1);
		td(h, fnum(a, sizeof(a), r->mean_baseline, 2), 1);
		td(h, fnum(a, sizeof(a), r->mean_latest, 2), 1);
		snprintf(d, sizeof(d), "%s (%s to %s)", fsigned(a, sizeof(a), r->mean_change, 2),
			 fsigned(b, sizeof(b), r->change_lo, 2), fsigned(c, sizeof(c), r->change_hi, 2));
		td(h, d, 1);
		td(h, fp(a, sizeof(a), r->t_p), 1);
		td(h, fp(a, sizeof(a), r->wilcoxon_p), 1);
		td(h, fnum(a, sizeof(a), r->srm, 2), 1);
		snprintf(d, sizeof(d), "%ld/%ld = %s%% (%s to %s)", r->responders, r->courses,
			 fnum(a, sizeof(a), 100 * r->responder_rate, 0),
			 fnum(b, sizeof(b), 100 * r->rate_lo, 0), fnum(c, sizeof(c), 100 * r->rate_hi, 0));
		td(h, d, 1);
		td(h, isfinite(r->km_median_sessions) ? fnum(a, sizeof(a), r->km_median_sessions, 1)
						       : "not reached", 1);
		sb_adds(h, "</tr>\n");
	}
	sb_adds(h, "</table>\n");
}

static void group_section(struct strbuf *t, struct strbuf *h, struct store *s,
			  struct groups *gs, const char *what, size_t nm)
{
	size_t i, m;
	char a[32], b[32], c[32], d[32], e[32], f[32], g[32], x[160];
	if (gs->n)
		qsort(gs->g, gs->n, sizeof(*gs->g), group_cmp);
	sb_addf(t, "\nBy %s: courses, mean change (95%% CI), responders %% (Wilson 95%% CI),\n"
		   "median sessions to response\n", what);
	sb_addf(h, "<h2>By %s</h2>\n<table><tr><th>%s</th><th>Measure</th><th>Courses</th>"
		   "<th>Mean change (95%% CI)</th><th>Responders (Wilson 95%% CI)</th>"
		   "<th>Median sessions</th></tr>\n", what, what);
	for (i = 0; i < gs->n; i++) {
		sb_adds(t, "  ");
		plain(t, gs->g[i].name);
		sb_addc(t, '\n');
		for (m = 0; m < nm && m < STORE_BUILTIN_MEASURES; m++) {
			struct stats_clinic r;
			const char *med;
			stats_acc_finish(gs->g[i].acc[m], &r);
			fsigned(a, sizeof(a), r.mean_change, 2);
			fsigned(b, sizeof(b), r.change_lo, 2);
			fsigned(c, sizeof(c), r.change_hi, 2);
			fnum(d, sizeof(d), 100 * r.responder_rate, 0);
			fnum(e, sizeof(e), 100 * r.rate_lo, 0);
			fnum(f, sizeof(f), 100 * r.rate_hi, 0);
			med = isfinite(r.km_median_sessions) ? fnum(g, sizeof(g), r.km_median_sessions, 1)
							     : "not reached";
			sb_addf(t, "    %-8s %3ld  %s (%s to %s)  %s%% (%s to %s)  %s\n",
				store_measure_name(s, m), r.courses, isfinite(r.mean_change) ? a : "-",
				isfinite(r.change_lo) ? b : "-", isfinite(r.change_hi) ? c : "-",
				isfinite(r.responder_rate) ? d : "-", isfinite(r.rate_lo) ? e : "-",
				isfinite(r.rate_hi) ? f : "-", med);
			sb_adds(h, "<tr>");
			td(h, m == 0 ? gs->g[i].name : "", 0);
			td(h, store_measure_name(s, m), 0);
			snprintf(x, sizeof(x), "%ld", r.courses);
			td(h, x, 1);
			snprintf(x, sizeof(x), "%s (%s to %s)", isfinite(r.mean_change) ? a : "-",
				 isfinite(r.change_lo) ? b : "-", isfinite(r.change_hi) ? c : "-");
			td(h, x, 1);
			snprintf(x, sizeof(x), "%ld = %s%% (%s to %s)", r.responders,
				 isfinite(r.responder_rate) ? d : "-", isfinite(r.rate_lo) ? e : "-",
				 isfinite(r.rate_hi) ? f : "-");
			td(h, x, 1);
			td(h, med, 1);
			sb_adds(h, "</tr>\n");
		}
	}
	sb_adds(h, "</table>\n");
}

/* Rates by group for a chart: arrays the caller frees. */
static void rates_chart(struct report_batch *b, const char *base, const char *title,
			struct groups *gs, struct store *s, size_t nm)
{
	struct plot_bars bars[STORE_BUILTIN_MEASURES];
	double *v[STORE_BUILTIN_MEASURES], *lo[STORE_BUILTIN_MEASURES], *hi[STORE_BUILTIN_MEASURES];
	const char **labels = xcalloc(gs->n + 1, sizeof(char *));
	size_t i, m, n = nm < STORE_BUILTIN_MEASURES ? nm : STORE_BUILTIN_MEASURES;
	for (i = 0; i < gs->n; i++)
		labels[i] = gs->g[i].name;
	for (m = 0; m < n; m++) {
		v[m] = xcalloc(gs->n + 1, sizeof(double));
		lo[m] = xcalloc(gs->n + 1, sizeof(double));
		hi[m] = xcalloc(gs->n + 1, sizeof(double));
		for (i = 0; i < gs->n; i++) {
			struct stats_clinic r;
			stats_acc_finish(gs->g[i].acc[m], &r);
			v[m][i] = isfinite(r.responder_rate) ? r.responder_rate : 0;
			lo[m][i] = isfinite(r.rate_lo) ? r.rate_lo : 0;
			hi[m][i] = isfinite(r.rate_hi) ? r.rate_hi : 0;
		}
		bars[m].name = store_measure_name(s, m);
		bars[m].n = gs->n;
		bars[m].v = v[m];
		bars[m].lo = lo[m];
		bars[m].hi = hi[m];
		bars[m].labels = labels;
		bars[m].line = NAN;
	}
	plot_script_rates(&b->script, base, title, bars, n);
	add_chart(b, base);
	for (m = 0; m < n; m++) {
		free(v[m]);
		free(lo[m]);
		free(hi[m]);
	}
	free(labels);
}

static void worse_row(struct strbuf *t, struct strbuf *h, const struct store_course *c,
		      const char *measure, const struct stats_course *r)
{
	struct strbuf x = STRBUF_INIT;
	char a[32], b[32], d[32];
	plain(&x, c->patient_id);
	sb_adds(&x, " ");
	plain(&x, c->course_id);
	sb_addf(&x, " %s: %s -> %s (%s), %s", measure, fnum(a, sizeof(a), r->baseline, 1),
		fnum(b, sizeof(b), r->latest, 1), fsigned(d, sizeof(d), r->change, 1),
		r->clinical_category ? r->clinical_category : "no RCI");
	sb_adds(t, "  ");
	wrap(t, x.buf, 2, 6);
	sb_release(&x);
	sb_adds(h, "<tr>");
	td(h, c->patient_id, 0);
	td(h, c->course_id, 0);
	td(h, measure, 0);
	td(h, fnum(a, sizeof(a), r->baseline, 1), 1);
	td(h, fnum(a, sizeof(a), r->latest, 1), 1);
	td(h, fsigned(a, sizeof(a), r->change, 1), 1);
	td(h, r->clinical_category ? r->clinical_category : "-", 0);
	sb_adds(h, "</tr>\n");
}

static void nonresp_row(struct strbuf *t, struct strbuf *h, const struct store_course *c)
{
	struct strbuf x = STRBUF_INIT;
	char n[32], d1[11], d2[11];
	date_str(c->date[0], d1);
	date_str(c->date[c->n - 1], d2);
	plain(&x, c->patient_id);
	sb_adds(&x, " ");
	plain(&x, c->course_id);
	sb_addf(&x, ": %zu sessions %s to %s, therapist ", c->n, d1, d2);
	plain(&x, c->therapist ? c->therapist : "unknown");
	sb_adds(t, "  ");
	wrap(t, x.buf, 2, 6);
	sb_release(&x);
	sb_adds(h, "<tr>");
	td(h, c->patient_id, 0);
	td(h, c->course_id, 0);
	snprintf(n, sizeof(n), "%zu", c->n);
	td(h, n, 1);
	td(h, d1, 0);
	td(h, d2, 0);
	td(h, c->therapist ? c->therapist : "unknown", 0);
	sb_adds(h, "</tr>\n");
}

/* Charts of the clinic report: means, waterfall, rates by group, KM. */
static void clinic_charts(struct report_batch *b, struct store *s, const struct stats_ctx *sc,
			  const char *dir, struct stats_acc **all, struct session_means *sm,
			  struct groups *by_ther, struct groups *by_ind, char **bases)
{
	size_t nm = store_measure_count(s), n = nm < STORE_BUILTIN_MEASURES ? nm : STORE_BUILTIN_MEASURES;
	struct plot_band bands[STORE_BUILTIN_MEASURES], km[STORE_BUILTIN_MEASURES];
	struct plot_bars bars[STORE_BUILTIN_MEASURES];
	double *mx[STORE_BUILTIN_MEASURES], *mm[STORE_BUILTIN_MEASURES];
	double *ml[STORE_BUILTIN_MEASURES], *mh[STORE_BUILTIN_MEASURES];
	double *wv[STORE_BUILTIN_MEASURES], *kx[STORE_BUILTIN_MEASURES], *ks[STORE_BUILTIN_MEASURES];
	size_t m, i;
	bases[0] = xasprintf("%s/means", dir);
	bases[1] = xasprintf("%s/waterfall", dir);
	bases[2] = xasprintf("%s/rates-therapist", dir);
	bases[3] = xasprintf("%s/rates-indication", dir);
	bases[4] = xasprintf("%s/km", dir);
	for (m = 0; m < n; m++) {
		size_t k = 0;
		mx[m] = xmalloc(MAX_SESSION_NO * sizeof(double));
		mm[m] = xmalloc(MAX_SESSION_NO * sizeof(double));
		ml[m] = xmalloc(MAX_SESSION_NO * sizeof(double));
		mh[m] = xmalloc(MAX_SESSION_NO * sizeof(double));
		/* Session numbers that at least 3 courses reached: a mean worth drawing. */
		for (i = 0; i < MAX_SESSION_NO; i++) {
			double nn = (double)sm[m].n[i], mean, sd, half;
			if (sm[m].n[i] < 3)
				continue;
			mean = sm[m].sum[i] / nn;
			sd = sqrt(fmax(0, (sm[m].sum2[i] - nn * mean * mean) / (nn - 1)));
			half = stats_t_quantile(nn - 1) * sd / sqrt(nn);
			mx[m][k] = (double)(i + 1);
			mm[m][k] = mean;
			ml[m][k] = mean - half;
			mh[m][k++] = mean + half;
		}
		bands[m].name = store_measure_name(s, m);
		bands[m].n = k;
		bands[m].x = mx[m];
		bands[m].mean = mm[m];
		bands[m].lo = ml[m];
		bands[m].hi = mh[m];
		bars[m].name = store_measure_name(s, m);
		bars[m].n = stats_acc_changes(all[m], &wv[m]);
		bars[m].v = wv[m];
		bars[m].lo = bars[m].hi = NULL;
		bars[m].labels = NULL;
		bars[m].line = -stats_ctx_settings(sc, m)->mcid;
		km[m].name = store_measure_name(s, m);
		km[m].n = stats_acc_km_curve(all[m], &kx[m], &ks[m]);
		km[m].x = kx[m];
		km[m].mean = ks[m];
		km[m].lo = km[m].hi = NULL;
	}
	plot_script_means(&b->script, bases[0], "Mean score by session number (95% interval)", bands, n);
	add_chart(b, bases[0]);
	plot_script_waterfall(&b->script, bases[1], "Change of every course (latest - baseline)", bars, n);
	add_chart(b, bases[1]);
	rates_chart(b, bases[2], "Responder rate by therapist (Wilson 95% interval)", by_ther, s, nm);
	rates_chart(b, bases[3], "Responder rate by indication (Wilson 95% interval)", by_ind, s, nm);
	plot_script_km(&b->script, bases[4], "Sessions to response (Kaplan-Meier)", km, n);
	add_chart(b, bases[4]);
	for (m = 0; m < n; m++) {
		free(mx[m]); free(mm[m]); free(ml[m]); free(mh[m]);
		free(wv[m]); free(kx[m]); free(ks[m]);
	}
}

/* Deviation of each course from its expected change, for the fair comparison. */
struct dev {
	double d, base;
	size_t ther;
};

struct devs {
	struct dev *v;
	size_t n, cap;
};

static void devs_add(struct devs *v, size_t ther, double d, double base)
{
	v->v = xgrow(v->v, &v->cap, v->n + 1, sizeof(*v->v));
	v->v[v->n].d = d;
	v->v[v->n].base = base;
	v->v[v->n++].ther = ther;
}

static void devs_release(struct devs *v)
{
	free(v->v);
}

struct ther_dev {
	const char *name;
	long n;
	double mean, lo, hi;
};

static int ther_dev_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ther_dev *)a)->name, ((const struct ther_dev *)b)->name);
}

/*
 * Each therapist's mean deviation from the expected change, adjusted for
 * baseline: deviations are regressed on baseline over all courses and the
 * residuals averaged per therapist, with a t interval.
 */
static void fair_section(struct strbuf *t, struct strbuf *h, struct store *s, struct devs *dv,
			 struct groups *ther, size_t nm)
{
	size_t m, i, k;
	char a[32], b[32], c[32], x[160];
	sb_adds(t, "\nTherapists compared fairly: mean deviation of their courses' change from\n"
		   "the change expected for the indication (mixed model), adjusted for baseline;\n"
		   "negative = better than expected (95% CI)\n");
	sb_adds(h, "<h2>Therapists compared with the expected course</h2>\n<p>Mean deviation of "
		   "each therapist's courses from the change expected for their indication (mixed "
		   "model), adjusted for baseline; negative is better than expected.</p>\n<table><tr>"
		   "<th>Therapist</th><th>Measure</th><th>Courses</th><th>Mean deviation (95% CI)</th>"
		   "</tr>\n");
	for (m = 0; m < nm && m < STORE_BUILTIN_MEASURES; m++) {
		struct devs *v = &dv[m];
		struct ther_dev *td_ = xcalloc(ther->n + 1, sizeof(*td_));
		double mb = 0, md = 0, sxx = 0, sxy = 0, slope = 0;
		for (i = 0; i < v->n; i++) {
			mb += v->v[i].base;
			md += v->v[i].d;
		}
		if (v->n) {
			mb /= (double)v->n;
			md /= (double)v->n;
		}
		for (i = 0; i < v->n; i++) {
			sxx += (v->v[i].base - mb) * (v->v[i].base - mb);
			sxy += (v->v[i].base - mb) * (v->v[i].d - md);
		}
		if (sxx > 0)
			slope = sxy / sxx;
		for (k = 0; k < ther->n; k++) {
			double sum = 0, sum2 = 0, nn = 0;
			for (i = 0; i < v->n; i++) {
				double r;
				if (v->v[i].ther != k)
					continue;
				r = v->v[i].d - slope * (v->v[i].base - mb);
				sum += r;
				sum2 += r * r;
				nn++;
			}
			td_[k].name = ther->g[k].name;
			td_[k].n = (long)nn;
			td_[k].mean = nn ? sum / nn : NAN;
			td_[k].lo = td_[k].hi = NAN;
			if (nn >= 2) {
				double sd = sqrt(fmax(0, (sum2 - nn * td_[k].mean * td_[k].mean) / (nn - 1)));
				double half = stats_t_quantile(nn - 1) * sd / sqrt(nn);
				td_[k].lo = td_[k].mean - half;
				td_[k].hi = td_[k].mean + half;
			}
		}
		qsort(td_, ther->n, sizeof(*td_), ther_dev_cmp);
		sb_addf(t, "  %s\n", store_measure_name(s, m));
		for (k = 0; k < ther->n; k++) {
			snprintf(x, sizeof(x), "%s (%s to %s)", fsigned(a, sizeof(a), td_[k].mean, 2),
				 fsigned(b, sizeof(b), td_[k].lo, 2), fsigned(c, sizeof(c), td_[k].hi, 2));
			sb_adds(t, "    ");
			{
				struct strbuf nm_ = STRBUF_INIT;
				plain(&nm_, td_[k].name);
				sb_addf(t, "%-20.20s %3ld  %s\n", nm_.buf, td_[k].n, x);
				sb_release(&nm_);
			}
			sb_adds(h, "<tr>");
			td(h, td_[k].name, 0);
			td(h, store_measure_name(s, m), 0);
			snprintf(a, sizeof(a), "%ld", td_[k].n);
			td(h, a, 1);
			td(h, x, 1);
			sb_adds(h, "</tr>\n");
		}
		free(td_);
	}
	sb_adds(h, "</table>\n");
}

int report_clinic(struct report_batch *b, struct store *s, const struct stats_ctx *sc,
		  const struct report_models *rm, const struct store_filter *f,
		  const char *out_dir, const char *today, char **dir_out, struct error *err)
{
	struct devs dv[CSVIN_MAX_MEASURES];
	static const char *const captions[5] = {
		"Mean score by session number with its 95% interval (session numbers reached by 3 or more courses)",
		"Waterfall: change of every course, sorted; dashed line: minus the MCID",
		"Responder rate by therapist with Wilson 95% intervals",
		"Responder rate by indication with Wilson 95% intervals",
		"Kaplan-Meier curve of sessions to response (non-responders censored at their last session)",
	};
	size_t nm = store_measure_count(s), m, i;
	struct stats_acc *all[CSVIN_MAX_MEASURES];
	struct stats_clinic cl[CSVIN_MAX_MEASURES];
	struct groups by_ther = { NULL, 0, 0 }, by_ind = { NULL, 0, 0 };
	struct session_means *sm = xcalloc(nm, sizeof(*sm));
	struct strbuf t = STRBUF_INIT, h = STRBUF_INIT, worse = STRBUF_INIT, nonresp = STRBUF_INIT;
	struct strbuf worse_h = STRBUF_INIT, nonresp_h = STRBUF_INIT, scratch = STRBUF_INIT;
	struct strbuf fair_t = STRBUF_INIT, fair_h = STRBUF_INIT;
	struct store_iter *it = NULL;
	struct store_course c;
	long courses = 0, sessions = 0, last_date = -1, nworse = 0, nnon = 0;
	long no_resp = stats_config_long(s, "no_response_sessions");
	char *dir = NULL, *path = NULL, *bases[5] = { 0 }, d1[11], d2[11];
	int rc, ret = -1;
	struct pending_html *ph;

	memset(&c, 0, sizeof(c));
	memset(dv, 0, sizeof(dv));
	for (m = 0; m < nm; m++)
		all[m] = stats_acc_new();
	if (store_iter_open(s, f, &it, err) < 0)
		goto out;
	while ((rc = store_iter_next(it, &c, err)) == 1) {
		struct group_acc *gt = group_get(&by_ther, c.therapist ? c.therapist : "(unknown)", nm);
		size_t ther_idx = (size_t)(gt - by_ther.g);
		struct group_acc *gi = group_get(&by_ind, c.indication ? c.indication : "(unknown)", nm);
		struct stats_course rs[CSVIN_MAX_MEASURES];
		courses++;
		sessions += (long)c.n;
		if (c.date[c.n - 1] > last_date)
			last_date = c.date[c.n - 1];
		for (m = 0; m < nm; m++) {
			struct stats_course r;
			stats_course_compute(sc, &c, m, STATS_NO_PLATEAU, &r);
			rs[m] = r;
			stats_acc_add(all[m], &r);
			stats_acc_add(gt->acc[m], &r);
			stats_acc_add(gi->acc[m], &r);
			if (r.n >= 2) {
				const struct model_fit *fit = report_model_for(rm, m, c.indication);
				if (fit)
					devs_add(&dv[m], ther_idx, r.change - fit->beta[1] *
						 (log((double)r.last_session) - log((double)r.first_session)),
						 r.baseline);
			}
			if (outcome_worse(&r, stats_ctx_settings(sc, m)->mcid)) {
				nworse++;
				worse_row(&worse, &worse_h, &c, store_measure_name(s, m), &r);
			}
			for (i = 0; i < c.n && i < MAX_SESSION_NO; i++) {
				double y = score(&c, i, m);
				if (isnan(y))
					continue;
				sm[m].sum[i] += y;
				sm[m].sum2[i] += y * y;
				sm[m].n[i]++;
			}
		}
		if (outcome_no_response(rs, nm, c.n, no_resp)) {
			nnon++;
			nonresp_row(&nonresp, &nonresp_h, &c);
		}
	}
	store_iter_free(it);
	it = NULL;
	if (rc < 0)
		goto out;
	for (m = 0; m < nm; m++)
		stats_acc_finish(all[m], &cl[m]);

	if (f->from != STORE_DATE_OPEN || f->to != STORE_DATE_OPEN) {
		date_str(f->from != STORE_DATE_OPEN ? f->from : 0, d1);
		date_str(f->to != STORE_DATE_OPEN ? f->to : 2932896, d2);
		dir = xasprintf("%s/clinic-%s-%s", out_dir, f->from != STORE_DATE_OPEN ? d1 : "start",
				f->to != STORE_DATE_OPEN ? d2 : "end");
	} else {
		dir = xasprintf("%s/clinic", out_dir);
	}
	if (ensure_dir(dir, err) < 0)
		goto out;

	/* Text */
	{
		char buf[64];
		snprintf(buf, sizeof(buf), "symtrend %s", SYMTREND_VERSION);
		sb_addf(&t, "CLINIC OUTCOME REPORT%*s\n", WIDTH - 21, buf);
	}
	sb_adds(&t, "Courses that started ");
	if (f->from != STORE_DATE_OPEN || f->to != STORE_DATE_OPEN) {
		date_str(f->from != STORE_DATE_OPEN ? f->from : 0, d1);
		date_str(f->to != STORE_DATE_OPEN ? f->to : 0, d2);
		if (f->from != STORE_DATE_OPEN)
			sb_addf(&t, "on or after %s%s", d1, f->to != STORE_DATE_OPEN ? " and " : "");
		if (f->to != STORE_DATE_OPEN)
			sb_addf(&t, "on or before %s", d2);
	} else {
		sb_adds(&t, "at any time");
	}
	sb_addf(&t, ": %ld courses, %ld sessions.\n", courses, sessions);
	if (last_date >= 0) {
		date_str(last_date, d1);
		sb_addf(&t, "Latest session %s; written %s.\n", d1, today);
	}
	sb_adds(&t, "\nScores 0-10, lower is better; change = latest - baseline, negative is better.\n"
		    "Clinic figures cover courses with 2 or more scored sessions of the measure.\n\n");
	clinic_table_text(&t, s, cl, nm);
	/* Before group_section sorts the therapists: the deviations index them. */
	if (rm)
		fair_section(&fair_t, &fair_h, s, dv, &by_ther, nm);
	group_section(&t, &scratch, s, &by_ther, "therapist", nm);
	sb_add(&t, fair_t.buf ? fair_t.buf : "", fair_t.len);
	group_section(&t, &scratch, s, &by_ind, "indication", nm);
	sb_addf(&t, "\nCourses that got worse (change of at least the MCID, or reliable "
		    "deterioration): %ld\n", nworse);
	sb_adds(&t, worse.len ? worse.buf : "  none\n");
	sb_addf(&t, "\nNo response on any measure after %ld or more sessions: %ld\n", no_resp, nnon);
	sb_adds(&t, nonresp.len ? nonresp.buf : "  none\n");
	path = xasprintf("%s/report.txt", dir);
	if (write_file_atomic(path, t.buf, t.len, err) < 0)
		goto out;

	if (b->with_charts)
		clinic_charts(b, s, sc, dir, all, sm, &by_ther, &by_ind, bases);

	/* HTML */
	html_head(&h, "Clinic outcome report");
	sb_adds(&h, "<h1>Clinic outcome report</h1>\n<p class=\"meta\">");
	sb_addf(&h, "%ld courses, %ld sessions", courses, sessions);
	if (last_date >= 0) {
		date_str(last_date, d1);
		sb_addf(&h, "; latest session %s; written %s", d1, today);
	}
	sb_adds(&h, ".<br>Scores 0-10, lower is better; change = latest - baseline.</p>\n"
		    "<h2>The clinic, per measure</h2>\n");
	clinic_table_html(&h, s, cl, nm);
	sb_adds(&h, CHART_MARK CHART_MARK CHART_MARK);
	sb_reset(&scratch);
	group_section(&scratch, &h, s, &by_ther, "therapist", nm);
	sb_adds(&h, CHART_MARK);
	sb_add(&h, fair_h.buf ? fair_h.buf : "", fair_h.len);
	group_section(&scratch, &h, s, &by_ind, "indication", nm);
	sb_adds(&h, CHART_MARK);
	sb_addf(&h, "<h2>Courses that got worse (%ld)</h2>\n", nworse);
	if (worse_h.len)
		sb_addf(&h, "<table><tr><th>Patient</th><th>Course</th><th>Measure</th>"
			    "<th>Baseline</th><th>Latest</th><th>Change</th><th>Category</th></tr>\n"
			    "%s</table>\n", worse_h.buf);
	else
		sb_adds(&h, "<p>None.</p>\n");
	sb_addf(&h, "<h2>No response after %ld or more sessions (%ld)</h2>\n", no_resp, nnon);
	if (nonresp_h.len)
		sb_addf(&h, "<table><tr><th>Patient</th><th>Course</th><th>Sessions</th>"
			    "<th>From</th><th>To</th><th>Therapist</th></tr>\n%s</table>\n",
			nonresp_h.buf);
	else
		sb_adds(&h, "<p>None.</p>\n");
	sb_adds(&h, "</body></html>\n");
	free(path);
	path = xasprintf("%s/report.html", dir);
	ph = add_html(b, path);
	ph->html = h;
	memset(&h, 0, sizeof(h));
	/* Chart order in the page: KM after the table, then means, waterfall. */
	{
		static const int order[5] = { 4, 0, 1, 2, 3 };
		for (i = 0; i < 5; i++) {
			ph->chart[i] = bases[order[i]] ? xstrdup(bases[order[i]])
						       : xasprintf("%s/none", dir);
			ph->caption[i] = xstrdup(captions[order[i]]);
		}
	}
	*dir_out = dir;
	dir = NULL;
	ret = 0;
out:
	store_iter_free(it);
	store_course_release(&c);
	for (m = 0; m < nm; m++)
		stats_acc_free(all[m]);
	for (i = 0; i < 5; i++)
		free(bases[i]);
	groups_release(&by_ther, nm);
	groups_release(&by_ind, nm);
	free(sm);
	free(dir);
	free(path);
	sb_release(&t);
	sb_release(&h);
	sb_release(&worse);
	sb_release(&nonresp);
	sb_release(&worse_h);
	sb_release(&nonresp_h);
	sb_release(&scratch);
	sb_release(&fair_t);
	sb_release(&fair_h);
	for (m = 0; m < nm; m++)
		devs_release(&dv[m]);
	return ret;
}
