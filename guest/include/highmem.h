/*
 * Kernel mappings of (possibly) highmem pages (Linux's linux/highmem.h).
 *
 * Lowmem pages are always mapped (the direct map): every call here returns
 * their direct-map address and unmapping them does nothing.  A highmem
 * page is mapped either
 *   - permanently, by kmap(): a slot of the pkmap window, shared by every
 *     kmap of the same page and counted; kunmap() drops one user, and the
 *     slot is reclaimed lazily, with one TLB flush per batch; or
 *   - temporarily, by kmap_atomic() or kmap_local_page(): one of the
 *     calling CPU's KM_TYPE_NR fixmap slots, used as a stack: unmap in
 *     reverse order; the PTE is cleared at once.
 * page_address() (mm.h) of a highmem page is its kmap address, or NULL.
 */
#ifndef GUEST_HIGHMEM_H
#define GUEST_HIGHMEM_H

#include "mm.h"
#include "asm/pgtable_types.h"

#define PKMAP_NR(virt)  (((virt) - PKMAP_BASE) >> PAGE_SHIFT)
#define PKMAP_ADDR(nr)  (PKMAP_BASE + ((unsigned long)(nr) << PAGE_SHIFT))

/* page_address() of highmem pages: a hash of chains (highmem.c). */
#define PA_HASH_ORDER 7
struct page_address_map {
	const struct page *page;
	void *virtual;
	struct page_address_map *next;  /* chain in a slot, or in the free pool */
};
extern struct page_address_map *page_address_htable[1 << PA_HASH_ORDER];

void *kmap(struct page *page);
void kunmap(struct page *page);
void *kmap_high(struct page *page);
void kunmap_high(struct page *page);

/* pkmap state (highmem.c says how pkmap_count is encoded); the host
 * inspector reads pkmap_count, pkmap_flushes and page_address_htable. */
extern int pkmap_count[LAST_PKMAP];
extern pte_t *pkmap_page_table;
extern unsigned long pkmap_flushes;
extern unsigned long highmem_pte_writes;   /* PTE stores by kmap and kmap_atomic */

struct pkmap_stats {
	unsigned int in_use;      /* slots with users (count > 1) */
	unsigned int users;       /* their users: kmaps not kunmapped yet */
	unsigned int unflushed;   /* unused slots still mapped (count 1) */
	unsigned long flushes;    /* TLB flushes by flush_all_zero_pkmaps() */
};
void pkmap_stats(struct pkmap_stats *s);
/* kmap users over every slot. */
unsigned int pkmap_users(void);

#if !defined(__GUEST__)
/* The host shim's stand-in for the TLB flush of the pkmap window. */
void pkmap_flush_tlb(void);
#endif

void *kmap_atomic(struct page *page);
void __kunmap_atomic(void *kvaddr);
#define kunmap_atomic(addr) __kunmap_atomic((void *)(addr))

/* Linux's kmap_local: the same per-CPU stack as kmap_atomic here (there
 * is no preemption to keep enabled). */
static inline void *kmap_local_page(struct page *page)
{
	return kmap_atomic(page);
}
#define kunmap_local(addr) __kunmap_atomic((void *)(addr))

/* For the page-fault report: if address is in a kmap_atomic slot that is
 * not mapped now (a use after kunmap_atomic), describe it in buf (address
 * and slot) and return true. */
bool kmap_atomic_fault_report(unsigned long address, char *buf, size_t len);

#endif
