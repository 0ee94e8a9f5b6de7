/*
 * decode.h - a text file as a stream of UTF-8 bytes, whatever encoding a
 * spreadsheet wrote it in.
 *
 * Owns the encoding rules of CONTRACT.md ("Session CSV (input)"): a BOM
 * decides (UTF-8, UTF-16 LE or BE); without one the file is UTF-8 unless
 * the caller names another encoding (--encoding, input_encoding), which the
 * C library's iconv converts.  A byte sequence that is not valid in the
 * encoding is an error naming the encoding and the option: nothing is ever
 * passed on garbled.  The SHA-256 is of the bytes as stored on disk.
 * Memory is two fixed buffers, whatever the file size.
 */
#ifndef SYMTREND_DECODE_H
#define SYMTREND_DECODE_H

#include <stdio.h>
#include <sys/types.h>

#include "util.h"

#define DECODE_CHUNK 65536

struct decoder;

/*
 * Reads 'fp' (named 'path' in messages) in 'encoding', NULL or "" meaning
 * UTF-8.  Returns NULL with 'err' filled (ERR_USAGE) when iconv does not
 * know the encoding.  The decoder does not close 'fp'.
 */
struct decoder *decoder_new(FILE *fp, const char *path, const char *encoding,
			    struct error *err);
/*
 * Fills 'out' with up to 'cap' (>= 16) bytes of UTF-8.  Returns the count,
 * 0 at the end of the file, -1 on a read error or invalid input ('err'
 * filled; its line is 0: the caller knows the line it had reached).  The
 * valid bytes before an invalid sequence are returned first.
 */
ssize_t decoder_read(struct decoder *d, char *out, size_t cap, struct error *err);
/* Bytes of the file read so far. */
unsigned long long decoder_offset(const struct decoder *d);
/* After the end of the file: SHA-256 (hex) of every byte read. */
const char *decoder_sha256(struct decoder *d);
void decoder_free(struct decoder *d);

/* 0 when 'name' is an encoding iconv converts to UTF-8, else -1 ('err' says why). */
int decode_check_encoding(const char *name, struct error *err);

#endif
