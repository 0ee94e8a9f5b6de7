/*
 * fuzz_values.c - libFuzzer target for the value parsers: dates, scores,
 * text checks, measure names, and the config values (settings_check)
 * against a real store.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvin.h"
#include "settings.h"
#include "stats.h"
#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct store *the_store(void)
{
	static struct store *s; /* one database for the whole fuzzing run */
	if (!s) {
		struct error err = ERROR_INIT;
		char path[] = "/tmp/symtrend-fuzz-XXXXXX";
		int fd = mkstemp(path);
		if (fd < 0)
			abort();
		close(fd);
		unlink(path);
		if (store_open(path, STORE_WRITE | STORE_CREATE, &s, &err) < 0)
			abort();
	}
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[256], out[11];
	struct error err = ERROR_INIT;
	double v;
	long d;
	char *eq;
	if (size >= sizeof(buf))
		size = sizeof(buf) - 1;
	memcpy(buf, data, size);
	buf[size] = '\0';
	if (date_parse(buf, size, &d) == 0) {
		date_format(d, out);
		if (memcmp(out, buf, 10) != 0)
			__builtin_trap(); /* a valid date must round-trip */
	}
	if (score_parse(buf, size, &v) == 0 && !(v >= 0 && v <= 10))
		__builtin_trap();
	(void)text_is_clean(buf, size, size & 1);
	if (text_is_clean(buf, size, 0)) {
		/* The NFKC fold of an id is a fixed point: folding it again
		 * changes nothing (else one patient would have two ids). */
		long cp;
		char *f = text_nfkc(buf, size), *g;
		(void)text_check(buf, size, TEXT_BIDI | TEXT_INVISIBLE | TEXT_SPACES, &cp);
		if (f) {
			g = text_nfkc(f, strlen(f));
			if (!g || strcmp(f, g) != 0)
				__builtin_trap();
			free(g);
			free(f);
		}
	}
	(void)csvin_valid_measure_name(buf);
	/* KEY=VALUE through the config validator */
	eq = strchr(buf, '=');
	if (eq && strlen(buf) == size) {
		*eq = '\0';
		if (settings_check(the_store(), buf, eq + 1, &err) == 0 &&
		    !settings_default(the_store(), buf))
			__builtin_trap(); /* accepted a key it does not know */
		error_release(&err);
	}
	return 0;
}
