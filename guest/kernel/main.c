/*
 * start_kernel: from head.S to the workloads (Linux: init/main.c).
 *
 * Boot does as little as possible, since every instruction is emulated:
 * load the IDT, check the boot_info handed over by the VMM, parse the
 * command line, pick the console, print a one-line banner (unless
 * `quiet`), then run the workloads named by run= (default "banner,demo:mm,demo:slab,demo:vm") and
 * exit with the first nonzero result, or 0.
 */
#include "kernel.h"
#include "cmdline.h"
#include "hypercall.h"
#include "printk.h"
#include "string.h"
#include "workload.h"
#include "setup.h"
#include "asm/setup.h"
#include "asm/traps.h"

struct boot_info *boot_params;

static u64 e820_ram_bytes(const struct boot_info *bi)
{
	u32 i, nr = min(bi->e820_nr, (u32)E820_MAX);
	u64 total = 0;

	for (i = 0; i < nr; i++)
		if (bi->e820[i].type == E820_RAM)
			total += bi->e820[i].size;
	return total;
}

void start_kernel(struct boot_info *bi)
{
	const char *run;
	int ret;

	/* First, so that even a bad boot_info pointer gets an oops report
	 * rather than a triple fault. */
	idt_init();

	/* Before anything trusts the layout: a mismatch means the VMM and
	 * the guest were built from different shared/abi.h. */
	if (bi->magic != BOOT_INFO_MAGIC)
		panic("boot_info at %p has magic %#x, expected %#x: the VMM does not "
		      "speak this kernel's boot protocol (shared/abi.h)",
		      bi, bi->magic, BOOT_INFO_MAGIC);
	if (bi->version != BOOT_INFO_VERSION)
		panic("boot_info version %u, this kernel expects %u: rebuild the VMM "
		      "and the guest from the same shared/abi.h",
		      bi->version, BOOT_INFO_VERSION);
	boot_params = bi;

	cmdline_init(bi->cmdline, sizeof(bi->cmdline));
	/* bench=boot brackets boot up to a ready page allocator.  It starts
	 * here because the command line must be parsed to know it was asked
	 * for; idt_init and the parse before it are a few hundred
	 * instructions. */
	bool bench_boot = cmdline_get("bench") && !strcmp(cmdline_get("bench"), "boot");
	if (bench_boot)
		bench_begin("boot");
	console_init();

	if (bi->e820_nr > E820_MAX)
		printk("boot_info: %u e820 entries, only %u used\n", bi->e820_nr, E820_MAX);
	/* One line, one console exit: printk costs ~15 instructions a
	 * character, and this runs on every boot. */
	if (!cmdline_get("quiet"))
		printk("mmvisor guest: %llu MiB RAM, command line: %s\n",
		       /* rounded: the ISA hole makes 128M show as 127.6 */
		       (e820_ram_bytes(bi) + (1 << 19)) >> 20, boot_command_line);

	mm_init(bi);
	if (bench_boot)
		bench_end("boot", 1);
	mm_init_late();
	pagefault_init();
	syscall_init();
	if (!cmdline_get("quiet"))
		mm_print_layout();

	run = cmdline_get("run");
	if (!run || !*run)
		run = "banner,demo:mm,demo:slab,demo:vm";
	ret = run_workloads(run);
	if (ret < 0 || ret > 63) {
		printk("workload status %d is outside 0..63, exiting with 1\n", ret);
		ret = 1;
	}
	exit(ret);
}
