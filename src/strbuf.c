/* Growable string, see strbuf.h. */
#include <config.h>

#include "strbuf.h"

#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void np_strbuf_init(struct np_strbuf *b)
{
	*b = (struct np_strbuf)NP_STRBUF_INIT;
}

void np_strbuf_free(struct np_strbuf *b)
{
	free(b->s);
	np_strbuf_init(b);
}

void np_strbuf_reset(struct np_strbuf *b)
{
	b->len = 0;
	b->failed = false;
	if (b->s)
		b->s[0] = '\0';
}

/* Doubling keeps appends amortised linear. */
bool np_strbuf_grow(struct np_strbuf *b, size_t need)
{
	size_t c = b->cap ? b->cap : 128;
	char *p;

	if (b->failed)
		return false;
	if (need < b->cap - b->len)
		return true;
	if (need >= ((size_t)-1) / 2 - b->len) {
		b->failed = true;
		return false;
	}
	while (c - b->len <= need)
		c *= 2;
	if (!(p = realloc(b->s, c))) {
		b->failed = true;
		return false;
	}
	b->s = p;
	b->cap = c;
	return true;
}

bool np_strbuf_puts(struct np_strbuf *b, const char *s)
{
	return np_strbuf_append(b, s, strlen(s));
}

bool np_strbuf_printf(struct np_strbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!np_strbuf_grow(b, 0))
		return false;
	va_start(ap, fmt);
	n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->s[b->len] = '\0';
		b->failed = true;
		return false;
	}
	if ((size_t)n >= b->cap - b->len) {
		if (!np_strbuf_grow(b, (size_t)n)) {
			b->s[b->len] = '\0';	/* vsnprintf wrote a cut copy there */
			return false;
		}
		va_start(ap, fmt);
		vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
	return true;
}

const char *np_strbuf_str(const struct np_strbuf *b)
{
	return b->s ? b->s : "";
}

void np_strbuf_truncate(struct np_strbuf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->s[len] = '\0';
	}
}

/* printf obeys LC_NUMERIC: put '.' back where the locale wrote its own point,
 * from offset `from` of the buffer (the number just printed). */
static void c_point(struct np_strbuf *b, size_t from)
{
	const char *dp = localeconv()->decimal_point;
	size_t dl = strlen(dp);
	char *p;

	if (!b->s || (dl == 1 && dp[0] == '.') || dl == 0)
		return;
	p = strstr(b->s + from, dp);
	if (!p)
		return;
	*p = '.';
	memmove(p + 1, p + dl, strlen(p + dl) + 1);
	b->len -= dl - 1;
}

bool np_strbuf_decimal(struct np_strbuf *b, double v, int sig)
{
	size_t from = b->len;
	int decimals = 0;

	if (!isfinite(v))
		return np_strbuf_float(b, v);
	if (v != 0.0) {
		int mag = (int)floor(log10(fabs(v)));

		decimals = sig - 1 - mag;
		decimals = decimals < 0 ? 0 : decimals > 9 ? 9 : decimals;
	}
	if (!np_strbuf_printf(b, "%.*f", decimals, v))
		return false;
	c_point(b, from);
	if (decimals > 0) {
		while (b->s[b->len - 1] == '0')
			b->len--;
		if (b->s[b->len - 1] == '.')
			b->len--;
		b->s[b->len] = '\0';
	}
	if (strcmp(b->s + from, "-0") == 0)
		np_strbuf_truncate(b, from), np_strbuf_putc(b, '0');
	return !b->failed;
}

bool np_strbuf_float(struct np_strbuf *b, double v)
{
	size_t from = b->len;

	if (isnan(v))
		return np_strbuf_puts(b, "NaN");
	if (isinf(v))
		return np_strbuf_puts(b, v > 0 ? "+Inf" : "-Inf");
	/* read back in the same locale the digits were written in */
	for (int prec = 15; prec <= 17; prec++) {
		np_strbuf_truncate(b, from);
		if (!np_strbuf_printf(b, "%.*g", prec, v))
			return false;
		if (strtod(b->s + from, NULL) == v)
			break;
	}
	c_point(b, from);
	return true;
}
