/* c-ares on our epoll loop. c-ares 1.18 traps handled here (see DESIGN.md):
 * - ARES_FLAG_NOCHECKRESP so SERVFAIL/REFUSED replies reach us with their rcode;
 *   we check that the reply matches the question ourselves.
 * - literals never reach c-ares (the caller detects them with inet_pton).
 * - the hosts file is read through ares_getaddrinfo with lookups "f" only, so
 *   CARES_HOSTS works (ares_gethostbyname_file ignores it), and ARES_AI_NOSORT
 *   spares one UDP socket per address for RFC 6724 sorting we do not need.
 * - the DNS server that answered is read with getpeername() on the socket c-ares
 *   is processing when our callback runs (c-ares connects its sockets); once per
 *   socket, since a connected socket's peer never changes. */
#include <config.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>
#include "bytes.h"
#include "clock.h"
#include "dnsanswer.h"
#include "hostsnames.h"
#include "resolve.h"

struct np_ares_io {
	struct np_io io;
	struct np_resolver *r;
	struct np_ares_io *next;
	/* what getsockopt/getpeername said about io.fd, asked once per socket */
	bool known;			/* type read, peer reset */
	int socktype;			/* SOCK_DGRAM or SOCK_STREAM */
	struct sockaddr_storage peer;	/* ss_family 0: not known yet */
};

struct lookup;

struct query_ctx {
	struct lookup *lk;
	struct np_dns_query *q;
	double t_start;
	bool replied;
	unsigned resends;
	uint8_t msg[NP_DNS_QUERY_MAX];	/* kept to send again if c-ares gives up early */
	size_t len;
};

struct lookup {
	struct np_resolver *r;
	const struct np_target *t;
	struct np_dns_result *dns;
	np_resolve_done done;
	void *arg;
	double t0;
	int outstanding;		/* c-ares callbacks still to come (lk lives until 0) */
	bool finished;			/* done() was called: dns belongs to the caller again */
	struct np_timer deadline;	/* the whole DNS phase, whatever c-ares retries */
	struct query_ctx qctx[2];
};

/* ---- event loop glue ------------------------------------------------------ */

void np_resolver_rearm(struct np_resolver *r)
{
	struct timeval tv, *tvp = ares_timeout(r->channel, NULL, &tv);

	if (tvp)
		np_timer_arm(r->loop, &r->timer,
			     np_now_ms() + (double)tvp->tv_sec * 1e3 + (double)tvp->tv_usec / 1e3);
	else
		np_timer_cancel(r->loop, &r->timer);
}

static void on_ares_timer(void *arg)
{
	struct np_resolver *r = arg;

	ares_process_fd(r->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	np_resolver_rearm(r);
}

static void on_ares_io(void *arg, uint32_t events)
{
	struct np_ares_io *a = arg;
	struct np_resolver *r = a->r;
	int fd = a->io.fd;

	r->current = a;
	ares_process_fd(r->channel, (events & (NP_EV_READ | NP_EV_ERROR)) ? fd : ARES_SOCKET_BAD,
			(events & NP_EV_WRITE) ? fd : ARES_SOCKET_BAD);
	r->current = NULL;
	np_resolver_rearm(r);
}

/* c-ares tells us which sockets it wants watched; keep the watch objects until
 * np_resolver_free so a callback later in the same epoll batch never sees freed
 * memory. */
static void on_sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
	struct np_resolver *r = data;
	struct np_ares_io *a, *spare = NULL;
	uint32_t ev = (readable ? NP_EV_READ : 0) | (writable ? NP_EV_WRITE : 0);

	for (a = r->ios; a; a = a->next) {
		if (a->io.fd == fd && a->io.events)
			break;
		if (!a->io.events && !spare)
			spare = a;
	}
	if (!a && !ev)
		return;
	if (!a) {
		a = spare;
		if (!a) {
			a = calloc(1, sizeof(*a));
			if (!a)
				return;	/* c-ares will time the query out */
			a->next = r->ios;
			r->ios = a;
		}
		np_io_init(&a->io, fd, on_ares_io, a);
		a->r = r;
		a->known = false;
	}
	np_io_set(r->loop, &a->io, ev);
}

/* ---- the socket layer under c-ares ---------------------------------------- */

static ares_socket_t sock_open(int family, int type, int protocol, void *data)
{
	struct np_resolver *r = data;
	/* c-ares leaves a socket it did not open as it is: non-blocking is ours */
	int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);

	if (fd < 0)
		r->socket_errno = errno;
	return fd;
}

static int sock_close(ares_socket_t fd, void *data)
{
	struct np_resolver *r = data;

	/* the number may come back for another socket: forget what we knew */
	for (struct np_ares_io *a = r->ios; a; a = a->next)
		if (a->io.fd == fd)
			a->known = false;
	return close(fd);
}

/* The socket c-ares is processing, its type read once and its peer once it is
 * connected (a TCP socket still connecting has none yet: asked again later). */
static const struct np_ares_io *current_socket(struct np_resolver *r)
{
	struct np_ares_io *a = r->current;
	socklen_t len = sizeof(a->socktype);

	if (!a)
		return NULL;
	if (!a->known) {
		if (getsockopt(a->io.fd, SOL_SOCKET, SO_TYPE, &a->socktype, &len) != 0)
			a->socktype = 0;
		a->peer.ss_family = 0;
		a->known = true;
	}
	len = sizeof(a->peer);
	if (a->peer.ss_family == 0 &&
	    getpeername(a->io.fd, (struct sockaddr *)&a->peer, &len) != 0)
		a->peer.ss_family = 0;
	return a;
}

static int sock_connect(ares_socket_t fd, const struct sockaddr *sa, ares_socklen_t len,
			void *data)
{
	return connect(fd, sa, len);
}

/* UDP reads come with a source address, TCP reads without (c-ares 1.18).
 * MSG_TRUNC gives a datagram's real size even when the buffer is smaller. */
static ares_ssize_t sock_recvfrom(ares_socket_t fd, void *buf, size_t len, int flags,
				  struct sockaddr *from, ares_socklen_t *fromlen, void *data)
{
	struct np_resolver *r = data;
	ssize_t n = recvfrom(fd, buf, len, from ? flags | MSG_TRUNC : flags, from, fromlen);

	if (from && n >= 12) {
		const uint8_t *m = buf;
		struct np_udp_seen *u = &r->udp_seen[r->udp_next++ % NP_UDP_SEEN];

		*u = (struct np_udp_seen){ .id = np_get16(m), .tc = NP_DNS_TC(np_get16(m + 2)),
					   .size = (size_t)n };
	}
	return from && n > (ssize_t)len ? (ssize_t)len : n;
}

static ares_ssize_t sock_sendv(ares_socket_t fd, const struct iovec *iov, int n, void *data)
{
	return writev(fd, iov, n);
}

static const struct ares_socket_functions sock_funcs = {
	sock_open, sock_close, sock_connect, sock_recvfrom, sock_sendv,
};

/* Every answer in flight may be queued on the one UDP socket at once while we
 * are busy (or not scheduled): at 256 answers the default receive buffer
 * (208 KiB, each datagram costing a page or so of it) overflows, and a
 * dropped answer costs a whole c-ares retry (a third of the timeout). Ask for
 * room for them all; the kernel caps it at rmem_max. */
static int size_socket(ares_socket_t fd, int type, void *data)
{
	const struct np_resolver *r = data;
	int size = r->answers > 256 * 1024 ? 1 << 30 : (int)r->answers * 4096;

	if (type == SOCK_DGRAM && size > 212992)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	return 0;	/* a smaller buffer only costs retries */
}

void np_resolver_expect_answers(struct np_resolver *r, size_t answers)
{
	r->answers = answers;
	ares_set_socket_configure_callback(r->channel, size_socket, r);
}

/* When c-ares reports "connection refused" but the socket could not even be
 * opened (EMFILE, ENFILE...): fill e with the real cause and return true. */
static bool socket_error(const struct np_resolver *r, struct np_error *e)
{
	char name[32];

	if (!r->socket_errno)
		return false;
	np_error_set(e, np_errno_name(r->socket_errno, name, sizeof(name)),
		     "cannot open a socket to ask DNS: %s",
		     r->socket_errno == EMFILE ? "too many open files (raise ulimit -n)"
		     : r->socket_errno == ENFILE ? "too many open files in the system"
		     : strerror(r->socket_errno));
	e->errnum = r->socket_errno;
	return true;
}

enum np_ares_failure np_resolver_failure(const struct np_resolver *r, int status,
					 struct np_error *e)
{
	if (status == ARES_ETIMEOUT || status == ARES_ECANCELLED)
		return NP_ARES_TIMEOUT;
	if (status == ARES_ECONNREFUSED)
		return socket_error(r, e) ? NP_ARES_NO_SOCKET : NP_ARES_REFUSED;
	return NP_ARES_OTHER;
}

const struct np_udp_seen *np_resolver_udp_seen(const struct np_resolver *r, uint16_t id)
{
	for (size_t i = 1; i <= NP_UDP_SEEN && i <= r->udp_next; i++) {
		const struct np_udp_seen *u = &r->udp_seen[(r->udp_next - i) % NP_UDP_SEEN];

		if (u->size && u->id == id)
			return u;
	}
	return NULL;
}

/* ---- setup ---------------------------------------------------------------- */

static int set_server(struct np_resolver *r, const struct np_resolve_opts *o)
{
	struct ares_addr_port_node node = { 0 };
	const struct sockaddr_in *sin = (const void *)&o->server;
	const struct sockaddr_in6 *sin6 = (const void *)&o->server;

	node.family = o->server.ss_family;
	if (node.family == AF_INET) {
		memcpy(&node.addr.addr4, &sin->sin_addr, 4);
		node.udp_port = node.tcp_port = ntohs(sin->sin_port);	/* host order, see DESIGN */
	} else {
		memcpy(&node.addr.addr6, &sin6->sin6_addr, 16);
		node.udp_port = node.tcp_port = ntohs(sin6->sin6_port);
	}
	return ares_set_servers_ports(r->channel, &node);
}

int np_resolver_init(struct np_resolver *r, struct np_loop *loop,
		     const struct np_resolve_opts *opts, struct np_error *err)
{
	struct ares_options ao = { 0 };
	int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES |
		   ARES_OPT_SOCK_STATE_CB | ARES_OPT_LOOKUPS;
	int rc;

	*r = (struct np_resolver){ .loop = loop, .opts = *opts };
	np_timer_init(&r->timer, on_ares_timer, r);
	ao.flags = ARES_FLAG_NOCHECKRESP | (opts->tcp ? ARES_FLAG_USEVC : 0);
	/* One retry: the first try gets a third of the budget, the retry the rest
	 * (c-ares doubles the timeout per round). */
	ao.timeout = opts->timeout_ms / 3 < 1 ? 1 : (int)(opts->timeout_ms / 3);
	/* A third try c-ares rarely reaches: our own deadline ends the phase at
	 * timeout_ms. It is there because a TCP try that times out costs c-ares
	 * two tries at once (it closes the connection and requeues). */
	ao.tries = 3;
	ao.sock_state_cb = on_sock_state;
	ao.sock_state_cb_data = r;
	ao.lookups = (char *)"f";	/* ares_getaddrinfo: hosts file only */
	rc = ares_init_options(&r->channel, &ao, mask);
	if (rc == ARES_SUCCESS)
		ares_set_socket_functions(r->channel, &sock_funcs, r);
	if (rc == ARES_SUCCESS && opts->server_len)
		rc = set_server(r, opts);
	if (rc != ARES_SUCCESS) {
		np_error_set(err, "ARES_INIT", "cannot set up the resolver: %s", ares_strerror(rc));
		if (r->channel)
			ares_destroy(r->channel);
		r->channel = NULL;
		return -1;
	}
	return 0;
}

void np_resolver_free(struct np_resolver *r)
{
	if (r->channel)
		ares_destroy(r->channel);	/* closes sockets through on_sock_state */
	np_timer_cancel(r->loop, &r->timer);
	while (r->ios) {
		struct np_ares_io *next = r->ios->next;

		np_io_set(r->loop, &r->ios->io, 0);
		free(r->ios);
		r->ios = next;
	}
	np_hostsnames_free(r->hosts);
	r->hosts = NULL;
	r->channel = NULL;
}

/* ---- interpreting a reply -------------------------------------------------- */

static void add_address(struct np_dns_result *dns, int family, const uint8_t *rdata,
			int64_t ttl)
{
	struct np_address *a;

	if (dns->naddrs == NP_MAX_ADDRS) {
		dns->dropped++;
		return;
	}
	a = &dns->addrs[dns->naddrs++];
	memset(a, 0, sizeof(*a));
	a->ttl = ttl;
	a->sa.ss_family = (sa_family_t)family;
	if (family == AF_INET)
		memcpy(&((struct sockaddr_in *)&a->sa)->sin_addr, rdata, 4);
	else
		memcpy(&((struct sockaddr_in6 *)&a->sa)->sin6_addr, rdata, 16);
}

/* Position the reader at the answer section; check the reply answers our question. */
static int read_to_answers(struct np_dns_reader *rd, const struct np_dns_header *h,
			   const char *qname, uint16_t qtype, struct np_dns_query *q)
{
	char name[NP_DNS_TEXT_MAX];
	uint16_t type, rclass;
	int rc;

	if (!NP_DNS_QR(h->flags)) {
		np_error_set(&q->err, "BADREPLY", "reply is not marked as a response (QR=0)");
		return -1;
	}
	for (unsigned i = 0; i < h->qdcount; i++) {
		rc = np_dns_read_question(rd, name, sizeof(name), &type, &rclass);
		if (rc) {
			np_error_set(&q->err, "MALFORMED", "malformed reply: %s", np_dns_strerror(rc));
			return -1;
		}
		if (i == 0 && (!np_dns_name_eq(name, qname) || type != qtype)) {
			np_error_set(&q->err, "MISMATCH",
				     "reply is for another question (%s type %u): a spoofed or misrouted reply",
				     name, type);
			return -1;
		}
	}
	if (h->qdcount == 0 && NP_DNS_RCODE(h->flags) == 0) {
		np_error_set(&q->err, "MISMATCH", "reply carries no question section");
		return -1;
	}
	return 0;
}

static void copy_name(char *dst, const char *src)
{
	size_t n = strlen(src);

	if (n > 1 && src[n - 1] == '.')	/* report names as users type them */
		n--;
	memmove(dst, src, n);	/* may be in place */
	dst[n] = '\0';
}

/* Follow CNAMEs from qname through the answer section; leave the final name in
 * final. Returns the number of links, or -1 with q->err set. */
static int follow_chain(const struct np_dns_reader *answers, unsigned ancount,
			const char *qname, struct np_dns_query *q, struct np_dns_result *dns,
			char *final, size_t finallen)
{
	char chain[NP_MAX_CNAMES][NP_DNS_TEXT_MAX];
	size_t n = 0;

	snprintf(final, finallen, "%s", qname);
	for (;;) {
		struct np_dns_reader rd = *answers;
		struct np_dns_rr rr;
		bool found = false;

		for (unsigned i = 0; i < ancount && !found; i++) {
			int rc = np_dns_read_rr(&rd, &rr);

			if (rc) {
				np_error_set(&q->err, "MALFORMED", "malformed answer: %s",
					     np_dns_strerror(rc));
				return -1;
			}
			if (rr.type != NP_RR_CNAME || rr.rclass != 1 || !np_dns_name_eq(rr.name, final))
				continue;
			if (n == NP_MAX_CNAMES) {
				np_error_set(&q->err, "CNAME_LOOP",
					     "CNAME chain longer than %d links (a loop?)", NP_MAX_CNAMES);
				return -1;
			}
			size_t off = rr.rdata;
			char target[NP_DNS_TEXT_MAX];

			rc = np_dns_read_name(rd.msg, rd.len, &off, target, sizeof(target));
			if (rc || off > rr.rdata + rr.rdlength) {
				np_error_set(&q->err, "MALFORMED", "malformed CNAME record: %s",
					     rc ? np_dns_strerror(rc) : "name overruns its rdata");
				return -1;
			}
			snprintf(chain[n++], NP_DNS_TEXT_MAX, "%s", final);
			snprintf(final, finallen, "%s", target);
			found = true;
		}
		if (!found)
			break;
	}
	if (dns->ncnames == 0 && n > 0) {	/* A and AAAA see the same chain */
		const char *names[NP_MAX_CNAMES];

		for (size_t i = 0; i < n; i++) {
			copy_name(chain[i], chain[i]);
			names[i] = chain[i];
		}
		if (np_dns_result_set_cnames(dns, names, n) < 0) {
			np_error_set(&q->err, "ENOMEM", "out of memory for a CNAME chain");
			return -1;
		}
	}
	return (int)n;
}

/* The records of qtype for name; kept as addresses only when the rcode says
 * the name resolved (NOERROR): with NXDOMAIN or SERVFAIL they are only counted. */
static int collect(const struct np_dns_reader *answers, unsigned ancount, const char *name,
		   uint16_t qtype, struct np_dns_query *q, struct np_dns_result *dns)
{
	struct np_dns_reader rd = *answers;
	int family = np_rr_family(qtype);
	size_t want = family == AF_INET ? 4 : 16;
	char tb[16];

	for (unsigned i = 0; i < ancount; i++) {
		struct np_dns_rr rr;
		int rc = np_dns_read_rr(&rd, &rr);

		if (rc) {
			np_error_set(&q->err, "MALFORMED", "malformed answer: %s", np_dns_strerror(rc));
			return -1;
		}
		if (rr.type != qtype || rr.rclass != 1 || !np_dns_name_eq(rr.name, name))
			continue;
		if (rr.rdlength != want) {
			np_error_set(&q->err, "MALFORMED", "%s record with %u bytes of data",
				     np_dns_type_name(qtype, tb, sizeof(tb)), rr.rdlength);
			return -1;
		}
		if (q->rcode == 0)
			add_address(dns, family, rd.msg + rr.rdata, rr.ttl);
		q->answers++;
	}
	return 0;
}

static void set_rcode_status(struct np_dns_query *q, const char *qname)
{
	char buf[16], tb[16];
	const char *tname = np_dns_type_name(q->qtype, tb, sizeof(tb));

	switch (q->rcode) {
	case 0:
		if (q->answers) {
			q->status = NP_DNS_STATUS_OK;
		} else {
			q->status = NP_DNS_STATUS_NODATA;
			np_error_set(&q->err, "NODATA", "%s exists but has no %s record", qname, tname);
		}
		return;
	case 2:
		q->status = NP_DNS_STATUS_SERVFAIL;
		np_error_set(&q->err, "SERVFAIL",
			     "server %s failed to answer for %s (SERVFAIL: broken zone or upstream?)",
			     q->server, qname);
		return;
	case 3:
		q->status = NP_DNS_STATUS_NXDOMAIN;
		np_error_set(&q->err, "NXDOMAIN", "%s does not exist (NXDOMAIN from %s)", qname,
			     q->server);
		return;
	case 5:
		q->status = NP_DNS_STATUS_REFUSED;
		np_error_set(&q->err, "REFUSED",
			     "server %s refused to answer for %s (not authoritative, no recursion for us?)",
			     q->server, qname);
		return;
	default:
		q->status = NP_DNS_STATUS_ERROR;
		np_error_set(&q->err, np_dns_rcode_name(q->rcode, buf, sizeof(buf)),
			     "server %s answered %s for %s", q->server,
			     np_dns_rcode_name(q->rcode, buf, sizeof(buf)), qname);
	}
}

/* NOERROR and nothing for the type asked: a referral, a chain left unanswered,
 * or truly NODATA (see dnsanswer.h). */
static void explain_empty(const uint8_t *msg, size_t len, const char *qname, const char *final,
			  size_t links, struct np_dns_query *q, struct np_dns_result *dns)
{
	struct np_dns_referral ref;
	char last[NP_DNS_TEXT_MAX];

	switch (np_dns_classify_empty(msg, len, final, links, &ref)) {
	case NP_EMPTY_NODATA:
		return;
	case NP_EMPTY_REFERRAL:
		q->status = NP_DNS_STATUS_REFERRAL;
		copy_name(last, ref.zone);
		np_error_set(&q->err, "REFERRAL", "server %s does not recurse and answered with a "
			     "referral: %s is delegated to other name servers (ask a recursive "
			     "resolver, or those servers)", q->server, last);
		break;
	case NP_EMPTY_INCOMPLETE:
		copy_name(last, final);
		q->status = NP_DNS_STATUS_INCOMPLETE;
		np_error_set(&q->err, "INCOMPLETE", "the CNAME chain from %s ends at %s, which server "
			     "%s neither answered nor holds a zone for, and it does not recurse "
			     "(RA=0): ask a recursive resolver", qname, last, q->server);
		break;
	}
	if (dns->referral || !ref.zone[0])
		return;
	/* names as the probe reports them: without the final dot */
	copy_name(ref.zone, ref.zone);
	for (size_t i = 0; i < ref.nns; i++)
		copy_name(ref.ns[i].name, ref.ns[i].name);
	/* no memory: the status and message still say referral, without the list */
	dns->referral = malloc(sizeof(*dns->referral));
	if (dns->referral)
		*dns->referral = ref;
}

void np_dns_interpret(const uint8_t *msg, size_t len, const char *qname, uint16_t qtype,
		      struct np_dns_query *q, struct np_dns_result *dns)
{
	struct np_dns_reader rd;
	struct np_dns_header h;
	char final[NP_DNS_TEXT_MAX];
	int links;

	/* until the reply proves sound: every early return is a broken reply */
	q->status = NP_DNS_STATUS_ERROR;
	q->broken = true;
	if (np_dns_reader_init(&rd, msg, len, &h) != NP_DNS_OK) {
		np_error_set(&q->err, "MALFORMED", "reply of %zu bytes is shorter than a DNS header",
			     len);
		return;
	}
	if (read_to_answers(&rd, &h, qname, qtype, q) < 0)
		return;
	q->rcode = NP_DNS_RCODE(h.flags);
	links = follow_chain(&rd, h.ancount, qname, q, dns, final, sizeof(final));
	if (links < 0 || collect(&rd, h.ancount, final, qtype, q, dns) < 0)
		return;
	q->broken = false;
	if (!dns->canonical[0] && (q->rcode == 0 || dns->ncnames))
		copy_name(dns->canonical, final);
	set_rcode_status(q, qname);
	if (q->status == NP_DNS_STATUS_NODATA)
		explain_empty(msg, len, qname, final, (size_t)links, q, dns);
	if (q->rcode != 0 && q->answers) {	/* the rcode wins over the records */
		size_t n = strlen(q->err.message);

		snprintf(q->err.message + n, sizeof(q->err.message) - n,
			 "; the reply also carries %zu address record%s, not used", q->answers,
			 q->answers == 1 ? "" : "s");
	}
}

/* ---- one lookup ------------------------------------------------------------ */

static int status_rank(const struct np_dns_query *q)
{
	/* Which failure explains the lookup best when no query found addresses: a
	 * reply that broke the rules first (it is the anomaly to see), then what
	 * the name's state says. */
	if (q->broken)
		return -1;
	switch (q->status) {
	case NP_DNS_STATUS_REFERRAL: return 0;	/* explain more than NODATA */
	case NP_DNS_STATUS_INCOMPLETE: return 0;
	case NP_DNS_STATUS_NODATA: return 1;
	case NP_DNS_STATUS_NXDOMAIN: return 2;
	case NP_DNS_STATUS_SERVFAIL: return 3;
	case NP_DNS_STATUS_REFUSED: return 4;
	case NP_DNS_STATUS_TIMEOUT: return 5;
	default: return 6;
	}
}

static void order_addresses(struct np_dns_result *dns)
{
	/* Stable: IPv4 before IPv6, each in the order the server gave. */
	for (size_t i = 1; i < dns->naddrs; i++) {
		struct np_address a = dns->addrs[i];
		size_t j = i;

		while (j > 0 && a.sa.ss_family == AF_INET && dns->addrs[j - 1].sa.ss_family != AF_INET) {
			dns->addrs[j] = dns->addrs[j - 1];
			j--;
		}
		dns->addrs[j] = a;
	}
}

static void finish(struct lookup *lk)
{
	struct np_dns_result *dns = lk->dns;
	const struct np_dns_query *decider = NULL;

	np_timer_cancel(lk->r->loop, &lk->deadline);
	lk->finished = true;

	dns->time_ms = np_now_ms() - lk->t0;
	order_addresses(dns);
	for (size_t i = 0; i < dns->nqueries; i++) {
		const struct np_dns_query *q = &dns->queries[i];

		if (dns->naddrs) {
			if (q->status == NP_DNS_STATUS_OK) {
				decider = q;
				break;
			}
		} else if (!decider || status_rank(q) < status_rank(decider)) {
			decider = q;
		}
	}
	if (decider) {
		dns->status = dns->naddrs ? NP_DNS_STATUS_OK : decider->status;
		dns->rcode = decider->rcode;
		snprintf(dns->server, sizeof(dns->server), "%s", decider->server);
		if (!dns->naddrs)
			dns->err = decider->err;
	}
	lk->done(lk->arg);
	if (lk->outstanding == 0)
		free(lk);
}

void np_resolver_server(struct np_resolver *r, char *buf, size_t len)
{
	const struct np_ares_io *a = current_socket(r);
	struct ares_addr_port_node *servers = NULL;

	buf[0] = '\0';
	if (a && (a->peer.ss_family == AF_INET || a->peer.ss_family == AF_INET6)) {
		np_sockaddr_endpoint((const struct sockaddr *)&a->peer, buf, len);
		return;
	}
	/* No socket in hand (a timeout): name the server that was asked first. */
	if (ares_get_servers_ports(r->channel, &servers) == ARES_SUCCESS && servers) {
		struct sockaddr_storage s = { .ss_family = (sa_family_t)servers->family };

		if (servers->family == AF_INET) {
			memcpy(&((struct sockaddr_in *)&s)->sin_addr, &servers->addr.addr4, 4);
			((struct sockaddr_in *)&s)->sin_port = htons((uint16_t)servers->udp_port);
		} else {
			memcpy(&((struct sockaddr_in6 *)&s)->sin6_addr, &servers->addr.addr6, 16);
			((struct sockaddr_in6 *)&s)->sin6_port = htons((uint16_t)servers->udp_port);
		}
		np_sockaddr_endpoint((struct sockaddr *)&s, buf, len);
	}
	ares_free_data(servers);
}

static void set_timeout(struct np_dns_query *q, double waited_ms)
{
	q->status = NP_DNS_STATUS_TIMEOUT;
	np_error_set(&q->err, "TIMEOUT", "no reply from DNS server %s within %.3f s",
		     q->server[0] ? q->server : "(none)", waited_ms / 1e3);
}

/* A query without a reply, in the probe's words. */
static void set_failure(struct np_resolver *r, int status, struct np_dns_query *q,
			unsigned resends)
{
	switch (np_resolver_failure(r, status, &q->err)) {
	case NP_ARES_TIMEOUT:
		set_timeout(q, np_resolver_waited_ms(q->time_ms, r->opts.timeout_ms, resends));
		return;
	case NP_ARES_NO_SOCKET:
		break;
	case NP_ARES_REFUSED:
		np_error_set(&q->err, "ECONNREFUSED",
			     "cannot reach DNS server %s: connection refused or no route "
			     "(nothing serves DNS there, or the network is unreachable)",
			     q->server[0] ? q->server : "(none)");
		break;
	case NP_ARES_OTHER:
		np_error_set(&q->err, "ARES_ERROR", "DNS query failed: %s", ares_strerror(status));
		break;
	}
	q->status = NP_DNS_STATUS_ERROR;
}

static void on_reply(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct query_ctx *qc = arg;
	struct lookup *lk = qc->lk;
	struct np_dns_query *q = qc->q;

	if (lk->finished) {	/* after the deadline: lk->dns is no longer ours */
		if (--lk->outstanding == 0)
			free(lk);
		return;
	}
	qc->replied = true;
	q->time_ms = np_now_ms() - qc->t_start;
	np_resolver_server(lk->r, q->server, sizeof(q->server));
	if (abuf && alen > 0) {	/* any rcode: ares_query maps it to a status, we read it */
		np_dns_interpret(abuf, (size_t)alen, lk->t->host, q->qtype, q, lk->dns);
	} else if (status == ARES_ETIMEOUT &&
		   np_resolver_resend_due(lk->t0 + lk->r->opts.timeout_ms, &qc->resends)) {
		qc->replied = false;	/* the deadline still applies to it */
		ares_send(lk->r->channel, qc->msg, (int)qc->len, on_reply, qc);
		return;
	} else {
		set_failure(lk->r, status, q, qc->resends);
	}
	if (--lk->outstanding == 0)
		finish(lk);
}

/* Whatever c-ares retries, the DNS phase ends at the deadline: queries still
 * out are timeouts, and their late callbacks only release lk. */
static void on_deadline(void *arg)
{
	struct lookup *lk = arg;

	for (size_t i = 0; i < lk->dns->nqueries; i++) {
		struct query_ctx *qc = &lk->qctx[i];

		if (qc->replied)
			continue;
		qc->q->time_ms = np_now_ms() - qc->t_start;
		np_resolver_server(lk->r, qc->q->server, sizeof(qc->q->server));
		set_timeout(qc->q, lk->r->opts.timeout_ms);
	}
	finish(lk);
}

static void send_queries(struct lookup *lk)
{
	int fam = lk->r->opts.family;
	uint16_t types[2];
	size_t n = 0;

	if (fam != AF_INET6)
		types[n++] = NP_RR_A;
	if (fam != AF_INET)
		types[n++] = NP_RR_AAAA;
	struct np_resolver *r = lk->r;

	np_timer_init(&lk->deadline, on_deadline, lk);
	lk->dns->source = NP_SOURCE_DNS;
	lk->dns->nqueries = n;
	/* One more than the queries: a query that fails at once calls back inside
	 * ares_query, and the last callback must not free lk under our feet. */
	lk->outstanding = (int)n + 1;
	for (size_t i = 0; i < n; i++) {
		struct np_dns_query *q = &lk->dns->queries[i];

		*q = (struct np_dns_query){ .qtype = types[i], .rcode = -1 };
		lk->qctx[i] = (struct query_ctx){ .lk = lk, .q = q, .t_start = np_now_ms() };
	}
	for (size_t i = 0; i < n; i++) {
		/* our own message, not ares_query's: c-ares 1.18 does not decode \DDD
		 * escapes, so a name with an escaped byte would be asked wrongly.
		 * No search list, like dig. */
		struct query_ctx *qc = &lk->qctx[i];

		if (np_dns_build_query(lk->t->host, types[i], np_dns_query_id(), true, qc->msg,
				       sizeof(qc->msg), &qc->len) != NP_DNS_OK) {
			lk->dns->queries[i].status = NP_DNS_STATUS_ERROR;
			np_error_set(&lk->dns->queries[i].err, "BADNAME", "cannot ask for %s: %s",
				     lk->t->host, np_dns_strerror(NP_DNS_EBADNAME));
			lk->qctx[i].replied = true;
			lk->outstanding--;
			continue;
		}
		ares_send(r->channel, qc->msg, (int)qc->len, on_reply, qc);
	}
	np_timer_arm(r->loop, &lk->deadline, lk->t0 + r->opts.timeout_ms);
	np_resolver_rearm(r);
	if (--lk->outstanding == 0)
		finish(lk);
}

static void on_hosts(void *arg, int status, int timeouts, struct ares_addrinfo *res)
{
	struct lookup *lk = arg;

	if (status == ARES_SUCCESS && res) {
		for (struct ares_addrinfo_node *n = res->nodes; n; n = n->ai_next) {
			const uint8_t *a = n->ai_family == AF_INET
				? (const uint8_t *)&((struct sockaddr_in *)n->ai_addr)->sin_addr
				: (const uint8_t *)&((struct sockaddr_in6 *)n->ai_addr)->sin6_addr;

			if (n->ai_family == AF_INET || n->ai_family == AF_INET6)
				add_address(lk->dns, n->ai_family, a, -1);
		}
	}
	ares_freeaddrinfo(res);
	if (lk->dns->naddrs) {
		lk->dns->source = NP_SOURCE_HOSTS;
		lk->dns->status = NP_DNS_STATUS_OK;
		lk->dns->rcode = -1;
		lk->dns->time_ms = np_now_ms() - lk->t0;
		order_addresses(lk->dns);
		lk->done(lk->arg);
		free(lk);
		return;
	}
	send_queries(lk);
}

int np_resolve_start(struct np_resolver *r, const struct np_target *t,
		     struct np_dns_result *dns, np_resolve_done done, void *arg)
{
	struct lookup *lk;

	np_dns_result_reset(dns);	/* frees a --re-resolve round's previous chain */
	if (t->literal_family) {
		dns->status = NP_DNS_STATUS_SKIPPED;
		dns->source = NP_SOURCE_LITERAL;
		add_address(dns, t->literal_family, (const uint8_t *)&t->literal, -1);
		done(arg);
		return 0;
	}
	lk = calloc(1, sizeof(*lk));
	if (!lk)
		return -1;
	*lk = (struct lookup){ .r = r, .t = t, .dns = dns, .done = done, .arg = arg,
			       .t0 = np_now_ms() };
	if (!r->opts.no_hosts && !r->hosts_read) {
		r->hosts = np_hostsnames_load();	/* once per run, at the first name */
		r->hosts_read = true;
	}
	if (r->opts.no_hosts || !np_hostsnames_may_hold(r->hosts, t->host)) {
		send_queries(lk);
		return 0;
	}
	struct ares_addrinfo_hints hints = {
		.ai_family = r->opts.family,
		.ai_flags = ARES_AI_ENVHOSTS | ARES_AI_NOSORT,
	};
	ares_getaddrinfo(r->channel, t->host, NULL, &hints, on_hosts, lk);
	return 0;
}

#define NP_RESENDS_MAX 4

bool np_resolver_resend_due(double deadline_ms, unsigned *resends)
{
	if (*resends >= NP_RESENDS_MAX || np_now_ms() + 10 >= deadline_ms)
		return false;
	(*resends)++;
	return true;
}

double np_resolver_waited_ms(double elapsed_ms, double limit_ms, unsigned resends)
{
	if (resends < NP_RESENDS_MAX || elapsed_ms > limit_ms)
		return limit_ms;
	return elapsed_ms;
}

bool np_resolver_via_tcp(struct np_resolver *r)
{
	const struct np_ares_io *a = current_socket(r);

	return a && a->socktype == SOCK_STREAM;
}
