/*
 * demo:vm's task: grow its heap by two pages it never touches, map arg MiB
 * of anonymous memory and touch its first arg2 MiB one MiB at a time, a
 * write a page, yielding after each MiB so the kernel can show the faults
 * and RSS growing; nothing is behind the heap or the rest of the mapping.
 */
#include "usys.h"

static long demo(ulong mib, ulong touch)
{
	ulong heap = (ulong)sys_brk(0);
	volatile unsigned char *p;

	if ((ulong)sys_brk(heap + 2 * 4096) != heap + 2 * 4096)
		return 1;
	p = (void *)sys_mmap(0, mib << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);

	if (is_err((long)p))
		return 1;
	sys_yield();
	for (ulong m = 0; m < touch; m++) {
		for (ulong i = 0; i < (1ul << 20); i += 4096)
			p[(m << 20) + i] = 1;
		sys_yield();
	}
	return 0;
}

USER_ENTRY2(demo)
