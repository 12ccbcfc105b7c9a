/* Network byte order made visible: sockaddr_in and sockaddr_in6 field by field.
 * sin_family is host order (it never goes on the wire); ports, addresses and the
 * flow label are network order, which is why connect() needs htons()/htonl(). */
#include <config.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>
#include "escape.h"
#include "sockaddr.h"

static struct np_sa_field *field(struct np_sa_dump *d, const char *name, size_t off,
				 size_t size, enum np_byte_order order)
{
	struct np_sa_field *f = &d->fields[d->nfields++];

	*f = (struct np_sa_field){ .name = name, .offset = off, .size = size, .order = order };
	return f;
}

static void number(struct np_sa_field *f, uint64_t v)
{
	f->has_number = true;
	f->number = v;
}

static void family_field(struct np_sa_dump *d, const char *name, sa_family_t fam)
{
	struct np_sa_field *f = field(d, name, 0, sizeof(sa_family_t), NP_ORDER_HOST);

	number(f, fam);
	snprintf(f->text, sizeof(f->text), "%s",
		 fam == AF_INET ? "AF_INET" : fam == AF_INET6 ? "AF_INET6" : "AF_UNIX");
}

int np_sockaddr_dump(const struct sockaddr *sa, socklen_t salen, struct np_sa_dump *d)
{
	*d = (struct np_sa_dump){ .bytes = (const uint8_t *)sa };
	if (sa->sa_family == AF_UNIX) {
		struct np_sa_field *f;
		size_t off = offsetof(struct sockaddr_un, sun_path);

		d->type = "sockaddr_un";
		d->length = salen;
		family_field(d, "sun_family", sa->sa_family);
		f = field(d, "sun_path", off, salen > off ? salen - off : 0, NP_ORDER_NONE);
		np_sockaddr_unix_path(sa, salen, f->text, sizeof(f->text));
		return 0;
	}
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		struct np_sa_field *f;

		d->type = "sockaddr_in";
		d->length = sizeof(*in);
		family_field(d, "sin_family", in->sin_family);
		number(field(d, "sin_port", offsetof(struct sockaddr_in, sin_port), 2,
			     NP_ORDER_NETWORK), ntohs(in->sin_port));
		f = field(d, "sin_addr", offsetof(struct sockaddr_in, sin_addr), 4, NP_ORDER_NETWORK);
		np_sockaddr_address(sa, f->text, sizeof(f->text));
		field(d, "sin_zero", offsetof(struct sockaddr_in, sin_zero), sizeof(in->sin_zero),
		      NP_ORDER_NONE);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
		struct np_sa_field *f;

		d->type = "sockaddr_in6";
		d->length = sizeof(*in6);
		family_field(d, "sin6_family", in6->sin6_family);
		number(field(d, "sin6_port", offsetof(struct sockaddr_in6, sin6_port), 2,
			     NP_ORDER_NETWORK), ntohs(in6->sin6_port));
		number(field(d, "sin6_flowinfo", offsetof(struct sockaddr_in6, sin6_flowinfo), 4,
			     NP_ORDER_NETWORK), ntohl(in6->sin6_flowinfo));
		f = field(d, "sin6_addr", offsetof(struct sockaddr_in6, sin6_addr), 16,
			  NP_ORDER_NETWORK);
		np_sockaddr_address(sa, f->text, sizeof(f->text));
		number(field(d, "sin6_scope_id", offsetof(struct sockaddr_in6, sin6_scope_id), 4,
			     NP_ORDER_HOST), in6->sin6_scope_id);
		return 0;
	}
	return -1;
}

enum np_scope np_sockaddr_scope(const struct sockaddr *sa)
{
	struct sockaddr_in in;
	struct sockaddr_in6 in6;

	/* copied into its own type: sa may be a sockaddr_storage written as another */
	if (sa->sa_family == AF_INET) {
		memcpy(&in, sa, sizeof(in));
		return in.sin_addr.s_addr == htonl(INADDR_ANY) ? NP_SCOPE_WILDCARD
			: (ntohl(in.sin_addr.s_addr) >> 24) == 127 ? NP_SCOPE_LOOPBACK
			: NP_SCOPE_ADDRESS;
	}
	if (sa->sa_family != AF_INET6)
		return NP_SCOPE_UNIX;
	memcpy(&in6, sa, sizeof(in6));
	return IN6_IS_ADDR_UNSPECIFIED(&in6.sin6_addr) ? NP_SCOPE_WILDCARD
		: IN6_IS_ADDR_LOOPBACK(&in6.sin6_addr) ? NP_SCOPE_LOOPBACK
		: IN6_IS_ADDR_LINKLOCAL(&in6.sin6_addr) ? NP_SCOPE_LINK_LOCAL : NP_SCOPE_ADDRESS;
}

void np_sockaddr_localhost(int family, struct sockaddr_storage *ss)
{
	const struct sockaddr_in lo4 = { .sin_family = AF_INET,
					 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	const struct sockaddr_in6 lo6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };

	/* memcpy, not typed stores: read back as struct sockaddr, typed stores may be
	 * optimised away (strict aliasing), as they were when all of it was inlined */
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET)
		memcpy(ss, &lo4, sizeof(lo4));
	else
		memcpy(ss, &lo6, sizeof(lo6));
}

bool np_sockaddr_is_localhost(const struct sockaddr *sa)
{
	struct sockaddr_storage lo;
	bool v4 = sa->sa_family == AF_INET;
	size_t off = v4 ? offsetof(struct sockaddr_in, sin_addr)
			: offsetof(struct sockaddr_in6, sin6_addr);

	if (!v4 && sa->sa_family != AF_INET6)
		return false;
	np_sockaddr_localhost(sa->sa_family, &lo);	/* compared as bytes: no aliasing */
	return memcmp((const char *)sa + off, (const char *)&lo + off, v4 ? 4 : 16) == 0;
}

const char *np_sockaddr_zone(const struct sockaddr *sa, const char *ifname)
{
	if (ifname && ifname[0])
		return ifname;
	return np_sockaddr_scope(sa) == NP_SCOPE_LINK_LOCAL ? "?" : "";
}

const char *np_sockaddr_show(const struct sockaddr *sa, socklen_t salen, enum np_show how,
			     const char *zone, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN], z[INET6_ADDRSTRLEN + 64];
	const void *addr = sa->sa_family == AF_INET
		? (const void *)&((const struct sockaddr_in *)sa)->sin_addr
		: (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr;

	if (salen && (sa->sa_family == AF_UNIX || salen <= sizeof(sa_family_t))) {
		if (salen <= sizeof(sa_family_t))
			snprintf(buf, len, "(unnamed)");
		else
			np_sockaddr_unix_path(sa, salen, buf, len);
		return buf;
	}
	if (!inet_ntop(sa->sa_family, addr, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	snprintf(z, sizeof(z), zone && zone[0] ? "%s%%%s" : "%s", a, zone);
	if (how == NP_SHOW_ADDRESS)
		snprintf(buf, len, "%s", z);
	else
		snprintf(buf, len, sa->sa_family == AF_INET6 ? "[%s]:%u" : "%s:%u", z,
			 np_sockaddr_port(sa));
	return buf;
}

uint16_t np_sockaddr_port(const struct sockaddr *sa)
{
	return ntohs(sa->sa_family == AF_INET ? ((const struct sockaddr_in *)sa)->sin_port
					      : ((const struct sockaddr_in6 *)sa)->sin6_port);
}

void np_sockaddr_set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

socklen_t np_sockaddr_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
}

const char *np_sockaddr_unix_path(const struct sockaddr *sa, socklen_t salen, char *buf,
				  size_t len)
{
	const struct sockaddr_un *sun = (const struct sockaddr_un *)sa;
	size_t off = offsetof(struct sockaddr_un, sun_path), n = 0;
	size_t plen = salen > off ? salen - off : 0;
	bool abstract = plen > 0 && sun->sun_path[0] == '\0';
	const char *path = sun->sun_path + (abstract ? 1 : 0);

	if (len == 0)
		return buf;
	if (abstract && n + 1 < len)
		buf[n++] = '@';
	/* an abstract name may hold NUL bytes; a path ends at the first */
	plen = abstract ? plen - 1 : strnlen(path, plen);
	np_escape((const uint8_t *)path, plen, NP_ESC_C, buf + n, len - n);
	return buf;
}

int np_sockaddr_unix(const char *name, struct sockaddr_storage *ss, socklen_t *salen,
		     char *err, size_t errlen)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)ss;
	size_t n = strlen(name), max = sizeof(sun->sun_path) - 1;

	memset(ss, 0, sizeof(*ss));
	sun->sun_family = AF_UNIX;
	if (n == 0 || (name[0] == '@' && n == 1)) {
		snprintf(err, errlen, "empty Unix socket name: give unix:/path or unix:@name");
		return -1;
	}
	if ((name[0] == '@' ? n - 1 : n) > max) {
		snprintf(err, errlen, "Unix socket %s is %zu bytes: sun_path holds at most %zu "
			 "(108 bytes with the terminating NUL or the leading NUL of an abstract name)",
			 name[0] == '@' ? "name" : "path", name[0] == '@' ? n - 1 : n, max);
		return -1;
	}
	if (name[0] == '@') {	/* abstract: a leading NUL, no terminator, length counts */
		memcpy(sun->sun_path + 1, name + 1, n - 1);
		*salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	} else {
		memcpy(sun->sun_path, name, n);
		*salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	}
	return 0;
}

const char *np_family_name(int family)
{
	return family == AF_INET ? "ipv4" : family == AF_INET6 ? "ipv6" : "unix";
}

const char *np_host_byte_order(void)
{
	const uint16_t probe = 0x0102;

	return *(const uint8_t *)&probe == 0x02 ? "little-endian" : "big-endian";
}
