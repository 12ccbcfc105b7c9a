/* Repeated probes (--count): what each (address, port, transport) did over the
 * rounds, as ping counts it, and the rounds themselves kept compactly for the
 * JSON report. Plain bookkeeping: nothing here prints or touches the network. */
#ifndef NP_SERIES_H
#define NP_SERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include "result.h"

/* Rounds kept for the report; later rounds still count in the statistics. */
#define NP_SERIES_MAX_ROUNDS 10000
/* Probe and address records kept over all kept rounds (8 to 12 bytes each):
 * a round that would pass it is not kept, so a wide target stays in MiBs. */
#define NP_SERIES_MAX_RECORDS 262144
/* Slots: every probe of one round has its slot even at the widest target
 * (NP_MAX_ADDRS x NP_MAX_PORTS x tcp and udp); only addresses that change
 * under --re-resolve can overflow it. */
#define NP_SERIES_MAX_SLOTS (NP_MAX_ADDRS * NP_MAX_PORTS * 2)

/* One (address, port, transport): the key is the sockaddr's bytes (with the
 * port), the transport's name and socket type. */
struct np_series_slot {
	struct sockaddr_storage sa;
	socklen_t salen;
	char proto[8];			/* "tcp", "udp", "unix" */
	int socktype;			/* SOCK_STREAM, SOCK_DGRAM (tells Unix kinds apart) */
	unsigned long sent, open;	/* completed probes; those that succeeded */
	double min_ms, max_ms;		/* over the open ones */
	double sum_ms, sum2_ms;		/* sum of time_ms, of time_ms squared */
};

/* One probe of a kept round: its slot, state, and time in whole microseconds
 * (what every JSON time shows: np_json_ms rounds to the microsecond). */
struct np_series_probe {
	uint32_t slot;
	uint32_t time_us;
	uint8_t state;			/* enum np_probe_state */
};

struct np_series_round {
	unsigned long seq;
	double t_ms;			/* since the series began */
	bool resolved;			/* this round resolved the name (dns kept) */
	uint8_t dns_status;		/* enum np_dns_status, when resolved */
	double dns_time_ms;
	size_t addr_off, naddrs;	/* into np_series.addr_refs, when resolved */
	size_t probe_off, nprobes;	/* into np_series.probes */
};

/* The round last added, kept or not: what the live round's reporters need. */
struct np_series_last {
	unsigned long seq;
	double t_ms;
	bool resolved;
};

struct np_series {
	struct np_series_slot *slots;	/* in order of first appearance */
	size_t nslots, slots_cap;
	uint32_t *index;		/* open addressing: slot + 1, 0 empty */
	size_t index_cap;		/* a power of two, > 2 x nslots */
	unsigned long slots_dropped;	/* most probes of one round with no slot */

	struct np_series_round *rounds;	/* the first rounds, in order */
	size_t nrounds, rounds_cap;
	unsigned long rounds_dropped;	/* rounds not kept: past a cap */
	struct np_series_probe *probes;
	size_t nprobes, probes_cap;
	/* A re-resolved round's addresses: indices into addrs (port 0), so a
	 * name that keeps its addresses costs 4 bytes an address a round. */
	uint32_t *addr_refs;
	size_t naddr_refs, addr_refs_cap;
	struct sockaddr_storage *addrs;
	size_t naddrs, addrs_cap;

	/* For the verdict and the statistics heading. */
	unsigned long rounds_done;	/* rounds added */
	unsigned long rounds_dns_failed;	/* rounds whose name did not resolve */
	unsigned long probes_sent, probes_open;
	struct np_series_last last;
};

struct np_series_stat {
	unsigned long sent, open;
	double loss_percent;		/* 100 * (sent - open) / sent; 0 when nothing sent */
	bool has_times;			/* open > 0: else the times are 0 and mean nothing */
	double min_ms, avg_ms, max_ms, mdev_ms;
};

void np_series_init(struct np_series *s);
void np_series_free(struct np_series *s);
/* Count a completed round r (its probes all finished; an abandoned round is
 * not added). resolved: this round resolved the name (always round 1, every
 * round with --re-resolve). 0, or -1 (ENOMEM) with the series unchanged. */
int np_series_add_round(struct np_series *s, unsigned long seq, double t_ms,
			const struct np_target_result *r, bool resolved);
/* ping's statistics of one slot: avg = sum / n, mdev = sqrt(sum2 / n - avg^2)
 * over the open probes' connect times (a rounding below zero is 0). */
void np_series_stat(const struct np_series_slot *slot, struct np_series_stat *out);
/* ok: every probe of every round succeeded; dns_failed: the name failed to
 * resolve every round; down: no probe succeeded; degraded otherwise. */
enum np_verdict np_series_verdict(const struct np_series *s);

#endif
