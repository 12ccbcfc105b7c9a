/* Names of result values, and the verdict rule (Nagios: ok, warning, critical). */
#include <config.h>
#include "result.h"

const char *np_dns_status_name(enum np_dns_status s)
{
	static const char *const names[] = {
		[NP_DNS_STATUS_OK] = "ok", [NP_DNS_STATUS_NXDOMAIN] = "nxdomain",
		[NP_DNS_STATUS_NODATA] = "nodata", [NP_DNS_STATUS_SERVFAIL] = "servfail",
		[NP_DNS_STATUS_REFUSED] = "refused", [NP_DNS_STATUS_TIMEOUT] = "timeout",
		[NP_DNS_STATUS_ERROR] = "error", [NP_DNS_STATUS_SKIPPED] = "skipped",
	};
	return names[s];
}

const char *np_dns_source_name(enum np_dns_source s)
{
	return s == NP_SOURCE_DNS ? "dns" : s == NP_SOURCE_HOSTS ? "hosts" : "literal";
}

const char *np_verdict_name(enum np_verdict v)
{
	static const char *const names[] = {
		[NP_VERDICT_OK] = "ok", [NP_VERDICT_DEGRADED] = "degraded",
		[NP_VERDICT_DOWN] = "down", [NP_VERDICT_DNS_FAILED] = "dns_failed",
	};
	return names[v];
}

enum np_verdict np_verdict_of(const struct np_target_result *r)
{
	if (r->dns.naddrs == 0)
		return NP_VERDICT_DNS_FAILED;
	if (r->nopen == r->nprobes)
		return NP_VERDICT_OK;
	return r->nopen ? NP_VERDICT_DEGRADED : NP_VERDICT_DOWN;
}

int np_verdict_exit_code(enum np_verdict v)
{
	return v == NP_VERDICT_OK ? 0 : v == NP_VERDICT_DEGRADED ? 1 : 2;
}
