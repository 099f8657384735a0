/*
 * Diagnostics shared by every part of the VMM, each one line "vmm: ..." on
 * stderr after stdout is flushed: die() for what cannot be recovered (with
 * the exit status the caller chose), pr_err() for an error the caller turns
 * into an exit status, warn() for what can be recovered, pr_info() for the
 * rest; and a monotonic clock for --stats and the bench instrument.
 */
#ifndef VMM_UTIL_H
#define VMM_UTIL_H

#include <stdarg.h>

#define VMM_PRINTF(a, b) __attribute__((format(printf, a, b)))

VMM_PRINTF(2, 3) __attribute__((noreturn)) void die(int status, const char *fmt, ...);
VMM_PRINTF(2, 3) __attribute__((noreturn)) void die_errno(int status, const char *fmt, ...);
/* An error the caller turns into an exit status: printed without "warning:".
 * kvmtool's name; error() would shadow glibc's error(3). */
VMM_PRINTF(1, 2) void pr_err(const char *fmt, ...);
VMM_PRINTF(1, 2) void pr_err_errno(const char *fmt, ...);
VMM_PRINTF(1, 0) void vpr_err(const char *fmt, va_list ap);
/* What the user should know that is neither an error nor a warning. */
VMM_PRINTF(1, 2) void pr_info(const char *fmt, ...);
VMM_PRINTF(1, 2) void warn(const char *fmt, ...);
VMM_PRINTF(1, 2) void warn_errno(const char *fmt, ...);

/* Seconds on CLOCK_MONOTONIC. */
double now_mono(void);

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
