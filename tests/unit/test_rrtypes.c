/* src/rrtypes.c: the RR type table is consistent (codes and names once, every
 * layout fits a decoded record, every JSON field points at a piece its layout
 * decodes), and the names it gives and takes are the ones the JSON schema and
 * the CLI promise: mnemonics for the types netprobe decodes, TYPEnnn for the
 * rest (RFC 3597), transfers known so they can be refused. */
#include <config.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include "dnsdecode.h"

static void test_rows_once(void **state)
{
	const struct np_rr_type *a, *b;

	for (size_t i = 0; (a = np_rr_at(i)); i++) {
		assert_non_null(a->name);
		assert_ptr_equal(np_rr_find(a->code), a);
		for (size_t k = i + 1; (b = np_rr_at(k)); k++) {
			assert_int_not_equal(a->code, b->code);
			assert_int_not_equal(strcasecmp(a->name, b->name), 0);
		}
	}
	assert_null(np_rr_find(65280));
	assert_null(np_rr_find(0));
}

/* What one row's layout decodes into: numbers, names, strings. */
static void layout_counts(const struct np_rr_type *t, size_t *num, size_t *names,
			  size_t *strings, bool *all_strings)
{
	*num = *names = *strings = 0;
	*all_strings = false;
	for (size_t i = 0; i < NP_RR_WIRE_MAX && t->wire[i] != NP_W_END; i++) {
		switch (t->wire[i]) {
		case NP_W_U8: case NP_W_U16: case NP_W_U32: (*num)++; break;
		case NP_W_NAME: (*names)++; break;
		case NP_W_TAG: case NP_W_REST: (*strings)++; break;
		case NP_W_STRINGS: *all_strings = true; break;
		default: break;
		}
	}
}

static void test_layouts_fit(void **state)
{
	const struct np_dns_record *r = NULL;
	const struct np_rr_type *t;

	for (size_t i = 0; (t = np_rr_at(i)); i++) {
		size_t num, names, strings;
		bool all;

		layout_counts(t, &num, &names, &strings, &all);
		assert_true(num <= sizeof(r->num) / sizeof(r->num[0]));
		assert_true(names <= sizeof(r->names) / sizeof(r->names[0]));
		/* only a decoded type has a layout and fields */
		if (t->use != NP_RR_DATA) {
			assert_int_equal(t->wire[0], NP_W_END);
			assert_null(t->fields[0].key);
			continue;
		}
		assert_int_not_equal(t->wire[0], NP_W_END);
		assert_non_null(t->fields[0].key);
		for (size_t f = 0; f < NP_RR_FIELDS_MAX && t->fields[f].key; f++) {
			const struct np_rr_field *fd = &t->fields[f];

			if (fd->source == NP_F_NUM)
				assert_true(fd->index < num);
			if (fd->source == NP_F_NAME)
				assert_true(fd->index < names);
			if (fd->source == NP_F_STRING)
				assert_true(fd->index < strings || all);
			if (fd->source == NP_F_STRINGS || fd->source == NP_F_STRINGS_HEX)
				assert_true(all);
		}
	}
}

static void test_names_out(void **state)
{
	char buf[16];

	assert_string_equal(np_dns_type_name(NP_RR_A, buf, sizeof(buf)), "A");
	assert_string_equal(np_dns_type_name(NP_RR_CAA, buf, sizeof(buf)), "CAA");
	assert_string_equal(np_dns_type_name(NP_RR_SRV, buf, sizeof(buf)), "SRV");
	/* the schema's type_name: mnemonics only for what netprobe decodes */
	assert_string_equal(np_dns_type_name(NP_RR_ANY, buf, sizeof(buf)), "TYPE255");
	assert_string_equal(np_dns_type_name(NP_RR_OPT, buf, sizeof(buf)), "TYPE41");
	assert_string_equal(np_dns_type_name(NP_RR_AXFR, buf, sizeof(buf)), "TYPE252");
	assert_string_equal(np_dns_type_name(65535, buf, sizeof(buf)), "TYPE65535");
	assert_string_equal(np_dns_type_name(0, buf, sizeof(buf)), "TYPE0");
}

static void test_names_in(void **state)
{
	const struct np_rr_type *t;

	for (size_t i = 0; (t = np_rr_at(i)); i++)
		if (t->use != NP_RR_EDNS)
			assert_int_equal(np_dns_type_from_name(t->name), t->code);
	assert_int_equal(np_dns_type_from_name("aaaa"), NP_RR_AAAA);
	assert_int_equal(np_dns_type_from_name("any"), NP_RR_ANY);
	assert_int_equal(np_dns_type_from_name("TYPE28"), NP_RR_AAAA);
	assert_int_equal(np_dns_type_from_name("type65280"), 65280);
	assert_int_equal(np_dns_type_from_name("65535"), 65535);
	assert_int_equal(np_dns_type_from_name("99"), 99);
	/* transfers are known, so the CLI can refuse them by name */
	assert_int_equal(np_rr_find(np_dns_type_from_name("AXFR"))->use, NP_RR_TRANSFER);
	assert_int_equal(np_rr_find(np_dns_type_from_name("ixfr"))->use, NP_RR_TRANSFER);
	/* hostile or mistaken input: none of these is a type */
	assert_int_equal(np_dns_type_from_name("OPT"), 0);	/* nobody asks for OPT */
	assert_int_equal(np_dns_type_from_name(""), 0);
	assert_int_equal(np_dns_type_from_name("BOGUS"), 0);
	assert_int_equal(np_dns_type_from_name("TYPE70000"), 0);
	assert_int_equal(np_dns_type_from_name("TYPE"), 0);
	assert_int_equal(np_dns_type_from_name("TYPE0"), 0);
	assert_int_equal(np_dns_type_from_name("TYPE65536"), 0);
	assert_int_equal(np_dns_type_from_name("TYPE-1"), 0);
	assert_int_equal(np_dns_type_from_name("TYPE 1"), 0);
	assert_int_equal(np_dns_type_from_name("1x"), 0);
	assert_int_equal(np_dns_type_from_name("A\n"), 0);
	assert_int_equal(np_dns_type_from_name("99999999999999999999"), 0);
}

static void test_helpers(void **state)
{
	assert_int_equal(np_rr_family(NP_RR_A), AF_INET);
	assert_int_equal(np_rr_family(NP_RR_AAAA), AF_INET6);
	assert_int_equal(np_rr_family(NP_RR_MX), 0);
	assert_true(np_rr_answers(NP_RR_MX, NP_RR_MX));
	assert_false(np_rr_answers(NP_RR_MX, NP_RR_CNAME));
	assert_true(np_rr_answers(NP_RR_ANY, NP_RR_TXT));
	assert_false(np_rr_answers(NP_RR_TXT, NP_RR_ANY));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_once),
		cmocka_unit_test(test_layouts_fit),
		cmocka_unit_test(test_names_out),
		cmocka_unit_test(test_names_in),
		cmocka_unit_test(test_helpers),
	};

	return cmocka_run_group_tests_name("rrtypes", tests, NULL, NULL);
}
