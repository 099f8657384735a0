/*
 * --timeout: a one-shot timer that stops the vCPU.  The signal handler
 * kicks the accelerator (accel.h), which makes a vCPU that is running, or
 * about to run, return VM_EXIT_INTR, so a signal that lands between the run
 * loop's check and the next run is not lost.
 */
#ifndef VMM_WATCHDOG_H
#define VMM_WATCHDOG_H

#include <stdbool.h>

struct vm;

/* Arm: after `seconds`, watchdog_fired() turns true and vm's vCPU is kicked. 0 or -errno. */
int watchdog_start(struct vm *vm, double seconds);
void watchdog_stop(void);
bool watchdog_running(void);
/* Sleep until the armed watchdog fires (for a guest that can never wake). */
void watchdog_wait(void);
bool watchdog_fired(void);

#endif
