/*
 * vmalloc: virtually contiguous kernel memory from pages that need not be
 * physically contiguous (Linux's mm/vmalloc.c; Understanding the Linux
 * Kernel, 8.3).  vmalloc.h describes vmap_area and vm_struct.
 *
 * An allocation reserves an address range one guard page longer than asked
 * (mm/vmap_area.c finds it, first fit), allocates the pages one at a time
 * (vmalloc: HighMem first, the buddy allocator falling back to Normal and
 * DMA; vmalloc_32: Normal and DMA only), and maps them in the range's page
 * tables, which live in the shared kernel PD and are allocated on demand
 * (pte_alloc_kernel).  Newly present PTEs need no TLB flush.
 *
 * Freeing is lazy, as in Linux (vmap_lazy_nr): vfree and vunmap clear the
 * PTEs and give the pages back at once, but the address range stays
 * reserved, marked VMAP_LAZY_FREE, until a purge flushes the TLB once for
 * every area freed since the last one (one flush_tlb_kernel_range over
 * their span) and unreserves them.  A purge comes when the lazily freed
 * pages pass lazy_max_pages(), when a search finds no room, or on
 * vm_unmap_aliases().  So no address is reused while a stale translation
 * to it may exist, and a vfree costs no flush of its own.
 *
 * A failure partway (out of pages, page tables or address space) unwinds
 * everything the call did: PTEs cleared (one flush), range unreserved, and
 * only then the pages freed.  Page tables the call allocated stay, as they
 * do in Linux.
 *
 * vmap_area_lock protects vmap_area_list, the areas, their vm_structs and
 * vmap_lazy_nr.  One CPU, no preemption, no interrupts today; the lock is
 * dropped around the page allocator, as Linux drops it.
 */
#include "kernel.h"
#include "mm.h"
#include "printk.h"
#include "slab.h"
#include "spinlock.h"
#include "vmalloc.h"
#include "asm/pgtable.h"

LIST_HEAD(vmap_area_list);
static struct vmap_cache vmap_cache;
static DEFINE_SPINLOCK(vmap_area_lock);
unsigned long vmap_lazy_nr;
struct vmalloc_stats vmalloc_stats;

/* Linux's lazy_max_pages() for one CPU: 32 MiB of lazily freed ranges. */
static unsigned long lazy_max_pages(void)
{
	return (32ul << 20) >> PAGE_SHIFT;
}

/* Metadata (vmap_area, vm_struct, the page array) comes from lowmem slab
 * whatever zone the pages come from; the caller's reclaim bits stay. */
static gfp_t meta_gfp(gfp_t gfp)
{
	return (gfp & ~(GFP_ZONEMASK | __GFP_ZERO)) | __GFP_NOWARN;
}

#define vm_warn(fmt, ...) do {                                   \
	printk(KERN_WARNING fmt "\n", ##__VA_ARGS__);            \
	__warn(__FILE__, __LINE__, NULL);                        \
} while (0)

bool is_vmalloc_addr(const void *addr)
{
	unsigned long a = (unsigned long)addr;

	return a >= VMALLOC_START && a < VMALLOC_END;
}

/* ---- Page tables -------------------------------------------------------- */

/* Clear the present PTEs of [start, end); no flush (the caller does one). */
static void vunmap_range_noflush(unsigned long start, unsigned long end)
{
	pte_t *pte = NULL;

	for (unsigned long a = start; a < end; a += PAGE_SIZE) {
		if (!pte || pte_index(a) == 0)
			pte = lookup_pte_kernel(a);
		else
			pte++;
		if (pte && pte_present(*pte)) {
			pte_clear(pte);
			vmalloc_stats.pte_writes++;
		}
	}
}

/* Map pages[0..nr) at addr.  Returns the pages mapped: nr, or fewer when a
 * page table could not be allocated. */
static unsigned int vmap_pages_range_noflush(unsigned long addr, struct page **pages,
					     unsigned int nr, pgprot_t prot)
{
	pte_t *pte = NULL;

	for (unsigned int i = 0; i < nr; i++, addr += PAGE_SIZE) {
		if (!pte || pte_index(addr) == 0) {
			bool allocated;

			pte = pte_alloc_kernel(addr, &allocated);
			if (!pte)
				return i;
			vmalloc_stats.pt_pages += allocated;
		} else {
			pte++;
		}
		if (unlikely(!pte_none(*pte)))
			panic("vmalloc: %08lx is already mapped (pte %016llx): remap of a live "
			      "kernel PTE", addr, (unsigned long long)pte->pte);
		set_pte(pte, pfn_pte(page_to_pfn(pages[i]), prot));
		vmalloc_stats.pte_writes++;
	}
	return nr;
}

static void flush_range(unsigned long start, unsigned long end)
{
	flush_tlb_kernel_range(start, end);
	vmalloc_stats.tlb_flushes++;
}

/* ---- Areas ------------------------------------------------------------- */

/* Flush once over every lazily freed area and unreserve them. */
static void __purge_vmap_area_lazy(void)
{
	unsigned long start = ~0ul, end = 0;
	struct vmap_area *va, *n;

	list_for_each_entry(va, &vmap_area_list, list)
		if (va->flags & VMAP_LAZY_FREE) {
			start = min(start, va->va_start);
			end = max(end, va->va_end);
		}
	if (start >= end)
		return;
	flush_range(start, end);
	vmalloc_stats.purges++;
	list_for_each_entry_safe(va, n, &vmap_area_list, list)
		if (va->flags & VMAP_LAZY_FREE) {
			__vmap_area_unlink(&vmap_area_list, &vmap_cache, va);
			kfree(va);
		}
	vmap_lazy_nr = 0;
}

void vm_unmap_aliases(void)
{
	spin_lock(&vmap_area_lock);
	__purge_vmap_area_lazy();
	spin_unlock(&vmap_area_lock);
}

static struct vmap_area *alloc_vmap_area(unsigned long size, unsigned long align,
					 unsigned long vstart, unsigned long vend, gfp_t gfp)
{
	struct vmap_area *va = kmalloc(sizeof(*va), meta_gfp(gfp));
	struct list_head *prev;
	unsigned long addr;

	if (!va)
		return NULL;
	spin_lock(&vmap_area_lock);
	addr = __vmap_area_find(&vmap_area_list, &vmap_cache, size, align, vstart, vend, &prev);
	if (addr == VMAP_NO_FIT && vmap_lazy_nr) {
		__purge_vmap_area_lazy();
		addr = __vmap_area_find(&vmap_area_list, &vmap_cache, size, align, vstart, vend, &prev);
	}
	if (addr == VMAP_NO_FIT) {
		spin_unlock(&vmap_area_lock);
		kfree(va);
		if (!(gfp & __GFP_NOWARN))
			printk(KERN_WARNING "vmap allocation for size %lu failed: the vmalloc range "
			       "0x%08lx-0x%08lx has no such gap (largest %lu)\n", size, VMALLOC_START,
			       VMALLOC_END, vmalloc_chunk_bytes());
		return NULL;
	}
	va->va_start = addr;
	va->va_end = addr + size;
	va->flags = 0;
	va->vm = NULL;
	__vmap_area_link(&vmap_cache, va, prev);
	spin_unlock(&vmap_area_lock);
	return va;
}

/* Unreserve an area nothing was ever handed out from: no lazy purge. */
static void unlink_vmap_area(struct vmap_area *va)
{
	spin_lock(&vmap_area_lock);
	__vmap_area_unlink(&vmap_area_list, &vmap_cache, va);
	spin_unlock(&vmap_area_lock);
	kfree(va);
}

static struct vm_struct *__get_vm_area(unsigned long size, unsigned long flags, gfp_t gfp,
				       const void *caller)
{
	struct vm_struct *area;
	struct vmap_area *va;

	size = ALIGN(size, PAGE_SIZE);
	if (!size || size > VMALLOC_END - VMALLOC_START - PAGE_SIZE)
		return NULL;
	area = kzalloc(sizeof(*area), meta_gfp(gfp));
	if (!area)
		return NULL;
	size += PAGE_SIZE;   /* the guard page */
	va = alloc_vmap_area(size, PAGE_SIZE, VMALLOC_START, VMALLOC_END, gfp);
	if (!va) {
		kfree(area);
		return NULL;
	}
	spin_lock(&vmap_area_lock);
	area->addr = (void *)va->va_start;
	area->size = size;
	area->flags = flags;
	area->caller = caller;
	va->vm = area;
	va->flags = VMAP_VM_AREA;
	spin_unlock(&vmap_area_lock);
	return area;
}

struct vm_struct *get_vm_area_caller(unsigned long size, unsigned long flags, const void *caller)
{
	return __get_vm_area(size, flags, GFP_KERNEL, caller);
}

struct vm_struct *get_vm_area(unsigned long size, unsigned long flags)
{
	return __get_vm_area(size, flags, GFP_KERNEL, __builtin_return_address(0));
}

static void unwind_area(struct vm_struct *area, unsigned int mapped);

static struct vmap_area *__find_busy_area(unsigned long addr)
{
	struct vmap_area *va = __vmap_area_lookup(&vmap_area_list, &vmap_cache, addr);

	return va && (va->flags & VMAP_VM_AREA) && va->va_start == addr ? va : NULL;
}

struct vm_struct *find_vm_area_containing(const void *addr)
{
	struct vmap_area *va = __vmap_area_lookup(&vmap_area_list, &vmap_cache, (unsigned long)addr);

	return va && (va->flags & VMAP_VM_AREA) ? va->vm : NULL;
}

/*
 * Linux's alloc_vm_area: reserve an area and allocate every page table it
 * needs, mapping nothing.  NULL, with nothing reserved, when out of memory
 * (page tables already made stay, as always).
 */
struct vm_struct *alloc_vm_area(unsigned long size)
{
	struct vm_struct *area = get_vm_area_caller(size, VM_IOREMAP, __builtin_return_address(0));
	unsigned long a, end;
	bool allocated;

	if (!area)
		return NULL;
	end = (unsigned long)area->addr + area->size - PAGE_SIZE;
	for (a = (unsigned long)area->addr; a < end; a = (a & PMD_MASK) + PMD_SIZE) {
		if (!pte_alloc_kernel(a, &allocated)) {
			unwind_area(area, 0);
			return NULL;
		}
		vmalloc_stats.pt_pages += allocated;
	}
	return area;
}

/* Clear the area's PTEs and leave its range for the next purge: its
 * vm_struct, or NULL if no area starts at addr.  Caller holds
 * vmap_area_lock. */
static struct vm_struct *__remove_vm_area(const void *addr)
{
	struct vmap_area *va = __find_busy_area((unsigned long)addr);
	struct vm_struct *vm;

	if (!va)
		return NULL;
	vm = va->vm;
	vunmap_range_noflush(va->va_start, va->va_end - PAGE_SIZE);
	va->vm = NULL;
	va->flags = VMAP_LAZY_FREE;
	vmap_lazy_nr += (va->va_end - va->va_start) >> PAGE_SHIFT;
	if (vmap_lazy_nr > lazy_max_pages())
		__purge_vmap_area_lazy();
	return vm;
}

struct vm_struct *remove_vm_area(const void *addr)
{
	struct vm_struct *vm;

	spin_lock(&vmap_area_lock);
	vm = __remove_vm_area(addr);
	spin_unlock(&vmap_area_lock);
	return vm;
}

void free_vm_area(struct vm_struct *area)
{
	struct vm_struct *ret = remove_vm_area(area->addr);

	BUG_ON(ret != area);
	kfree(area);
}

/*
 * Is addr something `op` may free, an area made with `want` (VM_ALLOC or
 * VM_MAP)?  Otherwise warn, naming the address, and free nothing.  Caller
 * holds vmap_area_lock, so the area it approves is still there when it is
 * taken off.
 */
static bool __vfree_check(const void *addr, const char *op, unsigned long want)
{
	unsigned long a = (unsigned long)addr;
	struct vmap_area *va;

	va = is_vmalloc_addr(addr) ? __vmap_area_lookup(&vmap_area_list, &vmap_cache, a) : NULL;
	/* An area whose get_vm_area has not finished (flags 0) is no area
	 * yet. */
	if (!va || !va->flags)
		vm_warn("Trying to %s() nonexistent vm area (0x%08lx)", op, a);
	else if (va->flags & VMAP_LAZY_FREE)
		vm_warn("Trying to %s() an already freed vm area (0x%08lx)", op, a);
	else if (va->va_start != a)
		vm_warn("Trying to %s() bad address (0x%08lx): inside the vm area 0x%08lx-0x%08lx",
			op, a, va->va_start, va->va_end);
	else if (!(va->vm->flags & want))
		vm_warn("Trying to %s() the vm area 0x%08lx, which %s made", op, a,
			(va->vm->flags & VM_MAP) ? "vmap()" :
			(va->vm->flags & VM_ALLOC) ? "vmalloc()" : "get_vm_area()");
	else
		return true;
	return false;
}

/* The area at addr if `op` may free it (taken off, PTEs cleared, range
 * left for the next purge), else NULL after a warning: checked and taken
 * off under one hold of vmap_area_lock. */
static struct vm_struct *take_vm_area(const void *addr, const char *op, unsigned long want)
{
	struct vm_struct *vm = NULL;

	spin_lock(&vmap_area_lock);
	if (__vfree_check(addr, op, want))
		vm = __remove_vm_area(addr);
	spin_unlock(&vmap_area_lock);
	return vm;
}

/* The page array of a VM_ALLOC area: vmalloc'ed itself when larger than a
 * page, as Linux's __vmalloc_area_node does, so a big area needs no
 * physically contiguous lowmem. */
static struct page **alloc_page_array(unsigned int nr, gfp_t gfp, const void *caller)
{
	unsigned long bytes = (unsigned long)nr * sizeof(struct page *);

	if (bytes > PAGE_SIZE)
		return __vmalloc_caller(bytes, meta_gfp(gfp), PAGE_KERNEL, caller);
	return kmalloc(bytes, meta_gfp(gfp));
}

static void free_page_array(struct page **pages)
{
	if (is_vmalloc_addr(pages))
		vfree(pages);
	else
		kfree(pages);
}

static void free_area_pages(struct vm_struct *area)
{
	for (unsigned int i = 0; i < area->nr_pages; i++)
		__free_page(area->pages[i]);
	if (area->pages)
		free_page_array(area->pages);
}

void vfree(const void *addr)
{
	struct vm_struct *area;

	if (!addr)
		return;
	area = take_vm_area(addr, "vfree", VM_ALLOC);
	if (!area)
		return;
	free_area_pages(area);
	kfree(area);
}

void vunmap(const void *addr)
{
	if (!addr)
		return;
	kfree(take_vm_area(addr, "vunmap", VM_MAP));
}

/* A call that failed after get_vm_area: clear what it mapped (one flush),
 * unreserve the range at once (nothing was handed out) and free area. */
static void unwind_area(struct vm_struct *area, unsigned int mapped)
{
	unsigned long start = (unsigned long)area->addr;
	struct vmap_area *va;

	spin_lock(&vmap_area_lock);
	va = __find_busy_area(start);
	BUG_ON(!va || va->vm != area);
	spin_unlock(&vmap_area_lock);
	if (mapped) {
		vunmap_range_noflush(start, start + mapped * PAGE_SIZE);
		flush_range(start, start + mapped * PAGE_SIZE);
	}
	unlink_vmap_area(va);
	kfree(area);
}

void *__vmalloc_caller(unsigned long size, gfp_t gfp_mask, pgprot_t prot, const void *caller)
{
	struct vm_struct *area = __get_vm_area(size, VM_ALLOC, gfp_mask, caller);
	unsigned int nr, mapped = 0;
	struct page **pages;

	if (!area)
		goto fail;
	nr = (area->size - PAGE_SIZE) >> PAGE_SHIFT;
	area->pages = alloc_page_array(nr, gfp_mask, caller);
	if (!area->pages)
		goto unwind;
	/* One page at a time, as Linux does: no physical contiguity needed,
	 * and the buddy allocator's fallback spreads them over the zones. */
	for (; area->nr_pages < nr; area->nr_pages++) {
		struct page *page = alloc_page(gfp_mask | __GFP_NOWARN);

		if (!page)
			goto unwind;
		area->pages[area->nr_pages] = page;
	}
	mapped = vmap_pages_range_noflush((unsigned long)area->addr, area->pages, nr, prot);
	if (mapped < nr)
		goto unwind;
	return area->addr;
unwind:
	/* PTEs cleared and flushed before their pages go back to buddy: no
	 * moment where a freed page is still mapped. */
	pages = area->pages;
	nr = area->nr_pages;
	unwind_area(area, mapped);
	for (unsigned int i = 0; i < nr; i++)
		__free_page(pages[i]);
	if (pages)
		free_page_array(pages);
fail:
	if (!(gfp_mask & __GFP_NOWARN))
		printk(KERN_WARNING "vmalloc: allocation failure: %lu bytes, gfp %#x\n", size,
		       (unsigned int)gfp_mask);
	return NULL;
}

void *__vmalloc(unsigned long size, gfp_t gfp_mask, pgprot_t prot)
{
	return __vmalloc_caller(size, gfp_mask, prot, __builtin_return_address(0));
}

void *vmalloc(unsigned long size)
{
	return __vmalloc_caller(size, GFP_KERNEL | __GFP_HIGHMEM, PAGE_KERNEL,
				__builtin_return_address(0));
}

void *vzalloc(unsigned long size)
{
	return __vmalloc_caller(size, GFP_KERNEL | __GFP_HIGHMEM | __GFP_ZERO, PAGE_KERNEL,
				__builtin_return_address(0));
}

/* i386 has no ZONE_DMA32: "32-bit addressable" is lowmem, DMA and Normal. */
void *vmalloc_32(unsigned long size)
{
	return __vmalloc_caller(size, GFP_KERNEL, PAGE_KERNEL, __builtin_return_address(0));
}

void *vmap(struct page **pages, unsigned int count, unsigned long flags, pgprot_t prot)
{
	struct vm_struct *area;
	unsigned int mapped;

	if (!count || count > (VMALLOC_END - VMALLOC_START) >> PAGE_SHIFT)
		return NULL;
	/* VM_ALLOC says the area owns its pages (vm->pages, freed by
	 * vfree): a vmap owns none, so it could only crash a later vfree. */
	if (flags & VM_ALLOC) {
		vm_warn("vmap: VM_ALLOC in flags %#lx ignored: the caller keeps its pages", flags);
		flags &= ~VM_ALLOC;
	}
	area = __get_vm_area((unsigned long)count << PAGE_SHIFT, flags | VM_MAP, GFP_KERNEL,
			     __builtin_return_address(0));
	if (!area)
		return NULL;
	mapped = vmap_pages_range_noflush((unsigned long)area->addr, pages, count, prot);
	if (mapped < count) {
		unwind_area(area, mapped);
		return NULL;
	}
	area->nr_pages = count;
	return area->addr;
}

struct page *vmalloc_to_page(const void *addr)
{
	pte_t *pte;

	if (!is_vmalloc_addr(addr))
		return NULL;
	pte = lookup_pte_kernel((unsigned long)addr);
	if (!pte || !pte_present(*pte))
		return NULL;
	return pfn_to_page(pte_pfn(*pte));
}

unsigned long vmalloc_to_pfn(const void *addr)
{
	struct page *page = vmalloc_to_page(addr);

	return page ? page_to_pfn(page) : 0;
}

/* ---- Reports ------------------------------------------------------------ */

void show_vmallocinfo(void)
{
	struct vmap_area *va;

	spin_lock(&vmap_area_lock);
	list_for_each_entry(va, &vmap_area_list, list) {
		const struct vm_struct *v = va->vm;

		if (!(va->flags & VMAP_VM_AREA))
			continue;
		printk("0x%08lx-0x%08lx %7lu 0x%08lx", (unsigned long)v->addr,
		       (unsigned long)v->addr + v->size, v->size, (unsigned long)v->caller);
		if (v->nr_pages)
			printk(" pages=%u", v->nr_pages);
		if (v->flags & VM_IOREMAP)
			printk(" ioremap");
		if (v->flags & VM_ALLOC)
			printk(" vmalloc");
		if (v->flags & VM_MAP)
			printk(" vmap");
		printk("\n");
	}
	spin_unlock(&vmap_area_lock);
}

unsigned long vmalloc_total_bytes(void)
{
	return VMALLOC_END - VMALLOC_START;
}

/* VmallocUsed as Linux has printed it since 5.3 (vmalloc_nr_pages()): the
 * pages vmalloc allocated, its page arrays included; a vmap's pages are
 * the caller's and do not count. */
unsigned long vmalloc_used_pages(void)
{
	unsigned long n = 0;
	struct vmap_area *va;

	list_for_each_entry(va, &vmap_area_list, list)
		if ((va->flags & VMAP_VM_AREA) && (va->vm->flags & VM_ALLOC))
			n += va->vm->nr_pages;
	return n;
}

unsigned long vmalloc_chunk_bytes(void)
{
	return __vmap_largest_gap(&vmap_area_list, VMALLOC_START, VMALLOC_END);
}

bool vmalloc_report_fault(unsigned long addr)
{
	struct vmap_area *va;

	if (!is_vmalloc_addr((const void *)addr))
		return false;
	va = __vmap_area_lookup(&vmap_area_list, &vmap_cache, addr);
	if (!va)
		printk("#PF: %08lx is in the vmalloc range but in no vmalloc area\n", addr);
	else if (va->flags & VMAP_LAZY_FREE)
		printk("#PF: %08lx is in the vmalloc area 0x%08lx-0x%08lx, already freed\n", addr,
		       va->va_start, va->va_end);
	else if (addr >= va->va_end - PAGE_SIZE)
		printk("#PF: %08lx is the guard page of the vmalloc area 0x%08lx-0x%08lx "
		       "(%lu bytes, caller 0x%08lx): out of bounds by %lu bytes\n", addr,
		       va->va_start, va->va_end, va->vm->size, (unsigned long)va->vm->caller,
		       addr - (va->va_end - PAGE_SIZE));
	else
		printk("#PF: %08lx is in the vmalloc area 0x%08lx-0x%08lx but not mapped\n", addr,
		       va->va_start, va->va_end);
	return true;
}
