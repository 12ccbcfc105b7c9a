/* TCP_INFO: tcpi_rtt is the kernel's smoothed round-trip time in microseconds,
 * measured from the handshake for a fresh connection. */
#include <config.h>
#include <netinet/in.h>
#include <stddef.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include "tcpinfo.h"

int np_tcpinfo_rtt(int fd, double *rtt_ms, double *rttvar_ms)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0 ||
	    len < offsetof(struct tcp_info, tcpi_rttvar) + sizeof(ti.tcpi_rttvar))
		return -1;
	*rtt_ms = ti.tcpi_rtt / 1000.0;
	*rttvar_ms = ti.tcpi_rttvar / 1000.0;
	return 0;
}
