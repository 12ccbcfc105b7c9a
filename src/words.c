/* Every sentence the reporters say about a verdict, in one place (as iperf3 keeps
 * its wording in iperf_locale.c): the text and JSON reporters take the same
 * string from here, so their messages cannot drift. Domain code gives enums and
 * fields; the words are built from them here. */
#include <config.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include "sockaddr.h"
#include "words.h"

/* The loopback words only when the probes show a localhost bind (he_localhost);
 * else what they show is about the families. */
const char *np_words_he_fault(const struct np_target_result *r)
{
	if (r->he_localhost && r->he_fault == NP_HE_V6_FAILS)
		return "::1 refuses and 127.0.0.1 accepts: no socket takes IPv6 on ::1, so IPv6 "
		       "clients (localhost -> ::1 first) are refused; bind ::1 as well, or :: "
		       "(dual-stack) instead (netprobe local PORT shows the binds)";
	if (r->he_localhost && r->he_fault == NP_HE_V4_FAILS)
		return "127.0.0.1 refuses and ::1 accepts: no socket takes IPv4 on 127.0.0.1, so "
		       "IPv4 clients of localhost are refused; bind 127.0.0.1 as well, or :: "
		       "(dual-stack) instead (netprobe local PORT shows the binds)";
	switch (r->he_fault) {
	case NP_HE_V6_FAILS:
		return "IPv6 addresses fail, IPv4 works: clients preferring IPv6 will stall "
		       "(Happy Eyeballs clients fall back after a delay, others time out)";
	case NP_HE_V4_FAILS:
		return "IPv4 addresses fail, IPv6 works: IPv4-only clients and networks "
		       "cannot connect";
	default:
		return NULL;
	}
}

/* A bind's reach, for netprobe listen: what a client on which host meets. */
const char *np_words_bind_scope(enum np_scope scope, int family)
{
	switch (scope) {
	case NP_SCOPE_LOOPBACK:
		return "loopback only: this host can connect, other hosts cannot";
	case NP_SCOPE_WILDCARD:
		return family == AF_INET
			? "all interfaces (INADDR_ANY, 0.0.0.0): other hosts can connect"
			: "all interfaces (in6addr_any, ::): other hosts can connect";
	case NP_SCOPE_ADDRESS:
	case NP_SCOPE_LINK_LOCAL:
		return "this address only: not on loopback, not on other interfaces";
	default:
		return NULL;
	}
}

const char *np_words_v6only(int v6only, enum np_scope scope)
{
	if (v6only == 0)
		return "IPV6_V6ONLY=0: IPv4 clients are accepted too, as ::ffff:a.b.c.d";
	if (v6only == 1 && scope == NP_SCOPE_WILDCARD)
		return "IPV6_V6ONLY=1: IPv6 only, IPv4 clients are refused";
	return NULL;
}

const char *np_words_listen_reason(enum np_listen_reason reason)
{
	static const char *const words[NP_LR_END] = {
		[NP_LR_PEER_CLOSED] = "peer closed", [NP_LR_EPIPE] = "peer closed (EPIPE)",
		[NP_LR_RESET] = "reset (ECONNRESET)", [NP_LR_SEND_FAILED] = "send failed",
		[NP_LR_RECV_FAILED] = "recv failed", [NP_LR_IDLE] = "idle timeout",
		[NP_LR_MAX_BYTES] = "over --max-bytes: cut off",
		[NP_LR_STOPPING] = "server stopping",
		[NP_LR_MAX_CLIENTS] = "over --max-clients: closed at once",
		[NP_LR_EMFILE] = "out of file descriptors (EMFILE): closed at once",
		[NP_LR_ENFILE] = "the system is out of file descriptors (ENFILE): closed at once",
	};
	return reason < NP_LR_END ? words[reason] : NULL;
}

/* The bound addresses of proto (of family, or any when 0), "a and b", bracketed
 * IPv6 so "::" stays apart from the sentence's own colon. */
static void list_addrs(const struct np_local_result *r, int proto, int family, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < r->nsocks && n < len; i++) {
		const struct np_local_socket *s = &r->socks[i];
		const struct sockaddr *sa = (const struct sockaddr *)&s->addr;
		char a[INET6_ADDRSTRLEN + IF_NAMESIZE + 2], shown[sizeof(a) + 2];

		if (s->proto != proto || (family && s->addr.ss_family != family))
			continue;
		np_sockaddr_show(sa, 0, NP_SHOW_ADDRESS, np_sockaddr_zone(sa, s->bound_ifname), a,
				 sizeof(a));
		snprintf(shown, sizeof(shown), s->addr.ss_family == AF_INET6 ? "[%s]" : "%s", a);
		if (!strstr(buf, shown))
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? " and " : "", shown);
	}
}

/* What clients of localhost (127.0.0.1, ::1) meet, after "other hosts cannot reach it". */
static const char *localhost_words(const struct np_local_result *r)
{
	if (r->localhost4 && r->localhost6)
		return "";
	if (r->localhost4)
		return ", and IPv6 clients (localhost -> ::1 first) are refused";
	if (r->localhost6)
		return ", and IPv4 clients of localhost (127.0.0.1) are refused";
	return ", and clients of localhost are refused too: neither 127.0.0.1 nor ::1 accepts";
}

static const char *assumed_words(const struct np_local_result *r)
{
	return r->v6only_assumed ? "; this assumes IPV6_V6ONLY=0 on [::], Linux's default "
				   "(/proc/net does not show it, and no connect told)" : "";
}

/* The all-interfaces kinds: 0.0.0.0 and/or ::. */
static void any_verdict(const struct np_local_result *r, const char *p, const char *addrs,
			char *buf, size_t len)
{
	char v4[256];

	list_addrs(r, r->kind_proto, AF_INET, v4, sizeof(v4));
	if (r->kind == NP_LOCAL_ANY_V4_ONLY)
		snprintf(buf, len, "%s port %u is bound to 0.0.0.0 only: IPv6 clients%s are refused; "
			 "bind :: with IPV6_V6ONLY=0 (dual-stack) to take both", p, r->port,
			 r->localhost6 ? " (but ::1, which has its own socket)"
				       : " (localhost -> ::1 first)");
	else if (r->kind == NP_LOCAL_ANY_V6_ONLY)
		snprintf(buf, len, "%s port %u is bound to :: with IPV6_V6ONLY: IPv4 clients are "
			 "refused%s%s%s%s; clear IPV6_V6ONLY or bind 0.0.0.0 as well", p, r->port,
			 r->localhost4 ? "" : " (127.0.0.1 too)", v4[0] ? ", except at " : "", v4,
			 v4[0] ? " (its own socket)" : "");
	else
		snprintf(buf, len, "%s port %u is bound to %s: reachable on every interface, IPv4 "
			 "and IPv6%s%s", p, r->port, addrs, r->kind == NP_LOCAL_ANY_V6_DUAL
			 ? " (IPv4 clients arrive as ::ffff:a.b.c.d)" : "", assumed_words(r));
}

const char *np_words_local_verdict(const struct np_local_result *r, char *buf, size_t len)
{
	const char *p = r->kind_proto == IPPROTO_TCP ? "TCP" : "UDP";
	char addrs[256];

	list_addrs(r, r->kind_proto, 0, addrs, sizeof(addrs));
	switch (r->kind) {
	case NP_LOCAL_NOTHING:
		snprintf(buf, len, "nothing listens on port %u (TCP or UDP) on this host", r->port);
		break;
	case NP_LOCAL_LOOPBACK_BOTH:
		snprintf(buf, len, "%s port %u is bound to loopback only (%s): other hosts cannot "
			 "reach it%s; bind 0.0.0.0 (INADDR_ANY) and :: to accept on all interfaces",
			 p, r->port, addrs, localhost_words(r));
		break;
	case NP_LOCAL_LOOPBACK_V4:
	case NP_LOCAL_LOOPBACK_V6:
		snprintf(buf, len, "%s port %u is bound to %s only: other hosts cannot reach it%s; "
			 "bind %s to accept on all interfaces", p, r->port,
			 r->kind == NP_LOCAL_LOOPBACK_V6 ? "::1" : addrs, localhost_words(r),
			 r->kind == NP_LOCAL_LOOPBACK_V6 ? ":: (dual-stack)" : "0.0.0.0 (INADDR_ANY) or ::");
		break;
	case NP_LOCAL_ADDRESS:
	case NP_LOCAL_MIXED:
		snprintf(buf, len, "%s port %u is bound to %s only: reachable there, not on the other "
			 "addresses of this host%s; bind 0.0.0.0 or :: to accept on all interfaces",
			 p, r->port, addrs, localhost_words(r));
		break;
	default:
		any_verdict(r, p, addrs, buf, len);
	}
	return buf;
}

