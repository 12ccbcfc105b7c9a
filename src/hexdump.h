/* The one hex dumper: bytes as two hex digits each, for the JSON "hex" strings
 * (lowercase, nothing between), the spaced columns of the text --dump forms and
 * RFC 3597's unknown rdata (capitals, as dig writes it). */
#ifndef NP_HEXDUMP_H
#define NP_HEXDUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct np_hex_style {
	const char *sep;	/* between two bytes: "" or " " */
	size_t max;		/* at most this many bytes; 0: all of them */
	const char *more;	/* after max bytes when there were more (" .."), or NULL */
	bool upper;		/* capitals */
};

/* n bytes of b in style st into out, always NUL-terminated when outlen > 0;
 * stops before a byte (with its separator) or the mark that would not fit
 * whole. Returns the length written. */
size_t np_hex_format(const uint8_t *b, size_t n, const struct np_hex_style *st, char *out,
		     size_t outlen);
/* The length np_hex_format needs for n bytes (without the NUL). */
size_t np_hex_size(size_t n, const struct np_hex_style *st);

#endif
