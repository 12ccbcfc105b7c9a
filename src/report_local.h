/* Reporters of netprobe local: text and one JSON document. */
#ifndef NP_REPORT_LOCAL_H
#define NP_REPORT_LOCAL_H

#include <stdio.h>
#include <jansson.h>
#include "format.h"
#include "local.h"

struct np_local_reporter {
	void (*report)(FILE *out, const struct np_local_result *r, int exit_code);
};

/* Indexed by the format; a NULL report where local does not have it. */
extern const struct np_local_reporter np_local_reporters[NP_FORMAT_END];
json_t *np_json_local(const struct np_local_result *r, int exit_code);

#endif
