/*
 * The KVM accelerator: /dev/kvm, one VM, guest RAM as one or two memslots,
 * one vCPU with the host's supported CPUID, and the TSC rate the guest is
 * told about.  A failed setup step unwinds everything before it through
 * one release that skips what was never made.  Only this file includes
 * <linux/kvm.h>.
 *
 * Instruction counting single-steps the vCPU (KVM_SET_GUEST_DEBUG): every
 * KVM_EXIT_DEBUG between HC_BENCH_BEGIN and HC_BENCH_END is one guest
 * instruction.  What exactly is counted was measured on kvm_pvm with a
 * hand-written guest of known instruction count, logging
 * kvm_run.debug.arch.pc of every step:
 *
 *   - BEGIN's OUT is not counted.  The OUT exits to the VMM before stepping
 *     is on; KVM completes it on re-entry without a step exit.  The first
 *     step exit reports pc = the address after the first instruction that
 *     follows the OUT, i.e. that instruction is the first one counted.
 *   - END's OUT is not counted either: it exits to the VMM (KVM_EXIT_IO),
 *     which turns stepping off before the OUT retires.  The last step exit
 *     reports pc = the address of END's OUT.
 *
 * So the count is exactly the number of guest instructions retired strictly
 * between the two OUTs.  A bracket of ten nops between two hand-inlined
 * OUTs counted 17 = 10 + the 7 instructions that fill END's request block.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "abi.h"
#include "accel.h"
#include "boot.h"
#include "elf_load.h"
#include "exitcodes.h"
#include "util.h"
#include "vm.h"

struct kvm_vcpu_state {
	int sys_fd;                 /* /dev/kvm */
	int vm_fd;
	int vcpu_fd;
	struct kvm_run *run;        /* the vCPU's shared run page */
	size_t run_size;
	bool has_guest_debug;       /* KVM_CAP_SET_GUEST_DEBUG */
	bool stepping;              /* single-step is on (counting) */
	bool sync_regs;             /* run->s.regs holds the GPRs at every exit */
	bool warned_unlisted;       /* an I/O exit from outside HC_SITES_SECTION was reported */
	uint64_t steps;             /* step exits since insns_start */
};

static struct kvm_vcpu_state *kvm_of(struct vm *vm)
{
	return vm->accel_priv;
}

/* Unavailable: say why in *why; the caller decides whether that is fatal. */
static int open_kvm(struct accel_err *why)
{
	int fd = open(KVM_DEV, O_RDWR | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	snprintf(why->reason, sizeof(why->reason), KVM_DEV ": %s", strerror(errno));
	switch (errno) {
	case ENOENT:
	case ENXIO:
	case ENODEV:
		snprintf(why->hint, sizeof(why->hint), "load the kvm module (modprobe kvm_intel "
			 "or kvm_amd), or, inside a VM, enable nested virtualisation; "
			 "--accel tcg runs without KVM");
		break;
	case EACCES:
	case EPERM:
		snprintf(why->hint, sizeof(why->hint), "add yourself to group kvm (usermod -aG "
			 "kvm $USER, then log in again) or run as root");
		break;
	}
	return -1;
}

/* A KVM without a capability the VMM needs is no KVM for it: auto falls back. */
static bool check_cap(struct kvm_vcpu_state *k, int cap, const char *name,
		      struct accel_err *why)
{
	if (ioctl(k->sys_fd, KVM_CHECK_EXTENSION, cap) > 0)
		return true;
	snprintf(why->reason, sizeof(why->reason), "this KVM lacks %s", name);
	snprintf(why->hint, sizeof(why->hint), "use a newer host kernel, or --accel tcg");
	return false;
}

/* KVM_GET_SUPPORTED_CPUID wants a buffer big enough; grow until it fits.
 * Also reads MAXPHYADDR (CPUID 0x80000008) for the walker's reserved bits. */
static int setup_cpuid(struct vm *vm, struct kvm_vcpu_state *k)
{
	struct kvm_cpuid2 *c = NULL;
	int nent = 128, r;  /* enough for today's CPUs: one ioctl, no E2BIG retry */

	for (;;) {
		free(c);
		c = calloc(1, sizeof(*c) + nent * sizeof(c->entries[0]));
		if (!c)
			return -ENOMEM;
		c->nent = nent;
		r = ioctl(k->sys_fd, KVM_GET_SUPPORTED_CPUID, c);
		if (r == 0)
			break;
		if (errno != E2BIG || nent >= 4096) {
			r = -errno;
			free(c);
			return r;
		}
		nent *= 2;
	}
	for (unsigned i = 0; i < c->nent; i++)
		if (c->entries[i].function == 0x80000008u && (c->entries[i].eax & 0xff))
			vm->maxphyaddr = c->entries[i].eax & 0xff;
	r = ioctl(k->vcpu_fd, KVM_SET_CPUID2, c) < 0 ? -errno : 0;
	free(c);
	return r;
}

static int set_memslot(struct kvm_vcpu_state *k, unsigned slot, const struct ram_region *r)
{
	struct kvm_userspace_memory_region m = {
		.slot = slot,
		.guest_phys_addr = r->gpa,
		.memory_size = r->size,
		.userspace_addr = (uint64_t)(uintptr_t)r->host,
	};

	return ioctl(k->vm_fd, KVM_SET_USER_MEMORY_REGION, &m) < 0 ? -errno : 0;
}

static void kvm_release(struct kvm_vcpu_state *k)
{
	if (k->run)
		munmap(k->run, k->run_size);
	if (k->vcpu_fd >= 0)
		close(k->vcpu_fd);
	if (k->vm_fd >= 0)
		close(k->vm_fd);
	if (k->sys_fd >= 0)
		close(k->sys_fd);
	free(k);
}

static int kvm_create(struct vm *vm, struct accel_err *why)
{
	struct kvm_vcpu_state *k;
	int status = EXIT_NO_ACCEL, r, api, slots;

	k = calloc(1, sizeof(*k));
	if (!k) {
		pr_err("out of memory");
		return EXIT_HOST_ERROR;
	}
	k->sys_fd = k->vm_fd = k->vcpu_fd = -1;

	k->sys_fd = open_kvm(why);
	if (k->sys_fd < 0)
		goto err;
	api = ioctl(k->sys_fd, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION) {
		snprintf(why->reason, sizeof(why->reason), "KVM API version %d, vmm needs %d",
			 api, KVM_API_VERSION);
		goto err;
	}
	if (!check_cap(k, KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY", why) ||
	    !check_cap(k, KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID", why) ||
	    !check_cap(k, KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT", why))
		goto err;
	k->vm_fd = ioctl(k->sys_fd, KVM_CREATE_VM, 0);
	if (k->vm_fd < 0) {
		snprintf(why->reason, sizeof(why->reason), "KVM_CREATE_VM: %s", strerror(errno));
		goto err;
	}

	/* From here on KVM exists: failures are host errors, not "no KVM". */
	status = EXIT_HOST_ERROR;
	k->has_guest_debug = ioctl(k->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_GUEST_DEBUG) > 0;
	slots = ioctl(k->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_MEMSLOTS);
	if (slots > 0 && (unsigned)slots < vm->mem.nr_regions) {
		pr_err("KVM offers %d memslots, %u needed for RAM above 3 GiB; use -m 3G or less",
		      slots, vm->mem.nr_regions);
		goto err;
	}
	for (unsigned i = 0; i < vm->mem.nr_regions; i++) {
		r = set_memslot(k, i, &vm->mem.region[i]);
		if (r < 0) {
			errno = -r;
			pr_err_errno("KVM_SET_USER_MEMORY_REGION slot %u [%#llx, +%#llx) (try a "
				    "smaller -m, or --accel tcg)", i,
				    (unsigned long long)vm->mem.region[i].gpa,
				    (unsigned long long)vm->mem.region[i].size);
			goto err;
		}
	}
	k->vcpu_fd = ioctl(k->vm_fd, KVM_CREATE_VCPU, 0);
	if (k->vcpu_fd < 0) {
		pr_err_errno("KVM_CREATE_VCPU failed (--accel tcg runs without KVM)");
		goto err;
	}
	r = ioctl(k->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (r < 0) {
		pr_err_errno("KVM_GET_VCPU_MMAP_SIZE failed (--accel tcg runs without KVM)");
		goto err;
	}
	if (r < (int)sizeof(struct kvm_run)) {
		/* It succeeded: errno says nothing here. */
		pr_err("KVM_GET_VCPU_MMAP_SIZE says %d bytes, less than struct kvm_run (--accel "
		      "tcg runs without KVM)", r);
		goto err;
	}
	k->run_size = r;
	k->run = mmap(NULL, k->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, k->vcpu_fd, 0);
	if (k->run == MAP_FAILED) {
		k->run = NULL;
		pr_err_errno("cannot map the vCPU run page (--accel tcg runs without KVM)");
		goto err;
	}
	/* Free registers at every exit, for the I/O-site check below. */
	r = ioctl(k->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_SYNC_REGS);
	if (r > 0 && (r & KVM_SYNC_X86_REGS)) {
		k->run->kvm_valid_regs = KVM_SYNC_X86_REGS;
		k->sync_regs = true;
	}
	vm->maxphyaddr = 52;
	r = setup_cpuid(vm, k);
	if (r < 0) {
		errno = -r;
		pr_err_errno("cannot set the guest CPUID (--accel tcg runs without KVM)");
		goto err;
	}
	/* Told to the guest in boot_info so it can turn rdtsc into time. */
	r = ioctl(k->vcpu_fd, KVM_GET_TSC_KHZ, 0);
	vm->tsc_khz = r > 0 ? (uint32_t)r : 0;
	/* A VM exit is cheap next to emulated loops (docs/design.md §2.5):
	 * every paravirtual shortcut pays. */
	vm->features = BI_FEAT_PV_PAGEOPS | BI_FEAT_MEM_OR32 | BI_FEAT_FIND_NONZERO;
	vm->can_count_insns = k->has_guest_debug;
	vm->accel_priv = k;
	return 0;

err:
	/* One ladder for every step: each release is a no-op when the step
	 * was never reached. */
	kvm_release(k);
	return status;
}

static void kvm_destroy(struct vm *vm)
{
	if (kvm_of(vm))
		kvm_release(kvm_of(vm));
	vm->accel_priv = NULL;
}

static struct kvm_segment flat_segment(uint16_t sel, uint8_t type)
{
	return (struct kvm_segment){
		.base = 0, .limit = 0xffffffff, .selector = sel,
		.type = type, .present = 1, .dpl = 0,
		.db = 1,       /* 32-bit: compatibility mode, not 64-bit (l = 0) */
		.s = 1, .l = 0, .g = 1,
	};
}

static int kvm_boot(struct vm *vm, uint64_t entry)
{
	struct kvm_vcpu_state *k = kvm_of(vm);
	struct kvm_sregs s;
	struct kvm_regs r;

	if (ioctl(k->vcpu_fd, KVM_GET_SREGS, &s) < 0)
		return -errno;
	s.cs = flat_segment(__KERNEL_CS, 11 /* code, execute/read, accessed */);
	s.ds = s.es = s.fs = s.gs = s.ss =
		flat_segment(__KERNEL_DS, 3 /* data, read/write, accessed */);
	s.tr = (struct kvm_segment){
		.base = BOOT_TSS_PA, .limit = BOOT_TSS_LIMIT, .selector = __TSS_SEL,
		.type = 11 /* busy 64-bit TSS */, .present = 1, .s = 0,
	};
	s.gdt.base = BOOT_GDT_PA;
	s.gdt.limit = BOOT_GDT_ENTRIES * 8 - 1;
	/* No IDT: an exception before the guest installs one is a triple fault. */
	s.idt.base = 0;
	s.idt.limit = 0;
	s.cr0 = BOOT_CR0;
	s.cr3 = BOOT_PML4_PA;
	s.cr4 = BOOT_CR4;
	s.efer = BOOT_EFER | EFER_LMA;
	if (ioctl(k->vcpu_fd, KVM_SET_SREGS, &s) < 0)
		return -errno;

	memset(&r, 0, sizeof(r));
	r.rip = entry;
	r.rflags = 2;              /* bit 1 is reserved-one; IF=0 */
	r.rsi = BOOT_INFO_PA;      /* like Linux's boot_params in %esi */
	r.rsp = BOOT_STACK_TOP;
	if (ioctl(k->vcpu_fd, KVM_SET_REGS, &r) < 0)
		return -errno;
	return 0;
}

/*
 * Under TCG the VMM sees only the IN/OUT instructions the guest lists in
 * HC_SITES_SECTION; one missing from the list works here and silently
 * fails there.  KVM sees every one, so it says so (once) while the address
 * is known.  RIP is still the instruction's own: KVM advances it when the
 * VMM re-enters.
 */
static void check_io_site(struct vm *vm, struct kvm_vcpu_state *k)
{
	uint64_t rip = k->run->s.regs.regs.rip;
	char sym[256];

	if (!k->sync_regs || k->warned_unlisted || !vm->elf || !vm->elf->has_pio_sites ||
	    pio_site_find(vm->elf->pio_sites, vm->elf->nr_pio_sites, rip) >= 0)
		return;
	k->warned_unlisted = true;
	warn("guest port I/O (port %#x) at %#" PRIx64 " <%s>, an instruction %s does not list: "
	     "on QEMU TCG the VMM would never see it; record it as asm/io.h does",
	     k->run->io.port, rip, sym_format(sym, sizeof(sym), rip), HC_SITES_SECTION);
}

/* <linux/kvm.h>'s names, for an exit the run loop has no case for. */
static const char *kvm_exit_name(uint32_t reason)
{
	static const char *const names[] = {
		[KVM_EXIT_UNKNOWN] = "UNKNOWN", [KVM_EXIT_EXCEPTION] = "EXCEPTION",
		[KVM_EXIT_IO] = "IO", [KVM_EXIT_HYPERCALL] = "HYPERCALL",
		[KVM_EXIT_DEBUG] = "DEBUG", [KVM_EXIT_HLT] = "HLT", [KVM_EXIT_MMIO] = "MMIO",
		[KVM_EXIT_IRQ_WINDOW_OPEN] = "IRQ_WINDOW_OPEN", [KVM_EXIT_SHUTDOWN] = "SHUTDOWN",
		[KVM_EXIT_FAIL_ENTRY] = "FAIL_ENTRY", [KVM_EXIT_INTR] = "INTR",
		[KVM_EXIT_SET_TPR] = "SET_TPR", [KVM_EXIT_TPR_ACCESS] = "TPR_ACCESS",
		[KVM_EXIT_NMI] = "NMI", [KVM_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
		[KVM_EXIT_OSI] = "OSI", [KVM_EXIT_PAPR_HCALL] = "PAPR_HCALL",
		[KVM_EXIT_WATCHDOG] = "WATCHDOG", [KVM_EXIT_EPR] = "EPR",
		[KVM_EXIT_SYSTEM_EVENT] = "SYSTEM_EVENT", [KVM_EXIT_IOAPIC_EOI] = "IOAPIC_EOI",
		[KVM_EXIT_HYPERV] = "HYPERV", [KVM_EXIT_X86_RDMSR] = "X86_RDMSR",
		[KVM_EXIT_X86_WRMSR] = "X86_WRMSR", [KVM_EXIT_DIRTY_RING_FULL] = "DIRTY_RING_FULL",
	};

	return reason < ARRAY_SIZE(names) && names[reason] ? names[reason] : "?";
}

static int kvm_run_vcpu(struct vm *vm, struct vm_exit *e)
{
	struct kvm_vcpu_state *k = kvm_of(vm);
	struct kvm_run *run = k->run;

	memset(e, 0, sizeof(*e));
	if (ioctl(k->vcpu_fd, KVM_RUN, 0) < 0) {
		if (errno != EINTR && errno != EAGAIN)
			return -errno;
		run->immediate_exit = 0;
		e->reason = VM_EXIT_INTR;
		return 0;
	}
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		check_io_site(vm, k);
		e->reason = VM_EXIT_IO;
		e->io.port = run->io.port;
		e->io.size = run->io.size;
		e->io.out = run->io.direction == KVM_EXIT_IO_OUT;
		e->io.count = run->io.count;
		e->io.data = (uint8_t *)run + run->io.data_offset;
		break;
	case KVM_EXIT_DEBUG:
		/* A single-step inside a bench bracket; a stray one is harmless. */
		if (k->stepping)
			k->steps++;
		e->reason = VM_EXIT_DEBUG;
		break;
	case KVM_EXIT_HLT:
		e->reason = VM_EXIT_HLT;
		e->hlt.if_flag = run->if_flag;
		break;
	case KVM_EXIT_INTR:
		e->reason = VM_EXIT_INTR;
		break;
	case KVM_EXIT_SHUTDOWN:
		e->reason = VM_EXIT_SHUTDOWN;
		break;
	case KVM_EXIT_MMIO:
		e->reason = VM_EXIT_MMIO;
		e->mmio.gpa = run->mmio.phys_addr;
		e->mmio.len = run->mmio.len;
		e->mmio.write = run->mmio.is_write;
		break;
	case KVM_EXIT_FAIL_ENTRY:
		e->reason = VM_EXIT_FAIL_ENTRY;
		e->fail_entry.hw_reason = run->fail_entry.hardware_entry_failure_reason;
		break;
	case KVM_EXIT_INTERNAL_ERROR: {
		static const char *const sub[] = {
			[KVM_INTERNAL_ERROR_EMULATION] = "instruction emulation failed",
			[KVM_INTERNAL_ERROR_SIMUL_EX] = "exception while delivering an exception",
			[KVM_INTERNAL_ERROR_DELIVERY_EV] = "event delivery failed",
			[KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON] = "unexpected hardware exit",
		};
		uint32_t s = run->internal.suberror;
		size_t n;

		e->reason = VM_EXIT_INTERNAL_ERROR;
		e->internal.status = EXIT_HOST_ERROR;
		n = snprintf(e->internal.msg, sizeof(e->internal.msg), "KVM internal error %u (%s)",
			     s, s < ARRAY_SIZE(sub) && sub[s] ? sub[s] : "unknown suberror");
		for (uint32_t i = 0; i < run->internal.ndata && i < 16 && n < sizeof(e->internal.msg); i++)
			n += snprintf(e->internal.msg + n, sizeof(e->internal.msg) - n, "%s%#llx",
				      i ? " " : "; data ", (unsigned long long)run->internal.data[i]);
		if (s == KVM_INTERNAL_ERROR_EMULATION && n < sizeof(e->internal.msg))
			snprintf(e->internal.msg + n, sizeof(e->internal.msg) - n,
				 "\nvmm: this KVM emulates every guest instruction; int3, int n at "
				 "CPL0 and SSE/x87 are not supported (docs/design.md §2.4)");
		break;
	}
	default:
		e->reason = VM_EXIT_INTERNAL_ERROR;
		e->internal.status = EXIT_HOST_ERROR;
		snprintf(e->internal.msg, sizeof(e->internal.msg),
			 "unhandled KVM exit reason %u (KVM_EXIT_%s)", run->exit_reason,
			 kvm_exit_name(run->exit_reason));
		break;
	}
	return 0;
}

static void seg_from_kvm(struct vcpu_seg *d, const struct kvm_segment *s)
{
	*d = (struct vcpu_seg){
		.selector = s->selector, .base = s->base, .limit = s->limit, .type = s->type,
		.s = s->s, .dpl = s->dpl, .present = s->present, .db = s->db, .l = s->l,
		.g = s->g, .unusable = s->unusable,
	};
}

static int kvm_get_regs(struct vm *vm, struct vcpu_regs *out)
{
	struct kvm_vcpu_state *k = kvm_of(vm);
	struct kvm_regs r;
	struct kvm_sregs s;

	if (!k || ioctl(k->vcpu_fd, KVM_GET_REGS, &r) < 0 ||
	    ioctl(k->vcpu_fd, KVM_GET_SREGS, &s) < 0)
		return k ? -errno : -ENODEV;
	memset(out, 0, sizeof(*out));
	out->rax = r.rax; out->rbx = r.rbx; out->rcx = r.rcx; out->rdx = r.rdx;
	out->rsi = r.rsi; out->rdi = r.rdi; out->rbp = r.rbp; out->rsp = r.rsp;
	out->r8 = r.r8; out->r9 = r.r9; out->r10 = r.r10; out->r11 = r.r11;
	out->r12 = r.r12; out->r13 = r.r13; out->r14 = r.r14; out->r15 = r.r15;
	out->rip = r.rip;
	out->rflags = r.rflags;
	seg_from_kvm(&out->cs, &s.cs);
	seg_from_kvm(&out->ss, &s.ss);
	seg_from_kvm(&out->ds, &s.ds);
	seg_from_kvm(&out->es, &s.es);
	seg_from_kvm(&out->fs, &s.fs);
	seg_from_kvm(&out->gs, &s.gs);
	seg_from_kvm(&out->tr, &s.tr);
	seg_from_kvm(&out->ldt, &s.ldt);
	out->gdt_base = s.gdt.base;
	out->gdt_limit = s.gdt.limit;
	out->idt_base = s.idt.base;
	out->idt_limit = s.idt.limit;
	out->has_descriptors = true;
	out->cr0 = s.cr0; out->cr2 = s.cr2; out->cr3 = s.cr3; out->cr4 = s.cr4;
	out->cr8 = s.cr8;
	out->efer = s.efer;
	return 0;
}

static int set_singlestep(struct kvm_vcpu_state *k, bool on)
{
	struct kvm_guest_debug dbg = {
		.control = on ? KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP : 0,
	};

	if (!k->has_guest_debug)
		return -ENOTSUP;
	if (ioctl(k->vcpu_fd, KVM_SET_GUEST_DEBUG, &dbg) < 0)
		return -errno;
	k->stepping = on;
	return 0;
}

static int kvm_insns_start(struct vm *vm)
{
	struct kvm_vcpu_state *k = kvm_of(vm);

	k->steps = 0;
	return set_singlestep(k, true);
}

static int kvm_insns_stop(struct vm *vm, uint64_t begin_tsc, uint64_t end_tsc, uint64_t *insns)
{
	struct kvm_vcpu_state *k = kvm_of(vm);

	(void)begin_tsc;
	(void)end_tsc;
	*insns = k->steps;
	if (!k->stepping)
		return 0;
	return set_singlestep(k, false);
}

static int kvm_translate(struct vm *vm, uint64_t va, uint64_t *pa)
{
	struct kvm_translation tr = { .linear_address = va };

	if (ioctl(kvm_of(vm)->vcpu_fd, KVM_TRANSLATE, &tr) < 0)
		return -errno;
	if (!tr.valid)
		return -EFAULT;
	*pa = tr.physical_address;
	return 0;
}

/* From the watchdog's signal handler: a KVM_RUN that starts after this
 * returns at once, and one in progress returns EINTR. */
static void kvm_kick(struct vm *vm)
{
	struct kvm_vcpu_state *k = kvm_of(vm);

	if (k && k->run)
		k->run->immediate_exit = 1;
}

const struct accel_ops accel_kvm_ops = {
	.name = "kvm",
	.desc = "KVM",
	.create = kvm_create,
	.boot = kvm_boot,
	.run = kvm_run_vcpu,
	.get_regs = kvm_get_regs,
	.insns_start = kvm_insns_start,
	.insns_stop = kvm_insns_stop,
	.translate = kvm_translate,
	.translate_faults_reserved = true,
	.kick = kvm_kick,
	.destroy = kvm_destroy,
};
