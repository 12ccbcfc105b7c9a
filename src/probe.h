/* A probe: one non-blocking attempt at one address, port and transport, run on
 * the shared loop. Transports are rows of a function table (iperf3's struct
 * protocol is the model), so a new transport is a new file, not new ifs. */
#ifndef NP_PROBE_H
#define NP_PROBE_H

#include "loop.h"
#include "result.h"
#include "udp_pace.h"

#define NP_EXCHANGE_MATCH 4096	/* bytes searched for --expect */

struct np_probe;

/* What the user asked to say on each connection. */
struct np_probe_opts {
	double timeout_ms;		/* per phase: connect, then the exchange */
	const uint8_t *send;		/* --send, NULL when not given */
	size_t send_len;
	const char *expect;		/* --expect, NULL when not given */
	unsigned retries;		/* UDP: datagrams after the first */
	bool reset;			/* TCP: close with a reset (SO_LINGER 0), not a FIN */
};

struct np_transport {
	const char *name;		/* "tcp", "udp", "unix" */
	int socktype;
	/* Begin; may finish the probe before returning. */
	void (*start)(struct np_probe *p);
	void (*on_ready)(struct np_probe *p, uint32_t events);
	void (*on_timeout)(struct np_probe *p);
	/* What an errno means for this transport. */
	enum np_probe_state (*classify)(int errnum, const char *endpoint, double timeout_ms,
					struct np_error *e);
};

extern const struct np_transport np_transport_tcp;
extern const struct np_transport np_transport_udp;
extern const struct np_transport np_transport_unix_stream;
extern const struct np_transport np_transport_unix_dgram;

typedef void (*np_probe_done)(struct np_probe *p, void *arg);

enum np_probe_phase { NP_PHASE_CONNECT, NP_PHASE_EXCHANGE };

struct np_probe {
	const struct np_transport *tp;
	const struct np_probe_opts *opts;
	struct np_loop *loop;
	struct np_io io;
	struct np_timer timer;
	double t_start, t_phase;	/* start of the probe, of the current phase */
	enum np_probe_phase phase;
	struct np_probe_result *res;
	np_probe_done done;
	void *arg;
	int fd;
	size_t sent;			/* bytes of the payload written so far */
	uint8_t *buf;			/* what the peer said, for --expect (allocated then) */
	size_t buflen;
	struct np_udp_pace *pace;	/* UDP: the pacer of its host; NULL: none */
	struct np_pace_slot pace_slot;
};

/* Start probing res->sa; done(p, arg) runs once, possibly before this returns. */
void np_probe_start(struct np_probe *p, const struct np_transport *tp, struct np_loop *loop,
		    struct np_probe_result *res, const struct np_probe_opts *opts,
		    np_probe_done done, void *arg);
/* The same in two steps, so a caller can give the probe its host's pacer
 * (p->pace) between them. */
void np_probe_init(struct np_probe *p, const struct np_transport *tp, struct np_loop *loop,
		   struct np_probe_result *res, const struct np_probe_opts *opts,
		   np_probe_done done, void *arg);
void np_probe_begin(struct np_probe *p);
/* Stop p where it is, without a result (a batch interrupted): its timer is
 * cancelled and its socket closed; done is not called. */
void np_probe_abandon(struct np_probe *p);

/* For transports. Each ends the probe: record, close, release, report. */
void np_probe_finish(struct np_probe *p, enum np_probe_state state);
/* Classify errnum with the transport's table, then finish. */
void np_probe_fail(struct np_probe *p, int errnum);
/* Open a non-blocking socket of the transport's type for res->sa; -1: finished. */
int np_probe_socket(struct np_probe *p);
/* Watch fd for events; on failure the probe is finished. */
int np_probe_watch(struct np_probe *p, uint32_t events);
/* The local address is the target itself: a TCP simultaneous open with
 * ourselves, or a UDP datagram to our own socket. Sets the error when so. */
bool np_probe_self_connected(struct np_probe *p);
/* Record the local address the kernel chose (getsockname) into res->local. */
void np_probe_note_local(struct np_probe *p);
/* Append the ICMP type, code and sender to the error message. */
void np_probe_note_icmp(struct np_probe_result *r);
void np_probe_endpoint(const struct np_probe *p, char *buf, size_t len);

/* The stream conversation shared by TCP and Unix stream (exchange.c): called once
 * connected; sends --send, reads until --expect is seen, EOF, or the timeout. */
void np_exchange_begin(struct np_probe *p);
void np_exchange_on_ready(struct np_probe *p, uint32_t events);
void np_exchange_on_timeout(struct np_probe *p);
/* Keep what the peer sent; true when --expect is now satisfied. */
bool np_exchange_absorb(struct np_probe *p, const uint8_t *data, size_t n);

#endif
