/*
 * Frame-pointer stack traces (Linux: linux/stacktrace.h,
 * arch/x86/kernel/dumpstack.c).  Implemented in guest/arch/stacktrace.c.
 *
 * Entries are kernel text addresses: the first is the exact IP when one is
 * given, the rest are return addresses (the instruction after a call), so a
 * symboliser should look up addr-1 for them.  The same array is what
 * HC_PANIC passes to the host.
 */
#ifndef GUEST_ASM_STACKTRACE_H
#define GUEST_ASM_STACKTRACE_H

#include "types.h"
#include "asm/ptrace.h"

/* Walk the %ebp chain starting at frame bp.  ip, when nonzero, is stored
 * first.  Never faults: stops at the first frame outside a known kernel
 * stack or return address outside kernel text, and after size entries. */
unsigned int stack_trace_save_bp(unsigned long ip, unsigned long bp,
				 unsigned long *store, unsigned int size);

/* The trace of the caller: its call site first. */
unsigned int stack_trace_save(unsigned long *store, unsigned int size);

/* The trace of the trapped context (just its IP if it was user mode). */
unsigned int stack_trace_save_regs(const struct pt_regs *regs,
				   unsigned long *store, unsigned int size);

/* Print "Call Trace:" and one " [<addr>]" line per entry. */
void stack_trace_print(const unsigned long *entries, unsigned int nr);

void dump_stack(void);

bool kernel_text_address(unsigned long addr);

#endif
