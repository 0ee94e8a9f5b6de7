/* test_csvin.c - unit tests of the CSV reader: header mapping, record
 * splitting and line numbers, validation reasons. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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
	refused("patient_id,,fatigue,sleep,focus,pain\n", "missing required column 'session_date'");
	refused(" patient_id , session_date ,fatigue,sleep,focus,pain , mood \n", "unknown column 'mood'");
	refused("patient_id;session_date;fatigue;sleep;focus;pain;pain\n", "duplicate column");
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
		{ "P\x7f,2025-01-01,1,1,1,1", "patient_id has control characters or invalid UTF-8" },
		{ "P1,2025-01-01,\"6,5\",1,1,1", "fatigue is not a score 0-10: '6,5'" },
		{ "P1,01.02.2025,1,1,1,1,", NULL },
		{ "P1,01/02/2025,1,1,1,1", "session_date has slashes: say which order with --date-format" },
		{ "P1,29.02.2025,1,1,1,1", "session_date is not a real date DD.MM.YYYY: '29.02.2025'" },
		{ "P1,2025-01-01,1,1,1,1,x", "has 7 fields, the header has 6" },
		{ "P1,2025-01-01,1,1,1,1,,", NULL },
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
		if (!cases[i].reason) {
			if (rec.reason)
				fail_msg("row '%s' rejected: %s", cases[i].row, rec.reason);
			csvin_free(r);
			fclose(fp);
			continue;
		}
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
	assert_int_equal(rec.patient.referral_date, CSVIN_NO_DATE);
	assert_int_equal(rec.patient.planned_sessions, 999);
	assert_null(one_row(CSVIN_PATIENTS, "patient_id,indication", "P1,x", &rec));
	assert_int_equal(rec.patient.referral_date, CSVIN_NO_DATE);
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
	expect_reason(CSVIN_PATIENTS, PH, "P1,Dr. K,\x7f,,,", "name has control characters or invalid UTF-8");
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

/* Reads 'n' bytes as a session file with 'o'; fills the records' reasons
 * ("ok" for valid rows, "value/value" of fatigue and pain) into 'out'. */
static int read_all(const char *text, size_t n, const struct csvin_opts *o, struct strbuf *out,
		    struct error *err)
{
	FILE *fp = fmemopen((void *)text, n, "rb");
	struct csvin_reader *r;
	struct csvin_record rec;
	int rc;
	assert_non_null(fp);
	r = csvin_open_opts("mem.csv", fp, CSVIN_SESSIONS, M, 5, o, err);
	if (!r) {
		fclose(fp);
		return -2;
	}
	while ((rc = csvin_next(r, &rec, err)) == 1) {
		if (rec.reason)
			sb_addf(out, "%ld:%s|", rec.line, rec.reason);
		else
			sb_addf(out, "%ld:%g/%g/%ld/%s|", rec.line, rec.session.score[0],
				rec.session.score[3], rec.session.date,
				rec.session.therapist ? rec.session.therapist : "-");
	}
	csvin_free(r);
	fclose(fp);
	return rc;
}

static void expect_rows(const char *text, size_t n, const struct csvin_opts *o, const char *want)
{
	struct strbuf out = STRBUF_INIT;
	struct error err = ERROR_INIT;
	int rc = read_all(text, n, o, &out, &err);
	if (rc != 0)
		fail_msg("read failed (%d): %s", rc, err.reason ? err.reason : "?");
	if (strcmp(out.buf ? out.buf : "", want) != 0)
		fail_msg("got '%s', want '%s'", out.buf ? out.buf : "", want);
	sb_release(&out);
	error_release(&err);
}

/* The file is refused at 'line' with a reason containing 'want'. */
static void expect_refused(const char *text, size_t n, const struct csvin_opts *o, long line,
			   const char *want)
{
	struct strbuf out = STRBUF_INIT;
	struct error err = ERROR_INIT;
	int rc = read_all(text, n, o, &out, &err);
	if (rc == 0)
		fail_msg("not refused: '%s'", out.buf ? out.buf : "");
	if (!err.reason || !strstr(err.reason, want))
		fail_msg("reason '%s' lacks '%s'", err.reason ? err.reason : "", want);
	if (err.line != line)
		fail_msg("refused at line %ld, want %ld (%s)", err.line, line, err.reason);
	sb_release(&out);
	error_release(&err);
}

#define ROWS(t, o, w) expect_rows(t, sizeof(t) - 1, o, w)

static void test_dialects(void **state)
{
	static const struct csvin_opts dmy = { NULL, CSVIN_DATE_DMY }, mdy = { NULL, CSVIN_DATE_MDY };
	(void)state;
	/* 20089 = 2025-01-01, 20120 = 2025-02-01 */
	ROWS("patient_id;session_date;fatigue;sleep;focus;pain\r\nP1;01.02.2025;7,5;1;1;0,25\r\n",
	     NULL, "2:7.5/0.25/20120/-|");
	ROWS("patient_id\tsession_date\tfatigue\tsleep\tfocus\tpain\nP1\t2025-01-01\t7,5\t1\t1\t10\n",
	     NULL, "2:7.5/10/20089/-|");
	/* A comma inside quotes does not count for the delimiter. */
	expect_refused("\"patient_id\";\"session_date\";\"fatigue,x\"\n", 40, NULL, 1,
		       "unknown column 'fatigue,x'");
	ROWS("patient_id;session_date;fatigue;sleep;focus;pain;therapist\n"
	     "P1;2025-01-01;1;1;1;1;\"M\u00fcller, J\"\nP1;2025-01-02;1.5;1;1;7,5,1;a,b\n", NULL,
	     "2:1/1/20089/M\u00fcller, J|3:pain is not a score 0-10: '7,5,1'|");
	/* Header names trimmed; empty header columns ignored while empty. */
	ROWS(" patient_id ,\tsession_date, fatigue ,sleep,focus,pain,,\n"
	     "P1,2025-01-01,1,1,1,1,,\nP1,2025-01-02,2,1,1,1\nP1,2025-01-03,3,1,1,1,,x\n"
	     "P1,2025-01-04,4,1,1,1,,,\nP1,2025-01-05,5,1,1\n", NULL,
	     "2:1/1/20089/-|3:2/1/20090/-|4:column 8 has a value but no header: 'x'|"
	     "5:4/1/20092/-|6:has 5 fields, the header has 8|");
	ROWS("patient_id,,session_date,fatigue,sleep,focus,pain\nP1,,2025-01-01,1,1,1,1\n"
	     "P1,y,2025-01-02,1,1,1,1\n", NULL,
	     "2:1/1/20089/-|3:column 2 has a value but no header: 'y'|");
	/* Slash dates only when the order is given. */
	ROWS("patient_id,session_date,fatigue,sleep,focus,pain\nP1,01/02/2025,1,1,1,1\n"
	     "P1,13/01/2025,1,1,1,1\n", &dmy, "2:1/1/20120/-|3:1/1/20101/-|");
	ROWS("patient_id,session_date,fatigue,sleep,focus,pain\nP1,01/02/2025,1,1,1,1\n"
	     "P1,13/01/2025,1,1,1,1\n", &mdy,
	     "2:1/1/20090/-|3:session_date is not a real date (MM/DD/YYYY): '13/01/2025'|");
}

#define NO LONG_MIN /* not a date */

static void test_parse_date(void **state)
{
	static const struct { const char *s; enum csvin_date_format f; long want; } cases[] = {
		{ "2024-02-29", CSVIN_DATE_NO_SLASH, 19782 },
		{ "29.02.2024", CSVIN_DATE_NO_SLASH, 19782 },
		{ "29.02.2023", CSVIN_DATE_NO_SLASH, NO },
		{ "31.12.1899", CSVIN_DATE_NO_SLASH, NO },
		{ "01.01.1900", CSVIN_DATE_NO_SLASH, -25567 },
		{ "1.1.2025", CSVIN_DATE_NO_SLASH, 20089 }, /* D.M.YYYY: no leading zeros */
		{ "0.1.2025", CSVIN_DATE_NO_SLASH, NO },
		{ "1.13.2025", CSVIN_DATE_NO_SLASH, NO },
		{ "123.1.2025", CSVIN_DATE_NO_SLASH, NO },
		{ "1.1.02025", CSVIN_DATE_NO_SLASH, NO },
		{ "03.02.25", CSVIN_DATE_NO_SLASH, NO }, /* two-digit year */
		/* year first with slashes (Gnumeric): no option needed */
		{ "2025/02/03", CSVIN_DATE_NO_SLASH, 20122 },
		{ "2025/2/3", CSVIN_DATE_NO_SLASH, 20122 },
		{ "2025/02/03", CSVIN_DATE_MDY, 20122 },
		{ "2025/02/29", CSVIN_DATE_NO_SLASH, NO },
		{ "2024/02/29", CSVIN_DATE_NO_SLASH, 19782 },
		{ "2025/02/03/", CSVIN_DATE_NO_SLASH, NO },
		{ "2025/002/03", CSVIN_DATE_NO_SLASH, NO },
		{ "2025-2-3", CSVIN_DATE_NO_SLASH, NO },
		/* no leading zeros under --date-format (US Excel: 1/20/2026) */
		{ "1/20/2026", CSVIN_DATE_MDY, 20473 },
		{ "1/20/2026", CSVIN_DATE_DMY, NO },
		{ "1/20/2026", CSVIN_DATE_NO_SLASH, NO },
		{ "20/1/2026", CSVIN_DATE_DMY, 20473 },
		{ "2/29/2024", CSVIN_DATE_MDY, 19782 },
		{ "2/29/2023", CSVIN_DATE_MDY, NO },
		{ "1/20/26", CSVIN_DATE_MDY, NO }, /* two-digit year */
		{ "2025.01.01", CSVIN_DATE_NO_SLASH, NO },
		{ "29/02/2024", CSVIN_DATE_NO_SLASH, NO },
		{ "29/02/2024", CSVIN_DATE_DMY, 19782 },
		{ "02/29/2024", CSVIN_DATE_MDY, 19782 },
		{ "29/02/2024", CSVIN_DATE_MDY, NO },
		{ "29.02/2024", CSVIN_DATE_DMY, NO },
		{ "+1.02.2024", CSVIN_DATE_NO_SLASH, NO },
		{ "31.12.1969", CSVIN_DATE_NO_SLASH, -1 }, /* a date, not an error */
		{ "01.01.1970", CSVIN_DATE_NO_SLASH, 0 },
	};
	size_t i;
	enum csvin_date_format f;
	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long d = 12345;
		int rc = csvin_parse_date(cases[i].s, strlen(cases[i].s), cases[i].f, &d);
		if ((rc < 0 ? NO : d) != cases[i].want)
			fail_msg("%s (format %d): rc %d, %ld, want %ld", cases[i].s, cases[i].f, rc, d,
				 cases[i].want);
	}
	assert_int_equal(csvin_date_format_parse("dd/mm/yyyy", &f), 0);
	assert_int_equal(f, CSVIN_DATE_DMY);
	assert_int_equal(csvin_date_format_parse("MM/DD/YYYY", &f), 0);
	assert_int_equal(f, CSVIN_DATE_MDY);
	assert_int_equal(csvin_date_format_parse("YYYY-MM-DD", &f), -1);
}

static void test_encodings(void **state)
{
	static const struct csvin_opts cp1252 = { "windows-1252", CSVIN_DATE_NO_SLASH };
	static const char h[] = "patient_id,session_date,fatigue,sleep,focus,pain,therapist\n";
	static const char u16le[] = "\xff\xfep\0,\0s\0e\0s\0s\0i\0o\0n\0_\0d\0a\0t\0e\0";
	char buf[300];
	struct strbuf big = STRBUF_INIT;
	size_t n, i;
	(void)state;
	n = (size_t)snprintf(buf, sizeof(buf), "%sP1,2025-01-01,1,1,1,1,J\xfcrgen\n", h);
	expect_rows(buf, n, &cp1252, "2:1/1/20089/J\u00fcrgen|");
	/* Invalid in the encoding read: refused at its line, naming it and the option. */
	expect_refused(buf, n, NULL, 2, "not valid UTF-8 (byte 0xfc at offset 82); name the file's "
		       "encoding with --encoding NAME");
	n = (size_t)snprintf(buf, sizeof(buf), "%sP1,2025-01-01,1,1,1,1,A\nP1,2025-01-02,1,1,1,1,\x81\n", h);
	expect_refused(buf, n, &cp1252, 3, "not valid WINDOWS-1252 (byte 0x81");
	n = (size_t)snprintf(buf, sizeof(buf), "%sP1,2025-01-01,1,1,1,1,\xed\xa0\x80\n", h);
	expect_refused(buf, n, NULL, 2, "not valid UTF-8 (byte 0xed"); /* a surrogate */
	n = (size_t)snprintf(buf, sizeof(buf), "%sP1,2025-01-01,1,1,1,1,\xc3", h);
	expect_refused(buf, n, NULL, 2, "ends inside a character");
	/* A BOM decides, whatever --encoding says. */
	n = (size_t)snprintf(buf, sizeof(buf), "\xef\xbb\xbf%sP1,2025-01-01,1,1,1,1,\xc3\xbc\n", h);
	expect_rows(buf, n, &cp1252, "2:1/1/20089/\u00fc|");
	/* UTF-16 LE and BE by BOM; odd length and lone surrogates refused. */
	for (i = 0; h[i]; i++)
		sb_addc(&big, h[i]), sb_addc(&big, '\0');
	{
		struct strbuf le = STRBUF_INIT, be = STRBUF_INIT;
		static const char row[] = "P1,2025-01-01,1,1,1,1,Z\xc3\xab\n";
		sb_add(&le, "\xff\xfe", 2);
		sb_add(&be, "\xfe\xff", 2);
		for (i = 0; h[i]; i++) {
			sb_addc(&le, h[i]), sb_addc(&le, '\0');
			sb_addc(&be, '\0'), sb_addc(&be, h[i]);
		}
		for (i = 0; row[i]; i++) {
			unsigned c = (unsigned char)row[i];
			if (c == 0xc3) { /* U+00EB */
				sb_add(&le, "\xeb\0", 2);
				sb_add(&be, "\0\xeb", 2);
				i++;
				continue;
			}
			sb_addc(&le, (char)c), sb_addc(&le, '\0');
			sb_addc(&be, '\0'), sb_addc(&be, (char)c);
		}
		expect_rows(le.buf, le.len, NULL, "2:1/1/20089/Z\u00eb|");
		expect_rows(be.buf, be.len, NULL, "2:1/1/20089/Z\u00eb|");
		expect_refused(le.buf, le.len - 1, NULL, 2, "not valid UTF-16LE: the file ends inside a character");
		sb_add(&le, "P\0\0\xdc", 4); /* a low surrogate alone */
		expect_refused(le.buf, le.len, NULL, 3, "not valid UTF-16LE (byte");
		sb_release(&le);
		sb_release(&be);
	}
	expect_refused(u16le, sizeof(u16le) - 1, NULL, 1, "unknown column 'p'");
	sb_release(&big);
}

/* A character cut by the decoder's buffer boundary comes out whole. */
static void test_chunk_boundary(void **state)
{
	static const char h[] = "patient_id,session_date,fatigue,sleep,focus,pain,notes\n";
	struct strbuf t = STRBUF_INIT;
	size_t pad;
	(void)state;
	for (pad = 65530; pad < 65540; pad++) {
		struct strbuf out = STRBUF_INIT;
		struct error err = ERROR_INIT;
		sb_reset(&t);
		sb_adds(&t, h);
		while (t.len + 100 < pad)
			sb_adds(&t, "P1,2025-01-01,1,1,1,1,\n");
		sb_adds(&t, "P1,2025-01-01,1,1,1,1,");
		while (t.len < pad)
			sb_addc(&t, 'x');
		sb_adds(&t, "\xf0\x9f\x98\x80\xc3\xbc\n");
		/* No reason (they have letters), the file not refused. */
		if (read_all(t.buf, t.len, NULL, &out, &err) != 0 ||
		    strpbrk(out.buf, "abcdefghijklmnopqrstuvwxyz"))
			fail_msg("pad %zu: %s %s", pad, out.buf ? out.buf : "", err.reason ? err.reason : "");
		sb_release(&out);
		error_release(&err);
	}
	sb_release(&t);
}

/* csvin_sniff: patients, sessions, therapists (also from an open file), and
 * a file it cannot read, with why. */
static void test_sniff(void **state)
{
	char dir[] = "/tmp/test_csvin.XXXXXX", path[64];
	struct error err = ERROR_INIT;
	FILE *f;
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/p.csv", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("patient_id,referrer,indication,birth_year\nP1,Dr A,neck,1970\n", f);
	fclose(f);
	assert_int_equal(csvin_sniff(path, NULL, &err), 1);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("patient_id,session_date,fatigue,sleep,focus,pain\n", f);
	fclose(f);
	assert_int_equal(csvin_sniff(path, NULL, &err), 0);
	assert_null(err.reason);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("therapist,credentials,email\nAnna Berg,physiotherapist,a@example.org\n", f);
	fclose(f);
	assert_int_equal(csvin_sniff(path, NULL, &err), CSVIN_THERAPISTS);
	/* From an open file: told, and the file left at its start. */
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(getc(f), 't');
	rewind(f);
	assert_int_equal(csvin_sniff(path, f, &err), CSVIN_THERAPISTS);
	assert_int_equal(ftell(f), 0);
	assert_int_equal(getc(f), 't');
	fclose(f);
	unlink(path);
	assert_int_equal(csvin_sniff(path, NULL, &err), -1);
	assert_non_null(strstr(err.reason, "cannot open"));
	error_release(&err);
	assert_int_equal(csvin_sniff(dir, NULL, &err), -1);
	assert_non_null(strstr(err.reason, "Is a directory"));
	error_release(&err);
	rmdir(dir);
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
		cmocka_unit_test(test_dialects),
		cmocka_unit_test(test_parse_date),
		cmocka_unit_test(test_encodings),
		cmocka_unit_test(test_chunk_boundary),
		cmocka_unit_test(test_sniff),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
