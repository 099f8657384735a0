/*
 * User tasks (Linux's <linux/sched.h>, much reduced): each has an address
 * space, a kernel stack whose top is TSS.RSP0 while it runs, and a state.
 * Scheduling is cooperative round-robin (guest/kernel/sched.c): a task
 * runs until it makes a system call that yields, exits or dies.  The
 * kernel's own thread (the workload runner, init_task) takes part in the
 * round like a task, which is how a workload watches its tasks between
 * their yields.
 *
 * Tasks live on task_list in pid order; one CPU and no preemption protect
 * it and every field here.
 */
#ifndef GUEST_SCHED_H
#define GUEST_SCHED_H

#include "kernel.h"
#include "list.h"
#include "mm_struct.h"
#include "asm/ptrace.h"

#define TASK_COMM_LEN 16

enum task_state {
	TASK_RUNNING = 1,   /* on the round (0 is no task: a zeroed struct) */
	TASK_DEAD,       /* exited or killed, mm released; waits to be reaped */
};

struct task_struct {
	int pid;
	char comm[TASK_COMM_LEN];
	enum task_state state;
	struct mm_struct *mm;        /* NULL for init_task and after release */
	void *stack;                 /* kernel stack, THREAD_SIZE bytes */
	unsigned long sp;            /* saved kernel ESP while switched out */
	int exit_code;               /* a wait status, as in Linux: exit(2)'s code << 8,
					or the signal that killed it (W* below) */
	unsigned long faults;        /* page faults taken (Linux's min_flt) */
	unsigned long yields;        /* sched_yield calls */
	struct list_head tasks;      /* on task_list */
};

#define SIGKILL 9
#define SIGSEGV 11

/* Reading a wait status (task_struct.exit_code), as <sys/wait.h>. */
#define WTERMSIG(status)    ((status) & 0x7f)
#define WIFSIGNALED(status) (WTERMSIG(status) != 0)
#define WEXITSTATUS(status) (((status) >> 8) & 0xff)

extern struct task_struct init_task;
extern struct task_struct *current;
extern struct list_head task_list;

/* The user program of that name built into the kernel, started as
 * _start(arg, arg2): the new task (on the round, not yet run), or NULL with
 * *err set. */
struct task_struct *spawn_program(const char *name, unsigned long arg, unsigned long arg2, int *err);
/* Switch to the next task in the round (init_task included). */
void schedule(void);
/* End the current task with the wait status code; it never returns. */
__attribute__((noreturn)) void do_exit(int code);
/* Kill a task: report sig, release its memory now, drop it from the round.
 * The current task never returns from this. */
void kill_task(struct task_struct *t, int sig);
/* Free what a dead task still holds (its stack, its struct). */
void release_task(struct task_struct *t);
/* Release every dead task (init_task's work), calling report(t) first for
 * each when given. */
void reap_dead_tasks(void (*report)(const struct task_struct *t));
/* The task with that pid, or NULL. */
struct task_struct *find_task_by_pid(int pid);
/* init_task's loop: run the round until t is dead, then reap it (t NULL:
 * until every task is, reaping them all); with watch, call watch(t, arg) every
 * time init_task gets the CPU.  Returns t's exit status as a shell's $?
 * has it (exit(2)'s code, or 128 + the signal that killed it), or 0. */
int wait_task(struct task_struct *t, void (*watch)(void *arg), void *arg);
/* Live user tasks. */
unsigned int nr_tasks(void);

/* A fault the user caused: print the kill report and kill the task. */
void force_sig_fault(struct pt_regs *regs, int sig, unsigned long address, unsigned long error_code);

/* System calls that came in through #UD (kernel/syscall.c). */
extern unsigned long syscalls_via_ud;

/* Load next's pgd into CR3 (swapper_pg_dir for NULL). */
void switch_mm(struct mm_struct *next);
/* The OOM killer: kill the live task with the most pages to give back
 * (RSS and page tables, Linux's oom_badness), printing Linux's line; false
 * when there is none. */
bool out_of_memory(void);

#endif
