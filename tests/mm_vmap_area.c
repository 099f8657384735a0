/*
 * Unit tests of the vmalloc address-range allocator (guest/mm/vmap_area.c),
 * built for the host: first fit, alignment, guard-sized gaps, lookups and
 * the largest gap, each checked against a model that keeps one bit per page
 * and finds the lowest aligned run of free pages by brute force.  Every
 * search goes through the search cache, so these also show that the cache
 * never changes which address first fit picks.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include "mm_host.h"
#include "vmalloc.h"

#define P 4096ul
#define VSTART (0x10000000ul + 3 * P)   /* not aligned beyond one page */
#define NPAGES 2048ul
#define VEND (VSTART + NPAGES * P)

static LIST_HEAD(areas);
static struct vmap_cache cache;
static unsigned char model[NPAGES];   /* 1: page reserved */

static void reset(void)
{
	struct vmap_area *va, *n;

	list_for_each_entry_safe(va, n, &areas, list) {
		__vmap_area_unlink(&areas, &cache, va);
		free(va);
	}
	cr_assert_null(cache.node);
	memset(model, 0, sizeof(model));
}

TestSuite(vmap_area, .fini = reset);

/* The model's first fit: the lowest aligned address with size free bytes. */
static unsigned long model_find(unsigned long size, unsigned long align)
{
	for (unsigned long a = ALIGN(VSTART, align); a + size <= VEND; a += align) {
		unsigned long first = (a - VSTART) / P, n = size / P, i = 0;

		while (i < n && !model[first + i])
			i++;
		if (i == n)
			return a;
	}
	return VMAP_NO_FIT;
}

static unsigned long model_largest(void)
{
	unsigned long best = 0, run = 0;

	for (unsigned long i = 0; i < NPAGES; i++) {
		run = model[i] ? 0 : run + 1;
		if (run > best)
			best = run;
	}
	return best * P;
}

static struct vmap_area *reserve(unsigned long size, unsigned long align)
{
	struct list_head *prev;
	unsigned long want = model_find(size, align);
	unsigned long got = __vmap_area_find(&areas, &cache, size, align, VSTART, VEND, &prev);
	struct vmap_area *va;

	cr_assert_eq(got, want, "size %#lx align %#lx: got %#lx, the model says %#lx", size, align,
		     got, want);
	if (got == VMAP_NO_FIT)
		return NULL;
	va = calloc(1, sizeof(*va));
	va->va_start = got;
	va->va_end = got + size;
	__vmap_area_link(&cache, va, prev);
	memset(model + (got - VSTART) / P, 1, size / P);
	return va;
}

static void release(struct vmap_area *va)
{
	memset(model + (va->va_start - VSTART) / P, 0, (va->va_end - va->va_start) / P);
	__vmap_area_unlink(&areas, &cache, va);
	free(va);
}

/* The list stays sorted and without overlap. */
static void assert_sorted(void)
{
	unsigned long end = VSTART;
	struct vmap_area *va;

	list_for_each_entry(va, &areas, list) {
		cr_assert_geq(va->va_start, end, "area %#lx overlaps or precedes the one before",
			      va->va_start);
		end = va->va_end;
	}
	cr_assert_leq(end, VEND);
}

Test(vmap_area, empty_range_gives_its_first_aligned_address)
{
	cr_assert_eq(reserve(5 * P, P)->va_start, VSTART);
	reset();
	cr_assert_eq(reserve(P, 16 * P)->va_start, ALIGN(VSTART, 16 * P));
}

Test(vmap_area, back_to_back_then_first_fit_into_the_lowest_gap)
{
	struct vmap_area *a[8];

	for (int i = 0; i < 8; i++)
		a[i] = reserve(5 * P, P);   /* 4 pages + guard */
	for (int i = 1; i < 8; i++)
		cr_assert_eq(a[i]->va_start, a[i - 1]->va_end);
	unsigned long g1 = a[1]->va_start, g5 = a[5]->va_start;
	release(a[1]);
	release(a[2]);
	release(a[5]);
	cr_assert_eq(reserve(10 * P, P)->va_start, g1, "10 pages fill the merged gap of a[1] and a[2]");
	cr_assert_eq(reserve(11 * P, P)->va_start, a[7]->va_end, "11 pages fit no gap");
	cr_assert_eq(reserve(2 * P, P)->va_start, g5);
	assert_sorted();
}

Test(vmap_area, alignment_skips_a_gap_too_small_once_aligned)
{
	struct vmap_area *a = reserve(3 * P, P), *b = reserve(20 * P, P), *c = reserve(P, P);

	/* A 20-page gap at 0x10006000; aligned to 16 pages it starts at
	 * 0x10010000 with only 10 pages left, so 16 aligned pages go after c. */
	release(b);
	cr_assert_eq(a->va_start, VSTART);
	cr_assert_eq(reserve(16 * P, 16 * P)->va_start, ALIGN(c->va_end, 16 * P));
	cr_assert_eq(reserve(8 * P, 8 * P)->va_start, 0x10008000ul);
	assert_sorted();
}

Test(vmap_area, no_fit_and_no_wrap)
{
	struct list_head *prev;

	cr_assert_null(reserve((NPAGES + 1) * P, P));
	cr_assert_not_null(reserve(NPAGES * P, P));
	cr_assert_null(reserve(P, P));
	reset();
	cr_assert_eq(__vmap_area_find(&areas, &cache, ~0ul & ~(P - 1), P, VSTART, VEND, &prev),
		     VMAP_NO_FIT);
	/* A range ending at the top of the address space: no sum wraps. */
	cr_assert_eq(__vmap_area_find(&areas, &cache, 2 * P, P, ~0ul - 3 * P + 1, ~0ul, &prev),
		     ~0ul - 3 * P + 1);
	cr_assert_eq(__vmap_area_find(&areas, &cache, 3 * P, P, ~0ul - 3 * P + 1, ~0ul, &prev),
		     VMAP_NO_FIT);
	cr_assert_eq(__vmap_area_find(&areas, &cache, P, 1ul << 40, ~0ul - 3 * P + 1, ~0ul, &prev),
		     VMAP_NO_FIT);
}

Test(vmap_area, lookup_finds_the_area_containing_an_address)
{
	struct vmap_area *a = reserve(3 * P, P), *b = reserve(2 * P, P);

	cr_assert_eq(__vmap_area_lookup(&areas, &cache, a->va_start), a);
	cr_assert_eq(__vmap_area_lookup(&areas, NULL, a->va_end - 1), a);
	cr_assert_eq(__vmap_area_lookup(&areas, &cache, b->va_start + P + 7), b);
	cr_assert_null(__vmap_area_lookup(&areas, &cache, b->va_end));
	cr_assert_null(__vmap_area_lookup(&areas, &cache, VSTART - 1));
}

/* A run of allocations resumes after the last one; a free below it, and a
 * smaller request than a gap skipped, send the search back down. */
Test(vmap_area, the_cache_resumes_and_falls_back)
{
	struct vmap_area *a = reserve(2 * P, P), *b = reserve(3 * P, P), *c;

	cr_assert_eq(cache.node, b);
	c = reserve(2 * P, P);
	cr_assert_eq(c->va_start, b->va_end);
	release(a);                          /* below the cache point */
	cr_assert_null(cache.node);
	cr_assert_eq(reserve(P, P)->va_start, VSTART);
	cr_assert_eq(reserve(4 * P, P)->va_start, c->va_end, "4 pages skip the 1-page gap");
	cr_assert_eq(cache.hole, P);
	cr_assert_eq(reserve(P, P)->va_start, VSTART + P, "1 page is no larger than the gap skipped");
	assert_sorted();
}

static void random_traffic(unsigned int seed)
{
	static struct vmap_area *held[512];
	unsigned int nr = 0, fails = 0;

	srand(seed);
	for (int op = 0; op < 20000; op++) {
		if (nr && (nr == 512 || rand() % 100 < 45)) {
			unsigned int k = rand() % nr;

			release(held[k]);
			held[k] = held[--nr];
		} else {
			unsigned long size = (1 + (rand() % 4 ? rand() % 8 : rand() % 200)) * P;
			unsigned long align = P << (rand() % 4 ? 0 : rand() % 7);
			struct vmap_area *va = reserve(size, align);

			if (va)
				held[nr++] = va;
			else
				fails++;
		}
		cr_assert_eq(__vmap_largest_gap(&areas, VSTART, VEND), model_largest(), "op %d", op);
		if (op % 97 == 0) {
			unsigned long a = VSTART + (rand() % NPAGES) * P + rand() % P;
			struct vmap_area *va = __vmap_area_lookup(&areas, op % 2 ? &cache : NULL, a);

			cr_assert_eq(!!va, model[(a - VSTART) / P], "lookup %#lx", a);
			if (va)
				cr_assert(va->va_start <= a && a < va->va_end);
		}
	}
	assert_sorted();
	cr_assert_gt(fails, 0, "the range never filled up: the test did not reach fragmentation");
	reset();
}

Test(vmap_area, random_traffic_agrees_with_the_model)
{
	for (unsigned int seed = 1; seed <= 8; seed++)
		random_traffic(seed);
}
