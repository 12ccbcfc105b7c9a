/* netprobe HOST PORT, the default command: its options, its help, and running it
 * (resolve, then probe every address; run.c). */
#include <config.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "batch.h"
#include "outfile.h"
#include "report.h"
#include "run.h"
#include "target.h"

enum {
	OPT_SEND = 256, OPT_EXPECT, OPT_RETRIES, OPT_DGRAM, OPT_JOBS, OPT_COUNT,
	OPT_RE_RESOLVE, OPT_RESET,
};

/* Its own; --format, --json and --help are added by np_cli_options. */
static const struct option options[] = {
	{ "ipv4", no_argument, NULL, '4' },
	{ "ipv6", no_argument, NULL, '6' },
	{ "server", required_argument, NULL, 's' },
	{ "timeout", required_argument, NULL, 'T' },
	{ "dump", no_argument, NULL, 'd' },
	{ "no-hosts", no_argument, NULL, NP_OPT_NO_HOSTS },
	{ "tcp", no_argument, NULL, 't' },
	{ "udp", no_argument, NULL, 'u' },
	{ "dgram", no_argument, NULL, OPT_DGRAM },
	{ "send", required_argument, NULL, OPT_SEND },
	{ "expect", required_argument, NULL, OPT_EXPECT },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "reset", no_argument, NULL, OPT_RESET },
	{ "file", required_argument, NULL, 'F' },
	{ "jobs", required_argument, NULL, OPT_JOBS },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "interval", required_argument, NULL, 'i' },
	{ "re-resolve", no_argument, NULL, OPT_RE_RESOLVE },
	{ "warning", required_argument, NULL, 'w' },
	{ "critical", required_argument, NULL, 'c' },
	{ "output", required_argument, NULL, 'o' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const char usage[] =
	"Usage: netprobe [OPTIONS] HOST PORTS [PORTS...]\n"
	"       netprobe [OPTIONS] TARGET [TARGET...]   (HOST:PORTS, [IPV6]:PORTS,\n"
	"                                                unix:/PATH, unix:@ABSTRACT)\n"
	"       netprobe [OPTIONS] --file FILE [TARGET...]\n"
	"       netprobe listen [OPTIONS] [ADDR] PORT | unix:/PATH   (see listen --help)\n"
	"       netprobe local [OPTIONS] PORT                        (see local --help)\n"
	"       netprobe lookup [OPTIONS] NAME [TYPE...] | -x ADDR   (see lookup --help)\n"
	"       netprobe exporter [OPTIONS]                          (see exporter --help)\n"
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
	"      --reset              close each TCP connection with a reset (RST, as\n"
	"                           nmap -sT does) instead of a FIN: no TIME_WAIT\n"
	"                           socket is left here; the service sees a reset\n"
	"      --retries=N          UDP: resend up to N times within the timeout\n"
	"                           (default 2); to a host that rate-limits its ICMP\n"
	"                           errors, paced while the timeout lasts (man\n"
	"                           netprobe: TRANSPORTS)\n"
	"  -F, --file=FILE          targets from FILE, one a line as on the command line\n"
	"                           (- is standard input; # comments), after the\n"
	"                           command line's; read as it goes, never whole\n"
	"      --jobs=N             targets in flight at once (1-65536; default\n"
	"                           min(256, (ulimit -n - 32) / 4))\n"
	"      --count=N            probe N rounds, as ping does (0: until SIGINT, and\n"
	"                           then at most --jobs targets),\n"
	"                           a line per probe and round, then per address and\n"
	"                           port: sent, open, loss, min/avg/max/mdev time\n"
	"  -i, --interval=SECONDS   between the starts of rounds (default 1; at least\n"
	"                           0.01, fractions allowed)\n"
	"      --re-resolve         resolve the name again before every round (default:\n"
	"                           once, before the first)\n"
	"  -f, --format=FORMAT      text (default), json, ndjson (an object a line:\n"
	"                           each target as it completes, then the summary),\n"
	"                           nagios (a plugin's status line, perfdata and long\n"
	"                           output; the exit code is the status) or prometheus\n"
	"                           (the text exposition format: man netprobe, OUTPUT)\n"
	"  -j, --json               the same as --format json\n"
	"  -w, --warning=RANGES     --format nagios: WARNING when the response time\n"
	"                           (seconds) or, with --count, the loss percent is\n"
	"                           outside its range; RANGES is TIME[,LOSS%], each\n"
	"                           Nagios' [@][START:]END (0.5, 0.5,20%, ,20%, @0:0.1)\n"
	"  -c, --critical=RANGES    the same for CRITICAL\n"
	"  -o, --output=FILE        write the report to FILE whole, then rename it into\n"
	"                           place (a node_exporter textfile: FILE.prom)\n"
	"  -d, --dump               show each socket address byte by byte as it sits\n"
	"                           in memory, field by field, with its byte order\n"
	"      --no-hosts           skip the hosts file, ask DNS only\n"
	"  -h, --help               this help\n"
	"  -V, --version            version\n"
	"\n"
	"PORTS is a port (1-65535), a service name (https), a range (8000-8010) or a\n"
	"comma-separated list of them: at most 1024 distinct ports per target.\n"
	"Address literals skip DNS. Several targets (or --file) run on one loop and\n"
	"end with a summary line; probe sockets stay within ulimit -n less 32.\n"
	"SIGINT, SIGTERM or SIGHUP stop a batch: the summary counts what was left;\n"
	"with --count, each target's statistics of its complete rounds come first.\n"
	"UDP sends a DNS query to port 53, an NTP request to 123, else --send or an\n"
	"empty datagram. States: open closed filtered unreachable open_filtered (UDP\n"
	"silence), refused missing denied wrong_type not_socket (Unix), mismatch\n"
	"peer_closed reset (after connecting), error.\n"
	"CARES_HOSTS=FILE reads FILE instead of /etc/hosts.\n"
	"\n"
	"Exit status (Nagios plugin convention; --format nagios: its status, -w/-c in):\n"
	"  0  OK: every probe connected\n"
	"  1  WARNING: degraded, some addresses connected and some did not\n"
	"  2  CRITICAL: nothing connected, or the name did not resolve (nxdomain,\n"
	"     nodata, referral, incomplete CNAME chain, servfail, refused, timeout)\n"
	"  3  UNKNOWN: usage error, bad input (a bad line of --file), internal error\n"
	"With several targets, the worst of them.\n";

static const enum np_format formats[] = { NP_FORMAT_TEXT, NP_FORMAT_NDJSON, NP_FORMAT_JSON,
					   NP_FORMAT_NAGIOS, NP_FORMAT_PROMETHEUS, NP_FORMAT_END };

#define FAIL NP_FAIL

/* -w, -c and --output: how the report is judged and where it goes. */
static int report_option(int c, struct np_run_config *cfg, char *err, size_t errlen)
{
	char why[256];

	switch (c) {
	case 'w':
	case 'c':
		if (np_thresholds_parse(optarg, c == 'w' ? &cfg->warn : &cfg->crit, why,
					sizeof(why)) < 0)
			FAIL("%s: %s", c == 'w' ? "-w/--warning" : "-c/--critical", why);
		return 0;
	case 'o':
		return np_outfile_option(optarg, &cfg->output, err, errlen);
	default:
		FAIL("unhandled option: see netprobe --help");
	}
}

/* Where the targets come from, how many at once, how many rounds. */
static int batch_option(int c, struct np_run_config *cfg, char *err, size_t errlen)
{
	unsigned long v;

	switch (c) {
	case 'F':
		if (!*optarg)
			FAIL("empty --file: give a file of targets, or - for standard input");
		cfg->file = optarg;
		return 0;
	case OPT_JOBS:
		if (np_cli_count("jobs", optarg, 1, 65536, &v, err, errlen) < 0)
			return -1;
		cfg->jobs = (unsigned)v;
		return 0;
	case OPT_COUNT:
		if (np_cli_count("count", optarg, 0, 1000000000, &v, err, errlen) < 0)
			return -1;
		cfg->counting = true;
		cfg->count = v;
		return 0;
	case 'i':
		if (np_cli_seconds("--interval", optarg, &cfg->interval_ms, err, errlen) < 0)
			return -1;
		if (cfg->interval_ms < 10)
			FAIL("bad --interval '%s': at least 0.01 seconds", optarg);
		return 0;
	case OPT_RE_RESOLVE:
		cfg->re_resolve = true;
		return 0;
	default:
		return report_option(c, cfg, err, errlen);
	}
}

static int option(int c, struct np_cli *cli, char *err, size_t errlen)
{
	struct np_run_config *cfg = cli->config;
	unsigned long v;
	int rc = np_cli_dns_option(c, cli, &cfg->resolve, err, errlen);

	if (rc != NP_CLI_NOT_MINE)
		return rc;
	switch (c) {
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
	case OPT_RESET:
		cfg->probe.reset = true;
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
		return batch_option(c, cfg, err, errlen);
	}
}

/* The targets on the command line: HOST PORTS... (one), or one-word targets
 * (HOST:PORTS, [V6]:PORTS, unix:...), each checked now so a typo is a usage
 * error before anything runs. */
static int parse_targets(struct np_run_config *cfg, char **pos, int npos, char *err,
			 size_t errlen)
{
	struct np_target t;

	cfg->words = pos;
	cfg->nwords = npos;
	cfg->one_target = npos > 0 && !np_target_word_is_target(pos[0]);
	if (npos == 0 && !cfg->file)
		FAIL("missing host: netprobe HOST PORT, or --file FILE (see --help)");
	if (cfg->one_target)
		return np_parse_target(npos, pos, &t, err, errlen) < 0 ||
		       np_job_check(cfg, &t, npos == 1 && !cfg->file, err, errlen) < 0 ? -1 : 0;
	for (int i = 0; i < npos; i++) {
		if (!np_target_word_is_target(pos[i]))
			FAIL("'%s' is not a target: with several targets, write each as HOST:PORTS, "
			     "[IPV6]:PORTS or unix:PATH", pos[i]);
		if (np_parse_target(1, &pos[i], &t, err, errlen) < 0 ||
		    np_job_check(cfg, &t, npos == 1 && !cfg->file, err, errlen) < 0)
			return -1;
	}
	return 0;
}

/* Why a threshold judges nothing, or cannot: checked once every option is in. */
static int check_thresholds(const struct np_cli *cli, char *err, size_t errlen)
{
	const struct np_run_config *cfg = cli->config;
	bool warn = cfg->warn.time.set || cfg->warn.loss.set;
	bool any = warn || cfg->crit.time.set || cfg->crit.loss.set;

	if (any && cli->format != NP_FORMAT_NAGIOS)
		FAIL("%s: thresholds set the status of --format nagios: give it too",
		     warn ? "-w/--warning" : "-c/--critical");
	if ((cfg->warn.loss.set || cfg->crit.loss.set) && !cfg->counting)
		FAIL("%s: a loss range (,LOSS%%) needs --count: one round has no loss to judge",
		     cfg->warn.loss.set ? "-w/--warning" : "-c/--critical");
	return 0;
}

static int parse(int argc, char *argv[], struct np_cli *cli, char *err, size_t errlen)
{
	struct np_run_config *cfg = cli->config;
	int npos;

	cfg->probe.retries = NP_RETRIES_DEFAULT;
	cfg->resolve.family = AF_UNSPEC;
	if (np_cli_options(argc, argv, cli, option, err, errlen) < 0)
		return -1;
	if (cli->action != NP_CLI_RUN)
		return 0;
	/* the targets are gathered in place, at the front of argv's arguments */
	npos = np_cli_arguments(argc, argv, &cfg->resolve, argv + optind, argc - optind, err,
				errlen);
	if (npos < 0)
		return -1;
	if (npos > 0 && np_cli_command(argv[optind]))
		FAIL("options go after the command: netprobe %s [OPTIONS] ...", argv[optind]);
	cfg->resolve.timeout_ms = cfg->probe.timeout_ms = cli->timeout_ms;
	if (!cfg->tcp && !cfg->udp)
		cfg->tcp = true;
	if (cfg->probe.reset && !cfg->tcp)
		FAIL("--reset: only a TCP connection has a reset to send; with --udp, add --tcp");
	if (parse_targets(cfg, argv + optind, npos, err, errlen) < 0)
		return -1;
	if (!cfg->counting && (cfg->interval_ms || cfg->re_resolve))
		FAIL("%s repeats rounds: give --count N as well (0: until interrupted)",
		     cfg->re_resolve ? "--re-resolve" : "--interval");
	if (!cfg->interval_ms)
		cfg->interval_ms = 1000.0;
	cfg->batch = cfg->file || cfg->counting || (!cfg->one_target && npos > 1);
	return check_thresholds(cli, err, errlen);
}

static int run_batch(const struct np_cli *cli, FILE *out)
{
	return np_batch_run(cli->config, cli->dump, np_reporters[cli->format], out);
}

/* The exit code is the worst verdict's (batch.c), or with --format nagios the
 * Nagios status. --output: the report goes to FILE once whole (outfile.h). */
static int run(const struct np_cli *cli)
{
	const struct np_run_config *cfg = cli->config;

	return np_cli_run_dns(cli, cfg->output, run_batch);
}

const struct np_command np_cmd_probe = {
	.name = "probe", .usage = usage, .options = options, .formats = formats,
	.config_size = sizeof(struct np_run_config), .parse = parse, .run = run,
};
