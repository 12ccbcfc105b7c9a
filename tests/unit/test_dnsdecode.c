/* src/dnsdecode.c: rdata in dig's presentation and as fields, sections, the
 * byte annotations for --dump, and refusal of records that lie. */
#include <config.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include "dnsbuild.h"
#include "dnsdecode.h"

static struct np_dns_message m;

static int decode(const struct msg *b)
{
	np_dns_message_free(&m);
	return np_dns_decode(b->b, b->n, &m);
}

static const struct np_dns_record *answer(size_t i)
{
	size_t seen = 0;

	for (size_t k = 0; k < m.nrecords; k++)
		if (m.records[k].section == NP_SEC_ANSWER && seen++ == i)
			return &m.records[k];
	fail_msg("no answer %zu", i);
	return NULL;
}

static void test_types(void **state)
{
	struct msg b, t = { .n = 0 };

	putheader(&b, 0x1234, RESP(0) | 0x0400, 1, 7, 0, 0);
	putquestion(&b, "x.test", 255);
	/* MX 10 mail.x.test */
	putname(&t, "mail.x.test");
	putrr_head(&b, "x.test", 15, 300, 2 + (unsigned)t.n);
	put16(&b, 10);
	putbytes(&b, t.b, t.n);
	/* TXT with two strings, a quote and a control byte */
	putrr_head(&b, "x.test", 16, 60, 1 + 5 + 1 + 3);
	put8(&b, 5);
	putbytes(&b, "a\"b\001c", 5);
	put8(&b, 3);
	putbytes(&b, "two", 3);
	/* SRV 0 5 5060 sip.x.test */
	t.n = 0;
	putname(&t, "sip.x.test");
	putrr_head(&b, "_sip._udp.x.test", 33, 60, 6 + (unsigned)t.n);
	put16(&b, 0); put16(&b, 5); put16(&b, 5060);
	putbytes(&b, t.b, t.n);
	/* CAA 0 issue "ca.test" */
	putrr_head(&b, "x.test", 257, 60, 2 + 5 + 7);
	put8(&b, 0); put8(&b, 5);
	putbytes(&b, "issue", 5);
	putbytes(&b, "ca.test", 7);
	/* SOA */
	t.n = 0;
	putname(&t, "ns.x.test");
	putname(&t, "hostmaster.x.test");
	putrr_head(&b, "x.test", 6, 60, (unsigned)t.n + 20);
	putbytes(&b, t.b, t.n);
	put32(&b, 2024010101); put32(&b, 3600); put32(&b, 900); put32(&b, 604800); put32(&b, 60);
	/* TYPE65 with 3 bytes of rdata: RFC 3597 */
	putrr_head(&b, "x.test", 65, 60, 3);
	putbytes(&b, "\x01\x02\xff", 3);
	/* AAAA */
	putrr_head(&b, "x.test", 28, 60, 16);
	putbytes(&b, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);

	assert_int_equal(decode(&b), NP_DNS_OK);
	assert_int_equal(m.h.id, 0x1234);
	assert_int_equal(m.nrecords, 8);
	assert_string_equal(answer(0)->text, "10 mail.x.test.");
	assert_int_equal(answer(0)->num[0], 10);
	assert_string_equal(answer(0)->names[0], "mail.x.test.");
	assert_string_equal(answer(1)->text, "\"a\\\"b\\001c\" \"two\"");
	assert_int_equal(answer(1)->nstrings, 2);
	assert_string_equal(answer(1)->strings, "a\\\"b\\001c");
	assert_string_equal(answer(2)->text, "0 5 5060 sip.x.test.");
	assert_int_equal(answer(2)->num[2], 5060);
	assert_string_equal(answer(3)->text, "0 issue \"ca.test\"");
	assert_string_equal(answer(4)->text,
			    "ns.x.test. hostmaster.x.test. 2024010101 3600 900 604800 60");
	assert_int_equal(answer(4)->num[0], 2024010101u);
	assert_string_equal(answer(5)->text, "\\# 3 0102FF");
	assert_string_equal(answer(6)->text, "2001:db8::1");
	assert_int_equal(answer(0)->ttl, 300);
}

static void test_annotations(void **state)
{
	struct msg b;
	const uint8_t ip[4] = { 127, 0, 0, 1 };
	int ttl_seen = 0;

	putheader(&b, 7, RESP(0), 1, 1, 0, 0);
	putquestion(&b, "a4.test", 1);
	put_a(&b, "a4.test", 0x0102, ip);
	assert_int_equal(decode(&b), NP_DNS_OK);
	assert_string_equal(m.notes[0].field, "ID");
	assert_int_equal(m.notes[0].offset, 0);
	assert_string_equal(m.notes[1].field, "flags");
	assert_non_null(strstr(m.notes[1].text, "qr rd ra"));
	for (size_t i = 0; i < m.nnotes; i++) {
		if (strcmp(m.notes[i].field, "TTL") != 0)
			continue;
		ttl_seen = 1;
		assert_int_equal(m.notes[i].length, 4);
		assert_memory_equal(b.b + m.notes[i].offset, "\0\0\x01\x02", 4);
		assert_string_equal(m.notes[i].text, "258 s");
	}
	assert_true(ttl_seen);
}

static void test_lies(void **state)
{
	struct msg b, t = { .n = 0 };

	/* MX whose exchange name runs past its rdlength */
	putname(&t, "mail.x.test");
	putheader(&b, 1, RESP(0), 0, 1, 0, 0);
	putrr_head(&b, "x.test", 15, 60, 4);	/* says 4, carries 2 + 13 */
	put16(&b, 10);
	putbytes(&b, t.b, t.n);
	assert_int_equal(decode(&b), NP_DNS_ESHORT);

	/* rdlength longer than the content: MX with trailing garbage */
	putheader(&b, 1, RESP(0), 0, 1, 0, 0);
	putrr_head(&b, "x.test", 15, 60, 2 + (unsigned)t.n + 3);
	put16(&b, 10);
	putbytes(&b, t.b, t.n);
	putbytes(&b, "xyz", 3);
	assert_int_equal(decode(&b), NP_DNS_ESHORT);

	/* TXT string longer than the rdata */
	putheader(&b, 1, RESP(0), 0, 1, 0, 0);
	putrr_head(&b, "x.test", 16, 60, 3);
	put8(&b, 9);
	putbytes(&b, "ab", 2);
	assert_int_equal(decode(&b), NP_DNS_ESHORT);

	/* an answer count that the data does not hold */
	putheader(&b, 1, RESP(0), 0, 3, 0, 0);
	assert_int_equal(decode(&b), NP_DNS_ESHORT);

	/* a CNAME whose target pointer loops */
	putheader(&b, 1, RESP(0), 0, 1, 0, 0);
	putrr_head(&b, "x.test", 5, 60, 2);
	put16(&b, 0xc000 | (unsigned)(b.n));	/* points at itself */
	assert_int_equal(decode(&b), NP_DNS_ELOOP);
}

static void test_helpers(void **state)
{
	char buf[128];

	assert_int_equal(np_dns_type_from_name("mx"), 15);
	assert_int_equal(np_dns_type_from_name("CAA"), 257);
	assert_int_equal(np_dns_type_from_name("TYPE65"), 65);
	assert_int_equal(np_dns_type_from_name("99"), 99);
	assert_int_equal(np_dns_type_from_name("BOGUS"), 0);
	assert_int_equal(np_dns_type_from_name("TYPE70000"), 0);
	assert_int_equal(np_dns_reverse_name("192.0.2.7", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "7.2.0.192.in-addr.arpa");
	assert_int_equal(np_dns_reverse_name("2001:db8::1", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
	assert_int_equal(np_dns_reverse_name("example.test", buf, sizeof(buf)), -1);
	np_dns_flags_text(0x8580, buf, sizeof(buf));
	assert_string_equal(buf, "qr aa rd ra");
}

static int teardown(void **state)
{
	np_dns_message_free(&m);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_types, teardown),
		cmocka_unit_test_teardown(test_annotations, teardown),
		cmocka_unit_test_teardown(test_lies, teardown),
		cmocka_unit_test_teardown(test_helpers, teardown),
	};

	return cmocka_run_group_tests_name("dnsdecode", tests, NULL, NULL);
}
