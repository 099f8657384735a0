/*
 * bench:vm's task: map arg bytes, then write (arg2 = 0) or read (arg2 = 1)
 * one byte of every page, yielding before and after the touches so the
 * kernel can bracket them for --count-insns.
 */
#include "usys.h"

static volatile unsigned char sink;

static long faultbench(ulong size, ulong read)
{
	volatile unsigned char *p = (void *)sys_mmap(0, size, PROT_READ | PROT_WRITE,
						     MAP_PRIVATE | MAP_ANONYMOUS);

	if (is_err((long)p)) {
		put_num("faultbench: mmap failed, errno ", -(long)p, 10);
		return 1;
	}
	sys_yield();
	if (read)
		for (ulong i = 0; i < size; i += 4096)
			sink = p[i];
	else
		for (ulong i = 0; i < size; i += 4096)
			p[i] = 1;
	sys_yield();
	return 0;
}

USER_ENTRY2(faultbench)
