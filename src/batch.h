/* The probe command's driver: every target of the command line, then of --file,
 * on one loop, one resolver and one socket gate, up to --jobs at a time; each is
 * reported and freed as it completes, and the run ends with its summary. */
#ifndef NP_BATCH_H
#define NP_BATCH_H

#include <stdbool.h>
#include <stdio.h>
#include "report.h"
#include "run.h"

/* Run everything cfg asks; the exit code: the worst target's (0-2), 3 when a
 * line was bad, the input could not be read, the output could not be written,
 * or the run could not start (said on stderr). */
int np_batch_run(const struct np_run_config *cfg, bool dump, const struct np_reporter *rep,
		 FILE *out);

#endif
