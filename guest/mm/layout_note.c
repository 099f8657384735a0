/*
 * The layout note (shared/layout_note.h): sizeof, offsetof and constants of
 * every structure the host inspector reads, filled at compile time into the
 * ".mmvisor_layout" section of guest.elf (Linux's VMCOREINFO).  The host
 * hard-codes no guest offset; when a struct here changes, the note changes
 * with it and the host follows.
 *
 * Nothing reads this at run time: it costs no guest instruction.
 */
#include "kernel.h"
#include "layout_note.h"
#include "mm.h"
#include "asm/pgtable.h"

#define LN_ENTRIES(X)                                                          \
	X(PAGE_SHIFT, PAGE_SHIFT)                                              \
	X(PAGE_OFFSET, PAGE_OFFSET)                                            \
	X(SIZEOF_LONG, sizeof(long))                                           \
	X(SIZEOF_PTR, sizeof(void *))                                          \
	X(MAX_ORDER, MAX_ORDER)                                                \
	X(MAX_NR_ZONES, MAX_NR_ZONES)                                          \
	X(NR_CPUS, NR_CPUS)                                                    \
	X(ZONE_DMA, ZONE_DMA)                                                  \
	X(ZONE_NORMAL, ZONE_NORMAL)                                            \
	X(ZONE_HIGHMEM, ZONE_HIGHMEM)                                          \
	X(NR_WMARK, NR_WMARK)                                                  \
	X(WMARK_MIN, WMARK_MIN)                                                \
	X(WMARK_LOW, WMARK_LOW)                                                \
	X(WMARK_HIGH, WMARK_HIGH)                                              \
	X(NR_FREE_PAGES, NR_FREE_PAGES)                                        \
	X(NR_VM_ZONE_STAT_ITEMS, NR_VM_ZONE_STAT_ITEMS)                        \
	X(NR_VM_EVENT_ITEMS, NR_VM_EVENT_ITEMS)                                \
	X(FIXADDR_START, FIXADDR_START)                                        \
	X(FIXADDR_TOP, FIXADDR_TOP)                                            \
	X(PKMAP_BASE, PKMAP_BASE)                                              \
	X(LAST_PKMAP, LAST_PKMAP)                                              \
	X(VMALLOC_OFFSET, VMALLOC_OFFSET)                                      \
	X(VMALLOC_END, VMALLOC_END)                                            \
	X(MAXMEM, MAXMEM)                                                      \
	X(PGD_CR3_OFFSET, PAGE_SIZE)                                           \
	X(PTRS_PER_PGD, PTRS_PER_PGD)                                          \
	X(KM_TYPE_NR, KM_TYPE_NR)                                              \
	X(FIX_KMAP_BEGIN, FIX_KMAP_BEGIN)                                      \
	X(FIX_KMAP_END, FIX_KMAP_END)                                          \
	X(PGD_ALLOC_ORDER, PGD_ALLOC_ORDER)                                    \
	X(NR_DEFERRED_RANGES, NR_DEFERRED_RANGES)                              \
	X(NR_PAGEFLAGS, NR_PAGEFLAGS)                                          \
	X(PG_locked, PG_locked)                                                \
	X(PG_referenced, PG_referenced)                                        \
	X(PG_uptodate, PG_uptodate)                                            \
	X(PG_dirty, PG_dirty)                                                  \
	X(PG_lru, PG_lru)                                                      \
	X(PG_active, PG_active)                                                \
	X(PG_slab, PG_slab)                                                    \
	X(PG_reserved, PG_reserved)                                            \
	X(PG_private, PG_private)                                              \
	X(PG_writeback, PG_writeback)                                          \
	X(PG_head, PG_head)                                                    \
	X(PG_swapbacked, PG_swapbacked)                                        \
	X(PG_buddy, PG_buddy)                                                  \
	X(PG_table, PG_table)                                                  \
	X(PG_poisoned, PG_poisoned)                                            \
	X(PAGE_SIZEOF, sizeof(struct page))                                    \
	X(PAGE_flags, offsetof(struct page, flags))                            \
	X(PAGE_lru, offsetof(struct page, lru))                                \
	X(PAGE_mapping, offsetof(struct page, mapping))                        \
	X(PAGE_index, offsetof(struct page, index))                            \
	X(PAGE_private, offsetof(struct page, private))                        \
	X(PAGE_compound_head, offsetof(struct page, compound_head))            \
	X(PAGE_compound_order, offsetof(struct page, compound_order))          \
	X(PAGE__mapcount, offsetof(struct page, _mapcount))                    \
	X(PAGE__refcount, offsetof(struct page, _refcount))                    \
	X(PAGE_slab_cache, offsetof(struct page, slab_cache))                  \
	X(PAGE_freelist, offsetof(struct page, freelist))                      \
	X(LIST_HEAD_SIZEOF, sizeof(struct list_head))                          \
	X(LIST_HEAD_next, offsetof(struct list_head, next))                    \
	X(LIST_HEAD_prev, offsetof(struct list_head, prev))                    \
	X(FREE_AREA_SIZEOF, sizeof(struct free_area))                          \
	X(FREE_AREA_free_list, offsetof(struct free_area, free_list))          \
	X(FREE_AREA_nr_free, offsetof(struct free_area, nr_free))              \
	X(PCP_SIZEOF, sizeof(struct per_cpu_pages))                            \
	X(PCP_count, offsetof(struct per_cpu_pages, count))                    \
	X(PCP_high, offsetof(struct per_cpu_pages, high))                      \
	X(PCP_batch, offsetof(struct per_cpu_pages, batch))                    \
	X(PCP_list, offsetof(struct per_cpu_pages, list))                      \
	X(ZONE_SIZEOF, sizeof(struct zone))                                    \
	X(ZONE__watermark, offsetof(struct zone, _watermark))                  \
	X(ZONE_lowmem_reserve, offsetof(struct zone, lowmem_reserve))          \
	X(ZONE_vm_stat, offsetof(struct zone, vm_stat))                        \
	X(ZONE_pageset, offsetof(struct zone, pageset))                        \
	X(ZONE_name, offsetof(struct zone, name))                              \
	X(ZONE_zone_start_pfn, offsetof(struct zone, zone_start_pfn))          \
	X(ZONE_spanned_pages, offsetof(struct zone, spanned_pages))            \
	X(ZONE_present_pages, offsetof(struct zone, present_pages))            \
	X(ZONE_managed_pages, offsetof(struct zone, managed_pages))            \
	X(ZONE_lock, offsetof(struct zone, lock))                              \
	X(ZONE_free_area, offsetof(struct zone, free_area))                    \
	X(ZONE_nr_deferred_ranges, offsetof(struct zone, nr_deferred_ranges))  \
	X(ZONE_deferred, offsetof(struct zone, deferred))                      \
	X(DEFERRED_RANGE_SIZEOF, sizeof(struct deferred_range))                \
	X(DEFERRED_RANGE_start_pfn, offsetof(struct deferred_range, start_pfn)) \
	X(DEFERRED_RANGE_end_pfn, offsetof(struct deferred_range, end_pfn))    \
	X(PGDAT_SIZEOF, sizeof(struct pglist_data))                            \
	X(PGDAT_node_zones, offsetof(struct pglist_data, node_zones))          \
	X(PGDAT_nr_zones, offsetof(struct pglist_data, nr_zones))              \
	X(PGDAT_node_start_pfn, offsetof(struct pglist_data, node_start_pfn))  \
	X(PGDAT_node_present_pages, offsetof(struct pglist_data, node_present_pages)) \
	X(PGDAT_node_spanned_pages, offsetof(struct pglist_data, node_spanned_pages)) \
	X(VM_EVENT_STATE_SIZEOF, sizeof(struct vm_event_state))                \
	X(VM_EVENT_STATE_event, offsetof(struct vm_event_state, event))

#define LN_COUNT_ONE(key, value) + 1
#define LN_ENTRY(key, value) { LN_##key, (u32)(value) },
#define LN_COUNT (0 LN_ENTRIES(LN_COUNT_ONE))

struct mmvisor_layout_note {
	struct layout_note_header hdr;
	struct layout_note_entry entry[LN_COUNT];
};

_Static_assert(sizeof(struct mmvisor_layout_note) ==
	       sizeof(struct layout_note_header) + LN_COUNT * sizeof(struct layout_note_entry),
	       "layout note has no padding");
/* The host reads these as 32-bit words. */
_Static_assert(sizeof(long) == 4 && sizeof(void *) == 4, "i386 guest");
_Static_assert(sizeof(((struct page *)0)->_refcount) == 4 &&
	       sizeof(((struct page *)0)->_mapcount) == 4 &&
	       sizeof(((struct per_cpu_pages *)0)->count) == 4, "32-bit counters");

__attribute__((used, section(".mmvisor_layout"), aligned(4)))
static const struct mmvisor_layout_note mmvisor_layout_note = {
	.hdr = {
		.magic = LAYOUT_NOTE_MAGIC,
		.version = LAYOUT_NOTE_VERSION,
		.size = sizeof(struct mmvisor_layout_note),
		.count = LN_COUNT,
	},
	.entry = { LN_ENTRIES(LN_ENTRY) },
};
