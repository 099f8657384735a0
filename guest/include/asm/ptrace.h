/*
 * struct pt_regs: the trap frame built by the 64-bit entry stubs (entry.S)
 * and handed to do_trap() and every trap handler (Linux: asm/ptrace.h).
 *
 * Every slot is 64 bits, because the CPU delivers interrupts in 64-bit mode
 * and the stubs save registers with 64-bit pushes.  32-bit code uses the low
 * half of each slot under the i386 name (regs->ax, regs->ip, ...); the full
 * slot is there as regs->ax64 etc.  The upper halves of saved GPRs are
 * undefined (the interrupted code is 32-bit); the upper halves of ip/sp are
 * zero and must stay so, since iretq loads all 64 bits.
 *
 * Layout, lowest address first (= reverse of push order):
 *
 *   0x00 es     \
 *   0x08 ds      |
 *   0x10 di      |
 *   0x18 si      |  pushed by common_interrupt (entry.S)
 *   0x20 bp      |
 *   0x28 bx      |
 *   0x30 dx      |
 *   0x38 cx      |
 *   0x40 ax     /
 *   0x48 vector      pushed by the per-vector stub
 *   0x50 error_code  pushed by the CPU, or a 0 pushed by the stub
 *   0x58 ip     \
 *   0x60 cs      |
 *   0x68 flags   |  pushed by the CPU (always all five in 64-bit mode,
 *   0x70 sp      |  so sp/ss are valid for kernel-mode traps too)
 *   0x78 ss     /
 */
#ifndef GUEST_ASM_PTRACE_H
#define GUEST_ASM_PTRACE_H

#include "types.h"
#include "asm/segment.h"

#define PT_SLOT(name) union { unsigned long name; u64 name##64; }

struct pt_regs {
	PT_SLOT(es);
	PT_SLOT(ds);
	PT_SLOT(di);
	PT_SLOT(si);
	PT_SLOT(bp);
	PT_SLOT(bx);
	PT_SLOT(dx);
	PT_SLOT(cx);
	PT_SLOT(ax);
	PT_SLOT(vector);
	PT_SLOT(error_code);
	PT_SLOT(ip);
	PT_SLOT(cs);
	PT_SLOT(flags);
	PT_SLOT(sp);
	PT_SLOT(ss);
};

#undef PT_SLOT

_Static_assert(sizeof(unsigned long) == 4, "the guest is ILP32");
_Static_assert(sizeof(struct pt_regs) == 16 * 8, "pt_regs must match entry.S");
_Static_assert(__builtin_offsetof(struct pt_regs, ax) == 0x40, "pt_regs.ax");
_Static_assert(__builtin_offsetof(struct pt_regs, vector) == 0x48, "pt_regs.vector");
_Static_assert(__builtin_offsetof(struct pt_regs, ip) == 0x58, "pt_regs.ip");
_Static_assert(__builtin_offsetof(struct pt_regs, ss) == 0x78, "pt_regs.ss");

/* Did the trap come from user mode (CPL3)? */
static inline bool user_mode(const struct pt_regs *regs)
{
	return (regs->cs & SEGMENT_RPL_MASK) != 0;
}

#endif
