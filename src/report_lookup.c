/* Lookup output. Text follows dig's layout so a dig user reads it without
 * thinking; --dump adds the reply byte by byte with each field decoded from
 * network byte order; JSON carries every section with numbers as numbers. */
#include <config.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "escape.h"
#include "lookup_batch.h"
#include "report.h"
#include "hexdump.h"
#include "report_json.h"
#include "report_lookup.h"
#include "signals.h"

static const char *const section_names[] = { "QUESTION", "ANSWER", "AUTHORITY", "ADDITIONAL" };

/* A reply's referral, or none (zone ""). */
static const struct np_dns_referral *referral_of(const struct np_lookup_reply *rep)
{
	static const struct np_dns_referral none;

	return rep->referral ? rep->referral : &none;
}

static size_t count(const struct np_dns_message *m, enum np_dns_section s)
{
	size_t n = 0;

	for (size_t i = 0; i < m->nrecords; i++)
		n += m->records[i].section == s;
	return n;
}

static void print_record(FILE *out, const struct np_dns_record *r)
{
	char tb[16], cb[16];

	if (r->section == NP_SEC_QUESTION) {
		fprintf(out, ";%-30s %-7s %s\n", r->name, np_dns_class_name(r->rclass, cb, sizeof(cb)),
			np_dns_type_name(r->type, tb, sizeof(tb)));
		return;
	}
	if (r->type == NP_RR_OPT) {
		fprintf(out, "; OPT (EDNS) udp size %u\n", r->rclass);
		return;
	}
	fprintf(out, "%-23s %-7u %-7s %-7s %s\n", r->name, r->ttl,
		np_dns_class_name(r->rclass, cb, sizeof(cb)), np_dns_type_name(r->type, tb, sizeof(tb)),
		r->text);
}

/* What an empty NOERROR means, under the header dig prints (which says NOERROR). */
static void print_meaning(FILE *out, const struct np_lookup_reply *rep)
{
	const struct np_dns_referral *ref = referral_of(rep);

	if (rep->status == NP_DNS_STATUS_INCOMPLETE)
		fprintf(out, ";; INCOMPLETE: the CNAME chain ends at %s, which this server neither "
			"answered nor holds a zone for, and it did not recurse: ask a recursive "
			"resolver\n", rep->chain_end);
	if (rep->status != NP_DNS_STATUS_REFERRAL)
		return;
	fprintf(out, ";; REFERRAL: %s is delegated; this server did not recurse: ask a recursive "
		"resolver, or the zone's name servers:", ref->zone);
	for (size_t i = 0; i < ref->nns; i++) {
		fprintf(out, " %s", ref->ns[i].name);
		for (size_t k = 0; k < ref->ns[i].nglue; k++)
			fprintf(out, "%s%s", k ? " " : " (", ref->ns[i].glue[k]);
		fprintf(out, "%s", ref->ns[i].nglue ? ")" : "");
	}
	fputc('\n', out);
}

static void print_dump(FILE *out, const struct np_lookup_reply *rep)
{
	static const struct np_hex_style row = { .sep = " ", .max = 8, .more = " .." };
	const struct np_dns_message *m = &rep->m;

	fprintf(out, ";; reply, %zu bytes; each field as the bytes on the wire (network byte "
		"order) and its value:\n", rep->len);
	for (size_t i = 0; i < m->nnotes; i++) {
		const struct np_dns_annotation *a = &m->notes[i];
		char hex[3 * 8 + 4];

		np_hex_format(rep->msg + a->offset, a->length, &row, hex, sizeof(hex));
		fprintf(out, ";;   %04zx  %-26s %-9s %s\n", a->offset, hex, a->field, a->text);
	}
}

/* Our words, with the name the user typed inside: controls escaped. */
static void print_error(FILE *out, const char *prefix, const struct np_error *e,
			const char *end)
{
	fputs(prefix, out);
	np_report_escaped(out, e->message, NP_ESC_CTRL);
	fputs(end, out);
}

static void print_reply(FILE *out, const struct np_lookup_result *res,
			const struct np_lookup_reply *rep, const struct np_lookup_view *v)
{
	const struct np_dns_message *m = &rep->m;
	char flags[64], rc[16], tb[16];

	fprintf(out, "; <<>> netprobe %s <<>> lookup ", PACKAGE_VERSION);
	np_report_escaped(out, res->opts->name, NP_ESC_CTRL);	/* as the user typed it */
	fprintf(out, " %s\n", np_dns_type_name(rep->qtype, tb, sizeof(tb)));
	if (!rep->msg) {
		print_error(out, ";; no reply: ", &rep->err, "\n\n");
		return;
	}
	np_dns_flags_text(m->h.flags, flags, sizeof(flags));
	fprintf(out, ";; ->>HEADER<<- opcode: %s, status: %s, id: %u\n",
		np_dns_opcode_name(NP_DNS_OPCODE(m->h.flags)),
		np_dns_rcode_name(NP_DNS_RCODE(m->h.flags), rc, sizeof(rc)), m->h.id);
	fprintf(out, ";; flags: %s; QUERY: %u, ANSWER: %u, AUTHORITY: %u, ADDITIONAL: %u\n", flags,
		m->h.qdcount, m->h.ancount, m->h.nscount, m->h.arcount);
	if (rep->decode_rc)
		fprintf(out, ";; MALFORMED reply: %s (decoding stopped there)\n",
			np_dns_strerror(rep->decode_rc));
	print_meaning(out, rep);
	for (int s = NP_SEC_QUESTION; s <= NP_SEC_ADDITIONAL; s++) {
		if (!count(m, (enum np_dns_section)s))
			continue;
		fprintf(out, "\n;; %s SECTION:\n", section_names[s]);
		for (size_t i = 0; i < m->nrecords; i++)
			if (m->records[i].section == (enum np_dns_section)s)
				print_record(out, &m->records[i]);
	}
	if (m->dropped)
		fprintf(out, ";; (%zu more records not shown)\n", m->dropped);
	fprintf(out, "\n;; Query time: %.3f msec\n", rep->time_ms);
	fprintf(out, ";; SERVER: %s (%s", rep->server, rep->via_tcp ? "TCP" : "UDP");
	if (rep->retried_tcp && rep->udp_tc)
		fprintf(out, ", retried over TCP after a truncated UDP answer");
	else if (rep->retried_tcp)
		fprintf(out, ", retried over TCP after a UDP answer of %zu bytes without TC: over "
			"512, and c-ares sends no EDNS", rep->udp_size);
	fprintf(out, ")\n");
	fprintf(out, ";; MSG SIZE  rcvd: %zu\n", rep->len);
	if (v->dump) {
		fputc('\n', out);
		print_dump(out, rep);
	}
	fputc('\n', out);
}

/* getaddrinfo's error as its EAI_ name, for scripts (gai_strerror's words may
 * be translated). */
static const char *eai_name(int code)
{
	static const struct { int code; const char *name; } names[] = {
		{ EAI_AGAIN, "EAI_AGAIN" }, { EAI_BADFLAGS, "EAI_BADFLAGS" },
		{ EAI_FAIL, "EAI_FAIL" }, { EAI_FAMILY, "EAI_FAMILY" },
		{ EAI_MEMORY, "EAI_MEMORY" }, { EAI_NONAME, "EAI_NONAME" },
		{ EAI_SERVICE, "EAI_SERVICE" }, { EAI_SOCKTYPE, "EAI_SOCKTYPE" },
		{ EAI_SYSTEM, "EAI_SYSTEM" }, { EAI_OVERFLOW, "EAI_OVERFLOW" },
#ifdef EAI_NODATA
		{ EAI_NODATA, "EAI_NODATA" },
#endif
#ifdef EAI_ADDRFAMILY
		{ EAI_ADDRFAMILY, "EAI_ADDRFAMILY" },
#endif
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].code == code)
			return names[i].name;
	return "EAI_OTHER";
}

static void print_system(FILE *out, const struct np_lookup_system *s)
{
	if (!s->asked)
		return;
	if (s->gai_error) {
		fprintf(out, ";; SYSTEM (getaddrinfo) failed: %s (%s)\n", gai_strerror(s->gai_error),
			eai_name(s->gai_error));
	} else {
		fprintf(out, ";; SYSTEM (getaddrinfo):");
		for (size_t i = 0; i < s->addrs.n; i++)
			fprintf(out, " %s", s->addrs.addr[i]);
		fputc('\n', out);
	}
	for (size_t i = 0; i < s->only_system.n; i++)
		fprintf(out, ";;   only the system has %s (hosts file, mDNS, another resolver?)\n",
			s->only_system.addr[i]);
	for (size_t i = 0; i < s->only_dns.n; i++)
		fprintf(out, ";;   only DNS has %s\n", s->only_dns.addr[i]);
	/* both empty is no agreement worth the word when a side failed */
	if (!s->only_system.n && !s->only_dns.n)
		fprintf(out, s->addrs.n ? ";;   the system and DNS agree\n"
					: ";;   neither the system nor DNS has an address\n");
}

static int text_report(FILE *out, const struct np_lookup_result *r,
			const struct np_lookup_view *v, int exit_code)
{
	for (size_t i = 0; i < r->nreplies; i++) {
		const struct np_lookup_reply *rep = &r->replies[i];

		if (!v->short_form) {
			print_reply(out, r, rep, v);
			continue;
		}
		for (size_t k = 0; k < rep->m.nrecords; k++)
			if (rep->m.records[k].section == NP_SEC_ANSWER)
				fprintf(out, "%s\n", rep->m.records[k].text);
		if (!rep->msg)
			print_error(out, ";; ", &rep->err, "\n");
		else if (rep->decode_rc)
			fprintf(out, ";; MALFORMED reply: %s\n", np_dns_strerror(rep->decode_rc));
		else
			print_meaning(out, rep);
	}
	print_system(out, &r->system);
	return exit_code;
}

/* String i of r (dig-escaped); NULL past the last. For a field that names one
 * (a CAA tag, its value): a walk over many is strings_json's. */
static const char *record_string(const struct np_dns_record *r, size_t i)
{
	const char *t = r->strings;

	if (i >= r->nstrings)
		return NULL;
	while (i--)
		t += strlen(t) + 1;
	return t;
}

/* TXT strings twice: dig-escaped text for people, their bytes in hex for scripts */
static json_t *strings_json(const struct np_dns_record *r, bool hex)
{
	json_t *a = json_array();
	const uint8_t *raw;
	size_t pos = 0, len;
	const char *t = r->strings;

	for (size_t i = 0; !hex && i < r->nstrings; i++, t += strlen(t) + 1)
		json_array_append_new(a, np_json_text(t));
	while (hex && (raw = np_dns_record_raw_next(r, &pos, &len)))
		json_array_append_new(a, np_json_hex(raw, len));
	return a;
}

/* One field as its row describes it; NULL when the record lacks it. */
static json_t *field_json(const struct np_dns_record *r, const struct np_rr_field *f)
{
	switch (f->source) {
	case NP_F_TEXT: return json_string(r->text);
	case NP_F_NAME: return f->index < r->nnames ? json_string(r->names[f->index]) : NULL;
	case NP_F_NUM: return f->index < r->nnum ? json_integer(r->num[f->index]) : NULL;
	case NP_F_STRING:
		return f->index < r->nstrings ? np_json_text(record_string(r, f->index)) : NULL;
	case NP_F_STRINGS: return strings_json(r, false);
	case NP_F_STRINGS_HEX: return strings_json(r, true);
	}
	return NULL;
}

/* The rdata's fields, walked from the type's row: every one, or none at all
 * when the record lacks one (a type netprobe does not decode has none). */
static json_t *rdata_json(const struct np_dns_record *r)
{
	const struct np_rr_type *type = np_rr_find(r->type);
	json_t *o = json_object();

	for (size_t i = 0; type && i < NP_RR_FIELDS_MAX && type->fields[i].key; i++) {
		json_t *v = field_json(r, &type->fields[i]);

		if (!v) {
			json_object_clear(o);
			break;
		}
		json_object_set_new(o, type->fields[i].key, v);
	}
	return o;
}

static json_t *record_json(const struct np_dns_record *r)
{
	char tb[16], cb[16];
	json_t *o = json_pack("{s:o, s:s, s:i, s:s, s:i}", "name", np_json_text(r->name),
			      "type", np_dns_type_name(r->type, tb, sizeof(tb)), "type_code", r->type,
			      "class", np_dns_class_name(r->rclass, cb, sizeof(cb)), "offset",
			      (int)r->offset);

	if (r->section == NP_SEC_QUESTION || !np_json_checked(o))
		return o;
	json_object_set_new(o, "ttl", json_integer(r->ttl));
	json_object_set_new(o, "rdlength", json_integer(r->rdlength));
	json_object_set_new(o, "rdata", np_json_text(r->text));
	json_object_set_new(o, "fields", np_json_checked(rdata_json(r)));
	return np_json_checked(o);
}

static void reply_meaning_json(json_t *o, const struct np_lookup_reply *rep)
{
	json_object_set_new(o, "status", json_string(np_dns_status_name(rep->status)));
	json_object_set_new(o, "referral", np_json_referral(referral_of(rep)));
	json_object_set_new(o, "chain_end", rep->chain_end[0] ? np_json_text(rep->chain_end)
			    : json_null());
}

/* A reply that did not decode, as the same error object as any other. */
static json_t *malformed_json(int decode_rc)
{
	struct np_error e;

	if (!decode_rc)
		return json_null();
	np_error_set(&e, "MALFORMED", "%s", np_dns_strerror(decode_rc));
	return np_json_error(&e, NP_JSON_ERRNO_NONE);
}

static json_t *reply_json(const struct np_lookup_reply *rep)
{
	static const char *const keys[] = { "question", "answer", "authority", "additional" };
	const struct np_dns_message *m = &rep->m;
	char tb[16], rc[16], flags[64];
	json_t *o = json_pack("{s:s, s:o, s:o, s:s, s:b, s:b}",
		"type", np_dns_type_name(rep->qtype, tb, sizeof(tb)), "time_ms", np_json_ms(rep->time_ms),
		"server", rep->server[0] ? json_string(rep->server) : json_null(),
		"transport", rep->via_tcp ? "tcp" : "udp", "retried_tcp", rep->retried_tcp,
		"truncated", rep->msg ? (bool)NP_DNS_TC(m->h.flags) : false);
	json_t *flagarr = json_array();

	np_json_checked(o);
	if (!rep->msg) {	/* no reply: the same keys, empty */
		json_object_set_new(o, "rcode", json_null());
		json_object_set_new(o, "flags", flagarr);
		json_object_set_new(o, "id", json_null());
		json_object_set_new(o, "opcode", json_null());
		json_object_set_new(o, "counts", json_null());
		json_object_set_new(o, "size", json_integer(0));
		for (int s = 0; s < 4; s++)
			json_object_set_new(o, keys[s], json_array());
		json_object_set_new(o, "records_dropped", json_integer(0));
		json_object_set_new(o, "retry_reason", json_null());
		json_object_set_new(o, "udp_size", json_null());
		reply_meaning_json(o, rep);
		json_object_set_new(o, "error", np_json_error(&rep->err, NP_JSON_ERRNO_NONE));
		return o;
	}
	np_dns_flags_text(m->h.flags, flags, sizeof(flags));
	for (char *save = NULL, *f = strtok_r(flags, " ", &save); f; f = strtok_r(NULL, " ", &save))
		json_array_append_new(flagarr, json_string(f));
	json_object_set_new(o, "rcode", json_string(np_dns_rcode_name(NP_DNS_RCODE(m->h.flags), rc,
								      sizeof(rc))));
	json_object_set_new(o, "flags", flagarr);
	json_object_set_new(o, "id", json_integer(m->h.id));
	json_object_set_new(o, "opcode", json_string(np_dns_opcode_name(NP_DNS_OPCODE(m->h.flags))));
	json_object_set_new(o, "counts", json_pack("{s:i, s:i, s:i, s:i}", "question", m->h.qdcount,
		"answer", m->h.ancount, "authority", m->h.nscount, "additional", m->h.arcount));
	json_object_set_new(o, "size", json_integer((json_int_t)rep->len));
	for (int s = 0; s < 4; s++) {
		json_t *a = json_array();

		for (size_t i = 0; i < m->nrecords; i++)
			if (m->records[i].section == (enum np_dns_section)s)
				json_array_append_new(a, record_json(&m->records[i]));
		json_object_set_new(o, keys[s], a);
	}
	json_object_set_new(o, "records_dropped", json_integer((json_int_t)m->dropped));
	json_object_set_new(o, "retry_reason", !rep->retried_tcp ? json_null()
			    : json_string(rep->udp_tc ? "truncated" : "oversize"));
	json_object_set_new(o, "udp_size", rep->udp_size ? json_integer((json_int_t)rep->udp_size)
			    : json_null());
	reply_meaning_json(o, rep);
	json_object_set_new(o, "error", malformed_json(rep->decode_rc));
	return o;
}

static json_t *addr_array(const struct np_addr_set *s)
{
	json_t *a = json_array();

	for (size_t i = 0; i < s->n; i++)
		json_array_append_new(a, json_string(s->addr[i]));
	return a;
}

/* name, recursion_desired, replies, system: the single document's body, and
 * each item of a batch. */
static json_t *lookup_body(json_t *o, const struct np_lookup_result *r)
{
	json_t *replies = json_array(), *sys = json_null();

	for (size_t i = 0; i < r->nreplies; i++)
		json_array_append_new(replies, reply_json(&r->replies[i]));
	if (r->system.asked) {
		const struct np_lookup_system *y = &r->system;

		sys = json_pack("{s:o, s:o, s:o, s:o, s:o, s:b}", "error", y->gai_error
				? json_string(gai_strerror(y->gai_error)) : json_null(),
				"error_code", y->gai_error ? json_string(eai_name(y->gai_error))
				: json_null(), "addresses", addr_array(&y->addrs),
				"only_system", addr_array(&y->only_system),
				"only_dns", addr_array(&y->only_dns),
				"agree", !y->only_system.n && !y->only_dns.n);
	}
	json_object_set_new(o, "name", np_json_text(r->opts->name));
	json_object_set_new(o, "recursion_desired", json_boolean(!r->opts->norecurse));
	json_object_set_new(o, "replies", replies);
	json_object_set_new(o, "system", sys);
	return np_json_checked(o);
}

json_t *np_json_lookup(const struct np_lookup_result *r, int exit_code)
{
	return np_json_envelope("lookup", NULL, lookup_body(np_json_checked(json_object()), r),
				exit_code);
}

static int json_report(FILE *out, const struct np_lookup_result *r,
			const struct np_lookup_view *v, int exit_code)
{
	json_t *doc = np_json_lookup(r, exit_code);

	np_json_print(out, doc, false);
	json_decref(doc);
	return exit_code;
}

/* ---- lookup --file: the stream ------------------------------------------- */

struct stream_row {
	void (*begin)(struct np_lookup_stream *s);
	/* print one item (a lookup, an error); NULL: text, which has none */
	void (*item)(struct np_lookup_stream *s, json_t *o);
	void (*end)(struct np_lookup_stream *s, const struct np_lookup_summary *sum);
};

struct np_lookup_stream {
	FILE *out;
	const struct np_lookup_view *v;
	const struct stream_row *row;
	struct np_report_info info;
	struct np_json_stream doc;	/* json: the document, streamed */
};

static double queries_per_second(const struct np_lookup_summary *sum)
{
	return sum->wall_ms > 0 ? sum->queries / (sum->wall_ms / 1e3) : 0;
}

static json_t *summary_json(const struct np_lookup_summary *sum)
{
	json_t *st = json_object();

	for (int i = 0; i <= NP_DNS_STATUS_SKIPPED; i++)
		if (sum->statuses[i])
			json_object_set_new(st, np_dns_status_name((enum np_dns_status)i),
					    json_integer((json_int_t)sum->statuses[i]));
	return np_json_checked(json_pack("{s:s, s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:I, s:i}",
		"type", "summary", "names", (json_int_t)sum->names,
		"queries", (json_int_t)sum->queries, "bad_lines", (json_int_t)sum->bad_lines,
		"statuses", st, "wall_ms", np_json_ms(sum->wall_ms),
		"queries_per_second", np_json_checked(json_real((double)(unsigned long)
								       queries_per_second(sum))),
		"interrupted", sum->signal ? json_string(np_signal_name(sum->signal)) : json_null(),
		"unfinished", (json_int_t)sum->unfinished, "exit_code", sum->exit_code));
}

static void text_end(struct np_lookup_stream *s, const struct np_lookup_summary *sum)
{
	const char *sep = ": ";

	fprintf(s->out, ";; summary: %lu names, %lu queries in %.3f s (%.0f queries/s)",
		sum->names, sum->queries, sum->wall_ms / 1e3, queries_per_second(sum));
	for (int i = 0; i <= NP_DNS_STATUS_SKIPPED; i++) {
		if (!sum->statuses[i])
			continue;
		fprintf(s->out, "%s%lu %s", sep, sum->statuses[i],
			np_dns_status_name((enum np_dns_status)i));
		sep = ", ";
	}
	fprintf(s->out, "; %lu bad lines", sum->bad_lines);
	if (sum->signal)
		fprintf(s->out, " (interrupted by %s: %lu unfinished)", np_signal_name(sum->signal),
			sum->unfinished);
	fputc('\n', s->out);
}

static void ndjson_item(struct np_lookup_stream *s, json_t *o)
{
	np_json_print(s->out, o, true);
}

static void ndjson_end(struct np_lookup_stream *s, const struct np_lookup_summary *sum)
{
	json_t *o = summary_json(sum);

	ndjson_item(s, o);
	json_decref(o);
}

/* The envelope's head, then the array: the same streamed document as the
 * probe's (np_json_stream). */
static void json_begin(struct np_lookup_stream *s)
{
	np_json_stream_begin(&s->doc, s->out,
			     np_json_document_head("lookup", s->info.started_at, json_object()),
			     "lookups");
}

static void json_item(struct np_lookup_stream *s, json_t *o)
{
	np_json_stream_item(&s->doc, json_incref(o));
}

static void json_end(struct np_lookup_stream *s, const struct np_lookup_summary *sum)
{
	np_json_stream_end(&s->doc, np_json_checked(json_pack("{s:o, s:i}", "summary",
				summary_json(sum), "exit_code", sum->exit_code)));
}

static const struct stream_row stream_rows[NP_FORMAT_END] = {
	[NP_FORMAT_TEXT] = { NULL, NULL, text_end },
	[NP_FORMAT_NDJSON] = { NULL, ndjson_item, ndjson_end },
	[NP_FORMAT_JSON] = { json_begin, json_item, json_end },
};

struct np_lookup_stream *np_lookup_stream_begin(FILE *out, enum np_format f,
						const struct np_lookup_view *v)
{
	struct np_lookup_stream *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	*s = (struct np_lookup_stream){ .out = out, .v = v, .row = &stream_rows[f] };
	np_report_info_init(&s->info, v->dump);
	if (s->row->begin)
		s->row->begin(s);
	return s;
}

static void stream_item(struct np_lookup_stream *s, json_t *o)
{
	s->row->item(s, np_json_checked(o));
	json_decref(o);
}

void np_lookup_stream_name(struct np_lookup_stream *s, const struct np_lookup_result *r,
			   const char *file, unsigned long line, int exit_code)
{
	json_t *o;

	if (!s->row->item) {
		text_report(s->out, r, s->v, exit_code);
		return;
	}
	o = json_pack("{s:s, s:o}", "type", "lookup", "source", np_json_source(file, line));
	stream_item(s, lookup_body(np_json_checked(o), r));
}

void np_lookup_stream_bad_line(struct np_lookup_stream *s, const struct np_bad_line *b)
{
	np_report_bad_line(b);
	if (s->row->item)
		stream_item(s, np_json_bad_line(b));
}

void np_lookup_stream_abort(struct np_lookup_stream *s)
{
	free(s);
}

void np_lookup_stream_end(struct np_lookup_stream *s, const struct np_lookup_summary *sum)
{
	s->row->end(s, sum);
	np_lookup_stream_abort(s);
}

/* One name in ndjson: its line, then the summary, as a list of one. The
 * queries run at once, so the run took about as long as the slowest. */
static int ndjson_report(FILE *out, const struct np_lookup_result *r,
			  const struct np_lookup_view *v, int exit_code)
{
	struct np_lookup_stream *s = np_lookup_stream_begin(out, NP_FORMAT_NDJSON, v);
	struct np_lookup_summary sum = { 0 };

	if (!s)
		np_json_checked(NULL);	/* says so and exits 3 */
	np_lookup_summary_add(&sum, r, exit_code);
	for (size_t i = 0; i < r->nreplies; i++)
		if (r->replies[i].time_ms > sum.wall_ms)
			sum.wall_ms = r->replies[i].time_ms;
	np_lookup_stream_name(s, r, NULL, 0, exit_code);
	np_lookup_stream_end(s, &sum);
	return exit_code;
}

/* The first type asked, as docs/METRICS.md's lookup families (report_prom.c). */
static int prom_report(FILE *out, const struct np_lookup_result *r,
		       const struct np_lookup_view *v, int exit_code)
{
	return np_report_lookup_prom(out, r) < 0 ? 3 : exit_code;
}

const struct np_lookup_reporter np_lookup_reporters[NP_FORMAT_END] = {
	[NP_FORMAT_TEXT] = { text_report },
	[NP_FORMAT_NDJSON] = { ndjson_report },
	[NP_FORMAT_JSON] = { json_report },
	[NP_FORMAT_PROMETHEUS] = { prom_report },
};
