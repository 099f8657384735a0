/* Integration tests for the slab allocator: the selftest at small and large
 * guests and with every debug option, the stress workload over five seeds,
 * the reports (slabinfo, meminfo), failslab from the command line, and the
 * crash workloads that must panic with Linux's reports. */
#include "harness.h"
#include "inspect/inspect.h"

Test(slab, selftest_at_128M_highmem_32M, .timeout = 120)
{
	struct vmm_result r = vmm_run(100, "-m", "128M", "-c", "highmem=32M run=selftest:slab,meminfo",
				      NULL);
	assert_status(r, 0);
	assert_out_has(r, "selftest:slab: passed");
	assert_out_has(r, "selftest:slab: GFP_DMA kmalloc below 16 MiB         ok");
	/* meminfo prints slabinfo after its other reports. */
	assert_out_has(r, "/proc/slabinfo:\nslabinfo - version: 2.1\n"
			  "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> "
			  ": tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> "
			  "<num_slabs> <sharedavail>\n");
	assert_out_has(r, "\nkmalloc-8192    ");
	assert_out_has(r, "\nSlab:     ");
	assert_out_has(r, "\nnr_slab_unreclaimable ");
	cr_assert(strstr(r.out, "/proc/vmstat:") < strstr(r.out, "/proc/slabinfo:"),
		  "slabinfo comes last");
	vmm_result_free(&r);
}

Test(slab, selftest_at_6G, .timeout = 120)
{
	struct vmm_result r = vmm_run(100, "-m", "6G", "-c", "run=selftest:slab", NULL);
	assert_status(r, 0);
	assert_out_has(r, "selftest:slab: passed");
	vmm_result_free(&r);
}

Test(slab, selftest_with_slab_debug_FZPU, .timeout = 120)
{
	struct vmm_result r = vmm_run(100, "-m", "128M", "-c",
				      "highmem=32M slab_debug=FZPU run=selftest:slab", NULL);
	assert_status(r, 0);
	assert_out_has(r, "selftest:slab: passed");
	vmm_result_free(&r);
}

static void stress(const char *seed, const char *extra)
{
	char cmd[160];
	snprintf(cmd, sizeof cmd, "highmem=32M run=stress:slab seed=%s ops=600 %s", seed, extra);
	struct vmm_result r = vmm_run(60, "-m", "128M", "-c", cmd, NULL);
	assert_status(r, 0);
	assert_out_has(r, "stress:slab: seed");
	assert_out_has(r, " 0 failed");
	vmm_result_free(&r);
}

Test(slab, stress_seed_1, .timeout = 90) { stress("1", ""); }
Test(slab, stress_seed_2, .timeout = 90) { stress("2", ""); }
Test(slab, stress_seed_3, .timeout = 90) { stress("3", ""); }
Test(slab, stress_seed_4_fzpu, .timeout = 90) { stress("4", "slab_debug=FZPU"); }
Test(slab, stress_seed_5, .timeout = 90) { stress("5", ""); }

Test(slab, failslab_from_the_command_line_is_counted, .timeout = 60)
{
	struct vmm_result r = vmm_run(30, "-m", "64M", "-c",
				      "failslab=1,100,0,5 run=stress:slab ops=300 quiet", NULL);
	assert_status(r, 0);
	assert_out_has(r, "(failslab injected 5)");
	assert_out_has(r, "FAULT_INJECTION: forcing a failure.\nname failslab");
	vmm_result_free(&r);
}

Test(slab, default_run_shows_the_slab_demo, .timeout = 60)
{
	struct vmm_result r = vmm_run(30, "-m", "128M", "-c", "highmem=32M", NULL);
	assert_status(r, 0);
	assert_out_has(r, "== demo:slab: the slab allocator");
	assert_out_has(r, "mempool_alloc() x 5 -> 4 objects from the reserve, then NULL");
	vmm_result_free(&r);
}

/* ---- The reports that end in a panic (exit status 80) --------------------- */

static struct vmm_result crash(const char *cmdline)
{
	return vmm_run(30, "-m", "64M", "-c", cmdline, NULL);
}

Test(slab, redzone_overwrite_is_reported, .timeout = 60)
{
	struct vmm_result r = crash("slab_debug=FZPU run=crash:slab_redzone");
	assert_status(r, 80);
	assert_out_has(r, "BUG kmalloc-64: Redzone overwritten");
	assert_out_has(r, "First byte 0x41 instead of 0xc0");
	assert_out_has(r, "INFO: Allocated in [<");
	assert_out_has(r, "INFO: Object 0x");
	assert_err_has(r, "guest panic: BUG kmalloc-64: Redzone overwritten");
	vmm_result_free(&r);
}

Test(slab, double_free_is_reported_with_red_zones, .timeout = 60)
{
	struct vmm_result r = crash("slab_debug=FZPU run=crash:slab_double_free");
	assert_status(r, 80);
	assert_out_has(r, "BUG kmalloc-64: Object already free");
	assert_out_has(r, "INFO: double free of object 0x");
	assert_out_has(r, "INFO: Freed in [<");
	vmm_result_free(&r);
}

Test(slab, double_free_is_reported_without_debugging, .timeout = 60)
{
	struct vmm_result r = crash("run=crash:slab_double_free");
	assert_status(r, 80);
	assert_out_has(r, "BUG kmalloc-64: Object already free");
	vmm_result_free(&r);
}

Test(slab, write_after_free_is_reported, .timeout = 60)
{
	struct vmm_result r = crash("slab_debug=P run=crash:slab_poison");
	assert_status(r, 80);
	assert_out_has(r, "BUG kmalloc-64: Poison overwritten");
	assert_out_has(r, "First byte 0x42 instead of 0x6b");
	vmm_result_free(&r);
}

Test(slab, kfree_of_foreign_pointers_panics, .timeout = 60)
{
	static const struct { const char *arg, *why; } t[] = {
		{ "run=crash:kfree_bad", "in a reserved page" },
		{ "run=crash:kfree_bad:interior", "not the start of an object" },
		{ "run=crash:kfree_bad:page", "neither a slab object nor a kmalloc large block" },
	};
	for (unsigned int i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct vmm_result r = crash(t[i].arg);
		assert_status(r, 80);
		assert_out_has(r, "Invalid object pointer 0x");
		assert_out_has(r, t[i].why);
		vmm_result_free(&r);
	}
}

/*
 * Every allocator at once with 10% of page and slab allocations failing:
 * objects intact when freed (the guest panics otherwise), zero violations
 * at every checkpoint, and the accounting back where it started.
 */
Test(slab, stress_all_under_fault_injection_ends_where_it_began, .timeout = 180)
{
	for (int seed = 1; seed <= 3; seed++) {
		char cmd[256];
		unsigned long pages = 0, slab = 0, reserve = 0;
		const char *line;

		snprintf(cmd, sizeof(cmd), "highmem=32M run=stress:all seed=%d ops=1500 "
			 "fail_page_alloc=1,10,0,-1 failslab=1,10,0,-1", seed);
		struct vmm_result r = vmm_run(120, "-m", "128M", "--check", "-c", cmd, NULL);

		assert_status(r, 0);
		assert_out_has(r, "stress:all: the accounting is back where it started\n");
		char summary[96];

		/* Every rule ran. */
		snprintf(summary, sizeof(summary), "check: 16 checkpoints, %d rules, 0 violations", R_NR);
		assert_err_has(r, summary);
		line = strstr(r.out, "injected: fail_page_alloc ");
		cr_assert(line && sscanf(line, "injected: fail_page_alloc %lu, failslab %lu; mempool "
					 "reserve allocations %lu", &pages, &slab, &reserve) == 3,
			  "%s", r.out);
		cr_assert(pages > 0 && slab > 0 && reserve > 0,
			  "seed %d: injected %lu page and %lu slab failures, %lu reserve allocations",
			  seed, pages, slab, reserve);
		vmm_result_free(&r);
	}
}
