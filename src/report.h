/* Reporters: the only code that prints. Each output format is one row of a table
 * (begin / target / end) indexed by the format (format.h), chosen once from --format. */
#ifndef NP_REPORT_H
#define NP_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include "format.h"
#include "escape.h"
#include "result.h"
#include "thresholds.h"

struct sockaddr;

struct np_report_info {
	char started_at[48];	/* RFC 3339 UTC */
	bool dump;
	bool batch;		/* several targets, --file or --count: text ends with a summary */
	/* for the monitoring formats (nagios, prometheus: docs/METRICS.md) */
	bool several;		/* more than one target may come (--file, or several
				 * on the command line): each is named in the output */
	double timeout_ms;	/* --timeout in effect */
	bool expect;		/* --expect given */
	const struct np_thresholds *warn, *crit;	/* -w, -c; NULL: none */
	/* Where a format that decides the exit code itself leaves it at end
	 * (nagios: its status; prometheus: 3 when nothing could be written);
	 * -1 before: the run's own code stands. NULL: nobody asks. */
	int *exit_code;
};

/* A line of --file that is not a target. */
struct np_bad_line {
	const char *file;	/* as shown: FILE, or "<stdin>" */
	unsigned long line;
	const char *input;	/* the line (NULL when it cannot be shown: too long, NUL) */
	struct np_error err;
};

/* A run's output, streamed: begin, then each target (or bad line) as it
 * completes, then end. */
struct np_reporter {
	void *(*begin)(FILE *out, const struct np_report_info *info);
	void (*target)(void *state, const struct np_target_result *r);
	/* A --count round of r just completed (r->seq, r->series->last); NULL
	 * when the format prints rounds with the target or the run, not as they go. */
	void (*round)(void *state, const struct np_target_result *r);
	/* The one line on stderr is np_report_bad_line's; this is the output's
	 * part, NULL when it has none. */
	void (*bad_line)(void *state, const struct np_bad_line *b);
	/* Finish the run with its summary; frees state. */
	void (*end)(void *state, const struct np_run_summary *s);
};

extern const struct np_reporter np_reporter_text;
extern const struct np_reporter np_reporter_json;
extern const struct np_reporter np_reporter_ndjson;
extern const struct np_reporter np_reporter_nagios;
extern const struct np_reporter np_reporter_prom;

/* netprobe HOST PORT's reporters; NULL where a format is not one of the probe's. */
extern const struct np_reporter *const np_reporters[NP_FORMAT_END];
void np_report_info_init(struct np_report_info *info, bool dump);

/* Bytes a peer sent, made safe to print: np_escape's NP_ESC_C (\r \n \t \\ \"
 * and \xHH escapes); returns out. */
const char *np_report_escape(const uint8_t *data, size_t n, char *out, size_t outlen);
/* Write s to out through np_escape in the given style, however long it is. */
void np_report_escaped(FILE *out, const char *s, enum np_escape_style style);
/* A probe's port as the text reports show it: "443/tcp", or the socket type
 * ("stream", "dgram") for a Unix-domain socket. */
void np_report_port(char *buf, size_t len, const struct sockaddr *sa, int socktype,
		    const char *proto);

/* Outside a run: help, version, and the one line a fatal error gets. */
void np_report_usage(FILE *out, const char *usage);
void np_report_version(FILE *out);
/* The exporter's one line once it listens (a supervisor's log, a test, learns
 * it is up): its version and its URL. */
void np_report_exporter_listening(FILE *out, const struct sockaddr *sa);
void np_report_fatal(const char *message);
/* netprobe: FILE:LINE: reason, on stderr. */
void np_report_bad_line(const struct np_bad_line *b);
/* The summary line of a batch: targets, probes by state, DNS failures, bad
 * lines, wall time, and the signal that stopped it. */
void np_report_summary_line(FILE *out, const struct np_run_summary *s);
/* At the end of a command: code, or 3 when standard output could not be
 * written (said on stderr); a reader that went away (EPIPE) is not an error. */
int np_report_finish(int code);

#endif
