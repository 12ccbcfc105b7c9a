/* Unix-domain sockets: the address is a file name (or, on Linux, an abstract
 * name), and connect() answers at once: ECONNREFUSED is a stale socket file that
 * nobody listens on, ENOENT no file, EACCES no permission, EPROTOTYPE a socket
 * of the other type (stream vs datagram). A file that is not a socket also says
 * ECONNREFUSED, so a refusal is checked with stat() before it is named. */
#include <config.h>
#include <errno.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include "probe.h"

static void unix_fail(struct np_probe *p, int errnum)
{
	const struct sockaddr_un *sun = (const struct sockaddr_un *)&p->res->sa;
	struct stat st;

	if (errnum == ECONNREFUSED && sun->sun_path[0] && stat(sun->sun_path, &st) == 0 &&
	    !S_ISSOCK(st.st_mode))
		errnum = ENOTSOCK;
	np_probe_fail(p, errnum);
}

/* A datagram peer can only answer a bound socket: bind to an autobind
 * (abstract, kernel-chosen) name first when an answer is expected. */
static int autobind(int fd)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	return bind(fd, (struct sockaddr *)&sun, sizeof(sa_family_t));
}

static void unix_start(struct np_probe *p)
{
	const struct sockaddr *sa = (const struct sockaddr *)&p->res->sa;

	if (np_probe_socket(p) < 0)
		return;
	if (p->tp->socktype == SOCK_DGRAM && p->opts->expect && autobind(p->fd) < 0) {
		np_probe_fail(p, errno);
		return;
	}
	if (connect(p->fd, sa, p->res->salen) < 0) {
		if (errno == EAGAIN) {	/* listen backlog full: wait like TCP */
			np_probe_watch(p, NP_EV_WRITE);
			return;
		}
		unix_fail(p, errno);
		return;
	}
	np_exchange_begin(p);
}

static void unix_on_ready(struct np_probe *p, uint32_t events)
{
	if (p->phase == NP_PHASE_EXCHANGE) {
		np_exchange_on_ready(p, events);
		return;
	}
	/* The backlog had room again: try once more. */
	if (connect(p->fd, (const struct sockaddr *)&p->res->sa, p->res->salen) < 0 &&
	    errno != EISCONN) {
		if (errno != EAGAIN)
			unix_fail(p, errno);
		return;
	}
	np_exchange_begin(p);
}

static void unix_on_timeout(struct np_probe *p)
{
	if (p->phase == NP_PHASE_EXCHANGE)
		np_exchange_on_timeout(p);
	else
		np_probe_fail(p, EAGAIN);
}

const struct np_transport np_transport_unix_stream = {
	.name = "unix",
	.socktype = SOCK_STREAM,
	.start = unix_start,
	.on_ready = unix_on_ready,
	.on_timeout = unix_on_timeout,
	.classify = np_unix_classify,
};

const struct np_transport np_transport_unix_dgram = {
	.name = "unix",
	.socktype = SOCK_DGRAM,
	.start = unix_start,
	.on_ready = unix_on_ready,
	.on_timeout = unix_on_timeout,
	.classify = np_unix_classify,
};
