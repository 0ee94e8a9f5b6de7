/*
 * store.h - the SQLite database: schema and migrations, measures and
 * settings, the ingest of one file as one transaction, the ingest log, and
 * reading the sessions back one course at a time.
 *
 * Owns every SQL statement of symtrend (only store.c includes sqlite3.h);
 * all of them are prepared with bound parameters.  Courses are derived on
 * read: a session either carries the clinic's course_id or belongs to the
 * derived course <patient_id>-C<k>, split where the gap between two of the
 * patient's sessions exceeds the course_gap setting.  Deriving on read means
 * a late file or a changed gap never leaves stale course numbers behind.
 */
#ifndef SYMTREND_STORE_H
#define SYMTREND_STORE_H

#include <limits.h>
#include <stddef.h>

#include "clinic.h"
#include "csvin.h"
#include "util.h"

#define STORE_SCHEMA_VERSION 7
#define STORE_BUILTIN_MEASURES CLINIC_MEASURES

enum store_open_flags {
	STORE_WRITE = 1,  /* open read-write (else read-only) */
	STORE_CREATE = 2, /* create the file and schema when missing */
};

struct store;

/* Opens the database; on success *out is freed with store_free. */
int store_open(const char *path, int flags, struct store **out, struct error *err);
void store_free(struct store *s);
/* A place for what settings.c loads from the config table (opaque here),
 * dropped (free_fn called) when a setting or a measure changes and when
 * the store is freed; NULL when none is kept. */
void store_settings_cache(struct store *s, void *cache, void (*free_fn)(void *));
void *store_settings_cached(const struct store *s);
/* Days without a session that start a new derived course: the course_gap
 * setting as settings_load read it (the contract's default until set). */
void store_set_course_gap(struct store *s, long days);
/* The database file's path as opened. */
const char *store_path(const struct store *s);
/* Schema version of the file as opened (after any migration). */
int store_schema_version(struct store *s);

/* Measures in column order: the four of the contract, then declared ones. */
size_t store_measure_count(const struct store *s);
const char *store_measure_name(const struct store *s, size_t i);
/* Index of a measure by name or -1. */
int store_measure_index(const struct store *s, const char *name);
/* Declares an extra measure; 0 added, 1 already known, -1 error. */
int store_add_measure(struct store *s, const char *name, struct error *err);

/*
 * Settings, as text.  store_config_read sets *value to a malloc'd value
 * (caller frees) or NULL when unset: 0, or -1 with err when the database
 * cannot be read.  store_config_get is the same for callers that fall back
 * to a default (settings.h's getters): NULL also when it cannot be read.
 * Validation of keys and values is the caller's (see settings.h).
 */
int store_config_read(struct store *s, const char *key, char **value, struct error *err);
char *store_config_get(struct store *s, const char *key);
int store_config_set(struct store *s, const char *key, const char *value, struct error *err);
int store_config_unset(struct store *s, const char *key, struct error *err);
void strv_free(char **v);

/* What happened to one ingested row. */
enum store_outcome {
	STORE_STORED,
	STORE_DUPLICATE,    /* identical to what is stored */
	STORE_CONFLICT,     /* differs from what is stored: reported, not applied */
	STORE_OTHER_COURSE, /* the patient's session that day is in another course */
};

struct store_ingest_counts {
	long rows_read, stored, duplicates, rejected, conflicts;
};

/* Adds c's counts to t. */
void store_ingest_counts_add(struct store_ingest_counts *t, const struct store_ingest_counts *c);

/*
 * One file's ingest is one transaction: begin, add rows, then commit (which
 * also writes the ingest log entry) or rollback.  'name' is the file as given.
 */
int store_ingest_begin(struct store *s, const char *name, const char *kind, struct error *err);
int store_ingest_session(struct store *s, const struct csvin_session *row, long line,
			 enum store_outcome *outcome, struct error *err);
/*
 * A patient row: new, or filling in what was not stored, is STORE_STORED;
 * every given value stored already is STORE_DUPLICATE; a given value that
 * differs from the stored one is STORE_CONFLICT (not applied, the column
 * names written to 'differs', which is empty) unless 'update', when it is applied and
 * STORE_STORED.  An empty cell never erases a stored value.
 */
int store_ingest_patient(struct store *s, const struct csvin_patient *row, int update,
			 struct strbuf *differs, enum store_outcome *outcome, struct error *err);
/*
 * A therapist for the letters' signature block: new is stored, identical is
 * a duplicate, different credentials or email a conflict unless 'update'
 * (then it replaces the stored one).  An empty cell says nothing: it keeps
 * what is stored.
 */
int store_ingest_therapist(struct store *s, const struct csvin_therapist *row, int update,
			   enum store_outcome *outcome, struct error *err);
int store_ingest_commit(struct store *s, const struct store_ingest_counts *c,
			unsigned long long size, const char *sha256, struct error *err);
void store_ingest_rollback(struct store *s);
/* 1 when a file with this content hash was ingested whole before, 0 when
 * not, -1 with err when the ingest log cannot be read. */
int store_file_known(struct store *s, const char *sha256, struct error *err);

/* One course with its sessions in date order. */
struct store_course {
	char *patient_id, *course_id;
	char *referrer, *indication, *therapist; /* NULL when unknown */
	int birth_year;                          /* 0 when unknown */
	int derived;                             /* course id derived from dates */
	int course_no;                           /* k of the patient's courses */
	size_t n, cap;                           /* sessions */
	long *date;                              /* days since 1970-01-01 */
	long *last_file;                         /* file id that stored each session */
	double *score;                           /* n x nmeasures, NAN = not recorded */
	size_t nmeasures;
	int missing;                             /* sessions with a missing score */
};
void store_course_release(struct store_course *c);
/* The scored sessions of measure m: session_no (1-based order in the
 * course) into s, score into y, each with room for c->n; returns how many. */
size_t store_course_points(const struct store_course *c, size_t m, double *s, double *y);

struct store_filter {
	const char *patient_id; /* NULL: all */
	const char *course_id;  /* NULL: all */
	long from, to;          /* course start date window, STORE_DATE_OPEN when open */
	long min_file;          /* >0: only courses with a session from a file id >= this */
};
/* An open end of a date window (a real date may be negative: before 1970). */
#define STORE_DATE_OPEN LONG_MIN
#define STORE_FILTER_INIT { NULL, NULL, STORE_DATE_OPEN, STORE_DATE_OPEN, 0 }

struct store_iter;
int store_iter_open(struct store *s, const struct store_filter *f,
		    struct store_iter **out, struct error *err);
/* 1 a course in *c (its previous contents are reused), 0 done, -1 error. */
int store_iter_next(struct store_iter *it, struct store_course *c, struct error *err);
void store_iter_free(struct store_iter *it);
/*
 * Calls fn with each course that f selects, in order (patient, then course
 * start); the course is valid during the call only.  fn returns 0 to go on,
 * anything else to stop: that value is returned.  0 when every course was
 * seen, -1 with err when reading failed (or fn returned -1 and filled err).
 */
typedef int store_course_fn(void *arg, const struct store_course *c, struct error *err);
int store_for_each_course(struct store *s, const struct store_filter *f, store_course_fn *fn,
			  void *arg, struct error *err);
/*
 * Appends a copy of each course that f selects to *v (*n of them there;
 * *v malloc'd, or NULL when *n is 0), for callers that keep a patient's
 * courses together.  Each is released with store_course_release, then *v
 * freed.  0, or -1 with err (what was appended stays, counted in *n).
 */
int store_list_courses(struct store *s, const struct store_filter *f, struct store_course **v,
		       size_t *n, struct error *err);

/*
 * The referral letter's data of one course, beyond its scored sessions.
 * Every row of the course in date order, attended or not: a cancelled or
 * no-show row belongs to the course of its course_id, or (derived courses)
 * to the course whose last session is at most course_gap days before it,
 * else to the course whose first session is at most course_gap days after.
 */
struct store_visit {
	long date;
	enum csvin_attendance attendance;
	char *therapist, *notes, *adverse_event; /* NULL when none */
};
struct store_course_visits {
	/* the patient's letter fields; the name is for letters only */
	char *name, *referral_reason;  /* NULL when not given */
	long referral_date;            /* CSVIN_NO_DATE when not given */
	int planned_sessions;          /* 0 when not given */
	long attended, cancelled, no_show;
	long adverse_events;           /* visits with an adverse event */
	size_t n;
	struct store_visit *visit;
};
/* Reads the visits of course c (as store_iter_next gave it); 0 or -1. */
int store_course_visits(struct store *s, const struct store_course *c,
			struct store_course_visits *v, struct error *err);
void store_course_visits_release(struct store_course_visits *v);

/* The patient's referral date (CSVIN_NO_DATE: none) and planned sessions
 * (0: none), for the reading's episode of care and finished courses; 0 or -1. */
int store_patient_referral(struct store *s, const char *pid, long *referral_date,
			   int *planned, struct error *err);

/* A therapist's signature block; fields NULL when not given. */
struct store_therapist {
	char *name, *credentials, *email;
};
/* 1 found, 0 not in the therapists data, -1 error. */
int store_therapist_get(struct store *s, const char *name, struct store_therapist *t,
			struct error *err);
void store_therapist_release(struct store_therapist *t);

/* Latest file id in the ingest log (0 when none) into *id: 0, or -1 with err. */
int store_last_file_id(struct store *s, long *id, struct error *err);
/* Counts for 'symtrend init' and the demo: patients, sessions, files. */
int store_counts(struct store *s, long *patients, long *sessions, long *files);

/* Patient ids with a session stored from file id min_file on whose latest
 * session (any file) is on or after day 'since' (NULL-terminated, strv_free),
 * or NULL on error; *inactive counts the others. */
char **store_patients_active_since(struct store *s, long min_file, long since, long *inactive,
				   struct error *err);
/*
 * Alerts as data (CONTRACT.md, "Alerts (nightly)").  An alert is said once:
 * the alerts table remembers each (patient, course, measure, kind) with the
 * key it was last said with, and a nightly run reports an alert only when it
 * is new or its key changed.  What a run reports is stored with it, in the
 * same transaction, so that its alerts files can always be written from the
 * database, also by the run after a killed one.
 */
struct store_alert {
	char *patient_id, *course_id;
	char *measure;      /* "" for course-level kinds */
	char *kind;         /* worse, relapse, response_lost, plateau, no_response */
	char *session_date; /* YYYY-MM-DD of the session that triggered it */
	char *detail;       /* a short human sentence */
	char *key;          /* what makes it the same alert as before (NULL as read back) */
	char *day;          /* the nightly day that reported it (as read back) */
	/* store_alerts_open: the day first raised, and who acknowledged it
	 * when (NULL: not acknowledged). */
	char *first_seen, *ack_user, *ack_day, *ack_note;
};
struct store_alerts {
	struct store_alert *v;
	size_t n, cap;
};
#define STORE_ALERTS_INIT { NULL, 0, 0 }
/* Appends a copy of the strings; key NULL: the detail is the key. */
void store_alerts_add(struct store_alerts *l, const char *pid, const char *cid,
		      const char *measure, const char *kind, const char *session_date,
		      const char *detail, const char *key);
void store_alerts_release(struct store_alerts *l);
/* One nightly run on 'day' (at "HH:MM"), one transaction: the alerts of l
 * that are new or changed (or raised again after they closed) are marked
 * said and stored as that run's report; *reported says how many.  The open
 * alerts of the patients 'read' (NULL-ended; their reading was made
 * tonight) that l does not raise again are closed. */
int store_alerts_record(struct store *s, const char *day, const char *at,
			const struct store_alerts *l, char *const *read, long *reported,
			struct error *err);
/* The patients with an open alert (strv_free), or NULL with err. */
char **store_alerts_open_patients(struct store *s, struct error *err);
/* Every open alert, oldest first, with the day first raised and its
 * acknowledgement (store_alert's first_seen, ack_*). */
int store_alerts_open(struct store *s, struct store_alerts *out, struct error *err);
/* Acknowledges the open alerts of kind of patient pid, by 'user' on 'day';
 * *acked says how many (0: none open). */
int store_alerts_ack(struct store *s, const char *pid, const char *kind, const char *day,
		     const char *user, const char *note, long *acked, struct error *err);
/* Days with a run whose alerts files are not written yet (strv_free), or NULL. */
char **store_alerts_unwritten(struct store *s, struct error *err);
/* The files of 'day' are written. */
int store_alerts_written(struct store *s, const char *day, struct error *err);
/* Appends the alerts reported by the runs of 'day' (NULL: the day of the
 * latest run; none when no run yet) in the order said; *runs (when not NULL)
 * gets the times of those runs, "HH:MM, HH:MM" (caller frees; NULL when no run). */
int store_alerts_of_day(struct store *s, const char *day, struct store_alerts *out,
			char **runs, struct error *err);

/* Backups (store_backup.c) ------------------------------------------------ */

/* What a backup is checked by: the rows of patients, sessions and files. */
struct store_tally {
	long patients, sessions, files;
};
/*
 * An online, consistent copy of the database into 'dest' with SQLite's
 * backup API, all pages and the tally from one read snapshot: written as
 * 'dest.tmp.PID-XXXXXX' (0600, a single file without a -wal), checked
 * (PRAGMA integrity_check, the same tally as the snapshot), fsynced, then
 * renamed to 'dest' and its folder synced.  *t (may be NULL) gets the
 * tally.  0, or -1 with err: nothing under the name 'dest' changed, the
 * temporary removed, the database untouched.
 */
int store_backup(struct store *s, const char *dest, struct store_tally *t, struct error *err);
/*
 * Checks a file as a backup: an SQLite file as long as its header says
 * (a truncated file is refused), a symtrend database of a schema this
 * program reads, PRAGMA integrity_check ok.  *t its tally.  0, or -1 with
 * err (ERR_INPUT: not a good backup, said why).  Nothing is written.
 */
int store_check_backup(const char *path, struct store_tally *t, struct error *err);
/*
 * Replaces every page of the open database with the backup 'path'
 * (checked as store_check_backup), in one transaction; the database is
 * checked again after.  The store must be closed and opened again before
 * further use (its schema may be older: the open migrates it).  0 or -1.
 */
int store_restore(struct store *s, const char *path, struct store_tally *t, struct error *err);

/* The audit log (store_audit.c) ------------------------------------------ */

/*
 * Records 'action' (letter, report, export, erase, restore) now, by the OS
 * user running this (getpwuid(geteuid())), one row per patient id of 'pids'
 * (NULL-terminated; NULL: one row about no patient), with 'detail': what,
 * never a patient's id or name.  'out_dir' (or NULL), the folder written
 * to, joins the output folders an erase cleans.  One transaction; a store
 * opened read-only writes through a second connection.  0, or -1 with err
 * (this user cannot write the database).
 */
int store_audit_add(struct store *s, const char *action, const char *const *pids,
		    const char *detail, const char *out_dir, struct error *err);
struct store_audit_row {
	const char *at, *os_user, *action;
	const char *patient_id;   /* NULL: no patient, or an erased one */
	const char *patient_hash; /* an erased patient: the keyed hash of the id */
	const char *detail;
};
/* fn returns 0 to go on. */
typedef int store_audit_fn(void *arg, const struct store_audit_row *r);
/* The rows in order; 'patient' (or NULL: all): that id's rows, also those
 * kept under its keyed hash after an erase.  0 or -1 with err. */
int store_audit_each(struct store *s, const char *patient, store_audit_fn *fn, void *arg,
		     struct error *err);
/* The keyed hash of a patient id: HMAC-SHA-256 under the database's own
 * random key (never shown), as 64 hex digits.  0 or -1 with err. */
int store_patient_hash(struct store *s, const char *pid, char out[65], struct error *err);
/* Adds a folder symtrend writes into (the nightly's inbox: processed/,
 * failed/ and rejects files) to the output folders; 0 or -1 with err. */
int store_output_dir_add(struct store *s, const char *dir, const char *kind, struct error *err);
/* The output folders written to, absolute (strv_free), or NULL with err. */
char **store_output_dirs(struct store *s, struct error *err);

/* A patient's rights (store_patient.c) ------------------------------------ */

enum store_patient_table {
	STORE_PATIENT_ROW,      /* the patients row: id, name, referral ... */
	STORE_PATIENT_SESSIONS, /* every session row, attended or not, with its scores */
	STORE_PATIENT_ALERTS,   /* every alert the nightly runs reported */
	STORE_PATIENT_AUDIT,    /* the audit log's rows about them */
};
/* Appends the rows of one kind as CSV with a header line (sb_csv_field:
 * formulas defused); *rows counts them.  0 or -1 with err. */
int store_patient_csv(struct store *s, const char *pid, enum store_patient_table t,
		      struct strbuf *csv, long *rows, struct error *err);
struct store_patient_info {
	char *name;         /* NULL when not given */
	int has_sessions;
	long last_session;  /* days since 1970-01-01, when has_sessions */
	long rows;          /* session rows, attended or not */
};
/* 1 known (p filled; release it), 0 not a patient, -1 error. */
int store_patient_info(struct store *s, const char *pid, struct store_patient_info *p,
		       struct error *err);
void store_patient_info_release(struct store_patient_info *p);
/* Every patient id (strv_free), or NULL with err. */
char **store_patient_ids(struct store *s, struct error *err);
/*
 * Erases a patient in one transaction, freed pages overwritten with zeros
 * (secure_delete): the patients row, every session and extra score, the
 * alerts and the alerts reported; their audit rows keep the keyed hash
 * instead of the id, and an 'erase' row (hash only, 'detail') is added.
 * 0 or -1 with err (nothing erased).
 */
int store_patient_erase(struct store *s, const char *pid, const char *detail, struct error *err);
/* After erases: the -wal folded in and emptied (PRAGMA wal_checkpoint(TRUNCATE)),
 * so no older page image stays beside the database.  0 or -1 with err. */
int store_scrub(struct store *s, struct error *err);

#endif
