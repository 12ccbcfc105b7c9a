/* One target's job: resolve it, then probe every address, port and transport, on
 * the loop, resolver and socket gate a batch shares (batch.c); the job says when
 * it is done and holds a plain result for the reporter. */
#ifndef NP_RUN_H
#define NP_RUN_H

#include <stdbool.h>
#include <stdio.h>
#include "gate.h"
#include "probe.h"
#include "resolve.h"
#include "series.h"
#include "target.h"
#include "thresholds.h"

/* What netprobe was asked (cmd_probe.c fills it in): the options every target
 * shares, and where the targets come from. */
struct np_run_config {
	struct np_resolve_opts resolve;
	bool tcp, udp;		/* -t / -u; neither given means TCP (stream) */
	struct np_probe_opts probe;
	uint8_t send_buf[4096];	/* --send after its escapes are decoded */
	char **words;		/* the command line's targets */
	int nwords;
	bool one_target;	/* HOST PORTS...: the words are one target */
	const char *file;	/* --file; "-" is standard input; NULL: none */
	unsigned jobs;		/* --jobs: targets in flight */
	bool batch;		/* several targets, --file or --count: a summary */
	bool counting;		/* --count given: rounds, statistics */
	unsigned long count;	/* --count: rounds per target; 0 until stopped */
	double interval_ms;	/* --interval: from one round's start to the next */
	bool re_resolve;	/* --re-resolve: every round asks DNS again */
	/* --format nagios: -w/--warning, -c/--critical (unset: never alert) */
	struct np_thresholds warn, crit;
	const char *output;	/* --output FILE (the report's name in messages);
				 * NULL: standard output */
};

/* What every job of a run shares. */
struct np_run_shared {
	const struct np_run_config *cfg;
	struct np_loop *loop;
	struct np_resolver *resolver;
	struct np_gate *gate;
	struct np_gate *dns_gate;	/* lookups in flight on the one channel */
	bool stopping;		/* the run is being abandoned: start nothing more */
};

/* Lookups in flight at once (each is an A and an AAAA query): a burst of
 * hundreds overflows a UDP receive buffer (ours or the server's), and every
 * answer dropped there costs a retry, or turns into a timeout. Ours is sized
 * for them (np_resolver_expect_answers); the server's is not ours to size.
 * Measured on loopback knotd (20,000 names, one source socket, so one of
 * knotd's SO_REUSEPORT sockets): 64 -> 1.29 s, no drops; 128 -> 1.48 s, 4-12
 * answers dropped in knotd's 208 KiB buffer; 256 -> 2.2-5.4 s, 400-900 drops
 * and timeouts. */
#define NP_DNS_INFLIGHT 64

struct np_job;
/* The job is done (done), or one of its --count rounds is (round): either way
 * job->result holds what to report. */
typedef void (*np_job_done)(struct np_job *job, void *arg);

struct np_job {
	struct np_run_shared *sh;
	struct np_target target;
	struct np_target_result result;
	struct np_job_probe *probes;	/* one per result.probes[i] */
	struct np_udp_pace *paces;	/* one per address, for its UDP probes */
	size_t npaces;
	size_t running;			/* probes started or waiting, not finished */
	int failed_errno;		/* the job could not run (ENOMEM) */
	int exit_code;			/* the verdict's, once done */
	np_job_done done, round;
	void *done_arg;
	/* --count: the rounds so far, and the last complete one's probes (and DNS,
	 * with --re-resolve) while the next is in flight */
	struct np_series series;
	struct np_timer next_round;
	double t_first, t_round;	/* when the first round, this round began */
	bool resolving_round;		/* this round asks DNS */
	struct np_gate_waiter dns_wait;	/* its place in the line for a lookup */
	bool dns_slot;			/* holds a lookup slot */
	struct np_probe_result *last_probes;
	size_t last_nprobes, last_nopen;
	struct np_dns_result *last_dns;
	struct np_job *prev, *next;	/* the batch's lists */
};

/* What the options mean for target t, and what they cannot mean: 0, or -1 with
 * a one-line reason in err. alone: the run's only target, for which -4, -6 and
 * a DNS server given with a unix: target are a mistake (in a batch they are
 * for the other targets). */
int np_job_check(const struct np_run_config *cfg, const struct np_target *t, bool alone,
		 char *err, size_t errlen);
/* A job for target t (copied); NULL when out of memory. round: called after
 * each --count round (not without --count). */
struct np_job *np_job_new(struct np_run_shared *sh, const struct np_target *t,
			  np_job_done done, np_job_done round, void *arg);
/* Resolve and probe; done(job, arg) runs once, possibly before this returns. */
void np_job_start(struct np_job *job);
/* Stop what is in flight (sockets closed, timers cancelled). True when there
 * is still something to report: a --count job with complete rounds, its result
 * put back to the last of them, its verdict and exit code from all of them. */
bool np_job_abandon(struct np_job *job);
void np_job_free(struct np_job *job);

#endif
