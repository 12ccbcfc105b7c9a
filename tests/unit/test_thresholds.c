/* src/thresholds.c: the plugin guidelines' range table, -w/-c values, and the
 * texts that must be refused with one clear line. */
#include <config.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>
#include "strbuf.h"
#include "thresholds.h"

static struct np_range parsed(const char *s)
{
	struct np_range r;
	char err[256] = "";

	if (np_range_parse(s, &r, err, sizeof(err)) != 0)
		fail_msg("'%s' refused: %s", s, err);
	return r;
}

/* The guidelines' table: alert when ... */
static void test_guidelines_table(void **state)
{
	struct np_range r;

	(void)state;
	r = parsed("10");	/* < 0 or > 10 */
	assert_true(np_range_alerts(&r, -1));
	assert_false(np_range_alerts(&r, 0));
	assert_false(np_range_alerts(&r, 10));
	assert_true(np_range_alerts(&r, 10.000001));
	r = parsed("10:");	/* < 10 */
	assert_true(np_range_alerts(&r, 9.99));
	assert_false(np_range_alerts(&r, 10));
	assert_false(np_range_alerts(&r, 1e300));
	r = parsed("~:10");	/* > 10 */
	assert_false(np_range_alerts(&r, -1e300));
	assert_false(np_range_alerts(&r, 10));
	assert_true(np_range_alerts(&r, 11));
	r = parsed("10:20");	/* < 10 or > 20 */
	assert_true(np_range_alerts(&r, 9));
	assert_false(np_range_alerts(&r, 10));
	assert_false(np_range_alerts(&r, 20));
	assert_true(np_range_alerts(&r, 21));
	r = parsed("@10:20");	/* >= 10 and <= 20 */
	assert_false(np_range_alerts(&r, 9));
	assert_true(np_range_alerts(&r, 10));
	assert_true(np_range_alerts(&r, 20));
	assert_false(np_range_alerts(&r, 21));
}

static void test_decimals_and_signs(void **state)
{
	struct np_range r;

	(void)state;
	r = parsed("0.25");
	assert_false(np_range_alerts(&r, 0.25));
	assert_true(np_range_alerts(&r, 0.2500001));
	r = parsed("-5:-1.5");
	assert_true(np_range_alerts(&r, -1));
	assert_false(np_range_alerts(&r, -3));
	r = parsed(".5:+1.");
	assert_true(r.start == 0.5 && r.end == 1.0);
	r = parsed(":10");	/* an empty start is 0, as in monitoring-plugins */
	assert_true(np_range_alerts(&r, -0.1));
	r = parsed("~:");	/* everything inside: never alerts */
	assert_false(np_range_alerts(&r, -1e300));
	r = parsed("5:5");
	assert_false(np_range_alerts(&r, 5));
	assert_true(np_range_alerts(&r, 5.0001));
}

static void test_nan_and_unset(void **state)
{
	struct np_range r = parsed("10"), in = parsed("@0:10"), unset = { 0 };

	(void)state;
	assert_true(np_range_alerts(&r, NAN));	/* no measurement is in no range */
	assert_false(np_range_alerts(&in, NAN));
	assert_false(np_range_alerts(&unset, 1e300));
	assert_false(np_range_alerts(NULL, 1));
}

static void refused(const char *s, const char *says)
{
	struct np_range r = { .set = false };
	char err[256] = "";

	assert_int_equal(np_range_parse(s, &r, err, sizeof(err)), -1);
	assert_false(r.set);	/* untouched */
	if (!strstr(err, says))
		fail_msg("'%s': message '%s' does not say '%s'", s, err, says);
	assert_null(strchr(err, '\n'));
}

static void test_refused(void **state)
{
	char huge[700];

	(void)state;
	refused("", "empty");
	refused("@", "empty");
	refused("20:10", "start is above the end");
	refused("@5:-5", "start is above the end");
	refused("abc", "not a number");
	refused("10:abc", "not a number");
	refused("x:10", "not a number");
	refused("1e3", "not a number");	/* the guidelines' numbers are [-0-9.] */
	refused("inf", "not a number");
	refused("nan", "not a number");
	refused("0x10", "not a number");
	refused("1,5", "not a number");	/* a decimal comma */
	refused("1.2.3", "not a number");
	refused(".", "not a number");
	refused("-", "not a number");
	refused("10:20:30", "not a number");
	refused(" 10", "not a number");
	refused("~", "not a number");	/* ~ is a start, not an end */
	refused("10:~", "not a number");
	refused("@@10", "not a number");
	refused("\x1b[31m\n", "\\x1b[31m\\n");	/* shown escaped, on one line */
	memset(huge, '9', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	refused(huge, "too large");
}

static void format_is(const char *s, const char *want)
{
	struct np_strbuf b = NP_STRBUF_INIT;
	struct np_range r = parsed(s), back;

	assert_true(np_range_format(&r, &b));
	assert_string_equal(np_strbuf_str(&b), want);
	back = parsed(np_strbuf_str(&b));
	assert_true(back.set == r.set && back.inside == r.inside &&
		    back.start_inf == r.start_inf && back.end_inf == r.end_inf);
	assert_true((r.start_inf || back.start == r.start) && (r.end_inf || back.end == r.end));
	np_strbuf_free(&b);
}

static void test_format(void **state)
{
	struct np_strbuf b = NP_STRBUF_INIT;
	struct np_range unset = { 0 };

	(void)state;
	format_is("10", "10");
	format_is("0:10", "10");
	format_is("10:", "10:");
	format_is("0:", "0:");
	format_is("~:10", "~:10");
	format_is("~:", "~:");
	format_is("@10:20", "@10:20");
	format_is("0.0005:1.25", "0.0005:1.25");
	format_is("-3:-1", "-3:-1");
	format_is("+7.000", "7");
	assert_true(np_range_format(&unset, &b));
	assert_int_equal(b.len, 0);
	np_strbuf_free(&b);
}

static struct np_thresholds th(const char *s)
{
	struct np_thresholds t;
	char err[256] = "";

	if (np_thresholds_parse(s, &t, err, sizeof(err)) != 0)
		fail_msg("'%s' refused: %s", s, err);
	return t;
}

static void test_thresholds(void **state)
{
	struct np_thresholds t;
	char err[256];

	(void)state;
	t = th("0.5");
	assert_true(t.time.set && !t.loss.set && t.time.end == 0.5);
	t = th("0.5,20%");
	assert_true(t.time.set && t.loss.set && t.loss.end == 20);
	t = th(",20%");
	assert_true(!t.time.set && t.loss.set);
	t = th("1:,@0:10");	/* ranges in both, the % optional */
	assert_true(t.time.end_inf && t.loss.inside);
	t = th("0.5,");
	assert_true(t.time.set && !t.loss.set);
	assert_int_equal(np_thresholds_parse("", &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no threshold"));
	assert_int_equal(np_thresholds_parse(",", &t, err, sizeof(err)), -1);
	assert_int_equal(np_thresholds_parse("1,2,3", &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "more than TIME,LOSS%"));
	assert_int_equal(np_thresholds_parse("1,20%%", &t, err, sizeof(err)), -1);
	assert_int_equal(np_thresholds_parse("2:1,5%", &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "above the end"));
	assert_int_equal(np_thresholds_parse("1,x%", &t, err, sizeof(err)), -1);
}

static void test_status(void **state)
{
	struct np_thresholds w = th("0.2,10%"), c = th("0.5,50%");
	struct np_range rw = parsed("0.2"), rc = parsed("0.5");

	(void)state;
	assert_int_equal(np_range_status(&rw, &rc, 0.1), NP_STATUS_OK);
	assert_int_equal(np_range_status(&rw, &rc, 0.3), NP_STATUS_WARNING);
	assert_int_equal(np_range_status(&rw, &rc, 0.6), NP_STATUS_CRITICAL);
	assert_int_equal(np_range_status(NULL, &rc, 0.3), NP_STATUS_OK);
	assert_int_equal(np_range_status(&rw, NULL, 0.6), NP_STATUS_WARNING);
	/* critical wins even when the warning range is wider */
	rw = parsed("100");
	assert_int_equal(np_range_status(&rw, &rc, 0.6), NP_STATUS_CRITICAL);
	/* -w/-c's verdict (report_nagios.c): time and loss each against their
	 * ranges, the worse wins */
	assert_int_equal(np_status_worse(np_range_status(&w.time, &c.time, 0.1),
					 np_range_status(&w.loss, &c.loss, 0)), NP_STATUS_OK);
	assert_int_equal(np_status_worse(np_range_status(&w.time, &c.time, 0.1),
					 np_range_status(&w.loss, &c.loss, 20)), NP_STATUS_WARNING);
	assert_int_equal(np_status_worse(np_range_status(&w.time, &c.time, 0.3),
					 np_range_status(&w.loss, &c.loss, 60)), NP_STATUS_CRITICAL);
	assert_int_equal(np_status_worse(np_range_status(&w.time, &c.time, 0.6),
					 np_range_status(&w.loss, &c.loss, 0)), NP_STATUS_CRITICAL);
	assert_int_equal(np_status_worse(NP_STATUS_OK, NP_STATUS_UNKNOWN), NP_STATUS_UNKNOWN);
	assert_int_equal(np_status_worse(NP_STATUS_WARNING, NP_STATUS_UNKNOWN),
			 NP_STATUS_WARNING);
	assert_int_equal(np_status_worse(NP_STATUS_CRITICAL, NP_STATUS_WARNING),
			 NP_STATUS_CRITICAL);
	assert_string_equal(np_status_name(NP_STATUS_CRITICAL), "CRITICAL");
	assert_string_equal(np_status_name(NP_STATUS_UNKNOWN), "UNKNOWN");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guidelines_table),
		cmocka_unit_test(test_decimals_and_signs),
		cmocka_unit_test(test_nan_and_unset),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_thresholds),
		cmocka_unit_test(test_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
