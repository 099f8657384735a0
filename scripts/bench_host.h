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
