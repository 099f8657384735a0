/*
 * Page poisoning (page_poison=1, Linux's mm/page_poison.c): every freed page
 * is filled with PAGE_POISON and marked PG_poisoned; when a marked page is
 * allocated again the fill is verified, which catches writes after free.
 *
 * The mark is what keeps boot O(blocks): RAM freed at boot was never
 * poisoned, carries no mark and is not verified, so boot writes no page
 * contents.  The fill and the check go through two hooks, poison_page() and
 * check_poison_page(), so the kernel side can do them natively in the VMM
 * (HC_PAGEOPS, PAGEOP_VERIFY) instead of at ~1 us per guest instruction.
 */
#include "kernel.h"
#include "mm.h"

bool page_poisoning_enabled;

/* Caller: free_pages_prepare(), after the page passed its free checks. */
void kernel_poison_pages(struct page *page, unsigned int numpages)
{
	for (unsigned int i = 0; i < numpages; i++)
		if (poison_page(page + i))
			__SetPagePoisoned(page + i);
}

static __noreturn void poison_corruption(struct page *page, long offset)
{
	dump_page(page, "pagealloc: memory corruption");
	panic("pagealloc: memory corruption: pfn 0x%lx byte 0x%lx was written after free",
	      page_to_pfn(page), (unsigned long)offset);
}

/* Caller: prep_new_page(), before the pages are handed out. */
void kernel_unpoison_pages(struct page *page, unsigned int numpages)
{
	for (unsigned int i = 0; i < numpages; i++) {
		struct page *p = page + i;
		long offset;

		if (!PagePoisoned(p))
			continue;
		offset = check_poison_page(p);
		if (offset >= 0)
			poison_corruption(p, offset);
		__ClearPagePoisoned(p);
	}
}
