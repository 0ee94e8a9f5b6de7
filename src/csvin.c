/*
 * csvin.c - streaming CSV reader: decode.c turns the file into UTF-8, a
 * small quote-aware splitter finds record boundaries (so that each record
 * keeps its raw text and its physical start line), libcsv in strict mode
 * splits the record into fields with the delimiter the header line uses,
 * and the validators apply CONTRACT.md's rules.  A workbook (a zip) is
 * read through xlsx.c instead: its rows become the same fields, with the
 * cell types kept so that a date cell is a date and a number cell a score.
 * Nothing here touches the database.
 */
#include "csvin.h"

#include "clinic.h"
#include "decode.h"
#include "xlsx.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define CHUNK 65536
#define MAX_COLS 64

enum col_role {
	ROLE_PATIENT, ROLE_DATE, ROLE_COURSE, ROLE_THERAPIST, ROLE_NOTES,
	ROLE_MEASURE, ROLE_REFERRER, ROLE_INDICATION, ROLE_BIRTH_YEAR,
	/* the referral letter's optional columns */
	ROLE_ATTENDANCE, ROLE_ADVERSE, ROLE_NAME, ROLE_REF_REASON, ROLE_REF_DATE,
	ROLE_PLANNED, ROLE_CREDENTIALS, ROLE_EMAIL,
	ROLE_IGNORED, /* empty header: its cells must be empty too */
	ROLE_COUNT
};

enum split_state { ST_FIELD, ST_UNQUOTED, ST_QUOTED, ST_QUOTE_END };

struct csvin_reader {
	char *path;
	FILE *fp;
	int own_fp;
	enum csvin_kind kind;
	size_t nmeasures;
	char measure_names[CSVIN_MAX_MEASURES][33];
	int measure_col[CSVIN_MAX_MEASURES]; /* column index or -1 */

	/* header */
	size_t ncols;
	enum col_role role[MAX_COLS];
	int role_measure[MAX_COLS];

	/* dialect */
	char delim;         /* ',', ';' or '\t', from the header line */
	int decimal_comma;  /* ';' and tab files: 7,5 is 7.5 */
	enum csvin_date_format slash_dates;
	size_t used_cols;   /* columns up to the last one with a header */

	/* input buffer */
	struct decoder *dec;
	char buf[CHUNK];
	size_t pos, fill;
	int eof;
	long line; /* current physical line */
	unsigned long long offset, size;

	/* current record */
	struct strbuf raw;
	int truncated;
	struct csv_parser parser;
	struct strbuf fields;   /* field bytes, each NUL-terminated */
	size_t foff[MAX_COLS + 1];
	size_t nfields;
	int too_many;
	struct strbuf reason;
	char *fold[MAX_COLS]; /* NFKC forms of this record's ids and names */
	size_t nfold;

	/* .xlsx: rows from xlsx.c, with each field's cell type */
	struct xlsx_reader *xlsx;
	unsigned char ftype[MAX_COLS];
	long fdate[MAX_COLS];
	unsigned char fdate_ok[MAX_COLS];
	int fcut;             /* a cell's text was cut */
	struct strbuf xdata;  /* the workbook, when read from the caller's stream */
	char xsha[65];
	char colname[32];
};

static int no_space(unsigned char c)
{
	(void)c;
	return 0; /* libcsv must not trim: no cell is silently changed */
}

static void cb_field(void *s, size_t len, void *data)
{
	struct csvin_reader *r = data;
	if (r->nfields >= MAX_COLS) {
		r->too_many = 1;
		return;
	}
	r->foff[r->nfields++] = r->fields.len;
	sb_add(&r->fields, s ? s : "", s ? len : 0);
	sb_addc(&r->fields, '\0');
}

static void cb_record(int c, void *data)
{
	(void)c;
	(void)data;
}

static const char *field(const struct csvin_reader *r, size_t i, size_t *len)
{
	const char *s = r->fields.buf + r->foff[i];
	if (len) {
		size_t end = (i + 1 < r->nfields) ? r->foff[i + 1] : r->fields.len;
		*len = end - r->foff[i] - 1;
	}
	return s;
}

/* Fills the buffer; 0 ok (maybe eof), -1 read error. */
static int refill(struct csvin_reader *r, struct error *err)
{
	ssize_t n;
	if (r->eof)
		return 0;
	n = decoder_read(r->dec, r->buf, CHUNK, err);
	if (n < 0) {
		/* Everything before the bad bytes was split: we are on their line. */
		if (err->kind != ERR_IO)
			err->line = r->line;
		return -1;
	}
	if (n == 0)
		r->eof = 1;
	r->pos = 0;
	r->fill = (size_t)n;
	return 0;
}

/*
 * The delimiter is the one of ',' ';' tab the header line uses most
 * (outside quotes); a header of one column is comma-separated.
 */
static char detect_delim(const char *s, size_t n)
{
	size_t i, comma = 0, semi = 0, tab = 0;
	int inq = 0;
	for (i = 0; i < n && (inq || s[i] != '\n'); i++) {
		if (s[i] == '"')
			inq = !inq;
		else if (!inq)
			comma += s[i] == ',', semi += s[i] == ';', tab += s[i] == '\t';
	}
	if (semi > comma && semi >= tab)
		return ';';
	if (tab > comma && tab > semi)
		return '\t';
	return ',';
}

/* The quoting state after byte c (a newline inside quotes counts a line). */
static enum split_state split_step(struct csvin_reader *r, enum split_state st, char c)
{
	switch (st) {
	case ST_QUOTED:
		if (c == '"')
			return ST_QUOTE_END;
		if (c == '\n')
			r->line++;
		return ST_QUOTED;
	case ST_UNQUOTED:
		return c == r->delim ? ST_FIELD : ST_UNQUOTED;
	case ST_FIELD:
	case ST_QUOTE_END:
		if (c == '"')
			return ST_QUOTED;
		if (c == r->delim)
			return ST_FIELD;
		return c != '\n' ? ST_UNQUOTED : st;
	}
	return st;
}

/* Appends buf[begin, end) to the record, at most CSVIN_MAX_RECORD bytes of
 * it (the rest is cut: r->truncated), and moves the read position to 'to'. */
static void take(struct csvin_reader *r, size_t begin, size_t end, size_t to)
{
	size_t n = end - begin;
	if (r->raw.len + n > CSVIN_MAX_RECORD) {
		n = r->raw.len < CSVIN_MAX_RECORD ? CSVIN_MAX_RECORD - r->raw.len : 0;
		r->truncated = 1;
	}
	sb_add(&r->raw, r->buf + begin, n);
	r->offset += to - r->pos;
	r->pos = to;
}

/* Whether s[0..n) has a CR outside quotes (a line ended by a CR alone). */
static int bare_cr(const char *s, size_t n)
{
	size_t i;
	int inq = 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			inq = !inq;
		else if (s[i] == '\r' && !inq)
			return 1;
	}
	return 0;
}

/* The record's end: a CR before its LF is the line end's, not the record's. */
static int record_done(struct csvin_reader *r)
{
	if (r->raw.len && r->raw.buf[r->raw.len - 1] == '\r' && !r->truncated) {
		r->raw.len--;
		r->raw.buf[r->raw.len] = '\0';
	}
	if (!r->raw.buf)
		sb_add(&r->raw, "", 0);
	return 1;
}

/*
 * Reads the next raw record into r->raw.  Returns 1 with a record, 0 at end
 * of file, -1 on a read error; *unclosed is set when the file ended inside
 * quotes.
 */
static int split_record(struct csvin_reader *r, long *start_line, int *unclosed,
			struct error *err)
{
	enum split_state st = ST_FIELD;
	int any = 0;
	sb_reset(&r->raw);
	r->truncated = 0;
	*unclosed = 0;
	*start_line = r->line;
	for (;;) {
		size_t i, begin;
		if (r->pos >= r->fill) {
			if (refill(r, err) < 0)
				return -1;
			if (r->fill == 0 || r->pos >= r->fill) {
				*unclosed = st == ST_QUOTED;
				return any ? record_done(r) : 0;
			}
		}
		begin = r->pos;
		for (i = r->pos; i < r->fill; i++) {
			any = 1;
			st = split_step(r, st, r->buf[i]);
			if (r->buf[i] == '\n' && st != ST_QUOTED) {
				take(r, begin, i, i + 1);
				r->line++;
				return record_done(r);
			}
		}
		take(r, begin, i, i);
	}
}

/* Splits r->raw into fields with libcsv; 0 ok, -1 malformed quoting. */
static int parse_fields(struct csvin_reader *r)
{
	int bad = 0;
	sb_reset(&r->fields);
	r->nfields = 0;
	r->too_many = 0;
	if (csv_parse(&r->parser, r->raw.buf, r->raw.len, cb_field, cb_record, r) != r->raw.len)
		bad = 1;
	if (csv_fini(&r->parser, cb_field, cb_record, r) != 0)
		bad = 1;
	return bad ? -1 : 0;
}

static int role_for(const char *name, enum csvin_kind kind, int *measure,
		    const struct csvin_reader *r)
{
	enum { S = 1 << CSVIN_SESSIONS, P = 1 << CSVIN_PATIENTS, T = 1 << CSVIN_THERAPISTS };
	/* kinds: the files (a bit mask of csvin_kind) in which the column exists */
	static const struct { const char *name; enum col_role role; int kinds; } names[] = {
		{ "patient_id", ROLE_PATIENT, S | P },
		{ "session_date", ROLE_DATE, S },
		{ "course_id", ROLE_COURSE, S },
		{ "therapist", ROLE_THERAPIST, S | T },
		{ "notes", ROLE_NOTES, S },
		{ "attendance", ROLE_ATTENDANCE, S },
		{ "adverse_event", ROLE_ADVERSE, S },
		{ "referrer", ROLE_REFERRER, P },
		{ "indication", ROLE_INDICATION, P },
		{ "birth_year", ROLE_BIRTH_YEAR, P },
		{ "name", ROLE_NAME, P },
		{ "referral_reason", ROLE_REF_REASON, P },
		{ "referral_date", ROLE_REF_DATE, P },
		{ "planned_sessions", ROLE_PLANNED, P },
		{ "credentials", ROLE_CREDENTIALS, T },
		{ "email", ROLE_EMAIL, T },
	};
	size_t i;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcasecmp(name, names[i].name) && (names[i].kinds & (1 << kind)))
			return (int)names[i].role;
	if (kind == CSVIN_SESSIONS)
		for (i = 0; i < r->nmeasures; i++)
			if (!strcasecmp(name, r->measure_names[i])) {
				*measure = (int)i;
				return ROLE_MEASURE;
			}
	return -1;
}

/* Makes a cell printable in a message: control bytes shown as '?', cut at 24. */
static void quote_value(struct strbuf *sb, const char *s, size_t n)
{
	size_t i, lim = n > 24 ? 24 : n;
	sb_addc(sb, '\'');
	for (i = 0; i < lim; i++) {
		unsigned char c = (unsigned char)s[i];
		sb_addc(sb, (c < 0x20 || c == 0x7f) ? '?' : (char)c);
	}
	if (n > lim)
		sb_adds(sb, "...");
	sb_addc(sb, '\'');
}

/*
 * What to say after "unknown column 'X'": the real problem when the header
 * shows one (a file whose lines end in CR alone, separators symtrend did
 * not split on, spaces around a name), --measure only for a name that
 * could be a measure.
 */
static const char *unknown_column_advice(const struct csvin_reader *r, const char *name,
					 size_t len)
{
	char lower[33];
	size_t i;
	if (memchr(r->raw.buf, '\r', r->raw.len))
		return " (the file's lines end in a CR alone: save it with LF or CRLF line endings)";
	if (r->delim == ',' && !memchr(r->raw.buf, ',', r->raw.len) &&
	    (memchr(r->raw.buf, ';', r->raw.len) || memchr(r->raw.buf, '\t', r->raw.len)))
		return " (the header is not comma-separated: save the file as CSV with commas)";
	if (name[0] == ' ' || name[len - 1] == ' ')
		return " (a column name with spaces around it)";
	if (r->kind != CSVIN_SESSIONS)
		return r->kind == CSVIN_PATIENTS ? " in a patients file" : " in a therapists file";
	for (i = 0; i < len && i < sizeof(lower) - 1; i++)
		lower[i] = (name[i] >= 'A' && name[i] <= 'Z') ? (char)(name[i] - 'A' + 'a') : name[i];
	lower[i] = '\0';
	if (len < sizeof(lower) && csvin_valid_measure_name(lower) == 0)
		return " (declare an extra measure with --measure NAME)";
	return " (not a column of a sessions file, nor a possible measure name)";
}

/*
 * The next row of the workbook with a value as fields (padded with empty
 * ones to the header's width), and as a CSV line in r->raw for the rejects
 * file.  Returns 1, 0 at the end of the sheet, -1 with 'err'.
 */
static int xlsx_fields(struct csvin_reader *r, long *line, struct error *err)
{
	struct xlsx_row row;
	size_t i, n;
	int rc;
	do {
		rc = xlsx_next_row(r->xlsx, &row, err);
		if (rc <= 0)
			return rc;
	} while (row.ncells == 0 && !row.too_many); /* an empty row is not a row */
	*line = row.line;
	sb_reset(&r->fields);
	sb_reset(&r->raw);
	r->too_many = row.too_many;
	r->fcut = 0;
	n = row.ncells > r->ncols ? row.ncells : r->ncols;
	for (i = 0; i < n; i++) {
		const struct xlsx_cell *c = i < row.ncells ? &row.cell[i] : NULL;
		r->foff[i] = r->fields.len;
		r->ftype[i] = (unsigned char)(c ? c->type : XLSX_EMPTY);
		r->fdate[i] = c ? c->date : 0;
		r->fdate_ok[i] = (unsigned char)(c && c->date_ok);
		r->fcut |= c && c->cut;
		if (c)
			sb_add(&r->fields, c->text, c->len);
		sb_addc(&r->fields, '\0');
		if (i)
			sb_addc(&r->raw, ',');
		if (c)
			sb_csv_field(&r->raw, c->text, c->len);
	}
	r->nfields = n;
	if (!r->raw.buf)
		sb_add(&r->raw, "", 0);
	return 1;
}

/* The header row's fields (a workbook's first row, or the CSV's first line,
 * whose delimiter it tells); 0, or -1 with err. */
static int header_fields(struct csvin_reader *r, long *line, struct error *err)
{
	int unclosed, rc;
	if (r->xlsx) {
		rc = xlsx_fields(r, line, err);
		if (rc == 0)
			error_set(err, ERR_INPUT, r->path, 1,
				  "the first visible sheet is empty, a header row is required");
		return rc > 0 ? 0 : -1;
	}
	if (refill(r, err) < 0)
		return -1;
	r->delim = detect_delim(r->buf + r->pos, r->fill - r->pos);
	r->decimal_comma = r->delim != ',';
	csv_set_delim(&r->parser, (unsigned char)r->delim);
	rc = split_record(r, line, &unclosed, err);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		error_set(err, ERR_INPUT, r->path, 1, "empty file, a header row is required");
		return -1;
	}
	if (memchr(r->raw.buf, '\0', r->raw.len)) {
		error_set(err, ERR_INPUT, r->path, *line,
			  "header is not valid CSV: it has zero bytes (UTF-16 or UTF-32 without a "
			  "byte-order mark? save the file as UTF-8, or name its encoding with "
			  "--encoding UTF-16LE)");
		return -1;
	}
	if (unclosed || parse_fields(r) < 0) {
		error_set(err, ERR_INPUT, r->path, *line, "header is not valid CSV");
		return -1;
	}
	return 0;
}

/* Header column i's role (seen[] marks the roles met so far); 0 or -1. */
static int map_column(struct csvin_reader *r, size_t i, long line, int *seen,
		      struct error *err)
{
	size_t len;
	const char *name = field(r, i, &len);
	char trimmed[160];
	int m = -1, role;
	/* Spaces around a name are a spreadsheet's, not part of the name. */
	while (len && (*name == ' ' || *name == '\t'))
		name++, len--;
	while (len && (name[len - 1] == ' ' || name[len - 1] == '\t'))
		len--;
	r->role[i] = ROLE_IGNORED;
	r->role_measure[i] = -1;
	if (len == 0)
		return 0;
	r->used_cols = i + 1;
	snprintf(trimmed, sizeof(trimmed), "%.*s", (int)len, name);
	len = strlen(trimmed);
	role = role_for(trimmed, r->kind, &m, r);
	if (role < 0) {
		struct strbuf sb = STRBUF_INIT;
		quote_value(&sb, trimmed, len);
		error_set(err, ERR_INPUT, r->path, line, "unknown column %s%s", sb.buf,
			  unknown_column_advice(r, trimmed, len));
		sb_release(&sb);
		return -1;
	}
	r->role[i] = (enum col_role)role;
	r->role_measure[i] = m;
	if (role == ROLE_MEASURE ? r->measure_col[m] >= 0 : seen[role]) {
		error_set(err, ERR_INPUT, r->path, line, "duplicate column '%s'",
			  role == ROLE_MEASURE ? r->measure_names[m] : trimmed);
		return -1;
	}
	if (role == ROLE_MEASURE)
		r->measure_col[m] = (int)i;
	else
		seen[role] = 1;
	return 0;
}

/* Every column the file's kind requires is there; 0 or -1. */
static int required_columns(struct csvin_reader *r, long line, const int *seen,
			    struct error *err)
{
	enum { S = 1 << CSVIN_SESSIONS, P = 1 << CSVIN_PATIENTS, T = 1 << CSVIN_THERAPISTS };
	static const struct { int kinds; enum col_role role; const char *name; } required[] = {
		{ T, ROLE_THERAPIST, "therapist" },
		{ S | P, ROLE_PATIENT, "patient_id" },
		{ S, ROLE_DATE, "session_date" },
	};
	const char *missing = NULL;
	size_t i;
	for (i = 0; !missing && i < sizeof(required) / sizeof(required[0]); i++)
		if ((required[i].kinds & (1 << r->kind)) && !seen[required[i].role])
			missing = required[i].name;
	/* The four contract measures are required columns of a sessions file. */
	for (i = 0; !missing && r->kind == CSVIN_SESSIONS && i < CLINIC_MEASURES &&
		    i < r->nmeasures; i++)
		if (r->measure_col[i] < 0)
			missing = r->measure_names[i];
	if (missing) {
		error_set(err, ERR_INPUT, r->path, line, "missing required column '%s'", missing);
		return -1;
	}
	if (r->kind == CSVIN_PATIENTS && !seen[ROLE_INDICATION] && !seen[ROLE_REFERRER]) {
		error_set(err, ERR_INPUT, r->path, line,
			  "a patients file needs a 'referrer' or 'indication' column");
		return -1;
	}
	return 0;
}

static int read_header(struct csvin_reader *r, struct error *err)
{
	long line = 1;
	size_t i;
	int seen[ROLE_COUNT] = { 0 };
	if (header_fields(r, &line, err) < 0)
		return -1;
	if (r->too_many) {
		error_set(err, ERR_INPUT, r->path, line, "header has more than %d columns", MAX_COLS);
		return -1;
	}
	r->ncols = r->nfields;
	for (i = 0; i < r->nmeasures; i++)
		r->measure_col[i] = -1;
	for (i = 0; i < r->ncols; i++)
		if (map_column(r, i, line, seen, err) < 0)
			return -1;
	return required_columns(r, line, seen, err);
}

/* What the file's first bytes say, the stream put back where it was. */
enum magic { MAGIC_TEXT, MAGIC_ZIP, MAGIC_OLE };

static enum magic file_magic(FILE *fp)
{
	static const unsigned char ole[8] = { 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1 };
	unsigned char m[8];
	size_t n;
	long at = ftell(fp);
	if (at < 0 || fseek(fp, at, SEEK_SET) != 0)
		return MAGIC_TEXT; /* not seekable: read as text */
	n = fread(m, 1, sizeof(m), fp);
	if (fseek(fp, at, SEEK_SET) != 0)
		return MAGIC_TEXT;
	clearerr(fp);
	if (n >= 4 && !memcmp(m, "PK\3\4", 4))
		return MAGIC_ZIP; /* a zip: an .xlsx */
	if (n == 8 && !memcmp(m, ole, 8))
		return MAGIC_OLE; /* an old .xls, or an .xlsx with a password */
	return MAGIC_TEXT;
}

/*
 * Hashes the workbook's bytes (the hash is of the file, as for CSV) and
 * opens it: by path when we opened the file, else from memory.
 */
static int open_xlsx(struct csvin_reader *r, int by_path, struct error *err)
{
	struct sha256 sha;
	char buf[CHUNK];
	size_t n;
	long start = ftell(r->fp);
	/* The caller's regular file is read where it is; only a pipe's
	 * workbook is kept in memory. */
	int in_memory = !by_path && (!r->size || start < 0);
	unsigned long long total = 0;
	sha256_init(&sha);
	while ((n = fread(buf, 1, sizeof(buf), r->fp)) > 0) {
		sha256_update(&sha, buf, n);
		/* libzip keeps every entry of the zip's directory in memory
		 * (about 300 bytes each): the file's size bounds their number. */
		total += n;
		if (total > XLSX_MAX_FILE) {
			error_set(err, ERR_INPUT, r->path, 0,
				  "workbook larger than %u MB (save the sheet as CSV)",
				  XLSX_MAX_FILE >> 20);
			return -1;
		}
		if (in_memory)
			sb_add(&r->xdata, buf, n);
	}
	if (ferror(r->fp)) {
		error_set(err, ERR_IO, r->path, 0, "read error: %s", strerror(errno));
		return -1;
	}
	sha256_hex(&sha, r->xsha);
	if (by_path || in_memory)
		r->xlsx = xlsx_open(r->path, by_path ? r->path : NULL, r->xdata.buf,
				    r->xdata.len, err);
	else
		r->xlsx = xlsx_open_stream(r->path, r->fp, start, err);
	return r->xlsx ? 0 : -1;
}

struct csvin_reader *csvin_open(const char *path, FILE *fp, enum csvin_kind kind,
				const char *const *measures, size_t nmeasures,
				struct error *err)
{
	return csvin_open_opts(path, fp, kind, measures, nmeasures, NULL, err);
}

/* The file (or the caller's stream): not a folder, its size when regular. */
static int open_input(struct csvin_reader *r, FILE *fp, struct error *err)
{
	struct stat st;
	if (fp) {
		r->fp = fp;
	} else {
		r->fp = fopen(r->path, "rb");
		if (!r->fp) {
			error_set(err, ERR_INPUT, NULL, 0, "cannot open '%s': %s", r->path,
				  strerror(errno));
			return -1;
		}
		r->own_fp = 1;
	}
	if (fstat(fileno(r->fp), &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			error_set(err, ERR_INPUT, NULL, 0, "cannot read '%s': Is a directory",
				  r->path);
			return -1;
		}
		if (S_ISREG(st.st_mode))
			r->size = (unsigned long long)st.st_size;
	}
	return 0;
}

/* The reader for what the file is: a workbook, or text decoded and split
 * by libcsv; 0, or -1 (an old .xls is refused with what to do). */
static int open_content(struct csvin_reader *r, int by_path, const char *encoding,
			struct error *err)
{
	switch (file_magic(r->fp)) {
	case MAGIC_OLE:
		error_set(err, ERR_INPUT, r->path, 0,
			  "an old .xls workbook or one with a password: save it as an Excel "
			  "workbook (.xlsx) without a password, or as CSV");
		return -1;
	case MAGIC_ZIP:
		return open_xlsx(r, by_path, err);
	case MAGIC_TEXT:
		break;
	}
	r->dec = decoder_new(r->fp, r->path, encoding, err);
	if (!r->dec)
		return -1;
	if (csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI) != 0)
		BUG("csv_init failed");
	csv_set_space_func(&r->parser, no_space);
	return 0;
}

struct csvin_reader *csvin_open_opts(const char *path, FILE *fp, enum csvin_kind kind,
				     const char *const *measures, size_t nmeasures,
				     const struct csvin_opts *opts, struct error *err)
{
	static const struct csvin_opts defaults = { NULL, CSVIN_DATE_NO_SLASH };
	struct csvin_reader *r;
	size_t i;
	if (nmeasures > CSVIN_MAX_MEASURES)
		BUG("too many measures");
	if (!opts)
		opts = &defaults;
	r = xcalloc(1, sizeof(*r));
	r->path = xstrdup(path);
	r->kind = kind;
	r->nmeasures = nmeasures;
	for (i = 0; i < nmeasures; i++)
		snprintf(r->measure_names[i], sizeof(r->measure_names[i]), "%s", measures[i]);
	r->slash_dates = opts->slash_dates;
	r->line = 1;
	if (open_input(r, fp, err) < 0 || open_content(r, fp == NULL, opts->encoding, err) < 0 ||
	    read_header(r, err) < 0) {
		if (r->xlsx && err->line > 0 && err->reason) {
			/* The workbook's header is wrong: which sheet was read? */
			char *why = xstrdup(err->reason), *label = xlsx_sheet_label(r->xlsx);
			error_set(err, err->kind, r->path, err->line, "%s (in %s, the first visible one)",
				  why, label);
			free(why);
			free(label);
		}
		csvin_free(r);
		return NULL;
	}
	return r;
}

int csvin_sniff(const char *path, FILE *fp, struct error *err)
{
	static const char *const m[] = CLINIC_MEASURE_NAMES;
	struct csvin_reader *r;
	struct error why = ERROR_INIT;
	enum csvin_kind k = CSVIN_PATIENTS;
	int known;
	r = csvin_open(path, fp, k, m, CLINIC_MEASURES, &why);
	if (!r && why.line != 0) { /* a header, not a patients one */
		error_release(&why);
		if (fp && fseek(fp, 0, SEEK_SET) != 0)
			goto unread;
		k = CSVIN_THERAPISTS;
		r = csvin_open(path, fp, k, m, CLINIC_MEASURES, &why);
	}
	known = r != NULL;
	csvin_free(r);
	if (fp && fseek(fp, 0, SEEK_SET) != 0)
		goto unread;
	if (known) {
		error_release(&why);
		return (int)k;
	}
	/* A header that is neither a patients nor a therapists header is a
	 * sessions file's (or a bad one, which its ingest names); a file that
	 * cannot be read is neither. */
	if (why.line == 0) {
		error_set(err, why.kind, why.file, 0, "%s", why.reason);
		error_release(&why);
		return -1;
	}
	error_release(&why);
	return 0;
unread:
	error_set(err, ERR_IO, path, 0, "cannot read '%s' again: %s", path, strerror(errno));
	error_release(&why);
	return -1;
}

static void add_reason(struct csvin_reader *r, const char *fmt, const char *col,
		       const char *v, size_t vn)
{
	if (r->reason.len)
		sb_adds(&r->reason, "; ");
	sb_addf(&r->reason, fmt, col);
	if (v) {
		sb_addc(&r->reason, ' ');
		quote_value(&r->reason, v, vn);
	}
}

/*
 * Unseen characters (text_check): 1 and a reason naming the code point
 * when 's' has one of 'flags'.  A look-alike id would be another patient;
 * a bidi override reverses what a letter shows after it.
 */
static int unseen(struct csvin_reader *r, const char *name, const char *s, size_t n, int flags)
{
	long cp;
	int k = text_check(s, n, flags, &cp);
	if (!k)
		return 0;
	if (r->reason.len)
		sb_adds(&r->reason, "; ");
	sb_addf(&r->reason, "%s has %s (U+%04lX)", name,
		k == TEXT_BIDI ? "a bidirectional control character"
		: k == TEXT_SPACES ? "a space other than a plain space"
		: "an invisible character", cp);
	return 1;
}

/*
 * The NFKC form of a valid cell, kept until the next record, so that 'Ｐ001'
 * and 'P001' are one patient.  NULL (reason added) when Unicode does not
 * assign one of its characters.
 */
static const char *folded(struct csvin_reader *r, const char *name, const char *s, size_t n)
{
	char *f;
	size_t i;
	for (i = 0; i < n && (unsigned char)s[i] < 0x80; i++)
		;
	if (i == n)
		return s; /* ASCII is its own NFKC form: no copy per cell */
	if (r->nfold >= MAX_COLS)
		BUG("more folded cells than columns");
	f = text_nfkc(s, n);
	if (!f) {
		add_reason(r, "%s has a character that Unicode does not assign", name, NULL, 0);
		return NULL;
	}
	if (!strcmp(f, s)) {
		free(f);
		return s;
	}
	r->fold[r->nfold++] = f;
	return f;
}

/* Checks an identifier cell; returns NULL when it is empty. */
static const char *check_id(struct csvin_reader *r, size_t col, const char *name,
			    int required)
{
	size_t n;
	const char *s = field(r, col, &n);
	if (n == 0) {
		if (required)
			add_reason(r, "%s is empty", name, NULL, 0);
		return NULL;
	}
	if (!text_is_clean(s, n, 0)) {
		add_reason(r, "%s has control characters or invalid UTF-8", name, NULL, 0);
		return s;
	}
	if (unseen(r, name, s, n, TEXT_BIDI | TEXT_INVISIBLE | TEXT_SPACES))
		return s;
	if (!(s = folded(r, name, s, n)))
		return NULL;
	n = strlen(s);
	if (utf8_len(s, n) > CSVIN_MAX_ID)
		add_reason(r, "%s is longer than 64 characters", name, NULL, 0);
	else if (s[0] == ' ' || s[n - 1] == ' ')
		add_reason(r, "%s has leading or trailing spaces:", name, s, n);
	return s;
}

/*
 * Checks a free-text cell; NULL when it is empty.  Text with newlines
 * (notes, adverse events) is measured in bytes, one-line text in characters.
 * One-line names (therapist, referrer, indication...) are folded like ids
 * and may hold no invisible characters; text with newlines is kept as
 * written, only bidi controls are refused in it.
 */
static const char *check_text(struct csvin_reader *r, size_t col, const char *name,
			      size_t maxlen, int newlines)
{
	size_t n;
	const char *s = field(r, col, &n);
	char what[64];
	int plural = !strcmp(name, "notes");
	if (n == 0)
		return NULL;
	if (!text_is_clean(s, n, newlines)) {
		add_reason(r, newlines ? (plural ? "%s are not valid UTF-8" : "%s is not valid UTF-8")
				       : "%s has control characters or invalid UTF-8",
			   name, NULL, 0);
		return s;
	}
	if (unseen(r, name, s, n, newlines ? TEXT_BIDI
				  : TEXT_BIDI | TEXT_INVISIBLE | TEXT_JOINERS_OK))
		return s;
	if (!newlines && !(s = folded(r, name, s, n)))
		return NULL;
	n = strlen(s);
	if ((newlines ? n : utf8_len(s, n)) > maxlen) {
		snprintf(what, sizeof(what), "%%s %s longer than %zu %s", plural ? "are" : "is",
			 maxlen, newlines ? "bytes" : "characters");
		add_reason(r, what, name, NULL, 0);
	}
	return s;
}

/*
 * A record has the header's fields, except that columns without a header
 * may be left out at the end or added there empty (spreadsheets do both).
 */
static int fields_fit(const struct csvin_reader *r)
{
	size_t i;
	if (r->nfields < r->ncols)
		return r->nfields >= r->used_cols;
	for (i = r->ncols; i < r->nfields; i++)
		if (r->foff[i] + 1 != (i + 1 < r->nfields ? r->foff[i + 1] : r->fields.len))
			return 0;
	return 1;
}

/* Trailing columns without a header that a record left out: empty fields. */
static void pad_fields(struct csvin_reader *r)
{
	while (r->nfields < r->ncols) {
		r->foff[r->nfields++] = r->fields.len;
		sb_addc(&r->fields, '\0');
	}
}

/* A value under an empty header is data nobody named: the row is refused. */
static void check_ignored(struct csvin_reader *r, size_t col)
{
	size_t n;
	const char *v = field(r, col, &n);
	char what[48];
	if (n == 0)
		return;
	snprintf(what, sizeof(what), "column %zu", col + 1);
	add_reason(r, "%s has a value but no header:", what, v, n);
}

/* A score cell; in ';' and tab files the decimal separator may be a comma. */
static int parse_score(const struct csvin_reader *r, const char *v, size_t n, double *out)
{
	char tmp[33];
	const char *comma;
	if (!r->decimal_comma || n >= sizeof(tmp) || !(comma = memchr(v, ',', n)))
		return score_parse(v, n, out);
	memcpy(tmp, v, n);
	tmp[comma - v] = '.';
	return score_parse(tmp, n, out);
}

/*
 * Three runs of 1-4 digits with one separator ('.', '/' or '-') between
 * them and nothing else: 0 with the numbers, their lengths and the
 * separator, or -1.
 */
static int date_parts(const char *s, size_t n, char *sep, long v[3], size_t len[3])
{
	size_t i = 0, k;
	for (k = 0; k < 3; k++) {
		size_t start = i;
		v[k] = 0;
		while (i < n && s[i] >= '0' && s[i] <= '9' && i - start < 4)
			v[k] = v[k] * 10 + (s[i++] - '0');
		len[k] = i - start;
		if (len[k] == 0)
			return -1;
		if (k == 2)
			break;
		if (i >= n || !strchr("./-", s[i]) || (k == 1 && s[i] != *sep))
			return -1;
		*sep = s[i++];
	}
	return i == n ? 0 : -1;
}

/* A date written day-month-year and so on: which order its parts are in. */
enum date_shape { SHAPE_NONE, SHAPE_YMD_SLASH, SHAPE_DMY_DOT, SHAPE_SLASH_YEAR_LAST,
		  SHAPE_TWO_DIGIT_YEAR };

static enum date_shape date_shape(const char *s, size_t n, long v[3])
{
	size_t len[3];
	char sep = 0;
	if (date_parts(s, n, &sep, v, len) < 0 || sep == '-')
		return SHAPE_NONE;
	if (len[0] == 4 && sep == '/' && len[1] <= 2 && len[2] <= 2)
		return SHAPE_YMD_SLASH; /* 2025/02/03: Gnumeric's, unambiguous */
	if (len[0] > 2 || len[1] > 2)
		return SHAPE_NONE;
	if (len[2] == 2)
		return SHAPE_TWO_DIGIT_YEAR; /* 03.02.25, 1/20/26 */
	if (len[2] != 4)
		return SHAPE_NONE;
	return sep == '.' ? SHAPE_DMY_DOT : SHAPE_SLASH_YEAR_LAST;
}

static const char *date_reason(const struct csvin_reader *r, const char *v, size_t n)
{
	long parts[3];
	enum date_shape shape = date_shape(v, n, parts);
	if (shape == SHAPE_TWO_DIGIT_YEAR)
		return "%s has a two-digit year: write the year with four digits (in the "
		       "spreadsheet, a date format with YYYY):";
	if (shape == SHAPE_YMD_SLASH)
		return "%s is not a real date (YYYY/MM/DD):";
	if (r->slash_dates == CSVIN_DATE_NO_SLASH && shape == SHAPE_SLASH_YEAR_LAST)
		return "%s has slashes: say which order with --date-format DD/MM/YYYY "
		       "or MM/DD/YYYY (ingest and nightly) or the date_format setting:";
	if (r->slash_dates == CSVIN_DATE_NO_SLASH && memchr(v, '/', n))
		return "%s is not a date YYYY-MM-DD, YYYY/MM/DD or DD.MM.YYYY:";
	if (memchr(v, '.', n))
		return "%s is not a real date DD.MM.YYYY:";
	return r->slash_dates == CSVIN_DATE_DMY ? "%s is not a real date (DD/MM/YYYY):"
	       : r->slash_dates == CSVIN_DATE_MDY ? "%s is not a real date (MM/DD/YYYY):"
	       : "%s is not a real date YYYY-MM-DD:";
}

/* attendance: attended (also when empty), cancelled or no-show, any case. */
static enum csvin_attendance check_attendance(struct csvin_reader *r, size_t col)
{
	static const char *const words[] = { "attended", "cancelled", "no-show" };
	size_t n, i;
	const char *v = field(r, col, &n);
	if (n == 0)
		return CSVIN_ATTENDED;
	for (i = 0; i < 3; i++)
		if (!strcasecmp(v, words[i]))
			return (enum csvin_attendance)i;
	add_reason(r, "%s is not attended, cancelled or no-show:", "attendance", v, n);
	return CSVIN_ATTENDED;
}

/*
 * A date cell of any date column: 1 with *d, 0 when empty, -1 when bad (a
 * reason added).  A workbook's date cell is read by its type (its text
 * when it is no real date is the serial number), a number cell is no date.
 */
static int cell_date(struct csvin_reader *r, size_t col, const char *name, long *d)
{
	size_t n;
	const char *v = field(r, col, &n);
	enum xlsx_type t = r->xlsx ? (enum xlsx_type)r->ftype[col] : XLSX_STRING;
	if (n == 0)
		return 0;
	if (t == XLSX_DATE && r->fdate_ok[col]) {
		*d = r->fdate[col];
		return 1;
	}
	if (t == XLSX_DATE)
		add_reason(r, "%s is not a real date:", name, v, n);
	else if (t == XLSX_NUMBER)
		add_reason(r, "%s is a number, not a date (format the cell as a date):", name, v,
			   n);
	else if (csvin_parse_date(v, n, r->slash_dates, d) == 0)
		return 1;
	else
		add_reason(r, date_reason(r, v, n), name, v, n);
	return -1;
}

/* An optional date cell; CSVIN_NO_DATE when empty or bad (bad adds a reason). */
static long check_date(struct csvin_reader *r, size_t col, const char *name)
{
	long d;
	return cell_date(r, col, name, &d) > 0 ? d : CSVIN_NO_DATE;
}

/* An optional whole number lo..hi written as digits; 0 when empty or bad. */
static int check_whole(struct csvin_reader *r, size_t col, const char *name, int lo, int hi)
{
	size_t n, k;
	const char *v = field(r, col, &n);
	long x = 0;
	char what[64];
	if (n == 0)
		return 0;
	for (k = 0; k < n && x <= hi; k++)
		x = (v[k] >= '0' && v[k] <= '9') ? x * 10 + (v[k] - '0') : (long)hi + 1;
	if (x >= lo && x <= hi)
		return (int)x;
	snprintf(what, sizeof(what), "%%s is not a whole number %d-%d:", lo, hi);
	add_reason(r, what, name, v, n);
	return 0;
}

/* An optional email address: one line, one '@' with text on both sides and a
 * dot in the domain, no spaces.  Only its shape is checked. */
static const char *check_email(struct csvin_reader *r, size_t col)
{
	size_t n, before, had = r->reason.len;
	const char *v, *at, *s = check_text(r, col, "email", CSVIN_MAX_EMAIL, 0);
	if (!s || r->reason.len != had)
		return s;
	v = field(r, col, &n);
	at = memchr(v, '@', n);
	before = at ? (size_t)(at - v) : 0;
	if (!at || before == 0 || memchr(at + 1, '@', n - before - 1) || memchr(v, ' ', n) ||
	    !memchr(at + 1, '.', n - before - 1) || v[n - 1] == '.' || at[1] == '.')
		add_reason(r, "%s is not an email address:", "email", v, n);
	return s;
}

/* A cancelled or no-show row is not a session: a score on it is an error. */
static void reject_scores(struct csvin_reader *r, const struct csvin_session *s)
{
	size_t m;
	for (m = 0; m < r->nmeasures; m++) {
		size_t n;
		const char *v;
		if (r->measure_col[m] < 0)
			continue;
		v = field(r, (size_t)r->measure_col[m], &n);
		if (n == 0)
			continue;
		if (r->reason.len)
			sb_adds(&r->reason, "; ");
		sb_addf(&r->reason, "a %s session carries no scores, %s is ",
			csvin_attendance_name(s->attendance), r->measure_names[m]);
		quote_value(&r->reason, v, n);
		return;
	}
}

/* 1 when 'course' is '<pid>-C<digits>': a derived course id of that patient
 * (store.h), which a clinic's course_id must not collide with. */
static int derived_name(const char *pid, const char *course)
{
	size_t n = strlen(pid);
	const char *p;
	if (strncmp(course, pid, n) != 0 || course[n] != '-' || course[n + 1] != 'C' ||
	    !course[n + 2])
		return 0;
	for (p = course + n + 2; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	return 1;
}

/* The column's name for a reason. */
static const char *col_name(struct csvin_reader *r, size_t i)
{
	static const char *const names[ROLE_COUNT] = {
		[ROLE_PATIENT] = "patient_id", [ROLE_DATE] = "session_date",
		[ROLE_COURSE] = "course_id", [ROLE_THERAPIST] = "therapist", [ROLE_NOTES] = "notes",
		[ROLE_REFERRER] = "referrer", [ROLE_INDICATION] = "indication",
		[ROLE_BIRTH_YEAR] = "birth_year", [ROLE_ATTENDANCE] = "attendance",
		[ROLE_ADVERSE] = "adverse_event", [ROLE_NAME] = "name",
		[ROLE_REF_REASON] = "referral_reason", [ROLE_REF_DATE] = "referral_date",
		[ROLE_PLANNED] = "planned_sessions", [ROLE_CREDENTIALS] = "credentials",
		[ROLE_EMAIL] = "email",
	};
	if (r->role[i] == ROLE_MEASURE)
		return r->measure_names[r->role_measure[i]];
	if ((size_t)r->role[i] < ROLE_COUNT && names[r->role[i]])
		return names[r->role[i]];
	snprintf(r->colname, sizeof(r->colname), "column %zu", i + 1);
	return r->colname;
}

/* A number cell as a score: the number in the cell, 0-10. */
static int number_score(const char *v, size_t n, double *out)
{
	char tmp[64], *end;
	double x;
	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, v, n);
	tmp[n] = '\0';
	x = strtod(tmp, &end);
	if (*end || !isfinite(x))
		return -1;
	if (x < CLINIC_SCORE_MIN || x > CLINIC_SCORE_MAX)
		return -2;
	*out = x == 0 ? 0 : x; /* no -0 */
	return 0;
}

/*
 * A workbook cell whose type decides: an error cell anywhere, a number,
 * date or boolean in a score column (date columns: cell_date).
 * Returns 1 when handled here, 0 when the text rules apply ('s' may be NULL).
 */
static int typed_cell(struct csvin_reader *r, size_t i, struct csvin_session *s, int *any)
{
	size_t n;
	const char *v = field(r, i, &n);
	enum xlsx_type t = (enum xlsx_type)r->ftype[i];
	int m, rc;
	if (t == XLSX_ERROR) {
		add_reason(r, "%s is the spreadsheet error", col_name(r, i), v, n);
		return 1;
	}
	if (t == XLSX_FORMULA) {
		add_reason(r, "%s is a formula without a saved value (open and save it in the "
			      "spreadsheet program):", col_name(r, i), v, n);
		return 1;
	}
	/* Excel turns an id such as 3-12 into a date, TRUE into a boolean:
	 * stored as text they would be another patient, course or person. */
	if ((t == XLSX_DATE || t == XLSX_BOOL) &&
	    (r->role[i] == ROLE_PATIENT || r->role[i] == ROLE_COURSE ||
	     r->role[i] == ROLE_THERAPIST || r->role[i] == ROLE_NAME ||
	     r->role[i] == ROLE_REFERRER)) {
		add_reason(r, t == XLSX_DATE ? "%s is a date cell, not an id or a name (the "
					       "spreadsheet made the text a date: format the "
					       "column as text and type it again):"
					     : "%s is TRUE/FALSE, not an id or a name (format the "
					       "column as text and type it again):",
			   col_name(r, i), v, n);
		return 1;
	}
	if (!s)
		return 0;
	if (r->role[i] != ROLE_MEASURE || t == XLSX_STRING || t == XLSX_EMPTY)
		return 0;
	m = r->role_measure[i];
	if (t == XLSX_BOOL) {
		add_reason(r, "%s is TRUE/FALSE, not a score:", r->measure_names[m], v, n);
	} else if (t == XLSX_DATE) {
		add_reason(r, "%s is a date, not a score:", r->measure_names[m], v, n);
	} else if ((rc = number_score(v, n, &s->score[m])) == -1) {
		add_reason(r, "%s is not a score 0-10:", r->measure_names[m], v, n);
	} else if (rc == -2) {
		add_reason(r, "%s is out of range 0-10:", r->measure_names[m], v, n);
	} else {
		s->has[m] = 1;
		*any = 1;
	}
	return 1;
}

/* A score cell (text): 1 when it holds a score, 0 empty or bad (a reason). */
static int check_score(struct csvin_reader *r, size_t i, struct csvin_session *s)
{
	size_t n;
	const char *v = field(r, i, &n);
	int m = r->role_measure[i], rc;
	if (n == 0)
		return 0;
	rc = parse_score(r, v, n, &s->score[m]);
	if (rc == -1) {
		add_reason(r, "%s is not a score 0-10:", r->measure_names[m], v, n);
		return 0;
	}
	if (rc == -2) {
		add_reason(r, "%s is out of range 0-10:", r->measure_names[m], v, n);
		return 0;
	}
	s->has[m] = 1;
	return 1;
}

static void validate_session(struct csvin_reader *r, struct csvin_session *s)
{
	size_t i;
	int any = 0;
	memset(s, 0, sizeof(*s));
	for (i = 0; i < r->ncols; i++) {
		if (r->xlsx && typed_cell(r, i, s, &any))
			continue;
		switch (r->role[i]) {
		case ROLE_PATIENT:
			s->patient_id = check_id(r, i, "patient_id", 1);
			break;
		case ROLE_DATE:
			if (cell_date(r, i, "session_date", &s->date) == 0)
				add_reason(r, "%s is empty", "session_date", NULL, 0);
			break;
		case ROLE_COURSE:
			s->course_id = check_id(r, i, "course_id", 0);
			break;
		case ROLE_THERAPIST:
			s->therapist = check_text(r, i, "therapist", CSVIN_MAX_NAME, 0);
			break;
		case ROLE_NOTES:
			s->notes = check_text(r, i, "notes", CSVIN_MAX_NOTES, 1);
			break;
		case ROLE_ATTENDANCE:
			s->attendance = check_attendance(r, i);
			break;
		case ROLE_ADVERSE:
			s->adverse_event = check_text(r, i, "adverse_event", CSVIN_MAX_EVENT, 1);
			break;
		case ROLE_MEASURE:
			any |= check_score(r, i, s);
			break;
		case ROLE_IGNORED:
			check_ignored(r, i);
			break;
		default:
			break;
		}
	}
	if (s->attendance != CSVIN_ATTENDED)
		reject_scores(r, s);
	else if (!any && !r->reason.len)
		add_reason(r, "%s", "no score recorded (a row needs at least one)", NULL, 0);
	if (s->patient_id && s->course_id && derived_name(s->patient_id, s->course_id))
		add_reason(r, "%s is how symtrend names this patient's courses derived from "
			      "dates (<patient_id>-C<k>); choose another course id:", "course_id",
			   s->course_id, strlen(s->course_id));
}

static void validate_patient(struct csvin_reader *r, struct csvin_patient *p)
{
	size_t i, n;
	memset(p, 0, sizeof(*p));
	p->referral_date = CSVIN_NO_DATE;
	for (i = 0; i < r->ncols; i++) {
		const char *v = field(r, i, &n);
		if (r->xlsx && typed_cell(r, i, NULL, NULL))
			continue;
		switch (r->role[i]) {
		case ROLE_PATIENT:
			p->patient_id = check_id(r, i, "patient_id", 1);
			break;
		case ROLE_REFERRER:
			p->referrer = check_text(r, i, "referrer", CSVIN_MAX_NAME, 0);
			break;
		case ROLE_INDICATION:
			p->indication = check_text(r, i, "indication", CSVIN_MAX_NAME, 0);
			break;
		case ROLE_BIRTH_YEAR: {
			size_t k;
			int y = 0;
			if (n == 0)
				break;
			for (k = 0; k < n && k < 5; k++)
				y = (v[k] >= '0' && v[k] <= '9') ? y * 10 + (v[k] - '0') : -1000000;
			if (n != 4 || y < 1900 || y > 2100)
				add_reason(r, "%s is not a year 1900-2100:", "birth_year", v, n);
			else
				p->birth_year = y;
			break;
		}
		case ROLE_NAME:
			p->name = check_text(r, i, "name", CSVIN_MAX_NAME, 0);
			break;
		case ROLE_REF_REASON:
			p->referral_reason = check_text(r, i, "referral_reason", CSVIN_MAX_REASON, 0);
			break;
		case ROLE_REF_DATE:
			p->referral_date = check_date(r, i, "referral_date");
			break;
		case ROLE_PLANNED:
			p->planned_sessions = check_whole(r, i, "planned_sessions", 1, CSVIN_MAX_PLANNED);
			break;
		case ROLE_IGNORED:
			check_ignored(r, i);
			break;
		default:
			break;
		}
	}
}

static void validate_therapist(struct csvin_reader *r, struct csvin_therapist *t)
{
	size_t i;
	memset(t, 0, sizeof(*t));
	for (i = 0; i < r->ncols; i++) {
		if (r->xlsx && typed_cell(r, i, NULL, NULL))
			continue;
		switch (r->role[i]) {
		case ROLE_THERAPIST:
			t->therapist = check_text(r, i, "therapist", CSVIN_MAX_NAME, 0);
			if (!t->therapist)
				add_reason(r, "%s is empty", "therapist", NULL, 0);
			break;
		case ROLE_CREDENTIALS:
			t->credentials = check_text(r, i, "credentials", CSVIN_MAX_NAME, 0);
			break;
		case ROLE_EMAIL:
			t->email = check_email(r, i);
			break;
		case ROLE_IGNORED:
			check_ignored(r, i);
			break;
		default:
			break;
		}
	}
}

static void validate(struct csvin_reader *r, struct csvin_record *rec)
{
	if (r->kind == CSVIN_SESSIONS)
		validate_session(r, &rec->session);
	else if (r->kind == CSVIN_THERAPISTS)
		validate_therapist(r, &rec->therapist);
	else
		validate_patient(r, &rec->patient);
}

static void free_folded(struct csvin_reader *r)
{
	while (r->nfold)
		free(r->fold[--r->nfold]);
}

static int next_xlsx(struct csvin_reader *r, struct csvin_record *rec, struct error *err)
{
	long line;
	int rc = xlsx_fields(r, &line, err);
	if (rc <= 0)
		return rc;
	sb_reset(&r->reason);
	rec->line = line;
	rec->raw = r->raw.buf;
	rec->raw_len = r->raw.len;
	if (r->fcut)
		sb_addf(&r->reason, "a cell is longer than %u bytes", XLSX_MAX_CELL);
	else if (r->too_many)
		sb_addf(&r->reason, "has a value beyond column %d", MAX_COLS);
	else if (!fields_fit(r))
		sb_addf(&r->reason, "has a value in column %zu, the header has %zu columns",
			r->nfields, r->ncols);
	else
		validate(r, rec);
	rec->reason = r->reason.len ? r->reason.buf : NULL;
	return 1;
}

int csvin_next(struct csvin_reader *r, struct csvin_record *rec, struct error *err)
{
	long line;
	int unclosed, rc;
	memset(rec, 0, sizeof(*rec));
	free_folded(r);
	if (r->xlsx)
		return next_xlsx(r, rec, err);
	for (;;) {
		rc = split_record(r, &line, &unclosed, err);
		if (rc <= 0)
			return rc;
		/* A line with nothing on it is not a row (trailing newlines). */
		if (r->raw.len == 0 && !unclosed)
			continue;
		break;
	}
	sb_reset(&r->reason);
	rec->line = line;
	rec->raw = r->raw.buf;
	rec->raw_len = r->raw.len;
	if (r->truncated) {
		sb_addf(&r->reason, "record longer than %u bytes (raw text cut)", CSVIN_MAX_RECORD);
	} else if (unclosed) {
		sb_adds(&r->reason, "quote opened here never closes");
	} else if (memchr(r->raw.buf, '\0', r->raw.len)) {
		sb_adds(&r->reason, "contains a NUL byte");
	} else if (parse_fields(r) < 0) {
		sb_adds(&r->reason, "malformed quoting (RFC 4180)");
	} else if (r->too_many || !fields_fit(r)) {
		sb_addf(&r->reason, "has %s%zu fields, the header has %zu",
			r->too_many ? "more than " : "", r->nfields, r->ncols);
	} else {
		pad_fields(r);
		validate(r, rec);
	}
	if (r->reason.len && bare_cr(r->raw.buf, r->raw.len))
		sb_adds(&r->reason, " (a CR alone ends a line inside this row: two rows run "
			"together? save the file with LF or CRLF line endings)");
	rec->reason = r->reason.len ? r->reason.buf : NULL;
	return 1;
}

int csvin_has_measure(const struct csvin_reader *r, size_t m)
{
	return m < r->nmeasures && r->measure_col[m] >= 0;
}

unsigned long long csvin_offset(const struct csvin_reader *r)
{
	if (r->xlsx) /* the share of the sheet read, in file bytes */
		return xlsx_sheet_size(r->xlsx)
		       ? (unsigned long long)((double)r->size * (double)xlsx_sheet_read(r->xlsx) /
					      (double)xlsx_sheet_size(r->xlsx))
		       : 0;
	return r->dec ? decoder_offset(r->dec) : 0;
}

unsigned long long csvin_size(const struct csvin_reader *r)
{
	return r->size;
}

const char *csvin_sha256(struct csvin_reader *r)
{
	return r->xlsx ? r->xsha : decoder_sha256(r->dec);
}

void csvin_free(struct csvin_reader *r)
{
	if (!r)
		return;
	if (r->own_fp && r->fp)
		fclose(r->fp);
	csv_free(&r->parser);
	decoder_free(r->dec);
	xlsx_free(r->xlsx);
	sb_release(&r->xdata);
	sb_release(&r->raw);
	sb_release(&r->fields);
	sb_release(&r->reason);
	free_folded(r);
	free(r->path);
	free(r);
}

const char *csvin_attendance_name(enum csvin_attendance a)
{
	return a == CSVIN_CANCELLED ? "cancelled" : a == CSVIN_NO_SHOW ? "no-show" : "attended";
}

int csvin_parse_date(const char *s, size_t n, enum csvin_date_format f, long *days)
{
	char iso[32];
	long v[3], y, m, d;
	if (n == 10 && s[4] == '-')
		return date_parse(s, n, days);
	switch (date_shape(s, n, v)) {
	case SHAPE_YMD_SLASH:
		y = v[0], m = v[1], d = v[2];
		break;
	case SHAPE_DMY_DOT:
		d = v[0], m = v[1], y = v[2];
		break;
	case SHAPE_SLASH_YEAR_LAST:
		if (f == CSVIN_DATE_NO_SLASH)
			return -1;
		d = f == CSVIN_DATE_DMY ? v[0] : v[1];
		m = f == CSVIN_DATE_DMY ? v[1] : v[0];
		y = v[2];
		break;
	default:
		return -1;
	}
	if (m > 99 || d > 99)
		return -1;
	snprintf(iso, sizeof(iso), "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
		 (unsigned)d % 100u); /* y < 10000 and m, d < 100: four digits each at most */
	return date_parse(iso, strlen(iso), days);
}

int csvin_date_format_parse(const char *s, enum csvin_date_format *f)
{
	if (!strcasecmp(s, "DD/MM/YYYY"))
		*f = CSVIN_DATE_DMY;
	else if (!strcasecmp(s, "MM/DD/YYYY"))
		*f = CSVIN_DATE_MDY;
	else
		return -1;
	return 0;
}

int csvin_valid_measure_name(const char *name)
{
	size_t i, n = strlen(name);
	if (n == 0 || n > 32 || name[0] < 'a' || name[0] > 'z')
		return -1;
	for (i = 1; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		      name[i] == '_'))
			return -1;
	return 0;
}
