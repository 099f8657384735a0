/*
 * Workloads that break the page allocator's rules on purpose, so tests can
 * check that each rule is enforced with the right report (exit status 80):
 *   crash:oom      __GFP_NOFAIL with nothing left: the out-of-memory report
 *   crash:badpage  free a page that still has PG_slab: "Bad page state"
 *   crash:poison   write to a freed page with page_poison=1: caught on reuse
 *   crash:remap    map a kernel address that is already mapped
 *   crash:kmap-order    kunmap_atomic out of order: BUG naming both addresses
 *   crash:kmap-stale    touch a page after kunmap_atomic: the #PF names the slot
 *   crash:pkmap-exhaust kmap one page more than there are pkmap slots
 * The kmap ones want HighMem (-m 128M -c highmem=32M).
 */
#include "kernel.h"
#include "highmem.h"
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

/* A HighMem page, or NULL after saying why there is none. */
static struct page *crash_highpage(const char *who)
{
	struct page *page = alloc_page(GFP_HIGHUSER);

	if (!page || !PageHighMem(page)) {
		printk("%s needs HighMem (boot with highmem= or more than ~892M)\n", who);
		return NULL;
	}
	return page;
}

static int crash_kmap_order(const char *arg)
{
	struct page *a = crash_highpage("crash:kmap-order"), *b = alloc_page(GFP_HIGHUSER);
	void *va, *vb;

	(void)arg;
	if (!a || !b)
		return 1;
	va = kmap_atomic(a);
	vb = kmap_atomic(b);
	printk("crash:kmap-order: mapped %p then %p; unmapping %p first\n", va, vb, va);
	kunmap_atomic(va);
	printk("crash:kmap-order: an out-of-order kunmap_atomic went unnoticed\n");
	return 1;
}
DEFINE_WORKLOAD("crash:kmap-order", crash_kmap_order,
		"kunmap_atomic the outer of two kmap_atomic mappings first: BUG naming both");

static int crash_kmap_stale(const char *arg)
{
	struct page *page = crash_highpage("crash:kmap-stale");
	volatile u32 *va;

	(void)arg;
	if (!page)
		return 1;
	va = kmap_atomic(page);
	va[0] = 1;
	kunmap_atomic((void *)va);
	printk("crash:kmap-stale: reading %p after kunmap_atomic\n", va);
	(void)va[0];
	printk("crash:kmap-stale: a read through an unmapped slot went unnoticed\n");
	return 1;
}
DEFINE_WORKLOAD("crash:kmap-stale", crash_kmap_stale,
		"read through a kmap_atomic address after kunmap_atomic: page fault naming the slot");

static int crash_pkmap_exhaust(const char *arg)
{
	(void)arg;
	for (unsigned int i = 0; i <= LAST_PKMAP; i++) {
		struct page *page = crash_highpage("crash:pkmap-exhaust");

		if (!page)
			return 1;
		kmap(page);
	}
	printk("crash:pkmap-exhaust: %d kmaps held at once went unnoticed\n", LAST_PKMAP + 1);
	return 1;
}
DEFINE_WORKLOAD("crash:pkmap-exhaust", crash_pkmap_exhaust,
		"hold one kmap more than there are pkmap slots: panic naming the users");
