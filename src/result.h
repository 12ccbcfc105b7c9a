/* Plain results: what resolving and probing found, with no opinion on how it is
 * shown. The reporters read these; nothing here prints. */
#ifndef NP_RESULT_H
#define NP_RESULT_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include "dnsmsg.h"
#include "errors.h"
#include "sockaddr.h"
#include "target.h"

#define NP_MAX_ADDRS 64
#define NP_MAX_CNAMES 16

enum np_dns_status {
	NP_DNS_STATUS_OK,
	NP_DNS_STATUS_NXDOMAIN,
	NP_DNS_STATUS_NODATA,
	NP_DNS_STATUS_SERVFAIL,
	NP_DNS_STATUS_REFUSED,
	NP_DNS_STATUS_TIMEOUT,
	NP_DNS_STATUS_ERROR,
	NP_DNS_STATUS_SKIPPED,
};

enum np_dns_source { NP_SOURCE_DNS, NP_SOURCE_HOSTS, NP_SOURCE_LITERAL };

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
	struct np_error err;
};

struct np_dns_result {
	enum np_dns_status status;
	enum np_dns_source source;
	int rcode;			/* of the deciding query; -1 when none */
	char server[NP_ENDPOINT_LEN];	/* that answered; "" when none */
	char canonical[NP_DNS_TEXT_MAX];
	char cnames[NP_MAX_CNAMES][NP_DNS_TEXT_MAX];
	size_t ncnames;
	double time_ms;
	struct np_error err;
	struct np_dns_query queries[2];
	size_t nqueries;
	struct np_address addrs[NP_MAX_ADDRS];
	size_t naddrs;
	size_t dropped;			/* addresses beyond NP_MAX_ADDRS */
};

struct np_probe_result {
	struct sockaddr_storage sa;	/* the exact bytes given to connect() */
	socklen_t salen;
	int proto;			/* IPPROTO_TCP */
	enum np_probe_state state;
	double time_ms;
	struct np_error err;
};

struct np_target_result {
	const struct np_target *target;
	struct np_dns_result dns;
	struct np_probe_result *probes;
	size_t nprobes;
	size_t nopen;
	enum np_verdict verdict;
};

const char *np_dns_status_name(enum np_dns_status s);
const char *np_dns_source_name(enum np_dns_source s);
const char *np_verdict_name(enum np_verdict v);
/* Verdict from the DNS and probe outcomes; the exit code a verdict maps to. */
enum np_verdict np_verdict_of(const struct np_target_result *r);
int np_verdict_exit_code(enum np_verdict v);

#endif
