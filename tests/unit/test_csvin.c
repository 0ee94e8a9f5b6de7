/* test_csvin.c - unit tests of the CSV reader: header mapping, record
 * splitting and line numbers, validation reasons. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "csvin.h"

static const char *const M[] = { "fatigue", "sleep", "focus", "pain", "dizziness" };

static struct csvin_reader *open_mem(const char *text, size_t n, FILE **fp, struct error *err)
{
	*fp = fmemopen((void *)text, n ? n : 1, "rb");
	assert_non_null(*fp);
	if (n == 0)
		fgetc(*fp); /* empty stream */
	return csvin_open("mem.csv", *fp, CSVIN_SESSIONS, M, 5, err);
}

static void refused(const char *text, const char *reason)
{
	struct error err = ERROR_INIT;
	FILE *fp;
	struct csvin_reader *r = open_mem(text, strlen(text), &fp, &err);
	assert_null(r);
	assert_non_null(err.reason);
	if (!strstr(err.reason, reason))
		fail_msg("reason '%s' lacks '%s'", err.reason, reason);
	error_release(&err);
	fclose(fp);
}

static void test_header(void **state)
{
	(void)state;
	refused("patient_id,session_date,fatigue,sleep,focus\n", "missing required column 'pain'");
	refused("patient_id,session_date,fatigue,sleep,focus,pain,mood\n", "unknown column 'mood'");
	refused("patient_id,session_date,fatigue,sleep,focus,pain,pain\n", "duplicate column");
	refused("patient_id,,fatigue,sleep,focus,pain\n", "header column 2 is empty");
	refused("\"patient_id,session_date\n", "header is not valid CSV");
	refused("", "empty file");
}

static void test_records(void **state)
{
	static const char text[] =
		"\xef\xbb\xbfPAIN,Focus,sleep,FATIGUE,session_date,patient_id,notes,dizziness\r\n"
		"1,2,3,4,2025-01-01,P1,\"multi\r\nline\",\r\n"
		"\r\n"
		"1,2,3,4,2025-01-02,P1,,9.5\r\n"
		"11,2,3,4,2025-01-03,P1,,\n"
		"1,2,3,4,2025-01-04,P1,\"open\n"
		"1,2,3,4,2025-01-05,P1,,\n";
	struct error err = ERROR_INIT;
	struct csvin_record rec;
	FILE *fp;
	struct csvin_reader *r = open_mem(text, sizeof(text) - 1, &fp, &err);
	(void)state;
	assert_non_null(r);
	assert_true(csvin_has_measure(r, 4));
	assert_int_equal(csvin_next(r, &rec, &err), 1);
	assert_int_equal(rec.line, 2);
	assert_null(rec.reason);
	assert_string_equal(rec.session.patient_id, "P1");
	assert_string_equal(rec.session.notes, "multi\r\nline");
	assert_true(rec.session.score[0] == 4 && rec.session.score[3] == 1);
	assert_false(rec.session.has[4]);
	assert_int_equal(csvin_next(r, &rec, &err), 1);
	assert_int_equal(rec.line, 5); /* the blank line 4 is not a row */
	assert_true(rec.session.has[4] && rec.session.score[4] == 9.5);
	assert_int_equal(csvin_next(r, &rec, &err), 1);
	assert_int_equal(rec.line, 6);
	assert_string_equal(rec.reason, "pain is out of range 0-10: '11'");
	assert_int_equal(csvin_next(r, &rec, &err), 1);
	assert_int_equal(rec.line, 7);
	assert_string_equal(rec.reason, "quote opened here never closes");
	assert_memory_equal(rec.raw, "1,2,3,4,2025-01-04,P1,\"open\n1,2,3,4", 34);
	assert_int_equal(csvin_next(r, &rec, &err), 0);
	assert_int_equal(strlen(csvin_sha256(r)), 64);
	csvin_free(r);
	fclose(fp);
}

static void test_reasons(void **state)
{
	static const struct { const char *row, *reason; } cases[] = {
		{ ",2025-01-01,1,1,1,1", "patient_id is empty" },
		{ "P1,2025-02-29,1,1,1,1", "session_date is not a real date YYYY-MM-DD: '2025-02-29'" },
		{ "P1,2025-01-01,,,,", "no score recorded" },
		{ "P1,2025-01-01,1,1,1", "has 5 fields, the header has 6" },
		{ "P1,2025-01-01,x,1,1,y", "fatigue is not a score 0-10: 'x'; pain is not a score 0-10: 'y'" },
		{ " P1,2025-01-01,1,1,1,1", "patient_id has leading or trailing spaces" },
		{ "P\xff,2025-01-01,1,1,1,1", "patient_id has control characters or invalid UTF-8" },
		{ "P1,2025-01-01,\"1\"2,1,1,1", "malformed quoting" },
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[256];
		struct error err = ERROR_INIT;
		struct csvin_record rec;
		FILE *fp;
		struct csvin_reader *r;
		snprintf(text, sizeof(text), "patient_id,session_date,fatigue,sleep,focus,pain\n%s\n",
			 cases[i].row);
		r = open_mem(text, strlen(text), &fp, &err);
		assert_non_null(r);
		assert_int_equal(csvin_next(r, &rec, &err), 1);
		assert_non_null(rec.reason);
		if (!strstr(rec.reason, cases[i].reason))
			fail_msg("row '%s': reason '%s' lacks '%s'", cases[i].row, rec.reason, cases[i].reason);
		csvin_free(r);
		fclose(fp);
	}
}

static void test_long_record(void **state)
{
	size_t n = CSVIN_MAX_RECORD + 1000, hl;
	const char *h = "patient_id,session_date,fatigue,sleep,focus,pain,notes\n";
	char *text = malloc(n + 200);
	struct error err = ERROR_INIT;
	struct csvin_record rec;
	FILE *fp;
	struct csvin_reader *r;
	(void)state;
	hl = strlen(h);
	memcpy(text, h, hl);
	memcpy(text + hl, "P1,2025-01-01,1,1,1,1,", 22);
	memset(text + hl + 22, 'x', n);
	memcpy(text + hl + 22 + n, "\nP1,2025-01-02,1,1,1,1,\n", 24);
	r = open_mem(text, hl + 22 + n + 24, &fp, &err);
	assert_non_null(r);
	assert_int_equal(csvin_next(r, &rec, &err), 1);
	assert_non_null(strstr(rec.reason, "record longer than"));
	assert_int_equal(rec.raw_len, CSVIN_MAX_RECORD);
	assert_int_equal(csvin_next(r, &rec, &err), 1);
	assert_null(rec.reason);
	assert_int_equal(rec.line, 3);
	csvin_free(r);
	fclose(fp);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_long_record),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
