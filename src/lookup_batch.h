/* netprobe lookup --file: a list of NAME [TYPE...] lines, streamed, on one loop
 * and one c-ares channel, at most --jobs names in flight. Each name is handed to
 * the sink (the reporters) and freed as soon as its queries are done, so memory
 * stays flat however long the list is. The driver prints nothing. */
#ifndef NP_LOOKUP_BATCH_H
#define NP_LOOKUP_BATCH_H

#include <stdbool.h>
#include "lookup.h"
#include "report.h"

struct np_lookup_batch_opts {
	/* every name's flags and server; types: the default for lines without */
	struct np_lookup_opts base;
	const char *path;		/* FILE; "-" is standard input */
	unsigned long jobs;		/* names in flight */
};

/* What the run counted, for the summary. */
struct np_lookup_summary {
	unsigned long names;		/* done and reported */
	unsigned long queries;		/* of those names */
	unsigned long bad_lines;	/* a read error counts as one */
	unsigned long unfinished;	/* in flight when a signal stopped the run */
	unsigned long statuses[NP_DNS_STATUS_SKIPPED + 1];	/* per query */
	double wall_ms;
	int signal;			/* the stop signal, 0: none */
	bool write_failed;		/* standard output could not be written (exit
					 * 3, whatever exit_code says) */
	int exit_code;			/* the worst seen */
};

/* Where results go (cmd_lookup.c hands them to the reporters). file is the
 * input's name as the user should read it ("<stdin>" for -). */
struct np_lookup_sink {
	void (*name)(void *arg, const struct np_lookup_result *r, const char *file,
		     unsigned long line, int exit_code);
	/* b->input NULL when the line cannot be shown (too long, a NUL byte) */
	void (*bad_line)(void *arg, const struct np_bad_line *b);
	/* after each batch of events: push the output out; -1 when it cannot be
	 * written (the reader went away): the run stops at once */
	int (*flush)(void *arg);
	void *arg;
};

/* Count one finished name into sum (also for a single lookup's summary). */
void np_lookup_summary_add(struct np_lookup_summary *sum, const struct np_lookup_result *r,
			   int exit_code);
/* Run the list. -1 with err when it cannot start (the file cannot be opened,
 * c-ares fails); otherwise sum says what happened (exit_code included). */
int np_lookup_batch_run(const struct np_lookup_batch_opts *o, const struct np_lookup_sink *sink,
			struct np_lookup_summary *sum, struct np_error *err);

#endif
