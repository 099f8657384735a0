/*
 * Kernel virtual addresses of highmem pages: Linux's HASHED_PAGE_VIRTUAL
 * (mm/highmem.c), which i386 uses instead of a `virtual` field in struct
 * page.
 *
 * A lowmem page's address is computed from its pfn (the direct map).  A
 * highmem page has an address only while kmap() holds it in a pkmap slot;
 * kmap records it here with set_page_address() and kunmap removes it.
 * kmap_atomic addresses are not recorded, as in Linux: page_address() of a
 * page that is only kmap_atomic'ed is NULL.
 *
 * The table is a hash of singly linked chains over a static pool of
 * LAST_PKMAP entries (at most one per pkmap slot).  Everything is valid
 * all-zero, so boot initialises nothing: a NULL chain is empty, and the
 * pool hands out never-used entries by index before recycling freed ones.
 *
 * Locking: pkmap_lock (held by kmap/kunmap, the only writers) protects the
 * table; one CPU and no preemption today.
 */
#include "kernel.h"
#include "hash.h"
#include "mm.h"
#include "asm/pgtable_types.h"

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
