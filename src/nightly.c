/*
 * nightly.c - see nightly.h.
 */
#include "nightly.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alerts.h"
#include "ingest.h"
#include "outcome.h"
#include "report.h"
#include "report_index.h"
#include "reportrun.h"
#include "settings.h"
#include "stats.h"

struct run {
	struct store *s;
	const struct nightly_opts *o;
	struct nightly_result *r;
	FILE *log;
	char *day_dir;
	struct strbuf plan;
	struct report_run rr; /* the reports' setup, kept for the morning page */
};

static void logf_(struct run *run, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(struct run *run, const char *fmt, ...)
{
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	va_list ap;
	if (!run->log)
		return;
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(run->log, "%s nightly[%ld]: ", when, (long)getpid());
	va_start(ap, fmt);
	vfprintf(run->log, fmt, ap);
	va_end(ap);
	fputc('\n', run->log);
	fflush(run->log);
}

/* What clinics export: .csv, .txt (Excel's "Unicode Text"), .xlsx; not our rejects. */
static int inbox_file(const char *name, size_t len)
{
	static const char *const ext[] = { ".csv", ".txt", ".xlsx" };
	size_t i;
	if (name[0] == '.' || (len > 12 && !strcmp(name + len - 12, ".rejects.csv")))
		return 0;
	/* Windows writes SCORES.CSV as readily as scores.csv. */
	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
		if (len > strlen(ext[i]) && !strcasecmp(name + len - strlen(ext[i]), ext[i]))
			return 1;
	return 0;
}

/*
 * Opens the inbox entry 'path' once, for everything that reads it: without
 * following a link (so a link to /etc/passwd is never read), without
 * waiting (a FIFO cannot hang the night), and checked on the open file: a
 * regular file with no other name (a hard link is a link as much as a
 * symbolic one).  What is checked is what is read: the file's kind, hash
 * and rows are read from this open file, never by its name again, so an
 * entry swapped after the check is not read.  Returns the
 * file (*st filled), or NULL: *why NULL when it is gone, else what it is.
 */
static FILE *inbox_open(const char *path, struct stat *st, const char **why)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	FILE *f;
	*why = NULL;
	if (fd < 0) {
		if (errno != ENOENT)
			*why = errno == ELOOP ? "a symbolic link" : strerror(errno);
		return NULL;
	}
	if (fstat(fd, st) != 0)
		*why = strerror(errno);
	else if (!S_ISREG(st->st_mode))
		*why = S_ISDIR(st->st_mode) ? "a folder" : "not a regular file";
	else if (st->st_nlink > 1)
		*why = "a hard link (the file has another name)";
	f = *why ? NULL : fdopen(fd, "rb");
	if (f)
		return f;
	if (!*why)
		*why = strerror(errno);
	close(fd);
	return NULL;
}

/* Whether 'path' still names the file 'st' describes (not replaced since). */
static int same_entry(const char *path, const struct stat *st)
{
	struct stat now;
	return lstat(path, &now) == 0 && now.st_dev == st->st_dev && now.st_ino == st->st_ino;
}

/* The order a night takes its files in: who the patients and therapists
 * are before the sessions that name them. */
static int kind_rank(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	const char *why;
	struct stat st;
	FILE *f = inbox_open(path, &st, &why);
	int k = f ? csvin_sniff(path, f, NULL) : -1;
	if (f)
		fclose(f);
	free(path);
	return k == CSVIN_PATIENTS ? 0 : k == CSVIN_THERAPISTS ? 1 : 2;
}

struct ranked {
	int rank;
	char *name;
};

static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	return x->rank != y->rank ? x->rank - y->rank : strcmp(x->name, y->name);
}

/* Sorts the inbox's names: patients files, therapists files, then the rest
 * (sessions), each by name.  The kind seen here only orders the files: each
 * is opened, checked and told again when it is taken. */
static void order_by_kind(const char *dir, char **names)
{
	struct ranked *v;
	size_t i, n;
	for (n = 0; names[n]; n++)
		;
	v = xcalloc(n + 1, sizeof(*v));
	for (i = 0; i < n; i++) {
		v[i].rank = kind_rank(dir, names[i]);
		v[i].name = names[i];
	}
	qsort(v, n, sizeof(*v), cmp_ranked);
	for (i = 0; i < n; i++)
		names[i] = v[i].name;
	free(v);
}

/* The inbox's files (not rejects files) in the order they are taken; NULL-terminated. */
static char **scan_inbox(const char *dir, struct error *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;
	size_t n = 0, cap = 0;
	if (!d) {
		error_set(err, ERR_IO, NULL, 0, "cannot open inbox '%s': %s", dir,
			  strerror(errno));
		return NULL;
	}
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (!inbox_file(e->d_name, len))
			continue;
		v = xgrow(v, &cap, n + 2, sizeof(*v));
		v[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	v = xgrow(v, &cap, n + 1, sizeof(*v));
	v[n] = NULL;
	order_by_kind(dir, v);
	return v;
}

/*
 * INBOX/processed/DAY or INBOX/failed/DAY, private, and neither it nor its
 * parent a link: whoever may drop files into the inbox must not be able to
 * send other senders' files elsewhere with a 'processed -> /tmp/x' link.
 */
static int inbox_dir(const char *dir)
{
	char *parent = xstrdup(dir), *slash = strrchr(parent, '/');
	int rc;
	if (slash)
		*slash = '\0';
	rc = slash ? mkdir_private(parent) : 0;
	free(parent);
	return rc != 0 ? -1 : mkdir_private(dir);
}

/* Moves 'src' into folder 'dir' under its own name (or name.N when taken). */
static int move_into(const char *src, const char *dir, const char *name, char **dst_out,
		     struct error *err)
{
	char *dst = xasprintf("%s/%s", dir, name);
	int i;
	struct stat st;
	if (inbox_dir(dir) != 0) {
		error_set(err, ERR_IO, NULL, 0, "cannot create folder '%s': %s", dir,
			  strerror(errno));
		free(dst);
		return -1;
	}
	for (i = 1; lstat(dst, &st) == 0 && i < 1000; i++) {
		free(dst);
		dst = xasprintf("%s/%s.%d", dir, name, i);
	}
	/* Synced both ends: a move undone by a power cut would ingest the
	 * file again (harmless), one half-done would lose it. */
	if (rename(src, dst) != 0 || fsync_dir_of(dst) != 0 || fsync_dir_of(src) != 0) {
		error_set(err, ERR_IO, NULL, 0, "cannot move '%s' to '%s': %s", src, dst,
			  strerror(errno));
		free(dst);
		return -1;
	}
	if (dst_out)
		*dst_out = dst;
	else
		free(dst);
	return 0;
}

/* A rejects file, written and renamed into place durably (its folder synced). */
static int write_rejects(const char *path, const char *data, size_t n, struct error *err)
{
	if (write_file_atomic(path, data, n, err) < 0)
		return -1;
	if (fsync_dir_of(path) != 0) {
		error_set(err, ERR_IO, NULL, 0, "cannot write '%s': %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int copy_rejects(const char *src, const char *dst, struct error *err)
{
	struct strbuf sb = STRBUF_INIT;
	int ret;
	if (read_file(src, &sb) < 0) {
		error_set(err, ERR_IO, NULL, 0, "cannot read '%s': %s", src, strerror(errno));
		sb_release(&sb);
		return -1;
	}
	ret = write_rejects(dst, sb.buf ? sb.buf : "", sb.len, err);
	sb_release(&sb);
	return ret;
}

/* The name now names another file than the one read: that one stays in
 * the inbox for the next run to check (its rows, if any, were not read). */
static void replaced(struct run *run, const char *shown, int *status)
{
	*status = 1;
	logf_(run, "%s: replaced while it was read: the new entry is left in the inbox", shown);
	sb_addf(&run->plan, "replaced %s (while it was read: the new entry is left for the next run)\n",
		shown);
}

/* One inbox file: 0 handled (moved), 1 refused (moved to failed), -1 I/O failure. */
static int one_file(struct run *run, const char *name, int *status, struct error *err)
{
	const struct nightly_opts *o = run->o;
	char *path = xasprintf("%s/%s", o->inbox, name);
	char *shown = str_escaped(name); /* the name as every message prints it */
	const char *why = NULL;
	char *pdir = xasprintf("%s/processed/%s", o->inbox, o->today);
	char *fdir = xasprintf("%s/failed/%s", o->inbox, o->today);
	char *rej = xasprintf("%s/%s.rejects.csv", pdir, name), *moved = NULL;
	struct ingest_opts io = { 0 };
	struct ingest_result res;
	struct error ierr = ERROR_INIT;
	struct stat st;
	int rc, ret = -1, known;
	enum csvin_kind kind;
	FILE *in = inbox_open(path, &st, &why);

	if (!in) {
		if (why) { /* left where it is, said every night */
			run->r->files_skipped++;
			*status = 1;
			logf_(run, "%s: skipped, %s: not read", shown, why);
			sb_addf(&run->plan, "skip     %s (%s: not read)\n", shown, why);
		}
		ret = 0;
		goto out;
	}
	/* A modification time in the future (a skewed clock, a copied file)
	 * would never settle: such a file counts as settled. */
	if (o->settle_seconds > 0 && time(NULL) >= st.st_mtime &&
	    time(NULL) - st.st_mtime < o->settle_seconds) {
		run->r->files_waiting++;
		logf_(run, "%s: modified %lds ago, left for the next run", shown,
		      (long)(time(NULL) - st.st_mtime));
		sb_addf(&run->plan, "wait     %s (modified in the last %ld s)\n", shown, o->settle_seconds);
		ret = 0;
		goto out;
	}
	rc = csvin_sniff(path, in, NULL);
	kind = rc < 0 ? CSVIN_SESSIONS : (enum csvin_kind)rc; /* unread: its ingest says why */
	{
		/* Known before this run: the same bytes were ingested whole before. */
		char sha[65];
		known = sha256_stream(in, sha) == 0 ? store_file_known(run->s, sha, err) : 0;
		if (known < 0)
			goto out;
	}
	if (!o->dry_run && inbox_dir(pdir) != 0) {
		error_set(err, ERR_IO, NULL, 0, "cannot create folder '%s': %s", pdir,
			  strerror(errno));
		goto out;
	}
	io.kind = kind;
	io.in = in;
	io.rejects_path = rej;
	io.dry_run = o->dry_run;
	io.today = o->today;
	/* A known file is ingested again all the same: it stores nothing twice
	 * and rewrites its rejects, which a run killed after the commit lost. */
	rc = ingest_file(run->s, path, &io, &res, &ierr);
	if (rc < 0) {
		error_set(err, ierr.kind ? ierr.kind : ERR_IO, ierr.file, ierr.line, "%s",
			  ierr.reason ? ierr.reason : "ingest failed");
		char *why_failed = str_escaped(ierr.reason ? ierr.reason : "");
		logf_(run, "%s: failed, left in the inbox: %s", shown, why_failed);
		free(why_failed);
		goto out;
	}
	if (rc == 1) {
		char *msg = error_format(&ierr);
		run->r->files_failed++;
		*status = 1;
		logf_(run, "%s: refused whole: %s", shown, msg);
		sb_addf(&run->plan, "refuse   %s: %s\n", shown, msg);
		if (!o->dry_run && !same_entry(path, &st)) {
			replaced(run, shown, status);
		} else if (!o->dry_run) {
			struct strbuf sb = STRBUF_INIT;
			char *frej = xasprintf("%s/%s.rejects.csv", fdir, name);
			char *copy = xasprintf("%s/rejects/%s.rejects.csv", run->day_dir, name);
			if (move_into(path, fdir, name, &moved, err) < 0) {
				free(msg); free(frej); free(copy);
				goto out;
			}
			sb_addf(&sb, "line,reason,raw\n%ld,", ierr.line);
			sb_csv_field(&sb, ierr.reason, strlen(ierr.reason));
			sb_adds(&sb, ",\n");
			if (write_rejects(frej, sb.buf, sb.len, err) < 0 ||
			    write_rejects(copy, sb.buf, sb.len, err) < 0) {
				sb_release(&sb); free(msg); free(frej); free(copy);
				goto out;
			}
			sb_release(&sb);
			free(frej);
			free(copy);
		}
		free(msg);
		ret = 1;
		goto out;
	}
	store_ingest_counts_add(&run->r->counts, &res.counts);
	if (kind == CSVIN_SESSIONS)
		run->r->sessions_stored += res.counts.stored;
	if (res.counts.rejected || res.counts.conflicts)
		*status = 1;
	if (known)
		run->r->files_known++;
	sb_addf(&run->plan, "%-8s %s (%s): %ld rows, %ld new, %ld already stored, %ld rejected, "
			    "%ld conflicts\n", known ? "known" : "ingest", shown,
		ingest_kind_name(kind), res.counts.rows_read,
		res.counts.stored, res.counts.duplicates, res.counts.rejected, res.counts.conflicts);
	logf_(run, "%s: %s%ld rows read, %ld stored, %ld already stored, %ld rejected, %ld conflicts",
	      shown, known ? "already ingested before; " : "", res.counts.rows_read, res.counts.stored,
	      res.counts.duplicates, res.counts.rejected, res.counts.conflicts);
	if (!o->dry_run) {
		if (res.rejects_path) {
			char *copy = xasprintf("%s/rejects/%s.rejects.csv", run->day_dir, name);
			if (copy_rejects(res.rejects_path, copy, err) < 0) {
				free(copy);
				ingest_result_release(&res);
				goto out;
			}
			free(copy);
		}
		/* Moved only after its rows are committed: a crash here re-ingests
		 * it next time, which stores nothing twice. */
		if (!same_entry(path, &st))
			replaced(run, shown, status);
		else if (move_into(path, pdir, name, NULL, err) < 0) {
			ingest_result_release(&res);
			goto out;
		}
	}
	ingest_result_release(&res);
	run->r->files_processed++;
	ret = 0;
out:
	if (in)
		fclose(in);
	error_release(&ierr);
	free(path);
	free(shown);
	free(pdir);
	free(fdir);
	free(rej);
	free(moved);
	return ret;
}

/* Alerts ---------------------------------------------------------------------- */

/* alerts.txt and alerts.csv of 'day', written from what the database holds. */
static int write_alert_files(struct run *run, const char *day, struct error *err)
{
	struct store_alerts l = STORE_ALERTS_INIT;
	struct strbuf txt = STRBUF_INIT;
	char *runs = NULL, *csv = NULL, *dir = xasprintf("%s/%s", run->o->out, day), *path = NULL;
	size_t csvlen = 0;
	FILE *f;
	int ret = -1;
	if (store_alerts_of_day(run->s, day, &l, &runs, err) < 0)
		goto out;
	if (mkdir_private(dir) != 0) {
		error_set(err, ERR_IO, NULL, 0, "cannot create folder '%s': %s", dir,
			  strerror(errno));
		goto out;
	}
	alerts_text(&txt, day, runs, &l);
	path = xasprintf("%s/alerts.txt", dir);
	if (write_file_atomic(path, txt.buf, txt.len, err) < 0)
		goto out;
	f = open_memstream(&csv, &csvlen);
	if (!f) {
		error_set(err, ERR_IO, NULL, 0, "out of memory");
		goto out;
	}
	alerts_table(f, TABLE_CSV, &l);
	if (fclose(f) != 0) {
		error_set(err, ERR_IO, NULL, 0, "out of memory");
		goto out;
	}
	free(path);
	path = xasprintf("%s/alerts.csv", dir);
	if (write_file_atomic(path, csv, csvlen, err) < 0)
		goto out;
	ret = store_alerts_written(run->s, day, err);
out:
	store_alerts_release(&l);
	sb_release(&txt);
	free(runs);
	free(csv);
	free(dir);
	free(path);
	return ret;
}

/*
 * The alerts of the active courses of the patients with new sessions.  They
 * are marked said and stored as this run's report in one transaction, and
 * the alerts files are written from the database after it: a run killed in
 * between leaves its report to be written by the next run, never lost.
 */
static int alerts_step(struct run *run, char **pids, const struct stats_ctx *sc,
		       struct error *err)
{
	struct store_alerts l = STORE_ALERTS_INIT;
	struct alerts_cfg cfg;
	char **days = NULL, at[32];
	time_t now = time(NULL);
	struct tm tm;
	size_t i;
	int ret = -1;
	long today = 0;
	if (date_parse(run->o->today, 10, &today) < 0)
		BUG("the run date is not a date");
	alerts_cfg_init(&cfg, run->s, today);
	for (i = 0; pids[i]; i++)
		if (alerts_patient(run->s, sc, pids[i], &cfg, &l, err) < 0)
			goto out;
	gmtime_r(&now, &tm);
	strftime(at, sizeof(at), "%H:%M UTC", &tm);
	if (store_alerts_record(run->s, run->o->today, at, &l, &run->r->alerts, err) < 0)
		goto out;
	days = store_alerts_unwritten(run->s, err);
	if (!days)
		goto out;
	for (i = 0; days[i]; i++)
		if (write_alert_files(run, days[i], err) < 0)
			goto out;
	ret = 0;
out:
	strv_free(days);
	store_alerts_release(&l);
	return ret;
}

#define NOTES_PER_BATCH 256

/* Draws the batch so far and starts the next; a gnuplot that does not start
 * again costs the rest of the night its charts, said in the log. */
static int next_batch(struct run *run, struct error *err)
{
	if (report_run_next_batch(&run->rr, err) < 0)
		return -1;
	if (!run->rr.plot && run->r->charts) {
		logf_(run, "charts skipped: %s", run->rr.no_charts);
		run->r->charts = 0;
	}
	return 0;
}

/* The notes of 'pids' and the clinic report, in run->rr's batches. */
static int write_reports(struct run *run, char **pids, struct error *err)
{
	struct store_filter all = STORE_FILTER_INIT;
	struct report_run *rr = &run->rr;
	char *notes = xasprintf("%s/notes", run->day_dir), *dir;
	size_t i, n;
	int ret = -1;
	run->r->notes_written = 0;
	if (mkdir_private(notes) != 0) {
		error_set(err, ERR_IO, NULL, 0, "cannot create folder '%s': %s", notes,
			  strerror(errno));
		goto out;
	}
	for (n = 0; pids[n]; n++)
		;
	for (i = 0; pids[i]; i++) {
		if (run->o->progress)
			run->o->progress(run->o->progress_arg, (long)i, (long)n);
		/* A batch holds its notes' HTML and chart scripts until drawn:
		 * drawing every NOTES_PER_BATCH notes keeps a night's memory flat. */
		if (i > 0 && i % NOTES_PER_BATCH == 0 && next_batch(run, err) < 0)
			goto out;
		if (report_note(rr->batch, run->s, rr->sc, rr->rm, pids[i], NULL, notes,
				run->o->today, &dir, err) != 0)
			goto out;
		free(dir);
		run->r->notes_written++;
	}
	if (run->o->progress)
		run->o->progress(run->o->progress_arg, (long)n, (long)n);
	if (report_clinic(rr->batch, run->s, rr->sc, rr->rm, &all, run->o->out, run->o->today,
			  &dir, err) != 0)
		goto out;
	free(dir);
	ret = report_run_finish(rr, err);
out:
	free(notes);
	return ret;
}

/* The patients whose notes the night writes (NULL with err). */
static char **note_patients(struct run *run, long min_file, struct error *err)
{
	long today = 0;
	size_t i;
	char **pids;
	/*
	 * Letters for the patients in treatment: a session in the alert_window
	 * days before the run.  Imported history (a first night's backfill) is
	 * left for 'report note', and the summary says how many.
	 */
	if (date_parse(run->o->today, 10, &today) < 0)
		BUG("the run date is not a date");
	pids = store_patients_active_since(run->s, min_file,
					   today - settings_long(run->s, "alert_window"),
					   &run->r->notes_left, err);
	if (!pids)
		return NULL;
	run->r->patients_updated = run->r->notes_left;
	for (i = 0; pids[i]; i++)
		run->r->patients_updated++;
	return pids;
}

/*
 * Alerts, notes and the clinic report for the patients with new sessions.
 * When the charts fail, the notes and the report are written again without
 * them: one bad chart must not cost the night its notes, summary and alerts
 * (r->chart_error says what failed).
 */
static int reports(struct run *run, long min_file, struct error *err)
{
	char **pids = note_patients(run, min_file, err);
	int ret = -1;
	if (!pids ||
	    report_run_start(&run->rr, run->s, run->day_dir, REPORT_RUN_CHARTS_OPTIONAL, err) < 0 ||
	    alerts_step(run, pids, run->rr.sc, err) < 0)
		goto out;
	run->r->charts = run->rr.plot != NULL;
	if (run->rr.no_charts)
		logf_(run, "charts skipped: %s", run->rr.no_charts);
	ret = write_reports(run, pids, err);
	if (ret < 0 && run->r->charts) {
		char *why = error_format(err);
		run->r->chart_error = xasprintf("%s (gnuplot's messages: %s)", why, run->rr.errlog);
		free(why);
		logf_(run, "charts failed: %s; notes and clinic report written without charts",
		      run->r->chart_error);
		error_release(err);
		run->r->charts = 0;
		report_run_without_charts(&run->rr);
		ret = write_reports(run, pids, err);
	}
out:
	strv_free(pids);
	return ret;
}

static int write_summary(struct run *run, struct error *err)
{
	struct strbuf sm = STRBUF_INIT;
	struct nightly_result *r = run->r;
	char *path = xasprintf("%s/summary.txt", run->day_dir);
	int ret = -1;
	sb_addf(&sm, "symtrend nightly %s\n\n", run->o->today);
	sb_addf(&sm, "files:    %ld seen, %ld processed (%ld already ingested before), %ld refused, "
		     "%ld left for the next run\n", r->files_seen, r->files_processed, r->files_known,
		r->files_failed, r->files_waiting);
	if (r->files_skipped)
		sb_addf(&sm, "          %ld skipped: not regular files or links, not read (see below)\n",
			r->files_skipped);
	sb_addf(&sm, "rows:     %ld read, %ld stored, %ld already stored, %ld rejected, %ld conflicts\n",
		r->counts.rows_read, r->counts.stored, r->counts.duplicates, r->counts.rejected,
		r->counts.conflicts);
	sb_addf(&sm, "patients: %ld with new sessions; %ld progress notes in notes/%s\n",
		r->patients_updated, r->notes_written, r->charts ? "" : " (no charts: gnuplot missing)");
	if (r->notes_left)
		sb_addf(&sm, "          %ld with no session in the last %ld days (history): no note "
			     "tonight, 'symtrend report note --patient ID' writes one\n",
			r->notes_left, settings_long(run->s, "alert_window"));
	if (r->chart_error) {
		sb_adds(&sm, "charts:   FAILED, notes and the clinic report have none tonight: ");
		sb_adds(&sm, r->chart_error); /* escaped */
		sb_addc(&sm, '\n');
	}
	sb_addf(&sm, "alerts:   %ld new or changed (alerts.txt, alerts.csv)\n", r->alerts);
	sb_addf(&sm, "clinic:   report refreshed in %s/clinic/\n", run->o->out);
	sb_adds(&sm, "\nfiles this run:\n");
	sb_add(&sm, run->plan.buf ? run->plan.buf : "", run->plan.len);
	if (write_file_atomic(path, sm.buf, sm.len, err) < 0)
		goto out;
	ret = 0;
out:
	free(path);
	sb_release(&sm);
	return ret;
}

int nightly_run(struct store *s, const struct nightly_opts *o, struct nightly_result *r,
		struct error *err)
{
	struct run run;
	char *lockpath = xasprintf("%s.lock", o->db_path), *logpath = xasprintf("%s.log", o->db_path);
	char **files = NULL, *rf;
	int lock = -1, status = 0, k, ret = -1;
	long min_file;
	size_t i;

	memset(r, 0, sizeof(*r));
	memset(&run, 0, sizeof(run));
	run.s = s;
	run.o = o;
	run.r = r;
	lock = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock < 0) {
		error_set(err, ERR_IO, NULL, 0, "cannot open lock '%s': %s", lockpath,
			  strerror(errno));
		goto out;
	}
	if (flock(lock, LOCK_EX | LOCK_NB) != 0) {
		error_set(err, ERR_BUSY, NULL, 0,
			  "another nightly run holds the lock '%s': not started", lockpath);
		goto out;
	}
	if (!o->dry_run) {
		int fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		run.log = fd >= 0 ? fdopen(fd, "a") : NULL;
	}
	run.day_dir = xasprintf("%s/%s", o->out, o->today);
	r->out_dir = xstrdup(run.day_dir);
	rf = xasprintf("%s/rejects", run.day_dir);
	k = o->dry_run ? 0 : (mkdir_private(run.day_dir) || mkdir_private(rf));
	free(rf);
	if (k != 0) {
		error_set(err, ERR_IO, NULL, 0, "cannot create folder '%s': %s", run.day_dir,
			  strerror(errno));
		goto out;
	}
	{
		char *in = str_escaped(o->inbox), *out = str_escaped(o->out);
		logf_(&run, "start: inbox '%s', out '%s'%s", in, out, o->dry_run ? ", dry run" : "");
		free(in);
		free(out);
	}
	files = scan_inbox(o->inbox, err);
	if (!files)
		goto out;
	/* The first run ever reports from the files it ingests: said before it
	 * starts, so that the rerun of a killed first run still writes its notes. */
	rf = NULL;
	if (!o->dry_run && store_config_read(s, "nightly.reported_file", &rf, err) < 0)
		goto out;
	if (!o->dry_run && !rf) {
		char v[32];
		long last;
		if (store_last_file_id(s, &last, err) < 0)
			goto out;
		snprintf(v, sizeof(v), "%ld", last);
		if (store_config_set(s, "nightly.reported_file", v, err) < 0)
			goto out;
	}
	free(rf);
	for (i = 0; files[i]; i++) {
		r->files_seen++;
		if (one_file(&run, files[i], &status, err) < 0)
			goto out;
	}
	if (o->dry_run) {
		r->plan = sb_detach(&run.plan);
		ret = status;
		goto out;
	}
	/* Notes from the first file not yet reported: a killed run's too. */
	if (store_config_read(s, "nightly.reported_file", &rf, err) < 0)
		goto out;
	min_file = rf ? strtol(rf, NULL, 10) + 1 : 1;
	free(rf);
	if (reports(&run, min_file, err) < 0 || write_summary(&run, err) < 0)
		goto out;
	/* The morning page last: it links the summary, alerts and letters. */
	if (report_index_write(s, run.rr.sc, o->out, o->today, settings_long(s, "index_period"),
			       err) < 0)
		goto out;
	{
		char v[32];
		long last;
		if (store_last_file_id(s, &last, err) < 0)
			goto out;
		snprintf(v, sizeof(v), "%ld", last);
		if (store_config_set(s, "nightly.reported_file", v, err) < 0)
			goto out;
	}
	logf_(&run, "done: %ld files processed, %ld refused, %ld waiting; %ld rows stored, %ld "
		    "rejected, %ld conflicts; %ld notes; %ld alerts", r->files_processed, r->files_failed,
	      r->files_waiting, r->counts.stored, r->counts.rejected, r->counts.conflicts,
	      r->notes_written, r->alerts);
	ret = status;
	if (r->chart_error) {
		/* Everything else was written: said, and an internal failure all the same. */
		error_set(err, ERR_IO, NULL, 0, "charts failed: %s; the notes, the clinic "
			  "report, the alerts and the summary were written without them",
			  r->chart_error);
		ret = -1;
	}
out:
	if (ret < 0 && err->reason && !r->chart_error) {
		char *why = error_format(err); /* escaped */
		logf_(&run, "stopped: %s", why);
		free(why);
	}
	if (run.log)
		fclose(run.log);
	if (lock >= 0)
		close(lock);
	report_run_release(&run.rr);
	sb_release(&run.plan);
	strv_free(files);
	free(run.day_dir);
	free(lockpath);
	free(logpath);
	return ret;
}

void nightly_result_release(struct nightly_result *r)
{
	free(r->out_dir);
	free(r->plan);
	free(r->chart_error);
	r->out_dir = r->plan = r->chart_error = NULL;
}
