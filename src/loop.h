/* The single-threaded event loop: file descriptors (epoll, see loop_epoll.c) and
 * one-shot timers (a binary heap). c-ares and every probe run on the same loop. */
#ifndef NP_LOOP_H
#define NP_LOOP_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { NP_EV_READ = 1u, NP_EV_WRITE = 2u, NP_EV_ERROR = 4u };

typedef void (*np_io_cb)(void *arg, uint32_t events);
typedef void (*np_timer_cb)(void *arg);

struct np_io {
	int fd;
	uint32_t events;	/* what is registered now; 0 when not */
	np_io_cb cb;
	void *arg;
};

struct np_timer {
	double deadline_ms;
	size_t slot;		/* index in the heap, NP_TIMER_IDLE when not armed */
	np_timer_cb cb;
	void *arg;
};
#define NP_TIMER_IDLE ((size_t)-1)

struct np_loop {
	int backend_fd;
	struct np_timer **heap;
	size_t nheap, capheap;
	size_t pending;		/* work in flight; np_loop_run returns at 0 */
	/* Servers: stop when *stop turns non-zero; signals in wait_mask are let in
	 * only while the loop waits (epoll_pwait), so none is missed. */
	volatile sig_atomic_t *stop;
	const sigset_t *wait_mask;
	bool halt;		/* the owner's own stop (the output is gone) */
	/* Called after each batch of events: where owners free what they closed
	 * (an object freed inside the batch could still have an event queued). */
	void (*after_batch)(void *arg);
	void *after_batch_arg;
};

int np_loop_init(struct np_loop *loop);
void np_loop_free(struct np_loop *loop);

void np_io_init(struct np_io *io, int fd, np_io_cb cb, void *arg);
/* Register, change or (events == 0) remove interest in io->fd. */
int np_io_set(struct np_loop *loop, struct np_io *io, uint32_t events);
/* io->fd is about to be closed and was never duplicated: the kernel drops it
 * from epoll with its last descriptor, so this only forgets it (no
 * EPOLL_CTL_DEL: a syscall per probe in a batch). Events of it already
 * fetched in this batch are skipped, as after np_io_set(.., 0). */
void np_io_closing(struct np_io *io);

void np_timer_init(struct np_timer *t, np_timer_cb cb, void *arg);
int np_timer_arm(struct np_loop *loop, struct np_timer *t, double deadline_ms);
void np_timer_cancel(struct np_loop *loop, struct np_timer *t);

static inline void np_loop_hold(struct np_loop *loop) { loop->pending++; }
static inline void np_loop_release(struct np_loop *loop) { loop->pending--; }

/* Dispatch events and timers until nothing is pending. -1 on a backend error. */
int np_loop_run(struct np_loop *loop);

/* Backend (loop_epoll.c): the platform-specific part. */
int np_backend_open(void);
int np_backend_set(int bfd, struct np_io *io, uint32_t old_events, uint32_t events);
/* Wait up to timeout_ms (-1 forever) and call the ready callbacks; -1 on error. */
int np_backend_dispatch(int bfd, int timeout_ms, const sigset_t *mask);

#endif
