/*
 * Unit tests of the page allocator core (guest/mm/page_alloc.c,
 * fault_inject.c, page_poison.c built for the host over a test arena by
 * guest/mm/host/): splitting and merging, buddies at zone edges and holes,
 * boot population, deferred top-order blocks, watermarks and
 * lowmem_reserve, per-CPU lists, fault injection, bad-page detection,
 * poisoning, and a randomized run checked against an oracle.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm.h"
#include "fault_inject.h"
#include "random.h"
#include "../guest/mm/host/mm_host.h"

#define NR(a) (sizeof(a) / sizeof((a)[0]))

static struct zone *zone_of(enum zone_type z)
{
	return &contig_page_data.node_zones[z];
}

static unsigned long zone_free(enum zone_type z)
{
	return zone_page_state(zone_of(z), NR_FREE_PAGES);
}

static void verify(void)
{
	char err[256];
	long n = mm_host_verify(err, sizeof(err));

	cr_assert(n >= 0, "buddy invariant broken: %s", err);
}

/* Boot messages stay out of the test log; panics still print. */
static void machine(const struct mm_host_layout *layout)
{
	mm_host_quiet = true;
	mm_host_init(layout);
}

static void one_zone_machine(unsigned long nr_pfns, bool pcp)
{
	machine(&(struct mm_host_layout){
		.nr_pfns = nr_pfns, .dma_end = 0, .normal_end = nr_pfns,
		.no_wmark = true, .no_pcp = !pcp,
	});
}

/* The coming bad_page() report: its reason, the page it names, and the
 * page's state as dump_page() prints it. */
static void expect_bad_page(const struct page *page, const char *reason)
{
	char panic_line[128], pfn_line[64];

	snprintf(panic_line, sizeof(panic_line), "Kernel panic - not syncing: Bad page state: %s (pfn 0x%lx)",
		 reason, page_to_pfn(page));
	snprintf(pfn_line, sizeof(pfn_line), "BUG: Bad page state: pfn:0x%lx\n", page_to_pfn(page));
	expect_death(pfn_line, panic_line, "page dumped because: ");
}

/* DMA, Normal and HighMem with unaligned boundaries, holes and reserved
 * ranges (one crossing the Normal/HighMem edge). */
static const struct mm_host_range std_holes[] = { { 160, 256 }, { 2500, 2600 } };
static const struct mm_host_range std_reserved[] = { { 0, 16 }, { 256, 700 }, { 4090, 4110 } };

static const struct mm_host_layout std_layout = {
	.nr_pfns = 6000, .dma_end = 1000, .normal_end = 4100,
	.holes = std_holes, .nr_holes = NR(std_holes),
	.reserved = std_reserved, .nr_reserved = NR(std_reserved),
};

static void std_machine(void)
{
	machine(&std_layout);
}

/* Big enough to defer (runs of >= DEFERRED_MIN_BLOCKS top-order blocks):
 * DMA [0, 4096) has 3 whole blocks (eager); Normal [4096, 40000) a run of
 * 25 (deferred) before the reserved [30000, 30100) and one of 9 after it
 * (eager, so listed above the deferred run); HighMem [40000, 100000) runs
 * of 18 and 36 around the hole [60000, 62000) (two deferred ranges). */
static const struct mm_host_range big_holes[] = { { 60000, 62000 } };
static const struct mm_host_range big_reserved[] = { { 0, 16 }, { 30000, 30100 } };
static const struct mm_host_layout big_layout = {
	.nr_pfns = 100000, .dma_end = 4096, .normal_end = 40000,
	.holes = big_holes, .nr_holes = NR(big_holes),
	.reserved = big_reserved, .nr_reserved = NR(big_reserved),
};

static bool in_ranges(unsigned long pfn, const struct mm_host_range *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (pfn >= r[i].start && pfn < r[i].end)
			return true;
	return false;
}

static bool page_is_zero(const struct page *page)
{
	static const struct page zero;

	return !memcmp(page, &zero, sizeof(zero));
}

/* ---- Split and merge --------------------------------------------------- */

Test(buddy, split_takes_lowest_and_frees_upper_halves)
{
	one_zone_machine(2048, false);
	const struct zone *z = zone_of(ZONE_NORMAL);

	cr_assert_eq(z->free_area[MAX_ORDER - 1].nr_free, 2);
	/* Boot freed 0 then 1024; lists are LIFO, so 1024 is split. */
	struct page *page = alloc_pages(GFP_KERNEL, 3);
	cr_assert_not_null(page);
	cr_assert_eq(page_to_pfn(page), 1024);
	cr_assert_eq(page_count(page), 1);
	for (unsigned int o = 0; o < 3; o++)
		cr_assert_eq(z->free_area[o].nr_free, 0, "order %u", o);
	for (unsigned int o = 3; o < MAX_ORDER - 1; o++) {
		struct page *half = pfn_to_page(1024 + (1ul << o));
		cr_assert_eq(z->free_area[o].nr_free, 1, "order %u", o);
		cr_assert(PageBuddy(half) && page_private(half) == o, "half at order %u", o);
	}
	cr_assert_eq(z->free_area[MAX_ORDER - 1].nr_free, 1);
	cr_assert_eq(zone_free(ZONE_NORMAL), 2048 - 8);
	verify();

	__free_pages(page, 3);
	for (unsigned int o = 0; o < MAX_ORDER - 1; o++)
		cr_assert_eq(z->free_area[o].nr_free, 0, "order %u", o);
	cr_assert_eq(z->free_area[MAX_ORDER - 1].nr_free, 2);
	cr_assert_eq(zone_free(ZONE_NORMAL), 2048);
	verify();
}

Test(buddy, merge_needs_the_buddy_of_the_same_order)
{
	one_zone_machine(1024, false);
	const struct zone *z = zone_of(ZONE_NORMAL);
	struct page *a = alloc_pages(GFP_KERNEL, 0);   /* pfn 0 */
	struct page *b = alloc_pages(GFP_KERNEL, 0);   /* pfn 1 */
	struct page *c = alloc_pages(GFP_KERNEL, 1);   /* pfn 2-3 */

	cr_assert_eq(page_to_pfn(a), 0);
	cr_assert_eq(page_to_pfn(b), 1);
	cr_assert_eq(page_to_pfn(c), 2);
	__free_pages(a, 0);
	/* pfn 0's buddy (1) is allocated: no merge. */
	cr_assert_eq(z->free_area[0].nr_free, 1);
	cr_assert(PageBuddy(a) && page_private(a) == 0);
	__free_pages(c, 1);
	/* 2-3 (order 1) cannot merge with 0 (order 0) while 1 is held. */
	cr_assert_eq(z->free_area[1].nr_free, 1);
	__free_pages(b, 0);
	/* 1 merges with 0, then 0-1 with 2-3, and so on up to order 10. */
	cr_assert_eq(z->free_area[MAX_ORDER - 1].nr_free, 1);
	for (unsigned int o = 0; o < MAX_ORDER - 1; o++)
		cr_assert_eq(z->free_area[o].nr_free, 0, "order %u", o);
	cr_assert(page_is_zero(b) && page_is_zero(c), "merged heads are reset to zero");
	verify();
}

Test(buddy, blocks_never_cross_zone_edges)
{
	machine(&(struct mm_host_layout){
		.nr_pfns = 3000, .dma_end = 1000, .normal_end = 3000, .no_wmark = true,
	});
	/* 992 and 1000 are order-3 buddies, but in different zones. */
	struct page *dma_edge = pfn_to_page(992), *normal_edge = pfn_to_page(1000);
	cr_assert(PageBuddy(dma_edge) && page_private(dma_edge) == 3);
	cr_assert(PageBuddy(normal_edge) && page_private(normal_edge) == 3);
	cr_assert_eq(page_zone(dma_edge), zone_of(ZONE_DMA));
	cr_assert_eq(page_zone(normal_edge), zone_of(ZONE_NORMAL));
	/* The last block ends at max_pfn; its buddy (3000) is beyond mem_map,
	 * which ASan would catch if the allocator looked at it. */
	struct page *last = pfn_to_page(2992);
	cr_assert(PageBuddy(last) && page_private(last) == 3);
	verify();

	/* Take every order-3 Normal block, then give them back. */
	struct page *held[8];
	unsigned int n = 0;
	while (zone_of(ZONE_NORMAL)->free_area[3].nr_free && n < NR(held)) {
		held[n] = alloc_pages(GFP_KERNEL, 3);
		cr_assert_eq(page_zone(held[n]), zone_of(ZONE_NORMAL));
		n++;
	}
	cr_assert_eq(n, 2, "1000 and 2992 are Normal's order-3 blocks");
	while (n--)
		__free_pages(held[n], 3);
	cr_assert(PageBuddy(dma_edge) && page_private(dma_edge) == 3);
	cr_assert(PageBuddy(normal_edge) && page_private(normal_edge) == 3);
	cr_assert(PageBuddy(last) && page_private(last) == 3);
	verify();
}

Test(buddy, holes_are_never_merged_or_touched)
{
	static const struct mm_host_range holes[] = { { 1030, 1040 } };
	machine(&(struct mm_host_layout){
		.nr_pfns = 2048, .dma_end = 0, .normal_end = 2048,
		.holes = holes, .nr_holes = 1, .no_wmark = true, .no_pcp = true,
	});
	struct page *before = pfn_to_page(1028);   /* order 1: its buddy 1030 is a hole */
	cr_assert(PageBuddy(before) && page_private(before) == 1);
	cr_assert_eq(zone_of(ZONE_NORMAL)->present_pages, 2048 - 10);
	cr_assert_eq(zone_of(ZONE_NORMAL)->managed_pages, 2048 - 10);

	/* Keep taking order-1 blocks (and holding them) until 1028 comes. */
	struct page *p = alloc_pages(GFP_KERNEL, 1);
	while (p && page_to_pfn(p) != 1028)
		p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 1);
	cr_assert_not_null(p);
	__free_pages(p, 1);
	cr_assert(PageBuddy(before) && page_private(before) == 1);
	for (unsigned long pfn = 1030; pfn < 1040; pfn++)
		cr_assert(page_is_zero(pfn_to_page(pfn)), "hole pfn %lu written", pfn);
	verify();
}

/* ---- Boot population ------------------------------------------------------ */

Test(boot, writes_only_one_head_per_block)
{
	std_machine();
	unsigned long heads = 0, free = 0;

	for (unsigned long pfn = 0; pfn < max_pfn; pfn++) {
		const struct page *page = pfn_to_page(pfn);

		if (PageBuddy(page)) {
			heads++;
			free += 1ul << page_private(page);
			cr_assert_eq(page->flags, 1ul << PG_buddy);
		} else if (in_ranges(pfn, std_reserved, NR(std_reserved)) &&
			   !in_ranges(pfn, std_holes, NR(std_holes))) {
			cr_assert_eq(page->flags, 1ul << PG_reserved, "pfn %lu", pfn);
		} else {
			cr_assert(page_is_zero(page), "pfn %lu: boot wrote a non-head page", pfn);
		}
	}
	cr_assert_eq(free, totalram_pages);
	cr_assert_eq(free, nr_free_pages());
	/* A few blocks per free range and zone edge, not one per page. */
	cr_assert_lt(heads, 60, "%lu heads for %lu pages", heads, free);
	cr_assert_eq(totalhigh_pages, 6000 - 4110);
	cr_assert_eq(totalram_pages, 6000 - 196 - 16 - 444 - 20);
	verify();
}

Test(boot, adjacent_ranges_merge_and_zone_splits)
{
	machine(&(struct mm_host_layout){
		.nr_pfns = 2048, .dma_end = 1000, .normal_end = 2048,
		.no_free = true, .no_wmark = true,
	});
	/* Out of order, unaligned, one range crossing DMA/Normal. */
	memblock_free_pages_range(1500, 2048);
	memblock_free_pages_range(100, 1200);
	memblock_free_pages_range(0, 100);
	memblock_free_pages_range(1200, 1500);
	cr_assert_eq(zone_of(ZONE_DMA)->managed_pages, 1000);
	cr_assert_eq(zone_of(ZONE_NORMAL)->managed_pages, 1048);
	cr_assert_eq(zone_of(ZONE_NORMAL)->free_area[MAX_ORDER - 1].nr_free, 1,
		     "[1024, 2048) merged into one block");
	cr_assert(PageBuddy(pfn_to_page(1024)));
	cr_assert_eq(zone_of(ZONE_DMA)->free_area[9].nr_free, 1);
	verify();
}

Test(boot, zone_setup)
{
	std_machine();
	cr_assert_str_eq(zone_of(ZONE_DMA)->name, "DMA");
	cr_assert_str_eq(zone_of(ZONE_NORMAL)->name, "Normal");
	cr_assert_str_eq(zone_of(ZONE_HIGHMEM)->name, "HighMem");
	cr_assert_eq(max_low_pfn, 4100);
	cr_assert_eq(max_pfn, 6000);
	cr_assert_eq(zone_of(ZONE_NORMAL)->zone_start_pfn, 1000);
	cr_assert_eq(zone_of(ZONE_NORMAL)->spanned_pages, 3100);
	cr_assert_eq(zone_of(ZONE_DMA)->present_pages, 1000 - 96);
	cr_assert_eq(zone_of(ZONE_NORMAL)->present_pages, 3100 - 100);
	cr_assert_eq(zone_of(ZONE_HIGHMEM)->present_pages, 1900);
	cr_assert_eq(page_zonenum(pfn_to_page(999)), ZONE_DMA);
	cr_assert_eq(page_zonenum(pfn_to_page(1000)), ZONE_NORMAL);
	cr_assert_eq(page_zonenum(pfn_to_page(4099)), ZONE_NORMAL);
	cr_assert_eq(page_zonenum(pfn_to_page(4100)), ZONE_HIGHMEM);
	cr_assert(!PageHighMem(pfn_to_page(4099)));
	cr_assert(PageHighMem(pfn_to_page(4100)));
}

/* ---- Deferred top-order blocks ------------------------------------------------ */

static bool range_is(const struct zone *z, unsigned long i, unsigned long start, unsigned long end)
{
	return z->deferred[i].start_pfn == start && z->deferred[i].end_pfn == end;
}

static bool all_zero_pages(unsigned long start, unsigned long end)
{
	for (unsigned long pfn = start; pfn < end; pfn++)
		if (!page_is_zero(pfn_to_page(pfn)))
			return false;
	return true;
}

Test(deferred, boot_defers_long_runs_below_the_list_only)
{
	machine(&big_layout);
	const struct zone *dma = zone_of(ZONE_DMA), *normal = zone_of(ZONE_NORMAL);
	const struct zone *high = zone_of(ZONE_HIGHMEM);

	cr_assert_eq(dma->nr_deferred_ranges, 0, "3 blocks: too short to defer");
	cr_assert_eq(normal->nr_deferred_ranges, 1);
	cr_assert(range_is(normal, 0, 4096, 29696), "[%#lx, %#lx)", normal->deferred[0].start_pfn,
		  normal->deferred[0].end_pfn);
	cr_assert(range_is(normal, 1, 0, 0), "unused entries are zero");
	/* The 9 blocks after the reserved range were linked: PageBuddy heads. */
	cr_assert_eq(normal->free_area[MAX_ORDER - 1].nr_free, 25 + 9);
	cr_assert(PageBuddy(pfn_to_page(30720)) && PageBuddy(pfn_to_page(38912)));
	cr_assert_eq(high->nr_deferred_ranges, 2);
	cr_assert(range_is(high, 0, 40960, 59392));
	cr_assert(range_is(high, 1, 62464, 99328));
	cr_assert_eq(high->free_area[MAX_ORDER - 1].nr_free, 18 + 36);
	cr_assert(list_empty(&high->free_area[MAX_ORDER - 1].free_list));
	cr_assert_eq(zone_deferred_blocks(high), 54);
	/* Not one struct page of a deferred range was written. */
	cr_assert(all_zero_pages(4096, 29696));
	cr_assert(all_zero_pages(40960, 59392));
	cr_assert(all_zero_pages(62464, 99328));
	verify();
}

/* Everything /proc and the watermarks see, for comparing two boots. */
struct mm_counts {
	unsigned long nr_free[MAX_NR_ZONES][MAX_ORDER];
	long zone_free[MAX_NR_ZONES], global_free;
	unsigned long managed[MAX_NR_ZONES], wmark[MAX_NR_ZONES][NR_WMARK];
	unsigned long reserve[MAX_NR_ZONES][MAX_NR_ZONES];
	unsigned long totalram, totalhigh;
	int min_free_kbytes, batch[MAX_NR_ZONES];
};

static void counts(struct mm_counts *c)
{
	memset(c, 0, sizeof(*c));
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		const struct zone *zone = zone_of(z);

		for (int o = 0; o < MAX_ORDER; o++)
			c->nr_free[z][o] = zone->free_area[o].nr_free;
		c->zone_free[z] = zone->vm_stat[NR_FREE_PAGES];
		c->managed[z] = zone->managed_pages;
		for (int w = 0; w < NR_WMARK; w++)
			c->wmark[z][w] = zone->_watermark[w];
		for (int r = 0; r < MAX_NR_ZONES; r++)
			c->reserve[z][r] = zone->lowmem_reserve[r];
		c->batch[z] = zone->pageset[0].batch;
	}
	c->global_free = vm_zone_stat[NR_FREE_PAGES];
	c->totalram = totalram_pages;
	c->totalhigh = totalhigh_pages;
	c->min_free_kbytes = min_free_kbytes;
}

static void eager_machine(const struct mm_host_layout *layout)
{
	deferred_init_min_blocks = ~0ul;
	machine(layout);
	deferred_init_min_blocks = DEFERRED_MIN_BLOCKS;
	for (int z = 0; z < MAX_NR_ZONES; z++)
		cr_assert_eq(zone_of(z)->nr_deferred_ranges, 0);
}

Test(deferred, counts_identical_to_eager_init)
{
	struct mm_counts deferred, eager;

	machine(&big_layout);
	counts(&deferred);
	cr_assert_gt(zone_deferred_blocks(zone_of(ZONE_HIGHMEM)), 0);
	eager_machine(&big_layout);
	counts(&eager);
	cr_assert(!memcmp(&deferred, &eager, sizeof(eager)),
		  "buddyinfo, NR_FREE_PAGES, managed, totals or watermarks differ");
	verify();
}

/* A fixed pseudo-random sequence of allocations and frees; out[i] is the
 * pfn each allocation got (or ~0ul).  Returns how many were recorded. */
static unsigned long replay(unsigned long *out, unsigned long max, u32 seed)
{
	static const gfp_t gfps[] = { GFP_KERNEL, GFP_HIGHUSER, GFP_KERNEL | GFP_DMA,
				      GFP_ATOMIC | __GFP_HIGHMEM, GFP_HIGHUSER | __GFP_COMP };
	static struct { struct page *page; unsigned int order; bool comp; } held[4096];
	unsigned long n = 0, nheld = 0;

	while (n < max) {
		u32 r = seed = seed * 1103515245u + 12345u;
		unsigned int order = (r >> 8) % 4 == 0 ? MAX_ORDER - 1 : (r >> 12) % 6;

		if (nheld && ((r >> 4) % 10 < 3 || nheld == NR(held))) {
			unsigned long i = (r >> 16) % nheld;

			if (held[i].comp)
				put_page(held[i].page);
			else
				__free_pages(held[i].page, held[i].order);
			held[i] = held[--nheld];
			continue;
		}
		gfp_t gfp = gfps[(r >> 20) % NR(gfps)] | __GFP_NOWARN;
		struct page *page = alloc_pages(gfp, order);

		out[n++] = page ? page_to_pfn(page) : ~0ul;
		if (page)
			held[nheld++] = (typeof(held[0])){ page, order, (gfp & __GFP_COMP) && order };
	}
	while (nheld--)
		__free_pages(held[nheld].page, held[nheld].order);
	return n;
}

Test(deferred, every_allocation_gets_the_pfn_eager_init_gives, .timeout = 60)
{
	enum { N = 3000 };
	static unsigned long a[N], b[N];
	unsigned long failed = 0;

	machine(&big_layout);
	replay(a, N, 1);
	cr_assert_eq(zone_of(ZONE_HIGHMEM)->nr_deferred_ranges, 0, "HighMem's ranges were used up");
	cr_assert_eq(zone_of(ZONE_NORMAL)->nr_deferred_ranges, 0, "and Normal's");
	verify();
	eager_machine(&big_layout);
	replay(b, N, 1);
	for (int i = 0; i < N; i++) {
		cr_assert_eq(a[i], b[i], "allocation %d: pfn %#lx deferred, %#lx eager", i, a[i], b[i]);
		failed += a[i] == ~0ul;
	}
	cr_assert_gt(failed, 0, "the sequence ran out of memory at some point");
	cr_assert_lt(failed, N / 2);
}

Test(deferred, allocating_everything_uses_the_lists_then_the_ranges, .timeout = 60)
{
	machine(&(struct mm_host_layout){
		.nr_pfns = big_layout.nr_pfns, .dma_end = big_layout.dma_end,
		.normal_end = big_layout.normal_end,
		.holes = big_holes, .nr_holes = NR(big_holes),
		.reserved = big_reserved, .nr_reserved = NR(big_reserved), .no_wmark = true,
	});
	struct zone *normal = zone_of(ZONE_NORMAL), *high = zone_of(ZONE_HIGHMEM);
	struct mm_counts before, after;
	unsigned char *owned = calloc(max_pfn, 1);
	static struct page *pages[100000];
	unsigned long n = 0, free0 = nr_free_pages();

	counts(&before);
	/* Normal: its 9 listed blocks (and the edges) come before the range. */
	while (normal->free_area[MAX_ORDER - 1].nr_free > 25) {
		struct page *p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, MAX_ORDER - 1);

		cr_assert_geq(page_to_pfn(p), 30720, "listed blocks first");
		cr_assert(range_is(normal, 0, 4096, 29696), "range untouched meanwhile");
		pages[n++] = p;
	}
	/* Then the range, from its top down. */
	struct page *p = alloc_pages(GFP_KERNEL, MAX_ORDER - 1);
	cr_assert_eq(page_to_pfn(p), 28672);
	cr_assert(range_is(normal, 0, 4096, 28672));
	cr_assert_eq(normal->free_area[MAX_ORDER - 1].nr_free, 24);
	pages[n++] = p;
	while (n < NR(pages) && (pages[n] = alloc_pages(GFP_HIGHUSER | __GFP_NOWARN, 0)))
		n++;
	drain_all_pages(NULL);
	while (n < NR(pages) && (pages[n] = alloc_pages(GFP_HIGHUSER | __GFP_NOWARN, 0)))
		n++;
	cr_assert_eq(nr_free_pages() + mm_host_pcp_pages(), 0, "everything allocated");
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		cr_assert_eq(zone_of(z)->nr_deferred_ranges, 0, "zone %d", z);
		cr_assert(range_is(zone_of(z), 0, 0, 0) && range_is(zone_of(z), 1, 0, 0));
		for (int o = 0; o < MAX_ORDER; o++)
			cr_assert_eq(zone_of(z)->free_area[o].nr_free, 0);
	}
	for (unsigned long i = 0; i < n; i++) {
		unsigned long pfn = page_to_pfn(pages[i]);
		unsigned int order = i < 10 ? MAX_ORDER - 1 : 0;

		for (unsigned long k = 0; k < (1ul << order); k++) {
			cr_assert_not(owned[pfn + k], "pfn %lu handed out twice", pfn + k);
			owned[pfn + k] = 1;
		}
	}
	verify();
	cr_assert_eq(high->free_area[MAX_ORDER - 1].nr_free, 0);

	for (unsigned long i = n; i-- > 0;)
		__free_pages(pages[i], i < 10 ? MAX_ORDER - 1 : 0);
	drain_all_pages(NULL);
	counts(&after);
	for (int z = 0; z < MAX_NR_ZONES; z++)
		for (int o = 0; o < MAX_ORDER; o++)
			cr_assert_eq(after.nr_free[z][o], before.nr_free[z][o], "zone %d order %d", z, o);
	cr_assert_eq(nr_free_pages(), free0);
	/* Freed blocks are listed now: no range comes back. */
	cr_assert_eq(high->nr_deferred_ranges, 0);
	cr_assert(PageBuddy(pfn_to_page(40960)) && page_private(pfn_to_page(40960)) == MAX_ORDER - 1);
	verify();
	free(owned);
}

Test(deferred, ranges_are_bounded_and_adjacent_runs_extend_one)
{
	machine(&(struct mm_host_layout){
		.nr_pfns = 140 * 1024, .dma_end = 0, .normal_end = 1024, .no_free = true,
		.no_wmark = true, .no_pcp = true,
	});
	struct zone *high = zone_of(ZONE_HIGHMEM);
	const unsigned long B = MAX_ORDER_NR_PAGES;

	/* Five separate long runs: four ranges, then the fifth is linked. */
	for (unsigned long i = 0; i < 5; i++)
		memblock_free_pages_range((1 + 20 * i) * B, (1 + 20 * i + 16) * B);
	cr_assert_eq(high->nr_deferred_ranges, NR_DEFERRED_RANGES);
	cr_assert(range_is(high, 3, 61 * B, 77 * B));
	cr_assert_eq(high->free_area[MAX_ORDER - 1].nr_free, 5 * 16);
	cr_assert(PageBuddy(pfn_to_page(81 * B)), "fifth run linked");
	verify();
	/* Now that something is listed, no run is deferred any more. */
	memblock_free_pages_range(101 * B, 120 * B);
	cr_assert_eq(high->nr_deferred_ranges, NR_DEFERRED_RANGES);
	cr_assert(PageBuddy(pfn_to_page(101 * B)));
	verify();

	/* A run right after the last range extends it (still the stack top). */
	machine(&(struct mm_host_layout){
		.nr_pfns = 40 * 1024, .dma_end = 0, .normal_end = 1024, .no_free = true,
		.no_wmark = true, .no_pcp = true,
	});
	high = zone_of(ZONE_HIGHMEM);
	memblock_free_pages_range(1 * B, 17 * B);
	memblock_free_pages_range(17 * B, 33 * B);
	cr_assert_eq(high->nr_deferred_ranges, 1);
	cr_assert(range_is(high, 0, 1 * B, 33 * B));
	/* Short runs are linked, whatever the list. */
	memblock_free_pages_range(34 * B, 40 * B);
	cr_assert_eq(high->nr_deferred_ranges, 1);
	cr_assert_eq(high->free_area[MAX_ORDER - 1].nr_free, 32 + 6);
	verify();
	cr_assert_eq(page_to_pfn(alloc_pages(GFP_HIGHUSER, MAX_ORDER - 1)), 39 * B);
}

Test(deferred, a_written_deferred_block_is_a_bad_page, .signal = SIGABRT)
{
	machine(&big_layout);
	struct zone *high = zone_of(ZONE_HIGHMEM);

	/* The next deferred block HighMem hands out is the top of range 1. */
	struct page *top = pfn_to_page(high->deferred[1].end_pfn - MAX_ORDER_NR_PAGES);
	top->flags = 1ul << PG_lru;
	expect_bad_page(top, "deferred top-order block in use");
	alloc_pages(GFP_HIGHUSER, MAX_ORDER - 1);
}

Test(deferred, small_machines_never_defer)
{
	std_machine();
	for (int z = 0; z < MAX_NR_ZONES; z++)
		cr_assert_eq(zone_of(z)->nr_deferred_ranges, 0);
	one_zone_machine(15 * 1024, false);
	cr_assert_eq(zone_of(ZONE_NORMAL)->nr_deferred_ranges, 0, "15 blocks: linked");
	one_zone_machine(16 * 1024, false);
	cr_assert_eq(zone_of(ZONE_NORMAL)->nr_deferred_ranges, 1, "16 blocks: deferred");
	verify();
}

/* ---- Watermarks and lowmem_reserve --------------------------------------- */

Test(watermark, per_zone_setup_follows_the_formulas)
{
	machine(&(struct mm_host_layout){
		.nr_pfns = 8192, .dma_end = 1024, .normal_end = 4096,
	});
	/* lowmem 4096 pages = 16384 kB: sqrt(16384 * 16) = 512 kB = 128 pages. */
	cr_assert_eq(min_free_kbytes, 512);
	cr_assert_eq(min_wmark_pages(zone_of(ZONE_DMA)), 32);     /* 128 * 1024 / 4096 */
	cr_assert_eq(min_wmark_pages(zone_of(ZONE_NORMAL)), 96);
	cr_assert_eq(low_wmark_pages(zone_of(ZONE_NORMAL)), 120);  /* min * 5/4 */
	cr_assert_eq(high_wmark_pages(zone_of(ZONE_NORMAL)), 144); /* min * 3/2 */
	/* HighMem: managed / 1024 clamped to [32, 128]. */
	cr_assert_eq(min_wmark_pages(zone_of(ZONE_HIGHMEM)), 32);
	cr_assert_eq(low_wmark_pages(zone_of(ZONE_HIGHMEM)), 40);
	cr_assert_eq(high_wmark_pages(zone_of(ZONE_HIGHMEM)), 48);
	/* lowmem_reserve: DMA 256, Normal 32, of the zones above. */
	cr_assert_eq(zone_of(ZONE_DMA)->lowmem_reserve[ZONE_DMA], 0);
	cr_assert_eq(zone_of(ZONE_DMA)->lowmem_reserve[ZONE_NORMAL], 3072 / 256);
	cr_assert_eq(zone_of(ZONE_DMA)->lowmem_reserve[ZONE_HIGHMEM], (3072 + 4096) / 256);
	cr_assert_eq(zone_of(ZONE_NORMAL)->lowmem_reserve[ZONE_NORMAL], 0);
	cr_assert_eq(zone_of(ZONE_NORMAL)->lowmem_reserve[ZONE_HIGHMEM], 4096 / 32);
	cr_assert_eq(zone_of(ZONE_HIGHMEM)->lowmem_reserve[ZONE_HIGHMEM], 0);
}

Test(watermark, min_free_kbytes_is_clamped)
{
	one_zone_machine(256, false);   /* 1 MiB: sqrt(1024 * 16) = 128 */
	init_per_zone_wmark_min();
	cr_assert_eq(min_free_kbytes, 128);
	one_zone_machine(64, false);
	init_per_zone_wmark_min();
	cr_assert_eq(min_free_kbytes, 128, "floor");
}

Test(watermark, zone_watermark_ok_decisions)
{
	one_zone_machine(1024, false);
	struct zone *z = zone_of(ZONE_NORMAL);
	struct page *hold = alloc_pages(GFP_KERNEL, 4);   /* leaves 1008 free */

	cr_assert_eq(zone_free(ZONE_NORMAL), 1008);
	cr_assert(zone_watermark_ok(z, 0, 1007, ZONE_NORMAL, 0));
	cr_assert_not(zone_watermark_ok(z, 0, 1008, ZONE_NORMAL, 0), "free must exceed the mark");
	/* The request itself must fit above the mark: order 2 needs 3 more. */
	cr_assert(zone_watermark_ok(z, 2, 1004, ZONE_NORMAL, 0));
	cr_assert_not(zone_watermark_ok(z, 2, 1005, ZONE_NORMAL, 0));
	/* ALLOC_HIGH halves the mark (rounding the discount down), ALLOC_HARDER
	 * takes a further quarter. */
	cr_assert(zone_watermark_ok(z, 0, 2014, ZONE_NORMAL, ALLOC_HIGH));
	cr_assert_not(zone_watermark_ok(z, 0, 2015, ZONE_NORMAL, ALLOC_HIGH));
	cr_assert(zone_watermark_ok(z, 0, 1342, ZONE_NORMAL, ALLOC_HARDER));
	cr_assert_not(zone_watermark_ok(z, 0, 1343, ZONE_NORMAL, ALLOC_HARDER));
	cr_assert(zone_watermark_ok(z, 0, 2684, ZONE_NORMAL, ALLOC_HIGH | ALLOC_HARDER));
	cr_assert_not(zone_watermark_ok(z, 0, 2685, ZONE_NORMAL, ALLOC_HIGH | ALLOC_HARDER));
	/* lowmem_reserve applies by the highest zone the request may use. */
	z->lowmem_reserve[ZONE_HIGHMEM] = 500;
	cr_assert(zone_watermark_ok(z, 0, 507, ZONE_HIGHMEM, 0));
	cr_assert_not(zone_watermark_ok(z, 0, 508, ZONE_HIGHMEM, 0));
	cr_assert(zone_watermark_ok(z, 0, 1007, ZONE_NORMAL, 0));
	__free_pages(hold, 4);
}

Test(watermark, enough_pages_but_no_block_big_enough)
{
	one_zone_machine(1024, false);
	struct zone *z = zone_of(ZONE_NORMAL);
	static struct page *pages[1024];

	for (int i = 0; i < 1024; i++)
		pages[i] = alloc_pages(GFP_KERNEL, 0);
	for (int i = 0; i < 1024; i += 2)
		__free_pages(pages[i], 0);
	cr_assert_eq(zone_free(ZONE_NORMAL), 512);
	cr_assert(zone_watermark_ok(z, 0, 0, ZONE_NORMAL, 0));
	cr_assert_not(zone_watermark_ok(z, 1, 0, ZONE_NORMAL, 0), "512 pages, no order-1 block");
	cr_assert_null(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 1));
	__free_pages(pages[1], 0);
	cr_assert(zone_watermark_ok(z, 1, 0, ZONE_NORMAL, 0));
	cr_assert(zone_watermark_ok(z, 1, 511, ZONE_NORMAL, 0), "513 - 1 > 511");
	cr_assert_not(zone_watermark_ok(z, 1, 512, ZONE_NORMAL, 0));
}

/* Allocate order-0 pages with gfp until the allocator refuses. */
static unsigned long exhaust(gfp_t gfp)
{
	unsigned long n = 0;
	struct page *page;

	while ((page = alloc_pages(gfp | __GFP_NOWARN, 0)) != NULL)
		n++;
	return n;
}

Test(watermark, kernel_stops_at_min_atomic_dips_below)
{
	machine(&(struct mm_host_layout){
		.nr_pfns = 2048, .dma_end = 0, .normal_end = 2048, .no_pcp = true,
	});
	/* 8192 kB: sqrt(131072) = 362 kB -> 90 pages. */
	cr_assert_eq(min_wmark_pages(zone_of(ZONE_NORMAL)), 90);
	exhaust(GFP_KERNEL);
	cr_assert_eq(zone_free(ZONE_NORMAL), 90, "GFP_KERNEL may take free pages down to min");
	exhaust(__GFP_HIGH);
	cr_assert_eq(zone_free(ZONE_NORMAL), 45, "__GFP_HIGH: half of min");
	exhaust(GFP_ATOMIC);
	cr_assert_eq(zone_free(ZONE_NORMAL), 34, "GFP_ATOMIC: a further quarter");
	cr_assert_gt(vm_event_states.event[PGALLOC_FAIL], 0);
}

Test(watermark, lowmem_reserve_protects_dma_from_normal_requests)
{
	machine(&(struct mm_host_layout){
		.nr_pfns = 4096, .dma_end = 1024, .normal_end = 4096, .no_pcp = true,
	});
	cr_assert_eq(min_wmark_pages(zone_of(ZONE_DMA)), 32);
	cr_assert_eq(min_wmark_pages(zone_of(ZONE_NORMAL)), 96);
	cr_assert_eq(zone_of(ZONE_DMA)->lowmem_reserve[ZONE_NORMAL], 12);
	unsigned long before = vm_event_states.event[PGALLOC_DMA];
	exhaust(GFP_KERNEL);
	cr_assert_eq(zone_free(ZONE_NORMAL), 96);
	cr_assert_eq(zone_free(ZONE_DMA), 32 + 12, "Normal requests leave DMA its reserve");
	cr_assert_gt(vm_event_states.event[PGALLOC_DMA], before, "fell back to DMA");
	exhaust(GFP_KERNEL | GFP_DMA);
	cr_assert_eq(zone_free(ZONE_DMA), 32, "DMA requests may use the reserve");
}

Test(watermark, highmem_requests_fall_back_in_order)
{
	machine(&(struct mm_host_layout){
		.nr_pfns = 4096, .dma_end = 1024, .normal_end = 2048, .no_pcp = true,
	});
	struct page *page = alloc_pages(GFP_HIGHUSER, 0);
	cr_assert_eq(page_zonenum(page), ZONE_HIGHMEM);
	cr_assert_null(page_address(page), "no highmem mapping until the highmem issue");
	cr_assert_eq(vm_event_states.event[PGALLOC_HIGH], 1);
	exhaust(GFP_HIGHUSER);
	cr_assert_eq(zone_free(ZONE_HIGHMEM), min_wmark_pages(zone_of(ZONE_HIGHMEM)));
	cr_assert_gt(vm_event_states.event[PGALLOC_NORMAL], 0);
	cr_assert_gt(vm_event_states.event[PGALLOC_DMA], 0);
	/* Normal kept its lowmem_reserve[HighMem] (2048 / 32) from them. */
	cr_assert_eq(zone_free(ZONE_NORMAL), min_wmark_pages(zone_of(ZONE_NORMAL)) + 64);
	page = alloc_pages(GFP_KERNEL, 0);
	cr_assert_not_null(page);
	cr_assert_eq(page_zonenum(page), ZONE_NORMAL, "GFP_KERNEL gets the reserve");
}

/* ---- Per-CPU lists ------------------------------------------------------------ */

Test(pcp, batch_and_high_follow_zone_size)
{
	one_zone_machine(65536, true);   /* 256 MiB: batch 15, high 90 */
	cr_assert_eq(zone_of(ZONE_NORMAL)->pageset[0].batch, 15);
	cr_assert_eq(zone_of(ZONE_NORMAL)->pageset[0].high, 90);
	one_zone_machine(24576, true);   /* 96 MiB: batch 7, high 42 */
	cr_assert_eq(zone_of(ZONE_NORMAL)->pageset[0].batch, 7);
	cr_assert_eq(zone_of(ZONE_NORMAL)->pageset[0].high, 42);
	one_zone_machine(4096, true);    /* small: no caching */
	cr_assert_eq(zone_of(ZONE_NORMAL)->pageset[0].batch, 1);
	cr_assert_eq(zone_of(ZONE_NORMAL)->pageset[0].high, 0);
}

static struct per_cpu_pages *setup_pcp(int high, int batch)
{
	one_zone_machine(1024, false);
	struct per_cpu_pages *pcp = &zone_of(ZONE_NORMAL)->pageset[0];
	pcp->high = high;
	pcp->batch = batch;
	return pcp;
}

static unsigned long pcp_pfn(const struct per_cpu_pages *pcp, int i)
{
	const struct list_head *pos = pcp->list.next;

	while (i--)
		pos = pos->next;
	return page_to_pfn(list_entry(pos, struct page, lru));
}

Test(pcp, refill_takes_a_batch_in_pfn_order)
{
	struct per_cpu_pages *pcp = setup_pcp(12, 4);
	struct page *page = alloc_pages(GFP_KERNEL, 0);

	cr_assert_eq(page_to_pfn(page), 0);
	cr_assert_eq(pcp->count, 3, "refilled 4, handed out 1");
	cr_assert_eq(zone_free(ZONE_NORMAL), 1024 - 4, "pcp pages are not NR_FREE_PAGES");
	cr_assert_eq(pcp_pfn(pcp, 0), 1);
	cr_assert_eq(pcp_pfn(pcp, 2), 3);
	for (unsigned long pfn = 1; pfn <= 3; pfn++)
		cr_assert_eq(page_to_pfn(alloc_pages(GFP_KERNEL, 0)), pfn);
	cr_assert_eq(pcp->count, 0);
	cr_assert_eq(page_to_pfn(alloc_pages(GFP_KERNEL, 0)), 4, "next refill");
	cr_assert_eq(pcp->count, 3);
	cr_assert_eq(zone_free(ZONE_NORMAL), 1024 - 8);
	verify();
}

Test(pcp, free_drains_a_batch_from_the_cold_end_at_high)
{
	struct per_cpu_pages *pcp = setup_pcp(6, 2);
	struct page *pages[8];

	pcp->high = 0;   /* take pages straight from the buddy lists */
	pcp->batch = 1;
	for (int i = 0; i < 8; i++)
		pages[i] = alloc_pages(GFP_KERNEL, 0);
	pcp->high = 6;
	pcp->batch = 2;
	unsigned long free0 = zone_free(ZONE_NORMAL);
	for (int i = 0; i < 5; i++)
		__free_pages(pages[i], 0);
	cr_assert_eq(pcp->count, 5);
	cr_assert_eq(zone_free(ZONE_NORMAL), free0);
	cr_assert_eq(pcp_pfn(pcp, 0), 4, "hot end: last freed");
	__free_pages(pages[5], 0);   /* count reaches high: drain batch */
	cr_assert_eq(pcp->count, 4);
	cr_assert_eq(zone_free(ZONE_NORMAL), free0 + 2);
	cr_assert(PageBuddy(pages[0]) && page_private(pages[0]) == 1,
		  "the two coldest pages (0, 1) went back and merged");
	cr_assert_eq(pcp_pfn(pcp, 3), 2, "coldest remaining");
	cr_assert_eq(pcp_pfn(pcp, 0), 5);
	verify();

	drain_local_pages(NULL);
	cr_assert_eq(pcp->count, 0);
	__free_pages(pages[6], 0);
	__free_pages(pages[7], 0);
	drain_all_pages(NULL);
	cr_assert_eq(zone_free(ZONE_NORMAL), 1024);
	cr_assert_eq(zone_of(ZONE_NORMAL)->free_area[MAX_ORDER - 1].nr_free, 1);
	verify();
}

Test(pcp, hot_pages_come_back_first_cold_ones_last)
{
	struct per_cpu_pages *pcp = setup_pcp(100, 1);
	struct page *a, *b, *c;

	pcp->high = 0;
	a = alloc_pages(GFP_KERNEL, 0);
	b = alloc_pages(GFP_KERNEL, 0);
	c = alloc_pages(GFP_KERNEL, 0);
	pcp->high = 100;
	cr_assert(put_page_testzero(c));
	free_hot_cold_page(c, true);
	__free_pages(a, 0);
	__free_pages(b, 0);
	cr_assert_eq(pcp->count, 3);
	cr_assert_eq(alloc_pages(GFP_KERNEL, 0), b, "hot: last freed first");
	cr_assert_eq(alloc_pages(GFP_KERNEL, 0), a);
	cr_assert_eq(alloc_pages(GFP_KERNEL, 0), c, "cold: last");
}

Test(pcp, disable_bypasses_and_enable_restores)
{
	one_zone_machine(65536, true);
	struct zone *z = zone_of(ZONE_NORMAL);
	struct page *page = alloc_pages(GFP_KERNEL, 0);

	__free_pages(page, 0);
	cr_assert_gt(z->pageset[0].count, 0);
	zone_pcp_disable(z);
	cr_assert_eq(z->pageset[0].count, 0, "disable drains");
	unsigned long free0 = zone_free(ZONE_NORMAL);
	page = alloc_pages(GFP_KERNEL, 0);
	cr_assert_eq(zone_free(ZONE_NORMAL), free0 - 1, "exactly one page from the buddy lists");
	__free_pages(page, 0);
	cr_assert_eq(zone_free(ZONE_NORMAL), free0);
	cr_assert_eq(z->pageset[0].count, 0);
	zone_pcp_enable(z);
	cr_assert_eq(z->pageset[0].high, 90);
	cr_assert_eq(z->pageset[0].batch, 15);
}

Test(pcp, slowpath_drains_pcp_for_higher_orders)
{
	struct per_cpu_pages *pcp = setup_pcp(2000, 1);
	static struct page *pages[1025];
	int n = 0;

	pcp->high = 0;
	while ((pages[n] = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0)) != NULL)
		n++;
	cr_assert_eq(n, 1024);
	pcp->high = 2000;
	while (n--)
		__free_pages(pages[n], 0);
	cr_assert_eq(pcp->count, 1024);
	cr_assert_eq(zone_free(ZONE_NORMAL), 0);
	struct page *big = alloc_pages(GFP_KERNEL, 10);
	cr_assert_not_null(big, "per-CPU pages were drained and merged");
	cr_assert_eq(pcp->count, 0);
	__free_pages(big, 10);
	verify();
}

/* ---- Fault injection ---------------------------------------------------------- */

static struct fault_attr make_attr(unsigned long probability, unsigned long interval,
				   int times, int space)
{
	struct fault_attr a = FAULT_ATTR_INITIALIZER("test");

	a.probability = probability;
	a.interval = interval;
	a.times = times;
	a.space = space;
	a.verbose = 0;
	return a;
}

Test(fault, probability_zero_is_off_and_untouched)
{
	struct fault_attr a = make_attr(0, 3, 5, 10);

	for (int i = 0; i < 100; i++)
		cr_assert_not(should_fail(&a, 1));
	cr_assert_eq(a.times, 5);
	cr_assert_eq(a.space, 10);
	cr_assert_eq(a.count, 0);
}

Test(fault, times_limits_failures_exactly)
{
	struct fault_attr a = make_attr(100, 1, 3, 0);
	int failed = 0;

	for (int i = 0; i < 20; i++)
		failed += should_fail(&a, 1);
	cr_assert_eq(failed, 3);
	cr_assert_eq(a.times, 0);

	a = make_attr(100, 1, -1, 0);
	for (int i = 0; i < 20; i++)
		cr_assert(should_fail(&a, 1), "times -1: no limit");
	cr_assert_eq(a.times, -1);
}

Test(fault, space_then_interval_then_probability)
{
	/* space 5, size 2: two calls pass (5 -> 3 -> 1), then space <= size. */
	struct fault_attr a = make_attr(100, 1, -1, 5);
	cr_assert_not(should_fail(&a, 2));
	cr_assert_not(should_fail(&a, 2));
	cr_assert_eq(a.space, 1);
	cr_assert(should_fail(&a, 2));
	cr_assert_eq(a.space, 1, "space is not consumed once exhausted");

	/* interval 3: only every third call that got past space may fail, and
	 * calls stopped by space do not count toward the interval. */
	a = make_attr(100, 3, -1, 3);
	bool got[8];
	for (int i = 0; i < 8; i++)
		got[i] = should_fail(&a, 1);
	/* calls 0,1 eaten by space (3 -> 2 -> 1); counts 1..6 for calls 2..7 */
	bool want[8] = { false, false, false, false, true, false, false, true };
	for (int i = 0; i < 8; i++)
		cr_assert_eq(got[i], want[i], "call %d", i);

	/* times 0 stops before space and interval are touched. */
	a = make_attr(100, 3, 0, 5);
	cr_assert_not(should_fail(&a, 1));
	cr_assert_eq(a.space, 5);
	cr_assert_eq(a.count, 0);
}

Test(fault, probability_draw_is_seeded_and_reproducible)
{
	struct fault_attr a = make_attr(30, 1, -1, 0), b;
	bool seq[200];
	int failed = 0;

	fault_attr_seed(&a, 1234);
	b = a;
	for (int i = 0; i < 200; i++)
		seq[i] = should_fail(&a, 1);
	for (int i = 0; i < 200; i++)
		cr_assert_eq(should_fail(&b, 1), seq[i], "same seed, same sequence (call %d)", i);

	fault_attr_seed(&a, 99);
	for (int i = 0; i < 10000; i++)
		failed += should_fail(&a, 1);
	cr_assert(failed > 2700 && failed < 3300, "30%% of 10000: %d", failed);
}

Test(fault, cmdline_format)
{
	struct fault_attr a = make_attr(0, 1, 1, 0);

	cr_assert(setup_fault_attr(&a, "10,50,4096,-1"));
	cr_assert_eq(a.interval, 10);
	cr_assert_eq(a.probability, 50);
	cr_assert_eq(a.space, 4096);
	cr_assert_eq(a.times, -1);
	cr_assert(setup_fault_attr(&a, "1,100,0,3 page_poison=1"), "unsplit command line");
	cr_assert_eq(a.times, 3);
	const char *bad[] = { "", "1,100,0", "1,100,0,3,", "a,100,0,3", "1,101,0,3",
			      "1,100,0,-2", "1,,0,3", "-1,100,0,3" };
	mm_host_quiet = true;
	for (size_t i = 0; i < NR(bad); i++) {
		struct fault_attr before = a;
		cr_assert_not(setup_fault_attr(&a, bad[i]), "'%s' accepted", bad[i]);
		cr_assert(!memcmp(&before, &a, sizeof(a)), "'%s' changed the attribute", bad[i]);
	}
}

static void fail_all(void)
{
	one_zone_machine(2048, true);
	cr_assert(setup_fail_page_alloc("1,100,0,-1"));
	fail_page_alloc.attr.verbose = 0;
}

Test(fault, fail_page_alloc_filters)
{
	fail_all();
	unsigned long free0 = zone_free(ZONE_NORMAL);

	cr_assert_null(alloc_pages(GFP_KERNEL, 0), "defaults fail everything");
	cr_assert_null(alloc_pages(GFP_HIGHUSER, 3));
	cr_assert_null(alloc_pages(GFP_ATOMIC, 0));
	cr_assert_not_null(alloc_pages(GFP_KERNEL | __GFP_NOFAIL, 0), "NOFAIL is never failed");
	cr_assert_eq(vm_event_states.event[PGALLOC_FAIL_INJECTED], 3);
	cr_assert_eq(vm_event_states.event[PGALLOC_FAIL], 3);

	fail_page_alloc.ignore_gfp_highmem = true;
	cr_assert_not_null(alloc_pages(GFP_HIGHUSER, 0));
	cr_assert_null(alloc_pages(GFP_KERNEL, 0));
	fail_page_alloc.ignore_gfp_wait = true;
	cr_assert_not_null(alloc_pages(GFP_KERNEL, 0), "may sleep: ignored");
	cr_assert_null(alloc_pages(GFP_ATOMIC, 0), "cannot sleep: still failed");
	cr_assert_null(alloc_pages(GFP_NOWAIT, 0));
	fail_page_alloc.min_order = 2;
	cr_assert_not_null(alloc_pages(GFP_ATOMIC, 1));
	cr_assert_null(alloc_pages(GFP_ATOMIC, 2));
	cr_assert_eq(vm_event_states.event[PGALLOC_FAIL_INJECTED], 7);
	cr_assert_eq(zone_free(ZONE_NORMAL) + mm_host_pcp_pages(), free0 - 1 - 1 - 1 - 2,
		     "injected failures change no allocator state");
}

Test(fault, fail_page_alloc_times_is_exact)
{
	fail_all();
	cr_assert(setup_fail_page_alloc("1,100,0,3"));
	fail_page_alloc.attr.verbose = 0;
	int failed = 0;
	for (int i = 0; i < 50; i++) {
		struct page *page = alloc_pages(GFP_KERNEL, i % 3);
		if (!page)
			failed++;
		else
			__free_pages(page, i % 3);
	}
	cr_assert_eq(failed, 3);
	cr_assert_eq(vm_event_states.event[PGALLOC_FAIL_INJECTED], 3);
	cr_assert_eq(fail_page_alloc.attr.times, 0);
}

Test(fault, space_counts_pages)
{
	fail_all();
	cr_assert(setup_fail_page_alloc("1,100,10,-1"));
	fail_page_alloc.attr.verbose = 0;
	cr_assert_not_null(alloc_pages(GFP_KERNEL, 2));   /* 10 -> 6 */
	cr_assert_not_null(alloc_pages(GFP_KERNEL, 2));   /* 6 -> 2 */
	cr_assert_null(alloc_pages(GFP_KERNEL, 2));       /* 2 > 4 is false: fail */
	cr_assert_not_null(alloc_pages(GFP_KERNEL, 0));   /* 2 > 1: 2 -> 1 */
	cr_assert_null(alloc_pages(GFP_KERNEL, 0));
}

/* ---- Bad pages: each panics (abort) with the page's state ------------------ */

static struct page *one_page(void)
{
	one_zone_machine(1024, true);
	return alloc_pages(GFP_KERNEL, 0);
}

Test(bad_page, nonzero_mapcount_at_free, .signal = SIGABRT)
{
	struct page *page = one_page();
	page->_mapcount = 1;
	expect_bad_page(page, "nonzero mapcount");
	__free_pages(page, 0);
}

Test(bad_page, nonzero_refcount_in_tail_at_free, .signal = SIGABRT)
{
	one_zone_machine(1024, true);
	struct page *page = alloc_pages(GFP_KERNEL, 1);
	page[1]._refcount = 1;
	expect_bad_page(page + 1, "nonzero _refcount");
	__free_pages(page, 1);
}

Test(bad_page, nonzero_refcount_at_free, .signal = SIGABRT)
{
	struct page *page = one_page();
	expect_bad_page(page, "nonzero _refcount");
	free_hot_cold_page(page, false);   /* skipping put_page_testzero: refcount still 1 */
}

Test(bad_page, slab_flag_at_free, .signal = SIGABRT)
{
	struct page *page = one_page();
	__SetPageSlab(page);
	expect_bad_page(page, "PG_slab still set");
	__free_pages(page, 0);
}

Test(bad_page, reserved_at_free, .signal = SIGABRT)
{
	struct page *page = one_page();
	SetPageReserved(page);
	expect_bad_page(page, "PG_reserved set");
	__free_pages(page, 0);
}

Test(bad_page, mapping_at_free, .signal = SIGABRT)
{
	struct page *page = one_page();
	page->mapping = (struct address_space *)page;
	expect_bad_page(page, "non-NULL mapping");
	__free_pages(page, 0);
}

/* A second free through a reference that was never really dropped (a
 * stale get_page()) finds the page already on a free list. */
Test(bad_page, double_free, .signal = SIGABRT)
{
	one_zone_machine(1024, false);
	struct page *page = alloc_pages(GFP_KERNEL, 0);
	mm_host_quiet = true;
	while (alloc_pages(GFP_ATOMIC | __GFP_NOWARN, 0))
		;
	mm_host_quiet = false;
	__free_pages(page, 0);   /* no buddy is free: stays an order-0 PG_buddy head */
	cr_assert(PageBuddy(page));
	set_page_count(page, 1);
	expect_bad_page(page, "PG_buddy set: page is already free");
	__free_pages(page, 0);
}

/* Without a reference left, a second free is a refcount underflow, which
 * put_page_testzero() catches before the page state is looked at. */
Test(bad_page, double_free_with_no_reference_left, .signal = SIGABRT)
{
	struct page *page = one_page();
	__free_pages(page, 0);
	if (!MM_DEBUG)
		cr_skip_test("MM_DEBUG=0 compiles the refcount check out");
	expect_death("page dumped because: MM_BUG_ON_PAGE(page_ref_count(page) == 0)",
		     "kernel BUG at ");
	__free_pages(page, 0);
}

Test(bad_page, order0_free_of_compound_head, .signal = SIGABRT)
{
	one_zone_machine(1024, true);
	struct page *page = alloc_pages(GFP_KERNEL | __GFP_COMP, 2);
	expect_bad_page(page, "PG_head set: compound page freed as order 0");
	__free_pages(page, 0);
}

Test(bad_page, corrupted_compound_tail, .signal = SIGABRT)
{
	one_zone_machine(1024, true);
	struct page *page = alloc_pages(GFP_KERNEL | __GFP_COMP, 2);
	page[2].compound_head = 0;
	expect_bad_page(page + 2, "PageTail not set");
	__free_pages(page, 2);
}

Test(bad_page, corrupted_free_page_is_caught_at_alloc, .signal = SIGABRT)
{
	struct page *page = one_page();
	__free_pages(page, 0);          /* onto the per-CPU list, hot */
	page->_mapcount = 3;            /* a stray write into a free page's struct */
	expect_bad_page(page, "nonzero mapcount");
	alloc_pages(GFP_KERNEL, 0);
}

static void redirect_all(void)
{
	cr_redirect_stdout();
}

Test(bad_page, dump_page_names_everything, .init = redirect_all)
{
	one_zone_machine(2048, true);
	mm_host_quiet = false;
	struct page *page = alloc_pages(GFP_KERNEL, 0);
	__SetPageSlab(page);
	__SetPageReserved(page);
	page->_mapcount = 2;
	dump_page(page, "testing");
	fflush(stdout);

	char buf[4096] = { 0 };
	FILE *f = cr_get_redirected_stdout();
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	cr_assert(strstr(buf, "refcount:1 mapcount:2"), "%s", buf);
	char want[64];
	snprintf(want, sizeof(want), "pfn:0x%lx", page_to_pfn(page));
	cr_assert(strstr(buf, want), "%s", buf);
	cr_assert(strstr(buf, "zone:Normal"), "%s", buf);
	cr_assert(strstr(buf, "(slab|reserved)"), "%s", buf);
	cr_assert(strstr(buf, "page dumped because: testing"), "%s", buf);
}

/* ---- Compound pages, zeroing, helpers ------------------------------------------ */

Test(alloc, compound_pages)
{
	one_zone_machine(1024, true);
	struct page *page = alloc_pages(GFP_KERNEL | __GFP_COMP, 3);

	cr_assert(PageHead(page));
	cr_assert_eq(compound_order(page), 3);
	for (int i = 1; i < 8; i++) {
		cr_assert(PageTail(page + i));
		cr_assert_eq(compound_head(page + i), page);
		cr_assert_eq(page_count(page + i), 1, "tails count through the head");
	}
	cr_assert_not(PageTail(page + 8));
	get_page(page + 5);
	cr_assert_eq(page_ref_count(page), 2);
	put_page(page + 5);
	put_page(page);
	cr_assert_eq(zone_of(ZONE_NORMAL)->free_area[MAX_ORDER - 1].nr_free, 1);
	verify();   /* includes: every tail is zero again */
}

Test(alloc, free_resets_what_owners_leave_in_struct_page)
{
	one_zone_machine(1024, false);
	struct page *page = alloc_pages(GFP_KERNEL, 2);

	/* Owner data that is legal to leave behind: flags outside the
	 * free-time checks, index, private, lru links. */
	page[0].index = 7;
	page[0].private = 3;
	__SetPageDirty(&page[0]);
	page[1].index = 5;
	page[3].private = 9;
	__SetPageUptodate(&page[2]);
	INIT_LIST_HEAD(&page[2].lru);
	__free_pages(page, 2);
	verify();   /* they are tails of a free block now: all zero */
	page = alloc_pages(GFP_KERNEL, 0);
	cr_assert_eq(page_to_pfn(page), 0);
	cr_assert_eq(page->private, 0);
	cr_assert_eq(page->index, 0);
	cr_assert_eq(page->flags, 0);

	page->private = 5;
	page->index = 6;
	__SetPageReferenced(page);
	__free_pages(page, 0);
	struct page *again = alloc_pages(GFP_KERNEL, 0);
	cr_assert_eq(again, page);
	cr_assert(again->private == 0 && again->index == 0 && again->flags == 0);
}

Test(alloc, gfp_zero_clears_lowmem_and_highmem)
{
	machine(&(struct mm_host_layout){
		.nr_pfns = 2048, .dma_end = 0, .normal_end = 1024, .no_pcp = true,
	});
	for (int pass = 0; pass < 2; pass++) {
		gfp_t gfp = pass ? GFP_HIGHUSER : GFP_KERNEL;
		struct page *page = alloc_pages(gfp, 2);
		unsigned char *data = __va(PFN_PHYS(page_to_pfn(page)));

		memset(data, 0x5a, 4 * PAGE_SIZE);
		__free_pages(page, 2);
		page = alloc_pages(gfp | __GFP_ZERO, 2);
		cr_assert_eq(__va(PFN_PHYS(page_to_pfn(page))), data, "same block back");
		for (unsigned long i = 0; i < 4 * PAGE_SIZE; i++)
			cr_assert_eq(data[i], 0, "byte %lu", i);
		__free_pages(page, 2);
	}
}

Test(alloc, get_free_pages_and_counters)
{
	machine(&(struct mm_host_layout){
		.nr_pfns = 2048, .dma_end = 256, .normal_end = 1024, .no_pcp = true,
	});
	unsigned long addr = __get_free_pages(GFP_HIGHUSER, 1);   /* highmem ignored */
	cr_assert_neq(addr, 0);
	struct page *page = virt_to_page((void *)addr);
	cr_assert_eq(page_zonenum(page), ZONE_NORMAL);
	cr_assert_eq(page_address(page), (void *)addr);
	free_pages(addr, 1);

	unsigned long z = get_zeroed_page(GFP_KERNEL);
	cr_assert_eq(*(unsigned long *)z, 0);
	free_page(z);
	free_pages(0, 3);   /* like Linux: freeing 0 is a no-op */

	cr_assert_eq(vm_event_states.event[PGALLOC_NORMAL], 3);
	cr_assert_eq(vm_event_states.event[PGFREE], 3);
	cr_assert_null(alloc_pages(GFP_KERNEL | __GFP_NOWARN, MAX_ORDER));
	cr_assert_eq(vm_event_states.event[PGALLOC_FAIL], 1);
}

Test(alloc, nofail_panics_when_memory_is_gone, .signal = SIGABRT)
{
	one_zone_machine(256, true);
	mm_host_quiet = true;
	while (alloc_pages(GFP_ATOMIC | __GFP_NOWARN, 0))
		;
	expect_death("Kernel panic - not syncing: Out of memory: cannot satisfy __GFP_NOFAIL order 0 allocation");
	alloc_pages(GFP_KERNEL | __GFP_NOFAIL, 0);
}

/* ---- Page poisoning --------------------------------------------------------------- */

static void poison_machine(void)
{
	page_poisoning_enabled = true;
	one_zone_machine(1024, true);
}

static bool page_filled(const struct page *page, unsigned char byte)
{
	const unsigned char *p = __va(PFN_PHYS(page_to_pfn(page)));

	for (unsigned long i = 0; i < PAGE_SIZE; i++)
		if (p[i] != byte)
			return false;
	return true;
}

Test(poison, freed_pages_are_poisoned_and_checked)
{
	poison_machine();
	struct page *page = alloc_pages(GFP_KERNEL, 0);
	cr_assert_eq(page->flags, 0, "boot pages were never poisoned");
	memset(__va(PFN_PHYS(page_to_pfn(page))), 0x11, PAGE_SIZE);
	__free_pages(page, 0);
	cr_assert(PagePoisoned(page));
	cr_assert(page_filled(page, PAGE_POISON));
	struct page *again = alloc_pages(GFP_KERNEL, 0);
	cr_assert_eq(again, page);
	cr_assert_not(PagePoisoned(again), "verified and unmarked on allocation");

	struct page *big = alloc_pages(GFP_KERNEL, 2);
	__free_pages(big, 2);
	for (int i = 0; i < 4; i++)
		cr_assert(PagePoisoned(big + i) && page_filled(big + i, PAGE_POISON));
	verify();   /* poisoned tails are allowed inside free blocks */
	big = alloc_pages(GFP_KERNEL, 2);
	for (int i = 0; i < 4; i++)
		cr_assert_not(PagePoisoned(big + i));
	__free_pages(again, 0);
	__free_pages(big, 2);
}

static void expect_poison_report(unsigned long pfn, unsigned long offset)
{
	char line[128];

	snprintf(line, sizeof(line), "pagealloc: memory corruption: pfn 0x%lx byte 0x%lx "
		 "was written after free", pfn, offset);
	expect_death(line, "page dumped because: pagealloc: memory corruption");
}

Test(poison, write_after_free_is_caught, .signal = SIGABRT)
{
	poison_machine();
	struct page *page = alloc_pages(GFP_KERNEL, 0);
	__free_pages(page, 0);
	((unsigned char *)__va(PFN_PHYS(page_to_pfn(page))))[100] = 0;
	expect_poison_report(page_to_pfn(page), 100);
	alloc_pages(GFP_KERNEL, 0);
}

Test(poison, write_after_free_in_a_tail_is_caught, .signal = SIGABRT)
{
	poison_machine();
	struct page *page = alloc_pages(GFP_KERNEL, 3);
	__free_pages(page, 3);
	((unsigned char *)__va(PFN_PHYS(page_to_pfn(page) + 5)))[4095] = 0x55;
	expect_poison_report(page_to_pfn(page) + 5, 4095);
	alloc_pages(GFP_KERNEL, 3);
}

/* ---- Randomized operations against an oracle ---------------------------------- */

struct held_block {
	struct page *page;
	unsigned int order;
	bool compound;
};

static void snapshot(unsigned long out[MAX_NR_ZONES][MAX_ORDER])
{
	for (int z = 0; z < MAX_NR_ZONES; z++)
		for (int o = 0; o < MAX_ORDER; o++)
			out[z][o] = zone_of(z)->free_area[o].nr_free;
}

static void random_run_on(const struct mm_host_layout *layout, u32 seed, int ops, bool poison,
			  bool inject)
{
	static const gfp_t gfps[] = { GFP_KERNEL, GFP_HIGHUSER, GFP_KERNEL | GFP_DMA, GFP_ATOMIC,
				      GFP_NOWAIT | __GFP_HIGHMEM, GFP_KERNEL | __GFP_COMP,
				      GFP_HIGHUSER | __GFP_ZERO };
	unsigned long initial[MAX_NR_ZONES][MAX_ORDER], final[MAX_NR_ZONES][MAX_ORDER];
	struct held_block *held = calloc(6000, sizeof(*held));
	unsigned char *owned;
	unsigned long nheld = 0, owned_pages = 0;
	struct rnd_state rnd = { .s = seed };   /* the seed as the raw state, as fault_attr_seed() takes it */

	mm_host_quiet = true;
	page_poisoning_enabled = poison;
	machine(layout);
	owned = calloc(max_pfn, 1);
	cr_assert(held && owned);
	if (inject) {
		cr_assert(setup_fail_page_alloc("7,40,0,-1"));
		fault_attr_seed(&fail_page_alloc.attr, seed);
	}
	snapshot(initial);

	for (int op = 0; op < ops; op++) {
		u32 r = prandom_u32_state(&rnd);

		if (nheld && (r % 100 < 45 || nheld >= 6000)) {
			unsigned long i = prandom_u32_state(&rnd) % nheld;
			struct held_block b = held[i];
			unsigned long pfn = page_to_pfn(b.page);

			for (unsigned long k = 0; k < (1ul << b.order); k++) {
				cr_assert(owned[pfn + k], "pfn %lu freed but not owned", pfn + k);
				owned[pfn + k] = 0;
			}
			owned_pages -= 1ul << b.order;
			if (b.compound)
				put_page(b.page + (r >> 8) % (1u << b.order));
			else if (b.order == 0 && (r & 0x100)) {
				cr_assert(put_page_testzero(b.page));
				free_hot_cold_page(b.page, true);
			} else
				__free_pages(b.page, b.order);
			held[i] = held[--nheld];
		} else {
			/* Mostly small orders, sometimes large ones. */
			unsigned int order = (r >> 8) % 8 == 0 ? (r >> 12) % MAX_ORDER : (r >> 12) % 3;
			gfp_t gfp = gfps[(r >> 16) % NR(gfps)] | __GFP_NOWARN;
			struct page *page = alloc_pages(gfp, order);

			if (!page)
				continue;
			unsigned long pfn = page_to_pfn(page);
			cr_assert_eq(pfn & ((1ul << order) - 1), 0, "pfn %lu order %u misaligned", pfn, order);
			cr_assert_leq(page_zonenum(page), gfp_zone(gfp), "zone above what gfp allows");
			cr_assert_eq(page_zone(page), page_zone(page + (1ul << order) - 1), "block crosses zones");
			cr_assert_eq(page_count(page), 1);
			for (unsigned long k = 0; k < (1ul << order); k++) {
				cr_assert_not(owned[pfn + k], "pfn %lu handed out twice", pfn + k);
				cr_assert_not(in_ranges(pfn + k, layout->holes, layout->nr_holes),
					      "hole pfn %lu", pfn + k);
				cr_assert_not(in_ranges(pfn + k, layout->reserved, layout->nr_reserved),
					      "reserved pfn %lu", pfn + k);
				owned[pfn + k] = 1;
			}
			owned_pages += 1ul << order;
			held[nheld++] = (struct held_block){ page, order, (gfp & __GFP_COMP) && order };
		}

		if (op % 1000 == 999) {
			verify();
			cr_assert_eq(nr_free_pages() + mm_host_pcp_pages() + owned_pages, totalram_pages,
				     "free + per-CPU + allocated = managed");
		}
		if (op % 5000 == 4999)
			drain_all_pages(NULL);
		if (op % 7000 == 6999) {
			zone_pcp_disable(zone_of(ZONE_NORMAL));
			cr_assert_eq(zone_of(ZONE_NORMAL)->pageset[0].count, 0);
		}
		if (op % 7000 == 3499)
			zone_pcp_enable(zone_of(ZONE_NORMAL));
	}

	fail_page_alloc.attr.probability = 0;
	while (nheld) {
		struct held_block b = held[--nheld];
		if (b.compound)
			put_page(b.page);
		else
			__free_pages(b.page, b.order);
	}
	drain_all_pages(NULL);
	verify();
	snapshot(final);
	for (int z = 0; z < MAX_NR_ZONES; z++)
		for (int o = 0; o < MAX_ORDER; o++)
			cr_assert_eq(final[z][o], initial[z][o], "zone %d order %d: %lu blocks, was %lu",
				     z, o, final[z][o], initial[z][o]);
	cr_assert_eq(nr_free_pages(), totalram_pages);
	for (unsigned long pfn = 0; pfn < max_pfn; pfn++)
		if (in_ranges(pfn, layout->holes, layout->nr_holes))
			cr_assert(page_is_zero(pfn_to_page(pfn)), "hole pfn %lu written", pfn);
	if (inject)
		cr_assert_gt(vm_event_states.event[PGALLOC_FAIL_INJECTED], 0);
	free(owned);
	free(held);
}

static void random_run(u32 seed, int ops, bool poison, bool inject)
{
	random_run_on(&std_layout, seed, ops, poison, inject);
}

Test(random, oracle_20k_ops)
{
	random_run(0x1234567u, 20000, false, false);
}

Test(random, oracle_other_seed)
{
	random_run(0xdeadbeefu, 20000, false, false);
}

Test(random, oracle_with_poisoning)
{
	random_run(42, 6000, true, false);
}

Test(random, oracle_with_fault_injection)
{
	random_run(7, 20000, false, true);
}

Test(random, oracle_on_a_deferring_machine, .timeout = 60)
{
	random_run_on(&big_layout, 0x5eed, 20000, false, false);
}

Test(random, oracle_on_a_deferring_machine_with_poison_and_injection, .timeout = 60)
{
	random_run_on(&big_layout, 99, 8000, true, true);
}

/* The free path skips the clean prefix of a big block's tails in one
 * mem_find_nonzero() pass: whatever follows must still be checked and reset. */
Test(alloc, late_dirty_tail_is_reset_after_a_clean_prefix)
{
	one_zone_machine(1024, false);
	struct page *page = alloc_pages(GFP_KERNEL, 5);

	page[20].index = 11;
	page[31].private = 4;
	__free_pages(page, 5);
	verify();
	cr_assert_eq(page[20].index, 0);
	cr_assert_eq(page[31].private, 0);
}

Test(bad_page, late_tail_with_mapcount_after_clean_prefix, .signal = SIGABRT)
{
	one_zone_machine(1024, false);
	struct page *page = alloc_pages(GFP_KERNEL, 5);

	page[30]._mapcount = 1;
	expect_bad_page(page + 30, "nonzero mapcount");
	__free_pages(page, 5);
}
