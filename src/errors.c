/* Error classification: what an errno means for a connection attempt, in words. */
#include <config.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "errors.h"

static const char *const state_names[] = {
	[NP_STATE_OPEN] = "open",
	[NP_STATE_CLOSED] = "closed",
	[NP_STATE_FILTERED] = "filtered",
	[NP_STATE_UNREACHABLE] = "unreachable",
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
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
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
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
}

enum np_probe_state np_tcp_classify(int errnum, const char *endpoint,
				    double timeout_ms, struct np_error *e)
{
	char secs[32];

	switch (errnum) {
	case ECONNREFUSED:
		set_errno(e, errnum, "connection refused: nothing listens on %s%s", endpoint,
			  " (the host answered with a reset)");
		return NP_STATE_CLOSED;
	case ETIMEDOUT:
		snprintf(secs, sizeof(secs), "%.3f s", timeout_ms / 1000.0);
		set_errno(e, errnum, "no answer from %s within %s: a firewall may drop the packets",
			  endpoint, secs);
		return NP_STATE_FILTERED;
	case EHOSTUNREACH:
	case EHOSTDOWN:
		set_errno(e, errnum, "host unreachable: no route to %s%s", endpoint,
			  " (ICMP host unreachable or administratively prohibited)");
		return NP_STATE_UNREACHABLE;
	case ENETUNREACH:
	case ENETDOWN:
		set_errno(e, errnum, "network unreachable: this host has no route towards %s%s",
			  endpoint, "");
		return NP_STATE_UNREACHABLE;
	case EADDRNOTAVAIL:
		set_errno(e, errnum, "cannot connect to %s: no usable local address%s", endpoint,
			  " (is this address family configured here?)");
		return NP_STATE_UNREACHABLE;
	case EAFNOSUPPORT:
		set_errno(e, errnum, "cannot connect to %s: address family not supported%s",
			  endpoint, " by this kernel");
		return NP_STATE_ERROR;
	case EACCES:
	case EPERM:
		set_errno(e, errnum, "connect to %s was denied by a local firewall rule or policy%s",
			  endpoint, "");
		return NP_STATE_FILTERED;
	case EMFILE:
	case ENFILE:
		set_errno(e, errnum, "cannot open a socket for %s: too many open files%s", endpoint,
			  " (raise ulimit -n)");
		return NP_STATE_ERROR;
	default:
		set_errno(e, errnum, "connect to %s failed: %s", endpoint, strerror(errnum));
		return NP_STATE_ERROR;
	}
}
