/* Nagios performance data, as the plugin development guidelines write it:
 *   'label'=value[UOM];[warn];[crit];[min];[max]
 * items separated by one space, for the text after '|' on a plugin's line. */
#ifndef NP_PERFDATA_H
#define NP_PERFDATA_H

#include <stdbool.h>

#include "thresholds.h"

struct np_strbuf;

/* The guidelines' units of measurement, and none. */
enum np_uom {
	NP_UOM_NONE,
	NP_UOM_S,
	NP_UOM_MS,
	NP_UOM_US,
	NP_UOM_PERCENT,
	NP_UOM_B,
	NP_UOM_KB,
	NP_UOM_MB,
	NP_UOM_TB,
	NP_UOM_COUNTER,	/* "c": a continuous counter */
};

struct np_perf {
	const char *label;	/* any bytes; see np_perfdata_label */
	double value;		/* NaN: not measured, written "U" */
	enum np_uom uom;
	const struct np_range *warn;	/* NULL or unset: field left empty */
	const struct np_range *crit;
	double min;		/* NaN: field left empty */
	double max;
};

/* "s", "%", "c", ... and "" for none. */
const char *np_uom_name(enum np_uom u);
/* Append the label as the guidelines want it: bare when it is only
 * [A-Za-z0-9_.-], else in single quotes with a quote inside doubled. '=' (the
 * guidelines forbid it), '|' (it would end the perfdata for some parsers),
 * control bytes (a newline would end the plugin's line) and bytes that are
 * not UTF-8 each become '_'; an empty label becomes "_". */
bool np_perfdata_label(struct np_strbuf *b, const char *label);
/* Append one item, after a space unless b is empty. Numbers in plain decimal
 * (up to 6 significant digits, no exponent, '.' whatever the locale), ranges
 * in their syntax, trailing empty fields left out. False if b's memory ran out. */
bool np_perfdata_add(struct np_strbuf *b, const struct np_perf *p);

#endif
