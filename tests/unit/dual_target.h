/* A hand-made result the unit tests of the reporters share:
 * dual.example.test:8080 resolved in 0.4124 ms to 127.0.0.1 (open, 1 ms) and
 * ::1 (closed, 0.052 ms). */
#ifndef NP_TEST_DUAL_TARGET_H
#define NP_TEST_DUAL_TARGET_H

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include "result.h"

static inline void np_test_dual_target(struct np_target *target, struct np_target_result *result,
				       struct np_probe_result probes[2])
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&probes[0].sa;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&probes[1].sa;
	struct np_dns_result *d = &result->dns;

	memset(target, 0, sizeof(*target));
	memset(result, 0, sizeof(*result));
	memset(probes, 0, 2 * sizeof(*probes));
	snprintf(target->input, sizeof(target->input), "dual.example.test:8080");
	snprintf(target->host, sizeof(target->host), "dual.example.test");
	target->ports[target->nports++] = 8080;
	d->status = NP_DNS_STATUS_OK;
	d->source = NP_SOURCE_DNS;
	d->time_ms = 0.4124;
	d->naddrs = 2;
	d->addrs[0].sa.ss_family = AF_INET;
	((struct sockaddr_in *)&d->addrs[0].sa)->sin_addr.s_addr = htonl(0x7f000001);
	d->addrs[1].sa.ss_family = AF_INET6;
	((struct sockaddr_in6 *)&d->addrs[1].sa)->sin6_addr = in6addr_loopback;
	for (int i = 0; i < 2; i++) {
		probes[i].proto = "tcp";
		probes[i].socktype = SOCK_STREAM;
	}
	sin->sin_family = AF_INET;
	sin->sin_port = htons(8080);
	sin->sin_addr.s_addr = htonl(0x7f000001);
	probes[0].salen = sizeof(*sin);
	probes[0].state = NP_STATE_OPEN;
	probes[0].time_ms = 1.0;
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(8080);
	sin6->sin6_addr = in6addr_loopback;
	probes[1].salen = sizeof(*sin6);
	probes[1].state = NP_STATE_CLOSED;
	probes[1].time_ms = 0.052;
	result->target = target;
	result->probes = probes;
	result->nprobes = 2;
}

#endif
