/*
 * Multiplicative hashing, Linux's (include/linux/hash.h): hash_32,
 * hash_64, hash_long and hash_ptr give the top `bits` bits of the value
 * times a golden-ratio constant, i.e. a bucket index below 1 << bits.
 * highmem.c hashes struct page pointers with it, as Linux's
 * HASHED_PAGE_VIRTUAL does.
 */
#ifndef GUEST_HASH_H
#define GUEST_HASH_H

#include "bitops.h"

#define GOLDEN_RATIO_32 0x61C88647u
#define GOLDEN_RATIO_64 0x61C8864680B583EBull

static inline u32 __hash_32(u32 val)
{
	return val * GOLDEN_RATIO_32;
}

/* bits from 1 to 32. */
static inline u32 hash_32(u32 val, unsigned int bits)
{
	return __hash_32(val) >> (32 - bits);
}

/* bits from 1 to 32.  A 32-bit machine folds the high word in with
 * __hash_32 rather than pay for a 64-bit multiply. */
static inline u32 hash_64(u64 val, unsigned int bits)
{
#if BITS_PER_LONG == 64
	return (u32)(val * GOLDEN_RATIO_64 >> (64 - bits));
#else
	return hash_32((u32)val ^ __hash_32((u32)(val >> 32)), bits);
#endif
}

static inline u32 hash_long(unsigned long val, unsigned int bits)
{
#if BITS_PER_LONG == 64
	return hash_64(val, bits);
#else
	return hash_32(val, bits);
#endif
}

static inline u32 hash_ptr(const void *ptr, unsigned int bits)
{
	return hash_long((unsigned long)ptr, bits);
}

#endif
