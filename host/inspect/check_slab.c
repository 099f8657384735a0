/*
 * Slab checker (crash's `kmem -s`, Linux's check_slabp and SLUB's
 * validate_slab from outside): walks slab_caches and, for every cache, its
 * full, partial and free slab lists, each slab's descriptor, pages and
 * bufctl free chain, the per-CPU array caches and, with slab_debug=Z / P,
 * the red zones and poison of every object.  guest/include/slab.h is the
 * specification; every offset comes from the layout note.
 *
 * The walk, in three phases:
 *   1. the cache list (slab.cache): each entry a readable struct kmem_cache
 *      whose geometry is possible; entries are remembered in a set of VAs,
 *      so a loop is found at its first repeat and the walk stops; at most
 *      INSP_MAX_CACHES entries.  kmalloc_caches[][] and every off-slab
 *      cache's freelist_cache must be caches of the list.
 *   2. per cache, its array caches: the entries, sorted, to be matched
 *      against the slabs' objects.
 *   3. per cache, the three lists (slab.list): every entry a readable
 *      descriptor not seen before on any list (the same set of VAs), at most
 *      one slab per pfn of guest RAM in all; per slab the list/inuse
 *      agreement, the colour offset and layout (slab.colour), the pages
 *      (slab.page, which also marks them in in->slabmap), the bufctl chain
 *      (slab.freelist_range, slab.freelist_dup: each step visits a new
 *      index below num, so at most num steps), slab.inuse, slab.count, the
 *      array-cache entries that fall in its buffers (slab.active), and the
 *      debug words of its objects (slab.redzone, slab.poison).
 *
 * A slab whose layout or pages cannot be trusted is not read further, and
 * a cache whose lists or chains could not all be walked makes no count
 * claims (free_objects, total_slabs, stray PG_slab pages, the nr_slab_*
 * counters): the structural violation is the one reported, as in
 * check_buddy.c.  Everything read goes through insp_kptr(), which checks
 * that the range is lowmem RAM, so garbage gives violations, never a crash.
 *
 * Object states, from the descriptor and the array caches: an object on
 * the free chain or in an array cache is free (red zones RED_INACTIVE,
 * poisoned with POISON_FREE ... POISON_END); an object marked
 * BUFCTL_ACTIVE and in no array cache is in use (red zones RED_ACTIVE; its
 * contents belong to its owner).
 */
#include <stdlib.h>
#include <string.h>

#include "inspect.h"

#define PG_SHIFT 12

const char *const insp_slab_list_names[SL_NR] = { "partial", "full", "free" };

/* objstate[] bits */
#define OS_FREE   1   /* on the free chain */
#define OS_ACTIVE 2   /* bufctl[i] == BUFCTL_ACTIVE */
#define OS_AC     4   /* in an array cache */

#define TAG_CACHE 0x80000000u
#define TAG_AC    0x40000000u   /* vset value of an array cache: TAG_AC | cache index */

static bool grow(void **p, size_t *cap, size_t need, size_t elem)
{
	void *n;

	if (need <= *cap)
		return true;
	if (need < 2 * *cap)
		need = 2 * *cap;
	n = realloc(*p, need * elem);
	if (!n)
		return false;
	*p = n;
	*cap = need;
	return true;
}

/* ---- A set of guest VAs (open addressing, linear probing) -------------- */

static uint32_t vhash(uint32_t va, size_t cap)
{
	return (uint32_t)((va * 2654435761u) ^ (va >> 15)) & (uint32_t)(cap - 1);
}

static bool vset_reset(struct insp *in, size_t expect)
{
	size_t cap = 1024;

	while (cap < 2 * expect)
		cap *= 2;
	if (cap > in->vset_cap) {
		uint32_t *k = realloc(in->vset, cap * sizeof(uint32_t));

		if (!k)
			return false;
		in->vset = k;
		k = realloc(in->vset_val, cap * sizeof(uint32_t));
		if (!k)
			return false;
		in->vset_val = k;
		in->vset_cap = cap;
	}
	memset(in->vset, 0, in->vset_cap * sizeof(uint32_t));
	in->vset_n = 0;
	return true;
}

/* The value stored for va, or NULL. */
static uint32_t *vset_get(const struct insp *in, uint32_t va)
{
	for (uint32_t h = vhash(va, in->vset_cap);; h = (h + 1) & (uint32_t)(in->vset_cap - 1)) {
		if (!in->vset[h])
			return NULL;
		if (in->vset[h] == va)
			return &in->vset_val[h];
	}
}

/* Insert va (nonzero, not present).  False if out of memory. */
static bool vset_put(struct insp *in, uint32_t va, uint32_t val)
{
	if (2 * (in->vset_n + 1) > in->vset_cap) {
		size_t ocap = in->vset_cap, cap = ocap * 2;
		uint32_t *ok = in->vset, *ov = in->vset_val;
		uint32_t *nk = calloc(cap, sizeof(uint32_t)), *nv = malloc(cap * sizeof(uint32_t));

		if (!nk || !nv) {
			free(nk);
			free(nv);
			return false;
		}
		in->vset = nk;
		in->vset_val = nv;
		in->vset_cap = cap;
		in->vset_n = 0;
		for (size_t i = 0; i < ocap; i++)
			if (ok[i])
				vset_put(in, ok[i], ov[i]);
		free(ok);
		free(ov);
	}
	uint32_t h = vhash(va, in->vset_cap);

	while (in->vset[h])
		h = (h + 1) & (uint32_t)(in->vset_cap - 1);
	in->vset[h] = va;
	in->vset_val[h] = val;
	in->vset_n++;
	return true;
}

/* ---- Helpers -------------------------------------------------------------- */

static uint16_t rd16(const uint8_t *p, uint32_t off)
{
	uint16_t v;

	memcpy(&v, p + off, 2);
	return v;
}

/* The NUL-terminated printable string at a guest kernel address (cut at
 * len - 1 bytes); "?" and false if it is unreadable or not printable. */
static bool read_cache_name(const struct insp *in, uint32_t va, char *buf, size_t len)
{
	/* One bounds check for the usual case; byte by byte near RAM's end. */
	const char *win = insp_kptr(in, va, len - 1);

	for (size_t i = 0; i + 1 < len; i++) {
		const char *c = win ? win + i : insp_kptr(in, (uint64_t)va + i, 1);

		if (!c || (*c && (*c < 0x20 || *c > 0x7e)))
			break;
		buf[i] = *c;
		if (!*c)
			return true;
		if (i + 2 == len) {
			buf[i + 1] = '\0';
			return true;
		}
	}
	snprintf(buf, len, "?");
	return false;
}

static uint64_t align_up(uint64_t x, uint64_t a)
{
	return (x + a - 1) & ~(a - 1);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Index of the first byte of [p, p + n) that is not c, or n. */
static size_t first_not(const uint8_t *p, size_t n, uint8_t c)
{
	const uint64_t pat = 0x0101010101010101ull * c;
	size_t i = 0;
	uint64_t w;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		if (w != pat)
			break;
	}
	for (; i < n; i++)
		if (p[i] != c)
			return i;
	return n;
}

/*
 * Places are formatted only when a violation is reported: a clean walk
 * calls no snprintf (formatting a place per slab cost more than the checks).
 */
static const char *cplace(char *buf, const struct insp_cache *c)
{
	snprintf(buf, INSP_PLACE_MAX, "cache %.40s %#x", c->name, c->va);
	return buf;
}

static const char *cname(char *buf, const struct insp_cache *c)
{
	snprintf(buf, INSP_PLACE_MAX, "cache %.50s", c->name);
	return buf;
}

static const char *splace(char *buf, const struct insp_cache *c, uint32_t sva)
{
	snprintf(buf, INSP_PLACE_MAX, "cache %.40s slab %#x", c->name, sva);
	return buf;
}

static const char *lplace(char *buf, const struct insp_cache *c, int L)
{
	snprintf(buf, INSP_PLACE_MAX, "cache %.40s slabs_%s", c->name, insp_slab_list_names[L]);
	return buf;
}

static const char *acplace(char *buf, const struct insp_cache *c, unsigned cpu)
{
	snprintf(buf, INSP_PLACE_MAX, "cache %.40s cpu %u", c->name, cpu);
	return buf;
}

static uint64_t slab_bytes(const struct insp_cache *c)
{
	return 4096ull << c->gfporder;
}

/* ---- Phase 1: the cache list -------------------------------------------- */

/* Decode one cache and judge its geometry (slab.cache); sets c->sane. */
static void decode_cache(struct insp *in, struct insp_cache *c, const uint8_t *p)
{
	const struct insp_layout *l = in->lay;
	struct insp_report *rep = in->rep;
	const uint32_t node = l->kmc.node;
	char place[INSP_PLACE_MAX];
	const char *why = NULL;
	bool name_ok;

	c->flags = insp_rd32(p, l->kmc.flags);
	c->size = insp_rd32(p, l->kmc.size_);
	c->object_size = insp_rd32(p, l->kmc.object_size);
	c->num = insp_rd32(p, l->kmc.num);
	c->gfporder = insp_rd32(p, l->kmc.gfporder);
	c->colour = insp_rd32(p, l->kmc.colour);
	c->colour_off = insp_rd32(p, l->kmc.colour_off);
	c->slab_size = insp_rd32(p, l->kmc.slab_size);
	c->obj_offset = insp_rd32(p, l->kmc.obj_offset);
	c->align = insp_rd32(p, l->kmc.align);
	c->freelist_cache = insp_rd32(p, l->kmc.freelist_cache);
	c->limit = insp_rd32(p, l->kmc.limit);
	c->batchcount = insp_rd32(p, l->kmc.batchcount);
	c->shared = insp_rd32(p, l->kmc.shared);
	c->total_slabs = insp_rd32(p, node + l->kmn.total_slabs);
	c->free_slabs = insp_rd32(p, node + l->kmn.free_slabs);
	c->free_objects = insp_rd32(p, node + l->kmn.free_objects);
	c->head_va[SL_PARTIAL] = c->va + node + l->kmn.slabs_partial;
	c->head_va[SL_FULL] = c->va + node + l->kmn.slabs_full;
	c->head_va[SL_FREE] = c->va + node + l->kmn.slabs_free;
	for (unsigned cpu = 0; cpu < l->nr_cpus; cpu++)
		c->cpu_cache[cpu] = insp_rd32(p, l->kmc.cpu_cache + 4 * cpu);
	name_ok = read_cache_name(in, insp_rd32(p, l->kmc.name), c->name, sizeof(c->name));
	c->sane = false;
	c->lists_ok = c->chains_ok = c->pages_ok = false;
	c->nr_slabs = 0;
	c->chain_free = 0;
	memset(c->listed, 0, sizeof(c->listed));

	if (!name_ok)
		insp_report_add(rep, R_SLAB_CACHE, cplace(place, c),
				"name pointer %#x is not a readable string",
				insp_rd32(p, l->kmc.name));
	if (!c->size || !c->object_size || c->object_size > c->size)
		why = "object_size is 0 or larger than the buffer size";
	else if (!c->num || c->num > l->sc.obj_max_num)
		why = "num is 0 or above SLAB_OBJ_MAX_NUM";
	else if (c->gfporder >= l->max_order)
		why = "gfporder is not below MAX_ORDER";
	else if (!c->colour_off)
		why = "colour_off is 0";
	else if ((uint64_t)c->num * c->size > slab_bytes(c))
		why = "num buffers of size bytes do not fit the slab";
	else if ((uint64_t)c->obj_offset + c->object_size > c->size)
		why = "the object does not fit its buffer at obj_offset";
	else if (!(c->flags & l->sc.cflgs_off_slab) &&
		 c->slab_size < insp_slab_desc_len(l, c->num))
		why = "slab_size is too small for the descriptor and num bufctl entries";
	else if ((uint64_t)c->colour * c->colour_off + (uint64_t)c->num * c->size +
		 ((c->flags & l->sc.cflgs_off_slab) ? 0 : c->slab_size) > slab_bytes(c))
		why = "colour * colour_off + descriptor + buffers exceed the slab";
	else if ((c->flags & l->sc.red_zone) &&
		 (c->obj_offset < l->sc.redzone_size ||
		  (uint64_t)c->obj_offset + align_up(c->object_size, l->sc.redzone_align) +
		  l->sc.redzone_size > c->size))
		why = "SLAB_RED_ZONE but the red zones do not fit the buffer";
	if (why) {
		insp_report_add(rep, R_SLAB_CACHE, cplace(place, c),
				"%s (size %u, object_size %u, num %u, "
				"gfporder %u, colour %u x %u, slab_size %u, obj_offset %u)", why,
				c->size, c->object_size, c->num, c->gfporder, c->colour, c->colour_off,
				c->slab_size, c->obj_offset);
		return;
	}
	c->sane = true;
}

/*
 * Walk slab_caches into in->caches (phase 1).  Returns false if the list
 * head itself cannot be read.  *complete: the walk ended at the head.
 */
static bool walk_caches(struct insp *in, bool *complete)
{
	const struct insp_layout *l = in->lay;
	struct insp_report *rep = in->rep;
	const uint64_t head = l->sym.slab_caches;
	const uint8_t *hp = insp_kptr(in, head, l->list.size);
	uint32_t next, prev_va = (uint32_t)head;
	char place[INSP_PLACE_MAX];

	*complete = false;
	in->ncaches = 0;
	if (!hp) {
		insp_report_add(rep, R_SLAB_CACHE, "slab_caches", "cannot read the list head at %#llx",
				(unsigned long long)head);
		return false;
	}
	if (!vset_reset(in, 64))
		return false;
	next = insp_rd32(hp, l->list.next);
	for (;;) {
		const uint8_t *p;
		uint32_t cva;
		struct insp_cache *c;

		if (next == (uint32_t)head) {
			uint32_t hprev = insp_rd32(hp, l->list.prev);

			if (hprev != prev_va)
				insp_report_add(rep, R_SLAB_CACHE, "slab_caches", "head's prev is %#x, but "
						"the last entry is %#x", hprev, prev_va);
			*complete = true;
			break;
		}
		if (in->ncaches >= INSP_MAX_CACHES) {
			insp_report_add(rep, R_SLAB_CACHE, "slab_caches", "more than %d caches: the list "
					"does not end", INSP_MAX_CACHES);
			break;
		}
		cva = next - l->kmc.list;
		p = next >= l->kmc.list ? insp_kptr(in, cva, l->kmc.size) : NULL;
		if (!p) {
			insp_report_add(rep, R_SLAB_CACHE, "slab_caches", "entry %zu: %#x (after %#x) is "
					"not a struct kmem_cache in lowmem", in->ncaches, next, prev_va);
			break;
		}
		if (vset_get(in, cva)) {
			insp_report_add(rep, R_SLAB_CACHE, "slab_caches", "entry %zu (cache %#x) is "
					"already on the list: the list loops", in->ncaches, cva);
			break;
		}
		if (!grow((void **)&in->caches, &in->caches_cap, in->ncaches + 1, sizeof(*in->caches)) ||
		    !vset_put(in, cva, TAG_CACHE | (uint32_t)in->ncaches))
			break;
		c = &in->caches[in->ncaches++];
		memset(c, 0, sizeof(*c));
		c->va = cva;
		decode_cache(in, c, p);
		if (insp_rd32(p, l->kmc.list + l->list.prev) != prev_va) {
			insp_report_add(rep, R_SLAB_CACHE, cplace(place, c),
					"list.prev is %#x, expected %#x",
					insp_rd32(p, l->kmc.list + l->list.prev), prev_va);
		}
		prev_va = next;
		next = insp_rd32(p, l->kmc.list + l->list.next);
	}
	return true;
}

/* The cache at va among the walked ones, or NULL (vset holds caches). */
static struct insp_cache *cache_at(struct insp *in, uint32_t va)
{
	uint32_t *v = va ? vset_get(in, va) : NULL;

	if (!v || !(*v & TAG_CACHE) || (*v & ~TAG_CACHE) >= in->ncaches)
		return NULL;
	return &in->caches[*v & ~TAG_CACHE];
}

/* freelist_cache and kmalloc_caches[][] point at caches of the list. */
static void cache_refs(struct insp *in)
{
	const struct insp_layout *l = in->lay;
	struct insp_report *rep = in->rep;
	const uint32_t n = l->sc.nr_kmalloc_types * (l->sc.kmalloc_shift_high + 1);
	const uint8_t *km = insp_kptr(in, l->sym.kmalloc_caches, 4ull * n);
	char place[INSP_PLACE_MAX];

	for (size_t i = 0; i < in->ncaches; i++) {
		struct insp_cache *c = &in->caches[i], *fc;

		if (!c->sane || !(c->flags & l->sc.cflgs_off_slab))
			continue;
		fc = cache_at(in, c->freelist_cache);
		if (!fc) {
			insp_report_add(rep, R_SLAB_CACHE, cplace(place, c),
					"off-slab, but freelist_cache %#x is "
					"not a cache on slab_caches", c->freelist_cache);
			c->sane = false;
		} else if (fc->size < insp_slab_desc_len(l, c->num)) {
			insp_report_add(rep, R_SLAB_CACHE, cplace(place, c),
					"off-slab descriptors of %llu bytes do not "
					"fit freelist_cache %s's %u-byte objects",
					(unsigned long long)insp_slab_desc_len(l, c->num),
					fc->name, fc->size);
			c->sane = false;
		}
	}
	if (!km) {
		insp_report_add(rep, R_SLAB_CACHE, "kmalloc_caches", "cannot read it at %#llx",
				(unsigned long long)l->sym.kmalloc_caches);
		return;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint32_t va = insp_rd32(km, 4 * i);
		const struct insp_cache *c;

		if (!va)
			continue;
		c = cache_at(in, va);
		if (c && (c->flags & l->sc.cflgs_kmalloc))
			continue;
		snprintf(place, sizeof(place), "kmalloc_caches[%u][%u]", i / (l->sc.kmalloc_shift_high + 1),
			 i % (l->sc.kmalloc_shift_high + 1));
		if (!c)
			insp_report_add(rep, R_SLAB_CACHE, place, "%#x is not a cache on slab_caches", va);
		else if (!(c->flags & l->sc.cflgs_kmalloc))
			insp_report_add(rep, R_SLAB_CACHE, place, "cache %s lacks CFLGS_KMALLOC (flags %#x)",
					c->name, c->flags);
	}
}

size_t insp_slab_caches(struct insp *in)
{
	struct insp_report *saved = in->rep;
	bool complete;

	in->rep = NULL;
	in->slab_valid = false;
	if (!walk_caches(in, &complete))
		in->ncaches = 0;
	in->caches_complete = complete;
	in->rep = saved;
	return in->ncaches;
}

/* ---- Phase 2: array caches ----------------------------------------------- */

/*
 * Collect the array-cache entries of cache c (the cidx'th) into in->acbuf
 * (sorted); returns how many, or -1 if an array cache could not be trusted
 * (then no claims are made about them).  Each array cache is read once per
 * check, whoever points at it, and all of them together at most
 * in->ac_left entries, so forged caches cannot make a check cost more than
 * reading RAM once: without both, 4,096 caches sharing one array cache of
 * 65,536 entries would each re-read and re-sort all of them.
 */
static long collect_ac(struct insp *in, const struct insp_cache *c, uint32_t cidx)
{
	const struct insp_layout *l = in->lay;
	struct insp_report *rep = in->rep;
	char place[INSP_PLACE_MAX];
	size_t n = 0;
	bool ok = true;

	for (unsigned cpu = 0; cpu < l->nr_cpus; cpu++) {
		uint32_t va = c->cpu_cache[cpu], avail, limit, batch, *seen;
		const uint8_t *p;

		if (!va)
			continue;
		seen = vset_get(in, va);
		if (seen) {
			insp_report_add(rep, R_SLAB_CACHE, acplace(place, c, cpu),
					"array cache %#x is also %s", va,
					(*seen & TAG_CACHE) ? "a cache" :
					!(*seen & TAG_AC) ? "a slab descriptor" :
					(*seen & ~TAG_AC) == cidx ? "another CPU's of this cache" :
					"another cache's");
			ok = false;
			continue;
		}
		if (!vset_put(in, va, TAG_AC | cidx))
			return -1;
		p = insp_kptr(in, va, l->ac.size);
		if (!p) {
			insp_report_add(rep, R_SLAB_CACHE, acplace(place, c, cpu),
					"cpu_cache %#x is not in lowmem", va);
			ok = false;
			continue;
		}
		avail = insp_rd32(p, l->ac.avail);
		limit = insp_rd32(p, l->ac.limit);
		batch = insp_rd32(p, l->ac.batchcount);
		if (limit > INSP_MAX_AC_LIMIT || avail > limit ||
		    !(p = insp_kptr(in, va, (uint64_t)l->ac.entry + 4ull * limit))) {
			insp_report_add(rep, R_SLAB_CACHE, acplace(place, c, cpu),
					"array cache %#x: avail %u, limit %u: "
					"not a readable array with avail <= limit", va, avail, limit);
			ok = false;
			continue;
		}
		if (limit != c->limit || batch != c->batchcount)
			insp_report_add(rep, R_SLAB_CACHE, acplace(place, c, cpu),
					"array cache limit %u batchcount %u, "
					"the cache says %u %u", limit, batch, c->limit, c->batchcount);
		if (avail >= in->ac_left) {
			if (in->ac_left)
				insp_report_add(rep, R_SLAB_CACHE, acplace(place, c, cpu),
						"the array caches hold more entries than RAM "
						"could hold free objects; this and later ones "
						"are not read");
			in->ac_left = 0;
			ok = false;
			continue;
		}
		in->ac_left -= avail;
		if (!grow((void **)&in->acbuf, &in->acbuf_cap, 2 * (n + avail), sizeof(uint32_t)))
			return -1;
		for (uint32_t i = 0; i < avail; i++)
			in->acbuf[n++] = insp_rd32(p, l->ac.entry + 4 * i);
	}
	if (!ok)
		return -1;
	if (!n)
		return 0;
	qsort(in->acbuf, n, sizeof(uint32_t), cmp_u32);
	for (size_t i = 1; i < n; i++)
		if (in->acbuf[i] == in->acbuf[i - 1])
			insp_report_add(rep, R_SLAB_ACTIVE, cplace(place, c),
					"buffer %#x is in the array caches "
					"twice (a double free)", in->acbuf[i]);
	/* acbuf[n ...) holds one "matched" byte per entry */
	memset(in->acbuf + n, 0, n * sizeof(uint32_t));
	return (long)n;
}

/* ---- Phase 3: slabs ------------------------------------------------------ */

struct cwalk {
	struct insp_cache *c;
	uint32_t cidx;
	long nac;                 /* array-cache entries in acbuf, or -1 */
	uint64_t budget;          /* slabs left for all caches */
};

/* The pages of slab s: slab.page; marks them in slabmap.  False if the
 * slab's memory cannot be trusted. */
static bool check_pages(struct insp *in, struct cwalk *w, struct insp_slab *s)
{
	char place[INSP_PLACE_MAX];
	const struct insp_layout *l = in->lay;
	const struct insp_cache *c = w->c;
	const uint32_t slab_bit = 1u << l->pg[IPG_slab];
	const uint64_t npages = 1ull << c->gfporder;
	uint64_t pfn0, bad = 0, first = 0;
	const char *what = NULL;
	bool recl = c->flags & l->sc.reclaim_account;

	if (s->page_va < l->page_offset) {
		insp_report_add(in->rep, R_SLAB_PAGE, splace(place, w->c, s->va),
				"its pages start at %#x, not a kernel "
				"address", s->page_va);
		return false;
	}
	pfn0 = (s->page_va - l->page_offset) >> PG_SHIFT;
	if (pfn0 + npages > in->st.max_low_pfn || pfn0 + npages > in->st.npfn) {
		insp_report_add(in->rep, R_SLAB_PAGE, splace(place, w->c, s->va),
				"pages [%#llx, %#llx) are not lowmem",
				(unsigned long long)pfn0, (unsigned long long)(pfn0 + npages));
		return false;
	}
	/* Slabs sharing pages could make this (slabs x 2^gfporder) work. */
	if (npages >= in->slab_pages_left) {
		if (in->slab_pages_left)
			insp_report_add(in->rep, R_SLAB_PAGE, splace(place, w->c, s->va),
					"the slabs cover more pages than RAM has; the pages "
					"of this and later slabs are not checked");
		in->slab_pages_left = 0;
		return false;
	}
	in->slab_pages_left -= npages;
	for (uint64_t pfn = pfn0; pfn < pfn0 + npages; pfn++) {
		const uint8_t *pg = insp_page(in, pfn);
		uint32_t flags = insp_rd32(pg, l->page.flags);
		const char *w2 = NULL;

		if (in->slabmap[pfn >> 3] & (1u << (pfn & 7)))
			w2 = "is also a page of another slab";
		else if (in->pstate_valid && (in->pstate[pfn] & PS_FREE))
			w2 = "is free in the buddy allocator";
		else if (!(flags & slab_bit))
			w2 = "lacks PG_slab";
		else if (insp_rd32(pg, l->page.slab_cache) != c->va)
			w2 = "has slab_cache pointing at another cache";
		else if (insp_rd32(pg, l->page.slab) != s->va)
			w2 = "has page->slab pointing at another descriptor";
		if (w2) {
			if (!bad++) {
				first = pfn;
				what = w2;
			}
			continue;
		}
		in->slabmap[pfn >> 3] |= (uint8_t)(1u << (pfn & 7));
		in->slab_zone_pages[insp_pfn_zone(in, pfn)][recl]++;
	}
	if (bad) {
		const uint8_t *pg = insp_page(in, first);

		insp_report_add(in->rep, R_SLAB_PAGE, splace(place, w->c, s->va),
				"pfn %#llx %s (flags %#x, slab_cache %#x, "
				"slab %#x)%s", (unsigned long long)first, what,
				insp_rd32(pg, l->page.flags), insp_rd32(pg, l->page.slab_cache),
				insp_rd32(pg, l->page.slab), bad > 1 ? "; and more pages" : "");
		return false;
	}
	return true;
}

/* Array-cache entries inside the slab's buffers: mark them in objstate. */
static void match_ac(struct insp *in, struct cwalk *w, const struct insp_slab *s, uint32_t s_mem)
{
	char place[INSP_PLACE_MAX];
	const struct insp_cache *c = w->c;
	uint32_t *ac = in->acbuf, *seen = in->acbuf + w->nac;
	uint64_t end = (uint64_t)s_mem + (uint64_t)c->num * c->size;
	size_t lo = 0, hi = (size_t)w->nac;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (ac[mid] < s_mem)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < (size_t)w->nac && ac[i] < end; i++) {
		uint32_t off = ac[i] - s_mem, idx = off / c->size;
		uint8_t *st = &in->objstate[idx];

		seen[i] = 1;
		if (off % c->size)
			insp_report_add(in->rep, R_SLAB_ACTIVE, splace(place, c, s->va),
					"array-cache entry %#x is not the "
					"start of a buffer", ac[i]);
		else if (*st & OS_FREE)
			insp_report_add(in->rep, R_SLAB_ACTIVE, splace(place, c, s->va),
					"buffer %#x (index %u) is both in "
					"an array cache and on the free chain", ac[i], idx);
		else if (!(*st & OS_ACTIVE))
			insp_report_add(in->rep, R_SLAB_ACTIVE, splace(place, c, s->va),
					"array-cache entry %#x (index %u) "
					"is not marked BUFCTL_ACTIVE", ac[i], idx);
		else
			*st |= OS_AC;
	}
}

/* Red zones and poison of every object whose state is known. */
static void check_objects(struct insp *in, const struct insp_cache *c, uint32_t sva,
			  const uint8_t *mem, uint32_t s_mem)
{
	char place[INSP_PLACE_MAX];
	const struct insp_layout *l = in->lay;
	const bool rz = c->flags & l->sc.red_zone, poison = c->flags & l->sc.poison;
	const uint32_t rz2 = c->obj_offset + (uint32_t)align_up(c->object_size, l->sc.redzone_align);
	const uint8_t pf = (uint8_t)l->sc.poison_free, pe = (uint8_t)l->sc.poison_end;

	for (uint32_t i = 0; i < c->num; i++) {
		uint8_t st = in->objstate[i];
		const uint8_t *buf = mem + (size_t)i * c->size;
		const uint8_t *obj = buf + c->obj_offset;
		bool is_free = st & (OS_FREE | OS_AC), in_use = (st & OS_ACTIVE) && !(st & OS_AC);
		uint32_t ova = s_mem + i * c->size + c->obj_offset;

		if (!is_free && !in_use)
			continue;
		if (rz) {
			uint64_t want = is_free ? l->sc.red_inactive : l->sc.red_active;
			uint64_t z1 = insp_rd64(buf, c->obj_offset - l->sc.redzone_size);
			uint64_t z2 = insp_rd64(buf, rz2);

			if (z1 != want || z2 != want)
				insp_report_add(in->rep, R_SLAB_REDZONE, splace(place, c, sva),
						"object %#x (index %u, %s): "
						"red zone %d is %#llx, not %s %#llx%s", ova, i,
						is_free ? "free" : "in use", z1 != want ? 1 : 2,
						(unsigned long long)(z1 != want ? z1 : z2),
						is_free ? "RED_INACTIVE" : "RED_ACTIVE",
						(unsigned long long)want,
						is_free ? "" : " (written past its end or before its start)");
		}
		if (poison && is_free && c->object_size) {
			size_t bad = first_not(obj, c->object_size - 1, pf);

			if (bad == c->object_size - 1 && obj[bad] == pe)
				continue;
			insp_report_add(in->rep, R_SLAB_POISON, splace(place, c, sva),
					"free object %#x (index %u%s): byte "
					"%zu is %#x, not %#x: written after free", ova, i,
					(st & OS_AC) ? ", in an array cache" : "", bad, obj[bad],
					bad == c->object_size - 1 ? pe : pf);
		}
	}
}

/* One slab descriptor at sva on list L of w->c. */
static void check_slab(struct insp *in, struct cwalk *w, enum insp_slab_list L, uint32_t sva,
		       const uint8_t *d)
{
	const struct insp_layout *l = in->lay;
	struct insp_cache *c = w->c;
	struct insp_report *rep = in->rep;
	const bool off_slab = c->flags & l->sc.cflgs_off_slab;
	const uint32_t num = c->num, end_m = l->sc.bufctl_end, act_m = l->sc.bufctl_active;
	uint32_t s_mem = insp_rd32(d, l->slab.s_mem), colouroff = insp_rd32(d, l->slab.colouroff);
	uint32_t free = rd16(d, l->slab.free);
	struct insp_slab *s = &in->slabs[in->nslabs++];
	char place[INSP_PLACE_MAX];
	const uint8_t *mem = NULL;
	uint64_t base;

	memset(s, 0, sizeof(*s));
	s->va = sva;
	s->cache = w->cidx;
	s->list = (uint8_t)L;
	s->inuse = insp_rd32(d, l->slab.inuse);
	c->nr_slabs++;

	/* The list it is on says how many objects are in use. */
	if (s->inuse > num)
		insp_report_add(rep, R_SLAB_INUSE, splace(place, c, sva),
				"inuse %u > num %u", s->inuse, num);
	else if ((L == SL_FULL && s->inuse != num) || (L == SL_FREE && s->inuse != 0) ||
		 (L == SL_PARTIAL && (s->inuse == 0 || s->inuse == num)))
		insp_report_add(rep, R_SLAB_LIST, splace(place, c, sva),
				"on the %s list with inuse %u of %u",
				insp_slab_list_names[L], s->inuse, num);

	/* Colour offset and layout (slab.h): the descriptor on-slab at page +
	 * colouroff with the buffers after it, or the buffers at page +
	 * colouroff. */
	base = (uint64_t)(off_slab ? s_mem : sva);
	if (colouroff % c->colour_off || colouroff / c->colour_off >= (c->colour ? c->colour : 1) ||
	    colouroff > base) {
		insp_report_add(rep, R_SLAB_COLOUR, splace(place, c, sva),
				"colouroff %u is not a colour offset: a "
				"multiple of colour_off %u below %llu (colour %u)", colouroff,
				c->colour_off, (unsigned long long)(c->colour ? c->colour : 1) *
				c->colour_off, c->colour);
		goto untrusted;
	}
	s->page_va = (uint32_t)(base - colouroff);
	if (s->page_va % 4096) {
		insp_report_add(rep, R_SLAB_COLOUR, splace(place, c, sva),
				"its page would start at %#x (%s - colouroff "
				"%u), not page-aligned", s->page_va, off_slab ? "s_mem" : "descriptor",
				colouroff);
		goto untrusted;
	}
	if (!off_slab && s_mem != (uint64_t)sva + c->slab_size) {
		insp_report_add(rep, R_SLAB_COLOUR, splace(place, c, sva),
				"s_mem %#x, expected descriptor + slab_size "
				"= %#llx", s_mem, (unsigned long long)sva + c->slab_size);
		goto untrusted;
	}
	if ((uint64_t)s_mem + (uint64_t)num * c->size > (uint64_t)s->page_va + slab_bytes(c)) {
		insp_report_add(rep, R_SLAB_COLOUR, splace(place, c, sva),
				"buffers [%#x, %#llx) run past the slab's "
				"end %#llx", s_mem, (unsigned long long)s_mem + (uint64_t)num * c->size,
				(unsigned long long)s->page_va + slab_bytes(c));
		goto untrusted;
	}
	if (!check_pages(in, w, s))
		goto untrusted;
	mem = insp_kptr(in, s_mem, (uint64_t)num * c->size);
	if (!mem)
		goto untrusted;
	s->pages_ok = true;

	/* The bufctl array: BUFCTL_ACTIVE marks, then the free chain. */
	memset(in->objstate, 0, num);
	for (uint32_t i = 0; i < num; i++)
		if (rd16(d, l->slab.bufctl + 2 * i) == act_m) {
			in->objstate[i] = OS_ACTIVE;
			s->nactive++;
		}
	s->chain_ok = true;
	for (uint32_t idx = free, n = 0; idx != end_m; n++) {
		if (idx >= num) {
			insp_report_add(rep, R_SLAB_FREELIST_RANGE, splace(place, c, sva),
					"free chain entry %u is %#x, "
					"not an index below num %u%s", n, idx, num,
					n ? "" : " (slab->free)");
			s->chain_ok = false;
			break;
		}
		if (in->objstate[idx] & OS_FREE) {
			insp_report_add(rep, R_SLAB_FREELIST_DUP, splace(place, c, sva),
					"free chain entry %u is index %u "
					"again: the chain loops", n, idx);
			s->chain_ok = false;
			break;
		}
		in->objstate[idx] |= OS_FREE;
		s->nfree++;
		idx = rd16(d, l->slab.bufctl + 2 * idx);
	}
	if (s->inuse <= num && s->nactive != s->inuse)
		insp_report_add(rep, R_SLAB_INUSE, splace(place, c, sva),
				"inuse %u, but %u buffers are marked "
				"BUFCTL_ACTIVE", s->inuse, s->nactive);
	if (s->chain_ok && s->nfree + s->nactive != num)
		insp_report_add(rep, R_SLAB_COUNT, splace(place, c, sva),
				"%u free on the chain + %u in use != num %u",
				s->nfree, s->nactive, num);
	if (s->chain_ok)
		c->chain_free += s->nfree;
	else
		c->chains_ok = false;

	if (w->nac > 0)
		match_ac(in, w, s, s_mem);
	if (c->flags & (l->sc.red_zone | l->sc.poison))
		check_objects(in, c, sva, mem, s_mem);
	return;

untrusted:
	c->pages_ok = false;
	c->chains_ok = false;
}

/* The three lists of one sane cache. */
static void walk_slabs(struct insp *in, struct cwalk *w, const uint8_t *cp)
{
	const struct insp_layout *l = in->lay;
	struct insp_cache *c = w->c;
	struct insp_report *rep = in->rep;
	const uint64_t dlen = insp_slab_desc_len(l, c->num);
	char place[INSP_PLACE_MAX];

	c->first_slab = (uint32_t)in->nslabs;
	c->lists_ok = c->chains_ok = c->pages_ok = true;
	w->nac = collect_ac(in, c, w->cidx);
	for (int L = 0; L < SL_NR; L++) {
		const uint32_t hoff = (uint32_t)(c->head_va[L] - c->va);
		const uint32_t head = c->head_va[L];
		uint32_t next = insp_rd32(cp, hoff + l->list.next), prev = head, n = 0;

		for (;;) {
			const uint8_t *d;
			uint32_t sva, *tag;

			if (next == head) {
				if (insp_rd32(cp, hoff + l->list.prev) != prev)
					insp_report_add(rep, R_SLAB_LIST, lplace(place, c, L),
							"head's prev is %#x, but the "
							"last entry is %#x", insp_rd32(cp, hoff + l->list.prev),
							prev);
				break;
			}
			if (insp_stopping(in)) {
				c->lists_ok = false;
				break;
			}
			if (!w->budget) {
				insp_report_add(rep, R_SLAB_LIST, lplace(place, c, L),
						"more slabs than pages of RAM: the "
						"lists do not end");
				c->lists_ok = false;
				break;
			}
			sva = next - l->slab.list;
			d = next >= l->slab.list ? insp_kptr(in, sva, dlen) : NULL;
			if (!d) {
				insp_report_add(rep, R_SLAB_LIST, lplace(place, c, L),
						"entry %u: %#x (after %#x) is not a "
						"slab descriptor in lowmem", n, next, prev);
				c->lists_ok = false;
				break;
			}
			tag = vset_get(in, sva);
			if (tag) {
				if (*tag == (w->cidx << 2 | (uint32_t)L))
					insp_report_add(rep, R_SLAB_LIST, lplace(place, c, L),
							"entry %u (slab %#x) is already "
							"on this list: the list loops", n, sva);
				else
					insp_report_add(rep, R_SLAB_LIST, lplace(place, c, L),
							"entry %u: slab %#x is also on "
							"another slab list (or is a cache or an "
							"array cache)", n, sva);
				c->lists_ok = false;
				break;
			}
			if (!vset_put(in, sva, w->cidx << 2 | (uint32_t)L) ||
			    !grow((void **)&in->slabs, &in->slabs_cap, in->nslabs + 1, sizeof(*in->slabs))) {
				c->lists_ok = false;
				break;
			}
			if (insp_rd32(d, l->slab.list + l->list.prev) != prev) {
				char sp[INSP_PLACE_MAX];

				insp_report_add(rep, R_SLAB_LIST, splace(sp, c, sva),
						"list.prev is %#x, "
						"expected %#x (%s)", insp_rd32(d, l->slab.list + l->list.prev),
						prev, lplace(place, c, L));
			}
			w->budget--;
			check_slab(in, w, (enum insp_slab_list)L, sva, d);
			n++;
			prev = next;
			next = insp_rd32(d, l->slab.list + l->list.next);
		}
		c->listed[L] = n;
	}

	if (c->lists_ok) {
		uint32_t total = c->listed[0] + c->listed[1] + c->listed[2];

		if (total != c->total_slabs || c->listed[SL_FREE] != c->free_slabs)
			insp_report_add(rep, R_SLAB_LIST, cname(place, c),
					"%u slabs on its lists (%u free), but "
					"total_slabs %u, free_slabs %u", total, c->listed[SL_FREE],
					c->total_slabs, c->free_slabs);
	}
	if (c->lists_ok && c->chains_ok && c->chain_free != c->free_objects)
		insp_report_add(rep, R_SLAB_ACTIVE, cname(place, c),
				"free_objects %u, but its slabs' free chains "
				"hold %llu (slabinfo's active count is off by %lld)", c->free_objects,
				(unsigned long long)c->chain_free,
				(long long)c->chain_free - (long long)c->free_objects);
	if (w->nac > 0 && c->lists_ok && c->pages_ok) {
		const uint32_t *seen = in->acbuf + w->nac;

		for (long i = 0; i < w->nac; i++)
			if (!seen[i])
				insp_report_add(rep, R_SLAB_ACTIVE, cname(place, c),
						"array-cache entry %#x is not a "
						"buffer of any of its slabs", in->acbuf[i]);
	}
}

void insp_check_slab(struct insp *in)
{
	const struct insp_layout *l = in->lay;
	struct insp_report *rep = in->rep;
	static const enum insp_rule rules[] = {
		R_SLAB_CACHE, R_SLAB_LIST, R_SLAB_INUSE, R_SLAB_COUNT, R_SLAB_FREELIST_RANGE,
		R_SLAB_FREELIST_DUP, R_SLAB_PAGE, R_SLAB_COLOUR, R_SLAB_ACTIVE, R_SLAB_NR_PAGES,
		R_SLAB_REDZONE, R_SLAB_POISON,
	};
	size_t mapbytes = (in->st.npfn + 8) / 8, max_num = 0;
	bool complete, all_ok;
	struct cwalk w = { 0 };

	in->slab_valid = false;
	in->slab_pages_valid = false;
	in->nslabs = 0;
	memset(in->slab_zone_pages, 0, sizeof(in->slab_zone_pages));
	if (!in->st.mem_map ||
	    !grow((void **)&in->slabmap, &in->slabmap_cap, mapbytes, 1))
		return;
	memset(in->slabmap, 0, mapbytes);
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		insp_report_ran(rep, rules[i]);

	if (!walk_caches(in, &complete))
		return;
	if (complete)
		cache_refs(in);
	all_ok = complete;
	for (size_t i = 0; i < in->ncaches; i++)
		if (in->caches[i].sane && in->caches[i].num > max_num)
			max_num = in->caches[i].num;
	if (!grow((void **)&in->objstate, &in->objstate_cap, max_num + 1, 1) ||
	    !vset_reset(in, in->ncaches * 16))
		return;
	w.budget = in->st.npfn;
	/* Every entry of a healthy guest's array caches is a distinct free
	 * object of at least 8 bytes: at most 512 per page of RAM. */
	in->ac_left = in->st.npfn * 512 + 1;    /* 0: spent, and said so */
	in->slab_pages_left = in->st.npfn + 1;  /* likewise */
	for (size_t i = 0; i < in->ncaches && !insp_stopping(in); i++) {
		struct insp_cache *c = &in->caches[i];
		const uint8_t *cp = insp_kptr(in, c->va, l->kmc.size);

		if (!c->sane || !cp) {
			all_ok = false;
			continue;
		}
		w.c = c;
		w.cidx = (uint32_t)i;
		walk_slabs(in, &w, cp);
		all_ok &= c->lists_ok && c->pages_ok;
	}
	in->slab_valid = !insp_stopping(in);
	in->slab_pages_valid = all_ok && in->slab_valid;
	if (!in->slab_pages_valid)
		return;

	/* The zone counters of slab pages. */
	for (unsigned z = 0; z < in->st.nr_zones; z++) {
		const struct insp_zone *zn = &in->st.zone[z];
		int64_t r = zn->vm_stat[l->sc.nr_slab_reclaimable];
		int64_t u = zn->vm_stat[l->sc.nr_slab_unreclaimable];
		char place[INSP_PLACE_MAX];

		if (r == (int64_t)in->slab_zone_pages[z][1] && u == (int64_t)in->slab_zone_pages[z][0])
			continue;
		snprintf(place, sizeof(place), "zone %s", zn->name);
		insp_report_add(rep, R_SLAB_NR_PAGES, place, "slabs hold %llu reclaimable + %llu "
					"unreclaimable pages, the counters say %lld + %lld",
					(unsigned long long)in->slab_zone_pages[z][1],
					(unsigned long long)in->slab_zone_pages[z][0], (long long)r,
					(long long)u);
	}
}
