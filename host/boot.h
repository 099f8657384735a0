/*
 * Boot protocol, host side: what the guest finds when it starts (abi.h).
 * The boot GDT, boot_info (memory map, command line, TSC rate) and the
 * long-mode boot page tables are written into guest RAM; the vCPU is put in
 * IA-32e compatibility mode at CPL0 with paging on, at the ELF entry point,
 * with %esi = BOOT_INFO_PA.
 */
#ifndef VMM_BOOT_H
#define VMM_BOOT_H

#include <stddef.h>
#include <stdint.h>

#include "guest_mem.h"

struct vm;
struct elf_info;

struct boot_params {
	const char *cmdline;   /* NULL = empty */
	uint32_t tsc_khz;
	uint32_t nr_cpus;
};

/*
 * Write GDT, boot_info and page tables into mem, and check that the entry
 * point is reachable through the boot page tables.  Returns 0 or an exit
 * status (EXIT_USAGE: command line too long; EXIT_BAD_IMAGE: entry point not
 * mapped) with the reason in err.  Needs no KVM.
 */
int boot_write_memory(struct guest_mem *mem, const struct elf_info *elf,
		      const struct boot_params *bp, char *err, size_t errlen);

/* Bytes of low RAM the boot page tables map at 0 and at PAGE_OFFSET. */
uint64_t boot_mapped_bytes(const struct guest_mem *mem);

/* Load the vCPU's registers for entry.  0 or -errno. */
int boot_set_vcpu(struct vm *vm, uint64_t entry);

#endif
