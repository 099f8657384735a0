/*
 * mem_map checker: one sequential pass over every struct page, in runs of
 * pfns that share a zone, RAM-or-hole status and must-be-reserved status,
 * so the inner loop is three loads and a compare for the common cases (an
 * untouched page, a tail of a free block).  It enforces the encoding
 * mm_types.h documents: all-zero is valid, the zone is derived from the
 * pfn, holes stay zero, free pages carry no counts, flags combine legally;
 * and the per-zone totals (reserved + managed = present).
 *
 * Uses the free-list walk's pstate (check_buddy.c) to know which pages are
 * free; without it only the rules that need no free-list knowledge run.
 * A page in a deferred range (PS_DEFERRED) must be all-zero and not
 * boot-reserved; that is all that is checked of it (buddy.deferred).
 * With the slab walk's page map (check_slab.c), a PG_slab page outside
 * every listed slab is a slab.page violation (a leaked or lost slab).
 */
#include <string.h>

#include "abi.h"
#include "inspect.h"

#define PG_SHIFT 12

struct run_ctx {
	struct insp *in;
	uint32_t bit[IPG_NR];
	uint32_t poisoned, buddy, reserved, slab;
	uint64_t hole_free[INSP_MAX_ZONES];   /* hole pfns counted as free */
};

/* Pairs of flags that never appear together. */
static const struct { enum insp_pg a, b; } forbidden[] = {
	{ IPG_slab, IPG_table }, { IPG_slab, IPG_reserved }, { IPG_slab, IPG_lru },
	{ IPG_slab, IPG_poisoned }, { IPG_table, IPG_lru }, { IPG_table, IPG_head },
	{ IPG_table, IPG_poisoned }, { IPG_reserved, IPG_lru }, { IPG_reserved, IPG_poisoned },
	{ IPG_head, IPG_table },
};

static void place_pfn(char *buf, uint64_t pfn)
{
	snprintf(buf, INSP_PLACE_MAX, "pfn %#llx", (unsigned long long)pfn);
}

/* Reports page.flags; true if the flags were illegal. */
static bool check_flags(struct run_ctx *c, uint64_t pfn, uint32_t flags)
{
	const struct insp_layout *l = c->in->lay;
	char place[INSP_PLACE_MAX];
	bool bad = false;

	if (flags & ~l->pg_valid_mask) {
		place_pfn(place, pfn);
		insp_report_add(c->in->rep, R_PAGE_FLAGS, place, "unknown flag bits %#x (flags %#x)",
				flags & ~l->pg_valid_mask, flags);
		bad = true;
	}
	if (flags & c->buddy) {
		uint32_t other = flags & ~(c->buddy | c->poisoned);

		if (other) {
			place_pfn(place, pfn);
			insp_report_add(c->in->rep, R_PAGE_FLAGS, place, "PG_buddy with other flags "
					"%#x (flags %#x)", other, flags);
			bad = true;
		}
		return bad;
	}
	for (size_t i = 0; i < sizeof(forbidden) / sizeof(forbidden[0]); i++) {
		if ((flags & c->bit[forbidden[i].a]) && (flags & c->bit[forbidden[i].b])) {
			place_pfn(place, pfn);
			insp_report_add(c->in->rep, R_PAGE_FLAGS, place, "PG_%s with PG_%s (flags %#x)",
					insp_pg_names[forbidden[i].a], insp_pg_names[forbidden[i].b],
					flags);
			return true;
		}
	}
	return bad;
}

/* Everything about one RAM page that the fast path did not clear. */
static void slow_page(struct run_ctx *c, uint64_t pfn, const uint8_t *p, uint8_t ps,
		      bool must_reserve, bool zone_broken)
{
	struct insp *in = c->in;
	const struct insp_layout *l = in->lay;
	uint32_t flags = insp_rd32(p, l->page.flags);
	int32_t mapc = (int32_t)insp_rd32(p, l->page.mapcount);
	int32_t ref = (int32_t)insp_rd32(p, l->page.refcount);
	char place[INSP_PLACE_MAX];
	bool bad_flags = false;

	if (must_reserve && !(flags & c->reserved)) {
		place_pfn(place, pfn);
		insp_report_add(in->rep, R_MEM_RESERVED, place, "reserved RAM (boot area, kernel "
				"image or mem_map) without PG_reserved (flags %#x)", flags);
	}
	if (flags)
		bad_flags = check_flags(c, pfn, flags);
	/* A PG_slab page must be a page of a listed slab (the slab walk marked
	 * them all, or made no claim); an illegal combination is page.flags'. */
	if ((flags & c->slab) && !bad_flags && in->slab_pages_valid &&
	    !(in->slabmap[pfn >> 3] & (1u << (pfn & 7)))) {
		place_pfn(place, pfn);
		insp_report_add(in->rep, R_SLAB_PAGE, place, "PG_slab, but in no slab of any cache "
				"(slab_cache %#x, slab %#x)", insp_rd32(p, l->page.slab_cache),
				insp_rd32(p, l->page.slab));
	}
	if (ref < 0 || mapc < 0) {
		place_pfn(place, pfn);
		insp_report_add(in->rep, R_PAGE_COUNT, place, "refcount %d, mapcount %d", ref, mapc);
	}
	if ((ref || mapc) && ((ps & PS_FREE) || (flags & c->buddy))) {
		place_pfn(place, pfn);
		insp_report_add(in->rep, R_PAGE_FREE_REFCOUNT, place, "%s page has refcount %d, "
				"mapcount %d", (ps & PS_ORDER_MASK) ? "free (buddy head)" :
				(ps & PS_TAIL) ? "free (inside a free block)" :
				(ps & PS_PCP) ? "free (per-CPU list)" : "PageBuddy", ref, mapc);
	}
	if ((ps & PS_TAIL) && !(ps & (PS_ORDER_MASK | PS_PCP))) {
		uint32_t head = insp_rd32(p, l->page.compound_head);

		if ((flags & ~c->poisoned) || (head & 1)) {
			place_pfn(place, pfn);
			insp_report_add(in->rep, R_BUDDY_TAIL, place, "inside a free block but %s "
					"(flags %#x, compound_head %#x)",
					(flags & c->buddy) ? "PageBuddy" :
					(head & 1) ? "a compound tail" : "flagged", flags, head);
		}
	} else if ((flags & c->buddy) && !ps && !zone_broken && in->pstate_valid) {
		place_pfn(place, pfn);
		insp_report_add(in->rep, R_BUDDY_STRAY, place, "PageBuddy (order %u) but on no free "
				"list", insp_rd32(p, l->page.private_));
	}
}

static bool page_all_zero(const uint8_t *p, uint32_t size)
{
	uint8_t acc = 0;

	for (uint32_t i = 0; i < size; i++)
		acc |= p[i];
	return !acc;
}

/* A page of a deferred range that the fast path did not clear. */
static void deferred_page(struct run_ctx *c, uint64_t pfn, const uint8_t *p, bool must_reserve)
{
	const struct insp_layout *l = c->in->lay;
	char place[INSP_PLACE_MAX];

	if (must_reserve) {
		place_pfn(place, pfn);
		insp_report_add(c->in->rep, R_BUDDY_DEFERRED, place, "boot-reserved RAM (boot area, "
				"kernel image or mem_map) inside a deferred range");
	} else if (!page_all_zero(p, l->page.size)) {
		place_pfn(place, pfn);
		insp_report_add(c->in->rep, R_BUDDY_DEFERRED, place, "inside a deferred range but "
				"its struct page is not all zero (flags %#x, refcount %d, mapcount %d, "
				"private %#x)", insp_rd32(p, l->page.flags),
				(int32_t)insp_rd32(p, l->page.refcount),
				(int32_t)insp_rd32(p, l->page.mapcount), insp_rd32(p, l->page.private_));
	}
}

static void scan_ram(struct run_ctx *c, uint64_t s, uint64_t e, unsigned z, bool must_reserve)
{
	struct insp *in = c->in;
	const struct insp_layout *l = in->lay;
	struct insp_zone *zn = &in->st.zone[z];
	const uint8_t *mm = in->st.mem_map;
	const uint8_t *ps = in->pstate_valid ? in->pstate : NULL;
	const uint32_t sz = l->page.size, of = l->page.flags, om = l->page.mapcount;
	const uint32_t orf = l->page.refcount, och = l->page.compound_head;
	const uint32_t reserved = c->reserved;
	bool broken = zn->lists_broken;
	uint64_t nres = 0;

	for (uint64_t pfn = s; pfn < e; pfn++) {
		const uint8_t *p = mm + pfn * sz;

		/* Fast path for most of RAM: 8 untouched pages, 8 tails of a
		 * free block or 8 pages of a deferred range are 8 all-zero
		 * struct pages (one OR over them). */
		if (!must_reserve && !(pfn & 7) && pfn + 8 <= e && !(sz & 7)) {
			uint64_t ps8 = 0, acc = 0, w;

			if (ps)
				memcpy(&ps8, ps + pfn, 8);
			if (ps8 == 0 || ps8 == PS_TAIL * 0x0101010101010101ull ||
			    ps8 == PS_DEFERRED * 0x0101010101010101ull) {
				for (uint32_t off = 0; off < 8 * sz; off += 8) {
					memcpy(&w, p + off, 8);
					acc |= w;
				}
				if (!acc) {
					pfn += 7;
					continue;
				}
			}
		}
		uint32_t flags = insp_rd32(p, of);
		int32_t counts = (int32_t)(insp_rd32(p, om) | insp_rd32(p, orf));
		uint8_t st = ps ? ps[pfn] : 0;

		nres += (flags & reserved) != 0;
		if (st & PS_DEFERRED) {
			deferred_page(c, pfn, p, must_reserve);
			continue;
		}
		if (!st) {
			/* Untouched, allocated without flags, or reserved: no
			 * negative count, and PG_reserved where boot reserved. */
			if (!(flags & ~reserved) && counts >= 0 && (!must_reserve || flags))
				continue;
		} else if (st == PS_TAIL && !(flags | (uint32_t)counts) && !must_reserve &&
			   !(insp_rd32(p, och) & 1)) {
			continue;   /* a clean tail of a free block */
		}
		slow_page(c, pfn, p, st, must_reserve, broken);
	}
	zn->reserved_pages += nres;
	zn->ram_pages += e - s;
}

static void scan_hole(struct run_ctx *c, uint64_t s, uint64_t e, unsigned z)
{
	struct insp *in = c->in;
	const struct insp_layout *l = in->lay;
	const uint8_t *ps = in->pstate_valid ? in->pstate : NULL;
	char place[INSP_PLACE_MAX];

	for (uint64_t pfn = s; pfn < e; pfn++) {
		const uint8_t *p = in->st.mem_map + pfn * l->page.size;
		uint32_t flags = insp_rd32(p, l->page.flags);
		int32_t mapc = (int32_t)insp_rd32(p, l->page.mapcount);
		int32_t ref = (int32_t)insp_rd32(p, l->page.refcount);
		uint8_t st = ps ? ps[pfn] : 0;

		if (!(flags | (uint32_t)mapc | (uint32_t)ref | st))
			continue;
		place_pfn(place, pfn);
		insp_report_add(in->rep, R_MEM_HOLE, place, "a hole in the memory map, but %s "
				"(flags %#x, refcount %d, mapcount %d)",
				(st & PS_ORDER_MASK) ? "on a free list" : (st & PS_TAIL) ?
				"inside a free block" : (st & PS_PCP) ? "on a per-CPU list" :
				(flags & c->buddy) ? "PageBuddy" : ref ? "allocated" : "in use",
				flags, ref, mapc);
		if (st & PS_FREE)
			c->hole_free[z]++;
	}
}

/* The smallest edge > pfn among RAM region edges and the ISA hole. */
static uint64_t ram_edge(const struct insp *in, uint64_t pfn, uint64_t limit)
{
	uint64_t best = limit;
	uint64_t edges[2 * GUEST_MEM_MAX_REGIONS + 2];
	unsigned n = 0;

	for (unsigned i = 0; i < in->mem->nr_regions; i++) {
		edges[n++] = in->mem->region[i].gpa >> PG_SHIFT;
		edges[n++] = (in->mem->region[i].gpa + in->mem->region[i].size) >> PG_SHIFT;
	}
	edges[n++] = LEGACY_HOLE_START >> PG_SHIFT;
	edges[n++] = LEGACY_HOLE_END >> PG_SHIFT;
	for (unsigned i = 0; i < n; i++)
		if (edges[i] > pfn && edges[i] < best)
			best = edges[i];
	return best;
}

struct range { uint64_t s, e; };

void insp_check_mem(struct insp *in)
{
	const struct insp_layout *l = in->lay;
	struct insp_state *st = &in->st;
	struct run_ctx c = { .in = in };
	struct range res[3];
	uint64_t mm_pa = st->mem_map_va - l->page_offset;
	char place[INSP_PLACE_MAX];

	if (!st->mem_map)
		return;
	for (int i = 0; i < IPG_NR; i++)
		c.bit[i] = 1u << l->pg[i];
	c.poisoned = c.bit[IPG_poisoned];
	c.buddy = c.bit[IPG_buddy];
	c.reserved = c.bit[IPG_reserved];
	c.slab = c.bit[IPG_slab];
	insp_report_ran(in->rep, R_MEM_HOLE);
	insp_report_ran(in->rep, R_MEM_RESERVED);
	insp_report_ran(in->rep, R_PAGE_FLAGS);
	insp_report_ran(in->rep, R_PAGE_COUNT);
	insp_report_ran(in->rep, R_ZONE_TOTALS);
	if (in->pstate_valid) {
		insp_report_ran(in->rep, R_PAGE_FREE_REFCOUNT);
		insp_report_ran(in->rep, R_BUDDY_TAIL);
		insp_report_ran(in->rep, R_BUDDY_STRAY);
	}

	/* RAM that boot reserved and that must therefore be PG_reserved. */
	res[0] = (struct range){ 0, (BOOT_AREA_END + 4095) >> PG_SHIFT };
	res[1] = (struct range){ in->kernel_start_pa >> PG_SHIFT, (in->kernel_end_pa + 4095) >> PG_SHIFT };
	res[2] = (struct range){ mm_pa >> PG_SHIFT,
				 (mm_pa + st->npfn * l->page.size + 4095) >> PG_SHIFT };

	for (unsigned z = 0; z < st->nr_zones; z++)
		st->zone[z].reserved_pages = st->zone[z].ram_pages = 0;

	for (uint64_t pfn = 0; pfn < st->npfn;) {
		unsigned z = insp_pfn_zone(in, pfn);
		uint64_t end = ram_edge(in, pfn, st->npfn);
		bool must = false;

		for (unsigned i = 1; i < st->nr_zones; i++)
			if (st->zone[i].start > pfn && st->zone[i].start < end)
				end = st->zone[i].start;
		for (unsigned i = 0; i < 3; i++) {
			if (pfn >= res[i].s && pfn < res[i].e) {
				must = true;
				if (res[i].e < end)
					end = res[i].e;
			} else if (res[i].s > pfn && res[i].s < end) {
				end = res[i].s;
			}
		}
		if (insp_pfn_is_ram(in, pfn))
			scan_ram(&c, pfn, end, z, must);
		else
			scan_hole(&c, pfn, end, z);
		pfn = end;
	}

	for (unsigned z = 0; z < st->nr_zones; z++) {
		const struct insp_zone *zn = &st->zone[z];
		uint64_t free = zn->buddy_pages + zn->pcp_pages;

		free = free > c.hole_free[z] ? free - c.hole_free[z] : 0;

		snprintf(place, sizeof(place), "zone %s", zn->name);
		if (zn->reserved_pages + zn->managed != zn->present)
			insp_report_add(in->rep, R_ZONE_TOTALS, place, "%llu reserved + %llu managed "
					"pages != %llu present", (unsigned long long)zn->reserved_pages,
					(unsigned long long)zn->managed, (unsigned long long)zn->present);
		if (in->pstate_valid && !zn->lists_broken && free > zn->managed)
			insp_report_add(in->rep, R_ZONE_TOTALS, place, "%llu free pages (buddy %llu + "
					"pcp %llu) > %llu managed", (unsigned long long)free,
					(unsigned long long)zn->buddy_pages,
					(unsigned long long)zn->pcp_pages, (unsigned long long)zn->managed);
	}
}
