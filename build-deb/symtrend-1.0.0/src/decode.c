/*
 * decode.c - text files in UTF-8, UTF-16 or an iconv encoding, passed on as
 * validated UTF-8.  UTF-8 input is checked, not converted (the common case
 * costs one pass over the bytes); everything else goes through iconv.  An
 * invalid sequence is reported after the valid bytes before it, so that the
 * reader can say on which line it is.
 */
#include "decode.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NO_ICONV ((iconv_t)-1)

struct decoder {
	FILE *fp;
	char *path;
	char enc[40];
	iconv_t cd;          /* NO_ICONV: UTF-8, validated only */
	char raw[DECODE_CHUNK];
	size_t rpos, rfill;
	int eof, started;
	unsigned long long offset; /* bytes read from the file */
	struct sha256 sha;
	char hex[65];
	struct error pending; /* an error found after bytes still to be returned */
};

static const char hint[] =
	"name the file's encoding with --encoding NAME or the input_encoding setting "
	"(e.g. --encoding WINDOWS-1252)";

/*
 * Length of the valid UTF-8 prefix of s[0..n).  *tail is set when the
 * prefix stops at a sequence that is valid so far but cut by the end of
 * the window (it may complete with more bytes).
 */
static size_t utf8_prefix(const unsigned char *s, size_t n, int *tail)
{
	size_t i = 0, k, len;
	*tail = 0;
	while (i < n) {
		unsigned c, lo = 0x80, hi = 0xbf;
		if (i + 8 <= n) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if (!(w & 0x8080808080808080ull)) {
				i += 8;
				continue;
			}
		}
		c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			lo = c == 0xe0 ? 0xa0 : 0x80; /* no overlong forms */
			hi = c == 0xed ? 0x9f : 0xbf; /* no surrogates */
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			lo = c == 0xf0 ? 0x90 : 0x80;
			hi = c == 0xf4 ? 0x8f : 0xbf;
		} else {
			return i;
		}
		for (k = 1; k < len; k++) {
			unsigned cc;
			if (i + k >= n) {
				*tail = 1;
				return i;
			}
			cc = s[i + k];
			if (k == 1 ? (cc < lo || cc > hi) : (cc & 0xc0) != 0x80)
				return i;
		}
		i += len;
	}
	return n;
}

static int is_utf8_name(const char *name)
{
	return !strcasecmp(name, "UTF-8") || !strcasecmp(name, "UTF8");
}

int decode_check_encoding(const char *name, struct error *err)
{
	size_t i, n = strlen(name);
	iconv_t cd;
	/* Only plain names: "//IGNORE" or "//TRANSLIT" would drop or change text. */
	for (i = 0; i < n; i++)
		if (!((name[i] >= 'A' && name[i] <= 'Z') || (name[i] >= 'a' && name[i] <= 'z') ||
		      (name[i] >= '0' && name[i] <= '9') || strchr("-_.:", name[i])))
			break;
	if (n == 0 || n > 32 || i < n) {
		error_set(err, ERR_USAGE, NULL, 0,
			  "'%.40s' is not an encoding name (e.g. WINDOWS-1252, ISO-8859-15, UTF-16LE)",
			  name);
		return -1;
	}
	if (is_utf8_name(name))
		return 0;
	cd = iconv_open("UTF-8", name);
	if (cd == NO_ICONV) {
		error_set(err, ERR_USAGE, NULL, 0,
			  "unknown encoding '%s' ('iconv -l' lists the known ones)", name);
		return -1;
	}
	iconv_close(cd);
	return 0;
}

static void set_encoding(struct decoder *d, const char *name)
{
	size_t i;
	if (d->cd != NO_ICONV)
		iconv_close(d->cd);
	d->cd = NO_ICONV;
	snprintf(d->enc, sizeof(d->enc), "%s", is_utf8_name(name) ? "UTF-8" : name);
	for (i = 0; d->enc[i]; i++)
		if (d->enc[i] >= 'a' && d->enc[i] <= 'z')
			d->enc[i] = (char)(d->enc[i] - 'a' + 'A');
	if (strcmp(d->enc, "UTF-8") != 0)
		d->cd = iconv_open("UTF-8", d->enc); /* checked by decode_check_encoding */
}

struct decoder *decoder_new(FILE *fp, const char *path, const char *encoding,
			    struct error *err)
{
	struct decoder *d;
	if (encoding && *encoding && decode_check_encoding(encoding, err) < 0)
		return NULL;
	d = xcalloc(1, sizeof(*d));
	d->fp = fp;
	d->path = xstrdup(path);
	d->cd = NO_ICONV;
	set_encoding(d, encoding && *encoding ? encoding : "UTF-8");
	if (d->cd == NO_ICONV && strcmp(d->enc, "UTF-8") != 0) {
		error_set(err, ERR_USAGE, NULL, 0, "unknown encoding '%s'", encoding);
		decoder_free(d);
		return NULL;
	}
	sha256_init(&d->sha);
	return d;
}

/* Keeps the unread bytes and reads more after them; 0, or -1 on a read error. */
static int fill_raw(struct decoder *d, struct error *err)
{
	size_t keep = d->rfill - d->rpos, n;
	memmove(d->raw, d->raw + d->rpos, keep);
	d->rpos = 0;
	d->rfill = keep;
	n = fread(d->raw + keep, 1, sizeof(d->raw) - keep, d->fp);
	if (n < sizeof(d->raw) - keep) {
		if (ferror(d->fp)) {
			error_set(err, ERR_IO, d->path, 0, "read error: %s", strerror(errno));
			return -1;
		}
		d->eof = 1;
	}
	sha256_update(&d->sha, d->raw + keep, n);
	d->offset += n;
	d->rfill += n;
	return 0;
}

/* A byte-order mark decides the encoding, whatever the caller said. */
static void take_bom(struct decoder *d)
{
	const unsigned char *s = (const unsigned char *)d->raw;
	size_t n = d->rfill;
	if (n >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf) {
		set_encoding(d, "UTF-8");
		d->rpos = 3;
	} else if (n >= 2 && s[0] == 0xff && s[1] == 0xfe) {
		set_encoding(d, "UTF-16LE");
		d->rpos = 2;
	} else if (n >= 2 && s[0] == 0xfe && s[1] == 0xff) {
		set_encoding(d, "UTF-16BE");
		d->rpos = 2;
	}
}

/* Offset in the file of raw[rpos + k]. */
static unsigned long long at_offset(const struct decoder *d, size_t k)
{
	return d->offset - (d->rfill - d->rpos) + k;
}

static void invalid(struct decoder *d, struct error *e, size_t k, int truncated)
{
	if (truncated)
		error_set(e, ERR_INPUT, d->path, 0,
			  "not valid %s: the file ends inside a character; %s", d->enc, hint);
	else
		error_set(e, ERR_INPUT, d->path, 0,
			  "not valid %s (byte 0x%02x at offset %llu); %s", d->enc,
			  (unsigned char)d->raw[d->rpos + k], at_offset(d, k), hint);
}

static ssize_t read_utf8(struct decoder *d, char *out, size_t cap, struct error *err)
{
	for (;;) {
		size_t avail = d->rfill - d->rpos, take = avail < cap ? avail : cap, v;
		int tail;
		if (avail == 0 || (avail < 4 && !d->eof)) {
			if (d->eof)
				return 0;
			if (fill_raw(d, err) < 0)
				return -1;
			continue;
		}
		v = utf8_prefix((const unsigned char *)d->raw + d->rpos, take, &tail);
		if (v == 0) {
			if (tail && !d->eof && take == avail) {
				if (fill_raw(d, err) < 0)
					return -1;
				continue;
			}
			invalid(d, err, 0, tail && d->eof && take == avail);
			return -1;
		}
		if (v < take && !(tail && take < avail) && !(tail && !d->eof))
			invalid(d, &d->pending, v, tail);
		memcpy(out, d->raw + d->rpos, v);
		d->rpos += v;
		return (ssize_t)v;
	}
}

static ssize_t read_iconv(struct decoder *d, char *out, size_t cap, struct error *err)
{
	for (;;) {
		size_t avail = d->rfill - d->rpos, left = cap, produced;
		char *in = d->raw + d->rpos, *o = out;
		size_t r;
		if (avail == 0) {
			if (d->eof)
				return 0;
			if (fill_raw(d, err) < 0)
				return -1;
			continue;
		}
		r = iconv(d->cd, &in, &avail, &o, &left);
		produced = cap - left;
		if (r != (size_t)-1 || errno == E2BIG) {
			d->rpos = (size_t)(in - d->raw);
			if (produced)
				return (ssize_t)produced;
			continue;
		}
		if (errno == EINVAL && !d->eof) {
			/* A character cut by the end of the buffer: read on. */
			d->rpos = (size_t)(in - d->raw);
			if (produced)
				return (ssize_t)produced;
			if (fill_raw(d, err) < 0)
				return -1;
			continue;
		}
		{
			size_t k = (size_t)(in - d->raw) - d->rpos;
			struct error *e = produced ? &d->pending : err;
			d->rpos += k;
			invalid(d, e, 0, errno == EINVAL);
			if (produced)
				return (ssize_t)produced;
			return -1;
		}
	}
}

ssize_t decoder_read(struct decoder *d, char *out, size_t cap, struct error *err)
{
	if (d->pending.reason) {
		error_set(err, d->pending.kind, d->pending.file, 0, "%s", d->pending.reason);
		return -1;
	}
	if (!d->started) {
		d->started = 1;
		if (fill_raw(d, err) < 0)
			return -1;
		take_bom(d);
	}
	return d->cd == NO_ICONV ? read_utf8(d, out, cap, err) : read_iconv(d, out, cap, err);
}

const char *decoder_encoding(const struct decoder *d)
{
	return d->enc;
}

unsigned long long decoder_offset(const struct decoder *d)
{
	return d->offset;
}

const char *decoder_sha256(struct decoder *d)
{
	if (!d->hex[0])
		sha256_hex(&d->sha, d->hex);
	return d->hex;
}

void decoder_free(struct decoder *d)
{
	if (!d)
		return;
	if (d->cd != NO_ICONV)
		iconv_close(d->cd);
	error_release(&d->pending);
	free(d->path);
	free(d);
}
