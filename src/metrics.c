/* docs/METRICS.md's families from plain results: see metrics.h. The order of
 * the calls below is the order of the tables there; names, types and HELP
 * texts are copied from them (blackbox_exporter's where it has the meaning). */
#include <config.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "dnsmsg.h"
#include "metrics.h"
#include "rrtypes.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

double np_metrics_seconds(double ms)
{
	return round(ms * 1e6) / 1e9;
}

static const char help_success[] = "Displays whether or not the probe was a success";
static const char help_duration[] = "Returns how long the probe took to complete in seconds";
static const char help_timeout[] = "Returns how long the probe timeout is in seconds";
static const char help_rcode[] =
	"DNS response code of the reply that decided the lookup; -1 when none came";

/* A sample's labels: the target's first when the exposition has several
 * targets, then the family's own. */
struct labels {
	struct np_prom_label l[NP_PROM_MAX_LABELS];
	size_t n;
};

static struct labels *labels_start(struct labels *ls, const struct np_metrics_ctx *ctx)
{
	ls->n = 0;
	if (ctx->target)
		ls->l[ls->n++] = (struct np_prom_label){ "target", ctx->target };
	return ls;
}

static struct labels *label(struct labels *ls, const char *name, const char *value)
{
	ls->l[ls->n++] = (struct np_prom_label){ name, value };
	return ls;
}

static void gauge(struct np_prom *p, const struct np_metrics_ctx *ctx, const char *name,
		  const char *help, double v)
{
	struct labels ls;

	np_prom_family(p, name, NP_PROM_GAUGE, help);
	labels_start(&ls, ctx);
	np_prom_sample(p, ls.l, ls.n, v);
}

static void gauge_int(struct np_prom *p, const struct np_metrics_ctx *ctx, const char *name,
		      const char *help, int64_t v)
{
	struct labels ls;

	np_prom_family(p, name, NP_PROM_GAUGE, help);
	labels_start(&ls, ctx);
	np_prom_sample_int(p, ls.l, ls.n, v);
}

/* A state set: every value of the vocabulary, 1 for the one that holds (is
 * NULL: none does). */
static void state_set(struct np_prom *p, const struct np_metrics_ctx *ctx, const char *name,
		      const char *help, const char *label_name, const char *const *values,
		      size_t n, const char *is)
{
	struct labels ls;

	np_prom_family(p, name, NP_PROM_GAUGE, help);
	for (size_t i = 0; i < n; i++) {
		label(labels_start(&ls, ctx), label_name, values[i]);
		np_prom_sample_int(p, ls.l, ls.n, is && strcmp(values[i], is) == 0);
	}
}

int np_metrics_client_probe(const struct np_target_result *r)
{
	for (size_t i = 0; i < r->nprobes; i++)
		if (np_probe_succeeded(&r->probes[i]))
			return (int)i;
	return r->nprobes ? 0 : -1;
}

/* The resolution's time in ms; 0 when no DNS was asked. */
static double dns_ms(const struct np_target_result *r)
{
	return r->target->is_unix || r->dns.source != NP_SOURCE_DNS ? 0 : r->dns.time_ms;
}

double np_metrics_duration(const struct np_target_result *r)
{
	double slowest = 0;

	for (size_t i = 0; i < r->nprobes; i++) {
		const struct np_probe_result *pr = &r->probes[i];
		double t = pr->time_ms + (pr->xchg.received ? pr->xchg.reply_ms : 0);

		if (t > slowest)
			slowest = t;
	}
	return np_metrics_seconds(dns_ms(r) + slowest);
}

double np_metrics_dns_time(const struct np_target_result *r)
{
	return np_metrics_seconds(dns_ms(r));
}

double np_metrics_response_time(const struct np_target_result *r, double duration_s)
{
	int i = np_metrics_client_probe(r);

	if (i >= 0 && np_probe_succeeded(&r->probes[i]))
		return np_metrics_seconds(dns_ms(r) + r->probes[i].time_ms);
	return duration_s;
}

/* blackbox's ipHash: FNV-1a 32-bit over the address's 4 or 16 bytes. */
static uint32_t ip_hash(const struct sockaddr *sa)
{
	const uint8_t *b;
	size_t n;
	uint32_t h = 2166136261u;

	if (sa->sa_family == AF_INET) {
		b = (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr;
		n = 4;
	} else {
		b = (const uint8_t *)&((const struct sockaddr_in6 *)sa)->sin6_addr;
		n = 16;
	}
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

/* The three families every answer begins with, blackbox's. */
static void probe_head(struct np_prom *p, const struct np_metrics_ctx *ctx, bool success)
{
	gauge_int(p, ctx, "probe_success", help_success, success);
	gauge(p, ctx, "probe_duration_seconds", help_duration, ctx->duration_s);
	gauge(p, ctx, "probe_timeout_seconds", help_timeout, ctx->timeout_s);
}

bool np_metrics_success(const struct np_target_result *r)
{
	return r->verdict == NP_VERDICT_OK || r->verdict == NP_VERDICT_DEGRADED;
}

int np_metrics_timed_out(struct np_prom *p, const struct np_metrics_ctx *ctx)
{
	probe_head(p, ctx, false);
	return p->error;
}

/* probe_success .. probe_failed_due_to_regex: blackbox's, for a TCP/UDP/Unix probe. */
static void blackbox(struct np_prom *p, const struct np_target_result *r,
		     const struct np_metrics_ctx *ctx)
{
	int c = np_metrics_client_probe(r);
	const struct sockaddr *sa = c >= 0 ? (const struct sockaddr *)&r->probes[c].sa : NULL;
	bool ip = sa && (sa->sa_family == AF_INET || sa->sa_family == AF_INET6);
	bool mismatch = false;

	probe_head(p, ctx, np_metrics_success(r));
	gauge(p, ctx, "probe_dns_lookup_time_seconds",
	      "Returns the time taken for probe dns lookup in seconds", np_metrics_dns_time(r));
	gauge_int(p, ctx, "probe_ip_protocol", "Specifies whether probe ip protocol is IP4 or IP6",
		  !ip ? 0 : sa->sa_family == AF_INET ? 4 : 6);
	if (ip)
		gauge_int(p, ctx, "probe_ip_addr_hash",
			  "Specifies the hash of IP address. It's useful to detect if the IP "
			  "address changes.", ip_hash(sa));
	if (!ctx->expect)
		return;
	/* connected, and the text never came: it did not match (mismatch), or
	 * the peer closed first (blackbox: EOF before the regexp matched) */
	for (size_t i = 0; i < r->nprobes; i++)
		mismatch |= r->probes[i].state == NP_STATE_MISMATCH ||
			    r->probes[i].state == NP_STATE_PEER_CLOSED;
	gauge_int(p, ctx, "probe_failed_due_to_regex", "Indicates if probe failed due to regex",
		  mismatch);
}

static void dns(struct np_prom *p, const struct np_target_result *r,
		const struct np_metrics_ctx *ctx)
{
	static const char *const sources[] = { "dns", "hosts", "literal" };
	static const char *const families[] = { "ipv4", "ipv6" };
	size_t count[2] = { 0, 0 };
	struct labels ls;

	gauge_int(p, ctx, "netprobe_dns_rcode", help_rcode, r->dns.rcode);
	if (!r->target->is_unix)
		state_set(p, ctx, "netprobe_dns_source",
			  "Where the addresses came from: 1 for the source used", "source", sources,
			  N(sources), np_dns_source_name(r->dns.source));
	for (size_t i = 0; i < r->dns.naddrs; i++)
		count[r->dns.addrs[i].sa.ss_family == AF_INET6]++;
	np_prom_family(p, "netprobe_dns_addresses", NP_PROM_GAUGE,
		       "Number of addresses the name resolved to, by family");
	for (size_t i = 0; i < N(families); i++) {
		label(labels_start(&ls, ctx), "family", families[i]);
		np_prom_sample_uint(p, ls.l, ls.n, count[i]);
	}
}

/* The labels that name one probe: address, port, proto (and the target's). */
struct probe_id {
	char address[NP_ENDPOINT_LEN + 128];
	char port[8];
};

/* The address label: a Unix socket path as its bytes (the writer escapes
 * them, once), else the address as netprobe prints it; an abstract name, which
 * may hold NUL bytes, as printed too ("@name", \xHH escapes). */
static void unix_or_ip_address(const struct np_probe_result *pr, char *buf, size_t len)
{
	const struct sockaddr_un *sun = (const struct sockaddr_un *)&pr->sa;
	size_t off = offsetof(struct sockaddr_un, sun_path);
	size_t plen = pr->salen > off ? pr->salen - off : 0;

	if (sun->sun_family == AF_UNIX && plen > 0 && sun->sun_path[0] != '\0') {
		plen = strnlen(sun->sun_path, plen);
		snprintf(buf, len, "%.*s", (int)plen, sun->sun_path);
		return;
	}
	np_sockaddr_show((const struct sockaddr *)&pr->sa, pr->salen, NP_SHOW_ADDRESS, NULL, buf,
			 len);
}

static struct labels *probe_labels(struct labels *ls, const struct np_metrics_ctx *ctx,
				   const struct np_probe_result *pr, struct probe_id *id)
{
	const struct sockaddr *sa = (const struct sockaddr *)&pr->sa;

	unix_or_ip_address(pr, id->address, sizeof(id->address));
	if (sa->sa_family == AF_UNIX)
		id->port[0] = '\0';
	else
		snprintf(id->port, sizeof(id->port), "%u", np_sockaddr_port(sa));
	labels_start(ls, ctx);
	label(ls, "address", id->address);
	label(ls, "port", id->port);
	return label(ls, "proto", pr->proto);
}

enum probe_value { PV_STATE, PV_TIME, PV_ICMP_TYPE, PV_ICMP_CODE };

/* One per-address family: a sample for each probe that has the value. */
static void per_probe(struct np_prom *p, const struct np_target_result *r,
		      const struct np_metrics_ctx *ctx, const char *name, const char *help,
		      enum probe_value what)
{
	bool begun = false;
	struct probe_id id;
	struct labels ls;

	for (size_t i = 0; i < r->nprobes; i++) {
		const struct np_probe_result *pr = &r->probes[i];

		if ((what == PV_ICMP_TYPE || what == PV_ICMP_CODE) && !pr->icmp.set)
			continue;	/* a family with no sample is left out */
		if (what == PV_TIME && !(pr->time_ms >= 0))
			continue;
		if (!begun)
			np_prom_family(p, name, NP_PROM_GAUGE, help);
		begun = true;
		probe_labels(&ls, ctx, pr, &id);
		switch (what) {
		case PV_STATE:
			label(&ls, "state", np_state_name(pr->state));
			np_prom_sample_int(p, ls.l, ls.n, 1);
			break;
		case PV_TIME:
			np_prom_sample(p, ls.l, ls.n, np_metrics_seconds(pr->time_ms));
			break;
		case PV_ICMP_TYPE:
			np_prom_sample_int(p, ls.l, ls.n, pr->icmp.type);
			break;
		case PV_ICMP_CODE:
			np_prom_sample_int(p, ls.l, ls.n, pr->icmp.code);
			break;
		}
	}
}

static void probes(struct np_prom *p, const struct np_target_result *r,
		   const struct np_metrics_ctx *ctx)
{
	static const char *const faults[] = { "ipv6_fails", "ipv4_fails" };

	per_probe(p, r, ctx, "netprobe_probe_state",
		  "State of the target's port at each address tried: 1 for the state seen",
		  PV_STATE);
	per_probe(p, r, ctx, "netprobe_connect_time_seconds",
		  "Time until the state of the port at this address was known, in seconds",
		  PV_TIME);
	per_probe(p, r, ctx, "netprobe_icmp_type",
		  "Type of the ICMP error that decided the state at this address", PV_ICMP_TYPE);
	per_probe(p, r, ctx, "netprobe_icmp_code",
		  "Code of the ICMP error that decided the state at this address", PV_ICMP_CODE);
	state_set(p, ctx, "netprobe_happy_eyeballs_fault",
		  "A whole address family fails while the other works: 1 for the family that "
		  "fails", "fault", faults, N(faults), np_he_fault_name(r->he_fault));
}

void np_metrics_series_total(const struct np_series *s, struct np_series_stat *out)
{
	struct np_series_slot total = { .sent = 0 };

	for (size_t i = 0; i < s->nslots; i++) {
		const struct np_series_slot *sl = &s->slots[i];

		if (sl->open && (total.open == 0 || sl->min_ms < total.min_ms))
			total.min_ms = sl->min_ms;
		if (sl->open && (total.open == 0 || sl->max_ms > total.max_ms))
			total.max_ms = sl->max_ms;
		total.sent += sl->sent;
		total.open += sl->open;
		total.sum_ms += sl->sum_ms;
		total.sum2_ms += sl->sum2_ms;
	}
	np_series_stat(&total, out);
}

static void series(struct np_prom *p, const struct np_target_result *r,
		   const struct np_metrics_ctx *ctx)
{
	static const char *const stats[] = { "min", "avg", "max", "mdev" };
	struct np_series_stat st;
	struct labels ls;

	np_metrics_series_total(r->series, &st);
	gauge_int(p, ctx, "netprobe_rounds", "Rounds of probes completed (--count)",
		  (int64_t)r->series->rounds_done);
	gauge_int(p, ctx, "netprobe_probes_sent", "Probes sent over all rounds (--count)",
		  (int64_t)st.sent);
	gauge_int(p, ctx, "netprobe_probes_open", "Probes that found the port open (--count)",
		  (int64_t)st.open);
	gauge(p, ctx, "netprobe_loss_ratio",
	      "Share of probes that did not find the port open, 0 to 1", st.loss_percent / 100);
	if (!st.has_times)
		return;
	const double v[] = { st.min_ms, st.avg_ms, st.max_ms, st.mdev_ms };

	np_prom_family(p, "netprobe_rtt_seconds", NP_PROM_GAUGE,
		       "Connect time over the probes that found the port open, in seconds");
	for (size_t i = 0; i < N(stats); i++) {
		label(labels_start(&ls, ctx), "stat", stats[i]);
		np_prom_sample(p, ls.l, ls.n, np_metrics_seconds(v[i]));
	}
}

int np_metrics_probe(struct np_prom *p, const struct np_target_result *r,
		     const struct np_metrics_ctx *ctx)
{
	static const char *const verdicts[] = { "ok", "degraded", "down", "dns_failed" };

	blackbox(p, r, ctx);
	state_set(p, ctx, "netprobe_verdict", "netprobe's verdict on the target: 1 for the one given",
		  "verdict", verdicts, N(verdicts), np_verdict_name(r->verdict));
	dns(p, r, ctx);
	probes(p, r, ctx);
	if (r->series)
		series(p, r, ctx);
	return p->error;
}

/* Additional records but the OPT pseudo-record (EDNS), which blackbox does not
 * count either (miekg/dns keeps it apart). */
static size_t additional_rrs(const struct np_dns_message *m)
{
	size_t n = m->h.arcount;

	for (size_t i = 0; i < m->nrecords; i++)
		if (m->records[i].section == NP_SEC_ADDITIONAL && m->records[i].type == NP_RR_OPT && n)
			n--;
	return n;
}

/* The first reply's rcode; -1 when none came with a whole header. */
static int first_rcode(const struct np_lookup_result *r)
{
	const struct np_lookup_reply *rep = r->nreplies ? &r->replies[0] : NULL;

	return rep && rep->msg && rep->len >= 12 ? NP_DNS_RCODE(rep->m.h.flags) : -1;
}

bool np_metrics_lookup_success(const struct np_lookup_result *r)
{
	return first_rcode(r) == 0;
}

int np_metrics_lookup(struct np_prom *p, const struct np_lookup_result *r,
		      const struct np_metrics_ctx *ctx)
{
	static const char *const phases[] = { "resolve", "connect", "request" };
	const struct np_lookup_reply *rep = r->nreplies ? &r->replies[0] : NULL;
	int rcode = first_rcode(r);
	bool replied = rcode >= 0;
	struct labels ls;

	probe_head(p, ctx, rcode == 0);
	np_prom_family(p, "probe_dns_duration_seconds", NP_PROM_GAUGE,
		       "Duration of DNS request by phase");
	for (size_t i = 0; i < N(phases); i++) {
		label(labels_start(&ls, ctx), "phase", phases[i]);
		/* the server is an address (no resolve); c-ares' connect over TCP
		 * is inside its request time, not apart */
		np_prom_sample(p, ls.l, ls.n, i == 2 && rep ? np_metrics_seconds(rep->time_ms) : 0);
	}
	gauge_int(p, ctx, "probe_dns_query_succeeded",
		  "Displays whether or not the query was executed successfully", replied);
	gauge_int(p, ctx, "probe_dns_answer_rrs",
		  "Returns number of entries in the answer resource record list",
		  replied ? rep->m.h.ancount : 0);
	gauge_int(p, ctx, "probe_dns_authority_rrs",
		  "Returns number of entries in the authority resource record list",
		  replied ? rep->m.h.nscount : 0);
	gauge_int(p, ctx, "probe_dns_additional_rrs",
		  "Returns number of entries in the additional resource record list",
		  replied ? (int64_t)additional_rrs(&rep->m) : 0);
	gauge_int(p, ctx, "netprobe_dns_rcode", help_rcode, rcode);
	return p->error;
}
