/* Event loop: timers in a binary heap keyed by deadline, I/O through the backend.
 * Nothing here knows about DNS or probes; they register callbacks. */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <unistd.h>
#include "clock.h"
#include "loop.h"

int np_loop_init(struct np_loop *loop)
{
	*loop = (struct np_loop){ .backend_fd = np_backend_open() };
	return loop->backend_fd < 0 ? -1 : 0;
}

void np_loop_free(struct np_loop *loop)
{
	if (loop->backend_fd >= 0)
		close(loop->backend_fd);
	free(loop->heap);
	*loop = (struct np_loop){ .backend_fd = -1 };
}

void np_io_init(struct np_io *io, int fd, np_io_cb cb, void *arg)
{
	*io = (struct np_io){ .fd = fd, .cb = cb, .arg = arg };
}

int np_io_set(struct np_loop *loop, struct np_io *io, uint32_t events)
{
	if (events == io->events)
		return 0;
	if (np_backend_set(loop->backend_fd, io, io->events, events) < 0)
		return -1;
	io->events = events;
	return 0;
}

void np_io_closing(struct np_io *io)
{
	io->events = 0;
}

void np_timer_init(struct np_timer *t, np_timer_cb cb, void *arg)
{
	*t = (struct np_timer){ .slot = NP_TIMER_IDLE, .cb = cb, .arg = arg };
}

static void heap_put(struct np_loop *loop, size_t i, struct np_timer *t)
{
	loop->heap[i] = t;
	t->slot = i;
}

static void sift_up(struct np_loop *loop, size_t i)
{
	struct np_timer *t = loop->heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (loop->heap[parent]->deadline_ms <= t->deadline_ms)
			break;
		heap_put(loop, i, loop->heap[parent]);
		i = parent;
	}
	heap_put(loop, i, t);
}

static void sift_down(struct np_loop *loop, size_t i)
{
	struct np_timer *t = loop->heap[i];

	for (;;) {
		size_t child = 2 * i + 1;

		if (child >= loop->nheap)
			break;
		if (child + 1 < loop->nheap &&
		    loop->heap[child + 1]->deadline_ms < loop->heap[child]->deadline_ms)
			child++;
		if (t->deadline_ms <= loop->heap[child]->deadline_ms)
			break;
		heap_put(loop, i, loop->heap[child]);
		i = child;
	}
	heap_put(loop, i, t);
}

void np_timer_cancel(struct np_loop *loop, struct np_timer *t)
{
	size_t i = t->slot;

	if (i == NP_TIMER_IDLE)
		return;
	t->slot = NP_TIMER_IDLE;
	if (i == --loop->nheap)
		return;
	struct np_timer *moved = loop->heap[loop->nheap];

	heap_put(loop, i, moved);
	sift_down(loop, i);
	sift_up(loop, moved->slot);
}

int np_timer_arm(struct np_loop *loop, struct np_timer *t, double deadline_ms)
{
	np_timer_cancel(loop, t);
	if (loop->nheap == loop->capheap) {
		size_t cap = loop->capheap ? 2 * loop->capheap : 16;
		struct np_timer **h = realloc(loop->heap, cap * sizeof(*h));

		if (!h)
			return -1;
		loop->heap = h;
		loop->capheap = cap;
	}
	t->deadline_ms = deadline_ms;
	heap_put(loop, loop->nheap++, t);
	sift_up(loop, t->slot);
	return 0;
}

/* Fire every timer that is due; return the wait until the next one (-1: none). */
static int run_timers(struct np_loop *loop)
{
	while (loop->nheap > 0) {
		struct np_timer *t = loop->heap[0];
		double wait = t->deadline_ms - np_now_ms();

		if (wait > 0)
			return wait > 1e9 ? 1000000000 : (int)ceil(wait);
		np_timer_cancel(loop, t);
		t->cb(t->arg);
	}
	return -1;
}

static bool stopped(const struct np_loop *loop)
{
	return loop->halt || (loop->stop && *loop->stop);
}

int np_loop_run(struct np_loop *loop)
{
	while (loop->pending > 0 && !stopped(loop)) {
		int wait = run_timers(loop);

		if (loop->pending == 0 || stopped(loop))
			break;
		if (np_backend_dispatch(loop->backend_fd, wait, loop->wait_mask) < 0)
			return -1;
		if (loop->after_batch)
			loop->after_batch(loop->after_batch_arg);
	}
	return 0;
}
