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
	const char *file;		/* --file FILE, NULL when not given */
	unsigned long jobs;		/* --jobs, 0: not given */
	const char *output;		/* --output FILE, NULL: standard output */
};

/* One TYPE argument (A, mx, TYPE65...) into its code; -1 with a reason for an
 * unknown type and for a zone transfer (AXFR, IXFR), which lookup does not do. */
int np_lookup_parse_type(const char *s, uint16_t *type, char *err, size_t errlen);

/* One --file line's words (NAME [TYPE...]) into l, whose types are the
 * default when the line has none. 0, or -1 with e set (BAD_NAME, BAD_TYPE). */
int np_lookup_parse_line(int n, char *words[], struct np_lookup_opts *l, struct np_error *e);

#endif
