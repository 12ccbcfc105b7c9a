/* The server: every listening socket and every client on the one event loop.
 * A client that vanishes costs us an EPIPE or ECONNRESET, reported, never a
 * SIGPIPE death; a client that floods is cut off at max_bytes, a silent one at
 * idle_ms, and more clients than max_clients are accepted and closed at once.
 * Out of descriptors (EMFILE), waiting clients are accepted on a spare one and
 * closed at once: a listener that stays readable must not be left unaccepted. */
#include <config.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "clock.h"
#include "listen.h"
#include "loop.h"
#include "signals.h"
#include "sockaddr.h"

struct server;

/* Out of descriptors with no spare to free: stop accepting this long. */
#define NP_LISTEN_PAUSE_MS 100.0

struct listener {
	struct np_io io;
	struct np_timer resume;	/* accepting paused at the fd limit: resume then */
	struct server *srv;
	int fd;
	struct sockaddr_storage addr;
	socklen_t len;
	bool created_path;	/* a Unix path we bound: remove it at the end */
};

struct client {
	struct np_io io;
	struct np_timer idle;
	struct server *srv;
	struct listener *l;
	int fd;
	unsigned long id;
	struct sockaddr_storage peer;
	socklen_t peer_len;
	size_t in, out;
	double t_start;
	uint8_t buf[16384];	/* received, not yet echoed */
	size_t len, off;
	struct client *next;
	bool dead;
};

struct server {
	const struct np_listen_opts *o;
	struct np_loop loop;
	sigset_t wait_mask;
	struct listener l[NP_LISTEN_MAX_BINDS];
	size_t nl;
	struct client *clients;
	int spare_fd;		/* kept open to be closed at EMFILE: room for one accept */
	int fd_limited;		/* since the last accept that worked: 1 at the fd limit,
				 * 2 paused there too (no spare helped) */
	unsigned long next_id, active, done, rejected, datagrams;
	size_t total_in, total_out;
	bool stopping;		/* the loop is released: no --count, no more holds */
	bool mute;		/* emit failed: the output is gone, say nothing more */
	np_listen_emit emit;
	void *arg;
	double t0;
};

static struct np_listen_event event(const struct server *s, enum np_listen_kind kind)
{
	return (struct np_listen_event){ .kind = kind, .t_ms = np_now_ms() - s->t0, .v6only = -1,
					 .peer_pid = -1, .peer_uid = -1 };
}

/* Release the loop's one hold: it ends after this batch of events. */
static void stop_serving(struct server *s)
{
	if (!s->stopping)
		np_loop_release(&s->loop);
	s->stopping = true;
}

static void count_done(struct server *s)
{
	if (!s->stopping && s->o->count && ++s->done == s->o->count)
		stop_serving(s);
}

/* A reader that went away stops the server: serving on would lose every event. */
static void emit_event(struct server *s, const struct np_listen_event *ev)
{
	if (s->mute)
		return;
	if (s->emit(s->arg, ev) < 0) {
		s->mute = true;
		stop_serving(s);
	}
}

/* ---- clients (stream) ------------------------------------------------------ */

static void client_close(struct client *c, enum np_listen_reason reason, int errnum)
{
	struct server *s = c->srv;
	struct np_listen_event ev = event(s, NP_LE_CLOSED);
	char buf[16];

	if (c->dead)
		return;
	ev.id = c->id;
	ev.local = (struct sockaddr *)&c->l->addr;
	ev.local_len = c->l->len;
	ev.peer = (struct sockaddr *)&c->peer;
	ev.peer_len = c->peer_len;
	ev.socktype = SOCK_STREAM;
	ev.bytes_in = c->in;
	ev.bytes_out = c->out;
	ev.duration_ms = np_now_ms() - c->t_start;
	ev.reason = reason;
	if (errnum) {
		np_error_set(&ev.err, np_errno_name(errnum, buf, sizeof(buf)), "%s", strerror(errnum));
		ev.err.errnum = errnum;
	}
	emit_event(s, &ev);
	s->total_in += c->in;
	s->total_out += c->out;
	np_io_set(&s->loop, &c->io, 0);
	np_timer_cancel(&s->loop, &c->idle);
	close(c->fd);
	c->dead = true;		/* freed after this batch of events */
	s->active--;
	count_done(s);
}

static void free_dead(void *arg)
{
	struct server *s = arg;

	for (struct client **pp = &s->clients; *pp;) {
		struct client *c = *pp;

		if (c->dead) {
			*pp = c->next;
			free(c);
		} else {
			pp = &c->next;
		}
	}
}

static void touch(struct client *c)
{
	np_timer_arm(&c->srv->loop, &c->idle, np_now_ms() + c->srv->o->idle_ms);
}

static void on_idle(void *arg)
{
	client_close(arg, NP_LR_IDLE, 0);
}

/* Write what is buffered; watch for writability while some is left. */
static void flush(struct client *c)
{
	while (c->off < c->len) {
		ssize_t n = send(c->fd, c->buf + c->off, c->len - c->off, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EAGAIN) {
				np_io_set(&c->srv->loop, &c->io, NP_EV_WRITE);
				return;
			}
			client_close(c, errno == EPIPE ? NP_LR_EPIPE
				     : errno == ECONNRESET ? NP_LR_RESET : NP_LR_SEND_FAILED, errno);
			return;
		}
		c->off += (size_t)n;
		c->out += (size_t)n;
	}
	c->off = c->len = 0;
	np_io_set(&c->srv->loop, &c->io, NP_EV_READ);
}

static void client_read(struct client *c)
{
	const struct np_listen_opts *o = c->srv->o;
	ssize_t n = recv(c->fd, c->buf, sizeof(c->buf), 0);

	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			client_close(c, errno == ECONNRESET ? NP_LR_RESET : NP_LR_RECV_FAILED, errno);
		return;
	}
	if (n == 0) {
		client_close(c, NP_LR_PEER_CLOSED, 0);
		return;
	}
	touch(c);
	c->in += (size_t)n;
	if (c->in > o->max_bytes) {
		client_close(c, NP_LR_MAX_BYTES, 0);
		return;
	}
	if (o->reply)
		return;		/* the reply went out on accept; the rest is read and dropped */
	c->len = (size_t)n;
	c->off = 0;
	flush(c);
}

static void on_client(void *arg, uint32_t events)
{
	struct client *c = arg;

	if (c->dead)
		return;
	if (events & NP_EV_WRITE)
		flush(c);
	else
		client_read(c);
}

static void peer_creds(const struct client *c, struct np_listen_event *ev)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (c->l->addr.ss_family == AF_UNIX &&
	    getsockopt(c->fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
		ev->peer_pid = cred.pid;
		ev->peer_uid = cred.uid;
	}
}

/* The event of a stream client that accept() has just given. */
static struct np_listen_event client_event(struct server *s, enum np_listen_kind kind,
					   struct listener *l, const struct sockaddr_storage *peer,
					   socklen_t peer_len)
{
	struct np_listen_event ev = event(s, kind);

	ev.id = ++s->next_id;
	ev.local = (struct sockaddr *)&l->addr;
	ev.local_len = l->len;
	ev.peer = (const struct sockaddr *)peer;
	ev.peer_len = peer_len;
	ev.socktype = SOCK_STREAM;
	return ev;
}

/* Accepted and closed at once: the client learns at once that it is not served. */
static void reject(struct server *s, struct np_listen_event *ev, int fd,
		   enum np_listen_reason reason)
{
	if (fd >= 0)
		close(fd);
	s->rejected++;
	ev->kind = NP_LE_REJECTED;
	ev->reason = reason;
	emit_event(s, ev);
}

static void on_resume(void *arg)
{
	struct listener *l = arg;

	np_io_set(&l->srv->loop, &l->io, NP_EV_READ);
}

static void fd_limit_event(struct server *s, struct listener *l, int errnum, bool paused)
{
	struct np_listen_event ev = event(s, NP_LE_FD_LIMIT);
	struct rlimit rl;
	char buf[16];

	ev.local = (struct sockaddr *)&l->addr;
	ev.local_len = l->len;
	ev.socktype = SOCK_STREAM;
	ev.clients = s->active;
	ev.fd_limit = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY
		? (long)rl.rlim_cur : -1;
	ev.paused = paused;
	ev.pause_ms = NP_LISTEN_PAUSE_MS;
	np_error_set(&ev.err, np_errno_name(errnum, buf, sizeof(buf)), "%s", strerror(errnum));
	ev.err.errnum = errnum;
	emit_event(s, &ev);
}

/* accept() failed with EMFILE or ENFILE while clients wait. The listener stays
 * readable, so leaving them there would spin the loop: free the spare
 * descriptor, accept one client on it and close it, take the spare back. With
 * no spare, or when the freed one went elsewhere (ENFILE), pause accepting. */
static void out_of_fds(struct listener *l, int errnum)
{
	struct server *s = l->srv;
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer);
	int fd = -1, again = errnum, state;

	if (s->spare_fd >= 0) {
		close(s->spare_fd);
		fd = accept4(l->fd, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC);
		again = fd < 0 ? errno : 0;
		if (fd >= 0)
			close(fd);
		s->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	}
	state = again == EMFILE || again == ENFILE ? 2 : 1;
	if (state > s->fd_limited)	/* once when it starts, once more if it pauses */
		fd_limit_event(s, l, errnum, state == 2);
	s->fd_limited = state;
	if (state == 2) {
		np_io_set(&s->loop, &l->io, 0);
		np_timer_arm(&s->loop, &l->resume, np_now_ms() + NP_LISTEN_PAUSE_MS);
	}
	if (fd >= 0) {
		struct np_listen_event ev = client_event(s, NP_LE_REJECTED, l, &peer, plen);

		reject(s, &ev, -1, errnum == EMFILE ? NP_LR_EMFILE : NP_LR_ENFILE);
	}
}

static void accept_one(struct listener *l)
{
	struct server *s = l->srv;
	struct np_listen_event ev;
	struct client *c = calloc(1, sizeof(*c));

	if (!c)
		return;
	c->peer_len = sizeof(c->peer);
	c->fd = accept4(l->fd, (struct sockaddr *)&c->peer, &c->peer_len,
			SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (c->fd < 0) {
		int errnum = errno;

		free(c);
		if (errnum == EMFILE || errnum == ENFILE)
			out_of_fds(l, errnum);
		return;	/* else EAGAIN, or a client that left before accept: nothing to do */
	}
	if (s->fd_limited && s->spare_fd < 0 && !s->o->udp)	/* spent at the limit */
		s->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	s->fd_limited = 0;
	c->srv = s;
	c->l = l;
	c->t_start = np_now_ms();
	ev = client_event(s, NP_LE_ACCEPTED, l, &c->peer, c->peer_len);
	c->id = ev.id;
	peer_creds(c, &ev);
	if (s->active >= s->o->max_clients) {
		reject(s, &ev, c->fd, NP_LR_MAX_CLIENTS);
		free(c);
		return;
	}
	emit_event(s, &ev);
	s->active++;
	c->next = s->clients;
	s->clients = c;
	np_io_init(&c->io, c->fd, on_client, c);
	np_timer_init(&c->idle, on_idle, c);
	touch(c);
	if (s->o->reply) {
		memcpy(c->buf, s->o->reply, s->o->reply_len);
		c->len = s->o->reply_len;
		flush(c);
	} else {
		np_io_set(&s->loop, &c->io, NP_EV_READ);
	}
}

/* ---- datagrams --------------------------------------------------------------- */

static void datagram_one(struct listener *l)
{
	struct server *s = l->srv;
	const struct np_listen_opts *o = s->o;
	uint8_t buf[65536];
	struct sockaddr_storage peer = { .ss_family = l->addr.ss_family };
	socklen_t plen = sizeof(peer);
	ssize_t n = recvfrom(l->fd, buf, sizeof(buf), 0, (struct sockaddr *)&peer, &plen);
	struct np_listen_event ev = event(s, NP_LE_DATAGRAM);

	if (n < 0)
		return;
	ev.id = ++s->datagrams;
	ev.local = (struct sockaddr *)&l->addr;
	ev.local_len = l->len;
	ev.peer = (struct sockaddr *)&peer;
	ev.peer_len = plen;
	ev.socktype = SOCK_DGRAM;
	ev.bytes_in = (size_t)n;
	/* An unbound Unix datagram sender has no address (plen 0 or 2) to answer to. */
	if (peer.ss_family != AF_UNIX || plen > sizeof(sa_family_t)) {
		const uint8_t *out = o->reply ? o->reply : buf;
		size_t len = o->reply ? o->reply_len : (size_t)n;

		if (sendto(l->fd, out, len, 0, (struct sockaddr *)&peer, plen) >= 0)
			ev.bytes_out = len;
	}
	s->total_in += ev.bytes_in;
	s->total_out += ev.bytes_out;
	emit_event(s, &ev);
	count_done(s);
}

static void on_listener(void *arg, uint32_t events)
{
	struct listener *l = arg;

	if (l->srv->o->udp)
		datagram_one(l);
	else
		accept_one(l);
}

/* ---- setup --------------------------------------------------------------------- */

static int fail(struct np_error *err, int errnum, const char *what, const struct sockaddr *sa,
		socklen_t len)
{
	char where[NP_ENDPOINT_LEN + 128], buf[16];
	const char *hint = "";

	if (sa->sa_family == AF_UNIX)
		np_sockaddr_unix_path(sa, len, where, sizeof(where));
	else
		np_sockaddr_endpoint(sa, where, sizeof(where));
	if (errnum == EADDRINUSE)
		hint = sa->sa_family == AF_UNIX ? ": a server already listens on that path"
			: ": another socket is bound there (netprobe local PORT tells which)";
	else if (errnum == EACCES && sa->sa_family != AF_UNIX)
		hint = ": ports below 1024 need root or CAP_NET_BIND_SERVICE";
	else if (errnum == EADDRNOTAVAIL)
		hint = ": that address is not on any interface of this host";
	np_error_set(err, np_errno_name(errnum, buf, sizeof(buf)), "%s %s: %s%s", what, where,
		     strerror(errnum), hint);
	err->errnum = errnum;
	return -1;
}

/* A path already there: remove it only if it is a socket nobody listens on. */
static int clear_stale_path(const struct sockaddr_un *sun, socklen_t len, bool *removed,
			    struct np_error *err)
{
	struct stat st;
	int probe, rc;

	if (sun->sun_path[0] == '\0' || lstat(sun->sun_path, &st) < 0)
		return 0;	/* abstract, or nothing there */
	if (!S_ISSOCK(st.st_mode)) {
		np_error_set(err, "EEXIST", "%s exists and is not a socket: not removing it",
			     sun->sun_path);
		return -1;
	}
	probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	rc = probe < 0 ? -1 : connect(probe, (const struct sockaddr *)sun, len);
	if (probe >= 0)
		close(probe);
	if (rc == 0)
		return fail(err, EADDRINUSE, "bind", (const struct sockaddr *)sun, len);
	if (errno == ECONNREFUSED || errno == EPROTOTYPE) {
		/* EPROTOTYPE: a datagram socket; a stale one looks the same, so ask it */
		if (errno == EPROTOTYPE) {
			probe = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
			rc = probe < 0 ? -1 : connect(probe, (const struct sockaddr *)sun, len);
			if (probe >= 0)
				close(probe);
			if (rc == 0)
				return fail(err, EADDRINUSE, "bind", (const struct sockaddr *)sun, len);
		}
		if (unlink(sun->sun_path) == 0)
			*removed = true;
	}
	return 0;
}

static int set_v6only(int fd, const struct sockaddr_in6 *sin6, int want)
{
	/* On :: the choice matters: 0 takes IPv4 too (as ::ffff:a.b.c.d). */
	int v = want >= 0 ? want
		: np_sockaddr_scope((const struct sockaddr *)sin6) == NP_SCOPE_WILDCARD ? 0 : 1;

	return setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v, sizeof(v));
}

static int open_listener(struct server *s, struct listener *l, struct sockaddr_storage *ss,
			 socklen_t len, struct np_error *err)
{
	const struct np_listen_opts *o = s->o;
	struct np_listen_event ev = event(s, NP_LE_LISTENING);
	int type = o->udp ? SOCK_DGRAM : SOCK_STREAM, on = 1;

	*l = (struct listener){ .srv = s, .addr = *ss, .len = len };
	if (ss->ss_family == AF_UNIX &&
	    clear_stale_path((struct sockaddr_un *)ss, len, &ev.removed_stale, err) < 0)
		return -1;
	l->fd = socket(ss->ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (l->fd < 0)
		return fail(err, errno, "socket for", (struct sockaddr *)ss, len);
	if (ss->ss_family != AF_UNIX && !o->udp)
		setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (ss->ss_family == AF_INET6 && set_v6only(l->fd, (struct sockaddr_in6 *)ss, o->v6only) < 0)
		return fail(err, errno, "IPV6_V6ONLY on", (struct sockaddr *)ss, len);
	if (bind(l->fd, (struct sockaddr *)ss, len) < 0)
		return fail(err, errno, "bind", (struct sockaddr *)ss, len);
	l->created_path = ss->ss_family == AF_UNIX && ((struct sockaddr_un *)ss)->sun_path[0];
	if (!o->udp && listen(l->fd, o->backlog) < 0)
		return fail(err, errno, "listen on", (struct sockaddr *)ss, len);
	if (ss->ss_family != AF_UNIX) {
		l->len = sizeof(l->addr);	/* port 0: the kernel's choice */
		getsockname(l->fd, (struct sockaddr *)&l->addr, &l->len);
		*ss = l->addr;
	}
	if (ss->ss_family == AF_INET6) {
		socklen_t vl = sizeof(ev.v6only);

		getsockopt(l->fd, IPPROTO_IPV6, IPV6_V6ONLY, &ev.v6only, &vl);
	}
	np_io_init(&l->io, l->fd, on_listener, l);
	np_timer_init(&l->resume, on_resume, l);
	np_io_set(&s->loop, &l->io, NP_EV_READ);
	ev.local = (struct sockaddr *)&l->addr;
	ev.local_len = l->len;
	ev.socktype = type;
	ev.backlog = o->udp ? 0 : o->backlog;
	emit_event(s, &ev);
	return 0;
}

/* Port 0 on several addresses: the first bind picks, the others follow it. */
static void follow_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (np_sockaddr_port((struct sockaddr *)ss) == 0)
		np_sockaddr_set_port(ss, port);
}

static void shutdown_all(struct server *s)
{
	s->stopping = true;	/* closing for the stop is not a --count client */
	for (struct client *c = s->clients; c; c = c->next)
		client_close(c, NP_LR_STOPPING, 0);
	free_dead(s);
	if (s->spare_fd >= 0)
		close(s->spare_fd);
	for (size_t i = 0; i < s->nl; i++) {
		struct listener *l = &s->l[i];

		np_io_set(&s->loop, &l->io, 0);
		np_timer_cancel(&s->loop, &l->resume);
		close(l->fd);
		if (l->created_path)
			unlink(((struct sockaddr_un *)&l->addr)->sun_path);
	}
}

int np_listen_run(const struct np_listen_opts *o, np_listen_emit emit, void *arg,
		  struct np_error *err)
{
	struct server s = { .o = o, .emit = emit, .arg = arg, .t0 = np_now_ms(), .spare_fd = -1 };
	struct sockaddr_storage binds[NP_LISTEN_MAX_BINDS];
	struct np_listen_event ev;
	int rc = 0;

	if (np_loop_init(&s.loop) < 0 || np_signals_catch_stop(&s.wait_mask) < 0)
		return fail(err, errno, "setting up the server for", (struct sockaddr *)&o->binds[0],
			    o->bind_lens[0]);
	s.loop.stop = &np_stop_signal;
	s.loop.wait_mask = &s.wait_mask;
	s.loop.after_batch = free_dead;
	s.loop.after_batch_arg = &s;
	np_loop_hold(&s.loop);	/* released by --count or a failed emit; signals stop it too */
	if (!o->udp)		/* taken before the clients can take every descriptor */
		s.spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	memcpy(binds, o->binds, sizeof(binds));
	for (size_t i = 0; i < o->nbinds && rc == 0; i++) {
		if (i > 0 && binds[0].ss_family != AF_UNIX)
			follow_port(&binds[i], np_sockaddr_port((struct sockaddr *)&binds[0]));
		rc = open_listener(&s, &s.l[i], &binds[i], o->bind_lens[i], err);
		if (rc == 0)
			s.nl++;
	}
	if (rc == 0) {
		rc = np_loop_run(&s.loop);
		if (rc < 0)
			np_error_set(err, "LOOP", "event loop failed: %s", strerror(errno));
	}
	shutdown_all(&s);
	ev = event(&s, NP_LE_SUMMARY);
	ev.clients = s.next_id - s.rejected;
	ev.rejected = s.rejected;
	ev.datagrams = s.datagrams;
	ev.bytes_in = s.total_in;
	ev.bytes_out = s.total_out;
	ev.signal = np_stop_signal;
	ev.socktype = o->udp ? SOCK_DGRAM : SOCK_STREAM;
	if (s.nl) {
		ev.local = (struct sockaddr *)&s.l[0].addr;
		ev.local_len = s.l[0].len;
	}
	if (rc == 0)
		emit_event(&s, &ev);
	np_loop_free(&s.loop);
	return rc;
}
