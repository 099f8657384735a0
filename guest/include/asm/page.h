/*
 * Page and address-space constants of the guest kernel (Linux: asm/page.h,
 * asm/page_32_types.h).  This is the one header that says where things are;
 * later mm code extends it (VMALLOC_*, PKMAP_BASE, FIXADDR_*, MAXMEM ...).
 *
 * Usable from assembly: shared/abi.h is C-only, so the values assembly needs
 * are spelled out here and checked against abi.h whenever C includes this.
 */
#ifndef GUEST_ASM_PAGE_H
#define GUEST_ASM_PAGE_H

#include "const.h"

#define PAGE_SHIFT	12
#define PAGE_SIZE	(_AC(1, UL) << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))
/* Rounds up to a page; wraps to 0 for the top page of the address space. */
#define PAGE_ALIGN(addr) ALIGN(addr, PAGE_SIZE)

/* 3G/1G split: lowmem is mapped linearly at PAGE_OFFSET. */
#define __PAGE_OFFSET	_AC(0xC0000000, UL)
#define PAGE_OFFSET	__PAGE_OFFSET

/*
 * Kernel stacks are THREAD_SIZE bytes and THREAD_SIZE-aligned, as on Linux
 * i386: the stack an address belongs to is found by masking, which is what
 * the frame-pointer unwinder relies on to stay inside a stack.
 */
#define THREAD_SIZE_ORDER 2
#define THREAD_SIZE	(PAGE_SIZE << THREAD_SIZE_ORDER)

#ifndef __ASSEMBLER__
#include "abi.h"

_Static_assert(__PAGE_OFFSET == PAGE_OFFSET_VAL, "asm/page.h and shared/abi.h disagree on PAGE_OFFSET");

/*
 * Virtual <-> physical for the direct map (kernel image, bss, lowmem).
 * Only valid below high_memory; highmem and vmalloc addresses have no
 * linear physical address.
 */
#define __pa(x)		((unsigned long)(x) - PAGE_OFFSET)
#define __va(x)		((void *)((unsigned long)(x) + PAGE_OFFSET))
#endif

#endif
