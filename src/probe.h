/* A probe: one non-blocking connection attempt to one address, port and transport.
 * Transports are rows of a function table, so a new one is a new file. */
#ifndef NP_PROBE_H
#define NP_PROBE_H

#include "loop.h"
#include "result.h"

struct np_probe;

struct np_transport {
	const char *name;	/* "tcp" */
	int socktype, proto;
	/* Begin the attempt: 0 when under way or already finished (then res is set). */
	int (*start)(struct np_probe *p);
	void (*on_ready)(struct np_probe *p, uint32_t events);
	void (*on_timeout)(struct np_probe *p);
	/* What a failure's errno means for this transport. */
	enum np_probe_state (*classify)(int errnum, const char *endpoint, double timeout_ms,
					struct np_error *e);
};

extern const struct np_transport np_transport_tcp;

typedef void (*np_probe_done)(struct np_probe *p, void *arg);

struct np_probe {
	const struct np_transport *tp;
	struct np_loop *loop;
	struct np_io io;
	struct np_timer timer;
	double t_start, timeout_ms;
	struct np_probe_result *res;
	np_probe_done done;
	void *arg;
	int fd;
};

/* Start probing res->sa (its port set); done runs once, possibly before return. */
void np_probe_start(struct np_probe *p, const struct np_transport *tp, struct np_loop *loop,
		    struct np_probe_result *res, double timeout_ms, np_probe_done done, void *arg);
/* For transports: record the outcome, close the socket, report. */
void np_probe_finish(struct np_probe *p, enum np_probe_state state, int errnum);

#endif
