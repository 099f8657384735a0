/* Integration tests of the highmem windows (guest/mm/highmem.c): the
 * selftest at 128M with highmem=32M and at 6G, stress:kmap checked from
 * outside, the three panics, the pkmap lines of meminfo, the demo's lines
 * in the default run, and the pkmap and fixmap corruptions. */
#include "harness.h"
#include "exitcodes.h"

#define HM "-m", "128M"

Test(highmem, selftest_at_128M_every_highmem_page, .timeout = 60)
{
	struct vmm_result r = vmm_run(30, HM, "--check", "-c", "highmem=32M run=selftest:highmem",
				      NULL);

	assert_status(r, 0);
	/* Every HighMem page (32M), free or not: what it writes it restores. */
	assert_out_has(r, "selftest:highmem: kmap: all 8192 HighMem pages written, verified and "
		       "restored through pkmap\n");
	assert_out_has(r, "selftest:highmem: 32 flushes of the pkmap window for 16384 kmaps (one per "
		       "512-slot round)\n");
	assert_out_has(r, "selftest:highmem: all 512 pkmap slots held (512 users)\n");
	assert_out_has(r, "selftest:highmem: all slots released: the next kmap reclaimed 512 slots "
		       "with one TLB flush\n");
	assert_out_has(r, "selftest:highmem: kmap_atomic nested 16 deep (ffffe000 down to fffef000), "
		       "unmapped in reverse\n");
	assert_out_has(r, "selftest:highmem: passed\n");
	/* Checked from outside with every slot held, all at count 1, and after. */
	assert_err_has(r, "check: 3 checkpoints, ");
	assert_err_has(r, " rules, 0 violations, ");
	vmm_result_free(&r);
}

Test(highmem, selftest_at_6G_samples_pages_above_4G, .timeout = 120)
{
	struct vmm_result r = vmm_run(90, "-m", "6G", "--check", "-c", "run=selftest:highmem", NULL);

	assert_status(r, 0);
	assert_err_has(r, " rules, 0 violations, ");
	assert_out_has(r, "selftest:highmem: kmap: 4096 of ");
	assert_out_has(r, " HighMem pages (every 192th above 4 GiB) written, verified and restored "
		       "through pkmap\n");
	assert_out_has(r, "selftest:highmem: passed\n");
	vmm_result_free(&r);
}

Test(highmem, selftest_without_highmem_says_so, .timeout = 30)
{
	struct vmm_result r = vmm_run(30, HM, "-c", "run=selftest:highmem", NULL);

	assert_status(r, 1);
	assert_out_has(r, "selftest:highmem: no HighMem zone (boot with more than ~892M or "
		       "highmem=)\n");
	vmm_result_free(&r);
}

Test(highmem, stress_kmap_checked_over_3_seeds, .timeout = 120)
{
	for (int seed = 1; seed <= 3; seed++) {
		char cmd[96], want[64];
		struct vmm_result r;

		snprintf(cmd, sizeof(cmd), "highmem=32M run=stress:kmap seed=%d", seed);
		r = vmm_run(60, HM, "--check", "-c", cmd, NULL);
		assert_status(r, 0);
		snprintf(want, sizeof(want), "stress:kmap: seed %d: 2000 ops, ", seed);
		assert_out_has(r, want);
		assert_out_has(r, "stress:kmap: 0 bad; free counts restored\n");
		/* Rounds wrapped: the flush ran at least once. */
		cr_assert_null(strstr(r.out, ", 0 pkmap flushes\n"), "%s", r.out);
		assert_err_has(r, "check: 21 checkpoints, ");
		assert_err_has(r, " rules, 0 violations, ");
		/* Pages freed while their unused slot still maps them: legal. */
		assert_err_has(r, "; info: up to ");
		assert_err_has(r, " over a free page at a checkpoint\n");
		assert_err_has(r, ": info: pkmap slot ");
		vmm_result_free(&r);
	}
}

Test(highmem, kunmap_atomic_out_of_order_is_a_bug_naming_both, .timeout = 30)
{
	struct vmm_result r = vmm_run(30, HM, "-c", "highmem=32M run=crash:kmap-order", NULL);

	assert_status(r, EXIT_GUEST_PANIC);
	assert_out_has(r, "kunmap_atomic: ffffe000 unmapped out of order: the last mapping, "
		       "ffffd000, must be unmapped first\n");
	assert_err_has(r, "vmm: guest panic: kernel BUG at guest/mm/highmem.c:");
	cr_assert_null(strstr(r.out, "went unnoticed"));
	vmm_result_free(&r);
}

Test(highmem, touch_after_kunmap_atomic_faults_naming_the_slot, .timeout = 30)
{
	struct vmm_result r = vmm_run(30, HM, "-c", "highmem=32M run=crash:kmap-stale", NULL);

	assert_status(r, EXIT_GUEST_PANIC);
	assert_out_has(r, "BUG: unable to handle page fault for address: ffffe000\n");
	assert_out_has(r, "BUG: kmap_atomic use after unmap: address ffffe000 in fixmap slot 0 "
		       "(CPU 0, depth 0), cleared by kunmap_atomic\n");
	assert_err_has(r, "vmm: guest panic: Fatal exception: kmap_atomic use after unmap: address "
		       "ffffe000 in fixmap slot 0 (CPU 0, depth 0), cleared by kunmap_atomic\n");
	vmm_result_free(&r);
}

Test(highmem, pkmap_exhaustion_panics_naming_the_users, .timeout = 30)
{
	struct vmm_result r = vmm_run(30, HM, "-c", "highmem=32M run=crash:pkmap-exhaust", NULL);
	size_t slots = 0;

	assert_status(r, EXIT_GUEST_PANIC);
	assert_out_has(r, "kmap: pkmap exhausted: all 512 slots hold users, none to flush (Linux "
		       "would sleep in kmap until a kunmap; no scheduler here)\n");
	assert_out_has(r, "  slot 511 at ffdff000: pfn 0x");
	for (const char *p = strstr(r.out, "\n  slot "); p; p = strstr(p + 1, "\n  slot "))
		slots++;
	cr_assert_eq(slots, 512);
	assert_err_has(r, "vmm: guest panic: kmap: pkmap exhausted: 512 slots, 512 users\n");
	vmm_result_free(&r);
}

Test(highmem, meminfo_has_the_pkmap_summary, .timeout = 60)
{
	struct vmm_result r = vmm_run(30, HM, "--show", "meminfo", "-c",
				      "highmem=32M run=selftest:highmem,meminfo,checkpoint:5", NULL);

	const char *guest, *host;
	long gf, hf;

	assert_status(r, 0);
	/* After the selftest: no user, one page kmapped and unmapped since the
	 * last flush, and a flush per round of its ~16,300 kmaps. */
	assert_out_has(r, "/proc/meminfo:\n");
	assert_out_has(r, "PkmapInUse:            0\nPkmapUnflushed:        1\nPkmapFlushes:  ");
	/* The host's meminfo at the checkpoint after it says the same. */
	guest = strstr(r.out, "PkmapFlushes:");
	host = guest ? strstr(guest + 1, "PkmapFlushes:") : NULL;
	cr_assert(guest && host, "%s", r.out);
	gf = strtol(guest + 13, NULL, 10);
	hf = strtol(host + 13, NULL, 10);
	cr_assert(gf >= 31 && gf == hf, "flushes: guest %ld, host %ld", gf, hf);
	vmm_result_free(&r);
}

Test(highmem, default_run_maps_a_highmem_page_both_ways, .timeout = 60)
{
	struct vmm_result r = vmm_run(30, HM, "-c", "highmem=32M", NULL);

	assert_status(r, 0);
	assert_out_has(r, "    a HighMem page has no permanent address: page_address() = NULL\n");
	assert_out_has(r, "    kmap_atomic() mapped it at 0xffffe000, a per-CPU fixmap slot "
		       "(page_address() still NULL)\n");
	assert_out_has(r, "    kmap() mapped it at 0xffc01000, a pkmap slot: page_address() = "
		       "0xffc01000, and it reads back 0x12345678\n");
	assert_out_has(r, "    after kunmap() the slot is unused but still mapped until the next "
		       "flush: page_address() = 0xffc01000\n");
	vmm_result_free(&r);
}
