/* The reporter table, and the little that is printed outside a run. */
#include <config.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <ares.h>
#include <jansson.h>
#include "escape.h"
#include "report.h"
#include "signals.h"
#include "sockaddr.h"

const struct np_reporter *const np_reporters[NP_FORMAT_END] = {
	[NP_FORMAT_TEXT] = &np_reporter_text,
	[NP_FORMAT_NDJSON] = &np_reporter_ndjson,
	[NP_FORMAT_JSON] = &np_reporter_json,
	[NP_FORMAT_NAGIOS] = &np_reporter_nagios,
	[NP_FORMAT_PROMETHEUS] = &np_reporter_prom,
};

void np_report_info_init(struct np_report_info *info, bool dump)
{
	struct timespec ts;
	struct tm tm;
	char base[24];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(info->started_at, sizeof(info->started_at), "%s.%03ldZ", base,
		 ts.tv_nsec / 1000000);
	info->dump = dump;
}

const char *np_report_escape(const uint8_t *data, size_t n, char *out, size_t outlen)
{
	np_escape(data, n, NP_ESC_C, out, outlen);
	return out;
}

void np_report_usage(FILE *out, const char *usage)
{
	fputs(usage, out);
}

void np_report_version(FILE *out)
{
	fprintf(out, "netprobe %s (c-ares %s, jansson %s)\n", PACKAGE_VERSION,
		ares_version(NULL), jansson_version_str());
}

void np_report_exporter_listening(FILE *out, const struct sockaddr *sa)
{
	char ep[NP_ENDPOINT_LEN];

	np_sockaddr_endpoint(sa, ep, sizeof(ep));
	fprintf(out, "netprobe exporter %s listening on http://%s/\n", PACKAGE_VERSION, ep);
	fflush(out);
}

void np_report_fatal(const char *message)
{
	char line[2048];

	/* the message may quote an argument: its control bytes are escaped; one
	 * write, so the line stays whole beside other output */
	fprintf(stderr, "netprobe: %s\n", np_escape_str(message, NP_ESC_CTRL, line, sizeof(line)));
}

void np_report_bad_line(const struct np_bad_line *b)
{
	char msg[2048];

	snprintf(msg, sizeof(msg), "%s:%lu: %s", b->file, b->line, b->err.message);
	np_report_fatal(msg);
}

void np_report_summary_line(FILE *out, const struct np_run_summary *s)
{
	const char *sep = ": ";

	fprintf(out, "--- %zu targets, %zu probes", s->targets, s->probes);
	for (int i = 0; i < NP_STATE_COUNT; i++) {
		if (!s->states[i])
			continue;
		fprintf(out, "%s%zu %s", sep, s->states[i], np_state_name(i));
		sep = ", ";
	}
	fprintf(out, "; %zu DNS failures; %zu bad lines; %.3f s", s->verdicts[NP_VERDICT_DNS_FAILED], s->bad_lines,
		s->wall_ms / 1e3);
	if (s->interrupted)
		fprintf(out, " (interrupted by %s: %zu unfinished)", np_signal_name(s->interrupted),
			s->unfinished);
	fputc('\n', out);
}

/* A reader that went away (netprobe ... | head -1) is not an error worth a word;
 * any other failure to write the report is. */
int np_report_finish(int code)
{
	char msg[128];

	if (fflush(stdout) == 0 && !ferror(stdout))
		return code;
	if (errno == EPIPE)
		return code;
	snprintf(msg, sizeof(msg), "cannot write the report to standard output: %s",
		 strerror(errno));
	np_report_fatal(msg);
	return 3;
}

void np_report_port(char *buf, size_t len, const struct sockaddr *sa, int socktype,
		    const char *proto)
{
	if (sa->sa_family == AF_UNIX)
		snprintf(buf, len, "%s", socktype == SOCK_STREAM ? "stream" : "dgram");
	else
		snprintf(buf, len, "%u/%s", np_sockaddr_port(sa), proto);
}

void np_report_escaped(FILE *out, const char *s, enum np_escape_style style)
{
	size_t n = strlen(s), need = np_escape_size((const uint8_t *)s, n, style) + 1;
	char small[512], *buf = need <= sizeof(small) ? small : malloc(need);

	if (!buf) {
		fputs("(out of memory)", out);
		return;
	}
	np_escape((const uint8_t *)s, n, style, buf, need);
	fputs(buf, out);
	if (buf != small)
		free(buf);
}
