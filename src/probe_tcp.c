/* TCP: the stream client workflow of socket(), connect(), talk, close(), made
 * non-blocking: connect() says EINPROGRESS, the socket turns writable when the
 * handshake ends, with an error flag when it failed, and then SO_ERROR says how
 * (ECONNREFUSED, EHOSTUNREACH).
 * Silence until the timer fires means something dropped the SYN: filtered.
 * IP_RECVERR keeps the ICMP message behind an error, and who sent it. */
#include <config.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "probe.h"
#include "recverr.h"
#include "tcpinfo.h"

static void connected(struct np_probe *p)
{
	if (np_probe_self_connected(p)) {
		np_probe_finish(p, NP_STATE_CLOSED);
		return;
	}
	np_tcpinfo_rtt(p->fd, &p->res->rtt_ms, &p->res->rttvar_ms);
	np_exchange_begin(p);
}

static void tcp_start(struct np_probe *p)
{
	const struct sockaddr *sa = (const struct sockaddr *)&p->res->sa;

	if (np_probe_socket(p) < 0)
		return;
	np_recverr_enable(p->fd, sa->sa_family);
	if (connect(p->fd, sa, p->res->salen) == 0) {
		np_probe_note_local(p);
		connected(p);	/* loopback can be that quick */
		return;
	}
	if (errno != EINPROGRESS) {
		np_probe_fail(p, errno);
		return;
	}
	np_probe_note_local(p);
	np_probe_watch(p, NP_EV_WRITE);
}

static void tcp_on_ready(struct np_probe *p, uint32_t events)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (p->phase == NP_PHASE_EXCHANGE) {
		np_exchange_on_ready(p, events);
		return;
	}
	/* Writable without an error or a hang-up: the handshake is done, and asking
	 * SO_ERROR would be one syscall more a connect (a tenth of them). */
	if ((events & NP_EV_WRITE) && !(events & NP_EV_ERROR)) {
		connected(p);
		return;
	}
	if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err) {
		np_recverr_read(p->fd, &p->res->icmp);
		np_probe_fail(p, err);
		return;
	}
	connected(p);
}

static void tcp_on_timeout(struct np_probe *p)
{
	if (p->phase == NP_PHASE_EXCHANGE)
		np_exchange_on_timeout(p);
	else
		np_probe_fail(p, ETIMEDOUT);
}

const struct np_transport np_transport_tcp = {
	.name = "tcp",
	.socktype = SOCK_STREAM,
	.start = tcp_start,
	.on_ready = tcp_on_ready,
	.on_timeout = tcp_on_timeout,
	.classify = np_tcp_classify,
};
