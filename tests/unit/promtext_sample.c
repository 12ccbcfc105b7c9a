/* An exposition built through src/promtext.c for promtool to judge
 * (tests/integration/promtext_promtool.sh): every family docs/METRICS.md
 * lists, with the names, types and HELP it gives, and label values that try
 * to break the format (a Unix socket path with quotes, a backslash, a newline,
 * bytes that are not UTF-8). `promtext_sample probe` (the default) writes what
 * --format prometheus and /probe answer, `promtext_sample lookup` what
 * `lookup --format prometheus` and /probe?module=lookup answer,
 * `promtext_sample exporter` what /metrics answers. Exit 1 with the writer's refusal on stderr. */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "promtext.h"
#include "strbuf.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct addr {
	const char *address, *port, *proto, *state;
	double connect_s;	/* NaN: no time */
	int icmp_type, icmp_code;	/* -1: no ICMP error */
};

static const struct addr addrs[] = {
	{ "::1", "8080", "tcp", "closed", 0.000081, -1, -1 },
	{ "127.0.0.1", "8080", "tcp", "open", 0.000112, -1, -1 },
	{ "127.0.0.2", "53", "udp", "closed", 0.000301, 3, 3 },
	{ "/run/it's \"odd\"\\\n\xff.sock", "", "unix", "missing", NAN, -1, -1 },
};

static void gauge(struct np_prom *p, const char *name, const char *help, double v)
{
	np_prom_family(p, name, NP_PROM_GAUGE, help);
	np_prom_sample(p, NULL, 0, v);
}

/* One-hot over a fixed set: every value is written, 1 for the one that holds */
static void state_set(struct np_prom *p, const char *name, const char *help,
		      const char *label, const char *const *values, size_t n, const char *is)
{
	np_prom_family(p, name, NP_PROM_GAUGE, help);
	for (size_t i = 0; i < n; i++)
		np_prom_sample_int(p, (struct np_prom_label[]){ { label, values[i] } }, 1,
				   is && strcmp(values[i], is) == 0);
}

static void blackbox(struct np_prom *p)
{
	gauge(p, "probe_success", "Displays whether or not the probe was a success", 1);
	gauge(p, "probe_duration_seconds",
	      "Returns how long the probe took to complete in seconds", 0.004213);
	gauge(p, "probe_timeout_seconds", "Returns how long the probe timeout is in seconds", 5);
	gauge(p, "probe_dns_lookup_time_seconds",
	      "Returns the time taken for probe dns lookup in seconds", 0.000934);
	gauge(p, "probe_ip_protocol", "Specifies whether probe ip protocol is IP4 or IP6", 4);
	gauge(p, "probe_ip_addr_hash",
	      "Specifies the hash of IP address. It's useful to detect if the IP address changes.",
	      1.0 * 3619153832u);
	gauge(p, "probe_failed_due_to_regex", "Indicates if probe failed due to regex", 0);
}

static void per_address(struct np_prom *p)
{
	np_prom_family(p, "netprobe_probe_state", NP_PROM_GAUGE,
		       "State of the target's port at each address tried: 1 for the state seen");
	for (size_t i = 0; i < N(addrs); i++)
		np_prom_sample_int(p, (struct np_prom_label[]){ { "address", addrs[i].address },
			{ "port", addrs[i].port }, { "proto", addrs[i].proto },
			{ "state", addrs[i].state } }, 4, 1);
	np_prom_family(p, "netprobe_connect_time_seconds", NP_PROM_GAUGE,
		       "Time until the state of the port at this address was known, in seconds");
	for (size_t i = 0; i < N(addrs); i++)
		if (!isnan(addrs[i].connect_s))
			np_prom_sample(p, (struct np_prom_label[]){ { "address", addrs[i].address },
				{ "port", addrs[i].port }, { "proto", addrs[i].proto } }, 3,
				addrs[i].connect_s);
	np_prom_family(p, "netprobe_icmp_type", NP_PROM_GAUGE,
		       "Type of the ICMP error that decided the state at this address");
	np_prom_sample_int(p, (struct np_prom_label[]){ { "address", "127.0.0.2" }, { "port", "53" },
		{ "proto", "udp" } }, 3, 3);
	np_prom_family(p, "netprobe_icmp_code", NP_PROM_GAUGE,
		       "Code of the ICMP error that decided the state at this address");
	np_prom_sample_int(p, (struct np_prom_label[]){ { "address", "127.0.0.2" }, { "port", "53" },
		{ "proto", "udp" } }, 3, 3);
}

static void own(struct np_prom *p)
{
	static const char *const verdicts[] = { "ok", "degraded", "down", "dns_failed" };
	static const char *const faults[] = { "ipv6_fails", "ipv4_fails" };
	static const char *const sources[] = { "dns", "hosts", "literal" };
	static const char *const stats[] = { "min", "avg", "max", "mdev" };
	static const double rtt[] = { 0.000101, 0.000133, 0.000201, 0.000031 };

	state_set(p, "netprobe_verdict", "netprobe's verdict on the target: 1 for the one given",
		  "verdict", verdicts, N(verdicts), "degraded");
	gauge(p, "netprobe_dns_rcode",
	      "DNS response code of the reply that decided the lookup; -1 when none came", 0);
	state_set(p, "netprobe_dns_source", "Where the addresses came from: 1 for the source used",
		  "source", sources, N(sources), "dns");
	np_prom_family(p, "netprobe_dns_addresses", NP_PROM_GAUGE,
		       "Number of addresses the name resolved to, by family");
	np_prom_sample_int(p, (struct np_prom_label[]){ { "family", "ipv4" } }, 1, 1);
	np_prom_sample_int(p, (struct np_prom_label[]){ { "family", "ipv6" } }, 1, 1);
	per_address(p);
	state_set(p, "netprobe_happy_eyeballs_fault",
		  "A whole address family fails while the other works: 1 for the family that fails",
		  "fault", faults, N(faults), "ipv6_fails");
	gauge(p, "netprobe_rounds", "Rounds of probes completed (--count)", 10);
	gauge(p, "netprobe_probes_sent", "Probes sent over all rounds (--count)", 20);
	gauge(p, "netprobe_probes_open", "Probes that found the port open (--count)", 18);
	gauge(p, "netprobe_loss_ratio", "Share of probes that did not find the port open, 0 to 1",
	      0.1);
	np_prom_family(p, "netprobe_rtt_seconds", NP_PROM_GAUGE,
		       "Connect time over the probes that found the port open, in seconds");
	for (size_t i = 0; i < N(stats); i++)
		np_prom_sample(p, (struct np_prom_label[]){ { "stat", stats[i] } }, 1, rtt[i]);
}

/* netprobe lookup, /probe?module=lookup: blackbox's dns prober's families */
static void lookup(struct np_prom *p)
{
	static const char *const phases[] = { "resolve", "connect", "request" };
	static const double took[] = { 0, 0, 0.000412 };

	gauge(p, "probe_success", "Displays whether or not the probe was a success", 0);
	gauge(p, "probe_duration_seconds",
	      "Returns how long the probe took to complete in seconds", 0.000733);
	gauge(p, "probe_timeout_seconds", "Returns how long the probe timeout is in seconds", 5);
	np_prom_family(p, "probe_dns_duration_seconds", NP_PROM_GAUGE,
		       "Duration of DNS request by phase");
	for (size_t i = 0; i < N(phases); i++)
		np_prom_sample(p, (struct np_prom_label[]){ { "phase", phases[i] } }, 1, took[i]);
	gauge(p, "probe_dns_query_succeeded",
	      "Displays whether or not the query was executed successfully", 1);
	gauge(p, "probe_dns_answer_rrs",
	      "Returns number of entries in the answer resource record list", 0);
	gauge(p, "probe_dns_authority_rrs",
	      "Returns number of entries in the authority resource record list", 1);
	gauge(p, "probe_dns_additional_rrs",
	      "Returns number of entries in the additional resource record list", 0);
	gauge(p, "netprobe_dns_rcode",
	      "DNS response code of the reply that decided the lookup; -1 when none came", 3);
}

static void exporter(struct np_prom *p)
{
	static const char *const paths[] = { "/", "/probe", "/metrics", "other" };

	np_prom_family(p, "netprobe_exporter_build_info", NP_PROM_GAUGE,
		       "netprobe's version, as a label; always 1");
	np_prom_sample_int(p, (struct np_prom_label[]){ { "version", PACKAGE_VERSION } }, 1, 1);
	np_prom_family(p, "netprobe_exporter_requests_total", NP_PROM_COUNTER,
		       "HTTP requests answered, by path and status code");
	for (size_t i = 0; i < N(paths); i++)
		np_prom_sample_uint(p, (struct np_prom_label[]){ { "path", paths[i] },
			{ "code", "200" } }, 2, 1000 + i);
	np_prom_sample_uint(p, (struct np_prom_label[]){ { "path", "/probe" }, { "code", "400" } },
			    2, 7);
	np_prom_family(p, "netprobe_exporter_request_duration_seconds_total", NP_PROM_COUNTER,
		       "Time spent answering HTTP requests, by path, in seconds");
	np_prom_sample(p, (struct np_prom_label[]){ { "path", "/probe" } }, 1, 12.5);
	np_prom_family(p, "netprobe_exporter_probes_total", NP_PROM_COUNTER,
		       "Probes run, by kind and result");
	np_prom_sample_uint(p, (struct np_prom_label[]){ { "kind", "tcp" }, { "result", "success" } },
			    2, 990);
	np_prom_sample_uint(p, (struct np_prom_label[]){ { "kind", "tcp" }, { "result", "failure" } },
			    2, 10);
	np_prom_family(p, "netprobe_exporter_rejected_total", NP_PROM_COUNTER,
		       "Requests refused before any probe ran, by reason");
	np_prom_sample_uint(p, (struct np_prom_label[]){ { "reason", "busy" } }, 1, 0);
	np_prom_sample_uint(p, (struct np_prom_label[]){ { "reason", "bad_request" } }, 1, 7);
	gauge(p, "netprobe_exporter_probes_in_flight", "Probes running now", 3);
	gauge(p, "netprobe_exporter_probes_max", "Most probes run at once (--max-probes)", 50);
	np_prom_family(p, "process_cpu_seconds_total", NP_PROM_COUNTER,
		       "Total user and system CPU time spent in seconds.");
	np_prom_sample(p, NULL, 0, 1.23);
	gauge(p, "process_resident_memory_bytes", "Resident memory size in bytes.", 5242880);
	gauge(p, "process_open_fds", "Number of open file descriptors.", 9);
	gauge(p, "process_max_fds", "Maximum number of open file descriptors.", 1024);
	gauge(p, "process_start_time_seconds",
	      "Start time of the process since unix epoch in seconds.", 1796140800);
}

int main(int argc, char **argv)
{
	struct np_strbuf out = NP_STRBUF_INIT;
	struct np_prom p;
	const char *what = argc > 1 ? argv[1] : "probe";
	int rc;

	np_prom_init(&p, &out);
	if (strcmp(what, "exporter") == 0)
		exporter(&p);
	else if (strcmp(what, "lookup") == 0)
		lookup(&p);
	else
		blackbox(&p), own(&p);
	rc = np_prom_finish(&p);
	if (rc == 0)
		fwrite(out.s, 1, out.len, stdout);
	else
		fprintf(stderr, "promtext_sample: %s\n", np_prom_error(&p));
	np_prom_free(&p);
	np_strbuf_free(&out);
	return rc == 0 ? 0 : 1;
}
