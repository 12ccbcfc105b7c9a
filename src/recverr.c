/* IP_RECVERR: with it, the kernel keeps each ICMP error it matches to our socket
 * in an error queue, with type, code and the sender (SO_EE_OFFENDER). Without it,
 * a UDP socket learns only an errno, and not who sent it. */
#include <config.h>
#include <arpa/inet.h>
#include <errno.h>
#include <linux/errqueue.h>
#include <netinet/icmp6.h>
#include <netinet/ip_icmp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include "recverr.h"
#include "sockaddr.h"

int np_recverr_enable(int fd, int family)
{
	int on = 1;

	if (family == AF_INET)
		return setsockopt(fd, IPPROTO_IP, IP_RECVERR, &on, sizeof(on));
	if (family == AF_INET6)
		return setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &on, sizeof(on));
	return -1;
}

int np_recverr_read(int fd, struct np_icmp *icmp)
{
	char data[512], control[512];
	struct iovec iov = { data, sizeof(data) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = control, .msg_controllen = sizeof(control) };

	if (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
		return -1;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		const struct sock_extended_err *ee;
		const struct sockaddr *off;

		if (!((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR) ||
		      (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR)))
			continue;
		ee = (const struct sock_extended_err *)CMSG_DATA(c);
		if (ee->ee_origin != SO_EE_ORIGIN_ICMP && ee->ee_origin != SO_EE_ORIGIN_ICMP6)
			continue;
		*icmp = (struct np_icmp){ .set = true, .type = ee->ee_type, .code = ee->ee_code,
					  .errnum = (int)ee->ee_errno,
					  .version = ee->ee_origin == SO_EE_ORIGIN_ICMP ? 4 : 6 };
		off = SO_EE_OFFENDER(ee);
		if (off->sa_family == AF_INET || off->sa_family == AF_INET6)
			np_sockaddr_address(off, icmp->from, sizeof(icmp->from));
		return 0;
	}
	return -1;
}

const char *np_icmp_describe(const struct np_icmp *icmp)
{
	if (icmp->version == 4 && icmp->type == ICMP_DEST_UNREACH) {
		switch (icmp->code) {
		case ICMP_NET_UNREACH: return "network unreachable";
		case ICMP_HOST_UNREACH: return "host unreachable";
		case ICMP_PROT_UNREACH: return "protocol unreachable";
		case ICMP_PORT_UNREACH: return "port unreachable";
		case ICMP_NET_ANO: return "network administratively prohibited";
		case ICMP_HOST_ANO: return "host administratively prohibited";
		case ICMP_PKT_FILTERED: return "administratively prohibited";
		default: return "destination unreachable";
		}
	}
	if (icmp->version == 4 && icmp->type == ICMP_TIME_EXCEEDED)
		return "time exceeded";
	if (icmp->version == 6 && icmp->type == ICMP6_DST_UNREACH) {
		switch (icmp->code) {
		case ICMP6_DST_UNREACH_NOROUTE: return "no route to destination";
		case ICMP6_DST_UNREACH_ADMIN: return "administratively prohibited";
		case ICMP6_DST_UNREACH_ADDR: return "address unreachable";
		case ICMP6_DST_UNREACH_NOPORT: return "port unreachable";
		case 5: return "source address failed policy";
		case 6: return "reject route";
		default: return "destination unreachable";
		}
	}
	if (icmp->version == 6 && icmp->type == ICMP6_TIME_EXCEEDED)
		return "time exceeded";
	return "ICMP error";
}

bool np_icmp_is_filtered(const struct np_icmp *icmp)
{
	if (icmp->version == 4)
		return icmp->type == ICMP_DEST_UNREACH &&
		       (icmp->code == ICMP_NET_ANO || icmp->code == ICMP_HOST_ANO ||
			icmp->code == ICMP_PKT_FILTERED);
	return icmp->type == ICMP6_DST_UNREACH &&
	       (icmp->code == ICMP6_DST_UNREACH_ADMIN || icmp->code == 5 || icmp->code == 6);
}
