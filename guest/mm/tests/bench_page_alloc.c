/*
 * Page-allocator benchmarks, bracketed with the bench instrument
 * (bench_begin/bench_end; `--count-insns` turns them into exact guest
 * instruction counts):
 *   bench:pcp      order-0 alloc+free pairs through the per-CPU list
 *   bench:nopcp    the same with the zone's pcp disabled (buddy lists only)
 *   bench:order3   order-3 alloc+free pairs
 *   bench:order9   order-9 alloc+free pairs
 *   bench:clear_page  clear_page via rep stosl and via HC_PAGEOPS
 * Every loop is warmed up once outside the bracket so that the measured
 * pairs are the steady state.  `iters=N` sets the pair count (default 100).
 */
#include "kernel.h"
#include "cmdline.h"
#include "hypercall.h"
#include "mm.h"
#include "string.h"
#include "workload.h"

void clear_page_rep(void *kaddr);
void clear_page_pv(void *kaddr);

static unsigned int bench_iters(void)
{
	return (unsigned int)cmdline_get_uint("iters", 100);
}

static void pairs(const char *tag, unsigned int order, unsigned int n)
{
	struct page *page = alloc_pages(GFP_KERNEL, order);   /* warm-up */

	u32 len = strlen(tag);   /* outside the bracket */

	BUG_ON(!page);
	__free_pages(page, order);
	__bench_begin(tag, len);
	for (unsigned int i = 0; i < n; i++) {
		page = alloc_pages(GFP_KERNEL, order);
		__free_pages(page, order);
	}
	__bench_end(tag, len, n);
}

static int bench_pcp(const char *arg)
{
	(void)arg;
	pairs("pcp_order0", 0, bench_iters());
	return 0;
}
DEFINE_WORKLOAD("bench:pcp", bench_pcp, "order-0 alloc+free through the pcp");

static int bench_nopcp(const char *arg)
{
	struct zone *zone;

	(void)arg;
	for_each_zone(zone)
		zone_pcp_disable(zone);
	pairs("nopcp_order0", 0, bench_iters());
	for_each_zone(zone)
		zone_pcp_enable(zone);
	return 0;
}
DEFINE_WORKLOAD("bench:nopcp", bench_nopcp, "order-0 alloc+free, pcp bypassed");

static int bench_order3(const char *arg)
{
	(void)arg;
	pairs("order3", 3, bench_iters());
	return 0;
}
DEFINE_WORKLOAD("bench:order3", bench_order3, "order-3 alloc+free");

static int bench_order9(const char *arg)
{
	(void)arg;
	pairs("order9", 9, bench_iters());
	return 0;
}
DEFINE_WORKLOAD("bench:order9", bench_order9, "order-9 alloc+free");

static int bench_clear_page(const char *arg)
{
	unsigned int n = (unsigned int)cmdline_get_uint("iters", 10);
	void *va = (void *)__get_free_page(GFP_KERNEL);

	(void)arg;
	BUG_ON(!va);
	bench_begin("clear_page_rep");
	for (unsigned int i = 0; i < n; i++)
		clear_page_rep(va);
	bench_end("clear_page_rep", n);
	bench_begin("clear_page_pv");
	for (unsigned int i = 0; i < n; i++)
		clear_page_pv(va);
	bench_end("clear_page_pv", n);
	free_page((unsigned long)va);
	return 0;
}
DEFINE_WORKLOAD("bench:clear_page", bench_clear_page,
		"clear_page via rep stosl and via the HC_PAGEOPS hypercall");
