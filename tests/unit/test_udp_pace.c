/* src/udp_pace.c: when a host counts as rate-limiting its ICMP errors (a burst
 * of answers, then silence; a resend answered where the first try was not),
 * when it does not (loopback answers them all; a few closed ports), which
 * silent probes are suspect, and that --retries 0 means no paced resends. The
 * probes are stand-ins: an fd >= 0 means "still waiting". */
#include <config.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "probe.h"
#include "udp_pace.h"

#define N 12

struct bed {
	struct np_loop loop;
	struct np_udp_pace pace;
	struct np_probe probes[N];
	struct np_probe_result res[N];
	int sends;
};

static struct bed *g_bed;

static void count_send(struct np_probe *p)
{
	(void)p;
	g_bed->sends++;
}

/* n probes to one host, each with its first datagram sent. */
static void bed_up(struct bed *b, unsigned retries, size_t n)
{
	*b = (struct bed){ 0 };
	g_bed = b;
	assert_int_equal(np_loop_init(&b->loop), 0);
	np_udp_pace_init(&b->pace, &b->loop, retries);
	for (size_t i = 0; i < n; i++) {
		b->probes[i] = (struct np_probe){ .fd = 100 + (int)i, .res = &b->res[i],
						  .pace = &b->pace };
		assert_int_equal(np_udp_pace_join(&b->pace, &b->probes[i], count_send), 0);
		b->res[i].tries = 1;
		np_udp_pace_sent(&b->pace, &b->probes[i], false);
	}
}

static void bed_down(struct bed *b)
{
	np_udp_pace_free(&b->pace);
	np_loop_free(&b->loop);
}

/* probe i got an ICMP error (or a datagram) and is done */
static void answer(struct bed *b, size_t i, bool icmp)
{
	np_udp_pace_answered(&b->pace, &b->probes[i], icmp);
	b->probes[i].fd = -1;
}

static bool pacer_armed(const struct bed *b)
{
	return b->pace.timer.slot != NP_TIMER_IDLE;
}

/* N probes, a burst of them answered by ICMP, the rest silent: limiting. */
static void burst_answered(struct bed *b, unsigned retries)
{
	bed_up(b, retries, N);
	for (size_t i = 0; i < NP_PACE_BURST; i++)
		answer(b, i, true);
	assert_true(np_udp_pace_limiting(&b->pace));
}

static void test_burst_then_silence(void **state)
{
	struct bed b;

	burst_answered(&b, 2);
	assert_true(pacer_armed(&b));	/* the silent ones are resent, paced */
	assert_true(np_udp_pace_suspect(&b.pace, &b.probes[N - 1]));
	assert_false(b.sends);		/* nothing before the interval has passed */
	bed_down(&b);
}

/* All but one answered at once: no limit, nothing paced, nothing suspect. */
static void check_all_but_one(bool icmp)
{
	struct bed b;

	bed_up(&b, 2, N);
	for (size_t i = 0; i < N - 1; i++)
		answer(&b, i, icmp);
	assert_false(np_udp_pace_limiting(&b.pace));
	assert_false(np_udp_pace_suspect(&b.pace, &b.probes[N - 1]));
	assert_false(pacer_armed(&b));
	bed_down(&b);
}

/* more ICMP errors at once than a rate-limited host sends: loopback, or no limit */
static void test_loopback_answers_all(void **state)
{
	check_all_but_one(true);
}

/* open ports answer with datagrams: no ICMP token spent */
static void test_datagrams_are_not_icmp(void **state)
{
	check_all_but_one(false);
}

static void test_few_closed_one_silent(void **state)
{
	struct bed b;

	bed_up(&b, 2, NP_PACE_BURST);
	for (size_t i = 0; i < NP_PACE_BURST - 1; i++)	/* fewer than a burst: proves nothing */
		answer(&b, i, true);
	assert_false(np_udp_pace_limiting(&b.pace));
	assert_false(np_udp_pace_suspect(&b.pace, &b.probes[NP_PACE_BURST - 1]));
	bed_down(&b);
}

static void test_resend_answered(void **state)
{
	struct bed b;

	bed_up(&b, 2, 3);
	answer(&b, 0, true);
	b.res[1].tries = 2;		/* its second datagram drew what the first did not */
	np_udp_pace_sent(&b.pace, &b.probes[1], false);
	answer(&b, 1, true);
	assert_true(np_udp_pace_limiting(&b.pace));
	assert_true(np_udp_pace_suspect(&b.pace, &b.probes[2]));
	bed_down(&b);
}

static void test_no_retries_no_pacing(void **state)
{
	struct bed b;

	burst_answered(&b, 0);
	assert_false(pacer_armed(&b));		/* --retries 0: one datagram, no more */
	assert_true(np_udp_pace_suspect(&b.pace, &b.probes[N - 1]));
	bed_down(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_silence),
		cmocka_unit_test(test_loopback_answers_all),
		cmocka_unit_test(test_few_closed_one_silent),
		cmocka_unit_test(test_resend_answered),
		cmocka_unit_test(test_datagrams_are_not_icmp),
		cmocka_unit_test(test_no_retries_no_pacing),
	};

	return cmocka_run_group_tests_name("udp_pace", tests, NULL, NULL);
}
