/*
 * The virtual machine: /dev/kvm, one VM, one vCPU and its guest RAM, plus
 * the per-VM state of the devices and instruments the run loop drives.
 *
 * One vCPU and no in-kernel irqchip or PIT: on this host an irqchip costs
 * ~21 ms of a ~25 ms run (DESIGN §2), and nothing needs it yet.
 */
#ifndef VMM_KVM_H
#define VMM_KVM_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/kvm.h>

#include "guest_mem.h"
#include "serial.h"
#include "hypercall.h"
#include "bench.h"
#include "stats.h"

struct elf_info;

struct vm {
	int sys_fd;                 /* /dev/kvm */
	int vm_fd;
	int vcpu_fd;
	struct kvm_run *run;        /* the vCPU's shared run page */
	size_t run_size;
	uint32_t tsc_khz;           /* KVM_GET_TSC_KHZ, 0 if unknown */
	bool has_guest_debug;       /* KVM_CAP_SET_GUEST_DEBUG */

	struct guest_mem mem;
	const struct elf_info *elf; /* loaded guest image, for symbols */

	struct serial serial;
	struct hc_state hc;
	struct bench bench;
	struct vm_stats stats;
};

/*
 * Put *vm in its empty state (no fds, no RAM).  Unit tests that need a VM
 * without KVM call this, then guest_mem_layout() over a fake buffer.
 */
void vm_init_state(struct vm *vm);

/*
 * Open /dev/kvm, create the VM, its RAM and its vCPU.  Returns 0 or an exit
 * status (EXIT_NO_KVM, EXIT_HOST_ERROR) after printing why; on failure
 * everything created so far has been released.
 */
int kvm_init(struct vm *vm, uint64_t ram_bytes);
void kvm_destroy(struct vm *vm);

/* Enable or disable single-stepping of the vCPU (KVM_SET_GUEST_DEBUG). */
int vcpu_set_singlestep(struct vm *vm, bool on);

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
