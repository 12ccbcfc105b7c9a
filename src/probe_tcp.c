/* TCP: the stream client workflow of socket(), connect(), close(), made
 * non-blocking: connect() says EINPROGRESS, the socket turns writable when the
 * handshake ends, and SO_ERROR says how it ended (0, ECONNREFUSED, EHOSTUNREACH...).
 * Silence until the timer fires means something dropped the SYN: filtered. */
#include <config.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "probe.h"

static int tcp_start(struct np_probe *p)
{
	const struct sockaddr *sa = (const struct sockaddr *)&p->res->sa;

	p->fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (p->fd < 0) {
		np_probe_finish(p, NP_STATE_ERROR, errno);
		return 0;
	}
	if (connect(p->fd, sa, p->res->salen) == 0) {
		np_probe_finish(p, NP_STATE_OPEN, 0);	/* loopback can be that quick */
		return 0;
	}
	if (errno != EINPROGRESS) {
		np_probe_finish(p, NP_STATE_ERROR, errno);
		return 0;
	}
	p->io.fd = p->fd;
	if (np_io_set(p->loop, &p->io, NP_EV_WRITE) < 0)
		np_probe_finish(p, NP_STATE_ERROR, errno);
	return 0;
}

static void tcp_on_ready(struct np_probe *p, uint32_t events)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	np_probe_finish(p, err ? NP_STATE_ERROR : NP_STATE_OPEN, err);
}

static void tcp_on_timeout(struct np_probe *p)
{
	np_probe_finish(p, NP_STATE_FILTERED, ETIMEDOUT);
}

const struct np_transport np_transport_tcp = {
	.name = "tcp",
	.socktype = SOCK_STREAM,
	.proto = IPPROTO_TCP,
	.start = tcp_start,
	.on_ready = tcp_on_ready,
	.on_timeout = tcp_on_timeout,
	.classify = np_tcp_classify,
};
