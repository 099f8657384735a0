/* Unit tests of the highmem page_address hash (guest/mm/highmem.c). */
#include <criterion/criterion.h>
#include <signal.h>
#include "mm_host.h"
#include "asm/pgtable_types.h"

/* 4096 pfns: DMA below 1024, Normal below 2048, HighMem above. */
static void machine(void)
{
	mm_host_quiet = true;
	mm_host_init(&(struct mm_host_layout){ .nr_pfns = 4096, .dma_end = 1024, .normal_end = 2048 });
}

static void *slot_va(unsigned int i)
{
	return (void *)(PKMAP_BASE + i * PAGE_SIZE);
}

TestSuite(page_address, .init = machine, .fini = mm_host_teardown);

Test(page_address, highmem_pages_have_no_address_until_set)
{
	struct page *hi = pfn_to_page(3000);

	cr_assert(PageHighMem(hi));
	cr_assert_null(page_address(hi));
	set_page_address(hi, slot_va(7));
	cr_assert_eq(page_address(hi), slot_va(7));
	set_page_address(hi, NULL);
	cr_assert_null(page_address(hi));
}

Test(page_address, lowmem_is_the_direct_map)
{
	struct page *lo = pfn_to_page(1500);

	cr_assert_eq(page_address(lo), __va((phys_addr_t)1500 << PAGE_SHIFT));
}

Test(page_address, every_pkmap_slot_at_once_and_chains_stay_correct)
{
	/* LAST_PKMAP pages, more than the 128 hash slots: chains form. */
	for (unsigned int i = 0; i < LAST_PKMAP; i++)
		set_page_address(pfn_to_page(2048 + i * 3), slot_va(i));
	for (unsigned int i = 0; i < LAST_PKMAP; i++)
		cr_assert_eq(page_address(pfn_to_page(2048 + i * 3)), slot_va(i), "page %u", i);
	/* Remove every other one: the rest must still be found. */
	for (unsigned int i = 0; i < LAST_PKMAP; i += 2)
		set_page_address(pfn_to_page(2048 + i * 3), NULL);
	for (unsigned int i = 0; i < LAST_PKMAP; i++)
		cr_assert_eq(page_address(pfn_to_page(2048 + i * 3)), i % 2 ? slot_va(i) : NULL, "page %u", i);
}

Test(page_address, pool_entries_are_recycled)
{
	for (unsigned int round = 0; round < 4 * LAST_PKMAP; round++) {
		struct page *p = pfn_to_page(2048 + round % 2000);
		set_page_address(p, slot_va(round % LAST_PKMAP));
		cr_assert_eq(page_address(p), slot_va(round % LAST_PKMAP));
		set_page_address(p, NULL);
	}
}

Test(page_address, lowmem_page_is_a_bug, .signal = SIGABRT)
{
	expect_death("kernel BUG at ", ": !PageHighMem(page)\n");
	set_page_address(pfn_to_page(100), slot_va(0));
}

Test(page_address, more_addresses_than_pkmap_slots_is_a_bug, .signal = SIGABRT)
{
	expect_death("kernel BUG at ", ": pool_used == LAST_PKMAP\n");
	for (unsigned int i = 0; i <= LAST_PKMAP; i++)
		set_page_address(pfn_to_page(2048 + i), slot_va(i % LAST_PKMAP));
}
