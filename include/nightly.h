/*
 * nightly.h - the unattended nightly run: ingest what arrived in an inbox,
 * move each file to processed/ or failed/, write what changed (summary,
 * rejects, progress notes of patients with new sessions, alerts) and
 * refresh the clinic report.
 *
 * Owns the inbox layout, the lock beside the database, the run log, and
 * the order of a night's steps (the alert rules are outcome.c's, the
 * alerts files alerts.c's).  Only regular files that are not links (symbolic or
 * hard) are read from the inbox, each from the one open file that was
 * checked (others are skipped and said); patients and therapists files are
 * taken before sessions files; every name the log and the summary
 * print is escaped (sb_add_escaped).  Crash safety comes from ordering: a file's rows are
 * committed before the file is moved, a re-delivered file stores nothing
 * twice, and the notes of a run are marked done (setting
 * nightly.reported_file) only after they are written, so a killed run's
 * work is finished by the next one.
 */
#ifndef SYMTREND_NIGHTLY_H
#define SYMTREND_NIGHTLY_H

#include "csvin.h"
#include "store.h"

struct nightly_opts {
	const char *db_path; /* for the lock and the log beside it */
	const char *inbox, *out;
	const char *today;   /* YYYY-MM-DD */
	int dry_run;
	long settle_seconds; /* -1: the setting */
	enum csvin_date_format slash_dates; /* --date-format; none: the date_format setting */
	/* Called as the notes are written (done of total), and once at the end
	 * with done == total; NULL: none. */
	void (*progress)(void *arg, long done, long total);
	void *progress_arg;
};

struct nightly_result {
	long files_seen, files_processed, files_failed, files_waiting, files_known;
	long files_skipped;  /* links and other non-regular entries, not read */
	struct store_ingest_counts counts; /* rows of session and patients files */
	long sessions_stored;              /* of which sessions */
	long patients_updated, notes_written, alerts;
	long notes_left;     /* patients with new sessions but none recent: no note */
	int charts;          /* 0 when gnuplot was not available (or failed) */
	char *chart_error;   /* the charts failed: why, escaped (caller frees) */
	char *out_dir;       /* OUT/YYYY-MM-DD (caller frees) */
	char *plan;          /* --dry-run: what would happen (caller frees) */
	char *backup;        /* the night's backup (backup_dir set), escaped, or NULL */
	char *backup_error;  /* the backup failed: why, escaped, or NULL */
	struct store_tally backup_tally;
	long backups_kept, backups_removed;
};

/* Returns 0, 1 when some rows or files were refused, or -1 with err (kind
 * ERR_BUSY when another run holds the lock). */
int nightly_run(struct store *s, const struct nightly_opts *o, struct nightly_result *r,
		struct error *err);
void nightly_result_release(struct nightly_result *r);
/* Takes DB.lock, the lock of one nightly run at a time (also held by
 * restore): 0 with *fd open (close it to let go; -1 when it could not be
 * opened), or -1 with err (ERR_BUSY when another holds it). */
int nightly_lock(const char *db_path, int *fd, struct error *err);
/* OUT/DAY/alerts.txt and alerts.csv written (again) from the alerts the
 * database holds for the runs of 'day'; 0 or -1 with err. */
int nightly_alert_files(struct store *s, const char *out, const char *day, struct error *err);

#endif
