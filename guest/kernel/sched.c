/*
 * User tasks: starting a program in a new address space, cooperative
 * round-robin switching, exit, kill and reaping, and the OOM killer
 * (Linux's kernel/sched/core.c, kernel/exit.c, fs/exec.c and
 * mm/oom_kill.c, each reduced to what a cooperative single-CPU kernel
 * needs).  See sched.h.
 *
 * A switch saves the callee-saved registers and ESP on the old task's
 * kernel stack and restores the new task's (__switch_to_asm, entry.S),
 * points TSS.RSP0 at the top of the new task's kernel stack, where the CPU
 * puts the trap frame when that task next enters the kernel from ring 3,
 * and loads the new task's pgd into CR3 when the address space changes.
 */
#include "kernel.h"
#include "errno-base.h"
#include "gfp.h"
#include "mm.h"
#include "mm_struct.h"
#include "mman.h"
#include "sched.h"
#include "slab.h"
#include "string.h"
#include "unistd_32.h"
#include "asm/desc.h"
#include "asm/pgtable.h"
#include "asm/sections.h"
#include "asm/segment.h"

/* The programs built into the image (the Makefile's user_programs.S). */
struct user_program {
	const char *name;
	const u8 *image;
	unsigned long size;
};
extern const struct user_program user_programs[];
extern const unsigned int nr_user_programs;

void __switch_to_asm(unsigned long *prev_sp, unsigned long next_sp);
void ret_from_fork(void);

#define STACK_TOP TASK_SIZE

/* init_task is on task_list from the start (the two link each other), so
 * every view of the list shows the kernel's own thread, pid 0. */
struct task_struct init_task = {
	.pid = 0,
	.comm = "swapper",
	.state = TASK_RUNNING,
	.stack = init_stack,
	.tasks = { &task_list, &task_list },
};
struct list_head task_list = { &init_task.tasks, &init_task.tasks };
struct task_struct *current = &init_task;
static int last_pid;

void switch_mm(struct mm_struct *next)
{
	load_cr3(next ? next->pgd : swapper_pg_dir);
}

static void context_switch(struct task_struct *prev, struct task_struct *next)
{
	if (prev->mm != next->mm)
		switch_mm(next->mm);
	cpu_tss.sp0 = (unsigned long)next->stack + THREAD_SIZE;
	current = next;
	__switch_to_asm(&prev->sp, next->sp);
}

void schedule(void)
{
	struct task_struct *next = current;

	do {
		next = list_entry(next->tasks.next == &task_list ? task_list.next : next->tasks.next,
				  struct task_struct, tasks);
	} while (next->state != TASK_RUNNING);
	if (next != current)
		context_switch(current, next);
}

struct task_struct *find_task_by_pid(int pid)
{
	struct task_struct *t;

	list_for_each_entry(t, &task_list, tasks)
		if (t->pid == pid)
			return t;
	return NULL;
}

unsigned int nr_tasks(void)
{
	struct task_struct *t;
	unsigned int n = 0;

	list_for_each_entry(t, &task_list, tasks)
		n += t != &init_task && t->state == TASK_RUNNING;
	return n;
}

/* Drop the address space; CR3 must not hold it while it goes. */
static void exit_mm(struct task_struct *t)
{
	struct mm_struct *mm = t->mm;

	if (!mm)
		return;
	if (t == current)
		switch_mm(NULL);
	t->mm = NULL;
	mmput(mm);
}

void do_exit(int code)
{
	struct task_struct *t = current;

	BUG_ON(t == &init_task);
	t->exit_code = code;
	exit_mm(t);
	t->state = TASK_DEAD;
	schedule();
	BUG();   /* a dead task is never picked again */
}

void kill_task(struct task_struct *t, int sig)
{
	if (t == current)
		do_exit(sig);
	t->exit_code = sig;
	exit_mm(t);
	t->state = TASK_DEAD;
}

void release_task(struct task_struct *t)
{
	BUG_ON(t->state != TASK_DEAD || t == current || t->mm);
	list_del(&t->tasks);
	free_pages((unsigned long)t->stack, THREAD_SIZE_ORDER);
	kfree(t);
}

void reap_dead_tasks(void (*report)(const struct task_struct *t))
{
	struct task_struct *t, *n;

	list_for_each_entry_safe(t, n, &task_list, tasks) {
		if (t->state != TASK_DEAD)
			continue;
		if (report)
			report(t);
		release_task(t);
	}
}

int wait_task(struct task_struct *t, void (*watch)(void *arg), void *arg)
{
	int code = 0;

	BUG_ON(current != &init_task);
	for (;;) {
		if (!t)
			reap_dead_tasks(NULL);
		if (t ? t->state == TASK_DEAD : !nr_tasks())
			break;
		if (watch)
			watch(arg);
		schedule();
	}
	if (t) {
		code = WIFSIGNALED(t->exit_code) ? 128 + WTERMSIG(t->exit_code) :
						   WEXITSTATUS(t->exit_code);
		release_task(t);
	}
	return code;
}

/* ---- Starting a program (fs/exec.c, for flat images) ---------------------- */

static const struct user_program *find_program(const char *name)
{
	for (unsigned int i = 0; i < nr_user_programs; i++)
		if (!strcmp(user_programs[i].name, name))
			return &user_programs[i];
	return NULL;
}

/*
 * The image RWX at USER_TEXT_BASE, the heap after it, a one-page stack
 * below STACK_TOP that grows down, and on it _start's frame: a zero return
 * address, then arg and arg2 (ESP + 4 16-byte aligned, as the i386 psABI wants at a
 * function's entry).
 */
static int load_program(struct mm_struct *mm, const struct user_program *prog, unsigned long arg,
			unsigned long arg2, unsigned long *sp)
{
	unsigned long frame[3] = { 0, arg, arg2 };
	unsigned long r;

	r = do_mmap(mm, USER_TEXT_BASE, prog->size, PROT_READ | PROT_WRITE | PROT_EXEC,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
	if (IS_ERR_VALUE(r))
		return (int)r;
	if (access_remote_vm(mm, USER_TEXT_BASE, (void *)prog->image, prog->size, true) !=
	    (int)prog->size)
		return -ENOMEM;
	mm->start_brk = mm->brk = PAGE_ALIGN(USER_TEXT_BASE + prog->size);
	r = do_mmap(mm, STACK_TOP - PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_GROWSDOWN);
	if (IS_ERR_VALUE(r))
		return (int)r;
	*sp = STACK_TOP - 20;
	mm->start_stack = *sp;   /* the initial stack pointer, as Linux's bprm->p */
	if (access_remote_vm(mm, *sp, frame, sizeof(frame), true) != sizeof(frame))
		return -ENOMEM;
	return 0;
}

struct task_struct *spawn_program(const char *name, unsigned long arg, unsigned long arg2, int *err)
{
	const struct user_program *prog = find_program(name);
	struct task_struct *t;
	struct pt_regs *regs;
	unsigned long *ksp, usp;
	struct page *stack;

	*err = -ENOENT;
	if (!prog)
		return NULL;
	*err = -ENOMEM;
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return NULL;
	stack = alloc_pages(GFP_KERNEL, THREAD_SIZE_ORDER);
	t->mm = mm_alloc();
	if (!stack || !t->mm)
		goto fail;
	t->stack = lowmem_page_address(stack);
	*err = load_program(t->mm, prog, arg, arg2, &usp);
	if (*err)
		goto fail;

	/* The user frame at the top of the kernel stack, where the CPU would
	 * have put it on a trap from ring 3 (TSS.RSP0 is the stack's top). */
	regs = (struct pt_regs *)((char *)t->stack + THREAD_SIZE) - 1;
	memset(regs, 0, sizeof(*regs));
	regs->ip = USER_TEXT_BASE;
	regs->cs = __USER_CS;
	regs->flags = 0x202;   /* IF, and the reserved bit 1 */
	regs->sp = usp;
	regs->ss = regs->ds = regs->es = __USER_DS;
	/* __switch_to_asm's frame: EDI, ESI, EBX, EBP, then ret_from_fork. */
	ksp = (unsigned long *)regs - 5;
	memset(ksp, 0, 4 * sizeof(*ksp));
	ksp[4] = (unsigned long)ret_from_fork;
	t->sp = (unsigned long)ksp;

	t->pid = ++last_pid;
	snprintf(t->comm, sizeof(t->comm), "%s", name);
	t->state = TASK_RUNNING;
	list_add_tail(&t->tasks, &task_list);
	*err = 0;
	return t;
fail:
	if (t->mm)
		mmput(t->mm);
	if (stack)
		__free_pages(stack, THREAD_SIZE_ORDER);
	kfree(t);
	return NULL;
}

/* ---- The OOM killer (mm/oom_kill.c) ---------------------------------------- */

/*
 * Linux's oom_badness without oom_score_adj: the pages a kill gives back,
 * its RSS and its page tables.  Zones are not weighed, as in Linux: a
 * lowmem shortage (page tables) may take more than one kill.
 */
static unsigned long oom_badness(const struct mm_struct *mm)
{
	return get_mm_rss(mm) + mm->nr_ptes;
}

/* Kill the live task with the highest badness (of equals, the last on the
 * list, as oom_evaluate_task skips only a lower score).  Returns false when
 * there is none to kill. */
bool out_of_memory(void)
{
	struct task_struct *t, *victim = NULL;

	list_for_each_entry(t, &task_list, tasks)
		if (t->mm && t->state == TASK_RUNNING &&
		    (!victim || oom_badness(t->mm) >= oom_badness(victim->mm)))
			victim = t;
	if (!victim)
		return false;
	/* Linux 5.x/6.x's line; a task here has no file or shmem pages, runs as
	 * root and has no oom_score_adj. */
	printk("Out of memory: Killed process %d (%s) total-vm:%lukB, anon-rss:%lukB, "
	       "file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:%lukB oom_score_adj:0\n",
	       victim->pid, victim->comm, victim->mm->total_vm << (PAGE_SHIFT - 10),
	       get_mm_rss(victim->mm) << (PAGE_SHIFT - 10),
	       victim->mm->nr_ptes << (PAGE_SHIFT - 10));
	kill_task(victim, SIGKILL);
	return true;
}
