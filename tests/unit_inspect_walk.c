/*
 * Inspector unit tests, part 2: the page-table walker (every level, both
 * leaf sizes, each failure kind, reserved bits per IA-32e level), the
 * layout note reader (good note, the real guest's note, each refusal), and
 * the views (translate, page decode, /proc formats) on the synthetic guest.
 */
#include <criterion/criterion.h>
#include <stdio.h>

#include "elf_load.h"
#include "synth_guest.h"
#include "../guest/include/random.h"

static struct sg g;
static const struct pt_cfg cfg52 = { .maxphyaddr = 52, .nxe = false };

static void setup(void)
{
	cr_assert_eq(sg_build(&g), 0);
}

static void teardown(void)
{
	sg_free(&g);
}

TestSuite(walk, .init = setup, .fini = teardown);
TestSuite(layout, .init = setup, .fini = teardown);
TestSuite(views, .init = setup, .fini = teardown);

static struct pt_walk tr(uint64_t va)
{
	struct pt_walk w;

	pt_walk(&g.mem, &cfg52, SG_PML4_PA, va, &w);
	return w;
}

/* ---- walker ------------------------------------------------------------------ */

Test(walk, direct_map_2m_leaf)
{
	struct pt_walk w = tr(0xc0312345);

	cr_assert_eq(w.status, PT_OK);
	cr_assert_eq(w.pa, 0x312345);
	cr_assert_eq(w.page_size, 2u << 20);
	cr_assert_eq(w.levels, 3);
	cr_assert_eq(w.lvl[0].entry_pa, SG_PML4_PA);
	cr_assert_eq(w.lvl[1].entry_pa, SG_PDPT_PA + 3 * 8);
	cr_assert_eq(w.lvl[2].entry_pa, SG_KPD_PA + 1 * 8);
	cr_assert_eq(w.lvl[2].entry & PT_PS, PT_PS);
	cr_assert(w.writable);
	cr_assert(!w.user, "PDE lacks US: supervisor-only");
}

Test(walk, direct_map_4k_edge)
{
	uint64_t va = 0xc0000000ull + (22ull << 20) + 0x5abc;
	struct pt_walk w = tr(va);

	cr_assert_eq(w.status, PT_OK);
	cr_assert_eq(w.pa, (22ull << 20) + 0x5abc);
	cr_assert_eq(w.page_size, 4096);
	cr_assert_eq(w.levels, 4);
	cr_assert_eq(w.lvl[3].entry_pa, SG_EDGE_PT_PA + 5 * 8);
}

Test(walk, not_present_at_each_level)
{
	struct pt_walk w;

	w = tr(0xc0000000ull + (23ull << 20) + 0x1000);   /* past lowmem, in the edge PT */
	cr_assert_eq(w.status, PT_NOT_PRESENT);
	cr_assert_eq(w.fail_level, PT_PTE);
	w = tr(0xd0000000);                                 /* vmalloc: no PDE */
	cr_assert_eq(w.status, PT_NOT_PRESENT);
	cr_assert_eq(w.fail_level, PT_PDE);
	cr_assert_eq(w.pa, 0, "never a PA on failure");
	w = tr(0x08048000);                                 /* user: no PDPTE */
	cr_assert_eq(w.status, PT_NOT_PRESENT);
	cr_assert_eq(w.fail_level, PT_PDPTE);
	w = tr(1ull << 39);                                 /* PML4[1] */
	cr_assert_eq(w.status, PT_NOT_PRESENT);
	cr_assert_eq(w.fail_level, PT_PML4E);
}

Test(walk, table_outside_ram_is_not_followed)
{
	struct pt_walk w;

	sg_wr64(&g, SG_KPD_PA + 100 * 8, (1ull << 35) | SG_KPTE);
	w = tr(0xc0000000ull + (100ull << 21));
	cr_assert_eq(w.status, PT_TABLE_NOT_RAM);
	cr_assert_eq(w.fail_level, PT_PTE);
	pt_walk(&g.mem, &cfg52, 0x7ffff000ull, 0xc0000000, &w);   /* CR3 beyond RAM */
	cr_assert_eq(w.status, PT_TABLE_NOT_RAM);
	cr_assert_eq(w.fail_level, PT_PML4E);
}

Test(walk, leaf_beyond_ram_still_translates)
{
	struct pt_walk w;

	sg_wr64(&g, SG_FIX_PT_PA + (((SG_FIXADDR_START >> 12) & 511) + 3) * 8,
		(1ull << 35) | SG_KPTE);
	w = tr(SG_FIXADDR_START + 3 * 4096 + 7);
	cr_assert_eq(w.status, PT_OK);
	cr_assert_eq(w.pa, (1ull << 35) + 7);
}

Test(walk, reserved_bits)
{
	struct pt_walk w;
	struct pt_cfg c36 = { .maxphyaddr = 36 }, nxe = { .maxphyaddr = 52, .nxe = true };

	sg_wr64(&g, SG_KPD_PA + 2 * 8, sg_rd64(&g, SG_KPD_PA + 2 * 8) | (1ull << 13));
	w = tr(0xc0400000);
	cr_assert_eq(w.status, PT_RESERVED);
	cr_assert_eq(w.fail_level, PT_PDE);
	cr_assert_eq(w.reserved, 1ull << 13);

	sg_wr64(&g, SG_KPD_PA + 4 * 8, sg_rd64(&g, SG_KPD_PA + 4 * 8) | PT_NX);
	cr_assert_eq(tr(0xc0800000).status, PT_RESERVED);
	pt_walk(&g.mem, &nxe, SG_PML4_PA, 0xc0800000, &w);
	cr_assert_eq(w.status, PT_OK);
	cr_assert(w.nx);

	sg_wr64(&g, SG_KPD_PA + 5 * 8, sg_rd64(&g, SG_KPD_PA + 5 * 8) | (1ull << 40));
	cr_assert_eq(tr(0xc0a00000).status, PT_OK, "bit 40 is an address bit at MAXPHYADDR 52");
	pt_walk(&g.mem, &c36, SG_PML4_PA, 0xc0a00000, &w);
	cr_assert_eq(w.status, PT_RESERVED);

	sg_wr64(&g, SG_PML4_PA, sg_rd64(&g, SG_PML4_PA) | PT_PS);
	w = tr(0xc0000000);
	cr_assert_eq(w.status, PT_RESERVED);
	cr_assert_eq(w.fail_level, PT_PML4E);
}

Test(walk, pdpte_ps_is_a_1g_page_never_followed)
{
	struct pt_walk w;

	sg_wr64(&g, SG_PDPT_PA + 3 * 8, sg_rd64(&g, SG_PDPT_PA + 3 * 8) | PT_PS);
	w = tr(0xc0000000);
	cr_assert_eq(w.status, PT_PDPTE_1G);
	cr_assert_eq(w.fail_level, PT_PDPTE);
	cr_assert_eq(pt_reserved_bits(&cfg52, PT_PDPTE, 0x2000ull | PT_PS | PT_P), 0x2000);
	cr_assert_eq(pt_reserved_bits(&cfg52, PT_PDPTE, 0x40001000ull | PT_PS | PT_P), 0);
}

Test(walk, effective_permissions)
{
	struct pt_walk w;

	/* User leaf under user upper levels: user; read-only anywhere: read-only. */
	sg_wr64(&g, SG_PDPT_PA, SG_KPD_PA | PT_P | PT_RW | PT_US);
	sg_wr64(&g, SG_KPD_PA + 200 * 8, (6ull << 20) | PT_P | PT_US | PT_PS);
	w = tr((200ull << 21) + 5);
	cr_assert_eq(w.status, PT_OK);
	cr_assert(w.user);
	cr_assert(!w.writable);
}

Test(walk, non_canonical)
{
	struct pt_walk w = tr(0x0000800000000000ull);

	cr_assert_eq(w.status, PT_NONCANONICAL);
	cr_assert_eq(w.levels, 0);
}

Test(walk, read_virtual_across_pages)
{
	uint8_t buf[64];
	uint64_t va = 0xc0000000ull + (23ull << 20) - 32;   /* the last 32 bytes of lowmem */

	memset(g.ram + (23u << 20) - 32, 0x5a, 32);
	cr_assert_eq(pt_read_virt(&g.mem, &cfg52, SG_PML4_PA, va, buf, 64), 32,
		     "stops where the direct map ends");
	cr_assert_eq(buf[0], 0x5a);
	cr_assert_eq(buf[31], 0x5a);
	cr_assert_eq(pt_read_virt(&g.mem, &cfg52, SG_PML4_PA, 0xc0000ffc, buf, 8), 8,
		     "crosses a page boundary");
	cr_assert_eq(pt_read_virt(&g.mem, &cfg52, SG_PML4_PA, 0xd0000000, buf, 8), 0);
}

Test(walk, table_pages_enumerated)
{
	uint64_t t[16];
	size_t n = pt_table_pages(&g.mem, SG_PML4_PA, t, 16);

	cr_assert_eq(n, 7);   /* with the vmalloc range's page table */
	cr_assert_eq(t[0], SG_PML4_PA);
	cr_assert_eq(t[1], SG_PDPT_PA);
	cr_assert_eq(t[2], SG_KPD_PA);
	cr_assert_eq(pt_table_pages(&g.mem, SG_PML4_PA, t, 2), 2);
	cr_assert_eq(pt_table_pages(&g.mem, 0x7fff0000000ull, t, 16), 0);
}

Test(walk, random_tables_never_crash)
{
	struct rnd_state rnd;

	/* Random entries in every table, then walk random addresses.  The
	 * entries are 64 random bits, so every reserved bit gets its turn. */
	prandom_seed_state(&rnd, 12345);
	for (int round = 0; round < 50; round++) {
		const uint64_t tables[] = { SG_PML4_PA, SG_PDPT_PA, SG_KPD_PA, SG_EDGE_PT_PA };

		for (int i = 0; i < 64; i++) {
			uint64_t s = prandom_u64_state(&rnd);
			uint64_t e = s & ((s >> 7) & 1 ? 0x1ffffffull : ~0ull);

			sg_wr64(&g, tables[s % 4] + (s >> 20) % 512 * 8, e | PT_P);
		}
		for (int i = 0; i < 1000; i++) {
			struct pt_walk w;

			pt_walk(&g.mem, &cfg52, SG_PML4_PA, prandom_u32_state(&rnd), &w);
			cr_assert(w.levels <= 4);
		}
	}
	sg_check(&g);   /* the table checker on the same mess */
}

/* ---- layout note --------------------------------------------------------- */

Test(layout, synthetic_note_parsed)
{
	cr_assert_eq(g.lay.page.size, SG_PAGE_SIZE);
	cr_assert_eq(g.lay.page.refcount, SG_P_REF);
	cr_assert_eq(g.lay.pg[IPG_buddy], SG_PG_buddy);
	cr_assert_eq(g.lay.zone.free_area, SG_Z_FREE_AREA);
	cr_assert_eq(g.lay.pg_valid_mask, (1u << SG_NR_PAGEFLAGS) - 1);
	cr_assert_eq(g.lay.nr_deferred_ranges, SG_NR_DEFERRED);
	cr_assert_eq(g.lay.zone.nr_deferred, SG_Z_NR_DEFERRED);
	cr_assert_eq(g.lay.zone.deferred, SG_Z_DEFERRED);
	cr_assert_eq(g.lay.deferred_range.size, SG_DR_SIZE);
	cr_assert_eq(g.lay.deferred_range.start_pfn, SG_DR_START);
	cr_assert_eq(g.lay.deferred_range.end_pfn, SG_DR_END);
	cr_assert_eq(g.lay.kmc.size, SG_KMC_SIZE);
	cr_assert_eq(g.lay.kmc.node + g.lay.kmn.slabs_free, SG_KMC_NODE + SG_KMN_FREE);
	cr_assert_eq(g.lay.slab.bufctl, SG_SL_BUFCTL);
	cr_assert_eq(g.lay.ac.entry, SG_AC_ENTRY);
	cr_assert_eq(g.lay.page.slab, SG_P_INDEX);
	cr_assert_eq(g.lay.sc.red_zone, SG_RED_ZONE);
	cr_assert_eq(g.lay.sc.red_active, SG_RED_ACTIVE, "assembled from its two halves");
	cr_assert_eq(g.lay.sc.red_inactive, SG_RED_INACTIVE);
	cr_assert_eq(g.lay.sc.nr_slab_unreclaimable, SG_STAT_SLAB_UNRECL);
	cr_assert_eq(g.lay.fault_attr.rnd, SG_FA_RND);
	cr_assert_eq(g.lay.fail_page_alloc_attr.attr, SG_FPA_ATTR);
	cr_assert_eq(g.lay.fail_page_alloc_attr.ignore_gfp_highmem, SG_FPA_IGNORE_HIGHMEM);
	cr_assert_eq(g.lay.fail_page_alloc_attr.min_order, SG_FPA_MIN_ORDER);
	cr_assert_eq(g.lay.pgalloc_fail_injected, SG_EV_PGALLOC_FAIL_INJECTED);
}

static int parse(const void *note, size_t len, char *err)
{
	struct insp_layout l;

	return insp_layout_parse(note, len, &l, err, 256);
}

Test(layout, refusals)
{
	char err[256];
	uint8_t n[4096];
	struct layout_note_header *h = (void *)n;
	struct layout_note_entry *e = (void *)(n + sizeof(*h));

	memcpy(n, g.note, g.note_len);
	h->magic ^= 1;
	cr_assert_eq(parse(n, g.note_len, err), -1);
	cr_assert(strstr(err, "bad magic"), "%s", err);

	memcpy(n, g.note, g.note_len);
	h->version = LAYOUT_NOTE_VERSION + 1;
	cr_assert_eq(parse(n, g.note_len, err), -1);
	char want[80];
	snprintf(want, sizeof(want), "version %u, this vmm reads version %u",
		 LAYOUT_NOTE_VERSION + 1, LAYOUT_NOTE_VERSION);
	cr_assert(strstr(err, want), "%s", err);

	memcpy(n, g.note, g.note_len);
	cr_assert_eq(parse(n, g.note_len - 8, err), -1, "section shorter than size");
	cr_assert(strstr(err, "size"), "%s", err);
	h->size += 8;
	cr_assert_eq(parse(n, g.note_len, err), -1, "size disagrees with count");

	memcpy(n, g.note, g.note_len);
	cr_assert_eq(parse(n, 8, err), -1);
	cr_assert(strstr(err, "shorter than its 16-byte header"), "%s", err);
	cr_assert_eq(parse(NULL, 0, err), -1);

	memcpy(n, g.note, g.note_len);
	e[3].key = e[2].key;   /* duplicate, and SIZEOF_PTR missing */
	cr_assert_eq(parse(n, g.note_len, err), -1);
	cr_assert(strstr(err, "appears twice"), "%s", err);

	memcpy(n, g.note, g.note_len);
	e[0].key = 0x6666;     /* PAGE_SHIFT missing */
	cr_assert_eq(parse(n, g.note_len, err), -1);
	cr_assert(strstr(err, "lacks LN_PAGE_SHIFT"), "%s", err);

	memcpy(n, g.note, g.note_len);
	e[0].value = 13;       /* PAGE_SHIFT 13 */
	cr_assert_eq(parse(n, g.note_len, err), -1);
	cr_assert(strstr(err, "PAGE_SHIFT 13"), "%s", err);

	/* A field that does not fit its struct: lru beyond struct page. */
	memcpy(n, g.note, g.note_len);
	for (uint32_t i = 0; i < h->count; i++)
		if (e[i].key == LN_PAGE_lru)
			e[i].value = SG_PAGE_SIZE - 4;
	cr_assert_eq(parse(n, g.note_len, err), -1);
	cr_assert(strstr(err, "struct page fields"), "%s", err);

	memcpy(n, g.note, g.note_len);
	for (uint32_t i = 0; i < h->count; i++)
		if (e[i].key == LN_MAX_ORDER)
			e[i].value = 40;
	cr_assert_eq(parse(n, g.note_len, err), -1);
	cr_assert(strstr(err, "layout note: LN_MAX_ORDER = 40 (0x28), outside 1..15"), "%s", err);

	/* Deferred ranges: too many entries, or an array beyond struct zone. */
	memcpy(n, g.note, g.note_len);
	for (uint32_t i = 0; i < h->count; i++)
		if (e[i].key == LN_NR_DEFERRED_RANGES)
			e[i].value = 99;
	cr_assert_eq(parse(n, g.note_len, err), -1);
	cr_assert(strstr(err, "layout note: LN_NR_DEFERRED_RANGES = 99 (0x63), outside 0..16"), "%s",
		  err);
	memcpy(n, g.note, g.note_len);
	for (uint32_t i = 0; i < h->count; i++)
		if (e[i].key == LN_ZONE_deferred)
			e[i].value = SG_ZONE_SIZE - 4;
	cr_assert_eq(parse(n, g.note_len, err), -1);
	cr_assert(strstr(err, "deferred ranges do not fit"), "%s", err);
	memcpy(n, g.note, g.note_len);
	for (uint32_t i = 0; i < h->count; i++)
		if (e[i].key == LN_ZONE_deferred)
			e[i].key = 0x6666;
	cr_assert_eq(parse(n, g.note_len, err), -1);
	cr_assert(strstr(err, "lacks LN_ZONE_deferred"), "%s", err);

	/* The slab keys are needed too, and checked like the others. */
	static const struct { uint32_t key, value; const char *msg; } slab[] = {
		{ LN_SLAB_bufctl, 0x6666, "lacks LN_SLAB_bufctl" },
		{ LN_SIZEOF_BUFCTL, 4, "LN_SIZEOF_BUFCTL = 4 (0x4), outside 2..2" },
		{ LN_SLAB_POISON, SG_RED_ZONE, "is not a distinct single bit" },
		{ LN_CFLGS_OFF_SLAB, 0x3000, "is not a distinct single bit" },
		{ LN_BUFCTL_END, 0x10, "are not distinct markers" },
		{ LN_KMEM_CACHE_node, SG_KMC_SIZE - 8, "struct kmem_cache fields" },
		{ LN_SLAB_inuse, SG_SLAB_SIZE - 2, "struct slab fields" },
		/* With bufctl at 0 the walker read a descriptor only as far as its
		 * bufctl array, and its other fields beyond RAM's end. */
		{ LN_SLAB_bufctl, 0, "layout note: LN_SLAB_bufctl 0 does not follow the other "
		  "struct slab fields (the bufctl array is its last member)" },
		{ LN_REDZONE_SIZE, 4, "8-byte red zones" },
		{ LN_NR_SLAB_RECLAIMABLE, SG_NR_STAT, "is not below LN_NR_VM_ZONE_STAT_ITEMS" },
		/* The fault-injection blocks, which the host writes. */
		{ LN_FAIL_PAGE_ALLOC_ATTR_min_order, 0x6666, "lacks LN_FAIL_PAGE_ALLOC_ATTR_min_order" },
		{ LN_FAIL_PAGE_ALLOC_ATTR_SIZEOF, 257,
		  "layout note: LN_FAIL_PAGE_ALLOC_ATTR_SIZEOF = 257 (0x101), outside 1..256" },
		{ LN_FAULT_ATTR_rnd, 30, "layout note: struct fault_attr fields do not fit its size "
		  "(LN_FAULT_ATTR_SIZEOF 32)" },
		{ LN_FAIL_PAGE_ALLOC_ATTR_attr, 9, "layout note: struct fail_page_alloc_attr fields do "
		  "not fit its size (LN_FAIL_PAGE_ALLOC_ATTR_SIZEOF 40; LN_FAULT_ATTR_SIZEOF 32)" },
		{ LN_FAIL_PAGE_ALLOC_ATTR_ignore_gfp_highmem, 40, "struct fail_page_alloc_attr fields" },
		{ LN_FAIL_PAGE_ALLOC_ATTR_min_order, 37, "struct fail_page_alloc_attr fields" },
		{ LN_FAILSLAB_ATTR_injected, 37, "layout note: struct failslab_attr fields do not fit "
		  "its size (LN_FAILSLAB_ATTR_SIZEOF 40; LN_FAULT_ATTR_SIZEOF 32)" },
		{ LN_FAILSLAB_ATTR_ignore_gfp_wait, 40, "struct failslab_attr fields" },
		{ LN_PGALLOC_FAIL_INJECTED, 6, "layout note: LN_PGALLOC_FAIL_INJECTED 6 is not below "
		  "LN_NR_VM_EVENT_ITEMS 6" },
	};
	for (size_t k = 0; k < sizeof(slab) / sizeof(slab[0]); k++) {
		memcpy(n, g.note, g.note_len);
		for (uint32_t i = 0; i < h->count; i++)
			if (e[i].key == slab[k].key) {
				if (slab[k].value == 0x6666)
					e[i].key = 0x6666;
				else
					e[i].value = slab[k].value;
			}
		cr_assert_eq(parse(n, g.note_len, err), -1, "%s", slab[k].msg);
		cr_assert(strstr(err, slab[k].msg), "%s: %s", slab[k].msg, err);
	}
}

Test(layout, real_guest_note_and_symbols)
{
	uint8_t *ram = calloc(1, 32u << 20);
	struct guest_mem mem;
	struct elf_info info;
	struct insp_layout l;
	char err[512];

	cr_assert(ram);
	guest_mem_layout(&mem, 32u << 20, ram);
	if (elf_load_file(&mem, GUEST_ELF, &info, err, sizeof(err))) {
		free(ram);
		cr_skip_test("guest image not built: %s", err);
	}
	cr_assert_not_null(info.layout_note, "guest.elf has a layout note");
	cr_assert_eq(insp_layout_load(&info, &l, err, sizeof(err)), 0, "%s", err);
	/* The i386 values documented in guest/include (mm_types.h: 32 bytes). */
	cr_assert_eq(l.page.size, 32);
	cr_assert_eq(l.page_offset, 0xc0000000u);
	cr_assert_eq(l.max_order, 11);
	cr_assert_eq(l.list.size, 8);
	cr_assert_eq(l.sym.swapper_pg_dir % 4096, 0);
	cr_assert(l.sym.mem_map >= 0xc0100000u);
	cr_assert(l.sym.text < l.sym.end);

	/* A note-less image is refused for inspection. */
	free(info.layout_note);
	info.layout_note = NULL;
	cr_assert_eq(insp_layout_load(&info, &l, err, sizeof(err)), -1);
	cr_assert(strstr(err, "no .mmvisor_layout section"), "%s", err);
	elf_info_free(&info);
	free(ram);
}

/* ---- views ----------------------------------------------------------------- */

static char *capture(void (*fn)(FILE *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(f);
	fclose(f);
	return buf;
}

static void buddyinfo(FILE *f) { insp_read_state(&g.in); insp_view_buddyinfo(&g.in, f); }
static void meminfo(FILE *f) { insp_read_state(&g.in); insp_view_meminfo(&g.in, f); }
static void zoneinfo(FILE *f) { insp_read_state(&g.in); insp_view_zoneinfo(&g.in, f); }
static void vmstat(FILE *f) { insp_read_state(&g.in); insp_view_vmstat(&g.in, f); }

Test(views, buddyinfo_format)
{
	char *s = capture(buddyinfo);

	/* DMA: 0x300/0, 0x302/1, 0x304/2, 0x308/3, 0x110 0x250 0x310/4,
	 * 0x20 0x80 0x120 0x260 0x320/5 ... (computed by the builder). */
	cr_assert(strncmp(s, "Node 0, zone      DMA      1      1      1      1      3 ", 56) == 0,
		  "%s", s);
	cr_assert(strstr(s, "\nNode 0, zone   Normal "), "%s", s);
	cr_assert(strstr(s, "\nNode 0, zone  HighMem      0      0      0      0      0      0 "
			 "     0      0      1      0      2 \n"), "%s", s);
	free(s);
}

Test(views, meminfo_format)
{
	char *s = capture(meminfo);
	/* HighMem: 2304 pages free and managed; Normal: 1792 managed, 1770 free in
	 * the buddy lists (4 pcp, 4 allocated, 8 of the slab world: 7 in slabs,
	 * 2 of them reclaimable; 6 of the address-space world); DMA: 3872 managed, 3871 free.  vmalloc: from
	 * 0xc1800000 to 0xffbfe000, VmallocUsed the 1 page vmalloc allocated
	 * (area A; B's 2 are a vmap's), the largest gap after B's guard page at
	 * 0xc1808000 (lazily freed C counts as free, but is smaller). */
	const char *want =
		"MemTotal:          31872 kB\n"
		"MemFree:           31780 kB\n"
		"HighTotal:          9216 kB\n"
		"HighFree:           9216 kB\n"
		"LowTotal:          22656 kB\n"
		"LowFree:           22564 kB\n"
		"Slab:                 28 kB\n"
		"SReclaimable:          8 kB\n"
		"SUnreclaim:           20 kB\n"
		"VmallocTotal:    1019896 kB\n"
		"VmallocUsed:           4 kB\n"
		"VmallocChunk:    1019864 kB\n"
		"PkmapInUse:            0\n"
		"PkmapUnflushed:        1\n"
		"PkmapFlushes:          0\n";

	cr_assert_str_eq(s, want);
	free(s);
}

static void vmallocinfo(FILE *f) { insp_read_state(&g.in); insp_view_vmallocinfo(&g.in, f); }

/* The busy areas only (not the lazily freed one); no symbol table here, so
 * callers stay addresses, and a guest line resolves to itself. */
Test(views, vmallocinfo_format)
{
	char *s = capture(vmallocinfo), buf[128];

	cr_assert_str_eq(s, "0xc1800000-0xc1802000    8192 0xc0101234 pages=1 vmalloc\n"
			 "0xc1805000-0xc1808000   12288 0xc0105678 pages=2 vmap\n");
	cr_assert_str_eq(insp_vmallocinfo_resolve("0xc1800000-0xc1802000    8192 0xc0101234 pages=1 "
						  "vmalloc", buf, sizeof(buf)),
			 "0xc1800000-0xc1802000    8192 0xc0101234 pages=1 vmalloc");
	cr_assert_null(insp_vmallocinfo_resolve("MemTotal: 1 kB", buf, sizeof(buf)));
	/* A broken list ends the view with one line saying where. */
	sg_wr(&g, SG_VA_B + 4, 0x12345678);
	free(s);
	s = capture(vmallocinfo);
	cr_assert_str_eq(s, "0xc1800000-0xc1802000    8192 0xc0101234 pages=1 vmalloc\n"
			 "vmallocinfo: the list stops: entry 0xc1407080: prev is 0x12345678, expected "
			 "0xc1407040\n");
	free(s);
}

/* VmallocChunk counts lazily freed areas as free: with B lazily freed
 * too, A's end to the range's end is one gap. */
Test(views, meminfo_chunk_counts_lazily_freed_areas_free)
{
	char *s;

	sg_wr(&g, SG_VA_B + SG_VA_FLAGS, 0x1);   /* the synthetic VMAP_LAZY_FREE */
	sg_wr(&g, SG_VA_B + SG_VA_VM, 0);
	s = capture(meminfo);
	cr_assert(strstr(s, "VmallocUsed:           4 kB\nVmallocChunk:    1019888 kB\n"), "%s", s);
	free(s);
}

/* An address-only area (get_vm_area with VM_IOREMAP) says so, as Linux's
 * s_show does. */
Test(views, vmallocinfo_ioremap)
{
	char *s;

	sg_wr(&g, SG_VM_A + SG_VMS_FLAGS, 0x1);
	sg_wr(&g, SG_VM_A + SG_VMS_NR, 0);
	s = capture(vmallocinfo);
	cr_assert_str_eq(s, "0xc1800000-0xc1802000    8192 0xc0101234 ioremap\n"
			 "0xc1805000-0xc1808000   12288 0xc0105678 pages=2 vmap\n");
	free(s);
}

Test(views, zoneinfo_and_vmstat_formats)
{
	char *z = capture(zoneinfo), *v = capture(vmstat);

	cr_assert(strstr(z, "Node 0, zone   Normal\n  pages free     1770\n        min      20\n"
			 "        low      21\n        high     22\n        spanned  1792\n"
			 "        present  1792\n        managed  1792\n        protection: (0, 0, 0)\n"
			 "      nr_free_pages 1770\n      nr_slab_reclaimable 2\n"
			 "      nr_slab_unreclaimable 5\n      nr_anon_pages 1\n"
			 "      nr_page_table_pages 2\n  pagesets\n    cpu: 0\n              count: 4\n"),
		  "%s", z);
	cr_assert(strstr(z, "  start_pfn:           5888\n"), "%s", z);
	cr_assert_str_eq(v, "nr_free_pages 7945\nnr_slab_reclaimable 2\nnr_slab_unreclaimable 5\n"
			 "nr_anon_pages 1\nnr_page_table_pages 2\n"
			 "pgalloc_dma 100\npgalloc_normal 101\n"
			 "pgalloc_high 102\npgfree 103\npgalloc_fail 104\npgalloc_fail_injected 105\n");
	cr_assert_eq(insp_view_by_name(&g.in, "nope", stdout), -1);
	free(z);
	free(v);
}

static uint64_t page_pfn;
static void page_view(FILE *f) { insp_read_state(&g.in); insp_view_page(&g.in, page_pfn, f); }

Test(views, page_decode)
{
	char *s;

	page_pfn = 0x800;
	s = capture(page_view);
	cr_assert(strstr(s, "zone DMA"), "%s", s);
	cr_assert(strstr(s, "flags 0x2 (buddy)"), "%s", s);
	cr_assert(strstr(s, "private 10"), "%s", s);
	cr_assert(strstr(s, "state: free, head of the order-10 block at pfn 0x800"), "%s", s);
	free(s);

	page_pfn = 0x9ff;
	s = capture(page_view);
	cr_assert(strstr(s, "state: free, inside the order-10 block at pfn 0x800"), "%s", s);
	free(s);

	page_pfn = 0x105;
	s = capture(page_view);
	cr_assert(strstr(s, "flags 0x1 (reserved)"), "%s", s);
	cr_assert(strstr(s, "state: reserved"), "%s", s);
	free(s);

	page_pfn = 0x1404;
	s = capture(page_view);
	cr_assert(strstr(s, "zone Normal"), "%s", s);
	cr_assert(strstr(s, "refcount 1  mapcount 0"), "%s", s);
	cr_assert(strstr(s, "state: allocated"), "%s", s);
	free(s);

	page_pfn = 0xa5;
	s = capture(page_view);
	cr_assert(strstr(s, "a hole in the memory map"), "%s", s);
	free(s);

	page_pfn = SG_NPFN;
	s = capture(page_view);
	cr_assert(strstr(s, "no struct page"), "%s", s);
	free(s);
}

static uint64_t tr_va;
static void translate_view(FILE *f) { insp_view_translate(&g.in, SG_PML4_PA, tr_va, f); }

Test(views, translate_shows_each_level)
{
	char *s;

	tr_va = 0xc0000000ull + (22ull << 20) + 0x1234;
	s = capture(translate_view);
	cr_assert(strstr(s, "PML4E[  0] @ pa 0x000010b000"), "%s", s);
	cr_assert(strstr(s, "PDPTE[  3]"), "%s", s);
	cr_assert(strstr(s, "PDE  [ 11]"), "%s", s);
	cr_assert(strstr(s, "PTE  [  1]"), "%s", s);
	cr_assert(strstr(s, "-> pa 0x1601234 (4 KiB page, read-write, kernel)"), "%s", s);
	free(s);

	tr_va = 0xd0000000;
	s = capture(translate_view);
	cr_assert(strstr(s, "-> no translation: not present at PDE"), "%s", s);
	free(s);
}

static void tasks_view(FILE *f) { insp_read_state(&g.in); insp_view_tasks(&g.in, f); }

/* The synthetic task: its mm's two VMAs, 3 pages of VSZ, 1 of RSS. */
Test(views, tasks_format)
{
	char *s = capture(tasks_view);

	cr_assert_str_eq(s, "  PID COMMAND          STATE VMAS     VSZ kB     RSS kB   FAULTS\n"
			 "    7 sg-task          R        2         12          4        2\n");
	free(s);
}

static int32_t maps_pid;
static char maps_err[256];
static int maps_rc;
static void maps_view(FILE *f)
{
	insp_read_state(&g.in);
	maps_rc = insp_view_maps(&g.in, maps_pid, f, maps_err, sizeof(maps_err));
}

/* /proc/PID/maps of the synthetic task, byte for byte as Linux prints it
 * for a 32-bit kernel: A read-write, B read-only; with the heap inside A
 * and the stack top at B's end, their names at column 50. */
Test(views, maps_format_and_names)
{
	char *s;

	maps_pid = 7;
	s = capture(maps_view);
	cr_assert_eq(maps_rc, 0, "%s", maps_err);
	cr_assert_str_eq(s, "08048000-0804a000 rw-p 00000000 00:00 0 \n"
			 "08100000-08101000 r--p 00000000 00:00 0 \n");
	free(s);

	sg_wr(&g, SG_MM_PA + SG_MM_START_BRK, 0x08049000);
	sg_wr(&g, SG_MM_PA + SG_MM_BRK, 0x08049800);
	sg_wr(&g, SG_MM_PA + SG_MM_START_STACK, 0x08100ff0);
	s = capture(maps_view);
	cr_assert_eq(maps_rc, 0, "%s", maps_err);
	cr_assert_str_eq(s, "08048000-0804a000 rw-p 00000000 00:00 0          [heap]\n"
			 "08100000-08101000 r--p 00000000 00:00 0          [stack]\n");
	free(s);

	/* An empty heap names no VMA, even the one it abuts (Linux 6.6). */
	sg_wr(&g, SG_MM_PA + SG_MM_START_BRK, 0x0804a000);
	sg_wr(&g, SG_MM_PA + SG_MM_BRK, 0x0804a000);
	s = capture(maps_view);
	cr_assert(!strstr(s, "[heap]"), "%s", s);
	free(s);

	/* A broken list prints nothing and says where it broke. */
	sg_wr(&g, SG_VMA_B_PA + SG_VMA_LIST + 4, 0x12345678);
	s = capture(maps_view);
	cr_assert_eq(maps_rc, -1);
	cr_assert_str_eq(maps_err, "pid 7: its VMA list cannot be followed (VMA 0xc1420140: prev is "
			 "0x12345678, expected 0xc142010c); 'check vm.vma' reports it");
	cr_assert_str_eq(s, "");
	free(s);

	maps_pid = 8;
	s = capture(maps_view);
	cr_assert_eq(maps_rc, -1);
	cr_assert_str_eq(maps_err, "no task with pid 8; 'tasks' lists them");
	cr_assert_str_eq(s, "");
	free(s);
}
