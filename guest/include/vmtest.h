/*
 * The checks of guest/user/vmtest.c, chosen by its argument (the low byte;
 * VMTEST_HOG takes MiB in the bits above), and the fixed address its
 * MAP_FIXED checks use.  Shared by the program and selftest:vm.
 */
#ifndef GUEST_VMTEST_H
#define GUEST_VMTEST_H

#define VMTEST_ADDR 0x50000000ul

enum {
	VMTEST_RO_WRITE = 1,
	VMTEST_ZERO_READ,
	VMTEST_STACK,
	VMTEST_STACK_LIMIT,
	VMTEST_BRK,
	VMTEST_EFAULT,
	VMTEST_SAME_VA,
	VMTEST_MPROTECT_SPLIT,
	VMTEST_HOG,
	VMTEST_PROT,
	VMTEST_COPY_TO_USER,
};

#endif
