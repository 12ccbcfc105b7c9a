/* Text for people: the DNS phase, one aligned line per probe, an optional byte
 * dump of each socket address, and a one-line verdict. */
#include <config.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "dnsmsg.h"
#include "escape.h"
#include "hexdump.h"
#include "report.h"
#include "report_series.h"
#include "sockaddr.h"
#include "words.h"

struct text_state {
	FILE *out;
	bool dump;
	bool batch;		/* end with the summary line */
};

static void *text_begin(FILE *out, const struct np_report_info *info)
{
	struct text_state *s = calloc(1, sizeof(*s));

	if (s)
		*s = (struct text_state){ .out = out, .dump = info->dump, .batch = info->batch };
	return s;
}

static const char *rcode_text(int rcode, char *buf, size_t len)
{
	return rcode < 0 ? "-" : np_dns_rcode_name(rcode, buf, len);
}

/* The host as the user gave it: a path or a name may hold any byte. */
static void print_host(FILE *out, const struct np_target_result *r)
{
	np_report_escaped(out, r->target->host, NP_ESC_C);
	fputs(": ", out);
}

/* A message in our words with user or network text inside: controls escaped. */
static void print_message(FILE *out, const char *prefix, const struct np_error *e)
{
	fputs(prefix, out);
	np_report_escaped(out, e->message, NP_ESC_CTRL);
}

static void print_dns_head(FILE *out, const struct np_target_result *r)
{
	const struct np_dns_result *d = &r->dns;
	char rc[16];

	print_host(out, r);
	if (r->target->is_unix) {
		fprintf(out, "unix-domain socket, no DNS (source literal)\n");
		return;
	}
	switch (d->source) {
	case NP_SOURCE_LITERAL:
		fprintf(out, "dns skipped: address literal, no query sent (source literal)\n");
		return;
	case NP_SOURCE_HOSTS:
		fprintf(out, "dns ok from the hosts file in %.3f ms (source hosts)\n", d->time_ms);
		return;
	case NP_SOURCE_DNS:
		break;
	}
	fprintf(out, "dns %s", np_dns_status_name(d->status));
	if (d->rcode >= 0)
		fprintf(out, " %s", rcode_text(d->rcode, rc, sizeof(rc)));
	if (d->server[0])
		fprintf(out, " from %s", d->server);
	fprintf(out, " in %.3f ms (source dns)", d->time_ms);
	if (d->err.set)
		print_message(out, ": ", &d->err);
	fputc('\n', out);
}

/* The delegation a referral points to: whom to ask instead. */
static void print_referral(FILE *out, const struct np_dns_referral *ref)
{
	fprintf(out, "  referral to zone %s: ask a recursive resolver, or its name servers:\n",
		ref->zone);
	for (size_t i = 0; i < ref->nns; i++) {
		fprintf(out, "    ns %s", ref->ns[i].name);
		for (size_t k = 0; k < ref->ns[i].nglue; k++)
			fprintf(out, " %s", ref->ns[i].glue[k]);
		fprintf(out, "%s\n", ref->ns[i].nglue ? " (glue)" : "");
	}
	if (ref->ns_dropped)
		fprintf(out, "    (%zu more name servers not shown)\n", ref->ns_dropped);
}

static void print_dns_detail(FILE *out, const struct np_dns_result *d)
{
	char rc[16], tb[16], addr[INET6_ADDRSTRLEN];
	size_t width = 0;

	for (size_t i = 0; i < d->nqueries; i++) {
		const struct np_dns_query *q = &d->queries[i];

		fprintf(out, "  %-5s %-9s %-9s %8.3f ms  ", np_dns_type_name(q->qtype, tb, sizeof(tb)),
			np_dns_status_name(q->status), rcode_text(q->rcode, rc, sizeof(rc)), q->time_ms);
		if (q->status == NP_DNS_STATUS_OK)
			fprintf(out, "%zu answer%s\n", q->answers, q->answers == 1 ? "" : "s");
		else if (d->err.set && strcmp(q->err.message, d->err.message) == 0)
			fprintf(out, "(as above)\n");
		else {
			print_message(out, "", &q->err);
			fputc('\n', out);
		}
	}
	if (d->ncnames) {
		fprintf(out, "  cname");
		for (size_t i = 0; i < d->ncnames; i++)
			fprintf(out, " %s ->", d->cnames[i]);
		fprintf(out, " %s\n", d->canonical);
	}
	if (d->referral)
		print_referral(out, d->referral);
	if (d->source == NP_SOURCE_LITERAL)
		return;
	for (size_t i = 0; i < d->naddrs; i++) {
		size_t n = strlen(np_sockaddr_address((const struct sockaddr *)&d->addrs[i].sa, addr,
						      sizeof(addr)));
		if (n > width)
			width = n;
	}
	for (size_t i = 0; i < d->naddrs; i++) {
		np_sockaddr_address((const struct sockaddr *)&d->addrs[i].sa, addr, sizeof(addr));
		if (d->addrs[i].ttl >= 0)
			fprintf(out, "  address %-*s  ttl %lld\n", (int)width, addr,
				(long long)d->addrs[i].ttl);
		else
			fprintf(out, "  address %s\n", addr);
	}
	if (d->dropped)
		fprintf(out, "  (%zu more addresses not probed: at most %d per name)\n", d->dropped,
			NP_MAX_ADDRS);
}

/* Up to 8 bytes in hex; pad (for a column that follows) or not (end of line). */
static void print_bytes(FILE *out, const uint8_t *b, size_t n, bool pad)
{
	static const struct np_hex_style row = { .sep = " ", .max = 8 };
	char col[8 * 3 + 1];

	np_hex_format(b, n, &row, col, sizeof(col));
	fprintf(out, pad ? "%-23s" : "%s", col);
}

static void print_field_meaning(FILE *out, const struct np_sa_field *f)
{
	static const char *const orders[] = { [NP_ORDER_HOST] = "host byte order",
		[NP_ORDER_NETWORK] = "network byte order", [NP_ORDER_NONE] = "" };

	if (f->order == NP_ORDER_NONE) {
		fprintf(out, "padding, zero");
	} else if (f->has_number && f->text[0]) {
		fprintf(out, "%s (%llu), %s", f->text, (unsigned long long)f->number, orders[f->order]);
	} else if (f->has_number && f->size == 2 && f->order == NP_ORDER_NETWORK) {
		fprintf(out, "%llu, %s: htons(%llu) = bytes %02llx %02llx",
			(unsigned long long)f->number, orders[f->order],
			(unsigned long long)f->number, (unsigned long long)f->number >> 8,
			(unsigned long long)f->number & 0xff);
	} else if (f->has_number) {
		fprintf(out, "%llu, %s", (unsigned long long)f->number, orders[f->order]);
	} else {
		fprintf(out, "%s, %s", f->text, orders[f->order]);
	}
}

static void print_dump(FILE *out, const struct np_probe_result *p)
{
	struct np_sa_dump d;

	if (np_sockaddr_dump((const struct sockaddr *)&p->sa, p->salen, &d) < 0)
		return;
	fprintf(out, "      %s, %zu bytes as passed to connect() (this host is %s):\n", d.type,
		d.length, np_host_byte_order());
	for (size_t i = 0; i < d.nfields; i++) {
		const struct np_sa_field *f = &d.fields[i];

		fprintf(out, "        +%-3zu ", f->offset);
		print_bytes(out, d.bytes + f->offset, f->size, true);
		fprintf(out, "  %-14s ", f->name);
		if (f->order == NP_ORDER_NONE && f->text[0])
			fprintf(out, "\"%s\", bytes as they are (no byte order)", f->text);
		else
			print_field_meaning(out, f);
		fputc('\n', out);
		for (size_t off = 8; off < f->size; off += 8) {
			fprintf(out, "        +%-3zu ", f->offset + off);
			print_bytes(out, d.bytes + f->offset + off, f->size - off, false);
			fputc('\n', out);
		}
	}
}

/* What else the kernel told us: our own address, its RTT, the tries. */
static void print_extras(FILE *out, const struct np_probe_result *p)
{
	char local[NP_ENDPOINT_LEN];
	const char *sep = "  (";

	if (p->local.ss_family) {
		fprintf(out, "%sfrom %s", sep, np_sockaddr_endpoint((const struct sockaddr *)&p->local,
							       local, sizeof(local)));
		sep = ", ";
	}
	if (p->rtt_ms >= 0) {
		fprintf(out, "%skernel rtt %.3f ms", sep, p->rtt_ms);
		sep = ", ";
	}
	if (p->tries) {
		fprintf(out, "%s%u datagram%s sent", sep, p->tries, p->tries == 1 ? "" : "s");
		sep = ", ";
	}
	if (p->icmp_rate_limited) {
		fprintf(out, "%sthe host was rate-limiting its ICMP errors: may be closed; use a "
			"longer --timeout or fewer ports", sep);
		sep = ", ";
	}
	if (sep[0] == ',')
		fputc(')', out);
}

static void print_exchange(FILE *out, const struct np_probe_result *p)
{
	const struct np_exchange *x = &p->xchg;
	const char *expect = x->expect;
	char text[4 * NP_EXCHANGE_KEEP + 1];

	bool talked = p->state == NP_STATE_OPEN || p->state == NP_STATE_MISMATCH ||
		      p->state == NP_STATE_PEER_CLOSED || p->state == NP_STATE_RESET;

	if (!x->used || (!talked && x->received == 0) || (x->sent == 0 && x->received == 0 && !expect))
		return;
	fprintf(out, "      sent %zu bytes, received %zu", x->sent, x->received);
	if (x->received) {
		fprintf(out, " after %.3f ms: \"%s\"%s", x->reply_ms,
			np_report_escape(x->data, x->kept, text, sizeof(text)),
			x->kept < x->received ? "..." : "");
	}
	if (expect) {
		fputs("; expected \"", out);
		np_report_escaped(out, expect, NP_ESC_C);
		fprintf(out, "\": %s", x->matched ? "found" : "not found");
	}
	fputc('\n', out);
}

static void print_probes(FILE *out, const struct np_target_result *r, bool dump)
{
	char addr[NP_ENDPOINT_LEN + 128], port[24];
	size_t width = 0;

	for (size_t i = 0; i < r->nprobes; i++) {
		const struct np_probe_result *p = &r->probes[i];
		size_t n = strlen(np_sockaddr_show((const struct sockaddr *)&p->sa, p->salen,
						   NP_SHOW_ADDRESS, NULL, addr, sizeof(addr)));
		if (n > width)
			width = n;
	}
	for (size_t i = 0; i < r->nprobes; i++) {
		const struct np_probe_result *p = &r->probes[i];
		const struct sockaddr *sa = (const struct sockaddr *)&p->sa;

		np_report_port(port, sizeof(port), sa, p->socktype, p->proto);
		fprintf(out, "  %-4s  %-*s  %-9s  %-13s %9.3f ms", np_family_name(sa->sa_family),
			(int)width, np_sockaddr_show(sa, p->salen, NP_SHOW_ADDRESS, NULL, addr,
						     sizeof(addr)), port, np_state_name(p->state), p->time_ms);
		if (p->err.set)
			print_message(out, "  ", &p->err);
		print_extras(out, p);
		fputc('\n', out);
		print_exchange(out, p);
		if (dump)
			print_dump(out, p);
	}
}

static void print_happy_eyeballs(FILE *out, const struct np_target_result *r)
{
	char first[INET6_ADDRSTRLEN];
	const char *fault = np_words_he_fault(r);

	if (r->he_first < 0)
		return;
	np_sockaddr_address((const struct sockaddr *)&r->dns.addrs[r->he_first].sa, first,
			    sizeof(first));
	fprintf(out, "  happy eyeballs: a dual-stack client (RFC 8305) tries %s first, "
		"IPv4 after 250 ms\n", first);
	if (fault)
		fprintf(out, "  warning: %s (seen on %u/%s)\n", fault, r->he_port, r->he_proto);
}

static void print_verdict(FILE *out, const struct np_target_result *r)
{
	print_host(out, r);
	if (r->verdict == NP_VERDICT_DNS_FAILED)
		fprintf(out, "dns failed, nothing to probe\n");
	else
		fprintf(out, "%s, %zu of %zu probe%s open\n", np_verdict_name(r->verdict), r->nopen,
			r->nprobes, r->nprobes == 1 ? "" : "s");
}

static void text_target(void *state, const struct np_target_result *r)
{
	struct text_state *s = state;

	if (r->series) {	/* --count: the rounds were printed, now ping's statistics */
		np_text_statistics(s->out, r);
		print_verdict(s->out, r);
		return;
	}
	print_dns_head(s->out, r);
	print_dns_detail(s->out, &r->dns);
	print_probes(s->out, r, s->dump);
	print_happy_eyeballs(s->out, r);
	print_verdict(s->out, r);
}

/* A --count round: the DNS lines on the first (as a single run prints them), a
 * line when a later one resolved again, then a line per probe. */
static void text_round(void *state, const struct np_target_result *r)
{
	struct text_state *s = state;

	if (r->seq == 1) {
		print_dns_head(s->out, r);
		print_dns_detail(s->out, &r->dns);
	} else if (r->series->last.resolved) {
		np_text_round_dns(s->out, r);
	}
	np_text_round_probes(s->out, r);
}

static void text_end(void *state, const struct np_run_summary *sum)
{
	struct text_state *s = state;

	if (s->batch)
		np_report_summary_line(s->out, sum);
	free(s);
}

const struct np_reporter np_reporter_text = {
	.begin = text_begin,
	.target = text_target,
	.round = text_round,
	/* .bad_line: said on stderr (np_report_bad_line); nothing more on stdout */
	.end = text_end,
};
