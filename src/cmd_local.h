/* netprobe local: what its command line asked (cmd_local.c). */
#ifndef NP_CMD_LOCAL_H
#define NP_CMD_LOCAL_H

#include <stdbool.h>
#include <stdint.h>

struct np_local_config {
	uint16_t port;		/* netprobe local PORT */
	bool proc;		/* --proc: /proc/net instead of sock_diag */
};

#endif
