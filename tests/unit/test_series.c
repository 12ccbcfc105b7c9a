/* src/series.c: ping's statistics against values worked out by hand, what makes a
 * slot, re-resolved rounds, the caps, and the verdict of a count run. */
#include <config.h>
#include <arpa/inet.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include "series.h"
#include "fail_realloc.h"

#define MAXP 1024

/* Allocation failure on demand: the test is linked with --wrap for malloc,
 * calloc and realloc (Makefile.am); fail_in = k fails the k-th call from now.
 * realloc's wrap, fail_in and failing() are fail_realloc.h's. */
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);

void *__wrap_malloc(size_t n)
{
	return failing() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return failing() ? NULL : __real_calloc(n, size);
}

static struct np_target target;
static struct np_target_result result;
static struct np_probe_result probes[MAXP];
static struct np_series series;

static int setup(void **state)
{
	memset(&target, 0, sizeof(target));
	memset(&result, 0, sizeof(result));
	memset(probes, 0, sizeof(probes));
	snprintf(target.host, sizeof(target.host), "count.example.test");
	result.target = &target;
	result.probes = probes;
	result.dns.status = NP_DNS_STATUS_OK;
	np_series_init(&series);
	return 0;
}

static int teardown(void **state)
{
	np_series_free(&series);
	return 0;
}

static void v4(struct sockaddr_storage *ss, uint32_t addr, uint16_t port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(addr);
	sin->sin_port = htons(port);
}

static void v6_loopback(struct sockaddr_storage *ss, uint16_t port)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	sin6->sin6_family = AF_INET6;
	sin6->sin6_addr = in6addr_loopback;
	sin6->sin6_port = htons(port);
}

/* Probe i of the round: a TCP probe to 127.0.0.x:port in state st. */
static void probe(size_t i, uint32_t addr, uint16_t port, const char *proto,
		  enum np_probe_state st, double ms)
{
	struct np_probe_result *p = &probes[i];

	memset(p, 0, sizeof(*p));
	v4(&p->sa, addr, port);
	p->salen = sizeof(struct sockaddr_in);
	p->proto = proto;
	p->socktype = strcmp(proto, "udp") == 0 ? SOCK_DGRAM : SOCK_STREAM;
	p->state = st;
	p->time_ms = ms;
	if (result.nprobes < i + 1)
		result.nprobes = i + 1;
}

/* The resolver's answer for the round: n addresses 127.0.0.1, 127.0.0.2... */
static void resolved(size_t n)
{
	result.dns.naddrs = n;
	for (size_t i = 0; i < n; i++)
		v4(&result.dns.addrs[i].sa, 0x7f000001 + (uint32_t)i, 0);
}

/* One round with a single probe to 127.0.0.1:80/tcp. */
static void add_one(unsigned long seq, enum np_probe_state st, double ms)
{
	result.nprobes = 0;
	probe(0, 0x7f000001, 80, "tcp", st, ms);
	resolved(1);
	assert_int_equal(np_series_add_round(&series, seq, (double)seq * 1000.0, &result, seq == 1), 0);
}

static void stat0(struct np_series_stat *st)
{
	assert_int_equal(series.nslots, 1);
	np_series_stat(&series.slots[0], st);
}

/* What the one slot's statistics must be, worked out by hand: the counts and
 * has_times exactly, min and max exactly (they are samples), loss, avg and mdev
 * within their eps (0: exactly).  Returns the statistics. */
struct want_stat {
	unsigned long sent, open;
	double loss;
	bool has_times;
	double min, avg, max, mdev;
	double loss_eps, avg_eps, mdev_eps;
};

static struct np_series_stat check_stats(struct want_stat w)
{
	struct np_series_stat st;

	stat0(&st);
	assert_int_equal(st.sent, w.sent);
	assert_int_equal(st.open, w.open);
	assert_int_equal(st.has_times, w.has_times);
	assert_float_equal(st.loss_percent, w.loss, w.loss_eps);
	assert_float_equal(st.min_ms, w.min, 0);
	assert_float_equal(st.avg_ms, w.avg, w.avg_eps);
	assert_float_equal(st.max_ms, w.max, 0);
	assert_float_equal(st.mdev_ms, w.mdev, w.mdev_eps);
	return st;
}

/* ping's formula on 1, 2, 3, 4 ms: avg 2.5, mdev sqrt(30/4 - 6.25) = sqrt(1.25). */
static void test_ping_formula(void **state)
{
	for (unsigned long i = 1; i <= 4; i++)
		add_one(i, NP_STATE_OPEN, (double)i);
	check_stats((struct want_stat){ .sent = 4, .open = 4, .loss = 0.0, .has_times = true,
		.min = 1.0, .avg = 2.5, .max = 4.0, .mdev = 1.118033988749895,
		.avg_eps = 1e-12, .mdev_eps = 1e-12 });
}

static void test_single_sample(void **state)
{
	add_one(1, NP_STATE_OPEN, 0.081);
	check_stats((struct want_stat){ .sent = 1, .open = 1, .loss = 0.0, .has_times = true,
		.min = 0.081, .avg = 0.081, .max = 0.081, .mdev = 0.0,
		.avg_eps = 1e-15, .mdev_eps = 1e-12 });
}

/* Nothing open: loss 100 %, no times (ping prints no rtt line). */
static void test_all_lost(void **state)
{
	for (unsigned long i = 1; i <= 3; i++)
		add_one(i, NP_STATE_CLOSED, 0.05);
	check_stats((struct want_stat){ .sent = 3, .open = 0, .loss = 100.0, .has_times = false });
}

/* Lost probes count as sent only: their times are not in min/avg/max. */
static void test_some_lost(void **state)
{
	add_one(1, NP_STATE_OPEN, 2.0);
	add_one(2, NP_STATE_FILTERED, 3000.0);
	add_one(3, NP_STATE_OPEN, 4.0);
	check_stats((struct want_stat){ .sent = 3, .open = 2, .loss = 100.0 / 3.0, .has_times = true,
		.min = 2.0, .avg = 3.0, .max = 4.0, .mdev = 1.0,
		.loss_eps = 1e-12, .mdev_eps = 1e-12 });
}

/* Equal large times: sum2/n - avg^2 may round below zero; mdev is 0, not NaN. */
static void test_large_equal_values(void **state)
{
	struct np_series_stat st;

	for (unsigned long i = 1; i <= 7; i++)
		add_one(i, NP_STATE_OPEN, 2999.999123);
	st = check_stats((struct want_stat){ .sent = 7, .open = 7, .loss = 0.0, .has_times = true,
		.min = 2999.999123, .avg = 2999.999123, .max = 2999.999123, .mdev = 0.0,
		.avg_eps = 1e-9, .mdev_eps = 1e-3 });
	assert_false(isnan(st.mdev_ms));
	assert_true(st.mdev_ms >= 0 && st.mdev_ms < 1e-3);
}

static void test_tiny_values(void **state)
{
	add_one(1, NP_STATE_OPEN, 0.001);
	add_one(2, NP_STATE_OPEN, 0.003);
	check_stats((struct want_stat){ .sent = 2, .open = 2, .loss = 0.0, .has_times = true,
		.min = 0.001, .avg = 0.002, .max = 0.003, .mdev = 0.001,
		.avg_eps = 1e-15, .mdev_eps = 1e-12 });
}

/* A slot is one address x port x transport: other ports, transports and
 * families are other slots; the same one in a later round is the same slot. */
static void test_slot_keys(void **state)
{
	for (unsigned long seq = 1; seq <= 2; seq++) {
		result.nprobes = 0;
		probe(0, 0x7f000001, 80, "tcp", NP_STATE_OPEN, 1);
		probe(1, 0x7f000001, 81, "tcp", NP_STATE_OPEN, 1);
		probe(2, 0x7f000001, 80, "udp", NP_STATE_OPEN_FILTERED, 1);
		probe(3, 0x7f000002, 80, "tcp", NP_STATE_CLOSED, 1);
		probe(4, 0, 80, "tcp", NP_STATE_OPEN, 1);
		v6_loopback(&probes[4].sa, 80);
		probes[4].salen = sizeof(struct sockaddr_in6);
		resolved(2);
		assert_int_equal(np_series_add_round(&series, seq, 0, &result, true), 0);
	}
	assert_int_equal(series.nslots, 5);
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(series.slots[i].sent, 2);
		/* in order of first appearance, as the probes were */
		assert_memory_equal(&series.slots[i].sa, &probes[i].sa, probes[i].salen);
	}
	assert_string_equal(series.slots[2].proto, "udp");
	assert_int_equal(series.slots[2].open, 0);
	assert_int_equal(series.slots[4].sa.ss_family, AF_INET6);
}

/* A Unix socket's stream and datagram probes share a path and proto: two slots. */
static void test_unix_slots(void **state)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)&probes[0].sa;

	target.is_unix = true;
	result.dns.status = NP_DNS_STATUS_SKIPPED;
	memset(&probes[0], 0, sizeof(probes[0]));
	sun->sun_family = AF_UNIX;
	snprintf(sun->sun_path, sizeof(sun->sun_path), "/run/x.sock");
	probes[0].salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 12);
	probes[0].proto = "unix";
	probes[0].socktype = SOCK_STREAM;
	probes[0].state = NP_STATE_OPEN;
	probes[1] = probes[0];
	probes[1].socktype = SOCK_DGRAM;
	probes[1].state = NP_STATE_WRONG_TYPE;
	result.nprobes = 2;
	assert_int_equal(np_series_add_round(&series, 1, 0, &result, true), 0);
	assert_int_equal(series.nslots, 2);
	assert_int_equal(np_series_verdict(&series), NP_VERDICT_DEGRADED);
}

/* --re-resolve: a new address makes new slots; each round keeps its addresses,
 * and an address seen again is stored once. */
static void test_reresolve_adds_slots(void **state)
{
	add_one(1, NP_STATE_OPEN, 1);
	result.nprobes = 0;
	probe(0, 0x7f000001, 80, "tcp", NP_STATE_OPEN, 1);
	probe(1, 0x7f000002, 80, "tcp", NP_STATE_OPEN, 1);
	resolved(2);
	assert_int_equal(np_series_add_round(&series, 2, 1000, &result, true), 0);
	add_one(3, NP_STATE_OPEN, 1);		/* not resolved: no addresses kept */
	assert_int_equal(series.nslots, 2);
	assert_int_equal(series.slots[0].sent, 3);
	assert_int_equal(series.slots[1].sent, 1);
	assert_int_equal(series.nrounds, 3);
	assert_true(series.rounds[1].resolved);
	assert_int_equal(series.rounds[1].naddrs, 2);
	assert_false(series.rounds[2].resolved);
	assert_int_equal(series.rounds[2].naddrs, 0);
	assert_int_equal(series.naddrs, 2);
	assert_int_equal(series.addr_refs[series.rounds[1].addr_off + 1], 1);
	assert_int_equal(series.last.seq, 3);
	assert_float_equal(series.last.t_ms, 3000.0, 0);
	assert_false(series.last.resolved);
}

/* A kept probe holds its time in microseconds, as JSON shows it. */
static void test_kept_probe(void **state)
{
	add_one(1, NP_STATE_OPEN, 0.0816);
	add_one(2, NP_STATE_CLOSED, 3000.0004);
	assert_int_equal(series.nprobes, 2);
	assert_int_equal(series.probes[0].time_us, 82);
	assert_int_equal(series.probes[0].state, NP_STATE_OPEN);
	assert_int_equal(series.probes[1].time_us, 3000000);
	assert_int_equal(series.probes[1].state, NP_STATE_CLOSED);
	assert_int_equal(series.rounds[1].seq, 2);
	assert_int_equal(series.rounds[1].probe_off, 1);
}

/* Past NP_SERIES_MAX_ROUNDS rounds are counted, not kept. */
static void test_rounds_cap(void **state)
{
	struct np_series_stat st;

	for (unsigned long i = 1; i <= NP_SERIES_MAX_ROUNDS + 3; i++)
		add_one(i, NP_STATE_OPEN, 1);
	assert_int_equal(series.nrounds, NP_SERIES_MAX_ROUNDS);
	assert_int_equal(series.rounds_dropped, 3);
	assert_int_equal(series.rounds_done, NP_SERIES_MAX_ROUNDS + 3);
	assert_int_equal(series.rounds[NP_SERIES_MAX_ROUNDS - 1].seq, NP_SERIES_MAX_ROUNDS);
	stat0(&st);
	assert_int_equal(st.sent, NP_SERIES_MAX_ROUNDS + 3);
}

/* A wide round: rounds stop being kept before the records pass their cap. */
static void test_records_cap(void **state)
{
	size_t rounds = NP_SERIES_MAX_RECORDS / MAXP;

	result.nprobes = 0;
	for (size_t i = 0; i < MAXP; i++)
		probe(i, 0x7f000001, (uint16_t)(i + 1), "tcp", NP_STATE_OPEN, 1);
	resolved(1);
	for (unsigned long seq = 1; seq <= rounds + 2; seq++)
		assert_int_equal(np_series_add_round(&series, seq, 0, &result, false), 0);
	assert_int_equal(series.nrounds, rounds);	/* exactly the cap's records */
	assert_int_equal(series.rounds_dropped, 2);
	assert_int_equal(series.nprobes, NP_SERIES_MAX_RECORDS);
	assert_int_equal(series.slots[MAXP - 1].sent, rounds + 2);
}

/* Past NP_SERIES_MAX_SLOTS, new slots are not made; the old ones still count. */
static void test_slots_cap(void **state)
{
	size_t full = NP_SERIES_MAX_SLOTS / MAXP;

	for (unsigned long seq = 1; seq <= full + 1; seq++) {
		result.nprobes = 0;
		for (size_t i = 0; i < MAXP; i++)
			probe(i, 0x0a000000 + (uint32_t)seq, (uint16_t)(i + 1), "tcp", NP_STATE_OPEN, 1);
		assert_int_equal(np_series_add_round(&series, seq, 0, &result, false), 0);
	}
	assert_int_equal(series.nslots, NP_SERIES_MAX_SLOTS);
	assert_int_equal(series.slots_dropped, MAXP);
	assert_int_equal(series.probes_sent, (full + 1) * MAXP);
	/* an old slot seen again still finds its slot */
	result.nprobes = 0;
	probe(0, 0x0a000001, 1, "tcp", NP_STATE_CLOSED, 1);
	assert_int_equal(np_series_add_round(&series, full + 2, 0, &result, false), 0);
	assert_int_equal(series.slots[0].sent, 2);
	assert_int_equal(series.slots[0].open, 1);
	assert_int_equal(series.slots_dropped, MAXP);
}

static void test_verdict_ok_down_degraded(void **state)
{
	assert_int_equal(np_series_verdict(&series), NP_VERDICT_DOWN);	/* no round yet */
	add_one(1, NP_STATE_OPEN, 1);
	add_one(2, NP_STATE_OPEN, 1);
	assert_int_equal(np_series_verdict(&series), NP_VERDICT_OK);
	add_one(3, NP_STATE_CLOSED, 1);
	assert_int_equal(np_series_verdict(&series), NP_VERDICT_DEGRADED);
	np_series_free(&series);
	add_one(1, NP_STATE_CLOSED, 1);
	add_one(2, NP_STATE_FILTERED, 1);
	assert_int_equal(np_series_verdict(&series), NP_VERDICT_DOWN);
}

/* A name that never resolved: dns_failed, as a single run says; once failed
 * among good rounds: degraded. */
static void test_verdict_dns(void **state)
{
	result.dns.status = NP_DNS_STATUS_TIMEOUT;
	result.nprobes = 0;
	resolved(0);
	for (unsigned long seq = 1; seq <= 2; seq++)
		assert_int_equal(np_series_add_round(&series, seq, 0, &result, true), 0);
	assert_int_equal(np_series_verdict(&series), NP_VERDICT_DNS_FAILED);
	assert_int_equal(series.nslots, 0);
	assert_int_equal(series.rounds[1].naddrs, 0);
	result.dns.status = NP_DNS_STATUS_OK;
	add_one(3, NP_STATE_OPEN, 1);
	assert_int_equal(np_series_verdict(&series), NP_VERDICT_DEGRADED);
}

/* Whichever allocation fails, the round is refused whole: nothing counted, no
 * round kept, and the same round is added once memory is back. */
static void test_out_of_memory(void **state)
{
	int failures = 0;

	for (int k = 1; k < 50; k++) {
		np_series_free(&series);
		add_one(1, NP_STATE_OPEN, 1);
		result.nprobes = 0;
		probe(0, 0x7f000001, 80, "tcp", NP_STATE_OPEN, 2);
		for (size_t i = 1; i < 40; i++)
			probe(i, 0x7f000002, (uint16_t)i, "udp", NP_STATE_CLOSED, 1);
		resolved(2);
		fail_in = k;
		if (np_series_add_round(&series, 2, 1000, &result, true) == 0) {
			fail_in = 0;
			break;	/* k passed the allocations a round makes */
		}
		failures++;
		assert_int_equal(series.nslots, 1);
		assert_int_equal(series.slots[0].sent, 1);
		assert_int_equal(series.nrounds, 1);
		assert_int_equal(series.rounds_done, 1);
		assert_int_equal(series.last.seq, 1);
		assert_int_equal(np_series_add_round(&series, 2, 1000, &result, true), 0);
		assert_int_equal(series.nslots, 40);
		assert_int_equal(series.slots[0].sent, 2);
		assert_int_equal(series.nrounds, 2);
	}
	assert_true(failures >= 3);	/* slots, index, round records: each one failed */
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_ping_formula), T(test_single_sample), T(test_all_lost), T(test_some_lost),
		T(test_large_equal_values), T(test_tiny_values), T(test_slot_keys),
		T(test_unix_slots), T(test_reresolve_adds_slots), T(test_kept_probe),
		T(test_rounds_cap), T(test_records_cap), T(test_slots_cap),
		T(test_verdict_ok_down_degraded), T(test_verdict_dns), T(test_out_of_memory),
	};
#undef T
	return cmocka_run_group_tests_name("series", tests, NULL, NULL);
}
