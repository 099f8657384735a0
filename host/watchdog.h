/*
 * What stops a running guest from outside: --timeout, a one-shot timer,
 * and SIGINT or SIGTERM (Ctrl-C, kill).  Each signal handler kicks the
 * accelerator (accel.h), which makes a vCPU that is running, or about to
 * run, return VM_EXIT_INTR, so a signal that lands between the run loop's
 * check and the next run is not lost.  The run loop then ends the run
 * cleanly: output flushed, QEMU reaped, exit 82, or 128 + the signal.  A
 * second SIGINT or SIGTERM kills the VMM at once (QEMU still dies with it,
 * by PR_SET_PDEATHSIG).
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

/* Catch SIGINT and SIGTERM for vm's run; stop_signals_remove() restores them. */
int stop_signals_install(struct vm *vm);
void stop_signals_remove(void);
/* The SIGINT or SIGTERM that asked the run to stop, or 0. */
int stop_signal(void);
/* Either: a check in progress gives up (struct insp's should_stop). */
bool stop_requested(void);

#endif
