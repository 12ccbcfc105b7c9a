/* netprobe HOST PORT, the default command: its options, its help, and running it
 * (resolve, then probe every address; run.c). */
#include <config.h>
#include <stdio.h>
#include <string.h>
#include <ares.h>
#include "cli.h"
#include "report.h"
#include "run.h"

enum {
	OPT_NO_HOSTS = 256, OPT_SEND, OPT_EXPECT, OPT_RETRIES, OPT_DGRAM,
};

/* Its own; --format, --json and --help are added by np_cli_options. */
static const struct option options[] = {
	{ "ipv4", no_argument, NULL, '4' },
	{ "ipv6", no_argument, NULL, '6' },
	{ "server", required_argument, NULL, 's' },
	{ "timeout", required_argument, NULL, 'T' },
	{ "dump", no_argument, NULL, 'd' },
	{ "no-hosts", no_argument, NULL, OPT_NO_HOSTS },
	{ "tcp", no_argument, NULL, 't' },
	{ "udp", no_argument, NULL, 'u' },
	{ "dgram", no_argument, NULL, OPT_DGRAM },
	{ "send", required_argument, NULL, OPT_SEND },
	{ "expect", required_argument, NULL, OPT_EXPECT },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const char usage[] =
	"Usage: netprobe [OPTIONS] HOST PORT [PORT...]\n"
	"       netprobe [OPTIONS] HOST:PORT | [IPV6]:PORT\n"
	"       netprobe [OPTIONS] unix:/PATH | unix:@ABSTRACT\n"
	"       netprobe listen [OPTIONS] [ADDR] PORT | unix:/PATH   (see listen --help)\n"
	"       netprobe local [OPTIONS] PORT                        (see local --help)\n"
	"       netprobe lookup [OPTIONS] NAME [TYPE...] | -x ADDR   (see lookup --help)\n"
	"\n"
	"Resolve HOST with c-ares (hosts file, then A and AAAA in parallel, as dig asks)\n"
	"and connect to every address it gets, all at once, over TCP (stream) and/or\n"
	"UDP (datagram), or to a Unix-domain socket. Reports each step: DNS status,\n"
	"rcode, server, TTLs, CNAME chain, then per address, port and protocol its\n"
	"state and time, and which family a Happy Eyeballs client would try first.\n"
	"\n"
	"Options:\n"
	"  @SERVER[:PORT]           ask this DNS server (IPv4 or IPv6 literal; [::1]:53)\n"
	"  -s, --server=SERVER[:PORT]  the same as @SERVER[:PORT]\n"
	"  -4, --ipv4               IPv4 only: ask A, probe IPv4 addresses\n"
	"  -6, --ipv6               IPv6 only: ask AAAA, probe IPv6 addresses\n"
	"  -t, --tcp                stream probes: TCP, or SOCK_STREAM for unix: (default)\n"
	"  -u, --udp, --dgram       datagram probes: UDP, or SOCK_DGRAM for unix:;\n"
	"                           with -t, both\n"
	"  -T, --timeout=SECONDS    limit for each phase (DNS, connect, reply); default 3,\n"
	"                           fractions allowed (0.25)\n"
	"      --send=DATA          send DATA once connected (escapes: \\n \\r \\t \\0\n"
	"                           \\\\ \\xHH); UDP sends it as the datagram\n"
	"      --expect=TEXT        the answer must contain TEXT (a banner check)\n"
	"      --retries=N          UDP: resend up to N times within the timeout\n"
	"                           (default 2); to a host that rate-limits its ICMP\n"
	"                           errors, paced while the timeout lasts (man\n"
	"                           netprobe: TRANSPORTS)\n"
	"  -f, --format=FORMAT      text (default) or json\n"
	"  -j, --json               the same as --format json\n"
	"  -d, --dump               show each socket address byte by byte as it sits\n"
	"                           in memory, field by field, with its byte order\n"
	"      --no-hosts           skip the hosts file, ask DNS only\n"
	"  -h, --help               this help\n"
	"  -V, --version            version\n"
	"\n"
	"PORT is 1-65535 or a service name (https). Address literals skip DNS.\n"
	"UDP sends a DNS query to port 53, an NTP request to 123, else --send or an\n"
	"empty datagram. States: open closed filtered unreachable open_filtered (UDP\n"
	"silence), refused missing denied wrong_type not_socket (Unix), mismatch\n"
	"peer_closed reset (after connecting), error.\n"
	"CARES_HOSTS=FILE reads FILE instead of /etc/hosts.\n"
	"\n"
	"Exit status (Nagios plugin convention):\n"
	"  0  OK: every probe connected\n"
	"  1  WARNING: degraded, some addresses connected and some did not\n"
	"  2  CRITICAL: nothing connected, or the name did not resolve (nxdomain,\n"
	"     nodata, referral, incomplete CNAME chain, servfail, refused, timeout)\n"
	"  3  UNKNOWN: usage error, bad input, internal error\n";

static const enum np_format formats[] = { NP_FORMAT_TEXT, NP_FORMAT_JSON, NP_FORMAT_END };

#define FAIL NP_FAIL

static int option(int c, struct np_cli *cli, char *err, size_t errlen)
{
	struct np_run_config *cfg = cli->config;
	unsigned long v;

	switch (c) {
	case '4':
	case '6':
		if (cfg->resolve.family != AF_UNSPEC &&
		    cfg->resolve.family != (c == '4' ? AF_INET : AF_INET6))
			FAIL("-4 and -6 exclude each other");	/* -4 -4 is just -4 */
		cfg->resolve.family = c == '4' ? AF_INET : AF_INET6;
		return 0;
	case 's':
		return np_cli_server(&cfg->resolve, optarg, err, errlen);
	case 'T':
		return np_cli_seconds("--timeout", optarg, &cli->timeout_ms, err, errlen);
	case OPT_NO_HOSTS:
		cfg->resolve.no_hosts = true;
		return 0;
	case 't':
		cfg->tcp = true;
		return 0;
	case 'u':
	case OPT_DGRAM:
		cfg->udp = true;
		return 0;
	case OPT_SEND:
		if (np_cli_unescape("--send", optarg, cfg->send_buf, sizeof(cfg->send_buf),
				    &cfg->probe.send_len, err, errlen) < 0)
			return -1;
		cfg->probe.send = cfg->send_buf;
		return 0;
	case OPT_EXPECT:
		if (!*optarg)
			FAIL("empty --expect: give the text the answer must contain");
		cfg->probe.expect = optarg;
		return 0;
	case OPT_RETRIES:
		if (np_cli_count("retries", optarg, 0, 10, &v, err, errlen) < 0)
			return -1;
		cfg->probe.retries = (unsigned)v;
		return 0;
	case 'V':
		cli->action = NP_CLI_VERSION;
		return 0;
	default:
		FAIL("unhandled option: see netprobe --help");
	}
}

/* After the target: what the options mean for it, and what they cannot mean. */
static int settle(struct np_cli *cli, struct np_run_config *cfg, char *err, size_t errlen)
{
	cfg->resolve.timeout_ms = cfg->probe.timeout_ms = cli->timeout_ms;
	if (!cfg->tcp && !cfg->udp)
		cfg->tcp = true;
	if (cfg->target.is_unix && (cfg->resolve.family != AF_UNSPEC || cfg->resolve.server_len))
		FAIL("%s is a Unix-domain socket: -4, -6 and a DNS server do not apply",
		     cfg->target.input);
	if (cfg->target.literal_family && cfg->resolve.family != AF_UNSPEC &&
	    cfg->target.literal_family != cfg->resolve.family)
		FAIL("%s is an %s address, but %s was given", cfg->target.host,
		     cfg->target.literal_family == AF_INET ? "IPv4" : "IPv6",
		     cfg->resolve.family == AF_INET ? "-4" : "-6");
	return 0;
}

static int parse(int argc, char *argv[], struct np_cli *cli, char *err, size_t errlen)
{
	struct np_run_config *cfg = cli->config;
	char *pos[NP_MAX_PORTS + 2];
	int npos;

	cfg->probe.retries = NP_RETRIES_DEFAULT;
	cfg->resolve.family = AF_UNSPEC;
	if (np_cli_options(argc, argv, cli, option, err, errlen) < 0)
		return -1;
	if (cli->action != NP_CLI_RUN)
		return 0;
	npos = np_cli_arguments(argc, argv, &cfg->resolve, pos, (int)(sizeof(pos) / sizeof(pos[0])),
				err, errlen);
	if (npos == -2)
		FAIL("too many arguments: one host and at most %d ports", NP_MAX_PORTS);
	if (npos < 0)
		return -1;
	if (npos > 0 && np_cli_command(pos[0]))
		FAIL("options go after the command: netprobe %s [OPTIONS] ...", pos[0]);
	if (np_parse_target(npos, pos, &cfg->target, err, errlen) < 0)
		return -1;
	return settle(cli, cfg, err, errlen);
}

/* The exit code is the verdict's. */
static int run(const struct np_cli *cli)
{
	struct np_error err = { 0 };
	int code;

	if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS) {
		np_report_fatal("cannot initialise c-ares");
		return 3;
	}
	code = np_run(cli->config, cli->dump, np_reporters[cli->format], stdout, &err);
	if (err.set) {
		np_report_fatal(err.message);
		code = 3;
	} else {
		code = np_report_finish(code);
	}
	ares_library_cleanup();
	return code;
}

const struct np_command np_cmd_probe = {
	.name = "probe", .usage = usage, .options = options, .formats = formats,
	.config_size = sizeof(struct np_run_config), .parse = parse, .run = run,
};
