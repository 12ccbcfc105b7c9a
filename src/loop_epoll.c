/* Linux epoll backend of the event loop. */
#include <config.h>
#include <errno.h>
#include <sys/epoll.h>
#include <unistd.h>
#include "loop.h"

int np_backend_open(void)
{
	return epoll_create1(EPOLL_CLOEXEC);
}

static uint32_t to_epoll(uint32_t events)
{
	return ((events & NP_EV_READ) ? EPOLLIN : 0) | ((events & NP_EV_WRITE) ? EPOLLOUT : 0);
}

int np_backend_set(int bfd, struct np_io *io, uint32_t old_events, uint32_t events)
{
	struct epoll_event ev = { .events = to_epoll(events), .data.ptr = io };
	int op = !events ? EPOLL_CTL_DEL : old_events ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;

	return epoll_ctl(bfd, op, io->fd, &ev);
}

int np_backend_dispatch(int bfd, int timeout_ms, const sigset_t *mask)
{
	struct epoll_event evs[64];
	int n = epoll_pwait(bfd, evs, 64, timeout_ms, mask);

	if (n < 0)
		return errno == EINTR ? 0 : -1;
	for (int i = 0; i < n; i++) {
		struct np_io *io = evs[i].data.ptr;
		uint32_t e = 0;

		if (!io->events)	/* removed by an earlier callback of this batch */
			continue;

		if (evs[i].events & EPOLLIN)
			e |= NP_EV_READ;
		if (evs[i].events & EPOLLOUT)
			e |= NP_EV_WRITE;
		if (evs[i].events & (EPOLLERR | EPOLLHUP))
			e |= NP_EV_ERROR;
		io->cb(io->arg, e);
	}
	return 0;
}
