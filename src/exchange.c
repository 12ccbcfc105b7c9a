/* The conversation on an open stream: write --send, then read until --expect
 * shows up, the peer closes, or the timeout. Writes to a peer that has gone
 * fail with EPIPE (SIGPIPE is ignored), resets with ECONNRESET: both become
 * states, never a dead process. */
#include <config.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "clock.h"
#include "probe.h"

bool np_exchange_absorb(struct np_probe *p, const uint8_t *data, size_t n)
{
	struct np_exchange *x = &p->res->xchg;
	size_t keep = sizeof(x->data) - x->kept;

	if (x->received == 0)
		x->reply_ms = np_now_ms() - p->t_phase;
	x->received += n;
	memcpy(x->data + x->kept, data, n < keep ? n : keep);
	x->kept += n < keep ? n : keep;
	if (!p->opts->expect)
		return false;
	if (!p->buf && !(p->buf = malloc(NP_EXCHANGE_MATCH)))
		return false;
	size_t room = NP_EXCHANGE_MATCH - p->buflen;

	memcpy(p->buf + p->buflen, data, n < room ? n : room);
	p->buflen += n < room ? n : room;
	if (!x->matched)
		x->matched = memmem(p->buf, p->buflen, p->opts->expect,
				    strlen(p->opts->expect)) != NULL;
	return x->matched;
}

static bool wants_reply(const struct np_probe *p)
{
	return p->opts->expect || p->opts->send;
}

void np_exchange_begin(struct np_probe *p)
{
	p->res->time_ms = np_now_ms() - p->t_start;
	p->phase = NP_PHASE_EXCHANGE;
	p->t_phase = np_now_ms();
	if (!wants_reply(p)) {
		np_probe_finish(p, NP_STATE_OPEN);
		return;
	}
	p->res->xchg.used = true;
	np_timer_arm(p->loop, &p->timer, p->t_phase + p->opts->timeout_ms);
	/* Write interest only with bytes to write: a writable socket with nothing
	 * to send would wake the loop at once, again and again (--send ''). */
	np_probe_watch(p, NP_EV_READ | (p->opts->send_len > 0 ? NP_EV_WRITE : 0));
}

static void send_more(struct np_probe *p)
{
	const struct np_probe_opts *o = p->opts;
	ssize_t n = send(p->fd, o->send + p->sent, o->send_len - p->sent, MSG_NOSIGNAL);

	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			np_probe_fail(p, errno);
		return;
	}
	p->sent += (size_t)n;
	p->res->xchg.sent = p->sent;
	if (p->sent == o->send_len)
		np_probe_watch(p, NP_EV_READ);
}

/* The peer closed its side. */
static void on_eof(struct np_probe *p)
{
	const struct np_probe_opts *o = p->opts;
	const struct np_exchange *x = &p->res->xchg;
	char endpoint[NP_ENDPOINT_LEN + 64];

	np_probe_endpoint(p, endpoint, sizeof(endpoint));
	if (o->send && p->sent < o->send_len) {
		np_error_set(&p->res->err, "EOF", "peer closed: %s closed the connection after "
			     "%zu of %zu bytes were sent", endpoint, p->sent, o->send_len);
		np_probe_finish(p, NP_STATE_PEER_CLOSED);
	} else if (o->expect && x->received == 0) {
		np_error_set(&p->res->err, "EOF", "peer closed: %s closed the connection without "
			     "a word (expected \"%s\")", endpoint, o->expect);
		np_probe_finish(p, NP_STATE_PEER_CLOSED);
	} else if (o->expect) {
		np_error_set(&p->res->err, "MISMATCH", "%s answered %zu bytes and closed, without "
			     "\"%s\"", endpoint, x->received, o->expect);
		np_probe_finish(p, NP_STATE_MISMATCH);
	} else {
		np_probe_finish(p, NP_STATE_OPEN);	/* answered (or not) and closed: fine */
	}
}

static void read_some(struct np_probe *p)
{
	uint8_t chunk[2048];
	ssize_t n = recv(p->fd, chunk, sizeof(chunk), 0);

	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			np_probe_fail(p, errno);
		return;
	}
	if (n == 0 && p->tp->socktype == SOCK_STREAM) {
		on_eof(p);
		return;
	}
	if (np_exchange_absorb(p, chunk, (size_t)n) ||
	    (!p->opts->expect && (!p->opts->send || p->sent == p->opts->send_len)))
		np_probe_finish(p, NP_STATE_OPEN);	/* the first answer is enough */
}

void np_exchange_on_ready(struct np_probe *p, uint32_t events)
{
	if ((events & NP_EV_WRITE) && p->opts->send && p->sent < p->opts->send_len) {
		send_more(p);
		if (p->fd < 0)
			return;
	}
	if (events & (NP_EV_READ | NP_EV_ERROR))
		read_some(p);
}

void np_exchange_on_timeout(struct np_probe *p)
{
	const struct np_probe_opts *o = p->opts;
	const struct np_exchange *x = &p->res->xchg;
	char endpoint[NP_ENDPOINT_LEN + 64];

	np_probe_endpoint(p, endpoint, sizeof(endpoint));
	if (o->send && p->sent < o->send_len) {
		np_error_set(&p->res->err, "ETIMEDOUT", "%s stopped reading: %zu of %zu bytes "
			     "sent within %.3f s", endpoint, p->sent, o->send_len, o->timeout_ms / 1e3);
		np_probe_finish(p, NP_STATE_MISMATCH);
	} else if (o->expect) {
		np_error_set(&p->res->err, "MISMATCH", "no \"%s\" in the %zu bytes %s sent within "
			     "%.3f s", o->expect, x->received, endpoint, o->timeout_ms / 1e3);
		np_probe_finish(p, NP_STATE_MISMATCH);
	} else {
		np_probe_finish(p, NP_STATE_OPEN);	/* sent it all; a quiet peer is no fault */
	}
}
