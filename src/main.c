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
#include "report.h"
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

int main(int argc, char *argv[])
{
	struct np_config cfg;
	struct np_error err = { 0 };
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
	if (cfg.command == NP_CMD_HELP) {
		np_report_usage(stdout, np_cli_usage());
		return finish_output(0);
	}
	if (cfg.command == NP_CMD_VERSION) {
		np_report_version(stdout);
		return finish_output(0);
	}
	if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS) {
		np_report_fatal("cannot initialise c-ares");
		return 3;
	}
	code = np_run(&cfg, np_reporter_find(cfg.format), stdout, &err);
	ares_library_cleanup();
	if (err.set) {
		np_report_fatal(err.message);
		return 3;
	}
	return finish_output(code);
}
