/*
 * The watchdog timer behind --timeout: ITIMER_REAL delivers SIGALRM to the
 * process; with one vCPU running on the main thread, that is the thread in
 * KVM_RUN, which returns EINTR.  Racing with the loop is handled by
 * immediate_exit (see watchdog.h).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>

#include "watchdog.h"

static struct kvm_run *volatile wd_run;
static volatile sig_atomic_t wd_fired;

static void on_alarm(int sig)
{
	struct kvm_run *run = wd_run;

	(void)sig;
	wd_fired = 1;
	if (run)
		run->immediate_exit = 1;
}

int watchdog_start(struct kvm_run *run, double seconds)
{
	struct sigaction sa;
	struct itimerval it;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;  /* KVM_RUN still returns EINTR; stdio is not disturbed */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL) < 0)
		return -errno;
	wd_run = run;
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
	wd_run = NULL;
}

void watchdog_wait(void)
{
	sigset_t block, old;

	/* Block, test, then sigsuspend: an alarm between test and wait is not lost. */
	sigemptyset(&block);
	sigaddset(&block, SIGALRM);
	sigprocmask(SIG_BLOCK, &block, &old);
	sigdelset(&old, SIGALRM);
	while (!wd_fired)
		sigsuspend(&old);
	sigprocmask(SIG_UNBLOCK, &block, NULL);
}

bool watchdog_running(void)
{
	return wd_run != NULL;
}

bool watchdog_fired(void)
{
	return wd_fired;
}
