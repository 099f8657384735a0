/*
 * The views a VMM console shows, in the formats of QEMU's monitor (HMP), so
 * that someone who knows `info registers`, `xp`, `x`, `gva2gpa`, `info tlb`
 * and `info mem` from QEMU reads them here unchanged.  Each is a pure
 * function of a register set or of guest RAM that prints to a FILE *; the
 * console parses the commands and calls them.
 *
 * Followed, from QEMU's source:
 *   - info registers: x86_cpu_dump_state() and cpu_x86_dump_seg_cache()
 *     (target/i386/cpu-dump.c), the x86-64 forms.  QEMU picks its 32-bit
 *     forms (EAX=, EIP=, EFL=, 8-digit segment bases) whenever CS.L is 0,
 *     i.e. in compatibility mode.  This vCPU is always in IA-32e mode and
 *     stops in 64-bit stubs as well as in compatibility-mode C, so one
 *     layout that always shows the upper halves and R8-R15 serves better.
 *     II, A20, SMM, HLT and the debug registers are not in struct
 *     vcpu_regs and are left out.  EFER keeps the 8 digits and bit names
 *     that post-mortem dumps have always printed (vcpu_dump), where QEMU
 *     prints 16 digits and no names.
 *   - xp and x: memory_dump() (monitor/hmp-cmds-target.c) and the /NFU
 *     parsing of monitor_parse_arguments() (monitor/hmp.c), with three
 *     differences.  'd' is signed at every unit, as QEMU documents it
 *     (QEMU's code loads units below 8 bytes unsigned).  'c' always
 *     prints bytes, as QEMU's /Ncb does; QEMU would print count units'
 *     worth of bytes.  Defaults do not stick from one command to the next.
 *   - gva2gpa: hmp_gva2gpa()'s "gpa: 0x..." / "Unmapped" line, after the
 *     level-by-level walk of insp_view_translate().
 *   - info tlb and info mem: tlb_info_la48(), print_pte(), mem_info_la48()
 *     and mem_print() (target/i386/monitor.c): the 4-level walk from CR3
 *     under which this guest keeps its PAE tables (docs/design.md §2.4,
 *     §4.4).  Where QEMU reads whatever an entry points at, the walk here
 *     agrees with pt_walk(): an entry with reserved bits, a PDPTE with PS
 *     (a 1 GiB page, which this guest never makes) or a table outside
 *     guest RAM is not followed, and one line says so.
 *
 * Every value read from the guest is untrusted: RAM is reached through
 * guest_mem_ptr() and the walker only, and the table walk is bounded.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "accel.h"
#include "boot.h"
#include "inspect.h"

/* ---- info registers ---------------------------------------------------------- */

/* QEMU's SegmentCache flags: the descriptor's high dword, bits 8-23. */
#define DESC_A    (1u << 8)
#define DESC_W_R  (1u << 9)    /* data: writable; code: readable */
#define DESC_E_C  (1u << 10)   /* data: expand-down; code: conforming */
#define DESC_CODE (1u << 11)
#define DESC_S    (1u << 12)
#define DESC_P    (1u << 15)
#define DESC_L    (1u << 21)
#define DESC_B    (1u << 22)
#define DESC_G    (1u << 23)

/* As QEMU's kvm_get_sregs() builds them: an unusable segment is not present. */
static uint32_t seg_flags(const struct vcpu_seg *s)
{
	return (uint32_t)(s->type & 15) << 8 | (s->s ? DESC_S : 0) | (uint32_t)(s->dpl & 3) << 13 |
	       (s->present && !s->unusable ? DESC_P : 0) | (s->l ? DESC_L : 0) |
	       (s->db ? DESC_B : 0) | (s->g ? DESC_G : 0);
}

static void seg_line(FILE *f, const char *name, const struct vcpu_seg *s,
		     const struct vcpu_regs *r)
{
	static const char *const sys_type[2][16] = {
		{ "Reserved", "TSS16-avl", "LDT", "TSS16-busy", "CallGate16", "TaskGate",
		  "IntGate16", "TrapGate16", "Reserved", "TSS32-avl", "Reserved", "TSS32-busy",
		  "CallGate32", "Reserved", "IntGate32", "TrapGate32" },
		{ "<hiword>", "Reserved", "LDT", "Reserved", "Reserved", "Reserved", "Reserved",
		  "Reserved", "Reserved", "TSS64-avl", "Reserved", "TSS64-busy", "CallGate64",
		  "Reserved", "IntGate64", "TrapGate64" },
	};
	uint32_t fl = seg_flags(s);
	bool lma = r->efer & EFER_LMA;

	fprintf(f, "%-3s=%04x %016" PRIx64 " %08x %08x", name, s->selector, s->base, s->limit, fl);
	if ((r->cr0 & CR0_PE) && (fl & DESC_P)) {
		fprintf(f, " DPL=%u ", (fl >> 13) & 3);
		if (!(fl & DESC_S))
			fputs(sys_type[lma][(fl >> 8) & 15], f);
		else if (fl & DESC_CODE)
			fprintf(f, "%s [%c%c%c]", fl & DESC_L ? "CS64" : fl & DESC_B ? "CS32" : "CS16",
				fl & DESC_E_C ? 'C' : '-', fl & DESC_W_R ? 'R' : '-',
				fl & DESC_A ? 'A' : '-');
		else
			fprintf(f, "%s [%c%c%c]", (fl & DESC_B) || lma ? "DS  " : "DS16",
				fl & DESC_E_C ? 'E' : '-', fl & DESC_W_R ? 'W' : '-',
				fl & DESC_A ? 'A' : '-');
	}
	fputc('\n', f);
}

void insp_view_registers(const struct vcpu_regs *r, FILE *f)
{
	static const struct { unsigned bit; const char *name; } efer_bits[] = {
		{ 0, "SCE" }, { 8, "LME" }, { 10, "LMA" }, { 11, "NXE" },
	};
	const struct { const char *name; const struct vcpu_seg *s; } segs[] = {
		{ "ES", &r->es }, { "CS", &r->cs }, { "SS", &r->ss },
		{ "DS", &r->ds }, { "FS", &r->fs }, { "GS", &r->gs },
	};
	uint32_t fl = (uint32_t)r->rflags;

	fprintf(f, "RAX=%016" PRIx64 " RBX=%016" PRIx64 " RCX=%016" PRIx64 " RDX=%016" PRIx64 "\n"
		"RSI=%016" PRIx64 " RDI=%016" PRIx64 " RBP=%016" PRIx64 " RSP=%016" PRIx64 "\n"
		"R8 =%016" PRIx64 " R9 =%016" PRIx64 " R10=%016" PRIx64 " R11=%016" PRIx64 "\n"
		"R12=%016" PRIx64 " R13=%016" PRIx64 " R14=%016" PRIx64 " R15=%016" PRIx64 "\n",
		r->rax, r->rbx, r->rcx, r->rdx, r->rsi, r->rdi, r->rbp, r->rsp,
		r->r8, r->r9, r->r10, r->r11, r->r12, r->r13, r->r14, r->r15);
	/* CS.RPL is the CPL in protected mode, and the gdbstub gives selectors. */
	fprintf(f, "RIP=%016" PRIx64 " RFL=%08" PRIx32 " [%c%c%c%c%c%c%c] CPL=%u\n", r->rip, fl,
		fl & (1u << 10) ? 'D' : '-', fl & (1u << 11) ? 'O' : '-',
		fl & (1u << 7) ? 'S' : '-', fl & (1u << 6) ? 'Z' : '-',
		fl & (1u << 4) ? 'A' : '-', fl & (1u << 2) ? 'P' : '-',
		fl & (1u << 0) ? 'C' : '-', r->cs.selector & 3u);
	if (r->has_descriptors) {
		for (size_t i = 0; i < sizeof(segs) / sizeof(segs[0]); i++)
			seg_line(f, segs[i].name, segs[i].s, r);
		seg_line(f, "LDT", &r->ldt, r);
		seg_line(f, "TR", &r->tr, r);
		fprintf(f, "GDT=     %016" PRIx64 " %08x\n", r->gdt_base, r->gdt_limit);
		fprintf(f, "IDT=     %016" PRIx64 " %08x\n", r->idt_base, r->idt_limit);
	} else {
		for (size_t i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
			fprintf(f, "%-3s=%04x", segs[i].name, segs[i].s->selector);
			if (segs[i].s == &r->fs || segs[i].s == &r->gs)
				fprintf(f, " %016" PRIx64, segs[i].s->base);
			fputc('\n', f);
		}
		fprintf(f, "(selectors and the FS and GS bases only: the accelerator gives no "
			"hidden segment state, LDT, TR, GDT or IDT)\n");
	}
	fprintf(f, "CR0=%08" PRIx32 " CR2=%016" PRIx64 " CR3=%016" PRIx64 " CR4=%08" PRIx32 "\n",
		(uint32_t)r->cr0, r->cr2, r->cr3, (uint32_t)r->cr4);
	fprintf(f, "EFER=%08" PRIx64, r->efer);
	for (size_t i = 0; i < sizeof(efer_bits) / sizeof(efer_bits[0]); i++)
		if (r->efer & (1ull << efer_bits[i].bit))
			fprintf(f, " %s", efer_bits[i].name);
	fputc('\n', f);
}

/* ---- xp and x ------------------------------------------------------------------ */

/* The reason in the caller's err, and its -1. */
#define FAIL(...) (snprintf(err, errlen, __VA_ARGS__), -1)

int insp_parse_fmt(const char *s, struct insp_fmt *out, char *err, size_t errlen)
{
	const char *digits;
	size_t ndigits;
	char format = 'x', size_letter = 0;
	unsigned long count = 1;
	unsigned size = 4;

	*out = (struct insp_fmt){ .count = 1, .format = 'x', .size = 4 };
	if (!s)
		return 0;
	digits = s;
	while (*s >= '0' && *s <= '9') {
		if (count <= INSP_FMT_MAX_COUNT)
			count = (s == digits ? 0 : count * 10) + (unsigned long)(*s - '0');
		s++;
	}
	ndigits = (size_t)(s - digits);
	if (ndigits && (count == 0 || count > INSP_FMT_MAX_COUNT))
		return FAIL("count %.*s%s is out of range: 1 to %u",
			    (int)(ndigits > 20 ? 20 : ndigits), digits, ndigits > 20 ? "..." : "",
			    INSP_FMT_MAX_COUNT);
	/* Letters in any order, the last of each kind winning, as in QEMU. */
	for (; *s; s++) {
		switch (*s) {
		case 'x': case 'd': case 'u': case 'o': case 'c':
			format = *s;
			break;
		case 'i':
			return FAIL("format 'i' (disassembly) is not supported");
		case 'b': size = 1; size_letter = *s; break;
		case 'h': size = 2; size_letter = *s; break;
		case 'w': size = 4; size_letter = *s; break;
		case 'g': case 'L': size = 8; size_letter = *s; break;
		default:
			if (*s > 0x20 && *s < 0x7f)
				return FAIL("invalid char in format: '%c'", *s);
			return FAIL("invalid char in format: '\\x%02x'",
				    (unsigned char)*s);
		}
	}
	if (format == 'c') {
		if (size_letter && size_letter != 'b')
			return FAIL("format 'c' prints bytes: unit '%c' does not apply",
				    size_letter);
		size = 1;
	}
	*out = (struct insp_fmt){ .count = (unsigned)count, .format = format, .size = size };
	return 0;
}

/* QEMU's monitor_printc(). */
static void print_char(FILE *f, uint8_t c)
{
	switch (c) {
	case '\'': fputs("'\\''", f); break;
	case '\\': fputs("'\\\\'", f); break;
	case '\n': fputs("'\\n'", f); break;
	case '\r': fputs("'\\r'", f); break;
	default:
		if (c >= 32 && c <= 126)
			fprintf(f, "'%c'", c);
		else
			fprintf(f, "'\\x%02x'", c);
	}
}

/* memory_dump()'s lines: 8 bytes a line for byte units, else 16. */
static void dump(FILE *f, uint64_t addr, const uint8_t *buf, size_t len, const struct insp_fmt *fmt)
{
	unsigned size = fmt->size, line = size == 1 ? 8 : 16, digits;

	switch (fmt->format) {
	case 'o': digits = (size * 8 + 2) / 3; break;
	case 'u': case 'd': digits = (size * 80 + 32) / 33; break;
	default: digits = size * 2; break;
	}
	for (size_t off = 0; off < len; off += line, addr += line) {
		size_t l = len - off < line ? len - off : line;

		fprintf(f, "%016" PRIx64 ":", addr);
		for (size_t i = 0; i < l; i += size) {
			uint64_t v = 0;

			/* The guest is little-endian, whatever the host is. */
			for (unsigned k = size; k-- > 0;)
				v = v << 8 | buf[off + i + k];
			fputc(' ', f);
			switch (fmt->format) {
			case 'o': fprintf(f, "%#*" PRIo64, (int)digits, v); break;
			case 'u': fprintf(f, "%*" PRIu64, (int)digits, v); break;
			case 'd':
				if (size < 8 && (v >> (size * 8 - 1)))
					v |= ~0ull << (size * 8);
				fprintf(f, "%*" PRId64, (int)digits, (int64_t)v);
				break;
			case 'c': print_char(f, (uint8_t)v); break;
			default: fprintf(f, "0x%0*" PRIx64, (int)digits, v); break;
			}
		}
		fputc('\n', f);
	}
}

/* A format the caller built by hand gets the parser's limits too. */
static int fmt_check(const struct insp_fmt *fmt, char *err, size_t errlen)
{
	if (fmt->count < 1 || fmt->count > INSP_FMT_MAX_COUNT)
		return FAIL("count %u is out of range: 1 to %u", fmt->count,
			    INSP_FMT_MAX_COUNT);
	if (!fmt->format || !strchr("xduoc", fmt->format) ||
	    (fmt->size != 1 && fmt->size != 2 && fmt->size != 4 && fmt->size != 8) ||
	    (fmt->format == 'c' && fmt->size != 1))
		return FAIL("bad format: '%c' in units of %u bytes",
			    fmt->format > 0x20 && fmt->format < 0x7f ? fmt->format : '?', fmt->size);
	return 0;
}

/* Guest RAM bytes from pa to the end of its region (0: pa is not RAM). */
static uint64_t ram_left(const struct guest_mem *mem, uint64_t pa)
{
	for (unsigned i = 0; i < mem->nr_regions; i++) {
		const struct ram_region *r = &mem->region[i];

		if (pa >= r->gpa && pa - r->gpa < r->size)
			return r->size - (pa - r->gpa);
	}
	return 0;
}

/*
 * Both dumps check the whole range before printing anything: a dump is
 * either complete or an error naming the first address that cannot be
 * read, never a partial listing (QEMU prints lines up to the bad one).
 */
int insp_view_xp(const struct insp *in, uint64_t pa, const struct insp_fmt *fmt, FILE *f,
		 char *err, size_t errlen)
{
	uint64_t len = (uint64_t)fmt->count * fmt->size, left = ram_left(in->mem, pa);
	const uint8_t *p;

	if (fmt_check(fmt, err, errlen))
		return -1;
	if (left < len) {
		uint64_t bad = pa + left;

		if (bad == pa)
			return FAIL("pa %#" PRIx64 " is not in guest RAM", pa);
		return FAIL("pa %#" PRIx64 " is not in guest RAM (dump from %#" PRIx64
			    ", %" PRIu64 " bytes)", bad, pa, len);
	}
	p = guest_mem_ptr(in->mem, pa, len);
	if (!p)
		return FAIL("pa %#" PRIx64 " is not in guest RAM", pa);
	dump(f, pa, p, len, fmt);
	return 0;
}

int insp_view_x(const struct insp *in, uint64_t cr3, uint64_t va, const struct insp_fmt *fmt,
		FILE *f, char *err, size_t errlen)
{
	uint8_t buf[INSP_FMT_MAX_COUNT * 8];
	size_t len = (size_t)fmt->count * fmt->size, n;
	struct pt_walk w;
	char where[64] = "";

	if (fmt_check(fmt, err, errlen))
		return -1;
	n = pt_read_virt(in->mem, &in->pt, cr3, va, buf, len);
	if (n == len) {
		dump(f, va, buf, len, fmt);
		return 0;
	}
	/* Say why the first unread byte did not translate. */
	if (n)
		snprintf(where, sizeof(where), " (dump from %#" PRIx64 ", %zu bytes)", va, len);
	va += n;
	if (pt_walk(in->mem, &in->pt, cr3, va, &w) == PT_OK)
		return FAIL("va %#" PRIx64 " maps pa %#" PRIx64 ", which is not in "
			    "guest RAM%s", va, w.pa, where);
	return FAIL("va %#" PRIx64 " does not translate: %s%s%s%s", va,
		    pt_status_str(w.status), w.fail_level >= 0 ? " at " : "",
		    w.fail_level >= 0 ? pt_level_names[w.fail_level] : "", where);
}

/* ---- gva2gpa ----------------------------------------------------------------------- */

enum pt_status insp_view_gva2gpa(const struct insp *in, uint64_t cr3, uint64_t va, FILE *f)
{
	struct pt_walk w;
	enum pt_status st = insp_view_translate(in, cr3, va, f);

	if (st == PT_OK && pt_walk(in->mem, &in->pt, cr3, va, &w) == PT_OK)
		fprintf(f, "gpa: %#" PRIx64 "\n", w.pa);
	else
		fprintf(f, "Unmapped\n");
	return st;
}

/* ---- info tlb and info mem ------------------------------------------------------- */

/*
 * Page tables visited in one walk.  A whole 32-bit address space under one
 * PML4 entry has 2053 below the PML4 (1 PDPT, 4 PDs, 2048 PTs), so an
 * honest tree always fits; a forged one that points entries at shared
 * tables to multiply the walk stops here, at most 4M entries in.
 */
#define PT_WALK_MAX_TABLES 8192

struct ptwalk {
	const struct insp *in;
	FILE *f;
	void (*leaf)(struct ptwalk *w, uint64_t va, uint64_t e, enum pt_level lvl, uint64_t prot);
	void (*hole)(struct ptwalk *w, uint64_t va);   /* nothing mapped from va */
	unsigned tables_left;
	bool stopped;
	/* info mem: the open range, as mem_print() keeps it */
	uint64_t start, last_prot;
};

/* QEMU's addr_canonical(): the upper half prints sign-extended. */
static uint64_t canonical(uint64_t va)
{
	return va & (1ull << 47) ? va | ~((1ull << 48) - 1) : va;
}

#define PROT_BITS (PT_P | PT_RW | PT_US)

__attribute__((format(printf, 5, 6)))
static void skipped(struct ptwalk *w, uint64_t va, enum pt_level lvl, uint64_t e,
		    const char *fmt, ...)
{
	va_list ap;

	w->hole(w, va);
	fprintf(w->f, "%016" PRIx64 ": %s %016" PRIx64 " skipped: ", canonical(va),
		pt_level_names[lvl], e);
	va_start(ap, fmt);
	vfprintf(w->f, fmt, ap);
	va_end(ap);
	fputc('\n', w->f);
}

static void walk_table(struct ptwalk *w, enum pt_level lvl, const uint8_t *table, uint64_t base,
		       uint64_t prot_above)
{
	unsigned shift = 39 - 9 * lvl;

	for (unsigned i = 0; i < 512 && !w->stopped; i++) {
		uint64_t va = base + ((uint64_t)i << shift), e, rsv, next;
		const uint8_t *t;

		memcpy(&e, table + 8 * i, 8);
		if (!(e & PT_P)) {
			w->hole(w, va);
			continue;
		}
		if (lvl == PT_PDPTE && (e & PT_PS)) {
			skipped(w, va, lvl, e, "a 1 GiB page (PS in a PDPTE), not followed");
			continue;
		}
		rsv = pt_reserved_bits(&w->in->pt, lvl, e);
		if (rsv) {
			skipped(w, va, lvl, e, "reserved bits %#" PRIx64, rsv);
			continue;
		}
		if (lvl == PT_PTE || (lvl == PT_PDE && (e & PT_PS))) {
			w->leaf(w, va, e, lvl, prot_above & e & PROT_BITS);
			continue;
		}
		next = e & PT_ADDR_MASK;
		t = guest_mem_ptr(w->in->mem, next, 4096);
		if (!t) {
			skipped(w, va, lvl, e, "its table at pa %#" PRIx64 " is not in guest RAM", next);
			continue;
		}
		if (!w->tables_left || insp_stopping(w->in)) {
			w->hole(w, va);
			if (w->tables_left)
				fprintf(w->f, "%016" PRIx64 ": walk stopped: interrupted\n",
					canonical(va));
			else
				fprintf(w->f, "%016" PRIx64 ": walk stopped: more than %u page tables "
					"(tables shared to multiply the walk?)\n", canonical(va),
					PT_WALK_MAX_TABLES);
			w->stopped = true;
			return;
		}
		w->tables_left--;
		walk_table(w, lvl + 1, t, va, prot_above & e & PROT_BITS);
	}
}

static void walk(struct ptwalk *w, uint64_t cr3)
{
	uint64_t pml4 = cr3 & PT_ADDR_MASK;
	const uint8_t *t = guest_mem_ptr(w->in->mem, pml4, 4096);

	w->tables_left = PT_WALK_MAX_TABLES;
	if (!t) {
		fprintf(w->f, "cr3 %#" PRIx64 ": the PML4 at pa %#" PRIx64 " is not in guest RAM\n",
			cr3, pml4);
		w->stopped = true;
		return;
	}
	walk_table(w, PT_PML4E, t, 0, PROT_BITS);
}

/* print_pte(): the leaf's own bits, not the effective permissions. */
static void tlb_leaf(struct ptwalk *w, uint64_t va, uint64_t e, enum pt_level lvl, uint64_t prot)
{
	uint64_t mask = lvl == PT_PDE ? 0x3ffffffe00000ull : 0x3fffffffff000ull;

	(void)prot;
	if (lvl == PT_PTE)
		e &= ~PT_PS;    /* the PAT bit in a PTE */
	fprintf(w->f, "%016" PRIx64 ": %016" PRIx64 " %c%c%c%c%c%c%c%c%c\n", canonical(va), e & mask,
		e & PT_NX ? 'X' : '-', e & PT_G ? 'G' : '-', e & PT_PS ? 'P' : '-',
		e & PT_D ? 'D' : '-', e & PT_A ? 'A' : '-', e & PT_PCD ? 'C' : '-',
		e & PT_PWT ? 'T' : '-', e & PT_US ? 'U' : '-', e & PT_RW ? 'W' : '-');
}

static void tlb_hole(struct ptwalk *w, uint64_t va)
{
	(void)w;
	(void)va;
}

void insp_view_tlb(const struct insp *in, uint64_t cr3, FILE *f)
{
	struct ptwalk w = { .in = in, .f = f, .leaf = tlb_leaf, .hole = tlb_hole };

	walk(&w, cr3);
}

/* mem_print(): a range ends where the protection changes. */
static void mem_print(struct ptwalk *w, uint64_t end, uint64_t prot)
{
	if (prot == w->last_prot)
		return;
	if (w->last_prot)
		fprintf(w->f, "%016" PRIx64 "-%016" PRIx64 " %016" PRIx64 " %c%c%c\n",
			canonical(w->start), canonical(end), canonical(end - w->start),
			w->last_prot & PT_US ? 'u' : '-', 'r', w->last_prot & PT_RW ? 'w' : '-');
	w->start = end;
	w->last_prot = prot;
}

static void mem_leaf(struct ptwalk *w, uint64_t va, uint64_t e, enum pt_level lvl, uint64_t prot)
{
	(void)e;
	(void)lvl;
	mem_print(w, va, prot);
}

static void mem_hole(struct ptwalk *w, uint64_t va)
{
	mem_print(w, va, 0);
}

void insp_view_mem(const struct insp *in, uint64_t cr3, FILE *f)
{
	struct ptwalk w = { .in = in, .f = f, .leaf = mem_leaf, .hole = mem_hole };

	walk(&w, cr3);
	mem_print(&w, 1ull << 48, 0);
}
