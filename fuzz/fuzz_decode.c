/*
 * fuzz_decode.c - libFuzzer target for the decoder: BOM detection, the
 * UTF-8 check and iconv conversion, with buffers of every size.  The first
 * byte picks the encoding, the second the output buffer size; every byte
 * passed on must be valid UTF-8, whole characters at a time.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 1 when s[0..n) is valid UTF-8 (no surrogates, no overlong forms). */
static int valid_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i], len, k;
		uint32_t cp;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			len = 2, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			len = 3, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			len = 4, cp = c & 0x07;
		else
			return 0;
		if (i + len > n)
			return 0;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const enc[] = { NULL, "WINDOWS-1252", "UTF-16LE", "UTF-16BE",
					   "ISO-8859-15", "UTF-16", "SHIFT_JIS", "UTF-8" };
	static char out[DECODE_CHUNK];
	struct error err = ERROR_INIT;
	struct decoder *d;
	size_t cap;
	ssize_t n;
	FILE *fp;
	if (size < 2)
		return 0;
	cap = 16 + (size_t)data[1] * 97;
	fp = size > 2 ? fmemopen((void *)(data + 2), size - 2, "rb") : fopen("/dev/null", "rb");
	if (!fp)
		return 0;
	d = decoder_new(fp, "fuzz.csv", enc[data[0] & 7], &err);
	if (d) {
		while ((n = decoder_read(d, out, cap, &err)) > 0)
			if ((size_t)n > cap || !valid_utf8((unsigned char *)out, (size_t)n))
				__builtin_trap();
		if (n < 0 && !err.reason)
			__builtin_trap();
		(void)decoder_sha256(d);
		decoder_free(d);
	}
	error_release(&err);
	fclose(fp);
	return 0;
}
