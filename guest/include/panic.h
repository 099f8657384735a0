/*
 * Panic with an explicit backtrace (guest/kernel/panic.c).  panic(),
 * BUG() and WARN() themselves are declared in kernel.h.
 */
#ifndef GUEST_PANIC_H
#define GUEST_PANIC_H

#include "kernel.h"

/* Like panic(), but reports trace[0..nr) (see asm/stacktrace.h) instead
 * of the caller's own stack: die() passes the trapped context's. */
__printf(3, 4) __noreturn void panic_with_trace(const unsigned long *trace, unsigned int nr,
						const char *fmt, ...);

#endif
