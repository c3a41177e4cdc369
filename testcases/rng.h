/*
 * rng: the deterministic pseudo-random numbers of the built-in test cases.
 * splitmix64 (Steele, Lea, Flood 2014): one 64-bit word of state, the same
 * sequence on every machine and compiler, so data generated from a unit's
 * seed is identical wherever the unit runs.
 */
#ifndef BENCH_RNG_H
#define BENCH_RNG_H

#include <stdint.h>

/* The next 64 random bits; advances *state. */
static inline uint64_t
rng_next(uint64_t *state)
{
	uint64_t z;

	z = (*state += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* A double uniform in [0, 1), exact (53 random bits). */
static inline double
rng_unit(uint64_t *state)
{
	return (double)(rng_next(state) >> 11) * 0x1.0p-53;
}

#endif
