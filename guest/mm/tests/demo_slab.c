/*
 * demo:slab, part of the default run (`make run`): a short, readable tour
 * of the slab allocator on the live kernel: a cache with a constructor,
 * slabs and their colours, the per-CPU array, shrink, the kmalloc classes
 * and a mempool that keeps working when every allocation fails.
 */
#include "kernel.h"
#include "fault_inject.h"
#include "mempool.h"
#include "mm.h"
#include "slab.h"
#include "workload.h"

struct demo_inode {
	unsigned long ino;
	unsigned int state;
	char name[180];
};

static unsigned int demo_ctor_calls;

static void demo_inode_ctor(void *obj)
{
	struct demo_inode *inode = obj;

	inode->ino = 0;
	inode->state = 1;   /* "clean": what every free object looks like */
	demo_ctor_calls++;
}

static void show_kmalloc(const char *what, void *p)
{
	struct page *page = virt_to_page(p);
	struct kmem_cache *c = virt_to_cache(p);

	if (c)
		printk("  %-27s -> %-16s ksize %5lu, page pfn 0x%05lx PG_slab\n", what, c->name,
		       (unsigned long)ksize(p), page_to_pfn(page));
	else
		printk("  %-27s -> order-%u compound block from the buddy allocator, ksize %lu\n", what,
		       compound_order(page), (unsigned long)ksize(p));
}

static int demo_slab(const char *arg)
{
	struct kmem_cache *c;
	struct demo_inode *objs[40];
	const struct slab *last = NULL;
	unsigned int nslabs = 0;
	unsigned long slab_pages;

	(void)arg;
	printk("\n== demo:slab: the slab allocator (mm/slab.c, after Bonwick 1994) ==\n");
	c = kmem_cache_create("demo_inode", sizeof(struct demo_inode), 0, SLAB_HWCACHE_ALIGN,
			      demo_inode_ctor);
	if (!c)
		return 1;
	printk("kmem_cache_create(\"demo_inode\", %u, 0, SLAB_HWCACHE_ALIGN, ctor):\n"
	       "  %u-byte buffers (cache-line aligned), %u per %u-page slab, descriptor %s,\n"
	       "  %u colours of %u bytes, per-CPU array of %u objects (batchcount %u)\n",
	       c->object_size, c->size, c->num, 1u << c->gfporder,
	       (c->flags & CFLGS_OFF_SLAB) ? "off-slab (objects of 512 bytes or more)"
					   : "on-slab (objects under 512 bytes)",
	       c->colour, c->colour_off, c->limit, c->batchcount);

	slab_pages = global_slab_pages();
	printk("kmem_cache_alloc() x %u:\n", (unsigned int)ARRAY_SIZE(objs));
	for (unsigned int i = 0; i < ARRAY_SIZE(objs); i++) {
		const struct slab *s;

		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
		s = virt_to_page(objs[i])->slab;
		if (s != last) {
			printk("  object %2u: the array cache was empty: cache_grow() made slab %u at "
			       "colour offset %3u, its first object at 0x%08lx\n", i, ++nslabs,
			       s->colouroff, (unsigned long)s->s_mem);
			last = s;
		}
		objs[i]->ino = 1000 + i;
	}
	printk("  the constructor ran %u times: for every object when its slab was made, "
	       "not per allocation\n", demo_ctor_calls);
	for (unsigned int i = 0; i < ARRAY_SIZE(objs); i++)
		kmem_cache_free(c, objs[i]);
	printk("kmem_cache_free() x %u: all pushed onto the per-CPU array (%u of %u used),\n"
	       "  no slab list touched; the slabs still count them in use\n",
	       (unsigned int)ARRAY_SIZE(objs), c->cpu_cache[smp_processor_id()]->avail, c->limit);
	kmem_cache_shrink(c);
	printk("kmem_cache_shrink(): array drained, %lu slab pages back to the buddy allocator\n",
	       slab_pages + nslabs * (1ul << c->gfporder) - global_slab_pages());

	printk("kmalloc() picks a size class; kfree() finds it from struct page, no size needed:\n");
	{
		volatile size_t n100 = 100, n5000 = 5000, n100k = 100000;
		void *a = kmalloc(n100, GFP_KERNEL), *b = kmalloc(n5000, GFP_KERNEL);
		void *d = kmalloc(n100k, GFP_KERNEL), *e = kmalloc(n100, GFP_DMA);

		show_kmalloc("kmalloc(100, GFP_KERNEL)", a);
		show_kmalloc("kmalloc(5000, GFP_KERNEL)", b);
		show_kmalloc("kmalloc(100000, GFP_KERNEL)", d);
		show_kmalloc("kmalloc(100, GFP_DMA)", e);
		printk("  (the GFP_DMA object is at physical 0x%08lx, below 16 MiB)\n", __pa(e));
		kfree(a);
		kfree(b);
		kfree(d);
		kfree(e);
	}

	{
		mempool_t *pool = mempool_create_slab_pool(4, c);
		struct failslab_attr saved = failslab;
		void *el[5];
		unsigned int got = 0;

		failslab.attr.verbose = 0;
		setup_fault_attr(&failslab.attr, "1,100,0,-1");
		c->flags |= SLAB_FAILSLAB;
		for (unsigned int i = 0; i < ARRAY_SIZE(el); i++) {
			el[i] = mempool_alloc(pool, GFP_ATOMIC);
			got += el[i] != NULL;
		}
		c->flags &= ~SLAB_FAILSLAB;
		saved.injected = failslab.injected;
		failslab = saved;
		printk("mempool_create_slab_pool(4, demo_inode), then failslab fails every allocation:\n"
		       "  mempool_alloc() x 5 -> %u objects from the reserve, then NULL\n", got);
		for (unsigned int i = 0; i < ARRAY_SIZE(el); i++)
			mempool_free(el[i], pool);
		mempool_destroy(pool);
	}
	kmem_cache_destroy(c);
	printk("/proc/slabinfo:\n");
	show_slabinfo();
	return 0;
}
DEFINE_WORKLOAD("demo:slab", demo_slab, "a short tour of the slab allocator (part of the default run)");
