/*
 * The seccomp filter (sandbox.h), built with libseccomp.  The allowlist is
 * what the run loop, the hypercalls, the inspector and teardown call on
 * both accelerators: file descriptors already open (guest RAM, KVM's vCPU,
 * QEMU's gdbstub socket and logs, --check-json), memory for malloc, the
 * --timeout timer and signals, the console's watcher thread and its
 * terminal or socket, and reaping QEMU.  Nothing opens a file, makes a
 * socket or starts a process after this point; with --console unix:PATH
 * the run loop may also accept a client and, at exit, unlink the socket.
 *
 * A refused call raises SIGSYS (SCMP_ACT_TRAP) rather than killing
 * silently: the handler names the call, from a table resolved before the
 * filter went in (libseccomp's resolver allocates, which a signal handler
 * must not), then dies of SIGSYS.
 */
#include <errno.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <seccomp.h>
#include <jansson.h>

#include "sandbox.h"

#define NR_NAMES 512

static char *names[NR_NAMES];

#if !defined(__SANITIZE_ADDRESS__)
static const char *const allowed[] = {
	/* file descriptors already open */
	"read", "write", "readv", "writev", "pread64", "pwrite64", "lseek", "close",
	"fstat", "newfstatat", "statx", "ftruncate", "fcntl", "ioctl",
	"poll", "ppoll", "select", "pselect6", "sendto", "recvfrom", "sendmsg", "recvmsg",
	/* memory */
	"mmap", "munmap", "mremap", "mprotect", "brk", "madvise",
	/* time, signals, --timeout */
	"clock_gettime", "clock_nanosleep", "nanosleep", "gettimeofday", "setitimer",
	"getitimer", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigsuspend",
	"sigaltstack", "restart_syscall", "futex", "sched_yield",
	/* QEMU: kill and reap; reports; the end */
	"kill", "tgkill", "wait4", "waitid", "getpid", "gettid", "getppid", "getrusage",
	/* glibc's qsort() asks once how much memory there is (the checkers sort) */
	"sysinfo",
	"exit", "exit_group",
};
#endif

#if defined(__SANITIZE_ADDRESS__)
/*
 * The test build (ASan, UBSan, LeakSanitizer) cannot live under the list
 * above: at exit LeakSanitizer stops the world from a ptrace()d clone that
 * reads /proc, and a report starts a symbolizer, with calls that vary with
 * the runtime's version.  So there the filter allows by default and refuses
 * only these, which the runtime never makes and the release filter refuses
 * too; the release build itself runs its allowlist in integ_accel's
 * release-binary test.
 */
static const char *const refused_in_test_build[] = {
	"socket", "socketpair", "connect", "bind", "listen", "accept", "accept4", "fork",
	"vfork", "memfd_create", "open_by_handle_at", "mount", "kexec_load", "init_module",
	"finit_module",
};
#endif

static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	char msg[160];
	int nr = si->si_syscall;
	int n;

	(void)uc;
	n = snprintf(msg, sizeof(msg), "vmm: sandbox: forbidden system call %s (%d): a VMM bug; "
		     "report it, and use --no-sandbox meanwhile\n",
		     nr >= 0 && nr < NR_NAMES && names[nr] ? names[nr] : "?", nr);
	if (write(STDERR_FILENO, msg, n > 0 ? (size_t)n : 0) < 0)
		msg[0] = '\0';
	signal(sig, SIG_DFL);
	raise(sig);
}

/* With --console unix:PATH the run loop accepts clients and, at exit,
 * removes the socket; nothing else needs these. */
static const char *const console_socket_calls[] = { "accept", "accept4", "unlink" };

int sandbox_enter(bool console_socket)
{
	struct sigaction sa;
	scmp_filter_ctx ctx;
	int r;

	/* jansson seeds its hash tables from /dev/urandom at its first object:
	 * the inspector and --bench-json make theirs after this point. */
	json_object_seed(0);
	for (int nr = 0; nr < NR_NAMES; nr++)
		if (!names[nr])
			names[nr] = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) < 0)
		return -errno;

#if defined(__SANITIZE_ADDRESS__)
	const char *const *list = refused_in_test_build;
	size_t n = sizeof(refused_in_test_build) / sizeof(refused_in_test_build[0]);
	uint32_t dflt = SCMP_ACT_ALLOW, act = SCMP_ACT_TRAP;
#else
	const char *const *list = allowed;
	size_t n = sizeof(allowed) / sizeof(allowed[0]);
	uint32_t dflt = SCMP_ACT_TRAP, act = SCMP_ACT_ALLOW;
#endif

	ctx = seccomp_init(dflt);
	if (!ctx)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		int nr = seccomp_syscall_resolve_name(list[i]);
		bool console_call = false;

		for (size_t k = 0; k < sizeof(console_socket_calls) / sizeof(console_socket_calls[0]); k++)
			console_call |= !strcmp(list[i], console_socket_calls[k]);
		/* A call this kernel's table lacks cannot be made anyway. */
		if (nr == __NR_SCMP_ERROR || (console_socket && console_call))
			continue;
		r = seccomp_rule_add(ctx, act, nr, 0);
		if (r < 0)
			goto out;
	}
	for (size_t k = 0; console_socket && act == SCMP_ACT_ALLOW &&
			   k < sizeof(console_socket_calls) / sizeof(console_socket_calls[0]); k++) {
		int nr = seccomp_syscall_resolve_name(console_socket_calls[k]);

		if (nr != __NR_SCMP_ERROR && (r = seccomp_rule_add(ctx, act, nr, 0)) < 0)
			goto out;
	}
	r = seccomp_load(ctx);
out:
	seccomp_release(ctx);
	return r;
}
