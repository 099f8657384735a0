/*
 * Fault injection with Linux's semantics (Documentation/fault-injection,
 * lib/fault-inject.c): a fault_attr decides whether one call site fails,
 * and fail_page_alloc applies it to the page allocator.  failslab reuses
 * should_fail() with its own fault_attr.
 *
 * The attributes are a plain control block in guest memory, so the host
 * console can read and set them (symbol fail_page_alloc).  Randomness comes
 * from a seedable PRNG in the attribute, so runs are reproducible.
 */
#ifndef GUEST_FAULT_INJECT_H
#define GUEST_FAULT_INJECT_H

#include "types.h"
#include "random.h"

struct fault_attr {
	unsigned long probability; /* percent of eligible calls that fail; 0 = off */
	unsigned long interval;    /* only every interval-th eligible call may fail */
	int times;                 /* failures left; -1 = no limit; 0 = done */
	int space;                 /* "size" to let through before failing */
	unsigned long verbose;     /* 0 silent, 1-2 one report per failure */
	unsigned long count;       /* calls that reached the interval check */
	struct rnd_state rnd;      /* the draws (random.h) */
	const char *name;
};

#define FAULT_ATTR_DEFAULT_SEED 0x2545f491u
#define FAULT_ATTR_INITIALIZER(n) {                                        \
	.probability = 0, .interval = 1, .times = 1, .space = 0,           \
	.verbose = 2, .count = 0, .rnd = { FAULT_ATTR_DEFAULT_SEED },      \
	.name = (n),                                                        \
}

/*
 * Does this call fail?  `size` is what the call asks for in the attribute's
 * unit (pages for fail_page_alloc), consumed from `space`.  Evaluated in
 * Linux's order: probability 0 -> no; times 0 -> no; space left -> no;
 * not the interval-th call -> no; then the probability draw.  A failure
 * decrements times (unless -1).
 */
bool should_fail(struct fault_attr *attr, long size);

/* Reseed the PRNG (0 picks the default seed) and restart the interval. */
void fault_attr_seed(struct fault_attr *attr, u32 seed);

/* Parse Linux's boot format "<interval>,<probability>,<space>,<times>"
 * into attr; false (attr untouched) if malformed. */
bool setup_fault_attr(struct fault_attr *attr, const char *str);

/* ---- fail_page_alloc ---------------------------------------------------
 * Linux's knobs, but with defaults that let every allocation be failed:
 * ignore_gfp_highmem and ignore_gfp_wait false, min_order 0.  __GFP_NOFAIL
 * requests are never failed. */
struct fail_page_alloc_attr {
	struct fault_attr attr;
	bool ignore_gfp_highmem;  /* don't fail __GFP_HIGHMEM requests */
	bool ignore_gfp_wait;     /* don't fail __GFP_DIRECT_RECLAIM requests
				     (Linux's ignore-gfp-wait / ignore_gfp_reclaim) */
	unsigned int min_order;   /* don't fail requests below this order */
};

extern struct fail_page_alloc_attr fail_page_alloc;

/* Fast test for the allocation path: injection can only fire when on. */
static inline bool fail_page_alloc_enabled(void)
{
	return fail_page_alloc.attr.probability != 0;
}

bool should_fail_alloc_page(gfp_t gfp_mask, unsigned int order);

/* The "fail_page_alloc=" command-line parameter. */
bool setup_fail_page_alloc(const char *str);

#endif
