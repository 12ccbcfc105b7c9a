/* netprobe exporter: its options, its help, and serving (exporter.c). */
#include <config.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "report.h"
#include "exporter.h"
#include "sockaddr.h"
#include "target.h"

enum { OPT_LISTEN = 256, OPT_MAX_PROBES, OPT_MAX_TIMEOUT, OPT_ALLOW_UNIX };

/* Its own; --format, --json and --help are added by np_cli_options. */
static const struct option options[] = {
	{ "listen", required_argument, NULL, OPT_LISTEN },
	{ "ipv4", no_argument, NULL, '4' },
	{ "ipv6", no_argument, NULL, '6' },
	{ "server", required_argument, NULL, 's' },
	{ "timeout", required_argument, NULL, 'T' },
	{ "no-hosts", no_argument, NULL, NP_OPT_NO_HOSTS },
	{ "max-probes", required_argument, NULL, OPT_MAX_PROBES },
	{ "max-timeout", required_argument, NULL, OPT_MAX_TIMEOUT },
	{ "allow-unix", no_argument, NULL, OPT_ALLOW_UNIX },
	{ NULL, 0, NULL, 0 },
};

static const char usage[] =
	"Usage: netprobe exporter [OPTIONS] [@SERVER[:PORT]]\n"
	"\n"
	"Serve Prometheus metrics over HTTP, as blackbox_exporter does: each scrape of\n"
	"  /probe?target=HOST:PORT[&module=tcp|udp|unix|lookup][&type=TYPE]\n"
	"         [&timeout=SECONDS][&family=ip4|ip6]\n"
	"runs one probe and answers with its metrics (module=lookup: target=NAME, one\n"
	"query of type TYPE, A by default). Any other parameter, a repeated one or a bad\n"
	"value is refused with HTTP 400 and a one-line reason. /metrics has the\n"
	"exporter's own (requests, probes, refusals, process); / says what it is.\n"
	"The probe's timeout is timeout= or -T, less than Prometheus' scrape timeout\n"
	"(its X-Prometheus-Scrape-Timeout-Seconds header, less 0.5 s), at most\n"
	"--max-timeout. Every probe runs on one event loop: beyond --max-probes at\n"
	"once, a scrape gets HTTP 503. A client that has not sent its request in 5 s\n"
	"is closed. The default address is loopback: other hosts cannot scrape it\n"
	"until --listen says so (0.0.0.0:9116). SIGINT or SIGTERM stop it: scrapes\n"
	"still waiting get 503, and it exits 0.\n"
	"\n"
	"Options:\n"
	"      --listen=ADDR:PORT   listen here (127.0.0.1:9116; [::1]:9116 for IPv6)\n"
	"  @SERVER[:PORT]           ask this DNS server (IPv4 or IPv6 literal)\n"
	"  -s, --server=SERVER[:PORT]  the same as @SERVER[:PORT]\n"
	"  -T, --timeout=SECONDS    each probe's timeout, and the DNS phase's (3)\n"
	"  -4, --ipv4               probe IPv4 addresses only (family=ip6 overrides)\n"
	"  -6, --ipv6               probe IPv6 addresses only (family=ip4 overrides)\n"
	"      --no-hosts           do not read the hosts file\n"
	"      --max-probes=N       probes at once; more scrapes get 503 (64)\n"
	"      --max-timeout=SECONDS  no scrape gets a longer timeout (30)\n"
	"      --allow-unix         serve module=unix (off: a URL must not make the\n"
	"                           exporter connect to any local socket it names)\n"
	"  -h, --help               this help\n"
	"\n"
	"Exit status: 0 stopped cleanly, 2 cannot listen (EADDRINUSE, EACCES),\n"
	"3 usage error.\n";

static const enum np_format formats[] = { NP_FORMAT_TEXT, NP_FORMAT_END };

#define FAIL NP_FAIL
#define STR_(x) #x
#define STR(x) STR_(x)

/* ADDR:PORT or [V6]:PORT, an address literal. */
static int parse_listen(const char *s, struct np_exporter_config *cfg, char *err, size_t errlen)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(s, ':');
	struct sockaddr_storage *ss = &cfg->listen;
	uint16_t port;
	size_t n = colon ? (size_t)(colon - s) : 0;

	if (!colon || n == 0 || n >= sizeof(host))
		FAIL("bad --listen '%s': give ADDR:PORT (127.0.0.1:9116, [::1]:9116, 0.0.0.0:9116)",
		     s);
	if (s[0] == '[' && n > 2 && s[n - 1] == ']')
		snprintf(host, sizeof(host), "%.*s", (int)(n - 2), s + 1);
	else
		snprintf(host, sizeof(host), "%.*s", (int)n, s);
	if (np_parse_port(colon + 1, &port, err, errlen) < 0)
		return -1;
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)ss)->sin_addr) == 1)
		ss->ss_family = AF_INET;
	else if (strchr(host, ':') &&
		 inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1)
		ss->ss_family = AF_INET6;
	else
		FAIL("bad --listen address '%s': give an IPv4 or IPv6 address (0.0.0.0 for every "
		     "interface)", host);
	np_sockaddr_set_port(ss, port);
	cfg->listen_len = np_sockaddr_len(ss);
	return 0;
}

static int option(int c, struct np_cli *cli, char *err, size_t errlen)
{
	struct np_exporter_config *cfg = cli->config;
	unsigned long v;
	int rc = np_cli_dns_option(c, cli, &cfg->resolve, err, errlen);

	if (rc != NP_CLI_NOT_MINE)
		return rc;
	switch (c) {
	case OPT_LISTEN:
		return parse_listen(optarg, cfg, err, errlen);
	case OPT_MAX_PROBES:
		if (np_cli_count("max-probes", optarg, 1, 100000, &v, err, errlen) < 0)
			return -1;
		cfg->max_probes = (unsigned)v;
		return 0;
	case OPT_MAX_TIMEOUT:
		return np_cli_seconds("--max-timeout", optarg, &cfg->max_timeout_ms, err, errlen);
	case OPT_ALLOW_UNIX:
		cfg->allow_unix = true;
		return 0;
	default:
		FAIL("unhandled option: see netprobe exporter --help");
	}
}

static int parse(int argc, char *argv[], struct np_cli *cli, char *err, size_t errlen)
{
	struct np_exporter_config *cfg = cli->config;
	char *pos[1];
	int npos;

	cfg->resolve.family = AF_UNSPEC;
	cfg->max_probes = NP_EXPORTER_MAX_PROBES;
	cfg->max_timeout_ms = NP_EXPORTER_MAX_TIMEOUT_MS;
	cfg->client_timeout_s = NP_EXPORTER_CLIENT_TIMEOUT_S;
	if (np_cli_options(argc, argv, cli, option, err, errlen) < 0)
		return -1;
	if (cli->action != NP_CLI_RUN)
		return 0;
	npos = np_cli_arguments(argc, argv, &cfg->resolve, pos, 0, err, errlen);
	if (npos == -2)
		FAIL("netprobe exporter takes no target: Prometheus gives them (/probe?target=...); "
		     "only @SERVER");
	if (npos < 0)
		return -1;
	if (!cfg->listen_len &&
	    parse_listen("127.0.0.1:" STR(NP_EXPORTER_PORT), cfg, err, errlen) < 0)
		return -1;
	/* the probes' and the DNS phase's; a scrape may ask less, never more than
	 * --max-timeout */
	cfg->timeout_ms = cli->timeout_ms < cfg->max_timeout_ms ? cli->timeout_ms
		: cfg->max_timeout_ms;
	cfg->resolve.timeout_ms = cfg->timeout_ms;
	cfg->max_clients = cfg->max_probes * 4 + 64;
	return 0;
}

/* Listen, say where (a supervisor's log, a test, knows it is up), serve. */
static int run(const struct np_cli *cli)
{
	const struct np_exporter_config *cfg = cli->config;
	int code;
	struct exporter *ex = np_exporter_open(cfg, &code);

	if (!ex)
		return code;
	np_report_exporter_listening(stdout, (const struct sockaddr *)&cfg->listen);
	return np_exporter_serve(ex);
}

const struct np_command np_cmd_exporter = {
	.name = "exporter", .usage = usage, .options = options, .formats = formats,
	.config_size = sizeof(struct np_exporter_config), .parse = parse, .run = run,
};
