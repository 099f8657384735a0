/*
 * Memory pools (Linux's <linux/mempool.h>, mm/mempool.c): a reserve of
 * min_nr preallocated elements that guarantees forward progress when the
 * underlying allocator fails.
 *
 * mempool_alloc() tries the allocator first (without warnings or retries)
 * and takes a reserved element only if that fails; mempool_free() refills
 * the reserve before giving anything back to the allocator.  There is no
 * sleeping or reclaim yet: where Linux's mempool_alloc would wait for an
 * element to be freed (a blocking gfp, empty reserve, allocator failing),
 * this one returns NULL with a warning.  A non-blocking request returns
 * NULL quietly, as in Linux.
 *
 * All fields are plain data: elements[0..curr_nr) is the reserve.
 */
#ifndef GUEST_MEMPOOL_H
#define GUEST_MEMPOOL_H

#include "kernel.h"
#include "gfp.h"
#include "spinlock.h"

struct kmem_cache;

typedef void *(mempool_alloc_t)(gfp_t gfp_mask, void *pool_data);
typedef void (mempool_free_t)(void *element, void *pool_data);

typedef struct mempool_s {
	spinlock_t lock;
	int min_nr;               /* reserve size */
	int curr_nr;              /* elements in the reserve now */
	void **elements;          /* min_nr slots */
	void *pool_data;
	mempool_alloc_t *alloc;
	mempool_free_t *free;
	unsigned long nr_reserve_allocs;  /* allocations served from the reserve */
	unsigned long nr_failed;          /* NULL returns */
} mempool_t;

/* NULL if min_nr elements cannot be allocated now (GFP_KERNEL). */
mempool_t *mempool_create(int min_nr, mempool_alloc_t *alloc_fn, mempool_free_t *free_fn,
			  void *pool_data);
/* Free the reserve and the pool; outstanding elements are the caller's. */
void mempool_destroy(mempool_t *pool);
/* Change min_nr: shrinking frees the excess reserve, growing fills it as
 * far as the allocator allows.  0 or -ENOMEM. */
int mempool_resize(mempool_t *pool, int new_min_nr);
void *mempool_alloc(mempool_t *pool, gfp_t gfp_mask);
/* NULL is a no-op. */
void mempool_free(void *element, mempool_t *pool);

/* Helpers: pool_data is a kmem_cache, a size, or a page order. */
void *mempool_alloc_slab(gfp_t gfp_mask, void *pool_data);
void mempool_free_slab(void *element, void *pool_data);
void *mempool_kmalloc(gfp_t gfp_mask, void *pool_data);
void mempool_kfree(void *element, void *pool_data);
/* Elements are struct page pointers. */
void *mempool_alloc_pages(gfp_t gfp_mask, void *pool_data);
void mempool_free_pages(void *element, void *pool_data);

static inline mempool_t *mempool_create_slab_pool(int min_nr, struct kmem_cache *kc)
{
	return mempool_create(min_nr, mempool_alloc_slab, mempool_free_slab, kc);
}

static inline mempool_t *mempool_create_kmalloc_pool(int min_nr, size_t size)
{
	return mempool_create(min_nr, mempool_kmalloc, mempool_kfree, (void *)size);
}

static inline mempool_t *mempool_create_page_pool(int min_nr, int order)
{
	return mempool_create(min_nr, mempool_alloc_pages, mempool_free_pages,
			      (void *)(long)order);
}

#endif
