/*
 * The virtual machine as the rest of the VMM sees it: guest RAM, the loaded
 * image, the devices and instruments the run loop drives, and an
 * accelerator (accel.h) that runs the vCPU.  Nothing here knows which
 * accelerator that is; only accel_kvm.c and accel_tcg.c do.
 *
 * One vCPU, no interrupt controller and no timer: nothing needs them yet,
 * and on kvm_pvm an in-kernel irqchip costs ~21 ms of a ~25 ms run
 * (docs/design.md §2.5).
 */
#ifndef VMM_VM_H
#define VMM_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "guest_mem.h"
#include "serial.h"
#include "hypercall.h"
#include "bench.h"
#include "console_mailbox.h"
#include "stats.h"

struct elf_info;
struct accel_ops;
struct console;

struct vm {
	const struct accel_ops *accel;  /* NULL until accel_create() */
	void *accel_priv;               /* the accelerator's own state */
	uint32_t tsc_khz;               /* what a guest rdtsc tick is; 0 if unknown */
	uint32_t features;              /* BI_FEAT_* this accelerator advertises */
	unsigned maxphyaddr;            /* physical address bits the guest's CPU has */
	bool can_count_insns;           /* insns_start/stop can count (--count-insns) */
	bool sandbox;                   /* confine the accelerator's process too (QEMU -sandbox) */

	struct guest_mem mem;
	const struct elf_info *elf;     /* loaded guest image: symbols, I/O sites */

	struct serial serial;
	struct hc_state hc;
	struct bench bench;
	struct vm_stats stats;
	struct console *console;        /* --console / --script, or NULL */
	struct con_mailbox_state con_mailbox;  /* console requests (run=idle) */
};

/*
 * Put *vm in its empty state (no accelerator, no RAM).  Unit tests that need
 * a VM without an accelerator call this, then guest_mem_layout() over a fake
 * buffer.
 */
void vm_init_state(struct vm *vm);

/*
 * Host pointer for guest-physical [gpa, gpa + len), or NULL unless the whole
 * range is inside one RAM region.  Every guest-supplied address goes through
 * this before the VMM dereferences it.
 */
static inline void *gpa_ptr(struct vm *vm, uint64_t gpa, uint64_t len)
{
	return guest_mem_ptr(&vm->mem, gpa, len);
}

#endif
