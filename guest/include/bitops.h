/*
 * Bit searches, with Linux's names and meanings: __ffs and __fls
 * (asm-generic/bitops/builtin-__ffs.h and builtin-__fls.h: bit indexes,
 * undefined for 0), fls and fls64 (builtin-fls.h and fls64.h: 1-based,
 * 0 for 0), and BITS_PER_LONG (asm/bitsperlong.h).  Plain C over the
 * compiler's builtins rather than x86's bsf/bsr asm, so that the host
 * builds of guest code (tests, benchmarks) get the same helpers.
 */
#ifndef GUEST_BITOPS_H
#define GUEST_BITOPS_H

#include "types.h"

/* A number, not sizeof, so that #if can test it. */
#define BITS_PER_LONG (__SIZEOF_LONG__ * 8)

static inline unsigned long __ffs(unsigned long word)
{
	return (unsigned long)__builtin_ctzl(word);
}

static inline unsigned long __fls(unsigned long word)
{
	return BITS_PER_LONG - 1 - (unsigned long)__builtin_clzl(word);
}

static inline int fls(unsigned int x)
{
	return x ? (int)(sizeof(x) * 8) - __builtin_clz(x) : 0;
}

static inline int fls64(u64 x)
{
	return x ? 64 - __builtin_clzll(x) : 0;
}

#endif
