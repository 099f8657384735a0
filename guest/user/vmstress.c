/*
 * stress:vm's task: random mmap, munmap (whole regions or their first
 * page), mprotect (one page of a region, splitting it) and touches, arg2
 * operations from the seed arg.  It keeps each region's pages' rights and
 * what it wrote, touches only what the rights allow, and checks every page
 * it reads back.  It yields every 100 operations (the kernel checkpoints
 * there).  Exit 0, or 1 + the first operation whose result was wrong.
 */
#include "usys.h"

#define MAX_REGIONS 8
#define MAX_PAGES 16

struct region {
	ulong addr, pages;              /* pages 0: slot unused */
	unsigned char prot[MAX_PAGES];  /* PROT_READ, or PROT_READ | PROT_WRITE */
	ulong val[MAX_PAGES];           /* the word written at each page, 0 if none */
};

static struct region regions[MAX_REGIONS];
static ulong rnd;

static ulong next(void)
{
	rnd ^= rnd << 13;
	rnd ^= rnd >> 17;
	rnd ^= rnd << 5;
	return rnd;
}

static long one_op(ulong op)
{
	struct region *r = &regions[next() % MAX_REGIONS];
	ulong p = r->pages ? next() % r->pages : 0;
	volatile ulong *w = (volatile ulong *)(r->addr + p * 4096);

	switch (next() % 4) {
	case 0:   /* mmap into an empty slot */
		if (r->pages)
			return 0;
		r->pages = 1 + next() % MAX_PAGES;
		r->addr = (ulong)sys_mmap(0, r->pages * 4096, PROT_READ | PROT_WRITE,
					  MAP_PRIVATE | MAP_ANONYMOUS);
		if (is_err((long)r->addr))
			return 1;
		for (ulong i = 0; i < r->pages; i++) {
			r->prot[i] = PROT_READ | PROT_WRITE;
			r->val[i] = 0;
		}
		return 0;
	case 1:   /* munmap: the whole region, or its first page */
		if (!r->pages)
			return 0;
		if (next() & 1 || r->pages == 1) {
			if (sys_munmap((void *)r->addr, r->pages * 4096))
				return 1;
			r->pages = 0;
			return 0;
		}
		if (sys_munmap((void *)r->addr, 4096))
			return 1;
		r->addr += 4096;
		r->pages--;
		for (ulong i = 0; i < r->pages; i++) {
			r->prot[i] = r->prot[i + 1];
			r->val[i] = r->val[i + 1];
		}
		return 0;
	case 2:   /* mprotect one page */
		if (!r->pages)
			return 0;
		r->prot[p] = (next() & 1) ? PROT_READ : PROT_READ | PROT_WRITE;
		return sys_mprotect((void *)w, 4096, r->prot[p]) != 0;
	default:  /* touch: read and check; write where allowed */
		if (!r->pages)
			return 0;
		if (*w != r->val[p])
			return 1;
		if (r->prot[p] & PROT_WRITE) {
			r->val[p] = op * 2654435761u | 1;
			*w = r->val[p];
			return *w != r->val[p];
		}
		return 0;
	}
}

static long vmstress(ulong seed, ulong ops)
{
	rnd = seed * 2654435761u + (ulong)sys_getpid() * 40503u + 1;
	for (ulong op = 1; op <= ops; op++) {
		if (one_op(op))
			return (long)(1 + op);
		if (op % 100 == 0)
			sys_yield();
	}
	return 0;
}

USER_ENTRY2(vmstress)
