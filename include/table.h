/*
 * table.h - streaming table output in the three formats of doc/contract.md:
 * aligned text for a person, CSV (RFC 4180, %.10g numbers, empty cell for
 * undefined, string cells that a spreadsheet would read as a formula get a
 * leading apostrophe), and JSON (an array of objects, null for undefined).
 * Rows are written as they come: memory does not grow with the table.
 */
#ifndef SYMTREND_TABLE_H
#define SYMTREND_TABLE_H

#include <stdio.h>

enum table_format { TABLE_TEXT, TABLE_CSV, TABLE_JSON };

struct table_col {
	const char *name;
	int width;    /* text: column width (negative: left-aligned) */
	int decimals; /* text: decimals for numbers */
};

struct table {
	FILE *out;
	enum table_format fmt;
	const struct table_col *cols;
	size_t ncols, col;
	long rows;
};

/* -1 when 's' is not text, csv or json. */
/* The names of enum table_format, in its order, NULL-terminated (--format). */
extern const char *const table_formats[];
void table_begin(struct table *t, FILE *out, enum table_format fmt,
		 const struct table_col *cols, size_t ncols);
void table_str(struct table *t, const char *s);  /* NULL: undefined */
void table_num(struct table *t, double v);
/* Finite v exactly as printf's "%.10g" writes it (0 for -0), faster. */
void table_format_g10(double v, char out[32]);
/* A p-value: as table_num, but a tiny one reads "<0.0001" in text, not 0. */
void table_p(struct table *t, double p);       /* NAN: undefined */
void table_int(struct table *t, long v);
void table_end_row(struct table *t);
void table_end(struct table *t);

/* Writes 's' as a JSON string (quotes included); not json_string, which is
 * jansson's (report_fhir.c) and would be taken for it. */
void table_json_string(FILE *out, const char *s);

#endif
