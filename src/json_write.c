/* JSON text of a jansson tree: what json_dumps prints, without its cycle check.
 * See json_write.h. */
#include <config.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "json_write.h"

#define PRECISION 12	/* JSON_REAL_PRECISION(12), as every report asks */

/* For each byte: 0 when it stands for itself, else the letter after the
 * backslash ('u' for \u00XX). Bytes from 0x80 up are UTF-8 that jansson already
 * checked when the string was made: they pass as they are. */
static const char escape_of[256] = {
	['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n', ['\r'] = 'r', ['\t'] = 't',
	[0x00] = 'u', [0x01] = 'u', [0x02] = 'u', [0x03] = 'u', [0x04] = 'u', [0x05] = 'u',
	[0x06] = 'u', [0x07] = 'u', [0x0b] = 'u', [0x0e] = 'u', [0x0f] = 'u', [0x10] = 'u',
	[0x11] = 'u', [0x12] = 'u', [0x13] = 'u', [0x14] = 'u', [0x15] = 'u', [0x16] = 'u',
	[0x17] = 'u', [0x18] = 'u', [0x19] = 'u', [0x1a] = 'u', [0x1b] = 'u', [0x1c] = 'u',
	[0x1d] = 'u', [0x1e] = 'u', [0x1f] = 'u', ['"'] = '"', ['\\'] = '\\',
};

static void put_string(struct np_strbuf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t run = 0;

	np_strbuf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		char e = escape_of[(uint8_t)s[i]];

		if (!e)
			continue;
		np_strbuf_append(b, s + run, i - run);
		run = i + 1;
		if (e == 'u') {
			char u[6] = { '\\', 'u', '0', '0', hex[(uint8_t)s[i] >> 4],
				      hex[s[i] & 0xf] };

			np_strbuf_append(b, u, sizeof(u));
		} else {
			char two[2] = { '\\', e };

			np_strbuf_append(b, two, sizeof(two));
		}
	}
	np_strbuf_append(b, s + run, n - run);
	np_strbuf_putc(b, '"');
}

static void put_integer(struct np_strbuf *b, json_int_t v)
{
	char buf[24], *p = buf + sizeof(buf);
	/* through unsigned: the most negative value has no positive twin */
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	np_strbuf_append(b, p, (size_t)(buf + sizeof(buf) - p));
}

/* %.12g, then as jansson has it: ".0" when neither a point nor an exponent
 * shows it is a real, and the exponent without its '+' and leading zeros. The
 * program never calls setlocale, so the decimal point is '.'. */
static void put_real(struct np_strbuf *b, double v)
{
	char buf[40];
	int n = snprintf(buf, sizeof(buf), "%.*g", PRECISION, v);
	char *e;

	if (n < 0 || (size_t)n >= sizeof(buf) - 2) {
		b->failed = true;	/* cannot happen at 12 digits: say so rather than cut */
		return;
	}
	e = strchr(buf, 'e');
	if (!e) {
		np_strbuf_append(b, buf, (size_t)n);
		if (!strchr(buf, '.'))
			np_strbuf_append(b, ".0", 2);
		return;
	}
	np_strbuf_append(b, buf, (size_t)(e - buf) + 1);
	e++;
	if (*e == '-')
		np_strbuf_putc(b, *e);
	if (*e == '-' || *e == '+')
		e++;
	while (*e == '0' && e[1])
		e++;
	np_strbuf_puts(b, e);
}

/* A new line at the given level (pretty output only). */
static void put_newline(struct np_strbuf *b, int indent, int level)
{
	static const char spaces[] = "                                ";
	size_t n = (size_t)indent * (size_t)level;

	np_strbuf_putc(b, '\n');
	for (; n > sizeof(spaces) - 1; n -= sizeof(spaces) - 1)
		np_strbuf_append(b, spaces, sizeof(spaces) - 1);
	np_strbuf_append(b, spaces, n);
}

static void put_value(struct np_strbuf *b, const json_t *v, int indent, int level)
{
	switch (json_typeof(v)) {
	case JSON_NULL:
		np_strbuf_append(b, "null", 4);
		break;
	case JSON_TRUE:
		np_strbuf_append(b, "true", 4);
		break;
	case JSON_FALSE:
		np_strbuf_append(b, "false", 5);
		break;
	case JSON_INTEGER:
		put_integer(b, json_integer_value(v));
		break;
	case JSON_REAL:
		put_real(b, json_real_value(v));
		break;
	case JSON_STRING:
		put_string(b, json_string_value(v), json_string_length(v));
		break;
	case JSON_ARRAY: {
		size_t n = json_array_size(v);

		np_strbuf_putc(b, '[');
		for (size_t i = 0; i < n; i++) {
			if (i)
				np_strbuf_putc(b, ',');
			if (indent)
				put_newline(b, indent, level + 1);
			put_value(b, json_array_get(v, i), indent, level + 1);
		}
		if (n && indent)
			put_newline(b, indent, level);
		np_strbuf_putc(b, ']');
		break;
	}
	case JSON_OBJECT: {
		void *it = json_object_iter((json_t *)v);
		bool first = true;

		np_strbuf_putc(b, '{');
		for (; it; it = json_object_iter_next((json_t *)v, it), first = false) {
			if (!first)
				np_strbuf_putc(b, ',');
			if (indent)
				put_newline(b, indent, level + 1);
			put_string(b, json_object_iter_key(it), json_object_iter_key_len(it));
			np_strbuf_append(b, ": ", indent ? 2 : 1);
			put_value(b, json_object_iter_value(it), indent, level + 1);
		}
		if (!first && indent)
			put_newline(b, indent, level);
		np_strbuf_putc(b, '}');
		break;
	}
	}
}

bool np_json_write(struct np_strbuf *b, const json_t *v, int indent, int depth)
{
	put_value(b, v, indent, depth);
	return !b->failed;
}
