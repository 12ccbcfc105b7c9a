/* netprobe lookup: its options, its help, and asking DNS as dig does (lookup.c). */
#include <config.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "cmd_lookup.h"
#include "outfile.h"
#include "dnsdecode.h"
#include "lookup_batch.h"
#include "report.h"
#include "report_lookup.h"
#include "rrtypes.h"
#include "target.h"

enum { OPT_NORECURSE = 256, OPT_SHORT, OPT_COMPARE, OPT_JOBS };

/* Its own; --format, --json and --help are added by np_cli_options. */
static const struct option options[] = {
	{ "server", required_argument, NULL, 's' },
	{ "reverse", required_argument, NULL, 'x' },
	{ "tcp", no_argument, NULL, 't' },
	{ "norecurse", no_argument, NULL, OPT_NORECURSE },
	{ "short", no_argument, NULL, OPT_SHORT },
	{ "compare-system", no_argument, NULL, OPT_COMPARE },
	{ "timeout", required_argument, NULL, 'T' },
	{ "dump", no_argument, NULL, 'd' },
	{ "file", required_argument, NULL, 'F' },
	{ "jobs", required_argument, NULL, OPT_JOBS },
	{ "output", required_argument, NULL, 'o' },
	{ NULL, 0, NULL, 0 },
};

static const char usage[] =
	"Usage: netprobe lookup [OPTIONS] NAME [TYPE...]\n"
	"       netprobe lookup [OPTIONS] -x ADDRESS\n"
	"       netprobe lookup [OPTIONS] --file FILE [TYPE...]\n"
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
	"  -F, --file=FILE          ask for every NAME [TYPE...] line of FILE (- for\n"
	"                           standard input), the fast dig -f: one channel, many\n"
	"                           queries in flight, each name printed as it is done,\n"
	"                           then a summary; the TYPEs given here are the default\n"
	"                           for lines without (# starts a comment)\n"
	"      --jobs=N             names in flight with --file (1-65536; default 100,\n"
	"                           as dnsperf keeps 100 queries out)\n"
	"  -f, --format=FORMAT      text (default), ndjson (one object a line, then a\n"
	"                           summary object), json, or prometheus (the first\n"
	"                           TYPE's reply as blackbox_exporter's dns metrics;\n"
	"                           not with --file)\n"
	"  -o, --output=FILE        write the report to FILE whole, then rename it into\n"
	"                           place\n"
	"  -j, --json               the same as --format json\n"
	"  -h, --help               this help\n"
	"\n"
	"AXFR and IXFR (zone transfers) are refused as bad input. With --file, a bad\n"
	"line is said on stderr as FILE:LINE: reason and the rest runs; -x and\n"
	"--compare-system do not go with --file.\n"
	"\n"
	"Exit status: 0 answers found, 1 NODATA (the name exists, no such record),\n"
	"2 NXDOMAIN, SERVFAIL, REFUSED, a referral, an unfinished CNAME chain, timeout\n"
	"or a malformed reply, 3 bad input (with --file: the worst of every name, 3\n"
	"if any line was bad or the output could not be written).\n";

static const enum np_format formats[] = {
	NP_FORMAT_TEXT, NP_FORMAT_NDJSON, NP_FORMAT_JSON, NP_FORMAT_PROMETHEUS, NP_FORMAT_END
};

#define FAIL NP_FAIL

static int option(int c, struct np_cli *cli, char *err, size_t errlen)
{
	struct np_lookup_config *cfg = cli->config;
	/* -s and -T (-4, -6 and --no-hosts are not in lookup's table) */
	int rc = np_cli_dns_option(c, cli, &cfg->lookup.resolve, err, errlen);

	if (rc != NP_CLI_NOT_MINE)
		return rc;
	switch (c) {
	case 'x':
		cfg->reverse = optarg;
		return 0;
	case 't':
		cfg->lookup.resolve.tcp = cfg->lookup.tcp = true;
		return 0;
	case OPT_NORECURSE:
		cfg->lookup.norecurse = true;
		return 0;
	case OPT_SHORT:
		cfg->short_form = true;
		return 0;
	case OPT_COMPARE:
		cfg->lookup.compare_system = true;
		return 0;
	case 'F':
		cfg->file = optarg;
		return 0;
	case OPT_JOBS:
		return np_cli_count("jobs", optarg, 1, 65536, &cfg->jobs, err, errlen);
	case 'o':
		return np_outfile_option(optarg, &cfg->output, err, errlen);
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

int np_lookup_parse_type(const char *s, uint16_t *type, char *err, size_t errlen)
{
	uint16_t t = np_dns_type_from_name(s);
	const struct np_rr_type *row = np_rr_find(t);

	if (!t)
		FAIL("unknown record type '%s': use A AAAA CNAME MX NS TXT SRV SOA PTR CAA ANY "
		     "or TYPEnnn", s);
	/* a transfer is many messages and netprobe shows one: refuse rather
	 * than print a part of a zone as if it were the whole */
	if (row && row->use == NP_RR_TRANSFER)
		FAIL("%s is a zone transfer, which netprobe lookup does not do (it would show "
		     "one message of many): use dig or kdig %s", s, row->name);
	*type = t;
	return 0;
}

/* TYPE... from w into l's types. */
static int add_types(int n, char *w[], struct np_lookup_opts *l, char *err, size_t errlen)
{
	for (int i = 0; i < n; i++) {
		uint16_t t;

		if (np_lookup_parse_type(w[i], &t, err, errlen) < 0)
			return -1;
		if (l->ntypes == NP_LOOKUP_MAX_TYPES)
			FAIL("too many record types: at most %d", NP_LOOKUP_MAX_TYPES);
		l->types[l->ntypes++] = t;
	}
	return 0;
}

/* Straight into l (1.2 KB: no copy of it per name); on failure l is half
 * written, and its caller drops it. */
int np_lookup_parse_line(int n, char *w[], struct np_lookup_opts *l, struct np_error *e)
{
	size_t ndefault = l->ntypes;
	char msg[sizeof(e->message)];

	if (np_check_hostname(w[0], msg, sizeof(msg)) < 0) {
		np_error_set(e, "BAD_NAME", "%s", msg);
		return -1;
	}
	l->ntypes = 0;
	if (add_types(n - 1, w + 1, l, msg, sizeof(msg)) < 0) {
		np_error_set(e, "BAD_TYPE", "%s", msg);
		return -1;
	}
	if (l->ntypes == 0)	/* the command line's TYPEs, left in l->types */
		l->ntypes = ndefault;
	snprintf(l->name, sizeof(l->name), "%s", w[0]);
	return 0;
}

/* With --file the arguments are the default TYPEs (A when none). */
static int file_args(int npos, char *pos[], struct np_lookup_config *cfg, char *err,
		     size_t errlen)
{
	uint16_t t;

	if (cfg->reverse)
		FAIL("-x does not go with --file: write the reverse names (in-addr.arpa, "
		     "ip6.arpa) in the file");
	if (cfg->lookup.compare_system)
		FAIL("--compare-system does not go with --file: it asks the system resolver "
		     "(getaddrinfo, one blocking call) for every name");
	for (int i = 0; i < npos; i++)
		if (np_lookup_parse_type(pos[i], &t, err, errlen) < 0 &&
		    np_dns_type_from_name(pos[i]) == 0)
			FAIL("with --file the arguments are record TYPEs, the default for lines "
			     "without: '%s' is not one (names go in the file)", pos[i]);
	if (add_types(npos, pos, &cfg->lookup, err, errlen) < 0)
		return -1;
	if (cfg->lookup.ntypes == 0)
		cfg->lookup.types[cfg->lookup.ntypes++] = NP_RR_A;
	return 0;
}

/* NAME [TYPE...], or -x's address and TYPE... */
static int lookup_args(int npos, char *pos[], struct np_lookup_config *cfg, char *err,
		       size_t errlen)
{
	struct np_lookup_opts *l = &cfg->lookup;
	const char *reverse = cfg->reverse;
	int first = 0;

	if (cfg->file)
		return file_args(npos, pos, cfg, err, errlen);
	if (cfg->jobs)
		FAIL("--jobs goes with --file (names in flight)");
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
	if (add_types(npos - first, pos + first, l, err, errlen) < 0)
		return -1;
	if (l->ntypes == 0)
		l->types[l->ntypes++] = reverse ? NP_RR_PTR : NP_RR_A;
	if (l->compare_system)
		ask_addresses(l);
	return 0;
}

static int parse(int argc, char *argv[], struct np_cli *cli, char *err, size_t errlen)
{
	struct np_lookup_config *cfg = cli->config;
	char *pos[NP_LOOKUP_MAX_TYPES + 2];
	int npos;

	if (np_cli_options(argc, argv, cli, option, err, errlen) < 0)
		return -1;
	if (cli->action != NP_CLI_RUN)
		return 0;
	npos = np_cli_arguments(argc, argv, &cfg->lookup.resolve, pos,
				(int)(sizeof(pos) / sizeof(pos[0])), err, errlen);
	if (npos == -2)
		FAIL("too many arguments: one name and at most %d types", NP_LOOKUP_MAX_TYPES);
	if (npos < 0 || lookup_args(npos, pos, cfg, err, errlen) < 0)
		return -1;
	if (cfg->file && cli->format == NP_FORMAT_PROMETHEUS)
		FAIL("--format prometheus is one name's metrics: not with --file (probe them with "
		     "netprobe exporter, one /probe each)");
	cfg->lookup.resolve.timeout_ms = cli->timeout_ms;
	cfg->lookup.resolve.family = AF_UNSPEC;
	cfg->lookup.annotate = cli->dump;	/* the field notes are --dump's */
	return 0;
}

/* Names in flight by default: dnsperf's 100 outstanding queries. At 256 names
 * (512 queries in one burst) a knotd with default buffers dropped queries, and
 * each drop cost a c-ares retry a third of --timeout later. Names need no
 * descriptors of their own (one channel), so ulimit -n does not enter. */
#define NP_LOOKUP_JOBS_DEFAULT 100

/* Where --file's names go as they are done. */
struct sink_ctx {
	struct np_lookup_stream *st;
	FILE *out;
};

static void sink_name(void *arg, const struct np_lookup_result *r, const char *file,
		      unsigned long line, int exit_code)
{
	struct sink_ctx *c = arg;

	np_lookup_stream_name(c->st, r, file, line, exit_code);
}

static void sink_bad_line(void *arg, const struct np_bad_line *b)
{
	struct sink_ctx *c = arg;

	np_lookup_stream_bad_line(c->st, b);
}

static int sink_flush(void *arg)
{
	struct sink_ctx *c = arg;

	return fflush(c->out) == 0 && !ferror(c->out) ? 0 : -1;
}

/* --file: every line's name, as it is done, then the summary. */
static int run_file(const struct np_cli *cli, const struct np_lookup_view *view, FILE *out)
{
	const struct np_lookup_config *cfg = cli->config;
	struct np_lookup_batch_opts o = { .base = cfg->lookup, .path = cfg->file,
					  .jobs = cfg->jobs ? cfg->jobs : NP_LOOKUP_JOBS_DEFAULT };
	struct np_lookup_stream *st = np_lookup_stream_begin(out, cli->format, view);
	struct sink_ctx ctx = { st, out };
	struct np_lookup_sink sink = { sink_name, sink_bad_line, sink_flush, &ctx };
	struct np_lookup_summary sum;
	struct np_error err = { 0 };

	if (!st) {
		np_report_fatal("out of memory");
		return 3;
	}
	if (np_lookup_batch_run(&o, &sink, &sum, &err) < 0) {
		np_lookup_stream_abort(st);
		np_report_fatal(err.message);
		return 3;
	}
	if (sum.write_failed) {	/* the reader is gone: nothing more to say to it */
		np_lookup_stream_abort(st);
		return np_report_finish(3);
	}
	np_lookup_stream_end(st, &sum);
	return np_report_finish(sum.exit_code);
}

/* One name: the document (or text) as always. */
static int run_one(const struct np_cli *cli, const struct np_lookup_view *view, FILE *out)
{
	struct np_lookup_result r;
	const struct np_lookup_config *cfg = cli->config;
	struct np_error err = { 0 };
	int code;

	if (np_lookup_run(&cfg->lookup, &r, &err) < 0) {
		np_lookup_free(&r);
		np_report_fatal(err.message);
		return 3;
	}
	code = np_lookup_exit_code(&r);
	code = np_lookup_reporters[cli->format].report(out, &r, view, code);
	np_lookup_free(&r);
	return np_report_finish(code);
}

static int run_lookup(const struct np_cli *cli, FILE *out)
{
	const struct np_lookup_config *cfg = cli->config;
	struct np_lookup_view view = { cfg->short_form, cli->dump };

	return cfg->file ? run_file(cli, &view, out) : run_one(cli, &view, out);
}

/* The exit code says what DNS said (see np_lookup_exit_code). --output: the
 * report goes to FILE once whole (outfile.h). */
static int run(const struct np_cli *cli)
{
	const struct np_lookup_config *cfg = cli->config;

	return np_cli_run_dns(cli, cfg->output, run_lookup);
}

const struct np_command np_cmd_lookup = {
	.name = "lookup", .usage = usage, .options = options, .formats = formats,
	.config_size = sizeof(struct np_lookup_config), .parse = parse, .run = run,
};
