/* The pieces of --count output that the text, json and ndjson reporters share:
 * a round's lines and objects, the kept rounds, and ping's statistics block.
 * Only the text functions print, and only to the FILE they are given. */
#ifndef NP_REPORT_SERIES_H
#define NP_REPORT_SERIES_H

#include <stdio.h>
#include <jansson.h>
#include "result.h"
#include "series.h"

/* Each takes a result whose round was added to r->series (np_series_add_round)
 * with r->seq set: the live round is r's probes and DNS, the series says when
 * (last.t_ms) and whether it resolved (last.resolved). */

/* One line per probe: "ADDRESS PORT/PROTO: seq=N STATE time=T ms[: message]"
 * (a Unix socket: "PATH stream:" or "PATH dgram:"). */
void np_text_round_probes(FILE *out, const struct np_target_result *r);
/* A re-resolved round: "seq=N: dns STATUS in T ms, K addresses[: message]". */
void np_text_round_dns(FILE *out, const struct np_target_result *r);
/* "--- HOST statistics: R rounds ---", then per (address, port, transport):
 * "ADDRESS PORT/PROTO: S sent, O open, L% loss, time min/avg/max/mdev =
 * a/b/c/d ms" (no time part when O is 0). */
void np_text_statistics(FILE *out, const struct np_target_result *r);

/* The live round: {seq, t_ms, dns (null unless resolved), probes [{address,
 * family, port, proto, socktype, state, time_ms, error}]}. */
json_t *np_json_round(const struct np_target_result *r);
/* The same as an ndjson line: {"type":"round", "input", then the round's keys}. */
json_t *np_json_round_event(const struct np_target_result *r);
/* The kept rounds, as np_json_round but without probe errors (not kept). */
json_t *np_json_rounds(const struct np_series *s);
/* Per slot: {address, family, port, proto, socktype, sent, open, loss_percent,
 * min_ms, avg_ms, max_ms, mdev_ms}, times null when open is 0. */
json_t *np_json_statistics(const struct np_series *s);
/* Set "rounds", "rounds_dropped", "statistics" on a target object: from
 * r->series, or null, 0, null when not counting. */
void np_json_add_series(json_t *target, const struct np_target_result *r);

#endif
