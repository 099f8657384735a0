/* Boot-time state handed over by the VMM (Linux: asm/setup.h). */
#ifndef GUEST_ASM_SETUP_H
#define GUEST_ASM_SETUP_H

#include "kernel.h"
#include "abi.h"

/*
 * The VMM's boot_info, read in place in the boot area (BOOT_INFO_PA, mapped
 * at __va()): only the command line is copied.  Memory management must
 * keep [BOOT_AREA_START, BOOT_AREA_END) reserved for as long as this is
 * used; it also holds the boot page tables and GDT.
 */
extern struct boot_info *boot_params;

/* Called by head.S with boot_params' virtual address. */
__noreturn void start_kernel(struct boot_info *bi);

#endif
