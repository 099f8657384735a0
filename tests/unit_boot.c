/*
 * Guest memory layout, gpa_ptr() bounds and the boot structures the VMM
 * writes (GDT, boot_info with its e820 map, long-mode boot page tables),
 * checked on guest RAM without KVM.  The 6 GiB case uses a real
 * MAP_NORESERVE mapping, as the VMM does, and touches only the boot area.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "abi.h"
#include "boot.h"
#include "elf_load.h"
#include "exitcodes.h"
#include "guest_mem.h"

#define GiB (1ull << 30)
#define MiB (1ull << 20)

static struct guest_mem mem;
static char err[256];

static const struct elf_info kernel_elf = {
	.entry = KERNEL_VIRT_BASE, .entry_pa = KERNEL_PHYS_BASE,
};

static void ram(uint64_t bytes)
{
	cr_assert_eq(guest_mem_alloc(&mem, bytes), 0);
}

static void fini(void)
{
	guest_mem_free(&mem);
}

TestSuite(mem, .fini = fini);
TestSuite(boot, .fini = fini);

Test(mem, small_layout)
{
	ram(128 * MiB);
	cr_assert_eq(mem.nr_regions, 1);
	cr_assert_eq(mem.region[0].gpa, 0);
	cr_assert_eq(mem.region[0].size, 128 * MiB);
	cr_assert_eq(guest_mem_end(&mem), 128 * MiB);
	cr_assert(mem.zeroed);
}

Test(mem, split_layout)
{
	ram(6 * GiB);
	cr_assert_eq(mem.nr_regions, 2);
	cr_assert_eq(mem.region[0].gpa, 0);
	cr_assert_eq(mem.region[0].size, RAM_HOLE_START);
	cr_assert_eq(mem.region[1].gpa, RAM_HOLE_END);
	cr_assert_eq(mem.region[1].size, 3 * GiB);
	cr_assert_eq(mem.ram_bytes, 6 * GiB);
	cr_assert_eq(guest_mem_end(&mem), 7 * GiB);
}

Test(mem, exactly_3g_has_no_high_region)
{
	ram(3 * GiB);
	cr_assert_eq(mem.nr_regions, 1);
}

Test(mem, gpa_bounds)
{
	uint8_t *base;

	ram(6 * GiB);
	base = mem.region[0].host;
	cr_assert_eq(guest_mem_ptr(&mem, 0, 1), base);
	cr_assert_eq(guest_mem_ptr(&mem, 0x1234, 16), base + 0x1234);
	cr_assert_eq(guest_mem_ptr(&mem, 0, RAM_HOLE_START), base);
	cr_assert_eq(guest_mem_ptr(&mem, RAM_HOLE_START - 4096, 4096), base + RAM_HOLE_START - 4096);
	cr_assert_null(guest_mem_ptr(&mem, RAM_HOLE_START - 4096, 4097), "straddles into the hole");
	cr_assert_null(guest_mem_ptr(&mem, RAM_HOLE_START, 1), "in the hole");
	cr_assert_null(guest_mem_ptr(&mem, RAM_HOLE_END - 1, 2), "hole into high RAM");
	/* high RAM maps to the host bytes right after low RAM */
	cr_assert_eq(guest_mem_ptr(&mem, RAM_HOLE_END, 8), base + RAM_HOLE_START);
	cr_assert_eq(guest_mem_ptr(&mem, 7 * GiB - 8, 8), base + 6 * GiB - 8);
	cr_assert_null(guest_mem_ptr(&mem, 7 * GiB - 8, 9));
	cr_assert_null(guest_mem_ptr(&mem, 7 * GiB, 0));
	/* a range across both regions is refused even though both ends are RAM */
	cr_assert_null(guest_mem_ptr(&mem, RAM_HOLE_START - 8, RAM_HOLE_END - RAM_HOLE_START + 16));
	/* lengths and addresses that would wrap */
	cr_assert_null(guest_mem_ptr(&mem, 0x1000, ~0ull));
	cr_assert_null(guest_mem_ptr(&mem, ~0ull, 1));
	cr_assert_null(guest_mem_ptr(&mem, ~0ull - 4, 16));
	cr_assert_null(guest_mem_ptr(&mem, RAM_HOLE_END, ~0ull - RAM_HOLE_END + 2));
	/* zero length: the address itself must be RAM */
	cr_assert_eq(guest_mem_ptr(&mem, 5, 0), base + 5);
	cr_assert_null(guest_mem_ptr(&mem, RAM_HOLE_START, 0));
}

static struct boot_info *bi(void)
{
	return guest_mem_ptr(&mem, BOOT_INFO_PA, sizeof(struct boot_info));
}

static uint64_t *table(uint64_t pa)
{
	return guest_mem_ptr(&mem, pa, 4096);
}

static void write_boot(const char *cmdline)
{
	struct boot_params bp = { .cmdline = cmdline, .tsc_khz = 2500000, .nr_cpus = 1,
				  .features = BI_FEAT_MEM_OR32 | BI_FEAT_FIND_NONZERO };

	cr_assert_eq(boot_write_memory(&mem, &kernel_elf, &bp, err, sizeof(err)), 0, "%s", err);
}

static void expect_e820(unsigned i, uint64_t addr, uint64_t size, uint32_t type)
{
	const struct e820_entry *e = &bi()->e820[i];

	cr_assert_eq(e->addr, addr, "e820[%u].addr %#llx", i, (unsigned long long)e->addr);
	cr_assert_eq(e->size, size, "e820[%u].size %#llx", i, (unsigned long long)e->size);
	cr_assert_eq(e->type, type, "e820[%u].type", i);
}

Test(boot, boot_info_128m)
{
	ram(128 * MiB);
	write_boot("run=exit:7 highmem=32M");
	cr_assert_eq(bi()->magic, BOOT_INFO_MAGIC);
	cr_assert_eq(bi()->version, BOOT_INFO_VERSION);
	cr_assert_eq(bi()->nr_cpus, 1);
	cr_assert_eq(bi()->tsc_khz, 2500000);
	cr_assert_eq(bi()->ram_bytes, 128 * MiB);
	cr_assert_eq(bi()->hc_port, HC_PORT);
	cr_assert_eq(bi()->features, BI_FEAT_MEM_OR32 | BI_FEAT_FIND_NONZERO, "the accelerator's choice");
	cr_assert_str_eq(bi()->cmdline, "run=exit:7 highmem=32M");
	cr_assert_eq(bi()->e820_nr, 3);
	expect_e820(0, 0, LEGACY_HOLE_START, E820_RAM);
	expect_e820(1, LEGACY_HOLE_START, LEGACY_HOLE_END - LEGACY_HOLE_START, E820_RESERVED);
	expect_e820(2, LEGACY_HOLE_END, 127 * MiB, E820_RAM);
}

Test(boot, boot_info_6g)
{
	ram(6 * GiB);
	write_boot(NULL);
	cr_assert_eq(bi()->ram_bytes, 6 * GiB);
	cr_assert_str_eq(bi()->cmdline, "");
	cr_assert_eq(bi()->e820_nr, 4);
	expect_e820(2, LEGACY_HOLE_END, 3 * GiB - MiB, E820_RAM);
	expect_e820(3, 4 * GiB, 3 * GiB, E820_RAM);
}

Test(boot, gdt)
{
	const uint64_t *gdt;

	ram(64 * MiB);
	write_boot("");
	gdt = guest_mem_ptr(&mem, BOOT_GDT_PA, BOOT_GDT_ENTRIES * 8);
	cr_assert_eq(gdt[0], 0);
	cr_assert_eq(gdt[GDT_ENTRY_KERNEL_CS64], GDT_DESC_KERNEL_CS64);
	cr_assert_eq(gdt[GDT_ENTRY_KERNEL_CS], GDT_DESC_KERNEL_CS);
	cr_assert_eq(gdt[GDT_ENTRY_KERNEL_DS], GDT_DESC_KERNEL_DS);
	cr_assert_eq(gdt[GDT_ENTRY_USER_CS], GDT_DESC_USER_CS);
	cr_assert_eq(gdt[GDT_ENTRY_USER_DS], GDT_DESC_USER_DS);
	/* TSS placeholder: a present busy 64-bit TSS descriptor inside the boot area */
	cr_assert_eq((gdt[GDT_ENTRY_TSS] >> 40) & 0xff, 0x8b);
}

/* Walk the boot tables like the MMU: PML4 -> PDPT -> PD (2 MiB pages). */
static int64_t walk(uint64_t lin)
{
	uint64_t e = table(BOOT_PML4_PA)[(lin >> 39) & 511];

	if (!(e & 1))
		return -1;
	e = table(e & ~0xfffull)[(lin >> 30) & 511];
	if (!(e & 1))
		return -1;
	e = table(e & ~0xfffull)[(lin >> 21) & 511];
	if (!(e & 1) || !(e & 0x80))
		return -1;
	return (int64_t)((e & ~0x1fffffull) | (lin & 0x1fffff));
}

Test(boot, page_tables)
{
	ram(128 * MiB);
	write_boot("");
	cr_assert_eq(table(BOOT_PML4_PA)[0], BOOT_PDPT_PA | 7, "PML4E: P|RW|US");
	cr_assert_eq(table(BOOT_PDPT_PA)[0], BOOT_PD_PA | 7, "PDPTE 0: P|RW|US");
	cr_assert_eq(table(BOOT_PDPT_PA)[3], BOOT_PD_PA | 7, "PDPTE 3: P|RW|US");
	cr_assert_eq(table(BOOT_PDPT_PA)[1], 0);
	cr_assert_eq(table(BOOT_PDPT_PA)[2], 0);
	cr_assert_eq(table(BOOT_PD_PA)[0], 0x83, "PDE: P|RW|PS, no US");
	cr_assert_eq(table(BOOT_PD_PA)[63], (63ull << 21) | 0x83);
	cr_assert_eq(table(BOOT_PD_PA)[64], 0, "128 MiB: 64 large pages, no more");
	cr_assert_eq(walk(0x1234), 0x1234);
	cr_assert_eq(walk(KERNEL_VIRT_BASE + 0x10), KERNEL_PHYS_BASE + 0x10);
	cr_assert_eq(walk(PAGE_OFFSET_VAL + 128 * MiB - 1), 128 * MiB - 1);
	cr_assert_eq(walk(PAGE_OFFSET_VAL + 128 * MiB), -1);
	cr_assert_eq(walk(0x40000000), -1);
	cr_assert_eq(boot_mapped_bytes(&mem), 128 * MiB);
}

Test(boot, page_tables_cap_at_1g)
{
	ram(6 * GiB);
	write_boot("");
	cr_assert_eq(boot_mapped_bytes(&mem), GiB);
	cr_assert_eq(table(BOOT_PD_PA)[511], (511ull << 21) | 0x83);
	cr_assert_eq(walk(0xffffffff), GiB - 1);
}

Test(boot, odd_size_rounds_up_to_2m)
{
	ram(17 * MiB);
	write_boot("");
	cr_assert_eq(boot_mapped_bytes(&mem), 18 * MiB);
	cr_assert_eq(table(BOOT_PD_PA)[8], (8ull << 21) | 0x83);
	cr_assert_eq(table(BOOT_PD_PA)[9], 0);
}

Test(boot, cmdline_too_long)
{
	static char cmd[BOOT_CMDLINE_MAX + 1];
	struct boot_params bp = { .cmdline = cmd };

	ram(64 * MiB);
	memset(cmd, 'x', BOOT_CMDLINE_MAX);
	cr_assert_eq(boot_write_memory(&mem, &kernel_elf, &bp, err, sizeof(err)), EXIT_USAGE);
	cr_assert_str_eq(err, "the kernel command line is 1024 bytes; the limit is 1023");
	cr_assert_eq(bi()->magic, 0, "nothing written");
	cmd[BOOT_CMDLINE_MAX - 1] = '\0';
	cr_assert_eq(boot_write_memory(&mem, &kernel_elf, &bp, err, sizeof(err)), 0);
	cr_assert_eq(strlen(bi()->cmdline), BOOT_CMDLINE_MAX - 1);
}

Test(boot, entry_must_be_mapped)
{
	struct elf_info e = { .entry = 0x80100000, .entry_pa = 0x100000 };
	struct boot_params bp = { 0 };

	ram(64 * MiB);
	cr_assert_eq(boot_write_memory(&mem, &e, &bp, err, sizeof(err)), EXIT_BAD_IMAGE);
	cr_assert_str_eq(err, "entry point 0x80100000 (physical 0x100000) is not mapped by the boot "
			 "page tables, which map the first 64 MiB at 0 and at 0xc0000000");
	/* linked at PAGE_OFFSET but loaded elsewhere: the boot map disagrees */
	e = (struct elf_info){ .entry = 0xc0100000, .entry_pa = 0x200000 };
	cr_assert_eq(boot_write_memory(&mem, &e, &bp, err, sizeof(err)), EXIT_BAD_IMAGE);
	/* identity-linked entries work too */
	e = (struct elf_info){ .entry = 0x100000, .entry_pa = 0x100000 };
	cr_assert_eq(boot_write_memory(&mem, &e, &bp, err, sizeof(err)), 0, "%s", err);
}
