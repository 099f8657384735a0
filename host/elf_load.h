/*
 * Guest image loader and symbol table.
 *
 * elf_load() validates a 32-bit i386 ET_EXEC image completely before it
 * writes a byte of guest RAM, then copies each PT_LOAD to its physical
 * address (p_paddr) and zero-fills its bss.  It works on a memory buffer and
 * a struct guest_mem, so unit tests drive it with synthetic images and fake
 * RAM, no KVM needed.  The symbol table it keeps symbolises guest addresses
 * (panic backtraces, register dumps) and resolves names for the inspector.
 */
#ifndef VMM_ELF_LOAD_H
#define VMM_ELF_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest_mem.h"
#include "pio_site.h"

#define ELF_MAX_LOAD 16            /* PT_LOAD segments accepted */
#define ELF_LAYOUT_SECTION ".mmvisor_layout"

struct elf_segment {
	unsigned index;            /* program header index, as in error messages */
	uint64_t paddr, vaddr;
	uint64_t filesz, memsz;
	uint64_t offset;
	uint32_t flags;            /* PF_R | PF_W | PF_X */
};

struct elf_symbol {
	uint64_t addr;
	uint64_t size;             /* st_size; if 0, the distance to the next symbol */
	const char *name;
	uint8_t type;              /* STT_FUNC, STT_OBJECT, STT_NOTYPE */
	uint8_t bind;              /* STB_LOCAL, STB_GLOBAL, STB_WEAK */
};

struct symtab {
	struct elf_symbol *sym;    /* sorted by address, best alias first */
	size_t nr;
	char *strings;             /* owns every sym[].name */
};

struct elf_info {
	uint64_t entry;            /* e_entry: a virtual address */
	uint64_t entry_pa;         /* its physical address, through its segment */
	unsigned nr_segments;
	struct elf_segment seg[ELF_MAX_LOAD];
	uint64_t load_start, load_end; /* physical extent of all PT_LOADs */
	struct symtab symtab;
	void *layout_note;         /* copy of ELF_LAYOUT_SECTION, or NULL */
	size_t layout_note_len;
	struct pio_site *pio_sites;  /* HC_SITES_SECTION, decoded, sorted by address */
	size_t nr_pio_sites;
	bool has_pio_sites;        /* the section exists (it may be empty) */
};

/*
 * Validate and load the image in buf[0, len) into mem.  Returns 0, or
 * EXIT_BAD_IMAGE with a one-line reason in err (no trailing newline, no
 * file name).  On failure guest RAM is untouched and *out holds nothing to
 * free.  The buffer is only read.
 */
int elf_load(struct guest_mem *mem, const void *buf, size_t len,
	     struct elf_info *out, char *err, size_t errlen);

/* elf_load() on a file: EXIT_NO_IMAGE if it cannot be opened or read. */
int elf_load_file(struct guest_mem *mem, const char *path,
		  struct elf_info *out, char *err, size_t errlen);

void elf_info_free(struct elf_info *info);

/*
 * Symbol containing addr: its name, with addr's offset into it and its size
 * (either out pointer may be NULL); NULL if no symbol covers addr.
 */
const char *symtab_lookup(const struct symtab *t, uint64_t addr,
			  uint64_t *offset, uint64_t *size);

/* Address and size of the symbol called name (a global wins over locals). */
bool symtab_addr(const struct symtab *t, const char *name,
		 uint64_t *addr, uint64_t *size);

/* The table sym_lookup() and sym_format() use: the guest's, set by main. */
void sym_set_default(const struct symtab *t);
const char *sym_lookup(uint64_t addr, uint64_t *offset);

/* "start_kernel+0x34/0x120" or "?" into buf; returns buf. */
char *sym_format(char *buf, size_t len, uint64_t addr);
/* The same for a return address: the symbol of the call, addr - 1 (like %pB). */
char *sym_format_return(char *buf, size_t len, uint64_t addr, bool is_return);

#endif
