/*
 * Layout reader: turns the guest's layout note (shared/layout_note.h) and
 * its symbol table into struct insp_layout, the only place the inspector
 * learns sizes, offsets, constants and addresses.  Nothing here is
 * hard-coded from guest headers; a note that is malformed, from another
 * version, or lacks a key the host needs is refused with a reason.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "elf_load.h"
#include "inspect.h"
#include "layout_note.h"

const char *const insp_pg_names[IPG_NR] = {
	"locked", "referenced", "uptodate", "dirty", "lru", "active", "slab",
	"reserved", "private", "writeback", "head", "swapbacked", "buddy",
	"table", "poisoned",
};

static int lfail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int lfail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

#define F(key, field) { key, offsetof(struct insp_layout, field), #key }
static const struct {
	uint32_t key;
	size_t off;
	const char *name;
} keymap[] = {
	F(LN_PAGE_SHIFT, page_shift), F(LN_PAGE_OFFSET, page_offset),
	F(LN_SIZEOF_LONG, sizeof_long), F(LN_SIZEOF_PTR, sizeof_ptr),
	F(LN_MAX_ORDER, max_order), F(LN_MAX_NR_ZONES, max_nr_zones), F(LN_NR_CPUS, nr_cpus),
	F(LN_ZONE_DMA, zone_dma), F(LN_ZONE_NORMAL, zone_normal), F(LN_ZONE_HIGHMEM, zone_highmem),
	F(LN_NR_WMARK, nr_wmark), F(LN_WMARK_MIN, wmark_min), F(LN_WMARK_LOW, wmark_low),
	F(LN_WMARK_HIGH, wmark_high), F(LN_NR_FREE_PAGES, nr_free_pages),
	F(LN_NR_VM_ZONE_STAT_ITEMS, nr_zone_stat), F(LN_NR_VM_EVENT_ITEMS, nr_events),
	F(LN_FIXADDR_START, fixaddr_start), F(LN_FIXADDR_TOP, fixaddr_top),
	F(LN_PKMAP_BASE, pkmap_base), F(LN_LAST_PKMAP, last_pkmap),
	F(LN_VMALLOC_OFFSET, vmalloc_offset), F(LN_VMALLOC_END, vmalloc_end),
	F(LN_MAXMEM, maxmem), F(LN_PGD_CR3_OFFSET, pgd_cr3_offset),
	F(LN_PTRS_PER_PGD, ptrs_per_pgd), F(LN_NR_PAGEFLAGS, nr_pageflags),
	F(LN_NR_DEFERRED_RANGES, nr_deferred_ranges),
	F(LN_PG_locked, pg[IPG_locked]), F(LN_PG_referenced, pg[IPG_referenced]),
	F(LN_PG_uptodate, pg[IPG_uptodate]), F(LN_PG_dirty, pg[IPG_dirty]),
	F(LN_PG_lru, pg[IPG_lru]), F(LN_PG_active, pg[IPG_active]),
	F(LN_PG_slab, pg[IPG_slab]), F(LN_PG_reserved, pg[IPG_reserved]),
	F(LN_PG_private, pg[IPG_private]), F(LN_PG_writeback, pg[IPG_writeback]),
	F(LN_PG_head, pg[IPG_head]), F(LN_PG_swapbacked, pg[IPG_swapbacked]),
	F(LN_PG_buddy, pg[IPG_buddy]), F(LN_PG_table, pg[IPG_table]),
	F(LN_PG_poisoned, pg[IPG_poisoned]),
	F(LN_PAGE_SIZEOF, page.size), F(LN_PAGE_flags, page.flags), F(LN_PAGE_lru, page.lru),
	F(LN_PAGE_mapping, page.mapping), F(LN_PAGE_index, page.index),
	F(LN_PAGE_private, page.private_), F(LN_PAGE_compound_head, page.compound_head),
	F(LN_PAGE_compound_order, page.compound_order), F(LN_PAGE__mapcount, page.mapcount),
	F(LN_PAGE__refcount, page.refcount),
	F(LN_LIST_HEAD_SIZEOF, list.size), F(LN_LIST_HEAD_next, list.next),
	F(LN_LIST_HEAD_prev, list.prev),
	F(LN_FREE_AREA_SIZEOF, free_area.size), F(LN_FREE_AREA_free_list, free_area.free_list),
	F(LN_FREE_AREA_nr_free, free_area.nr_free),
	F(LN_PCP_SIZEOF, pcp.size), F(LN_PCP_count, pcp.count), F(LN_PCP_high, pcp.high),
	F(LN_PCP_batch, pcp.batch), F(LN_PCP_list, pcp.list),
	F(LN_ZONE_SIZEOF, zone.size), F(LN_ZONE__watermark, zone.watermark),
	F(LN_ZONE_lowmem_reserve, zone.lowmem_reserve), F(LN_ZONE_vm_stat, zone.vm_stat),
	F(LN_ZONE_pageset, zone.pageset), F(LN_ZONE_name, zone.name),
	F(LN_ZONE_zone_start_pfn, zone.start_pfn), F(LN_ZONE_spanned_pages, zone.spanned),
	F(LN_ZONE_present_pages, zone.present), F(LN_ZONE_managed_pages, zone.managed),
	F(LN_ZONE_free_area, zone.free_area),
	F(LN_ZONE_nr_deferred_ranges, zone.nr_deferred), F(LN_ZONE_deferred, zone.deferred),
	F(LN_DEFERRED_RANGE_SIZEOF, deferred_range.size),
	F(LN_DEFERRED_RANGE_start_pfn, deferred_range.start_pfn),
	F(LN_DEFERRED_RANGE_end_pfn, deferred_range.end_pfn),
	F(LN_PGDAT_SIZEOF, pgdat.size), F(LN_PGDAT_node_zones, pgdat.node_zones),
	F(LN_PGDAT_nr_zones, pgdat.nr_zones),
	F(LN_VM_EVENT_STATE_SIZEOF, vm_event.size), F(LN_VM_EVENT_STATE_event, vm_event.event),
};
#undef F

#define NKEYS (sizeof(keymap) / sizeof(keymap[0]))

/* A field of `size` bytes at `off` inside a struct of `total` bytes. */
static bool fits(uint32_t off, uint32_t size, uint32_t total)
{
	return off <= total && size <= total - off;
}

static int validate(const struct insp_layout *l, char *err, size_t errlen)
{
	if (l->page_shift != 12)
		return lfail(err, errlen, "layout note: PAGE_SHIFT %u, the host supports 12", l->page_shift);
	if (l->sizeof_long != 4 || l->sizeof_ptr != 4)
		return lfail(err, errlen, "layout note: sizeof(long) %u, sizeof(void *) %u; the host "
			     "reads a 32-bit guest", l->sizeof_long, l->sizeof_ptr);
	if (l->page_offset < 0x10000000u || (l->page_offset & 0x3fffffffu))
		return lfail(err, errlen, "layout note: PAGE_OFFSET %#x is not a 1 GiB boundary",
			     l->page_offset);
	if (l->max_order < 1 || l->max_order > INSP_MAX_ORDER)
		return lfail(err, errlen, "layout note: MAX_ORDER %u outside 1..%d", l->max_order,
			     INSP_MAX_ORDER);
	if (l->max_nr_zones < 1 || l->max_nr_zones > INSP_MAX_ZONES ||
	    l->zone_dma >= l->max_nr_zones || l->zone_normal >= l->max_nr_zones ||
	    l->zone_highmem >= l->max_nr_zones)
		return lfail(err, errlen, "layout note: MAX_NR_ZONES %u (at most %d) or a zone index "
			     "out of range", l->max_nr_zones, INSP_MAX_ZONES);
	if (l->nr_cpus < 1 || l->nr_cpus > INSP_MAX_CPUS)
		return lfail(err, errlen, "layout note: NR_CPUS %u outside 1..%d", l->nr_cpus,
			     INSP_MAX_CPUS);
	if (l->nr_wmark != 3 || l->wmark_min >= 3 || l->wmark_low >= 3 || l->wmark_high >= 3)
		return lfail(err, errlen, "layout note: watermark indices out of range");
	if (l->nr_zone_stat < 1 || l->nr_zone_stat > INSP_MAX_STAT ||
	    l->nr_free_pages >= l->nr_zone_stat || l->nr_events > INSP_MAX_EVENTS)
		return lfail(err, errlen, "layout note: zone stat or event counts out of range");
	if (l->nr_pageflags > 32)
		return lfail(err, errlen, "layout note: NR_PAGEFLAGS %u > 32", l->nr_pageflags);
	for (int i = 0; i < IPG_NR; i++)
		if (l->pg[i] >= l->nr_pageflags)
			return lfail(err, errlen, "layout note: PG_%s bit %u >= NR_PAGEFLAGS %u",
				     insp_pg_names[i], l->pg[i], l->nr_pageflags);
	if (l->list.size != 8 || !fits(l->list.next, 4, 8) || !fits(l->list.prev, 4, 8))
		return lfail(err, errlen, "layout note: struct list_head is not two pointers");
	if (l->page.size < 16 || l->page.size > 256 ||
	    !fits(l->page.flags, 4, l->page.size) || !fits(l->page.lru, 8, l->page.size) ||
	    !fits(l->page.mapping, 4, l->page.size) || !fits(l->page.index, 4, l->page.size) ||
	    !fits(l->page.private_, 4, l->page.size) ||
	    !fits(l->page.compound_head, 4, l->page.size) ||
	    !fits(l->page.compound_order, 1, l->page.size) ||
	    !fits(l->page.mapcount, 4, l->page.size) || !fits(l->page.refcount, 4, l->page.size))
		return lfail(err, errlen, "layout note: struct page fields do not fit its size %u",
			     l->page.size);
	if (!fits(l->free_area.free_list, 8, l->free_area.size) ||
	    !fits(l->free_area.nr_free, 4, l->free_area.size))
		return lfail(err, errlen, "layout note: struct free_area fields do not fit");
	if (!fits(l->pcp.count, 4, l->pcp.size) || !fits(l->pcp.high, 4, l->pcp.size) ||
	    !fits(l->pcp.batch, 4, l->pcp.size) || !fits(l->pcp.list, 8, l->pcp.size))
		return lfail(err, errlen, "layout note: struct per_cpu_pages fields do not fit");
	if (l->zone.size > 65536 ||
	    !fits(l->zone.watermark, 4 * 3, l->zone.size) ||
	    !fits(l->zone.lowmem_reserve, 4 * l->max_nr_zones, l->zone.size) ||
	    !fits(l->zone.vm_stat, 4 * l->nr_zone_stat, l->zone.size) ||
	    !fits(l->zone.pageset, l->pcp.size * l->nr_cpus, l->zone.size) ||
	    !fits(l->zone.name, 4, l->zone.size) || !fits(l->zone.start_pfn, 4, l->zone.size) ||
	    !fits(l->zone.spanned, 4, l->zone.size) || !fits(l->zone.present, 4, l->zone.size) ||
	    !fits(l->zone.managed, 4, l->zone.size) ||
	    !fits(l->zone.free_area, l->free_area.size * l->max_order, l->zone.size))
		return lfail(err, errlen, "layout note: struct zone fields do not fit its size %u",
			     l->zone.size);
	if (l->nr_deferred_ranges > INSP_MAX_DEFERRED)
		return lfail(err, errlen, "layout note: NR_DEFERRED_RANGES %u > %d",
			     l->nr_deferred_ranges, INSP_MAX_DEFERRED);
	if (l->deferred_range.size > 64 || !fits(l->deferred_range.start_pfn, 4, l->deferred_range.size) ||
	    !fits(l->deferred_range.end_pfn, 4, l->deferred_range.size) ||
	    !fits(l->zone.nr_deferred, 4, l->zone.size) ||
	    !fits(l->zone.deferred, l->deferred_range.size * l->nr_deferred_ranges, l->zone.size))
		return lfail(err, errlen, "layout note: zone deferred ranges do not fit");
	if (l->pgdat.size > 262144 ||
	    !fits(l->pgdat.node_zones, l->zone.size * l->max_nr_zones, l->pgdat.size) ||
	    !fits(l->pgdat.nr_zones, 4, l->pgdat.size))
		return lfail(err, errlen, "layout note: struct pglist_data fields do not fit");
	if (!fits(l->vm_event.event, 4 * l->nr_events, l->vm_event.size))
		return lfail(err, errlen, "layout note: struct vm_event_state fields do not fit");
	if (l->pgd_cr3_offset % 4096 || l->pgd_cr3_offset > 4096 * 4)
		return lfail(err, errlen, "layout note: PGD_CR3_OFFSET %#x", l->pgd_cr3_offset);
	if (l->fixaddr_start > l->fixaddr_top || l->fixaddr_start < l->page_offset ||
	    l->pkmap_base < l->page_offset || l->last_pkmap > 1024 || l->maxmem == 0)
		return lfail(err, errlen, "layout note: virtual layout constants out of range");
	return 0;
}

int insp_layout_parse(const void *note, size_t len, struct insp_layout *l,
		      char *err, size_t errlen)
{
	struct layout_note_header h;
	const uint8_t *p = note;
	bool seen[NKEYS] = { false };

	memset(l, 0, sizeof(*l));
	if (!note || len < sizeof(h))
		return lfail(err, errlen, "layout note: %zu bytes, shorter than its %zu-byte header",
			     len, sizeof(h));
	memcpy(&h, p, sizeof(h));
	if (h.magic != LAYOUT_NOTE_MAGIC)
		return lfail(err, errlen, "layout note: bad magic %#x (want %#x); the image was not "
			     "built with shared/layout_note.h", h.magic, LAYOUT_NOTE_MAGIC);
	if (h.version != LAYOUT_NOTE_VERSION)
		return lfail(err, errlen, "layout note: version %u, this vmm reads version %u; "
			     "rebuild the guest and the vmm from the same tree",
			     h.version, LAYOUT_NOTE_VERSION);
	if (h.count > LAYOUT_NOTE_MAX_ENTRIES ||
	    h.size != sizeof(h) + (size_t)h.count * sizeof(struct layout_note_entry) ||
	    h.size != len)
		return lfail(err, errlen, "layout note: size %u for %u entries in a %zu-byte section "
			     "(want %zu)", h.size, h.count, len,
			     sizeof(h) + (size_t)h.count * sizeof(struct layout_note_entry));

	for (uint32_t i = 0; i < h.count; i++) {
		struct layout_note_entry e;

		memcpy(&e, p + sizeof(h) + i * sizeof(e), sizeof(e));
		for (size_t k = 0; k < NKEYS; k++) {
			if (keymap[k].key != e.key)
				continue;
			if (seen[k])
				return lfail(err, errlen, "layout note: key %s (%#x) appears twice",
					     keymap[k].name, e.key);
			seen[k] = true;
			memcpy((uint8_t *)l + keymap[k].off, &e.value, sizeof(uint32_t));
			break;
		}
	}
	for (size_t k = 0; k < NKEYS; k++)
		if (!seen[k])
			return lfail(err, errlen, "layout note: lacks %s (%#x), which the host needs; "
				     "rebuild the guest", keymap[k].name, keymap[k].key);
	if (validate(l, err, errlen))
		return -1;
	l->pg_valid_mask = l->nr_pageflags >= 32 ? ~0u : (1u << l->nr_pageflags) - 1;
	return 0;
}

int insp_layout_load(const struct elf_info *elf, struct insp_layout *l,
		     char *err, size_t errlen)
{
	const struct {
		const char *name;
		size_t off;
		uint32_t min_size;   /* 0: address only */
	} syms[] = {
		{ "mem_map", offsetof(struct insp_layout, sym.mem_map), 4 },
		{ "max_pfn", offsetof(struct insp_layout, sym.max_pfn), 4 },
		{ "max_low_pfn", offsetof(struct insp_layout, sym.max_low_pfn), 4 },
		{ "high_memory", offsetof(struct insp_layout, sym.high_memory), 4 },
		{ "totalram_pages", offsetof(struct insp_layout, sym.totalram_pages), 4 },
		{ "totalhigh_pages", offsetof(struct insp_layout, sym.totalhigh_pages), 4 },
		{ "contig_page_data", offsetof(struct insp_layout, sym.contig_page_data), 1 },
		{ "swapper_pg_dir", offsetof(struct insp_layout, sym.swapper_pg_dir), 4096 },
		{ "vm_event_states", offsetof(struct insp_layout, sym.vm_event_states), 1 },
		{ "vm_zone_stat", offsetof(struct insp_layout, sym.vm_zone_stat), 4 },
		{ "zone_stat_names", offsetof(struct insp_layout, sym.zone_stat_names), 4 },
		{ "vm_event_names", offsetof(struct insp_layout, sym.vm_event_names), 4 },
		{ "_text", offsetof(struct insp_layout, sym.text), 0 },
		{ "_end", offsetof(struct insp_layout, sym.end), 0 },
	};
	uint64_t addr, size;

	if (!elf->layout_note)
		return lfail(err, errlen, "the guest image has no %s section (layout note); "
			     "the inspector needs one", ELF_LAYOUT_SECTION);
	if (insp_layout_parse(elf->layout_note, elf->layout_note_len, l, err, errlen))
		return -1;
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		uint64_t *dst = (uint64_t *)((uint8_t *)l + syms[i].off);

		if (!symtab_addr(&elf->symtab, syms[i].name, &addr, &size))
			return lfail(err, errlen, "the guest image has no symbol '%s', which the "
				     "inspector reads", syms[i].name);
		if (addr < l->page_offset || addr > 0xffffffffull)
			return lfail(err, errlen, "symbol '%s' at %#llx is not a kernel address",
				     syms[i].name, (unsigned long long)addr);
		if (syms[i].min_size && size < syms[i].min_size)
			return lfail(err, errlen, "symbol '%s' is %llu bytes, expected at least %u",
				     syms[i].name, (unsigned long long)size, syms[i].min_size);
		*dst = addr;
	}
	/* The symbols and the note must describe the same structures. */
	if (symtab_addr(&elf->symtab, "contig_page_data", &addr, &size) && size != l->pgdat.size)
		return lfail(err, errlen, "contig_page_data is %llu bytes but the layout note says "
			     "struct pglist_data is %u", (unsigned long long)size, l->pgdat.size);
	if (symtab_addr(&elf->symtab, "vm_event_states", &addr, &size) && size != l->vm_event.size)
		return lfail(err, errlen, "vm_event_states is %llu bytes but the layout note says "
			     "struct vm_event_state is %u", (unsigned long long)size, l->vm_event.size);
	if (l->sym.swapper_pg_dir % 4096)
		return lfail(err, errlen, "swapper_pg_dir at %#llx is not page-aligned",
			     (unsigned long long)l->sym.swapper_pg_dir);
	return 0;
}
