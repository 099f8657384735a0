/*
 * The highmem windows from outside (guest highmem.c, Linux's mm/highmem.c):
 *   - pkmap: each pkmap_count entry against its PTE in the pkmap page
 *     table (count > 1: users, present; 0: flushed, not present; 1: unused
 *     but not flushed yet, either), each slot with users maps a highmem
 *     page whose page_address entry points back, no two such slots map
 *     one page, and every page_address entry names a mapped slot of its
 *     page on the chain hash_ptr() picks.  A count-1 slot whose page is
 *     free now is Linux's deferred flush: counted as information;
 *   - the kmap_atomic fixmap slots: none is mapped at a checkpoint, which
 *     is quiescent (every kmap_atomic was unmapped before it).
 * pt.freed (check_pt.c) covers pkmap PTEs too, except count-1 slots.
 */
#include <stdlib.h>
#include <string.h>

#include "inspect.h"

#define GOLDEN_RATIO_32 0x61C88647u   /* the guest's hash_32 (hash.h) */

bool insp_pkmap_count(const struct insp *in, uint32_t slot, int32_t *count)
{
	const struct insp_layout *l = in->lay;

	if (slot >= l->last_pkmap)
		return false;
	return insp_read_u32(in, l->sym.pkmap_count + 4ull * slot, (uint32_t *)count);
}

void insp_pkmap_stats(const struct insp *in, struct insp_pkmap_stats *s)
{
	int32_t count;

	memset(s, 0, sizeof(*s));
	for (uint32_t i = 0; i < in->lay->last_pkmap && insp_pkmap_count(in, i, &count); i++) {
		s->in_use += count > 1;
		s->users += count > 1 ? (uint32_t)count - 1 : 0;
		s->unflushed += count == 1;
	}
	insp_read_u32(in, in->lay->sym.pkmap_flushes, &s->flushes);
}

bool insp_kernel_pte(const struct insp *in, uint64_t va, uint64_t *pte, uint64_t *pte_pa)
{
	struct pt_walk w;

	pt_walk(in->mem, &in->pt, in->st.swapper_cr3, va, &w);
	if (w.levels <= PT_PTE)
		return false;   /* no page table: a 2 MiB page or a missing level */
	*pte = w.lvl[PT_PTE].entry;
	if (pte_pa)
		*pte_pa = w.lvl[PT_PTE].entry_pa;
	return true;
}

size_t insp_pkmap_entries(struct insp *in, struct insp_pam_entry *out, size_t max)
{
	const struct insp_layout *l = in->lay;
	size_t n = 0;

	for (uint32_t c = 0; c < 1u << l->pa_hash_order; c++) {
		uint32_t m;
		char place[INSP_PLACE_MAX];

		snprintf(place, sizeof(place), "page_address_htable[%u]", c);
		if (!insp_read_u32(in, l->sym.page_address_htable + 4ull * c, &m)) {
			insp_report_add(in->rep, R_PKMAP_ADDRESS, place, "not readable");
			return n;
		}
		while (m) {
			const uint8_t *e = insp_kptr(in, m, l->pam.size);

			if (!e) {
				insp_report_add(in->rep, R_PKMAP_ADDRESS, place, "entry %#x is not in "
						"lowmem RAM", m);
				break;
			}
			if (n == max) {
				insp_report_add(in->rep, R_PKMAP_ADDRESS, place, "more than %zu entries "
						"(one per pkmap slot): a cycle or a leak", max);
				return n;
			}
			out[n].page = insp_rd32(e, l->pam.page);
			out[n].virtual_ = insp_rd32(e, l->pam.virtual_);
			out[n++].chain = c;
			m = insp_rd32(e, l->pam.next);
		}
	}
	return n;
}

static const struct insp_pam_entry *find_entry(const struct insp_pam_entry *e, size_t n, uint32_t page)
{
	for (size_t i = 0; i < n; i++)
		if (e[i].page == page)
			return &e[i];
	return NULL;
}

static void check_pkmap_slots(struct insp *in)
{
	const struct insp_layout *l = in->lay;
	size_t max = l->last_pkmap, n;
	struct insp_pam_entry *ent = calloc(max ? max : 1, sizeof(*ent));
	/* pfn mapped by each present slot in use or unflushed (count >= 1),
	 * for the duplicate and page_address rules */
	uint64_t *slot_pfn = calloc(max ? max : 1, sizeof(*slot_pfn));
	int32_t *slot_count = calloc(max ? max : 1, sizeof(*slot_count));
	char place[INSP_PLACE_MAX];

	if (!ent || !slot_pfn || !slot_count) {
		free(ent);
		free(slot_pfn);
		free(slot_count);
		return;
	}
	n = insp_pkmap_entries(in, ent, max);
	for (uint32_t i = 0; i < max; i++)
		slot_pfn[i] = ~0ull;
	for (uint32_t i = 0; i < l->last_pkmap && !insp_stopping(in); i++) {
		uint64_t va = l->pkmap_base + 4096ull * i, pte, pfn;
		int32_t count;
		bool present;

		snprintf(place, sizeof(place), "pkmap slot %u (va %#llx)", i, (unsigned long long)va);
		if (!insp_pkmap_count(in, i, &count)) {
			insp_report_add(in->rep, R_PKMAP_COUNT, place, "pkmap_count is not readable");
			break;
		}
		if (!insp_kernel_pte(in, va, &pte, NULL)) {
			struct pt_walk w;

			/* A missing PDE is no pt.* violation outside the direct
			 * map; broken tables above it are, and are not repeated. */
			pt_walk(in->mem, &in->pt, in->st.swapper_cr3, va, &w);
			if (w.status == PT_NOT_PRESENT && w.fail_level == PT_PDE)
				insp_report_add(in->rep, R_PKMAP_COUNT, place, "no page table maps the "
						"pkmap window (its PDE is not present)");
			break;
		}
		present = pte & PT_P;
		pfn = (pte & PT_ADDR_MASK) >> 12;
		if (count < 0) {
			insp_report_add(in->rep, R_PKMAP_COUNT, place, "count %d is negative", count);
			continue;
		}
		if (count > 1 && !present) {
			insp_report_add(in->rep, R_PKMAP_COUNT, place, "count %d (%d user%s) but the PTE "
					"%#llx is not present", count, count - 1, count == 2 ? "" : "s",
					(unsigned long long)pte);
			continue;
		}
		if (count == 0 && present) {
			insp_report_add(in->rep, R_PKMAP_COUNT, place, "count 0 (unused, flushed) but the "
					"PTE maps pfn %#llx", (unsigned long long)pfn);
			continue;
		}
		if (count == 1 && present && in->rep && in->pstate_valid && pfn < in->st.npfn &&
		    (in->pstate[pfn] & PS_FREE) && !in->rep->pkmap_deferred++)
			snprintf(in->rep->pkmap_deferred_first, sizeof(in->rep->pkmap_deferred_first),
				 "pkmap slot %u (count 1, unused) still maps pfn %#llx, which is free",
				 i, (unsigned long long)pfn);
		if (count < 1 || !present)
			continue;
		/*
		 * A slot with users, or an unused one not flushed yet: as in
		 * Linux, its page keeps its page_address until the flush, so
		 * a kmap of the page finds the slot again.
		 */
		if (pfn < in->st.max_low_pfn || pfn >= in->st.npfn) {
			insp_report_add(in->rep, R_PKMAP_ADDRESS, place, "maps pfn %#llx, which is not a "
					"highmem page (max_low_pfn %#llx)", (unsigned long long)pfn,
					(unsigned long long)in->st.max_low_pfn);
			continue;
		}
		slot_pfn[i] = pfn;
		slot_count[i] = count;
	}
	/* Slots with users against page_address.  Of two slots mapping one
	 * page, the one its page_address names is the real one; the other
	 * is the duplicate (both are, if it names neither). */
	for (uint32_t i = 0; i < l->last_pkmap && !insp_stopping(in); i++) {
		uint64_t va = l->pkmap_base + 4096ull * i, pfn = slot_pfn[i];
		const struct insp_pam_entry *e;
		uint32_t other = 0;

		if (pfn == ~0ull)
			continue;
		snprintf(place, sizeof(place), "pkmap slot %u (va %#llx)", i, (unsigned long long)va);
		while (other < l->last_pkmap && (other == i || slot_pfn[other] != pfn))
			other++;
		e = find_entry(ent, n, (uint32_t)insp_page_va(in, pfn));
		if (other < l->last_pkmap) {
			if (!e || e->virtual_ != va)
				insp_report_add(in->rep, R_PKMAP_DUP, place, "maps pfn %#llx, which slot %u "
						"maps too", (unsigned long long)pfn, other);
			continue;
		}
		if (!e)
			insp_report_add(in->rep, R_PKMAP_ADDRESS, place, "pfn %#llx %s but no "
					"page_address entry", (unsigned long long)pfn,
					slot_count[i] > 1 ? "has users" : "is still mapped (count 1, unflushed)");
		else if (e->virtual_ != va)
			insp_report_add(in->rep, R_PKMAP_ADDRESS, place, "pfn %#llx's page_address is "
					"%#x, not this slot", (unsigned long long)pfn, e->virtual_);
	}
	/* The other way: every entry names a slot that maps its page. */
	for (size_t k = 0; k < n; k++) {
		uint32_t va = ent[k].virtual_, want;
		uint64_t pfn = insp_va_to_pfn(in, ent[k].page), pte;
		int32_t count = 0;

		snprintf(place, sizeof(place), "page_address_htable[%u]", ent[k].chain);
		if (pfn == ~0ull) {
			insp_report_add(in->rep, R_PKMAP_ADDRESS, place, "entry for %#x: not a struct "
					"page", ent[k].page);
			continue;
		}
		want = (uint32_t)(ent[k].page * GOLDEN_RATIO_32) >> (32 - l->pa_hash_order);
		if (want != ent[k].chain)
			insp_report_add(in->rep, R_PKMAP_ADDRESS, place, "entry for pfn %#llx is on "
					"chain %u, its hash is %u", (unsigned long long)pfn, ent[k].chain,
					want);
		if (va < l->pkmap_base || va % 4096 ||
		    (va - l->pkmap_base) / 4096 >= l->last_pkmap) {
			insp_report_add(in->rep, R_PKMAP_ADDRESS, place, "pfn %#llx's page_address %#x is "
					"not a pkmap slot", (unsigned long long)pfn, va);
			continue;
		}
		if (!insp_pkmap_count(in, (va - l->pkmap_base) / 4096, &count) ||
		    !insp_kernel_pte(in, va, &pte, NULL))
			continue;   /* reported by the slot pass */
		if (count < 1 || !(pte & PT_P) || ((pte & PT_ADDR_MASK) >> 12) != pfn)
			insp_report_add(in->rep, R_PKMAP_ADDRESS, place, "pfn %#llx's page_address %#x "
					"is slot %u, which %s", (unsigned long long)pfn, va,
					(va - l->pkmap_base) / 4096,
					count < 1 ? "is unused and flushed" : !(pte & PT_P) ?
					"is not mapped" : "maps another page");
	}
	free(ent);
	free(slot_pfn);
	free(slot_count);
}

static void check_fixmap(struct insp *in)
{
	const struct insp_layout *l = in->lay;

	for (uint32_t idx = l->fix_kmap_begin; idx <= l->fix_kmap_end; idx++) {
		uint64_t va = l->fixaddr_top - 4096ull * idx, pte;
		uint32_t slot = idx - l->fix_kmap_begin;
		char place[INSP_PLACE_MAX];

		if (!insp_kernel_pte(in, va, &pte, NULL) || !(pte & PT_P))
			continue;
		snprintf(place, sizeof(place), "kmap_atomic slot %u (va %#llx)", slot,
			 (unsigned long long)va);
		insp_report_add(in->rep, R_FIXMAP_LEAK, place, "maps pfn %#llx at a checkpoint (CPU "
				"%u, depth %u): a kmap_atomic without its kunmap_atomic",
				(unsigned long long)((pte & PT_ADDR_MASK) >> 12),
				l->km_type_nr ? slot / l->km_type_nr : 0,
				l->km_type_nr ? slot % l->km_type_nr : slot);
	}
}

void insp_check_pkmap(struct insp *in)
{
	static const enum insp_rule rules[] = {
		R_PKMAP_COUNT, R_PKMAP_ADDRESS, R_PKMAP_DUP, R_FIXMAP_LEAK,
	};

	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		insp_report_ran(in->rep, rules[i]);
	check_pkmap_slots(in);
	check_fixmap(in);
}
