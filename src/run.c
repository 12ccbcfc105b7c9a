/* The run: resolve, then start a probe per address x port x transport, all on
 * one loop; a Unix-domain target skips DNS and has one probe per transport. */
#include <config.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "probe.h"
#include "resolve.h"
#include "run.h"

struct run {
	const struct np_run_config *cfg;
	struct np_loop loop;
	struct np_resolver resolver;
	struct np_target_result result;
	struct np_probe *probes;
	struct np_udp_pace *paces;	/* one per address, for its UDP probes */
	size_t npaces;
	int failed_errno;
};

static void on_probe_done(struct np_probe *p, void *arg)
{
	struct run *run = arg;

	if (np_probe_succeeded(p->res))
		run->result.nopen++;
}

/* The transports asked for: stream and/or datagram, for this kind of target. */
static size_t transports(const struct np_run_config *cfg, const struct np_transport *tp[2])
{
	size_t n = 0;

	if (cfg->tcp)
		tp[n++] = cfg->target.is_unix ? &np_transport_unix_stream : &np_transport_tcp;
	if (cfg->udp)
		tp[n++] = cfg->target.is_unix ? &np_transport_unix_dgram : &np_transport_udp;
	return n;
}

static int alloc_probes(struct run *run, size_t n)
{
	run->result.probes = calloc(n, sizeof(*run->result.probes));
	run->probes = calloc(n, sizeof(*run->probes));
	if (!run->result.probes || !run->probes) {
		run->failed_errno = ENOMEM;
		return -1;
	}
	run->result.nprobes = n;
	return 0;
}

/* Probe i uses transport tp[i % ntp] (the transport varies fastest); per_pace:
 * consecutive probes that share an address, and so a pacer (0: none). */
static void start_probes(struct run *run, const struct np_transport *const tp[], size_t ntp,
			 size_t per_pace)
{
	for (size_t i = 0; i < run->result.nprobes; i++) {
		struct np_probe *p = &run->probes[i];
		const struct np_transport *t = tp[i % ntp];

		np_probe_init(p, t, &run->loop, &run->result.probes[i], &run->cfg->probe,
			      on_probe_done, run);
		if (per_pace && t == &np_transport_udp)
			p->pace = &run->paces[i / per_pace];
		np_probe_begin(p);
	}
}

/* One pacer per address: UDP datagrams to a host are paced against its ICMP
 * rate limit (udp_pace.c), whatever port they go to. */
static int alloc_paces(struct run *run, size_t naddrs)
{
	if (!run->cfg->udp)
		return 0;
	run->paces = calloc(naddrs, sizeof(*run->paces));
	if (!run->paces) {
		run->failed_errno = ENOMEM;
		return -1;
	}
	run->npaces = naddrs;
	for (size_t a = 0; a < naddrs; a++)
		np_udp_pace_init(&run->paces[a], &run->loop, run->cfg->probe.retries);
	return 0;
}

static void free_paces(struct run *run)
{
	for (size_t a = 0; a < run->npaces; a++)
		np_udp_pace_free(&run->paces[a]);
	free(run->paces);
}

static void on_resolved(void *arg)
{
	struct run *run = arg;
	struct np_target_result *r = &run->result;
	const struct np_target *t = r->target;
	const struct np_transport *tp[2];
	size_t ntp = transports(run->cfg, tp);
	size_t n = r->dns.naddrs * t->nports * ntp;

	np_loop_release(&run->loop);
	if (n == 0 || alloc_probes(run, n) < 0 || alloc_paces(run, r->dns.naddrs) < 0)
		return;
	/* Address-major order: every port and protocol of one address, then the next. */
	for (size_t a = 0, i = 0; a < r->dns.naddrs; a++) {
		for (size_t p = 0; p < t->nports; p++) {
			for (size_t k = 0; k < ntp; k++, i++) {
				struct np_probe_result *pr = &r->probes[i];

				pr->sa = r->dns.addrs[a].sa;
				np_sockaddr_set_port(&pr->sa, t->ports[p]);
				pr->salen = np_sockaddr_len(&pr->sa);
			}
		}
	}
	start_probes(run, tp, ntp, t->nports * ntp);
}

static void start_unix(struct run *run)
{
	const struct np_target *t = run->result.target;
	const struct np_transport *tp[2];
	size_t n = transports(run->cfg, tp);

	run->result.dns.status = NP_DNS_STATUS_SKIPPED;
	run->result.dns.source = NP_SOURCE_LITERAL;
	run->result.dns.rcode = -1;
	if (alloc_probes(run, n) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		run->result.probes[i].sa = t->unix_sa;
		run->result.probes[i].salen = t->unix_len;
	}
	start_probes(run, tp, n, 0);
}

int np_run(const struct np_run_config *cfg, bool dump, const struct np_reporter *rep, FILE *out,
	   struct np_error *err)
{
	struct run run = { .cfg = cfg, .result.target = &cfg->target };
	struct np_report_info info;
	void *state;
	int code = 3;

	if (np_loop_init(&run.loop) < 0) {
		np_error_set(err, "LOOP", "cannot create the event loop: %s", strerror(errno));
		return 3;
	}
	if (np_resolver_init(&run.resolver, &run.loop, &cfg->resolve, err) < 0)
		goto out_loop;
	np_loop_hold(&run.loop);
	if (cfg->target.is_unix) {
		np_loop_release(&run.loop);
		start_unix(&run);
	} else if (np_resolve_start(&run.resolver, &cfg->target, &run.result.dns, on_resolved,
				    &run) < 0) {
		run.failed_errno = ENOMEM;
	}
	if (!run.failed_errno && np_loop_run(&run.loop) < 0)
		run.failed_errno = errno;
	if (run.failed_errno) {
		np_error_set(err, "INTERNAL", "run failed: %s", strerror(run.failed_errno));
		goto out_resolver;
	}
	np_happy_eyeballs(&run.result);
	run.result.verdict = np_verdict_of(&run.result);
	code = np_verdict_exit_code(run.result.verdict);
	np_report_info_init(&info, dump);
	state = rep->begin(out, &info);
	if (!state) {
		np_error_set(err, "ENOMEM", "out of memory");
		code = 3;
		goto out_resolver;
	}
	rep->target(state, &run.result);
	rep->end(state, code);
out_resolver:
	free_paces(&run);
	np_resolver_free(&run.resolver);
	free(run.probes);
	free(run.result.probes);
out_loop:
	np_loop_free(&run.loop);
	return code;
}
