/* Who listens on a port here, who can reach it, and why: the loopback versus
 * all-interfaces diagnosis. The binds predict reachability; TCP connects from
 * this host to each address confirm it. */
#include <config.h>
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include "local.h"
#include "loop.h"
#include "probe.h"
#include "sockaddr.h"

static bool is_any(const struct sockaddr *sa)
{
	return np_sockaddr_scope(sa) == NP_SCOPE_WILDCARD;
}

/* The same address; for IPv6 in the same zone too, when both zones are known
 * (fe80::1 on one link is not fe80::1 on another). */
static bool same_addr(const struct sockaddr *a, const struct sockaddr *b)
{
	const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)a;
	const struct sockaddr_in6 *b6 = (const struct sockaddr_in6 *)b;

	if (a->sa_family != b->sa_family)
		return false;
	if (a->sa_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	return memcmp(&a6->sin6_addr, &b6->sin6_addr, 16) == 0 &&
	       (!a6->sin6_scope_id || !b6->sin6_scope_id || a6->sin6_scope_id == b6->sin6_scope_id);
}

bool np_local_accepts(const struct np_local_socket *s, const struct sockaddr *dst)
{
	const struct sockaddr *b = (const struct sockaddr *)&s->addr;

	if (b->sa_family == dst->sa_family)
		return is_any(b) || same_addr(b, dst);
	/* :: without IPV6_V6ONLY takes IPv4 too (as ::ffff:a.b.c.d); -1 (unknown)
	 * follows Linux's default, net.ipv6.bindv6only=0. */
	return b->sa_family == AF_INET6 && dst->sa_family == AF_INET && is_any(b) && s->v6only != 1;
}

const char *np_local_kind_name(enum np_local_kind k)
{
	static const char *const names[] = {
		[NP_LOCAL_NOTHING] = "nothing", [NP_LOCAL_LOOPBACK_V4] = "loopback_ipv4_only",
		[NP_LOCAL_LOOPBACK_V6] = "loopback_ipv6_only", [NP_LOCAL_LOOPBACK_BOTH] = "loopback_only",
		[NP_LOCAL_ANY_V4_ONLY] = "all_interfaces_ipv4_only",
		[NP_LOCAL_ANY_V6_DUAL] = "all_interfaces_dual_stack",
		[NP_LOCAL_ANY_V6_ONLY] = "all_interfaces_ipv6_only",
		[NP_LOCAL_ANY_BOTH] = "all_interfaces", [NP_LOCAL_ADDRESS] = "specific_addresses",
		[NP_LOCAL_MIXED] = "mixed",
	};
	return names[k];
}

/* Which binds the verdict is about: TCP listeners, or UDP when there is no TCP. */
static int verdict_proto(const struct np_local_result *r)
{
	for (size_t i = 0; i < r->nsocks; i++)
		if (r->socks[i].proto == IPPROTO_TCP)
			return IPPROTO_TCP;
	return IPPROTO_UDP;
}

/* Do the binds of proto take dst (127.0.0.1, ::1)? */
static bool binds_take(const struct np_local_result *r, int proto, const struct sockaddr *dst)
{
	for (size_t i = 0; i < r->nsocks; i++)
		if (r->socks[i].proto == proto && np_local_accepts(&r->socks[i], dst))
			return true;
	return false;
}

/* The kind from which addresses the binds cover; the words are the reporter's. */
static enum np_local_kind judge_kind(const struct np_local_result *r, int proto, bool *assumed)
{
	bool any4 = false, any6 = false, any6_dual = false, any6_unknown = false;
	bool lo4 = false, lo6 = false, other = false;

	for (size_t i = 0; i < r->nsocks; i++) {
		const struct np_local_socket *s = &r->socks[i];
		const struct sockaddr *sa = (const struct sockaddr *)&s->addr;
		bool v4 = sa->sa_family == AF_INET;

		if (s->proto != proto)
			continue;
		if (is_any(sa)) {
			any4 |= v4;
			any6 |= !v4;
			any6_dual |= !v4 && s->v6only != 1;
			any6_unknown |= !v4 && s->v6only == -1;
		} else if (np_sockaddr_scope(sa) == NP_SCOPE_LOOPBACK) {
			lo4 |= v4;
			lo6 |= !v4;
		} else {
			other = true;
		}
	}
	/* an unknown V6ONLY counts as 0 (np_local_accepts): it decides unless 0.0.0.0 is bound */
	*assumed = any6_unknown && !any4;
	if (r->nsocks == 0)
		return NP_LOCAL_NOTHING;
	if ((any4 && any6) || any6_dual)
		return any6_dual && !any4 ? NP_LOCAL_ANY_V6_DUAL : NP_LOCAL_ANY_BOTH;
	if (any4 || any6)
		return any4 ? NP_LOCAL_ANY_V4_ONLY : NP_LOCAL_ANY_V6_ONLY;
	if (!other && (lo4 || lo6))
		return lo4 && lo6 ? NP_LOCAL_LOOPBACK_BOTH : lo4 ? NP_LOCAL_LOOPBACK_V4
								 : NP_LOCAL_LOOPBACK_V6;
	return lo4 || lo6 ? NP_LOCAL_MIXED : NP_LOCAL_ADDRESS;
}

void np_local_judge(struct np_local_result *r)
{
	int proto = verdict_proto(r);
	struct sockaddr_storage dst4, dst6;

	np_sockaddr_localhost(AF_INET, &dst4);
	np_sockaddr_localhost(AF_INET6, &dst6);
	r->kind_proto = proto;
	r->kind = judge_kind(r, proto, &r->v6only_assumed);
	/* what clients of localhost meet: 127.0.0.0/8 is loopback, but they use these two */
	r->localhost4 = binds_take(r, proto, (const struct sockaddr *)&dst4);
	r->localhost6 = binds_take(r, proto, (const struct sockaddr *)&dst6);
}

/* Every address of this host (up interfaces), loopback included. */
static void gather_addresses(struct np_local_result *r)
{
	struct ifaddrs *ifa, *i;

	if (getifaddrs(&ifa) < 0)
		return;
	for (i = ifa; i && r->nreach < NP_LOCAL_MAX; i = i->ifa_next) {
		struct np_local_reach *x;

		if (!i->ifa_addr || !(i->ifa_flags & IFF_UP) ||
		    (i->ifa_addr->sa_family != AF_INET && i->ifa_addr->sa_family != AF_INET6))
			continue;
		x = &r->reach[r->nreach++];
		memset(x, 0, sizeof(*x));
		snprintf(x->ifname, sizeof(x->ifname), "%s", i->ifa_name);
		x->probe.sa.ss_family = i->ifa_addr->sa_family;
		x->probe.salen = np_sockaddr_len(&x->probe.sa);
		memcpy(&x->probe.sa, i->ifa_addr, x->probe.salen);
		np_sockaddr_set_port(&x->probe.sa, r->port);
	}
	freeifaddrs(ifa);
}

static void predict(struct np_local_result *r)
{
	for (size_t i = 0; i < r->nreach; i++) {
		struct np_local_reach *x = &r->reach[i];

		x->tcp_accepts = x->udp_accepts = false;
		for (size_t k = 0; k < r->nsocks; k++) {
			bool ok = np_local_accepts(&r->socks[k], (const struct sockaddr *)&x->probe.sa);

			if (r->socks[k].proto == IPPROTO_TCP)
				x->tcp_accepts |= ok;
			else
				x->udp_accepts |= ok;
		}
	}
}

static void on_probe(struct np_probe *p, void *arg)
{
}

/* Connect to every address at once, on one loop, with the probe machinery. */
static int confirm(struct np_local_result *r, double timeout_ms)
{
	struct np_loop loop;
	struct np_probe probes[NP_LOCAL_MAX];
	struct np_probe_opts opts = { .timeout_ms = timeout_ms };
	int rc;

	if (verdict_proto(r) != IPPROTO_TCP || r->nsocks == 0)
		return 0;
	if (np_loop_init(&loop) < 0)
		return -1;
	for (size_t i = 0; i < r->nreach; i++) {
		r->reach[i].probed = true;
		np_probe_start(&probes[i], &np_transport_tcp, &loop, &r->reach[i].probe, &opts,
			       on_probe, NULL);
	}
	rc = np_loop_run(&loop);
	np_loop_free(&loop);
	return rc;
}

/* Does a TCP socket other than s take dst? Then a connect to dst proves nothing about s. */
static bool other_takes(const struct np_local_result *r, const struct np_local_socket *s,
			const struct sockaddr *dst)
{
	for (size_t j = 0; j < r->nsocks; j++)
		if (&r->socks[j] != s && r->socks[j].proto == IPPROTO_TCP &&
		    np_local_accepts(&r->socks[j], dst))
			return true;
	return false;
}

/* /proc/net does not show IPV6_V6ONLY. A TCP :: listener whose V6ONLY is unknown
 * is dual-stack if an IPv4 address no other socket covers took the connect, and
 * IPv6-only if it was refused (RST; silence or ICMP prove nothing). The value is
 * marked inferred, with the connect that told. True when something was learned. */
static bool infer_v6only(struct np_local_result *r)
{
	bool learned = false;

	for (size_t k = 0; k < r->nsocks; k++) {
		struct np_local_socket *s = &r->socks[k];

		if (s->proto != IPPROTO_TCP || s->v6only != -1 || s->addr.ss_family != AF_INET6 ||
		    !is_any((const struct sockaddr *)&s->addr))
			continue;
		for (size_t i = 0; i < r->nreach; i++) {
			const struct np_local_reach *x = &r->reach[i];
			enum np_probe_state st = x->probe.state;

			if (!x->probed || x->probe.sa.ss_family != AF_INET ||
			    (st != NP_STATE_OPEN && st != NP_STATE_CLOSED) ||
			    other_takes(r, s, (const struct sockaddr *)&x->probe.sa))
				continue;
			s->v6only = st == NP_STATE_OPEN ? 0 : 1;
			s->v6only_source = NP_V6ONLY_INFERRED;
			s->v6only_evidence = i;
			learned = true;
			break;
		}
	}
	return learned;
}

/* The names of the devices sockets are bound to (a link-local zone), for the report. */
static void name_devices(struct np_local_result *r)
{
	for (size_t i = 0; i < r->nsocks; i++) {
		struct np_local_socket *s = &r->socks[i];

		if (s->bound_if && !if_indextoname(s->bound_if, s->bound_ifname))
			snprintf(s->bound_ifname, sizeof(s->bound_ifname), "%u", s->bound_if);
	}
}

int np_local_run(uint16_t port, bool use_proc, double timeout_ms, struct np_local_result *r,
		 struct np_error *err)
{
	memset(r, 0, sizeof(*r));
	r->port = port;
	r->source = "sock_diag";
	if (use_proc || np_local_from_diag(port, r) < 0) {
		r->nsocks = 0;
		r->source = "proc";
		if (np_local_from_proc(port, r) < 0) {
			np_error_set(err, "ENOENT", "cannot list sockets: neither sock_diag netlink "
				     "nor /proc/net is readable");
			return -1;
		}
	}
	np_local_find_owners(r);
	name_devices(r);
	np_local_judge(r);
	gather_addresses(r);
	predict(r);
	if (confirm(r, timeout_ms) < 0) {
		np_error_set(err, "LOOP", "cannot run the reachability probes: %s", strerror(errno));
		return -1;
	}
	if (infer_v6only(r)) {	/* the connects told what /proc/net could not */
		np_local_judge(r);
		predict(r);
	}
	return 0;
}
