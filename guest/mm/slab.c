/*
 * The slab allocator proper: caches, slabs and per-CPU array caches
 * (Bonwick 1994; Linux's mm/slab.c as described in Understanding the Linux
 * Kernel, ch. 8).  kmalloc is in kmalloc.c, debugging in slab_debug.c,
 * failslab in failslab.c; guest/include/slab.h documents every field the
 * host reads.
 *
 * A cache hands out objects of one size.  It keeps them in slabs: runs of
 * 2^gfporder pages from the page allocator, each cut into `num` buffers of
 * `size` bytes, on three lists: full, partial and free.
 *
 * On-slab or off-slab descriptor (the rule): a buffer size below 512 bytes
 * (PAGE_SIZE / 8, Linux's threshold) puts the slab descriptor and its bufctl
 * array at the start of the slab, after the colour offset; 512 bytes and
 * more put them in an object of a small kmalloc cache (freelist_cache), so
 * that big objects pack the pages exactly.
 *
 * Colouring: the bytes a slab cannot use (left_over) stagger where the
 * first buffer starts, by multiples of a cache line (colour_off); slab n of
 * a cache gets colour n mod colour, so equal offsets in different slabs do
 * not all land on the same cache sets.  Each descriptor keeps its offset.
 *
 * Allocation order: the per-CPU array cache first (the fast path: one
 * array pop with interrupts off, no list and no lock), then a refill of
 * batchcount objects from partial slabs, then free slabs, then a new slab.
 * Freeing pushes onto the array; a full array first flushes its oldest
 * batchcount objects back to their slabs.  Completely free slabs beyond
 * free_limit objects go back to the page allocator at once;
 * kmem_cache_shrink() gives back all of them.
 *
 * Locking: the array cache of a CPU is touched only by that CPU with
 * interrupts disabled; node.list_lock covers the slab lists and counters.
 * One vCPU runs today, and no interrupt handler allocates, so the lock
 * only checks against recursion.
 *
 * Cost (docs/design.md §2.5): every guest instruction is emulated, so the
 * fast paths (kmem_cache_alloc/free here, kfree in kmalloc.c) are assembly
 * leaves with register arguments and one test of the cache's flags that
 * routes debugging, failslab and __GFP_ZERO to the out-of-line slow path:
 * 13 instructions each, 36 per alloc+free pair with the calls and loop of
 * bench:slab (kmalloc+kfree of a constant size: 57).  Host builds compile
 * the equivalent C in slab_internal.h.
 */
#include "kernel.h"
#include "log2.h"
#include "mm.h"
#include "slab.h"
#include "string.h"
#include "ratelimit.h"
#include "slab_internal.h"

LIST_HEAD(slab_caches);
enum slab_state slab_state;

/* The cache of caches, statically allocated for bootstrap. */
static struct kmem_cache kmem_cache_boot;
struct kmem_cache *kmem_cache = &kmem_cache_boot;

/*
 * The array caches of the caches made before kmalloc works (kmem_cache and
 * kmalloc-*) are carved from whole pages taken at boot, like Linux's
 * per-CPU area, instead of Linux's one-entry bootstrap arrays that are
 * replaced later: that re-tuning cost more guest instructions than the
 * rest of kmem_cache_init.  These pages are not slab pages (not in Slab:).
 */
static char *boot_ac_next, *boot_ac_end;
static unsigned long boot_ac_pfn[4];   /* pages used, for is_boot_array() */
static unsigned int nr_boot_ac_pages;

/* Slabs up to order 1 when there is RAM for it (Linux's slab_max_order). */
static unsigned int slab_max_order;

static DEFINE_RATELIMIT_STATE(slab_oom_rs, DEFAULT_RATELIMIT_BURST, DEFAULT_RATELIMIT_INTERVAL);

static bool is_boot_array(const struct array_cache *ac)
{
	for (unsigned int i = 0; i < nr_boot_ac_pages; i++)
		if (virt_to_pfn(ac) == boot_ac_pfn[i])
			return true;
	return false;
}

static void *boot_ac_alloc(size_t bytes)
{
	void *p;

	bytes = ALIGN(bytes, sizeof(void *));
	if (!boot_ac_next || boot_ac_next + bytes > boot_ac_end) {
		char *page = (char *)__get_free_page(GFP_NOWAIT);

		if (!page || nr_boot_ac_pages == ARRAY_SIZE(boot_ac_pfn))
			panic("kmem_cache_init: no memory for the boot array caches");
		boot_ac_pfn[nr_boot_ac_pages++] = virt_to_pfn(page);
		boot_ac_next = page;
		boot_ac_end = page + PAGE_SIZE;
	}
	p = boot_ac_next;
	boot_ac_next += bytes;
	return p;
}

/* ---- Geometry ---------------------------------------------------------- */

static unsigned int slab_mgmt_size(unsigned int num, unsigned int align)
{
	return ALIGN((unsigned int)(sizeof(struct slab) + num * sizeof(kmem_bufctl_t)), align);
}

/* How many buffers fit in a slab of this order, and what is left over. */
static void cache_estimate(unsigned int order, unsigned int size, unsigned int align,
			   bool off_slab, unsigned int *num, unsigned int *left_over)
{
	unsigned long slab_bytes = PAGE_SIZE << order;
	unsigned long n, mgmt = 0;

	if (off_slab) {
		n = slab_bytes / size;
	} else {
		n = (slab_bytes - sizeof(struct slab)) / (size + sizeof(kmem_bufctl_t));
		while (n && slab_mgmt_size(n, align) + n * size > slab_bytes)
			n--;
	}
	if (n > SLAB_OBJ_MAX_NUM)
		n = SLAB_OBJ_MAX_NUM;
	if (!off_slab)
		mgmt = n ? slab_mgmt_size(n, align) : 0;
	*num = (unsigned int)n;
	*left_over = (unsigned int)(slab_bytes - n * size - mgmt);
}

/* Linux's calculate_slab_order: the smallest order that holds an object,
 * grown while more than 1/8 of the slab would be wasted (up to
 * slab_max_order).  Returns the left-over bytes, or -1. */
static long calculate_slab_order(struct kmem_cache *cachep, unsigned int size,
				 unsigned int align, slab_flags_t flags)
{
	long left_over = -1;

	for (unsigned int order = 0; order <= KMALLOC_MAX_ORDER; order++) {
		unsigned int num, remainder;

		cache_estimate(order, size, align, flags & CFLGS_OFF_SLAB, &num, &remainder);
		if (!num)
			continue;
		if (flags & CFLGS_OFF_SLAB) {
			size_t fl = sizeof(struct slab) + num * sizeof(kmem_bufctl_t);
			struct kmem_cache *fc = kmalloc_slab(fl, 0);

			/* The descriptor's cache must be on-slab (no recursion)
			 * and not cost more than half an object. */
			if (!fc || (fc->flags & CFLGS_OFF_SLAB) || fc->size > size / 2) {
				if (left_over >= 0)
					break;
				continue;
			}
			cachep->freelist_cache = fc;
		}
		cachep->num = num;
		cachep->gfporder = order;
		left_over = remainder;
		if (flags & SLAB_RECLAIM_ACCOUNT)
			break;
		if (order >= slab_max_order)
			break;
		if ((unsigned long)remainder * 8 <= (PAGE_SIZE << order))
			break;
	}
	return left_over;
}

/* ---- Array caches -------------------------------------------------------- */

static struct array_cache *alloc_arraycache(unsigned int limit, unsigned int batch, gfp_t gfp)
{
	size_t bytes = sizeof(struct array_cache) + limit * sizeof(void *);
	struct array_cache *ac;

	if (slab_state < UP) {
		ac = boot_ac_alloc(bytes);
	} else {
		ac = kmalloc(bytes, gfp);
		if (!ac)
			return NULL;
	}
	ac->avail = 0;
	ac->limit = limit;
	ac->batchcount = batch;
	ac->touched = 0;
	return ac;
}

static void free_block(struct kmem_cache *cachep, void **objpp, unsigned int nr,
		       struct list_head *to_destroy);
static void slabs_destroy(struct kmem_cache *cachep, struct list_head *list);

static void set_free_limit(struct kmem_cache *cachep)
{
	/* (1 + online CPUs) * batchcount + num, as Linux. */
	cachep->node.free_limit = 2 * cachep->batchcount + cachep->num;
}

/* Install new per-CPU arrays and drain the old ones into their slabs. */
static int do_tune_cpucache(struct kmem_cache *cachep, unsigned int limit,
			    unsigned int batchcount, gfp_t gfp)
{
	struct array_cache *new = alloc_arraycache(limit, batchcount, gfp), *old;
	LIST_HEAD(to_destroy);
	unsigned long flags;

	if (!new)
		return -ENOMEM;
	local_irq_save(flags);
	old = cachep->cpu_cache[smp_processor_id()];
	cachep->cpu_cache[smp_processor_id()] = new;
	cachep->limit = new->limit;
	cachep->batchcount = new->batchcount;
	set_free_limit(cachep);
	if (old) {
		spin_lock(&cachep->node.list_lock);
		free_block(cachep, old->entry, old->avail, &to_destroy);
		spin_unlock(&cachep->node.list_lock);
		old->avail = 0;
	}
	local_irq_restore(flags);
	slabs_destroy(cachep, &to_destroy);
	if (old && !is_boot_array(old))
		kfree(old);
	return 0;
}

/* Linux's enable_cpucache sizes: fewer big objects per CPU. */
static int enable_cpucache(struct kmem_cache *cachep, gfp_t gfp)
{
	unsigned int limit;

	if (cachep->size > 131072)
		limit = 1;
	else if (cachep->size > PAGE_SIZE)
		limit = 8;
	else if (cachep->size > 1024)
		limit = 24;
	else if (cachep->size > 256)
		limit = 54;
	else
		limit = 120;
	return do_tune_cpucache(cachep, limit, (limit + 1) / 2, gfp);
}

int kmem_cache_tune(struct kmem_cache *cachep, unsigned int limit, unsigned int batchcount)
{
	if (!cachep || slab_state < UP || !limit || !batchcount || batchcount > limit ||
	    limit > 4096)
		return -EINVAL;
	return do_tune_cpucache(cachep, limit, batchcount, GFP_KERNEL);
}

/* ---- Creating caches --------------------------------------------------- */

int __kmem_cache_create(struct kmem_cache *cachep, const char *name, unsigned int size,
			unsigned int align, slab_flags_t flags, void (*ctor)(void *))
{
	unsigned int ralign = ARCH_SLAB_MINALIGN, bufsize, obj_offset = 0;
	long left_over;

	flags |= slab_debug_flags(name);
	if (failslab_mark_all && !slab_debug_mentions_failslab() && cachep != kmem_cache)
		flags |= SLAB_FAILSLAB;
	flags &= ~(CFLGS_OFF_SLAB);

	/* Alignment: cache lines as a hint (halved for small objects, as
	 * Linux), the caller's align as a requirement.  Red zones and user
	 * words come first: they would not fit a cache line layout. */
	if ((flags & SLAB_HWCACHE_ALIGN) && !(flags & (SLAB_RED_ZONE | SLAB_STORE_USER))) {
		unsigned int r = cache_line_size();

		while (size <= r / 2)
			r /= 2;
		ralign = max(ralign, r);
	}
	if (align > ralign)
		ralign = roundup_pow_of_two(align);

	/* Buffer layout (slab.h). */
	if (flags & SLAB_RED_ZONE) {
		obj_offset = ALIGN(REDZONE_SIZE, ralign);
		bufsize = obj_offset + ALIGN(size, REDZONE_ALIGN) + REDZONE_SIZE;
	} else {
		bufsize = size;
	}
	if (flags & SLAB_STORE_USER)
		bufsize = ALIGN(bufsize, (unsigned int)sizeof(long)) + 2 * sizeof(long);
	bufsize = ALIGN(bufsize, ralign);

	*cachep = (struct kmem_cache){
		.name = name,
		.object_size = size,
		.size = bufsize,
		.align = ralign,
		.obj_offset = obj_offset,
		.ctor = ctor,
		.reciprocal_buffer_size = 0xffffffffu / bufsize + 1,
	};
	if (bufsize >= (PAGE_SIZE >> 3))
		flags |= CFLGS_OFF_SLAB;
	left_over = calculate_slab_order(cachep, bufsize, ralign, flags);
	if (left_over < 0)
		return -EINVAL;
	cachep->flags = flags;
	cachep->colour_off = max((unsigned int)cache_line_size(), ralign);
	cachep->colour = (unsigned int)left_over / cachep->colour_off;
	if (flags & CFLGS_OFF_SLAB)
		cachep->slab_size = (unsigned int)(sizeof(struct slab) +
						   cachep->num * sizeof(kmem_bufctl_t));
	else
		cachep->slab_size = slab_mgmt_size(cachep->num, ralign);
	cachep->allocflags = (flags & SLAB_CACHE_DMA) ? GFP_DMA : 0;

	spin_lock_init(&cachep->node.list_lock);
	INIT_LIST_HEAD(&cachep->node.slabs_partial);
	INIT_LIST_HEAD(&cachep->node.slabs_full);
	INIT_LIST_HEAD(&cachep->node.slabs_free);

	if (enable_cpucache(cachep, slab_state < UP ? GFP_NOWAIT : GFP_KERNEL))
		return -ENOMEM;
	list_add(&cachep->list, &slab_caches);
	return 0;
}

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size, unsigned int align,
				     slab_flags_t flags, void (*ctor)(void *))
{
	struct kmem_cache *cachep = NULL;
	int err = -EINVAL;

	flags &= ~(CFLGS_KMALLOC | CFLGS_OFF_SLAB);
	if (!name || !size || size > KMALLOC_MAX_SIZE || slab_state < UP ||
	    (align & (align - 1))) {
		WARN_ON(slab_state == UP);
		goto out;
	}
	cachep = kmem_cache_zalloc(kmem_cache, GFP_KERNEL);
	err = -ENOMEM;
	if (!cachep)
		goto out;
	err = __kmem_cache_create(cachep, name, size, align, flags, ctor);
	if (err) {
		kmem_cache_free(kmem_cache, cachep);
		cachep = NULL;
	}
out:
	if (!cachep) {
		if (flags & SLAB_PANIC)
			panic("kmem_cache_create: Failed to create slab '%s'. Error %d",
			      name ? name : "(null)", err);
		printk("kmem_cache_create(%s) failed with error %d\n", name ? name : "(null)", err);
	}
	return cachep;
}

/* ---- Slabs ------------------------------------------------------------- */

static void cache_init_objs(struct kmem_cache *cachep, struct slab *slabp)
{
	kmem_bufctl_t *bufctl = slab_bufctl(slabp);
	unsigned int num = cachep->num;

	for (unsigned int i = 0; i < num; i++) {
		if (unlikely(cachep->flags & SLAB_DEBUG_FLAGS))
			slab_debug_init_obj(cachep, index_to_obj(cachep, slabp, i));
		/* With poisoning the constructor runs at each allocation. */
		if (cachep->ctor && !(cachep->flags & SLAB_POISON))
			cachep->ctor((char *)index_to_obj(cachep, slabp, i) + cachep->obj_offset);
		bufctl[i] = (kmem_bufctl_t)(i + 1);
	}
	bufctl[num - 1] = BUFCTL_END;
	slabp->free = 0;
}

static void slab_out_of_memory(struct kmem_cache *cachep, gfp_t gfp)
{
	if ((gfp & __GFP_NOWARN) || !__ratelimit(&slab_oom_rs))
		return;
	printk("SLAB: Unable to allocate memory, gfp=0x%x\n"
	       "  cache: %s, object size: %u, buffer size: %u, order: %u\n"
	       "  slabs: %lu/%lu, objs: %lu/%lu, free: %lu\n",
	       gfp, cachep->name, cachep->object_size, cachep->size, cachep->gfporder,
	       cachep->node.total_slabs - cachep->node.free_slabs, cachep->node.total_slabs,
	       cachep->node.total_slabs * cachep->num - cachep->node.free_objects,
	       cachep->node.total_slabs * cachep->num, cachep->node.free_objects);
}

static enum zone_stat_item slab_stat_item(const struct kmem_cache *cachep)
{
	return (cachep->flags & SLAB_RECLAIM_ACCOUNT) ? NR_SLAB_RECLAIMABLE : NR_SLAB_UNRECLAIMABLE;
}

/*
 * Add a free slab to the cache (Linux's cache_grow).  Called with
 * interrupts off and list_lock not held.  Returns false if there was no
 * memory for the pages or the off-slab descriptor.
 */
static noinline bool cache_grow(struct kmem_cache *cachep, gfp_t flags)
{
	struct kmem_cache_node *n = &cachep->node;
	unsigned int nr_pages = 1u << cachep->gfporder, offset;
	gfp_t gfp = (flags & ~(GFP_ZONEMASK | __GFP_ZERO | __GFP_COMP)) | cachep->allocflags;
	struct page *page;
	struct slab *slabp;
	char *addr;

	page = alloc_pages(gfp, cachep->gfporder);
	if (!page) {
		slab_out_of_memory(cachep, gfp);
		return false;
	}
	addr = lowmem_page_address(page);

	spin_lock(&n->list_lock);
	offset = n->colour_next * cachep->colour_off;
	if (++n->colour_next >= cachep->colour)
		n->colour_next = 0;
	spin_unlock(&n->list_lock);

	if (cachep->flags & CFLGS_OFF_SLAB) {
		slabp = kmem_cache_alloc(cachep->freelist_cache, gfp & ~__GFP_DMA);
		if (!slabp) {
			slab_out_of_memory(cachep, gfp);
			__free_pages(page, cachep->gfporder);
			return false;
		}
		slabp->s_mem = addr + offset;
	} else {
		slabp = (struct slab *)(addr + offset);
		slabp->s_mem = addr + offset + cachep->slab_size;
	}
	slabp->colouroff = offset;
	slabp->inuse = 0;
	slabp->pad = 0;

	for (unsigned int i = 0; i < nr_pages; i++) {
		__SetPageSlab(page + i);
		page[i].slab_cache = cachep;
		page[i].slab = slabp;
	}
	mod_zone_page_state(page_zone(page), slab_stat_item(cachep), nr_pages);

	cache_init_objs(cachep, slabp);

	spin_lock(&n->list_lock);
	list_add_tail(&slabp->list, &n->slabs_free);
	n->total_slabs++;
	n->free_slabs++;
	n->free_objects += cachep->num;
	spin_unlock(&n->list_lock);
	return true;
}

/* Give a slab that is off every list back to the page allocator. */
static void slab_destroy(struct kmem_cache *cachep, struct slab *slabp)
{
	unsigned int nr_pages = 1u << cachep->gfporder;
	struct page *page = virt_to_page(slab_page_addr(cachep, slabp));

	if (unlikely(cachep->flags & (SLAB_RED_ZONE | SLAB_POISON)))
		slab_destroy_debugcheck(cachep, slabp);
	for (unsigned int i = 0; i < nr_pages; i++) {
		__ClearPageSlab(page + i);
		page[i].slab_cache = NULL;
		page[i].slab = NULL;
	}
	mod_zone_page_state(page_zone(page), slab_stat_item(cachep), -(long)nr_pages);
	__free_pages(page, cachep->gfporder);
	if (cachep->flags & CFLGS_OFF_SLAB)
		kmem_cache_free(cachep->freelist_cache, slabp);
}

static void slabs_destroy(struct kmem_cache *cachep, struct list_head *list)
{
	while (!list_empty(list)) {
		struct slab *slabp = list_first_entry(list, struct slab, list);

		list_del(&slabp->list);
		slab_destroy(cachep, slabp);
	}
}

/* ---- Objects in and out of slabs (list_lock held) ----------------------- */

static inline void *slab_get_obj(struct kmem_cache *cachep, struct slab *slabp)
{
	unsigned int idx = slabp->free;
	void *objp = index_to_obj(cachep, slabp, idx);

	slabp->free = slabp->bufctl[idx];
	slabp->bufctl[idx] = BUFCTL_ACTIVE;
	slabp->inuse++;
	return objp;
}

/* The first slab with free objects: partial ones first, then free ones. */
static struct slab *get_first_slab(struct kmem_cache_node *n)
{
	struct slab *slabp;

	if (!list_empty(&n->slabs_partial))
		return list_first_entry(&n->slabs_partial, struct slab, list);
	if (list_empty(&n->slabs_free))
		return NULL;
	slabp = list_first_entry(&n->slabs_free, struct slab, list);
	n->free_slabs--;
	return slabp;
}

/*
 * Free nr buffers into their slabs.  Each pointer is checked to be a buffer
 * of this cache that is in use, so a foreign pointer or a double free that
 * got past the array cache is reported here rather than corrupting the
 * free chain.  Slabs that become free beyond free_limit are moved to
 * to_destroy for the caller to destroy once the lock is dropped.
 */
static void free_block(struct kmem_cache *cachep, void **objpp, unsigned int nr,
		       struct list_head *to_destroy)
{
	struct kmem_cache_node *n = &cachep->node;

	lockdep_assert_held(&n->list_lock);
	for (unsigned int i = 0; i < nr; i++) {
		void *objp = objpp[i];
		unsigned long pfn = virt_to_pfn(objp);
		struct page *page;
		struct slab *slabp;
		unsigned int idx;

		if (unlikely(pfn >= max_low_pfn || !virt_addr_valid(objp)))
			slab_bad_free(cachep, objp, 0, "not a direct-mapped kernel address");
		page = pfn_to_page(pfn);
		if (unlikely(!PageSlab(page) || page->slab_cache != cachep))
			slab_bad_free(cachep, objp, 0, "not in a slab of this cache");
		slabp = page->slab;
		idx = obj_to_index_checked(cachep, slabp, objp);
		if (unlikely(idx == ~0u))
			slab_bad_free(cachep, objp, 0, "not the start of an object");
		if (unlikely(slabp->bufctl[idx] != BUFCTL_ACTIVE))
			slab_double_free(cachep, slabp, objp, "returning it to its slab");

		list_del(&slabp->list);
		slabp->bufctl[idx] = slabp->free;
		slabp->free = (kmem_bufctl_t)idx;
		slabp->inuse--;
		n->free_objects++;
		if (slabp->inuse == 0) {
			if (n->free_objects > n->free_limit) {
				n->free_objects -= cachep->num;
				n->total_slabs--;
				list_add(&slabp->list, to_destroy);
			} else {
				list_add(&slabp->list, &n->slabs_free);
				n->free_slabs++;
			}
		} else {
			/* Partial slabs are refilled from the head: recently
			 * freed-into slabs go to the tail, as in Linux. */
			list_add_tail(&slabp->list, &n->slabs_partial);
		}
	}
}

/* Refill the (empty) array cache; interrupts off.  Returns an object, or
 * NULL when no slab has one and no new slab could be made. */
static noinline void *cache_alloc_refill(struct kmem_cache *cachep, gfp_t flags)
{
	struct kmem_cache_node *n = &cachep->node;
	struct array_cache *ac;

	check_irq_off();
	/* Linux's: only an empty array cache is refilled. */
	MM_BUG_ON(cpu_cache_get(cachep)->avail > 0);
	for (;;) {
		unsigned int batchcount;

		ac = cpu_cache_get(cachep);
		batchcount = ac->batchcount;
		spin_lock(&n->list_lock);
		while (batchcount > 0) {
			struct slab *slabp = get_first_slab(n);

			if (!slabp)
				break;
			if (unlikely(cachep->flags & SLAB_CONSISTENCY_CHECKS))
				check_slabp(cachep, slabp);
			/* A partial or free slab has a free object (Linux's
			 * BUG_ON(slab->active >= cachep->num)). */
			MM_BUG_ON(slabp->inuse >= cachep->num);
			while (slabp->inuse < cachep->num && batchcount) {
				ac->entry[ac->avail++] = slab_get_obj(cachep, slabp);
				batchcount--;
			}
			list_del(&slabp->list);
			if (slabp->free == BUFCTL_END)
				list_add(&slabp->list, &n->slabs_full);
			else
				list_add(&slabp->list, &n->slabs_partial);
		}
		n->free_objects -= ac->avail;
		spin_unlock(&n->list_lock);
		if (ac->avail)
			break;
		if (!cache_grow(cachep, flags)) {
			ac = cpu_cache_get(cachep);
			if (!ac->avail)
				return NULL;
			break;
		}
	}
	ac->touched = 1;
	return ac->entry[--ac->avail];
}

/* Make room in a full array cache: its oldest batchcount objects go back
 * to their slabs.  Interrupts off. */
static noinline void cache_flusharray(struct kmem_cache *cachep, struct array_cache *ac)
{
	unsigned int batchcount = min(ac->batchcount, ac->avail);
	LIST_HEAD(to_destroy);

	spin_lock(&cachep->node.list_lock);
	free_block(cachep, ac->entry, batchcount, &to_destroy);
	spin_unlock(&cachep->node.list_lock);
	ac->avail -= batchcount;
	memmove(ac->entry, &ac->entry[batchcount], sizeof(void *) * ac->avail);
	ac->touched = 0;
	slabs_destroy(cachep, &to_destroy);
}

/* ---- Allocation and freeing ----------------------------------------------- */

#if defined(__GUEST__)
/*
 * The guest's fast paths (see slab_internal.h for why assembly, and for the
 * C they implement).  CPU 0's array cache and scratch word are hard-wired:
 * one vCPU runs.  Arguments in %eax and %edx (regparm); the slow paths get
 * the caller's return address, still at (%esp), in %ecx.
 *
 * kmem_cache_alloc(cachep, flags), 13 instructions on the fast path:
 *   debugging or failslab, or __GFP_ZERO: slow path
 *   pushf; cli: save and disable interrupts
 *   ac = cachep->cpu_cache[0]; if (ac->avail-- == 0) undo, slow path
 *   return ac->entry[ac->avail], restoring the interrupt flag with popf
 * kmem_cache_free(cachep, objp), 13 instructions: the same with a push,
 *   cachep parked in slab_fast_cache while %eax holds the index.
 */

/* kmem_cache_free's cachep while %eax is busy; interrupts are off. */
struct kmem_cache *slab_fast_cache[NR_CPUS];

__asm__(
"	.text\n"
"	.globl	kmem_cache_alloc\n"
"	.type	kmem_cache_alloc, @function\n"
"	.p2align 4\n"
"kmem_cache_alloc:\n"
"	testl	$" S(SLOWPATH_ASM) ", " S(KMC_FLAGS_OFF) "(%eax)\n"
"	jnz	2f\n"
"	testl	$" S(GFP_ZERO_ASM) ", %edx\n"
"	jnz	2f\n"
"	pushfl\n"
"	cli\n"
"	movl	" S(KMC_CPU_CACHE_OFF) "(%eax), %ecx\n"
"	subl	$1, " S(AC_AVAIL_OFF) "(%ecx)\n"
"	jc	1f\n"
"	movl	" S(AC_AVAIL_OFF) "(%ecx), %eax\n"
"	movl	" S(AC_ENTRY_OFF) "(%ecx,%eax,4), %eax\n"
"	popfl\n"
"	ret\n"
"1:	addl	$1, " S(AC_AVAIL_OFF) "(%ecx)\n"
"	popfl\n"
"2:	movl	(%esp), %ecx\n"
"	jmp	slab_alloc_slow\n"
"	.size	kmem_cache_alloc, .-kmem_cache_alloc\n"
"\n"
"	.globl	kmem_cache_free\n"
"	.type	kmem_cache_free, @function\n"
"	.p2align 4\n"
"kmem_cache_free:\n"
"	testl	$" S(SLOWPATH_ASM) ", " S(KMC_FLAGS_OFF) "(%eax)\n"
"	jnz	2f\n"
"	pushfl\n"
"	cli\n"
"	movl	" S(KMC_CPU_CACHE_OFF) "(%eax), %ecx\n"
"	movl	%eax, slab_fast_cache\n"
"	movl	" S(AC_AVAIL_OFF) "(%ecx), %eax\n"
"	cmpl	" S(AC_LIMIT_OFF) "(%ecx), %eax\n"
"	jae	1f\n"
"	movl	%edx, " S(AC_ENTRY_OFF) "(%ecx,%eax,4)\n"
"	incl	" S(AC_AVAIL_OFF) "(%ecx)\n"
"	popfl\n"
"	ret\n"
"1:	movl	slab_fast_cache, %eax\n"
"	popfl\n"
"2:	movl	(%esp), %ecx\n"
"	jmp	slab_free_slow\n"
"	.size	kmem_cache_free, .-kmem_cache_free\n"
);
#else
__slabcall void *kmem_cache_alloc(struct kmem_cache *cachep, gfp_t flags)
{
	return slab_alloc_fast(cachep, flags, _RET_IP_);
}

__slabcall void kmem_cache_free(struct kmem_cache *cachep, void *objp)
{
	slab_free_fast(cachep, objp, _RET_IP_);
}
#endif

/* Everything the fast path does not: failslab, refills, debugging,
 * __GFP_ZERO. */
__slabcall noinline void *slab_alloc_slow(struct kmem_cache *cachep, gfp_t flags,
					  unsigned long caller)
{
	struct array_cache *ac;
	unsigned long irqflags;
	void *objp;

	if (unlikely(cachep->flags & SLAB_FAILSLAB) && should_failslab(cachep, flags))
		return NULL;
	local_irq_save(irqflags);
	ac = cpu_cache_get(cachep);
	if (likely(ac->avail)) {
		ac->touched = 1;
		objp = ac->entry[--ac->avail];
	} else {
		objp = cache_alloc_refill(cachep, flags);
	}
	local_irq_restore(irqflags);
	if (unlikely(!objp))
		return NULL;
	if (unlikely(cachep->flags & SLAB_DEBUG_FLAGS))
		objp = cache_alloc_debugcheck_after(cachep, objp, caller);
	if (unlikely(flags & __GFP_ZERO))
		memset(objp, 0, cachep->object_size);
	return objp;
}

__slabcall noinline void slab_free_slow(struct kmem_cache *cachep, void *objp,
					unsigned long caller)
{
	struct array_cache *ac;
	unsigned long irqflags;

	if (unlikely(cachep->flags & SLAB_DEBUG_FLAGS))
		objp = cache_free_debugcheck(cachep, objp, caller);
	local_irq_save(irqflags);
	ac = cpu_cache_get(cachep);
	if (ac->avail >= ac->limit)
		cache_flusharray(cachep, ac);
	ac->entry[ac->avail++] = objp;
	local_irq_restore(irqflags);
}

struct kmem_cache *kmem_cache_find(const char *name)
{
	struct kmem_cache *cachep;

	list_for_each_entry(cachep, &slab_caches, list)
		if (!strcmp(cachep->name, name))
			return cachep;
	return NULL;
}

struct kmem_cache *virt_to_cache(const void *obj)
{
	struct page *page;

	if (!virt_addr_valid(obj))
		return NULL;
	page = virt_to_page(obj);
	return PageSlab(page) ? page->slab_cache : NULL;
}

/* ---- Shrinking and destroying ---------------------------------------------- */

static void drain_cpu_caches(struct kmem_cache *cachep)
{
	LIST_HEAD(to_destroy);
	unsigned long flags;

	local_irq_save(flags);
	spin_lock(&cachep->node.list_lock);
	for (int cpu = 0; cpu < NR_CPUS; cpu++) {
		struct array_cache *ac = cachep->cpu_cache[cpu];

		if (!ac)
			continue;
		free_block(cachep, ac->entry, ac->avail, &to_destroy);
		ac->avail = 0;
	}
	spin_unlock(&cachep->node.list_lock);
	local_irq_restore(flags);
	slabs_destroy(cachep, &to_destroy);
}

/* Destroy every free slab; returns how many. */
static unsigned long drain_freelist(struct kmem_cache *cachep)
{
	struct kmem_cache_node *n = &cachep->node;
	unsigned long nr = 0, flags;
	LIST_HEAD(to_destroy);

	local_irq_save(flags);
	spin_lock(&n->list_lock);
	while (!list_empty(&n->slabs_free)) {
		struct slab *slabp = list_first_entry(&n->slabs_free, struct slab, list);

		list_move(&slabp->list, &to_destroy);
		n->free_slabs--;
		n->total_slabs--;
		n->free_objects -= cachep->num;
		nr++;
	}
	spin_unlock(&n->list_lock);
	local_irq_restore(flags);
	slabs_destroy(cachep, &to_destroy);
	return nr;
}

int kmem_cache_shrink(struct kmem_cache *cachep)
{
	drain_cpu_caches(cachep);
	drain_freelist(cachep);
	return cachep->node.total_slabs ? 1 : 0;
}

unsigned long kmem_cache_active_objs(const struct kmem_cache *cachep)
{
	return cachep->node.total_slabs * cachep->num - cachep->node.free_objects;
}

int kmem_cache_destroy(struct kmem_cache *cachep)
{
	if (!cachep)
		return 0;
	if (cachep == kmem_cache || (cachep->flags & CFLGS_KMALLOC)) {
		printk("kmem_cache_destroy %s: refusing to destroy a boot cache\n", cachep->name);
		WARN_ON(1);
		return -EINVAL;
	}
	if (kmem_cache_shrink(cachep)) {
		printk("kmem_cache_destroy %s: Slab cache still has objects: %lu in use, "
		       "in %lu slab(s); not destroyed\n", cachep->name,
		       kmem_cache_active_objs(cachep), cachep->node.total_slabs);
		WARN_ON(1);
		return -EBUSY;
	}
	list_del(&cachep->list);
	for (int cpu = 0; cpu < NR_CPUS; cpu++)
		if (cachep->cpu_cache[cpu] && !is_boot_array(cachep->cpu_cache[cpu]))
			kfree(cachep->cpu_cache[cpu]);
	kmem_cache_free(kmem_cache, cachep);
	return 0;
}

/* ---- Reports ------------------------------------------------------------ */

void show_slabinfo(void)
{
	struct kmem_cache *cachep;

	printk("slabinfo - version: 2.1\n");
	printk("# name            <active_objs> <num_objs> <objsize> <objperslab> "
	       "<pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : "
	       "slabdata <active_slabs> <num_slabs> <sharedavail>\n");
	list_for_each_entry(cachep, &slab_caches, list) {
		const struct kmem_cache_node *n = &cachep->node;
		unsigned long num_objs = n->total_slabs * cachep->num;

		printk("%-17s %6lu %6lu %6u %4u %4d : tunables %4u %4u %4u : slabdata %6lu %6lu %6lu\n",
		       cachep->name, num_objs - n->free_objects, num_objs, cachep->size,
		       cachep->num, 1 << cachep->gfporder, cachep->limit, cachep->batchcount,
		       cachep->shared, n->total_slabs - n->free_slabs, n->total_slabs, 0ul);
	}
}

unsigned long global_slab_pages(void)
{
	return global_zone_page_state(NR_SLAB_RECLAIMABLE) +
	       global_zone_page_state(NR_SLAB_UNRECLAIMABLE);
}

/* ---- Bootstrap -------------------------------------------------------------- */

void kmem_cache_init(void)
{
	slab_max_order = totalram_pages > (32ul << (20 - PAGE_SHIFT)) ? 1 : 0;
	slab_state = PARTIAL;
	if (__kmem_cache_create(kmem_cache, "kmem_cache", sizeof(struct kmem_cache), 0,
				SLAB_HWCACHE_ALIGN, NULL))
		panic("kmem_cache_init: cannot create the cache of caches");
	create_kmalloc_caches(SLAB_HWCACHE_ALIGN);
	slab_state = UP;
}
