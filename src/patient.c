/*
 * patient.c - a patient's rights: export, erase (see patient.h).
 */
#include "patient.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nightly.h"
#include "report.h"
#include "report_index.h"
#include "reportrun.h"
#include "settings.h"
#include "stats.h"

#define WALK_DEPTH 16            /* folders below an output folder */
#define FILE_MAX (256L << 20)    /* larger files are not read: said as left */

static int leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

long patient_retention_end(long last, long years)
{
	char d[11], out[11];
	long y, m, day, end;
	date_format(last, d);
	y = strtol(d, NULL, 10) + years;
	m = strtol(d + 5, NULL, 10);
	day = strtol(d + 8, NULL, 10);
	if (m == 2 && day == 29 && !leap(y)) {
		m = 3;
		day = 1;
	}
	snprintf(out, sizeof(out), "%04ld-%02ld-%02ld", y, m, day);
	if (date_parse(out, 10, &end) < 0)
		BUG("retention end is not a date");
	return end;
}

/* Who to look for: ids as words (not inside a longer id), names as text. */
struct who {
	char *const *ids;
	char **names;
};

static int is_word_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static const char *find_id(const char *p, size_t n, const char *id)
{
	size_t k = strlen(id);
	const char *end = p + n, *q = p;
	if (!k)
		return NULL;
	while (q < end && (q = memmem(q, (size_t)(end - q), id, k)) != NULL) {
		if ((q == p || !is_word_char(q[-1]) || !is_word_char(id[0])) &&
		    (q + k == end || !is_word_char(q[k]) || !is_word_char(id[k - 1])))
			return q;
		q++;
	}
	return NULL;
}

static int names_them(const char *p, size_t n, const struct who *w)
{
	size_t i;
	for (i = 0; w->ids[i]; i++)
		if (find_id(p, n, w->ids[i]))
			return 1;
	for (i = 0; w->names && w->names[i]; i++)
		if (memmem(p, n, w->names[i], strlen(w->names[i])))
			return 1;
	return 0;
}

/* Calls fn for every entry below 'dir' (symbolic links are never followed);
 * fn returns 1 not to descend into a folder. */
typedef int walk_fn(void *arg, const char *path, const struct stat *st);
static void walk(const char *dir, int depth, walk_fn *fn, void *arg)
{
	DIR *d;
	struct dirent *e;
	if (depth > WALK_DEPTH || !(d = opendir(dir)))
		return;
	while ((e = readdir(d))) {
		struct stat st;
		char *path;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		if (lstat(path, &st) == 0 && fn(arg, path, &st) == 0 && S_ISDIR(st.st_mode))
			walk(path, depth + 1, fn, arg);
		free(path);
	}
	closedir(d);
}

static int rm_one(void *arg, const char *path, const struct stat *st);
static void rm_rf(const char *path)
{
	walk(path, 0, rm_one, NULL);
	rmdir(path);
}

static int rm_one(void *arg, const char *path, const struct stat *st)
{
	(void)arg;
	if (S_ISDIR(st->st_mode)) {
		rm_rf(path);
		return 1;
	}
	unlink(path);
	return 0;
}

static const char *base_of(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* The patients' own folders (named as safe_dirname names them). */
struct own {
	char **dirnames;
	void (*found)(void *arg, const char *path);
	void *arg;
	long n;
};

static int own_dir(void *arg, const char *path, const struct stat *st)
{
	struct own *o = arg;
	size_t i;
	if (!S_ISDIR(st->st_mode))
		return 0;
	for (i = 0; o->dirnames[i]; i++)
		if (!strcmp(base_of(path), o->dirnames[i])) {
			o->found(o->arg, path);
			o->n++;
			return 1;
		}
	return 0;
}

static char **dirnames_of(char *const *pids)
{
	size_t n, i;
	char **v;
	for (n = 0; pids[n]; n++)
		;
	v = xcalloc(n + 1, sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = safe_dirname(pids[i]);
	return v;
}

/* Export ------------------------------------------------------------------- */

struct copy {
	const char *dest; /* DIR/letters */
	struct strbuf index;
	long folders, files;
	int failed;
	struct error *err;
};

struct copy_tree {
	struct copy *c;
	const char *from, *to;
};

static int copy_file(void *arg, const char *path, const struct stat *st)
{
	struct copy_tree *t = arg;
	struct strbuf data = STRBUF_INIT;
	char *dest = xasprintf("%s%s", t->to, path + strlen(t->from));
	if (t->c->failed)
		goto out;
	if (S_ISDIR(st->st_mode)) {
		if (mkdir_private(dest) != 0) {
			error_set(t->c->err, ERR_IO, NULL, 0, "cannot create folder '%s': %s", dest,
				  strerror(errno));
			t->c->failed = 1;
		}
	} else if (S_ISREG(st->st_mode) && st->st_size <= FILE_MAX) {
		if (read_file(path, &data) < 0) {
			error_set(t->c->err, ERR_IO, NULL, 0, "cannot read '%s': %s", path,
				  strerror(errno));
			t->c->failed = 1;
		} else if (write_file_atomic(dest, data.buf ? data.buf : "", data.len, t->c->err) < 0) {
			t->c->failed = 1;
		} else {
			t->c->files++;
		}
	}
out:
	sb_release(&data);
	free(dest);
	return 0;
}

static void copy_folder(void *arg, const char *path)
{
	struct copy *c = arg;
	struct copy_tree t;
	char *to;
	if (c->failed)
		return;
	c->folders++;
	to = xasprintf("%s/%ld", c->dest, c->folders);
	if (mkdir_private(to) != 0) {
		error_set(c->err, ERR_IO, NULL, 0, "cannot create folder '%s': %s", to,
			  strerror(errno));
		c->failed = 1;
		free(to);
		return;
	}
	sb_addf(&c->index, "%ld\t", c->folders);
	sb_add_escaped(&c->index, path);
	sb_addc(&c->index, '\n');
	t.c = c;
	t.from = path;
	t.to = to;
	walk(path, 0, copy_file, &t);
	free(to);
}

static int write_csv(struct store *s, const char *pid, const char *dir, const char *name,
		     enum store_patient_table t, long *rows, struct error *err)
{
	struct strbuf csv = STRBUF_INIT;
	char *path = xasprintf("%s/%s", dir, name);
	int ret = -1;
	if (store_patient_csv(s, pid, t, &csv, rows, err) == 0 &&
	    write_file_atomic(path, csv.buf, csv.len, err) == 0)
		ret = 0;
	sb_release(&csv);
	free(path);
	return ret;
}

/* The patient's letters: copies of their folders under the output folders
 * into 'letters', with an index; how many files in *files. */
static int copy_letters(struct store *s, const char *pid, const char *letters, long *files,
			struct error *err)
{
	char *const pids[2] = { (char *)pid, NULL };
	char **dirs = store_output_dirs(s, err), **dirnames, *path;
	struct copy c;
	struct own o;
	size_t i;
	int ret = -1;
	if (!dirs)
		return -1;
	memset(&c, 0, sizeof(c));
	dirnames = dirnames_of(pids);
	c.dest = letters;
	c.err = err;
	o.dirnames = dirnames;
	o.found = copy_folder;
	o.arg = &c;
	o.n = 0;
	for (i = 0; dirs[i] && !c.failed; i++)
		walk(dirs[i], 0, own_dir, &o);
	path = xasprintf("%s/index.txt", letters);
	if (!c.failed && write_file_atomic(path, c.index.buf ? c.index.buf : "", c.index.len,
					   err) == 0) {
		*files = c.files;
		ret = 0;
	}
	free(path);
	sb_release(&c.index);
	strv_free(dirs);
	strv_free(dirnames);
	return ret;
}

int patient_export(struct store *s, const char *pid, const char *dir,
		   struct patient_export_result *r, struct error *err)
{
	struct store_patient_info info;
	char *letters = NULL, *detail = NULL;
	const char *audit_pids[2] = { pid, NULL };
	long rows, known;
	int ret = -1;
	memset(r, 0, sizeof(*r));
	known = store_patient_info(s, pid, &info, err);
	if (known < 0)
		return -1;
	if (known == 0) {
		error_set(err, ERR_USAGE, NULL, 0, "'%s' is not a patient in the database", pid);
		return -1;
	}
	store_patient_info_release(&info);
	letters = xasprintf("%s/letters", dir);
	if (mkdir_private(dir) != 0 || mkdir_private(letters) != 0) {
		error_set(err, ERR_IO, NULL, 0, "cannot create folder '%s': %s", letters,
			  strerror(errno));
		goto out;
	}
	if (write_csv(s, pid, dir, "patient.csv", STORE_PATIENT_ROW, &rows, err) < 0 ||
	    write_csv(s, pid, dir, "sessions.csv", STORE_PATIENT_SESSIONS, &r->sessions, err) < 0 ||
	    write_csv(s, pid, dir, "alerts.csv", STORE_PATIENT_ALERTS, &r->alerts, err) < 0 ||
	    write_csv(s, pid, dir, "audit.csv", STORE_PATIENT_AUDIT, &r->audit, err) < 0 ||
	    copy_letters(s, pid, letters, &r->letters, err) < 0)
		goto out;
	detail = xasprintf("export: %ld session rows, %ld alerts, %ld letter files", r->sessions,
			   r->alerts, r->letters);
	ret = store_audit_add(s, "export", audit_pids, detail, dir, err);
out:
	free(letters);
	free(detail);
	return ret;
}

/* Erase ---------------------------------------------------------------- */

/* What one output folder needs after the rows are gone. */
struct sweep {
	const char *out;
	const struct who *w;
	char **alert_days, **index_days; /* DAY folders (strv, may be NULL) */
	size_t nalert, nindex;
	int top_index, clinic;
	long scrubbed;
	char **left;
	size_t nleft;
	int verify;      /* the last pass: only list what still names them */
	struct error *err;
	int failed;
};

static void strv_push(char ***v, size_t *n, const char *s)
{
	size_t i;
	for (i = 0; i < *n; i++)
		if (!strcmp((*v)[i], s))
			return;
	*v = xrealloc(*v, (*n + 2) * sizeof(**v));
	(*v)[(*n)++] = xstrdup(s);
	(*v)[*n] = NULL;
}

/* 'path' is OUT/DAY/name: *day set to DAY. */
static int day_file(const char *out, const char *path, char day[11])
{
	size_t n = strlen(out);
	long d;
	if (strncmp(path, out, n) != 0 || path[n] != '/' || strlen(path + n + 1) < 12 ||
	    path[n + 11] != '/' || strchr(path + n + 12, '/') != NULL ||
	    date_parse(path + n + 1, 10, &d) < 0)
		return 0;
	memcpy(day, path + n + 1, 10);
	day[10] = '\0';
	return 1;
}

/* The file without the lines that name them, written in its place. */
static int scrub_lines(const char *path, const struct strbuf *data, const struct who *w,
		       struct error *err)
{
	struct strbuf kept = STRBUF_INIT;
	const char *p = data->buf, *end = data->buf + data->len;
	int ret;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl + 1 : end;
		if (!names_them(p, (size_t)(e - p), w))
			sb_add(&kept, p, (size_t)(e - p));
		p = e;
	}
	ret = write_file_atomic(path, kept.buf ? kept.buf : "", kept.len, err);
	sb_release(&kept);
	return ret;
}

static int sweep_file(void *arg, const char *path, const struct stat *st)
{
	struct sweep *sw = arg;
	struct strbuf data = STRBUF_INIT;
	const char *name = base_of(path);
	char day[11];
	size_t n = sw->out ? strlen(sw->out) : 0;
	if (!S_ISREG(st->st_mode) || sw->failed || !sw->out)
		return 0;
	if (strstr(name, ".tmp.")) /* a temporary of a live writer, or swept later */
		return 0;
	if (st->st_size > FILE_MAX || read_file(path, &data) < 0) {
		strv_push(&sw->left, &sw->nleft, path);
		goto out;
	}
	if (!data.len || !names_them(data.buf, data.len, sw->w))
		goto out;
	if (sw->verify) {
		strv_push(&sw->left, &sw->nleft, path);
	} else if ((!strcmp(name, "alerts.txt") || !strcmp(name, "alerts.csv")) &&
		   day_file(sw->out, path, day)) {
		strv_push(&sw->alert_days, &sw->nalert, day);
	} else if (!strcmp(name, "index.html") && day_file(sw->out, path, day)) {
		strv_push(&sw->index_days, &sw->nindex, day);
	} else if (!strcmp(name, "index.html") && strlen(path) == n + 11 &&
		   !strncmp(path, sw->out, n)) {
		sw->top_index = 1;
	} else if (!strncmp(path, sw->out, n) && !strncmp(path + n, "/clinic/", 8)) {
		sw->clinic = 1;
	} else if (scrub_lines(path, &data, sw->w, sw->err) < 0) {
		sw->failed = 1;
	} else {
		sw->scrubbed++;
	}
out:
	sb_release(&data);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The pages of one output folder that named them, written again. */
static int rewrite_pages(struct store *s, struct sweep *sw, const char *today, long *pages,
			 struct error *err)
{
	struct stats_ctx *sc = NULL;
	size_t i;
	int ret = -1;
	for (i = 0; i < sw->nalert; i++, (*pages)++)
		if (nightly_alert_files(s, sw->out, sw->alert_days[i], err) < 0)
			goto out;
	if (sw->nindex || sw->top_index) {
		long period = settings_get(s)->index_period;
		sc = stats_ctx_new(s, err);
		if (!sc)
			goto out;
		if (sw->nindex)
			qsort(sw->index_days, sw->nindex, sizeof(char *), cmp_str);
		for (i = 0; i < sw->nindex; i++, (*pages)++)
			if (report_index_write(s, sc, sw->out, sw->index_days[i], period, err) < 0)
				goto out;
		/* The top page last: it is today's again. */
		if (report_index_write(s, sc, sw->out, today, period, err) < 0)
			goto out;
		(*pages)++;
	}
	if (sw->clinic) {
		struct report_run rr;
		struct store_filter all = STORE_FILTER_INIT;
		char *dir = NULL;
		int rc = report_run_start(&rr, s, sw->out, REPORT_RUN_CHARTS_OPTIONAL, err);
		if (rc == 0)
			rc = report_clinic(rr.batch, s, rr.sc, rr.rm, &all, sw->out, today, &dir, err);
		if (rc == 0)
			rc = report_run_finish(&rr, err);
		report_run_release(&rr);
		free(dir);
		if (rc != 0)
			goto out;
		(*pages)++;
	}
	ret = 0;
out:
	stats_ctx_free(sc);
	return ret;
}

static void sweep_release(struct sweep *sw)
{
	strv_free(sw->alert_days);
	strv_free(sw->index_days);
	sw->alert_days = sw->index_days = NULL;
	sw->nalert = sw->nindex = 0;
}

static void nothing(void *arg, const char *path)
{
	(void)arg;
	rm_rf(path);
}

/* The names of pids into w->names (before their rows go: the files are
 * searched for them afterwards), then the rows themselves. */
static int erase_rows(struct store *s, char *const *pids, size_t n, const char *detail,
		      struct who *w, struct error *err)
{
	size_t i, nn = 0;
	w->names = xcalloc(n + 1, sizeof(char *));
	for (i = 0; i < n; i++) {
		struct store_patient_info info;
		if (store_patient_info(s, pids[i], &info, err) < 0)
			return -1;
		if (info.name)
			w->names[nn++] = info.name; /* owned by w->names now */
	}
	for (i = 0; i < n; i++)
		if (store_patient_erase(s, pids[i], detail, err) < 0)
			return -1;
	return store_scrub(s, err);
}

/* Their own folders under every output folder; how many. */
static size_t remove_folders(char **dirs, char *const *pids)
{
	char **dirnames = dirnames_of(pids);
	struct own o;
	size_t i;
	o.dirnames = dirnames;
	o.found = nothing;
	o.arg = NULL;
	o.n = 0;
	for (i = 0; dirs[i]; i++)
		walk(dirs[i], 0, own_dir, &o);
	strv_free(dirnames);
	return o.n;
}

/* The log beside the database, swept (or read again) like a file of the folders. */
static void sweep_log(struct sweep *sw, const char *log)
{
	struct stat st;
	if (lstat(log, &st) == 0 && S_ISREG(st.st_mode)) {
		sw->out = log;
		sweep_file(sw, log, &st);
	}
}

/* The pages that named them written again, the other files without them. */
static int sweep_outputs(struct store *s, char **dirs, struct sweep *sw, const char *today,
			 struct patient_erase_result *r, struct error *err)
{
	size_t i;
	for (i = 0; dirs[i]; i++) {
		sw->out = dirs[i];
		walk(dirs[i], 0, sweep_file, sw);
		if (sw->failed || rewrite_pages(s, sw, today, &r->pages_rewritten, err) < 0)
			return -1;
		if ((sw->nalert || sw->nindex || sw->top_index || sw->clinic) &&
		    store_audit_add(s, "report", NULL, "pages written again after an erase", dirs[i],
				    err) < 0)
			return -1;
		sweep_release(sw);
	}
	return 0;
}

/* Everything read again: nothing may name them now (r->left lists what does). */
static void verify_outputs(char **dirs, struct sweep *sw, const char *log,
			   struct patient_erase_result *r)
{
	size_t i;
	sw->verify = 1;
	for (i = 0; dirs[i]; i++) {
		sw->out = dirs[i];
		walk(dirs[i], 0, sweep_file, sw);
	}
	sweep_log(sw, log);
	r->left = sw->left;
	sw->left = NULL;
}

int patient_erase(struct store *s, const char *db_path, char *const *pids, const char *detail,
		  const char *today, struct patient_erase_result *r, struct error *err)
{
	struct who w = { pids, NULL };
	struct sweep sw;
	char **dirs = NULL, *log = xasprintf("%s.log", db_path);
	size_t n;
	int ret = -1;
	memset(r, 0, sizeof(*r));
	memset(&sw, 0, sizeof(sw));
	for (n = 0; pids[n]; n++)
		;
	dirs = store_output_dirs(s, err);
	if (!dirs || erase_rows(s, pids, n, detail, &w, err) < 0)
		goto out;
	r->folders_removed = remove_folders(dirs, pids);
	sw.w = &w;
	sw.err = err;
	if (sweep_outputs(s, dirs, &sw, today, r, err) < 0)
		goto out;
	sweep_log(&sw, log);
	if (sw.failed)
		goto out;
	r->files_scrubbed = sw.scrubbed;
	verify_outputs(dirs, &sw, log, r);
	ret = 0;
out:
	sweep_release(&sw);
	strv_free(sw.left);
	strv_free(dirs);
	strv_free(w.names);
	free(log);
	return ret;
}

void patient_erase_result_release(struct patient_erase_result *r)
{
	strv_free(r->left);
	r->left = NULL;
}
