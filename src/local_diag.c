/* Linux sock_diag netlink (what ss uses): a dump of every TCP listener and every
 * UDP socket, with the bound address and device, owner uid, inode and IPV6_V6ONLY. */
#include <config.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>
#include "local.h"

#define TCP_LISTEN_STATE 10	/* include/net/tcp_states.h */

static int request(int fd, int family, int proto)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 req;
	} msg = {
		.nlh = { .nlmsg_len = sizeof(msg), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			 .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		.req = { .sdiag_family = (uint8_t)family, .sdiag_protocol = (uint8_t)proto,
			 /* INET_DIAG_SKV6ONLY comes with every IPv6 socket, unasked */
			 .idiag_states = proto == IPPROTO_TCP ? 1u << TCP_LISTEN_STATE : ~0u },
	};
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };

	return sendto(fd, &msg, sizeof(msg), 0, (struct sockaddr *)&nl, sizeof(nl)) < 0 ? -1 : 0;
}

static void add(struct np_local_result *r, const struct inet_diag_msg *m, size_t len, int proto)
{
	struct np_local_socket *s;
	const struct rtattr *a;
	size_t alen = len - NLMSG_ALIGN(sizeof(*m));

	if (r->nsocks == NP_LOCAL_MAX)
		return;
	if (proto == IPPROTO_UDP && m->id.idiag_dport)	/* connected: a client, not a server */
		return;
	s = &r->socks[r->nsocks++];
	memset(s, 0, sizeof(*s));
	s->proto = proto;
	s->v6only = -1;
	s->pid = -1;
	s->uid = m->idiag_uid;
	s->inode = m->idiag_inode;
	s->bound_if = m->id.idiag_if;	/* sk_bound_dev_if: a link-local zone, SO_BINDTODEVICE */
	s->addr.ss_family = m->idiag_family;
	if (m->idiag_family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&s->addr;

		in->sin_port = m->id.idiag_sport;
		memcpy(&in->sin_addr, m->id.idiag_src, 4);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&s->addr;

		in6->sin6_port = m->id.idiag_sport;
		in6->sin6_scope_id = m->id.idiag_if;
		memcpy(&in6->sin6_addr, m->id.idiag_src, 16);
	}
	for (a = (const struct rtattr *)(m + 1); RTA_OK(a, alen); a = RTA_NEXT(a, alen))
		if (a->rta_type == INET_DIAG_SKV6ONLY && RTA_PAYLOAD(a) >= 1) {
			s->v6only = *(const uint8_t *)RTA_DATA(a);
			s->v6only_source = NP_V6ONLY_SOCK_DIAG;
		}
}

/* Read the dump's replies until NLMSG_DONE. */
static int collect(int fd, uint16_t port, int proto, struct np_local_result *r)
{
	char buf[32768];

	for (int rounds = 0; rounds < 100000; rounds++) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		size_t len = n > 0 ? (size_t)n : 0;

		if (n <= 0)
			return -1;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, len);
		     h = NLMSG_NEXT(h, len)) {
			const struct inet_diag_msg *m = NLMSG_DATA(h);

			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR)
				return -1;
			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*m)))
				continue;
			if (ntohs(m->id.idiag_sport) == port)
				add(r, m, h->nlmsg_len - NLMSG_LENGTH(0), proto);
		}
	}
	return -1;
}

int np_local_from_diag(uint16_t port, struct np_local_result *r)
{
	static const int families[] = { AF_INET, AF_INET6 }, protos[] = { IPPROTO_TCP, IPPROTO_UDP };
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	int rc = 0;

	if (fd < 0)
		return -1;
	for (size_t p = 0; p < 2 && rc == 0; p++)
		for (size_t f = 0; f < 2 && rc == 0; f++)
			rc = request(fd, families[f], protos[p]) < 0 ? -1
				: collect(fd, port, protos[p], r);
	close(fd);
	return rc;
}
