/* The server side of the seed: socket(), bind(), listen(), then accept() in a loop
 * (stream), or recvfrom()/sendto() (datagram), echoing what clients send. Bounded:
 * concurrent clients, idle time, bytes per client. Results go out as events. */
#ifndef NP_LISTEN_H
#define NP_LISTEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include "errors.h"

#define NP_LISTEN_MAX_BINDS 8

struct np_listen_opts {
	struct sockaddr_storage binds[NP_LISTEN_MAX_BINDS];	/* port set in each */
	socklen_t bind_lens[NP_LISTEN_MAX_BINDS];
	size_t nbinds;
	bool udp;		/* datagram: UDP, or SOCK_DGRAM for a Unix path */
	int v6only;		/* for an AF_INET6 bind: -1 default (0 on ::), 0, 1 */
	int backlog;
	unsigned max_clients;	/* at once (stream); more are accepted and closed */
	unsigned count;		/* stop after this many clients or datagrams; 0: never */
	double idle_ms;		/* close a client silent this long */
	size_t max_bytes;	/* close a client after this many bytes in */
	const uint8_t *reply;	/* send this instead of echoing; NULL: echo */
	size_t reply_len;
};

enum np_listen_kind {
	NP_LE_LISTENING,	/* a socket is bound and listening */
	NP_LE_ACCEPTED,		/* accept() gave a client */
	NP_LE_REJECTED,		/* accepted and closed at once: over max_clients */
	NP_LE_DATAGRAM,		/* recvfrom() gave a datagram */
	NP_LE_CLOSED,		/* a client is gone, and why */
	NP_LE_FD_LIMIT,		/* accept() ran out of descriptors (EMFILE, ENFILE) */
	NP_LE_SUMMARY,		/* the end */
};

/* Why a client was closed or rejected: np_words_listen_reason says it in words. */
enum np_listen_reason {
	NP_LR_NONE,		/* accepted: no reason */
	NP_LR_PEER_CLOSED,	/* the peer closed (recv 0) */
	NP_LR_EPIPE,		/* a send found the peer gone */
	NP_LR_RESET,		/* ECONNRESET */
	NP_LR_SEND_FAILED, NP_LR_RECV_FAILED,
	NP_LR_IDLE,		/* silent for --idle */
	NP_LR_MAX_BYTES,	/* sent more than --max-bytes */
	NP_LR_STOPPING,		/* the server stops */
	NP_LR_MAX_CLIENTS,	/* rejected: --max-clients are open */
	NP_LR_EMFILE, NP_LR_ENFILE,	/* rejected: out of file descriptors */
	NP_LR_END
};

struct np_listen_event {
	enum np_listen_kind kind;
	double t_ms;			/* since the server started */
	unsigned long id;		/* client or datagram number, from 1 */
	const struct sockaddr *local;	/* the listening socket's address */
	socklen_t local_len;
	const struct sockaddr *peer;	/* what accept() / recvfrom() filled in */
	socklen_t peer_len;
	int socktype;
	int v6only;			/* LISTENING on AF_INET6: the option's value, else -1 */
	int backlog;
	bool removed_stale;		/* LISTENING on a path: a stale socket file was removed */
	long peer_pid, peer_uid;	/* Unix stream peers (SO_PEERCRED); -1 unknown */
	size_t bytes_in, bytes_out;
	double duration_ms;
	enum np_listen_reason reason;	/* CLOSED / REJECTED */
	struct np_error err;		/* CLOSED by an error: EPIPE, ECONNRESET; FD_LIMIT's */
	/* FD_LIMIT: RLIMIT_NOFILE (-1 unknown); paused: no spare descriptor helped,
	 * accepting waits pause_ms; else waiting clients are rejected until one leaves */
	long fd_limit;
	bool paused;
	double pause_ms;
	/* SUMMARY (FD_LIMIT: clients is the number open then) */
	unsigned long clients, rejected, datagrams;
	int signal;			/* the signal that stopped us, 0 for --count */
};

/* 0, or -1 when the events cannot be written any more (a reader that went away):
 * then the server stops, and emits nothing more. */
typedef int (*np_listen_emit)(void *arg, const struct np_listen_event *ev);

/* Serve until --count is reached, SIGINT/SIGTERM/SIGHUP, or emit fails. -1 with
 * err when a socket cannot be set up (bind's EADDRINUSE, EACCES...). */
int np_listen_run(const struct np_listen_opts *o, np_listen_emit emit, void *arg,
		  struct np_error *err);

#endif
