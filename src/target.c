/* Target parsing and validation: every bad input is refused here with one line. */
#include <config.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dnsmsg.h"
#include "sockaddr.h"
#include "target.h"

#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

int np_parse_port(const char *s, uint16_t *port, char *err, size_t errlen)
{
	if (!*s)
		FAIL("empty port: give a number from 1 to 65535 or a service name");
	if (isdigit((unsigned char)*s)) {
		char *end;
		unsigned long v;

		errno = 0;
		v = strtoul(s, &end, 10);
		if (*end || errno)
			FAIL("bad port '%s': give a number from 1 to 65535 or a service name", s);
		if (v == 0 || v > 65535)
			FAIL("port %s is out of range: ports run from 1 to 65535", s);
		*port = (uint16_t)v;
		return 0;
	}
	/* glibc reads /etc/services anew for each getservbyname (setservent(1)
	 * does not keep it open for them): a --file of `HOST https` lines keeps
	 * the last answer instead (netprobe is single-threaded). */
	static char last_name[32];
	static uint16_t last_port;

	if (last_port && strcmp(s, last_name) == 0) {
		*port = last_port;
		return 0;
	}
	struct servent *se = getservbyname(s, "tcp");

	if (!se)
		se = getservbyname(s, "udp");
	if (!se)
		FAIL("unknown service '%s': not a port number and not in /etc/services", s);
	*port = ntohs((uint16_t)se->s_port);
	if (strlen(s) < sizeof(last_name)) {
		strcpy(last_name, s);
		last_port = *port;
	}
	return 0;
}

/* Raw bytes a shell user cannot mean in a name (write them as \\DDD), then the
 * name as a server reads it: wire form, 255 octets, 63 per label, root "." ok. */
int np_check_hostname(const char *name, char *err, size_t errlen)
{
	uint8_t wire[256];
	size_t wlen;
	int rc;

	if (!*name)
		FAIL("empty host name");
	for (size_t i = 0; name[i]; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c <= ' ' || c >= 0x7f)
			FAIL("host name contains a %s byte (0x%02x) at offset %zu (write it as \\%03u)",
			     c == ' ' ? "space" : "non-printable", c, i, c);
	}
	rc = np_dns_name_to_wire(name, wire, sizeof(wire), &wlen);
	if (rc != NP_DNS_OK)
		FAIL("bad name (%s): '%s'", np_dns_strerror(rc), name);
	return 0;
}

static bool is_literal(const char *host, struct np_target *t)
{
	if (inet_pton(AF_INET, host, &t->literal.v4) == 1)
		t->literal_family = AF_INET;
	else if (inet_pton(AF_INET6, host, &t->literal.v6) == 1)
		t->literal_family = AF_INET6;
	return t->literal_family != 0;
}

static int add_port(struct np_target *t, uint16_t port, const char *s, char *err,
		    size_t errlen)
{
	for (size_t i = 0; i < t->nports; i++)
		if (t->ports[i] == port)
			return 0;	/* asked twice, probed once */
	if (t->nports == NP_MAX_PORTS)
		FAIL("too many ports at '%s': at most %d per target", s, NP_MAX_PORTS);
	t->ports[t->nports++] = port;
	return 0;
}

/* FIRST-LAST, both numbers (a service name may hold a '-': ms-sql-s). */
static int add_range(struct np_target *t, const char *s, const char *dash, char *err,
		     size_t errlen)
{
	char first[8];
	uint16_t lo, hi;
	size_t n = (size_t)(dash - s);

	if (n == 0 || n >= sizeof(first) || !isdigit((unsigned char)dash[1]))
		FAIL("bad port range '%s': write FIRST-LAST, as 8000-8010", s);
	memcpy(first, s, n);
	first[n] = '\0';
	if (np_parse_port(first, &lo, err, errlen) < 0 || np_parse_port(dash + 1, &hi, err, errlen) < 0)
		return -1;
	if (lo > hi)
		FAIL("bad port range '%s': the first port is above the last", s);
	if ((size_t)(hi - lo) >= NP_MAX_PORTS)
		FAIL("port range '%s' has %u ports: at most %d per target", s, hi - lo + 1u,
		     NP_MAX_PORTS);
	for (unsigned p = lo; p <= hi; p++)
		if (add_port(t, (uint16_t)p, s, err, errlen) < 0)
			return -1;
	return 0;
}

int np_parse_ports(const char *s, struct np_target *t, char *err, size_t errlen)
{
	char item[64];

	if (!*s)
		FAIL("empty port: give a number from 1 to 65535 or a service name");
	while (*s) {
		const char *comma = strchr(s, ',');
		size_t n = comma ? (size_t)(comma - s) : strlen(s);
		const char *dash;
		uint16_t port;

		if (n == 0)
			FAIL("empty port in a list: write 80,443");
		if (n >= sizeof(item))
			FAIL("bad port '%.*s...': give a number from 1 to 65535 or a service name",
			     20, s);
		memcpy(item, s, n);
		item[n] = '\0';
		dash = strchr(item, '-');
		if (dash && isdigit((unsigned char)item[0])) {
			if (add_range(t, item, dash, err, errlen) < 0)
				return -1;
		} else if (np_parse_port(item, &port, err, errlen) < 0 ||
			   add_port(t, port, item, err, errlen) < 0) {
			return -1;
		}
		s += n;
		if (*s == ',' && !*++s)
			FAIL("empty port at the end of a list: write 80,443");
	}
	return 0;
}

bool np_target_word_is_target(const char *w)
{
	const char *colon = strchr(w, ':');

	if (strncmp(w, "unix:", 5) == 0)
		return true;
	if (w[0] == '[')
		return strstr(w, "]:") != NULL;
	return colon && strchr(colon + 1, ':') == NULL;	/* exactly one: host:port */
}

static int set_host(struct np_target *t, const char *s, size_t len, char *err, size_t errlen)
{
	if (len >= sizeof(t->host))
		FAIL("host name is %zu characters long: DNS names are at most 255 octets", len);
	memcpy(t->host, s, len);
	t->host[len] = '\0';
	if (is_literal(t->host, t))
		return 0;
	if (strchr(t->host, ':'))
		FAIL("'%s' is not a valid IPv6 address", t->host);
	return np_check_hostname(t->host, err, errlen);
}

/* Split the first word into host and an optional inline port. */
static int parse_hostspec(const char *spec, struct np_target *t, char *err, size_t errlen)
{
	const char *colon = strrchr(spec, ':');

	if (spec[0] == '[') {
		const char *close = strchr(spec, ']');

		if (!close)
			FAIL("'%s': missing ']' after the IPv6 address", spec);
		if (set_host(t, spec + 1, (size_t)(close - spec - 1), err, errlen) < 0)
			return -1;
		if (t->literal_family != AF_INET6)
			FAIL("'%s': brackets are for IPv6 addresses only", spec);
		if (close[1] == '\0')
			return 0;
		if (close[1] != ':')
			FAIL("'%s': expected ':PORT' after ']'", spec);
		return np_parse_ports(close + 2, t, err, errlen);
	}
	if (colon && strchr(spec, ':') == colon) {	/* exactly one colon: host:port */
		if (set_host(t, spec, (size_t)(colon - spec), err, errlen) < 0)
			return -1;
		return np_parse_ports(colon + 1, t, err, errlen);
	}
	return set_host(t, spec, strlen(spec), err, errlen);	/* name or bare IPv6 */
}

int np_parse_target(int argc, char *const argv[], struct np_target *t, char *err, size_t errlen)
{
	size_t used = 0;

	*t = (struct np_target){ 0 };
	if (argc < 1)
		FAIL("missing host: netprobe HOST PORT (see --help)");
	for (int i = 0; i < argc && used < sizeof(t->input); i++)
		used += (size_t)snprintf(t->input + used, sizeof(t->input) - used, "%s%s",
					 i ? " " : "", argv[i]);
	if (strncmp(argv[0], "unix:", 5) == 0) {
		if (argc > 1)
			FAIL("'%s' is a Unix-domain socket: it has no port ('%s')", argv[0], argv[1]);
		if (np_sockaddr_unix(argv[0] + 5, &t->unix_sa, &t->unix_len, err, errlen) < 0)
			return -1;
		snprintf(t->host, sizeof(t->host), "%.*s", (int)(sizeof(t->host) - 1), argv[0] + 5);
		t->is_unix = true;
		return 0;
	}
	if (parse_hostspec(argv[0], t, err, errlen) < 0)
		return -1;
	for (int i = 1; i < argc; i++)
		if (np_parse_ports(argv[i], t, err, errlen) < 0)
			return -1;
	if (t->nports == 0)
		FAIL("missing port for '%s': netprobe HOST PORT, HOST:PORT or [IPV6]:PORT", argv[0]);
	return 0;
}

int np_parse_server(const char *s, struct sockaddr_storage *ss, socklen_t *len,
		    char *err, size_t errlen)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *port = NULL, *input = s;	/* messages quote what the user wrote */
	uint16_t portnum = 53;
	size_t hlen;
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close || (close[1] && close[1] != ':'))
			FAIL("bad DNS server '%s': write [IPV6]:PORT", s);
		hlen = (size_t)(close - s - 1);
		s++;
		port = close[1] ? close + 2 : NULL;
	} else {
		const char *colon = strchr(s, ':');

		if (colon && strchr(colon + 1, ':'))	/* bare IPv6 */
			colon = NULL;
		hlen = colon ? (size_t)(colon - s) : strlen(s);
		port = colon ? colon + 1 : NULL;
	}
	if (hlen == 0)
		FAIL("bad DNS server '%s': the address is empty: give an IPv4 or IPv6 address", input);
	if (hlen >= sizeof(host))
		FAIL("bad DNS server '%s': give an IPv4 or IPv6 address", input);
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	if (port && np_parse_port(port, &portnum, err, errlen) < 0)
		return -1;
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(portnum);
		*len = sizeof(*sin);
	} else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(portnum);
		*len = sizeof(*sin6);
	} else {
		FAIL("bad DNS server '%s': give an IPv4 or IPv6 address, not a name", host);
	}
	return 0;
}
