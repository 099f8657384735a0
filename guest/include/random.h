/* Deterministic pseudo-random numbers for workloads and fault injection,
 * and for the host tests and benchmarks, which include this header too
 * (Linux's prandom_u32_state name; xorshift32 underneath). */
#ifndef GUEST_RANDOM_H
#define GUEST_RANDOM_H

#include "types.h"

/* s may also be set directly, to any nonzero value: the xorshift32
 * sequence from that state, which is how fault_inject.c's documented
 * seeds and the host benchmarks' trace are defined. */
struct rnd_state {
	u32 s;   /* never 0 */
};

static inline void prandom_seed_state(struct rnd_state *state, u32 seed)
{
	state->s = seed ? seed * 2654435761u : 0x9e3779b9u;
	if (!state->s)
		state->s = 1;
}

static inline u32 prandom_u32_state(struct rnd_state *state)
{
	u32 x = state->s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return state->s = x;
}

/* Uniform-enough value in [0, n) without a division by a variable: the
 * high half of a 32x32 multiply. */
static inline u32 prandom_below(struct rnd_state *state, u32 n)
{
	return (u32)(((u64)prandom_u32_state(state) * n) >> 32);
}

/* Two draws, the first in the high half.  No Linux counterpart: host
 * tests that fill 64-bit page-table entries use it, and building it on
 * xorshift32 keeps one generator for every caller. */
static inline u64 prandom_u64_state(struct rnd_state *state)
{
	u64 hi = prandom_u32_state(state);

	return hi << 32 | prandom_u32_state(state);
}

#endif
