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
	return sa->sa_family == AF_INET
		? ((const struct sockaddr_in *)sa)->sin_addr.s_addr == htonl(INADDR_ANY)
		: IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)sa)->sin6_addr);
}

static bool is_loopback(const struct sockaddr *sa)
{
	return sa->sa_family == AF_INET
		? (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127
		: IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)sa)->sin6_addr);
}

static bool same_addr(const struct sockaddr *a, const struct sockaddr *b)
{
	if (a->sa_family != b->sa_family)
		return false;
	return a->sa_family == AF_INET
		? ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		  ((const struct sockaddr_in *)b)->sin_addr.s_addr
		: memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			 &((const struct sockaddr_in6 *)b)->sin6_addr, 16) == 0;
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

static void list_addrs(const struct np_local_result *r, int proto, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < r->nsocks && n < len; i++) {
		char a[INET6_ADDRSTRLEN];

		if (r->socks[i].proto != proto)
			continue;
		char shown[INET6_ADDRSTRLEN + 2];

		np_sockaddr_address((const struct sockaddr *)&r->socks[i].addr, a, sizeof(a));
		/* brackets keep "::" apart from the sentence's own colon */
		snprintf(shown, sizeof(shown), r->socks[i].addr.ss_family == AF_INET6 ? "[%s]" : "%s", a);
		if (!strstr(buf, shown))
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? " and " : "", shown);
	}
}

void np_local_judge(struct np_local_result *r)
{
	bool any4 = false, any6 = false, any6_dual = false, lo4 = false, lo6 = false, other = false;
	int proto = verdict_proto(r);
	char addrs[256];
	const char *p = proto == IPPROTO_TCP ? "TCP" : "UDP";

	r->kind_proto = proto;
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
		} else if (is_loopback(sa)) {
			lo4 |= v4;
			lo6 |= !v4;
		} else {
			other = true;
		}
	}
	list_addrs(r, proto, addrs, sizeof(addrs));
	if (r->nsocks == 0) {
		r->kind = NP_LOCAL_NOTHING;
		snprintf(r->verdict, sizeof(r->verdict), "nothing listens on port %u (TCP or UDP) "
			 "on this host", r->port);
	} else if ((any4 && any6) || any6_dual) {
		r->kind = any6_dual && !any4 ? NP_LOCAL_ANY_V6_DUAL : NP_LOCAL_ANY_BOTH;
		snprintf(r->verdict, sizeof(r->verdict), "%s port %u is bound to %s: reachable on "
			 "every interface, IPv4 and IPv6%s", p, r->port, addrs,
			 r->kind == NP_LOCAL_ANY_V6_DUAL ? " (IPv4 clients arrive as ::ffff:a.b.c.d)" : "");
	} else if (any4) {
		r->kind = NP_LOCAL_ANY_V4_ONLY;
		snprintf(r->verdict, sizeof(r->verdict), "%s port %u is bound to 0.0.0.0 only: IPv6 "
			 "clients%s are refused; bind :: with IPV6_V6ONLY=0 (dual-stack) to take both",
			 p, r->port, lo6 ? " (but ::1, which has its own socket)"
					 : " (localhost -> ::1 first)");
	} else if (any6) {
		r->kind = NP_LOCAL_ANY_V6_ONLY;
		snprintf(r->verdict, sizeof(r->verdict), "%s port %u is bound to :: with IPV6_V6ONLY: "
			 "IPv4 clients%s are refused; clear IPV6_V6ONLY or bind 0.0.0.0 as well", p,
			 r->port, lo4 ? " (but 127.0.0.1, which has its own socket)" : "");
	} else if (!other && lo4 && lo6) {
		r->kind = NP_LOCAL_LOOPBACK_BOTH;
		snprintf(r->verdict, sizeof(r->verdict), "%s port %u is bound to loopback only (%s): "
			 "other hosts cannot reach it; bind 0.0.0.0 (INADDR_ANY) and :: to accept on "
			 "all interfaces", p, r->port, addrs);
	} else if (!other && lo4) {
		r->kind = NP_LOCAL_LOOPBACK_V4;
		snprintf(r->verdict, sizeof(r->verdict), "%s port %u is bound to %s only: other hosts "
			 "cannot reach it, and IPv6 clients (localhost -> ::1 first) are refused; bind "
			 "0.0.0.0 (INADDR_ANY) or :: to accept on all interfaces", p, r->port, addrs);
	} else if (!other && lo6) {
		r->kind = NP_LOCAL_LOOPBACK_V6;
		snprintf(r->verdict, sizeof(r->verdict), "%s port %u is bound to ::1 only: other hosts "
			 "cannot reach it, and IPv4 clients (127.0.0.1) are refused; bind :: "
			 "(dual-stack) to accept on all interfaces", p, r->port);
	} else {
		r->kind = lo4 || lo6 ? NP_LOCAL_MIXED : NP_LOCAL_ADDRESS;
		snprintf(r->verdict, sizeof(r->verdict), "%s port %u is bound to %s only: reachable "
			 "at %s, not on the other addresses of this host; bind 0.0.0.0 or :: to accept "
			 "on all interfaces", p, r->port, addrs,
			 lo4 || lo6 || strstr(addrs, " and ") ? "those addresses"
						: "that address, not via loopback");
	}
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

/* /proc/net does not show IPV6_V6ONLY. A TCP :: listener whose V6ONLY is unknown
 * is dual-stack if an IPv4 address no IPv4 socket covers took the connect, and
 * IPv6-only if it was refused. True when something was learned. */
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
			bool covered = false;

			if (!x->probed || x->probe.sa.ss_family != AF_INET)
				continue;
			for (size_t j = 0; j < r->nsocks; j++)
				covered |= r->socks[j].proto == IPPROTO_TCP &&
					   r->socks[j].addr.ss_family == AF_INET &&
					   np_local_accepts(&r->socks[j], (const struct sockaddr *)&x->probe.sa);
			if (covered)
				continue;
			s->v6only = x->probe.state == NP_STATE_OPEN ? 0 : 1;
			learned = true;
			break;
		}
	}
	return learned;
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
