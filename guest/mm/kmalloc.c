/*
 * The kmalloc family (Linux's mm/slab_common.c and the kmalloc parts of
 * mm/slab.c): general caches by size class, large blocks straight from the
 * page allocator, and kfree/ksize/krealloc that find everything from the
 * pointer alone.
 *
 * Size classes: kmalloc-8 ... kmalloc-8192 (powers of two) and kmalloc-96
 * and kmalloc-192, as in Linux; the minimum class is 8 bytes, so
 * ksize(kmalloc(1)) == 8 (Linux's SLAB starts at 32; 8 keeps the smallest
 * objects from wasting three quarters of their buffers).  The caches are created with SLAB_HWCACHE_ALIGN, so with
 * their cache-line alignment kmalloc-96's buffers are 128 bytes apart, as
 * on Linux SLAB; ksize() still reports the class size, 96.
 *
 * Above 8 KiB (KMALLOC_MAX_CACHE_SIZE) a request is a compound block of
 * the page allocator, up to KMALLOC_MAX_SIZE = 4 MiB (order 10); its first
 * tail carries COMPOUND_KMALLOC_DTOR so that kfree() can tell it from a
 * compound page somebody else allocated.  These blocks are not slab pages
 * and are not counted in Slab:.
 *
 * GFP_DMA requests use dma-kmalloc-* caches, whose slabs come from
 * ZONE_DMA; each is created on its first use.
 *
 * kfree() validates the pointer before it touches any list: it must be a
 * direct-mapped address, in a slab page, at the exact start of an object
 * (one multiply by the cache's reciprocal), or the start of a kmalloc
 * large block.  Anything else panics with a report naming what it is.
 */
#include "kernel.h"
#include "bitops.h"
#include "mm.h"
#include "slab.h"
#include "string.h"
#include "slab_internal.h"

struct kmem_cache *kmalloc_caches[NR_KMALLOC_TYPES][KMALLOC_SHIFT_HIGH + 1];

static const struct {
	const char *name[NR_KMALLOC_TYPES];
	unsigned int size;
} kmalloc_info[KMALLOC_SHIFT_HIGH + 1] = {
	[1] = { { "kmalloc-96", "dma-kmalloc-96" }, 96 },
	[2] = { { "kmalloc-192", "dma-kmalloc-192" }, 192 },
	[3] = { { "kmalloc-8", "dma-kmalloc-8" }, 8 },
	[4] = { { "kmalloc-16", "dma-kmalloc-16" }, 16 },
	[5] = { { "kmalloc-32", "dma-kmalloc-32" }, 32 },
	[6] = { { "kmalloc-64", "dma-kmalloc-64" }, 64 },
	[7] = { { "kmalloc-128", "dma-kmalloc-128" }, 128 },
	[8] = { { "kmalloc-256", "dma-kmalloc-256" }, 256 },
	[9] = { { "kmalloc-512", "dma-kmalloc-512" }, 512 },
	[10] = { { "kmalloc-1024", "dma-kmalloc-1024" }, 1024 },
	[11] = { { "kmalloc-2048", "dma-kmalloc-2048" }, 2048 },
	[12] = { { "kmalloc-4096", "dma-kmalloc-4096" }, 4096 },
	[13] = { { "kmalloc-8192", "dma-kmalloc-8192" }, 8192 },
};

/* Creation order: smaller first, so that an off-slab cache finds its
 * descriptors' cache already there. */
static const u8 kmalloc_create_order[] = { 3, 4, 5, 6, 1, 7, 2, 8, 9, 10, 11, 12, 13 };

/* (size - 1) / 8 -> index, for sizes up to 192 (Linux's size_index). */
static const u8 size_index[24] = {
	3, 4, 5, 5, 6, 6, 6, 6,   /* 8 16 24 32 40 48 56 64 */
	1, 1, 1, 1, 7, 7, 7, 7,   /* 72 80 88 96 104 112 120 128 */
	2, 2, 2, 2, 2, 2, 2, 2,   /* 136 ... 192 */
};

static slab_flags_t kmalloc_flags = SLAB_HWCACHE_ALIGN;

static __always_inline unsigned int size_to_index(size_t size)
{
	if (size <= 192)
		return size_index[(size - 1) >> 3];
	return fls((unsigned int)size - 1);
}

static struct kmem_cache *create_kmalloc_cache(enum kmalloc_cache_type type, unsigned int idx,
					       gfp_t gfp)
{
	struct kmem_cache *c = kmem_cache_alloc(kmem_cache, gfp);
	slab_flags_t flags = kmalloc_flags | CFLGS_KMALLOC |
			     (type == KMALLOC_DMA ? SLAB_CACHE_DMA : 0);

	if (!c)
		return NULL;
	if (__kmem_cache_create(c, kmalloc_info[idx].name[type], kmalloc_info[idx].size,
				ARCH_KMALLOC_MINALIGN, flags, NULL)) {
		kmem_cache_free(kmem_cache, c);
		return NULL;
	}
	return c;
}

void create_kmalloc_caches(slab_flags_t flags)
{
	kmalloc_flags = flags;
	for (unsigned int i = 0; i < ARRAY_SIZE(kmalloc_create_order); i++) {
		unsigned int idx = kmalloc_create_order[i];

		kmalloc_caches[KMALLOC_NORMAL][idx] = create_kmalloc_cache(KMALLOC_NORMAL, idx, GFP_NOWAIT);
		if (!kmalloc_caches[KMALLOC_NORMAL][idx])
			panic("kmalloc: cannot create %s", kmalloc_info[idx].name[KMALLOC_NORMAL]);
	}
}

/* A dma-kmalloc cache, made on its first use. */
static noinline struct kmem_cache *kmalloc_dma_cache(unsigned int idx, gfp_t flags)
{
	struct kmem_cache *c = kmalloc_caches[KMALLOC_DMA][idx];

	if (c || slab_state < UP)
		return c;
	c = create_kmalloc_cache(KMALLOC_DMA, idx, flags & ~(GFP_ZONEMASK | __GFP_ZERO));
	kmalloc_caches[KMALLOC_DMA][idx] = c;
	return c;
}

struct kmem_cache *kmalloc_slab(size_t size, gfp_t flags)
{
	unsigned int idx;

	if (!size || size > KMALLOC_MAX_CACHE_SIZE)
		return NULL;
	idx = size_to_index(size);
	if (unlikely(flags & __GFP_DMA))
		return kmalloc_dma_cache(idx, flags);
	return kmalloc_caches[KMALLOC_NORMAL][idx];
}

static inline unsigned int get_order(size_t size)
{
	unsigned int order = 0;

	size = (size - 1) >> PAGE_SHIFT;
	while (size) {
		order++;
		size >>= 1;
	}
	return order;
}

static noinline void *kmalloc_large(size_t size, gfp_t flags)
{
	struct page *page;

	if (unlikely(size > KMALLOC_MAX_SIZE)) {
		if (!(flags & __GFP_NOWARN)) {
			printk("kmalloc: %lu bytes is more than KMALLOC_MAX_SIZE (%lu): returning NULL\n",
			       (unsigned long)size, (unsigned long)KMALLOC_MAX_SIZE);
			WARN_ON(1);
		}
		return NULL;
	}
	page = alloc_pages((flags & ~__GFP_HIGHMEM) | __GFP_COMP, get_order(size));
	if (!page)
		return NULL;
	page[1].compound_dtor = COMPOUND_KMALLOC_DTOR;
	return lowmem_page_address(page);
}

/* 0 and every size above the caches in one compare. */
static noinline void *kmalloc_odd_size(size_t size, gfp_t flags)
{
	if (!size)
		return ZERO_SIZE_PTR;
	return kmalloc_large(size, flags);
}

/* GFP_DMA: the dma-kmalloc cache, made on first use. */
static noinline __slabcall void *kmalloc_dma(size_t size, gfp_t flags, unsigned long caller)
{
	struct kmem_cache *c = kmalloc_dma_cache(size_to_index(size), flags);

	return c ? slab_alloc_slow(c, flags, caller) : NULL;
}

__slabcall __fastpath void *__kmalloc(size_t size, gfp_t flags)
{
	struct kmem_cache *c;

	if (unlikely(size - 1 >= KMALLOC_MAX_CACHE_SIZE))
		return kmalloc_odd_size(size, flags);
	if (unlikely(flags & __GFP_DMA))
		return kmalloc_dma(size, flags, _RET_IP_);
	c = kmalloc_caches[KMALLOC_NORMAL][size_to_index(size)];
	/* Explicitly here, so that the caller recorded for SLAB_STORE_USER is
	 * ours whether or not the compiler makes the fast path a tail call. */
	if (unlikely(c->flags & SLAB_SLOWPATH_FLAGS))
		return slab_alloc_slow(c, flags, _RET_IP_);
	return slab_alloc_fast(c, flags, _RET_IP_);
}

/* ---- kfree ---------------------------------------------------------------- */

static bool is_kmalloc_large(const struct page *page)
{
	return PageHead(page) && page[1].compound_dtor == COMPOUND_KMALLOC_DTOR;
}

static noinline void kfree_not_slab(struct page *page, const void *objp, unsigned long caller)
{
	if (is_kmalloc_large(page)) {
		if (objp != lowmem_page_address(page))
			slab_bad_free(NULL, objp, caller, "inside a kmalloc large block, not at its start");
		page[1].compound_dtor = 0;
		__free_pages(page, compound_order(page));
		return;
	}
	if (PageTail(page)) {
		if (is_kmalloc_large(compound_head(page)))
			slab_bad_free(NULL, objp, caller, "inside a kmalloc large block, not at its start");
		slab_bad_free(NULL, objp, caller, "in a compound page that kmalloc did not allocate");
	}
	if (PageHead(page))
		slab_bad_free(NULL, objp, caller, "a compound page that kmalloc did not allocate");
	if (PageReserved(page))
		slab_bad_free(NULL, objp, caller, "in a reserved page (kernel image or boot memory)");
	if (PageBuddy(page) || !page_ref_count(page))
		slab_bad_free(NULL, objp, caller, "in a free page: not allocated at all");
	slab_bad_free(NULL, objp, caller, "neither a slab object nor a kmalloc large block");
}

__slabcall noinline void kfree_checked(const void *objp, unsigned long caller);

static noinline __noreturn void kfree_bad_address(const void *objp, unsigned long caller)
{
	slab_bad_free(NULL, objp, caller, "not a direct-mapped kernel address (not from kmalloc)");
}

static noinline __noreturn void kfree_bad_object(struct kmem_cache *c, const void *objp, unsigned long caller)
{
	slab_bad_free(c, objp, caller, "not the start of an object (an interior pointer?)");
}

/*
 * kfree with every check, from the pointer alone.  The host's kfree, and
 * the guest's slow path: the assembly kfree below handles a valid object
 * of a cache without debugging whose array cache has room, and jumps here
 * for everything else (which this re-checks and reports).
 */
static __always_inline void __kfree(const void *objp, unsigned long caller)
{
	struct kmem_cache *c;
	struct page *page;
	unsigned long pfn;

	if (unlikely(ZERO_OR_NULL_PTR(objp)))
		return;
	pfn = virt_to_pfn(objp);
	if (unlikely(pfn >= max_low_pfn))
		kfree_bad_address(objp, caller);
	page = pfn_to_page(pfn);
	if (unlikely(!PageSlab(page))) {
		kfree_not_slab(page, objp, caller);
		return;
	}
	c = page->slab_cache;
	/* Debug caches check the pointer in their slow path; the others here,
	 * before it can reach an array cache. */
	if (unlikely(c->flags & SLAB_SLOWPATH_FLAGS)) {
		slab_free_slow(c, (void *)objp, caller);
		return;
	}
	if (unlikely(obj_to_index_checked(c, page->slab, objp) == ~0u))
		kfree_bad_object(c, objp, caller);
	slab_free_fast(c, (void *)objp, caller);
}

__slabcall noinline void kfree_checked(const void *objp, unsigned long caller)
{
	__kfree(objp, caller);
}

#if defined(__GUEST__)
/*
 * kfree(objp), 36 instructions for a valid object (eax = objp):
 *   NULL or ZERO_SIZE_PTR: return
 *   page = mem_map + ((objp - PAGE_OFFSET) >> 12), below max_low_pfn
 *   PG_slab, and its cache without debugging or failslab
 *   idx = (objp - slab->s_mem) * reciprocal >> 32; idx < num and
 *   idx * size == objp - s_mem (an object's first byte)
 *   then kmem_cache_free's push onto the array cache, inline.
 * Anything else goes to kfree_checked with the caller's address.
 */
__asm__(
"	.text\n"
"	.globl	kfree\n"
"	.type	kfree, @function\n"
"	.p2align 4\n"
"kfree:\n"
"	cmpl	$16, %eax\n"
"	jbe	9f\n"
"	leal	-" S(PAGE_OFFSET_ASM) "(%eax), %ecx\n"
"	shrl	$12, %ecx\n"
"	cmpl	max_low_pfn, %ecx\n"
"	jae	8f\n"
"	shll	$5, %ecx\n"
"	addl	mem_map, %ecx\n"
"	testb	$" S(PG_SLAB_MASK_ASM) ", (%ecx)\n"
"	jz	8f\n"
"	pushl	%ebx\n"
"	movl	" S(PAGE_SLAB_CACHE_OFF) "(%ecx), %ebx\n"
"	testl	$" S(SLOWPATH_ASM) ", " S(KMC_FLAGS_OFF) "(%ebx)\n"
"	jnz	7f\n"
"	pushl	%eax\n"
"	movl	" S(PAGE_SLAB_OFF) "(%ecx), %ecx\n"
"	subl	" S(SLAB_SMEM_OFF) "(%ecx), %eax\n"
"	movl	%eax, %ecx\n"
"	mull	" S(KMC_RECIP_OFF) "(%ebx)\n"
"	cmpl	" S(KMC_NUM_OFF) "(%ebx), %edx\n"
"	jae	6f\n"
"	imull	" S(KMC_SIZE_OFF) "(%ebx), %edx\n"
"	cmpl	%edx, %ecx\n"
"	jne	6f\n"
"	popl	%edx\n"
"	pushfl\n"
"	cli\n"
"	movl	" S(KMC_CPU_CACHE_OFF) "(%ebx), %ecx\n"
"	movl	" S(AC_AVAIL_OFF) "(%ecx), %eax\n"
"	cmpl	" S(AC_LIMIT_OFF) "(%ecx), %eax\n"
"	jae	5f\n"
"	movl	%edx, " S(AC_ENTRY_OFF) "(%ecx,%eax,4)\n"
"	incl	" S(AC_AVAIL_OFF) "(%ecx)\n"
"	popfl\n"
"	popl	%ebx\n"
"9:	ret\n"
"5:	popfl\n"
"	movl	%edx, %eax\n"
"	popl	%ebx\n"
"	jmp	8f\n"
"6:	popl	%eax\n"
"7:	popl	%ebx\n"
"8:	movl	(%esp), %edx\n"
"	jmp	kfree_checked\n"
"	.size	kfree, .-kfree\n"
);
#else
__slabcall void kfree(const void *objp)
{
	__kfree(objp, _RET_IP_);
}
#endif

size_t ksize(const void *objp)
{
	const struct page *page;

	if (unlikely(ZERO_OR_NULL_PTR(objp)))
		return 0;
	if (unlikely(!virt_addr_valid(objp))) {
		WARN_ON(1);
		return 0;
	}
	page = virt_to_page(objp);
	if (likely(PageSlab(page)))
		return page->slab_cache->object_size;
	if (is_kmalloc_large(page))
		return PAGE_SIZE << compound_order(page);
	WARN_ON(1);
	return 0;
}

void *krealloc(const void *p, size_t new_size, gfp_t flags)
{
	size_t ks;
	void *ret;

	if (unlikely(!new_size)) {
		kfree(p);
		return ZERO_SIZE_PTR;
	}
	if (ZERO_OR_NULL_PTR(p))
		return __kmalloc(new_size, flags);
	ks = ksize(p);
	if (ks >= new_size)
		return (void *)p;
	ret = __kmalloc(new_size, flags);
	if (!ret)
		return NULL;
	memcpy(ret, p, ks);
	kfree(p);
	return ret;
}
