/*
 * The layout note: how the guest tells the host inspector where things are
 * in its structures (Linux's VMCOREINFO, as a table of numbers).
 *
 * guest/mm/layout_note.c fills it at compile time with sizeof, offsetof and
 * constants, in the ELF section ".mmvisor_layout" of guest.elf.  The VMM
 * (host/inspect/layout.c) reads it with libelf together with .symtab and
 * hard-codes no guest offset: every struct field it reads is looked up here.
 *
 * Format (little-endian, 4-byte aligned):
 *   struct layout_note_header   magic, version, size (bytes, header
 *                               included), count (entries)
 *   struct layout_note_entry    count times: { key, value }
 * size == sizeof(header) + count * sizeof(entry), and it is the whole
 * section.  Keys are unique.  A reader ignores keys it does not know and
 * refuses a note that lacks a key it needs, so new structures get keys
 * (mm_struct, vm_area_struct ...) in the ranges reserved
 * below without changing the version (kmem_cache, slab, array_cache,
 * fault_attr, fail_page_alloc_attr, the slab constants, vmap_area,
 * vm_struct, pkmap, mm_struct, vm_area_struct and task_struct were added that way).  The version
 * changes only when this format itself changes.
 *
 * Values are 32-bit: the guest is i386, so every size, offset and kernel
 * virtual address fits.
 */
#ifndef MMVISOR_SHARED_LAYOUT_NOTE_H
#define MMVISOR_SHARED_LAYOUT_NOTE_H

#include <stdint.h>

#define LAYOUT_NOTE_MAGIC   0x4c4d4d56u  /* "VMML" */
/* 2: free_area[MAX_ORDER - 1].nr_free and NR_FREE_PAGES also count the
 * zone's deferred top-order blocks, which are not on the list (ZONE_deferred,
 * struct deferred_range).  A version-1 host would misread such a guest. */
#define LAYOUT_NOTE_VERSION 2
#define LAYOUT_NOTE_MAX_ENTRIES 4096     /* readers refuse more */

struct layout_note_header {
	uint32_t magic;    /* LAYOUT_NOTE_MAGIC */
	uint32_t version;  /* LAYOUT_NOTE_VERSION */
	uint32_t size;     /* bytes, header included */
	uint32_t count;    /* entries that follow */
};
_Static_assert(sizeof(struct layout_note_header) == 16, "layout_note_header layout");

struct layout_note_entry {
	uint32_t key;      /* enum layout_key */
	uint32_t value;
};
_Static_assert(sizeof(struct layout_note_entry) == 8, "layout_note_entry layout");

/*
 * Keys.  Ranges of 0x100 per struct; LN_<STRUCT>_SIZEOF is sizeof, the
 * others are offsetof of the field of that name.  Never renumber a key:
 * add new ones at the end of their range.
 */
enum layout_key {
	/* 0x0000: constants */
	LN_PAGE_SHIFT = 0x0001,
	LN_PAGE_OFFSET,
	LN_SIZEOF_LONG,
	LN_SIZEOF_PTR,
	LN_MAX_ORDER,
	LN_MAX_NR_ZONES,
	LN_NR_CPUS,
	LN_ZONE_DMA,
	LN_ZONE_NORMAL,
	LN_ZONE_HIGHMEM,
	LN_NR_WMARK,
	LN_WMARK_MIN,
	LN_WMARK_LOW,
	LN_WMARK_HIGH,
	LN_NR_FREE_PAGES,          /* index in zone->vm_stat[] */
	LN_NR_VM_ZONE_STAT_ITEMS,
	LN_NR_VM_EVENT_ITEMS,
	LN_FIXADDR_START,
	LN_FIXADDR_TOP,
	LN_PKMAP_BASE,
	LN_LAST_PKMAP,
	LN_VMALLOC_OFFSET,
	LN_VMALLOC_END,
	LN_MAXMEM,
	LN_PGD_CR3_OFFSET,         /* CR3 (the PML4 page) = __pa(pgd) + this */
	LN_PTRS_PER_PGD,
	LN_KM_TYPE_NR,
	LN_FIX_KMAP_BEGIN,
	LN_FIX_KMAP_END,
	LN_PGD_ALLOC_ORDER,
	LN_NR_DEFERRED_RANGES,     /* entries of zone->deferred[] */
	LN_PGALLOC_FAIL_INJECTED,  /* index in vm_event_states.event[] */

	/* 0x0100: page flag bit numbers (enum pageflags) */
	LN_NR_PAGEFLAGS = 0x0100,
	LN_PG_locked,
	LN_PG_referenced,
	LN_PG_uptodate,
	LN_PG_dirty,
	LN_PG_lru,
	LN_PG_active,
	LN_PG_slab,
	LN_PG_reserved,
	LN_PG_private,
	LN_PG_writeback,
	LN_PG_head,
	LN_PG_swapbacked,
	LN_PG_buddy,
	LN_PG_table,
	LN_PG_poisoned,

	/* 0x0200: struct page */
	LN_PAGE_SIZEOF = 0x0200,
	LN_PAGE_flags,
	LN_PAGE_lru,
	LN_PAGE_mapping,
	LN_PAGE_index,
	LN_PAGE_private,
	LN_PAGE_compound_head,
	LN_PAGE_compound_order,
	LN_PAGE__mapcount,
	LN_PAGE__refcount,
	LN_PAGE_slab_cache,
	LN_PAGE_freelist,
	LN_PAGE_slab,              /* struct slab * of a slab page (overlays freelist) */

	/* 0x0300: struct list_head */
	LN_LIST_HEAD_SIZEOF = 0x0300,
	LN_LIST_HEAD_next,
	LN_LIST_HEAD_prev,

	/* 0x0400: struct free_area */
	LN_FREE_AREA_SIZEOF = 0x0400,
	LN_FREE_AREA_free_list,
	LN_FREE_AREA_nr_free,

	/* 0x0500: struct per_cpu_pages */
	LN_PCP_SIZEOF = 0x0500,
	LN_PCP_count,
	LN_PCP_high,
	LN_PCP_batch,
	LN_PCP_list,

	/* 0x0600: struct zone */
	LN_ZONE_SIZEOF = 0x0600,
	LN_ZONE__watermark,
	LN_ZONE_lowmem_reserve,
	LN_ZONE_vm_stat,
	LN_ZONE_pageset,
	LN_ZONE_name,
	LN_ZONE_zone_start_pfn,
	LN_ZONE_spanned_pages,
	LN_ZONE_present_pages,
	LN_ZONE_managed_pages,
	LN_ZONE_lock,
	LN_ZONE_free_area,
	LN_ZONE_nr_deferred_ranges,
	LN_ZONE_deferred,

	/* 0x0700: struct pglist_data */
	LN_PGDAT_SIZEOF = 0x0700,
	LN_PGDAT_node_zones,
	LN_PGDAT_nr_zones,
	LN_PGDAT_node_start_pfn,
	LN_PGDAT_node_present_pages,
	LN_PGDAT_node_spanned_pages,

	/* 0x0800: struct vm_event_state */
	LN_VM_EVENT_STATE_SIZEOF = 0x0800,
	LN_VM_EVENT_STATE_event,

	/* 0x0900: struct deferred_range (zone->deferred[]) */
	LN_DEFERRED_RANGE_SIZEOF = 0x0900,
	LN_DEFERRED_RANGE_start_pfn,
	LN_DEFERRED_RANGE_end_pfn,

	/* 0x0a00: struct fault_attr (fail_page_alloc.attr, failslab.attr) */
	LN_FAULT_ATTR_SIZEOF = 0x0a00,
	LN_FAULT_ATTR_probability,
	LN_FAULT_ATTR_interval,
	LN_FAULT_ATTR_times,
	LN_FAULT_ATTR_space,
	LN_FAULT_ATTR_verbose,
	LN_FAULT_ATTR_count,
	LN_FAULT_ATTR_rnd,         /* struct rnd_state: one u32, the xorshift32 state */

	/* 0x0b00: struct fail_page_alloc_attr (symbol fail_page_alloc) */
	LN_FAIL_PAGE_ALLOC_ATTR_SIZEOF = 0x0b00,
	LN_FAIL_PAGE_ALLOC_ATTR_attr,
	LN_FAIL_PAGE_ALLOC_ATTR_ignore_gfp_highmem,  /* bool, one byte */
	LN_FAIL_PAGE_ALLOC_ATTR_ignore_gfp_wait,     /* bool, one byte */
	LN_FAIL_PAGE_ALLOC_ATTR_min_order,

	/* 0x1000: struct kmem_cache (guest/include/slab.h documents it) */
	LN_KMEM_CACHE_SIZEOF = 0x1000,
	LN_KMEM_CACHE_cpu_cache,   /* struct array_cache *[NR_CPUS] */
	LN_KMEM_CACHE_flags,
	LN_KMEM_CACHE_size,
	LN_KMEM_CACHE_num,
	LN_KMEM_CACHE_limit,
	LN_KMEM_CACHE_batchcount,
	LN_KMEM_CACHE_shared,
	LN_KMEM_CACHE_gfporder,
	LN_KMEM_CACHE_colour,
	LN_KMEM_CACHE_colour_off,
	LN_KMEM_CACHE_slab_size,
	LN_KMEM_CACHE_freelist_cache,
	LN_KMEM_CACHE_name,
	LN_KMEM_CACHE_list,
	LN_KMEM_CACHE_object_size,
	LN_KMEM_CACHE_align,
	LN_KMEM_CACHE_obj_offset,
	LN_KMEM_CACHE_node,        /* the embedded struct kmem_cache_node */

	/* 0x1040: struct kmem_cache_node (inside struct kmem_cache) */
	LN_KMEM_CACHE_NODE_SIZEOF = 0x1040,
	LN_KMEM_CACHE_NODE_slabs_partial,
	LN_KMEM_CACHE_NODE_slabs_full,
	LN_KMEM_CACHE_NODE_slabs_free,
	LN_KMEM_CACHE_NODE_total_slabs,
	LN_KMEM_CACHE_NODE_free_slabs,
	LN_KMEM_CACHE_NODE_free_objects,
	LN_KMEM_CACHE_NODE_free_limit,
	LN_KMEM_CACHE_NODE_colour_next,

	/* 0x1080: struct array_cache (per-CPU "magazine") */
	LN_ARRAY_CACHE_SIZEOF = 0x1080,
	LN_ARRAY_CACHE_avail,
	LN_ARRAY_CACHE_limit,
	LN_ARRAY_CACHE_batchcount,
	LN_ARRAY_CACHE_entry,      /* void *entry[limit] */

	/* 0x10c0: struct failslab_attr (symbol failslab) */
	LN_FAILSLAB_ATTR_SIZEOF = 0x10c0,
	LN_FAILSLAB_ATTR_attr,
	LN_FAILSLAB_ATTR_ignore_gfp_wait,  /* bool, one byte */
	LN_FAILSLAB_ATTR_injected,

	/* 0x1100: struct slab (the slab descriptor) and the slab constants */
	LN_SLAB_SIZEOF = 0x1100,   /* without bufctl[] */
	LN_SLAB_list,
	LN_SLAB_s_mem,
	LN_SLAB_colouroff,
	LN_SLAB_inuse,
	LN_SLAB_free,              /* kmem_bufctl_t */
	LN_SLAB_bufctl,            /* kmem_bufctl_t bufctl[num] */
	LN_SIZEOF_BUFCTL = 0x1140, /* sizeof(kmem_bufctl_t) */
	LN_BUFCTL_END,
	LN_BUFCTL_ACTIVE,
	LN_SLAB_OBJ_MAX_NUM,
	LN_CFLGS_OFF_SLAB,
	LN_CFLGS_KMALLOC,
	LN_SLAB_CONSISTENCY_CHECKS,
	LN_SLAB_RED_ZONE,
	LN_SLAB_POISON,
	LN_SLAB_STORE_USER,
	LN_SLAB_RECLAIM_ACCOUNT,
	LN_SLAB_CACHE_DMA,
	LN_SLAB_FAILSLAB,
	LN_POISON_INUSE,
	LN_POISON_FREE,
	LN_POISON_END,
	LN_RED_INACTIVE_LO,        /* the u64 red-zone words, low and high halves */
	LN_RED_INACTIVE_HI,
	LN_RED_ACTIVE_LO,
	LN_RED_ACTIVE_HI,
	LN_REDZONE_SIZE,           /* bytes of each red zone */
	LN_REDZONE_ALIGN,          /* red zone 2 at obj_offset + ALIGN(object_size, this) */
	LN_NR_KMALLOC_TYPES,       /* kmalloc_caches[NR_KMALLOC_TYPES][KMALLOC_SHIFT_HIGH + 1] */
	LN_KMALLOC_SHIFT_HIGH,
	LN_NR_SLAB_RECLAIMABLE,    /* indices in zone->vm_stat[] */
	LN_NR_SLAB_UNRECLAIMABLE,

	/* 0x1200: struct vmap_area (on vmap_area_list, guest vmalloc.h) */
	LN_VMAP_AREA_SIZEOF = 0x1200,
	LN_VMAP_AREA_va_start,
	LN_VMAP_AREA_va_end,
	LN_VMAP_AREA_flags,
	LN_VMAP_AREA_list,
	LN_VMAP_AREA_vm,
	/* 0x1240: struct vm_struct */
	LN_VM_STRUCT_SIZEOF = 0x1240,
	LN_VM_STRUCT_addr,
	LN_VM_STRUCT_size,
	LN_VM_STRUCT_flags,
	LN_VM_STRUCT_nr_pages,
	LN_VM_STRUCT_caller,
	LN_VM_STRUCT_pages,
	/* 0x1280: their flags (single bits) */
	LN_VMAP_VM_AREA = 0x1280,  /* vmap_area.flags: busy, vm valid */
	LN_VMAP_LAZY_FREE,         /* vmap_area.flags: freed, purge pending */
	LN_VM_ALLOC,               /* vm_struct.flags */
	LN_VM_MAP,
	LN_VM_IOREMAP,

	/* 0x1300: struct mm_struct (on mm_list, guest mm_struct.h) */
	LN_MM_STRUCT_SIZEOF = 0x1300,
	LN_MM_STRUCT_pgd,
	LN_MM_STRUCT_mmap,         /* list_head of VMAs, sorted */
	LN_MM_STRUCT_map_count,
	LN_MM_STRUCT_total_vm,     /* pages */
	LN_MM_STRUCT_rss_anon,     /* rss_stat[MM_ANONPAGES], pages */
	LN_MM_STRUCT_nr_ptes,      /* page-table pages (PTs and user PDs) */
	LN_MM_STRUCT_mmlist,       /* list_head on mm_list */
	LN_TASK_SIZE,              /* user addresses are below it */
	LN_NR_ANON_MAPPED,         /* indices in zone->vm_stat[] */
	LN_NR_PAGETABLE,
	LN_MM_STRUCT_start_brk,    /* the heap, [start_brk, brk): /proc/PID/maps' [heap] */
	LN_MM_STRUCT_brk,
	LN_MM_STRUCT_start_stack,  /* the initial stack pointer, in the stack VMA: [stack] */
	/* 0x1400: struct vm_area_struct, and its vm_flags bits */
	LN_VMA_SIZEOF = 0x1400,
	LN_VMA_vm_start,
	LN_VMA_vm_end,
	LN_VMA_vm_flags,
	LN_VMA_vm_list,            /* list_head on mm->mmap */
	LN_VM_READ,
	LN_VM_WRITE,
	LN_VM_EXEC,
	LN_VM_GROWSDOWN,

	/* 0x1500: pkmap (guest highmem.c): int pkmap_count[LAST_PKMAP] and
	 * page_address()'s hash, struct page_address_map
	 * *page_address_htable[1 << PA_HASH_ORDER] (symbols of those names). */
	LN_PAGE_ADDRESS_MAP_SIZEOF = 0x1500,
	LN_PAGE_ADDRESS_MAP_page,
	LN_PAGE_ADDRESS_MAP_virtual,
	LN_PAGE_ADDRESS_MAP_next,
	LN_PA_HASH_ORDER,
	LN_SIZEOF_PKMAP_COUNT,     /* sizeof(pkmap_count[0]): a signed 32-bit count */

	/* 0x1600: struct task_struct (on task_list, guest sched.h) */
	LN_TASK_SIZEOF = 0x1600,
	LN_TASK_pid,
	LN_TASK_comm,
	LN_TASK_state,
	LN_TASK_mm,
	LN_TASK_faults,
	LN_TASK_tasks,             /* list_head on task_list */
	LN_TASK_COMM_LEN,
	LN_TASK_RUNNING,           /* task_struct.state values */
	LN_TASK_DEAD,
};

#endif
