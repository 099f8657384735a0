/*
 * stress:all: every allocator at once, under fault injection.  Random
 * traffic mixes pages of every zone (orders 0-3), two slab caches, kmalloc
 * of every size class and two mempools (kmalloc- and page-backed); each
 * object carries a tag in its first and last bytes (pages: a pattern
 * derived from the pfn), checked when it is freed.  With fail_page_alloc=
 * and failslab= on the command line, allocations fail at random and the
 * mempools fall back to their reserves.  At the end everything is freed,
 * every cache is shrunk and the per-CPU lists drained, and the accounting
 * must be back where it started: free blocks per zone and order, free
 * pages, slab pages and every cache's active objects.
 *
 *   run=stress:all seed=N ops=M fail_page_alloc=1,10,0,-1 failslab=1,10,0,-1
 */
#include "kernel.h"
#include "cmdline.h"
#include "fault_inject.h"
#include "highmem.h"
#include "hypercall.h"
#include "mempool.h"
#include "mm.h"
#include "random.h"
#include "slab.h"
#include "workload.h"
#include "mm_snapshot.h"

#define HELD_MAX   512

/* H_POOL: 256 bytes from the kmalloc-backed pool; H_POOL_PAGE: a page from
 * the page-backed one. */
enum held_kind { H_PAGES, H_CACHE, H_KMALLOC, H_POOL, H_POOL_PAGE };

struct held_item {
	enum held_kind kind;
	u8 which;             /* cache or pool index */
	u8 tag;
	u32 size;             /* bytes, or the order for pages */
	void *p;              /* object, or struct page * */
};

/* A page block's pattern: its first and last words name its pfn. */
static void stamp_pages(struct held_item *h, bool check)
{
	struct page *page = h->p;
	unsigned long pfn = page_to_pfn(page), last = pfn + (1ul << h->size) - 1;
	u32 *first = kmap_atomic(page);
	u32 v = first[0];

	if (!check)
		first[0] = (u32)pfn ^ 0x5a5a0000u;
	kunmap_atomic(first);
	if (check && v != ((u32)pfn ^ 0x5a5a0000u))
		panic("stress:all: pfn %#lx (order %u) was overwritten: %#x", pfn, h->size, v);
	u32 *tail = kmap_atomic(pfn_to_page(last));
	v = tail[1023];
	if (!check)
		tail[1023] = ~(u32)pfn;
	kunmap_atomic(tail);
	if (check && v != ~(u32)pfn)
		panic("stress:all: pfn %#lx (order %u), last page, was overwritten: %#x", pfn,
		      h->size, v);
}

static void stamp(struct held_item *h, bool check)
{
	u8 *p = h->p;

	if (h->kind == H_PAGES || h->kind == H_POOL_PAGE)
		return stamp_pages(h, check);
	/* The last byte first: in a 1-byte object the tag must win. */
	if (!check) {
		p[h->size - 1] = (u8)(h->tag ^ 0xa5);
		p[0] = h->tag;
	} else if (p[0] != h->tag || (h->size > 1 && p[h->size - 1] != (u8)(h->tag ^ 0xa5))) {
		panic("stress:all: object %08lx (%u bytes, kind %d) was overwritten",
		      (unsigned long)p, h->size, h->kind);
	}
}

/* Check the object's tag, then give it back where it came from. */
static void release(struct held_item *h, struct kmem_cache *const caches[2],
		    mempool_t *const pools[2])
{
	stamp(h, true);
	switch (h->kind) {
	case H_PAGES:
		__free_pages(h->p, h->size);
		break;
	case H_CACHE:
		kmem_cache_free(caches[h->which], h->p);
		break;
	case H_KMALLOC:
		kfree(h->p);
		break;
	case H_POOL:
		mempool_free(h->p, pools[0]);
		break;
	case H_POOL_PAGE:
		mempool_free(h->p, pools[1]);
		break;
	}
}

static const gfp_t page_gfp[] = { GFP_KERNEL, GFP_ATOMIC, GFP_HIGHUSER, GFP_KERNEL | GFP_DMA };

static int stress_all(const char *arg)
{
	static struct held_item held[HELD_MAX];
	static struct mm_snapshot start;
	unsigned long seed, ops;
	unsigned long allocs = 0, frees = 0, fails = 0;
	unsigned long inj_pages = vm_event_states.event[PGALLOC_FAIL_INJECTED];
	unsigned long inj_slab = failslab.injected, reserve = 0, pause_pages, pause_slab;
	struct kmem_cache *caches[2];
	mempool_t *pools[2];
	unsigned int nr = 0;
	struct rnd_state rnd;

	(void)arg;
	stress_opts(&seed, &ops, &rnd);
	mm_snapshot_take(&start, true);
	/*
	 * Set up with injection paused, as a driver's probe would mostly
	 * succeed: the traffic, not the setup, is what runs under it.  Any
	 * that fails all the same is skipped.
	 */
	pause_pages = fail_page_alloc.attr.probability;
	pause_slab = failslab.attr.probability;
	fail_page_alloc.attr.probability = failslab.attr.probability = 0;
	caches[0] = kmem_cache_create("stress-a", 72, 0, 0, NULL);
	caches[1] = kmem_cache_create("stress-b", 600, 0, SLAB_HWCACHE_ALIGN, NULL);
	pools[0] = mempool_create_kmalloc_pool(8, 256);
	pools[1] = mempool_create_page_pool(4, 0);
	fail_page_alloc.attr.probability = pause_pages;
	failslab.attr.probability = pause_slab;

	for (unsigned long op = 1; op <= ops; op++) {
		u32 r = prandom_below(&rnd, 100);
		struct held_item *h = &held[nr];

		if (nr < HELD_MAX && (nr == 0 || r < 55)) {
			u32 kind = prandom_below(&rnd, 100);

			*h = (struct held_item){ .tag = (u8)prandom_u32_state(&rnd) };
			if (kind < 35) {
				gfp_t gfp = page_gfp[prandom_below(&rnd, ARRAY_SIZE(page_gfp))];

				h->kind = H_PAGES;
				h->size = prandom_below(&rnd, 4);
				h->p = alloc_pages(gfp | __GFP_NOWARN, h->size);
			} else if (kind < 60) {
				h->kind = H_CACHE;
				h->which = (u8)prandom_below(&rnd, 2);
				if (caches[h->which]) {
					h->size = caches[h->which]->object_size;
					h->p = kmem_cache_alloc(caches[h->which], GFP_KERNEL);
				}
			} else if (kind < 85) {
				h->kind = H_KMALLOC;
				h->size = 1 + prandom_below(&rnd, prandom_below(&rnd, 8) ? 512 : 16384);
				h->p = kmalloc(h->size, GFP_KERNEL | __GFP_NOWARN);
			} else {
				mempool_t *pool;

				/* The size of a page is its order, 0. */
				h->kind = prandom_below(&rnd, 2) ? H_POOL_PAGE : H_POOL;
				h->size = h->kind == H_POOL ? 256 : 0;
				pool = pools[h->kind == H_POOL_PAGE];
				if (pool) {
					unsigned long before = pool->nr_reserve_allocs;

					h->p = mempool_alloc(pool, GFP_ATOMIC);
					reserve += pool->nr_reserve_allocs - before;
				}
			}
			if (h->p) {
				stamp(h, false);
				nr++;
				allocs++;
			} else {
				fails++;
			}
		} else {
			unsigned int k = prandom_below(&rnd, nr);

			h = &held[k];
			release(h, caches, pools);
			held[k] = held[--nr];
			frees++;
		}
		if (op % 100 == 0)
			checkpoint(op);
	}
	while (nr) {
		struct held_item *h = &held[--nr];

		release(h, caches, pools);
	}
	mempool_destroy(pools[0]);
	mempool_destroy(pools[1]);
	for (int i = 0; i < 2; i++)
		if (kmem_cache_destroy(caches[i]))
			panic("stress:all: cache %d not empty at the end", i);
	checkpoint(ops + 1);
	printk("stress:all: seed %lu: %lu ops, %lu allocs, %lu frees, %lu failed; injected: "
	       "fail_page_alloc %lu, failslab %lu; mempool reserve allocations %lu\n", seed, ops,
	       allocs, frees, fails, vm_event_states.event[PGALLOC_FAIL_INJECTED] - inj_pages,
	       failslab.injected - inj_slab, reserve);
	if (mm_snapshot_compare(&start, "stress:all", "end"))
		return 1;
	printk("stress:all: the accounting is back where it started\n");
	return 0;
}
DEFINE_WORKLOAD("stress:all", stress_all,
		"pages, slab caches, kmalloc and mempools at once (seed=N ops=M), "
		"checkpoint every 100 ops, accounting checked at the end");
