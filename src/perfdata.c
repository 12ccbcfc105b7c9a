/* Nagios performance data, see perfdata.h. */
#include <config.h>

#include "perfdata.h"

#include <math.h>
#include <string.h>

#include "escape.h"
#include "strbuf.h"

#define PERF_DIGITS 6

const char *np_uom_name(enum np_uom u)
{
	static const char *const names[] = {
		[NP_UOM_NONE] = "", [NP_UOM_S] = "s", [NP_UOM_MS] = "ms",
		[NP_UOM_US] = "us", [NP_UOM_PERCENT] = "%", [NP_UOM_B] = "B",
		[NP_UOM_KB] = "KB", [NP_UOM_MB] = "MB", [NP_UOM_TB] = "TB",
		[NP_UOM_COUNTER] = "c",
	};

	return (unsigned)u < sizeof(names) / sizeof(names[0]) ? names[u] : "";
}

static bool is_bare(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-';
}

static bool needs_quotes(const char *s)
{
	for (; *s; s++)
		if (!is_bare((unsigned char)*s))
			return true;
	return false;
}

bool np_perfdata_label(struct np_strbuf *b, const char *label)
{
	const unsigned char *s = (const unsigned char *)label;
	size_t n = strlen(label), i = 0;
	bool quote = needs_quotes(label);

	if (n == 0)
		return np_strbuf_putc(b, '_');
	if (quote)
		np_strbuf_putc(b, '\'');
	while (i < n) {
		size_t cl = np_utf8_char_len(s + i, n - i);

		if (cl == 0 || s[i] < 0x20 || s[i] == 0x7f || s[i] == '=' || s[i] == '|') {
			np_strbuf_putc(b, '_');
			i++;
			continue;
		}
		if (s[i] == '\'')
			np_strbuf_putc(b, '\'');
		np_strbuf_append(b, (const char *)s + i, cl);
		i += cl;
	}
	if (quote)
		np_strbuf_putc(b, '\'');
	return !b->failed;
}

/* A number field; nothing for NaN (an absent min or max) */
static void number(struct np_strbuf *b, double v)
{
	if (isnan(v))
		return;
	if (isinf(v))	/* no spelling in [-0-9.]: the field is left empty */
		return;
	np_strbuf_decimal(b, v, PERF_DIGITS);
}

bool np_perfdata_add(struct np_strbuf *b, const struct np_perf *p)
{
	size_t fields_end;

	if (b->len)
		np_strbuf_putc(b, ' ');
	np_perfdata_label(b, p->label);
	np_strbuf_putc(b, '=');
	if (isfinite(p->value)) {
		np_strbuf_decimal(b, p->value, PERF_DIGITS);
		np_strbuf_puts(b, np_uom_name(p->uom));
	} else {
		np_strbuf_putc(b, 'U');	/* the guidelines' "undetermined" */
	}
	fields_end = b->len;
	np_strbuf_putc(b, ';');
	np_range_format(p->warn, b);
	np_strbuf_putc(b, ';');
	np_range_format(p->crit, b);
	np_strbuf_putc(b, ';');
	number(b, p->min);
	np_strbuf_putc(b, ';');
	number(b, p->max);
	if (b->failed)
		return false;
	/* trailing empty fields are optional: cut the run of ';' at the end */
	while (b->len > fields_end && b->s[b->len - 1] == ';')
		b->len--;
	b->s[b->len] = '\0';
	return true;
}
