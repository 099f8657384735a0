/*
 * Page-allocator workloads: selftest:buddy (deterministic checks of the
 * buddy allocator's documented behaviour), stress:buddy (random mixed-order
 * traffic with host checkpoints, a per-pfn pattern in every page it holds,
 * and the free counts back where they began) and meminfo (the /proc
 * reports).
 *
 * Allocated blocks are chained through their head page's lru, which belongs
 * to the owner of an allocated page, so no bookkeeping memory is needed.
 */
#include "kernel.h"
#include "cmdline.h"
#include "fault_inject.h"
#include "highmem.h"
#include "hypercall.h"
#include "mm.h"
#include "procfs.h"
#include "random.h"
#include "string.h"
#include "workload.h"
#include "mm_snapshot.h"

/* Blocks held by a test, chained through page->lru; order in private. */
struct held {
	struct list_head list;
	unsigned long nr;
};

static void hold(struct held *h, struct page *page, unsigned int order)
{
	page->private = order;
	list_add_tail(&page->lru, &h->list);
	h->nr++;
}

static void release_all(struct held *h)
{
	struct page *page, *n;

	list_for_each_entry_safe(page, n, &h->list, lru) {
		unsigned int order = page->private;
		list_del(&page->lru);
		page->private = 0;
		__free_pages(page, order);
	}
	h->nr = 0;
}

#define CHECK(cond, ...) SELFTEST_CHECK("selftest:buddy", cond, __VA_ARGS__)

static const gfp_t zone_gfp[MAX_NR_ZONES] = {
	[ZONE_DMA] = GFP_DMA | GFP_KERNEL,
	[ZONE_NORMAL] = GFP_KERNEL,
	[ZONE_HIGHMEM] = GFP_HIGHUSER,
};

static int test_every_order(void)
{
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &contig_page_data.node_zones[z];
		if (!managed_zone(zone))
			continue;
		for (unsigned int order = 0; order < MAX_ORDER; order++) {
			struct page *page = alloc_pages(zone_gfp[z] | __GFP_NOWARN, order);
			if (!page && zone->managed_pages < (4ul << order))
				continue;   /* a tiny zone may not hold this order */
			CHECK(page, "zone %s order %u", zone->name, order);
			unsigned long pfn = page_to_pfn(page);
			CHECK((pfn & ((1ul << order) - 1)) == 0, "pfn %#lx order %u misaligned", pfn, order);
			CHECK(page_zone(page) == zone, "zone %s order %u came from %s",
			      zone->name, order, page_zone(page)->name);
			CHECK(page_count(page) == 1, "refcount %d", page_count(page));
			__free_pages(page, order);
		}
	}
	return 0;
}

/* Split one MAX_ORDER block down to order 0, then free: it must merge back. */
static int test_split_merge(void)
{
	struct mm_snapshot snap;
	struct held h = { LIST_HEAD_INIT(h.list), 0 };

	mm_snapshot_take(&snap, false);
	for (unsigned int order = 0; order < MAX_ORDER; order++) {
		struct page *page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, order);
		CHECK(page, "order %u", order);
		hold(&h, page, order);
	}
	release_all(&h);
	return mm_snapshot_compare(&snap, "selftest:buddy", "split/merge");
}

/* Take everything a zone will give at one gfp, largest blocks first. */
static unsigned long exhaust(struct held *h, gfp_t gfp, enum zone_type want, bool *fell_back)
{
	unsigned long pages = 0;

	for (int order = MAX_ORDER - 1; order >= 0; order--) {
		struct page *page;
		while ((page = alloc_pages(gfp | __GFP_NOWARN, order)) != NULL) {
			if (page_zonenum(page) != want) {
				if (fell_back)
					*fell_back = true;
				__free_pages(page, order);
				break;
			}
			hold(h, page, order);
			pages += 1ul << order;
		}
	}
	return pages;
}

static int test_exhaust_dma_and_fallback(void)
{
	struct held h = { LIST_HEAD_INIT(h.list), 0 };
	struct zone *dma = &contig_page_data.node_zones[ZONE_DMA];
	struct mm_snapshot snap;

	mm_snapshot_take(&snap, false);
	unsigned long got = exhaust(&h, GFP_DMA | GFP_KERNEL, ZONE_DMA, NULL);
	CHECK(got > 0, "no DMA pages at all");
	CHECK(!alloc_pages(GFP_DMA | GFP_KERNEL | __GFP_NOWARN, 0), "DMA not exhausted");
	/* The zone stops at its watermark, not at zero. */
	CHECK(zone_page_state(dma, NR_FREE_PAGES) <= min_wmark_pages(dma) + dma->lowmem_reserve[ZONE_DMA] + (1ul << (MAX_ORDER - 1)),
	      "DMA stopped early: %lu free", zone_page_state(dma, NR_FREE_PAGES));
	/* GFP_KERNEL falls back to nothing lower than Normal: still fine. */
	struct page *p = alloc_page(GFP_KERNEL);
	CHECK(p && page_zonenum(p) == ZONE_NORMAL, "GFP_KERNEL after DMA exhaustion");
	__free_page(p);
	printk("selftest:buddy: DMA exhausted after %lu pages\n", got);
	release_all(&h);
	return mm_snapshot_compare(&snap, "selftest:buddy", "DMA exhaustion");
}

static int test_exhaust_highmem_and_fallback(void)
{
	struct held h = { LIST_HEAD_INIT(h.list), 0 };
	struct mm_snapshot snap;
	bool fell_back = false;
	unsigned long above_4g = 0;

	if (!managed_zone(&contig_page_data.node_zones[ZONE_HIGHMEM]))
		return 0;
	mm_snapshot_take(&snap, false);
	unsigned long got = exhaust(&h, GFP_HIGHUSER, ZONE_HIGHMEM, &fell_back);
	CHECK(got > 0, "no HighMem pages");
	CHECK(fell_back, "GFP_HIGHUSER did not fall back to Normal once HighMem was exhausted");
	struct page *page, *high4g = NULL;
	list_for_each_entry(page, &h.list, lru)
		if (page_to_pfn(page) >= (RAM_HOLE_END >> PAGE_SHIFT)) {
			above_4g++;
			high4g = page;
		}
	if (high4g) {
		/* RAM above 4 GiB is reachable only through PAE PTEs: write through
		 * one temporary mapping, read back through another. */
		u32 *w = kmap_atomic(high4g);
		for (unsigned int i = 0; i < PAGE_SIZE / 4; i += 64)
			w[i] = 0xc0de0000u ^ i;
		kunmap_atomic(w);
		u32 *r = kmap_atomic(high4g);
		unsigned int i = 0;
		while (i < PAGE_SIZE / 4 && r[i] == (0xc0de0000u ^ i))
			i += 64;
		kunmap_atomic(r);
		CHECK(i >= PAGE_SIZE / 4, "pfn %#lx above 4 GiB: word %u read back wrong",
		      page_to_pfn(high4g), i);
		printk("selftest:buddy: pfn %#lx above 4 GiB: write and read back through kmap_atomic agree\n",
		       page_to_pfn(high4g));
	}
	printk("selftest:buddy: HighMem exhausted after %lu pages (%lu blocks above 4 GiB), then fell back\n",
	       got, above_4g);
	release_all(&h);
	return mm_snapshot_compare(&snap, "selftest:buddy", "HighMem exhaustion");
}

static int test_gfp_zero(void)
{
	for (int z = ZONE_NORMAL; z <= ZONE_HIGHMEM; z++) {
		if (!managed_zone(&contig_page_data.node_zones[z]))
			continue;
		struct page *page = alloc_pages(zone_gfp[z], 0);
		CHECK(page, "alloc");
		u8 *va = kmap_atomic(page);
		memset(va, 0x5a, PAGE_SIZE);
		kunmap_atomic(va);
		unsigned long pfn = page_to_pfn(page);
		__free_pages(page, 0);
		/* The pcp hands the hot page straight back. */
		page = alloc_pages(zone_gfp[z] | __GFP_ZERO, 0);
		CHECK(page, "alloc zeroed");
		CHECK(page_to_pfn(page) == pfn, "pcp did not return the hot page");
		va = kmap_atomic(page);
		unsigned int i = 0;
		while (i < PAGE_SIZE && !va[i])
			i++;
		u8 bad = i < PAGE_SIZE ? va[i] : 0;
		kunmap_atomic(va);
		CHECK(i == PAGE_SIZE, "byte %u of a __GFP_ZERO page is 0x%x", i, bad);
		__free_pages(page, 0);
	}
	return 0;
}

/* A page of bytes derived from seed, so a copy from the wrong page (or a
 * partial copy) shows. */
static void fill_page(struct page *page, u32 seed)
{
	u32 *w = kmap_atomic(page);

	for (unsigned int i = 0; i < PAGE_SIZE / 4; i++)
		w[i] = seed + i * 2654435761u;
	kunmap_atomic(w);
}

/* The first word that differs from fill_page(seed), or PAGE_SIZE / 4. */
static unsigned int page_differs(struct page *page, u32 seed)
{
	u32 *w = kmap_atomic(page);
	unsigned int i = 0;

	while (i < PAGE_SIZE / 4 && w[i] == seed + i * 2654435761u)
		i++;
	kunmap_atomic(w);
	return i;
}

/* copy_page between direct-mapped pages, and copy_highpage in each
 * direction between a lowmem and (if any) a highmem page. */
static int test_copy_page(void)
{
	struct page *a = alloc_page(GFP_KERNEL), *b = alloc_page(GFP_KERNEL);
	struct page *h = alloc_page(GFP_HIGHUSER);   /* lowmem if there is no HighMem */
	unsigned int w;

	CHECK(a && b && h, "alloc");
	fill_page(a, 0x1234);
	fill_page(b, 0);
	copy_page(page_address(b), page_address(a));
	CHECK((w = page_differs(b, 0x1234)) == PAGE_SIZE / 4, "copy_page: word %u differs", w);
	fill_page(h, 0x5678);
	copy_highpage(a, h);
	CHECK((w = page_differs(a, 0x5678)) == PAGE_SIZE / 4, "copy_highpage to lowmem: word %u", w);
	fill_page(a, 0x9abc);
	copy_highpage(h, a);
	CHECK((w = page_differs(h, 0x9abc)) == PAGE_SIZE / 4, "copy_highpage from lowmem: word %u", w);
	CHECK((w = page_differs(b, 0x1234)) == PAGE_SIZE / 4, "the first copy was overwritten");
	__free_page(a);
	__free_page(b);
	__free_page(h);
	return 0;
}

/* A zeroed order-2 block: every page, including those past the first. */
static int test_gfp_zero_order2(void)
{
	struct page *page = alloc_pages(GFP_KERNEL, 2);

	CHECK(page, "alloc");
	memset(page_address(page), 0xa5, 4 * PAGE_SIZE);
	__free_pages(page, 2);
	page = alloc_pages(GFP_KERNEL | __GFP_ZERO, 2);
	CHECK(page, "alloc zeroed");
	const u32 *w = page_address(page);
	unsigned int i = 0;
	while (i < PAGE_SIZE && !w[i])
		i++;
	__free_pages(page, 2);
	CHECK(i == PAGE_SIZE, "word %u of a zeroed order-2 block is nonzero", i);
	return 0;
}

/* GFP_KERNEL takes lowmem down to the min watermarks (the LOW mark first,
 * then MIN, as Linux's slow path does; lowmem_reserve keeps DMA's share);
 * GFP_ATOMIC may then dip below min. */
static int test_watermark_atomic(void)
{
	struct held h = { LIST_HEAD_INIT(h.list), 0 };
	struct mm_snapshot snap;
	struct page *page;

	mm_snapshot_take(&snap, false);
	for (int order = MAX_ORDER - 1; order >= 0; order--)
		while ((page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, order)) != NULL)
			hold(&h, page, order);
	for (int z = ZONE_DMA; z <= ZONE_NORMAL; z++) {
		struct zone *zone = &contig_page_data.node_zones[z];
		unsigned long free = zone_page_state(zone, NR_FREE_PAGES);
		unsigned long floor = min_wmark_pages(zone) +
				      (z == ZONE_DMA ? zone->lowmem_reserve[ZONE_NORMAL] : 0);
		CHECK(free <= floor + 1, "zone %s stopped at %lu free, above its floor %lu",
		      zone->name, free, floor);
	}
	page = alloc_page(GFP_ATOMIC | __GFP_NOWARN);
	CHECK(page, "GFP_ATOMIC must dip below min where GFP_KERNEL fails");
	hold(&h, page, 0);
	release_all(&h);
	return mm_snapshot_compare(&snap, "selftest:buddy", "watermarks");
}

static int test_pcp_batches(void)
{
	struct zone *zone = &contig_page_data.node_zones[ZONE_NORMAL];
	struct per_cpu_pages *pcp = &zone->pageset[smp_processor_id()];
	struct held h = { LIST_HEAD_INIT(h.list), 0 };

	drain_all_pages(NULL);
	CHECK(pcp->count == 0, "drain left %d", pcp->count);
	CHECK(pcp->batch > 0 && pcp->high > pcp->batch, "high %d batch %d", pcp->high, pcp->batch);
	struct page *page = alloc_page(GFP_KERNEL);
	CHECK(page && page_zone(page) == zone, "alloc");
	CHECK(pcp->count == pcp->batch - 1, "refill: count %d after one alloc, batch %d",
	      pcp->count, pcp->batch);
	hold(&h, page, 0);
	/* Allocate enough to need more refills, then free them all: the list
	 * grows to high and spills one batch back to the buddy lists. */
	for (int i = 0; i < pcp->high + pcp->batch; i++) {
		page = alloc_page(GFP_KERNEL);
		CHECK(page, "alloc %d", i);
		hold(&h, page, 0);
	}
	release_all(&h);
	/* A free that brings count to high spills one batch: high-batch..high-1. */
	CHECK(pcp->count < pcp->high && pcp->count >= pcp->high - pcp->batch,
	      "after frees count %d, high %d, batch %d", pcp->count, pcp->high, pcp->batch);
	/* Hot at the head: the last page freed is the next one handed out. */
	page = alloc_page(GFP_KERNEL);
	struct page *again;
	__free_page(page);
	again = alloc_page(GFP_KERNEL);
	CHECK(again == page, "hot page not reused");
	__free_page(again);
	return 0;
}

static int test_random_order_free(void)
{
	struct mm_snapshot snap;
	struct rnd_state rnd;
	struct page *blocks[64];
	unsigned int orders[64];

	prandom_seed_state(&rnd, 42);
	mm_snapshot_take(&snap, false);
	for (int i = 0; i < 64; i++) {
		orders[i] = prandom_below(&rnd, 6);
		blocks[i] = alloc_pages(GFP_KERNEL, orders[i]);
		CHECK(blocks[i], "alloc %d", i);
	}
	for (int i = 63; i > 0; i--) {          /* Fisher-Yates */
		int j = prandom_below(&rnd, i + 1);
		struct page *tp = blocks[i]; unsigned int to = orders[i];
		blocks[i] = blocks[j]; orders[i] = orders[j];
		blocks[j] = tp; orders[j] = to;
	}
	for (int i = 0; i < 64; i++)
		__free_pages(blocks[i], orders[i]);
	return mm_snapshot_compare(&snap, "selftest:buddy", "random-order free");
}

static int test_fail_page_alloc(void)
{
	struct fail_page_alloc_attr saved = fail_page_alloc;
	unsigned long inj0 = vm_event_states.event[PGALLOC_FAIL_INJECTED];
	int failed = 0;

	CHECK(setup_fail_page_alloc("1,100,0,3"), "parse");
	for (int i = 0; i < 10; i++) {
		struct page *page = alloc_page(GFP_KERNEL | __GFP_NOWARN);
		if (!page)
			failed++;
		else
			__free_page(page);
	}
	struct page *nofail = alloc_page(GFP_KERNEL | __GFP_NOFAIL);
	fail_page_alloc = saved;
	CHECK(nofail, "__GFP_NOFAIL");
	__free_page(nofail);
	CHECK(failed == 3, "times=3 gave %d failures", failed);
	CHECK(vm_event_states.event[PGALLOC_FAIL_INJECTED] - inj0 == 3, "injected counter %lu",
	      vm_event_states.event[PGALLOC_FAIL_INJECTED] - inj0);
	return 0;
}

static int selftest_buddy(const char *arg)
{
	static const struct selftest tests[] = {
		{ "every order from each zone", test_every_order },
		{ "split and merge", test_split_merge },
		{ "DMA exhaustion and fallback", test_exhaust_dma_and_fallback },
		{ "HighMem exhaustion and fallback", test_exhaust_highmem_and_fallback },
		{ "__GFP_ZERO", test_gfp_zero },
		{ "__GFP_ZERO order 2", test_gfp_zero_order2 },
		{ "copy_page and copy_highpage", test_copy_page },
		{ "watermarks and GFP_ATOMIC", test_watermark_atomic },
		{ "pcp batches", test_pcp_batches },
		{ "random-order free", test_random_order_free },
		{ "fail_page_alloc times=3", test_fail_page_alloc },
	};

	(void)arg;
	return selftest_run("selftest:buddy", NULL, tests, ARRAY_SIZE(tests), 34, false, NULL);
}
DEFINE_WORKLOAD("selftest:buddy", selftest_buddy,
		"deterministic buddy allocator checks; free counts must end where they began");

static const gfp_t stress_gfp[] = {
	GFP_KERNEL, GFP_KERNEL, GFP_HIGHUSER, GFP_HIGHUSER, GFP_ATOMIC, GFP_DMA | GFP_KERNEL,
	GFP_KERNEL | __GFP_ZERO,
};

#define STRESS_MAX_HELD 1024

/* What stress:buddy writes into the first and last word of each page it
 * holds: the pfn, mixed so that a block handed out twice, or a page
 * written through a wrong pfn, shows. */
static u32 pfn_pattern(unsigned long pfn)
{
	return (u32)pfn * 2654435761u ^ 0x5a5aa5a5u;
}

/* Check that a __GFP_ZERO block is zero where the pattern goes, then mark
 * every page.  The first and last word of a page, not the whole page: a
 * guest instruction costs ~1 us on kvm_pvm. */
static unsigned long stress_mark(struct page *page, unsigned int order, bool zeroed)
{
	unsigned long bad = 0;

	for (unsigned long i = 0; i < (1ul << order); i++) {
		u32 *p = kmap_atomic(page + i);
		u32 want = pfn_pattern(page_to_pfn(page + i));

		if (zeroed && (p[0] || p[PAGE_SIZE / 4 - 1])) {
			printk("stress:buddy: FAIL: __GFP_ZERO pfn %#lx is not zero\n",
			       page_to_pfn(page + i));
			bad++;
		}
		p[0] = want;
		p[PAGE_SIZE / 4 - 1] = ~want;
		kunmap_atomic(p);
	}
	return bad;
}

/* Before a block goes back: every page must still carry its pattern. */
static unsigned long stress_verify(struct page *page, unsigned int order)
{
	unsigned long bad = 0;

	for (unsigned long i = 0; i < (1ul << order); i++) {
		u32 *p = kmap_atomic(page + i);
		u32 want = pfn_pattern(page_to_pfn(page + i));

		if (p[0] != want || p[PAGE_SIZE / 4 - 1] != ~want) {
			printk("stress:buddy: FAIL: pfn %#lx of an order-%u block at %#lx holds "
			       "%08x..%08x, expected %08x..%08x\n", page_to_pfn(page + i), order,
			       page_to_pfn(page), p[0], p[PAGE_SIZE / 4 - 1], want, ~want);
			bad++;
		}
		kunmap_atomic(p);
	}
	return bad;
}

static int stress_buddy(const char *arg)
{
	static struct { struct page *page; unsigned int order; } held[STRESS_MAX_HELD];
	unsigned long seed, ops;
	unsigned long allocs = 0, frees = 0, fails = 0, pages_checked = 0, bad = 0;
	unsigned int nr = 0;
	struct mm_snapshot start;
	struct rnd_state rnd;
	int failed;

	(void)arg;
	stress_opts(&seed, &ops, &rnd);
	mm_snapshot_take(&start, false);
	for (unsigned long op = 1; op <= ops; op++) {
		if (nr == 0 || (nr < STRESS_MAX_HELD && prandom_below(&rnd, 100) < 55)) {
			/* Small orders dominate, as in a real kernel. */
			unsigned int order = prandom_below(&rnd, 4) ? prandom_below(&rnd, 3)
								    : prandom_below(&rnd, MAX_ORDER);
			gfp_t gfp = stress_gfp[prandom_below(&rnd, ARRAY_SIZE(stress_gfp))];
			struct page *page = alloc_pages(gfp | __GFP_NOWARN, order);
			if (page) {
				bad += stress_mark(page, order, gfp & __GFP_ZERO);
				held[nr].page = page;
				held[nr++].order = order;
				allocs++;
			} else {
				fails++;
			}
		} else {
			/* Free a random held block; the last one takes its slot. */
			unsigned int k = prandom_below(&rnd, nr);
			bad += stress_verify(held[k].page, held[k].order);
			pages_checked += 1ul << held[k].order;
			__free_pages(held[k].page, held[k].order);
			held[k] = held[--nr];
			frees++;
		}
		if (op % 100 == 0)
			checkpoint(op);
	}
	while (nr) {
		nr--;
		bad += stress_verify(held[nr].page, held[nr].order);
		pages_checked += 1ul << held[nr].order;
		__free_pages(held[nr].page, held[nr].order);
	}
	checkpoint(ops + 1);
	failed = mm_snapshot_compare(&start, "stress:buddy", "end");
	printk("stress:buddy: seed %lu: %lu ops, %lu allocs, %lu frees, %lu failed\n",
	       seed, ops, allocs, frees, fails);
	printk("stress:buddy: %lu pages checked on free, %lu bad; free counts %s\n",
	       pages_checked, bad, failed ? "differ" : "restored");
	return bad || failed ? 1 : 0;
}
DEFINE_WORKLOAD("stress:buddy", stress_buddy,
		"random mixed-order alloc/free (seed=N ops=M), checkpoint every 100 ops; "
		"page contents checked on free, free counts must end where they began");

static int meminfo(const char *arg)
{
	(void)arg;
	show_all_mem_reports();
	return 0;
}
DEFINE_WORKLOAD("meminfo", meminfo, "print buddyinfo, zoneinfo, meminfo, vmstat, slabinfo and vmallocinfo");
