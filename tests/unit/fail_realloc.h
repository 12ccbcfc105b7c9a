/* realloc that fails on demand, for the out-of-memory tests of the growable
 * buffers; link the test with -Wl,--wrap=realloc. Include once, in the test. */
#ifndef NP_TEST_FAIL_REALLOC_H
#define NP_TEST_FAIL_REALLOC_H

#include <stddef.h>

static int fail_in;	/* the n-th realloc from now fails; 0: none does */

void *__real_realloc(void *p, size_t n);
void *__wrap_realloc(void *p, size_t n);

void *__wrap_realloc(void *p, size_t n)
{
	if (fail_in > 0 && --fail_in == 0)
		return NULL;
	return __real_realloc(p, n);
}

#endif
