/*
 * util.c - allocation wrappers, strbuf, errors, SHA-256, dates, score and
 * text validation, atomic file writes.  See util.h.
 */
#include "util.h"
#include "clinic.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utf8proc.h>

void bug_at(const char *file, int line, const char *msg)
{
	fprintf(stderr, "BUG: %s:%d: %s\n", file, line, msg);
	abort();
}

static void oom(size_t n)
{
	fprintf(stderr, "symtrend: out of memory (%zu bytes)\n", n);
	exit(3); /* EXIT_FAILURE_IO of cmd.h: the one exit outside main */
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom(n * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		BUG("vsnprintf failed");
	sb.cap = (size_t)n + 1;
	sb.buf = xmalloc(sb.cap);
	va_start(ap, fmt);
	vsnprintf(sb.buf, sb.cap, fmt, ap);
	va_end(ap);
	return sb.buf;
}

void *xgrow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap;
	if (need <= c)
		return p;
	c = c ? c : 8;
	while (c < need) {
		if (c > SIZE_MAX / 2 / size)
			oom(SIZE_MAX);
		c *= 2;
	}
	*cap = c;
	return xrealloc(p, c * size);
}

#define SB_SPILL 65536

/* A buffer with somewhere to go passes on what it holds once it is big. */
static void sb_spill(struct strbuf *sb)
{
	if (sb->flush && sb->len >= SB_SPILL)
		sb_flush(sb);
}

void sb_flush(struct strbuf *sb)
{
	if (sb->flush && sb->len)
		sb->flush(sb->flush_arg, sb->buf, sb->len);
	sb_reset(sb);
}

static void to_outfile(void *arg, const char *data, size_t n)
{
	outfile_write(arg, data, n);
}

static void to_file(void *arg, const char *data, size_t n)
{
	fwrite(data, 1, n, arg); /* a failure stays in ferror(), checked by the reader */
}

void sb_to_outfile(struct strbuf *sb, struct outfile *of)
{
	sb->flush = to_outfile;
	sb->flush_arg = of;
	sb_spill(sb);
}

void sb_to_file(struct strbuf *sb, FILE *f)
{
	sb->flush = to_file;
	sb->flush_arg = f;
	sb_spill(sb);
}

void sb_add(struct strbuf *sb, const char *data, size_t n)
{
	sb->buf = xgrow(sb->buf, &sb->cap, sb->len + n + 1, 1);
	if (n)
		memcpy(sb->buf + sb->len, data, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
	sb_spill(sb);
}

void sb_adds(struct strbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

void sb_addc(struct strbuf *sb, char c)
{
	sb_add(sb, &c, 1);
}

void sb_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		BUG("vsnprintf failed");
	sb->buf = xgrow(sb->buf, &sb->cap, sb->len + (size_t)n + 1, 1);
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
	sb_spill(sb);
}

void sb_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

void sb_release(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
	sb->flush = NULL;
	sb->flush_arg = NULL;
}

char *sb_detach(struct strbuf *sb)
{
	char *p = sb->buf ? sb->buf : xstrdup("");
	sb->buf = NULL;
	sb->len = sb->cap = 0;
	return p;
}

void error_set(struct error *e, enum error_kind kind, const char *file, long line,
	       const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	int n;
	if (!e)
		return;
	error_release(e);
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		BUG("vsnprintf failed");
	sb.buf = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(sb.buf, (size_t)n + 1, fmt, ap);
	va_end(ap);
	e->reason = sb.buf;
	e->file = file ? xstrdup(file) : NULL;
	e->line = line;
	e->kind = kind;
}

void error_release(struct error *e)
{
	free(e->file);
	free(e->reason);
	e->file = e->reason = NULL;
	e->line = 0;
	e->kind = ERR_NONE;
}

char *error_format(const struct error *e)
{
	/* Messages carry names from files and folders: one line, nothing raw. */
	struct strbuf sb = STRBUF_INIT;
	if (e->file) {
		sb_add_escaped(&sb, e->file);
		if (e->line > 0)
			sb_addf(&sb, ":%ld", e->line);
		sb_adds(&sb, ": ");
	}
	sb_add_escaped(&sb, e->reason ? e->reason : "unknown error");
	return sb_detach(&sb);
}

/* SHA-256 as FIPS 180-4 specifies it. */
static const uint32_t sha_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(struct sha256 *s, const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, h;
	int i;
	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * (size_t)i] << 24 | (uint32_t)p[4 * (size_t)i + 1] << 16 |
		       (uint32_t)p[4 * (size_t)i + 2] << 8 | (uint32_t)p[4 * (size_t)i + 3];
	for (i = 16; i < 64; i++) {
		uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = s->h[0]; b = s->h[1]; c = s->h[2]; d = s->h[3];
	e = s->h[4]; f = s->h[5]; g = s->h[6]; h = s->h[7];
	for (i = 0; i < 64; i++) {
		uint32_t t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) +
			      ((e & f) ^ (~e & g)) + sha_k[i] + w[i];
		uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) +
			      ((a & b) ^ (a & c) ^ (b & c));
		h = g; g = f; f = e; e = d + t1;
		d = c; c = b; b = a; a = t1 + t2;
	}
	s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d;
	s->h[4] += e; s->h[5] += f; s->h[6] += g; s->h[7] += h;
}

void sha256_init(struct sha256 *s)
{
	static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372,
					0xa54ff53a, 0x510e527f, 0x9b05688c,
					0x1f83d9ab, 0x5be0cd19 };
	memcpy(s->h, iv, sizeof(iv));
	s->len = 0;
	s->fill = 0;
}

void sha256_update(struct sha256 *s, const void *data, size_t n)
{
	const unsigned char *p = data;
	s->len += n;
	if (s->fill) {
		size_t take = 64 - s->fill < n ? 64 - s->fill : n;
		memcpy(s->block + s->fill, p, take);
		s->fill += take;
		p += take;
		n -= take;
		if (s->fill < 64)
			return;
		sha256_block(s, s->block);
		s->fill = 0;
	}
	for (; n >= 64; p += 64, n -= 64)
		sha256_block(s, p);
	memcpy(s->block, p, n);
	s->fill = n;
}

void sha256_hex(struct sha256 *s, char out[65])
{
	uint64_t bits = s->len * 8;
	unsigned char tail[128];
	size_t n = s->fill < 56 ? 64 : 128;
	int i;
	memset(tail, 0, sizeof(tail));
	memcpy(tail, s->block, s->fill);
	tail[s->fill] = 0x80;
	for (i = 0; i < 8; i++)
		tail[n - 8 + (size_t)i] = (unsigned char)(bits >> (56 - 8 * i));
	sha256_block(s, tail);
	if (n == 128)
		sha256_block(s, tail + 64);
	for (i = 0; i < 8; i++)
		snprintf(out + 8 * (size_t)i, 9, "%08x", (unsigned)s->h[i]);
}

/* The digest as 32 bytes. */
static void sha256_raw(struct sha256 *s, unsigned char out[32])
{
	char hex[65];
	int i;
	sha256_hex(s, hex);
	for (i = 0; i < 32; i++) {
		unsigned v = 0;
		int k;
		for (k = 0; k < 2; k++) {
			char c = hex[2 * i + k];
			v = v * 16 + (unsigned)(c <= '9' ? c - '0' : c - 'a' + 10);
		}
		out[i] = (unsigned char)v;
	}
}

void hmac_sha256_hex(const void *key, size_t klen, const void *msg, size_t n, char out[65])
{
	unsigned char k[64], pad[64], inner[32];
	struct sha256 h;
	size_t i;
	memset(k, 0, sizeof(k));
	if (klen > sizeof(k)) {
		sha256_init(&h);
		sha256_update(&h, key, klen);
		sha256_raw(&h, k);
	} else if (klen) {
		memcpy(k, key, klen);
	}
	for (i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x36;
	sha256_init(&h);
	sha256_update(&h, pad, sizeof(pad));
	sha256_update(&h, msg, n);
	sha256_raw(&h, inner);
	for (i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x5c;
	sha256_init(&h);
	sha256_update(&h, pad, sizeof(pad));
	sha256_update(&h, inner, sizeof(inner));
	sha256_hex(&h, out);
}

int read_file(const char *path, struct strbuf *out)
{
	char buf[65536];
	size_t n;
	int bad, saved;
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_add(out, buf, n);
	bad = ferror(f);
	saved = errno;
	fclose(f);
	if (bad) {
		errno = saved;
		return -1;
	}
	return 0;
}

int sha256_stream(FILE *f, char out[65])
{
	struct sha256 h;
	char buf[65536];
	size_t n;
	sha256_init(&h);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sha256_update(&h, buf, n);
	if (ferror(f) || fseek(f, 0, SEEK_SET) != 0)
		return -1;
	sha256_hex(&h, out);
	return 0;
}

static int is_leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from civil date, proleptic Gregorian (Howard Hinnant's algorithm). */
static long days_from_civil(long y, long m, long d)
{
	long era, yoe, doy, doe;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int date_parse(const char *s, size_t n, long *days)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	long y, m, d;
	size_t i;
	if (n != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1900 || m < 1 || m > 12 || d < 1)
		return -1;
	if (d > mdays[m - 1] + (m == 2 && is_leap(y)))
		return -1;
	*days = days_from_civil(y, m, d);
	return 0;
}

void date_format(long z, char out[11])
{
	long era, doe, yoe, y, doy, mp, d, m;
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp + (mp < 10 ? 3 : -9);
	y += m <= 2;
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)d % 100u);
}

int score_parse(const char *s, size_t n, double *v)
{
	size_t i, digits = 0, frac = 0;
	int dot = 0;
	double x = 0, scale = 1;
	if (n == 0 || n > 32)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			if (dot) {
				scale /= 10;
				x += (s[i] - '0') * scale;
				frac++;
			} else {
				x = x * 10 + (s[i] - '0');
				digits++;
			}
		} else if (s[i] == '.' && !dot) {
			dot = 1;
		} else {
			return -1;
		}
	}
	/* More decimals than a double keeps exactly would change the value. */
	if (digits == 0 || (dot && frac == 0) || frac > 6)
		return -1;
	if (dot) {
		/* Exact decimal rounding: strtod of a validated string. */
		char tmp[40];
		memcpy(tmp, s, n);
		tmp[n] = '\0';
		x = strtod(tmp, NULL);
	}
	if (x > CLINIC_SCORE_MAX)
		return -2;
	*v = x;
	return 0;
}

int text_is_clean(const char *s, size_t n, int allow_newlines)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f) {
				if (!(allow_newlines &&
				      (c == '\n' || c == '\r' || c == '\t')))
					return 0;
			}
			i++;
			continue;
		}
		{
			size_t len, k;
			uint32_t cp;
			if (c >= 0xc2 && c <= 0xdf) { len = 2; cp = c & 0x1f; }
			else if (c >= 0xe0 && c <= 0xef) { len = 3; cp = c & 0x0f; }
			else if (c >= 0xf0 && c <= 0xf4) { len = 4; cp = c & 0x07; }
			else return 0;
			if (i + len > n)
				return 0;
			for (k = 1; k < len; k++) {
				unsigned char cc = (unsigned char)s[i + k];
				if ((cc & 0xc0) != 0x80)
					return 0;
				cp = cp << 6 | (cc & 0x3f);
			}
			if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
			    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
				return 0;
			/* C1 controls are as dangerous as C0 in a terminal. */
			if (cp >= 0x80 && cp < 0xa0)
				return 0;
			i += len;
		}
	}
	return 1;
}

static int is_bidi_control(int bc)
{
	switch (bc) {
	case UTF8PROC_BIDI_CLASS_LRE: case UTF8PROC_BIDI_CLASS_LRO:
	case UTF8PROC_BIDI_CLASS_RLE: case UTF8PROC_BIDI_CLASS_RLO:
	case UTF8PROC_BIDI_CLASS_PDF: case UTF8PROC_BIDI_CLASS_LRI:
	case UTF8PROC_BIDI_CLASS_RLI: case UTF8PROC_BIDI_CLASS_FSI:
	case UTF8PROC_BIDI_CLASS_PDI:
		return 1;
	default:
		return 0;
	}
}

/* Which of 'flags' code point c is (0: none). */
static int text_class(utf8proc_int32_t c, int flags)
{
	const utf8proc_property_t *p = utf8proc_get_property(c);
	if ((flags & TEXT_BIDI) && is_bidi_control(p->bidi_class))
		return TEXT_BIDI;
	if ((flags & TEXT_SPACES) && c != 0x20 &&
	    (p->category == UTF8PROC_CATEGORY_ZS || p->category == UTF8PROC_CATEGORY_ZL ||
	     p->category == UTF8PROC_CATEGORY_ZP))
		return TEXT_SPACES;
	if ((flags & TEXT_INVISIBLE) && (p->category == UTF8PROC_CATEGORY_CF || p->ignorable) &&
	    !((flags & TEXT_JOINERS_OK) && (c == 0x200c || c == 0x200d)))
		return TEXT_INVISIBLE;
	return 0;
}

int text_check(const char *s, size_t n, int flags, long *cp)
{
	size_t i = 0;
	while (i < n) {
		utf8proc_int32_t c;
		utf8proc_ssize_t len;
		int k;
		if ((unsigned char)s[i] < 0x80) {
			i++; /* ASCII has none of them */
			continue;
		}
		len = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &c);
		if (len <= 0)
			return 0; /* not valid UTF-8: text_is_clean's to say */
		if ((k = text_class(c, flags)) != 0) {
			*cp = c;
			return k;
		}
		i += (size_t)len;
	}
	return 0;
}

char *text_nfkc(const char *s, size_t n)
{
	utf8proc_uint8_t *out = NULL;
	utf8proc_ssize_t len;
	size_t i;
	char *r;
	for (i = 0; i < n && (unsigned char)s[i] < 0x80; i++)
		;
	if (i == n)
		return xstrndup(s, n);
	len = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &out,
			   UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_REJECTNA);
	if (len < 0)
		return NULL;
	r = xstrndup((const char *)out, (size_t)len);
	free(out);
	return r;
}

/* Columns one character at s (n bytes left) takes, and its length in *len. */
static int char_width(const char *s, size_t n, size_t *len)
{
	utf8proc_int32_t c;
	utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &c);
	if (k <= 0) { /* not UTF-8: one byte, one column (never seen: text is checked) */
		*len = 1;
		return 1;
	}
	*len = (size_t)k;
	return c < 0x20 ? 0 : utf8proc_charwidth(c);
}

size_t utf8_width(const char *s, size_t n)
{
	size_t i = 0, w = 0, len;
	while (i < n) {
		w += (size_t)char_width(s + i, n - i, &len);
		i += len;
	}
	return w;
}

size_t utf8_fit(const char *s, size_t n, size_t width)
{
	size_t i = 0, w = 0, len;
	while (i < n) {
		size_t cw = (size_t)char_width(s + i, n - i, &len);
		if (w + cw > width)
			break;
		w += cw;
		i += len;
	}
	return i;
}

size_t utf8_len(const char *s, size_t n)
{
	size_t i, c = 0;
	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

/* Length of the valid UTF-8 character at 's' and its code point, or 0. */
static size_t utf8_char(const unsigned char *s, unsigned *cp)
{
	size_t n, i;
	unsigned c = s[0], min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, c &= 0x1f, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, c &= 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, c &= 0x07, min = 0x10000;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* Characters that are invisible yet move, hide or break text. */
static int invisible(unsigned cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0xad || cp == 0x61c ||
	       (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2060 && cp <= 0x2069) || cp == 0xfeff;
}

void sb_add_escaped(struct strbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	while (*p) {
		unsigned cp;
		size_t n = utf8_char(p, &cp);
		if (n == 0) {
			sb_addf(sb, "\\x%02x", *p++);
			continue;
		}
		if (cp == '\\')
			sb_adds(sb, "\\\\");
		else if (cp == '\n')
			sb_adds(sb, "\\n");
		else if (cp == '\t')
			sb_adds(sb, "\\t");
		else if (cp == '\r')
			sb_adds(sb, "\\r");
		else if (cp < 0x20 || cp == 0x7f)
			sb_addf(sb, "\\x%02x", cp);
		else if (invisible(cp))
			sb_addf(sb, "\\u%04x", cp);
		else
			sb_add(sb, (const char *)p, n);
		p += n;
	}
}

char *str_escaped(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	sb_add_escaped(&sb, s);
	return sb_detach(&sb);
}

/* The folder that holds 'path' (caller frees). */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
}

int fsync_dir_of(const char *path)
{
	char *dir = dir_of(path);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc, e;
	free(dir);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	e = errno;
	close(fd);
	errno = e;
	return rc;
}

void tmp_sweep(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = dir_of(path);
	char *prefix = xasprintf("%s.tmp.", slash ? slash + 1 : path);
	size_t plen = strlen(prefix);
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		char *end;
		long pid;
		if (strncmp(e->d_name, prefix, plen) != 0)
			continue;
		pid = strtol(e->d_name + plen, &end, 10);
		if (end == e->d_name + plen || *end != '-' || pid <= 0 || pid == (long)getpid())
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue; /* its writer still runs (or is another user's) */
		unlinkat(dirfd(d), e->d_name, 0);
	}
	if (d)
		closedir(d);
	free(dir);
	free(prefix);
}

/*
 * A new temporary file beside 'path', as mkstemp makes it:
 * 'path.tmp.PID-XXXXXX', created exclusively (never an existing file or a
 * link) with mode 0600, so writers of one path at once never share it.
 * Returns the descriptor and sets *tmp (caller frees), or -1 with errno.
 */
static int tmp_create(const char *path, char **tmp)
{
	int fd, e;
	tmp_sweep(path);
	*tmp = xasprintf("%s.tmp.%ld-XXXXXX", path, (long)getpid());
	fd = mkostemp(*tmp, O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		free(*tmp);
		*tmp = xasprintf("%s.tmp.%ld-XXXXXX", path, (long)getpid());
		errno = e;
	}
	return fd;
}

FILE *tmp_spool(const char *path, struct error *err)
{
	char *tmp;
	int fd = tmp_create(path, &tmp);
	FILE *f;
	if (fd < 0) {
		error_set(err, ERR_IO, NULL, 0, "cannot create '%s': %s", tmp, strerror(errno));
		free(tmp);
		return NULL;
	}
	unlink(tmp);
	free(tmp);
	f = fdopen(fd, "w+");
	if (!f) {
		error_set(err, ERR_IO, NULL, 0, "cannot open a scratch file beside '%s': %s", path,
			  strerror(errno));
		close(fd);
	}
	return f;
}

int write_file_atomic(const char *path, const char *data, size_t n,
		      struct error *err)
{
	char *tmp;
	int fd, ret = -1;
	size_t off = 0;
	fd = tmp_create(path, &tmp);
	if (fd < 0) {
		error_set(err, ERR_IO, NULL, 0, "cannot create '%s': %s",
			  tmp, strerror(errno));
		goto out;
	}
	while (off < n) {
		ssize_t w = write(fd, data + off, n - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			error_set(err, ERR_IO, NULL, 0,
				  "cannot write '%s': %s", tmp, strerror(errno));
			close(fd);
			unlink(tmp);
			goto out;
		}
		off += (size_t)w;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		error_set(err, ERR_IO, NULL, 0, "cannot write '%s': %s",
			  tmp, strerror(errno));
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, path) != 0) {
		error_set(err, ERR_IO, NULL, 0,
			  "cannot rename '%s' to '%s': %s", tmp, path,
			  strerror(errno));
		unlink(tmp);
		goto out;
	}
	ret = 0;
out:
	free(tmp);
	return ret;
}

int mkdir_p(const char *path)
{
	char *p = xstrdup(path), *s;
	int ret = 0;
	for (s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;
			*s = '\0';
			if (mkdir(p, 0700) != 0 && errno != EEXIST) {
				ret = -1;
				break;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	free(p);
	return ret;
}

int mkdir_private(const char *path)
{
	struct stat st;
	int fd, ret = -1;
	if (mkdir_p(path) != 0)
		return -1;
	if (lstat(path, &st) != 0)
		return -1;
	if (S_ISLNK(st.st_mode)) {
		/* Replaced, never followed: the link goes, its target stays as it is. */
		if (unlink(path) != 0 || mkdir(path, 0700) != 0)
			return -1;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1; /* ENOTDIR, or ELOOP when a link came back */
	if (fstat(fd, &st) == 0 && (st.st_mode & 07777) != 0700 && fchmod(fd, 0700) != 0)
		goto out;
	ret = 0;
out:
	close(fd);
	return ret;
}

void html_escape(struct strbuf *sb, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': sb_adds(sb, "&amp;"); break;
		case '<': sb_adds(sb, "&lt;"); break;
		case '>': sb_adds(sb, "&gt;"); break;
		case '"': sb_adds(sb, "&quot;"); break;
		case '\'': sb_adds(sb, "&#39;"); break;
		default:
			if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
				sb_addc(sb, '?');
			else
				sb_addc(sb, *s);
		}
	}
}

char *safe_dirname(const char *pid)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p;
	int changed = 0;
	for (p = pid; *p; p++) {
		char c = *p;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || (c == '.' && p != pid)) {
			sb_addc(&sb, c);
		} else {
			sb_addc(&sb, '_');
			changed = 1;
		}
	}
	if (changed || !sb.len) {
		/* Different ids must not share a folder once rendered safe. */
		struct sha256 h;
		char hex[65];
		sha256_init(&h);
		sha256_update(&h, pid, strlen(pid));
		sha256_hex(&h, hex);
		sb_addf(&sb, "-%.8s", hex);
	}
	return sb_detach(&sb);
}

int csv_is_formula(const char *s, size_t n)
{
	return n > 0 && strchr("=+-@\t\r", s[0]) != NULL;
}

void sb_csv_field(struct strbuf *sb, const char *s, size_t n)
{
	size_t i;
	int quote = 0, formula = csv_is_formula(s, n);
	for (i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
			quote = 1;
	if (!quote && !formula) {
		sb_add(sb, s, n);
		return;
	}
	sb_addc(sb, '"');
	if (formula)
		sb_addc(sb, '\'');
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			sb_addc(sb, '"');
		sb_addc(sb, s[i]);
	}
	sb_addc(sb, '"');
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int outfile_open(struct outfile *of, const char *path, struct error *err)
{
	memset(of, 0, sizeof(*of));
	of->path = xstrdup(path);
	of->fd = tmp_create(path, &of->tmp);
	if (of->fd < 0) {
		error_set(err, ERR_IO, NULL, 0, "cannot create '%s': %s", of->tmp,
			  strerror(errno));
		free(of->path);
		free(of->tmp);
		of->path = of->tmp = NULL;
		return -1;
	}
	return 0;
}

void outfile_write(struct outfile *of, const char *data, size_t n)
{
	sb_add(&of->buf, data, n);
	if (of->buf.len >= 65536) {
		if (!of->failed && write_all(of->fd, of->buf.buf, of->buf.len) < 0)
			of->failed = errno;
		sb_reset(&of->buf);
	}
}

static void outfile_end(struct outfile *of)
{
	if (of->fd >= 0)
		close(of->fd);
	of->fd = -1;
	sb_release(&of->buf);
	free(of->path);
	free(of->tmp);
	of->path = of->tmp = NULL;
}

int outfile_commit(struct outfile *of, struct error *err)
{
	if (!of->failed && of->buf.len && write_all(of->fd, of->buf.buf, of->buf.len) < 0)
		of->failed = errno;
	if (!of->failed && fsync(of->fd) != 0)
		of->failed = errno;
	if (close(of->fd) != 0 && !of->failed)
		of->failed = errno;
	of->fd = -1;
	if (!of->failed && rename(of->tmp, of->path) != 0)
		of->failed = errno;
	/* The rename is durable only once its folder is synced: a file said
	 * written must not vanish with a power cut. */
	if (!of->failed && fsync_dir_of(of->path) != 0) {
		of->failed = errno;
		unlink(of->path);
	}
	if (of->failed) {
		error_set(err, ERR_IO, NULL, 0, "cannot write '%s': %s", of->path,
			  strerror(of->failed));
		unlink(of->tmp);
		outfile_end(of);
		return -1;
	}
	outfile_end(of);
	return 0;
}

void outfile_abort(struct outfile *of)
{
	if (of->tmp)
		unlink(of->tmp);
	outfile_end(of);
}
