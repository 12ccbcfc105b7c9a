/* DNS wire format reader (RFC 1035 section 4). Names come out in presentation form
 * with dig's escapes (\. and \DDD), so a hostile name cannot forge text. */
#include <config.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include "bytes.h"
#include "dnsmsg.h"
#include "escape.h"

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
	case NP_DNS_EBADNAME: return "name does not fit in the message";
	case NP_DNS_EEMPTYLABEL: return "name has an empty label (two dots in a row, or a leading dot)";
	case NP_DNS_ELABELLEN: return "a label is longer than 63 octets";
	case NP_DNS_EESCAPE: return "bad escape: write \\X for a character or \\DDD (three digits, 000 to 255) for a byte";
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

int np_dns_reader_init(struct np_dns_reader *r, const uint8_t *msg, size_t len,
		       struct np_dns_header *h)
{
	*r = (struct np_dns_reader){ .msg = msg, .len = len, .off = 12 };
	if (len < 12)
		return NP_DNS_ESHORT;
	*h = (struct np_dns_header){ np_get16(msg), np_get16(msg + 2), np_get16(msg + 4),
				     np_get16(msg + 6), np_get16(msg + 8), np_get16(msg + 10) };
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
			size_t target = np_get16(msg + pos) & 0x3fff;

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
	*type = np_get16(r->msg + r->off);
	*rclass = np_get16(r->msg + r->off + 2);
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
	rr->type = np_get16(p);
	rr->rclass = np_get16(p + 2);
	rr->ttl = np_get32(p + 4);
	rr->rdlength = np_get16(p + 8);
	rr->rdata = r->off + 10;
	if (rr->rdata + rr->rdlength > r->len)
		return NP_DNS_ESHORT;
	r->off = rr->rdata + rr->rdlength;
	return NP_DNS_OK;
}

/* n wire bytes equal, ASCII letters folded (length bytes are below 64, so
 * folding them as letters is harmless). */
static bool wire_eq(const uint8_t *a, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int ca = a[i] >= 'A' && a[i] <= 'Z' ? a[i] + 32 : a[i];
		int cb = b[i] >= 'A' && b[i] <= 'Z' ? b[i] + 32 : b[i];

		if (ca != cb)
			return false;
	}
	return true;
}

int np_dns_name_eq(const char *a, const char *b)
{
	uint8_t wa[256], wb[256];
	size_t la, lb;

	if (np_dns_name_to_wire(a, wa, sizeof(wa), &la) != NP_DNS_OK ||
	    np_dns_name_to_wire(b, wb, sizeof(wb), &lb) != NP_DNS_OK || la != lb)
		return 0;
	return wire_eq(wa, wb, la);
}

bool np_dns_name_is_under(const char *name, const char *zone)
{
	uint8_t wn[256], wz[256];
	size_t ln, lz;

	if (np_dns_name_to_wire(name, wn, sizeof(wn), &ln) != NP_DNS_OK ||
	    np_dns_name_to_wire(zone, wz, sizeof(wz), &lz) != NP_DNS_OK)
		return false;
	/* walk name's labels: the zone must be one of its suffixes, label-aligned */
	for (size_t off = 0; off < ln; off += (size_t)wn[off] + 1) {
		if (ln - off == lz && wire_eq(wn + off, wz, lz))
			return true;
		if (wn[off] == 0)
			break;
	}
	return false;
}

/* One character of a presentation name at *p: a byte, with \X and \DDD decoded
 * (exactly three digits, as dig and BIND want them). Advances *p past it. */
static int next_byte(const char **p, unsigned *c)
{
	const char *s = *p;

	if (s[0] != '\\') {
		*c = (unsigned char)s[0];
		*p = s + 1;
		return NP_DNS_OK;
	}
	if (!isdigit((unsigned char)s[1])) {
		if (!s[1])
			return NP_DNS_EESCAPE;
		*c = (unsigned char)s[1];
		*p = s + 2;
		return NP_DNS_OK;
	}
	if (!isdigit((unsigned char)s[2]) || !isdigit((unsigned char)s[3]))
		return NP_DNS_EESCAPE;
	*c = (unsigned)((s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0'));
	*p = s + 4;
	return *c > 255 ? NP_DNS_EESCAPE : NP_DNS_OK;
}

int np_dns_name_to_wire(const char *name, uint8_t *out, size_t cap, size_t *len)
{
	size_t n = 1, lab = 0;	/* lab: where the current label's length byte is */
	uint8_t w[256];

	if (strcmp(name, ".") == 0)
		name = "";	/* the root: no label at all */
	else if (!*name)
		return NP_DNS_EEMPTYLABEL;
	w[0] = 0;
	for (const char *p = name; *p;) {
		unsigned c;
		int rc;

		if (*p == '.') {
			if (w[lab] == 0)
				return NP_DNS_EEMPTYLABEL;
			p++;
			if (!*p)
				break;	/* a final dot: the root closes the name below */
			lab = n;
			if (n == sizeof(w))
				return NP_DNS_ENAMELEN;
			w[n++] = 0;
			continue;
		}
		if ((rc = next_byte(&p, &c)) != NP_DNS_OK)
			return rc;
		if (w[lab] == 63)
			return NP_DNS_ELABELLEN;
		if (n == sizeof(w))
			return NP_DNS_ENAMELEN;
		w[lab]++;
		w[n++] = (uint8_t)c;
	}
	if (w[lab] != 0) {	/* close the last label with the root */
		if (n == sizeof(w))
			return NP_DNS_ENAMELEN;
		w[n++] = 0;
	}
	if (n > 255)
		return NP_DNS_ENAMELEN;
	if (n > cap)
		return NP_DNS_EBADNAME;
	memcpy(out, w, n);
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
	np_put16(buf, id);
	buf[2] = rd ? 0x01 : 0x00;	/* opcode QUERY, RD as asked */
	buf[5] = 1;			/* QDCOUNT */
	rc = np_dns_name_to_wire(name, buf + 12, cap - 12 - 4, &nl);
	if (rc)
		return rc;
	np_put16(buf + 12 + nl, type);
	buf[14 + nl] = 0;
	buf[15 + nl] = 1;		/* class IN */
	*len = 16 + nl;
	return NP_DNS_OK;
}

/* c-ares 1.18's ares_send keeps the ID it is given (only ares_query draws one),
 * so draw an unpredictable one per query: an attacker off the path must guess. */
/* Ids come from a buffer filled by one getrandom() per 256 queries: a syscall
 * per query showed in batch profiles, and the ids stay as unpredictable. */
#define NP_ID_POOL 256

uint16_t np_dns_query_id(void)
{
	static uint16_t pool[NP_ID_POOL];
	static size_t left;
	struct timespec ts;

	if (left == 0) {
		if (getrandom(pool, sizeof(pool), GRND_NONBLOCK) == (ssize_t)sizeof(pool)) {
			left = NP_ID_POOL;
		} else {	/* no entropy yet (early boot): one id from the clock */
			clock_gettime(CLOCK_MONOTONIC, &ts);
			return (uint16_t)(ts.tv_nsec ^ ts.tv_sec);
		}
	}
	return pool[--left];
}
