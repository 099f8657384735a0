/*
 * vmalloc workloads: selftest:vmalloc (deterministic checks of every
 * documented behaviour of mm/vmalloc.c), stress:vmalloc (random
 * vmalloc/vzalloc/vmalloc_32/vmap/vfree traffic with host checkpoints),
 * crash:vmalloc-guard (a write into a guard page) and bench:vmalloc
 * (vmalloc+vfree pairs bracketed for --count-insns, with the PTE writes and
 * TLB flushes each pair cost).
 *
 * Page contents are checked by sampling: the first and last word of every
 * page for small areas, every 64th page of big ones (a guest instruction
 * costs ~1 us on kvm_pvm).
 */
#include "kernel.h"
#include "cmdline.h"
#include "fault_inject.h"
#include "highmem.h"
#include "hypercall.h"
#include "mm.h"
#include "random.h"
#include "string.h"
#include "vmalloc.h"
#include "workload.h"
#include "asm/pgtable.h"
#include "mm_snapshot.h"

#define CHECK(cond, ...) SELFTEST_CHECK("selftest:vmalloc", cond, __VA_ARGS__)

static u32 word_pattern(unsigned long addr, u32 seed)
{
	return (u32)addr * 2654435761u ^ seed;
}

/* Pages of an area that get a pattern: all of them up to 256, then every
 * 64th plus the last. */
static unsigned long sample_step(unsigned long pages)
{
	return pages <= 256 ? 1 : 64;
}

/* The sampled page after page i of pages: every step-th, then the last. */
static unsigned long next_sample(unsigned long i, unsigned long pages, unsigned long step)
{
	return i == pages - 1 ? pages : min(i + step, pages - 1);
}

static void fill_sampled(u8 *p, unsigned long size, u32 seed)
{
	unsigned long pages = size >> PAGE_SHIFT, step = sample_step(pages);

	for (unsigned long i = 0; i < pages; i = next_sample(i, pages, step)) {
		u32 *w = (u32 *)(p + (i << PAGE_SHIFT));

		w[0] = word_pattern((unsigned long)w, seed);
		w[PAGE_SIZE / 4 - 1] = ~word_pattern((unsigned long)w, seed);
	}
}

/* The first sampled page whose words differ, or ~0ul. */
static unsigned long verify_sampled(const u8 *p, unsigned long size, u32 seed)
{
	unsigned long pages = size >> PAGE_SHIFT, step = sample_step(pages);

	for (unsigned long i = 0; i < pages; i = next_sample(i, pages, step)) {
		const u32 *w = (const u32 *)(p + (i << PAGE_SHIFT));

		if (w[0] != word_pattern((unsigned long)w, seed) ||
		    w[PAGE_SIZE / 4 - 1] != ~word_pattern((unsigned long)w, seed))
			return i;
	}
	return ~0ul;
}

/* Every page of [p, p + size) is mapped, pages distinct from their
 * neighbours; counts the pages per zone. */
static int check_mapped(const void *p, unsigned long size, unsigned long zones[MAX_NR_ZONES])
{
	for (unsigned long off = 0; off < size; off += PAGE_SIZE) {
		struct page *page = vmalloc_to_page((const u8 *)p + off);

		CHECK(page, "%08lx + %#lx is not mapped", (unsigned long)p, off);
		CHECK(page_count(page) == 1, "pfn %#lx has refcount %d", page_to_pfn(page),
		      page_count(page));
		if (zones)
			zones[page_zonenum(page)]++;
	}
	return 0;
}

static int pte_clear_range(unsigned long start, unsigned long end)
{
	for (unsigned long a = start; a < end; a += PAGE_SIZE) {
		pte_t *pte = lookup_pte_kernel(a);

		CHECK(!pte || pte_none(*pte), "pte of %08lx is %016llx, expected clear", a,
		      (unsigned long long)pte->pte);
	}
	return 0;
}

/* Make the page tables of the first size bytes of the range (at most all
 * of its largest gap), so that the
 * free counts the tests compare do not move when a test reaches them.
 * This is setup, not what is tested: fault injection (fail_page_alloc=,
 * failslab= on the command line) is held off meanwhile. */
static void warm_page_tables(unsigned long size)
{
	unsigned long page_prob = fail_page_alloc.attr.probability;
	unsigned long slab_prob = failslab.attr.probability;
	struct vm_struct *vm;

	fail_page_alloc.attr.probability = 0;
	failslab.attr.probability = 0;
	vm_unmap_aliases();
	/* The range may be smaller than asked (123 MiB from 1G of RAM up). */
	size = min(size, vmalloc_chunk_bytes() - PAGE_SIZE);
	vm = alloc_vm_area(size);
	BUG_ON(!vm);
	free_vm_area(vm);
	vm_unmap_aliases();
	fail_page_alloc.attr.probability = page_prob;
	failslab.attr.probability = slab_prob;
}

/* Is size beyond what free memory holds, with 1 MiB left for the page
 * array, page tables and slab (at 16M of RAM, 16 MiB is)? */
static bool too_little_ram(unsigned long size)
{
	return (size >> PAGE_SHIFT) + (1ul << 20 >> PAGE_SHIFT) >
	       global_zone_page_state(NR_FREE_PAGES);
}

static int test_sizes(void)
{
	static const unsigned long sizes[] = {
		PAGE_SIZE, 2 * PAGE_SIZE, 3 * PAGE_SIZE + 100, 16 << 10, 256 << 10, 1 << 20,
		4 << 20, 16 << 20,
	};
	struct mm_snapshot snap;

	mm_snapshot_take(&snap, true);
	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
		unsigned long size = sizes[i], mapped = ALIGN(size, PAGE_SIZE);
		unsigned long zones[MAX_NR_ZONES] = { 0 };
		u64 pfns[4];
		struct vm_struct *vm;
		unsigned long bad;
		u8 *p;

		if (too_little_ram(mapped)) {
			printk("selftest:vmalloc: vmalloc(%lu): %lu pages free, too few; skipped\n",
			       size, global_zone_page_state(NR_FREE_PAGES));
			continue;
		}
		p = vmalloc(size);
		CHECK(p, "vmalloc(%lu)", size);
		CHECK(is_vmalloc_addr(p) && IS_ALIGNED((unsigned long)p, PAGE_SIZE), "%08lx",
		      (unsigned long)p);
		vm = find_vm_area_containing(p);
		CHECK(vm && vm->addr == p && vm->size == mapped + PAGE_SIZE &&
		      vm->nr_pages == mapped >> PAGE_SHIFT && (vm->flags & VM_ALLOC),
		      "vm_struct of vmalloc(%lu)", size);
		CHECK(!vmalloc_to_page(p + mapped), "the guard page after %08lx is mapped",
		      (unsigned long)p);
		if (check_mapped(p, mapped, zones))
			return 1;
		/* HighMem first: every page comes from HighMem while it lasts. */
		if (managed_zone(&contig_page_data.node_zones[ZONE_HIGHMEM]) && mapped <= (1ul << 20))
			CHECK(zones[ZONE_HIGHMEM] == mapped >> PAGE_SHIFT,
			      "vmalloc(%lu): %lu of %lu pages from HighMem", size,
			      zones[ZONE_HIGHMEM], mapped >> PAGE_SHIFT);
		fill_sampled(p, mapped, i);
		bad = verify_sampled(p, mapped, i);
		CHECK(bad == ~0ul, "vmalloc(%lu): page %lu read back wrong", size, bad);
		for (unsigned int k = 0; k < 4 && k < mapped >> PAGE_SHIFT; k++)
			pfns[k] = vmalloc_to_pfn(p + k * PAGE_SIZE);
		printk("selftest:vmalloc: vmalloc(%lu) at 0x%08lx: %lu DMA, %lu Normal, %lu HighMem "
		       "pages\n", size, (unsigned long)p, zones[ZONE_DMA], zones[ZONE_NORMAL],
		       zones[ZONE_HIGHMEM]);
		vfree(p);
		vm_unmap_aliases();   /* the next size reuses the range and its page tables */
		for (unsigned int k = 0; k < 4 && k < mapped >> PAGE_SHIFT; k++)
			CHECK(page_count(pfn_to_page(pfns[k])) == 0, "pfn %#llx still held after vfree",
			      (unsigned long long)pfns[k]);
		if (pte_clear_range((unsigned long)p, (unsigned long)p + mapped + PAGE_SIZE))
			return 1;
	}
	vm_unmap_aliases();
	return mm_snapshot_compare(&snap, "selftest:vmalloc", "sizes");
}

static int test_vzalloc_and_32(void)
{
	unsigned long zones[MAX_NR_ZONES] = { 0 };
	u8 *p = vmalloc(64 * PAGE_SIZE);
	u32 *z;

	CHECK(p, "vmalloc");
	memset(p, 0xa5, 64 * PAGE_SIZE);
	vfree(p);
	vm_unmap_aliases();
	z = vzalloc(64 * PAGE_SIZE);   /* the same pages, hot on the pcp lists */
	CHECK(z, "vzalloc");
	for (unsigned int i = 0; i < 64 * PAGE_SIZE / 4; i += 61)
		CHECK(!z[i], "vzalloc word %u is %#x", i, z[i]);
	vfree(z);
	p = vmalloc_32(300 * PAGE_SIZE);
	CHECK(p, "vmalloc_32");
	if (check_mapped(p, 300 * PAGE_SIZE, zones))
		return 1;
	CHECK(!zones[ZONE_HIGHMEM], "vmalloc_32: %lu HighMem pages", zones[ZONE_HIGHMEM]);
	CHECK(find_vm_area_containing(p)->nr_pages == 300, "nr_pages");
	vfree(p);
	/* __vmalloc takes the caller's gfp and protection: DMA pages, zeroed,
	 * mapped with exactly PAGE_KERNEL's bits. */
	memset(zones, 0, sizeof(zones));
	z = __vmalloc(8 * PAGE_SIZE, GFP_KERNEL | GFP_DMA | __GFP_ZERO, PAGE_KERNEL);
	CHECK(z, "__vmalloc");
	if (check_mapped(z, 8 * PAGE_SIZE, zones))
		return 1;
	CHECK(zones[ZONE_DMA] == 8, "__vmalloc(GFP_DMA): %lu of 8 pages in DMA", zones[ZONE_DMA]);
	CHECK(!z[5] && !z[8 * PAGE_SIZE / 4 - 1], "__vmalloc(__GFP_ZERO) is not zero");
	CHECK((lookup_pte_kernel((unsigned long)z)->pte & ~PTE_PFN_MASK) == PAGE_KERNEL.pgprot,
	      "pte %016llx", (unsigned long long)lookup_pte_kernel((unsigned long)z)->pte);
	vfree(z);
	return 0;
}

/* vmallocinfo lists each area with its caller; VmallocUsed counts them. */
static int test_vmallocinfo(void)
{
	unsigned long used0 = vmalloc_used_pages();
	void *a = vmalloc(3 * PAGE_SIZE), *b = vmalloc_32(PAGE_SIZE);
	struct page *pg[2] = { alloc_page(GFP_KERNEL), alloc_page(GFP_HIGHUSER) };
	void *m = vmap(pg, 2, 0, PAGE_KERNEL);
	struct vm_struct *io = get_vm_area(2 * PAGE_SIZE, VM_IOREMAP);
	struct vmap_area *va;
	unsigned int seen = 0;

	CHECK(a && b && m && io && pg[0] && pg[1], "alloc");
	list_for_each_entry(va, &vmap_area_list, list)
		if ((va->flags & VMAP_VM_AREA) && (va->vm->addr == a || va->vm->addr == b ||
						   va->vm->addr == m || va->vm == io))
			seen++;
	CHECK(seen == 4, "%u of 4 areas on vmap_area_list", seen);
	/* vmalloc's pages only: a vmap's are the caller's. */
	CHECK(vmalloc_used_pages() == used0 + 4, "VmallocUsed %lu pages, expected %lu",
	      vmalloc_used_pages(), used0 + 4);
	printk("selftest:vmalloc: /proc/vmallocinfo with four areas:\n");
	show_vmallocinfo();
	checkpoint(1);   /* the host compares its vmallocinfo with the lines above */
	free_vm_area(io);
	vunmap(m);
	__free_page(pg[0]);
	__free_page(pg[1]);
	vfree(b);
	vfree(a);
	CHECK(vmalloc_used_pages() == used0, "VmallocUsed after vfree");
	return 0;
}

/* vmap of scattered pages: one virtually contiguous view of them. */
static int test_vmap(void)
{
	struct page *pg[3] = { alloc_page(GFP_HIGHUSER), alloc_page(GFP_KERNEL),
			       alloc_page(GFP_DMA | GFP_KERNEL) };
	u32 *v, *k;

	CHECK(pg[0] && pg[1] && pg[2], "alloc");
	v = vmap(pg, 3, 0, PAGE_KERNEL);
	CHECK(v, "vmap");
	for (unsigned int i = 0; i < 3; i++) {
		CHECK(vmalloc_to_page((u8 *)v + i * PAGE_SIZE) == pg[i], "page %u", i);
		v[i * PAGE_SIZE / 4 + 5] = 0xfeed0000 + i;
	}
	vunmap(v);
	for (unsigned int i = 0; i < 3; i++) {
		k = kmap_atomic(pg[i]);
		CHECK(k[5] == 0xfeed0000 + i, "vmap write to page %u not seen through kmap_atomic", i);
		kunmap_atomic(k);
		CHECK(page_count(pg[i]) == 1, "vunmap dropped the caller's page %u", i);
	}
	/* VM_ALLOC would make vfree free pages the area does not own: vmap
	 * warns and drops it, so the area is a plain vmap that vfree refuses
	 * and vunmap takes. */
	v = vmap(pg, 3, VM_ALLOC, PAGE_KERNEL);
	CHECK(v, "vmap(VM_ALLOC)");
	CHECK(find_vm_area_containing(v)->flags == VM_MAP, "vmap(VM_ALLOC): flags %#lx",
	      find_vm_area_containing(v)->flags);
	vfree(v);
	CHECK(find_vm_area_containing(v) && vmalloc_to_page(v) == pg[0], "vfree took a vmap");
	vunmap(v);
	for (unsigned int i = 0; i < 3; i++) {
		CHECK(page_count(pg[i]) == 1, "vmap(VM_ALLOC): page %u has refcount %d", i,
		      page_count(pg[i]));
		__free_page(pg[i]);
	}
	return 0;
}

/* get_vm_area reserves without mapping; free_vm_area gives it back. */
static int test_get_vm_area(void)
{
	struct vm_struct *vm = get_vm_area(5 * PAGE_SIZE, VM_IOREMAP);

	CHECK(vm && vm->size == 6 * PAGE_SIZE && !vm->nr_pages, "get_vm_area");
	CHECK(!vmalloc_to_page(vm->addr), "get_vm_area mapped a page");
	CHECK(find_vm_area_containing((u8 *)vm->addr + 4 * PAGE_SIZE) == vm, "lookup");
	free_vm_area(vm);
	CHECK(!find_vm_area_containing(vm), "area still busy");
	return 0;
}

/* vfree leaves the range reserved until a purge; past lazy_max_pages()
 * of such ranges a purge comes by itself, with one TLB flush. */
static int test_lazy_purge(void)
{
	unsigned long purges, flushes, chunk;
	struct vm_struct *vm;
	struct vmap_area *va;
	void *p, *q;

	vm_unmap_aliases();
	chunk = vmalloc_chunk_bytes();
	p = vmalloc(2 * PAGE_SIZE);
	CHECK(p, "vmalloc");
	vfree(p);
	CHECK(vmap_lazy_nr == 3, "vmap_lazy_nr %lu after freeing 2 pages + guard", vmap_lazy_nr);
	/* VmallocChunk counts a lazily freed range as free (a search purges
	 * it when it needs the room), as Linux's get_vmalloc_info did. */
	CHECK(vmalloc_chunk_bytes() == chunk, "VmallocChunk %lu with a lazily freed area, "
	      "expected %lu", vmalloc_chunk_bytes(), chunk);
	va = __vmap_area_lookup(&vmap_area_list, NULL, (unsigned long)p);
	CHECK(va && va->flags == VMAP_LAZY_FREE && !va->vm, "the freed area is not lazily freed");
	q = vmalloc(2 * PAGE_SIZE);
	CHECK(q != p, "a lazily freed range was reused before its purge");
	vfree(q);
	flushes = vmalloc_stats.tlb_flushes;
	vm_unmap_aliases();
	CHECK(!vmap_lazy_nr && vmalloc_stats.tlb_flushes == flushes + 1,
	      "purge: vmap_lazy_nr %lu, %lu flushes", vmap_lazy_nr, vmalloc_stats.tlb_flushes - flushes);
	q = vmalloc(2 * PAGE_SIZE);
	CHECK(q == p, "after the purge the range at %08lx was not reused (got %08lx)",
	      (unsigned long)p, (unsigned long)q);
	vfree(q);
	/* Address space only (get_vm_area maps nothing): 33 ranges of 1 MiB
	 * pass the 32 MiB threshold once. */
	purges = vmalloc_stats.purges;
	flushes = vmalloc_stats.tlb_flushes;
	for (int i = 0; i < 33; i++) {
		vm = get_vm_area(1 << 20, VM_IOREMAP);
		CHECK(vm, "get_vm_area %d", i);
		free_vm_area(vm);
	}
	CHECK(vmalloc_stats.purges == purges + 1 && vmalloc_stats.tlb_flushes == flushes + 1,
	      "%lu purges and %lu flushes past the threshold, expected 1 each",
	      vmalloc_stats.purges - purges, vmalloc_stats.tlb_flushes - flushes);
	vm_unmap_aliases();
	return 0;
}

/* Interleaved allocations and frees, then bigger requests land in the
 * lowest gap that holds them (first fit), guard pages included. */
static int test_fragmentation(void)
{
	void *a[8], *big, *small;
	unsigned long stride;

	vm_unmap_aliases();
	for (int i = 0; i < 8; i++)
		CHECK((a[i] = vmalloc(4 * PAGE_SIZE)) != NULL, "a[%d]", i);
	stride = (unsigned long)a[1] - (unsigned long)a[0];
	CHECK(stride == 5 * PAGE_SIZE, "areas %08lx and %08lx are not back to back with one guard "
	      "page", (unsigned long)a[0], (unsigned long)a[1]);
	vfree(a[1]);
	vfree(a[2]);
	vfree(a[5]);
	vm_unmap_aliases();
	/* 9 pages + guard = the 10 pages of a[1] and a[2]. */
	big = vmalloc(9 * PAGE_SIZE);
	CHECK(big == a[1], "9 pages went to %08lx, not the gap at %08lx", (unsigned long)big,
	      (unsigned long)a[1]);
	/* 10 pages fit no gap: after the last area. */
	void *bigger = vmalloc(10 * PAGE_SIZE);
	CHECK((unsigned long)bigger == (unsigned long)a[7] + stride, "10 pages went to %08lx",
	      (unsigned long)bigger);
	small = vmalloc(PAGE_SIZE);
	CHECK(small == a[5], "1 page went to %08lx, not the gap at %08lx", (unsigned long)small,
	      (unsigned long)a[5]);
	vfree(small);
	vfree(bigger);
	vfree(big);
	for (int i = 0; i < 8; i++)
		if (i != 1 && i != 2 && i != 5)
			vfree(a[i]);
	return 0;
}

/* vfree of what it may not free: a warning naming the address, nothing
 * freed. */
static int test_bad_vfree(void)
{
	u8 *p = vmalloc(2 * PAGE_SIZE);
	struct page *pg = alloc_page(GFP_KERNEL);
	void *m;

	CHECK(p && pg, "alloc");
	m = vmap(&pg, 1, 0, PAGE_KERNEL);
	CHECK(m, "vmap");
	p[0] = 0x11;
	vfree(p + PAGE_SIZE);                       /* interior pointer */
	vfree((void *)(VMALLOC_END - PAGE_SIZE));   /* in the range, in no area */
	vfree(page_address(pg));                    /* not vmalloc'd at all */
	vfree(m);                                   /* vmap()ed */
	vunmap(p);                                  /* vmalloc()ed */
	CHECK(find_vm_area_containing(p) && vmalloc_to_page(p + PAGE_SIZE) && p[0] == 0x11,
	      "a bad vfree freed something");
	vfree(p);
	vfree(p);                                   /* double, before the purge */
	vunmap(m);
	__free_page(pg);
	vm_unmap_aliases();
	vfree(p);                                   /* double, after it */
	return 0;
}

/* Fail the nth page allocation of a vmalloc: everything unwinds. */
static int unwind_once(unsigned long size, unsigned int nth)
{
	struct fail_page_alloc_attr saved = fail_page_alloc;
	unsigned long lazy, chunk;
	struct mm_snapshot snap;
	char spec[32];
	void *p;

	vm_unmap_aliases();
	CHECK(!vmalloc_used_pages(), "%lu pages still vmalloc'ed", vmalloc_used_pages());
	mm_snapshot_take(&snap, true);
	lazy = vmap_lazy_nr;
	chunk = vmalloc_chunk_bytes();
	snprintf(spec, sizeof(spec), "%u,100,0,1", nth);
	CHECK(setup_fail_page_alloc(spec), "fail_page_alloc=%s", spec);
	fail_page_alloc.attr.verbose = 0;
	p = vmalloc(size);
	fail_page_alloc = saved;
	CHECK(!p, "vmalloc(%lu) with allocation %u failing returned %08lx", size, nth,
	      (unsigned long)p);
	CHECK(!vmalloc_used_pages() && vmap_lazy_nr == lazy && vmalloc_chunk_bytes() == chunk,
	      "areas changed: used %lu lazy %lu/%lu chunk %lu/%lu", vmalloc_used_pages(),
	      vmap_lazy_nr, lazy, vmalloc_chunk_bytes(), chunk);
	/* No area is busy: every PTE of the warmed page tables is clear. */
	if (pte_clear_range(VMALLOC_START, VMALLOC_START + (16ul << 20) + PAGE_SIZE))
		return 1;
	return mm_snapshot_compare(&snap, "selftest:vmalloc", "unwind");
}

/*
 * Out of address space with lazily freed areas about: the search fails,
 * purges them (one flush) and searches again.  get_vm_area of the whole
 * gap fits after the purge; with a busy area below it, vmalloc of the whole
 * range less its guard page fits neither time and frees its metadata.
 */
static int test_no_gap(void)
{
	unsigned long purges, flushes, chunk, used = vmalloc_used_pages();
	struct mm_snapshot snap;
	struct vm_struct *vm;
	void *lazy, *busy, *p;

	vm_unmap_aliases();
	chunk = vmalloc_chunk_bytes();
	lazy = vmalloc(PAGE_SIZE);
	CHECK(lazy, "vmalloc");
	vfree(lazy);
	purges = vmalloc_stats.purges;
	flushes = vmalloc_stats.tlb_flushes;
	vm = get_vm_area(chunk - PAGE_SIZE, VM_IOREMAP);
	CHECK(vm && vm->addr == lazy && vmalloc_stats.purges == purges + 1 &&
	      vmalloc_stats.tlb_flushes == flushes + 1 && !vmap_lazy_nr,
	      "get_vm_area of the whole gap behind a lazily freed area: %08lx, %lu purges, "
	      "%lu flushes, lazy %lu", vm ? (unsigned long)vm->addr : 0,
	      vmalloc_stats.purges - purges, vmalloc_stats.tlb_flushes - flushes, vmap_lazy_nr);
	free_vm_area(vm);
	vm_unmap_aliases();

	mm_snapshot_take(&snap, true);
	busy = vmalloc(PAGE_SIZE);
	lazy = vmalloc(PAGE_SIZE);
	CHECK(busy && lazy, "vmalloc");
	vfree(lazy);
	purges = vmalloc_stats.purges;
	p = __vmalloc(vmalloc_total_bytes() - PAGE_SIZE, GFP_KERNEL | __GFP_HIGHMEM | __GFP_NOWARN,
		      PAGE_KERNEL);
	CHECK(!p, "vmalloc of the whole range beside a busy area returned %08lx", (unsigned long)p);
	CHECK(vmalloc_stats.purges == purges + 1 && !vmap_lazy_nr &&
	      vmalloc_used_pages() == used + 1 && vmalloc_chunk_bytes() == chunk - 2 * PAGE_SIZE,
	      "after the failed search: %lu purges, lazy %lu, used %lu, chunk %lu",
	      vmalloc_stats.purges - purges, vmap_lazy_nr, vmalloc_used_pages(),
	      vmalloc_chunk_bytes());
	vfree(busy);
	vm_unmap_aliases();
	return mm_snapshot_compare(&snap, "selftest:vmalloc", "no gap");
}

static int test_unwind(void)
{
	void *p;

	/* The nth page allocation of a 64-page vmalloc fails, from the
	 * first to the last (kmalloc's own refills count too). */
	static const unsigned int nths[] = { 1, 2, 33, 64 };

	for (unsigned int i = 0; i < ARRAY_SIZE(nths); i++)
		if (unwind_once(64 * PAGE_SIZE, nths[i]))
			return 1;
	if (test_no_gap())
		return 1;
	/* Out of address space: nothing reserved, nothing allocated. */
	p = vmalloc(vmalloc_total_bytes());
	CHECK(!p, "vmalloc of the whole range succeeded");
	p = vmalloc(~0ul - 100);
	CHECK(!p, "vmalloc(~0 - 100) succeeded");
	printk("selftest:vmalloc: partial failures unwound: free counts, areas and PTEs as before\n");
	return 0;
}

/* ---- Page-table allocation failing partway -------------------------------- */

/* Pages of the map that fails: one page table's 512, then 16 more whose
 * page table cannot be had. */
#define PT_FAIL_PAGES (PTRS_PER_PTE + 16)

/* The lowest PMD-aligned address of the range with no page table there or
 * in the next PMD, or 0. */
static unsigned long fresh_pmds(void)
{
	for (unsigned long a = ALIGN(VMALLOC_START, PMD_SIZE);
	     a >= VMALLOC_START && a + 2 * PMD_SIZE <= VMALLOC_END; a += PMD_SIZE)
		if (!lookup_pte_kernel(a) && !lookup_pte_kernel(a + PMD_SIZE))
			return a;
	return 0;
}

/*
 * Map PT_FAIL_PAGES at fresh_pmds() (an address-only area fills the range
 * below it) with fail_page_alloc failing the second lowmem allocation
 * (ignore_gfp_highmem: the pages vmalloc maps are __GFP_HIGHMEM requests,
 * and the slab objects the call takes are ready on the per-CPU arrays), so
 * the second page table fails after the first 512 pages are mapped.  What
 * must hold: NULL, no PTE left present, one TLB flush, and every count as
 * before except the one page table made, which stays (as in Linux).
 */
static int pt_fail_once(const char *what, struct page **pages)
{
	struct fail_page_alloc_attr saved = fail_page_alloc;
	unsigned long at = fresh_pmds(), flushes, pt0, free0 = 0, free1 = 0, chunk, lazy;
	struct mm_snapshot before, after;
	struct vm_struct *filler = NULL;
	void *p;

	vm_unmap_aliases();
	CHECK(at, "%s: no two fresh PMDs in the vmalloc range", what);
	CHECK(!vmalloc_used_pages(), "%lu pages still vmalloc'ed", vmalloc_used_pages());
	if (at > VMALLOC_START) {
		filler = get_vm_area(at - VMALLOC_START - PAGE_SIZE, VM_IOREMAP);
		CHECK(filler && filler->addr == (void *)VMALLOC_START, "%s: filler", what);
	}
	mm_snapshot_take(&before, true);
	/* The call's slab objects, warm on the per-CPU arrays: its only
	 * lowmem page allocations are page tables. */
	kfree(kmalloc(PT_FAIL_PAGES * sizeof(struct page *), GFP_KERNEL));
	free_vm_area(get_vm_area(PAGE_SIZE, VM_IOREMAP));
	vm_unmap_aliases();
	chunk = vmalloc_chunk_bytes();
	lazy = vmap_lazy_nr;
	flushes = vmalloc_stats.tlb_flushes;
	pt0 = vmalloc_stats.pt_pages;
	CHECK(setup_fail_page_alloc("2,100,0,1"), "fail_page_alloc=2,100,0,1");
	fail_page_alloc.attr.verbose = 0;
	fail_page_alloc.ignore_gfp_highmem = true;
	p = pages ? vmap(pages, PT_FAIL_PAGES, 0, PAGE_KERNEL)
		  : __vmalloc(PT_FAIL_PAGES << PAGE_SHIFT, GFP_KERNEL | __GFP_HIGHMEM | __GFP_NOWARN,
			      PAGE_KERNEL);
	fail_page_alloc = saved;
	CHECK(!p, "%s with the second page table failing returned %08lx", what, (unsigned long)p);
	CHECK(vmalloc_stats.pt_pages == pt0 + 1 && lookup_pte_kernel(at) &&
	      !lookup_pte_kernel(at + PMD_SIZE),
	      "%s: %lu page tables made, expected 1 then a failure", what,
	      vmalloc_stats.pt_pages - pt0);
	if (pte_clear_range(at, at + PMD_SIZE))
		return 1;
	CHECK(vmalloc_stats.tlb_flushes == flushes + 1, "%s: %lu TLB flushes, expected 1", what,
	      vmalloc_stats.tlb_flushes - flushes);
	CHECK(!vmalloc_used_pages() && vmap_lazy_nr == lazy && vmalloc_chunk_bytes() == chunk,
	      "%s: areas changed: used %lu lazy %lu/%lu chunk %lu/%lu", what, vmalloc_used_pages(),
	      vmap_lazy_nr, lazy, vmalloc_chunk_bytes(), chunk);
	mm_snapshot_take(&after, true);
	for (unsigned int z = 0; z < MAX_NR_ZONES; z++) {
		free0 += before.free_pages[z];
		free1 += after.free_pages[z];
	}
	CHECK(free1 == free0 - 1, "%s: %lu free pages, expected %lu (all but the page table)", what,
	      free1, free0 - 1);
	CHECK(after.slab_pages == before.slab_pages, "%s: slab pages %lu, expected %lu", what,
	      after.slab_pages, before.slab_pages);
	for (unsigned int i = 0; i < before.nr_caches; i++)
		CHECK(after.cache[i] == before.cache[i] && after.active[i] == before.active[i],
		      "%s: cache %u has %lu active objects, expected %lu", what, i, after.active[i],
		      before.active[i]);
	if (filler)
		free_vm_area(filler);
	vm_unmap_aliases();
	return 0;
}

/* A vmalloc, then a vmap, whose page-table allocation fails partway, above
 * the warmed tables (at 6G every table is warm: skipped).  It runs before
 * the selftest's snapshot: the page tables it makes stay. */
static int test_pt_unwind(void)
{
	struct page **pages = kmalloc(PT_FAIL_PAGES * sizeof(*pages), GFP_KERNEL);
	unsigned int n = 0;
	int r;

	if (!fresh_pmds()) {
		kfree(pages);
		printk("selftest:vmalloc: page-table failure: every page table of the range is "
		       "made; skipped\n");
		return 0;
	}
	CHECK(pages, "kmalloc");
	if (pt_fail_once("vmalloc", NULL)) {
		kfree(pages);
		return 1;
	}
	while (n < PT_FAIL_PAGES && (pages[n] = alloc_page(GFP_HIGHUSER)) != NULL)
		n++;
	r = n == PT_FAIL_PAGES ? pt_fail_once("vmap", pages) : 1;
	if (n < PT_FAIL_PAGES)
		printk("selftest:vmalloc: FAIL: %u of %u pages for the vmap\n", n, PT_FAIL_PAGES);
	for (unsigned int i = 0; i < n; i++) {
		if (page_count(pages[i]) != 1) {
			printk("selftest:vmalloc: FAIL: vmap unwind: page %u has refcount %d\n", i,
			       page_count(pages[i]));
			r = 1;
		}
		__free_page(pages[i]);
	}
	kfree(pages);
	return r;
}

/* The largest area the range allows: the whole gap less its guard page
 * and the area its page array is vmalloc'ed in (pages and guard page), or 0
 * where RAM cannot fill it with 64 MiB to spare (below 6G). */
static unsigned long largest_area(void)
{
	unsigned long size, chunk;

	vm_unmap_aliases();
	chunk = vmalloc_chunk_bytes();
	size = chunk - 2 * PAGE_SIZE -
	       ALIGN((chunk >> PAGE_SHIFT) * sizeof(struct page *), PAGE_SIZE);
	if ((size >> PAGE_SHIFT) + (64ul << 20 >> PAGE_SHIFT) > global_zone_page_state(NR_FREE_PAGES))
		return 0;
	return size;
}

/* The largest area, at 6G; its page tables were made before the
 * selftest's first snapshot. */
static int test_largest(void)
{
	unsigned long size = largest_area();
	struct mm_snapshot snap;
	u8 *p;

	if (!size) {
		printk("selftest:vmalloc: largest area: %lu MiB of vmalloc range, too little RAM "
		       "to fill it; skipped\n", vmalloc_chunk_bytes() >> 20);
		return 0;
	}
	mm_snapshot_take(&snap, true);
	p = vmalloc(size);
	CHECK(p, "vmalloc(%lu), the largest gap less its guard page and page array", size);
	CHECK(vmalloc_chunk_bytes() < PAGE_SIZE * 2, "%lu bytes left after the largest area",
	      vmalloc_chunk_bytes());
	fill_sampled(p, size, 0x6666);
	CHECK(verify_sampled(p, size, 0x6666) == ~0ul, "largest area read back wrong");
	printk("selftest:vmalloc: largest area 0x%08lx-0x%08lx (%lu MiB), sampled every 64th "
	       "page\n", (unsigned long)p, (unsigned long)p + size, size >> 20);
	vfree(p);
	vm_unmap_aliases();
	return mm_snapshot_compare(&snap, "selftest:vmalloc", "largest area");
}

/* Purge the lazily freed areas, then let the host check the range empty
 * of them. */
static void vmalloc_settle(void)
{
	vm_unmap_aliases();
	checkpoint(2);
}

static int selftest_vmalloc(const char *arg)
{
	/* Before the snapshot: the page tables it makes stay. */
	static const struct selftest pt_unwind = { "page-table failure unwinds", test_pt_unwind };
	static const struct selftest tests[] = {
		{ "sizes from 1 page to 16 MiB", test_sizes },
		{ "vzalloc, vmalloc_32, __vmalloc", test_vzalloc_and_32 },
		{ "vmallocinfo and VmallocUsed", test_vmallocinfo },
		{ "vmap and vunmap", test_vmap },
		{ "get_vm_area", test_get_vm_area },
		{ "lazy purge", test_lazy_purge },
		{ "fragmentation: first fit", test_fragmentation },
		{ "bad vfree warns, frees nothing", test_bad_vfree },
		{ "partial failure unwinds", test_unwind },
		{ "largest area", test_largest },
	};

	(void)arg;
	/* 16 MiB areas and the area of their page array after them, or, at
	 * 6G, the whole range (warm_page_tables stops at its end). */
	warm_page_tables(largest_area() ? vmalloc_total_bytes() : 17ul << 20);
	return selftest_run("selftest:vmalloc", &pt_unwind, tests, ARRAY_SIZE(tests), 34, true,
			    vmalloc_settle);
}
DEFINE_WORKLOAD("selftest:vmalloc", selftest_vmalloc,
		"deterministic vmalloc checks; free counts must end where they began");

/* ---- stress:vmalloc ------------------------------------------------------ */

#define STRESS_MAX_AREAS 256

struct stress_area {
	u8 *p;
	unsigned long size;
	u32 seed;                 /* of its sampled pattern */
	struct page **vmapped;    /* a vmap's pages (kmalloc'ed), else NULL */
};

static void free_page_array(struct page **pg, unsigned long n)
{
	while (n--)
		__free_page(pg[n]);
	kfree(pg);
}

/* vmap of n fresh pages (HighMem first), or NULL with nothing held. */
static u8 *stress_vmap(unsigned long n, struct page ***pages)
{
	struct page **pg = kmalloc(n * sizeof(*pg), GFP_KERNEL);
	unsigned long i = 0;
	u8 *p = NULL;

	if (!pg)
		return NULL;
	while (i < n && (pg[i] = alloc_page(GFP_HIGHUSER | __GFP_NOWARN)) != NULL)
		i++;
	if (i == n)
		p = vmap(pg, n, 0, PAGE_KERNEL);
	if (!p) {
		free_page_array(pg, i);
		return NULL;
	}
	*pages = pg;
	return p;
}

/* Check an area's sampled pattern and free it: 1 if it read back wrong. */
static unsigned long stress_release(struct stress_area *a)
{
	unsigned long b = verify_sampled(a->p, a->size, a->seed);

	if (b != ~0ul)
		printk("stress:vmalloc: FAIL: area %08lx page %lu read back wrong\n",
		       (unsigned long)a->p, b);
	if (a->vmapped) {
		vunmap(a->p);
		free_page_array(a->vmapped, a->size >> PAGE_SHIFT);
	} else {
		vfree(a->p);
	}
	return b != ~0ul;
}

static int stress_vmalloc(const char *arg)
{
	static struct stress_area held[STRESS_MAX_AREAS];
	unsigned long seed, ops;
	unsigned long allocs = 0, frees = 0, fails = 0, bad = 0;
	unsigned int nr = 0;
	struct mm_snapshot start;
	struct rnd_state rnd;
	int failed;

	(void)arg;
	stress_opts(&seed, &ops, &rnd);
	/* Busy areas plus up to 32 MiB lazily freed stay well inside. */
	warm_page_tables(128ul << 20);
	mm_snapshot_take(&start, true);
	for (unsigned long op = 1; op <= ops; op++) {
		if (nr == 0 || (nr < STRESS_MAX_AREAS && prandom_below(&rnd, 100) < 55)) {
			/* Mostly small areas, some up to 1 MiB. */
			unsigned long pages = prandom_below(&rnd, 4) ? 1 + prandom_below(&rnd, 8)
							      : 1 + prandom_below(&rnd, 256);
			unsigned int kind = prandom_below(&rnd, 4);
			struct page **pg = NULL;
			u8 *p;

			if (kind == 3) {
				pages = 1 + pages % 16;
				p = stress_vmap(pages, &pg);
			} else {
				p = kind == 0 ? vmalloc(pages << PAGE_SHIFT) :
				    kind == 1 ? vzalloc(pages << PAGE_SHIFT) :
				    vmalloc_32(pages << PAGE_SHIFT);
			}
			if (!p) {
				fails++;
			} else {
				u32 *w = (u32 *)p;

				if (kind == 1 && (w[0] || w[(pages << PAGE_SHIFT) / 4 - 1])) {
					printk("stress:vmalloc: FAIL: vzalloc area %08lx is not zero\n",
					       (unsigned long)p);
					bad++;
				}
				held[nr] = (struct stress_area){ p, pages << PAGE_SHIFT, (u32)op, pg };
				fill_sampled(p, held[nr].size, held[nr].seed);
				nr++;
				allocs++;
			}
		} else {
			unsigned int k = prandom_below(&rnd, nr);

			bad += stress_release(&held[k]);
			held[k] = held[--nr];
			frees++;
		}
		if (op % 100 == 0)
			checkpoint(op);
	}
	while (nr)
		bad += stress_release(&held[--nr]);
	checkpoint(ops + 1);
	vm_unmap_aliases();
	failed = mm_snapshot_compare(&start, "stress:vmalloc", "end");
	printk("stress:vmalloc: seed %lu: %lu ops, %lu allocs, %lu frees, %lu failed, %lu purges\n",
	       seed, ops, allocs, frees, fails, vmalloc_stats.purges);
	printk("stress:vmalloc: %lu bad areas; free counts %s\n", bad, failed ? "differ" : "restored");
	return bad || failed ? 1 : 0;
}
DEFINE_WORKLOAD("stress:vmalloc", stress_vmalloc,
		"random vmalloc/vzalloc/vmalloc_32/vmap and frees (seed=N ops=M), checkpoint every "
		"100 ops; contents sampled on free, free counts must end where they began");

/* ---- crash:vmalloc-guard ------------------------------------------------- */

static int crash_vmalloc_guard(const char *arg)
{
	volatile u8 *p = vmalloc(4 * PAGE_SIZE);

	(void)arg;
	BUG_ON(!p);
	p[4 * PAGE_SIZE - 1] = 1;   /* the last byte: fine */
	p[4 * PAGE_SIZE + 8] = 1;   /* the guard page */
	printk("crash:vmalloc-guard: the guard page was writable\n");
	return 1;
}
DEFINE_WORKLOAD("crash:vmalloc-guard", crash_vmalloc_guard,
		"write just past a 4-page vmalloc area: #PF in its guard page, oops, panic");

/* ---- bench:vmalloc ------------------------------------------------------- */

static void vmalloc_pairs(const char *tag, unsigned long size, unsigned int n)
{
	struct vmalloc_stats s0;
	u32 len = strlen(tag);
	void *p = vmalloc(size);   /* warm-up: page tables, slab, pcp */

	BUG_ON(!p);
	vfree(p);
	vm_unmap_aliases();
	s0 = vmalloc_stats;
	__bench_begin(tag, len);
	for (unsigned int i = 0; i < n; i++) {
		p = vmalloc(size);
		vfree(p);
	}
	__bench_end(tag, len, n);
	/* Totals over the n pairs: flushes come from the purges the pairs
	 * caused (make bench divides). */
	printk("vmalloc-bench %s ops=%u pte_writes=%lu tlb_flushes=%lu purges=%lu\n", tag, n,
	       vmalloc_stats.pte_writes - s0.pte_writes, vmalloc_stats.tlb_flushes - s0.tlb_flushes,
	       vmalloc_stats.purges - s0.purges);
	vm_unmap_aliases();
}

static int bench_vmalloc(const char *arg)
{
	unsigned int n = (unsigned int)cmdline_get_uint("iters", 20);

	(void)arg;
	vmalloc_pairs("vmalloc16k", 16 << 10, n);
	vmalloc_pairs("vmalloc1m", 1 << 20, n);
	vmalloc_pairs("vmalloc16m", 16 << 20, n < 8 ? n : 8);
	return 0;
}
DEFINE_WORKLOAD("bench:vmalloc", bench_vmalloc,
		"vmalloc+vfree pairs of 16 KiB, 1 MiB and 16 MiB (iters=N; 16 MiB at most 8)");
