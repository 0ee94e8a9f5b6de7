/* test_settings.c - unit tests of settings.c: every row's bounds at their
 * edges, defaults, per-measure keys, the typed getters, the listing. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "settings.h"

static char dir[] = "/tmp/test_settings.XXXXXX";
static struct store *st;

static int setup(void **state)
{
	struct error err = ERROR_INIT;
	char path[64];
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/db", dir);
	if (store_open(path, STORE_WRITE | STORE_CREATE, &st, &err) < 0)
		return -1;
	return store_add_measure(st, "dizziness", &err) < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	store_free(st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void ok(const char *key, const char *value)
{
	struct error err = ERROR_INIT;
	if (settings_check(st, key, value, &err) != 0)
		fail_msg("%s=%s refused: %s", key, value, err.reason);
}

static void refused(const char *key, const char *value, const char *reason)
{
	struct error err = ERROR_INIT;
	if (settings_check(st, key, value, &err) != -1)
		fail_msg("%s=%s accepted", key, value);
	assert_int_equal(err.kind, ERR_USAGE);
	if (!strstr(err.reason, reason))
		fail_msg("%s=%s: '%s' does not say '%s'", key, value, err.reason, reason);
	error_release(&err);
}

static void test_bounds(void **state)
{
	(void)state;
	ok("course_gap", "1");
	ok("course_gap", "3650");
	refused("course_gap", "0", "'course_gap' takes a whole number 1-3650");
	refused("course_gap", "3651", "1-3650");
	refused("course_gap", "+5", "whole number");
	refused("course_gap", "5.0", "whole number");
	ok("settle_seconds", "0");
	ok("settle_seconds", "86400");
	refused("settle_seconds", "86401", "0-86400");
	ok("no_response_sessions", "2");
	refused("no_response_sessions", "1", "2-1000");
	/* (0, 10]: 0 is out, a hair above is in, 10 is in. */
	refused("pain.mcid", "0", "'pain.mcid' out of range (0 < mcid <= 10)");
	ok("pain.mcid", "0.000001");
	ok("pain.mcid", "10");
	refused("pain.mcid", "10.000001", "out of range");
	/* [0, 1) */
	ok("fatigue.reliability", "0");
	ok("fatigue.reliability", "0.999999");
	refused("fatigue.reliability", "1", "(0 <= reliability < 1)");
	ok("focus.sd", "auto");
	refused("focus.sd", "0", "(0 < sd <= 10 or 'auto')");
	ok("sleep.cutoff", "0");
	ok("sleep.cutoff", "10");
	refused("sleep.cutoff", "-0.5", "out of range");
	refused("sleep.cutoff", "nan", "takes a number");
	refused("sleep.cutoff", "0x1", "takes a number");
	/* A declared measure has the same rows. */
	ok("dizziness.mcid", "1.5");
	refused("mood.mcid", "1", "unknown setting 'mood.mcid'");
	refused("pain.mood", "1", "unknown setting");
	refused("nightly.reported_file", "1", "unknown setting");
	refused("pain.mcid", "123456789012345678901234567890123", "too long");
	/* A row with a check of its own: an encoding iconv knows. */
	ok("input_encoding", "WINDOWS-1252");
	refused("input_encoding", "NO-SUCH-ENCODING", "NO-SUCH-ENCODING");
}

static void test_text(void **state)
{
	char v[256];
	(void)state;
	memset(v, 'a', 64);
	v[64] = '\0';
	ok("clinic_phone", v);
	v[64] = 'a';
	v[65] = '\0';
	refused("clinic_phone", v, "'clinic_phone' takes at most 64 characters");
	refused("clinic_name", "two\nlines", "one line of text");
	memset(v, 'a', 40);
	v[40] = '\0';
	ok("pain.label", v);
	strcat(v, "a");
	refused("pain.label", v, "at most 40 characters");
}

static void test_getters(void **state)
{
	struct error err = ERROR_INIT;
	char *t;
	(void)state;
	assert_string_equal(settings_default(st, "course_gap"), "90");
	assert_int_equal(settings_long(st, "course_gap"), 90);
	assert_int_equal(store_config_set(st, "course_gap", "30", &err), 0);
	assert_int_equal(settings_long(st, "course_gap"), 30);
	/* A stored value its row refuses reads as the default. */
	assert_int_equal(store_config_set(st, "course_gap", "0", &err), 0);
	assert_int_equal(settings_long(st, "course_gap"), 90);
	assert_true(settings_number(st, "pain.mcid") == 2.0);
	assert_true(isnan(settings_number(st, "pain.sd")));
	assert_int_equal(store_config_set(st, "pain.sd", "1.5", &err), 0);
	assert_true(settings_number(st, "pain.sd") == 1.5);
	t = settings_text(st, "pain.label");
	assert_string_equal(t, "Pain");
	free(t);
	t = settings_text(st, "dizziness.label");
	assert_string_equal(t, "dizziness");
	free(t);
	assert_null(settings_default(st, "nope"));
}

static void count_key(void *arg, const char *key)
{
	size_t *n = arg;
	(*n)++;
	/* Every key listed is one the table knows. */
	if (!settings_find(st, key))
		fail_msg("listed key '%s' is unknown", key);
}

static void test_each(void **state)
{
	const struct setting *row;
	size_t n = 0, global = 0, per = 0;
	(void)state;
	settings_each(st, count_key, &n);
	for (row = settings_table; row->key; row++)
		if (row->flags & SETTING_PER_MEASURE)
			per++;
		else
			global++;
	assert_int_equal(n, global + per * store_measure_count(st));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_getters),
		cmocka_unit_test(test_each),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
