/* netprobe local: its options, its help, and explaining who listens on a port of
 * this host (local.c). */
#include <config.h>
#include <stdio.h>
#include "cli.h"
#include "cmd_local.h"
#include "report.h"
#include "report_local.h"
#include "target.h"

enum { OPT_PROC = 256 };

/* Its own; --format, --json and --help are added by np_cli_options. */
static const struct option options[] = {
	{ "proc", no_argument, NULL, OPT_PROC },
	{ "timeout", required_argument, NULL, 'T' },
	{ NULL, 0, NULL, 0 },
};

static const char usage[] =
	"Usage: netprobe local [OPTIONS] PORT\n"
	"\n"
	"Who listens on this host on PORT, over TCP and UDP (sock_diag netlink, like\n"
	"ss; /proc/net as a fallback): bound address, family, IPV6_V6ONLY and, where\n"
	"permitted, the owning process. Then every address of this host (127.0.0.1,\n"
	"::1 and each interface's, from getifaddrs) with whether the binds accept it,\n"
	"confirmed by a TCP connect to each, and a verdict in plain words: loopback\n"
	"only, 0.0.0.0 only (IPv6 refused), :: with IPV6_V6ONLY (IPv4 refused), ...\n"
	"\n"
	"Options:\n"
	"      --proc               read /proc/net instead of sock_diag netlink; it has\n"
	"                           no IPV6_V6ONLY: inferred from a connect, and said so\n"
	"  -T, --timeout=SECONDS    limit for each connect (default 3)\n"
	"  -f, --format=FORMAT      text (default) or json\n"
	"  -j, --json               the same as --format json\n"
	"  -h, --help               this help\n"
	"\n"
	"Exit status: 0 something listens, 2 nothing listens, 3 usage error.\n";

static const enum np_format formats[] = { NP_FORMAT_TEXT, NP_FORMAT_JSON, NP_FORMAT_END };

static int option(int c, struct np_cli *cli, char *err, size_t errlen)
{
	struct np_local_config *cfg = cli->config;

	if (c == OPT_PROC)
		cfg->proc = true;
	else if (c == 'T')
		return np_cli_seconds("--timeout", optarg, &cli->timeout_ms, err, errlen);
	return 0;
}

static int parse(int argc, char *argv[], struct np_cli *cli, char *err, size_t errlen)
{
	struct np_local_config *cfg = cli->config;

	if (np_cli_options(argc, argv, cli, option, err, errlen) < 0)
		return -1;
	if (cli->action != NP_CLI_RUN)
		return 0;
	if (argc - optind != 1)
		NP_FAIL("usage: netprobe local PORT");
	return np_parse_port(argv[optind], &cfg->port, err, errlen);
}

/* 0 when something listens, 2 when nothing does. */
static int run(const struct np_cli *cli)
{
	static struct np_local_result r;	/* large: keep it off the stack */
	const struct np_local_config *cfg = cli->config;
	struct np_error err = { 0 };
	int code;

	if (np_local_run(cfg->port, cfg->proc, cli->timeout_ms, &r, &err) < 0) {
		np_report_fatal(err.message);
		return 3;
	}
	code = r.kind == NP_LOCAL_NOTHING ? 2 : 0;
	np_local_reporters[cli->format].report(stdout, &r, code);
	return np_report_finish(code);
}

const struct np_command np_cmd_local = {
	.name = "local", .usage = usage, .options = options, .formats = formats,
	.config_size = sizeof(struct np_local_config), .parse = parse, .run = run,
};
