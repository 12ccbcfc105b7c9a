/* netprobe local PORT: who listens on this host on that port (sock_diag netlink,
 * like ss, or /proc/net), from which addresses it is reachable, and a verdict
 * (a kind and the facts behind it; report_local.c says it in words) on
 * loopback-only versus all-interfaces binds. */
#ifndef NP_LOCAL_H
#define NP_LOCAL_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include "result.h"

#define NP_LOCAL_MAX 64

/* Where a socket's IPV6_V6ONLY came from: the kernel said it, or a connect. */
enum np_v6only_source { NP_V6ONLY_UNKNOWN, NP_V6ONLY_SOCK_DIAG, NP_V6ONLY_INFERRED };

struct np_local_socket {
	int proto;			/* IPPROTO_TCP (listening) or IPPROTO_UDP (bound) */
	struct sockaddr_storage addr;	/* the bound address and port; an IPv6 one's
					 * sin6_scope_id is bound_if */
	int v6only;			/* AF_INET6: 0 or 1; -1 unknown or not IPv6 */
	enum np_v6only_source v6only_source;
	size_t v6only_evidence;		/* NP_V6ONLY_INFERRED: the reach entry whose
					 * connect told */
	unsigned bound_if;		/* the device it is bound to (a link-local
					 * address's zone, SO_BINDTODEVICE); 0 none, or
					 * unknown (/proc/net does not say) */
	char bound_ifname[IF_NAMESIZE];
	unsigned long inode;
	long uid, pid;			/* pid -1: not found (not ours to see) */
	char comm[32];
};

/* One address of this host, and what a TCP connect to it from here found. */
struct np_local_reach {
	char ifname[IF_NAMESIZE];
	bool tcp_accepts, udp_accepts;	/* what the binds predict */
	bool probed;			/* a TCP connect was tried (TCP listeners exist) */
	struct np_probe_result probe;
};

enum np_local_kind {
	NP_LOCAL_NOTHING,
	NP_LOCAL_LOOPBACK_V4,		/* 127.0.0.1 only */
	NP_LOCAL_LOOPBACK_V6,		/* ::1 only */
	NP_LOCAL_LOOPBACK_BOTH,
	NP_LOCAL_ANY_V4_ONLY,		/* 0.0.0.0 only: IPv6 refused */
	NP_LOCAL_ANY_V6_DUAL,		/* :: with V6ONLY=0 */
	NP_LOCAL_ANY_V6_ONLY,		/* :: with V6ONLY=1: IPv4 refused */
	NP_LOCAL_ANY_BOTH,		/* 0.0.0.0 and :: */
	NP_LOCAL_ADDRESS,		/* specific interface addresses only */
	NP_LOCAL_MIXED,
};

struct np_local_result {
	uint16_t port;
	const char *source;		/* "sock_diag" or "proc" */
	struct np_local_socket socks[NP_LOCAL_MAX];
	size_t nsocks;
	struct np_local_reach reach[NP_LOCAL_MAX];
	size_t nreach;
	enum np_local_kind kind;
	int kind_proto;			/* the protocol the verdict is about */
	bool localhost4, localhost6;	/* its binds take 127.0.0.1, ::1 (localhost) */
	bool v6only_assumed;		/* the kind rests on an IPV6_V6ONLY nobody told:
					 * assumed 0, Linux's default */
};

/* Fill r for port; -1 with err when neither sock_diag nor /proc/net can be read. */
int np_local_run(uint16_t port, bool use_proc, double timeout_ms, struct np_local_result *r,
		 struct np_error *err);

/* Pure parts, for the unit tests. */
bool np_local_accepts(const struct np_local_socket *s, const struct sockaddr *dst);
void np_local_judge(struct np_local_result *r);
const char *np_local_kind_name(enum np_local_kind k);

/* Sources (local_diag.c: netlink sock_diag; local_proc.c: /proc/net/{tcp,udp}{,6}).
 * Each appends the sockets bound to port; -1 when the source cannot be read. */
int np_local_from_diag(uint16_t port, struct np_local_result *r);
int np_local_from_proc(uint16_t port, struct np_local_result *r);
/* One line of /proc/net/tcp6 and friends; 1 when it is a socket on port. */
int np_local_parse_proc_line(const char *line, int family, int proto, uint16_t port,
			     struct np_local_socket *s);
/* Find the process owning each socket inode (scans /proc/PID/fd). */
void np_local_find_owners(struct np_local_result *r);

#endif
