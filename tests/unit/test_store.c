/* test_store.c - unit tests of the store: creation, schema versions, a
 * damaged file, ingest outcomes, rollback, courses derived on read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <math.h>

#include "store.h"

/* A YYYY-MM-DD as days since 1970-01-01 (the test's dates are real). */
static long day(const char *s)
{
	long d = 0;
	assert_int_equal(date_parse(s, 10, &d), 0);
	return d;
}

static char dir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/symtrend-test-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *path(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static struct store *open_new(const char *name)
{
	struct store *s = NULL;
	struct error err = ERROR_INIT;
	char *p = path(name);
	assert_int_equal(store_open(p, STORE_WRITE | STORE_CREATE, &s, &err), 0);
	free(p);
	return s;
}

static void test_create(void **state)
{
	struct store *s;
	struct stat st;
	char *p = path("a.db");
	struct error err = ERROR_INIT;
	(void)state;
	s = open_new("a.db");
	assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
	assert_int_equal(store_measure_count(s), 4);
	assert_string_equal(store_measure_name(s, 3), "pain");
	assert_int_equal(store_add_measure(s, "dizziness", &err), 0);
	assert_int_equal(store_add_measure(s, "dizziness", &err), 1);
	assert_int_equal(store_add_measure(s, "Bad", &err), -1);
	error_release(&err);
	store_free(s);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* Reopened read-only it knows the declared measure. */
	assert_int_equal(store_open(p, 0, &s, &err), 0);
	assert_int_equal(store_measure_index(s, "dizziness"), 4);
	store_free(s);
	free(p);
}

static void test_refusals(void **state)
{
	struct store *s = NULL;
	struct error err = ERROR_INIT;
	char *p = path("junk.db"), *q = path("new.db"), *cmd;
	FILE *f = fopen(p, "w");
	struct stat before, after;
	(void)state;
	fputs("this is not a database, but it is somebody's file\n", f);
	fclose(f);
	stat(p, &before);
	assert_int_equal(store_open(p, STORE_WRITE | STORE_CREATE, &s, &err), -1);
	assert_non_null(strstr(err.reason, "not overwritten"));
	error_release(&err);
	stat(p, &after);
	assert_int_equal(before.st_size, after.st_size);
	/* A newer schema is refused, never migrated backwards. */
	s = open_new("new.db");
	store_free(s);
	cmd = xasprintf("sqlite3 '%s' 'PRAGMA user_version=99'", q);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(store_open(q, STORE_WRITE, &s, &err), -1);
	assert_non_null(strstr(err.reason, "newer than this symtrend"));
	error_release(&err);
	free(cmd);
	free(p);
	free(q);
}

static struct csvin_session row(const char *pid, const char *course, const char *date, double f)
{
	struct csvin_session r;
	memset(&r, 0, sizeof(r));
	r.patient_id = pid;
	r.course_id = course;
	if (date_parse(date, 10, &r.date) < 0)
		r.date = 0;
	r.score[0] = f;
	r.has[0] = 1;
	r.score[3] = 2;
	r.has[3] = 1;
	return r;
}

static void test_ingest(void **state)
{
	struct store *s = open_new("b.db");
	struct error err = ERROR_INIT;
	struct store_ingest_counts c = { 3, 1, 1, 0, 1 };
	enum store_outcome o;
	struct csvin_session r;
	long np, ns, nf;
	(void)state;
	assert_int_equal(store_ingest_begin(s, "x.csv", "sessions", &err), 0);
	r = row("P1", NULL, "2025-01-01", 5);
	assert_int_equal(store_ingest_session(s, &r, 2, &o, &err), 0);
	assert_int_equal(o, STORE_STORED);
	assert_int_equal(store_ingest_session(s, &r, 3, &o, &err), 0);
	assert_int_equal(o, STORE_DUPLICATE);
	r.score[0] = 6;
	assert_int_equal(store_ingest_session(s, &r, 4, &o, &err), 0);
	assert_int_equal(o, STORE_CONFLICT);
	r.has[3] = 0;
	r.score[0] = 5;
	assert_int_equal(store_ingest_session(s, &r, 5, &o, &err), 0);
	assert_int_equal(o, STORE_CONFLICT); /* a score missing on one side differs */
	assert_int_equal(store_ingest_commit(s, &c, 10, "00", &err), 0);
	/* A rolled-back file leaves nothing behind, not even its log entry. */
	assert_int_equal(store_ingest_begin(s, "y.csv", "sessions", &err), 0);
	r = row("P2", NULL, "2025-01-01", 5);
	assert_int_equal(store_ingest_session(s, &r, 2, &o, &err), 0);
	store_ingest_rollback(s);
	assert_int_equal(store_counts(s, &np, &ns, &nf), 0);
	assert_int_equal(np, 1);
	assert_int_equal(ns, 1);
	assert_int_equal(nf, 1);
	assert_int_equal(store_file_known(s, "00", &err), 1);
	assert_int_equal(store_file_known(s, "11", &err), 0);
	{
		long last = -1;
		assert_int_equal(store_last_file_id(s, &last, &err), 0);
		assert_int_equal(last, 1);
	}
	store_free(s);
}

static void test_courses(void **state)
{
	static const char *const dates[] = { "2025-01-01", "2025-01-05", "2025-04-06",
					     "2025-04-10", "2025-07-10" };
	struct store *s = open_new("c.db");
	struct error err = ERROR_INIT;
	struct store_ingest_counts c = { 0, 0, 0, 0, 0 };
	struct store_filter f = STORE_FILTER_INIT;
	struct store_iter *it;
	struct store_course co;
	enum store_outcome o;
	struct csvin_session r;
	size_t i;
	(void)state;
	memset(&co, 0, sizeof(co));
	assert_int_equal(store_ingest_begin(s, "x.csv", "sessions", &err), 0);
	/* Out of date order on purpose: courses come from dates, not file order. */
	for (i = 5; i-- > 0;) {
		r = row("P1", NULL, dates[i], (double)i);
		assert_int_equal(store_ingest_session(s, &r, (long)i, &o, &err), 0);
	}
	r = row("P1", "K", "2025-01-02", 9);
	assert_int_equal(store_ingest_session(s, &r, 9, &o, &err), 0);
	assert_int_equal(store_ingest_commit(s, &c, 0, "", &err), 0);
	assert_int_equal(store_iter_open(s, &f, &it, &err), 0);
	/* 2025-01-05 -> 04-06 is 91 days: a new course; 04-10 -> 07-10 is 91 too. */
	assert_int_equal(store_iter_next(it, &co, &err), 1);
	assert_string_equal(co.course_id, "P1-C1");
	assert_int_equal(co.n, 2);
	assert_true(co.score[0] == 0 && co.score[co.nmeasures] == 1);
	assert_true(isnan(co.score[1]));
	assert_int_equal(store_iter_next(it, &co, &err), 1);
	assert_string_equal(co.course_id, "P1-C2");
	assert_int_equal(co.n, 2);
	assert_int_equal(store_iter_next(it, &co, &err), 1);
	assert_string_equal(co.course_id, "P1-C3");
	assert_int_equal(store_iter_next(it, &co, &err), 1);
	assert_string_equal(co.course_id, "K");
	assert_false(co.derived);
	assert_int_equal(store_iter_next(it, &co, &err), 0);
	store_iter_free(it);
	/* A wider gap merges them; filters pick one course. */
	store_set_course_gap(s, 100); /* the command sets what settings_load read */
	f.course_id = "P1-C1";
	assert_int_equal(store_iter_open(s, &f, &it, &err), 0);
	assert_int_equal(store_iter_next(it, &co, &err), 1);
	assert_string_equal(co.course_id, "P1-C1");
	assert_int_equal(co.n, 5);
	assert_int_equal(store_iter_next(it, &co, &err), 0);
	store_iter_free(it);
	store_course_release(&co);
	store_free(s);
}

/* A version 2 database (as symtrend 2 left it) is migrated forward on open
 * for writing: its sessions are kept and read as attended. */
static void test_migrate_v2(void **state)
{
	struct store *s = open_new("m.db");
	struct error err = ERROR_INIT;
	struct store_ingest_counts c = { 0, 0, 0, 0, 0 };
	struct store_filter f = STORE_FILTER_INIT;
	struct store_iter *it;
	struct store_course co;
	enum store_outcome o;
	struct csvin_session r;
	char *p = path("m.db"), *cmd;
	(void)state;
	memset(&co, 0, sizeof(co));
	assert_int_equal(store_ingest_begin(s, "x.csv", "sessions", &err), 0);
	r = row("P1", NULL, "2025-01-01", 5);
	assert_int_equal(store_ingest_session(s, &r, 2, &o, &err), 0);
	assert_int_equal(store_ingest_commit(s, &c, 0, "", &err), 0);
	store_free(s);
	cmd = xasprintf("sqlite3 '%s' 'DROP TABLE alert_acks; ALTER TABLE alerts DROP COLUMN open;"
			" ALTER TABLE alerts DROP COLUMN said; ALTER TABLE alerts DROP COLUMN session_date;"
			" ALTER TABLE alerts DROP COLUMN closed;"
			" DROP TABLE alert_reports; DROP TABLE alert_runs;"
			" DROP TABLE audit; DROP TABLE audit_key; DROP TABLE output_dirs;"
			" DROP TABLE therapists;"
			" ALTER TABLE sessions DROP COLUMN attendance;"
			" ALTER TABLE sessions DROP COLUMN adverse_event;"
			" ALTER TABLE patients DROP COLUMN name;"
			" ALTER TABLE patients DROP COLUMN referral_reason;"
			" ALTER TABLE patients DROP COLUMN referral_date;"
			" ALTER TABLE patients DROP COLUMN planned_sessions;"
			" PRAGMA user_version=2'", p);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	/* read-only it is refused with the way out; writable it is migrated */
	assert_int_equal(store_open(p, 0, &s, &err), -1);
	assert_non_null(strstr(err.reason, "needs 'symtrend init' (schema version 2, want"));
	{
		char want[64];
		snprintf(want, sizeof(want), "(schema version 2, want %d)", STORE_SCHEMA_VERSION);
		assert_non_null(strstr(err.reason, want));
	}
	error_release(&err);
	assert_int_equal(store_open(p, STORE_WRITE, &s, &err), 0);
	assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
	assert_int_equal(store_iter_open(s, &f, &it, &err), 0);
	assert_int_equal(store_iter_next(it, &co, &err), 1);
	assert_int_equal(co.n, 1);
	assert_true(co.score[0] == 5);
	store_iter_free(it);
	{
		struct store_course_visits v;
		assert_int_equal(store_course_visits(s, &co, &v, &err), 0);
		assert_int_equal(v.attended, 1);
		assert_int_equal(v.cancelled + v.no_show, 0);
		assert_null(v.name);
		assert_int_equal(v.referral_date, CSVIN_NO_DATE);
		store_course_visits_release(&v);
	}
	/* the new columns are usable */
	assert_int_equal(store_ingest_begin(s, "y.csv", "sessions", &err), 0);
	r = row("P1", NULL, "2025-01-02", 0);
	r.has[0] = r.has[3] = 0;
	r.attendance = CSVIN_CANCELLED;
	assert_int_equal(store_ingest_session(s, &r, 2, &o, &err), 0);
	assert_int_equal(o, STORE_STORED);
	assert_int_equal(store_ingest_commit(s, &c, 0, "", &err), 0);
	store_course_release(&co);
	store_free(s);
	free(p);
}

static struct csvin_session missed(const char *pid, const char *course, const char *date,
				   enum csvin_attendance a)
{
	struct csvin_session r = row(pid, course, date, 0);
	r.has[0] = r.has[3] = 0;
	r.attendance = a;
	return r;
}

static void ingest_rows(struct store *s, const struct csvin_session *r, size_t n)
{
	struct error err = ERROR_INIT;
	struct store_ingest_counts c = { 0, 0, 0, 0, 0 };
	enum store_outcome o;
	size_t i;
	assert_int_equal(store_ingest_begin(s, "v.csv", "sessions", &err), 0);
	for (i = 0; i < n; i++) {
		assert_int_equal(store_ingest_session(s, &r[i], (long)i + 2, &o, &err), 0);
		assert_int_equal(o, STORE_STORED);
	}
	assert_int_equal(store_ingest_commit(s, &c, 0, "", &err), 0);
}

/* Cancelled and no-show rows: not sessions for the statistics, but stored,
 * counted and assigned to a course for the letter (rule at its edges). */
static void test_visits(void **state)
{
	struct store *s = open_new("v.db");
	struct error err = ERROR_INIT;
	struct store_filter f = STORE_FILTER_INIT;
	struct store_iter *it;
	struct store_course co;
	struct store_course_visits v;
	struct csvin_session r[10];
	enum store_outcome o;
	long np, ns, nf;
	(void)state;
	memset(&co, 0, sizeof(co));
	/* Course 1: 01-10 .. 01-20; course 2 starts 2025-07-01 (gap 90). */
	r[0] = missed("P1", NULL, "2024-10-12", CSVIN_NO_SHOW);    /* 90 days before: course 1 */
	r[1] = missed("P1", NULL, "2024-10-11", CSVIN_CANCELLED);  /* 91 days before: none */
	r[2] = row("P1", NULL, "2025-01-10", 6);
	r[3] = missed("P1", NULL, "2025-01-15", CSVIN_CANCELLED);
	r[4] = row("P1", NULL, "2025-01-20", 5);
	r[4].adverse_event = "headache that evening";
	r[5] = missed("P1", NULL, "2025-04-20", CSVIN_NO_SHOW);    /* last + 90: course 1 */
	r[6] = missed("P1", NULL, "2025-04-21", CSVIN_CANCELLED);  /* last + 91: course 2 */
	r[7] = row("P1", NULL, "2025-07-01", 4);
	r[8] = missed("P1", "K", "2025-03-01", CSVIN_CANCELLED);   /* a named course */
	r[9] = row("P1", "K", "2025-03-05", 3);
	ingest_rows(s, r, 10);
	assert_int_equal(store_counts(s, &np, &ns, &nf), 0);
	assert_int_equal(ns, 4); /* attended sessions only */
	assert_int_equal(store_iter_open(s, &f, &it, &err), 0);
	assert_int_equal(store_iter_next(it, &co, &err), 1);
	assert_string_equal(co.course_id, "P1-C1");
	assert_int_equal(co.n, 2); /* session_no counts attended sessions only */
	assert_int_equal(store_course_visits(s, &co, &v, &err), 0);
	assert_int_equal(v.n, 5);
	assert_int_equal(v.visit[0].date, day("2024-10-12"));
	assert_int_equal(v.visit[0].attendance, CSVIN_NO_SHOW);
	assert_int_equal(v.visit[4].date, day("2025-04-20"));
	assert_int_equal(v.attended, 2);
	assert_int_equal(v.cancelled, 1);
	assert_int_equal(v.no_show, 2);
	assert_int_equal(v.adverse_events, 1);
	assert_string_equal(v.visit[3].adverse_event, "headache that evening");
	store_course_visits_release(&v);
	assert_int_equal(store_iter_next(it, &co, &err), 1);
	assert_string_equal(co.course_id, "P1-C2");
	assert_int_equal(co.n, 1);
	assert_int_equal(store_course_visits(s, &co, &v, &err), 0);
	assert_int_equal(v.n, 2);
	assert_int_equal(v.visit[0].date, day("2025-04-21"));
	assert_int_equal(v.cancelled, 1);
	store_course_visits_release(&v);
	assert_int_equal(store_iter_next(it, &co, &err), 1);
	assert_string_equal(co.course_id, "K");
	assert_int_equal(store_course_visits(s, &co, &v, &err), 0);
	assert_int_equal(v.n, 2);
	assert_int_equal(v.attended + v.cancelled, 2);
	store_course_visits_release(&v);
	assert_int_equal(store_iter_next(it, &co, &err), 0);
	store_iter_free(it);
	/* Same file again: duplicates; a different attendance is a conflict. */
	assert_int_equal(store_ingest_begin(s, "w.csv", "sessions", &err), 0);
	assert_int_equal(store_ingest_session(s, &r[3], 2, &o, &err), 0);
	assert_int_equal(o, STORE_DUPLICATE);
	r[3].attendance = CSVIN_NO_SHOW;
	assert_int_equal(store_ingest_session(s, &r[3], 3, &o, &err), 0);
	assert_int_equal(o, STORE_CONFLICT);
	assert_int_equal(store_ingest_session(s, &r[4], 4, &o, &err), 0);
	assert_int_equal(o, STORE_DUPLICATE);
	r[4].adverse_event = "headache";
	assert_int_equal(store_ingest_session(s, &r[4], 5, &o, &err), 0);
	assert_int_equal(o, STORE_CONFLICT);
	r[4].adverse_event = NULL;
	assert_int_equal(store_ingest_session(s, &r[4], 6, &o, &err), 0);
	assert_int_equal(o, STORE_CONFLICT);
	store_ingest_rollback(s);
	store_course_release(&co);
	store_free(s);
}

static void test_patient_and_therapist(void **state)
{
	struct store *s = open_new("t.db");
	struct error err = ERROR_INIT;
	struct store_ingest_counts c = { 0, 0, 0, 0, 0 };
	struct store_filter f = STORE_FILTER_INIT;
	struct store_iter *it;
	struct store_course co;
	struct store_course_visits v;
	struct store_therapist t;
	struct csvin_patient p = { "P1", "Dr. K", NULL, 1990, "Maria Muster", "fatigue",
				   day("2024-12-01"), 10 };
	struct csvin_therapist th = { "Anna Berg", "certified", "anna@x.org" };
	struct csvin_session r = row("P1", NULL, "2025-01-10", 6);
	enum store_outcome o;
	struct strbuf differs = STRBUF_INIT;
	struct csvin_patient other = p;
	(void)state;
	memset(&co, 0, sizeof(co));
	assert_int_equal(store_ingest_begin(s, "p.csv", "patients", &err), 0);
	assert_int_equal(store_ingest_patient(s, &p, 0, &differs, &o, &err), 0);
	assert_int_equal(o, STORE_STORED);
	/* The same row again is already stored; another name is a conflict that
	 * names the column, not applied. */
	assert_int_equal(store_ingest_patient(s, &p, 0, &differs, &o, &err), 0);
	assert_int_equal(o, STORE_DUPLICATE);
	other.name = "Maria Other";
	assert_int_equal(store_ingest_patient(s, &other, 0, &differs, &o, &err), 0);
	assert_int_equal(o, STORE_CONFLICT);
	assert_string_equal(differs.buf, "name");
	sb_release(&differs);
	assert_int_equal(store_ingest_commit(s, &c, 0, "", &err), 0);
	ingest_rows(s, &r, 1);
	assert_int_equal(store_iter_open(s, &f, &it, &err), 0);
	assert_int_equal(store_iter_next(it, &co, &err), 1);
	store_iter_free(it);
	assert_int_equal(store_course_visits(s, &co, &v, &err), 0);
	assert_string_equal(v.name, "Maria Muster");
	assert_string_equal(v.referral_reason, "fatigue");
	assert_int_equal(v.referral_date, day("2024-12-01"));
	assert_int_equal(v.planned_sessions, 10);
	assert_int_equal(v.attended, 1);
	store_course_visits_release(&v);
	store_course_release(&co);
	/* therapists: new, identical, different (conflict), then updated */
	assert_int_equal(store_therapist_get(s, "Anna Berg", &t, &err), 0);
	assert_int_equal(store_ingest_begin(s, "t.csv", "therapists", &err), 0);
	assert_int_equal(store_ingest_therapist(s, &th, 0, &o, &err), 0);
	assert_int_equal(o, STORE_STORED);
	assert_int_equal(store_ingest_therapist(s, &th, 0, &o, &err), 0);
	assert_int_equal(o, STORE_DUPLICATE);
	th.email = NULL; /* an empty cell says nothing */
	assert_int_equal(store_ingest_therapist(s, &th, 0, &o, &err), 0);
	assert_int_equal(o, STORE_DUPLICATE);
	th.email = "anna.berg@x.org";
	assert_int_equal(store_ingest_therapist(s, &th, 0, &o, &err), 0);
	assert_int_equal(o, STORE_CONFLICT);
	assert_int_equal(store_ingest_commit(s, &c, 0, "", &err), 0);
	assert_int_equal(store_therapist_get(s, "Anna Berg", &t, &err), 1);
	assert_string_equal(t.email, "anna@x.org");
	assert_string_equal(t.credentials, "certified");
	store_therapist_release(&t);
	assert_int_equal(store_ingest_begin(s, "t2.csv", "therapists", &err), 0);
	assert_int_equal(store_ingest_therapist(s, &th, 1, &o, &err), 0);
	assert_int_equal(o, STORE_STORED);
	assert_int_equal(store_ingest_commit(s, &c, 0, "", &err), 0);
	assert_int_equal(store_therapist_get(s, "Anna Berg", &t, &err), 1);
	assert_string_equal(t.email, "anna.berg@x.org");
	assert_string_equal(t.credentials, "certified");
	store_therapist_release(&t);
	store_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_ingest),
		cmocka_unit_test(test_courses),
		cmocka_unit_test(test_migrate_v2),
		cmocka_unit_test(test_visits),
		cmocka_unit_test(test_patient_and_therapist),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
