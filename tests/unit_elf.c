/*
 * ELF loader unit tests: synthetic images loaded into fake guest RAM (no
 * KVM), and the port I/O site table (HC_SITES_SECTION) it decodes.  Each
 * refusal is checked by its exit status and its exact message, since the
 * message is what tells the user what to fix; a mutation loop checks that
 * no damaged image crashes the loader.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "abi.h"
#include "elf_load.h"
#include "exitcodes.h"
#include "synth_elf.h"

#define RAM (32u << 20)

static uint8_t *ram;
static struct guest_mem mem;
static struct elf_info info;
static char err[512];

static void setup(void)
{
	ram = malloc(RAM);
	cr_assert(ram);
	memset(ram, 0xee, RAM);  /* not zero: the loader must zero the bss itself */
	guest_mem_layout(&mem, RAM, ram);
	memset(&info, 0, sizeof(info));
	err[0] = '\0';
}

static void teardown(void)
{
	elf_info_free(&info);
	free(ram);
}

TestSuite(elf, .init = setup, .fini = teardown);

/* A kernel-like image: text at 1 MiB linked at 0xc0100000, then data + bss. */
static const struct tseg good_segs[] = {
	{ .paddr = 0x100000, .vaddr = 0xc0100000, .filesz = 0x300, .memsz = 0x300, .fill = 0x10 },
	{ .paddr = 0x101000, .vaddr = 0xc0101000, .filesz = 0x80, .memsz = 0x3000, .fill = 0x80 },
};
static const struct tsym good_syms[] = {
	{ "_start", 0xc0100000, 0, STT_NOTYPE, STB_GLOBAL },
	{ "start_kernel", 0xc0100100, 0x120, STT_FUNC, STB_GLOBAL },
	{ "helper", 0xc0100220, 0x20, STT_FUNC, STB_LOCAL },
	{ "helper_alias", 0xc0100220, 0, STT_NOTYPE, STB_LOCAL },
	{ "tail_label", 0xc0100280, 0, STT_NOTYPE, STB_LOCAL },
	{ "mem_map", 0xc0101000, 4, STT_OBJECT, STB_GLOBAL },
};

static struct timage good_image(void)
{
	return timage_build(good_segs, 2, 0xc0100000, good_syms, 6);
}

static void expect_refused(struct timage *im, int status, const char *msg)
{
	uint8_t before = ram[0x100000];
	int r = elf_load(&mem, im->buf, im->len, &info, err, sizeof(err));

	cr_assert_eq(r, status, "status %d, want %d (%s)", r, status, err);
	cr_assert_str_eq(err, msg);
	cr_assert_eq(ram[0x100000], before, "a refused image must not touch RAM");
	timage_free(im);
}

Test(elf, good_image_loads)
{
	struct timage im = good_image();
	int r = elf_load(&mem, im.buf, im.len, &info, err, sizeof(err));

	cr_assert_eq(r, 0, "%s", err);
	cr_assert_eq(info.entry, 0xc0100000);
	cr_assert_eq(info.entry_pa, 0x100000);
	cr_assert_eq(info.nr_segments, 2);
	cr_assert_eq(info.load_start, 0x100000);
	cr_assert_eq(info.load_end, 0x104000);
	/* file bytes copied to p_paddr ... */
	cr_assert_eq(ram[0x100000], 0x10);
	cr_assert_eq(ram[0x1002ff], (uint8_t)(0x10 + 0x2ff));
	cr_assert_eq(ram[0x101000], 0x80);
	/* ... bss zeroed up to p_memsz, nothing beyond touched */
	for (uint32_t a = 0x101080; a < 0x104000; a++)
		cr_assert_eq(ram[a], 0, "bss byte %#x not zeroed", a);
	cr_assert_eq(ram[0x104000], 0xee);
	cr_assert_eq(ram[0x100300], 0xee);
	timage_free(&im);
}

Test(elf, zeroed_ram_skips_bss_fill)
{
	struct timage im = good_image();

	mem.zeroed = true;  /* the VMM's fresh anonymous RAM: no need to touch it */
	cr_assert_eq(elf_load(&mem, im.buf, im.len, &info, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(ram[0x101080], 0xee);
	timage_free(&im);
}

Test(elf, symbols)
{
	struct timage im = good_image();
	uint64_t off = 0, size = 0, addr = 0;
	const char *name;

	cr_assert_eq(elf_load(&mem, im.buf, im.len, &info, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(info.symtab.nr, 6);

	name = symtab_lookup(&info.symtab, 0xc0100134, &off, &size);
	cr_assert_str_eq(name, "start_kernel");
	cr_assert_eq(off, 0x34);
	cr_assert_eq(size, 0x120);
	/* an unsized label reaches to the next symbol */
	name = symtab_lookup(&info.symtab, 0xc01000ff, &off, &size);
	cr_assert_str_eq(name, "_start");
	cr_assert_eq(off, 0xff);
	cr_assert_eq(size, 0x100);
	/* among aliases the sized function wins */
	cr_assert_str_eq(symtab_lookup(&info.symtab, 0xc0100225, NULL, NULL), "helper");
	/* ...and the last unsized label stops at its section's end (0xc0100300) */
	cr_assert_str_eq(symtab_lookup(&info.symtab, 0xc01002ff, &off, &size), "tail_label");
	cr_assert_eq(size, 0x80);
	cr_assert_null(symtab_lookup(&info.symtab, 0xc0100300, NULL, NULL));
	/* padding after a sized symbol is nobody's */
	cr_assert_null(symtab_lookup(&info.symtab, 0xc0101004, NULL, NULL));
	cr_assert_null(symtab_lookup(&info.symtab, 0xbfffffff, NULL, NULL));

	cr_assert(symtab_addr(&info.symtab, "mem_map", &addr, &size));
	cr_assert_eq(addr, 0xc0101000);
	cr_assert_eq(size, 4);
	cr_assert_not(symtab_addr(&info.symtab, "no_such_symbol", NULL, NULL));

	sym_set_default(&info.symtab);
	char buf[64];
	cr_assert_str_eq(sym_format(buf, sizeof(buf), 0xc0100134), "start_kernel+0x34/0x120");
	cr_assert_str_eq(sym_format(buf, sizeof(buf), 0x12345678), "?");
	cr_assert_str_eq(sym_lookup(0xc0100100, &off), "start_kernel");
	cr_assert_eq(off, 0);
	sym_set_default(NULL);
	cr_assert_null(sym_lookup(0xc0100100, &off));
	timage_free(&im);
}

Test(elf, stripped_image_has_no_symbols)
{
	struct timage im = timage_build(good_segs, 2, 0xc0100000, NULL, 0);

	cr_assert_eq(elf_load(&mem, im.buf, im.len, &info, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(info.symtab.nr, 0);
	cr_assert_null(symtab_lookup(&info.symtab, 0xc0100000, NULL, NULL));
	timage_free(&im);
}

Test(elf, non_load_segments_ignored)
{
	struct tseg segs[] = {
		good_segs[0],
		{ .type = PT_NOTE, .paddr = 0x10, .vaddr = 0x10, .filesz = 4, .memsz = 4 },
		{ .type = PT_GNU_STACK },
	};
	struct timage im = timage_build(segs, 3, 0xc0100010, NULL, 0);

	cr_assert_eq(elf_load(&mem, im.buf, im.len, &info, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(info.nr_segments, 1);
	timage_free(&im);
}

Test(elf, not_elf)
{
	struct timage im = good_image();

	im.buf[0] = 'X';
	expect_refused(&im, EXIT_BAD_IMAGE, "not an ELF file");
}

Test(elf, elf64)
{
	struct timage im = good_image();

	im.buf[EI_CLASS] = ELFCLASS64;
	expect_refused(&im, EXIT_BAD_IMAGE,
		       "ELF64 image: the guest must be a 32-bit i386 executable (ELF32, EM_386)");
}

Test(elf, big_endian)
{
	struct timage im = good_image();

	im.buf[EI_DATA] = ELFDATA2MSB;
	expect_refused(&im, EXIT_BAD_IMAGE,
		       "not a little-endian ELF: the guest must be an i386 executable");
}

Test(elf, wrong_machine)
{
	struct timage im = good_image();

	timage_ehdr(&im)->e_machine = EM_X86_64;
	expect_refused(&im, EXIT_BAD_IMAGE,
		       "e_machine 62 is not EM_386: the guest must be a 32-bit i386 executable");
}

Test(elf, et_dyn)
{
	struct timage im = good_image();

	timage_ehdr(&im)->e_type = ET_DYN;
	expect_refused(&im, EXIT_BAD_IMAGE,
		       "e_type 3 (ET_DYN, a shared object or PIE) is not ET_EXEC: "
		       "the guest must be a statically linked, non-PIE executable");
}

Test(elf, et_rel)
{
	struct timage im = good_image();

	timage_ehdr(&im)->e_type = ET_REL;
	expect_refused(&im, EXIT_BAD_IMAGE,
		       "e_type 1 (ET_REL, an object file) is not ET_EXEC: "
		       "the guest must be a statically linked, non-PIE executable");
}

Test(elf, truncated_elf_header)
{
	struct timage im = good_image();

	im.len = 30;
	expect_refused(&im, EXIT_BAD_IMAGE,
		       "truncated ELF header: the file has 30 bytes, the header needs 52");
}

Test(elf, truncated_ident)
{
	struct timage im = good_image();

	im.len = 10;
	expect_refused(&im, EXIT_BAD_IMAGE, "not an ELF file");
}

Test(elf, truncated_program_headers)
{
	struct timage im = good_image();

	im.len = 100;  /* two phdrs need 52 + 64 = 116 bytes */
	expect_refused(&im, EXIT_BAD_IMAGE,
		       "truncated program headers: the table at offset 0x34 ends at 0x74, "
		       "the file has 100 bytes");
}

Test(elf, truncated_section_headers)
{
	struct timage im = good_image();

	im.len -= 8;
	expect_refused(&im, EXIT_BAD_IMAGE, "truncated section headers: the table at offset 0x4e0 "
		       "ends at 0x5a8, the file has 1440 bytes");
}

Test(elf, truncated_segment)
{
	/* No sections, so cutting the file cuts into segment 1's data. */
	struct timage im = timage_build(good_segs, 2, 0xc0100000, NULL, 0);

	im.len = timage_phdr(&im, 1)->p_offset + 0x10;
	expect_refused(&im, EXIT_BAD_IMAGE,
		       "segment 1: file data [0x380, 0x400) extends beyond the end of the file "
		       "(912 bytes): truncated image");
}

Test(elf, filesz_larger_than_memsz)
{
	struct timage im = good_image();

	timage_phdr(&im, 1)->p_memsz = 0x40;
	expect_refused(&im, EXIT_BAD_IMAGE, "segment 1: p_filesz 0x80 is larger than p_memsz 0x40");
}

Test(elf, segment_outside_ram)
{
	struct tseg segs[] = {
		good_segs[0],
		{ .paddr = RAM - 0x1000, .vaddr = 0xc0000000 + RAM - 0x1000, .filesz = 0x10, .memsz = 0x2000 },
	};
	struct timage im = timage_build(segs, 2, 0xc0100000, NULL, 0);

	expect_refused(&im, EXIT_BAD_IMAGE,
		       "segment 1: physical range [0x1fff000, 0x2001000) is outside guest RAM (32 MiB); "
		       "give the guest more memory (-m) or fix the load address");
}

Test(elf, segment_in_ram_hole)
{
	struct tseg segs[] = {
		{ .paddr = 0xc0000000, .vaddr = 0xc0000000, .filesz = 0x10, .memsz = 0x10 },
	};
	struct timage im = timage_build(segs, 1, 0xc0000000, NULL, 0);

	expect_refused(&im, EXIT_BAD_IMAGE,
		       "segment 0: physical range [0xc0000000, 0xc0000010) is outside guest RAM (32 MiB); "
		       "give the guest more memory (-m) or fix the load address");
}

Test(elf, segment_overlaps_boot_area)
{
	struct tseg segs[] = {
		{ .paddr = 0x1f000, .vaddr = 0xc001f000, .filesz = 0x10, .memsz = 0x2000 },
	};
	struct timage im = timage_build(segs, 1, 0xc001f000, NULL, 0);

	expect_refused(&im, EXIT_BAD_IMAGE,
		       "segment 0: physical range [0x1f000, 0x21000) overlaps the boot structures at "
		       "[0x1000, 0x20000); load the kernel at 0x100000");
}

Test(elf, segment_just_below_boot_area_is_fine)
{
	struct tseg segs[] = {
		{ .paddr = 0x0, .vaddr = 0xc0000000, .filesz = 0x10, .memsz = 0x1000 },
		{ .paddr = 0x20000, .vaddr = 0xc0020000, .filesz = 0x10, .memsz = 0x1000 },
	};
	struct timage im = timage_build(segs, 2, 0xc0020000, NULL, 0);

	cr_assert_eq(elf_load(&mem, im.buf, im.len, &info, err, sizeof(err)), 0, "%s", err);
	timage_free(&im);
}

Test(elf, overlapping_segments)
{
	struct tseg segs[] = {
		{ .paddr = 0x100000, .vaddr = 0xc0100000, .filesz = 0x100, .memsz = 0x2000 },
		{ .paddr = 0x101000, .vaddr = 0xc0101000, .filesz = 0x100, .memsz = 0x4000 },
	};
	struct timage im = timage_build(segs, 2, 0xc0100000, NULL, 0);

	expect_refused(&im, EXIT_BAD_IMAGE,
		       "segments 0 and 1 overlap at physical [0x101000, 0x102000)");
}

Test(elf, bad_entry)
{
	struct timage im = good_image();

	timage_ehdr(&im)->e_entry = 0xc0200000;
	expect_refused(&im, EXIT_BAD_IMAGE, "entry point 0xc0200000 is outside every loaded segment");
}

Test(elf, entry_is_virtual)
{
	/* The physical address of the entry is inside a segment, the virtual one is not. */
	struct timage im = good_image();

	timage_ehdr(&im)->e_entry = 0x100000;
	expect_refused(&im, EXIT_BAD_IMAGE, "entry point 0x100000 is outside every loaded segment");
}

Test(elf, entry_in_bss)
{
	struct timage im = good_image();

	timage_ehdr(&im)->e_entry = 0xc0102ffc;
	cr_assert_eq(elf_load(&mem, im.buf, im.len, &info, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(info.entry_pa, 0x102ffc);
	timage_free(&im);
}

Test(elf, no_load_segments)
{
	struct tseg segs[] = { { .type = PT_NOTE, .filesz = 4, .memsz = 4 } };
	struct timage im = timage_build(segs, 1, 0xc0100000, NULL, 0);

	expect_refused(&im, EXIT_BAD_IMAGE, "no loadable (PT_LOAD) segment");
}

Test(elf, no_program_headers)
{
	struct timage im = timage_build(NULL, 0, 0xc0100000, NULL, 0);

	expect_refused(&im, EXIT_BAD_IMAGE, "no program headers: nothing to load");
}

Test(elf, file_missing)
{
	int r = elf_load_file(&mem, "/nonexistent/guest.elf", &info, err, sizeof(err));

	cr_assert_eq(r, EXIT_NO_IMAGE);
	cr_assert_str_eq(err, "cannot open the guest image: No such file or directory");
}

Test(elf, file_is_directory)
{
	cr_assert_eq(elf_load_file(&mem, "/", &info, err, sizeof(err)), EXIT_NO_IMAGE);
	cr_assert_str_eq(err, "the guest image is not a regular file");
}

Test(elf, file_roundtrip_and_empty_file)
{
	char path[] = "/tmp/unit_elf_XXXXXX";
	int fd = mkstemp(path);
	struct timage im = good_image();

	cr_assert(fd >= 0);
	cr_assert_eq(elf_load_file(&mem, path, &info, err, sizeof(err)), EXIT_BAD_IMAGE);
	cr_assert_str_eq(err, "not an ELF file (empty)");
	cr_assert_eq(write(fd, im.buf, im.len), (ssize_t)im.len);
	close(fd);
	cr_assert_eq(elf_load_file(&mem, path, &info, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(info.symtab.nr, 6);
	unlink(path);
	timage_free(&im);
}

/* Damaged images: any outcome but a crash or an out-of-bounds access (ASan). */
Test(elf, mutations_never_crash)
{
	struct timage good = good_image();
	uint8_t *copy = malloc(good.len);
	unsigned seed = 12345;

	for (int iter = 0; iter < 3000; iter++) {
		size_t len = good.len;

		memcpy(copy, good.buf, good.len);
		for (int k = 0; k < 1 + iter % 4; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t pos = (seed >> 8) % good.len;

			seed = seed * 1103515245u + 12345u;
			/* bias towards the headers, where the interesting fields are */
			if (iter % 2)
				pos %= 0x80;
			copy[pos] = (uint8_t)(seed >> 16);
		}
		if (iter % 7 == 0)
			len = (seed >> 4) % good.len;
		int r = elf_load(&mem, copy, len, &info, err, sizeof(err));

		cr_assert(r == 0 || r == EXIT_BAD_IMAGE, "status %d", r);
		if (r)
			cr_assert(err[0], "a refusal must say why");
		elf_info_free(&info);
	}
	free(copy);
	timage_free(&good);
}

/* ---- port I/O sites (HC_SITES_SECTION) ----------------------------------- */

struct pio_case {
	const char *what;
	uint8_t bytes[4];
	size_t n;             /* bytes available to the decoder */
	int ret;
	uint8_t len, size;
	bool out, dx;
	uint16_t port;
};

#define REFUSED -1, 0, 0, false, false, 0

/* pio_decode: every IN/OUT form as 32-bit code runs it, and what is not one. */
Test(pio, decode_forms)
{
	static const struct pio_case c[] = {
		{ "out dx, al",      { 0xee },             1, 0, 1, 1, true,  true,  0 },
		{ "out dx, eax",     { 0xef },             1, 0, 1, 4, true,  true,  0 },
		{ "out dx, ax",      { 0x66, 0xef },       2, 0, 2, 2, true,  true,  0 },
		{ "in al, dx",       { 0xec },             1, 0, 1, 1, false, true,  0 },
		{ "in eax, dx",      { 0xed },             1, 0, 1, 4, false, true,  0 },
		{ "in ax, dx",       { 0x66, 0xed },       2, 0, 2, 2, false, true,  0 },
		{ "out 0x80, al",    { 0xe6, 0x80 },       2, 0, 2, 1, true,  false, 0x80 },
		{ "in al, 0x81",     { 0xe4, 0x81 },       2, 0, 2, 1, false, false, 0x81 },
		{ "out 0xf4, eax",   { 0xe7, 0xf4 },       2, 0, 2, 4, true,  false, 0xf4 },
		{ "in ax, 0x10",     { 0x66, 0xe5, 0x10 }, 3, 0, 3, 2, false, false, 0x10 },
		/* 0x66 on a byte form changes nothing but the length */
		{ "o16 out dx, al",  { 0x66, 0xee },       2, 0, 2, 1, true,  true,  0 },
		/* bytes after the instruction are not part of it */
		{ "out 0x80, al; nop", { 0xe6, 0x80, 0x90 }, 3, 0, 2, 1, true, false, 0x80 },
		{ "out dx, al; out dx, al", { 0xee, 0xee }, 2, 0, 1, 1, true, true, 0 },
		/* refusals */
		{ "empty",           { 0xee },             0, REFUSED },
		{ "prefix alone",    { 0x66 },             1, REFUSED },
		{ "prefix, out imm8 cut", { 0x66, 0xe6 },  2, REFUSED },
		{ "out imm8 cut",    { 0xe6 },             1, REFUSED },
		{ "in imm8 cut",     { 0xe5, 0x10 },       1, REFUSED },
		{ "nop",             { 0x90 },             1, REFUSED },
		{ "rep outsb",       { 0xf3, 0x6e },       2, REFUSED },
		{ "outsb",           { 0x6e },             1, REFUSED },
		{ "insd",            { 0x6d },             1, REFUSED },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct pio_site s;
		int r;

		memset(&s, 0xa5, sizeof(s));
		r = pio_decode(c[i].bytes, c[i].n, &s);
		cr_assert_eq(r, c[i].ret, "%s: returned %d, want %d", c[i].what, r, c[i].ret);
		if (r)
			continue;
		cr_assert_eq(s.len, c[i].len, "%s: len %u", c[i].what, s.len);
		cr_assert_eq(s.size, c[i].size, "%s: size %u", c[i].what, s.size);
		cr_assert_eq(s.out, c[i].out, "%s: out %d", c[i].what, s.out);
		cr_assert_eq(s.port_in_dx, c[i].dx, "%s: port_in_dx %d", c[i].what, s.port_in_dx);
		cr_assert_eq(s.port_imm, c[i].port, "%s: port_imm %#x", c[i].what, s.port_imm);
	}
}

/* pio_site_find: exact hits only; misses on every side and an empty table are -1. */
Test(pio, site_find)
{
	static const struct pio_site t[] = {
		{ .addr = 0x1000 }, { .addr = 0x1004 }, { .addr = 0x2000 }, { .addr = 0xc0100000 },
	};

	for (int i = 0; i < 4; i++)
		cr_assert_eq(pio_site_find(t, 4, t[i].addr), i, "hit %#x", t[i].addr);
	cr_assert_eq(pio_site_find(t, 4, 0), -1);            /* before */
	cr_assert_eq(pio_site_find(t, 4, 0xfff), -1);
	cr_assert_eq(pio_site_find(t, 4, 0x1001), -1);       /* between */
	cr_assert_eq(pio_site_find(t, 4, 0x1fff), -1);
	cr_assert_eq(pio_site_find(t, 4, 0xc00fffff), -1);
	cr_assert_eq(pio_site_find(t, 4, 0xc0100001), -1);   /* after */
	cr_assert_eq(pio_site_find(t, 4, 0xffffffff), -1);
	/* a 64-bit address is not truncated onto a 32-bit site */
	cr_assert_eq(pio_site_find(t, 4, 0x1c0100000ull), -1);
	/* one entry, and none */
	cr_assert_eq(pio_site_find(t + 2, 1, 0x2000), 0);
	cr_assert_eq(pio_site_find(t + 2, 1, 0x1004), -1);
	cr_assert_eq(pio_site_find(t + 2, 1, 0x2004), -1);
	cr_assert_eq(pio_site_find(t, 0, 0x1000), -1);
	cr_assert_eq(pio_site_find(NULL, 0, 0x1000), -1);
}

#define SITE_OUT_DX  0xc0100040u  /* ee:    out %al, (%dx) */
#define SITE_OUT_IMM 0xc0100050u  /* e6 80: out %al, $0x80 */

/* The file bytes of segment seg at virtual address vaddr. */
static uint8_t *seg_bytes(struct timage *im, unsigned seg, uint32_t vaddr)
{
	Elf32_Phdr *ph = timage_phdr(im, seg);

	return im->buf + ph->p_offset + (vaddr - ph->p_vaddr);
}

/* good_image() with two port I/O instructions in its text and a site table of n u32s. */
static struct timage sites_image(const uint32_t *addrs, size_t n)
{
	struct timage im = good_image();
	uint8_t *p;

	seg_bytes(&im, 0, SITE_OUT_DX)[0] = 0xee;
	p = seg_bytes(&im, 0, SITE_OUT_IMM);
	p[0] = 0xe6;
	p[1] = 0x80;
	cr_assert_gt(timage_add_section(&im, HC_SITES_SECTION, addrs, n * 4), 0);
	return im;
}

/* A valid table listed out of order loads sorted, each site decoded; the rest loads as usual. */
Test(elf, pio_sites_decoded_and_sorted)
{
	static const uint32_t addrs[] = { SITE_OUT_IMM, SITE_OUT_DX };
	struct timage im = sites_image(addrs, 2);
	const struct pio_site *s;

	cr_assert_eq(elf_load(&mem, im.buf, im.len, &info, err, sizeof(err)), 0, "%s", err);
	cr_assert(info.has_pio_sites);
	cr_assert_eq(info.nr_pio_sites, 2);
	s = &info.pio_sites[0];
	cr_assert_eq(s->addr, SITE_OUT_DX);
	cr_assert_eq(s->len, 1);
	cr_assert_eq(s->size, 1);
	cr_assert(s->out);
	cr_assert(s->port_in_dx);
	s = &info.pio_sites[1];
	cr_assert_eq(s->addr, SITE_OUT_IMM);
	cr_assert_eq(s->len, 2);
	cr_assert_eq(s->size, 1);
	cr_assert(s->out);
	cr_assert_not(s->port_in_dx);
	cr_assert_eq(s->port_imm, 0x80);
	cr_assert_eq(pio_site_find(info.pio_sites, info.nr_pio_sites, SITE_OUT_IMM), 1);
	cr_assert_eq(pio_site_find(info.pio_sites, info.nr_pio_sites, SITE_OUT_IMM + 1), -1);
	/* the other sections and the segments are unaffected */
	cr_assert_eq(info.symtab.nr, 6);
	cr_assert_eq(ram[0x100040], 0xee);
	cr_assert_eq(ram[0x100051], 0x80);
	timage_free(&im);
}

/* A table whose size is not a multiple of 4 is refused, not truncated. */
Test(elf, pio_sites_partial_entry)
{
	struct timage im = good_image();
	static const uint8_t six[6] = { 0x40, 0x00, 0x10, 0xc0, 0x50, 0x00 };

	cr_assert_gt(timage_add_section(&im, HC_SITES_SECTION, six, sizeof(six)), 0);
	expect_refused(&im, EXIT_BAD_IMAGE,
		       "section .hypercall_sites: 6 bytes, not a whole number of 32-bit addresses");
}

/* A site in a segment without PF_X is refused even if its bytes decode as an OUT. */
Test(elf, pio_site_in_data_segment)
{
	static const uint32_t addrs[] = { SITE_OUT_DX, 0xc0101010 };
	struct timage im = sites_image(addrs, 2);

	seg_bytes(&im, 1, 0xc0101010)[0] = 0xee;
	timage_phdr(&im, 1)->p_flags = PF_R | PF_W;
	expect_refused(&im, EXIT_BAD_IMAGE,
		       "section .hypercall_sites: entry 1 (0xc0101010) is not in the code "
		       "of an executable segment");
}

/* An executable segment's bss (past p_filesz) has no code: a site there is refused. */
Test(elf, pio_site_past_filesz)
{
	static const uint32_t addrs[] = { 0xc0101080, SITE_OUT_DX };
	struct timage im = sites_image(addrs, 2);

	expect_refused(&im, EXIT_BAD_IMAGE,
		       "section .hypercall_sites: entry 0 (0xc0101080) is not in the code "
		       "of an executable segment");
}

/* A site outside every segment, and one given as a physical address, are refused. */
Test(elf, pio_site_outside_segments)
{
	static const uint32_t far[] = { 0xc0200000 };
	static const uint32_t phys[] = { SITE_OUT_DX, 0x100040 };
	struct timage im = sites_image(far, 1);

	expect_refused(&im, EXIT_BAD_IMAGE,
		       "section .hypercall_sites: entry 0 (0xc0200000) is not in the code "
		       "of an executable segment");
	im = sites_image(phys, 2);
	expect_refused(&im, EXIT_BAD_IMAGE,
		       "section .hypercall_sites: entry 1 (0x100040) is not in the code "
		       "of an executable segment");
}

/* A site whose bytes are not IN/OUT is refused, by its index in the table as written. */
Test(elf, pio_site_not_port_io)
{
	static const uint32_t addrs[] = { SITE_OUT_DX, 0xc0100000 };  /* byte 0x10 there */
	struct timage im = sites_image(addrs, 2);

	expect_refused(&im, EXIT_BAD_IMAGE,
		       "section .hypercall_sites: entry 1 (0xc0100000) is not an IN or OUT instruction");
}

/* An IN/OUT cut by the end of its segment's file bytes is refused: decoding stops at p_filesz. */
Test(elf, pio_site_cut_by_filesz)
{
	static const uint32_t addrs[] = { 0xc01002ff };  /* last byte of segment 0 */
	struct timage im = sites_image(addrs, 1);

	seg_bytes(&im, 0, 0xc01002ff)[0] = 0xe6;  /* its immediate would be segment 1's first byte */
	expect_refused(&im, EXIT_BAD_IMAGE,
		       "section .hypercall_sites: entry 0 (0xc01002ff) is not an IN or OUT instruction");
}

/* PIO_SITES_MAX distinct sites load (sorted from reverse order); one more is refused. */
Test(elf, pio_sites_limit)
{
	struct tseg segs[] = {
		{ .paddr = 0x100000, .vaddr = 0xc0100000, .filesz = PIO_SITES_MAX + 1,
		  .memsz = PIO_SITES_MAX + 1 },
	};
	uint32_t *addrs = calloc(PIO_SITES_MAX + 1, sizeof(*addrs));
	char want[128];
	struct timage im;

	cr_assert(addrs);
	for (unsigned i = 0; i <= PIO_SITES_MAX; i++)
		addrs[i] = 0xc0100000 + PIO_SITES_MAX - i;

	im = timage_build(segs, 1, 0xc0100000, NULL, 0);
	memset(seg_bytes(&im, 0, 0xc0100000), 0xee, PIO_SITES_MAX + 1);
	cr_assert_gt(timage_add_section(&im, HC_SITES_SECTION, addrs, PIO_SITES_MAX * 4), 0);
	cr_assert_eq(elf_load(&mem, im.buf, im.len, &info, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(info.nr_pio_sites, PIO_SITES_MAX);
	for (unsigned i = 0; i < PIO_SITES_MAX; i++)
		cr_assert_eq(info.pio_sites[i].addr, 0xc0100001 + i, "site %u at %#x", i,
			     info.pio_sites[i].addr);
	elf_info_free(&info);
	timage_free(&im);

	im = timage_build(segs, 1, 0xc0100000, NULL, 0);
	memset(seg_bytes(&im, 0, 0xc0100000), 0xee, PIO_SITES_MAX + 1);
	cr_assert_gt(timage_add_section(&im, HC_SITES_SECTION, addrs, (PIO_SITES_MAX + 1) * 4), 0);
	snprintf(want, sizeof(want), "section .hypercall_sites: %d entries; the limit is %d",
		 PIO_SITES_MAX + 1, PIO_SITES_MAX);
	expect_refused(&im, EXIT_BAD_IMAGE, want);
	free(addrs);
}

/* An empty table is a table (has_pio_sites, no entries), also in an image without symbols. */
Test(elf, pio_sites_empty)
{
	struct timage im = timage_build(good_segs, 2, 0xc0100000, NULL, 0);

	cr_assert_gt(timage_add_section(&im, HC_SITES_SECTION, NULL, 0), 0);
	cr_assert_eq(elf_load(&mem, im.buf, im.len, &info, err, sizeof(err)), 0, "%s", err);
	cr_assert(info.has_pio_sites);
	cr_assert_eq(info.nr_pio_sites, 0);
	cr_assert_eq(info.symtab.nr, 0);
	cr_assert_eq(pio_site_find(info.pio_sites, info.nr_pio_sites, SITE_OUT_DX), -1);
	timage_free(&im);
}

/* No table at all loads fine: has_pio_sites tells "none listed" from "listed, empty". */
Test(elf, pio_sites_absent)
{
	struct timage im = good_image();

	cr_assert_eq(elf_load(&mem, im.buf, im.len, &info, err, sizeof(err)), 0, "%s", err);
	cr_assert_not(info.has_pio_sites);
	cr_assert_eq(info.nr_pio_sites, 0);
	elf_info_free(&info);
	timage_free(&im);

	/* nor does another section of that kind stand in for it */
	im = good_image();
	cr_assert_gt(timage_add_section(&im, ".hypercall_sites2", NULL, 0), 0);
	cr_assert_eq(elf_load(&mem, im.buf, im.len, &info, err, sizeof(err)), 0, "%s", err);
	cr_assert_not(info.has_pio_sites);
	cr_assert_eq(info.symtab.nr, 6);
	timage_free(&im);
}

/*
 * The built guest lists its port I/O: the hypercall OUTs (32-bit, port in
 * %dx) and the serial console's byte OUTs; each site decodes again, to the
 * same fields, from the bytes the loader put in guest RAM.
 */
Test(pio, real_guest_sites)
{
	const uint64_t ram_bytes = 64u << 20;
	unsigned hc = 0, bytes = 0;
	struct guest_mem gmem;
	struct elf_info gi;
	char e[512];
	uint8_t *gram;

	if (access(GUEST_ELF, R_OK))
		cr_skip_test("guest image not built: %s", GUEST_ELF);
	gram = calloc(1, ram_bytes);
	cr_assert(gram);
	guest_mem_layout(&gmem, ram_bytes, gram);
	cr_assert_eq(elf_load_file(&gmem, GUEST_ELF, &gi, e, sizeof(e)), 0, "%s", e);
	cr_assert(gi.has_pio_sites, "guest.elf has no %s section", HC_SITES_SECTION);
	cr_assert_geq(gi.nr_pio_sites, 5, "only %zu sites", gi.nr_pio_sites);

	for (size_t i = 0; i < gi.nr_pio_sites; i++) {
		const struct pio_site *s = &gi.pio_sites[i];
		const struct elf_segment *seg = NULL;
		struct pio_site again;
		const char *fn;
		uint8_t *code;

		if (i)
			cr_assert_gt(s->addr, gi.pio_sites[i - 1].addr, "site %zu out of order", i);
		cr_assert_eq(pio_site_find(gi.pio_sites, gi.nr_pio_sites, s->addr), (int)i);
		for (unsigned k = 0; k < gi.nr_segments; k++)
			if ((gi.seg[k].flags & PF_X) && s->addr >= gi.seg[k].vaddr &&
			    s->addr - gi.seg[k].vaddr < gi.seg[k].filesz)
				seg = &gi.seg[k];
		cr_assert_not_null(seg, "site %#x outside the code", s->addr);
		code = guest_mem_ptr(&gmem, s->addr - seg->vaddr + seg->paddr, s->len);
		cr_assert_not_null(code);
		cr_assert_eq(pio_decode(code, s->len, &again), 0, "site %#x", s->addr);
		cr_assert_eq(again.len, s->len);
		cr_assert_eq(again.size, s->size);
		cr_assert_eq(again.out, s->out);
		cr_assert_eq(again.port_in_dx, s->port_in_dx);
		cr_assert_eq(again.port_imm, s->port_imm);

		/* every site in the hypercall functions is the 32-bit OUT to HC_PORT in %dx */
		fn = symtab_lookup(&gi.symtab, s->addr, NULL, NULL);
		if (fn && !strncmp(fn, "hypercall", 9))
			cr_assert(s->size == 4 && s->out && s->port_in_dx, "site %#x in %s: size %u",
				  s->addr, fn, s->size);
		if (s->size == 4 && s->out && s->port_in_dx)
			hc++;
		if (s->size == 1)
			bytes++;
	}
	cr_assert_geq(hc, 1, "no hypercall OUT among the sites");
	cr_assert_geq(bytes, 1, "no byte-wide (serial) port I/O among the sites");
	elf_info_free(&gi);
	free(gram);
}
