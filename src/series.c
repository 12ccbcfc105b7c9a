/* Repeated probes, counted as ping counts them. Every allocation a round needs is
 * made before anything is counted, so a round is added whole or not at all. */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "series.h"

void np_series_init(struct np_series *s)
{
	*s = (struct np_series){ 0 };
}

void np_series_free(struct np_series *s)
{
	free(s->slots);
	free(s->index);
	free(s->rounds);
	free(s->probes);
	free(s->addr_refs);
	free(s->addrs);
	np_series_init(s);
}

/* Room for want elements of size in *arr (capacity *cap), doubling. */
static int reserve(void *arr, size_t *cap, size_t want, size_t size)
{
	size_t n = *cap ? *cap : 8;
	void *p;

	if (want <= *cap)
		return 0;
	while (n < want)
		n *= 2;
	p = realloc(*(void **)arr, n * size);
	if (!p)
		return -1;
	*(void **)arr = p;
	*cap = n;
	return 0;
}

/* FNV-1a over the key: the address bytes, the transport and its socket type. */
static uint32_t key_hash(const struct sockaddr_storage *sa, socklen_t salen, const char *proto,
			 int socktype)
{
	const uint8_t *b = (const uint8_t *)sa;
	uint32_t h = 2166136261u;

	for (socklen_t i = 0; i < salen; i++)
		h = (h ^ b[i]) * 16777619u;
	for (const char *c = proto; *c; c++)
		h = (h ^ (uint8_t)*c) * 16777619u;
	return (h ^ (uint32_t)socktype) * 16777619u;
}

static bool slot_is(const struct np_series_slot *sl, const struct np_probe_result *p)
{
	return sl->salen == p->salen && sl->socktype == p->socktype &&
	       strcmp(sl->proto, p->proto) == 0 && memcmp(&sl->sa, &p->sa, p->salen) == 0;
}

static uint32_t *index_cell(const struct np_series *s, const struct np_probe_result *p)
{
	size_t mask = s->index_cap - 1;
	size_t i = key_hash(&p->sa, p->salen, p->proto, p->socktype) & mask;

	while (s->index[i] && !slot_is(&s->slots[s->index[i] - 1], p))
		i = (i + 1) & mask;
	return &s->index[i];
}

/* An index of at least 2 x want cells (a power of two), rebuilt from the slots. */
static int reserve_index(struct np_series *s, size_t want)
{
	size_t cap = s->index_cap ? s->index_cap : 16;
	uint32_t *old = s->index;

	while (cap < 2 * want + 1)
		cap *= 2;
	if (cap == s->index_cap)
		return 0;
	if (!(s->index = calloc(cap, sizeof(*s->index)))) {
		s->index = old;
		return -1;
	}
	free(old);
	s->index_cap = cap;
	for (size_t k = 0; k < s->nslots; k++) {
		struct np_probe_result key = { .sa = s->slots[k].sa, .salen = s->slots[k].salen,
					       .proto = s->slots[k].proto,
					       .socktype = s->slots[k].socktype };

		*index_cell(s, &key) = (uint32_t)k + 1;
	}
	return 0;
}

/* p's slot, made when it is new and there is room; -1 when there is none. */
static long slot_of(struct np_series *s, const struct np_probe_result *p)
{
	uint32_t *cell = index_cell(s, p);
	struct np_series_slot *sl;

	if (*cell)
		return (long)*cell - 1;
	if (s->nslots == NP_SERIES_MAX_SLOTS)
		return -1;
	sl = &s->slots[s->nslots];
	*sl = (struct np_series_slot){ .sa = p->sa, .salen = p->salen, .socktype = p->socktype };
	snprintf(sl->proto, sizeof(sl->proto), "%s", p->proto);
	*cell = (uint32_t)++s->nslots;
	return (long)s->nslots - 1;
}

static void count_probe(struct np_series_slot *sl, const struct np_probe_result *p)
{
	double t = p->time_ms;

	sl->sent++;
	if (!np_probe_succeeded(p))
		return;
	if (sl->open == 0 || t < sl->min_ms)
		sl->min_ms = t;
	if (sl->open == 0 || t > sl->max_ms)
		sl->max_ms = t;
	sl->open++;
	sl->sum_ms += t;
	sl->sum2_ms += t * t;
}

static uint32_t time_us(double ms)
{
	double us = round(ms * 1000.0);

	return us <= 0 ? 0 : us >= (double)UINT32_MAX ? UINT32_MAX : (uint32_t)us;
}

/* The index of an address (port 0) in the series' table, added when new. */
static uint32_t address_ref(struct np_series *s, const struct sockaddr_storage *sa)
{
	for (size_t i = 0; i < s->naddrs; i++)
		if (s->addrs[i].ss_family == sa->ss_family &&
		    memcmp(&s->addrs[i], sa, np_sockaddr_len(sa)) == 0)
			return (uint32_t)i;
	s->addrs[s->naddrs] = *sa;
	return (uint32_t)s->naddrs++;
}

/* Whether round r can be kept: under the caps, with its room reserved.
 * -1: out of memory. */
static int keep_room(struct np_series *s, const struct np_target_result *r, bool resolved)
{
	size_t naddrs = resolved ? r->dns.naddrs : 0;

	if (s->nrounds == NP_SERIES_MAX_ROUNDS ||
	    s->nprobes + s->naddr_refs + r->nprobes + naddrs > NP_SERIES_MAX_RECORDS)
		return 0;
	if (reserve(&s->rounds, &s->rounds_cap, s->nrounds + 1, sizeof(*s->rounds)) < 0 ||
	    reserve(&s->probes, &s->probes_cap, s->nprobes + r->nprobes, sizeof(*s->probes)) < 0 ||
	    reserve(&s->addr_refs, &s->addr_refs_cap, s->naddr_refs + naddrs,
		    sizeof(*s->addr_refs)) < 0 ||
	    reserve(&s->addrs, &s->addrs_cap, s->naddrs + naddrs, sizeof(*s->addrs)) < 0)
		return -1;
	return 1;
}

static void keep_round(struct np_series *s, const struct np_target_result *r, bool resolved,
		       const long *slot)
{
	struct np_series_round *k = &s->rounds[s->nrounds++];

	*k = (struct np_series_round){ .seq = s->last.seq, .t_ms = s->last.t_ms,
				       .resolved = resolved, .probe_off = s->nprobes,
				       .addr_off = s->naddr_refs };
	if (resolved) {
		k->dns_status = (uint8_t)r->dns.status;
		k->dns_time_ms = r->dns.time_ms;
		for (size_t i = 0; i < r->dns.naddrs; i++)
			s->addr_refs[s->naddr_refs++] = address_ref(s, &r->dns.addrs[i].sa);
		k->naddrs = r->dns.naddrs;
	}
	for (size_t i = 0; i < r->nprobes; i++) {
		if (slot[i] < 0)
			continue;	/* no slot to name it by */
		s->probes[s->nprobes++] = (struct np_series_probe){ .slot = (uint32_t)slot[i],
			.time_us = time_us(r->probes[i].time_ms), .state = (uint8_t)r->probes[i].state };
		k->nprobes++;
	}
}

int np_series_add_round(struct np_series *s, unsigned long seq, double t_ms,
			const struct np_target_result *r, bool resolved)
{
	size_t want = s->nslots + r->nprobes;
	unsigned long unslotted = 0, open = 0;
	long *slot;
	int keep;

	if (want > NP_SERIES_MAX_SLOTS)
		want = NP_SERIES_MAX_SLOTS;
	if (reserve(&s->slots, &s->slots_cap, want, sizeof(*s->slots)) < 0 ||
	    reserve_index(s, want) < 0 || (keep = keep_room(s, r, resolved)) < 0)
		return -1;
	if (!(slot = malloc((r->nprobes ? r->nprobes : 1) * sizeof(*slot))))
		return -1;
	/* from here on nothing fails: the round is counted whole */
	s->last = (struct np_series_last){ .seq = seq, .t_ms = t_ms, .resolved = resolved };
	for (size_t i = 0; i < r->nprobes; i++) {
		open += np_probe_succeeded(&r->probes[i]);
		slot[i] = slot_of(s, &r->probes[i]);
		if (slot[i] < 0) {
			unslotted++;
			continue;
		}
		count_probe(&s->slots[slot[i]], &r->probes[i]);
	}
	if (unslotted > s->slots_dropped)
		s->slots_dropped = unslotted;
	if (keep)
		keep_round(s, r, resolved, slot);
	else
		s->rounds_dropped++;
	free(slot);
	s->rounds_done++;
	s->rounds_dns_failed += np_dns_failed(r);
	s->probes_sent += r->nprobes;
	s->probes_open += open;
	return 0;
}

void np_series_stat(const struct np_series_slot *slot, struct np_series_stat *out)
{
	double n = (double)slot->open, var;

	*out = (struct np_series_stat){ .sent = slot->sent, .open = slot->open };
	if (slot->sent)
		out->loss_percent = 100.0 * (double)(slot->sent - slot->open) / (double)slot->sent;
	if (!slot->open)
		return;
	out->has_times = true;
	out->min_ms = slot->min_ms;
	out->max_ms = slot->max_ms;
	out->avg_ms = slot->sum_ms / n;
	/* ping's formula; the difference of two near-equal sums can round below 0 */
	var = slot->sum2_ms / n - out->avg_ms * out->avg_ms;
	out->mdev_ms = var > 0 ? sqrt(var) : 0;
}

enum np_verdict np_series_verdict(const struct np_series *s)
{
	if (s->rounds_done && s->rounds_dns_failed == s->rounds_done)
		return NP_VERDICT_DNS_FAILED;
	if (s->probes_open == 0)
		return NP_VERDICT_DOWN;
	if (s->probes_open == s->probes_sent && s->rounds_dns_failed == 0)
		return NP_VERDICT_OK;
	return NP_VERDICT_DEGRADED;
}
