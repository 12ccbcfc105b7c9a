/* src/dnsmsg.c: the reader gets good messages right and refuses lying ones. */
#include <config.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <setjmp.h>
#include <cmocka.h>
#include "dnsbuild.h"
#include "dnsmsg.h"

static int read_name_at(const struct msg *m, size_t off, char *out, size_t outlen, size_t *end)
{
	size_t o = off;
	int rc = np_dns_read_name(m->b, m->n, &o, out, outlen);

	if (end)
		*end = o;
	return rc;
}

static void test_header_and_question(void **state)
{
	struct msg m;
	struct np_dns_reader r;
	struct np_dns_header h;
	char name[NP_DNS_TEXT_MAX];
	uint16_t type, cls;

	putheader(&m, 0xbeef, RESP(3), 1, 0, 0, 0);
	putquestion(&m, "nx.example.test", 28);
	assert_int_equal(np_dns_reader_init(&r, m.b, m.n, &h), NP_DNS_OK);
	assert_int_equal(h.id, 0xbeef);
	assert_int_equal(NP_DNS_QR(h.flags), 1);
	assert_int_equal(NP_DNS_RCODE(h.flags), 3);
	assert_int_equal(h.qdcount, 1);
	assert_int_equal(np_dns_read_question(&r, name, sizeof(name), &type, &cls), NP_DNS_OK);
	assert_string_equal(name, "nx.example.test.");
	assert_int_equal(type, 28);
	assert_int_equal(cls, 1);
	assert_int_equal(r.off, m.n);
}

static void test_short_header(void **state)
{
	uint8_t b[11] = { 0 };
	struct np_dns_reader r;
	struct np_dns_header h;

	assert_int_equal(np_dns_reader_init(&r, b, sizeof(b), &h), NP_DNS_ESHORT);
}

static void test_compressed_rr(void **state)
{
	struct msg m;
	struct np_dns_reader r;
	struct np_dns_header h;
	struct np_dns_rr rr;
	char name[NP_DNS_TEXT_MAX];
	uint16_t type, cls;
	const uint8_t ip[4] = { 127, 0, 0, 1 };

	putheader(&m, 1, RESP(0), 1, 1, 0, 0);
	putquestion(&m, "a4.example.test", 1);
	put16(&m, 0xc00c);	/* pointer to the question name */
	put16(&m, 1); put16(&m, 1); put32(&m, 300); put16(&m, 4);
	putbytes(&m, ip, 4);
	np_dns_reader_init(&r, m.b, m.n, &h);
	np_dns_read_question(&r, name, sizeof(name), &type, &cls);
	assert_int_equal(np_dns_read_rr(&r, &rr), NP_DNS_OK);
	assert_string_equal(rr.name, "a4.example.test.");
	assert_int_equal(rr.type, 1);
	assert_int_equal(rr.ttl, 300);
	assert_int_equal(rr.rdlength, 4);
	assert_memory_equal(m.b + rr.rdata, ip, 4);
	assert_int_equal(r.off, m.n);
}

static void test_counts_larger_than_data(void **state)
{
	struct msg m;
	struct np_dns_reader r;
	struct np_dns_header h;
	struct np_dns_rr rr;
	char name[NP_DNS_TEXT_MAX];
	uint16_t type, cls;

	putheader(&m, 1, RESP(0), 1, 5, 0, 0);	/* claims 5 answers, carries none */
	putquestion(&m, "x.test", 1);
	np_dns_reader_init(&r, m.b, m.n, &h);
	assert_int_equal(np_dns_read_question(&r, name, sizeof(name), &type, &cls), NP_DNS_OK);
	assert_int_equal(np_dns_read_rr(&r, &rr), NP_DNS_ESHORT);
}

static void test_pointer_loop(void **state)
{
	struct msg m;
	char name[NP_DNS_TEXT_MAX];

	putheader(&m, 1, RESP(0), 1, 0, 0, 0);
	put16(&m, 0xc00e);	/* offset 12 points to 14 */
	put16(&m, 0xc00c);	/* offset 14 points back to 12 */
	assert_int_equal(read_name_at(&m, 12, name, sizeof(name), NULL), NP_DNS_ELOOP);
}

static void test_pointer_to_itself(void **state)
{
	struct msg m;
	char name[NP_DNS_TEXT_MAX];

	putheader(&m, 1, RESP(0), 1, 0, 0, 0);
	put16(&m, 0xc00c);
	assert_int_equal(read_name_at(&m, 12, name, sizeof(name), NULL), NP_DNS_ELOOP);
}

static void test_pointer_past_end(void **state)
{
	struct msg m;
	char name[NP_DNS_TEXT_MAX];

	putheader(&m, 1, RESP(0), 1, 0, 0, 0);
	put16(&m, 0xc000 | 0x3fff);
	assert_int_equal(read_name_at(&m, 12, name, sizeof(name), NULL), NP_DNS_EPTR);
}

static void test_label_over_63(void **state)
{
	struct msg m;
	char name[NP_DNS_TEXT_MAX];

	putheader(&m, 1, RESP(0), 1, 0, 0, 0);
	put8(&m, 64);		/* 0x40: a label type that does not exist */
	for (int i = 0; i < 64; i++)
		put8(&m, 'a');
	put8(&m, 0);
	assert_int_equal(read_name_at(&m, 12, name, sizeof(name), NULL), NP_DNS_ELABEL);
}

static void test_name_over_255(void **state)
{
	struct msg m;
	char name[NP_DNS_TEXT_MAX];

	putheader(&m, 1, RESP(0), 1, 0, 0, 0);
	for (int l = 0; l < 5; l++) {	/* 5 x 64 wire bytes = 320 > 255 */
		put8(&m, 63);
		for (int i = 0; i < 63; i++)
			put8(&m, 'b');
	}
	put8(&m, 0);
	assert_int_equal(read_name_at(&m, 12, name, sizeof(name), NULL), NP_DNS_ENAMELEN);
}

static void test_name_runs_off_end(void **state)
{
	struct msg m;
	char name[NP_DNS_TEXT_MAX];

	putheader(&m, 1, RESP(0), 1, 0, 0, 0);
	put8(&m, 10);
	putbytes(&m, "abc", 3);	/* label says 10, message has 3 */
	assert_int_equal(read_name_at(&m, 12, name, sizeof(name), NULL), NP_DNS_ESHORT);
}

static void test_rdlength_past_end(void **state)
{
	struct msg m;
	struct np_dns_reader r;
	struct np_dns_header h;
	struct np_dns_rr rr;

	putheader(&m, 1, RESP(0), 0, 1, 0, 0);
	putrr_head(&m, "x.test", 1, 60, 200);	/* 200 bytes promised */
	put32(&m, 0x7f000001);
	np_dns_reader_init(&r, m.b, m.n, &h);
	assert_int_equal(np_dns_read_rr(&r, &rr), NP_DNS_ESHORT);
}

static void test_escapes(void **state)
{
	struct msg m;
	char name[NP_DNS_TEXT_MAX];
	size_t end;

	putheader(&m, 1, RESP(0), 1, 0, 0, 0);
	put8(&m, 4);
	putbytes(&m, "a.b\x01", 4);	/* a dot and a control byte inside one label */
	put8(&m, 0);
	assert_int_equal(read_name_at(&m, 12, name, sizeof(name), &end), NP_DNS_OK);
	assert_string_equal(name, "a\\.b\\001.");
	assert_int_equal(end, m.n);
}

static void test_root_name(void **state)
{
	struct msg m;
	char name[NP_DNS_TEXT_MAX];

	putheader(&m, 1, RESP(0), 1, 0, 0, 0);
	put8(&m, 0);
	assert_int_equal(read_name_at(&m, 12, name, sizeof(name), NULL), NP_DNS_OK);
	assert_string_equal(name, ".");
}

static void test_names(void **state)
{
	char buf[16];

	assert_string_equal(np_dns_rcode_name(0, buf, sizeof(buf)), "NOERROR");
	assert_string_equal(np_dns_rcode_name(2, buf, sizeof(buf)), "SERVFAIL");
	assert_string_equal(np_dns_rcode_name(3, buf, sizeof(buf)), "NXDOMAIN");
	assert_string_equal(np_dns_rcode_name(5, buf, sizeof(buf)), "REFUSED");
	assert_string_equal(np_dns_rcode_name(15, buf, sizeof(buf)), "RCODE15");
	assert_string_equal(np_dns_type_name(28, buf, sizeof(buf)), "AAAA");
	assert_string_equal(np_dns_type_name(65, buf, sizeof(buf)), "TYPE65");
	assert_true(np_dns_name_eq("Dual.Example.TEST", "dual.example.test."));
	assert_false(np_dns_name_eq("dual.example.test", "dual.example.tes"));
	assert_true(np_dns_name_eq(".", "."));
	/* compared as wire names: an escape and the byte it stands for are equal */
	assert_true(np_dns_name_eq("a\\065b.test", "aab.TEST."));
	assert_true(np_dns_name_eq("dot\\.name.test", "dot\\046name.test"));
	assert_true(np_dns_name_eq("sp\\ ace.test", "sp\\032ace.test"));
	assert_false(np_dns_name_eq("dot\\.name.test", "dot.name.test"));	/* 2 labels, not 3 */
	assert_false(np_dns_name_eq("a\\200.test", "a\\232.test"));	/* no case folding past ASCII */
	assert_false(np_dns_name_eq(".", "a."));
}

/* One validation of names, in wire form, with a reason for each refusal. */
static void test_name_to_wire(void **state)
{
	uint8_t w[300];
	size_t len;
	char name[600];
	size_t n = 0;

	assert_int_equal(np_dns_name_to_wire(".", w, sizeof(w), &len), NP_DNS_OK);
	assert_int_equal(len, 1);
	assert_int_equal(w[0], 0);
	assert_int_equal(np_dns_name_to_wire("a..", w, sizeof(w), &len), NP_DNS_EEMPTYLABEL);
	assert_int_equal(np_dns_name_to_wire(".a", w, sizeof(w), &len), NP_DNS_EEMPTYLABEL);
	assert_int_equal(np_dns_name_to_wire("", w, sizeof(w), &len), NP_DNS_EEMPTYLABEL);
	assert_int_equal(np_dns_name_to_wire("a\\256", w, sizeof(w), &len), NP_DNS_EESCAPE);
	assert_int_equal(np_dns_name_to_wire("a\\25", w, sizeof(w), &len), NP_DNS_EESCAPE);
	assert_int_equal(np_dns_name_to_wire("a\\", w, sizeof(w), &len), NP_DNS_EESCAPE);
	assert_int_equal(np_dns_name_to_wire("a\\255", w, sizeof(w), &len), NP_DNS_OK);
	assert_int_equal(w[2], 255);
	for (int i = 0; i < 64; i++)
		n += (size_t)snprintf(name + n, sizeof(name) - n, "x");
	assert_int_equal(np_dns_name_to_wire(name, w, sizeof(w), &len), NP_DNS_ELABELLEN);
	/* 4 labels of 63 and one of 2: 4*64 + 3 + 1 = 260 octets */
	n = 0;
	for (int l = 0; l < 5; l++) {
		for (int i = 0; i < (l < 4 ? 63 : 2); i++)
			name[n++] = 'y';
		name[n++] = '.';
	}
	name[n] = '\0';
	assert_int_equal(np_dns_name_to_wire(name, w, sizeof(w), &len), NP_DNS_ENAMELEN);
	assert_non_null(strstr(np_dns_strerror(NP_DNS_ENAMELEN), "255"));
	assert_non_null(strstr(np_dns_strerror(NP_DNS_ELABELLEN), "63"));
	assert_non_null(strstr(np_dns_strerror(NP_DNS_EESCAPE), "escape"));
	assert_non_null(strstr(np_dns_strerror(NP_DNS_EEMPTYLABEL), "empty label"));
}

static void test_build_query(void **state)
{
	uint8_t q[512];
	size_t len;
	static const uint8_t want[] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
		6, 's', 'p', ' ', 'a', 'c', 'e', 4, 't', 'e', 's', 't', 0, 0, 16, 0, 1 };
	char name[NP_DNS_TEXT_MAX], l64[80];
	size_t off = 12;

	/* \032 is a space: decoded, unlike ares_create_query in c-ares 1.18 */
	assert_int_equal(np_dns_build_query("sp\\032ace.test.", 16, 0x1234, true, q, sizeof(q), &len),
			 NP_DNS_OK);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(q, want, sizeof(want));
	assert_int_equal(np_dns_read_name(q, len, &off, name, sizeof(name)), NP_DNS_OK);
	assert_string_equal(name, "sp\\032ace.test.");	/* and back, as dig writes it */

	assert_int_equal(np_dns_build_query("a\\.b.test", 1, 1, false, q, sizeof(q), &len), 0);
	assert_int_equal(q[2], 0x00);	/* RD clear */
	assert_int_equal(q[12], 3);	/* "a.b" is one label */
	assert_int_equal(np_dns_build_query(".", 2, 1, true, q, sizeof(q), &len), 0);
	assert_int_equal(len, 12 + 1 + 4);
	assert_int_equal(np_dns_build_query("a..b", 1, 1, true, q, sizeof(q), &len), NP_DNS_EEMPTYLABEL);
	assert_int_equal(np_dns_build_query("a\\999", 1, 1, true, q, sizeof(q), &len), NP_DNS_EESCAPE);
	memset(l64, 'x', 64);
	l64[64] = '\0';
	assert_int_equal(np_dns_build_query(l64, 1, 1, true, q, sizeof(q), &len), NP_DNS_ELABELLEN);
}

static void test_zone_file_escapes(void **state)
{
	struct msg m;
	char name[NP_DNS_TEXT_MAX];

	putheader(&m, 1, RESP(0), 1, 0, 0, 0);
	put8(&m, 6);
	putbytes(&m, "a;b(c)", 6);	/* ; ( ) mean something in a zone file */
	put8(&m, 0);
	assert_int_equal(read_name_at(&m, 12, name, sizeof(name), NULL), NP_DNS_OK);
	assert_string_equal(name, "a\\;b\\(c\\).");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_and_question),
		cmocka_unit_test(test_short_header),
		cmocka_unit_test(test_compressed_rr),
		cmocka_unit_test(test_counts_larger_than_data),
		cmocka_unit_test(test_pointer_loop),
		cmocka_unit_test(test_pointer_to_itself),
		cmocka_unit_test(test_pointer_past_end),
		cmocka_unit_test(test_label_over_63),
		cmocka_unit_test(test_name_over_255),
		cmocka_unit_test(test_name_runs_off_end),
		cmocka_unit_test(test_rdlength_past_end),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_root_name),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_build_query),
		cmocka_unit_test(test_name_to_wire),
		cmocka_unit_test(test_zone_file_escapes),
	};

	return cmocka_run_group_tests_name("dnsmsg", tests, NULL, NULL);
}
