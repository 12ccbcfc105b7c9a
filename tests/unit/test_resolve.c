/* src/resolve.c np_dns_interpret: rcode, CNAME chain, TTLs, and the replies it
 * must refuse (wrong question, not a response, loops, bad record sizes). */
#include <config.h>
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include "dnsbuild.h"
#include "resolve.h"

static const uint8_t ip1[4] = { 127, 0, 0, 1 }, ip2[4] = { 127, 0, 0, 2 };

struct fixture {
	struct np_dns_query q;
	struct np_dns_result dns;
};

static struct fixture *interpret(const struct msg *m, const char *qname, uint16_t qtype)
{
	static struct fixture f;

	np_dns_result_clear(&f.dns);	/* the previous test's chain and referral */
	memset(&f, 0, sizeof(f));
	f.q.qtype = qtype;
	f.q.rcode = -1;
	snprintf(f.q.server, sizeof(f.q.server), "127.0.0.1:53");
	np_dns_interpret(m->b, m->n, qname, qtype, &f.q, &f.dns);
	return &f;
}

static void test_two_a_records_with_ttls(void **state)
{
	struct msg m;
	struct fixture *f;
	char buf[INET_ADDRSTRLEN];

	putheader(&m, 7, RESP(0), 1, 3, 0, 0);
	putquestion(&m, "multi.example.test", 1);
	put_a(&m, "multi.example.test", 300, ip1);
	put_a(&m, "other.example.test", 999, ip2);	/* not ours: ignored */
	put_a(&m, "MULTI.example.test", 301, ip2);	/* names compare without case */
	f = interpret(&m, "multi.example.test", 1);
	assert_int_equal(f->q.status, NP_DNS_STATUS_OK);
	assert_int_equal(f->q.rcode, 0);
	assert_int_equal(f->q.answers, 2);
	assert_int_equal(f->dns.naddrs, 2);
	assert_int_equal(f->dns.addrs[0].ttl, 300);
	assert_int_equal(f->dns.addrs[1].ttl, 301);
	inet_ntop(AF_INET, &((struct sockaddr_in *)&f->dns.addrs[1].sa)->sin_addr, buf, sizeof(buf));
	assert_string_equal(buf, "127.0.0.2");
	assert_string_equal(f->dns.canonical, "multi.example.test");
	assert_int_equal(f->dns.ncnames, 0);
	assert_false(f->q.err.set);
}

static void test_cname_chain(void **state)
{
	struct msg m;
	struct fixture *f;

	putheader(&m, 7, RESP(0), 1, 3, 0, 0);
	putquestion(&m, "c1.example.test", 1);
	put_a(&m, "dual.example.test", 120, ip1);	/* order in the section is free */
	put_cname(&m, "c2.example.test", 60, "dual.example.test");
	put_cname(&m, "c1.example.test", 60, "c2.example.test");
	f = interpret(&m, "c1.example.test", 1);
	assert_int_equal(f->q.status, NP_DNS_STATUS_OK);
	assert_int_equal(f->dns.ncnames, 2);
	assert_string_equal(f->dns.cnames[0], "c1.example.test");
	assert_string_equal(f->dns.cnames[1], "c2.example.test");
	assert_string_equal(f->dns.canonical, "dual.example.test");
	assert_int_equal(f->dns.naddrs, 1);
	assert_int_equal(f->dns.addrs[0].ttl, 120);
}

static void test_cname_loop(void **state)
{
	struct msg m;
	struct fixture *f;

	putheader(&m, 7, RESP(0), 1, 2, 0, 0);
	putquestion(&m, "a.test", 1);
	put_cname(&m, "a.test", 60, "b.test");
	put_cname(&m, "b.test", 60, "a.test");
	f = interpret(&m, "a.test", 1);
	assert_int_equal(f->q.status, NP_DNS_STATUS_ERROR);
	assert_string_equal(f->q.err.code, "CNAME_LOOP");
	assert_int_equal(f->dns.naddrs, 0);
}

static void test_nxdomain(void **state)
{
	struct msg m;
	struct fixture *f;

	putheader(&m, 7, RESP(3), 1, 0, 1, 0);
	putquestion(&m, "nx.example.test", 28);
	f = interpret(&m, "nx.example.test", 28);
	assert_int_equal(f->q.status, NP_DNS_STATUS_NXDOMAIN);
	assert_int_equal(f->q.rcode, 3);
	assert_string_equal(f->q.err.code, "NXDOMAIN");
	assert_non_null(strstr(f->q.err.message, "nx.example.test does not exist"));
}

static void test_nodata(void **state)
{
	struct msg m;
	struct fixture *f;

	putheader(&m, 7, RESP(0), 1, 0, 0, 0);
	putquestion(&m, "nodata.example.test", 28);
	f = interpret(&m, "nodata.example.test", 28);
	assert_int_equal(f->q.status, NP_DNS_STATUS_NODATA);
	assert_int_equal(f->q.rcode, 0);
	assert_string_equal(f->q.err.code, "NODATA");
}

static void test_servfail_and_refused(void **state)
{
	struct msg m;
	struct fixture *f;

	putheader(&m, 7, RESP(2), 1, 0, 0, 0);
	putquestion(&m, "x.broken.test", 1);
	f = interpret(&m, "x.broken.test", 1);
	assert_int_equal(f->q.status, NP_DNS_STATUS_SERVFAIL);
	assert_int_equal(f->q.rcode, 2);

	putheader(&m, 7, RESP(5), 1, 0, 0, 0);
	putquestion(&m, "www.outside.invalid", 1);
	f = interpret(&m, "www.outside.invalid", 1);
	assert_int_equal(f->q.status, NP_DNS_STATUS_REFUSED);
	assert_int_equal(f->q.rcode, 5);

	putheader(&m, 7, RESP(4), 1, 0, 0, 0);	/* NOTIMP: an error named by its rcode */
	putquestion(&m, "x.test", 1);
	f = interpret(&m, "x.test", 1);
	assert_int_equal(f->q.status, NP_DNS_STATUS_ERROR);
	assert_string_equal(f->q.err.code, "NOTIMP");
}

static void test_refused_without_question(void **state)
{
	struct msg m;
	struct fixture *f;

	putheader(&m, 7, RESP(5), 0, 0, 0, 0);	/* some servers drop the question */
	f = interpret(&m, "x.test", 1);
	assert_int_equal(f->q.status, NP_DNS_STATUS_REFUSED);
}

static void test_wrong_question(void **state)
{
	struct msg m;
	struct fixture *f;

	putheader(&m, 7, RESP(0), 1, 1, 0, 0);
	putquestion(&m, "evil.test", 1);
	put_a(&m, "evil.test", 60, ip1);
	f = interpret(&m, "good.test", 1);
	assert_int_equal(f->q.status, NP_DNS_STATUS_ERROR);
	assert_string_equal(f->q.err.code, "MISMATCH");
	assert_int_equal(f->dns.naddrs, 0);

	putheader(&m, 7, RESP(0), 1, 0, 0, 0);	/* right name, wrong type */
	putquestion(&m, "good.test", 28);
	f = interpret(&m, "good.test", 1);
	assert_string_equal(f->q.err.code, "MISMATCH");
}

static void test_not_a_response(void **state)
{
	struct msg m;
	struct fixture *f;

	putheader(&m, 7, 0x0100, 1, 0, 0, 0);
	putquestion(&m, "x.test", 1);
	f = interpret(&m, "x.test", 1);
	assert_int_equal(f->q.status, NP_DNS_STATUS_ERROR);
	assert_string_equal(f->q.err.code, "BADREPLY");
}

static void test_bad_a_length(void **state)
{
	struct msg m;
	struct fixture *f;

	putheader(&m, 7, RESP(0), 1, 1, 0, 0);
	putquestion(&m, "x.test", 1);
	putrr_head(&m, "x.test", 1, 60, 5);
	putbytes(&m, "\x7f\0\0\x01\x02", 5);
	f = interpret(&m, "x.test", 1);
	assert_int_equal(f->q.status, NP_DNS_STATUS_ERROR);
	assert_string_equal(f->q.err.code, "MALFORMED");
	assert_int_equal(f->dns.naddrs, 0);
}

static void test_truncated_reply(void **state)
{
	struct msg m;
	struct fixture *f;

	putheader(&m, 7, RESP(0), 1, 1, 0, 0);
	putquestion(&m, "x.test", 1);
	put_a(&m, "x.test", 60, ip1);
	m.n -= 3;		/* cut inside the rdata */
	f = interpret(&m, "x.test", 1);
	assert_int_equal(f->q.status, NP_DNS_STATUS_ERROR);
	assert_string_equal(f->q.err.code, "MALFORMED");

	m.n = 5;		/* shorter than a header */
	f = interpret(&m, "x.test", 1);
	assert_string_equal(f->q.err.code, "MALFORMED");
}

static void test_address_cap(void **state)
{
	struct msg m;
	struct fixture *f;
	unsigned n = NP_MAX_ADDRS + 3;

	putheader(&m, 7, RESP(0), 1, n, 0, 0);
	putquestion(&m, "many.test", 1);
	for (unsigned i = 0; i < n; i++) {
		put16(&m, 0xc00c);
		put16(&m, 1); put16(&m, 1); put32(&m, 60); put16(&m, 4);
		put32(&m, 0x7f000000u + i);
	}
	f = interpret(&m, "many.test", 1);
	assert_int_equal(f->q.status, NP_DNS_STATUS_OK);
	assert_int_equal(f->dns.naddrs, NP_MAX_ADDRS);
	assert_int_equal(f->dns.dropped, 3);
	assert_int_equal(f->q.answers, n);
}

/* Response flags of a server that does not recurse: QR, RD echoed, no RA. */
#define NOREC(rcode, aa) (0x8000u | 0x0100u | ((aa) ? 0x0400u : 0) | (rcode))

static void put_ns(struct msg *m, const char *zone, const char *server)
{
	struct msg t = { .n = 0 };

	putname(&t, server);
	putrr_head(m, zone, 2, 3600, (unsigned)t.n);
	putbytes(m, t.b, t.n);
}

static void test_referral(void **state)
{
	struct msg m;
	struct fixture *f;

	putheader(&m, 7, NOREC(0, false), 1, 0, 2, 1);
	putquestion(&m, "host.deleg.example.test", 1);
	put_ns(&m, "deleg.example.test", "ns1.deleg.example.test");
	put_ns(&m, "deleg.example.test", "ns.elsewhere.test");
	put_a(&m, "ns1.deleg.example.test", 60, ip2);
	f = interpret(&m, "host.deleg.example.test", 1);
	assert_int_equal(f->q.status, NP_DNS_STATUS_REFERRAL);
	assert_string_equal(f->q.err.code, "REFERRAL");
	assert_non_null(f->dns.referral);
	assert_string_equal(f->dns.referral->zone, "deleg.example.test");
	assert_int_equal(f->dns.referral->nns, 2);
	assert_string_equal(f->dns.referral->ns[0].name, "ns1.deleg.example.test");
	assert_int_equal(f->dns.referral->ns[0].nglue, 1);
	assert_string_equal(f->dns.referral->ns[0].glue[0], "127.0.0.2");
	assert_int_equal(f->dns.referral->ns[1].nglue, 0);
	assert_int_equal(f->dns.naddrs, 0);

	/* the same with AA set is the zone's own NODATA, not a referral */
	putheader(&m, 7, NOREC(0, true), 1, 0, 1, 0);
	putquestion(&m, "host.deleg.example.test", 1);
	put_ns(&m, "deleg.example.test", "ns1.deleg.example.test");
	assert_int_equal(interpret(&m, "host.deleg.example.test", 1)->q.status, NP_DNS_STATUS_NODATA);
	/* NS of a zone that is not above the name: no referral for it */
	putheader(&m, 7, NOREC(0, false), 1, 0, 1, 0);
	putquestion(&m, "host.deleg.example.test", 1);
	put_ns(&m, "other.test", "ns.other.test");
	assert_int_equal(interpret(&m, "host.deleg.example.test", 1)->q.status, NP_DNS_STATUS_NODATA);
	/* a server that recursed for us (RA and RD): its empty answer is NODATA */
	putheader(&m, 7, RESP(0), 1, 0, 1, 0);
	putquestion(&m, "host.deleg.example.test", 1);
	put_ns(&m, "deleg.example.test", "ns1.deleg.example.test");
	assert_int_equal(interpret(&m, "host.deleg.example.test", 1)->q.status, NP_DNS_STATUS_NODATA);
}

static void test_incomplete_chain(void **state)
{
	struct msg m;
	struct fixture *f;

	putheader(&m, 7, NOREC(0, true), 1, 1, 0, 0);
	putquestion(&m, "out.example.test", 1);
	put_cname(&m, "out.example.test", 60, "target.example.net");
	f = interpret(&m, "out.example.test", 1);
	assert_int_equal(f->q.status, NP_DNS_STATUS_INCOMPLETE);
	assert_string_equal(f->dns.canonical, "target.example.net");
	assert_non_null(strstr(f->q.err.message, "target.example.net"));

	/* an SOA for the target's zone: the server holds it, so it is NODATA */
	putheader(&m, 7, NOREC(0, true), 1, 1, 1, 0);
	putquestion(&m, "out.example.test", 1);
	put_cname(&m, "out.example.test", 60, "target.example.net");
	putrr_head(&m, "example.net", 6, 60, 27);
	putname(&m, "ns");	/* 4 bytes */
	putname(&m, "h");	/* 3 bytes, then 5 x 4: 27 */
	for (int i = 0; i < 5; i++)
		put16(&m, 0), put8(&m, 0), put8(&m, 1);
	f = interpret(&m, "out.example.test", 1);
	assert_int_equal(f->q.status, NP_DNS_STATUS_NODATA);
}

static void test_rcode_wins_over_records(void **state)
{
	struct msg m;
	struct fixture *f;

	putheader(&m, 7, RESP(3), 1, 1, 0, 0);
	putquestion(&m, "nx.example.test", 1);
	put_a(&m, "nx.example.test", 60, ip1);
	f = interpret(&m, "nx.example.test", 1);
	assert_int_equal(f->q.status, NP_DNS_STATUS_NXDOMAIN);
	assert_int_equal(f->dns.naddrs, 0);
	assert_non_null(strstr(f->q.err.message, "not used"));
	putheader(&m, 7, RESP(2), 1, 1, 0, 0);
	putquestion(&m, "sf.example.test", 1);
	put_a(&m, "sf.example.test", 60, ip1);
	f = interpret(&m, "sf.example.test", 1);
	assert_int_equal(f->q.status, NP_DNS_STATUS_SERVFAIL);
	assert_int_equal(f->dns.naddrs, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_a_records_with_ttls),
		cmocka_unit_test(test_cname_chain),
		cmocka_unit_test(test_cname_loop),
		cmocka_unit_test(test_nxdomain),
		cmocka_unit_test(test_nodata),
		cmocka_unit_test(test_servfail_and_refused),
		cmocka_unit_test(test_refused_without_question),
		cmocka_unit_test(test_wrong_question),
		cmocka_unit_test(test_not_a_response),
		cmocka_unit_test(test_bad_a_length),
		cmocka_unit_test(test_truncated_reply),
		cmocka_unit_test(test_address_cap),
		cmocka_unit_test(test_referral),
		cmocka_unit_test(test_incomplete_chain),
		cmocka_unit_test(test_rcode_wins_over_records),
	};

	return cmocka_run_group_tests_name("resolve", tests, NULL, NULL);
}
