/* For the unit tests of the JSON reporters: compare a whole object, key by key
 * in order, with the compact text it must dump to. */
#ifndef NP_TEST_ASSERT_JSON_H
#define NP_TEST_ASSERT_JSON_H

#include <stdlib.h>
#include <jansson.h>

/* v (taken) as compact JSON, as np_json_print's precision writes numbers. */
static inline void assert_json(json_t *v, const char *want)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(12));

	json_decref(v);
	assert_non_null(s);
	assert_string_equal(s, want);
	free(s);
}

#endif
