/* Command-line parsing. The table of commands names each command once; each
 * command's option table is the single source of its short-option string
 * (mtr's habit). */
#include <config.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ares.h>
#include "cli.h"
#include "outfile.h"
#include "report.h"
#include "target.h"

/* The first row is the default: netprobe HOST PORT, with no word for it. */
static const struct np_command *const commands[] = {
	&np_cmd_probe, &np_cmd_listen, &np_cmd_local, &np_cmd_lookup, &np_cmd_exporter,
};

const struct np_command *np_cli_command(const char *name)
{
	for (size_t i = 1; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
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

#define FAIL NP_FAIL

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

int np_cli_seconds(const char *opt, const char *s, double *ms, char *err, size_t errlen)
{
	double v = decimal_only(s, true) ? strtod(s, NULL) : -1;

	if (v <= 0 || v > 3600)
		FAIL("bad %s '%s': give seconds in decimal digits (30, 0.5), more than 0 and at most "
		     "3600", opt, s);
	*ms = v * 1000.0;
	return 0;
}

int np_cli_count(const char *opt, const char *s, unsigned long min, unsigned long max,
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

int np_cli_dns_option(int c, struct np_cli *cli, struct np_resolve_opts *dns, char *err,
		      size_t errlen)
{
	switch (c) {
	case '4':
	case '6':
		return np_cli_family(dns, c, err, errlen);
	case 's':
		return np_cli_server(dns, optarg, err, errlen);
	case 'T':
		return np_cli_seconds("--timeout", optarg, &cli->timeout_ms, err, errlen);
	case NP_OPT_NO_HOSTS:
		dns->no_hosts = true;
		return 0;
	default:
		return NP_CLI_NOT_MINE;
	}
}

int np_cli_family(struct np_resolve_opts *dns, int c, char *err, size_t errlen)
{
	int family = c == '4' ? AF_INET : AF_INET6;

	if (dns->family != AF_UNSPEC && dns->family != family)
		NP_FAIL("-4 and -6 exclude each other");	/* -4 -4 is just -4 */
	dns->family = family;
	return 0;
}

int np_cli_server(struct np_resolve_opts *dns, const char *s, char *err, size_t errlen)
{
	if (dns->server_len)
		FAIL("more than one DNS server given: '%s'", s);
	return np_parse_server(s, &dns->server, &dns->server_len, err, errlen);
}

int np_cli_arguments(int argc, char *argv[], struct np_resolve_opts *dns, char *pos[], int max,
		     char *err, size_t errlen)
{
	int npos = 0;

	for (int i = optind; i < argc; i++) {
		if (argv[i][0] == '@') {
			if (np_cli_server(dns, argv[i] + 1, err, errlen) < 0)
				return -1;
		} else if (npos == max) {
			return -2;
		} else {
			pos[npos++] = argv[i];
		}
	}
	return npos;
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

/* Choose the output format by name, among those the command has. */
static int set_format(struct np_cli *cli, const char *name, char *err, size_t errlen)
{
	const enum np_format *has = cli->command->formats;
	enum np_format f = np_format_find(name, has);
	char list[64] = "";

	if (f != NP_FORMAT_END) {
		cli->format = f;
		return 0;
	}
	for (size_t i = 0; has[i] != NP_FORMAT_END; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
			 np_format_name(has[i]));
	FAIL("unknown --format '%s': use %s", name, list);
}

/* Options every command has (--format, --json, --help), and --dump where the
 * command has it. 1 when c was one of them, 0 when not, -1 on a bad value. */
static int shared_option(int c, struct np_cli *cli, char *err, size_t errlen)
{
	switch (c) {
	case 'f':
		return set_format(cli, optarg, err, errlen) < 0 ? -1 : 1;
	case 'j':
		return set_format(cli, np_format_name(NP_FORMAT_JSON), err, errlen) < 0 ? -1 : 1;
	case 'd':
		cli->dump = true;
		return 1;
	case 'h':
		cli->action = NP_CLI_HELP;
		return 1;
	default:
		return 0;
	}
}

/* What every command has, after its own in the table getopt_long reads. */
static const struct option shared_options[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

#define NP_CLI_MAX_OPTIONS 32

/* The command's options, then the shared ones, then the end of the table. */
static void all_options(const struct option *own, struct option *all)
{
	size_t n = 0;

	for (; own->name && n < NP_CLI_MAX_OPTIONS - 4; own++)
		all[n++] = *own;
	for (size_t i = 0; i < sizeof(shared_options) / sizeof(shared_options[0]); i++)
		all[n++] = shared_options[i];
}

int np_cli_options(int argc, char *argv[], struct np_cli *cli, np_option_fn fn, char *err,
		   size_t errlen)
{
	struct option opts[NP_CLI_MAX_OPTIONS];
	char optstring[64];
	int c, shared;

	all_options(cli->command->options, opts);
	build_optstring(opts, optstring, sizeof(optstring));
	opterr = 0;		/* our messages, one line each */
	optind = 1;
	while ((c = getopt_long(argc, argv, optstring, opts, NULL)) != -1) {
		if (check_getopt(c, argv, opts, err, errlen) < 0)
			return -1;
		shared = shared_option(c, cli, err, errlen);
		if (shared < 0 || (!shared && fn(c, cli, err, errlen) < 0))
			return -1;
	}
	return 0;
}

int np_cli_parse(int argc, char *argv[], struct np_cli *cli, char *err, size_t errlen)
{
	const struct np_command *cmd = argc > 1 ? np_cli_command(argv[1]) : NULL;

	if (cmd) {		/* the command's name is its argv[0] */
		argc--;
		argv++;
	} else {
		cmd = commands[0];
	}
	*cli = (struct np_cli){ .command = cmd, .format = cmd->formats[0], .timeout_ms = 3000.0,
				.config = calloc(1, cmd->config_size) };
	if (!cli->config)
		FAIL("out of memory");
	return cmd->parse(argc, argv, cli, err, errlen);
}

void np_cli_free(struct np_cli *cli)
{
	free(cli->config);
	cli->config = NULL;
}

int np_cli_run_dns(const struct np_cli *cli, const char *output,
		   int (*body)(const struct np_cli *cli, FILE *out))
{
	struct np_outfile of = { 0 };
	char err[600];
	int code;

	if (output && np_outfile_open(&of, output, err, sizeof(err)) < 0) {
		np_report_fatal(err);
		return 3;
	}
	if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS) {
		np_report_fatal("cannot initialise c-ares");
		code = 3;
	} else {
		code = body(cli, output ? of.f : stdout);
		ares_library_cleanup();
	}
	if (!output)
		return code;
	code = np_outfile_end(&of, code, err, sizeof(err));
	if (*err)
		np_report_fatal(err);
	return code;
}
