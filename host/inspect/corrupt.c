/*
 * Fault injection from the host, the checkers' test harness (--corrupt,
 * --fuzz): each kind damages guest memory in one precise way and names
 * the one rule that must catch it; the fuzzer flips random bytes in
 * mem_map, the zone structures and the page tables to show that the
 * checkers survive anything.  Targets are found from a fresh free-list
 * and slab walk of the (clean) guest, and every write goes through the same
 * bounds-checked pointers the checkers read through.  Each kind is one
 * function, named in its row of insp_corruptions[] at the end, so a kind
 * cannot be listed without the code that applies it.
 */
#include <string.h>

#include "inspect.h"

static uint8_t *wk(struct insp *in, uint64_t va, uint64_t len)
{
	return (uint8_t *)insp_kptr(in, va, len);
}

static uint8_t *wpage(struct insp *in, uint64_t pfn)
{
	return (uint8_t *)insp_page(in, pfn);
}

/* The free lists and slabs of the guest as it is now, without reporting
 * anything. */
static bool survey(struct insp *in)
{
	struct insp_report *saved = in->rep;
	bool ok;

	in->rep = NULL;
	ok = insp_read_state(in) && in->st.mem_map;
	if (ok) {
		insp_check_buddy(in);
		insp_check_slab(in);
	}
	in->rep = saved;
	return ok && in->pstate_valid;
}

static bool add32(struct insp *in, uint64_t va, int32_t delta)
{
	uint8_t *p = wk(in, va, 4);

	if (!p)
		return false;
	insp_wr32(p, 0, insp_rd32(p, 0) + (uint32_t)delta);
	return true;
}

/* list_head at guest va: next and prev. */
static bool lh_get(struct insp *in, uint64_t va, uint32_t *next, uint32_t *prev)
{
	const uint8_t *p = wk(in, va, in->lay->list.size);

	if (!p)
		return false;
	*next = insp_rd32(p, in->lay->list.next);
	*prev = insp_rd32(p, in->lay->list.prev);
	return true;
}

static bool lh_set(struct insp *in, uint64_t va, int which_next, uint32_t v)
{
	uint8_t *p = wk(in, va, in->lay->list.size);

	if (!p)
		return false;
	insp_wr32(p, which_next ? in->lay->list.next : in->lay->list.prev, v);
	return true;
}

static bool list_del_va(struct insp *in, uint64_t entry)
{
	uint32_t next, prev;

	return lh_get(in, entry, &next, &prev) && lh_set(in, prev, 1, next) &&
	       lh_set(in, next, 0, prev);
}

static bool list_add_va(struct insp *in, uint64_t entry, uint64_t head)
{
	uint32_t next, prev;

	return lh_get(in, head, &next, &prev) && lh_set(in, next, 0, (uint32_t)entry) &&
	       lh_set(in, entry, 1, next) && lh_set(in, entry, 0, (uint32_t)head) &&
	       lh_set(in, head, 1, (uint32_t)entry);
}

static uint64_t lru_va(const struct insp *in, uint64_t pfn)
{
	return insp_page_va(in, pfn) + in->lay->page.lru;
}

static uint64_t nr_free_va(const struct insp *in, unsigned z, unsigned o)
{
	const struct insp_layout *l = in->lay;

	return in->st.zone[z].va + l->zone.free_area + o * l->free_area.size + l->free_area.nr_free;
}

static uint64_t nr_free_pages_va(const struct insp *in, unsigned z)
{
	return in->st.zone[z].va + in->lay->zone.vm_stat + 4 * in->lay->nr_free_pages;
}

/* The index range [*first, *last] in blocks[] of the list (zone, order) of
 * blocks[i], in list order. */
static void list_run(const struct insp *in, size_t i, size_t *first, size_t *last)
{
	const struct insp_block *b = &in->blocks[i];
	size_t a = i, e = i;

	while (a > 0 && in->blocks[a - 1].zone == b->zone && in->blocks[a - 1].order == b->order)
		a--;
	while (e + 1 < in->nblocks && in->blocks[e + 1].zone == b->zone &&
	       in->blocks[e + 1].order == b->order)
		e++;
	*first = a;
	*last = e;
}

/* The leaf entry of va in swapper_pg_dir (PDE or PTE), host pointer. */
static uint8_t *leaf_entry(struct insp *in, uint64_t va, struct pt_walk *w, bool want_present)
{
	pt_walk(in->mem, &in->pt, in->st.swapper_cr3, va, w);
	if (want_present ? w->status != PT_OK :
	    !(w->status == PT_NOT_PRESENT && w->fail_level == PT_PTE))
		return NULL;
	return guest_mem_ptr(in->mem, w->lvl[w->levels - 1].entry_pa, 8);
}

static void wr64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static uint64_t rd64p(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

#define KERNEL_PTE (PT_P | PT_RW | PT_A | PT_D)

/* ---- Free lists and mem_map ---------------------------------------------- */

/* The first free block of the survey: the target of every kind that damages
 * one free block. */
static const struct insp_block *first_block(struct insp *in, char *err, size_t errlen)
{
	if (!in->nblocks) {
		insp_errf(err, errlen, "no free block to corrupt");
		return NULL;
	}
	return &in->blocks[0];
}

static int corrupt_buddy_order(struct insp *in, char *what, size_t whatlen, char *err,
			       size_t errlen)
{
	const struct insp_block *b = first_block(in, err, errlen);
	unsigned n;

	if (!b)
		return -1;
	n = b->order ? b->order - 1u : 1;
	insp_wr32(wpage(in, b->pfn), in->lay->page.private_, n);
	snprintf(what, whatlen, "pfn %#llx: private %u -> %u", (unsigned long long)b->pfn, b->order, n);
	return 0;
}

static int corrupt_page_refcount(struct insp *in, char *what, size_t whatlen, char *err,
				 size_t errlen)
{
	const struct insp_block *b = first_block(in, err, errlen);

	if (!b)
		return -1;
	insp_wr32(wpage(in, b->pfn), in->lay->page.refcount, 1);
	snprintf(what, whatlen, "pfn %#llx: refcount 0 -> 1", (unsigned long long)b->pfn);
	return 0;
}

static int corrupt_buddy_cycle(struct insp *in, char *what, size_t whatlen, char *err,
			       size_t errlen)
{
	size_t a, z;

	if (!first_block(in, err, errlen))
		return -1;
	list_run(in, 0, &a, &z);
	if (!lh_set(in, lru_va(in, in->blocks[z].pfn), 1, (uint32_t)lru_va(in, in->blocks[a].pfn)))
		return insp_errf(err, errlen, "list entry not writable");
	snprintf(what, whatlen, "zone %s order %u: pfn %#llx's next -> pfn %#llx",
		 in->st.zone[in->blocks[a].zone].name, in->blocks[a].order,
		 (unsigned long long)in->blocks[z].pfn, (unsigned long long)in->blocks[a].pfn);
	return 0;
}

static int corrupt_buddy_double(struct insp *in, char *what, size_t whatlen, char *err,
				size_t errlen)
{
	const struct insp_layout *l = in->lay;
	const struct insp_block *b = first_block(in, err, errlen);
	const struct insp_zone *zn;
	uint64_t head;

	if (!b)
		return -1;
	zn = &in->st.zone[b->zone];
	/* A list walked after b's: the top order, or the first pcp list. */
	if (b->order + 1u < l->max_order)
		head = zn->head_va[l->max_order - 1];
	else
		head = zn->pcp[0].head_va;
	if (!lh_set(in, head, 1, (uint32_t)lru_va(in, b->pfn)))
		return insp_errf(err, errlen, "list head not writable");
	snprintf(what, whatlen, "zone %s: pfn %#llx (order %u) also linked from the %s list",
		 zn->name, (unsigned long long)b->pfn, b->order,
		 b->order + 1u < l->max_order ? "top-order" : "cpu 0 per-CPU");
	return 0;
}

static int corrupt_buddy_unmerged(struct insp *in, char *what, size_t whatlen, char *err,
				  size_t errlen)
{
	const struct insp_layout *l = in->lay;
	const uint32_t buddy = 1u << l->pg[IPG_buddy];

	for (size_t i = 0; i < in->nblocks; i++) {
		const struct insp_block b = in->blocks[i];
		const struct insp_zone *zn = &in->st.zone[b.zone];
		uint64_t q;
		uint8_t *p;

		if (!b.order)
			continue;
		q = b.pfn + (1ull << (b.order - 1));
		if (!list_del_va(in, lru_va(in, b.pfn)) ||
		    !list_add_va(in, lru_va(in, b.pfn), zn->head_va[b.order - 1]) ||
		    !list_add_va(in, lru_va(in, q), zn->head_va[b.order - 1]))
			return insp_errf(err, errlen, "list not writable");
		insp_wr32(wpage(in, b.pfn), l->page.private_, b.order - 1u);
		p = wpage(in, q);
		insp_wr32(p, l->page.private_, b.order - 1u);
		insp_wr32(p, l->page.flags, insp_rd32(p, l->page.flags) | buddy);
		add32(in, nr_free_va(in, b.zone, b.order), -1);
		add32(in, nr_free_va(in, b.zone, b.order - 1), 2);
		snprintf(what, whatlen, "zone %s: order-%u block at pfn %#llx split into pfns "
			 "%#llx and %#llx of order %u", zn->name, b.order,
			 (unsigned long long)b.pfn, (unsigned long long)b.pfn,
			 (unsigned long long)q, b.order - 1);
		return 0;
	}
	return insp_errf(err, errlen, "no free block of order >= 1");
}

static int corrupt_hole_in_buddy(struct insp *in, char *what, size_t whatlen, char *err,
				 size_t errlen)
{
	const struct insp_layout *l = in->lay;
	const struct insp_state *st = &in->st;

	for (uint64_t pfn = 0; pfn < st->npfn; pfn += 2) {
		unsigned z;
		uint8_t *p;

		if (insp_pfn_is_ram(in, pfn) || insp_pfn_is_ram(in, pfn ^ 1))
			continue;
		z = insp_pfn_zone(in, pfn);
		if (!list_add_va(in, lru_va(in, pfn), st->zone[z].head_va[0]))
			return insp_errf(err, errlen, "list not writable");
		p = wpage(in, pfn);
		insp_wr32(p, l->page.flags, 1u << l->pg[IPG_buddy]);
		insp_wr32(p, l->page.private_, 0);
		add32(in, nr_free_va(in, z, 0), 1);
		add32(in, nr_free_pages_va(in, z), 1);
		add32(in, l->sym.vm_zone_stat + 4 * l->nr_free_pages, 1);
		snprintf(what, whatlen, "hole pfn %#llx linked into zone %s order 0",
			 (unsigned long long)pfn, st->zone[z].name);
		return 0;
	}
	return insp_errf(err, errlen, "no hole pfn in mem_map");
}

static int corrupt_page_flags(struct insp *in, char *what, size_t whatlen, char *err, size_t errlen)
{
	const struct insp_layout *l = in->lay;
	const uint32_t bits = 1u << l->pg[IPG_slab] | 1u << l->pg[IPG_table];
	const uint32_t res = 1u << l->pg[IPG_reserved];
	uint8_t *p;

	for (uint64_t pfn = 0; pfn < in->st.npfn; pfn++) {
		p = wpage(in, pfn);
		if ((int32_t)insp_rd32(p, l->page.refcount) <= 0 || insp_rd32(p, l->page.flags) ||
		    in->pstate[pfn] || !insp_pfn_is_ram(in, pfn))
			continue;
		insp_wr32(p, l->page.flags, bits);
		snprintf(what, whatlen, "allocated pfn %#llx: flags 0 -> %#x (slab|table)",
			 (unsigned long long)pfn, bits);
		return 0;
	}
	/* No allocated page: a reserved one (the kernel's first page). */
	p = wpage(in, in->kernel_start_pa >> 12);
	if (!p || !(insp_rd32(p, l->page.flags) & res))
		return insp_errf(err, errlen, "no allocated or reserved page to flag");
	insp_wr32(p, l->page.flags, insp_rd32(p, l->page.flags) | 1u << l->pg[IPG_slab]);
	snprintf(what, whatlen, "reserved pfn %#llx: PG_slab added",
		 (unsigned long long)(in->kernel_start_pa >> 12));
	return 0;
}

static int corrupt_deferred_dirty(struct insp *in, char *what, size_t whatlen, char *err,
				  size_t errlen)
{
	const struct insp_layout *l = in->lay;
	const struct insp_state *st = &in->st;

	for (unsigned z = 0; z < st->nr_zones; z++) {
		const struct insp_zone *zn = &st->zone[z];
		uint64_t pfn;
		uint8_t *p;

		/* Only a range the deferred check accepted: the guest
		 * wrote these bounds, and they index host arrays. */
		if (!zn->nr_deferred || zn->deferred[0].start >= zn->deferred[0].end ||
		    zn->deferred[0].end > st->npfn ||
		    !(in->pstate[zn->deferred[0].start] & PS_DEFERRED))
			continue;
		/* A tail in the middle of the range's lowest block: the
		 * guest takes that block last. */
		pfn = zn->deferred[0].start + 5;
		if (pfn >= zn->deferred[0].end)
			continue;
		p = wpage(in, pfn);
		if (!p)
			continue;
		insp_wr32(p, l->page.flags, insp_rd32(p, l->page.flags) | 1u << l->pg[IPG_dirty]);
		snprintf(what, whatlen, "zone %s: pfn %#llx in deferred range [%#llx, %#llx): "
			 "PG_dirty set", zn->name, (unsigned long long)pfn,
			 (unsigned long long)zn->deferred[0].start,
			 (unsigned long long)zn->deferred[0].end);
		return 0;
	}
	return insp_errf(err, errlen, "no zone has a deferred range (the guest defers only runs "
		     "of whole top-order blocks of 64 MiB or more)");
}

/* ---- Zone counters ------------------------------------------------------- */

/* Add one to a counter of the first zone with managed pages, at va(in, z):
 * the counters disagree with the free lists, which are left intact. */
static int bump_zone_counter(struct insp *in, uint64_t (*va)(const struct insp *in, unsigned z),
			     const char *name, char *what, size_t whatlen, char *err, size_t errlen)
{
	for (unsigned z = 0; z < in->st.nr_zones; z++) {
		const struct insp_zone *zn = &in->st.zone[z];

		if (!zn->managed)
			continue;
		if (!add32(in, va(in, z), 1))
			return insp_errf(err, errlen, "zone not writable");
		snprintf(what, whatlen, "zone %s: %s + 1", zn->name, name);
		return 0;
	}
	return insp_errf(err, errlen, "no zone with managed pages");
}

static uint64_t order0_nr_free_va(const struct insp *in, unsigned z)
{
	return nr_free_va(in, z, 0);
}

/* cpu 0's per_cpu_pages count, from the address of its list. */
static uint64_t pcp_count_va(const struct insp *in, unsigned z)
{
	return in->st.zone[z].pcp[0].head_va - in->lay->pcp.list + in->lay->pcp.count;
}

static int corrupt_nr_free(struct insp *in, char *what, size_t whatlen, char *err, size_t errlen)
{
	return bump_zone_counter(in, order0_nr_free_va, "free_area[0].nr_free", what, whatlen, err,
				 errlen);
}

static int corrupt_zone_free(struct insp *in, char *what, size_t whatlen, char *err, size_t errlen)
{
	return bump_zone_counter(in, nr_free_pages_va, "NR_FREE_PAGES", what, whatlen, err, errlen);
}

static int corrupt_pcp_count(struct insp *in, char *what, size_t whatlen, char *err, size_t errlen)
{
	return bump_zone_counter(in, pcp_count_va, "pageset[0].count", what, whatlen, err, errlen);
}

/* ---- Page tables --------------------------------------------------------- */

/* The PTE of kernel va, which must be unused (not present). */
static uint8_t *unused_pte(struct insp *in, uint64_t va, struct pt_walk *w, char *err,
			   size_t errlen)
{
	uint8_t *e = leaf_entry(in, va, w, false);

	if (!e)
		insp_errf(err, errlen, "the PTE of va %#llx is not unused (%s)",
		      (unsigned long long)va, pt_status_str(w->status));
	return e;
}

/* The PTE of fixmap index idx, which must be unused (not present). */
static uint8_t *unused_fixmap_pte(struct insp *in, unsigned idx, struct pt_walk *w, char *err,
				  size_t errlen)
{
	return unused_pte(in, in->lay->fixaddr_top - 4096ull * idx, w, err, errlen);
}

/*
 * The n'th PTE of the fixmap's page table, below FIXADDR_START: in no
 * window (every fixmap index but the guard is a kmap_atomic slot, whose
 * mapping fixmap.leak would report too), so only the damage is wrong.
 */
static uint8_t *unused_pt_pte(struct insp *in, unsigned n, struct pt_walk *w, char *err,
			      size_t errlen)
{
	uint64_t va = (in->lay->fixaddr_start & ~0x1fffffull) + 4096ull * n;

	if (va >= in->lay->fixaddr_start) {
		insp_errf(err, errlen, "the fixmap fills its page table");
		return NULL;
	}
	return unused_pte(in, va, w, err, errlen);
}

static int map_fixmap(uint8_t *e, const struct pt_walk *w, uint64_t pa, const char *note,
		      char *what, size_t whatlen)
{
	wr64(e, pa | KERNEL_PTE);
	snprintf(what, whatlen, "PTE for va %#llx -> pa %#llx%s", (unsigned long long)w->va,
		 (unsigned long long)pa, note);
	return 0;
}

static int corrupt_pte_wild(struct insp *in, char *what, size_t whatlen, char *err, size_t errlen)
{
	struct pt_walk w;
	uint8_t *e = unused_pt_pte(in, 0, &w, err, errlen);

	if (!e)
		return -1;
	return map_fixmap(e, &w, (guest_mem_end(in->mem) + 0x200000) & ~0xfffull, " (beyond RAM)",
			  what, whatlen);
}

static int corrupt_pte_freed(struct insp *in, char *what, size_t whatlen, char *err, size_t errlen)
{
	struct pt_walk w;
	uint8_t *e = unused_pt_pte(in, 1, &w, err, errlen);

	if (!e)
		return -1;
	if (!in->nblocks)
		return insp_errf(err, errlen, "no free page to map");
	return map_fixmap(e, &w, (uint64_t)in->blocks[0].pfn << 12, " (free page)", what, whatlen);
}

/* ---- pkmap and kmap_atomic ---------------------------------------------- */

static uint8_t *wpkmap_count(struct insp *in, uint32_t slot)
{
	return wk(in, in->lay->sym.pkmap_count + 4ull * slot, 4);
}

/* The first pkmap slot that is flushed and unused (count 0, no PTE), with
 * its PTE, or -1 with err. */
static int free_pkmap_slot(struct insp *in, uint8_t **pte, char *err, size_t errlen)
{
	for (uint32_t i = 0; i < in->lay->last_pkmap; i++) {
		uint64_t e, pa;
		int32_t count;

		if (insp_pkmap_count(in, i, &count) && count == 0 &&
		    insp_kernel_pte(in, in->lay->pkmap_base + 4096ull * i, &e, &pa) && !e &&
		    (*pte = guest_mem_ptr(in->mem, pa, 8)) && wpkmap_count(in, i))
			return (int)i;
	}
	return insp_errf(err, errlen, "no unused, flushed pkmap slot (all %u hold a page)",
			 in->lay->last_pkmap);
}

static int corrupt_pkmap_count(struct insp *in, char *what, size_t whatlen, char *err, size_t errlen)
{
	uint8_t *pte;
	int slot = free_pkmap_slot(in, &pte, err, errlen);

	if (slot < 0)
		return -1;
	insp_wr32(wpkmap_count(in, (uint32_t)slot), 0, 2);
	snprintf(what, whatlen, "pkmap_count[%d] 0 -> 2 (one user), its PTE left empty", slot);
	return 0;
}

static int corrupt_pkmap_dup(struct insp *in, char *what, size_t whatlen, char *err, size_t errlen)
{
	uint8_t *pte;
	int slot = free_pkmap_slot(in, &pte, err, errlen);

	if (slot < 0)
		return -1;
	for (uint32_t i = 0; i < in->lay->last_pkmap; i++) {
		uint64_t e;
		int32_t count;

		if (!insp_pkmap_count(in, i, &count) || count < 2 ||
		    !insp_kernel_pte(in, in->lay->pkmap_base + 4096ull * i, &e, NULL) || !(e & PT_P))
			continue;
		wr64(pte, e);
		insp_wr32(wpkmap_count(in, (uint32_t)slot), 0, 2);
		snprintf(what, whatlen, "pkmap slot %d maps pfn %#llx too, as slot %u does (count 2)",
			 slot, (unsigned long long)((e & PT_ADDR_MASK) >> 12), i);
		return 0;
	}
	return insp_errf(err, errlen, "no pkmap slot has users to duplicate (run stress:kmap)");
}

static int corrupt_fixmap_leak(struct insp *in, char *what, size_t whatlen, char *err, size_t errlen)
{
	struct pt_walk w;
	uint8_t *e = unused_fixmap_pte(in, in->lay->fix_kmap_begin, &w, err, errlen);

	if (!e)
		return -1;
	/* The kernel image's first page: allocated for good, so only the
	 * leak itself is wrong. */
	return map_fixmap(e, &w, in->kernel_start_pa & ~0xfffull, " (kmap_atomic slot 0 left mapped)",
			  what, whatlen);
}

/* The leaf entry (PDE or PTE) of the direct map 4 MiB above page_offset. */
static uint8_t *directmap_leaf(struct insp *in, struct pt_walk *w, char *err, size_t errlen)
{
	uint64_t va = in->lay->page_offset + (4ull << 20);
	uint8_t *e = leaf_entry(in, va, w, true);

	if (!e)
		insp_errf(err, errlen, "direct-map va %#llx is not mapped (%s)", (unsigned long long)va,
		      pt_status_str(w->status));
	return e;
}

static int rewrite_leaf(uint8_t *e, const struct pt_walk *w, uint64_t v, char *what, size_t whatlen)
{
	uint64_t old = rd64p(e);

	wr64(e, v);
	snprintf(what, whatlen, "%s for va %#llx: %#llx -> %#llx", pt_level_names[w->levels - 1],
		 (unsigned long long)w->va, (unsigned long long)old, (unsigned long long)rd64p(e));
	return 0;
}

static int corrupt_pte_user(struct insp *in, char *what, size_t whatlen, char *err, size_t errlen)
{
	struct pt_walk w;
	uint8_t *e = directmap_leaf(in, &w, err, errlen);

	return e ? rewrite_leaf(e, &w, rd64p(e) | PT_US, what, whatlen) : -1;
}

static int corrupt_directmap(struct insp *in, char *what, size_t whatlen, char *err, size_t errlen)
{
	struct pt_walk w;
	uint8_t *e = directmap_leaf(in, &w, err, errlen);

	return e ? rewrite_leaf(e, &w, rd64p(e) + w.page_size, what, whatlen) : -1;
}

static int corrupt_pte_reserved(struct insp *in, char *what, size_t whatlen, char *err,
				size_t errlen)
{
	struct pt_walk w;
	uint8_t *e = directmap_leaf(in, &w, err, errlen);

	if (!e)
		return -1;
	if (w.page_size != (2ull << 20))
		return insp_errf(err, errlen, "va %#llx is not a 2 MiB mapping", (unsigned long long)w.va);
	return rewrite_leaf(e, &w, rd64p(e) | (1ull << 13), what, whatlen);
}

static int corrupt_pdpte_1g(struct insp *in, char *what, size_t whatlen, char *err, size_t errlen)
{
	struct pt_walk w;
	uint8_t *e;

	pt_walk(in->mem, &in->pt, in->st.swapper_cr3, 0, &w);
	if (w.levels < 2 || (w.lvl[1].entry & PT_P))
		return insp_errf(err, errlen, "PDPT entry 0 is in use");
	e = guest_mem_ptr(in->mem, w.lvl[1].entry_pa, 8);
	if (!e)
		return insp_errf(err, errlen, "PDPT not in RAM");
	wr64(e, PT_P | PT_RW | PT_US | PT_PS);
	snprintf(what, whatlen, "PDPTE[0] = %#llx", (unsigned long long)rd64p(e));
	return 0;
}

static int corrupt_table_flag(struct insp *in, char *what, size_t whatlen, char *err, size_t errlen)
{
	const struct insp_layout *l = in->lay;
	struct pt_walk w;
	uint64_t pd;
	uint8_t *p;

	pt_walk(in->mem, &in->pt, in->st.swapper_cr3, l->page_offset, &w);
	if (w.levels < 3)
		return insp_errf(err, errlen, "no kernel page directory");
	pd = w.lvl[1].entry & PT_ADDR_MASK;
	p = wpage(in, pd >> 12);
	if (!p)
		return insp_errf(err, errlen, "kernel PD pfn %#llx has no struct page",
			     (unsigned long long)(pd >> 12));
	insp_wr32(p, l->page.flags, insp_rd32(p, l->page.flags) & ~(1u << l->pg[IPG_table]));
	snprintf(what, whatlen, "kernel PD pfn %#llx: PG_table cleared",
		 (unsigned long long)(pd >> 12));
	return 0;
}

/* ---- Address spaces ---------------------------------------------------------- */

/* The first mm on mm_list with at least min_vmas VMAs and a readable list
 * (survey() first, so pages' states are known); err says why there is none. */
static bool vm_survey(struct insp *in, struct insp_mmv *m, size_t min_vmas, char *err,
		      size_t errlen)
{
	uint32_t cursor = 0;
	char why[INSP_DETAIL_MAX];
	int r;

	if (!survey(in)) {
		insp_errf(err, errlen, "the guest's free lists cannot be walked");
		return false;
	}
	while ((r = insp_vm_next(in, &cursor, m, why, sizeof(why))) > 0)
		if (m->vmas_ok && m->nvma >= min_vmas)
			return true;
	insp_mmv_free(m);
	insp_errf(err, errlen, r < 0 ? "mm_list cannot be walked" :
		  "no address space with %zu VMA(s): run a workload with user tasks (run=demand)",
		  min_vmas);
	return false;
}

/* The first VMA ends one page inside the second. */
static int corrupt_vma_overlap(struct insp *in, char *what, size_t whatlen, char *err, size_t errlen)
{
	struct insp_mmv m = { 0 };
	uint8_t *p;

	if (!vm_survey(in, &m, 2, err, errlen))
		return -1;
	p = wk(in, m.vma[0].va + in->lay->vma.end, 4);
	insp_wr32(p, 0, m.vma[1].start + 4096);
	snprintf(what, whatlen, "mm %#x: VMA %#x vm_end %#x -> %#x, inside the next VMA [%#x, %#x)",
		 m.va, m.vma[0].va, m.vma[0].end, m.vma[1].start + 4096, m.vma[1].start, m.vma[1].end);
	insp_mmv_free(&m);
	return 0;
}

static bool empty_outside_vma(const struct insp *in, const struct insp_mmv *m, uint64_t e,
			      uint32_t va)
{
	(void)in;
	return !e && !insp_vm_vma_of(m, va);
}

static bool user_page_pte(const struct insp *in, const struct insp_mmv *m, uint64_t e, uint32_t va)
{
	(void)m;
	(void)va;
	return (e & PT_P) && ((e & PT_ADDR_MASK) >> 12) != insp_vm_zero_pfn(in);
}

/* A read-only user PTE of the zero page where no VMA is: only the PTE's
 * place is wrong (the zero page counts in no RSS and no mapcount). */
static int corrupt_pte_outside_vma(struct insp *in, char *what, size_t whatlen, char *err,
				   size_t errlen)
{
	struct insp_mmv m = { 0 };
	uint32_t va;
	uint8_t *e;

	if (!vm_survey(in, &m, 1, err, errlen))
		return -1;
	e = insp_vm_find_pte(in, &m, empty_outside_vma, &va);
	if (!e) {
		insp_mmv_free(&m);
		return insp_errf(err, errlen, "no empty PTE outside the VMAs in mm %#x's page tables", m.va);
	}
	wr64(e, (insp_vm_zero_pfn(in) << 12) | PT_P | PT_US | PT_A);
	snprintf(what, whatlen, "mm %#x: the zero page mapped at %#x, outside every VMA", m.va, va);
	insp_mmv_free(&m);
	return 0;
}

/* The first mm's first PTE of a page of its own (m filled, freed on
 * failure); NULL with err set if there is none. */
static uint8_t *first_own_page_pte(struct insp *in, struct insp_mmv *m, uint32_t *va, char *err,
				   size_t errlen)
{
	uint8_t *e;

	if (!vm_survey(in, m, 1, err, errlen))
		return NULL;
	e = insp_vm_find_pte(in, m, user_page_pte, va);
	if (!e || !insp_page(in, (rd64p(e) & PT_ADDR_MASK) >> 12)) {
		insp_errf(err, errlen, "mm %#x maps no page of its own in mem_map", m->va);
		insp_mmv_free(m);
		return NULL;
	}
	return e;
}

/* Take the user bit off a present PTE of a page of the task's own. */
static int corrupt_pte_rights(struct insp *in, char *what, size_t whatlen, char *err, size_t errlen)
{
	struct insp_mmv m = { 0 };
	uint32_t va;
	uint8_t *e = first_own_page_pte(in, &m, &va, err, errlen);

	if (!e)
		return -1;
	wr64(e, rd64p(e) & ~PT_US);
	snprintf(what, whatlen, "mm %#x: the PTE of %#x loses its user bit", m.va, va);
	insp_mmv_free(&m);
	return 0;
}

/* One more mapping on the first user page than there are PTEs. */
static int corrupt_mapcount(struct insp *in, char *what, size_t whatlen, char *err, size_t errlen)
{
	struct insp_mmv m = { 0 };
	uint32_t va;
	uint8_t *e = first_own_page_pte(in, &m, &va, err, errlen), *p;
	uint64_t pfn;

	if (!e)
		return -1;
	pfn = (rd64p(e) & PT_ADDR_MASK) >> 12;
	p = wpage(in, pfn);
	insp_wr32(p, in->lay->page.mapcount, insp_rd32(p, in->lay->page.mapcount) + 1);
	snprintf(what, whatlen, "pfn %#llx (mapped at %#x in mm %#x): _mapcount %d -> %d",
		 (unsigned long long)pfn, va, m.va, (int32_t)insp_rd32(p, in->lay->page.mapcount) - 1,
		 (int32_t)insp_rd32(p, in->lay->page.mapcount));
	insp_mmv_free(&m);
	return 0;
}

static int corrupt_rss(struct insp *in, char *what, size_t whatlen, char *err, size_t errlen)
{
	struct insp_mmv m = { 0 };

	if (!vm_survey(in, &m, 1, err, errlen))
		return -1;
	add32(in, m.va + in->lay->mm.rss_anon, 1);
	snprintf(what, whatlen, "mm %#x: anon RSS %u -> %u", m.va, m.rss, m.rss + 1);
	insp_mmv_free(&m);
	return 0;
}

/* The pgd's kernel entry points at the page after the shared kernel PD. */
static int corrupt_kernel_pd_unshared(struct insp *in, char *what, size_t whatlen, char *err,
				      size_t errlen)
{
	struct insp_mmv m = { 0 };
	uint8_t *pdpt, *pml4, *e;
	uint64_t old;

	if (!vm_survey(in, &m, 0, err, errlen))
		return -1;
	if (!insp_vm_pgd(in, &m, &pdpt, &pml4)) {
		insp_mmv_free(&m);
		return insp_errf(err, errlen, "mm %#x's pgd is not in RAM", m.va);
	}
	e = pdpt + 8 * (in->lay->page_offset >> 30);
	old = rd64p(e);
	wr64(e, old + 4096);
	snprintf(what, whatlen, "mm %#x: PDPT entry %u %#llx -> %#llx", m.va, in->lay->page_offset >> 30,
		 (unsigned long long)old, (unsigned long long)(old + 4096));
	insp_mmv_free(&m);
	return 0;
}

/* ---- vmalloc ---------------------------------------------------------------- */

/* The areas of a clean guest (survey() first); err says why there are none. */
static bool vmalloc_survey(struct insp *in, size_t need, char *err, size_t errlen)
{
	struct insp_report *saved = in->rep;
	bool ok;

	in->rep = NULL;
	ok = insp_vmalloc_areas(in);
	in->rep = saved;
	if (!ok)
		insp_errf(err, errlen, "vmap_area_list cannot be walked");
	else if (in->nvareas < need)
		insp_errf(err, errlen, "%zu vmalloc area(s), %zu needed", in->nvareas, need);
	return ok && in->nvareas >= need;
}

/* The second area starts one page inside the first. */
static int corrupt_vmalloc_overlap(struct insp *in, char *what, size_t whatlen, char *err,
				   size_t errlen)
{
	const struct insp_layout *l = in->lay;
	const struct insp_varea *a, *b;
	uint8_t *p;

	if (!vmalloc_survey(in, 2, err, errlen))
		return -1;
	a = &in->vareas[0];
	b = &in->vareas[1];
	p = wk(in, b->va + l->vmap_area.va_start, 4);
	if (!p)
		return insp_errf(err, errlen, "vmap_area %#x is not in lowmem", b->va);
	insp_wr32(p, 0, a->end - 4096);
	snprintf(what, whatlen, "vmap_area %#x: va_start %#x -> %#x, inside the area before it "
		 "(ends %#x)", b->va, b->start, a->end - 4096, a->end);
	return 0;
}

/* A present PTE at the first unmapped address, in an existing page table of
 * the range, that no area covers; it maps the first page of the kernel
 * image (allocated, and RAM). */
static int corrupt_vmalloc_orphan_pte(struct insp *in, char *what, size_t whatlen, char *err,
				      size_t errlen)
{
	uint32_t start, end;
	size_t k = 0;

	if (!vmalloc_survey(in, 0, err, errlen))
		return -1;
	insp_vmalloc_range(in, &start, &end);
	for (uint64_t va = start; va < end; va += 4096) {
		struct pt_walk w;
		uint8_t *e;

		while (k < in->nvareas && in->vareas[k].end <= va)
			k++;
		if (k < in->nvareas && in->vareas[k].start <= va)
			continue;
		e = leaf_entry(in, va, &w, false);
		if (!e) {
			if (w.status == PT_NOT_PRESENT && w.fail_level < PT_PTE)
				va = (va | ((2ull << 20) - 1)) + 1 - 4096;   /* no page table here */
			continue;
		}
		return map_fixmap(e, &w, in->kernel_start_pa, " (outside every vmalloc area)", what,
				  whatlen);
	}
	return insp_errf(err, errlen, "no page table of the vmalloc range has a free slot");
}

/* The first page of the first vmalloc or vmap area remapped to a free page. */
static int corrupt_vmalloc_freed_page(struct insp *in, char *what, size_t whatlen, char *err,
				      size_t errlen)
{
	const struct insp_layout *l = in->lay;

	if (!vmalloc_survey(in, 1, err, errlen))
		return -1;
	if (!in->nblocks)
		return insp_errf(err, errlen, "no free page to map");
	for (size_t k = 0; k < in->nvareas; k++) {
		const struct insp_varea *a = &in->vareas[k];
		struct pt_walk w;
		uint8_t *e;

		if (!a->vm_ok || !(a->vm_flags & (l->vmf.alloc | l->vmf.map)))
			continue;
		e = leaf_entry(in, a->start, &w, true);
		if (!e || w.page_size != 4096)
			continue;
		return rewrite_leaf(e, &w, ((uint64_t)in->blocks[0].pfn << 12) | KERNEL_PTE, what,
				    whatlen);
	}
	return insp_errf(err, errlen, "no mapped vmalloc or vmap area");
}

/* ---- Slab targets ------------------------------------------------------- */

static uint16_t rd16p(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

/* Host pointer to the descriptor of slab s (with its bufctl array). */
static uint8_t *slab_desc(struct insp *in, const struct insp_slab *s)
{
	const struct insp_cache *c = &in->caches[s->cache];

	return wk(in, s->va, insp_slab_desc_len(in->lay, c->num));
}

/* A slab whose walk was clean, on list L (or any list if L < 0), whose cache
 * has all of want_flags, accepted by ok() if given. */
static const struct insp_slab *find_slab(struct insp *in, int L, uint32_t want_flags,
					 bool (*ok)(struct insp *, const struct insp_slab *))
{
	if (!in->slab_valid)
		return NULL;
	for (size_t i = 0; i < in->nslabs; i++) {
		const struct insp_slab *s = &in->slabs[i];
		const struct insp_cache *c = &in->caches[s->cache];

		if (!s->chain_ok || !s->pages_ok || (L >= 0 && s->list != L) ||
		    (c->flags & want_flags) != want_flags || !c->lists_ok || !c->chains_ok)
			continue;
		if (!ok || ok(in, s))
			return s;
	}
	return NULL;
}

static bool has_free(struct insp *in, const struct insp_slab *s)
{
	(void)in;
	return s->nfree > 0;
}

static bool partial_room(struct insp *in, const struct insp_slab *s)
{
	return in->caches[s->cache].num >= 3;
}

/* The last index on the free chain of s (walked clean by the survey). */
static uint32_t chain_tail(struct insp *in, const struct insp_slab *s, const uint8_t *d)
{
	const struct insp_layout *l = in->lay;
	uint32_t idx = rd16p(d + l->slab.free), tail = idx;

	for (uint32_t n = 0; n < s->nfree && idx != l->sc.bufctl_end; n++) {
		tail = idx;
		idx = rd16p(d + l->slab.bufctl + 2 * idx);
	}
	return tail;
}

/* Is buf in one of cache c's array caches? */
static bool in_array_cache(struct insp *in, const struct insp_cache *c, uint32_t buf)
{
	const struct insp_layout *l = in->lay;

	for (unsigned cpu = 0; cpu < l->nr_cpus; cpu++) {
		const uint8_t *p = c->cpu_cache[cpu] ? wk(in, c->cpu_cache[cpu], l->ac.size) : NULL;
		uint32_t avail;

		if (!p)
			continue;
		avail = insp_rd32(p, l->ac.avail);
		p = wk(in, c->cpu_cache[cpu], (uint64_t)l->ac.entry + 4ull * avail);
		for (uint32_t i = 0; p && i < avail; i++)
			if (insp_rd32(p, l->ac.entry + 4 * i) == buf)
				return true;
	}
	return false;
}

/* Refuse when the survey could not walk the slab caches. */
static bool slabs_walked(struct insp *in, char *err, size_t errlen)
{
	if (in->slab_valid && in->ncaches)
		return true;
	insp_errf(err, errlen, "cannot walk the guest's slab caches");
	return false;
}

/* find_slab(), with the descriptor mapped into *d when d is given; NULL
 * with `none` in err when there is no such slab. */
static const struct insp_slab *slab_target(struct insp *in, int L, uint32_t want_flags,
					   bool (*ok)(struct insp *, const struct insp_slab *),
					   uint8_t **d, const char *none, char *err, size_t errlen)
{
	const struct insp_slab *s;

	if (!slabs_walked(in, err, errlen))
		return NULL;
	s = find_slab(in, L, want_flags, ok);
	if (s && d && !(*d = slab_desc(in, s)))
		s = NULL;
	if (!s)
		insp_errf(err, errlen, "%s", none);
	return s;
}

/* Point the free chain's tail at its head (to_head) or at index num. */
static int redirect_chain_tail(struct insp *in, bool to_head, char *what, size_t whatlen, char *err,
			       size_t errlen)
{
	const struct insp_layout *l = in->lay;
	const struct insp_slab *s;
	const struct insp_cache *c;
	uint32_t tail, v;
	uint8_t *d;

	s = slab_target(in, -1, 0, has_free, &d, "no slab with a free object", err, errlen);
	if (!s)
		return -1;
	c = &in->caches[s->cache];
	tail = chain_tail(in, s, d);
	v = to_head ? rd16p(d + l->slab.free) : c->num;
	memcpy(d + l->slab.bufctl + 2 * tail, &(uint16_t){ (uint16_t)v }, 2);
	snprintf(what, whatlen, "cache %s slab %#x: bufctl[%u] (the free chain's tail) = %u%s",
		 c->name, s->va, tail, v, to_head ? ", its head" : ", num");
	return 0;
}

static int corrupt_slab_freelist_dup(struct insp *in, char *what, size_t whatlen, char *err,
				     size_t errlen)
{
	return redirect_chain_tail(in, true, what, whatlen, err, errlen);
}

static int corrupt_slab_freelist_range(struct insp *in, char *what, size_t whatlen, char *err,
				       size_t errlen)
{
	return redirect_chain_tail(in, false, what, whatlen, err, errlen);
}

static int corrupt_slab_inuse(struct insp *in, char *what, size_t whatlen, char *err, size_t errlen)
{
	const struct insp_slab *s;
	const struct insp_cache *c;
	uint32_t inuse;
	uint8_t *d;

	s = slab_target(in, SL_PARTIAL, 0, partial_room, &d,
			"no partial slab of a cache with 3 or more objects per slab", err, errlen);
	if (!s)
		return -1;
	c = &in->caches[s->cache];
	inuse = s->inuse + 1 < c->num ? s->inuse + 1 : s->inuse - 1;
	insp_wr32(d, in->lay->slab.inuse, inuse);
	snprintf(what, whatlen, "cache %s slab %#x: inuse %u -> %u (num %u)", c->name, s->va,
		 s->inuse, inuse, c->num);
	return 0;
}

static int corrupt_slab_list(struct insp *in, char *what, size_t whatlen, char *err, size_t errlen)
{
	const struct insp_layout *l = in->lay;
	const struct insp_slab *s;
	const struct insp_cache *c;

	s = slab_target(in, SL_FULL, 0, NULL, NULL, "no full slab", err, errlen);
	if (!s)
		return -1;
	c = &in->caches[s->cache];
	if (!list_del_va(in, s->va + l->slab.list) ||
	    !list_add_va(in, s->va + l->slab.list, c->head_va[SL_PARTIAL]))
		return insp_errf(err, errlen, "slab list not writable");
	snprintf(what, whatlen, "cache %s: full slab %#x (inuse %u of %u) moved to slabs_partial",
		 c->name, s->va, s->inuse, c->num);
	return 0;
}

static int corrupt_slab_redzone(struct insp *in, char *what, size_t whatlen, char *err,
				size_t errlen)
{
	const struct insp_layout *l = in->lay;

	if (!slabs_walked(in, err, errlen))
		return -1;
	for (size_t i = 0; i < in->nslabs; i++) {
		const struct insp_slab *s = &in->slabs[i];
		const struct insp_cache *c = &in->caches[s->cache];
		uint32_t s_mem;
		uint8_t *d;

		if (!(c->flags & l->sc.red_zone) || !s->pages_ok || !s->nactive ||
		    !(d = slab_desc(in, s)))
			continue;
		s_mem = insp_rd32(d, l->slab.s_mem);
		for (uint32_t k = 0; k < c->num; k++) {
			uint32_t buf = s_mem + k * c->size;
			uint32_t rz = buf + c->obj_offset +
				      ((c->object_size + l->sc.redzone_align - 1) & ~(l->sc.redzone_align - 1));
			uint8_t *p;

			if (rd16p(d + l->slab.bufctl + 2 * k) != l->sc.bufctl_active ||
			    in_array_cache(in, c, buf) || !(p = wk(in, rz, 1)))
				continue;
			*p = *p == 0x41 ? 0x42 : 0x41;
			snprintf(what, whatlen, "cache %s: in-use object %#x: byte at %#x (red zone 2) "
				 "= %#x", c->name, buf + c->obj_offset, rz, *p);
			return 0;
		}
	}
	return insp_errf(err, errlen, "no in-use object with red zones (boot the guest with "
		     "slab_debug=Z)");
}

static int corrupt_slab_poison(struct insp *in, char *what, size_t whatlen, char *err,
			       size_t errlen)
{
	const struct insp_layout *l = in->lay;
	const struct insp_slab *s;
	const struct insp_cache *c;
	uint32_t obj, off;
	uint8_t *d, *p;

	s = slab_target(in, -1, l->sc.poison, has_free, &d, "no free object of a poisoned cache "
			"(boot the guest with slab_debug=P)", err, errlen);
	if (!s)
		return -1;
	c = &in->caches[s->cache];
	obj = insp_rd32(d, l->slab.s_mem) + rd16p(d + l->slab.free) * c->size + c->obj_offset;
	off = (c->object_size - 1) / 2;
	if (!(p = wk(in, obj + off, 1)))
		return insp_errf(err, errlen, "object not writable");
	*p = 0x42;
	snprintf(what, whatlen, "cache %s: free object %#x: byte %u = 0x42 (write after free)",
		 c->name, obj, off);
	return 0;
}

/* ---- The kinds ----------------------------------------------------------- */

const struct insp_corruption insp_corruptions[] = {
	{ "buddy-order", R_BUDDY_ORDER, "change private (the order) of a free block's head", corrupt_buddy_order },
	{ "buddy-cycle", R_BUDDY_CYCLE, "point a free list's last entry back at its first", corrupt_buddy_cycle },
	{ "buddy-double", R_BUDDY_DOUBLE, "put a free block on a second free list too", corrupt_buddy_double },
	{ "buddy-unmerged", R_BUDDY_UNMERGED, "split a free block into two free halves, counts fixed", corrupt_buddy_unmerged },
	{ "nr-free", R_BUDDY_NR_FREE, "make a free_area's nr_free off by one", corrupt_nr_free },
	{ "page-flags", R_PAGE_FLAGS, "set PG_slab and PG_table on an allocated page", corrupt_page_flags },
	{ "hole-in-buddy", R_MEM_HOLE, "link a pfn of the ISA hole into an order-0 free list, counts fixed", corrupt_hole_in_buddy },
	{ "page-refcount", R_PAGE_FREE_REFCOUNT, "set refcount 1 on a free block's head", corrupt_page_refcount },
	{ "pte-wild", R_PT_RAM, "map an unused PTE of the fixmap's page table, below the fixmap, to a pa beyond guest RAM", corrupt_pte_wild },
	{ "pte-user", R_PT_USER, "set the U bit on a direct-map PDE", corrupt_pte_user },
	{ "pte-freed", R_PT_FREED, "map a buddy-free page at an unused PTE of the fixmap's page table, below the fixmap", corrupt_pte_freed },
	{ "directmap", R_PT_DIRECTMAP, "shift one direct-map entry by one page (or 2 MiB)", corrupt_directmap },
	{ "zone-free", R_ZONE_FREE, "make a zone's NR_FREE_PAGES counter off by one", corrupt_zone_free },
	{ "pcp-count", R_PCP_COUNT, "make a per-CPU list's count off by one", corrupt_pcp_count },
	{ "pte-reserved", R_PT_RESERVED, "set a reserved bit (13) in a direct-map 2 MiB PDE", corrupt_pte_reserved },
	{ "pdpte-1g", R_PT_1G, "make the unused PDPT entry 0 a 1 GiB page", corrupt_pdpte_1g },
	{ "table-flag", R_PT_TABLE, "clear PG_table on the kernel page directory", corrupt_table_flag },
	{ "deferred-dirty", R_BUDDY_DEFERRED, "set PG_dirty on a struct page inside a deferred top-order range", corrupt_deferred_dirty },
	{ "pkmap-count", R_PKMAP_COUNT, "give an unused, flushed pkmap slot a user (count 2) without a PTE", corrupt_pkmap_count },
	{ "pkmap-dup", R_PKMAP_DUP, "map a kmapped page at a second pkmap slot with a user too (needs a kmap held)", corrupt_pkmap_dup },
	{ "fixmap-leak", R_FIXMAP_LEAK, "leave kmap_atomic slot 0 mapped at a checkpoint", corrupt_fixmap_leak },
	{ "slab-freelist-dup", R_SLAB_FREELIST_DUP, "point a slab's free-chain tail back at its head (an index twice)", corrupt_slab_freelist_dup },
	{ "slab-freelist-range", R_SLAB_FREELIST_RANGE, "point a slab's free-chain tail at index num (out of range)", corrupt_slab_freelist_range },
	{ "slab-inuse", R_SLAB_INUSE, "make a partial slab's inuse off by one (still partial)", corrupt_slab_inuse },
	{ "slab-list", R_SLAB_LIST, "move a full slab onto its cache's partial list", corrupt_slab_list },
	{ "slab-redzone", R_SLAB_REDZONE, "overwrite the first byte after an in-use object (needs slab_debug=Z)", corrupt_slab_redzone },
	{ "slab-poison", R_SLAB_POISON, "write into a free, poisoned object (needs slab_debug=P)", corrupt_slab_poison },
	{ "vmalloc-overlap", R_VMALLOC_LIST, "make a vmalloc area start one page inside the area before it", corrupt_vmalloc_overlap },
	{ "vmalloc-orphan-pte", R_VMALLOC_ORPHAN, "map a page at a vmalloc address no area covers", corrupt_vmalloc_orphan_pte },
	{ "vmalloc-freed-page", R_VMALLOC_PAGE, "remap a vmalloc area's first page to a buddy-free page", corrupt_vmalloc_freed_page },
	{ "vma-overlap", R_VM_VMA, "make a task's first VMA end one page inside its second", corrupt_vma_overlap },
	{ "pte-outside-vma", R_VM_PTE, "map the zero page at a task address no VMA covers", corrupt_pte_outside_vma },
	{ "pte-rights", R_VM_RIGHTS, "take the user bit off a task's PTE", corrupt_pte_rights },
	{ "mapcount", R_VM_PAGE, "add one to the _mapcount of a page a task maps", corrupt_mapcount },
	{ "rss", R_VM_RSS, "make a task's anon RSS counter off by one", corrupt_rss },
	{ "kernel-pd-unshared", R_VM_KERNEL_PD, "point a task pgd's kernel entry at another page", corrupt_kernel_pd_unshared },
};
const size_t insp_nr_corruptions = sizeof(insp_corruptions) / sizeof(insp_corruptions[0]);

const struct insp_corruption *insp_corruption_find(const char *kind)
{
	for (size_t i = 0; i < insp_nr_corruptions; i++)
		if (!strcmp(insp_corruptions[i].kind, kind))
			return &insp_corruptions[i];
	return NULL;
}

int insp_corrupt(struct insp *in, const char *kind, char *what, size_t whatlen,
		 char *err, size_t errlen)
{
	const struct insp_corruption *c = insp_corruption_find(kind);

	if (!c)
		return insp_errf(err, errlen, "unknown corruption kind '%s' (see --list-corruptions)", kind);
	if (!survey(in))
		return insp_errf(err, errlen, "cannot read the guest's mm state to find a target");
	return c->apply(in, what, whatlen, err, errlen);
}

/* ---- Fuzzing ------------------------------------------------------------ */

static uint64_t xorshift(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dull;
}

#define FUZZ_MAX_TABLES 2048
#define FUZZ_MAX_SLAB_REGIONS 4096

struct region { uint8_t *p; uint32_t len; };

/* The slab structures of the surveyed guest: caches, descriptors with their
 * bufctl arrays, array caches, and the start of each slab's buffers. */
static unsigned slab_regions(struct insp *in, struct region *r, unsigned max)
{
	const struct insp_layout *l = in->lay;
	unsigned n = 0;

	if (!in->slab_valid)
		return 0;
	for (size_t i = 0; i < in->ncaches && n < max; i++) {
		const struct insp_cache *c = &in->caches[i];

		if ((r[n].p = wk(in, c->va, l->kmc.size)))
			r[n++].len = l->kmc.size;
		for (unsigned cpu = 0; cpu < l->nr_cpus && n < max; cpu++) {
			uint32_t len = l->ac.entry + 4 * (c->limit < 4096 ? c->limit : 4096);

			if (c->cpu_cache[cpu] && (r[n].p = wk(in, c->cpu_cache[cpu], len)))
				r[n++].len = len;
		}
	}
	for (size_t i = 0; i < in->nslabs && n + 2 <= max; i++) {
		const struct insp_slab *s = &in->slabs[i];
		const struct insp_cache *c = &in->caches[s->cache];
		uint64_t len = insp_slab_desc_len(l, c->num);
		uint8_t *d = wk(in, s->va, len);

		if (!d)
			continue;
		r[n].p = d;
		r[n++].len = len;
		if (s->pages_ok && (r[n].p = wk(in, insp_rd32(d, l->slab.s_mem), 256)))
			r[n++].len = 256;
	}
	return n;
}

unsigned insp_fuzz(struct insp *in, unsigned flips, uint64_t seed)
{
	const struct insp_layout *l = in->lay;
	uint64_t tables[FUZZ_MAX_TABLES], s = seed * 0x9e3779b97f4a7c15ull + 1;
	static struct region regions[FUZZ_MAX_SLAB_REGIONS];
	unsigned ntables = 0, done = 0, nregions;
	uint8_t *mm, *zones;
	uint64_t mm_len;

	if (!survey(in))
		return 0;
	mm = (uint8_t *)in->st.mem_map;
	mm_len = in->st.npfn * l->page.size;
	zones = wk(in, l->sym.contig_page_data, l->pgdat.size);
	nregions = slab_regions(in, regions, FUZZ_MAX_SLAB_REGIONS);

	/* Every table page reachable from swapper_pg_dir, before any flip. */
	uint64_t pml4 = in->st.swapper_cr3 & PT_ADDR_MASK;
	tables[ntables++] = pml4;
	for (unsigned i = 0; i < 512 && ntables < FUZZ_MAX_TABLES; i++) {
		const uint8_t *t = guest_mem_ptr(in->mem, pml4, 4096);
		uint64_t e = t ? rd64p(t + 8 * i) : 0, pdpt = e & PT_ADDR_MASK;

		if (!(e & PT_P) || !guest_mem_ptr(in->mem, pdpt, 4096))
			continue;
		tables[ntables++] = pdpt;
		for (unsigned j = 0; j < 4 && ntables < FUZZ_MAX_TABLES; j++) {
			uint64_t pe = rd64p((const uint8_t *)guest_mem_ptr(in->mem, pdpt, 4096) + 8 * j);
			uint64_t pd = pe & PT_ADDR_MASK;

			if (!(pe & PT_P) || (pe & PT_PS) || !guest_mem_ptr(in->mem, pd, 4096))
				continue;
			tables[ntables++] = pd;
			for (unsigned k = 0; k < 512 && ntables < FUZZ_MAX_TABLES; k++) {
				uint64_t de = rd64p((const uint8_t *)guest_mem_ptr(in->mem, pd, 4096) + 8 * k);
				uint64_t pt = de & PT_ADDR_MASK;

				if ((de & PT_P) && !(de & PT_PS) && guest_mem_ptr(in->mem, pt, 4096))
					tables[ntables++] = pt;
			}
		}
	}

	for (unsigned i = 0; i < flips; i++) {
		uint64_t r = xorshift(&s), pick = r % 100;
		uint8_t mask = (uint8_t)(xorshift(&s) % 255 + 1);
		uint8_t *b = NULL;

		if (pick < 40 && mm_len) {
			b = mm + xorshift(&s) % mm_len;                 /* anywhere in mem_map */
		} else if (pick < 60 && in->nblocks && mm) {
			/* a free block's head: its links, flags and order */
			uint64_t pfn = in->blocks[xorshift(&s) % in->nblocks].pfn;
			b = mm + pfn * l->page.size + xorshift(&s) % l->page.size;
		} else if (pick < 70 && zones) {
			b = zones + xorshift(&s) % l->pgdat.size;       /* zones, lists, counters */
		} else if (pick < 82 && nregions) {
			/* caches, slab descriptors and bufctl, array caches, objects */
			const struct region *rg = &regions[xorshift(&s) % nregions];
			b = rg->p + xorshift(&s) % rg->len;
		} else if (ntables) {
			uint64_t t = tables[xorshift(&s) % ntables];
			b = guest_mem_ptr(in->mem, t + xorshift(&s) % 4096, 1);
		}
		if (!b)
			continue;
		*b ^= mask;
		done++;
	}
	insp_clear_walk(in);
	return done;
}
