/* src/cli.c and the commands' rows (src/cmd_*.c): options into struct np_cli and
 * each command's config, --send escapes, conflicts refused, formats checked. */
#include <config.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "cmd_listen.h"
#include "cmd_local.h"
#include "cmd_lookup.h"
#include "report.h"
#include "report_listen.h"
#include "report_local.h"
#include "report_lookup.h"
#include "run.h"

static struct np_cli cli;
static char err[512];

/* The config of the command parsed last, checked to be that command's. */
static const struct np_run_config *probe_cfg(void)
{
	assert_ptr_equal(cli.command, &np_cmd_probe);
	return cli.config;
}

static const struct np_listen_opts *listen_cfg(void)
{
	assert_ptr_equal(cli.command, &np_cmd_listen);
	return &((const struct np_listen_config *)cli.config)->listen;
}

static const struct np_lookup_opts *lookup_cfg(void)
{
	assert_ptr_equal(cli.command, &np_cmd_lookup);
	return &((const struct np_lookup_config *)cli.config)->lookup;
}

static int parse(int argc, ...)
{
	char *argv[32] = { "netprobe" };
	va_list ap;

	va_start(ap, argc);
	for (int i = 0; i < argc; i++)
		argv[i + 1] = va_arg(ap, char *);
	va_end(ap);
	err[0] = '\0';
	np_cli_free(&cli);
	return np_cli_parse(argc + 1, argv, &cli, err, sizeof(err));
}

static void test_defaults(void **state)
{
	assert_int_equal(parse(2, "example.com", "443"), 0);
	assert_true(probe_cfg()->tcp);
	assert_false(probe_cfg()->udp);
	assert_float_equal(cli.timeout_ms, 3000, 0);
	assert_float_equal(probe_cfg()->probe.timeout_ms, 3000, 0);
	assert_int_equal(probe_cfg()->probe.retries, NP_RETRIES_DEFAULT);
	assert_null(probe_cfg()->probe.send);
	assert_string_equal(np_format_name(cli.format), "text");
}

static void test_protocols_and_payload(void **state)
{
	assert_int_equal(parse(8, "-t", "-u", "--send", "PING\\r\\n", "--expect", "PONG",
			       "127.0.0.1", "7"), 0);
	assert_true(probe_cfg()->tcp && probe_cfg()->udp);
	assert_int_equal(probe_cfg()->probe.send_len, 6);
	assert_memory_equal(probe_cfg()->probe.send, "PING\r\n", 6);
	assert_string_equal(probe_cfg()->probe.expect, "PONG");
	assert_int_equal(parse(3, "-u", "--retries=0", "::1:53"), -1);	/* bare IPv6 needs a port arg */
	assert_int_equal(parse(4, "-u", "--retries=0", "::1", "53"), 0);
	assert_false(probe_cfg()->tcp);
	assert_int_equal(probe_cfg()->probe.retries, 0);
	assert_int_equal(parse(3, "--timeout=0.25", "@[::1]:5353", "[::1]:80"), 0);
	assert_float_equal(cli.timeout_ms, 250, 1e-9);
	assert_int_equal(probe_cfg()->resolve.server.ss_family, AF_INET6);
}

static void test_unescape(void **state)
{
	uint8_t out[16];
	size_t n;

	assert_int_equal(np_cli_unescape("--send", "a\\x00\\xfF\\t\\\\", out, sizeof(out), &n,
					 err, sizeof(err)), 0);
	assert_int_equal(n, 5);
	assert_memory_equal(out, "a\0\xff\t\\", 5);
	assert_int_equal(np_cli_unescape("--send", "\\q", out, sizeof(out), &n, err, sizeof(err)), -1);
	assert_int_equal(np_cli_unescape("--send", "\\x1", out, sizeof(out), &n, err, sizeof(err)), -1);
	assert_int_equal(np_cli_unescape("--send", "\\", out, sizeof(out), &n, err, sizeof(err)), -1);
	assert_int_equal(np_cli_unescape("--send", "0123456789abcdefX", out, sizeof(out), &n, err,
					 sizeof(err)), -1);
}

static void test_refusals(void **state)
{
	assert_int_equal(parse(3, "--retries=11", "localhost", "53"), -1);
	assert_int_equal(parse(3, "--expect=", "localhost", "53"), -1);
	assert_int_equal(parse(3, "-4", "unix:/tmp/x.sock", "-t"), -1);
	assert_non_null(strstr(err, "Unix-domain"));
	assert_int_equal(parse(2, "@127.0.0.1", "unix:/tmp/x.sock"), -1);
	assert_int_equal(parse(3, "-6", "127.0.0.1", "80"), -1);
	assert_int_equal(parse(3, "--timeout", "0", "x"), -1);
	assert_int_equal(parse(2, "--nope", "x"), -1);
	assert_non_null(strstr(err, "--nope"));
	assert_int_equal(parse(1, "--timeout"), -1);
	assert_non_null(strstr(err, "needs a value"));
}

static void test_help_and_version(void **state)
{
	assert_int_equal(parse(1, "--help"), 0);
	assert_int_equal(cli.action, NP_CLI_HELP);
	assert_int_equal(parse(1, "-V"), 0);
	assert_int_equal(cli.action, NP_CLI_VERSION);
	/* every long option the table knows is documented in the help */
	static const char *const documented[] = { "--ipv4", "--ipv6", "--server", "--timeout",
		"--format", "--json", "--dump", "--no-hosts", "--tcp", "--udp", "--dgram", "--send",
		"--expect", "--retries", "--help", "--version" };
	for (size_t i = 0; i < sizeof(documented) / sizeof(documented[0]); i++)
		if (!strstr(np_cmd_probe.usage, documented[i]))
			fail_msg("--help does not mention %s", documented[i]);
}

static void check_documented(const char *usage, const char *const opts[])
{
	for (size_t i = 0; opts[i]; i++)
		if (!strstr(usage, opts[i]))
			fail_msg("the help does not mention %s", opts[i]);
}

static void test_command_help(void **state)
{
	static const char *const listen[] = { "--bind", "--tcp", "--udp", "--dgram", "--v6only",
		"--dual-stack", "--reply", "--max-clients", "--idle", "--max-bytes", "--backlog",
		"--count", "--format", "--json", "--dump", "--help", NULL };
	static const char *const local[] = { "--proc", "--timeout", "--format", "--json", "--help",
		NULL };
	static const char *const lookup[] = { "--server", "--reverse", "--tcp", "--norecurse",
		"--short", "--compare-system", "--timeout", "--dump", "--format", "--json", "--help",
		NULL };

	check_documented(np_cmd_listen.usage, listen);
	check_documented(np_cmd_local.usage, local);
	check_documented(np_cmd_lookup.usage, lookup);
	assert_int_equal(parse(2, "listen", "--help"), 0);
	assert_int_equal(cli.action, NP_CLI_HELP);
	assert_ptr_equal(cli.command->usage, np_cmd_listen.usage);
	assert_int_equal(parse(3, "lookup", "-x", "192.0.2.1"), 0);
	assert_string_equal(lookup_cfg()->name, "1.2.0.192.in-addr.arpa");
	assert_int_equal(lookup_cfg()->types[0], 12);	/* PTR */
	assert_int_equal(parse(4, "lookup", "--compare-system", "x.test", "MX"), 0);
	assert_int_equal(lookup_cfg()->ntypes, 3);		/* MX, and A and AAAA to compare */
	assert_int_equal(parse(3, "listen", "--bind=0.0.0.0", "--bind=::"), -1);	/* no port */
	assert_int_equal(parse(4, "listen", "--bind=0.0.0.0", "--bind=::", "0"), 0);
	assert_int_equal(listen_cfg()->v6only, 1);	/* both wildcards: :: must be v6only */
	assert_int_equal(parse(2, "local", "0"), -1);
	assert_int_equal(parse(3, "--json", "local", "22"), -1);	/* options after the command */
	assert_non_null(strstr(err, "after the command"));
}

/* Each message names the option the user typed, and says what is wrong with it. */
static void test_option_messages(void **state)
{
	assert_int_equal(parse(3, "listen", "--reply=\\q", "0"), -1);
	assert_string_equal(err, "bad escape in --reply: use \\n \\r \\t \\0 \\\\ or \\xHH");
	assert_int_equal(parse(3, "listen", "--reply=\\x1", "0"), -1);
	assert_string_equal(err, "bad escape in --reply: \\x needs two hex digits");
	assert_int_equal(parse(3, "--send=\\q", "127.0.0.1", "80"), -1);
	assert_string_equal(err, "bad escape in --send: use \\n \\r \\t \\0 \\\\ or \\xHH");
	assert_int_equal(parse(3, "listen", "--idle=0", "0"), -1);
	assert_string_equal(err, "bad --idle '0': give seconds in decimal digits (30, 0.5), more "
			    "than 0 and at most 3600");
	assert_int_equal(parse(4, "-T", "0x10", "127.0.0.1", "80"), -1);
	assert_string_equal(err, "bad --timeout '0x10': give seconds in decimal digits (30, 0.5), "
			    "more than 0 and at most 3600");
	assert_int_equal(parse(3, "--help=x", "127.0.0.1", "80"), -1);
	assert_string_equal(err, "option '--help' takes no value: see netprobe --help");
	assert_int_equal(parse(3, "listen", "--v6only=1", "0"), -1);
	assert_string_equal(err, "option '--v6only' takes no value: see netprobe --help");
	assert_int_equal(parse(3, "-Z", "127.0.0.1", "80"), -1);
	assert_string_equal(err, "unknown option '-Z': see netprobe --help");
	assert_int_equal(parse(3, "@[]", "127.0.0.1", "80"), -1);
	assert_string_equal(err, "bad DNS server '[]': the address is empty: give an IPv4 or IPv6 "
			    "address");
	assert_int_equal(parse(4, "-6", "-4", "localhost", "80"), -1);
	assert_string_equal(err, "-4 and -6 exclude each other");
}

/* Numbers are decimal digits only (OpenBSD strtonum's rule): no hex, no sign, no
 * exponent, no blanks; an option given twice with the same meaning is fine. */
static void test_numbers_and_repeats(void **state)
{
	static const char *const bad_seconds[] = { "0x10", "1e1", " 5", "+5", "5 ", "inf", "nan",
		"0x1p3", ".", "1.", "-1", "", "1..2", NULL };
	static const char *const bad_counts[] = { "0x10", " 5", "+5", "1e1", "5.0", "-0", "", NULL };
	char opt[64];

	for (size_t i = 0; bad_seconds[i]; i++) {
		snprintf(opt, sizeof(opt), "--timeout=%s", bad_seconds[i]);
		if (parse(3, opt, "127.0.0.1", "80") != -1)
			fail_msg("%s was accepted", opt);
	}
	for (size_t i = 0; bad_counts[i]; i++) {
		snprintf(opt, sizeof(opt), "--retries=%s", bad_counts[i]);
		if (parse(3, opt, "127.0.0.1", "80") != -1)
			fail_msg("%s was accepted", opt);
		snprintf(opt, sizeof(opt), "--count=%s", bad_counts[i]);
		if (parse(3, "listen", opt, "0") != -1)
			fail_msg("listen %s was accepted", opt);
	}
	assert_int_equal(parse(4, "-T", "0.5", "127.0.0.1", "80"), 0);
	assert_float_equal(cli.timeout_ms, 500, 1e-9);
	assert_int_equal(parse(4, "-T", "3600", "127.0.0.1", "80"), 0);
	assert_int_equal(parse(4, "-T", "3600.001", "127.0.0.1", "80"), -1);
	assert_int_equal(parse(3, "--retries=010", "127.0.0.1", "80"), 0);
	assert_int_equal(probe_cfg()->probe.retries, 10);	/* leading zeros: still decimal */
	assert_int_equal(parse(4, "listen", "--count=7", "--backlog=65535", "0"), 0);
	assert_int_equal(listen_cfg()->count, 7);
	assert_int_equal(parse(4, "-4", "-4", "localhost", "80"), 0);
	assert_int_equal(probe_cfg()->resolve.family, AF_INET);
	assert_int_equal(parse(4, "listen", "--v6only", "--v6only", "0"), 0);
	assert_int_equal(listen_cfg()->v6only, 1);
	assert_int_equal(parse(4, "listen", "--v6only", "--dual-stack", "0"), -1);
}

/* --format is checked against the formats the command has, with one message
 * listing them; the first is the default; --json is --format json. */
static void test_formats(void **state)
{
	assert_int_equal(parse(3, "--format=xml", "127.0.0.1", "80"), -1);
	assert_string_equal(err, "unknown --format 'xml': use text, ndjson, json, nagios, prometheus");
	assert_int_equal(parse(3, "--format=ndjson", "127.0.0.1", "80"), 0);
	assert_int_equal(cli.format, NP_FORMAT_NDJSON);
	assert_int_equal(parse(3, "listen", "--format=xml", "0"), -1);
	assert_string_equal(err, "unknown --format 'xml': use text, ndjson, json");
	assert_int_equal(parse(4, "local", "--format", "", "22"), -1);
	assert_string_equal(err, "unknown --format '': use text, json");
	assert_int_equal(parse(3, "listen", "--format=ndjson", "0"), 0);
	assert_int_equal(cli.format, NP_FORMAT_NDJSON);
	assert_int_equal(parse(3, "lookup", "-j", "x.test"), 0);
	assert_int_equal(cli.format, NP_FORMAT_JSON);
	assert_int_equal(parse(2, "local", "22"), 0);
	assert_int_equal(cli.format, NP_FORMAT_TEXT);
	assert_int_equal(parse(4, "--format=json", "--format=text", "127.0.0.1", "80"), 0);
	assert_int_equal(cli.format, NP_FORMAT_TEXT);	/* the last one given wins */
}

/* Each row of the command table: named once, every format it lists has a
 * reporter (none can be NULL when it runs), every option is in its help. */
static void test_command_table(void **state)
{
	const struct np_command *const rows[] = { &np_cmd_probe, &np_cmd_listen, &np_cmd_local,
		&np_cmd_lookup };
	char name[64];

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_ptr_equal(np_cli_command(rows[i]->name), i ? rows[i] : NULL);
		assert_int_not_equal(rows[i]->formats[0], NP_FORMAT_END);
		for (const struct option *o = rows[i]->options; o->name; o++) {
			snprintf(name, sizeof(name), "--%s", o->name);
			if (!strstr(rows[i]->usage, name))
				fail_msg("%s --help does not mention %s", rows[i]->name, name);
		}
	}
	for (const enum np_format *f = np_cmd_probe.formats; *f != NP_FORMAT_END; f++)
		assert_non_null(np_reporters[*f]);
	for (const enum np_format *f = np_cmd_listen.formats; *f != NP_FORMAT_END; f++)
		assert_non_null(np_listen_reporters[*f].event);
	for (const enum np_format *f = np_cmd_local.formats; *f != NP_FORMAT_END; f++)
		assert_non_null(np_local_reporters[*f].report);
	for (const enum np_format *f = np_cmd_lookup.formats; *f != NP_FORMAT_END; f++)
		assert_non_null(np_lookup_reporters[*f].report);
	/* the default has no word: "probe" is a host name, as it always was */
	assert_int_equal(parse(3, "--json", "probe", "80"), 0);
	assert_int_equal(probe_cfg()->nwords, 2);	/* words point into parse()'s argv */
	assert_true(probe_cfg()->one_target);
	assert_int_equal(parse(2, "lookup", "x.test"), 0);
	assert_ptr_equal(cli.command, &np_cmd_lookup);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_protocols_and_payload),
		cmocka_unit_test(test_unescape),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_help_and_version),
		cmocka_unit_test(test_command_help),
		cmocka_unit_test(test_option_messages),
		cmocka_unit_test(test_numbers_and_repeats),
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_command_table),
	};

	int failed = cmocka_run_group_tests_name("cli", tests, NULL, NULL);

	np_cli_free(&cli);
	return failed;
}
