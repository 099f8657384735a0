/*
 * ELF loader unit tests: synthetic images loaded into fake guest RAM (no
 * KVM).  Each refusal is checked by its exit status and its exact message,
 * since the message is what tells the user what to fix; a mutation loop
 * checks that no damaged image crashes the loader.
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
