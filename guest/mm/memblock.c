/*
 * memblock: boot-time region bookkeeping and early allocation.
 *
 * Regions are kept sorted and merged, so the free-range iterator is a single
 * merge walk over `memory` and `reserved`.  Everything here is O(regions),
 * never O(pages): the boot path must not touch per-page state
 * (docs/design.md §2.6 rule 1).
 */
#include "kernel.h"
#include "memblock.h"

struct memblock memblock = {
	.current_limit = ~(phys_addr_t)0,
	.memory = { .name = "memory" },
	.reserved = { .name = "reserved" },
};

static void memblock_remove_region(struct memblock_type *type, unsigned int i)
{
	type->total_size -= type->regions[i].size;
	for (; i + 1 < type->cnt; i++)
		type->regions[i] = type->regions[i + 1];
	type->cnt--;
}

/* Insert [base, base+size) and merge with any overlapping or adjacent
 * neighbours, keeping the array sorted. */
static int memblock_add_range(struct memblock_type *type, phys_addr_t base,
			      phys_addr_t size)
{
	phys_addr_t end = base + size;
	unsigned int i;

	if (!size)
		return 0;
	if (end < base)
		return -1;
	BUG_ON(memblock.frozen);

	/* Swallow every region that touches the new one. */
	for (i = 0; i < type->cnt;) {
		struct memblock_region *r = &type->regions[i];
		phys_addr_t rend = r->base + r->size;

		if (rend < base || r->base > end) {
			i++;
			continue;
		}
		base = min(base, r->base);
		end = max(end, rend);
		memblock_remove_region(type, i);
	}
	if (type->cnt >= MEMBLOCK_MAX_REGIONS) {
		printk("memblock: too many %s regions, dropping [0x%llx-0x%llx)\n",
		       type->name, base, end);
		return -1;
	}
	for (i = 0; i < type->cnt && type->regions[i].base < base; i++)
		;
	for (unsigned int j = type->cnt; j > i; j--)
		type->regions[j] = type->regions[j - 1];
	type->regions[i].base = base;
	type->regions[i].size = end - base;
	type->total_size += end - base;
	type->cnt++;
	return 0;
}

int memblock_add(phys_addr_t base, phys_addr_t size)
{
	return memblock_add_range(&memblock.memory, base, size);
}

int memblock_reserve(phys_addr_t base, phys_addr_t size)
{
	return memblock_add_range(&memblock.reserved, base, size);
}

static bool memblock_type_contains(const struct memblock_type *type, phys_addr_t addr)
{
	for (unsigned int i = 0; i < type->cnt; i++)
		if (addr >= type->regions[i].base &&
		    addr - type->regions[i].base < type->regions[i].size)
			return true;
	return false;
}

bool memblock_is_reserved(phys_addr_t addr)
{
	return memblock_type_contains(&memblock.reserved, addr);
}

bool memblock_overlaps_reserved(phys_addr_t base, phys_addr_t size)
{
	const struct memblock_type *type = &memblock.reserved;

	for (unsigned int i = 0; i < type->cnt; i++) {
		const struct memblock_region *r = &type->regions[i];
		if (r->base < base + size && base < r->base + r->size)
			return true;
	}
	return false;
}

phys_addr_t memblock_end_of_DRAM(void)
{
	const struct memblock_type *m = &memblock.memory;

	return m->cnt ? m->regions[m->cnt - 1].base + m->regions[m->cnt - 1].size : 0;
}

void memblock_set_current_limit(phys_addr_t limit)
{
	memblock.current_limit = limit;
}

bool memblock_next_free_range(u64 *idx, phys_addr_t *out_start, phys_addr_t *out_end)
{
	/* idx encodes (memory region, start offset): resume from the end of
	 * the previous range within the same region. */
	const struct memblock_type *mem = &memblock.memory, *res = &memblock.reserved;
	unsigned int mi = (unsigned int)(*idx >> 48);
	phys_addr_t cursor = *idx & ((1ull << 48) - 1);

	for (; mi < mem->cnt; mi++, cursor = 0) {
		phys_addr_t start = mem->regions[mi].base;
		phys_addr_t end = start + mem->regions[mi].size;

		if (cursor > start)
			start = cursor;
		while (start < end) {
			phys_addr_t stop = end;
			bool hit = false;

			/* Find the first reserved region that overlaps [start, end). */
			for (unsigned int ri = 0; ri < res->cnt; ri++) {
				phys_addr_t rb = res->regions[ri].base;
				phys_addr_t re = rb + res->regions[ri].size;

				if (re <= start || rb >= end)
					continue;
				if (rb <= start) {
					start = re;  /* skip the reserved part */
					hit = true;
					break;
				}
				stop = rb;
				break;
			}
			if (hit)
				continue;
			if (start < stop) {
				*out_start = start;
				*out_end = stop;
				*idx = ((u64)mi << 48) | stop;
				return true;
			}
		}
	}
	*idx = (u64)mem->cnt << 48;
	return false;
}

phys_addr_t memblock_phys_alloc(phys_addr_t size, phys_addr_t align)
{
	const struct memblock_type *mem = &memblock.memory;

	BUG_ON(memblock.frozen);
	if (!align)
		align = 4096;
	if (!size)
		return 0;
	/* Top-down, as Linux does, so low (DMA) memory is kept for those who
	 * need it.  Try each memory region from the highest. */
	for (int mi = (int)mem->cnt - 1; mi >= 0; mi--) {
		phys_addr_t rbase = mem->regions[mi].base;
		phys_addr_t rend = min(rbase + mem->regions[mi].size, memblock.current_limit);

		if (rend <= rbase || rend - rbase < size)
			continue;
		phys_addr_t cand = ALIGN_DOWN(rend - size, align);
		while (cand >= rbase) {
			if (!memblock_overlaps_reserved(cand, size)) {
				memblock_reserve(cand, size);
				return cand;
			}
			/* Move below the lowest reserved region that overlaps. */
			phys_addr_t lowest = cand + size;
			for (unsigned int ri = 0; ri < memblock.reserved.cnt; ri++) {
				const struct memblock_region *r = &memblock.reserved.regions[ri];
				if (r->base < cand + size && cand < r->base + r->size &&
				    r->base < lowest)
					lowest = r->base;
			}
			if (lowest < size + rbase)
				break;
			cand = ALIGN_DOWN(lowest - size, align);
		}
	}
	return 0;
}

