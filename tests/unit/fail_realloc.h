/* realloc that fails on demand, for the out-of-memory tests of the growable
 * buffers; link the test with -Wl,--wrap=realloc. Include once, in the test.
 * A test that wraps more allocators (malloc, calloc) has its wraps ask
 * failing() too: fail_in then counts the calls of all of them. */
#ifndef NP_TEST_FAIL_REALLOC_H
#define NP_TEST_FAIL_REALLOC_H

#include <stdbool.h>
#include <stddef.h>

static int fail_in;	/* the n-th allocation from now fails; 0: none does */

/* Whether this allocation is the one that fails (counts it). */
static bool failing(void)
{
	return fail_in > 0 && --fail_in == 0;
}

void *__real_realloc(void *p, size_t n);
void *__wrap_realloc(void *p, size_t n);

void *__wrap_realloc(void *p, size_t n)
{
	return failing() ? NULL : __real_realloc(p, n);
}

#endif
