/*
 * Exit statuses of ./vmm: the one table that `vmm --help`, the run loop and
 * the tests agree on.  Values 64..78 follow <sysexits.h> where a sysexits
 * meaning fits, so shell scripts can tell a usage error from a dead guest.
 */
#ifndef VMM_EXITCODES_H
#define VMM_EXITCODES_H

#define EXIT_GUEST_MAX     63  /* guest exit(n) gives n for 0..63 */
#define EXIT_USAGE         64  /* bad command line (EX_USAGE) */
#define EXIT_BAD_IMAGE     65  /* guest ELF refused (EX_DATAERR) */
#define EXIT_NO_IMAGE      66  /* guest ELF missing or unreadable (EX_NOINPUT) */
#define EXIT_NO_ACCEL      69  /* the accelerator is unavailable: no usable /dev/kvm
                                  for --accel kvm, no QEMU for TCG (EX_UNAVAILABLE) */
#define EXIT_HOST_ERROR    71  /* host system error, unhandled VM exit (EX_OSERR) */
#define EXIT_GUEST_PANIC   80  /* guest panic, or a bad guest exit request */
#define EXIT_GUEST_SHUTDOWN 81 /* triple fault, dead (halted) guest */
#define EXIT_TIMEOUT       82  /* --timeout expired */
#define EXIT_INVARIANT     83  /* --check: a violation, or no checkpoint was reached */

#endif
