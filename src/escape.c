/* One escaping routine, several dialects: a style says which bytes are printed as
 * they are, which get a backslash in front, which a name (\n), and whether the
 * rest are written \DDD (dig) or \xHH (C). */
#include <config.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "escape.h"

struct np_escape_rules {
	const char *backslashed;	/* printed after a backslash */
	bool named;			/* \n \r \t */
	bool decimal;			/* \DDD, else \xHH */
	bool space_plain;		/* space printed as it is */
	bool utf8;			/* valid UTF-8 sequences kept whole */
	bool ascii_plain;		/* every ASCII byte (controls too) kept */
};

static const struct np_escape_rules rules[] = {
	[NP_ESC_C] = { "\\\"", true, false, true, false, false },
	[NP_ESC_CTRL] = { "", false, false, true, false, false },
	[NP_ESC_DNS_TEXT] = { "\\\"", false, true, true, false, false },
	[NP_ESC_DNS_LABEL] = { ".\\\"();@$", false, true, false, false, false },
	[NP_ESC_UTF8] = { "", false, false, true, true, true },
};

size_t np_utf8_char_len(const uint8_t *s, size_t n)
{
	size_t len;
	uint32_t cp, min;

	if (n == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f, min = 0x80;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f, min = 0x800;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void np_utf8_trim_end(char *s)
{
	size_t n = strlen(s), start = n;

	/* back to the lead byte of the last character, at most 3 bytes back */
	while (start > 0 && n - start < 4 && ((uint8_t)s[start - 1] & 0xc0) == 0x80)
		start--;
	if (start == 0 || (uint8_t)s[start - 1] < 0xc0)
		return;	/* ends in ASCII, or in stray bytes: not a cut character */
	start--;
	if (np_utf8_char_len((const uint8_t *)s + start, n - start) != n - start)
		s[start] = '\0';
}

/* How the byte(s) at s are written: into e (up to 5 bytes), or kept as they
 * are (*keep bytes, a whole UTF-8 character). Returns the output length. */
static size_t escape_one(const struct np_escape_rules *r, const uint8_t *s, size_t n,
			 char e[5], size_t *keep)
{
	static const char named_from[] = "\n\r\t", named_to[] = "nrt";
	const char *p;
	uint8_t c = s[0];

	*keep = 0;
	if (c && strchr(r->backslashed, c)) {
		e[0] = '\\';
		e[1] = (char)c;
		return 2;
	}
	if (r->named && c && (p = strchr(named_from, c))) {
		e[0] = '\\';
		e[1] = named_to[p - named_from];
		return 2;
	}
	if ((c > 0x20 && c < 0x7f) || (c == ' ' && r->space_plain) || (c < 0x80 && r->ascii_plain))
		return *keep = 1;
	if (r->utf8 && (*keep = np_utf8_char_len(s, n)) > 0)
		return *keep;
	return (size_t)snprintf(e, 5, r->decimal ? "\\%03u" : "\\x%02x", c);
}

#define NP_STYLES (sizeof(rules) / sizeof(rules[0]))

/* Which ASCII bytes a style prints as they are, read from escape_one itself
 * once per style: names in a batch are almost all such bytes, and asking
 * escape_one (two strchr) per byte was a fifth of a batch's instructions. */
static const bool *plain_ascii(enum np_escape_style style)
{
	static bool plain[NP_STYLES][128], ready[NP_STYLES];

	if (!ready[style]) {
		for (unsigned c = 0; c < 128; c++) {
			uint8_t b = (uint8_t)c;
			char e[5];
			size_t keep, k = escape_one(&rules[style], &b, 1, e, &keep);

			plain[style][c] = k == 1 && keep == 1;	/* no lookahead below 0x80 */
		}
		ready[style] = true;
	}
	return plain[style];
}

size_t np_escape(const uint8_t *s, size_t n, enum np_escape_style style, char *out,
		 size_t outlen)
{
	const struct np_escape_rules *r = &rules[style];
	const bool *plain = plain_ascii(style);
	size_t o = 0, i = 0;

	if (outlen == 0)
		return 0;
	while (i < n) {
		char e[5];
		size_t keep, k;

		if (s[i] < 0x80 && plain[s[i]]) {
			if (o + 1 >= outlen)
				break;
			out[o++] = (char)s[i++];
			continue;
		}
		k = escape_one(r, s + i, n - i, e, &keep);

		if (o + k >= outlen)	/* room for it whole and the NUL, or stop */
			break;
		memcpy(out + o, keep ? (const char *)s + i : e, k);
		o += k;
		i += keep ? keep : 1;
	}
	out[o] = '\0';
	return o;
}

size_t np_escape_size(const uint8_t *s, size_t n, enum np_escape_style style)
{
	const struct np_escape_rules *r = &rules[style];
	const bool *plain = plain_ascii(style);
	size_t o = 0, i = 0;

	while (i < n) {
		char e[5];
		size_t keep;

		if (s[i] < 0x80 && plain[s[i]]) {
			o++;
			i++;
			continue;
		}
		o += escape_one(r, s + i, n - i, e, &keep);
		i += keep ? keep : 1;
	}
	return o;
}

const char *np_escape_str(const char *s, enum np_escape_style style, char *out, size_t outlen)
{
	np_escape((const uint8_t *)s, strlen(s), style, out, outlen);
	return out;
}
