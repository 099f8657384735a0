/*
 * failslab (Linux's mm/failslab.c): fault injection for slab allocations,
 * decided by the same should_fail() as fail_page_alloc (fault_inject.c).
 *
 * `failslab` is plain data in guest memory, so the host can read and set
 * it (probability, interval, times, space, verbose, ignore_gfp_wait) and
 * read the count of injected failures.  A cache takes part when it has
 * SLAB_FAILSLAB (slab_debug=A[,cache] or the flag at kmem_cache_create);
 * the allocation fast path never looks at failslab, since every marked
 * cache goes through the slow path anyway.
 */
#include "kernel.h"
#include "gfp.h"
#include "slab.h"
#include "fault_inject.h"

struct failslab_attr failslab = {
	.attr = FAULT_ATTR_INITIALIZER("failslab"),
	.ignore_gfp_wait = false,
	.injected = 0,
};

bool failslab_mark_all;

bool should_failslab(struct kmem_cache *cachep, gfp_t gfpflags)
{
	/* The cache of caches must work for anything else to. */
	if (unlikely(cachep == kmem_cache))
		return false;
	if (!(cachep->flags & SLAB_FAILSLAB))
		return false;
	if (gfpflags & __GFP_NOFAIL)
		return false;
	if (failslab.ignore_gfp_wait && (gfpflags & __GFP_DIRECT_RECLAIM))
		return false;
	if (!should_fail(&failslab.attr, (long)cachep->object_size))
		return false;
	failslab.injected++;
	return true;
}

bool setup_failslab(const char *str)
{
	if (!setup_fault_attr(&failslab.attr, str))
		return false;
	failslab_mark_all = true;
	return true;
}
