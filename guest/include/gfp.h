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

/* Zone modifiers: the highest zone a request may use. */
#define __GFP_DMA            0x01u
#define __GFP_HIGHMEM        0x02u
#define __GFP_MOVABLE        0x08u   /* accepted, no effect: no ZONE_MOVABLE */
#define GFP_ZONEMASK         (__GFP_DMA | __GFP_HIGHMEM)

/* Access to reserves. */
#define __GFP_HIGH           0x20u   /* high priority: may use half the min reserve */
#define __GFP_IO             0x40u   /* may start physical I/O */
#define __GFP_FS             0x80u   /* may call into the filesystem */
#define __GFP_ZERO          0x100u   /* return zeroed pages */
#define __GFP_ATOMIC        0x200u   /* cannot sleep: may dip a further quarter below min */
#define __GFP_DIRECT_RECLAIM 0x400u  /* may sleep and reclaim: "gfp_wait" */
#define __GFP_KSWAPD_RECLAIM 0x800u  /* may wake kswapd */
#define __GFP_NOWARN       0x2000u   /* no failure report */
#define __GFP_RETRY_MAYFAIL 0x4000u
#define __GFP_NOFAIL       0x8000u   /* retry; panic with an OOM report if hopeless */
#define __GFP_NORETRY     0x10000u
#define __GFP_COMP        0x40000u   /* compound page: head/tail metadata */
#define __GFP_HARDWALL   0x100000u
#define __GFP_ACCOUNT    0x400000u

#define __GFP_RECLAIM (__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)

/* Every flag above.  A mask from outside the kernel (a console request,
 * shared/abi.h) must lie within it.  Linux's __GFP_BITS_MASK is a whole bit
 * range; here the defined bits have gaps, hence a list.  A new flag goes
 * here too. */
#define GFP_DEFINED_MASK (__GFP_DMA | __GFP_HIGHMEM | __GFP_MOVABLE | __GFP_HIGH |	\
			  __GFP_IO | __GFP_FS | __GFP_ZERO | __GFP_ATOMIC |		\
			  __GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM | __GFP_NOWARN |	\
			  __GFP_RETRY_MAYFAIL | __GFP_NOFAIL | __GFP_NORETRY |		\
			  __GFP_COMP | __GFP_HARDWALL | __GFP_ACCOUNT)

#define GFP_ATOMIC   (__GFP_HIGH | __GFP_ATOMIC | __GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL   (__GFP_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_NOWAIT   (__GFP_KSWAPD_RECLAIM)
#define GFP_NOIO     (__GFP_RECLAIM)
#define GFP_NOFS     (__GFP_RECLAIM | __GFP_IO)
#define GFP_USER     (__GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL)
#define GFP_DMA      __GFP_DMA
#define GFP_HIGHUSER (GFP_USER | __GFP_HIGHMEM)
#define GFP_HIGHUSER_MOVABLE (GFP_HIGHUSER | __GFP_MOVABLE)

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
