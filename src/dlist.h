/* Intrusive doubly linked lists: any struct with prev and next pointers to its
 * own type, headed by a pointer to the first. O(1) push and remove, which the
 * batch's and the exporter's running lists do on every completion. */
#ifndef NP_DLIST_H
#define NP_DLIST_H

#include <stddef.h>

/* Put n first in *head. */
#define NP_DLIST_PUSH(head, n) do {				\
	(n)->prev = NULL;					\
	(n)->next = *(head);					\
	if (*(head))						\
		(*(head))->prev = (n);				\
	*(head) = (n);						\
} while (0)

/* Take n out of *head; its links are cleared. */
#define NP_DLIST_REMOVE(head, n) do {				\
	if ((n)->prev)						\
		(n)->prev->next = (n)->next;			\
	else							\
		*(head) = (n)->next;				\
	if ((n)->next)						\
		(n)->next->prev = (n)->prev;			\
	(n)->prev = (n)->next = NULL;				\
} while (0)

#endif
