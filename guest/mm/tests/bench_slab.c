/*
 * Slab benchmarks (bench:slab), bracketed with the bench instrument so that
 * `--count-insns` gives exact guest instructions per operation:
 *
 *   kmalloc32/256/4096     kmalloc(N, GFP_KERNEL) + kfree, constant N: the
 *                          cache is resolved at compile time (as Linux's
 *                          inline kmalloc), then the per-CPU fast path
 *   kmalloc_var32/256/4096 the same with a run-time size (__kmalloc)
 *   cache64                kmem_cache_alloc + kmem_cache_free, 64 bytes
 *   grow4096               one kmem_cache_alloc that finds the array cache
 *                          and every slab empty: refill, cache_grow (a page,
 *                          an off-slab descriptor), and the object
 *
 * Pairs are warmed up outside the bracket, so the array cache neither
 * empties nor fills inside it.  `iters=N` sets the count (default 100).
 */
#include "kernel.h"
#include "cmdline.h"
#include "hypercall.h"
#include "mm.h"
#include "slab.h"
#include "string.h"
#include "workload.h"

#define KMALLOC_PAIRS(tag, size, n) do {                        \
	kfree(kmalloc(size, GFP_KERNEL));                        \
	bench_begin(tag);                                        \
	for (unsigned int i = 0; i < (n); i++)                   \
		kfree(kmalloc(size, GFP_KERNEL));                \
	bench_end(tag, n);                                       \
} while (0)

static void kmalloc_var_pairs(const char *tag, size_t size, unsigned int n)
{
	u32 len = strlen(tag);   /* outside the bracket */
	volatile size_t vsize = size;
	size_t s = vsize;        /* a run-time value: no constant folding */

	kfree(kmalloc(s, GFP_KERNEL));
	__bench_begin(tag, len);
	for (unsigned int i = 0; i < n; i++)
		kfree(__kmalloc(s, GFP_KERNEL));
	__bench_end(tag, len, n);
}

static int bench_slab(const char *arg)
{
	unsigned int n = (unsigned int)cmdline_get_uint("iters", 100);
	struct kmem_cache *c;
	void **objs;

	(void)arg;
	KMALLOC_PAIRS("kmalloc32", 32, n);
	KMALLOC_PAIRS("kmalloc256", 256, n);
	KMALLOC_PAIRS("kmalloc4096", 4096, n);
	kmalloc_var_pairs("kmalloc_var32", 32, n);
	kmalloc_var_pairs("kmalloc_var256", 256, n);
	kmalloc_var_pairs("kmalloc_var4096", 4096, n);

	c = kmem_cache_create("bench64", 64, 0, 0, NULL);
	if (!c)
		return 1;
	kmem_cache_free(c, kmem_cache_alloc(c, GFP_KERNEL));
	bench_begin("cache64");
	for (unsigned int i = 0; i < n; i++)
		kmem_cache_free(c, kmem_cache_alloc(c, GFP_KERNEL));
	bench_end("cache64", n);
	kmem_cache_destroy(c);

	/* One object per slab, one object per refill: every allocation grows. */
	objs = kmalloc_array(n, sizeof(void *), GFP_KERNEL);
	c = kmem_cache_create("bench_grow", 4096, 0, 0, NULL);
	if (!objs || !c || kmem_cache_tune(c, 1, 1))
		return 1;
	kmem_cache_free(c, kmem_cache_alloc(c, GFP_KERNEL));
	kmem_cache_shrink(c);
	bench_begin("grow4096");
	for (unsigned int i = 0; i < n; i++)
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
	bench_end("grow4096", n);
	if (c->node.total_slabs != n)
		printk("bench:slab: grow4096 made %lu slabs for %u allocations\n", c->node.total_slabs, n);
	for (unsigned int i = 0; i < n; i++)
		kmem_cache_free(c, objs[i]);
	kmem_cache_destroy(c);
	kfree(objs);
	return 0;
}
DEFINE_WORKLOAD("bench:slab", bench_slab,
		"kmalloc/kfree and kmem_cache pairs on the per-CPU fast path, and slab growth (iters=N)");
