/*
 * What slab.c, slab_debug.c and kmalloc.c share and nobody else needs
 * (Linux's mm/slab.h).
 */
#ifndef GUEST_MM_SLAB_INTERNAL_H
#define GUEST_MM_SLAB_INTERNAL_H

#include "kernel.h"
#include "mm.h"
#include "slab.h"


/* Where bootstrap is: DOWN before kmem_cache_init, PARTIAL while it
 * creates kmem_cache and the kmalloc caches (their array caches carved
 * from pages taken at boot, slab.c's boot_ac_alloc), UP after. */
enum slab_state { DOWN, PARTIAL, UP };
extern enum slab_state slab_state;

static inline struct array_cache *cpu_cache_get(const struct kmem_cache *cachep)
{
	return cachep->cpu_cache[smp_processor_id()];
}

static inline void *index_to_obj(const struct kmem_cache *cachep, const struct slab *slabp,
				 unsigned int idx)
{
	return (char *)slabp->s_mem + (unsigned long)cachep->size * idx;
}

/*
 * Index of the buffer at objp, or ~0u if objp is not the exact start of one
 * of the slab's buffers (an interior or foreign pointer).  One multiply by
 * the reciprocal, exact for every multiple of size below 2^32 (Linux's
 * obj_to_index), and a check that the index times size gives objp back.
 */
static inline unsigned int obj_to_index_checked(const struct kmem_cache *cachep,
						const struct slab *slabp, const void *objp)
{
	unsigned long off = (unsigned long)objp - (unsigned long)slabp->s_mem;
	unsigned int idx = (unsigned int)(((u64)(u32)off * cachep->reciprocal_buffer_size) >> 32);

	if (unlikely(idx >= cachep->num || (unsigned long)idx * cachep->size != off))
		return ~0u;
	return idx;
}

static inline kmem_bufctl_t *slab_bufctl(struct slab *slabp)
{
	return slabp->bufctl;
}

/* The address the slab's pages start at. */
static inline void *slab_page_addr(const struct kmem_cache *cachep, const struct slab *slabp)
{
	if (cachep->flags & CFLGS_OFF_SLAB)
		return (char *)slabp->s_mem - slabp->colouroff;
	return (char *)slabp - slabp->colouroff;
}

/* ---- slab.c: slow paths shared with kmalloc.c ------------------------- */

__slabcall noinline void *slab_alloc_slow(struct kmem_cache *cachep, gfp_t flags,
					  unsigned long caller);
__slabcall noinline void slab_free_slow(struct kmem_cache *cachep, void *objp,
					unsigned long caller);
/* Create a cache in a struct the caller provides (bootstrap, kmalloc). */
int __kmem_cache_create(struct kmem_cache *cachep, const char *name, unsigned int size,
			unsigned int align, slab_flags_t flags, void (*ctor)(void *));

/*
 * The fast paths: a cache without debugging or failslab, and an array
 * cache that is neither empty (alloc) nor full (free), is one pop or push
 * with interrupts off; everything else goes to the slow path with the
 * caller's address.
 *
 * In the guest, kmem_cache_alloc() and kmem_cache_free() are written in
 * assembly (slab.c): gcc keeps the slow path's arguments in registers and
 * spills three callee-saved registers around a four-register fast path,
 * which doubles its instruction count.  __kmalloc() and kfree() pick the
 * cache in C and tail-call them.  Host builds use the C below, which is
 * also the reference for what the assembly does.
 */
#if defined(__GUEST__)
#define slab_alloc_fast(cachep, flags, caller) kmem_cache_alloc(cachep, flags)
#define slab_free_fast(cachep, objp, caller) kmem_cache_free(cachep, objp)
#else
static __always_inline void *slab_alloc_fast(struct kmem_cache *cachep, gfp_t flags,
					     unsigned long caller)
{
	struct array_cache *ac;
	unsigned long irqflags;
	void *objp;

	if (unlikely(cachep->flags & SLAB_SLOWPATH_FLAGS) || unlikely(flags & __GFP_ZERO))
		return slab_alloc_slow(cachep, flags, caller);
	local_irq_save(irqflags);
	ac = cpu_cache_get(cachep);
	if (unlikely(!ac->avail)) {
		local_irq_restore(irqflags);
		return slab_alloc_slow(cachep, flags, caller);
	}
	objp = ac->entry[--ac->avail];
	local_irq_restore(irqflags);
	return objp;
}

static __always_inline void slab_free_fast(struct kmem_cache *cachep, void *objp,
					   unsigned long caller)
{
	struct array_cache *ac;
	unsigned long irqflags;

	if (unlikely(cachep->flags & SLAB_SLOWPATH_FLAGS)) {
		slab_free_slow(cachep, objp, caller);
		return;
	}
	local_irq_save(irqflags);
	ac = cpu_cache_get(cachep);
	if (unlikely(ac->avail >= ac->limit)) {
		local_irq_restore(irqflags);
		slab_free_slow(cachep, objp, caller);
		return;
	}
	ac->entry[ac->avail++] = objp;
	local_irq_restore(irqflags);
}
#endif

/* ---- slab_debug.c --------------------------------------------------------- */

/* A new slab's buffer: poison, red zones, user words as for a free object. */
void slab_debug_init_obj(struct kmem_cache *cachep, void *buf);
/* After a buffer left the array cache: check poison and red zones, mark
 * in use, record the caller.  Returns the object address. */
void *cache_alloc_debugcheck_after(struct kmem_cache *cachep, void *buf,
				   unsigned long caller);
/* Before the object goes back: check the pointer, red zones and double
 * free, record the caller, poison.  Returns the buffer address. */
void *cache_free_debugcheck(struct kmem_cache *cachep, void *objp, unsigned long caller);
/* Before a slab goes back to the page allocator: all buffers are free, so
 * their poison and red zones must be intact. */
void slab_destroy_debugcheck(struct kmem_cache *cachep, struct slab *slabp);
/* F: the free chain is well-formed and agrees with inuse. */
void check_slabp(struct kmem_cache *cachep, struct slab *slabp);

/* Reports that end in a panic.  buf is a buffer address, or NULL. */
__noreturn void slab_bug(struct kmem_cache *cachep, struct slab *slabp, void *buf,
			 const char *reason, const char *fmt, ...) __printf(5, 6);
/* The buffer at idx was found free when freed again. */
__noreturn void slab_double_free(struct kmem_cache *cachep, struct slab *slabp, void *buf,
				 const char *where);
/* objp handed to kmem_cache_free/kfree is not an object of cachep. */
__noreturn void slab_bad_free(struct kmem_cache *cachep, const void *objp, unsigned long caller,
			      const char *why);


/* ---- Offsets and constants the i386 assembly fast paths use -------------
 * (slab.c: kmem_cache_alloc/free; kmalloc.c: kfree).  Inline asm cannot
 * use offsetof, so they are spelled out once here and checked against the
 * C layouts.  Guest build only: the host build runs the C versions. */
#if defined(__GUEST__)
#define KMC_CPU_CACHE_OFF   0
#define KMC_FLAGS_OFF       16
#define KMC_SIZE_OFF        20
#define KMC_RECIP_OFF       24
#define KMC_NUM_OFF         28
#define AC_AVAIL_OFF        0
#define AC_LIMIT_OFF        4
#define AC_ENTRY_OFF        16
#define SLOWPATH_ASM        0x02010d00
_Static_assert(offsetof(struct kmem_cache, cpu_cache) == KMC_CPU_CACHE_OFF, "asm offset");
_Static_assert(offsetof(struct kmem_cache, flags) == KMC_FLAGS_OFF, "asm offset");
_Static_assert(offsetof(struct kmem_cache, size) == KMC_SIZE_OFF, "asm offset");
_Static_assert(offsetof(struct kmem_cache, reciprocal_buffer_size) == KMC_RECIP_OFF, "asm offset");
_Static_assert(offsetof(struct kmem_cache, num) == KMC_NUM_OFF, "asm offset");
_Static_assert(offsetof(struct array_cache, avail) == AC_AVAIL_OFF, "asm offset");
_Static_assert(offsetof(struct array_cache, limit) == AC_LIMIT_OFF, "asm offset");
_Static_assert(offsetof(struct array_cache, entry) == AC_ENTRY_OFF, "asm offset");
_Static_assert(SLAB_SLOWPATH_FLAGS == SLOWPATH_ASM, "asm constant");
#define GFP_ZERO_ASM        0x100
_Static_assert(__GFP_ZERO == GFP_ZERO_ASM, "asm constant");
#define PAGE_SLAB_CACHE_OFF 12
#define PAGE_SLAB_OFF       16
#define SLAB_SMEM_OFF       8
#define PG_SLAB_MASK_ASM    0x40
#define PAGE_OFFSET_ASM     0xc0000000
_Static_assert(offsetof(struct page, slab_cache) == PAGE_SLAB_CACHE_OFF, "asm offset");
_Static_assert(offsetof(struct page, slab) == PAGE_SLAB_OFF, "asm offset");
_Static_assert(sizeof(struct page) == 32, "asm: shll $5");
_Static_assert(offsetof(struct slab, s_mem) == SLAB_SMEM_OFF, "asm offset");
_Static_assert((1u << PG_slab) == PG_SLAB_MASK_ASM, "asm constant");
_Static_assert(PAGE_OFFSET == PAGE_OFFSET_ASM && PAGE_SHIFT == 12, "asm constant");
_Static_assert((unsigned long)ZERO_SIZE_PTR == 16, "asm constant");
#define __S(x) #x
#define S(x) __S(x)   /* a constant as a string, for inline asm */
#endif

#endif
