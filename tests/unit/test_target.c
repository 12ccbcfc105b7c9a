/* src/target.c: every target form users type, and every bad input refused. */
#include <config.h>
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include "target.h"

static char err[256];

static int parse(struct np_target *t, int argc, ...)
{
	char *argv[NP_MAX_PORTS + 8];
	va_list ap;

	va_start(ap, argc);
	for (int i = 0; i < argc; i++)
		argv[i] = va_arg(ap, char *);
	va_end(ap);
	err[0] = '\0';
	return np_parse_target(argc, argv, t, err, sizeof(err));
}

static void test_ports(void **state)
{
	uint16_t p = 0;

	assert_int_equal(np_parse_port("443", &p, err, sizeof(err)), 0);
	assert_int_equal(p, 443);
	assert_int_equal(np_parse_port("65535", &p, err, sizeof(err)), 0);
	assert_int_equal(p, 65535);
	assert_int_equal(np_parse_port("1", &p, err, sizeof(err)), 0);
	assert_int_equal(np_parse_port("0", &p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "out of range"));
	assert_int_equal(np_parse_port("65536", &p, err, sizeof(err)), -1);
	assert_int_equal(np_parse_port("99999999999999999999", &p, err, sizeof(err)), -1);
	assert_int_equal(np_parse_port("80x", &p, err, sizeof(err)), -1);
	assert_int_equal(np_parse_port("", &p, err, sizeof(err)), -1);
	assert_int_equal(np_parse_port("-1", &p, err, sizeof(err)), -1);
	assert_int_equal(np_parse_port("no-such-service-here", &p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown service"));
}

static void test_service_names(void **state)
{
	uint16_t p = 0;

	/* /etc/services comes with Debian's netbase; skip where it is absent. */
	if (np_parse_port("https", &p, err, sizeof(err)) < 0)
		skip();
	assert_int_equal(p, 443);
	assert_int_equal(np_parse_port("ssh", &p, err, sizeof(err)), 0);
	assert_int_equal(p, 22);
}

static void test_hostnames(void **state)
{
	char name[300];

	assert_int_equal(np_check_hostname("example.com", err, sizeof(err)), 0);
	assert_int_equal(np_check_hostname("example.com.", err, sizeof(err)), 0);
	assert_int_equal(np_check_hostname("_srv._tcp.example.com", err, sizeof(err)), 0);
	assert_int_equal(np_check_hostname("", err, sizeof(err)), -1);
	assert_int_equal(np_check_hostname("a..b", err, sizeof(err)), -1);
	assert_int_equal(np_check_hostname(".a", err, sizeof(err)), -1);
	assert_int_equal(np_check_hostname("a b", err, sizeof(err)), -1);
	assert_int_equal(np_check_hostname("a\nb", err, sizeof(err)), -1);

	memset(name, 'a', 63);		/* a 63-byte label is the most allowed */
	strcpy(name + 63, ".test");
	assert_int_equal(np_check_hostname(name, err, sizeof(err)), 0);
	memset(name, 'a', 64);
	strcpy(name + 64, ".test");
	assert_int_equal(np_check_hostname(name, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "63"));

	/* 253 bytes: labels of 63+1+63+1+63+1+61 */
	memset(name, 'b', 253);
	name[63] = name[127] = name[191] = '.';
	name[253] = '\0';
	assert_int_equal(np_check_hostname(name, err, sizeof(err)), 0);
	strcpy(name + 253, ".");	/* a trailing dot does not count */
	assert_int_equal(np_check_hostname(name, err, sizeof(err)), 0);
	name[253] = 'b';
	name[254] = '\0';
	assert_int_equal(np_check_hostname(name, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "255"));
}

/* Names are judged in wire form, as a server reads them: 255 octets and 63 per
 * label after escapes are decoded, the root accepted, every escape well formed. */
static void test_hostnames_wire_form(void **state)
{
	char name[600];
	size_t n = 0;

	assert_int_equal(np_check_hostname(".", err, sizeof(err)), 0);	/* the root, as dig . NS */
	assert_int_equal(np_check_hostname("a..", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "empty label"));
	assert_int_equal(np_check_hostname("..", err, sizeof(err)), -1);
	assert_int_equal(np_check_hostname("a\\999.test", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "escape"));
	assert_int_equal(np_check_hostname("a\\06.test", err, sizeof(err)), -1);	/* two digits */
	assert_non_null(strstr(err, "escape"));
	assert_int_equal(np_check_hostname("test\\", err, sizeof(err)), -1);	/* ends in \ */
	assert_non_null(strstr(err, "escape"));
	assert_int_equal(np_check_hostname("dot\\.name.test", err, sizeof(err)), 0);
	assert_int_equal(np_check_hostname("sp\\032ace.test", err, sizeof(err)), 0);

	/* 63 escaped bytes are 252 characters but a 63-octet label: allowed */
	for (int i = 0; i < 63; i++)
		n += (size_t)snprintf(name + n, sizeof(name) - n, "\\065");
	snprintf(name + n, sizeof(name) - n, ".test");
	assert_int_equal(np_check_hostname(name, err, sizeof(err)), 0);
	/* one more escaped byte: 64 octets in the label */
	snprintf(name + n, sizeof(name) - n, "\\065.test");
	assert_int_equal(np_check_hostname(name, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "63"));
}

static void test_target_root_and_escapes(void **state)
{
	struct np_target t;
	char *root[] = { ".", "53" };
	char *dots[] = { "a..", "80" };
	char *esc[] = { "a\\999.test", "80" };

	assert_int_equal(np_parse_target(2, root, &t, err, sizeof(err)), 0);
	assert_string_equal(t.host, ".");
	assert_int_equal(np_parse_target(2, dots, &t, err, sizeof(err)), -1);
	assert_int_equal(np_parse_target(2, esc, &t, err, sizeof(err)), -1);
}

static void test_host_port_forms(void **state)
{
	struct np_target t;

	assert_int_equal(parse(&t, 2, "example.com", "443"), 0);
	assert_string_equal(t.host, "example.com");
	assert_int_equal(t.nports, 1);
	assert_int_equal(t.ports[0], 443);
	assert_int_equal(t.literal_family, 0);
	assert_string_equal(t.input, "example.com 443");

	assert_int_equal(parse(&t, 1, "example.com:8080"), 0);
	assert_string_equal(t.host, "example.com");
	assert_int_equal(t.ports[0], 8080);
	assert_string_equal(t.input, "example.com:8080");

	assert_int_equal(parse(&t, 3, "example.com:80", "443", "80"), 0);
	assert_int_equal(t.nports, 2);	/* 80 asked twice, probed once */
	assert_int_equal(t.ports[1], 443);
}

static void test_literals(void **state)
{
	struct np_target t;
	struct in6_addr loop6 = IN6ADDR_LOOPBACK_INIT;

	assert_int_equal(parse(&t, 2, "127.0.0.1", "80"), 0);
	assert_int_equal(t.literal_family, AF_INET);
	assert_int_equal(t.literal.v4.s_addr, htonl(INADDR_LOOPBACK));

	assert_int_equal(parse(&t, 1, "127.0.0.1:80"), 0);
	assert_int_equal(t.literal_family, AF_INET);
	assert_int_equal(t.ports[0], 80);

	assert_int_equal(parse(&t, 1, "[::1]:443"), 0);
	assert_int_equal(t.literal_family, AF_INET6);
	assert_memory_equal(&t.literal.v6, &loop6, 16);
	assert_string_equal(t.host, "::1");
	assert_int_equal(t.ports[0], 443);

	assert_int_equal(parse(&t, 2, "::1", "443"), 0);
	assert_int_equal(t.literal_family, AF_INET6);

	assert_int_equal(parse(&t, 2, "[2001:db8::1]", "22"), 0);
	assert_string_equal(t.host, "2001:db8::1");
	assert_int_equal(t.ports[0], 22);
}

static void test_bad_targets(void **state)
{
	struct np_target t;
	char longname[300];

	assert_int_equal(parse(&t, 0), -1);
	assert_int_equal(parse(&t, 1, "example.com"), -1);
	assert_non_null(strstr(err, "missing port"));
	assert_int_equal(parse(&t, 2, "", "80"), -1);
	assert_int_equal(parse(&t, 1, ":80"), -1);
	assert_int_equal(parse(&t, 1, "example.com:0"), -1);
	assert_int_equal(parse(&t, 1, "example.com:65536"), -1);
	assert_int_equal(parse(&t, 1, "example.com:"), -1);
	assert_int_equal(parse(&t, 1, "[::1"), -1);
	assert_int_equal(parse(&t, 1, "[::1]x"), -1);
	assert_int_equal(parse(&t, 1, "[127.0.0.1]:80"), -1);
	assert_int_equal(parse(&t, 1, "[example.com]:80"), -1);
	assert_int_equal(parse(&t, 2, "1:2:3", "80"), -1);	/* colons, not IPv6 */
	assert_non_null(strstr(err, "IPv6"));
	memset(longname, 'a', 299);
	longname[299] = '\0';
	assert_int_equal(parse(&t, 2, longname, "80"), -1);
	assert_non_null(strstr(err, "63"));	/* one label of 299 octets */
}

static void test_too_many_ports(void **state)
{
	struct np_target t;
	char *argv[NP_MAX_PORTS + 2];
	char ports[NP_MAX_PORTS + 1][8];

	argv[0] = "example.com";
	for (int i = 0; i <= NP_MAX_PORTS; i++) {
		snprintf(ports[i], sizeof(ports[i]), "%d", 1000 + i);
		argv[i + 1] = ports[i];
	}
	assert_int_equal(np_parse_target(NP_MAX_PORTS + 1, argv, &t, err, sizeof(err)), 0);
	assert_int_equal(t.nports, NP_MAX_PORTS);
	assert_int_equal(np_parse_target(NP_MAX_PORTS + 2, argv, &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "too many ports"));
}

/* The port /etc/services gives a TCP service (getservbyname, the oracle);
 * skip the test where the name is not there (no netbase). */
static uint16_t service_port(const char *name)
{
	struct servent *se = getservbyname(name, "tcp");

	if (!se)
		skip();
	return ntohs((uint16_t)se->s_port);
}

/* Service names among the ports of a list, as /etc/services numbers them. */
static void test_service_names_in_lists(void **state)
{
	struct np_target t;
	uint16_t https = service_port("https"), ms_sql = service_port("ms-sql-s");

	assert_int_equal(parse(&t, 1, "[::1]:22,80-81,https"), 0);
	assert_int_equal(t.nports, 4);
	assert_int_equal(t.ports[3], https);
	/* a service name with a dash is a name, not a range */
	assert_int_equal(parse(&t, 2, "h.test", "ms-sql-s"), 0);
	assert_int_equal(t.nports, 1);
	assert_int_equal(t.ports[0], ms_sql);
}

static void test_port_lists_and_ranges(void **state)
{
	struct np_target t;

	assert_int_equal(parse(&t, 2, "example.com", "80,443"), 0);
	assert_int_equal(t.nports, 2);
	assert_int_equal(t.ports[1], 443);
	assert_int_equal(parse(&t, 2, "example.com", "8000-8010"), 0);
	assert_int_equal(t.nports, 11);
	assert_int_equal(t.ports[0], 8000);
	assert_int_equal(t.ports[10], 8010);
	assert_int_equal(parse(&t, 1, "example.com:1-1024"), 0);
	assert_int_equal(t.nports, 1024);
	/* overlapping ranges and repeats are probed once */
	assert_int_equal(parse(&t, 3, "h.test", "10-20", "15-25,10"), 0);
	assert_int_equal(t.nports, 16);
	assert_int_equal(parse(&t, 2, "h.test", "1-1024,2000"), -1);
	assert_non_null(strstr(err, "at most 1024"));
	assert_int_equal(parse(&t, 2, "h.test", "1-65535"), -1);
	assert_non_null(strstr(err, "65535 ports"));
	assert_int_equal(parse(&t, 2, "h.test", "20-10"), -1);
	assert_non_null(strstr(err, "above the last"));
	assert_int_equal(parse(&t, 2, "h.test", "0-10"), -1);
	assert_non_null(strstr(err, "out of range"));
	assert_int_equal(parse(&t, 2, "h.test", "10-70000"), -1);
	assert_non_null(strstr(err, "out of range"));
	assert_int_equal(parse(&t, 2, "h.test", "10-"), -1);
	assert_non_null(strstr(err, "bad port range"));
	assert_int_equal(parse(&t, 2, "h.test", "80,"), -1);
	assert_non_null(strstr(err, "end of a list"));
	assert_int_equal(parse(&t, 2, "h.test", ",80"), -1);
	assert_non_null(strstr(err, "empty port"));
	assert_int_equal(parse(&t, 2, "h.test", "80,,81"), -1);
	assert_int_equal(parse(&t, 2, "h.test", "1-2-3"), -1);
}

static void test_word_is_target(void **state)
{
	assert_true(np_target_word_is_target("example.com:443"));
	assert_true(np_target_word_is_target("example.com:80,443"));
	assert_true(np_target_word_is_target("[::1]:22"));
	assert_true(np_target_word_is_target("unix:/run/x.sock"));
	assert_true(np_target_word_is_target("unix:@abstract"));
	assert_false(np_target_word_is_target("example.com"));
	assert_false(np_target_word_is_target("::1"));
	assert_false(np_target_word_is_target("[::1]"));
	assert_false(np_target_word_is_target("443"));
}

static void test_unix_targets(void **state)
{
	struct np_target t;
	char longpath[200];

	assert_int_equal(parse(&t, 1, "unix:/run/np.sock"), 0);
	assert_true(t.is_unix);
	assert_string_equal(t.host, "/run/np.sock");
	assert_int_equal(t.unix_sa.ss_family, AF_UNIX);
	assert_int_equal(t.nports, 0);
	assert_int_equal(parse(&t, 1, "unix:@abstract"), 0);
	assert_true(t.is_unix);
	assert_int_equal(parse(&t, 2, "unix:/run/np.sock", "80"), -1);
	assert_non_null(strstr(err, "no port"));
	assert_int_equal(parse(&t, 1, "unix:"), -1);
	memset(longpath, 'x', sizeof(longpath));
	memcpy(longpath, "unix:/", 6);
	longpath[5 + 108] = '\0';	/* a 108-byte path: one too many */
	assert_int_equal(parse(&t, 1, longpath), -1);
	assert_non_null(strstr(err, "sun_path"));
}

static void test_servers(void **state)
{
	struct sockaddr_storage ss;
	socklen_t len;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

	assert_int_equal(np_parse_server("127.0.0.1", &ss, &len, err, sizeof(err)), 0);
	assert_int_equal(ss.ss_family, AF_INET);
	assert_int_equal(ntohs(sin->sin_port), 53);
	assert_int_equal(len, sizeof(struct sockaddr_in));

	assert_int_equal(np_parse_server("127.0.0.1:5353", &ss, &len, err, sizeof(err)), 0);
	assert_int_equal(ntohs(sin->sin_port), 5353);

	assert_int_equal(np_parse_server("[::1]:5353", &ss, &len, err, sizeof(err)), 0);
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_int_equal(ntohs(sin6->sin6_port), 5353);
	assert_int_equal(len, sizeof(struct sockaddr_in6));

	assert_int_equal(np_parse_server("::1", &ss, &len, err, sizeof(err)), 0);
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_int_equal(ntohs(sin6->sin6_port), 53);

	assert_int_equal(np_parse_server("ns1.example.com", &ss, &len, err, sizeof(err)), -1);
	assert_int_equal(np_parse_server("", &ss, &len, err, sizeof(err)), -1);
	assert_int_equal(np_parse_server("[::1", &ss, &len, err, sizeof(err)), -1);
	assert_int_equal(np_parse_server("127.0.0.1:0", &ss, &len, err, sizeof(err)), -1);
	assert_int_equal(np_parse_server("127.0.0.1:99999", &ss, &len, err, sizeof(err)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_service_names),
		cmocka_unit_test(test_hostnames),
		cmocka_unit_test(test_hostnames_wire_form),
		cmocka_unit_test(test_target_root_and_escapes),
		cmocka_unit_test(test_host_port_forms),
		cmocka_unit_test(test_literals),
		cmocka_unit_test(test_bad_targets),
		cmocka_unit_test(test_too_many_ports),
		cmocka_unit_test(test_port_lists_and_ranges),
		cmocka_unit_test(test_service_names_in_lists),
		cmocka_unit_test(test_word_is_target),
		cmocka_unit_test(test_unix_targets),
		cmocka_unit_test(test_servers),
	};

	return cmocka_run_group_tests_name("target", tests, NULL, NULL);
}
