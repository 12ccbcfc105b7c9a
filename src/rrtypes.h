/* DNS resource record types, described once: one row per type netprobe knows,
 * with its code, its mnemonic, what it is for, how its rdata sits on the wire
 * (which the decoder walks to read it and to write it as dig does) and the
 * JSON fields a reporter builds from it. Everything else names types through
 * the NP_RR_ codes and these functions; a new type is one row (and a wire
 * kind in dnsdecode.c when its layout needs one nobody has yet). */
#ifndef NP_RRTYPES_H
#define NP_RRTYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum np_rr_code {
	NP_RR_A = 1, NP_RR_NS = 2, NP_RR_CNAME = 5, NP_RR_SOA = 6, NP_RR_PTR = 12,
	NP_RR_MX = 15, NP_RR_TXT = 16, NP_RR_AAAA = 28, NP_RR_SRV = 33, NP_RR_OPT = 41,
	NP_RR_IXFR = 251, NP_RR_AXFR = 252, NP_RR_ANY = 255, NP_RR_CAA = 257,
};

/* What a row is for: which names the CLI accepts and the reports print. */
enum np_rr_use {
	NP_RR_DATA,	/* a record netprobe decodes: asked by name, shown by name */
	NP_RR_QUESTION,	/* a question only (ANY): asked by name, shown as TYPEnnn */
	NP_RR_TRANSFER,	/* a zone transfer (AXFR, IXFR): known, refused */
	NP_RR_EDNS,	/* OPT: a pseudo-record in replies, no presentation form */
};

/* How one piece of rdata sits on the wire; the decoder reads each kind, keeps
 * it in a record's num[], names[] or strings, and writes it as dig does,
 * pieces separated by one space. */
enum np_rr_wire {
	NP_W_END = 0,
	NP_W_IPV4,	/* 4 bytes: an IPv4 address */
	NP_W_IPV6,	/* 16 bytes: an IPv6 address */
	NP_W_NAME,	/* a domain name, maybe compressed -> names[] */
	NP_W_U8,	/* a number, in decimal -> num[] */
	NP_W_U16,
	NP_W_U32,
	NP_W_TAG,	/* a length byte, 1 to 255 bytes, escaped, unquoted -> strings */
	NP_W_REST,	/* the rest of the rdata as one quoted string -> strings */
	NP_W_STRINGS,	/* character-strings to the end, each quoted -> strings */
};

/* Where a JSON field's value comes from in a decoded record. */
enum np_rr_source {
	NP_F_TEXT,		/* the presentation form (an address) */
	NP_F_NAME,		/* names[index] */
	NP_F_NUM,		/* num[index] */
	NP_F_STRING,		/* string index, dig-escaped */
	NP_F_STRINGS,		/* every string, dig-escaped, as an array */
	NP_F_STRINGS_HEX,	/* every string's bytes in hex, as an array */
};

struct np_rr_field {
	const char *key;		/* NULL ends the list */
	enum np_rr_source source;
	unsigned char index;
};

#define NP_RR_WIRE_MAX 8
#define NP_RR_FIELDS_MAX 8

struct np_rr_type {
	uint16_t code;
	const char *name;
	enum np_rr_use use;
	enum np_rr_wire wire[NP_RR_WIRE_MAX];		/* NP_W_END ends it */
	struct np_rr_field fields[NP_RR_FIELDS_MAX];	/* in JSON's order */
};

/* The row of a type code; NULL when netprobe does not know it. */
const struct np_rr_type *np_rr_find(uint16_t code);
/* The i-th row (for tests and listings); NULL past the end. */
const struct np_rr_type *np_rr_at(size_t i);
/* The mnemonic reports print: the name of a type netprobe decodes, TYPEnnn
 * (RFC 3597) for every other, written into buf. */
const char *np_dns_type_name(uint16_t type, char *buf, size_t len);
/* A type as the CLI takes it: "MX", "TYPE65", "65"; 0 when it is none. */
uint16_t np_dns_type_from_name(const char *s);
/* Whether a type is asked for records: A asks for A records, ANY for any. */
bool np_rr_answers(uint16_t asked, uint16_t type);
/* The address family an address record holds: AF_INET for A, AF_INET6 for
 * AAAA, 0 for any other type. */
int np_rr_family(uint16_t type);

#endif
