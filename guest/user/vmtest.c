/*
 * selftest:vm's task: the user half of each check, chosen by arg
 * (VMTEST_* in guest/include/vmtest.h).  It yields where the kernel half
 * looks at its address space, and exits 0 when everything it saw was right,
 * else the number of the check that failed; the tests meant to die are
 * killed by the kernel before they exit.
 */
#include "usys.h"
#include "vmtest.h"

static volatile unsigned char sink;

/* Write below the stack pointer by `depth` bytes, a page at a time. */
static __attribute__((noinline)) long grow_stack(ulong depth)
{
	volatile unsigned char *sp = (volatile unsigned char *)&depth;

	for (ulong off = 4096; off <= depth; off += 4096)
		sp[-(long)off] = 1;
	return sp[-(long)depth] == 1 ? 0 : 1;
}

static long ro_write(void)
{
	volatile unsigned char *p = (void *)sys_mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS);

	if (is_err((long)p))
		return 1;
	sink = p[0];
	puts_("vmtest: writing to a read-only page\n");
	p[0] = 1;
	return 2;   /* not reached: the write kills the task */
}

static long zero_read(void)
{
	volatile unsigned char *p = (void *)sys_mmap((void *)VMTEST_ADDR, 16 * 4096,
						     PROT_READ | PROT_WRITE,
						     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
	ulong sum = 0;

	if ((ulong)p != VMTEST_ADDR)
		return 1;
	for (int i = 0; i < 16; i++)
		sum += p[i * 4096];
	sys_yield();          /* kernel: 16 zero-page PTEs, no RSS */
	p[5 * 4096] = 42;
	sys_yield();          /* kernel: page 5 has its own page, RSS 1 */
	return sum || p[5 * 4096] != 42 || p[6 * 4096] ? 2 : 0;
}

static long brk_test(void)
{
	ulong b0 = (ulong)sys_brk(0), b1 = b0 + 3 * 4096 + 5;
	volatile unsigned char *h = (volatile unsigned char *)b0;

	if ((ulong)sys_brk(b1) != b1)
		return 1;
	h[0] = 1;
	h[3 * 4096 + 4] = 2;
	sys_yield();          /* kernel: heap VMA [PAGE_ALIGN(b0), PAGE_ALIGN(b1)) */
	if ((ulong)sys_brk(b0) != b0)
		return 2;
	if ((ulong)sys_brk(b0 - 4096 * 1024) != b0)   /* below the start: unchanged */
		return 3;
	return 0;
}

static long efault(void)
{
	if (sys_mmap((void *)VMTEST_ADDR, 4096, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED) != (long)VMTEST_ADDR)
		return 5;
	if (sys_write(1, (void *)0x1000, 10) != -14)
		return 1;
	if (sys_write(1, (void *)0xc0100000, 10) != -14)
		return 2;
	if (sys_write(1, (void *)(VMTEST_ADDR + 4096 - 4), 10) != -14)   /* runs off a mapping */
		return 3;
	if (sys_write(1, "vmtest: efault ok\n", 18) != 18)
		return 4;
	return 0;
}

static long same_va(ulong pid)
{
	volatile ulong *p = (void *)sys_mmap((void *)VMTEST_ADDR, 4096, PROT_READ | PROT_WRITE,
					     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);

	if ((ulong)p != VMTEST_ADDR)
		return 1;
	p[0] = pid * 0x01010101ul;
	for (int i = 0; i < 4; i++) {
		sys_yield();
		if (p[0] != pid * 0x01010101ul)
			return 2;
	}
	return 0;
}

static long mprotect_split(void)
{
	volatile unsigned char *p = (void *)sys_mmap((void *)VMTEST_ADDR, 8 * 4096,
						     PROT_READ | PROT_WRITE,
						     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);

	for (int i = 0; i < 8; i++)
		p[i * 4096] = (unsigned char)i;
	if (sys_mprotect((void *)(VMTEST_ADDR + 2 * 4096), 2 * 4096, PROT_READ))
		return 1;
	sys_yield();          /* kernel: three VMAs, pages 2-3 read-only */
	if (sys_mprotect((void *)(VMTEST_ADDR + 2 * 4096), 2 * 4096, PROT_READ | PROT_WRITE))
		return 2;
	sys_yield();          /* kernel: one VMA again, all writable */
	if (sys_munmap((void *)(VMTEST_ADDR + 3 * 4096), 4096))
		return 3;
	sys_yield();          /* kernel: two VMAs, seven pages */
	return p[2 * 4096] == 2 && p[7 * 4096] == 7 ? 0 : 4;
}

/* Touch arg MiB page by page, yielding every 64 pages; then stay on the
 * round for 4096 more yields, so a small hog is still alive when a big
 * one runs the machine out of memory. */
static long hog(ulong mib)
{
	ulong size = mib << 20;
	volatile unsigned char *p = (void *)sys_mmap(0, size, PROT_READ | PROT_WRITE,
						     MAP_PRIVATE | MAP_ANONYMOUS);

	if (is_err((long)p))
		return 1;
	for (ulong i = 0; i < size; i += 4096) {
		p[i] = 1;
		if (!(i & (64 * 4096 - 1)))
			sys_yield();
	}
	for (int i = 0; i < 4096; i++)
		sys_yield();
	return 0;
}

/* Write-only and PROT_NONE mappings: x86 reads a write-only page (the zero
 * page first), and the kernel reads it for write(); a PROT_NONE one it may
 * not touch. */
static long prot_modes(void)
{
	static const char line[] = "vmtest: write-only buffer ok\n";
	volatile char *w = (void *)sys_mmap(0, 2 * 4096, PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
	volatile char *rw = (void *)sys_mmap(0, 4096, PROT_READ | PROT_WRITE,
					     MAP_PRIVATE | MAP_ANONYMOUS);
	void *none = (void *)sys_mmap(0, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS);

	if (is_err((long)w) || is_err((long)rw) || is_err((long)none))
		return 1;
	if (w[4096] != 0)                      /* a read of write-only memory: the zero page */
		return 2;
	for (ulong i = 0; i < sizeof(line) - 1; i++)
		w[i] = line[i];
	if (sys_write(1, (const void *)w, sizeof(line) - 1) != (long)sizeof(line) - 1)
		return 3;
	sink = rw[0];                          /* the zero page, then write-only */
	if (sys_mprotect((void *)rw, 4096, PROT_WRITE) || rw[0] != 0)
		return 4;
	rw[0] = 9;
	if (rw[0] != 9)
		return 5;
	if (sys_write(1, none, 1) != -14)
		return 6;
	return 0;
}

/* copy_to_user (uname) into a page still mapped to the zero page gets a
 * page of its own, never the shared zero page; into a read-only page or
 * no page at all, -EFAULT. */
static long copy_to_user_modes(void)
{
	volatile char *p = (void *)sys_mmap(0, 4096, PROT_READ | PROT_WRITE,
					    MAP_PRIVATE | MAP_ANONYMOUS);
	volatile char *ro = (void *)sys_mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS);
	volatile char *fresh;

	if (is_err((long)p) || is_err((long)ro))
		return 1;
	sink = p[0];                           /* the zero page */
	if (sys_uname((void *)p) || p[0] != 'm' || p[1] != 'm')
		return 2;
	fresh = (void *)sys_mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS);
	if (is_err((long)fresh) || fresh[0] != 0)   /* the zero page is still zero */
		return 3;
	sink = ro[0];
	if (sys_uname((void *)ro) != -14 || ro[0] != 0)
		return 4;
	if (sys_uname((void *)0x1000) != -14)
		return 5;
	return 0;
}

static long vmtest(ulong arg)
{
	switch (arg & 0xff) {
	case VMTEST_RO_WRITE:       return ro_write();
	case VMTEST_ZERO_READ:      return zero_read();
	case VMTEST_STACK:          return grow_stack(64 * 1024);
	case VMTEST_STACK_LIMIT:    return grow_stack(9ul << 20);
	case VMTEST_BRK:            return brk_test();
	case VMTEST_EFAULT:         return efault();
	case VMTEST_SAME_VA:        return same_va((ulong)sys_getpid());
	case VMTEST_MPROTECT_SPLIT: return mprotect_split();
	case VMTEST_HOG:            return hog(arg >> 8);
	case VMTEST_PROT:           return prot_modes();
	case VMTEST_COPY_TO_USER:   return copy_to_user_modes();
	}
	return 100;
}

USER_ENTRY(vmtest)
