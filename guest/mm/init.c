/*
 * Memory initialisation at boot: from the boot_info memory map to a working
 * page allocator (Linux's setup_arch memory part, paging_init and mem_init).
 *
 * Order matters, and every step is O(regions) or O(free blocks), never
 * O(pages) of RAM (docs/design.md §2.6 rule 1):
 *   1. memblock learns RAM from the e820 map and reserves the boot area and
 *      the kernel image;
 *   2. max_pfn, max_low_pfn and high_memory are fixed (MAXMEM, highmem=);
 *   3. mem_map is carved from the top of lowmem; it is untouched RAM, hence
 *      already all-zero struct pages, so it is not cleared;
 *   4. paging_init() builds swapper_pg_dir and drops the VMM's boot tables;
 *   5. the zones are sized and reserved RAM is tagged PG_reserved (the only
 *      per-page writes: kernel image, boot area, mem_map, early tables);
 *   6. every memory-minus-reserved range goes to the buddy allocator one
 *      aligned block (one head struct page) at a time;
 *   7. watermarks, lowmem_reserve and the per-CPU lists are set up.
 */
#include "kernel.h"
#include "abi.h"
#include "cmdline.h"
#include "memblock.h"
#include "mm.h"
#include "fault_inject.h"
#include "slab.h"
#include "asm/pgtable.h"
#include "setup.h"
#include "hypercall.h"

extern char _text[], _end[];

void *high_memory;
static unsigned long highmem_pages;   /* from highmem=, in pages */

void pagetable_mark_pages(void);

static void __init_memblock_from_e820(const struct boot_info *bi)
{
	for (u32 i = 0; i < bi->e820_nr && i < E820_MAX; i++) {
		const struct e820_entry *e = &bi->e820[i];

		if (e->type == E820_RAM)
			memblock_add(e->addr, e->size);
	}
	/* Page 0, the boot GDT, boot_info and the boot page tables.  boot_info
	 * (the command line) stays in use, so the whole area stays reserved. */
	memblock_reserve(0, BOOT_AREA_END);
	memblock_reserve(__pa(_text), (phys_addr_t)(_end - _text));
}

/* Linux's find_low_pfn_range(): lowmem ends at MAXMEM, or earlier so that
 * highmem= pages of HighMem remain at the top of RAM. */
static void find_low_pfn_range(void)
{
	const unsigned long dma_pfn = (16ul << 20) >> PAGE_SHIFT;

	max_pfn = (unsigned long)(memblock_end_of_DRAM() >> PAGE_SHIFT);
	max_low_pfn = min(max_pfn, (unsigned long)MAXMEM_PFN);
	if (highmem_pages) {
		if (highmem_pages >= max_pfn || max_pfn - highmem_pages < dma_pfn) {
			printk("highmem size specified (%luMB) is too big, ignoring it\n",
			       highmem_pages >> (20 - PAGE_SHIFT));
			highmem_pages = 0;
		} else {
			max_low_pfn = min(max_low_pfn, max_pfn - highmem_pages);
		}
	}
	high_memory = (char *)__va((phys_addr_t)max_low_pfn << PAGE_SHIFT);
}

static void alloc_mem_map(void)
{
	phys_addr_t size = (phys_addr_t)max_pfn * sizeof(struct page);
	phys_addr_t pa = memblock_phys_alloc(size, PAGE_SIZE);

	if (!pa)
		panic("cannot allocate mem_map (%llu KiB) below max_low_pfn %#lx",
		      size >> 10, max_low_pfn);
	mem_map = __va(pa);
}

static unsigned long ram_pages_in(unsigned long start_pfn, unsigned long end_pfn)
{
	unsigned long n = 0;

	for (unsigned int i = 0; i < memblock.memory.cnt; i++) {
		const struct memblock_region *r = &memblock.memory.regions[i];
		unsigned long s = (unsigned long)PFN_UP(r->base);
		unsigned long e = (unsigned long)PFN_DOWN(r->base + r->size);

		s = max(s, start_pfn);
		e = min(e, end_pfn);
		if (s < e)
			n += e - s;
	}
	return n;
}

static void zone_sizes_init(void)
{
	unsigned long max_zone_pfn[MAX_NR_ZONES], present[MAX_NR_ZONES];
	unsigned long start = 0;

	max_zone_pfn[ZONE_DMA] = min((16ul << 20) >> PAGE_SHIFT, max_low_pfn);
	max_zone_pfn[ZONE_NORMAL] = max_low_pfn;
	max_zone_pfn[ZONE_HIGHMEM] = max_pfn;
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		present[z] = ram_pages_in(start, max_zone_pfn[z]);
		start = max_zone_pfn[z];
	}
	free_area_init(max_zone_pfn, present);
}

/* PG_reserved on every RAM page memblock reserved; holes stay zero.  The
 * regions are intersected first, so the per-page work is one flag store.
 * mem_map itself is ~1/128 of RAM (14K pages at 6G, ~50K emulated
 * instructions), so when the VMM offers HC_MEM_OR32 each run is one exit. */
static void reserve_bootmem_pages(const struct boot_info *bi)
{
	bool pv_mem_or32 = bi->features & BI_FEAT_MEM_OR32;

	for (unsigned int i = 0; i < memblock.reserved.cnt; i++) {
		const struct memblock_region *r = &memblock.reserved.regions[i];

		for (unsigned int j = 0; j < memblock.memory.cnt; j++) {
			const struct memblock_region *m = &memblock.memory.regions[j];
			unsigned long start = (unsigned long)PFN_DOWN(max(r->base, m->base));
			unsigned long end = (unsigned long)PFN_UP(min(r->base + r->size, m->base + m->size));
			struct page *page = pfn_to_page(start), *last = pfn_to_page(min(end, max_pfn));

			if (page >= last)
				continue;
			if (pv_mem_or32)
				hypercall(HC_MEM_OR32, __pa(&page->flags), sizeof(struct page),
					  last - page, 1ul << PG_reserved);
			else
				for (; page < last; page++)
					__SetPageReserved(page);
		}
	}
}

/* Hand memory-minus-reserved to the buddy allocator, split at zone edges
 * so that no block straddles two zones. */
static void memblock_free_all(void)
{
	const unsigned long edges[] = { (16ul << 20) >> PAGE_SHIFT, max_low_pfn, max_pfn };
	phys_addr_t start, end;
	u64 idx = 0;

	while (memblock_next_free_range(&idx, &start, &end)) {
		unsigned long s = (unsigned long)PFN_UP(start);
		unsigned long e = min((unsigned long)PFN_DOWN(end), max_pfn);

		for (unsigned int z = 0; z < ARRAY_SIZE(edges) && s < e; z++) {
			unsigned long stop = min(e, edges[z]);
			if (s < stop) {
				memblock_free_pages_range(s, stop);
				s = stop;
			}
		}
	}
	memblock.frozen = true;
}

static void print_vm_layout(void)
{
	printk("virtual kernel memory layout:\n"
	       "    fixmap  : 0x%08lx - 0x%08lx   (%4lu kB)\n"
	       "    pkmap   : 0x%08lx - 0x%08lx   (%4lu kB)\n"
	       "    vmalloc : 0x%08lx - 0x%08lx   (%4lu MB)\n"
	       "    lowmem  : 0x%08lx - 0x%08lx   (%4lu MB)\n"
	       "      .text : 0x%08lx - 0x%08lx   (%4lu kB)\n",
	       FIXADDR_START, FIXADDR_TOP, (FIXADDR_TOP - FIXADDR_START) >> 10,
	       PKMAP_BASE, PKMAP_BASE + LAST_PKMAP * PAGE_SIZE, (LAST_PKMAP * PAGE_SIZE) >> 10,
	       VMALLOC_START, VMALLOC_END, (VMALLOC_END - VMALLOC_START) >> 20,
	       PAGE_OFFSET, (unsigned long)high_memory,
	       ((unsigned long)high_memory - PAGE_OFFSET) >> 20,
	       (unsigned long)_text, (unsigned long)_end, (unsigned long)(_end - _text) >> 10);
	printk("MAXMEM 0x%08lx, high_memory 0x%08lx, max_low_pfn %#lx, max_pfn %#lx\n",
	       (unsigned long)MAXMEM, (unsigned long)high_memory, max_low_pfn, max_pfn);
}

static void parse_mm_cmdline(void)
{
	const char *s;

	if ((s = cmdline_get("highmem")) != NULL)
		highmem_pages = (unsigned long)(memparse(s, NULL) >> PAGE_SHIFT);
	if ((s = cmdline_get("page_poison")) != NULL)
		page_poisoning_enabled = (*s == '1' || *s == 'y' || *s == 'o');
	/* slab_debug= before failslab=, and both before kmem_cache_init(). */
	if ((s = cmdline_get("slab_debug")) != NULL || (s = cmdline_get("slub_debug")) != NULL)
		setup_slab_debug(s);
	if ((s = cmdline_get("failslab")) != NULL && !setup_failslab(s))
		printk("failslab=: expected <interval>,<probability>,<space>,<times>, got '%s'\n", s);
}

void mm_init(const struct boot_info *bi)
{
	parse_mm_cmdline();
	__init_memblock_from_e820(bi);
	find_low_pfn_range();
	memblock_set_current_limit((phys_addr_t)max_low_pfn << PAGE_SHIFT);
	alloc_mem_map();
	paging_init();
	zone_sizes_init();
	reserve_bootmem_pages(bi);
	pagetable_mark_pages();
	memblock_free_all();
	init_per_zone_wmark_min();
	setup_per_cpu_pageset();
	pageops_init(bi);
}

/* After mm_init: the slab allocator, then fault injection.  Injection is
 * armed last because boot allocations must not fail (in Linux they come
 * from memblock, which fail_page_alloc never sees). */
void mm_init_late(void)
{
	const char *s;

	kmem_cache_init();
	if ((s = cmdline_get("fail_page_alloc")) != NULL && !setup_fail_page_alloc(s))
		printk("fail_page_alloc=: expected <interval>,<probability>,<space>,<times>, got '%s'\n", s);
}

void mm_print_layout(void)
{
	show_zone_ranges();
	print_vm_layout();
}
