/* Error classification: what an errno means for a connection attempt, in words. */
#include <config.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "errors.h"
#include "escape.h"

static const char *const state_names[] = {
	[NP_STATE_OPEN] = "open",
	[NP_STATE_CLOSED] = "closed",
	[NP_STATE_FILTERED] = "filtered",
	[NP_STATE_UNREACHABLE] = "unreachable",
	[NP_STATE_OPEN_FILTERED] = "open_filtered",
	[NP_STATE_REFUSED] = "refused",
	[NP_STATE_MISSING] = "missing",
	[NP_STATE_DENIED] = "denied",
	[NP_STATE_WRONG_TYPE] = "wrong_type",
	[NP_STATE_NOT_SOCKET] = "not_socket",
	[NP_STATE_MISMATCH] = "mismatch",
	[NP_STATE_PEER_CLOSED] = "peer_closed",
	[NP_STATE_RESET] = "reset",
	[NP_STATE_ERROR] = "error",
};

const char *np_state_name(enum np_probe_state s)
{
	return state_names[s];
}

const char *np_errno_name(int errnum, char *buf, unsigned buflen)
{
#ifdef HAVE_STRERRORNAME_NP
	const char *name = strerrorname_np(errnum);

	if (name)
		return name;
#endif
	snprintf(buf, buflen, "E%d", errnum);
	return buf;
}

void np_error_clear(struct np_error *e)
{
	*e = (struct np_error){ 0 };
}

void np_error_set(struct np_error *e, const char *code, const char *fmt, ...)
{
	va_list ap;

	e->set = true;
	e->errnum = 0;
	snprintf(e->code, sizeof(e->code), "%s", code);
	va_start(ap, fmt);
	if (vsnprintf(e->message, sizeof(e->message), fmt, ap) >= (int)sizeof(e->message))
		np_utf8_trim_end(e->message);	/* cut between characters, not in one */
	va_end(ap);
}

static void set_errno(struct np_error *e, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_errno(struct np_error *e, int errnum, const char *fmt, ...)
{
	char buf[16];
	va_list ap;

	e->set = true;
	e->errnum = errnum;
	snprintf(e->code, sizeof(e->code), "%s", np_errno_name(errnum, buf, sizeof(buf)));
	va_start(ap, fmt);
	if (vsnprintf(e->message, sizeof(e->message), fmt, ap) >= (int)sizeof(e->message))
		np_utf8_trim_end(e->message);	/* cut between characters, not in one */
	va_end(ap);
}

enum np_probe_state np_tcp_classify(int errnum, const char *endpoint,
				    double timeout_ms, struct np_error *e)
{
	char secs[32];

	switch (errnum) {
	case ECONNREFUSED:
		set_errno(e, errnum, "connection refused: nothing listens on %s "
			  "(the host answered with a reset)", endpoint);
		return NP_STATE_CLOSED;
	case ETIMEDOUT:
		snprintf(secs, sizeof(secs), "%.3f s", timeout_ms / 1000.0);
		set_errno(e, errnum, "no answer from %s within %s: a firewall may drop the packets",
			  endpoint, secs);
		return NP_STATE_FILTERED;
	case EHOSTUNREACH:
	case EHOSTDOWN:
		set_errno(e, errnum, "host unreachable: no route to %s (ICMP host unreachable)",
			  endpoint);
		return NP_STATE_UNREACHABLE;
	case ENETUNREACH:
	case ENETDOWN:
		set_errno(e, errnum, "network unreachable: this host has no route towards %s",
			  endpoint);
		return NP_STATE_UNREACHABLE;
	case EADDRNOTAVAIL:
		set_errno(e, errnum, "cannot connect to %s: no usable local address "
			  "(is this address family configured here?)", endpoint);
		return NP_STATE_UNREACHABLE;
	case EAFNOSUPPORT:
		set_errno(e, errnum, "cannot connect to %s: address family not supported by "
			  "this kernel", endpoint);
		return NP_STATE_ERROR;
	case EACCES:	/* ICMPv6 administratively prohibited */
		return np_prohibited_classify(errnum, endpoint, e);
	case EPERM:
		set_errno(e, errnum, "connect to %s was blocked by a firewall rule on this host",
			  endpoint);
		return NP_STATE_FILTERED;
	case ECONNRESET:
		set_errno(e, errnum, "reset (ECONNRESET): %s accepted the connection and reset "
			  "it at once", endpoint);
		return NP_STATE_RESET;
	case EMFILE:
	case ENFILE:
		set_errno(e, errnum, "cannot open a socket for %s: too many open files "
			  "(raise ulimit -n)", endpoint);
		return NP_STATE_ERROR;
	default:
		set_errno(e, errnum, "connect to %s failed: %s", endpoint, strerror(errnum));
		return NP_STATE_ERROR;
	}
}

enum np_probe_state np_prohibited_classify(int errnum, const char *endpoint, struct np_error *e)
{
	set_errno(e, errnum, "%s is administratively prohibited: a firewall on the way rejects "
		  "it with ICMP", endpoint);
	return NP_STATE_FILTERED;
}

enum np_probe_state np_udp_classify(int errnum, const char *endpoint,
				    double timeout_ms, struct np_error *e)
{
	char secs[32];

	switch (errnum) {
	case ECONNREFUSED:
		set_errno(e, errnum, "ICMP port unreachable: nothing listens on %s", endpoint);
		return NP_STATE_CLOSED;
	case ETIMEDOUT:
		snprintf(secs, sizeof(secs), "%.3f s", timeout_ms / 1000.0);
		set_errno(e, errnum, "no reply from %s within %s: open or filtered, datagrams "
			  "are lost unnoticed, so silence proves nothing", endpoint, secs);
		return NP_STATE_OPEN_FILTERED;
	default:
		return np_tcp_classify(errnum, endpoint, timeout_ms, e);
	}
}

enum np_probe_state np_unix_classify(int errnum, const char *endpoint,
				     double timeout_ms, struct np_error *e)
{
	switch (errnum) {
	case ECONNREFUSED:
		if (endpoint[0] == '@')	/* abstract: no file, the name lives with its socket */
			set_errno(e, errnum, "nothing listens on the abstract name %s (no socket "
				  "bound to it, or bound without listen())", endpoint);
		else
			set_errno(e, errnum, "%s is a socket file nobody listens on (a stale socket "
				  "left by a server that exited?)", endpoint);
		return NP_STATE_REFUSED;
	case ENOENT:
		set_errno(e, errnum, "%s does not exist: is the server running, is the path "
			  "right?", endpoint);
		return NP_STATE_MISSING;
	case EACCES:
	case EPERM:
		set_errno(e, errnum, "permission denied on %s: connecting needs write permission "
			  "on the socket file and search permission on its folders", endpoint);
		return NP_STATE_DENIED;
	case EPROTOTYPE:
		set_errno(e, errnum, "%s is a socket of the other type: stream versus datagram "
			  "(try %s)", endpoint, "the other of --tcp / --udp");
		return NP_STATE_WRONG_TYPE;
	case ENOTSOCK:
		set_errno(e, errnum, "%s exists but is not a socket", endpoint);
		return NP_STATE_NOT_SOCKET;
	case ENOTDIR:
		set_errno(e, errnum, "a folder on the way to %s is a file", endpoint);
		return NP_STATE_MISSING;
	case EAGAIN:
		set_errno(e, errnum, "%s: the server's accept queue is full (listen backlog)",
			  endpoint);
		return NP_STATE_FILTERED;
	default:
		return np_tcp_classify(errnum, endpoint, timeout_ms, e);
	}
}

enum np_probe_state np_exchange_classify(int errnum, const char *endpoint, struct np_error *e)
{
	switch (errnum) {
	case EPIPE:
		set_errno(e, errnum, "peer closed (EPIPE): %s closed the connection before we "
			  "finished sending", endpoint);
		return NP_STATE_PEER_CLOSED;
	case ECONNRESET:
		set_errno(e, errnum, "reset (ECONNRESET): %s aborted the connection", endpoint);
		return NP_STATE_RESET;
	default:
		set_errno(e, errnum, "talking to %s failed: %s", endpoint, strerror(errnum));
		return NP_STATE_ERROR;
	}
}
