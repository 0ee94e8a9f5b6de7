/*
 * csvin.h - streaming reader of session and patient CSV files (libcsv).
 *
 * Owns: splitting a byte stream into records (RFC 4180 quoting, LF or CRLF,
 * the delimiter `,` `;` or tab told from the header line) with the physical
 * line where each starts and its raw text, the header mapping by name
 * (trimmed; empty header = ignored column), and every per-row validation
 * rule of CONTRACT.md, with the spreadsheet dialects (decimal comma,
 * DD.MM.YYYY, slash dates by option).  Decoding to UTF-8 is decode.c's; a
 * .xlsx workbook (told by its zip signature) is read through xlsx.c and
 * validated by the same rules.  Memory is bounded by the longest record (CSVIN_MAX_RECORD),
 * never by the file.  It knows nothing of the database: the caller passes the
 * measure names that are known.
 */
#ifndef SYMTREND_CSVIN_H
#define SYMTREND_CSVIN_H

#include <limits.h>
#include <stddef.h>
#include <stdio.h>

#include "util.h"

#define CSVIN_MAX_MEASURES 16
#define CSVIN_MAX_RECORD (1u << 20)   /* bytes kept of one record */
#define CSVIN_MAX_ID 64               /* characters in patient/course ids */
#define CSVIN_MAX_NAME 128            /* therapist, referrer, indication */
#define CSVIN_MAX_NOTES 10000         /* bytes of notes */
#define CSVIN_MAX_REASON 500          /* characters of a referral reason */
#define CSVIN_MAX_EVENT 2000          /* bytes of an adverse event */
#define CSVIN_MAX_EMAIL 254           /* characters of an email address */
#define CSVIN_MAX_PLANNED 999         /* planned sessions of a course */
#define CSVIN_NO_DATE LONG_MIN        /* an optional date not given */

enum csvin_kind { CSVIN_SESSIONS, CSVIN_PATIENTS, CSVIN_THERAPISTS };

/* Whether the patient came; only attended sessions carry scores. */
enum csvin_attendance { CSVIN_ATTENDED, CSVIN_CANCELLED, CSVIN_NO_SHOW };

/* How dates with slashes are read: not at all unless the user says. */
enum csvin_date_format { CSVIN_DATE_NO_SLASH = 0, CSVIN_DATE_DMY, CSVIN_DATE_MDY };

/* How to read a file; a zeroed struct is the contract's default. */
struct csvin_opts {
	const char *encoding;                 /* NULL: UTF-8 (a BOM decides anyway) */
	enum csvin_date_format slash_dates;
};

/* One session row, pointers borrowed from the reader until the next call. */
struct csvin_session {
	const char *patient_id;
	const char *course_id; /* NULL: derive the course from dates */
	long date;             /* days since 1970-01-01 */
	const char *therapist; /* NULL when absent or empty */
	const char *notes;     /* NULL when absent or empty */
	const char *adverse_event; /* NULL when absent or empty */
	enum csvin_attendance attendance;
	double score[CSVIN_MAX_MEASURES];
	unsigned char has[CSVIN_MAX_MEASURES]; /* 1 when recorded */
};

struct csvin_patient {
	const char *patient_id;
	const char *referrer;   /* NULL when empty */
	const char *indication; /* NULL when empty */
	int birth_year;         /* 0 when absent */
	/* For the referral letter; the name is shown in letters only. */
	const char *name;            /* NULL when empty */
	const char *referral_reason; /* NULL when empty */
	long referral_date;          /* days since 1970-01-01, CSVIN_NO_DATE when empty */
	int planned_sessions;        /* 0 when empty */
};

/* One row of a therapists file (the letter's signature block). */
struct csvin_therapist {
	const char *therapist;
	const char *credentials; /* NULL when empty */
	const char *email;       /* NULL when empty */
};

/* A record as read: its position and text, and either a row or a reason. */
struct csvin_record {
	long line;        /* physical line where the record starts */
	const char *raw;  /* the record as read, without its line ending */
	size_t raw_len;
	const char *reason; /* NULL when valid; else why it is rejected */
	struct csvin_session session; /* valid CSVIN_SESSIONS record */
	struct csvin_patient patient; /* valid CSVIN_PATIENTS record */
	struct csvin_therapist therapist; /* valid CSVIN_THERAPISTS record */
};

struct csvin_reader;

/*
 * Opens 'path' (or reads 'fp' when not NULL, named 'path' in messages) and
 * reads its header.  'measures' lists the measure names the clinic knows, in
 * the order of csvin_session.score[].  Returns NULL and fills 'err' when the
 * file cannot be read as this kind of CSV; the reader is freed with
 * csvin_free (which closes a file it opened, not a 'fp' passed in).
 */
struct csvin_reader *csvin_open(const char *path, FILE *fp, enum csvin_kind kind,
				const char *const *measures, size_t nmeasures,
				struct error *err);
/* The same, reading the file as 'opts' says (NULL: defaults). */
struct csvin_reader *csvin_open_opts(const char *path, FILE *fp, enum csvin_kind kind,
				     const char *const *measures, size_t nmeasures,
				     const struct csvin_opts *opts, struct error *err);
/* Reads the header only to tell the kind of file, as an enum csvin_kind:
 * CSVIN_PATIENTS (1), CSVIN_THERAPISTS (2), CSVIN_SESSIONS (0, also for a
 * header that is none of them: its ingest says why); -1 with err when the
 * file cannot be read.  Reads 'fp' when not NULL (and leaves it at its
 * start), else opens 'path'. */
int csvin_sniff(const char *path, FILE *fp, struct error *err);
/* 1 a record was read, 0 end of file, -1 read error (err filled). */
int csvin_next(struct csvin_reader *r, struct csvin_record *rec, struct error *err);
/* Which measures the file has a column for (after open). */
int csvin_has_measure(const struct csvin_reader *r, size_t m);
/* Bytes consumed so far and the file size (0 when unknown), for progress. */
unsigned long long csvin_offset(const struct csvin_reader *r);
unsigned long long csvin_size(const struct csvin_reader *r);
/* After end of file: SHA-256 of every byte read. */
const char *csvin_sha256(struct csvin_reader *r);
void csvin_free(struct csvin_reader *r);

/* The word of an attendance value as written in files and the database. */
const char *csvin_attendance_name(enum csvin_attendance a);
/*
 * A date cell: YYYY-MM-DD, YYYY/M/D, D.M.YYYY, or D/M/YYYY and M/D/YYYY as
 * 'f' says (days and months with or without a leading zero; a year always
 * of four digits).  0 and *days (since 1970-01-01), or -1 when not a real
 * date in those forms.
 */
int csvin_parse_date(const char *s, size_t n, enum csvin_date_format f, long *days);
/* "DD/MM/YYYY" or "MM/DD/YYYY" as --date-format takes it; -1 otherwise. */
int csvin_date_format_parse(const char *s, enum csvin_date_format *f);

/* Validates a measure name for --measure: [a-z][a-z0-9_]{0,31}; 0 ok. */
int csvin_valid_measure_name(const char *name);

#endif
