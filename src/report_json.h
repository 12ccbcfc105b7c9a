/* JSON builders of the json reporter, exposed so the unit tests can check them. */
#ifndef NP_REPORT_JSON_H
#define NP_REPORT_JSON_H

#include <jansson.h>
#include "result.h"

json_t *np_json_sockaddr(const struct sockaddr *sa, socklen_t salen);
json_t *np_json_target(const struct np_target_result *r);
/* A referral's zone and name servers with their glue; null when there is none. */
json_t *np_json_referral(const struct np_dns_referral *ref);
/* The whole v1 document around already built target objects. */
json_t *np_json_document(const char *started_at, json_t *targets, int exit_code);

#endif
