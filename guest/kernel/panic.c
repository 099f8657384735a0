/*
 * panic(), BUG() and WARN() (Linux: kernel/panic.c, lib/bug.c).
 *
 * A panic prints "Kernel panic - not syncing: <msg>" and a backtrace, then
 * hands both to the VMM with HC_PANIC, which ends the VM (exit status 80)
 * and symbolises the addresses on the host.  The kernel never continues
 * after a panic: if the hypercall comes back, it halts with interrupts off.
 */
#include "kernel.h"
#include "hypercall.h"
#include "panic.h"
#include "printk.h"
#include "string.h"
#include "asm/irqflags.h"
#include "asm/processor.h"
#include "asm/stacktrace.h"

/* Static, not on the stack: the VMM reads them by physical address, and
 * only the direct map has one. */
static char panic_msg[256];
static unsigned long panic_trace[HC_BACKTRACE_MAX];

static __noreturn void vpanic(const unsigned long *trace, unsigned int nr,
			      const char *fmt, va_list ap)
{
	static bool in_panic;
	int len;

	local_irq_disable();
	if (in_panic) {
		/* Panicking while panicking: printk or the unwinder broke.
		 * Report the first message, bare. */
		hypercall_panic(panic_msg, strlen(panic_msg), NULL, 0);
		halt_forever();
	}
	in_panic = true;

	len = vsnprintf(panic_msg, sizeof(panic_msg), fmt, ap);
	if (len >= (int)sizeof(panic_msg))
		len = sizeof(panic_msg) - 1;
	if (nr > ARRAY_SIZE(panic_trace))
		nr = ARRAY_SIZE(panic_trace);
	if (nr)
		memcpy(panic_trace, trace, nr * sizeof(*trace));

	printk(KERN_EMERG "Kernel panic - not syncing: %s\n", panic_msg);
	stack_trace_print(panic_trace, nr);
	console_flush();

	hypercall_panic(panic_msg, len, panic_trace, nr);
	halt_forever();
}

void panic_with_trace(const unsigned long *trace, unsigned int nr, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vpanic(trace, nr, fmt, ap);
}

void panic(const char *fmt, ...)
{
	unsigned long trace[HC_BACKTRACE_MAX];
	unsigned int nr = stack_trace_save(trace, ARRAY_SIZE(trace));
	va_list ap;

	va_start(ap, fmt);
	vpanic(trace, nr, fmt, ap);
}

void __bug(const char *file, int line, const char *cond)
{
	unsigned long trace[HC_BACKTRACE_MAX];
	unsigned int nr = stack_trace_save(trace, ARRAY_SIZE(trace));

	printk(KERN_EMERG "kernel BUG at %s:%d!\n", file, line);
	if (cond) {
		printk(KERN_EMERG "BUG_ON(%s)\n", cond);
		panic_with_trace(trace, nr, "kernel BUG at %s:%d: %s", file, line, cond);
	}
	panic_with_trace(trace, nr, "kernel BUG at %s:%d!", file, line);
}

void __warn(const char *file, int line, const char *cond)
{
	printk(KERN_WARNING "WARNING: at %s:%d%s%s\n", file, line,
	       cond ? " " : "", cond ? cond : "");
	dump_stack();
}
