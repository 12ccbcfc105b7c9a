/* libFuzzer target: the DNS decoders (dnsdecode.c, and dnsmsg.c through it, and
 * the reply interpretation of resolve.c) on arbitrary bytes. Build with
 * `make fuzz` (clang -fsanitize=fuzzer); `make check` replays the corpus with
 * replay.c so every seed runs under the normal (and sanitizer) build. */
#include <config.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "dnsdecode.h"
#include "resolve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct np_dns_result dns;
	struct np_dns_message m;
	struct np_dns_query q = { .qtype = 1, .rcode = -1 };

	np_dns_decode(data, size, &m);
	np_dns_message_free(&m);
	memset(&dns, 0, sizeof(dns));
	np_dns_interpret(data, size, "dual.example.test", 1, &q, &dns);
	q = (struct np_dns_query){ .qtype = 28, .rcode = -1 };
	np_dns_interpret(data, size, "dual.example.test", 28, &q, &dns);
	return 0;
}
