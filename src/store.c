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

#define PCACHE 4096 /* patient id -> rowid cache slots (bounded memory) */

/* What an ingest knows of a cached patient's courses (see find_day). */
enum courses_known { COURSES_UNKNOWN, COURSES_NONE, COURSES_ONE, COURSES_MANY };

struct pcache_slot {
	char *pid;
	sqlite3_int64 rowid;
	enum courses_known courses;
	char *label; /* COURSES_ONE: the one course's label */
};

struct store {
	sqlite3 *db;
	char *path;
	int version;
	long course_gap; /* the course_gap setting (store_set_course_gap) */
	/* What settings.c loaded from the config table, kept until it changes. */
	void *settings_cache;
	void (*settings_free)(void *);
	size_t nmeasures;
	char *measure[CSVIN_MAX_MEASURES];
	sqlite3_int64 measure_id[CSVIN_MAX_MEASURES];

	/* ingest state */
	sqlite3_int64 file_id;
	sqlite3_stmt *ins_session, *find_session, *ins_extra, *get_extra, *next_label;
	sqlite3_stmt *first_label;
	sqlite3_stmt *find_patient, *ins_patient, *upd_patient;
	sqlite3_stmt *find_therapist, *put_therapist;
	struct pcache_slot pcache[PCACHE];
};

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

static int sql_fail(struct store *s, struct error *err, const char *what)
{
	error_set(err, ERR_IO, NULL, 0, "database '%s': %s: %s", s->path, what,
		  sqlite3_errmsg(s->db));
	return -1;
}

static int exec(struct store *s, const char *sql, struct error *err)
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

static sqlite3_stmt *prepare(struct store *s, const char *sql, struct error *err)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		sql_fail(s, err, "cannot prepare statement");
		return NULL;
	}
	return st;
}

static void bind_opt_text(sqlite3_stmt *st, int i, const char *v)
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
static sqlite3_stmt *bound(struct store *s, struct error *err, const char *sql,
			   const char *types, ...)
{
	sqlite3_stmt *st = prepare(s, sql, err);
	va_list ap;
	int i;
	if (!st)
		return NULL;
	va_start(ap, types);
	for (i = 0; types[i]; i++) {
		if (types[i] == 't')
			bind_opt_text(st, i + 1, va_arg(ap, const char *));
		else
			sqlite3_bind_int64(st, i + 1, va_arg(ap, sqlite3_int64));
	}
	va_end(ap);
	return st;
}

/* Runs a statement that returns no rows (NULL: bound's failure, err
 * filled) and finalizes it; 0, or -1 with err saying 'what' failed. */
static int run_once(struct store *s, sqlite3_stmt *st, const char *what, struct error *err)
{
	int rc;
	if (!st)
		return -1;
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : sql_fail(s, err, what);
}

static int int_query(struct store *s, const char *sql, sqlite3_int64 *v, struct error *err)
{
	sqlite3_stmt *st = prepare(s, sql, err);
	int rc;
	if (!st)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sql_fail(s, err, "query failed");
	return 0;
}

static int load_measures(struct store *s, struct error *err)
{
	sqlite3_stmt *st = prepare(s, "SELECT id, name FROM measures ORDER BY id", err);
	int rc;
	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && s->nmeasures < CSVIN_MAX_MEASURES) {
		s->measure_id[s->nmeasures] = sqlite3_column_int64(st, 0);
		s->measure[s->nmeasures++] = xstrdup((const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return sql_fail(s, err, "cannot read measures");
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
		sqlite3_stmt *st = prepare(s, sql[i], err);
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
			return sql_fail(s, err, "cannot compare folded ids");
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
		return sql_fail(s, err, "cannot fold ids");
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
	return exec(s,
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
	st = prepare(s, "INSERT INTO audit_key(id, key) VALUES(1, ?)", err);
	if (!st)
		return -1;
	sqlite3_bind_blob(st, 1, key, (int)sizeof(key), SQLITE_TRANSIENT);
	return run_once(s, st, "cannot store the audit key", err);
}

/* C steps run after migration[i]'s SQL; NULL when there is none. */
static int (*const migration_step[STORE_SCHEMA_VERSION])(struct store *, struct error *) = {
	[4] = refold_ids,
	[6] = audit_key,
};

static int migrate(struct store *s, int writable, struct error *err)
{
	sqlite3_int64 v = 0;
	if (int_query(s, "PRAGMA user_version", &v, err) < 0)
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
		if (exec(s, "BEGIN IMMEDIATE", err) < 0)
			return -1;
		for (; v < STORE_SCHEMA_VERSION; v++) {
			char pragma[64];
			if (exec(s, migration[v], err) < 0 ||
			    (migration_step[v] && migration_step[v](s, err) < 0))
				goto fail;
			snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%lld", (long long)v + 1);
			if (exec(s, pragma, err) < 0)
				goto fail;
		}
		if (exec(s, "COMMIT", err) < 0)
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
	if (int_query(s, "SELECT count(*) FROM sqlite_schema", &dummy, &e2) == 0)
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
	if (int_query(s, "SELECT count(*) FROM sqlite_schema", &dummy, &e2) == 0)
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
	    exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", err) < 0)
		return -1;
	return exec(s, "PRAGMA foreign_keys=OFF; PRAGMA cache_size=-16384;"
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

static void finalize_ingest(struct store *s)
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
	finalize_ingest(s);
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
	if (run_once(s, bound(s, err, "INSERT INTO measures(name) VALUES(?)", "t", name),
		     "cannot declare measure", err) < 0)
		return -1;
	s->measure_id[s->nmeasures] = sqlite3_last_insert_rowid(s->db);
	s->measure[s->nmeasures++] = xstrdup(name);
	return 0;
}

int store_config_read(struct store *s, const char *key, char **value, struct error *err)
{
	sqlite3_stmt *st = bound(s, err, "SELECT value FROM config WHERE key=?", "t", key);
	int rc;
	*value = NULL;
	if (!st)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*value = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sql_fail(s, err, "cannot read a setting");
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
	return run_once(s, bound(s, err, "INSERT INTO config(key, value) VALUES(?, ?)"
				 " ON CONFLICT(key) DO UPDATE SET value=excluded.value", "tt",
				 key, value), "cannot store setting", err);
}

int store_config_unset(struct store *s, const char *key, struct error *err)
{
	store_settings_cache(s, NULL, NULL);
	return run_once(s, bound(s, err, "DELETE FROM config WHERE key=?", "t", key),
			"cannot remove setting", err);
}

char **store_config_list(struct store *s)
{
	sqlite3_stmt *st = NULL;
	char **v = NULL;
	size_t n = 0, cap = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT key, value FROM config ORDER BY key", -1, &st, NULL) == SQLITE_OK) {
		while (sqlite3_step(st) == SQLITE_ROW) {
			v = xgrow(v, &cap, n + 2, sizeof(*v));
			v[n++] = xasprintf("%s=%s", sqlite3_column_text(st, 0), sqlite3_column_text(st, 1));
		}
	}
	sqlite3_finalize(st);
	v = xgrow(v, &cap, n + 1, sizeof(*v));
	v[n] = NULL;
	return v;
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
	/*
	 * A file's commit is durable before ingest says "stored" and nightly
	 * moves it to processed/: in WAL mode, NORMAL may lose the last commits
	 * on a power loss; FULL syncs the WAL at commit (one fsync per file).
	 * The level cannot change inside a transaction, so it is set here and
	 * put back when the transaction ends.
	 */
	if (exec(s, "PRAGMA synchronous=FULL", err) < 0)
		return -1;
	if (exec(s, "BEGIN IMMEDIATE", err) < 0) {
		sqlite3_exec(s->db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
		return -1;
	}
	/* The log row comes first so that sessions can name their file. */
	if (run_once(s, bound(s, err, "INSERT INTO files(name, kind, size, sha256, ingested_at,"
				  " rows_read, stored, duplicates, rejected, conflicts)"
				  " VALUES(?, ?, 0, '', '', 0, 0, 0, 0, 0)", "tt", name, kind),
		     "cannot log file", err) < 0)
		goto fail;
	s->file_id = sqlite3_last_insert_rowid(s->db);
	for (i = 0; i < sizeof(ingest_sql) / sizeof(ingest_sql[0]); i++)
		if (!(*ingest_stmt(s, i) = prepare(s, ingest_sql[i].sql, err)))
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
			return sql_fail(s, err, "cannot store patient");
		*id = sqlite3_last_insert_rowid(s->db);
		known = COURSES_NONE;
	} else {
		return sql_fail(s, err, "cannot look up patient");
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

static int patient_rowid(struct store *s, const char *pid, sqlite3_int64 *id, struct error *err)
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
			return sql_fail(s, err, "cannot read scores");
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
	return rc == SQLITE_DONE ? 0 : sql_fail(s, err, "cannot read stored session");
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
		return sql_fail(s, err, "cannot read courses");
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
		if (strcmp(cur.buf, label) != 0) {
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
	bind_opt_text(st, 4, row->therapist);
	bind_opt_text(st, 5, row->notes);
	for (m = 0; m < STORE_BUILTIN_MEASURES; m++) {
		if (row->has[m])
			sqlite3_bind_double(st, 6 + (int)m, row->score[m]);
		else
			sqlite3_bind_null(st, 6 + (int)m);
	}
	sqlite3_bind_int64(st, 10, s->file_id);
	sqlite3_bind_int64(st, 11, line);
	bind_opt_text(st, 12, row->attendance == CSVIN_ATTENDED ? NULL
			      : csvin_attendance_name(row->attendance));
	bind_opt_text(st, 13, row->adverse_event);
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
			return sql_fail(s, err, "cannot store score");
	}
	return 0;
}

int store_ingest_session(struct store *s, const struct csvin_session *row, long line,
			 enum store_outcome *outcome, struct error *err)
{
	sqlite3_int64 pid;
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
		return sql_fail(s, err, "cannot store session");
	if (sqlite3_changes(s->db) == 0) {
		/* Same patient, course and date stored: identical or a conflict. */
		rc = day_in(s, row, pid, label, err);
		if (rc <= 0)
			return rc < 0 ? -1 : sql_fail(s, err, "cannot read stored session");
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
	sqlite3_int64 pid;
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
			return sql_fail(s, err, "cannot look up patient");
		if (patient_rowid(s, row->patient_id, &pid, err) < 0)
			return -1;
	}
	sqlite3_reset(s->upd_patient);
	sqlite3_bind_int64(s->upd_patient, 1, pid);
	bind_opt_text(s->upd_patient, 2, row->referrer);
	bind_opt_text(s->upd_patient, 3, row->indication);
	if (row->birth_year)
		sqlite3_bind_int(s->upd_patient, 4, row->birth_year);
	else
		sqlite3_bind_null(s->upd_patient, 4);
	bind_opt_text(s->upd_patient, 5, row->name);
	bind_opt_text(s->upd_patient, 6, row->referral_reason);
	if (row->referral_date != CSVIN_NO_DATE)
		sqlite3_bind_int64(s->upd_patient, 7, row->referral_date);
	else
		sqlite3_bind_null(s->upd_patient, 7);
	if (row->planned_sessions > 0)
		sqlite3_bind_int(s->upd_patient, 8, row->planned_sessions);
	else
		sqlite3_bind_null(s->upd_patient, 8);
	if (sqlite3_step(s->upd_patient) != SQLITE_DONE)
		return sql_fail(s, err, "cannot store patient");
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
		return sql_fail(s, err, "cannot look up therapist");
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
	bind_opt_text(st, 2, row->credentials);
	bind_opt_text(st, 3, row->email);
	sqlite3_bind_int64(st, 4, s->file_id);
	if (sqlite3_step(st) != SQLITE_DONE)
		return sql_fail(s, err, "cannot store therapist");
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
	if (run_once(s, bound(s, err, "UPDATE files SET size=?, sha256=?, ingested_at=?,"
				  " rows_read=?, stored=?, duplicates=?, rejected=?, conflicts=?"
				  " WHERE id=?", "ittiiiiii", (sqlite3_int64)size, sha256, when,
				  (sqlite3_int64)c->rows_read, (sqlite3_int64)c->stored,
				  (sqlite3_int64)c->duplicates, (sqlite3_int64)c->rejected,
				  (sqlite3_int64)c->conflicts, s->file_id),
		     "cannot log file", err) < 0)
		goto fail;
	finalize_ingest(s);
	if (exec(s, "COMMIT", err) < 0)
		goto fail;
	sqlite3_exec(s->db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
	return 0;
fail:
	store_ingest_rollback(s);
	return -1;
}

void store_ingest_rollback(struct store *s)
{
	finalize_ingest(s);
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_exec(s->db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
}

int store_file_known(struct store *s, const char *sha256, struct error *err)
{
	sqlite3_stmt *st = bound(s, err, "SELECT 1 FROM files WHERE sha256=? AND stored+duplicates+"
				    "rejected+conflicts = rows_read LIMIT 1", "t", sha256);
	int rc;
	if (!st)
		return -1;
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sql_fail(s, err, "cannot read the ingest log");
	return rc == SQLITE_ROW;
}

int store_last_file_id(struct store *s, long *id, struct error *err)
{
	sqlite3_int64 v = 0;
	*id = 0;
	if (int_query(s, "SELECT coalesce(max(id), 0) FROM files", &v, err) < 0)
		return -1;
	*id = (long)v;
	return 0;
}

int store_counts(struct store *s, long *patients, long *sessions, long *files)
{
	sqlite3_int64 a = 0, b = 0, c = 0;
	if (int_query(s, "SELECT count(*) FROM patients", &a, NULL) < 0 ||
	    int_query(s, "SELECT count(*) FROM sessions WHERE attendance IS NULL", &b, NULL) < 0 ||
	    int_query(s, "SELECT count(*) FROM files", &c, NULL) < 0)
		return -1;
	*patients = (long)a;
	*sessions = (long)b;
	*files = (long)c;
	return 0;
}

/* Reading courses back ------------------------------------------------- */

struct store_iter {
	struct store *s;
	sqlite3_stmt *st;
	struct store_filter f;
	long gap;
	int pending; /* st holds an unconsumed row */
	int done;
	sqlite3_int64 cur_patient;
	int derived_k;
	char *therapists[64]; /* per-course therapist tally (bounded) */
	int tcount[64];
	size_t ntherapists;
};

void store_course_release(struct store_course *c)
{
	free(c->patient_id);
	free(c->course_id);
	free(c->referrer);
	free(c->indication);
	free(c->therapist);
	free(c->date);
	free(c->last_file);
	free(c->score);
	memset(c, 0, sizeof(*c));
}

size_t store_course_points(const struct store_course *c, size_t m, double *s, double *y)
{
	size_t i, n = 0;
	for (i = 0; i < c->n; i++) {
		double v = c->score[i * c->nmeasures + m];
		if (isnan(v))
			continue;
		s[n] = (double)(i + 1);
		y[n++] = v;
	}
	return n;
}

/* The course_gap setting: settings.c reads and bounds it, the command sets
 * it here (store_set_course_gap); the contract's default until then. */
static long course_gap(struct store *s)
{
	return s->course_gap > 0 ? s->course_gap : CLINIC_COURSE_GAP_DEFAULT;
}

void store_set_course_gap(struct store *s, long days)
{
	s->course_gap = days;
}

int store_iter_open(struct store *s, const struct store_filter *f,
		    struct store_iter **out, struct error *err)
{
	struct store_iter *it = xcalloc(1, sizeof(*it));
	struct strbuf sql = STRBUF_INIT;
	size_t m;
	int bind = 1;
	it->s = s;
	it->f = *f;
	it->gap = course_gap(s);
	sb_adds(&sql, "SELECT s.patient, p.patient_id, p.referrer, p.indication, p.birth_year,"
		      " s.label, s.session_date, s.therapist, s.file,"
		      " s.fatigue, s.sleep, s.focus, s.pain");
	for (m = STORE_BUILTIN_MEASURES; m < s->nmeasures; m++)
		sb_adds(&sql, ", (SELECT value FROM extra_scores e WHERE e.patient=s.patient"
			      " AND e.label=s.label AND e.session_date=s.session_date AND e.measure=?)");
	/* Cancelled and no-show rows are not sessions (store_course_visits). */
	sb_adds(&sql, " FROM sessions s JOIN patients p ON p.id=s.patient"
		      " WHERE s.attendance IS NULL");
	if (f->patient_id)
		sb_adds(&sql, " AND p.patient_id=?");
	sb_adds(&sql, " ORDER BY s.patient, s.label, s.session_date");
	it->st = prepare(s, sql.buf, err);
	sb_release(&sql);
	if (!it->st) {
		free(it);
		return -1;
	}
	for (m = STORE_BUILTIN_MEASURES; m < s->nmeasures; m++)
		sqlite3_bind_int64(it->st, bind++, s->measure_id[m]);
	if (f->patient_id)
		sqlite3_bind_text(it->st, bind++, f->patient_id, -1, SQLITE_TRANSIENT);
	*out = it;
	return 0;
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? xstrdup((const char *)t) : NULL;
}

static void tally_therapist(struct store_iter *it, const char *t)
{
	size_t i;
	if (!t)
		return;
	for (i = 0; i < it->ntherapists; i++)
		if (!strcmp(it->therapists[i], t)) {
			it->tcount[i]++;
			return;
		}
	if (it->ntherapists < 64) {
		it->therapists[it->ntherapists] = xstrdup(t);
		it->tcount[it->ntherapists++] = 1;
	}
}

/* The iterator's next row, left pending in it->st: 1, 0 at the end, -1. */
static int peek_row(struct store_iter *it, struct error *err)
{
	int rc;
	if (it->pending)
		return 1;
	if (it->done)
		return 0;
	rc = sqlite3_step(it->st);
	if (rc == SQLITE_DONE) {
		it->done = 1;
		return 0;
	}
	if (rc != SQLITE_ROW)
		return sql_fail(it->s, err, "cannot read sessions");
	it->pending = 1;
	return 1;
}

/* The rows are ordered by patient, label, date (the iterator's query):
 * 0..4 patient rowid, id, referrer, indication, birth year; 5 label;
 * 6 date; 7 therapist; 8 file; 9.. the measures. */
enum { COL_PATIENT, COL_PID, COL_REFERRER, COL_INDICATION, COL_BIRTH, COL_LABEL, COL_DATE,
       COL_THERAPIST, COL_FILE, COL_SCORES };

static void course_reset(struct store_course *c, size_t nm)
{
	free(c->patient_id); free(c->course_id); free(c->referrer);
	free(c->indication); free(c->therapist);
	c->patient_id = c->course_id = c->referrer = c->indication = c->therapist = NULL;
	c->n = 0;
	c->missing = 0;
	c->nmeasures = nm;
}

/* The pending row opens course c: the patient's fields and the course id. */
static void course_start(struct store_iter *it, struct store_course *c)
{
	sqlite3_stmt *st = it->st;
	sqlite3_int64 p = sqlite3_column_int64(st, COL_PATIENT);
	const char *label = (const char *)sqlite3_column_text(st, COL_LABEL);
	if (p != it->cur_patient) {
		it->cur_patient = p;
		it->derived_k = 0;
	}
	c->patient_id = col_dup(st, COL_PID);
	c->referrer = col_dup(st, COL_REFERRER);
	c->indication = col_dup(st, COL_INDICATION);
	c->birth_year = sqlite3_column_int(st, COL_BIRTH);
	c->derived = !*label;
	c->course_no = c->derived ? ++it->derived_k : 0;
	c->course_id = c->derived ? xasprintf("%s-C%d", c->patient_id, c->course_no)
				  : xstrdup(label);
}

/* 1 when the pending row belongs to course c: the same patient and label,
 * and for a derived course no more than the gap after its last session. */
static int row_continues(const struct store_iter *it, const struct store_course *c)
{
	sqlite3_stmt *st = it->st;
	const char *label = (const char *)sqlite3_column_text(st, COL_LABEL);
	if (sqlite3_column_int64(st, COL_PATIENT) != it->cur_patient ||
	    strcmp(label, c->derived ? "" : c->course_id) != 0)
		return 0;
	return !c->derived ||
	       (long)sqlite3_column_int64(st, COL_DATE) - c->date[c->n - 1] <= it->gap;
}

/* Appends the pending row to course c as its next session. */
static void course_add_row(struct store_iter *it, struct store_course *c)
{
	sqlite3_stmt *st = it->st;
	size_t nm = c->nmeasures, m;
	int miss = 0;
	if (c->n + 1 > c->cap) {
		size_t cap = c->cap;
		c->date = xgrow(c->date, &cap, c->n + 1, sizeof(*c->date));
		cap = c->cap;
		c->last_file = xgrow(c->last_file, &cap, c->n + 1, sizeof(*c->last_file));
		cap = c->cap;
		c->score = xgrow(c->score, &cap, (c->n + 1), nm * sizeof(*c->score));
		c->cap = cap;
	}
	c->date[c->n] = (long)sqlite3_column_int64(st, COL_DATE);
	c->last_file[c->n] = (long)sqlite3_column_int64(st, COL_FILE);
	tally_therapist(it, (const char *)sqlite3_column_text(st, COL_THERAPIST));
	for (m = 0; m < nm; m++) {
		int col = COL_SCORES + (int)m;
		double v = sqlite3_column_type(st, col) == SQLITE_NULL
			   ? NAN : sqlite3_column_double(st, col);
		c->score[c->n * nm + m] = v;
		if (isnan(v) && m < STORE_BUILTIN_MEASURES)
			miss = 1;
	}
	c->missing += miss;
	c->n++;
}

/* The course's therapist is the one who gave most of its sessions. */
static void course_therapist(struct store_iter *it, struct store_course *c)
{
	size_t i, best = 0;
	for (i = 0; i < it->ntherapists; i++)
		if (it->tcount[i] > it->tcount[best])
			best = i;
	if (it->ntherapists)
		c->therapist = xstrdup(it->therapists[best]);
	for (i = 0; i < it->ntherapists; i++)
		free(it->therapists[i]);
	it->ntherapists = 0;
}

/* Reads one course (unfiltered); 1 ok, 0 done, -1 error. */
static int read_course(struct store_iter *it, struct store_course *c, struct error *err)
{
	int rc;
	course_reset(c, it->s->nmeasures);
	while ((rc = peek_row(it, err)) == 1) {
		if (c->n == 0)
			course_start(it, c);
		else if (!row_continues(it, c))
			break;
		course_add_row(it, c);
		it->pending = 0;
	}
	if (rc < 0)
		return -1;
	if (c->n == 0)
		return 0;
	course_therapist(it, c);
	return 1;
}

int store_iter_next(struct store_iter *it, struct store_course *c, struct error *err)
{
	for (;;) {
		int rc = read_course(it, c, err);
		size_t i;
		int recent = 0;
		if (rc <= 0)
			return rc;
		if (it->f.course_id && strcmp(it->f.course_id, c->course_id) != 0)
			continue;
		if (it->f.from != STORE_DATE_OPEN && c->date[0] < it->f.from)
			continue;
		if (it->f.to != STORE_DATE_OPEN && c->date[0] > it->f.to)
			continue;
		if (it->f.min_file > 0) {
			for (i = 0; i < c->n; i++)
				if (c->last_file[i] >= it->f.min_file)
					recent = 1;
			if (!recent)
				continue;
		}
		return 1;
	}
}

int store_for_each_course(struct store *s, const struct store_filter *f, store_course_fn *fn,
			  void *arg, struct error *err)
{
	struct store_iter *it;
	struct store_course c;
	int rc;
	if (store_iter_open(s, f, &it, err) < 0)
		return -1;
	memset(&c, 0, sizeof(c));
	while ((rc = store_iter_next(it, &c, err)) == 1)
		if ((rc = fn(arg, &c, err)) != 0)
			break;
	store_iter_free(it);
	store_course_release(&c);
	return rc;
}

/* A deep copy of src into dst (released with store_course_release). */
static void course_copy(struct store_course *dst, const struct store_course *src)
{
	size_t nd = src->n ? src->n : 1, ns = nd * (src->nmeasures ? src->nmeasures : 1);
	*dst = *src;
	dst->patient_id = src->patient_id ? xstrdup(src->patient_id) : NULL;
	dst->course_id = src->course_id ? xstrdup(src->course_id) : NULL;
	dst->referrer = src->referrer ? xstrdup(src->referrer) : NULL;
	dst->indication = src->indication ? xstrdup(src->indication) : NULL;
	dst->therapist = src->therapist ? xstrdup(src->therapist) : NULL;
	dst->cap = src->n;
	dst->date = xmalloc(nd * sizeof(*dst->date));
	dst->last_file = xmalloc(nd * sizeof(*dst->last_file));
	dst->score = xmalloc(ns * sizeof(*dst->score));
	memcpy(dst->date, src->date, src->n * sizeof(*dst->date));
	memcpy(dst->last_file, src->last_file, src->n * sizeof(*dst->last_file));
	memcpy(dst->score, src->score, src->n * src->nmeasures * sizeof(*dst->score));
}

struct course_list {
	struct store_course **v;
	size_t *n, cap;
};

static int keep_course(void *arg, const struct store_course *c, struct error *err)
{
	struct course_list *l = arg;
	(void)err;
	*l->v = xgrow(*l->v, &l->cap, *l->n + 1, sizeof(**l->v));
	course_copy(&(*l->v)[(*l->n)++], c);
	return 0;
}

int store_list_courses(struct store *s, const struct store_filter *f, struct store_course **v,
		       size_t *n, struct error *err)
{
	struct course_list l = { v, n, *n };
	return store_for_each_course(s, f, keep_course, &l, err) < 0 ? -1 : 0;
}

void store_iter_free(struct store_iter *it)
{
	size_t i;
	if (!it)
		return;
	for (i = 0; i < it->ntherapists; i++)
		free(it->therapists[i]);
	sqlite3_finalize(it->st);
	free(it);
}

/* The referral letter's data ------------------------------------------ */

static void visits_clear(struct store_course_visits *v)
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
	visits_clear(v);
}

static int patient_letter_fields(struct store *s, const char *pid, sqlite3_int64 *rowid,
				 struct store_course_visits *v, struct error *err)
{
	sqlite3_stmt *st = bound(s, err, "SELECT id, name, referral_reason, referral_date,"
				    " planned_sessions FROM patients WHERE patient_id=?", "t", pid);
	int rc;
	if (!st)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*rowid = sqlite3_column_int64(st, 0);
		v->name = col_dup(st, 1);
		v->referral_reason = col_dup(st, 2);
		if (sqlite3_column_type(st, 3) != SQLITE_NULL)
			v->referral_date = (long)sqlite3_column_int64(st, 3);
		v->planned_sessions = sqlite3_column_int(st, 4);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return sql_fail(s, err, "cannot read patient");
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
	visits_clear(&v);
	return rc;
}

/* The patient's last attended derived-course session before 'date' into
 * *d (STORE_DATE_OPEN when none); 0 or -1. */
static int previous_date(struct store *s, sqlite3_int64 patient, long date, long *d,
			 struct error *err)
{
	sqlite3_stmt *st = bound(s, err, "SELECT max(session_date) FROM sessions WHERE patient=?1"
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
		return sql_fail(s, err, "cannot read sessions");
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
	long gap = course_gap(s);
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
	x->therapist = col_dup(st, 2);
	x->notes = col_dup(st, 3);
	x->adverse_event = col_dup(st, 4);
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
		visits_clear(v);
		return -1;
	}
	st = bound(s, err, "SELECT session_date, attendance, therapist, notes, adverse_event"
			   " FROM sessions WHERE patient=? AND label=? AND session_date BETWEEN ? AND ?"
			   " ORDER BY session_date", "itii", patient, c->derived ? "" : c->course_id,
		   (sqlite3_int64)lo, (sqlite3_int64)hi);
	if (!st) {
		visits_clear(v);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		add_visit(v, &cap, st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		visits_clear(v);
		return sql_fail(s, err, "cannot read sessions");
	}
	return 0;
}

int store_therapist_get(struct store *s, const char *name, struct store_therapist *t,
			struct error *err)
{
	sqlite3_stmt *st = bound(s, err, "SELECT name, credentials, email FROM therapists"
				    " WHERE name=?", "t", name);
	int rc;
	memset(t, 0, sizeof(*t));
	if (!st)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		t->name = col_dup(st, 0);
		t->credentials = col_dup(st, 1);
		t->email = col_dup(st, 2);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sql_fail(s, err, "cannot read therapists");
	return rc == SQLITE_ROW;
}

void store_therapist_release(struct store_therapist *t)
{
	free(t->name);
	free(t->credentials);
	free(t->email);
	memset(t, 0, sizeof(*t));
}

/*
 * Column 0 of each row of st (bound; finalized here) as a NULL-terminated
 * list (strv_free).  With 'skipped', a row whose column 1 is before 'since'
 * is counted there instead.  NULL with err when 'what' cannot be read.
 */
static char **text_rows(struct store *s, sqlite3_stmt *st, long since, long *skipped,
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
		sql_fail(s, err, what);
		return NULL;
	}
	return v;
}

char **store_patients_since(struct store *s, long min_file, struct error *err)
{
	sqlite3_stmt *st = bound(s, err, "SELECT DISTINCT p.patient_id FROM sessions s"
				    " JOIN patients p ON p.id=s.patient WHERE s.file >= ?"
				    " ORDER BY p.patient_id", "i", (sqlite3_int64)min_file);
	if (!st)
		return NULL;
	return text_rows(s, st, 0, NULL, "cannot list patients", err);
}

char **store_patients_active_since(struct store *s, long min_file, long since, long *inactive,
				   struct error *err)
{
	/* Each patient's latest session over all their sessions, not only the new ones. */
	sqlite3_stmt *st = bound(s, err, "SELECT p.patient_id, (SELECT max(x.session_date) FROM"
				    " sessions x WHERE x.patient=p.id) FROM patients p WHERE p.id IN"
				    " (SELECT patient FROM sessions WHERE file >= ?)"
				    " ORDER BY p.patient_id", "i", (sqlite3_int64)min_file);
	*inactive = 0;
	if (!st)
		return NULL;
	return text_rows(s, st, since, inactive, "cannot list patients", err);
}

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
	sqlite3_stmt *st = bound(s, err, "SELECT detail, open FROM alerts WHERE patient_id=? AND"
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
		return sql_fail(s, err, "cannot read alerts");
	if (run_once(s, bound(s, err, "INSERT INTO alerts(patient_id, course_id, measure, kind,"
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
	return run_once(s, bound(s, err, "INSERT INTO alert_reports(run, seq, patient_id, course_id,"
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
		if (run_once(s, bound(s, err, "UPDATE alerts SET open=2 WHERE patient_id=? AND open=1",
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
	if (exec(s, "BEGIN IMMEDIATE", err) < 0)
		return -1;
	if (alerts_pending(s, read, err) < 0)
		goto fail;
	if (run_once(s, bound(s, err, "INSERT INTO alert_runs(day, at) VALUES(?, ?)", "tt", day,
			      at), "cannot record the alerts run", err) < 0)
		goto fail;
	run = sqlite3_last_insert_rowid(s->db);
	for (i = 0; i < l->n; i++) {
		rc = alert_changed(s, &l->v[i], day, err);
		if (rc < 0 || (rc == 1 && report_row(s, run, seq++, &l->v[i], err) < 0))
			goto fail;
	}
	if (run_once(s, bound(s, err, "UPDATE alerts SET open=0, closed=? WHERE open=2", "t", day),
		     "cannot close alerts", err) < 0)
		goto fail;
	if (exec(s, "COMMIT", err) < 0)
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
	sqlite3_stmt *st = prepare(s, "SELECT DISTINCT day FROM alert_runs WHERE written=0"
				      " ORDER BY day", err);
	if (!st)
		return NULL;
	return text_rows(s, st, 0, NULL, "cannot read alert runs", err);
}

int store_alerts_written(struct store *s, const char *day, struct error *err)
{
	return run_once(s, bound(s, err, "UPDATE alert_runs SET written=1 WHERE day=?", "t", day),
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
		st = prepare(s, "SELECT day FROM alert_runs ORDER BY id DESC LIMIT 1", err);
		if (!st)
			return -1;
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			latest = xstrdup((const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return sql_fail(s, err, "cannot read alert runs");
		if (!latest) {
			if (runs)
				*runs = NULL;
			return 0; /* no nightly run yet */
		}
		day = latest;
	}
	st = bound(s, err, "SELECT r.at, a.patient_id, a.course_id, a.measure, a.kind,"
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
		return sql_fail(s, err, "cannot read alerts");
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
	sqlite3_stmt *st = prepare(s, "SELECT a.patient_id, a.course_id, a.measure, a.kind,"
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
		a->first_seen = col_dup(st, 6);
		a->ack_user = col_dup(st, 7);
		a->ack_day = col_dup(st, 8);
		a->ack_note = col_dup(st, 9);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sql_fail(s, err, "cannot read alerts");
	return 0;
}

int store_alerts_ack(struct store *s, const char *pid, const char *kind, const char *day,
		     const char *user, const char *note, long *acked, struct error *err)
{
	sqlite3_stmt *st = bound(s, err, "INSERT OR IGNORE INTO alert_acks(patient_id, course_id,"
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
		return sql_fail(s, err, "cannot record the acknowledgement");
	*acked = sqlite3_changes(s->db);
	return 0;
}

char **store_alerts_open_patients(struct store *s, struct error *err)
{
	sqlite3_stmt *st = prepare(s, "SELECT DISTINCT patient_id FROM alerts WHERE open=1"
				      " ORDER BY patient_id", err);
	if (!st)
		return NULL;
	return text_rows(s, st, 0, NULL, "cannot read alerts", err);
}
