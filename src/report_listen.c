/* What the server saw, for people (text) and scripts (ndjson). The words explain
 * the seed's special addresses: loopback reaches this host only, INADDR_ANY and
 * in6addr_any every interface. */
#include <config.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/un.h>
#include "hexdump.h"
#include "report_json.h"
#include "report_listen.h"
#include "signals.h"
#include "sockaddr.h"
#include "words.h"

static const char *const kinds[] = {
	[NP_LE_LISTENING] = "listening", [NP_LE_ACCEPTED] = "accepted",
	[NP_LE_REJECTED] = "rejected", [NP_LE_DATAGRAM] = "datagram",
	[NP_LE_CLOSED] = "closed", [NP_LE_FD_LIMIT] = "fd_limit", [NP_LE_SUMMARY] = "summary",
};

const char *np_bind_scope(const struct sockaddr *sa)
{
	/* a link-local address is one address; a Unix path is this host only, by
	 * file permissions */
	static const char *const names[] = {
		[NP_SCOPE_ADDRESS] = "address", [NP_SCOPE_WILDCARD] = "all_interfaces",
		[NP_SCOPE_LOOPBACK] = "loopback", [NP_SCOPE_LINK_LOCAL] = "address",
		[NP_SCOPE_UNIX] = "local",
	};
	return names[np_sockaddr_scope(sa)];
}

static const char *proto_of(const struct np_listen_event *ev)
{
	return ev->local && ev->local->sa_family == AF_UNIX ? "unix"
		: ev->socktype == SOCK_STREAM ? "tcp" : "udp";
}

static void text_scope(FILE *out, const struct np_listen_event *ev)
{
	enum np_scope scope = np_sockaddr_scope(ev->local);
	const char *scope_words = np_words_bind_scope(scope, ev->local->sa_family);
	const char *v6only_words = np_words_v6only(ev->v6only, scope);

	if (scope_words)
		fprintf(out, "    %s\n", scope_words);
	if (v6only_words)
		fprintf(out, "    %s\n", v6only_words);
	if (ev->removed_stale)
		fprintf(out, "    removed a stale socket file nobody listened on\n");
}

static void text_dump(FILE *out, const struct sockaddr *sa, socklen_t len)
{
	static const struct np_hex_style row = { .sep = " ", .max = 16, .more = " ..." };
	struct np_sa_dump d;
	char hex[16 * 3 + 4];

	if (!sa || len <= sizeof(sa_family_t) || np_sockaddr_dump(sa, len, &d) < 0)
		return;
	fprintf(out, "    %s, %zu bytes as accept()/recvfrom() filled them in:\n", d.type, d.length);
	for (size_t i = 0; i < d.nfields; i++) {
		const struct np_sa_field *f = &d.fields[i];

		np_hex_format(d.bytes + f->offset, f->size, &row, hex, sizeof(hex));
		fprintf(out, "      +%-3zu%s%s  %s = ", f->offset, f->size ? " " : "", hex, f->name);
		if (f->has_number)
			fprintf(out, "%llu", (unsigned long long)f->number);
		else
			fprintf(out, "%s", f->text[0] ? f->text : "0");
		fprintf(out, " (%s)\n", f->order == NP_ORDER_NETWORK ? "network byte order"
			: f->order == NP_ORDER_HOST ? "host byte order" : "no byte order");
	}
}

static void text_fd_limit(FILE *out, const struct np_listen_event *ev)
{
	fprintf(out, "fd limit: accept() failed: %s (%s) with %lu client%s open, ", ev->err.message,
		ev->err.code, ev->clients, ev->clients == 1 ? "" : "s");
	if (ev->fd_limit >= 0)
		fprintf(out, "limit %ld descriptors (ulimit -n): ", ev->fd_limit);
	if (ev->paused)
		fprintf(out, "no spare descriptor, accepting paused for %.0f ms at a time\n",
			ev->pause_ms);
	else
		fprintf(out, "waiting clients are accepted on a spare descriptor and closed at once "
			"until one leaves\n");
}

static int text_event(FILE *out, bool dump, const struct np_listen_event *ev)
{
	char lbuf[NP_ENDPOINT_LEN + 128], pbuf[NP_ENDPOINT_LEN + 128];
	const char *local = ev->local ? np_sockaddr_show(ev->local, ev->local_len, NP_SHOW_ENDPOINT,
							 NULL, lbuf, sizeof(lbuf)) : "";
	const char *peer = ev->peer ? np_sockaddr_show(ev->peer, ev->peer_len, NP_SHOW_ENDPOINT,
						       NULL, pbuf, sizeof(pbuf)) : "";

	switch (ev->kind) {
	case NP_LE_LISTENING:
		if (ev->local->sa_family == AF_UNIX)
			fprintf(out, "listening on unix:%s (%s): socket, bind%s\n", local,
				ev->socktype == SOCK_STREAM ? "stream" : "datagram",
				ev->socktype == SOCK_STREAM ? ", listen" : "");
		else
			fprintf(out, "listening on %s/%s: socket, bind%s\n", local, proto_of(ev),
				ev->socktype == SOCK_STREAM ? ", listen" : "");
		text_scope(out, ev);
		break;
	case NP_LE_ACCEPTED:
	case NP_LE_REJECTED:
		fprintf(out, "#%lu %s from %s on %s", ev->id, kinds[ev->kind], peer, local);
		if (ev->peer_pid >= 0)
			fprintf(out, " (peer pid %ld, uid %ld)", ev->peer_pid, ev->peer_uid);
		fprintf(out, "%s%s\n", ev->reason ? ": " : "",
			ev->reason ? np_words_listen_reason(ev->reason) : "");
		if (dump)
			text_dump(out, ev->peer, ev->peer_len);
		break;
	case NP_LE_DATAGRAM:
		fprintf(out, "#%lu datagram of %zu byte%s from %s on %s, answered %zu\n", ev->id,
			ev->bytes_in, ev->bytes_in == 1 ? "" : "s", peer, local, ev->bytes_out);
		if (dump)
			text_dump(out, ev->peer, ev->peer_len);
		break;
	case NP_LE_CLOSED:
		fprintf(out, "#%lu closed %s after %.3f ms: %s; %zu bytes in, %zu out\n", ev->id, peer,
			ev->duration_ms, np_words_listen_reason(ev->reason), ev->bytes_in,
			ev->bytes_out);
		break;
	case NP_LE_FD_LIMIT:
		text_fd_limit(out, ev);
		break;
	case NP_LE_SUMMARY:
		fprintf(out, "summary: %lu client%s, %lu rejected, %lu datagram%s, %zu bytes in, "
			"%zu out, %.3f s; ", ev->clients, ev->clients == 1 ? "" : "s", ev->rejected,
			ev->datagrams, ev->datagrams == 1 ? "" : "s", ev->bytes_in, ev->bytes_out,
			ev->t_ms / 1000.0);
		if (ev->signal)
			fprintf(out, "stopped by %s\n", np_signal_name(ev->signal));
		else
			fprintf(out, "stopped after --count\n");
		break;
	}
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

static json_t *endpoint_json(const struct sockaddr *sa, socklen_t len)
{
	char buf[NP_ENDPOINT_LEN + 128];

	if (!sa)
		return json_null();
	if (sa->sa_family == AF_UNIX || len <= sizeof(sa_family_t))	/* unnamed Unix peer */
		return json_pack("{s:s, s:s, s:n}", "family", "unix", "address",
				 len <= sizeof(sa_family_t) ? "" : np_sockaddr_unix_path(sa, len, buf,
											  sizeof(buf)),
				 "port");
	return json_pack("{s:s, s:s, s:i}", "family", np_family_name(sa->sa_family), "address",
			 np_sockaddr_address(sa, buf, sizeof(buf)), "port", np_sockaddr_port(sa));
}

json_t *np_json_listen_event(const struct np_listen_event *ev)
{
	json_t *o = json_pack("{s:s, s:o, s:s}", "event", kinds[ev->kind],
			      "t_ms", np_json_ms(ev->t_ms), "proto", proto_of(ev));

	json_object_set_new(o, "local", endpoint_json(ev->local, ev->local_len));
	switch (ev->kind) {
	case NP_LE_LISTENING:
		json_object_set_new(o, "scope", json_string(np_bind_scope(ev->local)));
		json_object_set_new(o, "v6only", ev->v6only < 0 ? json_null() : json_boolean(ev->v6only));
		json_object_set_new(o, "backlog", ev->socktype == SOCK_STREAM ? json_integer(ev->backlog)
										: json_null());
		json_object_set_new(o, "removed_stale", json_boolean(ev->removed_stale));
		json_object_set_new(o, "sockaddr", np_json_sockaddr(ev->local, ev->local_len));
		break;
	case NP_LE_ACCEPTED:
	case NP_LE_REJECTED:
	case NP_LE_DATAGRAM:
		json_object_set_new(o, "id", json_integer((json_int_t)ev->id));
		json_object_set_new(o, "peer", endpoint_json(ev->peer, ev->peer_len));
		json_object_set_new(o, "peer_sockaddr", ev->peer_len > sizeof(sa_family_t)
				    ? np_json_sockaddr(ev->peer, ev->peer_len) : json_null());
		json_object_set_new(o, "peer_pid", ev->peer_pid < 0 ? json_null() : json_integer(ev->peer_pid));
		json_object_set_new(o, "peer_uid", ev->peer_uid < 0 ? json_null() : json_integer(ev->peer_uid));
		if (ev->kind == NP_LE_DATAGRAM) {
			json_object_set_new(o, "bytes_in", json_integer((json_int_t)ev->bytes_in));
			json_object_set_new(o, "bytes_out", json_integer((json_int_t)ev->bytes_out));
		}
		json_object_set_new(o, "reason", ev->reason ? json_string(np_words_listen_reason(
					    ev->reason)) : json_null());
		break;
	case NP_LE_CLOSED:
		json_object_set_new(o, "id", json_integer((json_int_t)ev->id));
		json_object_set_new(o, "peer", endpoint_json(ev->peer, ev->peer_len));
		json_object_set_new(o, "reason", json_string(np_words_listen_reason(ev->reason)));
		json_object_set_new(o, "error", np_json_error(&ev->err, NP_JSON_ERRNO_SECOND));
		json_object_set_new(o, "bytes_in", json_integer((json_int_t)ev->bytes_in));
		json_object_set_new(o, "bytes_out", json_integer((json_int_t)ev->bytes_out));
		json_object_set_new(o, "duration_ms", np_json_ms(ev->duration_ms));
		break;
	case NP_LE_FD_LIMIT:
		json_object_set_new(o, "error", np_json_error(&ev->err, NP_JSON_ERRNO_SECOND));
		json_object_set_new(o, "limit", ev->fd_limit < 0 ? json_null()
				    : json_integer(ev->fd_limit));
		json_object_set_new(o, "clients_open", json_integer((json_int_t)ev->clients));
		json_object_set_new(o, "action", json_string(ev->paused ? "pause" : "reject"));
		json_object_set_new(o, "pause_ms", ev->paused ? np_json_ms(ev->pause_ms) : json_null());
		break;
	case NP_LE_SUMMARY:
		json_object_set_new(o, "clients", json_integer((json_int_t)ev->clients));
		json_object_set_new(o, "rejected", json_integer((json_int_t)ev->rejected));
		json_object_set_new(o, "datagrams", json_integer((json_int_t)ev->datagrams));
		json_object_set_new(o, "bytes_in", json_integer((json_int_t)ev->bytes_in));
		json_object_set_new(o, "bytes_out", json_integer((json_int_t)ev->bytes_out));
		json_object_set_new(o, "signal", !ev->signal ? json_null()
				    : json_string(np_signal_name(ev->signal)));
		break;
	}
	return o;
}

static int ndjson_event(FILE *out, bool dump, const struct np_listen_event *ev)
{
	json_t *o = np_json_listen_event(ev);

	np_json_print(out, o, true);
	json_decref(o);
	/* a script reads each event as it happens */
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

const struct np_listen_reporter np_listen_reporters[NP_FORMAT_END] = {
	[NP_FORMAT_TEXT] = { text_event },
	[NP_FORMAT_NDJSON] = { ndjson_event },
	[NP_FORMAT_JSON] = { ndjson_event },	/* a server streams: one object per line either way */
};
