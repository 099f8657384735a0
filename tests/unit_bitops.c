/*
 * Unit tests of the guest's bit helpers (guest/include/bitops.h, log2.h,
 * hash.h, and int_sqrt in kernel.h), compiled here for the host: every
 * helper at its edges, and over every bit position of an unsigned long.
 * The guest's unsigned long is 32 bits and the host's 64, so expectations
 * are written in BITS_PER_LONG; the 32-bit path of hash_long, which the
 * guest runs, is tested directly as hash_32.
 */
#include <criterion/criterion.h>
#include <stdint.h>

#include "../guest/include/kernel.h"
#include "../guest/include/bitops.h"
#include "../guest/include/log2.h"
#include "../guest/include/hash.h"

Test(bitops, bits_per_long_is_the_width_of_long)
{
	cr_assert_eq(BITS_PER_LONG, sizeof(long) * 8);
}

Test(bitops, underscore_ffs_gives_the_index_of_the_lowest_set_bit)
{
	cr_assert_eq(__ffs(1), 0);
	cr_assert_eq(__ffs(2), 1);
	cr_assert_eq(__ffs(0x58), 3);
	cr_assert_eq(__ffs(0x80000000ul), 31);
	cr_assert_eq(__ffs(~0ul), 0);
	for (unsigned int i = 0; i < BITS_PER_LONG; i++) {
		cr_assert_eq(__ffs(1ul << i), i, "bit %u", i);
		cr_assert_eq(__ffs(~0ul << i), i, "ones from bit %u", i);
	}
}

Test(bitops, underscore_fls_gives_the_index_of_the_highest_set_bit)
{
	cr_assert_eq(__fls(1), 0);
	cr_assert_eq(__fls(2), 1);
	cr_assert_eq(__fls(3), 1);
	cr_assert_eq(__fls(0x80000000ul), 31);
	cr_assert_eq(__fls(0xfffffffful), 31);
	cr_assert_eq(__fls(~0ul), BITS_PER_LONG - 1);
	for (unsigned int i = 0; i < BITS_PER_LONG; i++) {
		cr_assert_eq(__fls(1ul << i), i, "bit %u", i);
		cr_assert_eq(__fls((1ul << i) | 1), i, "bit %u and bit 0", i);
		cr_assert_eq(__fls(~0ul >> (BITS_PER_LONG - 1 - i)), i, "ones up to bit %u", i);
	}
}

Test(bitops, fls_is_one_based_and_zero_for_zero)
{
	cr_assert_eq(fls(0), 0);
	cr_assert_eq(fls(1), 1);
	cr_assert_eq(fls(2), 2);
	cr_assert_eq(fls(3), 2);
	cr_assert_eq(fls(0x80000000u), 32);
	cr_assert_eq(fls(0xffffffffu), 32);
	for (int i = 0; i < 32; i++) {
		cr_assert_eq(fls(1u << i), i + 1, "bit %d", i);
		cr_assert_eq(fls((1u << i) - 1), i, "ones below bit %d", i);
	}
}

Test(bitops, fls64_covers_both_halves)
{
	cr_assert_eq(fls64(0), 0);
	cr_assert_eq(fls64(1), 1);
	cr_assert_eq(fls64(0xffffffffull), 32);
	cr_assert_eq(fls64(1ull << 32), 33);
	cr_assert_eq(fls64((1ull << 32) | 1), 33);
	cr_assert_eq(fls64(1ull << 63), 64);
	cr_assert_eq(fls64(~0ull), 64);
	for (int i = 0; i < 64; i++)
		cr_assert_eq(fls64(1ull << i), i + 1, "bit %d", i);
}

Test(log2, ilog2_by_the_width_of_its_argument)
{
	cr_assert_eq(ilog2(1u), 0);
	cr_assert_eq(ilog2(2u), 1);
	cr_assert_eq(ilog2(3u), 1);
	cr_assert_eq(ilog2(4u), 2);
	cr_assert_eq(ilog2(0x80000000u), 31);
	cr_assert_eq(ilog2(0xffffffffu), 31);
	cr_assert_eq(ilog2((u8)255), 7);
	/* A u64 above 32 bits is not truncated, on i386 either. */
	cr_assert_eq(ilog2(1ull << 40), 40);
	cr_assert_eq(ilog2((1ull << 32) | 0xffffffffull), 32);
	cr_assert_eq(ilog2(~0ull), 63);
	for (int i = 0; i < 64; i++) {
		cr_assert_eq(ilog2(1ull << i), i, "bit %d", i);
		if (i > 1)
			cr_assert_eq(ilog2((1ull << i) - 1), i - 1, "ones below bit %d", i);
	}
}

Test(log2, is_power_of_2_and_zero_is_not)
{
	cr_assert_not(is_power_of_2(0));
	cr_assert(is_power_of_2(1));
	cr_assert(is_power_of_2(2));
	cr_assert_not(is_power_of_2(3));
	cr_assert(is_power_of_2(0x80000000ul));
	cr_assert_not(is_power_of_2(0x80000001ul));
	cr_assert_not(is_power_of_2(~0ul));
	for (unsigned int i = 0; i < BITS_PER_LONG; i++) {
		cr_assert(is_power_of_2(1ul << i), "bit %u", i);
		if (i > 0)
			cr_assert_not(is_power_of_2((1ul << i) | 1), "bit %u and bit 0", i);
		if (i > 1)
			cr_assert_not(is_power_of_2((1ul << i) - 1), "ones below bit %u", i);
	}
}

Test(log2, roundup_pow_of_two_edges)
{
	cr_assert_eq(roundup_pow_of_two(0), 1);   /* defined here, not in Linux */
	cr_assert_eq(roundup_pow_of_two(1), 1);
	cr_assert_eq(roundup_pow_of_two(2), 2);
	cr_assert_eq(roundup_pow_of_two(3), 4);
	cr_assert_eq(roundup_pow_of_two(5), 8);
	cr_assert_eq(roundup_pow_of_two(0x40000001ul), 0x80000000ul);
	cr_assert_eq(roundup_pow_of_two(0x80000000ul), 0x80000000ul);
	/* The largest argument it is defined for. */
	cr_assert_eq(roundup_pow_of_two(1ul << (BITS_PER_LONG - 1)), 1ul << (BITS_PER_LONG - 1));
	for (unsigned int i = 0; i < BITS_PER_LONG; i++) {
		cr_assert_eq(roundup_pow_of_two(1ul << i), 1ul << i, "bit %u", i);
		if (i > 1) {
			cr_assert_eq(roundup_pow_of_two((1ul << (i - 1)) + 1), 1ul << i, "bit %u", i);
			cr_assert_eq(roundup_pow_of_two((1ul << i) - 1), 1ul << i, "bit %u", i);
		}
	}
}

Test(log2, rounddown_pow_of_two_edges)
{
	cr_assert_eq(rounddown_pow_of_two(1), 1);
	cr_assert_eq(rounddown_pow_of_two(2), 2);
	cr_assert_eq(rounddown_pow_of_two(3), 2);
	cr_assert_eq(rounddown_pow_of_two(0x80000000ul), 0x80000000ul);
	cr_assert_eq(rounddown_pow_of_two(0xfffffffful), 0x80000000ul);
	cr_assert_eq(rounddown_pow_of_two(~0ul), 1ul << (BITS_PER_LONG - 1));
	for (unsigned int i = 0; i < BITS_PER_LONG; i++) {
		cr_assert_eq(rounddown_pow_of_two(1ul << i), 1ul << i, "bit %u", i);
		cr_assert_eq(rounddown_pow_of_two(~0ul >> (BITS_PER_LONG - 1 - i)), 1ul << i,
			     "ones up to bit %u", i);
	}
}

Test(int_sqrt, small_values)
{
	static const unsigned long want[] = { 0, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3 };

	for (unsigned long x = 0; x < sizeof(want) / sizeof(want[0]); x++)
		cr_assert_eq(int_sqrt(x), want[x], "int_sqrt(%lu)", x);
}

Test(int_sqrt, perfect_squares_and_their_neighbours)
{
	for (unsigned long n = 2; n <= 70000; n++) {
		cr_assert_eq(int_sqrt(n * n), n, "%lu^2", n);
		cr_assert_eq(int_sqrt(n * n - 1), n - 1, "%lu^2 - 1", n);
		cr_assert_eq(int_sqrt(n * n + 2 * n), n, "(%lu + 1)^2 - 1", n);
	}
}

Test(int_sqrt, floor_of_the_root_everywhere_below_2_to_the_20)
{
	for (unsigned long x = 0; x < (1ul << 20); x++) {
		unsigned long y = int_sqrt(x);

		cr_assert(y * y <= x && x < (y + 1) * (y + 1), "int_sqrt(%lu) = %lu", x, y);
	}
}

Test(int_sqrt, top_of_the_range)
{
	/* The largest 32-bit values (all of the guest's range) ... */
	cr_assert_eq(int_sqrt(0xfffe0001ul), 0xffff);   /* 65535^2 */
	cr_assert_eq(int_sqrt(0xfffe0000ul), 0xfffe);
	cr_assert_eq(int_sqrt(0xfffffffful), 0xffff);
	/* ... and of the host's unsigned long. */
	cr_assert_eq(int_sqrt(~0ul), (1ul << (BITS_PER_LONG / 2)) - 1);
	cr_assert_eq(int_sqrt(1ul << (BITS_PER_LONG - 2)), 1ul << (BITS_PER_LONG / 2 - 1));
}

/* Pointers as highmem.c hashes them: struct pages, 32 bytes apart. */
static const void *page_ptr(unsigned long i)
{
	return (const void *)(0xc1000000ul + i * 32);
}

Test(hash, hash_32_is_the_top_bits_of_a_golden_ratio_multiply)
{
	cr_assert_eq(hash_32(0, 7), 0);
	cr_assert_eq(hash_32(1, 32), GOLDEN_RATIO_32);
	cr_assert_eq(hash_32(1, 7), GOLDEN_RATIO_32 >> 25);
	for (u32 v = 1; v < 100000; v += 997)
		for (unsigned int bits = 1; bits <= 32; bits++)
			cr_assert_eq(hash_32(v, bits), hash_32(v, 32) >> (32 - bits), "%u, %u bits", v, bits);
}

Test(hash, every_hash_is_below_1_shl_bits_and_deterministic)
{
	for (unsigned long i = 0; i < 4096; i++) {
		const void *p = page_ptr(i);
		u64 v = (u64)i * 0x9e3779b97f4a7c15ull;

		for (unsigned int bits = 1; bits <= 32; bits++) {
			cr_assert_lt((u64)hash_ptr(p, bits), 1ull << bits, "%p, %u bits", p, bits);
			cr_assert_lt((u64)hash_32((u32)i, bits), 1ull << bits);
			cr_assert_lt((u64)hash_64(v, bits), 1ull << bits);
			cr_assert_eq(hash_ptr(p, bits), hash_ptr(p, bits));
			cr_assert_eq(hash_ptr(p, bits), hash_long((unsigned long)p, bits));
			cr_assert_eq(hash_64(v, bits), hash_64(v, bits));
		}
	}
}

Test(hash, consecutive_struct_pages_fill_every_bucket)
{
	/* highmem.c's page_address table: 128 buckets, one entry per pkmap slot. */
	unsigned int hits32[128] = { 0 }, hits_ptr[128] = { 0 };

	for (unsigned long i = 0; i < 1024; i++) {
		hits32[hash_32((u32)(uintptr_t)page_ptr(i), 7)]++;
		hits_ptr[hash_ptr(page_ptr(i), 7)]++;
	}
	for (int b = 0; b < 128; b++) {
		cr_assert(hits32[b] > 0, "hash_32: bucket %d empty", b);
		cr_assert(hits_ptr[b] > 0, "hash_ptr: bucket %d empty", b);
	}
}
