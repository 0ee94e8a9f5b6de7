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
#include "backup.h"
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
	char *processed, *failed; /* INBOX/processed/DAY, INBOX/failed/DAY */
	int status;               /* 1: a file or row was refused, skipped or replaced */
	int lock;                 /* the held DB.lock, or -1 */
	char **files;             /* the inbox's, in the order taken */
	struct strbuf plan;
	struct report_run rr; /* the reports' setup, kept for the morning page */
	struct clinic_settings cs; /* the settings, loaded once */
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

/* What clinics export: .csv, .txt (Excel's "Unicode Text"), .xlsx, .ods, and
 * .xls (refused with what to do); not our rejects. */
static int inbox_file(const char *name, size_t len)
{
	static const char *const ext[] = { ".csv", ".txt", ".xlsx", ".ods", ".xls" };
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

/* The inbox's files (not rejects files) in the order they are taken;
 * NULL-terminated.  Other files are named in the plan, not read. */
static char **scan_inbox(struct run *run, const char *dir, struct error *err)
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
		if (!inbox_file(e->d_name, len)) {
			int ours = e->d_type == DT_DIR || !strcmp(e->d_name, ".") ||
				   !strcmp(e->d_name, "..") ||
				   (len > 12 && !strcmp(e->d_name + len - 12, ".rejects.csv"));
			if (!ours) {
				char *shown = str_escaped(e->d_name);
				run->r->files_skipped++;
				sb_addf(&run->plan, "skip     %s (not a .csv, .txt, .xlsx or .ods "
					"export: not read)\n", shown);
				free(shown);
			}
			continue;
		}
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
static int move_into(const char *src, const char *dir, const char *name, struct error *err)
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

/* An inbox file as the night takes it. */
struct taken {
	const char *name;
	char *path;
	char *shown;         /* the name as every message prints it */
	FILE *in;            /* the open file: all that is read of it is read here */
	struct stat st;      /* of 'in', as checked */
	enum csvin_kind kind;
	int known;           /* the same bytes were ingested whole before */
};

/* Opens and checks the file: 1 to be ingested; 0 skipped, waiting or gone
 * (said); -1 with err. */
static int take(struct run *run, struct taken *t, struct error *err)
{
	const struct nightly_opts *o = run->o;
	const char *why;
	char sha[65];
	int k;
	t->in = inbox_open(t->path, &t->st, &why);
	if (!t->in) {
		if (why) { /* left where it is, said every night */
			run->r->files_skipped++;
			run->status = 1;
			logf_(run, "%s: skipped, %s: not read", t->shown, why);
			sb_addf(&run->plan, "skip     %s (%s: not read)\n", t->shown, why);
		}
		return 0;
	}
	/* A modification time in the future (a skewed clock, a copied file)
	 * would never settle: such a file counts as settled. */
	if (o->settle_seconds > 0 && time(NULL) >= t->st.st_mtime &&
	    time(NULL) - t->st.st_mtime < o->settle_seconds) {
		run->r->files_waiting++;
		logf_(run, "%s: modified %lds ago, left for the next run", t->shown,
		      (long)(time(NULL) - t->st.st_mtime));
		sb_addf(&run->plan, "wait     %s (modified in the last %ld s)\n", t->shown,
			o->settle_seconds);
		return 0;
	}
	k = csvin_sniff(t->path, t->in, NULL);
	t->kind = k < 0 ? CSVIN_SESSIONS : (enum csvin_kind)k; /* unread: its ingest says why */
	t->known = sha256_stream(t->in, sha) == 0 ? store_file_known(run->s, sha, err) : 0;
	return t->known < 0 ? -1 : 1;
}

/* The name now names another file than the one read: that one stays in
 * the inbox for the next run to check (its rows, if any, were not read). */
static void replaced(struct run *run, const struct taken *t)
{
	run->status = 1;
	logf_(run, "%s: replaced while it was read: the new entry is left in the inbox", t->shown);
	sb_addf(&run->plan, "replaced %s (while it was read: the new entry is left for the next run)\n",
		t->shown);
}

/* Refused whole: moved to INBOX/failed/DAY beside a rejects file that says
 * why, copied to the night's rejects/.  1, or -1 with err. */
static int refuse(struct run *run, const struct taken *t, const struct error *ierr,
		  struct error *err)
{
	char *msg = error_format(ierr), *frej, *copy;
	struct strbuf sb = STRBUF_INIT;
	int ret = -1;
	run->r->files_failed++;
	run->status = 1;
	logf_(run, "%s: refused whole: %s", t->shown, msg);
	sb_addf(&run->plan, "refuse   %s: %s\n", t->shown, msg);
	free(msg);
	if (run->o->dry_run)
		return 1;
	if (!same_entry(t->path, &t->st)) {
		replaced(run, t);
		return 1;
	}
	frej = xasprintf("%s/%s.rejects.csv", run->failed, t->name);
	copy = xasprintf("%s/rejects/%s.rejects.csv", run->day_dir, t->name);
	sb_addf(&sb, "line,reason,raw\n%ld,", ierr->line);
	sb_csv_field(&sb, ierr->reason, strlen(ierr->reason));
	sb_adds(&sb, ",\n");
	if (move_into(t->path, run->failed, t->name, err) == 0 &&
	    write_rejects(frej, sb.buf, sb.len, err) == 0 &&
	    write_rejects(copy, sb.buf, sb.len, err) == 0)
		ret = 1;
	sb_release(&sb);
	free(frej);
	free(copy);
	return ret;
}

/* Read: counted and said, its rejects copied to the night's rejects/, the
 * file moved to INBOX/processed/DAY.  0, or -1 with err. */
static int handled(struct run *run, const struct taken *t, const struct ingest_result *res,
		   struct error *err)
{
	const struct store_ingest_counts *c = &res->counts;
	store_ingest_counts_add(&run->r->counts, c);
	if (t->kind == CSVIN_SESSIONS)
		run->r->sessions_stored += c->stored;
	if (c->rejected || c->conflicts)
		run->status = 1;
	run->r->files_known += t->known;
	run->r->files_processed++;
	sb_addf(&run->plan, "%-8s %s (%s): %ld rows, %ld new, %ld already stored, %ld rejected, "
			    "%ld conflicts\n", t->known ? "known" : "ingest", t->shown,
		ingest_kind_name(t->kind), c->rows_read, c->stored, c->duplicates, c->rejected,
		c->conflicts);
	logf_(run, "%s: %s%ld rows read, %ld stored, %ld already stored, %ld rejected, %ld conflicts",
	      t->shown, t->known ? "already ingested before; " : "", c->rows_read, c->stored,
	      c->duplicates, c->rejected, c->conflicts);
	if (run->o->dry_run)
		return 0;
	if (res->rejects_path) {
		char *copy = xasprintf("%s/rejects/%s.rejects.csv", run->day_dir, t->name);
		int rc = copy_rejects(res->rejects_path, copy, err);
		free(copy);
		if (rc < 0)
			return -1;
	}
	/* Moved only after its rows are committed: a crash here re-ingests it
	 * next time, which stores nothing twice. */
	if (!same_entry(t->path, &t->st)) {
		replaced(run, t);
		return 0;
	}
	return move_into(t->path, run->processed, t->name, err);
}

/* Ingests the taken file from its open FILE: 0 handled, 1 refused, -1 with err. */
static int ingest_taken(struct run *run, const struct taken *t, struct error *err)
{
	char *rej = xasprintf("%s/%s.rejects.csv", run->processed, t->name);
	struct ingest_opts io = { .kind = t->kind, .in = t->in, .rejects_path = rej,
				  .dry_run = run->o->dry_run, .today = run->o->today,
				  .slash_dates = run->o->slash_dates };
	struct ingest_result res;
	struct error ierr = ERROR_INIT;
	int rc;
	/* A known file is ingested again all the same: it stores nothing twice
	 * and rewrites its rejects, which a run killed after the commit lost. */
	rc = ingest_file(run->s, t->path, &io, &res, &ierr);
	if (rc < 0) {
		char *why = str_escaped(ierr.reason ? ierr.reason : "");
		error_set(err, ierr.kind ? ierr.kind : ERR_IO, ierr.file, ierr.line, "%s",
			  ierr.reason ? ierr.reason : "ingest failed");
		logf_(run, "%s: failed, left in the inbox: %s", t->shown, why);
		free(why);
	} else {
		rc = rc == 1 ? refuse(run, t, &ierr, err) : handled(run, t, &res, err);
	}
	ingest_result_release(&res);
	error_release(&ierr);
	free(rej);
	return rc;
}

/* One inbox file: 0 handled, skipped or waiting, 1 refused, -1 I/O failure. */
static int one_file(struct run *run, const char *name, struct error *err)
{
	struct taken t = { .name = name };
	int rc;
	t.path = xasprintf("%s/%s", run->o->inbox, name);
	t.shown = str_escaped(name);
	rc = take(run, &t, err);
	if (rc > 0 && !run->o->dry_run && inbox_dir(run->processed) != 0) {
		error_set(err, ERR_IO, NULL, 0, "cannot create folder '%s': %s", run->processed,
			  strerror(errno));
		rc = -1;
	}
	if (rc > 0)
		rc = ingest_taken(run, &t, err);
	if (t.in)
		fclose(t.in);
	free(t.path);
	free(t.shown);
	return rc;
}

/* Alerts ---------------------------------------------------------------------- */

int nightly_alert_files(struct store *s, const char *out, const char *day, struct error *err)
{
	struct store_alerts l = STORE_ALERTS_INIT;
	struct strbuf txt = STRBUF_INIT;
	char *runs = NULL, *csv = NULL, *dir = xasprintf("%s/%s", out, day), *path = NULL;
	size_t csvlen = 0;
	FILE *f;
	int ret = -1;
	if (store_alerts_of_day(s, day, &l, &runs, err) < 0)
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
	ret = store_alerts_written(s, day, err);
out:
	store_alerts_release(&l);
	sb_release(&txt);
	free(runs);
	free(csv);
	free(dir);
	free(path);
	return ret;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* pids and the patients with an open alert, each once (strv_free), or NULL. */
static char **alerts_read_set(struct store *s, char **pids, struct error *err)
{
	char **open = store_alerts_open_patients(s, err), **v;
	size_t n = 0, k = 0, i;
	if (!open)
		return NULL;
	for (i = 0; pids[i]; i++)
		n++;
	for (i = 0; open[i]; i++)
		n++;
	v = xcalloc(n + 1, sizeof(*v));
	for (i = 0; pids[i]; i++)
		v[k++] = xstrdup(pids[i]);
	for (i = 0; open[i]; i++)
		v[k++] = xstrdup(open[i]);
	qsort(v, k, sizeof(*v), cmp_str);
	for (i = n = 0; i < k; i++) {
		if (n && !strcmp(v[n - 1], v[i])) {
			free(v[i]);
			continue;
		}
		v[n++] = v[i];
	}
	v[n] = NULL;
	strv_free(open);
	return v;
}

/* alerts.txt and alerts.csv of 'day', written from what the database holds. */
static int write_alert_files(struct run *run, const char *day, struct error *err)
{
	return nightly_alert_files(run->s, run->o->out, day, err);
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
	char **days = NULL, **read = NULL, at[32];
	time_t now = time(NULL);
	struct tm tm;
	size_t i;
	int ret = -1;
	long today = 0;
	if (date_parse(run->o->today, 10, &today) < 0)
		BUG("the run date is not a date");
	alerts_cfg_init(&cfg, run->s, today);
	/* Read again tonight: the patients with new sessions, and those with an
	 * open alert (it stays open until their reading no longer raises it). */
	read = alerts_read_set(run->s, pids, err);
	if (!read)
		goto out;
	for (i = 0; read[i]; i++)
		if (alerts_patient(run->s, sc, read[i], &cfg, &l, err) < 0)
			goto out;
	gmtime_r(&now, &tm);
	strftime(at, sizeof(at), "%H:%M UTC", &tm);
	if (store_alerts_record(run->s, run->o->today, at, &l, read, &run->r->alerts, err) < 0)
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
	strv_free(read);
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
					   today - run->cs.alert_window,
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
	/* The audit log: a row per note, one for the clinic report. */
	if (ret == 0 && (store_audit_add(run->s, "letter", (const char *const *)pids,
					 "nightly progress note", run->o->out, err) < 0 ||
			 store_audit_add(run->s, "report", NULL, "nightly clinic report", run->o->out,
					 err) < 0))
		ret = -1;
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
	/* A second run on the same day adds its summary after the first's:
	 * what the first one read is not replaced by "0 seen". */
	if (read_file(path, &sm) == 0 && sm.len)
		sb_adds(&sm, "\n--- a later run on the same day ---\n\n");
	else
		sb_reset(&sm);
	sb_addf(&sm, "symtrend nightly %s\n\n", run->o->today);
	sb_addf(&sm, "files:    %ld seen, %ld processed (%ld already ingested before), %ld refused, "
		     "%ld left for the next run\n", r->files_seen, r->files_processed, r->files_known,
		r->files_failed, r->files_waiting);
	if (r->files_skipped)
		sb_addf(&sm, "          %ld skipped: not read (see below, each with why)\n",
			r->files_skipped);
	sb_addf(&sm, "rows:     %ld read, %ld stored, %ld already stored, %ld rejected, %ld conflicts\n",
		r->counts.rows_read, r->counts.stored, r->counts.duplicates, r->counts.rejected,
		r->counts.conflicts);
	sb_addf(&sm, "patients: %ld with new sessions; %ld progress notes in notes/%s\n",
		r->patients_updated, r->notes_written, r->charts ? "" : " (no charts: gnuplot missing)");
	if (r->notes_left)
		sb_addf(&sm, "          %ld with no session in the last %ld days (history): no note "
			     "tonight, 'symtrend report note --patient ID' writes one\n",
			r->notes_left, run->cs.alert_window);
	if (r->chart_error) {
		sb_adds(&sm, "charts:   FAILED, notes and the clinic report have none tonight: ");
		sb_adds(&sm, r->chart_error); /* escaped */
		sb_addc(&sm, '\n');
	}
	sb_addf(&sm, "alerts:   %ld new or changed (alerts.txt, alerts.csv)\n", r->alerts);
	sb_addf(&sm, "clinic:   report refreshed in %s/clinic/\n", run->o->out);
	if (r->backup_error) {
		sb_adds(&sm, "backup:   FAILED, no backup tonight, older ones kept: ");
		sb_adds(&sm, r->backup_error); /* escaped */
		sb_addc(&sm, '\n');
	} else if (r->backup) {
		sb_addf(&sm, "backup:   %s, verified: %ld patients, %ld sessions, %ld files; "
			     "%ld kept, %ld older removed\n", r->backup, r->backup_tally.patients,
			r->backup_tally.sessions, r->backup_tally.files, r->backups_kept,
			r->backups_removed);
	}
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

/* The steps of a night ---------------------------------------------------- */

/* One run at a time: DB.lock held until the end. */
int nightly_lock(const char *db_path, int *fd, struct error *err)
{
	/* Beside the database itself, not the path as written: two runs
	 * through a symbolic link to it take the same lock. */
	char *real = realpath(db_path, NULL);
	char *path = xasprintf("%s.lock", real ? real : db_path);
	free(real);
	int ret = -1;
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (*fd < 0)
		error_set(err, ERR_IO, NULL, 0, "cannot open lock '%s': %s", path, strerror(errno));
	else if (flock(*fd, LOCK_EX | LOCK_NB) != 0)
		error_set(err, ERR_BUSY, NULL, 0,
			  "another nightly run holds the lock '%s': not started", path);
	else
		ret = 0;
	free(path);
	return ret;
}

static int lock_run(struct run *run, struct error *err)
{
	return nightly_lock(run->o->db_path, &run->lock, err);
}

/* DB.log, OUT/DAY and OUT/DAY/rejects (none of them in a dry run). */
static int open_folders(struct run *run, struct error *err)
{
	const struct nightly_opts *o = run->o;
	char *rf = xasprintf("%s/rejects", run->day_dir), *in, *out;
	int k = 0;
	if (!o->dry_run) {
		char *logpath = xasprintf("%s.log", o->db_path);
		int fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		run->log = fd >= 0 ? fdopen(fd, "a") : NULL;
		free(logpath);
		k = mkdir_private(run->day_dir) || mkdir_private(rf);
	}
	free(rf);
	if (k != 0) {
		error_set(err, ERR_IO, NULL, 0, "cannot create folder '%s': %s", run->day_dir,
			  strerror(errno));
		return -1;
	}
	in = str_escaped(o->inbox);
	out = str_escaped(o->out);
	logf_(run, "start: inbox '%s', out '%s'%s", in, out, o->dry_run ? ", dry run" : "");
	free(in);
	free(out);
	return 0;
}

/* Says in the database that the notes are written up to the last file stored. */
static int set_reported(struct run *run, struct error *err)
{
	char v[32];
	long last;
	if (store_last_file_id(run->s, &last, err) < 0)
		return -1;
	snprintf(v, sizeof(v), "%ld", last);
	return store_config_set(run->s, "nightly.reported_file", v, err);
}

/* Every file of the inbox, patients and therapists files first. */
static int take_files(struct run *run, struct error *err)
{
	char *rf = NULL;
	size_t i;
	run->files = scan_inbox(run, run->o->inbox, err);
	if (!run->files)
		return -1;
	/* The first run ever reports from the files it ingests: said before it
	 * starts, so that the rerun of a killed first run still writes its notes. */
	if (!run->o->dry_run) {
		if (store_config_read(run->s, "nightly.reported_file", &rf, err) < 0 ||
		    (!rf && set_reported(run, err) < 0))
			return -1;
		free(rf);
	}
	/* Files are moved and rejects written there: a folder an erase cleans. */
	if (!run->o->dry_run && store_output_dir_add(run->s, run->o->inbox, "inbox", err) < 0)
		return -1;
	for (i = 0; run->files[i]; i++) {
		run->r->files_seen++;
		if (one_file(run, run->files[i], err) < 0)
			return -1;
	}
	return 0;
}

/* The reports of the patients seen since the last reported file: a killed
 * run's too. */
static int night_reports(struct run *run, struct error *err)
{
	char *rf;
	long min_file;
	if (store_config_read(run->s, "nightly.reported_file", &rf, err) < 0)
		return -1;
	min_file = rf ? strtol(rf, NULL, 10) + 1 : 1;
	free(rf);
	return reports(run, min_file, err);
}

/*
 * With backup_dir set, the night ends with a backup of everything it
 * stored, verified before older ones are rotated out; the summary is
 * written again to say how it went.  A failed backup fails the night
 * (status 3) after everything else is done.
 */
static int backup_step(struct run *run, struct error *err)
{
	struct nightly_result *r = run->r;
	struct backup_result b;
	struct error berr = ERROR_INIT;
	const char *dir = run->cs.backup_dir;
	int ret = 0;
	if (!dir || !*dir)
		return 0;
	if (backup_night(run->s, dir, run->o->today, run->cs.backup_keep_daily,
			 run->cs.backup_keep_weekly, &b, &berr) < 0) {
		r->backup_error = error_format(&berr); /* escaped */
		logf_(run, "backup failed: %s", r->backup_error);
		error_release(&berr);
	} else {
		r->backup = str_escaped(b.path);
		r->backup_tally = b.tally;
		r->backups_kept = b.kept;
		r->backups_removed = b.removed;
		logf_(run, "backup: %s verified, %ld kept, %ld removed", r->backup, b.kept, b.removed);
	}
	backup_result_release(&b);
	if (write_summary(run, err) < 0)
		ret = -1;
	return ret;
}

/* The morning page last: it links the summary, alerts and letters. */
static int write_index(struct run *run, struct error *err)
{
	if (report_index_write(run->s, run->rr.sc, run->o->out, run->o->today,
			       run->cs.index_period, err) < 0)
		return -1;
	return store_audit_add(run->s, "report", NULL, "nightly morning page", run->o->out, err);
}

static int say_done(struct run *run, struct error *err)
{
	const struct nightly_result *r = run->r;
	(void)err;
	logf_(run, "done: %ld files processed, %ld refused, %ld waiting; %ld rows stored, %ld "
		   "rejected, %ld conflicts; %ld notes; %ld alerts", r->files_processed,
	      r->files_failed, r->files_waiting, r->counts.stored, r->counts.rejected,
	      r->counts.conflicts, r->notes_written, r->alerts);
	return 0;
}

/* A night, in order; a dry run stops after the files. */
static const struct {
	int (*step)(struct run *run, struct error *err);
	int dry_run; /* a step of a dry run too */
} steps[] = {
	{ lock_run, 1 },      { open_folders, 1 }, { take_files, 1 }, { night_reports, 0 },
	{ write_summary, 0 }, { write_index, 0 },  { set_reported, 0 }, { backup_step, 0 },
	{ say_done, 0 },
};

int nightly_run(struct store *s, const struct nightly_opts *o, struct nightly_result *r,
		struct error *err)
{
	struct run run;
	size_t i;
	int ret = -1;

	memset(r, 0, sizeof(*r));
	memset(&run, 0, sizeof(run));
	run.s = s;
	settings_load(s, &run.cs);
	run.o = o;
	run.r = r;
	run.lock = -1;
	run.day_dir = xasprintf("%s/%s", o->out, o->today);
	run.processed = xasprintf("%s/processed/%s", o->inbox, o->today);
	run.failed = xasprintf("%s/failed/%s", o->inbox, o->today);
	r->out_dir = xstrdup(run.day_dir);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if ((!o->dry_run || steps[i].dry_run) && steps[i].step(&run, err) < 0)
			goto out;
	if (o->dry_run)
		r->plan = sb_detach(&run.plan);
	ret = run.status;
	if (r->backup_error && !r->chart_error) {
		error_set(err, ERR_IO, NULL, 0, "backup failed: %s; the night's work is stored "
			  "and written, the database untouched, older backups kept",
			  r->backup_error);
		ret = -1;
	}
	if (r->chart_error) {
		/* Everything else was written: said, and an internal failure all the same. */
		error_set(err, ERR_IO, NULL, 0, "charts failed: %s; the notes, the clinic "
			  "report, the alerts and the summary were written without them",
			  r->chart_error);
		ret = -1;
	}
out:
	if (ret < 0 && err->reason && !r->chart_error && !r->backup_error) {
		char *why = error_format(err); /* escaped */
		logf_(&run, "stopped: %s", why);
		free(why);
	}
	if (run.log)
		fclose(run.log);
	if (run.lock >= 0)
		close(run.lock);
	report_run_release(&run.rr);
	settings_release(&run.cs);
	sb_release(&run.plan);
	strv_free(run.files);
	free(run.day_dir);
	free(run.processed);
	free(run.failed);
	return ret;
}

void nightly_result_release(struct nightly_result *r)
{
	free(r->out_dir);
	free(r->plan);
	free(r->chart_error);
	free(r->backup);
	free(r->backup_error);
	r->out_dir = r->plan = r->chart_error = r->backup = r->backup_error = NULL;
}
