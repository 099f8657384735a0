/*
 * The checks of guest/user/vmtest.c, chosen by its argument (the low byte;
 * VMTEST_HOG takes MiB in the bits above), and the fixed address its
 * MAP_FIXED checks use.  Shared by the program and selftest:vm.
 */
#ifndef GUEST_VMTEST_H
#define GUEST_VMTEST_H

#define VMTEST_ADDR 0x50000000ul
/* A 2 MiB mapping across the first 1 GiB boundary: its halves sit in two
 * PDs (PDPT entries 0 and 1) and two PTs. */
#define VMTEST_SPAN_ADDR 0x3ff00000ul
#define VMTEST_SPAN_SIZE (2ul << 20)
/* Never mapped: between the image and heap and TASK_UNMAPPED_BASE. */
#define VMTEST_HOLE_ADDR 0x20000000ul
/* VMTEST_BRK_REGROW's break: grown by 3 MiB, cut back to 1 MiB + 123. */
#define VMTEST_BRK_BIG   (3ul << 20)
#define VMTEST_BRK_CUT   ((1ul << 20) + 123)
/* VMTEST_GROWSDOWN_GAP: the pages its VMA grows by (the guard gap it
 * expects below it is mman.h's STACK_GUARD_GAP). */
#define VMTEST_GROW_PAGES 16

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
	VMTEST_HOLE_WRITE,
	VMTEST_INT40,
	VMTEST_WRITE_CAP,
	VMTEST_PGTABLE_SPAN,
	VMTEST_BRK_REGROW,
	VMTEST_GROWSDOWN_GAP,
	VMTEST_INT80_STRADDLE,
};

#endif
