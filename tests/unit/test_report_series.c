/* src/report_series.c: the --count lines exactly as netprobe(1) shows them, with
 * hostile text escaped, and the JSON pieces accepted by the schema's $defs
 * (round, round_event, statistics) of docs/netprobe.schema.json. */
#include <config.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "assert_json.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>
#include "dual_target.h"
#include "report_series.h"
#include "validate_schema.h"

static struct np_target target;
static struct np_target_result result;
static struct np_probe_result probes[2];
static struct np_series series;

/* dual.example.test:8080 -> 127.0.0.1 open, ::1 refused */
static int setup(void **state)
{
	np_test_dual_target(&target, &result, probes);
	np_error_set(&probes[1].err, "ECONNREFUSED", "connection refused");
	np_series_init(&series);
	return 0;
}

static int teardown(void **state)
{
	np_series_free(&series);
	return 0;
}

/* Add the round (seq, at t_ms) as the driver does, then point r at the series. */
static void add_round(unsigned long seq, double t_ms, bool resolved)
{
	result.nopen = probes[0].state == NP_STATE_OPEN;
	assert_int_equal(np_series_add_round(&series, seq, t_ms, &result, resolved), 0);
	result.series = &series;
	result.seq = seq;
}

/* What f wrote to a memory stream. */
static char *captured(void (*f)(FILE *, const struct np_target_result *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	assert_non_null(out);
	f(out, &result);
	fclose(out);
	return buf;
}

static void assert_text(void (*f)(FILE *, const struct np_target_result *), const char *want)
{
	char *got = captured(f);

	assert_string_equal(got, want);
	free(got);
}

static void test_probe_lines(void **state)
{
	add_round(1, 0, true);
	probes[0].time_ms = 0.0815;
	add_round(2, 1000.2, false);
	assert_text(np_text_round_probes,
		    "127.0.0.1 8080/tcp: seq=2 open time=0.082 ms\n"
		    "::1 8080/tcp: seq=2 closed time=0.052 ms: connection refused\n");
}

/* A message with bytes from the network: no raw control byte reaches the terminal. */
static void test_probe_line_escapes(void **state)
{
	np_error_set(&probes[1].err, "ECONNREFUSED", "refused by \x1b[31mEVIL\nfake");
	add_round(1, 0, true);
	assert_text(np_text_round_probes,
		    "127.0.0.1 8080/tcp: seq=1 open time=1.000 ms\n"
		    "::1 8080/tcp: seq=1 closed time=0.052 ms: refused by \\x1b[31mEVIL\\x0afake\n");
}

static void test_unix_line(void **state)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)&probes[0].sa;

	target.is_unix = true;
	snprintf(target.host, sizeof(target.host), "/run/x.sock");
	memset(&probes[0].sa, 0, sizeof(probes[0].sa));
	sun->sun_family = AF_UNIX;
	snprintf(sun->sun_path, sizeof(sun->sun_path), "/run/x.sock");
	probes[0].salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 12);
	probes[0].proto = "unix";
	probes[0].socktype = SOCK_DGRAM;
	result.nprobes = 1;
	result.dns = (struct np_dns_result){ .status = NP_DNS_STATUS_SKIPPED,
					     .source = NP_SOURCE_LITERAL };
	add_round(1, 0, true);
	assert_text(np_text_round_probes, "/run/x.sock dgram: seq=1 open time=1.000 ms\n");
	assert_text(np_text_statistics,
		    "--- /run/x.sock statistics: 1 round ---\n"
		    "/run/x.sock dgram: 1 sent, 1 open, 0% loss, "
		    "time min/avg/max/mdev = 1.000/1.000/1.000/0.000 ms\n");
}

static void test_dns_line(void **state)
{
	add_round(3, 2000, true);
	assert_text(np_text_round_dns, "seq=3: dns ok in 0.412 ms, 2 addresses\n");
	result.dns.naddrs = 1;
	assert_text(np_text_round_dns, "seq=3: dns ok in 0.412 ms, 1 address\n");
	result.dns.naddrs = 0;
	result.dns.status = NP_DNS_STATUS_TIMEOUT;
	result.dns.time_ms = 3000;
	np_error_set(&result.dns.err, "TIMEOUT", "no reply within 3 s from 127.0.0.1:53");
	assert_text(np_text_round_dns,
		    "seq=3: dns timeout in 3000.000 ms, 0 addresses: no reply within 3 s from "
		    "127.0.0.1:53\n");
}

/* ping's block: times 1 and 2 ms give avg 1.5, mdev sqrt(5/2 - 2.25) = 0.5. */
static void test_statistics_block(void **state)
{
	add_round(1, 0, true);
	probes[0].time_ms = 2.0;
	add_round(2, 1000, false);
	probes[0].state = NP_STATE_FILTERED;
	probes[0].time_ms = 3000.0;
	add_round(3, 2000, false);
	assert_text(np_text_statistics,
		    "--- dual.example.test statistics: 3 rounds ---\n"
		    "127.0.0.1 8080/tcp: 3 sent, 2 open, 33.3333% loss, "
		    "time min/avg/max/mdev = 1.000/1.500/2.000/0.500 ms\n"
		    "::1 8080/tcp: 3 sent, 0 open, 100% loss\n");
}

/* The host in the heading is the user's: escaped. */
static void test_statistics_host_escaped(void **state)
{
	snprintf(target.host, sizeof(target.host), "evil\x1b]0;x\x07.test");
	result.nprobes = 1;
	add_round(1, 0, true);
	assert_text(np_text_statistics,
		    "--- evil\\x1b]0;x\\x07.test statistics: 1 round ---\n"
		    "127.0.0.1 8080/tcp: 1 sent, 1 open, 0% loss, "
		    "time min/avg/max/mdev = 1.000/1.000/1.000/0.000 ms\n");
}

static void test_round_json(void **state)
{
	add_round(1, 0, true);
	assert_json(np_json_round(&result),
		"{\"seq\":1,\"t_ms\":0.0,\"dns\":{\"status\":\"ok\",\"time_ms\":0.412,"
		"\"addresses\":[\"127.0.0.1\",\"::1\"]},\"probes\":["
		"{\"address\":\"127.0.0.1\",\"family\":\"ipv4\",\"port\":8080,\"proto\":\"tcp\","
		"\"socktype\":\"stream\",\"state\":\"open\",\"time_ms\":1.0,\"error\":null},"
		"{\"address\":\"::1\",\"family\":\"ipv6\",\"port\":8080,\"proto\":\"tcp\","
		"\"socktype\":\"stream\",\"state\":\"closed\",\"time_ms\":0.052,\"error\":"
		"{\"code\":\"ECONNREFUSED\",\"message\":\"connection refused\",\"errno\":null}}]}");
	probes[0].time_ms = 0.0815;
	add_round(2, 1000.0004, false);
	assert_json(np_json_round_event(&result),
		"{\"type\":\"round\",\"input\":\"dual.example.test:8080\",\"seq\":2,\"t_ms\":1000.0,"
		"\"dns\":null,\"probes\":["
		"{\"address\":\"127.0.0.1\",\"family\":\"ipv4\",\"port\":8080,\"proto\":\"tcp\","
		"\"socktype\":\"stream\",\"state\":\"open\",\"time_ms\":0.082,\"error\":null},"
		"{\"address\":\"::1\",\"family\":\"ipv6\",\"port\":8080,\"proto\":\"tcp\","
		"\"socktype\":\"stream\",\"state\":\"closed\",\"time_ms\":0.052,\"error\":"
		"{\"code\":\"ECONNREFUSED\",\"message\":\"connection refused\",\"errno\":null}}]}");
}

/* Kept rounds: the live round's shape without errors, the same times. */
static void test_kept_rounds_json(void **state)
{
	add_round(1, 0, true);
	probes[0].time_ms = 0.0815;
	add_round(2, 1000.0004, false);
	assert_json(np_json_rounds(&series),
		"[{\"seq\":1,\"t_ms\":0.0,\"dns\":{\"status\":\"ok\",\"time_ms\":0.412,"
		"\"addresses\":[\"127.0.0.1\",\"::1\"]},\"probes\":["
		"{\"address\":\"127.0.0.1\",\"family\":\"ipv4\",\"port\":8080,\"proto\":\"tcp\","
		"\"socktype\":\"stream\",\"state\":\"open\",\"time_ms\":1.0},"
		"{\"address\":\"::1\",\"family\":\"ipv6\",\"port\":8080,\"proto\":\"tcp\","
		"\"socktype\":\"stream\",\"state\":\"closed\",\"time_ms\":0.052}]},"
		"{\"seq\":2,\"t_ms\":1000.0,\"dns\":null,\"probes\":["
		"{\"address\":\"127.0.0.1\",\"family\":\"ipv4\",\"port\":8080,\"proto\":\"tcp\","
		"\"socktype\":\"stream\",\"state\":\"open\",\"time_ms\":0.082},"
		"{\"address\":\"::1\",\"family\":\"ipv6\",\"port\":8080,\"proto\":\"tcp\","
		"\"socktype\":\"stream\",\"state\":\"closed\",\"time_ms\":0.052}]}]");
}

static void test_statistics_json(void **state)
{
	add_round(1, 0, true);
	probes[0].time_ms = 2.0;
	add_round(2, 1000, false);
	assert_json(np_json_statistics(&series),
		"[{\"address\":\"127.0.0.1\",\"family\":\"ipv4\",\"port\":8080,\"proto\":\"tcp\","
		"\"socktype\":\"stream\",\"sent\":2,\"open\":2,\"loss_percent\":0.0,"
		"\"min_ms\":1.0,\"avg_ms\":1.5,\"max_ms\":2.0,\"mdev_ms\":0.5},"
		"{\"address\":\"::1\",\"family\":\"ipv6\",\"port\":8080,\"proto\":\"tcp\","
		"\"socktype\":\"stream\",\"sent\":2,\"open\":0,\"loss_percent\":100.0,"
		"\"min_ms\":null,\"avg_ms\":null,\"max_ms\":null,\"mdev_ms\":null}]");
}

/* A target without --count: rounds null, rounds_dropped 0, statistics null. */
static void test_add_series(void **state)
{
	json_t *t = json_object();

	np_json_add_series(t, &result);
	assert_json(t, "{\"rounds\":null,\"rounds_dropped\":0,\"statistics\":null}");
	add_round(1, 0, true);
	t = json_object();
	np_json_add_series(t, &result);
	assert_int_equal(json_array_size(json_object_get(t, "rounds")), 1);
	assert_int_equal(json_array_size(json_object_get(t, "statistics")), 2);
	assert_int_equal(json_integer_value(json_object_get(t, "rounds_dropped")), 0);
	json_decref(t);
}

static void validate_each(json_t *array, const char *def)
{
	for (size_t i = 0; i < json_array_size(array); i++)
		assert_int_equal(validate_schema(json_incref(json_array_get(array, i)), def), 0);
	json_decref(array);
}

static void test_schema_accepts(void **state)
{
	add_round(1, 0, true);
	assert_int_equal(validate_schema(np_json_round(&result), "round"), 0);
	probes[0].state = NP_STATE_FILTERED;
	add_round(2, 1000, false);
	assert_int_equal(validate_schema(np_json_round_event(&result), "round_event"), 0);
	validate_each(np_json_rounds(&series), "round");
	validate_each(np_json_statistics(&series), "statistics");
}

/* The schema is not a rubber stamp: times with nothing open, a round without
 * probes' states, and a round line of another type are refused. */
static void test_schema_refuses(void **state)
{
	json_t *stats, *round;

	add_round(1, 0, true);
	stats = np_json_statistics(&series);
	json_object_set_new(json_array_get(stats, 1), "min_ms", json_real(0.5));
	assert_int_equal(validate_schema(json_incref(json_array_get(stats, 1)), "statistics"), 1);
	json_decref(stats);
	round = np_json_round(&result);
	json_object_del(json_array_get(json_object_get(round, "probes"), 0), "state");
	assert_int_equal(validate_schema(round, "round"), 1);
	round = np_json_round_event(&result);
	json_object_set_new(round, "type", json_string("target"));
	assert_int_equal(validate_schema(round, "round_event"), 1);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_probe_lines), T(test_probe_line_escapes), T(test_unix_line),
		T(test_dns_line), T(test_statistics_block), T(test_statistics_host_escaped),
		T(test_round_json), T(test_kept_rounds_json), T(test_statistics_json),
		T(test_add_series), T(test_schema_accepts), T(test_schema_refuses),
	};
#undef T
	return cmocka_run_group_tests_name("report_series", tests, NULL, NULL);
}
