/* --format nagios: what the Nagios plugin development guidelines ask of a
 * plugin (docs/METRICS.md, "Nagios"): one status line first,
 *   NETPROBE STATUS - what was found | perfdata
 * then long output, one line per address (one target) or per target (several),
 * and the status as the exit code. The status is the verdict's (ok OK,
 * degraded WARNING, down and dns_failed CRITICAL) made worse by -w/-c on the
 * response time (and loss with --count). The status line comes first but
 * says the worst of all targets, so everything is gathered and written at the
 * end. */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "escape.h"
#include "metrics.h"
#include "perfdata.h"
#include "report.h"
#include "signals.h"
#include "strbuf.h"

struct nagios_state {
	FILE *out;
	struct np_report_info info;
	enum np_status worst;
	size_t ntargets, by_status[NP_STATUS_UNKNOWN + 1];
	struct np_strbuf words;		/* the status line's text: one target's words */
	struct np_strbuf perf;		/* after '|' */
	struct np_strbuf longout;	/* the lines after the status line */
};

static const struct np_thresholds unset;

static void *nagios_begin(FILE *out, const struct np_report_info *info)
{
	struct nagios_state *st = calloc(1, sizeof(*st));

	if (!st)
		return NULL;
	st->out = out;
	st->info = *info;
	if (!st->info.warn)
		st->info.warn = &unset;
	if (!st->info.crit)
		st->info.crit = &unset;
	return st;
}

/* Text in the plugin's output: control bytes and non-ASCII as \xHH (one line
 * stays one line), and '|' as \x7c, since a '|' anywhere in the output starts
 * performance data for Nagios. */
static void put_text(struct np_strbuf *b, const char *s)
{
	char small[512];
	size_t n = strlen(s), need = np_escape_size((const uint8_t *)s, n, NP_ESC_CTRL) + 1;
	char *buf = need <= sizeof(small) ? small : malloc(need);

	if (!buf) {
		b->failed = true;
		return;
	}
	np_escape((const uint8_t *)s, n, NP_ESC_CTRL, buf, need);
	for (const char *p = buf; *p; p++)
		if (*p == '|')
			np_strbuf_puts(b, "\\x7c");
		else
			np_strbuf_putc(b, *p);
	if (buf != small)
		free(buf);
}

static enum np_status verdict_status(enum np_verdict v)
{
	switch (v) {
	case NP_VERDICT_OK:
		return NP_STATUS_OK;
	case NP_VERDICT_DEGRADED:
		return NP_STATUS_WARNING;
	default:
		return NP_STATUS_CRITICAL;
	}
}

/* "127.0.0.1 8080/tcp", "/run/x.sock stream": a probe's name in perfdata
 * labels and long output, as the text report names it. */
static void probe_name(struct np_strbuf *b, const struct np_probe_result *pr)
{
	const struct sockaddr *sa = (const struct sockaddr *)&pr->sa;
	char addr[NP_ENDPOINT_LEN + 128];

	np_strbuf_puts(b, np_sockaddr_show(sa, pr->salen, NP_SHOW_ADDRESS, NULL, addr,
					   sizeof(addr)));
	if (sa->sa_family == AF_UNIX)
		np_strbuf_puts(b, pr->socktype == SOCK_STREAM ? " stream" : " dgram");
	else
		np_strbuf_printf(b, " %u/%s", np_sockaddr_port(sa), pr->proto);
}

/* One target's numbers, as the status and perfdata use them. */
struct measure {
	double duration, time, dns;	/* seconds */
	bool counting;
	struct np_series_stat stat;	/* --count: over every round and address */
	enum np_status time_status, loss_status, status;
};

static void measure(const struct nagios_state *st, const struct np_target_result *r,
		    struct measure *m)
{
	const struct np_thresholds *w = st->info.warn, *c = st->info.crit;

	*m = (struct measure){ .duration = np_metrics_duration(r), .counting = r->series != NULL };
	m->time = np_metrics_response_time(r, m->duration);
	m->dns = np_metrics_dns_time(r);
	if (m->counting)
		np_metrics_series_total(r->series, &m->stat);
	m->time_status = np_range_status(&w->time, &c->time, m->time);
	m->loss_status = m->counting ? np_range_status(&w->loss, &c->loss, m->stat.loss_percent)
				     : NP_STATUS_OK;
	m->status = np_status_worse(verdict_status(r->verdict),
				    np_status_worse(m->time_status, m->loss_status));
}

/* "; time crosses -w 0.000001", "; loss crosses -c 50%": which threshold made
 * the status worse (the value is said just before). */
static void crossed(struct np_strbuf *b, enum np_status s, const struct np_thresholds *w,
		    const struct np_thresholds *c, bool loss)
{
	const struct np_thresholds *t = s == NP_STATUS_CRITICAL ? c : w;

	if (s == NP_STATUS_OK)
		return;
	np_strbuf_printf(b, "; %s crosses %s ", loss ? "loss" : "time",
			 s == NP_STATUS_CRITICAL ? "-c" : "-w");
	np_range_format(loss ? &t->loss : &t->time, b);
	if (loss)
		np_strbuf_putc(b, '%');
}

/* "example.com 443: ok, 2 of 2 connected, time 0.0012 s": the verdict in words. */
static void describe(struct np_strbuf *b, const struct nagios_state *st,
		     const struct np_target_result *r, const struct measure *m)
{
	put_text(b, r->target->input);
	np_strbuf_printf(b, ": %s, ", np_verdict_name(r->verdict));
	if (r->verdict == NP_VERDICT_DNS_FAILED)
		np_strbuf_printf(b, "dns %s", np_dns_status_name(r->dns.status));
	else
		np_strbuf_printf(b, "%zu of %zu connected", r->nopen, r->nprobes);
	np_strbuf_puts(b, ", time ");
	np_strbuf_decimal(b, m->time, 6);
	np_strbuf_puts(b, " s");
	if (m->counting) {
		np_strbuf_printf(b, ", %lu rounds, loss ", r->series->rounds_done);
		np_strbuf_decimal(b, m->stat.loss_percent, 6);
		np_strbuf_putc(b, '%');
	}
	crossed(b, m->time_status, st->info.warn, st->info.crit, false);
	crossed(b, m->loss_status, st->info.warn, st->info.crit, true);
}

/* A perfdata item, its label prefixed with the target's name when several. */
static void perf(struct nagios_state *st, const struct np_target_result *r, const char *label,
		 double v, enum np_uom uom, const struct np_range *w, const struct np_range *c,
		 double max)
{
	struct np_strbuf name = NP_STRBUF_INIT;

	if (st->info.several)
		np_strbuf_printf(&name, "%s ", r->target->input);
	np_strbuf_puts(&name, label);
	np_perfdata_add(&st->perf, &(struct np_perf){ .label = np_strbuf_str(&name), .value = v,
		.uom = uom, .warn = w, .crit = c, .min = 0, .max = max });
	st->perf.failed |= name.failed;
	np_strbuf_free(&name);
}

static void perfdata(struct nagios_state *st, const struct np_target_result *r,
		     const struct measure *m)
{
	const struct np_thresholds *w = st->info.warn, *c = st->info.crit;
	double timeout = st->info.timeout_ms / 1e3;
	struct np_strbuf label = NP_STRBUF_INIT;

	perf(st, r, "time", m->time, NP_UOM_S, &w->time, &c->time, timeout);
	perf(st, r, "dns", m->dns, NP_UOM_S, NULL, NULL, timeout);
	for (size_t i = 0; i < r->nprobes; i++) {
		const struct np_probe_result *pr = &r->probes[i];

		np_strbuf_reset(&label);
		np_strbuf_puts(&label, "connect ");
		probe_name(&label, pr);
		perf(st, r, np_strbuf_str(&label), pr->time_ms >= 0 ? pr->time_ms / 1e3 : NAN,
		     NP_UOM_S, NULL, NULL, timeout);
	}
	st->perf.failed |= label.failed;
	np_strbuf_free(&label);
	if (!m->counting)
		return;
	perf(st, r, "loss", m->stat.loss_percent, NP_UOM_PERCENT, &w->loss, &c->loss, 100);
	if (m->stat.has_times)
		perf(st, r, "rtt_avg", m->stat.avg_ms / 1e3, NP_UOM_S, NULL, NULL, NAN);
}

/* One target: one line per address tried. */
static void address_lines(struct np_strbuf *b, const struct np_target_result *r)
{
	for (size_t i = 0; i < r->nprobes; i++) {
		const struct np_probe_result *pr = &r->probes[i];
		struct np_strbuf name = NP_STRBUF_INIT;

		probe_name(&name, pr);
		put_text(b, np_strbuf_str(&name));
		np_strbuf_printf(b, ": %s, ", np_state_name(pr->state));
		np_strbuf_decimal(b, pr->time_ms / 1e3, 6);
		np_strbuf_puts(b, " s");
		if (pr->err.set) {
			np_strbuf_puts(b, ": ");
			put_text(b, pr->err.message);
		}
		np_strbuf_putc(b, '\n');
		b->failed |= name.failed;
		np_strbuf_free(&name);
	}
	if (r->verdict == NP_VERDICT_DNS_FAILED && r->dns.err.set) {
		np_strbuf_puts(b, "dns: ");
		put_text(b, r->dns.err.message);
		np_strbuf_putc(b, '\n');
	}
}

static void nagios_target(void *state, const struct np_target_result *r)
{
	struct nagios_state *st = state;
	struct measure m;

	measure(st, r, &m);
	st->ntargets++;
	st->by_status[m.status]++;
	if (st->ntargets == 1 || np_status_worse(st->worst, m.status) != st->worst)
		st->worst = m.status;
	if (st->info.several) {
		np_strbuf_printf(&st->longout, "%s - ", np_status_name(m.status));
		describe(&st->longout, st, r, &m);
		np_strbuf_putc(&st->longout, '\n');
	} else {
		describe(&st->words, st, r, &m);
		address_lines(&st->longout, r);
	}
	perfdata(st, r, &m);
}

/* Said on stderr (batch.c); here it makes the run UNKNOWN at least. */
static void nagios_bad_line(void *state, const struct np_bad_line *b)
{
	struct nagios_state *st = state;

	np_strbuf_printf(&st->longout, "UNKNOWN - %s:%lu: ", b->file, b->line);
	put_text(&st->longout, b->err.message);
	np_strbuf_putc(&st->longout, '\n');
}

/* Several targets: "3 targets: 1 OK, 2 CRITICAL". */
static void tally(struct nagios_state *st, const struct np_run_summary *s)
{
	const char *sep = ": ";
	static const enum np_status order[] = { NP_STATUS_OK, NP_STATUS_WARNING,
						NP_STATUS_CRITICAL, NP_STATUS_UNKNOWN };

	np_strbuf_printf(&st->words, "%zu target%s", st->ntargets, st->ntargets == 1 ? "" : "s");
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (!st->by_status[order[i]])
			continue;
		np_strbuf_printf(&st->words, "%s%zu %s", sep, st->by_status[order[i]],
				 np_status_name(order[i]));
		sep = ", ";
	}
	if (s->bad_lines)
		np_strbuf_printf(&st->words, "; %zu bad line%s", s->bad_lines,
				 s->bad_lines == 1 ? "" : "s");
}

static void nagios_end(void *state, const struct np_run_summary *s)
{
	struct nagios_state *st = state;
	enum np_status status = st->ntargets ? st->worst : NP_STATUS_UNKNOWN;

	/* a bad line, a target that could not run, input that could not be read,
	 * targets a signal left unfinished: the run did not see everything (a
	 * --count 0 ended by SIGINT has seen what it reports) */
	if (s->exit_code == 3 || s->unfinished)
		status = np_status_worse(status, NP_STATUS_UNKNOWN);
	if (st->info.several || !st->ntargets) {
		np_strbuf_reset(&st->words);
		tally(st, s);
	}
	if (s->interrupted)
		np_strbuf_printf(&st->words, "; interrupted by %s, %zu unfinished",
				 np_signal_name(s->interrupted), s->unfinished);
	if (st->words.failed || st->perf.failed || st->longout.failed) {
		status = NP_STATUS_UNKNOWN;
		fprintf(st->out, "NETPROBE UNKNOWN - out of memory\n");
	} else {
		fprintf(st->out, "NETPROBE %s - %s", np_status_name(status),
			np_strbuf_str(&st->words));
		if (st->perf.len)
			fprintf(st->out, " | %s", np_strbuf_str(&st->perf));
		fprintf(st->out, "\n%s", np_strbuf_str(&st->longout));
	}
	if (st->info.exit_code)
		*st->info.exit_code = (int)status;
	np_strbuf_free(&st->words);
	np_strbuf_free(&st->perf);
	np_strbuf_free(&st->longout);
	free(st);
}

const struct np_reporter np_reporter_nagios = {
	.begin = nagios_begin,
	.target = nagios_target,
	/* .round: with --count the status is the whole run's, written at the end */
	.bad_line = nagios_bad_line,
	.end = nagios_end,
};
