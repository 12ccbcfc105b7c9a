/* Prometheus text exposition format 0.0.4, see promtext.h. The rules are the
 * format's: HELP escapes \\ and \n, label values \\, \" and \n; the names'
 * character sets; NaN, +Inf, -Inf. What promtool's parser refuses besides
 * (text that is not UTF-8) is written as visible \xHH text instead. */
#include <config.h>

#include "promtext.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "escape.h"

void np_prom_init(struct np_prom *p, struct np_strbuf *out)
{
	memset(p, 0, sizeof(*p));
	p->out = out;
	np_strbuf_init(&p->seen);
}

void np_prom_free(struct np_prom *p)
{
	np_strbuf_free(&p->seen);
}

static int refuse(struct np_prom *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int refuse(struct np_prom *p, const char *fmt, ...)
{
	va_list ap;

	if (p->error == 0) {
		va_start(ap, fmt);
		vsnprintf(p->message, sizeof(p->message), fmt, ap);
		va_end(ap);
	}
	p->error = -1;
	return -1;
}

static bool is_alpha_(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool metric_name_ok(const char *name)
{
	if (!name || !(is_alpha_(*name) || *name == ':'))
		return false;
	for (name++; *name; name++)
		if (!is_alpha_(*name) && !is_digit(*name) && *name != ':')
			return false;
	return true;
}

static bool label_name_ok(const char *name)
{
	if (!name || !is_alpha_(*name) || strncmp(name, "__", 2) == 0)
		return false;
	for (name++; *name; name++)
		if (!is_alpha_(*name) && !is_digit(*name))
			return false;
	return true;
}

/* Text in a HELP line or a label value. `quote`: also \" (label values). */
static void put_text(struct np_strbuf *b, const char *text, bool quote)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t n = strlen(text), i = 0;

	while (i < n) {
		size_t cl = np_utf8_char_len(s + i, n - i);

		if (s[i] == '\\')
			np_strbuf_puts(b, "\\\\");
		else if (s[i] == '\n')
			np_strbuf_puts(b, "\\n");
		else if (s[i] == '"' && quote)
			np_strbuf_puts(b, "\\\"");
		else if (cl == 0 || s[i] < 0x20 || s[i] == 0x7f)
			np_strbuf_printf(b, "\\\\x%02x", s[i]);	/* reads as \xHH */
		else
			np_strbuf_append(b, (const char *)s + i, cl);
		i += cl ? cl : 1;
	}
}

static const char *type_name(enum np_prom_type t)
{
	switch (t) {
	case NP_PROM_GAUGE:
		return "gauge";
	case NP_PROM_COUNTER:
		return "counter";
	case NP_PROM_UNTYPED:
		return "untyped";
	}
	return NULL;
}

static bool seen_before(struct np_prom *p, const char *name)
{
	const char *s = np_strbuf_str(&p->seen);
	size_t n = strlen(name);

	for (const char *q = strstr(s, name); q; q = strstr(q + 1, name))
		if (q > s && q[-1] == '\n' && q[n] == '\n')
			return true;
	return false;
}

static int check_family(struct np_prom *p, const char *name, enum np_prom_type type,
			const char *help)
{
	size_t n;

	if (!metric_name_ok(name))
		return refuse(p, "metric name '%.60s' is not [a-zA-Z_:][a-zA-Z0-9_:]*",
			      name ? name : "(null)");
	n = strlen(name);
	if (n >= sizeof(p->family))
		return refuse(p, "metric name '%.60s...' is too long", name);
	if (!type_name(type))
		return refuse(p, "metric %s: no such type %d", name, (int)type);
	if (type == NP_PROM_COUNTER && (n < 6 || strcmp(name + n - 6, "_total") != 0))
		return refuse(p, "counter %s: a counter's name ends in _total", name);
	if (!help || !*help)
		return refuse(p, "metric %s: no HELP text", name);
	if (seen_before(p, name))
		return refuse(p, "metric %s: family begun twice (its samples would not "
			      "be contiguous)", name);
	return 0;
}

int np_prom_family(struct np_prom *p, const char *name, enum np_prom_type type,
		   const char *help)
{
	if (p->error || check_family(p, name, type, help) < 0)
		return -1;
	if (p->seen.len == 0)
		np_strbuf_putc(&p->seen, '\n');
	np_strbuf_puts(&p->seen, name);
	np_strbuf_putc(&p->seen, '\n');
	strcpy(p->family, name);	/* length checked */
	p->type = type;
	np_strbuf_printf(p->out, "# HELP %s ", name);
	put_text(p->out, help, false);
	np_strbuf_printf(p->out, "\n# TYPE %s %s\n", name, type_name(type));
	return 0;
}

static int check_labels(struct np_prom *p, const struct np_prom_label *l, size_t n)
{
	if (n > NP_PROM_MAX_LABELS)
		return refuse(p, "metric %s: %zu labels, more than %d", p->family, n,
			      NP_PROM_MAX_LABELS);
	for (size_t i = 0; i < n; i++) {
		if (!label_name_ok(l[i].name))
			return refuse(p, "metric %s: label name '%.60s' is not "
				      "[a-zA-Z_][a-zA-Z0-9_]* or starts with __",
				      p->family, l[i].name ? l[i].name : "(null)");
		if (!l[i].value)
			return refuse(p, "metric %s: label %s has no value", p->family,
				      l[i].name);
		for (size_t j = 0; j < i; j++)
			if (strcmp(l[i].name, l[j].name) == 0)
				return refuse(p, "metric %s: label %s given twice",
					      p->family, l[i].name);
	}
	return 0;
}

/* The name and labels of a sample, up to the space before its value; nothing
 * written when the sample is refused. */
static int sample_head(struct np_prom *p, const struct np_prom_label *l, size_t n,
		       bool negative)
{
	if (p->error)
		return -1;
	if (!p->family[0])
		return refuse(p, "a sample before any np_prom_family");
	if (negative && p->type == NP_PROM_COUNTER)
		return refuse(p, "counter %s: negative value", p->family);
	if (check_labels(p, l, n) < 0)
		return -1;
	np_strbuf_puts(p->out, p->family);
	for (size_t i = 0; i < n; i++) {
		np_strbuf_printf(p->out, "%c%s=\"", i ? ',' : '{', l[i].name);
		put_text(p->out, l[i].value, true);
		np_strbuf_putc(p->out, '"');
	}
	np_strbuf_puts(p->out, n ? "} " : " ");
	return 0;
}

int np_prom_sample(struct np_prom *p, const struct np_prom_label *labels, size_t n,
		   double value)
{
	if (sample_head(p, labels, n, value < 0) < 0)
		return -1;
	np_strbuf_float(p->out, value);
	np_strbuf_putc(p->out, '\n');
	return 0;
}

int np_prom_sample_int(struct np_prom *p, const struct np_prom_label *labels, size_t n,
		       int64_t value)
{
	if (sample_head(p, labels, n, value < 0) < 0)
		return -1;
	np_strbuf_printf(p->out, "%" PRId64 "\n", value);
	return 0;
}

int np_prom_sample_uint(struct np_prom *p, const struct np_prom_label *labels, size_t n,
			uint64_t value)
{
	if (sample_head(p, labels, n, false) < 0)
		return -1;
	np_strbuf_printf(p->out, "%" PRIu64 "\n", value);
	return 0;
}

int np_prom_finish(struct np_prom *p)
{
	if (!p->error && (p->out->failed || p->seen.failed))
		refuse(p, "out of memory while writing the exposition");
	return p->error;
}

const char *np_prom_error(const struct np_prom *p)
{
	return p->message;
}
