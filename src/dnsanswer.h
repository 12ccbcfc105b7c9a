/* What a NOERROR reply without the records asked for means. From a server that
 * does not recurse it may be a delegation (a referral: NS records in the
 * authority section, AA clear) or a CNAME chain that leaves the server's zones
 * unanswered; only otherwise is it NODATA. Reads the raw reply; no printing. */
#ifndef NP_DNSANSWER_H
#define NP_DNSANSWER_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include "dnsmsg.h"

#define NP_REFERRAL_MAX_NS 8
#define NP_REFERRAL_MAX_GLUE 4	/* addresses per name server */
#define NP_NAME_TEXT NP_DNS_TEXT_MAX

enum np_dns_empty {
	NP_EMPTY_NODATA,	/* the name exists without that type */
	NP_EMPTY_REFERRAL,	/* the server delegates: ask the zone's servers */
	NP_EMPTY_INCOMPLETE,	/* the CNAME chain ends at a name nobody answered */
};

struct np_dns_nameserver {
	char name[NP_NAME_TEXT];
	char glue[NP_REFERRAL_MAX_GLUE][INET6_ADDRSTRLEN];	/* from ADDITIONAL */
	size_t nglue;
};

struct np_dns_referral {
	char zone[NP_NAME_TEXT];	/* the delegated zone ("" when none) */
	struct np_dns_nameserver ns[NP_REFERRAL_MAX_NS];
	size_t nns;
	size_t ns_dropped;		/* NS records beyond NP_REFERRAL_MAX_NS */
};

/* The end of the CNAME chain that starts at qname in the answer section, and
 * the number of links (0: no CNAME). Stops at NP_DNS_CHAIN_MAX links. */
#define NP_DNS_CHAIN_MAX 16
int np_dns_chain_end(const uint8_t *msg, size_t len, const char *qname, char *final,
		     size_t finallen, size_t *links);

/* A NOERROR reply with no record of the type asked at final (the chain's end,
 * links CNAMEs from the name asked): which of the three it is. ref is filled
 * for a referral (and for an incomplete chain that ends in a delegation). */
enum np_dns_empty np_dns_classify_empty(const uint8_t *msg, size_t len, const char *final,
					size_t links, struct np_dns_referral *ref);

#endif
