/* The lookup command: send each query with ares_send on the shared loop, keep
 * each reply whole, decode it. c-ares retries a truncated UDP answer over TCP by
 * itself; the socket type at callback time tells us it did. */
#include <config.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bytes.h"
#include "clock.h"
#include "lookup.h"

struct pending {
	struct np_lookup_reply *reply;
	struct np_resolver *resolver;
	struct np_loop *loop;
	const struct np_lookup_opts *opts;
	double t0, deadline;
	unsigned resends;
	uint8_t q[NP_DNS_QUERY_MAX];	/* kept to send again if c-ares gives up early */
	size_t qlen;
};

/* A query without a reply, in lookup's words. */
static void set_failure(struct pending *p, int status)
{
	struct np_lookup_reply *r = p->reply;

	switch (np_resolver_failure(p->resolver, status, &r->err)) {
	case NP_ARES_TIMEOUT:
		/* c-ares gave up (ETIMEOUT, maybe early) or our deadline cancelled
		 * the query: either way, say how long it was given */
		np_error_set(&r->err, "TIMEOUT", "no reply from %s within %.3f s",
			     r->server, (status == ARES_ECANCELLED ? p->opts->resolve.timeout_ms
				: np_resolver_waited_ms(r->time_ms, p->opts->resolve.timeout_ms,
							p->resends)) / 1e3);
		break;
	case NP_ARES_NO_SOCKET:	/* the socket never opened: the real cause is set */
		break;
	case NP_ARES_REFUSED:
		np_error_set(&r->err, "ECONNREFUSED", "%s refused the connection: nothing serves "
			     "DNS there", r->server);
		break;
	case NP_ARES_OTHER:
		np_error_set(&r->err, "ARES_ERROR", "query failed: %s", ares_strerror(status));
		break;
	}
}

static void on_reply(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct pending *p = arg;
	struct np_lookup_reply *r = p->reply;

	if (status == ARES_ETIMEOUT && np_resolver_resend_due(p->deadline, &p->resends)) {
		ares_send(p->resolver->channel, p->q, (int)p->qlen, on_reply, p);
		return;
	}
	r->time_ms = np_now_ms() - p->t0;
	r->via_tcp = p->opts->tcp;	/* as asked, until a reply says otherwise */
	np_resolver_server(p->resolver, r->server, sizeof(r->server));
	if (abuf && alen > 0) {
		r->via_tcp = np_resolver_via_tcp(p->resolver);
		r->retried_tcp = r->via_tcp && !p->opts->tcp;
		if (r->retried_tcp) {
			const struct np_udp_seen *u =
				np_resolver_udp_seen(p->resolver, np_get16(p->q));

			r->udp_tc = !u || u->tc;	/* unseen: TC is c-ares' usual reason */
			r->udp_size = u ? u->size : 0;
		}
		r->msg = malloc((size_t)alen);
		if (r->msg) {	/* decoded once the loop is done: see decode_replies */
			memcpy(r->msg, abuf, (size_t)alen);
			r->len = (size_t)alen;
		}
	} else {
		set_failure(p, status);
	}
	np_loop_release(p->loop);
}

/* Add a to the set unless it is there already. -1: out of memory. */
static int addr_set_add(struct np_addr_set *s, const char *a)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->addr[i], a) == 0)
			return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 8;
		char (*p)[INET6_ADDRSTRLEN] = realloc(s->addr, cap * sizeof(*p));

		if (!p)
			return -1;
		s->addr = p;
		s->cap = cap;
	}
	snprintf(s->addr[s->n++], sizeof(*s->addr), "%s", a);
	return 0;
}

static void addr_set_free(struct np_addr_set *s)
{
	free(s->addr);
	*s = (struct np_addr_set){ 0 };
}

/* out = what a has and b has not. */
static int addr_set_minus(const struct np_addr_set *a, const struct np_addr_set *b,
			  struct np_addr_set *out)
{
	for (size_t i = 0; i < a->n; i++) {
		bool found = false;

		for (size_t j = 0; j < b->n && !found; j++)
			found = strcmp(a->addr[i], b->addr[j]) == 0;
		if (!found && addr_set_add(out, a->addr[i]) < 0)
			return -1;
	}
	return 0;
}

/* Ask getaddrinfo for the families DNS was asked about; 0 or an EAI_* code. */
static int system_addresses(const struct np_lookup_opts *o, struct np_addr_set *set)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res;
	bool want4 = false, want6 = false;
	int rc;

	for (size_t q = 0; q < o->ntypes; q++) {
		want4 |= o->types[q] == NP_RR_A;
		want6 |= o->types[q] == NP_RR_AAAA;
	}
	hints.ai_family = want4 && !want6 ? AF_INET : want6 && !want4 ? AF_INET6 : AF_UNSPEC;
	rc = getaddrinfo(o->name, NULL, &hints, &res);
	if (rc != 0)
		return rc;
	for (struct addrinfo *i = res; i && rc == 0; i = i->ai_next) {
		char a[INET6_ADDRSTRLEN];

		np_sockaddr_address(i->ai_addr, a, sizeof(a));
		if (addr_set_add(set, a) < 0)
			rc = EAI_MEMORY;
	}
	freeaddrinfo(res);
	return rc;
}

/* The A and AAAA records of every answer section. */
static int dns_addresses(const struct np_lookup_result *r, struct np_addr_set *set)
{
	for (size_t q = 0; q < r->nreplies; q++) {
		const struct np_dns_message *m = &r->replies[q].m;

		for (size_t k = 0; k < m->nrecords; k++)
			if (m->records[k].section == NP_SEC_ANSWER &&
			    np_rr_family(m->records[k].type) &&
			    addr_set_add(set, m->records[k].text) < 0)
				return -1;
	}
	return 0;
}

static void compare_system(const struct np_lookup_opts *o, struct np_lookup_result *r)
{
	struct np_lookup_system *s = &r->system;
	struct np_addr_set dns = { 0 };

	s->asked = true;
	s->gai_error = system_addresses(o, &s->addrs);
	if (s->gai_error != EAI_MEMORY &&
	    (dns_addresses(r, &dns) < 0 || addr_set_minus(&s->addrs, &dns, &s->only_system) < 0 ||
	     addr_set_minus(&dns, &s->addrs, &s->only_dns) < 0))
		s->gai_error = EAI_MEMORY;
	if (s->gai_error == EAI_MEMORY) {	/* say so rather than compare half lists */
		addr_set_free(&s->addrs);
		addr_set_free(&s->only_system);
		addr_set_free(&s->only_dns);
	}
	addr_set_free(&dns);
}

/* Decoding and judging wait until every reply is in: however long a hostile reply
 * takes to decode, it cannot hold up the loop while other replies wait on their
 * timers. */
static void decode_replies(struct np_lookup_result *r, const char *qname)
{
	for (size_t i = 0; i < r->nreplies; i++) {
		struct np_lookup_reply *rep = &r->replies[i];

		if (rep->msg) {
			rep->decode_rc = np_dns_decode(rep->msg, rep->len, &rep->m);
			if (rep->decode_rc == NP_DNS_OK && !NP_DNS_QR(rep->m.h.flags))
				rep->decode_rc = NP_DNS_ENOTRESP;
		}
		np_lookup_classify(rep, qname);
	}
}

static enum np_dns_status rcode_status(int rcode)
{
	switch (rcode) {
	case 0: return NP_DNS_STATUS_OK;
	case 2: return NP_DNS_STATUS_SERVFAIL;
	case 3: return NP_DNS_STATUS_NXDOMAIN;
	case 5: return NP_DNS_STATUS_REFUSED;
	default: return NP_DNS_STATUS_ERROR;
	}
}

/* What the reply means, as the probe reads it: a record of the type asked
 * (ANY: any record) in the answer is ok; a NOERROR without one is NODATA, a
 * referral or an unfinished chain (dnsanswer.h). */
void np_lookup_classify(struct np_lookup_reply *r, const char *qname)
{
	char final[NP_DNS_TEXT_MAX];
	size_t links;

	memset(&r->referral, 0, sizeof(r->referral));
	r->chain_end[0] = '\0';
	if (!r->msg || r->decode_rc) {
		r->status = !r->msg && strcmp(r->err.code, "TIMEOUT") == 0 ? NP_DNS_STATUS_TIMEOUT
			: NP_DNS_STATUS_ERROR;
		return;
	}
	r->status = rcode_status(NP_DNS_RCODE(r->m.h.flags));
	if (r->status != NP_DNS_STATUS_OK)
		return;
	for (size_t k = 0; k < r->m.nrecords; k++)
		if (r->m.records[k].section == NP_SEC_ANSWER &&
		    np_rr_answers(r->qtype, r->m.records[k].type))
			return;
	if (np_dns_chain_end(r->msg, r->len, qname, final, sizeof(final), &links) < 0) {
		r->status = NP_DNS_STATUS_NODATA;
		return;
	}
	switch (np_dns_classify_empty(r->msg, r->len, final, links, &r->referral)) {
	case NP_EMPTY_NODATA:
		/* a chain the server answered to its end counts as an answer, as
		 * in dig: NODATA is an empty answer section */
		r->status = links ? NP_DNS_STATUS_OK : NP_DNS_STATUS_NODATA;
		memset(&r->referral, 0, sizeof(r->referral));
		break;
	case NP_EMPTY_REFERRAL:
		r->status = NP_DNS_STATUS_REFERRAL;
		break;
	case NP_EMPTY_INCOMPLETE:
		r->status = NP_DNS_STATUS_INCOMPLETE;
		snprintf(r->chain_end, sizeof(r->chain_end), "%s", final);
		break;
	}
}

/* The deadline holds whatever the server does (drips a TCP answer, makes c-ares
 * retry): every query still out is cancelled, and says so. */
static void on_deadline(void *arg)
{
	struct np_resolver *resolver = arg;

	ares_cancel(resolver->channel);
}

int np_lookup_run(const struct np_lookup_opts *o, struct np_lookup_result *r,
		  struct np_error *err)
{
	struct np_loop loop;
	struct np_resolver resolver;
	struct pending pend[NP_LOOKUP_MAX_TYPES];
	struct np_timer deadline;
	int rc = 0;

	/* Clear only the replies this run uses: one is 12 KiB (a referral's name
	 * servers and glue), and clearing all of them touched 196 KiB per lookup. */
	r->opts = o;
	r->nreplies = 0;
	memset(&r->system, 0, sizeof(r->system));
	memset(r->replies, 0, o->ntypes * sizeof(r->replies[0]));
	if (np_loop_init(&loop) < 0) {
		np_error_set(err, "LOOP", "cannot create the event loop: %s", strerror(errno));
		return -1;
	}
	if (np_resolver_init(&resolver, &loop, &o->resolve, err) < 0) {
		np_loop_free(&loop);
		return -1;
	}
	for (size_t i = 0; i < o->ntypes; i++) {
		struct np_lookup_reply *rep = &r->replies[r->nreplies++];
		struct pending *p = &pend[i];
		double now = np_now_ms();

		rep->qtype = o->types[i];
		*p = (struct pending){ .reply = rep, .resolver = &resolver, .loop = &loop, .opts = o,
				       .t0 = now, .deadline = now + o->resolve.timeout_ms };
		/* our own message: RD as asked, a random ID, \DDD escapes decoded */
		if (np_dns_build_query(o->name, o->types[i], np_dns_query_id(), !o->norecurse, p->q,
				       sizeof(p->q), &p->qlen) != NP_DNS_OK) {
			np_error_set(&rep->err, "BADNAME", "cannot build a query for %s: %s", o->name,
				     np_dns_strerror(NP_DNS_EBADNAME));
			continue;
		}
		np_loop_hold(&loop);
		ares_send(resolver.channel, p->q, (int)p->qlen, on_reply, p);
	}
	np_timer_init(&deadline, on_deadline, &resolver);
	np_timer_arm(&loop, &deadline, np_now_ms() + o->resolve.timeout_ms);
	np_resolver_rearm(&resolver);
	if (np_loop_run(&loop) < 0) {
		np_error_set(err, "LOOP", "event loop failed: %s", strerror(errno));
		rc = -1;
	}
	np_timer_cancel(&loop, &deadline);
	np_resolver_free(&resolver);
	np_loop_free(&loop);
	decode_replies(r, o->name);
	if (rc == 0 && o->compare_system)
		compare_system(o, r);
	return rc;
}

void np_lookup_free(struct np_lookup_result *r)
{
	for (size_t i = 0; i < r->nreplies; i++) {
		free(r->replies[i].msg);
		np_dns_message_free(&r->replies[i].m);
	}
	addr_set_free(&r->system.addrs);
	addr_set_free(&r->system.only_system);
	addr_set_free(&r->system.only_dns);
}

int np_lookup_exit_code(const struct np_lookup_result *r)
{
	int code = 0;

	for (size_t i = 0; i < r->nreplies; i++) {
		enum np_dns_status s = r->replies[i].status;

		if (s == NP_DNS_STATUS_NODATA && code < 1)
			code = 1;
		else if (s != NP_DNS_STATUS_OK && s != NP_DNS_STATUS_NODATA)
			code = 2;
	}
	return code;
}
