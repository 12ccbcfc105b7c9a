/* One run: resolve the target, probe every address and port at once on one loop,
 * hand the result to the reporter, and return the exit code. */
#ifndef NP_RUN_H
#define NP_RUN_H

#include <stdbool.h>
#include <stdio.h>
#include "probe.h"
#include "report.h"
#include "resolve.h"
#include "target.h"

/* What netprobe HOST PORT was asked (cmd_probe.c fills it in). */
struct np_run_config {
	struct np_resolve_opts resolve;
	bool tcp, udp;		/* -t / -u; neither given means TCP (stream) */
	struct np_probe_opts probe;
	uint8_t send_buf[4096];	/* --send after its escapes are decoded */
	struct np_target target;
};

/* Exit code 0-2 from the verdict, 3 on an internal error (err set); dump: -d. */
int np_run(const struct np_run_config *cfg, bool dump, const struct np_reporter *rep, FILE *out,
	   struct np_error *err);

#endif
