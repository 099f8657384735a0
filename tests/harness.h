/*
 * Integration-test harness: run the VMM (the ASan build) on the real guest
 * and capture its exit status, stdout and stderr.
 *
 * Every run gets "--accel $VMM_ACCEL" ("tcg" unless set), so one test body
 * serves each accelerator; the Makefile runs every integration binary once
 * with VMM_ACCEL=tcg and once with VMM_ACCEL=kvm.  Where /dev/kvm is
 * unusable the KVM run of each test is skipped with the reason (Criterion's
 * skip), never silently.  A test's own --accel comes later and wins.
 *
 * Header-only so each tests/X.c binary stays self-contained.  The bound
 * passed to vmm_run() is a hang catcher, not a performance gate.
 */
#ifndef TESTS_HARNESS_H
#define TESTS_HARNESS_H

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct vmm_result {
	int status;      /* exit status, or 128+signal, or -1 on harness timeout */
	char *out;       /* NUL-terminated stdout */
	char *err;       /* NUL-terminated stderr */
	size_t out_len, err_len;
	double secs;
};

static inline double harness_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

static inline void harness_append(char **buf, size_t *len, size_t *cap,
				  const char *data, size_t n)
{
	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		*buf = realloc(*buf, *cap);
		cr_assert_not_null(*buf);
	}
	memcpy(*buf + *len, data, n);
	*len += n;
	(*buf)[*len] = 0;
}

/* Run `argv` (argv[0] is the program) with a bound of `limit_s` seconds. */
static inline struct vmm_result run_cmd(double limit_s, char *const argv[])
{
	struct vmm_result r = { 0 };
	size_t ocap = 0, ecap = 0;
	int po[2], pe[2];

	harness_append(&r.out, &r.out_len, &ocap, "", 0);
	harness_append(&r.err, &r.err_len, &ecap, "", 0);
	cr_assert(pipe(po) == 0 && pipe(pe) == 0);
	double t0 = harness_now();
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		dup2(po[1], 1);
		dup2(pe[1], 2);
		close(po[0]); close(pe[0]); close(po[1]); close(pe[1]);
		execv(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	struct pollfd fds[2] = { { po[0], POLLIN, 0 }, { pe[0], POLLIN, 0 } };
	int open_fds = 2, killed = 0;
	while (open_fds > 0) {
		double left = limit_s - (harness_now() - t0);
		if (left <= 0 && !killed) {
			kill(pid, SIGKILL);
			killed = 1;
		}
		int n = poll(fds, 2, killed ? 1000 : (int)(left * 1000) + 1);
		if (n < 0 && errno == EINTR)
			continue;
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			char buf[65536];
			ssize_t k = read(fds[i].fd, buf, sizeof buf);
			if (k <= 0) {
				close(fds[i].fd);
				fds[i].fd = -1;
				open_fds--;
			} else if (i == 0) {
				harness_append(&r.out, &r.out_len, &ocap, buf, k);
			} else {
				harness_append(&r.err, &r.err_len, &ecap, buf, k);
			}
		}
	}
	int st;
	waitpid(pid, &st, 0);
	r.secs = harness_now() - t0;
	if (killed)
		r.status = -1;
	else if (WIFEXITED(st))
		r.status = WEXITSTATUS(st);
	else
		r.status = 128 + WTERMSIG(st);
	return r;
}

/* The accelerator this run of the tests is for: "tcg" or "kvm". */
static inline const char *harness_accel(void)
{
	const char *a = getenv("VMM_ACCEL");

	return a && *a ? a : "tcg";
}

static inline bool harness_on_kvm(void)
{
	return !strcmp(harness_accel(), "kvm");
}

/* A console request that stays unanswered well past a 0.2 s
 * --console-timeout on every accelerator: a round in which the program
 * `demand` writes *mib MiB without yielding, in a guest of *mem (seconds on
 * TCG; a bigger guest on KVM, where a fault is far cheaper). */
static inline void harness_long_round(const char **mem, unsigned long *mib)
{
	*mem = harness_on_kvm() ? "3G" : "1G";
	*mib = harness_on_kvm() ? 2048 : 768;
}

/* Skip the test (with the reason) when its accelerator is not here. */
static inline void harness_require_accel(void)
{
	if (harness_on_kvm()) {
		int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

		if (fd < 0)
			cr_skip_test("the KVM run is skipped here: /dev/kvm: %s", strerror(errno));
		close(fd);
	}
}

/* mkstemp for a test that runs the VMM: a skipped test creates nothing. */
static inline int harness_mkstemp(char *tmpl)
{
	harness_require_accel();
	return mkstemp(tmpl);
}

/* argv[0] is the VMM: add --accel after it, skipping the test when the
 * accelerator is not here.  Returns the new argument count. */
static inline int harness_add_accel(char **argv, int n)
{
	harness_require_accel();
	argv[n++] = "--accel";
	argv[n++] = (char *)harness_accel();
	return n;
}

/* vmm_run(limit, "-m", "128M", ..., NULL): runs VMM_BIN with the given
 * options followed by GUEST_ELF (unless the last option list ends with
 * HARNESS_NO_GUEST). */
#define HARNESS_NO_GUEST ((char *)1)
static inline struct vmm_result vmm_run(double limit_s, ...)
{
	char *argv[64];
	int n = 0, guest = 1;
	va_list ap;

	argv[n++] = (char *)VMM_BIN;
	n = harness_add_accel(argv, n);
	va_start(ap, limit_s);
	for (char *a; (a = va_arg(ap, char *)) != NULL;) {
		if (a == HARNESS_NO_GUEST) {
			guest = 0;
			continue;
		}
		cr_assert(n < 62);
		argv[n++] = a;
	}
	va_end(ap);
	if (guest)
		argv[n++] = (char *)GUEST_ELF;
	argv[n] = NULL;
	struct vmm_result r = run_cmd(limit_s, argv);
	if (getenv("HARNESS_VERBOSE")) {
		fprintf(stderr, "--- status %d in %.2fs\n--- stdout:\n%s--- stderr:\n%s",
			r.status, r.secs, r.out, r.err);
	}
	return r;
}

/* The block of lines after `header` up to the next line that starts
 * something else: another /proc report, a VMM line, a console echo or
 * JSON reply, a workload's summary. */
static inline char *block_after(const char *s, const char *header)
{
	const char *p = strstr(s, header), *e;
	static const char *const stops[] = { "/proc/", "vmm: ", "check: ", "stress:", "workload",
					     "(vmm) ", "{" };

	if (!p)
		return NULL;
	p += strlen(header);
	for (e = p; *e; e = strchr(e, '\n') + 1) {
		bool stop = false;

		for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
			stop |= !strncmp(e, stops[i], strlen(stops[i]));
		if (stop || !strchr(e, '\n'))
			break;
	}
	return strndup(p, (size_t)(e - p));
}

static inline void vmm_result_free(struct vmm_result *r)
{
	free(r->out);
	free(r->err);
}

/* Assert with the captured output in the failure message. */
#define assert_status(r, want)                                                  \
	cr_assert_eq((r).status, (want), "exit status %d, want %d\nstdout:\n%.4000s\nstderr:\n%.4000s", \
		     (r).status, (want), (r).out, (r).err)
#define assert_out_has(r, s)                                                    \
	cr_assert(strstr((r).out, (s)) != NULL, "stdout lacks \"%s\"\nstdout:\n%.4000s\nstderr:\n%.2000s", \
		  (s), (r).out, (r).err)
#define assert_err_has(r, s)                                                    \
	cr_assert(strstr((r).err, (s)) != NULL, "stderr lacks \"%s\"\nstderr:\n%.4000s\nstdout:\n%.2000s", \
		  (s), (r).err, (r).out)

#endif
