/*
 * Hypercalls to the VMM (protocol in shared/abi.h): a struct hc_req in
 * guest memory, announced by writing its physical address to HC_PORT.
 *
 * Ordinary calls build the request on the caller's stack, which keeps
 * them reentrant (an interrupt handler may printk in the middle of a
 * printk); kernel stacks are in the direct map, so __pa() applies.  The
 * bench markers use static requests instead, for the shortest fixed path.
 */
#include "kernel.h"
#include "hypercall.h"
#include "printk.h"
#include "asm/io.h"
#include "asm/page.h"
#include "asm/processor.h"

/* The "+m" operand tells the compiler the VMM reads the whole request and
 * writes .ret during the OUT. */
static inline __attribute__((always_inline)) void hc_out(struct hc_req *req)
{
	__asm__ __volatile__("1: outl %1, %w2\n\t"
			     _ASM_PIO_SITE
			     : "+m"(*req)
			     : "a"((u32)__pa(req)), "Nd"((u16)HC_PORT)
			     : "memory");
}

void hypercall_at(u32 req_pa)
{
	__asm__ __volatile__("1: outl %0, %w1\n\t"
			     _ASM_PIO_SITE
			     : : "a"(req_pa), "Nd"((u16)HC_PORT) : "memory");
}

u32 hypercall_req(struct hc_req *req)
{
	hc_out(req);
	return req->ret;
}

u32 hypercall(u32 nr, u64 a0, u64 a1, u64 a2, u64 a3)
{
	struct hc_req req = { .nr = nr, .a = { a0, a1, a2, a3 } };

	hc_out(&req);
	return req.ret;
}

void exit(int code)
{
	u32 ret;

	console_flush();
	ret = hypercall(HC_EXIT, (u32)code, 0, 0, 0);
	panic("exit(%d) refused by the VMM (ret %u): status must be 0..63", code, ret);
}

u32 hypercall_panic(const char *msg, size_t len, const unsigned long *trace,
		    unsigned int nr)
{
	return hypercall(HC_PANIC, __pa(msg), len, nr ? __pa(trace) : 0, nr);
}

u32 checkpoint(u64 tag)
{
	return hypercall(HC_CHECKPOINT, tag, 0, 0, 0);
}

void console_write(const char *s, size_t len)
{
	while (len) {
		size_t n = min(len, (size_t)HC_CONSOLE_MAX);

		hypercall(HC_CONSOLE_WRITE, __pa(s), n, 0, 0);
		s += n;
		len -= n;
	}
}

/*
 * Bench markers.  No branches, so the instructions the VMM counts between
 * the two OUTs are the same on every run; the TSC is read as late as
 * possible before each OUT, and the same number of instructions before it
 * in both (the rdtsc's two stores, then hc_out): on TCG the TSC counts
 * instructions, and that symmetry makes end - begin exactly the count
 * KVM's single-step makes.  Keep the two alike.  regparm(3): arguments in %eax/%edx/%ecx save
 * the caller's pushes inside the bracket.  Only the low halves of the
 * 32-bit arguments are stored: the high halves are statically zero.
 */
static struct hc_req bench_begin_req = { .nr = HC_BENCH_BEGIN };
static struct hc_req bench_end_req = { .nr = HC_BENCH_END };

#define LO32(x) (*(u32 *)&(x))

__attribute__((regparm(3))) void __bench_begin(const char *tag, u32 len)
{
	LO32(bench_begin_req.a[0]) = __pa(tag);
	LO32(bench_begin_req.a[1]) = len;
	bench_begin_req.a[2] = rdtsc();
	hc_out(&bench_begin_req);
}

__attribute__((regparm(3))) void __bench_end(const char *tag, u32 len, u32 n_ops)
{
	LO32(bench_end_req.a[0]) = __pa(tag);
	LO32(bench_end_req.a[1]) = len;
	LO32(bench_end_req.a[3]) = n_ops;
	bench_end_req.a[2] = rdtsc();
	hc_out(&bench_end_req);
}
