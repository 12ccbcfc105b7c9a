/* JSON builders of the json reporter, exposed so the unit tests can check them. */
#ifndef NP_REPORT_JSON_H
#define NP_REPORT_JSON_H

#include <jansson.h>
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
json_t *np_json_referral(const struct np_dns_referral *ref);
/* The whole v1 document around already built target objects. */
json_t *np_json_document(const char *started_at, json_t *targets, int exit_code);

#endif
