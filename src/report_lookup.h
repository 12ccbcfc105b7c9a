/* Reporters of netprobe lookup: dig-style text, +short, and JSON. */
#ifndef NP_REPORT_LOOKUP_H
#define NP_REPORT_LOOKUP_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>
#include "lookup.h"

struct np_lookup_view {
	bool short_form;	/* --short: rdata only, like dig +short */
	bool dump;		/* --dump: annotated hex of each reply */
};

struct np_lookup_reporter {
	const char *name;
	void (*report)(FILE *out, const struct np_lookup_result *r,
		       const struct np_lookup_view *v, int exit_code);
};

const struct np_lookup_reporter *np_lookup_reporter_find(const char *name);
json_t *np_json_lookup(const struct np_lookup_result *r, int exit_code);

#endif
