/* netprobe: resolve a name with c-ares and connect to every address it has. */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>
#include <ares.h>
#include "cli.h"
#include "errors.h"
#include "report.h"
#include "report_listen.h"
#include "report_local.h"
#include "report_lookup.h"
#include "run.h"

/* A reader that went away (netprobe ... | head -1) is not an error worth a word;
 * any other failure to write the report is. */
static int finish_output(int code)
{
	char msg[128];

	if (fflush(stdout) == 0 && !ferror(stdout))
		return code;
	if (errno == EPIPE)
		return code;
	snprintf(msg, sizeof(msg), "cannot write the report to standard output: %s",
		 strerror(errno));
	np_report_fatal(msg);
	return 3;
}

/* A closed standard descriptor would be handed to our first socket, and the report
 * would go down it. Fill closed ones with /dev/null; say so for stdout. */
static bool stdout_was_closed(void)
{
	bool closed = false;

	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		if (fd == 1)
			closed = true;
		if (open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
			return true;
	}
	return closed;
}

struct listen_sink {
	const struct np_listen_reporter *rep;
	bool dump;
	int write_errno;	/* standard output failed with this: the server stopped */
};

static int emit(void *arg, const struct np_listen_event *ev)
{
	struct listen_sink *sink = arg;

	if (sink->rep->event(stdout, sink->dump, ev) == 0)
		return 0;
	sink->write_errno = errno;
	return -1;
}

/* netprobe listen: 0 after a clean stop, 2 when the socket cannot be set up, 3
 * when standard output failed (a reader that went away: EPIPE). */
static int serve(const struct np_config *cfg)
{
	struct listen_sink sink = { np_listen_reporter_find(cfg->format), cfg->dump, 0 };
	struct np_error err = { 0 };
	char buf[16], msg[160];

	if (np_listen_run(&cfg->listen, emit, &sink, &err) < 0) {
		np_report_fatal(err.message);
		return 2;
	}
	if (sink.write_errno) {
		snprintf(msg, sizeof(msg), "cannot write to standard output: %s (%s)%s: stopped "
			 "listening", strerror(sink.write_errno),
			 np_errno_name(sink.write_errno, buf, sizeof(buf)),
			 sink.write_errno == EPIPE ? ", its reader is gone" : "");
		np_report_fatal(msg);
		return 3;
	}
	return finish_output(0);
}

/* netprobe local: 0 when something listens, 2 when nothing does. */
static int local(const struct np_config *cfg)
{
	static struct np_local_result r;	/* large: keep it off the stack */
	struct np_error err = { 0 };
	int code;

	if (np_local_run(cfg->local_port, cfg->local_proc, cfg->timeout_ms, &r, &err) < 0) {
		np_report_fatal(err.message);
		return 3;
	}
	code = r.kind == NP_LOCAL_NOTHING ? 2 : 0;
	np_local_reporter_find(cfg->format)->report(stdout, &r, code);
	return finish_output(code);
}

/* netprobe lookup: the exit code says what DNS said (see np_lookup_exit_code). */
static int lookup(const struct np_config *cfg)
{
	static struct np_lookup_result r;
	struct np_lookup_view view = { cfg->lookup_short, cfg->dump };
	struct np_error err = { 0 };
	int code;

	if (np_lookup_run(&cfg->lookup, &r, &err) < 0) {
		np_report_fatal(err.message);
		return 3;
	}
	code = np_lookup_exit_code(&r);
	np_lookup_reporter_find(cfg->format)->report(stdout, &r, &view, code);
	np_lookup_free(&r);
	return finish_output(code);
}

/* netprobe HOST PORT: the exit code is the verdict's. */
static int probe(const struct np_config *cfg)
{
	struct np_error err = { 0 };
	int code = np_run(cfg, np_reporter_find(cfg->format), stdout, &err);

	if (err.set) {
		np_report_fatal(err.message);
		return 3;
	}
	return finish_output(code);
}

int main(int argc, char *argv[])
{
	struct np_config cfg;
	char msg[512];
	int code;

	/* Sockets and pipes must report EPIPE, not kill us with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	if (stdout_was_closed()) {
		np_report_fatal("standard output is closed: nowhere to write the report");
		return 3;
	}
	if (np_cli_parse(argc, argv, &cfg, msg, sizeof(msg)) < 0) {
		np_report_fatal(msg);
		return 3;
	}
	switch (cfg.command) {
	case NP_CMD_HELP:
		np_report_usage(stdout, cfg.help);
		return finish_output(0);
	case NP_CMD_VERSION:
		np_report_version(stdout);
		return finish_output(0);
	case NP_CMD_LISTEN:
		return serve(&cfg);
	case NP_CMD_LOCAL:
		return local(&cfg);
	case NP_CMD_LOOKUP:
	case NP_CMD_PROBE:
		break;
	}
	/* the two commands that ask DNS */
	if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS) {
		np_report_fatal("cannot initialise c-ares");
		return 3;
	}
	code = cfg.command == NP_CMD_LOOKUP ? lookup(&cfg) : probe(&cfg);
	ares_library_cleanup();
	return code;
}
