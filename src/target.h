/* Targets as the user writes them: "host port...", "host:port", "[v6]:port",
 * literals, service names, and the @server[:port] of dig. Pure parsing: no I/O
 * beyond the services database. */
#ifndef NP_TARGET_H
#define NP_TARGET_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* A name of 255 wire octets written with escapes (\\DDD per byte) */
#define NP_HOST_TEXT_MAX 1024
#define NP_MAX_PORTS 1024	/* distinct ports per target, ranges expanded */

struct np_target {
	char input[512];	/* as typed, for the report */
	char host[NP_HOST_TEXT_MAX];	/* presentation form, checked in wire form */
	int literal_family;	/* AF_INET / AF_INET6 for an address literal, else 0 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} literal;
	uint16_t ports[NP_MAX_PORTS];
	size_t nports;
	/* unix:/path or unix:@abstract: the sockaddr_un, ready for connect() */
	bool is_unix;
	struct sockaddr_storage unix_sa;
	socklen_t unix_len;
};

/* Each returns 0, or -1 with a one-line reason in err. */
int np_parse_port(const char *s, uint16_t *port, char *err, size_t errlen);
/* A port list: ports, service names and ranges, comma-separated ("80,443",
 * "8000-8010", "1-1024"), added to t->ports once each, at most NP_MAX_PORTS. */
int np_parse_ports(const char *s, struct np_target *t, char *err, size_t errlen);
/* Whether a command-line word is a whole target by itself (HOST:PORTS,
 * [V6]:PORTS, unix:...), so that several may follow one another. */
bool np_target_word_is_target(const char *w);
int np_check_hostname(const char *name, char *err, size_t errlen);
int np_parse_target(int argc, char *const argv[], struct np_target *t, char *err, size_t errlen);
int np_parse_server(const char *s, struct sockaddr_storage *ss, socklen_t *len,
		    char *err, size_t errlen);

#endif
