/* src/perfdata.c: the guidelines' 'label'=value[UOM];warn;crit;min;max, with
 * labels that try to break the line. */
#include <config.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>
#include "perfdata.h"
#include "strbuf.h"
#include "thresholds.h"

static struct np_range range(const char *s)
{
	struct np_range r;
	char err[200];

	assert_int_equal(np_range_parse(s, &r, err, sizeof(err)), 0);
	return r;
}

static void label_is(const char *label, const char *want)
{
	struct np_strbuf b = NP_STRBUF_INIT;

	assert_true(np_perfdata_label(&b, label));
	assert_string_equal(np_strbuf_str(&b), want);
	np_strbuf_free(&b);
}

static void test_labels(void **state)
{
	(void)state;
	label_is("time", "time");
	label_is("dns_time.v4-1", "dns_time.v4-1");
	label_is("connect 127.0.0.1:80", "'connect 127.0.0.1:80'");
	label_is("time_::1", "'time_::1'");
	label_is("it's", "'it''s'");
	label_is("''", "''''''");
	label_is("a=b", "'a_b'");
	label_is("a|b", "'a_b'");
	label_is("line\nbreak\r\t", "'line_break__'");
	label_is("bad\xff\xfe utf8", "'bad__ utf8'");
	label_is("caf\xc3\xa9", "'caf\xc3\xa9'");	/* valid UTF-8 kept */
	label_is("cut \xc3", "'cut _'");
	label_is("", "_");
}

static void item_is(const struct np_perf *p, const char *want)
{
	struct np_strbuf b = NP_STRBUF_INIT;

	assert_true(np_perfdata_add(&b, p));
	assert_string_equal(np_strbuf_str(&b), want);
	np_strbuf_free(&b);
}

static void test_items(void **state)
{
	struct np_range w = range("0.2"), c = range("@0.5:1"), lw = range("10"), unset = { 0 };

	(void)state;
	item_is(&(struct np_perf){ "time", 0.000123, NP_UOM_S, &w, &c, 0, 10 },
		"time=0.000123s;0.2;@0.5:1;0;10");
	/* trailing empty fields left out, inner ones kept */
	item_is(&(struct np_perf){ "time", 1.5, NP_UOM_S, NULL, NULL, NAN, NAN }, "time=1.5s");
	item_is(&(struct np_perf){ "time", 1.5, NP_UOM_S, NULL, &c, NAN, NAN },
		"time=1.5s;;@0.5:1");
	item_is(&(struct np_perf){ "time", 1.5, NP_UOM_S, &unset, NULL, 0, NAN },
		"time=1.5s;;;0");
	item_is(&(struct np_perf){ "loss", 20, NP_UOM_PERCENT, &lw, NULL, 0, 100 },
		"loss=20%;10;;0;100");
	item_is(&(struct np_perf){ "n", 3, NP_UOM_COUNTER, NULL, NULL, NAN, NAN }, "n=3c");
	item_is(&(struct np_perf){ "rcode", 3, NP_UOM_NONE, NULL, NULL, NAN, NAN }, "rcode=3");
	/* not measured: the guidelines' U */
	item_is(&(struct np_perf){ "time", NAN, NP_UOM_S, &w, NULL, 0, 10 }, "time=U;0.2;;0;10");
	item_is(&(struct np_perf){ "time", INFINITY, NP_UOM_S, NULL, NULL, NAN, NAN }, "time=U");
	/* huge and tiny: plain decimals, no exponent */
	item_is(&(struct np_perf){ "b", 1e18, NP_UOM_B, NULL, NULL, NAN, NAN },
		"b=1000000000000000000B");
	item_is(&(struct np_perf){ "t", 1e-15, NP_UOM_S, NULL, NULL, -0.0, INFINITY }, "t=0s;;;0");
}

static void test_line(void **state)
{
	struct np_strbuf b = NP_STRBUF_INIT;
	const char *uoms[] = { "", "s", "ms", "us", "%", "B", "KB", "MB", "TB", "c" };

	(void)state;
	assert_true(np_perfdata_add(&b, &(struct np_perf){ "dns", 0.002, NP_UOM_S, NULL, NULL, 0, NAN }));
	assert_true(np_perfdata_add(&b, &(struct np_perf){ "connect ::1", 0.0004, NP_UOM_S, NULL, NULL, 0, NAN }));
	assert_string_equal(np_strbuf_str(&b), "dns=0.002s;;;0 'connect ::1'=0.0004s;;;0");
	assert_null(strchr(np_strbuf_str(&b), '\n'));
	for (int u = NP_UOM_NONE; u <= NP_UOM_COUNTER; u++)
		assert_string_equal(np_uom_name((enum np_uom)u), uoms[u]);
	np_strbuf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_items),
		cmocka_unit_test(test_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
