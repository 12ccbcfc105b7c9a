/* DNS wire format reader (RFC 1035 section 4). Names come out in presentation form
 * with dig's escapes (\. and \DDD), so a hostile name cannot forge text. */
#include <config.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "dnsmsg.h"
#include "escape.h"

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

const char *np_dns_strerror(int err)
{
	switch (err) {
	case NP_DNS_OK: return "ok";
	case NP_DNS_ESHORT: return "message ends in the middle of a field";
	case NP_DNS_ELOOP: return "name compression pointers form a loop";
	case NP_DNS_ELABEL: return "name has an unknown label type";
	case NP_DNS_ENAMELEN: return "name is longer than 255 bytes";
	case NP_DNS_EPTR: return "name compression pointer points past the message";
	case NP_DNS_ENOTRESP: return "reply is not marked as a response (QR=0)";
	case NP_DNS_EBADNAME: return "name cannot be encoded (label over 63 bytes, name over 255, bad escape)";
	default: return "malformed message";
	}
}

const char *np_dns_rcode_name(int rcode, char *buf, size_t len)
{
	static const char *const names[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
		"NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE" };

	if (rcode >= 0 && (size_t)rcode < sizeof(names) / sizeof(names[0]))
		return names[rcode];
	snprintf(buf, len, "RCODE%d", rcode);
	return buf;
}

const char *np_dns_type_name(uint16_t type, char *buf, size_t len)
{
	switch (type) {
	case 1: return "A";
	case 2: return "NS";
	case 5: return "CNAME";
	case 6: return "SOA";
	case 12: return "PTR";
	case 15: return "MX";
	case 16: return "TXT";
	case 28: return "AAAA";
	case 33: return "SRV";
	case 257: return "CAA";
	default: snprintf(buf, len, "TYPE%u", type); return buf;
	}
}

int np_dns_reader_init(struct np_dns_reader *r, const uint8_t *msg, size_t len,
		       struct np_dns_header *h)
{
	*r = (struct np_dns_reader){ .msg = msg, .len = len, .off = 12 };
	if (len < 12)
		return NP_DNS_ESHORT;
	*h = (struct np_dns_header){ get16(msg), get16(msg + 2), get16(msg + 4),
				     get16(msg + 6), get16(msg + 8), get16(msg + 10) };
	return NP_DNS_OK;
}

/* Append one label to text, escaped as dig does (NP_ESC_DNS_LABEL). */
static bool put_label(char *text, size_t textlen, size_t *t, const uint8_t *lab, size_t n)
{
	if (*t + np_escape_size(lab, n, NP_ESC_DNS_LABEL) + 2 > textlen)
		return false;
	*t += np_escape(lab, n, NP_ESC_DNS_LABEL, text + *t, textlen - *t);
	text[(*t)++] = '.';
	text[*t] = '\0';
	return true;
}

int np_dns_read_name(const uint8_t *msg, size_t len, size_t *off, char *text, size_t textlen)
{
	size_t pos = *off, wire = 1, t = 0;
	size_t end = 0;		/* where the caller resumes: after the first pointer */
	unsigned jumps = 0;

	text[0] = '\0';
	for (;;) {
		if (pos >= len)
			return NP_DNS_ESHORT;
		uint8_t c = msg[pos];

		if (c == 0) {
			*off = end ? end : pos + 1;
			if (t == 0)
				snprintf(text, textlen, ".");
			return NP_DNS_OK;
		}
		if ((c & 0xc0) == 0xc0) {
			if (pos + 1 >= len)
				return NP_DNS_ESHORT;
			size_t target = (size_t)(c & 0x3f) << 8 | msg[pos + 1];

			if (target >= len)
				return NP_DNS_EPTR;
			/* A name has at most 127 labels, so more jumps than that is a loop. */
			if (++jumps > 127)
				return NP_DNS_ELOOP;
			if (!end)
				end = pos + 2;
			pos = target;
			continue;
		}
		if (c & 0xc0)
			return NP_DNS_ELABEL;
		if (pos + 1 + c > len)
			return NP_DNS_ESHORT;
		wire += (size_t)c + 1;
		if (wire > 255)
			return NP_DNS_ENAMELEN;
		if (!put_label(text, textlen, &t, msg + pos + 1, c))
			return NP_DNS_ENAMELEN;
		pos += (size_t)c + 1;
	}
}

int np_dns_read_question(struct np_dns_reader *r, char *name, size_t namelen,
			 uint16_t *type, uint16_t *rclass)
{
	int rc = np_dns_read_name(r->msg, r->len, &r->off, name, namelen);

	if (rc)
		return rc;
	if (r->off + 4 > r->len)
		return NP_DNS_ESHORT;
	*type = get16(r->msg + r->off);
	*rclass = get16(r->msg + r->off + 2);
	r->off += 4;
	return NP_DNS_OK;
}

int np_dns_read_rr(struct np_dns_reader *r, struct np_dns_rr *rr)
{
	int rc = np_dns_read_name(r->msg, r->len, &r->off, rr->name, sizeof(rr->name));
	const uint8_t *p;

	if (rc)
		return rc;
	if (r->off + 10 > r->len)
		return NP_DNS_ESHORT;
	p = r->msg + r->off;
	rr->type = get16(p);
	rr->rclass = get16(p + 2);
	rr->ttl = get32(p + 4);
	rr->rdlength = get16(p + 8);
	rr->rdata = r->off + 10;
	if (rr->rdata + rr->rdlength > r->len)
		return NP_DNS_ESHORT;
	r->off = rr->rdata + rr->rdlength;
	return NP_DNS_OK;
}

int np_dns_name_eq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la > 1 && a[la - 1] == '.')
		la--;
	if (lb > 1 && b[lb - 1] == '.')
		lb--;
	return la == lb && strncasecmp(a, b, la) == 0;
}

/* Presentation name (with \. \X and \DDD escapes) to wire labels at out. */
static int encode_name(const char *name, uint8_t *out, size_t cap, size_t *len)
{
	size_t n = 0, lab = 0;	/* lab: where the current label's length byte is */

	if (cap < 2)
		return NP_DNS_EBADNAME;
	out[n++] = 0;
	for (const char *p = name; *p; p++) {
		unsigned c = (unsigned char)*p;

		if (c == '.') {
			if (out[lab] == 0) {
				if (p == name && p[1] == '\0')
					continue;	/* "." alone: the root */
				return NP_DNS_EBADNAME;	/* an empty label */
			}
			lab = n;
			if (n >= cap)
				return NP_DNS_EBADNAME;
			out[n++] = 0;
			continue;
		}
		if (c == '\\') {
			if (isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]) &&
			    isdigit((unsigned char)p[3])) {
				c = (unsigned)((p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0'));
				if (c > 255)
					return NP_DNS_EBADNAME;
				p += 3;
			} else if (p[1]) {
				c = (unsigned char)*++p;
			} else {
				return NP_DNS_EBADNAME;
			}
		}
		if (out[lab] == 63 || n >= cap)
			return NP_DNS_EBADNAME;
		out[lab]++;
		out[n++] = (uint8_t)c;
	}
	if (out[lab] != 0) {	/* close the last label with the root */
		if (n >= cap)
			return NP_DNS_EBADNAME;
		out[n++] = 0;
	}
	if (n > 255)
		return NP_DNS_EBADNAME;
	*len = n;
	return NP_DNS_OK;
}

int np_dns_build_query(const char *name, uint16_t type, uint16_t id, bool rd, uint8_t *buf,
		       size_t cap, size_t *len)
{
	size_t nl;
	int rc;

	if (cap < 12 + 4)
		return NP_DNS_EBADNAME;
	memset(buf, 0, 12);
	buf[0] = (uint8_t)(id >> 8);
	buf[1] = (uint8_t)id;
	buf[2] = rd ? 0x01 : 0x00;	/* opcode QUERY, RD as asked */
	buf[5] = 1;			/* QDCOUNT */
	rc = encode_name(name, buf + 12, cap - 12 - 4, &nl);
	if (rc)
		return rc;
	buf[12 + nl] = (uint8_t)(type >> 8);
	buf[13 + nl] = (uint8_t)type;
	buf[14 + nl] = 0;
	buf[15 + nl] = 1;		/* class IN */
	*len = 16 + nl;
	return NP_DNS_OK;
}
