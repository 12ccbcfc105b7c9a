/* src/sockaddr.c: the dump shows the bytes as they sit in memory, and says which
 * are in network byte order. Expected bytes are written out by hand. */
#include <config.h>
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "sockaddr.h"

static const struct np_sa_field *find(const struct np_sa_dump *d, const char *name)
{
	for (size_t i = 0; i < d->nfields; i++)
		if (strcmp(d->fields[i].name, name) == 0)
			return &d->fields[i];
	fail_msg("no field %s", name);
	return NULL;
}

static void test_sockaddr_in_bytes(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(443),
				   .sin_addr.s_addr = htonl(0x7f000001) };
	/* port 443 = 0x01bb: network order puts 01 first whatever the host is */
	static const uint8_t port_addr[6] = { 0x01, 0xbb, 0x7f, 0x00, 0x00, 0x01 };
	const uint16_t one = 1;
	const int little = *(const uint8_t *)&one == 1;
	uint8_t family[2] = { little ? 2 : 0, little ? 0 : 2 };
	struct np_sa_dump d;
	const struct np_sa_field *f;

	assert_int_equal(np_sockaddr_dump((struct sockaddr *)&sin, &d), 0);
	assert_string_equal(d.type, "sockaddr_in");
	assert_int_equal(d.length, 16);
	assert_memory_equal(d.bytes, family, 2);
	assert_memory_equal(d.bytes + 2, port_addr, 6);
	assert_string_equal(np_host_byte_order(), little ? "little-endian" : "big-endian");

	f = find(&d, "sin_family");
	assert_int_equal(f->offset, 0);
	assert_int_equal(f->order, NP_ORDER_HOST);
	assert_int_equal(f->number, AF_INET);
	assert_string_equal(f->text, "AF_INET");
	f = find(&d, "sin_port");
	assert_int_equal(f->offset, 2);
	assert_int_equal(f->size, 2);
	assert_int_equal(f->order, NP_ORDER_NETWORK);
	assert_int_equal(f->number, 443);
	f = find(&d, "sin_addr");
	assert_int_equal(f->offset, 4);
	assert_int_equal(f->size, 4);
	assert_string_equal(f->text, "127.0.0.1");
	f = find(&d, "sin_zero");
	assert_int_equal(f->offset, 8);
	assert_int_equal(f->size, 8);
	assert_int_equal(f->order, NP_ORDER_NONE);
}

static void test_seed_example_772(void **state)
{
	/* The lecture's example: 772 is 03 04 in network byte order. */
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(772) };
	struct np_sa_dump d;
	static const uint8_t be[2] = { 0x03, 0x04 };

	np_sockaddr_dump((struct sockaddr *)&sin, &d);
	assert_memory_equal(d.bytes + 2, be, 2);
}

static void test_sockaddr_in6_bytes(void **state)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(8080),
				     .sin6_flowinfo = htonl(0x12345), .sin6_scope_id = 3 };
	static const uint8_t port[2] = { 0x1f, 0x90 };
	static const uint8_t flow[4] = { 0x00, 0x01, 0x23, 0x45 };
	static const uint8_t addr[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 };
	struct np_sa_dump d;
	const struct np_sa_field *f;

	inet_pton(AF_INET6, "2001:db8::1", &sin6.sin6_addr);
	assert_int_equal(np_sockaddr_dump((struct sockaddr *)&sin6, &d), 0);
	assert_string_equal(d.type, "sockaddr_in6");
	assert_int_equal(d.length, 28);
	assert_memory_equal(d.bytes + 2, port, 2);
	assert_memory_equal(d.bytes + 4, flow, 4);
	assert_memory_equal(d.bytes + 8, addr, 16);

	f = find(&d, "sin6_flowinfo");
	assert_int_equal(f->number, 0x12345);
	assert_int_equal(f->order, NP_ORDER_NETWORK);
	f = find(&d, "sin6_addr");
	assert_int_equal(f->offset, 8);
	assert_string_equal(f->text, "2001:db8::1");
	f = find(&d, "sin6_scope_id");
	assert_int_equal(f->offset, 24);
	assert_int_equal(f->number, 3);
	assert_int_equal(f->order, NP_ORDER_HOST);
}

static void test_endpoints(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(53),
				   .sin_addr.s_addr = htonl(0x7f000001) };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(5353),
				     .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	char buf[NP_ENDPOINT_LEN];

	assert_string_equal(np_sockaddr_endpoint((struct sockaddr *)&sin, buf, sizeof(buf)),
			    "127.0.0.1:53");
	assert_string_equal(np_sockaddr_endpoint((struct sockaddr *)&sin6, buf, sizeof(buf)),
			    "[::1]:5353");
	assert_int_equal(np_sockaddr_port((struct sockaddr *)&sin6), 5353);
	assert_string_equal(np_family_name(AF_INET), "ipv4");
	assert_string_equal(np_family_name(AF_INET6), "ipv6");
	assert_string_equal(np_family_name(AF_UNIX), "unix");
}

static void test_unknown_family(void **state)
{
	struct sockaddr sa = { .sa_family = AF_PACKET };
	struct np_sa_dump d;

	assert_int_equal(np_sockaddr_dump(&sa, &d), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sockaddr_in_bytes),
		cmocka_unit_test(test_seed_example_772),
		cmocka_unit_test(test_sockaddr_in6_bytes),
		cmocka_unit_test(test_endpoints),
		cmocka_unit_test(test_unknown_family),
	};

	return cmocka_run_group_tests_name("sockaddr", tests, NULL, NULL);
}
