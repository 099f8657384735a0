/*
 * Snapshots of the allocators' accounting (mm_snapshot.h), shared by the
 * workloads that check they leave the allocators as they found them.
 */
#include "kernel.h"
#include "cmdline.h"
#include "mm_snapshot.h"
#include "random.h"

void mm_snapshot_take(struct mm_snapshot *s, bool caches)
{
	struct kmem_cache *c;

	s->caches = caches;
	if (caches)
		list_for_each_entry(c, &slab_caches, list)
			kmem_cache_shrink(c);
	drain_all_pages(NULL);
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &contig_page_data.node_zones[z];

		for (int o = 0; o < MAX_ORDER; o++)
			s->nr_free[z][o] = zone->free_area[o].nr_free;
		s->free_pages[z] = zone_page_state(zone, NR_FREE_PAGES);
	}
	s->slab_pages = caches ? global_slab_pages() : 0;
	s->nr_caches = 0;
	if (caches)
		list_for_each_entry(c, &slab_caches, list) {
			if (s->nr_caches == MM_SNAP_CACHES)
				break;
			s->cache[s->nr_caches] = c;
			s->active[s->nr_caches++] = kmem_cache_active_objs(c);
		}
}

int mm_snapshot_compare(const struct mm_snapshot *a, const char *who, const char *what)
{
	static struct mm_snapshot b;   /* too big for a kernel stack */
	int bad = 0;

	mm_snapshot_take(&b, a->caches);
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		const char *name = contig_page_data.node_zones[z].name;

		if (a->free_pages[z] != b.free_pages[z]) {
			printk("%s: %s: zone %s: %lu free pages, expected %lu\n", who, what, name,
			       b.free_pages[z], a->free_pages[z]);
			bad = 1;
		}
		for (int o = 0; o < MAX_ORDER; o++)
			if (a->nr_free[z][o] != b.nr_free[z][o]) {
				printk("%s: %s: zone %s order %d: %lu free blocks, expected %lu\n", who,
				       what, name, o, b.nr_free[z][o], a->nr_free[z][o]);
				bad = 1;
			}
	}
	if (a->slab_pages != b.slab_pages) {
		printk("%s: %s: %lu slab pages, expected %lu\n", who, what, b.slab_pages,
		       a->slab_pages);
		bad = 1;
	}
	for (unsigned int i = 0; i < a->nr_caches; i++)
		for (unsigned int j = 0; j < b.nr_caches; j++)
			if (a->cache[i] == b.cache[j] && a->active[i] != b.active[j]) {
				printk("%s: %s: cache %s: %lu active objects, expected %lu\n", who, what,
				       a->cache[i]->name, b.active[j], a->active[i]);
				bad = 1;
			}
	return bad;
}

static int run_one(const char *who, const struct selftest *t, int width)
{
	int r = t->fn();

	printk("%s: %-*s %s\n", who, width, t->name, r ? "FAIL" : "ok");
	return r;
}

int selftest_run(const char *who, const struct selftest *first, const struct selftest *tests,
		 unsigned int n, int width, bool caches, void (*settle)(void))
{
	struct mm_snapshot start;
	int failed = first ? run_one(who, first, width) : 0;

	mm_snapshot_take(&start, caches);
	for (unsigned int i = 0; i < n; i++)
		failed |= run_one(who, &tests[i], width);
	if (settle)
		settle();
	failed |= mm_snapshot_compare(&start, who, "end");
	printk("%s: %s\n", who, failed ? "FAILED" : "passed");
	return failed ? 1 : 0;
}

void stress_opts(unsigned long *seed, unsigned long *ops, struct rnd_state *rnd)
{
	*seed = cmdline_get_uint("seed", 1);
	*ops = cmdline_get_uint("ops", 2000);
	if (rnd)
		prandom_seed_state(rnd, (u32)*seed);
}
