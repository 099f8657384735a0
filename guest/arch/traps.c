/*
 * Trap dispatch and the fatal-exception report (Linux:
 * arch/x86/kernel/traps.c, dumpstack.c, mm/fault.c's show_fault_oops).
 *
 * entry.S funnels every vector into do_trap().  Handlers registered with
 * set_trap_handler() get first call (the page-fault handler of demand
 * paging, the #UD handler that recognises int $0x80); anything else below
 * vector 32 is fatal: die() prints an oops report and panics, passing the
 * backtrace to the VMM so the host can symbolise it.
 */
#include "kernel.h"
#include "highmem.h"
#include "panic.h"
#include "printk.h"
#include "asm/desc.h"
#include "asm/irqflags.h"
#include "asm/processor.h"
#include "asm/stacktrace.h"
#include "asm/traps.h"
#include "vmalloc.h"

static trap_handler_t trap_handlers[NR_VECTORS];

/* Linux's spellings (do_error_trap and friends): the oops header reads
 * "divide error: 0000 [#1]" as on Linux, which is what people grep for. */
static const char *const trap_names[FIRST_EXTERNAL_VECTOR] = {
	[X86_TRAP_DE]		= "divide error",
	[X86_TRAP_DB]		= "debug",
	[X86_TRAP_NMI]		= "NMI",
	[X86_TRAP_BP]		= "int3",
	[X86_TRAP_OF]		= "overflow",
	[X86_TRAP_BR]		= "bounds",
	[X86_TRAP_UD]		= "invalid opcode",
	[X86_TRAP_NM]		= "device not available",
	[X86_TRAP_DF]		= "double fault",
	[X86_TRAP_OLD_MF]	= "coprocessor segment overrun",
	[X86_TRAP_TS]		= "invalid TSS",
	[X86_TRAP_NP]		= "segment not present",
	[X86_TRAP_SS]		= "stack segment",
	[X86_TRAP_GP]		= "general protection fault",
	[X86_TRAP_PF]		= "page fault",
	[X86_TRAP_SPURIOUS]	= "spurious interrupt bug",
	[X86_TRAP_MF]		= "coprocessor error",
	[X86_TRAP_AC]		= "alignment check",
	[X86_TRAP_MC]		= "machine check",
	[X86_TRAP_XF]		= "SIMD floating-point exception",
	[X86_TRAP_VE]		= "virtualization exception",
	[X86_TRAP_CP]		= "control protection fault",
	[X86_TRAP_VC]		= "VMM communication exception",
	[X86_TRAP_SX]		= "security exception",
};

const char *trap_name(unsigned int vector)
{
	if (vector < FIRST_EXTERNAL_VECTOR)
		return trap_names[vector] ? trap_names[vector] : "reserved exception";
	return "interrupt";
}

void idt_init(void)
{
	static const struct desc_ptr idt_descr = {
		.size = sizeof(gate_desc) * IDT_ENTRIES - 1,
		.address = (unsigned long)idt_table,
	};

	load_idt(&idt_descr);
}

trap_handler_t set_trap_handler(unsigned int vector, trap_handler_t fn)
{
	trap_handler_t old;

	BUG_ON(vector >= NR_VECTORS);
	old = trap_handlers[vector];
	trap_handlers[vector] = fn;
	return old;
}

void set_system_intr_gate(unsigned int vector)
{
	BUG_ON(vector >= NR_VECTORS);
	idt_table[vector].type = GATE_INTERRUPT_P | (3 << 5);
}

static void show_fault_oops(const struct pt_regs *regs, unsigned long err,
			    unsigned long address)
{
	printk("BUG: unable to handle page fault for address: %08lx\n", address);
	printk("#PF: %s %s in %s mode\n",
	       (err & X86_PF_USER) ? "user" : "supervisor",
	       (err & X86_PF_INSTR) ? "instruction fetch" :
	       (err & X86_PF_WRITE) ? "write access" : "read access",
	       user_mode(regs) ? "user" : "kernel");
	printk("#PF: error_code(0x%04lx) - %s\n", err,
	       (err & X86_PF_RSVD) ? "reserved bit violation" :
	       (err & X86_PF_PROT) ? "permissions violation" : "not-present page");
	vmalloc_report_fault(address);
}

void show_regs(const struct pt_regs *regs)
{
	printk("EIP: %04lx:[<%08lx>] EFLAGS: %08lx CPU: 0\n",
	       regs->cs & 0xffff, regs->ip, regs->flags);
	printk("EAX: %08lx EBX: %08lx ECX: %08lx EDX: %08lx\n",
	       regs->ax, regs->bx, regs->cx, regs->dx);
	printk("ESI: %08lx EDI: %08lx EBP: %08lx ESP: %08lx\n",
	       regs->si, regs->di, regs->bp, regs->sp);
	printk(" DS: %04lx ES: %04lx SS: %04lx CS: %04lx (%s)\n",
	       regs->ds & 0xffff, regs->es & 0xffff, regs->ss & 0xffff,
	       regs->cs & 0xffff, user_mode(regs) ? "user mode" : "kernel mode");
	printk("CR0: %08lx CR2: %08lx CR3: %08lx CR4: %08lx\n",
	       read_cr0(), read_cr2(), __read_cr3(), read_cr4());
}

void die(const char *str, struct pt_regs *regs, long err)
{
	static int die_counter, die_nest;
	static char what[160];
	unsigned long trace[HC_BACKTRACE_MAX];
	unsigned int nr;

	local_irq_disable();
	/* A fault while reporting a fault: keep it short, the first report
	 * may be what broke. */
	if (die_nest++)
		panic("Fatal exception while reporting one: %s", str);

	if (regs->vector == X86_TRAP_PF) {
		show_fault_oops(regs, err, read_cr2());
		/* Name the bug when the address says what it is. */
		if (!(err & X86_PF_PROT) && kmap_atomic_fault_report(read_cr2(), what, sizeof(what))) {
			printk("BUG: %s\n", what);
			str = what;
		}
	}
	printk("%s: %04lx [#%d] vector %lu\n", str, err & 0xffff, ++die_counter,
	       regs->vector);
	if (regs->vector < FIRST_EXTERNAL_VECTOR && (err & 2) &&
	    (regs->vector == X86_TRAP_GP || regs->vector == X86_TRAP_NP ||
	     regs->vector == X86_TRAP_TS || regs->vector == X86_TRAP_SS))
		printk("error code refers to IDT vector %lu\n", (err & 0xffff) >> 3);
	show_regs(regs);

	nr = stack_trace_save_regs(regs, trace, ARRAY_SIZE(trace));
	panic_with_trace(trace, nr, "Fatal exception: %s", str);
}

void do_trap(struct pt_regs *regs)
{
	unsigned long vector = regs->vector;
	trap_handler_t fn = trap_handlers[vector & (NR_VECTORS - 1)];

	if (likely(fn)) {
		fn(regs);
		return;
	}
	if (vector < FIRST_EXTERNAL_VECTOR)
		die(trap_name(vector), regs, regs->error_code);

	/* An interrupt nobody asked for: say so and carry on, as Linux does
	 * for a spurious vector. */
	printk("unexpected interrupt, vector %lu at %08lx\n", vector, regs->ip);
}
