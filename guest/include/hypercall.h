/*
 * Hypercalls to the VMM (shared/abi.h describes the protocol), implemented
 * in guest/kernel/hypercall.c.
 *
 * A call fills a struct hc_req and writes its physical address to HC_PORT;
 * the VMM has stored .ret when the OUT instruction completes.  Buffers
 * passed by address (console text, tags, backtraces) must be in the direct
 * map (kernel image, bss, lowmem), since their physical address is
 * __pa(virt).
 */
#ifndef GUEST_HYPERCALL_H
#define GUEST_HYPERCALL_H

#include "kernel.h"
#include "abi.h"

/* Issue a call with up to four arguments; returns hc_req.ret (HC_OK ...). */
u32 hypercall(u32 nr, u64 a0, u64 a1, u64 a2, u64 a3);

/* Issue a prepared request (for calls that need a4/a5); returns .ret. */
u32 hypercall_req(struct hc_req *req);
/* Announce a request block at any physical address, even one that is not
 * RAM: only run=hostile does, to see the VMM refuse it. */
void hypercall_at(u32 req_pa);

/* Terminate the VM with status code (0..63).  Flushes the console first.
 * If the VMM refuses (status out of range), panics. */
__noreturn void exit(int code);

/* Report the kernel panic msg and a backtrace (u32 return addresses, at
 * most HC_BACKTRACE_MAX) to the VMM.  Returns only if the VMM refused. */
u32 hypercall_panic(const char *msg, size_t len, const unsigned long *trace,
		    unsigned int nr);

/* Tell the VMM the kernel is quiescent (no mm lock held): it may run its
 * checkers on guest memory now.  tag identifies the point. */
u32 checkpoint(u64 tag);

/* Write len bytes to the VMM's console (stdout), in HC_CONSOLE_MAX chunks. */
void console_write(const char *s, size_t len);

/*
 * Instruction-count brackets.  With --count-insns the VMM single-steps
 * from the OUT in bench_begin to the OUT in bench_end and reports the
 * number of guest instructions per op (n_ops).  Both paths are short and
 * branch-free, so the bracket's own cost is a constant; bench:empty
 * measures it and guest/kernel/workloads_boot.c documents its value.
 *
 * Use string literals for tags (at most HC_TAG_MAX bytes): their length is
 * then a compile-time constant; any other string costs a strlen() inside
 * the bracket.  Brackets do not nest.
 */
__attribute__((regparm(3))) void __bench_begin(const char *tag, u32 len);
__attribute__((regparm(3))) void __bench_end(const char *tag, u32 len, u32 n_ops);

static inline __attribute__((always_inline)) void bench_begin(const char *tag)
{
	__bench_begin(tag, __builtin_strlen(tag));
}

static inline __attribute__((always_inline)) void bench_end(const char *tag, u32 n_ops)
{
	__bench_end(tag, __builtin_strlen(tag), n_ops);
}

#endif
