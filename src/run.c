/* One target's job: resolve, then a probe per address x port x transport, all on
 * the batch's loop; a Unix-domain target skips DNS and has one probe per
 * transport. Each probe takes a slot of the socket gate before it opens its
 * socket, so a batch never runs out of descriptors. With --count the job runs
 * rounds, --interval apart, each counted into its series (series.c). */
#include <config.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "clock.h"
#include "probe.h"
#include "resolve.h"
#include "run.h"

/* A probe and its place in the gate's line. */
struct np_job_probe {
	struct np_probe probe;
	struct np_gate_waiter wait;
	struct np_job *job;
};

#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

int np_job_check(const struct np_run_config *cfg, const struct np_target *t, bool alone,
		 char *err, size_t errlen)
{
	if (alone && t->is_unix && (cfg->resolve.family != AF_UNSPEC || cfg->resolve.server_len))
		FAIL("%s is a Unix-domain socket: -4, -6 and a DNS server do not apply", t->input);
	if (t->literal_family && cfg->resolve.family != AF_UNSPEC &&
	    t->literal_family != cfg->resolve.family)
		FAIL("%s is an %s address, but %s was given", t->host,
		     t->literal_family == AF_INET ? "IPv4" : "IPv6",
		     cfg->resolve.family == AF_INET ? "-4" : "-6");
	return 0;
}

static void start_round(void *arg);
static void on_dns_slot(struct np_gate_waiter *w);
static void resolve(struct np_job *job);

/* After a complete --count round: its probes (and DNS) are the last complete
 * ones, kept for the report while the next round runs. */
static int keep_last(struct np_job *job)
{
	struct np_target_result *r = &job->result;

	if (job->sh->cfg->re_resolve) {
		if (!job->last_dns && !(job->last_dns = calloc(1, sizeof(*job->last_dns))))
			return -1;
		/* moved, not copied: the chain and referral have one owner */
		np_dns_result_move(job->last_dns, &r->dns);
	}
	free(job->last_probes);
	job->last_probes = r->probes;
	job->last_nprobes = r->nprobes;
	job->last_nopen = r->nopen;
	r->probes = NULL;
	r->nprobes = r->nopen = 0;
	return 0;
}

/* A --count round is complete: count it, tell the batch, and start the next
 * one --interval after this one began (at once if that is past). Done when the
 * count is reached, or when a name that is not re-resolved did not resolve. */
static void round_complete(struct np_job *job)
{
	const struct np_run_config *cfg = job->sh->cfg;
	struct np_target_result *r = &job->result;

	if (np_series_add_round(&job->series, r->seq, job->t_round - job->t_first, r,
				job->resolving_round) < 0) {
		job->failed_errno = ENOMEM;
		job->exit_code = 3;
		job->done(job, job->done_arg);
		return;
	}
	r->series = &job->series;
	job->round(job, job->done_arg);
	r->verdict = np_series_verdict(&job->series);
	job->exit_code = np_verdict_exit_code(r->verdict);
	if ((cfg->count && r->seq >= cfg->count) || job->sh->stopping ||
	    (np_dns_failed(r) && !cfg->re_resolve)) {
		job->done(job, job->done_arg);
		return;
	}
	if (keep_last(job) < 0) {
		job->failed_errno = ENOMEM;
		job->exit_code = 3;
		job->done(job, job->done_arg);
		return;
	}
	np_timer_arm(job->sh->loop, &job->next_round, job->t_round + cfg->interval_ms);
}

/* Every probe finished (or none could start): the verdict, and the batch is told. */
static void complete(struct np_job *job)
{
	struct np_target_result *r = &job->result;

	if (job->failed_errno) {
		job->exit_code = 3;
		job->done(job, job->done_arg);
		return;
	}
	np_happy_eyeballs(r);
	r->verdict = np_verdict_of(r);
	job->exit_code = np_verdict_exit_code(r->verdict);
	if (job->sh->cfg->counting)
		round_complete(job);
	else
		job->done(job, job->done_arg);
}

static void on_probe_done(struct np_probe *p, void *arg)
{
	struct np_job_probe *jp = arg;
	struct np_job *job = jp->job;

	if (np_probe_succeeded(p->res))
		job->result.nopen++;
	job->running--;
	np_gate_leave(job->sh->gate);	/* may start others' probes, not ours again */
	if (job->running == 0)
		complete(job);
}

static void on_slot(struct np_gate_waiter *w)
{
	struct np_job_probe *jp = (struct np_job_probe *)((char *)w -
							  offsetof(struct np_job_probe, wait));

	np_probe_begin(&jp->probe);
}

/* The transports asked for: stream and/or datagram, for this kind of target. */
static size_t transports(const struct np_run_config *cfg, const struct np_target *t,
			 const struct np_transport *tp[2])
{
	size_t n = 0;

	if (cfg->tcp)
		tp[n++] = t->is_unix ? &np_transport_unix_stream : &np_transport_tcp;
	if (cfg->udp)
		tp[n++] = t->is_unix ? &np_transport_unix_dgram : &np_transport_udp;
	return n;
}

static int alloc_probes(struct np_job *job, size_t n)
{
	job->result.probes = calloc(n, sizeof(*job->result.probes));
	job->probes = calloc(n, sizeof(*job->probes));
	if (!job->result.probes || !job->probes) {
		job->failed_errno = ENOMEM;
		return -1;
	}
	job->result.nprobes = n;
	return 0;
}

/* Probe i uses transport tp[i % ntp] (the transport varies fastest); per_pace:
 * consecutive probes that share an address, and so a pacer (0: none). All wait
 * at the gate in that order. */
static void start_probes(struct np_job *job, const struct np_transport *const tp[], size_t ntp,
			 size_t per_pace)
{
	size_t n = job->result.nprobes;

	for (size_t i = 0; i < n; i++) {
		struct np_job_probe *jp = &job->probes[i];
		const struct np_transport *t = tp[i % ntp];

		jp->job = job;
		jp->wait.go = on_slot;
		np_probe_init(&jp->probe, t, job->sh->loop, &job->result.probes[i],
			      &job->sh->cfg->probe, on_probe_done, jp);
		if (per_pace && t == &np_transport_udp)
			jp->probe.pace = &job->paces[i / per_pace];
	}
	job->running = n;
	for (size_t i = 0; i < n; i++)	/* the last may complete the job */
		np_gate_enter(job->sh->gate, &job->probes[i].wait);
}

/* One pacer per address: UDP datagrams to a host are paced against its ICMP
 * rate limit (udp_pace.c), whatever port they go to. */
static int alloc_paces(struct np_job *job, size_t naddrs)
{
	if (!job->sh->cfg->udp)
		return 0;
	job->paces = calloc(naddrs, sizeof(*job->paces));
	if (!job->paces) {
		job->failed_errno = ENOMEM;
		return -1;
	}
	job->npaces = naddrs;
	for (size_t a = 0; a < naddrs; a++)
		np_udp_pace_init(&job->paces[a], job->sh->loop, job->sh->cfg->probe.retries);
	return 0;
}

static void on_resolved(void *arg)
{
	struct np_job *job = arg;
	struct np_target_result *r = &job->result;
	const struct np_target *t = &job->target;
	const struct np_transport *tp[2];
	size_t ntp = transports(job->sh->cfg, t, tp);
	size_t n = r->dns.naddrs * t->nports * ntp;

	if (job->sh->stopping)	/* the resolver is torn down under an abandoned job */
		return;
	if (job->resolving_round)
		np_loop_release(job->sh->loop);
	if (job->dns_slot) {
		job->dns_slot = false;
		np_gate_leave(job->sh->dns_gate);	/* may start another job's lookup */
	}
	if (job->failed_errno) {
		complete(job);
		return;
	}
	if (n == 0 || alloc_probes(job, n) < 0 || alloc_paces(job, r->dns.naddrs) < 0) {
		complete(job);
		return;
	}
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
	start_probes(job, tp, ntp, t->nports * ntp);
}

static void start_unix(struct np_job *job)
{
	const struct np_target *t = &job->target;
	const struct np_transport *tp[2];
	size_t n = transports(job->sh->cfg, t, tp);

	job->result.dns.status = NP_DNS_STATUS_SKIPPED;
	job->result.dns.source = NP_SOURCE_LITERAL;
	job->result.dns.rcode = -1;
	if (alloc_probes(job, n) < 0) {
		complete(job);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		job->result.probes[i].sa = t->unix_sa;
		job->result.probes[i].salen = t->unix_len;
	}
	start_probes(job, tp, n, 0);
}

struct np_job *np_job_new(struct np_run_shared *sh, const struct np_target *t,
			  np_job_done done, np_job_done round, void *arg)
{
	struct np_job *job = calloc(1, sizeof(*job));

	if (!job)
		return NULL;
	job->sh = sh;
	job->target = *t;
	job->result.target = &job->target;
	job->done = done;
	job->round = round;
	job->done_arg = arg;
	np_series_init(&job->series);
	np_timer_init(&job->next_round, start_round, job);
	job->dns_wait.go = on_dns_slot;
	return job;
}

/* What one round allocated: its probes, their results, the pacers. */
static void free_round(struct np_job *job)
{
	for (size_t a = 0; a < job->npaces; a++)
		np_udp_pace_free(&job->paces[a]);
	free(job->paces);
	job->paces = NULL;
	job->npaces = 0;
	free(job->probes);
	job->probes = NULL;
	free(job->result.probes);
	job->result.probes = NULL;
	job->result.nprobes = job->result.nopen = 0;
}

/* One round: resolve (the first, or every one with --re-resolve), then probe;
 * without --count the only round. */
static void start_round(void *arg)
{
	struct np_job *job = arg;
	const struct np_run_config *cfg = job->sh->cfg;

	free_round(job);
	job->t_round = np_now_ms();
	if (job->result.seq++ == 0)
		job->t_first = job->t_round;
	/* a literal has nothing to resolve again */
	job->resolving_round = !job->target.is_unix &&
		(job->result.seq == 1 || (cfg->re_resolve && !job->target.literal_family));
	if (job->target.is_unix) {
		start_unix(job);
		return;
	}
	if (!job->resolving_round) {
		on_resolved(job);	/* the addresses of the first round */
		return;
	}
	np_loop_hold(job->sh->loop);	/* released when resolved */
	if (job->target.literal_family)
		resolve(job);		/* nothing to ask: no place in the line */
	else
		np_gate_enter(job->sh->dns_gate, &job->dns_wait);
}

static void resolve(struct np_job *job)
{
	if (np_resolve_start(job->sh->resolver, &job->target, &job->result.dns, on_resolved,
			     job) < 0) {
		job->failed_errno = ENOMEM;
		on_resolved(job);
	}
}

/* Its turn to ask DNS. */
static void on_dns_slot(struct np_gate_waiter *w)
{
	struct np_job *job = (struct np_job *)((char *)w - offsetof(struct np_job, dns_wait));

	job->dns_slot = true;
	resolve(job);
}

void np_job_start(struct np_job *job)
{
	start_round(job);
}

bool np_job_abandon(struct np_job *job)
{
	struct np_target_result *r = &job->result;

	np_timer_cancel(job->sh->loop, &job->next_round);
	for (size_t i = 0; i < r->nprobes && job->probes; i++)
		np_probe_abandon(&job->probes[i].probe);
	if (!job->sh->cfg->counting || job->series.rounds_done == 0 || job->failed_errno)
		return false;
	/* the round in flight is not counted: the report is the last complete one */
	if (job->last_probes) {
		free_round(job);
		r->probes = job->last_probes;
		r->nprobes = job->last_nprobes;
		r->nopen = job->last_nopen;
		job->last_probes = NULL;
		if (job->last_dns)
			np_dns_result_move(&r->dns, job->last_dns);
		np_happy_eyeballs(r);
	}
	r->seq = job->series.last.seq;
	r->series = &job->series;
	r->verdict = np_series_verdict(&job->series);
	job->exit_code = np_verdict_exit_code(r->verdict);
	return true;
}

void np_job_free(struct np_job *job)
{
	if (!job)
		return;
	np_timer_cancel(job->sh->loop, &job->next_round);
	free_round(job);
	free(job->last_probes);
	np_dns_result_clear(&job->result.dns);
	if (job->last_dns)
		np_dns_result_clear(job->last_dns);
	free(job->last_dns);
	np_series_free(&job->series);
	free(job);
}
