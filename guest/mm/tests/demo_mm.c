/*
 * demo:mm, part of the default run (`make run`): a short, readable tour of
 * the page allocator on the live kernel.  Each step says what Linux code
 * path it exercises and shows /proc/buddyinfo where it changed.
 */
#include "kernel.h"
#include "highmem.h"
#include "hypercall.h"
#include "mm.h"
#include "procfs.h"
#include "vmalloc.h"
#include "workload.h"

static void step(const char *what, struct page *page, unsigned int order)
{
	printk("  %-34s -> pfn 0x%05lx order %u, zone %s\n", what,
	       page_to_pfn(page), order, page_zone(page)->name);
}

/* page_address() as the demo prints it: the address, or NULL. */
static const char *pa_str(struct page *page, char *buf)
{
	void *va = page_address(page);

	if (!va)
		return "NULL";
	snprintf(buf, 16, "0x%08lx", (unsigned long)va);
	return buf;
}

/* A HighMem page has no kernel address of its own: the two ways to get one. */
static void demo_highmem(struct page *hi)
{
	char buf[16];
	u32 *va, *pk;

	printk("    a HighMem page has no permanent address: page_address() = %s\n",
	       pa_str(hi, buf));
	va = kmap_atomic(hi);
	va[0] = 0x12345678;
	printk("    kmap_atomic() mapped it at 0x%08lx, a per-CPU fixmap slot (page_address() "
	       "still %s)\n", (unsigned long)va, pa_str(hi, buf));
	kunmap_atomic(va);
	pk = kmap(hi);
	printk("    kmap() mapped it at 0x%08lx, a pkmap slot: page_address() = %s, and it reads "
	       "back 0x%08x\n", (unsigned long)pk, pa_str(hi, buf), pk[0]);
	kunmap(hi);
	printk("    after kunmap() the slot is unused but still mapped until the next flush: "
	       "page_address() = %s\n", pa_str(hi, buf));
}

/* The pages of a vmalloc or vmap area as runs of consecutive pfns in one
 * zone: virtual range -> pfn range, zone.  At most max_runs lines. */
static void show_area_pages(const u8 *va, unsigned long pages, unsigned int max_runs)
{
	unsigned long start = 0, runs = 0;

	for (unsigned long i = 1; i <= pages; i++) {
		unsigned long pfn0 = vmalloc_to_pfn(va + start * PAGE_SIZE);
		struct page *page = pfn_to_page(pfn0);

		if (i < pages && vmalloc_to_pfn(va + i * PAGE_SIZE) == pfn0 + (i - start) &&
		    page_zone(pfn_to_page(pfn0 + (i - start))) == page_zone(page))
			continue;
		if (runs++ < max_runs)
			printk("    0x%08lx-0x%08lx -> pfn 0x%05lx-0x%05lx %-7s (%lu page%s)\n",
			       (unsigned long)(va + start * PAGE_SIZE), (unsigned long)(va + i * PAGE_SIZE),
			       pfn0, pfn0 + (i - start), page_zone(page)->name, i - start,
			       i - start == 1 ? "" : "s");
		start = i;
	}
	if (runs > max_runs)
		printk("    ... and %lu more runs\n", runs - max_runs);
}

/* vmalloc: contiguous virtual addresses over scattered pages.  The areas
 * stay until after the checkpoint, so `vmm --check` sees them mapped. */
static void demo_vmalloc(void **vm, void **vmapped, struct page *pages[3])
{
	struct zone *top = &contig_page_data.node_zones[ZONE_HIGHMEM];
	unsigned long nr;

	while (top > contig_page_data.node_zones && !managed_zone(top))
		top--;   /* the highest zone with pages: vmalloc tries it first */
	pages[0] = alloc_page(GFP_DMA | GFP_KERNEL);
	pages[1] = alloc_page(GFP_KERNEL);
	pages[2] = alloc_page(GFP_HIGHUSER);
	*vmapped = vmap(pages, 3, 0, PAGE_KERNEL);
	printk("vmap() of a page from each zone (mm/vmalloc.c): one virtual range over them:\n");
	show_area_pages(*vmapped, 3, 3);
	/* A little more than the first zone vmalloc tries has free, so the
	 * area spills into the next one down: where there is one, and where
	 * the range holds that with half of it to spare (big guests have more
	 * HighMem than that). */
	nr = zone_page_state(top, NR_FREE_PAGES) + 16;
	if (top > contig_page_data.node_zones && nr <= (vmalloc_chunk_bytes() >> PAGE_SHIFT) / 2) {
		printk("vmalloc(%lu pages), after vmap's guard page: the pages come one at a time,\n"
		       "%s first, then from the zone below once it reaches its watermark:\n", nr,
		       top->name);
	} else {
		nr = 64;
		printk("vmalloc(%lu pages), after vmap's guard page: the pages come one at a time,\n"
		       "%s first (no spill to show: the zone is the lowest, or has more free pages\n"
		       "than the vmalloc range can map):\n", nr,
		       top->name);
	}
	*vm = vmalloc(nr * PAGE_SIZE);
	if (*vm)
		show_area_pages(*vm, nr, 12);
	printk("/proc/vmallocinfo:\n");
	show_vmallocinfo();
}

static int demo_mm(const char *arg)
{
	struct zone *normal = &contig_page_data.node_zones[ZONE_NORMAL];
	struct per_cpu_pages *pcp = &normal->pageset[smp_processor_id()];
	struct page *p0, *p3, *hi, *dma, *vpages[3];
	void *vm, *vmapped;

	(void)arg;
	printk("\n== demo:mm: the buddy allocator (mm/page_alloc.c) ==\n");
	drain_all_pages(NULL);
	printk("free blocks per order (/proc/buddyinfo):\n");
	show_buddyinfo();

	p0 = alloc_pages(GFP_KERNEL, 0);
	step("alloc_pages(GFP_KERNEL, 0)", p0, 0);
	printk("    the per-CPU list was empty: rmqueue_bulk() moved a batch of %d,\n"
	       "    one was handed out, %d wait on the list for the next order-0 request\n",
	       pcp->batch, pcp->count);
	p3 = alloc_pages(GFP_KERNEL, 3);
	step("alloc_pages(GFP_KERNEL, 3)", p3, 3);
	hi = alloc_pages(GFP_HIGHUSER, 0);
	step("alloc_pages(GFP_HIGHUSER, 0)", hi, 0);
	dma = alloc_pages(GFP_DMA, 0);
	step("alloc_pages(GFP_DMA, 0)", dma, 0);
	if (PageHighMem(hi))
		demo_highmem(hi);
	printk("after the allocations (expand() split bigger blocks):\n");
	show_buddyinfo();

	__free_pages(p3, 3);
	__free_pages(p0, 0);
	__free_pages(hi, 0);
	__free_pages(dma, 0);
	drain_all_pages(NULL);
	printk("after freeing (__free_one_page() merged each block with its buddy at pfn ^ (1 << order)):\n");
	show_buddyinfo();
	printk("\n");
	demo_vmalloc(&vm, &vmapped, vpages);
	printk("\n");
	show_meminfo();
	/* Quiescent: `vmm --check` verifies the state from outside here. */
	checkpoint(0);
	vunmap(vmapped);
	for (int i = 0; i < 3; i++)
		__free_page(vpages[i]);
	vfree(vm);
	return 0;
}
DEFINE_WORKLOAD("demo:mm", demo_mm, "a short tour of the buddy allocator (part of the default run)");
