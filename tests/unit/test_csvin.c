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

/* A YYYY-MM-DD as days since 1970-01-01 (the test's dates are real). */
static long day(const char *s)
{
	long d = 0;
	assert_int_equal(date_parse(s, 10, &d), 0);
	return d;
}

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

static void refused_kind(enum csvin_kind kind, const char *text, const char *reason)
{
	struct error err = ERROR_INIT;
	FILE *fp = fmemopen((void *)text, strlen(text), "rb");
	struct csvin_reader *r = csvin_open("mem.csv", fp, kind, M, 5, &err);
	assert_null(r);
	if (!err.reason || !strstr(err.reason, reason))
		fail_msg("reason '%s' lacks '%s'", err.reason ? err.reason : "(none)", reason);
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

/* Reads the one row of 'header\nrow\n' as a file of 'kind'; returns its
 * reason (NULL when valid) and the record in *rec, valid until the next call. */
static struct csvin_reader *one_r;
static FILE *one_fp;
static char one_text[40000];

static const char *one_row(enum csvin_kind kind, const char *header, const char *row,
			   struct csvin_record *rec)
{
	struct error err = ERROR_INIT;
	if (one_r) {
		csvin_free(one_r);
		fclose(one_fp);
	}
	snprintf(one_text, sizeof(one_text), "%s\n%s\n", header, row);
	one_fp = fmemopen(one_text, strlen(one_text), "rb");
	assert_non_null(one_fp);
	one_r = csvin_open("mem.csv", one_fp, kind, M, 5, &err);
	if (!one_r)
		fail_msg("header '%s' refused: %s", header, err.reason);
	assert_int_equal(csvin_next(one_r, rec, &err), 1);
	return rec->reason;
}

static void one_done(void)
{
	csvin_free(one_r);
	fclose(one_fp);
	one_r = NULL;
}

static void expect_reason(enum csvin_kind kind, const char *header, const char *row,
			  const char *reason)
{
	struct csvin_record rec;
	const char *got = one_row(kind, header, row, &rec);
	if (!reason && got)
		fail_msg("row '%s' rejected: %s", row, got);
	if (reason && (!got || !strstr(got, reason)))
		fail_msg("row '%s': reason '%s' lacks '%s'", row, got ? got : "(valid)", reason);
}

#define SH "patient_id,session_date,fatigue,sleep,focus,pain,attendance,adverse_event"

static void test_attendance(void **state)
{
	struct csvin_record rec;
	(void)state;
	assert_null(one_row(CSVIN_SESSIONS, SH, "P1,2025-01-01,1,,,,,", &rec));
	assert_int_equal(rec.session.attendance, CSVIN_ATTENDED);
	assert_null(rec.session.adverse_event);
	assert_null(one_row(CSVIN_SESSIONS, SH, "P1,2025-01-01,1,,,,attended,sore for a day", &rec));
	assert_int_equal(rec.session.attendance, CSVIN_ATTENDED);
	assert_string_equal(rec.session.adverse_event, "sore for a day");
	assert_null(one_row(CSVIN_SESSIONS, SH, "P1,2025-01-01,,,,,cancelled,", &rec));
	assert_int_equal(rec.session.attendance, CSVIN_CANCELLED);
	assert_null(one_row(CSVIN_SESSIONS, SH, "P1,2025-01-01,,,,,No-Show,", &rec));
	assert_int_equal(rec.session.attendance, CSVIN_NO_SHOW);
	/* a missed session carries no scores; an attended one needs one */
	expect_reason(CSVIN_SESSIONS, SH, "P1,2025-01-01,,,,0,cancelled,",
		      "a cancelled session carries no scores, pain is '0'");
	expect_reason(CSVIN_SESSIONS, SH, "P1,2025-01-01,,,,,attended,", "no score recorded");
	expect_reason(CSVIN_SESSIONS, SH, "P1,2025-01-01,,,,,,", "no score recorded");
	expect_reason(CSVIN_SESSIONS, SH, "P1,2025-01-01,,,,,canceled,",
		      "attendance is not attended, cancelled or no-show: 'canceled'");
	expect_reason(CSVIN_SESSIONS, SH, "P1,2025-01-01,,,,,no show,",
		      "attendance is not attended, cancelled or no-show");
	expect_reason(CSVIN_SESSIONS, SH, "P1,2025-01-01,1,,,,,\"a\x01b\"",
		      "adverse_event is not valid UTF-8");
	expect_reason(CSVIN_SESSIONS, SH, "P1,2025-01-01,1,,,,,\"two\nlines\"", NULL);
	/* the column is optional: a file without it is all attended */
	assert_null(one_row(CSVIN_SESSIONS, "patient_id,session_date,fatigue,sleep,focus,pain",
			    "P1,2025-01-01,1,,,", &rec));
	assert_int_equal(rec.session.attendance, CSVIN_ATTENDED);
	/* patients' and therapists' columns are unknown in a session file */
	refused("patient_id,session_date,fatigue,sleep,focus,pain,planned_sessions\n",
		"unknown column 'planned_sessions'");
	one_done();
}

static void test_adverse_length(void **state)
{
	char row[CSVIN_MAX_EVENT + 64];
	size_t k;
	(void)state;
	k = (size_t)snprintf(row, sizeof(row), "P1,2025-01-01,1,,,,,");
	memset(row + k, 'x', CSVIN_MAX_EVENT);
	row[k + CSVIN_MAX_EVENT] = '\0';
	expect_reason(CSVIN_SESSIONS, SH, row, NULL);
	row[k + CSVIN_MAX_EVENT] = 'x';
	row[k + CSVIN_MAX_EVENT + 1] = '\0';
	expect_reason(CSVIN_SESSIONS, SH, row, "adverse_event is longer than 2000 bytes");
	one_done();
}

#define PH "patient_id,referrer,name,referral_reason,referral_date,planned_sessions"

static void test_patient_letter_columns(void **state)
{
	struct csvin_record rec;
	char row[1200], text[600];
	(void)state;
	assert_null(one_row(CSVIN_PATIENTS, PH,
			    "P1,Dr. K,Maria M\xc3\xbcller,fatigue after COVID,2024-02-29,1", &rec));
	assert_string_equal(rec.patient.name, "Maria M\xc3\xbcller");
	assert_string_equal(rec.patient.referral_reason, "fatigue after COVID");
	assert_int_equal(rec.patient.referral_date, day("2024-02-29"));
	assert_int_equal(rec.patient.planned_sessions, 1);
	assert_null(one_row(CSVIN_PATIENTS, PH, "P1,Dr. K,,,,999", &rec));
	assert_null(rec.patient.name);
	assert_int_equal(rec.patient.referral_date, -1);
	assert_int_equal(rec.patient.planned_sessions, 999);
	assert_null(one_row(CSVIN_PATIENTS, "patient_id,indication", "P1,x", &rec));
	assert_int_equal(rec.patient.referral_date, -1);
	assert_int_equal(rec.patient.planned_sessions, 0);
	expect_reason(CSVIN_PATIENTS, PH, "P1,Dr. K,,,2025-02-29,",
		      "referral_date is not a real date YYYY-MM-DD: '2025-02-29'");
	expect_reason(CSVIN_PATIENTS, PH, "P1,Dr. K,,,yesterday,", "referral_date is not a real date");
	expect_reason(CSVIN_PATIENTS, PH, "P1,Dr. K,,,,0",
		      "planned_sessions is not a whole number 1-999: '0'");
	expect_reason(CSVIN_PATIENTS, PH, "P1,Dr. K,,,,1000",
		      "planned_sessions is not a whole number 1-999: '1000'");
	expect_reason(CSVIN_PATIENTS, PH, "P1,Dr. K,,,,12.0", "planned_sessions is not a whole number");
	expect_reason(CSVIN_PATIENTS, PH, "P1,Dr. K,,,,-3", "planned_sessions is not a whole number");
	expect_reason(CSVIN_PATIENTS, PH, "P1,Dr. K,,,, 12", "planned_sessions is not a whole number");
	expect_reason(CSVIN_PATIENTS, PH, "P1,Dr. K,,,,99999999999999999999",
		      "planned_sessions is not a whole number");
	expect_reason(CSVIN_PATIENTS, PH, "P1,Dr. K,\"Anna\tB\",,,",
		      "name has control characters or invalid UTF-8");
	expect_reason(CSVIN_PATIENTS, PH, "P1,Dr. K,\"Anna\nB\",,,",
		      "name has control characters or invalid UTF-8");
	expect_reason(CSVIN_PATIENTS, PH, "P1,Dr. K,\xc3,,,", "name has control characters or invalid UTF-8");
	/* lengths at the edge, in characters (a two-byte letter counts once) */
	memset(text, 0, sizeof(text));
	for (size_t k = 0; k < CSVIN_MAX_NAME; k++)
		memcpy(text + 2 * k, "\xc3\xa4", 2);
	snprintf(row, sizeof(row), "P1,Dr. K,%s,,,", text);
	expect_reason(CSVIN_PATIENTS, PH, row, NULL);
	snprintf(row, sizeof(row), "P1,Dr. K,%sa,,,", text);
	expect_reason(CSVIN_PATIENTS, PH, row, "name is longer than 128 characters");
	memset(text, 'r', CSVIN_MAX_REASON);
	text[CSVIN_MAX_REASON] = '\0';
	snprintf(row, sizeof(row), "P1,Dr. K,,%s,,", text);
	expect_reason(CSVIN_PATIENTS, PH, row, NULL);
	snprintf(row, sizeof(row), "P1,Dr. K,,%sr,,", text);
	expect_reason(CSVIN_PATIENTS, PH, row, "referral_reason is longer than 500 characters");
	one_done();
}

#define TH "therapist,credentials,email"

static void test_therapists(void **state)
{
	struct csvin_record rec;
	(void)state;
	assert_null(one_row(CSVIN_THERAPISTS, TH, "Anna Berg,certified massage therapist,a.b@x.org", &rec));
	assert_string_equal(rec.therapist.therapist, "Anna Berg");
	assert_string_equal(rec.therapist.credentials, "certified massage therapist");
	assert_string_equal(rec.therapist.email, "a.b@x.org");
	assert_null(one_row(CSVIN_THERAPISTS, "email,therapist", ",Anna Berg", &rec));
	assert_null(rec.therapist.email);
	expect_reason(CSVIN_THERAPISTS, TH, ",x,a@b.org", "therapist is empty");
	expect_reason(CSVIN_THERAPISTS, TH, "A,,a@b", "email is not an email address: 'a@b'");
	expect_reason(CSVIN_THERAPISTS, TH, "A,,@b.org", "email is not an email address");
	expect_reason(CSVIN_THERAPISTS, TH, "A,,a@@b.org", "email is not an email address");
	expect_reason(CSVIN_THERAPISTS, TH, "A,,a b@c.org", "email is not an email address");
	expect_reason(CSVIN_THERAPISTS, TH, "A,,a@b.org.", "email is not an email address");
	expect_reason(CSVIN_THERAPISTS, TH, "A,,a@.org", "email is not an email address");
	expect_reason(CSVIN_THERAPISTS, TH, "A,,ab.org", "email is not an email address");
	expect_reason(CSVIN_THERAPISTS, TH, "A,\"x\x7f\",", "credentials has control characters");
	refused_kind(CSVIN_THERAPISTS, "credentials,email\n", "missing required column 'therapist'");
	refused_kind(CSVIN_THERAPISTS, "therapist,patient_id\n", "unknown column 'patient_id' in a therapists file");
	refused_kind(CSVIN_PATIENTS, "patient_id,referrer,email\n", "unknown column 'email' in a patients file");
	one_done();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_long_record),
		cmocka_unit_test(test_attendance),
		cmocka_unit_test(test_adverse_length),
		cmocka_unit_test(test_patient_letter_columns),
		cmocka_unit_test(test_therapists),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
