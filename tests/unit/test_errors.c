/* src/errors.c: what each connect() errno means, as a state and in words. */
#include <config.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "errors.h"

static void check(int errnum, enum np_probe_state want, const char *code, const char *words)
{
	struct np_error e = { 0 };

	assert_int_equal(np_tcp_classify(errnum, "[::1]:8080", 3000, &e), want);
	assert_true(e.set);
	assert_int_equal(e.errnum, errnum);
	assert_string_equal(e.code, code);
	assert_non_null(strstr(e.message, "[::1]:8080"));
	if (!strstr(e.message, words))
		fail_msg("message '%s' lacks '%s'", e.message, words);
}

static void test_classification(void **state)
{
	check(ECONNREFUSED, NP_STATE_CLOSED, "ECONNREFUSED", "nothing listens");
	check(ETIMEDOUT, NP_STATE_FILTERED, "ETIMEDOUT", "3.000 s");
	check(EHOSTUNREACH, NP_STATE_UNREACHABLE, "EHOSTUNREACH", "host unreachable");
	check(ENETUNREACH, NP_STATE_UNREACHABLE, "ENETUNREACH", "network unreachable");
	check(EACCES, NP_STATE_FILTERED, "EACCES", "administratively prohibited");
	check(EHOSTUNREACH, NP_STATE_UNREACHABLE, "EHOSTUNREACH", "(ICMP host unreachable)");
	check(EPERM, NP_STATE_FILTERED, "EPERM", "firewall");
	check(EADDRNOTAVAIL, NP_STATE_UNREACHABLE, "EADDRNOTAVAIL", "local address");
	check(EMFILE, NP_STATE_ERROR, "EMFILE", "ulimit");
	check(EIO, NP_STATE_ERROR, "EIO", strerror(EIO));
}

static void check_with(enum np_probe_state (*fn)(int, const char *, double, struct np_error *),
		       int errnum, enum np_probe_state want, const char *words)
{
	struct np_error e = { 0 };

	assert_int_equal(fn(errnum, "/run/x.sock", 1500, &e), want);
	assert_int_equal(e.errnum, errnum);
	if (!strstr(e.message, words))
		fail_msg("message '%s' lacks '%s'", e.message, words);
}

static void test_udp_and_unix(void **state)
{
	check_with(np_udp_classify, ECONNREFUSED, NP_STATE_CLOSED, "ICMP port unreachable");
	check_with(np_udp_classify, ETIMEDOUT, NP_STATE_OPEN_FILTERED, "silence proves nothing");
	check_with(np_udp_classify, EHOSTUNREACH, NP_STATE_UNREACHABLE, "host unreachable");
	check_with(np_unix_classify, ECONNREFUSED, NP_STATE_REFUSED, "stale");
	check_with(np_unix_classify, ENOENT, NP_STATE_MISSING, "does not exist");
	check_with(np_unix_classify, EACCES, NP_STATE_DENIED, "permission denied");
	check_with(np_unix_classify, EPROTOTYPE, NP_STATE_WRONG_TYPE, "stream versus datagram");
	check_with(np_unix_classify, ENOTSOCK, NP_STATE_NOT_SOCKET, "not a socket");
}

static void test_exchange(void **state)
{
	struct np_error e = { 0 };

	assert_int_equal(np_exchange_classify(EPIPE, "[::1]:25", &e), NP_STATE_PEER_CLOSED);
	assert_non_null(strstr(e.message, "peer closed (EPIPE)"));
	assert_int_equal(np_exchange_classify(ECONNRESET, "[::1]:25", &e), NP_STATE_RESET);
	assert_non_null(strstr(e.message, "reset (ECONNRESET)"));
	assert_string_equal(e.code, "ECONNRESET");
	assert_int_equal(np_exchange_classify(EIO, "[::1]:25", &e), NP_STATE_ERROR);
	assert_string_equal(np_state_name(NP_STATE_OPEN_FILTERED), "open_filtered");
	assert_string_equal(np_state_name(NP_STATE_WRONG_TYPE), "wrong_type");
	assert_string_equal(np_state_name(NP_STATE_PEER_CLOSED), "peer_closed");
}

/* ICMPv4 3/13 reaches a TCP socket as EHOSTUNREACH: the ICMP decides, not the errno. */
static void test_prohibited(void **state)
{
	struct np_error e = { 0 };

	assert_int_equal(np_prohibited_classify(EHOSTUNREACH, "192.0.2.1:22", &e), NP_STATE_FILTERED);
	assert_string_equal(e.code, "EHOSTUNREACH");
	assert_int_equal(e.errnum, EHOSTUNREACH);
	assert_non_null(strstr(e.message, "192.0.2.1:22 is administratively prohibited"));
	assert_null(strstr(e.message, "no route"));
	assert_int_equal(np_udp_classify(EACCES, "[::1]:53", 1000, &e), NP_STATE_FILTERED);
}

static void test_names(void **state)
{
	char buf[16];

	assert_string_equal(np_errno_name(ECONNRESET, buf, sizeof(buf)), "ECONNRESET");
	assert_string_equal(np_errno_name(EPIPE, buf, sizeof(buf)), "EPIPE");
	assert_string_equal(np_errno_name(99999, buf, sizeof(buf)), "E99999");
	assert_string_equal(np_state_name(NP_STATE_OPEN), "open");
	assert_string_equal(np_state_name(NP_STATE_FILTERED), "filtered");
	assert_string_equal(np_state_name(NP_STATE_UNREACHABLE), "unreachable");
}

static void test_set_and_clear(void **state)
{
	struct np_error e;

	np_error_set(&e, "NXDOMAIN", "%s does not exist", "nx.test");
	assert_true(e.set);
	assert_int_equal(e.errnum, 0);
	assert_string_equal(e.message, "nx.test does not exist");
	np_error_clear(&e);
	assert_false(e.set);
	assert_string_equal(e.code, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classification),
		cmocka_unit_test(test_udp_and_unix),
		cmocka_unit_test(test_exchange),
		cmocka_unit_test(test_prohibited),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_set_and_clear),
	};

	return cmocka_run_group_tests_name("errors", tests, NULL, NULL);
}
