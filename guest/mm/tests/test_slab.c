/*
 * Slab workloads: selftest:slab (deterministic checks of the slab
 * allocator's documented behaviour, kmalloc, mempools and failslab) and
 * stress:slab (random kmalloc, kfree, krealloc and cache traffic with host
 * checkpoints).
 *
 * Both leave the page allocator where they found it: every cache is shrunk
 * before the start snapshot and after the end, and the buddy free lists
 * must then match block for block.
 */
#include "kernel.h"
#include "cmdline.h"
#include "fault_inject.h"
#include "hypercall.h"
#include "mempool.h"
#include "mm.h"
#include "random.h"
#include "slab.h"
#include "string.h"
#include "workload.h"
#include "mm_snapshot.h"
#include "../slab_internal.h"

#define CHECK(cond, ...) SELFTEST_CHECK("selftest:slab", cond, __VA_ARGS__)

static struct slab *slab_of(const void *obj)
{
	return virt_to_page(obj)->slab;
}

/* ---- Caches -------------------------------------------------------------- */

static int test_create_destroy(void)
{
	struct kmem_cache *c = kmem_cache_create("st_basic", 40, 0, 0, NULL);
	void *objs[100];

	CHECK(c, "create");
	CHECK(!strcmp(c->name, "st_basic") && c->object_size == 40, "name/size");
	CHECK(list_first_entry(&slab_caches, struct kmem_cache, list) == c, "newest cache first");
	for (int i = 0; i < 100; i++) {
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
		CHECK(objs[i], "alloc %d", i);
		CHECK(virt_to_cache(objs[i]) == c, "virt_to_cache");
		memset(objs[i], i, 40);
	}
	for (int i = 0; i < 100; i++)
		for (int j = 0; j < 40; j += 13)
			CHECK(((u8 *)objs[i])[j] == (u8)i, "object %d overwritten", i);
	CHECK(kmem_cache_active_objs(c) >= 100, "active %lu", kmem_cache_active_objs(c));
	/* Refused while objects are live: the report names cache and count. */
	printk("selftest:slab: (a refused kmem_cache_destroy follows, with its warning)\n");
	CHECK(kmem_cache_destroy(c) == -EBUSY, "destroy with 100 live objects");
	CHECK(kmem_cache_active_objs(c) == 100, "refused destroy left %lu active",
	      kmem_cache_active_objs(c));
	for (int i = 0; i < 100; i++)
		kmem_cache_free(c, objs[i]);
	CHECK(kmem_cache_destroy(c) == 0, "destroy");
	list_for_each_entry(c, &slab_caches, list)
		CHECK(strcmp(c->name, "st_basic"), "destroyed cache still listed");
	CHECK(kmem_cache_destroy(NULL) == 0, "destroy(NULL)");
	return 0;
}

static unsigned int ctor_calls;
static void ctor_u32(void *obj)
{
	ctor_calls++;
	*(u32 *)obj = 0xc0ffee00u;
}

static int test_ctor(void)
{
	struct kmem_cache *c = kmem_cache_create("st_ctor", 24, 0, 0, ctor_u32);
	void *a, *b;

	CHECK(c, "create");
	ctor_calls = 0;
	a = kmem_cache_alloc(c, GFP_KERNEL);
	CHECK(a && *(u32 *)a == 0xc0ffee00u, "constructed");
	if (c->flags & SLAB_POISON) {
		/* Poisoning overwrites free objects: the ctor runs per allocation. */
		CHECK(ctor_calls == 1, "ctor calls %u with poisoning", ctor_calls);
	} else {
		/* Bonwick: the whole slab is constructed once, when it is made. */
		CHECK(ctor_calls == c->num, "ctor ran %u times for a slab of %u", ctor_calls, c->num);
	}
	*(u32 *)a = 0xc0ffee00u;   /* give it back constructed */
	kmem_cache_free(c, a);
	b = kmem_cache_alloc(c, GFP_KERNEL);
	CHECK(b == a, "LIFO reuse");
	CHECK(*(u32 *)b == 0xc0ffee00u, "state kept");
	kmem_cache_free(c, b);
	CHECK(kmem_cache_destroy(c) == 0, "destroy");
	return 0;
}

/* Every object of caches with every flag combination is aligned as
 * documented, and the objects of a slab never overlap. */
static int test_alignment(void)
{
	static const slab_flags_t flag_sets[] = {
		0, SLAB_HWCACHE_ALIGN, SLAB_POISON, SLAB_RED_ZONE, SLAB_STORE_USER,
		SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER | SLAB_CONSISTENCY_CHECKS,
		SLAB_HWCACHE_ALIGN | SLAB_RED_ZONE, SLAB_CACHE_DMA, SLAB_RECLAIM_ACCOUNT,
	};
	static const unsigned int sizes[] = { 20, 100, 700, 3000 };
	static const unsigned int aligns[] = { 0, 16, 128 };

	for (unsigned int f = 0; f < ARRAY_SIZE(flag_sets); f++)
		for (unsigned int s = 0; s < ARRAY_SIZE(sizes); s++)
			for (unsigned int a = 0; a < ARRAY_SIZE(aligns); a++) {
				struct kmem_cache *c = kmem_cache_create("st_align", sizes[s], aligns[a],
									 flag_sets[f], NULL);
				unsigned int want = max(aligns[a], (unsigned int)ARCH_SLAB_MINALIGN);
				void *objs[8];

				CHECK(c, "create flags %#x size %u align %u", flag_sets[f], sizes[s], aligns[a]);
				if ((c->flags & SLAB_HWCACHE_ALIGN) &&
				    !(c->flags & (SLAB_RED_ZONE | SLAB_STORE_USER)) && sizes[s] > 32)
					want = max(want, (unsigned int)L1_CACHE_BYTES);
				CHECK(c->align >= want && c->size >= c->object_size,
				      "flags %#x size %u align %u: cache align %u size %u", c->flags,
				      sizes[s], aligns[a], c->align, c->size);
				for (int i = 0; i < 8; i++) {
					objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
					CHECK(objs[i], "alloc");
					CHECK(((unsigned long)objs[i] & (c->align - 1)) == 0 &&
					      ((unsigned long)objs[i] & (want - 1)) == 0,
					      "flags %#x size %u align %u: object %08lx not %u-aligned",
					      c->flags, sizes[s], aligns[a], (unsigned long)objs[i], want);
					memset(objs[i], 0x11 * i, sizes[s]);
					if (flag_sets[f] & SLAB_CACHE_DMA)
						CHECK(__pa(objs[i]) < (16ul << 20), "SLAB_CACHE_DMA object above 16M");
				}
				for (int i = 0; i < 8; i++) {
					CHECK(((u8 *)objs[i])[0] == (u8)(0x11 * i) &&
					      ((u8 *)objs[i])[sizes[s] - 1] == (u8)(0x11 * i),
					      "flags %#x size %u: object %d overlapped", c->flags, sizes[s], i);
					kmem_cache_free(c, objs[i]);
				}
				CHECK(kmem_cache_destroy(c) == 0, "destroy");
			}
	return 0;
}

static int test_on_off_slab(void)
{
	struct kmem_cache *small = kmem_cache_create("st_onslab", 100, 0, 0, NULL);
	struct kmem_cache *big = kmem_cache_create("st_offslab", 1000, 0, 0, NULL);
	void *a, *b;
	struct slab *sa, *sb;
	char *pa, *pb;

	CHECK(small && big, "create");
	CHECK(!(small->flags & CFLGS_OFF_SLAB), "100-byte objects must be on-slab");
	CHECK(big->flags & CFLGS_OFF_SLAB, "1000-byte objects must be off-slab");
	a = kmem_cache_alloc(small, GFP_KERNEL);
	b = kmem_cache_alloc(big, GFP_KERNEL);
	CHECK(a && b, "alloc");
	sa = slab_of(a);
	sb = slab_of(b);
	pa = slab_page_addr(small, sa);
	pb = slab_page_addr(big, sb);
	/* On-slab: descriptor at page + colouroff, objects right after it. */
	CHECK((char *)sa == pa + sa->colouroff, "on-slab descriptor at %08lx, page %08lx colour %u",
	      (unsigned long)sa, (unsigned long)pa, sa->colouroff);
	CHECK((char *)sa->s_mem == (char *)sa + small->slab_size, "on-slab s_mem");
	CHECK(virt_to_page(sa) == virt_to_page(a), "on-slab descriptor in the slab's page");
	/* Off-slab: objects from page + colouroff, descriptor in a kmalloc cache. */
	CHECK((char *)sb->s_mem == pb + sb->colouroff, "off-slab s_mem");
	CHECK(virt_to_cache(sb) == big->freelist_cache && (big->freelist_cache->flags & CFLGS_KMALLOC),
	      "off-slab descriptor not in a kmalloc cache");
	CHECK(sb->inuse >= 1 && sb->inuse <= big->num, "inuse %u", sb->inuse);
	printk("selftest:slab: on-slab %s: %u objs/slab, off-slab %s: %u objs/slab, descriptor in %s\n",
	       small->name, small->num, big->name, big->num, big->freelist_cache->name);
	kmem_cache_free(small, a);
	kmem_cache_free(big, b);
	CHECK(!kmem_cache_destroy(small) && !kmem_cache_destroy(big), "destroy");
	return 0;
}

static int test_colouring(void)
{
	struct kmem_cache *c = NULL;
	void *objs[200];
	unsigned int offs[8], nslabs = 0, n;

	/* An object size that leaves room for at least two colours with the
	 * flags slab_debug= adds. */
	for (unsigned int size = 250; size < 400 && !c; size += 10) {
		c = kmem_cache_create("st_colour", size, 0, 0, NULL);
		CHECK(c, "create");
		if (c->colour < 2 || c->num * (c->colour + 1) > ARRAY_SIZE(objs)) {
			kmem_cache_destroy(c);
			c = NULL;
		}
	}
	CHECK(c, "no size between 250 and 400 has two colours");
	/* Each refill grows one slab and takes all of it; objects come out
	 * slab by slab. */
	n = c->num * (c->colour + 1);
	for (unsigned int i = 0; i < n; i++) {
		struct slab *s;

		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
		CHECK(objs[i], "alloc");
		s = slab_of(objs[i]);
		if ((i == 0 || s != slab_of(objs[i - 1])) && nslabs < ARRAY_SIZE(offs))
			offs[nslabs++] = s->colouroff;
		CHECK(s->colouroff % c->colour_off == 0 && s->colouroff < c->colour * c->colour_off,
		      "colouroff %u, colour %u x %u", s->colouroff, c->colour, c->colour_off);
	}
	CHECK(nslabs >= 3, "only %u slabs", nslabs);
	for (unsigned int i = 0; i < nslabs; i++)
		CHECK(offs[i] == (i % c->colour) * c->colour_off,
		      "slab %u has colour offset %u, expected %u", i, offs[i],
		      (i % c->colour) * c->colour_off);
	printk("selftest:slab: %s (%u-byte buffers): %u colours of %u bytes; slab colour offsets:",
	       c->name, c->size, c->colour, c->colour_off);
	for (unsigned int i = 0; i < nslabs; i++)
		printk(" %u", offs[i]);
	printk("\n");
	for (unsigned int i = 0; i < n; i++)
		kmem_cache_free(c, objs[i]);
	CHECK(kmem_cache_destroy(c) == 0, "destroy");
	return 0;
}

/* The per-CPU array: refills of batchcount, flushes of batchcount, and no
 * slab list or counter touched while it can serve. */
static int test_array_cache(void)
{
	struct kmem_cache *c = kmem_cache_create("st_array", 64, 0, 0, NULL);
	struct array_cache *ac;
	void *objs[300], *x;
	unsigned long free_objs;

	CHECK(c, "create");
	ac = cpu_cache_get(c);
	CHECK(ac && ac->limit == c->limit && ac->batchcount == c->batchcount, "tunables");
	objs[0] = kmem_cache_alloc(c, GFP_KERNEL);
	CHECK(objs[0], "alloc");
	CHECK(ac->avail == min(c->batchcount, c->num) - 1, "after the first refill avail %u, batch %u",
	      ac->avail, c->batchcount);
	free_objs = c->node.free_objects;
	x = kmem_cache_alloc(c, GFP_KERNEL);
	kmem_cache_free(c, x);
	CHECK(c->node.free_objects == free_objs, "a pair served by the array touched the slabs");
	/* Fill past the limit: the array flushes its oldest batch. */
	for (unsigned int i = 1; i < ARRAY_SIZE(objs); i++) {
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
		CHECK(objs[i], "alloc %u", i);
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(objs); i++) {
		kmem_cache_free(c, objs[i]);
		CHECK(ac->avail <= ac->limit, "avail %u above limit %u", ac->avail, ac->limit);
	}
	CHECK(ac->avail > ac->limit - ac->batchcount, "avail %u after freeing everything", ac->avail);
	/* Free slabs are kept only up to free_limit objects. */
	CHECK(c->node.free_objects <= c->node.free_limit + c->num,
	      "%lu free objects kept, limit %u", c->node.free_objects, c->node.free_limit);
	CHECK(kmem_cache_tune(c, 16, 8) == 0 && cpu_cache_get(c)->limit == 16, "tune");
	CHECK(kmem_cache_destroy(c) == 0, "destroy");
	return 0;
}

/* Refills take partial slabs first, then free ones, then grow. */
static int test_slab_order(void)
{
	struct kmem_cache *c = kmem_cache_create("st_order", 500, 0, 0, NULL);
	void *objs[64], *p;
	unsigned int num, n;

	CHECK(c, "create");
	CHECK(kmem_cache_tune(c, 1, 1) == 0, "tune");   /* one object per refill */
	num = c->num;
	n = 3 * num;
	CHECK(n + 2 <= ARRAY_SIZE(objs), "num %u", num);
	for (unsigned int i = 0; i < n; i++)
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
	CHECK(c->node.total_slabs == 3 && c->node.free_objects == 0, "3 full slabs, got %lu",
	      c->node.total_slabs);
	/* Slab A (objs[0..num)) all free, slab B (objs[num..]) missing one:
	 * the array cache (limit 1) flushes each previous free. */
	for (unsigned int i = 0; i <= num; i++)
		kmem_cache_free(c, objs[i]);
	kmem_cache_free(c, objs[2 * num]);   /* flushes objs[num] into B */
	CHECK(c->node.total_slabs == 3 && c->node.free_slabs == 1 &&
	      c->node.free_objects == num + 1, "slabs %lu free %lu free objs %lu",
	      c->node.total_slabs, c->node.free_slabs, c->node.free_objects);
	p = kmem_cache_alloc(c, GFP_KERNEL);
	CHECK(p == objs[2 * num], "the array cache is used first");
	p = kmem_cache_alloc(c, GFP_KERNEL);
	CHECK(slab_of(p) == slab_of(objs[num + 1]), "the partial slab must come next");
	objs[num] = p;
	for (unsigned int i = 0; i < num; i++) {
		struct slab *free_slab = slab_of(objs[0]);

		p = kmem_cache_alloc(c, GFP_KERNEL);
		CHECK(slab_of(p) == free_slab, "then the free slab");
		objs[i] = p;
	}
	CHECK(c->node.total_slabs == 3, "no new slab while the free one had room: %lu",
	      c->node.total_slabs);
	p = kmem_cache_alloc(c, GFP_KERNEL);
	CHECK(c->node.total_slabs == 4, "a new slab last: %lu", c->node.total_slabs);
	kmem_cache_free(c, p);
	for (unsigned int i = 0; i < n; i++)
		kmem_cache_free(c, objs[i]);
	CHECK(kmem_cache_destroy(c) == 0, "destroy");
	return 0;
}

/* Freed slabs go back: buddyinfo ends where it began. */
static int test_shrink(void)
{
	struct mm_snapshot snap;
	struct kmem_cache *c;
	void **objs;
	unsigned long pages_before, pages_full;
	const unsigned int n = 600;

	objs = kmalloc_array(n, sizeof(void *), GFP_KERNEL);
	CHECK(objs, "kmalloc_array");
	c = kmem_cache_create("st_shrink", 300, 0, SLAB_HWCACHE_ALIGN, NULL);
	CHECK(c, "create");
	mm_snapshot_take(&snap, true);
	pages_before = global_slab_pages();
	for (unsigned int i = 0; i < n; i++) {
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
		CHECK(objs[i], "alloc %u", i);
	}
	pages_full = global_slab_pages();
	CHECK(pages_full >= pages_before + n / c->num, "slab pages %lu -> %lu", pages_before, pages_full);
	for (unsigned int i = 0; i < n; i++)
		kmem_cache_free(c, objs[i]);
	/* Beyond free_limit, empty slabs already went back. */
	CHECK(c->node.free_objects <= c->node.free_limit + c->num, "free objects %lu, limit %u",
	      c->node.free_objects, c->node.free_limit);
	CHECK(kmem_cache_shrink(c) == 0, "shrink left slabs");
	CHECK(c->node.total_slabs == 0 && c->node.free_objects == 0, "slabs %lu free objs %lu",
	      c->node.total_slabs, c->node.free_objects);
	printk("selftest:slab: %s: %u objects on %lu pages, all given back by kmem_cache_shrink\n",
	       c->name, n, pages_full - pages_before);
	if (mm_snapshot_compare(&snap, "selftest:slab", "after shrink"))
		return 1;
	CHECK(kmem_cache_destroy(c) == 0, "destroy");
	kfree(objs);
	return 0;
}

/* ---- kmalloc ------------------------------------------------------------- */

static int test_kmalloc_classes(void)
{
	static const struct { size_t size; size_t ksize; const char *cache; } t[] = {
		{ 1, 8, "kmalloc-8" }, { 8, 8, "kmalloc-8" }, { 9, 16, "kmalloc-16" },
		{ 17, 32, "kmalloc-32" }, { 33, 64, "kmalloc-64" }, { 64, 64, "kmalloc-64" },
		{ 65, 96, "kmalloc-96" }, { 96, 96, "kmalloc-96" }, { 97, 128, "kmalloc-128" },
		{ 129, 192, "kmalloc-192" }, { 192, 192, "kmalloc-192" }, { 193, 256, "kmalloc-256" },
		{ 257, 512, "kmalloc-512" }, { 1000, 1024, "kmalloc-1024" },
		{ 2048, 2048, "kmalloc-2048" }, { 4000, 4096, "kmalloc-4096" },
		{ 8080, 8192, "kmalloc-8192" }, { 8192, 8192, "kmalloc-8192" },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(t); i++) {
		volatile size_t size = t[i].size;   /* the __kmalloc path */
		u8 *p = kmalloc(size, GFP_KERNEL);
		struct kmem_cache *c;

		CHECK(p, "kmalloc(%lu)", (unsigned long)t[i].size);
		c = virt_to_cache(p);
		CHECK(c && !strcmp(c->name, t[i].cache), "kmalloc(%lu) from %s, expected %s",
		      (unsigned long)t[i].size, c ? c->name : "(none)", t[i].cache);
		CHECK(ksize(p) == t[i].ksize, "ksize(kmalloc(%lu)) = %lu, expected %lu",
		      (unsigned long)t[i].size, (unsigned long)ksize(p), (unsigned long)t[i].ksize);
		p[0] = 1;
		p[t[i].ksize - 1] = 2;
		kfree(p);
	}
	/* Constant sizes resolve their cache at compile time: same result. */
	{
		void *p = kmalloc(1, GFP_KERNEL), *q = kmalloc(8080, GFP_KERNEL);

		CHECK(ksize(p) == 8, "ksize(kmalloc(1)) = %lu", (unsigned long)ksize(p));
		CHECK(ksize(q) == 8192, "ksize(kmalloc(8080)) = %lu", (unsigned long)ksize(q));
		kfree(p);
		kfree(q);
	}
	/* kmalloc(0), NULL, kzalloc, kcalloc and overflow. */
	{
		volatile size_t zero = 0, huge = ~(size_t)0 / 2 + 2;
		u8 *z;

		CHECK(kmalloc(zero, GFP_KERNEL) == ZERO_SIZE_PTR, "kmalloc(0)");
		kfree(ZERO_SIZE_PTR);
		kfree(NULL);
		CHECK(ksize(NULL) == 0 && ksize(ZERO_SIZE_PTR) == 0, "ksize of nothing");
		z = kmalloc(100, GFP_KERNEL);
		memset(z, 0xee, 100);
		kfree(z);
		z = kzalloc(100, GFP_KERNEL);
		CHECK(z, "kzalloc");
		for (int i = 0; i < 100; i++)
			CHECK(!z[i], "kzalloc byte %d is 0x%x", i, z[i]);
		kfree(z);
		z = kcalloc(10, 30, GFP_KERNEL);
		CHECK(z && ksize(z) >= 300 && !z[299], "kcalloc");
		kfree(z);
		CHECK(!kcalloc(huge, 2, GFP_KERNEL), "kcalloc overflow must fail");
		CHECK(!kmalloc_array(2, huge, GFP_KERNEL), "kmalloc_array overflow must fail");
	}
	return 0;
}

static int test_kmalloc_large(void)
{
	static const size_t sizes[] = { 8193, 12288, 100000, 1ul << 20, KMALLOC_MAX_SIZE };
	unsigned long free0;

	drain_all_pages(NULL);
	free0 = nr_free_pages();

	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
		volatile size_t size = sizes[i];
		u8 *p = kmalloc(size, GFP_KERNEL);
		struct page *page;

		CHECK(p, "kmalloc(%lu)", (unsigned long)sizes[i]);
		page = virt_to_page(p);
		CHECK(!PageSlab(page) && PageHead(page), "a compound block, not a slab");
		CHECK(ksize(p) >= sizes[i] && ksize(p) == PAGE_SIZE << compound_order(page),
		      "ksize %lu for %lu", (unsigned long)ksize(p), (unsigned long)sizes[i]);
		CHECK(!virt_to_cache(p), "large kmalloc has no cache");
		p[0] = 1;
		p[sizes[i] - 1] = 1;
		kfree(p);
	}
	{
		volatile size_t too_big = KMALLOC_MAX_SIZE + 1;

		printk("selftest:slab: (a kmalloc above KMALLOC_MAX_SIZE follows, with its warning)\n");
		CHECK(!kmalloc(too_big, GFP_KERNEL), "kmalloc(KMALLOC_MAX_SIZE + 1) must fail");
		CHECK(!kmalloc(too_big, GFP_KERNEL | __GFP_NOWARN), "... also quietly");
	}
	drain_all_pages(NULL);
	CHECK(nr_free_pages() == free0, "large blocks not all given back: %lu -> %lu", free0,
	      nr_free_pages());
	return 0;
}

static int test_krealloc(void)
{
	u8 *p = kmalloc(20, GFP_KERNEL), *q;

	CHECK(p, "kmalloc");
	for (int i = 0; i < 20; i++)
		p[i] = (u8)(i * 7);
	/* Within ksize: same object. */
	q = krealloc(p, 30, GFP_KERNEL);
	CHECK(q == p, "growing within ksize moved the object");
	/* Beyond: a new object in a bigger class, contents kept. */
	q = krealloc(p, 1000, GFP_KERNEL);
	CHECK(q && q != p && ksize(q) == 1024, "grow to 1000");
	for (int i = 0; i < 20; i++)
		CHECK(q[i] == (u8)(i * 7), "byte %d lost growing", i);
	/* To a large block and back down: shrinking keeps the object. */
	p = krealloc(q, 20000, GFP_KERNEL);
	CHECK(p && !virt_to_cache(p) && ksize(p) >= 20000, "grow to a large block");
	for (int i = 0; i < 20; i++)
		CHECK(p[i] == (u8)(i * 7), "byte %d lost growing to a large block", i);
	q = krealloc(p, 10, GFP_KERNEL);
	CHECK(q == p, "shrinking moved the object");
	for (int i = 0; i < 10; i++)
		CHECK(q[i] == (u8)(i * 7), "byte %d lost shrinking", i);
	CHECK(krealloc(q, 0, GFP_KERNEL) == ZERO_SIZE_PTR, "krealloc to 0 frees");
	p = krealloc(NULL, 50, GFP_KERNEL);
	CHECK(p && ksize(p) == 64, "krealloc(NULL) allocates");
	kfree(p);
	return 0;
}

static int test_gfp_dma(void)
{
	void *p = kmalloc(100, GFP_DMA | GFP_KERNEL), *q;
	struct kmem_cache *c;

	CHECK(p, "kmalloc(GFP_DMA)");
	c = virt_to_cache(p);
	CHECK(c && !strcmp(c->name, "dma-kmalloc-128"), "cache %s", c ? c->name : "(none)");
	CHECK(__pa(p) < (16ul << 20), "GFP_DMA object at physical %#lx, above 16 MiB", __pa(p));
	CHECK(page_zonenum(virt_to_page(p)) == ZONE_DMA, "not in ZONE_DMA");
	q = kzalloc(3000, GFP_DMA | GFP_KERNEL);
	CHECK(q && __pa(q) < (16ul << 20) && !((u8 *)q)[2999], "kzalloc(GFP_DMA)");
	printk("selftest:slab: kmalloc(100, GFP_DMA) at physical %#lx from %s\n", __pa(p), c->name);
	kfree(p);
	kfree(q);
	return 0;
}

/* ---- failslab and mempools ------------------------------------------------- */

/* How many of n GFP_KERNEL allocations from c fail (each success is freed). */
static int failed_allocs(struct kmem_cache *c, int n)
{
	int failed = 0;

	for (int i = 0; i < n; i++) {
		void *p = kmem_cache_alloc(c, GFP_KERNEL);

		if (!p)
			failed++;
		else
			kmem_cache_free(c, p);
	}
	return failed;
}

static int test_failslab(void)
{
	struct failslab_attr saved = failslab;
	struct kmem_cache *c = kmem_cache_create("st_failslab", 32, 0, SLAB_FAILSLAB, NULL);
	struct kmem_cache *plain = kmem_cache_create("st_nofail", 32, 0, 0, NULL);
	unsigned long inj0 = failslab.injected;
	int failed = 0;
	void *p;

	CHECK(c && plain, "create");
	failslab.attr.verbose = 0;
	CHECK(setup_fault_attr(&failslab.attr, "1,100,0,3"), "parse");
	for (int i = 0; i < 10; i++) {
		p = kmem_cache_alloc(c, GFP_KERNEL);
		if (!p)
			failed++;
		else
			kmem_cache_free(c, p);
		p = kmem_cache_alloc(plain, GFP_KERNEL);
		CHECK(p || (plain->flags & SLAB_FAILSLAB), "an unmarked cache failed");
		kmem_cache_free(plain, p);
	}
	CHECK(failed == 3, "times=3 gave %d failures", failed);
	CHECK(failslab.injected - inj0 == 3 || (plain->flags & SLAB_FAILSLAB),
	      "injected %lu", failslab.injected - inj0);
	/* interval 2: every second call; __GFP_NOFAIL never fails. */
	CHECK(setup_fault_attr(&failslab.attr, "2,100,0,-1"), "parse");
	failed = failed_allocs(c, 10);
	CHECK(failed == 5, "interval=2 gave %d failures in 10", failed);
	p = kmem_cache_alloc(c, GFP_KERNEL | __GFP_NOFAIL);
	CHECK(p, "__GFP_NOFAIL failed");
	kmem_cache_free(c, p);
	/* space: the first 100 bytes (three 32-byte objects) pass. */
	CHECK(setup_fault_attr(&failslab.attr, "1,100,100,-1"), "parse");
	failed = failed_allocs(c, 5);
	CHECK(failed == 2, "space=100 gave %d failures in 5", failed);
	/* ignore_gfp_wait spares blocking requests. */
	CHECK(setup_fault_attr(&failslab.attr, "1,100,0,-1"), "parse");
	failslab.ignore_gfp_wait = true;
	p = kmem_cache_alloc(c, GFP_KERNEL);
	CHECK(p, "ignore_gfp_wait: GFP_KERNEL failed");
	kmem_cache_free(c, p);
	CHECK(!kmem_cache_alloc(c, GFP_ATOMIC), "ignore_gfp_wait: GFP_ATOMIC did not fail");
	inj0 = failslab.injected;
	failslab = saved;
	failslab.injected = inj0;
	CHECK(!kmem_cache_destroy(c) && !kmem_cache_destroy(plain), "destroy");
	return 0;
}

static int test_mempool(void)
{
	struct fail_page_alloc_attr saved_fpa = fail_page_alloc;
	struct failslab_attr saved_fs = failslab;
	struct kmem_cache *c = kmem_cache_create("st_pool", 128, 0, SLAB_FAILSLAB, NULL);
	struct kmem_cache *k256 = kmalloc_caches[KMALLOC_NORMAL][kmalloc_index(256)];
	slab_flags_t k256_flags = k256->flags;
	mempool_t *sp, *kp, *pp;
	void *se[8], *ke[8], *pe[8];
	const int min_nr = 5;

	CHECK(c, "create");
	sp = mempool_create_slab_pool(min_nr, c);
	kp = mempool_create_kmalloc_pool(min_nr, 200);
	pp = mempool_create_page_pool(min_nr, 1);
	CHECK(sp && kp && pp, "create pools");
	CHECK(sp->curr_nr == min_nr && kp->curr_nr == min_nr && pp->curr_nr == min_nr, "reserves");

	/* Everything fails from here: the page allocator and every slab. */
	k256->flags |= SLAB_FAILSLAB;
	failslab.attr.verbose = 0;
	fail_page_alloc.attr.verbose = 0;
	CHECK(setup_fault_attr(&failslab.attr, "1,100,0,-1") &&
	      setup_fault_attr(&fail_page_alloc.attr, "1,100,0,-1"), "parse");
	CHECK(!kmem_cache_alloc(c, GFP_KERNEL) && !kmalloc(200, GFP_KERNEL) &&
	      !alloc_pages(GFP_KERNEL | __GFP_NOWARN, 1), "the allocators still work");
	for (int i = 0; i < min_nr; i++) {
		se[i] = mempool_alloc(sp, GFP_KERNEL);
		ke[i] = mempool_alloc(kp, GFP_KERNEL);
		pe[i] = mempool_alloc(pp, GFP_KERNEL);
		CHECK(se[i] && ke[i] && pe[i], "element %d of min_nr %d", i, min_nr);
	}
	CHECK(sp->curr_nr == 0 && sp->nr_reserve_allocs == (unsigned long)min_nr, "reserve used");
	CHECK(!mempool_alloc(sp, GFP_ATOMIC), "an empty reserve must fail (quietly: atomic)");
	printk("selftest:slab: (an empty mempool's warning follows)\n");
	CHECK(!mempool_alloc(kp, GFP_KERNEL), "an empty reserve must fail (with a warning)");
	/* Freeing refills the reserve first. */
	mempool_free(se[0], sp);
	CHECK(sp->curr_nr == 1, "free did not refill");
	se[0] = mempool_alloc(sp, GFP_KERNEL);
	CHECK(se[0], "refilled element");

	fail_page_alloc = saved_fpa;
	saved_fs.injected = failslab.injected;
	failslab = saved_fs;
	k256->flags = k256_flags;
	/* Resize: shrink gives back, grow fills from the allocator. */
	for (int i = 0; i < min_nr; i++) {
		mempool_free(se[i], sp);
		mempool_free(ke[i], kp);
		mempool_free(pe[i], pp);
	}
	CHECK(sp->curr_nr == min_nr, "all back in the reserve");
	CHECK(mempool_resize(sp, 2) == 0 && sp->curr_nr == 2 && sp->min_nr == 2, "shrink");
	CHECK(mempool_resize(sp, 8) == 0 && sp->curr_nr == 8, "grow");
	for (int i = 0; i < 8; i++)
		se[i] = mempool_alloc(sp, GFP_KERNEL);   /* from the cache: reserve untouched */
	CHECK(sp->curr_nr == 8, "allocator first: reserve %d", sp->curr_nr);
	for (int i = 0; i < 8; i++)
		mempool_free(se[i], sp);
	mempool_destroy(sp);
	mempool_destroy(kp);
	mempool_destroy(pp);
	CHECK(kmem_cache_destroy(c) == 0, "destroy (the pool gave everything back)");
	return 0;
}

static int selftest_slab(const char *arg)
{
	static const struct selftest tests[] = {
		{ "create and destroy caches", test_create_destroy },
		{ "constructors", test_ctor },
		{ "alignment for each flag", test_alignment },
		{ "on-slab and off-slab layouts", test_on_off_slab },
		{ "colouring across slabs", test_colouring },
		{ "per-CPU array caches", test_array_cache },
		{ "partial, then free, then new slabs", test_slab_order },
		{ "shrink returns pages", test_shrink },
		{ "kmalloc size classes and ksize", test_kmalloc_classes },
		{ "kmalloc large blocks", test_kmalloc_large },
		{ "krealloc grow and shrink", test_krealloc },
		{ "GFP_DMA kmalloc below 16 MiB", test_gfp_dma },
		{ "failslab attributes", test_failslab },
		{ "mempool under total failure", test_mempool },
	};

	(void)arg;
	/* dma-kmalloc caches are made on first use and stay: make the one the
	 * test uses before the snapshot. */
	kfree(kmalloc(100, GFP_DMA));
	kfree(kmalloc(3000, GFP_DMA));
	return selftest_run("selftest:slab", NULL, tests, ARRAY_SIZE(tests), 36, true, NULL);
}
DEFINE_WORKLOAD("selftest:slab", selftest_slab,
		"deterministic slab, kmalloc, mempool and failslab checks; buddyinfo must end where it began");

/* ---- stress:slab ------------------------------------------------------------- */

#define STRESS_HELD 512
#define STRESS_CACHES 4

struct held_obj {
	u8 *p;
	u32 size;     /* bytes asked for */
	u8 cache;     /* 0: kmalloc, else caches[cache - 1] */
	u8 tag;       /* pattern byte */
};

static void stamp(struct held_obj *h)
{
	/* First and last bytes: cheap, and enough to catch an overlap. */
	h->p[h->size - 1] = (u8)(0xff - h->tag);
	h->p[0] = h->tag;
}

static bool stamp_ok(const struct held_obj *h)
{
	unsigned int first = h->p[0], last = h->p[h->size - 1], tag = h->tag;

	return first == tag && (h->size == 1 || last == 0xffu - tag);
}

static u32 stress_size(struct rnd_state *rnd)
{
	u32 r = prandom_below(rnd, 100);

	if (r < 60)
		return 1 + prandom_below(rnd, 128);
	if (r < 85)
		return 1 + prandom_below(rnd, 1024);
	if (r < 98)
		return 1 + prandom_below(rnd, 8192);
	return 8193 + prandom_below(rnd, 60000);
}

static const gfp_t stress_gfp[] = {
	GFP_KERNEL, GFP_KERNEL, GFP_KERNEL, GFP_ATOMIC, GFP_KERNEL | __GFP_ZERO, GFP_DMA | GFP_KERNEL,
};

static int stress_slab(const char *arg)
{
	static struct held_obj held[STRESS_HELD];
	static const slab_flags_t cflags[] = { 0, SLAB_HWCACHE_ALIGN, SLAB_RECLAIM_ACCOUNT, 0 };
	struct kmem_cache *caches[STRESS_CACHES] = { NULL };
	unsigned long seed, ops;
	unsigned long allocs = 0, frees = 0, fails = 0, reallocs = 0, cache_ops = 0;
	unsigned int nr = 0;
	struct rnd_state rnd;

	(void)arg;
	stress_opts(&seed, &ops, &rnd);
	/* A cache that cannot be made (failslab=) is skipped, and retried
	 * by the cache operations. */
	for (int i = 0; i < STRESS_CACHES; i++)
		caches[i] = kmem_cache_create("stress", 8 + prandom_below(&rnd, 1500), 0, cflags[i], NULL);
	for (unsigned long op = 1; op <= ops; op++) {
		u32 r = prandom_below(&rnd, 100);

		if (nr < STRESS_HELD && (nr == 0 || r < 50)) {
			struct held_obj *h = &held[nr];
			gfp_t gfp = stress_gfp[prandom_below(&rnd, ARRAY_SIZE(stress_gfp))];

			h->cache = (u8)prandom_below(&rnd, STRESS_CACHES + 2);
			if (h->cache > STRESS_CACHES)
				h->cache = 0;
			if (h->cache && !caches[h->cache - 1])
				h->cache = 0;
			if (h->cache) {
				struct kmem_cache *c = caches[h->cache - 1];

				h->size = c->object_size;
				h->p = kmem_cache_alloc(c, gfp & ~__GFP_DMA);
			} else {
				h->size = stress_size(&rnd);
				h->p = kmalloc(h->size, gfp);
				if (h->p && (gfp & __GFP_DMA) && __pa(h->p) >= (16ul << 20))
					panic("stress:slab: GFP_DMA object above 16 MiB");
			}
			if (!h->p) {
				fails++;
				goto next;   /* still reach the checkpoint */
			}
			if ((gfp & __GFP_ZERO) && (h->p[0] || h->p[h->size - 1]))
				panic("stress:slab: __GFP_ZERO object %08lx not zeroed", (unsigned long)h->p);
			h->tag = (u8)prandom_u32_state(&rnd);
			stamp(h);
			nr++;
			allocs++;
		} else if (r < 90 || nr == STRESS_HELD) {
			unsigned int k = prandom_below(&rnd, nr);
			struct held_obj *h = &held[k];

			if (!stamp_ok(h))
				panic("stress:slab: object %08lx (%u bytes) was overwritten",
				      (unsigned long)h->p, h->size);
			if (h->cache)
				kmem_cache_free(caches[h->cache - 1], h->p);
			else
				kfree(h->p);
			*h = held[--nr];
			frees++;
		} else if (r < 96) {
			/* krealloc a kmalloc'ed object: the head must survive. */
			unsigned int k = prandom_below(&rnd, nr);
			struct held_obj *h = &held[k];
			u32 size = stress_size(&rnd);
			u8 *q;

			if (h->cache)
				goto next;   /* still reach the checkpoint */
			q = krealloc(h->p, size, GFP_KERNEL);
			if (!q) {
				fails++;
				goto next;   /* still reach the checkpoint */
			}
			if (q[0] != h->tag)
				panic("stress:slab: krealloc lost the contents of %08lx", (unsigned long)h->p);
			h->p = q;
			h->size = size;
			stamp(h);
			reallocs++;
		} else {
			/* Cache operations: shrink one, or replace an idle one. */
			unsigned int ci = prandom_below(&rnd, STRESS_CACHES);
			bool busy = false;

			for (unsigned int i = 0; i < nr; i++)
				busy |= held[i].cache == ci + 1;
			if (caches[ci] && (busy || r < 98)) {
				kmem_cache_shrink(caches[ci]);
			} else {
				if (kmem_cache_destroy(caches[ci]))
					panic("stress:slab: destroying an idle cache failed");
				caches[ci] = kmem_cache_create("stress", 8 + prandom_below(&rnd, 1500), 0,
							       cflags[ci], NULL);
			}
			cache_ops++;
		}
next:
		if (op % 100 == 0)
			checkpoint(op);
	}
	while (nr) {
		struct held_obj *h = &held[--nr];

		if (!stamp_ok(h))
			panic("stress:slab: object %08lx was overwritten", (unsigned long)h->p);
		if (h->cache)
			kmem_cache_free(caches[h->cache - 1], h->p);
		else
			kfree(h->p);
	}
	for (int i = 0; i < STRESS_CACHES; i++)
		if (kmem_cache_destroy(caches[i]))
			panic("stress:slab: cache not empty at the end");
	checkpoint(ops + 1);
	printk("stress:slab: seed %lu: %lu ops, %lu allocs, %lu frees, %lu kreallocs, %lu cache ops, "
	       "%lu failed (failslab injected %lu)\n", seed, ops, allocs, frees, reallocs, cache_ops,
	       fails, failslab.injected);
	return 0;
}
DEFINE_WORKLOAD("stress:slab", stress_slab,
		"random kmalloc/kfree/krealloc and cache traffic (seed=N ops=M), checkpoint every 100 ops");
