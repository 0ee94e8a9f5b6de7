/*
 * patient.h - a patient's rights: everything stored about one patient
 * exported (GDPR articles 15 and 20), and a patient erased from the
 * database and from every file symtrend wrote under the output folders it
 * knows (store_output_dirs) and its log, the pages that listed them written
 * again; the retention rule that says when an erase may be done.
 */
#ifndef SYMTREND_PATIENT_H
#define SYMTREND_PATIENT_H

#include "store.h"

/* The day the retention of records ends: 'years' after 'last' (days since
 * 1970-01-01) on the same calendar day, 29 February becoming 1 March. */
long patient_retention_end(long last, long years);

struct patient_export_result {
	long sessions, alerts, audit; /* rows written */
	long letters;                 /* files copied from the output folders */
};
/*
 * Into 'dir' (created 0700; files 0600): patient.csv, sessions.csv,
 * alerts.csv, audit.csv, and letters/ with a copy of every file symtrend
 * wrote in the patient's own folders under the output folders it knows
 * (letters/N/..., and letters/index.txt saying where each came from).
 * Recorded in the audit log.  0, -1 with err; ERR_USAGE for an unknown id.
 */
int patient_export(struct store *s, const char *pid, const char *dir,
		   struct patient_export_result *r, struct error *err);

struct patient_erase_result {
	long folders_removed;  /* the patients' own folders (notes, letters) */
	long pages_rewritten;  /* alerts files, morning pages, clinic reports written again */
	long files_scrubbed;   /* other files: the lines naming them taken out */
	char **left;           /* files that still name one of them (strv_free), or NULL */
};
/*
 * Erases the patients 'pids' (NULL-terminated, each known) from the
 * database (store_patient_erase, 'detail' in each audit row) and from the
 * files: their own folders removed; alerts files, morning pages and clinic
 * reports that named them written again from the database as it is now
 * (dated 'today'); any other file under the output folders, and DB.log,
 * with the lines that hold their id or name taken out.  Then every file is
 * read again: r->left lists any that still holds an id or a name.
 * 0, or -1 with err.
 */
int patient_erase(struct store *s, const char *db_path, char *const *pids, const char *detail,
		  const char *today, struct patient_erase_result *r, struct error *err);
void patient_erase_result_release(struct patient_erase_result *r);

#endif
