/* src/strbuf.c: growth, the sticky failure, and numbers that no locale bends. */
#include <config.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <locale.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "strbuf.h"

#include "fail_realloc.h"

static void test_empty(void **state)
{
	struct np_strbuf b = NP_STRBUF_INIT;

	(void)state;
	assert_string_equal(np_strbuf_str(&b), "");
	np_strbuf_reset(&b);
	np_strbuf_free(&b);
}

static void test_grows(void **state)
{
	struct np_strbuf b = NP_STRBUF_INIT;

	(void)state;
	for (int i = 0; i < 10000; i++)
		assert_true(np_strbuf_printf(&b, "%d,", i % 10));
	assert_int_equal(b.len, 20000);
	assert_int_equal(strlen(np_strbuf_str(&b)), 20000);
	assert_memory_equal(b.s + 19990, "5,6,7,8,9,", 10);
	/* one printf far over the room left */
	np_strbuf_reset(&b);
	assert_true(np_strbuf_printf(&b, "%s%100000d|", "x", 7));
	assert_int_equal(b.len, 100002);
	assert_int_equal(b.s[100000], '7');
	/* bytes that are not text */
	np_strbuf_reset(&b);
	assert_true(np_strbuf_append(&b, "a\0b", 3));
	assert_int_equal(b.len, 3);
	np_strbuf_truncate(&b, 1);
	assert_string_equal(np_strbuf_str(&b), "a");
	np_strbuf_free(&b);
}

static void test_sticky_failure(void **state)
{
	struct np_strbuf b = NP_STRBUF_INIT;

	(void)state;
	assert_true(np_strbuf_puts(&b, "kept"));
	fail_in = 1;
	assert_false(np_strbuf_printf(&b, "%200s", "x"));
	assert_true(b.failed);
	assert_false(np_strbuf_puts(&b, "y"));	/* fits, but the buffer is cut short */
	assert_string_equal(np_strbuf_str(&b), "kept");
	np_strbuf_reset(&b);
	assert_false(b.failed);
	assert_true(np_strbuf_puts(&b, "again"));
	assert_string_equal(np_strbuf_str(&b), "again");
	np_strbuf_free(&b);
}

static void decimal_is(double v, int sig, const char *want)
{
	struct np_strbuf b = NP_STRBUF_INIT;

	assert_true(np_strbuf_decimal(&b, v, sig));
	assert_string_equal(np_strbuf_str(&b), want);
	np_strbuf_free(&b);
}

static void test_decimal(void **state)
{
	(void)state;
	decimal_is(0, 6, "0");
	decimal_is(-0.0, 6, "0");
	decimal_is(10, 6, "10");
	decimal_is(1.5, 6, "1.5");
	decimal_is(0.000123, 6, "0.000123");
	decimal_is(0.1234567, 6, "0.123457");
	decimal_is(-2.25, 6, "-2.25");
	decimal_is(123456789, 6, "123456789");	/* whole part never cut */
	decimal_is(1e20, 6, "100000000000000000000");
	decimal_is(1e-12, 6, "0");		/* at most 9 decimals */
	decimal_is(-1e-12, 6, "0");
	decimal_is(0.0000015, 6, "0.0000015");
	decimal_is(99.9999999, 6, "100");
}

static void float_is(double v, const char *want)
{
	struct np_strbuf b = NP_STRBUF_INIT;

	assert_true(np_strbuf_float(&b, v));
	assert_string_equal(np_strbuf_str(&b), want);
	np_strbuf_free(&b);
}

static void test_float(void **state)
{
	struct np_strbuf b = NP_STRBUF_INIT;
	double third = 1.0 / 3.0;

	(void)state;
	float_is(0.1, "0.1");
	float_is(0, "0");
	float_is(1e300, "1e+300");
	float_is(NAN, "NaN");
	float_is(INFINITY, "+Inf");
	float_is(-INFINITY, "-Inf");
	float_is(9007199254740993.0, "9007199254740992");
	assert_true(np_strbuf_float(&b, third));
	assert_true(strtod(np_strbuf_str(&b), NULL) == third);	/* exact round trip */
	np_strbuf_free(&b);
}

/* A locale with a decimal comma: an installed one, else de_DE compiled here
 * with localedef into a temp folder (LOCPATH), else the test is skipped. */
static const char *comma_locale(char *dir, size_t dirlen)
{
	static const char *const commas[] = { "de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", NULL };
	char cmd[256];

	for (int i = 0; commas[i]; i++)
		if (setlocale(LC_NUMERIC, commas[i]))
			return commas[i];
	snprintf(dir, dirlen, "%s/np-locale.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir))
		return NULL;
	snprintf(cmd, sizeof(cmd), "localedef -i de_DE -f UTF-8 %s/de_DE.UTF-8 >/dev/null 2>&1",
		 dir);
	if (system(cmd) != 0)
		return NULL;
	setenv("LOCPATH", dir, 1);
	return setlocale(LC_NUMERIC, "de_DE.UTF-8");
}

static void test_locale(void **state)
{
	char dir[200] = "", cmd[256];
	const char *got = comma_locale(dir, sizeof(dir));

	(void)state;
	if (dir[0]) {	/* the locale is loaded: its folder can go */
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		assert_int_equal(system(cmd), 0);
	}
	if (!got)
		skip();	/* no locale with a decimal comma, and no localedef */
	assert_string_equal(localeconv()->decimal_point, ",");
	decimal_is(1.5, 6, "1.5");
	decimal_is(-0.000125, 6, "-0.000125");
	float_is(0.25, "0.25");
	float_is(1.0 / 3.0, "0.3333333333333333");
	setlocale(LC_NUMERIC, "C");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_grows),
		cmocka_unit_test(test_sticky_failure),
		cmocka_unit_test(test_decimal),
		cmocka_unit_test(test_float),
		cmocka_unit_test(test_locale),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
