/* docs/METRICS.md's per-probe and lookup families, built from plain results
 * into a Prometheus writer (promtext.h). Shared by `--format prometheus` (the
 * probe and lookup reporters) and the exporter's /probe answers: one place
 * decides names, order, labels and values. Nothing here prints; the caller
 * owns the writer and its strbuf and decides where the text goes. */
#ifndef NP_METRICS_H
#define NP_METRICS_H

#include <stdbool.h>

#include "lookup.h"
#include "promtext.h"
#include "result.h"
#include "series.h"

struct np_metrics_ctx {
	double duration_s;	/* whole run: probe_duration_seconds */
	double timeout_s;	/* --timeout in effect: probe_timeout_seconds */
	bool expect;		/* --expect given: probe_failed_due_to_regex */
	/* NULL: no target label (one target: /probe, a single CLI target);
	 * else the value of a `target` label on every sample (several targets
	 * in one exposition: --file) */
	const char *target;
};

/* Milliseconds to seconds, to the nanosecond as blackbox_exporter's are (Go's
 * Duration): 4.66e-05, not the 4.660000093281269e-05 a bare division gives. */
double np_metrics_seconds(double ms);

/* The per-probe families of METRICS.md for one target (with --count: the series
 * families too). 0, or -1 when the writer refused (a bug: np_prom_error says). */
int np_metrics_probe(struct np_prom *p, const struct np_target_result *r,
		     const struct np_metrics_ctx *ctx);
/* The lookup families for one name's first reply (METRICS.md "Lookup probe"). */
int np_metrics_lookup(struct np_prom *p, const struct np_lookup_result *r,
		      const struct np_metrics_ctx *ctx);

/* probe_success's value: the verdict ok or degraded; for a lookup, its first
 * reply came (a whole header) with rcode NOERROR. */
bool np_metrics_success(const struct np_target_result *r);
bool np_metrics_lookup_success(const struct np_lookup_result *r);
/* A probe the scrape's timeout cut before its end: probe_success 0 and the
 * two times (blackbox_exporter's answer). 0, or -1 as np_metrics_probe. */
int np_metrics_timed_out(struct np_prom *p, const struct np_metrics_ctx *ctx);

/* The statistics over every slot of a series (all addresses, ports and
 * transports together): np_series_stat of the slots summed into one. What
 * netprobe_loss_ratio / netprobe_rtt_seconds and Nagios' loss and rtt_avg say. */
void np_metrics_series_total(const struct np_series *s, struct np_series_stat *out);

/* The address a client uses (the first that answered open, else the first
 * tried): index into r->probes, -1 when none (DNS failed, or a Unix socket
 * for ip purposes: check the probe's family). */
int np_metrics_client_probe(const struct np_target_result *r);

/* A probe's own time, in seconds, for probe_duration_seconds when the caller
 * did not time it: DNS (when asked) plus the slowest address's connect and
 * exchange (the addresses are probed at once). A target that waited for a
 * socket in a large batch did not spend that wait probing: it is not in it. */
double np_metrics_duration(const struct np_target_result *r);

/* probe_dns_lookup_time_seconds: the resolution's time, 0 when no DNS was
 * asked (an address literal, the hosts file, a Unix socket). */
double np_metrics_dns_time(const struct np_target_result *r);

/* The response time -w/-c TIME judges and Nagios' `time` perfdata says, in
 * seconds: DNS time plus the client address's connect time when one answered
 * open, else duration_s (METRICS.md's Nagios section). */
double np_metrics_response_time(const struct np_target_result *r, double duration_s);

#endif
