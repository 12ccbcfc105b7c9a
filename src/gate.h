/* The socket gate: probes in flight never hold more sockets than the descriptor
 * limit allows (RLIMIT_NOFILE soft, less a reserve for c-ares, the input and
 * stdio), however many targets and ports a batch has. A probe waits for a slot,
 * first come first served, and gives it back when it finishes. */
#ifndef NP_GATE_H
#define NP_GATE_H

#include <stdbool.h>
#include <stddef.h>

#define NP_GATE_RESERVE 32	/* descriptors kept for everything but the probes */

struct np_gate_waiter {
	struct np_gate_waiter *next;
	void (*go)(struct np_gate_waiter *w);	/* the slot is yours: start */
};

struct np_gate {
	size_t limit, used;
	struct np_gate_waiter *head, **tail;	/* FIFO of those waiting */
	bool pumping;		/* inside pump: a probe that finishes at once
				 * must not start the next one from its stack */
};

/* limit 0: the soft RLIMIT_NOFILE less NP_GATE_RESERVE (at least 1). */
void np_gate_init(struct np_gate *g, size_t limit);
/* The socket budget np_gate_init(g, 0) would choose. */
size_t np_gate_budget(void);
/* Queue w; w->go runs when a slot is free, possibly before this returns. */
void np_gate_enter(struct np_gate *g, struct np_gate_waiter *w);
/* A slot comes back: the next in line goes. */
void np_gate_leave(struct np_gate *g);

#endif
