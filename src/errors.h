/* Errors as data: a symbolic code (ECONNREFUSED, NXDOMAIN...), the errno when there
 * is one, and a message a person can act on. Also the errno -> probe state map. */
#ifndef NP_ERRORS_H
#define NP_ERRORS_H

#include <stdbool.h>

struct np_error {
	bool set;
	int errnum;		/* 0 when the error is not a system error */
	char code[32];
	char message[256];
};

/* nmap's vocabulary where it fits; the Unix-domain and conversation states are ours. */
enum np_probe_state {
	NP_STATE_OPEN,
	NP_STATE_CLOSED,		/* TCP RST, or ICMP port unreachable for UDP */
	NP_STATE_FILTERED,		/* TCP silence; ICMP administratively prohibited */
	NP_STATE_UNREACHABLE,		/* ICMP host/network unreachable */
	NP_STATE_OPEN_FILTERED,		/* UDP silence: proves nothing */
	NP_STATE_REFUSED,		/* Unix: a socket file nobody listens on */
	NP_STATE_MISSING,		/* Unix: no such file */
	NP_STATE_DENIED,		/* Unix: permission denied */
	NP_STATE_WRONG_TYPE,		/* Unix: stream vs datagram mismatch */
	NP_STATE_NOT_SOCKET,		/* Unix: the path is not a socket */
	NP_STATE_MISMATCH,		/* connected, but --expect was not answered */
	NP_STATE_PEER_CLOSED,		/* connected, then the peer closed (EOF, EPIPE) */
	NP_STATE_RESET,			/* connected, then reset (ECONNRESET) */
	NP_STATE_ERROR,
};

const char *np_state_name(enum np_probe_state s);

/* Symbolic name of an errno value ("ECONNREFUSED"), "E<number>" if unknown. */
const char *np_errno_name(int errnum, char *buf, unsigned buflen);

void np_error_clear(struct np_error *e);
void np_error_set(struct np_error *e, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A failed TCP connect to endpoint ("127.0.0.1:80", "[::1]:80"): its state, and e
 * filled with the errno's name and a message saying what it means for this peer. */
enum np_probe_state np_tcp_classify(int errnum, const char *endpoint,
				    double timeout_ms, struct np_error *e);
/* The same for UDP, where silence is open_filtered and RST does not exist. */
enum np_probe_state np_udp_classify(int errnum, const char *endpoint,
				    double timeout_ms, struct np_error *e);
/* The same for a Unix-domain path (endpoint is the path). */
enum np_probe_state np_unix_classify(int errnum, const char *endpoint,
				     double timeout_ms, struct np_error *e);
/* An ICMP administratively prohibited answer (whatever errno the kernel made of
 * it: EHOSTUNREACH for ICMPv4, EACCES for ICMPv6): a firewall rejects, so the
 * state is filtered, as nmap says, for every transport. */
enum np_probe_state np_prohibited_classify(int errnum, const char *endpoint, struct np_error *e);
/* A connection that opened, then broke while talking (EPIPE, ECONNRESET). */
enum np_probe_state np_exchange_classify(int errnum, const char *endpoint, struct np_error *e);

#endif
