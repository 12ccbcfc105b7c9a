/* An exposition for promtool to judge (tests/integration/promtext_promtool.sh),
 * written by the code users get: src/metrics.c's np_metrics_probe and
 * np_metrics_lookup through src/promtext.c, on hand-made results.
 * `promtext_sample probe` (the default) writes what --format prometheus and
 * /probe answer for tests/unit/dual_target.h's target with every optional
 * family present (--expect, an ICMP error, a Happy Eyeballs fault, --count);
 * `promtext_sample unix` the same for a Unix socket whose path tries to break
 * the format (quotes, a backslash, a newline, a byte that is not UTF-8);
 * `promtext_sample lookup` what `lookup --format prometheus` and
 * /probe?module=lookup answer for NXDOMAIN. The exporter's own /metrics is
 * judged on the real server (exporter_basic.sh). Exit 1 with the writer's
 * refusal on stderr. */
#include <config.h>

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>

#include "dual_target.h"
#include "metrics.h"
#include "promtext.h"
#include "rrtypes.h"
#include "series.h"
#include "strbuf.h"

static const char hostile_path[] = "/run/it's \"odd\"\\\n\xff.sock";

/* dual.example.test:8080: 127.0.0.1 open, ::1 closed by an ICMP error, over
 * three rounds of --count. */
static int probe(struct np_prom *p)
{
	struct np_target target;
	struct np_target_result result;
	struct np_probe_result probes[2];
	struct np_series series;
	struct np_metrics_ctx ctx = { .duration_s = 0.0014124, .timeout_s = 5, .expect = true };
	int rc = 0;

	np_test_dual_target(&target, &result, probes);
	probes[1].icmp = (struct np_icmp){ .set = true, .version = 6, .type = 1, .code = 4 };
	result.nopen = 1;
	result.verdict = NP_VERDICT_DEGRADED;
	result.he_fault = NP_HE_V6_FAILS;
	np_series_init(&series);
	for (unsigned long seq = 1; seq <= 3 && rc == 0; seq++)
		rc = np_series_add_round(&series, seq, 1000.0 * (double)(seq - 1), &result,
					 seq == 1);
	if (rc == 0) {
		result.series = &series;
		rc = np_metrics_probe(p, &result, &ctx);
	}
	np_series_free(&series);
	return rc;
}

/* unix:PATH with no such file (run.c's start_unix: no DNS, rcode -1). */
static int unix_probe(struct np_prom *p)
{
	struct np_target target = { .is_unix = true };
	struct np_target_result result = {
		.target = &target, .verdict = NP_VERDICT_DOWN,
		.dns = { .status = NP_DNS_STATUS_SKIPPED, .source = NP_SOURCE_LITERAL, .rcode = -1 },
	};
	struct np_probe_result pr = { .proto = "unix", .socktype = SOCK_STREAM,
				      .state = NP_STATE_MISSING, .time_ms = NAN };
	struct sockaddr_un *sun = (struct sockaddr_un *)&pr.sa;
	struct np_metrics_ctx ctx = { .duration_s = 0.000031, .timeout_s = 5 };

	snprintf(target.input, sizeof(target.input), "unix:%s", hostile_path);
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, hostile_path, sizeof(hostile_path));
	pr.salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + sizeof(hostile_path));
	result.probes = &pr;
	result.nprobes = 1;
	return np_metrics_probe(p, &result, &ctx);
}

/* NXDOMAIN with the SOA in authority and an EDNS OPT record. */
static int lookup(struct np_prom *p)
{
	static uint8_t msg[12];
	struct np_dns_record recs[2] = { { .section = NP_SEC_AUTHORITY, .type = NP_RR_SOA },
					 { .section = NP_SEC_ADDITIONAL, .type = NP_RR_OPT } };
	struct np_lookup_reply rep = { .qtype = NP_RR_A, .time_ms = 0.412, .msg = msg,
				       .len = sizeof(msg) };
	struct np_lookup_result r = { .replies = &rep, .nreplies = 1 };
	struct np_metrics_ctx ctx = { .duration_s = 0.000733, .timeout_s = 5 };

	rep.m.h = (struct np_dns_header){ .flags = 0x8183, .qdcount = 1, .nscount = 1,
					  .arcount = 1 };
	rep.m.records = recs;
	rep.m.nrecords = 2;
	return np_metrics_lookup(p, &r, &ctx);
}

int main(int argc, char **argv)
{
	struct np_strbuf out = NP_STRBUF_INIT;
	struct np_prom p;
	const char *what = argc > 1 ? argv[1] : "probe";
	int rc;

	np_prom_init(&p, &out);
	if (strcmp(what, "lookup") == 0)
		rc = lookup(&p);
	else if (strcmp(what, "unix") == 0)
		rc = unix_probe(&p);
	else
		rc = probe(&p);
	if (rc == 0)
		rc = np_prom_finish(&p);
	if (rc == 0)
		fwrite(out.s, 1, out.len, stdout);
	else
		fprintf(stderr, "promtext_sample: %s\n",
			p.error ? np_prom_error(&p) : "out of memory (the series)");
	np_prom_free(&p);
	np_strbuf_free(&out);
	return rc == 0 ? 0 : 1;
}
