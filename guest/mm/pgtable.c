/*
 * Kernel page tables: building swapper_pg_dir at boot, the fixmap, and
 * kernel-range PTE updates that flush the TLB once.
 *
 * swapper_pg_dir is the PAE pgd (PDPT) plus its PML4 wrapper page
 * (asm/pgtable_types.h).  Only PDPT entry 3 (the kernel's 3-4 GiB) is used
 * by the kernel; its PD (swapper_kernel_pmd) is shared by every address
 * space, so kernel mappings need no syncing.  The PD holds:
 *   - the direct map of lowmem at PAGE_OFFSET, 2 MiB pages where a whole
 *     2 MiB of lowmem fits, 4 KiB pages at the top edge (this also maps the
 *     kernel image, which lives in lowmem at 1 MiB);
 *   - the vmalloc range's page tables, allocated on demand by
 *     pte_alloc_kernel() and kept (as Linux keeps them);
 *   - one page table for pkmap (LAST_PKMAP slots, highmem.c's kmap);
 *   - one page table for the fixmap.
 * Page-table pages are PG_table; early ones come from memblock (untouched,
 * hence zero, RAM) or from the kernel image's bss.
 */
#include "kernel.h"
#include "highmem.h"
#include "memblock.h"
#include "mm.h"
#include "asm/pgtable.h"

/* Page-aligned so the CPU can use them directly; zero as loaded (bss). */
pgd_t swapper_pg_dir[2 * PAGE_SIZE / sizeof(pgd_t)] __attribute__((aligned(PAGE_SIZE), section(".bss.page_aligned")));
static pmd_t swapper_kernel_pmd[PTRS_PER_PMD] __attribute__((aligned(PAGE_SIZE), section(".bss.page_aligned")));

static pte_t *fixmap_page_table;

/* Page tables allocated before mem_map could record PG_table on them:
 * the direct map's edge PT, pkmap's and the fixmap's. */
static void *early_tables[4];
static unsigned int nr_early_tables;

/* An early page-table page from memblock.  memblock hands out RAM nobody
 * has written, which is zero, so no clearing (docs/design.md §2.6
 * rule 1). */
static void *early_pt_alloc(void)
{
	phys_addr_t pa = memblock_phys_alloc(PAGE_SIZE, PAGE_SIZE);

	if (!pa)
		panic("paging_init: out of early memory for page tables");
	return __va(pa);
}

static pte_t *early_pte_table(unsigned long vaddr)
{
	pmd_t *pmd = &swapper_kernel_pmd[pmd_index(vaddr)];

	if (pmd_none(*pmd)) {
		void *pt = early_pt_alloc();

		BUG_ON(nr_early_tables == ARRAY_SIZE(early_tables));
		early_tables[nr_early_tables++] = pt;
		set_pmd(pmd, __pmd(__pa(pt) | _KERNPG_TABLE));
	}
	BUG_ON(pmd_large(*pmd));
	return (pte_t *)__va(pmd->pmd & PTE_PFN_MASK);
}

/*
 * Store val, val + step, val + 2 * step ... into the low halves of n
 * consecutive 64-bit entries of a page-table page that is not live yet
 * (CR3 still holds the VMM's tables, so plain stores in any order will do)
 * and that was zero (bss, or untouched RAM from memblock), for entries of
 * lowmem, which is below 4 GiB, without NX: their high halves stay zero.
 * Unrolled by four: ~3 emulated instructions an entry instead of ~20
 * through set_pte(pfn_pte()).
 */
static inline __attribute__((always_inline)) void fill_low_halves(u32 *e, unsigned long n, u32 val,
								  u32 step)
{
	u32 *last4 = e + 2 * (n & ~3ul), *last = e + 2 * n;

	for (; e < last4; e += 8, val += 4 * step) {
		e[0] = val;
		e[2] = val + step;
		e[4] = val + 2 * step;
		e[6] = val + 3 * step;
	}
	for (; e < last; e += 2, val += step)
		e[0] = val;
}

/* The direct map: 2 MiB pages (446 of them at 6 GiB), then the edge in
 * 4 KiB pages: up to 511 PTEs (510 at 6 GiB, where MAXMEM is not 2 MiB
 * aligned). */
static void map_lowmem(void)
{
	unsigned long end_pfn = max_low_pfn, large = end_pfn / PTRS_PER_PTE;
	unsigned long pfn = large * PTRS_PER_PTE;

	_Static_assert(!((u64)__PAGE_KERNEL_LARGE >> 32) && !((u64)__PAGE_KERNEL >> 32),
		       "kernel lowmem entries have no high bits (NX)");
	fill_low_halves((u32 *)&swapper_kernel_pmd[pmd_index(PAGE_OFFSET)], large,
			__PAGE_KERNEL_LARGE, PMD_SIZE);
	if (pfn < end_pfn)
		fill_low_halves((u32 *)early_pte_table(PAGE_OFFSET + (pfn << PAGE_SHIFT)),
				end_pfn - pfn, (u32)(pfn << PAGE_SHIFT) | __PAGE_KERNEL, PAGE_SIZE);
}

static void mark_table(void *va)
{
	SetPageTable(virt_to_page(va));
}

void paging_init(void)
{
	pgd_t *pdpt = swapper_pg_dir;
	u64 *pml4 = (u64 *)((char *)swapper_pg_dir + PAGE_SIZE);

	pml4[0] = __pa(pdpt) | _PAGE_UPPER_TABLE;
	set_pgd(&pdpt[pgd_index(PAGE_OFFSET)], __pgd(__pa(swapper_kernel_pmd) | _PAGE_UPPER_TABLE));

	map_lowmem();
	pkmap_page_table = early_pte_table(PKMAP_BASE);   /* kmap's window, there from boot */
	fixmap_page_table = early_pte_table(FIXADDR_START);

	/* Drop the VMM's boot tables: from here on there is no identity map,
	 * so a stray low pointer faults instead of silently working. */
	load_cr3(swapper_pg_dir);
}

/* Once mem_map exists: tag every kernel page-table page PG_table. */
void pagetable_mark_pages(void)
{
	mark_table(swapper_pg_dir);
	mark_table((char *)swapper_pg_dir + PAGE_SIZE);
	mark_table(swapper_kernel_pmd);
	for (unsigned int i = 0; i < nr_early_tables; i++)
		mark_table(early_tables[i]);
}

pte_t *lookup_pte_kernel(unsigned long addr)
{
	pgd_t *pgd = pgd_offset_k(addr);
	pmd_t *pmd;

	if (!pgd_present(*pgd))
		return NULL;
	pmd = pmd_offset(pgd, addr);
	if (!pmd_present(*pmd) || pmd_large(*pmd))
		return NULL;
	return pte_offset_kernel(pmd, addr);
}

/*
 * The PTE for addr, allocating its page table if the PD entry is empty: a
 * zeroed lowmem page, PG_table, linked into the shared kernel PD, so every
 * address space sees it at once.  NULL when no page is left.  A PD entry
 * going from empty to present needs no flush: the CPU caches no
 * not-present entries.
 */
pte_t *pte_alloc_kernel(unsigned long addr, bool *allocated)
{
	pgd_t *pgd = pgd_offset_k(addr);
	pmd_t *pmd;
	struct page *page;

	BUG_ON(!pgd_present(*pgd));
	pmd = pmd_offset(pgd, addr);
	*allocated = false;
	if (pmd_none(*pmd)) {
		page = alloc_page(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN);
		if (!page)
			return NULL;
		__SetPageTable(page);
		set_pmd(pmd, __pmd(PFN_PHYS(page_to_pfn(page)) | _KERNPG_TABLE));
		*allocated = true;
	}
	BUG_ON(pmd_large(*pmd));
	return pte_offset_kernel(pmd, addr);
}

void flush_tlb_kernel_range(unsigned long start, unsigned long end)
{
	/* Past a few dozen pages one CR3 reload is cheaper than invlpg each
	 * (each instruction costs ~1 us here either way). */
	if ((end - start) >> PAGE_SHIFT > 32) {
		flush_tlb_all();
		return;
	}
	for (unsigned long a = start; a < end; a += PAGE_SIZE)
		flush_tlb_one(a);
}

/*
 * Map nr pages at addr.  As xv6's mappages, a remap of a live entry is a
 * bug (another mapping's page would be lost from under it, and its stale
 * TLB entries with it): a change of protection clears the range first.
 */
void set_pte_range_kernel(unsigned long addr, const u64 *pfns, unsigned int nr, pgprot_t prot)
{
	for (unsigned int i = 0; i < nr; i++) {
		unsigned long va = addr + i * PAGE_SIZE;
		pte_t *ptep = lookup_pte_kernel(va);

		BUG_ON(!ptep);
		if (unlikely(pte_present(*ptep)))
			panic("set_pte_range_kernel: %08lx is already mapped (pte %016llx): remap of a "
			      "live kernel PTE", va, (unsigned long long)ptep->pte);
		set_pte(ptep, pfn_pte(pfns[i], prot));
	}
	flush_tlb_kernel_range(addr, addr + nr * PAGE_SIZE);
}

void clear_pte_range_kernel(unsigned long addr, unsigned int nr)
{
	for (unsigned int i = 0; i < nr; i++) {
		pte_t *ptep = lookup_pte_kernel(addr + i * PAGE_SIZE);
		if (ptep)
			pte_clear(ptep);
	}
	flush_tlb_kernel_range(addr, addr + nr * PAGE_SIZE);
}

void set_fixmap(enum fixed_addresses idx, phys_addr_t phys, pgprot_t prot)
{
	unsigned long va = fix_to_virt(idx);

	BUG_ON(idx <= FIX_HOLE || idx >= __end_of_fixed_addresses);
	set_pte(&fixmap_page_table[pte_index(va)], pfn_pte(phys >> PAGE_SHIFT, prot));
	flush_tlb_one(va);
}

void clear_fixmap(enum fixed_addresses idx)
{
	unsigned long va = fix_to_virt(idx);

	BUG_ON(idx <= FIX_HOLE || idx >= __end_of_fixed_addresses);
	pte_clear(&fixmap_page_table[pte_index(va)]);
	flush_tlb_one(va);
}
