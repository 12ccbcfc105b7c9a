/* netprobe listen: what its command line asked (cmd_listen.c). */
#ifndef NP_CMD_LISTEN_H
#define NP_CMD_LISTEN_H

#include <stdint.h>
#include "listen.h"

struct np_listen_config {
	struct np_listen_opts listen;
	uint8_t reply_buf[4096];	/* --reply, unescaped */
};

#endif
