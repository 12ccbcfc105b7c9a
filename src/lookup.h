/* netprobe lookup: dig-grade DNS. Each type asked is one query sent with c-ares
 * (ares_send, so the message is ours: RD as asked, the reply kept whole), timed,
 * with the server that answered and whether TCP was used (after a truncated UDP
 * answer, or by --tcp). The replies are decoded for the reporters. */
#ifndef NP_LOOKUP_H
#define NP_LOOKUP_H

#include <netdb.h>
#include "dnsdecode.h"
#include "resolve.h"
#include "result.h"

#define NP_LOOKUP_MAX_TYPES 16

struct np_lookup_opts {
	char name[NP_DNS_TEXT_MAX];	/* the query name (the reverse name for -x) */
	uint16_t types[NP_LOOKUP_MAX_TYPES];
	size_t ntypes;
	bool norecurse, tcp, compare_system;
	bool annotate;			/* keep each reply's field notes, for --dump */
	struct np_resolve_opts resolve;
};

struct np_lookup_reply {
	uint16_t qtype;
	double time_ms;
	char server[NP_ENDPOINT_LEN];
	bool via_tcp, retried_tcp;	/* retried_tcp: over UDP first, then TCP */
	/* why c-ares went to TCP: the UDP answer had TC, or was over 512 bytes
	 * without it (c-ares 1.18 sends no EDNS); udp_size 0 when not seen */
	bool udp_tc;
	size_t udp_size;
	uint8_t *msg;			/* the raw reply; NULL when none came */
	size_t len;
	int decode_rc;			/* np_dns_err of the decode */
	struct np_dns_message m;
	struct np_error err;		/* no reply: timeout, refused... */
	/* what the reply means: ok, nodata, referral, incomplete, or its rcode's
	 * status (error or timeout without a reply) */
	enum np_dns_status status;
	/* a referral's zone and name servers (12 KiB: most replies have none);
	 * NULL unless the reply is one, or a chain that ends in one */
	struct np_dns_referral *referral;
	char chain_end[NP_DNS_TEXT_MAX];	/* incomplete: the last CNAME target */
};

/* Distinct addresses in text form (inet_ntop's), as many as come: a
 * comparison of cut lists would call the cut-off part one side's only. */
struct np_addr_set {
	char (*addr)[INET6_ADDRSTRLEN];
	size_t n, cap;
};

/* What getaddrinfo (the system's NSS path) says, for --compare-system. */
struct np_lookup_system {
	bool asked;
	int gai_error;			/* 0, or an EAI_* code */
	struct np_addr_set addrs;	/* getaddrinfo's, each once */
	struct np_addr_set only_system, only_dns;	/* what only one side has */
};

struct np_lookup_flight;

struct np_lookup_result {
	const struct np_lookup_opts *opts;
	/* one per type asked, allocated for those only: a batch holds --jobs
	 * names */
	struct np_lookup_reply *replies;
	size_t nreplies;
	struct np_lookup_system system;
	struct np_lookup_flight *flight;	/* the queries on the channel (lookup.c) */
};

typedef void (*np_lookup_done)(void *arg);

/* Send o's queries on resolver's channel, each with its own deadline (the
 * resolver's timeout), into r. done(arg) runs once every query has its reply
 * or has passed its deadline, with the replies decoded and classified; it may
 * run before this returns. -1 (ENOMEM) when nothing was sent. o and r must
 * live until np_lookup_free(r); call np_resolver_rearm after starting. */
int np_lookup_start(struct np_resolver *resolver, const struct np_lookup_opts *o,
		    struct np_lookup_result *r, np_lookup_done done, void *arg);
/* One lookup on a loop of its own: every query at once. -1 with err when
 * c-ares cannot start. */
int np_lookup_run(const struct np_lookup_opts *o, struct np_lookup_result *r,
		  struct np_error *err);
/* Free r's replies. Queries still on the channel are abandoned: their late
 * callbacks are ignored (and free what they hold), so r may go at once, even
 * before done ran (a batch that stops). */
void np_lookup_free(struct np_lookup_result *r);
/* Set rep->status (and referral, chain_end) from its reply to a query for qname. */
void np_lookup_classify(struct np_lookup_reply *rep, const char *qname);
/* 0 answers found, 1 NODATA, 2 NXDOMAIN/SERVFAIL/REFUSED/referral/incomplete/
 * timeout/malformed. */
int np_lookup_exit_code(const struct np_lookup_result *r);

#endif
