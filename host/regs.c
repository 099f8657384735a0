/*
 * vCPU register dump in the spirit of QEMU's `info registers`: general
 * registers, RIP with its guest symbol, segments with their hidden parts,
 * descriptor tables, control registers and EFER.  It never fails: if KVM
 * cannot give the registers, it says so.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "elf_load.h"
#include "kvm.h"
#include "regs.h"

static void dump_seg(FILE *f, const char *name, const struct kvm_segment *s)
{
	fprintf(f, "%-3s=%04x base=%016llx limit=%08x type=%x s=%u dpl=%u p=%u db=%u l=%u g=%u%s\n",
		name, s->selector, (unsigned long long)s->base, s->limit, s->type, s->s,
		s->dpl, s->present, s->db, s->l, s->g, s->unusable ? " unusable" : "");
}

static void dump_flags(FILE *f, unsigned long long fl)
{
	static const struct { int bit; const char *name; } bits[] = {
		{ 0, "CF" }, { 2, "PF" }, { 4, "AF" }, { 6, "ZF" }, { 7, "SF" },
		{ 8, "TF" }, { 9, "IF" }, { 10, "DF" }, { 11, "OF" }, { 14, "NT" },
		{ 16, "RF" }, { 17, "VM" }, { 18, "AC" },
	};

	fprintf(f, "RFLAGS=%08llx [", fl);
	for (size_t i = 0, n = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (fl & (1ull << bits[i].bit))
			fprintf(f, "%s%s", n++ ? " " : "", bits[i].name);
	fprintf(f, "] IOPL=%llu\n", (fl >> 12) & 3);
}

void vcpu_dump(struct vm *vm, FILE *f)
{
	struct kvm_regs r;
	struct kvm_sregs s;
	char sym[256];

	fflush(stdout);
	if (vm->vcpu_fd < 0 || ioctl(vm->vcpu_fd, KVM_GET_REGS, &r) < 0 ||
	    ioctl(vm->vcpu_fd, KVM_GET_SREGS, &s) < 0) {
		fprintf(f, "(registers unavailable: %s)\n", strerror(errno));
		return;
	}
	fprintf(f, "RAX=%016llx RBX=%016llx RCX=%016llx RDX=%016llx\n",
		r.rax, r.rbx, r.rcx, r.rdx);
	fprintf(f, "RSI=%016llx RDI=%016llx RBP=%016llx RSP=%016llx\n",
		r.rsi, r.rdi, r.rbp, r.rsp);
	fprintf(f, "R8 =%016llx R9 =%016llx R10=%016llx R11=%016llx\n",
		r.r8, r.r9, r.r10, r.r11);
	fprintf(f, "R12=%016llx R13=%016llx R14=%016llx R15=%016llx\n",
		r.r12, r.r13, r.r14, r.r15);
	fprintf(f, "RIP=%016llx <%s>\n", r.rip, sym_format(sym, sizeof(sym), r.rip));
	dump_flags(f, r.rflags);
	dump_seg(f, "CS", &s.cs);
	dump_seg(f, "SS", &s.ss);
	dump_seg(f, "DS", &s.ds);
	dump_seg(f, "ES", &s.es);
	dump_seg(f, "FS", &s.fs);
	dump_seg(f, "GS", &s.gs);
	dump_seg(f, "TR", &s.tr);
	dump_seg(f, "LDT", &s.ldt);
	fprintf(f, "GDT=%016llx/%04x IDT=%016llx/%04x\n",
		(unsigned long long)s.gdt.base, s.gdt.limit,
		(unsigned long long)s.idt.base, s.idt.limit);
	fprintf(f, "CR0=%08llx CR2=%016llx CR3=%016llx CR4=%08llx CR8=%llx\n",
		s.cr0, s.cr2, s.cr3, s.cr4, s.cr8);
	fprintf(f, "EFER=%08llx%s%s%s%s\n", s.efer,
		s.efer & (1 << 0) ? " SCE" : "", s.efer & (1 << 8) ? " LME" : "",
		s.efer & (1 << 10) ? " LMA" : "", s.efer & (1 << 11) ? " NXE" : "");
}
