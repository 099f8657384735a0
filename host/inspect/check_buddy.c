/*
 * Free-list checker: walks every zone's free_area[order] list and every
 * per-CPU list (crash's `kmem -f`, JOS's check_page_free_list), recording
 * what it finds in in->pstate (one byte per pfn: buddy head and its order,
 * tail of a free block, pcp page), which the mem_map scan and the page-table
 * checker then use.
 *
 * Robustness: an entry pointer must land on a struct page inside mem_map
 * (at its lru field) or on the list's own head; anything else stops the
 * walk.  Each step visits a pfn not yet visited on this list, or stops with
 * buddy.cycle (already on this list) or buddy.double (already on another
 * list), so a walk takes at most max_pfn steps whatever the guest wrote.
 * A list that could not be walked to its end makes no count claims
 * (nr_free, zone free total, stray PageBuddy pages of that zone): the
 * structural violation is the one reported.
 *
 * Deferred top-order blocks (guest mmzone.h, struct deferred_range) are
 * free but on no list: each zone's ranges in use must be non-empty,
 * aligned to a top-order block, inside the zone and all RAM, and must not
 * overlap a listed block, a per-CPU page or another range; unused entries
 * are zero (buddy.deferred).  Their pages are marked PS_DEFERRED, counted
 * as free (nr_free of the top order, the zone's free total) and checked
 * all-zero by the mem_map scan.  A range that cannot be trusted (bad
 * shape) is not marked and makes no count claims, like a broken list.
 */
#include <stdlib.h>
#include <string.h>

#include "inspect.h"

struct lwalk {
	unsigned zone;
	int order;              /* -1: a per-CPU list */
	unsigned cpu;
	uint64_t head_va;
	uint32_t head_next, head_prev;
	char place[INSP_PLACE_MAX];
};

static bool grow(void **p, size_t *cap, size_t need, size_t elem)
{
	void *n;

	if (need <= *cap)
		return true;
	n = realloc(*p, need * elem);
	if (!n)
		return false;
	*p = n;
	*cap = need;
	return true;
}

static bool scratch(struct insp *in)
{
	size_t n = in->st.npfn ? in->st.npfn : 1;

	if (!grow((void **)&in->pstate, &in->pstate_cap, n, 1) ||
	    !grow((void **)&in->visited, &in->visited_cap, n, sizeof(uint32_t)) ||
	    !grow((void **)&in->blocks, &in->blocks_cap, n, sizeof(struct insp_block)))
		return false;
	memset(in->pstate, 0, n);
	in->nblocks = 0;
	return true;
}

void insp_clear_walk(struct insp *in)
{
	if (in->pstate && in->pstate_valid)
		memset(in->pstate, 0, in->st.npfn);
	in->pstate_valid = false;
	in->nblocks = 0;
}

static bool all_zero(const uint8_t *p, uint64_t n)
{
	uint64_t acc = 0, w, i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		acc |= w;
	}
	for (; i < n; i++)
		acc |= p[i];
	return !acc;
}

static void pfn_place(char *buf, uint64_t pfn, const struct lwalk *w)
{
	if (w->order >= 0)
		snprintf(buf, INSP_PLACE_MAX, "pfn %#llx order %d", (unsigned long long)pfn, w->order);
	else
		snprintf(buf, INSP_PLACE_MAX, "pfn %#llx pcp cpu %u", (unsigned long long)pfn, w->cpu);
}

/* Checks and bookkeeping for one buddy list entry. */
static void visit_buddy(struct insp *in, const struct lwalk *w, uint64_t pfn, const uint8_t *page)
{
	const struct insp_layout *l = in->lay;
	const struct insp_zone *zn = &in->st.zone[w->zone];
	struct insp_report *rep = in->rep;
	uint64_t n = 1ull << w->order, end = pfn + n;
	uint32_t flags = insp_rd32(page, l->page.flags);
	uint32_t priv = insp_rd32(page, l->page.private_);
	char place[INSP_PLACE_MAX];

	pfn_place(place, pfn, w);
	if (!(flags & (1u << l->pg[IPG_buddy])))
		insp_report_add(rep, R_BUDDY_FLAG, place, "on zone %s free_area[%d] but not PageBuddy "
				"(flags %#x)", zn->name, w->order, flags);
	if (priv != (uint32_t)w->order)
		insp_report_add(rep, R_BUDDY_ORDER, place, "on free_area[%d] of zone %s but private "
				"is %u", w->order, zn->name, priv);
	if (pfn & (n - 1))
		insp_report_add(rep, R_BUDDY_ALIGN, place, "pfn not aligned to %llu",
				(unsigned long long)n);
	if (pfn < zn->start || end > zn->start + zn->spanned || end > in->st.npfn)
		insp_report_add(rep, R_BUDDY_ZONE, place, "block [%#llx, %#llx) is not inside zone "
				"%s [%#llx, %#llx)", (unsigned long long)pfn, (unsigned long long)end,
				zn->name, (unsigned long long)zn->start,
				(unsigned long long)(zn->start + zn->spanned));

	/* Mark the block; anything already marked inside it is an overlap. */
	if (end > in->st.npfn)
		end = in->st.npfn;
	uint8_t *ps = in->pstate;
	uint64_t clash = ~0ull;

	/* Overlapping blocks could make this npfn x 2^(MAX_ORDER-1) work. */
	if (end - pfn >= in->marked_left) {
		if (in->marked_left)
			insp_report_add(rep, R_BUDDY_OVERLAP, place, "the free lists cover more than "
					"twice the pages of RAM, so they overlap; this and later "
					"blocks are not marked");
		in->marked_left = 0;
		end = pfn + 1;
	} else {
		in->marked_left -= end - pfn;
	}
	if (ps[pfn] & (PS_TAIL | PS_DEFERRED))
		clash = pfn;
	if (pfn + 1 < end && all_zero(ps + pfn + 1, end - pfn - 1)) {
		memset(ps + pfn + 1, PS_TAIL, end - pfn - 1);   /* the usual case */
		end = pfn + 1;
	}
	for (uint64_t p = pfn + 1; p < end; p++) {
		if (ps[p]) {
			if (clash == ~0ull)
				clash = p;
		} else {
			ps[p] = PS_TAIL;
		}
	}
	ps[pfn] = (uint8_t)((ps[pfn] & PS_TAIL) | (w->order + 1) | PS_CUR);
	if (clash != ~0ull)
		insp_report_add(rep, R_BUDDY_OVERLAP, place, "free block overlaps %s at pfn %#llx",
				ps[clash] & PS_PCP ? "a per-CPU page" :
				(ps[clash] & PS_ORDER_MASK) ? "another free block's head" :
				(ps[clash] & PS_DEFERRED) ? "a deferred range" :
				"another free block", (unsigned long long)clash);
	in->blocks[in->nblocks++] = (struct insp_block){ .pfn = (uint32_t)pfn, .order = (uint8_t)w->order,
							 .zone = (uint8_t)w->zone };
}

static void visit_pcp(struct insp *in, const struct lwalk *w, uint64_t pfn, const uint8_t *page)
{
	const struct insp_layout *l = in->lay;
	const struct insp_zone *zn = &in->st.zone[w->zone];
	uint32_t flags = insp_rd32(page, l->page.flags);
	char place[INSP_PLACE_MAX];

	pfn_place(place, pfn, w);
	if (pfn < zn->start || pfn >= zn->start + zn->spanned)
		insp_report_add(in->rep, R_PCP_PAGE, place, "on a per-CPU list of zone %s, outside "
				"its span", zn->name);
	if (flags & ~(1u << l->pg[IPG_poisoned]))
		insp_report_add(in->rep, R_PCP_PAGE, place, "per-CPU free page has flags %#x", flags);
	if (in->pstate[pfn] & (PS_TAIL | PS_DEFERRED))
		insp_report_add(in->rep, R_BUDDY_OVERLAP, place, "per-CPU page lies inside a free %s",
				(in->pstate[pfn] & PS_DEFERRED) ? "deferred range" : "block");
	in->pstate[pfn] |= PS_PCP | PS_CUR;
}

/* Walk one list; returns the number of entries, *complete if it ended at
 * its head. */
static uint64_t walk_list(struct insp *in, const struct lwalk *w, bool *complete)
{
	const struct insp_layout *l = in->lay;
	struct insp_report *rep = in->rep;
	uint64_t prev_va = w->head_va, n = 0;
	uint32_t next = w->head_next;
	char place[INSP_PLACE_MAX];

	*complete = false;
	for (;;) {
		uint64_t pfn, page_va;
		const uint8_t *page;
		uint32_t eprev;

		if (next == w->head_va) {
			if (w->head_prev != prev_va)
				insp_report_add(rep, R_BUDDY_PREV, w->place, "head's prev is %#x, but the "
						"last entry is %#llx", w->head_prev,
						(unsigned long long)prev_va);
			*complete = true;
			break;
		}
		page_va = (uint64_t)next - l->page.lru;
		pfn = next >= l->page.lru ? insp_va_to_pfn(in, page_va) : ~0ull;
		if (pfn == ~0ull) {
			insp_report_add(rep, R_BUDDY_LIST, w->place, "entry %llu: %#x (after %#llx) is "
					"not a struct page in mem_map", (unsigned long long)n, next,
					(unsigned long long)prev_va);
			break;
		}
		if (!(n & 4095) && insp_stopping(in))
			break;
		pfn_place(place, pfn, w);
		if (in->pstate[pfn] & PS_CUR) {
			insp_report_add(rep, R_BUDDY_CYCLE, w->place, "entry %llu (pfn %#llx) is already "
					"on this list: the list loops", (unsigned long long)n,
					(unsigned long long)pfn);
			break;
		}
		if (in->pstate[pfn] & (PS_ORDER_MASK | PS_PCP)) {
			insp_report_add(rep, R_BUDDY_DOUBLE, place, "on %s and also on another free list",
					w->place);
			break;
		}
		page = insp_page(in, pfn);
		eprev = insp_rd32(page, l->page.lru + l->list.prev);
		if (eprev != prev_va)
			insp_report_add(rep, R_BUDDY_PREV, place, "lru.prev is %#x, expected %#llx "
					"(%s)", eprev, (unsigned long long)prev_va, w->place);
		if (w->order >= 0)
			visit_buddy(in, w, pfn, page);
		else
			visit_pcp(in, w, pfn, page);
		in->visited[n++] = (uint32_t)pfn;
		prev_va = next;
		next = insp_rd32(page, l->page.lru + l->list.next);
	}
	for (uint64_t i = 0; i < n; i++)
		in->pstate[in->visited[i]] &= (uint8_t)~PS_CUR;
	return n;
}

static void unmerged_rule(struct insp *in)
{
	const struct insp_layout *l = in->lay;
	const uint8_t *ps = in->pstate;

	for (size_t i = 0; i < in->nblocks; i++) {
		const struct insp_block *b = &in->blocks[i];
		const struct insp_zone *zn = &in->st.zone[b->zone];
		uint64_t buddy = b->pfn ^ (1ull << b->order);
		char place[INSP_PLACE_MAX];

		if (b->order + 1u >= l->max_order || (b->pfn & ((1ull << b->order) - 1)) ||
		    buddy < b->pfn || buddy >= in->st.npfn ||
		    buddy < zn->start || buddy >= zn->start + zn->spanned)
			continue;
		if ((ps[buddy] & PS_ORDER_MASK) != b->order + 1)
			continue;
		snprintf(place, sizeof(place), "pfn %#llx order %u", (unsigned long long)b->pfn,
			 b->order);
		insp_report_add(in->rep, R_BUDDY_UNMERGED, place, "its buddy pfn %#llx is also a "
				"free block of order %u in zone %s: they should have merged",
				(unsigned long long)buddy, b->order, zn->name);
	}
}

/*
 * Zone z's deferred ranges, after every list of every zone was walked (so
 * an overlap with any listed block or per-CPU page shows in pstate).
 * Marks their pages PS_DEFERRED and sums them in deferred_pages.
 */
static void check_deferred(struct insp *in, unsigned z)
{
	const struct insp_layout *l = in->lay;
	struct insp_zone *zn = &in->st.zone[z];
	const uint64_t bsz = 1ull << (l->max_order - 1);
	const uint64_t zend = zn->start + zn->spanned;
	uint8_t *ps = in->pstate;
	char place[INSP_PLACE_MAX];

	zn->deferred_pages = 0;
	zn->deferred_broken = false;
	if (zn->nr_deferred > l->nr_deferred_ranges) {
		snprintf(place, sizeof(place), "zone %s", zn->name);
		insp_report_add(in->rep, R_BUDDY_DEFERRED, place, "nr_deferred_ranges is %u, but "
				"there are only %u ranges", zn->nr_deferred, l->nr_deferred_ranges);
		zn->deferred_broken = true;
	}
	for (unsigned i = 0; i < l->nr_deferred_ranges; i++) {
		uint64_t s = zn->deferred[i].start, e = zn->deferred[i].end, clash = ~0ull;

		snprintf(place, sizeof(place), "zone %s deferred[%u]", zn->name, i);
		if (i >= zn->nr_deferred) {
			if (s || e)
				insp_report_add(in->rep, R_BUDDY_DEFERRED, place, "unused entry is "
						"[%#llx, %#llx), not zero", (unsigned long long)s,
						(unsigned long long)e);
			continue;
		}
		if (s >= e || (s & (bsz - 1)) || (e & (bsz - 1))) {
			insp_report_add(in->rep, R_BUDDY_DEFERRED, place, "[%#llx, %#llx) is empty or "
					"not aligned to %llu pages", (unsigned long long)s,
					(unsigned long long)e, (unsigned long long)bsz);
			zn->deferred_broken = true;
			continue;
		}
		if (s < zn->start || e > zend || e > in->st.npfn) {
			insp_report_add(in->rep, R_BUDDY_DEFERRED, place, "[%#llx, %#llx) is not inside "
					"zone %s [%#llx, %#llx)", (unsigned long long)s,
					(unsigned long long)e, zn->name, (unsigned long long)zn->start,
					(unsigned long long)zend);
			zn->deferred_broken = true;
			continue;
		}
		if (insp_ram_pages(in, s, e) != e - s) {
			insp_report_add(in->rep, R_BUDDY_DEFERRED, place, "[%#llx, %#llx) covers "
					"%llu pages that are not RAM", (unsigned long long)s,
					(unsigned long long)e,
					(unsigned long long)(e - s - insp_ram_pages(in, s, e)));
			zn->deferred_broken = true;
			continue;
		}
		if (all_zero(ps + s, e - s)) {
			memset(ps + s, PS_DEFERRED, e - s);   /* the usual case */
		} else {
			for (uint64_t p = s; p < e; p++) {
				if (!ps[p])
					ps[p] = PS_DEFERRED;
				else if (clash == ~0ull)
					clash = p;
			}
		}
		if (clash != ~0ull)
			insp_report_add(in->rep, R_BUDDY_DEFERRED, place, "[%#llx, %#llx) overlaps %s "
					"at pfn %#llx", (unsigned long long)s, (unsigned long long)e,
					(ps[clash] & PS_PCP) ? "a per-CPU page" :
					(ps[clash] & PS_ORDER_MASK) ? "a listed free block's head" :
					(ps[clash] & PS_TAIL) ? "a listed free block" :
					"another deferred range", (unsigned long long)clash);
		zn->deferred_pages += e - s;
	}
	zn->buddy_pages += zn->deferred_pages;
}

void insp_check_buddy(struct insp *in)
{
	const struct insp_layout *l = in->lay;
	struct insp_report *rep = in->rep;
	static const enum insp_rule rules[] = {
		R_BUDDY_LIST, R_BUDDY_PREV, R_BUDDY_CYCLE, R_BUDDY_DOUBLE, R_BUDDY_FLAG,
		R_BUDDY_ORDER, R_BUDDY_ALIGN, R_BUDDY_ZONE, R_BUDDY_OVERLAP, R_BUDDY_UNMERGED,
		R_BUDDY_NR_FREE, R_ZONE_FREE, R_PCP_COUNT, R_PCP_PAGE, R_BUDDY_DEFERRED,
	};
	uint64_t top_listed[INSP_MAX_ZONES] = { 0 };
	bool top_complete[INSP_MAX_ZONES] = { false };

	in->pstate_valid = false;
	if (!in->st.mem_map || !scratch(in))
		return;
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		insp_report_ran(rep, rules[i]);
	in->marked_left = 2 * in->st.npfn + 1;   /* 0: spent, and said so */

	for (unsigned z = 0; z < in->st.nr_zones; z++) {
		struct insp_zone *zn = &in->st.zone[z];
		bool complete;

		zn->lists_broken = false;
		zn->buddy_pages = zn->pcp_pages = 0;
		for (unsigned o = 0; o < l->max_order; o++) {
			struct lwalk w = {
				.zone = z, .order = (int)o, .head_va = zn->head_va[o],
				.head_next = zn->head_next[o], .head_prev = zn->head_prev[o],
			};
			uint64_t n;

			snprintf(w.place, sizeof(w.place), "zone %s order %u", zn->name, o);
			n = walk_list(in, &w, &complete);
			zn->buddy_pages += n << o;
			if (!complete) {
				zn->lists_broken = true;
				continue;
			}
			if (o + 1 == l->max_order) {
				/* Checked with the deferred blocks, below. */
				top_listed[z] = n;
				top_complete[z] = true;
				continue;
			}
			if (n != zn->nr_free[o])
				insp_report_add(rep, R_BUDDY_NR_FREE, w.place, "%llu blocks on the list, "
						"nr_free says %llu", (unsigned long long)n,
						(unsigned long long)zn->nr_free[o]);
		}
		for (unsigned c = 0; c < l->nr_cpus; c++) {
			struct lwalk w = {
				.zone = z, .order = -1, .cpu = c, .head_va = zn->pcp[c].head_va,
				.head_next = zn->pcp[c].head_next, .head_prev = zn->pcp[c].head_prev,
			};
			uint64_t n;

			snprintf(w.place, sizeof(w.place), "zone %s pcp cpu %u", zn->name, c);
			n = walk_list(in, &w, &complete);
			zn->pcp_pages += n;
			if (!complete) {
				zn->lists_broken = true;
				continue;
			}
			if (zn->pcp[c].count < 0 || n != (uint64_t)zn->pcp[c].count)
				insp_report_add(rep, R_PCP_COUNT, w.place, "%llu pages on the list, count "
						"says %d", (unsigned long long)n, zn->pcp[c].count);
		}
	}
	/* Deferred ranges last: every listed block and pcp page is marked. */
	for (unsigned z = 0; z < in->st.nr_zones; z++) {
		struct insp_zone *zn = &in->st.zone[z];
		const unsigned top = l->max_order - 1;
		char place[INSP_PLACE_MAX];

		check_deferred(in, z);
		if (zn->deferred_broken)
			continue;
		snprintf(place, sizeof(place), "zone %s order %u", zn->name, top);
		if (top_complete[z] &&
		    top_listed[z] + (zn->deferred_pages >> top) != zn->nr_free[top])
			insp_report_add(rep, R_BUDDY_NR_FREE, place, "%llu blocks on the list + %llu "
					"deferred, nr_free says %llu", (unsigned long long)top_listed[z],
					(unsigned long long)(zn->deferred_pages >> top),
					(unsigned long long)zn->nr_free[top]);
		snprintf(place, sizeof(place), "zone %s", zn->name);
		if (!zn->lists_broken && (int64_t)zn->buddy_pages != zn->vm_stat[l->nr_free_pages])
			insp_report_add(rep, R_ZONE_FREE, place, "%llu pages in its free lists and "
					"deferred ranges, NR_FREE_PAGES says %lld",
					(unsigned long long)zn->buddy_pages,
					(long long)zn->vm_stat[l->nr_free_pages]);
	}
	unmerged_rule(in);
	/* Blocks past the budget are unmarked: the mem_map pass would
	 * misjudge their pages. */
	in->pstate_valid = in->marked_left && !insp_stopping(in);
}
