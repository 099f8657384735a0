/* Unit tests of memblock (guest/mm/memblock.c built for the host). */
#include <criterion/criterion.h>
#include "memblock.h"

#define MiB (1ull << 20)

static void pc_layout(void)
{
	/* The VMM's map: RAM below the ISA hole, then from 1 MiB. */
	memblock_add(0, 0xa0000);
	memblock_add(MiB, 127 * MiB);
	memblock_reserve(0, 0x20000);              /* boot structures */
	memblock_reserve(MiB, 2 * MiB);            /* kernel image */
}

Test(memblock, regions_merge_and_stay_sorted)
{
	memblock_add(8 * MiB, MiB);
	memblock_add(0, MiB);
	memblock_add(MiB, MiB);          /* adjacent: merges with [0,1M) */
	memblock_add(4 * MiB, 5 * MiB);  /* overlaps [8M,9M) */
	cr_assert_eq(memblock.memory.cnt, 2);
	cr_assert_eq(memblock.memory.regions[0].base, 0);
	cr_assert_eq(memblock.memory.regions[0].size, 2 * MiB);
	cr_assert_eq(memblock.memory.regions[1].base, 4 * MiB);
	cr_assert_eq(memblock.memory.regions[1].size, 5 * MiB);
	cr_assert_eq(memblock.memory.total_size, 7 * MiB);
}

Test(memblock, free_ranges_exclude_reserved_and_holes)
{
	pc_layout();
	u64 idx = 0;
	phys_addr_t s, e;
	cr_assert(memblock_next_free_range(&idx, &s, &e));
	cr_assert_eq(s, 0x20000);
	cr_assert_eq(e, 0xa0000);
	cr_assert(memblock_next_free_range(&idx, &s, &e));
	cr_assert_eq(s, 3 * MiB);
	cr_assert_eq(e, 128 * MiB);
	cr_assert_not(memblock_next_free_range(&idx, &s, &e));
}

Test(memblock, alloc_is_top_down_below_limit_and_reserved)
{
	pc_layout();
	memblock_set_current_limit(64 * MiB);
	phys_addr_t a = memblock_phys_alloc(3 * 4096, 4096);
	cr_assert_eq(a, 64 * MiB - 3 * 4096);
	cr_assert(memblock_is_reserved(a));
	phys_addr_t b = memblock_phys_alloc(MiB, 2 * MiB);
	cr_assert_eq(b, 62 * MiB, "got %llx", (unsigned long long)b);
	cr_assert_not(memblock_overlaps_reserved(b + MiB, MiB - 3 * 4096));
}

Test(memblock, alloc_skips_reserved_and_fails_cleanly)
{
	memblock_add(0, 4 * MiB);
	memblock_reserve(2 * MiB, 2 * MiB);
	memblock_reserve(0, 4096);
	phys_addr_t a = memblock_phys_alloc(MiB, 4096);
	cr_assert_eq(a, MiB);
	phys_addr_t b = memblock_phys_alloc(MiB, 4096);
	cr_assert_eq(b, 0, "only [4K,1M) is left; a 1 MiB request must fail, got %llx",
		     (unsigned long long)b);
	cr_assert_eq(memblock_phys_alloc(4096, 4096), MiB - 4096);
}
