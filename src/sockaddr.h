/* Socket addresses shown byte by byte: which bytes are which field, in which byte
 * order, and what value they hold. Plain data for the reporters. */
#ifndef NP_SOCKADDR_H
#define NP_SOCKADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

enum np_byte_order { NP_ORDER_HOST, NP_ORDER_NETWORK, NP_ORDER_NONE };

struct np_sa_field {
	const char *name;	/* "sin_port" */
	size_t offset, size;
	enum np_byte_order order;
	bool has_number;	/* value is number, else text (empty text: no value) */
	uint64_t number;
	char text[256];		/* "127.0.0.1", "AF_INET", a Unix path */
};

struct np_sa_dump {
	const char *type;	/* "sockaddr_in" */
	size_t length;		/* bytes dumped: sizeof the struct */
	const uint8_t *bytes;
	struct np_sa_field fields[6];
	size_t nfields;
};

/* Describe sa (AF_INET, AF_INET6, AF_UNIX) as passed to connect() with salen.
 * -1 for another family. */
int np_sockaddr_dump(const struct sockaddr *sa, socklen_t salen, struct np_sa_dump *d);

/* Where an address reaches: the one test of loopback, wildcard and link-local. */
enum np_scope {
	NP_SCOPE_ADDRESS,	/* one address: this host's or another's */
	NP_SCOPE_WILDCARD,	/* 0.0.0.0 (INADDR_ANY), :: (in6addr_any): every interface */
	NP_SCOPE_LOOPBACK,	/* 127.0.0.0/8, ::1: this host only */
	NP_SCOPE_LINK_LOCAL,	/* fe80::/10: one link, named by a zone */
	NP_SCOPE_UNIX,		/* not an IP address: a Unix socket, this host only */
};
enum np_scope np_sockaddr_scope(const struct sockaddr *sa);
/* Is sa what clients of localhost use: exactly 127.0.0.1 or ::1? */
bool np_sockaddr_is_localhost(const struct sockaddr *sa);
/* Fill ss with the localhost address of family (127.0.0.1 or ::1), port 0. */
void np_sockaddr_localhost(int family, struct sockaddr_storage *ss);

/* The zone to show sa with: ifname, else "?" for a link-local address whose
 * zone nobody told (fe80::5%?), else none (""). */
const char *np_sockaddr_zone(const struct sockaddr *sa, const char *ifname);

/* How much of an address np_sockaddr_show shows. */
enum np_show { NP_SHOW_ADDRESS, NP_SHOW_ENDPOINT };
/* The one display name of a socket address: "::1", "fe80::5%eth0" with a zone
 * (NULL or "" for none); as an endpoint "127.0.0.1:443", "[::1]:443"; a Unix
 * socket, given its salen, as its path (np_sockaddr_unix_path), "(unnamed)" when
 * salen holds no name. salen 0: an IP address, its length by its family. */
const char *np_sockaddr_show(const struct sockaddr *sa, socklen_t salen, enum np_show how,
			     const char *zone, char *buf, size_t len);
/* "127.0.0.1:443" / "[::1]:443"; buf of at least NP_ENDPOINT_LEN. */
#define NP_ENDPOINT_LEN 64
static inline const char *np_sockaddr_endpoint(const struct sockaddr *sa, char *buf, size_t len)
{
	return np_sockaddr_show(sa, 0, NP_SHOW_ENDPOINT, NULL, buf, len);
}
/* The address alone ("::1"). */
static inline const char *np_sockaddr_address(const struct sockaddr *sa, char *buf, size_t len)
{
	return np_sockaddr_show(sa, 0, NP_SHOW_ADDRESS, NULL, buf, len);
}
const char *np_family_name(int family);	/* "ipv4", "ipv6", "unix" */
uint16_t np_sockaddr_port(const struct sockaddr *sa);
/* Store port (host order) into an AF_INET or AF_INET6 address: htons() here. */
void np_sockaddr_set_port(struct sockaddr_storage *ss, uint16_t port);
/* The length connect() and bind() want for an AF_INET or AF_INET6 address. */
socklen_t np_sockaddr_len(const struct sockaddr_storage *ss);
/* A sockaddr_un's name: the path, or "@name" for an abstract one, with
 * unprintable bytes escaped as \xHH. */
const char *np_sockaddr_unix_path(const struct sockaddr *sa, socklen_t salen, char *buf,
				  size_t len);
/* Fill a sockaddr_un from "/path" or "@abstract"; -1 with a reason when the name
 * does not fit sun_path (108 bytes, with the terminating NUL for a path). */
int np_sockaddr_unix(const char *name, struct sockaddr_storage *ss, socklen_t *salen,
		     char *err, size_t errlen);

/* "little-endian" or "big-endian", from the bytes of a known integer. */
const char *np_host_byte_order(void);

#endif
