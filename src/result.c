/* Names of result values, and the verdict rule (Nagios: ok, warning, critical). */
#include <config.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include "result.h"

const char *np_dns_status_name(enum np_dns_status s)
{
	static const char *const names[] = {
		[NP_DNS_STATUS_OK] = "ok", [NP_DNS_STATUS_NXDOMAIN] = "nxdomain",
		[NP_DNS_STATUS_NODATA] = "nodata", [NP_DNS_STATUS_SERVFAIL] = "servfail",
		[NP_DNS_STATUS_REFERRAL] = "referral", [NP_DNS_STATUS_INCOMPLETE] = "incomplete",
		[NP_DNS_STATUS_REFUSED] = "refused", [NP_DNS_STATUS_TIMEOUT] = "timeout",
		[NP_DNS_STATUS_ERROR] = "error", [NP_DNS_STATUS_SKIPPED] = "skipped",
	};
	return names[s];
}

const char *np_dns_source_name(enum np_dns_source s)
{
	return s == NP_SOURCE_DNS ? "dns" : s == NP_SOURCE_HOSTS ? "hosts" : "literal";
}

const char *np_verdict_name(enum np_verdict v)
{
	static const char *const names[] = {
		[NP_VERDICT_OK] = "ok", [NP_VERDICT_DEGRADED] = "degraded",
		[NP_VERDICT_DOWN] = "down", [NP_VERDICT_DNS_FAILED] = "dns_failed",
	};
	return names[v];
}

bool np_dns_failed(const struct np_target_result *r)
{
	return r->dns.naddrs == 0 && !r->target->is_unix;
}

enum np_verdict np_verdict_of(const struct np_target_result *r)
{
	if (np_dns_failed(r))
		return NP_VERDICT_DNS_FAILED;
	if (r->nopen == r->nprobes)
		return NP_VERDICT_OK;
	return r->nopen ? NP_VERDICT_DEGRADED : NP_VERDICT_DOWN;
}

int np_verdict_exit_code(enum np_verdict v)
{
	return v == NP_VERDICT_OK ? 0 : v == NP_VERDICT_DEGRADED ? 1 : 2;
}

bool np_probe_succeeded(const struct np_probe_result *p)
{
	return p->state == NP_STATE_OPEN;
}

/* RFC 8305 sorts with RFC 6724, whose default policy ranks IPv6 (precedence 40,
 * ::1 50) above IPv4 (35): a dual-stack client starts with the first IPv6
 * address and falls back to IPv4 only after a delay (250 ms recommended). */
static int first_attempt(const struct np_dns_result *d)
{
	for (size_t i = 0; i < d->naddrs; i++)
		if (d->addrs[i].sa.ss_family == AF_INET6)
			return (int)i;
	return -1;
}

static bool same_service(const struct np_probe_result *a, const struct np_probe_result *b)
{
	return strcmp(a->proto, b->proto) == 0 &&
	       np_sockaddr_port((const struct sockaddr *)&a->sa) ==
	       np_sockaddr_port((const struct sockaddr *)&b->sa);
}

/* Is the fault on p's port a localhost bind? Only when every probe of the failing
 * family went to its localhost address and was refused (nothing bound there:
 * silence or ICMP may be a firewall), and the other family's localhost address
 * accepted: then, and only then, the words may speak of the binds. */
static bool fault_is_localhost(const struct np_target_result *r, const struct np_probe_result *p,
			       int failing)
{
	bool other_ok = false;

	for (size_t j = 0; j < r->nprobes; j++) {
		const struct np_probe_result *q = &r->probes[j];
		const struct sockaddr *sa = (const struct sockaddr *)&q->sa;

		if (!same_service(p, q))
			continue;
		if (q->sa.ss_family == failing &&
		    (!np_sockaddr_is_localhost(sa) || q->state != NP_STATE_CLOSED))
			return false;
		other_ok |= q->sa.ss_family != failing && np_sockaddr_is_localhost(sa) &&
			    np_probe_succeeded(q);
	}
	return other_ok;
}

void np_happy_eyeballs(struct np_target_result *r)
{
	bool have4 = false, have6 = false;

	r->he_first = -1;
	r->he_fault = NP_HE_NONE;
	r->he_localhost = false;
	for (size_t i = 0; i < r->dns.naddrs; i++) {
		have4 |= r->dns.addrs[i].sa.ss_family == AF_INET;
		have6 |= r->dns.addrs[i].sa.ss_family == AF_INET6;
	}
	if (!have4 || !have6)
		return;
	r->he_first = first_attempt(&r->dns);
	/* A fault: on one port and protocol, one family all fails, the other works. */
	for (size_t i = 0; i < r->nprobes && r->he_fault == NP_HE_NONE; i++) {
		const struct np_probe_result *p = &r->probes[i];
		size_t ok4 = 0, ok6 = 0, n4 = 0, n6 = 0;

		for (size_t j = 0; j < r->nprobes; j++) {
			const struct np_probe_result *q = &r->probes[j];

			if (!same_service(p, q))
				continue;
			if (q->sa.ss_family == AF_INET) {
				n4++;
				ok4 += np_probe_succeeded(q);
			} else {
				n6++;
				ok6 += np_probe_succeeded(q);
			}
		}
		if (n4 && n6 && ok4 && !ok6)
			r->he_fault = NP_HE_V6_FAILS;
		else if (n4 && n6 && ok6 && !ok4)
			r->he_fault = NP_HE_V4_FAILS;
		if (r->he_fault != NP_HE_NONE)
			r->he_localhost = fault_is_localhost(r, p, r->he_fault == NP_HE_V4_FAILS
								   ? AF_INET : AF_INET6);
		r->he_port = np_sockaddr_port((const struct sockaddr *)&p->sa);
		r->he_proto = p->proto;
	}
}

const char *np_he_fault_name(enum np_he_fault f)
{
	return f == NP_HE_V6_FAILS ? "ipv6_fails" : f == NP_HE_V4_FAILS ? "ipv4_fails" : NULL;
}

void np_run_summary_probes(struct np_run_summary *s, const struct np_target_result *r)
{
	s->probes += r->nprobes;
	for (size_t i = 0; i < r->nprobes; i++)
		s->states[r->probes[i].state]++;
}

void np_run_summary_add(struct np_run_summary *s, const struct np_target_result *r)
{
	s->targets++;
	s->verdicts[r->verdict]++;
}

void np_dns_result_clear(struct np_dns_result *d)
{
	free(d->cnames);
	free(d->referral);
	d->cnames = NULL;
	d->ncnames = 0;
	d->referral = NULL;
}

void np_dns_result_reset(struct np_dns_result *d)
{
	np_dns_result_clear(d);
	memset(d, 0, offsetof(struct np_dns_result, addrs));
	d->rcode = -1;
}

void np_dns_result_move(struct np_dns_result *dst, struct np_dns_result *src)
{
	if (dst == src)
		return;
	np_dns_result_clear(dst);
	*dst = *src;
	src->cnames = NULL;
	src->ncnames = 0;
	src->referral = NULL;
}

int np_dns_result_set_cnames(struct np_dns_result *d, const char *const *names, size_t n)
{
	size_t size = n * sizeof(char *);
	char **v, *p;

	for (size_t i = 0; i < n; i++)
		size += strlen(names[i]) + 1;
	free(d->cnames);
	d->cnames = NULL;
	d->ncnames = 0;
	if (n == 0)
		return 0;
	v = malloc(size);	/* the pointers, then the names they point to */
	if (!v)
		return -1;
	p = (char *)(v + n);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(names[i]) + 1;

		v[i] = memcpy(p, names[i], len);
		p += len;
	}
	d->cnames = v;
	d->ncnames = n;
	return 0;
}
