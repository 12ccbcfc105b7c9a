/* One run: resolve the target, probe every address and port at once on one loop,
 * hand the result to the reporter, and return the exit code. */
#ifndef NP_RUN_H
#define NP_RUN_H

#include <stdio.h>
#include "cli.h"
#include "report.h"

/* Exit code 0-2 from the verdict, 3 on an internal error (err set). */
int np_run(const struct np_config *cfg, const struct np_reporter *rep, FILE *out,
	   struct np_error *err);

#endif
