/*
 * User page tables and anonymous memory (Linux's mm/memory.c, mm/pgtable
 * pieces): the pgd of an address space, page tables allocated on demand,
 * the anonymous fault (do_anonymous_page), the zero page and copy-on-write
 * from it (do_wp_page), unmapping, protection changes and freeing page
 * tables.
 *
 * Levels: the pgd is the PAE PDPT (entries 0-2 user, 3 the shared kernel
 * PD) under its one-entry PML4 (pgtable_types.h); a user PD covers 1 GiB,
 * a PT 2 MiB.  Page-table pages are lowmem (reached through the direct
 * map), PG_table, and counted in mm->nr_ptes and the zone's NR_PAGETABLE;
 * the pgd's two pages are PG_table but counted in neither, as Linux does
 * not count the pgd.
 *
 * PTE states of a user address, with the page's counts:
 *   none                          no page
 *   present, pfn = zero page      read-only; in neither RSS nor _mapcount
 *   present, anonymous page       _mapcount 1, _refcount 1 (no fork: a page
 *                                 has one mapping), in RSS and NR_ANON_MAPPED
 *   _PAGE_PROTNONE, P clear       as present, in a VMA with no access
 *                                 (Linux's PROT_NONE encoding)
 * Writable PTEs are dirty from the start: an anonymous page has no backing
 * to write back to, so the dirty bit carries nothing.
 *
 * Locking: none (mm_struct.h).  A change to a live entry of the address
 * space CR3 holds is followed by a flush of that address (or all of them),
 * done by whoever changed it; other address spaces are flushed by the CR3
 * load that makes them live.
 */
#include "kernel.h"
#include "errno-base.h"
#include "gfp.h"
#include "highmem.h"
#include "mm.h"
#include "mm_struct.h"
#include "string.h"
#include "vmstat.h"
#include "setup.h"
#include "asm/pgtable.h"

/* Linux's encoding of a PROT_NONE page: not present, but the global bit
 * (meaningless in a non-present entry) says a page is still there. */
#define _PAGE_PROTNONE _PAGE_GLOBAL
#define USER_PGDS      (TASK_SIZE >> PGDIR_SHIFT)   /* PDPT entries 0-2 */

struct vm_fault_stats vm_fault_stats;

/* The shared zero page: read faults on never-written memory map it. */
u8 empty_zero_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE), section(".bss.page_aligned")));

unsigned long zero_pfn(void)
{
	return __pa(empty_zero_page) >> PAGE_SHIFT;
}

/* The PTE rights of a VMA's flags.  No NX (EFER.NXE stays clear), so
 * VM_EXEC needs nothing; VM_WRITE alone still maps readable, as x86 must. */
pgprot_t vm_get_page_prot(unsigned long vm_flags)
{
	if (!(vm_flags & VM_ACCESS_FLAGS))
		return (pgprot_t){ _PAGE_PROTNONE | _PAGE_ACCESSED };
	return (pgprot_t){ _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED |
			   ((vm_flags & VM_WRITE) ? _PAGE_RW | _PAGE_DIRTY : 0) };
}

static inline bool mm_is_current(const struct mm_struct *mm)
{
	return read_cr3() == pgd_to_cr3(mm->pgd);
}

static void flush_tlb_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	if (mm_is_current(mm))
		flush_tlb_kernel_range(start, end);
}

/* ---- The pgd ---------------------------------------------------------- */

int pgd_alloc(struct mm_struct *mm)
{
	struct page *page = alloc_pages(GFP_KERNEL | __GFP_ZERO, PGD_ALLOC_ORDER);
	pgd_t *pgd;
	u64 *pml4;

	if (!page)
		return -ENOMEM;
	pgd = lowmem_page_address(page);
	pml4 = (u64 *)((char *)pgd + PAGE_SIZE);
	__SetPageTable(page);
	__SetPageTable(page + 1);
	/* Entry 3: the kernel's PD, shared with swapper_pg_dir. */
	set_pgd(&pgd[USER_PGDS], swapper_pg_dir[USER_PGDS]);
	pml4[0] = __pa(pgd) | _PAGE_UPPER_TABLE;
	mm->pgd = pgd;
	return 0;
}

void pgd_free(struct mm_struct *mm)
{
	struct page *page = virt_to_page(mm->pgd);

	for (unsigned int i = 0; i < USER_PGDS; i++)
		BUG_ON(!pgd_none(mm->pgd[i]));
	BUG_ON(mm_is_current(mm));
	__ClearPageTable(page);
	__ClearPageTable(page + 1);
	__free_pages(page, PGD_ALLOC_ORDER);
	mm->pgd = NULL;
}

/* ---- Page-table pages ----------------------------------------------------- */

static void *pt_page_alloc(struct mm_struct *mm)
{
	struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN);

	if (!page)
		return NULL;
	__SetPageTable(page);
	mm->nr_ptes++;
	mod_zone_page_state(page_zone(page), NR_PAGETABLE, 1);
	return lowmem_page_address(page);
}

static void pt_page_free(struct mm_struct *mm, void *va)
{
	struct page *page = virt_to_page(va);

	MM_BUG_ON_PAGE(!PageTable(page), page);
	__ClearPageTable(page);
	mm->nr_ptes--;
	mod_zone_page_state(page_zone(page), NR_PAGETABLE, -1);
	__free_page(page);
}

/* The PD of a user address, or NULL. */
static pmd_t *user_pmd(struct mm_struct *mm, unsigned long addr)
{
	pgd_t *pgd = pgd_offset_pgd(mm->pgd, addr);

	MM_BUG_ON(addr >= TASK_SIZE);
	return pgd_present(*pgd) ? pmd_offset(pgd, addr) : NULL;
}

/* The PTE of a user address, or NULL if its page table is missing. */
pte_t *lookup_pte(struct mm_struct *mm, unsigned long addr)
{
	pmd_t *pmd = user_pmd(mm, addr);

	if (!pmd || !pmd_present(*pmd))
		return NULL;
	return pte_offset_kernel(pmd, addr);
}

/* The PTE of a user address, allocating its PD and PT; NULL when out of
 * memory.  A not-present entry turning present needs no flush. */
static pte_t *pte_alloc(struct mm_struct *mm, unsigned long addr)
{
	pgd_t *pgd = pgd_offset_pgd(mm->pgd, addr);
	pmd_t *pmd;

	if (pgd_none(*pgd)) {
		void *pd = pt_page_alloc(mm);

		if (!pd)
			return NULL;
		set_pgd(pgd, __pgd(__pa(pd) | _PAGE_TABLE));
		vm_fault_stats.pte_writes++;
	}
	pmd = pmd_offset(pgd, addr);
	if (pmd_none(*pmd)) {
		void *pt = pt_page_alloc(mm);

		if (!pt)
			return NULL;
		set_pmd(pmd, __pmd(__pa(pt) | _PAGE_TABLE));
		vm_fault_stats.pte_writes++;
	}
	return pte_offset_kernel(pmd, addr);
}

/* ---- Anonymous pages ------------------------------------------------------ */

/* A zeroed page for a user mapping, highmem first; its counts as the PTE
 * states above say.  NULL when none is left. */
static struct page *alloc_anon_page(struct mm_struct *mm)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOWARN);

	if (!page)
		return NULL;
	clear_highpage(page);
	vm_fault_stats.hypercalls += pv_pageops;   /* the clear is one HC_PAGEOPS exit */
	MM_BUG_ON_PAGE(page_mapcount(page) || page_ref_count(page) != 1, page);
	page->_mapcount = 1;   /* page_add_new_anon_rmap */
	mm->rss_stat[MM_ANONPAGES]++;
	mod_zone_page_state(page_zone(page), NR_ANON_MAPPED, 1);
	return page;
}

/* Drop one mapping of the page a user PTE held (zap_pte_range's part). */
static void release_anon_page(struct mm_struct *mm, struct page *page)
{
	MM_BUG_ON_PAGE(page_mapcount(page) != 1, page);
	page->_mapcount--;     /* page_remove_rmap */
	mm->rss_stat[MM_ANONPAGES]--;
	mod_zone_page_state(page_zone(page), NR_ANON_MAPPED, -1);
	put_page(page);
}

static bool pte_is_zero_page(pte_t pte)
{
	return pte_pfn(pte) == zero_pfn();
}

/* The zero page is mapped readable and never writable in a VMA with any
 * access (a write-only VMA too: x86 cannot map writable without
 * readable, and a write then faults and gets a page of its own). */
static pgprot_t zero_page_prot(unsigned long vm_flags)
{
	if (vm_flags & VM_ACCESS_FLAGS)
		vm_flags = (vm_flags & ~VM_WRITE) | VM_READ;
	return vm_get_page_prot(vm_flags);
}

/* A first touch: the zero page for a read, a new page for a write. */
static vm_fault_t do_anonymous_page(struct vm_area_struct *vma, pte_t *ptep, unsigned int flags)
{
	struct page *page;

	vm_fault_stats.pte_writes++;
	if (!(flags & FAULT_FLAG_WRITE)) {
		set_pte(ptep, pfn_pte(zero_pfn(), zero_page_prot(vma->vm_flags)));
		return 0;
	}
	page = alloc_anon_page(vma->vm_mm);
	if (!page)
		return VM_FAULT_OOM;
	set_pte(ptep, pfn_pte(page_to_pfn(page), vm_get_page_prot(vma->vm_flags)));
	return 0;
}

/* A write to a present read-only PTE in a writable VMA: a zero-page PTE
 * gets a page of its own (copy-on-write from a page of zeros is a clear);
 * a page mapped once is simply made writable (wp_page_reuse). */
static vm_fault_t do_wp_page(struct vm_area_struct *vma, unsigned long addr, pte_t *ptep)
{
	pte_t pte = *ptep;

	if (pte_is_zero_page(pte)) {
		struct page *page = alloc_anon_page(vma->vm_mm);

		if (!page)
			return VM_FAULT_OOM;
		pte_clear(ptep);
		flush_tlb_range(vma->vm_mm, addr, addr + PAGE_SIZE);
		set_pte(ptep, pfn_pte(page_to_pfn(page), vm_get_page_prot(vma->vm_flags)));
		vm_fault_stats.pte_writes += 2;
		return 0;
	}
	MM_BUG_ON_PAGE(page_mapcount(pfn_to_page(pte_pfn(pte))) != 1, pfn_to_page(pte_pfn(pte)));
	set_pte(ptep, __pte(pte_val(pte) | _PAGE_RW | _PAGE_DIRTY));
	vm_fault_stats.pte_writes++;
	flush_tlb_range(vma->vm_mm, addr, addr + PAGE_SIZE);
	return 0;
}

vm_fault_t handle_mm_fault(struct vm_area_struct *vma, unsigned long addr, unsigned int flags)
{
	struct mm_struct *mm = vma->vm_mm;
	pte_t *ptep, pte;

	MM_BUG_ON(addr < vma->vm_start || addr >= vma->vm_end);
	count_vm_event(PGFAULT);
	ptep = pte_alloc(mm, addr);
	if (!ptep)
		return VM_FAULT_OOM;
	pte = *ptep;
	if (pte_none(pte))
		return do_anonymous_page(vma, ptep, flags);
	/* A PROT_NONE PTE lives only in a VMA without access, where
	 * access_error() stops every fault first: here it would fault for
	 * ever. */
	MM_BUG_ON(!pte_present(pte));
	if ((flags & FAULT_FLAG_WRITE) && !(pte_val(pte) & _PAGE_RW))
		return do_wp_page(vma, addr & PAGE_MASK, ptep);
	/* Present with the rights asked for: another CPU's work, or a stale
	 * TLB entry (Linux's spurious fault).  Flush it. */
	flush_tlb_range(mm, addr & PAGE_MASK, (addr & PAGE_MASK) + PAGE_SIZE);
	return 0;
}

/* ---- Ranges: unmap, protect, free page tables ------------------------------ */

/* Call fn on every non-none PTE in [start, end), skipping missing tables. */
static void walk_ptes(struct mm_struct *mm, unsigned long start, unsigned long end,
		      void (*fn)(struct mm_struct *mm, pte_t *ptep, void *arg), void *arg)
{
	unsigned long addr = start;

	while (addr < end) {
		unsigned long next = min((addr + PMD_SIZE) & PMD_MASK, end);
		pmd_t *pmd = user_pmd(mm, addr);

		if (!pmd) {
			next = min((addr + PGDIR_SIZE) & ~(PGDIR_SIZE - 1), end);
		} else if (pmd_present(*pmd)) {
			pte_t *ptep = pte_offset_kernel(pmd, addr);

			for (; addr < next; addr += PAGE_SIZE, ptep++)
				if (!pte_none(*ptep))
					fn(mm, ptep, arg);
		}
		addr = next;
	}
}

static void zap_one(struct mm_struct *mm, pte_t *ptep, void *arg)
{
	pte_t pte = *ptep;

	(void)arg;
	pte_clear(ptep);
	if (!pte_is_zero_page(pte))
		release_anon_page(mm, pfn_to_page(pte_pfn(pte)));
}

void unmap_page_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	walk_ptes(mm, start, end, zap_one, NULL);
	flush_tlb_range(mm, start, end);
}

static void protect_one(struct mm_struct *mm, pte_t *ptep, void *arg)
{
	unsigned long newflags = *(unsigned long *)arg;
	pte_t pte = *ptep;

	(void)mm;
	pte_clear(ptep);
	set_pte(ptep, pfn_pte(pte_pfn(pte), pte_is_zero_page(pte) ? zero_page_prot(newflags) :
			      vm_get_page_prot(newflags)));
}

void change_protection(struct mm_struct *mm, unsigned long start, unsigned long end,
		       unsigned long newflags)
{
	walk_ptes(mm, start, end, protect_one, &newflags);
	flush_tlb_range(mm, start, end);
}

/* Each PT whose 2 MiB, and then each PD whose 1 GiB, lies inside
 * [floor, ceiling) and meets [addr, end) is freed; their PTEs are none by
 * now (the VMAs over them are gone). */
void free_pgd_range(struct mm_struct *mm, unsigned long addr, unsigned long end,
		    unsigned long floor, unsigned long ceiling)
{
	bool freed = false;

	for (unsigned long a = addr & PMD_MASK; a < end; a += PMD_SIZE) {
		pmd_t *pmd = user_pmd(mm, a);
		pte_t *pt;

		if (a < floor || a + PMD_SIZE > ceiling || !pmd || !pmd_present(*pmd))
			continue;
		pt = pte_offset_kernel(pmd, a);
		for (unsigned int i = 0; i < PTRS_PER_PTE; i++)
			MM_BUG_ON(!pte_none(pt[i]));
		pmd_clear(pmd);
		pt_page_free(mm, pt);
		freed = true;
	}
	for (unsigned long i = addr >> PGDIR_SHIFT; i < USER_PGDS && i << PGDIR_SHIFT < end; i++) {
		unsigned long a = i << PGDIR_SHIFT;
		pgd_t *pgd = &mm->pgd[i];

		if (a < floor || a + PGDIR_SIZE > ceiling || pgd_none(*pgd))
			continue;
		pmd_t *pd = __va(pgd_val(*pgd) & PTE_PFN_MASK);

		pgd_clear(pgd);
		pt_page_free(mm, pd);
		freed = true;
	}
	/* The CPU may cache the upper levels of a walk: forget them. */
	if (freed && mm_is_current(mm))
		flush_tlb_all();
}

/* ---- Another address space's memory (Linux's access_remote_vm) ----------- */

/* follow_page_mask, then faultin_page when it finds nothing usable. */
pte_t *get_user_page_pte(struct vm_area_struct *vma, unsigned long addr, bool write,
			 bool *faulted)
{
	struct mm_struct *mm = vma->vm_mm;
	pte_t *ptep = lookup_pte(mm, addr);

	*faulted = false;
	if (ptep && pte_present(*ptep) && (!write || (pte_val(*ptep) & _PAGE_RW)))
		return ptep;
	*faulted = true;
	if (handle_mm_fault(vma, addr, write ? FAULT_FLAG_WRITE : 0))
		return NULL;
	ptep = lookup_pte(mm, addr);
	BUG_ON(!ptep || !pte_present(*ptep));
	return ptep;
}

int access_remote_vm(struct mm_struct *mm, unsigned long addr, void *buf, unsigned long len,
		     bool write)
{
	unsigned long done = 0;

	while (done < len) {
		unsigned long a = addr + done, off = a & ~PAGE_MASK;
		unsigned long n = min(len - done, PAGE_SIZE - off);
		struct vm_area_struct *vma = vma_lookup(mm, a);
		pte_t *ptep;
		bool faulted;
		u8 *kaddr;

		if (!vma || !(vma->vm_flags & (write ? VM_WRITE : VM_READ)))
			break;
		ptep = get_user_page_pte(vma, a, write, &faulted);
		if (!ptep)
			break;
		kaddr = kmap_atomic(pfn_to_page(pte_pfn(*ptep)));
		if (write)
			memcpy(kaddr + off, (u8 *)buf + done, n);
		else
			memcpy((u8 *)buf + done, kaddr + off, n);
		kunmap_atomic(kaddr);
		done += n;
	}
	return (int)done;
}
