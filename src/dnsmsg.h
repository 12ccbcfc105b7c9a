/* A DNS message reader that trusts nothing: every count, length, offset and
 * compression pointer is checked against the message before it is used. */
#ifndef NP_DNSMSG_H
#define NP_DNSMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "rrtypes.h"

#define NP_DNS_TEXT_MAX 1024	/* a 255-byte wire name with every byte escaped */
#define NP_DNS_QUERY_MAX 512	/* room for any one-question query: 12 + 255 + 4 */

enum np_dns_err {
	NP_DNS_OK = 0,
	NP_DNS_ESHORT = -1,	/* ran past the end of the message */
	NP_DNS_ELOOP = -2,	/* compression pointers go round */
	NP_DNS_ELABEL = -3,	/* unknown label type (0x40/0x80) */
	NP_DNS_ENAMELEN = -4,	/* name over 255 bytes */
	NP_DNS_EPTR = -5,	/* compression pointer past the end */
	NP_DNS_ENOTRESP = -6,	/* QR clear: a query, not a reply */
	NP_DNS_EBADNAME = -7,	/* a name we were asked to encode does not fit */
	NP_DNS_EEMPTYLABEL = -8,	/* "a..b", ".a", "": a label with no bytes */
	NP_DNS_ELABELLEN = -9,	/* a label over 63 octets */
	NP_DNS_EESCAPE = -10,	/* \ at the end, \DDD short or over 255 */
};

struct np_dns_header {
	uint16_t id, flags;
	uint16_t qdcount, ancount, nscount, arcount;
};

#define NP_DNS_QR(f) (((f) >> 15) & 1)
#define NP_DNS_OPCODE(f) (((f) >> 11) & 0xf)
#define NP_DNS_TC(f) (((f) >> 9) & 1)
#define NP_DNS_RCODE(f) ((f) & 0xf)

struct np_dns_rr {
	char name[NP_DNS_TEXT_MAX];
	uint16_t type, rclass;
	uint32_t ttl;
	uint16_t rdlength;
	size_t rdata;		/* offset of the rdata in the message */
};

struct np_dns_reader {
	const uint8_t *msg;
	size_t len, off;
};

const char *np_dns_strerror(int err);
const char *np_dns_rcode_name(int rcode, char *buf, size_t len);

int np_dns_reader_init(struct np_dns_reader *r, const uint8_t *msg, size_t len,
		       struct np_dns_header *h);
/* Read a (possibly compressed) name at *off into text; advance *off past it. */
int np_dns_read_name(const uint8_t *msg, size_t len, size_t *off, char *text, size_t textlen);
int np_dns_read_question(struct np_dns_reader *r, char *name, size_t namelen,
			 uint16_t *type, uint16_t *rclass);
int np_dns_read_rr(struct np_dns_reader *r, struct np_dns_rr *rr);

/* A presentation name (\\. \\X \\DDD escapes decoded) to wire form at out: the one
 * check of a name, as a server will read it (255 octets, 63 per label; "." is
 * the root). Returns NP_DNS_OK or the reason it is not a name. */
int np_dns_name_to_wire(const char *name, uint8_t *out, size_t cap, size_t *len);

/* A query message for name (presentation form: \\. \\X \\DDD escapes decoded,
 * unlike c-ares 1.18's ares_create_query), one question of type, class IN. */
int np_dns_build_query(const char *name, uint16_t type, uint16_t id, bool rd, uint8_t *buf,
		       size_t cap, size_t *len);

/* A query ID nobody off the path can predict. */
uint16_t np_dns_query_id(void);

/* Whether two presentation names are the same wire name (ASCII letters
 * compared case-insensitively, escapes decoded, a final dot ignored). */
int np_dns_name_eq(const char *a, const char *b);
/* Whether name is zone or below it ("www.example.test" is under "example.test"
 * and under "."), compared as wire names. */
bool np_dns_name_is_under(const char *name, const char *zone);

#endif
