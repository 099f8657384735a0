/*
 * GFP ("get free pages") flags and the page allocator's API, with Linux's
 * names, bit values and meanings (<linux/gfp.h>, before 6.3 removed
 * __GFP_ATOMIC).
 */
#ifndef GUEST_GFP_H
#define GUEST_GFP_H

#include "kernel.h"
#include "mmzone.h"

struct page;

#include "gfp_flags.h"

static inline bool gfpflags_allow_blocking(gfp_t gfp_mask)
{
	return !!(gfp_mask & __GFP_DIRECT_RECLAIM);
}

/*
 * Highest zone a request may use, from Linux's GFP_ZONE_TABLE: two bits per
 * combination of the zone modifiers, looked up by shifting a constant.
 * __GFP_DMA | __GFP_HIGHMEM together is invalid (GFP_ZONE_BAD in Linux).
 */
#define GFP_ZONES_SHIFT 2
#define GFP_ZONE_TABLE                                                   \
	(((unsigned int)ZONE_NORMAL << (0 * GFP_ZONES_SHIFT)) |          \
	 ((unsigned int)ZONE_DMA << (__GFP_DMA * GFP_ZONES_SHIFT)) |     \
	 ((unsigned int)ZONE_HIGHMEM << (__GFP_HIGHMEM * GFP_ZONES_SHIFT)))

static inline enum zone_type gfp_zone(gfp_t flags)
{
	unsigned int bit = flags & GFP_ZONEMASK;

	MM_BUG_ON(bit == GFP_ZONEMASK);
	return (enum zone_type)((GFP_ZONE_TABLE >> (bit * GFP_ZONES_SHIFT)) &
				((1u << GFP_ZONES_SHIFT) - 1));
}

/* ---- Allocation and freeing (mm/page_alloc.c) ------------------------ */

__regparm3 struct page *alloc_pages(gfp_t gfp_mask, unsigned int order);
#define alloc_page(gfp_mask) alloc_pages(gfp_mask, 0)
/* Lowmem only: __GFP_HIGHMEM is ignored, the result is a kernel address. */
unsigned long __get_free_pages(gfp_t gfp_mask, unsigned int order);
#define __get_free_page(gfp_mask) __get_free_pages((gfp_mask), 0)
unsigned long get_zeroed_page(gfp_t gfp_mask);

__regparm3 void __free_pages(struct page *page, unsigned int order);
void free_pages(unsigned long addr, unsigned int order);
#define __free_page(page) __free_pages((page), 0)
#define free_page(addr) free_pages((addr), 0)

/* Order-0 frees into the per-CPU list: hot at the head (handed out next),
 * cold at the tail (returned to the buddy lists first).  The page's
 * refcount must already be 0 (after put_page_testzero). */
void free_hot_cold_page(struct page *page, bool cold);

/* Give per-CPU pages back to the buddy lists (zone NULL: all zones). */
void drain_local_pages(struct zone *zone);
void drain_all_pages(struct zone *zone);

/* Benchmarking / offlining: disable the per-CPU cache of a zone so every
 * order-0 allocation and free goes through the buddy lists (Linux's
 * zone_pcp_disable); enable restores the computed high/batch. */
void zone_pcp_disable(struct zone *zone);
void zone_pcp_enable(struct zone *zone);

#endif
