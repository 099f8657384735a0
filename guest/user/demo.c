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

	/* MiB that fit a 32-bit length; the touched part within the mapping. */
	if (!mib || mib >= 4096 || touch > mib) {
		puts_("demo: want 1 to 4095 MiB to map and at most that many to touch\n");
		return 1;
	}
	if ((ulong)sys_brk(heap + 2 * 4096) != heap + 2 * 4096) {
		puts_("demo: brk failed\n");
		return 1;
	}
	p = (void *)sys_mmap(0, mib << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
	if (is_err((long)p)) {
		put_num("demo: mmap failed, errno ", -(long)p, 10);
		return 1;
	}
	sys_yield();
	for (ulong m = 0; m < touch; m++) {
		for (ulong i = 0; i < (1ul << 20); i += 4096)
			p[(m << 20) + i] = 1;
		sys_yield();
	}
	return 0;
}

USER_ENTRY2(demo)
