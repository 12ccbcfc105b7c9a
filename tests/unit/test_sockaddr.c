/* src/sockaddr.c: the dump shows the bytes as they sit in memory, and says which
 * are in network byte order. Expected bytes are written out by hand. */
#include <config.h>
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <sys/un.h>
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

	assert_int_equal(np_sockaddr_dump((struct sockaddr *)&sin, sizeof(sin), &d), 0);
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

	np_sockaddr_dump((struct sockaddr *)&sin, sizeof(sin), &d);
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
	assert_int_equal(np_sockaddr_dump((struct sockaddr *)&sin6, sizeof(sin6), &d), 0);
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

	assert_int_equal(np_sockaddr_dump(&sa, sizeof(sa), &d), -1);
}

static void test_sockaddr_un_path(void **state)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char err[256], buf[256];
	struct np_sa_dump d;
	const struct np_sa_field *f;
	const struct sockaddr_un *sun = (const struct sockaddr_un *)&ss;

	assert_int_equal(np_sockaddr_unix("/run/np.sock", &ss, &len, err, sizeof(err)), 0);
	assert_int_equal(len, offsetof(struct sockaddr_un, sun_path) + 13);	/* with NUL */
	assert_string_equal(sun->sun_path, "/run/np.sock");
	assert_int_equal(np_sockaddr_dump((struct sockaddr *)&ss, len, &d), 0);
	assert_string_equal(d.type, "sockaddr_un");
	assert_int_equal(d.length, len);
	f = find(&d, "sun_family");
	assert_int_equal(f->number, AF_UNIX);
	assert_int_equal(f->order, NP_ORDER_HOST);
	f = find(&d, "sun_path");
	assert_int_equal(f->offset, 2);
	assert_int_equal(f->size, 13);
	assert_int_equal(f->order, NP_ORDER_NONE);
	assert_string_equal(f->text, "/run/np.sock");
	assert_string_equal(np_sockaddr_show((struct sockaddr *)&ss, len, NP_SHOW_ADDRESS, NULL,
					     buf, sizeof(buf)),
			    "/run/np.sock");
	assert_string_equal(np_family_name(AF_UNIX), "unix");
}

static void test_sockaddr_un_abstract(void **state)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char err[256], buf[256];
	const struct sockaddr_un *sun = (const struct sockaddr_un *)&ss;

	assert_int_equal(np_sockaddr_unix("@np-test", &ss, &len, err, sizeof(err)), 0);
	assert_int_equal(sun->sun_path[0], '\0');	/* abstract: a leading NUL */
	assert_memory_equal(sun->sun_path + 1, "np-test", 7);
	assert_int_equal(len, offsetof(struct sockaddr_un, sun_path) + 8);	/* no terminator */
	assert_string_equal(np_sockaddr_unix_path((struct sockaddr *)&ss, len, buf, sizeof(buf)),
			    "@np-test");
}

static void test_sockaddr_un_limits(void **state)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char err[256], path[200];

	memset(path, 'p', sizeof(path));
	path[0] = '/';
	path[107] = '\0';	/* 107 bytes + NUL = sun_path's 108 */
	assert_int_equal(np_sockaddr_unix(path, &ss, &len, err, sizeof(err)), 0);
	path[107] = 'p';
	path[108] = '\0';
	assert_int_equal(np_sockaddr_unix(path, &ss, &len, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "sun_path"));
	assert_non_null(strstr(err, "108 bytes"));
	path[0] = '@';		/* abstract: 107 name bytes after the leading NUL */
	assert_int_equal(np_sockaddr_unix(path, &ss, &len, err, sizeof(err)), 0);
	path[108] = 'p';
	path[109] = '\0';
	assert_int_equal(np_sockaddr_unix(path, &ss, &len, err, sizeof(err)), -1);
	assert_int_equal(np_sockaddr_unix("", &ss, &len, err, sizeof(err)), -1);
	assert_int_equal(np_sockaddr_unix("@", &ss, &len, err, sizeof(err)), -1);
}

/* An address from text, stored as connect() would get it (memcpy, no aliasing). */
static const struct sockaddr *addr_of(const char *text, struct sockaddr_storage *ss)
{
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = htons(80) };
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6, .sin6_port = htons(80) };

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, text, &in.sin_addr) == 1)
		memcpy(ss, &in, sizeof(in));
	else if (inet_pton(AF_INET6, text, &in6.sin6_addr) == 1)
		memcpy(ss, &in6, sizeof(in6));
	else
		fail_msg("not an address: %s", text);
	return (const struct sockaddr *)ss;
}

static void test_scope(void **state)
{
	static const struct { const char *a; enum np_scope s; } cases[] = {
		{ "0.0.0.0", NP_SCOPE_WILDCARD }, { "::", NP_SCOPE_WILDCARD },
		{ "127.0.0.1", NP_SCOPE_LOOPBACK }, { "127.255.0.9", NP_SCOPE_LOOPBACK },
		{ "::1", NP_SCOPE_LOOPBACK }, { "fe80::5", NP_SCOPE_LINK_LOCAL },
		{ "febf::1", NP_SCOPE_LINK_LOCAL }, { "fec0::1", NP_SCOPE_ADDRESS },
		{ "128.0.0.1", NP_SCOPE_ADDRESS }, { "126.255.255.255", NP_SCOPE_ADDRESS },
		{ "0.0.0.1", NP_SCOPE_ADDRESS }, { "::2", NP_SCOPE_ADDRESS },
		/* a mapped loopback is not ::1: what the binds see stays apart */
		{ "::ffff:127.0.0.1", NP_SCOPE_ADDRESS }, { "169.254.1.1", NP_SCOPE_ADDRESS },
	};
	struct sockaddr_storage ss;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (np_sockaddr_scope(addr_of(cases[i].a, &ss)) != cases[i].s)
			fail_msg("%s: scope %d, want %d", cases[i].a,
				 np_sockaddr_scope(addr_of(cases[i].a, &ss)), cases[i].s);
	assert_int_equal(np_sockaddr_scope((const struct sockaddr *)&sun), NP_SCOPE_UNIX);
}

static void test_localhost(void **state)
{
	struct sockaddr_storage ss, lo;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char buf[64];

	assert_true(np_sockaddr_is_localhost(addr_of("127.0.0.1", &ss)));
	assert_true(np_sockaddr_is_localhost(addr_of("::1", &ss)));
	assert_false(np_sockaddr_is_localhost(addr_of("127.0.0.2", &ss)));
	assert_false(np_sockaddr_is_localhost(addr_of("::", &ss)));
	assert_false(np_sockaddr_is_localhost(addr_of("::ffff:127.0.0.1", &ss)));
	assert_false(np_sockaddr_is_localhost((const struct sockaddr *)&sun));
	np_sockaddr_localhost(AF_INET, &lo);
	assert_string_equal(np_sockaddr_endpoint((struct sockaddr *)&lo, buf, sizeof(buf)),
			    "127.0.0.1:0");
	np_sockaddr_localhost(AF_INET6, &lo);
	assert_string_equal(np_sockaddr_endpoint((struct sockaddr *)&lo, buf, sizeof(buf)),
			    "[::1]:0");
}

static void test_show(void **state)
{
	struct sockaddr_storage ss;
	struct sockaddr_un sun = { .sun_family = AF_UNIX, .sun_path = "/run/x" };
	char buf[64];

	assert_string_equal(np_sockaddr_show(addr_of("fe80::5", &ss), 0, NP_SHOW_ENDPOINT, "eth0",
					     buf, sizeof(buf)), "[fe80::5%eth0]:80");
	assert_string_equal(np_sockaddr_show(addr_of("fe80::5", &ss), 0, NP_SHOW_ADDRESS, "?",
					     buf, sizeof(buf)), "fe80::5%?");
	assert_string_equal(np_sockaddr_show(addr_of("10.0.0.1", &ss), 0, NP_SHOW_ENDPOINT, "",
					     buf, sizeof(buf)), "10.0.0.1:80");
	assert_string_equal(np_sockaddr_show((const struct sockaddr *)&sun, sizeof(sa_family_t),
					     NP_SHOW_ENDPOINT, NULL, buf, sizeof(buf)), "(unnamed)");
	assert_string_equal(np_sockaddr_show((const struct sockaddr *)&sun, sizeof(sun),
					     NP_SHOW_ENDPOINT, NULL, buf, sizeof(buf)), "/run/x");
	/* a short buffer truncates, never overruns */
	assert_string_equal(np_sockaddr_show(addr_of("::1", &ss), 0, NP_SHOW_ENDPOINT, NULL,
					     buf, 5), "[::1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sockaddr_in_bytes),
		cmocka_unit_test(test_seed_example_772),
		cmocka_unit_test(test_sockaddr_in6_bytes),
		cmocka_unit_test(test_endpoints),
		cmocka_unit_test(test_unknown_family),
		cmocka_unit_test(test_sockaddr_un_path),
		cmocka_unit_test(test_sockaddr_un_abstract),
		cmocka_unit_test(test_sockaddr_un_limits),
		cmocka_unit_test(test_scope),
		cmocka_unit_test(test_localhost),
		cmocka_unit_test(test_show),
	};

	return cmocka_run_group_tests_name("sockaddr", tests, NULL, NULL);
}
