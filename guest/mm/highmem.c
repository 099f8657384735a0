/*
 * Highmem pages from the kernel's side (Linux's mm/highmem.c and
 * arch/x86/mm/highmem_32.c): the kernel virtual address of a page, and
 * kmap_atomic's short-lived per-CPU mappings through the fixmap.
 *
 * page_address() of a highmem page: Linux's HASHED_PAGE_VIRTUAL, which
 * i386 uses instead of a `virtual` field in struct page.  A lowmem page's
 * address is computed from its pfn (the direct map).  A highmem page has
 * an address only while kmap() holds it in a pkmap slot; kmap records it
 * with set_page_address() and kunmap removes it.  kmap_atomic addresses are
 * not recorded, as in Linux: page_address() of a page that is only
 * kmap_atomic'ed is NULL.  The table is a hash of singly linked chains over
 * a static pool of LAST_PKMAP entries (at most one per pkmap slot).
 * Everything is valid all-zero, so boot initialises nothing: a NULL chain
 * is empty, and the pool hands out never-used entries by index before
 * recycling freed ones.  pkmap_lock (held by kmap/kunmap, the only
 * writers) protects the table; one CPU and no preemption today.
 *
 * kmap_atomic: each CPU owns KM_TYPE_NR consecutive fixmap slots and a
 * depth counter; nested kmap_atomic calls push, kunmap_atomic pops, so
 * mappings are strictly LIFO.  There is no preemption, and interrupt
 * handlers that map pages unmap them before returning, so the stack stays
 * balanced.  The host build of this file (tests) has no page tables, so
 * only the page_address part is built there.
 */
#include "kernel.h"
#include "hash.h"
#include "highmem.h"
#include "mm.h"
#include "asm/pgtable_types.h"
#if defined(__GUEST__)
#include "asm/pgtable.h"
#endif

/* ---- page_address(): HASHED_PAGE_VIRTUAL ---------------------------------- */

#define PA_HASH_ORDER 7

struct page_address_map {
	const struct page *page;
	void *virtual;
	struct page_address_map *next;  /* chain in a slot, or in the free pool */
};

static struct page_address_map page_address_maps[LAST_PKMAP];
static struct page_address_map *page_address_htable[1 << PA_HASH_ORDER];
static struct page_address_map *pool_free;   /* recycled entries */
static unsigned int pool_used;               /* entries ever handed out */

void *page_address_highmem(const struct page *page)
{
	for (struct page_address_map *m = page_address_htable[hash_ptr(page, PA_HASH_ORDER)]; m; m = m->next)
		if (m->page == page)
			return m->virtual;
	return NULL;
}

/* Record (virtual != NULL) or forget (virtual == NULL) page's address. */
void set_page_address(struct page *page, void *virtual)
{
	struct page_address_map **slot = &page_address_htable[hash_ptr(page, PA_HASH_ORDER)];
	struct page_address_map *m;

	BUG_ON(!PageHighMem(page));
	if (virtual) {
		MM_BUG_ON(page_address_highmem(page));
		if (pool_free) {
			m = pool_free;
			pool_free = m->next;
		} else {
			BUG_ON(pool_used == LAST_PKMAP);  /* more kmaps than pkmap slots */
			m = &page_address_maps[pool_used++];
		}
		m->page = page;
		m->virtual = virtual;
		m->next = *slot;
		*slot = m;
		return;
	}
	for (; (m = *slot) != NULL; slot = &m->next) {
		if (m->page == page) {
			*slot = m->next;
			m->page = NULL;
			m->virtual = NULL;
			m->next = pool_free;
			pool_free = m;
			return;
		}
	}
}

/* ---- kmap_atomic over the fixmap --------------------------------------------- */

#if defined(__GUEST__)
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
#endif
