/* A whole DNS message decoded for people: header, the four sections with each
 * record's rdata in dig's presentation form and as fields, and an annotation of
 * every byte range (for --dump). Built on dnsmsg.c, which checks every length,
 * offset and pointer; a message that lies about them is refused with its error. */
#ifndef NP_DNSDECODE_H
#define NP_DNSDECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "dnsmsg.h"
#include "rrtypes.h"

#define NP_DNS_MAX_RECORDS 256	/* per message; more are counted, not kept */
#define NP_RDATA_TEXT 4096

enum np_dns_section { NP_SEC_QUESTION, NP_SEC_ANSWER, NP_SEC_AUTHORITY, NP_SEC_ADDITIONAL };

struct np_dns_record {
	enum np_dns_section section;
	char name[NP_DNS_TEXT_MAX];
	uint16_t type, rclass;
	uint32_t ttl;
	uint16_t rdlength;
	size_t offset, rdata;		/* where the record and its rdata start */
	char text[NP_RDATA_TEXT];	/* rdata as dig prints it */
	/* rdata as fields: numbers in order (MX preference; SRV priority, weight,
	 * port; SOA serial, refresh, retry, expire, minimum; CAA flags), domain
	 * names in order (CNAME/NS/PTR target; MX exchange; SRV target; SOA
	 * mname, rname), and strings (TXT character-strings; CAA tag, value). */
	uint32_t num[5];
	size_t nnum;
	char names[2][NP_DNS_TEXT_MAX];
	size_t nnames;
	char *strings;			/* dig-escaped, NUL-separated, nstrings of them */
	size_t nstrings, strings_len, strings_cap;
	char *raw;			/* the same strings as bytes: each after its */
	size_t raw_len, raw_cap;	/* length in 2 bytes, big-endian (malloc'd) */
};

/* The bytes of string i of r, walking r->raw from *pos (start at 0); NULL at the end. */
const uint8_t *np_dns_record_raw_next(const struct np_dns_record *r, size_t *pos, size_t *len);

struct np_dns_annotation {
	size_t offset, length;
	const char *field;		/* "ID", "flags", "TYPE", "TTL", "NAME"... */
	char text[160];			/* the value, decoded */
};

struct np_dns_message {
	struct np_dns_header h;
	size_t len;
	struct np_dns_record *records;	/* grown as needed, up to NP_DNS_MAX_RECORDS */
	size_t nrecords, caprecords, dropped;
	struct np_dns_annotation *notes;	/* only when asked (--dump) */
	size_t nnotes, capnotes;
	bool annotate;
};

/* Decode msg into m (allocates; free with np_dns_message_free). Returns 0, or a
 * negative np_dns_err with m holding what was decoded before the fault. */
int np_dns_decode(const uint8_t *msg, size_t len, struct np_dns_message *m);
/* The same, with the annotations (a vsnprintf per field, a fifth of a lookup
 * --file in text) only when annotate is true. */
int np_dns_decode_as(const uint8_t *msg, size_t len, struct np_dns_message *m, bool annotate);
void np_dns_message_free(struct np_dns_message *m);

/* "qr aa rd ra" */
void np_dns_flags_text(uint16_t flags, char *buf, size_t len);
const char *np_dns_opcode_name(int opcode);
const char *np_dns_class_name(uint16_t rclass, char *buf, size_t len);
/* The reverse-lookup name of an address: in-addr.arpa / ip6.arpa; -1 if not one. */
int np_dns_reverse_name(const char *addr, char *out, size_t len);

#endif
