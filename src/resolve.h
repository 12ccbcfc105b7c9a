/* Name resolution with c-ares on the shared event loop: the hosts file first (as
 * the system does), then A and AAAA asked in parallel, each timed on its own, with
 * the real rcode, the CNAME chain, the TTLs and the server that answered. */
#ifndef NP_RESOLVE_H
#define NP_RESOLVE_H

#include <ares.h>
#include <stdbool.h>
#include "loop.h"
#include "result.h"

struct np_resolve_opts {
	struct sockaddr_storage server;	/* used when server_len > 0 */
	socklen_t server_len;
	double timeout_ms;		/* whole DNS phase */
	int family;			/* AF_UNSPEC, AF_INET or AF_INET6 */
	bool no_hosts;
	bool tcp;			/* DNS over TCP from the start (ARES_FLAG_USEVC) */
};

struct np_ares_io;
struct np_hostsnames;

/* What the socket layer saw under c-ares, which it does not tell: why a socket
 * could not be opened, and each UDP answer's real size and TC bit (an answer
 * over 512 bytes without EDNS makes c-ares retry over TCP without TC). */
#define NP_UDP_SEEN 16
struct np_udp_seen {
	uint16_t id;
	bool tc;
	size_t size;			/* the datagram's size, 0: slot unused */
};

struct np_resolver {
	struct np_loop *loop;
	ares_channel channel;
	struct np_resolve_opts opts;
	struct np_timer timer;		/* c-ares' own retransmit timer */
	struct np_ares_io *ios;		/* one per c-ares socket, kept until free */
	struct np_ares_io *current;	/* socket being processed: who answered */
	int socket_errno;		/* last socket() failure (EMFILE...), 0: none */
	struct np_udp_seen udp_seen[NP_UDP_SEEN];	/* ring of the last UDP answers */
	struct np_hostsnames *hosts;	/* names the hosts file may hold (NULL: any) */
	bool hosts_read;		/* hosts loaded (once per run, when first needed) */
	size_t answers;			/* UDP answers that may be in flight at once */
	size_t udp_next;
};

typedef void (*np_resolve_done)(void *arg);

int np_resolver_init(struct np_resolver *r, struct np_loop *loop,
		     const struct np_resolve_opts *opts, struct np_error *err);
void np_resolver_free(struct np_resolver *r);

/* Resolve t into dns; done(arg) runs once, possibly before this returns. */
int np_resolve_start(struct np_resolver *r, const struct np_target *t,
		     struct np_dns_result *dns, np_resolve_done done, void *arg);

/* Inside a c-ares callback: the server that answered ("127.0.0.1:53"), or the
 * first configured one when no socket is in hand; and whether it came over TCP. */
void np_resolver_server(struct np_resolver *r, char *buf, size_t len);
bool np_resolver_via_tcp(struct np_resolver *r);
/* What c-ares' status means for a query that got no reply, read here once for
 * every command; each says it in its own words. */
enum np_ares_failure {
	NP_ARES_TIMEOUT,	/* no reply in time (ETIMEOUT), or our deadline cancelled it */
	NP_ARES_NO_SOCKET,	/* "refused", but no socket could even be opened: e is set */
	NP_ARES_REFUSED,	/* ECONNREFUSED: nothing serves DNS there, or no route */
	NP_ARES_OTHER,		/* anything else: ares_strerror(status) says what */
};
enum np_ares_failure np_resolver_failure(const struct np_resolver *r, int status,
					 struct np_error *e);
/* The UDP answer to query id seen last, NULL when none was. */
const struct np_udp_seen *np_resolver_udp_seen(const struct np_resolver *r, uint16_t id);
/* c-ares 1.18 can give up before our deadline (a TCP try that times out costs
 * it every try at once): whether to send the query again, at most a few times
 * and only while the deadline is ahead. */
bool np_resolver_resend_due(double deadline_ms, unsigned *resends);
/* How long a query that got no reply was given, for "no reply within N s": the
 * limit, since the deadline is what stopped it, unless the resends ran out first
 * (then the time it really waited). A late callback on a loaded machine never
 * turns the limit into a larger number. */
double np_resolver_waited_ms(double elapsed_ms, double limit_ms, unsigned resends);
/* A batch: up to answers UDP answers may arrive at once; the UDP socket's
 * receive buffer is sized for them (when c-ares opens it). */
void np_resolver_expect_answers(struct np_resolver *r, size_t answers);
/* Arm the loop timer for c-ares' next timeout (after sending queries). */
void np_resolver_rearm(struct np_resolver *r);

/* Decide one query's outcome from its raw reply (exposed for the unit tests):
 * rcode, CNAME chain from qname, and the records of qtype at the chain's end. */
void np_dns_interpret(const uint8_t *msg, size_t len, const char *qname, uint16_t qtype,
		      struct np_dns_query *q, struct np_dns_result *dns);

#endif
