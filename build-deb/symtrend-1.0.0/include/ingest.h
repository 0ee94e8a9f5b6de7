/*
 * ingest.h - one CSV file into the store as one transaction, with its
 * rejects file.  Shared by 'symtrend ingest' and 'symtrend nightly'.
 * Owns the rejects file format (line,reason,raw) and the rule that a file
 * is stored whole or not at all.
 */
#ifndef SYMTREND_INGEST_H
#define SYMTREND_INGEST_H

#include "csvin.h"
#include "store.h"

struct ingest_opts {
	enum csvin_kind kind;
	FILE *in;                 /* NULL: open 'path'; else read this open file,
				     'path' naming it in messages (nightly reads
				     the very file it checked) */
	const char *rejects_path; /* NULL: FILE.rejects.csv beside the input */
	int dry_run;              /* validate and count, then roll back; no rejects file */
	int update_therapists;    /* a therapist row that differs replaces the stored one */
	const char *today;        /* run date YYYY-MM-DD (NULL: the local date); a
				     session after the day after it is rejected */
	int update_patients;      /* a patients row that differs from the stored
				     patient is applied (else a conflict) */
	const char *encoding;     /* NULL: the input_encoding setting, else UTF-8 */
	enum csvin_date_format slash_dates;
	/* Optional observers; neither may call back into the store. */
	void (*progress)(void *arg, unsigned long long done, unsigned long long size);
	void (*on_reject)(void *arg, const char *file, long line, const char *reason);
	void *arg;
};

struct ingest_result {
	struct store_ingest_counts counts;
	char *rejects_path; /* written rejects file, or NULL; caller frees */
	int stale_removed;  /* a clean ingest removed an old rejects file there */
	char sha256[65];
	unsigned long long size;
};

/*
 * Ingests 'path'.  Returns 0 when the file was read (its valid rows stored,
 * its bad rows in the rejects file), 1 when the file was refused whole (err
 * says why, nothing stored), -1 on an I/O or database failure, or with
 * err->kind ERR_USAGE when the rejects file could not be placed safely
 * (nothing stored).  'res' is filled in every case; release it with
 * ingest_result_release.
 *
 * The rejects file is never written over the input, the database (or its
 * -wal, -shm, -journal), or anything that is not a regular file; an input
 * that is not a regular file (a pipe, /dev/stdin) has no "beside the input"
 * and needs rejects_path.  After a clean ingest an old rejects file at the
 * path (one that starts with the rejects header) is removed: it described
 * rows that are no longer rejected.
 */
int ingest_file(struct store *s, const char *path, const struct ingest_opts *o,
		struct ingest_result *res, struct error *err);
void ingest_result_release(struct ingest_result *res);
/* "sessions", "patients" or "therapists": the kind as files and the
 * database name it. */
const char *ingest_kind_name(enum csvin_kind kind);

#endif
