/* src/local.c and src/local_proc.c: the bind verdicts in plain words, what a bind
 * accepts, and the /proc/net line parser. */
#include <config.h>
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "local.h"
#include "report_local.h"
#include "words.h"

static struct np_local_result r;

static void add(int proto, const char *addr, int v6only)
{
	struct np_local_socket *s = &r.socks[r.nsocks++];

	memset(s, 0, sizeof(*s));
	s->proto = proto;
	s->v6only = v6only;
	s->pid = -1;
	if (inet_pton(AF_INET, addr, &((struct sockaddr_in *)&s->addr)->sin_addr) == 1)
		s->addr.ss_family = AF_INET;
	else if (inet_pton(AF_INET6, addr, &((struct sockaddr_in6 *)&s->addr)->sin6_addr) == 1)
		s->addr.ss_family = AF_INET6;
	else
		fail_msg("bad address %s", addr);
}

static void judge(enum np_local_kind want, const char *words)
{
	char text[1024];

	r.port = 3000;
	np_local_judge(&r);
	assert_int_equal(r.kind, want);
	np_words_local_verdict(&r, text, sizeof(text));
	if (!strstr(text, words))
		fail_msg("verdict '%s' lacks '%s'", text, words);
	memset(&r, 0, sizeof(r));
}

static void test_verdicts(void **state)
{
	judge(NP_LOCAL_NOTHING, "nothing listens on port 3000");
	add(IPPROTO_TCP, "127.0.0.1", -1);
	judge(NP_LOCAL_LOOPBACK_V4, "bound to 127.0.0.1 only: other hosts cannot reach it, and "
	      "IPv6 clients (localhost -> ::1 first) are refused");
	add(IPPROTO_TCP, "::1", 1);
	judge(NP_LOCAL_LOOPBACK_V6, "bound to ::1 only: other hosts cannot reach it, and IPv4 "
	      "clients of localhost (127.0.0.1) are refused");
	add(IPPROTO_TCP, "127.0.0.1", -1);
	add(IPPROTO_TCP, "::1", 1);
	judge(NP_LOCAL_LOOPBACK_BOTH, "loopback only (127.0.0.1 and [::1]): other hosts cannot reach it;");
	add(IPPROTO_TCP, "0.0.0.0", -1);
	judge(NP_LOCAL_ANY_V4_ONLY, "bound to 0.0.0.0 only: IPv6 clients (localhost -> ::1 first) are refused");
	add(IPPROTO_TCP, "::", 0);
	judge(NP_LOCAL_ANY_V6_DUAL, "every interface, IPv4 and IPv6");
	add(IPPROTO_TCP, "::", 1);
	judge(NP_LOCAL_ANY_V6_ONLY, "bound to :: with IPV6_V6ONLY: IPv4 clients are refused (127.0.0.1 too);");
	add(IPPROTO_TCP, "0.0.0.0", -1);
	add(IPPROTO_TCP, "::", 1);
	judge(NP_LOCAL_ANY_BOTH, "every interface");
	add(IPPROTO_TCP, "198.51.100.2", -1);
	judge(NP_LOCAL_ADDRESS, "bound to 198.51.100.2 only");
	add(IPPROTO_UDP, "127.0.0.1", -1);	/* UDP only: the verdict is about UDP */
	judge(NP_LOCAL_LOOPBACK_V4, "UDP port 3000");
}

/* 127.0.0.0/8 is loopback, but localhost is 127.0.0.1 and ::1: a bind elsewhere
 * in 127/8 refuses its clients, and the verdict says so as the table does. */
static void test_other_loopback(void **state)
{
	add(IPPROTO_TCP, "127.0.0.5", -1);
	judge(NP_LOCAL_LOOPBACK_V4, "bound to 127.0.0.5 only: other hosts cannot reach it, and "
	      "clients of localhost are refused too: neither 127.0.0.1 nor ::1 accepts");
	add(IPPROTO_TCP, "127.0.0.5", -1);
	add(IPPROTO_TCP, "127.0.0.7", -1);
	r.port = 3000;
	np_local_judge(&r);
	assert_false(r.localhost4);
	assert_false(r.localhost6);
	judge(NP_LOCAL_LOOPBACK_V4, "bound to 127.0.0.5 and 127.0.0.7 only");
	add(IPPROTO_TCP, "127.0.0.5", -1);
	add(IPPROTO_TCP, "::1", 1);
	judge(NP_LOCAL_LOOPBACK_BOTH, "and IPv4 clients of localhost (127.0.0.1) are refused");
	add(IPPROTO_TCP, "::", 1);	/* :: v6only, and 127.0.0.5 has its own socket */
	add(IPPROTO_TCP, "127.0.0.5", -1);
	judge(NP_LOCAL_ANY_V6_ONLY, "IPv4 clients are refused (127.0.0.1 too), except at 127.0.0.5 (its own socket)");
	add(IPPROTO_TCP, "::", 1);
	add(IPPROTO_TCP, "127.0.0.1", -1);
	judge(NP_LOCAL_ANY_V6_ONLY, "IPv4 clients are refused, except at 127.0.0.1 (its own socket)");
	add(IPPROTO_TCP, "198.51.100.2", -1);
	add(IPPROTO_TCP, "127.0.0.1", -1);
	judge(NP_LOCAL_MIXED, "IPv6 clients (localhost -> ::1 first) are refused");
}

/* An unknown IPV6_V6ONLY (/proc/net) that decides the kind is said to be assumed. */
static void test_v6only_assumed(void **state)
{
	add(IPPROTO_UDP, "::", -1);
	r.port = 3000;
	np_local_judge(&r);
	assert_true(r.v6only_assumed);
	judge(NP_LOCAL_ANY_V6_DUAL, "assumes IPV6_V6ONLY=0");
	add(IPPROTO_UDP, "::", 0);
	np_local_judge(&r);
	assert_false(r.v6only_assumed);
	memset(&r, 0, sizeof(r));
	add(IPPROTO_TCP, "0.0.0.0", -1);	/* 0.0.0.0 takes IPv4 whatever V6ONLY is */
	add(IPPROTO_TCP, "::", -1);
	np_local_judge(&r);
	assert_false(r.v6only_assumed);
	memset(&r, 0, sizeof(r));
}

/* fe80::1 on one link is not fe80::1 on another: the zone takes part. */
static void test_link_local(void **state)
{
	struct sockaddr_in6 on2 = { .sin6_family = AF_INET6, .sin6_scope_id = 2 };
	struct sockaddr_in6 on3 = on2;
	char text[1024];

	inet_pton(AF_INET6, "fe80::5", &on2.sin6_addr);
	on3.sin6_addr = on2.sin6_addr;
	on3.sin6_scope_id = 3;
	add(IPPROTO_TCP, "fe80::5", 0);
	((struct sockaddr_in6 *)&r.socks[0].addr)->sin6_scope_id = 2;
	r.socks[0].bound_if = 2;
	snprintf(r.socks[0].bound_ifname, sizeof(r.socks[0].bound_ifname), "veth0");
	assert_true(np_local_accepts(&r.socks[0], (struct sockaddr *)&on2));
	assert_false(np_local_accepts(&r.socks[0], (struct sockaddr *)&on3));
	r.port = 3000;
	np_local_judge(&r);
	assert_int_equal(r.kind, NP_LOCAL_ADDRESS);
	np_words_local_verdict(&r, text, sizeof(text));
	if (!strstr(text, "bound to [fe80::5%veth0] only"))
		fail_msg("verdict '%s' lacks the zone", text);
	r.socks[0].bound_if = 0;	/* /proc/net: the zone is not known */
	r.socks[0].bound_ifname[0] = '\0';
	np_words_local_verdict(&r, text, sizeof(text));
	if (!strstr(text, "bound to [fe80::5%?] only"))
		fail_msg("verdict '%s' does not say the zone is unknown", text);
	memset(&r, 0, sizeof(r));
}

static void test_accepts(void **state)
{
	struct sockaddr_in v4 = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0xc6336401) };
	struct sockaddr_in lo = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in6 v6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };

	add(IPPROTO_TCP, "127.0.0.1", -1);
	assert_true(np_local_accepts(&r.socks[0], (struct sockaddr *)&lo));
	assert_false(np_local_accepts(&r.socks[0], (struct sockaddr *)&v4));
	assert_false(np_local_accepts(&r.socks[0], (struct sockaddr *)&v6));
	add(IPPROTO_TCP, "::", 0);		/* dual-stack takes IPv4 too */
	assert_true(np_local_accepts(&r.socks[1], (struct sockaddr *)&v4));
	assert_true(np_local_accepts(&r.socks[1], (struct sockaddr *)&v6));
	add(IPPROTO_TCP, "::", 1);
	assert_false(np_local_accepts(&r.socks[2], (struct sockaddr *)&v4));
	add(IPPROTO_TCP, "0.0.0.0", -1);
	assert_true(np_local_accepts(&r.socks[3], (struct sockaddr *)&v4));
	assert_false(np_local_accepts(&r.socks[3], (struct sockaddr *)&v6));
	memset(&r, 0, sizeof(r));
}

static void test_proc_lines(void **state)
{
	struct np_local_socket s;
	char buf[INET6_ADDRSTRLEN];
	/* 127.0.0.1:3000 LISTEN, as the kernel prints it on a little-endian host */
	const uint32_t lo = htonl(INADDR_LOOPBACK);
	char line[256];

	snprintf(line, sizeof(line), "   0: %08X:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 "
		 "00000000     0        0 4242 1 0000000000000000 100 0 0 10 0", lo);
	assert_int_equal(np_local_parse_proc_line(line, AF_INET, IPPROTO_TCP, 3000, &s), 1);
	assert_int_equal(s.inode, 4242);
	assert_int_equal(s.uid, 0);
	assert_string_equal(inet_ntop(AF_INET, &((struct sockaddr_in *)&s.addr)->sin_addr, buf,
				      sizeof(buf)), "127.0.0.1");
	assert_int_equal(ntohs(((struct sockaddr_in *)&s.addr)->sin_port), 3000);
	assert_int_equal(np_local_parse_proc_line(line, AF_INET, IPPROTO_TCP, 3001, &s), 0);
	assert_memory_equal(line + 34, "0A", 2);
	line[35] = '1';		/* state 01: ESTABLISHED, not a listener */
	assert_int_equal(np_local_parse_proc_line(line, AF_INET, IPPROTO_TCP, 3000, &s), 0);
	assert_int_equal(np_local_parse_proc_line("  sl  local_address rem_address   st", AF_INET,
						  IPPROTO_TCP, 3000, &s), 0);
	/* [::]:3000 in tcp6 */
	assert_int_equal(np_local_parse_proc_line("   1: 00000000000000000000000000000000:0BB8 "
		"00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  "
		"1000        0 77 1", AF_INET6, IPPROTO_TCP, 3000, &s), 1);
	assert_int_equal(s.uid, 1000);
	assert_int_equal(s.v6only, -1);
	assert_true(IN6_IS_ADDR_UNSPECIFIED(&((struct sockaddr_in6 *)&s.addr)->sin6_addr));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_other_loopback),
		cmocka_unit_test(test_v6only_assumed),
		cmocka_unit_test(test_link_local),
		cmocka_unit_test(test_accepts),
		cmocka_unit_test(test_proc_lines),
	};

	return cmocka_run_group_tests_name("local", tests, NULL, NULL);
}
