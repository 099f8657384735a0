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
#include "slab.h"
#include "fault_inject.h"
#include "vmalloc.h"
#include "mm_struct.h"
#include "sched.h"
#include "highmem.h"
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
	X(PGALLOC_FAIL_INJECTED, PGALLOC_FAIL_INJECTED)                        \
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
	X(PAGE_slab, offsetof(struct page, slab))                              \
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
	X(VM_EVENT_STATE_event, offsetof(struct vm_event_state, event))        \
	X(PAGE_ADDRESS_MAP_SIZEOF, sizeof(struct page_address_map))           \
	X(PAGE_ADDRESS_MAP_page, offsetof(struct page_address_map, page))      \
	X(PAGE_ADDRESS_MAP_virtual, offsetof(struct page_address_map, virtual)) \
	X(PAGE_ADDRESS_MAP_next, offsetof(struct page_address_map, next))      \
	X(PA_HASH_ORDER, PA_HASH_ORDER)                                        \
	X(SIZEOF_PKMAP_COUNT, sizeof(pkmap_count[0]))                          \
	LN_FAULT_ENTRIES(X)                                                    \
	LN_SLAB_ENTRIES(X)                                                     \
	LN_VMALLOC_ENTRIES(X)                                                  \
	LN_VM_ENTRIES(X)

/* Address spaces and tasks (guest/include/mm_struct.h, sched.h). */
#define LN_VM_ENTRIES(X)                                                       \
	X(MM_STRUCT_SIZEOF, sizeof(struct mm_struct))                          \
	X(MM_STRUCT_pgd, offsetof(struct mm_struct, pgd))                      \
	X(MM_STRUCT_mmap, offsetof(struct mm_struct, mmap))                    \
	X(MM_STRUCT_map_count, offsetof(struct mm_struct, map_count))          \
	X(MM_STRUCT_total_vm, offsetof(struct mm_struct, total_vm))            \
	X(MM_STRUCT_rss_anon, offsetof(struct mm_struct, rss_stat[MM_ANONPAGES])) \
	X(MM_STRUCT_nr_ptes, offsetof(struct mm_struct, nr_ptes))              \
	X(MM_STRUCT_mmlist, offsetof(struct mm_struct, mmlist))                \
	X(MM_STRUCT_start_brk, offsetof(struct mm_struct, start_brk))          \
	X(MM_STRUCT_brk, offsetof(struct mm_struct, brk))                      \
	X(MM_STRUCT_start_stack, offsetof(struct mm_struct, start_stack))      \
	X(TASK_SIZE, TASK_SIZE)                                                \
	X(NR_ANON_MAPPED, NR_ANON_MAPPED)                                      \
	X(NR_PAGETABLE, NR_PAGETABLE)                                          \
	X(VMA_SIZEOF, sizeof(struct vm_area_struct))                           \
	X(VMA_vm_start, offsetof(struct vm_area_struct, vm_start))             \
	X(VMA_vm_end, offsetof(struct vm_area_struct, vm_end))                 \
	X(VMA_vm_flags, offsetof(struct vm_area_struct, vm_flags))             \
	X(VMA_vm_list, offsetof(struct vm_area_struct, vm_list))               \
	X(VM_READ, VM_READ)                                                    \
	X(VM_WRITE, VM_WRITE)                                                  \
	X(VM_EXEC, VM_EXEC)                                                    \
	X(VM_GROWSDOWN, VM_GROWSDOWN)                                          \
	X(TASK_SIZEOF, sizeof(struct task_struct))                             \
	X(TASK_pid, offsetof(struct task_struct, pid))                         \
	X(TASK_comm, offsetof(struct task_struct, comm))                       \
	X(TASK_state, offsetof(struct task_struct, state))                     \
	X(TASK_mm, offsetof(struct task_struct, mm))                           \
	X(TASK_faults, offsetof(struct task_struct, faults))                   \
	X(TASK_tasks, offsetof(struct task_struct, tasks))                     \
	X(TASK_COMM_LEN, TASK_COMM_LEN)                                        \
	X(TASK_RUNNING, TASK_RUNNING)                                          \
	X(TASK_DEAD, TASK_DEAD)

/* vmalloc (guest/include/vmalloc.h). */
#define LN_VMALLOC_ENTRIES(X)                                                  \
	X(VMAP_AREA_SIZEOF, sizeof(struct vmap_area))                          \
	X(VMAP_AREA_va_start, offsetof(struct vmap_area, va_start))            \
	X(VMAP_AREA_va_end, offsetof(struct vmap_area, va_end))                \
	X(VMAP_AREA_flags, offsetof(struct vmap_area, flags))                  \
	X(VMAP_AREA_list, offsetof(struct vmap_area, list))                    \
	X(VMAP_AREA_vm, offsetof(struct vmap_area, vm))                        \
	X(VM_STRUCT_SIZEOF, sizeof(struct vm_struct))                          \
	X(VM_STRUCT_addr, offsetof(struct vm_struct, addr))                    \
	X(VM_STRUCT_size, offsetof(struct vm_struct, size))                    \
	X(VM_STRUCT_flags, offsetof(struct vm_struct, flags))                  \
	X(VM_STRUCT_nr_pages, offsetof(struct vm_struct, nr_pages))            \
	X(VM_STRUCT_caller, offsetof(struct vm_struct, caller))                \
	X(VM_STRUCT_pages, offsetof(struct vm_struct, pages))                  \
	X(VMAP_VM_AREA, VMAP_VM_AREA)                                          \
	X(VMAP_LAZY_FREE, VMAP_LAZY_FREE)                                      \
	X(VM_ALLOC, VM_ALLOC)                                                  \
	X(VM_MAP, VM_MAP)                                                      \
	X(VM_IOREMAP, VM_IOREMAP)

/* Fault injection (guest/include/fault_inject.h; failslab's own struct is
 * with the slab allocator's). */
#define LN_FAULT_ENTRIES(X)                                                    \
	X(FAULT_ATTR_SIZEOF, sizeof(struct fault_attr))                        \
	X(FAULT_ATTR_probability, offsetof(struct fault_attr, probability))    \
	X(FAULT_ATTR_interval, offsetof(struct fault_attr, interval))          \
	X(FAULT_ATTR_times, offsetof(struct fault_attr, times))                \
	X(FAULT_ATTR_space, offsetof(struct fault_attr, space))                \
	X(FAULT_ATTR_verbose, offsetof(struct fault_attr, verbose))            \
	X(FAULT_ATTR_count, offsetof(struct fault_attr, count))                \
	X(FAULT_ATTR_rnd, offsetof(struct fault_attr, rnd))                    \
	X(FAIL_PAGE_ALLOC_ATTR_SIZEOF, sizeof(struct fail_page_alloc_attr))    \
	X(FAIL_PAGE_ALLOC_ATTR_attr, offsetof(struct fail_page_alloc_attr, attr)) \
	X(FAIL_PAGE_ALLOC_ATTR_ignore_gfp_highmem,                             \
	  offsetof(struct fail_page_alloc_attr, ignore_gfp_highmem))           \
	X(FAIL_PAGE_ALLOC_ATTR_ignore_gfp_wait,                                \
	  offsetof(struct fail_page_alloc_attr, ignore_gfp_wait))              \
	X(FAIL_PAGE_ALLOC_ATTR_min_order, offsetof(struct fail_page_alloc_attr, min_order))

/* The slab allocator (guest/include/slab.h documents every field). */
#define LN_SLAB_ENTRIES(X)                                                     \
	X(KMEM_CACHE_SIZEOF, sizeof(struct kmem_cache))                        \
	X(KMEM_CACHE_cpu_cache, offsetof(struct kmem_cache, cpu_cache))        \
	X(KMEM_CACHE_flags, offsetof(struct kmem_cache, flags))                \
	X(KMEM_CACHE_size, offsetof(struct kmem_cache, size))                  \
	X(KMEM_CACHE_num, offsetof(struct kmem_cache, num))                    \
	X(KMEM_CACHE_limit, offsetof(struct kmem_cache, limit))                \
	X(KMEM_CACHE_batchcount, offsetof(struct kmem_cache, batchcount))      \
	X(KMEM_CACHE_shared, offsetof(struct kmem_cache, shared))              \
	X(KMEM_CACHE_gfporder, offsetof(struct kmem_cache, gfporder))          \
	X(KMEM_CACHE_colour, offsetof(struct kmem_cache, colour))              \
	X(KMEM_CACHE_colour_off, offsetof(struct kmem_cache, colour_off))      \
	X(KMEM_CACHE_slab_size, offsetof(struct kmem_cache, slab_size))        \
	X(KMEM_CACHE_freelist_cache, offsetof(struct kmem_cache, freelist_cache)) \
	X(KMEM_CACHE_name, offsetof(struct kmem_cache, name))                  \
	X(KMEM_CACHE_list, offsetof(struct kmem_cache, list))                  \
	X(KMEM_CACHE_object_size, offsetof(struct kmem_cache, object_size))    \
	X(KMEM_CACHE_align, offsetof(struct kmem_cache, align))                \
	X(KMEM_CACHE_obj_offset, offsetof(struct kmem_cache, obj_offset))      \
	X(KMEM_CACHE_node, offsetof(struct kmem_cache, node))                  \
	X(KMEM_CACHE_NODE_SIZEOF, sizeof(struct kmem_cache_node))              \
	X(KMEM_CACHE_NODE_slabs_partial, offsetof(struct kmem_cache_node, slabs_partial)) \
	X(KMEM_CACHE_NODE_slabs_full, offsetof(struct kmem_cache_node, slabs_full)) \
	X(KMEM_CACHE_NODE_slabs_free, offsetof(struct kmem_cache_node, slabs_free)) \
	X(KMEM_CACHE_NODE_total_slabs, offsetof(struct kmem_cache_node, total_slabs)) \
	X(KMEM_CACHE_NODE_free_slabs, offsetof(struct kmem_cache_node, free_slabs)) \
	X(KMEM_CACHE_NODE_free_objects, offsetof(struct kmem_cache_node, free_objects)) \
	X(KMEM_CACHE_NODE_free_limit, offsetof(struct kmem_cache_node, free_limit)) \
	X(KMEM_CACHE_NODE_colour_next, offsetof(struct kmem_cache_node, colour_next)) \
	X(ARRAY_CACHE_SIZEOF, sizeof(struct array_cache))                      \
	X(ARRAY_CACHE_avail, offsetof(struct array_cache, avail))              \
	X(ARRAY_CACHE_limit, offsetof(struct array_cache, limit))              \
	X(ARRAY_CACHE_batchcount, offsetof(struct array_cache, batchcount))    \
	X(ARRAY_CACHE_entry, offsetof(struct array_cache, entry))              \
	X(FAILSLAB_ATTR_SIZEOF, sizeof(struct failslab_attr))                  \
	X(FAILSLAB_ATTR_attr, offsetof(struct failslab_attr, attr))            \
	X(FAILSLAB_ATTR_ignore_gfp_wait, offsetof(struct failslab_attr, ignore_gfp_wait)) \
	X(FAILSLAB_ATTR_injected, offsetof(struct failslab_attr, injected))    \
	X(SLAB_SIZEOF, sizeof(struct slab))                                    \
	X(SLAB_list, offsetof(struct slab, list))                              \
	X(SLAB_s_mem, offsetof(struct slab, s_mem))                            \
	X(SLAB_colouroff, offsetof(struct slab, colouroff))                    \
	X(SLAB_inuse, offsetof(struct slab, inuse))                            \
	X(SLAB_free, offsetof(struct slab, free))                              \
	X(SLAB_bufctl, offsetof(struct slab, bufctl))                          \
	X(SIZEOF_BUFCTL, sizeof(kmem_bufctl_t))                                \
	X(BUFCTL_END, BUFCTL_END)                                              \
	X(BUFCTL_ACTIVE, BUFCTL_ACTIVE)                                        \
	X(SLAB_OBJ_MAX_NUM, SLAB_OBJ_MAX_NUM)                                  \
	X(CFLGS_OFF_SLAB, CFLGS_OFF_SLAB)                                      \
	X(CFLGS_KMALLOC, CFLGS_KMALLOC)                                        \
	X(SLAB_CONSISTENCY_CHECKS, SLAB_CONSISTENCY_CHECKS)                    \
	X(SLAB_RED_ZONE, SLAB_RED_ZONE)                                        \
	X(SLAB_POISON, SLAB_POISON)                                            \
	X(SLAB_STORE_USER, SLAB_STORE_USER)                                    \
	X(SLAB_RECLAIM_ACCOUNT, SLAB_RECLAIM_ACCOUNT)                          \
	X(SLAB_CACHE_DMA, SLAB_CACHE_DMA)                                      \
	X(SLAB_FAILSLAB, SLAB_FAILSLAB)                                        \
	X(POISON_INUSE, POISON_INUSE)                                          \
	X(POISON_FREE, POISON_FREE)                                            \
	X(POISON_END, POISON_END)                                              \
	X(RED_INACTIVE_LO, (u32)RED_INACTIVE)                                  \
	X(RED_INACTIVE_HI, (u32)(RED_INACTIVE >> 32))                          \
	X(RED_ACTIVE_LO, (u32)RED_ACTIVE)                                      \
	X(RED_ACTIVE_HI, (u32)(RED_ACTIVE >> 32))                              \
	X(REDZONE_SIZE, REDZONE_SIZE)                                          \
	X(REDZONE_ALIGN, REDZONE_ALIGN)                                        \
	X(NR_KMALLOC_TYPES, NR_KMALLOC_TYPES)                                  \
	X(KMALLOC_SHIFT_HIGH, KMALLOC_SHIFT_HIGH)                              \
	X(NR_SLAB_RECLAIMABLE, NR_SLAB_RECLAIMABLE)                            \
	X(NR_SLAB_UNRECLAIMABLE, NR_SLAB_UNRECLAIMABLE)

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
_Static_assert(sizeof(pkmap_count[0]) == 4 && sizeof(pkmap_flushes) == 4, "32-bit pkmap counters");
_Static_assert(sizeof(long) == 4 && sizeof(void *) == 4, "i386 guest");
_Static_assert(sizeof(((struct page *)0)->_refcount) == 4 &&
	       sizeof(((struct page *)0)->_mapcount) == 4 &&
	       sizeof(((struct per_cpu_pages *)0)->count) == 4, "32-bit counters");

/*
 * The slab structures, pinned: the host reads these fields as 32-bit words
 * (kmem_bufctl_t as 16-bit) at the offsets above, and a struct that grows
 * or shrinks here must be looked at on the host side too (docs/design.md
 * §5.4).
 */
_Static_assert(sizeof(struct slab) == 24 && sizeof(kmem_bufctl_t) == 2 &&
	       sizeof(((struct slab *)0)->free) == 2 &&
	       offsetof(struct slab, bufctl) == sizeof(struct slab), "struct slab layout");
_Static_assert(sizeof(struct array_cache) == 16 &&
	       offsetof(struct array_cache, entry) == sizeof(struct array_cache), "struct array_cache layout");
_Static_assert(sizeof(struct kmem_cache_node) == 48, "struct kmem_cache_node layout");
_Static_assert(sizeof(struct kmem_cache) == 96 + sizeof(struct kmem_cache_node) &&
	       offsetof(struct kmem_cache, node) == 96, "struct kmem_cache layout");
_Static_assert(sizeof(((struct kmem_cache *)0)->num) == 4 &&
	       sizeof(((struct kmem_cache *)0)->flags) == 4 &&
	       sizeof(((struct kmem_cache_node *)0)->free_objects) == 4 &&
	       sizeof(((struct slab *)0)->inuse) == 4 &&
	       sizeof(((struct array_cache *)0)->avail) == 4, "32-bit slab counters");
_Static_assert(sizeof(struct failslab_attr) == sizeof(struct fault_attr) + 8 &&
	       sizeof(struct fault_attr) == 32, "struct failslab_attr layout");

/*
 * The fault-injection control blocks, pinned: the host sets and shows
 * them (host/inspect/fault.c), writing the counters and knobs as 32-bit
 * words and the bools as single bytes.
 */
_Static_assert(sizeof(((struct fault_attr *)0)->probability) == 4 &&
	       sizeof(((struct fault_attr *)0)->interval) == 4 &&
	       sizeof(((struct fault_attr *)0)->times) == 4 &&
	       sizeof(((struct fault_attr *)0)->space) == 4 &&
	       sizeof(((struct fault_attr *)0)->verbose) == 4 &&
	       sizeof(((struct fault_attr *)0)->count) == 4 &&
	       sizeof(((struct fault_attr *)0)->rnd) == 4, "32-bit fault_attr fields");
_Static_assert(sizeof(struct fail_page_alloc_attr) == sizeof(struct fault_attr) + 8 &&
	       sizeof(((struct fail_page_alloc_attr *)0)->ignore_gfp_highmem) == 1 &&
	       sizeof(((struct fail_page_alloc_attr *)0)->ignore_gfp_wait) == 1 &&
	       sizeof(((struct fail_page_alloc_attr *)0)->min_order) == 4,
	       "struct fail_page_alloc_attr layout");
_Static_assert(sizeof(((struct failslab_attr *)0)->ignore_gfp_wait) == 1 &&
	       sizeof(((struct failslab_attr *)0)->injected) == 4 &&
	       sizeof(((struct vm_event_state *)0)->event[0]) == 4, "32-bit injected counters");
_Static_assert(sizeof(RED_ACTIVE) == REDZONE_SIZE && REDZONE_SIZE == sizeof(u64),
	       "a red zone is one u64");
_Static_assert(BUFCTL_ACTIVE > SLAB_OBJ_MAX_NUM && BUFCTL_END > SLAB_OBJ_MAX_NUM,
	       "bufctl markers are not indices");

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
