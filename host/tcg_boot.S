/*
 * Reset vector and real-mode boot stub for the QEMU TCG accelerator
 * (tcg_boot.h says why and how the VMM uses them).  Position-independent:
 * the stub finds itself through %cs, and everything it loads comes from its
 * parameter block, which the VMM fills.
 */
#include "tcg_boot.h"

#define P(x) (tcg_stub_params - tcg_stub + (x))

	.section .rodata.tcg_boot, "a"

	.code16
	.globl tcg_reset_vector, tcg_reset_target, tcg_reset_vector_end
/* At TCG_RESET_IP in the ROM, entered with %cs = 0xf000 (base 0xffff0000). */
tcg_reset_vector:
	ljmpw	*%cs:(TCG_RESET_IP + tcg_reset_target - tcg_reset_vector)
tcg_reset_target:
	.word	0, 0			/* offset, segment: BOOT_STUB_PA */
tcg_reset_vector_end:

	.globl tcg_stub, tcg_stub_pm32, tcg_stub_params, tcg_stub_end
	.balign 16
tcg_stub:
	cli
	mov	%cs, %ax
	mov	%ax, %ds
	movzwl	%ax, %ebx
	shl	$4, %ebx		/* the stub's linear address, for 32-bit code */
	lgdtl	P(STUB_P_GDT)
	mov	P(STUB_P_CR4), %eax
	mov	%eax, %cr4
	mov	P(STUB_P_CR3), %eax
	mov	%eax, %cr3
	mov	P(STUB_P_EFER_MSR), %ecx
	rdmsr
	or	P(STUB_P_EFER), %eax
	wrmsr
	/* PG with LME set activates IA-32e mode; the far jump below loads a
	 * CS with L=0, D=1: compatibility mode. */
	mov	P(STUB_P_CR0), %eax
	mov	%eax, %cr0
	ljmpl	*P(STUB_P_PM32)

	.code32
tcg_stub_pm32:
	/* %ds still has its real-mode base: read through the flat %cs. */
	mov	%cs:STUB_P_DS + tcg_stub_params - tcg_stub(%ebx), %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %fs
	mov	%eax, %gs
	mov	%eax, %ss
	mov	STUB_P_ESP + tcg_stub_params - tcg_stub(%ebx), %esp
	mov	STUB_P_ESI + tcg_stub_params - tcg_stub(%ebx), %esi
	pushl	STUB_P_ENTRY + tcg_stub_params - tcg_stub(%ebx)
	/* The registers KVM's boot state has: all zero but %esi and %esp,
	 * RFLAGS = 2 (IF=0). */
	pushl	$2
	popfl
	xor	%eax, %eax
	xor	%ebx, %ebx
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%edi, %edi
	xor	%ebp, %ebp
	ret				/* to the entry; %esp is back at the top */

	.balign 4
tcg_stub_params:
	.fill	STUB_P_SIZE, 1, 0
tcg_stub_end:

	.section .note.GNU-stack, "", @progbits
