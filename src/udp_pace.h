/* Pacing UDP datagrams to one host that may rate-limit its ICMP errors. A Linux
 * host answers a burst of 6 datagrams to closed ports with ICMP port
 * unreachable, then about one an interval (net.ipv4.icmp_ratelimit, per
 * destination; loopback is exempt): the others are silent, and silence would
 * read as open_filtered. So the first datagram of every probe goes out at once;
 * when the ICMP answers stop in a burst (or a resend draws the ICMP a first try
 * did not), the resends of the silent probes go out one at a time, at the rate
 * the host is seen to answer, until their timeout; a probe still silent that
 * never had a datagram leave when the host surely had an answer to spare is
 * flagged. */
#ifndef NP_UDP_PACE_H
#define NP_UDP_PACE_H

#include <stdbool.h>
#include <stddef.h>
#include "loop.h"

#define NP_PACE_BURST 6			/* Linux: ICMP errors a host sends before it limits */
#define NP_PACE_INTERVAL_MS 1000.0	/* Linux default: one ICMPv4 error a second */
#define NP_PACE_MIN_MS 5.0
#define NP_PACE_MAX_MS 8000.0
#define NP_PACE_WINDOW 6		/* paced datagrams judged together before a new pace */
#define NP_PACE_TRIES_MAX 64		/* paced datagrams per probe at most: a bound on count */

struct np_probe;
typedef void (*np_pace_send)(struct np_probe *p);

/* What the pacer knows of one probe (lives in struct np_probe). */
struct np_pace_slot {
	unsigned paced;		/* datagrams the pacer sent for it */
	double t_sent;		/* its latest datagram */
	double t_paced;		/* its latest paced datagram */
	bool clean;		/* one of them left when the host had a token to answer it */
};

struct np_udp_pace {
	struct np_loop *loop;
	struct np_timer timer;		/* the next paced datagram */
	np_pace_send send;
	struct np_probe **probes;	/* UDP probes to this host; not owned */
	size_t nprobes, cap;
	unsigned retries;		/* --retries; 0: no paced datagrams */
	double interval_ms;		/* between paced datagrams */
	double token_ms;		/* the host's ICMP interval, as measured */
	double t_first, t_last;		/* first and latest datagram to this host; < 0: none */
	double t_icmp;			/* its latest ICMP error; < 0: none */
	double t_window;		/* the current window of paced datagrams began */
	unsigned win_sent, win_icmp;	/* paced datagrams in it; ICMP errors they drew */
	unsigned icmp, icmp_early;	/* ICMP errors; those in the first interval */
	bool limiting;			/* the host was seen rate-limiting ICMP */
	bool unlimited;			/* it answered more than a limited host could */
	bool measured;			/* a window lost datagrams: token_ms is the host's */
	bool answered_window;		/* the latest window judged was answered */
};

/* retries: --retries; 0: nothing is resent, paced or not. */
void np_udp_pace_init(struct np_udp_pace *pc, struct np_loop *loop, unsigned retries);
void np_udp_pace_free(struct np_udp_pace *pc);
/* Count p among the host's probes; send is how the pacer resends for it.
 * -1 (ENOMEM) when it cannot be. */
int np_udp_pace_join(struct np_udp_pace *pc, struct np_probe *p, np_pace_send send);
/* True while resends go through the pacer rather than the probe's own schedule. */
bool np_udp_pace_limiting(const struct np_udp_pace *pc);
/* A datagram for p has just been sent; paced: by the pacer. */
void np_udp_pace_sent(struct np_udp_pace *pc, struct np_probe *p, bool paced);
/* p got its answer: an ICMP error (icmp) or a datagram. Call before finishing p. */
void np_udp_pace_answered(struct np_udp_pace *pc, struct np_probe *p, bool icmp);
/* p stayed silent until its timeout: was it possibly silenced by the host's ICMP
 * rate limit (no datagram of it went out when the host had a token to answer)? */
bool np_udp_pace_suspect(const struct np_udp_pace *pc, const struct np_probe *p);

#endif
