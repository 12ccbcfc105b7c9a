/* Linux TCP_INFO: the kernel's own view of a connection (smoothed RTT). */
#ifndef NP_TCPINFO_H
#define NP_TCPINFO_H

/* Smoothed RTT and its variance in milliseconds; -1 when unavailable. */
int np_tcpinfo_rtt(int fd, double *rtt_ms, double *rttvar_ms);

#endif
