/* The run: resolve, then start a probe per address x port, all on one loop. */
#include <config.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "probe.h"
#include "resolve.h"
#include "run.h"

struct run {
	const struct np_config *cfg;
	struct np_loop loop;
	struct np_resolver resolver;
	struct np_target_result result;
	struct np_probe *probes;
	int failed_errno;
};

static void on_probe_done(struct np_probe *p, void *arg)
{
	struct run *run = arg;

	if (p->res->state == NP_STATE_OPEN)
		run->result.nopen++;
}

static void set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

static void on_resolved(void *arg)
{
	struct run *run = arg;
	struct np_target_result *r = &run->result;
	const struct np_target *t = r->target;
	size_t n = r->dns.naddrs * t->nports;

	np_loop_release(&run->loop);
	if (n == 0)
		return;
	r->probes = calloc(n, sizeof(*r->probes));
	run->probes = calloc(n, sizeof(*run->probes));
	if (!r->probes || !run->probes) {
		run->failed_errno = ENOMEM;
		return;
	}
	r->nprobes = n;
	/* Address-major order: every port of the first address, then the next. */
	for (size_t a = 0, i = 0; a < r->dns.naddrs; a++) {
		for (size_t p = 0; p < t->nports; p++, i++) {
			struct np_probe_result *pr = &r->probes[i];

			pr->sa = r->dns.addrs[a].sa;
			set_port(&pr->sa, t->ports[p]);
			pr->salen = pr->sa.ss_family == AF_INET ? sizeof(struct sockaddr_in)
								 : sizeof(struct sockaddr_in6);
		}
	}
	for (size_t i = 0; i < n; i++)
		np_probe_start(&run->probes[i], &np_transport_tcp, &run->loop, &r->probes[i],
			       run->cfg->timeout_ms, on_probe_done, run);
}

int np_run(const struct np_config *cfg, const struct np_reporter *rep, FILE *out,
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
	if (np_resolve_start(&run.resolver, &cfg->target, &run.result.dns, on_resolved, &run) < 0 ||
	    np_loop_run(&run.loop) < 0 || run.failed_errno) {
		np_error_set(err, "INTERNAL", "run failed: %s",
			     strerror(run.failed_errno ? run.failed_errno : errno));
		goto out_resolver;
	}
	run.result.verdict = np_verdict_of(&run.result);
	code = np_verdict_exit_code(run.result.verdict);
	np_report_info_init(&info, cfg->dump);
	state = rep->begin(out, &info);
	if (!state) {
		np_error_set(err, "ENOMEM", "out of memory");
		code = 3;
		goto out_resolver;
	}
	rep->target(state, &run.result);
	rep->end(state, code);
out_resolver:
	np_resolver_free(&run.resolver);
	free(run.probes);
	free(run.result.probes);
out_loop:
	np_loop_free(&run.loop);
	return code;
}
