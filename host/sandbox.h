/*
 * The VMM's seccomp sandbox: once the guest is loaded and the accelerator
 * is up, the VMM needs only to run the vCPU, answer it and report, so every
 * other system call (open, socket, fork, exec, ...) is refused by a
 * seccomp filter.  A refused call kills the VMM with a message naming it.
 */
#ifndef VMM_SANDBOX_H
#define VMM_SANDBOX_H

#include <stdbool.h>

/*
 * Enter the sandbox; it cannot be left.  0, or -errno if the filter could
 * not be loaded (the caller says so and stops: running unconfined when a
 * sandbox was asked for would be a surprise).
 */
int sandbox_enter(bool console_socket);

#endif
