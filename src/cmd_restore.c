/*
 * cmd_restore.c - 'symtrend restore FILE': the database replaced by a
 * verified backup, the replaced one kept as DB.before-restore.
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "nightly.h"

static int same_file(const char *a, const char *b)
{
	struct stat x, y;
	return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev &&
	       x.st_ino == y.st_ino;
}

/* The restore recorded in the audit log of the restored database. */
static int audit_restore(struct store *s, const char *file, const struct store_tally *t,
			 int kept, struct error *err)
{
	char *detail = xasprintf("from '%s': %ld patients, %ld sessions, %ld files%s", file,
				 t->patients, t->sessions, t->files,
				 kept ? "; the replaced database kept as DB.before-restore" : "");
	int a = store_audit_add(s, "restore", NULL, detail, NULL, err);
	free(detail);
	return a;
}

static void say_restored(const char *file, const struct store_tally *t, const char *before,
			 const struct store_tally *old)
{
	printf("restore: '%s' restored: %ld patients, %ld sessions, %ld files", file, t->patients,
	       t->sessions, t->files);
	if (before) {
		char *b = str_escaped(before);
		printf("; the replaced database (%ld patients, %ld sessions, %ld files) kept as '%s'",
		       old->patients, old->sessions, old->files, b);
		free(b);
	}
	putchar('\n');
}

static int cmd_restore(struct cmd_ctx *ctx, void *opts, int argc, char **argv)
{
	struct store_tally t, old = { 0, 0, 0 };
	struct error err = ERROR_INIT;
	struct store *s = NULL;
	char *before = NULL, *file = NULL;
	int lock = -1, rc = EXIT_FAILURE_IO, existed;
	(void)opts;
	if (argc != 1)
		return cmd_usage(&cmd_restore_entry, "which backup? FILE is required");
	if (same_file(argv[0], ctx->db_path))
		return cmd_usage(&cmd_restore_entry, "'%s' is the database itself", argv[0]);
	/* Refused before anything is touched. */
	if (store_check_backup(argv[0], &t, &err) < 0)
		return cmd_error_in("restore refused, the database untouched", &err);
	if (nightly_lock(ctx->db_path, &lock, &err) < 0)
		goto fail;
	existed = access(ctx->db_path, F_OK) == 0;
	if (store_open(ctx->db_path, STORE_WRITE | STORE_CREATE, &s, &err) < 0)
		goto fail;
	if (existed) {
		before = xasprintf("%s.before-restore", ctx->db_path);
		if (store_backup(s, before, &old, &err) < 0)
			goto fail;
	}
	if (store_restore(s, argv[0], &t, &err) < 0)
		goto fail;
	/* Opened again: an older backup's schema is migrated forward. */
	store_free(s);
	s = NULL;
	file = str_escaped(argv[0]);
	if (store_open(ctx->db_path, STORE_WRITE, &s, &err) < 0 ||
	    audit_restore(s, file, &t, before != NULL, &err) < 0)
		goto fail;
	say_restored(file, &t, before, &old);
	rc = EXIT_OK;
	goto out;
fail:
	rc = cmd_error_in("restore", &err);
out:
	store_free(s);
	if (lock >= 0)
		close(lock);
	free(before);
	free(file);
	return rc;
}

const struct cmd_entry cmd_restore_entry = {
	.name = "restore",
	.usage = "restore FILE",
	.summary = "replace the database with a verified backup",
	.max_args = 1,
	.help = "FILE is checked first: an SQLite file as long as its header says, a\n"
		"symtrend database, PRAGMA integrity_check ok; a file that fails is\n"
		"refused and nothing is touched (exit 1).  The database is then copied\n"
		"whole to DB.before-restore (verified, replacing an earlier one), and\n"
		"FILE's pages replace the database's in one transaction.  Holds DB.lock,\n"
		"so no nightly run works meanwhile.\n",
	.flags = 0,
	.exec = cmd_restore,
};
