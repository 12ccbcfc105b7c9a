/* Big-endian integers as the wire carries them (network byte order): the one
 * reader and writer of them for every DNS message netprobe reads or builds. */
#ifndef NP_BYTES_H
#define NP_BYTES_H

#include <stdint.h>

static inline uint16_t np_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t np_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void np_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

#endif
