/* src/udp_pace.c: when a host counts as rate-limiting its ICMP errors (a burst
 * of answers, then silence; a resend answered where the first try was not),
 * when it does not (loopback answers them all; a few closed ports), which
 * silent probes are suspect, that --retries 0 means no paced resends, that
 * silent probes are resent while time lasts (no budget of tries runs out), and
 * how the pace follows what the host answers (a loss judged once, in its own
 * window). The probes are stand-ins: an fd >= 0 means "still waiting"; the
 * pacer's timer is fired by hand. */
#include <config.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "probe.h"
#include "udp_pace.h"

#define N 24

struct bed {
	struct np_loop loop;
	struct np_udp_pace pace;
	struct np_probe probes[N];
	struct np_probe_result res[N];
	int sends;
	struct np_probe *last;	/* the latest probe the pacer resent */
};

static struct bed *g_bed;

/* what probe_udp.c does for a paced datagram */
static void count_send(struct np_probe *p)
{
	g_bed->sends++;
	g_bed->last = p;
	p->res->tries++;
	np_udp_pace_sent(&g_bed->pace, p, true);
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

/* the pacer's timer fires (at once: the tests do not wait) */
static void fire(struct bed *b)
{
	assert_true(pacer_armed(b));
	b->pace.timer.cb(b->pace.timer.arg);
}

static void assert_pace(const struct bed *b, double ms)
{
	if (fabs(b->pace.interval_ms - ms) > 1e-6)
		fail_msg("pace %.3f ms, expected %.3f ms", b->pace.interval_ms, ms);
}

/* A port the host never answers (dropped, or every resend met an empty bucket)
 * is resent while its timeout lasts: no fixed budget of tries (--retries + 8
 * once) runs out first. Its own timer ends it; the count is only bounded. */
static void test_resent_while_time_lasts(void **state)
{
	struct bed b;
	int silent = N - NP_PACE_BURST;

	burst_answered(&b, 2);
	for (int i = 0; i < 20 * silent; i++)
		fire(&b);
	assert_int_equal(b.sends, 20 * silent);
	assert_true(pacer_armed(&b));
	assert_pace(&b, NP_PACE_MAX_MS);	/* windows without answers: slower, bounded */
	for (int i = 20 * silent; i < NP_PACE_TRIES_MAX * silent; i++)
		fire(&b);
	assert_false(pacer_armed(&b));		/* the bound on count */
	bed_down(&b);
}

/* A window of paced datagrams judged together (half a window is enough to go
 * faster while the pace halves): all answered, twice as fast; some lost, the
 * host's rate (interval * sent / answered); then faster by a fifth, and the
 * losses found out later (answers to a second resend) do not slow the pace
 * again: they were judged in their window. */
static void test_pace_follows_answers(void **state)
{
	struct bed b;
	struct np_probe *lost[NP_PACE_WINDOW];
	size_t nlost = 0;

	burst_answered(&b, 2);
	for (int i = 0; i < NP_PACE_WINDOW / 2; i++) {
		fire(&b);
		answer(&b, (size_t)(b.last - b.probes), true);
	}
	for (int i = 0; i < NP_PACE_WINDOW; i++) {
		fire(&b);
		assert_pace(&b, NP_PACE_INTERVAL_MS / 2);	/* a loss: the whole window */
		if (i % 2)
			lost[nlost++] = b.last;
		else
			answer(&b, (size_t)(b.last - b.probes), true);
	}
	/* the ports not yet resent but a window's worth are open: they answer */
	for (size_t i = 0, fresh = 0; i < N; i++)
		if (b.probes[i].fd >= 0 && !b.probes[i].pace_slot.paced &&
		    ++fresh > NP_PACE_WINDOW)
			answer(&b, i, false);
	/* 3 of 6 answered at 500 ms: the host's interval is 1000 ms */
	for (int i = 0; i < NP_PACE_WINDOW; i++) {
		fire(&b);
		assert_pace(&b, NP_PACE_INTERVAL_MS);
		answer(&b, (size_t)(b.last - b.probes), true);
	}
	for (size_t i = 0; i < nlost; i++) {
		fire(&b);
		assert_ptr_equal(b.last, lost[i]);	/* the lost ones come round again */
		assert_pace(&b, 0.8 * NP_PACE_INTERVAL_MS);
		answer(&b, (size_t)(b.last - b.probes), true);
	}
	assert_pace(&b, 0.8 * NP_PACE_INTERVAL_MS);
	bed_down(&b);
}

/* Flagged: no datagram of it left when the host had a token (a host interval
 * after its latest ICMP error). */
static void test_suspect_until_clean(void **state)
{
	struct bed b;
	struct np_probe *p;

	burst_answered(&b, 2);
	fire(&b);		/* at once after the burst: the bucket may be empty */
	assert_true(np_udp_pace_suspect(&b.pace, b.last));
	b.pace.t_icmp -= 2 * NP_PACE_INTERVAL_MS;	/* as if two seconds passed */
	fire(&b);
	p = b.last;
	assert_false(np_udp_pace_suspect(&b.pace, p));
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
		cmocka_unit_test(test_resent_while_time_lasts),
		cmocka_unit_test(test_pace_follows_answers),
		cmocka_unit_test(test_suspect_until_clean),
	};

	return cmocka_run_group_tests_name("udp_pace", tests, NULL, NULL);
}
