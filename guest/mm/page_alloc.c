/*
 * The buddy page allocator (Linux's mm/page_alloc.c): free lists per zone
 * and order, per-CPU order-0 lists, watermarks with lowmem_reserve, the zone
 * fallback HighMem -> Normal -> DMA, bad-page checks, boot-time population
 * and zone setup.
 *
 * There is no reclaim: a request that the free lists cannot satisfy returns
 * NULL after one rate-limited report, or, for __GFP_NOFAIL, retries a
 * bounded number of times and panics with an out-of-memory report.
 *
 * Cost (docs/design.md §2.5, §2.6 rule 1): boot is O(free blocks)
 * (memblock_free_pages_range), and the order-0 alloc+free pair through the
 * per-CPU list is kept short: no division, no per-page writes beyond the
 * page itself, debug checks folded into one OR of the words that must be
 * zero.
 *
 * Deferred top-order blocks (Linux's CONFIG_DEFERRED_STRUCT_PAGE_INIT,
 * adapted; the encoding is in mmzone.h above struct deferred_range).  Most
 * of a big guest's RAM is long runs of whole MAX_ORDER - 1 blocks; linking
 * each onto free_area[MAX_ORDER - 1] costs ~9 emulated instructions and a
 * host page fault on the mem_map page of its head (~1.5K blocks at 6 GiB).
 * Instead, a run of at least deferred_init_min_blocks blocks that reaches a
 * zone whose top-order list is still empty is recorded as a pfn range and
 * no struct page is written.  Its blocks are free in every count (nr_free,
 * NR_FREE_PAGES, managed_pages), so buddyinfo, zoneinfo, meminfo and every
 * watermark decision are those of eager init.
 *   - Order.  The top-order list is a LIFO stack (nothing merges at the top
 *     order, so blocks leave it only from the head).  A run deferred while
 *     the list is empty is exactly the bottom of that stack, so the ranges
 *     sit logically below every listed block.  __rmqueue_smallest() takes
 *     a deferred block only when no list from the requested order up has a
 *     block, and takes the highest one of the last range, which is the
 *     block eager init would have popped there: every allocation returns
 *     the same pfn as with eager init.  A run that arrives once something
 *     is listed is linked as before, so the order never changes.
 *   - Materialising.  The block is handed out directly (rmqueue_deferred):
 *     its head is zero, which is what del_page_from_free_list() leaves, so
 *     expand() and prep_new_page() treat it like a block popped off the
 *     list.  It never goes back to a range; freed, it is listed.
 *   - Merging.  __free_one_page() stops below MAX_ORDER - 1, and every
 *     buddy of an order < MAX_ORDER - 1 lies in the same top-order block,
 *     so a lower-order merge never looks into a deferred block; and a
 *     deferred block's pages are zero, not PageBuddy, so nothing could
 *     pair with them anyway.
 *   - When.  Runs shorter than deferred_init_min_blocks (16 blocks, 64
 *     MiB) are linked as before: small machines, and the host unit tests'
 *     fixed layouts, keep PageBuddy heads for all their free RAM.
 * The host inspector (host/inspect/check_buddy.c) counts the ranges as free
 * and checks them (rule buddy.deferred).
 */
#include "kernel.h"
#include "log2.h"
#include "mm.h"
#include "ratelimit.h"
#include "fault_inject.h"


/* Linux's reclaim batch; here only the floor of the HighMem min watermark. */
#define SWAP_CLUSTER_MAX 32ul
/* __GFP_NOFAIL: attempts before the out-of-memory panic.  Without reclaim a
 * retry can only succeed through pages drained from per-CPU lists. */
#define NOFAIL_RETRIES 16

struct page *mem_map;
unsigned long max_pfn;
unsigned long max_low_pfn;
unsigned long totalram_pages;
unsigned long totalhigh_pages;
int min_free_kbytes = 1024;
unsigned long deferred_init_min_blocks = DEFERRED_MIN_BLOCKS;
struct pglist_data contig_page_data;
struct zone *const zone_table[MAX_NR_ZONES] = {
	&contig_page_data.node_zones[ZONE_DMA],
	&contig_page_data.node_zones[ZONE_NORMAL],
	&contig_page_data.node_zones[ZONE_HIGHMEM],
};

/* Ratio of a higher zone's size that a lower zone keeps back from requests
 * that could have used the higher zone (0: none). */
int sysctl_lowmem_reserve_ratio[MAX_NR_ZONES] = {
	[ZONE_DMA] = 256,
	[ZONE_NORMAL] = 32,
	[ZONE_HIGHMEM] = 0,
};

static const char *const zone_names[MAX_NR_ZONES] = {
	[ZONE_DMA] = "DMA",
	[ZONE_NORMAL] = "Normal",
	[ZONE_HIGHMEM] = "HighMem",
};

static DEFINE_RATELIMIT_STATE(nopage_rs, DEFAULT_RATELIMIT_BURST, DEFAULT_RATELIMIT_INTERVAL);

/* ---- Bad pages ---------------------------------------------------------- */

/* Words that must all be zero for a page entering or leaving the allocator,
 * besides the flags in check_flags: one OR, one branch on the fast path. */
static __always_inline bool page_expected_state(const struct page *page,
						unsigned long check_flags)
{
	return !((page->flags & check_flags) | (unsigned int)page->_mapcount |
		 (unsigned int)page->_refcount | (unsigned long)page->mapping);
}

/* Linux's reasons; where several apply, the last one tested wins as there. */
static const char *page_bad_reason(const struct page *page, unsigned long check_flags)
{
	const char *reason = NULL;

	if (page->_mapcount)
		reason = "nonzero mapcount";
	if (page->mapping)
		reason = "non-NULL mapping";
	if (page->_refcount)
		reason = "nonzero _refcount";
	if (page->flags & check_flags) {
		if (check_flags == PAGE_FLAGS_CHECK_AT_PREP)
			reason = "PAGE_FLAGS_CHECK_AT_PREP flag(s) set";
		else if (PageSlab(page))
			reason = "PG_slab still set";
		else if (PageBuddy(page))
			reason = "PG_buddy set: page is already free";
		else if (PageTable(page))
			reason = "PG_table still set";
		else if (PageReserved(page))
			reason = "PG_reserved set";
		else if (PageHead(page))
			reason = "PG_head set: compound page freed as order 0";
		else
			reason = "PAGE_FLAGS_CHECK_AT_FREE flag(s) set";
	}
	return reason ? reason : "corrupted page state";
}

static noinline __noreturn void bad_page(const struct page *page, const char *reason)
{
	printk("BUG: Bad page state: pfn:0x%lx\n", page_to_pfn(page));
	dump_page(page, reason);
	panic("Bad page state: %s (pfn 0x%lx)", reason, page_to_pfn(page));
}

static noinline void check_free_page_bad(const struct page *page, unsigned long check_flags)
{
	bad_page(page, page_bad_reason(page, check_flags));
}

/* The slow half of the allocation-time check: a poisoned page is fine once
 * its poison is verified; anything else is a bad page. */
static noinline void check_new_page_bad(struct page *page)
{
	if (page->flags == (1ul << PG_poisoned) &&
	    page_expected_state(page, 0)) {
		kernel_unpoison_pages(page, 1);
		return;
	}
	bad_page(page, page_bad_reason(page, PAGE_FLAGS_CHECK_AT_PREP));
}

/* ---- Free lists (caller holds zone->lock) ------------------------------- */

static inline void add_to_free_list(struct page *page, struct zone *zone, unsigned int order)
{
	set_page_private(page, order);
	__SetPageBuddy(page);
	list_add(&page->lru, &zone->free_area[order].free_list);
	zone->free_area[order].nr_free++;
}

/* Leaves the head as zero as it was before it was freed (but for
 * PG_poisoned), so it can become a tail of a bigger block or be handed out. */
static inline void del_page_from_free_list(struct page *page, struct zone *zone,
					   unsigned int order)
{
	list_del(&page->lru);
	__ClearPageBuddy(page);
	set_page_private(page, 0);
	zone->free_area[order].nr_free--;
}

/* The head of a free block of exactly this order.  Holes (all-zero),
 * reserved, allocated, per-CPU-listed pages and tails of free blocks all
 * lack PG_buddy. */
static inline bool page_is_buddy(const struct page *buddy, unsigned int order)
{
	return PageBuddy(buddy) && page_private(buddy) == order;
}

/*
 * Free the 2^order block at pfn and merge it with its buddy (pfn ^ 2^order)
 * for as long as the buddy is a free block of the same order.  The buddy is
 * examined only once it is known to lie in this zone's span, which also
 * keeps it inside mem_map and in the same zone.  Only heads are written, so
 * a block freed at boot leaves its tails untouched.  The caller accounts
 * NR_FREE_PAGES, once per batch.
 */
static void __free_one_page(struct page *page, unsigned long pfn, struct zone *zone,
			    unsigned int order)
{
	lockdep_assert_held(&zone->lock);
	MM_BUG_ON_PAGE(pfn & ((1ul << order) - 1), page);
	MM_BUG_ON_PAGE(!zone_spans_pfn(zone, pfn), page);
	MM_BUG_ON_PAGE(PageBuddy(page), page);

	while (order < MAX_ORDER - 1) {
		unsigned long buddy_pfn = pfn ^ (1ul << order);
		struct page *buddy;

		if (!zone_spans_pfn(zone, buddy_pfn))
			break;
		buddy = page + (buddy_pfn - pfn);
		if (!page_is_buddy(buddy, order))
			break;
		del_page_from_free_list(buddy, zone, order);
		if (buddy_pfn < pfn) {
			page = buddy;
			pfn = buddy_pfn;
		}
		order++;
	}
	add_to_free_list(page, zone, order);
}

/*
 * Split a block of order `high` down to order `low`: keep the lowest part
 * and free the upper halves, largest first.  Each half's head was a tail of
 * the block and is therefore zero.
 */
static inline void expand(struct zone *zone, struct page *page, unsigned int low,
			  unsigned int high)
{
	unsigned long size = 1ul << high;

	while (high > low) {
		high--;
		size >>= 1;
		add_to_free_list(&page[size], zone, high);
	}
}

/*
 * Every list from `order` up is empty, but the zone has deferred top-order
 * blocks: hand out the highest block of the last range (the top of the
 * deferred part of the stack, see the header) and split it as if it had
 * been popped off free_area[MAX_ORDER - 1].  Its struct pages were never
 * written, so they are all zero; the head is checked like a listed head
 * (a write into a deferred struct page is a bug somewhere else).
 */
static noinline struct page *rmqueue_deferred(struct zone *zone, unsigned int order)
{
	struct deferred_range *r = &zone->deferred[zone->nr_deferred_ranges - 1];
	unsigned long pfn = r->end_pfn - MAX_ORDER_NR_PAGES;
	struct page *page = pfn_to_page(pfn);

	lockdep_assert_held(&zone->lock);
	if (unlikely(!page_expected_state(page, ~0ul) || page->private))
		bad_page(page, "deferred top-order block in use");
	if (pfn == r->start_pfn) {
		/* Empty: unused entries are all zero (mmzone.h). */
		r->start_pfn = 0;
		pfn = 0;
		zone->nr_deferred_ranges--;
	}
	r->end_pfn = pfn;
	zone->free_area[MAX_ORDER - 1].nr_free--;
	expand(zone, page, order, MAX_ORDER - 1);
	__mod_zone_page_state(zone, NR_FREE_PAGES, -(1l << order));
	return page;
}

static struct page *__rmqueue_smallest(struct zone *zone, unsigned int order)
{
	lockdep_assert_held(&zone->lock);
	for (unsigned int current_order = order; current_order < MAX_ORDER; current_order++) {
		struct free_area *area = &zone->free_area[current_order];
		struct page *page;

		if (list_empty(&area->free_list))
			continue;
		page = list_first_entry(&area->free_list, struct page, lru);
		del_page_from_free_list(page, zone, current_order);
		expand(zone, page, order, current_order);
		__mod_zone_page_state(zone, NR_FREE_PAGES, -(1l << order));
		return page;
	}
	/* The bottom of the top-order stack: only when all lists are empty. */
	if (unlikely(zone->nr_deferred_ranges))
		return rmqueue_deferred(zone, order);
	return NULL;
}

/* ---- Per-CPU lists (interrupts disabled) -------------------------------- */

/* Move up to `count` order-0 pages to the tail of a per-CPU list, in the
 * order the buddy lists yield them; returns how many. */
static noinline int rmqueue_bulk(struct zone *zone, int count, struct list_head *list)
{
	int i;

	spin_lock(&zone->lock);
	for (i = 0; i < count; i++) {
		struct page *page = __rmqueue_smallest(zone, 0);

		if (!page)
			break;
		list_add_tail(&page->lru, list);
	}
	spin_unlock(&zone->lock);
	return i;
}

/* Return `count` pages from the cold end (tail) of a per-CPU list. */
static noinline void free_pcppages_bulk(struct zone *zone, int count,
					struct per_cpu_pages *pcp)
{
	long freed = 0;

	spin_lock(&zone->lock);
	for (; count > 0 && pcp->count > 0; count--, freed++) {
		struct page *page = list_last_entry(&pcp->list, struct page, lru);

		list_del(&page->lru);
		pcp->count--;
		__free_one_page(page, page_to_pfn(page), zone, 0);
	}
	__mod_zone_page_state(zone, NR_FREE_PAGES, freed);
	spin_unlock(&zone->lock);
}

static __always_inline struct page *rmqueue_pcplist(struct zone *zone)
{
	struct per_cpu_pages *pcp;
	struct page *page;
	unsigned long flags;

	local_irq_save(flags);
	pcp = &zone->pageset[smp_processor_id()];
	if (unlikely(pcp->count == 0)) {
		pcp->count = rmqueue_bulk(zone, pcp->batch, &pcp->list);
		if (unlikely(pcp->count == 0)) {
			local_irq_restore(flags);
			return NULL;
		}
	}
	page = list_first_entry(&pcp->list, struct page, lru);
	/* No need to clear lru: the new owner owns it, and every way back
	 * to the buddy lists goes through list_del or a free-time reset. */
	__list_del(page->lru.prev, page->lru.next);
	pcp->count--;
	local_irq_restore(flags);
	return page;
}

/* Returns how many pages went back to the buddy lists. */
static unsigned long drain_pages_cpu(struct zone *zone, int cpu)
{
	struct per_cpu_pages *pcp = &zone->pageset[cpu];
	unsigned long flags, n;

	local_irq_save(flags);
	n = (unsigned long)pcp->count;
	if (n)
		free_pcppages_bulk(zone, pcp->count, pcp);
	local_irq_restore(flags);
	return n;
}

void drain_local_pages(struct zone *zone)
{
	struct zone *z;

	if (zone) {
		drain_pages_cpu(zone, smp_processor_id());
		return;
	}
	for_each_zone(z)
		drain_pages_cpu(z, smp_processor_id());
}

/* Every CPU's lists; returns the pages drained.  Only one vCPU runs, so the
 * others' lists are idle and this CPU may drain them directly. */
static unsigned long drain_all_pages_count(struct zone *zone)
{
	unsigned long n = 0;
	struct zone *z;

	for_each_zone(z) {
		if (zone && z != zone)
			continue;
		for (int cpu = 0; cpu < NR_CPUS; cpu++)
			n += drain_pages_cpu(z, cpu);
	}
	return n;
}

void drain_all_pages(struct zone *zone)
{
	drain_all_pages_count(zone);
}

/* ---- Allocation ------------------------------------------------------------ */

static noinline struct page *rmqueue_buddy(struct zone *zone, unsigned int order)
{
	struct page *page;
	unsigned long flags;

	spin_lock_irqsave(&zone->lock, flags);
	page = __rmqueue_smallest(zone, order);
	spin_unlock_irqrestore(&zone->lock, flags);
	return page;
}

static __always_inline struct page *rmqueue(struct zone *zone, unsigned int order)
{
	if (likely(order == 0))
		return rmqueue_pcplist(zone);
	return rmqueue_buddy(zone, order);
}

static bool __zone_watermark_ok(const struct zone *z, unsigned int order, unsigned long mark,
				enum zone_type highest_zoneidx, unsigned int alloc_flags,
				long free_pages)
{
	long min = (long)mark;

	/* The request itself must fit above the mark. */
	free_pages -= (1l << order) - 1;
	if (alloc_flags & ALLOC_HIGH)
		min -= min / 2;
	if (alloc_flags & ALLOC_HARDER)
		min -= min / 4;
	if (free_pages <= min + (long)z->lowmem_reserve[highest_zoneidx])
		return false;
	if (!order)
		return true;
	/* Enough pages, but is one of them a big enough block? */
	for (unsigned int o = order; o < MAX_ORDER; o++)
		if (z->free_area[o].nr_free)
			return true;
	return false;
}

bool zone_watermark_ok(const struct zone *z, unsigned int order, unsigned long mark,
		       enum zone_type highest_zoneidx, unsigned int alloc_flags)
{
	return __zone_watermark_ok(z, order, mark, highest_zoneidx, alloc_flags,
				   z->vm_stat[NR_FREE_PAGES]);
}

/* Order 0 with room to spare is the common case: decide it in one compare. */
static __always_inline bool zone_watermark_fast(const struct zone *z, unsigned int order,
						unsigned long mark,
						enum zone_type highest_zoneidx,
						unsigned int alloc_flags)
{
	long free_pages = z->vm_stat[NR_FREE_PAGES];

	if (!order && free_pages > (long)(mark + z->lowmem_reserve[highest_zoneidx]))
		return true;
	return __zone_watermark_ok(z, order, mark, highest_zoneidx, alloc_flags, free_pages);
}

static void prep_compound_page(struct page *page, unsigned int order)
{
	unsigned long nr = 1ul << order;

	__SetPageHead(page);
	for (unsigned long i = 1; i < nr; i++)
		page[i].compound_head = (unsigned long)page | 1;
	page[1].compound_dtor = 0;
	page[1].compound_order = (unsigned char)order;
}

/*
 * Check and initialise a page leaving the allocator.  Only the head is
 * checked: the tails of a free block are zero by construction (heads that
 * merge into a bigger block are reset, freed tails are checked and reset
 * in free_pages_prepare).
 */
static __always_inline void prep_new_page(struct page *page, unsigned int order, gfp_t gfp_flags)
{
	if (unlikely(!page_expected_state(page, PAGE_FLAGS_CHECK_AT_PREP)))
		check_new_page_bad(page);
	if (unlikely(order) && unlikely(page_poisoning_enabled))
		kernel_unpoison_pages(page + 1, (1u << order) - 1);
	set_page_count(page, 1);
	if (unlikely(gfp_flags & __GFP_ZERO))
		clear_highpages(page, 1u << order);
	if (unlikely(order) && (gfp_flags & __GFP_COMP))
		prep_compound_page(page, order);
}

/* Try each zone from the highest the request allows down to DMA. */
static __always_inline struct page *get_page_from_freelist(gfp_t gfp_mask, unsigned int order,
							    unsigned int alloc_flags,
							    enum zone_type highest_zoneidx)
{
	int z = (int)highest_zoneidx;

	do {
		struct zone *zone = zone_table[z];
		unsigned long mark = zone->_watermark[alloc_flags & ALLOC_WMARK_MASK];
		struct page *page;

		if (!zone_watermark_fast(zone, order, mark, highest_zoneidx, alloc_flags))
			continue;
		page = rmqueue(zone, order);
		if (likely(page)) {
			prep_new_page(page, order, gfp_mask);
			__count_zid_vm_events(PGALLOC, z, 1ul << order);
			return page;
		}
	} while (--z >= 0);
	return NULL;
}

static inline unsigned int gfp_to_alloc_flags(gfp_t gfp_mask)
{
	unsigned int alloc_flags = ALLOC_WMARK_MIN;

	if (gfp_mask & __GFP_HIGH)
		alloc_flags |= ALLOC_HIGH;
	if (gfp_mask & __GFP_ATOMIC)
		alloc_flags |= ALLOC_HARDER;
	return alloc_flags;
}

static void show_zone_buddy(const struct zone *zone)
{
	char line[320];
	size_t len = 0;
	unsigned long total = 0;

	len += (size_t)snprintf(line + len, sizeof(line) - len, "Node 0 %s:", zone->name);
	for (unsigned int order = 0; order < MAX_ORDER && len < sizeof(line); order++) {
		unsigned long nr = zone->free_area[order].nr_free;

		total += nr << order;
		len += (size_t)snprintf(line + len, sizeof(line) - len, " %lu*%lukB", nr,
					(PAGE_SIZE >> 10) << order);
	}
	printk("%s = %lukB\n", line, total * (PAGE_SIZE >> 10));
}

void show_free_areas(void)
{
	const unsigned long k = PAGE_SIZE >> 10;
	struct zone *zone;

	printk("Mem-Info: free:%lu (pages)\n", global_zone_page_state(NR_FREE_PAGES));
	for_each_zone(zone) {
		unsigned long pcp = 0;

		for (int cpu = 0; cpu < NR_CPUS; cpu++)
			pcp += (unsigned long)zone->pageset[cpu].count;
		printk("Node 0 %s free:%lukB min:%lukB low:%lukB high:%lukB present:%lukB "
		       "managed:%lukB free_pcp:%lukB\n",
		       zone->name, zone_page_state(zone, NR_FREE_PAGES) * k,
		       min_wmark_pages(zone) * k, low_wmark_pages(zone) * k,
		       high_wmark_pages(zone) * k, zone->present_pages * k,
		       zone->managed_pages * k, pcp * k);
		printk("lowmem_reserve[]: %lu %lu %lu\n", zone->lowmem_reserve[ZONE_DMA],
		       zone->lowmem_reserve[ZONE_NORMAL], zone->lowmem_reserve[ZONE_HIGHMEM]);
	}
	for_each_zone(zone)
		if (populated_zone(zone))
			show_zone_buddy(zone);
}

static noinline void warn_alloc(gfp_t gfp_mask, unsigned int order)
{
	unsigned long missed;

	if ((gfp_mask & __GFP_NOWARN) || !__ratelimit(&nopage_rs))
		return;
	missed = ratelimit_missed(&nopage_rs);
	if (missed)
		printk("warn_alloc: %lu reports suppressed\n", missed);
	printk("page allocation failure: order:%u, mode:0x%x\n", order, gfp_mask);
	show_free_areas();
}

static noinline __noreturn void nofail_out_of_memory(gfp_t gfp_mask, unsigned int order)
{
	printk("Out of memory: __GFP_NOFAIL request order:%u, mode:0x%x failed %d times\n",
	       order, gfp_mask, NOFAIL_RETRIES);
	show_free_areas();
	panic("Out of memory: cannot satisfy __GFP_NOFAIL order %u allocation", order);
}

/*
 * Second pass after the low-watermark pass failed: allow down to min, or
 * below it for __GFP_HIGH/__GFP_ATOMIC; pages parked on per-CPU lists are
 * given back first, since they may be all that is left or may complete a
 * higher-order block.
 */
static noinline struct page *__alloc_pages_slowpath(gfp_t gfp_mask, unsigned int order,
						    enum zone_type highest_zoneidx)
{
	unsigned int alloc_flags = gfp_to_alloc_flags(gfp_mask);
	struct page *page;

	for (int attempt = 1;; attempt++) {
		page = get_page_from_freelist(gfp_mask, order, alloc_flags, highest_zoneidx);
		if (page)
			return page;
		if (drain_all_pages_count(NULL))
			continue;
		if (!(gfp_mask & __GFP_NOFAIL))
			break;
		if (attempt >= NOFAIL_RETRIES)
			nofail_out_of_memory(gfp_mask, order);
		/* As Linux does for NOFAIL: let it into the atomic reserve. */
		alloc_flags |= ALLOC_HARDER;
	}
	warn_alloc(gfp_mask, order);
	count_vm_event(PGALLOC_FAIL);
	return NULL;
}

static noinline struct page *alloc_pages_injected_failure(void)
{
	count_vm_event(PGALLOC_FAIL);
	count_vm_event(PGALLOC_FAIL_INJECTED);
	return NULL;
}

/* The allocation proper.  Inlined twice into alloc_pages(): the instance
 * with the constant order 0 folds into the per-CPU fast path. */
static __always_inline struct page *__alloc_pages(gfp_t gfp_mask, unsigned int order)
{
	enum zone_type highest_zoneidx;
	struct page *page;

	if (unlikely(fail_page_alloc_enabled()) && should_fail_alloc_page(gfp_mask, order))
		return alloc_pages_injected_failure();

	highest_zoneidx = gfp_zone(gfp_mask);
	page = get_page_from_freelist(gfp_mask, order, ALLOC_WMARK_LOW, highest_zoneidx);
	if (likely(page))
		return page;
	return __alloc_pages_slowpath(gfp_mask, order, highest_zoneidx);
}

__regparm3 __fastpath struct page *alloc_pages(gfp_t gfp_mask, unsigned int order)
{
	if (likely(order == 0))
		return __alloc_pages(gfp_mask, 0);
	if (unlikely(order >= MAX_ORDER)) {
		WARN_ON_ONCE(!(gfp_mask & __GFP_NOWARN));
		count_vm_event(PGALLOC_FAIL);
		return NULL;
	}
	return __alloc_pages(gfp_mask, order);
}

unsigned long __get_free_pages(gfp_t gfp_mask, unsigned int order)
{
	struct page *page = alloc_pages(gfp_mask & ~__GFP_HIGHMEM, order);

	return page ? (unsigned long)page_address(page) : 0;
}

unsigned long get_zeroed_page(gfp_t gfp_mask)
{
	return __get_free_pages(gfp_mask | __GFP_ZERO, 0);
}

/* ---- Freeing ----------------------------------------------------------------- */

/* Tail of a compound page being freed: must point at its head. */
static void free_tail_page_prepare(const struct page *head, struct page *page)
{
	if (!PageTail(page))
		bad_page(page, "PageTail not set");
	if (compound_head(page) != head)
		bad_page(page, "compound_head not consistent");
}

/*
 * Check a block on its way back and reset it to the free state: flags,
 * index and private zero (tails also lru), so that whatever part of it
 * ends up inside a bigger free block is a zero tail.  Then poison it if
 * page_poison=1.
 */
static __always_inline void free_pages_prepare(struct page *page, unsigned int order)
{
	/* An order-0 free of a compound head would strand its tails. */
	const unsigned long head_flags = order ? PAGE_FLAGS_CHECK_AT_FREE
					       : PAGE_FLAGS_CHECK_AT_FREE | 1ul << PG_head;

	if (unlikely(!page_expected_state(page, head_flags)))
		check_free_page_bad(page, head_flags);
	if (unlikely(order)) {
		bool compound = PageHead(page);

		unsigned long i = 1;

		MM_BUG_ON_PAGE(compound && page[1].compound_order != order, page);
		/* A plain block's tails are normally untouched, i.e. all zero:
		 * find the first that is not in one pass (one VM exit with the
		 * VMM's help; the per-tail loop costs ~18 emulated instructions
		 * a page), and check and reset from there on. */
		if (!compound && order >= 2)
			i = 1 + mem_find_nonzero(page + 1, ((1ul << order) - 1) * sizeof(*page)) /
				sizeof(*page);
		for (; i < (1ul << order); i++) {
			struct page *p = page + i;

			if (compound)
				free_tail_page_prepare(page, p);
			if (!page_expected_state(p, PAGE_FLAGS_CHECK_AT_FREE | 1ul << PG_head))
				check_free_page_bad(p, PAGE_FLAGS_CHECK_AT_FREE | 1ul << PG_head);
			p->flags = 0;
			p->lru.next = NULL;
			p->lru.prev = NULL;
			p->index = 0;
			p->private = 0;
		}
		page->lru.next = NULL;
		page->lru.prev = NULL;
	}
	page->flags = 0;
	page->index = 0;
	page->private = 0;
	if (unlikely(page_poisoning_enabled))
		kernel_poison_pages(page, 1u << order);
}

/* Order-0 free onto this CPU's list; inlined into each entry point so that
 * __free_pages() of one page makes no further call. */
static __always_inline void free_unref_page_commit(struct page *page, bool cold)
{
	unsigned long pfn = page_to_pfn(page);
	struct zone *zone = pfn_zone(pfn);
	struct per_cpu_pages *pcp;
	unsigned long flags;

	MM_BUG_ON_PAGE(!pfn_valid(pfn), page);
	free_pages_prepare(page, 0);
	local_irq_save(flags);
	pcp = &zone->pageset[smp_processor_id()];
	if (likely(!cold))
		list_add(&page->lru, &pcp->list);
	else
		list_add_tail(&page->lru, &pcp->list);
	if (unlikely(++pcp->count >= pcp->high))
		free_pcppages_bulk(zone, pcp->batch, pcp);
	local_irq_restore(flags);
	count_vm_event(PGFREE);
}

void free_hot_cold_page(struct page *page, bool cold)
{
	free_unref_page_commit(page, cold);
}

static noinline void __free_pages_ok(struct page *page, unsigned int order)
{
	unsigned long pfn = page_to_pfn(page);
	struct zone *zone = pfn_zone(pfn);
	unsigned long flags;

	MM_BUG_ON_PAGE(!pfn_valid(pfn), page);
	free_pages_prepare(page, order);
	spin_lock_irqsave(&zone->lock, flags);
	__free_one_page(page, pfn, zone, order);
	__mod_zone_page_state(zone, NR_FREE_PAGES, 1l << order);
	spin_unlock_irqrestore(&zone->lock, flags);
	count_vm_events(PGFREE, 1ul << order);
}

static __always_inline void free_the_page(struct page *page, unsigned int order)
{
	if (likely(order == 0))
		free_unref_page_commit(page, false);
	else
		__free_pages_ok(page, order);
}

__regparm3 __fastpath void __free_pages(struct page *page, unsigned int order)
{
	if (put_page_testzero(page))
		free_the_page(page, order);
}

void free_pages(unsigned long addr, unsigned int order)
{
	if (addr) {
		MM_BUG_ON(!virt_addr_valid((void *)addr));
		__free_pages(virt_to_page((void *)addr), order);
	}
}

void put_page(struct page *page)
{
	page = compound_head(page);
	if (put_page_testzero(page))
		free_the_page(page, compound_order(page));
}

/* ---- Boot: zones and free memory ---------------------------------------- */

void free_area_init(const unsigned long max_zone_pfn[MAX_NR_ZONES],
		    const unsigned long zone_present[MAX_NR_ZONES])
{
	struct pglist_data *pgdat = &contig_page_data;
	unsigned long start = 0, present = 0;

	MM_BUG_ON(!mem_map);
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &pgdat->node_zones[z];
		unsigned long end = max(max_zone_pfn[z], start);

		*zone = (struct zone){
			.name = zone_names[z],
			.zone_start_pfn = start,
			.spanned_pages = end - start,
			.present_pages = min(zone_present[z], end - start),
		};
		spin_lock_init(&zone->lock);
		for (unsigned int order = 0; order < MAX_ORDER; order++)
			INIT_LIST_HEAD(&zone->free_area[order].free_list);
		/* No per-CPU caching until setup_per_cpu_pageset() sizes it. */
		for (int cpu = 0; cpu < NR_CPUS; cpu++) {
			zone->pageset[cpu].high = 0;
			zone->pageset[cpu].batch = 1;
			INIT_LIST_HEAD(&zone->pageset[cpu].list);
		}
		if (zone->spanned_pages)
			pgdat->nr_zones = z + 1;
		present += zone->present_pages;
		start = end;
	}
	for (int i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++)
		vm_zone_stat[i] = 0;
	pgdat->node_start_pfn = 0;
	pgdat->node_spanned_pages = start;
	pgdat->node_present_pages = present;
	max_low_pfn = pgdat->node_zones[ZONE_HIGHMEM].zone_start_pfn;
	max_pfn = start;
	totalram_pages = 0;
	totalhigh_pages = 0;
}

/* Linux's boot-time "Zone ranges" report; not printed by free_area_init()
 * itself, since every character costs guest instructions (docs/design.md
 * §2.5). */
void show_zone_ranges(void)
{
	printk("Zone ranges:\n");
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		const struct zone *zone = &contig_page_data.node_zones[z];

		if (!zone->spanned_pages)
			printk("  %s: empty\n", zone->name);
		else
			printk("  %s: [mem 0x%010llx-0x%010llx] present %lu pages\n",
			       zone->name,
			       (unsigned long long)PFN_PHYS(zone->zone_start_pfn),
			       (unsigned long long)PFN_PHYS(zone_end_pfn(zone)) - 1,
			       zone->present_pages);
	}
}

/*
 * Defer a run of n top-order blocks at pfn (see the header): possible only
 * while the top-order list is empty, so that the run lies below everything
 * listed, and while a range is free (or the run extends the last range,
 * which it then continues upwards, keeping the stack order).  Nothing in
 * mem_map is written or read.  Caller holds zone->lock and counts the
 * blocks in nr_free.
 */
static bool defer_top_order_run(struct zone *zone, unsigned long pfn, unsigned long n)
{
	unsigned long end = pfn + n * MAX_ORDER_NR_PAGES, i = zone->nr_deferred_ranges;

	lockdep_assert_held(&zone->lock);
	if (n < deferred_init_min_blocks ||
	    !list_empty(&zone->free_area[MAX_ORDER - 1].free_list))
		return false;
	if (i && zone->deferred[i - 1].end_pfn == pfn) {
		zone->deferred[i - 1].end_pfn = end;
		return true;
	}
	if (i == NR_DEFERRED_RANGES)
		return false;
	zone->deferred[i].start_pfn = pfn;
	zone->deferred[i].end_pfn = end;
	zone->nr_deferred_ranges = i + 1;
	return true;
}

/*
 * Most of RAM: a run of n consecutive top-order blocks, which have no buddy
 * to merge with.  A long one is deferred; otherwise it goes straight onto
 * free_area[MAX_ORDER - 1].  The result is exactly that of n
 * add_to_free_list() calls (each block pushed at the head, so the last is
 * first), but the list is stitched in one pass: about 9 instructions a
 * block instead of ~25.  Only the flags word is checked: it is where a
 * reserved page wrongly handed over would show (PG_reserved).
 * Caller holds zone->lock.
 */
static void free_top_order_run(struct zone *zone, struct page *page, unsigned long n)
{
	struct free_area *area = &zone->free_area[MAX_ORDER - 1];
	struct list_head *head = &area->free_list, *next = head->next;
	struct page *end = page + n * MAX_ORDER_NR_PAGES;

	lockdep_assert_held(&zone->lock);
	if (defer_top_order_run(zone, page_to_pfn(page), n)) {
		area->nr_free += n;
		return;
	}
	for (; page < end; page += MAX_ORDER_NR_PAGES) {
		if (unlikely(page->flags))
			bad_page(page, "boot free of a page in use");
		page->flags = 1ul << PG_buddy;
		page->private = MAX_ORDER - 1;
		page->lru.next = next;
		next->prev = &page->lru;
		next = &page->lru;
	}
	head->next = next;
	next->prev = head;
	area->nr_free += n;
}

/*
 * Hand the free RAM [start_pfn, end_pfn) to the buddy allocator as maximal
 * aligned blocks (at most MAX_ORDER - 1), including the smaller blocks at
 * unaligned edges; a range crossing zone boundaries is split there.  Only
 * one struct page per block is written (its head), and its buddy's head
 * read for merging with neighbouring ranges: O(blocks), not O(pages).  The
 * tails are left as they are, zero, which is what a tail of a free block
 * is (mm_types.h).
 */
void memblock_free_pages_range(unsigned long start_pfn, unsigned long end_pfn)
{
	MM_BUG_ON(end_pfn > max_pfn);
	while (start_pfn < end_pfn) {
		struct zone *zone = pfn_zone(start_pfn);
		unsigned long zone_end = min(end_pfn, zone_end_pfn(zone));
		unsigned long nr = zone_end - start_pfn, flags;

		spin_lock_irqsave(&zone->lock, flags);
		while (start_pfn < zone_end) {
			struct page *page = pfn_to_page(start_pfn);
			unsigned int order;

			if (IS_ALIGNED(start_pfn, MAX_ORDER_NR_PAGES) &&
			    zone_end - start_pfn >= MAX_ORDER_NR_PAGES) {
				unsigned long n = (zone_end - start_pfn) / MAX_ORDER_NR_PAGES;

				free_top_order_run(zone, page, n);
				start_pfn += n * MAX_ORDER_NR_PAGES;
				continue;
			}
			/* An edge: the largest aligned block that fits, which
			 * may merge with a neighbouring range's blocks. */
			order = __fls(zone_end - start_pfn);
			if (start_pfn)
				order = min(order, __ffs(start_pfn));
			if (unlikely(!page_expected_state(page, ~0ul)))
				bad_page(page, "boot free of a page in use");
			__free_one_page(page, start_pfn, zone, order);
			start_pfn += 1ul << order;
		}
		__mod_zone_page_state(zone, NR_FREE_PAGES, (long)nr);
		spin_unlock_irqrestore(&zone->lock, flags);

		zone->managed_pages += nr;
		totalram_pages += nr;
		if (is_highmem(zone))
			totalhigh_pages += nr;
	}
}

/* ---- Watermarks and reserves --------------------------------------------- */

static unsigned long lowmem_managed_pages(void)
{
	unsigned long pages = 0;
	struct zone *zone;

	for_each_zone(zone)
		if (!is_highmem(zone))
			pages += zone->managed_pages;
	return pages;
}

/*
 * Lowmem zones share min_free_kbytes in proportion to their size; HighMem
 * keeps only a token reserve (nothing needs HighMem in an emergency).
 * low = min * 5/4 and high = min * 3/2.
 */
void setup_per_zone_wmarks(void)
{
	unsigned long pages_min = (unsigned long)min_free_kbytes >> (PAGE_SHIFT - 10);
	unsigned long lowmem_pages = lowmem_managed_pages();
	struct zone *zone;

	for_each_zone(zone) {
		unsigned long min;

		if (is_highmem(zone)) {
			min = clamp(zone->managed_pages / 1024, SWAP_CLUSTER_MAX, 128ul);
		} else {
			/* No overflow on i386: pages_min <= 16384 (65536 kB) and
			 * lowmem is under 2^18 pages, so the product < 2^32. */
			min = lowmem_pages ? pages_min * zone->managed_pages / lowmem_pages : 0;
		}
		zone->_watermark[WMARK_MIN] = min;
		zone->_watermark[WMARK_LOW] = min + min / 4;
		zone->_watermark[WMARK_HIGH] = min + min / 2;
	}
}

void setup_per_zone_lowmem_reserve(void)
{
	struct zone *zones = contig_page_data.node_zones;

	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *zone = &zones[i];
		int ratio = sysctl_lowmem_reserve_ratio[i];
		bool clear = ratio <= 0 || !zone->managed_pages;
		unsigned long upper_pages = 0;

		for (int j = 0; j <= i; j++)
			zone->lowmem_reserve[j] = 0;
		for (int j = i + 1; j < MAX_NR_ZONES; j++) {
			upper_pages += zones[j].managed_pages;
			zone->lowmem_reserve[j] = clear ? 0 : upper_pages / (unsigned long)ratio;
		}
	}
}

/* min_free_kbytes = sqrt(lowmem_kbytes * 16), within [128, 65536]. */
void init_per_zone_wmark_min(void)
{
	unsigned long lowmem_kbytes = lowmem_managed_pages() * (PAGE_SIZE >> 10);

	min_free_kbytes = (int)clamp(int_sqrt(lowmem_kbytes * 16), 128ul, 65536ul);
	setup_per_zone_wmarks();
	setup_per_zone_lowmem_reserve();
}

/* ---- Per-CPU list sizing ---------------------------------------------------- */

/* Linux's zone_batchsize: about a thousandth of the zone, at most 512 kB,
 * a quarter of that, then rounded to 2^n - 1 so that consecutive batches
 * do not all start on the same cache colour.  Small zones get 0, i.e. no
 * caching (high 0, batch 1). */
static int zone_batchsize(const struct zone *zone)
{
	unsigned long batch = zone->managed_pages / 1024;

	batch = min(batch, (512ul * 1024) / PAGE_SIZE);
	batch /= 4;
	if (batch < 1)
		batch = 1;
	return (int)(rounddown_pow_of_two(batch + batch / 2) - 1);
}

static void zone_set_pageset_high_and_batch(struct zone *zone, int high, int batch)
{
	for (int cpu = 0; cpu < NR_CPUS; cpu++) {
		zone->pageset[cpu].high = high;
		zone->pageset[cpu].batch = batch;
	}
}

static void zone_pageset_init(struct zone *zone)
{
	int batch = zone_batchsize(zone);

	zone_set_pageset_high_and_batch(zone, 6 * batch, max(1, batch));
}

void setup_per_cpu_pageset(void)
{
	struct zone *zone;

	for_each_zone(zone)
		zone_pageset_init(zone);
}

void zone_pcp_disable(struct zone *zone)
{
	zone_set_pageset_high_and_batch(zone, 0, 1);
	drain_all_pages_count(zone);
}

void zone_pcp_enable(struct zone *zone)
{
	zone_pageset_init(zone);
}
