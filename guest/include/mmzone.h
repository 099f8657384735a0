/*
 * Zones and the node: struct zone, free_area, per-CPU page lists and the one
 * pglist_data (Linux's <linux/mmzone.h>, flat memory, one node).
 *
 * Zones follow Linux i386 (docs/design.md §4.2): DMA below 16 MiB, Normal
 * up to max_low_pfn (lowmem, direct-mapped), HighMem above, including RAM
 * above 4 GiB.  They are contiguous pfn ranges [zone_start_pfn,
 * + spanned_pages) that tile [0, max_pfn), so the zone of a pfn is two
 * compares (pfn_zonenum) and struct page does not store it.
 *
 * Locking:
 *   zone->lock          free_area[] (lists and nr_free), vm_stat[NR_FREE_PAGES],
 *                       the deferred ranges (nr_deferred_ranges, deferred[]),
 *                       and the buddy state (PG_buddy, private) of free heads.
 *   interrupts disabled pageset[cpu] (per-CPU lists are touched only by their
 *                       CPU; disabling interrupts keeps handlers out).  Taken
 *                       before zone->lock when both are needed.
 *   boot / init only    the zone geometry, managed_pages, _watermark[],
 *                       lowmem_reserve[] and pcp high/batch; afterwards
 *                       they are read without locks.
 */
#ifndef GUEST_MMZONE_H
#define GUEST_MMZONE_H

#include "types.h"
#include "list.h"
#include "spinlock.h"

#ifndef NR_CPUS
#define NR_CPUS 4
#endif
/* Per-CPU data is sized for NR_CPUS; one vCPU runs today. */
#ifndef smp_processor_id
#define smp_processor_id() 0
#endif

#define MAX_ORDER 11
#define MAX_ORDER_NR_PAGES (1ul << (MAX_ORDER - 1))

enum zone_type {
	ZONE_DMA,
	ZONE_NORMAL,
	ZONE_HIGHMEM,
	MAX_NR_ZONES
};

enum zone_watermarks {
	WMARK_MIN,
	WMARK_LOW,
	WMARK_HIGH,
	NR_WMARK
};

/* Per-zone counters (Linux's zone_stat_item), summed in vm_zone_stat[]. */
enum zone_stat_item {
	NR_FREE_PAGES,   /* pages in free_area[], deferred blocks included; pages
			    on pcp lists are not counted */
	NR_SLAB_RECLAIMABLE,   /* slab pages of SLAB_RECLAIM_ACCOUNT caches */
	NR_SLAB_UNRECLAIMABLE, /* slab pages of every other cache */
	NR_ANON_MAPPED,  /* anonymous pages mapped by user PTEs (Linux's is per node) */
	NR_PAGETABLE,    /* user page-table pages: PTs and PDs, not pgds */
	NR_VM_ZONE_STAT_ITEMS
};

struct free_area {
	struct list_head free_list;  /* heads of free blocks of this order */
	unsigned long nr_free;       /* blocks, not pages; at MAX_ORDER - 1 this
					includes the zone's deferred blocks */
};

/*
 * Deferred top-order blocks (Linux's CONFIG_DEFERRED_STRUCT_PAGE_INIT idea,
 * adapted; page_alloc.c has the algorithm).  Boot frees a long run of whole
 * MAX_ORDER - 1 blocks without writing a single struct page: the run is
 * recorded here instead of being linked onto free_area[MAX_ORDER - 1].
 *
 * Encoding, per zone (under zone->lock):
 *   - deferred[0 .. nr_deferred_ranges) are the ranges in use, each
 *     [start_pfn, end_pfn) with start_pfn < end_pfn, both multiples of
 *     MAX_ORDER_NR_PAGES, inside the zone's span, all of it RAM that boot
 *     handed to the allocator (no hole, nothing reserved);
 *   - deferred[nr_deferred_ranges ..] are unused and all zero;
 *   - ranges never overlap each other or any listed free block or per-CPU
 *     page;
 *   - every MAX_ORDER_NR_PAGES block in a range is a FREE block of order
 *     MAX_ORDER - 1: it is counted in free_area[MAX_ORDER - 1].nr_free, in
 *     NR_FREE_PAGES and in managed_pages/totalram_pages exactly as if it
 *     were on the list, but it is not on the list, and every struct page of
 *     it, the head included, is all-zero (so it is not PageBuddy);
 *   - logically the ranges are the bottom of free_area[MAX_ORDER - 1]'s
 *     LIFO stack, below every listed block: deferred[0] was pushed first,
 *     and within a range the lowest pfn was pushed first.  A block is taken
 *     from the top: the highest block of the last range in use, and only
 *     when every free list of the zone that could serve the request is
 *     empty.  A block never returns to a range; freed, it goes on the list.
 */
#define NR_DEFERRED_RANGES 4

struct deferred_range {
	unsigned long start_pfn;   /* first pfn of the lowest deferred block */
	unsigned long end_pfn;     /* one past the highest deferred block */
};

/* Order-0 cache of one CPU in one zone: `list` holds `count` free pages,
 * hot (recently freed, likely in cache) at the head, cold at the tail.
 * When count reaches `high`, `batch` pages go back to the buddy lists; an
 * empty list is refilled with `batch` pages.  high == 0 disables the cache
 * (every free goes straight back: zone_pcp_disable). */
struct per_cpu_pages {
	int count;
	int high;
	int batch;
	struct list_head list;
};

struct zone {
	/* Read on every allocation: kept together at the front. */
	unsigned long _watermark[NR_WMARK];
	/* Pages this zone keeps back from allocations that could have used a
	 * higher zone, indexed by the highest zone the request allows. */
	unsigned long lowmem_reserve[MAX_NR_ZONES];
	long vm_stat[NR_VM_ZONE_STAT_ITEMS];
	struct per_cpu_pages pageset[NR_CPUS];

	const char *name;
	unsigned long zone_start_pfn;
	unsigned long spanned_pages;  /* end - start, holes included */
	unsigned long present_pages;  /* RAM in the span */
	unsigned long managed_pages;  /* RAM handed to the buddy allocator */

	spinlock_t lock;
	struct free_area free_area[MAX_ORDER];
	/* Deferred top-order blocks, encoded as described above struct
	 * deferred_range: ranges in use, then the ranges. */
	unsigned long nr_deferred_ranges;
	struct deferred_range deferred[NR_DEFERRED_RANGES];
};

struct pglist_data {
	struct zone node_zones[MAX_NR_ZONES];
	int nr_zones;
	unsigned long node_start_pfn;
	unsigned long node_present_pages;
	unsigned long node_spanned_pages;
};

extern struct pglist_data contig_page_data;
#define NODE_DATA(nid) (&contig_page_data)

#define min_wmark_pages(z)  ((z)->_watermark[WMARK_MIN])
#define low_wmark_pages(z)  ((z)->_watermark[WMARK_LOW])
#define high_wmark_pages(z) ((z)->_watermark[WMARK_HIGH])

static inline unsigned long zone_end_pfn(const struct zone *zone)
{
	return zone->zone_start_pfn + zone->spanned_pages;
}

static inline bool zone_spans_pfn(const struct zone *zone, unsigned long pfn)
{
	return pfn - zone->zone_start_pfn < zone->spanned_pages;
}

/* Free top-order blocks of the zone that are deferred (not on the list). */
static inline unsigned long zone_deferred_blocks(const struct zone *zone)
{
	unsigned long n = 0;

	for (unsigned long i = 0; i < zone->nr_deferred_ranges; i++)
		n += (zone->deferred[i].end_pfn - zone->deferred[i].start_pfn) / MAX_ORDER_NR_PAGES;
	return n;
}

static inline bool populated_zone(const struct zone *zone)
{
	return zone->present_pages != 0;
}

static inline bool managed_zone(const struct zone *zone)
{
	return zone->managed_pages != 0;
}

static inline enum zone_type zone_idx(const struct zone *zone)
{
	return (enum zone_type)(zone - contig_page_data.node_zones);
}

static inline bool is_highmem_idx(enum zone_type idx)
{
	return idx == ZONE_HIGHMEM;
}

static inline bool is_highmem(const struct zone *zone)
{
	return is_highmem_idx(zone_idx(zone));
}

/* &contig_page_data.node_zones[i] as a table, so that hot paths turn a zone
 * index into a zone with one load instead of a multiply by sizeof(struct
 * zone) (Linux had the same zone_table[] before 2.6.18). */
extern struct zone *const zone_table[MAX_NR_ZONES];

/* The zones tile [0, max_pfn) in order, so a pfn's zone is the number of
 * zone starts above 0 that it has reached. */
static inline enum zone_type pfn_zonenum(unsigned long pfn)
{
	const struct zone *z = contig_page_data.node_zones;

	return (enum zone_type)((pfn >= z[ZONE_NORMAL].zone_start_pfn) +
				(pfn >= z[ZONE_HIGHMEM].zone_start_pfn));
}

static inline struct zone *pfn_zone(unsigned long pfn)
{
	return zone_table[pfn_zonenum(pfn)];
}

#define for_each_zone(zone)                                            \
	for (zone = contig_page_data.node_zones;                       \
	     zone < contig_page_data.node_zones + MAX_NR_ZONES; zone++)

#endif
