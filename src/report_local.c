/* Who listens, who can reach it, and the verdict: for people and for scripts. */
#include <config.h>
#include <math.h>
#include <netinet/in.h>
#include <string.h>
#include "escape.h"
#include "report.h"
#include "report_json.h"
#include "report_listen.h"
#include "report_local.h"
#include "sockaddr.h"

static const char *proto_name(int proto)
{
	return proto == IPPROTO_TCP ? "tcp" : "udp";
}

static const char *v6only_text(const struct np_local_socket *s)
{
	if (s->addr.ss_family != AF_INET6)
		return "";
	return s->v6only == 1 ? "  IPV6_V6ONLY=1" : s->v6only == 0 ? "  IPV6_V6ONLY=0" : "  IPV6_V6ONLY=?";
}

static void text_report(FILE *out, const struct np_local_result *r, int exit_code)
{
	char addr[NP_ENDPOINT_LEN], ifname[4 * IF_NAMESIZE + 1];

	fprintf(out, "port %u on this host (sockets from %s):\n", r->port, r->source);
	for (size_t i = 0; i < r->nsocks; i++) {
		const struct np_local_socket *s = &r->socks[i];

		fprintf(out, "  %s  %-4s  %-28s%s  uid %ld", proto_name(s->proto),
			np_family_name(s->addr.ss_family),
			np_sockaddr_endpoint((const struct sockaddr *)&s->addr, addr, sizeof(addr)),
			v6only_text(s), s->uid);
		if (s->pid >= 0) {	/* any user names a process as it likes: escaped */
			fprintf(out, "  pid %ld (", s->pid);
			np_escape_fputs(s->comm, NP_ESC_C, out);
			fputc(')', out);
		}
		fprintf(out, "  %s\n", np_bind_scope((const struct sockaddr *)&s->addr));
	}
	if (r->nreach)
		fprintf(out, "reachable from this host:\n");
	for (size_t i = 0; i < r->nreach; i++) {
		const struct np_local_reach *x = &r->reach[i];

		fprintf(out, "  %-8s %-28s tcp %-3s udp %s",
			np_escape_str(x->ifname, NP_ESC_C, ifname, sizeof(ifname)),
			np_sockaddr_address((const struct sockaddr *)&x->probe.sa, addr, sizeof(addr)),
			x->tcp_accepts ? "yes" : "no", x->udp_accepts ? "yes" : "no ");
		if (x->probed)
			fprintf(out, "  connect: %s %.3f ms", np_state_name(x->probe.state),
				x->probe.time_ms);
		fputc('\n', out);
	}
	fprintf(out, "verdict: %s\n", r->verdict);
}

static json_t *local_socket_json(const struct np_local_socket *s)
{
	char addr[INET6_ADDRSTRLEN];
	const struct sockaddr *sa = (const struct sockaddr *)&s->addr;

	return json_pack("{s:s, s:s, s:s, s:i, s:o, s:s, s:I, s:I, s:o, s:o}",
		"proto", proto_name(s->proto), "family", np_family_name(sa->sa_family),
		"address", np_sockaddr_address(sa, addr, sizeof(addr)), "port", np_sockaddr_port(sa),
		"v6only", s->v6only < 0 ? json_null() : json_boolean(s->v6only),
		"scope", np_bind_scope(sa), "uid", (json_int_t)s->uid, "inode", (json_int_t)s->inode,
		"pid", s->pid < 0 ? json_null() : json_integer(s->pid),
		"process", s->pid < 0 ? json_null() : np_json_text(s->comm));
}

static json_t *reach_json(const struct np_local_reach *x)
{
	char addr[INET6_ADDRSTRLEN];
	const struct sockaddr *sa = (const struct sockaddr *)&x->probe.sa;
	json_t *probe = json_null();

	if (x->probed)
		probe = json_pack("{s:s, s:f, s:o}", "state", np_state_name(x->probe.state),
				  "time_ms", round(x->probe.time_ms * 1000) / 1000,
				  "error", x->probe.err.set ? json_pack("{s:s, s:i, s:s}", "code",
					x->probe.err.code, "errno", x->probe.err.errnum, "message",
					x->probe.err.message) : json_null());
	if (x->probed && x->probe.err.set && !x->probe.err.errnum)	/* no system call failed */
		json_object_set_new(json_object_get(probe, "error"), "errno", json_null());
	return json_pack("{s:o, s:s, s:s, s:b, s:b, s:o}", "interface", np_json_text(x->ifname),
		"family", np_family_name(sa->sa_family), "address",
		np_sockaddr_address(sa, addr, sizeof(addr)), "tcp_accepts", x->tcp_accepts,
		"udp_accepts", x->udp_accepts, "tcp_connect", probe);
}

json_t *np_json_local(const struct np_local_result *r, int exit_code)
{
	json_t *socks = json_array(), *reach = json_array();

	for (size_t i = 0; i < r->nsocks; i++)
		json_array_append_new(socks, np_json_checked(local_socket_json(&r->socks[i])));
	for (size_t i = 0; i < r->nreach; i++)
		json_array_append_new(reach, np_json_checked(reach_json(&r->reach[i])));
	return json_pack("{s:i, s:s, s:s, s:i, s:s, s:o, s:o, s:{s:s, s:s?, s:s}, s:i}",
		"schema_version", 1, "netprobe_version", PACKAGE_VERSION, "command", "local",
		"port", r->port, "source", r->source, "sockets", socks, "reachability", reach,
		"verdict", "kind", np_local_kind_name(r->kind), "proto", r->nsocks ? proto_name(r->kind_proto) : NULL,
		"message", r->verdict, "exit_code", exit_code);
}

static void json_report(FILE *out, const struct np_local_result *r, int exit_code)
{
	json_t *doc = np_json_checked(np_json_local(r, exit_code));

	json_dumpf(doc, out, JSON_INDENT(2) | JSON_REAL_PRECISION(12));
	fputc('\n', out);
	json_decref(doc);
}

static const struct np_local_reporter local_reporters[] = {
	{ "text", text_report },
	{ "json", json_report },
};

const struct np_local_reporter *np_local_reporter_find(const char *name)
{
	for (size_t i = 0; i < sizeof(local_reporters) / sizeof(local_reporters[0]); i++)
		if (strcmp(local_reporters[i].name, name) == 0)
			return &local_reporters[i];
	return NULL;
}
