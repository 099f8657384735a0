/*
 * Descriptor tables: the kernel GDT, the 64-bit TSS and the 64-bit IDT
 * (Linux: asm/desc.h, asm/desc_defs.h, asm/processor.h's x86_hw_tss).
 *
 * The kernel is 32-bit code but runs in IA-32e mode, so the IDT holds
 * 16-byte 64-bit gates and the TSS is the 64-bit TSS (RSP0 + IST stacks,
 * no hardware task switching).  head.S loads the GDT and TSS, traps.c the
 * IDT.  Offsets used by assembly are defined here and checked in C.
 */
#ifndef GUEST_ASM_DESC_H
#define GUEST_ASM_DESC_H

#include "const.h"

/* 64-bit TSS field offsets, for head.S. */
#define TSS_sp0		0x04
#define TSS_ist1	0x24
#define TSS_SIZE	0x68

/* IST slot used by the #DF gate: a double fault often means the kernel
 * stack is unusable, so #DF always switches to its own stack. */
#define IST_INDEX_DF	1

/* IDT entry stubs (entry.S): one per vector, each IDT_STUB_SIZE bytes. */
#define IDT_ENTRIES	256
#define IDT_STUB_SIZE	16

/* Gate type byte: present, DPL 0, 64-bit interrupt gate (IF cleared). */
#define GATE_INTERRUPT_P 0x8e

#ifndef __ASSEMBLER__
#include "types.h"
#include "asm/segment.h"

/* Operand of lgdt/lidt.  Compatibility mode reads 2+4 bytes; the high
 * half is there (zero) so the same object also works with a 64-bit lidt. */
struct desc_ptr {
	u16 size;
	u32 address;
	u32 address_hi;
} __attribute__((packed));

/* 16-byte 64-bit interrupt/trap gate. */
struct gate_struct {
	u16 offset_low;
	u16 segment;
	u8  ist;	/* bits 0-2: IST index, 0 = no stack switch */
	u8  type;	/* P | DPL | type (0xe = interrupt gate) */
	u16 offset_middle;
	u32 offset_high;
	u32 reserved;
} __attribute__((packed));
typedef struct gate_struct gate_desc;
_Static_assert(sizeof(gate_desc) == 16, "64-bit IDT gate is 16 bytes");

static inline unsigned long gate_offset(const gate_desc *g)
{
	return g->offset_low | ((unsigned long)g->offset_middle << 16);
}

/* Hardware 64-bit TSS (Linux: struct x86_hw_tss, 64-bit flavour). */
struct x86_hw_tss {
	u32 reserved1;
	u64 sp0;	/* stack loaded on a CPL3 -> CPL0 transition */
	u64 sp1;
	u64 sp2;
	u64 reserved2;
	u64 ist[7];	/* ist[0] is IST1 */
	u32 reserved3;
	u32 reserved4;
	u16 reserved5;
	u16 io_bitmap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct x86_hw_tss) == TSS_SIZE, "64-bit TSS layout");
_Static_assert(__builtin_offsetof(struct x86_hw_tss, sp0) == TSS_sp0, "TSS_sp0");
_Static_assert(__builtin_offsetof(struct x86_hw_tss, ist) == TSS_ist1, "TSS_ist1");

#define GDT_ENTRIES BOOT_GDT_ENTRIES

extern u64 gdt_table[GDT_ENTRIES];
extern struct desc_ptr gdt_descr;
extern struct x86_hw_tss cpu_tss;
extern gate_desc idt_table[IDT_ENTRIES];
extern char doublefault_stack[];

static inline void load_idt(const struct desc_ptr *dtr)
{
	__asm__ __volatile__("lidt %0" : : "m"(*dtr));
}

static inline void store_idt(struct desc_ptr *dtr)
{
	__asm__ __volatile__("sidt %0" : "=m"(*dtr));
}

static inline void load_gdt(const struct desc_ptr *dtr)
{
	__asm__ __volatile__("lgdt %0" : : "m"(*dtr));
}
#endif

#endif
