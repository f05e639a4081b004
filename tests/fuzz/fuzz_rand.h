/*
 * The fuzz targets' pseudo-random chunking: xorshift32 from a seed taken
 * from the input, so a case replays identically (seed 0 starts from a fixed
 * non-zero state).
 */
#ifndef OVCP_TESTS_FUZZ_RAND_H
#define OVCP_TESTS_FUZZ_RAND_H

#include <stdint.h>

static inline uint32_t next_rand(uint32_t *s)
{
	uint32_t x = *s ? *s : 0x9e3779b9u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

#endif
