/* test_output.c - unit tests of the output escaping: gnuplot strings
 * (plot_quote), HTML (html_escape), CSV and JSON cells (table), and the
 * patient folder names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <unistd.h>
#include <cmocka.h>

#include "plot.h"
#include "report.h"
#include "table.h"

static void test_plot_quote(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	(void)state;
	plot_quote(&sb, "P1'; system(\"id\") #");
	assert_string_equal(sb.buf, "'P1''; system(\"id\") #'");
	sb_reset(&sb);
	/* Nothing is substituted inside single quotes: only a line break is replaced. */
	plot_quote(&sb, "`id` @macro a\\b\nnext\r\x7f");
	assert_string_equal(sb.buf, "'`id` @macro a\\b?next?" "?'");
	sb_reset(&sb);
	plot_quote(&sb, "Müller 100%");
	assert_string_equal(sb.buf, "'Müller 100%'");
	sb_reset(&sb);
	plot_text(&sb, "{/Symbol a} x^2_y & 'q'");
	assert_string_equal(sb.buf, "'{/Symbol a} x^2_y & ''q''' noenhanced");
	sb_release(&sb);
}

/* Names no chart may mangle, and what gnuplot must show for each. */
static const char *const hostile[][2] = {
	{ "Team 100%", "Team 100%" },
	{ "back pain (50% disability)", "back pain (50% disability)" },
	{ "a\\b 'q' \"d\" %s%n%d%%", "a\\b 'q' \"d\" %s%n%d%%" },
	{ "@x `touch PWNED` {/Symbol a} x^2_y ~a{.8-} Q&A <b>",
	  "@x `touch PWNED` {/Symbol a} x^2_y ~a{.8-} Q&amp;A &lt;b>" },
	{ "line1\nline2\ttab", "line1?line2?tab" },
	{ "Müller ½", "Müller ½" },
};
#define NHOSTILE (sizeof(hostile) / sizeof(hostile[0]))

static int svg_has(const char *svg, const char *text)
{
	char *want = xasprintf(">%s</text>", text);
	int ok = strstr(svg, want) != NULL;
	if (!ok)
		print_error("SVG lacks %s\n", want);
	free(want);
	return ok;
}

/*
 * Every text context gnuplot has (multiplot and panel titles, tic labels,
 * key entries, labels) drawn by gnuplot itself with each hostile name: it
 * exits 0, runs nothing, and the SVG shows the name as given.  A tic label
 * with % longer than gnuplot's 49 bytes is cut at a character, with "...".
 */
static void test_plot_contexts(void **state)
{
	char dir[] = "/tmp/symtrend-plotXXXXXX", *log, *base[4], *svg_path;
	const char *labels[NHOSTILE + 1];
	double x[3] = { 1, 2, 3 }, y[3] = { 5, 4, 3 }, lo[NHOSTILE + 1], hi[NHOSTILE + 1];
	double v[NHOSTILE + 1];
	struct plot_panel panels[NHOSTILE];
	struct plot_km curves[NHOSTILE];
	long risk[2] = { 3, 1 };
	struct plot_bars bars;
	struct strbuf sb = STRBUF_INIT, svg = STRBUF_INIT;
	struct error err = ERROR_INIT;
	struct plot *p;
	size_t i, k;
	(void)state;
	assert_non_null(mkdtemp(dir));
	log = xasprintf("%s/log", dir);
	p = plot_start(log, &err);
	if (!p) {
		assert_int_equal(err.kind, ERR_MISSING);
		error_release(&err);
		free(log);
		rmdir(dir);
		skip();
	}
	for (i = 0; i < 4; i++)
		base[i] = xasprintf("%s/c%zu", dir, i);
	for (i = 0; i < NHOSTILE; i++) {
		panels[i] = (struct plot_panel){ .name = hostile[i][0], .n = 3, .x = x, .y = y,
						 .baseline = NAN, .mcid = NAN, .c = NAN };
		/* a KM curve: key entry, censoring mark and its numbers-at-risk row label */
		curves[i] = (struct plot_km){ .name = hostile[i][0], .n = 3, .x = x, .s = y, .nc = 1,
					      .cx = x, .cs = y, .risk = risk };
		labels[i] = hostile[i][0];
		v[i] = 0.5; lo[i] = 0.4; hi[i] = 0.6;
	}
	/* 45 bytes, then two-byte characters across the cut at 46 */
	labels[NHOSTILE] = "Physiotherapy and medical massage, 100% of se½½½";
	v[NHOSTILE] = 0.5; lo[NHOSTILE] = 0.4; hi[NHOSTILE] = 0.6;
	bars = (struct plot_bars){ .name = hostile[0][0], .n = NHOSTILE + 1, .v = v, .lo = lo,
				   .hi = hi, .labels = labels, .line = NAN };
	plot_script_course(&sb, base[0], hostile[3][0], panels, NHOSTILE, NULL, 0, PLOT_SVG | PLOT_PNG);
	plot_script_km(&sb, base[1], hostile[2][0], curves, NHOSTILE, 5, 2, PLOT_SVG | PLOT_PNG);
	plot_script_rates(&sb, base[2], hostile[1][0], &bars, 1, PLOT_SVG | PLOT_PNG);
	/* Labels in an enhanced terminal (the charts' own are noenhanced). */
	sb_adds(&sb, "reset\nset terminal svg enhanced\nset output ");
	svg_path = xasprintf("%s.svg", base[3]);
	plot_quote(&sb, svg_path);
	sb_adds(&sb, "\n");
	for (i = 0; i < NHOSTILE; i++) {
		sb_addf(&sb, "set label %zu ", i + 1);
		plot_text(&sb, hostile[i][0]);
		sb_addf(&sb, " at graph 0.1, graph %g\n", 0.1 * (double)(i + 1));
	}
	sb_adds(&sb, "plot x notitle\nset output\n");
	assert_int_equal(plot_send(p, &sb, &err), 0);
	assert_int_equal(plot_finish(p, &err), 0);
	for (k = 0; k < 4; k++) {
		char *tmp = k < 3 ? plot_tmp_path(base[k], "svg") : xstrdup(svg_path);
		sb_reset(&svg);
		assert_int_equal(read_file(tmp, &svg), 0);
		for (i = 0; i < NHOSTILE; i++)
			assert_true(svg_has(svg.buf, hostile[i][1]));
		if (k == 2)
			assert_true(svg_has(svg.buf, "Physiotherapy and medical massage, 100% of se\xe2\x80\xa6"));
		unlink(tmp);
		free(tmp);
		if (k < 3) {
			tmp = plot_tmp_path(base[k], "png");
			unlink(tmp);
			free(tmp);
		}
	}
	assert_int_equal(access("PWNED", F_OK), -1);
	unlink(log);
	assert_int_equal(rmdir(dir), 0); /* nothing else was left */
	for (i = 0; i < 4; i++)
		free(base[i]);
	free(svg_path);
	free(log);
	sb_release(&sb);
	sb_release(&svg);
}

static void test_html(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	(void)state;
	html_escape(&sb, "<script>a&b\"c'd</script>");
	assert_string_equal(sb.buf, "&lt;script&gt;a&amp;b&quot;c&#39;d&lt;/script&gt;");
	sb_release(&sb);
}

static char *render(enum table_format fmt, const char *cell, double num)
{
	static const struct table_col cols[] = { { "s", -4, 0 }, { "v", 6, 2 } };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct table t;
	table_begin(&t, f, fmt, cols, 2);
	table_str(&t, cell);
	table_num(&t, num);
	table_end_row(&t);
	table_end(&t);
	fclose(f);
	return buf;
}

static void test_table(void **state)
{
	char *s;
	(void)state;
	s = render(TABLE_CSV, "=cmd|' /C calc'!A0", -1.5);
	assert_string_equal(s, "s,v\n\"'=cmd|' /C calc'!A0\",-1.5\n");
	free(s);
	s = render(TABLE_CSV, "a,\"b\"", 0.1);
	assert_string_equal(s, "s,v\n\"a,\"\"b\"\"\",0.1\n");
	free(s);
	s = render(TABLE_CSV, NULL, NAN);
	assert_string_equal(s, "s,v\n,\n");
	free(s);
	s = render(TABLE_JSON, "q\"\\\n<b>", NAN);
	assert_string_equal(s, "[\n{\"s\":\"q\\\"\\\\\\n\\u003cb\\u003e\",\"v\":null}\n]\n");
	free(s);
	s = render(TABLE_TEXT, "x", -0.0001);
	assert_string_equal(s, "s         v\nx      0.00\n"); /* never "-0.00" */
	free(s);
}

static void test_dirname(void **state)
{
	char *a = safe_dirname("P001"), *b = safe_dirname("../etc"),
	     *c = safe_dirname("a/b"), *d = safe_dirname("a_b");
	(void)state;
	assert_string_equal(a, "P001");
	assert_null(strchr(b, '/'));
	assert_true(b[0] != '.');
	/* Rendered alike, kept apart by the hash. */
	assert_string_not_equal(c, d);
	free(a);
	free(b);
	free(c);
	free(d);
}

/*
 * A waterfall from runs (each distinct change with its number of courses)
 * is the same script as from the courses one by one: a bar each up to 400
 * courses, the ends of each run of the area beyond.
 */
static void test_waterfall_runs(void **state)
{
	static const double rv[3] = { -2, -0.5, 1 };
	static const long small[3] = { 2, 1, 3 }, big[3] = { 300, 1, 150 };
	double one[451];
	int t;
	(void)state;
	for (t = 0; t < 2; t++) {
		const long *c = t ? big : small;
		struct plot_bars runs = { .name = "fatigue", .n = 3, .v = rv, .line = -2, .count = c };
		struct plot_bars each = { .name = "fatigue", .line = -2 };
		struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
		size_t i, k = 0;
		long j;
		for (i = 0; i < 3; i++)
			for (j = 0; j < c[i]; j++)
				one[k++] = rv[i];
		each.n = k;
		each.v = one;
		plot_script_waterfall(&a, "/x/w", "t", &runs, 1, PLOT_SVG);
		plot_script_waterfall(&b, "/x/w", "t", &each, 1, PLOT_SVG);
		assert_string_equal(a.buf, b.buf);
		assert_non_null(strstr(a.buf, t ? "filledcurves" : "boxes"));
		if (t)
			assert_non_null(strstr(a.buf, "\n0 -2\n299 -2\n300 -0.5\n301 1\n450 1\nEOD\n"));
		sb_release(&a);
		sb_release(&b);
	}
}

/* table_format_g10 is printf's "%.10g", byte for byte: short decimals of up
 * to four places, the edges of its plain range (1e-4, 1e10) and of powers of
 * ten, values one ulp from a rounding tie, and random doubles of every
 * magnitude. */
static void expect_g10(double v)
{
	char want[64], got[32];
	snprintf(want, sizeof(want), "%.10g", v == 0 ? 0.0 : v);
	table_format_g10(v, got);
	if (strcmp(want, got) != 0)
		fail_msg("%.17g: want %s, got %s", v, want, got);
}

static void test_format_g10(void **state)
{
	static const double scale[] = { 1, 10, 100, 1000, 10000 };
	static const double edge[] = { 999999999, 1000000000, 1000000001, 9999999999.4,
				       9999999999.5, 9999999999.6, 99999999.95, 0.001, 0.0001,
				       0.00009999999999, 0.000099999999995, 0.00015, 1e-5,
				       123456789.5, 1.0000000005, 1.0000000015, 2.0000000025, 1e10,
				       1e15, -0.0, 0.1 + 0.2, 1.0 / 3, 2.5e-300, 1.7e308 };
	unsigned long long x = 88172645463325252ULL;
	long k;
	size_t d, i;
	int e;
	(void)state;
	for (d = 0; d < 5; d++)
		for (k = -30000; k <= 30000; k++)
			expect_g10((double)k / scale[d]);
	for (i = 0; i < sizeof(edge) / sizeof(*edge); i++) {
		expect_g10(edge[i]);
		expect_g10(-edge[i]);
		expect_g10(nextafter(edge[i], 0));
		expect_g10(nextafter(edge[i], 1e300));
	}
	for (e = -6; e <= 11; e++) {
		expect_g10(pow(10, e));
		expect_g10(nextafter(pow(10, e), 0));
		expect_g10(nextafter(pow(10, e), 1e300));
	}
	for (i = 0; i < 400000; i++) {
		double v;
		x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift64 */
		memcpy(&v, &x, sizeof(v));
		if (isfinite(v))
			expect_g10(v);
		/* in the plain range: a random mantissa at a random power of ten */
		v = (double)(x >> 11) / 9007199254740992.0 * pow(10, (int)(x % 17) - 6);
		expect_g10(v);
		expect_g10(-v);
		expect_g10((double)(x % 2000000001) / scale[x % 5] - 1e6);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plot_quote),
		cmocka_unit_test(test_plot_contexts),
		cmocka_unit_test(test_waterfall_runs),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_format_g10),
		cmocka_unit_test(test_dirname),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
