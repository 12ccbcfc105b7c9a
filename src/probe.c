/* What every transport shares: the socket's lifetime, the timer, the outcome. */
#include <config.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "clock.h"
#include "probe.h"

static void on_io(void *arg, uint32_t events)
{
	struct np_probe *p = arg;

	p->tp->on_ready(p, events);
}

static void on_timer(void *arg)
{
	struct np_probe *p = arg;

	p->tp->on_timeout(p);
}

void np_probe_init(struct np_probe *p, const struct np_transport *tp, struct np_loop *loop,
		   struct np_probe_result *res, const struct np_probe_opts *opts,
		   np_probe_done done, void *arg)
{
	*p = (struct np_probe){ .tp = tp, .opts = opts, .loop = loop, .res = res, .done = done,
				.arg = arg, .fd = -1 };
	np_io_init(&p->io, -1, on_io, p);
	np_timer_init(&p->timer, on_timer, p);
	res->proto = tp->name;
	res->socktype = tp->socktype;
	res->rtt_ms = res->rttvar_ms = -1;
	res->xchg.expect = opts->expect;
}

void np_probe_begin(struct np_probe *p)
{
	np_loop_hold(p->loop);
	p->t_start = p->t_phase = np_now_ms();
	np_timer_arm(p->loop, &p->timer, p->t_start + p->opts->timeout_ms);
	p->tp->start(p);
}

void np_probe_start(struct np_probe *p, const struct np_transport *tp, struct np_loop *loop,
		    struct np_probe_result *res, const struct np_probe_opts *opts,
		    np_probe_done done, void *arg)
{
	np_probe_init(p, tp, loop, res, opts, done, arg);
	np_probe_begin(p);
}

void np_probe_endpoint(const struct np_probe *p, char *buf, size_t len)
{
	np_sockaddr_show((const struct sockaddr *)&p->res->sa, p->res->salen, NP_SHOW_ENDPOINT,
			 NULL, buf, len);
}

int np_probe_socket(struct np_probe *p)
{
	p->fd = socket(p->res->sa.ss_family, p->tp->socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (p->fd < 0) {
		np_probe_fail(p, errno);
		return -1;
	}
	p->io.fd = p->fd;
	return 0;
}

void np_probe_note_local(struct np_probe *p)
{
	socklen_t len = sizeof(p->res->local);

	/* Right after connect(): a failed TCP connect gives its port back. */
	if (getsockname(p->fd, (struct sockaddr *)&p->res->local, &len) < 0 ||
	    p->res->local.ss_family == AF_UNIX)
		p->res->local.ss_family = 0;
}

bool np_probe_self_connected(struct np_probe *p)
{
	const struct sockaddr *l = (const struct sockaddr *)&p->res->local;
	const struct sockaddr *r = (const struct sockaddr *)&p->res->sa;
	char endpoint[NP_ENDPOINT_LEN];

	if (l->sa_family != r->sa_family || np_sockaddr_port(l) != np_sockaddr_port(r) ||
	    (l->sa_family == AF_INET
	     ? memcmp(&((const struct sockaddr_in *)l)->sin_addr,
		      &((const struct sockaddr_in *)r)->sin_addr, 4)
	     : memcmp(&((const struct sockaddr_in6 *)l)->sin6_addr,
		      &((const struct sockaddr_in6 *)r)->sin6_addr, 16)))
		return false;
	np_probe_endpoint(p, endpoint, sizeof(endpoint));
	np_error_set(&p->res->err, "SELF", "nothing listens on %s: the kernel gave our own socket "
		     "that very port (it is in the ephemeral range), so we reached ourselves", endpoint);
	return true;
}

int np_probe_watch(struct np_probe *p, uint32_t events)
{
	if (np_io_set(p->loop, &p->io, events) == 0)
		return 0;
	np_probe_fail(p, errno);
	return -1;
}

/* --reset: a TCP connection that was made ends with a reset, as nmap -sT ends
 * its own. SO_LINGER with a zero time makes close() abort it: a RST instead of
 * a FIN, and no TIME_WAIT socket left on this host for a minute. */
static void reset_on_close(const struct np_probe *p)
{
	static const struct linger abort_now = { .l_onoff = 1, .l_linger = 0 };

	if (p->opts->reset && p->tp == &np_transport_tcp && p->phase == NP_PHASE_EXCHANGE)
		(void)setsockopt(p->fd, SOL_SOCKET, SO_LINGER, &abort_now, sizeof(abort_now));
}

/* Let go of what the probe holds: its timer, its buffer, its socket. */
static void let_go(struct np_probe *p)
{
	np_timer_cancel(p->loop, &p->timer);
	free(p->buf);
	p->buf = NULL;
	if (p->fd >= 0) {
		np_io_closing(&p->io);	/* our socket alone: close takes it off epoll */
		reset_on_close(p);
		close(p->fd);
		p->fd = -1;
	}
}

void np_probe_finish(struct np_probe *p, enum np_probe_state state)
{
	struct np_probe_result *r = p->res;

	if (p->phase == NP_PHASE_CONNECT)
		r->time_ms = np_now_ms() - p->t_start;
	r->state = state;
	let_go(p);
	np_loop_release(p->loop);
	p->done(p, p->arg);
}

void np_probe_abandon(struct np_probe *p)
{
	let_go(p);
}

void np_probe_note_icmp(struct np_probe_result *r)
{
	size_t n = strlen(r->err.message);

	snprintf(r->err.message + n, sizeof(r->err.message) - n, " [ICMPv%d %s, type %u code %u%s%s]",
		 r->icmp.version, np_icmp_describe(&r->icmp), r->icmp.type, r->icmp.code,
		 r->icmp.from[0] ? ", from " : "", r->icmp.from);
}

void np_probe_fail(struct np_probe *p, int errnum)
{
	char endpoint[NP_ENDPOINT_LEN + 64];
	enum np_probe_state s;

	np_probe_endpoint(p, endpoint, sizeof(endpoint));
	if (p->res->icmp.set && np_icmp_is_filtered(&p->res->icmp))
		s = np_prohibited_classify(errnum, endpoint, &p->res->err);
	else if (p->phase == NP_PHASE_EXCHANGE)
		s = np_exchange_classify(errnum, endpoint, &p->res->err);
	else
		s = p->tp->classify(errnum, endpoint, p->opts->timeout_ms, &p->res->err);
	if (p->res->icmp.set)
		np_probe_note_icmp(p->res);
	np_probe_finish(p, s);
}
