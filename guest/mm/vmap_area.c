/*
 * The vmalloc address-range allocator: first fit over the list of reserved
 * areas, sorted by address (Linux's alloc_vmap_area before 5.2 searched
 * the same way, over an rbtree).  It knows nothing of pages or page tables,
 * so the host builds it for the unit tests (tests/mm_vmap_area.c checks it
 * against a model).
 *
 * A search walks the gaps between consecutive areas, lowest first, and
 * takes the first gap that holds an aligned range of the size asked for.
 * A freed range becomes part of its gap at once (the caller unlinks the
 * area), so neighbouring gaps coalesce for free.
 *
 * Linux 2.6.35's free_vmap_cache keeps that first fit from rescanning the
 * low areas every time: the search starts after the area made last, as
 * long as every gap below it that was skipped (the largest is `hole`) is
 * smaller than the request, and a free below that point moves the start
 * back.  The result is the same first fit (tests/mm_vmap_area.c compares
 * with a model), and a run of allocations costs O(1) each instead of
 * O(areas).  Lookups start from the same point when the address is above
 * it.  Without Linux's rbtree, a search or lookup that cannot use the
 * cache is O(areas).  Callers hold vmap_area_lock.
 */
#include "kernel.h"
#include "list.h"
#include "vmalloc.h"

/* [a, a + size) fits below limit, without wrapping. */
static bool fits_below(unsigned long a, unsigned long size, unsigned long limit)
{
	return a <= limit && size <= limit - a;
}

static struct vmap_area *area_of(struct list_head *pos)
{
	return list_entry(pos, struct vmap_area, list);
}

unsigned long __vmap_area_find(struct list_head *head, struct vmap_cache *c, unsigned long size,
			       unsigned long align, unsigned long vstart, unsigned long vend,
			       struct list_head **prev)
{
	struct list_head *pos;
	unsigned long addr;

	MM_BUG_ON(!size || (align & (align - 1)));
	/* The cache is good only for requests larger than every gap skipped
	 * below it (Linux tests size < hole, which misses a gap of exactly
	 * the size). */
	if (!c->node || size <= c->hole || vstart < c->vstart || align < c->align) {
		c->node = NULL;
		c->hole = 0;
	}
	c->vstart = vstart;
	c->align = align;
	if (c->node) {
		addr = ALIGN(c->node->va_end, align);
		if (addr < c->node->va_end || addr < vstart)
			goto nofit;
		*prev = &c->node->list;
	} else {
		addr = ALIGN(vstart, align);
		if (addr < vstart)
			goto nofit;   /* the alignment wrapped */
		*prev = head;
	}
	for (pos = (*prev)->next; pos != head; pos = pos->next) {
		struct vmap_area *va = area_of(pos);

		if (va->va_end <= addr) {
			*prev = pos;
			continue;
		}
		if (va->va_start >= addr && fits_below(addr, size, va->va_start))
			break;
		if (va->va_start > addr && va->va_start - addr > c->hole)
			c->hole = va->va_start - addr;   /* a gap too small for this size */
		addr = ALIGN(va->va_end, align);
		if (addr < va->va_end)
			goto nofit;
		*prev = pos;
	}
	if (fits_below(addr, size, vend))
		return addr;
nofit:
	c->node = NULL;
	c->hole = 0;
	return VMAP_NO_FIT;
}

void __vmap_area_link(struct vmap_cache *c, struct vmap_area *va, struct list_head *prev)
{
	list_add(&va->list, prev);
	c->node = va;
}

void __vmap_area_unlink(struct list_head *head, struct vmap_cache *c, struct vmap_area *va)
{
	/* A range freed at or below the cache point opens a gap the next
	 * search must see: restart it from the area before. */
	if (c->node && va->va_end < c->vstart)
		c->node = NULL;
	else if (c->node && va->va_start <= c->node->va_start)
		c->node = va->list.prev == head ? NULL : area_of(va->list.prev);
	list_del(&va->list);
}

struct vmap_area *__vmap_area_lookup(struct list_head *head, const struct vmap_cache *c,
				     unsigned long addr)
{
	struct list_head *pos = head->next;

	/* The last area made is where a free most often goes. */
	if (c && c->node && c->node->va_start <= addr)
		pos = &c->node->list;
	for (; pos != head; pos = pos->next) {
		struct vmap_area *va = area_of(pos);

		if (va->va_start > addr)
			break;
		if (addr < va->va_end)
			return va;
	}
	return NULL;
}

/* Lazily freed areas count as free, as in Linux's get_vmalloc_info (3.10 to
 * 4.3, the last to compute VmallocChunk): a search that needs their room
 * purges them first. */
unsigned long __vmap_largest_gap(struct list_head *head, unsigned long vstart, unsigned long vend)
{
	unsigned long prev_end = vstart, largest = 0;
	struct vmap_area *va;

	list_for_each_entry(va, head, list) {
		if (va->flags & VMAP_LAZY_FREE)
			continue;
		if (va->va_start > prev_end && va->va_start - prev_end > largest)
			largest = va->va_start - prev_end;
		if (va->va_end > prev_end)
			prev_end = va->va_end;
	}
	if (vend > prev_end && vend - prev_end > largest)
		largest = vend - prev_end;
	return largest;
}
