/*
 * Interrupt and exception entry (Linux: arch/x86/entry/entry_32.S and
 * idt.c), for a 32-bit kernel running in IA-32e compatibility mode.
 *
 * In IA-32e mode the CPU delivers every interrupt through a 64-bit IDT gate
 * to 64-bit code, always pushing SS, RSP, RFLAGS, CS, RIP (and for some
 * exceptions an error code) on a 16-byte aligned stack.  So:
 *
 *   1. a per-vector .code64 stub pushes a dummy error code where the CPU
 *      pushes none, then the vector number;
 *   2. common_interrupt (64-bit) saves the GPRs and DS/ES, making the
 *      struct pt_regs of asm/ptrace.h, loads kernel data segments and
 *      lretq's into 32-bit compatibility-mode code;
 *   3. the 32-bit trampoline calls do_trap(regs) like any C function,
 *      then ljmp's back to 64-bit code;
 *   4. 64-bit code restores the registers and iretq's.
 *
 * The IDT is assembled here statically, so idt_init() only runs lidt:
 * building 256 gates at boot would cost ~2500 emulated instructions.
 */
#include <asm/segment.h>
#include <asm/desc.h>

/* Vectors for which the CPU pushes an error code: #DF #TS #NP #SS #GP #PF
 * #AC #CP #VC #SX. */
#define ERRCODE_VECTORS ((1 << 8) | (1 << 10) | (1 << 11) | (1 << 12) | \
			 (1 << 13) | (1 << 14) | (1 << 17) | (1 << 21) | \
			 (1 << 29) | (1 << 30))

/*
 * The stubs: IDT_STUB_SIZE bytes each, in one 4 KiB-aligned block so that
 * every stub address has the same upper 16 bits (see the IDT below).
 */
	.section .text.entry, "ax"
	.code64
	.balign 4096
	.globl irq_entries_start
irq_entries_start:
vector = 0
	.rept IDT_ENTRIES
1:
	.if vector < 32
	.if ((ERRCODE_VECTORS >> vector) & 1) == 0
	pushq $0
	.endif
	.else
	pushq $0
	.endif
	/* Vectors are < 256, so the sign-extending push is harmless here. */
	pushq $vector
	jmp common_interrupt
	/* Pad to IDT_STUB_SIZE; gas refuses if the stub grew past it. */
	.org 1b + IDT_STUB_SIZE, 0x90
vector = vector + 1
	.endr

/*
 * Entered in 64-bit mode with the vector and error code pushed.  The CPU
 * aligned RSP to 16 before its 5-slot frame; with the 2 stub slots and the
 * 9 below, the finished pt_regs (16 slots) starts 16-byte aligned.
 */
common_interrupt:
	pushq %rax
	pushq %rcx
	pushq %rdx
	pushq %rbx
	pushq %rbp
	pushq %rsi
	pushq %rdi
	mov %ds, %eax
	pushq %rax
	mov %es, %eax
	pushq %rax

	/*
	 * Compatibility mode checks segments as legacy mode does.  A trap
	 * from CPL3 leaves SS null (64-bit delivery does that) and DS/ES
	 * holding user selectors; 32-bit code needs valid kernel ones.
	 */
	movl $__KERNEL_DS, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	/* Interrupt delivery does not clear DF; the C ABI needs it clear. */
	cld

	/*
	 * Far return to 32-bit code.  The target goes through %rax via a
	 * %rip-relative lea: `pushq $imm32` would sign-extend a 0xC0xxxxxx
	 * kernel address into a non-canonical one.
	 */
	pushq $__KERNEL_CS
	leaq trap_compat(%rip), %rax
	pushq %rax
	lretq

	.code32
trap_compat:
	movl %esp, %eax			/* struct pt_regs * */
	subl $12, %esp			/* keep the psABI 16-byte alignment */
	pushl %eax
	call do_trap
	addl $16, %esp
	ljmp $__KERNEL_CS64, $trap_return

/*
 * A new task's first switch_to "returns" here (guest/kernel/sched.c),
 * with ESP at the user pt_regs on top of its kernel stack: the trap exit
 * path takes it to user mode.
 */
	.globl ret_from_fork
ret_from_fork:
	ljmp $__KERNEL_CS64, $trap_return

/*
 * switch_to's stack swap (Linux's __switch_to_asm):
 * void __switch_to_asm(unsigned long *prev_sp, unsigned long next_sp).
 * The callee-saved registers go on the old stack, come off the new one.
 */
	.globl __switch_to_asm
__switch_to_asm:
	movl 4(%esp), %eax
	movl 8(%esp), %edx
	pushl %ebp
	pushl %ebx
	pushl %esi
	pushl %edi
	movl %esp, (%eax)
	movl %edx, %esp
	popl %edi
	popl %esi
	popl %ebx
	popl %ebp
	ret

	.code64
trap_return:
	popq %rax
	mov %eax, %es
	popq %rax
	mov %eax, %ds
	popq %rdi
	popq %rsi
	popq %rbp
	popq %rbx
	popq %rdx
	popq %rcx
	popq %rax
	addq $16, %rsp			/* vector, error code */
	iretq

/*
 * The IDT: 256 64-bit interrupt gates to the stubs above, selector
 * __KERNEL_CS64, DPL 0; #DF switches to IST1 (the TSS's doublefault stack).
 *
 * gas cannot split a relocatable address into the gate's offset fields,
 * so guest.ld provides the two halves of irq_entries_start as absolute
 * symbols.  Because the stub block is 4 KiB-aligned and 4 KiB long, the
 * upper half is the same for every stub and the lower half never carries;
 * if it did, ld would stop with "relocation truncated to fit".
 */
	.section .data.page_aligned, "aw"
	.balign 4096
	.globl idt_table
idt_table:
vector = 0
	.rept IDT_ENTRIES
	.word __idt_stubs_lo16 + vector * IDT_STUB_SIZE	/* offset 15:0 */
	.word __KERNEL_CS64
	.if vector == 8
	.byte IST_INDEX_DF
	.else
	.byte 0
	.endif
	.byte GATE_INTERRUPT_P
	.word __idt_stubs_hi16				/* offset 31:16 */
	.long 0						/* offset 63:32 */
	.long 0
vector = vector + 1
	.endr
	.size idt_table, . - idt_table

	.section .note.GNU-stack, "", @progbits
