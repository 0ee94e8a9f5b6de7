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
	/* Named an ASCII-compatible encoding (not UTF-8): its ASCII is passed on
	 * as it is until the first other byte decides between UTF-8 and it. */
	int deciding;
	int guard;           /* decided for the named one: UTF-8 in it is refused */
	char named[40];      /* that encoding, when the file turned out UTF-8 */
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

/* A byte-order mark decides the encoding, whatever the caller said; 1 when there is one. */
static int take_bom(struct decoder *d)
{
	const unsigned char *s = (const unsigned char *)d->raw;
	size_t n = d->rfill;
	if (n >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf) {
		set_encoding(d, "UTF-8");
		d->rpos = 3;
	} else if (n >= 4 && s[0] == 0xff && s[1] == 0xfe && !s[2] && !s[3]) {
		set_encoding(d, "UTF-32LE");
		d->rpos = 4;
	} else if (n >= 4 && !s[0] && !s[1] && s[2] == 0xfe && s[3] == 0xff) {
		set_encoding(d, "UTF-32BE");
		d->rpos = 4;
	} else if (n >= 2 && s[0] == 0xff && s[1] == 0xfe) {
		set_encoding(d, "UTF-16LE");
		d->rpos = 2;
	} else if (n >= 2 && s[0] == 0xfe && s[1] == 0xff) {
		set_encoding(d, "UTF-16BE");
		d->rpos = 2;
	} else {
		return 0;
	}
	return 1;
}

/* Offset in the file of raw[rpos + k]. */
static unsigned long long at_offset(const struct decoder *d, size_t k)
{
	return d->offset - (d->rfill - d->rpos) + k;
}

static void invalid(struct decoder *d, struct error *e, size_t k, int truncated)
{
	char why[160] = "";
	if (d->named[0])
		snprintf(why, sizeof(why), " (read as UTF-8: its first characters beyond ASCII "
			 "were UTF-8, though %s was named; a file mixing the two is refused)",
			 d->named);
	if (truncated)
		error_set(e, ERR_INPUT, d->path, 0,
			  "not valid %s%s: the file ends inside a character; %s", d->enc, why, hint);
	else
		error_set(e, ERR_INPUT, d->path, 0,
			  "not valid %s%s (byte 0x%02x at offset %llu); %s", d->enc, why,
			  (unsigned char)d->raw[d->rpos + k], at_offset(d, k), hint);
}

/*
 * Named encoding, ASCII so far: ASCII bytes are the same in both and are
 * passed on.  At the first other byte: a valid multi-byte UTF-8 character
 * there makes the file UTF-8 (LibreOffice's default CSV in a clinic whose
 * input_encoding is WINDOWS-1252: decoded again it would be stored as
 * "MÃ¼ller"); anything else is the named encoding.  Decided once, never
 * decoded twice; a later byte invalid in the choice refuses the file.
 * Returns the ASCII bytes given, 0 when decided (or at the end), -1.
 */
static ssize_t read_deciding(struct decoder *d, char *out, size_t cap, struct error *err)
{
	for (;;) {
		const unsigned char *s = (const unsigned char *)d->raw + d->rpos;
		size_t avail = d->rfill - d->rpos, k = 0;
		int tail;
		if (avail < 4 && !d->eof) {
			if (fill_raw(d, err) < 0)
				return -1;
			continue;
		}
		while (k < avail && k < cap && s[k] < 0x80)
			k++;
		if (k) {
			memcpy(out, s, k);
			d->rpos += k;
			return (ssize_t)k;
		}
		d->deciding = 0;
		if (avail && utf8_prefix(s, avail < 4 ? avail : 4, &tail) > 0) {
			snprintf(d->named, sizeof(d->named), "%s", d->enc);
			set_encoding(d, "UTF-8");
		} else {
			d->guard = 1;
		}
		return 0;
	}
}

/* 'enc' is one byte a character with ASCII as ASCII (WINDOWS-1252,
 * ISO-8859-x): iconv gives ASCII back, and 0xe4 alone is a character. */
static int single_byte_ascii(const char *enc)
{
	char in[] = "Az09,;\t\n\"\xe4", outb[32], *ip = in, *op = outb;
	size_t il = sizeof(in) - 1, ol = sizeof(outb);
	iconv_t cd = iconv_open("UTF-8", enc);
	int ok;
	if (cd == NO_ICONV)
		return 0;
	ok = iconv(cd, &ip, &il, &op, &ol) != (size_t)-1 && il == 0 &&
	     (size_t)(op - outb) >= sizeof(in) - 1 && !memcmp(outb, in, sizeof(in) - 2);
	iconv_close(cd);
	return ok;
}

/* Where in s[0..n) a multi-byte UTF-8 character starts, or n. */
static size_t first_utf8_char(const unsigned char *s, size_t n)
{
	size_t i;
	int tail;
	for (i = 0; i < n; i++)
		if (s[i] >= 0xc2 && s[i] <= 0xf4 && utf8_prefix(s + i, n - i < 4 ? n - i : 4, &tail))
			return i;
	return n;
}

/*
 * No BOM: a text in UTF-16 or UTF-32 still shows its zero bytes, since a
 * header line is ASCII ("p\0a\0t\0" is UTF-16LE).  Told from the first
 * eight bytes: four ASCII characters of UTF-32, or four of UTF-16.
 */
static const char *wide_without_bom(const unsigned char *s, size_t n)
{
	if (n < 8)
		return NULL;
	if (s[0] && !s[1] && !s[2] && !s[3] && s[4] && !s[5] && !s[6] && !s[7])
		return "UTF-32LE";
	if (!s[0] && !s[1] && !s[2] && s[3] && !s[4] && !s[5] && !s[6] && s[7])
		return "UTF-32BE";
	if (s[0] && !s[1] && s[2] && !s[3] && s[4] && !s[5] && s[6] && !s[7])
		return "UTF-16LE";
	if (!s[0] && s[1] && !s[2] && s[3] && !s[4] && s[5] && !s[6] && s[7])
		return "UTF-16BE";
	return NULL;
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
		if (d->guard) { /* a UTF-8 character: the file mixes the two */
			size_t m = first_utf8_char((const unsigned char *)in, avail);
			if (m == 0) {
				error_set(err, ERR_INPUT, d->path, 0,
					  "mixes %s and UTF-8: the bytes at offset %llu are a UTF-8 "
					  "character (refused, never stored garbled); save the file "
					  "in one encoding", d->enc, at_offset(d, 0));
				return -1;
			}
			avail = m;
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
		if (!take_bom(d)) {
			const char *wide = NULL;
			int single = d->cd != NO_ICONV && single_byte_ascii(d->enc);
			if (d->cd == NO_ICONV || single)
				wide = wide_without_bom((const unsigned char *)d->raw, d->rfill);
			if (wide)
				set_encoding(d, wide);
			else
				d->deciding = single;
		}
	}
	if (d->deciding) {
		ssize_t n = read_deciding(d, out, cap, err);
		if (n != 0 || d->rpos == d->rfill)
			return n;
	}
	return d->cd == NO_ICONV ? read_utf8(d, out, cap, err) : read_iconv(d, out, cap, err);
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
