/* src/promtext.c: the text exposition format 0.0.4, byte for byte, and the
 * refusals that keep a malformed exposition from being built at all. */
#include <config.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "promtext.h"
#include "strbuf.h"

struct fixture {
	struct np_strbuf out;
	struct np_prom p;
};

static int setup(void **state)
{
	static struct fixture f;

	np_strbuf_init(&f.out);
	np_prom_init(&f.p, &f.out);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	np_prom_free(&f->p);
	np_strbuf_free(&f->out);
	return 0;
}

static void test_families(void **state)
{
	struct fixture *f = *state;
	struct np_prom_label l[] = { { "address", "::1" }, { "port", "80" } };

	assert_int_equal(np_prom_family(&f->p, "probe_success", NP_PROM_GAUGE,
					"Displays whether or not the probe was a success"), 0);
	assert_int_equal(np_prom_sample_int(&f->p, NULL, 0, 1), 0);
	assert_int_equal(np_prom_family(&f->p, "netprobe_connect_time_seconds", NP_PROM_GAUGE,
					"Connect time"), 0);
	assert_int_equal(np_prom_sample(&f->p, l, 2, 0.000123), 0);
	assert_int_equal(np_prom_family(&f->p, "netprobe_exporter_requests_total",
					NP_PROM_COUNTER, "Requests"), 0);
	assert_int_equal(np_prom_sample_uint(&f->p, NULL, 0, UINT64_MAX), 0);
	assert_int_equal(np_prom_family(&f->p, "odd:name", NP_PROM_UNTYPED, "x"), 0);
	assert_int_equal(np_prom_sample_int(&f->p, NULL, 0, INT64_MIN), 0);
	assert_int_equal(np_prom_finish(&f->p), 0);
	assert_string_equal(np_strbuf_str(&f->out),
		"# HELP probe_success Displays whether or not the probe was a success\n"
		"# TYPE probe_success gauge\n"
		"probe_success 1\n"
		"# HELP netprobe_connect_time_seconds Connect time\n"
		"# TYPE netprobe_connect_time_seconds gauge\n"
		"netprobe_connect_time_seconds{address=\"::1\",port=\"80\"} 0.000123\n"
		"# HELP netprobe_exporter_requests_total Requests\n"
		"# TYPE netprobe_exporter_requests_total counter\n"
		"netprobe_exporter_requests_total 18446744073709551615\n"
		"# HELP odd:name x\n"
		"# TYPE odd:name untyped\n"
		"odd:name -9223372036854775808\n");
	assert_string_equal(np_prom_error(&f->p), "");
}

static void test_special_values(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(np_prom_family(&f->p, "g", NP_PROM_GAUGE, "h"), 0);
	np_prom_sample(&f->p, (struct np_prom_label[]){ { "v", "nan" } }, 1, NAN);
	np_prom_sample(&f->p, (struct np_prom_label[]){ { "v", "inf" } }, 1, INFINITY);
	np_prom_sample(&f->p, (struct np_prom_label[]){ { "v", "-inf" } }, 1, -INFINITY);
	np_prom_sample(&f->p, (struct np_prom_label[]){ { "v", "big" } }, 1, 1.7976931348623157e308);
	np_prom_sample(&f->p, (struct np_prom_label[]){ { "v", "tenth" } }, 1, 0.1);
	np_prom_sample(&f->p, (struct np_prom_label[]){ { "v", "2^53+1" } }, 1, 9007199254740993.0);
	np_prom_sample_int(&f->p, (struct np_prom_label[]){ { "v", "int" } }, 1, 9007199254740993);
	assert_int_equal(np_prom_finish(&f->p), 0);
	assert_string_equal(np_strbuf_str(&f->out),
		"# HELP g h\n# TYPE g gauge\n"
		"g{v=\"nan\"} NaN\n"
		"g{v=\"inf\"} +Inf\n"
		"g{v=\"-inf\"} -Inf\n"
		"g{v=\"big\"} 1.7976931348623157e+308\n"
		"g{v=\"tenth\"} 0.1\n"
		"g{v=\"2^53+1\"} 9007199254740992\n"
		"g{v=\"int\"} 9007199254740993\n");
}

/* Every byte a peer could put in a label or a HELP line */
static void test_escapes(void **state)
{
	struct fixture *f = *state;
	struct np_prom_label l[] = {
		{ "q", "say \"hi\"" }, { "bs", "C:\\dir\\" }, { "nl", "a\nb" },
		{ "ctl", "\x1b[2J\r\t" }, { "bad", "\xff\xc3(" }, { "utf8", "caf\xc3\xa9 \xe2\x9c\x93" },
		{ "empty", "" },
	};

	assert_int_equal(np_prom_family(&f->p, "m", NP_PROM_GAUGE,
					"a \\ backslash, a \"quote\" and\na newline\x01"), 0);
	assert_int_equal(np_prom_sample(&f->p, l, sizeof(l) / sizeof(l[0]), 1), 0);
	assert_int_equal(np_prom_finish(&f->p), 0);
	assert_string_equal(np_strbuf_str(&f->out),
		"# HELP m a \\\\ backslash, a \"quote\" and\\na newline\\\\x01\n"
		"# TYPE m gauge\n"
		"m{q=\"say \\\"hi\\\"\",bs=\"C:\\\\dir\\\\\",nl=\"a\\nb\","
		"ctl=\"\\\\x1b[2J\\\\x0d\\\\x09\",bad=\"\\\\xff\\\\xc3(\","
		"utf8=\"caf\xc3\xa9 \xe2\x9c\x93\",empty=\"\"} 1\n");
}

static void refused(void **state, int (*build)(struct np_prom *p), const char *says)
{
	struct fixture *f = *state;
	size_t before;

	assert_int_equal(np_prom_family(&f->p, "ok_metric", NP_PROM_GAUGE, "fine"), 0);
	before = f->out.len;
	assert_int_equal(build(&f->p), -1);
	assert_int_equal(f->out.len, before);	/* nothing half-written */
	if (!strstr(np_prom_error(&f->p), says))
		fail_msg("error '%s' does not say '%s'", np_prom_error(&f->p), says);
	/* sticky: everything after is refused, the first message kept */
	assert_int_equal(np_prom_family(&f->p, "later", NP_PROM_GAUGE, "x"), -1);
	assert_int_equal(np_prom_sample(&f->p, NULL, 0, 1), -1);
	assert_int_equal(np_prom_finish(&f->p), -1);
	assert_non_null(strstr(np_prom_error(&f->p), says));
	teardown(state);
	setup(state);
}

static int bad_name(struct np_prom *p) { return np_prom_family(p, "9lives", NP_PROM_GAUGE, "x"); }
static int dash_name(struct np_prom *p) { return np_prom_family(p, "a-b", NP_PROM_GAUGE, "x"); }
static int empty_name(struct np_prom *p) { return np_prom_family(p, "", NP_PROM_GAUGE, "x"); }
static int null_name(struct np_prom *p) { return np_prom_family(p, NULL, NP_PROM_GAUGE, "x"); }
static int no_help(struct np_prom *p) { return np_prom_family(p, "a", NP_PROM_GAUGE, ""); }
static int twice(struct np_prom *p) { return np_prom_family(p, "ok_metric", NP_PROM_GAUGE, "x"); }
static int counter_name(struct np_prom *p) { return np_prom_family(p, "reqs", NP_PROM_COUNTER, "x"); }
static int bad_type(struct np_prom *p) { return np_prom_family(p, "t", (enum np_prom_type)9, "x"); }

static int long_name(struct np_prom *p)
{
	char name[300];

	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	return np_prom_family(p, name, NP_PROM_GAUGE, "x");
}

static int label_dash(struct np_prom *p)
{
	return np_prom_sample(p, (struct np_prom_label[]){ { "a-b", "v" } }, 1, 1);
}

static int label_reserved(struct np_prom *p)
{
	return np_prom_sample(p, (struct np_prom_label[]){ { "__name__", "v" } }, 1, 1);
}

static int label_colon(struct np_prom *p)
{
	return np_prom_sample(p, (struct np_prom_label[]){ { "a:b", "v" } }, 1, 1);
}

static int label_twice(struct np_prom *p)
{
	return np_prom_sample(p, (struct np_prom_label[]){ { "a", "1" }, { "a", "2" } }, 2, 1);
}

static int label_null(struct np_prom *p)
{
	return np_prom_sample(p, (struct np_prom_label[]){ { "a", NULL } }, 1, 1);
}

static int too_many_labels(struct np_prom *p)
{
	struct np_prom_label l[NP_PROM_MAX_LABELS + 1];

	for (size_t i = 0; i < NP_PROM_MAX_LABELS + 1; i++)
		l[i] = (struct np_prom_label){ "l", "v" };
	return np_prom_sample(p, l, NP_PROM_MAX_LABELS + 1, 1);
}

static void test_negative_counter(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(np_prom_family(&f->p, "c_total", NP_PROM_COUNTER, "x"), 0);
	assert_int_equal(np_prom_sample_int(&f->p, NULL, 0, 0), 0);
	assert_int_equal(np_prom_sample(&f->p, NULL, 0, -0.5), -1);
	assert_non_null(strstr(np_prom_error(&f->p), "negative"));
	assert_int_equal(np_prom_sample_int(&f->p, NULL, 0, 1), -1);
	assert_null(strstr(np_strbuf_str(&f->out), "-0.5"));
}

static void test_refusals(void **state)
{
	refused(state, bad_name, "not [a-zA-Z_:]");
	refused(state, dash_name, "not [a-zA-Z_:]");
	refused(state, empty_name, "not [a-zA-Z_:]");
	refused(state, null_name, "(null)");
	refused(state, long_name, "too long");
	refused(state, no_help, "no HELP");
	refused(state, twice, "begun twice");
	refused(state, counter_name, "ends in _total");
	refused(state, bad_type, "no such type");
	refused(state, label_dash, "label name 'a-b'");
	refused(state, label_reserved, "starts with __");
	refused(state, label_colon, "label name 'a:b'");
	refused(state, label_twice, "label a given twice");
	refused(state, label_null, "has no value");
	refused(state, too_many_labels, "more than 16");
}

/* a family cannot come back after another began: its samples stay together */
static void test_no_interleaving(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(np_prom_sample(&f->p, NULL, 0, 1), -1);	/* no family yet */
	assert_non_null(strstr(np_prom_error(&f->p), "before any"));
	teardown(state);
	setup(state);
	f = *state;
	assert_int_equal(np_prom_family(&f->p, "a", NP_PROM_GAUGE, "x"), 0);
	assert_int_equal(np_prom_family(&f->p, "a_b", NP_PROM_GAUGE, "x"), 0);
	assert_int_equal(np_prom_family(&f->p, "b", NP_PROM_GAUGE, "x"), 0);
	assert_int_equal(np_prom_family(&f->p, "a", NP_PROM_GAUGE, "x"), -1);
	assert_int_equal(np_prom_finish(&f->p), -1);
}

/* many families and big label values: the buffer grows, nothing is cut */
static void test_large(void **state)
{
	struct fixture *f = *state;
	static char value[70000];
	char name[32];

	memset(value, '"', sizeof(value) - 1);
	for (int i = 0; i < 500; i++) {
		snprintf(name, sizeof(name), "m%d", i);
		assert_int_equal(np_prom_family(&f->p, name, NP_PROM_GAUGE, "x"), 0);
	}
	assert_int_equal(np_prom_sample(&f->p, (struct np_prom_label[]){ { "v", value } }, 1, 1), 0);
	assert_int_equal(np_prom_finish(&f->p), 0);
	assert_true(f->out.len > 2 * sizeof(value));
	assert_string_equal(f->out.s + f->out.len - 7, "\\\"\"} 1\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_families, setup, teardown),
		cmocka_unit_test_setup_teardown(test_special_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_escapes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_interleaving, setup, teardown),
		cmocka_unit_test_setup_teardown(test_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_negative_counter, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
