/*
 * Compiler attributes and barriers, Linux's names (include/linux/compiler*.h),
 * in one place for the guest and for the host builds of guest mm code.
 */
#ifndef GUEST_COMPILER_H
#define GUEST_COMPILER_H

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define __noreturn  __attribute__((noreturn))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define noinline __attribute__((__noinline__))   /* __noinline__: "noinline" is this macro */
/* glibc's <sys/cdefs.h> has its own in a host build. */
#ifndef __always_inline
#define __always_inline inline __attribute__((__always_inline__))
#endif

/* Allocator entry points take their arguments in registers on i386, as
 * Linux's whole kernel does (-mregparm=3), and their fast paths give up
 * the frame pointer: at ~1 us an emulated instruction (docs/design.md
 * §2.5) the stack traffic is a third of an alloc+free pair.  No-ops on
 * the host. */
#if defined(__i386__)
#define __regparm3 __attribute__((regparm(3)))
#define __fastpath __attribute__((optimize("omit-frame-pointer")))
#else
#define __regparm3
#define __fastpath
#endif

#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#define barrier() __asm__ __volatile__("" ::: "memory")

#endif
