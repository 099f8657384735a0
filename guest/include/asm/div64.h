/*
 * 64-by-32 division for i386 (Linux: asm/div64.h, linux/math64.h).
 *
 * gcc lowers a plain u64 '/' or '%' to calls into libgcc (__udivdi3,
 * __umoddi3), which the guest does not link (-nostdlib): such code fails to
 * link.  Use these instead; they are built on the 64/32 `divl`.
 */
#ifndef GUEST_ASM_DIV64_H
#define GUEST_ASM_DIV64_H

#include "types.h"

/* *n /= base; returns the remainder (guest/lib/div64.c). */
u32 __div64_32(u64 *n, u32 base);

/* do_div(n, base): n is a u64 lvalue, replaced by the quotient; evaluates
 * to the remainder, as in Linux. */
#define do_div(n, base) ({						\
	_Static_assert(sizeof(n) == 8, "do_div needs a 64-bit lvalue");	\
	__div64_32(&(n), (base));					\
})

static inline u64 div_u64_rem(u64 dividend, u32 divisor, u32 *remainder)
{
	*remainder = __div64_32(&dividend, divisor);
	return dividend;
}

static inline u64 div_u64(u64 dividend, u32 divisor)
{
	u32 rem;

	return div_u64_rem(dividend, divisor, &rem);
}

/* Full 64/64 division (guest/lib/div64.c). */

#endif
