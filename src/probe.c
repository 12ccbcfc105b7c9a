/* What every transport shares: the socket's lifetime, the timer, the outcome. */
#include <config.h>
#include <errno.h>
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

void np_probe_start(struct np_probe *p, const struct np_transport *tp, struct np_loop *loop,
		    struct np_probe_result *res, double timeout_ms, np_probe_done done, void *arg)
{
	*p = (struct np_probe){ .tp = tp, .loop = loop, .res = res, .done = done, .arg = arg,
				.timeout_ms = timeout_ms, .fd = -1 };
	np_io_init(&p->io, -1, on_io, p);
	np_timer_init(&p->timer, on_timer, p);
	res->proto = tp->proto;
	np_loop_hold(loop);
	p->t_start = np_now_ms();
	np_timer_arm(loop, &p->timer, p->t_start + timeout_ms);
	tp->start(p);
}

void np_probe_finish(struct np_probe *p, enum np_probe_state state, int errnum)
{
	char endpoint[NP_ENDPOINT_LEN];

	p->res->time_ms = np_now_ms() - p->t_start;
	p->res->state = state;
	np_error_clear(&p->res->err);
	if (errnum) {
		np_sockaddr_endpoint((struct sockaddr *)&p->res->sa, endpoint, sizeof(endpoint));
		p->res->state = p->tp->classify(errnum, endpoint, p->timeout_ms, &p->res->err);
	}
	np_timer_cancel(p->loop, &p->timer);
	if (p->fd >= 0) {
		np_io_set(p->loop, &p->io, 0);
		close(p->fd);
		p->fd = -1;
	}
	np_loop_release(p->loop);
	p->done(p, p->arg);
}
