/*
 * store_courses.c - reading courses back: sessions grouped into courses (the clinic's course_id, or derived from the course_gap setting), one course at a time.
 * The store's shared parts are in store_int.h; see store.h.
 */
#include "store.h"
#include "store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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
long store_course_gap(struct store *s)
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
	it->gap = store_course_gap(s);
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
	it->st = store_prepare(s, sql.buf, err);
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

char *store_col_dup(sqlite3_stmt *st, int i)
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
		return store_sql_fail(it->s, err, "cannot read sessions");
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
	c->patient_id = store_col_dup(st, COL_PID);
	c->referrer = store_col_dup(st, COL_REFERRER);
	c->indication = store_col_dup(st, COL_INDICATION);
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
