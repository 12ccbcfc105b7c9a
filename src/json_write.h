/* JSON text of a jansson tree, written by us: jansson builds the reports, and
 * this prints them. json_dumps checks every container it prints for a cycle (a
 * "%p" snprintf and a hash insert each) and costs about half of a batch's
 * instructions in ndjson; our trees have no cycles. The output is byte for byte
 * jansson's (tests/unit/test_json_write.c holds it to json_dumps). */
#ifndef NP_JSON_WRITE_H
#define NP_JSON_WRITE_H

#include <jansson.h>
#include <stdbool.h>
#include "strbuf.h"

/* Append v (any value, not only a container) to b as json_dumps prints it with
 * JSON_REAL_PRECISION(12) and JSON_COMPACT (indent 0) or JSON_INDENT(indent),
 * each new line further shifted by depth * indent spaces (an item of a document
 * that is printed as it goes). False when b ran out of memory. */
bool np_json_write(struct np_strbuf *b, const json_t *v, int indent, int depth);

#endif
