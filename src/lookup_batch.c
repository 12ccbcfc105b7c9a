/* The lookup --file driver: see lookup_batch.h. Lines are taken only while a
 * slot is free, so a pipe is read no faster than names finish; a name's queries
 * each keep their own deadline (lookup.c), and a name is reported and freed the
 * moment its last query is done. */
#include <config.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "clock.h"
#include "cmd_lookup.h"
#include "dlist.h"
#include "linesrc.h"
#include "lookup_batch.h"
#include "signals.h"

struct job {
	struct job *prev, *next;	/* the names in flight */
	struct np_lookup_batch *b;
	unsigned long line;
	struct np_lookup_opts opts;
	struct np_lookup_result r;
};

struct np_lookup_batch {
	const struct np_lookup_batch_opts *o;
	const struct np_lookup_sink *sink;
	struct np_lookup_summary *sum;
	struct np_loop loop;
	struct np_resolver resolver;
	struct np_linesrc src;
	struct np_io src_io;
	bool input_done;
	bool released;			/* the loop's hold is given back: nothing left */
	struct np_timer refill;		/* take more lines, outside any c-ares callback */
	struct job *jobs;
	unsigned long inflight;
	sigset_t wait_mask;
};

void np_lookup_summary_add(struct np_lookup_summary *sum, const struct np_lookup_result *r,
			   int exit_code)
{
	sum->names++;
	sum->queries += r->nreplies;
	for (size_t i = 0; i < r->nreplies; i++)
		sum->statuses[r->replies[i].status]++;
	if (exit_code > sum->exit_code)
		sum->exit_code = exit_code;
}

static void bad_line(struct np_lookup_batch *b, const char *input, const struct np_error *e)
{
	struct np_bad_line bl = { .file = b->src.name, .line = b->src.lineno, .input = input,
				  .err = *e };

	b->sum->bad_lines++;
	b->sum->exit_code = 3;
	b->sink->bad_line(b->sink->arg, &bl);
}

/* Nothing in flight and nothing more to read: let the loop end. */
static void maybe_finish(struct np_lookup_batch *b)
{
	if (b->input_done && b->inflight == 0 && !b->released) {
		b->released = true;
		np_loop_release(&b->loop);
	}
}

static void job_unlink(struct np_lookup_batch *b, struct job *j)
{
	NP_DLIST_REMOVE(&b->jobs, j);
	b->inflight--;
	np_lookup_free(&j->r);
	free(j);
}

static void job_done(void *arg)
{
	struct job *j = arg;
	struct np_lookup_batch *b = j->b;
	int code = np_lookup_exit_code(&j->r);

	np_lookup_summary_add(b->sum, &j->r, code);
	b->sink->name(b->sink->arg, &j->r, b->src.name, j->line, code);
	job_unlink(b, j);
	/* the next lines are taken from a timer: this may run inside c-ares */
	if (b->refill.slot == NP_TIMER_IDLE)
		np_timer_arm(&b->loop, &b->refill, 0);
}

/* One line of words: a name and its types, started on the channel. */
static void take_line(struct np_lookup_batch *b, char *line)
{
	char input[NP_LINE_MAX + 1], *w[NP_LOOKUP_MAX_TYPES + 1];
	struct np_error e = { 0 };
	struct job *j;
	int n;

	memcpy(input, line, strlen(line) + 1);	/* the words split it in place */
	n = np_linesrc_words(line, w, NP_LOOKUP_MAX_TYPES + 1);
	if (n == 0)
		return;		/* blank, or a comment */
	j = malloc(sizeof(*j));
	if (!j) {
		np_error_set(&e, "ENOMEM", "out of memory");
		bad_line(b, input, &e);
		return;
	}
	j->b = b;
	j->line = b->src.lineno;
	j->opts = b->o->base;
	if (n < 0)
		np_error_set(&e, "TOO_MANY_TYPES", "too many record types: at most %d",
			     NP_LOOKUP_MAX_TYPES);
	if (n < 0 || np_lookup_parse_line(n, w, &j->opts, &e) < 0) {
		bad_line(b, input, &e);
		free(j);
		return;
	}
	NP_DLIST_PUSH(&b->jobs, j);
	b->inflight++;
	if (np_lookup_start(&b->resolver, &j->opts, &j->r, job_done, j) < 0) {
		job_unlink(b, j);	/* nothing sent: nothing to wait for */
		np_error_set(&e, "ENOMEM", "out of memory");
		bad_line(b, input, &e);
	}
	/* j may be gone already: a name that cannot be asked is done at once */
}

/* A pipe or a terminal (src not regular) is read when the loop says so. */
static void watch_input(struct np_lookup_batch *b, bool on)
{
	if (!b->src.regular)
		np_io_set(&b->loop, &b->src_io, on ? NP_EV_READ : 0);
}

/* More input: from the loop when the descriptor can be watched (a pipe), else
 * (a regular file, /dev/null: epoll refuses them) read at once. True when the
 * loop will call back. */
static bool need_input(struct np_lookup_batch *b)
{
	if (!b->src.regular) {
		if (np_io_set(&b->loop, &b->src_io, NP_EV_READ) == 0)
			return true;
		b->src.regular = true;	/* read at once from now on */
	}
	np_linesrc_fill(&b->src);	/* a failure shows as NP_LINE_ERROR */
	return false;
}

static void input_failed(struct np_lookup_batch *b)
{
	struct np_error e = { 0 };

	np_error_set(&e, "READ_ERROR", "cannot read %s: %s", b->src.name,
		     strerror(b->src.read_errno));
	b->src.lineno++;
	bad_line(b, NULL, &e);
	b->input_done = true;
}

/* Take lines while a slot is free and input is at hand. */
static void start_more(struct np_lookup_batch *b)
{
	struct np_error e = { 0 };
	bool waiting = false;
	char *line;

	while (!np_stop_signal && !b->loop.halt && !b->input_done && !waiting &&
	       b->inflight < b->o->jobs) {
		switch (np_linesrc_next(&b->src, &line)) {
		case NP_LINE_OK:
			take_line(b, line);
			break;
		case NP_LINE_LONG:
			np_error_set(&e, "LINE_TOO_LONG", "line longer than %d bytes", NP_LINE_MAX);
			bad_line(b, NULL, &e);
			break;
		case NP_LINE_NUL:
			np_error_set(&e, "NUL_BYTE", "the line holds a NUL byte");
			bad_line(b, NULL, &e);
			break;
		case NP_LINE_MORE:
			waiting = need_input(b);
			break;
		case NP_LINE_END:
			b->input_done = true;
			break;
		case NP_LINE_ERROR:
			input_failed(b);
			break;
		}
	}
	if (!waiting)	/* full, or done: a level-triggered pipe must not spin */
		watch_input(b, false);
	np_resolver_rearm(&b->resolver);
	maybe_finish(b);
}

static void on_refill(void *arg)
{
	start_more(arg);
}

/* Readable (or hung up): one read, then as many lines as there are slots. */
static void on_input(void *arg, uint32_t events)
{
	struct np_lookup_batch *b = arg;

	np_linesrc_fill(&b->src);
	start_more(b);
}

static void after_batch(void *arg)
{
	struct np_lookup_batch *b = arg;

	if (b->sink->flush(b->sink->arg) < 0) {
		b->sum->write_failed = true;
		b->loop.halt = true;	/* the run stops at once */
	}
}

static int batch_open(struct np_lookup_batch *b, struct np_error *err)
{
	if (np_linesrc_open(&b->src, b->o->path) < 0) {
		np_error_set(err, "OPEN", "cannot read %s: %s", b->o->path, strerror(errno));
		return -1;
	}
	if (np_loop_init(&b->loop) < 0 || np_signals_catch_stop(&b->wait_mask) < 0) {
		np_error_set(err, "LOOP", "cannot create the event loop: %s", strerror(errno));
		np_loop_free(&b->loop);
		np_linesrc_close(&b->src);
		return -1;
	}
	if (np_resolver_init(&b->resolver, &b->loop, &b->o->base.resolve, err) < 0) {
		np_loop_free(&b->loop);
		np_linesrc_close(&b->src);
		return -1;
	}
	np_resolver_expect_answers(&b->resolver, b->o->jobs);	/* a name's answers */
	np_io_init(&b->src_io, b->src.fd, on_input, b);
	np_timer_init(&b->refill, on_refill, b);
	b->loop.stop = &np_stop_signal;
	b->loop.wait_mask = &b->wait_mask;
	b->loop.after_batch = after_batch;
	b->loop.after_batch_arg = b;
	return 0;
}

/* Names still in flight when the run stops are counted, not reported; their
 * queries' late callbacks come from the channel's destruction. */
static void batch_close(struct np_lookup_batch *b)
{
	while (b->jobs) {
		b->sum->unfinished++;
		job_unlink(b, b->jobs);
	}
	np_timer_cancel(&b->loop, &b->refill);
	watch_input(b, false);
	np_resolver_free(&b->resolver);
	np_loop_free(&b->loop);
	np_linesrc_close(&b->src);
}

int np_lookup_batch_run(const struct np_lookup_batch_opts *o, const struct np_lookup_sink *sink,
			struct np_lookup_summary *sum, struct np_error *err)
{
	struct np_lookup_batch *b = calloc(1, sizeof(*b));
	double t0 = np_now_ms();
	int rc = 0;

	*sum = (struct np_lookup_summary){ 0 };
	if (!b) {
		np_error_set(err, "ENOMEM", "out of memory");
		return -1;
	}
	*b = (struct np_lookup_batch){ .o = o, .sink = sink, .sum = sum };
	if (batch_open(b, err) < 0) {
		free(b);
		return -1;
	}
	np_loop_hold(&b->loop);	/* given back when the input is done and nothing is in flight */
	start_more(b);
	if (np_loop_run(&b->loop) < 0) {
		np_error_set(err, "LOOP", "event loop failed: %s", strerror(errno));
		rc = -1;
	}
	sum->signal = np_stop_signal;
	batch_close(b);
	free(b);
	sum->wall_ms = np_now_ms() - t0;
	return rc;
}
