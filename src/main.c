/* netprobe: find the command's row (cli.c), parse its options, run it. */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdbool.h>
#include <unistd.h>
#include "cli.h"
#include "json_alloc.h"
#include "report.h"

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
	struct np_cli cli;
	char msg[512];
	int code;

	/* Sockets and pipes must report EPIPE, not kill us with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	np_json_alloc_install();	/* before the first jansson value */
	if (stdout_was_closed()) {
		np_report_fatal("standard output is closed: nowhere to write the report");
		return 3;
	}
	if (np_cli_parse(argc, argv, &cli, msg, sizeof(msg)) < 0) {
		np_report_fatal(msg);
		code = 3;
	} else if (cli.action == NP_CLI_HELP) {
		np_report_usage(stdout, cli.command->usage);
		code = np_report_finish(0);
	} else if (cli.action == NP_CLI_VERSION) {
		np_report_version(stdout);
		code = np_report_finish(0);
	} else {
		code = cli.command->run(&cli);
	}
	np_cli_free(&cli);
	return code;
}
