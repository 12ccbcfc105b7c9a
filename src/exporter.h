/* netprobe exporter: the Prometheus multi-target exporter (blackbox_exporter's
 * pattern). GET /probe?target=...&module=... runs one probe on the exporter's
 * event loop and answers with its metrics (docs/METRICS.md); /metrics has the
 * exporter's own; / says what it is. One thread: HTTP (libmicrohttpd, see
 * http_mhd.h), DNS (c-ares) and every probe share the loop; a /probe
 * connection is suspended while its probe runs. */
#ifndef NP_EXPORTER_H
#define NP_EXPORTER_H

#include <stdbool.h>
#include <sys/socket.h>
#include "resolve.h"

#define NP_EXPORTER_PORT 9116		/* blackbox_exporter's 9115, plus one: both fit */
#define NP_EXPORTER_MAX_PROBES 64
#define NP_EXPORTER_MAX_TIMEOUT_MS 30000.0
#define NP_EXPORTER_CLIENT_TIMEOUT_S 5	/* a client that has not sent its request */
#define NP_EXPORTER_MAX_QUERY 2048	/* bytes of query parameters: more is 413 */

struct np_exporter_config {
	struct sockaddr_storage listen;	/* --listen */
	socklen_t listen_len;
	struct np_resolve_opts resolve;	/* @SERVER, -4/-6, -T (the DNS phase) */
	double timeout_ms;		/* -T: each probe's, unless the scrape asks less */
	double max_timeout_ms;		/* --max-timeout: no URL or header asks more */
	unsigned max_probes;		/* --max-probes: probes at once; more get 503 */
	unsigned max_clients;		/* connections at once */
	unsigned client_timeout_s;	/* a silent client is closed after this */
	bool allow_unix;		/* --allow-unix: module=unix is served */
};

struct exporter;

/* Listen on cfg->listen (cfg must outlive the exporter); NULL with *code 2
 * when the address cannot be listened on (said on stderr), 3 when the loop
 * cannot start. */
struct exporter *np_exporter_open(const struct np_exporter_config *cfg, int *code);
/* Serve until SIGINT or SIGTERM, then free ex; 0 after a clean stop. */
int np_exporter_serve(struct exporter *ex);

#endif
