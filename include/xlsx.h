/*
 * xlsx.h - the first worksheet of an .xlsx workbook, row by row.
 *
 * Owns reading the container (libzip) and the XML parts (expat): which
 * sheet is first, the shared strings, which cell styles are dates, the
 * 1900 and 1904 date systems, and the limits that keep a hostile file from
 * taking the machine (uncompressed sizes, shared strings, XML depth, no
 * DTDs).  The sheet is parsed as a stream: memory is the shared strings
 * (bounded) and one row, whatever the number of rows.  It knows nothing of
 * the columns' meanings: csvin.c validates the cells.
 */
#ifndef SYMTREND_XLSX_H
#define SYMTREND_XLSX_H

#include <stddef.h>
#include <stdio.h>

#include "util.h"

#define XLSX_MAX_COLS 64                      /* cells kept per row */
#define XLSX_MAX_CELL (128u << 10)            /* bytes kept of one cell's text */
#define XLSX_MAX_SHEET (1ull << 30)           /* uncompressed sheet XML */
#define XLSX_MAX_PART (16ull << 20)           /* workbook, relationships, styles */
#define XLSX_MAX_SST_XML (512ull << 20)       /* uncompressed shared strings XML */
#define XLSX_MAX_SST_TEXT (64u << 20)         /* shared string text kept */
#define XLSX_MAX_SST_COUNT (2u << 20)         /* shared strings */
#define XLSX_MAX_FORMULA_SHOWN 64             /* bytes of a formula kept to show */
#define XLSX_MAX_DEPTH 48                     /* XML nesting */
#define XLSX_MAX_TOKEN (4ull << 20)           /* XML bytes without a complete token */
#define XLSX_MAX_SST_GIVEN (128ull << 20)     /* shared string text the sheet hands out */
#define XLSX_MAX_ROWS (1u << 20)              /* rows of a sheet (.ods: repeated ones too) */
#define XLSX_MAX_FILE (16u << 20)             /* the workbook file (zip directory entries) */
/* What an ingest of a workbook may hold at once, from the caps above: the
 * workbook when read from a pipe (16 MB), libzip's directory (about 300
 * bytes an entry: <= 60 MB for 16 MB of entries), the shared strings (64
 * MB text, 18 MB index), an unfinished XML token (expat's buffer, <= 16
 * MB), one row (64 cells of 128 KB, three copies: 24 MB).  Measured in
 * t0815-workbook-bombs (maximum resident size of the worst case). */
#define XLSX_MAX_MEMORY (256u << 20)

enum xlsx_type {
	XLSX_EMPTY,
	XLSX_STRING, /* shared, inline or formula string */
	XLSX_NUMBER, /* text: the number as written in the file */
	XLSX_DATE,   /* a number with a date format; text YYYY-MM-DD (the number when not a date) */
	XLSX_BOOL,   /* text TRUE or FALSE */
	XLSX_ERROR,  /* text: the error, e.g. #N/A */
	XLSX_FORMULA, /* a formula without a saved value; text "=" and the formula (cut) */
};

struct xlsx_cell {
	enum xlsx_type type;
	const char *text; /* NUL-terminated; "" when empty */
	size_t len;
	long date;        /* XLSX_DATE: days since 1970-01-01 */
	int date_ok;      /* XLSX_DATE: 1 when the number is a real date */
	int cut;          /* the text was longer than XLSX_MAX_CELL */
};

/* One row, borrowed until the next call. */
struct xlsx_row {
	long line;     /* the sheet's row number */
	size_t ncells; /* cells up to the last one with a value */
	const struct xlsx_cell *cell;
	int too_many;  /* a value beyond column XLSX_MAX_COLS */
};

struct xlsx_reader;

/*
 * Opens a workbook from memory (kept by the caller until xlsx_free) or from
 * 'path' (data NULL).  'name' is used in messages.  Returns NULL with 'err'
 * filled (ERR_INPUT: not a workbook or damaged; ERR_IO).
 */
struct xlsx_reader *xlsx_open(const char *name, const char *path, const void *data,
			      size_t size, struct error *err);
/* The same from an open regular file, its workbook starting at byte
 * 'start' ('fp' is not closed, its descriptor is duplicated). */
struct xlsx_reader *xlsx_open_stream(const char *name, FILE *fp, long start, struct error *err);
/* 1 a row, 0 the end of the sheet, -1 damaged or too large ('err' filled). */
int xlsx_next_row(struct xlsx_reader *x, struct xlsx_row *row, struct error *err);
/* "sheet 'Sitzungen'": the sheet read, named (escaped) for messages; the caller frees. */
char *xlsx_sheet_label(const struct xlsx_reader *x);
/* Uncompressed sheet bytes read so far and in all (for progress). */
unsigned long long xlsx_sheet_read(const struct xlsx_reader *x);
unsigned long long xlsx_sheet_size(const struct xlsx_reader *x);
void xlsx_free(struct xlsx_reader *x);

/* 1 when an Excel number format (built-in id, or custom code) shows a date. */
int xlsx_format_is_date(int id, const char *code);
/* A date serial as days since 1970-01-01 (1904: the Mac date system); 0, or -1. */
int xlsx_serial_to_days(double serial, int date1904, long *days);

#endif
