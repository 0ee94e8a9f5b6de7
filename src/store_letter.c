/*
 * store_letter.c - the referral letter's data: a patient's letter fields, a course's visits (attendance, adverse events, therapists), a therapist's signature.
 * The store's shared parts are in store_int.h; see store.h.
 */
#include "store.h"
#include "store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The referral letter's data ------------------------------------------ */

void store_visits_clear(struct store_course_visits *v)
{
	size_t i;
	free(v->name);
	free(v->referral_reason);
	for (i = 0; i < v->n; i++) {
		free(v->visit[i].therapist);
		free(v->visit[i].notes);
		free(v->visit[i].adverse_event);
	}
	free(v->visit);
	memset(v, 0, sizeof(*v));
	v->referral_date = CSVIN_NO_DATE;
}

void store_course_visits_release(struct store_course_visits *v)
{
	store_visits_clear(v);
}

static int patient_letter_fields(struct store *s, const char *pid, sqlite3_int64 *rowid,
				 struct store_course_visits *v, struct error *err)
{
	sqlite3_stmt *st = store_bound(s, err, "SELECT id, name, referral_reason, referral_date,"
				    " planned_sessions FROM patients WHERE patient_id=?", "t", pid);
	int rc;
	if (!st)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*rowid = sqlite3_column_int64(st, 0);
		v->name = store_col_dup(st, 1);
		v->referral_reason = store_col_dup(st, 2);
		if (sqlite3_column_type(st, 3) != SQLITE_NULL)
			v->referral_date = (long)sqlite3_column_int64(st, 3);
		v->planned_sessions = sqlite3_column_int(st, 4);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return store_sql_fail(s, err, "cannot read patient");
	return 0;
}

int store_patient_referral(struct store *s, const char *pid, long *referral_date,
			   int *planned, struct error *err)
{
	struct store_course_visits v;
	sqlite3_int64 rowid = 0;
	int rc;
	memset(&v, 0, sizeof(v));
	v.referral_date = CSVIN_NO_DATE;
	rc = patient_letter_fields(s, pid, &rowid, &v, err);
	*referral_date = v.referral_date;
	*planned = v.planned_sessions;
	store_visits_clear(&v);
	return rc;
}

/* The patient's last attended derived-course session before 'date' into
 * *d (STORE_DATE_OPEN when none); 0 or -1. */
static int previous_date(struct store *s, sqlite3_int64 patient, long date, long *d,
			 struct error *err)
{
	sqlite3_stmt *st = store_bound(s, err, "SELECT max(session_date) FROM sessions WHERE patient=?1"
				    " AND label='' AND attendance IS NULL AND session_date<?2", "ii",
				 patient, (sqlite3_int64)date);
	int rc;
	*d = STORE_DATE_OPEN;
	if (!st)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		*d = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_sql_fail(s, err, "cannot read sessions");
	return 0;
}

/*
 * The dates [*lo, *hi] whose rows belong to derived course c: after its last
 * session up to the gap, before its first up to the gap unless the previous
 * course (within the gap of it) claims them.
 */
static int derived_window(struct store *s, const struct store_course *c, sqlite3_int64 patient,
			  long *lo, long *hi, struct error *err)
{
	long gap = store_course_gap(s);
	long prev;
	if (previous_date(s, patient, c->date[0], &prev, err) < 0)
		return -1;
	*lo = c->date[0] - gap;
	if (prev != STORE_DATE_OPEN && *lo <= prev + gap)
		*lo = prev + gap + 1;
	*hi = c->date[c->n - 1] + gap;
	return 0;
}

static void add_visit(struct store_course_visits *v, size_t *cap, sqlite3_stmt *st)
{
	struct store_visit *x;
	const unsigned char *a = sqlite3_column_text(st, 1);
	v->visit = xgrow(v->visit, cap, v->n + 1, sizeof(*v->visit));
	x = &v->visit[v->n++];
	x->date = (long)sqlite3_column_int64(st, 0);
	x->attendance = !a ? CSVIN_ATTENDED
			: !strcmp((const char *)a, "cancelled") ? CSVIN_CANCELLED : CSVIN_NO_SHOW;
	x->therapist = store_col_dup(st, 2);
	x->notes = store_col_dup(st, 3);
	x->adverse_event = store_col_dup(st, 4);
	if (x->attendance == CSVIN_ATTENDED)
		v->attended++;
	else if (x->attendance == CSVIN_CANCELLED)
		v->cancelled++;
	else
		v->no_show++;
	if (x->adverse_event)
		v->adverse_events++;
}

int store_course_visits(struct store *s, const struct store_course *c,
			struct store_course_visits *v, struct error *err)
{
	sqlite3_stmt *st;
	sqlite3_int64 patient = 0;
	long lo = LONG_MIN / 2, hi = LONG_MAX / 2;
	size_t cap = 0;
	int rc;
	memset(v, 0, sizeof(*v));
	v->referral_date = CSVIN_NO_DATE;
	if (c->n == 0)
		BUG("a course without sessions");
	if (patient_letter_fields(s, c->patient_id, &patient, v, err) < 0 ||
	    (c->derived && derived_window(s, c, patient, &lo, &hi, err) < 0)) {
		store_visits_clear(v);
		return -1;
	}
	st = store_bound(s, err, "SELECT session_date, attendance, therapist, notes, adverse_event"
			   " FROM sessions WHERE patient=? AND label=? AND session_date BETWEEN ? AND ?"
			   " ORDER BY session_date", "itii", patient, c->derived ? "" : c->course_id,
		   (sqlite3_int64)lo, (sqlite3_int64)hi);
	if (!st) {
		store_visits_clear(v);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		add_visit(v, &cap, st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_visits_clear(v);
		return store_sql_fail(s, err, "cannot read sessions");
	}
	return 0;
}

int store_therapist_get(struct store *s, const char *name, struct store_therapist *t,
			struct error *err)
{
	sqlite3_stmt *st = store_bound(s, err, "SELECT name, credentials, email FROM therapists"
				    " WHERE name=?", "t", name);
	int rc;
	memset(t, 0, sizeof(*t));
	if (!st)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		t->name = store_col_dup(st, 0);
		t->credentials = store_col_dup(st, 1);
		t->email = store_col_dup(st, 2);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_sql_fail(s, err, "cannot read therapists");
	return rc == SQLITE_ROW;
}

void store_therapist_release(struct store_therapist *t)
{
	free(t->name);
	free(t->credentials);
	free(t->email);
	memset(t, 0, sizeof(*t));
}
