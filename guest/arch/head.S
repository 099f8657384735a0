/*
 * Kernel entry point (Linux: arch/x86/kernel/head_32.S).
 *
 * The VMM enters _start (its virtual address) in IA-32e compatibility mode
 * at CPL0 with interrupts off, paging on with its boot tables (low RAM
 * mapped both at 0 and at PAGE_OFFSET), CS/DS/ES/SS from its boot GDT and
 * %esi = physical address of struct boot_info.  There is no stack yet.
 *
 * BSS is not cleared here: the VMM's ELF loader zero-fills every segment
 * from p_filesz to p_memsz, and guest RAM starts as zeroed anonymous memory
 * anyway.  Clearing it again with rep stos would cost ~0.75 µs per dword
 * under kvm_pvm's emulator (docs/design.md §2.5).  Code may therefore rely
 * on .bss (init_stack, doublefault_stack, every zero-initialised static)
 * starting out zero; a loader that skips the zero-fill breaks that
 * contract.
 */
#include <asm/segment.h>
#include <asm/page.h>
#include <asm/desc.h>

	.section .text.head, "ax"
	.code32
	.globl _start
_start:
	cli
	cld
	movl $(init_stack + THREAD_SIZE), %esp
	/* A zero frame pointer ends the %ebp chain for the unwinder. */
	xorl %ebp, %ebp

	/*
	 * Kernel GDT (desc.c): same selectors as the boot GDT, plus the 64-bit
	 * TSS descriptor.  The TSS base has to be split across three fields of
	 * the descriptor, which neither gas nor C static initialisers can do
	 * with a relocatable address, so it is filled in here.
	 */
	movl $cpu_tss, %eax
	movw %ax, gdt_table + GDT_ENTRY_TSS * 8 + 2	/* base 15:0 */
	shrl $16, %eax
	movb %al, gdt_table + GDT_ENTRY_TSS * 8 + 4	/* base 23:16 */
	movb %ah, gdt_table + GDT_ENTRY_TSS * 8 + 7	/* base 31:24 */
	/* base 63:32 (the descriptor's second slot) stays 0 */

	/* TSS stacks: RSP0 for traps from CPL3 (the idle task's stack, as in
	 * Linux, until tasks exist); IST1 for #DF.  High halves are zero. */
	movl $(init_stack + THREAD_SIZE), cpu_tss + TSS_sp0
	movl $(doublefault_stack + THREAD_SIZE), cpu_tss + TSS_ist1

	lgdt gdt_descr
	/* Reload every segment register from the new table. */
	ljmp $__KERNEL_CS, $1f
1:	movl $__KERNEL_DS, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	/* FS/GS are unused by the kernel: null, so a stray use faults. */
	xorl %eax, %eax
	mov %eax, %fs
	mov %eax, %gs

	movl $__TSS_SEL, %eax
	ltr %ax

	/* start_kernel(__va(boot_info)), with the stack 16-byte aligned at
	 * the call as the i386 psABI expects. */
	addl $__PAGE_OFFSET, %esi
	subl $12, %esp
	pushl %esi
	call start_kernel

	/* start_kernel does not return; if it ever did, say so. */
	pushl $start_kernel_returned
	call panic

	.section .rodata.str1.1, "aMS", @progbits, 1
start_kernel_returned:
	.asciz "start_kernel returned"

	/*
	 * The boot stack, which becomes the idle task's.  THREAD_SIZE-aligned
	 * like every kernel stack (asm/page.h).  In .bss: zeroed by the loader.
	 */
	.section .bss.init_stack, "aw", @nobits
	.balign THREAD_SIZE
	.globl init_stack
init_stack:
	.skip THREAD_SIZE
	.size init_stack, THREAD_SIZE

	.section .note.GNU-stack, "", @progbits
