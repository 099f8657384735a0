/*
 * Host benchmark: the guest's buddy allocator core (guest/mm/page_alloc.c
 * built for the host over a test arena) against glibc malloc(4096)/free,
 * replaying the same deterministic alloc/free trace.
 *
 *   bench_buddy_host MODE [OPS]   MODE = buddy | malloc | none (trace only)
 *   bench_buddy_host --report     wall time of each in-process, plus
 *                                 callgrind instruction counts per op
 *                                 (each mode's total minus the `none` run)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "bench_host.h"
#include "mm_host.h"

#define DEFAULT_OPS 200000


enum mode { NONE, BUDDY, MALLOC };

static void *buddy_alloc(size_t size)
{
	(void)size;
	return alloc_pages(GFP_KERNEL, 0);
}

static void buddy_free(void *p)
{
	__free_pages(p, 0);
}

static void *malloc_page(size_t size)
{
	(void)size;
	return malloc(4096);
}

static unsigned long replay(int mode, long ops)
{
	static const struct bench_allocator buddy = { buddy_alloc, buddy_free, NULL };
	static const struct bench_allocator glibc = { malloc_page, free, NULL };
	static const struct bench_allocator none = { bench_none_alloc, bench_none_free, NULL };

	switch (mode) {
	case BUDDY:
		return bench_replay(&buddy, ops);
	case MALLOC:
		return bench_replay(&glibc, ops);
	default:
		return bench_replay(&none, ops);
	}
}

static void machine(void)
{
	mm_host_quiet = true;
	/* 64 MiB of "RAM": one Normal zone, pcp on, watermarks as at boot. */
	mm_host_init(&(struct mm_host_layout){ .nr_pfns = 16384, .dma_end = 0, .normal_end = 16384 });
}

static double wall_ns_per_op(enum mode mode, long ops)
{
	return bench_best_ns_per_op(replay, mode, ops);
}

int main(int argc, char **argv)
{
	long ops = argc > 2 ? atol(argv[2]) : DEFAULT_OPS;

	machine();
	if (argc > 1 && strcmp(argv[1], "--report") != 0) {
		enum mode m = !strcmp(argv[1], "buddy") ? BUDDY : !strcmp(argv[1], "malloc") ? MALLOC : NONE;
		printf("%lu\n", replay(m, ops));
		return 0;
	}
	double wb = wall_ns_per_op(BUDDY, ops), wm = wall_ns_per_op(MALLOC, ops), wn = wall_ns_per_op(NONE, ops);
	printf("  same trace: %ld ops (55%% order-0 allocs, up to %d held)\n", ops, BENCH_HELD_MAX);
	printf("  %-22s %14s %14s\n", "", "insns/op", "ns/op (best of 5)");
	double base = callgrind_insns(argv[0], "none", ops);
	double ib = callgrind_insns(argv[0], "buddy", ops), im = callgrind_insns(argv[0], "malloc", ops);
	if (base < 0 || ib < 0 || im < 0) {
		printf("  (callgrind unavailable: install valgrind for instruction counts)\n");
		ib = im = base = 0;
	}
	printf("  %-22s %14.1f %14.1f\n", "buddy alloc_pages(0)", (ib - base) / ops, wb - wn);
	printf("  %-22s %14.1f %14.1f\n", "glibc malloc(4096)", (im - base) / ops, wm - wn);
	if (im > base && ib > base)
		printf("  buddy / malloc: %.2fx instructions, %.2fx wall time\n",
		       (ib - base) / (im - base), (wb - wn) / (wm - wn));
	mm_host_teardown();
	return 0;
}
