/* src/metrics.c: docs/METRICS.md's families from hand-made results, checked
 * line by line: the order of the families, blackbox_exporter's address hash
 * (FNV-1a, computed apart), the families left out when they have no sample,
 * the target label, the --count totals over every slot, the lookup counts
 * (the EDNS OPT record not counted), and the times Nagios judges. */
#include <config.h>
#include <arpa/inet.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dual_target.h"
#include "metrics.h"

static struct np_target target;
static struct np_target_result result;
static struct np_probe_result probes[2];

/* dual.example.test:8080 -> 127.0.0.1 open (1 ms), ::1 closed (0.052 ms),
 * DNS 0.4124 ms */
static int setup(void **state)
{
	(void)state;
	np_test_dual_target(&target, &result, probes);
	result.dns.rcode = 0;
	result.nopen = 1;
	result.verdict = NP_VERDICT_DEGRADED;
	result.he_first = 1;
	return 0;
}

static char *expose(const struct np_metrics_ctx *ctx)
{
	struct np_strbuf out = NP_STRBUF_INIT;
	struct np_prom p;
	char *s;

	np_prom_init(&p, &out);
	assert_int_equal(np_metrics_probe(&p, &result, ctx), 0);
	assert_int_equal(np_prom_finish(&p), 0);
	np_prom_free(&p);
	s = strdup(np_strbuf_str(&out));
	np_strbuf_free(&out);
	return s;
}

static void has_line(const char *text, const char *line)
{
	char *want = malloc(strlen(line) + 3);
	size_t n = strlen(line);

	sprintf(want, "\n%s\n", line);
	if (!strstr(text, want) && strncmp(text, line, n) != 0)
		fail_msg("missing line: %s\n--- in:\n%s", line, text);
	free(want);
}

/* The families in the order of their TYPE lines, space-separated. */
static void families(const char *text, char *out, size_t len)
{
	size_t n = 0;

	out[0] = '\0';
	for (const char *p = strstr(text, "# TYPE "); p; p = strstr(p + 1, "\n# TYPE ")) {
		const char *name = p + (*p == '#' ? 7 : 8);
		size_t k = strcspn(name, " ");

		n += (size_t)snprintf(out + n, len - n, "%s%.*s", n ? " " : "", (int)k, name);
	}
}

static void test_probe_families(void **state)
{
	struct np_metrics_ctx ctx = { .duration_s = 0.0014124, .timeout_s = 3 };
	char fams[2048], *text;

	(void)state;
	probes[1].icmp = (struct np_icmp){ .set = true, .version = 6, .type = 1, .code = 4 };
	result.he_fault = NP_HE_V6_FAILS;
	text = expose(&ctx);
	families(text, fams, sizeof(fams));
	/* METRICS.md's order; no probe_failed_due_to_regex without --expect,
	 * no series families without --count */
	assert_string_equal(fams, "probe_success probe_duration_seconds probe_timeout_seconds "
		"probe_dns_lookup_time_seconds probe_ip_protocol probe_ip_addr_hash "
		"netprobe_verdict netprobe_dns_rcode netprobe_dns_source netprobe_dns_addresses "
		"netprobe_probe_state netprobe_connect_time_seconds netprobe_icmp_type "
		"netprobe_icmp_code netprobe_happy_eyeballs_fault");
	has_line(text, "probe_success 1");	/* degraded is a success */
	assert_true(np_metrics_success(&result));
	has_line(text, "probe_duration_seconds 0.0014124");
	has_line(text, "probe_dns_lookup_time_seconds 0.0004124");
	has_line(text, "probe_ip_protocol 4");
	has_line(text, "probe_ip_addr_hash 3668918509");	/* FNV-1a of 127 0 0 1 */
	has_line(text, "netprobe_verdict{verdict=\"degraded\"} 1");
	has_line(text, "netprobe_verdict{verdict=\"ok\"} 0");
	has_line(text, "netprobe_dns_rcode 0");
	has_line(text, "netprobe_dns_source{source=\"dns\"} 1");
	has_line(text, "netprobe_dns_addresses{family=\"ipv6\"} 1");
	has_line(text, "netprobe_probe_state{address=\"::1\",port=\"8080\",proto=\"tcp\","
		 "state=\"closed\"} 1");
	has_line(text, "netprobe_connect_time_seconds{address=\"127.0.0.1\",port=\"8080\","
		 "proto=\"tcp\"} 0.001");
	/* the ICMP families: only the address where one came */
	has_line(text, "netprobe_icmp_type{address=\"::1\",port=\"8080\",proto=\"tcp\"} 1");
	has_line(text, "netprobe_icmp_code{address=\"::1\",port=\"8080\",proto=\"tcp\"} 4");
	assert_null(strstr(text, "netprobe_icmp_type{address=\"127.0.0.1\""));
	has_line(text, "netprobe_happy_eyeballs_fault{fault=\"ipv6_fails\"} 1");
	has_line(text, "netprobe_happy_eyeballs_fault{fault=\"ipv4_fails\"} 0");
	free(text);
}

/* Nothing open on IPv6 first: the client's address is the first tried, its
 * hash blackbox's for ::1; with --expect, a peer that closed is a regex
 * failure; with a target label every sample carries it first. */
static void test_down_expect_target(void **state)
{
	struct np_metrics_ctx ctx = { .duration_s = 0.5, .timeout_s = 0.25, .expect = true,
				      .target = "dual.example.test:8080" };
	struct np_probe_result swap = probes[0];
	char *text, *line;

	(void)state;
	probes[0] = probes[1];
	probes[1] = swap;
	probes[1].state = NP_STATE_PEER_CLOSED;
	result.nopen = 0;
	result.verdict = NP_VERDICT_DOWN;
	assert_int_equal(np_metrics_client_probe(&result), 0);
	text = expose(&ctx);
	has_line(text, "probe_success{target=\"dual.example.test:8080\"} 0");
	assert_false(np_metrics_success(&result));
	has_line(text, "probe_ip_protocol{target=\"dual.example.test:8080\"} 6");
	has_line(text, "probe_ip_addr_hash{target=\"dual.example.test:8080\"} 1751717746");
	has_line(text, "probe_failed_due_to_regex{target=\"dual.example.test:8080\"} 1");
	has_line(text, "probe_timeout_seconds{target=\"dual.example.test:8080\"} 0.25");
	assert_null(strstr(text, "netprobe_icmp"));	/* no sample, no family */
	for (line = text; *line; line = strchr(line, '\n') + 1) {
		if (*line != '#' && !strstr(line, "{target=\"dual.example.test:8080\""))
			fail_msg("a sample without the target label first: %.80s", line);
		if (!strchr(line, '\n'))
			break;
	}
	/* nothing open: Nagios' time is the whole probe's */
	assert_true(np_metrics_response_time(&result, 0.5) == 0.5);
	free(text);
}

/* DNS failed: no address, no probe */
static void test_dns_failed(void **state)
{
	struct np_metrics_ctx ctx = { .duration_s = 0.002, .timeout_s = 3 };
	char fams[2048], *text;

	(void)state;
	result.nprobes = result.nopen = 0;
	result.dns.naddrs = 0;
	result.dns.status = NP_DNS_STATUS_NXDOMAIN;
	result.dns.rcode = 3;
	result.verdict = NP_VERDICT_DNS_FAILED;
	assert_int_equal(np_metrics_client_probe(&result), -1);
	text = expose(&ctx);
	families(text, fams, sizeof(fams));
	assert_string_equal(fams, "probe_success probe_duration_seconds probe_timeout_seconds "
		"probe_dns_lookup_time_seconds probe_ip_protocol netprobe_verdict "
		"netprobe_dns_rcode netprobe_dns_source netprobe_dns_addresses "
		"netprobe_happy_eyeballs_fault");
	has_line(text, "probe_ip_protocol 0");
	has_line(text, "netprobe_dns_rcode 3");
	has_line(text, "netprobe_dns_addresses{family=\"ipv4\"} 0");
	free(text);
}

/* The times: DNS plus the client's connect; the duration, DNS plus the
 * slowest; 0 DNS time for a literal. */
static void test_times(void **state)
{
	(void)state;
	assert_int_equal(np_metrics_client_probe(&result), 0);
	assert_true(np_metrics_response_time(&result, 9) == 0.0014124);
	probes[1].time_ms = 2.5;
	assert_true(np_metrics_duration(&result) == 0.0029124);
	result.dns.source = NP_SOURCE_LITERAL;
	assert_true(np_metrics_dns_time(&result) == 0);
	assert_true(np_metrics_response_time(&result, 9) == 0.001);
	assert_true(np_metrics_seconds(0.0466) == 4.66e-05);
}

/* --count: totals over every slot; a slot with nothing open (its min 0)
 * pulls neither min nor max. */
static void test_series_total(void **state)
{
	struct np_series_slot slots[3] = {
		{ .sent = 4, .open = 4, .min_ms = 1, .max_ms = 3, .sum_ms = 8, .sum2_ms = 18 },
		{ .sent = 4, .open = 0 },
		{ .sent = 2, .open = 2, .min_ms = 2, .max_ms = 6, .sum_ms = 8, .sum2_ms = 40 },
	};
	struct np_series s = { .slots = slots, .nslots = 3, .rounds_done = 4 };
	struct np_series_stat st;
	struct np_metrics_ctx ctx = { .timeout_s = 3 };
	char *text;

	(void)state;
	np_metrics_series_total(&s, &st);
	assert_int_equal(st.sent, 10);
	assert_int_equal(st.open, 6);
	assert_true(st.loss_percent == 40);
	assert_true(st.has_times);
	assert_true(st.min_ms == 1 && st.max_ms == 6);
	assert_true(fabs(st.avg_ms - 16.0 / 6) < 1e-12);
	assert_true(fabs(st.mdev_ms - sqrt(58.0 / 6 - (16.0 / 6) * (16.0 / 6))) < 1e-12);
	result.series = &s;
	text = expose(&ctx);
	has_line(text, "netprobe_rounds 4");
	has_line(text, "netprobe_probes_sent 10");
	has_line(text, "netprobe_probes_open 6");
	has_line(text, "netprobe_loss_ratio 0.4");
	has_line(text, "netprobe_rtt_seconds{stat=\"min\"} 0.001");
	has_line(text, "netprobe_rtt_seconds{stat=\"max\"} 0.006");
	free(text);
	/* nothing open at all: loss 1, no rtt family */
	slots[0].open = slots[2].open = 0;
	np_metrics_series_total(&s, &st);
	assert_false(st.has_times);
	text = expose(&ctx);
	has_line(text, "netprobe_loss_ratio 1");
	assert_null(strstr(text, "netprobe_rtt_seconds"));
	free(text);
	result.series = NULL;
}

/* lookup: NXDOMAIN with the SOA in authority and an OPT record, which is
 * not counted; then no reply at all */
static void test_lookup(void **state)
{
	static uint8_t msg[12];
	struct np_dns_record recs[2] = { { .section = NP_SEC_AUTHORITY, .type = NP_RR_SOA },
					 { .section = NP_SEC_ADDITIONAL, .type = NP_RR_OPT } };
	struct np_lookup_opts opts = { .resolve = { .timeout_ms = 2000 } };
	struct np_lookup_reply rep = { .qtype = NP_RR_A, .time_ms = 0.733, .msg = msg, .len = 12 };
	struct np_lookup_result r = { .opts = &opts, .replies = &rep, .nreplies = 1 };
	struct np_metrics_ctx ctx = { .duration_s = 0.000733, .timeout_s = 2 };
	struct np_strbuf out = NP_STRBUF_INIT;
	struct np_prom p;

	(void)state;
	rep.m.h = (struct np_dns_header){ .flags = 0x8183, .qdcount = 1, .nscount = 1,
					  .arcount = 1 };
	rep.m.records = recs;
	rep.m.nrecords = 2;
	np_prom_init(&p, &out);
	assert_int_equal(np_metrics_lookup(&p, &r, &ctx), 0);
	assert_int_equal(np_prom_finish(&p), 0);
	has_line(np_strbuf_str(&out), "probe_success 0");
	has_line(np_strbuf_str(&out), "probe_dns_query_succeeded 1");
	has_line(np_strbuf_str(&out), "probe_dns_duration_seconds{phase=\"request\"} 0.000733");
	has_line(np_strbuf_str(&out), "probe_dns_duration_seconds{phase=\"connect\"} 0");
	has_line(np_strbuf_str(&out), "probe_dns_authority_rrs 1");
	has_line(np_strbuf_str(&out), "probe_dns_additional_rrs 0");
	has_line(np_strbuf_str(&out), "netprobe_dns_rcode 3");
	np_prom_free(&p);
	np_strbuf_reset(&out);
	rep.msg = NULL;
	rep.len = 0;
	np_prom_init(&p, &out);
	assert_int_equal(np_metrics_lookup(&p, &r, &ctx), 0);
	has_line(np_strbuf_str(&out), "probe_dns_query_succeeded 0");
	has_line(np_strbuf_str(&out), "probe_dns_answer_rrs 0");
	has_line(np_strbuf_str(&out), "netprobe_dns_rcode -1");
	np_prom_free(&p);
	np_strbuf_free(&out);
	/* the exporter's counters: success as probe_success says it */
	rep.msg = msg;
	rep.len = 12;
	assert_false(np_metrics_lookup_success(&r));	/* NXDOMAIN */
	rep.m.h.flags = 0x8180;
	assert_true(np_metrics_lookup_success(&r));
	rep.len = 11;	/* no whole header: no reply */
	assert_false(np_metrics_lookup_success(&r));
}

/* The scrape's timeout before the probe's end (the exporter): the three
 * families every answer begins with, probe_success 0. */
static void test_timed_out(void **state)
{
	struct np_metrics_ctx ctx = { .duration_s = 2.0004, .timeout_s = 2 };
	struct np_strbuf out = NP_STRBUF_INIT;
	struct np_prom p;

	(void)state;
	np_prom_init(&p, &out);
	assert_int_equal(np_metrics_timed_out(&p, &ctx), 0);
	assert_int_equal(np_prom_finish(&p), 0);
	assert_string_equal(np_strbuf_str(&out),
		"# HELP probe_success Displays whether or not the probe was a success\n"
		"# TYPE probe_success gauge\n"
		"probe_success 0\n"
		"# HELP probe_duration_seconds Returns how long the probe took to complete in "
		"seconds\n"
		"# TYPE probe_duration_seconds gauge\n"
		"probe_duration_seconds 2.0004\n"
		"# HELP probe_timeout_seconds Returns how long the probe timeout is in seconds\n"
		"# TYPE probe_timeout_seconds gauge\n"
		"probe_timeout_seconds 2\n");
	np_prom_free(&p);
	np_strbuf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_probe_families, setup),
		cmocka_unit_test_setup(test_down_expect_target, setup),
		cmocka_unit_test_setup(test_dns_failed, setup),
		cmocka_unit_test_setup(test_times, setup),
		cmocka_unit_test_setup(test_series_total, setup),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_timed_out),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
