/*
 * The QEMU child process (qemu_proc.h).  QEMU never outlives the VMM,
 * whatever the exit path: PR_SET_PDEATHSIG covers a SIGKILLed VMM, its own
 * process group keeps a terminal's ^C the VMM's to handle, and qemu_stop()
 * kills and reaps it on every other path.  No file is created anywhere:
 * RAM, ROM and QEMU's output are memfds, the gdbstub a socketpair, each
 * passed as /proc/self/fd/N.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qemu_proc.h"
#include "util.h"

bool qemu_find(char *buf, size_t len)
{
	const char *path = getenv("PATH");

	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		const char *end = strchrnul(path, ':');
		int n = (int)(end - path);

		snprintf(buf, len, "%.*s%s" QEMU_BIN, n, path, n ? "/" : "");
		if (access(buf, X_OK) == 0)
			return true;
		path = *end ? end + 1 : end;
	}
	return false;
}

/* Clear close-on-exec: the child passes fd to QEMU by number. */
static void set_inheritable(int fd)
{
	fcntl(fd, F_SETFD, 0);
}

int qemu_start(struct qemu_proc *q, const struct qemu_spawn *s)
{
	static const char *const machine[] = { QEMU_MACHINE_ARGS };
	char mem[64], backend[160], bios[64], chardev[64], debugcon_file[64], debugcon[64];
	pid_t parent = getpid();
	char *argv[64];
	int n = 0;

	*q = (struct qemu_proc){ .log_fd = memfd_create("mmvisor-qemu-log", MFD_CLOEXEC) };
	if (q->log_fd < 0)
		return -errno;

	snprintf(mem, sizeof(mem), "%" PRIu64 "K", s->ram_bytes >> 10);
	snprintf(backend, sizeof(backend),
		 "memory-backend-file,id=ram,size=%" PRIu64 ",mem-path=/proc/self/fd/%d,share=on",
		 s->ram_bytes, s->ram_fd);
	snprintf(bios, sizeof(bios), "/proc/self/fd/%d", s->rom_fd);
	snprintf(chardev, sizeof(chardev), "socket,id=gdb,fd=%d", s->gdb_fd);
	snprintf(debugcon_file, sizeof(debugcon_file), "file,id=debugcon,path=/proc/self/fd/%d",
		 s->debugcon_fd);
	snprintf(debugcon, sizeof(debugcon), "isa-debugcon,iobase=%#x,chardev=debugcon",
		 s->debugcon_port);

	argv[n++] = (char *)s->bin;
	for (size_t i = 0; i < ARRAY_SIZE(machine); i++)
		argv[n++] = (char *)machine[i];
	argv[n++] = "-m";
	argv[n++] = mem;
	argv[n++] = "-object";
	argv[n++] = backend;
	argv[n++] = "-machine";
	argv[n++] = "memory-backend=ram";
	argv[n++] = "-bios";
	argv[n++] = bios;
	argv[n++] = "-S";
	argv[n++] = "-action";
	argv[n++] = "shutdown=pause";
	argv[n++] = "-d";
	argv[n++] = "guest_errors";
	argv[n++] = "-chardev";
	argv[n++] = debugcon_file;
	argv[n++] = "-device";
	argv[n++] = debugcon;
	argv[n++] = "-chardev";
	argv[n++] = chardev;
	argv[n++] = "-gdb";
	argv[n++] = "chardev:gdb";
	if (s->sandbox) {
		argv[n++] = "-sandbox";
		argv[n++] = QEMU_SANDBOX;
	}
	argv[n] = NULL;

	q->pid = fork();
	if (q->pid < 0) {
		int err = errno;

		q->pid = 0;
		close(q->log_fd);
		q->log_fd = -1;
		return -err;
	}
	if (q->pid == 0) {
		/* Never outlive the VMM, even if it is SIGKILLed; and if it
		 * already was, before the line above, go now. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		setpgid(0, 0);
		dup2(q->log_fd, STDOUT_FILENO);
		dup2(q->log_fd, STDERR_FILENO);
		set_inheritable(s->ram_fd);
		set_inheritable(s->rom_fd);
		set_inheritable(s->debugcon_fd);
		set_inheritable(s->gdb_fd);
		execv(s->bin, argv);
		fprintf(stderr, "cannot execute %s: %s\n", s->bin, strerror(errno));
		_exit(127);
	}
	return 0;
}

bool qemu_reap_dead(struct qemu_proc *q)
{
	int st;

	if (q->dead)
		return true;
	if (q->pid <= 0)
		return false;
	/* The socket's EOF may beat the exit by a moment. */
	for (int i = 0; i < 1000; i++) {
		pid_t r = waitpid(q->pid, &st, WNOHANG);

		if (r == q->pid) {
			q->pid = 0;
			q->dead = true;
			q->dead_status = st;
			return true;
		}
		if (r < 0)
			return false;
		usleep(1000);
	}
	return false;
}

void qemu_describe(const struct qemu_proc *q, char *buf, size_t len, const char *if_alive)
{
	int st = q->dead_status;

	if (!q->dead)
		snprintf(buf, len, "%s", if_alive);
	else if (WIFEXITED(st))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, len, "was killed by signal %d (%s)", WTERMSIG(st),
			 strsignal(WTERMSIG(st)));
	else
		snprintf(buf, len, "stopped (wait status %#x)", st);
}

void qemu_print_log(const struct qemu_proc *q)
{
	char buf[4096];
	off_t size = q->log_fd < 0 ? 0 : lseek(q->log_fd, 0, SEEK_END);
	off_t from = size > (off_t)sizeof(buf) - 1 ? size - (off_t)sizeof(buf) + 1 : 0;
	ssize_t n = size > 0 ? pread(q->log_fd, buf, sizeof(buf) - 1, from) : 0;

	if (n <= 0) {
		pr_info("QEMU printed nothing");
		return;
	}
	buf[n] = '\0';
	fprintf(stderr, "vmm: QEMU said:\n%s%s", buf, buf[n - 1] == '\n' ? "" : "\n");
}

void qemu_stop(struct qemu_proc *q)
{
	if (q->pid > 0) {
		kill(q->pid, SIGKILL);
		while (waitpid(q->pid, NULL, 0) < 0 && errno == EINTR)
			;
		q->pid = 0;
	}
	if (q->log_fd >= 0)
		close(q->log_fd);
	q->log_fd = -1;
}
