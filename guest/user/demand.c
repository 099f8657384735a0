/*
 * run=demand's task: mmap arg bytes of anonymous memory, write one byte per
 * page in a known pattern, verify it, munmap.  It yields before the touch,
 * after the verify and after the munmap, so the kernel can sample its
 * faults and RSS at each step.  Exit 0, or the step that failed.
 */
#include "usys.h"

static unsigned char pattern(ulong page)
{
	return (unsigned char)(page * 131 + 7);
}

static long demand(ulong size)
{
	unsigned char *p = (unsigned char *)sys_mmap(0, size, PROT_READ | PROT_WRITE,
						     MAP_PRIVATE | MAP_ANONYMOUS);

	if (is_err((long)p)) {
		put_num("demand: mmap failed, errno ", -(long)p, 10);
		return 2;
	}
	sys_yield();
	for (ulong i = 0; i < size; i += 4096)
		p[i] = pattern(i >> 12);
	for (ulong i = 0; i < size; i += 4096)
		if (p[i] != pattern(i >> 12))
			return 3;
	sys_yield();
	if (sys_munmap(p, size))
		return 4;
	sys_yield();
	return 0;
}

USER_ENTRY(demand)
