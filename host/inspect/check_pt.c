/*
 * Page-table checker (JOS's check_kern_pgdir, from outside): walks the whole
 * tree under a CR3 once, top-down, the way the CPU would see it in IA-32e
 * mode, and checks each table and each leaf:
 *   - a present entry points to guest RAM (tables: RAM in the memory map);
 *   - table pages are PG_table in mem_map;
 *   - the direct map is exact: PAGE_OFFSET + pa -> pa for all lowmem;
 *   - kernel-half PD/PT entries have no U bit;
 *   - no kernel leaf outside the direct map maps a page that is free in
 *     the buddy allocator (pstate from check_buddy.c: listed blocks,
 *     per-CPU pages and deferred ranges), except in vmalloc, whose own
 *     rule (vmalloc.page, check_vmalloc.c) names the area, and in unused
 *     pkmap slots (pkmap_count 1): Linux keeps their PTEs until the next
 *     flush_all_zero_pkmaps().  check_pkmap.c has pkmap's own rules;
 *   - IA-32e reserved bits; PS in a PDPTE; nothing mapped above 4 GiB.
 * An entry with a structural error (reserved bits, 1 GiB, not RAM) is
 * reported once and not followed, so one bad entry is one violation.
 */
#include <string.h>

#include "inspect.h"

struct ptctx {
	struct insp *in;
	uint64_t dm_start, dm_end;   /* direct-map virtual range */
	uint64_t pk_start, pk_end;   /* pkmap */
	uint32_t vm_start, vm_end;   /* vmalloc: its own rules (check_vmalloc.c) */
	uint32_t pg_table;
};

static void place_va(char *buf, enum pt_level lvl, uint64_t va)
{
	snprintf(buf, INSP_PLACE_MAX, "%s for va %#llx", pt_level_names[lvl], (unsigned long long)va);
}

/* The table at pa (pointed to by an entry of level lvl-1), or NULL. */
static const uint64_t *table_page(struct ptctx *c, uint64_t pa, const char *what, uint64_t va)
{
	struct insp *in = c->in;
	char place[INSP_PLACE_MAX];
	const uint8_t *page;

	if (!insp_pfn_is_ram(in, pa >> 12)) {
		snprintf(place, sizeof(place), "%s for va %#llx", what, (unsigned long long)va);
		insp_report_add(in->rep, R_PT_RAM, place, "table at pa %#llx is not RAM",
				(unsigned long long)pa);
		return NULL;
	}
	page = insp_page(in, pa >> 12);
	if (page && !(insp_rd32(page, in->lay->page.flags) & c->pg_table)) {
		snprintf(place, sizeof(place), "pfn %#llx", (unsigned long long)(pa >> 12));
		insp_report_add(in->rep, R_PT_TABLE, place, "%s table for va %#llx is not PG_table "
				"(flags %#x)", what, (unsigned long long)va,
				insp_rd32(page, in->lay->page.flags));
	}
	return guest_mem_ptr(in->mem, pa, 4096);
}

static uint64_t entry_at(const uint64_t *t, unsigned i)
{
	uint64_t e;

	memcpy(&e, (const uint8_t *)t + 8 * i, 8);
	return e;
}

/* Reserved bits: report and tell the caller to skip the entry. */
static bool bad_reserved(struct ptctx *c, enum pt_level lvl, uint64_t va, uint64_t e)
{
	uint64_t rsv = pt_reserved_bits(&c->in->pt, lvl, e);
	char place[INSP_PLACE_MAX];

	if (!rsv)
		return false;
	place_va(place, lvl, va);
	insp_report_add(c->in->rep, R_PT_RESERVED, place, "entry %#llx has reserved bits %#llx",
			(unsigned long long)e, (unsigned long long)rsv);
	return true;
}

static void leaf(struct ptctx *c, enum pt_level lvl, uint64_t va, uint64_t e, uint64_t size)
{
	struct insp *in = c->in;
	uint64_t pa = e & PT_ADDR_MASK & ~(size - 1);
	char place[INSP_PLACE_MAX];

	if (!guest_mem_ptr(in->mem, pa, size)) {
		place_va(place, lvl, va);
		insp_report_add(in->rep, R_PT_RAM, place, "maps pa %#llx (+%#llx), which is not guest "
				"RAM", (unsigned long long)pa, (unsigned long long)size);
		return;
	}
	if (va < in->lay->page_offset)
		return;
	if (va >= c->dm_start && va < c->dm_end) {
		if (pa != va - in->lay->page_offset) {
			place_va(place, lvl, va);
			insp_report_add(in->rep, R_PT_DIRECTMAP, place, "direct map maps pa %#llx, "
					"expected %#llx", (unsigned long long)pa,
					(unsigned long long)(va - in->lay->page_offset));
		}
		return;
	}
	if (va >= c->pk_start && va < c->pk_end) {
		int32_t count;

		/* An unused slot (count 1) keeps its PTE until the next flush,
		 * and its page may be free by then: legal in Linux. */
		if (!insp_pkmap_count(in, (uint32_t)((va - c->pk_start) >> 12), &count) || count == 1)
			return;
	}
	if (va >= c->vm_start && va < c->vm_end)
		return;   /* vmalloc.page says which area maps a free page */
	if (!in->pstate_valid)
		return;
	uint64_t first = pa >> 12, n = size >> 12, nfree = 0, which = 0;

	for (uint64_t p = first; p < first + n && p < in->st.npfn; p++)
		if (in->pstate[p] & PS_FREE) {
			if (!nfree)
				which = p;
			nfree++;
		}
	if (nfree) {
		place_va(place, lvl, va);
		insp_report_add(in->rep, R_PT_FREED, place, "kernel mapping of pa %#llx: %llu page(s) "
				"free in the buddy allocator, first pfn %#llx%s",
				(unsigned long long)pa, (unsigned long long)nfree,
				(unsigned long long)which,
				(in->pstate[which] & PS_PCP) ? " (per-CPU list)" :
				(in->pstate[which] & PS_DEFERRED) ? " (deferred range)" : "");
	}
}

static void direct_missing(struct ptctx *c, enum pt_level lvl, uint64_t va, uint64_t size)
{
	char place[INSP_PLACE_MAX];

	if (va + size <= c->dm_start || va >= c->dm_end)
		return;
	place_va(place, lvl, va);
	insp_report_add(c->in->rep, R_PT_DIRECTMAP, place, "lowmem pa %#llx is not mapped",
			(unsigned long long)(va - c->in->lay->page_offset));
}

static void check_pt_page(struct ptctx *c, const uint64_t *pt, uint64_t base, bool kernel)
{
	for (unsigned i = 0; i < 512; i++) {
		uint64_t va = base + ((uint64_t)i << 12), e = entry_at(pt, i);
		char place[INSP_PLACE_MAX];

		if (!(e & PT_P)) {
			if (kernel)
				direct_missing(c, PT_PTE, va, 4096);
			continue;
		}
		if (bad_reserved(c, PT_PTE, va, e))
			continue;
		if (kernel && (e & PT_US)) {
			place_va(place, PT_PTE, va);
			insp_report_add(c->in->rep, R_PT_USER, place, "kernel PTE %#llx has the U bit",
					(unsigned long long)e);
		}
		leaf(c, PT_PTE, va, e, 4096);
	}
}

static void check_pd(struct ptctx *c, const uint64_t *pd, uint64_t base)
{
	bool kernel = base >= c->in->lay->page_offset;

	for (unsigned i = 0; i < 512; i++) {
		uint64_t va = base + ((uint64_t)i << 21), e = entry_at(pd, i);
		char place[INSP_PLACE_MAX];
		const uint64_t *pt;

		if (!(e & PT_P)) {
			if (kernel)
				direct_missing(c, PT_PDE, va, 2ull << 20);
			continue;
		}
		if (bad_reserved(c, PT_PDE, va, e))
			continue;
		if (kernel && (e & PT_US)) {
			place_va(place, PT_PDE, va);
			insp_report_add(c->in->rep, R_PT_USER, place, "kernel PDE %#llx has the U bit",
					(unsigned long long)e);
		}
		if (e & PT_PS) {
			leaf(c, PT_PDE, va, e, 2ull << 20);
			continue;
		}
		pt = table_page(c, e & PT_ADDR_MASK, "page table", va);
		if (pt)
			check_pt_page(c, pt, va, kernel);
	}
}

void insp_check_pt(struct insp *in, uint64_t cr3)
{
	const struct insp_layout *l = in->lay;
	struct ptctx c = {
		.in = in,
		.dm_start = l->page_offset,
		.dm_end = l->page_offset + (in->st.max_low_pfn << 12),
		.pk_start = l->pkmap_base,
		.pk_end = (uint64_t)l->pkmap_base + (uint64_t)l->last_pkmap * 4096,
		.pg_table = 1u << l->pg[IPG_table],
	};
	static const enum insp_rule rules[] = {
		R_PT_RAM, R_PT_TABLE, R_PT_DIRECTMAP, R_PT_USER, R_PT_RESERVED, R_PT_1G, R_PT_EXTRA,
	};
	const uint64_t *pml4, *pdpt;
	char place[INSP_PLACE_MAX];

	insp_vmalloc_range(in, &c.vm_start, &c.vm_end);
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		insp_report_ran(in->rep, rules[i]);
	if (in->pstate_valid)
		insp_report_ran(in->rep, R_PT_FREED);
	if (c.dm_end > 0x100000000ull)
		c.dm_end = 0x100000000ull;

	pml4 = table_page(&c, cr3 & PT_ADDR_MASK, "PML4", 0);
	if (!pml4)
		return;
	for (unsigned i = 0; i < 512; i++) {
		uint64_t e = entry_at(pml4, i), va = (uint64_t)i << 39;

		if (!(e & PT_P))
			continue;
		if (i != 0) {
			place_va(place, PT_PML4E, va);
			insp_report_add(in->rep, R_PT_EXTRA, place, "PML4[%u] = %#llx is present: only "
					"entry 0 (the 32-bit space) may be", i, (unsigned long long)e);
			continue;
		}
		if (bad_reserved(&c, PT_PML4E, va, e))
			continue;
		pdpt = table_page(&c, e & PT_ADDR_MASK, "PDPT", va);
		if (!pdpt)
			continue;
		for (unsigned j = 0; j < 512; j++) {
			uint64_t pe = entry_at(pdpt, j), pva = (uint64_t)j << 30;
			const uint64_t *pd;

			if (!(pe & PT_P)) {
				direct_missing(&c, PT_PDPTE, pva, 1ull << 30);
				continue;
			}
			place_va(place, PT_PDPTE, pva);
			if (j >= l->ptrs_per_pgd) {
				insp_report_add(in->rep, R_PT_EXTRA, place, "PDPT[%u] = %#llx is present: "
						"only %u entries are used", j, (unsigned long long)pe,
						l->ptrs_per_pgd);
				continue;
			}
			if (pe & PT_PS) {
				insp_report_add(in->rep, R_PT_1G, place, "PS set in PDPTE %#llx (a 1 GiB "
						"page)", (unsigned long long)pe);
				continue;
			}
			if (bad_reserved(&c, PT_PDPTE, pva, pe))
				continue;
			pd = table_page(&c, pe & PT_ADDR_MASK, "page directory", pva);
			if (pd)
				check_pd(&c, pd, pva);
		}
	}
}
