/* Nagios threshold ranges, see thresholds.h. The numbers are the guidelines'
 * [-0-9.] (a leading '+' also taken), read by hand: no locale's decimal comma
 * and none of strtod's extras ("inf", "nan", hex, exponents) slips in. */
#include <config.h>

#include "thresholds.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "strbuf.h"

/* user text in a message: escaped (no control byte reaches the terminal), cut */
#define SHOWN_MAX 64

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* One number, the n bytes at s: [+-]digits[.digits] or [+-].digits. All the
 * digits make an integer, divided by the power of ten the point stands for: both
 * exact up to 15 digits, so the quotient is the correctly rounded value. */
static int parse_number(const char *s, size_t n, double *v)
{
	double mant = 0.0;
	int digits = 0, scale = 0;
	bool neg = false, point = false;
	size_t i = 0;

	if (i < n && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	for (; i < n; i++) {
		if (s[i] == '.' && !point) {
			point = true;
		} else if (isdigit((unsigned char)s[i])) {
			mant = mant * 10.0 + (s[i] - '0');
			digits++;
			scale += point;
		} else {
			return -1;
		}
	}
	if (digits == 0)
		return -1;
	if (isinf(mant))
		return -2;
	*v = (neg ? -mant : mant) / pow(10.0, scale);
	return 0;
}

/* A number or the end of the text, for the messages */
static int number_or_fail(const char *s, size_t n, double *v, const char *what,
			  const char *whole, char *err, size_t errlen)
{
	int rc = parse_number(s, n, v);

	if (rc == -2)
		return fail(err, errlen, "range '%s': the %s is too large", whole, what);
	if (rc < 0)
		return fail(err, errlen,
			    "range '%s': the %s is not a number (ranges are "
			    "[@][START:]END, e.g. 10, 10:, ~:10, 10:20, @10:20)",
			    whole, what);
	return 0;
}

static int parse_start(const char *s, size_t n, struct np_range *r, const char *whole,
		       char *err, size_t errlen)
{
	if (n == 1 && s[0] == '~') {
		r->start_inf = true;
		return 0;
	}
	if (n == 0)	/* ":10" is 0..10, as check_* take it */
		return 0;
	return number_or_fail(s, n, &r->start, "start", whole, err, errlen);
}

int np_range_parse(const char *s, struct np_range *r, char *err, size_t errlen)
{
	const char *body = s, *colon;
	struct np_range out = { .set = true };
	char shown[SHOWN_MAX];

	np_escape_str(s, NP_ESC_C, shown, sizeof(shown));
	s = shown;	/* the text is only read through body from here */

	if (*body == '@') {
		out.inside = true;
		body++;
	}
	if (*body == '\0')
		return fail(err, errlen, "range '%s' is empty (ranges are "
			    "[@][START:]END, e.g. 10, 10:, ~:10, 10:20, @10:20)", s);
	colon = strchr(body, ':');
	if (colon) {
		if (parse_start(body, (size_t)(colon - body), &out, s, err, errlen) < 0)
			return -1;
		body = colon + 1;
		out.end_inf = *body == '\0';
	}
	if (!out.end_inf &&
	    number_or_fail(body, strlen(body), &out.end, "end", s, err, errlen) < 0)
		return -1;
	if (!out.start_inf && !out.end_inf && out.start > out.end)
		return fail(err, errlen, "range '%s': the start is above the end", s);
	*r = out;
	return 0;
}

bool np_range_alerts(const struct np_range *r, double v)
{
	bool within;

	if (!r || !r->set)
		return false;
	within = !isnan(v) && (r->start_inf || v >= r->start) && (r->end_inf || v <= r->end);
	return r->inside ? within : !within;
}

bool np_range_format(const struct np_range *r, struct np_strbuf *b)
{
	if (!r || !r->set)
		return !b->failed;
	if (r->inside)
		np_strbuf_putc(b, '@');
	if (r->start_inf)
		np_strbuf_puts(b, "~:");
	else if (r->start != 0.0 || r->end_inf)
		np_strbuf_decimal(b, r->start, 15), np_strbuf_putc(b, ':');
	if (!r->end_inf)
		np_strbuf_decimal(b, r->end, 15);
	return !b->failed;
}

/* "20%" or "20": the percent sign is the reader's reminder, not required */
static int parse_loss(const char *s, struct np_range *r, char *err, size_t errlen)
{
	char buf[128];
	size_t n = strlen(s);

	if (n >= sizeof(buf))
		return fail(err, errlen, "loss range is too long");
	memcpy(buf, s, n + 1);
	if (n && buf[n - 1] == '%')
		buf[n - 1] = '\0';
	return np_range_parse(buf, r, err, errlen);
}

int np_thresholds_parse(const char *s, struct np_thresholds *t, char *err, size_t errlen)
{
	struct np_thresholds out = { { 0 }, { 0 } };
	const char *comma = strchr(s, ',');
	char time[128], shown[SHOWN_MAX];
	size_t n = comma ? (size_t)(comma - s) : strlen(s);

	np_escape_str(s, NP_ESC_C, shown, sizeof(shown));

	if (n == 0 && (!comma || comma[1] == '\0'))
		return fail(err, errlen, "'%s' gives no threshold (TIME[,LOSS%%], e.g. "
			    "0.5 or 0.5,20%% or ,20%%)", shown);
	if (n >= sizeof(time))
		return fail(err, errlen, "time range '%s' is too long", shown);
	memcpy(time, s, n);
	time[n] = '\0';
	if (n && np_range_parse(time, &out.time, err, errlen) < 0)
		return -1;
	if (comma && strchr(comma + 1, ','))
		return fail(err, errlen, "'%s' has more than TIME,LOSS%%", shown);
	if (comma && comma[1] && parse_loss(comma + 1, &out.loss, err, errlen) < 0)
		return -1;
	*t = out;
	return 0;
}

enum np_status np_range_status(const struct np_range *warn, const struct np_range *crit,
			       double v)
{
	if (np_range_alerts(crit, v))
		return NP_STATUS_CRITICAL;
	if (np_range_alerts(warn, v))
		return NP_STATUS_WARNING;
	return NP_STATUS_OK;
}

static int severity(enum np_status s)
{
	switch (s) {
	case NP_STATUS_OK:
		return 0;
	case NP_STATUS_UNKNOWN:
		return 1;
	case NP_STATUS_WARNING:
		return 2;
	case NP_STATUS_CRITICAL:
		return 3;
	}
	return 1;
}

enum np_status np_status_worse(enum np_status a, enum np_status b)
{
	return severity(a) >= severity(b) ? a : b;
}

const char *np_status_name(enum np_status s)
{
	switch (s) {
	case NP_STATUS_OK:
		return "OK";
	case NP_STATUS_WARNING:
		return "WARNING";
	case NP_STATUS_CRITICAL:
		return "CRITICAL";
	case NP_STATUS_UNKNOWN:
		return "UNKNOWN";
	}
	return "UNKNOWN";
}
