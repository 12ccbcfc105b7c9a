/* JSON for scripts (schema: docs/netprobe.schema.json, v1). Keys are snake_case,
 * numbers are numbers, and nothing is omitted on failure: a failed phase carries
 * its status and an error object, a successful one "error": null. */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "dnsmsg.h"
#include "escape.h"
#include "hexdump.h"
#include "json_write.h"
#include "report.h"
#include "report_json.h"
#include "report_series.h"
#include "signals.h"
#include "sockaddr.h"
#include "words.h"

#define NP_SCHEMA_VERSION 1

json_t *np_json_checked(json_t *v)
{
	if (!v) {	/* a result must never vanish from the output in silence */
		np_report_fatal("internal error: cannot build the JSON output (out of memory?)");
		exit(3);
	}
	return v;
}

json_t *np_json_text(const char *s)
{
	json_t *v;
	char *buf;
	size_t size;

	if (!s)
		return json_null();
	if ((v = json_string(s)))
		return v;
	/* not UTF-8 (a path, --expect, a message cut in a character): say each
	 * stray byte as \xHH rather than lose the string, or the object around it */
	size = np_escape_size((const uint8_t *)s, strlen(s), NP_ESC_UTF8) + 1;
	buf = malloc(size);
	if (buf)
		v = json_string(np_escape_str(s, NP_ESC_UTF8, buf, size));
	free(buf);
	return np_json_checked(v);
}

json_t *np_json_hex(const uint8_t *b, size_t n)
{
	static const struct np_hex_style plain = { .sep = "" };
	size_t size = np_hex_size(n, &plain) + 1;
	char *buf = malloc(size);
	json_t *v = NULL;

	if (buf) {
		np_hex_format(b, n, &plain, buf, size);
		v = json_string(buf);
	}
	free(buf);
	return np_json_checked(v);
}

json_t *np_json_ms(double ms)
{
	return np_json_checked(json_real(round(ms * 1000.0) / 1000.0));
}

json_t *np_json_error(const struct np_error *e, enum np_json_errno form)
{
	json_t *o, *errnum;

	if (!e->set)
		return json_null();
	o = np_json_checked(json_pack("{s:s}", "code", e->code));
	errnum = e->errnum ? json_integer(e->errnum) : json_null();
	if (form == NP_JSON_ERRNO_SECOND)
		json_object_set(o, "errno", errnum);
	json_object_set_new(o, "message", np_json_text(e->message));
	if (form == NP_JSON_ERRNO_LAST)
		json_object_set(o, "errno", errnum);
	json_decref(errnum);
	return o;
}

/* Written into a buffer and out at once: a write per token was a fifth of a
 * batch's time in ndjson. One buffer for the run (netprobe is single-threaded),
 * grown once to the largest report rather than from scratch for each. */
static void print_value(FILE *out, const json_t *v, int indent, int depth, bool newline)
{
	static struct np_strbuf b = NP_STRBUF_INIT;

	np_strbuf_reset(&b);
	if (!np_json_write(&b, v, indent, depth) || (newline && !np_strbuf_putc(&b, '\n'))) {
		np_report_fatal("internal error: cannot build the JSON output (out of memory?)");
		exit(3);
	}
	fwrite(b.s, 1, b.len, out);
}

void np_json_print(FILE *out, const json_t *doc, bool compact)
{
	print_value(out, doc, compact ? 0 : 2, 0, true);
}

json_t *np_json_envelope(const char *command, const char *started_at, json_t *body,
			 int exit_code)
{
	json_t *doc = np_json_checked(json_pack("{s:i, s:s}", "schema_version", NP_SCHEMA_VERSION,
						"netprobe_version", PACKAGE_VERSION));

	if (command)
		json_object_set_new(doc, "command", json_string(command));
	if (started_at)
		json_object_set_new(doc, "started_at", np_json_text(started_at));
	/* jansson keeps keys in the order they were set: body's order is kept */
	json_object_update(doc, np_json_checked(body));
	json_decref(body);
	json_object_set_new(doc, "exit_code", json_integer(exit_code));
	return doc;
}

static json_t *string_or_null(const char *s)
{
	return s && s[0] ? np_json_text(s) : json_null();
}

json_t *np_json_sockaddr(const struct sockaddr *sa, socklen_t salen)
{
	static const char *const orders[] = { [NP_ORDER_HOST] = "host",
		[NP_ORDER_NETWORK] = "network", [NP_ORDER_NONE] = "none" };
	struct np_sa_dump d;
	json_t *fields;

	if (np_sockaddr_dump(sa, salen, &d) < 0)
		return json_null();
	fields = json_array();
	for (size_t i = 0; i < d.nfields; i++) {
		const struct np_sa_field *f = &d.fields[i];
		json_t *value = f->has_number ? json_integer((json_int_t)f->number)
			: f->text[0] ? np_json_text(f->text) : json_null();

		json_array_append_new(fields, json_pack("{s:s, s:I, s:I, s:o, s:o, s:s}",
			"name", f->name, "offset", (json_int_t)f->offset, "size", (json_int_t)f->size,
			"hex", np_json_hex(d.bytes + f->offset, f->size), "value", value,
			"byte_order", orders[f->order]));
	}
	return json_pack("{s:s, s:I, s:o, s:o}", "struct", d.type, "length", (json_int_t)d.length,
			 "hex", np_json_hex(d.bytes, d.length), "fields", fields);
}

static json_t *rcode_json(int rcode)
{
	char buf[16];

	return rcode < 0 ? json_null() : json_string(np_dns_rcode_name(rcode, buf, sizeof(buf)));
}

json_t *np_json_referral(const struct np_dns_referral *ref)
{
	json_t *servers;

	if (!ref || !ref->zone[0])
		return json_null();
	servers = json_array();
	for (size_t i = 0; i < ref->nns; i++) {
		json_t *addrs = json_array();

		for (size_t k = 0; k < ref->ns[i].nglue; k++)
			json_array_append_new(addrs, json_string(ref->ns[i].glue[k]));
		json_array_append_new(servers, np_json_checked(json_pack("{s:o, s:o}", "name",
					np_json_text(ref->ns[i].name), "addresses", addrs)));
	}
	return np_json_checked(json_pack("{s:o, s:o, s:I}", "zone", np_json_text(ref->zone),
					 "nameservers", servers,
					 "nameservers_dropped", (json_int_t)ref->ns_dropped));
}

static json_t *dns_json(const struct np_dns_result *d)
{
	json_t *cnames = json_array(), *queries = json_array(), *addrs = json_array();
	char addr[INET6_ADDRSTRLEN], tb[16];

	for (size_t i = 0; i < d->ncnames; i++)
		json_array_append_new(cnames, np_json_text(d->cnames[i]));
	for (size_t i = 0; i < d->nqueries; i++) {
		const struct np_dns_query *q = &d->queries[i];

		json_array_append_new(queries, json_pack("{s:s, s:s, s:o, s:o, s:I, s:o, s:o}",
			"type", np_dns_type_name(q->qtype, tb, sizeof(tb)),
			"status", np_dns_status_name(q->status),
			"rcode", rcode_json(q->rcode), "time_ms", np_json_ms(q->time_ms),
			"answers", (json_int_t)q->answers, "server", string_or_null(q->server),
			"error", np_json_error(&q->err, NP_JSON_ERRNO_NONE)));
	}
	for (size_t i = 0; i < d->naddrs; i++) {
		const struct sockaddr *sa = (const struct sockaddr *)&d->addrs[i].sa;

		json_array_append_new(addrs, json_pack("{s:s, s:s, s:o}",
			"address", np_sockaddr_address(sa, addr, sizeof(addr)),
			"family", np_family_name(sa->sa_family),
			"ttl", d->addrs[i].ttl >= 0 ? json_integer(d->addrs[i].ttl) : json_null()));
	}
	return json_pack("{s:s, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:o}",
		"status", np_dns_status_name(d->status), "rcode", rcode_json(d->rcode),
		"source", np_dns_source_name(d->source), "server", string_or_null(d->server),
		"canonical_name", string_or_null(d->canonical), "cnames", cnames,
		"time_ms", np_json_ms(d->time_ms), "error", np_json_error(&d->err, NP_JSON_ERRNO_NONE),
		"queries", queries,
		"addresses", addrs, "addresses_dropped", (json_int_t)d->dropped,
		"referral", np_json_referral(d->referral));
}

static json_t *local_json(const struct np_probe_result *p)
{
	char addr[INET6_ADDRSTRLEN];
	const struct sockaddr *sa = (const struct sockaddr *)&p->local;

	if (!p->local.ss_family)
		return json_null();
	return json_pack("{s:s, s:i}", "address", np_sockaddr_address(sa, addr, sizeof(addr)),
			 "port", (int)np_sockaddr_port(sa));
}

static json_t *icmp_json(const struct np_icmp *icmp)
{
	if (!icmp->set)
		return json_null();
	return json_pack("{s:i, s:i, s:i, s:s, s:o}", "version", icmp->version, "type", icmp->type,
			 "code", icmp->code, "description", np_icmp_describe(icmp),
			 "from", string_or_null(icmp->from));
}

static json_t *exchange_json(const struct np_exchange *x)
{
	char text[4 * NP_EXCHANGE_KEEP + 1];

	if (!x->used)
		return json_null();
	return json_pack("{s:I, s:I, s:s, s:o, s:o, s:o, s:o}",
		"sent_bytes", (json_int_t)x->sent, "received_bytes", (json_int_t)x->received,
		"received", np_report_escape(x->data, x->kept, text, sizeof(text)),
		"received_hex", np_json_hex(x->data, x->kept),
		"reply_ms", x->received ? np_json_ms(x->reply_ms) : json_null(),
		"expect", np_json_text(x->expect),
		"matched", x->expect ? json_boolean(x->matched) : json_null());
}

static json_t *probe_json(const struct np_probe_result *p)
{
	const struct sockaddr *sa = (const struct sockaddr *)&p->sa;
	char addr[NP_ENDPOINT_LEN + 128];
	bool is_unix = sa->sa_family == AF_UNIX;
	bool dgram = p->socktype == SOCK_DGRAM && !is_unix;

	return np_json_checked(json_pack(
		"{s:s, s:s, s:o, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
		"address", np_sockaddr_show(sa, p->salen, NP_SHOW_ADDRESS, NULL, addr,
					    sizeof(addr)),
		"family", np_family_name(sa->sa_family),
		"port", is_unix ? json_null() : json_integer(np_sockaddr_port(sa)),
		"proto", p->proto, "socktype", p->socktype == SOCK_STREAM ? "stream" : "dgram",
		"state", np_state_name(p->state), "time_ms", np_json_ms(p->time_ms),
		"error", np_json_error(&p->err, NP_JSON_ERRNO_LAST),
		"sockaddr", np_json_sockaddr(sa, p->salen),
		"local", local_json(p),
		"kernel_rtt_ms", p->rtt_ms >= 0 ? np_json_ms(p->rtt_ms) : json_null(),
		"kernel_rttvar_ms", p->rttvar_ms >= 0 ? np_json_ms(p->rttvar_ms) : json_null(),
		"tries", dgram ? json_integer(p->tries) : json_null(),
		"icmp_rate_limited", dgram ? json_boolean(p->icmp_rate_limited) : json_null(),
		"icmp", icmp_json(&p->icmp), "exchange", exchange_json(&p->xchg)));
}

static json_t *happy_eyeballs_json(const struct np_target_result *r)
{
	char first[INET6_ADDRSTRLEN];
	const char *fault = np_he_fault_name(r->he_fault);

	if (r->he_first < 0)
		return json_null();
	return json_pack("{s:s, s:i, s:o, s:o, s:o, s:o}",
		"first", np_sockaddr_address((const struct sockaddr *)&r->dns.addrs[r->he_first].sa,
					     first, sizeof(first)),
		"fallback_delay_ms", 250,
		"fault", fault ? json_string(fault) : json_null(),
		"port", fault ? json_integer(r->he_port) : json_null(),
		"proto", fault ? json_string(r->he_proto) : json_null(),
		"message", fault ? json_string(np_words_he_fault(r)) : json_null());
}

json_t *np_json_source(const char *file, unsigned long line)
{
	if (!file)
		return json_null();
	return np_json_checked(json_pack("{s:o, s:I}", "file", np_json_text(file), "line",
					 (json_int_t)line));
}

json_t *np_json_target(const struct np_target_result *r)
{
	json_t *ports = json_array(), *probes = json_array(), *t;

	for (size_t i = 0; i < r->target->nports; i++)
		json_array_append_new(ports, json_integer(r->target->ports[i]));
	for (size_t i = 0; i < r->nprobes; i++)
		json_array_append_new(probes, probe_json(&r->probes[i]));
	t = np_json_checked(json_pack(
		"{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:{s:I, s:I}, s:s}",
		"type", "target", "source", np_json_source(r->source_file, r->source_line),
		"input", np_json_text(r->target->input), "host", np_json_text(r->target->host),
		"ports", ports,
		"dns", dns_json(&r->dns), "probes", probes, "happy_eyeballs", happy_eyeballs_json(r),
		"summary", "probes", (json_int_t)r->nprobes, "open", (json_int_t)r->nopen,
		"verdict", np_verdict_name(r->verdict)));
	np_json_add_series(t, r);	/* rounds, rounds_dropped, statistics */
	return t;
}

json_t *np_json_bad_line(const struct np_bad_line *b)
{
	return np_json_checked(json_pack("{s:s, s:o, s:o, s:o}", "type", "error",
		"source", np_json_source(b->file, b->line), "input", np_json_text(b->input),
		"error", np_json_error(&b->err, NP_JSON_ERRNO_NONE)));
}

json_t *np_json_summary(const struct np_run_summary *s)
{
	json_t *states = json_object(), *verdicts = json_object();

	for (int i = 0; i < NP_STATE_COUNT; i++)
		if (s->states[i])
			json_object_set_new(states, np_state_name(i), json_integer((json_int_t)s->states[i]));
	for (int v = 0; v <= NP_VERDICT_DNS_FAILED; v++)
		json_object_set_new(verdicts, np_verdict_name(v), json_integer((json_int_t)s->verdicts[v]));
	return np_json_checked(json_pack(
		"{s:s, s:I, s:I, s:I, s:o, s:o, s:I, s:o, s:o, s:I, s:i}",
		"type", "summary", "targets", (json_int_t)s->targets,
		"bad_lines", (json_int_t)s->bad_lines, "probes", (json_int_t)s->probes,
		"states", states, "verdicts", verdicts, "dns_failures", (json_int_t)s->verdicts[NP_VERDICT_DNS_FAILED],
		"wall_ms", np_json_ms(s->wall_ms),
		"interrupted", s->interrupted ? json_string(np_signal_name(s->interrupted)) : json_null(),
		"unfinished", (json_int_t)s->unfinished, "exit_code", s->exit_code));
}

json_t *np_json_document_head(const char *command, const char *started_at, json_t *body)
{
	json_t *doc = np_json_envelope(command, started_at, body, 0);

	json_object_del(doc, "exit_code");
	return doc;
}

/* Keys of the probe document before "targets", in their order. */
static json_t *document_head(const char *started_at)
{
	return np_json_document_head(NULL, started_at, json_pack("{s:s}", "host_byte_order",
								 np_host_byte_order()));
}

json_t *np_json_document(const char *started_at, json_t *targets, const struct np_run_summary *s)
{
	json_t *doc = document_head(started_at);

	json_object_set_new(doc, "targets", targets);
	json_object_set_new(doc, "summary", np_json_summary(s));
	json_object_set_new(doc, "exit_code", json_integer(s->exit_code));
	return doc;
}

/* ---- one document, streamed ------------------------------------------------
 * A batch's document is printed as it goes: the head, each item of the array as
 * it completes, then the tail; byte for byte what np_json_print would print of
 * the whole document (jansson's 2-space indent), so nothing waits in memory. */

/* "key": value at the top level of the document. */
static void print_member(FILE *out, const char *key, const json_t *v)
{
	json_t *k = np_json_checked(json_string(key));

	fputs("  ", out);
	print_value(out, k, 2, 1, false);
	fputs(": ", out);
	if (v)		/* NULL: the value follows, streamed */
		print_value(out, v, 2, 1, false);
	json_decref(k);
}

void np_json_stream_begin(struct np_json_stream *st, FILE *out, json_t *head,
			  const char *array_key)
{
	const char *key;
	json_t *v;

	*st = (struct np_json_stream){ .out = out };
	fputs("{\n", out);
	json_object_foreach(head, key, v) {
		print_member(out, key, v);
		fputs(",\n", out);
	}
	print_member(out, array_key, NULL);
	fputs("[", out);
	json_decref(head);
}

void np_json_stream_item(struct np_json_stream *st, json_t *item)
{
	fputs(st->items++ ? ",\n    " : "\n    ", st->out);
	print_value(st->out, item, 2, 2, false);
	json_decref(item);
}

void np_json_stream_end(struct np_json_stream *st, json_t *tail)
{
	const char *key;
	json_t *v;

	fputs(st->items ? "\n  ]" : "]", st->out);
	json_object_foreach(tail, key, v) {
		fputs(",\n", st->out);
		print_member(st->out, key, v);
	}
	fputs("\n}\n", st->out);
	json_decref(tail);
}

struct json_state {
	struct np_json_stream stream;
};

static void *json_begin(FILE *out, const struct np_report_info *info)
{
	struct json_state *s = calloc(1, sizeof(*s));

	if (s)
		np_json_stream_begin(&s->stream, out, document_head(info->started_at), "targets");
	return s;
}

static void json_target(void *state, const struct np_target_result *r)
{
	struct json_state *s = state;

	np_json_stream_item(&s->stream, np_json_target(r));
}

static void json_bad_line(void *state, const struct np_bad_line *b)
{
	struct json_state *s = state;

	np_json_stream_item(&s->stream, np_json_bad_line(b));
}

static void json_end(void *state, const struct np_run_summary *sum)
{
	struct json_state *s = state;

	np_json_stream_end(&s->stream, np_json_checked(json_pack("{s:o, s:i}", "summary",
				np_json_summary(sum), "exit_code", sum->exit_code)));
	free(s);
}

const struct np_reporter np_reporter_json = {
	.begin = json_begin,
	.target = json_target,
	/* .round: the rounds are in the target object, at its end */
	.bad_line = json_bad_line,
	.end = json_end,
};

/* ---- ndjson: one compact object a line ------------------------------------- */

static void *ndjson_begin(FILE *out, const struct np_report_info *info)
{
	(void)info;
	return out;	/* nothing else to keep */
}

static void ndjson_print(FILE *out, json_t *obj)
{
	np_json_print(out, obj, true);
	json_decref(obj);
}

static void ndjson_target(void *state, const struct np_target_result *r)
{
	ndjson_print(state, np_json_target(r));
}

static void ndjson_round(void *state, const struct np_target_result *r)
{
	ndjson_print(state, np_json_round_event(r));
}

static void ndjson_bad_line(void *state, const struct np_bad_line *b)
{
	ndjson_print(state, np_json_bad_line(b));
}

static void ndjson_end(void *state, const struct np_run_summary *s)
{
	ndjson_print(state, np_json_summary(s));
}

const struct np_reporter np_reporter_ndjson = {
	.begin = ndjson_begin,
	.target = ndjson_target,
	.round = ndjson_round,
	.bad_line = ndjson_bad_line,
	.end = ndjson_end,
};
