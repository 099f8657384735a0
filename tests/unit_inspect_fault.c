/*
 * The fault-injection controls (host/inspect/fault.c) on the synthetic
 * guest, whose fault_attr and fail_page_alloc_attr are shuffled like its
 * other structures: every key set and shown, every refusal with its exact
 * message and nothing written, cache= over the synthetic slab world, off,
 * show's exact format; and the real guest.elf's note and symbols, whose
 * control blocks must be where the image has them.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "elf_load.h"
#include "synth_guest.h"

static struct sg g;

static void setup(void)
{
	cr_assert_eq(sg_build(&g), 0);
}

static void teardown(void)
{
	sg_free(&g);
}

TestSuite(fault, .init = setup, .fini = teardown);

#define FPA_PA (SG_GLOBALS_PA + SG_G_FAIL_PAGE_ALLOC)
#define FPA_ATTR_PA (FPA_PA + SG_FPA_ATTR)
#define FS_PA (SG_GLOBALS_PA + SG_G_FAILSLAB)
#define FS_ATTR_PA (FS_PA + SG_FS_ATTR)
#define MARK_ALL_PA (SG_GLOBALS_PA + SG_G_FAILSLAB_MARK_ALL)

/*
 * "fail <injector> <pairs>" as a console would call it: pairs are
 * blank-separated key=value words (a word without '=' has an empty value).
 * Returns what parse or apply returned; err holds the refusal.
 */
static int fail_cmd(struct insp *in, const char *injector, const char *pairs, char *err)
{
	char buf[1024], *save = NULL;
	const char *keys[32], *values[32];
	struct insp_fail_req req;
	size_t n = 0;

	snprintf(buf, sizeof(buf), "%s", pairs);
	for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(w, '=');

		cr_assert_lt(n, 32);
		if (eq)
			*eq = '\0';
		keys[n] = w;
		values[n++] = eq ? eq + 1 : "";
	}
	err[0] = '\0';
	if (insp_fail_parse(in, injector, n, keys, values, &req, err, 256))
		return -1;
	return insp_fail_apply(in, &req, err, 256);
}

static int set(const char *injector, const char *pairs)
{
	char err[256];
	int r = fail_cmd(&g.in, injector, pairs, err);

	cr_assert_eq(r, 0, "fail %s %s: %s", injector, pairs, err);
	return r;
}

static char *show_of(struct insp *in)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_not_null(f);
	insp_fail_show(in, f);
	fclose(f);
	return buf;
}

static void expect_show(const char *want)
{
	char *got = show_of(&g.in);

	cr_assert_str_eq(got, want);
	free(got);
}

static uint8_t byte_at(uint64_t pa)
{
	return g.ram[pa];
}

static uint32_t flags_of(uint64_t cache_pa)
{
	return sg_rd(&g, cache_pa + SG_KMC_FLAGS);
}

#define CLEAN_PAGE_ALLOC "page_alloc: probability=0 interval=1 times=1 space=0 min_order=0 " \
	"ignore_gfp_highmem=0 ignore_gfp_wait=0 verbose=2 injected=105\n"

Test(fault, show_of_the_initial_attributes)
{
	expect_show(CLEAN_PAGE_ALLOC
		    "slab: probability=0 interval=1 times=1 space=0 ignore_gfp_wait=0 verbose=2 "
		    "injected=0 cache=-\n");
}

Test(fault, every_page_alloc_key_is_written_where_the_note_says)
{
	sg_wr(&g, FPA_ATTR_PA + SG_FA_COUNT, 7);
	set("page_alloc", "probability=25 interval=3 times=-1 space=4096 min_order=10 "
	    "ignore_gfp_highmem=1 ignore_gfp_wait=1 verbose=0 seed=12345");
	cr_assert_eq(sg_rd(&g, FPA_ATTR_PA + SG_FA_PROBABILITY), 25);
	cr_assert_eq(sg_rd(&g, FPA_ATTR_PA + SG_FA_INTERVAL), 3);
	cr_assert_eq(sg_rd(&g, FPA_ATTR_PA + SG_FA_TIMES), 0xffffffffu);
	cr_assert_eq(sg_rd(&g, FPA_ATTR_PA + SG_FA_SPACE), 4096);
	cr_assert_eq(sg_rd(&g, FPA_ATTR_PA + SG_FA_VERBOSE), 0);
	cr_assert_eq(sg_rd(&g, FPA_ATTR_PA + SG_FA_RND), 12345);
	cr_assert_eq(sg_rd(&g, FPA_ATTR_PA + SG_FA_COUNT), 0, "a new interval starts afresh");
	cr_assert_eq(sg_rd(&g, FPA_PA + SG_FPA_MIN_ORDER), 10);
	cr_assert_eq(byte_at(FPA_PA + SG_FPA_IGNORE_HIGHMEM), 1);
	cr_assert_eq(byte_at(FPA_PA + SG_FPA_IGNORE_WAIT), 1);
	cr_assert_eq(byte_at(FPA_PA + SG_FPA_IGNORE_WAIT + 2), 0, "bools are one byte");
	/* failslab is untouched. */
	cr_assert_eq(sg_rd(&g, FS_ATTR_PA + SG_FA_PROBABILITY), 0);
	expect_show("page_alloc: probability=25 interval=3 times=-1 space=4096 min_order=10 "
		    "ignore_gfp_highmem=1 ignore_gfp_wait=1 verbose=0 injected=105\n"
		    "slab: probability=0 interval=1 times=1 space=0 ignore_gfp_wait=0 verbose=2 "
		    "injected=0 cache=-\n");

	/* Extremes, and a value is only what it says: the rest stays. */
	set("page_alloc", "probability=100 interval=4294967295 times=2147483647 space=2147483647");
	set("page_alloc", "min_order=0 ignore_gfp_highmem=0 verbose=2 seed=0");
	expect_show("page_alloc: probability=100 interval=4294967295 times=2147483647 "
		    "space=2147483647 min_order=0 ignore_gfp_highmem=0 ignore_gfp_wait=1 verbose=2 "
		    "injected=105\n"
		    "slab: probability=0 interval=1 times=1 space=0 ignore_gfp_wait=0 verbose=2 "
		    "injected=0 cache=-\n");
	cr_assert_eq(sg_rd(&g, FPA_ATTR_PA + SG_FA_RND), 0, "0: the guest's default seed");
}

Test(fault, every_slab_key_is_written_where_the_note_says)
{
	sg_wr(&g, FS_PA + SG_FS_INJECTED, 42);
	sg_wr(&g, FS_ATTR_PA + SG_FA_COUNT, 9);
	set("slab", "probability=10 interval=1 times=0 space=100 ignore_gfp_wait=1 verbose=1 "
	    "seed=4294967295 cache=sg-debug");
	cr_assert_eq(sg_rd(&g, FS_ATTR_PA + SG_FA_PROBABILITY), 10);
	cr_assert_eq(sg_rd(&g, FS_ATTR_PA + SG_FA_INTERVAL), 1);
	cr_assert_eq(sg_rd(&g, FS_ATTR_PA + SG_FA_TIMES), 0);
	cr_assert_eq(sg_rd(&g, FS_ATTR_PA + SG_FA_SPACE), 100);
	cr_assert_eq(sg_rd(&g, FS_ATTR_PA + SG_FA_VERBOSE), 1);
	cr_assert_eq(sg_rd(&g, FS_ATTR_PA + SG_FA_RND), 0xffffffffu);
	cr_assert_eq(sg_rd(&g, FS_ATTR_PA + SG_FA_COUNT), 0);
	cr_assert_eq(byte_at(FS_PA + SG_FS_IGNORE_WAIT), 1);
	cr_assert_eq(sg_rd(&g, FS_PA + SG_FS_INJECTED), 42, "the counter is the guest's");
	cr_assert_eq(sg_rd(&g, FPA_ATTR_PA + SG_FA_PROBABILITY), 0);
	expect_show(CLEAN_PAGE_ALLOC
		    "slab: probability=10 interval=1 times=0 space=100 ignore_gfp_wait=1 verbose=1 "
		    "injected=42 cache=sg-debug\n");
}

Test(fault, show_prints_what_the_guest_holds)
{
	sg_wr(&g, FPA_ATTR_PA + SG_FA_PROBABILITY, 0xffffffffu);
	sg_wr(&g, FPA_ATTR_PA + SG_FA_SPACE, 0x80000000u);
	g.ram[FPA_PA + SG_FPA_IGNORE_HIGHMEM] = 0xff;
	sg_wr(&g, SG_GLOBALS_PA + SG_G_EVENTS + 4 * SG_EV_PGALLOC_FAIL_INJECTED, 0xfffffffeu);
	expect_show("page_alloc: probability=4294967295 interval=1 times=1 space=-2147483648 "
		    "min_order=0 ignore_gfp_highmem=255 ignore_gfp_wait=0 verbose=2 "
		    "injected=4294967294\n"
		    "slab: probability=0 interval=1 times=1 space=0 ignore_gfp_wait=0 verbose=2 "
		    "injected=0 cache=-\n");
}

/* Every refusal, word for word; guest RAM is left exactly as it was. */
Test(fault, refusals_name_the_problem_and_write_nothing)
{
	static const struct { const char *inj, *pairs, *msg; } cases[] = {
		{ "page", "probability=1", "unknown injector 'page' (page_alloc or slab)" },
		{ "", "probability=1", "unknown injector '' (page_alloc or slab)" },
		{ "slab", "", "slab: nothing to set" },
		{ "page_alloc", "cache=sg-debug", "page_alloc: unknown key 'cache' (probability "
		  "interval times space min_order ignore_gfp_highmem ignore_gfp_wait verbose seed)" },
		{ "slab", "min_order=1", "slab: unknown key 'min_order' (probability interval "
		  "times space ignore_gfp_wait verbose seed cache)" },
		{ "slab", "ignore_gfp_highmem=1", "slab: unknown key 'ignore_gfp_highmem' "
		  "(probability interval times space ignore_gfp_wait verbose seed cache)" },
		{ "page_alloc", "Probability=1", "page_alloc: unknown key 'Probability' (probability "
		  "interval times space min_order ignore_gfp_highmem ignore_gfp_wait verbose seed)" },
		{ "page_alloc", "probability=1 times=2 probability=2",
		  "page_alloc: probability given twice" },
		{ "page_alloc", "probability=abc", "page_alloc: probability='abc' is not a decimal number" },
		{ "page_alloc", "probability", "page_alloc: probability='' is not a decimal number" },
		{ "page_alloc", "times=-", "page_alloc: times='-' is not a decimal number" },
		{ "page_alloc", "times=--1", "page_alloc: times='--1' is not a decimal number" },
		{ "page_alloc", "interval=1x", "page_alloc: interval='1x' is not a decimal number" },
		{ "page_alloc", "space=+5", "page_alloc: space='+5' is not a decimal number" },
		{ "slab", "verbose=0x1", "slab: verbose='0x1' is not a decimal number" },
		{ "page_alloc", "probability=101", "page_alloc: probability=101 is out of range (0..100)" },
		{ "page_alloc", "probability=-1", "page_alloc: probability=-1 is out of range (0..100)" },
		{ "page_alloc", "probability=99999999999999999999999999",
		  "page_alloc: probability=99999999999999999999999999 is out of range (0..100)" },
		{ "page_alloc", "interval=0", "page_alloc: interval=0 is out of range (1..4294967295)" },
		{ "slab", "interval=4294967296", "slab: interval=4294967296 is out of range "
		  "(1..4294967295)" },
		{ "page_alloc", "times=-2", "page_alloc: times=-2 is out of range (-1..2147483647)" },
		{ "slab", "times=2147483648", "slab: times=2147483648 is out of range (-1..2147483647)" },
		{ "page_alloc", "space=-1", "page_alloc: space=-1 is out of range (0..2147483647)" },
		{ "page_alloc", "min_order=11", "page_alloc: min_order=11 is out of range (0..10)" },
		{ "page_alloc", "ignore_gfp_highmem=2",
		  "page_alloc: ignore_gfp_highmem=2 is out of range (0..1)" },
		{ "slab", "ignore_gfp_wait=-1", "slab: ignore_gfp_wait=-1 is out of range (0..1)" },
		{ "page_alloc", "verbose=3", "page_alloc: verbose=3 is out of range (0..2)" },
		{ "slab", "seed=4294967296", "slab: seed=4294967296 is out of range (0..4294967295)" },
		/* All or nothing: the good pairs before a bad one are not written. */
		{ "page_alloc", "probability=50 times=5 interval=0",
		  "page_alloc: interval=0 is out of range (1..4294967295)" },
		{ "slab", "probability=50 cache=sg-debug verbose=9",
		  "slab: verbose=9 is out of range (0..2)" },
		{ "slab", "probability=50 cache=nope", "slab: cache: no cache on slab_caches matches 'nope'" },
		{ "slab", "cache=sg-debug,sg-off", "slab: cache: no cache on slab_caches matches 'sg-off'" },
		{ "slab", "cache=sg-kmalloc-128*x", "slab: cache: no cache on slab_caches matches "
		  "'sg-kmalloc-128*x'" },
		{ "slab", "cache=nope*", "slab: cache: no cache on slab_caches matches 'nope*'" },
		{ "slab", "cache=sg-debug,,sg-offslab", "slab: cache: an empty name in "
		  "'sg-debug,,sg-offslab'" },
		{ "slab", "cache=sg-debug,", "slab: cache: an empty name in 'sg-debug,'" },
		{ "slab", "cache=", "slab: cache: an empty name in ''" },
		{ "slab", "cache=-,sg-debug", "slab: cache: '-' (no cache) stands alone" },
		{ "slab", "cache=" "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghij"
		  "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghij"
		  "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghij"
		  "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghij" "abcdefgh",
		  "slab: cache: longer than 255 characters" },
	};
	uint8_t *before = malloc(SG_RAM);
	char err[256];

	cr_assert_not_null(before);
	memcpy(before, g.ram, SG_RAM);
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		cr_assert_eq(fail_cmd(&g.in, cases[c].inj, cases[c].pairs, err), -1,
			     "fail %s %s was accepted", cases[c].inj, cases[c].pairs);
		cr_assert_str_eq(err, cases[c].msg, "fail %s %s", cases[c].inj, cases[c].pairs);
		cr_assert(!memcmp(before, g.ram, SG_RAM), "fail %s %s wrote guest RAM",
			  cases[c].inj, cases[c].pairs);
	}
	free(before);
}

Test(fault, control_blocks_outside_lowmem_are_refused)
{
	char err[256];

	g.lay.sym.fail_page_alloc = SG_PO + SG_RAM - 8;
	cr_assert_eq(fail_cmd(&g.in, "page_alloc", "probability=1", err), -1);
	cr_assert_str_eq(err, "page_alloc: fail_page_alloc at 0xc1fffff8 is not in lowmem RAM");
	cr_assert_eq(insp_fail_off(&g.in, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "page_alloc: fail_page_alloc at 0xc1fffff8 is not in lowmem RAM");
	set("slab", "probability=1");
	g.lay.sym.failslab_mark_all = SG_PO + SG_RAM;
	cr_assert_eq(fail_cmd(&g.in, "slab", "cache=sg-debug", err), -1);
	cr_assert_str_eq(err, "slab: cache: failslab_mark_all at 0xc2000000 is not in lowmem RAM");
	g.lay.sym.failslab = 0x1000;
	cr_assert_eq(fail_cmd(&g.in, "slab", "probability=1", err), -1);
	cr_assert_str_eq(err, "slab: failslab at 0x1000 is not in lowmem RAM");
	g.lay.sym.vm_event_states = SG_PO - 4096;
	g.lay.sym.fail_page_alloc = SG_PO + FPA_PA;
	expect_show("page_alloc: probability=0 interval=1 times=1 space=0 min_order=0 "
		    "ignore_gfp_highmem=0 ignore_gfp_wait=0 verbose=2 injected=?\n"
		    "slab: failslab at 0x1000 is not in lowmem RAM\n");
}

Test(fault, apply_checks_the_guest_again)
{
	const char *k[] = { "probability", "cache" }, *v[] = { "5", "sg-debug" };
	struct insp_fail_req req;
	char err[256];

	cr_assert_eq(insp_fail_parse(&g.in, "slab", 2, k, v, &req, err, sizeof(err)), 0, "%s", err);
	/* The cache list loops (C -> C) between parse and apply. */
	sg_wr(&g, SG_CACHE_C_PA + SG_KMC_LIST, sg_kva(SG_CACHE_C_PA + SG_KMC_LIST));
	cr_assert_eq(insp_fail_apply(&g.in, &req, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "slab: cache: slab_caches cannot be walked to its end, so no "
			 "cache's SLAB_FAILSLAB can be set");
	cr_assert_eq(sg_rd(&g, FS_ATTR_PA + SG_FA_PROBABILITY), 0, "nothing written");
	cr_assert_eq(fail_cmd(&g.in, "slab", "cache=*", err), -1);
	cr_assert_str_eq(err, "slab: cache: slab_caches cannot be walked to its end, so no "
			 "cache's SLAB_FAILSLAB can be set");
	expect_show(CLEAN_PAGE_ALLOC
		    "slab: probability=0 interval=1 times=1 space=0 ignore_gfp_wait=0 verbose=2 "
		    "injected=0 cache=?\n");
}

/* slab_caches is C (sg-debug), B (sg-offslab), A (sg-kmalloc-128). */
Test(fault, cache_marks_exactly_the_named_caches)
{
	const uint32_t c_flags = flags_of(SG_CACHE_C_PA);

	sg_wr(&g, SG_CACHE_A_PA + SG_KMC_FLAGS, flags_of(SG_CACHE_A_PA) | SG_FAILSLAB);
	g.ram[MARK_ALL_PA] = 1;
	set("slab", "cache=sg-debug");
	cr_assert_eq(flags_of(SG_CACHE_C_PA), c_flags | SG_FAILSLAB, "other flags kept");
	cr_assert_eq(flags_of(SG_CACHE_A_PA), SG_KMALLOC, "an unnamed cache loses the mark");
	cr_assert_eq(flags_of(SG_CACHE_B_PA), SG_OFF_SLAB);
	cr_assert_eq(byte_at(MARK_ALL_PA), 0, "caches made later are not marked");

	set("slab", "cache=sg-k*");
	cr_assert_eq(flags_of(SG_CACHE_A_PA), SG_KMALLOC | SG_FAILSLAB);
	cr_assert_eq(flags_of(SG_CACHE_C_PA), c_flags);
	expect_show(CLEAN_PAGE_ALLOC
		    "slab: probability=0 interval=1 times=1 space=0 ignore_gfp_wait=0 verbose=2 "
		    "injected=0 cache=sg-kmalloc-128\n");

	set("slab", "cache=sg-kmalloc-128,sg-debug");
	expect_show(CLEAN_PAGE_ALLOC
		    "slab: probability=0 interval=1 times=1 space=0 ignore_gfp_wait=0 verbose=2 "
		    "injected=0 cache=sg-debug,sg-kmalloc-128\n");
	cr_assert_eq(byte_at(MARK_ALL_PA), 0);

	set("slab", "cache=*");
	cr_assert_eq(flags_of(SG_CACHE_A_PA), SG_KMALLOC | SG_FAILSLAB);
	cr_assert_eq(flags_of(SG_CACHE_B_PA), SG_OFF_SLAB | SG_FAILSLAB);
	cr_assert_eq(flags_of(SG_CACHE_C_PA), c_flags | SG_FAILSLAB);
	cr_assert_eq(byte_at(MARK_ALL_PA), 1, "caches made later are marked too");
	expect_show(CLEAN_PAGE_ALLOC
		    "slab: probability=0 interval=1 times=1 space=0 ignore_gfp_wait=0 verbose=2 "
		    "injected=0 cache=*\n");

	set("slab", "cache=-");
	cr_assert_eq(flags_of(SG_CACHE_A_PA), SG_KMALLOC);
	cr_assert_eq(flags_of(SG_CACHE_B_PA), SG_OFF_SLAB);
	cr_assert_eq(flags_of(SG_CACHE_C_PA), c_flags);
	cr_assert_eq(byte_at(MARK_ALL_PA), 0);
	expect_show(CLEAN_PAGE_ALLOC
		    "slab: probability=0 interval=1 times=1 space=0 ignore_gfp_wait=0 verbose=2 "
		    "injected=0 cache=-\n");

	/* sg-offslab,* is every cache as well. */
	set("slab", "cache=sg-offslab,*");
	cr_assert_eq(byte_at(MARK_ALL_PA), 1);
	cr_assert_eq(flags_of(SG_CACHE_A_PA), SG_KMALLOC | SG_FAILSLAB);
}

Test(fault, the_cache_of_caches_is_never_marked)
{
	char err[256];

	sg_wr(&g, SG_GLOBALS_PA + SG_G_KMEM_CACHE, sg_kva(SG_CACHE_B_PA));
	cr_assert_eq(fail_cmd(&g.in, "slab", "cache=sg-offslab", err), -1);
	cr_assert_str_eq(err, "slab: cache: 'sg-offslab' is the cache of caches, which failslab "
			 "never fails");
	cr_assert_eq(fail_cmd(&g.in, "slab", "cache=sg-off*", err), -1);
	cr_assert_str_eq(err, "slab: cache: no cache on slab_caches matches 'sg-off*'");
	sg_wr(&g, SG_CACHE_B_PA + SG_KMC_FLAGS, SG_OFF_SLAB | SG_FAILSLAB);
	set("slab", "cache=*");
	cr_assert_eq(flags_of(SG_CACHE_B_PA), SG_OFF_SLAB, "unmarked, though all are chosen");
	cr_assert_eq(flags_of(SG_CACHE_A_PA), SG_KMALLOC | SG_FAILSLAB);
	expect_show(CLEAN_PAGE_ALLOC
		    "slab: probability=0 interval=1 times=1 space=0 ignore_gfp_wait=0 verbose=2 "
		    "injected=0 cache=*\n");
	set("slab", "cache=sg-*");
	cr_assert_eq(flags_of(SG_CACHE_B_PA), SG_OFF_SLAB);
	expect_show(CLEAN_PAGE_ALLOC
		    "slab: probability=0 interval=1 times=1 space=0 ignore_gfp_wait=0 verbose=2 "
		    "injected=0 cache=*\n");
}

/* Names are compared whole with the guest's bytes, not with the host's
 * 47-character copy (INSP_NAME_MAX). */
Test(fault, long_cache_names_compare_whole)
{
	static const char name[] = "a-cache-name-longer-than-the-host-keeps-for-its-views-0123456789";
	char err[256], cut[INSP_NAME_MAX + 8];
	const uint64_t pa = SG_SLABPG_PA + 0x800;

	memcpy(g.ram + pa, name, sizeof(name));
	sg_wr(&g, SG_CACHE_A_PA + SG_KMC_NAME, sg_kva(pa));
	snprintf(cut, sizeof(cut), "cache=%.*s", INSP_NAME_MAX - 1, name);
	cr_assert_eq(fail_cmd(&g.in, "slab", cut, err), -1);
	cr_assert_str_eq(err, "slab: cache: no cache on slab_caches matches "
			 "'a-cache-name-longer-than-the-host-keeps-for-its'");
	set("slab", "cache=a-cache-name-longer-than-the-host-keeps-for-its-views-0123456789");
	cr_assert_eq(flags_of(SG_CACHE_A_PA), SG_KMALLOC | SG_FAILSLAB);
	set("slab", "cache=a-cache-name-longer-than-the-host-keeps-for-its-views-*");
	cr_assert_eq(flags_of(SG_CACHE_A_PA), SG_KMALLOC | SG_FAILSLAB);
	/* Shown as the host keeps it. */
	expect_show(CLEAN_PAGE_ALLOC
		    "slab: probability=0 interval=1 times=1 space=0 ignore_gfp_wait=0 verbose=2 "
		    "injected=0 cache=a-cache-name-longer-than-the-host-keeps-for-its\n");
	/* A name that runs off the end of RAM matches nothing. */
	memset(g.ram + SG_RAM - 8, 'z', 8);
	sg_wr(&g, SG_CACHE_A_PA + SG_KMC_NAME, SG_PO + SG_RAM - 8);
	cr_assert_eq(fail_cmd(&g.in, "slab", "cache=zzzzzzzz", err), -1);
	cr_assert_eq(fail_cmd(&g.in, "slab", "cache=zzzz*", err), 0, "%s", err);
}

Test(fault, off_is_probability_zero_and_keeps_the_rest)
{
	char err[256];

	set("page_alloc", "probability=30 interval=2 times=-1 space=8 min_order=1 verbose=1");
	set("slab", "probability=100 times=5 cache=sg-debug");
	cr_assert_eq(insp_fail_off(&g.in, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(sg_rd(&g, FPA_ATTR_PA + SG_FA_PROBABILITY), 0);
	cr_assert_eq(sg_rd(&g, FS_ATTR_PA + SG_FA_PROBABILITY), 0);
	expect_show("page_alloc: probability=0 interval=2 times=-1 space=8 min_order=1 "
		    "ignore_gfp_highmem=0 ignore_gfp_wait=0 verbose=1 injected=105\n"
		    "slab: probability=0 interval=1 times=5 space=0 ignore_gfp_wait=0 verbose=2 "
		    "injected=0 cache=sg-debug\n");

	/* Off is all-or-nothing too. */
	set("page_alloc", "probability=30");
	g.lay.sym.failslab = SG_PO + SG_RAM;
	cr_assert_eq(insp_fail_off(&g.in, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "slab: failslab at 0xc2000000 is not in lowmem RAM");
	cr_assert_eq(sg_rd(&g, FPA_ATTR_PA + SG_FA_PROBABILITY), 30);
}

/* What show prints, set takes back: a console can save and restore. */
Test(fault, show_lines_are_accepted_by_set)
{
	char *out, *save = NULL;

	set("page_alloc", "probability=7 interval=5 times=3 space=2 min_order=4 "
	    "ignore_gfp_highmem=1 verbose=0");
	set("slab", "probability=9 ignore_gfp_wait=1 cache=sg-debug,sg-offslab");
	out = show_of(&g.in);
	sg_free(&g);
	cr_assert_eq(sg_build(&g), 0);
	for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':'), *inj = strstr(line, " injected=");
		char *rest;

		cr_assert(colon && inj, "%s", line);
		*colon = '\0';
		rest = strchr(inj + 1, ' ');   /* cache=, after injected= */
		*inj = '\0';
		set(line, colon + 1);
		if (rest)
			set(line, rest);
	}
	free(out);
	expect_show("page_alloc: probability=7 interval=5 times=3 space=2 min_order=4 "
		    "ignore_gfp_highmem=1 ignore_gfp_wait=0 verbose=0 injected=105\n"
		    "slab: probability=9 interval=1 times=1 space=0 ignore_gfp_wait=1 verbose=2 "
		    "injected=0 cache=sg-debug,sg-offslab\n");
}

/*
 * The real image: its note and symbols put the control blocks where the
 * image has them (its .data, loaded as the VMM loads it), with the i386
 * layout of guest/include/fault_inject.h.
 */
Test(fault_real, guest_image_blocks_are_found_and_written_in_place)
{
	const uint32_t ram = 32u << 20;
	uint8_t *buf = calloc(1, ram);
	uint64_t fpa, fs, mark_all, events, size;
	struct insp_layout lay;
	struct guest_mem mem;
	struct elf_info info;
	struct insp in;
	char err[512];
	char *out;

	cr_assert_not_null(buf);
	guest_mem_layout(&mem, ram, buf);
	if (elf_load_file(&mem, GUEST_ELF, &info, err, sizeof(err))) {
		free(buf);
		cr_skip_test("guest image not built: %s", err);
	}
	cr_assert_eq(insp_layout_load(&info, &lay, err, sizeof(err)), 0, "%s", err);
	cr_assert(symtab_addr(&info.symtab, "fail_page_alloc", &fpa, &size));
	cr_assert_eq(size, 40);
	cr_assert(symtab_addr(&info.symtab, "failslab", &fs, &size));
	cr_assert_eq(size, 40);
	cr_assert(symtab_addr(&info.symtab, "failslab_mark_all", &mark_all, &size));
	cr_assert_eq(size, 1);
	cr_assert(symtab_addr(&info.symtab, "vm_event_states", &events, &size));
	cr_assert_eq(lay.sym.fail_page_alloc, fpa);
	cr_assert_eq(lay.sym.failslab, fs);
	cr_assert_eq(lay.sym.failslab_mark_all, mark_all);
	/* struct fault_attr and fail_page_alloc_attr as i386 lays them out. */
	cr_assert_eq(lay.fault_attr.size, 32);
	cr_assert_eq(lay.fault_attr.probability, 0);
	cr_assert_eq(lay.fault_attr.times, 8);
	cr_assert_eq(lay.fault_attr.rnd, 24);
	cr_assert_eq(lay.fail_page_alloc_attr.ignore_gfp_highmem, 32);
	cr_assert_eq(lay.fail_page_alloc_attr.ignore_gfp_wait, 33);
	cr_assert_eq(lay.fail_page_alloc_attr.min_order, 36);
	cr_assert_eq(lay.failslab_attr.ignore_gfp_wait, 32);
	cr_assert_eq(lay.pgalloc_fail_injected, lay.nr_events - 1);

	insp_init(&in, &mem, &lay);
	/* FAULT_ATTR_INITIALIZER's values, from the image's .data; no cache
	 * exists before boot. */
	out = show_of(&in);
	cr_assert_str_eq(out, "page_alloc: probability=0 interval=1 times=1 space=0 min_order=0 "
			 "ignore_gfp_highmem=0 ignore_gfp_wait=0 verbose=2 injected=0\n"
			 "slab: probability=0 interval=1 times=1 space=0 ignore_gfp_wait=0 verbose=2 "
			 "injected=0 cache=-\n");
	free(out);
	cr_assert_eq(fail_cmd(&in, "page_alloc", "probability=42 min_order=10 times=-1 "
			      "ignore_gfp_wait=1", err), 0, "%s", err);
	cr_assert_eq(fail_cmd(&in, "page_alloc", "min_order=11", err), -1);
	cr_assert_str_eq(err, "page_alloc: min_order=11 is out of range (0..10)");
	cr_assert_eq(fail_cmd(&in, "slab", "probability=3 cache=-", err), 0, "%s", err);
	buf[events - lay.page_offset + 4 * (lay.nr_events - 1)] = 6;
	buf[fs - lay.page_offset + 36] = 9;   /* failslab.injected */
	buf[mark_all - lay.page_offset] = 1;
	cr_assert_eq(buf[fpa - lay.page_offset], 42);
	cr_assert_eq(buf[fpa - lay.page_offset + 8], 0xff);
	cr_assert_eq(buf[fpa - lay.page_offset + 33], 1);
	cr_assert_eq(buf[fpa - lay.page_offset + 36], 10);
	cr_assert_eq(buf[fs - lay.page_offset], 3);
	out = show_of(&in);
	cr_assert_str_eq(out, "page_alloc: probability=42 interval=1 times=-1 space=0 min_order=10 "
			 "ignore_gfp_highmem=0 ignore_gfp_wait=1 verbose=2 injected=6\n"
			 "slab: probability=3 interval=1 times=1 space=0 ignore_gfp_wait=0 verbose=2 "
			 "injected=9 cache=-\n");
	free(out);
	cr_assert_eq(fail_cmd(&in, "slab", "cache=-", err), 0, "%s", err);
	cr_assert_eq(buf[mark_all - lay.page_offset], 0);
	insp_free(&in);
	elf_info_free(&info);
	free(buf);
}
