/*
 * Unit tests of the slab allocator (guest/mm/slab.c, slab_debug.c,
 * kmalloc.c, mempool.c, failslab.c built for the host over the host-built
 * buddy allocator, guest/mm/host/): cache geometry, colouring, array
 * caches, shrink, the kmalloc family, debugging reports (as SIGABRT
 * panics), failslab, mempools, slabinfo, and a randomized run checked
 * against a model of who owns every byte.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm.h"
#include "slab.h"
#include "mempool.h"
#include "fault_inject.h"
#include "random.h"
#include "../guest/mm/host/mm_host.h"
#include "../guest/mm/slab_internal.h"

#define NR_PFNS 16384ul      /* 64 MiB */
#define DMA_END 2048ul       /* 8 MiB of "ZONE_DMA" */

static void machine_with(const char *slab_debug)
{
	mm_host_quiet = true;
	mm_host_init(&(struct mm_host_layout){
		.nr_pfns = NR_PFNS, .dma_end = DMA_END, .normal_end = NR_PFNS,
	});
	if (slab_debug)
		setup_slab_debug(slab_debug);
	kmem_cache_init();
}

static void machine(void)
{
	machine_with(NULL);
}

/* ---- An outside view of every cache (the checks the host will make) ---- */

static int verify_slab(const struct kmem_cache *c, const struct slab *s, int list,
		       unsigned char *seen, char *err, size_t n)
{
	unsigned int nfree = 0, idx = s->free;
	char *page_addr = slab_page_addr(c, s);
	struct page *page = virt_to_page(page_addr);

	if (list == 0 && s->inuse != c->num)
		return snprintf(err, n, "%s: full slab with inuse %u/%u", c->name, s->inuse, c->num);
	if (list == 1 && (s->inuse == 0 || s->inuse >= c->num))
		return snprintf(err, n, "%s: partial slab with inuse %u/%u", c->name, s->inuse, c->num);
	if (list == 2 && s->inuse != 0)
		return snprintf(err, n, "%s: free slab with inuse %u", c->name, s->inuse);
	if (s->colouroff % c->colour_off || (c->colour ? s->colouroff >= c->colour * c->colour_off
						    : s->colouroff != 0))
		return snprintf(err, n, "%s: colouroff %u", c->name, s->colouroff);
	memset(seen, 0, c->num);
	while (idx != BUFCTL_END) {
		if (idx >= c->num)
			return snprintf(err, n, "%s: free index %u >= num %u", c->name, idx, c->num);
		if (seen[idx])
			return snprintf(err, n, "%s: free index %u twice", c->name, idx);
		seen[idx] = 1;
		nfree++;
		idx = s->bufctl[idx];
	}
	if (nfree + s->inuse != c->num)
		return snprintf(err, n, "%s: %u free + %u inuse != %u", c->name, nfree, s->inuse, c->num);
	for (unsigned int i = 0; i < c->num; i++)
		if (!seen[i] && s->bufctl[i] != BUFCTL_ACTIVE)
			return snprintf(err, n, "%s: in-use index %u has bufctl %u", c->name, i, s->bufctl[i]);
	for (unsigned int i = 0; i < (1u << c->gfporder); i++)
		if (!PageSlab(page + i) || page[i].slab_cache != c || page[i].slab != s)
			return snprintf(err, n, "%s: page %u of a slab lacks its back-pointers", c->name, i);
	return 0;
}

/* Returns 0, or writes the first broken rule into err. */
static int verify_all(char *err, size_t n)
{
	static unsigned char seen[SLAB_OBJ_MAX_NUM];
	const struct kmem_cache *c;
	unsigned long pages[2] = { 0, 0 };

	list_for_each_entry(c, &slab_caches, list) {
		const struct list_head *heads[3] = { &c->node.slabs_full, &c->node.slabs_partial,
						     &c->node.slabs_free };
		unsigned long slabs = 0, free_slabs = 0, free_objs = 0;
		const struct array_cache *ac = c->cpu_cache[0];

		for (int l = 0; l < 3; l++) {
			const struct slab *s;

			list_for_each_entry(s, heads[l], list) {
				if (s->list.next->prev != &s->list)
					return snprintf(err, n, "%s: broken list", c->name);
				if (verify_slab(c, s, l, seen, err, n))
					return 1;
				slabs++;
				free_slabs += l == 2;
				free_objs += c->num - s->inuse;
				if (slabs > 1000000)
					return snprintf(err, n, "%s: list loops", c->name);
			}
		}
		if (slabs != c->node.total_slabs || free_slabs != c->node.free_slabs ||
		    free_objs != c->node.free_objects)
			return snprintf(err, n, "%s: counters %lu/%lu/%lu, lists %lu/%lu/%lu", c->name,
					c->node.total_slabs, c->node.free_slabs, c->node.free_objects,
					slabs, free_slabs, free_objs);
		if (!ac || ac->avail > ac->limit || ac->limit != c->limit)
			return snprintf(err, n, "%s: array cache", c->name);
		for (unsigned int i = 0; i < ac->avail; i++) {
			struct page *page = virt_to_page(ac->entry[i]);
			unsigned int idx;

			if (!PageSlab(page) || page->slab_cache != c)
				return snprintf(err, n, "%s: array entry %u not in this cache", c->name, i);
			idx = obj_to_index_checked(c, page->slab, ac->entry[i]);
			if (idx == ~0u || page->slab->bufctl[idx] != BUFCTL_ACTIVE)
				return snprintf(err, n, "%s: array entry %u not an object in use", c->name, i);
			for (unsigned int j = 0; j < i; j++)
				if (ac->entry[j] == ac->entry[i])
					return snprintf(err, n, "%s: array entry %u twice", c->name, i);
		}
		pages[!!(c->flags & SLAB_RECLAIM_ACCOUNT)] += slabs << c->gfporder;
	}
	if (pages[0] != (unsigned long)vm_zone_stat[NR_SLAB_UNRECLAIMABLE] ||
	    pages[1] != (unsigned long)vm_zone_stat[NR_SLAB_RECLAIMABLE])
		return snprintf(err, n, "nr_slab_* %ld/%ld, slabs hold %lu/%lu pages",
				vm_zone_stat[NR_SLAB_UNRECLAIMABLE], vm_zone_stat[NR_SLAB_RECLAIMABLE],
				pages[0], pages[1]);
	return 0;
}

static void verify(void)
{
	char err[256];

	cr_assert(verify_all(err, sizeof(err)) == 0, "slab invariant broken: %s", err);
	cr_assert(mm_host_verify(err, sizeof(err)) >= 0, "buddy invariant broken: %s", err);
}

static void shrink_all(void)
{
	struct kmem_cache *c;

	list_for_each_entry(c, &slab_caches, list)
		kmem_cache_shrink(c);
	drain_all_pages(NULL);
}

/* Text printed while fn runs (stdout is redirected by the test). */
static char *capture_begin(void)
{
	mm_host_quiet = false;
	fflush(stdout);
	return NULL;
}

static char *capture_end(void)
{
	static char buf[1 << 16];
	FILE *f;
	size_t len;

	fflush(stdout);
	mm_host_quiet = true;
	f = cr_get_redirected_stdout();
	len = fread(buf, 1, sizeof(buf) - 1, f);
	buf[len] = 0;
	return buf;
}

/* ---- Caches ------------------------------------------------------------- */

Test(slab, boot_caches_exist)
{
	machine();
	cr_assert_not_null(kmem_cache);
	cr_assert_str_eq(kmem_cache->name, "kmem_cache");
	for (unsigned int i = 1; i <= KMALLOC_SHIFT_HIGH; i++) {
		if (i == 0 || (i > 2 && i < KMALLOC_SHIFT_LOW))
			continue;
		cr_assert_not_null(kmalloc_caches[KMALLOC_NORMAL][i], "index %u", i);
		cr_assert(kmalloc_caches[KMALLOC_NORMAL][i]->flags & CFLGS_KMALLOC);
	}
	cr_assert_null(kmalloc_caches[KMALLOC_DMA][6], "dma caches are made on first use");
	verify();
}

Test(slab, create_alloc_free_destroy)
{
	machine();
	struct kmem_cache *c = kmem_cache_create("t", 40, 0, 0, NULL);
	void *o[300];

	cr_assert_not_null(c);
	cr_assert_eq(c->object_size, 40);
	cr_assert_eq(c->size, 40);
	for (int i = 0; i < 300; i++) {
		o[i] = kmem_cache_alloc(c, GFP_KERNEL);
		cr_assert_not_null(o[i]);
		cr_assert_eq(virt_to_cache(o[i]), c);
		memset(o[i], i, 40);
	}
	verify();
	cr_assert_eq(kmem_cache_active_objs(c) >= 300, 1);
	for (int i = 0; i < 300; i++)
		kmem_cache_free(c, o[i]);
	verify();
	cr_assert_eq(kmem_cache_destroy(c), 0);
	verify();
}

Test(slab, find_by_name)
{
	machine();
	struct kmem_cache *c = kmem_cache_create("findme", 24, 0, 0, NULL);

	cr_assert_eq(kmem_cache_find("findme"), c);
	cr_assert_eq(kmem_cache_find("kmem_cache"), kmem_cache);
	cr_assert_eq(kmem_cache_find("kmalloc-64"), kmalloc_caches[KMALLOC_NORMAL][6]);
	cr_assert_null(kmem_cache_find("findm"));
	cr_assert_null(kmem_cache_find(""));
	cr_assert_eq(kmem_cache_destroy(c), 0);
	cr_assert_null(kmem_cache_find("findme"));
}

Test(slab, destroy_with_live_objects_is_refused_with_a_report, .init = cr_redirect_stdout)
{
	machine();
	struct kmem_cache *c = kmem_cache_create("busy_cache", 100, 0, 0, NULL);
	void *a = kmem_cache_alloc(c, GFP_KERNEL), *b = kmem_cache_alloc(c, GFP_KERNEL);
	void *d = kmem_cache_alloc(c, GFP_KERNEL);

	capture_begin();
	cr_assert_eq(kmem_cache_destroy(c), -EBUSY);
	char *out = capture_end();
	cr_assert(strstr(out, "kmem_cache_destroy busy_cache: Slab cache still has objects: 3 in use"),
		  "report: %s", out);
	cr_assert_eq(kmem_cache_active_objs(c), 3);
	verify();
	kmem_cache_free(c, a);
	kmem_cache_free(c, b);
	kmem_cache_free(c, d);
	cr_assert_eq(kmem_cache_destroy(c), 0);
	cr_assert_eq(kmem_cache_destroy(kmalloc_caches[0][6]), -EINVAL);
	cr_assert_eq(kmem_cache_destroy(kmem_cache), -EINVAL);
}

Test(slab, on_slab_below_512_off_slab_from_512)
{
	machine();
	struct kmem_cache *on = kmem_cache_create("on", 504, 0, 0, NULL);
	struct kmem_cache *off = kmem_cache_create("off", 505, 0, 0, NULL);

	cr_assert(!(on->flags & CFLGS_OFF_SLAB));
	cr_assert(off->flags & CFLGS_OFF_SLAB, "505 bytes rounds to a 512-byte buffer");
	void *a = kmem_cache_alloc(on, GFP_KERNEL), *b = kmem_cache_alloc(off, GFP_KERNEL);
	struct slab *sa = virt_to_page(a)->slab, *sb = virt_to_page(b)->slab;

	cr_assert_eq((char *)sa, (char *)slab_page_addr(on, sa) + sa->colouroff);
	cr_assert_eq((char *)sa->s_mem, (char *)sa + on->slab_size);
	cr_assert_eq((char *)sb->s_mem, (char *)slab_page_addr(off, sb) + sb->colouroff);
	cr_assert_eq(virt_to_cache(sb), off->freelist_cache);
	cr_assert(off->num * off->size <= PAGE_SIZE << off->gfporder);
	verify();
}

Test(slab, geometry_follows_linux)
{
	machine();
	/* kmalloc-96 is cache-line aligned: 128-byte buffers, as on SLAB. */
	cr_assert_eq(kmalloc_caches[0][1]->size, 128);
	cr_assert_eq(kmalloc_caches[0][1]->object_size, 96);
	cr_assert_eq(kmalloc_caches[0][2]->size, 192);
	cr_assert_eq(kmalloc_caches[0][13]->gfporder, 1, "kmalloc-8192: 2-page slabs");
	cr_assert_eq(kmalloc_caches[0][13]->num, 1);
	cr_assert_eq(kmalloc_caches[0][12]->num, 1);
	cr_assert_eq(kmalloc_caches[0][5]->limit, 120);
	cr_assert_eq(kmalloc_caches[0][5]->batchcount, 60);
	cr_assert_eq(kmalloc_caches[0][11]->limit, 24);
	cr_assert_eq(kmalloc_caches[0][9]->limit, 54);
	/* A big object needs a higher order. */
	struct kmem_cache *c = kmem_cache_create("big", 100000, 0, 0, NULL);
	cr_assert_eq(c->gfporder, 5);
	cr_assert_eq(c->limit, 8);
	void *p = kmem_cache_alloc(c, GFP_KERNEL);
	cr_assert_not_null(p);
	for (int i = 0; i < 32; i++)
		cr_assert(PageSlab(virt_to_page(p) + i) || i >= 25, "every page of the slab is PG_slab");
	verify();
	kmem_cache_free(c, p);
}

Test(slab, alignment_for_each_flag)
{
	machine();
	static const slab_flags_t flags[] = {
		0, SLAB_HWCACHE_ALIGN, SLAB_POISON, SLAB_RED_ZONE, SLAB_STORE_USER,
		SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER | SLAB_CONSISTENCY_CHECKS,
	};
	static const unsigned int sizes[] = { 1, 7, 20, 100, 700, 3000 };
	static const unsigned int aligns[] = { 0, 16, 32, 256 };

	for (unsigned int f = 0; f < 6; f++)
		for (unsigned int s = 0; s < 6; s++)
			for (unsigned int a = 0; a < 4; a++) {
				struct kmem_cache *c = kmem_cache_create("al", sizes[s], aligns[a], flags[f], NULL);
				unsigned int want = aligns[a] > 8 ? aligns[a] : 8;
				void *o[20];

				cr_assert_not_null(c);
				if ((flags[f] & SLAB_HWCACHE_ALIGN) && sizes[s] > 32)
					want = want > 64 ? want : 64;
				for (int i = 0; i < 20; i++) {
					o[i] = kmem_cache_alloc(c, GFP_KERNEL);
					cr_assert_eq((unsigned long)o[i] % want, 0, "flags %#x size %u align %u",
						     flags[f], sizes[s], aligns[a]);
					cr_assert_eq((unsigned long)o[i] % c->align, 0);
					memset(o[i], 0x5c, sizes[s]);
				}
				verify();
				for (int i = 0; i < 20; i++)
					kmem_cache_free(c, o[i]);
				cr_assert_eq(kmem_cache_destroy(c), 0);
			}
}

Test(slab, colour_offsets_cycle_across_slabs)
{
	machine();
	struct kmem_cache *c = kmem_cache_create("col", 250, 0, 0, NULL);
	void *o[200];
	unsigned int n = c->num * 7, slab_i = 0;

	cr_assert_geq(c->colour, 2);
	for (unsigned int i = 0; i < n; i++) {
		o[i] = kmem_cache_alloc(c, GFP_KERNEL);
		struct slab *s = virt_to_page(o[i])->slab;
		if (i && s == virt_to_page(o[i - 1])->slab)
			continue;
		cr_assert_eq(s->colouroff, (slab_i % c->colour) * c->colour_off, "slab %u", slab_i);
		slab_i++;
	}
	cr_assert_eq(slab_i, 7);
	verify();
}

static int ctor_calls;
static void ctor(void *p)
{
	ctor_calls++;
	*(int *)p = 42;
}

Test(slab, ctor_runs_once_per_object_at_slab_creation)
{
	machine();
	struct kmem_cache *c = kmem_cache_create("ctor", 64, 0, 0, ctor);
	int *p = kmem_cache_alloc(c, GFP_KERNEL);

	cr_assert_eq(*p, 42);
	cr_assert_eq(ctor_calls, (int)c->num);
	kmem_cache_free(c, p);
	p = kmem_cache_alloc(c, GFP_KERNEL);
	cr_assert_eq(ctor_calls, (int)c->num);
	/* kmem_cache_zalloc zeroes over the constructed state. */
	int *z = kmem_cache_zalloc(c, GFP_KERNEL);
	cr_assert_eq(*z, 0);
}

Test(slab, array_cache_refills_and_flushes_in_batches)
{
	machine();
	struct kmem_cache *c = kmem_cache_create("ac", 32, 0, 0, NULL);
	struct array_cache *ac = c->cpu_cache[0];
	void *o[400];

	o[0] = kmem_cache_alloc(c, GFP_KERNEL);
	cr_assert_eq(ac->avail, c->batchcount - 1);
	cr_assert_eq(c->node.total_slabs, 1);
	unsigned long fo = c->node.free_objects;
	void *x = kmem_cache_alloc(c, GFP_KERNEL);
	kmem_cache_free(c, x);
	cr_assert_eq(c->node.free_objects, fo, "the fast path touched no slab");
	for (int i = 1; i < 400; i++)
		o[i] = kmem_cache_alloc(c, GFP_KERNEL);
	for (int i = 0; i < 400; i++) {
		kmem_cache_free(c, o[i]);
		cr_assert_leq(ac->avail, ac->limit);
	}
	cr_assert_gt(ac->avail, ac->limit - ac->batchcount);
	cr_assert_leq(c->node.free_objects, c->node.free_limit + c->num);
	verify();
	cr_assert_eq(kmem_cache_tune(c, 10, 5), 0);
	cr_assert_eq(c->cpu_cache[0]->limit, 10);
	cr_assert_eq(c->cpu_cache[0]->avail, 0);
	cr_assert_eq(kmem_cache_tune(c, 5, 10), -EINVAL);
	verify();
}

Test(slab, shrink_gives_every_page_back)
{
	machine();
	struct kmem_cache *c = kmem_cache_create("shrink", 300, 0, 0, NULL);
	void *o[1000];

	shrink_all();
	long free0 = (long)nr_free_pages(), slab0 = (long)global_slab_pages();
	for (int i = 0; i < 1000; i++)
		o[i] = kmem_cache_alloc(c, GFP_KERNEL);
	cr_assert_gt((long)global_slab_pages(), slab0 + 1000 / (long)c->num - 1);
	for (int i = 0; i < 1000; i++)
		kmem_cache_free(c, o[i]);
	cr_assert_eq(kmem_cache_shrink(c), 0);
	cr_assert_eq(c->node.total_slabs, 0);
	shrink_all();
	cr_assert_eq((long)nr_free_pages(), free0);
	cr_assert_eq((long)global_slab_pages(), slab0);
	verify();
}

/* ---- kmalloc ------------------------------------------------------------- */

Test(kmalloc, size_classes_and_ksize)
{
	machine();
	static const struct { size_t size, ks; const char *name; } t[] = {
		{ 1, 8, "kmalloc-8" }, { 8, 8, "kmalloc-8" }, { 9, 16, "kmalloc-16" },
		{ 24, 32, "kmalloc-32" }, { 33, 64, "kmalloc-64" }, { 65, 96, "kmalloc-96" },
		{ 97, 128, "kmalloc-128" }, { 129, 192, "kmalloc-192" }, { 193, 256, "kmalloc-256" },
		{ 300, 512, "kmalloc-512" }, { 1024, 1024, "kmalloc-1024" }, { 1025, 2048, "kmalloc-2048" },
		{ 4096, 4096, "kmalloc-4096" }, { 8080, 8192, "kmalloc-8192" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		volatile size_t sz = t[i].size;
		char *p = kmalloc(sz, GFP_KERNEL);

		cr_assert_not_null(p);
		cr_assert_str_eq(virt_to_cache(p)->name, t[i].name);
		cr_assert_eq(ksize(p), t[i].ks, "ksize(kmalloc(%zu))", t[i].size);
		memset(p, 0xab, ksize(p));
		kfree(p);
	}
	cr_assert_eq(ksize(kmalloc(1, GFP_KERNEL)), 8);
	cr_assert_eq(ksize(kmalloc(8080, GFP_KERNEL)), 8192);
	volatile size_t zero = 0;
	cr_assert_eq(kmalloc(zero, GFP_KERNEL), ZERO_SIZE_PTR);
	kfree(ZERO_SIZE_PTR);
	kfree(NULL);
	cr_assert_eq(ksize(NULL), 0);
	verify();
}

Test(kmalloc, large_blocks_and_the_limit)
{
	machine();
	drain_all_pages(NULL);
	unsigned long free0 = nr_free_pages();
	volatile size_t a = 8193, b = KMALLOC_MAX_SIZE, c = KMALLOC_MAX_SIZE + 1;
	char *p = kmalloc(a, GFP_KERNEL), *q = kmalloc(b, GFP_KERNEL | __GFP_ZERO);

	cr_assert_not_null(p);
	cr_assert_not_null(q);
	cr_assert_eq(ksize(p), 16384);
	cr_assert_eq(ksize(q), KMALLOC_MAX_SIZE);
	cr_assert(PageHead(virt_to_page(q)) && !PageSlab(virt_to_page(q)));
	cr_assert_eq(q[KMALLOC_MAX_SIZE - 1], 0);
	unsigned long w = mm_host_warnings;
	cr_assert_null(kmalloc(c, GFP_KERNEL));
	cr_assert_eq(mm_host_warnings, w + 1, "a warning");
	cr_assert_null(kmalloc(c, GFP_KERNEL | __GFP_NOWARN));
	cr_assert_eq(mm_host_warnings, w + 1, "__GFP_NOWARN: quiet");
	kfree(p);
	kfree(q);
	drain_all_pages(NULL);
	cr_assert_eq(nr_free_pages(), free0);
	verify();
}

Test(kmalloc, kzalloc_kcalloc_overflow)
{
	machine();
	char *p = kmalloc(200, GFP_KERNEL);
	memset(p, 0x77, 200);
	kfree(p);
	p = kzalloc(200, GFP_KERNEL);
	for (int i = 0; i < 200; i++)
		cr_assert_eq(p[i], 0);
	kfree(p);
	volatile size_t huge = (size_t)1 << (sizeof(size_t) * 8 - 1);
	cr_assert_null(kcalloc(huge, 2, GFP_KERNEL));
	cr_assert_null(kmalloc_array(2, huge, GFP_KERNEL));
	int *a = kcalloc(10, sizeof(int), GFP_KERNEL);
	cr_assert_not_null(a);
	cr_assert_eq(a[9], 0);
	kfree(a);
}

Test(kmalloc, krealloc_grows_and_shrinks)
{
	machine();
	unsigned char *p = kmalloc(20, GFP_KERNEL), *q;
	for (int i = 0; i < 20; i++)
		p[i] = (unsigned char)i;
	cr_assert_eq(krealloc(p, 24, GFP_KERNEL), p);
	q = krealloc(p, 5000, GFP_KERNEL);
	cr_assert_neq(q, p);
	cr_assert_eq(ksize(q), 8192);
	for (int i = 0; i < 20; i++)
		cr_assert_eq(q[i], i);
	p = krealloc(q, 100000, GFP_KERNEL);
	cr_assert_null(virt_to_cache(p));
	for (int i = 0; i < 20; i++)
		cr_assert_eq(p[i], i);
	cr_assert_eq(krealloc(p, 8, GFP_KERNEL), p);
	cr_assert_eq(krealloc(p, 0, GFP_KERNEL), ZERO_SIZE_PTR);
	verify();
}

Test(kmalloc, gfp_dma_comes_from_zone_dma)
{
	machine();
	void *p = kmalloc(100, GFP_DMA | GFP_KERNEL);
	cr_assert_not_null(p);
	cr_assert_str_eq(virt_to_cache(p)->name, "dma-kmalloc-128");
	cr_assert_lt(virt_to_pfn(p), DMA_END);
	void *q = kmalloc(100000, GFP_DMA);
	cr_assert_lt(virt_to_pfn(q), DMA_END);
	kfree(p);
	kfree(q);
	verify();
}

/* ---- Reports: each ends in a panic, i.e. abort() here ---------------------- */

/* The coming slab_bug() report: "BUG cache: reason (object 0x...)" and the
 * INFO line with its details. */
static void expect_slab_bug(const char *cache, const char *reason, const void *obj,
			    const char *info)
{
	char panic_line[160];

	snprintf(panic_line, sizeof(panic_line), "Kernel panic - not syncing: BUG %s: %s (object 0x%08lx)",
		 cache, reason, (unsigned long)obj);
	expect_death(panic_line, info);
}

/* The coming slab_bad_free() report for objp, with its reason. */
static void expect_bad_free(const char *cache, const void *objp, const char *why)
{
	char panic_line[200];

	snprintf(panic_line, sizeof(panic_line),
		 "Kernel panic - not syncing: BUG %s: Invalid object pointer 0x%08lx: %s",
		 cache, (unsigned long)objp, why);
	expect_death(panic_line, "INFO: freed from [<");
}

Test(kmalloc, kfree_of_a_static_panics, .signal = SIGABRT)
{
	static int x;
	machine();
	expect_bad_free("kfree", &x, "not a direct-mapped kernel address (not from kmalloc)");
	kfree(&x);
}

Test(kmalloc, kfree_of_an_arena_page_panics, .signal = SIGABRT)
{
	machine();
	void *page = (void *)__get_free_page(GFP_KERNEL);
	expect_bad_free("kfree", page, "neither a slab object nor a kmalloc large block");
	kfree(page);
}

Test(kmalloc, kfree_of_an_interior_pointer_panics, .signal = SIGABRT)
{
	machine();
	char *p = kmalloc(64, GFP_KERNEL);
	expect_bad_free("kmalloc-64", p + 8, "not the start of an object (an interior pointer?)");
	kfree(p + 8);
}

Test(kmalloc, kfree_inside_a_large_block_panics, .signal = SIGABRT)
{
	machine();
	volatile size_t sz = 20000;
	char *p = kmalloc(sz, GFP_KERNEL);
	expect_bad_free("kfree", p + PAGE_SIZE, "inside a kmalloc large block, not at its start");
	kfree(p + PAGE_SIZE);
}

Test(slab_debug, redzone_overwrite_panics, .signal = SIGABRT)
{
	machine_with("Z,kmalloc-64");
	char *p = kmalloc(64, GFP_KERNEL);
	cr_assert(virt_to_cache(p)->flags & SLAB_RED_ZONE);
	p[64] = 1;
	char info[80];
	snprintf(info, sizeof(info), "INFO: 0x%08lx-0x%08lx @offset=", (unsigned long)(p + 64),
		 (unsigned long)(p + 64));
	expect_slab_bug("kmalloc-64", "Redzone overwritten", p, info);
	kfree(p);
}

Test(slab_debug, redzone_underwrite_panics, .signal = SIGABRT)
{
	machine_with("Z");
	char *p = kmalloc(100, GFP_KERNEL);
	p[-1] = 1;
	char info[80];
	snprintf(info, sizeof(info), "INFO: 0x%08lx-0x%08lx @offset=", (unsigned long)(p - 1),
		 (unsigned long)(p - 1));
	expect_slab_bug("kmalloc-128", "Redzone overwritten", p, info);
	kfree(p);
}

Test(slab_debug, double_free_with_red_zones_panics, .signal = SIGABRT)
{
	machine_with("Z");
	void *p = kmalloc(64, GFP_KERNEL);
	kfree(p);
	expect_slab_bug("kmalloc-64", "Object already free", p, "(found free by its red zones)");
	kfree(p);
}

Test(slab_debug, double_free_with_consistency_checks_panics, .signal = SIGABRT)
{
	machine_with("F");
	void *p = kmalloc(64, GFP_KERNEL);
	kfree(p);
	expect_slab_bug("kmalloc-64", "Object already free", p,
			"(found free in the per-CPU array cache)");
	kfree(p);
}

Test(slab_debug, double_free_without_debugging_is_caught_at_flush, .signal = SIGABRT)
{
	machine();
	void *p = kmalloc(64, GFP_KERNEL);
	kfree(p);
	kfree(p);
	expect_slab_bug("kmalloc-64", "Object already free", p, "(found free returning it to its slab)");
	kmem_cache_shrink(kmalloc_caches[0][6]);
}

Test(slab_debug, write_after_free_panics_on_reuse, .signal = SIGABRT)
{
	machine_with("P");
	char *p = kmalloc(64, GFP_KERNEL);
	kfree(p);
	p[3] = 0;
	char info[96];
	snprintf(info, sizeof(info), "INFO: 0x%08lx-0x%08lx @offset=%lu. First byte 0x00 instead of 0x6b",
		 (unsigned long)(p + 3), (unsigned long)(p + 3),
		 (unsigned long)(p + 3) % PAGE_SIZE);
	expect_slab_bug("kmalloc-64", "Poison overwritten", p, info);
	kmalloc(64, GFP_KERNEL);
}

Test(slab_debug, wrong_cache_free_panics_with_F, .signal = SIGABRT)
{
	machine_with("F");
	struct kmem_cache *a = kmem_cache_create("a", 64, 0, 0, NULL);
	struct kmem_cache *b = kmem_cache_create("b", 64, 0, 0, NULL);
	void *p = kmem_cache_alloc(a, GFP_KERNEL);
	expect_death("INFO: the address is in a slab of cache a");
	expect_bad_free("b", p, "Wrong slab cache: the object is not from this cache");
	kmem_cache_free(b, p);
}

Test(slab_debug, poison_and_user_tracking_values)
{
	machine_with("FZPU");
	struct kmem_cache *c = kmalloc_caches[0][6];
	unsigned char *p = kmalloc(64, GFP_KERNEL);

	cr_assert_eq(c->flags & SLAB_DEBUG_FLAGS, SLAB_DEBUG_FLAGS);
	for (int i = 0; i < 63; i++)
		cr_assert_eq(p[i], POISON_INUSE, "alloc poison at %d", i);
	cr_assert_eq(p[63], POISON_END);
	cr_assert_eq(*(u64 *)(p - 8), RED_ACTIVE);
	cr_assert_eq(*(u64 *)(p + 64), RED_ACTIVE);
	unsigned long *user = (unsigned long *)(p + 72);
	cr_assert_neq(user[0], 0, "allocation caller recorded");
	kfree(p);
	for (int i = 0; i < 63; i++)
		cr_assert_eq(p[i], POISON_FREE, "free poison at %d", i);
	cr_assert_eq(p[63], POISON_END);
	cr_assert_eq(*(u64 *)(p - 8), RED_INACTIVE);
	cr_assert_neq(user[1], 0, "free caller recorded");
	verify();
}

/* Two call sites of their own, so the report's callers can be told apart
 * and placed.  The empty asm after each call keeps it from becoming a tail
 * call, which would make the caller recorded the test's. */
static noinline void *alloc_site(void)
{
	void *p = kmalloc(64, GFP_KERNEL);

	asm volatile("" ::: "memory");
	return p;
}

static noinline void free_site(void *p)
{
	kfree(p);
	asm volatile("" ::: "memory");
}

/* Whether a return address lies in fn's code: after its entry and well
 * before the end of a function this small. */
static bool returns_into(unsigned long ret, void *fn)
{
	return ret > (unsigned long)fn && ret < (unsigned long)fn + 512;
}

Test(slab_debug, report_names_cache_reason_and_callers, .init = cr_redirect_stdout,
     .signal = SIGABRT)
{
	machine_with("ZU,kmalloc-64");
	char *p = alloc_site();
	free_site(p);
	cr_assert_eq(alloc_site(), p, "the freed object is reused");
	unsigned long *user = (unsigned long *)(p + 72);
	cr_assert(returns_into(user[0], alloc_site), "alloc caller %#lx", user[0]);
	cr_assert(returns_into(user[1], free_site), "free caller %#lx", user[1]);

	char alloc_line[64], free_line[64];
	snprintf(alloc_line, sizeof(alloc_line), "INFO: Allocated in [<%08lx>]\n", user[0]);
	snprintf(free_line, sizeof(free_line), "INFO: Freed in [<%08lx>]\n", user[1]);
	expect_death("=====\nBUG kmalloc-64: Redzone overwritten\n-----", alloc_line, free_line,
		     "Redzone ");
	expect_slab_bug("kmalloc-64", "Redzone overwritten", p, "First byte 0x41 instead of 0xc0");
	mm_host_quiet = false;
	p[64] = 'A';
	kfree(p);
}

Test(slab_debug, parse)
{
	machine();
	setup_slab_debug("FZ,kmalloc-64,foo*;P");
	cr_assert_eq(slab_debug_flags("kmalloc-64"), SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE);
	cr_assert_eq(slab_debug_flags("foobar"), SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE);
	cr_assert_eq(slab_debug_flags("kmalloc-32"), SLAB_POISON);
	setup_slab_debug("");
	cr_assert_eq(slab_debug_flags("x"), SLAB_DEBUG_FLAGS, "bare slab_debug = FZPU");
	setup_slab_debug("A,kmalloc-32");
	cr_assert_eq(slab_debug_flags("kmalloc-32"), SLAB_FAILSLAB);
	cr_assert_eq(slab_debug_flags("kmalloc-64"), 0);
	cr_assert(slab_debug_mentions_failslab());
	setup_slab_debug("-");
	cr_assert_eq(slab_debug_flags("x"), 0);
	cr_assert(!slab_debug_mentions_failslab());
}

/* ---- failslab and mempools ------------------------------------------------ */

Test(failslab, attributes_and_cache_filter)
{
	machine();
	struct kmem_cache *c = kmem_cache_create("fs", 50, 0, SLAB_FAILSLAB, NULL);
	struct kmem_cache *plain = kmem_cache_create("plain", 50, 0, 0, NULL);
	int fails = 0;

	failslab.attr.verbose = 0;
	cr_assert(setup_fault_attr(&failslab.attr, "3,100,0,2"));
	for (int i = 0; i < 12; i++) {
		void *p = kmem_cache_alloc(c, GFP_KERNEL);
		if (!p)
			fails++;
		else
			kmem_cache_free(c, p);
		cr_assert_not_null(p = kmem_cache_alloc(plain, GFP_KERNEL));
		kmem_cache_free(plain, p);
	}
	cr_assert_eq(fails, 2, "interval 3, times 2");
	cr_assert_eq(failslab.injected, 2);
	cr_assert(setup_fault_attr(&failslab.attr, "1,100,120,-1"));
	cr_assert_not_null(kmem_cache_alloc(c, GFP_KERNEL), "space: 120 bytes pass");
	cr_assert_not_null(kmem_cache_alloc(c, GFP_KERNEL));
	cr_assert_null(kmem_cache_alloc(c, GFP_KERNEL));
	cr_assert_not_null(kmem_cache_alloc(c, GFP_KERNEL | __GFP_NOFAIL));
	failslab.ignore_gfp_wait = true;
	cr_assert_not_null(kmem_cache_alloc(c, GFP_KERNEL));
	cr_assert_null(kmem_cache_alloc(c, GFP_ATOMIC));
	kmem_cache->flags |= SLAB_FAILSLAB;
	cr_assert_not_null(kmem_cache_alloc(kmem_cache, GFP_ATOMIC), "the cache of caches never fails");
}

Test(failslab, cmdline_marks_every_cache_unless_A_is_used)
{
	mm_host_quiet = true;
	mm_host_init(&(struct mm_host_layout){ .nr_pfns = NR_PFNS, .dma_end = DMA_END,
					       .normal_end = NR_PFNS });
	cr_assert(setup_failslab("1,100,0,1"));
	kmem_cache_init();
	cr_assert(kmalloc_caches[0][5]->flags & SLAB_FAILSLAB);
	cr_assert(!(kmem_cache->flags & SLAB_FAILSLAB));
	failslab.attr.verbose = 0;
	cr_assert_null(kmalloc(32, GFP_KERNEL));
	cr_assert_not_null(kmalloc(32, GFP_KERNEL), "times 1");
	cr_assert_eq(failslab.injected, 1);
}

Test(mempool, hands_out_min_nr_under_total_failure)
{
	machine();
	struct kmem_cache *c = kmem_cache_create("pool", 128, 0, SLAB_FAILSLAB, NULL);
	mempool_t *sp = mempool_create_slab_pool(6, c);
	mempool_t *pp = mempool_create_page_pool(6, 0);
	mempool_t *kp = mempool_create_kmalloc_pool(6, 20000);
	void *s[7], *p[7], *k[7];

	cr_assert(sp && pp && kp);
	failslab.attr.verbose = 0;
	fail_page_alloc.attr.verbose = 0;
	cr_assert(setup_fault_attr(&failslab.attr, "1,100,0,-1"));
	cr_assert(setup_fault_attr(&fail_page_alloc.attr, "1,100,0,-1"));
	for (int i = 0; i < 6; i++) {
		s[i] = mempool_alloc(sp, GFP_KERNEL);
		p[i] = mempool_alloc(pp, GFP_KERNEL);
		k[i] = mempool_alloc(kp, GFP_KERNEL);
		cr_assert(s[i] && p[i] && k[i], "element %d", i);
	}
	unsigned long w = mm_host_warnings;
	cr_assert_null(mempool_alloc(sp, GFP_ATOMIC));
	cr_assert_eq(mm_host_warnings, w, "atomic: NULL without a warning");
	cr_assert_null(mempool_alloc(sp, GFP_KERNEL));
	cr_assert_eq(mm_host_warnings, w + 1, "would wait: NULL with a warning");
	mempool_free(s[0], sp);
	cr_assert_eq(sp->curr_nr, 1);
	s[0] = mempool_alloc(sp, GFP_KERNEL);
	cr_assert_not_null(s[0]);
	fail_page_alloc.attr.probability = 0;
	failslab.attr.probability = 0;
	for (int i = 0; i < 6; i++) {
		mempool_free(s[i], sp);
		mempool_free(p[i], pp);
		mempool_free(k[i], kp);
	}
	cr_assert_eq(mempool_resize(sp, 3), 0);
	cr_assert_eq(sp->curr_nr, 3);
	cr_assert_eq(mempool_resize(sp, 9), 0);
	cr_assert_eq(sp->curr_nr, 9);
	mempool_destroy(sp);
	mempool_destroy(pp);
	mempool_destroy(kp);
	cr_assert_eq(kmem_cache_destroy(c), 0);
	verify();
}

/* ---- slabinfo and counters ------------------------------------------------- */

Test(slabinfo, exact_header_and_row_format, .init = cr_redirect_stdout)
{
	machine();
	struct kmem_cache *c = kmem_cache_create("fmt_cache", 100, 0, 0, NULL);
	void *p = kmem_cache_alloc(c, GFP_KERNEL);
	(void)p;

	capture_begin();
	show_slabinfo();
	char *out = capture_end();
	static const char header[] = "slabinfo - version: 2.1\n"
		"# name            <active_objs> <num_objs> <objsize> <objperslab> "
		"<pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata "
		"<active_slabs> <num_slabs> <sharedavail>\n";
	cr_assert(!strncmp(out, header, sizeof(header) - 1), "%s", out);
	char line[256];
	snprintf(line, sizeof(line), "%-17s %6lu %6lu %6u %4u %4d : tunables %4u %4u %4u : slabdata %6lu %6lu %6lu\n",
		 "fmt_cache", (unsigned long)(c->batchcount < c->num ? c->batchcount : c->num),
		 (unsigned long)c->num, c->size, c->num, 1,
		 c->limit, c->batchcount, 0u, 1ul, 1ul, 0ul);
	cr_assert(strstr(out, line), "want\n%s\nin\n%s", line, out);
}

Test(slabinfo, zone_counters_follow_slab_pages)
{
	machine();
	long u0 = vm_zone_stat[NR_SLAB_UNRECLAIMABLE], r0 = vm_zone_stat[NR_SLAB_RECLAIMABLE];
	struct kmem_cache *r = kmem_cache_create("recl", 2000, 0, SLAB_RECLAIM_ACCOUNT, NULL);
	void *p = kmem_cache_alloc(r, GFP_KERNEL);

	cr_assert_eq(vm_zone_stat[NR_SLAB_RECLAIMABLE], r0 + (1 << r->gfporder));
	cr_assert_geq(vm_zone_stat[NR_SLAB_UNRECLAIMABLE], u0, "descriptors are unreclaimable");
	verify();
	kmem_cache_free(r, p);
	kmem_cache_shrink(r);
	cr_assert_eq(vm_zone_stat[NR_SLAB_RECLAIMABLE], r0);
}

/* ---- Randomized, against a model of byte ownership ------------------------- */

struct live {
	unsigned char *p;
	size_t size;
	int cache;          /* -1: kmalloc */
	unsigned char tag;
};

static unsigned int *owner;   /* per 8 bytes of the arena: id of the live object, 0 free */

static void own(const struct live *l, unsigned int id)
{
	size_t first = (size_t)((char *)l->p - mm_arena_base) / 8;
	size_t last = (size_t)((char *)l->p + l->size - 1 - mm_arena_base) / 8;

	for (size_t g = first; g <= last; g++) {
		if (id)
			cr_assert_eq(owner[g], 0, "%p (%zu bytes) overlaps object %u", l->p, l->size, owner[g]);
		owner[g] = id;
	}
}

static void randomized(unsigned int seed, const char *debug, int ops)
{
	static struct live live[2000];
	struct kmem_cache *caches[4];
	unsigned int nr = 0, next_id = 1;
	struct rnd_state rnd;

	machine_with(debug);
	owner = calloc(NR_PFNS * PAGE_SIZE / 8, sizeof(*owner));
	cr_assert_not_null(owner);
	prandom_seed_state(&rnd, seed);
	/* dma-kmalloc caches are made on first use and stay: make them all
	 * before counting pages. */
	for (size_t sz = 8; sz <= KMALLOC_MAX_CACHE_SIZE; sz *= 2)
		kfree(kmalloc(sz, GFP_DMA));
	kfree(kmalloc(96, GFP_DMA));
	kfree(kmalloc(192, GFP_DMA));
	shrink_all();
	unsigned long free0 = nr_free_pages();
	for (int i = 0; i < 4; i++)
		caches[i] = kmem_cache_create("rnd", 1 + prandom_below(&rnd, 3000), 0,
					      i & 1 ? SLAB_HWCACHE_ALIGN : 0, NULL);
	for (int op = 0; op < ops; op++) {
		unsigned int r = prandom_below(&rnd, 100);

		if (nr < 2000 && (nr == 0 || r < 52)) {
			struct live *l = &live[nr];

			l->cache = (int)prandom_below(&rnd, 6) - 2;
			if (l->cache >= 0) {
				l->size = caches[l->cache]->object_size;
				l->p = kmem_cache_alloc(caches[l->cache], GFP_KERNEL);
			} else {
				unsigned int k = prandom_below(&rnd, 100);
				l->size = k < 70 ? 1 + prandom_below(&rnd, 256) : k < 95 ? 1 + prandom_below(&rnd, 8192)
											: 1 + prandom_below(&rnd, 100000);
				l->p = kmalloc(l->size, prandom_below(&rnd, 8) ? GFP_KERNEL : GFP_DMA);
				cr_assert_geq(ksize(l->p), l->size);
			}
			cr_assert_not_null(l->p);
			cr_assert_eq((unsigned long)l->p % 8, 0);
			own(l, next_id++);
			l->tag = (unsigned char)prandom_u32_state(&rnd);
			memset(l->p, l->tag, l->size);
			nr++;
		} else if (r < 92) {
			unsigned int k = prandom_below(&rnd, nr);
			struct live *l = &live[k];

			for (size_t b = 0; b < l->size; b += 1 + l->size / 16)
				cr_assert_eq(l->p[b], l->tag, "object %p byte %zu changed", l->p, b);
			own(l, 0);
			if (l->cache >= 0)
				kmem_cache_free(caches[l->cache], l->p);
			else
				kfree(l->p);
			live[k] = live[--nr];
		} else if (r < 97) {
			unsigned int k = prandom_below(&rnd, nr);
			struct live *l = &live[k];
			size_t ns = 1 + prandom_below(&rnd, 10000);
			unsigned char *q;

			if (l->cache >= 0)
				continue;
			own(l, 0);
			q = krealloc(l->p, ns, GFP_KERNEL);
			cr_assert_not_null(q);
			for (size_t b = 0; b < (ns < l->size ? ns : l->size); b += 97)
				cr_assert_eq(q[b], l->tag);
			l->p = q;
			l->size = ns;
			memset(q, l->tag, ns);
			own(l, next_id++);
		} else {
			kmem_cache_shrink(caches[prandom_below(&rnd, 4)]);
		}
		if (op % 250 == 0)
			verify();
	}
	while (nr) {
		struct live *l = &live[--nr];
		own(l, 0);
		if (l->cache >= 0)
			kmem_cache_free(caches[l->cache], l->p);
		else
			kfree(l->p);
	}
	verify();
	for (int i = 0; i < 4; i++)
		cr_assert_eq(kmem_cache_destroy(caches[i]), 0);
	shrink_all();
	cr_assert_eq(nr_free_pages(), free0, "every page back");
	verify();
	free(owner);
}

Test(random, seed_1) { randomized(1, NULL, 6000); }
Test(random, seed_2) { randomized(2, NULL, 6000); }
Test(random, seed_3_fzpu) { randomized(3, "FZPU", 4000); }
Test(random, seed_4_hwcache) { randomized(4, "-", 6000); }
