/*
 * memblock: the boot-time memory allocator (Linux's name and shape).
 *
 * Two sorted, non-overlapping region arrays: `memory` (RAM from the boot_info
 * e820 map) and `reserved` (kernel image, boot structures, mem_map, early
 * page tables, ...).  It serves early allocations until the buddy allocator
 * exists; memblock_free_all() then hands every memory-minus-reserved range to
 * the buddy allocator, so nothing reserved here ever reaches it.
 *
 * Single-threaded boot code: no locking.
 */
#ifndef GUEST_MEMBLOCK_H
#define GUEST_MEMBLOCK_H

#include "types.h"

#define MEMBLOCK_MAX_REGIONS 64

struct memblock_region {
	phys_addr_t base;
	phys_addr_t size;
};

struct memblock_type {
	unsigned int cnt;
	phys_addr_t total_size;
	struct memblock_region regions[MEMBLOCK_MAX_REGIONS];
	const char *name;
};

struct memblock {
	phys_addr_t current_limit;   /* allocations stay below this (lowmem) */
	bool frozen;                 /* set by memblock_free_all(); later use is a bug */
	struct memblock_type memory;
	struct memblock_type reserved;
};

extern struct memblock memblock;

int memblock_add(phys_addr_t base, phys_addr_t size);
int memblock_reserve(phys_addr_t base, phys_addr_t size);
bool memblock_is_reserved(phys_addr_t addr);
bool memblock_overlaps_reserved(phys_addr_t base, phys_addr_t size);
phys_addr_t memblock_end_of_DRAM(void);
void memblock_set_current_limit(phys_addr_t limit);

/*
 * Allocate from the top of memory below current_limit and reserve it.
 * Returns 0 on failure.  The memory is NOT written: it is RAM nobody has
 * touched since the VMM mapped it, so it is zero (anonymous host memory),
 * and clearing it here would cost ~0.8 ms per page on kvm_pvm
 * (docs/design.md §2.5, §2.6 rule 1).
 */
phys_addr_t memblock_phys_alloc(phys_addr_t size, phys_addr_t align);

/* Iterate memory-minus-reserved ranges in ascending order.  `idx` starts at
 * 0; returns false when done. */
bool memblock_next_free_range(u64 *idx, phys_addr_t *start, phys_addr_t *end);

#endif
