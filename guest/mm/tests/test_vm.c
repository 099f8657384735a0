/*
 * Address-space workloads: demand (one task demand-pages a mapping, its
 * faults and RSS sampled at each step), selftest:vm (VMA splits and merges,
 * the zero page, stack growth, brk, -EFAULT, kills, teardown, two address
 * spaces at one VA, the OOM killer) and crash:kernel-fault.  The user half
 * of each is guest/user/demand.c or guest/user/vmtest.c; the kernel half
 * watches the task's address space between its yields.
 */
#include "kernel.h"
#include "cmdline.h"
#include "errno-base.h"
#include "mm.h"
#include "mm_struct.h"
#include "mman.h"
#include "sched.h"
#include "slab.h"
#include "string.h"
#include "vmstat.h"
#include "vmtest.h"
#include "workload.h"
#include "asm/pgtable.h"
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

static struct task_struct *spawn(const char *name, unsigned long arg)
{
	int err;
	struct task_struct *t = spawn_program(name, arg, &err);

	if (!t)
		printk("spawn %s: error %d\n", name, err);
	return t;
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
}

static int wl_demand(const char *arg)
{
	struct demand_watch w = { .size = PAGE_ALIGN(cmdline_get_size("size", 8ul << 20)) };
	struct mm_snapshot before;
	int code;

	(void)arg;
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
	if (code)
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
