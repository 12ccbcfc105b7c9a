/* The Prometheus text exposition format, version 0.0.4, built into a strbuf.
 * The writer holds one family open at a time: np_prom_family() writes its
 * HELP and TYPE, np_prom_sample() adds samples to it, the next family closes it.
 * A family name used twice is refused, so a family's samples stay contiguous and
 * its HELP/TYPE appear once. A bad name, label or value is a programming error:
 * the call writes nothing, returns -1 and the writer keeps the first error
 * (np_prom_error) and refuses everything after it, so the caller checks once. */
#ifndef NP_PROMTEXT_H
#define NP_PROMTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

/* The Content-Type of what this writes, for the exporter's answers. */
#define NP_PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

enum np_prom_type {
	NP_PROM_GAUGE,
	NP_PROM_COUNTER,	/* the name must end in _total (promtool's lint) */
	NP_PROM_UNTYPED,
};

struct np_prom_label {
	const char *name;	/* [a-zA-Z_][a-zA-Z0-9_]*, not starting "__" */
	const char *value;	/* any bytes: escaped; bytes that are not UTF-8
				 * and control bytes but \n as the text \xHH */
};

struct np_prom {
	struct np_strbuf *out;
	struct np_strbuf seen;	/* the families begun, each "\nname\n" */
	char family[128];	/* the open one, "" before the first */
	enum np_prom_type type;
	int error;		/* 0, or -1 once a call was refused */
	char message[160];	/* the first refusal, for the developer */
};

/* Write into out (appended to, not owned). */
void np_prom_init(struct np_prom *p, struct np_strbuf *out);
void np_prom_free(struct np_prom *p);
/* Begin a family: "# HELP name help" and "# TYPE name type". The name is
 * [a-zA-Z_:][a-zA-Z0-9_:]* and new to this writer; help is non-empty. */
int np_prom_family(struct np_prom *p, const char *name, enum np_prom_type type,
		   const char *help);
/* A sample of the open family: at most NP_PROM_MAX_LABELS labels, their names
 * valid and distinct. A counter's value must not be negative. NaN and the
 * infinities are written NaN, +Inf, -Inf; other doubles exactly (shortest form
 * that reads back the same). */
#define NP_PROM_MAX_LABELS 16
int np_prom_sample(struct np_prom *p, const struct np_prom_label *labels, size_t n,
		   double value);
/* Integers written digit for digit (a double loses them above 2^53). */
int np_prom_sample_int(struct np_prom *p, const struct np_prom_label *labels, size_t n,
		       int64_t value);
int np_prom_sample_uint(struct np_prom *p, const struct np_prom_label *labels, size_t n,
			uint64_t value);
/* 0 when everything was written, -1 after a refusal or when out's memory ran
 * out; np_prom_error says which. */
int np_prom_finish(struct np_prom *p);
/* The first refusal, "" when none. */
const char *np_prom_error(const struct np_prom *p);

#endif
