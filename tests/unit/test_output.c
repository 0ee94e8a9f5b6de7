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
	plot_quote(&sb, "`id` @macro a\\b\nnext");
	assert_string_equal(sb.buf, "'?id? ?macro a?b?next'");
	sb_reset(&sb);
	plot_quote(&sb, "Müller");
	assert_string_equal(sb.buf, "'Müller'");
	sb_release(&sb);
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
	char *a = report_patient_dirname("P001"), *b = report_patient_dirname("../etc"),
	     *c = report_patient_dirname("a/b"), *d = report_patient_dirname("a_b");
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plot_quote),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_dirname),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
