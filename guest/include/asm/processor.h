/*
 * Privileged-instruction wrappers for the 32-bit kernel (Linux:
 * asm/special_insns.h, asm/processor.h, asm/msr.h).
 *
 * The kernel runs in IA-32e compatibility mode, so control registers are
 * read and written 32 bits at a time: the upper halves of CR0/CR3/CR4 are
 * zero for everything this kernel uses (CR3 points below 4 GiB).
 */
#ifndef GUEST_ASM_PROCESSOR_H
#define GUEST_ASM_PROCESSOR_H

#include "types.h"

#define X86_EFLAGS_CF	0x00000001
#define X86_EFLAGS_ZF	0x00000040
#define X86_EFLAGS_TF	0x00000100
#define X86_EFLAGS_IF	0x00000200
#define X86_EFLAGS_DF	0x00000400

/* CR0.WP: supervisor writes honour read-only PTEs. */
#define X86_CR0_WP	0x00010000

static inline unsigned long read_cr0(void)
{
	unsigned long v;
	__asm__ __volatile__("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline void write_cr0(unsigned long v)
{
	__asm__ __volatile__("mov %0, %%cr0" : : "r"(v) : "memory");
}

/* The faulting linear address of the last #PF. */
static inline unsigned long read_cr2(void)
{
	unsigned long v;
	__asm__ __volatile__("mov %%cr2, %0" : "=r"(v));
	return v;
}

/* Raw CR3 (the PML4's physical address).  asm/pgtable.h has the mm view:
 * read_cr3(), load_cr3(pgd), flush_tlb_all(). */
static inline unsigned long __read_cr3(void)
{
	unsigned long v;
	__asm__ __volatile__("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline unsigned long read_cr4(void)
{
	unsigned long v;
	__asm__ __volatile__("mov %%cr4, %0" : "=r"(v));
	return v;
}

/* Time stamp counter; boot_info.tsc_khz gives its rate. */
static inline u64 rdtsc(void)
{
	u32 lo, hi;
	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

static inline void native_halt(void)
{
	__asm__ __volatile__("hlt" : : : "memory");
}

/* Last resort when even the panic hypercall came back: nothing can wake a
 * CPU that halts with interrupts off, except an NMI, hence the loop. */
static inline __attribute__((noreturn)) void halt_forever(void)
{
	for (;;)
		__asm__ __volatile__("cli; hlt" : : : "memory");
}

#define current_stack_pointer ({					\
	unsigned long __sp;						\
	__asm__("mov %%esp, %0" : "=r"(__sp));				\
	__sp;								\
})

#endif
