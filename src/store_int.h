/*
 * store_int.h - what the store_*.c files share besides store.h: the
 * SQLite connection of an open store and the URI of a file.  Only store_*
 * files include it (and sqlite3.h).
 */
#ifndef SYMTREND_STORE_INT_H
#define SYMTREND_STORE_INT_H

#include <sqlite3.h>

#include "store.h"

/* The connection of an open store (borrowed). */
sqlite3 *store_sqlite(struct store *s);
/* 'path' as an SQLite URI file:...?query (caller frees). */
char *store_file_uri(const char *path, const char *query);

/* The OS user running this: the effective user's login name, else "uid N"
 * (caller frees). */
char *store_os_user(void);
/* Now, local time with its offset: 2026-03-12T02:15:07+0100. */
void store_now(char out[32]);

/* What every store_*.c file shares: the open store itself (its connection,
 * measures, settings cache and the ingest's prepared statements and patient
 * cache), and the helpers that run a statement and say what failed. */
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
	/* Set by store_ingest_begin: what store_free calls for an ingest left
	 * open (store.c knows no ingest of its own). */
	void (*ingest_end)(struct store *s);
};


/* err says 'what' failed with SQLite's message; returns -1. */
int store_sql_fail(struct store *s, struct error *err, const char *what);
/* Runs SQL without results: 0, or -1 with err. */
int store_exec(struct store *s, const char *sql, struct error *err);
/* A persistent prepared statement, or NULL with err. */
sqlite3_stmt *store_prepare(struct store *s, const char *sql, struct error *err);
/* Binds text or NULL to parameter i. */
void store_bind_opt_text(sqlite3_stmt *st, int i, const char *v);
/* A statement with its parameters bound from 'types' ("t" text, "i" int64)
 * and the arguments that follow; NULL with err. */
sqlite3_stmt *store_bound(struct store *s, struct error *err, const char *sql,
			  const char *types, ...);
/* Steps st once to its end and finalizes it: 0, or -1 with err ('what'). */
int store_run_once(struct store *s, sqlite3_stmt *st, const char *what, struct error *err);
/* The one integer a query returns into *v: 0, or -1 with err. */
int store_int_query(struct store *s, const char *sql, sqlite3_int64 *v, struct error *err);
/* Column i as a malloc'd string, NULL when NULL. */
char *store_col_dup(sqlite3_stmt *st, int i);
/* The text column 0 of every row of st (strv_free), or NULL with err; with
 * 'since' and 'skipped': see store_patients_active_since. */
char **store_text_rows(struct store *s, sqlite3_stmt *st, long since, long *skipped,
		       const char *what, struct error *err);
/* The course_gap the store was given (store_set_course_gap), or the default. */
long store_course_gap(struct store *s);
/* Finalizes the ingest's statements and empties its patient cache. */
void store_finalize_ingest(struct store *s);
/* Finds or creates patient pid through the ingest's bounded cache: its rowid
 * in *id; 0, or -1 with err. */
int store_patient_rowid(struct store *s, const char *pid, sqlite3_int64 *id, struct error *err);
/* Frees a course's visits and zeroes it. */
void store_visits_clear(struct store_course_visits *v);

#endif
