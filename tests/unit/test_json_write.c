/* src/json_write.c against its oracle, jansson's own json_dumps: random trees
 * (every kind of value, hostile strings, reals of every magnitude, empty and
 * nested containers) must come out byte for byte as jansson prints them,
 * compact and indented, and shifted by a starting depth as the streamed
 * document needs. */
#include <config.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "json_write.h"
#include "strbuf.h"

#include "fail_realloc.h"

#define PRECISION JSON_REAL_PRECISION(12)

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint32_t next(void)	/* xorshift64*: the same trees every run */
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545f4914f6cdd1du) >> 32);
}

/* Pieces a string is made of: plain text, every escape jansson knows, control
 * bytes, DEL, the slash, 2-, 3- and 4-byte UTF-8, U+2028. */
static const char *const pieces[] = {
	"a", "name1.bench.test.", " ", "\"", "\\", "/", "\b", "\f", "\n", "\r", "\t",
	"\x01", "\x1b[31m", "\x1f", "\x7f", "\xc3\xa9", "\xe2\x80\xa8", "\xe2\x82\xac",
	"\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf", "127.0.0.1:5353", "",
};

static json_t *random_string(void)
{
	char s[256] = "";
	size_t len = 0, n = next() % 8;

	for (size_t i = 0; i < n; i++) {
		const char *p = pieces[next() % (sizeof(pieces) / sizeof(*pieces))];
		size_t pl = strlen(p);

		if (len + pl >= sizeof(s))
			break;
		memcpy(s + len, p, pl);
		len += pl;
	}
	if (next() % 16 == 0 && len + 1 < sizeof(s))
		len++;	/* a NUL inside: json_stringn keeps it, and so must we */
	return json_stringn(s, len);
}

static double random_real(void)
{
	static const double fixed[] = {
		0.0, -0.0, 1.0, -1.0, 3.0, 0.5, 0.1 + 0.2, 1e16, 1e17, 1e20, 1e-5, 1e-4,
		123456789012345.0, 999999999999.5, 0.000123456789012345, 1.7976931348623157e308,
		2.2250738585072014e-308, 4.9e-324, 100.0, 1234567.0, 0.688, 1e300, -1e-300,
	};
	double m;

	if (next() % 3 == 0)
		return fixed[next() % (sizeof(fixed) / sizeof(*fixed))];
	m = (double)next() / 4294967296.0 * (next() % 2 ? 1 : -1);
	return m * pow(10.0, (int)(next() % 61) - 30);
}

static json_t *random_value(int depth)
{
	unsigned kind = next() % (depth >= 4 ? 6 : 9);

	switch (kind) {
	case 0: return json_null();
	case 1: return json_true();
	case 2: return json_false();
	case 3: {
		static const json_int_t ints[] = { 0, -1, 53, 65535, INT64_MAX, INT64_MIN };

		return json_integer(next() % 2 ? ints[next() % 6]
				    : (json_int_t)next() - (json_int_t)next());
	}
	case 4: return json_real(random_real());
	case 5: return random_string();
	case 6:
	case 7: {
		json_t *o = json_object();
		size_t n = next() % 6;

		for (size_t i = 0; i < n; i++) {
			json_t *k = random_string();

			json_object_setn_new(o, json_string_value(k), json_string_length(k),
					     random_value(depth + 1));
			json_decref(k);
		}
		return o;
	}
	default: {
		json_t *a = json_array();
		size_t n = next() % 6;

		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, random_value(depth + 1));
		return a;
	}
	}
}

/* jansson's text with every line after the first shifted by `shift` spaces */
static char *shifted(const char *text, int shift)
{
	size_t lines = 1;
	char *out, *o;

	for (const char *p = text; *p; p++)
		lines += *p == '\n';
	out = o = malloc(strlen(text) + lines * (size_t)shift + 1);
	assert_non_null(out);
	for (const char *p = text; *p; p++) {
		*o++ = *p;
		if (*p == '\n')
			for (int i = 0; i < shift; i++)
				*o++ = ' ';
	}
	*o = '\0';
	return out;
}

static void same_as_jansson(const json_t *v, int indent, int depth)
{
	size_t flags = PRECISION | JSON_ENCODE_ANY |
		       (indent ? JSON_INDENT(indent) : JSON_COMPACT);
	char *want = json_dumps(v, flags), *want_shifted;
	struct np_strbuf b = NP_STRBUF_INIT;

	assert_non_null(want);
	want_shifted = shifted(want, indent * depth);
	assert_true(np_json_write(&b, v, indent, depth));
	assert_int_equal(b.len, strlen(want_shifted));
	assert_memory_equal(np_strbuf_str(&b), want_shifted, b.len);
	np_strbuf_free(&b);
	free(want_shifted);
	free(want);
}

static void test_random_trees(void **state)
{
	(void)state;
	for (int i = 0; i < 20000; i++) {
		json_t *v = random_value(0);

		same_as_jansson(v, 0, 0);
		same_as_jansson(v, 2, 0);
		same_as_jansson(v, 2, (int)(next() % 3));
		same_as_jansson(v, 4, 1);
		json_decref(v);
	}
}

static void test_reals(void **state)
{
	(void)state;
	/* every power of ten jansson might write with or without an exponent, and
	 * one ulp either side */
	for (int e = -320; e <= 308; e++) {
		double x = pow(10.0, e);
		json_t *v[] = { json_real(x), json_real(-x), json_real(nextafter(x, 0)),
				json_real(nextafter(x, INFINITY)), json_real(x * 1.5) };

		for (size_t i = 0; i < sizeof(v) / sizeof(*v); i++) {
			if (!v[i])
				continue;	/* an infinity: jansson has no such real */
			same_as_jansson(v[i], 0, 0);
			json_decref(v[i]);
		}
	}
}

static void test_documented_shapes(void **state)
{
	json_t *doc = json_pack("{s:[], s:{}, s:[[]], s:{s:{}}, s:f, s:I, s:s, s:n, s:b}",
				"empty_array", "empty_object", "nested", "deep", "inner",
				"time_ms", 0.688, "id", (json_int_t)52628, "esc", "a\"b\\c\x01/",
				"null", "ok", 1);
	struct np_strbuf b = NP_STRBUF_INIT;

	(void)state;
	assert_non_null(doc);
	same_as_jansson(doc, 0, 0);
	same_as_jansson(doc, 2, 0);
	/* the hard-coded form, so that a jansson that changed would show here */
	assert_true(np_json_write(&b, doc, 0, 0));
	assert_string_equal(np_strbuf_str(&b),
			    "{\"empty_array\":[],\"empty_object\":{},\"nested\":[[]],"
			    "\"deep\":{\"inner\":{}},\"time_ms\":0.688,\"id\":52628,"
			    "\"esc\":\"a\\\"b\\\\c\\u0001/\",\"null\":null,\"ok\":true}");
	np_strbuf_free(&b);
	json_decref(doc);
}

static void test_appends(void **state)
{
	struct np_strbuf b = NP_STRBUF_INIT;
	json_t *v = json_integer(7);

	(void)state;
	np_strbuf_puts(&b, "x=");
	assert_true(np_json_write(&b, v, 0, 0));
	assert_string_equal(np_strbuf_str(&b), "x=7");
	np_strbuf_free(&b);
	json_decref(v);
}

static void test_out_of_memory(void **state)
{
	json_t *v = json_pack("{s:s, s:[i,i,i]}", "a", "a long enough string to need memory",
			      "b", 1, 2, 3);
	struct np_strbuf b = NP_STRBUF_INIT;

	(void)state;
	fail_in = 1;
	assert_false(np_json_write(&b, v, 0, 0));
	assert_true(b.failed);
	fail_in = 0;
	np_strbuf_free(&b);
	json_decref(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_trees),
		cmocka_unit_test(test_reals),
		cmocka_unit_test(test_documented_shapes),
		cmocka_unit_test(test_appends),
		cmocka_unit_test(test_out_of_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
