/*
 * store_patient.c - one patient's rows (store.h): read out as CSV for an
 * export, the last session for the retention rule, and erased.
 */
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

static int fail(struct store *s, sqlite3 *db, const char *what, struct error *err)
{
	error_set(err, ERR_IO, NULL, 0, "database '%s': %s: %s", store_path(s), what,
		  sqlite3_errmsg(db));
	return -1;
}

/* What an export holds, one CSV each: the name and the query (?1 the id). */
static const struct {
	enum store_patient_table t;
	const char *sql;
} export_sql[] = {
	{ STORE_PATIENT_ROW,
	  "SELECT patient_id, name, birth_year, referrer, indication, referral_reason,"
	  " CASE WHEN referral_date IS NULL THEN NULL"
	  "  ELSE date(referral_date * 86400, 'unixepoch') END AS referral_date,"
	  " planned_sessions FROM patients WHERE patient_id=?1" },
	{ STORE_PATIENT_SESSIONS,
	  "SELECT s.label AS course_id, date(s.session_date * 86400, 'unixepoch') AS session_date,"
	  " coalesce(s.attendance, 'attended') AS attendance, s.therapist,"
	  " s.fatigue, s.sleep, s.focus, s.pain,"
	  " (SELECT group_concat(m.name || '=' || e.value, ';') FROM extra_scores e"
	  "   JOIN measures m ON m.id = e.measure WHERE e.patient = s.patient"
	  "   AND e.label = s.label AND e.session_date = s.session_date) AS other_scores,"
	  " s.notes, s.adverse_event, f.name AS source_file, s.line AS source_line"
	  " FROM sessions s JOIN patients p ON p.id = s.patient"
	  " LEFT JOIN files f ON f.id = s.file WHERE p.patient_id=?1"
	  " ORDER BY s.session_date, s.label" },
	{ STORE_PATIENT_ALERTS,
	  "SELECT r.day, r.at, a.course_id, a.measure, a.kind, a.session_date, a.detail"
	  " FROM alert_reports a JOIN alert_runs r ON r.id = a.run WHERE a.patient_id=?1"
	  " ORDER BY r.id, a.seq" },
	{ STORE_PATIENT_AUDIT,
	  "SELECT at, os_user, action, detail FROM audit WHERE patient_id=?1 ORDER BY id" },
};

int store_patient_csv(struct store *s, const char *pid, enum store_patient_table t,
		      struct strbuf *csv, long *rows, struct error *err)
{
	sqlite3 *db = store_sqlite(s);
	sqlite3_stmt *st = NULL;
	size_t i;
	int c, n, rc;
	*rows = 0;
	for (i = 0; i < sizeof(export_sql) / sizeof(export_sql[0]); i++)
		if (export_sql[i].t == t)
			break;
	if (i == sizeof(export_sql) / sizeof(export_sql[0]))
		BUG("unknown patient table");
	if (sqlite3_prepare_v2(db, export_sql[i].sql, -1, &st, NULL) != SQLITE_OK)
		return fail(s, db, "cannot read the patient's rows", err);
	sqlite3_bind_text(st, 1, pid, -1, SQLITE_STATIC);
	n = sqlite3_column_count(st);
	for (c = 0; c < n; c++) {
		const char *name = sqlite3_column_name(st, c);
		if (c)
			sb_addc(csv, ',');
		sb_csv_field(csv, name, strlen(name));
	}
	sb_addc(csv, '\n');
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (c = 0; c < n; c++) {
			const char *v = (const char *)sqlite3_column_text(st, c);
			if (c)
				sb_addc(csv, ',');
			if (v)
				sb_csv_field(csv, v, strlen(v));
		}
		sb_addc(csv, '\n');
		(*rows)++;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : fail(s, db, "cannot read the patient's rows", err);
}

int store_patient_info(struct store *s, const char *pid, struct store_patient_info *p,
		       struct error *err)
{
	sqlite3 *db = store_sqlite(s);
	sqlite3_stmt *st = NULL;
	int rc, ret = -1;
	memset(p, 0, sizeof(*p));
	if (sqlite3_prepare_v2(db, "SELECT p.name, (SELECT max(session_date) FROM sessions"
			       " WHERE patient = p.id), (SELECT count(*) FROM sessions"
			       " WHERE patient = p.id) FROM patients p WHERE p.patient_id=?1",
			       -1, &st, NULL) != SQLITE_OK)
		return fail(s, db, "cannot read the patient", err);
	sqlite3_bind_text(st, 1, pid, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		p->name = name && *name ? xstrdup(name) : NULL;
		p->has_sessions = sqlite3_column_type(st, 1) != SQLITE_NULL;
		p->last_session = (long)sqlite3_column_int64(st, 1);
		p->rows = (long)sqlite3_column_int64(st, 2);
		ret = 1;
	} else if (rc == SQLITE_DONE) {
		ret = 0;
	} else {
		fail(s, db, "cannot read the patient", err);
	}
	sqlite3_finalize(st);
	return ret;
}

void store_patient_info_release(struct store_patient_info *p)
{
	free(p->name);
	p->name = NULL;
}

char **store_patient_ids(struct store *s, struct error *err)
{
	sqlite3 *db = store_sqlite(s);
	sqlite3_stmt *st = NULL;
	char **v = xcalloc(1, sizeof(*v));
	size_t n = 0;
	int rc;
	if (sqlite3_prepare_v2(db, "SELECT patient_id FROM patients ORDER BY patient_id", -1, &st,
			       NULL) != SQLITE_OK) {
		fail(s, db, "cannot list the patients", err);
		strv_free(v);
		return NULL;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (n + 2) * sizeof(*v));
		v[n++] = xstrdup((const char *)sqlite3_column_text(st, 0));
		v[n] = NULL;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		fail(s, db, "cannot list the patients", err);
		strv_free(v);
		return NULL;
	}
	return v;
}

/* The statements of an erase, in order (?1 the id, ?2 its keyed hash). */
static const char *const erase_sql[] = {
	"DELETE FROM extra_scores WHERE patient IN (SELECT id FROM patients WHERE patient_id=?1)",
	"DELETE FROM sessions WHERE patient IN (SELECT id FROM patients WHERE patient_id=?1)",
	"DELETE FROM patients WHERE patient_id=?1",
	"DELETE FROM alerts WHERE patient_id=?1",
	"DELETE FROM alert_reports WHERE patient_id=?1",
	"DELETE FROM alert_acks WHERE patient_id=?1",
	"UPDATE audit SET patient_id=NULL, patient_hash=?2 WHERE patient_id=?1",
	"INSERT INTO audit(at, os_user, action, patient_hash, detail) VALUES(?3,?4,'erase',?2,?5)",
};

int store_patient_erase(struct store *s, const char *pid, const char *detail, struct error *err)
{
	sqlite3 *db = store_sqlite(s);
	sqlite3_stmt *st = NULL;
	char hash[65], at[32], *user = store_os_user();
	size_t i;
	if (store_patient_hash(s, pid, hash, err) < 0) {
		free(user);
		return -1;
	}
	store_now(at);
	/* Freed pages are overwritten with zeros: nothing of the rows stays in the file. */
	if (sqlite3_exec(db, "PRAGMA secure_delete=ON; BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return fail(s, db, "cannot erase", err);
	for (i = 0; i < sizeof(erase_sql) / sizeof(erase_sql[0]); i++) {
		if (sqlite3_prepare_v2(db, erase_sql[i], -1, &st, NULL) != SQLITE_OK)
			goto fail;
		/* an unused parameter's binding is ignored */
		if (sqlite3_bind_parameter_count(st) >= 1)
			sqlite3_bind_text(st, 1, pid, -1, SQLITE_STATIC);
		if (sqlite3_bind_parameter_count(st) >= 2)
			sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
		if (sqlite3_bind_parameter_count(st) >= 5) {
			sqlite3_bind_text(st, 3, at, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 4, user, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 5, detail, -1, SQLITE_STATIC);
		}
		if (sqlite3_step(st) != SQLITE_DONE)
			goto fail;
		sqlite3_finalize(st);
		st = NULL;
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	free(user);
	return 0;
fail:
	fail(s, db, "cannot erase", err);
	sqlite3_finalize(st);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	free(user);
	return -1;
}

int store_scrub(struct store *s, struct error *err)
{
	sqlite3 *db = store_sqlite(s);
	/* The -wal's older page images are folded in and the -wal emptied. */
	if (sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL) != SQLITE_OK)
		return fail(s, db, "cannot checkpoint after the erase", err);
	return 0;
}
