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
 * included), but only the console's own caches can be destroyed.  User
 * tasks are the exception: they are named by pid, as everywhere else.
 */
#include "kernel.h"
#include "errno-base.h"
#include "highmem.h"
#include "hypercall.h"
#include "mempool.h"
#include "mm.h"
#include "asm/pgtable.h"
#include "printk.h"
#include "sched.h"
#include "slab.h"
#include "string.h"
#include "vmalloc.h"
#include "workload.h"

/* An object's kind is the op that frees or destroys it. */
enum con_kind {
	CON_FREE = CON_OP_NONE,			/* an unused slot */
	CON_PAGES = CON_OP_FREE_PAGES,		/* ptr: struct page *; order */
	CON_KMALLOC = CON_OP_KFREE,		/* ptr: the object */
	CON_CACHE_OBJ = CON_OP_CACHE_FREE,	/* ptr: the object; cache: its cache */
	CON_CACHE = CON_OP_CACHE_DESTROY,	/* ptr: struct kmem_cache *; name */
	CON_POOL_ELEM = CON_OP_POOL_FREE,	/* ptr: the element (a struct page * from a
						   page pool); pool */
	CON_POOL = CON_OP_POOL_DESTROY,		/* ptr: mempool_t *; pool_kind; cache for a
						   slab pool */
	CON_VMALLOC = CON_OP_VFREE,		/* ptr: the area; order: 0 for vmalloc, else
						   the pages vmap mapped, in vpages */
	CON_KMAP = CON_OP_KUNMAP,		/* ptr: the struct page * kmapped */
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
	union {
		/* A cache's name must outlive it (kmem_cache.name points
		 * here), and the mailbox's copy is overwritten by the next
		 * request. */
		char name[CON_NAME_MAX];
		struct page *vpages[CON_VMAP_MAX];	/* a vmap's pages */
	};
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

/* A free slot: the new object is built in it, and gets its id only once
 * it exists, so that a refused request leaves the table as it was. */
static struct con_obj *con_slot(void)
{
	if (con_nr_live == CON_MAX_LIVE || con_last_id == ~0u)
		return NULL;
	for (unsigned int i = 0; i < CON_MAX_LIVE; i++)
		if (!con_objs[i].id)
			return &con_objs[i];
	return NULL;
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
		/* Pages may not be freed while the console kmaps one of them. */
		if (owner->kind == CON_PAGES && o->kind == CON_KMAP &&
		    (struct page *)o->ptr >= (struct page *)owner->ptr &&
		    (struct page *)o->ptr < (struct page *)owner->ptr + (1u << owner->order))
			return true;
	}
	return false;
}

/* Does a live console vmap map a page of this alloc_pages block? */
static bool con_pages_vmapped(const struct con_obj *block)
{
	unsigned long first = page_to_pfn(block->ptr), end = first + (1ul << block->order);

	for (unsigned int i = 0; i < CON_MAX_LIVE; i++) {
		const struct con_obj *o = &con_objs[i];

		for (unsigned int k = 0; o->kind == CON_VMALLOC && k < o->order; k++)
			if (page_to_pfn(o->vpages[k]) >= first && page_to_pfn(o->vpages[k]) < end)
				return true;
	}
	return false;
}

static void con_reply_obj(struct con_reply *r, const struct con_obj *o)
{
	r->id = o->id;
	if (o->kind == CON_VMALLOC) {
		r->va = (u32)(unsigned long)o->ptr;
		r->pfn = vmalloc_to_pfn(o->ptr);
	} else if (o->kind == CON_PAGES || o->kind == CON_KMAP ||
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
	return !(gfp & ~__GFP_KNOWN_MASK) && (gfp & GFP_ZONEMASK) != GFP_ZONEMASK;
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

/*
 * Creates: each checks its request and makes the object in the free slot
 * *o, whose kind is set (ptr, and what it belongs to): 0, or an errno with
 * nothing made.  A full table refuses every create (-ENOSPC) before it is
 * looked at.
 */
typedef int (*con_make_t)(const struct console_mailbox *rq, struct con_obj *o);

static int con_alloc_pages(const struct console_mailbox *rq, struct con_obj *o)
{
	if (rq->arg[0] >= MAX_ORDER || !con_gfp_ok(rq->arg[1]))
		return -EINVAL;
	o->order = (u8)rq->arg[0];
	o->ptr = alloc_pages(rq->arg[1], o->order);
	return o->ptr ? 0 : -ENOMEM;
}

static int con_kmalloc(const struct console_mailbox *rq, struct con_obj *o)
{
	if (!con_size_ok(rq->arg[0]) || !con_gfp_ok(rq->arg[1]))
		return -EINVAL;
	o->ptr = __kmalloc(rq->arg[0], rq->arg[1]);
	return o->ptr ? 0 : -ENOMEM;
}

static int con_cache_create(const struct console_mailbox *rq, struct con_obj *o)
{
	u32 size = rq->arg[0], align = rq->arg[1], flags = rq->arg[2];

	/* Duplicate names would make the name ambiguous in later requests. */
	if (!con_name_ok(rq->name) || kmem_cache_find(rq->name) || !con_size_ok(size) ||
	    (align & (align - 1)) || align > PAGE_SIZE || (flags & ~SLAB_FLAGS_PERMITTED))
		return -EINVAL;
	memcpy(o->name, rq->name, CON_NAME_MAX);
	o->ptr = kmem_cache_create(o->name, size, align, flags, NULL);
	return o->ptr ? 0 : -ENOMEM;
}

static int con_cache_alloc(const struct console_mailbox *rq, struct con_obj *o)
{
	if (!con_name_ok(rq->name) || !con_gfp_ok(rq->arg[1]))
		return -EINVAL;
	o->cache = kmem_cache_find(rq->name);
	if (!o->cache)
		return -ENOENT;
	o->ptr = kmem_cache_alloc(o->cache, rq->arg[1]);
	return o->ptr ? 0 : -ENOMEM;
}

static int con_pool_create(const struct console_mailbox *rq, struct con_obj *o)
{
	u32 kind = rq->arg[0], min_nr = rq->arg[1], arg = rq->arg[2];

	if (!min_nr || (int)min_nr < 0)
		return -EINVAL;
	o->pool_kind = (u8)kind;
	switch (kind) {
	case CON_POOL_SLAB:
		if (!con_name_ok(rq->name))
			return -EINVAL;
		o->cache = kmem_cache_find(rq->name);
		if (!o->cache)
			return -ENOENT;
		o->ptr = mempool_create_slab_pool((int)min_nr, o->cache);
		break;
	case CON_POOL_KMALLOC:
		if (!con_size_ok(arg))
			return -EINVAL;
		o->ptr = mempool_create_kmalloc_pool((int)min_nr, arg);
		break;
	case CON_POOL_PAGE:
		if (arg >= MAX_ORDER)
			return -EINVAL;
		o->ptr = mempool_create_page_pool((int)min_nr, (int)arg);
		break;
	default:
		return -EINVAL;
	}
	return o->ptr ? 0 : -ENOMEM;
}

static int con_pool_alloc(const struct console_mailbox *rq, struct con_obj *o)
{
	if (!con_gfp_ok(rq->arg[1]))
		return -EINVAL;
	o->pool = con_get(rq->arg[0], CON_POOL);
	if (!o->pool)
		return -ENOENT;
	o->ptr = mempool_alloc(o->pool->ptr, rq->arg[1]);
	return o->ptr ? 0 : -ENOMEM;
}

static int con_vmalloc(const struct console_mailbox *rq, struct con_obj *o)
{
	if (!rq->arg[0] || rq->arg[0] > vmalloc_total_bytes() || rq->arg[1] > 1)
		return -EINVAL;
	o->ptr = rq->arg[1] ? vmalloc_32(rq->arg[0]) : vmalloc(rq->arg[0]);
	return o->ptr ? 0 : -ENOMEM;
}

/* The console's alloc_pages block holding pfn, or NULL. */
static struct con_obj *con_block_of(u32 pfn)
{
	for (unsigned int i = 0; i < CON_MAX_LIVE; i++) {
		struct con_obj *o = &con_objs[i];

		if (o->kind == CON_PAGES && pfn >= page_to_pfn(o->ptr) &&
		    pfn - page_to_pfn(o->ptr) < (1ul << o->order))
			return o;
	}
	return NULL;
}

/* Only pages the console allocated: a vmap of any pfn would let the host
 * map pages the kernel may free under the mapping. */
static int con_vmap(const struct console_mailbox *rq, struct con_obj *o)
{
	u32 n = rq->arg[0];

	if (!n || n > CON_VMAP_MAX)
		return -EINVAL;
	for (u32 i = 0; i < n; i++) {
		if (!con_block_of(rq->pfns[i]))
			return -EINVAL;
		o->vpages[i] = pfn_to_page(rq->pfns[i]);
	}
	o->order = (u8)n;
	o->ptr = vmap(o->vpages, n, 0, PAGE_KERNEL);
	return o->ptr ? 0 : -ENOMEM;
}

/* The page of a pfn the host names for a mapping: RAM in use (a hole's
 * struct page and a free page have refcount 0), or NULL. */
static struct page *con_page_in_use(u32 pfn)
{
	if (!pfn_valid(pfn) || !page_count(pfn_to_page(pfn)))
		return NULL;
	return pfn_to_page(pfn);
}

static int con_kmap(const struct console_mailbox *rq, struct con_obj *o)
{
	struct page *page = con_page_in_use(rq->arg[0]);
	struct pkmap_stats st;

	if (!page)
		return -EINVAL;
	/* kmap would sleep for a slot in Linux, and panics here: refuse. */
	pkmap_stats(&st);
	if (PageHighMem(page) && !page_address(page) && st.in_use == LAST_PKMAP)
		return -EBUSY;
	/* Pin the page, as a Linux caller holding a kmap does: whoever owns
	 * it may free it meanwhile, and it must not reach the free lists
	 * while a pkmap slot maps it. */
	get_page(page);
	o->ptr = page;
	kmap(page);
	return 0;
}

/* No object: the mapping lives only inside the request. */
static int con_kmap_atomic(const struct console_mailbox *rq, struct con_reply *r)
{
	struct page *page = con_page_in_use(rq->arg[0]);
	volatile u32 *va;

	if (!page)
		return -EINVAL;
	va = kmap_atomic(page);
	(void)*va;   /* through the mapping, as a user would */
	r->va = (u32)(unsigned long)va;
	r->pfn = rq->arg[0];
	kunmap_atomic((void *)va);
	return 0;
}

/* The creates, with the kind of what each makes. */
static const struct {
	con_make_t make;
	enum con_kind kind;
} con_creates[CON_OP_NR] = {
	[CON_OP_ALLOC_PAGES] = { con_alloc_pages, CON_PAGES },
	[CON_OP_KMALLOC] = { con_kmalloc, CON_KMALLOC },
	[CON_OP_CACHE_CREATE] = { con_cache_create, CON_CACHE },
	[CON_OP_CACHE_ALLOC] = { con_cache_alloc, CON_CACHE_OBJ },
	[CON_OP_POOL_CREATE] = { con_pool_create, CON_POOL },
	[CON_OP_POOL_ALLOC] = { con_pool_alloc, CON_POOL_ELEM },
	[CON_OP_VMALLOC] = { con_vmalloc, CON_VMALLOC },
	[CON_OP_VMAP] = { con_vmap, CON_VMALLOC },
	[CON_OP_KMAP] = { con_kmap, CON_KMAP },
};

static int con_create(const struct console_mailbox *rq, struct con_reply *r)
{
	struct con_obj *o = con_slot();
	int err;

	if (!o)
		return -ENOSPC;
	o->kind = con_creates[rq->op].kind;
	err = con_creates[rq->op].make(rq, o);
	if (err) {
		memset(o, 0, sizeof(*o));
		return err;
	}
	o->id = ++con_last_id;
	con_nr_live++;
	con_reply_obj(r, o);
	return 0;
}

/* Frees and destroys: of the id in arg0, which must name an object of the
 * kind the op frees, or of the console's cache of that name. */
static int con_put(const struct console_mailbox *rq, struct con_reply *r)
{
	enum con_kind kind = rq->op;
	struct con_obj *o;
	int err = 0;

	if (kind == CON_CACHE && !con_name_ok(rq->name))
		return -EINVAL;
	o = kind == CON_CACHE ? con_find_cache(rq->name) : con_get(rq->arg[0], kind);
	if (!o)
		return -ENOENT;
	if (((kind == CON_CACHE || kind == CON_POOL || kind == CON_PAGES) && con_in_use(o)) ||
	    (kind == CON_PAGES && con_pages_vmapped(o)))
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
	case CON_CACHE:
		err = kmem_cache_destroy(o->ptr);
		break;
	case CON_POOL_ELEM:
		mempool_free(o->ptr, o->pool->ptr);
		break;
	case CON_POOL:
		mempool_destroy(o->ptr);
		break;
	case CON_VMALLOC:
		if (o->order)
			vunmap(o->ptr);
		else
			vfree(o->ptr);
		break;
	case CON_KMAP:
		kunmap(o->ptr);
		put_page(o->ptr);
		break;
	default:
		BUG();
	}
	if (err)
		return err;
	con_release(o);
	return 0;
}

/* ---- Tasks ------------------------------------------------------------------ */

/*
 * An idle kernel schedules only when asked (con_schedule), so a spawned
 * task stays loaded and stopped before its first instruction, as a traced
 * process after execve: the console can look at and fault in its address
 * space before it runs a single instruction.
 */
static int con_spawn(const struct console_mailbox *rq, struct con_reply *r)
{
	struct task_struct *t;
	int err;

	if (!con_name_ok(rq->name))
		return -EINVAL;
	t = spawn_program(rq->name, rq->arg[0], rq->arg[1], &err);
	if (!t)
		return err;
	r->id = (u32)t->pid;
	return 0;
}

/* The user task of pid arg0 (never init_task, which has no mm). */
static struct task_struct *con_task(const struct console_mailbox *rq)
{
	struct task_struct *t = (int)rq->arg[0] > 0 ? find_task_by_pid((int)rq->arg[0]) : NULL;

	return t && t->state == TASK_RUNNING && t->mm ? t : NULL;
}

/*
 * Fault one page in on the task's behalf, as Linux's get_user_pages does
 * for ptrace and /proc/PID/mem: the VMA must allow the access (a stack VMA
 * grows down to it, as find_extend_vma did), the fault is the task's, and
 * a read of never-written anonymous memory maps the zero page.
 */
static int con_touch(const struct console_mailbox *rq, struct con_reply *r)
{
	struct task_struct *t = con_task(rq);
	unsigned long addr = rq->arg[1];
	bool write = rq->arg[2];
	struct vm_area_struct *vma;
	bool faulted;
	pte_t *ptep;

	if (rq->arg[2] > 1)
		return -EINVAL;
	if (!t)
		return -ESRCH;
	vma = addr < TASK_SIZE ? find_vma(t->mm, addr) : NULL;
	if (!vma || (vma->vm_start > addr && expand_stack(vma, addr)) ||
	    !(vma->vm_flags & (write ? VM_WRITE : VM_READ)))
		return -EFAULT;
	/* A page already mapped with the access asked for is taken as it is,
	 * and counts no fault of the task's. */
	ptep = get_user_page_pte(vma, addr, write, &faulted);
	if (!ptep)
		return -ENOMEM;
	t->faults += faulted;
	r->id = (u32)t->pid;
	r->va = (u32)(addr & PAGE_MASK);
	r->pfn = (u32)pte_pfn(*ptep);
	return 0;
}

static int con_kill(const struct console_mailbox *rq, struct con_reply *r)
{
	struct task_struct *t = con_task(rq);

	if (!rq->arg[0])
		return -EPERM;
	if (!t)
		return -ESRCH;
	r->id = (u32)t->pid;
	kill_task(t, SIGKILL);
	release_task(t);
	return 0;
}

/*
 * Run the round rounds times: init_task, which serves the console, yields
 * to every runnable user task in turn, and each runs until it yields,
 * exits or dies.  The dead are reaped after each round, with their exit
 * status on the console, as a parent's wait(2) would see it.  Scheduling
 * is cooperative: a task that never yields keeps the CPU, and this request
 * is answered only when it does.
 */
static void report_exit(const struct task_struct *t)
{
	if (WIFSIGNALED(t->exit_code))
		printk("pid %d (%s): killed by signal %d\n", t->pid, t->comm, WTERMSIG(t->exit_code));
	else
		printk("pid %d (%s): exited with status %d\n", t->pid, t->comm,
		       WEXITSTATUS(t->exit_code));
}

static int con_schedule(const struct console_mailbox *rq, struct con_reply *r)
{
	u32 n;

	if (!rq->arg[0] || rq->arg[0] > CON_SCHED_MAX_ROUNDS)
		return -EINVAL;
	for (n = 0; n < rq->arg[0] && nr_tasks(); n++) {
		schedule();
		reap_dead_tasks(report_exit);
	}
	r->id = n;
	return 0;
}

static int con_do(const struct console_mailbox *rq, struct con_reply *r)
{
	if (rq->op < CON_OP_NR && con_creates[rq->op].make)
		return con_create(rq, r);
	switch (rq->op) {
	case CON_OP_NONE:
		return 0;
	case CON_OP_FREE_PAGES:
	case CON_OP_KFREE:
	case CON_OP_CACHE_FREE:
	case CON_OP_CACHE_DESTROY:
	case CON_OP_POOL_FREE:
	case CON_OP_POOL_DESTROY:
	case CON_OP_VFREE:
	case CON_OP_KUNMAP:
		return con_put(rq, r);
	case CON_OP_KMAP_ATOMIC:
		return con_kmap_atomic(rq, r);
	case CON_OP_SPAWN:
		return con_spawn(rq, r);
	case CON_OP_TOUCH:
		return con_touch(rq, r);
	case CON_OP_KILL:
		return con_kill(rq, r);
	case CON_OP_SCHEDULE:
		return con_schedule(rq, r);
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
		"wait for the VMM's console requests (pages, kmalloc, caches, mempools, vmalloc, "
		"kmap, user tasks); the VMM ends the run");
