/* netprobe: resolve a name with c-ares and connect to every address it has. */
#include <config.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
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

int main(int argc, char *argv[])
{
	struct np_config cfg;
	struct np_error err = { 0 };
	char msg[512];
	int code;

	/* Sockets and pipes must report EPIPE, not kill us with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
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
