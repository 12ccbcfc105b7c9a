/* Pacing UDP datagrams per destination host, against the ICMP rate limit of its
 * kernel. The model is Linux's token bucket (a burst of NP_PACE_BURST, then one
 * per interval), learnt from what comes back: ICMP errors are the tokens the
 * host spent. Resends start at one a second, go faster while every one of them
 * is answered, and slow down for good when one was lost (a port silent to a
 * paced datagram answered a later one). */
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
				    .confirmed_ms = NP_PACE_INTERVAL_MS,
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

/* A paced datagram that left after this much quiet found a token in the host's
 * bucket, as far as is known: at least the pace, and no faster than a paced
 * datagram was ever answered. */
static bool at_pace(const struct np_udp_pace *pc, double quiet)
{
	double pace = pc->interval_ms > pc->confirmed_ms ? pc->interval_ms : pc->confirmed_ms;

	return quiet >= 0.99 * pace;
}

/* The timeout is spent on the silent ports: --retries paced datagrams and
 * NP_PACE_EXTRA more, since any of them may have met an empty bucket (a host's
 * bucket can hold a few tokens, so an answer does not prove the pace). */
static bool may_resend(const struct np_udp_pace *pc, const struct np_pace_slot *s)
{
	return pc->retries > 0 && s->paced < pc->retries + NP_PACE_EXTRA;
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

static void on_timer(void *arg)
{
	struct np_udp_pace *pc = arg;
	struct np_probe *p = next_probe(pc);

	if (p && np_udp_pace_limiting(pc))
		pc->send(p);		/* calls np_udp_pace_sent, or finishes p */
	arm(pc);
}

void np_udp_pace_sent(struct np_udp_pace *pc, struct np_probe *p, bool paced)
{
	struct np_pace_slot *s = &p->pace_slot;
	double now = np_now_ms();
	double quiet = pc->t_icmp < 0 ? NP_PACE_MAX_MS : now - pc->t_icmp;

	if (pc->t_first < 0)
		pc->t_first = now;
	pc->t_last = now;
	s->t_sent = now;
	if (!paced)
		return;
	/* an earlier paced datagram still unanswered met silence: the run is broken */
	for (size_t i = 0; i < pc->nprobes; i++) {
		struct np_pace_slot *o = &pc->probes[i]->pace_slot;

		if (pc->probes[i] != p && pc->probes[i]->fd >= 0 && o->pending) {
			o->pending = false;
			pc->streak = 0;
		}
	}
	if (s->paced == 0 || quiet > s->max_quiet)
		s->max_quiet = quiet;
	s->quiet_prev = s->quiet_last;
	s->quiet_last = quiet;
	s->paced++;
	s->pending = true;
}

/* An ICMP error answered a paced datagram: every such in a row is room to go
 * faster; an ICMP error for a probe whose earlier paced datagram met silence
 * means that one was lost to the limit: back to a slower pace, for good. */
static void learn_rate(struct np_udp_pace *pc, struct np_pace_slot *s)
{
	if (s->paced >= 2) {
		if (s->quiet_prev >= 0.99 * pc->interval_ms && pc->interval_ms < NP_PACE_MAX_MS)
			pc->interval_ms *= 2;
		pc->settled = true;
		pc->streak = 0;
		return;
	}
	if (s->pending && s->quiet_last < pc->confirmed_ms)
		pc->confirmed_ms = s->quiet_last;
	if (s->pending && ++pc->streak >= NP_PACE_STREAK && !pc->settled &&
	    pc->interval_ms / 2 >= NP_PACE_MIN_MS) {
		pc->interval_ms /= 2;
		pc->streak = 0;
	}
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

	if (icmp) {
		pc->icmp++;
		pc->t_icmp = np_now_ms();
		if (np_now_ms() - pc->t_first < NP_PACE_INTERVAL_MS &&
		    ++pc->icmp_early > NP_PACE_BURST + 2)
			pc->unlimited = true;	/* more than a burst at once: no limit here */
		if (p->res->tries >= 2)
			pc->limiting = true;	/* a resend drew what the first try did not */
		else if (pc->icmp >= NP_PACE_BURST && any_silent(pc, p))
			pc->limiting = true;	/* the answers stopped after a burst */
		learn_rate(pc, s);
	}
	s->pending = false;
	arm(pc);
}

bool np_udp_pace_suspect(const struct np_udp_pace *pc, const struct np_probe *p)
{
	return np_udp_pace_limiting(pc) &&
	       (p->pace_slot.paced == 0 || !at_pace(pc, p->pace_slot.max_quiet));
}
