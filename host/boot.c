/*
 * Boot: the state the guest kernel is entered in (abi.h; docs/design.md
 * §2.4 says why, §5.1 what).
 *
 * kvm_pvm refuses legacy 32-bit and PAE paging, so the guest starts in
 * IA-32e compatibility mode: 32-bit code (CS.L=0, CS.D=1) at CPL0, with
 * CR0.PG, CR4.PAE and EFER.LME|LMA set.  The boot tables are one PML4 whose
 * entry 0 points at a PAE-format PDPT; PDPT entries 0 and 3 share one PD of
 * 2 MiB pages, so low RAM is visible both at 0 (identity, for the first
 * instructions) and at PAGE_OFFSET (where the kernel is linked).  The guest
 * builds its own tables, GDT, IDT and TSS and leaves these behind.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "abi.h"
#include "boot.h"
#include "elf_load.h"
#include "exitcodes.h"

#define PTE_P   (1ull << 0)
#define PTE_RW  (1ull << 1)
#define PTE_US  (1ull << 2)
#define PTE_PS  (1ull << 7)
#define SZ_2M   (2ull << 20)
#define SZ_1G   (1ull << 30)

uint64_t boot_mapped_bytes(const struct guest_mem *mem)
{
	uint64_t low = mem->region[0].size;  /* RAM below the 3 GiB hole */

	if (low > SZ_1G)
		low = SZ_1G;
	return (low + SZ_2M - 1) & ~(SZ_2M - 1);
}

static uint64_t tss_desc_lo(uint64_t base, uint32_t limit)
{
	return (limit & 0xffff) | ((base & 0xffffff) << 16) |
	       (0x8bull << 40) /* present, busy 64-bit TSS, as TR holds it */ |
	       ((uint64_t)(limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xff) << 56);
}

static void write_gdt(uint64_t *gdt)
{
	memset(gdt, 0, BOOT_GDT_ENTRIES * 8);
	gdt[GDT_ENTRY_KERNEL_CS64] = GDT_DESC_KERNEL_CS64;
	gdt[GDT_ENTRY_KERNEL_CS] = GDT_DESC_KERNEL_CS;
	gdt[GDT_ENTRY_KERNEL_DS] = GDT_DESC_KERNEL_DS;
	gdt[GDT_ENTRY_USER_CS] = GDT_DESC_USER_CS;
	gdt[GDT_ENTRY_USER_DS] = GDT_DESC_USER_DS;
	gdt[GDT_ENTRY_TSS] = tss_desc_lo(BOOT_TSS_PA, BOOT_TSS_LIMIT);
	gdt[GDT_ENTRY_TSS + 1] = (uint64_t)BOOT_TSS_PA >> 32;
}

static void e820_add(struct boot_info *bi, uint64_t addr, uint64_t size, uint32_t type)
{
	if (size && bi->e820_nr < E820_MAX)
		bi->e820[bi->e820_nr++] = (struct e820_entry){ .addr = addr, .size = size, .type = type };
}

static void write_boot_info(struct boot_info *bi, const struct guest_mem *mem,
			    const struct boot_params *bp)
{
	uint64_t low_end = mem->region[0].size;

	memset(bi, 0, sizeof(*bi));
	bi->magic = BOOT_INFO_MAGIC;
	bi->version = BOOT_INFO_VERSION;
	bi->nr_cpus = bp->nr_cpus ? bp->nr_cpus : 1;
	bi->tsc_khz = bp->tsc_khz;
	bi->ram_bytes = mem->ram_bytes;
	bi->hc_port = HC_PORT;
	bi->features = bp->features;
	/* A PC's map: low RAM, the legacy VGA/BIOS hole, RAM from 1 MiB. */
	e820_add(bi, 0, LEGACY_HOLE_START, E820_RAM);
	e820_add(bi, LEGACY_HOLE_START, LEGACY_HOLE_END - LEGACY_HOLE_START, E820_RESERVED);
	e820_add(bi, LEGACY_HOLE_END, low_end - LEGACY_HOLE_END, E820_RAM);
	if (mem->nr_regions > 1)
		e820_add(bi, mem->region[1].gpa, mem->region[1].size, E820_RAM);
	if (bp->cmdline)
		strcpy(bi->cmdline, bp->cmdline);  /* length checked by the caller */
}

static void write_page_tables(struct guest_mem *mem)
{
	uint64_t *pml4 = guest_mem_ptr(mem, BOOT_PML4_PA, 4096);
	uint64_t *pdpt = guest_mem_ptr(mem, BOOT_PDPT_PA, 4096);
	uint64_t *pd = guest_mem_ptr(mem, BOOT_PD_PA, 4096 * BOOT_PD_NR);
	uint64_t mapped = boot_mapped_bytes(mem);

	memset(pml4, 0, 4096);
	memset(pdpt, 0, 4096);
	memset(pd, 0, 4096 * BOOT_PD_NR);
	/* In long mode PML4Es and PDPTEs are ordinary entries: US must be set
	 * at every level for a user mapping below to be reachable. */
	pml4[0] = BOOT_PDPT_PA | PTE_P | PTE_RW | PTE_US;
	pdpt[0] = BOOT_PD_PA | PTE_P | PTE_RW | PTE_US;
	pdpt[PAGE_OFFSET_VAL >> 30] = BOOT_PD_PA | PTE_P | PTE_RW | PTE_US;
	for (uint64_t pa = 0; pa < mapped; pa += SZ_2M)
		pd[pa / SZ_2M] = pa | PTE_P | PTE_RW | PTE_PS;
}

/* Physical address the boot page tables give a linear address, or -1. */
static uint64_t boot_translate(const struct guest_mem *mem, uint64_t lin)
{
	uint64_t mapped = boot_mapped_bytes(mem);

	if (lin < mapped)
		return lin;
	if (lin >= PAGE_OFFSET_VAL && lin - PAGE_OFFSET_VAL < mapped)
		return lin - PAGE_OFFSET_VAL;
	return (uint64_t)-1;
}

int boot_check(const struct guest_mem *mem, const struct elf_info *elf, const char *cmdline,
	       char *err, size_t errlen)
{
	size_t cmdlen = cmdline ? strlen(cmdline) : 0;

	if (cmdlen >= BOOT_CMDLINE_MAX) {
		snprintf(err, errlen, "the kernel command line is %zu bytes; the limit is %d",
			 cmdlen, BOOT_CMDLINE_MAX - 1);
		return EXIT_USAGE;
	}
	if (!guest_mem_ptr(mem, BOOT_AREA_START, BOOT_AREA_END - BOOT_AREA_START)) {
		snprintf(err, errlen, "guest RAM does not cover the boot area");
		return EXIT_USAGE;
	}
	if (boot_translate(mem, elf->entry) != elf->entry_pa) {
		snprintf(err, errlen,
			 "entry point %#llx (physical %#llx) is not mapped by the boot page tables, "
			 "which map the first %llu MiB at 0 and at %#x",
			 (unsigned long long)elf->entry, (unsigned long long)elf->entry_pa,
			 (unsigned long long)(boot_mapped_bytes(mem) >> 20), PAGE_OFFSET_VAL);
		return EXIT_BAD_IMAGE;
	}
	return 0;
}

int boot_write_memory(struct guest_mem *mem, const struct elf_info *elf,
		      const struct boot_params *bp, char *err, size_t errlen)
{
	int status = boot_check(mem, elf, bp->cmdline, err, errlen);

	if (status)
		return status;
	write_gdt(guest_mem_ptr(mem, BOOT_GDT_PA, BOOT_GDT_ENTRIES * 8));
	write_boot_info(guest_mem_ptr(mem, BOOT_INFO_PA, sizeof(struct boot_info)), mem, bp);
	write_page_tables(mem);
	return 0;
}
