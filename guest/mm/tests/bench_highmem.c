/*
 * bench:kmap: the highmem windows under the bench instrument
 * (bench_begin/bench_end; `--count-insns` makes them exact instruction
 * counts), each tag also with its PTE writes per operation (the guest's
 * own count, highmem_pte_writes, printed as "bench TAG ptes/op=N"):
 *   kmap_atomic_high  kmap_atomic + kunmap_atomic of a HighMem page
 *   kmap_atomic_low   the same of a lowmem page: its direct-map address
 *   lowmem_address    page_address() of a lowmem page, the direct map alone
 *   kmap_steady       kmap + kunmap of one HighMem page (its slot reused)
 *   kmap_pressure     kmap + kunmap of 2 x LAST_PKMAP pages in turn: each
 *                     takes a new slot, and every round ends in a flush
 * `iters=N` sets the operations (default 100; kmap_pressure rounds it up
 * to whole rounds).  Needs HighMem (highmem=32M at 128M).
 */
#include "kernel.h"
#include "cmdline.h"
#include "highmem.h"
#include "hypercall.h"
#include "log2.h"
#include "mm.h"
#include "string.h"
#include "workload.h"

static void report_ptes(const char *tag, unsigned long writes, unsigned int n)
{
	/* Two decimals without floating point (no x87 or SSE here). */
	unsigned long hundredths = writes * 100 / n;

	printk("bench %s ptes/op=%lu.%02lu\n", tag, hundredths / 100, hundredths % 100);
}

static void atomic_pairs(const char *tag, struct page *page, unsigned int n)
{
	u32 len = strlen(tag);
	unsigned long writes;

	kunmap_atomic(kmap_atomic(page));   /* warm-up */
	writes = highmem_pte_writes;
	__bench_begin(tag, len);
	for (unsigned int i = 0; i < n; i++) {
		void *va = kmap_atomic(page);
		kunmap_atomic(va);
	}
	__bench_end(tag, len, n);
	report_ptes(tag, highmem_pte_writes - writes, n);
}

static void lowmem_address(struct page *page, unsigned int n)
{
	static const char tag[] = "lowmem_address";
	void *volatile sink;

	__bench_begin(tag, sizeof(tag) - 1);
	for (unsigned int i = 0; i < n; i++)
		sink = page_address(page);
	__bench_end(tag, sizeof(tag) - 1, n);
	(void)sink;
	report_ptes(tag, 0, n);
}

/* kmap + kunmap over `pages` pages from `page` in turn, n times. */
static void kmap_pairs(const char *tag, struct page *page, unsigned int pages, unsigned int n)
{
	u32 len = strlen(tag);
	unsigned long writes;

	for (unsigned int i = 0; i < pages; i++) {   /* warm-up: one round */
		kmap(page + i);
		kunmap(page + i);
	}
	writes = highmem_pte_writes;
	__bench_begin(tag, len);
	for (unsigned int i = 0; i < n; i++) {
		struct page *p = page + i % pages;

		kmap(p);
		kunmap(p);
	}
	__bench_end(tag, len, n);
	report_ptes(tag, highmem_pte_writes - writes, n);
}

static int bench_kmap(const char *arg)
{
	unsigned int n = (unsigned int)cmdline_get_uint("iters", 100);
	unsigned int order = ilog2(2 * LAST_PKMAP), rounds;
	struct page *high = alloc_pages(GFP_HIGHUSER, order), *low = alloc_page(GFP_KERNEL);

	(void)arg;
	if (!high || !PageHighMem(high) || !low) {
		printk("bench:kmap needs %d HighMem pages (highmem=32M at 128M)\n", 2 * LAST_PKMAP);
		return 1;
	}
	atomic_pairs("kmap_atomic_high", high, n);
	atomic_pairs("kmap_atomic_low", low, n);
	lowmem_address(low, n);
	kmap_pairs("kmap_steady", high, 1, n);
	rounds = (n + 2 * LAST_PKMAP - 1) / (2 * LAST_PKMAP);
	kmap_pairs("kmap_pressure", high, 2 * LAST_PKMAP, rounds * 2 * LAST_PKMAP);
	__free_pages(high, order);
	__free_page(low);
	return 0;
}
DEFINE_WORKLOAD("bench:kmap", bench_kmap,
		"kmap_atomic (highmem vs lowmem), kmap steady and under slot pressure: "
		"instructions and PTE writes per op (iters=N; wants HighMem)");
