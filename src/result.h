/* Plain results: what resolving and probing found, with no opinion on how it is
 * shown. The reporters read these; nothing here prints. */
#ifndef NP_RESULT_H
#define NP_RESULT_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include "dnsanswer.h"
#include "dnsmsg.h"
#include "errors.h"
#include "recverr.h"
#include "sockaddr.h"
#include "target.h"

#define NP_MAX_ADDRS 64
#define NP_MAX_CNAMES 16

enum np_dns_status {
	NP_DNS_STATUS_OK,
	NP_DNS_STATUS_NXDOMAIN,
	NP_DNS_STATUS_NODATA,
	NP_DNS_STATUS_REFERRAL,		/* no answer: a delegation from a non-recursive server */
	NP_DNS_STATUS_INCOMPLETE,	/* a CNAME chain ends at a name left unanswered */
	NP_DNS_STATUS_SERVFAIL,
	NP_DNS_STATUS_REFUSED,
	NP_DNS_STATUS_TIMEOUT,
	NP_DNS_STATUS_ERROR,
	NP_DNS_STATUS_SKIPPED,
};

enum np_dns_source { NP_SOURCE_DNS, NP_SOURCE_HOSTS, NP_SOURCE_LITERAL };

/* What a Happy Eyeballs client (RFC 8305) would meet, for one port. */
enum np_he_fault { NP_HE_NONE, NP_HE_V6_FAILS, NP_HE_V4_FAILS };

enum np_verdict { NP_VERDICT_OK, NP_VERDICT_DEGRADED, NP_VERDICT_DOWN, NP_VERDICT_DNS_FAILED };

struct np_address {
	struct sockaddr_storage sa;	/* port 0; probes set their own */
	int64_t ttl;			/* -1: none (hosts file, literal) */
};

struct np_dns_query {
	uint16_t qtype;
	enum np_dns_status status;
	int rcode;			/* -1: no reply */
	double time_ms;
	size_t answers;			/* records of qtype for the final name */
	char server[NP_ENDPOINT_LEN];	/* that answered; "" when none */
	bool broken;			/* the reply broke the protocol (malformed, mismatch) */
	struct np_error err;
};

struct np_dns_result {
	enum np_dns_status status;
	enum np_dns_source source;
	int rcode;			/* of the deciding query; -1 when none */
	char server[NP_ENDPOINT_LEN];	/* that answered; "" when none */
	char canonical[NP_DNS_TEXT_MAX];
	/* The rare parts are allocated only when a reply has them (a batch keeps
	 * hundreds of these in flight): the CNAME chain, ncnames names (NULL when
	 * none), and the referral (NULL when none). np_dns_result_clear frees them. */
	char **cnames;
	size_t ncnames;
	double time_ms;
	struct np_error err;
	struct np_dns_query queries[2];
	size_t nqueries;
	size_t naddrs;
	size_t dropped;			/* addresses beyond NP_MAX_ADDRS */
	struct np_dns_referral *referral;	/* status referral (or incomplete into one) */
	/* last: only addrs[0..naddrs) is ever read, so a new lookup clears the
	 * fields above it and not its 8.7 KB (np_dns_result_reset) */
	struct np_address addrs[NP_MAX_ADDRS];
};

/* Free what d owns (the chain, the referral) and leave it without them. */
void np_dns_result_clear(struct np_dns_result *d);
/* Clear and empty d for a new lookup: rcode -1, no addresses. */
void np_dns_result_reset(struct np_dns_result *d);
/* Move src into dst (dst's own parts freed first); src keeps none. */
void np_dns_result_move(struct np_dns_result *dst, struct np_dns_result *src);
/* Set the CNAME chain to a copy of names[0..n) in one allocation; -1: no memory. */
int np_dns_result_set_cnames(struct np_dns_result *d, const char *const *names, size_t n);

#define NP_EXCHANGE_KEEP 256	/* bytes of the peer's answer kept for the report */

/* What was said on an open connection (--send / --expect, or a UDP reply). */
struct np_exchange {
	bool used;
	size_t sent, received;		/* bytes */
	uint8_t data[NP_EXCHANGE_KEEP];	/* the first bytes received */
	size_t kept;
	const char *expect;		/* --expect, NULL when none was asked */
	bool matched;			/* --expect found (false when none asked) */
	double reply_ms;		/* from connected to the first byte back */
};

struct np_probe_result {
	struct sockaddr_storage sa;	/* the exact bytes given to connect() */
	socklen_t salen;
	const char *proto;		/* transport: "tcp", "udp", "unix" */
	int socktype;			/* SOCK_STREAM or SOCK_DGRAM */
	enum np_probe_state state;
	double time_ms;			/* until the state was known */
	struct np_error err;
	struct sockaddr_storage local;	/* what getsockname() said; family 0: none */
	double rtt_ms, rttvar_ms;	/* TCP_INFO; < 0 when unknown */
	unsigned tries;			/* datagrams sent (UDP) */
	bool icmp_rate_limited;		/* UDP silence while its host was rate-limiting ICMP */
	struct np_icmp icmp;		/* the ICMP error behind the state, if any */
	struct np_exchange xchg;
};

struct np_series;

struct np_target_result {
	const struct np_target *target;
	const char *source_file;	/* the --file it came from ("<stdin>"); NULL: the
					 * command line */
	unsigned long source_line;
	struct np_dns_result dns;
	struct np_probe_result *probes;
	size_t nprobes;
	size_t nopen;
	enum np_verdict verdict;
	/* Happy Eyeballs: the address tried first, and a family that fails. */
	int he_first;			/* index into dns.addrs; -1 when not dual-stack */
	enum np_he_fault he_fault;
	uint16_t he_port;		/* the port the fault was seen on */
	bool he_localhost;		/* what the probes show is a localhost bind: the
					 * failing family was refused (RST) at 127.0.0.1 or ::1,
					 * and only there, and the other family's localhost
					 * address accepted */
	const char *he_proto;
	/* --count: the rounds so far, this one added (series.h); NULL and 0 when
	 * not counting. seq: this round's number, from 1. */
	const struct np_series *series;
	unsigned long seq;
};

#define NP_STATE_COUNT (NP_STATE_ERROR + 1)

/* A batch's tally, for its summary (text line, JSON object). */
struct np_run_summary {
	size_t targets;			/* reported */
	size_t bad_lines;
	size_t probes;
	size_t states[NP_STATE_COUNT];
	size_t verdicts[NP_VERDICT_DNS_FAILED + 1];	/* DNS failures: [NP_VERDICT_DNS_FAILED] */
	size_t unfinished;		/* in flight when a signal stopped the run */
	double wall_ms;
	int interrupted;		/* the stop signal, 0: none */
	int exit_code;
};

/* Count a finished target into s (its verdict); and the probes of one round
 * (once a target without --count, every round with it). */
void np_run_summary_add(struct np_run_summary *s, const struct np_target_result *r);
void np_run_summary_probes(struct np_run_summary *s, const struct np_target_result *r);

const char *np_dns_status_name(enum np_dns_status s);
const char *np_dns_source_name(enum np_dns_source s);
const char *np_verdict_name(enum np_verdict v);
/* The name gave no address to probe (a Unix path needs none). */
bool np_dns_failed(const struct np_target_result *r);
/* Verdict from the DNS and probe outcomes; the exit code a verdict maps to. */
enum np_verdict np_verdict_of(const struct np_target_result *r);
/* Fill he_first / he_fault from the addresses and the probe states. */
void np_happy_eyeballs(struct np_target_result *r);
bool np_probe_succeeded(const struct np_probe_result *p);
const char *np_he_fault_name(enum np_he_fault f);	/* "ipv6_fails", NULL */
int np_verdict_exit_code(enum np_verdict v);

#endif
