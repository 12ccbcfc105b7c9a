/* netprobe lookup: what its command line asked (cmd_lookup.c). */
#ifndef NP_CMD_LOOKUP_H
#define NP_CMD_LOOKUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lookup.h"

struct np_lookup_config {
	struct np_lookup_opts lookup;
	bool short_form;		/* --short, like dig +short */
	const char *reverse;		/* -x ADDRESS, NULL when not given */
};

/* One TYPE argument (A, mx, TYPE65...) into its code; -1 with a reason for an
 * unknown type and for a zone transfer (AXFR, IXFR), which lookup does not do. */
int np_lookup_parse_type(const char *s, uint16_t *type, char *err, size_t errlen);

#endif
