/* The sentences netprobe says about its verdicts, in one module (iperf3's
 * iperf_locale.c is the model): text and JSON reporters both take their
 * messages from here. Domain code returns enums and fields, never words. */
#ifndef NP_WORDS_H
#define NP_WORDS_H

#include <stddef.h>
#include "listen.h"
#include "local.h"
#include "result.h"
#include "sockaddr.h"

/* The Happy Eyeballs fault in plain words, NULL when there is none. */
const char *np_words_he_fault(const struct np_target_result *r);
/* netprobe local's verdict (kind, binds, what localhost clients meet), into buf. */
const char *np_words_local_verdict(const struct np_local_result *r, char *buf, size_t len);
/* What a bind of this scope and family reaches; NULL for a Unix socket. */
const char *np_words_bind_scope(enum np_scope scope, int family);
/* What IPV6_V6ONLY (-1 unknown) means on a bind of scope; NULL when nothing to say. */
const char *np_words_v6only(int v6only, enum np_scope scope);
/* Why netprobe listen closed or rejected a client; NULL for NP_LR_NONE. */
const char *np_words_listen_reason(enum np_listen_reason reason);

#endif
