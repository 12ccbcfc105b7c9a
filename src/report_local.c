/* Who listens, who can reach it, and the verdict: for people and for scripts.
 * The verdict's words live in words.c; local.c gives its kind and the facts. */
#include <config.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include "escape.h"
#include "report.h"
#include "report_json.h"
#include "report_listen.h"
#include "report_local.h"
#include "sockaddr.h"
#include "words.h"

static const char *proto_name(int proto)
{
	return proto == IPPROTO_TCP ? "tcp" : "udp";
}

/* "[fe80::5%eth0]:80", "127.0.0.1:80": the bound endpoint with its zone. */
static const char *socket_endpoint(const struct np_local_socket *s, char *buf, size_t len)
{
	const struct sockaddr *sa = (const struct sockaddr *)&s->addr;

	return np_sockaddr_show(sa, 0, NP_SHOW_ENDPOINT, np_sockaddr_zone(sa, s->bound_ifname), buf, len);
}

/* IPV6_V6ONLY and where it came from: only sock_diag reads it from the kernel. */
static void print_v6only(FILE *out, const struct np_local_result *r, const struct np_local_socket *s)
{
	char a[INET6_ADDRSTRLEN];
	const struct np_local_reach *x;

	if (s->addr.ss_family != AF_INET6)
		return;
	if (s->v6only < 0) {
		fprintf(out, "  IPV6_V6ONLY=?");
		return;
	}
	fprintf(out, "  IPV6_V6ONLY=%d", s->v6only);
	if (s->v6only_source != NP_V6ONLY_INFERRED)
		return;
	x = &r->reach[s->v6only_evidence];
	fprintf(out, " (inferred from a connect to %s: %s)",
		np_sockaddr_address((const struct sockaddr *)&x->probe.sa, a, sizeof(a)),
		np_state_name(x->probe.state));
}

static void text_report(FILE *out, const struct np_local_result *r, int exit_code)
{
	char addr[NP_ENDPOINT_LEN + IF_NAMESIZE], verdict[1024], ifname[4 * IF_NAMESIZE + 1];

	fprintf(out, "port %u on this host (sockets from %s):\n", r->port, r->source);
	for (size_t i = 0; i < r->nsocks; i++) {
		const struct np_local_socket *s = &r->socks[i];

		fprintf(out, "  %s  %-4s  %-28s", proto_name(s->proto),
			np_family_name(s->addr.ss_family), socket_endpoint(s, addr, sizeof(addr)));
		print_v6only(out, r, s);
		fprintf(out, "  uid %ld", s->uid);
		if (s->pid >= 0) {	/* any user names a process as it likes: escaped */
			fprintf(out, "  pid %ld (", s->pid);
			np_report_escaped(out, s->comm, NP_ESC_C);
			fputc(')', out);
		}
		fprintf(out, "  %s\n", np_bind_scope((const struct sockaddr *)&s->addr));
	}
	if (r->nreach)
		fprintf(out, "reachable from this host:\n");
	for (size_t i = 0; i < r->nreach; i++) {
		const struct np_local_reach *x = &r->reach[i];
		const struct sockaddr *sa = (const struct sockaddr *)&x->probe.sa;
		bool ll = np_sockaddr_scope(sa) == NP_SCOPE_LINK_LOCAL;

		fprintf(out, "  %-8s %-28s tcp %-3s udp %s",
			np_escape_str(x->ifname, NP_ESC_C, ifname, sizeof(ifname)),
			np_sockaddr_show(sa, 0, NP_SHOW_ADDRESS, np_sockaddr_zone(sa, ll ? x->ifname : ""),
					 addr, sizeof(addr)),
			x->tcp_accepts ? "yes" : "no", x->udp_accepts ? "yes" : "no ");
		if (x->probed)
			fprintf(out, "  connect: %s %.3f ms", np_state_name(x->probe.state),
				x->probe.time_ms);
		fputc('\n', out);
	}
	fprintf(out, "verdict: %s\n", np_words_local_verdict(r, verdict, sizeof(verdict)));
}

static const char *v6only_source_name(enum np_v6only_source src)
{
	return src == NP_V6ONLY_SOCK_DIAG ? "sock_diag"
		: src == NP_V6ONLY_INFERRED ? "inferred_from_connect" : NULL;
}

/* Where IPV6_V6ONLY came from, and for an inferred one the connect that told. */
static void v6only_json(json_t *o, const struct np_local_result *r, const struct np_local_socket *s)
{
	char a[INET6_ADDRSTRLEN];
	const char *src = v6only_source_name(s->v6only_source);
	json_t *evidence = json_null();

	if (s->v6only_source == NP_V6ONLY_INFERRED) {
		const struct np_local_reach *x = &r->reach[s->v6only_evidence];

		evidence = json_pack("{s:s, s:s}", "address",
			np_sockaddr_address((const struct sockaddr *)&x->probe.sa, a, sizeof(a)),
			"state", np_state_name(x->probe.state));
	}
	json_object_set_new(o, "v6only_source", src ? json_string(src) : json_null());
	json_object_set_new(o, "v6only_evidence", evidence);
}

static json_t *local_socket_json(const struct np_local_result *r, const struct np_local_socket *s)
{
	char addr[INET6_ADDRSTRLEN];
	const struct sockaddr *sa = (const struct sockaddr *)&s->addr;
	json_t *o = json_pack("{s:s, s:s, s:s, s:i, s:o, s:s, s:I, s:I, s:o, s:o}",
		"proto", proto_name(s->proto), "family", np_family_name(sa->sa_family),
		"address", np_sockaddr_address(sa, addr, sizeof(addr)), "port", np_sockaddr_port(sa),
		"v6only", s->v6only < 0 ? json_null() : json_boolean(s->v6only),
		"scope", np_bind_scope(sa), "uid", (json_int_t)s->uid, "inode", (json_int_t)s->inode,
		"pid", s->pid < 0 ? json_null() : json_integer(s->pid),
		"process", s->pid < 0 ? json_null() : np_json_text(s->comm));

	v6only_json(o, r, s);
	json_object_set_new(o, "interface", s->bound_ifname[0] ? np_json_text(s->bound_ifname)
							   : json_null());
	return o;
}

static json_t *reach_json(const struct np_local_reach *x)
{
	char addr[INET6_ADDRSTRLEN];
	const struct sockaddr *sa = (const struct sockaddr *)&x->probe.sa;
	json_t *probe = json_null();

	if (x->probed)
		probe = json_pack("{s:s, s:o, s:o}", "state", np_state_name(x->probe.state),
				  "time_ms", np_json_ms(x->probe.time_ms),
				  "error", np_json_error(&x->probe.err, NP_JSON_ERRNO_SECOND));
	return json_pack("{s:o, s:s, s:s, s:b, s:b, s:o}", "interface", np_json_text(x->ifname),
		"family", np_family_name(sa->sa_family), "address",
		np_sockaddr_address(sa, addr, sizeof(addr)), "tcp_accepts", x->tcp_accepts,
		"udp_accepts", x->udp_accepts, "tcp_connect", probe);
}

json_t *np_json_local(const struct np_local_result *r, int exit_code)
{
	json_t *socks = json_array(), *reach = json_array();
	char verdict[1024];

	for (size_t i = 0; i < r->nsocks; i++)
		json_array_append_new(socks, np_json_checked(local_socket_json(r, &r->socks[i])));
	for (size_t i = 0; i < r->nreach; i++)
		json_array_append_new(reach, np_json_checked(reach_json(&r->reach[i])));
	return np_json_envelope("local", NULL, json_pack(
		"{s:i, s:s, s:o, s:o, s:{s:s, s:s?, s:s, s:b, s:b, s:b}}",
		"port", r->port, "source", r->source, "sockets", socks, "reachability", reach,
		"verdict", "kind", np_local_kind_name(r->kind),
		"proto", r->nsocks ? proto_name(r->kind_proto) : NULL,
		"message", np_words_local_verdict(r, verdict, sizeof(verdict)),
		"localhost_ipv4", r->localhost4, "localhost_ipv6", r->localhost6,
		"v6only_assumed", r->v6only_assumed), exit_code);
}

static void json_report(FILE *out, const struct np_local_result *r, int exit_code)
{
	json_t *doc = np_json_checked(np_json_local(r, exit_code));

	np_json_print(out, doc, false);
	json_decref(doc);
}

const struct np_local_reporter np_local_reporters[NP_FORMAT_END] = {
	[NP_FORMAT_TEXT] = { text_report },
	[NP_FORMAT_JSON] = { json_report },
};
