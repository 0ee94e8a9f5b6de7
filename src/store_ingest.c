/*
 * store_ingest.c - ingest: one file as one transaction, the duplicate and conflict checks against what is stored, the bounded patient cache, the patients and therapists files, the ingest log.
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

/* The statements an ingest keeps prepared, each by its member of struct
 * store: prepared by store_ingest_begin, finalized when the ingest ends. */
static const struct {
	size_t at;
	const char *sql;
} ingest_sql[] = {
	{ offsetof(struct store, ins_session),
	  "INSERT INTO sessions(patient, label, session_date, therapist, notes,"
	  " fatigue, sleep, focus, pain, file, line, attendance, adverse_event)"
	  " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING" },
	{ offsetof(struct store, find_session),
	  "SELECT 0, fatigue, sleep, focus, pain, attendance, adverse_event FROM sessions"
	  " WHERE patient=? AND label=? AND session_date=?" },
	{ offsetof(struct store, first_label),
	  "SELECT label FROM sessions WHERE patient=? ORDER BY label LIMIT 1" },
	{ offsetof(struct store, next_label),
	  "SELECT label FROM sessions WHERE patient=? AND label>? ORDER BY label LIMIT 1" },
	{ offsetof(struct store, ins_extra),
	  "INSERT INTO extra_scores(patient, label, session_date, measure, value)"
	  " VALUES(?,?,?,?,?)" },
	{ offsetof(struct store, get_extra),
	  "SELECT value FROM extra_scores WHERE patient=? AND label=? AND session_date=?"
	  " AND measure=?" },
	{ offsetof(struct store, find_patient),
	  "SELECT id, referrer, indication, birth_year, name, referral_reason, referral_date,"
	  " planned_sessions FROM patients WHERE patient_id=?" },
	{ offsetof(struct store, ins_patient), "INSERT INTO patients(patient_id) VALUES(?)" },
	{ offsetof(struct store, upd_patient),
	  "UPDATE patients SET referrer=coalesce(?2, referrer),"
	  " indication=coalesce(?3, indication), birth_year=coalesce(?4, birth_year),"
	  " name=coalesce(?5, name), referral_reason=coalesce(?6, referral_reason),"
	  " referral_date=coalesce(?7, referral_date),"
	  " planned_sessions=coalesce(?8, planned_sessions) WHERE id=?1" },
	{ offsetof(struct store, find_therapist),
	  "SELECT credentials, email FROM therapists WHERE name=?" },
	{ offsetof(struct store, put_therapist),
	  "INSERT INTO therapists(name, credentials, email, file) VALUES(?1,?2,?3,?4)"
	  " ON CONFLICT(name) DO UPDATE SET credentials=coalesce(?2, credentials),"
	  " email=coalesce(?3, email), file=?4" },
};

static sqlite3_stmt **ingest_stmt(struct store *s, size_t i)
{
	return (sqlite3_stmt **)((char *)s + ingest_sql[i].at);
}

void store_finalize_ingest(struct store *s)
{
	size_t i;
	for (i = 0; i < sizeof(ingest_sql) / sizeof(ingest_sql[0]); i++) {
		sqlite3_finalize(*ingest_stmt(s, i));
		*ingest_stmt(s, i) = NULL;
	}
	for (i = 0; i < PCACHE; i++) {
		free(s->pcache[i].pid);
		free(s->pcache[i].label);
		s->pcache[i].pid = s->pcache[i].label = NULL;
	}
}


void store_ingest_counts_add(struct store_ingest_counts *t, const struct store_ingest_counts *c)
{
	t->rows_read += c->rows_read;
	t->stored += c->stored;
	t->duplicates += c->duplicates;
	t->rejected += c->rejected;
	t->conflicts += c->conflicts;
}

int store_ingest_begin(struct store *s, const char *name, const char *kind, struct error *err)
{
	size_t i;
	s->ingest_end = store_finalize_ingest;
	/*
	 * A file's commit is durable before ingest says "stored" and nightly
	 * moves it to processed/: in WAL mode, NORMAL may lose the last commits
	 * on a power loss; FULL syncs the WAL at commit (one fsync per file).
	 * The level cannot change inside a transaction, so it is set here and
	 * put back when the transaction ends.
	 */
	if (store_exec(s, "PRAGMA synchronous=FULL", err) < 0)
		return -1;
	if (store_exec(s, "BEGIN IMMEDIATE", err) < 0) {
		sqlite3_exec(s->db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
		return -1;
	}
	/* The log row comes first so that sessions can name their file. */
	if (store_run_once(s, store_bound(s, err, "INSERT INTO files(name, kind, size, sha256, ingested_at,"
				  " rows_read, stored, duplicates, rejected, conflicts)"
				  " VALUES(?, ?, 0, '', '', 0, 0, 0, 0, 0)", "tt", name, kind),
		     "cannot log file", err) < 0)
		goto fail;
	s->file_id = sqlite3_last_insert_rowid(s->db);
	for (i = 0; i < sizeof(ingest_sql) / sizeof(ingest_sql[0]); i++)
		if (!(*ingest_stmt(s, i) = store_prepare(s, ingest_sql[i].sql, err)))
			goto fail;
	return 0;
fail:
	store_ingest_rollback(s);
	return -1;
}

static unsigned long hash_str(const char *p)
{
	unsigned long h = 5381;
	while (*p)
		h = h * 33 + (unsigned char)*p++;
	return h;
}

/* Finds or creates a patient; rowid in *id, its cache slot in *out. */
static int patient_slot(struct store *s, const char *pid, sqlite3_int64 *id,
			struct pcache_slot **out, struct error *err)
{
	struct pcache_slot *slot = &s->pcache[hash_str(pid) % PCACHE];
	enum courses_known known = COURSES_UNKNOWN;
	int rc;
	*out = slot;
	if (slot->pid && !strcmp(slot->pid, pid)) {
		*id = slot->rowid;
		return 0;
	}
	sqlite3_reset(s->find_patient);
	sqlite3_bind_text(s->find_patient, 1, pid, -1, SQLITE_STATIC);
	rc = sqlite3_step(s->find_patient);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(s->find_patient, 0);
	} else if (rc == SQLITE_DONE) {
		sqlite3_reset(s->ins_patient);
		sqlite3_bind_text(s->ins_patient, 1, pid, -1, SQLITE_STATIC);
		if (sqlite3_step(s->ins_patient) != SQLITE_DONE)
			return store_sql_fail(s, err, "cannot store patient");
		*id = sqlite3_last_insert_rowid(s->db);
		known = COURSES_NONE;
	} else {
		return store_sql_fail(s, err, "cannot look up patient");
	}
	sqlite3_reset(s->find_patient);
	free(slot->pid);
	free(slot->label);
	slot->pid = xstrdup(pid);
	slot->rowid = *id;
	slot->courses = known;
	slot->label = NULL;
	return 0;
}

int store_patient_rowid(struct store *s, const char *pid, sqlite3_int64 *id, struct error *err)
{
	struct pcache_slot *slot;
	return patient_slot(s, pid, id, &slot, err);
}

/* Whether a nullable text column equals v (NULL and NULL are equal). */
static int same_text(sqlite3_stmt *st, int col, const char *v)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	return (!t && !v) || (t && v && !strcmp((const char *)t, v));
}

/* 1 when the stored session has the same scores (and attendance and adverse
 * event) as the row. */
static int same_scores(struct store *s, const struct csvin_session *row, sqlite3_int64 pid,
		       const char *label, int *same, struct error *err)
{
	size_t m;
	int rc;
	*same = same_text(s->find_session, 5, row->attendance == CSVIN_ATTENDED ? NULL
					       : csvin_attendance_name(row->attendance)) &&
		same_text(s->find_session, 6, row->adverse_event);
	for (m = 0; m < STORE_BUILTIN_MEASURES; m++) {
		int null = sqlite3_column_type(s->find_session, (int)m + 1) == SQLITE_NULL;
		if (null != !row->has[m] ||
		    (!null && sqlite3_column_double(s->find_session, (int)m + 1) != row->score[m]))
			*same = 0;
	}
	for (m = STORE_BUILTIN_MEASURES; m < s->nmeasures && *same; m++) {
		sqlite3_reset(s->get_extra);
		sqlite3_bind_int64(s->get_extra, 1, pid);
		sqlite3_bind_text(s->get_extra, 2, label, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s->get_extra, 3, row->date);
		sqlite3_bind_int64(s->get_extra, 4, s->measure_id[m]);
		rc = sqlite3_step(s->get_extra);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return store_sql_fail(s, err, "cannot read scores");
		if ((rc == SQLITE_ROW) != !!row->has[m] ||
		    (rc == SQLITE_ROW && sqlite3_column_double(s->get_extra, 0) != row->score[m]))
			*same = 0;
		sqlite3_reset(s->get_extra);
	}
	return 0;
}

/* 1 when the patient has a session on the row's date in course 'label'
 * (its scores then in find_session's row), 0 when not, -1 on error. */
static int day_in(struct store *s, const struct csvin_session *row, sqlite3_int64 pid,
		  const char *label, struct error *err)
{
	int rc;
	sqlite3_reset(s->find_session);
	sqlite3_bind_int64(s->find_session, 1, pid);
	sqlite3_bind_text(s->find_session, 2, label, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s->find_session, 3, row->date);
	rc = sqlite3_step(s->find_session);
	if (rc == SQLITE_ROW)
		return 1;
	sqlite3_reset(s->find_session);
	return rc == SQLITE_DONE ? 0 : store_sql_fail(s, err, "cannot read stored session");
}

/* The patient's course label after 'after' (NULL: the first) into 'out':
 * 1 found, 0 no more, -1 error.  One primary-key seek. */
static int next_label(struct store *s, sqlite3_int64 pid, const char *after, struct strbuf *out,
		      struct error *err)
{
	sqlite3_stmt *st = after ? s->next_label : s->first_label;
	int rc;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, pid);
	if (after)
		sqlite3_bind_text(st, 2, after, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		sb_reset(out);
		sb_adds(out, (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_sql_fail(s, err, "cannot read courses");
	return rc == SQLITE_ROW;
}

/*
 * A patient has one session a day, whatever course it is filed under: the
 * stored session of that patient on that date, if any, decides.  Same
 * course and scores: already stored; same course, other scores: a
 * conflict; another course (a derived one when the row names one, or the
 * other way round): a conflict too, never a second copy.  The patient's
 * courses are visited one primary-key seek each (a patient has few); when
 * none holds the date, what was learnt goes to the patient's cache slot,
 * so that the next rows of a patient with one course cost nothing more.
 * 1 when found (outcome set), 0 when not, -1 on error.
 */
static int find_day(struct store *s, const struct csvin_session *row, struct pcache_slot *slot,
		    const char *label, enum store_outcome *outcome, struct error *err)
{
	struct strbuf cur = STRBUF_INIT;
	int rc, same = 1, courses = 0;
	for (rc = next_label(s, slot->rowid, NULL, &cur, err); rc > 0;
	     rc = next_label(s, slot->rowid, cur.buf, &cur, err)) {
		courses++;
		rc = day_in(s, row, slot->rowid, cur.buf, err);
		if (rc < 0)
			break;
		if (rc == 0)
			continue;
		if (strcmp(cur.buf ? cur.buf : "", label) != 0) {
			*outcome = STORE_OTHER_COURSE;
		} else {
			rc = same_scores(s, row, slot->rowid, label, &same, err) < 0 ? -1 : 1;
			*outcome = same ? STORE_DUPLICATE : STORE_CONFLICT;
		}
		sqlite3_reset(s->find_session);
		break;
	}
	if (rc == 0) {
		free(slot->label);
		slot->label = courses == 1 ? xstrdup(cur.buf) : NULL;
		slot->courses = courses == 0 ? COURSES_NONE : courses == 1 ? COURSES_ONE
										 : COURSES_MANY;
	}
	sb_release(&cur);
	return rc;
}

/* After a session of course 'label' was stored: what the cache knows. */
static void add_course(struct pcache_slot *slot, const char *label)
{
	if (slot->courses == COURSES_NONE) {
		slot->courses = COURSES_ONE;
		slot->label = xstrdup(label);
	} else if (slot->courses == COURSES_ONE && strcmp(slot->label, label) != 0) {
		slot->courses = COURSES_MANY;
		free(slot->label);
		slot->label = NULL;
	}
}

/* The session insert's parameters for 'row'. */
static void bind_session(struct store *s, const struct csvin_session *row, sqlite3_int64 pid,
			 const char *label, long line)
{
	sqlite3_stmt *st = s->ins_session;
	size_t m;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, pid);
	sqlite3_bind_text(st, 2, label, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, row->date);
	store_bind_opt_text(st, 4, row->therapist);
	store_bind_opt_text(st, 5, row->notes);
	for (m = 0; m < STORE_BUILTIN_MEASURES; m++) {
		if (row->has[m])
			sqlite3_bind_double(st, 6 + (int)m, row->score[m]);
		else
			sqlite3_bind_null(st, 6 + (int)m);
	}
	sqlite3_bind_int64(st, 10, s->file_id);
	sqlite3_bind_int64(st, 11, line);
	store_bind_opt_text(st, 12, row->attendance == CSVIN_ATTENDED ? NULL
			      : csvin_attendance_name(row->attendance));
	store_bind_opt_text(st, 13, row->adverse_event);
}

/* The declared measures' scores of a stored session; 0 or -1. */
static int store_extras(struct store *s, const struct csvin_session *row, sqlite3_int64 pid,
			const char *label, struct error *err)
{
	size_t m;
	for (m = STORE_BUILTIN_MEASURES; m < s->nmeasures; m++) {
		if (!row->has[m])
			continue;
		sqlite3_reset(s->ins_extra);
		sqlite3_bind_int64(s->ins_extra, 1, pid);
		sqlite3_bind_text(s->ins_extra, 2, label, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s->ins_extra, 3, row->date);
		sqlite3_bind_int64(s->ins_extra, 4, s->measure_id[m]);
		sqlite3_bind_double(s->ins_extra, 5, row->score[m]);
		if (sqlite3_step(s->ins_extra) != SQLITE_DONE)
			return store_sql_fail(s, err, "cannot store score");
	}
	return 0;
}

int store_ingest_session(struct store *s, const struct csvin_session *row, long line,
			 enum store_outcome *outcome, struct error *err)
{
	sqlite3_int64 pid = 0;
	const char *label = row->course_id ? row->course_id : "";
	struct pcache_slot *slot;
	int rc, same;
	if (patient_slot(s, row->patient_id, &pid, &slot, err) < 0)
		return -1;
	/* Only this course can hold the date when it is the patient's one
	 * course (or the patient has none): the insert itself tells. */
	if (slot->courses != COURSES_NONE &&
	    !(slot->courses == COURSES_ONE && !strcmp(slot->label, label))) {
		rc = find_day(s, row, slot, label, outcome, err);
		if (rc != 0)
			return rc < 0 ? -1 : 0;
	}
	bind_session(s, row, pid, label, line);
	if (sqlite3_step(s->ins_session) != SQLITE_DONE)
		return store_sql_fail(s, err, "cannot store session");
	if (sqlite3_changes(s->db) == 0) {
		/* Same patient, course and date stored: identical or a conflict. */
		rc = day_in(s, row, pid, label, err);
		if (rc <= 0)
			return rc < 0 ? -1 : store_sql_fail(s, err, "cannot read stored session");
		rc = same_scores(s, row, pid, label, &same, err);
		sqlite3_reset(s->find_session);
		if (rc < 0)
			return -1;
		*outcome = same ? STORE_DUPLICATE : STORE_CONFLICT;
		return 0;
	}
	add_course(slot, label);
	if (store_extras(s, row, pid, label, err) < 0)
		return -1;
	*outcome = STORE_STORED;
	return 0;
}

/*
 * One column of a patients row against the stored patient: a given value
 * (text non-NULL, or a number when 'given') that differs from a stored one
 * is named in 'differs'; a given value where nothing is stored fills in
 * (*fill); an empty cell keeps what is stored.
 */
static void compare_col(sqlite3_stmt *st, int col, const char *name, const char *text,
			int given, long long num, struct strbuf *differs, int *fill)
{
	int differ;
	if (!given)
		return;
	if (sqlite3_column_type(st, col) == SQLITE_NULL) {
		*fill = 1;
		return;
	}
	differ = text ? strcmp((const char *)sqlite3_column_text(st, col), text) != 0
		      : sqlite3_column_int64(st, col) != num;
	if (differ)
		sb_addf(differs, "%s%s", differs->len ? ", " : "", name);
}

/* *same: 1 every given value is stored already, 0 something fills in,
 * -1 something differs (its columns named in 'differs', empty before). */
static void patient_compare(struct store *s, const struct csvin_patient *row,
			    struct strbuf *differs, int *same)
{
	sqlite3_stmt *st = s->find_patient;
	int fill = 0;
	compare_col(st, 1, "referrer", row->referrer, row->referrer != NULL, 0, differs, &fill);
	compare_col(st, 2, "indication", row->indication, row->indication != NULL, 0, differs,
		    &fill);
	compare_col(st, 3, "birth_year", NULL, row->birth_year != 0, row->birth_year, differs,
		    &fill);
	compare_col(st, 4, "name", row->name, row->name != NULL, 0, differs, &fill);
	compare_col(st, 5, "referral_reason", row->referral_reason, row->referral_reason != NULL,
		    0, differs, &fill);
	compare_col(st, 6, "referral_date", NULL, row->referral_date != CSVIN_NO_DATE,
		    row->referral_date, differs, &fill);
	compare_col(st, 7, "planned_sessions", NULL, row->planned_sessions > 0,
		    row->planned_sessions, differs, &fill);
	*same = differs->len ? -1 : fill ? 0 : 1;
}

int store_ingest_patient(struct store *s, const struct csvin_patient *row, int update,
			 struct strbuf *differs, enum store_outcome *outcome, struct error *err)
{
	sqlite3_int64 pid = 0;
	int rc, same = 0;
	sqlite3_reset(s->find_patient);
	sqlite3_bind_text(s->find_patient, 1, row->patient_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(s->find_patient);
	if (rc == SQLITE_ROW) {
		pid = sqlite3_column_int64(s->find_patient, 0);
		patient_compare(s, row, differs, &same);
		sqlite3_reset(s->find_patient);
		if (same > 0) {
			*outcome = STORE_DUPLICATE;
			return 0;
		}
		if (same < 0 && !update) {
			*outcome = STORE_CONFLICT;
			return 0;
		}
	} else {
		sqlite3_reset(s->find_patient);
		if (rc != SQLITE_DONE)
			return store_sql_fail(s, err, "cannot look up patient");
		if (store_patient_rowid(s, row->patient_id, &pid, err) < 0)
			return -1;
	}
	sqlite3_reset(s->upd_patient);
	sqlite3_bind_int64(s->upd_patient, 1, pid);
	store_bind_opt_text(s->upd_patient, 2, row->referrer);
	store_bind_opt_text(s->upd_patient, 3, row->indication);
	if (row->birth_year)
		sqlite3_bind_int(s->upd_patient, 4, row->birth_year);
	else
		sqlite3_bind_null(s->upd_patient, 4);
	store_bind_opt_text(s->upd_patient, 5, row->name);
	store_bind_opt_text(s->upd_patient, 6, row->referral_reason);
	if (row->referral_date != CSVIN_NO_DATE)
		sqlite3_bind_int64(s->upd_patient, 7, row->referral_date);
	else
		sqlite3_bind_null(s->upd_patient, 7);
	if (row->planned_sessions > 0)
		sqlite3_bind_int(s->upd_patient, 8, row->planned_sessions);
	else
		sqlite3_bind_null(s->upd_patient, 8);
	if (sqlite3_step(s->upd_patient) != SQLITE_DONE)
		return store_sql_fail(s, err, "cannot store patient");
	*outcome = STORE_STORED;
	return 0;
}

int store_ingest_therapist(struct store *s, const struct csvin_therapist *row, int update,
			   enum store_outcome *outcome, struct error *err)
{
	sqlite3_stmt *st = s->find_therapist;
	int rc, found, same = 0;
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, row->therapist, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sqlite3_reset(st);
		return store_sql_fail(s, err, "cannot look up therapist");
	}
	found = rc == SQLITE_ROW;
	/* An empty cell keeps the stored value, so it cannot differ from it. */
	if (found)
		same = (!row->credentials || same_text(st, 0, row->credentials)) &&
		       (!row->email || same_text(st, 1, row->email));
	sqlite3_reset(st);
	if (found && same) {
		*outcome = STORE_DUPLICATE;
		return 0;
	}
	if (found && !update) {
		*outcome = STORE_CONFLICT;
		return 0;
	}
	st = s->put_therapist;
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, row->therapist, -1, SQLITE_STATIC);
	store_bind_opt_text(st, 2, row->credentials);
	store_bind_opt_text(st, 3, row->email);
	sqlite3_bind_int64(st, 4, s->file_id);
	if (sqlite3_step(st) != SQLITE_DONE)
		return store_sql_fail(s, err, "cannot store therapist");
	*outcome = STORE_STORED;
	return 0;
}

int store_ingest_commit(struct store *s, const struct store_ingest_counts *c,
			unsigned long long size, const char *sha256, struct error *err)
{
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (store_run_once(s, store_bound(s, err, "UPDATE files SET size=?, sha256=?, ingested_at=?,"
				  " rows_read=?, stored=?, duplicates=?, rejected=?, conflicts=?"
				  " WHERE id=?", "ittiiiiii", (sqlite3_int64)size, sha256, when,
				  (sqlite3_int64)c->rows_read, (sqlite3_int64)c->stored,
				  (sqlite3_int64)c->duplicates, (sqlite3_int64)c->rejected,
				  (sqlite3_int64)c->conflicts, s->file_id),
		     "cannot log file", err) < 0)
		goto fail;
	store_finalize_ingest(s);
	if (store_exec(s, "COMMIT", err) < 0)
		goto fail;
	sqlite3_exec(s->db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
	return 0;
fail:
	store_ingest_rollback(s);
	return -1;
}

void store_ingest_rollback(struct store *s)
{
	store_finalize_ingest(s);
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_exec(s->db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
}

int store_file_known(struct store *s, const char *sha256, struct error *err)
{
	sqlite3_stmt *st = store_bound(s, err, "SELECT 1 FROM files WHERE sha256=? AND stored+duplicates+"
				    "rejected+conflicts = rows_read LIMIT 1", "t", sha256);
	int rc;
	if (!st)
		return -1;
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_sql_fail(s, err, "cannot read the ingest log");
	return rc == SQLITE_ROW;
}

int store_last_file_id(struct store *s, long *id, struct error *err)
{
	sqlite3_int64 v = 0;
	*id = 0;
	if (store_int_query(s, "SELECT coalesce(max(id), 0) FROM files", &v, err) < 0)
		return -1;
	*id = (long)v;
	return 0;
}

int store_counts(struct store *s, long *patients, long *sessions, long *files)
{
	sqlite3_int64 a = 0, b = 0, c = 0;
	if (store_int_query(s, "SELECT count(*) FROM patients", &a, NULL) < 0 ||
	    store_int_query(s, "SELECT count(*) FROM sessions WHERE attendance IS NULL", &b, NULL) < 0 ||
	    store_int_query(s, "SELECT count(*) FROM files", &c, NULL) < 0)
		return -1;
	*patients = (long)a;
	*sessions = (long)b;
	*files = (long)c;
	return 0;
}
