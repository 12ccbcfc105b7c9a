/* Command-line parsing. The long_options table is the single source of truth:
 * the short-option string is built from it (mtr's habit). */
#include <config.h>
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "cli.h"
#include "sockaddr.h"

enum {
	OPT_NO_HOSTS = 256, OPT_SEND, OPT_EXPECT, OPT_RETRIES, OPT_DGRAM,
	OPT_V6ONLY, OPT_DUAL, OPT_MAX_CLIENTS, OPT_IDLE, OPT_MAX_BYTES, OPT_REPLY,
	OPT_COUNT, OPT_BACKLOG, OPT_PROC, OPT_NORECURSE, OPT_SHORT, OPT_COMPARE,
};

static const struct option long_options[] = {
	{ "ipv4", no_argument, NULL, '4' },
	{ "ipv6", no_argument, NULL, '6' },
	{ "server", required_argument, NULL, 's' },
	{ "timeout", required_argument, NULL, 'T' },
	{ "format", required_argument, NULL, 'f' },
	{ "json", no_argument, NULL, 'j' },
	{ "dump", no_argument, NULL, 'd' },
	{ "no-hosts", no_argument, NULL, OPT_NO_HOSTS },
	{ "tcp", no_argument, NULL, 't' },
	{ "udp", no_argument, NULL, 'u' },
	{ "dgram", no_argument, NULL, OPT_DGRAM },
	{ "send", required_argument, NULL, OPT_SEND },
	{ "expect", required_argument, NULL, OPT_EXPECT },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const struct option listen_options[] = {
	{ "bind", required_argument, NULL, 'b' },
	{ "tcp", no_argument, NULL, 't' },
	{ "udp", no_argument, NULL, 'u' },
	{ "dgram", no_argument, NULL, OPT_DGRAM },
	{ "v6only", no_argument, NULL, OPT_V6ONLY },
	{ "dual-stack", no_argument, NULL, OPT_DUAL },
	{ "max-clients", required_argument, NULL, OPT_MAX_CLIENTS },
	{ "idle", required_argument, NULL, OPT_IDLE },
	{ "max-bytes", required_argument, NULL, OPT_MAX_BYTES },
	{ "reply", required_argument, NULL, OPT_REPLY },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "backlog", required_argument, NULL, OPT_BACKLOG },
	{ "format", required_argument, NULL, 'f' },
	{ "json", no_argument, NULL, 'j' },
	{ "dump", no_argument, NULL, 'd' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const char listen_usage[] =
	"Usage: netprobe listen [OPTIONS] [ADDR] PORT\n"
	"       netprobe listen [OPTIONS] unix:/PATH | unix:@ABSTRACT\n"
	"\n"
	"Play the server: socket, bind, listen, then accept clients in a loop (TCP,\n"
	"Unix stream) or recvfrom/sendto (UDP, Unix datagram). Prints the address each\n"
	"client has (what accept() or recvfrom() filled in) and echoes what it sends.\n"
	"The default bind is loopback (127.0.0.1 and ::1): other hosts cannot connect.\n"
	"Bind 0.0.0.0 (INADDR_ANY) or :: (in6addr_any) to accept on all interfaces.\n"
	"PORT 0 lets the kernel choose; the port is printed. SIGINT, SIGTERM or SIGHUP\n"
	"stop it with a summary; a Unix socket file it created is removed. It stops\n"
	"too when standard output is gone (netprobe listen | head -1: EPIPE). Out of\n"
	"file descriptors (EMFILE), it closes waiting clients at once and says so.\n"
	"\n"
	"Options:\n"
	"  -b, --bind=ADDR          bind this address (repeatable); the same as ADDR\n"
	"  -t, --tcp                stream (default)\n"
	"  -u, --udp, --dgram       datagram: UDP, or SOCK_DGRAM for unix:\n"
	"      --v6only             on ::, set IPV6_V6ONLY=1: IPv6 clients only\n"
	"      --dual-stack         on ::, set IPV6_V6ONLY=0: IPv4 too (the default on ::)\n"
	"      --reply=TEXT         instead of echoing, send TEXT to each client on accept\n"
	"                           (stream) or as the answer to each datagram\n"
	"      --max-clients=N      clients at once; more are accepted and closed (64)\n"
	"      --idle=SECONDS       close a client silent this long (30)\n"
	"      --max-bytes=N        close a client after N bytes in (1048576)\n"
	"      --backlog=N          listen() backlog (128)\n"
	"      --count=N            stop after N clients (datagrams for UDP)\n"
	"  -f, --format=FORMAT      text (default), ndjson or json (one event per line)\n"
	"  -j, --json               the same as --format json\n"
	"  -d, --dump               show each client's sockaddr bytes, network byte order\n"
	"  -h, --help               this help\n"
	"\n"
	"Exit status: 0 stopped cleanly, 2 cannot bind or listen (EADDRINUSE, EACCES),\n"
	"3 usage error, or standard output cannot be written (EPIPE).\n";

const char *np_cli_listen_usage(void)
{
	return listen_usage;
}

static const struct option local_options[] = {
	{ "proc", no_argument, NULL, OPT_PROC },
	{ "timeout", required_argument, NULL, 'T' },
	{ "format", required_argument, NULL, 'f' },
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const char local_usage[] =
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

const char *np_cli_local_usage(void)
{
	return local_usage;
}

static const struct option lookup_options[] = {
	{ "server", required_argument, NULL, 's' },
	{ "reverse", required_argument, NULL, 'x' },
	{ "tcp", no_argument, NULL, 't' },
	{ "norecurse", no_argument, NULL, OPT_NORECURSE },
	{ "short", no_argument, NULL, OPT_SHORT },
	{ "compare-system", no_argument, NULL, OPT_COMPARE },
	{ "timeout", required_argument, NULL, 'T' },
	{ "format", required_argument, NULL, 'f' },
	{ "json", no_argument, NULL, 'j' },
	{ "dump", no_argument, NULL, 'd' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const char lookup_usage[] =
	"Usage: netprobe lookup [OPTIONS] NAME [TYPE...]\n"
	"       netprobe lookup [OPTIONS] -x ADDRESS\n"
	"\n"
	"Ask DNS as dig does, one query per TYPE (default A), all at once: A AAAA CNAME\n"
	"MX NS TXT SRV SOA PTR CAA ANY, or TYPEnnn (rdata in RFC 3597 hex). Prints\n"
	"the header (opcode, rcode, id, flags, counts), the QUESTION, ANSWER, AUTHORITY\n"
	"and ADDITIONAL sections with TTLs, the query time, the server that answered,\n"
	"the transport (a truncated UDP answer is retried over TCP, and said so) and\n"
	"the message size.\n"
	"\n"
	"Options:\n"
	"  @SERVER[:PORT]           ask this DNS server (IPv4 or IPv6 literal)\n"
	"  -s, --server=SERVER[:PORT]  the same as @SERVER[:PORT]\n"
	"  -x, --reverse=ADDRESS    reverse lookup: PTR of in-addr.arpa / ip6.arpa\n"
	"  -t, --tcp                ask over TCP from the start\n"
	"      --norecurse          clear RD: ask the server only what it knows\n"
	"      --short              answers' rdata only, like dig +short\n"
	"      --compare-system     also ask getaddrinfo (NSS: hosts file, mDNS,\n"
	"                           systemd-resolved...) and say where it disagrees,\n"
	"                           for the families asked (A and AAAA if neither)\n"
	"  -T, --timeout=SECONDS    give up after this long (default 3)\n"
	"  -d, --dump               each reply as annotated hex: header fields, and each\n"
	"                           record's TYPE, CLASS, TTL, RDLENGTH from network order\n"
	"  -f, --format=FORMAT      text (default) or json\n"
	"  -j, --json               the same as --format json\n"
	"  -h, --help               this help\n"
	"\n"
	"AXFR and IXFR (zone transfers) are refused as bad input.\n"
	"\n"
	"Exit status: 0 answers found, 1 NODATA (the name exists, no such record),\n"
	"2 NXDOMAIN, SERVFAIL, REFUSED, a referral, an unfinished CNAME chain, timeout\n"
	"or a malformed reply, 3 bad input.\n";

const char *np_cli_lookup_usage(void)
{
	return lookup_usage;
}

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
	"                           (default 2); paced to a host that rate-limits\n"
	"                           its ICMP errors (man netprobe: TRANSPORTS)\n"
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

const char *np_cli_usage(void)
{
	return usage;
}

static void build_optstring(const struct option *opts, char *buf, size_t len)
{
	size_t n = 0;

	buf[n++] = ':';		/* report a missing value as ':' */
	for (const struct option *o = opts; o->name && n + 3 < len; o++) {
		if (o->val >= 256)
			continue;
		buf[n++] = (char)o->val;
		if (o->has_arg == required_argument)
			buf[n++] = ':';
	}
	buf[n] = '\0';
}

#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

/* Numbers on the command line are decimal digits only, as OpenBSD's strtonum
 * wants them: strtod and strtoul would also take " 5", "+5", "0x10", "1e1" and
 * "inf". With fraction, one point between digits is allowed too. */
static bool decimal_only(const char *s, bool fraction)
{
	size_t digits = 0;

	for (; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			digits++;
		} else if (*s == '.' && fraction && digits && s[1]) {
			fraction = false;	/* one point, digits on both sides */
			digits = 0;
		} else {
			return false;
		}
	}
	return digits > 0;
}

/* SECONDS of --timeout, -T or --idle: opt names the option in the message. */
static int parse_seconds(const char *opt, const char *s, double *ms, char *err, size_t errlen)
{
	double v = decimal_only(s, true) ? strtod(s, NULL) : -1;

	if (v <= 0 || v > 3600)
		FAIL("bad %s '%s': give seconds in decimal digits (30, 0.5), more than 0 and at most "
		     "3600", opt, s);
	*ms = v * 1000.0;
	return 0;
}

static int parse_count(const char *opt, const char *s, unsigned long min, unsigned long max,
		       unsigned long *out, char *err, size_t errlen)
{
	bool ok = decimal_only(s, false);
	unsigned long v;

	errno = 0;
	v = ok ? strtoul(s, NULL, 10) : 0;
	if (!ok || errno || v < min || v > max)
		FAIL("bad --%s '%s': give a number from %lu to %lu", opt, s, min, max);
	*out = v;
	return 0;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
		: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

int np_cli_unescape(const char *opt, const char *s, uint8_t *out, size_t cap, size_t *len,
		    char *err, size_t errlen)
{
	size_t n = 0;

	for (; *s; s++) {
		int c = (unsigned char)*s;

		if (c == '\\') {
			switch (*++s) {
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case '0': c = 0; break;
			case '\\': c = '\\'; break;
			case 'x':
				if (hexval(s[1]) < 0 || hexval(s[2]) < 0)
					FAIL("bad escape in %s: \\x needs two hex digits", opt);
				c = hexval(s[1]) << 4 | hexval(s[2]);
				s += 2;
				break;
			default:
				FAIL("bad escape in %s: use \\n \\r \\t \\0 \\\\ or \\xHH", opt);
			}
		}
		if (n == cap)
			FAIL("%s is longer than %zu bytes", opt, cap);
		out[n++] = (uint8_t)c;
	}
	*len = n;
	return 0;
}

static int set_server(struct np_config *cfg, const char *s, char *err, size_t errlen)
{
	if (cfg->resolve.server_len)
		FAIL("more than one DNS server given: '%s'", s);
	return np_parse_server(s, &cfg->resolve.server, &cfg->resolve.server_len, err, errlen);
}

/* getopt_long says '?' for an unknown option and for a value given to an option
 * that takes none (--help=x); then optopt is that option's val, so find its name. */
static int check_getopt(int c, char *argv[], const struct option *opts, char *err,
			size_t errlen)
{
	if (c == ':')
		FAIL("option '%s' needs a value: see netprobe --help", argv[optind - 1]);
	for (const struct option *o = opts; c == '?' && optopt && o->name; o++)
		if (o->val == optopt && o->has_arg == no_argument)
			FAIL("option '--%s' takes no value: see netprobe --help", o->name);
	if (c == '?' && optopt)
		FAIL("unknown option '-%c': see netprobe --help", optopt);
	if (c == '?')
		FAIL("unknown option '%s': see netprobe --help", argv[optind - 1]);
	return 0;
}

/* The output formats each command knows, first the default. */
static const char *const probe_formats[] = { "text", "json", NULL };
static const char *const listen_formats[] = { "text", "ndjson", "json", NULL };
static const char *const document_formats[] = { "text", "json", NULL };	/* local, lookup */

/* Options every command has: --format, --json, --dump, --help. 1 when c was
 * one of them, 0 when not, -1 on a bad value. */
static int shared_option(int c, struct np_config *cfg, const char *const formats[], char *err,
			 size_t errlen)
{
	switch (c) {
	case 'f':
		for (size_t i = 0; formats[i]; i++)
			if (strcmp(optarg, formats[i]) == 0) {
				cfg->format = formats[i];
				return 1;
			}
		FAIL("unknown --format '%s': use %s%s%s%s%s", optarg, formats[0],
		     formats[1] ? ", " : "", formats[1] ? formats[1] : "", formats[2] ? ", " : "",
		     formats[2] ? formats[2] : "");
	case 'j':
		cfg->format = "json";
		return 1;
	case 'd':
		cfg->dump = true;
		return 1;
	case 'h':
		cfg->command = NP_CMD_HELP;
		return 1;
	default:
		return 0;
	}
}

typedef int (*np_option_fn)(int c, struct np_config *cfg, void *ctx, char *err, size_t errlen);

/* getopt_long over one command's table, each option to fn. */
static int each_option(int argc, char *argv[], const struct option *opts, np_option_fn fn,
		       struct np_config *cfg, void *ctx, char *err, size_t errlen)
{
	char optstring[64];
	int c;

	build_optstring(opts, optstring, sizeof(optstring));
	opterr = 0;		/* our messages, one line each */
	optind = 1;
	while ((c = getopt_long(argc, argv, optstring, opts, NULL)) != -1)
		if (check_getopt(c, argv, opts, err, errlen) < 0 || fn(c, cfg, ctx, err, errlen) < 0)
			return -1;
	return 0;
}

static int probe_option(int c, struct np_config *cfg, void *ctx, char *err, size_t errlen)
{
	unsigned long v;
	int shared = shared_option(c, cfg, probe_formats, err, errlen);

	if (shared)
		return shared < 0 ? -1 : 0;
	switch (c) {
	case '4':
	case '6':
		if (cfg->resolve.family != AF_UNSPEC &&
		    cfg->resolve.family != (c == '4' ? AF_INET : AF_INET6))
			FAIL("-4 and -6 exclude each other");	/* -4 -4 is just -4 */
		cfg->resolve.family = c == '4' ? AF_INET : AF_INET6;
		return 0;
	case 's':
		return set_server(cfg, optarg, err, errlen);
	case 'T':
		return parse_seconds("--timeout", optarg, &cfg->timeout_ms, err, errlen);
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
		if (parse_count("retries", optarg, 0, 10, &v, err, errlen) < 0)
			return -1;
		cfg->probe.retries = (unsigned)v;
		return 0;
	case 'V':
		cfg->command = NP_CMD_VERSION;
		return 0;
	default:
		FAIL("unhandled option: see netprobe --help");
	}
}

/* An address to bind: IPv4 or IPv6 literal, port set later. */
static int add_bind(struct np_listen_opts *l, const char *addr, char *err, size_t errlen)
{
	struct sockaddr_storage *ss;
	char host[INET6_ADDRSTRLEN + 2];
	size_t n = strlen(addr);

	if (l->nbinds == NP_LISTEN_MAX_BINDS)
		FAIL("too many --bind addresses: at most %d", NP_LISTEN_MAX_BINDS);
	if (addr[0] == '[' && n > 2 && addr[n - 1] == ']') {
		snprintf(host, sizeof(host), "%.*s", (int)(n - 2), addr + 1);
		addr = host;
	}
	ss = &l->binds[l->nbinds];
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &((struct sockaddr_in *)ss)->sin_addr) == 1)
		ss->ss_family = AF_INET;
	else if (inet_pton(AF_INET6, addr, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1)
		ss->ss_family = AF_INET6;
	else
		FAIL("bad bind address '%s': give an IPv4 or IPv6 address (0.0.0.0 or :: for all "
		     "interfaces)", addr);
	l->bind_lens[l->nbinds++] = np_sockaddr_len(ss);
	return 0;
}

static int listen_option(int c, struct np_config *cfg, void *ctx, char *err, size_t errlen)
{
	struct np_listen_opts *l = &cfg->listen;
	unsigned long v;
	int shared = shared_option(c, cfg, listen_formats, err, errlen);

	if (shared)
		return shared < 0 ? -1 : 0;
	switch (c) {
	case 'b':
		return add_bind(l, optarg, err, errlen);
	case 't':
		return 0;
	case 'u':
	case OPT_DGRAM:
		l->udp = true;
		return 0;
	case OPT_V6ONLY:
	case OPT_DUAL:
		if (l->v6only >= 0 && l->v6only != (c == OPT_V6ONLY))
			FAIL("--v6only and --dual-stack exclude each other");
		l->v6only = c == OPT_V6ONLY;
		return 0;
	case OPT_MAX_CLIENTS:
		if (parse_count("max-clients", optarg, 1, 100000, &v, err, errlen) < 0)
			return -1;
		l->max_clients = (unsigned)v;
		return 0;
	case OPT_IDLE:
		return parse_seconds("--idle", optarg, &l->idle_ms, err, errlen);
	case OPT_MAX_BYTES:
		if (parse_count("max-bytes", optarg, 1, 1UL << 40, &v, err, errlen) < 0)
			return -1;
		l->max_bytes = v;
		return 0;
	case OPT_REPLY:
		if (np_cli_unescape("--reply", optarg, cfg->reply_buf, sizeof(cfg->reply_buf), &l->reply_len,
				    err, errlen) < 0)
			return -1;
		l->reply = cfg->reply_buf;
		return 0;
	case OPT_COUNT:
		if (parse_count("count", optarg, 1, 1000000000, &v, err, errlen) < 0)
			return -1;
		l->count = (unsigned)v;
		return 0;
	case OPT_BACKLOG:
		if (parse_count("backlog", optarg, 1, 65535, &v, err, errlen) < 0)
			return -1;
		l->backlog = (int)v;
		return 0;
	default:
		FAIL("unhandled option: see netprobe listen --help");
	}
}

/* 0.0.0.0 and :: together: :: must be IPv6-only, or its dual-stack socket
 * would take the IPv4 port 0.0.0.0 needs (EADDRINUSE). Say so by setting it. */
static void both_wildcards(struct np_listen_opts *l)
{
	bool any4 = false, any6 = false;

	for (size_t i = 0; i < l->nbinds; i++) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)&l->binds[i];
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&l->binds[i];

		any4 |= in->sin_family == AF_INET && in->sin_addr.s_addr == htonl(INADDR_ANY);
		any6 |= in6->sin6_family == AF_INET6 && IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr);
	}
	if (any4 && any6 && l->v6only < 0)
		l->v6only = 1;
}

/* Positional: [ADDR] PORT, or unix:NAME. */
static int listen_positional(int npos, char *pos[], struct np_config *cfg, char *err,
			     size_t errlen)
{
	struct np_listen_opts *l = &cfg->listen;
	uint16_t port = 0;

	if (npos == 1 && strncmp(pos[0], "unix:", 5) == 0) {
		if (l->nbinds)
			FAIL("a Unix socket path and --bind exclude each other");
		if (np_sockaddr_unix(pos[0] + 5, &l->binds[0], &l->bind_lens[0], err, errlen) < 0)
			return -1;
		l->nbinds = 1;
		return 0;
	}
	if (npos < 1 || npos > 2)
		FAIL("usage: netprobe listen [ADDR] PORT, or netprobe listen unix:/PATH");
	if (npos == 2 && add_bind(l, pos[0], err, errlen) < 0)
		return -1;
	if (strcmp(pos[npos - 1], "0") != 0 && np_parse_port(pos[npos - 1], &port, err, errlen) < 0)
		return -1;
	if (l->nbinds == 0) {	/* the default: loopback, both families */
		add_bind(l, "127.0.0.1", err, errlen);
		add_bind(l, "::1", err, errlen);
	}
	both_wildcards(l);
	for (size_t i = 0; i < l->nbinds; i++)
		np_sockaddr_set_port(&l->binds[i], port);
	return 0;
}

static int parse_listen(int argc, char *argv[], struct np_config *cfg, char *err, size_t errlen)
{
	cfg->command = NP_CMD_LISTEN;
	cfg->help = listen_usage;
	cfg->listen = (struct np_listen_opts){ .v6only = -1, .backlog = 128, .max_clients = 64,
					       .idle_ms = 30000, .max_bytes = 1 << 20 };
	if (each_option(argc, argv, listen_options, listen_option, cfg, NULL, err, errlen) < 0)
		return -1;
	if (cfg->command == NP_CMD_HELP)
		return 0;
	return listen_positional(argc - optind, argv + optind, cfg, err, errlen);
}

static int local_option(int c, struct np_config *cfg, void *ctx, char *err, size_t errlen)
{
	int shared = shared_option(c, cfg, document_formats, err, errlen);

	if (shared)
		return shared < 0 ? -1 : 0;
	if (c == OPT_PROC)
		cfg->local_proc = true;
	else if (c == 'T')
		return parse_seconds("--timeout", optarg, &cfg->timeout_ms, err, errlen);
	return 0;
}

static int parse_local(int argc, char *argv[], struct np_config *cfg, char *err, size_t errlen)
{
	cfg->command = NP_CMD_LOCAL;
	cfg->help = local_usage;
	if (each_option(argc, argv, local_options, local_option, cfg, NULL, err, errlen) < 0)
		return -1;
	if (cfg->command == NP_CMD_HELP)
		return 0;
	if (argc - optind != 1)
		FAIL("usage: netprobe local PORT");
	return np_parse_port(argv[optind], &cfg->local_port, err, errlen);
}

static int lookup_option(int c, struct np_config *cfg, void *ctx, char *err, size_t errlen)
{
	const char **reverse = ctx;
	int shared = shared_option(c, cfg, document_formats, err, errlen);

	if (shared)
		return shared < 0 ? -1 : 0;
	switch (c) {
	case 's':
		return set_server(cfg, optarg, err, errlen);
	case 'x':
		*reverse = optarg;
		return 0;
	case 't':
		cfg->lookup.resolve.tcp = cfg->lookup.tcp = true;
		return 0;
	case OPT_NORECURSE:
		cfg->lookup.norecurse = true;
		return 0;
	case OPT_SHORT:
		cfg->lookup_short = true;
		return 0;
	case OPT_COMPARE:
		cfg->lookup.compare_system = true;
		return 0;
	case 'T':
		return parse_seconds("--timeout", optarg, &cfg->timeout_ms, err, errlen);
	default:
		FAIL("unhandled option: see netprobe lookup --help");
	}
}

/* --compare-system compares addresses: without A or AAAA asked, ask both. */
static void ask_addresses(struct np_lookup_opts *l)
{
	for (size_t i = 0; i < l->ntypes; i++)
		if (np_rr_family(l->types[i]))
			return;
	for (size_t i = 0; i < 2 && l->ntypes < NP_LOOKUP_MAX_TYPES; i++)
		l->types[l->ntypes++] = i ? NP_RR_AAAA : NP_RR_A;
}

static int lookup_args(int npos, char *pos[], const char *reverse, struct np_config *cfg,
		       char *err, size_t errlen)
{
	struct np_lookup_opts *l = &cfg->lookup;
	int first = 0;

	if (reverse) {
		if (np_dns_reverse_name(reverse, l->name, sizeof(l->name)) < 0)
			FAIL("-x needs an IPv4 or IPv6 address, not '%s'", reverse);
	} else {
		if (npos < 1)
			FAIL("usage: netprobe lookup NAME [TYPE...] (see netprobe lookup --help)");
		if (np_check_hostname(pos[0], err, errlen) < 0)
			return -1;
		snprintf(l->name, sizeof(l->name), "%s", pos[0]);
		first = 1;
	}
	for (int i = first; i < npos; i++) {
		uint16_t t = np_dns_type_from_name(pos[i]);
		const struct np_rr_type *row = np_rr_find(t);

		if (!t)
			FAIL("unknown record type '%s': use A AAAA CNAME MX NS TXT SRV SOA PTR CAA ANY "
			     "or TYPEnnn", pos[i]);
		/* a transfer is many messages and netprobe shows one: refuse rather
		 * than print a part of a zone as if it were the whole */
		if (row && row->use == NP_RR_TRANSFER)
			FAIL("%s is a zone transfer, which netprobe lookup does not do (it would show "
			     "one message of many): use dig or kdig %s", pos[i], row->name);
		if (l->ntypes == NP_LOOKUP_MAX_TYPES)
			FAIL("too many record types: at most %d", NP_LOOKUP_MAX_TYPES);
		l->types[l->ntypes++] = t;
	}
	if (l->ntypes == 0)
		l->types[l->ntypes++] = reverse ? NP_RR_PTR : NP_RR_A;
	if (l->compare_system)
		ask_addresses(l);
	return 0;
}

static int parse_lookup(int argc, char *argv[], struct np_config *cfg, char *err, size_t errlen)
{
	char *pos[NP_LOOKUP_MAX_TYPES + 2];
	const char *reverse = NULL;
	int npos = 0;

	cfg->command = NP_CMD_LOOKUP;
	cfg->help = lookup_usage;
	if (each_option(argc, argv, lookup_options, lookup_option, cfg, &reverse, err, errlen) < 0)
		return -1;
	if (cfg->command == NP_CMD_HELP)
		return 0;
	for (int i = optind; i < argc; i++) {
		if (argv[i][0] == '@') {
			if (set_server(cfg, argv[i] + 1, err, errlen) < 0)
				return -1;
		} else if (npos == (int)(sizeof(pos) / sizeof(pos[0]))) {
			FAIL("too many arguments: one name and at most %d types", NP_LOOKUP_MAX_TYPES);
		} else {
			pos[npos++] = argv[i];
		}
	}
	if (lookup_args(npos, pos, reverse, cfg, err, errlen) < 0)
		return -1;
	cfg->lookup.resolve.server = cfg->resolve.server;
	cfg->lookup.resolve.server_len = cfg->resolve.server_len;
	cfg->lookup.resolve.timeout_ms = cfg->timeout_ms;
	cfg->lookup.resolve.family = AF_UNSPEC;
	return 0;
}

int np_cli_parse(int argc, char *argv[], struct np_config *cfg, char *err, size_t errlen)
{
	char *positional[NP_MAX_PORTS + 2];
	int npos = 0;

	*cfg = (struct np_config){ .command = NP_CMD_PROBE, .timeout_ms = 3000.0, .format = "text",
				   .probe.retries = NP_RETRIES_DEFAULT };
	cfg->resolve.family = AF_UNSPEC;
	cfg->help = usage;
	if (argc > 1 && strcmp(argv[1], "listen") == 0)
		return parse_listen(argc - 1, argv + 1, cfg, err, errlen);
	if (argc > 1 && strcmp(argv[1], "local") == 0)
		return parse_local(argc - 1, argv + 1, cfg, err, errlen);
	if (argc > 1 && strcmp(argv[1], "lookup") == 0)
		return parse_lookup(argc - 1, argv + 1, cfg, err, errlen);
	if (each_option(argc, argv, long_options, probe_option, cfg, NULL, err, errlen) < 0)
		return -1;
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
	if (npos > 0 && (strcmp(positional[0], "listen") == 0 || strcmp(positional[0], "local") == 0 ||
			 strcmp(positional[0], "lookup") == 0))
		FAIL("options go after the command: netprobe %s [OPTIONS] ...", positional[0]);
	if (np_parse_target(npos, positional, &cfg->target, err, errlen) < 0)
		return -1;
	cfg->resolve.timeout_ms = cfg->probe.timeout_ms = cfg->timeout_ms;
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
