/* jansson's memory from reusable chunks; see json_alloc.h. */
#include <config.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include "json_alloc.h"

#define CHUNK_SIZE (64 * 1024)
#define ALIGN 16		/* as malloc's: jansson stores doubles and pointers */
#define BIG (4 * 1024)		/* larger than this: malloc's */

struct chunk {
	struct chunk *next;	/* the chunks still holding values */
	size_t used;		/* bytes of data handed out */
	size_t live;		/* values handed out and not freed yet */
	_Alignas(ALIGN) char data[CHUNK_SIZE - 2 * ALIGN];
};

static struct chunk *chunks;	/* the first is the one values come from */

static struct chunk *chunk_of(const void *p)
{
	for (struct chunk *c = chunks; c; c = c->next)
		if ((const char *)p >= c->data && (const char *)p < c->data + sizeof(c->data))
			return c;
	return NULL;
}

void *np_json_alloc(size_t n)
{
	struct chunk *c = chunks;
	void *p;

	if (n > BIG)
		return malloc(n);
	n = n ? (n + ALIGN - 1) & ~(size_t)(ALIGN - 1) : ALIGN;	/* each its own address */
	if (!c || c->used + n > sizeof(c->data)) {
		/* A full chunk stays on the list while values in it live. */
		if (!(c = malloc(sizeof(*c))))
			return NULL;
		*c = (struct chunk){ .next = chunks };
		chunks = c;
	}
	p = c->data + c->used;
	c->used += n;
	c->live++;
	return p;
}

void np_json_free(void *p)
{
	struct chunk *c, **link;

	if (!p)
		return;
	if (!(c = chunk_of(p))) {
		free(p);
		return;
	}
	if (--c->live > 0)
		return;
	if (c == chunks) {
		c->used = 0;	/* the chunk in use: reuse it from the start */
		return;
	}
	for (link = &chunks; *link != c; link = &(*link)->next)
		;
	*link = c->next;
	free(c);
}

void np_json_alloc_install(void)
{
#ifndef __SANITIZE_ADDRESS__
	json_set_alloc_funcs(np_json_alloc, np_json_free);
#endif
}

struct np_json_alloc_stats np_json_alloc_stats(void)
{
	struct np_json_alloc_stats s = { 0, 0 };

	for (struct chunk *c = chunks; c; c = c->next) {
		s.chunks++;
		s.live += c->live;
	}
	return s;
}
