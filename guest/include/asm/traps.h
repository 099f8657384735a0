/*
 * Trap vectors and the trap-handler registry (Linux: asm/trapnr.h,
 * asm/traps.h).  Implemented in guest/arch/traps.c.
 */
#ifndef GUEST_ASM_TRAPS_H
#define GUEST_ASM_TRAPS_H

#include "kernel.h"
#include "asm/ptrace.h"

enum {
	X86_TRAP_DE = 0,	/* Divide error */
	X86_TRAP_DB,		/* Debug */
	X86_TRAP_NMI,		/* Non-maskable interrupt */
	X86_TRAP_BP,		/* Breakpoint (int3: unusable here) */
	X86_TRAP_OF,		/* Overflow */
	X86_TRAP_BR,		/* Bound range exceeded */
	X86_TRAP_UD,		/* Invalid opcode (ud2; int $0x80 at CPL3 here) */
	X86_TRAP_NM,		/* Device not available */
	X86_TRAP_DF,		/* Double fault (IST1) */
	X86_TRAP_OLD_MF,	/* Coprocessor segment overrun */
	X86_TRAP_TS,		/* Invalid TSS */
	X86_TRAP_NP,		/* Segment not present */
	X86_TRAP_SS,		/* Stack segment fault */
	X86_TRAP_GP,		/* General protection fault */
	X86_TRAP_PF,		/* Page fault */
	X86_TRAP_SPURIOUS,	/* reserved */
	X86_TRAP_MF,		/* x87 floating-point exception */
	X86_TRAP_AC,		/* Alignment check */
	X86_TRAP_MC,		/* Machine check */
	X86_TRAP_XF,		/* SIMD floating-point exception */
	X86_TRAP_VE,		/* Virtualization exception */
	X86_TRAP_CP,		/* Control protection exception */
	X86_TRAP_VC = 29,	/* VMM communication exception */
	X86_TRAP_SX = 30,	/* Security exception */
};

#define FIRST_EXTERNAL_VECTOR	32
#define NR_VECTORS		256

/* #PF error code bits (Linux: enum x86_pf_error_code). */
#define X86_PF_PROT	(1u << 0)	/* 0: not-present page, 1: protection */
#define X86_PF_WRITE	(1u << 1)
#define X86_PF_USER	(1u << 2)
#define X86_PF_RSVD	(1u << 3)
#define X86_PF_INSTR	(1u << 4)

/*
 * A trap handler runs in 32-bit C with interrupts off (all gates are
 * interrupt gates).  When it returns, the interrupted context resumes with
 * whatever the handler left in *regs.  A page-fault handler should read
 * CR2 (read_cr2()) before it can fault again.
 */
typedef void (*trap_handler_t)(struct pt_regs *regs);

void idt_init(void);

/* Install fn for vector; NULL restores the default.  Returns the previous
 * handler (NULL = default), so a handler can chain to it. */
trap_handler_t set_trap_handler(unsigned int vector, trap_handler_t fn);

/* Let CPL3 raise vector with `int n` (gate DPL 3).  On this KVM `int $0x80`
 * at CPL3 raises #UD instead, but on hardware KVM it needs the DPL-3 gate. */
void set_system_intr_gate(unsigned int vector);

/* Called by entry.S for every vector. */
void do_trap(struct pt_regs *regs);

/* The fatal-exception path: print the oops report (registers, CR2 for #PF,
 * backtrace) and panic with the backtrace for the host to symbolise. */
__noreturn void die(const char *str, struct pt_regs *regs, long err);
void show_regs(const struct pt_regs *regs);
const char *trap_name(unsigned int vector);
/* Boot: the page-fault handler (arch/fault.c), and the system-call gate
 * and its #UD twin (kernel/syscall.c, which reads int80=). */
void pagefault_init(void);
/* BUG unless CR0.WP is set (copy-on-write of user pages depends on it). */
void check_cr0_wp(void);
void syscall_init(void);

#endif
