/*
 * Workloads that break the page allocator's rules on purpose, so tests can
 * check that each rule is enforced with the right report (exit status 80):
 *   crash:oom      __GFP_NOFAIL with nothing left: the out-of-memory report
 *   crash:badpage  free a page that still has PG_slab: "Bad page state"
 *   crash:poison   write to a freed page with page_poison=1: caught on reuse
 *   crash:remap    map a kernel address that is already mapped
 */
#include "kernel.h"
#include "mm.h"
#include "workload.h"
#include "asm/pgtable.h"

static int crash_oom(const char *arg)
{
	(void)arg;
	/* Order-10 blocks run out within a few dozen calls at 64M. */
	for (;;)
		alloc_pages(GFP_KERNEL | __GFP_NOFAIL, MAX_ORDER - 1);
	return 0;
}
DEFINE_WORKLOAD("crash:oom", crash_oom, "exhaust lowmem with __GFP_NOFAIL: OOM report, panic");

static int crash_badpage(const char *arg)
{
	struct page *page = alloc_page(GFP_KERNEL);

	(void)arg;
	__SetPageSlab(page);   /* as if slab forgot to clear it */
	__free_page(page);
	return 0;
}
DEFINE_WORKLOAD("crash:badpage", crash_badpage, "free a page with PG_slab set: bad page report, panic");

static int crash_poison(const char *arg)
{
	struct page *page = alloc_page(GFP_KERNEL);
	volatile u8 *va = page_address(page);

	(void)arg;
	if (!page_poisoning_enabled) {
		printk("crash:poison needs page_poison=1\n");
		return 1;
	}
	__free_page(page);
	va[123] = 0x42;        /* use after free */
	/* The per-CPU list hands the hot page straight back: checked here. */
	alloc_page(GFP_KERNEL);
	printk("crash:poison: write after free went unnoticed\n");
	return 1;
}
DEFINE_WORKLOAD("crash:poison", crash_poison,
		"write to a freed page (needs page_poison=1): caught when it is reallocated");

/* Two pages mapped in turn at the first pkmap address, never unmapped. */
static int crash_remap(const char *arg)
{
	u64 pfn[2] = { page_to_pfn(alloc_page(GFP_KERNEL)), page_to_pfn(alloc_page(GFP_KERNEL)) };

	(void)arg;
	set_pte_range_kernel(PKMAP_BASE, &pfn[0], 1, PAGE_KERNEL);
	set_pte_range_kernel(PKMAP_BASE, &pfn[1], 1, PAGE_KERNEL);
	return 0;
}
DEFINE_WORKLOAD("crash:remap", crash_remap,
		"map a kernel address twice without unmapping it: panic naming the address");
