/* netprobe lookup: dig-grade DNS. Each type asked is one query sent with c-ares
 * (ares_send, so the message is ours: RD as asked, the reply kept whole), timed,
 * with the server that answered and whether TCP was used (after a truncated UDP
 * answer, or by --tcp). The replies are decoded for the reporters. */
#ifndef NP_LOOKUP_H
#define NP_LOOKUP_H

#include <netdb.h>
#include "dnsdecode.h"
#include "resolve.h"

#define NP_LOOKUP_MAX_TYPES 16

struct np_lookup_opts {
	char name[NP_DNS_TEXT_MAX];	/* the query name (the reverse name for -x) */
	uint16_t types[NP_LOOKUP_MAX_TYPES];
	size_t ntypes;
	bool norecurse, tcp, compare_system;
	struct np_resolve_opts resolve;
};

struct np_lookup_reply {
	uint16_t qtype;
	double time_ms;
	char server[NP_ENDPOINT_LEN];
	bool via_tcp, retried_tcp;	/* retried_tcp: TC over UDP, then TCP */
	uint8_t *msg;			/* the raw reply; NULL when none came */
	size_t len;
	int decode_rc;			/* np_dns_err of the decode */
	struct np_dns_message m;
	struct np_error err;		/* no reply: timeout, refused... */
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

struct np_lookup_result {
	const struct np_lookup_opts *opts;
	struct np_lookup_reply replies[NP_LOOKUP_MAX_TYPES];
	size_t nreplies;
	struct np_lookup_system system;
};

/* Run every query at once on one loop. -1 with err when c-ares cannot start. */
int np_lookup_run(const struct np_lookup_opts *o, struct np_lookup_result *r,
		  struct np_error *err);
void np_lookup_free(struct np_lookup_result *r);
/* 0 answers found, 1 NODATA, 2 NXDOMAIN/SERVFAIL/REFUSED/timeout/malformed. */
int np_lookup_exit_code(const struct np_lookup_result *r);

#endif
