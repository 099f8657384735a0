/*
 * The guest's fault injectors from outside: fail_page_alloc and failslab
 * (guest fault_inject.h, slab.h) set, switched off and shown with Linux's
 * debugfs knobs, for a console to call at a checkpoint (inspect.h has the
 * keys and their meanings).
 *
 * The guest reads its control blocks on every eligible allocation and keeps
 * no copy, so writing them at a checkpoint, while the vCPU is stopped, is
 * what writing the debugfs files does in Linux.  They are found like every
 * other structure, by the layout note and .symtab, and reached only
 * through insp_kptr(); what is read from them is printed as read and never
 * used to index anything.
 *
 * Validation and writing are two steps so that a command of several
 * key=value pairs is all-or-nothing: a console that wrote probability=
 * before finding times= out of range would leave an injector half set,
 * failing allocations no one asked to fail.
 */
#include <inttypes.h>
#include <string.h>

#include "inspect.h"

#define ON_PAGE_ALLOC (1u << INSP_FAIL_PAGE_ALLOC)
#define ON_SLAB       (1u << INSP_FAIL_SLAB)

static const struct {
	const char *name;       /* the command's word */
	const char *sym;        /* the control block's symbol */
} injectors[INSP_FAIL_NR] = {
	[INSP_FAIL_PAGE_ALLOC] = { "page_alloc", "fail_page_alloc" },
	[INSP_FAIL_SLAB] = { "slab", "failslab" },
};

/* The keys, in the order show prints them.  min_order's upper bound is the
 * note's MAX_ORDER - 1, not the table's. */
static const struct {
	const char *name;
	int64_t min, max;
	unsigned on;            /* ON_* */
	bool shown;
} knobs[IFK_NR] = {
	[IFK_probability] = { "probability", 0, 100, ON_PAGE_ALLOC | ON_SLAB, true },
	[IFK_interval] = { "interval", 1, UINT32_MAX, ON_PAGE_ALLOC | ON_SLAB, true },
	[IFK_times] = { "times", -1, INT32_MAX, ON_PAGE_ALLOC | ON_SLAB, true },
	[IFK_space] = { "space", 0, INT32_MAX, ON_PAGE_ALLOC | ON_SLAB, true },
	[IFK_min_order] = { "min_order", 0, 0, ON_PAGE_ALLOC, true },
	[IFK_ignore_gfp_highmem] = { "ignore_gfp_highmem", 0, 1, ON_PAGE_ALLOC, true },
	[IFK_ignore_gfp_wait] = { "ignore_gfp_wait", 0, 1, ON_PAGE_ALLOC | ON_SLAB, true },
	[IFK_verbose] = { "verbose", 0, 2, ON_PAGE_ALLOC | ON_SLAB, true },
	/* The draws move the state on every eligible call: not worth showing. */
	[IFK_seed] = { "seed", 0, UINT32_MAX, ON_PAGE_ALLOC | ON_SLAB, false },
	[IFK_cache] = { "cache", 0, 0, ON_SLAB, false },
};

static uint64_t block_va(const struct insp_layout *l, enum insp_fail_injector i)
{
	return i == INSP_FAIL_PAGE_ALLOC ? l->sym.fail_page_alloc : l->sym.failslab;
}

static uint32_t block_size(const struct insp_layout *l, enum insp_fail_injector i)
{
	return i == INSP_FAIL_PAGE_ALLOC ? l->fail_page_alloc_attr.size : l->failslab_attr.size;
}

/* The control block in guest RAM, or NULL with the reason in err. */
static uint8_t *block(const struct insp *in, enum insp_fail_injector i, char *err, size_t errlen)
{
	uint8_t *b = (uint8_t *)insp_kptr(in, block_va(in->lay, i), block_size(in->lay, i));

	if (!b)
		insp_errf(err, errlen, "%s: %s at %#" PRIx64 " is not in lowmem RAM",
			  injectors[i].name, injectors[i].sym, block_va(in->lay, i));
	return b;
}

/* The struct fault_attr inside injector i's block. */
static uint32_t attr_off(const struct insp_layout *l, enum insp_fail_injector i)
{
	return i == INSP_FAIL_PAGE_ALLOC ? l->fail_page_alloc_attr.attr : l->failslab_attr.attr;
}

/*
 * Where knob k (not cache) lives in injector i's block: offset and width
 * (4: a 32-bit word, 1: a bool).  The note's fits checks keep both inside
 * the block.
 */
static uint32_t knob_off(const struct insp_layout *l, enum insp_fail_injector i,
			 enum insp_fail_knob k, uint32_t *width)
{
	const uint32_t attr = attr_off(l, i);

	*width = 4;
	switch (k) {
	case IFK_probability: return attr + l->fault_attr.probability;
	case IFK_interval: return attr + l->fault_attr.interval;
	case IFK_times: return attr + l->fault_attr.times;
	case IFK_space: return attr + l->fault_attr.space;
	case IFK_verbose: return attr + l->fault_attr.verbose;
	case IFK_seed: return attr + l->fault_attr.rnd;
	case IFK_min_order: return l->fail_page_alloc_attr.min_order;
	case IFK_ignore_gfp_highmem:
		*width = 1;
		return l->fail_page_alloc_attr.ignore_gfp_highmem;
	case IFK_ignore_gfp_wait:
		*width = 1;
		return i == INSP_FAIL_PAGE_ALLOC ? l->fail_page_alloc_attr.ignore_gfp_wait :
						   l->failslab_attr.ignore_gfp_wait;
	default:
		*width = 0;
		return 0;
	}
}

/*
 * A decimal integer, '-' allowed; values too large for any knob saturate
 * so that the range check, not this, refuses them.
 */
static bool parse_decimal(const char *s, int64_t *out)
{
	const bool neg = *s == '-';
	uint64_t v = 0;

	s += neg;
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v < (1ull << 58) ? v * 10 + (uint64_t)(*s - '0') : 1ull << 62;
	}
	*out = neg ? -(int64_t)v : (int64_t)v;
	return true;
}

/* ---- cache= ---------------------------------------------------------------- */

/* The cache of caches, which the guest never fails (0 if unreadable). */
static uint32_t cache_of_caches(const struct insp *in)
{
	uint32_t va;

	return insp_read_u32(in, in->lay->sym.kmem_cache, &va) ? va : 0;
}

/*
 * Does the item [s, s + n) of a cache list (a name, or a prefix ending in
 * '*') name the cache at cva?  Compared with the guest's own bytes, so a
 * name longer than the host keeps (INSP_NAME_MAX) still compares whole.
 */
static bool item_names(const struct insp *in, uint32_t cva, const char *s, size_t n)
{
	const struct insp_layout *l = in->lay;
	const uint8_t *c = insp_kptr(in, cva, l->kmc.size);
	const bool prefix = n && s[n - 1] == '*';
	const char *name;

	if (!c)
		return false;
	n -= prefix;
	name = insp_kptr(in, insp_rd32(c, l->kmc.name), n + !prefix);
	return name && !memcmp(name, s, n) && (prefix || name[n] == '\0');
}

/*
 * The items of a cache list, each item_len(s) bytes:
 *   for (const char *s = list; s; s = item_next(s))
 */
static size_t item_len(const char *s)
{
	return strcspn(s, ",");
}

static const char *item_next(const char *s)
{
	s += item_len(s);
	return *s ? s + 1 : NULL;
}

/* Item [s, s + n) is "*", every cache. */
static bool item_all(const char *s, size_t n)
{
	return n == 1 && *s == '*';
}

static bool list_has_all(const char *list)
{
	for (const char *s = list; s; s = item_next(s))
		if (item_all(s, item_len(s)))
			return true;
	return false;
}

/* Does the list choose the cache at cva?  Never the cache of caches. */
static bool list_chooses(const struct insp *in, const char *list, uint32_t cva, uint32_t kmc)
{
	if (cva == kmc)
		return false;
	for (const char *s = list; s; s = item_next(s))
		if (item_all(s, item_len(s)) || item_names(in, cva, s, item_len(s)))
			return true;
	return false;
}

/* slab_caches walked whole, and failslab_mark_all writable: the guest's
 * side of cache=.  Sets *mark_all. */
static int cache_targets(struct insp *in, uint8_t **mark_all, char *err, size_t errlen)
{
	*mark_all = (uint8_t *)insp_kptr(in, in->lay->sym.failslab_mark_all, 1);
	if (!*mark_all)
		return insp_errf(err, errlen, "slab: cache: failslab_mark_all at %#" PRIx64 " is not "
				 "in lowmem RAM", in->lay->sym.failslab_mark_all);
	insp_slab_caches(in);
	if (!in->caches_complete)
		return insp_errf(err, errlen, "slab: cache: slab_caches cannot be walked to its end, "
				 "so no cache's SLAB_FAILSLAB can be set");
	return 0;
}

/* Every item of list names a cache that may be marked. */
static int check_cache_list(struct insp *in, const char *list, char *err, size_t errlen)
{
	const uint32_t kmc = cache_of_caches(in);
	uint8_t *mark_all;

	if (cache_targets(in, &mark_all, err, errlen))
		return -1;
	if (!strcmp(list, "-"))
		return 0;
	for (const char *s = list; s; s = item_next(s)) {
		size_t n = item_len(s);
		bool found = item_all(s, n);

		if (!n)
			return insp_errf(err, errlen, "slab: cache: an empty name in '%s'", list);
		if (n == 1 && *s == '-')
			return insp_errf(err, errlen, "slab: cache: '-' (no cache) stands alone");
		for (size_t c = 0; c < in->ncaches && !found; c++) {
			if (!item_names(in, in->caches[c].va, s, n))
				continue;
			if (in->caches[c].va != kmc)
				found = true;
			else if (s[n - 1] != '*')
				return insp_errf(err, errlen, "slab: cache: '%.*s' is the cache of caches, "
						 "which failslab never fails", (int)n, s);
		}
		if (!found)
			return insp_errf(err, errlen, "slab: cache: no cache on slab_caches matches '%.*s'",
					 (int)n, s);
	}
	return 0;
}

/* ---- set ----------------------------------------------------------------- */

static int parse_pair(struct insp *in, enum insp_fail_injector inj, const char *key,
		      const char *value, struct insp_fail_req *req, char *err, size_t errlen)
{
	const char *name = injectors[inj].name;
	enum insp_fail_knob k;
	int64_t v, max;

	for (k = 0; k < IFK_NR; k++)
		if ((knobs[k].on & (1u << inj)) && !strcmp(knobs[k].name, key))
			break;
	if (k == IFK_NR) {
		char list[160] = "";

		for (k = 0; k < IFK_NR; k++)
			if (knobs[k].on & (1u << inj))
				snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
					 *list ? " " : "", knobs[k].name);
		return insp_errf(err, errlen, "%s: unknown key '%s' (%s)", name, key, list);
	}
	if (req->given & (1u << k))
		return insp_errf(err, errlen, "%s: %s given twice", name, key);
	req->given |= 1u << k;
	if (k == IFK_cache) {
		if (strlen(value) >= sizeof(req->cache))
			return insp_errf(err, errlen, "slab: cache: longer than %zu characters",
					 sizeof(req->cache) - 1);
		strcpy(req->cache, value);
		return check_cache_list(in, req->cache, err, errlen);
	}
	if (!parse_decimal(value, &v))
		return insp_errf(err, errlen, "%s: %s='%s' is not a decimal number", name, key, value);
	max = k == IFK_min_order ? (int64_t)in->lay->max_order - 1 : knobs[k].max;
	if (v < knobs[k].min || v > max)
		return insp_errf(err, errlen, "%s: %s=%s is out of range (%" PRId64 "..%" PRId64 ")",
				 name, key, value, knobs[k].min, max);
	req->value[k] = v;
	return 0;
}

int insp_fail_parse(struct insp *in, const char *injector, size_t n, const char *const keys[],
		    const char *const values[], struct insp_fail_req *req, char *err, size_t errlen)
{
	int i;

	memset(req, 0, sizeof(*req));
	for (i = 0; i < INSP_FAIL_NR; i++)
		if (!strcmp(injector, injectors[i].name))
			break;
	if (i == INSP_FAIL_NR)
		return insp_errf(err, errlen, "unknown injector '%s' (page_alloc or slab)", injector);
	req->injector = i;
	if (!n)
		return insp_errf(err, errlen, "%s: nothing to set", injectors[i].name);
	if (!block(in, req->injector, err, errlen))
		return -1;
	for (size_t p = 0; p < n; p++)
		if (parse_pair(in, req->injector, keys[p], values[p], req, err, errlen))
			return -1;
	return 0;
}

int insp_fail_apply(struct insp *in, const struct insp_fail_req *req, char *err, size_t errlen)
{
	const struct insp_layout *l = in->lay;
	const uint32_t attr = attr_off(l, req->injector);
	uint8_t *b = block(in, req->injector, err, errlen), *mark_all = NULL;

	if (!b)
		return -1;
	if ((req->given & (1u << IFK_cache)) && cache_targets(in, &mark_all, err, errlen))
		return -1;
	for (enum insp_fail_knob k = 0; k < IFK_NR; k++) {
		uint32_t width, off;

		if (k == IFK_cache || !(req->given & (1u << k)))
			continue;
		off = knob_off(l, req->injector, k, &width);
		if (width == 4)
			insp_wr32(b, off, (uint32_t)req->value[k]);
		else
			b[off] = (uint8_t)req->value[k];
		/* As the boot parameters and fault_attr_seed() do: a new
		 * interval or sequence starts from its first call. */
		if (k == IFK_interval || k == IFK_seed)
			insp_wr32(b, attr + l->fault_attr.count, 0);
	}
	if (mark_all) {
		const uint32_t kmc = cache_of_caches(in);

		for (size_t c = 0; c < in->ncaches; c++) {
			uint8_t *p = (uint8_t *)insp_kptr(in, in->caches[c].va, l->kmc.size);
			uint32_t flags;

			if (!p)
				continue;
			flags = insp_rd32(p, l->kmc.flags) & ~l->sc.failslab;
			if (list_chooses(in, req->cache, in->caches[c].va, kmc))
				flags |= l->sc.failslab;
			insp_wr32(p, l->kmc.flags, flags);
			in->caches[c].flags = flags;
		}
		*mark_all = list_has_all(req->cache);
	}
	return 0;
}

int insp_fail_off(struct insp *in, char *err, size_t errlen)
{
	uint8_t *b[INSP_FAIL_NR];
	uint32_t width;

	for (int i = 0; i < INSP_FAIL_NR; i++)
		if (!(b[i] = block(in, i, err, errlen)))
			return -1;
	for (int i = 0; i < INSP_FAIL_NR; i++)
		insp_wr32(b[i], knob_off(in->lay, i, IFK_probability, &width), 0);
	return 0;
}

/* ---- show ------------------------------------------------------------------ */

static void show_caches(struct insp *in, FILE *f)
{
	const uint32_t kmc = cache_of_caches(in), bit = in->lay->sc.failslab;
	size_t others = 0, marked = 0;
	bool first = true;

	insp_slab_caches(in);
	if (!in->caches_complete) {
		fputs(" cache=?", f);
		return;
	}
	for (size_t c = 0; c < in->ncaches; c++)
		if (in->caches[c].va != kmc) {
			others++;
			marked += !!(in->caches[c].flags & bit);
		}
	if (others && marked == others) {
		fputs(" cache=*", f);
		return;
	}
	fputs(" cache=", f);
	for (size_t c = 0; c < in->ncaches; c++)
		if (in->caches[c].flags & bit) {
			fprintf(f, "%s%s", first ? "" : ",", in->caches[c].name);
			first = false;
		}
	if (first)
		fputc('-', f);
}

void insp_fail_show(struct insp *in, FILE *f)
{
	const struct insp_layout *l = in->lay;
	char why[160];

	for (int i = 0; i < INSP_FAIL_NR; i++) {
		const uint8_t *b = block(in, i, why, sizeof(why));
		uint32_t injected;
		bool have;

		if (!b) {
			fprintf(f, "%s\n", why);
			continue;
		}
		fprintf(f, "%s:", injectors[i].name);
		for (enum insp_fail_knob k = 0; k < IFK_NR; k++) {
			uint32_t width, off;

			if (!knobs[k].shown || !(knobs[k].on & (1u << i)))
				continue;
			off = knob_off(l, i, k, &width);
			if (width == 1)
				fprintf(f, " %s=%u", knobs[k].name, b[off]);
			else if (k == IFK_times || k == IFK_space)
				fprintf(f, " %s=%d", knobs[k].name, (int32_t)insp_rd32(b, off));
			else
				fprintf(f, " %s=%u", knobs[k].name, insp_rd32(b, off));
		}
		if (i == INSP_FAIL_PAGE_ALLOC) {
			have = insp_read_u32(in, l->sym.vm_event_states + l->vm_event.event +
					     4ull * l->pgalloc_fail_injected, &injected);
		} else {
			injected = insp_rd32(b, l->failslab_attr.injected);
			have = true;
		}
		if (have)
			fprintf(f, " injected=%u", injected);
		else
			fputs(" injected=?", f);
		if (i == INSP_FAIL_SLAB)
			show_caches(in, f);
		fputc('\n', f);
	}
}
