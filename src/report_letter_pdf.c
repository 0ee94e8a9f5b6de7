/*
 * report_letter_pdf.c - the referral letter as an A4 PDF: the text letter's
 * lines (report_letter_lines) typeset with pango on a cairo PDF surface, the
 * course chart drawn from its SVG with librsvg so that it stays vector.
 *
 * The words and line breaks are note.txt's, so the PDF never says anything
 * the text letter does not (and pdftotext gives its lines back); what the PDF
 * adds is form: the letterhead in large type over a rule, the date on the
 * right, headings in bold, table rows in a monospaced face so that their
 * columns stay aligned (indents are counted in its columns too), a footer
 * with the page number.  The charts go after the scores section, or to the
 * top of the next page when they do not fit there (the text goes on around
 * them); a chart after the first that would take the letter past two pages
 * is left out, and a line says so.  Fonts are DejaVu (fonts-dejavu-core), embedded as subsets by cairo;
 * the PDF has no links, scripts or forms.  Text from files reaches pango as
 * plain text (never markup), left to right whatever its first character,
 * wrapped anywhere when a word is wider than the line.
 */
#include "report_letter.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <librsvg/rsvg.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>

/* A4 in points, the margins, the type. */
#define PAGE_W 595.276
#define PAGE_H 841.890
#define MARGIN_X 51.0   /* 18 mm */
#define MARGIN_TOP 42.5 /* 15 mm */
#define MARGIN_BOTTOM 53.0
#define TEXT_W (PAGE_W - 2 * MARGIN_X)
#define FONT_BODY "DejaVu Sans 10"
#define FONT_BOLD "DejaVu Sans Bold 10"
#define FONT_MONO "DejaVu Sans Mono 10"
#define FONT_HEAD "DejaVu Sans Bold 10.5"
#define FONT_CLINIC "DejaVu Sans Bold 15"
#define FONT_SMALL "DejaVu Sans 8.5" /* the caption and the footer: not body text */
#define LINE_PITCH 11.8                 /* one line of body text */
#define GAP_BLANK 5.5                   /* a blank line of the text letter */
#define GAP_HEAD 4.0                    /* more space before a heading */
#define MAX_PAGES 2                     /* a letter of one course */

struct report_letter_pdf {
	struct report_lines lines;
	char *title, *author, *date, *footer;
	char *caption[REPORT_LETTER_PDF_CHARTS];
	size_t ncharts;
	int clinic; /* the first letterhead line is the clinic's name */
};

struct report_letter_pdf *report_letter_pdf_new(const struct report_letter *l, const char *text,
						char *const *captions, size_t ncharts)
{
	struct report_letter_pdf *p = xcalloc(1, sizeof(*p));
	size_t k;
	for (k = 0; k < ncharts && k < REPORT_LETTER_PDF_CHARTS; k++)
		p->caption[k] = xstrdup(captions[k] ? captions[k] : "");
	p->ncharts = k;
	report_letter_lines(&p->lines, text, l->note.today);
	p->title = xasprintf("Progress note, patient %s, course %s", l->note.patient_id,
			     l->note.course_id);
	p->author = xstrdup(*l->clinic_name ? l->clinic_name : "symtrend");
	p->date = xasprintf("%sT00:00:00Z", l->note.today);
	p->footer = xasprintf("Patient %s, %s", l->note.patient_id, l->note.today);
	p->clinic = *l->clinic_name != '\0';
	return p;
}

void report_letter_pdf_free(struct report_letter_pdf *p)
{
	if (!p)
		return;
	report_lines_release(&p->lines);
	free(p->title);
	free(p->author);
	free(p->date);
	for (size_t k = 0; k < p->ncharts; k++)
		free(p->caption[k]);
	free(p->footer);
	free(p);
}

/* Layout ---------------------------------------------------------------- */

enum item_kind { ITEM_TEXT, ITEM_GAP, ITEM_RULE, ITEM_CHART };

struct item {
	enum item_kind kind;
	PangoLayout *layout; /* ITEM_TEXT, and the chart's caption */
	double x, h;         /* left edge, height (with the space after it) */
	int keep_next;       /* a heading: never last on a page */
	int page;            /* 0-based, set by paginate */
	double y;
	size_t chart;        /* ITEM_CHART: which */
};

struct doc {
	struct item *v;
	size_t n, cap;
	double col;                /* one column of the monospaced face */
	RsvgHandle *svg[REPORT_LETTER_PDF_CHARTS]; /* NULL: not drawn */
	int left_out[REPORT_LETTER_PDF_CHARTS];    /* drawn, not printed (MAX_PAGES) */
	double chart_w[REPORT_LETTER_PDF_CHARTS], chart_h[REPORT_LETTER_PDF_CHARTS];
	int any_chart;
	size_t pages;
};

static struct item *add(struct doc *d, enum item_kind kind, double h)
{
	struct item *it;
	d->v = xgrow(d->v, &d->cap, d->n + 1, sizeof(*d->v));
	it = &d->v[d->n++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->h = h;
	return it;
}

/* Plain UTF-8 text as a layout of 'width' points, wrapped at words or,
 * for a word wider than the line, anywhere; always left to right. */
static PangoLayout *layout(cairo_t *cr, const char *text, const char *font, double width,
			   PangoAlignment align)
{
	PangoLayout *lay = pango_cairo_create_layout(cr);
	/* sizes in points, the PDF's unit (pango assumes a 96 dpi screen) */
	pango_cairo_context_set_resolution(pango_layout_get_context(lay), 72);
	pango_layout_context_changed(lay);
	PangoFontDescription *fd = pango_font_description_from_string(font);
	gchar *valid = g_utf8_make_valid(text, -1);
	pango_layout_set_font_description(lay, fd);
	pango_font_description_free(fd);
	pango_layout_set_auto_dir(lay, FALSE);
	pango_layout_set_width(lay, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(lay, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(lay, align);
	pango_layout_set_text(lay, valid, -1);
	g_free(valid);
	return lay;
}

static double height(PangoLayout *lay)
{
	int w, h, lines = pango_layout_get_line_count(lay);
	pango_layout_get_size(lay, &w, &h);
	/* one line advances by LINE_PITCH; a wrapped one by its own height */
	return lines <= 1 ? LINE_PITCH : (double)h / PANGO_SCALE + (LINE_PITCH - 11.64);
}

static void add_text(struct doc *d, cairo_t *cr, const char *text, const char *font,
		     double indent, PangoAlignment align)
{
	struct item *it = add(d, ITEM_TEXT, 0);
	it->x = MARGIN_X + indent;
	it->layout = layout(cr, text, font, TEXT_W - indent, align);
	it->h = height(it->layout);
}

/* The charts, each with its caption; a line when none was drawn. */
static void add_charts(struct doc *d, cairo_t *cr, const struct report_letter_pdf *p)
{
	size_t k;
	add(d, ITEM_GAP, GAP_BLANK);
	if (!d->any_chart) {
		add_text(d, cr, "Chart not available (gnuplot is not installed or failed).",
			 FONT_BODY, 0, PANGO_ALIGN_LEFT);
		return;
	}
	for (k = 0; k < p->ncharts; k++) {
		struct item *it;
		int w, h;
		if (!d->svg[k])
			continue;
		if (d->left_out[k]) {
			char *s = xasprintf("Not printed here, to keep the letter on %d pages "
					    "(note.html has it): the chart \"%s\".", MAX_PAGES,
					    p->caption[k]);
			add_text(d, cr, s, FONT_SMALL, 0, PANGO_ALIGN_LEFT);
			free(s);
			continue;
		}
		it = add(d, ITEM_CHART, d->chart_h[k] + 4);
		it->chart = k;
		it->x = MARGIN_X + (TEXT_W - d->chart_w[k]) / 2;
		it->layout = layout(cr, p->caption[k], FONT_SMALL, TEXT_W, PANGO_ALIGN_LEFT);
		pango_layout_get_size(it->layout, &w, &h);
		it->h += (double)h / PANGO_SCALE + 2;
	}
}

/* Where the chart goes: before the heading after REPORT_LETTER_CHART_AFTER's,
 * else at the end. */
static size_t chart_anchor(const struct report_lines *ls)
{
	size_t i, n = strlen(REPORT_LETTER_CHART_AFTER);
	int seen = 0;
	for (i = 0; i < ls->n; i++) {
		if (ls->v[i].kind != REPORT_LINE_HEADING)
			continue;
		if (seen)
			return i;
		seen = !strncmp(ls->v[i].text, REPORT_LETTER_CHART_AFTER, n);
	}
	return ls->n;
}

static void build(struct doc *d, cairo_t *cr, const struct report_letter_pdf *p)
{
	const struct report_lines *ls = &p->lines;
	size_t i, at = chart_anchor(ls), head_lines = 0;
	int last_blank = 1, table_head = 0;
	for (i = 0; i < ls->n; i++) {
		const struct report_line *x = &ls->v[i];
		double ind = (double)x->indent * d->col;
		if (i == at) {
			add_charts(d, cr, p);
			last_blank = 0;
		}
		switch (x->kind) {
		case REPORT_LINE_LETTERHEAD:
			add_text(d, cr, x->text, p->clinic && head_lines == 0 ? FONT_CLINIC : FONT_BODY,
				 0, PANGO_ALIGN_LEFT);
			if (p->clinic && head_lines == 0)
				d->v[d->n - 1].h += 3;
			head_lines++;
			break;
		case REPORT_LINE_DATE:
			if (head_lines)
				add(d, ITEM_RULE, 12);
			if (x->left)
				add_text(d, cr, x->left, FONT_CLINIC, 0, PANGO_ALIGN_LEFT);
			add_text(d, cr, x->text, FONT_BODY, 0, PANGO_ALIGN_RIGHT);
			break;
		case REPORT_LINE_BLANK:
			if (!last_blank)
				add(d, ITEM_GAP, GAP_BLANK);
			break;
		case REPORT_LINE_HEADING:
			add(d, ITEM_GAP, GAP_HEAD);
			add_text(d, cr, x->text, FONT_HEAD, ind, PANGO_ALIGN_LEFT);
			d->v[d->n - 1].keep_next = 1;
			break;
		case REPORT_LINE_TABLE:
			add_text(d, cr, x->text, table_head ? FONT_MONO : "DejaVu Sans Mono Bold 10",
				 ind, PANGO_ALIGN_LEFT);
			break;
		case REPORT_LINE_TEXT:
			add_text(d, cr, x->text, FONT_BODY, ind, PANGO_ALIGN_LEFT);
			break;
		}
		last_blank = x->kind == REPORT_LINE_BLANK;
		table_head = x->kind == REPORT_LINE_TABLE;
	}
	if (at == ls->n)
		add_charts(d, cr, p);
}

/* Pages: items flow down; a heading goes with the item after it; a chart that
 * does not fit waits for the top of the next page while the text goes on. */
static void paginate(struct doc *d)
{
	const double bottom = PAGE_H - MARGIN_BOTTOM;
	double y = MARGIN_TOP;
	size_t i, k, page = 0, nwait = 0;
	struct item *waiting[REPORT_LETTER_PDF_CHARTS];
	for (i = 0; i < d->n; i++) {
		struct item *it = &d->v[i];
		double need = it->h;
		if (it->kind == ITEM_GAP && y == MARGIN_TOP)
			need = 0;
		if (it->keep_next && i + 1 < d->n && d->v[i + 1].kind != ITEM_CHART)
			need += d->v[i + 1].h;
		if (it->kind == ITEM_CHART && (nwait || (y + need > bottom && y > MARGIN_TOP))) {
			waiting[nwait++] = it;
			continue;
		}
		if (y + need > bottom && y > MARGIN_TOP) {
			page++;
			y = MARGIN_TOP;
			/* the charts that waited, at the top of the new page */
			for (k = 0; k < nwait; k++) {
				if (k && y + waiting[k]->h > bottom) {
					page++;
					y = MARGIN_TOP;
				}
				waiting[k]->page = (int)page;
				waiting[k]->y = y;
				y += waiting[k]->h + GAP_BLANK;
			}
			nwait = 0;
			if (it->kind == ITEM_GAP)
				continue;
		}
		it->page = (int)page;
		it->y = y;
		y += it->h;
	}
	for (k = 0; k < nwait; k++) {
		if (k == 0 || y + waiting[k]->h > bottom) {
			page++;
			y = MARGIN_TOP;
		}
		waiting[k]->page = (int)page;
		waiting[k]->y = y;
		y += waiting[k]->h + GAP_BLANK;
	}
	d->pages = page + 1;
}

/* Drawing --------------------------------------------------------------- */

static int draw_chart(cairo_t *cr, const struct doc *d, const struct item *it,
		      struct error *err)
{
	RsvgRectangle vp = { it->x, it->y, d->chart_w[it->chart], d->chart_h[it->chart] };
	GError *gerr = NULL;
	if (!rsvg_handle_render_document(d->svg[it->chart], cr, &vp, &gerr)) {
		error_set(err, ERR_IO, NULL, 0, "cannot draw the chart into the PDF: %s",
			  gerr ? gerr->message : "librsvg failed");
		if (gerr)
			g_error_free(gerr);
		return -1;
	}
	cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
	cairo_move_to(cr, MARGIN_X, it->y + d->chart_h[it->chart] + 4);
	pango_cairo_show_layout(cr, it->layout);
	return 0;
}

static void footer(cairo_t *cr, const struct report_letter_pdf *p, size_t page, size_t pages)
{
	char *s = xasprintf("%s - page %zu of %zu", p->footer, page + 1, pages);
	PangoLayout *lay = layout(cr, s, FONT_SMALL, TEXT_W, PANGO_ALIGN_CENTER);
	cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
	cairo_move_to(cr, MARGIN_X, PAGE_H - MARGIN_BOTTOM + 22);
	pango_cairo_show_layout(cr, lay);
	g_object_unref(lay);
	free(s);
}

static int draw(cairo_t *cr, const struct report_letter_pdf *p, const struct doc *d,
		struct error *err)
{
	size_t page, i;
	for (page = 0; page < d->pages; page++) {
		for (i = 0; i < d->n; i++) {
			const struct item *it = &d->v[i];
			if ((size_t)it->page != page)
				continue;
			switch (it->kind) {
			case ITEM_TEXT:
				cairo_set_source_rgb(cr, 0, 0, 0);
				cairo_move_to(cr, it->x, it->y);
				pango_cairo_show_layout(cr, it->layout);
				break;
			case ITEM_RULE:
				cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
				cairo_set_line_width(cr, 0.6);
				cairo_move_to(cr, MARGIN_X, it->y + 4);
				cairo_line_to(cr, PAGE_W - MARGIN_X, it->y + 4);
				cairo_stroke(cr);
				break;
			case ITEM_CHART:
				if (draw_chart(cr, d, it, err) < 0)
					return -1;
				break;
			case ITEM_GAP:
				break;
			}
		}
		footer(cr, p, page, d->pages);
		cairo_show_page(cr);
	}
	return 0;
}

static cairo_status_t put(void *closure, const unsigned char *data, unsigned int len)
{
	sb_add(closure, (const char *)data, len);
	return CAIRO_STATUS_SUCCESS;
}

/* Chart k's size on the page: the text's width, its height in proportion;
 * its smallest text prints at 8 points or more (plot.c draws the letter's
 * charts for this width). */
static int open_chart(struct doc *d, size_t k, const char *svg, size_t len, struct error *err)
{
	GError *gerr = NULL;
	gdouble w = 0, h = 0;
	gboolean has_w = FALSE, has_h = FALSE, has_vb = FALSE;
	RsvgLength lw, lh;
	RsvgRectangle vb = { 0, 0, 0, 0 };
	d->svg[k] = rsvg_handle_new_from_data((const guint8 *)svg, len, &gerr);
	/* gnuplot's 'dynamic' SVG has a viewBox and no size of its own */
	if (d->svg[k]) {
		rsvg_handle_get_intrinsic_dimensions(d->svg[k], &has_w, &lw, &has_h, &lh, &has_vb,
						     &vb);
		if (has_vb) {
			w = vb.width;
			h = vb.height;
		} else if (!rsvg_handle_get_intrinsic_size_in_pixels(d->svg[k], &w, &h)) {
			w = h = 0;
		}
	}
	if (!d->svg[k] || !(w > 0) || !(h > 0)) {
		error_set(err, ERR_IO, NULL, 0, "cannot read the chart for the PDF: %s",
			  gerr ? gerr->message : "no size");
		if (gerr)
			g_error_free(gerr);
		return -1;
	}
	d->chart_w[k] = TEXT_W;
	d->chart_h[k] = TEXT_W * h / w;
	d->any_chart = 1;
	return 0;
}

int report_letter_pdf_render(const struct report_letter_pdf *p, const char *const *svg,
			     const size_t *svg_len, struct strbuf *out, struct error *err)
{
	cairo_surface_t *surf;
	cairo_t *cr;
	struct doc d;
	size_t i;
	int ret = -1;
	memset(&d, 0, sizeof(d));
	surf = cairo_pdf_surface_create_for_stream(put, out, PAGE_W, PAGE_H);
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, p->title);
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_AUTHOR, p->author);
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, "symtrend");
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATE_DATE, p->date);
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_MOD_DATE, p->date);
	cr = cairo_create(surf);
	{
		PangoLayout *m = layout(cr, "0000000000", FONT_MONO, TEXT_W, PANGO_ALIGN_LEFT);
		int w, h;
		pango_layout_get_size(m, &w, &h);
		d.col = (double)w / PANGO_SCALE / 10;
		g_object_unref(m);
	}
	for (i = 0; svg && i < p->ncharts; i++)
		if (svg[i] && open_chart(&d, i, svg[i], svg_len[i], err) < 0)
			goto out;
	/* The letter's first chart is always printed; a later one (the
	 * episode of care) only while the letter stays on MAX_PAGES pages. */
	for (;;) {
		size_t k = p->ncharts;
		build(&d, cr, p);
		paginate(&d);
		if (d.pages <= MAX_PAGES)
			break;
		while (k-- > 1 && (!d.svg[k] || d.left_out[k]))
			;
		if (k == 0 || k >= p->ncharts)
			break;
		d.left_out[k] = 1;
		for (i = 0; i < d.n; i++)
			if (d.v[i].layout)
				g_object_unref(d.v[i].layout);
		d.n = 0;
	}
	if (draw(cr, p, &d, err) < 0)
		goto out;
	cairo_destroy(cr);
	cr = NULL;
	cairo_surface_finish(surf);
	if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
		error_set(err, ERR_IO, NULL, 0, "cannot make the PDF: %s",
			  cairo_status_to_string(cairo_surface_status(surf)));
		goto out;
	}
	ret = 0;
out:
	if (cr)
		cairo_destroy(cr);
	cairo_surface_destroy(surf);
	for (i = 0; i < d.n; i++)
		if (d.v[i].layout)
			g_object_unref(d.v[i].layout);
	free(d.v);
	for (i = 0; i < REPORT_LETTER_PDF_CHARTS; i++)
		if (d.svg[i])
			g_object_unref(d.svg[i]);
	return ret;
}
