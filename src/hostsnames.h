/* Which names the hosts file could hold, read once per run. c-ares 1.18 opens,
 * reads and parses the whole hosts file for every ares_getaddrinfo; in a batch
 * of 20,000 names that is 20,000 reads of a file that holds none of them. This
 * is a filter in front of it, not a second parser: a name that may be in the
 * file (or that c-ares treats specially) still goes to c-ares, which answers
 * exactly as before; a name the file certainly does not hold skips it. */
#ifndef NP_HOSTSNAMES_H
#define NP_HOSTSNAMES_H

#include <stdbool.h>
#include <stddef.h>

struct np_hostsnames;

/* The words of the hosts file c-ares would read (CARES_HOSTS, else
 * /etc/hosts). NULL when there is no filter to trust (the file cannot be read,
 * holds a NUL byte, is huge, HOSTALIASES is set, no memory): then every name
 * goes to c-ares. */
struct np_hostsnames *np_hostsnames_load(void);
void np_hostsnames_free(struct np_hostsnames *h);

/* False only when c-ares would certainly find no address for name in the file
 * (h NULL: always true). */
bool np_hostsnames_may_hold(const struct np_hostsnames *h, const char *name);

#endif
