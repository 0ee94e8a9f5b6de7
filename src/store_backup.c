/*
 * store_backup.c - backups of the database and their restore (store.h):
 * SQLite's online backup API, one read snapshot, a temporary name, a check
 * before the rename.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_int.h"

/* The tables a backup is counted by, in struct store_tally's order. */
static const char *const tally_sql[] = {
	"SELECT count(*) FROM patients",
	"SELECT count(*) FROM sessions",
	"SELECT count(*) FROM files",
};

static int one_int(sqlite3 *db, const char *sql, long *v)
{
	sqlite3_stmt *st = NULL;
	int rc;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*v = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* The tally of a connection: 0, or -1 (sqlite3_errmsg says why). */
static int tally_of(sqlite3 *db, struct store_tally *t)
{
	return one_int(db, tally_sql[0], &t->patients) < 0 ||
	       one_int(db, tally_sql[1], &t->sessions) < 0 ||
	       one_int(db, tally_sql[2], &t->files) < 0 ? -1 : 0;
}

static int same_tally(const struct store_tally *a, const struct store_tally *b)
{
	return a->patients == b->patients && a->sessions == b->sessions && a->files == b->files;
}

/* PRAGMA integrity_check: 0 when it says "ok", else -1 with its first line
 * (or SQLite's error) in err, about 'path'. */
static int integrity(sqlite3 *db, const char *path, struct error *err)
{
	sqlite3_stmt *st = NULL;
	int ret = -1;
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check(1)", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		if (v && !strcmp(v, "ok"))
			ret = 0;
		else
			error_set(err, ERR_INPUT, NULL, 0, "'%s' fails the integrity check: %.200s",
				  path, v ? v : "(no answer)");
	} else {
		error_set(err, ERR_INPUT, NULL, 0, "'%s' fails the integrity check: %s", path,
			  sqlite3_errmsg(db));
	}
	sqlite3_finalize(st);
	return ret;
}

static unsigned long be(const unsigned char *p, int n)
{
	unsigned long v = 0;
	int i;
	for (i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

/*
 * The file as SQLite's header describes it: an SQLite database, its size
 * what the header says (a file cut short is refused here, before SQLite
 * reads past its end as if the pages were empty).  0 or -1 with err.
 */
static int header_check(const char *path, struct error *err)
{
	unsigned char h[100];
	struct stat st;
	unsigned long psize, pages;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		error_set(err, ERR_IO, NULL, 0, "cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		error_set(err, ERR_INPUT, NULL, 0, "'%s' is not a regular file", path);
		return -1;
	}
	n = read(fd, h, sizeof(h));
	close(fd);
	if (n != (ssize_t)sizeof(h) || memcmp(h, "SQLite format 3", 16) != 0) {
		error_set(err, ERR_INPUT, NULL, 0, "'%s' is not an SQLite database", path);
		return -1;
	}
	psize = be(h + 16, 2);
	if (psize == 1)
		psize = 65536;
	pages = be(h + 28, 4);
	if (psize < 512 || (psize & (psize - 1)) != 0) {
		error_set(err, ERR_INPUT, NULL, 0, "'%s' is not an SQLite database (page size %lu)",
			  path, psize);
		return -1;
	}
	/* The header's page count holds when its change counter matches. */
	if (be(h + 92, 4) == be(h + 24, 4) && pages > 0 &&
	    (unsigned long long)st.st_size < (unsigned long long)pages * psize) {
		error_set(err, ERR_INPUT, NULL, 0, "'%s' is truncated: %lld bytes, its header "
			  "says %llu", path, (long long)st.st_size,
			  (unsigned long long)pages * psize);
		return -1;
	}
	if ((unsigned long long)st.st_size % psize != 0) {
		error_set(err, ERR_INPUT, NULL, 0, "'%s' is truncated: %lld bytes, not whole "
			  "pages of %lu", path, (long long)st.st_size, psize);
		return -1;
	}
	return 0;
}

/*
 * Opens a backup read-only (immutable: nothing is created beside it) and
 * checks it: an SQLite file whole, a symtrend database of a schema this
 * program knows, PRAGMA integrity_check.  *out open and *t its tally, or
 * -1 with err (ERR_INPUT for a file that is not a good backup).
 */
static int open_checked(const char *path, sqlite3 **out, struct store_tally *t,
			struct error *err)
{
	sqlite3 *db = NULL;
	char *uri;
	long version = -1, tables = 0;
	int rc;
	*out = NULL;
	if (header_check(path, err) < 0)
		return -1;
	uri = store_file_uri(path, "immutable=1");
	rc = sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
			     NULL);
	free(uri);
	if (rc != SQLITE_OK) {
		error_set(err, ERR_IO, NULL, 0, "cannot open '%s': %s", path,
			  db ? sqlite3_errmsg(db) : "out of memory");
		goto fail;
	}
	if (one_int(db, "PRAGMA user_version", &version) < 0) {
		error_set(err, ERR_INPUT, NULL, 0, "'%s' cannot be read as a database: %s", path,
			  sqlite3_errmsg(db));
		goto fail;
	}
	if (one_int(db, "SELECT count(*) FROM sqlite_schema WHERE type='table' AND name IN"
			" ('patients','sessions','files','config','measures')", &tables) < 0 ||
	    version < 1 || tables != 5) {
		error_set(err, ERR_INPUT, NULL, 0, "'%s' is not a symtrend database", path);
		goto fail;
	}
	if (version > STORE_SCHEMA_VERSION) {
		error_set(err, ERR_INPUT, NULL, 0, "'%s' has schema version %ld, newer than this "
			  "symtrend supports (%d)", path, version, STORE_SCHEMA_VERSION);
		goto fail;
	}
	if (integrity(db, path, err) < 0)
		goto fail;
	if (tally_of(db, t) < 0) {
		error_set(err, ERR_INPUT, NULL, 0, "'%s' cannot be counted: %s", path,
			  sqlite3_errmsg(db));
		goto fail;
	}
	*out = db;
	return 0;
fail:
	sqlite3_close_v2(db);
	return -1;
}

int store_check_backup(const char *path, struct store_tally *t, struct error *err)
{
	sqlite3 *db;
	if (open_checked(path, &db, t, err) < 0)
		return -1;
	sqlite3_close_v2(db);
	return 0;
}

/* Copies every page of src's main database into dst's; 0 or -1 with err. */
static int copy_pages(sqlite3 *dst, sqlite3 *src, const char *what, struct error *err)
{
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	int rc;
	if (!b) {
		error_set(err, ERR_IO, NULL, 0, "%s: %s", what, sqlite3_errmsg(dst));
		return -1;
	}
	rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		error_set(err, ERR_IO, NULL, 0, "%s: %s", what,
			  rc == SQLITE_FULL ? "disk full" : sqlite3_errmsg(dst));
		return -1;
	}
	return 0;
}

/* The copy in the temporary file 'tmp', made from one snapshot of s and
 * checked against that snapshot's tally; 0 or -1 with err. */
static int backup_into(struct store *s, const char *tmp, const char *dest,
		       struct store_tally *t, struct error *err)
{
	sqlite3 *src = store_sqlite(s), *db = NULL;
	struct store_tally got = { 0, 0, 0 };
	int ret = -1;
	char *what = xasprintf("cannot write backup '%s'", dest);
	if (sqlite3_open_v2(tmp, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		error_set(err, ERR_IO, NULL, 0, "%s: %s", what, db ? sqlite3_errmsg(db) : "no memory");
		goto out;
	}
	sqlite3_extended_result_codes(db, 0);
	/* No journal for a file nobody else sees: it is synced once, whole. */
	sqlite3_exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF", NULL, NULL, NULL);
	/* One read transaction: the tally and the pages of the same snapshot. */
	if (sqlite3_exec(src, "BEGIN", NULL, NULL, NULL) != SQLITE_OK || tally_of(src, t) < 0) {
		error_set(err, ERR_IO, NULL, 0, "database '%s': cannot read it: %s", store_path(s),
			  sqlite3_errmsg(src));
		sqlite3_exec(src, "ROLLBACK", NULL, NULL, NULL);
		goto out;
	}
	ret = copy_pages(db, src, what, err);
	sqlite3_exec(src, "COMMIT", NULL, NULL, NULL);
	if (ret < 0)
		goto out;
	ret = -1;
	/* A single file, as a backup is copied and kept: no -wal beside it. */
	if (sqlite3_exec(db, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK) {
		error_set(err, ERR_IO, NULL, 0, "%s: %s", what, sqlite3_errmsg(db));
		goto out;
	}
	if (integrity(db, dest, err) < 0)
		goto out;
	if (tally_of(db, &got) < 0 || !same_tally(&got, t)) {
		error_set(err, ERR_IO, NULL, 0, "backup '%s' does not hold what the database holds "
			  "(%ld patients, %ld sessions, %ld files; the copy %ld, %ld, %ld)", dest,
			  t->patients, t->sessions, t->files, got.patients, got.sessions, got.files);
		goto out;
	}
	ret = 0;
out:
	if (db && sqlite3_close(db) != SQLITE_OK && ret == 0) {
		error_set(err, ERR_IO, NULL, 0, "%s: %s", what, sqlite3_errmsg(db));
		ret = -1;
	}
	free(what);
	return ret;
}

int store_backup(struct store *s, const char *dest, struct store_tally *t, struct error *err)
{
	struct outfile of;
	struct store_tally dummy;
	if (!t)
		t = &dummy;
	if (outfile_open(&of, dest, err) < 0)
		return -1;
	if (backup_into(s, of.tmp, dest, t, err) < 0) {
		outfile_abort(&of);
		return -1;
	}
	/* The file synced, renamed, its folder synced. */
	return outfile_commit(&of, err);
}

int store_restore(struct store *s, const char *path, struct store_tally *t, struct error *err)
{
	sqlite3 *src = NULL, *db = store_sqlite(s);
	struct store_tally got = { 0, 0, 0 };
	char *what = NULL;
	int ret = -1;
	if (open_checked(path, &src, t, err) < 0)
		return -1;
	what = xasprintf("cannot restore '%s' into '%s'", path, store_path(s));
	if (copy_pages(db, src, what, err) < 0)
		goto out;
	if (integrity(db, store_path(s), err) < 0)
		goto out;
	if (tally_of(db, &got) < 0 || !same_tally(&got, t)) {
		error_set(err, ERR_IO, NULL, 0, "%s: the counts differ after the copy", what);
		goto out;
	}
	ret = 0;
out:
	free(what);
	sqlite3_close_v2(src);
	return ret;
}
