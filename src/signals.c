/* The only global mutable state of netprobe: which stop signal arrived. */
#include <config.h>
#include <string.h>
#include "signals.h"

volatile sig_atomic_t np_stop_signal;

static void on_stop(int sig)
{
	np_stop_signal = sig;
}

/* SIGHUP too: a server whose terminal went away stops as cleanly as on SIGTERM
 * (summary, socket file removed) instead of dying with 129. */
static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };

int np_signals_catch_stop(sigset_t *wait_mask)
{
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++) {
		if (sigaction(stop_signals[i], &sa, NULL) < 0)
			return -1;
		sigaddset(&block, stop_signals[i]);
	}
	if (sigprocmask(SIG_BLOCK, &block, wait_mask) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		sigdelset(wait_mask, stop_signals[i]);
	return 0;
}

const char *np_signal_name(int sig)
{
	return sig == SIGINT ? "SIGINT" : sig == SIGHUP ? "SIGHUP" : "SIGTERM";
}
