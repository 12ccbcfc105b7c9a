/* src/json_alloc.c: memory comes back for reuse only when every value in a
 * chunk was freed, a value that outlives its report keeps its bytes, big
 * requests and foreign pointers go to malloc, and jansson runs on it. */
#include <config.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "json_alloc.h"
#include "json_write.h"

static void test_reused_when_all_freed(void **state)
{
	void *a, *b, *c;

	(void)state;
	a = np_json_alloc(24);
	b = np_json_alloc(40);
	assert_non_null(a);
	assert_non_null(b);
	assert_true((uintptr_t)a % 16 == 0 && (uintptr_t)b % 16 == 0);
	assert_true((char *)b >= (char *)a + 24);
	assert_int_equal(np_json_alloc_stats().live, 2);
	np_json_free(a);
	c = np_json_alloc(8);		/* b still lives: no reuse yet */
	assert_ptr_not_equal(c, a);
	np_json_free(b);
	np_json_free(c);
	assert_int_equal(np_json_alloc_stats().live, 0);
	assert_ptr_equal(np_json_alloc(24), a);	/* all freed: from the start again */
	np_json_free(a);
	np_json_free(NULL);
	a = np_json_alloc(0);	/* as malloc(0) may: a pointer of its own */
	b = np_json_alloc(0);
	assert_ptr_not_equal(a, b);
	np_json_free(a);
	np_json_free(b);
	assert_int_equal(np_json_alloc_stats().live, 0);
}

static void test_survivor_keeps_its_bytes(void **state)
{
	char *keep = np_json_alloc(32);
	void *p[10000];

	(void)state;
	memset(keep, 'k', 32);
	/* far more than a chunk, freed report by report */
	for (int round = 0; round < 20; round++) {
		for (int i = 0; i < 10000; i++) {
			p[i] = np_json_alloc(48);
			assert_non_null(p[i]);
			memset(p[i], 'x', 48);
		}
		for (int i = 0; i < 10000; i++)
			np_json_free(p[i]);
	}
	for (int i = 0; i < 32; i++)
		assert_int_equal(keep[i], 'k');
	/* one chunk pinned by keep, one in use: not twenty */
	assert_in_range(np_json_alloc_stats().chunks, 1, 2);
	assert_int_equal(np_json_alloc_stats().live, 1);
	np_json_free(keep);
	assert_int_equal(np_json_alloc_stats().live, 0);
	assert_int_equal(np_json_alloc_stats().chunks, 1);
}

static void test_big_and_foreign(void **state)
{
	char *big = np_json_alloc(1 << 20);
	char *foreign = malloc(16);

	(void)state;
	assert_non_null(big);
	memset(big, 1, 1 << 20);
	assert_int_equal(np_json_alloc_stats().live, 0);	/* not from a chunk */
	np_json_free(big);
	np_json_free(foreign);		/* malloc's own: handed back to free */
}

static void test_jansson_on_it(void **state)
{
	struct np_strbuf b = NP_STRBUF_INIT;

	(void)state;
	np_json_alloc_install();
	for (int i = 0; i < 3000; i++) {
		json_t *o = json_pack("{s:s, s:i, s:[f, s, {s:b}]}", "name", "name1.bench.test.",
				      "id", i, "list", 0.688, "a string long enough to copy",
				      "ok", 1);

		assert_non_null(o);
		np_strbuf_reset(&b);
		assert_true(np_json_write(&b, o, 0, 0));
		json_decref(o);
	}
	assert_string_equal(np_strbuf_str(&b),
			    "{\"name\":\"name1.bench.test.\",\"id\":2999,\"list\":[0.688,"
			    "\"a string long enough to copy\",{\"ok\":true}]}");
#ifndef __SANITIZE_ADDRESS__
	assert_int_equal(np_json_alloc_stats().live, 0);
#endif
	np_strbuf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reused_when_all_freed),
		cmocka_unit_test(test_survivor_keeps_its_bytes),
		cmocka_unit_test(test_big_and_foreign),
		cmocka_unit_test(test_jansson_on_it),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
