/* libmicrohttpd on netprobe's event loop: the daemon runs in MHD_USE_EPOLL mode
 * without a thread of its own; its epoll descriptor is one more descriptor on
 * our loop, and MHD_run is called when that is readable or when the timeout
 * MHD_get_timeout asks for expires (a loop timer). Connections may be
 * suspended while their answer is computed on the loop (MHD_ALLOW_SUSPEND_RESUME):
 * one thread serves every request and every probe. */
#ifndef NP_HTTP_MHD_H
#define NP_HTTP_MHD_H

#include <stdbool.h>
#include <sys/socket.h>
#include <microhttpd.h>
#include "errors.h"
#include "loop.h"

struct np_http_opts {
	struct sockaddr_storage addr;	/* where to listen */
	socklen_t addrlen;
	unsigned conn_timeout_s;	/* a client silent this long is closed */
	unsigned max_conns;		/* connections at once; more are refused */
	size_t conn_memory;		/* per connection: bounds the request line and headers */
	MHD_AccessHandlerCallback handler;
	MHD_RequestCompletedCallback completed;
	MHD_NotifyConnectionCallback notify;
	void *cls;			/* handed to the three callbacks */
};

struct np_http {
	struct MHD_Daemon *daemon;
	struct np_loop *loop;
	int listen_fd;
	struct np_io io;		/* MHD's epoll descriptor */
	struct np_timer timer;		/* MHD_get_timeout's deadline, or a kick */
};

/* Bind, listen and start the daemon on loop. -1 with err (err.errnum set for
 * a bind or listen failure: EADDRINUSE, EACCES). */
int np_http_start(struct np_http *h, struct np_loop *loop, const struct np_http_opts *o,
		  struct np_error *err);
/* Run MHD soon (on the loop's next turn): after MHD_resume_connection, as
 * libmicrohttpd asks of an application that polls for it. */
void np_http_kick(struct np_http *h);
/* Accept no more connections (the listening socket is closed); those open
 * are still served. */
void np_http_quiesce(struct np_http *h);
/* Stop listening, close every connection, free the daemon. Every suspended
 * connection must have been resumed first (MHD's rule). */
void np_http_stop(struct np_http *h);

#endif
