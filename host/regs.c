/*
 * vCPU register dump in the spirit of QEMU's `info registers`: general
 * registers, RIP with its guest symbol, segments, descriptor tables,
 * control registers and EFER, as far as the accelerator gives them (QEMU's
 * gdbstub gives selectors but no hidden segment state).  It never fails: if
 * the registers cannot be read, it says so.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "accel.h"
#include "elf_load.h"
#include "regs.h"
#include "vm.h"

static void dump_seg(FILE *f, const char *name, const struct vcpu_seg *s, bool full)
{
	if (!full) {
		fprintf(f, "%-3s=%04x\n", name, s->selector);
		return;
	}
	fprintf(f, "%-3s=%04x base=%016" PRIx64 " limit=%08x type=%x s=%u dpl=%u p=%u db=%u l=%u g=%u%s\n",
		name, s->selector, s->base, s->limit, s->type, s->s,
		s->dpl, s->present, s->db, s->l, s->g, s->unusable ? " unusable" : "");
}

static void dump_flags(FILE *f, uint64_t fl)
{
	static const struct { int bit; const char *name; } bits[] = {
		{ 0, "CF" }, { 2, "PF" }, { 4, "AF" }, { 6, "ZF" }, { 7, "SF" },
		{ 8, "TF" }, { 9, "IF" }, { 10, "DF" }, { 11, "OF" }, { 14, "NT" },
		{ 16, "RF" }, { 17, "VM" }, { 18, "AC" },
	};

	fprintf(f, "RFLAGS=%08" PRIx64 " [", fl);
	for (size_t i = 0, n = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (fl & (1ull << bits[i].bit))
			fprintf(f, "%s%s", n++ ? " " : "", bits[i].name);
	fprintf(f, "] IOPL=%" PRIu64 "\n", (fl >> 12) & 3);
}

void vcpu_dump(struct vm *vm, FILE *f)
{
	struct vcpu_regs r;
	char sym[256];
	int err;

	fflush(stdout);
	err = vm->accel ? vm->accel->get_regs(vm, &r) : -ENODEV;
	if (err < 0) {
		fprintf(f, "(registers unavailable: %s)\n", strerror(-err));
		return;
	}
	fprintf(f, "RAX=%016" PRIx64 " RBX=%016" PRIx64 " RCX=%016" PRIx64 " RDX=%016" PRIx64 "\n",
		r.rax, r.rbx, r.rcx, r.rdx);
	fprintf(f, "RSI=%016" PRIx64 " RDI=%016" PRIx64 " RBP=%016" PRIx64 " RSP=%016" PRIx64 "\n",
		r.rsi, r.rdi, r.rbp, r.rsp);
	fprintf(f, "R8 =%016" PRIx64 " R9 =%016" PRIx64 " R10=%016" PRIx64 " R11=%016" PRIx64 "\n",
		r.r8, r.r9, r.r10, r.r11);
	fprintf(f, "R12=%016" PRIx64 " R13=%016" PRIx64 " R14=%016" PRIx64 " R15=%016" PRIx64 "\n",
		r.r12, r.r13, r.r14, r.r15);
	fprintf(f, "RIP=%016" PRIx64 " <%s>\n", r.rip, sym_format(sym, sizeof(sym), r.rip));
	dump_flags(f, r.rflags);
	dump_seg(f, "CS", &r.cs, r.has_descriptors);
	dump_seg(f, "SS", &r.ss, r.has_descriptors);
	dump_seg(f, "DS", &r.ds, r.has_descriptors);
	dump_seg(f, "ES", &r.es, r.has_descriptors);
	dump_seg(f, "FS", &r.fs, r.has_descriptors);
	dump_seg(f, "GS", &r.gs, r.has_descriptors);
	if (r.has_descriptors) {
		dump_seg(f, "TR", &r.tr, true);
		dump_seg(f, "LDT", &r.ldt, true);
		fprintf(f, "GDT=%016" PRIx64 "/%04x IDT=%016" PRIx64 "/%04x\n",
			r.gdt_base, r.gdt_limit, r.idt_base, r.idt_limit);
	} else {
		fprintf(f, "FS_BASE=%016" PRIx64 " GS_BASE=%016" PRIx64
			" (%s gives no hidden segment state, TR, LDT, GDT or IDT)\n",
			r.fs.base, r.gs.base, vm->accel->desc);
	}
	fprintf(f, "CR0=%08" PRIx64 " CR2=%016" PRIx64 " CR3=%016" PRIx64 " CR4=%08" PRIx64
		" CR8=%" PRIx64 "\n", r.cr0, r.cr2, r.cr3, r.cr4, r.cr8);
	fprintf(f, "EFER=%08" PRIx64 "%s%s%s%s\n", r.efer,
		r.efer & (1 << 0) ? " SCE" : "", r.efer & (1 << 8) ? " LME" : "",
		r.efer & (1 << 10) ? " LMA" : "", r.efer & (1 << 11) ? " NXE" : "");
}
