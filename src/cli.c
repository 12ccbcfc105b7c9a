/* Command-line parsing. The long_options table is the single source of truth:
 * the short-option string is built from it (mtr's habit). */
#include <config.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "report.h"

enum { OPT_NO_HOSTS = 256 };

static const struct option long_options[] = {
	{ "ipv4", no_argument, NULL, '4' },
	{ "ipv6", no_argument, NULL, '6' },
	{ "server", required_argument, NULL, 's' },
	{ "timeout", required_argument, NULL, 'T' },
	{ "format", required_argument, NULL, 'f' },
	{ "json", no_argument, NULL, 'j' },
	{ "dump", no_argument, NULL, 'd' },
	{ "no-hosts", no_argument, NULL, OPT_NO_HOSTS },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const char usage[] =
	"Usage: netprobe [OPTIONS] HOST PORT [PORT...]\n"
	"       netprobe [OPTIONS] HOST:PORT | [IPV6]:PORT\n"
	"\n"
	"Resolve HOST with c-ares (hosts file, then A and AAAA in parallel, as dig asks)\n"
	"and open a TCP connection to every address it gets, all at once. Reports each\n"
	"step: DNS status, rcode, server, TTLs, CNAME chain, then per address and port\n"
	"its state (open, closed, filtered, unreachable, error) and connect time.\n"
	"\n"
	"Options:\n"
	"  @SERVER[:PORT]           ask this DNS server (IPv4 or IPv6 literal; [::1]:53)\n"
	"  -s, --server=SERVER[:PORT]  the same as @SERVER[:PORT]\n"
	"  -4, --ipv4               IPv4 only: ask A, probe IPv4 addresses\n"
	"  -6, --ipv6               IPv6 only: ask AAAA, probe IPv6 addresses\n"
	"  -T, --timeout=SECONDS    limit for each phase (DNS, connect); default 3,\n"
	"                           fractions allowed (0.25)\n"
	"  -f, --format=FORMAT      text (default) or json\n"
	"  -j, --json               the same as --format json\n"
	"  -d, --dump               show each socket address byte by byte as it sits\n"
	"                           in memory, field by field, with its byte order\n"
	"      --no-hosts           skip the hosts file, ask DNS only\n"
	"  -h, --help               this help\n"
	"  -V, --version            version\n"
	"\n"
	"PORT is 1-65535 or a service name (https). Address literals skip DNS.\n"
	"CARES_HOSTS=FILE reads FILE instead of /etc/hosts.\n"
	"\n"
	"Exit status (Nagios plugin convention):\n"
	"  0  OK: every probe connected\n"
	"  1  WARNING: degraded, some addresses connected and some did not\n"
	"  2  CRITICAL: nothing connected, or the name did not resolve\n"
	"  3  UNKNOWN: usage error, bad input, internal error\n";

const char *np_cli_usage(void)
{
	return usage;
}

static void build_optstring(char *buf, size_t len)
{
	size_t n = 0;

	buf[n++] = ':';		/* report a missing value as ':' */
	for (const struct option *o = long_options; o->name && n + 3 < len; o++) {
		if (o->val >= 256)
			continue;
		buf[n++] = (char)o->val;
		if (o->has_arg == required_argument)
			buf[n++] = ':';
	}
	buf[n] = '\0';
}

#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

static int parse_timeout(const char *s, double *ms, char *err, size_t errlen)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || !isfinite(v) || v <= 0 || v > 3600)
		FAIL("bad --timeout '%s': give seconds, more than 0 and at most 3600", s);
	*ms = v * 1000.0;
	return 0;
}

static int set_server(struct np_config *cfg, const char *s, char *err, size_t errlen)
{
	if (cfg->resolve.server_len)
		FAIL("more than one DNS server given: '%s'", s);
	return np_parse_server(s, &cfg->resolve.server, &cfg->resolve.server_len, err, errlen);
}

static int parse_option(int c, struct np_config *cfg, char *err, size_t errlen)
{
	switch (c) {
	case '4':
	case '6':
		if (cfg->resolve.family != AF_UNSPEC)
			FAIL("-4 and -6 exclude each other");
		cfg->resolve.family = c == '4' ? AF_INET : AF_INET6;
		return 0;
	case 's':
		return set_server(cfg, optarg, err, errlen);
	case 'T':
		return parse_timeout(optarg, &cfg->timeout_ms, err, errlen);
	case 'f':
		if (!np_reporter_find(optarg))
			FAIL("unknown --format '%s': use text or json", optarg);
		cfg->format = optarg;
		return 0;
	case 'j':
		cfg->format = "json";
		return 0;
	case 'd':
		cfg->dump = true;
		return 0;
	case OPT_NO_HOSTS:
		cfg->resolve.no_hosts = true;
		return 0;
	case 'h':
		cfg->command = NP_CMD_HELP;
		return 0;
	case 'V':
		cfg->command = NP_CMD_VERSION;
		return 0;
	default:
		FAIL("unhandled option: see netprobe --help");
	}
}

int np_cli_parse(int argc, char *argv[], struct np_config *cfg, char *err, size_t errlen)
{
	char optstring[64];
	char *positional[NP_MAX_PORTS + 2];
	int npos = 0, c;

	*cfg = (struct np_config){ .command = NP_CMD_PROBE, .timeout_ms = 3000.0, .format = "text" };
	cfg->resolve.family = AF_UNSPEC;
	build_optstring(optstring, sizeof(optstring));
	opterr = 0;		/* our messages, one line each */
	optind = 1;
	while ((c = getopt_long(argc, argv, optstring, long_options, NULL)) != -1) {
		if (c == ':')
			FAIL("option '%s' needs a value: see netprobe --help", argv[optind - 1]);
		if (c == '?' && optopt)
			FAIL("unknown option '-%c': see netprobe --help", optopt);
		if (c == '?')
			FAIL("unknown option '%s': see netprobe --help", argv[optind - 1]);
		if (parse_option(c, cfg, err, errlen) < 0)
			return -1;
	}
	if (cfg->command != NP_CMD_PROBE)
		return 0;
	for (int i = optind; i < argc; i++) {
		if (argv[i][0] == '@') {
			if (set_server(cfg, argv[i] + 1, err, errlen) < 0)
				return -1;
		} else if (npos == (int)(sizeof(positional) / sizeof(positional[0]))) {
			FAIL("too many arguments: one host and at most %d ports", NP_MAX_PORTS);
		} else {
			positional[npos++] = argv[i];
		}
	}
	if (np_parse_target(npos, positional, &cfg->target, err, errlen) < 0)
		return -1;
	cfg->resolve.timeout_ms = cfg->timeout_ms;
	if (cfg->target.literal_family && cfg->resolve.family != AF_UNSPEC &&
	    cfg->target.literal_family != cfg->resolve.family)
		FAIL("%s is an %s address, but %s was given", cfg->target.host,
		     cfg->target.literal_family == AF_INET ? "IPv4" : "IPv6",
		     cfg->resolve.family == AF_INET ? "-4" : "-6");
	return 0;
}
