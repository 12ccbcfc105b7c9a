/* The one hex dumper (see hexdump.h). Written by hand rather than with
 * snprintf per byte: the forms differ only in separator, cut and case. */
#include <config.h>
#include <string.h>
#include "hexdump.h"

static size_t shown(size_t n, const struct np_hex_style *st)
{
	return st->max && n > st->max ? st->max : n;
}

size_t np_hex_size(size_t n, const struct np_hex_style *st)
{
	size_t k = shown(n, st);

	if (!k)
		return 0;
	return 2 * k + (k - 1) * strlen(st->sep) + (k < n && st->more ? strlen(st->more) : 0);
}

/* Append s when it fits with the NUL still after it. */
static void put(char *out, size_t outlen, size_t *used, const char *s, size_t len)
{
	if (*used + len >= outlen)
		return;
	memcpy(out + *used, s, len);
	*used += len;
}

size_t np_hex_format(const uint8_t *b, size_t n, const struct np_hex_style *st, char *out,
		     size_t outlen)
{
	const char *digits = st->upper ? "0123456789ABCDEF" : "0123456789abcdef";
	size_t k = shown(n, st), used = 0, seplen = strlen(st->sep), i;

	if (!outlen)
		return 0;
	for (i = 0; i < k; i++) {
		char pair[2] = { digits[b[i] >> 4], digits[b[i] & 0xf] };

		/* the separator and its byte go in together, or neither does */
		if (used + (i ? seplen : 0) + 2 >= outlen)
			break;
		if (i)
			put(out, outlen, &used, st->sep, seplen);
		put(out, outlen, &used, pair, 2);
	}
	if (i == k && k < n && st->more)	/* the mark only after every byte shown */
		put(out, outlen, &used, st->more, strlen(st->more));
	out[used] = '\0';
	return used;
}
