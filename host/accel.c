/*
 * Choosing the accelerator.  `auto` is QEMU's `-accel kvm:tcg`: KVM when
 * /dev/kvm opens and a VM can be created on it, else QEMU TCG, with one
 * line on stderr that says why and what it costs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "accel.h"
#include "exitcodes.h"
#include "util.h"
#include "vm.h"

static const char *const kind_names[] = {
	[ACCEL_AUTO] = "auto",
	[ACCEL_KVM] = "kvm",
	[ACCEL_TCG] = "tcg",
};

int accel_parse(const char *s, enum accel_kind *kind)
{
	for (size_t i = 0; i < ARRAY_SIZE(kind_names); i++) {
		if (!strcmp(s, kind_names[i])) {
			*kind = (enum accel_kind)i;
			return 0;
		}
	}
	return -1;
}

const char *accel_kind_name(enum accel_kind kind)
{
	return (unsigned)kind < ARRAY_SIZE(kind_names) ? kind_names[kind] : "?";
}

static void print_unavailable(const char *what, const struct accel_err *why)
{
	pr_err("cannot use %s: %s", what, why->reason);
	if (why->hint[0])
		pr_info("%s", why->hint);
}

static int try_create(struct vm *vm, const struct accel_ops *ops, struct accel_err *why)
{
	int status;

	memset(why, 0, sizeof(*why));
	vm->accel = ops;
	status = ops->create(vm, why);
	if (status)
		vm->accel = NULL;
	return status;
}

int accel_create(struct vm *vm, enum accel_kind kind)
{
	struct accel_err why, kvm_why;
	int status;

	switch (kind) {
	case ACCEL_KVM:
		status = try_create(vm, &accel_kvm_ops, &why);
		if (status == EXIT_NO_ACCEL)
			print_unavailable(accel_kvm_ops.desc, &why);
		return status;
	case ACCEL_TCG:
		status = try_create(vm, &accel_tcg_ops, &why);
		if (status == EXIT_NO_ACCEL)
			print_unavailable(accel_tcg_ops.desc, &why);
		return status;
	case ACCEL_AUTO:
		break;
	}
	status = try_create(vm, &accel_kvm_ops, &kvm_why);
	if (status != EXIT_NO_ACCEL)
		return status;
	status = try_create(vm, &accel_tcg_ops, &why);
	if (status == 0) {
		/* The one line a user on a machine without KVM sees on every run. */
		pr_info("%s; running on %s", kvm_why.reason, accel_tcg_ops.desc);
		return 0;
	}
	/* Neither: both reasons, each with what to do. */
	print_unavailable(accel_kvm_ops.desc, &kvm_why);
	if (status == EXIT_NO_ACCEL)
		print_unavailable(accel_tcg_ops.desc, &why);
	return status;
}

void accel_destroy(struct vm *vm)
{
	if (vm->accel)
		vm->accel->destroy(vm);
	vm->accel = NULL;
	vm->accel_priv = NULL;
}

const char *vm_exit_name(enum vm_exit_reason r)
{
	static const char *const names[VM_EXIT_NR] = {
		[VM_EXIT_IO] = "IO",
		[VM_EXIT_HLT] = "HLT",
		[VM_EXIT_SHUTDOWN] = "SHUTDOWN",
		[VM_EXIT_DEBUG] = "DEBUG",
		[VM_EXIT_INTR] = "INTR",
		[VM_EXIT_MMIO] = "MMIO",
		[VM_EXIT_FAIL_ENTRY] = "FAIL_ENTRY",
		[VM_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
	};

	return (unsigned)r < VM_EXIT_NR ? names[r] : "UNKNOWN";
}

char *accel_describe_auto(char *buf, size_t len)
{
	int fd = open(KVM_DEV, O_RDWR | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		snprintf(buf, len, "%s (" KVM_DEV " opens)", accel_kvm_ops.desc);
	} else {
		snprintf(buf, len, "%s, because " KVM_DEV ": %s", accel_tcg_ops.desc, strerror(errno));
	}
	return buf;
}
