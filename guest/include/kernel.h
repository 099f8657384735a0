/*
 * Core kernel helpers: printk, panic, BUG_ON, WARN_ON, the mm debug checks
 * and int_sqrt.  Linux declared int_sqrt in kernel.h until linux/math.h
 * took it (a math.h in guest/include would hide the C library's from host
 * builds) and defines it in lib/math/int_sqrt.c; it is inline here so
 * that host builds of guest mm code, which link no guest/lib, have it too.
 *
 * In a host build of guest code (unit tests, benchmarks: __GUEST__ undefined)
 * the same names are provided by the host shims (guest/mm/host/mm_host.c),
 * so mm cores compile unchanged on both sides.
 */
#ifndef GUEST_KERNEL_H
#define GUEST_KERNEL_H

#include <stdarg.h>
#include "compiler.h"
#include "types.h"
#include "list.h"
#include "bitops.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN(x, a) (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define clamp(v, lo, hi) min(max(v, lo), hi)

/* floor(sqrt(x)): Steele's shift-and-subtract, from the top even bit. */
static inline unsigned long int_sqrt(unsigned long x)
{
	unsigned long b, m, y = 0;

	if (x <= 1)
		return x;
	m = 1ul << (__fls(x) & ~1ul);
	while (m) {
		b = y + m;
		y >>= 1;
		if (x >= b) {
			x -= b;
			y += m;
		}
		m >>= 2;
	}
	return y;
}

__printf(1, 2) int printk(const char *fmt, ...);
int vprintk(const char *fmt, va_list ap);
__printf(3, 4) int snprintf(char *buf, size_t size, const char *fmt, ...);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
__printf(1, 2) __noreturn void panic(const char *fmt, ...);

/* BUG() reports file/line and panics through the hypercall; never int3,
 * which stops kvm_pvm's vCPU at CPL0 (docs/design.md §2.4). */
__noreturn void __bug(const char *file, int line, const char *cond);
#define BUG() __bug(__FILE__, __LINE__, NULL)
#define BUG_ON(cond) do { if (unlikely(cond)) __bug(__FILE__, __LINE__, #cond); } while (0)

void __warn(const char *file, int line, const char *cond);
#define WARN_ON(cond) ({ int __c = !!(cond); if (unlikely(__c)) __warn(__FILE__, __LINE__, #cond); unlikely(__c); })
#define WARN_ON_ONCE(cond) ({ static bool __w; int __c = !!(cond); \
	if (unlikely(__c) && !__w) { __w = true; __warn(__FILE__, __LINE__, #cond); } unlikely(__c); })

/* MM_BUG_ON is the mm debug check: on by default, compiled out by
 * `make MM_DEBUG=0`, and type-checked either way.  It is Linux's VM_BUG_ON
 * (CONFIG_DEBUG_VM) under the project's name; MM_BUG_ON_PAGE (mm.h) is
 * VM_BUG_ON_PAGE.  Where Linux would use VM_WARN_ON, this code has no
 * debug-only warning: such a check is a WARN_ON, which stays in release
 * builds. */
#ifndef MM_DEBUG
#define MM_DEBUG 1
#endif
#define MM_BUG_ON(cond) do { if (MM_DEBUG) BUG_ON(cond); else (void)sizeof(cond); } while (0)

#endif
