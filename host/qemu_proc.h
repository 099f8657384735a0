/*
 * The QEMU child process behind the TCG accelerator: finding the binary,
 * the machine it emulates, starting it paused, and making sure it never
 * outlives the VMM.  Driving the guest through its gdbstub is accel_tcg.c's
 * business; this file only owns the process and what it prints.
 */
#ifndef VMM_QEMU_PROC_H
#define VMM_QEMU_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define QEMU_BIN        "qemu-system-x86_64"
#define QEMU_PHYS_BITS  40      /* -cpu max,phys-bits=: what the guest's CPUID says */

#define QEMU_STR_(x) #x
#define QEMU_STR(x) QEMU_STR_(x)

/*
 * The machine, shared with make bench's TCG floor (scripts/qemu_machine.c
 * prints it), so the floor is the same emulator doing less:
 *   - microvm with no timer, interrupt controller or serial device: nothing
 *     but the guest's own instructions happens;
 *   - -icount shift=0 on that timerless machine: virtual time advances one
 *     tick per retired instruction, so the guest's rdtsc counts them and
 *     every run is deterministic;
 *   - -no-reboot: a triple fault ends the machine instead of resetting it.
 */
#define QEMU_MACHINE_ARGS \
	"-accel", "tcg", \
	"-M", "microvm,pit=off,rtc=off,pic=off,isa-serial=off", \
	"-cpu", "max,phys-bits=" QEMU_STR(QEMU_PHYS_BITS), \
	"-icount", "shift=0,align=off,sleep=off", \
	"-nodefaults", "-no-user-config", "-display", "none", "-no-reboot"

/* QEMU's seccomp filter: no obsolete calls, no setuid, no fork or exec,
 * no priority or affinity changes. */
#define QEMU_SANDBOX "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny"

struct qemu_proc {
	pid_t pid;          /* the child, or 0 once reaped */
	int log_fd;         /* its stdout and stderr: a memfd, or -1 */
	bool dead;          /* it died under us; dead_status says how */
	int dead_status;    /* wait status */
};

/* What the VMM hands QEMU; every fd is inherited by number, nothing by path. */
struct qemu_spawn {
	const char *bin;        /* full path (qemu_find) */
	uint64_t ram_bytes;
	int ram_fd;             /* guest RAM, mapped shared by both */
	int rom_fd;             /* the 64 KiB -bios image */
	int gdb_fd;             /* QEMU's end of the gdbstub socketpair */
	int debugcon_fd;        /* what isa-debugcon at debugcon_port receives */
	uint16_t debugcon_port;
	bool sandbox;           /* QEMU's own seccomp filter (QEMU_SANDBOX) */
};

/* Full path of QEMU_BIN on $PATH into buf: true if found. */
bool qemu_find(char *buf, size_t len);

/*
 * Start QEMU paused (-S) on the machine above, RAM and ROM from s, its
 * gdbstub on s->gdb_fd, a guest triple fault as a stop (-action
 * shutdown=pause) and guest accesses to non-RAM in its log (-d
 * guest_errors).  0 or -errno; on failure nothing is left running.
 */
int qemu_start(struct qemu_proc *q, const struct qemu_spawn *s);

/* After the gdbstub went quiet: reap QEMU if it has died.  True if it had. */
bool qemu_reap_dead(struct qemu_proc *q);

/* "exited with status 1", "was killed by signal 9 (Killed)", or if_alive. */
void qemu_describe(const struct qemu_proc *q, char *buf, size_t len, const char *if_alive);

/* The tail of QEMU's output on stderr, for when it fails. */
void qemu_print_log(const struct qemu_proc *q);

/* Kill and reap QEMU if it runs, close its log.  Idempotent. */
void qemu_stop(struct qemu_proc *q);

#endif
