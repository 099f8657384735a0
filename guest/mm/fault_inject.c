/*
 * Fault injection: should_fail() (Linux's lib/fault-inject.c) and the
 * fail_page_alloc attribute with its command-line parser.
 *
 * Differences from Linux, all deliberate:
 *   - the random draw is a per-attribute xorshift32, so a seed reproduces a
 *     run exactly;
 *   - fail_page_alloc's filters default to "fail anything" (see the header);
 *   - no task filter, no stack filter, no fail-nth: there are no tasks yet.
 */
#include "kernel.h"
#include "gfp.h"
#include "ratelimit.h"
#include "fault_inject.h"

struct fail_page_alloc_attr fail_page_alloc = {
	.attr = FAULT_ATTR_INITIALIZER("fail_page_alloc"),
	.ignore_gfp_highmem = false,
	.ignore_gfp_wait = false,
	.min_order = 0,
};

static DEFINE_RATELIMIT_STATE(fault_dump_rs, DEFAULT_RATELIMIT_BURST,
			      DEFAULT_RATELIMIT_INTERVAL);

void fault_attr_seed(struct fault_attr *attr, u32 seed)
{
	/* The seed is the state itself, not prandom_seed_state()'s mix of it,
	 * so that fail_page_alloc's documented seeds keep their sequences;
	 * xorshift32 has a fixed point at 0. */
	attr->rnd.s = seed ? seed : FAULT_ATTR_DEFAULT_SEED;
	attr->count = 0;
}

static unsigned long fault_rand_percent(struct fault_attr *attr)
{
	/* An attribute that was zeroed, not initialised, would draw 0s forever. */
	if (!attr->rnd.s)
		attr->rnd.s = FAULT_ATTR_DEFAULT_SEED;
	return prandom_below(&attr->rnd, 100);
}

static void fail_dump(struct fault_attr *attr)
{
	unsigned long missed;

	if (!attr->verbose || !__ratelimit(&fault_dump_rs))
		return;
	missed = ratelimit_missed(&fault_dump_rs);
	printk("FAULT_INJECTION: forcing a failure.\n"
	       "name %s, interval %lu, probability %lu, space %d, times %d\n",
	       attr->name ? attr->name : "?", attr->interval, attr->probability,
	       attr->space, attr->times);
	if (missed)
		printk("FAULT_INJECTION: %lu reports suppressed\n", missed);
}

bool should_fail(struct fault_attr *attr, long size)
{
	/* Linux checks this first too: an attribute that is off costs nothing
	 * and leaves times, space and count alone. */
	if (attr->probability == 0)
		return false;
	if (attr->times == 0)
		return false;
	if (attr->space > size) {
		attr->space -= (int)size;
		return false;
	}
	if (attr->interval > 1) {
		attr->count++;
		if (attr->count % attr->interval)
			return false;
	}
	if (attr->probability <= fault_rand_percent(attr))
		return false;

	fail_dump(attr);
	if (attr->times != -1)
		attr->times--;
	return true;
}

bool should_fail_alloc_page(gfp_t gfp_mask, unsigned int order)
{
	if (order < fail_page_alloc.min_order)
		return false;
	if (gfp_mask & __GFP_NOFAIL)
		return false;
	if (fail_page_alloc.ignore_gfp_highmem && (gfp_mask & __GFP_HIGHMEM))
		return false;
	if (fail_page_alloc.ignore_gfp_wait && (gfp_mask & __GFP_DIRECT_RECLAIM))
		return false;
	return should_fail(&fail_page_alloc.attr, 1l << order);
}

/* Parse one decimal field ending at `sep`, where '\0' stands for the end of
 * the value (NUL or a blank, so an unsplit command line works too); advance
 * *s past the separator. */
static bool parse_field(const char **s, char sep, bool allow_minus, long *out)
{
	const char *p = *s;
	bool neg = false;
	unsigned long v = 0;

	if (allow_minus && *p == '-') {
		neg = true;
		p++;
	}
	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > 0x7fffffffu / 10)
			return false;
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > 0x7fffffffu)
			return false;
	}
	if (sep ? *p != sep : (*p != '\0' && *p != ' ' && *p != '\t'))
		return false;
	*s = sep ? p + 1 : p;
	*out = neg ? -(long)v : (long)v;
	return true;
}

bool setup_fault_attr(struct fault_attr *attr, const char *str)
{
	long interval, probability, space, times;
	const char *s = str;

	if (!s || !parse_field(&s, ',', false, &interval) ||
	    !parse_field(&s, ',', false, &probability) ||
	    !parse_field(&s, ',', false, &space) ||
	    !parse_field(&s, '\0', true, &times) || probability > 100 ||
	    times < -1) {
		printk("FAULT_INJECTION: failed to parse arguments\n");
		return false;
	}
	attr->probability = (unsigned long)probability;
	attr->interval = interval ? (unsigned long)interval : 1;
	attr->space = (int)space;
	attr->times = (int)times;
	attr->count = 0;
	return true;
}

bool setup_fail_page_alloc(const char *str)
{
	return setup_fault_attr(&fail_page_alloc.attr, str);
}
