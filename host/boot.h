/*
 * Boot protocol, host side: what the guest finds when it starts (abi.h).
 * The boot GDT, boot_info (memory map, command line, TSC rate) and the
 * long-mode boot page tables are written into guest RAM; the vCPU is put in
 * IA-32e compatibility mode at CPL0 with paging on, at the ELF entry point,
 * with %esi = BOOT_INFO_PA.
 */
#ifndef VMM_BOOT_H
#define VMM_BOOT_H

#include "abi.h"

/*
 * The vCPU state at entry, loaded by KVM_SET_SREGS on KVM and by the
 * real-mode stub (tcg_boot.S) on TCG: protected mode with paging, PAE and
 * long mode, so 32-bit code runs in compatibility mode.
 */
#define CR0_PE    (1u << 0)
#define CR0_ET    (1u << 4)
#define CR0_WP    (1u << 16)
#define CR0_PG    (1u << 31)
#define CR4_PAE   (1u << 5)
#define EFER_MSR  0xc0000080u
#define EFER_LME  (1u << 8)
#define EFER_LMA  (1u << 10)   /* set by the CPU when paging turns on with LME */
/* WP: the kernel honours read-only PTEs too, as Linux sets it, so a
 * copy_to_user into a read-only user page (the shared zero page) faults
 * and gets a page of its own instead of writing through. */
#define BOOT_CR0  (CR0_PE | CR0_ET | CR0_WP | CR0_PG)
#define BOOT_CR4  CR4_PAE
#define BOOT_EFER EFER_LME

/*
 * A placeholder 64-bit TSS for TR, in the unused rest of the boot GDT page.
 * kvm_pvm does not insist (measured: the guest boots with TR zeroed), but
 * VMX VM-entry checks require TR to hold a busy 64-bit TSS in IA-32e mode.
 * Nothing reads it before the guest loads its own (no privilege change and
 * no IST use before then).  The TCG stub leaves TR alone: TCG checks nothing.
 */
#define BOOT_TSS_PA    (BOOT_GDT_PA + 0x800)
#define BOOT_TSS_LIMIT 0x67

/*
 * Not ABI: a scratch stack in the unused boot area below the page tables,
 * so an early push cannot fault.  The guest sets its own.
 */
#define BOOT_STACK_TOP BOOT_PML4_PA

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

#include "guest_mem.h"

struct elf_info;

struct boot_params {
	const char *cmdline;   /* NULL = empty */
	uint32_t tsc_khz;
	uint32_t nr_cpus;
	uint32_t features;     /* BI_FEAT_*, what the accelerator advertises */
};

/*
 * Check that the boot area fits in mem, that the command line fits
 * boot_info and that the entry point is reachable through the boot page
 * tables.  Returns 0 or an exit status (EXIT_USAGE: command line too long;
 * EXIT_BAD_IMAGE: entry point not mapped) with the reason in err.  The VMM
 * calls it before opening an accelerator, so a bad image or option is
 * reported first.
 */
int boot_check(const struct guest_mem *mem, const struct elf_info *elf, const char *cmdline,
	       char *err, size_t errlen);

/*
 * boot_check(), then write GDT, boot_info and page tables into mem.  Same
 * return values.  Needs no accelerator.
 */
int boot_write_memory(struct guest_mem *mem, const struct elf_info *elf,
		      const struct boot_params *bp, char *err, size_t errlen);

/* Bytes of low RAM the boot page tables map at 0 and at PAGE_OFFSET. */
uint64_t boot_mapped_bytes(const struct guest_mem *mem);

#endif /* __ASSEMBLER__ */
#endif
