/*
 * Port I/O (Linux: asm/io.h).  Every OUT/IN is a VM exit on KVM (~10 µs on
 * kvm_pvm) and a gdbstub breakpoint stop on QEMU TCG (shared/abi.h,
 * HC_SITES_SECTION).
 *
 * Under TCG the VMM sees only the port I/O it has a breakpoint on, so every
 * IN and OUT records its own address in HC_SITES_SECTION, the way Linux's
 * _ASM_EXTABLE records faulting instructions.  The record is part of the
 * asm statement: if the compiler duplicates a call site (inlining,
 * unrolling), each copy records itself.
 */
#ifndef GUEST_ASM_IO_H
#define GUEST_ASM_IO_H

#include "types.h"
#include "abi.h"

/* Emitted right after the label "1:" that marks an IN or OUT. */
#define _ASM_PIO_SITE						\
	".pushsection " HC_SITES_SECTION ",\"a\"\n\t"		\
	".balign 4\n\t"					\
	".long 1b\n\t"						\
	".popsection\n\t"

static inline void outb(u8 v, u16 port)
{
	__asm__ __volatile__("1: outb %0, %w1\n\t" _ASM_PIO_SITE : : "a"(v), "Nd"(port));
}

static inline void outw(u16 v, u16 port)
{
	__asm__ __volatile__("1: outw %0, %w1\n\t" _ASM_PIO_SITE : : "a"(v), "Nd"(port));
}

static inline void outl(u32 v, u16 port)
{
	__asm__ __volatile__("1: outl %0, %w1\n\t" _ASM_PIO_SITE : : "a"(v), "Nd"(port));
}

static inline u8 inb(u16 port)
{
	u8 v;
	__asm__ __volatile__("1: inb %w1, %0\n\t" _ASM_PIO_SITE : "=a"(v) : "Nd"(port));
	return v;
}

static inline u16 inw(u16 port)
{
	u16 v;
	__asm__ __volatile__("1: inw %w1, %0\n\t" _ASM_PIO_SITE : "=a"(v) : "Nd"(port));
	return v;
}

static inline u32 inl(u16 port)
{
	u32 v;
	__asm__ __volatile__("1: inl %w1, %0\n\t" _ASM_PIO_SITE : "=a"(v) : "Nd"(port));
	return v;
}

#endif
