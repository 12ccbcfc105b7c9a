/* src/hexdump.c: the one hex dumper in each form netprobe prints (JSON's plain
 * lowercase string, the spaced --dump columns cut with a mark, RFC 3597's
 * capitals), cut only between whole bytes, never past its buffer. */
#include <config.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "hexdump.h"

static const uint8_t port443[] = { 0x0a, 0x00, 0x01, 0xbb };
static const uint8_t ten[] = { 0, 1, 2, 3, 4, 5, 6, 7, 0xfe, 0xff };
static const struct np_hex_style plain = { .sep = "" };
static const struct np_hex_style column = { .sep = " ", .max = 8, .more = " .." };
static const struct np_hex_style capitals = { .sep = "", .upper = true };

static void test_plain(void **state)
{
	char b[64];

	assert_int_equal(np_hex_format(port443, sizeof(port443), &plain, b, sizeof(b)), 8);
	assert_string_equal(b, "0a0001bb");
	assert_int_equal(np_hex_size(sizeof(port443), &plain), 8);
	assert_int_equal(np_hex_format(ten, sizeof(ten), &plain, b, sizeof(b)), 20);
	assert_string_equal(b, "0001020304050607feff");	/* no max: every byte */
}

static void test_capitals(void **state)
{
	char b[64];

	np_hex_format(ten + 8, 2, &capitals, b, sizeof(b));
	assert_string_equal(b, "FEFF");
}

static void test_column_cut_with_mark(void **state)
{
	char b[64];

	assert_int_equal(np_hex_format(ten, sizeof(ten), &column, b, sizeof(b)), 26);
	assert_string_equal(b, "00 01 02 03 04 05 06 07 ..");
	assert_int_equal(np_hex_size(sizeof(ten), &column), 26);
	/* exactly max bytes: nothing was left out, so no mark */
	np_hex_format(ten, 8, &column, b, sizeof(b));
	assert_string_equal(b, "00 01 02 03 04 05 06 07");
	assert_int_equal(np_hex_size(8, &column), 23);
	np_hex_format(port443, 1, &column, b, sizeof(b));
	assert_string_equal(b, "0a");	/* one byte: no separator */
}

static void test_nothing(void **state)
{
	char b[8] = "junk";

	assert_int_equal(np_hex_format(NULL, 0, &column, b, sizeof(b)), 0);
	assert_string_equal(b, "");
	assert_int_equal(np_hex_size(0, &column), 0);
}

/* A short buffer: whole bytes only (never half a byte, never a separator
 * without its byte), the mark only whole, always terminated. */
static void test_short_buffer(void **state)
{
	char b[32];

	memset(b, 'x', sizeof(b));
	assert_int_equal(np_hex_format(port443, 4, &plain, b, 4), 2);
	assert_string_equal(b, "0a");
	assert_int_equal(b[4], 'x');
	assert_int_equal(np_hex_format(port443, 4, &plain, b, 5), 4);
	assert_string_equal(b, "0a00");
	assert_int_equal(np_hex_format(port443, 4, &column, b, 5), 2);
	assert_string_equal(b, "0a");
	assert_int_equal(np_hex_format(ten, sizeof(ten), &column, b, 25), 23);
	assert_string_equal(b, "00 01 02 03 04 05 06 07");	/* " .." did not fit */
	assert_int_equal(np_hex_format(port443, 4, &plain, b, 1), 0);
	assert_string_equal(b, "");
	b[0] = 'x';
	assert_int_equal(np_hex_format(port443, 4, &plain, b, 0), 0);
	assert_int_equal(b[0], 'x');	/* no room, not even for the NUL: untouched */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_capitals),
		cmocka_unit_test(test_column_cut_with_mark),
		cmocka_unit_test(test_nothing),
		cmocka_unit_test(test_short_buffer),
	};

	return cmocka_run_group_tests_name("hexdump", tests, NULL, NULL);
}
