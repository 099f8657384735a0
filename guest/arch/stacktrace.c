/*
 * Frame-pointer stack unwinding (Linux: arch/x86/kernel/dumpstack.c with
 * CONFIG_FRAME_POINTER).  The guest is built with -fno-omit-frame-pointer,
 * so every C frame starts with push %ebp; mov %esp,%ebp: [ebp] holds the
 * caller's %ebp and [ebp+4] the return address.  head.S zeroes %ebp before
 * start_kernel, which ends the chain.
 *
 * The unwinder runs on crash paths, so it must never fault: it reads a
 * frame only if it lies wholly inside a known kernel stack, and follows
 * the chain only upwards.
 */
#include "kernel.h"
#include "printk.h"
#include "asm/desc.h"
#include "asm/page.h"
#include "asm/processor.h"
#include "asm/sections.h"
#include "asm/stacktrace.h"

bool kernel_text_address(unsigned long addr)
{
	return addr >= (unsigned long)_text && addr < (unsigned long)_etext;
}

static bool in_stack(unsigned long addr, unsigned long base)
{
	return addr - base < THREAD_SIZE;
}

/*
 * The kernel stack containing addr, if it is one we know to be mapped:
 * the stack we are running on (kernel stacks are THREAD_SIZE-aligned, so
 * rounding %esp down finds its base), the boot stack or the #DF stack.
 */
static bool kernel_stack_of(unsigned long addr, unsigned long *base)
{
	unsigned long cur = current_stack_pointer & ~(THREAD_SIZE - 1);

	if (in_stack(addr, cur))
		*base = cur;
	else if (in_stack(addr, (unsigned long)init_stack))
		*base = (unsigned long)init_stack;
	else if (in_stack(addr, (unsigned long)doublefault_stack))
		*base = (unsigned long)doublefault_stack;
	else
		return false;
	return true;
}

unsigned int stack_trace_save_bp(unsigned long ip, unsigned long bp,
				 unsigned long *store, unsigned int size)
{
	unsigned int nr = 0;
	unsigned long base;

	if (ip && nr < size)
		store[nr++] = ip;
	if (!kernel_stack_of(bp, &base))
		return nr;

	while (nr < size) {
		const unsigned long *frame = (const unsigned long *)bp;
		unsigned long next, ret;

		/* The whole 8-byte frame record must be inside the stack. */
		if ((bp & 3) || bp - base > THREAD_SIZE - 8)
			break;
		next = frame[0];
		ret = frame[1];
		if (!kernel_text_address(ret))
			break;
		store[nr++] = ret;
		/* Callers' frames are higher up; anything else is garbage
		 * (or the terminating 0) and would risk a loop. */
		if (next <= bp)
			break;
		bp = next;
	}
	return nr;
}

__attribute__((noinline))
unsigned int stack_trace_save(unsigned long *store, unsigned int size)
{
	/* Our own frame's return address is the caller's call site. */
	return stack_trace_save_bp(0, (unsigned long)__builtin_frame_address(0),
				   store, size);
}

unsigned int stack_trace_save_regs(const struct pt_regs *regs,
				   unsigned long *store, unsigned int size)
{
	if (user_mode(regs))
		return stack_trace_save_bp(regs->ip, 0, store, size);
	return stack_trace_save_bp(regs->ip, regs->bp, store, size);
}

void stack_trace_print(const unsigned long *entries, unsigned int nr)
{
	/* One printk, hence one console exit, for the whole trace. */
	char buf[16 + HC_BACKTRACE_MAX * 14];
	size_t len;
	unsigned int i;

	len = snprintf(buf, sizeof(buf), "Call Trace:\n");
	for (i = 0; i < nr && len < sizeof(buf); i++)
		len += snprintf(buf + len, sizeof(buf) - len, " [<%08lx>]\n", entries[i]);
	printk("%s", buf);
}

void dump_stack(void)
{
	unsigned long trace[HC_BACKTRACE_MAX];
	unsigned int nr = stack_trace_save(trace, ARRAY_SIZE(trace));

	stack_trace_print(trace, nr);
}
