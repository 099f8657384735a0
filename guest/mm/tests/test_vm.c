/*
 * Address-space workloads: demand (one task demand-pages a mapping, its
 * faults and RSS sampled at each step), selftest:vm (VMA splits and merges,
 * the zero page, stack growth, brk, -EFAULT, kills, teardown, two address
 * spaces at one VA, the OOM killer, page tables across the 1 GiB boundary,
 * brk cut and regrown, the guard gap, int $0x80 across a page boundary)
 * and crash:kernel-fault.  The user half
 * of each is guest/user/demand.c or guest/user/vmtest.c; the kernel half
 * watches the task's address space between its yields.
 */
#include "kernel.h"
#include "cmdline.h"
#include "errno-base.h"
#include "hypercall.h"
#include "mm.h"
#include "mm_struct.h"
#include "mman.h"
#include "procfs.h"
#include "sched.h"
#include "gfp.h"
#include "slab.h"
#include "string.h"
#include "uaccess.h"
#include "vmstat.h"
#include "vmtest.h"
#include "workload.h"
#include "asm/pgtable.h"
#include "asm/processor.h"
#include "asm/traps.h"
#include "mm_snapshot.h"

#define CHECK(cond, ...) SELFTEST_CHECK("selftest:vm", cond, __VA_ARGS__)

/* Present PTEs in [start, end) of mm: pages of their own, and zero-page ones. */
static void count_ptes(struct mm_struct *mm, unsigned long start, unsigned long end,
		       unsigned long *anon, unsigned long *zero)
{
	*anon = *zero = 0;
	for (unsigned long a = start; a < end; a += PAGE_SIZE) {
		pte_t *ptep = lookup_pte(mm, a);

		if (!ptep || pte_none(*ptep))
			continue;
		if (pte_pfn(*ptep) == zero_pfn())
			(*zero)++;
		else
			(*anon)++;
	}
}

static struct task_struct *spawn2(const char *name, unsigned long arg, unsigned long arg2)
{
	int err;
	struct task_struct *t = spawn_program(name, arg, arg2, &err);

	if (!t)
		printk("spawn %s: error %d\n", name, err);
	return t;
}

static struct task_struct *spawn(const char *name, unsigned long arg)
{
	return spawn2(name, arg, 0);
}

/* ---- run=demand ------------------------------------------------------------ */

struct demand_watch {
	struct task_struct *t;
	unsigned long size, addr;
	unsigned int step;              /* yields seen */
	unsigned long faults0, faults, rss[3];
};

/* Called each time init_task runs, i.e. after each of the task's yields. */
static void demand_watch(void *arg)
{
	struct demand_watch *w = arg;
	struct task_struct *t = w->t;
	unsigned long zero;

	if (t->state != TASK_RUNNING || t->yields == w->step || w->step == 3)
		return;
	w->step = t->yields;
	if (w->step == 1) {
		struct vm_area_struct *vma = find_vma(t->mm, t->mm->mmap_base);

		w->addr = vma ? vma->vm_start : 0;
		w->faults0 = t->faults;
	} else if (w->step == 2) {
		w->faults = t->faults - w->faults0;
	}
	count_ptes(t->mm, w->addr, w->addr + w->size, &w->rss[w->step - 1], &zero);
	checkpoint(w->step);   /* the host checks the task's address space at each step */
}

static int wl_demand(const char *arg)
{
	struct demand_watch w = { .size = PAGE_ALIGN(cmdline_get_size("size", 8ul << 20)) };
	struct mm_snapshot before;
	int code;

	(void)arg;
	if (!w.size || w.size > TASK_SIZE - TASK_UNMAPPED_BASE) {
		printk("demand: size=%lu: want 1 byte to %lu MiB, what a task can map above "
		       "%#lx\n", w.size, (TASK_SIZE - TASK_UNMAPPED_BASE) >> 20, TASK_UNMAPPED_BASE);
		return 1;
	}
	proc_caches_init();
	mm_snapshot_take(&before, true);
	w.t = spawn("demand", w.size);
	if (!w.t)
		return 1;
	code = wait_task(w.t, demand_watch, &w);
	bool restored = !mm_snapshot_compare(&before, "demand", "end");
	printk("demand: pages=%lu faults=%lu rss_before=%lu rss_after_touch=%lu rss_after_munmap=%lu "
	       "buddy_restored=%s\n", w.size >> PAGE_SHIFT, w.faults, w.rss[0], w.rss[1], w.rss[2],
	       restored ? "yes" : "no");
	if (code > 128)
		printk("demand: the task was killed by signal %d before it finished: the counts "
		       "above are from its last yield\n", code - 128);
	else if (code)
		printk("demand: the task exited with %d\n", code);
	return code || !restored || w.step != 3 || w.faults != w.size >> PAGE_SHIFT;
}
DEFINE_WORKLOAD("demand", wl_demand,
		"one task mmaps size= (default 8M), writes a byte a page, verifies, munmaps; one summary line");

/* ---- crash:kernel-fault ------------------------------------------------------ */

static int wl_crash_kernel_fault(const char *arg)
{
	(void)arg;
	printk("crash:kernel-fault: reading address 0 in kernel mode\n");
	return *(volatile int *)0;
}
DEFINE_WORKLOAD("crash:kernel-fault", wl_crash_kernel_fault,
		"a kernel-mode read of address 0: page-fault oops, panic");

/* What a loader that left CR0.WP clear would meet at boot. */
static int wl_crash_no_wp(const char *arg)
{
	(void)arg;
	printk("crash:no-wp: clearing CR0.WP\n");
	write_cr0(read_cr0() & ~X86_CR0_WP);
	check_cr0_wp();
	return 0;
}
DEFINE_WORKLOAD("crash:no-wp", wl_crash_no_wp,
		"CR0.WP cleared, then the boot check of it: BUG, panic");

/* ---- selftest:vm ----------------------------------------------------------- */

/* Spawn name(arg), run the round until it is gone, return its exit code
 * (-1 if it could not start). */
static int run_one(const char *name, unsigned long arg, void (*watch)(void *), void *warg)
{
	struct task_struct *t = spawn(name, arg);

	return t ? wait_task(t, watch, warg) : -1;
}

static unsigned int nr_vmas(struct mm_struct *mm)
{
	struct vm_area_struct *vma;
	unsigned int n = 0;

	for_each_vma(mm, vma)
		n++;
	return n;
}

static bool pte_writable(struct mm_struct *mm, unsigned long addr)
{
	pte_t *ptep = lookup_pte(mm, addr);

	return ptep && (pte_val(*ptep) & _PAGE_RW);
}

/* The kernel half, on an mm of its own: splits and merges, PTEs downgraded
 * and upgraded, RSS down by what munmap took. */
static int vma_split_merge_kernel(void)
{
	struct mm_struct *mm = mm_alloc();
	unsigned long a = VMTEST_ADDR, v = 0x5a5a5a5a;

	CHECK(mm, "mm_alloc failed");
	CHECK(do_mmap(mm, a, 8 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED) == a, "mmap");
	for (unsigned long i = 0; i < 8; i++)
		CHECK(access_remote_vm(mm, a + i * PAGE_SIZE, &v, 4, true) == 4, "write page %lu", i);
	CHECK(get_mm_rss(mm) == 8 && mm->total_vm == 8, "rss %lu total_vm %lu", get_mm_rss(mm),
	      mm->total_vm);
	CHECK(do_mprotect(mm, a + 2 * PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ) == 0, "mprotect ro");
	CHECK(nr_vmas(mm) == 3, "%u VMAs after mprotect of the middle, expected 3", nr_vmas(mm));
	CHECK(!pte_writable(mm, a + 2 * PAGE_SIZE) && !pte_writable(mm, a + 3 * PAGE_SIZE) &&
	      pte_writable(mm, a + PAGE_SIZE) && pte_writable(mm, a + 4 * PAGE_SIZE),
	      "PTE rights after mprotect");
	CHECK(do_mprotect(mm, a + 2 * PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE) == 0, "rw");
	CHECK(nr_vmas(mm) == 1, "%u VMAs after mprotect back, expected 1", nr_vmas(mm));
	CHECK(pte_writable(mm, a + 2 * PAGE_SIZE), "PTE not writable again");
	CHECK(do_munmap(mm, a + 3 * PAGE_SIZE, PAGE_SIZE) == 0, "munmap");
	CHECK(nr_vmas(mm) == 2 && get_mm_rss(mm) == 7 && mm->total_vm == 7,
	      "%u VMAs rss %lu total_vm %lu after munmap of one page", nr_vmas(mm), get_mm_rss(mm),
	      mm->total_vm);
	CHECK(do_mmap(mm, a + 3 * PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED) == a + 3 * PAGE_SIZE, "refill");
	CHECK(nr_vmas(mm) == 1, "%u VMAs after mapping the hole, expected 1", nr_vmas(mm));
	mmput(mm);
	return 0;
}

struct yield_watch {
	struct task_struct *t;
	unsigned long seen;     /* yields seen */
	int failed;             /* first step that failed, or 0 */
	int (*check)(struct task_struct *t, unsigned long step);
};

static void yield_watch(void *arg)
{
	struct yield_watch *w = arg;

	if (w->t->state != TASK_RUNNING || w->t->yields == w->seen)
		return;
	w->seen = w->t->yields;
	if (!w->failed && w->check(w->t, w->seen))
		w->failed = (int)w->seen;
	checkpoint(w->seen);
}

static int run_watched(unsigned long test, int (*check)(struct task_struct *, unsigned long),
		       int *failed)
{
	struct yield_watch w = { .check = check };

	*failed = 0;
	int code;

	w.t = spawn("vmtest", test);
	if (!w.t)
		return -1;
	code = wait_task(w.t, yield_watch, &w);
	*failed = w.failed;
	return code;
}

static int split_merge_check(struct task_struct *t, unsigned long step)
{
	static const unsigned int want[] = { 0, 3, 1, 2 };
	unsigned int n = 0;
	struct vm_area_struct *vma;

	for_each_vma(t->mm, vma)
		n += vma->vm_start >= VMTEST_ADDR && vma->vm_end <= VMTEST_ADDR + 8 * PAGE_SIZE;
	if (step > 3 || n != want[step]) {
		printk("selftest:vm: step %lu: %u VMAs at VMTEST_ADDR, expected %u\n", step, n,
		       step > 3 ? 0 : want[step]);
		return 1;
	}
	if (step == 1 && (pte_writable(t->mm, VMTEST_ADDR + 2 * PAGE_SIZE) ||
			  !pte_writable(t->mm, VMTEST_ADDR + 4 * PAGE_SIZE))) {
		printk("selftest:vm: step 1: PTE rights not downgraded in the middle only\n");
		return 1;
	}
	return 0;
}

static int t_vma_split_merge(void)
{
	int failed, code;

	if (vma_split_merge_kernel())
		return 1;
	code = run_watched(VMTEST_MPROTECT_SPLIT, split_merge_check, &failed);
	CHECK(code == 0 && !failed, "task exit %d, check failed at yield %d", code, failed);
	return 0;
}

static int t_ro_write_kills_only_it(void)
{
	struct task_struct *ro = spawn("vmtest", VMTEST_RO_WRITE), *other = spawn("vmtest", VMTEST_SAME_VA);
	int c1, c2;

	CHECK(ro && other, "spawn");
	c1 = wait_task(ro, NULL, NULL);
	c2 = wait_task(other, NULL, NULL);
	CHECK(c1 == 128 + SIGSEGV, "the writer exited with %d, expected %d", c1, 128 + SIGSEGV);
	CHECK(c2 == 0, "the other task exited with %d", c2);
	return 0;
}

static int zero_check(struct task_struct *t, unsigned long step)
{
	unsigned long anon, zero;
	struct page *zp = pfn_to_page(zero_pfn());

	count_ptes(t->mm, VMTEST_ADDR, VMTEST_ADDR + 16 * PAGE_SIZE, &anon, &zero);
	if (step == 1 ? anon != 0 || zero != 16 : anon != 1 || zero != 15) {
		printk("selftest:vm: yield %lu: %lu own pages, %lu zero-page PTEs\n", step, anon, zero);
		return 1;
	}
	if (page_mapcount(zp)) {
		printk("selftest:vm: the zero page has mapcount %d\n", page_mapcount(zp));
		return 1;
	}
	return 0;
}

static int t_zero_page(void)
{
	int failed, code = run_watched(VMTEST_ZERO_READ, zero_check, &failed);

	CHECK(code == 0 && !failed, "task exit %d, check failed at yield %d", code, failed);
	return 0;
}

static int t_stack_growth(void)
{
	int code = run_one("vmtest", VMTEST_STACK, NULL, NULL);

	CHECK(code == 0, "64 KiB of stack: exit %d", code);
	code = run_one("vmtest", VMTEST_STACK_LIMIT, NULL, NULL);
	CHECK(code == 128 + SIGSEGV, "9 MiB of stack (limit 8): exit %d, expected %d", code,
	      128 + SIGSEGV);
	return 0;
}

static int brk_check(struct task_struct *t, unsigned long step)
{
	struct vm_area_struct *vma = vma_lookup(t->mm, t->mm->start_brk);

	(void)step;
	if (!vma || vma->vm_start != t->mm->start_brk || vma->vm_end != t->mm->start_brk + 4 * PAGE_SIZE ||
	    vma->vm_flags != (VM_READ | VM_WRITE)) {
		printk("selftest:vm: no heap VMA of 4 pages at %08lx\n", t->mm->start_brk);
		return 1;
	}
	return 0;
}

static int t_brk(void)
{
	int failed, code = run_watched(VMTEST_BRK, brk_check, &failed);

	CHECK(code == 0 && !failed, "task exit %d, check failed at yield %d", code, failed);
	return 0;
}

static int t_efault(void)
{
	unsigned long ud = syscalls_via_ud;
	int code = run_one("vmtest", VMTEST_EFAULT, NULL, NULL);
	const char *mode = cmdline_get("int80");

	CHECK(code == 0, "exit %d", code);
	ud = syscalls_via_ud - ud;
	printk("selftest:vm: %lu system calls came in through #UD\n", ud);
	CHECK(mode && !strcmp(mode, "ud") ? ud >= 6 : ud == 0, "%lu through #UD", ud);
	return 0;
}

static int t_prot_modes(void)
{
	int code = run_one("vmtest", VMTEST_PROT, NULL, NULL);

	CHECK(code == 0, "write-only and PROT_NONE mappings: exit %d", code);
	return 0;
}

static int t_copy_to_user(void)
{
	int code = run_one("vmtest", VMTEST_COPY_TO_USER, NULL, NULL);

	CHECK(code == 0, "copy_to_user over the zero page: exit %d", code);
	{
		const u8 *zero = __va(PFN_PHYS(zero_pfn()));

		for (unsigned int i = 0; i < PAGE_SIZE; i++)
			CHECK(!zero[i], "the zero page has %#x at byte %u", zero[i], i);
	}
	return 0;
}

struct two_watch {
	struct task_struct *t[2];
	bool compared;
	int failed;
};

static void same_va_watch(void *arg)
{
	struct two_watch *w = arg;
	pte_t *p0, *p1;

	if (w->compared || w->t[0]->state != TASK_RUNNING || w->t[1]->state != TASK_RUNNING ||
	    !w->t[0]->yields || !w->t[1]->yields)
		return;
	p0 = lookup_pte(w->t[0]->mm, VMTEST_ADDR);
	p1 = lookup_pte(w->t[1]->mm, VMTEST_ADDR);
	w->compared = true;
	if (!p0 || !p1 || !pte_present(*p0) || !pte_present(*p1) || pte_pfn(*p0) == pte_pfn(*p1)) {
		printk("selftest:vm: the two tasks do not have pages of their own at %08lx\n",
		       VMTEST_ADDR);
		w->failed = 1;
	}
}

static int t_same_va(void)
{
	struct two_watch w = { .t = { spawn("vmtest", VMTEST_SAME_VA), spawn("vmtest", VMTEST_SAME_VA) } };
	int c0, c1;

	CHECK(w.t[0] && w.t[1], "spawn");
	c0 = wait_task(w.t[0], same_va_watch, &w);
	c1 = wait_task(w.t[1], same_va_watch, &w);
	CHECK(c0 == 0 && c1 == 0, "exits %d %d", c0, c1);
	CHECK(w.compared && !w.failed, "compared %d failed %d", w.compared, w.failed);
	return 0;
}

/* Teardown returns everything: the counters the code under test keeps,
 * and, counted from outside it, every free page and slab object (the
 * pgd, page tables, kernel stack, task_struct, mm and VMAs). */
static int t_teardown(void)
{
	unsigned long anon = global_zone_page_state(NR_ANON_MAPPED);
	unsigned long pt = global_zone_page_state(NR_PAGETABLE);
	struct mm_snapshot before;
	struct task_struct *t;
	unsigned long peak_anon = 0;
	int code;

	mm_snapshot_take(&before, true);
	t = spawn("demand", 1ul << 20);
	CHECK(t, "spawn");
	while (t->state == TASK_RUNNING) {
		peak_anon = max(peak_anon, global_zone_page_state(NR_ANON_MAPPED) - anon);
		schedule();
	}
	code = wait_task(t, NULL, NULL);
	CHECK(code == 0, "exit %d", code);
	CHECK(peak_anon >= 256, "nr_anon_pages rose by %lu, expected 256 or more", peak_anon);
	CHECK(global_zone_page_state(NR_ANON_MAPPED) == anon && global_zone_page_state(NR_PAGETABLE) == pt,
	      "nr_anon_pages %lu (was %lu), nr_page_table_pages %lu (was %lu)",
	      global_zone_page_state(NR_ANON_MAPPED), anon, global_zone_page_state(NR_PAGETABLE), pt);
	CHECK(!mm_snapshot_compare(&before, "selftest:vm", "teardown"), "memory not returned");
	return 0;
}

/*
 * The OOM killer picks the biggest task, not the one that faulted: a task
 * holding three quarters of the free memory idles while a smaller one asks
 * for more than is left.  The big one is killed; the small one, whose fault ran out, gets
 * its pages and finishes.
 */
static int t_oom(void)
{
	unsigned long big = (nr_free_pages() >> (20 - PAGE_SHIFT)) * 3 / 4, small_mib;
	struct task_struct *hog = spawn("vmtest", big << 8 | VMTEST_HOG), *small;
	int cs, ch;

	CHECK(hog, "spawn");
	while (hog->state == TASK_RUNNING && get_mm_rss(hog->mm) < (big << (20 - PAGE_SHIFT)))
		schedule();
	CHECK(hog->state == TASK_RUNNING, "the %lu MiB task died before it held its memory", big);
	/* More than is left, less than the big one holds: 16 MiB more, or
	 * on a small machine a quarter of the big one. */
	small_mib = (nr_free_pages() >> (20 - PAGE_SHIFT)) + (big >= 32 ? 16 : big / 4 + 1);
	CHECK(small_mib < big, "%lu MiB free: the second task would be the bigger", small_mib);
	small = spawn("vmtest", small_mib << 8 | VMTEST_HOG);
	CHECK(small, "spawn");
	cs = wait_task(small, NULL, NULL);
	ch = wait_task(hog, NULL, NULL);
	CHECK(ch == 128 + SIGKILL, "the %lu MiB task exited with %d, expected %d", big, ch,
	      128 + SIGKILL);
	CHECK(cs == 0, "the %lu MiB task, whose fault ran out of memory, exited with %d",
	      small_mib, cs);
	printk("selftest:vm: oom: the idle %lu MiB task was killed for the %lu MiB one\n", big,
	       small_mib);
	return 0;
}

/* A write into a hole kills the task; the report says "no vma" rather than
 * blaming the next mapping up (integ_vm.c matches the line). */
static int t_hole_write(void)
{
	int code = run_one("vmtest", VMTEST_HOLE_WRITE, NULL, NULL);

	CHECK(code == 128 + SIGSEGV, "write into a hole: exit %d, expected %d", code, 128 + SIGSEGV);
	return 0;
}

/* int $0x40 is a general protection fault, with the gate or int80=ud; it
 * is no system call either way. */
static int t_int40(void)
{
	unsigned long ud = syscalls_via_ud;
	int code = run_one("vmtest", VMTEST_INT40, NULL, NULL);
	const char *mode = cmdline_get("int80");

	CHECK(code == 128 + SIGSEGV, "int $0x40: exit %d, expected %d", code, 128 + SIGSEGV);
	/* Under int80=ud only the put_num's two writes came through #UD. */
	ud = syscalls_via_ud - ud;
	CHECK(mode && !strcmp(mode, "ud") ? ud == 2 : ud == 0, "%lu system calls through #UD", ud);
	return 0;
}

static int t_write_cap(void)
{
	int code = run_one("vmtest", VMTEST_WRITE_CAP, NULL, NULL);

	CHECK(code == 0, "write(2) counts of 2 GiB and more: check %d failed", code);
	return 0;
}

/*
 * copy_from_user zeroes what it could not copy: 4 bytes copied from the
 * last word of a mapping, 12 zeroed where the next page has no VMA, and
 * all 16 zeroed for a range access_ok refuses.  init_task borrows the mm
 * for the copy, so the fault takes the kernel-mode bad-area path.
 */
static int t_copy_from_user_tail(void)
{
	struct mm_struct *mm = mm_alloc();
	unsigned long a = VMTEST_ADDR, v = 0x5a5a5a5a, left, refused;
	u8 buf[16], buf2[16];

	CHECK(mm, "mm_alloc failed");
	CHECK(do_mmap(mm, a, PAGE_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED) == a, "mmap");
	CHECK(access_remote_vm(mm, a + PAGE_SIZE - 4, &v, 4, true) == 4, "write the last word");
	memset(buf, 0xaa, sizeof(buf));
	memset(buf2, 0xaa, sizeof(buf2));
	current->mm = mm;
	switch_mm(mm);
	left = copy_from_user(buf, (const void *)(a + PAGE_SIZE - 4), sizeof(buf));
	refused = copy_from_user(buf2, (const void *)(TASK_SIZE - 8), sizeof(buf2));
	switch_mm(NULL);
	current->mm = NULL;
	mmput(mm);
	CHECK(left == 12, "copy_from_user left %lu bytes, expected 12", left);
	for (unsigned int i = 0; i < sizeof(buf); i++)
		CHECK(buf[i] == (i < 4 ? 0x5a : 0), "byte %u is %#x after a short copy", i, buf[i]);
	CHECK(refused == sizeof(buf2), "copy_from_user past TASK_SIZE left %lu", refused);
	for (unsigned int i = 0; i < sizeof(buf2); i++)
		CHECK(!buf2[i], "byte %u is %#x after a refused copy", i, buf2[i]);
	return 0;
}

/* The counts a case compares between yields: page tables, RSS and free
 * pages (the per-CPU lists drained, so every free page is counted). */
struct mm_counts {
	unsigned long ptes, rss, free;
};

static void mm_counts_take(struct mm_struct *mm, struct mm_counts *c)
{
	drain_all_pages(NULL);
	c->ptes = mm->nr_ptes;
	c->rss = get_mm_rss(mm);
	c->free = nr_free_pages();
}

static struct mm_counts counts_base;

/* The counts now differ from counts_base by these (tables and pages added;
 * free pages taken). */
static int counts_moved(struct task_struct *t, unsigned long step, long ptes, long rss, long used)
{
	struct mm_counts c;

	mm_counts_take(t->mm, &c);
	if ((long)(c.ptes - counts_base.ptes) != ptes || (long)(c.rss - counts_base.rss) != rss ||
	    (long)(counts_base.free - c.free) != used) {
		printk("selftest:vm: yield %lu: page tables %+ld, rss %+ld, free pages %+ld; expected "
		       "%+ld, %+ld, %+ld\n", step, (long)(c.ptes - counts_base.ptes),
		       (long)(c.rss - counts_base.rss), -(long)(counts_base.free - c.free), ptes, rss,
		       -used);
		return 1;
	}
	return 0;
}

static unsigned int nr_vmas_in(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct vm_area_struct *vma;
	unsigned int n = 0;

	for_each_vma(mm, vma)
		n += vma->vm_start < end && vma->vm_end > start;
	return n;
}

/* The PTE of addr holds a page, not present (PROT_NONE). */
static bool pte_protnone(struct mm_struct *mm, unsigned long addr)
{
	pte_t *ptep = lookup_pte(mm, addr);

	return ptep && !pte_none(*ptep) && !pte_present(*ptep);
}

static int span_check(struct task_struct *t, unsigned long step)
{
	struct mm_struct *mm = t->mm;
	unsigned long half = VMTEST_SPAN_SIZE / 2, b = VMTEST_SPAN_ADDR + half;
	unsigned long pages = VMTEST_SPAN_SIZE >> PAGE_SHIFT;
	unsigned int n = nr_vmas_in(mm, VMTEST_SPAN_ADDR, VMTEST_SPAN_ADDR + VMTEST_SPAN_SIZE);
	static const unsigned int want_vmas[] = { 0, 0, 1, 3, 3, 1, 1, 0 };

	if (step == 1) {
		mm_counts_take(mm, &counts_base);
		return 0;
	}
	if (step > 7 || n != want_vmas[step]) {
		printk("selftest:vm: yield %lu: %u VMAs over the span\n", step, n);
		return 1;
	}
	switch (step) {
	case 2:   /* the pages, and 3 tables: the PT below 1 GiB, the PD and PT above */
	case 5:
		if (counts_moved(t, step, 3, (long)pages, (long)pages + 3))
			return 1;
		break;
	case 3:
		if (pte_writable(mm, b - PAGE_SIZE) || pte_writable(mm, b) ||
		    !pte_writable(mm, b - 17 * PAGE_SIZE) || !pte_writable(mm, b + 16 * PAGE_SIZE)) {
			printk("selftest:vm: yield 3: PTE rights not read-only across the boundary\n");
			return 1;
		}
		return counts_moved(t, step, 3, (long)pages, (long)pages + 3);
	case 4:
		if (!pte_protnone(mm, b - PAGE_SIZE) || !pte_protnone(mm, b) ||
		    pte_protnone(mm, b - 17 * PAGE_SIZE)) {
			printk("selftest:vm: yield 4: PROT_NONE PTEs not where mprotect put them\n");
			return 1;
		}
		return counts_moved(t, step, 3, (long)pages, (long)pages + 3);
	case 6:   /* the lower half's PT is empty and freed; PD 0 holds the image */
		if (lookup_pte(mm, VMTEST_SPAN_ADDR)) {
			printk("selftest:vm: yield 6: the PT below 1 GiB is still there\n");
			return 1;
		}
		return counts_moved(t, step, 2, (long)pages / 2, (long)pages / 2 + 2);
	case 7:
		if (lookup_pte(mm, b)) {
			printk("selftest:vm: yield 7: the PT above 1 GiB is still there\n");
			return 1;
		}
		return counts_moved(t, step, 0, 0, 0);
	}
	if (step == 5 && (!pte_writable(mm, b - PAGE_SIZE) || !pte_writable(mm, b))) {
		printk("selftest:vm: yield 5: PTEs across the boundary not writable again\n");
		return 1;
	}
	return 0;
}

static int t_pgtable_span(void)
{
	int failed, code = run_watched(VMTEST_PGTABLE_SPAN, span_check, &failed);

	CHECK(code == 0 && !failed, "task exit %d, check failed at yield %d", code, failed);
	return 0;
}

/* PTs over [start, end) that the 2 MiB holding start (the image's) does
 * not already account for. */
static long heap_pts(unsigned long start, unsigned long end)
{
	return (long)(((end - 1) >> PMD_SHIFT) - (start >> PMD_SHIFT));
}

static int brk_regrow_check(struct task_struct *t, unsigned long step)
{
	struct mm_struct *mm = t->mm;
	unsigned long s = mm->start_brk, big = s + VMTEST_BRK_BIG;
	unsigned long kept = PAGE_ALIGN(s + VMTEST_BRK_CUT), anon, zero;
	long all = VMTEST_BRK_BIG >> PAGE_SHIFT, cut = (long)((kept - s) >> PAGE_SHIFT);
	struct vm_area_struct *vma = vma_lookup(mm, s);
	unsigned long want_end[] = { 0, 0, big, kept, big };

	if (step == 1) {
		mm_counts_take(mm, &counts_base);
		return 0;
	}
	if (step > 4 || !vma || vma->vm_start != s || vma->vm_end != want_end[step]) {
		printk("selftest:vm: yield %lu: the heap VMA is not [%08lx, %08lx)\n", step, s,
		       step > 4 ? 0 : want_end[step]);
		return 1;
	}
	if (step == 2)
		return counts_moved(t, step, heap_pts(s, big), all, all + heap_pts(s, big));
	if (step == 3)
		return counts_moved(t, step, heap_pts(s, kept), cut, cut + heap_pts(s, kept));
	/* Regrown and read: zero-page PTEs only, RSS as after the cut. */
	count_ptes(mm, kept, big, &anon, &zero);
	if (anon || zero != (big - kept) >> PAGE_SHIFT) {
		printk("selftest:vm: yield 4: the regrown heap has %lu own pages, %lu zero-page PTEs\n",
		       anon, zero);
		return 1;
	}
	return counts_moved(t, step, heap_pts(s, big), cut, cut + heap_pts(s, big));
}

static int t_brk_regrow(void)
{
	int failed, code = run_watched(VMTEST_BRK_REGROW, brk_regrow_check, &failed);

	CHECK(code == 0 && !failed, "task exit %d, check failed at yield %d", code, failed);
	return 0;
}

static int growsdown_check(struct task_struct *t, unsigned long step)
{
	unsigned long start = VMTEST_ADDR - (VMTEST_GROW_PAGES + 1) * PAGE_SIZE, anon, zero;
	struct vm_area_struct *vma = vma_lookup(t->mm, VMTEST_ADDR - 1), *below;

	if (!vma || vma->vm_start != start || vma->vm_end != VMTEST_ADDR ||
	    !(vma->vm_flags & VM_GROWSDOWN)) {
		printk("selftest:vm: yield %lu: no growsdown VMA [%08lx, %08lx)\n", step, start,
		       VMTEST_ADDR);
		return 1;
	}
	count_ptes(t->mm, start, VMTEST_ADDR, &anon, &zero);
	if (anon != 1 || zero) {
		printk("selftest:vm: yield %lu: %lu own pages, %lu zero-page PTEs in the stack\n", step,
		       anon, zero);
		return 1;
	}
	if (step != 2)
		return 0;
	below = find_vma(t->mm, start - STACK_GUARD_GAP - PAGE_SIZE);
	if (find_vma(t->mm, start - STACK_GUARD_GAP) != vma || !below ||
	    below->vm_start != start - STACK_GUARD_GAP - PAGE_SIZE) {
		printk("selftest:vm: yield 2: the guard gap below %08lx is not kept\n", start);
		return 1;
	}
	return 0;
}

static int t_growsdown_gap(void)
{
	int failed, code = run_watched(VMTEST_GROWSDOWN_GAP, growsdown_check, &failed);

	CHECK(code == 0 && !failed, "task exit %d, check failed at yield %d", code, failed);
	return 0;
}

static int t_int80_straddle(void)
{
	unsigned long ud = syscalls_via_ud;
	int code = run_one("vmtest", VMTEST_INT80_STRADDLE, NULL, NULL);
	const char *mode = cmdline_get("int80");

	CHECK(code == 0, "int $0x80 across a page boundary: exit %d", code);
	/* mmap2, the straddling getpid, getpid and exit. */
	ud = syscalls_via_ud - ud;
	CHECK(mode && !strcmp(mode, "ud") ? ud == 4 : ud == 0, "%lu system calls through #UD", ud);
	return 0;
}

static const struct selftest vm_tests[] = {
	{ "vma_split_merge", t_vma_split_merge },
	{ "ro_write_kills_only_it", t_ro_write_kills_only_it },
	{ "zero_page", t_zero_page },
	{ "stack_growth", t_stack_growth },
	{ "brk", t_brk },
	{ "efault", t_efault },
	{ "prot_modes", t_prot_modes },
	{ "copy_to_user", t_copy_to_user },
	{ "same_va", t_same_va },
	{ "teardown", t_teardown },
	{ "oom", t_oom },
	{ "hole_write", t_hole_write },
	{ "int40_is_gp", t_int40 },
	{ "write_cap", t_write_cap },
	{ "copy_from_user_tail", t_copy_from_user_tail },
	{ "pgtable_span", t_pgtable_span },
	{ "brk_regrow", t_brk_regrow },
	{ "growsdown_gap", t_growsdown_gap },
	{ "int80_straddle", t_int80_straddle },
};

static int wl_selftest_vm(const char *arg)
{
	(void)arg;
	proc_caches_init();
	return selftest_run("selftest:vm", NULL, vm_tests, ARRAY_SIZE(vm_tests), 24, true, NULL);
}
DEFINE_WORKLOAD("selftest:vm", wl_selftest_vm,
		"address spaces and user tasks: splits, kills, zero page, stack, brk, EFAULT, OOM");

/* ---- stress:vm ------------------------------------------------------------------- */

#define STRESS_TASKS 3

struct stress_watch {
	struct task_struct *t[STRESS_TASKS];
	unsigned long yields, checkpoints;
};

/* A checkpoint each time some task has done another 100 operations. */
static void stress_watch(void *arg)
{
	struct stress_watch *w = arg;
	unsigned long yields = 0;

	for (int i = 0; i < STRESS_TASKS; i++)
		yields += w->t[i]->yields;
	if (yields != w->yields) {
		w->yields = yields;
		checkpoint(++w->checkpoints);
	}
}

static int wl_stress_vm(const char *arg)
{
	unsigned long seed, ops;
	struct stress_watch w = { .yields = 0 };
	struct mm_snapshot before;
	unsigned long faults = 0;
	int bad = 0;

	(void)arg;
	stress_opts(&seed, &ops, NULL);
	proc_caches_init();
	mm_snapshot_take(&before, true);
	for (int i = 0; i < STRESS_TASKS; i++)
		if (!(w.t[i] = spawn2("vmstress", seed, ops)))
			return 1;
	for (int i = 0; i < STRESS_TASKS; i++) {
		int code;

		while (w.t[i]->state == TASK_RUNNING) {
			stress_watch(&w);
			schedule();
		}
		faults += w.t[i]->faults;
		code = wait_task(w.t[i], NULL, NULL);
		if (code) {
			printk("stress:vm: task %d failed at operation %d\n", i, code - 1);
			bad = 1;
		}
	}
	checkpoint(++w.checkpoints);
	bad |= mm_snapshot_compare(&before, "stress:vm", "end");
	printk("stress:vm: %d tasks x %lu ops (seed %lu), %lu faults, %lu checkpoints%s\n",
	       STRESS_TASKS, ops, seed, faults, w.checkpoints,
	       bad ? "" : "; every task verified its pages, free counts restored");
	return bad;
}
DEFINE_WORKLOAD("stress:vm", wl_stress_vm,
		"random mmap/munmap/mprotect and touches in 3 tasks (seed=N ops=M), checkpoint every 100 ops; "
		"free counts must end where they began");

/* ---- demo:vm ---------------------------------------------------------------------- */

#define DEMO_MAP_MIB 64
#define DEMO_TOUCH_MIB 4

/* At each of the task's yields (a MiB touched): its counters, a
 * checkpoint (the host checks its address space), and at the end its
 * /proc/PID/maps. */
static void demo_watch(void *arg)
{
	struct task_struct *t = arg;
	static unsigned long seen;

	if (t->state != TASK_RUNNING || t->yields == seen)
		return;
	seen = t->yields;
	printk("demo:vm: %s[%d] after %lu MiB touched: VSZ %6lu kB  RSS %5lu kB  faults %4lu  "
	       "page tables %lu\n", t->comm, t->pid, seen - 1, t->mm->total_vm << (PAGE_SHIFT - 10),
	       get_mm_rss(t->mm) << (PAGE_SHIFT - 10), t->faults, t->mm->nr_ptes);
	if (seen - 1 == DEMO_TOUCH_MIB) {
		printk("demo:vm: /proc/%d/maps (the image, the heap, the %d MiB mapping, the "
		       "stack):\n", t->pid, DEMO_MAP_MIB);
		show_pid_maps(t);
	}
	checkpoint(seen);
}

static int wl_demo_vm(const char *arg)
{
	struct task_struct *t;
	int code;

	(void)arg;
	printk("demo:vm: a task maps %d MiB and touches %d of them: memory arrives at the first "
	       "touch, a page a fault\n", DEMO_MAP_MIB, DEMO_TOUCH_MIB);
	t = spawn2("demo", DEMO_MAP_MIB, DEMO_TOUCH_MIB);
	if (!t)
		return 1;
	code = wait_task(t, demo_watch, t);
	printk("demo:vm: the task exited with %d; pgfault %lu, nr_anon_pages %lu\n", code,
	       vm_event_states.event[PGFAULT], global_zone_page_state(NR_ANON_MAPPED));
	return code ? 1 : 0;
}
DEFINE_WORKLOAD("demo:vm", wl_demo_vm,
		"a task touching 4 MiB of a 64 MiB mapping, faults and RSS shown as they grow (part of the default run)");

/* ---- bench:vm --------------------------------------------------------------------- */

struct fault_bench {
	struct task_struct *t;
	const char *tag;
	unsigned long pages, seen;
	struct vm_fault_stats s0;
};

/* Yield 1 (mapped, nothing touched): open the bracket; yield 2: close it.
 * Inside: the task's touch loop, its faults, and one switch each way. */
static void fault_bench_watch(void *arg)
{
	struct fault_bench *b = arg;

	if (b->t->state != TASK_RUNNING || b->t->yields == b->seen)
		return;
	b->seen = b->t->yields;
	if (b->seen == 1) {
		b->s0 = vm_fault_stats;
		__bench_begin(b->tag, strlen(b->tag));
	} else if (b->seen == 2) {
		__bench_end(b->tag, strlen(b->tag), b->pages);
		printk("vm-bench %s faults=%lu pte_writes=%lu hypercalls=%lu\n", b->tag, b->pages,
		       vm_fault_stats.pte_writes - b->s0.pte_writes,
		       vm_fault_stats.hypercalls - b->s0.hypercalls);
	}
}

static int bench_faults(const char *tag, unsigned long size, unsigned long read)
{
	struct fault_bench b = { .tag = tag, .pages = size >> PAGE_SHIFT };

	b.t = spawn2("faultbench", size, read);
	return b.t ? wait_task(b.t, fault_bench_watch, &b) : 1;
}

/* CR3 loads alternating between a user pgd and swapper_pg_dir: what a
 * switch between address spaces costs the switching code (the refill of
 * the TLB afterwards is the rest of the cost, and shows in wall time). */
static int bench_cr3(unsigned int n)
{
	struct mm_struct *mm = mm_alloc();

	if (!mm)
		return 1;
	__bench_begin("cr3_switch", 10);
	for (unsigned int i = 0; i < n; i++) {
		switch_mm(mm);
		switch_mm(NULL);
	}
	__bench_end("cr3_switch", 10, 2 * n);
	mmput(mm);
	return 0;
}

static int wl_bench_vm(const char *arg)
{
	unsigned long size = PAGE_ALIGN(cmdline_get_size("size", 8ul << 20));

	(void)arg;
	return bench_faults("anon_write", size, 0) || bench_faults("zero_read", size, 1) ||
	       bench_cr3(1000);
}
DEFINE_WORKLOAD("bench:vm", wl_bench_vm,
		"anonymous write faults and zero-page read faults over size= (default 8M), bracketed per fault");
