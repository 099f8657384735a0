/*
 * The TCG reset path, in two pieces assembled from tcg_boot.S:
 *   - the reset vector, the last 16 bytes of a 64 KiB -bios image: the CPU
 *     starts at 0xfffffff0 in real mode and far-jumps to the stub in low
 *     RAM, because once CR0.PG is set the ROM at the top of 4 GiB is not
 *     mapped by the boot page tables;
 *   - the stub, copied to BOOT_STUB_PA: real mode to IA-32e compatibility
 *     mode with the boot GDT and tables that KVM loads through
 *     KVM_SET_SREGS (boot.h), then a jump to the ELF entry.
 *
 * The code holds no project constants: every value it loads comes from a
 * parameter block the VMM fills from boot.h and abi.h, so those headers
 * stay the one home of each constant.  The offsets below are shared with
 * the assembly, and _Static_asserts tie them to struct tcg_stub_params.
 */
#ifndef VMM_TCG_BOOT_H
#define VMM_TCG_BOOT_H

#define TCG_RESET_IP      0xfff0  /* architectural: the reset vector's offset in the ROM */
#define TCG_BIOS_SIZE     0x10000 /* 64 KiB: QEMU maps it just below 4 GiB and 1 MiB */

#define STUB_P_CR4        0    /* u32 */
#define STUB_P_CR3        4    /* u32 */
#define STUB_P_EFER_MSR   8    /* u32: the MSR number */
#define STUB_P_EFER       12   /* u32: bits to set */
#define STUB_P_CR0        16   /* u32 */
#define STUB_P_DS         20   /* u32: data selector */
#define STUB_P_ESP        24   /* u32 */
#define STUB_P_ESI        28   /* u32 */
#define STUB_P_ENTRY      32   /* u32 */
#define STUB_P_PM32       36   /* m16:32 far pointer to the 32-bit part */
#define STUB_P_GDT        42   /* lgdt operand: u16 limit, u32 base */
#define STUB_P_SIZE       48

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct tcg_stub_params {
	uint32_t cr4, cr3, efer_msr, efer, cr0, ds, esp, esi, entry;
	uint32_t pm32_off;
	uint16_t pm32_sel;
	uint16_t gdt_limit;
	uint32_t gdt_base;
} __attribute__((packed));

_Static_assert(offsetof(struct tcg_stub_params, cr4) == STUB_P_CR4 &&
	       offsetof(struct tcg_stub_params, cr3) == STUB_P_CR3 &&
	       offsetof(struct tcg_stub_params, efer_msr) == STUB_P_EFER_MSR &&
	       offsetof(struct tcg_stub_params, efer) == STUB_P_EFER &&
	       offsetof(struct tcg_stub_params, cr0) == STUB_P_CR0 &&
	       offsetof(struct tcg_stub_params, ds) == STUB_P_DS &&
	       offsetof(struct tcg_stub_params, esp) == STUB_P_ESP &&
	       offsetof(struct tcg_stub_params, esi) == STUB_P_ESI &&
	       offsetof(struct tcg_stub_params, entry) == STUB_P_ENTRY &&
	       offsetof(struct tcg_stub_params, pm32_off) == STUB_P_PM32 &&
	       offsetof(struct tcg_stub_params, gdt_limit) == STUB_P_GDT &&
	       sizeof(struct tcg_stub_params) == STUB_P_SIZE,
	       "tcg_boot.h offsets and struct tcg_stub_params disagree");

/* Assembled code (tcg_boot.S): [start, end) of each piece. */
extern const uint8_t tcg_reset_vector[], tcg_reset_target[], tcg_reset_vector_end[];
extern const uint8_t tcg_stub[], tcg_stub_pm32[], tcg_stub_params[], tcg_stub_end[];
#endif

#endif
