/* Linux IP_RECVERR / IPV6_RECVERR: the ICMP message behind a socket error, and
 * the address of the host or router that sent it. */
#ifndef NP_RECVERR_H
#define NP_RECVERR_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

struct np_icmp {
	bool set;
	int version;		/* 4 or 6 */
	uint8_t type, code;
	int errnum;
	char from[INET6_ADDRSTRLEN];	/* the offender; "" when the kernel did not say */
};

/* Ask the kernel to queue ICMP errors on fd (family AF_INET or AF_INET6). */
int np_recverr_enable(int fd, int family);
/* Read one queued error; 0 when one was read into icmp, -1 when none. */
int np_recverr_read(int fd, struct np_icmp *icmp);
/* "port unreachable", "host unreachable", "administratively prohibited"... */
const char *np_icmp_describe(const struct np_icmp *icmp);
/* Administratively prohibited / filtered codes: a firewall answered. */
bool np_icmp_is_filtered(const struct np_icmp *icmp);

#endif
