/*
 * Highmem mapping workloads (guest/mm/highmem.c):
 *   selftest:highmem  kmap every HighMem page (a sample above 4 GiB on
 *                     big machines), write a pattern, kunmap, kmap again,
 *                     verify and restore; hold all LAST_PKMAP slots and
 *                     recover through the flush; nest kmap_atomic to
 *                     KM_TYPE_NR
 *   stress:kmap       random kmap, kunmap and kmap_atomic traffic over a
 *                     pool of highmem pages, checkpoint every 100 ops
 * Both want HighMem: `-m 128M -c highmem=32M`, or more than ~892M.
 */
#include "kernel.h"
#include "cmdline.h"
#include "memblock.h"
#include "highmem.h"
#include "hypercall.h"
#include "mm.h"
#include "random.h"
#include "workload.h"
#include "mm_snapshot.h"

#define HM "selftest:highmem: "

/* What goes into a page's first, middle and last word: its pfn, mixed. */
static u32 hm_pattern(unsigned long pfn)
{
	return (u32)pfn * 2246822519u ^ 0xc3a5c35au;
}

static void hm_write(u32 *va, unsigned long pfn)
{
	u32 p = hm_pattern(pfn);

	va[0] = p;
	va[PAGE_SIZE / 8] = ~p;
	va[PAGE_SIZE / 4 - 1] = p ^ 0xffff0000u;
}

static bool hm_holds(const u32 *va, unsigned long pfn)
{
	u32 p = hm_pattern(pfn);

	return va[0] == p && va[PAGE_SIZE / 8] == ~p && va[PAGE_SIZE / 4 - 1] == (p ^ 0xffff0000u);
}

static struct zone *highmem_zone(void)
{
	struct zone *z = &contig_page_data.node_zones[ZONE_HIGHMEM];

	return z->present_pages ? z : NULL;
}

/* ---- Every HighMem page (or a sample of those above 4 GiB) ---------------- */

/* The phases that hold kmaps across a checkpoint map these: a page with a
 * kmap user must not be free. */
#define HM_BLOCK_ORDER 10   /* LAST_PKMAP + 1 pages for the slots, KM_TYPE_NR more */
static struct page *hm_block;

/*
 * Every RAM pfn of HighMem from min_pfn on (memblock's memory map: the
 * zone's span has holes at big sizes), every stride'th of them through
 * fn(pfn, i), i counting the calls.  Returns the sum of fn's results, or
 * with fn NULL the pages there are.
 */
static unsigned long hm_for_each_ram(unsigned long stride, unsigned long min_pfn,
				     unsigned long (*fn)(unsigned long pfn, unsigned long i))
{
	struct zone *z = highmem_zone();
	unsigned long sum = 0, n = 0, calls = 0;

	for (unsigned int r = 0; r < memblock.memory.cnt; r++) {
		const struct memblock_region *m = &memblock.memory.regions[r];
		unsigned long start = (unsigned long)PFN_UP(m->base);
		unsigned long end = (unsigned long)PFN_DOWN(m->base + m->size);

		start = max(start, max(z->zone_start_pfn, min_pfn));
		end = min(end, z->zone_start_pfn + z->spanned_pages);
		for (unsigned long pfn = start; pfn < end; pfn++) {
			if (n++ % stride)
				continue;
			sum += fn ? fn(pfn, calls++) : 1;
		}
	}
	return sum;
}

/*
 * The pages are anybody's (free, on per-CPU lists, in use), so the words
 * written are saved first and put back by the second pass: nothing else
 * runs in between (one vCPU, no interrupts).
 */
static u32 *hm_saved;   /* 3 words a page checked */

/* kmap, check page_address, save and write the pattern, kunmap: the slot
 * keeps its count-1 mapping and page_address until the next flush. */
static unsigned long hm_write_one(unsigned long pfn, unsigned long i)
{
	struct page *page = pfn_to_page(pfn);
	u32 *va = kmap(page);
	unsigned long bad = 0;

	if (page_address(page) != va) {
		printk(HM "FAIL: pfn %#lx kmapped at %p, page_address says %p\n", pfn, va,
		       page_address(page));
		bad++;
	}
	hm_saved[3 * i] = va[0];
	hm_saved[3 * i + 1] = va[PAGE_SIZE / 8];
	hm_saved[3 * i + 2] = va[PAGE_SIZE / 4 - 1];
	hm_write(va, pfn);
	kunmap(page);
	return bad;
}

static unsigned long hm_verify_one(unsigned long pfn, unsigned long i)
{
	struct page *page = pfn_to_page(pfn);
	u32 *va = kmap(page);
	unsigned long bad = 0;

	if (!hm_holds(va, pfn)) {
		printk(HM "FAIL: pfn %#lx read back through kmap at %p: %08x %08x %08x\n",
		       pfn, va, va[0], va[PAGE_SIZE / 8], va[PAGE_SIZE / 4 - 1]);
		bad++;
	}
	va[0] = hm_saved[3 * i];
	va[PAGE_SIZE / 8] = hm_saved[3 * i + 1];
	va[PAGE_SIZE / 4 - 1] = hm_saved[3 * i + 2];
	kunmap(page);
	return bad;
}

#define HM_SAMPLE 4096   /* pages checked when HighMem is bigger than this x 4 */
#define PFN_4G (1ul << (32 - PAGE_SHIFT))

static unsigned long selftest_every_page(void)
{
	unsigned long pages = hm_for_each_ram(1, 0, NULL), above4g = hm_for_each_ram(1, PFN_4G, NULL);
	unsigned long stride = 1, min_pfn = 0, flushes = pkmap_flushes, checked, bad;
	unsigned int order;
	struct page *buf;

	if (pages > 4 * HM_SAMPLE) {
		/* A big machine: a sample, from RAM above 4 GiB when there is some. */
		min_pfn = above4g ? PFN_4G : 0;
		stride = (above4g ? above4g : pages) / HM_SAMPLE;
	}
	checked = hm_for_each_ram(stride, min_pfn, NULL);
	for (order = 0; (PAGE_SIZE << order) < 3 * sizeof(u32) * checked; order++)
		;
	buf = alloc_pages(GFP_KERNEL, order);
	if (!buf) {
		printk(HM "FAIL: no order-%u block for the saved words\n", order);
		return 1;
	}
	hm_saved = page_address(buf);
	bad = hm_for_each_ram(stride, min_pfn, hm_write_one);
	bad += hm_for_each_ram(stride, min_pfn, hm_verify_one);
	__free_pages(buf, order);
	if (stride == 1)
		printk(HM "kmap: all %lu HighMem pages written, verified and restored through pkmap\n",
		       checked);
	else
		printk(HM "kmap: %lu of %lu HighMem pages (every %luth%s) written, verified and "
		       "restored through pkmap\n", checked, pages, stride,
		       min_pfn ? " above 4 GiB" : "");
	printk(HM "%lu flushes of the pkmap window for %lu kmaps (one per %d-slot round)\n",
	       pkmap_flushes - flushes, 2 * checked, LAST_PKMAP);
	if (pkmap_flushes - flushes < 2 * checked / LAST_PKMAP) {
		printk(HM "FAIL: fewer flushes than rounds\n");
		bad++;
	}
	return bad;
}

/* ---- Every pkmap slot at once, then the flush -------------------------------- */

static unsigned long selftest_exhaust(void)
{
	struct pkmap_stats st;
	unsigned long bad = 0, flushes;
	struct page *extra;

	_Static_assert((1 << HM_BLOCK_ORDER) >= LAST_PKMAP + 1 + KM_TYPE_NR, "hm_block too small");
	for (unsigned int i = 0; i < LAST_PKMAP; i++)
		kmap(hm_block + i);
	pkmap_stats(&st);
	if (st.in_use != LAST_PKMAP || pkmap_users() != LAST_PKMAP) {
		printk(HM "FAIL: %u slots in use, %u users after %d kmaps\n", st.in_use,
		       pkmap_users(), LAST_PKMAP);
		bad++;
	}
	/* A second kmap of a mapped page shares its slot. */
	if (kmap(hm_block) != page_address(hm_block) ||
	    pkmap_users() != LAST_PKMAP + 1) {
		printk(HM "FAIL: a second kmap of a mapped page took a new slot\n");
		bad++;
	}
	kunmap(hm_block);
	printk(HM "all %d pkmap slots held (%u users)\n", LAST_PKMAP, pkmap_users());
	checkpoint(1);   /* --check: every slot mapped, each with its page_address */
	for (unsigned int i = 0; i < LAST_PKMAP; i++)
		kunmap(hm_block + i);
	pkmap_stats(&st);
	if (st.in_use || st.unflushed != LAST_PKMAP) {
		printk(HM "FAIL: after kunmap: %u in use, %u unflushed\n", st.in_use, st.unflushed);
		bad++;
	}
	checkpoint(2);   /* every slot count 1: mapped, unused */
	flushes = pkmap_flushes;
	extra = hm_block + LAST_PKMAP;
	kmap(extra);
	pkmap_stats(&st);
	if (pkmap_flushes != flushes + 1 || st.in_use != 1 || st.unflushed) {
		printk(HM "FAIL: the %dth kmap: %lu flushes, %u in use, %u unflushed\n",
		       LAST_PKMAP + 1, pkmap_flushes - flushes, st.in_use, st.unflushed);
		bad++;
	}
	if (page_address(hm_block)) {
		printk(HM "FAIL: a flushed page still has an address\n");
		bad++;
	}
	kunmap(extra);
	printk(HM "all slots released: the next kmap reclaimed %d slots with one TLB flush\n",
	       LAST_PKMAP);
	return bad;
}

/* ---- kmap_atomic nested to the full depth ------------------------------------ */

static unsigned long selftest_atomic(void)
{
	u32 *va[KM_TYPE_NR];
	unsigned long bad = 0, flags;
	struct page *page = hm_block;

	/* Never sleeps, takes no lock: fine with interrupts off. */
	local_irq_save(flags);
	for (int d = 0; d < KM_TYPE_NR; d++) {
		/* Half of them through kmap_local_page: the same stack. */
		va[d] = d % 2 ? kmap_local_page(page + d) : kmap_atomic(page + d);
		hm_write(va[d], page_to_pfn(page + d));
		for (int e = 0; e < d; e++)
			if (va[e] == va[d]) {
				printk(HM "FAIL: depth %d and %d share %p\n", e, d, va[d]);
				bad++;
			}
		if (page_address(page + d)) {
			printk(HM "FAIL: kmap_atomic recorded a page_address\n");
			bad++;
		}
	}
	for (int d = KM_TYPE_NR - 1; d >= 0; d--) {
		if (!hm_holds(va[d], page_to_pfn(page + d))) {
			printk(HM "FAIL: depth %d (pfn %#lx) lost its pattern\n", d, page_to_pfn(page + d));
			bad++;
		}
		if (d % 2)
			kunmap_local(va[d]);
		else
			kunmap_atomic(va[d]);
	}
	local_irq_restore(flags);
	printk(HM "kmap_atomic nested %d deep (%p down to %p), unmapped in reverse\n",
	       KM_TYPE_NR, va[0], va[KM_TYPE_NR - 1]);
	return bad;
}

static int selftest_highmem(const char *arg)
{
	struct mm_snapshot start;
	unsigned long bad;
	int failed;

	(void)arg;
	if (!highmem_zone()) {
		printk(HM "no HighMem zone (boot with more than ~892M or highmem=)\n");
		return 1;
	}
	mm_snapshot_take(&start, false);
	bad = selftest_every_page();
	hm_block = alloc_pages(GFP_HIGHUSER, HM_BLOCK_ORDER);
	if (!hm_block || !PageHighMem(hm_block)) {
		printk(HM "FAIL: no order-%d HighMem block\n", HM_BLOCK_ORDER);
		if (hm_block)
			__free_pages(hm_block, HM_BLOCK_ORDER);
		return 1;
	}
	bad += selftest_exhaust();
	bad += selftest_atomic();
	__free_pages(hm_block, HM_BLOCK_ORDER);
	checkpoint(3);   /* count-1 slots may map pages now free: legal */
	failed = mm_snapshot_compare(&start, "selftest:highmem", "end");
	printk(HM "%s\n", bad || failed ? "FAILED" : "passed");
	return bad || failed ? 1 : 0;
}
DEFINE_WORKLOAD("selftest:highmem", selftest_highmem,
		"kmap every HighMem page and verify, every pkmap slot at once, kmap_atomic "
		"nested 16 deep (wants HighMem)");

/* ---- stress:kmap -------------------------------------------------------------- */

#define STRESS_POOL 2048         /* 4x the slots: rounds wrap, flushes happen */
#define STRESS_MAX_USERS 400     /* below LAST_PKMAP: never exhausted */

static struct page *pool[STRESS_POOL];
static unsigned int pool_users[STRESS_POOL];
static unsigned int held[STRESS_MAX_USERS];   /* pool index per kmap user */

/* A HighMem page with its pattern into pool[i], or NULL. */
static struct page *pool_fill(unsigned int i)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOWARN);
	u32 *va;

	if (page && !PageHighMem(page)) {
		__free_page(page);
		page = NULL;
	}
	if (!page)
		return NULL;
	va = kmap_atomic(page);
	hm_write(va, page_to_pfn(page));
	kunmap_atomic(va);
	pool[i] = page;
	return page;
}

static int stress_kmap(const char *arg)
{
	unsigned long seed, ops;
	unsigned long kmaps = 0, kunmaps = 0, atomics = 0, recycled = 0, bad = 0;
	unsigned long flushes = pkmap_flushes;
	unsigned int users = 0;
	struct mm_snapshot start;
	struct rnd_state rnd;
	int failed;

	(void)arg;
	if (!highmem_zone()) {
		printk("stress:kmap: no HighMem zone (boot with more than ~892M or highmem=)\n");
		return 1;
	}
	stress_opts(&seed, &ops, &rnd);
	mm_snapshot_take(&start, false);
	for (unsigned int i = 0; i < STRESS_POOL; i++)
		if (!pool_fill(i)) {
			printk("stress:kmap: only %u HighMem pages, %d wanted\n", i, STRESS_POOL);
			while (i)
				__free_page(pool[--i]);
			return 1;
		}
	for (unsigned long op = 1; op <= ops; op++) {
		unsigned int i = prandom_below(&rnd, STRESS_POOL), r = prandom_below(&rnd, 100);
		struct page *page = pool[i];

		if (r < 45 && users < STRESS_MAX_USERS) {
			u32 *va = kmap(page);

			if (!hm_holds(va, page_to_pfn(page)) || page_address(page) != va) {
				printk("stress:kmap: FAIL: pfn %#lx through kmap at %p\n",
				       page_to_pfn(page), va);
				bad++;
			}
			pool_users[i]++;
			held[users++] = i;
			kmaps++;
		} else if (r < 85 && users) {
			/* Drop a random user; the last one takes its place. */
			unsigned int h = prandom_below(&rnd, users);

			kunmap(pool[held[h]]);
			pool_users[held[h]]--;
			held[h] = held[--users];
			kunmaps++;
		} else if (r < 95) {
			/* A short kmap_atomic stack over random pool pages. */
			unsigned int depth = 1 + prandom_below(&rnd, 4), k[4];
			u32 *va[4];

			for (unsigned int d = 0; d < depth; d++) {
				k[d] = prandom_below(&rnd, STRESS_POOL);
				va[d] = kmap_atomic(pool[k[d]]);
			}
			for (unsigned int d = depth; d-- > 0;) {
				if (!hm_holds(va[d], page_to_pfn(pool[k[d]]))) {
					printk("stress:kmap: FAIL: pfn %#lx through kmap_atomic at %p\n",
					       page_to_pfn(pool[k[d]]), va[d]);
					bad++;
				}
				kunmap_atomic(va[d]);
			}
			atomics += depth;
		} else if (!pool_users[i]) {
			/* Free a page nobody kmaps and take another: its slot,
			 * if any, is count 1 over a free page until the flush. */
			__free_page(page);
			if (!pool_fill(i)) {
				printk("stress:kmap: FAIL: no HighMem page to refill the pool\n");
				return 1;
			}
			recycled++;
		}
		if (op % 100 == 0)
			checkpoint(op);
	}
	while (users) {
		users--;
		kunmap(pool[held[users]]);
		pool_users[held[users]]--;
	}
	for (unsigned int i = 0; i < STRESS_POOL; i++)
		__free_page(pool[i]);
	checkpoint(ops + 1);
	failed = mm_snapshot_compare(&start, "stress:kmap", "end");
	printk("stress:kmap: seed %lu: %lu ops, %lu kmaps, %lu kunmaps, %lu kmap_atomics, "
	       "%lu pages recycled, %lu pkmap flushes\n", seed, ops, kmaps, kunmaps, atomics,
	       recycled, pkmap_flushes - flushes);
	printk("stress:kmap: %lu bad; free counts %s\n", bad, failed ? "differ" : "restored");
	return bad || failed ? 1 : 0;
}
DEFINE_WORKLOAD("stress:kmap", stress_kmap,
		"random kmap/kunmap/kmap_atomic over highmem pages (seed=N ops=M), checkpoint "
		"every 100 ops; contents checked through every mapping");
