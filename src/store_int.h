/*
 * store_int.h - what the store_*.c files share besides store.h: the
 * SQLite connection of an open store and the URI of a file.  Only store_*
 * files include it (and sqlite3.h).
 */
#ifndef SYMTREND_STORE_INT_H
#define SYMTREND_STORE_INT_H

#include <sqlite3.h>

#include "store.h"

/* The connection of an open store (borrowed). */
sqlite3 *store_sqlite(struct store *s);
/* 'path' as an SQLite URI file:...?query (caller frees). */
char *store_file_uri(const char *path, const char *query);

/* The OS user running this: the effective user's login name, else "uid N"
 * (caller frees). */
char *store_os_user(void);
/* Now, local time with its offset: 2026-03-12T02:15:07+0100. */
void store_now(char out[32]);

#endif
