/* A growable string that reporters build their output in before writing it in
 * one go (perfdata after the Nagios status line, a whole Prometheus exposition).
 * A failed allocation is sticky: later appends do nothing and `failed` stays set,
 * so a builder checks once at the end instead of after every append. */
#ifndef NP_STRBUF_H
#define NP_STRBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct np_strbuf {
	char *s;	/* NUL-terminated once anything was appended; NULL before */
	size_t len;
	size_t cap;
	bool failed;	/* an allocation failed: the content is cut short */
};

#define NP_STRBUF_INIT { NULL, 0, 0, false }

void np_strbuf_init(struct np_strbuf *b);
void np_strbuf_free(struct np_strbuf *b);
/* Empty it, keeping the memory (and clearing `failed`). */
void np_strbuf_reset(struct np_strbuf *b);
/* Room for n more bytes and the NUL. False once `failed`. */
bool np_strbuf_grow(struct np_strbuf *b, size_t n);
/* Append n bytes of s (which may hold no NUL). False once `failed`. Inline: the
 * JSON writer appends a few bytes at a time, a few hundred times a report. */
static inline bool np_strbuf_append(struct np_strbuf *b, const char *s, size_t n)
{
	if ((b->failed || n >= b->cap - b->len) && !np_strbuf_grow(b, n))
		return false;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	return true;
}

static inline bool np_strbuf_putc(struct np_strbuf *b, char c)
{
	return np_strbuf_append(b, &c, 1);
}

bool np_strbuf_puts(struct np_strbuf *b, const char *s);
bool np_strbuf_printf(struct np_strbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The content, "" when nothing was appended. */
const char *np_strbuf_str(const struct np_strbuf *b);
/* Cut the content back to len bytes (len <= b->len), to undo a partial item. */
void np_strbuf_truncate(struct np_strbuf *b, size_t len);

/* A number in plain decimal, never an exponent, whatever LC_NUMERIC says:
 * at most `sig` significant digits and at most 9 decimals, trailing zeros cut,
 * "-0" written "0". For Nagios perfdata and ranges, whose numbers are [-0-9.].
 * Not for NaN or infinities (the caller decides what they mean). */
bool np_strbuf_decimal(struct np_strbuf *b, double v, int sig);
/* The shortest text that reads back as exactly v (up to %.17g), '.' as the
 * decimal point whatever the locale; may use an exponent. NaN and infinities
 * as "NaN", "+Inf", "-Inf" (Prometheus' spelling). */
bool np_strbuf_float(struct np_strbuf *b, double v);

#endif
