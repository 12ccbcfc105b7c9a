/* The command line: one table of commands, each a row (name, options, usage,
 * formats, parse, run) in a file of its own (cmd_*.c); this module finds the row,
 * parses what every command shares and gives the commands their checked parsers. */
#ifndef NP_CLI_H
#define NP_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "format.h"
#include "resolve.h"

struct np_cli;

struct np_command {
	const char *name;		/* netprobe NAME ...; the first row is the default */
	const char *usage;		/* --help, printed as it is */
	/* its own getopt_long table (short options are built from it); --format,
	 * --json and --help, which every command has, are added to it */
	const struct option *options;
	const enum np_format *formats;	/* the ones it has, the default first */
	size_t config_size;		/* its own options: np_cli.config */
	/* argv[0] is the command's name (or the program's); options through
	 * np_cli_options. 0, or -1 with a one-line reason in err. */
	int (*parse)(int argc, char *argv[], struct np_cli *cli, char *err, size_t errlen);
	/* Run what was parsed; the exit code. */
	int (*run)(const struct np_cli *cli);
};

/* The rows, one file each. */
extern const struct np_command np_cmd_probe, np_cmd_listen, np_cmd_local, np_cmd_lookup,
	np_cmd_exporter;

enum np_cli_action { NP_CLI_RUN, NP_CLI_HELP, NP_CLI_VERSION };

/* What every command shares, and its own options in config. */
struct np_cli {
	const struct np_command *command;
	enum np_cli_action action;
	enum np_format format;		/* one the command has */
	bool dump;			/* -d */
	double timeout_ms;		/* -T */
	void *config;			/* command->config_size bytes, zeroed before parse */
};

#define NP_RETRIES_DEFAULT 2

/* 0 on success; -1 with a one-line reason in err (exit 3). Either way
 * np_cli_free(cli) afterwards. */
int np_cli_parse(int argc, char *argv[], struct np_cli *cli, char *err, size_t errlen);
void np_cli_free(struct np_cli *cli);
/* The command called name, NULL when none is (the default is not named). */
const struct np_command *np_cli_command(const char *name);

/* For the commands' parsers. */
typedef int (*np_option_fn)(int c, struct np_cli *cli, char *err, size_t errlen);
/* getopt_long over the command's options and the shared ones: those (--format,
 * --json, --help, and --dump where the command has it) are handled here, the
 * others go to fn. */
int np_cli_options(int argc, char *argv[], struct np_cli *cli, np_option_fn fn, char *err,
		   size_t errlen);
/* The arguments after the options: @SERVER ones set dns's server, the others go
 * to pos. Their number; -1 on a bad server; -2 when there are more than max. */
int np_cli_arguments(int argc, char *argv[], struct np_resolve_opts *dns, char *pos[], int max,
		     char *err, size_t errlen);
int np_cli_server(struct np_resolve_opts *dns, const char *s, char *err, size_t errlen);
/* The options of every command that asks DNS for a target: -4, -6,
 * -s/--server, -T/--timeout and --no-hosts (this value in a getopt table).
 * 0 or -1 (err set) when c is one of them, NP_CLI_NOT_MINE when it is not. */
#define NP_OPT_NO_HOSTS 0x1000
#define NP_CLI_NOT_MINE 1
int np_cli_dns_option(int c, struct np_cli *cli, struct np_resolve_opts *dns, char *err,
		      size_t errlen);
/* -4 or -6 (c): the family to ask and probe; the other one given too is an
 * error, the same one twice is not. */
int np_cli_family(struct np_resolve_opts *dns, int c, char *err, size_t errlen);
/* SECONDS of --timeout, -T or --idle: opt names the option in the message. */
int np_cli_seconds(const char *opt, const char *s, double *ms, char *err, size_t errlen);
/* A decimal count from min to max; opt is the option's name without "--". */
int np_cli_count(const char *opt, const char *s, unsigned long min, unsigned long max,
		 unsigned long *out, char *err, size_t errlen);
/* Decode the escapes of --send or --reply (opt: the option's name, for the
 * message) (\n \r \t \0 \\ \xHH) into out; -1 with a reason. */
int np_cli_unescape(const char *opt, const char *s, uint8_t *out, size_t cap, size_t *len,
		    char *err, size_t errlen);

/* The frame of a command that asks DNS: c-ares initialised around body, which
 * writes its report to out: standard output, or with output (--output) FILE,
 * written whole then renamed (outfile.h). body's exit code; 3 when c-ares, the
 * file or its rename failed (one line on stderr). */
int np_cli_run_dns(const struct np_cli *cli, const char *output,
		   int (*body)(const struct np_cli *cli, FILE *out));

/* In a parser, with err and errlen in scope: say why and return -1. */
#define NP_FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

#endif
