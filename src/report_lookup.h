/* Reporters of netprobe lookup: dig-style text, +short, and JSON. */
#ifndef NP_REPORT_LOOKUP_H
#define NP_REPORT_LOOKUP_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>
#include "format.h"
#include "lookup.h"
#include "report.h"

struct np_lookup_view {
	bool short_form;	/* --short: rdata only, like dig +short */
	bool dump;		/* --dump: annotated hex of each reply */
};

struct np_lookup_reporter {
	/* Print r; the exit code to give: exit_code, or 3 when the report could
	 * not be made (said on stderr) */
	int (*report)(FILE *out, const struct np_lookup_result *r,
		      const struct np_lookup_view *v, int exit_code);
};

/* Indexed by the format (ndjson: the name's line and a summary of one). */
extern const struct np_lookup_reporter np_lookup_reporters[NP_FORMAT_END];
json_t *np_json_lookup(const struct np_lookup_result *r, int exit_code);
/* lookup --format prometheus (report_prom.c): docs/METRICS.md's lookup
 * families for the first type asked. 0, or -1 with nothing written (said on
 * stderr: the writer refused, a bug). */
int np_report_lookup_prom(FILE *out, const struct np_lookup_result *r);

/* lookup --file's output, as it goes: begin, one call per name done or bad
 * line, then end (the summary) or abort (the output is gone). Text: each name
 * as a single lookup prints it, bad lines on stderr only, the summary line;
 * ndjson: one object a line; json: one document printed as it grows. A bad
 * line is always said on stderr too, as "netprobe: FILE:LINE: reason". */
struct np_lookup_summary;
struct np_lookup_stream;
struct np_lookup_stream *np_lookup_stream_begin(FILE *out, enum np_format f,
						const struct np_lookup_view *v);
/* file NULL: a name from the command line (source null) */
void np_lookup_stream_name(struct np_lookup_stream *s, const struct np_lookup_result *r,
			   const char *file, unsigned long line, int exit_code);
/* np_report_bad_line's line on stderr, and np_json_bad_line's item */
void np_lookup_stream_bad_line(struct np_lookup_stream *s, const struct np_bad_line *b);
/* Print the summary and what closes the document; frees s. */
void np_lookup_stream_end(struct np_lookup_stream *s, const struct np_lookup_summary *sum);
void np_lookup_stream_abort(struct np_lookup_stream *s);

#endif
