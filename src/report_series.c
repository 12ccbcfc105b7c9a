/* --count output: ping's lines and statistics in text, the rounds and the
 * statistics in JSON (schema: docs/netprobe.schema.json, $defs round and
 * statistics). Addresses are shown as the probe lines show them. */
#include <config.h>
#include <stdio.h>
#include <sys/socket.h>
#include "escape.h"
#include "report.h"
#include "report_json.h"
#include "report_series.h"
#include "sockaddr.h"

/* What a probe line names: its address, and its port and transport. */
struct endpoint {
	char addr[NP_ENDPOINT_LEN + 128];
	char port[24];				/* "443/tcp"; "stream" for Unix */
};

static void endpoint(const struct sockaddr_storage *ss, socklen_t salen, int socktype,
		     const char *proto, struct endpoint *e)
{
	const struct sockaddr *sa = (const struct sockaddr *)ss;

	np_sockaddr_show(sa, salen, NP_SHOW_ADDRESS, NULL, e->addr, sizeof(e->addr));
	np_report_port(e->port, sizeof(e->port), sa, socktype, proto);
}

void np_text_round_probes(FILE *out, const struct np_target_result *r)
{
	struct endpoint e;

	for (size_t i = 0; i < r->nprobes; i++) {
		const struct np_probe_result *p = &r->probes[i];

		endpoint(&p->sa, p->salen, p->socktype, p->proto, &e);
		fprintf(out, "%s %s: seq=%lu %s time=%.3f ms", e.addr, e.port, r->seq,
			np_state_name(p->state), p->time_ms);
		if (p->err.set) {
			fputs(": ", out);
			np_report_escaped(out, p->err.message, NP_ESC_CTRL);
		}
		fputc('\n', out);
	}
}

void np_text_round_dns(FILE *out, const struct np_target_result *r)
{
	const struct np_dns_result *d = &r->dns;

	fprintf(out, "seq=%lu: dns %s in %.3f ms, %zu address%s", r->seq,
		np_dns_status_name(d->status), d->time_ms, d->naddrs, d->naddrs == 1 ? "" : "es");
	if (d->err.set) {
		fputs(": ", out);
		np_report_escaped(out, d->err.message, NP_ESC_CTRL);
	}
	fputc('\n', out);
}

void np_text_statistics(FILE *out, const struct np_target_result *r)
{
	const struct np_series *s = r->series;
	struct np_series_stat st;
	struct endpoint e;

	fputs("--- ", out);
	np_report_escaped(out, r->target->host, NP_ESC_C);
	fprintf(out, " statistics: %lu round%s ---\n", s->rounds_done,
		s->rounds_done == 1 ? "" : "s");
	for (size_t i = 0; i < s->nslots; i++) {
		const struct np_series_slot *sl = &s->slots[i];

		np_series_stat(sl, &st);
		endpoint(&sl->sa, sl->salen, sl->socktype, sl->proto, &e);
		fprintf(out, "%s %s: %lu sent, %lu open, %g%% loss", e.addr, e.port, st.sent, st.open,
			st.loss_percent);
		if (st.has_times)
			fprintf(out, ", time min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f ms", st.min_ms,
				st.avg_ms, st.max_ms, st.mdev_ms);
		fputc('\n', out);
	}
	if (s->slots_dropped)
		fprintf(out, "(%lu more address, port and protocol combinations not counted: at most "
			"%d)\n", s->slots_dropped, NP_SERIES_MAX_SLOTS);
}

/* The keys a probe is named by in rounds and statistics, in their order. */
static json_t *endpoint_json(const struct sockaddr_storage *ss, socklen_t salen, int socktype,
			     const char *proto)
{
	const struct sockaddr *sa = (const struct sockaddr *)ss;
	bool is_unix = sa->sa_family == AF_UNIX;
	struct endpoint e;

	endpoint(ss, salen, socktype, proto, &e);
	return np_json_checked(json_pack("{s:o, s:s, s:o, s:s, s:s}",
		"address", np_json_text(e.addr), "family", np_family_name(sa->sa_family),
		"port", is_unix ? json_null() : json_integer(np_sockaddr_port(sa)), "proto", proto,
		"socktype", socktype == SOCK_STREAM ? "stream" : "dgram"));
}

/* A round's keys, set into o (a bare round, or an ndjson event with its head). */
static json_t *round_json(json_t *o, unsigned long seq, double t_ms, json_t *dns,
			  json_t *probes)
{
	np_json_checked(o);
	json_object_set_new(o, "seq", json_integer((json_int_t)seq));
	json_object_set_new(o, "t_ms", np_json_ms(t_ms));
	json_object_set_new(o, "dns", dns);
	json_object_set_new(o, "probes", probes);
	return o;
}

static json_t *dns_json(enum np_dns_status status, double time_ms, json_t *addresses)
{
	return np_json_checked(json_pack("{s:s, s:o, s:o}", "status", np_dns_status_name(status),
					 "time_ms", np_json_ms(time_ms), "addresses", addresses));
}

static json_t *address_json(const struct sockaddr_storage *ss)
{
	char addr[NP_ENDPOINT_LEN];

	return json_string(np_sockaddr_address((const struct sockaddr *)ss, addr, sizeof(addr)));
}

static json_t *round_into(json_t *o, const struct np_target_result *r)
{
	json_t *probes = json_array(), *dns = json_null();

	if (r->series->last.resolved) {
		json_t *addrs = json_array();

		for (size_t i = 0; i < r->dns.naddrs; i++)
			json_array_append_new(addrs, address_json(&r->dns.addrs[i].sa));
		dns = dns_json(r->dns.status, r->dns.time_ms, addrs);
	}
	for (size_t i = 0; i < r->nprobes; i++) {
		const struct np_probe_result *p = &r->probes[i];
		json_t *e = endpoint_json(&p->sa, p->salen, p->socktype, p->proto);

		json_object_set_new(e, "state", json_string(np_state_name(p->state)));
		json_object_set_new(e, "time_ms", np_json_ms(p->time_ms));
		json_object_set_new(e, "error", np_json_error(&p->err, NP_JSON_ERRNO_LAST));
		json_array_append_new(probes, e);
	}
	return round_json(o, r->seq, r->series->last.t_ms, dns, probes);
}

json_t *np_json_round(const struct np_target_result *r)
{
	return round_into(json_object(), r);
}

json_t *np_json_round_event(const struct np_target_result *r)
{
	return round_into(json_pack("{s:s, s:o}", "type", "round", "input",
				    np_json_text(r->target->input)), r);
}

static json_t *kept_round_json(const struct np_series *s, const struct np_series_round *k)
{
	json_t *probes = json_array(), *dns = json_null();

	if (k->resolved) {
		json_t *addrs = json_array();

		for (size_t i = 0; i < k->naddrs; i++)
			json_array_append_new(addrs, address_json(&s->addrs[s->addr_refs[k->addr_off + i]]));
		dns = dns_json(k->dns_status, k->dns_time_ms, addrs);
	}
	for (size_t i = 0; i < k->nprobes; i++) {
		const struct np_series_probe *p = &s->probes[k->probe_off + i];
		const struct np_series_slot *sl = &s->slots[p->slot];
		json_t *o = endpoint_json(&sl->sa, sl->salen, sl->socktype, sl->proto);

		json_object_set_new(o, "state", json_string(np_state_name(p->state)));
		json_object_set_new(o, "time_ms", np_json_ms(p->time_us / 1000.0));
		json_array_append_new(probes, o);
	}
	return round_json(json_object(), k->seq, k->t_ms, dns, probes);
}

json_t *np_json_rounds(const struct np_series *s)
{
	json_t *a = np_json_checked(json_array());

	for (size_t i = 0; i < s->nrounds; i++)
		json_array_append_new(a, kept_round_json(s, &s->rounds[i]));
	return a;
}

static json_t *ms_or_null(bool has, double ms)
{
	return has ? np_json_ms(ms) : json_null();
}

json_t *np_json_statistics(const struct np_series *s)
{
	json_t *a = np_json_checked(json_array());
	struct np_series_stat st;

	for (size_t i = 0; i < s->nslots; i++) {
		const struct np_series_slot *sl = &s->slots[i];
		json_t *o = endpoint_json(&sl->sa, sl->salen, sl->socktype, sl->proto);

		np_series_stat(sl, &st);
		json_object_update_new(o, np_json_checked(json_pack(
			"{s:I, s:I, s:f, s:o, s:o, s:o, s:o}",
			"sent", (json_int_t)st.sent, "open", (json_int_t)st.open,
			"loss_percent", st.loss_percent,
			"min_ms", ms_or_null(st.has_times, st.min_ms),
			"avg_ms", ms_or_null(st.has_times, st.avg_ms),
			"max_ms", ms_or_null(st.has_times, st.max_ms),
			"mdev_ms", ms_or_null(st.has_times, st.mdev_ms))));
		json_array_append_new(a, o);
	}
	return a;
}

void np_json_add_series(json_t *target, const struct np_target_result *r)
{
	const struct np_series *s = r->series;

	json_object_set_new(target, "rounds", s ? np_json_rounds(s) : json_null());
	json_object_set_new(target, "rounds_dropped", json_integer(s ? (json_int_t)s->rounds_dropped : 0));
	json_object_set_new(target, "statistics", s ? np_json_statistics(s) : json_null());
}
