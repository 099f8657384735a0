/*
 * Synthetic ELF32 images for host unit tests: a builder that lays out an
 * ELF header, program headers, segment data and (optionally) a .text
 * section with a symbol table, plus any named section (timage_add_section),
 * so loader tests can describe exactly the image they need, good or broken,
 * without a cross toolchain.
 */
#ifndef TESTS_SYNTH_ELF_H
#define TESTS_SYNTH_ELF_H

#include <elf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct tseg {
	uint32_t paddr, vaddr, filesz, memsz;
	uint8_t fill;      /* file bytes are fill, fill+1, ... */
	uint32_t type;     /* 0 means PT_LOAD */
};

struct tsym {
	const char *name;
	uint32_t value, size;
	uint8_t type, bind;
};

struct timage {
	uint8_t *buf;
	size_t len;
	size_t cap;
	size_t shoff;      /* where the section headers start (0: none) */
};

#define TIMAGE_CAP (256 * 1024)

static inline size_t tal(size_t x, size_t a)
{
	return (x + a - 1) & ~(a - 1);
}

/*
 * Build an image with nseg program headers and, if nsym > 0, sections
 * [null, .text (over segment 0), .symtab, .strtab, .shstrtab] at the end.
 */
static inline struct timage timage_build(const struct tseg *segs, unsigned nseg, uint32_t entry,
					 const struct tsym *syms, unsigned nsym)
{
	struct timage im = { .buf = calloc(1, TIMAGE_CAP), .cap = TIMAGE_CAP };
	Elf32_Ehdr *eh = (Elf32_Ehdr *)im.buf;
	size_t off = tal(sizeof(Elf32_Ehdr) + nseg * sizeof(Elf32_Phdr), 16);
	uint32_t seg0_off = 0;

	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_386;
	eh->e_version = EV_CURRENT;
	eh->e_entry = entry;
	eh->e_phoff = sizeof(Elf32_Ehdr);
	eh->e_ehsize = sizeof(Elf32_Ehdr);
	eh->e_phentsize = sizeof(Elf32_Phdr);
	eh->e_phnum = nseg;

	for (unsigned i = 0; i < nseg; i++) {
		Elf32_Phdr ph = {
			.p_type = segs[i].type ? segs[i].type : PT_LOAD,
			.p_offset = off, .p_vaddr = segs[i].vaddr, .p_paddr = segs[i].paddr,
			.p_filesz = segs[i].filesz, .p_memsz = segs[i].memsz,
			.p_flags = PF_R | PF_X, .p_align = 16,
		};

		if (i == 0)
			seg0_off = off;
		for (uint32_t b = 0; b < segs[i].filesz && off + b < im.cap; b++)
			im.buf[off + b] = (uint8_t)(segs[i].fill + b);
		memcpy(im.buf + sizeof(Elf32_Ehdr) + i * sizeof(Elf32_Phdr), &ph, sizeof(ph));
		off = tal(off + segs[i].filesz, 16);
	}

	if (nsym) {
		static const char shstr[] = "\0.text\0.symtab\0.strtab\0.shstrtab";
		size_t strtab_off, symtab_off, shstr_off, strtab_len = 1;
		Elf32_Shdr sh[5];

		/* .strtab */
		strtab_off = off;
		im.buf[off] = 0;
		for (unsigned i = 0; i < nsym; i++) {
			strcpy((char *)im.buf + strtab_off + strtab_len, syms[i].name);
			strtab_len += strlen(syms[i].name) + 1;
		}
		off = tal(strtab_off + strtab_len, 16);
		/* .symtab: null symbol, then ours */
		symtab_off = off;
		memset(im.buf + off, 0, sizeof(Elf32_Sym));
		off += sizeof(Elf32_Sym);
		for (unsigned i = 0, name = 1; i < nsym; i++) {
			Elf32_Sym s = {
				.st_name = name, .st_value = syms[i].value, .st_size = syms[i].size,
				.st_info = ELF32_ST_INFO(syms[i].bind, syms[i].type), .st_shndx = 1,
			};

			memcpy(im.buf + off, &s, sizeof(s));
			off += sizeof(s);
			name += strlen(syms[i].name) + 1;
		}
		/* .shstrtab */
		shstr_off = off;
		memcpy(im.buf + off, shstr, sizeof(shstr));
		off = tal(off + sizeof(shstr), 16);

		memset(sh, 0, sizeof(sh));
		sh[1] = (Elf32_Shdr){ .sh_name = 1, .sh_type = SHT_PROGBITS,
				      .sh_flags = SHF_ALLOC | SHF_EXECINSTR,
				      .sh_addr = nseg ? segs[0].vaddr : 0, .sh_offset = seg0_off,
				      .sh_size = nseg ? segs[0].filesz : 0, .sh_addralign = 16 };
		sh[2] = (Elf32_Shdr){ .sh_name = 7, .sh_type = SHT_SYMTAB,
				      .sh_offset = symtab_off,
				      .sh_size = (nsym + 1) * sizeof(Elf32_Sym), .sh_link = 3,
				      .sh_info = 1, .sh_addralign = 4, .sh_entsize = sizeof(Elf32_Sym) };
		sh[3] = (Elf32_Shdr){ .sh_name = 15, .sh_type = SHT_STRTAB,
				      .sh_offset = strtab_off, .sh_size = strtab_len, .sh_addralign = 1 };
		sh[4] = (Elf32_Shdr){ .sh_name = 23, .sh_type = SHT_STRTAB,
				      .sh_offset = shstr_off, .sh_size = sizeof(shstr), .sh_addralign = 1 };
		im.shoff = off;
		memcpy(im.buf + off, sh, sizeof(sh));
		off += sizeof(sh);
		eh->e_shoff = im.shoff;
		eh->e_shentsize = sizeof(Elf32_Shdr);
		eh->e_shnum = 5;
		eh->e_shstrndx = 4;
	}
	im.len = off;
	return im;
}

static inline Elf32_Ehdr *timage_ehdr(struct timage *im)
{
	return (Elf32_Ehdr *)im->buf;
}

static inline Elf32_Phdr *timage_phdr(struct timage *im, unsigned i)
{
	return (Elf32_Phdr *)(im->buf + sizeof(Elf32_Ehdr)) + i;
}

/*
 * Append a section called name holding data[0, len) (SHT_PROGBITS, not
 * allocated, at the end of the file) and a section header table that lists
 * it after the image's existing sections; an image without sections gets
 * [null, .shstrtab, name].  The old table and string table stay in the file
 * as unreferenced bytes.  Returns the new section's index, or -1 if the
 * image would outgrow TIMAGE_CAP.
 */
static inline int timage_add_section(struct timage *im, const char *name,
				     const void *data, size_t len)
{
	Elf32_Ehdr *eh = timage_ehdr(im);
	Elf32_Shdr sh[64];
	unsigned nsh, strndx;
	size_t data_off, str_off, str_len, name_off, need;
	const char *oldstr;
	size_t oldstr_len;

	if (im->shoff) {
		nsh = eh->e_shnum;
		strndx = eh->e_shstrndx;
		if (nsh + 1 > sizeof(sh) / sizeof(sh[0]) || strndx >= nsh)
			return -1;
		memcpy(sh, im->buf + im->shoff, nsh * sizeof(Elf32_Shdr));
		oldstr = (const char *)im->buf + sh[strndx].sh_offset;
		oldstr_len = sh[strndx].sh_size;
	} else {
		static const char base[] = "\0.shstrtab";

		memset(sh, 0, 2 * sizeof(Elf32_Shdr));
		sh[1] = (Elf32_Shdr){ .sh_name = 1, .sh_type = SHT_STRTAB, .sh_addralign = 1 };
		nsh = 2;
		strndx = 1;
		oldstr = base;
		oldstr_len = sizeof(base);
	}

	data_off = tal(im->len, 16);
	str_off = tal(data_off + len, 16);
	str_len = oldstr_len + strlen(name) + 1;
	need = tal(str_off + str_len, 16) + (nsh + 1) * sizeof(Elf32_Shdr);
	if (need > im->cap)
		return -1;

	if (len)
		memcpy(im->buf + data_off, data, len);
	/* oldstr may point into buf, below str_off: copy, then add the name */
	memmove(im->buf + str_off, oldstr, oldstr_len);
	name_off = oldstr_len;
	strcpy((char *)im->buf + str_off + name_off, name);

	sh[strndx].sh_offset = str_off;
	sh[strndx].sh_size = str_len;
	sh[nsh] = (Elf32_Shdr){ .sh_name = name_off, .sh_type = SHT_PROGBITS,
				.sh_offset = data_off, .sh_size = len, .sh_addralign = 1 };

	im->shoff = tal(str_off + str_len, 16);
	memcpy(im->buf + im->shoff, sh, (nsh + 1) * sizeof(Elf32_Shdr));
	im->len = im->shoff + (nsh + 1) * sizeof(Elf32_Shdr);
	eh->e_shoff = im->shoff;
	eh->e_shentsize = sizeof(Elf32_Shdr);
	eh->e_shnum = nsh + 1;
	eh->e_shstrndx = strndx;
	return nsh;
}

static inline void timage_free(struct timage *im)
{
	free(im->buf);
	im->buf = NULL;
}

#endif
