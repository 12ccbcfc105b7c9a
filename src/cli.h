/* The command line: one option table -> struct np_config. */
#ifndef NP_CLI_H
#define NP_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include "resolve.h"
#include "target.h"

enum np_command { NP_CMD_PROBE, NP_CMD_HELP, NP_CMD_VERSION };

struct np_config {
	enum np_command command;
	struct np_resolve_opts resolve;
	double timeout_ms;
	const char *format;	/* reporter name */
	bool dump;
	struct np_target target;
};

/* 0 on success; -1 with a one-line reason in err (exit 3). */
int np_cli_parse(int argc, char *argv[], struct np_config *cfg, char *err, size_t errlen);
const char *np_cli_usage(void);

#endif
