/*
 * Workloads that break the slab allocator's rules on purpose, so tests can
 * check that each is caught with the right report (exit status 80):
 *   crash:slab_redzone     write one byte past a kmalloc(64) object, free
 *                          it: "BUG kmalloc-64: Redzone overwritten"
 *                          (needs red zones: slab_debug=Z or FZPU)
 *   crash:slab_double_free kfree the same kmalloc(64) object twice:
 *                          "BUG kmalloc-64: Object already free" (at once
 *                          with slab_debug=Z or F; without debugging when
 *                          the array cache is flushed, which it forces)
 *   crash:slab_poison      write to a freed kmalloc(64) object, allocate
 *                          it again: "Poison overwritten" (slab_debug=P)
 *   crash:kfree_bad[:interior|:page]  kfree a pointer kmalloc never
 *                          returned: a kernel static (default), the middle
 *                          of an object, or a page from alloc_pages
 */
#include "kernel.h"
#include "mm.h"
#include "slab.h"
#include "string.h"
#include "workload.h"

static struct kmem_cache *kmalloc64(void)
{
	return kmalloc_caches[KMALLOC_NORMAL][kmalloc_index(64)];
}

static int crash_slab_redzone(const char *arg)
{
	volatile u8 *p;

	(void)arg;
	if (!(kmalloc64()->flags & SLAB_RED_ZONE)) {
		printk("crash:slab_redzone needs red zones on kmalloc-64: boot with slab_debug=Z\n");
		return 1;
	}
	p = kmalloc(64, GFP_KERNEL);
	printk("crash:slab_redzone: writing byte 64 of a 64-byte object at %08lx\n", (unsigned long)p);
	p[64] = 0x41;
	kfree((void *)p);
	printk("crash:slab_redzone: the overwrite went unnoticed\n");
	return 1;
}
DEFINE_WORKLOAD("crash:slab_redzone", crash_slab_redzone,
		"write past a kmalloc(64) object (needs slab_debug=Z): red zone report, panic");

static int crash_slab_double_free(const char *arg)
{
	void *p = kmalloc(64, GFP_KERNEL);

	(void)arg;
	printk("crash:slab_double_free: freeing %08lx twice\n", (unsigned long)p);
	kfree(p);
	kfree(p);
	/* Without debugging the second free only lands in the per-CPU array:
	 * flushing it back to the slab finds the object already free. */
	kmem_cache_shrink(kmalloc64());
	printk("crash:slab_double_free: the double free went unnoticed\n");
	return 1;
}
DEFINE_WORKLOAD("crash:slab_double_free", crash_slab_double_free,
		"kfree a kmalloc(64) object twice: double free report, panic");

static int crash_slab_poison(const char *arg)
{
	volatile u8 *p;

	(void)arg;
	if (!(kmalloc64()->flags & SLAB_POISON)) {
		printk("crash:slab_poison needs poisoning on kmalloc-64: boot with slab_debug=P\n");
		return 1;
	}
	p = kmalloc(64, GFP_KERNEL);
	kfree((void *)p);
	p[10] = 0x42;          /* use after free */
	kmalloc(64, GFP_KERNEL);   /* the array hands the same object back */
	printk("crash:slab_poison: the write after free went unnoticed\n");
	return 1;
}
DEFINE_WORKLOAD("crash:slab_poison", crash_slab_poison,
		"write to a freed kmalloc(64) object (needs slab_debug=P): poison report, panic");

static int kfree_bad_static;

static int crash_kfree_bad(const char *arg)
{
	(void)arg;
	if (arg && !strcmp(arg, "interior")) {
		u8 *p = kmalloc(64, GFP_KERNEL);

		printk("crash:kfree_bad: kfree(%08lx + 8), inside a kmalloc-64 object\n",
		       (unsigned long)p);
		kfree(p + 8);
	} else if (arg && !strcmp(arg, "page")) {
		void *p = (void *)__get_free_page(GFP_KERNEL);

		printk("crash:kfree_bad: kfree(%08lx), a page from the page allocator\n",
		       (unsigned long)p);
		kfree(p);
	} else {
		printk("crash:kfree_bad: kfree(%08lx), a kernel static variable\n",
		       (unsigned long)&kfree_bad_static);
		kfree(&kfree_bad_static);
	}
	printk("crash:kfree_bad: the bad kfree went unnoticed\n");
	return 1;
}
DEFINE_WORKLOAD("crash:kfree_bad", crash_kfree_bad,
		"kfree a pointer kmalloc never returned (arg: interior, page; default a static): panic");
