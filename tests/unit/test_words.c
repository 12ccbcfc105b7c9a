/* src/words.c: the sentences both reporters share come from one place; each
 * enum value has its words, and "nothing to say" is NULL, not an empty line. */
#include <config.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <string.h>
#include "listen.h"
#include "words.h"

static void test_bind_scope(void **state)
{
	assert_string_equal(np_words_bind_scope(NP_SCOPE_LOOPBACK, AF_INET6),
			    "loopback only: this host can connect, other hosts cannot");
	assert_string_equal(np_words_bind_scope(NP_SCOPE_WILDCARD, AF_INET),
			    "all interfaces (INADDR_ANY, 0.0.0.0): other hosts can connect");
	assert_string_equal(np_words_bind_scope(NP_SCOPE_WILDCARD, AF_INET6),
			    "all interfaces (in6addr_any, ::): other hosts can connect");
	/* a link-local bind is one address, as the JSON scope "address" says */
	assert_string_equal(np_words_bind_scope(NP_SCOPE_LINK_LOCAL, AF_INET6),
			    np_words_bind_scope(NP_SCOPE_ADDRESS, AF_INET6));
	assert_null(np_words_bind_scope(NP_SCOPE_UNIX, AF_UNIX));
}

static void test_v6only(void **state)
{
	assert_non_null(strstr(np_words_v6only(0, NP_SCOPE_LOOPBACK), "IPv4 clients are accepted"));
	assert_non_null(strstr(np_words_v6only(1, NP_SCOPE_WILDCARD), "IPv4 clients are refused"));
	/* on ::1 or an address IPV6_V6ONLY=1 changes nothing a client meets */
	assert_null(np_words_v6only(1, NP_SCOPE_LOOPBACK));
	assert_null(np_words_v6only(-1, NP_SCOPE_WILDCARD));
}

static void test_he_fault(void **state)
{
	struct np_target_result r = { .he_fault = NP_HE_NONE };

	assert_null(np_words_he_fault(&r));
	r.he_fault = NP_HE_V6_FAILS;
	assert_non_null(strstr(np_words_he_fault(&r), "IPv6 addresses fail, IPv4 works"));
	r.he_localhost = true;
	assert_non_null(strstr(np_words_he_fault(&r), "::1 refuses and 127.0.0.1 accepts"));
	r.he_fault = NP_HE_V4_FAILS;
	assert_non_null(strstr(np_words_he_fault(&r), "127.0.0.1 refuses and ::1 accepts"));
}

/* Every reason a client was closed or rejected has its words, each different;
 * NONE has none (JSON "reason": null). */
static void test_listen_reason(void **state)
{
	assert_null(np_words_listen_reason(NP_LR_NONE));
	assert_string_equal(np_words_listen_reason(NP_LR_PEER_CLOSED), "peer closed");
	assert_string_equal(np_words_listen_reason(NP_LR_EPIPE), "peer closed (EPIPE)");
	assert_string_equal(np_words_listen_reason(NP_LR_MAX_CLIENTS),
			    "over --max-clients: closed at once");
	for (int i = NP_LR_NONE + 1; i < NP_LR_END; i++) {
		assert_non_null(np_words_listen_reason(i));
		for (int j = i + 1; j < NP_LR_END; j++)
			assert_string_not_equal(np_words_listen_reason(i), np_words_listen_reason(j));
	}
}

static void test_local_nothing(void **state)
{
	struct np_local_result r = { .port = 8080, .kind = NP_LOCAL_NOTHING };
	char buf[1024], tiny[8];

	assert_string_equal(np_words_local_verdict(&r, buf, sizeof(buf)),
			    "nothing listens on port 8080 (TCP or UDP) on this host");
	/* a short buffer cuts the sentence, never overruns it */
	assert_string_equal(np_words_local_verdict(&r, tiny, sizeof(tiny)), "nothing");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bind_scope),
		cmocka_unit_test(test_v6only),
		cmocka_unit_test(test_he_fault),
		cmocka_unit_test(test_listen_reason),
		cmocka_unit_test(test_local_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
