/*
 * struct page: the descriptor of one page frame, one per pfn in mem_map
 * (Linux's <linux/mm_types.h>, i386 layout: 32 bytes).
 *
 * ALL-ZERO IS A VALID struct page.  Guest RAM starts zeroed (the VMM maps
 * anonymous memory), so mem_map costs no writes for RAM nobody has touched
 * (docs/design.md §2.6 rule 1).  A zero page means: no flags, no users
 * (_refcount 0), not mapped (_mapcount 0), not the head of a free buddy
 * block, on no list.
 * Everything that can be derived from the pfn is derived, not stored:
 *   - the zone: page_zonenum() compares the pfn with the zone boundaries;
 *   - PageHighMem: the zone is ZONE_HIGHMEM;
 *   - the virtual address of a lowmem page: PAGE_OFFSET + pfn * PAGE_SIZE.
 *     Highmem virtual addresses are not stored here either: kmap records
 *     them in a hash (highmem.c, Linux's HASHED_PAGE_VIRTUAL).
 *
 * Encodings that differ from Linux (each keeps "zero = idle"):
 *   - _mapcount holds the number of mappings directly.  Linux biases it by
 *     -1 (so "unmapped" is -1); here unmapped is 0.
 *   - _refcount holds the reference count directly, as in Linux.
 *   - PG_buddy and PG_table are ordinary flag bits.  Linux keeps them as
 *     page types inside _mapcount.
 *   - PG_poisoned replaces Linux's page_ext poison bit.
 *
 * A free buddy block of order n is 2^n pages starting at an n-aligned pfn:
 * its head has PG_buddy and private = n and sits on zone->free_area[n]; its
 * other pages are tails that are all-zero (or carry only PG_poisoned).  A
 * zero tail is consistent because "free" is a property of the block, which
 * only the head records; nothing ever looks at a tail of a free block except
 * to confirm that it is not itself a PG_buddy head.  That is why boot can
 * free a whole block by writing its head alone.
 *
 * Deferred top-order blocks go one step further: boot writes no struct
 * page at all for a long run of MAX_ORDER - 1 blocks, and records the run
 * as a pfn range in its zone (mmzone.h, struct deferred_range).  Such a
 * block is free, and counted as free everywhere, but its head is all-zero
 * too, i.e. not PageBuddy: the range, not the head, says it is free.  The
 * allocator writes the head when it hands the block out (page_alloc.c).
 *
 * Holes in the physical map stay all-zero forever and never reach the buddy
 * allocator; RAM the allocator must never hand out carries PG_reserved.
 */
#ifndef GUEST_MM_TYPES_H
#define GUEST_MM_TYPES_H

#include "types.h"
#include "list.h"

struct address_space;
struct kmem_cache;
struct slab;

typedef unsigned long pgoff_t;

/* Bit numbers in page->flags.  The zone is not stored (see above). */
enum pageflags {
	PG_locked,
	PG_referenced,
	PG_uptodate,
	PG_dirty,
	PG_lru,
	PG_active,
	PG_slab,        /* owned by the slab allocator */
	PG_reserved,    /* never handed out: kernel image, boot data, mem_map */
	PG_private,     /* page->private holds owner data (buddy heads do not set it) */
	PG_writeback,
	PG_head,        /* first page of a compound (__GFP_COMP) page */
	PG_swapbacked,
	PG_buddy,       /* head of a free block in free_area[private] */
	PG_table,       /* page-table page */
	PG_poisoned,    /* contents are PAGE_POISON, set by page_poison.c */
	NR_PAGEFLAGS
};

struct page {
	unsigned long flags;
	union {
		/* Free blocks, per-CPU lists, page cache and anonymous pages. */
		struct {
			struct list_head lru;          /* free list, pcp list or LRU */
			struct address_space *mapping; /* must be NULL when freed */
			pgoff_t index;
			unsigned long private;         /* buddy head: its order */
		};
		/* Slab pages: same words as above, different names. */
		struct {
			struct list_head slab_list;
			struct kmem_cache *slab_cache; /* overlays mapping: clear before freeing */
			union {
				void *freelist;
				struct slab *slab;     /* its slab descriptor (slab.h), on every
							  page of the slab */
			};
			union {
				void *s_mem;
				unsigned long counters;
			};
		};
		/* Tail pages of a compound page.  compound_head has bit 0 set
		 * (it overlays lru.next, whose real values are 4-aligned), so a
		 * zero page is never a tail. */
		struct {
			unsigned long compound_head;   /* head page address | 1 */
			unsigned char compound_dtor;
			unsigned char compound_order;  /* in the first tail only */
		};
	};
	int _mapcount;  /* number of mappings; NOT biased by -1 as in Linux */
	int _refcount;  /* number of references; 0 = free or unused */
};

#if defined(__GUEST__) || defined(__i386__)
_Static_assert(sizeof(struct page) == 32, "struct page is 32 bytes on i386, like Linux");
#endif
_Static_assert(sizeof(struct page) <= 40 || sizeof(void *) > 4, "struct page ceiling");
_Static_assert(NR_PAGEFLAGS <= 32, "page flags fit an i386 long");

#endif
