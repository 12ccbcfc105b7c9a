/* The probe command's driver: see batch.h. Targets come from a source that may
 * have to wait (a pipe), jobs complete inside loop callbacks, and output is
 * written between loop batches: a completed job waits on the done list until
 * refill() reports and frees it, outside any callback, then starts the next. */
#include <config.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "dlist.h"
#include "batch.h"
#include "clock.h"
#include "linesrc.h"
#include "signals.h"

struct batch {
	const struct np_run_config *cfg;
	const struct np_reporter *rep;
	void *rs;			/* the reporter's state */
	FILE *out;
	struct np_loop loop;
	struct np_resolver resolver;
	struct np_gate gate, dns_gate;
	struct np_run_shared sh;
	unsigned jobs;
	/* where targets come from: the command line's words, then the file */
	int next_word;
	bool has_file, input_done;
	struct np_linesrc ls;
	struct np_io ls_io;		/* a pipe or tty: read when readable */
	char line[NP_LINE_MAX + 1];	/* the line as read, for a bad line's report */
	/* jobs in flight (running), and completed ones not yet reported (done) */
	struct np_job *running, *done_head, **done_tail;
	size_t inflight;
	struct np_timer reap;		/* done jobs are reported soon, not inside a callback */
	bool refilling;
	sigset_t wait_mask;
	struct np_run_summary sum;
	double t0;
	int write_errno;		/* the output failed: stop at once */
	int format_code;		/* the reporter's own exit code; -1: none */
};

/* --jobs when not given: min(256, max(1, (RLIMIT_NOFILE soft - 32) / 4)). */
static unsigned default_jobs(void)
{
	size_t n = np_gate_budget() / 4;	/* a quarter of the sockets each target may use */

	return n < 1 ? 1 : n > 256 ? 256 : (unsigned)n;
}

static void on_job_done(struct np_job *job, void *arg)
{
	struct batch *b = arg;

	NP_DLIST_REMOVE(&b->running, job);
	*b->done_tail = job;
	b->done_tail = &job->next;
	np_timer_arm(&b->loop, &b->reap, 0);	/* due at once: the next turn of the loop */
}

/* A --count round is complete: its lines now, written out soon. */
static void on_job_round(struct np_job *job, void *arg)
{
	struct batch *b = arg;

	np_run_summary_probes(&b->sum, &job->result);
	if (b->rep->round)
		b->rep->round(b->rs, &job->result);
	np_timer_arm(&b->loop, &b->reap, 0);
}

static void worsen(struct batch *b, int code)
{
	if (code > b->sum.exit_code)
		b->sum.exit_code = code;
}

/* Report a completed job and forget it. */
static void report_job(struct batch *b, struct np_job *job)
{
	char msg[NP_HOST_TEXT_MAX + 128];

	if (job->failed_errno) {
		snprintf(msg, sizeof(msg), "%s: cannot probe: %s", job->target.input,
			 strerror(job->failed_errno));
		np_report_fatal(msg);
	} else {
		np_run_summary_add(&b->sum, &job->result);
		if (!b->cfg->counting)	/* with --count, each round was counted */
			np_run_summary_probes(&b->sum, &job->result);
		b->rep->target(b->rs, &job->result);
	}
	worsen(b, job->exit_code);
	np_job_free(job);
	b->inflight--;
	np_loop_release(&b->loop);
}

static void reap_done(struct batch *b)
{
	while (b->done_head) {
		struct np_job *job = b->done_head;

		b->done_head = job->next;
		if (!b->done_head)
			b->done_tail = &b->done_head;
		report_job(b, job);
	}
}

/* --count 0 keeps every target in its place of --jobs until SIGINT: one more
 * would wait forever, silently. Said as soon as it is seen, and the run stops. */
static bool never_starts(struct batch *b, const struct np_target *t, unsigned long line)
{
	char where[NP_HOST_TEXT_MAX + 440], msg[sizeof(where) + 200];

	if (!b->cfg->counting || b->cfg->count > 0 || b->inflight < b->jobs)
		return false;
	if (line)	/* FILE:LINE, as a bad line is named */
		snprintf(where, sizeof(where), "%.400s:%lu", b->ls.name, line);
	else
		snprintf(where, sizeof(where), "%s", t->input);
	snprintf(msg, sizeof(msg), "%s: --count 0 keeps each target in one of the %u places of "
		 "--jobs until interrupted: this one would never start; give --jobs at least the "
		 "number of targets", where, b->jobs);
	np_report_fatal(msg);
	worsen(b, 3);
	b->loop.halt = true;
	return true;
}

static void start_job(struct batch *b, const struct np_target *t, unsigned long line)
{
	struct np_job *job;
	char msg[NP_HOST_TEXT_MAX + 64];

	if (never_starts(b, t, line))
		return;
	job = np_job_new(&b->sh, t, on_job_done, on_job_round, b);
	if (!job) {
		snprintf(msg, sizeof(msg), "%s: cannot probe: out of memory", t->input);
		np_report_fatal(msg);
		worsen(b, 3);
		return;
	}
	if (line) {
		job->result.source_file = b->ls.name;
		job->result.source_line = line;
	}
	NP_DLIST_PUSH(&b->running, job);
	b->inflight++;
	np_loop_hold(&b->loop);		/* until reported */
	np_job_start(job);		/* may be done at once: it then waits on the done list */
}

static void input_finished(struct batch *b)
{
	if (b->input_done)
		return;
	b->input_done = true;
	if (b->ls_io.events)
		np_io_set(&b->loop, &b->ls_io, 0);
	np_loop_release(&b->loop);
}

static void bad_line(struct batch *b, const char *input, const char *reason)
{
	struct np_bad_line bl = { .file = b->ls.name, .line = b->ls.lineno, .input = input };

	np_error_set(&bl.err, "BAD_LINE", "%s", reason);
	np_report_bad_line(&bl);
	if (b->rep->bad_line)
		b->rep->bad_line(b->rs, &bl);
	b->sum.bad_lines++;
	worsen(b, 3);
}

/* One line of the file that was read whole: a target started, or a bad line. */
static void take_line(struct batch *b, char *line)
{
	char *words[NP_LINE_WORDS], err[512];
	struct np_target t;
	int n;

	snprintf(b->line, sizeof(b->line), "%s", line);
	n = np_linesrc_words(line, words, NP_LINE_WORDS);
	if (n == 0)
		return;		/* blank, or a comment */
	if (n < 0) {
		bad_line(b, b->line, "too many words: a host and at most 1024 ports");
		return;
	}
	if (np_parse_target(n, words, &t, err, sizeof(err)) < 0 ||
	    np_job_check(b->cfg, &t, false, err, sizeof(err)) < 0) {
		bad_line(b, b->line, err);
		return;
	}
	start_job(b, &t, b->ls.lineno);
}

static void on_input(void *arg, uint32_t events)
{
	struct batch *b = arg;

	(void)events;
	np_linesrc_fill(&b->ls);	/* once per readiness: a slow pipe never blocks us */
	np_io_set(&b->loop, &b->ls_io, 0);	/* watched again when more is wanted */
}

/* More of the file is wanted: read it now (a regular file), or when the pipe is
 * readable. False when it must be waited for. */
static bool want_input(struct batch *b)
{
	if (!b->ls.regular) {
		if (b->ls_io.events || np_io_set(&b->loop, &b->ls_io, NP_EV_READ) == 0)
			return false;
		if (errno != EPERM)	/* epoll takes no regular file, nor /dev/null */
			return false;
		b->ls.regular = true;
	}
	np_linesrc_fill(&b->ls);
	return true;
}

static void input_error(struct batch *b)
{
	char msg[512];

	snprintf(msg, sizeof(msg), "cannot read %s: %s", b->ls.name, strerror(b->ls.read_errno));
	np_report_fatal(msg);
	worsen(b, 3);
	input_finished(b);
}

/* The next line of the file; false when there is none for now (or ever). */
static bool next_line(struct batch *b)
{
	char *line;

	switch (np_linesrc_next(&b->ls, &line)) {
	case NP_LINE_OK:
		take_line(b, line);
		return true;
	case NP_LINE_LONG:
		bad_line(b, NULL, "the line is longer than 4096 bytes");
		return true;
	case NP_LINE_NUL:
		bad_line(b, NULL, "the line holds a NUL byte");
		return true;
	case NP_LINE_MORE:
		return want_input(b);
	case NP_LINE_ERROR:
		input_error(b);
		return false;
	case NP_LINE_END:
		break;
	}
	input_finished(b);
	return false;
}

/* The next target of the command line, or of the file; false when there is
 * none for now. */
static bool next_target(struct batch *b)
{
	const struct np_run_config *cfg = b->cfg;
	struct np_target t;
	char err[512];

	if (b->next_word < cfg->nwords) {
		int n = cfg->one_target ? cfg->nwords : 1;

		/* checked when the command line was parsed */
		if (np_parse_target(n, cfg->words + b->next_word, &t, err, sizeof(err)) == 0)
			start_job(b, &t, 0);
		b->next_word += n;
		return true;
	}
	if (!b->has_file) {
		input_finished(b);
		return false;
	}
	return next_line(b);
}

static void flush_output(struct batch *b)
{
	if (fflush(b->out) == 0 && !ferror(b->out))
		return;
	b->write_errno = errno ? errno : EIO;
	b->loop.halt = true;
}

/* Report what completed, start what there is room for, and write it out; again
 * while starting completes jobs at once (literals to a Unix socket...). */
static void refill(void *arg)
{
	struct batch *b = arg;

	if (b->refilling)
		return;
	b->refilling = true;
	for (;;) {
		reap_done(b);
		if (b->write_errno || b->loop.halt || np_stop_signal)
			break;
		/* --count 0: one more target is read, to say it would never start */
		while ((b->inflight < b->jobs || (b->cfg->counting && !b->cfg->count)) &&
		       !b->input_done && !b->loop.halt && next_target(b))
			continue;
		if (!b->done_head)
			break;
	}
	flush_output(b);
	b->refilling = false;
}

static int batch_open(struct batch *b, const struct np_run_config *cfg)
{
	struct np_error err = { 0 };
	char msg[600];

	b->jobs = cfg->jobs ? cfg->jobs : default_jobs();
	b->done_tail = &b->done_head;
	if (np_loop_init(&b->loop) < 0) {
		snprintf(msg, sizeof(msg), "cannot create the event loop: %s", strerror(errno));
		np_report_fatal(msg);
		return -1;
	}
	if (np_resolver_init(&b->resolver, &b->loop, &cfg->resolve, &err) < 0) {
		np_report_fatal(err.message);
		np_loop_free(&b->loop);
		return -1;
	}
	np_gate_init(&b->gate, 0);
	np_gate_init(&b->dns_gate, NP_DNS_INFLIGHT);
	np_resolver_expect_answers(&b->resolver, 2 * NP_DNS_INFLIGHT);	/* A and AAAA */
	b->sh = (struct np_run_shared){ .cfg = cfg, .loop = &b->loop, .resolver = &b->resolver,
					.gate = &b->gate, .dns_gate = &b->dns_gate };
	np_timer_init(&b->reap, refill, b);
	b->loop.after_batch = refill;
	b->loop.after_batch_arg = b;
	return 0;
}

static int open_file(struct batch *b, const char *path)
{
	char msg[600];

	if (!path)
		return 0;
	if (np_linesrc_open(&b->ls, path) < 0) {
		snprintf(msg, sizeof(msg), "cannot read %s: %s", path, strerror(errno));
		np_report_fatal(msg);
		return -1;
	}
	b->has_file = true;
	np_io_init(&b->ls_io, b->ls.fd, on_input, b);
	return 0;
}

/* A signal or a dead output stopped the loop: what completed is still reported
 * (unless the output is gone), what is in flight is dropped and counted; a
 * --count target with complete rounds gives their statistics, as ping does. */
static void abandon(struct batch *b)
{
	struct np_job *next;

	if (!b->write_errno)
		reap_done(b);
	b->sh.stopping = true;
	/* first, so no DNS answer lands in a job reported and freed below: the
	 * lookups in flight end now (their callbacks find sh.stopping) */
	np_resolver_free(&b->resolver);
	for (struct np_job *j = b->running; j; j = next) {
		next = j->next;
		if (np_job_abandon(j) && !b->write_errno) {
			NP_DLIST_REMOVE(&b->running, j);
			report_job(b, j);
		} else {
			b->sum.unfinished++;
		}
	}
	for (struct np_job *j = b->done_head; j; j = j->next)
		b->sum.unfinished++;	/* left unreported: the output is gone */
}

static void batch_close(struct batch *b)
{
	b->sh.stopping = true;
	np_resolver_free(&b->resolver);	/* again is harmless; late answers find sh.stopping */
	while (b->running) {
		struct np_job *j = b->running;

		b->running = j->next;
		np_job_free(j);
	}
	while (b->done_head) {
		struct np_job *j = b->done_head;

		b->done_head = j->next;
		np_job_free(j);
	}
	np_timer_cancel(&b->loop, &b->reap);
	if (b->has_file) {
		if (b->ls_io.events)
			np_io_set(&b->loop, &b->ls_io, 0);
		np_linesrc_close(&b->ls);
	}
	np_loop_free(&b->loop);
}

/* The run's end: the summary, and the exit code with the output's fate in it. */
static int finish(struct batch *b, const struct np_run_config *cfg)
{
	char msg[512];

	b->sum.wall_ms = np_now_ms() - b->t0;
	b->sum.interrupted = np_stop_signal;
	b->rep->end(b->rs, &b->sum);
	if (b->format_code >= 0)	/* nagios: its status is the exit code */
		b->sum.exit_code = b->format_code;
	if (!b->write_errno && (fflush(b->out) != 0 || ferror(b->out)))
		b->write_errno = errno ? errno : EIO;
	if (!b->write_errno)
		return b->sum.exit_code;
	if (b->write_errno != EPIPE) {	/* a reader that went away is not news */
		snprintf(msg, sizeof(msg), "cannot write the report to %.400s: %s",
			 cfg->output ? cfg->output : "standard output", strerror(b->write_errno));
		np_report_fatal(msg);
	}
	return cfg->batch || b->write_errno != EPIPE ? 3 : b->sum.exit_code;
}

int np_batch_run(const struct np_run_config *cfg, bool dump, const struct np_reporter *rep,
		 FILE *out)
{
	struct batch *b = calloc(1, sizeof(*b));
	struct np_report_info info;
	int code = 3;

	if (!b) {
		np_report_fatal("out of memory");
		return 3;
	}
	b->cfg = cfg;
	b->rep = rep;
	b->out = out;
	if (batch_open(b, cfg) < 0)
		goto out;
	if (open_file(b, cfg->file) < 0)
		goto out_close;
	if (cfg->batch && np_signals_catch_stop(&b->wait_mask) == 0) {
		b->loop.stop = &np_stop_signal;
		b->loop.wait_mask = &b->wait_mask;
	}
	np_report_info_init(&info, dump);
	info.batch = cfg->batch;
	info.several = cfg->file || (!cfg->one_target && cfg->nwords > 1);
	info.timeout_ms = cfg->probe.timeout_ms;
	info.expect = cfg->probe.expect != NULL;
	info.warn = &cfg->warn;
	info.crit = &cfg->crit;
	b->format_code = -1;
	info.exit_code = &b->format_code;
	b->rs = rep->begin(out, &info);
	if (!b->rs) {
		np_report_fatal("out of memory");
		goto out_close;
	}
	b->t0 = np_now_ms();
	np_loop_hold(&b->loop);		/* while there is input to read */
	refill(b);
	if (np_loop_run(&b->loop) < 0) {
		np_report_fatal("the event loop failed");
		worsen(b, 3);
	}
	abandon(b);
	code = finish(b, cfg);
out_close:
	batch_close(b);
out:
	free(b);
	return code;
}
