/*
 * backup.c - the night's backup and its rotation (see backup.h).
 */
#include "backup.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PREFIX "symtrend-"
#define SUFFIX ".db"
#define NAME_LEN (sizeof(PREFIX) - 1 + 10 + sizeof(SUFFIX) - 1)

/* The week (Monday to Sunday) of a day since 1970-01-01, a Thursday. */
static long week_of(long day)
{
	long d = day + 3; /* days since Monday 1969-12-29 */
	return d >= 0 ? d / 7 : -((-d + 6) / 7);
}

static int cmp_desc(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x < y) - (x > y);
}

void backup_keep(const long *days, size_t n, long keep_daily, long keep_weekly, int *keep)
{
	long *sorted = xcalloc(n ? n : 1, sizeof(*sorted));
	long weeks = 0, last_week = 0;
	size_t i, j;
	if (n)
		memcpy(sorted, days, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_desc);
	for (i = 0; i < n; i++) {
		int k = (long)i < keep_daily;
		long w = week_of(sorted[i]);
		/* newest first: the first file of a week is its newest */
		if (i == 0 || w != last_week) {
			if (weeks < keep_weekly)
				k = 1;
			weeks++;
			last_week = w;
		}
		for (j = 0; j < n; j++)
			if (days[j] == sorted[i])
				keep[j] = k;
	}
	free(sorted);
}

/* The day of a backup's name, or -1 when it is not one of ours. */
static int backup_day(const char *name, long *day)
{
	if (strlen(name) != NAME_LEN || strncmp(name, PREFIX, sizeof(PREFIX) - 1) != 0 ||
	    strcmp(name + NAME_LEN - (sizeof(SUFFIX) - 1), SUFFIX) != 0)
		return -1;
	return date_parse(name + sizeof(PREFIX) - 1, 10, day);
}

/* Temporaries of killed backups of any day: tmp_sweep of their final name. */
static void sweep(const char *dir, const char *name)
{
	const char *t = strstr(name, SUFFIX ".tmp.");
	long day;
	char *final, *path;
	if (!t || (size_t)(t - name) + sizeof(SUFFIX) - 1 != NAME_LEN)
		return;
	final = xstrndup(name, NAME_LEN);
	if (backup_day(final, &day) == 0) {
		path = xasprintf("%s/%s", dir, final);
		tmp_sweep(path);
		free(path);
	}
	free(final);
}

static int rotate(const char *dir, long keep_daily, long keep_weekly, struct backup_result *r,
		  struct error *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	long *days = NULL;
	int *keep = NULL;
	size_t n = 0, cap = 0, i;
	int ret = -1;
	if (!d) {
		error_set(err, ERR_IO, NULL, 0, "cannot read folder '%s': %s", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d))) {
		long day;
		if (backup_day(e->d_name, &day) < 0) {
			sweep(dir, e->d_name);
			continue;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			days = xrealloc(days, cap * sizeof(*days));
		}
		days[n++] = day;
	}
	closedir(d);
	keep = xcalloc(n ? n : 1, sizeof(*keep));
	backup_keep(days, n, keep_daily, keep_weekly, keep);
	for (i = 0; i < n; i++) {
		char name[11], *path;
		if (keep[i]) {
			r->kept++;
			continue;
		}
		date_format(days[i], name);
		path = xasprintf("%s/" PREFIX "%s" SUFFIX, dir, name);
		if (unlink(path) != 0 && errno != ENOENT) {
			error_set(err, ERR_IO, NULL, 0, "cannot remove old backup '%s': %s", path,
				  strerror(errno));
			free(path);
			goto out;
		}
		r->removed++;
		free(path);
	}
	ret = 0;
out:
	free(days);
	free(keep);
	return ret;
}

int backup_night(struct store *s, const char *dir, const char *day, long keep_daily,
		 long keep_weekly, struct backup_result *r, struct error *err)
{
	memset(r, 0, sizeof(*r));
	if (mkdir_private(dir) != 0) {
		error_set(err, ERR_IO, NULL, 0, "cannot create folder '%s': %s", dir,
			  strerror(errno));
		return -1;
	}
	r->path = xasprintf("%s/" PREFIX "%s" SUFFIX, dir, day);
	/* Rotation only after this night's backup is written and verified. */
	if (store_backup(s, r->path, &r->tally, err) < 0)
		return -1;
	return rotate(dir, keep_daily, keep_weekly, r, err);
}

void backup_result_release(struct backup_result *r)
{
	free(r->path);
	r->path = NULL;
}
