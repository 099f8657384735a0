/*
 * Kernel access to user memory (Linux's <linux/uaccess.h>): the range is
 * checked against TASK_SIZE, then copied with an instruction that has an
 * entry in the exception table (__ex_table), so a fault the fault handler
 * cannot satisfy (no VMA, no rights) resumes at the fixup instead of
 * oopsing.  Pages not yet present fault in on the way, as for the task.
 */
#ifndef GUEST_UACCESS_H
#define GUEST_UACCESS_H

#include "kernel.h"
#include "mm_struct.h"
#include "asm/ptrace.h"

/* One exception-table entry: a faulting instruction and where to resume. */
struct exception_table_entry {
	unsigned long insn, fixup;
};

static inline bool access_ok(const void *addr, unsigned long size)
{
	unsigned long a = (unsigned long)addr;

	return a <= TASK_SIZE && size <= TASK_SIZE - a;
}

/* The bytes NOT copied: 0 on success. */
unsigned long copy_from_user(void *to, const void *from, unsigned long n);
unsigned long copy_to_user(void *to, const void *from, unsigned long n);

/* If regs->ip has an exception-table entry, resume at its fixup: true. */
bool fixup_exception(struct pt_regs *regs);

#endif
