/*
 * run=idle: the kernel waits for console requests from the VMM and carries
 * them out with its own allocator APIs (protocol: shared/abi.h, "Console
 * requests to an idle guest"; the VMM's side is host/console_mailbox.c).
 *
 * Between requests the kernel sits in HC_WAIT_REQUEST holding no mm lock,
 * so whatever the VMM does then (show, check, save guest memory) sees the
 * allocators at rest, as at a checkpoint (docs/design.md §6.1).  An idle
 * guest never exits by itself: the VMM ends the run.
 *
 * The mailbox is host input.  Each request is copied once and every field
 * is checked before an allocator sees it, so a bad request gets an errno,
 * never a BUG: names must be NUL-terminated within CON_NAME_MAX, gfp masks
 * may hold only the flags gfp.h defines, slab flags only what
 * kmem_cache_create accepts.  The explicit requests for a panic that
 * those allow, __GFP_NOFAIL and SLAB_PANIC, are honoured as asked.
 *
 * What the console made is named by ids from one table, never by address,
 * so the host cannot make the kernel free something the console does not
 * own, or free it as the wrong kind.  Caches are named by their cache
 * name: any cache on slab_caches can be allocated from (kmalloc-64
 * included), but only the console's own caches can be destroyed.
 */
#include "kernel.h"
#include "errno-base.h"
#include "hypercall.h"
#include "mempool.h"
#include "mm.h"
#include "printk.h"
#include "slab.h"
#include "string.h"
#include "workload.h"

enum con_kind {
	CON_FREE,		/* an unused slot */
	CON_PAGES,		/* ptr: struct page *; order */
	CON_KMALLOC,		/* ptr: the object */
	CON_CACHE_OBJ,		/* ptr: the object; cache: its cache */
	CON_CACHE,		/* ptr: struct kmem_cache *; name */
	CON_POOL,		/* ptr: mempool_t *; pool_kind; cache for a slab pool */
	CON_POOL_ELEM,		/* ptr: the element (a struct page * from a page pool); pool */
};

struct con_obj {
	u32 id;			/* 0 while the slot is free */
	u8 kind;		/* enum con_kind */
	u8 order;
	u8 pool_kind;		/* enum con_pool_kind */
	void *ptr;
	union {
		struct kmem_cache *cache;
		struct con_obj *pool;
	};
	/* A cache's name must outlive it (kmem_cache.name points here), and
	 * the mailbox's copy is overwritten by the next request. */
	char name[CON_NAME_MAX];
};

/* The guest's part of an answer, written to the mailbox in one place. */
struct con_reply {
	u32 id, va, pfn;
};

static struct console_mailbox mailbox;
static struct con_obj con_objs[CON_MAX_LIVE];
static u32 con_last_id;		/* ids are never reused */
static u32 con_nr_live;

/* ---- The id table -------------------------------------------------------- */

/* A free slot, not yet taken: taken only once its object exists, so a
 * failed allocation leaves the table as it was. */
static struct con_obj *con_slot(void)
{
	if (con_nr_live == CON_MAX_LIVE || con_last_id == ~0u)
		return NULL;
	for (unsigned int i = 0; i < CON_MAX_LIVE; i++)
		if (!con_objs[i].id)
			return &con_objs[i];
	return NULL;
}

static void con_take(struct con_obj *o, enum con_kind kind, void *ptr)
{
	o->id = ++con_last_id;
	o->kind = kind;
	o->ptr = ptr;
	con_nr_live++;
}

static void con_release(struct con_obj *o)
{
	memset(o, 0, sizeof(*o));
	con_nr_live--;
}

/* The live object of that id and kind, or NULL: -ENOENT either way. */
static struct con_obj *con_get(u32 id, enum con_kind kind)
{
	for (unsigned int i = 0; id && i < CON_MAX_LIVE; i++)
		if (con_objs[i].id == id)
			return con_objs[i].kind == kind ? &con_objs[i] : NULL;
	return NULL;
}

/* Does a live console object hold on to this cache or pool? */
static bool con_in_use(const struct con_obj *owner)
{
	for (unsigned int i = 0; i < CON_MAX_LIVE; i++) {
		const struct con_obj *o = &con_objs[i];

		if (owner->kind == CON_CACHE && (o->kind == CON_CACHE_OBJ || o->kind == CON_POOL) &&
		    o->cache == owner->ptr)
			return true;
		if (owner->kind == CON_POOL && o->kind == CON_POOL_ELEM && o->pool == owner)
			return true;
	}
	return false;
}

static void con_reply_obj(struct con_reply *r, const struct con_obj *o)
{
	r->id = o->id;
	if (o->kind == CON_PAGES ||
	    (o->kind == CON_POOL_ELEM && o->pool->pool_kind == CON_POOL_PAGE)) {
		r->va = (u32)(unsigned long)page_address(o->ptr);
		r->pfn = page_to_pfn(o->ptr);
	} else {
		r->va = (u32)(unsigned long)o->ptr;
		r->pfn = virt_to_pfn(o->ptr);
	}
}

/* ---- Checking what the host wrote ---------------------------------------- */

static bool con_gfp_ok(u32 gfp)
{
	/* Both zone modifiers at once is GFP_ZONE_BAD: gfp_zone() BUGs. */
	return !(gfp & ~GFP_DEFINED_MASK) && (gfp & GFP_ZONEMASK) != GFP_ZONEMASK;
}

/* 1..CON_NAME_MAX - 1 printable characters without spaces: it will show in
 * /proc/slabinfo's columns and in the VMM's reports. */
static bool con_name_ok(const char *name)
{
	size_t len = strnlen(name, CON_NAME_MAX);

	if (!len || len == CON_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)name[i] <= ' ' || (unsigned char)name[i] > '~')
			return false;
	return true;
}

static bool con_size_ok(u32 size)
{
	return size && size <= KMALLOC_MAX_SIZE;
}

/* The console's own cache of that name. */
static struct con_obj *con_find_cache(const char *name)
{
	for (unsigned int i = 0; i < CON_MAX_LIVE; i++)
		if (con_objs[i].kind == CON_CACHE && !strcmp(con_objs[i].name, name))
			return &con_objs[i];
	return NULL;
}

/* ---- Requests -------------------------------------------------------------- */

static int con_alloc_pages(const struct console_mailbox *rq, struct con_reply *r)
{
	unsigned int order = rq->arg[0];
	struct con_obj *o;
	struct page *page;

	if (order >= MAX_ORDER || !con_gfp_ok(rq->arg[1]))
		return -EINVAL;
	o = con_slot();
	if (!o)
		return -ENOSPC;
	page = alloc_pages(rq->arg[1], order);
	if (!page)
		return -ENOMEM;
	con_take(o, CON_PAGES, page);
	o->order = (u8)order;
	con_reply_obj(r, o);
	return 0;
}

static int con_kmalloc(const struct console_mailbox *rq, struct con_reply *r)
{
	struct con_obj *o;
	void *p;

	if (!con_size_ok(rq->arg[0]) || !con_gfp_ok(rq->arg[1]))
		return -EINVAL;
	o = con_slot();
	if (!o)
		return -ENOSPC;
	p = __kmalloc(rq->arg[0], rq->arg[1]);
	if (!p)
		return -ENOMEM;
	con_take(o, CON_KMALLOC, p);
	con_reply_obj(r, o);
	return 0;
}

static int con_cache_create(const struct console_mailbox *rq, struct con_reply *r)
{
	u32 size = rq->arg[0], align = rq->arg[1], flags = rq->arg[2];
	struct kmem_cache *c;
	struct con_obj *o;

	/* Duplicate names would make the name ambiguous in later requests. */
	if (!con_name_ok(rq->name) || kmem_cache_find(rq->name) || !con_size_ok(size) ||
	    (align & (align - 1)) || align > PAGE_SIZE || (flags & ~SLAB_FLAGS_PERMITTED))
		return -EINVAL;
	o = con_slot();
	if (!o)
		return -ENOSPC;
	memcpy(o->name, rq->name, CON_NAME_MAX);
	c = kmem_cache_create(o->name, size, align, flags, NULL);
	if (!c) {
		memset(o->name, 0, CON_NAME_MAX);
		return -ENOMEM;
	}
	con_take(o, CON_CACHE, c);
	con_reply_obj(r, o);
	return 0;
}

static int con_cache_alloc(const struct console_mailbox *rq, struct con_reply *r)
{
	struct kmem_cache *c;
	struct con_obj *o;
	void *p;

	if (!con_name_ok(rq->name) || !con_gfp_ok(rq->arg[1]))
		return -EINVAL;
	c = kmem_cache_find(rq->name);
	if (!c)
		return -ENOENT;
	o = con_slot();
	if (!o)
		return -ENOSPC;
	p = kmem_cache_alloc(c, rq->arg[1]);
	if (!p)
		return -ENOMEM;
	con_take(o, CON_CACHE_OBJ, p);
	o->cache = c;
	con_reply_obj(r, o);
	return 0;
}

static int con_cache_destroy(const struct console_mailbox *rq, struct con_reply *r)
{
	struct con_obj *o;
	int err;

	if (!con_name_ok(rq->name))
		return -EINVAL;
	o = con_find_cache(rq->name);
	if (!o)
		return -ENOENT;
	if (con_in_use(o))
		return -EBUSY;
	con_reply_obj(r, o);
	err = kmem_cache_destroy(o->ptr);
	if (err)
		return err;
	con_release(o);
	return 0;
}

static int con_pool_create(const struct console_mailbox *rq, struct con_reply *r)
{
	u32 kind = rq->arg[0], min_nr = rq->arg[1], arg = rq->arg[2];
	struct kmem_cache *c = NULL;
	struct con_obj *o;
	mempool_t *pool;

	if (!min_nr || (int)min_nr < 0)
		return -EINVAL;
	switch (kind) {
	case CON_POOL_SLAB:
		if (!con_name_ok(rq->name))
			return -EINVAL;
		c = kmem_cache_find(rq->name);
		if (!c)
			return -ENOENT;
		break;
	case CON_POOL_KMALLOC:
		if (!con_size_ok(arg))
			return -EINVAL;
		break;
	case CON_POOL_PAGE:
		if (arg >= MAX_ORDER)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	o = con_slot();
	if (!o)
		return -ENOSPC;
	if (kind == CON_POOL_SLAB)
		pool = mempool_create_slab_pool((int)min_nr, c);
	else if (kind == CON_POOL_KMALLOC)
		pool = mempool_create_kmalloc_pool((int)min_nr, arg);
	else
		pool = mempool_create_page_pool((int)min_nr, (int)arg);
	if (!pool)
		return -ENOMEM;
	con_take(o, CON_POOL, pool);
	o->pool_kind = (u8)kind;
	o->cache = c;
	con_reply_obj(r, o);
	return 0;
}

static int con_pool_alloc(const struct console_mailbox *rq, struct con_reply *r)
{
	struct con_obj *pool, *o;
	void *p;

	if (!con_gfp_ok(rq->arg[1]))
		return -EINVAL;
	pool = con_get(rq->arg[0], CON_POOL);
	if (!pool)
		return -ENOENT;
	o = con_slot();
	if (!o)
		return -ENOSPC;
	p = mempool_alloc(pool->ptr, rq->arg[1]);
	if (!p)
		return -ENOMEM;
	con_take(o, CON_POOL_ELEM, p);
	o->pool = pool;
	con_reply_obj(r, o);
	return 0;
}

/* Frees and destroys by id: the object's kind says how. */
static int con_put(const struct console_mailbox *rq, enum con_kind kind, struct con_reply *r)
{
	struct con_obj *o = con_get(rq->arg[0], kind);

	if (!o)
		return -ENOENT;
	if (kind == CON_POOL && con_in_use(o))
		return -EBUSY;
	con_reply_obj(r, o);
	switch (kind) {
	case CON_PAGES:
		__free_pages(o->ptr, o->order);
		break;
	case CON_KMALLOC:
		kfree(o->ptr);
		break;
	case CON_CACHE_OBJ:
		kmem_cache_free(o->cache, o->ptr);
		break;
	case CON_POOL_ELEM:
		mempool_free(o->ptr, o->pool->ptr);
		break;
	case CON_POOL:
		mempool_destroy(o->ptr);
		break;
	default:
		BUG();
	}
	con_release(o);
	return 0;
}

static int con_do(const struct console_mailbox *rq, struct con_reply *r)
{
	switch (rq->op) {
	case CON_OP_NONE:
		return 0;
	case CON_OP_ALLOC_PAGES:
		return con_alloc_pages(rq, r);
	case CON_OP_FREE_PAGES:
		return con_put(rq, CON_PAGES, r);
	case CON_OP_KMALLOC:
		return con_kmalloc(rq, r);
	case CON_OP_KFREE:
		return con_put(rq, CON_KMALLOC, r);
	case CON_OP_CACHE_CREATE:
		return con_cache_create(rq, r);
	case CON_OP_CACHE_ALLOC:
		return con_cache_alloc(rq, r);
	case CON_OP_CACHE_FREE:
		return con_put(rq, CON_CACHE_OBJ, r);
	case CON_OP_CACHE_DESTROY:
		return con_cache_destroy(rq, r);
	case CON_OP_POOL_CREATE:
		return con_pool_create(rq, r);
	case CON_OP_POOL_ALLOC:
		return con_pool_alloc(rq, r);
	case CON_OP_POOL_FREE:
		return con_put(rq, CON_POOL_ELEM, r);
	case CON_OP_POOL_DESTROY:
		return con_put(rq, CON_POOL, r);
	default:
		return -ENOSYS;
	}
}

static int wl_idle(const char *arg)
{
	(void)arg;
	for (;;) {
		struct console_mailbox rq;
		struct con_reply r = { 0 };
		u32 ret;
		int err;

		/* The VMM shows what it is asked next; our output comes first. */
		console_flush();
		ret = hypercall(HC_WAIT_REQUEST, __pa(&mailbox), 0, 0, 0);
		if (ret != HC_OK) {
			printk("idle: the VMM refused HC_WAIT_REQUEST (ret %u)\n", ret);
			return 1;
		}
		rq = mailbox;
		/* Nothing new (a VMM that returned without a request): doing the
		 * last one again would allocate or free twice. */
		if (!rq.seq || rq.seq == rq.done_seq)
			continue;
		err = con_do(&rq, &r);
		if (err)
			r = (struct con_reply){ 0 };
		mailbox.result = err;
		mailbox.id = r.id;
		mailbox.va = r.va;
		mailbox.pfn = r.pfn;
		mailbox.nr_live = con_nr_live;
		/* The VMM takes done_seq as the sign that the rest is written. */
		barrier();
		mailbox.done_seq = rq.seq;
	}
}
DEFINE_WORKLOAD("idle", wl_idle,
		"wait for the VMM's console requests (pages, kmalloc, caches, mempools); "
		"the VMM ends the run");
