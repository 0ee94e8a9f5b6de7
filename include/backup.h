/*
 * backup.h - the backups of a night: BACKUP_DIR/symtrend-YYYY-MM-DD.db made
 * with store_backup (verified before it gets its name), then the older ones
 * rotated out.  Which are kept: the newest file of each of the last
 * keep_daily days that have one, and the newest of each of the last
 * keep_weekly weeks (Monday to Sunday) that have one; a file either rule
 * keeps stays.  Only files named exactly symtrend-YYYY-MM-DD.db are ever
 * removed; temporaries of killed backups (their process gone) are swept.
 */
#ifndef SYMTREND_BACKUP_H
#define SYMTREND_BACKUP_H

#include "store.h"

struct backup_result {
	char *path;               /* the backup written (caller frees via backup_result_release) */
	struct store_tally tally; /* what it holds */
	long removed, kept;       /* backups rotated out, backups left (this one included) */
};

/* 0, or -1 with err: then no backup of 'day' was written and none removed. */
int backup_night(struct store *s, const char *dir, const char *day, long keep_daily,
		 long keep_weekly, struct backup_result *r, struct error *err);
void backup_result_release(struct backup_result *r);

/*
 * The rotation alone, on the names of the backups in a folder: sets keep[i]
 * to 1 for each of the n days (days since 1970-01-01, each once, any order)
 * that the rule keeps, else 0.
 */
void backup_keep(const long *days, size_t n, long keep_daily, long keep_weekly, int *keep);

#endif
