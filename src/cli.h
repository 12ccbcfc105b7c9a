/* The command line: one option table -> struct np_config. */
#ifndef NP_CLI_H
#define NP_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include "listen.h"
#include "lookup.h"
#include "probe.h"
#include "resolve.h"
#include "target.h"

enum np_command {
	NP_CMD_PROBE, NP_CMD_LISTEN, NP_CMD_LOCAL, NP_CMD_LOOKUP, NP_CMD_HELP, NP_CMD_VERSION,
};

struct np_config {
	enum np_command command;
	struct np_resolve_opts resolve;
	double timeout_ms;
	const char *format;	/* reporter name */
	bool dump;
	bool tcp, udp;		/* -t / -u; neither given means TCP (stream) */
	struct np_probe_opts probe;
	uint8_t send_buf[4096];	/* --send after its escapes are decoded */
	struct np_target target;
	struct np_listen_opts listen;
	uint8_t reply_buf[4096];	/* listen --reply, unescaped */
	const char *help;		/* the usage text of the command asked */
	uint16_t local_port;		/* netprobe local PORT */
	bool local_proc;		/* --proc: /proc/net instead of sock_diag */
	struct np_lookup_opts lookup;
	bool lookup_short;		/* --short, like dig +short */
};

#define NP_RETRIES_DEFAULT 2

/* Decode the escapes of --send or --reply (opt: the option's name, for the
 * message) (\n \r \t \0 \\ \xHH) into out; -1 with a reason. */
int np_cli_unescape(const char *opt, const char *s, uint8_t *out, size_t cap, size_t *len,
		    char *err, size_t errlen);

/* 0 on success; -1 with a one-line reason in err (exit 3). */
int np_cli_parse(int argc, char *argv[], struct np_config *cfg, char *err, size_t errlen);
const char *np_cli_usage(void);
const char *np_cli_listen_usage(void);
const char *np_cli_local_usage(void);
const char *np_cli_lookup_usage(void);

#endif
