/* DNS message decoding for the lookup command. Every rdata is read through a
 * bounded cursor that may not leave its record, so a lying rdlength or a name
 * pointer out of bounds ends the decode with an error instead of a wild read. */
#include <config.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "bytes.h"
#include "dnsdecode.h"
#include "escape.h"
#include "hexdump.h"

void np_dns_flags_text(uint16_t flags, char *buf, size_t len)
{
	static const struct { uint16_t bit; const char *name; } bits[] = {
		{ 0x8000, "qr" }, { 0x0400, "aa" }, { 0x0200, "tc" }, { 0x0100, "rd" },
		{ 0x0080, "ra" }, { 0x0020, "ad" }, { 0x0010, "cd" },
	};
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (flags & bits[i].bit)
			n += (size_t)snprintf(buf + n, len > n ? len - n : 0, "%s%s", n ? " " : "",
					      bits[i].name);
}

const char *np_dns_opcode_name(int opcode)
{
	static const char *const names[] = { "QUERY", "IQUERY", "STATUS", "RESERVED3", "NOTIFY",
					     "UPDATE" };

	return opcode >= 0 && opcode < 6 ? names[opcode] : "RESERVED";
}

const char *np_dns_class_name(uint16_t rclass, char *buf, size_t len)
{
	switch (rclass) {
	case 1: return "IN";
	case 3: return "CH";
	case 4: return "HS";
	case 254: return "NONE";
	case 255: return "ANY";
	default: snprintf(buf, len, "CLASS%u", rclass); return buf;
	}
}

int np_dns_reverse_name(const char *addr, char *out, size_t len)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (inet_pton(AF_INET, addr, &a4) == 1) {
		const uint8_t *b = (const uint8_t *)&a4;

		snprintf(out, len, "%u.%u.%u.%u.in-addr.arpa", b[3], b[2], b[1], b[0]);
		return 0;
	}
	if (inet_pton(AF_INET6, addr, &a6) == 1) {
		size_t n = 0;

		for (int i = 15; i >= 0; i--)
			n += (size_t)snprintf(out + n, len > n ? len - n : 0, "%x.%x.",
					      a6.s6_addr[i] & 0xf, a6.s6_addr[i] >> 4);
		snprintf(out + n, len > n ? len - n : 0, "ip6.arpa");
		return 0;
	}
	return -1;
}

/* ---- annotations --------------------------------------------------------- */

static void note(struct np_dns_message *m, size_t off, size_t len, const char *field,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void note(struct np_dns_message *m, size_t off, size_t len, const char *field,
		 const char *fmt, ...)
{
	va_list ap;
	struct np_dns_annotation *a;

	if (!m->annotate)
		return;
	if (m->nnotes == m->capnotes) {
		size_t cap = m->capnotes ? 2 * m->capnotes : 64;
		struct np_dns_annotation *n = realloc(m->notes, cap * sizeof(*n));

		if (!n)
			return;
		m->notes = n;
		m->capnotes = cap;
	}
	a = &m->notes[m->nnotes++];
	a->offset = off;
	a->length = len;
	a->field = field;
	va_start(ap, fmt);
	vsnprintf(a->text, sizeof(a->text), fmt, ap);
	va_end(ap);
}

/* ---- rdata ----------------------------------------------------------------- */

/* A cursor that may not leave [pos, end) of one record's rdata. */
struct cursor {
	const uint8_t *msg;
	size_t len, pos, end;
};

static int take_name(struct cursor *c, char *out, size_t outlen)
{
	size_t off = c->pos;
	int rc = np_dns_read_name(c->msg, c->len, &off, out, outlen);

	if (rc)
		return rc;
	if (off > c->end)
		return NP_DNS_ESHORT;	/* the name runs past its rdata */
	c->pos = off;
	return NP_DNS_OK;
}

static int take16(struct cursor *c, uint32_t *v)
{
	if (c->pos + 2 > c->end)
		return NP_DNS_ESHORT;
	*v = np_get16(c->msg + c->pos);
	c->pos += 2;
	return NP_DNS_OK;
}

static int take32(struct cursor *c, uint32_t *v)
{
	if (c->pos + 4 > c->end)
		return NP_DNS_ESHORT;
	*v = np_get32(c->msg + c->pos);
	c->pos += 4;
	return NP_DNS_OK;
}

/* A character-string as dig prints it: within double quotes, escaped. Writes
 * nothing when not even the quotes fit. Returns the length written. */
static size_t put_quoted(char *out, size_t outlen, const uint8_t *s, size_t n)
{
	size_t o;

	if (outlen < 3)
		return 0;
	out[0] = '"';
	o = 1 + np_escape(s, n, NP_ESC_DNS_TEXT, out + 1, outlen - 2);
	out[o++] = '"';
	out[o] = '\0';
	return o;
}

/* Make room for need more bytes in a buffer that doubles as it grows: amortised
 * linear time however many strings a record holds (a TXT record may hold 65,000). */
static bool reserve(char **buf, size_t len, size_t *cap, size_t need)
{
	size_t c = *cap ? *cap : 256;
	char *p;

	if (len + need <= *cap)
		return true;
	while (c < len + need)
		c *= 2;
	if (!(p = realloc(*buf, c)))
		return false;
	*buf = p;
	*cap = c;
	return true;
}

/* Keep one string of a record twice: dig-escaped text and its bytes. */
static void add_string(struct np_dns_record *r, const uint8_t *s, size_t n)
{
	size_t need = np_escape_size(s, n, NP_ESC_DNS_TEXT) + 1;

	if (!reserve(&r->strings, r->strings_len, &r->strings_cap, need) ||
	    !reserve(&r->raw, r->raw_len, &r->raw_cap, n + 2))
		return;
	r->strings_len += np_escape(s, n, NP_ESC_DNS_TEXT, r->strings + r->strings_len, need) + 1;
	np_put16((uint8_t *)r->raw + r->raw_len, (uint16_t)n);
	r->raw_len += 2;
	memcpy(r->raw + r->raw_len, s, n);
	r->raw_len += n;
	r->nstrings++;
}

const uint8_t *np_dns_record_raw_next(const struct np_dns_record *r, size_t *pos, size_t *len)
{
	const uint8_t *p;

	if (*pos + 2 > r->raw_len)
		return NULL;
	p = (const uint8_t *)r->raw + *pos;
	*len = np_get16(p);
	*pos += 2 + *len;
	return p + 2;
}

/* One space before every piece of rdata text but the first. */
static void put_space(struct np_dns_record *r, size_t *t)
{
	if (*t && *t + 1 < sizeof(r->text))
		r->text[(*t)++] = ' ';
}

static void put_text(struct np_dns_record *r, size_t *t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void put_text(struct np_dns_record *r, size_t *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	put_space(r, t);
	va_start(ap, fmt);
	n = vsnprintf(r->text + *t, sizeof(r->text) - *t, fmt, ap);
	va_end(ap);
	if (n > 0)
		*t = *t + (size_t)n < sizeof(r->text) ? *t + (size_t)n : sizeof(r->text) - 1;
}

static int take_address(struct cursor *c, struct np_dns_record *r, size_t *t, int family)
{
	char buf[INET6_ADDRSTRLEN];
	size_t n = family == AF_INET ? 4 : 16;

	if (c->pos + n > c->end)
		return NP_DNS_ESHORT;
	inet_ntop(family, c->msg + c->pos, buf, sizeof(buf));
	put_text(r, t, "%s", buf);
	c->pos += n;
	return NP_DNS_OK;
}

static int take_number(struct cursor *c, struct np_dns_record *r, size_t *t, size_t size)
{
	uint32_t v;
	int rc;

	if (r->nnum == sizeof(r->num) / sizeof(r->num[0]))
		return NP_DNS_ESHORT;	/* a row asks more than a record holds */
	if (size == 1) {
		if (c->pos + 1 > c->end)
			return NP_DNS_ESHORT;
		v = c->msg[c->pos++];
	} else if ((rc = size == 2 ? take16(c, &v) : take32(c, &v))) {
		return rc;
	}
	r->num[r->nnum++] = v;
	put_text(r, t, "%u", v);
	return NP_DNS_OK;
}

static int take_domain(struct cursor *c, struct np_dns_record *r, size_t *t)
{
	int rc;

	if (r->nnames == sizeof(r->names) / sizeof(r->names[0]))
		return NP_DNS_ESHORT;
	if ((rc = take_name(c, r->names[r->nnames], sizeof(r->names[0]))))
		return rc;
	put_text(r, t, "%s", r->names[r->nnames++]);
	return NP_DNS_OK;
}

/* A tag (CAA): letters and digits (RFC 8659), but a server may send anything. */
static int take_tag(struct cursor *c, struct np_dns_record *r, size_t *t)
{
	size_t n;

	if (c->pos + 1 > c->end)
		return NP_DNS_ESHORT;
	n = c->msg[c->pos];
	if (n == 0 || c->pos + 1 + n > c->end)
		return NP_DNS_ESHORT;
	add_string(r, c->msg + c->pos + 1, n);
	put_space(r, t);
	*t += np_escape(c->msg + c->pos + 1, n, NP_ESC_DNS_TEXT, r->text + *t, sizeof(r->text) - *t);
	c->pos += 1 + n;
	return NP_DNS_OK;
}

static int take_rest(struct cursor *c, struct np_dns_record *r, size_t *t)
{
	add_string(r, c->msg + c->pos, c->end - c->pos);
	put_space(r, t);
	*t += put_quoted(r->text + *t, sizeof(r->text) - *t, c->msg + c->pos, c->end - c->pos);
	c->pos = c->end;
	return NP_DNS_OK;
}

static int take_strings(struct cursor *c, struct np_dns_record *r, size_t *t)
{
	while (c->pos < c->end) {
		size_t n = c->msg[c->pos];

		if (c->pos + 1 + n > c->end)
			return NP_DNS_ESHORT;
		put_space(r, t);
		*t += put_quoted(r->text + *t, sizeof(r->text) - *t, c->msg + c->pos + 1, n);
		add_string(r, c->msg + c->pos + 1, n);
		c->pos += 1 + n;
	}
	return NP_DNS_OK;
}

/* One piece of rdata as its row describes it: kept in r and written in r->text. */
static int take_piece(struct cursor *c, struct np_dns_record *r, size_t *t, enum np_rr_wire w)
{
	switch (w) {
	case NP_W_IPV4: return take_address(c, r, t, AF_INET);
	case NP_W_IPV6: return take_address(c, r, t, AF_INET6);
	case NP_W_NAME: return take_domain(c, r, t);
	case NP_W_U8: return take_number(c, r, t, 1);
	case NP_W_U16: return take_number(c, r, t, 2);
	case NP_W_U32: return take_number(c, r, t, 4);
	case NP_W_TAG: return take_tag(c, r, t);
	case NP_W_REST: return take_rest(c, r, t);
	case NP_W_STRINGS: return take_strings(c, r, t);
	case NP_W_END: break;
	}
	return NP_DNS_OK;
}

/* A type netprobe does not decode, as RFC 3597 writes it: \# length hex. */
static int rdata_unknown(struct cursor *c, struct np_dns_record *r)
{
	static const struct np_hex_style rfc3597 = { .sep = "", .upper = true };
	size_t t = (size_t)snprintf(r->text, sizeof(r->text), "\\# %u", r->rdlength);

	if (r->rdlength && t + 1 < sizeof(r->text))
		r->text[t++] = ' ';
	/* one byte of text kept spare at the end, as this form always had */
	if (t + 1 < sizeof(r->text))
		np_hex_format(c->msg + c->pos, c->end - c->pos, &rfc3597, r->text + t,
			      sizeof(r->text) - t - 1);
	c->pos = c->end;
	return NP_DNS_OK;
}

static int decode_rdata(const uint8_t *msg, size_t len, struct np_dns_record *r)
{
	struct cursor c = { msg, len, r->rdata, r->rdata + r->rdlength };
	const struct np_rr_type *type = np_rr_find(r->type);
	size_t t = 0;
	int rc = NP_DNS_OK;

	if (!type || type->use != NP_RR_DATA)
		rc = rdata_unknown(&c, r);
	for (size_t i = 0; !rc && type && type->use == NP_RR_DATA && i < NP_RR_WIRE_MAX &&
	     type->wire[i] != NP_W_END; i++)
		rc = take_piece(&c, r, &t, type->wire[i]);
	if (!rc && c.pos != c.end)
		rc = NP_DNS_ESHORT;	/* rdata longer than its content: a lying rdlength */
	return rc;
}

/* ---- the message ------------------------------------------------------------- */

static void note_header(struct np_dns_message *m)
{
	char flags[64], rc[16];
	const struct np_dns_header *h = &m->h;

	np_dns_flags_text(h->flags, flags, sizeof(flags));
	note(m, 0, 2, "ID", "%u", h->id);
	note(m, 2, 2, "flags", "%s; opcode %s; rcode %s", flags[0] ? flags : "(none)",
	     np_dns_opcode_name(NP_DNS_OPCODE(h->flags)),
	     np_dns_rcode_name(NP_DNS_RCODE(h->flags), rc, sizeof(rc)));
	note(m, 4, 2, "QDCOUNT", "%u", h->qdcount);
	note(m, 6, 2, "ANCOUNT", "%u", h->ancount);
	note(m, 8, 2, "NSCOUNT", "%u", h->nscount);
	note(m, 10, 2, "ARCOUNT", "%u", h->arcount);
}

static void record_free(struct np_dns_record *r)
{
	free(r->strings);
	free(r->raw);
}

/* The records grow as they come: a record is 7 KiB, and a table of all 256
 * cleared up front (1.9 MiB) cost more than the rest of a lookup --file. */
static struct np_dns_record *new_record(struct np_dns_message *m)
{
	struct np_dns_record *r;

	if (m->nrecords == m->caprecords && m->caprecords < NP_DNS_MAX_RECORDS) {
		size_t cap = m->caprecords ? 2 * m->caprecords : 4;

		r = realloc(m->records, cap * sizeof(*r));
		if (r) {
			m->records = r;
			m->caprecords = cap;
		}
	}
	if (m->nrecords == m->caprecords) {	/* over the limit, or out of memory */
		m->dropped++;
		return NULL;
	}
	r = &m->records[m->nrecords++];
	memset(r, 0, sizeof(*r));
	return r;
}

static int decode_question(struct np_dns_message *m, struct np_dns_reader *rd)
{
	struct np_dns_record scratch, *r;
	size_t start = rd->off;
	char tb[16], cb[16];
	int rc;

	r = new_record(m);
	if (!r)
		r = &scratch;
	memset(r, 0, sizeof(*r));
	r->section = NP_SEC_QUESTION;
	r->offset = start;
	rc = np_dns_read_question(rd, r->name, sizeof(r->name), &r->type, &r->rclass);
	if (rc)
		return rc;
	if (m->annotate) {	/* the names are formatted for --dump only */
		note(m, start, rd->off - 4 - start, "QNAME", "%s", r->name);
		note(m, rd->off - 4, 2, "QTYPE", "%s", np_dns_type_name(r->type, tb, sizeof(tb)));
		note(m, rd->off - 2, 2, "QCLASS", "%s",
		     np_dns_class_name(r->rclass, cb, sizeof(cb)));
	}
	return 0;
}

static int decode_rr(struct np_dns_message *m, struct np_dns_reader *rd, enum np_dns_section sec)
{
	struct np_dns_record scratch, *r;
	struct np_dns_rr rr;
	size_t start = rd->off, head;
	char tb[16], cb[16];
	int rc = np_dns_read_rr(rd, &rr);

	if (rc)
		return rc;
	r = new_record(m);
	if (!r) {
		r = &scratch;
		memset(r, 0, sizeof(*r));
	}
	r->section = sec;
	memcpy(r->name, rr.name, sizeof(r->name));
	r->type = rr.type;
	r->rclass = rr.rclass;
	r->ttl = rr.ttl;
	r->rdlength = rr.rdlength;
	r->offset = start;
	r->rdata = rr.rdata;
	head = rr.rdata - 10;
	if (m->annotate) {
		note(m, start, head - start, "NAME", "%s", r->name);
		note(m, head, 2, "TYPE", "%s (%u)", np_dns_type_name(r->type, tb, sizeof(tb)),
		     r->type);
		note(m, head + 2, 2, "CLASS", "%s (%u)",
		     np_dns_class_name(r->rclass, cb, sizeof(cb)), r->rclass);
		note(m, head + 4, 4, "TTL", "%u s", r->ttl);
		note(m, head + 8, 2, "RDLENGTH", "%u bytes", r->rdlength);
	}
	/* OPT (EDNS) carries no rdata worth a presentation form here */
	rc = r->type == NP_RR_OPT ? (r->text[0] = '\0', NP_DNS_OK)
				       : decode_rdata(rd->msg, rd->len, r);
	if (!rc)
		note(m, rr.rdata, rr.rdlength, "RDATA", "%.150s", r->text);
	if (r == &scratch) {
		record_free(&scratch);
	} else if (rc) {	/* a record whose rdata lies is not listed half-decoded */
		record_free(r);
		m->nrecords--;
	}
	return rc;
}

int np_dns_decode(const uint8_t *msg, size_t len, struct np_dns_message *m)
{
	return np_dns_decode_as(msg, len, m, true);
}

int np_dns_decode_as(const uint8_t *msg, size_t len, struct np_dns_message *m, bool annotate)
{
	struct np_dns_reader rd;
	const uint16_t *counts[3];
	int rc;

	memset(m, 0, sizeof(*m));
	m->annotate = annotate;
	m->len = len;
	rc = np_dns_reader_init(&rd, msg, len, &m->h);
	if (rc)
		return rc;
	if (annotate)
		note_header(m);
	for (unsigned i = 0; i < m->h.qdcount; i++)
		if ((rc = decode_question(m, &rd)))
			return rc;
	counts[0] = &m->h.ancount;
	counts[1] = &m->h.nscount;
	counts[2] = &m->h.arcount;
	for (int s = 0; s < 3; s++)
		for (unsigned i = 0; i < *counts[s]; i++)
			if ((rc = decode_rr(m, &rd, (enum np_dns_section)(s + 1))))
				return rc;
	return NP_DNS_OK;	/* trailing bytes after the last record are tolerated */
}

void np_dns_message_free(struct np_dns_message *m)
{
	for (size_t i = 0; i < m->nrecords; i++)
		record_free(&m->records[i]);
	free(m->records);
	free(m->notes);
	memset(m, 0, sizeof(*m));
}
