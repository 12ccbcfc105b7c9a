/* src/escape.c: the one escaping routine in each of its styles, cut only between
 * whole escapes; the UTF-8 checks behind JSON strings and truncated messages. */
#include <config.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "escape.h"

static const uint8_t hostile[] = "a\x1b[2J\n\r\t\\\"\x00\x7f\x9b\xff .;@";
#define HOSTILE_LEN (sizeof(hostile) - 1)

static const char *esc(enum np_escape_style st, char *buf, size_t len)
{
	np_escape(hostile, HOSTILE_LEN, st, buf, len);
	return buf;
}

static void test_styles(void **state)
{
	char b[256];

	assert_string_equal(esc(NP_ESC_C, b, sizeof(b)),
			    "a\\x1b[2J\\n\\r\\t\\\\\\\"\\x00\\x7f\\x9b\\xff .;@");
	assert_string_equal(esc(NP_ESC_CTRL, b, sizeof(b)),
			    "a\\x1b[2J\\x0a\\x0d\\x09\\\"\\x00\\x7f\\x9b\\xff .;@");
	assert_string_equal(esc(NP_ESC_DNS_TEXT, b, sizeof(b)),
			    "a\\027[2J\\010\\013\\009\\\\\\\"\\000\\127\\155\\255 .;@");
	assert_string_equal(esc(NP_ESC_DNS_LABEL, b, sizeof(b)),
			    "a\\027[2J\\010\\013\\009\\\\\\\"\\000\\127\\155\\255\\032\\.\\;\\@");
	/* JSON: ASCII as it is (the encoder escapes controls), bytes not UTF-8 as \xHH */
	assert_string_equal(np_escape_str("a\x1b\n\x9b\xff\\\"", NP_ESC_UTF8, b, sizeof(b)),
			    "a\x1b\n\\x9b\\xff\\\"");
	for (int st = NP_ESC_C; st <= NP_ESC_UTF8; st++)
		assert_int_equal(np_escape_size(hostile, HOSTILE_LEN, st),
				 np_escape(hostile, HOSTILE_LEN, st, b, sizeof(b)));
}

static void test_no_raw_bytes(void **state)
{
	uint8_t all[256];
	char b[2048];

	for (int i = 0; i < 256; i++)
		all[i] = (uint8_t)i;
	for (int st = NP_ESC_C; st <= NP_ESC_DNS_LABEL; st++) {
		size_t n = np_escape(all, sizeof(all), st, b, sizeof(b));

		assert_int_equal(n, strlen(b));
		for (size_t i = 0; i < n; i++)
			assert_true(b[i] >= 0x20 && b[i] < 0x7f);
	}
}

static void test_cut(void **state)
{
	char b[8];

	/* "ab\x1b": the escape needs 4 bytes, 2 are left: it is left out whole */
	assert_int_equal(np_escape((const uint8_t *)"ab\x1b", 3, NP_ESC_C, b, 5), 2);
	assert_string_equal(b, "ab");
	assert_int_equal(np_escape((const uint8_t *)"abc", 3, NP_ESC_C, b, 0), 0);
	/* a UTF-8 character is kept whole or not at all */
	assert_int_equal(np_escape((const uint8_t *)"a\xc3\xa9", 3, NP_ESC_UTF8, b, 3), 1);
	assert_string_equal(np_escape_str("x\xc3\xa9y", NP_ESC_UTF8, b, sizeof(b)), "x\xc3\xa9y");
}

static void test_utf8(void **state)
{
	char s[16];

	assert_int_equal(np_utf8_char_len((const uint8_t *)"\xc3\xa9", 2), 2);
	assert_int_equal(np_utf8_char_len((const uint8_t *)"\xe2\x82\xac", 3), 3);
	assert_int_equal(np_utf8_char_len((const uint8_t *)"\xf0\x9f\x98\x80", 4), 4);
	assert_int_equal(np_utf8_char_len((const uint8_t *)"\xc3", 1), 0);		/* cut */
	assert_int_equal(np_utf8_char_len((const uint8_t *)"\xa9", 1), 0);		/* stray */
	assert_int_equal(np_utf8_char_len((const uint8_t *)"\xc0\xaf", 2), 0);	/* overlong */
	assert_int_equal(np_utf8_char_len((const uint8_t *)"\xed\xa0\x80", 3), 0);	/* surrogate */
	assert_int_equal(np_utf8_char_len((const uint8_t *)"\xf4\x90\x80\x80", 4), 0);
	strcpy(s, "ab\xe2\x82");
	np_utf8_trim_end(s);
	assert_string_equal(s, "ab");
	strcpy(s, "ab\xc3");
	np_utf8_trim_end(s);
	assert_string_equal(s, "ab");
	strcpy(s, "ab\xc3\xa9");
	np_utf8_trim_end(s);
	assert_string_equal(s, "ab\xc3\xa9");
	strcpy(s, "abc");
	np_utf8_trim_end(s);
	assert_string_equal(s, "abc");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_styles),
		cmocka_unit_test(test_no_raw_bytes),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_utf8),
	};

	return cmocka_run_group_tests_name("escape", tests, NULL, NULL);
}
