/* The lookup command: send each query with ares_send on the shared loop, keep
 * each reply whole, decode it. c-ares retries a truncated UDP answer over TCP by
 * itself; the socket type at callback time tells us it did. */
#include <config.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
				np_resolver_udp_seen(p->resolver, (uint16_t)(p->q[0] << 8 | p->q[1]));

			r->udp_tc = !u || u->tc;	/* unseen: TC is c-ares' usual reason */
			r->udp_size = u ? u->size : 0;
		}
		r->msg = malloc((size_t)alen);
		if (r->msg) {
			memcpy(r->msg, abuf, (size_t)alen);
			r->len = (size_t)alen;
			r->decode_rc = np_dns_decode(r->msg, r->len, &r->m);
			if (r->decode_rc == NP_DNS_OK && !NP_DNS_QR(r->m.h.flags))
				r->decode_rc = NP_DNS_ENOTRESP;
		}
	} else if (status == ARES_ETIMEOUT || status == ARES_ECANCELLED) {
		/* c-ares gave up (ETIMEOUT, maybe early) or our deadline cancelled
		 * the query: either way, say how long it was given */
		np_error_set(&r->err, "TIMEOUT", "no reply from %s within %.3f s",
			     r->server, (status == ARES_ECANCELLED ? p->opts->resolve.timeout_ms
				: r->time_ms) / 1e3);
	} else if (status == ARES_ECONNREFUSED && np_resolver_socket_error(p->resolver, &r->err)) {
		/* the socket never opened: the real cause is set */
	} else if (status == ARES_ECONNREFUSED) {
		np_error_set(&r->err, "ECONNREFUSED", "%s refused the connection: nothing serves "
			     "DNS there", r->server);
	} else {
		np_error_set(&r->err, "ARES_ERROR", "query failed: %s", ares_strerror(status));
	}
	np_lookup_classify(r, p->opts->name);
	np_loop_release(p->loop);
}

static void compare_system(const struct np_lookup_opts *o, struct np_lookup_result *r)
{
	struct np_lookup_system *s = &r->system;
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *res, *i;
	char cares[2 * NP_LOOKUP_MAX_SYSTEM][INET6_ADDRSTRLEN];
	size_t ncares = 0;

	bool want4 = false, want6 = false;

	for (size_t q = 0; q < o->ntypes; q++) {
		want4 |= o->types[q] == 1;
		want6 |= o->types[q] == 28;
	}
	/* compare only the families DNS was asked about */
	hints.ai_family = want4 && !want6 ? AF_INET : want6 && !want4 ? AF_INET6 : AF_UNSPEC;
	s->asked = true;
	s->gai_error = getaddrinfo(o->name, NULL, &hints, &res);
	if (s->gai_error == 0) {
		for (i = res; i && s->naddrs < NP_LOOKUP_MAX_SYSTEM; i = i->ai_next) {
			char a[INET6_ADDRSTRLEN];

			np_sockaddr_address(i->ai_addr, a, sizeof(a));
			bool dup = false;
			for (size_t k = 0; k < s->naddrs; k++)
				dup |= strcmp(s->addrs[k], a) == 0;
			if (!dup)
				snprintf(s->addrs[s->naddrs++], INET6_ADDRSTRLEN, "%s", a);
		}
		freeaddrinfo(res);
	}
	for (size_t q = 0; q < r->nreplies; q++) {
		const struct np_dns_message *m = &r->replies[q].m;

		for (size_t k = 0; k < m->nrecords && ncares < 2 * NP_LOOKUP_MAX_SYSTEM; k++)
			if (m->records[k].section == NP_SEC_ANSWER &&
			    (m->records[k].type == 1 || m->records[k].type == 28))
				snprintf(cares[ncares++], INET6_ADDRSTRLEN, "%.45s", m->records[k].text);
	}
	for (size_t k = 0; k < s->naddrs; k++) {
		bool found = false;

		for (size_t j = 0; j < ncares; j++)
			found |= strcmp(s->addrs[k], cares[j]) == 0;
		if (!found && s->nonly_system < NP_LOOKUP_MAX_SYSTEM)
			snprintf(s->only_system[s->nonly_system++], INET6_ADDRSTRLEN, "%s", s->addrs[k]);
	}
	for (size_t j = 0; j < ncares; j++) {
		bool found = false;

		for (size_t k = 0; k < s->naddrs; k++)
			found |= strcmp(s->addrs[k], cares[j]) == 0;
		if (!found && s->nonly_cares < NP_LOOKUP_MAX_SYSTEM)
			snprintf(s->only_cares[s->nonly_cares++], INET6_ADDRSTRLEN, "%.45s", cares[j]);
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
		    (r->m.records[k].type == r->qtype || r->qtype == 255))
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

	memset(r, 0, sizeof(*r));
	r->opts = o;
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
			np_lookup_classify(rep, o->name);
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
