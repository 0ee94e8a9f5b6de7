/*
 * store_audit.c - the audit log and the output folders (store.h): one row
 * per letter, report, export, erase and restore, with the time and the OS
 * user; an erased patient's rows carry only a keyed hash of the id.
 */
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store_int.h"

/* Who runs this: the login name of the effective user, else its number. */
char *store_os_user(void)
{
	struct passwd *pw = getpwuid(geteuid());
	if (pw && pw->pw_name && *pw->pw_name)
		return xstrdup(pw->pw_name);
	return xasprintf("uid %ld", (long)geteuid());
}

/* Now in local time with its offset, ISO 8601: 2026-03-12T02:15:07+0100. */
void store_now(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	if (!strftime(out, 32, "%Y-%m-%dT%H:%M:%S%z", &tm))
		strcpy(out, "?");
}

/*
 * A connection that may write: the store's own, or (a store opened
 * read-only, as 'report' opens it) a second one for the audit rows.  *own
 * says to close it.  NULL with err when this user cannot write the database.
 */
static sqlite3 *writer(struct store *s, int *own, struct error *err)
{
	sqlite3 *db = store_sqlite(s);
	*own = 0;
	if (sqlite3_db_readonly(db, "main") == 0)
		return db;
	db = NULL;
	if (sqlite3_open_v2(store_path(s), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		error_set(err, ERR_IO, NULL, 0, "cannot record in the audit log of '%s': %s",
			  store_path(s), db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close_v2(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, 10000);
	*own = 1;
	return db;
}

static int db_fail(sqlite3 *db, const char *path, struct error *err)
{
	error_set(err, ERR_IO, NULL, 0, "cannot record in the audit log of '%s': %s", path,
		  sqlite3_errmsg(db));
	return -1;
}

static int insert_row(sqlite3_stmt *st, const char *at, const char *user, const char *action,
		      const char *pid, const char *detail)
{
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, user, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
	if (pid)
		sqlite3_bind_text(st, 4, pid, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_text(st, 5, detail, -1, SQLITE_STATIC);
	return sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
}

int store_audit_add(struct store *s, const char *action, const char *const *pids,
		    const char *detail, const char *out_dir, struct error *err)
{
	sqlite3_stmt *st = NULL, *dir = NULL;
	char at[32], *user = store_os_user(), *abs = NULL;
	int own, ret = -1;
	size_t i;
	sqlite3 *db = writer(s, &own, err);
	if (!db)
		goto out;
	store_now(at);
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		db_fail(db, store_path(s), err);
		goto out;
	}
	if (sqlite3_prepare_v2(db, "INSERT INTO audit(at, os_user, action, patient_id, detail)"
			       " VALUES(?,?,?,?,?)", -1, &st, NULL) != SQLITE_OK)
		goto fail;
	if (!pids) {
		if (insert_row(st, at, user, action, NULL, detail) < 0)
			goto fail;
	} else {
		for (i = 0; pids[i]; i++)
			if (insert_row(st, at, user, action, pids[i], detail) < 0)
				goto fail;
	}
	if (out_dir && (abs = realpath(out_dir, NULL))) {
		if (sqlite3_prepare_v2(db, "INSERT INTO output_dirs(dir, kind, last_used) VALUES(?,?,?)"
				       " ON CONFLICT(dir) DO UPDATE SET last_used=excluded.last_used",
				       -1, &dir, NULL) != SQLITE_OK)
			goto fail;
		sqlite3_bind_text(dir, 1, abs, -1, SQLITE_STATIC);
		sqlite3_bind_text(dir, 2, action, -1, SQLITE_STATIC);
		sqlite3_bind_text(dir, 3, at, -1, SQLITE_STATIC);
		if (sqlite3_step(dir) != SQLITE_DONE)
			goto fail;
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	ret = 0;
	goto out;
fail:
	db_fail(db, store_path(s), err);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
out:
	sqlite3_finalize(st);
	sqlite3_finalize(dir);
	if (db && own)
		sqlite3_close_v2(db);
	free(user);
	free(abs);
	return ret;
}

int store_output_dir_add(struct store *s, const char *dir, const char *kind, struct error *err)
{
	sqlite3 *db = store_sqlite(s);
	sqlite3_stmt *st = NULL;
	char at[32], *abs = realpath(dir, NULL);
	int ret = 0;
	if (!abs)
		return 0; /* nothing there to clean */
	store_now(at);
	if (sqlite3_prepare_v2(db, "INSERT INTO output_dirs(dir, kind, last_used) VALUES(?,?,?)"
			       " ON CONFLICT(dir) DO UPDATE SET last_used=excluded.last_used",
			       -1, &st, NULL) != SQLITE_OK)
		ret = -1;
	else {
		sqlite3_bind_text(st, 1, abs, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, at, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			ret = -1;
	}
	if (ret < 0)
		error_set(err, ERR_IO, NULL, 0, "database '%s': cannot record folder: %s",
			  store_path(s), sqlite3_errmsg(db));
	sqlite3_finalize(st);
	free(abs);
	return ret;
}

int store_patient_hash(struct store *s, const char *pid, char out[65], struct error *err)
{
	sqlite3 *db = store_sqlite(s);
	sqlite3_stmt *st = NULL;
	int ret = -1;
	if (sqlite3_prepare_v2(db, "SELECT key FROM audit_key WHERE id=1", -1, &st, NULL) !=
	    SQLITE_OK || sqlite3_step(st) != SQLITE_ROW || sqlite3_column_bytes(st, 0) < 16) {
		error_set(err, ERR_IO, NULL, 0, "database '%s': no audit key: %s", store_path(s),
			  sqlite3_errmsg(db));
		goto out;
	}
	hmac_sha256_hex(sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0), pid,
			strlen(pid), out);
	ret = 0;
out:
	sqlite3_finalize(st);
	return ret;
}

static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

int store_audit_each(struct store *s, const char *patient, store_audit_fn *fn, void *arg,
		     struct error *err)
{
	sqlite3 *db = store_sqlite(s);
	sqlite3_stmt *st = NULL;
	char hash[65] = "";
	int rc, ret = -1;
	if (patient && store_patient_hash(s, patient, hash, err) < 0)
		return -1;
	if (sqlite3_prepare_v2(db, "SELECT at, os_user, action, patient_id, patient_hash, detail"
			       " FROM audit WHERE ?1 IS NULL OR patient_id=?1 OR patient_hash=?2"
			       " ORDER BY id", -1, &st, NULL) != SQLITE_OK)
		goto fail;
	if (patient) {
		sqlite3_bind_text(st, 1, patient, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_audit_row r = { col(st, 0), col(st, 1), col(st, 2), col(st, 3),
					     col(st, 4), col(st, 5) };
		if (fn(arg, &r) != 0) {
			ret = 0;
			goto out;
		}
	}
	if (rc != SQLITE_DONE)
		goto fail;
	ret = 0;
	goto out;
fail:
	error_set(err, ERR_IO, NULL, 0, "database '%s': cannot read the audit log: %s",
		  store_path(s), sqlite3_errmsg(db));
out:
	sqlite3_finalize(st);
	return ret;
}

char **store_output_dirs(struct store *s, struct error *err)
{
	sqlite3 *db = store_sqlite(s);
	sqlite3_stmt *st = NULL;
	char **v = xcalloc(1, sizeof(*v));
	size_t n = 0;
	int rc;
	if (sqlite3_prepare_v2(db, "SELECT dir FROM output_dirs ORDER BY dir", -1, &st, NULL) !=
	    SQLITE_OK)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (n + 2) * sizeof(*v));
		v[n++] = xstrdup(col(st, 0));
		v[n] = NULL;
	}
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	return v;
fail:
	error_set(err, ERR_IO, NULL, 0, "database '%s': cannot read the output folders: %s",
		  store_path(s), sqlite3_errmsg(db));
	sqlite3_finalize(st);
	strv_free(v);
	return NULL;
}
