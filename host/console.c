/*
 * The VMM console (console.h): input sources, the held / idle / running
 * states, and one handler per command of console_parse.c's table.
 *
 * Threads: the run loop's thread does everything that touches the guest:
 * it reads command lines, runs them and prints the replies, so replies and
 * guest console output come out of one thread in order.  A watcher thread
 * only poll()s the interactive input (terminal, pipe or socket; never a
 * script, which is read only while the guest is held or idle) while the
 * guest runs, and when input arrives, or a command or guest request has
 * waited --console-timeout, it signals the run loop's thread
 * (SIGUSR1), whose handler kicks the vCPU: on KVM only a signal to the
 * vCPU's own thread interrupts KVM_RUN.  The watcher blocks every signal,
 * so the watchdog's SIGALRM and SIGINT/SIGTERM still reach the vCPU's
 * thread.  c->lock protects what the two share (running, waiting,
 * deadline, deadline_kicked, input_ready, the client's fd).
 *
 * Input other than the terminal is read with read(2) into a line buffer:
 * nothing blocks on a partial line, and lines already buffered are never
 * invisible to poll().  A socket client's replies go out with
 * send(MSG_NOSIGNAL | MSG_DONTWAIT), so a client that leaves or stops
 * reading costs the VMM nothing.  Every wait (wait_fds) lets the stop
 * signals in, so --timeout, SIGINT and SIGTERM end the run wherever the
 * console waits.
 *
 * Replies: text as the command prints it, or with --json one object per
 * line built with jansson: {"cmd":…,"ok":true,"result":…} or
 * {"cmd":…,"ok":false,"error":…}.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <signal.h>

#include <editline/readline.h>
#include <jansson.h>

#include "accel.h"
#include "console.h"
#include "console_mailbox.h"
#include "console_parse.h"
#include "elf_load.h"
#include "exitcodes.h"
#include "gfp_flags.h"
#include "hypercall.h"
#include "json_out.h"
#include "inspect/inspect.h"
#include "regs.h"
#include "util.h"
#include "vm.h"
#include "watchdog.h"

enum con_state {
	CON_RUNNING,   /* the vCPU runs the workload */
	CON_HELD,      /* in HC_CHECKPOINT, until cont */
	CON_IDLE,      /* in HC_WAIT_REQUEST (run=idle) */
};

/* Input read with read(2): whole lines come out, a partial line waits. */
struct linebuf {
	int fd;                  /* -1: none */
	char buf[2 * CON_LINE_MAX];
	size_t len;
	bool eof;                /* read() said end of input */
	bool skipping;           /* dropping the rest of an overlong line */
};

struct console {
	struct console_opts o;
	struct vm *vm;

	/* Input: a script, the terminal, stdin as a pipe, or a socket client. */
	bool script;             /* --script: read through in, like a pipe */
	unsigned lineno;         /* of the script */
	bool tty;                /* the terminal, through libedit */
	struct linebuf in;       /* stdin as a pipe, or the socket's client */
	int listen_fd;           /* the socket, or -1 */
	bool eof;                /* the input has ended: quit */

	/* The guest. */
	enum con_state state;
	bool hold;               /* hold at the next checkpoint (stop) */
	uint64_t checkpoints;    /* HC_CHECKPOINTs seen */
	uint64_t held_tag;
	char pending[CON_LINE_MAX + 1]; /* a line that waits for a checkpoint, or "" */
	const struct con_cmd *pending_cmd; /* its command (parsed again when it runs) */
	uint64_t mailbox_pa;     /* run=idle's mailbox, from its last HC_WAIT_REQUEST */
	bool request_out;        /* a guest request is posted; its reply waits */
	bool request_late;       /* ... past --console-timeout: input is read again */
	char request_text[CON_LINE_MAX + 1];

	struct insp_layout lay;
	struct insp insp;
	struct insp_report rep;

	/* Shared with the watcher (lock). */
	pthread_mutex_t lock;
	pthread_t watcher, vcpu_thread;
	bool watcher_up;
	int wake[2];             /* the run loop wakes the watcher */
	bool started;            /* the run loop has begun (run loop only) */
	bool running;            /* the vCPU may be in accel->run: not held, not idle */
	double deadline;         /* when the pending line gives up (0: none) */
	bool deadline_kicked;    /* the watcher has kicked for it */
	bool input_ready;        /* the watcher saw input; the run loop has not looked */
	bool waiting;            /* a line is pending or a request posted: no more input
				    is read until it is served, so commands run in order */
	bool stopping;
};

/* The console of this run, for the SIGUSR1 handler. */
static struct console *volatile the_console;

/* ---- Output ------------------------------------------------------------------ */

/* Everything to the client, or to stdout; a client that has gone is
 * dropped (console_io_lost), never a SIGPIPE. */
static void con_write(struct console *c, const char *s, size_t len);

/* One reply: text printed by the handler, or an error.  Replies go out as
 * whole lines, after the guest's unfinished line is ended. */
static void reply(struct console *c, const char *cmdline, bool ok, const char *text,
		  json_t *result)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f) {
		json_decref(result);
		return;
	}
	if (c->o.json) {
		json_t *o = json_object();
		char *s;

		json_object_set_new(o, "cmd", jout_string(cmdline));
		json_object_set_new(o, "ok", json_boolean(ok));
		if (ok)
			json_object_set_new(o, "result", result ? result : jout_string(text ? text : ""));
		else
			json_object_set_new(o, "error", jout_string(text));
		if (!ok)
			json_decref(result);
		s = json_dumps(o, JSON_COMPACT | JOUT_DUMP_FLAGS);
		fprintf(f, "%s\n", s ? s : "{\"ok\":false,\"error\":\"cannot encode the reply\"}");
		free(s);
		json_decref(o);
	} else {
		if (!ok)
			fprintf(f, "error: %s\n", text);
		else if (text && *text)
			fprintf(f, "%s%s", text, text[strlen(text) - 1] == '\n' ? "" : "\n");
		json_decref(result);
	}
	fclose(f);
	con_write(c, buf, len);
	free(buf);
}

/* ---- Input ------------------------------------------------------------------- */

/* Take one whole line out of b (without its newline) into out, or false.
 * A line longer than the buffer comes out cut, which the parser refuses
 * as too long; the rest of it is dropped. */
static bool lb_take(struct linebuf *b, char *out, size_t outlen)
{
	char *nl;
	size_t n;

	for (;;) {
		nl = memchr(b->buf, '\n', b->len);
		if (!nl && b->len < sizeof(b->buf) && !(b->eof && b->len))
			return false;
		n = nl ? (size_t)(nl - b->buf) + 1 : b->len;
		if (!b->skipping) {
			size_t k = n < outlen ? n : outlen - 1;

			memcpy(out, b->buf, k);
			out[k] = '\0';
		}
		memmove(b->buf, b->buf + n, b->len - n);
		b->len -= n;
		if (b->skipping) {
			b->skipping = !nl;
			continue;
		}
		b->skipping = !nl && !b->eof;
		return true;
	}
}

/* One read(2) of what is there (the caller knows it will not block).
 * 1 read, 0 end of input, -1 nothing (EINTR, EAGAIN) or an error. */
static int lb_fill(struct linebuf *b)
{
	ssize_t n;

	if (b->len == sizeof(b->buf))
		return 1;
	n = read(b->fd, b->buf + b->len, sizeof(b->buf) - b->len);
	if (n > 0) {
		b->len += (size_t)n;
		return 1;
	}
	if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
		/* A reset connection ends the input like a close. */
		b->eof = true;
		return 0;
	}
	return -1;
}

static bool fd_readable(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return fd >= 0 && poll(&p, 1, timeout_ms) == 1;
}

/*
 * Wait until one of n fds is ready for events, or a stop (SIGINT,
 * SIGTERM, --timeout) is requested: true when an fd is ready.  The stop
 * signals are blocked but for ppoll() itself, so one that lands before
 * the wait still ends it (their handlers use SA_RESTART, which a plain
 * blocking read would never notice).
 */
static bool wait_fds(struct pollfd *p, nfds_t n)
{
	sigset_t stops, old;
	bool ready = false;

	sigemptyset(&stops);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGTERM);
	sigaddset(&stops, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &stops, &old);
	while (!stop_requested()) {
		int r = ppoll(p, n, NULL, &old);

		if (r > 0) {
			ready = true;
			break;
		}
		if (r < 0 && errno != EINTR)
			break;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return ready;
}

static void watcher_wake(struct console *c)
{
	if (c->watcher_up && write(c->wake[1], "", 1) < 0) {
		/* The pipe is full: the watcher has wakeups pending anyway. */
	}
}

/* The client is gone (or stalled while the run is stopping): replies
 * until the next one connects are dropped. */
static void drop_client(struct console *c)
{
	pthread_mutex_lock(&c->lock);
	if (c->o.socket && c->in.fd >= 0) {
		close(c->in.fd);
		c->in = (struct linebuf){ .fd = -1 };
	}
	pthread_mutex_unlock(&c->lock);
}

static void con_write(struct console *c, const char *s, size_t len)
{
	if (!c->o.socket) {
		serial_end_line(&c->vm->serial);
		fwrite(s, 1, len, stdout);
		fflush(stdout);
		return;
	}
	/* A client that does not read cannot stall the run: the wait for
	 * room gives up when the run is asked to stop. */
	while (len && c->in.fd >= 0) {
		ssize_t n = send(c->in.fd, s, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		struct pollfd p = { .fd = c->in.fd, .events = POLLOUT };

		if (n > 0) {
			s += n;
			len -= (size_t)n;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n == 0 || errno != EAGAIN || !wait_fds(&p, 1)) {
			drop_client(c);
			return;
		}
	}
}

/*
 * A connection on the socket: the first client becomes the console, any
 * other while it stays gets one line and is closed.  Only when the
 * listening socket is ready: accept4() would block otherwise.
 */
static void accept_client(struct console *c)
{
	static const char busy[] = "error: the console is in use by another client; try again later\n";
	int fd;

	if (!fd_readable(c->listen_fd, 0))
		return;
	fd = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (c->in.fd >= 0) {
		if (send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
			/* The refused client may be gone already: nothing to tell. */
		}
		close(fd);
		return;
	}
	pthread_mutex_lock(&c->lock);
	c->in = (struct linebuf){ .fd = fd };
	pthread_mutex_unlock(&c->lock);
	watcher_wake(c);   /* it may be polling without the new client */
}

/*
 * The next line without blocking, from the pipe or the socket's client
 * (accepting or refusing a connection on the way): 1 with the line, 0 if
 * no whole line is there yet, -1 at the end of the input.
 */
static int poll_line(struct console *c, char *line, size_t len)
{
	if (c->o.socket)
		accept_client(c);
	if (c->in.fd < 0)
		return 0;
	if (!lb_take(&c->in, line, len)) {
		if (fd_readable(c->in.fd, 0) && lb_fill(&c->in) == 0 && !c->in.len) {
			if (!c->o.socket)
				return -1;
			drop_client(c);   /* the client left: wait for the next one */
			return 0;
		}
		if (!lb_take(&c->in, line, len))
			return 0;
	}
	return 1;
}

/*
 * The next line from the pipe or the socket, waiting for it.  The stop
 * signals are blocked but for ppoll() itself, so one that lands before
 * the wait still ends it.
 */
static int wait_line_fd(struct console *c, char *line, size_t len)
{
	int r;

	while (!(r = poll_line(c, line, len))) {
		struct pollfd p[2] = {
			{ .fd = c->in.fd, .events = POLLIN },
			{ .fd = c->listen_fd, .events = POLLIN },
		};

		if (!wait_fds(p, 2))
			return stop_requested() ? -1 : 0;
	}
	return r > 0 ? 1 : 0;  /* a line, or the end of the input */
}

/* libedit's getc: a key, or EOF (readline returns NULL) when the run is
 * asked to stop, which its own signal handling would not see for
 * --timeout's SIGALRM. */
static int tty_getc(FILE *f)
{
	struct pollfd p = { .fd = fileno(f), .events = POLLIN };
	unsigned char ch;

	while (wait_fds(&p, 1)) {
		ssize_t n = read(p.fd, &ch, 1);

		if (n == 1)
			return ch;
		if (n == 0 || errno != EINTR)
			break;
	}
	return EOF;
}

/*
 * The next line, waiting for it: the script's, the terminal's (libedit),
 * or poll_line's.  1 with the line, 0 at the end of the input, -1 when a
 * SIGINT or SIGTERM came or --timeout expired: the run loop, back from the
 * hypercall, ends the run and says why, as it would for a running guest.
 */
static int wait_line(struct console *c, char *line, size_t len)
{
	int r;

	if (c->tty) {
		char *s = readline("(vmm) ");

		if (stop_requested()) {
			free(s);
			return -1;
		}
		if (!s)
			return 0;
		if (*s)
			add_history(s);
		snprintf(line, len, "%s", s);
		free(s);
		return 1;
	}
	r = wait_line_fd(c, line, len);
	if (r > 0 && c->script)
		c->lineno++;
	return r;
}

/* ---- The watcher ------------------------------------------------------------- */

static void on_kick_signal(int sig)
{
	struct console *c = the_console;
	int saved = errno;   /* the kick's send() may set it under the interrupted code */

	(void)sig;
	if (c && c->vm->accel)
		c->vm->accel->kick(c->vm);
	errno = saved;
}

static void *watcher_main(void *opaque)
{
	struct console *c = opaque;

	for (;;) {
		struct pollfd p[3] = { { .fd = c->wake[0], .events = POLLIN } };
		int timeout = -1, n = 1;
		bool kick = false;

		pthread_mutex_lock(&c->lock);
		if (c->stopping) {
			pthread_mutex_unlock(&c->lock);
			return NULL;
		}
		if (c->running && !c->input_ready) {
			/* A script is read only when the guest is held or
			 * idle: it never kicks. */
			int in = c->tty ? STDIN_FILENO : c->script ? -1 : c->in.fd;

			if (in >= 0 && !c->waiting)
				p[n++] = (struct pollfd){ .fd = in, .events = POLLIN };
			if (c->listen_fd >= 0)
				p[n++] = (struct pollfd){ .fd = c->listen_fd, .events = POLLIN };
		}
		if (c->running && c->deadline > 0 && !c->deadline_kicked) {
			double ms = (c->deadline - now_mono()) * 1e3;

			timeout = ms < 0 ? 0 : (int)ms + 1;
		}
		pthread_mutex_unlock(&c->lock);

		if (poll(p, (nfds_t)n, timeout) < 0 && errno != EINTR)
			return NULL;
		if (p[0].revents & POLLIN) {
			char buf[64];

			if (read(c->wake[0], buf, sizeof(buf)) < 0) {
				/* Only a wakeup: the loop re-reads the state. */
			}
		}
		pthread_mutex_lock(&c->lock);
		for (int i = 1; i < n; i++)
			if (c->running && (p[i].revents & (POLLIN | POLLHUP))) {
				c->input_ready = true;
				kick = true;
			}
		if (c->running && c->deadline > 0 && !c->deadline_kicked && now_mono() >= c->deadline) {
			c->deadline_kicked = true;
			kick = true;
		}
		pthread_mutex_unlock(&c->lock);
		if (kick)
			pthread_kill(c->vcpu_thread, SIGUSR1);
	}
}

static void set_running(struct console *c, bool running)
{
	pthread_mutex_lock(&c->lock);
	c->running = running;
	c->input_ready = false;
	pthread_mutex_unlock(&c->lock);
	watcher_wake(c);
}

/* A line waits for the guest, or a posted request for its answer (until
 * it is reported late): no more input is read meanwhile. */
static bool waiting_for_guest(const struct console *c)
{
	return c->pending[0] || (c->request_out && !c->request_late);
}

/* After pending or request_out changed: a pending line gives up at the
 * deadline (0: none). */
static void set_waiting(struct console *c, double deadline)
{
	pthread_mutex_lock(&c->lock);
	c->deadline = deadline;
	c->deadline_kicked = false;
	c->waiting = waiting_for_guest(c);
	pthread_mutex_unlock(&c->lock);
	watcher_wake(c);
}

static void stop_watcher(struct console *c)
{
	if (!c->watcher_up)
		return;
	pthread_mutex_lock(&c->lock);
	c->stopping = true;
	pthread_mutex_unlock(&c->lock);
	watcher_wake(c);
	pthread_join(c->watcher, NULL);
	c->watcher_up = false;
	close(c->wake[0]);
	close(c->wake[1]);
}

/* ---- Commands -------------------------------------------------------------- */

struct cmd_ctx {
	struct console *c;
	const struct con_line *l;
	FILE *f;                 /* the reply's text */
	char err[512];
	int action;              /* CMD_QUIT, CMD_CONT, ACT_POSTED or -1: what the state
				    machine does next */
};

/* A guest request is in the mailbox: let the idle guest carry it out; the
 * reply is printed when it answers. */
#define ACT_POSTED (CMD_NR + 1)

VMM_PRINTF(2, 3) static int fail(struct cmd_ctx *x, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(x->err, sizeof(x->err), fmt, ap);
	va_end(ap);
	return -1;
}

static void help_one(const struct con_cmd *cmd, void *opaque)
{
	FILE *f = opaque;

	fprintf(f, "%s%s%s -- %s\n", cmd->name, *cmd->synopsis ? " " : "", cmd->synopsis, cmd->help);
}

static int cmd_help(struct cmd_ctx *x)
{
	char words[64] = "";

	if (x->l->argc == 0) {
		for (unsigned i = 0; i < CMD_NR; i++)
			help_one(&con_cmds[i], x->f);
		return 0;
	}
	snprintf(words, sizeof(words), "%s%s%s", x->l->argv[0], x->l->argc > 1 ? " " : "",
		 x->l->argc > 1 ? x->l->argv[1] : "");
	if (!con_cmd_match(words, help_one, x->f))
		return fail(x, "help: no command '%s'; 'help' lists them all", words);
	return 0;
}

static const char *state_str(const struct console *c, char *buf, size_t len)
{
	switch (c->state) {
	case CON_HELD:
		snprintf(buf, len, "held at checkpoint %" PRIu64 " (tag %" PRIu64 ")", c->checkpoints,
			 c->held_tag);
		return buf;
	case CON_IDLE:
		return "idle";
	case CON_RUNNING:
		break;
	}
	return "running";
}

static int cmd_info_status(struct cmd_ctx *x)
{
	char buf[96];

	fprintf(x->f, "%s\n", state_str(x->c, buf, sizeof(buf)));
	return 0;
}

static int cmd_stop(struct cmd_ctx *x)
{
	struct console *c = x->c;
	char buf[96];

	if (c->state == CON_RUNNING) {
		c->hold = true;
		fprintf(x->f, "the guest will be held at its next checkpoint\n");
	} else {
		fprintf(x->f, "already %s\n", state_str(c, buf, sizeof(buf)));
	}
	return 0;
}

static int cmd_cont(struct cmd_ctx *x)
{
	switch (x->c->state) {
	case CON_HELD:
		x->action = CMD_CONT;
		x->c->hold = false;
		fprintf(x->f, "running\n");
		return 0;
	case CON_IDLE:
		fprintf(x->f, "idle: the guest waits for 'guest ...' requests; nothing to continue\n");
		return 0;
	case CON_RUNNING:
		break;
	}
	x->c->hold = false;
	fprintf(x->f, "running\n");
	return 0;
}

static int cmd_quit(struct cmd_ctx *x)
{
	x->action = CMD_QUIT;
	return 0;
}

static int cmd_info_registers(struct cmd_ctx *x)
{
	struct vcpu_regs r;
	int e = x->c->vm->accel->get_regs(x->c->vm, &r);

	if (e < 0)
		return fail(x, "cannot read the vCPU's registers: %s", strerror(-e));
	insp_view_registers(&r, x->f);
	return 0;
}

/* The CR3 the vCPU runs on: the address space x and gva2gpa translate in. */
static int current_cr3(struct cmd_ctx *x, uint64_t *cr3)
{
	struct vcpu_regs r;
	int e = x->c->vm->accel->get_regs(x->c->vm, &r);

	if (e < 0)
		return fail(x, "cannot read the vCPU's CR3: %s", strerror(-e));
	*cr3 = r.cr3;
	return 0;
}

static int parse_va(struct cmd_ctx *x, const char *s, uint64_t *va)
{
	return con_parse_u64(s, "virtual address", 0, UINT32_MAX, va, x->err, sizeof(x->err));
}

static int read_state(struct cmd_ctx *x);

/* The address space a command looks at: task pid's, when one is named
 * (argument i), else the vCPU's (or, with kernel, swapper_pg_dir). */
/* The task pid named by argument i, with the guest's state read for it. */
static int arg_pid(struct cmd_ctx *x, unsigned i, int32_t *pid)
{
	uint64_t v;

	if (con_parse_u64(x->l->argv[i], "pid", 0, INT32_MAX, &v, x->err, sizeof(x->err)) ||
	    read_state(x))
		return -1;
	*pid = (int32_t)v;
	return 0;
}

static int target_cr3(struct cmd_ctx *x, unsigned i, bool kernel, uint64_t *cr3)
{
	int32_t pid;

	if (i >= x->l->argc) {
		if (!kernel)
			return current_cr3(x, cr3);
		if (read_state(x))
			return -1;
		*cr3 = x->c->insp.st.swapper_cr3;
		return 0;
	}
	if (arg_pid(x, i, &pid) || insp_task_cr3(&x->c->insp, pid, cr3, x->err, sizeof(x->err)))
		return -1;
	return 0;
}

static int cmd_gva2gpa(struct cmd_ctx *x)
{
	uint64_t va, cr3;

	if (parse_va(x, x->l->argv[0], &va) || target_cr3(x, 1, false, &cr3))
		return -1;
	insp_view_gva2gpa(&x->c->insp, cr3, va, x->f);
	return 0;
}

/* xp and x: an optional /NFU, then the address (and for x, a PID). */
static int cmd_dump(struct cmd_ctx *x)
{
	bool virt = x->l->cmd->id == CMD_X;
	const char *fmt = x->l->argv[0][0] == '/' ? x->l->argv[0] : NULL;
	unsigned at = fmt ? 1 : 0;
	const char *addr = at < x->l->argc ? x->l->argv[at] : NULL;
	struct insp_fmt f;
	uint64_t a, cr3;

	if (!addr)
		return fail(x, "%s: missing argument: the address after the format", x->l->cmd->name);
	if (x->l->argc > at + (virt ? 2 : 1)) {
		if (!virt && !fmt)
			return fail(x, "%s: the format starts with '/' (e.g. /8xb); see 'help %s'",
				    x->l->cmd->name, x->l->cmd->name);
		return fail(x, "%s: too many arguments", x->l->cmd->name);
	}
	if (insp_parse_fmt(fmt ? fmt + 1 : NULL, &f, x->err, sizeof(x->err)))
		return -1;
	if (virt) {
		if (parse_va(x, addr, &a) || target_cr3(x, at + 1, false, &cr3))
			return -1;
		return insp_view_x(&x->c->insp, cr3, a, &f, x->f, x->err, sizeof(x->err));
	}
	if (con_parse_u64(addr, "physical address", 0, UINT64_MAX, &a, x->err, sizeof(x->err)))
		return -1;
	return insp_view_xp(&x->c->insp, a, &f, x->f, x->err, sizeof(x->err));
}

static int read_state(struct cmd_ctx *x)
{
	x->c->insp.rep = NULL;
	if (!insp_read_state(&x->c->insp))
		return fail(x, "cannot read the guest's mm state (mem_map, zones) from its memory");
	return 0;
}

/* info tlb and info mem: the kernel's own address space (swapper_pg_dir),
 * or task PID's. */
static int cmd_kernel_maps(struct cmd_ctx *x)
{
	uint64_t cr3;

	if (target_cr3(x, 0, true, &cr3))
		return -1;
	if (x->l->cmd->id == CMD_INFO_TLB)
		insp_view_tlb(&x->c->insp, cr3, x->f);
	else
		insp_view_mem(&x->c->insp, cr3, x->f);
	return 0;
}

static int cmd_proc_view(struct cmd_ctx *x)
{
	if (read_state(x))
		return -1;
	if (insp_view_by_name(&x->c->insp, x->l->cmd->name, x->f))
		return fail(x, "%s: no such view", x->l->cmd->name);
	return 0;
}

/* /proc/PID/maps of one task. */
static int cmd_maps(struct cmd_ctx *x)
{
	int32_t pid;

	if (arg_pid(x, 0, &pid) || insp_view_maps(&x->c->insp, pid, x->f, x->err, sizeof(x->err)))
		return -1;
	return 0;
}

static int cmd_page(struct cmd_ctx *x)
{
	uint64_t pfn;

	if (read_state(x))
		return -1;
	if (con_parse_u64(x->l->argv[0], "pfn", 0, x->c->insp.st.max_pfn ? x->c->insp.st.max_pfn - 1 : 0,
			  &pfn, x->err, sizeof(x->err)))
		return -1;
	insp_view_page(&x->c->insp, pfn, x->f);
	return 0;
}

static int cmd_check(struct cmd_ctx *x)
{
	struct insp_report *rep = &x->c->rep;
	uint64_t cr3;
	bool want[R_NR] = { false };
	size_t shown = 0;

	for (unsigned i = 0; i < x->l->argc; i++) {
		int r = insp_rule_find(x->l->argv[i]);

		if (r < 0)
			return fail(x, "check: unknown rule '%s'; 'vmm --list-corruptions' names the rules",
				    x->l->argv[i]);
		want[r] = true;
	}
	if (current_cr3(x, &cr3))
		return -1;
	insp_report_reset(rep);
	insp_check_all(&x->c->insp, rep, cr3);
	for (size_t i = 0; i < rep->nr; i++) {
		if (x->l->argc && !want[rep->v[i].rule])
			continue;
		fprintf(x->f, "violation: %s: %s: %s\n", insp_rules[rep->v[i].rule].name,
			rep->v[i].place, rep->v[i].detail);
		shown++;
	}
	fprintf(x->f, "check: %u rules, %zu violation%s%s\n", insp_report_nr_rules(rep), shown,
		shown == 1 ? "" : "s", x->l->argc ? " of the rules named" : "");
	return 0;
}

static int cmd_corrupt(struct cmd_ctx *x)
{
	char what[512];

	if (!insp_corruption_find(x->l->argv[0]))
		return fail(x, "corrupt: unknown kind '%s'; 'vmm --list-corruptions' lists them",
			    x->l->argv[0]);
	if (read_state(x))
		return -1;
	if (insp_corrupt(&x->c->insp, x->l->argv[0], what, sizeof(what), x->err, sizeof(x->err)))
		return -1;
	fprintf(x->f, "corrupted: %s (rule %s)\n", what,
		insp_rules[insp_corruption_find(x->l->argv[0])->rule].name);
	return 0;
}

static int parse_pa(struct cmd_ctx *x, const char *s, uint64_t len, uint8_t **p, uint64_t *pa)
{
	if (con_parse_u64(s, "physical address", 0, UINT64_MAX, pa, x->err, sizeof(x->err)))
		return -1;
	*p = guest_mem_ptr(&x->c->vm->mem, *pa, len);
	if (!*p)
		return fail(x, "physical address %#" PRIx64 " (%" PRIu64 " byte%s) is not guest RAM",
			    *pa, len, len == 1 ? "" : "s");
	return 0;
}

static int cmd_poke(struct cmd_ctx *x)
{
	static const struct { const char *name; unsigned bytes; } units[] = {
		{ "b", 1 }, { "w", 2 }, { "l", 4 }, { "q", 8 },
	};
	unsigned bytes = 4;
	uint64_t pa, v;
	uint8_t *p;

	if (x->l->argc == 3) {
		bytes = 0;
		for (unsigned i = 0; i < 4; i++)
			if (!strcmp(x->l->argv[2], units[i].name))
				bytes = units[i].bytes;
		if (!bytes)
			return fail(x, "poke: bad width '%s': b, w, l or q", x->l->argv[2]);
	}
	if (con_parse_u64(x->l->argv[1], "value", 0,
			  bytes == 8 ? UINT64_MAX : (1ull << (8 * bytes)) - 1, &v, x->err,
			  sizeof(x->err)) ||
	    parse_pa(x, x->l->argv[0], bytes, &p, &pa))
		return -1;
	memcpy(p, &v, bytes);   /* x86 is little-endian, and so is this host */
	fprintf(x->f, "wrote %#" PRIx64 " (%u byte%s) at pa %#" PRIx64 "\n", v, bytes,
		bytes == 1 ? "" : "s", pa);
	return 0;
}

static int cmd_flip(struct cmd_ctx *x)
{
	uint64_t pa, bit;
	uint8_t *p;

	if (con_parse_u64(x->l->argv[1], "bit", 0, 7, &bit, x->err, sizeof(x->err)) ||
	    parse_pa(x, x->l->argv[0], 1, &p, &pa))
		return -1;
	*p ^= (uint8_t)(1u << bit);
	fprintf(x->f, "flipped bit %" PRIu64 " of pa %#" PRIx64 ": now %#04x\n", bit, pa, *p);
	return 0;
}

/* fail page_alloc|slab KEY=VALUE...: all pairs are checked before any is
 * written (fault.c). */
static int cmd_fail(struct cmd_ctx *x)
{
	const char *keys[CON_MAX_ARGS], *values[CON_MAX_ARGS];
	char keybuf[CON_MAX_ARGS][32];
	struct insp_fail_req req;
	size_t n = 0;

	if (read_state(x))
		return -1;
	for (unsigned i = 1; i < x->l->argc; i++, n++) {
		if (!con_split_kv(x->l->argv[i], keybuf[n], sizeof(keybuf[n]), &values[n]))
			return fail(x, "fail: '%s' is not KEY=VALUE; see 'help fail'", x->l->argv[i]);
		keys[n] = keybuf[n];
	}
	if (insp_fail_parse(&x->c->insp, x->l->argv[0], n, keys, values, &req, x->err,
			    sizeof(x->err)) ||
	    insp_fail_apply(&x->c->insp, &req, x->err, sizeof(x->err)))
		return -1;
	insp_fail_show(&x->c->insp, x->f);
	return 0;
}

static int cmd_fail_off(struct cmd_ctx *x)
{
	if (read_state(x) || insp_fail_off(&x->c->insp, x->err, sizeof(x->err)))
		return -1;
	insp_fail_show(&x->c->insp, x->f);
	return 0;
}

static int cmd_fail_show(struct cmd_ctx *x)
{
	if (read_state(x))
		return -1;
	insp_fail_show(&x->c->insp, x->f);
	return 0;
}

/* ---- Requests to an idle guest (console_mailbox.c) ---------------------------- */

static int arg_u32(struct cmd_ctx *x, unsigned i, const char *what, uint32_t *out)
{
	uint64_t v;

	if (con_parse_size(x->l->argv[i], what, 0, UINT32_MAX, &v, x->err, sizeof(x->err)))
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* The optional GFP argument at i, GFP_KERNEL when absent. */
static int arg_gfp(struct cmd_ctx *x, unsigned i, uint32_t *out)
{
	*out = GFP_KERNEL;
	return i < x->l->argc ? con_parse_gfp(x->l->argv[i], out, x->err, sizeof(x->err)) : 0;
}

static int arg_name(struct cmd_ctx *x, unsigned i, char *name)
{
	if (strlen(x->l->argv[i]) >= CON_NAME_MAX)
		return fail(x, "%s: the name '%s' is longer than %d bytes", x->l->cmd->name,
			    x->l->argv[i], CON_NAME_MAX - 1);
	strcpy(name, x->l->argv[i]);
	return 0;
}

static int build_request(struct cmd_ctx *x, struct con_request *r)
{
	static const struct { const char *name; uint32_t kind; } pools[] = {
		{ "slab", CON_POOL_SLAB }, { "kmalloc", CON_POOL_KMALLOC }, { "page", CON_POOL_PAGE },
	};

	switch (x->l->cmd->id) {
	case CMD_GUEST_ALLOC_PAGES:
		r->op = CON_OP_ALLOC_PAGES;
		return arg_u32(x, 0, "order", &r->arg[0]) || arg_gfp(x, 1, &r->arg[1]);
	case CMD_GUEST_FREE_PAGES:
		r->op = CON_OP_FREE_PAGES;
		return arg_u32(x, 0, "id", &r->arg[0]);
	case CMD_GUEST_KMALLOC:
		r->op = CON_OP_KMALLOC;
		return arg_u32(x, 0, "size", &r->arg[0]) || arg_gfp(x, 1, &r->arg[1]);
	case CMD_GUEST_KFREE:
		r->op = CON_OP_KFREE;
		return arg_u32(x, 0, "id", &r->arg[0]);
	case CMD_GUEST_CACHE_CREATE:
		r->op = CON_OP_CACHE_CREATE;
		return arg_name(x, 0, r->name) || arg_u32(x, 1, "size", &r->arg[0]) ||
		       (x->l->argc > 2 && arg_u32(x, 2, "align", &r->arg[1])) ||
		       (x->l->argc > 3 && arg_u32(x, 3, "flags", &r->arg[2]));
	case CMD_GUEST_CACHE_ALLOC:
		r->op = CON_OP_CACHE_ALLOC;
		return arg_name(x, 0, r->name) || arg_gfp(x, 1, &r->arg[1]);
	case CMD_GUEST_CACHE_FREE:
		r->op = CON_OP_CACHE_FREE;
		return arg_u32(x, 0, "id", &r->arg[0]);
	case CMD_GUEST_CACHE_DESTROY:
		r->op = CON_OP_CACHE_DESTROY;
		return arg_name(x, 0, r->name);
	case CMD_GUEST_POOL_CREATE:
		r->op = CON_OP_POOL_CREATE;
		for (unsigned i = 0; i < 3; i++)
			if (!strcmp(x->l->argv[0], pools[i].name))
				r->arg[0] = pools[i].kind;
		if (!r->arg[0])
			return fail(x, "guest mempool_create: bad kind '%s': slab, kmalloc or page",
				    x->l->argv[0]);
		if (arg_u32(x, 2, "min_nr", &r->arg[1]))
			return -1;
		if (r->arg[0] == CON_POOL_SLAB)
			return arg_name(x, 1, r->name);
		return arg_u32(x, 1, r->arg[0] == CON_POOL_PAGE ? "order" : "size", &r->arg[2]);
	case CMD_GUEST_POOL_ALLOC:
		r->op = CON_OP_POOL_ALLOC;
		return arg_u32(x, 0, "pool id", &r->arg[0]) || arg_gfp(x, 1, &r->arg[1]);
	case CMD_GUEST_POOL_FREE:
		r->op = CON_OP_POOL_FREE;
		return arg_u32(x, 0, "id", &r->arg[0]);
	case CMD_GUEST_POOL_DESTROY:
		r->op = CON_OP_POOL_DESTROY;
		return arg_u32(x, 0, "pool id", &r->arg[0]);
	case CMD_GUEST_VMALLOC:
		r->op = CON_OP_VMALLOC;
		if (x->l->argc > 1 && strcmp(x->l->argv[1], "32"))
			return fail(x, "guest vmalloc: '%s' is not 32 (vmalloc_32)", x->l->argv[1]);
		r->arg[1] = x->l->argc > 1;
		return arg_u32(x, 0, "size", &r->arg[0]);
	case CMD_GUEST_VFREE:
		r->op = CON_OP_VFREE;
		return arg_u32(x, 0, "id", &r->arg[0]);
	case CMD_GUEST_VMAP:
		r->op = CON_OP_VMAP;
		r->arg[0] = x->l->argc;
		for (unsigned i = 0; i < x->l->argc; i++)
			if (arg_u32(x, i, "pfn", &r->pfns[i]))
				return -1;
		return 0;
	case CMD_GUEST_KMAP:
	case CMD_GUEST_KMAP_ATOMIC:
		r->op = x->l->cmd->id == CMD_GUEST_KMAP ? CON_OP_KMAP : CON_OP_KMAP_ATOMIC;
		return arg_u32(x, 0, "pfn", &r->arg[0]);
	case CMD_GUEST_KUNMAP:
		r->op = CON_OP_KUNMAP;
		return arg_u32(x, 0, "id", &r->arg[0]);
	case CMD_GUEST_SPAWN:
		r->op = CON_OP_SPAWN;
		return arg_name(x, 0, r->name) ||
		       (x->l->argc > 1 && arg_u32(x, 1, "arg", &r->arg[0])) ||
		       (x->l->argc > 2 && arg_u32(x, 2, "arg2", &r->arg[1]));
	case CMD_GUEST_TOUCH:
		r->op = CON_OP_TOUCH;
		if (x->l->argc > 2 && strcmp(x->l->argv[2], "w"))
			return fail(x, "guest touch: '%s' is not w (a write)", x->l->argv[2]);
		r->arg[2] = x->l->argc > 2;
		return arg_u32(x, 0, "pid", &r->arg[0]) || arg_u32(x, 1, "va", &r->arg[1]);
	case CMD_GUEST_KILL:
		r->op = CON_OP_KILL;
		return arg_u32(x, 0, "pid", &r->arg[0]);
	case CMD_GUEST_SCHEDULE:
		r->op = CON_OP_SCHEDULE;
		r->arg[0] = 1;
		if (x->l->argc && arg_u32(x, 0, "rounds", &r->arg[0]))
			return -1;
		if (r->arg[0] < 1 || r->arg[0] > CON_SCHED_MAX_ROUNDS)
			return fail(x, "guest schedule: %" PRIu32 " rounds: from 1 to %d",
				    r->arg[0], CON_SCHED_MAX_ROUNDS);
		return 0;
	default:
		return fail(x, "%s is not a guest request", x->l->cmd->name);
	}
}

static int cmd_guest(struct cmd_ctx *x)
{
	struct con_request r = { 0 };
	struct vm *vm = x->c->vm;

	if (build_request(x, &r) ||
	    con_mailbox_post(vm, x->c->mailbox_pa, vm->con_mailbox.seq + 1, &r, x->err,
			     sizeof(x->err)))
		return -1;
	x->action = ACT_POSTED;
	return 0;
}

/* The idle guest answered the request posted last: check it, reply. */
static int guest_answered(struct console *c)
{
	struct vm *vm = c->vm;
	struct con_answer a;
	char err[512], *buf = NULL;
	size_t len = 0;
	FILE *f;
	json_t *o;

	c->request_out = c->request_late = false;
	set_waiting(c, 0);
	if (con_mailbox_answer(vm, c->mailbox_pa, vm->con_mailbox.seq, &a, err, sizeof(err))) {
		reply(c, c->request_text, false, err, NULL);
		pr_err("the guest's answer to request %u is invalid (%s); it cannot be trusted "
		       "again, so the run ends", vm->con_mailbox.seq, err);
		return EXIT_GUEST_PANIC;
	}
	f = open_memstream(&buf, &len);
	if (!f)
		return EXIT_HOST_ERROR;
	con_answer_print(&vm->con_mailbox.req, &a, f);
	fclose(f);
	o = json_pack("{s:i, s:I, s:I, s:I, s:I}", "result", (int)a.result, "id", (json_int_t)a.id,
		      "va", (json_int_t)a.va, "pfn", (json_int_t)a.pfn,
		      "nr_live", (json_int_t)a.nr_live);
	if (o)
		json_object_set_new(o, "reply", jout_string(buf));
	reply(c, c->request_text, true, buf, o);
	free(buf);
	return HC_CONTINUE;
}

typedef int (*cmd_fn)(struct cmd_ctx *x);

static const cmd_fn handlers[CMD_NR] = {
	[CMD_HELP] = cmd_help,
	[CMD_QUIT] = cmd_quit,
	[CMD_STOP] = cmd_stop,
	[CMD_CONT] = cmd_cont,
	[CMD_INFO_STATUS] = cmd_info_status,
	[CMD_INFO_REGISTERS] = cmd_info_registers,
	[CMD_GVA2GPA] = cmd_gva2gpa,
	[CMD_XP] = cmd_dump,
	[CMD_X] = cmd_dump,
	[CMD_INFO_TLB] = cmd_kernel_maps,
	[CMD_INFO_MEM] = cmd_kernel_maps,
	[CMD_BUDDYINFO] = cmd_proc_view,
	[CMD_ZONEINFO] = cmd_proc_view,
	[CMD_MEMINFO] = cmd_proc_view,
	[CMD_VMSTAT] = cmd_proc_view,
	[CMD_SLABINFO] = cmd_proc_view,
	[CMD_VMALLOCINFO] = cmd_proc_view,
	[CMD_TASKS] = cmd_proc_view,
	[CMD_MAPS] = cmd_maps,
	[CMD_PKMAP] = cmd_proc_view,
	[CMD_PAGE] = cmd_page,
	[CMD_CHECK] = cmd_check,
	[CMD_CORRUPT] = cmd_corrupt,
	[CMD_FAIL] = cmd_fail,
	[CMD_FAIL_OFF] = cmd_fail_off,
	[CMD_FAIL_SHOW] = cmd_fail_show,
	[CMD_GUEST_ALLOC_PAGES] = cmd_guest,
	[CMD_GUEST_FREE_PAGES] = cmd_guest,
	[CMD_GUEST_KMALLOC] = cmd_guest,
	[CMD_GUEST_KFREE] = cmd_guest,
	[CMD_GUEST_CACHE_CREATE] = cmd_guest,
	[CMD_GUEST_CACHE_ALLOC] = cmd_guest,
	[CMD_GUEST_CACHE_FREE] = cmd_guest,
	[CMD_GUEST_CACHE_DESTROY] = cmd_guest,
	[CMD_GUEST_POOL_CREATE] = cmd_guest,
	[CMD_GUEST_POOL_ALLOC] = cmd_guest,
	[CMD_GUEST_POOL_FREE] = cmd_guest,
	[CMD_GUEST_POOL_DESTROY] = cmd_guest,
	[CMD_GUEST_VMALLOC] = cmd_guest,
	[CMD_GUEST_VFREE] = cmd_guest,
	[CMD_GUEST_VMAP] = cmd_guest,
	[CMD_GUEST_KMAP] = cmd_guest,
	[CMD_GUEST_KUNMAP] = cmd_guest,
	[CMD_GUEST_KMAP_ATOMIC] = cmd_guest,
	[CMD_GUEST_SPAWN] = cmd_guest,
	[CMD_GUEST_TOUCH] = cmd_guest,
	[CMD_GUEST_KILL] = cmd_guest,
	[CMD_GUEST_SCHEDULE] = cmd_guest,
	[CMD_POKE] = cmd_poke,
	[CMD_FLIP] = cmd_flip,
};

/* ---- Running a command --------------------------------------------------------- */

/*
 * Run a parsed command now (the guest is in a state it allows) and reply.
 * Returns -1 to go on, CMD_QUIT, CMD_CONT or ACT_POSTED for the state
 * machine, or -2 when the command failed.
 */
static int run_cmd(struct console *c, const struct con_line *l, const char *text)
{
	struct cmd_ctx x = { .c = c, .l = l, .action = -1 };
	char *buf = NULL;
	size_t len = 0;
	int r;

	x.f = open_memstream(&buf, &len);
	if (!x.f) {
		reply(c, text, false, "out of memory", NULL);
		return -2;
	}
	r = handlers[l->cmd->id](&x);
	fclose(x.f);
	if (r) {
		size_t n = strlen(x.err);

		/* Every error points at the command's synopsis. */
		if (!strstr(x.err, "'help"))
			snprintf(x.err + n, sizeof(x.err) - n, "; see 'help %s'", l->cmd->name);
		reply(c, text, false, x.err, NULL);
	} else if (x.action == ACT_POSTED) {
		/* The reply is the guest's answer, at its next HC_WAIT_REQUEST. */
		snprintf(c->request_text, sizeof(c->request_text), "%s", text);
		c->request_out = true;
		set_waiting(c, now_mono() + c->o.timeout_s);
	} else {
		reply(c, text, true, buf, NULL);
	}
	free(buf);
	return r ? -2 : x.action;
}

/* Why a command cannot run in the guest's current state, or NULL. */
static const char *refusal(const struct console *c, const struct con_cmd *cmd)
{
	if (cmd->need == NEED_IDLE && c->state == CON_HELD)
		return "the guest is held at a checkpoint of a workload; 'guest' requests need run=idle";
	return NULL;
}

/* A script's failed command ends the run: 64, naming the file and line. */
static int script_failed(struct console *c)
{
	pr_err("script %s:%u: the command failed; stopping", c->o.script, c->lineno);
	return EXIT_USAGE;
}

/*
 * One line typed or read: parse, echo (scripts), then run it now, or keep
 * it for the next checkpoint or HC_WAIT_REQUEST while the guest runs.
 * Returns HC_CONTINUE to read on (with *resume set when the guest may go
 * on), or an exit status.
 */
static int handle_line(struct console *c, const char *line, bool *resume)
{
	struct con_line l;
	char err[CON_LINE_MAX + 256], text[CON_LINE_MAX + 1];
	const char *why;
	int r;

	snprintf(text, sizeof(text), "%.*s", (int)strcspn(line, "\r\n"), line);
	r = con_parse_line(line, &l, err, sizeof(err));
	if (r == 0)
		return HC_CONTINUE;
	if (c->o.script && !c->o.json) {
		char echo[CON_LINE_MAX + 16];
		int n = snprintf(echo, sizeof(echo), "(vmm) %s\n", text);

		con_write(c, echo, (size_t)n < sizeof(echo) ? (size_t)n : sizeof(echo) - 1);
	}
	if (r < 0) {
		reply(c, text, false, err, NULL);
		return c->o.script ? script_failed(c) : HC_CONTINUE;
	}
	why = refusal(c, l.cmd);
	if (why) {
		snprintf(err, sizeof(err), "%s: %s; see 'help %s'", l.cmd->name, why, l.cmd->name);
		reply(c, text, false, err, NULL);
		return c->o.script ? script_failed(c) : HC_CONTINUE;
	}
	if (c->state == CON_RUNNING && l.cmd->need != NEED_NOTHING) {
		if (c->pending[0]) {
			snprintf(err, sizeof(err), "%s: '%s' still waits for the guest; one command "
				 "at a time", l.cmd->name, c->pending);
			reply(c, text, false, err, NULL);
			return HC_CONTINUE;
		}
		/* Wait for the next checkpoint (or, for a guest request, the
		 * guest's answer), for at most the timeout. */
		snprintf(c->pending, sizeof(c->pending), "%s", text);
		c->pending_cmd = l.cmd;
		set_waiting(c, now_mono() + c->o.timeout_s);
		return HC_CONTINUE;
	}
	r = run_cmd(c, &l, text);
	if (r == -2)
		return c->o.script ? script_failed(c) : HC_CONTINUE;
	if (r == CMD_QUIT)
		return 0;
	if (r == CMD_CONT || r == ACT_POSTED)
		*resume = true;
	return HC_CONTINUE;
}

/* The line that waited for this quiescent point, if any. */
static int run_pending(struct console *c, bool *resume)
{
	char line[CON_LINE_MAX + 1];

	if (!c->pending[0])
		return HC_CONTINUE;
	snprintf(line, sizeof(line), "%s", c->pending);
	c->pending[0] = '\0';
	set_waiting(c, 0);
	return handle_line(c, line, resume);
}

/* Read and run commands while the guest is held or idle, until one lets
 * it go (cont, or a guest request) or ends the run. */
static int serve(struct console *c)
{
	char line[CON_LINE_MAX + 16];
	bool resume = false;
	int r = run_pending(c, &resume);

	while (r == HC_CONTINUE && !resume) {
		int got = wait_line(c, line, sizeof(line));

		if (got < 0 || (got == 0 && stop_requested()))
			return HC_CONTINUE;   /* the run loop reports the signal or timeout */
		if (got == 0) {
			/* The end of a script or of the terminal's input is quit. */
			c->eof = true;
			return 0;
		}
		r = handle_line(c, line, &resume);
	}
	return r;
}

/* ---- Hooks -------------------------------------------------------------------- */

/* The vCPU sits in a hypercall: the watcher stops kicking it. */
static void enter(struct console *c, enum con_state state)
{
	set_running(c, false);
	c->state = state;
}

/* Back from the hypercall with r: the guest runs on, unless r ends the run. */
static int leave(struct console *c, int r)
{
	if (r != HC_CONTINUE)
		return r;
	c->hold = false;
	c->state = CON_RUNNING;
	set_running(c, true);
	return HC_CONTINUE;
}

static int on_checkpoint(struct vm *vm, uint64_t tag, void *opaque)
{
	struct console *c = opaque;

	(void)vm;
	c->checkpoints++;
	c->held_tag = tag;
	enter(c, CON_HELD);
	/* A script's next command waits for this checkpoint.  So does a
	 * command typed while the guest ran, which holds it here as `stop`
	 * would: what it showed stays true until `cont`. */
	if (c->script)
		return leave(c, c->eof ? HC_CONTINUE : serve(c));
	return leave(c, c->hold || c->pending[0] ? serve(c) : HC_CONTINUE);
}

static int on_wait_request(struct vm *vm, uint64_t mailbox_pa, void *opaque)
{
	struct console *c = opaque;
	int r;

	enter(c, CON_IDLE);
	c->mailbox_pa = mailbox_pa;
	/* Where the guest's vmalloc answers may point (high_memory can only
	 * be known from guest memory), and the zero page: both fixed once the
	 * guest has booted, so read once; not known while the state is
	 * unreadable, which the next request tries again. */
	c->insp.rep = NULL;
	if (!vm->con_mailbox.vmalloc_end && insp_read_state(&c->insp)) {
		insp_vmalloc_range(&c->insp, &vm->con_mailbox.vmalloc_start,
				   &vm->con_mailbox.vmalloc_end);
		vm->con_mailbox.zero_pfn = (uint32_t)insp_vm_zero_pfn(&c->insp);
	}
	if (c->request_out) {
		r = guest_answered(c);
		if (r != HC_CONTINUE)
			return r;
	}
	return leave(c, serve(c));
}

/* The wait for the guest has lasted --console-timeout: say so, and read
 * input again. */
static void give_up_waiting(struct console *c)
{
	char err[CON_LINE_MAX + 256];

	if (c->pending[0]) {
		const char *name = c->pending_cmd->name;

		if (c->request_late)
			/* The guest is busy, not unable: what it carries out is ours. */
			snprintf(err, sizeof(err), "%s: the guest is still carrying out '%s' (late, "
				 "above) and did not get to this within %g s, so it did not run; send "
				 "it again once that answer is in", name, c->request_text,
				 c->o.timeout_s);
		else if (c->pending_cmd->need == NEED_IDLE)
			snprintf(err, sizeof(err), "%s: the guest did not wait for requests within %g "
				 "s, so the request was not made; 'guest' requests need run=idle",
				 name, c->o.timeout_s);
		else
			snprintf(err, sizeof(err), "%s: the guest reached no checkpoint within %g s, "
				 "so the command did not run; the guest keeps running (run=idle or a "
				 "workload that calls checkpoint can be inspected)", name,
				 c->o.timeout_s);
		reply(c, c->pending, false, err, NULL);
		c->pending[0] = '\0';
	} else if (c->request_out && !c->request_late) {
		snprintf(err, sizeof(err), "%s: the guest has not answered within %g s; it is still "
			 "carrying the request out, and its answer will follow when it comes",
			 c->request_text, c->o.timeout_s);
		reply(c, c->request_text, false, err, NULL);
		c->request_late = true;
	}
	set_waiting(c, 0);
}

/* console_poll's work: ready says the watcher saw input. */
static int poll_input(struct console *c, bool ready)
{
	char line[CON_LINE_MAX + 16];
	bool resume = false;
	int r = HC_CONTINUE, got;

	if (c->script)
		return HC_CONTINUE;
	if (waiting_for_guest(c)) {
		/* The next line waits until this one is served; a second
		 * client still gets its refusal at once. */
		if (c->o.socket)
			accept_client(c);
		return HC_CONTINUE;
	}
	if (c->tty) {
		if (!ready && !fd_readable(STDIN_FILENO, 0))
			return HC_CONTINUE;
		/* A line typed while the guest runs (the terminal passes it on
		 * at Enter): libedit reads it. */
		got = wait_line(c, line, sizeof(line));
		if (got < 0)
			return HC_CONTINUE;
		if (got == 0) {
			c->eof = true;
			return 0;
		}
		return handle_line(c, line, &resume);
	}
	while (r == HC_CONTINUE && !waiting_for_guest(c) &&
	       (got = poll_line(c, line, sizeof(line))) != 0) {
		if (got < 0) {
			c->eof = true;
			return 0;
		}
		r = handle_line(c, line, &resume);
	}
	return r;
}

int console_poll(struct console *c, struct vm *vm)
{
	bool ready;
	double deadline;
	int r;

	(void)vm;
	if (stop_requested())
		return HC_CONTINUE;   /* the run loop ends the run */
	if (!c->started) {
		c->started = true;
		set_running(c, true);
	}
	pthread_mutex_lock(&c->lock);
	ready = c->input_ready;
	deadline = c->deadline;
	pthread_mutex_unlock(&c->lock);

	if (deadline > 0 && now_mono() >= deadline)
		give_up_waiting(c);
	r = poll_input(c, ready);
	if (ready) {
		/* Only now that the input is consumed may the watcher look
		 * again: earlier, it would kick a second time for it. */
		pthread_mutex_lock(&c->lock);
		c->input_ready = false;
		pthread_mutex_unlock(&c->lock);
		watcher_wake(c);
	}
	return r;
}

/* ---- Setup ---------------------------------------------------------------------- */

static int open_socket(struct console *c)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	mode_t old;
	int fd;

	if (strlen(c->o.socket) >= sizeof(a.sun_path)) {
		pr_err("--console unix:%s: the path is too long (at most %zu bytes)", c->o.socket,
		       sizeof(a.sun_path) - 1);
		return EXIT_USAGE;
	}
	strcpy(a.sun_path, c->o.socket);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		pr_err_errno("--console unix:%s: cannot create the socket", c->o.socket);
		return EXIT_HOST_ERROR;
	}
	/* Only this user may connect: the mode is set as bind() creates it. */
	old = umask(0177);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		umask(old);
		pr_err_errno("--console unix:%s: cannot bind (remove a stale socket, or pick another "
			     "path)", c->o.socket);
		close(fd);
		return EXIT_HOST_ERROR;
	}
	umask(old);
	if (listen(fd, 4) < 0) {
		pr_err_errno("--console unix:%s: cannot listen", c->o.socket);
		close(fd);
		unlink(c->o.socket);
		return EXIT_HOST_ERROR;
	}
	c->listen_fd = fd;
	return 0;
}

static int start_watcher(struct console *c)
{
	struct sigaction sa;
	sigset_t all, old;
	int r;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_kick_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL) < 0 || pipe2(c->wake, O_CLOEXEC | O_NONBLOCK) < 0)
		return -errno;
	c->vcpu_thread = pthread_self();
	/* The watcher takes no signal: SIGALRM, SIGINT and SIGTERM are for
	 * the vCPU's thread, which they interrupt. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = pthread_create(&c->watcher, NULL, watcher_main, c);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r) {
		close(c->wake[0]);
		close(c->wake[1]);
		return -r;
	}
	c->watcher_up = true;
	return 0;
}

int console_start(struct console **out, struct vm *vm, const struct elf_info *elf,
		  const struct console_opts *o)
{
	struct console *c = calloc(1, sizeof(*c));
	char err[512];
	int status, r;

	if (!c) {
		pr_err("out of memory for the console");
		return EXIT_HOST_ERROR;
	}
	for (unsigned i = 0; i < CMD_NR; i++)
		if (!handlers[i])
			die(EXIT_HOST_ERROR, "console: command '%s' has no handler", con_cmds[i].name);
	c->o = *o;
	c->vm = vm;
	c->listen_fd = -1;
	c->in.fd = -1;
	c->wake[0] = c->wake[1] = -1;
	pthread_mutex_init(&c->lock, NULL);

	if (insp_layout_load(elf, &c->lay, err, sizeof(err))) {
		pr_err("the console needs the guest's layout note: %s", err);
		status = EXIT_BAD_IMAGE;
		goto err;
	}
	insp_init(&c->insp, &vm->mem, &c->lay);
	insp_report_init(&c->rep, 1000);

	if (o->script) {
		c->script = true;
		c->in.fd = strcmp(o->script, "-") ? open(o->script, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
		if (c->in.fd < 0) {
			pr_err_errno("--script %s: cannot open it", o->script);
			status = EXIT_NO_IMAGE;
			goto err_insp;
		}
	} else if (o->socket) {
		status = open_socket(c);
		if (status)
			goto err_insp;
	} else if (isatty(STDIN_FILENO)) {
		/* libedit reads its settings now, before the sandbox. */
		c->tty = true;
		rl_getc_function = tty_getc;
		rl_initialize();
		using_history();
		/* Tab inserts itself: libedit's default completion lists files,
		 * opening directories the sandbox forbids. */
		rl_bind_key('\t', rl_insert);
	} else {
		c->in.fd = STDIN_FILENO;
	}

	/* Even a script needs the watcher: a request's --console-timeout. */
	r = start_watcher(c);
	if (r < 0) {
		errno = -r;
		pr_err_errno("cannot start the console's input watcher");
		status = EXIT_HOST_ERROR;
		goto err_input;
	}
	the_console = c;
	vm_set_console_hooks(vm, on_checkpoint, on_wait_request, c);
	vm->console = c;
	/* The watcher may kick only once the run loop runs the vCPU: the
	 * accelerator does not exist yet.  console_poll() says when. */
	c->state = CON_RUNNING;
	*out = c;
	return 0;

err_input:
	if (c->listen_fd >= 0) {
		close(c->listen_fd);
		unlink(o->socket);
	}
	if (c->script && c->in.fd != STDIN_FILENO)
		close(c->in.fd);
err_insp:
	insp_report_free(&c->rep);
	insp_free(&c->insp);
err:
	pthread_mutex_destroy(&c->lock);
	free(c);
	return status;
}

int console_finish(struct console *c, int status)
{
	char err[CON_LINE_MAX + 128];

	/* Before the accelerator goes: the watcher kicks through it. */
	stop_watcher(c);
	if (c->pending[0]) {
		snprintf(err, sizeof(err), "the guest ended (status %d) before a checkpoint: '%s' "
			 "did not run", status, c->pending);
		reply(c, c->pending, false, err, NULL);
	}
	if (c->request_out) {
		snprintf(err, sizeof(err), "the guest ended (status %d) before it answered",
			 status);
		reply(c, c->request_text, false, err, NULL);
	}
	if (c->script && !c->eof && status <= EXIT_GUEST_MAX)
		pr_info("script %s: the guest ended (status %d) before line %u was read", c->o.script,
			status, c->lineno + 1);
	return status;
}

void console_free(struct console *c)
{
	if (!c)
		return;
	stop_watcher(c);
	the_console = NULL;
	if (c->o.socket) {
		drop_client(c);
		close(c->listen_fd);
		unlink(c->o.socket);
	} else if (c->script && c->in.fd != STDIN_FILENO) {
		close(c->in.fd);
	}
	insp_report_free(&c->rep);
	insp_free(&c->insp);
	pthread_mutex_destroy(&c->lock);
	free(c);
}
