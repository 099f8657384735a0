/*
 * The accelerator interface: what runs the vCPU.  Two implementations:
 *   - accel_kvm.c: /dev/kvm, hardware VT-x/SVM or kvm_pvm (the fast path);
 *   - accel_tcg.c: QEMU's TCG in a child process, driven through its
 *     gdbstub, where there is no /dev/kvm.
 *
 * Both run the same guest image on the same guest RAM (struct guest_mem,
 * which the VMM owns and fills before any accelerator is opened) and report
 * neutral exits, so the run loop (run.c) is one switch that neither backend
 * owns, in the style of kvmtool's kvm-cpu.c.
 */
#ifndef VMM_ACCEL_H
#define VMM_ACCEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm;

#define KVM_DEV "/dev/kvm"

enum accel_kind {
	ACCEL_AUTO,   /* KVM if it can create a VM, else TCG (QEMU's -accel kvm:tcg) */
	ACCEL_KVM,
	ACCEL_TCG,
};

/* "auto", "kvm", "tcg" (QEMU's spelling) -> kind: 0, or -1 if unknown. */
int accel_parse(const char *s, enum accel_kind *kind);
const char *accel_kind_name(enum accel_kind kind);

/* Why the VMM stopped running the guest for a moment. */
enum vm_exit_reason {
	VM_EXIT_IO,             /* port I/O: exit.io; the loop fills data for IN */
	VM_EXIT_HLT,            /* hlt: exit.hlt */
	VM_EXIT_SHUTDOWN,       /* triple fault */
	VM_EXIT_DEBUG,          /* a single-step that counted an instruction */
	VM_EXIT_INTR,           /* accel_kick() or a signal stopped the vCPU */
	VM_EXIT_MMIO,           /* access to a physical address that is not RAM */
	VM_EXIT_FAIL_ENTRY,     /* the CPU refused to enter the guest */
	VM_EXIT_INTERNAL_ERROR, /* the accelerator cannot go on: exit.internal */
	VM_EXIT_NR
};

struct vm_exit {
	enum vm_exit_reason reason;
	union {
		struct {
			uint16_t port;
			uint8_t size;      /* bytes per access: 1, 2 or 4 */
			bool out;
			uint32_t count;    /* accesses (rep ins/outs) */
			uint8_t *data;     /* size * count bytes, owned by the accelerator */
		} io;
		struct {
			bool if_flag;      /* interrupts enabled at the hlt */
		} hlt;
		struct {
			uint64_t gpa;
			uint32_t len;
			bool write;
		} mmio;
		struct {
			uint64_t hw_reason;
		} fail_entry;
		struct {
			int status;        /* the VMM's exit status (exitcodes.h) */
			char msg[512];     /* what happened and what to do, one or more lines */
		} internal;
	};
};

struct vcpu_seg {
	uint16_t selector;
	uint64_t base;
	uint32_t limit;
	uint8_t type, s, dpl, present, db, l, g;
	bool unusable;
};

/*
 * The vCPU's registers.  has_descriptors is false where the accelerator
 * gives only selectors (QEMU's gdbstub): segment bases, limits and
 * attributes, TR, LDT, GDT and IDT are then unknown, except fs/gs bases.
 */
struct vcpu_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, rflags;
	struct vcpu_seg cs, ss, ds, es, fs, gs, tr, ldt;
	uint64_t gdt_base, idt_base;
	uint16_t gdt_limit, idt_limit;
	bool has_descriptors;
	uint64_t cr0, cr2, cr3, cr4, cr8, efer;
};

/* Why an accelerator cannot be used: printed by accel_create(). */
struct accel_err {
	char reason[256];   /* "/dev/kvm: No such file or directory" */
	char hint[256];     /* what the user can do, or "" */
};

struct accel_ops {
	const char *name;                 /* "kvm", "tcg" */
	const char *desc;                 /* for --help, --stats and notices */
	/*
	 * Create the VM over vm->mem, which already holds the image and the
	 * boot area.  Sets vm->tsc_khz, vm->features and vm->maxphyaddr.
	 * Returns 0, or EXIT_NO_ACCEL with *why filled when this accelerator is
	 * not available here (nothing is printed), or another exit status
	 * after printing why.  On failure nothing is left behind.
	 */
	int (*create)(struct vm *vm, struct accel_err *why);
	/* Put the vCPU in its boot state (boot.h) at entry.  0 or -errno. */
	int (*boot)(struct vm *vm, uint64_t entry);
	/* Run until the next exit.  0, or -errno when running failed. */
	int (*run)(struct vm *vm, struct vm_exit *exit);
	int (*get_regs)(struct vm *vm, struct vcpu_regs *regs);
	/*
	 * Count retired guest instructions: start inside HC_BENCH_BEGIN, stop
	 * inside HC_BENCH_END, which passes the guest's two TSC readings (on
	 * TCG they are the count).  Returns 0 or -errno (counting impossible).
	 */
	int (*insns_start)(struct vm *vm);
	int (*insns_stop)(struct vm *vm, uint64_t begin_tsc, uint64_t end_tsc, uint64_t *insns);
	/* Guest virtual -> physical with the vCPU's current page tables:
	 * 0, -EFAULT if not mapped, or another -errno if it cannot tell. */
	int (*translate)(struct vm *vm, uint64_t va, uint64_t *pa);
	/* translate() fails on reserved bits set in an entry, as the CPU
	 * would (KVM_TRANSLATE); QEMU's debug walker ignores them. */
	bool translate_faults_reserved;
	/* Make a running or about-to-run vCPU return VM_EXIT_INTR soon.
	 * Async-signal-safe: the --timeout watchdog calls it. */
	void (*kick)(struct vm *vm);
	void (*destroy)(struct vm *vm);
};

extern const struct accel_ops accel_kvm_ops;
extern const struct accel_ops accel_tcg_ops;

/*
 * Create the VM on `kind`.  For ACCEL_AUTO, try KVM and fall back to TCG
 * with one line on stderr naming the reason.  Returns 0 or an exit status
 * (EXIT_NO_ACCEL: the chosen accelerator is unavailable) after printing why.
 */
int accel_create(struct vm *vm, enum accel_kind kind);

/* Tear down whatever accel_create() made; safe to call when it made nothing. */
void accel_destroy(struct vm *vm);

/* What ACCEL_AUTO would pick here and why, for --help. */
char *accel_describe_auto(char *buf, size_t len);

/* Name of a neutral exit reason: "IO", "HLT", ... */
const char *vm_exit_name(enum vm_exit_reason r);

#endif
