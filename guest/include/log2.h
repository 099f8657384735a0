/*
 * Integer base-2 logarithms and powers of two, with Linux's names and
 * meanings (include/linux/log2.h), for guest code and its host builds.
 * Linux's ilog2 and pow_of_two roundings also fold constant arguments
 * into constant expressions; nothing here needs that, so these are the
 * runtime forms only.
 */
#ifndef GUEST_LOG2_H
#define GUEST_LOG2_H

#include "bitops.h"

static inline int __ilog2_u32(u32 n)
{
	return fls(n) - 1;
}

static inline int __ilog2_u64(u64 n)
{
	return fls64(n) - 1;
}

/* Undefined for 0, as in Linux.  By the argument's width: a u64 on i386
 * is not truncated to unsigned long. */
#define ilog2(n) (sizeof(n) <= 4 ? __ilog2_u32((u32)(n)) : __ilog2_u64((u64)(n)))

static inline bool is_power_of_2(unsigned long n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

/*
 * The smallest power of two >= n, for n up to 2^(BITS_PER_LONG - 1); 1
 * for 0, where Linux leaves it undefined.  A shift loop, not Linux's
 * 1 << fls_long(n - 1): this is the code slab.c's cache creation always
 * ran, and the guest's instruction counts are exact and tested.
 */
static inline unsigned long roundup_pow_of_two(unsigned long n)
{
	unsigned long r = 1;

	while (r < n)
		r <<= 1;
	return r;
}

/* The largest power of two <= n; undefined for 0, as in Linux. */
static inline unsigned long rounddown_pow_of_two(unsigned long n)
{
	return 1ul << __fls(n);
}

#endif
