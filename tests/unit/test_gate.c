/* src/gate.c: never more than the limit in flight, first come first served, and
 * a probe that finishes inside its own start (loopback can be that quick) neither
 * recurses nor loses its place. */
#include <config.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <sys/resource.h>
#include <cmocka.h>
#include "gate.h"

#define N 1000

static struct np_gate gate;
static struct np_gate_waiter waiters[N];
static int order[N], norder, inflight, peak, depth, max_depth;
static int finish_at_once;	/* 1: every waiter leaves inside go() */

static void go(struct np_gate_waiter *w)
{
	order[norder++] = (int)(w - waiters);
	if (++inflight > peak)
		peak = inflight;
	if (++depth > max_depth)
		max_depth = depth;
	if (finish_at_once) {
		inflight--;
		np_gate_leave(&gate);
	}
	depth--;
}

static void reset(size_t limit, int at_once)
{
	np_gate_init(&gate, limit);
	norder = inflight = peak = depth = max_depth = 0;
	finish_at_once = at_once;
	for (int i = 0; i < N; i++)
		waiters[i].go = go;
}

static void test_limit_and_order(void **state)
{
	reset(3, 0);
	for (int i = 0; i < N; i++)
		np_gate_enter(&gate, &waiters[i]);
	assert_int_equal(norder, 3);
	while (inflight > 0) {	/* the oldest finishes, the next in line goes */
		inflight--;
		np_gate_leave(&gate);
		assert_true(inflight <= 3);
	}
	assert_int_equal(norder, N);
	assert_int_equal(peak, 3);
	for (int i = 0; i < N; i++)
		assert_int_equal(order[i], i);
}

static void test_finish_inside_go(void **state)
{
	reset(2, 1);
	for (int i = 0; i < N; i++)
		np_gate_enter(&gate, &waiters[i]);
	assert_int_equal(norder, N);
	assert_int_equal(max_depth, 1);		/* no recursion through leave */
	assert_int_equal(gate.used, 0);
	for (int i = 0; i < N; i++)
		assert_int_equal(order[i], i);
}

/* The kernel is the oracle: set the soft RLIMIT_NOFILE, read the budget back. */
static void test_budget(void **state)
{
	struct rlimit saved, rl;

	assert_int_equal(getrlimit(RLIMIT_NOFILE, &saved), 0);
	if (saved.rlim_max != RLIM_INFINITY && saved.rlim_max < 64)
		skip();
	rl = saved;
	rl.rlim_cur = 64;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
	assert_int_equal(np_gate_budget(), 64 - NP_GATE_RESERVE);
	np_gate_init(&gate, 0);
	assert_int_equal(gate.limit, 64 - NP_GATE_RESERVE);
	rl.rlim_cur = 20;	/* below the reserve: the floor, 1 */
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
	assert_int_equal(np_gate_budget(), 1);
	np_gate_init(&gate, 0);
	assert_int_equal(gate.limit, 1);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &saved), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_limit_and_order),
		cmocka_unit_test(test_finish_inside_go),
		cmocka_unit_test(test_budget),
	};

	return cmocka_run_group_tests_name("gate", tests, NULL, NULL);
}
