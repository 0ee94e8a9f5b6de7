/* test_xlsx.c - unit tests of the workbook reader: date formats, the 1900
 * and 1904 date systems at their edges, typed cells, and hostile workbooks
 * (zip bomb, deep XML, DTDs, huge shared strings, a zip that is not one)
 * refused with a reason, never a crash. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "csvin.h"
#include "xlsx.h"

#define DD "tests/data/dialects/"

static void test_formats(void **state)
{
	static const struct { int id; const char *code; int date; } cases[] = {
		{ 0, NULL, 0 }, { 2, NULL, 0 }, { 13, NULL, 0 }, { 14, NULL, 1 }, { 22, NULL, 1 },
		{ 23, NULL, 0 }, { 27, NULL, 1 }, { 36, NULL, 1 }, { 45, NULL, 0 }, { 47, NULL, 0 },
		{ 50, NULL, 1 }, { 58, NULL, 1 }, { 59, NULL, 0 },
		{ 164, "dd/mm/yyyy", 1 }, { 164, "DD.MM.YYYY", 1 }, { 164, "General", 0 },
		{ 164, "0.00", 0 }, { 164, "[Red]0.00", 0 }, { 164, "\"day\" 0", 0 },
		{ 164, "[h]:mm", 0 }, { 164, "mm:ss", 0 }, { 164, "[$-407]d/ mmmm yyyy", 1 },
		{ 164, "\\d0", 0 }, { 164, "0;[Red]\"y\"", 0 }, { 164, "", 0 },
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (xlsx_format_is_date(cases[i].id, cases[i].code) != cases[i].date)
			fail_msg("format %d '%s': want %d", cases[i].id,
				 cases[i].code ? cases[i].code : "(built-in)", cases[i].date);
}

/* The days of a serial, or NO when it is not a date. */
#define NO LONG_MIN
static long days_of(double serial, int date1904)
{
	long d = 12345;
	return xlsx_serial_to_days(serial, date1904, &d) < 0 ? NO : d;
}

static long iso(const char *s)
{
	long d = NO;
	assert_int_equal(date_parse(s, strlen(s), &d), 0);
	return d;
}

static void test_serials(void **state)
{
	(void)state;
	/* 1900 system, with Lotus's 1900-02-29 (serial 60) that never was. */
	assert_int_equal(days_of(1, 0), iso("1900-01-01"));
	assert_int_equal(days_of(59, 0), iso("1900-02-28"));
	assert_int_equal(days_of(60, 0), NO);
	assert_int_equal(days_of(61, 0), iso("1900-03-01"));
	assert_int_equal(days_of(25568, 0), iso("1969-12-31")); /* day -1: a date */
	assert_int_equal(days_of(45658, 0), iso("2025-01-01"));
	assert_int_equal(days_of(45658.999, 0), iso("2025-01-01"));
	assert_int_equal(days_of(45716, 0), iso("2025-02-28"));
	assert_int_equal(days_of(45717, 0), iso("2025-03-01"));
	assert_int_equal(days_of(2958465, 0), iso("9999-12-31"));
	assert_int_equal(days_of(2958466, 0), NO);
	assert_int_equal(days_of(0.5, 0), NO);
	assert_int_equal(days_of(-1, 0), NO);
	assert_int_equal(days_of(0.0 / 0.0, 0), NO);
	/* 1904 system: serial 0 is 1904-01-01. */
	assert_int_equal(days_of(0, 1), iso("1904-01-01"));
	assert_int_equal(days_of(44196, 1), iso("2025-01-01"));
	assert_int_equal(days_of(-0.5, 1), NO);
}

/* Opens a fixture as a session file; returns the reader or NULL with err. */
static struct csvin_reader *open_book(const char *path, struct error *err)
{
	static const char *const m[] = { "fatigue", "sleep", "focus", "pain" };
	return csvin_open(path, NULL, CSVIN_SESSIONS, m, 4, err);
}

/* The file is refused at open or while reading, with 'want' in the reason. */
static void refused(const char *path, const char *want)
{
	struct error err = ERROR_INIT;
	struct csvin_record rec;
	struct csvin_reader *r = open_book(path, &err);
	int rc = -1;
	if (r) {
		while ((rc = csvin_next(r, &rec, &err)) == 1)
			;
		csvin_free(r);
	}
	if (rc != -1 || !err.reason || !strstr(err.reason, want))
		fail_msg("%s: rc %d, reason '%s', want '%s'", path, rc, err.reason ? err.reason : "",
			 want);
	error_release(&err);
}

static void test_hostile(void **state)
{
	(void)state;
	refused(DD "hostile-bomb.xlsx", "xl/workbook.xml is 17 MB uncompressed, more than the 16 MB read");
	refused(DD "hostile-deep.xlsx", "XML nested deeper than 48 levels");
	refused(DD "hostile-dtd.xlsx", "a DTD in a workbook part (not allowed)");
	refused(DD "hostile-sst-count.xlsx", "more than 2097152 shared strings");
	refused(DD "hostile-notzip.xlsx", "not a readable .xlsx workbook");
}

/* Rows and reasons of a workbook, as "line:reason|" or "line:fatigue/date|". */
static void rows_of(const char *path, const char *want)
{
	struct error err = ERROR_INIT;
	struct csvin_record rec;
	struct strbuf out = STRBUF_INIT;
	struct csvin_reader *r = open_book(path, &err);
	int rc;
	if (!r)
		fail_msg("%s refused: %s", path, err.reason);
	while ((rc = csvin_next(r, &rec, &err)) == 1) {
		if (rec.reason)
			sb_addf(&out, "%ld:%.60s|", rec.line, rec.reason);
		else
			sb_addf(&out, "%ld:%g/%ld|", rec.line, rec.session.score[0], rec.session.date);
	}
	assert_int_equal(rc, 0);
	if (strcmp(out.buf ? out.buf : "", want) != 0)
		fail_msg("%s: got '%s', want '%s'", path, out.buf ? out.buf : "", want);
	csvin_free(r);
	sb_release(&out);
}

static void test_cells(void **state)
{
	(void)state;
	/* One 65 MB shared string is kept to the cell limit (a cell using it
	 * would be cut); the 64 MB cap on all of them is t0815's. */
	rows_of(DD "hostile-sst-bytes.xlsx", "");
	rows_of(DD "hostile-cell.xlsx", "2:a cell is longer than 131072 bytes|"
		"3:pain is the spreadsheet error '#VALUE!'|");
	rows_of(DD "bad.xlsx", "2:8/20094|3:fatigue is the spreadsheet error '#N/A'|"
		"4:sleep is TRUE/FALSE, not a score: 'TRUE'|5:focus is out of range 0-10: '11'|"
		"6:pain is the spreadsheet error '#DIV/0!'|7:5.5/20118|");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_serials),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_cells),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
