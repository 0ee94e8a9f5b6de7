/*
 * store.c - SQLite storage.  Every statement is prepared with bound
 * parameters; identifiers are never built from input.  See store.h.
 */
#include "store.h"
#include "store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Forward migrations: migration[i] takes user_version i to i + 1 (with
 * migration_step[i] after it when there is one). */
static const char *const migration[STORE_SCHEMA_VERSION] = {
	"CREATE TABLE measures(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
	"  builtin INTEGER NOT NULL DEFAULT 0);"
	"INSERT INTO measures(id, name, builtin) VALUES"
	"  (1,'fatigue',1),(2,'sleep',1),(3,'focus',1),(4,'pain',1);"
	"CREATE TABLE config(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE patients(id INTEGER PRIMARY KEY, patient_id TEXT NOT NULL UNIQUE,"
	"  referrer TEXT, indication TEXT, birth_year INTEGER);"
	"CREATE TABLE files(id INTEGER PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,"
	"  size INTEGER NOT NULL, sha256 TEXT NOT NULL, ingested_at TEXT NOT NULL,"
	"  rows_read INTEGER NOT NULL, stored INTEGER NOT NULL, duplicates INTEGER NOT NULL,"
	"  rejected INTEGER NOT NULL, conflicts INTEGER NOT NULL);"
	"CREATE INDEX files_sha ON files(sha256);"
	/* label: the clinic's course_id, or '' for a course derived from dates. */
	"CREATE TABLE sessions(patient INTEGER NOT NULL REFERENCES patients(id),"
	"  label TEXT NOT NULL, session_date INTEGER NOT NULL,"
	"  therapist TEXT, notes TEXT,"
	"  fatigue REAL, sleep REAL, focus REAL, pain REAL,"
	"  file INTEGER NOT NULL REFERENCES files(id), line INTEGER NOT NULL,"
	"  PRIMARY KEY(patient, label, session_date)) WITHOUT ROWID;"
	"CREATE TABLE extra_scores(patient INTEGER NOT NULL, label TEXT NOT NULL,"
	"  session_date INTEGER NOT NULL, measure INTEGER NOT NULL REFERENCES measures(id),"
	"  value REAL NOT NULL, PRIMARY KEY(patient, label, session_date, measure),"
	"  FOREIGN KEY(patient, label, session_date)"
	"    REFERENCES sessions(patient, label, session_date)) WITHOUT ROWID;",
	/* 2: alerts the nightly run has reported, so that each is said once. */
	"CREATE TABLE alerts(patient_id TEXT NOT NULL, course_id TEXT NOT NULL,"
	"  measure TEXT NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL,"
	"  first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,"
	"  PRIMARY KEY(patient_id, course_id, measure, kind)) WITHOUT ROWID;",
	/* 3: the referral letter's inputs.  attendance NULL = attended (every
	 * session stored before v3); only attended rows are sessions for the
	 * statistics, the others are kept for the letter's counts. */
	"ALTER TABLE patients ADD COLUMN name TEXT;"
	"ALTER TABLE patients ADD COLUMN referral_reason TEXT;"
	"ALTER TABLE patients ADD COLUMN referral_date INTEGER;"
	"ALTER TABLE patients ADD COLUMN planned_sessions INTEGER;"
	"ALTER TABLE sessions ADD COLUMN attendance TEXT"
	"  CHECK(attendance IN ('cancelled','no-show'));"
	"ALTER TABLE sessions ADD COLUMN adverse_event TEXT;"
	"CREATE TABLE therapists(name TEXT PRIMARY KEY, credentials TEXT, email TEXT,"
	"  file INTEGER NOT NULL REFERENCES files(id)) WITHOUT ROWID;",
	/* 4: each nightly run's alerts as data, stored in the transaction that
	 * marks them said, so that its alerts files can always be (re)written. */
	"CREATE TABLE alert_runs(id INTEGER PRIMARY KEY, day TEXT NOT NULL, at TEXT NOT NULL,"
	"  written INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE alert_reports(run INTEGER NOT NULL REFERENCES alert_runs(id),"
	"  seq INTEGER NOT NULL, patient_id TEXT NOT NULL, course_id TEXT NOT NULL,"
	"  measure TEXT NOT NULL, kind TEXT NOT NULL, session_date TEXT NOT NULL,"
	"  detail TEXT NOT NULL, PRIMARY KEY(run, seq)) WITHOUT ROWID;",
	/* 5: ids folded (NFKC) as ingest folds them now: refold_ids. */
	"",
	/* 6: alerts carried from night to night until the reading no longer
	 * raises them (open), with what they said; acknowledgements by a person. */
	"ALTER TABLE alerts ADD COLUMN open INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE alerts ADD COLUMN said TEXT;"
	"ALTER TABLE alerts ADD COLUMN session_date TEXT;"
	"ALTER TABLE alerts ADD COLUMN closed TEXT;"
	"CREATE TABLE alert_acks(patient_id TEXT NOT NULL, course_id TEXT NOT NULL,"
	"  measure TEXT NOT NULL, kind TEXT NOT NULL, first_seen TEXT NOT NULL,"
	"  day TEXT NOT NULL, user TEXT NOT NULL, note TEXT,"
	"  PRIMARY KEY(patient_id, course_id, measure, kind, first_seen)) WITHOUT ROWID;",
	/* 7: the audit log (store_audit.c): who wrote, exported, erased or
	 * restored what, when; an erased patient as a keyed hash only (the key
	 * random per database, never shown); and the output folders symtrend
	 * wrote to, for an erase to clean. */
	"CREATE TABLE audit(id INTEGER PRIMARY KEY, at TEXT NOT NULL, os_user TEXT NOT NULL,"
	"  action TEXT NOT NULL, patient_id TEXT, patient_hash TEXT, detail TEXT NOT NULL);"
	"CREATE INDEX audit_patient ON audit(patient_id);"
	"CREATE TABLE audit_key(id INTEGER PRIMARY KEY CHECK(id = 1), key BLOB NOT NULL);"
	"CREATE TABLE output_dirs(dir TEXT PRIMARY KEY, kind TEXT NOT NULL,"
	"  last_used TEXT NOT NULL) WITHOUT ROWID;",
};

int store_sql_fail(struct store *s, struct error *err, const char *what)
{
	error_set(err, ERR_IO, NULL, 0, "database '%s': %s: %s", s->path, what,
		  sqlite3_errmsg(s->db));
	return -1;
}

int store_exec(struct store *s, const char *sql, struct error *err)
{
	char *msg = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		error_set(err, ERR_IO, NULL, 0, "database '%s': %s", s->path,
			  msg ? msg : sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

sqlite3_stmt *store_prepare(struct store *s, const char *sql, struct error *err)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		store_sql_fail(s, err, "cannot prepare statement");
		return NULL;
	}
	return st;
}

void store_bind_opt_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/*
 * Prepares 'sql' with its parameters bound in order, one letter of 'types'
 * each: 't' a text (const char *, NULL binds NULL; it must outlive the
 * statement), 'i' an sqlite3_int64.  NULL with err when it cannot prepare.
 */
sqlite3_stmt *store_bound(struct store *s, struct error *err, const char *sql,
			   const char *types, ...)
{
	sqlite3_stmt *st = store_prepare(s, sql, err);
	va_list ap;
	int i;
	if (!st)
		return NULL;
	va_start(ap, types);
	for (i = 0; types[i]; i++) {
		if (types[i] == 't')
			store_bind_opt_text(st, i + 1, va_arg(ap, const char *));
		else
			sqlite3_bind_int64(st, i + 1, va_arg(ap, sqlite3_int64));
	}
	va_end(ap);
	return st;
}

/* Runs a statement that returns no rows (NULL: bound's failure, err
 * filled) and finalizes it; 0, or -1 with err saying 'what' failed. */
int store_run_once(struct store *s, sqlite3_stmt *st, const char *what, struct error *err)
{
	int rc;
	if (!st)
		return -1;
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : store_sql_fail(s, err, what);
}

int store_int_query(struct store *s, const char *sql, sqlite3_int64 *v, struct error *err)
{
	sqlite3_stmt *st = store_prepare(s, sql, err);
	int rc;
	if (!st)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_sql_fail(s, err, "query failed");
	return 0;
}

static int load_measures(struct store *s, struct error *err)
{
	sqlite3_stmt *st = store_prepare(s, "SELECT id, name FROM measures ORDER BY id", err);
	int rc;
	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && s->nmeasures < CSVIN_MAX_MEASURES) {
		s->measure_id[s->nmeasures] = sqlite3_column_int64(st, 0);
		s->measure[s->nmeasures++] = xstrdup((const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store_sql_fail(s, err, "cannot read measures");
	if (s->nmeasures < STORE_BUILTIN_MEASURES) {
		error_set(err, ERR_IO, NULL, 0,
			  "database '%s' is damaged: the built-in measures are missing", s->path);
		return -1;
	}
	return 0;
}

/* Migration 5 ------------------------------------------------------------ */

/* SQL's nfkc(text): its NFKC form as ingest folds ids (text_nfkc); a text
 * with a code point Unicode does not assign is kept as it is. */
static void sql_nfkc(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *t = (const char *)sqlite3_value_text(argv[0]);
	char *f;
	(void)argc;
	if (!t) {
		sqlite3_result_null(ctx);
		return;
	}
	f = text_nfkc(t, (size_t)sqlite3_value_bytes(argv[0]));
	if (f)
		sqlite3_result_text(ctx, f, -1, free);
	else
		sqlite3_result_value(ctx, argv[0]);
}

/*
 * Ids that would become one by folding: patients rows whose ids fold to one
 * id, or one patient's sessions on one date whose course ids fold to one.
 * 1 with 'msg' saying which rows (the ids are not repeated: a row number
 * finds them), 0 none, -1 error.
 */
static int fold_conflict(struct store *s, struct strbuf *msg, struct error *err)
{
	static const char *const sql[] = {
		"SELECT 'patients rows ' || group_concat(id, ', ') FROM patients"
		" GROUP BY nfkc(patient_id) HAVING count(*) > 1 ORDER BY min(id) LIMIT 1",
		"SELECT 'sessions of patients row ' || patient || ' on '"
		" || date(session_date * 86400, 'unixepoch')"
		" || ' (' || count(*) || ' course ids)' FROM sessions"
		" GROUP BY patient, nfkc(label), session_date HAVING count(*) > 1"
		" ORDER BY patient, session_date LIMIT 1",
	};
	size_t i;
	for (i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		sqlite3_stmt *st = store_prepare(s, sql[i], err);
		int rc;
		if (!st)
			return -1;
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			sb_adds(msg, (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		if (rc == SQLITE_ROW)
			return 1;
		if (rc != SQLITE_DONE)
			return store_sql_fail(s, err, "cannot compare folded ids");
	}
	return 0;
}

/*
 * Databases written before ingest folded ids (NFKC) may hold 'Ｐ001' beside
 * 'P001': every stored id and course id is folded, so that the next file's
 * 'P001' finds its patient.  Ids that fold to one are a conflict: the
 * migration is refused (the caller rolls back) naming their rows.
 */
static int refold_ids(struct store *s, struct error *err)
{
	struct strbuf msg = STRBUF_INIT;
	int rc;
	if (sqlite3_create_function_v2(s->db, "nfkc", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
				       sql_nfkc, NULL, NULL, NULL) != SQLITE_OK)
		return store_sql_fail(s, err, "cannot fold ids");
	rc = fold_conflict(s, &msg, err);
	if (rc > 0)
		error_set(err, ERR_IO, NULL, 0,
			  "database '%s' cannot be upgraded, nothing changed: %s hold ids that "
			  "are one id once Unicode compatibility forms are folded (NFKC), as "
			  "symtrend now reads ids; rename or merge them with sqlite3 first",
			  s->path, msg.buf);
	sb_release(&msg);
	if (rc != 0)
		return -1;
	return store_exec(s,
		    "UPDATE patients SET patient_id=nfkc(patient_id)"
		    "  WHERE patient_id<>nfkc(patient_id);"
		    "UPDATE sessions SET label=nfkc(label) WHERE label<>nfkc(label);"
		    "UPDATE extra_scores SET label=nfkc(label) WHERE label<>nfkc(label);"
		    /* alerts said of look-alike ids are said of the one id */
		    "UPDATE OR REPLACE alerts SET patient_id=nfkc(patient_id),"
		    "  course_id=nfkc(course_id)"
		    "  WHERE patient_id<>nfkc(patient_id) OR course_id<>nfkc(course_id);"
		    "UPDATE alert_reports SET patient_id=nfkc(patient_id), course_id=nfkc(course_id)"
		    "  WHERE patient_id<>nfkc(patient_id) OR course_id<>nfkc(course_id);",
		    err);
}

/* The audit log's key: 32 bytes from the kernel's random source. */
static int audit_key(struct store *s, struct error *err)
{
	unsigned char key[32];
	sqlite3_stmt *st;
	if (getrandom(key, sizeof(key), 0) != (ssize_t)sizeof(key)) {
		error_set(err, ERR_IO, NULL, 0, "no random bytes for the audit key: %s",
			  strerror(errno));
		return -1;
	}
	st = store_prepare(s, "INSERT INTO audit_key(id, key) VALUES(1, ?)", err);
	if (!st)
		return -1;
	sqlite3_bind_blob(st, 1, key, (int)sizeof(key), SQLITE_TRANSIENT);
	return store_run_once(s, st, "cannot store the audit key", err);
}

/* C steps run after migration[i]'s SQL; NULL when there is none. */
static int (*const migration_step[STORE_SCHEMA_VERSION])(struct store *, struct error *) = {
	[4] = refold_ids,
	[6] = audit_key,
};

static int migrate(struct store *s, int writable, struct error *err)
{
	sqlite3_int64 v = 0;
	if (store_int_query(s, "PRAGMA user_version", &v, err) < 0)
		return -1;
	if (v > STORE_SCHEMA_VERSION) {
		error_set(err, ERR_IO, NULL, 0,
			  "database '%s' has schema version %lld, newer than this symtrend "
			  "supports (%d): upgrade symtrend", s->path, (long long)v, STORE_SCHEMA_VERSION);
		return -1;
	}
	if (v < STORE_SCHEMA_VERSION) {
		if (!writable) {
			error_set(err, ERR_IO, NULL, 0,
				  "database '%s' needs 'symtrend init' (schema version %lld, want %d)",
				  s->path, (long long)v, STORE_SCHEMA_VERSION);
			return -1;
		}
		if (store_exec(s, "BEGIN IMMEDIATE", err) < 0)
			return -1;
		for (; v < STORE_SCHEMA_VERSION; v++) {
			char pragma[64];
			if (store_exec(s, migration[v], err) < 0 ||
			    (migration_step[v] && migration_step[v](s, err) < 0))
				goto fail;
			snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%lld", (long long)v + 1);
			if (store_exec(s, pragma, err) < 0)
				goto fail;
		}
		if (store_exec(s, "COMMIT", err) < 0)
			goto fail;
	}
	s->version = (int)v;
	return 0;
fail:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* 'path' as an SQLite URI (file:...): every byte but [A-Za-z0-9/._~-] escaped. */
static char *file_uri(const char *path, const char *query)
{
	struct strbuf sb = STRBUF_INIT;
	const unsigned char *p;
	sb_adds(&sb, "file:");
	for (p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("/._~-", *p))
			sb_addc(&sb, (char)*p);
		else
			sb_addf(&sb, "%%%02X", *p);
	}
	sb_addf(&sb, "?%s", query);
	return sb_detach(&sb);
}

/*
 * A reader who may read the database but not write its folder (a director
 * with read access) cannot create the -shm file that WAL mode needs, and
 * SQLite says "attempt to write a readonly database".  When no -wal file
 * holds changes (the last writer closed cleanly, so the file alone is the
 * whole database), it is opened immutable: read without any locking or
 * -shm.  Changes waiting in a -wal that cannot be read safely are an error
 * that says so.  0 ok (s->db usable), -1 error.
 */
static int reopen_for_reader(struct store *s, const char *path, struct error *err)
{
	sqlite3_int64 dummy;
	struct error e2 = ERROR_INIT;
	struct stat st;
	char *wal, *uri;
	int rc, code, has_wal;
	if (store_int_query(s, "SELECT count(*) FROM sqlite_schema", &dummy, &e2) == 0)
		return 0;
	error_release(&e2);
	code = sqlite3_extended_errcode(s->db) & 0xff;
	if (code != SQLITE_READONLY && code != SQLITE_CANTOPEN)
		return 0; /* not this case: store_open's own check says what it is */
	wal = xasprintf("%s-wal", path);
	has_wal = stat(wal, &st) == 0 && st.st_size > 0;
	free(wal);
	if (has_wal) {
		error_set(err, ERR_IO, NULL, 0,
			  "cannot read database '%s': its folder is not writable for this user and "
			  "its -wal file holds changes not yet in the database (a run is writing, "
			  "or one was stopped): run again when it has finished, or as its owner",
			  path);
		return -1;
	}
	sqlite3_close_v2(s->db);
	s->db = NULL;
	uri = file_uri(path, "immutable=1");
	rc = sqlite3_open_v2(uri, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI |
			     SQLITE_OPEN_NOMUTEX, NULL);
	free(uri);
	if (rc != SQLITE_OK) {
		error_set(err, ERR_IO, NULL, 0, "cannot open database '%s': %s", path,
			  s->db ? sqlite3_errmsg(s->db) : "out of memory");
		return -1;
	}
	sqlite3_extended_result_codes(s->db, 1);
	return 0;
}

/*
 * The file before SQLite opens it: created 0600 when missing and asked for,
 * a regular file, writable when the command writes (said plainly rather
 * than SQLite's "unable to open").  0 or -1.
 */
static int file_ready(const char *path, int flags, struct error *err)
{
	struct stat st;
	int fd;
	if (stat(path, &st) != 0) {
		if (!(flags & STORE_CREATE)) {
			error_set(err, ERR_IO, NULL, 0,
				  "database '%s' does not exist (run 'symtrend init')", path);
			return -1;
		}
		/* Health data: the file exists with mode 0600 before SQLite opens it. */
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST) {
			error_set(err, ERR_IO, NULL, 0, "cannot create database '%s': %s",
				  path, strerror(errno));
			return -1;
		}
		if (fd >= 0)
			close(fd);
	} else if (!S_ISREG(st.st_mode)) {
		error_set(err, ERR_IO, NULL, 0, "database '%s' is not a regular file", path);
		return -1;
	} else if (flags & STORE_WRITE) {
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			error_set(err, ERR_IO, NULL, 0,
				  "database '%s' is read-only, this command writes to it: %s", path,
				  strerror(errno));
			return -1;
		}
		close(fd);
	}
	return 0;
}

/* The SQLite connection (a reader without write access to the folder:
 * reopen_for_reader); 0 or -1. */
static int connect_db(struct store *s, int flags, struct error *err)
{
	int oflags = (flags & STORE_WRITE) ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
	if (sqlite3_open_v2(s->path, &s->db, oflags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		error_set(err, ERR_IO, NULL, 0, "cannot open database '%s': %s", s->path,
			  s->db ? sqlite3_errmsg(s->db) : "out of memory");
		return -1;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, 10000);
	if (!(flags & STORE_WRITE) && reopen_for_reader(s, s->path, err) < 0)
		return -1;
	return 0;
}

/* A file that is not a database fails on its first read: say so clearly. */
static int is_database(struct store *s, struct error *err)
{
	sqlite3_int64 dummy;
	struct error e2 = ERROR_INIT;
	if (store_int_query(s, "SELECT count(*) FROM sqlite_schema", &dummy, &e2) == 0)
		return 0;
	error_set(err, ERR_IO, NULL, 0, "cannot read database '%s': %s (not overwritten)",
		  s->path, sqlite3_errmsg(s->db));
	error_release(&e2);
	return -1;
}

static int set_pragmas(struct store *s, int flags, struct error *err)
{
	/* NORMAL for settings and alerts; an ingest commits with FULL
	 * (store_ingest_begin), because "stored" is a promise. */
	if ((flags & STORE_WRITE) &&
	    store_exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", err) < 0)
		return -1;
	return store_exec(s, "PRAGMA foreign_keys=OFF; PRAGMA cache_size=-16384;"
		       "PRAGMA temp_store=FILE;", err);
}

int store_open(const char *path, int flags, struct store **out, struct error *err)
{
	struct store *s = xcalloc(1, sizeof(*s));
	*out = NULL;
	s->path = xstrdup(path);
	if (file_ready(path, flags, err) < 0 || connect_db(s, flags, err) < 0 ||
	    is_database(s, err) < 0 || set_pragmas(s, flags, err) < 0 ||
	    migrate(s, flags & STORE_WRITE, err) < 0 || load_measures(s, err) < 0) {
		store_free(s);
		return -1;
	}
	*out = s;
	return 0;
}

void store_settings_cache(struct store *s, void *cache, void (*free_fn)(void *))
{
	if (s->settings_cache && s->settings_free)
		s->settings_free(s->settings_cache);
	s->settings_cache = cache;
	s->settings_free = free_fn;
}

void *store_settings_cached(const struct store *s)
{
	return s->settings_cache;
}

void store_free(struct store *s)
{
	size_t i;
	if (!s)
		return;
	store_settings_cache(s, NULL, NULL);
	if (s->ingest_end)
		s->ingest_end(s); /* an ingest left open: its statements and cache */
	if (s->db)
		sqlite3_close_v2(s->db);
	for (i = 0; i < s->nmeasures; i++)
		free(s->measure[i]);
	free(s->path);
	free(s);
}

sqlite3 *store_sqlite(struct store *s)
{
	return s->db;
}

char *store_file_uri(const char *path, const char *query)
{
	return file_uri(path, query);
}

const char *store_path(const struct store *s)
{
	return s->path;
}

int store_schema_version(struct store *s)
{
	return s->version;
}

size_t store_measure_count(const struct store *s)
{
	return s->nmeasures;
}

const char *store_measure_name(const struct store *s, size_t i)
{
	return i < s->nmeasures ? s->measure[i] : NULL;
}

int store_measure_index(const struct store *s, const char *name)
{
	size_t i;
	for (i = 0; i < s->nmeasures; i++)
		if (!strcmp(s->measure[i], name))
			return (int)i;
	return -1;
}

int store_add_measure(struct store *s, const char *name, struct error *err)
{
	store_settings_cache(s, NULL, NULL); /* its settings are new rows */
	if (csvin_valid_measure_name(name) < 0) {
		error_set(err, ERR_USAGE, NULL, 0,
			  "invalid measure name '%s' (lowercase letters, digits, '_', at most 32)", name);
		return -1;
	}
	if (store_measure_index(s, name) >= 0)
		return 1;
	if (!strcmp(name, "patient_id") || !strcmp(name, "session_date") ||
	    !strcmp(name, "course_id") || !strcmp(name, "therapist") || !strcmp(name, "notes")) {
		error_set(err, ERR_USAGE, NULL, 0, "'%s' is a column name, not a measure", name);
		return -1;
	}
	if (s->nmeasures >= CSVIN_MAX_MEASURES) {
		error_set(err, ERR_USAGE, NULL, 0, "too many measures (at most %d)", CSVIN_MAX_MEASURES);
		return -1;
	}
	if (store_run_once(s, store_bound(s, err, "INSERT INTO measures(name) VALUES(?)", "t", name),
		     "cannot declare measure", err) < 0)
		return -1;
	s->measure_id[s->nmeasures] = sqlite3_last_insert_rowid(s->db);
	s->measure[s->nmeasures++] = xstrdup(name);
	return 0;
}

int store_config_read(struct store *s, const char *key, char **value, struct error *err)
{
	sqlite3_stmt *st = store_bound(s, err, "SELECT value FROM config WHERE key=?", "t", key);
	int rc;
	*value = NULL;
	if (!st)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*value = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_sql_fail(s, err, "cannot read a setting");
	return 0;
}

char *store_config_get(struct store *s, const char *key)
{
	char *v;
	(void)store_config_read(s, key, &v, NULL);
	return v;
}

int store_config_set(struct store *s, const char *key, const char *value, struct error *err)
{
	store_settings_cache(s, NULL, NULL);
	return store_run_once(s, store_bound(s, err, "INSERT INTO config(key, value) VALUES(?, ?)"
				 " ON CONFLICT(key) DO UPDATE SET value=excluded.value", "tt",
				 key, value), "cannot store setting", err);
}

int store_config_unset(struct store *s, const char *key, struct error *err)
{
	store_settings_cache(s, NULL, NULL);
	return store_run_once(s, store_bound(s, err, "DELETE FROM config WHERE key=?", "t", key),
			"cannot remove setting", err);
}

void strv_free(char **v)
{
	size_t i;
	if (!v)
		return;
	for (i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}

/*
 * Column 0 of each row of st (bound; finalized here) as a NULL-terminated
 * list (strv_free).  With 'skipped', a row whose column 1 is before 'since'
 * is counted there instead.  NULL with err when 'what' cannot be read.
 */
char **store_text_rows(struct store *s, sqlite3_stmt *st, long since, long *skipped,
			const char *what, struct error *err)
{
	char **v = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (skipped && sqlite3_column_int64(st, 1) < since) {
			(*skipped)++;
			continue;
		}
		v = xgrow(v, &cap, n + 2, sizeof(*v));
		v[n++] = xstrdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	v = xgrow(v, &cap, n + 1, sizeof(*v));
	v[n] = NULL;
	if (rc != SQLITE_DONE) {
		strv_free(v);
		store_sql_fail(s, err, what);
		return NULL;
	}
	return v;
}

char **store_patients_active_since(struct store *s, long min_file, long since, long *inactive,
				   struct error *err)
{
	/* Each patient's latest session over all their sessions, not only the new ones. */
	sqlite3_stmt *st = store_bound(s, err, "SELECT p.patient_id, (SELECT max(x.session_date) FROM"
				    " sessions x WHERE x.patient=p.id) FROM patients p WHERE p.id IN"
				    " (SELECT patient FROM sessions WHERE file >= ?)"
				    " ORDER BY p.patient_id", "i", (sqlite3_int64)min_file);
	*inactive = 0;
	if (!st)
		return NULL;
	return store_text_rows(s, st, since, inactive, "cannot list patients", err);
}

