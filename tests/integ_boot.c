/* Integration tests for the Boot issue: boot the real guest.elf under KVM
 * and assert on exit status and output. */
#include "harness.h"

#define MEM "-m", "128M"

Test(boot, default_run_prints_banner_and_exits_0, .timeout = 60)
{
	struct vmm_result r = vmm_run(30, MEM, NULL);
	assert_status(r, 0);
	assert_out_has(r, "mmvisor guest");
	assert_out_has(r, "== demo:mm");
	assert_out_has(r, "MemTotal:");
	vmm_result_free(&r);
}

Test(boot, exit_code_passes_through, .timeout = 60)
{
	struct vmm_result r = vmm_run(30, MEM, "-c", "run=exit:7", NULL);
	assert_status(r, 7);
	vmm_result_free(&r);
}

Test(boot, workloads_run_in_order, .timeout = 60)
{
	struct vmm_result r = vmm_run(30, MEM, "-c", "run=exit:0,exit:9,exit:3", NULL);
	assert_status(r, 9);
	vmm_result_free(&r);
}

Test(boot, unknown_workload_is_an_error, .timeout = 60)
{
	struct vmm_result r = vmm_run(30, MEM, "-c", "run=nosuch", NULL);
	assert_status(r, 2);
	assert_out_has(r, "unknown workload 'nosuch'");
	vmm_result_free(&r);
}

Test(boot, divide_error_panics_with_report, .timeout = 60)
{
	struct vmm_result r = vmm_run(30, MEM, "-c", "run=crash:divide", NULL);
	assert_status(r, 80);
	assert_out_has(r, "divide error");
	assert_out_has(r, "EIP:");
	vmm_result_free(&r);
}

Test(boot, page_fault_panics_and_shows_cr2, .timeout = 60)
{
	struct vmm_result r = vmm_run(30, MEM, "-c", "run=crash:pf", NULL);
	assert_status(r, 80);
	assert_out_has(r, "page fault");
	assert_out_has(r, "CR2:");
	vmm_result_free(&r);
}

Test(boot, panic_backtrace_is_symbolised_by_host, .timeout = 60)
{
	struct vmm_result r = vmm_run(30, MEM, "-c", "run=crash:divide", NULL);
	assert_status(r, 80);
	assert_err_has(r, "start_kernel+0x");
	vmm_result_free(&r);
}

Test(boot, triple_fault_exits_81, .timeout = 60)
{
	struct vmm_result r = vmm_run(30, MEM, "-c", "run=crash:triple", NULL);
	assert_status(r, 81);
	assert_err_has(r, "triple fault");
	vmm_result_free(&r);
}

/* The bound is loose on purpose: it catches a watchdog that never fires. */
Test(boot, hang_hits_the_watchdog, .timeout = 60)
{
	struct vmm_result r = vmm_run(20, MEM, "--timeout", "1", "-c", "run=hang", NULL);
	assert_status(r, 82);
	assert_err_has(r, "timeout");
	vmm_result_free(&r);
}

Test(boot, missing_image_exits_66, .timeout = 30)
{
	struct vmm_result r = vmm_run(20, "/nonexistent/guest.elf", HARNESS_NO_GUEST, NULL);
	assert_status(r, 66);
	assert_err_has(r, "/nonexistent/guest.elf");
	vmm_result_free(&r);
}

Test(boot, non_i386_image_exits_65, .timeout = 30)
{
	struct vmm_result r = vmm_run(20, "/bin/ls", HARNESS_NO_GUEST, NULL);
	assert_status(r, 65);
	assert_err_has(r, "ELF32");
	vmm_result_free(&r);
}

Test(boot, garbage_mem_exits_64, .timeout = 30)
{
	struct vmm_result r = vmm_run(20, "-m", "lots", NULL);
	assert_status(r, 64);
	assert_err_has(r, "--mem");
	vmm_result_free(&r);
}

Test(boot, mem_bounds_are_enforced, .timeout = 30)
{
	struct vmm_result r = vmm_run(20, "-m", "15M", NULL);
	assert_status(r, 64);
	vmm_result_free(&r);
	r = vmm_run(20, "-m", "65G", NULL);
	assert_status(r, 64);
	vmm_result_free(&r);
}

Test(boot, big_guest_splits_around_the_hole, .timeout = 60)
{
	struct vmm_result r = vmm_run(30, "-m", "6G", "-c", "run=exit:0", NULL);
	assert_status(r, 0);
	vmm_result_free(&r);
}

Test(boot, stats_report_entry_time_and_exits, .timeout = 60)
{
	struct vmm_result r = vmm_run(30, MEM, "--stats", "-c", "run=exit:0", NULL);
	assert_status(r, 0);
	assert_err_has(r, "guest entry");
	assert_err_has(r, "peak RSS");
	vmm_result_free(&r);
}

/* The instrument's own test: the calibration loop is exactly 1000
 * instructions and the bracket adds a fixed 14 (documented in
 * guest/kernel/workloads_boot.c and guest/include/hypercall.h). */
Test(boot, count_insns_calibrates_to_1000_plus_overhead, .timeout = 120)
{
	struct vmm_result r = vmm_run(60, MEM, "--count-insns", "-c", "run=bench:calibrate,bench:empty quiet", NULL);
	assert_status(r, 0);
	assert_out_has(r, "bench calibrate ops=1 insns/op=1014 ");
	assert_out_has(r, "bench empty ops=1 insns/op=14 ");
	vmm_result_free(&r);
}
