/*
 * Guest ELF loader (libelf) and the guest symbol table.
 *
 * The image is untrusted input: every header field that becomes an offset,
 * a length or a guest address is checked against the file and against
 * guest RAM before use, and all checks run before the first byte is copied,
 * so a refused image leaves RAM as it was.  The fixed-size header checks
 * are done on the raw bytes first, because libelf refuses a truncated file
 * with one generic message and the user deserves to know which part is cut.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abi.h"
#include "elf_load.h"
#include "exitcodes.h"
#include "util.h"

VMM_PRINTF(3, 4) static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return EXIT_BAD_IMAGE;
}

static const char *elf_type_name(unsigned t)
{
	switch (t) {
	case ET_NONE: return "ET_NONE";
	case ET_REL:  return "ET_REL, an object file";
	case ET_EXEC: return "ET_EXEC";
	case ET_DYN:  return "ET_DYN, a shared object or PIE";
	case ET_CORE: return "ET_CORE, a core dump";
	default:      return "unknown";
	}
}

/* Raw checks of the ELF header and the extent of its tables. */
static int check_headers(const uint8_t *buf, size_t len, Elf32_Ehdr *eh,
			 char *err, size_t errlen)
{
	uint64_t end;

	if (len < EI_NIDENT || memcmp(buf, ELFMAG, SELFMAG) != 0)
		return fail(err, errlen, "not an ELF file");
	if (buf[EI_CLASS] == ELFCLASS64)
		return fail(err, errlen,
			    "ELF64 image: the guest must be a 32-bit i386 executable (ELF32, EM_386)");
	if (buf[EI_CLASS] != ELFCLASS32)
		return fail(err, errlen, "unknown ELF class %u", buf[EI_CLASS]);
	if (buf[EI_DATA] != ELFDATA2LSB)
		return fail(err, errlen,
			    "not a little-endian ELF: the guest must be an i386 executable");
	if (len < sizeof(*eh))
		return fail(err, errlen, "truncated ELF header: the file has %zu bytes, the header needs %zu",
			    len, sizeof(*eh));
	memcpy(eh, buf, sizeof(*eh));
	if (eh->e_machine != EM_386)
		return fail(err, errlen,
			    "e_machine %u is not EM_386: the guest must be a 32-bit i386 executable",
			    eh->e_machine);
	if (eh->e_type != ET_EXEC)
		return fail(err, errlen,
			    "e_type %u (%s) is not ET_EXEC: the guest must be a statically linked, non-PIE executable",
			    eh->e_type, elf_type_name(eh->e_type));
	if (eh->e_phnum == 0)
		return fail(err, errlen, "no program headers: nothing to load");
	if (eh->e_phnum == PN_XNUM)
		return fail(err, errlen, "too many program headers (PN_XNUM)");
	if (eh->e_phentsize != sizeof(Elf32_Phdr))
		return fail(err, errlen, "e_phentsize %u, expected %zu",
			    eh->e_phentsize, sizeof(Elf32_Phdr));
	end = (uint64_t)eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(Elf32_Phdr);
	if (end > len)
		return fail(err, errlen,
			    "truncated program headers: the table at offset %#x ends at %#llx, the file has %zu bytes",
			    eh->e_phoff, (unsigned long long)end, len);
	if (eh->e_shoff) {
		/* e_shnum 0 with a table means extended numbering: entry 0 holds the count. */
		uint64_t n = eh->e_shnum ? eh->e_shnum : 1;

		if (eh->e_shentsize != sizeof(Elf32_Shdr))
			return fail(err, errlen, "e_shentsize %u, expected %zu",
				    eh->e_shentsize, sizeof(Elf32_Shdr));
		end = (uint64_t)eh->e_shoff + n * sizeof(Elf32_Shdr);
		if (end > len)
			return fail(err, errlen,
				    "truncated section headers: the table at offset %#x ends at %#llx, the file has %zu bytes",
				    eh->e_shoff, (unsigned long long)end, len);
	}
	return 0;
}

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

static int check_segments(struct guest_mem *mem, Elf *e, const Elf32_Ehdr *eh, size_t len,
			  struct elf_info *out, char *err, size_t errlen)
{
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		GElf_Phdr phdr, *p = &phdr;
		uint64_t pa, end;
		struct elf_segment *s;

		/* gelf copies: libelf may point into the image at any alignment. */
		if (!gelf_getphdr(e, i, p))
			return fail(err, errlen, "program header %u: libelf: %s", i, elf_errmsg(-1));
		pa = p->p_paddr;
		end = pa + p->p_memsz;

		if (p->p_type != PT_LOAD || p->p_memsz == 0)
			continue;
		if (p->p_filesz > p->p_memsz)
			return fail(err, errlen, "segment %u: p_filesz %#llx is larger than p_memsz %#llx",
				    i, (unsigned long long)p->p_filesz, (unsigned long long)p->p_memsz);
		if (p->p_offset + p->p_filesz > len)
			return fail(err, errlen,
				    "segment %u: file data [%#llx, %#llx) extends beyond the end of the file (%zu bytes): truncated image",
				    i, (unsigned long long)p->p_offset,
				    (unsigned long long)(p->p_offset + p->p_filesz), len);
		if (!guest_mem_ptr(mem, pa, p->p_memsz))
			return fail(err, errlen,
				    "segment %u: physical range [%#llx, %#llx) is outside guest RAM (%llu MiB); give the guest more memory (-m) or fix the load address",
				    i, (unsigned long long)pa, (unsigned long long)end,
				    (unsigned long long)(mem->ram_bytes >> 20));
		if (ranges_overlap(pa, p->p_memsz, BOOT_AREA_START, BOOT_AREA_END - BOOT_AREA_START))
			return fail(err, errlen,
				    "segment %u: physical range [%#llx, %#llx) overlaps the boot structures at [%#x, %#x); load the kernel at %#x",
				    i, (unsigned long long)pa, (unsigned long long)end,
				    BOOT_AREA_START, BOOT_AREA_END, KERNEL_PHYS_BASE);
		if (out->nr_segments == ELF_MAX_LOAD)
			return fail(err, errlen, "more than %d PT_LOAD segments", ELF_MAX_LOAD);
		for (unsigned j = 0; j < out->nr_segments; j++) {
			const struct elf_segment *o = &out->seg[j];

			if (ranges_overlap(pa, p->p_memsz, o->paddr, o->memsz)) {
				uint64_t lo = pa > o->paddr ? pa : o->paddr;
				uint64_t hi = end < o->paddr + o->memsz ? end : o->paddr + o->memsz;

				return fail(err, errlen,
					    "segments %u and %u overlap at physical [%#llx, %#llx)",
					    o->index, i, (unsigned long long)lo, (unsigned long long)hi);
			}
		}
		s = &out->seg[out->nr_segments++];
		*s = (struct elf_segment){
			.index = i, .paddr = pa, .vaddr = p->p_vaddr,
			.filesz = p->p_filesz, .memsz = p->p_memsz,
			.offset = p->p_offset, .flags = p->p_flags,
		};
		if (out->nr_segments == 1 || pa < out->load_start)
			out->load_start = pa;
		if (end > out->load_end)
			out->load_end = end;
	}
	if (!out->nr_segments)
		return fail(err, errlen, "no loadable (PT_LOAD) segment");

	out->entry = eh->e_entry;
	for (unsigned j = 0; j < out->nr_segments; j++) {
		const struct elf_segment *s = &out->seg[j];

		if (out->entry >= s->vaddr && out->entry - s->vaddr < s->memsz) {
			out->entry_pa = out->entry - s->vaddr + s->paddr;
			return 0;
		}
	}
	return fail(err, errlen, "entry point %#llx is outside every loaded segment",
		    (unsigned long long)out->entry);
}

static void copy_segments(struct guest_mem *mem, const uint8_t *buf, const struct elf_info *info)
{
	for (unsigned i = 0; i < info->nr_segments; i++) {
		const struct elf_segment *s = &info->seg[i];
		uint8_t *dst = guest_mem_ptr(mem, s->paddr, s->memsz);

		memcpy(dst, buf + s->offset, s->filesz);
		/* Fresh anonymous RAM is zero already: touching it would only cost RSS. */
		if (!mem->zeroed)
			memset(dst + s->filesz, 0, s->memsz - s->filesz);
	}
}

/* ---- symbols ------------------------------------------------------------ */

static int sym_rank(const struct elf_symbol *s)
{
	/* Among aliases, prefer sized, then functions, then globals. */
	return (s->size ? 4 : 0) + (s->type == STT_FUNC ? 2 : 0) + (s->bind != STB_LOCAL ? 1 : 0);
}

/* A symbol while the table is built: unsized ones need their section's end. */
struct sym_build {
	struct elf_symbol s;
	uint64_t sec_end;
};

static int sym_cmp(const void *a, const void *b)
{
	const struct elf_symbol *x = &((const struct sym_build *)a)->s;
	const struct elf_symbol *y = &((const struct sym_build *)b)->s;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (sym_rank(x) != sym_rank(y))
		return sym_rank(y) - sym_rank(x);
	return strcmp(x->name, y->name);
}

static bool sym_wanted(const GElf_Sym *s, const char *name)
{
	unsigned type = GELF_ST_TYPE(s->st_info);

	if (type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE)
		return false;
	if (s->st_shndx == SHN_UNDEF || s->st_shndx >= SHN_LORESERVE)
		return false;  /* undefined, absolute, common, extended index */
	if (!name || !name[0] || !strncmp(name, ".L", 2) || name[0] == '$')
		return false;
	return true;
}

/* End of the allocated section holding a symbol, to bound unsized symbols. */
static uint64_t section_end(Elf *e, unsigned shndx)
{
	GElf_Shdr sh;
	Elf_Scn *scn = elf_getscn(e, shndx);

	if (!scn || !gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_ALLOC))
		return 0;
	return sh.sh_addr + sh.sh_size;
}

static int load_symtab(Elf *e, Elf_Scn *scn, const GElf_Shdr *sh, struct symtab *t,
		       char *err, size_t errlen)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	size_t n, kept = 0, strbytes = 0, nr = 0;
	struct sym_build *b;
	char *p;

	if (!d || !sh->sh_entsize)
		return fail(err, errlen, "symbol table: libelf: %s", elf_errmsg(-1));
	n = sh->sh_size / sh->sh_entsize;

	/* Pass 1 counts, pass 2 fills; names are copied so the image can go. */
	for (size_t i = 0; i < n; i++) {
		GElf_Sym s;
		const char *name;

		if (!gelf_getsym(d, i, &s))
			return fail(err, errlen, "symbol table: libelf: %s", elf_errmsg(-1));
		name = elf_strptr(e, sh->sh_link, s.st_name);
		if (sym_wanted(&s, name)) {
			kept++;
			strbytes += strlen(name) + 1;
		}
	}
	if (!kept)
		return 0;
	b = calloc(kept, sizeof(*b));
	t->sym = calloc(kept, sizeof(*t->sym));
	t->strings = malloc(strbytes);
	if (!b || !t->sym || !t->strings) {
		free(b);
		return fail(err, errlen, "out of memory for %zu symbols", kept);
	}
	p = t->strings;
	for (size_t i = 0; i < n && nr < kept; i++) {
		GElf_Sym s;
		const char *name;

		gelf_getsym(d, i, &s);
		name = elf_strptr(e, sh->sh_link, s.st_name);
		if (!sym_wanted(&s, name))
			continue;
		b[nr].s = (struct elf_symbol){
			.addr = s.st_value, .size = s.st_size, .name = p,
			.type = GELF_ST_TYPE(s.st_info), .bind = GELF_ST_BIND(s.st_info),
		};
		if (!s.st_size)
			b[nr].sec_end = section_end(e, s.st_shndx);
		p = stpcpy(p, name) + 1;
		nr++;
	}
	qsort(b, nr, sizeof(*b), sym_cmp);
	/* Unsized symbols (assembly labels) reach to the next symbol or their section's end. */
	for (size_t i = 0, next = 0; i < nr; i++) {
		uint64_t limit = b[i].sec_end;

		if (b[i].s.size)
			continue;
		if (next <= i)
			for (next = i + 1; next < nr && b[next].s.addr == b[i].s.addr; next++)
				;
		if (next < nr && (!limit || b[next].s.addr < limit))
			limit = b[next].s.addr;
		b[i].s.size = limit > b[i].s.addr ? limit - b[i].s.addr : 0;
	}
	for (size_t i = 0; i < nr; i++)
		t->sym[i] = b[i].s;
	t->nr = nr;
	free(b);
	return 0;
}

static int site_cmp(const void *a, const void *b)
{
	const struct pio_site *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/*
 * HC_SITES_SECTION: u32 addresses of IN/OUT instructions.  Each must lie in
 * the file bytes of an executable segment and decode as port I/O there, so
 * an accelerator that breaks on them never misreads a stop.
 */
static int load_pio_sites(const uint8_t *buf, const void *table, size_t size,
			  struct elf_info *out, char *err, size_t errlen)
{
	size_t n = size / 4;

	if (size % 4)
		return fail(err, errlen, "section %s: %zu bytes, not a whole number of 32-bit "
			    "addresses", HC_SITES_SECTION, size);
	if (n > PIO_SITES_MAX)
		return fail(err, errlen, "section %s: %zu entries; the limit is %d",
			    HC_SITES_SECTION, n, PIO_SITES_MAX);
	out->pio_sites = calloc(n ? n : 1, sizeof(*out->pio_sites));
	if (!out->pio_sites)
		return fail(err, errlen, "out of memory");
	for (size_t i = 0; i < n; i++) {
		struct pio_site *site = &out->pio_sites[i];
		const struct elf_segment *seg = NULL;
		uint32_t addr;

		memcpy(&addr, (const uint8_t *)table + 4 * i, 4);
		for (unsigned k = 0; k < out->nr_segments; k++) {
			const struct elf_segment *s = &out->seg[k];

			if ((s->flags & PF_X) && addr >= s->vaddr && addr - s->vaddr < s->filesz)
				seg = s;
		}
		if (!seg)
			return fail(err, errlen, "section %s: entry %zu (%#x) is not in the code "
				    "of an executable segment", HC_SITES_SECTION, i, addr);
		if (pio_decode(buf + seg->offset + (addr - seg->vaddr),
			       seg->filesz - (addr - seg->vaddr), site) < 0)
			return fail(err, errlen, "section %s: entry %zu (%#x) is not an IN or OUT "
				    "instruction", HC_SITES_SECTION, i, addr);
		site->addr = addr;
	}
	qsort(out->pio_sites, n, sizeof(*out->pio_sites), site_cmp);
	out->nr_pio_sites = n;
	out->has_pio_sites = true;
	return 0;
}

static int load_sections(Elf *e, const uint8_t *buf, struct elf_info *out,
			 char *err, size_t errlen)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	if (elf_getshdrstrndx(e, &shstrndx) < 0)
		return 0;  /* no section headers: a stripped image has no symbols */
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		const char *name;
		int r;

		if (!gelf_getshdr(scn, &sh))
			return fail(err, errlen, "section headers: libelf: %s", elf_errmsg(-1));
		if (sh.sh_type == SHT_SYMTAB && !out->symtab.sym) {
			r = load_symtab(e, scn, &sh, &out->symtab, err, errlen);
			if (r)
				return r;
			continue;
		}
		name = elf_strptr(e, shstrndx, sh.sh_name);
		if (name && !strcmp(name, ELF_LAYOUT_SECTION) && sh.sh_type != SHT_NOBITS &&
		    !out->layout_note) {
			Elf_Data *d = elf_getdata(scn, NULL);

			if (!d || !d->d_buf)
				return fail(err, errlen, "section %s: libelf: %s", name, elf_errmsg(-1));
			out->layout_note = malloc(d->d_size ? d->d_size : 1);
			if (!out->layout_note)
				return fail(err, errlen, "out of memory");
			memcpy(out->layout_note, d->d_buf, d->d_size);
			out->layout_note_len = d->d_size;
		}
		if (name && !strcmp(name, HC_SITES_SECTION) && sh.sh_type != SHT_NOBITS &&
		    !out->has_pio_sites) {
			Elf_Data *d = elf_getdata(scn, NULL);

			if (!d || (!d->d_buf && d->d_size))
				return fail(err, errlen, "section %s: libelf: %s", name, elf_errmsg(-1));
			r = load_pio_sites(buf, d->d_buf, d->d_size, out, err, errlen);
			if (r)
				return r;
		}
	}
	return 0;
}

/* ---- loading ------------------------------------------------------------ */

int elf_load(struct guest_mem *mem, const void *buf, size_t len,
	     struct elf_info *out, char *err, size_t errlen)
{
	Elf32_Ehdr eh;
	Elf *e;
	int r;

	memset(out, 0, sizeof(*out));
	r = check_headers(buf, len, &eh, err, errlen);
	if (r)
		return r;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return fail(err, errlen, "libelf: %s", elf_errmsg(-1));
	/* libelf takes a non-const pointer; for a native-endian image it only reads. */
	e = elf_memory((char *)buf, len);
	if (!e)
		return fail(err, errlen, "libelf: %s", elf_errmsg(-1));
	r = check_segments(mem, e, &eh, len, out, err, errlen);
	if (!r)
		r = load_sections(e, buf, out, err, errlen);
	elf_end(e);
	if (r) {
		elf_info_free(out);
		return r;
	}
	copy_segments(mem, buf, out);
	return 0;
}

int elf_load_file(struct guest_mem *mem, const char *path,
		  struct elf_info *out, char *err, size_t errlen)
{
	struct stat st;
	void *map;
	int fd, r;

	memset(out, 0, sizeof(*out));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open the guest image: %s", strerror(errno));
		return EXIT_NO_IMAGE;
	}
	if (fstat(fd, &st) < 0) {
		snprintf(err, errlen, "cannot stat the guest image: %s", strerror(errno));
		close(fd);
		return EXIT_NO_IMAGE;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "the guest image is not a regular file");
		close(fd);
		return EXIT_NO_IMAGE;
	}
	if (st.st_size == 0) {
		close(fd);
		return fail(err, errlen, "not an ELF file (empty)");
	}
	/* A private writable map: pages are read lazily, and libelf may scribble. */
	map = mmap(NULL, st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		snprintf(err, errlen, "cannot read the guest image: %s", strerror(errno));
		return EXIT_NO_IMAGE;
	}
	r = elf_load(mem, map, st.st_size, out, err, errlen);
	munmap(map, st.st_size);
	return r;
}

void elf_info_free(struct elf_info *info)
{
	free(info->symtab.sym);
	free(info->symtab.strings);
	free(info->layout_note);
	free(info->pio_sites);
	memset(info, 0, sizeof(*info));
}

/* ---- lookups ------------------------------------------------------------ */

const char *symtab_lookup(const struct symtab *t, uint64_t addr,
			  uint64_t *offset, uint64_t *size)
{
	size_t lo = 0, hi;
	const struct elf_symbol *s;

	if (!t || !t->nr)
		return NULL;
	/* Last symbol with sym.addr <= addr... */
	hi = t->nr;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->sym[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	/* ...then the first (best-ranked) alias at that address. */
	while (lo > 1 && t->sym[lo - 2].addr == t->sym[lo - 1].addr)
		lo--;
	s = &t->sym[lo - 1];
	if (addr - s->addr >= s->size)
		return NULL;
	if (offset)
		*offset = addr - s->addr;
	if (size)
		*size = s->size;
	return s->name;
}

bool symtab_addr(const struct symtab *t, const char *name, uint64_t *addr, uint64_t *size)
{
	const struct elf_symbol *found = NULL;

	if (!t)
		return false;
	for (size_t i = 0; i < t->nr; i++) {
		const struct elf_symbol *s = &t->sym[i];

		if (strcmp(s->name, name))
			continue;
		if (!found || (found->bind == STB_LOCAL && s->bind != STB_LOCAL))
			found = s;
	}
	if (!found)
		return false;
	if (addr)
		*addr = found->addr;
	if (size)
		*size = found->size;
	return true;
}

static const struct symtab *default_symtab;

void sym_set_default(const struct symtab *t)
{
	default_symtab = t;
}

const char *sym_lookup(uint64_t addr, uint64_t *offset)
{
	return symtab_lookup(default_symtab, addr, offset, NULL);
}

char *sym_format(char *buf, size_t len, uint64_t addr)
{
	return sym_format_return(buf, len, addr, false);
}

char *sym_format_return(char *buf, size_t len, uint64_t addr, bool is_return)
{
	uint64_t off, size;
	const char *name = symtab_lookup(default_symtab, addr - is_return, &off, &size);

	off += is_return;
	if (name)
		snprintf(buf, len, "%s+%#llx/%#llx", name,
			 (unsigned long long)off, (unsigned long long)size);
	else
		snprintf(buf, len, "?");
	return buf;
}
