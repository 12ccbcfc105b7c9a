/* jansson's memory, from a block reused report after report. A report is a tree
 * of a few hundred small jansson values, built, printed and freed in one go:
 * through glibc's malloc that was a third of a batch's instructions in ndjson.
 * Here each value is a bump of a pointer in a 64 KiB chunk, and a chunk is
 * reused (or freed) as soon as every value in it has been freed again, so a
 * value that outlives its report is never overwritten, only keeps its chunk.
 * Anything larger than 4 KiB, and any pointer not from a chunk, is malloc's.
 * Single-threaded, as netprobe is. */
#ifndef NP_JSON_ALLOC_H
#define NP_JSON_ALLOC_H

#include <stdbool.h>
#include <stddef.h>

/* Hand jansson np_json_alloc / np_json_free. Not under AddressSanitizer, so
 * that it sees every jansson value on its own (use after free, leaks). */
void np_json_alloc_install(void);

void *np_json_alloc(size_t n);
void np_json_free(void *p);

/* For the tests: chunks held, and values alive in them. */
struct np_json_alloc_stats {
	size_t chunks;
	size_t live;
};
struct np_json_alloc_stats np_json_alloc_stats(void);

#endif
