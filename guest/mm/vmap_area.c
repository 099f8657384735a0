/*
 * The vmalloc address-range allocator: first fit over the list of reserved
 * areas, sorted by address (Linux's alloc_vmap_area before 5.2 searched
 * the same way, over an rbtree).  It knows nothing of pages or page tables,
 * so the host builds it for the unit tests (tests/mm_vmap_area.c checks it
 * against a model).
 *
 * A search walks the gaps between consecutive areas, lowest first, and
 * takes the first gap that holds an aligned range of the size asked for:
 * O(areas) per search.  A freed range becomes part of its gap at once (the
 * caller unlinks the area), so neighbouring gaps coalesce for free.
 * Callers hold vmap_area_lock.
 */
#include "kernel.h"
#include "list.h"
#include "vmalloc.h"

/* [a, a + size) fits below limit, without wrapping. */
static bool fits_below(unsigned long a, unsigned long size, unsigned long limit)
{
	return a <= limit && size <= limit - a;
}

unsigned long __vmap_area_find(struct list_head *head, unsigned long size, unsigned long align,
			       unsigned long vstart, unsigned long vend, struct list_head **prev)
{
	unsigned long addr = ALIGN(vstart, align);
	struct vmap_area *va;

	MM_BUG_ON(!size || (align & (align - 1)));
	if (addr < vstart)
		return VMAP_NO_FIT;   /* the alignment wrapped */
	*prev = head;
	list_for_each_entry(va, head, list) {
		if (va->va_end <= addr) {
			*prev = &va->list;
			continue;
		}
		if (va->va_start >= addr && fits_below(addr, size, va->va_start))
			break;
		addr = ALIGN(va->va_end, align);
		if (addr < va->va_end)
			return VMAP_NO_FIT;
		*prev = &va->list;
	}
	if (!fits_below(addr, size, vend))
		return VMAP_NO_FIT;
	return addr;
}

struct vmap_area *__vmap_area_lookup(struct list_head *head, unsigned long addr)
{
	struct vmap_area *va;

	list_for_each_entry(va, head, list) {
		if (va->va_start > addr)
			break;
		if (addr < va->va_end)
			return va;
	}
	return NULL;
}

unsigned long __vmap_largest_gap(struct list_head *head, unsigned long vstart, unsigned long vend)
{
	unsigned long prev_end = vstart, largest = 0;
	struct vmap_area *va;

	list_for_each_entry(va, head, list) {
		if (va->va_start > prev_end && va->va_start - prev_end > largest)
			largest = va->va_start - prev_end;
		if (va->va_end > prev_end)
			prev_end = va->va_end;
	}
	if (vend > prev_end && vend - prev_end > largest)
		largest = vend - prev_end;
	return largest;
}
