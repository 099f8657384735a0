/* Linker-script symbols of the kernel image (Linux: asm/sections.h); see
 * guest/guest.ld.  All are virtual addresses in the direct map. */
#ifndef GUEST_ASM_SECTIONS_H
#define GUEST_ASM_SECTIONS_H

extern char _text[], _etext[];
extern char _edata[];
extern char __bss_start[], __bss_stop[];
extern char _end[];

/* Boot (and idle) stack, THREAD_SIZE bytes, defined in head.S. */
extern char init_stack[];

#endif
