/*
 * The monitor views (host/inspect/monitor.c) on the synthetic guest:
 * info registers, the /NFU parser, xp and x in every format and unit,
 * gva2gpa, info tlb and info mem (merging, splitting, the upper half,
 * entries that are skipped and the bound on the walk), each with the exact
 * text it prints, and every error with its exact message.
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>

#include "accel.h"
#include "synth_guest.h"

static struct sg g;

static void setup(void)
{
	cr_assert_eq(sg_build(&g), 0);
}

static void teardown(void)
{
	sg_free(&g);
}

TestSuite(registers);
TestSuite(fmt);
TestSuite(dump, .init = setup, .fini = teardown);
TestSuite(gva2gpa, .init = setup, .fini = teardown);
TestSuite(tlb, .init = setup, .fini = teardown);
TestSuite(mem, .init = setup, .fini = teardown);

/* An output buffer: open() a stream, text() closes it and returns what it got. */
static char *out_buf;
static size_t out_len;

static FILE *out_open(void)
{
	FILE *f = open_memstream(&out_buf, &out_len);

	cr_assert_not_null(f);
	return f;
}

static char *out_text(FILE *f)
{
	fclose(f);
	return out_buf;
}

/* ---- info registers --------------------------------------------------------- */

static const struct vcpu_seg flat_data = {
	.selector = 0x18, .limit = 0xffffffff, .type = 3, .s = 1, .present = 1, .db = 1, .g = 1,
};

/* The guest's state at a stop: 32-bit code in compatibility mode at CPL0. */
static struct vcpu_regs kvm_regs(void)
{
	return (struct vcpu_regs){
		.rax = 1, .rbx = 0xffffffff00000002ull, .rcx = 3, .rdx = 4,
		.rsi = 5, .rdi = 6, .rbp = 0xc0ffee00, .rsp = 0xc0ffedf0,
		.r8 = 8, .r9 = 9, .r10 = 10, .r11 = 11, .r12 = 12, .r13 = 13, .r14 = 14,
		.r15 = 0x8000000000000000ull,
		.rip = 0xc0100abc, .rflags = 0x246,
		.cs = { .selector = 0x10, .limit = 0xffffffff, .type = 0xb, .s = 1, .present = 1,
			.db = 1, .g = 1 },
		.ss = flat_data, .ds = flat_data, .es = flat_data,
		.fs = { .unusable = true },
		.gs = { .selector = 0x28, .base = 0xc1234000, .limit = 0xfff, .type = 3, .s = 1,
			.present = 1, .db = 1 },
		.tr = { .selector = 0x30, .base = 0xc0105000, .limit = 0x67, .type = 0xb,
			.present = 1 },
		.ldt = { .type = 2, .unusable = true },
		.gdt_base = 0xc0104000, .gdt_limit = 0x3f,
		.idt_base = 0xc0106000, .idt_limit = 0xfff,
		.has_descriptors = true,
		.cr0 = 0x80000011, .cr2 = 0xd0000000, .cr3 = 0x10b000, .cr4 = 0x20, .cr8 = 0,
		.efer = 0x500,
	};
}

static char *registers(const struct vcpu_regs *r)
{
	FILE *f = out_open();

	insp_view_registers(r, f);
	return out_text(f);
}

Test(registers, qemu_layout_with_descriptors)
{
	struct vcpu_regs r = kvm_regs();
	char *s = registers(&r);

	cr_assert_str_eq(s,
		"RAX=0000000000000001 RBX=ffffffff00000002 RCX=0000000000000003 RDX=0000000000000004\n"
		"RSI=0000000000000005 RDI=0000000000000006 RBP=00000000c0ffee00 RSP=00000000c0ffedf0\n"
		"R8 =0000000000000008 R9 =0000000000000009 R10=000000000000000a R11=000000000000000b\n"
		"R12=000000000000000c R13=000000000000000d R14=000000000000000e R15=8000000000000000\n"
		"RIP=00000000c0100abc RFL=00000246 [---Z-P-] CPL=0\n"
		"ES =0018 0000000000000000 ffffffff 00c09300 DPL=0 DS   [-WA]\n"
		"CS =0010 0000000000000000 ffffffff 00c09b00 DPL=0 CS32 [-RA]\n"
		"SS =0018 0000000000000000 ffffffff 00c09300 DPL=0 DS   [-WA]\n"
		"DS =0018 0000000000000000 ffffffff 00c09300 DPL=0 DS   [-WA]\n"
		"FS =0000 0000000000000000 00000000 00000000\n"
		"GS =0028 00000000c1234000 00000fff 00409300 DPL=0 DS   [-WA]\n"
		"LDT=0000 0000000000000000 00000000 00000200\n"
		"TR =0030 00000000c0105000 00000067 00008b00 DPL=0 TSS64-busy\n"
		"GDT=     00000000c0104000 0000003f\n"
		"IDT=     00000000c0106000 00000fff\n"
		"CR0=80000011 CR2=00000000d0000000 CR3=000000000010b000 CR4=00000020\n"
		"EFER=00000500 LME LMA\n");
	free(s);
}

Test(registers, segment_kinds_and_flags)
{
	struct vcpu_regs r = kvm_regs();
	char *s;

	/* 64-bit conforming code, a ring-3 expand-down data segment, every
	 * arithmetic flag, DF, CPL 3 and NXE. */
	r.cs.l = 1;
	r.cs.db = 0;
	r.cs.type = 0xe;
	r.cs.selector = 0x33;
	r.ds.type = 5;
	r.ds.dpl = 3;
	r.rflags = 0xcd5;
	r.efer = 0xd01;
	s = registers(&r);
	cr_assert(strstr(s, "RFL=00000cd5 [DOSZAPC] CPL=3\n"), "%s", s);
	cr_assert(strstr(s, "CS =0033 0000000000000000 ffffffff 00a09e00 DPL=0 CS64 [CR-]\n"), "%s", s);
	cr_assert(strstr(s, "DS =0018 0000000000000000 ffffffff 00c0f500 DPL=3 DS   [E-A]\n"), "%s", s);
	cr_assert(strstr(s, "EFER=00000d01 SCE LME LMA NXE\n"), "%s", s);
	free(s);

	/* Outside long mode a data segment without B is 16-bit; without
	 * CR0.PE no segment is decoded. */
	r = kvm_regs();
	r.efer = 0;
	r.ds.db = 0;
	r.tr.type = 3;
	s = registers(&r);
	cr_assert(strstr(s, "DS =0018 0000000000000000 ffffffff 00809300 DPL=0 DS16 [-WA]\n"), "%s", s);
	cr_assert(strstr(s, "TR =0030 00000000c0105000 00000067 00008300 DPL=0 TSS16-busy\n"), "%s", s);
	free(s);
	r.cr0 = 0x10;
	s = registers(&r);
	cr_assert(strstr(s, "CS =0010 0000000000000000 ffffffff 00c09b00\n"), "%s", s);
	free(s);
}

Test(registers, selectors_only)
{
	struct vcpu_regs r = kvm_regs();
	char *s;

	/* What QEMU's gdbstub gives: selectors, FS and GS bases, no descriptors. */
	r.has_descriptors = false;
	r.gs.base = 0xc1234000;
	s = registers(&r);
	cr_assert(strstr(s, "RIP=00000000c0100abc RFL=00000246 [---Z-P-] CPL=0\n"
			 "ES =0018\nCS =0010\nSS =0018\nDS =0018\n"
			 "FS =0000 0000000000000000\nGS =0028 00000000c1234000\n"
			 "(selectors and the FS and GS bases only: the accelerator gives no hidden "
			 "segment state, LDT, TR, GDT or IDT)\n"
			 "CR0=80000011 CR2=00000000d0000000 CR3=000000000010b000 CR4=00000020\n"
			 "EFER=00000500 LME LMA\n"), "%s", s);
	cr_assert_null(strstr(s, "GDT="), "%s", s);
	free(s);
}

/* ---- /NFU ------------------------------------------------------------------- */

static struct insp_fmt parse_ok(const char *s)
{
	struct insp_fmt f;
	char err[128] = "";

	cr_assert_eq(insp_parse_fmt(s, &f, err, sizeof(err)), 0, "%s: %s", s ? s : "NULL", err);
	return f;
}

static void parse_bad(const char *s, const char *want)
{
	struct insp_fmt f;
	char err[128] = "";

	cr_assert_eq(insp_parse_fmt(s, &f, err, sizeof(err)), -1, "%s parsed", s);
	cr_assert_str_eq(err, want, "for \"%s\"", s);
}

#define FMT_IS(f, n, c, sz) do { \
	struct insp_fmt f_ = (f); \
	cr_assert(f_.count == (n) && f_.format == (c) && f_.size == (sz), \
		  "got %u %c %u", f_.count, f_.format, f_.size); \
} while (0)

Test(fmt, defaults_and_letters)
{
	FMT_IS(parse_ok(NULL), 1, 'x', 4);
	FMT_IS(parse_ok(""), 1, 'x', 4);
	FMT_IS(parse_ok("8xb"), 8, 'x', 1);
	FMT_IS(parse_ok("bx"), 1, 'x', 1);
	FMT_IS(parse_ok("4dg"), 4, 'd', 8);
	FMT_IS(parse_ok("2uh"), 2, 'u', 2);
	FMT_IS(parse_ok("3o"), 3, 'o', 4);
	FMT_IS(parse_ok("w"), 1, 'x', 4);
	FMT_IS(parse_ok("L"), 1, 'x', 8);
	FMT_IS(parse_ok("16c"), 16, 'c', 1);
	FMT_IS(parse_ok("cb"), 1, 'c', 1);
	FMT_IS(parse_ok("xdhw"), 1, 'd', 4);    /* the last of each kind wins */
	FMT_IS(parse_ok("0008x"), 8, 'x', 4);
	FMT_IS(parse_ok("4096g"), 4096, 'x', 8);
}

Test(fmt, errors)
{
	parse_bad("8z", "invalid char in format: 'z'");
	parse_bad("x8", "invalid char in format: '8'");
	parse_bad("x ", "invalid char in format: '\\x20'");
	parse_bad("i", "format 'i' (disassembly) is not supported");
	parse_bad("10i", "format 'i' (disassembly) is not supported");
	parse_bad("0x", "count 0 is out of range: 1 to 4096");
	parse_bad("000", "count 000 is out of range: 1 to 4096");
	parse_bad("4097", "count 4097 is out of range: 1 to 4096");
	parse_bad("123456789012345678901234567890x",
		  "count 12345678901234567890... is out of range: 1 to 4096");
	parse_bad("4cw", "format 'c' prints bytes: unit 'w' does not apply");
	parse_bad("hc", "format 'c' prints bytes: unit 'h' does not apply");
	parse_bad("cg", "format 'c' prints bytes: unit 'g' does not apply");
}

/* ---- xp and x ----------------------------------------------------------------- */

#define DATA_PA 0x500000u

static void put_data(uint64_t pa)
{
	static const uint8_t data[20] = {
		0x41, 0x42, 0x0a, 0x27, 0x5c, 0x0d, 0x00, 0xff, 0x80, 0x7f,
		0x01, 0x02, 0xfe, 0xff, 0xff, 0xff, 0x78, 0x56, 0x34, 0x12,
	};

	memcpy(g.ram + pa, data, sizeof(data));
}

static char *xp(uint64_t pa, const char *nfu)
{
	struct insp_fmt fmt = parse_ok(nfu);
	char err[256] = "";
	FILE *f = out_open();

	cr_assert_eq(insp_view_xp(&g.in, pa, &fmt, f, err, sizeof(err)), 0, "%s", err);
	return out_text(f);
}

static char *x(uint64_t va, const char *nfu)
{
	struct insp_fmt fmt = parse_ok(nfu);
	char err[256] = "";
	FILE *f = out_open();

	cr_assert_eq(insp_view_x(&g.in, SG_PML4_PA, va, &fmt, f, err, sizeof(err)), 0, "%s", err);
	return out_text(f);
}

#define DUMP_IS(call, want) do { \
	char *s_ = (call); \
	cr_assert_str_eq(s_, want); \
	free(s_); \
} while (0)

Test(dump, xp_hex_at_every_unit)
{
	put_data(DATA_PA);
	DUMP_IS(xp(DATA_PA, "8xb"), "0000000000500000: 0x41 0x42 0x0a 0x27 0x5c 0x0d 0x00 0xff\n");
	DUMP_IS(xp(DATA_PA, "10xb"), "0000000000500000: 0x41 0x42 0x0a 0x27 0x5c 0x0d 0x00 0xff\n"
				     "0000000000500008: 0x80 0x7f\n");
	DUMP_IS(xp(DATA_PA, "4xh"), "0000000000500000: 0x4241 0x270a 0x0d5c 0xff00\n");
	DUMP_IS(xp(DATA_PA, "5"), "0000000000500000: 0x270a4241 0xff000d5c 0x02017f80 0xfffffffe\n"
				  "0000000000500010: 0x12345678\n");
	DUMP_IS(xp(DATA_PA, "2xg"), "0000000000500000: 0xff000d5c270a4241 0xfffffffe02017f80\n");
	DUMP_IS(xp(DATA_PA + 16, NULL), "0000000000500010: 0x12345678\n");
}

Test(dump, xp_decimal_octal_char)
{
	put_data(DATA_PA);
	DUMP_IS(xp(DATA_PA, "4dw"), "0000000000500000:  654983745  -16773796   33652608         -2\n");
	DUMP_IS(xp(DATA_PA + 7, "2db"), "0000000000500007:  -1 -128\n");
	DUMP_IS(xp(DATA_PA, "2dh"), "0000000000500000: 16961  9994\n");
	DUMP_IS(xp(DATA_PA, "1dg"), "0000000000500000:   -72042904594791871\n");
	DUMP_IS(xp(DATA_PA, "10ub"), "0000000000500000:  65  66  10  39  92  13   0 255\n"
				     "0000000000500008: 128 127\n");
	DUMP_IS(xp(DATA_PA, "3uh"), "0000000000500000: 16961  9994  3420\n");
	DUMP_IS(xp(DATA_PA, "2ug"), "0000000000500000: 18374701169114759745 18446744065153269632\n");
	DUMP_IS(xp(DATA_PA, "3ob"), "0000000000500000: 0101 0102 012\n");
	DUMP_IS(xp(DATA_PA + 6, "ob"), "0000000000500006:   0\n");
	DUMP_IS(xp(DATA_PA, "2og"),
		"0000000000500000: 01774000325604702441101 01777777777700200277600\n");
	DUMP_IS(xp(DATA_PA, "16c"),
		"0000000000500000: 'A' 'B' '\\n' '\\'' '\\\\' '\\r' '\\x00' '\\xff'\n"
		"0000000000500008: '\\x80' '\\x7f' '\\x01' '\\x02' '\\xfe' '\\xff' '\\xff' '\\xff'\n");
}

Test(dump, x_through_the_page_tables)
{
	/* The kernel globals through the direct map (a 2 MiB page). */
	DUMP_IS(x(SG_PO + SG_GLOBALS_PA, "4xw"),
		"00000000c0108000: 0xc0200000 0x00002000 0x00001700 0xc1700000\n");
	/* A fixmap slot: a 4 KiB PTE to pfn 0x1404. */
	put_data(0x1404000);
	DUMP_IS(x(0xfffff000, "2xg"), "00000000fffff000: 0xff000d5c270a4241 0xfffffffe02017f80\n");
	/* Across the 2 MiB leaf into the edge page table. */
	put_data((22u << 20) - 8);
	DUMP_IS(x(SG_PO + (22u << 20) - 8, "4xw"),
		"00000000c15ffff8: 0x270a4241 0xff000d5c 0x02017f80 0xfffffffe\n");
}

static void xp_fails(uint64_t pa, const char *nfu, const char *want)
{
	struct insp_fmt fmt = parse_ok(nfu);
	char err[256] = "";
	FILE *f = out_open();
	char *s;

	cr_assert_eq(insp_view_xp(&g.in, pa, &fmt, f, err, sizeof(err)), -1);
	s = out_text(f);
	cr_assert_str_eq(err, want);
	cr_assert_str_eq(s, "", "nothing printed on an error");
	free(s);
}

static void x_fails(uint64_t va, const char *nfu, const char *want)
{
	struct insp_fmt fmt = parse_ok(nfu);
	char err[256] = "";
	FILE *f = out_open();
	char *s;

	cr_assert_eq(insp_view_x(&g.in, SG_PML4_PA, va, &fmt, f, err, sizeof(err)), -1);
	s = out_text(f);
	cr_assert_str_eq(err, want);
	cr_assert_str_eq(s, "", "nothing printed on an error");
	free(s);
}

Test(dump, xp_outside_ram)
{
	xp_fails(SG_RAM, "xb", "pa 0x2000000 is not in guest RAM");
	xp_fails(SG_RAM - 8, "4xw", "pa 0x2000000 is not in guest RAM (dump from 0x1fffff8, 16 bytes)");
	xp_fails(~0ull - 3, "2xg", "pa 0xfffffffffffffffc is not in guest RAM");
	DUMP_IS(xp(SG_RAM - 8, "2xw"), "0000000001fffff8: 0x00000000 0x00000000\n");
}

Test(dump, x_not_mapped)
{
	x_fails(0xd0000000, "xw", "va 0xd0000000 does not translate: not present at PDE");
	x_fails(0x08048000, "xw", "va 0x8048000 does not translate: not present at PDPTE");
	x_fails(SG_PO + (23u << 20) - 8, "4xw", "va 0xc1700000 does not translate: not present at "
		"PTE (dump from 0xc16ffff8, 16 bytes)");
	x_fails(0x0000800000000000ull, "xb", "va 0x800000000000 does not translate: "
		"non-canonical address");
	sg_wr64(&g, SG_FIX_PT_PA + 510 * 8, (1ull << 35) | SG_KPTE);
	x_fails(0xffffe000, "xb", "va 0xffffe000 maps pa 0x800000000, which is not in guest RAM");
	sg_wr64(&g, SG_KPD_PA + 2 * 8, sg_rd64(&g, SG_KPD_PA + 2 * 8) | (1ull << 13));
	x_fails(0xc0400000, "xb", "va 0xc0400000 does not translate: reserved bits set at PDE");
}

Test(dump, hand_built_formats_are_checked)
{
	struct insp_fmt bad[] = {
		{ .count = 0, .format = 'x', .size = 4 },
		{ .count = 4097, .format = 'x', .size = 4 },
		{ .count = 1, .format = 'x', .size = 3 },
		{ .count = 1, .format = 'i', .size = 4 },
		{ .count = 1, .format = 'c', .size = 4 },
	};
	static const char *const want[] = {
		"count 0 is out of range: 1 to 4096",
		"count 4097 is out of range: 1 to 4096",
		"bad format: 'x' in units of 3 bytes",
		"bad format: 'i' in units of 4 bytes",
		"bad format: 'c' in units of 4 bytes",
	};
	char err[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(insp_view_xp(&g.in, DATA_PA, &bad[i], stdout, err, sizeof(err)), -1);
		cr_assert_str_eq(err, want[i]);
		cr_assert_eq(insp_view_x(&g.in, SG_PML4_PA, SG_PO, &bad[i], stdout, err,
					 sizeof(err)), -1);
		cr_assert_str_eq(err, want[i]);
	}
}

/* ---- gva2gpa ------------------------------------------------------------------ */

static char *gva2gpa(uint64_t va, enum pt_status want)
{
	FILE *f = out_open();

	cr_assert_eq(insp_view_gva2gpa(&g.in, SG_PML4_PA, va, f), want);
	return out_text(f);
}

Test(gva2gpa, every_level_then_qemus_line)
{
	char *s = gva2gpa(SG_PO + (22u << 20) + 0x1234, PT_OK);

	cr_assert_str_eq(s,
		"va 0xc1601234 (cr3 0x10b000)\n"
		"  PML4E[  0] @ pa 0x000010b000 = 0x000000000010a027  P RW US A\n"
		"  PDPTE[  3] @ pa 0x000010a018 = 0x000000000010c027  P RW US A\n"
		"  PDE  [ 11] @ pa 0x000010c058 = 0x000000000010d063  P RW A D\n"
		"  PTE  [  1] @ pa 0x000010d008 = 0x0000000001601063  P RW A D\n"
		"  -> pa 0x1601234 (4 KiB page, read-write, kernel)\n"
		"gpa: 0x1601234\n");
	free(s);
	s = gva2gpa(0xd0000000, PT_NOT_PRESENT);
	cr_assert_str_eq(s,
		"va 0xd0000000 (cr3 0x10b000)\n"
		"  PML4E[  0] @ pa 0x000010b000 = 0x000000000010a027  P RW US A\n"
		"  PDPTE[  3] @ pa 0x000010a018 = 0x000000000010c027  P RW US A\n"
		"  PDE  [128] @ pa 0x000010c400 = 0x0000000000000000  -\n"
		"  -> no translation: not present at PDE\n"
		"Unmapped\n");
	free(s);
}

/* ---- info tlb ------------------------------------------------------------------ */

static char *tlb(uint64_t cr3)
{
	FILE *f = out_open();

	insp_view_tlb(&g.in, cr3, f);
	return out_text(f);
}

static char *mem(uint64_t cr3)
{
	FILE *f = out_open();

	insp_view_mem(&g.in, cr3, f);
	return out_text(f);
}

/* Leave the edge page table with its first two PTEs only. */
static void trim_edge(void)
{
	memset(g.ram + SG_EDGE_PT_PA + 2 * 8, 0, 4096 - 2 * 8);
}

/* info tlb of the direct map from 6 MiB on: 2 MiB leaves, then the two
 * 4 KiB leaves trim_edge() leaves. */
#define TLB_C0600000_TO_EDGE \
	"00000000c0600000: 0000000000600000 --PDA---W\n" \
	"00000000c0800000: 0000000000800000 --PDA---W\n" \
	"00000000c0a00000: 0000000000a00000 --PDA---W\n" \
	"00000000c0c00000: 0000000000c00000 --PDA---W\n" \
	"00000000c0e00000: 0000000000e00000 --PDA---W\n" \
	"00000000c1000000: 0000000001000000 --PDA---W\n" \
	"00000000c1200000: 0000000001200000 --PDA---W\n" \
	"00000000c1400000: 0000000001400000 --PDA---W\n" \
	"00000000c1600000: 0000000001600000 ---DA---W\n" \
	"00000000c1601000: 0000000001601000 ---DA---W\n"

/* synth_guest.h's vmalloc world: area A's page and area B's two. */
#define TLB_VMALLOC \
	"00000000c1800000: 0000000000301000 ---DA---W\n" \
	"00000000c1805000: 0000000001404000 ---DA---W\n" \
	"00000000c1806000: 0000000001405000 ---DA---W\n"
#define MEM_VMALLOC \
	"00000000c1800000-00000000c1801000 0000000000001000 -rw\n" \
	"00000000c1805000-00000000c1807000 0000000000002000 -rw\n"

Test(tlb, every_present_leaf)
{
	char *s;

	trim_edge();
	/* One leaf with the other bits: global, PCD, PWT, user, read-only,
	 * NX (with EFER.NXE), and PAT, which print_pte() drops from a PTE. */
	sg_wr64(&g, SG_PKMAP_PT_PA + 6 * 8, 0x1801000ull | PT_P | PT_G | PT_PCD | PT_PWT | PT_US |
		PT_PS | PT_NX);
	g.in.pt.nxe = true;
	s = tlb(SG_PML4_PA);
	cr_assert_str_eq(s,
		"00000000c0000000: 0000000000000000 --PDA---W\n"
		"00000000c0200000: 0000000000200000 --PDA---W\n"
		"00000000c0400000: 0000000000400000 --PDA---W\n"
		TLB_C0600000_TO_EDGE
		TLB_VMALLOC
		"00000000ffc05000: 0000000001800000 ---DA---W\n"
		"00000000ffc06000: 0000000001801000 XG---CTU-\n"
		"00000000fffff000: 0000000001404000 ---DA---W\n");
	free(s);
}

Test(tlb, upper_half_is_sign_extended)
{
	char *s;

	/* PML4[256] shares the kernel's PDPT: the same leaves at 0xffff8000_00000000 + va. */
	trim_edge();
	sg_wr64(&g, SG_PML4_PA + 256 * 8, sg_rd64(&g, SG_PML4_PA));
	s = tlb(SG_PML4_PA);
	cr_assert(strstr(s, "00000000fffff000: 0000000001404000 ---DA---W\n"
			 "ffff8000c0000000: 0000000000000000 --PDA---W\n"), "%s", s);
	cr_assert(strstr(s, "ffff8000fffff000: 0000000001404000 ---DA---W\n"), "%s", s);
	free(s);
	s = mem(SG_PML4_PA);
	cr_assert(strstr(s, "ffff8000c0000000-ffff8000c1602000 0000000001602000 -rw\n"), "%s", s);
	free(s);
}

Test(tlb, skipped_entries_say_why)
{
	char *s;

	trim_edge();
	sg_wr64(&g, SG_KPD_PA + 2 * 8, sg_rd64(&g, SG_KPD_PA + 2 * 8) | (1ull << 13));
	sg_wr64(&g, SG_KPD_PA + 100 * 8, (1ull << 35) | SG_KPTE);
	sg_wr64(&g, SG_PDPT_PA + 2 * 8, 0x40000000ull | PT_P | PT_RW | PT_PS);
	s = tlb(SG_PML4_PA);
	cr_assert_str_eq(s,
		"0000000080000000: PDPTE 0000000040000083 skipped: a 1 GiB page (PS in a PDPTE), "
		"not followed\n"
		"00000000c0000000: 0000000000000000 --PDA---W\n"
		"00000000c0200000: 0000000000200000 --PDA---W\n"
		"00000000c0400000: PDE 00000000004020e3 skipped: reserved bits 0x2000\n"
		TLB_C0600000_TO_EDGE
		TLB_VMALLOC
		"00000000cc800000: PDE 0000000800000063 skipped: its table at pa 0x800000000 is not "
		"in guest RAM\n"
		"00000000ffc05000: 0000000001800000 ---DA---W\n"
		"00000000fffff000: 0000000001404000 ---DA---W\n");
	free(s);
	s = tlb(0x7ffff000);
	cr_assert_str_eq(s, "cr3 0x7ffff000: the PML4 at pa 0x7ffff000 is not in guest RAM\n");
	free(s);
}

/* ---- info mem ------------------------------------------------------------------- */

Test(mem, kernel_ranges)
{
	/* 2 MiB pages and the edge table's 4 KiB pages have the same
	 * protection, so the direct map is one range; vmalloc has two areas
	 * mapped, pkmap and fixmap one page each. */
	char *s = mem(SG_PML4_PA);

	cr_assert_str_eq(s,
		"00000000c0000000-00000000c1700000 0000000001700000 -rw\n"
		MEM_VMALLOC
		"00000000ffc05000-00000000ffc06000 0000000000001000 -rw\n"
		"00000000fffff000-0000000100000000 0000000000001000 -rw\n");
	free(s);
}

Test(mem, adjacent_ranges_merge_and_a_change_splits)
{
	char *s;

	/* The pkmap page next to the used one, adjacent and alike: merged. */
	sg_wr64(&g, SG_PKMAP_PT_PA + 6 * 8, 0x1801000ull | SG_KPTE);
	/* A read-only PTE in the middle of the direct map, and a user 2 MiB
	 * page (user all the way down: PML4E and PDPTE have US). */
	sg_wr64(&g, SG_EDGE_PT_PA + 100 * 8, sg_rd64(&g, SG_EDGE_PT_PA + 100 * 8) & ~PT_RW);
	sg_wr64(&g, SG_KPD_PA + 1 * 8, sg_rd64(&g, SG_KPD_PA + 1 * 8) | PT_US);
	s = mem(SG_PML4_PA);
	cr_assert_str_eq(s,
		"00000000c0000000-00000000c0200000 0000000000200000 -rw\n"
		"00000000c0200000-00000000c0400000 0000000000200000 urw\n"
		"00000000c0400000-00000000c1664000 0000000001264000 -rw\n"
		"00000000c1664000-00000000c1665000 0000000000001000 -r-\n"
		"00000000c1665000-00000000c1700000 000000000009b000 -rw\n"
		MEM_VMALLOC
		"00000000ffc05000-00000000ffc07000 0000000000002000 -rw\n"
		"00000000fffff000-0000000100000000 0000000000001000 -rw\n");
	free(s);
}

Test(mem, protection_is_effective_over_all_levels)
{
	char *s;

	/* US on a leaf under a PDE without it is not user; RW off in the PDE
	 * makes its whole page table read-only. */
	sg_wr64(&g, SG_EDGE_PT_PA, sg_rd64(&g, SG_EDGE_PT_PA) | PT_US);
	sg_wr64(&g, SG_KPD_PA + 511 * 8, sg_rd64(&g, SG_KPD_PA + 511 * 8) & ~PT_RW);
	s = mem(SG_PML4_PA);
	cr_assert_str_eq(s,
		"00000000c0000000-00000000c1700000 0000000001700000 -rw\n"
		MEM_VMALLOC
		"00000000ffc05000-00000000ffc06000 0000000000001000 -rw\n"
		"00000000fffff000-0000000100000000 0000000000001000 -r-\n");
	free(s);
}

Test(mem, skipped_entries_split_ranges)
{
	char *s;

	sg_wr64(&g, SG_KPD_PA + 2 * 8, sg_rd64(&g, SG_KPD_PA + 2 * 8) | (1ull << 13));
	s = mem(SG_PML4_PA);
	cr_assert_str_eq(s,
		"00000000c0000000-00000000c0400000 0000000000400000 -rw\n"
		"00000000c0400000: PDE 00000000004020e3 skipped: reserved bits 0x2000\n"
		"00000000c0600000-00000000c1700000 0000000001100000 -rw\n"
		MEM_VMALLOC
		"00000000ffc05000-00000000ffc06000 0000000000001000 -rw\n"
		"00000000fffff000-0000000100000000 0000000000001000 -rw\n");
	free(s);
}

Test(mem, shared_tables_cannot_multiply_the_walk)
{
	char want[256];
	uint64_t stop = (15ull << 30) | (495ull << 21);
	char *s;

	/* Every PML4 and PDPT entry -> the PDPT and the PD, every PDE -> the
	 * edge PT, all of whose PTEs are present: 2^36 leaves, one range.
	 * Each PD costs 513 tables, so the 8193rd table below the PML4 is
	 * PT 495 of PDPT[15]. */
	for (unsigned i = 0; i < 512; i++) {
		sg_wr64(&g, SG_PML4_PA + i * 8, sg_rd64(&g, SG_PML4_PA));
		sg_wr64(&g, SG_PDPT_PA + i * 8, sg_rd64(&g, SG_PDPT_PA + 3 * 8));
		sg_wr64(&g, SG_KPD_PA + i * 8, SG_EDGE_PT_PA | SG_KPTE);
		sg_wr64(&g, SG_EDGE_PT_PA + i * 8, ((uint64_t)i << 12) | SG_KPTE);
	}
	s = mem(SG_PML4_PA);
	snprintf(want, sizeof(want), "0000000000000000-%016" PRIx64 " %016" PRIx64 " -rw\n"
		 "%016" PRIx64 ": walk stopped: more than 8192 page tables (tables shared to "
		 "multiply the walk?)\n", stop, stop, stop);
	cr_assert_str_eq(s, want);
	free(s);
}
