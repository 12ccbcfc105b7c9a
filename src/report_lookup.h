/* Reporters of netprobe lookup: dig-style text, +short, and JSON. */
#ifndef NP_REPORT_LOOKUP_H
#define NP_REPORT_LOOKUP_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>
#include "format.h"
#include "lookup.h"

struct np_lookup_view {
	bool short_form;	/* --short: rdata only, like dig +short */
	bool dump;		/* --dump: annotated hex of each reply */
};

struct np_lookup_reporter {
	void (*report)(FILE *out, const struct np_lookup_result *r,
		       const struct np_lookup_view *v, int exit_code);
};

/* Indexed by the format; a NULL report where lookup does not have it. */
extern const struct np_lookup_reporter np_lookup_reporters[NP_FORMAT_END];
json_t *np_json_lookup(const struct np_lookup_result *r, int exit_code);

#endif
