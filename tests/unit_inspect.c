/*
 * Inspector checker unit tests on a synthetic guest (tests/synth_guest.h):
 * the clean image passes every rule, and each rule is triggered by a
 * minimal corruption.  Where the corruption is precise, the test also
 * checks that no other rule fires, so a rule is known to catch exactly
 * what it claims.  Every --corrupt kind is run on the synthetic image too,
 * and a fuzz loop shows that no byte flip crashes or hangs the checkers.
 */
#include <criterion/criterion.h>
#include <stdio.h>

#include "cli.h"
#include "json_read.h"
#include "synth_guest.h"
#include "../guest/include/random.h"

static struct sg g;

static void setup(void)
{
	cr_assert_eq(sg_build(&g), 0);
}

static void teardown(void)
{
	sg_free(&g);
}

TestSuite(check, .init = setup, .fini = teardown);

static void dump(void)
{
	insp_report_print(&g.rep, stderr, 20);
}

/* Run the checkers; the rule must fire, and (if only) nothing else. */
static void expect(enum insp_rule r, bool only)
{
	sg_check(&g);
	if (!sg_count(&g, r) || (only && sg_others(&g, r)))
		dump();
	cr_assert(sg_count(&g, r) > 0, "rule %s did not fire", insp_rules[r].name);
	if (only)
		cr_assert_eq(sg_others(&g, r), 0, "rules other than %s fired", insp_rules[r].name);
}

Test(check, clean_image_passes_every_rule)
{
	sg_check(&g);
	if (g.rep.total)
		dump();
	cr_assert_eq(g.rep.total, 0);
	/* Every rule but the KVM cross-check ran. */
	cr_assert_eq(insp_report_nr_rules(&g.rep), R_NR - 1);
	cr_assert(g.in.pstate_valid);
	/* Counts the checkers derived. */
	cr_assert_eq(g.in.st.zone[1].pcp_pages, 4);
	cr_assert_eq(g.in.st.zone[0].reserved_pages, 32 + 16 + 80);
	cr_assert_eq(g.in.st.npfn, SG_NPFN);
}

Test(check, clean_twice_and_report_reset)
{
	sg_check(&g);
	sg_check(&g);
	cr_assert_eq(g.rep.total, 0);
	sg_add32(&g, sg_head_pa(0, 5) + 8, 1);
	sg_check(&g);
	cr_assert_eq(g.rep.total, 1);
	sg_add32(&g, sg_head_pa(0, 5) + 8, -1);
	sg_check(&g);
	cr_assert_eq(g.rep.total, 0);
}

/* ---- pkmap and the kmap_atomic slots -------------------------------------- */

/* HighMem's order-8 block at 0x1700, allocated, kmapped in slot 7. */
static void kmapped(unsigned users)
{
	sg_unfree_block(&g, 2, 0x1700, 8);
	sg_kmap(&g, 7, 0x1700, users);
}

Test(check, pkmap_users_and_an_unflushed_slot_are_clean)
{
	kmapped(3);
	sg_check(&g);
	if (g.rep.total)
		dump();
	cr_assert_eq(g.rep.total, 0);
	/* Slot 5 (count 1) still maps pfn 0x1800, which is free: information. */
	cr_assert_eq(g.rep.pkmap_deferred, 1);
	cr_assert_str_eq(g.rep.pkmap_deferred_first,
			 "pkmap slot 5 (count 1, unused) still maps pfn 0x1800, which is free");
}

Test(check, pkmap_count_with_no_pte)
{
	sg_wr(&g, SG_PKMAP_COUNT_PA + 9 * 4, 2);
	expect(R_PKMAP_COUNT, true);
	cr_assert_str_eq(g.rep.v[0].place, "pkmap slot 9 (va 0xffc09000)");
	cr_assert_str_eq(g.rep.v[0].detail, "count 2 (1 user) but the PTE 0 is not present");
}

Test(check, pkmap_count_zero_with_a_pte)
{
	sg_unfree_block(&g, 2, 0x1700, 8);
	sg_wr64(&g, SG_PKMAP_PT_PA + 9 * 8, (0x1701ull << 12) | SG_KPTE);
	expect(R_PKMAP_COUNT, true);
	cr_assert_str_eq(g.rep.v[0].detail, "count 0 (unused, flushed) but the PTE maps pfn 0x1701");
}

Test(check, pkmap_count_negative)
{
	sg_wr(&g, SG_PKMAP_COUNT_PA + 3 * 4, 0xffffffffu);
	expect(R_PKMAP_COUNT, true);
	cr_assert_str_eq(g.rep.v[0].detail, "count -1 is negative");
}

Test(check, pkmap_user_without_page_address)
{
	kmapped(1);
	sg_wr(&g, SG_PAM_PA + 7 * SG_PAM_SIZE + SG_PAM_PAGE, sg_page_va(0x1701));
	sg_check(&g);
	cr_assert_eq(g.rep.per_rule[R_PKMAP_ADDRESS], 3);
	cr_assert_eq(g.rep.total, 3);
	cr_assert_str_eq(g.rep.v[0].detail, "pfn 0x1700 has users but no page_address entry");
	/* The entry now names pfn 0x1701: on 0x1700's chain, and slot 7
	 * does not map it. */
	cr_assert_str_eq(g.rep.v[1].detail, "entry for pfn 0x1701 is on chain 85, its hash is 121");
	cr_assert_str_eq(g.rep.v[2].detail, "pfn 0x1701's page_address 0xffc07000 is slot 7, which "
			 "maps another page");
}

Test(check, pkmap_page_address_elsewhere)
{
	kmapped(1);
	sg_wr(&g, SG_PAM_PA + 7 * SG_PAM_SIZE + SG_PAM_VIRTUAL, SG_PKMAP_BASE + 8 * 4096);
	sg_check(&g);
	cr_assert_eq(g.rep.per_rule[R_PKMAP_ADDRESS], 2);
	cr_assert_eq(g.rep.total, 2);
	cr_assert_str_eq(g.rep.v[0].detail, "pfn 0x1700's page_address is 0xffc08000, not this slot");
	cr_assert_str_eq(g.rep.v[1].detail, "pfn 0x1700's page_address 0xffc08000 is slot 8, which "
			 "is unused and flushed");
}

Test(check, pkmap_entry_on_the_wrong_chain)
{
	uint32_t page = sg_page_va(0x1700), chain = (page * 0x61C88647u) >> (32 - SG_PA_HASH_ORDER);
	uint32_t other = (chain + 1) % (1u << SG_PA_HASH_ORDER);

	kmapped(1);
	sg_wr(&g, SG_PA_HTABLE_PA + other * 4, sg_rd(&g, SG_PA_HTABLE_PA + chain * 4));
	sg_wr(&g, SG_PA_HTABLE_PA + chain * 4, 0);
	expect(R_PKMAP_ADDRESS, true);
	cr_assert_eq(g.rep.total, 1);
}

/* Slot 7 holds pfn 0x1700 with users (0: unused, not flushed yet), and
 * slot 2, with a user, maps it too: the duplicate. */
static void two_slots_one_page(unsigned users)
{
	kmapped(users);
	sg_wr64(&g, SG_PKMAP_PT_PA + 2 * 8, (0x1700ull << 12) | SG_KPTE);
	sg_wr(&g, SG_PKMAP_COUNT_PA + 2 * 4, 2);
	expect(R_PKMAP_DUP, true);
	cr_assert_eq(g.rep.total, 1);
	cr_assert_str_eq(g.rep.v[0].place, "pkmap slot 2 (va 0xffc02000)");
	cr_assert_str_eq(g.rep.v[0].detail, "maps pfn 0x1700, which slot 7 maps too");
}

Test(check, pkmap_two_slots_one_page)
{
	two_slots_one_page(1);
}

/* An unused slot not flushed yet keeps its page's page_address until the
 * flush (Linux's kunmap_high): the entry must still point back. */
Test(check, pkmap_unflushed_slot_without_page_address)
{
	kmapped(0);
	sg_wr(&g, SG_PAM_PA + 7 * SG_PAM_SIZE + SG_PAM_VIRTUAL, SG_PKMAP_BASE + 8 * 4096);
	sg_check(&g);
	cr_assert_eq(g.rep.per_rule[R_PKMAP_ADDRESS], 2);
	cr_assert_str_eq(g.rep.v[0].place, "pkmap slot 7 (va 0xffc07000)");
	cr_assert_str_eq(g.rep.v[0].detail, "pfn 0x1700's page_address is 0xffc08000, not this slot");
}

/* An unflushed slot and a slot with users may not map one page: a kmap of
 * it would have found the first through page_address. */
Test(check, pkmap_unflushed_slot_and_a_user_of_one_page)
{
	two_slots_one_page(0);
}

Test(check, pkmap_user_of_a_free_page)
{
	/* pfn 0x1800 is free: a slot with a user may not map it. */
	sg_wr(&g, SG_PKMAP_COUNT_PA + 5 * 4, 2);
	expect(R_PT_FREED, false);
	cr_assert_eq(g.rep.pkmap_deferred, 0);
}

Test(check, pkmap_user_of_a_lowmem_page)
{
	sg_wr64(&g, SG_PKMAP_PT_PA + 9 * 8, (0x301ull << 12) | SG_KPTE);
	sg_wr(&g, SG_PKMAP_COUNT_PA + 9 * 4, 2);
	expect(R_PKMAP_ADDRESS, true);
	cr_assert_str_eq(g.rep.v[0].detail, "maps pfn 0x301, which is not a highmem page "
			 "(max_low_pfn 0x1700)");
}

Test(check, pkmap_window_without_its_page_table)
{
	sg_wr64(&g, SG_KPD_PA + ((SG_PKMAP_BASE >> 21) & 511) * 8, 0);
	expect(R_PKMAP_COUNT, true);
	cr_assert_eq(g.rep.total, 1);
	cr_assert_str_eq(g.rep.v[0].detail, "no page table maps the pkmap window (its PDE is not "
			 "present)");
}

Test(check, kmap_atomic_slot_mapped_at_a_checkpoint)
{
	/* Index FIX_KMAP_BEGIN + 17: CPU 1, depth 1. */
	sg_wr64(&g, SG_FIX_PT_PA + ((SG_FIXADDR_TOP - 18 * 4096u) >> 12 & 511) * 8,
		(0x301ull << 12) | SG_KPTE);
	expect(R_FIXMAP_LEAK, true);
	cr_assert_str_eq(g.rep.v[0].place, "kmap_atomic slot 17 (va 0xfffed000)");
	cr_assert_str_eq(g.rep.v[0].detail, "maps pfn 0x301 at a checkpoint (CPU 1, depth 1): a "
			 "kmap_atomic without its kunmap_atomic");
}

/* ---- every --corrupt kind on the synthetic image --------------------------- */

Test(check, every_corruption_kind_fires_exactly_its_rule)
{
	for (size_t i = 0; i < insp_nr_corruptions; i++) {
		const struct insp_corruption *c = &insp_corruptions[i];
		char what[256], err[256];

		sg_free(&g);
		cr_assert_eq(sg_build(&g), 0);
		/* A deferred range too, as a big guest has (deferred-dirty
		 * needs one; every other kind must not mind it). */
		sg_defer(&g, 2, 0x1c00, 0x2000);
		/* And a page kmapped (pkmap-dup needs one). */
		sg_unfree_block(&g, 2, 0x1700, 8);
		sg_kmap(&g, 7, 0x1700, 1);
		cr_assert_eq(insp_corrupt(&g.in, c->kind, what, sizeof(what), err, sizeof(err)), 0,
			     "%s: %s", c->kind, err);
		sg_check(&g);
		if (g.rep.per_rule[c->rule] != g.rep.total || !g.rep.total) {
			fprintf(stderr, "--- %s (%s):\n", c->kind, what);
			dump();
		}
		cr_assert(g.rep.per_rule[c->rule] > 0, "%s: rule %s did not fire", c->kind,
			  insp_rules[c->rule].name);
		cr_assert_eq(g.rep.total, g.rep.per_rule[c->rule], "%s: other rules fired", c->kind);
	}
}

/* A deferred range the guest claims beyond RAM is a target for nothing:
 * the corruption must not index the host's per-pfn state with it. */
Test(check, deferred_dirty_ignores_a_range_beyond_ram)
{
	char what[256], err[256];

	sg_wr(&g, sg_deferred_pa(2, 0) + SG_DR_START, 0x40000000u);
	sg_wr(&g, sg_deferred_pa(2, 0) + SG_DR_END, 0x40000400u);
	sg_wr(&g, sg_zone_pa(2) + SG_Z_NR_DEFERRED, 1);
	cr_assert_eq(insp_corrupt(&g.in, "deferred-dirty", what, sizeof(what), err, sizeof(err)),
		     -1);
	cr_assert_str_eq(err, "no zone has a deferred range (the guest defers only runs of whole "
			 "top-order blocks of 64 MiB or more)");
}

/*
 * 4,000 caches, all named alike, whose array caches of `avail` entries are
 * one and the same (stride 0), or 4,000 distinct ones overlapping in the
 * same memory (stride 16: each header sits among the previous one's
 * entries).  Each cache re-reading and re-sorting its array would be
 * minutes of work and ~10^9 violations.  A shared array is read once; all
 * of them together are read within a budget proportional to RAM; and a run
 * of violations at one place is kept as a few lines and a count.
 */
static void shared_array_cache(uint32_t avail, uint32_t stride)
{
	const uint64_t base = 0x400000, ac = 0x500000;
	const uint32_t buf = sg_kva(SG_A1_PA + 88);

	for (uint32_t i = 0; i < avail + 4 * 4000; i++)
		sg_wr(&g, ac + SG_AC_ENTRY + 4 * i, buf);
	for (unsigned i = 0; i < (stride ? 4000 : 1); i++) {
		sg_wr(&g, ac + stride * i + SG_AC_LIMIT, 65536);
		sg_wr(&g, ac + stride * i + SG_AC_BATCH, 4);
		sg_wr(&g, ac + stride * i + SG_AC_AVAIL, avail);
	}
	for (unsigned i = 0; i < 4000; i++) {
		uint64_t pa = base + (uint64_t)i * SG_KMC_SIZE;

		memcpy(g.ram + pa, g.ram + SG_CACHE_A_PA, SG_KMC_SIZE);
		memset(g.ram + pa + SG_KMC_NODE, 0, SG_KMN_SIZE);
		for (int L = 0; L < 3; L++) {
			sg_wr(&g, sg_slab_head_pa(pa, L), sg_kva(sg_slab_head_pa(pa, L)));
			sg_wr(&g, sg_slab_head_pa(pa, L) + 4, sg_kva(sg_slab_head_pa(pa, L)));
		}
		sg_wr(&g, pa + SG_KMC_LIMIT, 65536);
		sg_wr(&g, pa + SG_KMC_CPU_CACHE, sg_kva(ac + stride * i));
		sg_wr(&g, pa + SG_KMC_CPU_CACHE + 4, 0);
		sg_list_add(&g, sg_kva(pa + SG_KMC_LIST), SG_PO + SG_GLOBALS_PA + SG_G_SLAB_CACHES);
	}
	sg_check(&g);
}

static bool report_has(const char *rule, const char *detail)
{
	for (size_t i = 0; i < g.rep.nr; i++)
		if (!strcmp(insp_rules[g.rep.v[i].rule].name, rule) && strstr(g.rep.v[i].detail, detail))
			return true;
	return false;
}

Test(check, caches_sharing_a_huge_array_cache_read_it_once, .timeout = 60)
{
	shared_array_cache(65536, 0);
	cr_assert(report_has("slab.cache", "is also another cache's"));
	cr_assert(report_has("slab.active", "and 65527 more like the above"));
	/* One per cache and two per entry, not per entry per cache. */
	cr_assert_lt(g.rep.total, 4000 + 2 * 65536 + 200, "%llu violations",
		     (unsigned long long)g.rep.total);
	cr_assert_lt(g.rep.nr, 64, "%zu kept", g.rep.nr);
}

Test(check, overlapping_array_caches_are_read_within_a_budget, .timeout = 60)
{
	/* Keep every line: the budget's own is far down the report. */
	insp_report_free(&g.rep);
	insp_report_init(&g.rep, 1u << 20);
	shared_array_cache(65536, 16);
	cr_assert(report_has("slab.cache", "the array caches hold more entries than RAM could "
			     "hold free objects; this and later ones are not read"));
	/* 8,192 pages x 512 entries: 64 arrays of 65,536 read, not 4,000;
	 * at most two violations per entry read. */
	cr_assert_lt(g.rep.per_rule[insp_rule_find("slab.active")], 2 * 65ull * 65536);
	cr_assert_lt(g.rep.nr, 4000, "%zu kept", g.rep.nr);
}

Test(check, caches_sharing_an_array_cache_read_it_once, .timeout = 60)
{
	shared_array_cache(100, 0);
	cr_assert(report_has("slab.cache", "is also another cache's"));
	cr_assert(report_has("slab.active", "is in the array caches twice (a double free)"));
	/* 99 duplicates at one place: 8 lines, then one with the rest. */
	cr_assert(report_has("slab.active", "and 91 more like the above"));
	cr_assert_geq(g.rep.per_rule[insp_rule_find("slab.active")], 99);
	/* About one per cache and one per entry, not one per entry per cache. */
	cr_assert_lt(g.rep.total, 4400, "%llu violations", (unsigned long long)g.rep.total);
}

static bool stop_now(void)
{
	return true;
}

/* --timeout or a signal during a check: every checker gives up, the report
 * says it was stopped, and nothing built on a half-walked state is trusted. */
Test(check, a_stopped_check_gives_up_and_says_so)
{
	sg_check(&g);
	cr_assert_not(g.rep.stopped);
	cr_assert(g.in.pstate_valid && g.in.slab_valid);
	g.in.should_stop = stop_now;
	sg_check(&g);
	cr_assert(g.rep.stopped);
	cr_assert_not(g.in.pstate_valid);
	cr_assert_not(g.in.slab_valid);
	g.in.should_stop = NULL;
	sg_check(&g);
	cr_assert_not(g.rep.stopped);
	cr_assert_eq(g.rep.total, 0);
}

Test(check, unknown_corruption_kind)
{
	char what[64], err[256];

	cr_assert_eq(insp_corrupt(&g.in, "nope", what, sizeof(what), err, sizeof(err)), -1);
	cr_assert(strstr(err, "unknown corruption kind 'nope'"), "%s", err);
	cr_assert_null(insp_corruption_find("nope"));
	cr_assert_not_null(insp_corruption_find("pte-freed"));
}

/* ---- mem_map and zones ------------------------------------------------------ */

Test(check, geometry_high_memory)
{
	sg_add32(&g, SG_GLOBALS_PA + SG_G_HIGH_MEMORY, 4096);
	expect(R_MEM_GEOMETRY, true);
}

Test(check, geometry_max_pfn_beyond_ram_is_clamped)
{
	sg_wr(&g, SG_GLOBALS_PA + SG_G_MAX_PFN, 0x7fffffff);
	sg_check(&g);
	cr_assert(sg_count(&g, R_MEM_GEOMETRY) > 0);
	cr_assert_eq(g.in.st.npfn, SG_NPFN, "mem_map still read up to the end of RAM");
}

Test(check, geometry_wild_mem_map)
{
	sg_wr(&g, SG_GLOBALS_PA + SG_G_MEM_MAP, 0xdead0000);
	sg_check(&g);
	cr_assert(sg_count(&g, R_MEM_GEOMETRY) > 0);
	cr_assert_null(g.in.st.mem_map);
}

Test(check, unreadable_globals)
{
	g.lay.sym.max_pfn = 0xfffffffe;   /* not RAM */
	sg_check(&g);
	cr_assert(sg_count(&g, R_MEM_GEOMETRY) > 0);
	cr_assert(!g.in.st.globals_ok);
}

Test(check, hole_page_allocated)
{
	sg_wr(&g, sg_page_pa(0xb0) + SG_P_REF, 1);
	expect(R_MEM_HOLE, true);
}

Test(check, kernel_page_not_reserved)
{
	/* Keep the totals consistent so that only mem.reserved sees it. */
	sg_flag(&g, 0x105, SG_PG_reserved, 0);
	sg_add32(&g, sg_zone_pa(0) + SG_Z_MANAGED, 1);
	expect(R_MEM_RESERVED, true);
}

Test(check, mem_map_page_not_reserved)
{
	sg_flag(&g, 0x240, SG_PG_reserved, 0);
	expect(R_MEM_RESERVED, false);
	cr_assert(sg_count(&g, R_ZONE_TOTALS) > 0);
}

Test(check, zone_span_past_max_pfn)
{
	sg_add32(&g, sg_zone_pa(2) + SG_Z_SPANNED, 1);
	expect(R_ZONE_SPAN, true);
}

Test(check, zone_present_wrong)
{
	sg_add32(&g, sg_zone_pa(1) + SG_Z_PRESENT, 3);
	expect(R_ZONE_SPAN, false);
}

Test(check, zone_totals_managed)
{
	sg_add32(&g, sg_zone_pa(2) + SG_Z_MANAGED, -1);
	expect(R_ZONE_TOTALS, true);
}

Test(check, zone_free_counter)
{
	sg_add32(&g, sg_zone_pa(1) + SG_Z_VMSTAT, -2);
	expect(R_ZONE_FREE, true);
}

Test(check, page_unknown_flag)
{
	sg_flag(&g, 0x301, 30, 1);
	expect(R_PAGE_FLAGS, true);
}

Test(check, page_flag_pairs)
{
	static const int pairs[][2] = {
		{ SG_PG_slab, SG_PG_table }, { SG_PG_table, SG_PG_lru }, { SG_PG_head, SG_PG_table },
		{ SG_PG_slab, SG_PG_poisoned },
	};

	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		sg_free(&g);
		cr_assert_eq(sg_build(&g), 0);
		sg_flag(&g, 0x301, pairs[i][0], 1);
		sg_flag(&g, 0x301, pairs[i][1], 1);
		expect(R_PAGE_FLAGS, true);
	}
}

Test(check, buddy_head_with_other_flags)
{
	sg_flag(&g, 0x20, SG_PG_lru, 1);
	expect(R_PAGE_FLAGS, true);
}

Test(check, negative_refcount)
{
	sg_wr(&g, sg_page_pa(0x301) + SG_P_REF, (uint32_t)-1);
	expect(R_PAGE_COUNT, true);
}

Test(check, free_tail_with_refcount)
{
	sg_wr(&g, sg_page_pa(0x21) + SG_P_REF, 1);
	expect(R_PAGE_FREE_REFCOUNT, true);
}

Test(check, pcp_page_with_mapcount)
{
	sg_wr(&g, sg_page_pa(0x1402) + SG_P_MAPCOUNT, 2);
	expect(R_PAGE_FREE_REFCOUNT, true);
}

/* ---- free lists ------------------------------------------------------------- */

Test(check, wild_list_pointer)
{
	sg_wr(&g, sg_head_pa(0, 6), 0x12345678);
	expect(R_BUDDY_LIST, true);
}

Test(check, list_pointer_into_the_middle_of_a_page)
{
	sg_wr(&g, sg_head_pa(0, 6), sg_lru_va(0x40) + 2);
	expect(R_BUDDY_LIST, true);
}

Test(check, null_list_pointer)
{
	sg_wr(&g, sg_page_pa(0x40) + SG_P_LRU, 0);
	expect(R_BUDDY_LIST, true);
}

Test(check, broken_prev)
{
	/* Order 10 of DMA holds three blocks; damage the middle one's prev. */
	sg_wr(&g, sg_page_pa(0x800) + SG_P_LRU + 4, sg_lru_va(0x20));
	expect(R_BUDDY_PREV, true);
}

Test(check, head_prev_wrong)
{
	sg_wr(&g, sg_head_pa(0, 10) + 4, sg_lru_va(0x400));
	expect(R_BUDDY_PREV, true);
}

Test(check, self_loop)
{
	sg_wr(&g, sg_page_pa(0xc00) + SG_P_LRU, sg_lru_va(0xc00));
	expect(R_BUDDY_CYCLE, true);
}

Test(check, page_on_two_lists_through_pcp)
{
	/* A pcp list's entry points at a buddy block. */
	sg_wr(&g, sg_page_pa(0x1403) + SG_P_LRU, sg_lru_va(0x1000));
	expect(R_BUDDY_DOUBLE, true);
}

Test(check, not_page_buddy)
{
	sg_flag(&g, 0x800, SG_PG_buddy, 0);
	expect(R_BUDDY_FLAG, true);
}

Test(check, wrong_private)
{
	sg_wr(&g, sg_page_pa(0x800) + SG_P_PRIVATE, 9);
	expect(R_BUDDY_ORDER, true);
}

Test(check, misaligned_block)
{
	/* The order-2 block at 0x304 becomes 0x304 (0), 0x305 (1, misaligned)
	 * and 0x307 (0): same pages, counts fixed. */
	sg_unfree_block(&g, 0, 0x304, 2);
	sg_free_block(&g, 0, 0x304, 0);
	sg_free_block(&g, 0, 0x305, 1);
	sg_free_block(&g, 0, 0x307, 0);
	expect(R_BUDDY_ALIGN, true);
}

Test(check, block_on_wrong_zone_list)
{
	/* DMA's order-0 block at 0x300 moves to Normal's list. */
	sg_unfree_block(&g, 0, 0x300, 0);
	sg_free_block(&g, 1, 0x300, 0);
	expect(R_BUDDY_ZONE, true);
}

Test(check, overlapping_blocks)
{
	sg_free_block(&g, 0, 0x305, 0);   /* inside the order-2 block at 0x304 */
	expect(R_BUDDY_OVERLAP, true);
}

Test(check, unmerged_buddies)
{
	sg_unfree_block(&g, 0, 0x800, 10);
	sg_free_block(&g, 0, 0x800, 9);
	sg_free_block(&g, 0, 0xa00, 9);
	expect(R_BUDDY_UNMERGED, true);
}

Test(check, nr_free_off)
{
	sg_add32(&g, sg_head_pa(2, 10) + 8, -1);
	expect(R_BUDDY_NR_FREE, true);
}

Test(check, tail_flagged)
{
	sg_flag(&g, 0x805, SG_PG_lru, 1);
	expect(R_BUDDY_TAIL, true);
}

Test(check, tail_compound)
{
	sg_wr(&g, sg_page_pa(0x806) + SG_P_CHEAD, sg_page_va(0x800) | 1);
	expect(R_BUDDY_TAIL, true);
}

Test(check, poisoned_tail_is_fine)
{
	sg_flag(&g, 0x805, SG_PG_poisoned, 1);
	sg_flag(&g, 0x800, SG_PG_poisoned, 1);
	sg_check(&g);
	cr_assert_eq(g.rep.total, 0);
}

Test(check, stray_page_buddy)
{
	sg_flag(&g, 0x1405, SG_PG_buddy, 1);   /* tail of the allocated block */
	expect(R_BUDDY_STRAY, true);
}

Test(check, pcp_count)
{
	sg_add32(&g, sg_pcp_pa(1, 0), 1);
	expect(R_PCP_COUNT, true);
}

Test(check, pcp_page_flagged)
{
	sg_flag(&g, 0x1401, SG_PG_lru, 1);
	expect(R_PCP_PAGE, true);
}

Test(check, pcp_page_of_another_zone)
{
	/* Move a pcp page from Normal to HighMem's list (counts fixed). */
	sg_list_del(&g, sg_lru_va(0x1401));
	sg_add32(&g, sg_pcp_pa(1, 0), -1);
	sg_list_add(&g, sg_lru_va(0x1401), (uint32_t)(SG_PO + sg_pcp_pa(2, 1) + 12));
	sg_add32(&g, sg_pcp_pa(2, 1), 1);
	expect(R_PCP_PAGE, false);   /* HighMem is all free: its total is off too */
}

/* ---- deferred top-order ranges ------------------------------------------------ */

/* HighMem's top block and DMA's upper two become deferred ranges, as boot
 * leaves a long run (counts unchanged). */
static void setup_deferred(void)
{
	cr_assert_eq(sg_build(&g), 0);
	sg_defer(&g, 2, 0x1c00, 0x2000);
	sg_defer(&g, 0, 0x800, 0x1000);
}

TestSuite(deferred, .init = setup_deferred, .fini = teardown);

static char *view(void (*fn)(const struct insp *, FILE *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(&g.in, f);
	fclose(f);
	return buf;
}

Test(deferred, clean_image_passes_and_counts_them_free)
{
	sg_check(&g);
	if (g.rep.total)
		dump();
	cr_assert_eq(g.rep.total, 0);
	cr_assert_eq(insp_report_nr_rules(&g.rep), R_NR - 1);
	cr_assert_eq(g.in.st.zone[2].deferred_pages, 1024);
	cr_assert_eq(g.in.st.zone[0].deferred_pages, 2048);
	cr_assert_eq(g.in.st.zone[1].deferred_pages, 0);
	cr_assert_eq(g.in.pstate[0x1c00] & PS_DEFERRED, PS_DEFERRED);
	cr_assert_eq(g.in.pstate[0xfff], PS_DEFERRED);
	cr_assert_eq(g.in.pstate[0x7ff], PS_TAIL, "0x400's block is still listed");
}

Test(deferred, views_are_those_of_eager_init)
{
	static void (*const fns[])(const struct insp *, FILE *) = {
		insp_view_buddyinfo, insp_view_zoneinfo, insp_view_meminfo, insp_view_vmstat,
	};
	char *deferred[4];

	sg_check(&g);
	for (int i = 0; i < 4; i++)
		deferred[i] = view(fns[i]);
	sg_free(&g);
	cr_assert_eq(sg_build(&g), 0);   /* the same machine, every block listed */
	sg_check(&g);
	cr_assert_eq(g.rep.total, 0);
	for (int i = 0; i < 4; i++) {
		char *eager = view(fns[i]);

		cr_assert_str_eq(deferred[i], eager);
		free(eager);
		free(deferred[i]);
	}
}

Test(deferred, page_view_says_deferred)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	sg_check(&g);
	insp_view_page(&g.in, 0x1c05, f);
	insp_view_page(&g.in, 0x400, f);
	fclose(f);
	cr_assert(strstr(buf, "state: free, inside the deferred order-10 block at pfn 0x1c00"), "%s", buf);
	cr_assert(strstr(buf, "state: free, head of the order-10 block at pfn 0x400"), "%s", buf);
	free(buf);
}

Test(deferred, dirty_tail)
{
	sg_flag(&g, 0x1c05, SG_PG_lru, 1);
	expect(R_BUDDY_DEFERRED, true);
}

Test(deferred, dirty_head_that_looks_listed)
{
	/* PG_buddy and the order on a deferred head: not a stray, a bad range. */
	sg_flag(&g, 0xc00, SG_PG_buddy, 1);
	sg_wr(&g, sg_page_pa(0xc00) + SG_P_PRIVATE, 10);
	expect(R_BUDDY_DEFERRED, true);
}

Test(deferred, refcount_and_stale_links)
{
	sg_wr(&g, sg_page_pa(0x1e00) + SG_P_REF, 1);
	expect(R_BUDDY_DEFERRED, true);
	sg_wr(&g, sg_page_pa(0x1e00) + SG_P_REF, 0);
	sg_wr(&g, sg_page_pa(0x1e00) + SG_P_LRU, sg_lru_va(0x1800));
	expect(R_BUDDY_DEFERRED, true);
}

Test(deferred, misaligned_range)
{
	sg_wr(&g, sg_deferred_pa(2, 0) + SG_DR_START, 0x1c01);
	expect(R_BUDDY_DEFERRED, true);
}

Test(deferred, empty_range_in_use)
{
	sg_wr(&g, sg_deferred_pa(2, 0) + SG_DR_END, 0x1c00);
	expect(R_BUDDY_DEFERRED, true);
}

Test(deferred, range_outside_its_zone)
{
	/* DMA's range reaching into Normal ([0x1000, 0x1400) is listed there). */
	sg_wr(&g, sg_deferred_pa(0, 0) + SG_DR_END, 0x1400);
	expect(R_BUDDY_DEFERRED, true);
}

Test(deferred, range_over_a_hole)
{
	sg_wr(&g, sg_deferred_pa(0, 0) + SG_DR_START, 0);
	expect(R_BUDDY_DEFERRED, false);
	cr_assert_eq(sg_count(&g, R_MEM_HOLE), 0, "a range over a hole is not marked");
}

Test(deferred, range_overlapping_a_listed_block)
{
	/* DMA's range grows down over the listed block at 0x400. */
	sg_wr(&g, sg_deferred_pa(0, 0) + SG_DR_START, 0x400);
	expect(R_BUDDY_DEFERRED, false);
}

Test(deferred, range_overlapping_pcp_pages)
{
	sg_wr(&g, sg_deferred_pa(1, 0) + SG_DR_START, 0x1400);
	sg_wr(&g, sg_deferred_pa(1, 0) + SG_DR_END, 0x1800);
	sg_wr(&g, sg_zone_pa(1) + SG_Z_NR_DEFERRED, 1);
	expect(R_BUDDY_DEFERRED, false);
}

Test(deferred, two_ranges_overlap)
{
	sg_wr(&g, sg_deferred_pa(2, 1) + SG_DR_START, 0x1c00);
	sg_wr(&g, sg_deferred_pa(2, 1) + SG_DR_END, 0x2000);
	sg_wr(&g, sg_zone_pa(2) + SG_Z_NR_DEFERRED, 2);
	expect(R_BUDDY_DEFERRED, false);
}

Test(deferred, unused_entry_not_zero)
{
	sg_wr(&g, sg_deferred_pa(2, 1) + SG_DR_END, 0x1800);
	expect(R_BUDDY_DEFERRED, true);
}

Test(deferred, too_many_ranges_in_use)
{
	sg_wr(&g, sg_zone_pa(2) + SG_Z_NR_DEFERRED, SG_NR_DEFERRED + 1);
	expect(R_BUDDY_DEFERRED, true);
}

Test(deferred, boot_reserved_ram_inside_a_range)
{
	/* Pretend the kernel image lies in HighMem's deferred block. */
	g.in.kernel_start_pa = 0x1c00000;
	g.in.kernel_end_pa = 0x1c02000;
	expect(R_BUDDY_DEFERRED, true);
	cr_assert_eq(sg_count(&g, R_BUDDY_DEFERRED), 2, "one violation per page");
}

Test(deferred, nr_free_counts_deferred_blocks)
{
	sg_add32(&g, sg_head_pa(0, 10) + 8, -1);   /* 1 listed + 2 deferred, says 2 */
	expect(R_BUDDY_NR_FREE, true);
}

Test(deferred, zone_free_counts_deferred_pages)
{
	sg_add32(&g, sg_zone_pa(2) + SG_Z_VMSTAT, -1024);
	expect(R_ZONE_FREE, true);
}

Test(deferred, deferred_page_mapped_is_freed)
{
	/* An unused fixmap slot over DMA's deferred [0x800, 0xa00). */
	sg_wr64(&g, SG_FIX_PT_PA + 200 * 8, 0x900000ull | SG_KPTE);
	expect(R_PT_FREED, true);
}

Test(deferred, materialised_block_is_clean)
{
	/* The guest took HighMem's only deferred block: range and count go. */
	sg_wr(&g, sg_deferred_pa(2, 0) + SG_DR_START, 0);
	sg_wr(&g, sg_deferred_pa(2, 0) + SG_DR_END, 0);
	sg_wr(&g, sg_zone_pa(2) + SG_Z_NR_DEFERRED, 0);
	sg_add32(&g, sg_head_pa(2, 10) + 8, -1);
	sg_add32(&g, sg_zone_pa(2) + SG_Z_VMSTAT, -1024);
	sg_add32(&g, SG_GLOBALS_PA + SG_G_ZONE_STAT, -1024);
	sg_wr(&g, sg_page_pa(0x1c00) + SG_P_REF, 1);   /* now allocated */
	sg_check(&g);
	if (g.rep.total)
		dump();
	cr_assert_eq(g.rep.total, 0);
}

/* ---- the slab allocator (the slab world of synth_guest.h) ----------------------- */

TestSuite(slab, .init = setup, .fini = teardown);

#define NORMAL_STAT(i) (sg_zone_pa(1) + SG_Z_VMSTAT + 4 * (i))

static void rebuild(void)
{
	sg_free(&g);
	cr_assert_eq(sg_build(&g), 0);
}

Test(slab, clean_world_is_walked_and_passes)
{
	sg_check(&g);
	if (g.rep.total)
		dump();
	cr_assert_eq(g.rep.total, 0);
	cr_assert(g.in.slab_valid && g.in.slab_pages_valid);
	cr_assert_eq(g.in.ncaches, 3);
	cr_assert_str_eq(g.in.caches[0].name, "sg-debug");
	cr_assert_str_eq(g.in.caches[1].name, "sg-offslab");
	cr_assert_str_eq(g.in.caches[2].name, "sg-kmalloc-128");
	cr_assert_eq(g.in.nslabs, 6);
	cr_assert_eq(g.in.caches[2].listed[SL_PARTIAL], 1);
	cr_assert_eq(g.in.caches[2].listed[SL_FULL], 1);
	cr_assert_eq(g.in.caches[2].listed[SL_FREE], 1);
	cr_assert_eq(g.in.caches[2].chain_free, 50);
	cr_assert_eq(g.in.caches[0].chain_free, 100);
	for (uint64_t pfn = 0x1408; pfn < 0x1410; pfn++)
		cr_assert_eq(!!(g.in.slabmap[pfn >> 3] & (1u << (pfn & 7))), pfn != 0x1408,
			     "pfn %#llx", (unsigned long long)pfn);
	cr_assert_eq(g.in.slab_zone_pages[1][0], 5);
	cr_assert_eq(g.in.slab_zone_pages[1][1], 2);
}

static char *slabinfo(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	insp_read_state(&g.in);
	insp_view_slabinfo(&g.in, f);
	fclose(f);
	return buf;
}

Test(slab, slabinfo_view)
{
	char *s = slabinfo();

	cr_assert_str_eq(s,
		"slabinfo - version: 2.1\n"
		"# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> "
		": tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> "
		"<num_slabs> <sharedavail>\n"
		"sg-debug              20    120     56   60    1 : tunables    8    4    0 : slabdata      1      2      0\n"
		"sg-offslab             3      8   1024    8    2 : tunables    8    4    0 : slabdata      1      1      0\n"
		"sg-kmalloc-128        40     90    128   30    1 : tunables    8    4    0 : slabdata      2      3      0\n");
	free(s);
	cr_assert_eq(insp_view_by_name(&g.in, "slabinfo", fopen("/dev/null", "w")), 0);
}

Test(slab, slabinfo_view_survives_a_looping_list)
{
	char *s;

	sg_wr(&g, SG_CACHE_B_PA + SG_KMC_LIST, sg_kva(SG_CACHE_C_PA + SG_KMC_LIST));
	s = slabinfo();
	cr_assert(strstr(s, "sg-debug ") && strstr(s, "sg-offslab "), "%s", s);
	cr_assert_null(strstr(s, "sg-kmalloc-128"), "%s", s);
	free(s);
}

/* ---- slab.cache */

Test(slab, cache_list_loops)
{
	sg_wr(&g, SG_CACHE_B_PA + SG_KMC_LIST, sg_kva(SG_CACHE_C_PA + SG_KMC_LIST));
	expect(R_SLAB_CACHE, true);
}

Test(slab, cache_list_wild_pointer)
{
	sg_wr(&g, SG_GLOBALS_PA + SG_G_SLAB_CACHES, 0x12345678);
	expect(R_SLAB_CACHE, true);
	sg_wr(&g, SG_GLOBALS_PA + SG_G_SLAB_CACHES, 0);
	expect(R_SLAB_CACHE, true);
}

Test(slab, cache_list_prev)
{
	sg_wr(&g, SG_CACHE_B_PA + SG_KMC_LIST + 4, sg_kva(SG_CACHE_A_PA + SG_KMC_LIST));
	expect(R_SLAB_CACHE, true);
}

Test(slab, cache_geometry)
{
	static const struct { uint32_t off, v; } bad[] = {
		{ SG_KMC_NUM, 0 }, { SG_KMC_NUM, 40 }, { SG_KMC_OBJSIZE, 129 }, { SG_KMC_ORDER, 11 },
		{ SG_KMC_COLOUR_OFF, 0 }, { SG_KMC_COLOUR, 3 }, { SG_KMC_SLAB_SIZE, 60 },
		{ SG_KMC_OBJOFF, 8 },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		rebuild();
		sg_wr(&g, SG_CACHE_A_PA + bad[i].off, bad[i].v);
		expect(R_SLAB_CACHE, true);
	}
	/* Red zones that do not fit the buffer. */
	rebuild();
	sg_wr(&g, SG_CACHE_C_PA + SG_KMC_OBJOFF, 4);
	expect(R_SLAB_CACHE, true);
}

Test(slab, cache_name_unreadable)
{
	sg_wr(&g, SG_CACHE_A_PA + SG_KMC_NAME, 0x10);
	expect(R_SLAB_CACHE, true);
}

Test(slab, kmalloc_caches_entries)
{
	sg_wr(&g, SG_GLOBALS_PA + SG_G_KMALLOC + 4, sg_kva(SG_CACHE_A_PA + 8));
	expect(R_SLAB_CACHE, true);
	rebuild();
	sg_wr(&g, SG_GLOBALS_PA + SG_G_KMALLOC + 4 * 6, sg_kva(SG_CACHE_B_PA));   /* no CFLGS_KMALLOC */
	expect(R_SLAB_CACHE, true);
}

Test(slab, off_slab_freelist_cache)
{
	sg_wr(&g, SG_CACHE_B_PA + SG_KMC_FREELIST, sg_kva(0x1408000 + 0x800));
	expect(R_SLAB_CACHE, true);
	rebuild();
	sg_wr(&g, SG_CACHE_B_PA + SG_KMC_FREELIST, sg_kva(SG_CACHE_C_PA));   /* 56 < 40 + ... no: 56 >= 40 */
	sg_wr(&g, SG_CACHE_C_PA + SG_KMC_BSIZE, 32);
	expect(R_SLAB_CACHE, false);
}

Test(slab, array_cache_unreadable_or_overfull)
{
	sg_wr(&g, SG_AC_A_PA + SG_AC_AVAIL, 9);
	expect(R_SLAB_CACHE, true);
	rebuild();
	sg_wr(&g, SG_CACHE_A_PA + SG_KMC_CPU_CACHE + 4, 0x12345678);   /* cpu 1 */
	expect(R_SLAB_CACHE, true);
	rebuild();
	sg_wr(&g, SG_AC_B_PA + SG_AC_BATCH, 5);
	expect(R_SLAB_CACHE, true);
}

/* ---- slab.list */

Test(slab, full_slab_on_partial_list)
{
	sg_list_del(&g, sg_kva(SG_A1_PA + SG_SL_LIST));
	sg_list_add(&g, sg_kva(SG_A1_PA + SG_SL_LIST), sg_kva(sg_slab_head_pa(SG_CACHE_A_PA, 0)));
	expect(R_SLAB_LIST, true);
}

Test(slab, free_slab_on_full_list)
{
	sg_list_del(&g, sg_kva(SG_C2_PA + SG_SL_LIST));
	sg_list_add(&g, sg_kva(SG_C2_PA + SG_SL_LIST), sg_kva(sg_slab_head_pa(SG_CACHE_C_PA, 1)));
	sg_add32(&g, SG_CACHE_C_PA + SG_KMC_NODE + SG_KMN_FREE_SLABS, -1);
	expect(R_SLAB_LIST, true);
}

Test(slab, slab_counters)
{
	sg_add32(&g, SG_CACHE_A_PA + SG_KMC_NODE + SG_KMN_TOTAL, 1);
	expect(R_SLAB_LIST, true);
	rebuild();
	sg_add32(&g, SG_CACHE_A_PA + SG_KMC_NODE + SG_KMN_FREE_SLABS, -1);
	expect(R_SLAB_LIST, true);
}

Test(slab, slab_list_loops)
{
	sg_wr(&g, SG_A2_PA + SG_SL_LIST, sg_kva(SG_A2_PA + SG_SL_LIST));
	expect(R_SLAB_LIST, true);
}

Test(slab, slab_on_two_lists)
{
	/* A's free list head points at A2, which is on the partial list. */
	sg_wr(&g, sg_slab_head_pa(SG_CACHE_A_PA, 2), sg_kva(SG_A2_PA + SG_SL_LIST));
	expect(R_SLAB_LIST, true);
	/* ... or at a slab of another cache. */
	rebuild();
	sg_wr(&g, sg_slab_head_pa(SG_CACHE_A_PA, 2), sg_kva(SG_C2_PA + SG_SL_LIST));
	expect(R_SLAB_LIST, true);
}

Test(slab, slab_list_wild_and_prev)
{
	sg_wr(&g, sg_slab_head_pa(SG_CACHE_B_PA, 0), 0x12345678);
	expect(R_SLAB_LIST, true);
	rebuild();
	sg_wr(&g, SG_A2_PA + SG_SL_LIST + 4, sg_kva(SG_A1_PA + SG_SL_LIST));
	expect(R_SLAB_LIST, true);
}

/* ---- slab.inuse, slab.count, the free chain */

Test(slab, inuse_off_by_one)
{
	sg_add32(&g, SG_A2_PA + SG_SL_INUSE, 1);
	expect(R_SLAB_INUSE, true);
	rebuild();
	sg_wr(&g, SG_A2_PA + SG_SL_INUSE, 31);   /* above num */
	expect(R_SLAB_INUSE, true);
}

Test(slab, count_lost_object)
{
	/* Index 11 leaves the chain without being marked in use. */
	sg_set_bufctl(&g, SG_A2_PA, 10, 12);
	sg_add32(&g, SG_CACHE_A_PA + SG_KMC_NODE + SG_KMN_FREE_OBJS, -1);
	expect(R_SLAB_COUNT, true);
}

Test(slab, freelist_out_of_range)
{
	sg_set_bufctl(&g, SG_A2_PA, 29, 30);
	expect(R_SLAB_FREELIST_RANGE, true);
	rebuild();
	sg_wr(&g, SG_A3_PA + SG_SL_FREE, (sg_rd(&g, SG_A3_PA + SG_SL_FREE) & 0xffff0000u) | SG_BUFCTL_ACTIVE);
	expect(R_SLAB_FREELIST_RANGE, true);
}

Test(slab, freelist_duplicate)
{
	sg_set_bufctl(&g, SG_A2_PA, 29, 10);
	expect(R_SLAB_FREELIST_DUP, true);
	rebuild();
	sg_set_bufctl(&g, SG_C2_PA, 7, 3);   /* a short loop in the middle */
	expect(R_SLAB_FREELIST_DUP, true);
}

/* ---- slab.page, slab.colour, slab.nr_pages */

Test(slab, page_not_pg_slab)
{
	sg_flag(&g, 0x140a, SG_PG_slab, 0);
	expect(R_SLAB_PAGE, true);
}

Test(slab, page_points_elsewhere)
{
	sg_wr(&g, sg_page_pa(0x140d) + SG_P_MAPPING, sg_kva(SG_CACHE_A_PA));
	expect(R_SLAB_PAGE, true);
	rebuild();
	sg_wr(&g, sg_page_pa(0x140f) + SG_P_INDEX, sg_kva(SG_A1_PA));
	expect(R_SLAB_PAGE, true);
}

Test(slab, stray_pg_slab_page)
{
	sg_flag(&g, 0x301, SG_PG_slab, 1);
	expect(R_SLAB_PAGE, true);
}

Test(slab, slab_pages_shared_or_free)
{
	/* B1's buffers moved over A1's page: not B's page. */
	sg_wr(&g, SG_B1_PA + SG_SL_S_MEM, sg_kva(0x1409000));
	expect(R_SLAB_PAGE, true);
	/* ... or over a free block. */
	rebuild();
	sg_wr(&g, SG_B1_PA + SG_SL_S_MEM, sg_kva(0x1410000));
	expect(R_SLAB_PAGE, true);
	cr_assert(strstr(g.rep.v[0].detail, "free in the buddy allocator"), "%s", g.rep.v[0].detail);
	/* ... or beyond lowmem. */
	rebuild();
	sg_wr(&g, SG_B1_PA + SG_SL_S_MEM, sg_kva(0x1800000));
	expect(R_SLAB_PAGE, true);
}

Test(slab, colour_offset_and_layout)
{
	sg_wr(&g, SG_A2_PA + SG_SL_COLOUROFF, 32);        /* not a multiple of 64 */
	expect(R_SLAB_COLOUR, true);
	rebuild();
	sg_wr(&g, SG_C1_PA + SG_SL_COLOUROFF, 64 * 9);    /* colour 9: offsets 0 .. 8 x 64 */
	expect(R_SLAB_COLOUR, true);
	rebuild();
	sg_wr(&g, SG_A3_PA + SG_SL_COLOUROFF, 64);        /* the descriptor is at the page start */
	expect(R_SLAB_COLOUR, true);
	rebuild();
	sg_add32(&g, SG_A2_PA + SG_SL_S_MEM, 8);          /* s_mem != descriptor + slab_size */
	expect(R_SLAB_COLOUR, true);
	rebuild();
	sg_wr(&g, SG_B1_PA + SG_SL_COLOUROFF, 64);        /* off-slab: buffers would overrun */
	sg_add32(&g, SG_B1_PA + SG_SL_S_MEM, 64);
	expect(R_SLAB_COLOUR, true);
}

Test(slab, nr_slab_counters)
{
	sg_add32(&g, NORMAL_STAT(SG_STAT_SLAB_UNRECL), 1);
	expect(R_SLAB_NR_PAGES, true);
	rebuild();
	sg_add32(&g, NORMAL_STAT(SG_STAT_SLAB_RECL), -1);
	expect(R_SLAB_NR_PAGES, true);
}

/* ---- slab.active */

Test(slab, free_objects_counter)
{
	sg_add32(&g, SG_CACHE_A_PA + SG_KMC_NODE + SG_KMN_FREE_OBJS, 1);
	expect(R_SLAB_ACTIVE, true);
}

Test(slab, array_cache_entries)
{
	uint32_t e0 = sg_rd(&g, SG_AC_A_PA + SG_AC_ENTRY);

	sg_wr(&g, SG_AC_A_PA + SG_AC_ENTRY + 4, e0);                  /* twice */
	expect(R_SLAB_ACTIVE, true);
	rebuild();
	sg_wr(&g, SG_AC_A_PA + SG_AC_ENTRY, e0 + 8 * 128);            /* object 15: on the chain */
	expect(R_SLAB_ACTIVE, true);
	rebuild();
	sg_wr(&g, SG_AC_A_PA + SG_AC_ENTRY, e0 + 4);                  /* inside a buffer */
	expect(R_SLAB_ACTIVE, true);
	rebuild();
	sg_wr(&g, SG_AC_A_PA + SG_AC_ENTRY, sg_kva(0x1408800));       /* in no slab */
	expect(R_SLAB_ACTIVE, true);
}

/* ---- slab.redzone, slab.poison */

static uint64_t c1_buf(unsigned i)
{
	return sg_buf_pa(&g, SG_C1_PA, SG_CACHE_C_PA, i);
}

Test(slab, redzone_of_an_in_use_object)
{
	g.ram[c1_buf(3) + 8 + 40] = 0x41;     /* one byte past the object */
	expect(R_SLAB_REDZONE, true);
	rebuild();
	g.ram[c1_buf(3) + 7] = 0;             /* just before it */
	expect(R_SLAB_REDZONE, true);
}

Test(slab, redzone_of_free_objects)
{
	sg_wr64(&g, c1_buf(30), SG_RED_ACTIVE);        /* on the chain */
	expect(R_SLAB_REDZONE, true);
	rebuild();
	sg_wr64(&g, c1_buf(18) + 48, SG_RED_ACTIVE);   /* in the array cache */
	expect(R_SLAB_REDZONE, true);
}

Test(slab, poison_of_free_objects)
{
	g.ram[c1_buf(30) + 8 + 5] = 0;                 /* on the chain */
	expect(R_SLAB_POISON, true);
	cr_assert(strstr(g.rep.v[0].detail, "byte 5 is 0, not 0x6b: written after free"), "%s",
		  g.rep.v[0].detail);
	rebuild();
	g.ram[c1_buf(19) + 8 + 20] ^= 1;               /* in the array cache */
	expect(R_SLAB_POISON, true);
	cr_assert(strstr(g.rep.v[0].detail, "in an array cache"), "%s", g.rep.v[0].detail);
	rebuild();
	g.ram[sg_buf_pa(&g, SG_C2_PA, SG_CACHE_C_PA, 59) + 8 + 39] = SG_POISON_FREE;   /* POISON_END */
	expect(R_SLAB_POISON, true);
}

Test(slab, in_use_objects_are_not_poison_checked)
{
	memset(g.ram + c1_buf(2) + 8, 0x77, 40);
	sg_check(&g);
	cr_assert_eq(g.rep.total, 0);
}

/* ---- robustness */

Test(slab, random_bytes_in_the_slab_world, .timeout = 60)
{
	for (u32 seed = 1; seed <= 300; seed++) {
		struct rnd_state rnd;

		prandom_seed_state(&rnd, seed);
		rebuild();
		for (int i = 0; i < 40; i++) {
			uint64_t x = prandom_u64_state(&rnd), pa;

			/* the structures (page 0x1408), descriptors, pages' slab fields */
			switch (x % 4) {
			case 0: pa = SG_SLABPG_PA + (x >> 8) % 0x400; break;
			case 1: pa = 0x1409000 + (x >> 8) % (7 * 4096); break;
			case 2: pa = sg_page_pa(0x1408) + (x >> 8) % (8 * SG_PAGE_SIZE); break;
			default: pa = SG_GLOBALS_PA + SG_G_SLAB_CACHES + (x >> 8) % 0x50; break;
			}
			g.ram[pa] ^= (uint8_t)(x >> 32 | 1);
		}
		sg_check(&g);
		free(slabinfo());
	}
}

Test(slab, plausible_garbage_pointers, .timeout = 60)
{
	/* Every word of the cache structs and descriptors becomes a pointer to
	 * another one of them: lists that go everywhere but never end. */
	static const uint32_t targets[] = { SG_CACHE_A_PA + SG_KMC_LIST, SG_CACHE_B_PA + SG_KMC_LIST,
		SG_CACHE_C_PA + SG_KMC_LIST, SG_A1_PA + SG_SL_LIST, SG_A2_PA + SG_SL_LIST,
		SG_A3_PA + SG_SL_LIST, SG_C1_PA + SG_SL_LIST, SG_B1_PA + SG_SL_LIST };
	struct rnd_state rnd;

	prandom_seed_state(&rnd, 1);
	for (int round = 0; round < 50; round++) {
		rebuild();
		for (uint32_t off = 0; off < 0x340; off += 4) {
			u32 x = prandom_u32_state(&rnd);

			if (x % 3 == 0)
				sg_wr(&g, SG_SLABPG_PA + off, sg_kva(targets[x % 8]));
		}
		for (size_t t = 3; t < 8; t++)
			sg_wr(&g, targets[t], sg_kva(targets[prandom_u32_state(&rnd) % 8]));
		sg_check(&g);
		cr_assert(g.rep.total > 0);
	}
}

/* ---- page tables ------------------------------------------------------------ */

Test(check, pml4_extra_entry)
{
	sg_wr64(&g, SG_PML4_PA + 8, SG_PDPT_PA | PT_P | PT_RW | PT_US);
	expect(R_PT_EXTRA, true);
}

Test(check, pdpt_extra_entry)
{
	sg_wr64(&g, SG_PDPT_PA + 5 * 8, SG_KPD_PA | PT_P | PT_RW | PT_US);
	expect(R_PT_EXTRA, true);
}

Test(check, table_outside_ram)
{
	/* A vmalloc-area PDE pointing at a page table beyond RAM. */
	sg_wr64(&g, SG_KPD_PA + 100 * 8, (64ull << 20) | SG_KPTE);
	expect(R_PT_RAM, true);
}

Test(check, table_in_the_isa_hole)
{
	sg_wr64(&g, SG_KPD_PA + 100 * 8, 0xb0000ull | SG_KPTE);
	expect(R_PT_RAM, true);
}

Test(check, edge_pte_not_table)
{
	sg_flag(&g, SG_EDGE_PT_PA >> 12, SG_PG_table, 0);
	expect(R_PT_TABLE, true);
}

Test(check, direct_map_hole_in_edge_pt)
{
	sg_wr64(&g, SG_EDGE_PT_PA + 17 * 8, 0);
	expect(R_PT_DIRECTMAP, true);
}

Test(check, direct_map_pde_missing)
{
	sg_wr64(&g, SG_KPD_PA + 3 * 8, 0);
	expect(R_PT_DIRECTMAP, true);
}

Test(check, direct_map_shifted_pte)
{
	sg_wr64(&g, SG_EDGE_PT_PA + 17 * 8, sg_rd64(&g, SG_EDGE_PT_PA + 17 * 8) + 4096);
	expect(R_PT_DIRECTMAP, true);
}

Test(check, user_bit_on_kernel_pte)
{
	sg_wr64(&g, SG_EDGE_PT_PA + 3 * 8, sg_rd64(&g, SG_EDGE_PT_PA + 3 * 8) | PT_US);
	expect(R_PT_USER, true);
}

/* vmalloc never makes 2 MiB pages: one in its range is an orphan mapping
 * (and a free page under it is for that rule to name, not pt.freed). */
Test(check, two_mib_leaf_in_the_vmalloc_range_is_an_orphan)
{
	/* pfns 0xc00-0xdff are one free order-10 block... 2 MiB at 0xc00000. */
	sg_wr64(&g, SG_KPD_PA + 100 * 8, 0xc00000ull | SG_KPTE | PT_PS);
	expect(R_VMALLOC_ORPHAN, true);
}

Test(check, freed_pcp_page_mapped)
{
	sg_wr64(&g, SG_FIX_PT_PA + 200 * 8, ((uint64_t)0x1402 << 12) | SG_KPTE);
	expect(R_PT_FREED, true);
}

Test(check, allocated_page_mapped_is_fine)
{
	sg_wr64(&g, SG_FIX_PT_PA + 200 * 8, ((uint64_t)0x301 << 12) | SG_KPTE);
	sg_check(&g);
	if (g.rep.total)
		dump();
	cr_assert_eq(g.rep.total, 0);
}

Test(check, reserved_bits_each_level)
{
	const struct { uint64_t pa, bit; } cases[] = {
		{ SG_PML4_PA, PT_PS },                       /* PS is reserved in a PML4E */
		{ SG_KPD_PA + 2 * 8, 1ull << 13 },           /* 2 MiB PDE bits 20:13 */
		{ SG_EDGE_PT_PA + 9 * 8, PT_NX },            /* NX without EFER.NXE */
		{ SG_PDPT_PA + 3 * 8, PT_NX },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sg_free(&g);
		cr_assert_eq(sg_build(&g), 0);
		sg_wr64(&g, cases[i].pa, sg_rd64(&g, cases[i].pa) | cases[i].bit);
		expect(R_PT_RESERVED, true);
	}
}

Test(check, maxphyaddr_bits_reserved)
{
	g.in.pt.maxphyaddr = 36;
	sg_wr64(&g, SG_EDGE_PT_PA + 9 * 8, sg_rd64(&g, SG_EDGE_PT_PA + 9 * 8) | (1ull << 40));
	expect(R_PT_RESERVED, true);
}

Test(check, nx_is_fine_with_nxe)
{
	g.in.pt.nxe = true;
	sg_wr64(&g, SG_EDGE_PT_PA + 9 * 8, sg_rd64(&g, SG_EDGE_PT_PA + 9 * 8) | PT_NX);
	sg_check(&g);
	cr_assert_eq(g.rep.total, 0);
}

Test(check, pdpte_1g)
{
	sg_wr64(&g, SG_PDPT_PA + 3 * 8, sg_rd64(&g, SG_PDPT_PA + 3 * 8) | PT_PS);
	expect(R_PT_1G, true);
}

/* ---- robustness -------------------------------------------------------------- */

Test(check, long_cycle_through_every_block_terminates)
{
	/* Chain every buddy head of HighMem order 10 into one ring without the
	 * head, then make the last point at the first. */
	sg_wr(&g, sg_page_pa(0x1c00) + SG_P_LRU, sg_lru_va(0x1800));
	expect(R_BUDDY_CYCLE, false);
}

Test(check, fuzz_never_crashes, .timeout = 60)
{
	for (uint64_t seed = 1; seed <= 40; seed++) {
		sg_free(&g);
		cr_assert_eq(sg_build(&g), 0);
		cr_assert(insp_fuzz(&g.in, 2000, seed) > 1000);
		sg_check(&g);
		/* Also the views, which read the same untrusted state. */
		FILE *f = fopen("/dev/null", "w");
		insp_view_buddyinfo(&g.in, f);
		insp_view_zoneinfo(&g.in, f);
		insp_view_meminfo(&g.in, f);
		insp_view_vmstat(&g.in, f);
		for (uint64_t pfn = 0; pfn < SG_NPFN; pfn += 97)
			insp_view_page(&g.in, pfn, f);
		fclose(f);
	}
}

Test(check, random_garbage_everywhere, .timeout = 60)
{
	/* Worse than flips: fill mem_map and the zones with random words. */
	struct rnd_state rnd;

	prandom_seed_state(&rnd, 1);
	for (uint64_t pa = SG_MEMMAP_PA; pa < SG_MEMMAP_PA + SG_NPFN * SG_PAGE_SIZE; pa += 4)
		sg_wr(&g, pa, prandom_u32_state(&rnd));
	for (uint64_t pa = SG_PGDAT_PA; pa < SG_PGDAT_PA + SG_PGDAT_SIZE; pa += 4) {
		u32 s = prandom_u32_state(&rnd);

		if (pa % 8 == 0)
			sg_wr(&g, pa, sg_page_va(s % SG_NPFN) + SG_P_LRU);  /* plausible pointers */
		else
			sg_wr(&g, pa, s);
	}
	sg_check(&g);
	cr_assert(g.rep.total > 0);
	cr_assert(g.rep.nr <= g.rep.store_max);
}

/* ---- reports, benchmark, command line ---------------------------------------- */

Test(check, report_text_json_and_cap)
{
	struct insp_report r;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	json_t *j;
	json_int_t rules, total, align, user;
	double ms;
	const char *rule[2], *place[2], *detail[2];

	insp_report_init(&r, 2);
	insp_report_add(&r, R_BUDDY_ALIGN, "pfn 0x1a2c0 order 3", "pfn not aligned to %d", 8);
	insp_report_add(&r, R_PT_USER, "PTE for va 0xc0001000", "has \"U\"");
	insp_report_add(&r, R_PT_USER, "x", "stored? no");
	cr_assert_eq(r.total, 3);
	cr_assert_eq(r.nr, 2);
	cr_assert_eq(r.per_rule[R_PT_USER], 2);
	f = open_memstream(&buf, &len);
	insp_report_print(&r, f, 1);
	fclose(f);
	cr_assert_str_eq(buf, "buddy.align: pfn 0x1a2c0 order 3: pfn not aligned to 8\n"
			 "... and 2 more violations\n");
	free(buf);
	j = reread_json(insp_report_json(&r));
	assert_unpack(j, "{s:I,s:I,s:F,s:{s:I,s:I!},s:[{s:s,s:s,s:s!},{s:s,s:s,s:s!}!]!}",
		      "rules", &rules, "violations", &total, "ms", &ms,
		      "by_rule", "buddy.align", &align, "pt.user", &user,
		      "list", "rule", &rule[0], "place", &place[0], "detail", &detail[0],
		      "rule", &rule[1], "place", &place[1], "detail", &detail[1]);
	cr_assert_eq(rules, 2);
	cr_assert_eq(total, 3);
	cr_assert_eq(align, 1);
	cr_assert_eq(user, 2);
	cr_assert_str_eq(rule[0], "buddy.align");
	cr_assert_str_eq(place[0], "pfn 0x1a2c0 order 3");
	cr_assert_str_eq(detail[0], "pfn not aligned to 8");
	cr_assert_str_eq(rule[1], "pt.user");
	cr_assert_str_eq(detail[1], "has \"U\"");
	json_decref(j);
	cr_assert_eq(insp_rule_find("pt.freed"), R_PT_FREED);
	cr_assert_eq(insp_rule_find("pt.nope"), -1);
	for (int i = 0; i < R_NR; i++)
		cr_assert(insp_rules[i].name && insp_rules[i].desc, "rule %d has a name", i);
	insp_report_free(&r);
}

/* A place or detail may hold what a corrupted guest wrote: the JSON reads
 * back to the same text, each byte that is not UTF-8 as U+FFFD. */
Test(check, report_json_reads_back_any_bytes)
{
	const char place[] = "cache \"q\\ \x01\x1f\x7f\xc3\xa9";
	const char detail[] = "name \xff\xc3\xa9 \"x\" \\n\t\xc0";
	struct insp_report r;
	json_t *j, *list;
	json_int_t more;
	const char *p, *d;

	insp_report_init(&r, 100);
	for (int i = 0; i < INSP_SAME_PLACE_MAX + 2; i++)
		insp_report_add(&r, R_SLAB_CACHE, place, "%s", detail);
	insp_report_flush(&r);
	j = reread_json(insp_report_json(&r));
	list = json_object_get(j, "list");
	cr_assert_eq(json_array_size(list), INSP_SAME_PLACE_MAX + 1);
	assert_unpack(json_array_get(list, 0), "{s:s,s:s}", "place", &p, "detail", &d);
	cr_assert_str_eq(p, place);
	cr_assert_str_eq(d, "name \xef\xbf\xbd\xc3\xa9 \"x\" \\n\t\xef\xbf\xbd");
	/* The summary line stands for the two not kept. */
	assert_unpack(json_array_get(list, INSP_SAME_PLACE_MAX), "{s:s,s:I}", "place", &p,
		      "more", &more);
	cr_assert_str_eq(p, place);
	cr_assert_eq(more, 2);
	json_decref(j);
	insp_report_free(&r);
}

/* ---- vmalloc (the areas A, C and B of synth_guest.h) ---------------------------- */

/* The rule fires alone, with this detail first. */
static void expect_detail(enum insp_rule r, const char *place, const char *detail)
{
	expect(r, true);
	cr_assert_str_eq(g.rep.v[0].place, place);
	cr_assert_str_eq(g.rep.v[0].detail, detail);
}

Test(check, vmalloc_guard_page_mapped)
{
	sg_wr64(&g, SG_VM_PT_PA + 1 * 8, (0x301ull << 12) | SG_KPTE);
	expect_detail(R_VMALLOC_GUARD, "vmalloc va 0xc1801000",
		      "the guard page of the area [0xc1800000, 0xc1802000) maps pa 0x301000");
}

Test(check, vmalloc_lazily_freed_area_still_mapped)
{
	sg_wr64(&g, SG_VM_PT_PA + 3 * 8, (0x301ull << 12) | SG_KPTE);
	expect_detail(R_VMALLOC_LAZY, "vmalloc va 0xc1803000",
		      "maps pa 0x301000 but its area [0xc1802000, 0xc1805000) was freed (purge pending)");
}

Test(check, vmalloc_lazy_nr_counts_the_lazy_pages)
{
	sg_wr(&g, SG_GLOBALS_PA + SG_G_VMAP_LAZY_NR, 4);
	expect_detail(R_VMALLOC_LAZY, "vmap_lazy_nr", "4, but the lazily freed areas hold 3 pages");
}

Test(check, vmalloc_orphan_pte)
{
	sg_wr64(&g, SG_VM_PT_PA + 100 * 8, (0x301ull << 12) | SG_KPTE);
	expect_detail(R_VMALLOC_ORPHAN, "vmalloc va 0xc1864000", "maps pa 0x301000 but is in no "
		      "vmalloc area");
}

Test(check, vmalloc_page_unmapped)
{
	sg_wr64(&g, SG_VM_PT_PA + 6 * 8, 0);
	expect_detail(R_VMALLOC_PAGE, "vmap_area 0xc1407080",
		      "[0xc1805000, 0xc1808000): 1 of its 2 pages are mapped");
}

Test(check, vmalloc_page_mapped_is_free)
{
	sg_wr64(&g, SG_VM_PT_PA, (0xc00ull << 12) | SG_KPTE);
	expect_detail(R_VMALLOC_PAGE, "vmalloc va 0xc1800000", "page 0 of the area [0xc1800000, "
		      "0xc1802000) maps pfn 0xc00, which is free in the buddy allocator");
}

Test(check, vmalloc_vm_struct_disagrees)
{
	sg_wr(&g, SG_VM_A + SG_VMS_SIZE, 0x3000);
	expect_detail(R_VMALLOC_LIST, "vmap_area 0xc1407000",
		      "[0xc1800000, 0xc1802000) but its vm_struct 0xc1407100 says addr 0xc1800000 size "
		      "0x3000");
}

Test(check, vmalloc_nr_pages_disagrees)
{
	sg_wr(&g, SG_VM_B + SG_VMS_NR, 3);
	expect_detail(R_VMALLOC_PAGE, "vmap_area 0xc1407080", "[0xc1805000, 0xc1808000): nr_pages "
		      "3, the area holds 2 pages and a guard page");
}

/* A list that cannot be followed is one violation, and no PTE rule runs. */
Test(check, vmalloc_broken_list_stops_the_walk)
{
	sg_wr(&g, SG_VA_C + 0, SG_PO + 0x7fff000);   /* C.next beyond lowmem */
	sg_wr64(&g, SG_VM_PT_PA + 100 * 8, (0x301ull << 12) | SG_KPTE);
	expect_detail(R_VMALLOC_LIST, "vmap_area_list",
		      "entry 0xc7fff000 after 0xc1407040 is not a struct vmap_area in lowmem");
	cr_assert_eq(g.rep.rules_run & (1ull << R_VMALLOC_ORPHAN), 0);
}

/* A PTE with reserved bits at the first PTE of the chunk (area A's page 0,
 * NX without EFER.NXE) is pt.reserved's alone: the rest of the chunk is
 * still scanned, so the orphan beside it is reported, and area A still
 * counts its page. */
Test(check, vmalloc_reserved_pte_hides_nothing_else)
{
	sg_wr64(&g, SG_VM_PT_PA, sg_rd64(&g, SG_VM_PT_PA) | PT_NX);
	sg_wr64(&g, SG_VM_PT_PA + 100 * 8, (0x301ull << 12) | SG_KPTE);
	sg_check(&g);
	if (g.rep.total != 2)
		dump();
	cr_assert_eq(g.rep.total, 2);
	cr_assert_eq(sg_count(&g, R_PT_RESERVED), 1);
	cr_assert_eq(sg_count(&g, R_VMALLOC_ORPHAN), 1);
	for (size_t i = 0; i < g.rep.nr; i++)
		if (g.rep.v[i].rule == R_VMALLOC_ORPHAN) {
			cr_assert_str_eq(g.rep.v[i].place, "vmalloc va 0xc1864000");
			cr_assert_str_eq(g.rep.v[i].detail, "maps pa 0x301000 but is in no vmalloc area");
		}
}

/* A PDE pointing outside RAM: pt.ram reports it, and the areas under it make
 * no claim about their pages (no vmalloc.page). */
Test(check, vmalloc_pde_outside_ram_is_pt_rams_alone)
{
	sg_wr64(&g, SG_KPD_PA + ((SG_VM_START >> 21) & 511) * 8, (64ull << 20) | SG_KPTE);
	expect(R_PT_RAM, true);
	cr_assert(g.rep.rules_run & (1ull << R_VMALLOC_PAGE));
}

/* A vmalloc area's PTE maps another page than its pages[] says (vfree
 * would free the wrong one). */
Test(check, vmalloc_pte_is_not_its_pages_entry)
{
	sg_wr(&g, SG_VM_A_PAGES, SG_PO + SG_MEMMAP_PA + 0x302 * SG_PAGE_SIZE);
	expect_detail(R_VMALLOC_PAGE, "vmalloc va 0xc1800000", "page 0 of the area [0xc1800000, "
		      "0xc1802000) maps pfn 0x301 (struct page 0xc0207828), but its pages[0] is "
		      "0xc0207850");
}

/* One page in two vmalloc areas: each vfree would free it. */
Test(check, vmalloc_page_in_two_areas)
{
	/* B becomes a vmalloc area whose page 1 is A's page 0. */
	sg_wr(&g, SG_VM_B + SG_VMS_FLAGS, 0x2);
	sg_wr(&g, SG_VM_B + SG_VMS_PAGES, SG_PO + SG_VM_A_PAGES + 0x10);
	sg_wr(&g, SG_VM_A_PAGES + 0x10, SG_PO + SG_MEMMAP_PA + 0x1404 * SG_PAGE_SIZE);
	sg_wr(&g, SG_VM_A_PAGES + 0x14, SG_PO + SG_MEMMAP_PA + 0x301 * SG_PAGE_SIZE);
	sg_wr64(&g, SG_VM_PT_PA + 6 * 8, (0x301ull << 12) | SG_KPTE);
	expect_detail(R_VMALLOC_PAGE, "vmalloc va 0xc1806000", "page 1 of the area [0xc1805000, "
		      "0xc1808000) maps pfn 0x301, which vmalloc va 0xc1800000 maps too: two vmalloc "
		      "pages cannot own one page");
}

/* A vmap area has no pages[]: its pages are the caller's, never compared. */
Test(check, vmalloc_vmap_has_no_page_array)
{
	sg_wr(&g, SG_VM_B + SG_VMS_PAGES, 0);
	sg_check(&g);
	cr_assert_eq(g.rep.total, 0);
}

Test(check, vmalloc_page_array_unreadable)
{
	sg_wr(&g, SG_VM_A + SG_VMS_PAGES, 0xffbfe000);
	expect_detail(R_VMALLOC_PAGE, "vmap_area 0xc1407000", "[0xc1800000, 0xc1802000): its page "
		      "array at 0xffbfe000 (1 entries) cannot be read");
}

/* The vmalloc range's page tables are PG_table like every other. */
Test(check, vmalloc_page_table_is_pg_table)
{
	sg_flag(&g, SG_VM_PT_PA >> 12, SG_PG_table, 0);
	expect_detail(R_PT_TABLE, "pfn 0x1406", "page table table for va 0xc1800000 is not PG_table "
		      "(flags 0)");
}

Test(check, vmalloc_area_outside_the_range)
{
	sg_wr(&g, SG_VA_A + SG_VA_VM_START, 0xc1700000);
	sg_wr(&g, SG_VM_A + SG_VMS_ADDR, 0xc1700000);
	expect_detail(R_VMALLOC_LIST, "vmap_area 0xc1407000", "[0xc1700000, 0xc1802000) is not a "
		      "page-aligned range inside the vmalloc range [0xc1800000, 0xffbfe000)");
}

Test(check, bench_on_the_synthetic_guest)
{
	struct insp_bench b;

	insp_bench(&g.in, 3, &b);
	cr_assert_eq(b.violations, 0);
	cr_assert_eq(b.table_pages, 7);
	cr_assert_eq(b.bytes, SG_NPFN * SG_PAGE_SIZE + 7 * 4096);
	cr_assert(b.check_ms > 0 && b.read_ms > 0);
}

static struct vmm_opts o;
static char cerr[256];

static enum cli_action parse(int argc, const char **argv)
{
	char *copy[16];

	for (int i = 0; i < argc; i++)
		copy[i] = (char *)argv[i];
	copy[argc] = NULL;
	return cli_parse(argc, copy, &o, cerr, sizeof(cerr));
}

#define PARSE(...) ({ const char *av[] = { "vmm", __VA_ARGS__ }; parse(sizeof(av) / sizeof(av[0]), av); })

Test(cli, inspector_options)
{
	cr_assert_eq(PARSE("--check", "g.elf"), CLI_RUN);
	cr_assert(o.inspect.check);
	cr_assert(inspector_wanted(&o.inspect));
	cr_assert_eq(PARSE("g.elf"), CLI_RUN);
	cr_assert(!inspector_wanted(&o.inspect));

	cr_assert_eq(PARSE("--corrupt", "pte-user@7", "g.elf"), CLI_RUN);
	cr_assert_str_eq(o.inspect.corrupt, "pte-user");
	cr_assert_eq(o.inspect.corrupt_at, 7);
	cr_assert(o.inspect.check, "--corrupt implies --check");
	cr_assert_eq(PARSE("--corrupt", "directmap", "g.elf"), CLI_RUN);
	cr_assert_eq(o.inspect.corrupt_at, 1);

	cr_assert_eq(PARSE("--fuzz", "1000@0x10", "g.elf"), CLI_RUN);
	cr_assert_eq(o.inspect.fuzz_flips, 1000);
	cr_assert_eq(o.inspect.fuzz_seed, 16);
	cr_assert_eq(PARSE("--check-json", "/tmp/x.json", "--show", "meminfo,buddyinfo",
			   "--check-bench", "5", "g.elf"), CLI_RUN);
	cr_assert_str_eq(o.inspect.json, "/tmp/x.json");
	cr_assert_str_eq(o.inspect.show, "meminfo,buddyinfo");
	cr_assert_eq(o.inspect.bench_reps, 5);
	cr_assert_eq(PARSE("--list-corruptions"), CLI_LIST_CORRUPTIONS);
}

Test(cli, inspector_option_errors)
{
	static const struct { const char *opt, *arg, *msg; } bad[] = {
		{ "--corrupt", "nope", "--corrupt: unknown kind 'nope'" },
		{ "--corrupt", "nr-free@", "--corrupt: checkpoint '' is not a number" },
		{ "--corrupt", "nr-free@0", "is not a number from 1" },
		{ "--corrupt", "@3", "--corrupt: expected KIND[@N]" },
		{ "--fuzz", "0", "--fuzz: expected FLIPS[@SEED]" },
		{ "--fuzz", "10x", "--fuzz: expected FLIPS[@SEED]" },
		{ "--fuzz", "10@z", "--fuzz: seed 'z' is not a number" },
		{ "--show", "buddyinfo,,x", "--show: unknown view ''" },
		{ "--show", "", "--show needs a list of views" },
		{ "--check-bench", "0", "--check-bench: '0' is not a number" },
		{ "--check-json", "", "--check-json needs a file name" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(PARSE(bad[i].opt, bad[i].arg, "g.elf"), CLI_ERROR, "%s %s", bad[i].opt,
			     bad[i].arg);
		cr_assert(strstr(cerr, bad[i].msg), "%s %s: %s", bad[i].opt, bad[i].arg, cerr);
	}
}

/* ---- Address spaces (check_vm.c) on the synthetic mm (sg_vm_world) ------------ */

#define SG_MM_VA (SG_PO + SG_MM_PA)

Test(check, vm_vma_list_broken_or_miscounted)
{
	sg_wr(&g, SG_VMA_B_PA + SG_VMA_LIST + 4, 0x12345678);   /* B's prev */
	expect_detail(R_VM_VMA, "mm 0xc1420000", "VMA 0xc1420140: prev is 0x12345678, expected "
		      "0xc142010c");
	rebuild();
	sg_wr(&g, SG_VMA_B_PA + SG_VMA_START, 0x08049000);      /* inside A */
	expect_detail(R_VM_VMA, "mm 0xc1420000", "VMA 0xc1420140 [0x8049000, 0x8101000) overlaps or "
		      "precedes the one before it, which ends at 0x804a000");
	rebuild();
	sg_wr(&g, SG_VMA_B_PA + SG_VMA_END, SG_PO + 4096);      /* beyond TASK_SIZE */
	expect(R_VM_VMA, true);
	rebuild();
	sg_add32(&g, SG_MM_PA + SG_MM_TOTAL_VM, 1);
	expect_detail(R_VM_VMA, "mm 0xc1420000", "map_count 2, total_vm 4; the list holds 2 VMAs of "
		      "3 pages");
}

Test(check, vm_pte_outside_every_vma)
{
	sg_wr64(&g, SG_UPT_PA + 0x4a * 8, ((uint64_t)SG_ZERO_PFN << 12) | PT_P | PT_US | PT_A);
	expect_detail(R_VM_PTE, "mm 0xc1420000 va 0x804a000", "PTE 0x107025 maps pfn 0x107 but the "
		      "address is in no VMA");
}

Test(check, vm_rights_beyond_the_vma)
{
	/* Writable in the read-only VMA B (the zero page, too). */
	sg_wr64(&g, SG_UPT_PA + 0x100 * 8, sg_rd64(&g, SG_UPT_PA + 0x100 * 8) | PT_RW);
	expect_detail(R_VM_RIGHTS, "mm 0xc1420000 va 0x8100000", "PTE 0x107027 is writable in VMA "
		      "[0x8100000, 0x8101000) without VM_WRITE (flags 0x1)");
	rebuild();
	/* The zero page writable where writes are allowed. */
	sg_wr64(&g, SG_UPT_PA + 0x49 * 8, ((uint64_t)SG_ZERO_PFN << 12) | PT_P | PT_RW | PT_US | PT_A);
	expect_detail(R_VM_RIGHTS, "mm 0xc1420000 va 0x8049000", "the zero page is mapped writable");
	rebuild();
	/* A supervisor entry in the user half. */
	sg_wr64(&g, SG_UPT_PA + 0x48 * 8, sg_rd64(&g, SG_UPT_PA + 0x48 * 8) & ~PT_US);
	expect(R_VM_RIGHTS, true);
}

Test(check, vm_page_free_or_mapcount_wrong)
{
	/* A second PTE on the task's page: mapcount 1, two PTEs. */
	sg_wr64(&g, SG_UPT_PA + 0x49 * 8, ((uint64_t)SG_UPAGE_PFN << 12) | PT_P | PT_RW | PT_US | PT_A);
	sg_add32(&g, SG_MM_PA + SG_MM_RSS, 1);
	sg_add32(&g, sg_zone_pa(1) + SG_Z_VMSTAT + 4 * SG_STAT_ANON, 1);
	sg_add32(&g, SG_GLOBALS_PA + SG_G_ZONE_STAT + 4 * SG_STAT_ANON, 1);
	expect_detail(R_VM_PAGE, "pfn 0x1425", "mapcount 1, 2 user PTEs map it");
	rebuild();
	/* The zero page with a mapcount. */
	sg_wr(&g, sg_page_pa(SG_ZERO_PFN) + SG_P_MAPCOUNT, 1);
	expect_detail(R_VM_PAGE, "pfn 0x107", "mapcount 1, 0 user PTEs map it (the zero page)");
	rebuild();
	/* A PTE on a free page (0x1430 is in a free block). */
	sg_wr64(&g, SG_UPT_PA + 0x48 * 8, (0x1430ull << 12) | PT_P | PT_RW | PT_US | PT_A);
	sg_wr(&g, sg_page_pa(SG_UPAGE_PFN) + SG_P_MAPCOUNT, 0);
	expect_detail(R_VM_PAGE, "mm 0xc1420000 va 0x8048000", "maps pfn 0x1430, which is free in "
		      "the buddy allocator");
	rebuild();
	/* A mapping counted that no PTE holds (page_remove_rmap lost). */
	sg_wr(&g, sg_page_pa(0x1408) + SG_P_MAPCOUNT, 1);
	expect_detail(R_VM_PAGE, "pfn 0x1408", "mapcount 1, 0 user PTEs map it");
}

Test(check, vm_page_tables_flagged_and_counted)
{
	sg_flag(&g, SG_UPT_PA >> 12, SG_PG_table, 0);
	expect_detail(R_VM_TABLE, "mm 0xc1420000", "the PT of 0x8000000 (pfn 0x1424) is not PG_table");
	rebuild();
	sg_add32(&g, SG_MM_PA + SG_MM_NR_PTES, 1);
	expect_detail(R_VM_TABLE, "mm 0xc1420000", "nr_ptes 3, its page tables are 2 pages");
	rebuild();
	sg_add32(&g, SG_GLOBALS_PA + SG_G_ZONE_STAT + 4 * SG_STAT_PAGETABLE, 1);
	expect_detail(R_VM_TABLE, "nr_page_table_pages", "3, the address spaces' page tables are 2 "
		      "pages");
}

Test(check, vm_rss_counts_pages_of_their_own)
{
	sg_add32(&g, SG_MM_PA + SG_MM_RSS, 1);
	expect_detail(R_VM_RSS, "mm 0xc1420000", "anon RSS 2, 1 PTEs hold pages of their own");
	rebuild();
	sg_add32(&g, SG_GLOBALS_PA + SG_G_ZONE_STAT + 4 * SG_STAT_ANON, -1);
	expect_detail(R_VM_RSS, "nr_anon_pages", "0, the address spaces map 1 pages of their own");
	rebuild();
	/* A PROT_NONE PTE (global bit, not present) in a VMA with no access
	 * still holds its page: A made PROT_NONE. */
	sg_wr(&g, SG_VMA_A_PA + SG_VMA_FLAGS, 0);
	sg_wr64(&g, SG_UPT_PA + 0x48 * 8, ((uint64_t)SG_UPAGE_PFN << 12) | PT_G | PT_A);
	sg_check(&g);
	cr_assert_eq(g.rep.total, 0);
}

/* The states the kernel cannot handle: a non-zero entry that is neither
 * present nor PROT_NONE (it would be zapped as a page), PROT_NONE where
 * the VMA allows access (the fault would never resolve), a global user
 * entry (it would survive a CR3 switch). */
Test(check, vm_pte_states_the_kernel_cannot_handle)
{
	sg_wr64(&g, SG_UPT_PA + 0x49 * 8, (0x1430ull << 12) | PT_A);
	expect_detail(R_VM_PTE, "mm 0xc1420000 va 0x8049000", "PTE 0x1430020 is neither empty, "
		      "present nor PROT_NONE: the kernel would take it for a page");
	rebuild();
	sg_wr64(&g, SG_UPT_PA + 0x49 * 8, ((uint64_t)SG_ZERO_PFN << 12) | PT_G | PT_A);
	expect_detail(R_VM_RIGHTS, "mm 0xc1420000 va 0x8049000", "PTE 0x107120 is PROT_NONE in VMA "
		      "[0x8048000, 0x804a000), which allows access (flags 0x3)");
	rebuild();
	sg_wr64(&g, SG_UPT_PA + 0x48 * 8, sg_rd64(&g, SG_UPT_PA + 0x48 * 8) | PT_G);
	expect_detail(R_VM_RIGHTS, "mm 0xc1420000 va 0x8048000", "PTE 0x1425167 is global: its "
		      "translation would outlive a switch to another address space");
}

Test(check, vm_kernel_pd_shared)
{
	sg_wr64(&g, SG_UPGD_PA + 3 * 8, SG_KPD_PA + 4096 + (PT_P | PT_RW | PT_US | PT_A));
	expect_detail(R_VM_KERNEL_PD, "mm 0xc1420000", "PDPT entry 3 is 0x10d027, swapper_pg_dir's is "
		      "0x10c027");
	rebuild();
	sg_wr64(&g, SG_UPGD_PA + 4096, SG_PDPT_PA | PT_P | PT_RW | PT_US | PT_A);
	expect_detail(R_VM_KERNEL_PD, "mm 0xc1420000", "PML4 entry 0 is 0x10a027, not the pgd at pa "
		      "0x1422000");
}

Test(check, vm_mm_list_broken)
{
	sg_wr(&g, SG_MM_PA + SG_MM_MMLIST, 0x12345678);
	expect_detail(R_VM_VMA, "mm_list", "entry 0x12345678 after 0xc142001c is not an mm_struct in "
		      "lowmem");
}
