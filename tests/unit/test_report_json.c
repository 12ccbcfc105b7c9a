/* src/report_json.c: the v1 keys with the right types, the sockaddr bytes, errors
 * present on failure, and whole documents accepted by docs/netprobe.schema.json. */
#include <config.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "assert_json.h"
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report.h"
#include "report_json.h"
#include "words.h"
#include "validate_schema.h"

static struct np_target target;
static struct np_target_result result;
static struct np_probe_result probes[2];

/* dual.example.test:8080 -> 127.0.0.1 open, ::1 closed */
static int setup_dual(void **state)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&probes[0].sa;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&probes[1].sa;
	struct np_dns_result *d = &result.dns;

	memset(&target, 0, sizeof(target));
	np_dns_result_clear(&result.dns);	/* the previous test's chain */
	memset(&result, 0, sizeof(result));
	memset(probes, 0, sizeof(probes));
	snprintf(target.input, sizeof(target.input), "dual.example.test:8080");
	snprintf(target.host, sizeof(target.host), "dual.example.test");
	target.ports[target.nports++] = 8080;

	d->status = NP_DNS_STATUS_OK;
	d->source = NP_SOURCE_DNS;
	d->rcode = 0;
	d->time_ms = 0.4124;
	snprintf(d->server, sizeof(d->server), "127.0.0.1:5353");
	snprintf(d->canonical, sizeof(d->canonical), "dual.example.test");
	assert_int_equal(np_dns_result_set_cnames(d, (const char *const[]){ "c1.example.test" }, 1), 0);
	d->nqueries = 2;
	d->queries[0] = (struct np_dns_query){ .qtype = 1, .rcode = 0, .answers = 1, .time_ms = 0.3 };
	d->queries[1] = (struct np_dns_query){ .qtype = 28, .rcode = 0, .answers = 1, .time_ms = 0.4 };
	d->naddrs = 2;
	d->addrs[0].ttl = 300;
	d->addrs[0].sa.ss_family = AF_INET;
	((struct sockaddr_in *)&d->addrs[0].sa)->sin_addr.s_addr = htonl(0x7f000001);
	d->addrs[1].ttl = 600;
	d->addrs[1].sa.ss_family = AF_INET6;
	((struct sockaddr_in6 *)&d->addrs[1].sa)->sin6_addr = in6addr_loopback;

	for (int i = 0; i < 2; i++) {
		probes[i].proto = "tcp";
		probes[i].socktype = SOCK_STREAM;
		probes[i].rtt_ms = probes[i].rttvar_ms = -1;
	}
	probes[0].salen = sizeof(struct sockaddr_in);
	probes[1].salen = sizeof(struct sockaddr_in6);
	probes[0].rtt_ms = 0.05;
	probes[0].local.ss_family = AF_INET;
	((struct sockaddr_in *)&probes[0].local)->sin_port = htons(40000);
	((struct sockaddr_in *)&probes[0].local)->sin_addr.s_addr = htonl(0x7f000001);
	sin->sin_family = AF_INET;
	sin->sin_port = htons(8080);
	sin->sin_addr.s_addr = htonl(0x7f000001);
	probes[0].state = NP_STATE_OPEN;
	probes[0].time_ms = 0.081;
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(8080);
	sin6->sin6_addr = in6addr_loopback;
	probes[1].state = np_tcp_classify(ECONNREFUSED, "[::1]:8080", 3000, &probes[1].err);
	probes[1].time_ms = 0.052;

	result.target = &target;
	result.probes = probes;
	result.nprobes = 2;
	result.nopen = 1;
	np_happy_eyeballs(&result);
	result.verdict = np_verdict_of(&result);
	return 0;
}

static json_t *path(json_t *root, const char *p)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", p);
	for (char *tok = strtok_r(buf, ".", &save); tok && root; tok = strtok_r(NULL, ".", &save))
		root = json_is_array(root) ? json_array_get(root, (size_t)atoi(tok))
					   : json_object_get(root, tok);
	if (!root)
		fail_msg("no %s", p);
	return root;
}

static void test_target_keys(void **state)
{
	json_t *t = np_json_target(&result);

	assert_string_equal(json_string_value(path(t, "input")), "dual.example.test:8080");
	assert_string_equal(json_string_value(path(t, "verdict")), "degraded");
	assert_string_equal(json_string_value(path(t, "dns.status")), "ok");
	assert_string_equal(json_string_value(path(t, "dns.rcode")), "NOERROR");
	assert_string_equal(json_string_value(path(t, "dns.source")), "dns");
	assert_string_equal(json_string_value(path(t, "dns.server")), "127.0.0.1:5353");
	assert_string_equal(json_string_value(path(t, "dns.cnames.0")), "c1.example.test");
	assert_true(json_is_null(path(t, "dns.error")));
	assert_true(json_is_real(path(t, "dns.time_ms")));
	assert_float_equal(json_real_value(path(t, "dns.time_ms")), 0.412, 1e-9);
	assert_string_equal(json_string_value(path(t, "dns.queries.1.type")), "AAAA");
	assert_true(json_is_integer(path(t, "dns.addresses.0.ttl")));
	assert_int_equal(json_integer_value(path(t, "dns.addresses.1.ttl")), 600);
	assert_string_equal(json_string_value(path(t, "dns.addresses.1.family")), "ipv6");
	assert_int_equal(json_integer_value(path(t, "summary.open")), 1);
	json_decref(t);
}

/* Text that is not UTF-8 (a path, --expect, a message cut in a character) stays
 * in the document with its stray bytes as \xHH: jansson alone refuses it, and
 * the object around it used to vanish. */
static void test_text_never_lost(void **state)
{
	json_t *t, *v = np_json_text("caf\xc3\xa9 \xff\x1b end\xc3");

	assert_string_equal(json_string_value(v), "caf\xc3\xa9 \\xff\x1b end\\xc3");
	json_decref(v);
	v = np_json_text(NULL);
	assert_true(json_is_null(v));
	json_decref(v);
	snprintf(target.host, sizeof(target.host), "/tmp/a\xff\xc3");
	snprintf(target.input, sizeof(target.input), "unix:/tmp/a\xff\xc3");
	np_error_set(&probes[1].err, "MISMATCH", "no \"%s\" seen", "\xe2\x82");
	probes[0].xchg = (struct np_exchange){ .used = true, .expect = "x\xff" };
	t = np_json_target(&result);
	assert_non_null(t);
	assert_string_equal(json_string_value(path(t, "host")), "/tmp/a\\xff\\xc3");
	assert_string_equal(json_string_value(path(t, "input")), "unix:/tmp/a\\xff\\xc3");
	assert_int_equal(json_array_size(path(t, "probes")), 2);
	assert_string_equal(json_string_value(path(t, "probes.1.error.message")),
			    "no \"\\xe2\\x82\" seen");
	assert_string_equal(json_string_value(path(t, "probes.0.exchange.expect")), "x\\xff");
	json_decref(t);
}

/* np_error_set cuts a message that is too long between two characters. */
static void test_message_cut_between_characters(void **state)
{
	struct np_error e;
	char big[600];

	memset(big, 0, sizeof(big));
	for (size_t i = 0; i + 2 < sizeof(big); i += 2)
		memcpy(big + i, "\xc3\xa9", 2);
	for (int pad = 0; pad < 2; pad++) {
		np_error_set(&e, "X", "%.*s%s", pad, "x", big);
		json_t *v = json_string(e.message);	/* NULL when not UTF-8 */

		assert_non_null(v);
		assert_true(strlen(e.message) >= sizeof(e.message) - 3);
		json_decref(v);
	}
}

static void test_probe_keys(void **state)
{
	json_t *t = np_json_target(&result);

	assert_string_equal(json_string_value(path(t, "probes.0.state")), "open");
	assert_true(json_is_null(path(t, "probes.0.error")));
	assert_int_equal(json_integer_value(path(t, "probes.0.port")), 8080);
	assert_string_equal(json_string_value(path(t, "probes.0.proto")), "tcp");
	assert_string_equal(json_string_value(path(t, "probes.0.socktype")), "stream");
	assert_string_equal(json_string_value(path(t, "probes.0.local.address")), "127.0.0.1");
	assert_int_equal(json_integer_value(path(t, "probes.0.local.port")), 40000);
	assert_float_equal(json_real_value(path(t, "probes.0.kernel_rtt_ms")), 0.05, 1e-9);
	assert_true(json_is_null(path(t, "probes.1.kernel_rtt_ms")));
	assert_true(json_is_null(path(t, "probes.0.tries")));
	assert_true(json_is_null(path(t, "probes.0.icmp_rate_limited")));
	assert_true(json_is_null(path(t, "probes.0.exchange")));
	assert_string_equal(json_string_value(path(t, "probes.1.state")), "closed");
	assert_string_equal(json_string_value(path(t, "probes.1.error.code")), "ECONNREFUSED");
	assert_int_equal(json_integer_value(path(t, "probes.1.error.errno")), ECONNREFUSED);
	assert_non_null(strstr(json_string_value(path(t, "probes.1.error.message")), "[::1]:8080"));
	json_decref(t);
}

static void test_happy_eyeballs(void **state)
{
	json_t *t = np_json_target(&result);

	/* ::1 refused, 127.0.0.1 open on the same port: IPv6 fails */
	assert_string_equal(json_string_value(path(t, "happy_eyeballs.first")), "::1");
	assert_string_equal(json_string_value(path(t, "happy_eyeballs.fault")), "ipv6_fails");
	assert_int_equal(json_integer_value(path(t, "happy_eyeballs.port")), 8080);
	/* refused at ::1, accepted at 127.0.0.1: the words may speak of localhost's binds */
	assert_true(result.he_localhost);
	assert_non_null(strstr(json_string_value(path(t, "happy_eyeballs.message")),
			       "no socket takes IPv6 on ::1, so IPv6 clients"));
	assert_null(strstr(json_string_value(path(t, "happy_eyeballs.message")), "bound to"));
	json_decref(t);

	probes[1].state = NP_STATE_OPEN;	/* both open: no fault */
	np_happy_eyeballs(&result);
	t = np_json_target(&result);
	assert_true(json_is_null(path(t, "happy_eyeballs.fault")));
	json_decref(t);

	probes[0].state = NP_STATE_CLOSED;	/* the reverse */
	np_happy_eyeballs(&result);
	assert_int_equal(result.he_fault, NP_HE_V4_FAILS);
	assert_true(result.he_localhost);
	assert_non_null(strstr(np_words_he_fault(&result), "no socket takes IPv4 on 127.0.0.1"));

	/* silence on loopback is a firewall, not a bind: the family words */
	probes[0].state = NP_STATE_FILTERED;
	np_happy_eyeballs(&result);
	assert_int_equal(result.he_fault, NP_HE_V4_FAILS);
	assert_false(result.he_localhost);
	assert_non_null(strstr(np_words_he_fault(&result), "IPv4 addresses fail, IPv6 works"));

	/* refused at another loopback address (127.0.0.2): nothing known of 127.0.0.1 */
	probes[0].state = NP_STATE_CLOSED;
	((struct sockaddr_in *)&probes[0].sa)->sin_addr.s_addr = htonl(0x7f000002);
	np_happy_eyeballs(&result);
	assert_int_equal(result.he_fault, NP_HE_V4_FAILS);
	assert_false(result.he_localhost);
	assert_non_null(strstr(np_words_he_fault(&result), "IPv4 addresses fail, IPv6 works"));
	((struct sockaddr_in *)&probes[0].sa)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);

	/* not loopback: the words are about clients in general */
	((struct sockaddr_in *)&probes[0].sa)->sin_addr.s_addr = htonl(0xc6336402);
	((struct sockaddr_in *)&result.dns.addrs[0].sa)->sin_addr.s_addr = htonl(0xc6336402);
	np_happy_eyeballs(&result);
	assert_false(result.he_localhost);
	assert_non_null(strstr(np_words_he_fault(&result), "IPv4 addresses fail, IPv6 works"));
	probes[0].state = NP_STATE_OPEN;
	probes[1].state = NP_STATE_CLOSED;
	np_happy_eyeballs(&result);
	assert_false(result.he_localhost);
	assert_non_null(strstr(np_words_he_fault(&result), "clients preferring IPv6 will stall"));
}

static void test_sockaddr_json(void **state)
{
	json_t *t = np_json_target(&result);
	const uint16_t one = 1;
	const char *fam = *(const uint8_t *)&one == 1 ? "0200" : "0002";
	char want[64];

	/* 127.0.0.1:8080: family (host order), 1f90, 7f000001, eight zero bytes */
	snprintf(want, sizeof(want), "%s1f907f0000010000000000000000", fam);
	assert_string_equal(json_string_value(path(t, "probes.0.sockaddr.hex")), want);
	assert_string_equal(json_string_value(path(t, "probes.0.sockaddr.struct")), "sockaddr_in");
	assert_int_equal(json_integer_value(path(t, "probes.0.sockaddr.length")), 16);
	assert_string_equal(json_string_value(path(t, "probes.0.sockaddr.fields.1.name")), "sin_port");
	assert_string_equal(json_string_value(path(t, "probes.0.sockaddr.fields.1.hex")), "1f90");
	assert_int_equal(json_integer_value(path(t, "probes.0.sockaddr.fields.1.value")), 8080);
	assert_string_equal(json_string_value(path(t, "probes.0.sockaddr.fields.1.byte_order")),
			    "network");
	assert_string_equal(json_string_value(path(t, "probes.0.sockaddr.fields.0.byte_order")),
			    "host");
	assert_string_equal(json_string_value(path(t, "probes.0.sockaddr.fields.2.value")),
			    "127.0.0.1");
	assert_true(json_is_null(path(t, "probes.0.sockaddr.fields.3.value")));
	assert_int_equal(json_integer_value(path(t, "probes.1.sockaddr.length")), 28);
	assert_string_equal(json_string_value(path(t, "probes.1.sockaddr.fields.3.hex")),
			    "00000000000000000000000000000001");
	json_decref(t);
}

static void test_dns_failure_keeps_keys(void **state)
{
	json_t *t;

	np_dns_result_clear(&result.dns);
	memset(&result.dns, 0, sizeof(result.dns));
	result.dns.status = NP_DNS_STATUS_NXDOMAIN;
	result.dns.rcode = 3;
	np_error_set(&result.dns.err, "NXDOMAIN", "nx.example.test does not exist");
	result.nprobes = result.nopen = 0;
	result.verdict = np_verdict_of(&result);
	t = np_json_target(&result);
	assert_string_equal(json_string_value(path(t, "verdict")), "dns_failed");
	assert_string_equal(json_string_value(path(t, "dns.rcode")), "NXDOMAIN");
	assert_string_equal(json_string_value(path(t, "dns.error.code")), "NXDOMAIN");
	assert_true(json_is_null(path(t, "dns.server")));
	assert_true(json_is_null(path(t, "dns.canonical_name")));
	assert_int_equal(json_array_size(path(t, "probes")), 0);
	assert_int_equal(json_array_size(path(t, "dns.addresses")), 0);
	json_decref(t);
}

/* A whole document, valid against docs/netprobe.schema.json. */
static void validate(json_t *doc)
{
	assert_int_equal(validate_schema(doc, NULL), 0);
}

/* Every document starts the same way, from one constant, and ends with exit_code. */
static void test_envelope(void **state)
{
	assert_json(np_json_envelope("lookup", NULL, json_pack("{s:s, s:i}", "name", "a", "n", 1), 2),
		    "{\"schema_version\":1,\"netprobe_version\":\"" PACKAGE_VERSION "\","
		    "\"command\":\"lookup\",\"name\":\"a\",\"n\":1,\"exit_code\":2}");
	/* the probe's v1 document: no command, a started_at */
	assert_json(np_json_envelope(NULL, "2026-11-25T14:50:00.123Z",
				     json_pack("{s:[]}", "targets"), 0),
		    "{\"schema_version\":1,\"netprobe_version\":\"" PACKAGE_VERSION "\","
		    "\"started_at\":\"2026-11-25T14:50:00.123Z\",\"targets\":[],\"exit_code\":0}");
	assert_json(np_json_envelope("local", NULL, json_object(), 3),
		    "{\"schema_version\":1,\"netprobe_version\":\"" PACKAGE_VERSION "\","
		    "\"command\":\"local\",\"exit_code\":3}");
}

/* One error object; where errno stands is the only thing the schemas vary. */
static void test_error_object(void **state)
{
	struct np_error e;
	json_t *v;

	np_error_clear(&e);
	v = np_json_error(&e, NP_JSON_ERRNO_LAST);
	assert_true(json_is_null(v));	/* no error: null, never a missing key */
	json_decref(v);
	np_error_set(&e, "ECONNREFUSED", "refused");
	e.errnum = ECONNREFUSED;
	assert_json(np_json_error(&e, NP_JSON_ERRNO_LAST),
		    "{\"code\":\"ECONNREFUSED\",\"message\":\"refused\",\"errno\":111}");
	assert_json(np_json_error(&e, NP_JSON_ERRNO_SECOND),
		    "{\"code\":\"ECONNREFUSED\",\"errno\":111,\"message\":\"refused\"}");
	assert_json(np_json_error(&e, NP_JSON_ERRNO_NONE),
		    "{\"code\":\"ECONNREFUSED\",\"message\":\"refused\"}");
	/* no system call failed: errno null, not 0 */
	np_error_set(&e, "TIMEOUT", "no reply");
	assert_json(np_json_error(&e, NP_JSON_ERRNO_SECOND),
		    "{\"code\":\"TIMEOUT\",\"errno\":null,\"message\":\"no reply\"}");
	/* a message that is not UTF-8 keeps its object */
	np_error_set(&e, "MISMATCH", "no \"%s\" seen", "\xff\x1b");
	assert_json(np_json_error(&e, NP_JSON_ERRNO_SECOND),
		    "{\"code\":\"MISMATCH\",\"errno\":null,\"message\":\"no \\\"\\\\xff\\u001B\\\" seen\"}");
}

/* Milliseconds: rounded to the microsecond, always a real (2.0, not 2). */
static void test_ms(void **state)
{
	assert_json(np_json_ms(1.23456), "1.235");
	assert_json(np_json_ms(2), "2.0");
	assert_json(np_json_ms(0.0004), "0.0");
	assert_json(np_json_ms(123456.78949), "123456.789");
}

/* Every document is written one way: 12 significant digits (so 0.1 + 0.2 is
 * 0.3), one newline after it; pretty for a document, compact for a stream. */
static void test_print(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	json_t *doc = json_pack("{s:f, s:[i]}", "t_ms", 0.1 + 0.2, "a", 1);

	assert_non_null(f);
	np_json_print(f, doc, false);
	np_json_print(f, doc, true);
	json_decref(doc);
	fclose(f);
	assert_string_equal(buf, "{\n  \"t_ms\": 0.3,\n  \"a\": [\n    1\n  ]\n}\n"
				 "{\"t_ms\":0.3,\"a\":[1]}\n");
	free(buf);
}

static void test_document_valid_ok(void **state)
{
	json_t *targets = json_array();

	json_array_append_new(targets, np_json_target(&result));
	validate(np_json_document("2026-11-25T14:50:00.123Z", targets, &(struct np_run_summary){ .targets = 1, .exit_code = 1 }));
}

static void test_document_valid_failure(void **state)
{
	json_t *targets = json_array();

	result.dns.status = NP_DNS_STATUS_TIMEOUT;
	result.dns.naddrs = 0;
	result.dns.rcode = -1;
	np_error_set(&result.dns.err, "TIMEOUT", "no reply");
	result.nprobes = result.nopen = 0;
	result.verdict = np_verdict_of(&result);
	json_array_append_new(targets, np_json_target(&result));
	validate(np_json_document("2026-11-25T14:50:00.123Z", targets, &(struct np_run_summary){ .targets = 1, .exit_code = 2 }));
}

static void test_document_invalid_is_caught(void **state)
{
	/* The validator must be able to fail: a document without its verdict. */
	json_t *targets = json_array(), *t = np_json_target(&result);

	json_object_del(t, "verdict");
	json_array_append_new(targets, t);
	assert_int_equal(validate_schema(np_json_document("2026-11-25T14:50:00.123Z", targets,
		&(struct np_run_summary){ .targets = 1, .exit_code = 0 }), NULL), 1);
}

/* The streamed document is, byte for byte, what jansson prints of the whole:
 * zero items, one, and two with a bad line among them. */
static void test_stream_equals_document(void **state)
{
	struct np_bad_line bad = { .file = "<stdin>", .line = 7, .input = "x 99999" };
	struct np_run_summary sum = { .targets = 2, .bad_lines = 1, .exit_code = 3 };
	struct np_report_info info = { .started_at = "2026-11-25T14:50:00.123Z" };

	np_error_set(&bad.err, "BAD_LINE", "port 99999 is out of range");
	for (int n = 0; n <= 2; n++) {
		char *streamed = NULL, *whole = NULL;
		size_t len1 = 0, len2 = 0;
		FILE *f1 = open_memstream(&streamed, &len1), *f2 = open_memstream(&whole, &len2);
		void *rs = np_reporter_json.begin(f1, &info);
		json_t *items = json_array(), *doc;

		for (int i = 0; i < n; i++) {
			np_reporter_json.target(rs, &result);
			json_array_append_new(items, np_json_target(&result));
			if (i == 0) {
				np_reporter_json.bad_line(rs, &bad);
				json_array_append_new(items, np_json_bad_line(&bad));
			}
		}
		np_reporter_json.end(rs, &sum);
		doc = np_json_document(info.started_at, items, &sum);
		/* jansson itself is the oracle: np_json_print has our own writer */
		json_dumpf(doc, f2, JSON_INDENT(2) | JSON_REAL_PRECISION(12));
		fputc('\n', f2);
		json_decref(doc);
		fclose(f1);
		fclose(f2);
		assert_string_equal(streamed, whole);
		free(streamed);
		free(whole);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_target_keys, setup_dual),
		cmocka_unit_test_setup(test_probe_keys, setup_dual),
		cmocka_unit_test_setup(test_text_never_lost, setup_dual),
		cmocka_unit_test_setup(test_message_cut_between_characters, setup_dual),
		cmocka_unit_test_setup(test_sockaddr_json, setup_dual),
		cmocka_unit_test_setup(test_happy_eyeballs, setup_dual),
		cmocka_unit_test_setup(test_dns_failure_keeps_keys, setup_dual),
		cmocka_unit_test(test_envelope),
		cmocka_unit_test(test_error_object),
		cmocka_unit_test(test_ms),
		cmocka_unit_test(test_print),
		cmocka_unit_test_setup(test_document_valid_ok, setup_dual),
		cmocka_unit_test_setup(test_document_valid_failure, setup_dual),
		cmocka_unit_test_setup(test_document_invalid_is_caught, setup_dual),
		cmocka_unit_test_setup(test_stream_equals_document, setup_dual),
	};

	return cmocka_run_group_tests_name("report_json", tests, NULL, NULL);
}
