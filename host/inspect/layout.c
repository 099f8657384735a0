/*
 * Layout reader: turns the guest's layout note (shared/layout_note.h) and
 * its symbol table into struct insp_layout, the only place the inspector
 * learns sizes, offsets, constants and addresses.  Nothing here is
 * hard-coded from guest headers; a note that is malformed, from another
 * version, or lacks a key the host needs is refused with a reason.
 */
#include <stdio.h>
#include <string.h>

#include "elf_load.h"
#include "inspect.h"
#include "layout_note.h"

const char *const insp_pg_names[IPG_NR] = {
	"locked", "referenced", "uptodate", "dirty", "lru", "active", "slab",
	"reserved", "private", "writeback", "head", "swapbacked", "buddy",
	"table", "poisoned",
};

#define F(key, field) { key, offsetof(struct insp_layout, field), #key }
static const struct {
	uint32_t key;
	size_t off;
	const char *name;
} keymap[] = {
	F(LN_PAGE_SHIFT, page_shift), F(LN_PAGE_OFFSET, page_offset),
	F(LN_SIZEOF_LONG, sizeof_long), F(LN_SIZEOF_PTR, sizeof_ptr),
	F(LN_MAX_ORDER, max_order), F(LN_MAX_NR_ZONES, max_nr_zones), F(LN_NR_CPUS, nr_cpus),
	F(LN_ZONE_DMA, zone_dma), F(LN_ZONE_NORMAL, zone_normal), F(LN_ZONE_HIGHMEM, zone_highmem),
	F(LN_NR_WMARK, nr_wmark), F(LN_WMARK_MIN, wmark_min), F(LN_WMARK_LOW, wmark_low),
	F(LN_WMARK_HIGH, wmark_high), F(LN_NR_FREE_PAGES, nr_free_pages),
	F(LN_NR_VM_ZONE_STAT_ITEMS, nr_zone_stat), F(LN_NR_VM_EVENT_ITEMS, nr_events),
	F(LN_FIXADDR_START, fixaddr_start), F(LN_FIXADDR_TOP, fixaddr_top),
	F(LN_PKMAP_BASE, pkmap_base), F(LN_LAST_PKMAP, last_pkmap),
	F(LN_VMALLOC_OFFSET, vmalloc_offset), F(LN_VMALLOC_END, vmalloc_end),
	F(LN_MAXMEM, maxmem), F(LN_PGD_CR3_OFFSET, pgd_cr3_offset),
	F(LN_PTRS_PER_PGD, ptrs_per_pgd), F(LN_NR_PAGEFLAGS, nr_pageflags),
	F(LN_KM_TYPE_NR, km_type_nr), F(LN_FIX_KMAP_BEGIN, fix_kmap_begin),
	F(LN_FIX_KMAP_END, fix_kmap_end),
	F(LN_PAGE_ADDRESS_MAP_SIZEOF, pam.size), F(LN_PAGE_ADDRESS_MAP_page, pam.page),
	F(LN_PAGE_ADDRESS_MAP_virtual, pam.virtual_), F(LN_PAGE_ADDRESS_MAP_next, pam.next),
	F(LN_PA_HASH_ORDER, pa_hash_order), F(LN_SIZEOF_PKMAP_COUNT, sizeof_pkmap_count),
	F(LN_NR_DEFERRED_RANGES, nr_deferred_ranges),
	F(LN_PGALLOC_FAIL_INJECTED, pgalloc_fail_injected),
	F(LN_PG_locked, pg[IPG_locked]), F(LN_PG_referenced, pg[IPG_referenced]),
	F(LN_PG_uptodate, pg[IPG_uptodate]), F(LN_PG_dirty, pg[IPG_dirty]),
	F(LN_PG_lru, pg[IPG_lru]), F(LN_PG_active, pg[IPG_active]),
	F(LN_PG_slab, pg[IPG_slab]), F(LN_PG_reserved, pg[IPG_reserved]),
	F(LN_PG_private, pg[IPG_private]), F(LN_PG_writeback, pg[IPG_writeback]),
	F(LN_PG_head, pg[IPG_head]), F(LN_PG_swapbacked, pg[IPG_swapbacked]),
	F(LN_PG_buddy, pg[IPG_buddy]), F(LN_PG_table, pg[IPG_table]),
	F(LN_PG_poisoned, pg[IPG_poisoned]),
	F(LN_PAGE_SIZEOF, page.size), F(LN_PAGE_flags, page.flags), F(LN_PAGE_lru, page.lru),
	F(LN_PAGE_mapping, page.mapping), F(LN_PAGE_index, page.index),
	F(LN_PAGE_private, page.private_), F(LN_PAGE_compound_head, page.compound_head),
	F(LN_PAGE_compound_order, page.compound_order), F(LN_PAGE__mapcount, page.mapcount),
	F(LN_PAGE__refcount, page.refcount), F(LN_PAGE_slab_cache, page.slab_cache),
	F(LN_PAGE_slab, page.slab),
	F(LN_LIST_HEAD_SIZEOF, list.size), F(LN_LIST_HEAD_next, list.next),
	F(LN_LIST_HEAD_prev, list.prev),
	F(LN_FREE_AREA_SIZEOF, free_area.size), F(LN_FREE_AREA_free_list, free_area.free_list),
	F(LN_FREE_AREA_nr_free, free_area.nr_free),
	F(LN_PCP_SIZEOF, pcp.size), F(LN_PCP_count, pcp.count), F(LN_PCP_high, pcp.high),
	F(LN_PCP_batch, pcp.batch), F(LN_PCP_list, pcp.list),
	F(LN_ZONE_SIZEOF, zone.size), F(LN_ZONE__watermark, zone.watermark),
	F(LN_ZONE_lowmem_reserve, zone.lowmem_reserve), F(LN_ZONE_vm_stat, zone.vm_stat),
	F(LN_ZONE_pageset, zone.pageset), F(LN_ZONE_name, zone.name),
	F(LN_ZONE_zone_start_pfn, zone.start_pfn), F(LN_ZONE_spanned_pages, zone.spanned),
	F(LN_ZONE_present_pages, zone.present), F(LN_ZONE_managed_pages, zone.managed),
	F(LN_ZONE_free_area, zone.free_area),
	F(LN_ZONE_nr_deferred_ranges, zone.nr_deferred), F(LN_ZONE_deferred, zone.deferred),
	F(LN_DEFERRED_RANGE_SIZEOF, deferred_range.size),
	F(LN_DEFERRED_RANGE_start_pfn, deferred_range.start_pfn),
	F(LN_DEFERRED_RANGE_end_pfn, deferred_range.end_pfn),
	F(LN_PGDAT_SIZEOF, pgdat.size), F(LN_PGDAT_node_zones, pgdat.node_zones),
	F(LN_PGDAT_nr_zones, pgdat.nr_zones),
	F(LN_VM_EVENT_STATE_SIZEOF, vm_event.size), F(LN_VM_EVENT_STATE_event, vm_event.event),
	/* the slab allocator */
	F(LN_KMEM_CACHE_SIZEOF, kmc.size), F(LN_KMEM_CACHE_cpu_cache, kmc.cpu_cache),
	F(LN_KMEM_CACHE_flags, kmc.flags), F(LN_KMEM_CACHE_size, kmc.size_),
	F(LN_KMEM_CACHE_num, kmc.num), F(LN_KMEM_CACHE_limit, kmc.limit),
	F(LN_KMEM_CACHE_batchcount, kmc.batchcount), F(LN_KMEM_CACHE_shared, kmc.shared),
	F(LN_KMEM_CACHE_gfporder, kmc.gfporder), F(LN_KMEM_CACHE_colour, kmc.colour),
	F(LN_KMEM_CACHE_colour_off, kmc.colour_off), F(LN_KMEM_CACHE_slab_size, kmc.slab_size),
	F(LN_KMEM_CACHE_freelist_cache, kmc.freelist_cache), F(LN_KMEM_CACHE_name, kmc.name),
	F(LN_KMEM_CACHE_list, kmc.list), F(LN_KMEM_CACHE_object_size, kmc.object_size),
	F(LN_KMEM_CACHE_align, kmc.align), F(LN_KMEM_CACHE_obj_offset, kmc.obj_offset),
	F(LN_KMEM_CACHE_node, kmc.node),
	F(LN_KMEM_CACHE_NODE_SIZEOF, kmn.size),
	F(LN_KMEM_CACHE_NODE_slabs_partial, kmn.slabs_partial),
	F(LN_KMEM_CACHE_NODE_slabs_full, kmn.slabs_full),
	F(LN_KMEM_CACHE_NODE_slabs_free, kmn.slabs_free),
	F(LN_KMEM_CACHE_NODE_total_slabs, kmn.total_slabs),
	F(LN_KMEM_CACHE_NODE_free_slabs, kmn.free_slabs),
	F(LN_KMEM_CACHE_NODE_free_objects, kmn.free_objects),
	F(LN_KMEM_CACHE_NODE_free_limit, kmn.free_limit),
	F(LN_KMEM_CACHE_NODE_colour_next, kmn.colour_next),
	F(LN_ARRAY_CACHE_SIZEOF, ac.size), F(LN_ARRAY_CACHE_avail, ac.avail),
	F(LN_ARRAY_CACHE_limit, ac.limit), F(LN_ARRAY_CACHE_batchcount, ac.batchcount),
	F(LN_ARRAY_CACHE_entry, ac.entry),
	F(LN_SLAB_SIZEOF, slab.size), F(LN_SLAB_list, slab.list), F(LN_SLAB_s_mem, slab.s_mem),
	F(LN_SLAB_colouroff, slab.colouroff), F(LN_SLAB_inuse, slab.inuse),
	F(LN_SLAB_free, slab.free), F(LN_SLAB_bufctl, slab.bufctl),
	F(LN_FAULT_ATTR_SIZEOF, fault_attr.size), F(LN_FAULT_ATTR_probability, fault_attr.probability),
	F(LN_FAULT_ATTR_interval, fault_attr.interval), F(LN_FAULT_ATTR_times, fault_attr.times),
	F(LN_FAULT_ATTR_space, fault_attr.space), F(LN_FAULT_ATTR_verbose, fault_attr.verbose),
	F(LN_FAULT_ATTR_count, fault_attr.count), F(LN_FAULT_ATTR_rnd, fault_attr.rnd),
	F(LN_FAIL_PAGE_ALLOC_ATTR_SIZEOF, fail_page_alloc_attr.size),
	F(LN_FAIL_PAGE_ALLOC_ATTR_attr, fail_page_alloc_attr.attr),
	F(LN_FAIL_PAGE_ALLOC_ATTR_ignore_gfp_highmem, fail_page_alloc_attr.ignore_gfp_highmem),
	F(LN_FAIL_PAGE_ALLOC_ATTR_ignore_gfp_wait, fail_page_alloc_attr.ignore_gfp_wait),
	F(LN_FAIL_PAGE_ALLOC_ATTR_min_order, fail_page_alloc_attr.min_order),
	F(LN_FAILSLAB_ATTR_SIZEOF, failslab_attr.size), F(LN_FAILSLAB_ATTR_attr, failslab_attr.attr),
	F(LN_FAILSLAB_ATTR_ignore_gfp_wait, failslab_attr.ignore_gfp_wait),
	F(LN_FAILSLAB_ATTR_injected, failslab_attr.injected),
	F(LN_SIZEOF_BUFCTL, sc.sizeof_bufctl), F(LN_BUFCTL_END, sc.bufctl_end),
	F(LN_BUFCTL_ACTIVE, sc.bufctl_active), F(LN_SLAB_OBJ_MAX_NUM, sc.obj_max_num),
	F(LN_CFLGS_OFF_SLAB, sc.cflgs_off_slab), F(LN_CFLGS_KMALLOC, sc.cflgs_kmalloc),
	F(LN_SLAB_CONSISTENCY_CHECKS, sc.consistency_checks), F(LN_SLAB_RED_ZONE, sc.red_zone),
	F(LN_SLAB_POISON, sc.poison), F(LN_SLAB_STORE_USER, sc.store_user),
	F(LN_SLAB_RECLAIM_ACCOUNT, sc.reclaim_account), F(LN_SLAB_CACHE_DMA, sc.cache_dma),
	F(LN_SLAB_FAILSLAB, sc.failslab),
	F(LN_POISON_INUSE, sc.poison_inuse), F(LN_POISON_FREE, sc.poison_free),
	F(LN_POISON_END, sc.poison_end),
	F(LN_RED_INACTIVE_LO, sc.red_inactive_lo), F(LN_RED_INACTIVE_HI, sc.red_inactive_hi),
	F(LN_RED_ACTIVE_LO, sc.red_active_lo), F(LN_RED_ACTIVE_HI, sc.red_active_hi),
	F(LN_REDZONE_SIZE, sc.redzone_size), F(LN_REDZONE_ALIGN, sc.redzone_align),
	F(LN_NR_KMALLOC_TYPES, sc.nr_kmalloc_types), F(LN_KMALLOC_SHIFT_HIGH, sc.kmalloc_shift_high),
	F(LN_NR_SLAB_RECLAIMABLE, sc.nr_slab_reclaimable),
	F(LN_NR_SLAB_UNRECLAIMABLE, sc.nr_slab_unreclaimable),
	/* vmalloc */
	F(LN_VMAP_AREA_SIZEOF, vmap_area.size), F(LN_VMAP_AREA_va_start, vmap_area.va_start),
	F(LN_VMAP_AREA_va_end, vmap_area.va_end), F(LN_VMAP_AREA_flags, vmap_area.flags),
	F(LN_VMAP_AREA_list, vmap_area.list), F(LN_VMAP_AREA_vm, vmap_area.vm),
	F(LN_VM_STRUCT_SIZEOF, vm_struct.size), F(LN_VM_STRUCT_addr, vm_struct.addr),
	F(LN_VM_STRUCT_size, vm_struct.size_), F(LN_VM_STRUCT_flags, vm_struct.flags),
	F(LN_VM_STRUCT_nr_pages, vm_struct.nr_pages), F(LN_VM_STRUCT_caller, vm_struct.caller),
	F(LN_VM_STRUCT_pages, vm_struct.pages),
	F(LN_VMAP_VM_AREA, vmf.vm_area), F(LN_VMAP_LAZY_FREE, vmf.lazy_free),
	F(LN_VM_ALLOC, vmf.alloc), F(LN_VM_MAP, vmf.map), F(LN_VM_IOREMAP, vmf.ioremap),
	/* address spaces */
	F(LN_MM_STRUCT_SIZEOF, mm.size), F(LN_MM_STRUCT_pgd, mm.pgd), F(LN_MM_STRUCT_mmap, mm.mmap),
	F(LN_MM_STRUCT_map_count, mm.map_count), F(LN_MM_STRUCT_total_vm, mm.total_vm),
	F(LN_MM_STRUCT_rss_anon, mm.rss_anon), F(LN_MM_STRUCT_nr_ptes, mm.nr_ptes),
	F(LN_MM_STRUCT_mmlist, mm.mmlist), F(LN_MM_STRUCT_start_brk, mm.start_brk),
	F(LN_MM_STRUCT_brk, mm.brk), F(LN_MM_STRUCT_start_stack, mm.start_stack),
	F(LN_TASK_SIZE, task_size),
	F(LN_NR_ANON_MAPPED, nr_anon_mapped), F(LN_NR_PAGETABLE, nr_pagetable),
	F(LN_VMA_SIZEOF, vma.size), F(LN_VMA_vm_start, vma.start), F(LN_VMA_vm_end, vma.end),
	F(LN_VMA_vm_flags, vma.flags), F(LN_VMA_vm_list, vma.list),
	F(LN_VM_READ, vmflag.read), F(LN_VM_WRITE, vmflag.write), F(LN_VM_EXEC, vmflag.exec),
	F(LN_VM_GROWSDOWN, vmflag.growsdown),
	F(LN_TASK_SIZEOF, task.size), F(LN_TASK_pid, task.pid), F(LN_TASK_comm, task.comm),
	F(LN_TASK_state, task.state), F(LN_TASK_mm, task.mm), F(LN_TASK_faults, task.faults),
	F(LN_TASK_tasks, task.tasks), F(LN_TASK_COMM_LEN, task.comm_len),
	F(LN_TASK_RUNNING, task.running), F(LN_TASK_DEAD, task.dead),
};
#undef F

#define NKEYS (sizeof(keymap) / sizeof(keymap[0]))

/*
 * Every size and count in the note, bounded by what its container can hold
 * (INSP_MAX_*, the host's arrays) or by what the guest's structures could
 * plausibly be.  With these, no product validate() forms exceeds 2^32, and
 * the ones it forms are 64-bit anyway.  Offsets are bounded by their
 * struct's size in validate().
 */
static const struct {
	uint32_t key;
	uint32_t min, max;
} key_ranges[] = {
	{ LN_MAX_ORDER, 1, INSP_MAX_ORDER }, { LN_MAX_NR_ZONES, 1, INSP_MAX_ZONES },
	{ LN_NR_CPUS, 1, INSP_MAX_CPUS }, { LN_NR_WMARK, 3, 3 },
	{ LN_NR_VM_ZONE_STAT_ITEMS, 1, INSP_MAX_STAT }, { LN_NR_VM_EVENT_ITEMS, 0, INSP_MAX_EVENTS },
	{ LN_NR_PAGEFLAGS, 1, 32 }, { LN_NR_DEFERRED_RANGES, 0, INSP_MAX_DEFERRED },
	{ LN_LAST_PKMAP, 0, 1024 }, { LN_PTRS_PER_PGD, 1, 4 /* a PAE PDPT */ },
	{ LN_SIZEOF_BUFCTL, 2, 2 }, { LN_NR_KMALLOC_TYPES, 1, 8 }, { LN_KMALLOC_SHIFT_HIGH, 0, 31 },
	{ LN_PAGE_SIZEOF, 16, 256 }, { LN_LIST_HEAD_SIZEOF, 8, 8 },
	{ LN_FREE_AREA_SIZEOF, 1, 256 }, { LN_PCP_SIZEOF, 1, 256 },
	{ LN_ZONE_SIZEOF, 1, 65536 }, { LN_DEFERRED_RANGE_SIZEOF, 1, 64 },
	{ LN_PGDAT_SIZEOF, 1, 262144 }, { LN_VM_EVENT_STATE_SIZEOF, 1, 4096 },
	{ LN_KMEM_CACHE_SIZEOF, 1, 65536 }, { LN_KMEM_CACHE_NODE_SIZEOF, 1, 4096 },
	{ LN_ARRAY_CACHE_SIZEOF, 1, 256 }, { LN_SLAB_SIZEOF, 1, 256 },
	{ LN_FAULT_ATTR_SIZEOF, 1, 256 }, { LN_FAIL_PAGE_ALLOC_ATTR_SIZEOF, 1, 256 },
	{ LN_FAILSLAB_ATTR_SIZEOF, 1, 256 },
	{ LN_VMAP_AREA_SIZEOF, 1, 256 }, { LN_VM_STRUCT_SIZEOF, 1, 256 },
	{ LN_MM_STRUCT_SIZEOF, 1, 4096 }, { LN_VMA_SIZEOF, 1, 256 },
	{ LN_TASK_SIZEOF, 1, 4096 }, { LN_TASK_COMM_LEN, 1, 64 },
	{ LN_PAGE_ADDRESS_MAP_SIZEOF, 1, 256 }, { LN_PA_HASH_ORDER, 1, 12 },
	{ LN_SIZEOF_PKMAP_COUNT, 4, 4 },
};

/* The address-space keys (mm_struct, vm_area_struct, task_struct) come as
 * a group: a
 * guest built without address spaces has none of them, and then the vm.*
 * checks have nothing to check (insp_layout.mm.size stays 0). */
static bool is_vm_key(uint32_t key)
{
	return (key >= LN_MM_STRUCT_SIZEOF && key < LN_PAGE_ADDRESS_MAP_SIZEOF) ||
	       (key >= LN_TASK_SIZEOF && key <= LN_TASK_DEAD);
}

static bool has_vm_keys(const bool *seen)
{
	for (size_t k = 0; k < NKEYS; k++)
		if (keymap[k].key == LN_MM_STRUCT_SIZEOF)
			return seen[k];
	return false;
}

/* A field of `size` bytes at `off` inside a struct of `total` bytes. */
static bool fits(uint64_t off, uint64_t size, uint64_t total)
{
	return off <= total && size <= total - off;
}

static bool pow2(uint32_t x)
{
	return x && !(x & (x - 1));
}

/* The slab structures and constants (guest slab.h): every field inside
 * its struct, flags single distinct bits, markers above every index. */
static int validate_slab(const struct insp_layout *l, char *err, size_t errlen)
{
	const uint32_t ks = l->kmc.size, ns = l->kmn.size;
	const uint32_t flags[] = {
		l->sc.cflgs_off_slab, l->sc.cflgs_kmalloc, l->sc.consistency_checks, l->sc.red_zone,
		l->sc.poison, l->sc.store_user, l->sc.reclaim_account, l->sc.cache_dma, l->sc.failslab,
	};
	static const char *const flag_keys[] = {
		"LN_CFLGS_OFF_SLAB", "LN_CFLGS_KMALLOC", "LN_SLAB_CONSISTENCY_CHECKS",
		"LN_SLAB_RED_ZONE", "LN_SLAB_POISON", "LN_SLAB_STORE_USER",
		"LN_SLAB_RECLAIM_ACCOUNT", "LN_SLAB_CACHE_DMA", "LN_SLAB_FAILSLAB",
	};
	_Static_assert(sizeof(flags) / sizeof(flags[0]) == sizeof(flag_keys) / sizeof(flag_keys[0]),
		       "a name for each flag");
	uint32_t seen = 0;

	if (!fits(l->kmc.cpu_cache, 4ull * l->nr_cpus, ks) ||
	    !fits(l->kmc.flags, 4, ks) || !fits(l->kmc.size_, 4, ks) || !fits(l->kmc.num, 4, ks) ||
	    !fits(l->kmc.limit, 4, ks) || !fits(l->kmc.batchcount, 4, ks) ||
	    !fits(l->kmc.shared, 4, ks) || !fits(l->kmc.gfporder, 4, ks) ||
	    !fits(l->kmc.colour, 4, ks) || !fits(l->kmc.colour_off, 4, ks) ||
	    !fits(l->kmc.slab_size, 4, ks) || !fits(l->kmc.freelist_cache, 4, ks) ||
	    !fits(l->kmc.name, 4, ks) || !fits(l->kmc.list, 8, ks) ||
	    !fits(l->kmc.object_size, 4, ks) || !fits(l->kmc.align, 4, ks) ||
	    !fits(l->kmc.obj_offset, 4, ks) || !fits(l->kmc.node, ns, ks))
		return insp_errf(err, errlen, "layout note: struct kmem_cache fields do not fit its size "
				 "(LN_KMEM_CACHE_SIZEOF %u)", ks);
	if (!fits(l->kmn.slabs_partial, 8, ns) || !fits(l->kmn.slabs_full, 8, ns) ||
	    !fits(l->kmn.slabs_free, 8, ns) || !fits(l->kmn.total_slabs, 4, ns) ||
	    !fits(l->kmn.free_slabs, 4, ns) || !fits(l->kmn.free_objects, 4, ns) ||
	    !fits(l->kmn.free_limit, 4, ns) || !fits(l->kmn.colour_next, 4, ns))
		return insp_errf(err, errlen, "layout note: struct kmem_cache_node fields do not fit its "
				 "size (LN_KMEM_CACHE_NODE_SIZEOF %u)", ns);
	if (!fits(l->ac.avail, 4, l->ac.size) ||
	    !fits(l->ac.limit, 4, l->ac.size) || !fits(l->ac.batchcount, 4, l->ac.size) ||
	    l->ac.entry > l->ac.size || l->ac.entry % 4)
		return insp_errf(err, errlen, "layout note: struct array_cache fields do not fit its size "
				 "(LN_ARRAY_CACHE_SIZEOF %u)", l->ac.size);
	if (!fits(l->slab.list, 8, l->slab.size) ||
	    !fits(l->slab.s_mem, 4, l->slab.size) || !fits(l->slab.colouroff, 4, l->slab.size) ||
	    !fits(l->slab.inuse, 4, l->slab.size) || !fits(l->slab.free, 2, l->slab.size) ||
	    l->slab.bufctl > l->slab.size || l->slab.bufctl % 2)
		return insp_errf(err, errlen, "layout note: struct slab fields do not fit its size "
				 "(LN_SLAB_SIZEOF %u)", l->slab.size);
	/* kmem_bufctl_t bufctl[] is the struct's last member (as in Linux's
	 * struct slab): the walker reads a descriptor as far as its last
	 * entry, and that must cover the other fields. */
	if (l->slab.bufctl < l->slab.list + 8 || l->slab.bufctl < l->slab.s_mem + 4 ||
	    l->slab.bufctl < l->slab.colouroff + 4 || l->slab.bufctl < l->slab.inuse + 4 ||
	    l->slab.bufctl < l->slab.free + 2)
		return insp_errf(err, errlen, "layout note: LN_SLAB_bufctl %u does not follow the other "
				 "struct slab fields (the bufctl array is its last member)",
				 l->slab.bufctl);
	if (l->sc.obj_max_num >= 0xffff || l->sc.bufctl_end > 0xffff || l->sc.bufctl_active > 0xffff ||
	    l->sc.bufctl_end <= l->sc.obj_max_num || l->sc.bufctl_active <= l->sc.obj_max_num ||
	    l->sc.bufctl_end == l->sc.bufctl_active)
		return insp_errf(err, errlen, "layout note: LN_BUFCTL_END %#x / LN_BUFCTL_ACTIVE %#x are not "
				 "distinct markers above LN_SLAB_OBJ_MAX_NUM %#x", l->sc.bufctl_end,
				 l->sc.bufctl_active, l->sc.obj_max_num);
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (!pow2(flags[i]) || (seen & flags[i]))
			return insp_errf(err, errlen, "layout note: slab flag %s %#x is not a distinct "
					 "single bit", flag_keys[i], flags[i]);
		seen |= flags[i];
	}
	if (l->sc.poison_free > 0xff || l->sc.poison_inuse > 0xff || l->sc.poison_end > 0xff ||
	    l->sc.poison_free == l->sc.poison_end)
		return insp_errf(err, errlen, "layout note: slab poison bytes LN_POISON_FREE %#x, "
				 "LN_POISON_INUSE %#x, LN_POISON_END %#x: not distinct bytes",
				 l->sc.poison_free, l->sc.poison_inuse, l->sc.poison_end);
	if (l->sc.redzone_size != 8 || !pow2(l->sc.redzone_align) || l->sc.redzone_align > 4096)
		return insp_errf(err, errlen, "layout note: red zones of LN_REDZONE_SIZE %u bytes aligned "
				 "to LN_REDZONE_ALIGN %u; the host reads 8-byte red zones",
				 l->sc.redzone_size, l->sc.redzone_align);
	if (l->sc.nr_slab_reclaimable >= l->nr_zone_stat || l->sc.nr_slab_unreclaimable >= l->nr_zone_stat)
		return insp_errf(err, errlen, "layout note: LN_NR_SLAB_RECLAIMABLE %u or "
				 "LN_NR_SLAB_UNRECLAIMABLE %u is not below LN_NR_VM_ZONE_STAT_ITEMS %u",
				 l->sc.nr_slab_reclaimable, l->sc.nr_slab_unreclaimable, l->nr_zone_stat);
	return 0;
}

/* The fault-injection control blocks (guest fault_inject.h, slab.h): every
 * field the host sets or shows inside its struct, the page allocator's
 * injected counter one of the vm events. */
static int validate_fault(const struct insp_layout *l, char *err, size_t errlen)
{
	const uint32_t fs = l->fault_attr.size, ps = l->fail_page_alloc_attr.size;

	if (!fits(l->fault_attr.probability, 4, fs) || !fits(l->fault_attr.interval, 4, fs) ||
	    !fits(l->fault_attr.times, 4, fs) || !fits(l->fault_attr.space, 4, fs) ||
	    !fits(l->fault_attr.verbose, 4, fs) || !fits(l->fault_attr.count, 4, fs) ||
	    !fits(l->fault_attr.rnd, 4, fs))
		return insp_errf(err, errlen, "layout note: struct fault_attr fields do not fit its size "
				 "(LN_FAULT_ATTR_SIZEOF %u)", fs);
	if (!fits(l->fail_page_alloc_attr.attr, fs, ps) ||
	    !fits(l->fail_page_alloc_attr.ignore_gfp_highmem, 1, ps) ||
	    !fits(l->fail_page_alloc_attr.ignore_gfp_wait, 1, ps) ||
	    !fits(l->fail_page_alloc_attr.min_order, 4, ps))
		return insp_errf(err, errlen, "layout note: struct fail_page_alloc_attr fields do not fit "
				 "its size (LN_FAIL_PAGE_ALLOC_ATTR_SIZEOF %u; LN_FAULT_ATTR_SIZEOF %u)",
				 ps, fs);
	if (!fits(l->failslab_attr.attr, fs, l->failslab_attr.size) ||
	    !fits(l->failslab_attr.ignore_gfp_wait, 1, l->failslab_attr.size) ||
	    !fits(l->failslab_attr.injected, 4, l->failslab_attr.size))
		return insp_errf(err, errlen, "layout note: struct failslab_attr fields do not fit its "
				 "size (LN_FAILSLAB_ATTR_SIZEOF %u; LN_FAULT_ATTR_SIZEOF %u)",
				 l->failslab_attr.size, fs);
	if (l->pgalloc_fail_injected >= l->nr_events)
		return insp_errf(err, errlen, "layout note: LN_PGALLOC_FAIL_INJECTED %u is not below "
				 "LN_NR_VM_EVENT_ITEMS %u", l->pgalloc_fail_injected, l->nr_events);
	return 0;
}

/* mm_struct and vm_area_struct (guest mm_struct.h): every field inside
 * its struct, the flags distinct single bits, TASK_SIZE a PDPT-entry
 * boundary below PAGE_OFFSET, the counters' indices inside vm_stat. */
static int validate_vm(const struct insp_layout *l, char *err, size_t errlen)
{
	const uint32_t ms = l->mm.size, vs = l->vma.size;
	const uint32_t flags[] = { l->vmflag.read, l->vmflag.write, l->vmflag.exec, l->vmflag.growsdown };
	uint32_t seen = 0;

	if (!fits(l->mm.pgd, 4, ms) || !fits(l->mm.mmap, 8, ms) || !fits(l->mm.map_count, 4, ms) ||
	    !fits(l->mm.total_vm, 4, ms) || !fits(l->mm.rss_anon, 4, ms) ||
	    !fits(l->mm.nr_ptes, 4, ms) || !fits(l->mm.mmlist, 8, ms) ||
	    !fits(l->mm.start_brk, 4, ms) || !fits(l->mm.brk, 4, ms) || !fits(l->mm.start_stack, 4, ms))
		return insp_errf(err, errlen, "layout note: struct mm_struct fields do not fit its size "
				 "(LN_MM_STRUCT_SIZEOF %u)", ms);
	if (!fits(l->vma.start, 4, vs) || !fits(l->vma.end, 4, vs) || !fits(l->vma.flags, 4, vs) ||
	    !fits(l->vma.list, 8, vs))
		return insp_errf(err, errlen, "layout note: struct vm_area_struct fields do not fit its "
				 "size (LN_VMA_SIZEOF %u)", vs);
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (!pow2(flags[i]) || (seen & flags[i]))
			return insp_errf(err, errlen, "layout note: LN_VM_READ %#x, LN_VM_WRITE %#x, "
					 "LN_VM_EXEC %#x, LN_VM_GROWSDOWN %#x are not distinct single bits",
					 l->vmflag.read, l->vmflag.write, l->vmflag.exec,
					 l->vmflag.growsdown);
		seen |= flags[i];
	}
	if (!l->task_size || l->task_size > l->page_offset || l->task_size % (1u << 30))
		return insp_errf(err, errlen, "layout note: LN_TASK_SIZE %#x is not a multiple of 1 GiB "
				 "at or below LN_PAGE_OFFSET %#x", l->task_size, l->page_offset);
	if (!fits(l->task.pid, 4, l->task.size) || !fits(l->task.comm, l->task.comm_len, l->task.size) ||
	    !fits(l->task.state, 4, l->task.size) || !fits(l->task.mm, 4, l->task.size) ||
	    !fits(l->task.faults, 4, l->task.size) || !fits(l->task.tasks, 8, l->task.size))
		return insp_errf(err, errlen, "layout note: struct task_struct fields do not fit its "
				 "size (LN_TASK_SIZEOF %u)", l->task.size);
	if (l->nr_anon_mapped >= l->nr_zone_stat || l->nr_pagetable >= l->nr_zone_stat)
		return insp_errf(err, errlen, "layout note: LN_NR_ANON_MAPPED %u or LN_NR_PAGETABLE %u is "
				 "not below LN_NR_VM_ZONE_STAT_ITEMS %u", l->nr_anon_mapped,
				 l->nr_pagetable, l->nr_zone_stat);
	return 0;
}

/* vmap_area and vm_struct (guest vmalloc.h): every field inside its
 * struct, the flags distinct single bits, the range below pkmap. */
static int validate_vmalloc(const struct insp_layout *l, char *err, size_t errlen)
{
	const uint32_t as = l->vmap_area.size, vs = l->vm_struct.size;
	const uint32_t aflags[] = { l->vmf.vm_area, l->vmf.lazy_free };
	const uint32_t vflags[] = { l->vmf.alloc, l->vmf.map, l->vmf.ioremap };
	uint32_t seen = 0;

	if (!fits(l->vmap_area.va_start, 4, as) || !fits(l->vmap_area.va_end, 4, as) ||
	    !fits(l->vmap_area.flags, 4, as) || !fits(l->vmap_area.list, 8, as) ||
	    !fits(l->vmap_area.vm, 4, as))
		return insp_errf(err, errlen, "layout note: struct vmap_area fields do not fit its size "
				 "(LN_VMAP_AREA_SIZEOF %u)", as);
	if (!fits(l->vm_struct.addr, 4, vs) || !fits(l->vm_struct.size_, 4, vs) ||
	    !fits(l->vm_struct.flags, 4, vs) || !fits(l->vm_struct.nr_pages, 4, vs) ||
	    !fits(l->vm_struct.caller, 4, vs) || !fits(l->vm_struct.pages, 4, vs))
		return insp_errf(err, errlen, "layout note: struct vm_struct fields do not fit its size "
				 "(LN_VM_STRUCT_SIZEOF %u)", vs);
	for (size_t i = 0; i < sizeof(aflags) / sizeof(aflags[0]); i++) {
		if (!pow2(aflags[i]) || (seen & aflags[i]))
			goto bad;
		seen |= aflags[i];
	}
	seen = 0;
	for (size_t i = 0; i < sizeof(vflags) / sizeof(vflags[0]); i++) {
		if (!pow2(vflags[i]) || (seen & vflags[i]))
			goto bad;
		seen |= vflags[i];
	}
	if (l->vmalloc_end > l->pkmap_base || !pow2(l->vmalloc_offset))
		return insp_errf(err, errlen, "layout note: LN_VMALLOC_END %#x is above LN_PKMAP_BASE %#x, "
				 "or LN_VMALLOC_OFFSET %#x is not a power of two", l->vmalloc_end,
				 l->pkmap_base, l->vmalloc_offset);
	return 0;
bad:
	return insp_errf(err, errlen, "layout note: vmalloc flags LN_VMAP_VM_AREA %#x, LN_VMAP_LAZY_FREE "
			 "%#x, LN_VM_ALLOC %#x, LN_VM_MAP %#x, LN_VM_IOREMAP %#x are not distinct single "
			 "bits", l->vmf.vm_area, l->vmf.lazy_free, l->vmf.alloc, l->vmf.map, l->vmf.ioremap);
}

static int validate(const struct insp_layout *l, char *err, size_t errlen)
{
	if (l->page_shift != 12)
		return insp_errf(err, errlen, "layout note: LN_PAGE_SHIFT %u, the host supports 12",
				 l->page_shift);
	if (l->sizeof_long != 4 || l->sizeof_ptr != 4)
		return insp_errf(err, errlen, "layout note: LN_SIZEOF_LONG %u, LN_SIZEOF_PTR %u; the host "
				 "reads a 32-bit guest", l->sizeof_long, l->sizeof_ptr);
	if (l->page_offset < 0x10000000u || (l->page_offset & 0x3fffffffu))
		return insp_errf(err, errlen, "layout note: LN_PAGE_OFFSET %#x is not a 1 GiB boundary",
				 l->page_offset);
	if (l->zone_dma >= l->max_nr_zones || l->zone_normal >= l->max_nr_zones ||
	    l->zone_highmem >= l->max_nr_zones)
		return insp_errf(err, errlen, "layout note: LN_ZONE_DMA %u, LN_ZONE_NORMAL %u or "
				 "LN_ZONE_HIGHMEM %u is not below LN_MAX_NR_ZONES %u", l->zone_dma,
				 l->zone_normal, l->zone_highmem, l->max_nr_zones);
	if (l->wmark_min >= 3 || l->wmark_low >= 3 || l->wmark_high >= 3)
		return insp_errf(err, errlen, "layout note: LN_WMARK_MIN %u, LN_WMARK_LOW %u or "
				 "LN_WMARK_HIGH %u is not below LN_NR_WMARK", l->wmark_min, l->wmark_low,
				 l->wmark_high);
	if (l->nr_free_pages >= l->nr_zone_stat)
		return insp_errf(err, errlen, "layout note: LN_NR_FREE_PAGES %u is not below "
				 "LN_NR_VM_ZONE_STAT_ITEMS %u", l->nr_free_pages, l->nr_zone_stat);
	for (int i = 0; i < IPG_NR; i++)
		if (l->pg[i] >= l->nr_pageflags)
			return insp_errf(err, errlen, "layout note: LN_PG_%s bit %u is not below LN_NR_PAGEFLAGS %u",
					 insp_pg_names[i], l->pg[i], l->nr_pageflags);
	if (!fits(l->list.next, 4, 8) || !fits(l->list.prev, 4, 8))
		return insp_errf(err, errlen, "layout note: struct list_head is not two pointers "
				 "(LN_LIST_HEAD_next %u, LN_LIST_HEAD_prev %u)", l->list.next, l->list.prev);
	if (!fits(l->page.flags, 4, l->page.size) || !fits(l->page.lru, 8, l->page.size) ||
	    !fits(l->page.mapping, 4, l->page.size) || !fits(l->page.index, 4, l->page.size) ||
	    !fits(l->page.private_, 4, l->page.size) ||
	    !fits(l->page.compound_head, 4, l->page.size) ||
	    !fits(l->page.compound_order, 1, l->page.size) ||
	    !fits(l->page.mapcount, 4, l->page.size) || !fits(l->page.refcount, 4, l->page.size))
		return insp_errf(err, errlen, "layout note: struct page fields do not fit its size "
				 "(LN_PAGE_SIZEOF %u)", l->page.size);
	if (!fits(l->free_area.free_list, 8, l->free_area.size) ||
	    !fits(l->free_area.nr_free, 4, l->free_area.size))
		return insp_errf(err, errlen, "layout note: struct free_area fields do not fit its size "
				 "(LN_FREE_AREA_SIZEOF %u)", l->free_area.size);
	if (!fits(l->pcp.count, 4, l->pcp.size) || !fits(l->pcp.high, 4, l->pcp.size) ||
	    !fits(l->pcp.batch, 4, l->pcp.size) || !fits(l->pcp.list, 8, l->pcp.size))
		return insp_errf(err, errlen, "layout note: struct per_cpu_pages fields do not fit its size "
				 "(LN_PCP_SIZEOF %u)", l->pcp.size);
	if (!fits(l->zone.watermark, 4 * 3, l->zone.size) ||
	    !fits(l->zone.lowmem_reserve, 4ull * l->max_nr_zones, l->zone.size) ||
	    !fits(l->zone.vm_stat, 4ull * l->nr_zone_stat, l->zone.size) ||
	    !fits(l->zone.pageset, (uint64_t)l->pcp.size * l->nr_cpus, l->zone.size) ||
	    !fits(l->zone.name, 4, l->zone.size) || !fits(l->zone.start_pfn, 4, l->zone.size) ||
	    !fits(l->zone.spanned, 4, l->zone.size) || !fits(l->zone.present, 4, l->zone.size) ||
	    !fits(l->zone.managed, 4, l->zone.size) ||
	    !fits(l->zone.free_area, (uint64_t)l->free_area.size * l->max_order, l->zone.size))
		return insp_errf(err, errlen, "layout note: struct zone fields do not fit its size "
				 "(LN_ZONE_SIZEOF %u; LN_PCP_SIZEOF %u x LN_NR_CPUS %u, LN_FREE_AREA_SIZEOF "
				 "%u x LN_MAX_ORDER %u, LN_MAX_NR_ZONES, LN_NR_VM_ZONE_STAT_ITEMS)",
				 l->zone.size, l->pcp.size, l->nr_cpus, l->free_area.size, l->max_order);
	if (!fits(l->deferred_range.start_pfn, 4, l->deferred_range.size) ||
	    !fits(l->deferred_range.end_pfn, 4, l->deferred_range.size) ||
	    !fits(l->zone.nr_deferred, 4, l->zone.size) ||
	    !fits(l->zone.deferred, (uint64_t)l->deferred_range.size * l->nr_deferred_ranges,
		  l->zone.size))
		return insp_errf(err, errlen, "layout note: zone deferred ranges do not fit "
				 "(LN_DEFERRED_RANGE_SIZEOF %u x LN_NR_DEFERRED_RANGES %u, LN_ZONE_SIZEOF)",
				 l->deferred_range.size, l->nr_deferred_ranges);
	if (!fits(l->pgdat.node_zones, (uint64_t)l->zone.size * l->max_nr_zones, l->pgdat.size) ||
	    !fits(l->pgdat.nr_zones, 4, l->pgdat.size))
		return insp_errf(err, errlen, "layout note: struct pglist_data fields do not fit its size "
				 "(LN_PGDAT_SIZEOF %u; LN_ZONE_SIZEOF %u x LN_MAX_NR_ZONES %u)",
				 l->pgdat.size, l->zone.size, l->max_nr_zones);
	if (!fits(l->vm_event.event, 4ull * l->nr_events, l->vm_event.size))
		return insp_errf(err, errlen, "layout note: struct vm_event_state fields do not fit its "
				 "size (LN_VM_EVENT_STATE_SIZEOF %u; LN_NR_VM_EVENT_ITEMS %u)",
				 l->vm_event.size, l->nr_events);
	if (!fits(l->page.slab_cache, 4, l->page.size) || !fits(l->page.slab, 4, l->page.size))
		return insp_errf(err, errlen, "layout note: struct page slab fields do not fit its size "
				 "(LN_PAGE_SIZEOF %u)", l->page.size);
	if (validate_slab(l, err, errlen) || validate_fault(l, err, errlen) ||
	    validate_vmalloc(l, err, errlen) || (l->mm.size && validate_vm(l, err, errlen)))
		return -1;
	if (!fits(l->pam.page, 4, l->pam.size) || !fits(l->pam.virtual_, 4, l->pam.size) ||
	    !fits(l->pam.next, 4, l->pam.size))
		return insp_errf(err, errlen, "layout note: struct page_address_map fields do not fit "
				 "its size (LN_PAGE_ADDRESS_MAP_SIZEOF %u)", l->pam.size);
	if (l->fix_kmap_begin > l->fix_kmap_end ||
	    l->fix_kmap_end >= (l->fixaddr_top - l->fixaddr_start) / 4096)
		return insp_errf(err, errlen, "layout note: kmap_atomic slots %u..%u (LN_FIX_KMAP_BEGIN, "
				 "LN_FIX_KMAP_END) are not inside the fixmap", l->fix_kmap_begin,
				 l->fix_kmap_end);
	if (l->pgd_cr3_offset % 4096 || l->pgd_cr3_offset > 4096 * 4)
		return insp_errf(err, errlen, "layout note: LN_PGD_CR3_OFFSET %#x is not 0..4 pages",
				 l->pgd_cr3_offset);
	if (l->fixaddr_start > l->fixaddr_top || l->fixaddr_start < l->page_offset ||
	    l->pkmap_base < l->page_offset || l->maxmem == 0)
		return insp_errf(err, errlen, "layout note: virtual layout out of range: LN_FIXADDR_START "
				 "%#x, LN_FIXADDR_TOP %#x, LN_PKMAP_BASE %#x (not below LN_PAGE_OFFSET), "
				 "LN_MAXMEM %#x (not 0)", l->fixaddr_start, l->fixaddr_top, l->pkmap_base,
				 l->maxmem);
	return 0;
}

int insp_layout_parse(const void *note, size_t len, struct insp_layout *l,
		      char *err, size_t errlen)
{
	struct layout_note_header h;
	const uint8_t *p = note;
	bool seen[NKEYS] = { false };

	memset(l, 0, sizeof(*l));
	if (!note || len < sizeof(h))
		return insp_errf(err, errlen, "layout note: %zu bytes, shorter than its %zu-byte header",
				 len, sizeof(h));
	memcpy(&h, p, sizeof(h));
	if (h.magic != LAYOUT_NOTE_MAGIC)
		return insp_errf(err, errlen, "layout note: bad magic %#x (want %#x); the image was not "
				 "built with shared/layout_note.h", h.magic, LAYOUT_NOTE_MAGIC);
	if (h.version != LAYOUT_NOTE_VERSION)
		return insp_errf(err, errlen, "layout note: version %u, this vmm reads version %u; "
				 "rebuild the guest and the vmm from the same tree",
				 h.version, LAYOUT_NOTE_VERSION);
	if (h.count > LAYOUT_NOTE_MAX_ENTRIES ||
	    h.size != sizeof(h) + (size_t)h.count * sizeof(struct layout_note_entry) ||
	    h.size != len)
		return insp_errf(err, errlen, "layout note: size %u for %u entries in a %zu-byte section "
				 "(want %zu)", h.size, h.count, len,
				 sizeof(h) + (size_t)h.count * sizeof(struct layout_note_entry));

	for (uint32_t i = 0; i < h.count; i++) {
		struct layout_note_entry e;

		memcpy(&e, p + sizeof(h) + i * sizeof(e), sizeof(e));
		for (size_t k = 0; k < NKEYS; k++) {
			if (keymap[k].key != e.key)
				continue;
			if (seen[k])
				return insp_errf(err, errlen, "layout note: key %s (%#x) appears twice",
						 keymap[k].name, e.key);
			seen[k] = true;
			memcpy((uint8_t *)l + keymap[k].off, &e.value, sizeof(uint32_t));
			break;
		}
	}
	for (size_t k = 0; k < NKEYS; k++) {
		uint32_t v;

		if (!seen[k] && is_vm_key(keymap[k].key) && !has_vm_keys(seen))
			continue;
		if (!seen[k])
			return insp_errf(err, errlen, "layout note: lacks %s (%#x), which the host needs; "
					 "rebuild the guest", keymap[k].name, keymap[k].key);
		memcpy(&v, (uint8_t *)l + keymap[k].off, sizeof(v));
		for (size_t i = 0; i < sizeof(key_ranges) / sizeof(key_ranges[0]); i++)
			if (key_ranges[i].key == keymap[k].key &&
			    (v < key_ranges[i].min || v > key_ranges[i].max))
				return insp_errf(err, errlen, "layout note: %s = %u (%#x), outside %u..%u",
						 keymap[k].name, v, v, key_ranges[i].min,
						 key_ranges[i].max);
	}
	if (validate(l, err, errlen))
		return -1;
	l->sc.red_inactive = (uint64_t)l->sc.red_inactive_hi << 32 | l->sc.red_inactive_lo;
	l->sc.red_active = (uint64_t)l->sc.red_active_hi << 32 | l->sc.red_active_lo;
	l->pg_valid_mask = l->nr_pageflags >= 32 ? ~0u : (1u << l->nr_pageflags) - 1;
	return 0;
}

int insp_layout_load(const struct elf_info *elf, struct insp_layout *l,
		     char *err, size_t errlen)
{
	const struct {
		const char *name;
		size_t off;
		uint32_t min_size;   /* 0: address only */
		bool vm;             /* needed only with the address-space keys */
	} syms[] = {
		{ "mem_map", offsetof(struct insp_layout, sym.mem_map), 4, false },
		{ "max_pfn", offsetof(struct insp_layout, sym.max_pfn), 4, false },
		{ "max_low_pfn", offsetof(struct insp_layout, sym.max_low_pfn), 4, false },
		{ "high_memory", offsetof(struct insp_layout, sym.high_memory), 4, false },
		{ "totalram_pages", offsetof(struct insp_layout, sym.totalram_pages), 4, false },
		{ "totalhigh_pages", offsetof(struct insp_layout, sym.totalhigh_pages), 4, false },
		{ "contig_page_data", offsetof(struct insp_layout, sym.contig_page_data), 1, false },
		{ "swapper_pg_dir", offsetof(struct insp_layout, sym.swapper_pg_dir), 4096, false },
		{ "vm_event_states", offsetof(struct insp_layout, sym.vm_event_states), 1, false },
		{ "vm_zone_stat", offsetof(struct insp_layout, sym.vm_zone_stat), 4, false },
		{ "zone_stat_names", offsetof(struct insp_layout, sym.zone_stat_names), 4, false },
		{ "vm_event_names", offsetof(struct insp_layout, sym.vm_event_names), 4, false },
		{ "_text", offsetof(struct insp_layout, sym.text), 0, false },
		{ "_end", offsetof(struct insp_layout, sym.end), 0, false },
		{ "slab_caches", offsetof(struct insp_layout, sym.slab_caches), 8, false },
		{ "kmalloc_caches", offsetof(struct insp_layout, sym.kmalloc_caches), 4, false },
		{ "kmem_cache", offsetof(struct insp_layout, sym.kmem_cache), 4, false },
		{ "fail_page_alloc", offsetof(struct insp_layout, sym.fail_page_alloc), 4, false },
		{ "failslab", offsetof(struct insp_layout, sym.failslab), 4, false },
		{ "failslab_mark_all", offsetof(struct insp_layout, sym.failslab_mark_all), 1, false },
		{ "vmap_area_list", offsetof(struct insp_layout, sym.vmap_area_list), 8, false },
		{ "vmap_lazy_nr", offsetof(struct insp_layout, sym.vmap_lazy_nr), 4, false },
		{ "mm_list", offsetof(struct insp_layout, sym.mm_list), 8, true },
		{ "empty_zero_page", offsetof(struct insp_layout, sym.empty_zero_page), 4096, true },
		{ "task_list", offsetof(struct insp_layout, sym.task_list), 8, true },
		{ "pkmap_count", offsetof(struct insp_layout, sym.pkmap_count), 4, false },
		{ "page_address_htable", offsetof(struct insp_layout, sym.page_address_htable), 4, false },
		{ "pkmap_flushes", offsetof(struct insp_layout, sym.pkmap_flushes), 4, false },
	};
	uint64_t addr, size;

	if (!elf->layout_note)
		return insp_errf(err, errlen, "the guest image has no %s section (layout note); "
				 "the inspector needs one", ELF_LAYOUT_SECTION);
	if (insp_layout_parse(elf->layout_note, elf->layout_note_len, l, err, errlen))
		return -1;
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		uint64_t *dst = (uint64_t *)((uint8_t *)l + syms[i].off);

		if (syms[i].vm && !l->mm.size)
			continue;
		if (!symtab_addr(&elf->symtab, syms[i].name, &addr, &size))
			return insp_errf(err, errlen, "the guest image has no symbol '%s', which the "
					 "inspector reads", syms[i].name);
		if (addr < l->page_offset || addr > 0xffffffffull)
			return insp_errf(err, errlen, "symbol '%s' at %#llx is not a kernel address",
					 syms[i].name, (unsigned long long)addr);
		if (syms[i].min_size && size < syms[i].min_size)
			return insp_errf(err, errlen, "symbol '%s' is %llu bytes, expected at least %u",
					 syms[i].name, (unsigned long long)size, syms[i].min_size);
		*dst = addr;
	}
	/* The symbols and the note must describe the same structures. */
	if (symtab_addr(&elf->symtab, "contig_page_data", &addr, &size) && size != l->pgdat.size)
		return insp_errf(err, errlen, "contig_page_data is %llu bytes but the layout note says "
				 "struct pglist_data is %u", (unsigned long long)size, l->pgdat.size);
	if (symtab_addr(&elf->symtab, "vm_event_states", &addr, &size) && size != l->vm_event.size)
		return insp_errf(err, errlen, "vm_event_states is %llu bytes but the layout note says "
				 "struct vm_event_state is %u", (unsigned long long)size, l->vm_event.size);
	if (symtab_addr(&elf->symtab, "kmalloc_caches", &addr, &size) &&
	    size != 4ull * l->sc.nr_kmalloc_types * (l->sc.kmalloc_shift_high + 1))
		return insp_errf(err, errlen, "kmalloc_caches is %llu bytes but the layout note says "
				 "%u x %u pointers", (unsigned long long)size, l->sc.nr_kmalloc_types,
				 l->sc.kmalloc_shift_high + 1);
	if (symtab_addr(&elf->symtab, "fail_page_alloc", &addr, &size) &&
	    size != l->fail_page_alloc_attr.size)
		return insp_errf(err, errlen, "fail_page_alloc is %llu bytes but the layout note says "
				 "struct fail_page_alloc_attr is %u", (unsigned long long)size,
				 l->fail_page_alloc_attr.size);
	if (symtab_addr(&elf->symtab, "failslab", &addr, &size) && size != l->failslab_attr.size)
		return insp_errf(err, errlen, "failslab is %llu bytes but the layout note says struct "
				 "failslab_attr is %u", (unsigned long long)size, l->failslab_attr.size);
	if (symtab_addr(&elf->symtab, "pkmap_count", &addr, &size) &&
	    size != (uint64_t)l->sizeof_pkmap_count * l->last_pkmap)
		return insp_errf(err, errlen, "pkmap_count is %llu bytes but the layout note says %u "
				 "counts of %u", (unsigned long long)size, l->last_pkmap,
				 l->sizeof_pkmap_count);
	if (symtab_addr(&elf->symtab, "page_address_htable", &addr, &size) &&
	    size != 4ull << l->pa_hash_order)
		return insp_errf(err, errlen, "page_address_htable is %llu bytes but the layout note "
				 "says 1 << %u pointers", (unsigned long long)size, l->pa_hash_order);
	if (l->sym.swapper_pg_dir % 4096)
		return insp_errf(err, errlen, "swapper_pg_dir at %#llx is not page-aligned",
				 (unsigned long long)l->sym.swapper_pg_dir);
	return 0;
}
