/*
 * 64-bit division without libgcc (Linux: arch/x86/include/asm/div64.h's
 * do_div).
 *
 * i386 `divl` divides the 64-bit %edx:%eax by a 32-bit value, but faults
 * if the quotient does not fit 32 bits.  Dividing the high word first
 * leaves a remainder smaller than the divisor, so the second divl, on
 * (remainder:low), cannot overflow.
 */
#include "asm/div64.h"

u32 __div64_32(u64 *n, u32 base)
{
	u32 high = *n >> 32, low = (u32)*n, upper = high, rem;

	if (high) {
		upper = high % base;
		high = high / base;
	}
	__asm__("divl %2" : "=a"(low), "=d"(rem) : "rm"(base), "0"(low), "1"(upper));
	*n = ((u64)high << 32) | low;
	return rem;
}
