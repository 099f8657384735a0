/*
 * Highmem pages from the kernel's side (Linux's mm/highmem.c and
 * arch/x86/mm/highmem_32.c): the kernel virtual address of a page, and
 * kmap_atomic's short-lived per-CPU mappings through the fixmap.
 *
 * page_address() of a highmem page: Linux's HASHED_PAGE_VIRTUAL, which
 * i386 uses instead of a `virtual` field in struct page.  A lowmem page's
 * address is computed from its pfn (the direct map).  A highmem page has
 * an address while a pkmap slot maps it: kmap records it with
 * set_page_address(), and it stays after the last kunmap until the flush
 * reclaims the slot (below).  kmap_atomic addresses are
 * not recorded, as in Linux: page_address() of a page that is only
 * kmap_atomic'ed is NULL.  The table is a hash of singly linked chains over
 * a static pool of LAST_PKMAP entries (at most one per pkmap slot).
 * Everything is valid all-zero, so boot initialises nothing: a NULL chain
 * is empty, and the pool hands out never-used entries by index before
 * recycling freed ones.  kmap_lock (held by kmap/kunmap and the flush,
 * the only writers) protects the table.
 *
 * kmap/kunmap (pkmap): LAST_PKMAP slots in the one page table at
 * PKMAP_BASE, counted in pkmap_count[] with Linux's encoding (below).
 * Slots are handed out round robin; a freed slot keeps its PTE, and its
 * page keeps its page_address, until flush_all_zero_pkmaps() clears every
 * such slot with one TLB flush for the batch, when the round wraps or
 * when nothing is free.  Linux would then sleep until a kunmap; one vCPU
 * and no scheduler cannot wait, so kmap panics ("pkmap exhausted") naming
 * the users.  kmap_lock protects pkmap_count, last_pkmap_nr, the pkmap
 * PTEs and the page_address table.
 *
 * kmap_atomic and kmap_local_page: each CPU owns KM_TYPE_NR consecutive
 * fixmap slots and a depth counter; nested calls push, kunmap_atomic pops,
 * so mappings are strictly LIFO.  There is no preemption, and interrupt
 * handlers that map pages unmap them before returning, so the stack stays
 * balanced.  kunmap_atomic always clears the slot's PTE and invlpg's it,
 * so a stale pointer faults, and the page-fault report names the slot
 * (kmap_atomic_fault_report).  Per-CPU data: no lock.
 *
 * The host build of this file (tests) has page_address and the pkmap slot
 * allocator over a page table the test provides, with the TLB flush
 * counted by the shim (pkmap_flush_tlb); kmap_atomic needs the fixmap and
 * is built for the guest only.
 */
#include "kernel.h"
#include "hash.h"
#include "highmem.h"
#include "mm.h"
#include "asm/pgtable_types.h"
#include "spinlock.h"
#include "asm/pgtable.h"

/* ---- page_address(): HASHED_PAGE_VIRTUAL ---------------------------------- */

static struct page_address_map page_address_maps[LAST_PKMAP];
/* Not static: the host inspector reads it (docs/design.md §5.4). */
struct page_address_map *page_address_htable[1 << PA_HASH_ORDER];
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

/* ---- Permanent kernel mappings: kmap / kunmap ------------------------------ */

/*
 * pkmap_count[nr], Linux's encoding:
 *   0     unused, and no TLB holds its old translation (flushed);
 *   1     unused, but its PTE is still present and a TLB may still hold it:
 *         reusable only after flush_all_zero_pkmaps();
 *   n > 1 mapped with n - 1 users.
 * So a count never goes from 1 to 0 but through the flush.
 */
int pkmap_count[LAST_PKMAP];
pte_t *pkmap_page_table;            /* the one PT at PKMAP_BASE (pgtable.c) */
static unsigned int last_pkmap_nr;
unsigned long pkmap_flushes;        /* TLB flushes by flush_all_zero_pkmaps() */
unsigned long highmem_pte_writes;   /* pkmap and kmap_atomic PTE stores (bench) */
/* The caller of the kmap that mapped each slot, for the exhaustion report. */
static unsigned long pkmap_first_user[LAST_PKMAP];
static DEFINE_SPINLOCK(kmap_lock);

#if defined(__GUEST__)
static void pkmap_flush_tlb(void)
{
	flush_tlb_kernel_range(PKMAP_ADDR(0), PKMAP_ADDR(LAST_PKMAP));
}
#endif

/*
 * Clear every count-1 slot (unused, TLB maybe stale) and forget its page's
 * address, then flush the whole window once: one CR3 reload for the batch
 * instead of an invlpg per slot.
 */
static void flush_all_zero_pkmaps(void)
{
	bool need_flush = false;

	lockdep_assert_held(&kmap_lock);
	for (unsigned int i = 0; i < LAST_PKMAP; i++) {
		struct page *page;

		if (pkmap_count[i] != 1)
			continue;
		pkmap_count[i] = 0;
		/* A count of 1 is set only with the PTE. */
		BUG_ON(!pte_present(pkmap_page_table[i]));
		page = pfn_to_page(pte_pfn(pkmap_page_table[i]));
		pte_clear(&pkmap_page_table[i]);
		highmem_pte_writes++;
		set_page_address(page, NULL);
		need_flush = true;
	}
	if (need_flush) {
		pkmap_flush_tlb();
		pkmap_flushes++;
	}
}

/* What kmap would wait for in Linux: every slot is held.  Name them. */
static __noreturn void pkmap_exhausted(const struct page *page)
{
	printk("kmap: pkmap exhausted: all %d slots hold users, none to flush "
	       "(Linux would sleep in kmap until a kunmap; no scheduler here)\n", LAST_PKMAP);
	printk("kmap: pfn %#lx wants a slot; the users, by slot:\n", page_to_pfn(page));
	for (unsigned int i = 0; i < LAST_PKMAP; i++)
		printk("  slot %3u at %08lx: pfn %#llx, %d user%s, first kmap from [<%08lx>]\n",
		       i, PKMAP_ADDR(i), (unsigned long long)pte_pfn(pkmap_page_table[i]),
		       pkmap_count[i] - 1, pkmap_count[i] == 2 ? "" : "s", pkmap_first_user[i]);
	panic("kmap: pkmap exhausted: %d slots, %u users", LAST_PKMAP, pkmap_users());
}

static unsigned long map_new_virtual(struct page *page, unsigned long caller)
{
	unsigned int count = LAST_PKMAP;

	lockdep_assert_held(&kmap_lock);
	for (;;) {
		last_pkmap_nr = (last_pkmap_nr + 1) & (LAST_PKMAP - 1);
		/* The round wrapped: reclaim the count-1 slots in one flush. */
		if (!last_pkmap_nr) {
			flush_all_zero_pkmaps();
			count = LAST_PKMAP;
		}
		if (!pkmap_count[last_pkmap_nr])
			break;
		if (--count)
			continue;
		pkmap_exhausted(page);
	}
	set_pte(&pkmap_page_table[last_pkmap_nr], pfn_pte(page_to_pfn(page), PAGE_KERNEL));
	highmem_pte_writes++;
	pkmap_count[last_pkmap_nr] = 1;
	pkmap_first_user[last_pkmap_nr] = caller;
	set_page_address(page, (void *)PKMAP_ADDR(last_pkmap_nr));
	return PKMAP_ADDR(last_pkmap_nr);
}

/* A highmem page's slot: reused while it holds the page (count >= 1),
 * else a new one.  Each call is one user more. */
void *kmap_high(struct page *page)
{
	unsigned long vaddr, caller = (unsigned long)__builtin_return_address(0);

	spin_lock(&kmap_lock);
	vaddr = (unsigned long)page_address(page);
	if (!vaddr)
		vaddr = map_new_virtual(page, caller);
	pkmap_count[PKMAP_NR(vaddr)]++;
	BUG_ON(pkmap_count[PKMAP_NR(vaddr)] < 2);
	spin_unlock(&kmap_lock);
	return (void *)vaddr;
}

/* One user fewer.  The last leaves the count at 1: the PTE stays until
 * the next flush, and so does page_address. */
void kunmap_high(struct page *page)
{
	unsigned long vaddr;
	unsigned int nr;

	spin_lock(&kmap_lock);
	vaddr = (unsigned long)page_address(page);
	if (!vaddr) {
		printk("kunmap: pfn %#lx is not kmapped\n", page_to_pfn(page));
		BUG();
	}
	nr = PKMAP_NR(vaddr);
	/* Falling to 0 would skip the flush: a kunmap without its kmap. */
	if (pkmap_count[nr] < 2) {
		printk("kunmap: pfn %#lx at %08lx has no kmap user left (pkmap_count %d)\n",
		       page_to_pfn(page), vaddr, pkmap_count[nr]);
		BUG();
	}
	pkmap_count[nr]--;
	spin_unlock(&kmap_lock);
}

void *kmap(struct page *page)
{
	if (!PageHighMem(page))
		return lowmem_page_address(page);
	return kmap_high(page);
}

void kunmap(struct page *page)
{
	if (!PageHighMem(page))
		return;
	kunmap_high(page);
}

void pkmap_stats(struct pkmap_stats *s)
{
	s->in_use = s->users = s->unflushed = 0;
	for (unsigned int i = 0; i < LAST_PKMAP; i++) {
		s->in_use += pkmap_count[i] > 1;
		s->users += pkmap_count[i] > 1 ? pkmap_count[i] - 1 : 0;
		s->unflushed += pkmap_count[i] == 1;
	}
	s->flushes = pkmap_flushes;
}

unsigned int pkmap_users(void)
{
	struct pkmap_stats s;

	pkmap_stats(&s);
	return s.users;
}

/* ---- kmap_atomic and kmap_local over the fixmap ------------------------------- */

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
	pte_t *ptep;

	if (!PageHighMem(page))
		return lowmem_page_address(page);
	if (*depth >= KM_TYPE_NR)
		panic("kmap_atomic: more than %d nested mappings on CPU %d (pfn %#lx)",
		      KM_TYPE_NR, smp_processor_id(), page_to_pfn(page));
	idx = kmap_slot((*depth)++);
	ptep = lookup_pte_kernel(fix_to_virt(idx));
	/* As Linux's highmem_32.c: a slot above the depth must be free, or
	 * the counter and the slots disagree (a missed kunmap_atomic).  Being
	 * free, it cannot be in the TLB (x86 caches no not-present entry), so
	 * the store needs no invlpg: kunmap_atomic flushed it. */
	MM_BUG_ON(!pte_none(*ptep));
	set_pte(ptep, pfn_pte(page_to_pfn(page), PAGE_KERNEL));
	highmem_pte_writes++;
	return (void *)fix_to_virt(idx);
}

void __kunmap_atomic(void *kvaddr)
{
	unsigned long va = (unsigned long)kvaddr & PAGE_MASK;
	int *depth = &kmap_atomic_depth[smp_processor_id()];
	unsigned long top;

	if (va < FIXADDR_START || va >= FIXADDR_TOP)
		return;   /* a lowmem page: nothing was mapped */
	if (*depth <= 0) {
		printk("kunmap_atomic: %08lx unmapped, but nothing is mapped on CPU %d\n",
		       va, smp_processor_id());
		BUG();
	}
	/* Only the top of the stack may be unmapped. */
	top = fix_to_virt(kmap_slot(*depth - 1));
	if (va != top) {
		printk("kunmap_atomic: %08lx unmapped out of order: the last mapping, "
		       "%08lx, must be unmapped first\n", va, top);
		BUG();
	}
	/* Always clear, never leave it for a lazy flush: a stale pointer then
	 * faults here instead of reading whatever the slot maps next.  Clear
	 * before the pop, as Linux does: an interrupt in between that maps a
	 * page must not be handed a slot still mapped. */
	clear_fixmap(kmap_slot(*depth - 1));
	(*depth)--;
	highmem_pte_writes++;
}

bool kmap_atomic_fault_report(unsigned long address, char *buf, size_t len)
{
	unsigned long va = address & PAGE_MASK;
	unsigned int slot;

	if (va < fix_to_virt(FIX_KMAP_END) || va > fix_to_virt(FIX_KMAP_BEGIN))
		return false;
	/* Fixmap indices grow downwards in address. */
	slot = (unsigned int)((fix_to_virt(FIX_KMAP_BEGIN) - va) >> PAGE_SHIFT);
	/* A slot below its CPU's depth is mapped: some other fault. */
	if ((int)(slot % KM_TYPE_NR) < kmap_atomic_depth[slot / KM_TYPE_NR])
		return false;
	snprintf(buf, len, "kmap_atomic use after unmap: address %08lx in fixmap slot %u "
		 "(CPU %u, depth %u), cleared by kunmap_atomic", address, slot,
		 slot / KM_TYPE_NR, slot % KM_TYPE_NR);
	return true;
}
#endif
