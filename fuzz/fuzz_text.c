/*
 * fuzz_text.c - libFuzzer target for the text that leaves symtrend for a
 * reader other than a CSV parser: names escaped for a terminal, a log or a
 * summary (sb_add_escaped), and strings quoted for gnuplot (plot_text,
 * plot_quote, and tic labels inside a rates chart script).  Checks the
 * promises, not only that nothing crashes: one printable line of valid
 * UTF-8; a gnuplot string that is one single-quoted token with no line
 * break, and a tic label with every % doubled.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Valid UTF-8, no control character, no invisible reordering character. */
static void check_printable(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		if (*p < 0x20 || *p == 0x7f)
			abort();
		if (*p < 0x80) {
			p++;
			continue;
		}
		if (*p < 0xc2 || *p > 0xf4)
			abort();
		{
			size_t n = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : 2, i;
			unsigned cp = *p & (0x7f >> n);
			for (i = 1; i < n; i++) {
				if ((p[i] & 0xc0) != 0x80)
					abort();
				cp = cp << 6 | (p[i] & 0x3f);
			}
			if ((cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
			    (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029)
				abort();
			p += n;
		}
	}
}

/* One single-quoted gnuplot token starting at s[0]; returns its end. */
static const char *check_quoted(const char *s, int tic)
{
	const char *p;
	if (*s != '\'')
		abort();
	for (p = s + 1; *p; p++) {
		if (*p == '\n' || *p == '\r')
			abort();
		if (*p == '\'') {
			if (p[1] != '\'')
				return p + 1; /* the closing quote */
			p++;
		} else if (tic && *p == '%') {
			if (p[1] != '%')
				abort(); /* a lone % is a format to gnuplot */
			p++;
		}
	}
	abort(); /* never closed */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *e;
	struct strbuf sb = STRBUF_INIT;
	const char *labels[1], *end;
	double v = 0.5, lo = 0.4, hi = 0.6;
	struct plot_bars bars;
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	e = str_escaped(s);
	check_printable(e);
	free(e);

	plot_text(&sb, s);
	end = check_quoted(sb.buf, 0);
	if (strcmp(end, " noenhanced") != 0)
		abort();
	sb_reset(&sb);
	plot_quote(&sb, s);
	if (*check_quoted(sb.buf, 0) != '\0')
		abort();
	sb_reset(&sb);

	labels[0] = s;
	bars = (struct plot_bars){ .name = "x", .n = 1, .v = &v, .lo = &lo, .hi = &hi,
				   .labels = labels, .line = NAN };
	plot_script_rates(&sb, "/nonexistent/r", "t", &bars, 1, PLOT_SVG | PLOT_PNG);
	{
		const char *t = strstr(sb.buf, "set xtics ('");
		if (!t)
			abort();
		end = check_quoted(t + strlen("set xtics ("), 1);
		if (strncmp(end, " 0) noenhanced\n", 15) != 0)
			abort();
	}
	{
		/* Take the temporary names back, as a caller does. */
		char *a = plot_tmp_path("/nonexistent/r", "svg"), *b = plot_tmp_path("/nonexistent/r", "png");
		free(a);
		free(b);
	}
	sb_release(&sb);
	free(s);
	return 0;
}
