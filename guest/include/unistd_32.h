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
#define __NR_uname       122   /* Linux's newuname: struct new_utsname */
#define __NR_mprotect    125
#define __NR_sched_yield 158
#define __NR_mmap2       192    /* six arguments in registers, offset in pages */
#define NR_syscalls      193

/* Where user programs are linked and loaded (guest/user/user.ld): Linux
 * i386's traditional ELF base. */
#define USER_TEXT_BASE 0x08048000ul

/* uname(2)'s buffer, Linux's struct new_utsname: six NUL-terminated
 * fields of __NEW_UTS_LEN + 1 bytes. */
#define __NEW_UTS_LEN 64
struct new_utsname {
	char sysname[__NEW_UTS_LEN + 1];
	char nodename[__NEW_UTS_LEN + 1];
	char release[__NEW_UTS_LEN + 1];
	char version[__NEW_UTS_LEN + 1];
	char machine[__NEW_UTS_LEN + 1];
	char domainname[__NEW_UTS_LEN + 1];
};
_Static_assert(sizeof(struct new_utsname) == 390, "struct new_utsname is Linux's 390 bytes");

#endif
