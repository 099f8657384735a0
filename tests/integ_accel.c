/*
 * Integration tests of accelerator choice and of the QEMU TCG backend's
 * process handling: the --accel auto notice, the exit statuses when an
 * accelerator is missing, that a bad image is refused before any
 * accelerator is opened, that QEMU never outlives the VMM, that a QEMU that
 * dies mid-run is reported, that TCG runs are deterministic, and that the
 * walker.accel cross-check runs.
 */
#include <dirent.h>
#include <sys/mman.h>

#include "harness.h"
#include "json_read.h"

#define SMALL "-m", "64M"

static bool kvm_usable(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static void tcg_only(void)
{
	if (harness_on_kvm())
		cr_skip_test("QEMU TCG only: this pass runs on KVM");
}

/* The pid of a child of parent whose command is qemu-system-*, or 0. */
static pid_t qemu_child_of(pid_t parent)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	pid_t found = 0;

	cr_assert_not_null(d);
	while (!found && (de = readdir(d))) {
		char path[300], buf[512], *p;
		int ppid;
		FILE *f;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')) &&
		    sscanf(p + 2, "%*c %d", &ppid) == 1 && ppid == parent &&
		    strstr(buf, "(qemu-system-"))
			found = atoi(de->d_name);
		fclose(f);
	}
	closedir(d);
	return found;
}

struct bg_vmm {
	pid_t pid;
	int out, err;   /* memfds */
};

/* Start the VMM in the background with its output in memfds. */
static struct bg_vmm bg_start(char *const argv[])
{
	struct bg_vmm b = { .out = memfd_create("out", 0), .err = memfd_create("err", 0) };

	cr_assert(b.out >= 0 && b.err >= 0);
	b.pid = fork();
	cr_assert(b.pid >= 0);
	if (b.pid == 0) {
		dup2(b.out, 1);
		dup2(b.err, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	return b;
}

/* Wait for it: its wait status; stderr into err, stdout into out if given. */
static int bg_wait_status(struct bg_vmm *b, char *err, size_t len, char *out, size_t outlen)
{
	int st;
	ssize_t n;

	cr_assert_eq(waitpid(b->pid, &st, 0), b->pid);
	n = pread(b->err, err, len - 1, 0);
	err[n > 0 ? n : 0] = '\0';
	if (out) {
		n = pread(b->out, out, outlen - 1, 0);
		out[n > 0 ? n : 0] = '\0';
	}
	close(b->out);
	close(b->err);
	return st;
}

/* The same as a shell's $?. */
static int bg_wait(struct bg_vmm *b, char *err, size_t len)
{
	int st = bg_wait_status(b, err, len, NULL, 0);

	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Wait (up to 20 s) until the guest has printed `what`: it is running. */
static void wait_for_output(const struct bg_vmm *b, const char *what)
{
	char buf[4096];

	for (int i = 0; i < 2000; i++) {
		ssize_t n = pread(b->out, buf, sizeof(buf) - 1, 0);

		buf[n > 0 ? n : 0] = '\0';
		if (strstr(buf, what))
			return;
		usleep(10000);
	}
	cr_assert_fail("the guest never printed '%s'", what);
}

/* QEMU's pid once the VMM has started it (within 10 s). */
static pid_t wait_for_qemu(pid_t vmm)
{
	for (int i = 0; i < 1000; i++) {
		pid_t q = qemu_child_of(vmm);

		if (q)
			return q;
		usleep(10000);
	}
	cr_assert_fail("the VMM (pid %d) started no QEMU", vmm);
	return 0;
}

Test(accel, auto_says_why_it_falls_back_to_tcg, .timeout = 60)
{
	struct vmm_result r = vmm_run(30, SMALL, "--accel", "auto", "-c", "run=exit:5", NULL);

	assert_status(r, 5);
	if (kvm_usable())
		cr_assert_null(strstr(r.err, "running on"), "%s", r.err);
	else
		assert_err_has(r, "vmm: /dev/kvm: No such file or directory; running on QEMU TCG "
			       "(software emulation)\n");
	vmm_result_free(&r);
}

Test(accel, kvm_without_kvm_exits_69_with_the_reason, .timeout = 60)
{
	if (kvm_usable())
		cr_skip_test("/dev/kvm works here: --accel kvm runs");
	struct vmm_result r = vmm_run(30, SMALL, "--accel", "kvm", NULL);

	assert_status(r, 69);
	assert_err_has(r, "vmm: cannot use KVM: /dev/kvm: No such file or directory\n");
	assert_err_has(r, "--accel tcg runs without KVM");
	vmm_result_free(&r);
}

Test(accel, tcg_without_qemu_exits_69_with_the_hint, .timeout = 60)
{
	setenv("PATH", "/nonexistent", 1);
	struct vmm_result r = vmm_run(30, SMALL, "--accel", "tcg", NULL);

	assert_status(r, 69);
	assert_err_has(r, "vmm: cannot use QEMU TCG (software emulation): qemu-system-x86_64 is "
		       "not on $PATH\nvmm: install qemu-system-x86 (make deps does)\n");
	vmm_result_free(&r);
}

Test(accel, auto_without_kvm_or_qemu_gives_both_reasons, .timeout = 60)
{
	if (kvm_usable())
		cr_skip_test("/dev/kvm works here: auto never needs QEMU");
	setenv("PATH", "/nonexistent", 1);
	struct vmm_result r = vmm_run(30, SMALL, "--accel", "auto", NULL);

	assert_status(r, 69);
	assert_err_has(r, "vmm: cannot use KVM: /dev/kvm: No such file or directory\n");
	assert_err_has(r, "vmm: cannot use QEMU TCG (software emulation): qemu-system-x86_64 is "
		       "not on $PATH\nvmm: install qemu-system-x86 (make deps does)\n");
	/* Nothing claims it is running on TCG when it is not. */
	cr_assert_null(strstr(r.err, "running on"), "%s", r.err);
	vmm_result_free(&r);
}

/* Nothing is opened before the image is known good: no KVM and no QEMU
 * still give the image's own status. */
Test(accel, bad_image_is_refused_before_any_accelerator, .timeout = 60)
{
	setenv("PATH", "/nonexistent", 1);
	struct vmm_result r = vmm_run(30, "--accel", "auto", "/bin/ls", HARNESS_NO_GUEST, NULL);

	assert_status(r, 65);
	assert_err_has(r, "the guest must be a 32-bit i386 executable");
	cr_assert_null(strstr(r.err, "running on"), "%s", r.err);
	vmm_result_free(&r);

	r = vmm_run(30, "--accel", "auto", "-c", "x", "--corrupt", "nope", NULL);
	assert_status(r, 64);
	vmm_result_free(&r);
}

Test(accel, timeout_leaves_no_qemu_behind, .timeout = 60)
{
	tcg_only();
	char *argv[] = { VMM_BIN, "--accel", "tcg", "-m", "64M", "--timeout", "1",
			 "-c", "run=hang", GUEST_ELF, NULL };
	struct bg_vmm b = bg_start(argv);
	pid_t q = wait_for_qemu(b.pid);
	char err[8192];

	cr_assert_eq(bg_wait(&b, err, sizeof(err)), 82, "%s", err);
	cr_assert(strstr(err, "timeout: guest did not exit within 1 s"), "%s", err);
	/* Killed and reaped by the VMM itself, not left to init. */
	cr_assert(kill(q, 0) < 0 && errno == ESRCH, "QEMU pid %d is still there", q);
}

Test(accel, qemu_killed_mid_run_exits_71, .timeout = 60)
{
	tcg_only();
	char *argv[] = { VMM_BIN, "--accel", "tcg", "-m", "64M", "--timeout", "30",
			 "-c", "run=hang", GUEST_ELF, NULL };
	struct bg_vmm b = bg_start(argv);
	pid_t q = wait_for_qemu(b.pid);
	char err[8192];

	wait_for_output(&b, "mmvisor guest:");   /* into the guest's run */
	cr_assert_eq(kill(q, SIGKILL), 0);
	cr_assert_eq(bg_wait(&b, err, sizeof(err)), 71, "%s", err);
	cr_assert(strstr(err, "QEMU (the TCG accelerator) was killed by signal 9 (Killed) under "
			 "the running guest"), "%s", err);
	cr_assert(strstr(err, "vmm: QEMU said:"), "%s", err);
}

/* The VMM itself killed by SIGKILL cannot clean up: PR_SET_PDEATHSIG must. */
Test(accel, qemu_dies_with_a_killed_vmm, .timeout = 60)
{
	tcg_only();
	char *argv[] = { VMM_BIN, "--accel", "tcg", "-m", "64M", "-c", "run=hang", GUEST_ELF, NULL };
	struct bg_vmm b = bg_start(argv);
	pid_t q = wait_for_qemu(b.pid);
	char err[8192];
	int i;

	cr_assert_eq(kill(b.pid, SIGKILL), 0);
	cr_assert_eq(bg_wait(&b, err, sizeof(err)), 128 + SIGKILL);
	for (i = 0; i < 500 && kill(q, 0) == 0; i++)
		usleep(10000);
	cr_assert(i < 500, "QEMU pid %d outlived its VMM", q);
}

/* -icount: the same image and command line print the same bytes. */
Test(accel, runs_are_deterministic, .timeout = 120)
{
	struct vmm_result a = vmm_run(60, SMALL, "--check", "-c",
				      "run=stress:buddy,meminfo,selftest:slab seed=4 ops=400", NULL);
	struct vmm_result b = vmm_run(60, SMALL, "--check", "-c",
				      "run=stress:buddy,meminfo,selftest:slab seed=4 ops=400", NULL);

	assert_status(a, 0);
	assert_status(b, 0);
	cr_assert(a.out_len > 1000, "%s", a.out);
	cr_assert(a.out_len == b.out_len && !memcmp(a.out, b.out, a.out_len),
		  "stdout differs between two identical runs:\n%s\n----\n%s", a.out, b.out);
	vmm_result_free(&a);
	vmm_result_free(&b);
}

/* The walker is compared with the accelerator's own MMU at every checkpoint. */
Test(accel, walker_cross_check_runs_and_holds, .timeout = 60)
{
	char path[] = "/tmp/integ_accel_XXXXXX";
	int fd = harness_mkstemp(path);
	json_t *doc, *rules_run, *last;
	json_int_t violations, translations;

	cr_assert(fd >= 0);
	close(fd);
	struct vmm_result r = vmm_run(30, SMALL, "-c", "run=stress:buddy seed=1 ops=300",
				      "--check-json", path, NULL);
	assert_status(r, 0);
	doc = load_json_file(path);
	unlink(path);
	assert_unpack(doc, "{s:o,s:I,s:I}", "rules_run", &rules_run, "violations", &violations,
		      "walker_accel_translations", &translations);
	last = json_array_get(rules_run, json_array_size(rules_run) - 1);
	cr_assert_str_eq(json_string_value(last), "walker.accel");
	cr_assert_eq(violations, 0);
	/* It compared something: an accelerator that cannot translate would
	 * leave the rule out of rules_run, and this at 0. */
	cr_assert_gt(translations, 100);
	json_decref(doc);
	vmm_result_free(&r);
}

Test(accel, stats_and_help_name_the_accelerator, .timeout = 60)
{
	struct vmm_result r = vmm_run(30, SMALL, "--stats", "-c", "run=exit:0", NULL);

	assert_status(r, 0);
	assert_err_has(r, harness_on_kvm() ? "stats: accelerator           KVM\n" :
			  "stats: accelerator           QEMU TCG (software emulation)\n");
	vmm_result_free(&r);

	r = vmm_run(10, "--help", HARNESS_NO_GUEST, NULL);
	assert_status(r, 0);
	assert_out_has(r, "--accel ACCEL");
	assert_out_has(r, kvm_usable() ? "Accelerator here (auto): KVM (/dev/kvm opens)" :
			  "Accelerator here (auto): QEMU TCG (software emulation), because /dev/kvm: ");
	vmm_result_free(&r);
}

/* console=ttyS0 (one port I/O stop per byte on TCG) prints the same bytes,
 * in the same order relative to the host's own --show output, as the
 * hypercall console. */
Test(accel, serial_console_matches_the_hypercall_console, .timeout = 120)
{
	struct vmm_result a = vmm_run(60, SMALL, "--show", "buddyinfo", "-c",
				      "run=meminfo,checkpoint,exit:0", NULL);
	struct vmm_result b = vmm_run(60, SMALL, "--show", "buddyinfo", "-c",
				      "console=ttyS0 run=meminfo,checkpoint,exit:0", NULL);
	const char *ha = strchr(a.out, '\n'), *hb = strchr(b.out, '\n');

	assert_status(a, 0);
	assert_status(b, 0);
	assert_out_has(b, "vmm: host buddyinfo at checkpoint 1");
	/* The first line echoes the command line, which differs. */
	cr_assert(ha && hb && !strcmp(ha, hb), "serial:\n%s\n----\nhypercall:\n%s", b.out, a.out);
	vmm_result_free(&a);
	vmm_result_free(&b);
}

/* An image that lists no I/O sites runs on TCG, but nothing it says reaches
 * the VMM: the VMM says so up front, then notices the lost hypercalls, and
 * the guest ends halted (its exit and panic calls went nowhere). */
Test(accel, image_without_io_sites_warns_on_tcg, .timeout = 60)
{
	tcg_only();
	char img[] = "/tmp/integ_accel_nosites_XXXXXX";
	int fd = harness_mkstemp(img);

	cr_assert(fd >= 0);
	close(fd);
	char *cp[] = { "/usr/bin/objcopy", "--remove-section=.hypercall_sites", GUEST_ELF, img, NULL };
	struct vmm_result r = run_cmd(30, cp);
	cr_assert_eq(r.status, 0, "%s", r.err);
	vmm_result_free(&r);

	r = vmm_run(30, SMALL, "-c", "run=exit:3", img, HARNESS_NO_GUEST, NULL);
	unlink(img);
	assert_status(r, 81);
	assert_err_has(r, "the guest image has no .hypercall_sites section: its hypercalls and port "
		       "I/O will not reach the VMM on QEMU TCG (software emulation)");
	assert_err_has(r, "from an OUT that .hypercall_sites does not list");
	assert_err_has(r, "hlt with IF=0");
	cr_assert_eq(r.out_len, 0, "%s", r.out);
	vmm_result_free(&r);
}

/*
 * Ctrl-C or kill: the guest is stopped, what it printed reaches stdout (a
 * pipe, so fully buffered: lost if the VMM just died), QEMU is reaped by
 * the VMM, and the VMM exits 128 + the signal by itself.
 */
static void stop_by_signal(int sig, const char *name)
{
	char *argv[] = { VMM_BIN, "--accel", "tcg", "-m", "64M", "-c", "run=banner,hang",
			 GUEST_ELF, NULL };
	struct bg_vmm b = bg_start(argv);
	pid_t q = wait_for_qemu(b.pid);
	char err[8192], out[65536], want[128];
	int st;

	wait_for_output(&b, "MAXMEM");   /* into the guest's hang */
	cr_assert_eq(kill(b.pid, sig), 0);
	st = bg_wait_status(&b, err, sizeof(err), out, sizeof(out));
	cr_assert(WIFEXITED(st), "the VMM died of signal %d instead of exiting", WTERMSIG(st));
	cr_assert_eq(WEXITSTATUS(st), 128 + sig, "%s", err);
	snprintf(want, sizeof(want), "vmm: %s: stopping the guest (again to kill at once)\n", name);
	cr_assert(strstr(err, want), "%s", err);
	cr_assert(strstr(err, "guest RIP"), "%s", err);
	cr_assert(strstr(out, "mmvisor guest: 64 MiB RAM"), "stdout lost: %s", out);
	cr_assert(kill(q, 0) < 0 && errno == ESRCH, "QEMU pid %d is still there", q);
}

Test(accel, sigint_stops_the_guest_and_exits_130, .timeout = 60)
{
	tcg_only();
	stop_by_signal(SIGINT, "SIGINT");
}

Test(accel, sigterm_stops_the_guest_and_exits_143, .timeout = 60)
{
	tcg_only();
	stop_by_signal(SIGTERM, "SIGTERM");
}

/* "Seccomp:\t2" (a filter) in /proc/PID/status, or the field's value. */
static int seccomp_mode(pid_t pid)
{
	char path[64], line[256];
	int mode = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	cr_assert_not_null(f, "%s", path);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Seccomp: %d", &mode) == 1)
			break;
	fclose(f);
	return mode;
}

static void sandbox_modes(const char *extra, int want)
{
	char *argv[] = { VMM_BIN, "--accel", "tcg", "-m", "64M", "-c", "run=hang",
			 (char *)extra, GUEST_ELF, NULL };
	if (!extra) {
		argv[7] = GUEST_ELF;
		argv[8] = NULL;
	}
	struct bg_vmm b = bg_start(argv);
	pid_t q = wait_for_qemu(b.pid);
	char err[8192];

	wait_for_output(&b, "MAXMEM");   /* the guest runs: both are confined by now */
	cr_assert_eq(seccomp_mode(b.pid), want, "the VMM");
	cr_assert_eq(seccomp_mode(q), want, "QEMU");
	cr_assert_eq(kill(b.pid, SIGTERM), 0);
	cr_assert_eq(bg_wait(&b, err, sizeof(err)), 143, "%s", err);
	if (want == 0)
		cr_assert(strstr(err, "vmm: --no-sandbox: the VMM and QEMU run without seccomp "
				 "filters\n"), "%s", err);
}

Test(accel, vmm_and_qemu_run_under_seccomp, .timeout = 60)
{
	tcg_only();
	sandbox_modes(NULL, 2);
}

Test(accel, no_sandbox_says_so_and_filters_nothing, .timeout = 60)
{
	tcg_only();
	sandbox_modes("--no-sandbox", 0);
}

/* A call the filter forbids (made on purpose, through a test-only hook)
 * kills the VMM with SIGSYS and a message naming it. */
Test(accel, forbidden_system_call_is_stopped_and_named, .timeout = 60)
{
	setenv("VMM_SANDBOX_SELFTEST", "1", 1);
	struct vmm_result r = vmm_run(30, SMALL, "-c", "run=exit:0", NULL);

	cr_assert_eq(r.status, 128 + SIGSYS, "status %d\n%s", r.status, r.err);
	assert_err_has(r, "vmm: sandbox: forbidden system call socket (41): a VMM bug; report it, "
		       "and use --no-sandbox meanwhile\n");
	vmm_result_free(&r);
}

/*
 * The release build (./vmm, no sanitizers) runs the strict allowlist that
 * the sanitizer build cannot: every path a run takes must be on it.  Each
 * run ends normally, never by SIGSYS.
 */
Test(accel, release_build_runs_whole_paths_under_its_allowlist, .timeout = 120)
{
	char json[] = "/tmp/integ_accel_rel_XXXXXX", bjson[] = "/tmp/integ_accel_relb_XXXXXX";
	int fd = harness_mkstemp(json), bfd = harness_mkstemp(bjson);
	char *const runs[][16] = {
		{ SRC_ROOT "/vmm", "--accel", (char *)harness_accel(), "-m", "128M", "-c",
		  "highmem=32M", GUEST_ELF, NULL },
		{ SRC_ROOT "/vmm", "--accel", (char *)harness_accel(), "-m", "64M", "--stats",
		  "--check-json", json, "--bench-json", bjson, "--count-insns", "-c",
		  "slab_debug=ZP run=stress:slab seed=2,bench:calibrate", GUEST_ELF, NULL },
		{ SRC_ROOT "/vmm", "--accel", (char *)harness_accel(), "-m", "64M", "--corrupt",
		  "slab-poison", "-c", "slab_debug=ZP run=stress:slab", GUEST_ELF, NULL },
		{ SRC_ROOT "/vmm", "--accel", (char *)harness_accel(), "-m", "64M", "--timeout",
		  "1", "-c", "run=hang", GUEST_ELF, NULL },
		{ SRC_ROOT "/vmm", "--accel", (char *)harness_accel(), "-m", "64M", "-c",
		  "run=hostile", GUEST_ELF, NULL },
	};
	const int want[] = { 0, 0, 83, 82, 0 };

	cr_assert(fd >= 0 && bfd >= 0);
	close(fd);
	close(bfd);
	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		struct vmm_result r = run_cmd(60, (char **)runs[i]);

		cr_assert_eq(r.status, want[i], "run %zu: status %d\n%s", i, r.status, r.err);
		cr_assert_null(strstr(r.err, "forbidden system call"), "run %zu: %s", i, r.err);
		vmm_result_free(&r);
	}
	/* Both reports were written, whole, under the sandbox. */
	json_t *doc = load_json_file(json);

	cr_assert_str_eq(json_string_value(json_object_get(doc, "result")), "ok");
	json_decref(doc);
	doc = load_json_file(bjson);
	cr_assert(json_is_true(json_object_get(doc, "count_insns")));
	json_decref(doc);
	unlink(json);
	unlink(bjson);
}
