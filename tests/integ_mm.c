/* Integration tests for the mm core: zones sized from the memory map,
 * the buddy selftest and stress workloads, at small and large guests. */
#include "harness.h"

/* present/managed pages of `zone` from the guest's zoneinfo. */
static long zoneinfo_field(const char *out, const char *zone, const char *field)
{
	char hdr[64];
	snprintf(hdr, sizeof hdr, "Node 0, zone %8s\n", zone);
	const char *z = strstr(out, hdr);
	if (!z)
		return -1;
	const char *f = strstr(z, field);
	const char *next = strstr(z + 1, "Node 0, zone");
	if (!f || (next && f > next))
		return -1;
	return strtol(f + strlen(field), NULL, 10);
}

static long meminfo_kb(const char *out, const char *key)
{
	const char *p = strstr(out, key);
	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

/* RAM pages the VMM's e820 map gives a guest of `mb` MiB below 3 GiB:
 * [0, 0xa0000) and [1 MiB, mb) (shared/abi.h). */
#define ISA_HOLE_PAGES 96
#define DMA_PRESENT (4096 - ISA_HOLE_PAGES)
#define MAXMEM_PFN 0x37bfe   /* (VMALLOC_END - PAGE_OFFSET - 128M) >> 12 */

Test(mm, zones_at_128M_with_highmem_32M, .timeout = 60)
{
	struct vmm_result r = vmm_run(30, "-m", "128M", "-c", "highmem=32M run=meminfo", NULL);
	assert_status(r, 0);
	cr_assert_eq(zoneinfo_field(r.out, "DMA", "present  "), DMA_PRESENT);
	cr_assert_eq(zoneinfo_field(r.out, "Normal", "present  "), (96 - 16) * 256);
	cr_assert_eq(zoneinfo_field(r.out, "HighMem", "present  "), 32 * 256);
	cr_assert_eq(zoneinfo_field(r.out, "HighMem", "managed  "), 32 * 256);
	cr_assert_eq(meminfo_kb(r.out, "HighTotal:"), 32768);
	assert_out_has(r, "Node 0, zone   Normal ");
	vmm_result_free(&r);
}

Test(mm, zones_at_64M_have_no_highmem, .timeout = 60)
{
	struct vmm_result r = vmm_run(30, "-m", "64M", "-c", "run=meminfo", NULL);
	assert_status(r, 0);
	cr_assert_eq(zoneinfo_field(r.out, "DMA", "present  "), DMA_PRESENT);
	cr_assert_eq(zoneinfo_field(r.out, "Normal", "present  "), (64 - 16) * 256);
	cr_assert_eq(zoneinfo_field(r.out, "HighMem", "present  "), 0);
	cr_assert_eq(meminfo_kb(r.out, "HighTotal:"), 0);
	vmm_result_free(&r);
}

Test(mm, zones_at_1G_split_at_maxmem, .timeout = 60)
{
	struct vmm_result r = vmm_run(30, "-m", "1G", "-c", "run=meminfo", NULL);
	assert_status(r, 0);
	cr_assert_eq(zoneinfo_field(r.out, "Normal", "present  "), MAXMEM_PFN - 4096);
	cr_assert_eq(zoneinfo_field(r.out, "HighMem", "present  "), 262144 - MAXMEM_PFN);
	vmm_result_free(&r);
}

Test(mm, zones_at_6G_include_ram_above_4G, .timeout = 60)
{
	struct vmm_result r = vmm_run(30, "-m", "6G", "-c", "run=meminfo", NULL);
	assert_status(r, 0);
	/* [0,3G) and [4G,7G): HighMem is the rest of the low 3G plus all 3G above 4G. */
	long high = zoneinfo_field(r.out, "HighMem", "present  ");
	cr_assert_eq(high, (3L << 18) - MAXMEM_PFN + (3L << 18));
	cr_assert_eq(zoneinfo_field(r.out, "HighMem", "spanned  "), (7L << 18) - MAXMEM_PFN);
	/* Lowmem is MAXMEM (~892 MiB) less the ISA hole; LowTotal counts the
	 * managed part, i.e. without mem_map (56 MiB at 6G) and the kernel. */
	cr_assert_eq(zoneinfo_field(r.out, "DMA", "present  ") + zoneinfo_field(r.out, "Normal", "present  "),
		     MAXMEM_PFN - ISA_HOLE_PAGES);
	long low_kb = meminfo_kb(r.out, "LowTotal:");
	cr_assert(low_kb > 800 * 1024 && low_kb < (MAXMEM_PFN - ISA_HOLE_PAGES) * 4, "LowTotal %ld kB", low_kb);
	cr_assert_eq(meminfo_kb(r.out, "HighTotal:"), high * 4);
	vmm_result_free(&r);
}

/* Both page-content paths: the paravirtual one (the default) and the
 * guest's own rep string instructions through kmap_atomic. */
Test(mm, selftest_buddy_at_128M, .timeout = 120)
{
	static const char *const cmd[] = {
		"highmem=32M run=selftest:buddy",
		"highmem=32M pv_pageops=0 run=selftest:buddy",
	};

	for (unsigned int i = 0; i < 2; i++) {
		struct vmm_result r = vmm_run(100, "-m", "128M", "-c", cmd[i], NULL);
		assert_status(r, 0);
		assert_out_has(r, "selftest:buddy: copy_page and copy_highpage        ok\n");
		assert_out_has(r, "selftest:buddy: passed");
		vmm_result_free(&r);
	}
}

Test(mm, selftest_buddy_at_6G_reaches_ram_above_4G, .timeout = 200)
{
	struct vmm_result r = vmm_run(180, "-m", "6G", "-c", "run=selftest:buddy", NULL);
	assert_status(r, 0);
	assert_out_has(r, "above 4 GiB: write and read back through kmap_atomic agree");
	assert_out_has(r, "selftest:buddy: passed");
	vmm_result_free(&r);
}

static void stress(const char *seed)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "highmem=32M run=stress:buddy seed=%s", seed);
	struct vmm_result r = vmm_run(100, "-m", "128M", "-c", cmd, NULL);
	assert_status(r, 0);
	assert_out_has(r, "stress:buddy: seed");
	vmm_result_free(&r);
}

Test(mm, stress_buddy_seed_1, .timeout = 120) { stress("1"); }
Test(mm, stress_buddy_seed_2, .timeout = 120) { stress("2"); }
Test(mm, stress_buddy_seed_3, .timeout = 120) { stress("3"); }

Test(mm, gfp_nofail_exhaustion_panics_with_oom_report, .timeout = 60)
{
	struct vmm_result r = vmm_run(30, "-m", "64M", "-c", "run=crash:oom", NULL);
	assert_status(r, 80);
	assert_out_has(r, "Out of memory");
	assert_out_has(r, "lowmem_reserve");
	vmm_result_free(&r);
}

Test(mm, page_poison_catches_write_after_free, .timeout = 60)
{
	struct vmm_result r = vmm_run(30, "-m", "64M", "-c", "page_poison=1 run=crash:poison", NULL);
	assert_status(r, 80);
	assert_out_has(r, "was written after free");
	vmm_result_free(&r);
}

Test(mm, bad_page_free_panics_with_page_state, .timeout = 60)
{
	struct vmm_result r = vmm_run(30, "-m", "64M", "-c", "run=crash:badpage", NULL);
	assert_status(r, 80);
	assert_out_has(r, "Bad page state");
	assert_out_has(r, "PG_slab still set");
	vmm_result_free(&r);
}

Test(mm, fail_page_alloc_from_cmdline, .timeout = 60)
{
	struct vmm_result r = vmm_run(30, "-m", "64M", "-c",
				      "fail_page_alloc=1,100,0,5 run=stress:buddy,meminfo ops=200", NULL);
	assert_status(r, 0);
	assert_out_has(r, "pgalloc_fail_injected 5\n");
	vmm_result_free(&r);
}

/* A live kernel PTE is never silently remapped (xv6's mappages rule). */
Test(mm, remap_of_a_live_kernel_pte_panics_naming_it, .timeout = 60)
{
	struct vmm_result r = vmm_run(30, "-m", "64M", "-c", "run=crash:remap", NULL);

	assert_status(r, 80);
	assert_err_has(r, "vmm: guest panic: set_pte_range_kernel: ffc00000 is already mapped (pte ");
	assert_err_has(r, "): remap of a live kernel PTE\n");
	vmm_result_free(&r);
}
