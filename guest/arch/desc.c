/*
 * The kernel's descriptor tables: GDT and 64-bit TSS (Linux:
 * arch/x86/kernel/cpu/common.c's gdt_page and cpu_tss_rw).  Loaded by
 * head.S, which also fills in the TSS base and stack pointers (they are
 * addresses split or widened in ways a static initialiser cannot express).
 */
#include "kernel.h"
#include "asm/desc.h"
#include "asm/page.h"

/* Descriptor of an available 64-bit TSS, limit TSS_SIZE-1, base filled in
 * by head.S: P=1, DPL 0, type 9. */
#define GDT_DESC_TSS_NOBASE (0x0000890000000000ull | (TSS_SIZE - 1))

u64 gdt_table[GDT_ENTRIES] __attribute__((aligned(16))) = {
	[GDT_ENTRY_KERNEL_CS64]	= GDT_DESC_KERNEL_CS64,
	[GDT_ENTRY_KERNEL_CS]	= GDT_DESC_KERNEL_CS,
	[GDT_ENTRY_KERNEL_DS]	= GDT_DESC_KERNEL_DS,
	[GDT_ENTRY_USER_CS]	= GDT_DESC_USER_CS,
	[GDT_ENTRY_USER_DS]	= GDT_DESC_USER_DS,
	[GDT_ENTRY_TSS]		= GDT_DESC_TSS_NOBASE,
	/* [GDT_ENTRY_TSS + 1]: base 63:32 = 0 */
};
_Static_assert(GDT_ENTRY_TSS + 1 < GDT_ENTRIES, "TSS descriptor needs two slots");

struct desc_ptr gdt_descr = {
	.size = sizeof(gdt_table) - 1,
	.address = (unsigned long)gdt_table,
};

/* sp0 and ist[0] are set by head.S.  An I/O bitmap offset at the limit
 * means "no bitmap": CPL3 port I/O faults (IOPL is 0). */
struct x86_hw_tss cpu_tss __attribute__((aligned(64))) = {
	.io_bitmap_base = TSS_SIZE,
};

/* IST1 stack for #DF.  Kernel-stack sized and aligned, so the unwinder's
 * "stack = address rounded down to THREAD_SIZE" rule holds on it too. */
char doublefault_stack[THREAD_SIZE] __attribute__((aligned(THREAD_SIZE)));
