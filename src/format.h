/* The output formats: each name once. A command's row lists the formats it has
 * (cli.h); its reporters are a table indexed by this enum (mtr's one enum). */
#ifndef NP_FORMAT_H
#define NP_FORMAT_H

enum np_format {
	NP_FORMAT_TEXT,
	NP_FORMAT_NDJSON,
	NP_FORMAT_JSON,
	NP_FORMAT_NAGIOS,	/* a plugin's status line, perfdata, long output */
	NP_FORMAT_PROMETHEUS,	/* the text exposition format (docs/METRICS.md) */
	NP_FORMAT_END		/* ends a command's list; the size of reporter tables */
};

const char *np_format_name(enum np_format f);
/* The format called name among has (ended by NP_FORMAT_END); NP_FORMAT_END when
 * it is not one of them. */
enum np_format np_format_find(const char *name, const enum np_format *has);

#endif
