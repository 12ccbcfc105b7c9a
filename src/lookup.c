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

/* One query. It lives in its flight until c-ares has called back: a query
 * past its deadline is done for the name (a timeout) but still on the channel,
 * and its late callback must find it. */
struct query {
	struct np_lookup_flight *f;
	size_t i;			/* its reply: f->r->replies[i] */
	double t0, deadline;
	unsigned resends;
	bool done;			/* replied, or past its deadline: later callbacks ignored */
	struct np_timer timer;		/* its own deadline */
	uint8_t q[NP_DNS_QUERY_MAX];	/* kept to send again if c-ares gives up early */
	size_t qlen;
};

/* The queries of one name on the channel. Freed when the name is done with
 * (np_lookup_free) and c-ares has no callback left to make into it. */
struct np_lookup_flight {
	struct np_resolver *resolver;
	struct np_lookup_result *r;	/* NULL once abandoned */
	np_lookup_done done;
	void *arg;
	size_t open;			/* queries not done yet */
	size_t in_ares;			/* c-ares callbacks still to come */
	size_t n;
	struct query q[];
};

static struct np_lookup_reply *reply_of(const struct query *q)
{
	return &q->f->r->replies[q->i];
}

/* A query without a reply, in lookup's words. */
static void set_failure(struct query *q, int status)
{
	struct np_lookup_reply *r = reply_of(q);
	const struct np_lookup_opts *o = q->f->r->opts;

	switch (np_resolver_failure(q->f->resolver, status, &r->err)) {
	case NP_ARES_TIMEOUT:
		/* c-ares gave up (ETIMEOUT, maybe early) or our deadline ended the
		 * query: either way, say how long it was given */
		np_error_set(&r->err, "TIMEOUT", "no reply from %s within %.3f s",
			     r->server, (status == ARES_ECANCELLED ? o->resolve.timeout_ms
				: np_resolver_waited_ms(r->time_ms, o->resolve.timeout_ms,
							q->resends)) / 1e3);
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

static void flight_free_if_idle(struct np_lookup_flight *f)
{
	if (!f->r && f->in_ares == 0)
		free(f);
}

static void decode_replies(struct np_lookup_result *r, const struct np_lookup_opts *o);

/* One less open in f; at the last, decode the name's replies and say so (see
 * decode_replies). */
static void flight_close_one(struct np_lookup_flight *f)
{
	if (--f->open > 0)
		return;
	decode_replies(f->r, f->r->opts);
	f->done(f->arg);	/* may free the result, and with it f */
}

/* A query is done; it may be the name's last. */
static void query_done(struct query *q)
{
	q->done = true;
	np_timer_cancel(q->f->resolver->loop, &q->timer);
	flight_close_one(q->f);
}

/* The time, transport and server of a query's outcome, reply or not. */
static void stamp(struct query *q)
{
	struct np_lookup_reply *r = reply_of(q);

	r->time_ms = np_now_ms() - q->t0;
	r->via_tcp = q->f->r->opts->tcp;	/* as asked, until a reply says otherwise */
	np_resolver_server(q->f->resolver, r->server, sizeof(r->server));
}

static void keep_reply(struct query *q, const unsigned char *abuf, int alen)
{
	struct np_lookup_reply *r = reply_of(q);
	struct np_resolver *res = q->f->resolver;

	r->via_tcp = np_resolver_via_tcp(res);
	r->retried_tcp = r->via_tcp && !q->f->r->opts->tcp;
	if (r->retried_tcp) {
		const struct np_udp_seen *u = np_resolver_udp_seen(res, np_get16(q->q));

		r->udp_tc = !u || u->tc;	/* unseen: TC is c-ares' usual reason */
		r->udp_size = u ? u->size : 0;
	}
	r->msg = malloc((size_t)alen);
	if (r->msg) {	/* decoded when the name's last query is done */
		memcpy(r->msg, abuf, (size_t)alen);
		r->len = (size_t)alen;
	}
}

static void on_reply(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct query *q = arg;
	struct np_lookup_flight *f = q->f;

	f->in_ares--;
	if (q->done) {	/* past its deadline, or the name was abandoned */
		flight_free_if_idle(f);
		return;
	}
	if (status == ARES_ETIMEOUT && np_resolver_resend_due(q->deadline, &q->resends)) {
		f->in_ares++;
		ares_send(f->resolver->channel, q->q, (int)q->qlen, on_reply, q);
		return;
	}
	stamp(q);
	if (abuf && alen > 0)
		keep_reply(q, abuf, alen);
	else
		set_failure(q, status);
	query_done(q);
}

/* The deadline holds whatever the server does (drips a TCP answer, makes c-ares
 * retry): the query is a timeout now, and c-ares' later callback is ignored. */
static void on_deadline(void *arg)
{
	struct query *q = arg;

	stamp(q);
	set_failure(q, ARES_ECANCELLED);
	query_done(q);
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

/* Decoding and judging wait until every reply of the name is in: however long
 * a hostile reply takes to decode (linear in its size), it holds up the loop
 * once, not while the name's other replies wait on their timers. */
static void decode_replies(struct np_lookup_result *r, const struct np_lookup_opts *o)
{
	for (size_t i = 0; i < r->nreplies; i++) {
		struct np_lookup_reply *rep = &r->replies[i];

		if (rep->msg) {
			rep->decode_rc = np_dns_decode_as(rep->msg, rep->len, &rep->m, o->annotate);
			if (rep->decode_rc == NP_DNS_OK && !NP_DNS_QR(rep->m.h.flags))
				rep->decode_rc = NP_DNS_ENOTRESP;
		}
		np_lookup_classify(rep, o->name);
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
	struct np_dns_referral ref;
	size_t links;

	free(r->referral);
	r->referral = NULL;
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
	switch (np_dns_classify_empty(r->msg, r->len, final, links, &ref)) {
	case NP_EMPTY_NODATA:
		/* a chain the server answered to its end counts as an answer, as
		 * in dig: NODATA is an empty answer section */
		r->status = links ? NP_DNS_STATUS_OK : NP_DNS_STATUS_NODATA;
		return;
	case NP_EMPTY_REFERRAL:
		r->status = NP_DNS_STATUS_REFERRAL;
		break;
	case NP_EMPTY_INCOMPLETE:
		r->status = NP_DNS_STATUS_INCOMPLETE;
		snprintf(r->chain_end, sizeof(r->chain_end), "%s", final);
		break;
	}
	if (ref.zone[0] && (r->referral = malloc(sizeof(ref))))	/* none when out of memory */
		*r->referral = ref;
}

/* The flight of r with room for n queries; r->replies for n replies. */
static struct np_lookup_flight *flight_new(struct np_lookup_result *r, size_t n)
{
	struct np_lookup_flight *f = calloc(1, sizeof(*f) + n * sizeof(f->q[0]));

	r->replies = calloc(n ? n : 1, sizeof(r->replies[0]));
	if (!f || !r->replies) {
		free(f);
		free(r->replies);
		r->replies = NULL;
		return NULL;
	}
	return f;
}

/* Build and send query i; when the name cannot be asked the reply says why,
 * and the query is done at once. */
static void send_query(struct np_lookup_flight *f, size_t i)
{
	const struct np_lookup_opts *o = f->r->opts;
	struct query *q = &f->q[i];
	struct np_lookup_reply *rep = &f->r->replies[i];
	double now = np_now_ms();

	rep->qtype = o->types[i];
	q->f = f;
	q->i = i;
	q->t0 = now;
	q->deadline = now + o->resolve.timeout_ms;
	np_timer_init(&q->timer, on_deadline, q);
	/* our own message: RD as asked, a random ID, \DDD escapes decoded */
	if (np_dns_build_query(o->name, o->types[i], np_dns_query_id(), !o->norecurse, q->q,
			       sizeof(q->q), &q->qlen) != NP_DNS_OK) {
		np_error_set(&rep->err, "BADNAME", "cannot build a query for %s: %s", o->name,
			     np_dns_strerror(NP_DNS_EBADNAME));
		q->done = true;
		flight_close_one(f);	/* never the last: np_lookup_start holds one */
		return;
	}
	/* no timer (out of memory): c-ares' own tries still end the query */
	np_timer_arm(f->resolver->loop, &q->timer, q->deadline);
	f->in_ares++;
	ares_send(f->resolver->channel, q->q, (int)q->qlen, on_reply, q);
}

int np_lookup_start(struct np_resolver *resolver, const struct np_lookup_opts *o,
		    struct np_lookup_result *r, np_lookup_done done, void *arg)
{
	struct np_lookup_flight *f;

	*r = (struct np_lookup_result){ .opts = o };
	f = flight_new(r, o->ntypes);
	if (!f)
		return -1;
	*f = (struct np_lookup_flight){ .resolver = resolver, .r = r, .done = done, .arg = arg,
					.n = o->ntypes };
	r->flight = f;
	r->nreplies = o->ntypes;
	/* One more than the queries: a query that fails at once calls back inside
	 * ares_send, and the last one must not finish the name under our feet. */
	f->open = o->ntypes + 1;
	for (size_t i = 0; i < o->ntypes; i++)
		send_query(f, i);
	flight_close_one(f);
	return 0;
}

static void release_loop(void *arg)
{
	np_loop_release(arg);
}

int np_lookup_run(const struct np_lookup_opts *o, struct np_lookup_result *r,
		  struct np_error *err)
{
	struct np_loop loop;
	struct np_resolver resolver;
	int rc = 0;

	*r = (struct np_lookup_result){ .opts = o };
	if (np_loop_init(&loop) < 0) {
		np_error_set(err, "LOOP", "cannot create the event loop: %s", strerror(errno));
		return -1;
	}
	if (np_resolver_init(&resolver, &loop, &o->resolve, err) < 0) {
		np_loop_free(&loop);
		return -1;
	}
	np_loop_hold(&loop);
	if (np_lookup_start(&resolver, o, r, release_loop, &loop) < 0) {
		np_error_set(err, "ENOMEM", "out of memory");
		rc = -1;
	} else {
		np_resolver_rearm(&resolver);
		if (np_loop_run(&loop) < 0) {
			np_error_set(err, "LOOP", "event loop failed: %s", strerror(errno));
			rc = -1;
		}
	}
	np_resolver_free(&resolver);	/* late callbacks of queries past their deadline */
	np_loop_free(&loop);
	if (rc == 0 && o->compare_system)
		compare_system(o, r);
	return rc;
}

/* The name is done with: queries c-ares still holds are ignored from now on. */
static void flight_abandon(struct np_lookup_flight *f)
{
	for (size_t i = 0; i < f->n; i++) {
		f->q[i].done = true;
		/* armed only while the loop lives (a done query's timer is idle) */
		if (f->q[i].timer.slot != NP_TIMER_IDLE)
			np_timer_cancel(f->resolver->loop, &f->q[i].timer);
	}
	f->r = NULL;
	flight_free_if_idle(f);
}

void np_lookup_free(struct np_lookup_result *r)
{
	if (r->flight)
		flight_abandon(r->flight);
	r->flight = NULL;
	for (size_t i = 0; r->replies && i < r->nreplies; i++) {
		free(r->replies[i].msg);
		free(r->replies[i].referral);
		np_dns_message_free(&r->replies[i].m);
	}
	free(r->replies);
	r->replies = NULL;
	r->nreplies = 0;
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
