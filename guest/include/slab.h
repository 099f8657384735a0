/*
 * The slab allocator: object caches (kmem_cache_*), the kmalloc family and
 * failslab (Linux's <linux/slab.h>, with the classic SLAB design of Bonwick
 * 1994 and Understanding the Linux Kernel ch. 8).  Implemented in
 * guest/mm/slab.c (caches, slabs, per-CPU array caches), slab_debug.c
 * (slab_debug=, poison, red zones, user tracking, reports), kmalloc.c and
 * failslab.c; mempools are in mempool.h.
 *
 * ---- What the host sees (everything below is plain data) -----------------
 *
 * `slab_caches` is the list of every cache (struct kmem_cache.list), newest
 * first, which is also /proc/slabinfo's order.  For each cache:
 *
 *   cpu_cache[cpu]   the per-CPU array cache ("magazine") of CPU cpu; only
 *                    online CPUs have one (today CPU 0), the others are NULL.
 *                    The boot caches' arrays are in pages taken at boot, the
 *                    others are kmalloc'ed.
 *                    entry[0..avail) are free objects, handed out LIFO
 *                    (entry[avail-1] next); limit is the capacity and
 *                    batchcount the number moved per refill or flush.
 *                    Entries are buffer addresses (see the object layout
 *                    below), and count as in use in their slab.
 *   node             the slab lists: slabs_full (inuse == num), slabs_partial
 *                    (0 < inuse < num), slabs_free (inuse == 0), linked
 *                    through struct slab.list; total_slabs and free_slabs
 *                    count them, free_objects counts the free objects in
 *                    slabs (not in array caches).
 *   num, gfporder    objects per slab, and 2^gfporder pages per slab.
 *   size             the buffer stride; object_size the caller's size;
 *                    obj_offset where the object starts in its buffer.
 *   colour, colour_off  the number of colours and the colour unit (bytes).
 *
 * Each slab is 2^gfporder contiguous lowmem pages (not a compound page).
 * Every one of its pages has PG_slab, page->slab_cache = the cache and
 * page->slab = its descriptor (struct slab), so kfree() and virt_to_cache()
 * need no size.  The descriptor holds:
 *
 *   colouroff   this slab's colour offset in bytes: a multiple of
 *               colour_off, below colour * colour_off.  The slab's content
 *               starts colouroff bytes into its first page.
 *   s_mem       the address of buffer 0; buffer i is at s_mem + i * size.
 *   inuse       objects handed out (including those in array caches).
 *   free        index of the first free buffer, BUFCTL_END if none.
 *   bufctl[num] the free chain (Bonwick's bufctl, Linux 2.6's
 *               kmem_bufctl_t): for a free buffer i, bufctl[i] is the next
 *               free index (BUFCTL_END ends the chain); for a buffer in use
 *               it is BUFCTL_ACTIVE.  So the chain from `free` has exactly
 *               num - inuse entries, all distinct and below num.
 *
 * On-slab or off-slab (the rule, as in Linux): a cache whose buffer size is
 * below 512 bytes (PAGE_SIZE / 8) keeps the descriptor and its bufctl array
 * on the slab, at page + colouroff, with the buffers after it (s_mem = page
 * + colouroff + slab_size).  Larger buffers keep it off-slab, in an object
 * of the kmalloc cache `freelist_cache`, and the buffers start at page +
 * colouroff.  CFLGS_OFF_SLAB in flags says which.
 *
 * Object layout inside a buffer of `size` bytes (debug words only when the
 * flag is set):
 *
 *   [obj_offset - 8, obj_offset)   red zone 1: u64 RED_ACTIVE / RED_INACTIVE
 *   [obj_offset, + object_size)    the object; POISON_FREE (0x6b) with a
 *                                  last byte POISON_END (0xa5) while free,
 *                                  POISON_INUSE (0x5a) when just allocated
 *   obj_offset + ALIGN(object_size, 8)         red zone 2: u64, as zone 1
 *   then, with SLAB_STORE_USER, at the next long boundary (right after red
 *   zone 2, or after the object without red zones), two unsigned longs:
 *   the last allocation's and the last free's caller (a return address;
 *   0 = none yet).
 *
 * obj_offset is 0 without SLAB_RED_ZONE; with it, 8 rounded up to the
 * cache's alignment.  SLAB_RED_ZONE and SLAB_STORE_USER override
 * SLAB_HWCACHE_ALIGN (a placement hint); an explicit align is kept.
 */
#ifndef GUEST_SLAB_H
#define GUEST_SLAB_H

#include "kernel.h"
#include "errno-base.h"
#include "gfp.h"
#include "list.h"
#include "mmzone.h"
#include "spinlock.h"
#include "fault_inject.h"

typedef unsigned int slab_flags_t;

/* ---- Cache flags (Linux's values) ---------------------------------------- */
#define SLAB_CONSISTENCY_CHECKS 0x00000100u /* F: check pointers and slabs on free */
#define SLAB_RED_ZONE           0x00000400u /* Z: guard words around each object */
#define SLAB_POISON             0x00000800u /* P: 0x6b when free, 0x5a when new */
#define SLAB_HWCACHE_ALIGN      0x00002000u /* align objects on cache lines */
#define SLAB_CACHE_DMA          0x00004000u /* slabs from ZONE_DMA */
#define SLAB_STORE_USER         0x00010000u /* U: record alloc and free callers */
#define SLAB_RECLAIM_ACCOUNT    0x00020000u /* counted as nr_slab_reclaimable */
#define SLAB_PANIC              0x00040000u /* panic if kmem_cache_create fails */
#define SLAB_FAILSLAB           0x02000000u /* A: failslab may fail this cache */

/* Internal (Linux 2.6's CFLGS_*). */
#define CFLGS_KMALLOC           0x40000000u /* a kmalloc cache: never destroyed */
#define CFLGS_OFF_SLAB          0x80000000u /* descriptor off-slab (see above) */

/* What a kmem_cache_create() caller may pass (Linux's mm/slab.h name). */
#define SLAB_FLAGS_PERMITTED (SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON | \
			      SLAB_HWCACHE_ALIGN | SLAB_CACHE_DMA | SLAB_STORE_USER | \
			      SLAB_RECLAIM_ACCOUNT | SLAB_PANIC | SLAB_FAILSLAB)

#define SLAB_DEBUG_FLAGS (SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON | \
			  SLAB_STORE_USER)
/* Any of these sends alloc and free through the out-of-line slow path; a
 * cache without them takes the per-CPU fast path only. */
#define SLAB_SLOWPATH_FLAGS (SLAB_DEBUG_FLAGS | SLAB_FAILSLAB)

/* Debug values (Linux's <linux/poison.h>). */
#define POISON_INUSE  0x5a
#define POISON_FREE   0x6b
#define POISON_END    0xa5
#define RED_INACTIVE  0x09F911029D74E35BULL
#define RED_ACTIVE    0xD84156C5635688C0ULL
/* Each red zone is one u64; zone 2 starts at obj_offset +
 * ALIGN(object_size, REDZONE_ALIGN) (the layout above). */
#define REDZONE_SIZE  8u
#define REDZONE_ALIGN 8u

#define BUFCTL_END    0xffffu
#define BUFCTL_ACTIVE 0xfffeu
#define SLAB_OBJ_MAX_NUM 0xfffdu
typedef u16 kmem_bufctl_t;

#define L1_CACHE_BYTES 64
#define cache_line_size() L1_CACHE_BYTES
/* Minimum object alignment: __alignof__(unsigned long long), as on i386. */
#define ARCH_SLAB_MINALIGN 8
#define ARCH_KMALLOC_MINALIGN 8

#ifndef _RET_IP_
#define _RET_IP_ ((unsigned long)__builtin_return_address(0))
#endif

/* The allocation entry points take their arguments in registers on i386
 * (kernel.h). */
#define __slabcall __regparm3

/* ---- Data structures (plain, documented above) --------------------------- */

struct array_cache {
	unsigned int avail;       /* free objects in entry[0..avail) */
	unsigned int limit;       /* capacity of entry[] */
	unsigned int batchcount;  /* objects per refill / flush */
	unsigned int touched;     /* an allocation refilled it since the last flush */
	void *entry[];            /* buffer addresses, LIFO */
};

struct kmem_cache_node {
	spinlock_t list_lock;
	struct list_head slabs_partial;   /* listed first, as in Linux */
	struct list_head slabs_full;
	struct list_head slabs_free;
	unsigned long total_slabs;
	unsigned long free_slabs;
	unsigned long free_objects;       /* free objects in slabs */
	unsigned int free_limit;          /* keep at most this many free objects */
	unsigned int colour_next;         /* colour of the next slab */
};

struct slab {
	struct list_head list;    /* on node.slabs_full / _partial / _free */
	void *s_mem;              /* buffer 0 */
	unsigned int colouroff;   /* colour offset of this slab, bytes */
	unsigned int inuse;       /* buffers in use (array caches included) */
	kmem_bufctl_t free;       /* first free buffer, BUFCTL_END if none */
	u16 pad;
	kmem_bufctl_t bufctl[];   /* num entries: the free chain */
};

struct kmem_cache {
	/* Read by every allocation and free. */
	struct array_cache *cpu_cache[NR_CPUS];
	slab_flags_t flags;
	unsigned int size;        /* buffer stride */
	u32 reciprocal_buffer_size; /* ceil(2^32 / size): index = off * r >> 32 */
	unsigned int num;         /* objects per slab */

	/* Tunables (slabinfo). */
	unsigned int limit;
	unsigned int batchcount;
	unsigned int shared;      /* no shared per-node array: always 0 */

	/* Slab geometry. */
	unsigned int gfporder;
	gfp_t allocflags;         /* added to the gfp of slab page allocations */
	unsigned int colour;      /* number of colours */
	unsigned int colour_off;  /* colour unit, bytes */
	unsigned int slab_size;   /* descriptor + bufctl[num], aligned */
	struct kmem_cache *freelist_cache; /* off-slab: where descriptors live */
	void (*ctor)(void *obj);

	const char *name;         /* the caller's string: must outlive the cache */
	struct list_head list;    /* on slab_caches */
	unsigned int object_size; /* the caller's size */
	unsigned int align;       /* alignment of every object */
	unsigned int obj_offset;  /* object start within its buffer */

	struct kmem_cache_node node;  /* one memory node */
};

extern struct list_head slab_caches;
extern struct kmem_cache *kmem_cache;     /* the cache of struct kmem_cache */

/* ---- Caches -------------------------------------------------------------- */

/* Set up the cache of caches and the kmalloc caches; mm_init calls it once
 * the page allocator works.  slab_debug= and failslab= must be parsed
 * before (setup_slab_debug, setup_failslab). */
void kmem_cache_init(void);

/* A cache of size-byte objects aligned to align (0: ARCH_SLAB_MINALIGN,
 * or a cache line with SLAB_HWCACHE_ALIGN), constructed by ctor when
 * their slab is made.  NULL on failure (a panic with SLAB_PANIC). */
struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, slab_flags_t flags,
				     void (*ctor)(void *));

__slabcall void *kmem_cache_alloc(struct kmem_cache *cachep, gfp_t flags);
__slabcall void kmem_cache_free(struct kmem_cache *cachep, void *objp);

static inline void *kmem_cache_zalloc(struct kmem_cache *cachep, gfp_t flags)
{
	return kmem_cache_alloc(cachep, flags | __GFP_ZERO);
}

/* Empty the per-CPU arrays and give every free slab back to the page
 * allocator.  Returns 0 if the cache holds no slabs afterwards, 1 if some
 * are still in use (Linux's meaning). */
int kmem_cache_shrink(struct kmem_cache *cachep);

/* Shrink, then free the cache.  A cache with objects still in use is
 * refused with a report naming it and the count: -EBUSY, and it stays
 * usable.  kmalloc caches and the cache of caches are refused (-EINVAL).
 * NULL is a no-op.  (Linux returns void; the status is for tests.) */
int kmem_cache_destroy(struct kmem_cache *cachep);

/* Change the per-CPU array limit and batchcount (Linux's write to
 * /proc/slabinfo); the array is drained first.  0 or -EINVAL/-ENOMEM. */
int kmem_cache_tune(struct kmem_cache *cachep, unsigned int limit, unsigned int batchcount);

/* The cache of that name on slab_caches (the newest, if names repeat), or
 * NULL. */
struct kmem_cache *kmem_cache_find(const char *name);

/* The cache an object came from, from its page: no size needed.  NULL if
 * the address is not in a slab page. */
struct kmem_cache *virt_to_cache(const void *obj);

/* Objects in use in the cache (slab inuse counts, array caches included). */
unsigned long kmem_cache_active_objs(const struct kmem_cache *cachep);

/* /proc/slabinfo, version 2.1. */
void show_slabinfo(void);

/* Pages in slabs: for meminfo's Slab: (sum of the nr_slab_* counters). */
unsigned long global_slab_pages(void);

/* ---- Debugging: slab_debug= (slab_debug.c) -------------------------------
 * slab_debug=<opts>[,<cache>...][;<opts>[,<cache>...]...], as Linux's
 * slub_debug: opts are letters F (consistency checks), Z (red zones),
 * P (poison), U (store user), A (failslab may fail it), '-' for none; no
 * letters at all means FZPU.  A block without cache names applies to every
 * cache not named in another block; a name ending in '*' is a prefix.  A
 * bare `slab_debug` is FZPU for every cache.  Applies to caches created
 * after it is set (kmalloc caches are created at kmem_cache_init). */
void setup_slab_debug(const char *str);
/* The slab_debug= flags for a cache of this name. */
slab_flags_t slab_debug_flags(const char *name);
/* True if slab_debug= named the A option anywhere. */
bool slab_debug_mentions_failslab(void);

/* ---- failslab (failslab.c) -------------------------------------------------
 * Linux's failslab, evaluated by should_fail() like fail_page_alloc.  Only
 * caches marked SLAB_FAILSLAB take part (Linux's cache-filter=Y): mark them
 * with slab_debug=A,<cache> or the flag.  failslab= on the command line
 * without any A in slab_debug= marks every cache (Linux's cache-filter
 * default N).  The cache of caches never fails.  space is in bytes of
 * object_size; __GFP_NOFAIL requests never fail. */
struct failslab_attr {
	struct fault_attr attr;
	bool ignore_gfp_wait;     /* don't fail __GFP_DIRECT_RECLAIM requests */
	unsigned long injected;   /* failures injected so far */
};

extern struct failslab_attr failslab;

bool should_failslab(struct kmem_cache *cachep, gfp_t gfpflags);
/* The "failslab=<interval>,<probability>,<space>,<times>" parameter. */
bool setup_failslab(const char *str);
/* failslab= was given on the command line: caches created from then on are
 * marked SLAB_FAILSLAB, unless slab_debug= names A for some. */
extern bool failslab_mark_all;

/* ---- kmalloc (kmalloc.c) --------------------------------------------------
 * Size classes kmalloc-8 ... kmalloc-8192 with 96 and 192 (Linux's
 * kmalloc_index numbering: index 1 = 96, 2 = 192, n >= 3 = 2^n bytes).
 * The minimum class is 8 bytes: ksize(kmalloc(1)) == 8.  Above 8 KiB a
 * request is a compound page block straight from the page allocator, up to
 * KMALLOC_MAX_SIZE = 4 MiB (order 10); larger requests get NULL and a
 * warning.  GFP_DMA requests come from the dma-kmalloc-* caches (ZONE_DMA),
 * created on first use.  kmalloc(0) returns ZERO_SIZE_PTR.
 */
#define KMALLOC_SHIFT_LOW   3
#define KMALLOC_SHIFT_HIGH  13      /* largest slab class: 8192 */
#define KMALLOC_MIN_SIZE    (1u << KMALLOC_SHIFT_LOW)
#define KMALLOC_MAX_CACHE_SIZE (1u << KMALLOC_SHIFT_HIGH)
#define KMALLOC_MAX_ORDER   (MAX_ORDER - 1)
#define KMALLOC_MAX_SIZE    (1ul << (KMALLOC_MAX_ORDER + 12))

enum kmalloc_cache_type {
	KMALLOC_NORMAL,
	KMALLOC_DMA,
	NR_KMALLOC_TYPES
};

extern struct kmem_cache *kmalloc_caches[NR_KMALLOC_TYPES][KMALLOC_SHIFT_HIGH + 1];

/* first tail's compound_dtor of a large kmalloc block */
#define COMPOUND_KMALLOC_DTOR 0x4b

#define ZERO_SIZE_PTR ((void *)16)
#define ZERO_OR_NULL_PTR(x) ((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)

static __always_inline unsigned int kmalloc_index(size_t size)
{
	if (!size)
		return 0;
	if (size <= KMALLOC_MIN_SIZE)
		return KMALLOC_SHIFT_LOW;
	if (size > 64 && size <= 96)
		return 1;
	if (size > 128 && size <= 192)
		return 2;
	if (size <= 16) return 4;
	if (size <= 32) return 5;
	if (size <= 64) return 6;
	if (size <= 128) return 7;
	if (size <= 256) return 8;
	if (size <= 512) return 9;
	if (size <= 1024) return 10;
	if (size <= 2048) return 11;
	if (size <= 4096) return 12;
	if (size <= 8192) return 13;
	return ~0u;
}

__slabcall void *__kmalloc(size_t size, gfp_t flags);

/* As Linux: a constant size (and non-DMA flags) resolves its cache at
 * compile time, so kmalloc(32, GFP_KERNEL) is a kmem_cache_alloc. */
static __always_inline void *kmalloc(size_t size, gfp_t flags)
{
	if (__builtin_constant_p(size) && __builtin_constant_p(flags) &&
	    size && size <= KMALLOC_MAX_CACHE_SIZE && !(flags & __GFP_DMA))
		return kmem_cache_alloc(kmalloc_caches[KMALLOC_NORMAL][kmalloc_index(size)], flags);
	return __kmalloc(size, flags);
}

static inline void *kzalloc(size_t size, gfp_t flags)
{
	return kmalloc(size, flags | __GFP_ZERO);
}

/* n * size bytes; NULL (no warning) if the product overflows. */
static inline void *kmalloc_array(size_t n, size_t size, gfp_t flags)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return kmalloc(bytes, flags);
}

static inline void *kcalloc(size_t n, size_t size, gfp_t flags)
{
	return kmalloc_array(n, size, flags | __GFP_ZERO);
}

/* Free what kmalloc (or kmem_cache_alloc) returned; NULL and ZERO_SIZE_PTR
 * are no-ops.  Anything else panics with a report saying what it is. */
__slabcall void kfree(const void *objp);

/* Usable size of a kmalloc'ed object: its cache's object_size, or the
 * whole block for large ones; 0 for NULL / ZERO_SIZE_PTR. */
size_t ksize(const void *objp);

/* Resize, keeping the contents (up to the smaller size).  Growing within
 * ksize() or shrinking keeps the object; new_size 0 frees it and returns
 * ZERO_SIZE_PTR; on failure NULL and p is untouched. */
void *krealloc(const void *p, size_t new_size, gfp_t flags);

/* The kmalloc cache for a size and gfp (NULL above KMALLOC_MAX_CACHE_SIZE);
 * creates a dma-kmalloc cache on first use. */
struct kmem_cache *kmalloc_slab(size_t size, gfp_t flags);

/* Create kmalloc-8 ... kmalloc-8192 (kmem_cache_init). */
void create_kmalloc_caches(slab_flags_t flags);

#endif
