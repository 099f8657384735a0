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

noinline
unsigned int stack_trace_save(unsigned long *store, unsigned int size)
{
	/* Our own frame's return address is the caller's call site. */
	return stack_trace_save_bp(0, (unsigned long)__builtin_frame_address(0),
				   store, size);
}

/*
 * Does addr follow a call instruction in kernel text?  Checks the encodings
 * gcc emits: call rel32 (e8), and call *reg / *disp8(reg) / *disp32(reg)
 * (ff /2 with mod 3, 1, 2; without SIB).  Text is always mapped, so the
 * byte reads are safe.
 */
static bool after_call(unsigned long addr)
{
	const u8 *p = (const u8 *)addr;

	if (!kernel_text_address(addr) || addr < (unsigned long)_text + 7)
		return false;
	return p[-5] == 0xe8 ||
	       (p[-2] == 0xff && (p[-1] & 0xf8) == 0xd0) ||
	       (p[-3] == 0xff && (p[-2] & 0xf8) == 0x50 && (p[-2] & 7) != 4) ||
	       (p[-6] == 0xff && (p[-5] & 0xf8) == 0x90 && (p[-5] & 7) != 4);
}

unsigned int stack_trace_save_regs(const struct pt_regs *regs,
				   unsigned long *store, unsigned int size)
{
	unsigned long base, top;
	unsigned int nr;

	if (user_mode(regs))
		return stack_trace_save_bp(regs->ip, 0, store, size);

	/*
	 * gcc sets up no frame in leaf functions that need no stack, even
	 * with -fno-omit-frame-pointer.  If the trap hit one, %ebp is still
	 * the caller's frame and the return address into the caller sits
	 * at the top of the stack: take it when it looks like one, or the
	 * caller would be missing from the trace.
	 */
	nr = stack_trace_save_bp(regs->ip, 0, store, size);
	if (nr < size && kernel_stack_of(regs->sp, &base) &&
	    regs->sp - base <= THREAD_SIZE - 4) {
		top = *(const unsigned long *)regs->sp;
		if (after_call(top) && regs->sp < regs->bp)
			store[nr++] = top;
	}
	return nr + stack_trace_save_bp(0, regs->bp, store + nr, size - nr);
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
