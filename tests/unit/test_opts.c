/* test_opts.c - unit tests of opts.c: option tables parsed, defaults, errors, help. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "opts.h"

struct args {
	const char *out;
	struct opt_list files;
	int dry, verbose, format;
	long n, from;
};

static const char *const formats[] = { "text", "csv", "json", NULL };

static const struct opt table[] = {
	OPTION_STRING("out", 'o', "DIR", struct args, out, "where"),
	OPTION_LIST("file", 0, "FILE", struct args, files, "a file"),
	OPTION_FLAG("dry-run", 'n', struct args, dry, "nothing\nwritten"),
	OPTION_FLAG("verbose", 'v', struct args, verbose, "more"),
	OPTION_CHOICE("format", 0, "F", struct args, format, formats, "text, csv or json"),
	OPTION_LONG("count", 0, "DAYS", struct args, n, 1, 10, "how many"),
	OPTION_DATE("from", 0, struct args, from, "since"),
	OPTION_END,
};

/* Parses the words of 'line' (split at spaces); returns opt_parse's result. */
static int parse(const char *line, struct args *a, char ***argv_out, struct error *err)
{
	static char buf[512];
	static char *argv[32];
	struct opt_table t = { table, a };
	int argc = 0;
	char *w;
	snprintf(buf, sizeof(buf), "%s", line);
	for (w = strtok(buf, " "); w && argc < 32; w = strtok(NULL, " "))
		argv[argc++] = w;
	*argv_out = argv;
	return opt_parse(&t, 1, argc, argv, 0, err);
}

static void release(struct args *a)
{
	struct opt_table t = { table, a };
	opt_release(&t, 1);
}

static void test_defaults(void **state)
{
	struct args a = { 0 };
	struct error err = ERROR_INIT;
	char **argv;
	(void)state;
	memset(&a, 0x55, sizeof(a));
	assert_int_equal(parse("", &a, &argv, &err), 0);
	assert_null(a.out);
	assert_int_equal(a.files.n, 0);
	assert_int_equal(a.dry, 0);
	assert_int_equal(a.format, -1);
	assert_int_equal(a.n, -1);
	assert_true(a.from == OPT_DATE_NONE);
	release(&a);
}

static void test_forms(void **state)
{
	struct args a = { 0 };
	struct error err = ERROR_INIT;
	char **argv;
	(void)state;
	/* Arguments keep their order and move to the front; "--" ends the options. */
	assert_int_equal(parse("x --out d1 y -nv --file f1 --file=f2 --format=csv --cou 10 "
			       "--from 2025-02-28 -- --out -z", &a, &argv, &err), 4);
	assert_string_equal(argv[0], "x");
	assert_string_equal(argv[1], "y");
	assert_string_equal(argv[2], "--out");
	assert_string_equal(argv[3], "-z");
	assert_string_equal(a.out, "d1");
	assert_int_equal(a.dry, 1);
	assert_int_equal(a.verbose, 1);
	assert_int_equal(a.files.n, 2);
	assert_string_equal(a.files.v[0], "f1");
	assert_string_equal(a.files.v[1], "f2");
	assert_int_equal(a.format, 1);
	assert_int_equal(a.n, 10);
	{
		long d;
		assert_int_equal(date_parse("2025-02-28", 10, &d), 0);
		assert_int_equal(a.from, d);
	}
	release(&a);
	/* -oDIR, -o DIR; the last value wins; "-" and numbers are arguments. */
	assert_int_equal(parse("-oa -o b - -1 -.5", &a, &argv, &err), 3);
	assert_string_equal(a.out, "b");
	assert_string_equal(argv[0], "-");
	assert_string_equal(argv[1], "-1");
	assert_string_equal(argv[2], "-.5");
	release(&a);
}

static void expect_error(const char *line, const char *reason)
{
	struct args a = { 0 };
	struct error err = ERROR_INIT;
	char **argv;
	assert_int_equal(parse(line, &a, &argv, &err), -1);
	assert_int_equal(err.kind, ERR_USAGE);
	assert_string_equal(err.reason, reason);
	error_release(&err);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("--bogus", "unknown option '--bogus'");
	expect_error("--bogus=1", "unknown option '--bogus'");
	expect_error("-x", "unknown option '-x'");
	expect_error("-x.csv", "unknown option '-x' in '-x.csv' (a file whose name starts with '-' "
		     "goes after '--' or as './-x.csv')");
	expect_error("-nx", "unknown option '-x' in '-nx' (a file whose name starts with '-' "
		     "goes after '--' or as './-nx')");
	expect_error("--out", "option '--out' needs a value (DIR)");
	expect_error("--out --dry-run", "option '--out' needs a value (DIR)");
	expect_error("--out=", "option '--out' needs a value (DIR)");
	expect_error("-o", "option '--out' needs a value (DIR)");
	expect_error("--format", "option '--format' needs a value (text, csv or json)");
	expect_error("--format xml", "option '--format' takes text, csv or json, not 'xml'");
	expect_error("--dry-run=yes", "option '--dry-run' takes no value");
	expect_error("--count 0", "option '--count' takes 1-10 days, not '0'");
	expect_error("--count 11", "option '--count' takes 1-10 days, not '11'");
	expect_error("--count 5x", "option '--count' takes 1-10 days, not '5x'");
	expect_error("--count 99999999999999999999", "option '--count' takes 1-10 days, not "
		     "'99999999999999999999'");
	expect_error("--from 2025-02-29", "option '--from' takes a date YYYY-MM-DD, not '2025-02-29'");
	expect_error("--f x", "option '--f' is ambiguous: --file, --format, --from");
	expect_error("--file a --bogus", "unknown option '--bogus'");
}

static void test_bounds(void **state)
{
	struct args a = { 0 };
	struct error err = ERROR_INIT;
	char **argv;
	(void)state;
	assert_int_equal(parse("--count 1", &a, &argv, &err), 0);
	assert_int_equal(a.n, 1);
	assert_int_equal(parse("--count 10", &a, &argv, &err), 0);
	assert_int_equal(a.n, 10);
	/* An exact name wins over a longer one it is a prefix of. */
	assert_int_equal(parse("--file f", &a, &argv, &err), 0);
	assert_int_equal(a.files.n, 1);
	release(&a);
}

static void test_stop_at_arg(void **state)
{
	struct args a = { 0 };
	struct opt_table t = { table, &a };
	struct error err = ERROR_INIT;
	char *argv[] = { "-n", "cmd", "--out", "d" };
	(void)state;
	assert_int_equal(opt_parse(&t, 1, 4, argv, OPT_STOP_AT_ARG, &err), 1);
	assert_int_equal(a.dry, 1);
	assert_null(a.out);
	opt_release(&t, 1);
}

static void test_help(void **state)
{
	char buf[2048] = "";
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");
	(void)state;
	opt_help(f, table);
	fclose(f);
	/* Help in two columns, the second after the longest synopsis; a help of
	 * two lines goes on in the second column. */
	assert_non_null(strstr(buf, "  -o, --out DIR     where\n"));
	assert_non_null(strstr(buf, "      --file FILE   a file\n"));
	assert_non_null(strstr(buf, "  -n, --dry-run     nothing\n                    written\n"));
	assert_non_null(strstr(buf, "      --count DAYS  how many\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_stop_at_arg),
		cmocka_unit_test(test_help),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
