/* STUB until H1's src/metrics.c is merged from main (then this file goes):
 * a few of METRICS.md's families, enough for the exporter's tests. */
#include <config.h>
#include <stdio.h>
#include "metrics.h"
#include "sockaddr.h"

int np_metrics_probe(struct np_prom *p, const struct np_target_result *r,
		     const struct np_metrics_ctx *ctx)
{
	static const char *const verdicts[] = { "ok", "degraded", "down", "dns_failed" };
	int proto = 0;

	np_prom_family(p, "probe_success", NP_PROM_GAUGE, "Displays whether or not the probe was a success");
	np_prom_sample(p, NULL, 0, r->verdict == NP_VERDICT_OK || r->verdict == NP_VERDICT_DEGRADED);
	np_prom_family(p, "probe_duration_seconds", NP_PROM_GAUGE, "Returns how long the probe took to complete in seconds");
	np_prom_sample(p, NULL, 0, ctx->duration_s);
	np_prom_family(p, "probe_timeout_seconds", NP_PROM_GAUGE, "Returns how long the probe timeout is in seconds");
	np_prom_sample(p, NULL, 0, ctx->timeout_s);
	for (size_t i = 0; i < r->nprobes && !proto; i++)
		proto = r->probes[i].sa.ss_family == AF_INET ? 4 : r->probes[i].sa.ss_family == AF_INET6 ? 6 : 0;
	np_prom_family(p, "probe_ip_protocol", NP_PROM_GAUGE, "Specifies whether probe ip protocol is IP4 or IP6");
	np_prom_sample(p, NULL, 0, proto);
	np_prom_family(p, "netprobe_verdict", NP_PROM_GAUGE, "netprobe's verdict on the target: 1 for the one given");
	for (int v = 0; v < 4; v++)
		np_prom_sample(p, &(struct np_prom_label){ "verdict", verdicts[v] }, 1, (int)r->verdict == v);
	np_prom_family(p, "netprobe_dns_rcode", NP_PROM_GAUGE, "DNS response code of the reply that decided the lookup; -1 when none came");
	np_prom_sample(p, NULL, 0, r->dns.rcode);
	np_prom_family(p, "netprobe_dns_source", NP_PROM_GAUGE, "Where the addresses came from: 1 for the source used");
	np_prom_sample(p, &(struct np_prom_label){ "source", "dns" }, 1, r->dns.source == NP_SOURCE_DNS);
	np_prom_family(p, "netprobe_dns_addresses", NP_PROM_GAUGE, "Number of addresses the name resolved to, by family");
	for (int f = 0; f < 2; f++) {
		size_t n = 0;

		for (size_t i = 0; i < r->dns.naddrs; i++)
			n += r->dns.addrs[i].sa.ss_family == (f ? AF_INET6 : AF_INET);
		np_prom_sample(p, &(struct np_prom_label){ "family", f ? "ipv6" : "ipv4" }, 1, (double)n);
	}
	if (r->nprobes)
		np_prom_family(p, "netprobe_probe_state", NP_PROM_GAUGE, "State of the target's port at each address tried: 1 for the state seen");
	for (size_t i = 0; i < r->nprobes; i++) {
		char addr[256], port[8];
		const struct np_probe_result *pr = &r->probes[i];

		np_sockaddr_show((const struct sockaddr *)&pr->sa, pr->salen, NP_SHOW_ADDRESS, NULL, addr, sizeof(addr));
		snprintf(port, sizeof(port), "%u", np_sockaddr_port((const struct sockaddr *)&pr->sa));
		if (pr->sa.ss_family == AF_UNIX)
			port[0] = '\0';
		struct np_prom_label l[] = { { "address", addr }, { "port", port }, { "proto", pr->proto },
					     { "state", np_state_name(pr->state) } };
		np_prom_sample(p, l, 4, 1);
	}
	return np_prom_error(p)[0] ? -1 : 0;
}

int np_metrics_lookup(struct np_prom *p, const struct np_lookup_result *r,
		      const struct np_metrics_ctx *ctx)
{
	const struct np_lookup_reply *rep = r->nreplies ? &r->replies[0] : NULL;
	bool reply = rep && rep->msg;
	int rcode = reply ? rep->m.h.flags & 0xf : -1;

	np_prom_family(p, "probe_success", NP_PROM_GAUGE, "Displays whether or not the probe was a success");
	np_prom_sample(p, NULL, 0, rcode == 0);
	np_prom_family(p, "probe_duration_seconds", NP_PROM_GAUGE, "Returns how long the probe took to complete in seconds");
	np_prom_sample(p, NULL, 0, ctx->duration_s);
	np_prom_family(p, "probe_timeout_seconds", NP_PROM_GAUGE, "Returns how long the probe timeout is in seconds");
	np_prom_sample(p, NULL, 0, ctx->timeout_s);
	np_prom_family(p, "probe_dns_query_succeeded", NP_PROM_GAUGE, "Displays whether or not the query was executed successfully");
	np_prom_sample(p, NULL, 0, reply);
	np_prom_family(p, "probe_dns_answer_rrs", NP_PROM_GAUGE, "Returns number of entries in the answer resource record list");
	np_prom_sample(p, NULL, 0, reply ? rep->m.h.ancount : 0);
	np_prom_family(p, "netprobe_dns_rcode", NP_PROM_GAUGE, "DNS response code of the reply that decided the lookup; -1 when none came");
	np_prom_sample(p, NULL, 0, rcode);
	return np_prom_error(p)[0] ? -1 : 0;
}
