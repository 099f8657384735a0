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

#define HELD_MAX 1024
#define DEFAULT_OPS 200000


enum mode { NONE, BUDDY, MALLOC };

/* Returns a checksum so the compiler cannot drop the work. */
static unsigned long replay(int mode, long ops)
{
	static void *held[HELD_MAX];
	unsigned int nr = 0;
	unsigned long sum = 0;
	struct rnd_state rnd = { .s = BENCH_RND_STATE };

	for (long i = 0; i < ops; i++) {
		unsigned int r = prandom_u32_state(&rnd);
		if (nr == 0 || (nr < HELD_MAX && (r & 0xff) < 140)) {
			void *p = mode == BUDDY ? (void *)alloc_pages(GFP_KERNEL, 0)
			        : mode == MALLOC ? malloc(4096) : (void *)(long)(i + 1);
			if (!p) {
				fprintf(stderr, "allocation %ld failed\n", i);
				exit(1);
			}
			held[nr++] = p;
		} else {
			unsigned int k = (r >> 8) % nr;
			void *p = held[k];
			sum += (unsigned long)p;
			if (mode == BUDDY)
				__free_pages(p, 0);
			else if (mode == MALLOC)
				free(p);
			held[k] = held[--nr];
		}
	}
	while (nr) {
		void *p = held[--nr];
		if (mode == BUDDY)
			__free_pages(p, 0);
		else if (mode == MALLOC)
			free(p);
	}
	return sum;
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
	printf("  same trace: %ld ops (55%% order-0 allocs, up to %d held)\n", ops, HELD_MAX);
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
