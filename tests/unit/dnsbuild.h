/* Hand-built DNS messages for the unit tests: a tiny writer with no checks, so a
 * test can write exactly the lie it wants the reader to catch. */
#ifndef NP_TEST_DNSBUILD_H
#define NP_TEST_DNSBUILD_H

#include <stdint.h>
#include <string.h>

struct msg {
	uint8_t b[2048];
	size_t n;
};

static inline void put8(struct msg *m, unsigned v) { m->b[m->n++] = (uint8_t)v; }
static inline void put16(struct msg *m, unsigned v) { put8(m, v >> 8); put8(m, v & 0xff); }
static inline void put32(struct msg *m, uint32_t v) { put16(m, v >> 16); put16(m, v & 0xffff); }
static inline void putbytes(struct msg *m, const void *p, size_t n)
{
	memcpy(m->b + m->n, p, n);
	m->n += n;
}

/* "www.example.test" -> 3www7example4test0 */
static inline void putname(struct msg *m, const char *name)
{
	while (*name) {
		const char *dot = strchr(name, '.');
		size_t len = dot ? (size_t)(dot - name) : strlen(name);

		put8(m, (unsigned)len);
		putbytes(m, name, len);
		name += len + (dot ? 1 : 0);
	}
	put8(m, 0);
}

static inline void putheader(struct msg *m, unsigned id, unsigned flags, unsigned qd,
			     unsigned an, unsigned ns, unsigned ar)
{
	m->n = 0;
	put16(m, id); put16(m, flags); put16(m, qd); put16(m, an); put16(m, ns); put16(m, ar);
}

/* Response flags: QR, RD, RA and the rcode. */
#define RESP(rcode) (0x8000u | 0x0100u | 0x0080u | (rcode))

static inline void putquestion(struct msg *m, const char *name, unsigned type)
{
	putname(m, name);
	put16(m, type);
	put16(m, 1);
}

static inline void putrr_head(struct msg *m, const char *name, unsigned type, uint32_t ttl,
			      unsigned rdlength)
{
	putname(m, name);
	put16(m, type);
	put16(m, 1);
	put32(m, ttl);
	put16(m, rdlength);
}

static inline void put_a(struct msg *m, const char *name, uint32_t ttl, const uint8_t ip[4])
{
	putrr_head(m, name, 1, ttl, 4);
	putbytes(m, ip, 4);
}

static inline void put_cname(struct msg *m, const char *name, uint32_t ttl, const char *target)
{
	struct msg t = { .n = 0 };

	putname(&t, target);
	putrr_head(m, name, 5, ttl, (unsigned)t.n);
	putbytes(m, t.b, t.n);
}

#endif
