/* JSON builders of the json reporter, exposed so the unit tests can check them. */
#ifndef NP_REPORT_JSON_H
#define NP_REPORT_JSON_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>
#include "report.h"
#include "result.h"

/* A JSON string that is never NULL: text that is not UTF-8 gets its stray bytes
 * as \xHH (NP_ESC_UTF8); NULL text is JSON null. */
json_t *np_json_text(const char *s);
/* Bytes as one lowercase hex string, no separators. */
json_t *np_json_hex(const uint8_t *b, size_t n);
/* v itself; when jansson failed (v NULL), one line on stderr and exit 3: a result
 * never disappears from the output in silence. */
json_t *np_json_checked(json_t *v);
json_t *np_json_sockaddr(const struct sockaddr *sa, socklen_t salen);
json_t *np_json_target(const struct np_target_result *r);
/* A referral's zone and name servers with their glue; null when there is none. */
json_t *np_json_referral(const struct np_dns_referral *ref);	/* NULL: null */
/* Milliseconds as every JSON time is: rounded to the microsecond the clock
 * resolves, always a real. */
json_t *np_json_ms(double ms);
/* Where an error object has its errno: each schema fixed its key order when it
 * was written, and v1 renames nothing. */
enum np_json_errno {
	NP_JSON_ERRNO_NONE,	/* {code, message}: DNS errors, which have no errno */
	NP_JSON_ERRNO_LAST,	/* {code, message, errno}: the probe document */
	NP_JSON_ERRNO_SECOND,	/* {code, errno, message}: local, listen */
};
/* e as an error object in form: errno null when no system call failed (errnum
 * 0), the message through np_json_text; JSON null when e is not set. */
json_t *np_json_error(const struct np_error *e, enum np_json_errno form);
/* The document every JSON command prints: schema_version, netprobe_version,
 * command (none when NULL, as in the probe's v1 document), started_at (none
 * when NULL), then body's keys in their order, then exit_code. Takes body. */
json_t *np_json_envelope(const char *command, const char *started_at, json_t *body,
			 int exit_code);
/* The head of a document streamed as it goes (np_json_stream_begin's head):
 * np_json_envelope's keys and body's, but exit_code, which the tail carries. */
json_t *np_json_document_head(const char *command, const char *started_at, json_t *body);
/* Where a --file item came from: {file, line}; null when file is NULL (the
 * command line). */
json_t *np_json_source(const char *file, unsigned long line);
/* doc and a newline on out, as every JSON output is written: times to 12
 * significant digits; indented (a document) or compact (one object a line). */
void np_json_print(FILE *out, const json_t *doc, bool compact);
/* The whole v1 document around already built target objects, with the summary
 * and its exit code. */
json_t *np_json_document(const char *started_at, json_t *targets, const struct np_run_summary *s);
/* A bad --file line as an error object; a batch's summary object. */
json_t *np_json_bad_line(const struct np_bad_line *b);
json_t *np_json_summary(const struct np_run_summary *s);

/* One pretty-printed document written as it goes, byte for byte what
 * np_json_print prints of the whole: begin prints head's members and opens the
 * array array_key; each item follows as it comes; end closes the array, prints
 * tail's members and closes the document. Each takes its json_t. */
struct np_json_stream {
	FILE *out;
	size_t items;
};
void np_json_stream_begin(struct np_json_stream *st, FILE *out, json_t *head,
			  const char *array_key);
void np_json_stream_item(struct np_json_stream *st, json_t *item);
void np_json_stream_end(struct np_json_stream *st, json_t *tail);

#endif
