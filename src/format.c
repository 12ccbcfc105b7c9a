/* The format registry: names of the output formats, and the one lookup. */
#include <config.h>
#include <string.h>
#include "format.h"

static const char *const names[NP_FORMAT_END] = {
	[NP_FORMAT_TEXT] = "text",
	[NP_FORMAT_NDJSON] = "ndjson",
	[NP_FORMAT_JSON] = "json",
	[NP_FORMAT_NAGIOS] = "nagios",
	[NP_FORMAT_PROMETHEUS] = "prometheus",
};

const char *np_format_name(enum np_format f)
{
	return f < NP_FORMAT_END ? names[f] : "?";
}

enum np_format np_format_find(const char *name, const enum np_format *has)
{
	for (; *has != NP_FORMAT_END; has++)
		if (strcmp(names[*has], name) == 0)
			return *has;
	return NP_FORMAT_END;
}
