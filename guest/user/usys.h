/*
 * The user programs' whole C library: Linux i386 system calls through
 * int $0x80 (number in EAX, arguments in EBX, ECX, EDX, ESI, EDI, EBP,
 * result in EAX, -errno on failure), and an entry point that takes two
 * arguments from the kernel: _start(arg, arg2) is entered with ESP at a
 * zero return address followed by arg and arg2.
 */
#ifndef GUEST_USER_USYS_H
#define GUEST_USER_USYS_H

#include "unistd_32.h"
#include "mman.h"

typedef unsigned long ulong;

static inline long syscall3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ __volatile__("int $0x80" : "=a"(ret) : "0"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return ret;
}

static inline long syscall6(long nr, long a, long b, long c, long d, long e, long f)
{
	long ret;

	/* EBP is the frame pointer: swap it in and out around the call. */
	__asm__ __volatile__("push %%ebp\n\tmov %7, %%ebp\n\tint $0x80\n\tpop %%ebp"
			     : "=a"(ret) : "0"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e), "m"(f)
			     : "memory");
	return ret;
}

static inline __attribute__((noreturn)) void sys_exit(long code)
{
	syscall3(__NR_exit, code, 0, 0);
	__builtin_unreachable();
}

static inline long sys_write(int fd, const void *buf, ulong len)
{
	return syscall3(__NR_write, fd, (long)buf, (long)len);
}

static inline long sys_getpid(void) { return syscall3(__NR_getpid, 0, 0, 0); }
static inline long sys_yield(void) { return syscall3(__NR_sched_yield, 0, 0, 0); }
static inline long sys_brk(ulong brk) { return syscall3(__NR_brk, (long)brk, 0, 0); }
static inline long sys_munmap(void *a, ulong len) { return syscall3(__NR_munmap, (long)a, (long)len, 0); }
static inline long sys_uname(void *buf) { return syscall3(__NR_uname, (long)buf, 0, 0); }

static inline long sys_mprotect(void *a, ulong len, ulong prot)
{
	return syscall3(__NR_mprotect, (long)a, (long)len, (long)prot);
}

static inline long sys_mmap(void *a, ulong len, ulong prot, ulong flags)
{
	return syscall6(__NR_mmap2, (long)a, (long)len, (long)prot, (long)flags, -1, 0);
}

static inline int is_err(long r) { return (ulong)r >= (ulong)-4095; }

static inline ulong ustrlen(const char *s)
{
	ulong n = 0;

	while (s[n])
		n++;
	return n;
}

static inline void puts_(const char *s) { sys_write(1, s, ustrlen(s)); }

/* s followed by the decimal or hex (base 16) of v, and a newline. */
static inline void put_num(const char *s, ulong v, int base)
{
	char buf[24];
	int i = sizeof(buf);

	buf[--i] = '\n';
	do {
		buf[--i] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (base == 16) {
		buf[--i] = 'x';
		buf[--i] = '0';
	}
	puts_(s);
	sys_write(1, buf + i, sizeof(buf) - i);
}

#define USER_ENTRY(fn) \
	__attribute__((section(".text.start"), noreturn, used)) void _start(ulong arg, ulong arg2) \
	{ (void)arg2; sys_exit(fn(arg)); }

/* The same for a program that takes both of the kernel's arguments. */
#define USER_ENTRY2(fn) \
	__attribute__((section(".text.start"), noreturn, used)) void _start(ulong arg, ulong arg2) \
	{ sys_exit(fn(arg, arg2)); }

#endif
