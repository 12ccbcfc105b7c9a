/* Threshold ranges as the Nagios plugin development guidelines define them, and
 * netprobe's -w/--warning and -c/--critical values built from them. Pure: no
 * output, no state; the Nagios and Prometheus reporters call these. */
#ifndef NP_THRESHOLDS_H
#define NP_THRESHOLDS_H

#include <stdbool.h>
#include <stddef.h>

struct np_strbuf;

/* [@][START:]END: alert when the value is outside START..END (ends included),
 * or inside it with '@'. START defaults to 0, "~" is -infinity, an empty END is
 * +infinity. "10" is 0..10, "10:" is 10..inf, "~:10" is -inf..10. */
struct np_range {
	bool set;		/* false: no range given, never alerts */
	bool inside;		/* '@': alert inside instead of outside */
	bool start_inf;		/* "~": no lower end */
	bool end_inf;		/* "N:": no upper end */
	double start;
	double end;
};

/* The plugin guidelines' statuses; the values are their exit codes. */
enum np_status {
	NP_STATUS_OK = 0,
	NP_STATUS_WARNING = 1,
	NP_STATUS_CRITICAL = 2,
	NP_STATUS_UNKNOWN = 3,
};

/* -w/-c: TIME[,LOSS%], TIME a range in seconds on the response time (as
 * check_tcp), LOSS a range on the packet loss percent (as check_ping's pl%);
 * either may be left out ("0.5", "0.5,20%", ",20%"), not both. */
struct np_thresholds {
	struct np_range time;	/* seconds */
	struct np_range loss;	/* percent, 0..100 */
};

/* Parse a range. 0 on success; -1 with one line for the user in err (without
 * the option name: the caller says which option) on empty text, garbage, a
 * start above the end, a number out of double's range. */
int np_range_parse(const char *s, struct np_range *r, char *err, size_t errlen);
/* Does v raise the alert? Never for an unset range. NaN (nothing measured)
 * alerts for an outside range and not for an inside one: it is in no range. */
bool np_range_alerts(const struct np_range *r, double v);
/* Write the range back in the guidelines' syntax (nothing for an unset one),
 * numbers as np_strbuf_decimal writes them (15 significant digits, at most 9
 * decimals): what a user typed with no more than those parses back the same. */
bool np_range_format(const struct np_range *r, struct np_strbuf *b);

int np_thresholds_parse(const char *s, struct np_thresholds *t, char *err, size_t errlen);

/* A value against warning and critical ranges: CRITICAL if crit alerts, else
 * WARNING if warn alerts, else OK. Either may be NULL. */
enum np_status np_range_status(const struct np_range *warn, const struct np_range *crit,
			       double v);
/* The worse of two statuses: OK < UNKNOWN < WARNING < CRITICAL, so a threshold
 * that is crossed wins over a part that could not be measured. */
enum np_status np_status_worse(enum np_status a, enum np_status b);
/* "OK", "WARNING", "CRITICAL", "UNKNOWN": the words of the status line. */
const char *np_status_name(enum np_status s);

#endif
