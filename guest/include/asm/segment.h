/*
 * GDT selectors for assembly (Linux: asm/segment.h).
 *
 * The layout is defined by shared/abi.h, which is C-only (it includes
 * <stdint.h> and declares structs), so assembly gets the raw values from
 * here.  In C this header includes abi.h and statically checks that the two
 * agree, so a change to abi.h that forgets this file breaks the build.
 */
#ifndef GUEST_ASM_SEGMENT_H
#define GUEST_ASM_SEGMENT_H

#define __ASM_GDT_ENTRY_TSS	6
#define __ASM_KERNEL_CS64	0x08
#define __ASM_KERNEL_CS		0x10
#define __ASM_KERNEL_DS		0x18
#define __ASM_USER_CS		0x23
#define __ASM_USER_DS		0x2b
#define __ASM_TSS_SEL		0x30

#ifdef __ASSEMBLER__
#define GDT_ENTRY_TSS	__ASM_GDT_ENTRY_TSS
#define __KERNEL_CS64	__ASM_KERNEL_CS64
#define __KERNEL_CS	__ASM_KERNEL_CS
#define __KERNEL_DS	__ASM_KERNEL_DS
#define __USER_CS	__ASM_USER_CS
#define __USER_DS	__ASM_USER_DS
#define __TSS_SEL	__ASM_TSS_SEL
#else
#include "abi.h"

_Static_assert(__ASM_GDT_ENTRY_TSS == GDT_ENTRY_TSS &&
	       __ASM_KERNEL_CS64 == __KERNEL_CS64 &&
	       __ASM_KERNEL_CS == __KERNEL_CS &&
	       __ASM_KERNEL_DS == __KERNEL_DS &&
	       __ASM_USER_CS == __USER_CS &&
	       __ASM_USER_DS == __USER_DS &&
	       __ASM_TSS_SEL == __TSS_SEL,
	       "asm/segment.h and shared/abi.h disagree on the GDT layout");

/* RPL bits of a selector: 0 = kernel, 3 = user. */
#define SEGMENT_RPL_MASK 0x3
#endif

#endif
