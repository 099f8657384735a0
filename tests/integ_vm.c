/*
 * Integration tests for address spaces and user tasks (guest/mm/mmap.c,
 * memory.c, guest/kernel/sched.c, syscall.c, guest/arch/fault.c): run=demand
 * at 128M with highmem=32M and at 6G, with size=, selftest:vm through the int $0x80
 * gate and through the #UD path, at 128M and at 64M (where the OOM killer
 * picks the big task), the segfault report (with the VMA holding the
 * address, or "no vma"), int $0x40 as a general protection fault, and the
 * kernel-mode fault's oops, each with --check.
 */
#include "harness.h"
#include "exitcodes.h"

#define SMALL "-m", "128M"
#define DEMAND_8M "demand: pages=2048 faults=2048 rss_before=0 rss_after_touch=2048 " \
		  "rss_after_munmap=0 buddy_restored=yes\n"

static void assert_checked_clean(const struct vmm_result *r)
{
	cr_assert(strstr(r->err, " rules, 0 violations, ") && !strstr(r->err, " 0 checkpoints"),
		  "stderr:\n%.4000s", r->err);
}

Test(vm, demand_8M_at_128M_highmem_32M, .timeout = 120)
{
	struct vmm_result r = vmm_run(90, SMALL, "--check", "-c", "highmem=32M quiet run=demand", NULL);

	assert_status(r, 0);
	cr_assert_str_eq(r.out, DEMAND_8M);
	assert_checked_clean(&r);
	vmm_result_free(&r);
}

Test(vm, demand_at_6G, .timeout = 120)
{
	struct vmm_result r = vmm_run(90, "-m", "6G", "--check", "-c", "quiet run=demand", NULL);

	assert_status(r, 0);
	cr_assert_str_eq(r.out, DEMAND_8M);
	assert_checked_clean(&r);
	vmm_result_free(&r);
}

Test(vm, demand_size_option, .timeout = 120)
{
	struct vmm_result r = vmm_run(90, SMALL, "-c", "highmem=32M quiet run=demand size=3M", NULL);

	assert_status(r, 0);
	cr_assert_str_eq(r.out, "demand: pages=768 faults=768 rss_before=0 rss_after_touch=768 "
				"rss_after_munmap=0 buddy_restored=yes\n");
	vmm_result_free(&r);
}

Test(vm, demand_through_the_ud_path, .timeout = 120)
{
	struct vmm_result r = vmm_run(90, SMALL, "-c", "highmem=32M quiet run=demand int80=ud", NULL);

	assert_status(r, 0);
	cr_assert_str_eq(r.out, DEMAND_8M);
	vmm_result_free(&r);
}

static const char *const selftest_items[] = {
	"vma_split_merge", "ro_write_kills_only_it", "zero_page", "stack_growth", "brk",
	"efault", "prot_modes", "copy_to_user", "same_va", "teardown", "oom", "hole_write",
	"int40_is_gp", "write_cap", "copy_from_user_tail", "pgtable_span", "brk_regrow",
	"growsdown_gap", "int80_straddle",
};

/* The whole line of r's stdout that starts with prefix (asserted there). */
static char *out_line(const struct vmm_result *r, const char *prefix)
{
	const char *p = strstr(r->out, prefix), *e;

	cr_assert(p, "stdout lacks \"%s\"\nstdout:\n%.4000s", prefix, r->out);
	e = strchr(p, '\n');
	return strndup(p, e ? (size_t)(e - p + 1) : strlen(p));
}

/* A segfault report, exactly: Linux's show_signal_msg fields, the error
 * decoded, and the VMA holding the address or "no vma"; ip and sp are
 * taken from the line (they move with the build), then the whole line is
 * compared.  The address is addr, or with addr 0 one in [lo, lo + 4096)
 * (a stack address, which moves with the build too). */
static void assert_segfault_line(const struct vmm_result *r, int pid, unsigned long addr,
				 unsigned long lo, const char *rest)
{
	char prefix[64], want[192];
	unsigned long ip, sp;
	char *line;

	if (!addr) {
		snprintf(prefix, sizeof(prefix), "vmtest[%d]: segfault at ", pid);
		line = out_line(r, prefix);
		cr_assert(sscanf(line + strlen(prefix), "%8lx", &addr) == 1, "line: %s", line);
		cr_assert(addr >= lo && addr < lo + 4096, "address %#lx not in [%#lx, +4096): %s",
			  addr, lo, line);
		free(line);
	}
	snprintf(prefix, sizeof(prefix), "vmtest[%d]: segfault at %08lx ip ", pid, addr);
	line = out_line(r, prefix);
	cr_assert(sscanf(line + strlen(prefix), "%8lx sp %8lx", &ip, &sp) == 2, "line: %s", line);
	snprintf(want, sizeof(want), "%s%08lx sp %08lx %s\n", prefix, ip, sp, rest);
	cr_assert_str_eq(line, want);
	free(line);
	/* ... and the task is killed right after it. */
	snprintf(want + strlen(want), sizeof(want) - strlen(want),
		 "Killed process %d (vmtest): SIGSEGV\n", pid);
	assert_out_has(*r, want);
}

/* int $0x40 from ring 3 is a general protection fault at the instruction
 * vmtest printed, through the gate or int80=ud alike; never the #UD path's
 * "invalid opcode".  The error code names the IDT entry: vector << 3 | 2
 * (0x202) on hardware, the 16-byte gate's byte offset | 2 (0x402) on TCG. */
static void assert_int40_is_gp(const struct vmm_result *r)
{
	char *line = out_line(r, "vmtest: int $0x40 at 0x"), want[96];
	unsigned long ip;

	cr_assert(sscanf(line, "vmtest: int $0x40 at 0x%lx", &ip) == 1, "line: %s", line);
	free(line);
	snprintf(want, sizeof(want), "traps: vmtest[17] general protection fault ip:%lx sp:", ip);
	assert_out_has(*r, want);
	snprintf(want, sizeof(want), " error:%s\n", harness_on_kvm() ? "202" : "402");
	assert_out_has(*r, want);
	cr_assert(!strstr(r->out, "invalid opcode"), "stdout:\n%.4000s", r->out);
}

/* The two bad user writes that have no VMA to blame: the stack stopped at
 * its 8 MiB limit, and a hole. */
static void assert_no_vma_reports(const struct vmm_result *r)
{
	assert_segfault_line(r, 6, 0, 0xbf7ff000, "error 6 (not-present write user) no vma");
	assert_segfault_line(r, 16, 0x20000000, 0, "error 6 (not-present write user) no vma");
}

static void assert_selftest_passed(const struct vmm_result *r)
{
	char line[96];

	for (size_t i = 0; i < sizeof(selftest_items) / sizeof(selftest_items[0]); i++) {
		snprintf(line, sizeof(line), "selftest:vm: %-24s ok\n", selftest_items[i]);
		assert_out_has(*r, line);
	}
	assert_out_has(*r, "selftest:vm: passed\n");
}

Test(vm, selftest_through_the_gate_at_128M, .timeout = 150)
{
	struct vmm_result r = vmm_run(120, SMALL, "--check", "-c", "highmem=32M run=selftest:vm", NULL);

	assert_status(r, 0);
	assert_selftest_passed(&r);
	assert_out_has(r, "selftest:vm: 0 system calls came in through #UD\n");
	/* The report names the task, the address, the error bits and the VMA. */
	assert_out_has(r, "vmtest[2]: segfault at 40000000 ip ");
	assert_out_has(r, " error 7 (protection write user) vma 40000000-40001000 r--p\n"
			  "Killed process 2 (vmtest): SIGSEGV\n");
	assert_no_vma_reports(&r);
	assert_int40_is_gp(&r);
	/* The idle big task, not the one whose fault ran out. */
	assert_out_has(r, "Out of memory: Killed process 14 (vmtest) total-vm:96264kB, anon-rss:");
	assert_out_has(r, "kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:");
	assert_out_has(r, "kB oom_score_adj:0\nselftest:vm: oom: the idle 94 MiB task was killed for the 47 MiB one\n");
	assert_checked_clean(&r);
	vmm_result_free(&r);
}

Test(vm, selftest_through_the_ud_path_at_64M, .timeout = 150)
{
	struct vmm_result r = vmm_run(120, "-m", "64M", "--check", "-c", "run=selftest:vm int80=ud", NULL);

	assert_status(r, 0);
	assert_selftest_passed(&r);
	assert_out_has(r, "selftest:vm: 6 system calls came in through #UD\n");
	assert_out_has(r, "Out of memory: Killed process 14 (vmtest) total-vm:47112kB, anon-rss:");
	assert_out_has(r, "selftest:vm: oom: the idle 46 MiB task was killed for the 32 MiB one\n");
	assert_no_vma_reports(&r);
	assert_int40_is_gp(&r);
	assert_checked_clean(&r);
	vmm_result_free(&r);
}

Test(vm, kernel_fault_is_an_oops, .timeout = 60)
{
	struct vmm_result r = vmm_run(45, SMALL, "-c", "quiet run=crash:kernel-fault", NULL);

	assert_status(r, EXIT_GUEST_PANIC);
	assert_out_has(r, "BUG: unable to handle page fault for address: 00000000\n"
			  "#PF: supervisor read access in kernel mode\n"
			  "#PF: error_code(0x0000) - not-present page\n"
			  "page fault: 0000 [#1] vector 14\n");
	assert_out_has(r, "Kernel panic - not syncing: Fatal exception: page fault\n");
	assert_err_has(r, "wl_crash_kernel_fault+0x");
	vmm_result_free(&r);
}

/* run=demand refuses a size no task could map, saying why. */
Test(vm, demand_refuses_a_size_no_task_can_map, .timeout = 60)
{
	struct vmm_result r = vmm_run(45, SMALL, "-c", "quiet run=demand size=0", NULL);

	assert_status(r, 1);
	assert_out_has(r, "demand: size=0: want 1 byte to 2048 MiB, what a task can map above "
			  "0x40000000\n");
	cr_assert_null(strstr(r.out, "demand: pages="), "%s", r.out);
	vmm_result_free(&r);
}

/* A kernel without CR0.WP would write through the zero page's read-only
 * PTE: the boot check stops it, saying why. */
Test(vm, a_clear_cr0_wp_is_a_bug, .timeout = 60)
{
	struct vmm_result r = vmm_run(45, SMALL, "-c", "quiet run=crash:no-wp", NULL);

	assert_status(r, EXIT_GUEST_PANIC);
	assert_out_has(r, "crash:no-wp: clearing CR0.WP\nCR0.WP is clear: kernel writes to user "
			  "memory would ignore read-only PTEs and write into the shared zero page\n"
			  "kernel BUG at guest/arch/fault.c:");
	assert_err_has(r, "vmm: guest panic: kernel BUG at guest/arch/fault.c:");
	assert_err_has(r, "check_cr0_wp+0x");
	vmm_result_free(&r);
}

/* Each address-space corruption, applied at demand's first checkpoint
 * (the task alive with its image, stack and mapping), exits 83 and is
 * reported by its own rule alone. */
Test(vm, corruptions_are_caught_by_their_rules, .timeout = 240)
{
	static const struct { const char *kind, *rule; } kinds[] = {
		{ "vma-overlap", "vm.vma: " }, { "pte-outside-vma", "vm.pte: " },
		{ "pte-rights", "vm.rights: " }, { "mapcount", "vm.page: " }, { "rss", "vm.rss: " },
		{ "kernel-pd-unshared", "vm.kernel_pd: " },
	};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct vmm_result r = vmm_run(60, SMALL, "--corrupt", kinds[i].kind, "-c",
					      "highmem=32M quiet run=demand", NULL);

		assert_status(r, EXIT_INVARIANT);
		assert_err_has(r, "): 1 violation\n");
		assert_err_has(r, kinds[i].rule);
		vmm_result_free(&r);
	}
}

/* The default run ends with demo:vm: RSS and faults grow a MiB (256 pages)
 * at a time while VSZ stays at the 64 MiB mapping plus image, heap and stack. */
Test(vm, default_run_shows_demand_paging, .timeout = 120)
{
	struct vmm_result r = vmm_run(90, SMALL, "--check", "-c", "highmem=32M", NULL);

	assert_status(r, 0);
	assert_out_has(r, "demo:vm: demo[1] after 0 MiB touched: VSZ  65552 kB  RSS     8 kB  faults    0"
			  "  page tables 4\n");
	assert_out_has(r, "demo:vm: demo[1] after 1 MiB touched: VSZ  65552 kB  RSS  1032 kB  faults  256"
			  "  page tables 6\n");
	assert_out_has(r, "demo:vm: demo[1] after 4 MiB touched: VSZ  65552 kB  RSS  4104 kB  faults 1024"
			  "  page tables 7\n");
	/* The heap's two pages count in VSZ, never in RSS: nothing touched them. */
	assert_out_has(r, "demo:vm: /proc/1/maps (the image, the heap, the 64 MiB mapping, the stack):\n"
			  "08048000-08049000 rwxp 00000000 00:00 0 \n"
			  "08049000-0804b000 rw-p 00000000 00:00 0          [heap]\n"
			  "40000000-44000000 rw-p 00000000 00:00 0 \n"
			  "bffff000-c0000000 rw-p 00000000 00:00 0          [stack]\n");
	assert_out_has(r, "demo:vm: the task exited with 0; pgfault 1026, nr_anon_pages 0\n");
	vmm_result_free(&r);
}

Test(vm, stress_with_checkpoints_over_three_seeds, .timeout = 240)
{
	for (int seed = 1; seed <= 3; seed++) {
		char opt[64];
		struct vmm_result r;

		snprintf(opt, sizeof(opt), "highmem=32M quiet run=stress:vm seed=%d ops=1000", seed);
		r = vmm_run(60, SMALL, "--check", "-c", opt, NULL);
		assert_status(r, 0);
		assert_out_has(r, " checkpoints; every task verified its pages, free counts restored\n");
		assert_checked_clean(&r);
		vmm_result_free(&r);
	}
}

/* bench:vm's counts are exact: one PTE write a fault, plus five table
 * entries: the PD of the mapping's GiB and the four PTs of its 8 MiB. */
Test(vm, bench_counts_one_pte_write_a_fault, .timeout = 60)
{
	struct vmm_result r = vmm_run(45, SMALL, "-c", "highmem=32M quiet run=bench:vm", NULL);

	assert_status(r, 0);
	assert_out_has(r, "vm-bench anon_write faults=2048 pte_writes=2053 hypercalls=0\n");
	assert_out_has(r, "vm-bench zero_read faults=2048 pte_writes=2053 hypercalls=0\n");
	vmm_result_free(&r);
}

/* --show tasks at demand's checkpoints: the mapping's 2048 pages appear in
 * RSS at the second, and are gone at the third. */
Test(vm, show_tasks_follows_the_demand_task, .timeout = 60)
{
	struct vmm_result r = vmm_run(45, SMALL, "--show", "tasks", "-c", "highmem=32M quiet run=demand",
				      NULL);

	assert_status(r, 0);
	assert_out_has(r, "    1 demand           R        3       8200          8        0\n");
	assert_out_has(r, "    1 demand           R        3       8200       8200     2048\n");
	assert_out_has(r, "    1 demand           R        2          8          8     2048\n");
	vmm_result_free(&r);
}
