/*
 * The console's inputs end to end (host/console.c): one client at a time on
 * the Unix socket (mode 0600, refusal of a second one, removal at exit),
 * pipelined lines run in order, a client that leaves early, a partial line
 * that must not stop --timeout, SIGINT while the console waits, --json for a
 * command that waited for a checkpoint, the wait for a checkpoint that
 * never comes, stdin as a pipe, and no stdin read when the console is off.
 */
#include <jansson.h>
#include <signal.h>
#include <pty.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "harness.h"
#include "exitcodes.h"

#define STRESS "highmem=32M run=stress:buddy seed=2 ops=400"
#define FOREVER "highmem=32M run=stress:buddy seed=1 ops=100000000"

static pid_t spawn_vmm(char **argv)
{
	pid_t pid = fork();

	cr_assert(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		/* A test that fails or times out takes its VMM with it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(null, 0);
		dup2(null, 1);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* The VMM's arguments: a 128M guest with cmdline, the extra options in ap
 * (NULL-terminated), then --console [console] and the image. */
static void console_argv(char *argv[24], const char *cmdline, va_list ap, const char *console)
{
	int n = 0;

	argv[n++] = (char *)VMM_BIN;
	n = harness_add_accel(argv, n);
	argv[n++] = "-m";
	argv[n++] = "128M";
	argv[n++] = "-c";
	argv[n++] = (char *)cmdline;
	for (char *a; (a = va_arg(ap, char *)) != NULL && n < 20;)
		argv[n++] = a;
	argv[n++] = "--console";
	if (console)
		argv[n++] = (char *)console;
	argv[n++] = (char *)GUEST_ELF;
	argv[n] = NULL;
}

/* The VMM serving the console on the socket at path. */
static pid_t spawn_console(const char *path, const char *cmdline, ...)
{
	char unix_path[128], *argv[24];
	va_list ap;

	snprintf(unix_path, sizeof(unix_path), "unix:%s", path);
	va_start(ap, cmdline);
	console_argv(argv, cmdline, ap, unix_path);
	va_end(ap);
	return spawn_vmm(argv);
}

static int connect_to(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	strcpy(a.sun_path, path);
	for (int i = 0; i < 500; i++) {
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0)
			return fd;
		usleep(20000);
	}
	cr_assert_fail("cannot connect to %s: %s", path, strerror(errno));
	return -1;
}

/* Read up to the line that starts with `until`, within 20 s. */
static char *read_until(int fd, const char *until)
{
	char *buf = calloc(1, 65536);
	size_t len = 0;
	double t0 = harness_now();

	while (harness_now() - t0 < 20) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		const char *at;

		if (poll(&p, 1, 100) == 1) {
			ssize_t n = read(fd, buf + len, 65535 - len);

			if (n <= 0)
				break;
			len += (size_t)n;
		}
		at = strstr(buf, until);
		if (at && strchr(at, '\n'))
			return buf;
	}
	return buf;
}

static void say(int fd, const char *line)
{
	cr_assert_eq(write(fd, line, strlen(line)), (ssize_t)strlen(line));
}

static int wait_exit(pid_t pid)
{
	int st;

	for (int i = 0; i < 400; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		usleep(50000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

/* Send line; the reply must be exactly reply. */
static void ask(int fd, const char *line, const char *reply)
{
	char *got;

	say(fd, line);
	got = read_until(fd, reply);
	cr_assert_str_eq(got, reply);
	free(got);
}

/* A client that connects now is told the console is taken. */
static void refused(const char *path)
{
	int b = connect_to(path);
	char *got = read_until(b, "error:");

	cr_assert_str_eq(got, "error: the console is in use by another client; try again later\n");
	free(got);
	close(b);
}

/* quit ends the run with 0. */
static void quit(int fd, pid_t pid)
{
	say(fd, "quit\n");
	cr_assert_eq(wait_exit(pid), 0);
	close(fd);
}

Test(console_io, socket_serves_one_client_and_goes_away, .timeout = 60)
{
	char path[64], *got;
	struct stat sb;
	int a;
	pid_t pid;

	snprintf(path, sizeof(path), "/tmp/integ_console_%d.sock", getpid());
	pid = spawn_console(path, FOREVER, "--console-timeout", "30", NULL);

	a = connect_to(path);
	cr_assert_eq(stat(path, &sb), 0);
	cr_assert(S_ISSOCK(sb.st_mode));
	cr_assert_eq(sb.st_mode & 0777, 0600, "mode %o", sb.st_mode & 0777);

	ask(a, "info status\n", "running\n");

	/* A view waits for the next checkpoint, then the guest stays held. */
	say(a, "buddyinfo\n");
	got = read_until(a, "Node 0, zone  HighMem");
	cr_assert(strstr(got, "Node 0, zone      DMA"), "%s", got);
	free(got);

	refused(path);

	say(a, "info status\n");
	got = read_until(a, "held at checkpoint");
	cr_assert(strstr(got, "held at checkpoint "), "%s", got);
	free(got);
	quit(a, pid);
	cr_assert_neq(stat(path, &sb), 0, "the socket was left behind");
}

Test(console_io, a_command_that_never_gets_a_checkpoint_times_out, .timeout = 60)
{
	char path[64], *got;
	int a;
	pid_t pid;

	snprintf(path, sizeof(path), "/tmp/integ_console_t%d.sock", getpid());
	pid = spawn_console(path, "run=hang", "--console-timeout", "0.5", NULL);

	a = connect_to(path);
	say(a, "meminfo\n");
	got = read_until(a, "error:");
	cr_assert_str_eq(got, "error: meminfo: the guest reached no checkpoint within 0.5 s, so the "
			 "command did not run; the guest keeps running (run=idle or a workload that "
			 "calls checkpoint can be inspected)\n");
	free(got);
	ask(a, "info status\n", "running\n");
	quit(a, pid);
}

/* With the console off the VMM leaves stdin alone: what the shell pipes in
 * is still there for the next reader. */
Test(console_io, nothing_reads_stdin_when_the_console_is_off, .timeout = 60)
{
	char cmd[1024];
	char *argv[] = { "/bin/sh", "-c", cmd, NULL };
	struct vmm_result r;

	harness_require_accel();
	snprintf(cmd, sizeof(cmd), "printf 'quit\\nbuddyinfo\\n' | { %s --accel %s -m 128M -c "
		 "'highmem=32M run=stress:buddy ops=200' %s >/dev/null 2>&1; echo status $?; cat; }",
		 VMM_BIN, harness_accel(), GUEST_ELF);
	r = run_cmd(60, argv);
	assert_status(r, 0);
	cr_assert_str_eq(r.out, "status 0\nquit\nbuddyinfo\n");
	vmm_result_free(&r);
}

/* --console reads stdin; a pipe there (no terminal) gets no prompt and no
 * line editing, and the same commands. */
Test(console_io, console_on_a_pipe, .timeout = 60)
{
	char cmd[1024];
	char *argv[] = { "/bin/sh", "-c", cmd, NULL };
	struct vmm_result r;

	harness_require_accel();
	snprintf(cmd, sizeof(cmd), "printf 'buddyinfo\\ninfo status\\nquit\\n' | %s --accel %s "
		 "-m 128M -c '%s' --console-timeout 30 --console %s", VMM_BIN, harness_accel(), STRESS, GUEST_ELF);
	r = run_cmd(60, argv);
	assert_status(r, 0);
	assert_out_has(r, "Node 0, zone  HighMem ");
	assert_out_has(r, "\nheld at checkpoint 1 (tag 100)\n");
	cr_assert_null(strstr(r.out, "(vmm)"), "%s", r.out);
	vmm_result_free(&r);
}


/* Everything the VMM sends until it closes the connection (20 s at most). */
static char *read_all(int fd)
{
	char *buf = calloc(1, 65536);
	size_t len = 0;
	double t0 = harness_now();

	while (harness_now() - t0 < 20 && len < 65535) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 100) != 1)
			continue;
		n = read(fd, buf + len, 65535 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	return buf;
}

/* Lines that arrive together run one at a time, in order: the view waits
 * for a checkpoint and holds the guest there, and only then are the lines
 * after it read. */
Test(console_io, pipelined_lines_run_in_order, .timeout = 60)
{
	char path[64], *got;
	const char *run, *view, *held;
	int a;
	pid_t pid;

	snprintf(path, sizeof(path), "/tmp/integ_console_p%d.sock", getpid());
	pid = spawn_console(path, FOREVER, "--console-timeout", "30", NULL);
	a = connect_to(path);
	say(a, "info status\nbuddyinfo\ninfo status\ncont\ninfo status\nquit\n");
	got = read_all(a);
	run = strstr(got, "running\n");
	view = strstr(got, "Node 0, zone  HighMem ");
	held = strstr(got, "\nheld at checkpoint ");
	cr_assert(run && view && held && run < view && view < held, "%s", got);
	cr_assert(strstr(held, " (tag 100)\nrunning\nrunning\n"), "%s", got);
	cr_assert_eq(wait_exit(pid), 0);
	free(got);
	close(a);
}

/* With --json, a command that waited for a checkpoint is answered with its
 * own text and its own arguments. */
Test(console_io, a_command_that_waited_keeps_its_arguments, .timeout = 60)
{
	char path[64], *got;
	json_error_t e;
	json_t *o;
	int a;
	pid_t pid;

	snprintf(path, sizeof(path), "/tmp/integ_console_j%d.sock", getpid());
	pid = spawn_console(path, FOREVER, "--json", "--console-timeout", "30", NULL);
	a = connect_to(path);
	say(a, "page 0x100\n");
	got = read_until(a, "{\"cmd\"");
	o = json_loads(got, 0, &e);
	cr_assert_not_null(o, "%s: %s", e.text, got);
	cr_assert_str_eq(json_string_value(json_object_get(o, "cmd")), "page 0x100");
	cr_assert(json_is_true(json_object_get(o, "ok")), "%s", got);
	cr_assert(!strncmp(json_string_value(json_object_get(o, "result")),
			   "pfn 0x100 (pa 0x100000) struct page at 0x", 41), "%s", got);
	json_decref(o);
	free(got);
	quit(a, pid);
}

/* A client that leaves before its reply costs the VMM nothing (no
 * SIGPIPE): the next client gets the console, with the guest held where
 * the first one's command ran. */
Test(console_io, a_client_that_leaves_early_costs_nothing, .timeout = 60)
{
	char path[64], *got = NULL;
	int a, b = -1;
	pid_t pid;

	snprintf(path, sizeof(path), "/tmp/integ_console_e%d.sock", getpid());
	pid = spawn_console(path, FOREVER, "--console-timeout", "30", NULL);
	a = connect_to(path);
	say(a, "buddyinfo\n");
	close(a);
	/* Until the VMM has seen the first one go, a client is refused. */
	for (int i = 0; i < 100; i++) {
		b = connect_to(path);
		say(b, "info status\n");
		got = read_until(b, "");
		if (strncmp(got, "error: the console is in use", 28))
			break;
		free(got);
		got = NULL;
		close(b);
		usleep(100000);
	}
	cr_assert_not_null(got);
	cr_assert(!strncmp(got, "held at checkpoint ", 19), "%s", got);
	free(got);
	quit(b, pid);
}

/* While the guest runs a second client is refused at once, not when the
 * guest next stops. */
Test(console_io, a_second_client_is_refused_while_the_guest_runs, .timeout = 60)
{
	char path[64];
	int a;
	pid_t pid;

	snprintf(path, sizeof(path), "/tmp/integ_console_r%d.sock", getpid());
	pid = spawn_console(path, "run=hang", NULL);
	a = connect_to(path);
	ask(a, "info status\n", "running\n");
	refused(path);
	quit(a, pid);
}

/* Half a line never blocks the VMM: --timeout still ends the run. */
Test(console_io, a_partial_line_does_not_stop_the_timeout, .timeout = 60)
{
	char path[64];
	int a;
	pid_t pid;

	snprintf(path, sizeof(path), "/tmp/integ_console_h%d.sock", getpid());
	pid = spawn_console(path, "run=hang", "--timeout", "3", NULL);
	a = connect_to(path);
	say(a, "buddyi");
	cr_assert_eq(wait_exit(pid), EXIT_TIMEOUT);
	close(a);
}

/* The guest held by a command that waited for a checkpoint. */
static pid_t held_on_socket(const char *path, int *fd, const char *timeout)
{
	pid_t pid = spawn_console(path, FOREVER, "--console-timeout", "30", "--timeout", timeout,
				  NULL);
	char *got;

	*fd = connect_to(path);
	say(*fd, "buddyinfo\ninfo status\n");
	got = read_until(*fd, "held at checkpoint ");
	cr_assert(strstr(got, "Node 0, zone  HighMem ") && strstr(got, "held at checkpoint "),
		  "%s", got);
	free(got);
	return pid;
}

/* --timeout and SIGINT end a run whose guest the console holds, as they
 * end a running one, and the socket is removed. */
Test(console_io, timeout_and_sigint_end_a_held_guest, .timeout = 90)
{
	char path[64];
	struct stat sb;
	int a;
	pid_t pid;

	snprintf(path, sizeof(path), "/tmp/integ_console_s%d.sock", getpid());
	pid = held_on_socket(path, &a, "5");
	cr_assert_eq(wait_exit(pid), EXIT_TIMEOUT);
	cr_assert_neq(stat(path, &sb), 0, "the socket was left behind");
	close(a);

	pid = held_on_socket(path, &a, "60");
	kill(pid, SIGINT);
	cr_assert_eq(wait_exit(pid), 128 + SIGINT);
	cr_assert_neq(stat(path, &sb), 0, "the socket was left behind");
	close(a);
}

/* A client that sends and never reads fills its socket with replies; the
 * VMM must not wait for it forever: --timeout still ends the run. */
Test(console_io, a_client_that_does_not_read_cannot_stall_the_run, .timeout = 60)
{
	char path[64];
	int a;
	pid_t pid;

	snprintf(path, sizeof(path), "/tmp/integ_console_n%d.sock", getpid());
	pid = spawn_console(path, "run=hang", "--timeout", "4", NULL);
	a = connect_to(path);
	for (int i = 0; i < 300; i++)
		say(a, "help\n");
	cr_assert_eq(wait_exit(pid), EXIT_TIMEOUT);
	close(a);
}

/* ---- The terminal: --console on a pty ------------------------------------- */

/* The VMM with --console on a pty, and what it has shown on it but no
 * expect() has matched yet. */
struct term {
	int fd;                  /* the master */
	pid_t pid;
	char buf[65536];
	size_t len;
};

static void spawn_on_pty(struct term *t, const char *cmdline, ...)
{
	char *argv[24];
	va_list ap;

	va_start(ap, cmdline);
	console_argv(argv, cmdline, ap, NULL);
	va_end(ap);
	t->len = 0;
	t->pid = forkpty(&t->fd, NULL, NULL, NULL);
	cr_assert(t->pid >= 0);
	if (t->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		execv(argv[0], argv);
		_exit(127);
	}
	/* Hold the slave open too: once the VMM's side closes, Linux may
	 * drop what it wrote last, which the test still wants to read.  The
	 * test's exit closes it. */
	cr_assert(open(ptsname(t->fd), O_RDWR | O_NOCTTY) >= 0);
}

/* Read the terminal until text appears (20 s at most), which it must;
 * the output up to the end of the match is consumed. */
static void expect(struct term *t, const char *text)
{
	double t0 = harness_now();
	char *at;

	t->buf[t->len] = '\0';
	while (!(at = strstr(t->buf, text)) && harness_now() - t0 < 20 &&
	       t->len < sizeof(t->buf) - 1) {
		struct pollfd p = { .fd = t->fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 100) != 1)
			continue;
		n = read(t->fd, t->buf + t->len, sizeof(t->buf) - 1 - t->len);
		if (n <= 0)
			break;
		t->len += (size_t)n;
		t->buf[t->len] = '\0';
	}
	cr_assert_not_null(at, "the terminal never showed \"%s\" within 20 s:\n%s", text, t->buf);
	at += strlen(text);
	t->len -= (size_t)(at - t->buf);
	memmove(t->buf, at, t->len);
}

/* The prompt; TAB inserts itself instead of completing file names (which
 * the sandbox would kill the VMM for); the end is quit. */
Test(console_io, the_terminal_prompts_and_tab_inserts, .timeout = 60)
{
	static struct term t;

	spawn_on_pty(&t, "highmem=32M run=idle", NULL);
	expect(&t, "(vmm) ");
	say(t.fd, "info status\n");
	expect(&t, "info status\r\nidle\r\n(vmm) ");
	say(t.fd, "hel\tp quit\n");
	expect(&t, "error: unknown command 'hel'; try 'help'\r\n(vmm) ");
	say(t.fd, "quit\n");
	cr_assert_eq(wait_exit(t.pid), 0);
	close(t.fd);
}

/* A line typed while the guest runs on without a single exit is still
 * noticed: the watcher kicks the vCPU for it. */
Test(console_io, the_terminal_is_heard_while_the_guest_runs, .timeout = 60)
{
	static struct term t;

	spawn_on_pty(&t, "run=hang", NULL);
	expect(&t, "MAXMEM");
	say(t.fd, "info status\n");
	expect(&t, "running\r\n");
	say(t.fd, "quit\n");
	cr_assert_eq(wait_exit(t.pid), 0);
	close(t.fd);
}

/* Ctrl-C at the prompt is SIGINT, and --timeout ends a run whose console
 * waits at the prompt. */
Test(console_io, ctrl_c_and_timeout_end_the_run_at_the_prompt, .timeout = 60)
{
	static struct term t;

	spawn_on_pty(&t, "highmem=32M run=idle", NULL);
	expect(&t, "(vmm) ");
	say(t.fd, "buddyinfo\n");
	expect(&t, "Node 0, zone  HighMem ");
	expect(&t, "(vmm) ");
	say(t.fd, "mem\003");
	expect(&t, "vmm: SIGINT: stopping the guest (again to kill at once)");
	cr_assert_eq(wait_exit(t.pid), 128 + SIGINT);
	close(t.fd);

	spawn_on_pty(&t, "highmem=32M run=idle", "--timeout", "3", NULL);
	expect(&t, "(vmm) ");
	expect(&t, "vmm: timeout: guest did not exit within 3 s");
	cr_assert_eq(wait_exit(t.pid), EXIT_TIMEOUT);
	close(t.fd);
}

/* A guest request read while an idle guest is still booting waits for it
 * to ask for requests; one on a guest that never does gives up with a
 * message naming run=idle. */
Test(console_io, a_guest_request_waits_for_the_guest_to_be_idle, .timeout = 60)
{
	char cmd[1024];
	char *argv[] = { "/bin/sh", "-c", cmd, NULL };
	struct vmm_result r;

	harness_require_accel();
	snprintf(cmd, sizeof(cmd), "printf 'info status\\nguest alloc_pages 2\\ninfo status\\nquit\\n' | "
		 "%s --accel %s -m 128M -c 'highmem=32M run=idle' --console-timeout 30 --console %s",
		 VMM_BIN, harness_accel(), GUEST_ELF);
	r = run_cmd(60, argv);
	assert_status(r, 0);
	/* Read while the guest boots: running; the request waits, then runs. */
	assert_out_has(r, "\nrunning\n");
	assert_out_has(r, "\nid 1: order 2 at pfn ");
	assert_out_has(r, ")\nidle\n");
	vmm_result_free(&r);

	snprintf(cmd, sizeof(cmd), "printf 'guest kmalloc 64\\nquit\\n' | %s --accel %s -m 128M "
		 "-c run=hang --console-timeout 0.5 --console %s", VMM_BIN, harness_accel(), GUEST_ELF);
	r = run_cmd(60, argv);
	assert_status(r, 0);
	assert_out_has(r, "error: guest kmalloc: the guest did not wait for requests within 0.5 s, so "
		       "the request was not made; 'guest' requests need run=idle\n");
	vmm_result_free(&r);
}

/* While a late request still runs, a command typed meanwhile waits
 * --console-timeout and is refused naming the request that keeps the guest
 * busy, not run=idle or checkpoints; once the answer is in, it runs. */
Test(console_io, a_command_behind_a_late_request_names_it, .timeout = 90)
{
	const char *mem;
	unsigned long mib;
	char path[64], line[96], *got;
	int a;
	pid_t pid;

	harness_long_round(&mem, &mib);
	snprintf(path, sizeof(path), "/tmp/integ_console_late%d.sock", getpid());
	pid = spawn_console(path, "highmem=32M run=idle", "-m", mem, "--console-timeout", "0.2",
			    NULL);
	a = connect_to(path);
	snprintf(line, sizeof(line), "guest spawn demand %luM\n", mib);
	ask(a, line, "pid 1: demand spawned, stopped before its first instruction\n");
	say(a, "guest schedule 2\n");
	got = read_until(a, "error:");
	cr_assert_str_eq(got, "error: guest schedule 2: the guest has not answered within 0.2 s; it "
			 "is still carrying the request out, and its answer will follow when it "
			 "comes\n");
	free(got);
	say(a, "guest kmalloc 100\n");
	got = read_until(a, "error:");
	cr_assert_str_eq(got, "error: guest kmalloc: the guest is still carrying out 'guest "
			 "schedule 2' (late, above) and did not get to this within 0.2 s, so it did "
			 "not run; send it again once that answer is in\n");
	free(got);
	got = read_until(a, "2 of 2 rounds run");
	cr_assert_str_eq(got, "2 of 2 rounds run\n");
	free(got);
	say(a, "guest kmalloc 100\n");
	got = read_until(a, "id 1:");
	cr_assert(!strncmp(got, "id 1: 100 bytes at pfn 0x", 25), "%s", got);
	free(got);
	quit(a, pid);
}
