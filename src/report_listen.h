/* Reporters of the server (netprobe listen): one line, or one JSON object, per
 * event as it happens. A table row per format, like the probe reporters. */
#ifndef NP_REPORT_LISTEN_H
#define NP_REPORT_LISTEN_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>
#include "format.h"
#include "listen.h"

struct np_listen_reporter {
	/* 0, or -1 with errno when out cannot be written (EPIPE: the reader is gone) */
	int (*event)(FILE *out, bool dump, const struct np_listen_event *ev);
};

/* Indexed by the format; a NULL event where listen does not have it. */
extern const struct np_listen_reporter np_listen_reporters[NP_FORMAT_END];
/* The event as a JSON object (exposed for the unit tests). */
json_t *np_json_listen_event(const struct np_listen_event *ev);
/* "loopback", "all_interfaces" or "address": who can reach a bound address. */
const char *np_bind_scope(const struct sockaddr *sa);

#endif
