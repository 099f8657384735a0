/*
 * --timeout: a one-shot timer that stops the vCPU.  The signal handler sets
 * kvm_run.immediate_exit, so a signal that lands between the run loop's
 * check and KVM_RUN still makes KVM_RUN return at once (no lost wakeup).
 */
#ifndef VMM_WATCHDOG_H
#define VMM_WATCHDOG_H

#include <stdbool.h>
#include <linux/kvm.h>

/* Arm: after `seconds`, watchdog_fired() turns true and KVM_RUN returns EINTR. 0 or -errno. */
int watchdog_start(struct kvm_run *run, double seconds);
void watchdog_stop(void);
bool watchdog_running(void);
/* Sleep until the armed watchdog fires (for a guest that can never wake). */
void watchdog_wait(void);
bool watchdog_fired(void);

#endif
