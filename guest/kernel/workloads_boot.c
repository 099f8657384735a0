/*
 * Workloads for booting and testing the VMM itself: the default banner,
 * exit codes, every kind of crash the VMM must report, a hang for its
 * timeout, and the bench-bracket calibration for --count-insns.
 *
 * Exit statuses the VMM produces for these (see vmm --help): exit:N -> N,
 * crash:* -> 80 (HC_PANIC), crash:triple -> 81 (triple fault / shutdown),
 * hang with --timeout -> 82.
 */
#include "kernel.h"
#include "cmdline.h"
#include "hypercall.h"
#include "printk.h"
#include "workload.h"
#include "asm/desc.h"
#include "asm/irqflags.h"
#include "asm/processor.h"
#include "asm/setup.h"
#include "asm/traps.h"

/* ---- banner ----------------------------------------------------------- */

static int wl_banner(const char *arg)
{
	const struct boot_info *bi = boot_params;
	u32 i, nr = min(bi->e820_nr, (u32)E820_MAX);

	(void)arg;
	printk("Hello from the mmvisor guest: a 32-bit i386 PAE kernel in IA-32e "
	       "compatibility mode.\n");
	printk("BIOS-provided physical RAM map:\n");
	for (i = 0; i < nr; i++) {
		const struct e820_entry *e = &bi->e820[i];

		printk("BIOS-e820: [mem 0x%016llx-0x%016llx] %s\n", e->addr,
		       e->addr + e->size - 1,
		       e->type == E820_RAM ? "usable" :
		       e->type == E820_RESERVED ? "reserved" : "unknown");
	}
	workload_list();
	return 0;
}
DEFINE_WORKLOAD("banner", wl_banner,
		"memory map and this list (the default run is banner,demo:mm,demo:slab,demo:vm)");

/* ---- exit ------------------------------------------------------------- */

static int wl_exit(const char *arg)
{
	char *end;
	unsigned long long code = simple_strtoull(arg, &end, 10);

	if (end == arg || *end || code > 63) {
		printk("exit: '%s' is not a status in 0..63\n", arg);
		return 2;
	}
	/* Like any workload's result, 0 means "go on": exit:0 continues the
	 * list (and the run ends with 0 anyway); N > 0 ends the VM now. */
	if (code)
		exit(code);
	return 0;
}
DEFINE_WORKLOAD("exit", wl_exit,
		"exit:N ends the VM with status N (1..63); exit:0 goes on");

/* ---- crashes ---------------------------------------------------------- */

static int wl_crash_divide(const char *arg)
{
	/* volatile: the compiler must not see the 0.  The divl is explicit
	 * because gcc may legally rewrite 1 / x as x == 1, which never traps. */
	volatile u32 zero = 0;
	u32 q, r;

	(void)arg;
	__asm__ __volatile__("divl %2" : "=a"(q), "=d"(r) : "rm"(zero), "0"(1), "1"(0));
	return q;
}
DEFINE_WORKLOAD("crash:divide", wl_crash_divide,
		"divide error (#DE) in the kernel: oops, panic");

/* Nothing maps 2..3 GiB: the boot tables map only PDPT slots 0 and 3, and
 * later this is user address space, never mapped in kernel context. */
#define UNMAPPED_ADDR 0xa0000000ul

static int wl_crash_pf(const char *arg)
{
	(void)arg;
	return *(volatile u32 *)UNMAPPED_ADDR;
}
DEFINE_WORKLOAD("crash:pf", wl_crash_pf,
		"read an unmapped address (#PF): oops, panic");

static int wl_crash_ud(const char *arg)
{
	(void)arg;
	__asm__ __volatile__("ud2");
	return 0;
}
DEFINE_WORKLOAD("crash:ud", wl_crash_ud,
		"execute ud2 (#UD): oops, panic");

static int wl_crash_bug(const char *arg)
{
	BUG_ON(arg != NULL);
	return 0;
}
DEFINE_WORKLOAD("crash:bug", wl_crash_bug,
		"BUG_ON(): kernel BUG report, panic");

/*
 * Double fault: with %esp pointing into unmapped memory, delivering the
 * #UD faults (#PF), and delivering that #PF faults again: #DF.  #DF runs
 * on its IST1 stack, so this checks that the TSS is set up.
 */
static int wl_crash_df(const char *arg)
{
	(void)arg;
	__asm__ __volatile__("movl %0, %%esp\n\tud2" : : "i"(UNMAPPED_ADDR) : "memory");
	return 0;
}
DEFINE_WORKLOAD("crash:df", wl_crash_df,
		"fault on an unmapped stack: #DF on its IST stack, panic");

/* Triple fault: with an empty IDT, any exception faults in delivery (#GP),
 * that fails too (#DF), and so does the #DF: the CPU shuts down. */
static int wl_crash_triple(const char *arg)
{
	static const struct desc_ptr no_idt = { .size = 0, .address = 0 };

	(void)arg;
	local_irq_disable();
	load_idt(&no_idt);
	__asm__ __volatile__("ud2");
	return 0;
}
DEFINE_WORKLOAD("crash:triple", wl_crash_triple,
		"load an empty IDT and fault: triple fault");

static int wl_warn(const char *arg)
{
	WARN_ON(arg != NULL);
	return 0;
}
DEFINE_WORKLOAD("warn", wl_warn,
		"WARN_ON(): print a warning and carry on");

static int wl_hang(const char *arg)
{
	(void)arg;
	console_flush();
	local_irq_disable();
	for (;;)
		barrier();
	return 0;
}
DEFINE_WORKLOAD("hang", wl_hang,
		"spin forever with interrupts off (for vmm --timeout)");

static int wl_checkpoint(const char *arg)
{
	char *end;
	unsigned long long tag = simple_strtoull(arg, &end, 0);

	if (*end) {
		printk("checkpoint: '%s' is not a number\n", arg);
		return 2;
	}
	checkpoint(tag);
	return 0;
}
DEFINE_WORKLOAD("checkpoint", wl_checkpoint,
		"checkpoint[:TAG] calls the checkpoint hypercall (TAG default 0)");

/* ---- trap round trip ------------------------------------------------- */

static unsigned int ud_hits;

/* Skips the 2-byte ud2 and leaves a mark in %eax. */
static void selftest_ud_handler(struct pt_regs *regs)
{
	if (regs->vector == X86_TRAP_UD && regs->cs == __KERNEL_CS &&
	    regs->ss == __KERNEL_DS && regs->error_code == 0)
		ud_hits++;
	regs->ip += 2;
	regs->ax = 0x600d0000 | ud_hits;
}

/*
 * A trap that returns: ud2 through the 64-bit gate, the 32-bit handler and
 * back with iretq, checking that every register survives (and that a
 * handler's change to *regs reaches the interrupted code).
 */
static int wl_selftest_traps(const char *arg)
{
	trap_handler_t old = set_trap_handler(X86_TRAP_UD, selftest_ud_handler);
	/* static: addressed absolutely, not through the %ebp under test */
	static u32 flags;
	u32 a, b, c, d, si, di;
	int ok;

	(void)arg;
	__asm__ __volatile__("pushl %%ebp\n\t"
			     "movl $0xbbbb0001, %%ebx\n\t"
			     "movl $0xcccc0002, %%ecx\n\t"
			     "movl $0xdddd0003, %%edx\n\t"
			     "movl $0x5151a004, %%esi\n\t"
			     "movl $0xd1d1a005, %%edi\n\t"
			     "movl $0xebeb0006, %%ebp\n\t"
			     "std\n\t"
			     "ud2\n\t"
			     "pushfl\n\t"
			     "cld\n\t"
			     "cmpl $0xebeb0006, %%ebp\n\t"
			     "popl %%ebp\n\t"	/* flags */
			     "jne 1f\n\t"
			     "orl $0x80000000, %%ebp\n"	/* mark: %ebp survived */
			     "1:\tmovl %%ebp, %6\n\t"
			     "popl %%ebp"
			     : "=a"(a), "=b"(b), "=c"(c), "=d"(d), "=S"(si), "=D"(di),
			       "=m"(flags)
			     : : "memory", "cc");
	set_trap_handler(X86_TRAP_UD, old);

	ok = ud_hits == 1 && a == 0x600d0001 && b == 0xbbbb0001 && c == 0xcccc0002 &&
	     d == 0xdddd0003 && si == 0x5151a004 && di == 0xd1d1a005 &&
	     (flags & 0x80000000) && (flags & X86_EFLAGS_DF);
	printk("selftest:traps: %s (hits %u eax %08x ebx %08x ecx %08x edx %08x "
	       "esi %08x edi %08x flags %08x)\n", ok ? "ok" : "FAILED", ud_hits,
	       a, b, c, d, si, di, flags);
	return ok ? 0 : 1;
}
DEFINE_WORKLOAD("selftest:traps", wl_selftest_traps,
		"a #UD that returns: registers survive the 64/32-bit trap path");

/* ---- bench brackets --------------------------------------------------- */

/*
 * The bracket overhead, i.e. what --count-insns reports for bench:empty:
 * 14 instructions with this compiler (gcc 12.2 -O2; re-measure after a
 * toolchain or flag change, it is whatever bench:empty says).  Counted
 * from the instruction after the OUT in __bench_begin up to, not
 * including, the OUT in __bench_end:
 *
 *	__bench_begin:	ret					 1
 *	caller:		mov $tag,%eax; mov $len,%edx;
 *			mov $n_ops,%ecx; call __bench_end	 4
 *	__bench_end:	mov %edx,a1; add $-PAGE_OFFSET,%eax;
 *			mov %eax,a0; mov %ecx,a3; rdtsc;
 *			mov %eax,a2; mov $pa,%eax; mov %edx,a2+4;
 *			mov $HC_PORT,%edx			 9
 *							       ----
 *							        14
 *
 * The caller's part assumes literal tag and n_ops, as here; any other
 * argument computation between the brackets adds to the count.
 */
static int wl_bench_empty(const char *arg)
{
	(void)arg;
	bench_begin("empty");
	bench_end("empty", 1);
	return 0;
}
DEFINE_WORKLOAD("bench:empty", wl_bench_empty,
		"an empty bench bracket: its count is the bracket overhead");

/*
 * Exactly 1000 instructions between the brackets' own code:
 *
 *	movl $499, %ecx		    1
 *   1:	decl %ecx		  499
 *	jnz 1b			  499	(498 taken + 1 not taken)
 *	nop			    1
 *				 ----
 *				 1000
 *
 * so count(bench:calibrate) - count(bench:empty) must be exactly 1000.
 */
static int wl_bench_calibrate(const char *arg)
{
	(void)arg;
	bench_begin("calibrate");
	__asm__ __volatile__("movl $499, %%ecx\n"
			     "1:\tdecl %%ecx\n\t"
			     "jnz 1b\n\t"
			     "nop"
			     : : : "ecx", "cc");
	bench_end("calibrate", 1);
	return 0;
}
DEFINE_WORKLOAD("bench:calibrate", wl_bench_calibrate,
		"a bench bracket around exactly 1000 instructions");

/*
 * N hypercalls in a row, for the VMM's round-trip benchmark: the wall time
 * of bench:hypercall:N minus that of bench:hypercall:0, over N.  Each is a
 * checkpoint, the cheapest call: without an inspector the VMM only counts it.
 */
static int wl_bench_hypercall(const char *arg)
{
	char *end;
	unsigned long long n = simple_strtoull(arg, &end, 10);

	if (!*arg || *end) {
		printk("bench:hypercall: '%s' is not a count\n", arg);
		return 2;
	}
	while (n--)
		checkpoint(0);
	return 0;
}
DEFINE_WORKLOAD("bench:hypercall", wl_bench_hypercall,
		"bench:hypercall:N makes N checkpoint hypercalls (round-trip timing)");
