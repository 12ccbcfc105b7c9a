/* src/loop.c: timers fire in deadline order, cancelled ones never, and I/O
 * readiness reaches its callback; the run ends when nothing is pending. */
#include <config.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <unistd.h>
#include "clock.h"
#include "loop.h"

struct rec {
	struct np_loop *loop;
	int order[16];
	int n;
};

struct tctx {
	struct rec *rec;
	int id;
};

static void on_timer(void *arg)
{
	struct tctx *c = arg;

	c->rec->order[c->rec->n++] = c->id;
	np_loop_release(c->rec->loop);
}

static void test_timer_order(void **state)
{
	struct np_loop loop;
	struct rec rec = { .loop = &loop };
	struct np_timer t[8];
	struct tctx c[8];
	/* deadlines (ms in the past, so the test never sleeps) in scrambled order */
	static const int offsets[8] = { 50, 10, 70, 30, 0, 60, 20, 40 };
	double base = np_now_ms() - 1000;

	assert_int_equal(np_loop_init(&loop), 0);
	for (int i = 0; i < 8; i++) {
		c[i] = (struct tctx){ &rec, offsets[i] };
		np_timer_init(&t[i], on_timer, &c[i]);
		assert_int_equal(np_timer_arm(&loop, &t[i], base + offsets[i]), 0);
		np_loop_hold(&loop);
	}
	np_timer_cancel(&loop, &t[3]);	/* 30 never fires */
	np_loop_release(&loop);
	np_timer_arm(&loop, &t[0], base + 65);	/* re-arming moves 50 to 65 */
	assert_int_equal(np_loop_run(&loop), 0);
	assert_int_equal(rec.n, 7);
	static const int want[7] = { 0, 10, 20, 40, 60, 50, 70 };
	for (int i = 0; i < 7; i++)
		assert_int_equal(rec.order[i], want[i]);
	assert_int_equal(loop.nheap, 0);
	np_loop_free(&loop);
}

struct io_ctx {
	struct np_loop *loop;
	struct np_io io;
	uint32_t events;
	int calls;
};

static void on_io(void *arg, uint32_t events)
{
	struct io_ctx *c = arg;
	char b;

	c->events = events;
	c->calls++;
	(void)!read(c->io.fd, &b, 1);
	np_io_set(c->loop, &c->io, 0);
	np_loop_release(c->loop);
}

static void test_io_ready(void **state)
{
	struct np_loop loop;
	struct io_ctx c = { .loop = &loop };
	int fds[2];

	assert_int_equal(np_loop_init(&loop), 0);
	assert_int_equal(pipe(fds), 0);
	np_io_init(&c.io, fds[0], on_io, &c);
	assert_int_equal(np_io_set(&loop, &c.io, NP_EV_READ), 0);
	np_loop_hold(&loop);
	assert_int_equal(write(fds[1], "x", 1), 1);
	assert_int_equal(np_loop_run(&loop), 0);
	assert_int_equal(c.calls, 1);
	assert_true(c.events & NP_EV_READ);
	assert_int_equal(c.io.events, 0);
	close(fds[0]);
	close(fds[1]);
	np_loop_free(&loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timer_order),
		cmocka_unit_test(test_io_ready),
	};

	return cmocka_run_group_tests_name("loop", tests, NULL, NULL);
}
