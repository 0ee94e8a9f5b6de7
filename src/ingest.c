/*
 * ingest.c - reads a file with csvin, stores it with store, writes the
 * rejects file.
 *
 * Reading (hashing, splitting, libcsv, validation) and storing (SQLite) each
 * take about half the time of an ingest, so they run as a two-stage
 * pipeline: a reader thread fills batches of validated records, the calling
 * thread stores them.  At most QUEUE batches are in flight, so memory stays
 * bounded whatever the file size.  Only the calling thread touches the
 * store and the rejects file.
 *
 * The rejects file is written under a temporary name and renamed just
 * before the database commit: rows are never stored while their rejects are
 * lost.  (A crash between the two leaves a rejects file for rows not yet
 * stored; ingesting the file again stores them and rewrites it.)
 */
#include "ingest.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define QUEUE 4
#define BATCH_RECORDS 2048
#define BATCH_BYTES (1u << 20)

/* A record copied out of the reader; string fields are arena offsets, 0 = NULL. */
struct qrec {
	long line;
	size_t raw, raw_len, reason;
	size_t pid, course, therapist, notes, referrer, indication;
	size_t adverse, name, ref_reason, credentials, email;
	long date, ref_date;
	int birth_year, planned;
	enum csvin_attendance attendance;
	double score[CSVIN_MAX_MEASURES];
	unsigned char has[CSVIN_MAX_MEASURES];
};

struct batch {
	struct qrec *rec;
	size_t n, cap;
	struct strbuf arena;
	unsigned long long offset; /* bytes read when the batch was closed */
};

struct pipe {
	struct csvin_reader *r;
	enum csvin_kind kind;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch *q[QUEUE];
	size_t head, count;
	int done;   /* reader finished (eof or error) */
	int stop;   /* consumer gave up: reader must stop */
	int rc;     /* csvin_next's last result: 0 eof, -1 error */
	struct error err;
};

static size_t put(struct batch *b, const char *s, size_t n)
{
	size_t off;
	if (!s)
		return 0;
	off = b->arena.len;
	sb_add(&b->arena, s, n);
	sb_addc(&b->arena, '\0');
	return off;
}

static size_t puts0(struct batch *b, const char *s)
{
	return s ? put(b, s, strlen(s)) : 0;
}

static const char *at(const struct batch *b, size_t off)
{
	return off ? b->arena.buf + off : NULL;
}

static void batch_add(struct batch *b, const struct csvin_record *rec, enum csvin_kind kind)
{
	struct qrec *q;
	b->rec = xgrow(b->rec, &b->cap, b->n + 1, sizeof(*b->rec));
	q = &b->rec[b->n++];
	memset(q, 0, sizeof(*q));
	q->line = rec->line;
	q->raw = put(b, rec->raw, rec->raw_len);
	q->raw_len = rec->raw_len;
	q->reason = puts0(b, rec->reason);
	if (rec->reason)
		return;
	if (kind == CSVIN_SESSIONS) {
		const struct csvin_session *s = &rec->session;
		q->pid = puts0(b, s->patient_id);
		q->course = puts0(b, s->course_id);
		q->therapist = puts0(b, s->therapist);
		q->notes = puts0(b, s->notes);
		q->date = s->date;
		q->adverse = puts0(b, s->adverse_event);
		q->attendance = s->attendance;
		memcpy(q->score, s->score, sizeof(q->score));
		memcpy(q->has, s->has, sizeof(q->has));
	} else if (kind == CSVIN_PATIENTS) {
		const struct csvin_patient *p = &rec->patient;
		q->pid = puts0(b, p->patient_id);
		q->referrer = puts0(b, p->referrer);
		q->indication = puts0(b, p->indication);
		q->birth_year = p->birth_year;
		q->name = puts0(b, p->name);
		q->ref_reason = puts0(b, p->referral_reason);
		q->ref_date = p->referral_date;
		q->planned = p->planned_sessions;
	} else {
		const struct csvin_therapist *t = &rec->therapist;
		q->therapist = puts0(b, t->therapist);
		q->credentials = puts0(b, t->credentials);
		q->email = puts0(b, t->email);
	}
}

static struct batch *batch_new(void)
{
	struct batch *b = xcalloc(1, sizeof(*b));
	sb_addc(&b->arena, '\0'); /* offset 0 means NULL */
	return b;
}

static void batch_free(struct batch *b)
{
	if (!b)
		return;
	free(b->rec);
	sb_release(&b->arena);
	free(b);
}

/* Reader thread: returns 0 to hand the batch over, -1 when told to stop. */
static int push(struct pipe *p, struct batch *b)
{
	pthread_mutex_lock(&p->mu);
	while (p->count == QUEUE && !p->stop)
		pthread_cond_wait(&p->cv, &p->mu);
	if (p->stop) {
		pthread_mutex_unlock(&p->mu);
		return -1;
	}
	p->q[(p->head + p->count) % QUEUE] = b;
	p->count++;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return 0;
}

static void *reader_main(void *arg)
{
	struct pipe *p = arg;
	struct batch *b = batch_new();
	struct csvin_record rec;
	int rc;
	while ((rc = csvin_next(p->r, &rec, &p->err)) == 1) {
		batch_add(b, &rec, p->kind);
		if (b->n >= BATCH_RECORDS || b->arena.len >= BATCH_BYTES) {
			b->offset = csvin_offset(p->r);
			if (push(p, b) < 0) {
				b = NULL;
				break;
			}
			b = batch_new();
		}
	}
	if (b) {
		b->offset = csvin_offset(p->r);
		if (b->n == 0 || push(p, b) < 0)
			batch_free(b);
	}
	if (rc == 0)
		csvin_sha256(p->r); /* computed here, off the storing thread */
	pthread_mutex_lock(&p->mu);
	p->rc = rc;
	p->done = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* Consumer: next batch, or NULL when the reader is done and the queue empty. */
static struct batch *pop(struct pipe *p)
{
	struct batch *b = NULL;
	pthread_mutex_lock(&p->mu);
	while (p->count == 0 && !p->done)
		pthread_cond_wait(&p->cv, &p->mu);
	if (p->count) {
		b = p->q[p->head];
		p->head = (p->head + 1) % QUEUE;
		p->count--;
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return b;
}

static void stop_reader(struct pipe *p, pthread_t th)
{
	struct batch *b;
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	pthread_join(th, NULL);
	while (p->count) {
		b = p->q[p->head];
		p->head = (p->head + 1) % QUEUE;
		p->count--;
		batch_free(b);
	}
}

/*
 * One rejects row.  'raw' is the record as read, except that a NUL byte
 * (which a spreadsheet or a C tool would cut the cell at) is written as
 * U+2400 SYMBOL FOR NULL, and a record that a spreadsheet would take for a
 * formula gets a leading apostrophe (sb_csv_field).
 */
static void write_reject(struct outfile *of, long line, const char *reason, const char *raw,
			 size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	sb_addf(&sb, "%ld,", line);
	sb_csv_field(&sb, reason, strlen(reason));
	sb_addc(&sb, ',');
	if (memchr(raw, '\0', n)) {
		struct strbuf clean = STRBUF_INIT;
		size_t i;
		for (i = 0; i < n; i++) {
			if (raw[i])
				sb_addc(&clean, raw[i]);
			else
				sb_adds(&clean, "\xe2\x90\x80");
		}
		sb_csv_field(&sb, clean.buf, clean.len);
		sb_release(&clean);
	} else {
		sb_csv_field(&sb, raw, n);
	}
	sb_addc(&sb, '\n');
	outfile_write(of, sb.buf, sb.len);
	sb_release(&sb);
}

static int same_file(const struct stat *a, const char *path)
{
	struct stat b;
	return stat(path, &b) == 0 && a->st_dev == b.st_dev && a->st_ino == b.st_ino;
}

/*
 * Where the rejects go, decided before anything is stored: never over the
 * input, the database or a file that is not regular (a device such as
 * /dev/full, a link, a folder).  Returns the path (caller frees), or NULL
 * with err (ERR_USAGE: the user names another path).
 */
static char *rejects_target(struct store *s, const char *path, FILE *fp, const char *given,
			    struct error *err)
{
	static const char *const db_files[] = { "", "-wal", "-shm", "-journal" };
	struct stat in, st;
	char *rej;
	size_t i;
	int is_reg = (fp ? fstat(fileno(fp), &in) : stat(path, &in)) == 0 && S_ISREG(in.st_mode);
	if (!given && !is_reg) {
		error_set(err, ERR_USAGE, path, 0, "not a regular file, so there is no place for "
			  "its rejects beside it: name one with --rejects PATH");
		return NULL;
	}
	rej = given ? xstrdup(given) : xasprintf("%s.rejects.csv", path);
	if (lstat(rej, &st) != 0)
		return rej; /* a new file; a missing folder fails later with its reason */
	if (!S_ISREG(st.st_mode)) {
		error_set(err, ERR_USAGE, path, 0, "rejects file '%s' exists and is not a regular "
			  "file (a device, link or folder): not written over", rej);
		goto refuse;
	}
	if (is_reg && in.st_dev == st.st_dev && in.st_ino == st.st_ino) {
		error_set(err, ERR_USAGE, path, 0,
			  "rejects file '%s' is the input file: not written over", rej);
		goto refuse;
	}
	for (i = 0; i < sizeof(db_files) / sizeof(db_files[0]); i++) {
		char *f = xasprintf("%s%s", store_path(s), db_files[i]);
		int same = same_file(&st, f);
		free(f);
		if (same) {
			error_set(err, ERR_USAGE, path, 0,
				  "rejects file '%s' is the database: not written over", rej);
			goto refuse;
		}
	}
	return rej;
refuse:
	free(rej);
	return NULL;
}

/*
 * After a clean ingest: an old rejects file at 'rej' described rows that
 * are no longer rejected; it goes, if it is one (starts with the header).
 */
static int remove_stale_rejects(const char *rej)
{
	static const char head[] = "line,reason,raw\n";
	char buf[sizeof(head) - 1];
	struct stat st;
	size_t n;
	FILE *f;
	if (lstat(rej, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	f = fopen(rej, "rb");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (n != sizeof(buf) || memcmp(buf, head, sizeof(buf)) != 0)
		return 0;
	return unlink(rej) == 0;
}

/* The last date a session may have: the day after the run date. */
static long latest_session_date(const char *today)
{
	long d;
	if (!today || date_parse(today, strlen(today), &d) < 0) {
		char buf[11];
		time_t now = time(NULL);
		struct tm tm;
		localtime_r(&now, &tm);
		strftime(buf, sizeof(buf), "%Y-%m-%d", &tm);
		if (date_parse(buf, 10, &d) < 0)
			BUG("local date is not a date");
	}
	return d + 1;
}

static int put_session(struct store *s, const struct batch *b, const struct qrec *q,
		       enum store_outcome *outcome, struct error *err)
{
	struct csvin_session row;
	row.patient_id = at(b, q->pid);
	row.course_id = at(b, q->course);
	row.therapist = at(b, q->therapist);
	row.notes = at(b, q->notes);
	row.date = q->date;
	row.adverse_event = at(b, q->adverse);
	row.attendance = q->attendance;
	memcpy(row.score, q->score, sizeof(row.score));
	memcpy(row.has, q->has, sizeof(row.has));
	return store_ingest_session(s, &row, q->line, outcome, err);
}

/* A patient; on a conflict *why says which columns differ. */
static int put_patient(struct store *s, int update, const struct batch *b, const struct qrec *q,
		       struct strbuf *why, enum store_outcome *outcome, struct error *err)
{
	struct csvin_patient row;
	row.patient_id = at(b, q->pid);
	row.referrer = at(b, q->referrer);
	row.indication = at(b, q->indication);
	row.birth_year = q->birth_year;
	row.name = at(b, q->name);
	row.referral_reason = at(b, q->ref_reason);
	row.referral_date = q->ref_date;
	row.planned_sessions = q->planned;
	sb_reset(why);
	if (store_ingest_patient(s, &row, update, why, outcome, err) < 0)
		return -1;
	if (*outcome == STORE_CONFLICT) {
		char *cols = sb_detach(why);
		sb_addf(why, "differs from the stored patient in %s; not applied "
			     "(--update-patients applies it)", cols);
		free(cols);
	}
	return 0;
}

static int put_therapist(struct store *s, int update, const struct batch *b,
			 const struct qrec *q, enum store_outcome *outcome, struct error *err)
{
	struct csvin_therapist row;
	row.therapist = at(b, q->therapist);
	row.credentials = at(b, q->credentials);
	row.email = at(b, q->email);
	return store_ingest_therapist(s, &row, update, outcome, err);
}

/* Why a row that conflicts with what is stored goes to the rejects. */
static const char *conflict_reason(enum csvin_kind kind, enum store_outcome outcome,
				   const struct strbuf *why)
{
	if (kind == CSVIN_THERAPISTS)
		return "conflicts with the stored therapist of this name (different "
		       "credentials or email); not overwritten (--update-therapists replaces it)";
	if (kind == CSVIN_PATIENTS)
		return why->buf;
	return outcome == STORE_OTHER_COURSE
		? "this patient has a session on this date in another course (one "
		  "derived from dates, or another course_id); a patient has one "
		  "session a day: not stored twice"
		: "conflicts with a stored session of this patient and course "
		  "on this date (different scores or attendance or adverse event); not overwritten";
}

/* Stores one record; 0 ok (reason set when it goes to the rejects), -1 error. */
static int store_one(struct store *s, enum csvin_kind kind, int update, const struct batch *b,
		     const struct qrec *q, long latest, struct strbuf *why,
		     struct store_ingest_counts *c, const char **reason, struct error *err)
{
	enum store_outcome outcome;
	int rc;
	*reason = at(b, q->reason);
	c->rows_read++;
	if (!*reason && kind == CSVIN_SESSIONS && q->date > latest) {
		/* A typo (2099, 9999) would open a course nobody can close. */
		char d[11], t[11];
		date_format(q->date, d);
		date_format(latest - 1, t);
		sb_reset(why);
		sb_addf(why, "session_date %s is after tomorrow (the run date is %s)", d, t);
		*reason = why->buf;
	}
	if (*reason) {
		c->rejected++;
		return 0;
	}
	rc = kind == CSVIN_SESSIONS ? put_session(s, b, q, &outcome, err)
	     : kind == CSVIN_PATIENTS ? put_patient(s, update, b, q, why, &outcome, err)
	     : put_therapist(s, update, b, q, &outcome, err);
	if (rc < 0)
		return -1;
	if (outcome == STORE_STORED) {
		c->stored++;
	} else if (outcome == STORE_DUPLICATE) {
		c->duplicates++;
	} else {
		c->conflicts++;
		*reason = conflict_reason(kind, outcome, why);
	}
	return 0;
}

/* One ingest under way: what its steps share. */
struct ingest_run {
	struct store *s;
	const char *path;
	const struct ingest_opts *o;
	struct ingest_result *res;
	struct pipe p;
	pthread_t th;
	int started;        /* the reader thread runs */
	char *rej_path;     /* where the rejects go (NULL in a dry run) */
	struct outfile rej;
	int rej_open;       /* the rejects file is being written */
	struct strbuf why;  /* a reason built for one row */
	long latest;        /* the last date a session may have */
	char *enc_setting;
};

/* Opens the input and decides where its rejects go, before anything is
 * stored: 0, 1 refused whole (err), -1 with err. */
static int open_input(struct ingest_run *in, struct error *err)
{
	const struct ingest_opts *o = in->o;
	const char *names[CSVIN_MAX_MEASURES];
	struct csvin_opts copts = { o->encoding, o->slash_dates };
	size_t i, nm = store_measure_count(in->s);
	for (i = 0; i < nm; i++)
		names[i] = store_measure_name(in->s, i);
	if (!copts.encoding)
		copts.encoding = in->enc_setting = store_config_get(in->s, "input_encoding");
	if (copts.slash_dates == CSVIN_DATE_NO_SLASH) { /* no --date-format: the setting */
		char *df = store_config_get(in->s, "date_format");
		if (df && *df && csvin_date_format_parse(df, &copts.slash_dates) < 0)
			copts.slash_dates = CSVIN_DATE_NO_SLASH; /* checked when set */
		free(df);
	}
	in->p.r = csvin_open_opts(in->path, o->in, o->kind, names, nm, &copts, err);
	if (!in->p.r) /* a file that cannot be opened or read as CSV is refused whole */
		return err->kind == ERR_IO ? -1 : 1;
	in->res->size = csvin_size(in->p.r);
	if (!o->dry_run &&
	    !(in->rej_path = rejects_target(in->s, in->path, o->in, o->rejects_path, err)))
		return -1;
	return 0;
}

/* Stores a batch's records, their rejects to the rejects file: 0, or -1 with err. */
static int store_batch(struct ingest_run *in, const struct batch *b, struct error *err)
{
	const struct ingest_opts *o = in->o;
	int update = o->kind == CSVIN_PATIENTS ? o->update_patients : o->update_therapists;
	size_t i;
	for (i = 0; i < b->n; i++) {
		const struct qrec *q = &b->rec[i];
		const char *reason;
		if (store_one(in->s, o->kind, update, b, q, in->latest, &in->why, &in->res->counts,
			      &reason, err) < 0)
			return -1;
		if (!reason)
			continue;
		if (o->on_reject)
			o->on_reject(o->arg, in->path, q->line, reason);
		if (o->dry_run)
			continue;
		if (!in->rej_open) {
			if (outfile_open(&in->rej, in->rej_path, err) < 0)
				return -1;
			in->rej_open = 1;
			outfile_write(&in->rej, "line,reason,raw\n", 16);
		}
		write_reject(&in->rej, q->line, reason, at(b, q->raw), q->raw_len);
	}
	return 0;
}

/* Reads (on the reader thread) and stores every record: 0, 1 refused whole
 * (err), -1 with err.  The caller rolls back unless 0. */
static int store_all(struct ingest_run *in, struct error *err)
{
	unsigned long long next_progress = 0;
	struct pipe *p = &in->p;
	struct batch *b;
	if (pthread_create(&in->th, NULL, reader_main, p) != 0) {
		error_set(err, ERR_IO, NULL, 0, "cannot start the reader thread");
		return -1;
	}
	in->started = 1;
	while ((b = pop(p))) {
		int rc = store_batch(in, b, err);
		if (rc == 0 && in->o->progress && b->offset >= next_progress) {
			in->o->progress(in->o->arg, b->offset, in->res->size);
			next_progress = b->offset + (1u << 22);
		}
		batch_free(b);
		if (rc < 0)
			return -1;
	}
	pthread_join(in->th, NULL);
	in->started = 0;
	if (p->rc < 0) {
		error_set(err, p->err.kind, p->err.file, p->err.line, "%s", p->err.reason);
		/* Not readable in its encoding: refused whole, like a bad header. */
		return p->err.kind == ERR_INPUT ? 1 : -1;
	}
	return 0;
}

/* The rejects on disk, then the rows committed (or rolled back in a dry
 * run): 0, or -1 with err. */
static int finish(struct ingest_run *in, struct error *err)
{
	struct ingest_result *res = in->res;
	memcpy(res->sha256, csvin_sha256(in->p.r), 65);
	/* The rejects are on disk before the rows are committed: a file whose
	 * rejects cannot be kept is not stored (nothing is silently dropped). */
	if (in->rej_open) {
		in->rej_open = 0;
		if (outfile_commit(&in->rej, err) < 0) {
			store_ingest_rollback(in->s);
			return -1;
		}
		res->rejects_path = in->rej_path;
		in->rej_path = NULL;
	}
	if (in->o->dry_run) {
		store_ingest_rollback(in->s);
		return 0;
	}
	if (store_ingest_commit(in->s, &res->counts, res->size, res->sha256, err) < 0) {
		if (res->rejects_path)
			unlink(res->rejects_path);
		return -1;
	}
	if (!res->rejects_path && in->rej_path)
		res->stale_removed = remove_stale_rejects(in->rej_path);
	return 0;
}

int ingest_file(struct store *s, const char *path, const struct ingest_opts *o,
		struct ingest_result *res, struct error *err)
{
	struct ingest_run in = { .s = s, .path = path, .o = o, .res = res, .why = STRBUF_INIT };
	int ret;
	memset(res, 0, sizeof(*res));
	pthread_mutex_init(&in.p.mu, NULL);
	pthread_cond_init(&in.p.cv, NULL);
	in.p.kind = o->kind;
	in.latest = latest_session_date(o->today);
	ret = open_input(&in, err);
	if (ret == 0 && store_ingest_begin(s, path, ingest_kind_name(o->kind), err) < 0) {
		ret = -1;
	} else if (ret == 0) {
		ret = store_all(&in, err);
		if (ret == 0)
			ret = finish(&in, err);
		else
			store_ingest_rollback(s);
	}
	if (in.started)
		stop_reader(&in.p, in.th);
	if (in.rej_open)
		outfile_abort(&in.rej);
	free(in.rej_path);
	sb_release(&in.why);
	free(in.enc_setting);
	csvin_free(in.p.r);
	error_release(&in.p.err);
	pthread_mutex_destroy(&in.p.mu);
	pthread_cond_destroy(&in.p.cv);
	return ret;
}

const char *ingest_kind_name(enum csvin_kind kind)
{
	return kind == CSVIN_PATIENTS ? "patients" : kind == CSVIN_THERAPISTS ? "therapists"
										 : "sessions";
}

void ingest_result_release(struct ingest_result *res)
{
	free(res->rejects_path);
	res->rejects_path = NULL;
}
