/*
 * Shared pieces of the host benchmarks (bench_buddy_host.c,
 * bench_slab_host.c): the trace's seed, wall-time measurement and
 * callgrind instruction counts of a replay in a child process.
 */
#ifndef SCRIPTS_BENCH_HOST_H
#define SCRIPTS_BENCH_HOST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "random.h"

/* The state each replay starts from (Marsaglia's xorshift32 example
 * seed), so that the trace is the same for every allocator measured. */
#define BENCH_RND_STATE 2463534242u

#define BENCH_HELD_MAX 1024   /* blocks the trace holds at most */

/*
 * One allocator under the trace.  size() turns a random draw into the
 * request's size; NULL means every request is one size and costs no draw
 * (the page allocator's trace).  `none` allocates nothing: its replay is
 * the trace's own cost, subtracted from the others.
 */
struct bench_allocator {
	void *(*alloc)(size_t size);
	void (*free)(void *p);
	size_t (*size)(unsigned int r);
};

/*
 * The trace: 55% allocations while fewer than BENCH_HELD_MAX are held,
 * otherwise a random held block is freed; at the end all are freed.
 * Returns a checksum of the addresses freed so the compiler cannot drop
 * the work.  Always inlined: with a constant *a the calls are direct, so
 * the allocators are measured without an indirect call each.
 */
static inline __attribute__((always_inline)) unsigned long
bench_replay(const struct bench_allocator *a, long ops)
{
	static void *held[BENCH_HELD_MAX];
	unsigned int nr = 0;
	unsigned long sum = 0;
	struct rnd_state rnd = { .s = BENCH_RND_STATE };

	for (long i = 0; i < ops; i++) {
		unsigned int r = prandom_u32_state(&rnd);

		if (nr == 0 || (nr < BENCH_HELD_MAX && (r & 0xff) < 140)) {
			size_t size = a->size ? a->size(prandom_u32_state(&rnd)) : 0;
			void *p = a->alloc(size);

			if (!p) {
				fprintf(stderr, "allocation %ld failed\n", i);
				exit(1);
			}
			held[nr++] = p;
		} else {
			unsigned int k = (r >> 8) % nr;
			void *p = held[k];

			sum += (unsigned long)p;
			a->free(p);
			held[k] = held[--nr];
		}
	}
	while (nr)
		a->free(held[--nr]);
	return sum;
}

/* The `none` allocator: distinct non-NULL "addresses", no work.  It uses
 * size, or the compiler would drop the trace's size computation from the
 * none replay only, and the subtraction would charge it to the allocators. */
static unsigned long bench_none_next;

static inline void *bench_none_alloc(size_t size)
{
	bench_none_next += size + 1;
	return (void *)bench_none_next;
}

static inline void bench_none_free(void *p)
{
	(void)p;
}

static inline double bench_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

/* Best of 5 replays of `replay(mode, ops)`, in ns per trace op. */
static inline double bench_best_ns_per_op(unsigned long (*replay)(int mode, long ops),
					   int mode, long ops)
{
	double best = 1e30;

	for (int rep = 0; rep < 5; rep++) {
		double t0 = bench_now();
		volatile unsigned long s = replay(mode, ops);
		double t;

		(void)s;
		t = (bench_now() - t0) * 1e9 / ops;
		if (t < best)
			best = t;
	}
	return best;
}

/* Total instructions of `bin MODE OPS` under callgrind, or -1 (no valgrind). */
static inline double callgrind_insns(const char *bin, const char *mode, long ops)
{
	char cmd[2048], line[512];   /* bin may be a PATH_MAX-ish path */
	double total = -1;
	FILE *p;

	snprintf(cmd, sizeof cmd,
		 "valgrind --tool=callgrind --callgrind-out-file=/dev/null %s %s %ld 2>&1", bin, mode, ops);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (fgets(line, sizeof line, p)) {
		const char *c = strstr(line, "Collected : ");

		if (c)
			total = strtod(c + 12, NULL);
	}
	pclose(p);
	return total;
}

#endif
