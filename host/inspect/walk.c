/*
 * Page-table walker: translate a guest virtual address from a CR3 the way
 * the CPU does in IA-32e mode for this guest (docs/design.md §2.4, §4.4):
 * PML4 -> PDPT (the PAE pgd) -> PD -> PT, with 2 MiB leaves in the PD and
 * 4 KiB leaves in the PT.  Like LibVMI's page_info it returns every level's
 * entry address and value, so a view can show the whole path and a checker
 * can say which entry is wrong.
 *
 * A non-present entry at any level is a translation failure (never PA 0).
 * Reserved bits are checked per level as the SDM defines them for 4-level
 * paging; PS in a PDPTE would be a 1 GiB page, which this guest never
 * creates, so the walk reports it instead of following it.  Tables are read
 * through guest_mem_ptr(): a table outside RAM ends the walk, it is never
 * dereferenced.  No state is cached across calls.
 */
#include <stdio.h>
#include <string.h>

#include "inspect.h"

const char *const pt_level_names[PT_NR_LEVELS] = { "PML4E", "PDPTE", "PDE", "PTE" };

static uint64_t maxphys_reserved(const struct pt_cfg *cfg)
{
	unsigned m = cfg->maxphyaddr;

	if (m < 32 || m > 52)
		m = 52;
	return ((1ull << 52) - 1) & ~((1ull << m) - 1);
}

uint64_t pt_reserved_bits(const struct pt_cfg *cfg, enum pt_level lvl, uint64_t entry)
{
	uint64_t rsv = maxphys_reserved(cfg);

	if (!cfg->nxe)
		rsv |= PT_NX;
	switch (lvl) {
	case PT_PML4E:
		rsv |= PT_PS;
		break;
	case PT_PDPTE:
		if (entry & PT_PS)
			rsv |= 0x3fffe000ull;      /* bits 29:13 of a 1 GiB leaf */
		break;
	case PT_PDE:
		if (entry & PT_PS)
			rsv |= 0x1fe000ull;        /* bits 20:13 of a 2 MiB leaf */
		break;
	default:
		break;
	}
	return entry & rsv;
}

static bool canonical(uint64_t va)
{
	uint64_t top = va >> 47;

	return top == 0 || top == 0x1ffff;
}

enum pt_status pt_walk(const struct guest_mem *mem, const struct pt_cfg *cfg,
		       uint64_t cr3, uint64_t va, struct pt_walk *w)
{
	uint64_t table = cr3 & PT_ADDR_MASK & ~maxphys_reserved(cfg);
	bool rw = true, us = true, nx = false;

	memset(w, 0, sizeof(*w));
	w->va = va;
	w->fail_level = -1;
	if (!canonical(va)) {
		w->status = PT_NONCANONICAL;
		return w->status;
	}
	for (int lvl = PT_PML4E; lvl < PT_NR_LEVELS; lvl++) {
		unsigned shift = 39 - 9 * lvl;
		uint64_t entry_pa = table + ((va >> shift) & 511) * 8;
		const void *p = guest_mem_ptr(mem, entry_pa, 8);
		uint64_t e;

		if (!p) {
			w->status = PT_TABLE_NOT_RAM;
			w->fail_level = lvl;
			return w->status;
		}
		memcpy(&e, p, 8);
		w->lvl[lvl].entry_pa = entry_pa;
		w->lvl[lvl].entry = e;
		w->levels = lvl + 1;
		if (!(e & PT_P)) {
			w->status = PT_NOT_PRESENT;
			w->fail_level = lvl;
			return w->status;
		}
		if (lvl == PT_PDPTE && (e & PT_PS)) {
			w->status = PT_PDPTE_1G;
			w->fail_level = lvl;
			return w->status;
		}
		w->reserved = pt_reserved_bits(cfg, lvl, e);
		if (w->reserved) {
			w->status = PT_RESERVED;
			w->fail_level = lvl;
			return w->status;
		}
		rw = rw && (e & PT_RW);
		us = us && (e & PT_US);
		nx = nx || (cfg->nxe && (e & PT_NX));
		if ((lvl == PT_PDE && (e & PT_PS)) || lvl == PT_PTE) {
			uint64_t size = lvl == PT_PDE ? (2ull << 20) : 4096;

			w->page_size = size;
			w->pa = (e & PT_ADDR_MASK & ~(size - 1)) | (va & (size - 1));
			w->writable = rw;
			w->user = us;
			w->nx = nx;
			w->status = PT_OK;
			return w->status;
		}
		table = e & PT_ADDR_MASK;
	}
	/* Not reached: the PTE level always returns. */
	w->status = PT_NOT_PRESENT;
	return w->status;
}

const char *pt_status_str(enum pt_status s)
{
	switch (s) {
	case PT_OK: return "ok";
	case PT_NOT_PRESENT: return "not present";
	case PT_RESERVED: return "reserved bits set";
	case PT_PDPTE_1G: return "PS in a PDPTE (1 GiB page)";
	case PT_TABLE_NOT_RAM: return "table not in guest RAM";
	case PT_NONCANONICAL: return "non-canonical address";
	}
	return "?";
}

char *pt_flags_str(char *buf, size_t len, uint64_t e)
{
	static const struct { uint64_t bit; const char *name; } names[] = {
		{ PT_P, "P" }, { PT_RW, "RW" }, { PT_US, "US" }, { PT_PWT, "PWT" },
		{ PT_PCD, "PCD" }, { PT_A, "A" }, { PT_D, "D" }, { PT_PS, "PS" },
		{ PT_G, "G" }, { PT_NX, "NX" },
	};
	size_t n = 0;

	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(e & names[i].bit))
			continue;
		int k = snprintf(buf + n, len - n, "%s%s", n ? " " : "", names[i].name);

		if (k < 0 || (size_t)k >= len - n)
			break;
		n += (size_t)k;
	}
	if (!n && len > 1)
		snprintf(buf, len, "-");
	return buf;
}

size_t pt_table_pages(const struct guest_mem *mem, uint64_t cr3, uint64_t *out, size_t max)
{
	uint64_t stack[3][512];
	size_t n = 0, nt[3] = { 0, 0, 0 };
	uint64_t top = cr3 & PT_ADDR_MASK;

	/* Level by level: PML4 -> PDPTs -> PDs -> PTs.  Each level reads only
	 * tables found at the previous one, so the walk is bounded. */
	if (!guest_mem_ptr(mem, top, 4096) || !max)
		return 0;
	out[n++] = top;
	stack[0][nt[0]++] = top;
	for (int lvl = 0; lvl < 3; lvl++) {
		for (size_t t = 0; t < nt[lvl]; t++) {
			const uint8_t *p = guest_mem_ptr(mem, stack[lvl][t], 4096);

			for (unsigned i = 0; p && i < 512; i++) {
				uint64_t e, next;

				memcpy(&e, p + 8 * i, 8);
				next = e & PT_ADDR_MASK;
				if (!(e & PT_P) || (lvl > 0 && (e & PT_PS)) ||
				    !guest_mem_ptr(mem, next, 4096))
					continue;
				if (n < max)
					out[n++] = next;
				if (lvl < 2 && nt[lvl + 1] < 512)
					stack[lvl + 1][nt[lvl + 1]++] = next;
			}
		}
	}
	return n;
}

size_t pt_read_virt(const struct guest_mem *mem, const struct pt_cfg *cfg, uint64_t cr3,
		    uint64_t va, void *buf, size_t len)
{
	size_t done = 0;

	/* Page by page: each page is translated on its own, so a buffer that
	 * crosses into an unmapped page stops there. */
	while (done < len) {
		struct pt_walk w;
		uint64_t chunk = 4096 - ((va + done) & 4095);
		const void *p;

		if (chunk > len - done)
			chunk = len - done;
		if (pt_walk(mem, cfg, cr3, va + done, &w) != PT_OK)
			break;
		p = guest_mem_ptr(mem, w.pa, chunk);
		if (!p)
			break;
		memcpy((uint8_t *)buf + done, p, chunk);
		done += chunk;
	}
	return done;
}
