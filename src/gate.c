/* The socket gate: see gate.h. */
#include <config.h>
#include <sys/resource.h>
#include "gate.h"

#define NP_GATE_MAX (1u << 20)	/* an unlimited soft limit still gets a bound */

size_t np_gate_budget(void)
{
	struct rlimit rl;
	rlim_t soft = NP_GATE_MAX;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < NP_GATE_MAX)
		soft = rl.rlim_cur;
	return soft > NP_GATE_RESERVE + 1 ? (size_t)(soft - NP_GATE_RESERVE) : 1;
}

void np_gate_init(struct np_gate *g, size_t limit)
{
	*g = (struct np_gate){ .limit = limit ? limit : np_gate_budget() };
	g->tail = &g->head;
}

/* Start waiters while slots are free. A probe that finishes inside go() leaves
 * the gate and lands here again: the outer call goes on with the queue, so the
 * stack never grows with the number of probes. */
static void pump(struct np_gate *g)
{
	if (g->pumping)
		return;
	g->pumping = true;
	while (g->head && g->used < g->limit) {
		struct np_gate_waiter *w = g->head;

		g->head = w->next;
		if (!g->head)
			g->tail = &g->head;
		g->used++;
		w->go(w);
	}
	g->pumping = false;
}

void np_gate_enter(struct np_gate *g, struct np_gate_waiter *w)
{
	w->next = NULL;
	*g->tail = w;
	g->tail = &w->next;
	pump(g);
}

void np_gate_leave(struct np_gate *g)
{
	g->used--;
	pump(g);
}
