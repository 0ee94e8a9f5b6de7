/*
 * xlsx.c - reads the first worksheet of an .xlsx (Office Open XML) workbook:
 * libzip opens the container, expat parses xl/workbook.xml and its
 * relationships (which part is the first worksheet, the date system),
 * xl/styles.xml (which cell styles are dates) and the shared strings whole,
 * then the sheet in chunks, suspending the parser at the end of each row.
 *
 * Hostile files: every part's uncompressed size is capped (declared and
 * counted), a DTD or entity declaration stops the parse, nesting deeper
 * than XLSX_MAX_DEPTH stops it, the shared strings are capped in count and
 * bytes, a cell's text in bytes (a shared string's too), the shared string
 * text the sheet hands out in all, the XML fed without a completed token
 * (feed()); a second cell at one place in a row is refused.  Names are
 * matched by local name (expat namespace mode), so prefixed writers are
 * read too.
 */
#include "xlsx.h"

#include <errno.h>
#include <expat.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <zip.h>

#define READ_CHUNK 65536
#define MAX_SHEETS 1024
#define MAX_RELS 4096
#define MAX_XFS 65536
#define MAX_NUMFMTS 4096

enum phase { PH_WORKBOOK, PH_RELS, PH_STYLES, PH_SST, PH_SHEET };

struct rel {
	char *id, *type, *target;
};

struct pcell { /* a cell of the row being parsed: text as an arena offset */
	enum xlsx_type type;
	size_t off, len;
	long date;
	int date_ok, cut;
};

struct xlsx_reader {
	char *name;
	zip_t *za;
	XML_Parser p;
	struct strbuf fail; /* why a handler stopped the parser */

	/* workbook and relationships */
	size_t nsheets, nrels;
	char *sheet_ids[MAX_SHEETS], *sheet_names[MAX_SHEETS]; /* the visible sheets */
	struct rel rels[MAX_RELS];

	/* styles: per cellXfs entry, 1 when a date */
	unsigned char *xf_date;
	size_t nxf, xf_cap, nnumfmt;
	struct { int id, date; } numfmt[MAX_NUMFMTS];

	/* shared strings: NUL-terminated texts in one arena, each cut to
	 * XLSX_MAX_CELL bytes (sst_cut[i] 1 when it was longer) */
	struct strbuf sst;
	size_t *sst_off;
	unsigned char *sst_cut;
	size_t nsst, sst_cap, sst_cut_cap, si_start;
	int si_cut;
	unsigned long long sst_given; /* shared string bytes handed out by the sheet */
	unsigned long long since_token; /* XML bytes fed since a handler last ran */

	/* the sheet */
	zip_file_t *zf;
	XML_Parser sp;
	unsigned long long sheet_read, sheet_size;
	long row_no, col, prev_col;
	unsigned long long row_cols; /* the columns (< XLSX_MAX_COLS) the row has a cell in */
	size_t ncells;
	struct strbuf text;  /* the current cell's text */
	struct strbuf ftext; /* its formula, "=..." (cut at XLSX_MAX_FORMULA_SHOWN) */
	struct strbuf arena; /* the row's cell texts */
	struct pcell pc[XLSX_MAX_COLS];
	struct xlsx_cell out[XLSX_MAX_COLS];

	/* flags and counters, together */
	enum phase phase;
	int depth, date1904, in_cellxfs, in_si, in_t, in_rph;
	int suspended, sheet_eof, in_row, in_c, in_v, row_ready, cell_date, text_cut, too_many;
	int in_f, has_f;

	/* OpenDocument (.ods): content.xml, its first visible table */
	int ods, ods_state;        /* 0 before the table read, 1 in it, 2 after it */
	int ods_skip;              /* depth of a hidden table being skipped, or 0 */
	int ods_note;              /* inside an office:annotation (not the cell's text) */
	int ods_in_style, ods_string, ods_paras;
	long ods_repeat, ods_cols, next_col;
	long emit_left;            /* copies of the row still to hand out */
	unsigned long long rows_out;
	size_t nhidden;
	char style[64];            /* the table style being read */
	char hidden[256][64];      /* table styles with table:display="false" */
	char *sheet_name;          /* the sheet read, for messages */
	char cell_t[16];
	char buf[READ_CHUNK];
};

static const char *local(const char *name)
{
	const char *s = strrchr(name, '|');
	return s ? s + 1 : name;
}

static const char *attr(const char **a, const char *lname)
{
	for (; *a; a += 2)
		if (!strcmp(local(a[0]), lname))
			return a[1];
	return NULL;
}

/* Stops the parse with a reason (the first one wins). */
static void fail(struct xlsx_reader *x, const char *fmt, const char *arg)
{
	if (!x->fail.len)
		sb_addf(&x->fail, fmt, arg);
	XML_StopParser(x->phase == PH_SHEET ? x->sp : x->p, XML_FALSE);
}

/* A handler ran: the parser completed a token (see feed()). */
static void token_done(struct xlsx_reader *x)
{
	x->since_token = 0;
}

static int enter(struct xlsx_reader *x)
{
	token_done(x);
	if (++x->depth > XLSX_MAX_DEPTH) {
		fail(x, "XML nested deeper than %s levels", "48");
		return -1;
	}
	return 0;
}

static void XMLCALL on_doctype(void *data, const XML_Char *name, const XML_Char *sysid,
			       const XML_Char *pubid, int internal)
{
	(void)name, (void)sysid, (void)pubid, (void)internal;
	fail(data, "%s", "a DTD in a workbook part (not allowed)");
}

static void XMLCALL on_entity(void *data, const XML_Char *name, int pe, const XML_Char *value,
			      int len, const XML_Char *base, const XML_Char *sysid,
			      const XML_Char *pubid, const XML_Char *notation)
{
	(void)name, (void)pe, (void)value, (void)len, (void)base, (void)sysid, (void)pubid;
	(void)notation;
	fail(data, "%s", "an entity declaration in a workbook part (not allowed)");
}

static void XMLCALL on_end_generic(void *data, const XML_Char *name)
{
	struct xlsx_reader *x = data;
	(void)name;
	token_done(x);
	x->depth--;
}

/* Text, comments, processing instructions and CDATA marks of parts whose
 * text is not read: only that a token was completed counts. */
static void XMLCALL on_text_generic(void *data, const XML_Char *s, int len)
{
	(void)s, (void)len;
	token_done(data);
}

static void XMLCALL on_comment(void *data, const XML_Char *s)
{
	(void)s;
	token_done(data);
}

static void XMLCALL on_pi(void *data, const XML_Char *target, const XML_Char *pidata)
{
	(void)target, (void)pidata;
	token_done(data);
}

static void XMLCALL on_cdata(void *data)
{
	token_done(data);
}

static long parse_long(const char *s, long max)
{
	char *end;
	long v;
	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	return (errno || *end || v > max) ? -1 : v;
}

/* --- workbook.xml and its relationships --------------------------------- */

static void XMLCALL wb_start(void *data, const XML_Char *name, const XML_Char **a)
{
	struct xlsx_reader *x = data;
	const char *n = local(name), *v;
	if (enter(x) < 0)
		return;
	if (!strcmp(n, "workbookPr") && (v = attr(a, "date1904")))
		x->date1904 = !strcmp(v, "1") || !strcasecmp(v, "true");
	else if (!strcmp(n, "sheet") && x->nsheets < MAX_SHEETS && (v = attr(a, "id"))) {
		const char *state = attr(a, "state"), *sname = attr(a, "name");
		if (state && (!strcmp(state, "hidden") || !strcmp(state, "veryHidden")))
			return; /* a hidden sheet is not the one a clinic sees first */
		x->sheet_ids[x->nsheets] = xstrdup(v);
		x->sheet_names[x->nsheets++] = xstrndup(sname ? sname : "", 64);
	}
}

static void XMLCALL rels_start(void *data, const XML_Char *name, const XML_Char **a)
{
	struct xlsx_reader *x = data;
	const char *id, *type, *target;
	if (enter(x) < 0)
		return;
	if (strcmp(local(name), "Relationship") != 0 || x->nrels >= MAX_RELS)
		return;
	id = attr(a, "Id");
	type = attr(a, "Type");
	target = attr(a, "Target");
	if (!id || !type || !target)
		return;
	x->rels[x->nrels].id = xstrdup(id);
	x->rels[x->nrels].type = xstrdup(type);
	x->rels[x->nrels].target = xstrdup(target);
	x->nrels++;
}

/* --- styles.xml ----------------------------------------------------------- */

int xlsx_format_is_date(int id, const char *code)
{
	const char *s;
	if (!code) /* built-in formats: the date ones (ECMA-376 18.8.30) */
		return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 50 && id <= 58);
	/* A custom code is a date when it has day or year parts outside
	 * quoted text, escapes and [...] (colours, locales, elapsed time). */
	for (s = code; *s && *s != ';'; s++) {
		if (*s == '"') {
			while (s[1] && s[1] != '"')
				s++;
			if (s[1])
				s++;
		} else if (*s == '\\' || *s == '_' || *s == '*') {
			if (s[1])
				s++;
		} else if (*s == '[') {
			while (s[1] && s[1] != ']')
				s++;
			if (s[1])
				s++;
		} else if (strchr("dDyY", *s)) {
			return 1;
		}
	}
	return 0;
}

static void XMLCALL styles_start(void *data, const XML_Char *name, const XML_Char **a)
{
	struct xlsx_reader *x = data;
	const char *n = local(name), *v;
	if (enter(x) < 0)
		return;
	if (!strcmp(n, "numFmt") && x->nnumfmt < MAX_NUMFMTS && (v = attr(a, "numFmtId"))) {
		x->numfmt[x->nnumfmt].id = (int)parse_long(v, 100000);
		x->numfmt[x->nnumfmt].date = xlsx_format_is_date(0, attr(a, "formatCode") ?
								     attr(a, "formatCode") : "");
		x->nnumfmt++;
	} else if (!strcmp(n, "cellXfs")) {
		x->in_cellxfs = 1;
	} else if (!strcmp(n, "xf") && x->in_cellxfs) {
		int id = (v = attr(a, "numFmtId")) ? (int)parse_long(v, 100000) : 0, date = -1;
		size_t i;
		if (x->nxf >= MAX_XFS) {
			fail(x, "more than %s cell styles", "65536");
			return;
		}
		for (i = 0; i < x->nnumfmt; i++)
			if (x->numfmt[i].id == id)
				date = x->numfmt[i].date;
		if (date < 0)
			date = xlsx_format_is_date(id, NULL);
		x->xf_date = xgrow(x->xf_date, &x->xf_cap, x->nxf + 1, 1);
		x->xf_date[x->nxf++] = (unsigned char)date;
	}
}

static void XMLCALL styles_end(void *data, const XML_Char *name)
{
	struct xlsx_reader *x = data;
	token_done(x);
	x->depth--;
	if (!strcmp(local(name), "cellXfs"))
		x->in_cellxfs = 0;
}

/* --- sharedStrings.xml ---------------------------------------------------- */

static void XMLCALL sst_start(void *data, const XML_Char *name, const XML_Char **a)
{
	struct xlsx_reader *x = data;
	const char *n = local(name);
	(void)a;
	if (enter(x) < 0)
		return;
	if (!strcmp(n, "si")) {
		if (x->nsst >= XLSX_MAX_SST_COUNT) {
			fail(x, "more than %s shared strings", "2097152");
			return;
		}
		x->in_si = 1;
		x->si_cut = 0;
		x->si_start = x->sst.len;
	} else if (!strcmp(n, "rPh")) {
		x->in_rph++; /* phonetic guide text is not the cell's text */
	} else if (!strcmp(n, "t") && x->in_si) {
		x->in_t = 1;
	}
}

static void XMLCALL sst_end(void *data, const XML_Char *name)
{
	struct xlsx_reader *x = data;
	const char *n = local(name);
	token_done(x);
	x->depth--;
	if (!strcmp(n, "t")) {
		x->in_t = 0;
	} else if (!strcmp(n, "rPh")) {
		x->in_rph--;
	} else if (!strcmp(n, "si") && x->in_si) {
		x->in_si = 0;
		if (x->sst.len + 2 > XLSX_MAX_SST_TEXT) { /* its NUL and the buffer's */
			fail(x, "shared strings larger than %s MB", "64");
			return;
		}
		x->sst_off = xgrow(x->sst_off, &x->sst_cap, x->nsst + 1, sizeof(*x->sst_off));
		x->sst_cut = xgrow(x->sst_cut, &x->sst_cut_cap, x->nsst + 1, 1);
		x->sst_off[x->nsst] = x->si_start;
		x->sst_cut[x->nsst++] = (unsigned char)x->si_cut;
		sb_addc(&x->sst, '\0');
	}
}

static void XMLCALL sst_text(void *data, const XML_Char *s, int len)
{
	struct xlsx_reader *x = data;
	size_t n = (size_t)len, have;
	token_done(x);
	if (!x->in_t || x->in_rph)
		return;
	/* One string is kept up to the cell limit: a longer one is a cut
	 * cell wherever it is used (its row is rejected with the reason). */
	have = x->sst.len - x->si_start;
	if (have + n > XLSX_MAX_CELL) {
		n = XLSX_MAX_CELL - have;
		x->si_cut = 1;
	}
	/* Room kept for the string's NUL and the buffer's: the buffer (grown
	 * by doubling) never outgrows the cap. */
	if (x->sst.len + n + 2 > XLSX_MAX_SST_TEXT) {
		fail(x, "shared strings larger than %s MB", "64");
		return;
	}
	sb_add(&x->sst, s, n);
}

/* --- parts ---------------------------------------------------------------- */

static XML_Parser new_parser(struct xlsx_reader *x, XML_StartElementHandler st,
			     XML_EndElementHandler en, XML_CharacterDataHandler ch)
{
	XML_Parser p = XML_ParserCreateNS(NULL, '|');
	if (!p)
		BUG("XML_ParserCreateNS failed");
	XML_SetUserData(p, x);
	XML_SetElementHandler(p, st, en);
	XML_SetCharacterDataHandler(p, ch ? ch : on_text_generic);
	XML_SetCommentHandler(p, on_comment);
	XML_SetProcessingInstructionHandler(p, on_pi);
	XML_SetCdataSectionHandler(p, on_cdata, on_cdata);
	XML_SetStartDoctypeDeclHandler(p, on_doctype);
	XML_SetEntityDeclHandler(p, on_entity);
	x->depth = 0;
	x->since_token = 0;
	return p;
}

static void parse_error(struct xlsx_reader *x, XML_Parser p, const char *part, struct error *err)
{
	if (x->fail.len)
		error_set(err, ERR_INPUT, x->name, 0, "%s: %s", part, x->fail.buf);
	else
		error_set(err, ERR_INPUT, x->name, 0, "damaged workbook: %s line %lu: %s", part,
			  (unsigned long)XML_GetCurrentLineNumber(p),
			  XML_ErrorString(XML_GetErrorCode(p)));
}

/* Opens a part, refusing one whose declared size is over 'cap'. */
static zip_file_t *open_part(struct xlsx_reader *x, const char *part, unsigned long long cap,
			     int required, unsigned long long *size, struct error *err)
{
	zip_stat_t st;
	zip_int64_t idx = zip_name_locate(x->za, part, 0);
	zip_file_t *zf;
	if (idx < 0) {
		if (required)
			error_set(err, ERR_INPUT, x->name, 0,
				  "not an .xlsx or .ods workbook (no part %s%s)", part,
				  strcmp(part, "xl/workbook.xml") ? "" : " nor content.xml");
		return NULL;
	}
	zip_stat_init(&st);
	if (zip_stat_index(x->za, (zip_uint64_t)idx, 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE)) {
		if (st.size > cap) {
			error_set(err, ERR_INPUT, x->name, 0,
				  "%s is %llu MB uncompressed, more than the %llu MB read "
				  "(a zip bomb?)", part, (unsigned long long)(st.size >> 20), cap >> 20);
			return NULL;
		}
		*size = st.size;
	}
	zf = zip_fopen_index(x->za, (zip_uint64_t)idx, 0);
	if (!zf)
		error_set(err, ERR_INPUT, x->name, 0, "damaged workbook: cannot read %s: %s", part,
			  zip_strerror(x->za));
	return zf;
}

/*
 * Counts 'n' more bytes about to be fed to a parser: -1 with 'err' when
 * more than XLSX_MAX_TOKEN have arrived since a handler last ran.  expat
 * 2.5 scans an unfinished token (a huge attribute, comment or tag) again
 * for every buffer that arrives, so one 1 GB token would take hours; a
 * token of workbook XML is never more than a few kilobytes.
 */
static int feed(struct xlsx_reader *x, const char *part, size_t n, struct error *err)
{
	x->since_token += n;
	if (x->since_token <= XLSX_MAX_TOKEN)
		return 0;
	error_set(err, ERR_INPUT, x->name, 0,
		  "%s: more than %llu MB of XML without a complete tag or text (a bomb?)", part,
		  (unsigned long long)(XLSX_MAX_TOKEN >> 20));
	return -1;
}

/* Parses a whole part; 0, or -1 with 'err' (a missing optional part is 0). */
static int parse_part(struct xlsx_reader *x, const char *part, unsigned long long cap,
		      int required, XML_StartElementHandler st, XML_EndElementHandler en,
		      XML_CharacterDataHandler ch, struct error *err)
{
	unsigned long long size = 0, total = 0;
	zip_file_t *zf;
	int ret = -1;
	if (zip_name_locate(x->za, part, 0) < 0 && !required)
		return 0;
	zf = open_part(x, part, cap, required, &size, err);
	if (!zf)
		return -1;
	x->p = new_parser(x, st, en, ch);
	for (;;) {
		zip_int64_t n = zip_fread(zf, x->buf, sizeof(x->buf));
		if (n < 0) {
			error_set(err, ERR_INPUT, x->name, 0, "damaged workbook: %s: %s", part,
				  zip_file_strerror(zf));
			goto out;
		}
		total += (unsigned long long)n;
		if (total > cap) {
			error_set(err, ERR_INPUT, x->name, 0,
				  "%s is more than %llu MB uncompressed (a zip bomb?)", part, cap >> 20);
			goto out;
		}
		if (feed(x, part, (size_t)n, err) < 0)
			goto out;
		if (XML_Parse(x->p, x->buf, (int)n, n == 0) != XML_STATUS_OK) {
			parse_error(x, x->p, part, err);
			goto out;
		}
		if (n == 0)
			break;
	}
	ret = 0;
out:
	XML_ParserFree(x->p);
	x->p = NULL;
	zip_fclose(zf);
	return ret;
}

/* "worksheets/sheet1.xml" relative to xl/, or "/xl/..." absolute. */
static char *part_path(const char *target)
{
	if (target[0] == '/')
		return xstrdup(target + 1);
	return xasprintf("xl/%s", target);
}

static const struct rel *rel_of_type(const struct xlsx_reader *x, const char *suffix,
				     const char *id)
{
	size_t i, sl = strlen(suffix);
	for (i = 0; i < x->nrels; i++) {
		size_t tl = strlen(x->rels[i].type);
		if (tl >= sl && !strcmp(x->rels[i].type + tl - sl, suffix) &&
		    (!id || !strcmp(x->rels[i].id, id)))
			return &x->rels[i];
	}
	return NULL;
}

/* Finds the first sheet that is a worksheet (not a chart sheet). */
static char *first_worksheet(struct xlsx_reader *x)
{
	size_t i;
	for (i = 0; i < x->nsheets; i++) {
		const struct rel *r = rel_of_type(x, "/worksheet", x->sheet_ids[i]);
		if (r) {
			x->sheet_name = xstrdup(x->sheet_names[i]);
			return part_path(r->target);
		}
	}
	return NULL;
}

/* --- the sheet, row by row ---------------------------------------------- */

/* The letters of column 'c' (0-based, < 26 * 27). */
static void col_name(long c, char out[8])
{
	if (c < 26)
		snprintf(out, 8, "%c", (char)('A' + c));
	else
		snprintf(out, 8, "%c%c", (char)('A' + c / 26 - 1), (char)('A' + c % 26));
}

/* Column index of a reference like "AB12" (0-based), or -1. */
static long ref_col(const char *ref)
{
	long c = 0;
	int n = 0;
	for (; *ref >= 'A' && *ref <= 'Z'; ref++, n++) {
		if (n >= 3)
			return -1;
		c = c * 26 + (*ref - 'A' + 1);
	}
	return n ? c - 1 : -1;
}


int xlsx_serial_to_days(double serial, int date1904, long *days)
{
	double d;
	if (!isfinite(serial) || serial < 0 || serial >= 2958466) /* 9999-12-31 */
		return -1;
	d = floor(serial); /* a time of day does not change the date */
	if (date1904) {
		*days = (long)d - 24107; /* 1904-01-01 */
		return 0;
	}
	/* 1900 system: serial 1 = 1900-01-01; 60 is Lotus's 1900-02-29, which
	 * does not exist; from 61 on, days since 1899-12-30. */
	if (d < 1 || d == 60)
		return -1;
	*days = d < 60 ? (long)d - 25568 : (long)d - 25569;
	return 0;
}

static void XMLCALL sheet_start(void *data, const XML_Char *name, const XML_Char **a)
{
	struct xlsx_reader *x = data;
	const char *n = local(name), *v;
	if (enter(x) < 0)
		return;
	if (!strcmp(n, "row")) {
		long r = parse_long(attr(a, "r"), 100000000L);
		x->row_no = r > 0 ? r : x->row_no + 1;
		x->in_row = 1;
		x->ncells = 0;
		x->too_many = 0;
		x->prev_col = -1;
		x->row_cols = 0;
		sb_reset(&x->arena);
		memset(x->pc, 0, sizeof(x->pc));
	} else if (!strcmp(n, "c") && x->in_row) {
		long s = parse_long(attr(a, "s"), MAX_XFS);
		v = attr(a, "r");
		x->col = v ? ref_col(v) : x->prev_col + 1;
		if (x->col < 0)
			x->col = x->prev_col + 1;
		x->prev_col = x->col;
		/* A second cell at the same place is refused: appended, one
		 * cell's text could be repeated without end. */
		if (x->col < XLSX_MAX_COLS) {
			if (x->row_cols & (1ull << x->col)) {
				char where[8];
				col_name(x->col, where);
				fail(x, "damaged workbook: the row has two cells in column %s", where);
				return;
			}
			x->row_cols |= 1ull << x->col;
		}
		snprintf(x->cell_t, sizeof(x->cell_t), "%s", (v = attr(a, "t")) ? v : "n");
		x->cell_date = s >= 0 && (size_t)s < x->nxf && x->xf_date[s];
		x->in_c = 1;
		sb_reset(&x->text);
		x->text_cut = 0;
		x->has_f = 0;
		sb_reset(&x->ftext);
		sb_addc(&x->ftext, '=');
	} else if (x->in_c && (!strcmp(n, "v") || (!strcmp(n, "t") && !x->in_rph))) {
		x->in_v = 1;
	} else if (x->in_c && !strcmp(n, "rPh")) {
		x->in_rph++;
	} else if (x->in_c && !strcmp(n, "f")) {
		x->in_f = 1;
		x->has_f = 1;
	}
}

static void XMLCALL sheet_text(void *data, const XML_Char *s, int len)
{
	struct xlsx_reader *x = data;
	size_t n = (size_t)len;
	token_done(x);
	if (x->in_f && x->ftext.len < XLSX_MAX_FORMULA_SHOWN) {
		sb_add(&x->ftext, s, n < XLSX_MAX_FORMULA_SHOWN - x->ftext.len ? n :
				     XLSX_MAX_FORMULA_SHOWN - x->ftext.len);
		return;
	}
	if (!x->in_v)
		return;
	if (x->text.len + n > XLSX_MAX_CELL) {
		n = XLSX_MAX_CELL - x->text.len;
		x->text_cut = 1;
	}
	sb_add(&x->text, s, n);
}

/* A cell's value as read: its type, text (borrowed), and date. */
struct cell_value {
	enum xlsx_type type;
	const char *text;
	size_t len;
	long days;
	int ok;          /* XLSX_DATE: a real date */
	char date[11];   /* the date's text YYYY-MM-DD */
};

/* A date cell's text is its date when it is a real one. */
static void as_date(struct cell_value *v, int ok, long days)
{
	v->type = XLSX_DATE;
	v->ok = ok;
	if (!ok)
		return;
	v->days = days;
	date_format(days, v->date);
	v->text = v->date;
	v->len = 10;
}

/* The cell's type and text from its t attribute, value and style; 0, or
 * -1 when the workbook is damaged (x->fail says why). */
static int cell_value(struct xlsx_reader *x, struct cell_value *v)
{
	const char *t = x->cell_t;
	long days = 0;
	int ok;
	if (!strcmp(t, "s")) {
		long i = parse_long(v->text, (long)XLSX_MAX_SST_COUNT);
		if (i < 0 || (size_t)i >= x->nsst) {
			fail(x, "damaged workbook: shared string %.20s does not exist", v->text);
			return -1;
		}
		v->type = XLSX_STRING;
		v->text = x->sst.buf + x->sst_off[i];
		v->len = strlen(v->text);
		x->text_cut |= x->sst_cut[i];
		/* Shared strings are the one way a small sheet hands out much
		 * text: what it hands out is bounded, so time is linear. */
		x->sst_given += v->len;
		if (x->sst_given > XLSX_MAX_SST_GIVEN) {
			fail(x, "shared strings used for more than %s MB of text (a bomb?)", "128");
			return -1;
		}
	} else if (!strcmp(t, "inlineStr") || !strcmp(t, "str")) {
		v->type = XLSX_STRING;
	} else if (!strcmp(t, "b")) {
		v->type = XLSX_BOOL;
		v->text = strcmp(v->text, "0") ? "TRUE" : "FALSE";
		v->len = strlen(v->text);
	} else if (!strcmp(t, "e")) {
		v->type = XLSX_ERROR;
	} else if (!strcmp(t, "d")) { /* ISO 8601 date (strict writers) */
		ok = v->len >= 10 && date_parse(v->text, 10, &days) == 0;
		as_date(v, ok, days);
	} else if (x->cell_date) {
		char *end;
		double d = strtod(v->text, &end);
		ok = !*end && end != v->text && xlsx_serial_to_days(d, x->date1904, &days) == 0;
		as_date(v, ok, days);
	}
	return 0;
}

/* The cell into the row being parsed (an empty one is no cell). */
static void finish_cell(struct xlsx_reader *x, long col)
{
	struct pcell *c;
	struct cell_value v;
	memset(&v, 0, sizeof(v));
	v.type = XLSX_NUMBER;
	v.text = x->text.buf ? x->text.buf : "";
	v.len = x->text.len;
	if (v.len == 0 && x->has_f && strcmp(x->cell_t, "str") != 0) {
		/* A formula whose value was never computed and saved (what
		 * openpyxl and other generators write): not an empty cell. */
		v.type = XLSX_FORMULA;
		v.text = x->ftext.buf;
		v.len = x->ftext.len;
	} else if ((v.len == 0 && strcmp(x->cell_t, "inlineStr") != 0 &&
		    strcmp(x->cell_t, "str") != 0) || /* no value: an empty (styled) cell */
		   cell_value(x, &v) < 0 || v.len == 0) {
		return;
	}
	if (col >= XLSX_MAX_COLS) {
		x->too_many = 1;
		return;
	}
	c = &x->pc[col];
	c->type = v.type;
	c->off = x->arena.len;
	c->len = v.len;
	c->date = v.days;
	c->date_ok = v.ok;
	c->cut = x->text_cut;
	sb_add(&x->arena, v.text, v.len);
	sb_addc(&x->arena, '\0');
	if ((size_t)col + 1 > x->ncells)
		x->ncells = (size_t)col + 1;
}

static void XMLCALL sheet_end(void *data, const XML_Char *name)
{
	struct xlsx_reader *x = data;
	const char *n = local(name);
	token_done(x);
	x->depth--;
	if (!strcmp(n, "v") || !strcmp(n, "t")) {
		x->in_v = 0;
	} else if (!strcmp(n, "f")) {
		x->in_f = 0;
	} else if (!strcmp(n, "rPh")) {
		x->in_rph--;
	} else if (!strcmp(n, "c") && x->in_c) {
		x->in_c = 0;
		finish_cell(x, x->col);
	} else if (!strcmp(n, "row") && x->in_row) {
		x->in_row = 0;
		x->row_ready = 1;
		XML_StopParser(x->sp, XML_TRUE); /* one row at a time */
	}
}

/* --- OpenDocument: content.xml ------------------------------------------ */

/* A table style that hides its table: which are, from automatic-styles. */
static int ods_hidden(const struct xlsx_reader *x, const char *style)
{
	size_t i;
	for (i = 0; style && i < x->nhidden; i++)
		if (!strncmp(x->hidden[i], style, sizeof(x->hidden[i]) - 1))
			return 1;
	return 0;
}

/* A repeat count attribute: 1 when absent, at most 2^30 (more is refused). */
static long ods_count(struct xlsx_reader *x, const char **a, const char *lname)
{
	const char *v = attr(a, lname);
	long n = v ? parse_long(v, 1L << 30) : 1;
	if (n < 1) {
		fail(x, "damaged workbook: %s is not a count", lname);
		return 1;
	}
	return n;
}

/* Text of a string cell, kept to the cell limit like a sheet's text. */
static void ods_add(struct xlsx_reader *x, const char *s, size_t n)
{
	if (x->text.len + n > XLSX_MAX_CELL) {
		n = XLSX_MAX_CELL - x->text.len;
		x->text_cut = 1;
	}
	sb_add(&x->text, s, n);
}

static void ods_cell_start(struct xlsx_reader *x, const char **a)
{
	const char *type = attr(a, "value-type"), *v = NULL;
	x->col = x->next_col;
	x->ods_cols = ods_count(x, a, "number-columns-repeated");
	x->next_col = x->col + x->ods_cols > (1L << 30) ? (1L << 30) : x->col + x->ods_cols;
	x->in_c = 1;
	x->ods_string = 0;
	x->ods_paras = 0;
	x->text_cut = 0;
	x->cell_date = 0;
	x->has_f = attr(a, "formula") != NULL;
	sb_reset(&x->text);
	sb_reset(&x->ftext);
	sb_addc(&x->ftext, '=');
	if (x->has_f) { /* "of:=A1+1": shown without the namespace */
		const char *f = attr(a, "formula"), *eq = strchr(f, '=');
		size_t n = strlen(eq ? eq + 1 : f);
		sb_add(&x->ftext, eq ? eq + 1 : f, n < XLSX_MAX_FORMULA_SHOWN ? n :
							XLSX_MAX_FORMULA_SHOWN);
	}
	snprintf(x->cell_t, sizeof(x->cell_t), "%s", "n");
	if (!type)
		return;
	if (!strcmp(type, "float") || !strcmp(type, "percentage") || !strcmp(type, "currency")) {
		v = attr(a, "value");
	} else if (!strcmp(type, "date")) {
		v = attr(a, "date-value");
		snprintf(x->cell_t, sizeof(x->cell_t), "%s", "d");
	} else if (!strcmp(type, "boolean")) {
		v = attr(a, "boolean-value");
		v = v && !strcmp(v, "true") ? "1" : "0";
		snprintf(x->cell_t, sizeof(x->cell_t), "%s", "b");
	} else { /* string, time: the text shown */
		x->ods_string = 1;
		snprintf(x->cell_t, sizeof(x->cell_t), "%s", "str");
	}
	if (v)
		ods_add(x, v, strlen(v));
}

static void ods_body_start(struct xlsx_reader *x, const char *n, const XML_Char **a);
static void ods_text_start(struct xlsx_reader *x, const char *n, const XML_Char **a);

static void XMLCALL ods_start(void *data, const XML_Char *name, const XML_Char **a)
{
	struct xlsx_reader *x = data;
	const char *n = local(name), *v;
	if (enter(x) < 0 || x->ods_skip || x->ods_state == 2)
		return;
	if (!strcmp(n, "style")) {
		x->ods_in_style = (v = attr(a, "family")) && !strcmp(v, "table");
		snprintf(x->style, sizeof(x->style), "%s", (v = attr(a, "name")) ? v : "");
	} else if (!strcmp(n, "table-properties") && x->ods_in_style &&
		   (v = attr(a, "display")) && !strcmp(v, "false") &&
		   x->nhidden < sizeof(x->hidden) / sizeof(x->hidden[0])) {
		snprintf(x->hidden[x->nhidden++], sizeof(x->hidden[0]), "%s", x->style);
	} else if (!strcmp(n, "table") && x->ods_state == 0) {
		if (ods_hidden(x, attr(a, "style-name"))) {
			x->ods_skip = x->depth; /* a hidden sheet: the next one */
			return;
		}
		x->ods_state = 1;
		free(x->sheet_name);
		x->sheet_name = xstrndup((v = attr(a, "name")) ? v : "", 64);
		x->row_no = 0;
	} else if (x->ods_state == 1) {
		ods_body_start(x, n, a);
	}
}

/* An element inside the table read. */
static void ods_body_start(struct xlsx_reader *x, const char *n, const XML_Char **a)
{
	if (!strcmp(n, "table-row")) {
		x->ods_repeat = ods_count(x, a, "number-rows-repeated");
		x->in_row = 1;
		x->ncells = 0;
		x->too_many = 0;
		x->next_col = 0;
		sb_reset(&x->arena);
		memset(x->pc, 0, sizeof(x->pc));
	} else if ((!strcmp(n, "table-cell") || !strcmp(n, "covered-table-cell")) && x->in_row) {
		ods_cell_start(x, a);
	} else if (!strcmp(n, "annotation")) {
		x->ods_note++;
	} else if (!x->ods_note && x->in_c && x->ods_string) {
		ods_text_start(x, n, a);
	}
}

/* Text markup of a string cell: paragraphs, runs of spaces, tabs, breaks. */
static void ods_text_start(struct xlsx_reader *x, const char *n, const XML_Char **a)
{
	const char *v;
	if (!strcmp(n, "p")) {
		if (x->ods_paras++)
			ods_add(x, "\n", 1); /* paragraphs of one cell: its lines */
		x->in_v = 1;
	} else if (!strcmp(n, "s")) { /* text:s text:c="3": three spaces */
		long k = (v = attr(a, "c")) ? parse_long(v, XLSX_MAX_CELL + 1L) : 1;
		for (; k > 0 && !x->text_cut; k--)
			ods_add(x, " ", 1);
	} else if (!strcmp(n, "tab")) {
		ods_add(x, "\t", 1);
	} else if (!strcmp(n, "line-break")) {
		ods_add(x, "\n", 1);
	}
}

static void XMLCALL ods_text(void *data, const XML_Char *s, int len)
{
	struct xlsx_reader *x = data;
	token_done(x);
	if (x->in_v && !x->ods_note && !x->ods_skip && x->ods_state == 1)
		ods_add(x, s, (size_t)len);
}

/* The cell into the row, once for each column it repeats into. */
static void ods_finish_cell(struct xlsx_reader *x)
{
	long c, end = x->next_col;
	size_t len;
	if (x->text.len == 0 && !x->has_f && !x->text_cut)
		return; /* no value, however many columns it repeats into */
	for (c = x->col; c < end; c++) {
		if (c >= XLSX_MAX_COLS) {
			x->too_many = 1;
			return;
		}
		len = x->arena.len;
		finish_cell(x, c);
		if (c > x->col) { /* a copy: text the file does not hold */
			x->sst_given += x->arena.len - len;
			if (x->sst_given > XLSX_MAX_SST_GIVEN) {
				fail(x, "repeated cells and shared strings used for more than %s MB "
					"of text (a bomb?)", "128");
				return;
			}
		}
	}
}

static void XMLCALL ods_end(void *data, const XML_Char *name)
{
	struct xlsx_reader *x = data;
	const char *n = local(name);
	token_done(x);
	if (x->ods_skip) {
		if (x->depth == x->ods_skip)
			x->ods_skip = 0;
		x->depth--;
		return;
	}
	x->depth--;
	if (x->ods_state == 0 && !strcmp(n, "style")) {
		x->ods_in_style = 0;
	} else if (x->ods_state != 1) {
		return;
	} else if (!strcmp(n, "annotation")) {
		x->ods_note--;
	} else if (!strcmp(n, "p")) {
		x->in_v = 0;
	} else if ((!strcmp(n, "table-cell") || !strcmp(n, "covered-table-cell")) && x->in_c) {
		x->in_c = 0;
		ods_finish_cell(x);
	} else if (!strcmp(n, "table-row") && x->in_row) {
		x->in_row = 0;
		x->row_no++;
		if (x->ncells == 0 && !x->too_many) { /* empty rows, however many */
			x->row_no += x->ods_repeat - 1;
			return;
		}
		/* Rows repeated with values: each is a row, up to the rows a
		 * sheet can have; the copies count as text handed out. */
		x->rows_out += (unsigned long long)x->ods_repeat;
		x->sst_given += (unsigned long long)(x->ods_repeat - 1) * x->arena.len;
		if (x->rows_out > XLSX_MAX_ROWS) {
			fail(x, "more than %s rows (repeated rows?)", "1048576");
			return;
		}
		if (x->sst_given > XLSX_MAX_SST_GIVEN) {
			fail(x, "repeated rows used for more than %s MB of text (a bomb?)", "128");
			return;
		}
		x->emit_left = x->ods_repeat - 1;
		x->row_ready = 1;
		XML_StopParser(x->sp, XML_TRUE);
	} else if (!strcmp(n, "table")) {
		x->ods_state = 2; /* the first visible sheet is read */
		XML_StopParser(x->sp, XML_FALSE);
	}
}

/* An OpenDocument spreadsheet: content.xml streamed like a sheet. */
static int load_ods(struct xlsx_reader *x, struct error *err)
{
	unsigned long long size = 0;
	x->ods = 1;
	x->phase = PH_SHEET;
	x->zf = open_part(x, "content.xml", XLSX_MAX_SHEET, 1, &size, err);
	if (!x->zf)
		return -1;
	x->sheet_size = size;
	x->sp = new_parser(x, ods_start, ods_end, ods_text);
	return 0;
}

/* --- the reader ------------------------------------------------------------ */

static int load(struct xlsx_reader *x, struct error *err)
{
	const struct rel *r;
	char *sheet = NULL, *part;
	unsigned long long size = 0;
	if (zip_name_locate(x->za, "xl/workbook.xml", 0) < 0 &&
	    zip_name_locate(x->za, "content.xml", 0) >= 0)
		return load_ods(x, err);
	x->phase = PH_WORKBOOK;
	if (parse_part(x, "xl/workbook.xml", XLSX_MAX_PART, 1, wb_start, on_end_generic, NULL, err) < 0)
		return -1;
	x->phase = PH_RELS;
	if (parse_part(x, "xl/_rels/workbook.xml.rels", XLSX_MAX_PART, 0, rels_start,
		       on_end_generic, NULL, err) < 0)
		return -1;
	x->phase = PH_STYLES;
	r = rel_of_type(x, "/styles", NULL);
	part = r ? part_path(r->target) : xstrdup("xl/styles.xml");
	if (parse_part(x, part, XLSX_MAX_PART, 0, styles_start, styles_end, NULL, err) < 0)
		goto fail;
	free(part);
	x->phase = PH_SST;
	r = rel_of_type(x, "/sharedStrings", NULL);
	part = r ? part_path(r->target) : xstrdup("xl/sharedStrings.xml");
	if (parse_part(x, part, XLSX_MAX_SST_XML, 0, sst_start, sst_end, sst_text, err) < 0)
		goto fail;
	free(part);
	part = NULL;
	x->phase = PH_SHEET;
	sheet = first_worksheet(x);
	if (!sheet)
		sheet = xstrdup("xl/worksheets/sheet1.xml");
	x->zf = open_part(x, sheet, XLSX_MAX_SHEET, 1, &size, err);
	free(sheet);
	if (!x->zf)
		return -1;
	x->sheet_size = size;
	x->sp = new_parser(x, sheet_start, sheet_end, sheet_text);
	return 0;
fail:
	free(part);
	return -1;
}

/* Opens the workbook from one of: memory, an open file (from 'start'), a path. */
static struct xlsx_reader *open_source(const char *name, const char *path, const void *data,
				       size_t size, FILE *fp, long start, struct error *err)
{
	struct xlsx_reader *x = xcalloc(1, sizeof(*x));
	zip_error_t ze;
	zip_source_t *src = NULL;
	x->name = xstrdup(name);
	zip_error_init(&ze);
	if (data) {
		src = zip_source_buffer_create(data, size, 0, &ze);
	} else if (fp) {
		/* libzip closes the stream it is given: its own one, on a
		 * duplicate of the caller's descriptor (the same open file). */
		int fd = dup(fileno(fp));
		FILE *own = fd >= 0 ? fdopen(fd, "rb") : NULL;
		if (!own && fd >= 0)
			close(fd);
		if (own && !(src = zip_source_filep_create(own, (zip_uint64_t)start, -1, &ze)))
			fclose(own);
		if (!own)
			zip_error_set(&ze, ZIP_ER_OPEN, errno);
	} else {
		src = zip_source_file_create(path, 0, -1, &ze);
	}
	if (src) {
		x->za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
		if (!x->za)
			zip_source_free(src);
	}
	if (!x->za) {
		error_set(err, zip_error_code_system(&ze) == ENOENT ? ERR_IO : ERR_INPUT,
			  name, 0, "not a readable .xlsx workbook: %s", zip_error_strerror(&ze));
		zip_error_fini(&ze);
		xlsx_free(x);
		return NULL;
	}
	zip_error_fini(&ze);
	if (load(x, err) < 0) {
		xlsx_free(x);
		return NULL;
	}
	return x;
}

struct xlsx_reader *xlsx_open(const char *name, const char *path, const void *data,
			      size_t size, struct error *err)
{
	return open_source(name, path, data, size, NULL, 0, err);
}

struct xlsx_reader *xlsx_open_stream(const char *name, FILE *fp, long start, struct error *err)
{
	return open_source(name, NULL, NULL, 0, fp, start, err);
}

/* The next chunk of the sheet into the parser: its status, or -1 with err
 * (a damaged zip, a sheet over the limit, a feed that sends too much). */
static int parse_chunk(struct xlsx_reader *x, enum XML_Status *st, struct error *err)
{
	zip_int64_t n = zip_fread(x->zf, x->buf, sizeof(x->buf));
	char *label;
	int fed;
	if (n < 0) {
		error_set(err, ERR_INPUT, x->name, 0, "damaged workbook: %s",
			  zip_file_strerror(x->zf));
		return -1;
	}
	x->sheet_read += (unsigned long long)n;
	if (x->sheet_read > XLSX_MAX_SHEET) {
		error_set(err, ERR_INPUT, x->name, 0,
			  "the sheet is more than %llu MB uncompressed (a zip bomb?)",
			  XLSX_MAX_SHEET >> 20);
		return -1;
	}
	label = xlsx_sheet_label(x);
	fed = feed(x, label, (size_t)n, err);
	free(label);
	if (fed < 0) {
		err->line = x->row_no;
		return -1;
	}
	x->sheet_eof = n == 0;
	*st = XML_Parse(x->sp, x->buf, (int)n, n == 0);
	return 0;
}

/* Parses until a row is ready: 1, 0 at the sheet's end, -1 with err. */
static int parse_to_row(struct xlsx_reader *x, struct error *err)
{
	for (;;) {
		enum XML_Status st;
		if (x->ods && x->ods_state == 2 && !x->suspended)
			return 0;
		if (x->suspended) {
			x->suspended = 0;
			st = XML_ResumeParser(x->sp);
		} else if (x->sheet_eof) {
			return 0;
		} else if (parse_chunk(x, &st, err) < 0) {
			return -1;
		}
		if (st == XML_STATUS_ERROR && x->ods && x->ods_state == 2 && !x->fail.len)
			return 0; /* stopped after the sheet read */
		if (st == XML_STATUS_ERROR) {
			char *label = xlsx_sheet_label(x);
			parse_error(x, x->sp, label, err);
			free(label);
			err->line = x->row_no;
			return -1;
		}
		if (st == XML_STATUS_SUSPENDED)
			x->suspended = 1;
		if (x->row_ready)
			return 1;
	}
}

int xlsx_next_row(struct xlsx_reader *x, struct xlsx_row *row, struct error *err)
{
	size_t i;
	x->row_ready = 0;
	if (x->emit_left > 0) { /* a repeated row again, under its own number */
		x->emit_left--;
		x->row_no++;
	} else {
		int rc = parse_to_row(x, err);
		if (rc <= 0)
			return rc;
	}
	for (i = 0; i < x->ncells; i++) {
		const struct pcell *c = &x->pc[i];
		x->out[i].type = c->len ? c->type : XLSX_EMPTY;
		x->out[i].text = c->len ? x->arena.buf + c->off : "";
		x->out[i].len = c->len;
		x->out[i].date = c->date;
		x->out[i].date_ok = c->date_ok;
		x->out[i].cut = c->cut;
	}
	row->line = x->row_no;
	row->ncells = x->ncells;
	row->cell = x->out;
	row->too_many = x->too_many;
	return 1;
}

char *xlsx_sheet_label(const struct xlsx_reader *x)
{
	char *name, *label;
	if (!x->sheet_name)
		return xstrdup("the sheet");
	name = str_escaped(x->sheet_name);
	label = xasprintf("sheet '%s'", name);
	free(name);
	return label;
}

unsigned long long xlsx_sheet_read(const struct xlsx_reader *x)
{
	return x->sheet_read;
}

unsigned long long xlsx_sheet_size(const struct xlsx_reader *x)
{
	return x->sheet_size;
}

void xlsx_free(struct xlsx_reader *x)
{
	size_t i;
	if (!x)
		return;
	if (x->sp)
		XML_ParserFree(x->sp);
	if (x->zf)
		zip_fclose(x->zf);
	if (x->za)
		zip_discard(x->za);
	for (i = 0; i < x->nsheets; i++) {
		free(x->sheet_ids[i]);
		free(x->sheet_names[i]);
	}
	for (i = 0; i < x->nrels; i++) {
		free(x->rels[i].id);
		free(x->rels[i].type);
		free(x->rels[i].target);
	}
	free(x->xf_date);
	free(x->sst_off);
	free(x->sst_cut);
	sb_release(&x->sst);
	sb_release(&x->text);
	sb_release(&x->ftext);
	sb_release(&x->arena);
	sb_release(&x->fail);
	free(x->sheet_name);
	free(x->name);
	free(x);
}
