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

/* A write where nothing is mapped: the report must not blame the next
 * VMA up. */
static long hole_write(void)
{
	puts_("vmtest: writing into a hole\n");
	*(volatile unsigned char *)VMTEST_HOLE_ADDR = 1;
	return 2;   /* not reached */
}

/* int $0x40 hits a DPL0 gate: a general protection fault, never taken for
 * int $0x80 refused under int80=ud.  Its address is printed so that the
 * report can be matched exactly. */
void int40_insn(void);
__asm__(".text\n.globl int40_insn\nint40_insn:\n\tint $0x40\n\tret\n");

static long int40(void)
{
	put_num("vmtest: int $0x40 at ", (ulong)int40_insn, 16);
	int40_insn();
	return 2;   /* not reached */
}

/* write(2)'s count as Linux takes it: access_ok first, then a count that
 * is negative as a ssize_t is -EINVAL, then the cap at MAX_RW_COUNT (the
 * capped count still runs off the image here: -EFAULT). */
static long write_cap(void)
{
	static const char one[] = "x";

	if (sys_write(1, one, 0x80000000ul) != -22)
		return 1;
	if (sys_write(1, one, 0xb0000000ul) != -22)
		return 2;
	if (sys_write(1, one, 0x7ffff001ul) != -14)
		return 3;
	if (sys_write(1, one, 0xfffffffful) != -14)   /* past TASK_SIZE */
		return 4;
	return 0;
}

/* A 2 MiB mapping across the 1 GiB boundary, whose halves live in two PDs:
 * mprotect across it, to PROT_NONE and back, then each half unmapped
 * alone.  The kernel counts page tables, RSS and free pages at each yield. */
static long pgtable_span(void)
{
	volatile unsigned char *p = (void *)VMTEST_SPAN_ADDR;
	ulong half = VMTEST_SPAN_SIZE / 2;
	void *mid = (void *)(VMTEST_SPAN_ADDR + half - 16 * 4096);

	sys_yield();          /* 1: kernel: the counts before */
	if (sys_mmap((void *)p, VMTEST_SPAN_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED) != (long)p)
		return 1;
	for (ulong i = 0; i < VMTEST_SPAN_SIZE; i += 4096)
		p[i] = (unsigned char)(i >> 12);
	sys_yield();          /* 2: 512 pages, a PT below the boundary, a PD and PT above */
	if (sys_mprotect(mid, 32 * 4096, PROT_READ))
		return 2;
	sys_yield();          /* 3: three VMAs, read-only on both sides of the boundary */
	if (sys_mprotect(mid, 32 * 4096, PROT_NONE))
		return 3;
	sys_yield();          /* 4: PROT_NONE PTEs, the pages kept */
	if (sys_mprotect(mid, 32 * 4096, PROT_READ | PROT_WRITE))
		return 4;
	sys_yield();          /* 5: one VMA, writable again */
	for (ulong i = 0; i < VMTEST_SPAN_SIZE; i += 4096)
		if (p[i] != (unsigned char)(i >> 12))
			return 5;
	*(volatile ulong *)(p + half - 2) = 0x12345678;   /* a word across the boundary */
	if (*(volatile ulong *)(p + half - 2) != 0x12345678 || p[half - 1] != 0x56 || p[half] != 0x34)
		return 6;
	if (sys_munmap((void *)p, half))
		return 7;
	sys_yield();          /* 6: the upper half; the lower half's PT freed */
	if (sys_munmap((void *)(p + half), half))
		return 8;
	sys_yield();          /* 7: both gone, and the PD and PT above the boundary */
	return 0;
}

/* brk grown by 3 MiB and written, cut back to an unaligned break, grown
 * again: the regrown pages are new, and read as zeros. */
static long brk_regrow(void)
{
	ulong b0 = (ulong)sys_brk(0);
	volatile unsigned char *h = (volatile unsigned char *)b0;
	ulong kept = (VMTEST_BRK_CUT + 4095) & ~4095ul;

	sys_yield();          /* 1: kernel: the counts before */
	if ((ulong)sys_brk(b0 + VMTEST_BRK_BIG) != b0 + VMTEST_BRK_BIG)
		return 1;
	for (ulong i = 0; i < VMTEST_BRK_BIG; i += 4096)
		h[i] = h[i + 4095] = 0xa5;
	sys_yield();          /* 2: 768 pages of heap */
	if ((ulong)sys_brk(b0 + VMTEST_BRK_CUT) != b0 + VMTEST_BRK_CUT)
		return 2;
	sys_yield();          /* 3: 257 pages */
	if ((ulong)sys_brk(b0 + VMTEST_BRK_BIG) != b0 + VMTEST_BRK_BIG)
		return 3;
	if (h[0] != 0xa5 || h[kept - 4096] != 0xa5)
		return 4;
	for (ulong i = kept; i < VMTEST_BRK_BIG; i += 4096)
		if (h[i] || h[i + 4095])
			return 5;
	sys_yield();          /* 4: the regrown pages read through the zero page */
	return 0;
}

/* A MAP_GROWSDOWN mapping grows down to a write below it; an mmap hint
 * inside the guard gap below it is not taken, one just below the gap is. */
static long growsdown_gap(void)
{
	ulong top = VMTEST_ADDR, start = top - (VMTEST_GROW_PAGES + 1) * 4096;
	ulong gap = STACK_GUARD_GAP, hint = start - 100 * 4096, below = start - gap - 4096;
	long r = sys_mmap((void *)(top - 4096), 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_GROWSDOWN);

	if ((ulong)r != top - 4096)
		return 1;
	*(volatile unsigned char *)start = 1;
	sys_yield();          /* 1: the VMA starts VMTEST_GROW_PAGES lower */
	r = sys_mmap((void *)hint, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
	if (is_err(r) || (ulong)r == hint || ((ulong)r + 4096 > start - gap && (ulong)r < top))
		return 2;
	if (sys_mmap((void *)below, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS) !=
	    (long)below)
		return 3;
	sys_yield();          /* 2: nothing in the gap; a VMA right below it */
	return 0;
}

/* int $0x80 with CD at the last byte of a page and 80 at the first of the
 * next: the gate takes it whole, and the #UD path reads both pages. */
static long int80_straddle(void)
{
	unsigned char *p = (void *)sys_mmap((void *)VMTEST_ADDR, 2 * 4096,
					    PROT_READ | PROT_WRITE | PROT_EXEC,
					    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
	unsigned char *insn = p + 4096 - 1;
	long pid;

	if ((ulong)p != VMTEST_ADDR)
		return 1;
	insn[0] = 0xcd;       /* int $0x80 */
	insn[1] = 0x80;
	insn[2] = 0xc3;       /* ret */
	__asm__ __volatile__("call *%1" : "=a"(pid) : "r"(insn), "0"(__NR_getpid) : "memory");
	return pid == sys_getpid() ? 0 : 2;
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
	case VMTEST_HOLE_WRITE:     return hole_write();
	case VMTEST_INT40:          return int40();
	case VMTEST_WRITE_CAP:      return write_cap();
	case VMTEST_PGTABLE_SPAN:   return pgtable_span();
	case VMTEST_BRK_REGROW:     return brk_regrow();
	case VMTEST_GROWSDOWN_GAP:  return growsdown_gap();
	case VMTEST_INT80_STRADDLE: return int80_straddle();
	}
	put_num("vmtest: no such test (1-18, guest/include/vmtest.h): ", arg & 0xff, 10);
	return 100;
}

USER_ENTRY(vmtest)
