/* The RR type table (see rrtypes.h): decoding, text, JSON and the CLI's type
 * parsing all read these rows, so a type is named and described here only. */
#include <config.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include "rrtypes.h"

#define ADDRESS { { "address", NP_F_TEXT, 0 } }
#define TARGET { { "target", NP_F_NAME, 0 } }

static const struct np_rr_type rr_types[] = {
	{ NP_RR_A, "A", NP_RR_DATA, { NP_W_IPV4 }, ADDRESS },
	{ NP_RR_NS, "NS", NP_RR_DATA, { NP_W_NAME }, TARGET },
	{ NP_RR_CNAME, "CNAME", NP_RR_DATA, { NP_W_NAME }, TARGET },
	{ NP_RR_SOA, "SOA", NP_RR_DATA,
	  { NP_W_NAME, NP_W_NAME, NP_W_U32, NP_W_U32, NP_W_U32, NP_W_U32, NP_W_U32 },
	  { { "mname", NP_F_NAME, 0 }, { "rname", NP_F_NAME, 1 }, { "serial", NP_F_NUM, 0 },
	    { "refresh", NP_F_NUM, 1 }, { "retry", NP_F_NUM, 2 }, { "expire", NP_F_NUM, 3 },
	    { "minimum", NP_F_NUM, 4 } } },
	{ NP_RR_PTR, "PTR", NP_RR_DATA, { NP_W_NAME }, TARGET },
	{ NP_RR_MX, "MX", NP_RR_DATA, { NP_W_U16, NP_W_NAME },
	  { { "preference", NP_F_NUM, 0 }, { "exchange", NP_F_NAME, 0 } } },
	{ NP_RR_TXT, "TXT", NP_RR_DATA, { NP_W_STRINGS },
	  { { "strings", NP_F_STRINGS, 0 }, { "strings_hex", NP_F_STRINGS_HEX, 0 } } },
	{ NP_RR_AAAA, "AAAA", NP_RR_DATA, { NP_W_IPV6 }, ADDRESS },
	{ NP_RR_SRV, "SRV", NP_RR_DATA, { NP_W_U16, NP_W_U16, NP_W_U16, NP_W_NAME },
	  { { "target", NP_F_NAME, 0 }, { "priority", NP_F_NUM, 0 }, { "weight", NP_F_NUM, 1 },
	    { "port", NP_F_NUM, 2 } } },
	{ NP_RR_OPT, "OPT", NP_RR_EDNS, { NP_W_END }, { { NULL } } },
	{ NP_RR_IXFR, "IXFR", NP_RR_TRANSFER, { NP_W_END }, { { NULL } } },
	{ NP_RR_AXFR, "AXFR", NP_RR_TRANSFER, { NP_W_END }, { { NULL } } },
	{ NP_RR_ANY, "ANY", NP_RR_QUESTION, { NP_W_END }, { { NULL } } },
	{ NP_RR_CAA, "CAA", NP_RR_DATA, { NP_W_U8, NP_W_TAG, NP_W_REST },
	  { { "flags", NP_F_NUM, 0 }, { "tag", NP_F_STRING, 0 }, { "value", NP_F_STRING, 1 } } },
};

#define NTYPES (sizeof(rr_types) / sizeof(rr_types[0]))

const struct np_rr_type *np_rr_at(size_t i)
{
	return i < NTYPES ? &rr_types[i] : NULL;
}

const struct np_rr_type *np_rr_find(uint16_t code)
{
	for (size_t i = 0; i < NTYPES; i++)
		if (rr_types[i].code == code)
			return &rr_types[i];
	return NULL;
}

/* Only the types netprobe decodes go by name in its output (the JSON schema's
 * type_name): a question for ANY is shown as TYPE255, OPT as TYPE41. */
const char *np_dns_type_name(uint16_t type, char *buf, size_t len)
{
	const struct np_rr_type *t = np_rr_find(type);

	if (t && t->use == NP_RR_DATA)
		return t->name;
	snprintf(buf, len, "TYPE%u", type);
	return buf;
}

/* Every name but OPT's, which nobody asks for (TYPE41 still may be). */
uint16_t np_dns_type_from_name(const char *s)
{
	char *end;
	unsigned long v;

	for (size_t i = 0; i < NTYPES; i++)
		if (rr_types[i].use != NP_RR_EDNS && strcasecmp(s, rr_types[i].name) == 0)
			return rr_types[i].code;
	if (strncasecmp(s, "TYPE", 4) == 0)
		s += 4;
	if (!isdigit((unsigned char)*s))
		return 0;
	v = strtoul(s, &end, 10);
	return *end || v == 0 || v > 65535 ? 0 : (uint16_t)v;
}

bool np_rr_answers(uint16_t asked, uint16_t type)
{
	return type == asked || asked == NP_RR_ANY;
}

int np_rr_family(uint16_t type)
{
	return type == NP_RR_A ? AF_INET : type == NP_RR_AAAA ? AF_INET6 : 0;
}
