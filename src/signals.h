/* SIGINT, SIGTERM and SIGHUP for the server: caught into the one global flag, and
 * let in only while the loop waits, so a signal is never lost between two checks. */
#ifndef NP_SIGNALS_H
#define NP_SIGNALS_H

#include <signal.h>

extern volatile sig_atomic_t np_stop_signal;	/* the signal number, 0 until one came */

/* Block SIGINT/SIGTERM/SIGHUP, install the handler, fill wait_mask (the mask to
 * wait with). */
int np_signals_catch_stop(sigset_t *wait_mask);

/* The stop signals by name: "SIGINT", "SIGHUP", else "SIGTERM". */
const char *np_signal_name(int sig);

#endif
