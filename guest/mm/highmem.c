/*
 * kmap_atomic: short-lived, per-CPU mappings of highmem pages through the
 * fixmap (Linux's mm/highmem.c and arch/x86/mm/highmem_32.c).
 *
 * Each CPU owns KM_TYPE_NR consecutive fixmap slots and a depth counter;
 * nested kmap_atomic calls push, kunmap_atomic pops, so mappings are
 * strictly LIFO.  There is no preemption, and interrupt handlers that map
 * pages unmap them before returning, so the stack stays balanced.
 */
#include "kernel.h"
#include "highmem.h"
#include "asm/pgtable.h"

static int kmap_atomic_depth[NR_CPUS];

static enum fixed_addresses kmap_slot(int depth)
{
	return FIX_KMAP_BEGIN + depth + KM_TYPE_NR * smp_processor_id();
}

void *kmap_atomic(struct page *page)
{
	int *depth = &kmap_atomic_depth[smp_processor_id()];
	enum fixed_addresses idx;

	if (!PageHighMem(page))
		return lowmem_page_address(page);
	BUG_ON(*depth >= KM_TYPE_NR);
	idx = kmap_slot((*depth)++);
	/* As Linux's highmem_32.c: a slot above the depth must be free, or
	 * the counter and the slots disagree (a missed kunmap_atomic). */
	MM_BUG_ON(!pte_none(*lookup_pte_kernel(fix_to_virt(idx))));
	set_fixmap(idx, PFN_PHYS(page_to_pfn(page)), PAGE_KERNEL);
	return (void *)fix_to_virt(idx);
}

void __kunmap_atomic(void *kvaddr)
{
	unsigned long va = (unsigned long)kvaddr & PAGE_MASK;
	int *depth = &kmap_atomic_depth[smp_processor_id()];

	if (va < FIXADDR_START || va >= FIXADDR_TOP)
		return;   /* a lowmem page: nothing was mapped */
	BUG_ON(*depth <= 0);
	/* Only the top of the stack may be unmapped. */
	BUG_ON(va != fix_to_virt(kmap_slot(*depth - 1)));
	clear_fixmap(kmap_slot(--(*depth)));
}
