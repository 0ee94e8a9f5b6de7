/* test_util.c - unit tests of util.c: SHA-256, dates, scores, text checks, CSV quoting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <math.h>

#include "util.h"

static void test_sha256(void **state)
{
	struct sha256 s;
	char hex[65];
	char big[1000];
	(void)state;
	sha256_init(&s);
	sha256_update(&s, "abc", 3);
	sha256_hex(&s, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha256_init(&s);
	sha256_hex(&s, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	/* Split updates must equal one update (block boundaries). */
	memset(big, 'a', sizeof(big));
	sha256_init(&s);
	sha256_update(&s, big, 1);
	sha256_update(&s, big, 63);
	sha256_update(&s, big, 936);
	sha256_hex(&s, hex);
	assert_string_equal(hex, "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
}

/* RFC 4231's test cases 1, 2 and 6, and keys of exactly one block and one
 * byte more (the edge where the key is hashed first; values from Python's hmac). */
static void test_hmac_sha256(void **state)
{
	unsigned char k20[20], k131[131], k64[65];
	char hex[65];
	(void)state;
	memset(k20, 0x0b, sizeof(k20));
	hmac_sha256_hex(k20, sizeof(k20), "Hi There", 8, hex);
	assert_string_equal(hex, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	hmac_sha256_hex("Jefe", 4, "what do ya want for nothing?", 28, hex);
	assert_string_equal(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	memset(k131, 0xaa, sizeof(k131));
	hmac_sha256_hex(k131, sizeof(k131), "Test Using Larger Than Block-Size Key - Hash Key First",
			54, hex);
	assert_string_equal(hex, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
	memset(k64, 0xaa, sizeof(k64));
	hmac_sha256_hex(k64, 64, "sixty-four", 10, hex);
	assert_string_equal(hex, "f63a934bfd91993cd396d99bf5ddfdf6f4d2aaf45d51457305d26325a0037e96");
	hmac_sha256_hex(k64, 65, "sixty-four", 10, hex);
	assert_string_equal(hex, "0ce876a6081b0a19bf9363046cc63b5edbcbec7255ad79405c4d2e9fed4dc283");
}

/* date_parse as a value: the day count, or LONG_MIN when not a date. */
static long dp(const char *s, size_t n)
{
	long d;
	return date_parse(s, n, &d) == 0 ? d : LONG_MIN;
}

static void test_dates(void **state)
{
	char out[11];
	(void)state;
	assert_int_equal(dp("1970-01-01", 10), 0);
	assert_int_equal(dp("2025-01-01", 10), 20089);
	assert_true(dp("2024-02-29", 10) > 0);
	assert_int_equal(dp("2025-02-29", 10), LONG_MIN);
	assert_int_equal(dp("1900-02-29", 10), LONG_MIN);
	assert_true(dp("2000-02-29", 10) > 0);
	assert_int_equal(dp("2025-04-31", 10), LONG_MIN);
	assert_int_equal(dp("2025-00-10", 10), LONG_MIN);
	assert_int_equal(dp("2025-01-00", 10), LONG_MIN);
	assert_int_equal(dp("2025/01/01", 10), LONG_MIN);
	assert_int_equal(dp("2025-01-1", 9), LONG_MIN);
	assert_int_equal(dp("２025-01-01", 12), LONG_MIN);
	/* Before 1970 the day count is negative, and still a date. */
	assert_int_equal(dp("1969-12-31", 10), -1);
	assert_int_equal(dp("1960-01-01", 10), -3653);
	assert_int_equal(dp("1900-01-01", 10), -25567);
	assert_int_equal(dp("1899-12-31", 10), LONG_MIN);
	date_format(dp("2024-12-31", 10), out);
	assert_string_equal(out, "2024-12-31");
	for (long d = -25567; d < 40000; d += 17) {
		date_format(d, out);
		assert_int_equal(dp(out, 10), d);
	}
}

static void test_scores(void **state)
{
	static const char *const bad[] = { "", "0x5", "6,5", "1e1", "nan", "inf", "-1", "+1", " 7",
					   "7 ", "7.", ".5", "1.2.3", "--", "10.0000000000000000000000000001" };
	static const char *const range[] = { "11", "10.5", "99999999999999999999" };
	double v;
	size_t i;
	(void)state;
	assert_int_equal(score_parse("7", 1, &v), 0);
	assert_true(v == 7.0);
	assert_int_equal(score_parse("6.5", 3, &v), 0);
	assert_true(v == 6.5);
	assert_int_equal(score_parse("0", 1, &v), 0);
	assert_true(v == 0.0);
	assert_int_equal(score_parse("10.0", 4, &v), 0);
	/* the scale's limit at its edge: 10 is a score, a hair above is not */
	assert_int_equal(score_parse("10", 2, &v), 0);
	assert_int_equal(score_parse("10.01", 5, &v), -2);
	assert_int_equal(score_parse("10.000001", 9, &v), -2);
	assert_true(v == 10.0);
	assert_int_equal(score_parse("0.1", 3, &v), 0);
	assert_true(v == 0.1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_not_equal(score_parse(bad[i], strlen(bad[i]), &v), 0);
	for (i = 0; i < sizeof(range) / sizeof(range[0]); i++)
		assert_int_equal(score_parse(range[i], strlen(range[i]), &v), -2);
}

static void test_text(void **state)
{
	(void)state;
	assert_true(text_is_clean("Anna Berg", 9, 0));
	assert_true(text_is_clean("Müller", strlen("Müller"), 0));
	assert_false(text_is_clean("a\nb", 3, 0));
	assert_true(text_is_clean("a\nb", 3, 1));
	assert_false(text_is_clean("a\x01", 2, 1));
	assert_false(text_is_clean("\xc3", 1, 0));         /* truncated */
	assert_false(text_is_clean("\xc0\xaf", 2, 0));     /* overlong */
	assert_false(text_is_clean("\xed\xa0\x80", 3, 0)); /* surrogate */
	assert_false(text_is_clean("\xc2\x85", 2, 0));     /* C1 control */
	assert_false(text_is_clean("\x7f", 1, 0));
	assert_int_equal(utf8_len("Müller", strlen("Müller")), 6);
}

/* Names escaped for a terminal, a log or a summary: one line, nothing raw. */
static void test_escaped(void **state)
{
	static const char *const cases[][2] = {
		{ "month-05.csv", "month-05.csv" },
		{ "Müller ½.csv", "Müller ½.csv" },
		{ "evil\nnightly 2099", "evil\\nnightly 2099" },
		{ "a\\n", "a\\\\n" },                       /* a real backslash stays apart */
		{ "\t\r\x1b[31m\x7f", "\\t\\r\\x1b[31m\\x7f" },
		{ "a\xe2\x80\xae" "b", "a\\u202eb" },          /* right-to-left override */
		{ "\xe2\x80\x8b\xe2\x81\xa6\xef\xbb\xbf", "\\u200b\\u2066\\ufeff" },
		{ "\xc2\x85", "\\u0085" },                     /* C1 next line */
		{ "\xff\xc3", "\\xff\\xc3" },                  /* not UTF-8, cut short */
		{ "\xc0\xaf", "\\xc0\\xaf" },                  /* overlong '/' */
		{ "\xed\xa0\x80", "\\xed\\xa0\\x80" },          /* a surrogate */
		{ "\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80" },  /* beyond U+10FFFF */
		{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" },    /* an emoji is fine */
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *e = str_escaped(cases[i][0]);
		assert_string_equal(e, cases[i][1]);
		free(e);
	}
}

static void test_csv_field(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	(void)state;
	sb_csv_field(&sb, "plain", 5);
	sb_addc(&sb, ',');
	sb_csv_field(&sb, "a,\"b\"\nc", 7);
	assert_string_equal(sb.buf, "plain,\"a,\"\"b\"\"\nc\"");
	sb_reset(&sb);
	/* A formula to a spreadsheet gets an apostrophe; a minus inside does not. */
	sb_csv_field(&sb, "=1+1", 4);
	sb_addc(&sb, ',');
	sb_csv_field(&sb, "@A1", 3);
	sb_addc(&sb, ',');
	sb_csv_field(&sb, "-2,x", 4);
	sb_addc(&sb, ',');
	sb_csv_field(&sb, "a-b", 3);
	assert_string_equal(sb.buf, "\"'=1+1\",\"'@A1\",\"'-2,x\",a-b");
	assert_true(csv_is_formula("\tx", 2) && csv_is_formula("\rx", 2) && csv_is_formula("+", 1));
	assert_false(csv_is_formula("", 0) || csv_is_formula("x=", 2));
	sb_release(&sb);
}

/* text_check by Unicode property, text_nfkc as NFKC (libutf8proc). */
static void test_unseen(void **state)
{
	long cp = 0;
	char *f;
	(void)state;
	assert_int_equal(text_check("P001", 4, TEXT_BIDI | TEXT_INVISIBLE | TEXT_SPACES, &cp), 0);
	assert_int_equal(text_check("P001\xc2\xa0", 6, TEXT_SPACES, &cp), TEXT_SPACES);
	assert_int_equal(cp, 0xa0);
	assert_int_equal(text_check("P001\xc2\xa0", 6, TEXT_BIDI | TEXT_INVISIBLE, &cp), 0);
	assert_int_equal(text_check("\xe2\x80\x8bP", 4, TEXT_INVISIBLE, &cp), TEXT_INVISIBLE);
	assert_int_equal(cp, 0x200b);
	assert_int_equal(text_check("a\xe2\x80\xae" "b", 5, TEXT_BIDI, &cp), TEXT_BIDI);
	assert_int_equal(cp, 0x202e);
	assert_int_equal(text_check("a\xe2\x81\xa9" "b", 5, TEXT_BIDI, &cp), TEXT_BIDI); /* PDI */
	assert_int_equal(text_check("a\xe2\x80\x8d" "b", 5, TEXT_INVISIBLE, &cp), TEXT_INVISIBLE);
	assert_int_equal(text_check("a\xe2\x80\x8d" "b", 5, TEXT_INVISIBLE | TEXT_JOINERS_OK, &cp), 0);
	assert_int_equal(text_check("M\xc3\xbcller", 7, TEXT_BIDI | TEXT_INVISIBLE | TEXT_SPACES,
				    &cp), 0);
	f = text_nfkc("\xef\xbc\xb0" "001", 6); /* full-width P */
	assert_string_equal(f, "P001");
	free(f);
	f = text_nfkc("Mu\xcc\x88ller", 8); /* decomposed u-umlaut composes */
	assert_string_equal(f, "M\xc3\xbcller");
	free(f);
	f = text_nfkc("Anna\xc2\xa0" "Berg", 10);
	assert_string_equal(f, "Anna Berg");
	free(f);
	assert_null(text_nfkc("x\xf4\x8f\xbf\xbe", 5)); /* U+10FFFE: not assigned */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256),
		cmocka_unit_test(test_hmac_sha256),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_scores),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_csv_field),
		cmocka_unit_test(test_escaped),
		cmocka_unit_test(test_unseen),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
