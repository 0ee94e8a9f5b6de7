/*
 * store_alerts.c - the nightly alerts: each run's report, said once; open alerts carried from night to night and their acknowledgements.
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

/* Alerts ------------------------------------------------------------------- */

void store_alerts_add(struct store_alerts *l, const char *pid, const char *cid,
		      const char *measure, const char *kind, const char *session_date,
		      const char *detail, const char *key)
{
	struct store_alert *a;
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
	a = &l->v[l->n++];
	memset(a, 0, sizeof(*a));
	a->patient_id = xstrdup(pid);
	a->course_id = xstrdup(cid);
	a->measure = xstrdup(measure ? measure : "");
	a->kind = xstrdup(kind);
	a->session_date = xstrdup(session_date);
	a->detail = xstrdup(detail);
	a->key = xstrdup(key ? key : detail);
}

void store_alerts_release(struct store_alerts *l)
{
	size_t i;
	for (i = 0; i < l->n; i++) {
		struct store_alert *a = &l->v[i];
		free(a->patient_id); free(a->course_id); free(a->measure); free(a->kind);
		free(a->session_date); free(a->detail); free(a->key); free(a->day);
		free(a->first_seen); free(a->ack_user); free(a->ack_day); free(a->ack_note);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* 1 when the alert is new or its key changed since it was last said. */
static int alert_changed(struct store *s, const struct store_alert *a, const char *day,
			 struct error *err)
{
	sqlite3_stmt *st = store_bound(s, err, "SELECT detail, open FROM alerts WHERE patient_id=? AND"
				    " course_id=? AND measure=? AND kind=?", "tttt",
				 a->patient_id, a->course_id, a->measure, a->kind);
	int rc, same = 0;
	if (!st)
		return -1;
	rc = sqlite3_step(st);
	/* Said again when its key changed, or when it had closed and is raised anew
	 * (open 2: open before tonight, still to be confirmed). */
	if (rc == SQLITE_ROW)
		same = !strcmp((const char *)sqlite3_column_text(st, 0), a->key) &&
		       sqlite3_column_int(st, 1) != 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_sql_fail(s, err, "cannot read alerts");
	if (store_run_once(s, store_bound(s, err, "INSERT INTO alerts(patient_id, course_id, measure, kind,"
				  " detail, first_seen, last_seen, open, said, session_date)"
				  " VALUES(?1,?2,?3,?4,?5,?6,?6,1,?7,?8)"
				  " ON CONFLICT DO UPDATE SET detail=excluded.detail,"
				  " first_seen=CASE WHEN open=0 THEN excluded.first_seen ELSE first_seen END,"
				  " last_seen=excluded.last_seen, open=1, closed=NULL, said=excluded.said,"
				  " session_date=excluded.session_date", "tttttttt", a->patient_id,
				  a->course_id, a->measure, a->kind, a->key, day, a->detail,
				  a->session_date),
		     "cannot record alert", err) < 0)
		return -1;
	return same ? 0 : 1;
}

static int report_row(struct store *s, sqlite3_int64 run, long seq, const struct store_alert *a,
		      struct error *err)
{
	return store_run_once(s, store_bound(s, err, "INSERT INTO alert_reports(run, seq, patient_id, course_id,"
				 " measure, kind, session_date, detail) VALUES(?,?,?,?,?,?,?,?)",
				 "iitttttt", run, (sqlite3_int64)seq, a->patient_id, a->course_id,
				 a->measure, a->kind, a->session_date, a->detail),
			"cannot record alert", err);
}

/* The open alerts of the patients read tonight, to be confirmed (open 2):
 * what the reading raises again becomes 1, the rest closes. */
static int alerts_pending(struct store *s, char *const *pids, struct error *err)
{
	size_t i;
	for (i = 0; pids && pids[i]; i++)
		if (store_run_once(s, store_bound(s, err, "UPDATE alerts SET open=2 WHERE patient_id=? AND open=1",
				      "t", pids[i]), "cannot record alert", err) < 0)
			return -1;
	return 0;
}

int store_alerts_record(struct store *s, const char *day, const char *at,
			const struct store_alerts *l, char *const *read, long *reported,
			struct error *err)
{
	sqlite3_int64 run;
	size_t i;
	long seq = 0;
	int rc;
	*reported = 0;
	if (store_exec(s, "BEGIN IMMEDIATE", err) < 0)
		return -1;
	if (alerts_pending(s, read, err) < 0)
		goto fail;
	if (store_run_once(s, store_bound(s, err, "INSERT INTO alert_runs(day, at) VALUES(?, ?)", "tt", day,
			      at), "cannot record the alerts run", err) < 0)
		goto fail;
	run = sqlite3_last_insert_rowid(s->db);
	for (i = 0; i < l->n; i++) {
		rc = alert_changed(s, &l->v[i], day, err);
		if (rc < 0 || (rc == 1 && report_row(s, run, seq++, &l->v[i], err) < 0))
			goto fail;
	}
	if (store_run_once(s, store_bound(s, err, "UPDATE alerts SET open=0, closed=? WHERE open=2", "t", day),
		     "cannot close alerts", err) < 0)
		goto fail;
	if (store_exec(s, "COMMIT", err) < 0)
		goto fail;
	*reported = seq;
	return 0;
fail:
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

char **store_alerts_unwritten(struct store *s, struct error *err)
{
	sqlite3_stmt *st = store_prepare(s, "SELECT DISTINCT day FROM alert_runs WHERE written=0"
				      " ORDER BY day", err);
	if (!st)
		return NULL;
	return store_text_rows(s, st, 0, NULL, "cannot read alert runs", err);
}

int store_alerts_written(struct store *s, const char *day, struct error *err)
{
	return store_run_once(s, store_bound(s, err, "UPDATE alert_runs SET written=1 WHERE day=?", "t", day),
			"cannot mark alerts written", err);
}

int store_alerts_of_day(struct store *s, const char *day, struct store_alerts *out,
			char **runs, struct error *err)
{
	sqlite3_stmt *st;
	struct strbuf at = STRBUF_INIT;
	char *latest = NULL;
	int rc;
	if (!day) {
		st = store_prepare(s, "SELECT day FROM alert_runs ORDER BY id DESC LIMIT 1", err);
		if (!st)
			return -1;
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			latest = xstrdup((const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return store_sql_fail(s, err, "cannot read alert runs");
		if (!latest) {
			if (runs)
				*runs = NULL;
			return 0; /* no nightly run yet */
		}
		day = latest;
	}
	st = store_bound(s, err, "SELECT r.at, a.patient_id, a.course_id, a.measure, a.kind,"
			   " a.session_date, a.detail FROM alert_runs r LEFT JOIN alert_reports a"
			   " ON a.run=r.id WHERE r.day=? ORDER BY r.id, a.seq", "t", day);
	if (!st) {
		free(latest);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *when = (const char *)sqlite3_column_text(st, 0);
		size_t wl = strlen(when);
		/* The runs of the day, each named once: "HH:MM, HH:MM". */
		if (!at.buf || at.len < wl || strcmp(at.buf + at.len - wl, when) != 0)
			sb_addf(&at, "%s%s", at.len ? ", " : "", when);
		if (sqlite3_column_type(st, 1) == SQLITE_NULL)
			continue; /* a run that raised nothing */
		store_alerts_add(out, (const char *)sqlite3_column_text(st, 1),
				 (const char *)sqlite3_column_text(st, 2),
				 (const char *)sqlite3_column_text(st, 3),
				 (const char *)sqlite3_column_text(st, 4),
				 (const char *)sqlite3_column_text(st, 5),
				 (const char *)sqlite3_column_text(st, 6), NULL);
		out->v[out->n - 1].day = xstrdup(day);
	}
	sqlite3_finalize(st);
	free(latest);
	if (rc != SQLITE_DONE) {
		sb_release(&at);
		return store_sql_fail(s, err, "cannot read alerts");
	}
	if (runs)
		*runs = sb_detach(&at);
	else
		sb_release(&at);
	return 0;
}

/* Open alerts and acknowledgements ---------------------------------------- */

int store_alerts_open(struct store *s, struct store_alerts *out, struct error *err)
{
	sqlite3_stmt *st = store_prepare(s, "SELECT a.patient_id, a.course_id, a.measure, a.kind,"
				      " coalesce(a.session_date, ''), coalesce(a.said, a.detail),"
				      " a.first_seen, k.user, k.day, k.note FROM alerts a"
				      " LEFT JOIN alert_acks k ON k.patient_id=a.patient_id AND"
				      " k.course_id=a.course_id AND k.measure=a.measure AND"
				      " k.kind=a.kind AND k.first_seen=a.first_seen"
				      " WHERE a.open=1 ORDER BY a.first_seen, a.patient_id, a.course_id,"
				      " a.kind, a.measure", err);
	int rc;
	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_alert *a;
		store_alerts_add(out, (const char *)sqlite3_column_text(st, 0),
				 (const char *)sqlite3_column_text(st, 1),
				 (const char *)sqlite3_column_text(st, 2),
				 (const char *)sqlite3_column_text(st, 3),
				 (const char *)sqlite3_column_text(st, 4),
				 (const char *)sqlite3_column_text(st, 5), NULL);
		a = &out->v[out->n - 1];
		a->first_seen = store_col_dup(st, 6);
		a->ack_user = store_col_dup(st, 7);
		a->ack_day = store_col_dup(st, 8);
		a->ack_note = store_col_dup(st, 9);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_sql_fail(s, err, "cannot read alerts");
	return 0;
}

int store_alerts_ack(struct store *s, const char *pid, const char *kind, const char *day,
		     const char *user, const char *note, long *acked, struct error *err)
{
	sqlite3_stmt *st = store_bound(s, err, "INSERT OR IGNORE INTO alert_acks(patient_id, course_id,"
				    " measure, kind, first_seen, day, user, note)"
				    " SELECT patient_id, course_id, measure, kind, first_seen, ?3, ?4, ?5"
				    " FROM alerts WHERE patient_id=?1 AND kind=?2 AND open=1", "ttttt",
				 pid, kind, day, user, note);
	int rc;
	if (!st)
		return -1;
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_sql_fail(s, err, "cannot record the acknowledgement");
	*acked = sqlite3_changes(s->db);
	return 0;
}

char **store_alerts_open_patients(struct store *s, struct error *err)
{
	sqlite3_stmt *st = store_prepare(s, "SELECT DISTINCT patient_id FROM alerts WHERE open=1"
				      " ORDER BY patient_id", err);
	if (!st)
		return NULL;
	return store_text_rows(s, st, 0, NULL, "cannot read alerts", err);
}
