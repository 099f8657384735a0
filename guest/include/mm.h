/*
 * The memory manager's core interface: mem_map and pfn <-> page <-> address
 * conversion, page flags and reference counts, the page-content hooks
 * (clear, copy, poison) and the page allocator's boot-time setup
 * (Linux's <linux/mm.h>, <linux/page-flags.h>, <linux/page_ref.h>).
 *
 * struct page and its encodings are described in mm_types.h, zones in
 * mmzone.h, GFP flags and alloc_pages() in gfp.h.
 */
#ifndef GUEST_MM_H
#define GUEST_MM_H

#include "kernel.h"
#include "asm/page.h"
#include "mm_types.h"
#include "mmzone.h"
#include "gfp.h"
#include "vmstat.h"

#ifndef PFN_PHYS
#define PFN_UP(x)   ((unsigned long)(((x) + PAGE_SIZE - 1) >> PAGE_SHIFT))
#define PFN_DOWN(x) ((unsigned long)((x) >> PAGE_SHIFT))
#define PFN_PHYS(x) ((phys_addr_t)(x) << PAGE_SHIFT)
#endif

#ifdef HOST_BUILD
/*
 * Host build of guest mm code (unit tests): "physical memory" is an arena
 * the test supplies (guest/mm/host/mm_host.c), and physical address 0 is
 * mm_arena_base, so the same mm sources run unchanged over test memory.
 */
extern char *mm_arena_base;
#undef __pa
#undef __va
#define __pa(x) ((unsigned long)((const char *)(x) - mm_arena_base))
#define __va(x) ((void *)(mm_arena_base + (unsigned long)(x)))
#endif

#define virt_to_pfn(kaddr) ((unsigned long)(__pa(kaddr) >> PAGE_SHIFT))

/* ---- Globals (mm/page_alloc.c) --------------------------------------- */

extern struct page *mem_map;         /* max_pfn entries, holes included */
extern unsigned long max_pfn;        /* end of RAM, exclusive */
extern unsigned long max_low_pfn;    /* end of lowmem (= start of HighMem) */
extern unsigned long totalram_pages; /* pages handed to the buddy allocator */
extern unsigned long totalhigh_pages;/* ... of which HighMem */
extern int min_free_kbytes;

/* ---- pfn, page, zone, address ---------------------------------------- */

static inline unsigned long page_to_pfn(const struct page *page)
{
	return (unsigned long)(page - mem_map);
}

static inline struct page *pfn_to_page(unsigned long pfn)
{
	return mem_map + pfn;
}

/* A pfn that has a struct page (RAM, reserved RAM or hole). */
static inline bool pfn_valid(unsigned long pfn)
{
	return pfn < max_pfn;
}

static inline enum zone_type page_zonenum(const struct page *page)
{
	return pfn_zonenum(page_to_pfn(page));
}

static inline struct zone *page_zone(const struct page *page)
{
	return pfn_zone(page_to_pfn(page));
}

static inline bool PageHighMem(const struct page *page)
{
	return page_to_pfn(page) >= contig_page_data.node_zones[ZONE_HIGHMEM].zone_start_pfn;
}

static inline void *lowmem_page_address(const struct page *page)
{
	return __va(PFN_PHYS(page_to_pfn(page)));
}

/*
 * Kernel virtual address of a highmem page while kmap() holds it, else NULL
 * (mm/highmem.c, Linux's HASHED_PAGE_VIRTUAL).
 */
void *page_address_highmem(const struct page *page);
void set_page_address(struct page *page, void *virtual);

static inline void *page_address(const struct page *page)
{
	if (unlikely(PageHighMem(page)))
		return page_address_highmem(page);
	return lowmem_page_address(page);
}

/* Lowmem kernel addresses only (the direct map). */
static inline struct page *virt_to_page(const void *kaddr)
{
	return pfn_to_page(virt_to_pfn(kaddr));
}

static inline bool virt_addr_valid(const void *kaddr)
{
	unsigned long pfn = virt_to_pfn(kaddr);

	return pfn < max_low_pfn && (const char *)kaddr >= (const char *)__va(0);
}

/* ---- Page flags ------------------------------------------------------ */

/* One CPU, no preemption: the atomic and the __ (non-atomic) variants are
 * the same plain read-modify-write. */
#define PAGEFLAG(uname, lname)                                                \
static inline bool Page##uname(const struct page *page)                       \
{ return (page->flags >> PG_##lname) & 1; }                                   \
static inline void SetPage##uname(struct page *page)                          \
{ page->flags |= 1ul << PG_##lname; }                                         \
static inline void ClearPage##uname(struct page *page)                        \
{ page->flags &= ~(1ul << PG_##lname); }                                      \
static inline void __SetPage##uname(struct page *page)                        \
{ page->flags |= 1ul << PG_##lname; }                                         \
static inline void __ClearPage##uname(struct page *page)                      \
{ page->flags &= ~(1ul << PG_##lname); }

PAGEFLAG(Locked, locked)
PAGEFLAG(Referenced, referenced)
PAGEFLAG(Uptodate, uptodate)
PAGEFLAG(Dirty, dirty)
PAGEFLAG(LRU, lru)
PAGEFLAG(Active, active)
PAGEFLAG(Slab, slab)
PAGEFLAG(Reserved, reserved)
PAGEFLAG(Private, private)
PAGEFLAG(Writeback, writeback)
PAGEFLAG(Head, head)
PAGEFLAG(SwapBacked, swapbacked)
PAGEFLAG(Buddy, buddy)         /* page_alloc.c only, under zone->lock */
PAGEFLAG(Table, table)
PAGEFLAG(Poisoned, poisoned)   /* page_poison.c only */
#undef PAGEFLAG

/* Flags a page must not carry when it is freed (Linux's list, plus the
 * flag-bit page types of this kernel).  Anything else is cleared. */
#define PAGE_FLAGS_CHECK_AT_FREE                                            \
	(1ul << PG_locked | 1ul << PG_lru | 1ul << PG_active |              \
	 1ul << PG_slab | 1ul << PG_reserved | 1ul << PG_private |          \
	 1ul << PG_writeback | 1ul << PG_buddy | 1ul << PG_table |          \
	 1ul << PG_poisoned)

/* Flags a page handed out by the allocator must not carry: all of them. */
#define PAGE_FLAGS_CHECK_AT_PREP (~0ul)

/* ---- Compound pages (__GFP_COMP) ------------------------------------- */

static inline bool PageTail(const struct page *page)
{
	return READ_ONCE(page->compound_head) & 1;
}

static inline bool PageCompound(const struct page *page)
{
	return PageHead(page) || PageTail(page);
}

static inline struct page *compound_head(const struct page *page)
{
	unsigned long head = READ_ONCE(page->compound_head);

	if (unlikely(head & 1))
		return (struct page *)(head - 1);
	return (struct page *)page;
}

static inline unsigned int compound_order(const struct page *page)
{
	if (!PageHead(page))
		return 0;
	return page[1].compound_order;
}

/* ---- Reference and map counts ---------------------------------------- */

static inline int page_ref_count(const struct page *page)
{
	return READ_ONCE(page->_refcount);
}

static inline int page_count(const struct page *page)
{
	return page_ref_count(compound_head(page));
}

static inline void set_page_count(struct page *page, int v)
{
	page->_refcount = v;
}

static inline void init_page_count(struct page *page)
{
	set_page_count(page, 1);
}

/* Unbiased: 0 means not mapped (Linux would store -1). */
static inline int page_mapcount(const struct page *page)
{
	return READ_ONCE(page->_mapcount);
}

static inline unsigned long page_private(const struct page *page)
{
	return page->private;
}

static inline void set_page_private(struct page *page, unsigned long private)
{
	page->private = private;
}

/* ---- Debugging (mm/debug.c) ------------------------------------------ */

/* Print everything struct page says: pfn, zone, flags by name, counts,
 * private/order, mapping, compound head. */
void dump_page(const struct page *page, const char *reason);

/* MM_BUG_ON that also dumps the page; compiled out with MM_DEBUG=0 like
 * MM_BUG_ON, but still type-checked. */
#define MM_BUG_ON_PAGE(cond, page)                                           \
	do {                                                                 \
		if (MM_DEBUG) {                                              \
			if (unlikely(cond)) {                                \
				dump_page(page, "MM_BUG_ON_PAGE(" #cond ")"); \
				__bug(__FILE__, __LINE__, #cond);            \
			}                                                    \
		} else {                                                     \
			(void)sizeof(cond);                                  \
			(void)sizeof(page);                                  \
		}                                                            \
	} while (0)

static inline void get_page(struct page *page)
{
	page = compound_head(page);
	MM_BUG_ON_PAGE(page_ref_count(page) <= 0, page);
	page->_refcount++;
}

/* Drop a reference; true when it was the last one.  Dropping a reference
 * nobody holds is a double free. */
static inline bool put_page_testzero(struct page *page)
{
	MM_BUG_ON_PAGE(page_ref_count(page) == 0, page);
	return --page->_refcount == 0;
}

/* Drop a reference to a page or a compound page; the last one frees it
 * with its compound order. */
void put_page(struct page *page);

/* ---- Page contents: one function each (docs/design.md §2.6 rule 2) ----
 * Provided by the kernel side (the PV HC_PAGEOPS version and the highmem
 * temporary mapping), not by mm: the allocator only calls them.  The host
 * build's shim implements them over the test arena. */
void clear_page(void *addr);
/* Offset of the first nonzero byte of [p, p + len), or len if all are
 * zero.  The kernel side does it in one HC_MEM_FIND_NONZERO exit when the
 * VMM offers it; the free path uses it on the tail struct pages of big
 * blocks. */
unsigned long mem_find_nonzero(const void *p, unsigned long len);
void copy_page(void *to, const void *from);
void clear_highpage(struct page *page);
/* nr contiguous pages from page: one HC_PAGEOPS exit on the PV path. */
void clear_highpages(struct page *page, unsigned int nr);
void copy_highpage(struct page *to, const struct page *from);

/* ---- Page poisoning (mm/page_poison.c) --------------------------------
 * page_poison=1 on the command line sets page_poisoning_enabled before the
 * first allocation; it must not change afterwards.  A freed page is filled
 * with PAGE_POISON and marked PG_poisoned; allocating a PG_poisoned page
 * verifies the fill first.  Pages never freed since boot carry no mark and
 * are not checked, so boot writes no page contents. */
#define PAGE_POISON 0xaa

extern bool page_poisoning_enabled;

void kernel_poison_pages(struct page *page, unsigned int numpages);
void kernel_unpoison_pages(struct page *page, unsigned int numpages);
/* Content hooks behind them: poison_page() fills the page and returns false
 * if it could not reach the page (then it is not marked); check_poison_page()
 * returns -1 if the page is intact, else the offset of the first bad byte.
 * Provided by the kernel side (guest/mm/pageops.c: HC_PAGEOPS fill/verify,
 * or a kmap_atomic'ed loop) and by the host shim over the test arena. */
bool poison_page(struct page *page);
long check_poison_page(struct page *page);

/* ---- Page allocator setup (mm/page_alloc.c), in boot order ------------
 *
 * 1. mem_map = max_pfn zeroed struct pages (memblock; untouched RAM is zero).
 *    Reserved RAM gets SetPageReserved; holes stay zero.
 * 2. free_area_init(max_zone_pfn, zone_present): zone boundaries
 *    max_zone_pfn[ZONE_DMA] (16 MiB), [ZONE_NORMAL] (= max_low_pfn),
 *    [ZONE_HIGHMEM] (= max_pfn) and the RAM pages present in each zone.
 *    Sets max_low_pfn and max_pfn.
 * 3. memblock_free_pages_range(start, end) for every free RAM range (it
 *    splits ranges at zone edges itself): one head struct page written per
 *    aligned block (O(blocks), docs/design.md §2.6 rule 1); the head must
 *    be all-zero.  A run of at least deferred_init_min_blocks whole
 *    top-order blocks writes no struct page at all: it becomes a deferred
 *    range (mmzone.h).
 * 4. init_per_zone_wmark_min(): min_free_kbytes, watermarks, lowmem_reserve.
 * 5. setup_per_cpu_pageset(): per-CPU list sizes (until then every order-0
 *    request goes straight to the buddy lists).
 */
void free_area_init(const unsigned long max_zone_pfn[MAX_NR_ZONES],
		    const unsigned long zone_present[MAX_NR_ZONES]);
void memblock_free_pages_range(unsigned long start_pfn, unsigned long end_pfn);
/* Shortest run of whole MAX_ORDER - 1 blocks that boot defers instead of
 * linking (DEFERRED_MIN_BLOCKS); ~0ul turns deferral off (host tests). */
#define DEFERRED_MIN_BLOCKS 16ul
extern unsigned long deferred_init_min_blocks;
void init_per_zone_wmark_min(void);
void setup_per_zone_wmarks(void);
void setup_per_zone_lowmem_reserve(void);
void setup_per_cpu_pageset(void);
/* Linux's "Zone ranges:" boot report (free_area_init stays silent). */
void show_zone_ranges(void);

/* Linux's sysctl_lowmem_reserve_ratio defaults: DMA 256, Normal 32. */
extern int sysctl_lowmem_reserve_ratio[MAX_NR_ZONES];

/* ---- Watermarks ------------------------------------------------------ */

/* alloc_flags: which watermark, and how far below min a request may go. */
#define ALLOC_WMARK_MIN   WMARK_MIN
#define ALLOC_WMARK_LOW   WMARK_LOW
#define ALLOC_WMARK_HIGH  WMARK_HIGH
#define ALLOC_WMARK_MASK  0x03
#define ALLOC_HARDER      0x10   /* __GFP_ATOMIC: a quarter below the mark */
#define ALLOC_HIGH        0x20   /* __GFP_HIGH: half below the mark */

/* Could zone z satisfy an order-`order` request whose highest usable zone
 * is highest_zoneidx and leave `mark` pages (less the ALLOC_HIGH/HARDER
 * discounts) plus its lowmem_reserve[highest_zoneidx] free? */
bool zone_watermark_ok(const struct zone *z, unsigned int order, unsigned long mark,
		       enum zone_type highest_zoneidx, unsigned int alloc_flags);

/* Zone free counts and watermarks, then buddyinfo (Linux's show_free_areas). */
void show_free_areas(void);

#endif
