/* netprobe listen: its options, its help, and serving (listen.c) with each event
 * handed to the reporter as it happens. */
#include <config.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "cmd_listen.h"
#include "report.h"
#include "report_listen.h"
#include "sockaddr.h"
#include "target.h"

enum {
	OPT_DGRAM = 256, OPT_V6ONLY, OPT_DUAL, OPT_MAX_CLIENTS, OPT_IDLE, OPT_MAX_BYTES, OPT_REPLY,
	OPT_COUNT, OPT_BACKLOG,
};

/* Its own; --format, --json and --help are added by np_cli_options. */
static const struct option options[] = {
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
	{ "dump", no_argument, NULL, 'd' },
	{ NULL, 0, NULL, 0 },
};

static const char usage[] =
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

static const enum np_format formats[] = {
	NP_FORMAT_TEXT, NP_FORMAT_NDJSON, NP_FORMAT_JSON, NP_FORMAT_END
};

#define FAIL NP_FAIL

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

static int option(int c, struct np_cli *cli, char *err, size_t errlen)
{
	struct np_listen_config *cfg = cli->config;
	struct np_listen_opts *l = &cfg->listen;
	unsigned long v;

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
		if (np_cli_count("max-clients", optarg, 1, 100000, &v, err, errlen) < 0)
			return -1;
		l->max_clients = (unsigned)v;
		return 0;
	case OPT_IDLE:
		return np_cli_seconds("--idle", optarg, &l->idle_ms, err, errlen);
	case OPT_MAX_BYTES:
		if (np_cli_count("max-bytes", optarg, 1, 1UL << 40, &v, err, errlen) < 0)
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
		if (np_cli_count("count", optarg, 1, 1000000000, &v, err, errlen) < 0)
			return -1;
		l->count = (unsigned)v;
		return 0;
	case OPT_BACKLOG:
		if (np_cli_count("backlog", optarg, 1, 65535, &v, err, errlen) < 0)
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
		const struct sockaddr *sa = (const struct sockaddr *)&l->binds[i];
		bool any = np_sockaddr_scope(sa) == NP_SCOPE_WILDCARD;

		any4 |= any && sa->sa_family == AF_INET;
		any6 |= any && sa->sa_family == AF_INET6;
	}
	if (any4 && any6 && l->v6only < 0)
		l->v6only = 1;
}

/* Positional: [ADDR] PORT, or unix:NAME. */
static int listen_positional(int npos, char *pos[], struct np_listen_config *cfg, char *err,
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

static int parse(int argc, char *argv[], struct np_cli *cli, char *err, size_t errlen)
{
	struct np_listen_config *cfg = cli->config;

	cfg->listen = (struct np_listen_opts){ .v6only = -1, .backlog = 128, .max_clients = 64,
					       .idle_ms = 30000, .max_bytes = 1 << 20 };
	if (np_cli_options(argc, argv, cli, option, err, errlen) < 0)
		return -1;
	if (cli->action != NP_CLI_RUN)
		return 0;
	return listen_positional(argc - optind, argv + optind, cfg, err, errlen);
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

/* 0 after a clean stop, 2 when the socket cannot be set up, 3 when standard
 * output failed (a reader that went away: EPIPE). */
static int run(const struct np_cli *cli)
{
	const struct np_listen_config *cfg = cli->config;
	struct listen_sink sink = { &np_listen_reporters[cli->format], cli->dump, 0 };
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
	return np_report_finish(0);
}

const struct np_command np_cmd_listen = {
	.name = "listen", .usage = usage, .options = options, .formats = formats,
	.config_size = sizeof(struct np_listen_config), .parse = parse, .run = run,
};
