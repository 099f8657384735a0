/*
 * The VMM console: a person (--console), a script (--script FILE) or a
 * client on a Unix socket (--console unix:PATH) inspects the guest, drives
 * an idle guest's allocators and injects faults, with commands modelled on
 * QEMU's monitor and crash (console_parse.h has the table).
 *
 * The guest is never interrupted mid-operation.  Commands that read or
 * write guest memory run only while the vCPU sits in a hypercall made where
 * the guest holds no mm lock: HC_CHECKPOINT (the guest is "held" there
 * until `cont`) or HC_WAIT_REQUEST (run=idle: the guest is "idle" and
 * serves `guest ...` requests through its mailbox).  A command that needs
 * guest memory while the guest runs waits for the next checkpoint, for at
 * most --console-timeout seconds.
 */
#ifndef VMM_CONSOLE_H
#define VMM_CONSOLE_H

#include <stdbool.h>

struct vm;
struct elf_info;

#define CONSOLE_TIMEOUT_DEFAULT 5.0   /* seconds */

struct console_opts {
	bool terminal;           /* --console: the terminal */
	const char *socket;      /* --console unix:PATH: the PATH */
	const char *script;      /* --script FILE ("-": stdin) */
	bool json;               /* --json: every reply one JSON object per line */
	double timeout_s;        /* --console-timeout */
};

static inline bool console_wanted(const struct console_opts *o)
{
	return o->terminal || o->socket || o->script;
}

struct console;

/*
 * Open the input (script file, terminal, or the listening socket, created
 * mode 0600), read the image's layout note, start the input watcher and
 * install the hypercall hooks.  Everything that needs a system call the
 * sandbox forbids happens here.  Returns 0 or an exit status after
 * printing why.
 */
int console_start(struct console **out, struct vm *vm, const struct elf_info *elf,
		  const struct console_opts *o);

/* Between two exits of the run loop: serve input that arrived while the
 * guest ran.  HC_CONTINUE (hypercall.h), or the VMM's exit status. */
int console_poll(struct console *c, struct vm *vm);

/* After the run: the status to exit with, given the run's. */
int console_finish(struct console *c, int status);

/* Stop the watcher, close the input, remove the socket. */
void console_free(struct console *c);

#endif
