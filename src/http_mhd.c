/* libmicrohttpd on the loop: see http_mhd.h. */
#include <config.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include "clock.h"
#include "http_mhd.h"
#include "sockaddr.h"

/* After each run MHD may want to be called again at a time of its own (a
 * connection's timeout, work it left for later): arm the timer for it. */
static void rearm(struct np_http *h)
{
	MHD_UNSIGNED_LONG_LONG ms;

	if (MHD_get_timeout(h->daemon, &ms) == MHD_YES)
		np_timer_arm(h->loop, &h->timer, np_now_ms() + (double)ms);
	else
		np_timer_cancel(h->loop, &h->timer);
}

static void run(struct np_http *h)
{
	MHD_run(h->daemon);
	if (h->daemon)		/* a callback may not stop us, but be safe */
		rearm(h);
}

static void on_epoll(void *arg, uint32_t events)
{
	(void)events;
	run(arg);
}

static void on_timer(void *arg)
{
	run(arg);
}

/* A system call failed: err says what, with the errno and its name. */
static void sys_error(struct np_error *err, int errnum, const char *what, const char *ep)
{
	char name[32];

	np_error_set(err, np_errno_name(errnum, name, sizeof(name)), "cannot %s %s: %s (%s)",
		     what, ep, strerror(errnum), name);
	err->errnum = errnum;
}

static int listen_socket(const struct np_http_opts *o, struct np_error *err)
{
	char ep[NP_ENDPOINT_LEN];
	int one = 1;
	int fd = socket(o->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	np_sockaddr_endpoint((const struct sockaddr *)&o->addr, ep, sizeof(ep));
	if (fd < 0) {
		sys_error(err, errno, "open a socket to listen on", ep);
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (o->addr.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&o->addr, o->addrlen) < 0 || listen(fd, 128) < 0) {
		sys_error(err, errno, "listen on", ep);
		close(fd);
		return -1;
	}
	return fd;
}

int np_http_start(struct np_http *h, struct np_loop *loop, const struct np_http_opts *o,
		  struct np_error *err)
{
	const union MHD_DaemonInfo *info;

	*h = (struct np_http){ .loop = loop };
	np_io_init(&h->io, -1, on_epoll, h);
	np_timer_init(&h->timer, on_timer, h);
	h->listen_fd = listen_socket(o, err);
	if (h->listen_fd < 0)
		return -1;
	h->daemon = MHD_start_daemon(
		MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | (o->addr.ss_family == AF_INET6
							    ? MHD_USE_IPv6 : 0),
		0, NULL, NULL, o->handler, o->cls,
		MHD_OPTION_LISTEN_SOCKET, (MHD_socket)h->listen_fd,
		MHD_OPTION_CONNECTION_TIMEOUT, o->conn_timeout_s,
		MHD_OPTION_CONNECTION_LIMIT, o->max_conns,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, o->conn_memory,
		MHD_OPTION_NOTIFY_COMPLETED, o->completed, o->cls,
		MHD_OPTION_NOTIFY_CONNECTION, o->notify, o->cls,
		MHD_OPTION_END);
	info = h->daemon ? MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_EPOLL_FD) : NULL;
	if (!info) {
		np_error_set(err, "HTTP", "libmicrohttpd could not start its daemon");
		err->errnum = 0;
		if (h->daemon)
			np_http_stop(h);	/* the listening socket too */
		else
			close(h->listen_fd);
		return -1;
	}
	h->io.fd = info->epoll_fd;
	if (np_io_set(loop, &h->io, NP_EV_READ) < 0) {
		sys_error(err, errno, "watch", "libmicrohttpd's epoll descriptor");
		err->errnum = 0;	/* not the address's fault: exit 3 */
		np_http_stop(h);
		return -1;
	}
	rearm(h);
	return 0;
}

void np_http_kick(struct np_http *h)
{
	np_timer_arm(h->loop, &h->timer, 0);	/* due at once */
}

void np_http_quiesce(struct np_http *h)
{
	/* MHD hands the listening socket back (once): it is ours to close */
	MHD_socket fd = h->daemon ? MHD_quiesce_daemon(h->daemon) : MHD_INVALID_SOCKET;

	if (fd != MHD_INVALID_SOCKET)
		close(fd);
}

void np_http_stop(struct np_http *h)
{
	if (!h->daemon)
		return;
	np_http_quiesce(h);
	np_io_set(h->loop, &h->io, 0);
	np_timer_cancel(h->loop, &h->timer);
	MHD_stop_daemon(h->daemon);
	h->daemon = NULL;
}
