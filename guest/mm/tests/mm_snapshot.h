/*
 * Snapshots of the allocators' accounting, for workloads that must end
 * where they began: free blocks per zone and order, free pages per zone,
 * and, with the caches shrunk, slab pages and every cache's active objects;
 * and the selftests' CHECK and runner.
 */
#ifndef GUEST_MM_TESTS_MM_SNAPSHOT_H
#define GUEST_MM_TESTS_MM_SNAPSHOT_H

#include "mm.h"
#include "slab.h"

#define MM_SNAP_CACHES 64

/* A selftest's check: on failure print "WHO: FAIL file:line: cond: ..."
 * and return 1 from the test function.  Each selftest defines CHECK with
 * its own WHO. */
#define SELFTEST_CHECK(who, cond, ...) do {                              \
	if (!(cond)) {                                                    \
		printk(who ": FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
		printk(__VA_ARGS__);                                      \
		printk("\n");                                             \
		return 1;                                                 \
	}                                                                 \
} while (0)

struct mm_snapshot {
	bool caches;          /* taken with the caches shrunk: the slab fields count */
	unsigned long nr_free[MAX_NR_ZONES][MAX_ORDER];
	unsigned long free_pages[MAX_NR_ZONES];
	unsigned long slab_pages;
	unsigned int nr_caches;
	const struct kmem_cache *cache[MM_SNAP_CACHES];
	unsigned long active[MM_SNAP_CACHES];
};

/*
 * Give back what the per-CPU lists hold idle (and, if caches, what every
 * cache holds idle: its array caches and free slabs), then count.
 */
void mm_snapshot_take(struct mm_snapshot *s, bool caches);

/*
 * Take a snapshot like a and compare: each difference is printed as
 * "WHO: WHAT: ..., expected ...".  Returns 1 if any, else 0.
 */
int mm_snapshot_compare(const struct mm_snapshot *a, const char *who, const char *what);

struct rnd_state;

/* The stress workloads' common options: seed=N (default 1) and ops=M
 * (default 2000); rnd, unless NULL, is seeded with the seed. */
void stress_opts(unsigned long *seed, unsigned long *ops, struct rnd_state *rnd);

/* A selftest's table: each test returns 0, or 1 after a CHECK failed. */
struct selftest {
	const char *name;
	int (*fn)(void);
};

/*
 * Run first (if not NULL: a test that leaves something that stays, such as
 * page tables), take a snapshot (with the caches shrunk if caches), run
 * tests[0..n), each test printing "WHO: NAME ok|FAIL" with NAME padded to
 * width, call settle (if any), compare with the snapshot and print "WHO:
 * passed|FAILED".  Returns the workload's status: 1 if anything failed,
 * else 0.
 */
int selftest_run(const char *who, const struct selftest *first, const struct selftest *tests,
		 unsigned int n, int width, bool caches, void (*settle)(void));

#endif
