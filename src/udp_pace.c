/* Pacing UDP datagrams per destination host, against the ICMP rate limit of its
 * kernel. The model is Linux's token bucket (a burst of NP_PACE_BURST, then one
 * per interval), learnt from what comes back: ICMP errors are the tokens the
 * host spent. Resends go out one at a time, judged a window at a time. All
 * answered: faster (halving until the host is seen to lose some, then by a
 * fifth, then halving again). Some lost: the host spent one token per
 * interval * sent / answered, so that is the pace. Going too fast costs
 * resends, not answers (the host answers at its rate whatever comes); going too
 * slow costs time. So a lost datagram never counts twice (only the window it
 * left in judges it), a slow pace is not kept for good, and silent probes are
 * resent while their timeout lasts, fewest resends first: no budget of tries
 * runs out while time remains. */
#include <config.h>
#include <errno.h>
#include <stdlib.h>
#include "clock.h"
#include "probe.h"
#include "udp_pace.h"

static void on_timer(void *arg);

void np_udp_pace_init(struct np_udp_pace *pc, struct np_loop *loop, unsigned retries)
{
	*pc = (struct np_udp_pace){ .loop = loop, .retries = retries,
				    .interval_ms = NP_PACE_INTERVAL_MS,
				    .token_ms = NP_PACE_INTERVAL_MS,
				    .t_first = -1, .t_last = -1, .t_icmp = -1 };
	np_timer_init(&pc->timer, on_timer, pc);
}

void np_udp_pace_free(struct np_udp_pace *pc)
{
	np_timer_cancel(pc->loop, &pc->timer);
	free(pc->probes);
	pc->probes = NULL;
	pc->nprobes = pc->cap = 0;
}

int np_udp_pace_join(struct np_udp_pace *pc, struct np_probe *p, np_pace_send send)
{
	pc->send = send;
	if (pc->nprobes == pc->cap) {
		size_t cap = pc->cap ? 2 * pc->cap : 8;
		struct np_probe **n = realloc(pc->probes, cap * sizeof(*n));

		if (!n) {
			errno = ENOMEM;
			return -1;
		}
		pc->probes = n;
		pc->cap = cap;
	}
	pc->probes[pc->nprobes++] = p;
	return 0;
}

bool np_udp_pace_limiting(const struct np_udp_pace *pc)
{
	return pc->limiting && !pc->unlimited;
}

/* A silent probe is resent while its timeout lasts (its own timer ends it);
 * NP_PACE_TRIES_MAX only bounds the count. --retries 0: never. */
static bool may_resend(const struct np_udp_pace *pc, const struct np_pace_slot *s)
{
	return pc->retries > 0 && s->paced < NP_PACE_TRIES_MAX;
}

/* The silent probe to resend next: fewest paced datagrams, then the one whose
 * latest datagram is oldest. NULL when none may have another. */
static struct np_probe *next_probe(const struct np_udp_pace *pc)
{
	struct np_probe *best = NULL;

	for (size_t i = 0; i < pc->nprobes; i++) {
		struct np_probe *p = pc->probes[i];

		if (p->fd < 0 || !may_resend(pc, &p->pace_slot))
			continue;
		if (!best || p->pace_slot.paced < best->pace_slot.paced ||
		    (p->pace_slot.paced == best->pace_slot.paced &&
		     p->pace_slot.t_sent < best->pace_slot.t_sent))
			best = p;
	}
	return best;
}

static void arm(struct np_udp_pace *pc)
{
	if (np_udp_pace_limiting(pc) && next_probe(pc))
		np_timer_arm(pc->loop, &pc->timer, pc->t_last + pc->interval_ms);
	else
		np_timer_cancel(pc->loop, &pc->timer);
}

static double clamp_pace(double ms)
{
	return ms < NP_PACE_MIN_MS ? NP_PACE_MIN_MS : ms > NP_PACE_MAX_MS ? NP_PACE_MAX_MS : ms;
}

/* A window of paced datagrams is over: the next pace from what they drew. Only
 * ICMP errors count (an open port's reply spends no token). One silent datagram
 * is no loss yet: an open or filtered port is silent too, and on a busy machine
 * an answer can come after the window is judged. A window that drew none slows
 * down (the host may have stopped answering, or the ports left never answer). */
static void judge_window(struct np_udp_pace *pc, double now)
{
	if (pc->win_icmp + 1 >= pc->win_sent) {
		/* a fifth faster after a measure; twice as fast from the second
		 * answered window in a row (another prober sharing the host's
		 * bucket has gone, say) */
		pc->interval_ms *= pc->measured && !pc->answered_window ? 0.8 : 0.5;
		pc->answered_window = true;
	} else if (pc->win_icmp == 0) {
		pc->interval_ms *= 2;
	} else {
		pc->token_ms = pc->interval_ms * pc->win_sent / pc->win_icmp;
		pc->interval_ms = pc->token_ms;
		pc->measured = true;
	}
	if (pc->win_icmp + 1 < pc->win_sent)
		pc->answered_window = false;
	pc->interval_ms = clamp_pace(pc->interval_ms);
	pc->t_window = now;
	pc->win_sent = pc->win_icmp = 0;
}

/* Half a window is enough to go faster while the pace is still halving (the
 * host's rate is found sooner); a rate is only measured on a whole window, as
 * three datagrams give too coarse a ratio. */
static bool window_over(const struct np_udp_pace *pc)
{
	if (!pc->measured && pc->win_icmp >= pc->win_sent)
		return pc->win_sent >= NP_PACE_WINDOW / 2;
	return pc->win_sent >= NP_PACE_WINDOW;
}

static void on_timer(void *arg)
{
	struct np_udp_pace *pc = arg;
	struct np_probe *p = next_probe(pc);

	if (window_over(pc))
		judge_window(pc, np_now_ms());
	if (p && np_udp_pace_limiting(pc))
		pc->send(p);		/* calls np_udp_pace_sent, or finishes p */
	arm(pc);
}

void np_udp_pace_sent(struct np_udp_pace *pc, struct np_probe *p, bool paced)
{
	struct np_pace_slot *s = &p->pace_slot;
	double now = np_now_ms();

	if (pc->t_first < 0)
		pc->t_first = now;
	pc->t_last = now;
	s->t_sent = now;
	if (!paced)
		return;
	/* a token a whole host interval after the latest one spent: if the port is
	 * closed, this datagram is answered */
	if (pc->t_icmp < 0 || now - pc->t_icmp >= 0.99 * pc->token_ms)
		s->clean = true;
	if (pc->win_sent == 0)
		pc->t_window = now;
	pc->win_sent++;
	s->t_paced = now;
	s->paced++;
}

static bool any_silent(const struct np_udp_pace *pc, const struct np_probe *except)
{
	for (size_t i = 0; i < pc->nprobes; i++)
		if (pc->probes[i] != except && pc->probes[i]->fd >= 0)
			return true;
	return false;
}

void np_udp_pace_answered(struct np_udp_pace *pc, struct np_probe *p, bool icmp)
{
	struct np_pace_slot *s = &p->pace_slot;
	double now = np_now_ms();

	if (icmp) {
		pc->icmp++;
		pc->t_icmp = now;
		if (s->paced == 0 && now - pc->t_first < NP_PACE_INTERVAL_MS &&
		    ++pc->icmp_early > NP_PACE_BURST + 2)
			pc->unlimited = true;	/* first tries: more than a burst at once */
		if (p->res->tries >= 2)
			pc->limiting = true;	/* a resend drew what the first try did not */
		else if (pc->icmp >= NP_PACE_BURST && any_silent(pc, p))
			pc->limiting = true;	/* the answers stopped after a burst */
		if (s->paced > 0 && s->t_paced >= pc->t_window && pc->win_sent > 0)
			pc->win_icmp++;		/* drawn by a datagram of this window */
	}
	arm(pc);
}

bool np_udp_pace_suspect(const struct np_udp_pace *pc, const struct np_probe *p)
{
	return np_udp_pace_limiting(pc) && !p->pace_slot.clean;
}
