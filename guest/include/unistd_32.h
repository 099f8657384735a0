/*
 * System call numbers, Linux i386's (arch/x86/entry/syscalls/syscall_32.tbl),
 * for the calls this kernel has; shared by the kernel's table
 * (guest/kernel/syscall.c) and the user programs (guest/user/).
 */
#ifndef GUEST_UNISTD_32_H
#define GUEST_UNISTD_32_H

#define __NR_exit          1
#define __NR_write         4
#define __NR_getpid       20
#define __NR_brk          45
#define __NR_mmap         90    /* old_mmap: one pointer to six arguments */
#define __NR_munmap       91
#define __NR_mprotect    125
#define __NR_sched_yield 158
#define __NR_mmap2       192    /* six arguments in registers, offset in pages */
#define NR_syscalls      193

/* Where user programs are linked and loaded (guest/user/user.ld): Linux
 * i386's traditional ELF base. */
#define USER_TEXT_BASE 0x08048000ul

#endif
