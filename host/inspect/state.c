/*
 * Runtime state: the guest globals the checkers start from, read at their
 * symbol addresses through the direct map (VA - PAGE_OFFSET) at a
 * checkpoint: mem_map, max_pfn, max_low_pfn, high_memory, the totals, the
 * node's zones with their free-list heads, per-CPU lists and deferred
 * ranges, and swapper_pg_dir.  Each value is checked against what the host
 * knows independently (guest RAM, the layout constants) before anything
 * uses it: mem.geometry and zone.span report the disagreements.
 */
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "inspect.h"

#define PG_SHIFT 12

void insp_init(struct insp *in, const struct guest_mem *mem, const struct insp_layout *lay)
{
	memset(in, 0, sizeof(*in));
	in->mem = mem;
	in->lay = lay;
	in->pt.maxphyaddr = 52;
	in->pt.nxe = false;
	in->kernel_start_pa = lay->sym.text - lay->page_offset;
	in->kernel_end_pa = lay->sym.end - lay->page_offset;
}

void insp_free(struct insp *in)
{
	free(in->pstate);
	free(in->vareas);
	free(in->blocks);
	free(in->visited);
	free(in->caches);
	free(in->slabs);
	free(in->slabmap);
	free(in->vset);
	free(in->vset_val);
	free(in->objstate);
	free(in->acbuf);
	in->pstate = NULL;
	in->blocks = NULL;
	in->visited = NULL;
	in->caches = NULL;
	in->slabs = NULL;
	in->slabmap = NULL;
	in->vset = in->vset_val = in->acbuf = NULL;
	in->objstate = NULL;
	in->pstate_cap = in->blocks_cap = in->visited_cap = 0;
	in->caches_cap = in->slabs_cap = in->slabmap_cap = in->vset_cap = in->objstate_cap = 0;
	in->acbuf_cap = in->ncaches = in->nslabs = in->vset_n = 0;
	in->slab_valid = in->slab_pages_valid = false;
}

const void *insp_kptr(const struct insp *in, uint64_t va, uint64_t len)
{
	uint64_t po = in->lay->page_offset;

	if (va < po || va > 0xffffffffull || len > 0x100000000ull - va)
		return NULL;
	return guest_mem_ptr(in->mem, va - po, len);
}

bool insp_read_u32(const struct insp *in, uint64_t va, uint32_t *out)
{
	const void *p = insp_kptr(in, va, 4);

	if (!p)
		return false;
	memcpy(out, p, 4);
	return true;
}

bool insp_pfn_is_ram(const struct insp *in, uint64_t pfn)
{
	uint64_t pa = pfn << PG_SHIFT;

	if (pfn >= (1ull << 40))
		return false;
	if (pa >= LEGACY_HOLE_START && pa < LEGACY_HOLE_END)
		return false;
	return guest_mem_ptr(in->mem, pa, 4096) != NULL;
}

static uint64_t overlap(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
	uint64_t s = a0 > b0 ? a0 : b0, e = a1 < b1 ? a1 : b1;

	return e > s ? e - s : 0;
}

uint64_t insp_ram_pages(const struct insp *in, uint64_t start, uint64_t end)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < in->mem->nr_regions; i++) {
		const struct ram_region *r = &in->mem->region[i];

		n += overlap(start, end, r->gpa >> PG_SHIFT, (r->gpa + r->size) >> PG_SHIFT);
	}
	/* The ISA hole is backed but not RAM in the guest's memory map. */
	uint64_t hs = LEGACY_HOLE_START >> PG_SHIFT, he = LEGACY_HOLE_END >> PG_SHIFT;
	uint64_t s = start > hs ? start : hs, e = end < he ? end : he;

	for (unsigned i = 0; s < e && i < in->mem->nr_regions; i++) {
		const struct ram_region *r = &in->mem->region[i];

		n -= overlap(s, e, r->gpa >> PG_SHIFT, (r->gpa + r->size) >> PG_SHIFT);
	}
	return n;
}

unsigned insp_pfn_zone(const struct insp *in, uint64_t pfn)
{
	unsigned z = 0;

	for (unsigned i = 1; i < in->st.nr_zones; i++)
		if (pfn >= in->st.zone[i].start)
			z++;
	return z;
}

uint64_t insp_page_va(const struct insp *in, uint64_t pfn)
{
	return in->st.mem_map_va + pfn * in->lay->page.size;
}

uint64_t insp_va_to_pfn(const struct insp *in, uint64_t page_va)
{
	uint64_t off;

	if (page_va < in->st.mem_map_va)
		return ~0ull;
	off = page_va - in->st.mem_map_va;
	if (off % in->lay->page.size)
		return ~0ull;
	off /= in->lay->page.size;
	return off < in->st.npfn ? off : ~0ull;
}

static void geom(struct insp *in, const char *place, const char *detail)
{
	if (in->rep)
		insp_report_add(in->rep, R_MEM_GEOMETRY, place, "%s", detail);
}

static bool read_global(struct insp *in, uint64_t va, const char *name, uint64_t *out)
{
	uint32_t v;

	if (!insp_read_u32(in, va, &v)) {
		char d[128];

		snprintf(d, sizeof(d), "cannot read it at %#llx", (unsigned long long)va);
		geom(in, name, d);
		return false;
	}
	*out = v;
	return true;
}

/* A NUL-terminated printable string at a guest kernel address, or "". */
static void read_name(const struct insp *in, uint32_t va, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i + 1 < len; i++) {
		const char *c = insp_kptr(in, (uint64_t)va + i, 1);

		if (!c || *c == '\0') {
			buf[i] = '\0';
			return;
		}
		if (*c < 0x20 || *c > 0x7e) {
			buf[0] = '\0';
			return;
		}
		buf[i] = *c;
		buf[i + 1] = '\0';
	}
}

static void decode_zone(struct insp *in, const uint8_t *pgdat, unsigned z)
{
	const struct insp_layout *l = in->lay;
	struct insp_zone *zn = &in->st.zone[z];
	uint32_t zoff = l->pgdat.node_zones + z * l->zone.size;
	const uint8_t *zp = pgdat + zoff;

	memset(zn, 0, sizeof(*zn));
	zn->va = l->sym.contig_page_data + zoff;
	read_name(in, insp_rd32(zp, l->zone.name), zn->name, sizeof(zn->name));
	if (!zn->name[0])
		snprintf(zn->name, sizeof(zn->name), "zone%u", z);
	zn->start = insp_rd32(zp, l->zone.start_pfn);
	zn->spanned = insp_rd32(zp, l->zone.spanned);
	zn->present = insp_rd32(zp, l->zone.present);
	zn->managed = insp_rd32(zp, l->zone.managed);
	for (unsigned i = 0; i < l->nr_zone_stat; i++)
		zn->vm_stat[i] = (int32_t)insp_rd32(zp, l->zone.vm_stat + 4 * i);
	zn->wmark[0] = insp_rd32(zp, l->zone.watermark + 4 * l->wmark_min);
	zn->wmark[1] = insp_rd32(zp, l->zone.watermark + 4 * l->wmark_low);
	zn->wmark[2] = insp_rd32(zp, l->zone.watermark + 4 * l->wmark_high);
	for (unsigned i = 0; i < l->max_nr_zones; i++)
		zn->lowmem_reserve[i] = insp_rd32(zp, l->zone.lowmem_reserve + 4 * i);
	for (unsigned o = 0; o < l->max_order; o++) {
		uint32_t fa = l->zone.free_area + o * l->free_area.size;

		zn->nr_free[o] = insp_rd32(zp, fa + l->free_area.nr_free);
		zn->head_va[o] = zn->va + fa + l->free_area.free_list;
		zn->head_next[o] = insp_rd32(zp, fa + l->free_area.free_list + l->list.next);
		zn->head_prev[o] = insp_rd32(zp, fa + l->free_area.free_list + l->list.prev);
	}
	zn->nr_deferred = insp_rd32(zp, l->zone.nr_deferred);
	for (unsigned i = 0; i < l->nr_deferred_ranges; i++) {
		uint32_t ro = l->zone.deferred + i * l->deferred_range.size;

		zn->deferred[i].start = insp_rd32(zp, ro + l->deferred_range.start_pfn);
		zn->deferred[i].end = insp_rd32(zp, ro + l->deferred_range.end_pfn);
	}
	for (unsigned c = 0; c < l->nr_cpus; c++) {
		uint32_t po = l->zone.pageset + c * l->pcp.size;

		zn->pcp[c].count = (int32_t)insp_rd32(zp, po + l->pcp.count);
		zn->pcp[c].high = (int32_t)insp_rd32(zp, po + l->pcp.high);
		zn->pcp[c].batch = (int32_t)insp_rd32(zp, po + l->pcp.batch);
		zn->pcp[c].head_va = zn->va + po + l->pcp.list;
		zn->pcp[c].head_next = insp_rd32(zp, po + l->pcp.list + l->list.next);
		zn->pcp[c].head_prev = insp_rd32(zp, po + l->pcp.list + l->list.prev);
	}
}

static void zone_span_rules(struct insp *in)
{
	const struct insp_layout *l = in->lay;
	struct insp_state *st = &in->st;
	uint64_t expect = 0, dma_end = (16ull << 20) >> PG_SHIFT;
	char place[INSP_PLACE_MAX];

	if (!in->rep)
		return;
	insp_report_ran(in->rep, R_ZONE_SPAN);
	if (dma_end > st->max_low_pfn)
		dma_end = st->max_low_pfn;
	for (unsigned z = 0; z < st->nr_zones; z++) {
		const struct insp_zone *zn = &st->zone[z];
		uint64_t end = zn->start + zn->spanned, ram;

		snprintf(place, sizeof(place), "zone %s", zn->name);
		if (zn->start != expect)
			insp_report_add(in->rep, R_ZONE_SPAN, place,
					"starts at pfn %#llx, the previous zone ends at %#llx",
					(unsigned long long)zn->start, (unsigned long long)expect);
		if (z == l->zone_dma && end != dma_end)
			insp_report_add(in->rep, R_ZONE_SPAN, place, "ends at pfn %#llx, not at %#llx "
					"(16 MiB or max_low_pfn)", (unsigned long long)end,
					(unsigned long long)dma_end);
		if (z == l->zone_highmem && zn->start != st->max_low_pfn)
			insp_report_add(in->rep, R_ZONE_SPAN, place, "starts at pfn %#llx, not at "
					"max_low_pfn %#llx", (unsigned long long)zn->start,
					(unsigned long long)st->max_low_pfn);
		if (z + 1 == st->nr_zones && end != st->max_pfn)
			insp_report_add(in->rep, R_ZONE_SPAN, place, "ends at pfn %#llx, not at "
					"max_pfn %#llx", (unsigned long long)end,
					(unsigned long long)st->max_pfn);
		ram = end > zn->start ? insp_ram_pages(in, zn->start, end) : 0;
		if (zn->present != ram)
			insp_report_add(in->rep, R_ZONE_SPAN, place, "present_pages %llu, but its span "
					"holds %llu pages of RAM", (unsigned long long)zn->present,
					(unsigned long long)ram);
		if (zn->managed > zn->present)
			insp_report_add(in->rep, R_ZONE_SPAN, place, "managed_pages %llu > present_pages %llu",
					(unsigned long long)zn->managed, (unsigned long long)zn->present);
		expect = end;
	}
}

bool insp_read_state(struct insp *in)
{
	const struct insp_layout *l = in->lay;
	struct insp_state *st = &in->st;
	const uint8_t *pgdat;
	uint64_t mm_pa, mm_len;
	char d[192];
	bool ok = true;

	memset(st, 0, sizeof(*st));
	in->pstate_valid = false;
	in->slab_valid = in->slab_pages_valid = false;
	if (in->rep)
		insp_report_ran(in->rep, R_MEM_GEOMETRY);
	ok &= read_global(in, l->sym.mem_map, "mem_map", &st->mem_map_va);
	ok &= read_global(in, l->sym.max_pfn, "max_pfn", &st->max_pfn);
	ok &= read_global(in, l->sym.max_low_pfn, "max_low_pfn", &st->max_low_pfn);
	ok &= read_global(in, l->sym.high_memory, "high_memory", &st->high_memory);
	ok &= read_global(in, l->sym.totalram_pages, "totalram_pages", &st->totalram);
	ok &= read_global(in, l->sym.totalhigh_pages, "totalhigh_pages", &st->totalhigh);
	pgdat = insp_kptr(in, l->sym.contig_page_data, l->pgdat.size);
	if (!pgdat) {
		geom(in, "contig_page_data", "cannot read it");
		ok = false;
	}
	if (!ok)
		return false;
	st->globals_ok = true;

	for (unsigned i = 0; i < l->nr_zone_stat; i++) {
		uint32_t v = 0;

		insp_read_u32(in, l->sym.vm_zone_stat + 4 * i, &v);
		st->vm_zone_stat[i] = (int32_t)v;
	}
	for (unsigned i = 0; i < l->nr_events; i++) {
		uint32_t v = 0;

		insp_read_u32(in, l->sym.vm_event_states + l->vm_event.event + 4 * i, &v);
		st->events[i] = v;
	}

	st->ram_end_pfn = guest_mem_end(in->mem) >> PG_SHIFT;
	if (st->max_pfn != st->ram_end_pfn) {
		snprintf(d, sizeof(d), "max_pfn is %#llx but guest RAM ends at pfn %#llx",
			 (unsigned long long)st->max_pfn, (unsigned long long)st->ram_end_pfn);
		geom(in, "max_pfn", d);
	}
	if (st->max_low_pfn > st->max_pfn || st->max_low_pfn > (l->maxmem >> PG_SHIFT)) {
		snprintf(d, sizeof(d), "max_low_pfn %#llx is above max_pfn %#llx or MAXMEM",
			 (unsigned long long)st->max_low_pfn, (unsigned long long)st->max_pfn);
		geom(in, "max_low_pfn", d);
	}
	if (st->high_memory != l->page_offset + (st->max_low_pfn << PG_SHIFT)) {
		snprintf(d, sizeof(d), "high_memory %#llx, expected PAGE_OFFSET + max_low_pfn pages = %#llx",
			 (unsigned long long)st->high_memory,
			 (unsigned long long)(l->page_offset + (st->max_low_pfn << PG_SHIFT)));
		geom(in, "high_memory", d);
	}

	/* mem_map: max_pfn struct pages in lowmem RAM.  A bad max_pfn is
	 * clamped to RAM so that the rest can still be checked. */
	st->npfn = st->max_pfn < st->ram_end_pfn ? st->max_pfn : st->ram_end_pfn;
	mm_len = st->npfn * l->page.size;
	mm_pa = st->mem_map_va - l->page_offset;
	if (st->mem_map_va < l->page_offset || st->mem_map_va % 4 ||
	    !(st->mem_map = insp_kptr(in, st->mem_map_va, mm_len))) {
		snprintf(d, sizeof(d), "mem_map %#llx: %llu struct pages are not in lowmem RAM",
			 (unsigned long long)st->mem_map_va, (unsigned long long)st->npfn);
		geom(in, "mem_map", d);
		st->mem_map = NULL;
		st->npfn = 0;
	} else if (mm_pa + mm_len > (st->max_low_pfn << PG_SHIFT)) {
		snprintf(d, sizeof(d), "mem_map [%#llx, %#llx) extends beyond lowmem",
			 (unsigned long long)mm_pa, (unsigned long long)(mm_pa + mm_len));
		geom(in, "mem_map", d);
	}

	st->nr_zones = l->max_nr_zones;
	for (unsigned z = 0; z < st->nr_zones; z++)
		decode_zone(in, pgdat, z);
	zone_span_rules(in);

	st->swapper_pa = l->sym.swapper_pg_dir - l->page_offset;
	st->swapper_cr3 = st->swapper_pa + l->pgd_cr3_offset;
	return true;
}
