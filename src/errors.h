/* Errors as data: a symbolic code (ECONNREFUSED, NXDOMAIN...), the errno when there
 * is one, and a message a person can act on. Also the errno -> probe state map. */
#ifndef NP_ERRORS_H
#define NP_ERRORS_H

#include <stdbool.h>

struct np_error {
	bool set;
	int errnum;		/* 0 when the error is not a system error */
	char code[32];
	char message[256];
};

enum np_probe_state {
	NP_STATE_OPEN,
	NP_STATE_CLOSED,
	NP_STATE_FILTERED,
	NP_STATE_UNREACHABLE,
	NP_STATE_ERROR,
};

const char *np_state_name(enum np_probe_state s);

/* Symbolic name of an errno value ("ECONNREFUSED"), "E<number>" if unknown. */
const char *np_errno_name(int errnum, char *buf, unsigned buflen);

void np_error_clear(struct np_error *e);
void np_error_set(struct np_error *e, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A failed TCP connect to endpoint ("127.0.0.1:80", "[::1]:80"): its state, and e
 * filled with the errno's name and a message saying what it means for this peer. */
enum np_probe_state np_tcp_classify(int errnum, const char *endpoint,
				    double timeout_ms, struct np_error *e);

#endif
