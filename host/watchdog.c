/*
 * The watchdog timer behind --timeout, and the SIGINT/SIGTERM handlers:
 * ITIMER_REAL delivers SIGALRM to the process; with one vCPU run from the
 * main thread, that is the thread in the accelerator's run (KVM_RUN returns
 * EINTR; TCG's wait for a gdbstub stop is woken by the kick).  Racing with
 * the loop is the kick's job (see watchdog.h).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>

#include "accel.h"
#include "vm.h"
#include "watchdog.h"

static struct vm *volatile wd_vm;
static volatile sig_atomic_t wd_fired;
static struct vm *volatile stop_vm;
static volatile sig_atomic_t stop_sig;
static struct sigaction old_int, old_term;

static void on_alarm(int sig)
{
	struct vm *vm = wd_vm;

	(void)sig;
	wd_fired = 1;
	if (vm && vm->accel)
		vm->accel->kick(vm);
}

int watchdog_start(struct vm *vm, double seconds)
{
	struct sigaction sa;
	struct itimerval it;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;  /* KVM_RUN and poll() still return EINTR; stdio is not disturbed */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL) < 0)
		return -errno;
	wd_vm = vm;
	wd_fired = 0;
	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = (time_t)seconds;
	it.it_value.tv_usec = (suseconds_t)((seconds - (double)it.it_value.tv_sec) * 1e6);
	if (!it.it_value.tv_sec && !it.it_value.tv_usec)
		it.it_value.tv_usec = 1;
	if (setitimer(ITIMER_REAL, &it, NULL) < 0)
		return -errno;
	return 0;
}

void watchdog_stop(void)
{
	struct itimerval it;

	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	wd_vm = NULL;
}

void watchdog_wait(void)
{
	sigset_t block, old;

	/* Block, test, then sigsuspend: a signal between test and wait is not lost. */
	sigemptyset(&block);
	sigaddset(&block, SIGALRM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old);
	sigdelset(&old, SIGALRM);
	sigdelset(&old, SIGINT);
	sigdelset(&old, SIGTERM);
	while (!wd_fired && !stop_sig)
		sigsuspend(&old);
	sigprocmask(SIG_UNBLOCK, &block, NULL);
}

bool watchdog_running(void)
{
	return wd_vm != NULL;
}

bool watchdog_fired(void)
{
	return wd_fired;
}

static void on_stop(int sig)
{
	struct vm *vm = stop_vm;

	if (stop_sig) {
		/* The second one: the user means it. */
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	stop_sig = sig;
	if (vm && vm->accel)
		vm->accel->kick(vm);
}

int stop_signals_install(struct vm *vm)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	stop_vm = vm;
	stop_sig = 0;
	if (sigaction(SIGINT, &sa, &old_int) < 0 || sigaction(SIGTERM, &sa, &old_term) < 0)
		return -errno;
	return 0;
}

void stop_signals_remove(void)
{
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	stop_vm = NULL;
}

int stop_signal(void)
{
	return stop_sig;
}

bool stop_requested(void)
{
	return wd_fired || stop_sig;
}
