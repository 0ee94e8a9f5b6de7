/*
 * report_letter_svg.c - the letter's chart as inline SVG (report_data.h,
 * report_svg_inline).  gnuplot's SVG is parsed with expat and written out
 * again as an <svg> element: no XML prolog, DOCTYPE, comment or processing
 * instruction survives; text and attribute values are escaped again; ids that
 * something in the chart refers to get a prefix (and so cannot collide with
 * the page's), ids nothing refers to are dropped (gnuplot repeats them in every
 * panel).  A chart with a script, an event handler, a foreignObject, an
 * external reference or a duplicate id is not inlined: the caller embeds it
 * as an image instead, where nothing in it can act on the page.
 */
#include "report_data.h"

#include <expat.h>
#include <limits.h>
#include <string.h>
#include <strings.h>

struct svg_pass {
	XML_Parser p;
	int write;              /* 0: collect the referenced ids; 1: write */
	int bad;                /* not safe to inline */
	int depth, skip;        /* skip: depth inside a dropped element, 0 none */
	const char *prefix, *label;
	struct strbuf *out;
	char **refs, **kept;    /* referenced ids; ids written */
	size_t nrefs, caprefs, nkept, capkept;
};

static int has(char *const *v, size_t n, const char *s, size_t len)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (strlen(v[i]) == len && !memcmp(v[i], s, len))
			return 1;
	return 0;
}

static void add_ref(struct svg_pass *x, const char *s, size_t len)
{
	if (has(x->refs, x->nrefs, s, len))
		return;
	x->refs = xgrow(x->refs, &x->caprefs, x->nrefs + 1, sizeof(*x->refs));
	x->refs[x->nrefs++] = xstrndup(s, len);
}

static void esc(struct strbuf *sb, const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		switch (s[i]) {
		case '&': sb_adds(sb, "&amp;"); break;
		case '<': sb_adds(sb, "&lt;"); break;
		case '>': sb_adds(sb, "&gt;"); break;
		case '"': sb_adds(sb, "&quot;"); break;
		case '\'': sb_adds(sb, "&#39;"); break;
		default: sb_addc(sb, s[i]);
		}
}

static int is_href(const char *name)
{
	return !strcmp(name, "href") || !strcmp(name, "xlink:href");
}

/* Where the next "url(" of s starts (any letter case); NULL: none. */
static const char *find_url(const char *s)
{
	for (; *s; s++)
		if (!strncasecmp(s, "url(", 4))
			return s;
	return NULL;
}

/* Each "url(#X)" of a value: collected, or written with the prefix; a
 * url() to anything outside the chart is refused. */
static void value(struct svg_pass *x, const char *v)
{
	const char *p = v, *u;
	while ((u = find_url(p))) {
		const char *e = strchr(u, ')');
		if (!e || u[4] != '#') {
			x->bad = 1;
			return;
		}
		if (x->write) {
			esc(x->out, p, (size_t)(u - p) + 5);
			sb_adds(x->out, x->prefix);
		} else {
			add_ref(x, u + 5, (size_t)(e - u - 5));
		}
		p = u + 5;
	}
	if (x->write)
		esc(x->out, p, strlen(p));
}

static void attr(struct svg_pass *x, const char *name, const char *v)
{
	if (!strncasecmp(name, "on", 2) || strchr(v, '\\')) {
		x->bad = 1; /* an event handler; a CSS escape could hide a url() */
		return;
	}
	if (is_href(name)) {
		if (v[0] != '#') {
			x->bad = 1; /* only references inside the chart */
			return;
		}
		if (!x->write)
			add_ref(x, v + 1, strlen(v + 1));
	}
	if (!strcmp(name, "id")) {
		if (!has(x->refs, x->nrefs, v, strlen(v)))
			return; /* nothing refers to it */
		if (!x->write)
			return;
		if (has(x->kept, x->nkept, v, strlen(v))) {
			x->bad = 1;
			return;
		}
		x->kept = xgrow(x->kept, &x->capkept, x->nkept + 1, sizeof(*x->kept));
		x->kept[x->nkept++] = xstrdup(v);
	}
	if (!x->write) {
		value(x, v);
		return;
	}
	sb_addf(x->out, " %s=\"", name);
	if (!strcmp(name, "id") || is_href(name)) {
		if (is_href(name))
			sb_addc(x->out, '#');
		sb_adds(x->out, x->prefix);
		esc(x->out, v + is_href(name), strlen(v + is_href(name)));
	} else {
		value(x, v);
	}
	sb_addc(x->out, '"');
}

static void XMLCALL on_start(void *data, const XML_Char *name, const XML_Char **a)
{
	struct svg_pass *x = data;
	size_t i;
	x->depth++;
	if (x->bad || x->skip)
		return;
	if (!strcasecmp(name, "script") || !strcasecmp(name, "foreignObject") ||
	    !strcasecmp(name, "style") ||
	    (x->depth == 1 && strcmp(name, "svg") != 0)) {
		x->bad = 1;
		return;
	}
	/* gnuplot's "Gnuplot" title would be the chart's tooltip: the
	 * caption names it (aria-label). */
	if (!strcmp(name, "title") || !strcmp(name, "desc")) {
		x->skip = x->depth;
		return;
	}
	if (x->write)
		sb_addf(x->out, "<%s", name);
	for (i = 0; a[i]; i += 2)
		attr(x, a[i], a[i + 1]);
	if (!x->write)
		return;
	if (x->depth == 1) {
		sb_adds(x->out, " role=\"img\" aria-label=\"");
		esc(x->out, x->label, strlen(x->label));
		sb_addc(x->out, '"');
	}
	sb_addc(x->out, '>');
}

static void XMLCALL on_end(void *data, const XML_Char *name)
{
	struct svg_pass *x = data;
	if (x->write && !x->bad && !x->skip)
		sb_addf(x->out, "</%s>", name);
	if (x->skip == x->depth)
		x->skip = 0;
	x->depth--;
}

static void XMLCALL on_text(void *data, const XML_Char *s, int len)
{
	struct svg_pass *x = data;
	if (x->write && !x->bad && !x->skip && x->depth > 0)
		esc(x->out, s, (size_t)len);
}

/* No DTD: gnuplot writes none, and entities would be expanded into the page. */
static void XMLCALL on_doctype(void *data, const XML_Char *name, const XML_Char *sysid,
			       const XML_Char *pubid, int internal)
{
	struct svg_pass *x = data;
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)internal;
	x->bad = 1;
	XML_StopParser(x->p, XML_FALSE);
}

static int run(struct svg_pass *x, const char *svg, size_t len)
{
	int ok;
	x->p = XML_ParserCreate("UTF-8");
	if (!x->p)
		return -1;
	XML_SetUserData(x->p, x);
	XML_SetElementHandler(x->p, on_start, on_end);
	XML_SetCharacterDataHandler(x->p, on_text);
	XML_SetStartDoctypeDeclHandler(x->p, on_doctype);
	x->depth = x->skip = 0;
	ok = len <= (size_t)INT_MAX && XML_Parse(x->p, svg, (int)len, XML_TRUE) == XML_STATUS_OK;
	XML_ParserFree(x->p);
	return ok && !x->bad ? 0 : -1;
}

int report_svg_inline(struct strbuf *out, const char *svg, size_t len, const char *prefix,
		      const char *label)
{
	struct svg_pass x;
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	int rc;
	memset(&x, 0, sizeof(x));
	x.prefix = prefix;
	x.label = label;
	x.out = &sb;
	rc = run(&x, svg, len);
	if (rc == 0) {
		x.write = 1;
		rc = run(&x, svg, len);
	}
	if (rc == 0)
		sb_add(out, sb.buf ? sb.buf : "", sb.len);
	sb_release(&sb);
	for (i = 0; i < x.nrefs; i++)
		free(x.refs[i]);
	for (i = 0; i < x.nkept; i++)
		free(x.kept[i]);
	free(x.refs);
	free(x.kept);
	return rc;
}
