/*
 * Host build of guest/mm/mmap.c (the VMA set) for tests/mm_mmap.c: what it
 * needs from kernel/fork.c and mm/memory.c, done with malloc and a log of
 * the page-table calls the VMA code made.
 */
#ifndef GUEST_MM_HOST_MMAP_HOST_H
#define GUEST_MM_HOST_MMAP_HOST_H

#include "mm_struct.h"

/* One call to unmap_page_range, free_pgd_range or change_protection. */
struct mmap_host_call {
	enum { CALL_UNMAP, CALL_FREE_PGD, CALL_PROTECT } op;
	unsigned long start, end;       /* the range */
	unsigned long floor, ceiling;   /* free_pgd_range only */
	unsigned long flags;            /* change_protection only */
};

#define MMAP_HOST_MAX_CALLS 4096
extern struct mmap_host_call mmap_host_calls[MMAP_HOST_MAX_CALLS];
extern unsigned int mmap_host_nr_calls;
/* VMAs allocated and not yet freed. */
extern long mmap_host_vmas_live;
/* vm_area_alloc fails after this many more successes (-1: never). */
extern long mmap_host_vma_fail_after;

/* An empty mm as a task gets it (mmap_base TASK_UNMAPPED_BASE, stack limit
 * STACK_LIMIT_DEFAULT), no pgd. */
void mmap_host_mm_init(struct mm_struct *mm);

#endif
