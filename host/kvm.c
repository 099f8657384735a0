/*
 * KVM setup: /dev/kvm, the VM, guest RAM as one or two memslots, one vCPU
 * with the host's supported CPUID, and the TSC rate the guest is told about.
 * Each step that can fail unwinds everything before it (goto ladder), and
 * each failure says what the user can do about it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "abi.h"
#include "exitcodes.h"
#include "kvm.h"
#include "util.h"

#define KVM_DEV "/dev/kvm"

void vm_init_state(struct vm *vm)
{
	memset(vm, 0, sizeof(*vm));
	vm->sys_fd = vm->vm_fd = vm->vcpu_fd = -1;
	serial_init(&vm->serial, stdout);
	bench_init(&vm->bench);
}

static int open_kvm(void)
{
	int fd = open(KVM_DEV, O_RDWR | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	switch (errno) {
	case ENOENT:
	case ENXIO:
	case ENODEV:
		error_errno("cannot open " KVM_DEV);
		fprintf(stderr, "vmm: load the kvm module (modprobe kvm_intel or kvm_amd), "
			"or, inside a VM, enable nested virtualisation\n");
		break;
	case EACCES:
	case EPERM:
		error_errno("cannot open " KVM_DEV);
		fprintf(stderr, "vmm: add yourself to group kvm (usermod -aG kvm $USER, "
			"then log in again) or run as root\n");
		break;
	default:
		error_errno("cannot open " KVM_DEV);
		break;
	}
	return -1;
}

static bool check_cap(struct vm *vm, int cap, const char *name)
{
	if (ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, cap) > 0)
		return true;
	error("this KVM lacks %s, which vmm needs; use a newer host kernel", name);
	return false;
}

/* KVM_GET_SUPPORTED_CPUID wants a buffer big enough; grow until it fits. */
static int setup_cpuid(struct vm *vm)
{
	struct kvm_cpuid2 *c = NULL;
	int nent = 128, r;  /* enough for today's CPUs: one ioctl, no E2BIG retry */

	for (;;) {
		free(c);
		c = calloc(1, sizeof(*c) + nent * sizeof(c->entries[0]));
		if (!c)
			return -ENOMEM;
		c->nent = nent;
		r = ioctl(vm->sys_fd, KVM_GET_SUPPORTED_CPUID, c);
		if (r == 0)
			break;
		if (errno != E2BIG || nent >= 4096) {
			r = -errno;
			free(c);
			return r;
		}
		nent *= 2;
	}
	r = ioctl(vm->vcpu_fd, KVM_SET_CPUID2, c) < 0 ? -errno : 0;
	free(c);
	return r;
}

static int set_memslot(struct vm *vm, unsigned slot, const struct ram_region *r)
{
	struct kvm_userspace_memory_region m = {
		.slot = slot,
		.guest_phys_addr = r->gpa,
		.memory_size = r->size,
		.userspace_addr = (uint64_t)(uintptr_t)r->host,
	};

	return ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &m) < 0 ? -errno : 0;
}

int kvm_init(struct vm *vm, uint64_t ram_bytes)
{
	int status = EXIT_NO_KVM, r, api, slots;

	vm_init_state(vm);

	vm->sys_fd = open_kvm();
	if (vm->sys_fd < 0)
		goto err;

	api = ioctl(vm->sys_fd, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION) {
		error("KVM API version %d, vmm needs %d", api, KVM_API_VERSION);
		goto err_sys;
	}
	if (!check_cap(vm, KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY") ||
	    !check_cap(vm, KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID") ||
	    !check_cap(vm, KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT"))
		goto err_sys;
	vm->has_guest_debug = ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_GUEST_DEBUG) > 0;

	vm->vm_fd = ioctl(vm->sys_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0) {
		error_errno("KVM_CREATE_VM failed");
		goto err_sys;
	}

	/* From here on KVM exists: failures are host errors, not "no KVM". */
	status = EXIT_HOST_ERROR;
	r = guest_mem_alloc(&vm->mem, ram_bytes);
	if (r < 0) {
		error("cannot map %llu MiB of guest RAM (%s); try a smaller -m",
		      (unsigned long long)(ram_bytes >> 20), strerror(-r));
		goto err_vm;
	}
	slots = ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_MEMSLOTS);
	if (slots > 0 && (unsigned)slots < vm->mem.nr_regions) {
		error("KVM offers %d memslots, %u needed for RAM above 3 GiB; use -m 3G or less",
		     slots, vm->mem.nr_regions);
		goto err_mem;
	}
	for (unsigned i = 0; i < vm->mem.nr_regions; i++) {
		r = set_memslot(vm, i, &vm->mem.region[i]);
		if (r < 0) {
			errno = -r;
			error_errno("KVM_SET_USER_MEMORY_REGION slot %u [%#llx, +%#llx)", i,
				   (unsigned long long)vm->mem.region[i].gpa,
				   (unsigned long long)vm->mem.region[i].size);
			goto err_mem;
		}
	}

	vm->vcpu_fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, 0);
	if (vm->vcpu_fd < 0) {
		error_errno("KVM_CREATE_VCPU failed");
		goto err_mem;
	}
	r = ioctl(vm->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (r < (int)sizeof(struct kvm_run)) {
		error_errno("KVM_GET_VCPU_MMAP_SIZE returned %d", r);
		goto err_vcpu;
	}
	vm->run_size = r;
	vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vm->vcpu_fd, 0);
	if (vm->run == MAP_FAILED) {
		vm->run = NULL;
		error_errno("cannot map the vCPU run page");
		goto err_vcpu;
	}
	r = setup_cpuid(vm);
	if (r < 0) {
		errno = -r;
		error_errno("cannot set the guest CPUID");
		goto err_run;
	}
	/* Told to the guest in boot_info so it can turn rdtsc into time. */
	r = ioctl(vm->vcpu_fd, KVM_GET_TSC_KHZ, 0);
	vm->tsc_khz = r > 0 ? (uint32_t)r : 0;
	return 0;

err_run:
	munmap(vm->run, vm->run_size);
	vm->run = NULL;
err_vcpu:
	close(vm->vcpu_fd);
	vm->vcpu_fd = -1;
err_mem:
	guest_mem_free(&vm->mem);
err_vm:
	close(vm->vm_fd);
	vm->vm_fd = -1;
err_sys:
	close(vm->sys_fd);
	vm->sys_fd = -1;
err:
	return status;
}

void kvm_destroy(struct vm *vm)
{
	if (vm->run)
		munmap(vm->run, vm->run_size);
	if (vm->vcpu_fd >= 0)
		close(vm->vcpu_fd);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	guest_mem_free(&vm->mem);
	if (vm->sys_fd >= 0)
		close(vm->sys_fd);
	vm->run = NULL;
	vm->sys_fd = vm->vm_fd = vm->vcpu_fd = -1;
}

int vcpu_set_singlestep(struct vm *vm, bool on)
{
	struct kvm_guest_debug dbg = {
		.control = on ? KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP : 0,
	};

	if (vm->vcpu_fd < 0)
		return -EBADF;
	return ioctl(vm->vcpu_fd, KVM_SET_GUEST_DEBUG, &dbg) < 0 ? -errno : 0;
}
