/* src/dnsdecode.c: rdata in dig's presentation and as fields, sections, the
 * byte annotations for --dump, and refusal of records that lie. */
#include <config.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include "dnsbuild.h"
#include "dnsdecode.h"
#include "report_lookup.h"

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

	assert_int_equal(np_dns_reverse_name("192.0.2.7", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "7.2.0.192.in-addr.arpa");
	assert_int_equal(np_dns_reverse_name("2001:db8::1", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
	assert_int_equal(np_dns_reverse_name("example.test", buf, sizeof(buf)), -1);
	np_dns_flags_text(0x8580, buf, sizeof(buf));
	assert_string_equal(buf, "qr aa rd ra");
}

/* ---- hostile bytes: every decoder, every printed field (issue 8 item 11) ---- */

#define EVIL_NAME "\x1b[2J\n;;f\x7f\x9b\xff\x01.evil.test"
static const uint8_t evil_bytes[] = "\x1b[31m\n;;forged\r\x00\x07\x7f\x9b\xff\"\\";
/* every type the decoder knows, and one it does not */
static const unsigned evil_types[] = { 1, 2, 5, 6, 12, 15, 16, 28, 33, 257, 65280 };

static void put_evil_rdata(struct msg *t, unsigned type)
{
	static const uint8_t a6[16] = { [15] = 1 };

	t->n = 0;
	switch (type) {
	case 1: putbytes(t, "\x7f\0\0\1", 4); break;
	case 28: putbytes(t, a6, 16); break;
	case 2: case 5: case 12: putname(t, EVIL_NAME); break;
	case 6: putname(t, EVIL_NAME); putname(t, EVIL_NAME);
		for (int i = 0; i < 5; i++)
			put32(t, (uint32_t)i);
		break;
	case 15: put16(t, 10); putname(t, EVIL_NAME); break;
	case 33: put16(t, 1); put16(t, 2); put16(t, 3); putname(t, EVIL_NAME); break;
	case 16: put8(t, sizeof(evil_bytes) - 1); putbytes(t, evil_bytes, sizeof(evil_bytes) - 1);
		put8(t, 0); break;
	case 257: put8(t, 0); put8(t, 6); putbytes(t, "i\x1b\n;;f", 6);
		putbytes(t, evil_bytes, sizeof(evil_bytes) - 1); break;
	default: putbytes(t, evil_bytes, sizeof(evil_bytes) - 1);
	}
}

static void put_evil_message(struct msg *b)
{
	struct msg t;
	size_t n = sizeof(evil_types) / sizeof(evil_types[0]);

	putheader(b, 7, RESP(0), 1, (unsigned)n, 0, 0);
	putquestion(b, EVIL_NAME, 255);
	for (size_t i = 0; i < n; i++) {
		put_evil_rdata(&t, evil_types[i]);
		putrr_head(b, EVIL_NAME, evil_types[i], 60, (unsigned)t.n);
		putbytes(b, t.b, t.n);
	}
}

/* s holds nothing but printable ASCII (and newlines when lines are allowed) */
static void assert_printable(const char *what, const char *s, size_t n, bool lines)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 0x20 && s[i] < 0x7f) || (lines && s[i] == '\n')))
			fail_msg("%s: raw byte 0x%02x at %zu in \"%.*s\"", what, (uint8_t)s[i], i,
				 (int)n, s);
}

static void test_hostile_decoders(void **state)
{
	struct msg b;

	put_evil_message(&b);
	assert_int_equal(decode(&b), NP_DNS_OK);
	assert_int_equal(m.nrecords, 1 + sizeof(evil_types) / sizeof(evil_types[0]));
	for (size_t i = 0; i < m.nrecords; i++) {
		const struct np_dns_record *r = &m.records[i];
		const char *str = r->strings;

		assert_printable("owner name", r->name, strlen(r->name), false);
		assert_printable("rdata text", r->text, strlen(r->text), false);
		for (size_t k = 0; k < r->nnames; k++)
			assert_printable("rdata name", r->names[k], strlen(r->names[k]), false);
		for (size_t k = 0; k < r->nstrings; k++, str += strlen(str) + 1)
			assert_printable("rdata string", str, strlen(str), false);
	}
	for (size_t i = 0; i < m.nnotes; i++)
		assert_printable(m.notes[i].field, m.notes[i].text, strlen(m.notes[i].text), false);
	/* dig's forms, which kdig prints too */
	assert_string_equal(answer(6)->text, "\"\\027[31m\\010;;forged\\013\\000\\007\\127\\155\\255\\\"\\\\\" \"\"");
	assert_string_equal(answer(9)->text, "0 i\\027\\010;;f \"\\027[31m\\010;;forged\\013\\000\\007\\127\\155\\255\\\"\\\\\"");
	assert_string_equal(answer(1)->names[0], "\\027[2J\\010\\;\\;f\\127\\155\\255\\001.evil.test.");
}

/* Every lookup format prints the hostile message without one raw byte. */
static void test_hostile_reporters(void **state)
{
	static const struct { enum np_format format; struct np_lookup_view view; } runs[] = {
		{ NP_FORMAT_TEXT, { false, false } }, { NP_FORMAT_TEXT, { true, false } },
		{ NP_FORMAT_TEXT, { false, true } }, { NP_FORMAT_JSON, { false, false } },
		{ NP_FORMAT_NDJSON, { false, false } },
	};
	/* the name the user typed: JSON carries it as Unicode text (the encoder
	 * escapes C0 controls, not DEL), so here it is plain; the bytes checked
	 * are the server's */
	struct np_lookup_opts o = { .name = "evil.test", .types = { 255 }, .ntypes = 1 };
	struct np_lookup_reply rep;
	struct np_lookup_result res = { .opts = &o, .replies = &rep, .nreplies = 1 };
	struct msg b;

	put_evil_message(&b);
	assert_int_equal(decode(&b), NP_DNS_OK);
	res.replies[0] = (struct np_lookup_reply){ .qtype = 255, .msg = b.b, .len = b.n, .m = m };
	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		assert_non_null(f);
		np_lookup_reporters[runs[i].format].report(f, &res, &runs[i].view, 0);
		fclose(f);
		assert_true(len > 200);	/* printed something: the check below is not vacuous */
		assert_printable(np_format_name(runs[i].format), buf, len, true);
		free(buf);
	}
}

/* 65,000 empty strings: all kept, as text and as bytes (decoded in linear time). */
static void test_many_strings(void **state)
{
	static uint8_t big[12 + 20 + 12 + 65000];
	size_t n = 0, pos = 0, len, count = 0;
	const uint8_t *raw;
	struct msg *hdr = malloc(sizeof(*hdr));

	putheader(hdr, 1, RESP(0), 0, 1, 0, 0);
	putrr_head(hdr, "x.test", 16, 60, 65000);
	memcpy(big, hdr->b, hdr->n);
	n = hdr->n + 65000;	/* the rdata: 65,000 length bytes of 0 */
	free(hdr);
	assert_int_equal(np_dns_decode(big, n, &m), NP_DNS_OK);
	assert_int_equal(answer(0)->nstrings, 65000);
	while ((raw = np_dns_record_raw_next(answer(0), &pos, &len)))
		count += len == 0;
	assert_int_equal(count, 65000);
	assert_int_equal(answer(0)->strings_len, 65000);	/* 65,000 NULs */
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
		cmocka_unit_test_teardown(test_hostile_decoders, teardown),
		cmocka_unit_test_teardown(test_hostile_reporters, teardown),
		cmocka_unit_test_teardown(test_many_strings, teardown),
	};

	return cmocka_run_group_tests_name("dnsdecode", tests, NULL, NULL);
}
