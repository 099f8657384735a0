/*
 * The QEMU TCG accelerator, for machines without /dev/kvm: QEMU runs the
 * vCPU in a child process; the VMM keeps guest RAM (a memfd both map) and
 * drives QEMU through its gdbstub over a private socketpair (gdb_remote.c).
 *
 *   - Machine and process: qemu_proc.c.  Its -icount makes the guest's
 *     rdtsc an instruction count; gdbstub stops do not advance it.
 *   - Boot: QEMU starts paused (-S); the VMM then writes the boot area and
 *     image into the shared RAM as for KVM, and a 64 KiB -bios whose reset
 *     vector far-jumps to a real-mode stub in low RAM (tcg_boot.S) enters
 *     compatibility mode with the same tables.
 *   - Host writes to guest RAM bypass TCG: QEMU notices its own stores to
 *     code it has translated, not the VMM's.  So the VMM writes code only
 *     before the first instruction runs; its later writes (hypercall
 *     replies, --corrupt) are to data.
 *   - Port I/O: TCG cannot trap it, so the guest lists every IN/OUT in
 *     HC_SITES_SECTION (abi.h) and the VMM sets a breakpoint on each.  At a
 *     stop it reads RIP, RAX and RDX, reports a VM_EXIT_IO that the run
 *     loop handles exactly as under KVM, then resumes after the instruction
 *     with one packet ("c ADDR"; an IN first writes %eax).  The OUT itself
 *     never executes.
 *   - Triple fault: -action shutdown=pause makes it a stop with signal 3.
 *   - --timeout: the kick sends the gdbstub's interrupt byte.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abi.h"
#include "accel.h"
#include "boot.h"
#include "elf_load.h"
#include "exitcodes.h"
#include "gdb_remote.h"
#include "qemu_proc.h"
#include "tcg_boot.h"
#include "util.h"
#include "vm.h"

#define GDB_START_MS    20000     /* QEMU start to a ready gdbstub, with margin for ASan/CI */
#define GDB_REPLY_MS    10000     /* any reply of a stopped target */
#define GDB_MAX_REGS    160
#define REPLY_MAX       16384     /* a 'g' reply is ~1.2 KB of hex on x86_64 */
#define XML_MAX         65536
#define LOG_MAX         (1 << 20) /* QEMU's log kept between two stops, bytes */

enum { R_RAX, R_RBX, R_RCX, R_RDX, R_RSI, R_RDI, R_RBP, R_RSP,
       R_R8, R_R9, R_R10, R_R11, R_R12, R_R13, R_R14, R_R15,
       R_RIP, R_EFLAGS, R_CS, R_SS, R_DS, R_ES, R_FS, R_GS, R_FS_BASE, R_GS_BASE,
       R_CR0, R_CR2, R_CR3, R_CR4, R_CR8, R_EFER, R_NR };

/* QEMU's names (gdb-xml/i386-64bit.xml); the first three are required. */
static const char *const reg_names[R_NR] = {
	"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
	"rip", "eflags", "cs", "ss", "ds", "es", "fs", "gs", "fs_base", "gs_base",
	"cr0", "cr2", "cr3", "cr4", "cr8", "efer",
};

struct tcg_state {
	struct qemu_proc qemu;
	int gdb_fd;                 /* our end of the gdbstub socketpair */
	int rom_fd;                 /* the -bios image */
	off_t log_seen;             /* bytes of QEMU's log check_guest_errors() has read */
	int unlisted_fd;            /* what isa-debugcon on HC_PORT received */
	bool unlisted_seen;         /* QEMU logged a wider access to isa-debugcon */
	bool warned_unlisted;
	struct gdb_conn gdb;
	struct gdb_reg regs[GDB_MAX_REGS];
	unsigned nr_regs;
	int reg[R_NR];              /* index into regs[], or -1 */
	size_t g_bytes;             /* a 'g' reply must hold this many bytes */

	const struct pio_site *at_site; /* stopped at this I/O site, not resumed yet */
	uint64_t site_rax;
	uint8_t io_data[4];         /* the access's data, little-endian like %eax */

	volatile sig_atomic_t running;  /* 'c' sent, no stop read yet */
	volatile sig_atomic_t kicked;
	bool broken;                /* an exchange was abandoned midway: replies
				       may be out of step, so nothing more is asked */
	char reply[REPLY_MAX];
};

static struct tcg_state *tcg_of(struct vm *vm)
{
	return vm->accel_priv;
}

/* ---- ROM ---------------------------------------------------------------------- */

/* A zeroed 64 KiB ROM whose last 16 bytes are the reset vector. */
static int make_rom(void)
{
	size_t n = tcg_reset_vector_end - tcg_reset_vector;
	uint8_t *rom;
	uint16_t target[2] = { 0, BOOT_STUB_PA >> 4 };
	int fd = memfd_create("mmvisor-bios", MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	rom = calloc(1, TCG_BIOS_SIZE);
	if (!rom) {
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	memcpy(rom + TCG_RESET_IP, tcg_reset_vector, n);
	memcpy(rom + TCG_RESET_IP + (tcg_reset_target - tcg_reset_vector), target, sizeof(target));
	if (pwrite(fd, rom, TCG_BIOS_SIZE, 0) != TCG_BIOS_SIZE) {
		free(rom);
		close(fd);
		errno = EIO;
		return -1;
	}
	free(rom);
	return fd;
}

/* ---- gdbstub ----------------------------------------------------------------- */

/* A reply to a command sent while stopped; <0 means the stub is gone. */
static int command(struct tcg_state *t, const char *pkt)
{
	return gdb_command(&t->gdb, pkt, t->reply, sizeof(t->reply), GDB_REPLY_MS);
}

static int expect_ok(struct tcg_state *t, const char *what)
{
	int r = gdb_recv(&t->gdb, t->reply, sizeof(t->reply), GDB_REPLY_MS);

	if (r < 0)
		return r;
	if (strcmp(t->reply, "OK")) {
		warn("QEMU gdbstub refused %s: '%.60s' (QEMU 7.2 is the version tested)", what,
		     t->reply);
		return -EPROTO;
	}
	return 0;
}

/*
 * The register layout from QEMU's target description: target.xml and the
 * files it includes, in order.  QEMU answers p/P only after this read.
 */
static int read_target_description(struct tcg_state *t)
{
	char *xml = malloc(XML_MAX), *sub = malloc(XML_MAX);
	int r;

	if (!xml || !sub) {
		r = -ENOMEM;
		goto out;
	}
	r = gdb_qxfer(&t->gdb, "features", "target.xml", xml, XML_MAX, GDB_REPLY_MS);
	if (r < 0)
		goto out;
	for (const char *p = xml; (p = strstr(p, "<xi:include")); p++) {
		const char *h = strstr(p, "href=\""), *e;
		char annex[128];

		if (!h)
			break;
		h += 6;
		e = strchr(h, '"');
		if (!e || e - h >= (long)sizeof(annex))
			break;
		snprintf(annex, sizeof(annex), "%.*s", (int)(e - h), h);
		r = gdb_qxfer(&t->gdb, "features", annex, sub, XML_MAX, GDB_REPLY_MS);
		if (r < 0)
			goto out;
		r = gdb_parse_regs(sub, t->regs, &t->nr_regs, GDB_MAX_REGS);
		if (r < 0)
			goto out;
	}
	r = gdb_parse_regs(xml, t->regs, &t->nr_regs, GDB_MAX_REGS);
	if (r < 0)
		goto out;
	for (unsigned i = 0; i < R_NR; i++) {
		t->reg[i] = gdb_find_reg(t->regs, t->nr_regs, reg_names[i]);
		if (t->reg[i] >= 0 && t->regs[t->reg[i]].bitsize % 8 == 0 &&
		    t->regs[t->reg[i]].bitsize <= 64) {
			const struct gdb_reg *g = &t->regs[t->reg[i]];

			if (g->offset + g->bitsize / 8 > t->g_bytes)
				t->g_bytes = g->offset + g->bitsize / 8;
		} else {
			t->reg[i] = -1;
		}
	}
	if (t->reg[R_RAX] < 0 || t->reg[R_RDX] < 0 || t->reg[R_RIP] < 0)
		r = -EPROTO;
out:
	free(xml);
	free(sub);
	return r;
}

/* Read one register from a 'g' reply already in t->reply; 0 if absent. */
static uint64_t g_reg(struct tcg_state *t, int which)
{
	const struct gdb_reg *g;
	uint64_t v = 0;

	if (t->reg[which] < 0)
		return 0;
	g = &t->regs[t->reg[which]];
	if (gdb_hex_to_le(t->reply + 2 * g->offset, g->bitsize / 8, &v) < 0)
		return 0;
	return v;
}

/* 'g': every register, into t->reply.  0 or -errno. */
static int read_all_regs(struct tcg_state *t)
{
	int r = command(t, "g");

	if (r < 0)
		return r;
	if ((size_t)r < 2 * t->g_bytes || t->reply[0] == 'E')
		return -EPROTO;
	return 0;
}

/*
 * A QEMU monitor (HMP) command through the gdbstub's qRcmd, while stopped:
 * its output, which arrives as 'O'+hex packets before the final OK, into
 * text.  0 or -errno.
 */
static int monitor_command(struct tcg_state *t, const char *cmd, char *text, size_t len)
{
	char pkt[160];
	size_t tl = 0, n = strlen(cmd);
	int r;

	if (6 + 2 * n + 1 > sizeof(pkt) || !len)
		return -EINVAL;
	strcpy(pkt, "qRcmd,");
	for (size_t i = 0; i < n; i++)
		snprintf(pkt + 6 + 2 * i, 3, "%02x", (unsigned char)cmd[i]);
	r = gdb_send(&t->gdb, pkt);
	while (r >= 0) {
		r = gdb_recv(&t->gdb, t->reply, sizeof(t->reply), GDB_REPLY_MS);
		if (r < 0)
			return r;
		if (t->reply[0] != 'O' || !strcmp(t->reply, "OK"))
			break;
		for (const char *h = t->reply + 1; h[0] && h[1] && tl + 1 < len; h += 2) {
			uint64_t c;

			if (gdb_hex_to_le(h, 1, &c) < 0)
				break;
			text[tl++] = (char)c;
		}
	}
	text[tl] = '\0';
	return strcmp(t->reply, "OK") ? -EOPNOTSUPP : 0;
}

/*
 * What an I/O stop needs, RIP, RAX and RDX, as three 'p' packets in one
 * write: QEMU answers them in one wakeup, and builds far less than a 'g'.
 */
static int read_io_regs(struct tcg_state *t, uint64_t v[3])
{
	static const int which[3] = { R_RIP, R_RAX, R_RDX };
	char pkt[16];
	int r = 0;

	for (int i = 0; i < 3 && r >= 0; i++) {
		snprintf(pkt, sizeof(pkt), "p%x", t->regs[t->reg[which[i]]].regnum);
		r = gdb_queue(&t->gdb, pkt);
	}
	if (r >= 0)
		r = gdb_flush(&t->gdb);
	for (int i = 0; i < 3 && r >= 0; i++) {
		r = gdb_recv(&t->gdb, t->reply, sizeof(t->reply), GDB_REPLY_MS);
		if (r >= 0 && gdb_hex_to_le(t->reply, t->regs[t->reg[which[i]]].bitsize / 8, &v[i]) < 0)
			r = -EPROTO;
	}
	return r < 0 ? r : 0;
}

/* ---- accel_ops ---------------------------------------------------------------- */

static void tcg_release(struct tcg_state *t)
{
	qemu_stop(&t->qemu);
	gdb_free(&t->gdb);
	if (t->gdb_fd >= 0)
		close(t->gdb_fd);
	if (t->rom_fd >= 0)
		close(t->rom_fd);
	if (t->unlisted_fd >= 0)
		close(t->unlisted_fd);
	free(t);
}

static int tcg_create(struct vm *vm, struct accel_err *why)
{
	struct tcg_state *t;
	char qemu[4096];
	int sv[2] = { -1, -1 };
	int r;

	if (!qemu_find(qemu, sizeof(qemu))) {
		snprintf(why->reason, sizeof(why->reason), QEMU_BIN " is not on $PATH");
		snprintf(why->hint, sizeof(why->hint), "install qemu-system-x86 (make deps does)");
		return EXIT_NO_ACCEL;
	}
	if (vm->mem.fd < 0) {
		pr_err("guest RAM is not a memfd, so QEMU cannot map it");
		return EXIT_HOST_ERROR;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		pr_err("out of memory");
		return EXIT_HOST_ERROR;
	}
	t->gdb_fd = t->rom_fd = t->unlisted_fd = t->qemu.log_fd = -1;
	gdb_init(&t->gdb, -1);
	t->rom_fd = make_rom();
	t->unlisted_fd = memfd_create("mmvisor-hc-unlisted", MFD_CLOEXEC);
	if (t->rom_fd < 0 || t->unlisted_fd < 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		pr_err_errno("cannot set up QEMU's ROM and gdbstub socket (check ulimit -n)");
		goto err;
	}
	t->gdb_fd = sv[0];
	r = qemu_start(&t->qemu, &(struct qemu_spawn){
		.bin = qemu, .ram_bytes = vm->mem.ram_bytes, .ram_fd = vm->mem.fd,
		.rom_fd = t->rom_fd, .gdb_fd = sv[1],
		/* An OUT to the hypercall port that has no breakpoint
		 * executes and lands here: see check_unlisted(). */
		.debugcon_fd = t->unlisted_fd, .debugcon_port = HC_PORT, .sandbox = vm->sandbox });
	close(sv[1]);
	if (r < 0) {
		errno = -r;
		pr_err_errno("cannot start %s (check ulimit -u and free memory)", qemu);
		goto err;
	}
	gdb_init(&t->gdb, t->gdb_fd);
	/* The only signal that matters, the watchdog's, acts through kick(). */
	t->gdb.retry_eintr = true;

	/*
	 * The handshake: features, no acks where the stub offers it (QEMU 7.2
	 * does not: an ack is one more byte each way, not a round trip), the
	 * register layout.
	 */
	r = gdb_command(&t->gdb, "qSupported:xmlRegisters=i386", t->reply, sizeof(t->reply),
			GDB_START_MS);
	if (r >= 0 && strstr(t->reply, "QStartNoAckMode+")) {
		r = command(t, "QStartNoAckMode");
		if (r >= 0 && !strcmp(t->reply, "OK"))
			t->gdb.no_ack = true;
	}
	/* QEMU's system-mode stub never waits for an ack before its next reply. */
	t->gdb.lazy_acks = true;
	if (r >= 0)
		r = read_target_description(t);
	if (r >= 0)
		r = command(t, "?");
	if (r < 0) {
		char how[128];

		qemu_reap_dead(&t->qemu);
		qemu_describe(&t->qemu, how, sizeof(how), "did not answer");
		pr_err("%s %s while starting (gdbstub: %s); is qemu-system-x86 7.2 or later installed?%s",
		      qemu, how, strerror(-r), vm->sandbox ? " (a QEMU built without seccomp "
		      "cannot take -sandbox: --no-sandbox runs without it)" : "");
		qemu_print_log(&t->qemu);
		goto err;
	}

	vm->tsc_khz = 1000000;          /* -icount shift=0: 1 ns, one instruction, per tick */
	vm->maxphyaddr = QEMU_PHYS_BITS;
	/*
	 * Paravirtual features, by measurement (README, "Accelerators"): here
	 * a hypercall is a gdbstub stop, ~250-370 µs, while TCG runs a native loop
	 * at ~65 MIPS.  Measured with each feature forced on: HC_PAGEOPS made
	 * page_poison=1 stress:buddy ops=3000 at 128M take 41.3 s instead of
	 * 1.5 s; HC_MEM_FIND_NONZERO made 6G selftest:buddy take 1.15 s
	 * instead of 0.74 s (1632 calls); HC_MEM_OR32 (3 calls at boot) was
	 * within noise of the loop.  None pays.
	 */
	vm->features = 0;
	vm->can_count_insns = true;     /* -icount: rdtsc is the count */
	vm->accel_priv = t;
	return 0;
err:
	if (sv[0] >= 0 && t->gdb_fd < 0)
		close(sv[0]);
	tcg_release(t);
	return EXIT_HOST_ERROR;
}

static void tcg_destroy(struct vm *vm)
{
	if (tcg_of(vm))
		tcg_release(tcg_of(vm));
	vm->accel_priv = NULL;
}

static int tcg_boot(struct vm *vm, uint64_t entry)
{
	struct tcg_state *t = tcg_of(vm);
	size_t n = tcg_stub_end - tcg_stub;
	uint8_t *stub = gpa_ptr(vm, BOOT_STUB_PA, BOOT_STUB_MAX);
	struct tcg_stub_params p = {
		.cr4 = BOOT_CR4, .cr3 = BOOT_PML4_PA, .efer_msr = EFER_MSR, .efer = BOOT_EFER,
		.cr0 = BOOT_CR0, .ds = __KERNEL_DS, .esp = BOOT_STACK_TOP, .esi = BOOT_INFO_PA,
		.entry = (uint32_t)entry,
		.pm32_off = BOOT_STUB_PA + (uint32_t)(tcg_stub_pm32 - tcg_stub),
		.pm32_sel = __KERNEL_CS,
		.gdt_limit = BOOT_GDT_ENTRIES * 8 - 1, .gdt_base = BOOT_GDT_PA,
	};
	const struct elf_info *elf = vm->elf;
	char pkt[64];
	int r;

	if (!stub || n > BOOT_STUB_MAX || entry > UINT32_MAX)
		return -EINVAL;
	memcpy(stub, tcg_stub, n);
	memcpy(stub + (tcg_stub_params - tcg_stub), &p, sizeof(p));

	if (!elf || !elf->has_pio_sites) {
		warn("the guest image has no %s section: its hypercalls and port I/O will not "
		     "reach the VMM on %s; rebuild it (make guest/guest.elf)", HC_SITES_SECTION,
		     accel_tcg_ops.desc);
		return 0;
	}
	/* One breakpoint per site, all in one write. */
	for (size_t i = 0; i < elf->nr_pio_sites; i++) {
		snprintf(pkt, sizeof(pkt), "Z0,%x,1", elf->pio_sites[i].addr);
		r = gdb_queue(&t->gdb, pkt);
		if (r < 0)
			return r;
	}
	r = gdb_flush(&t->gdb);
	for (size_t i = 0; r >= 0 && i < elf->nr_pio_sites; i++)
		r = expect_ok(t, "a breakpoint on an I/O site");
	return r < 0 ? r : 0;
}

static void io_exit(struct tcg_state *t, struct vm_exit *e, const struct pio_site *site,
		    uint64_t rax, uint64_t rdx)
{
	e->reason = VM_EXIT_IO;
	e->io.port = site->port_in_dx ? (uint16_t)rdx : site->port_imm;
	e->io.size = site->size;
	e->io.out = site->out;
	e->io.count = 1;
	for (unsigned i = 0; i < sizeof(t->io_data); i++)
		t->io_data[i] = site->out ? (uint8_t)(rax >> (8 * i)) : 0;
	e->io.data = t->io_data;
	t->at_site = site;
	t->site_rax = rax;
}

/* After a VM_EXIT_IO: write an IN's result to %eax, then continue past the
 * instruction.  Queued, not sent. */
static int queue_resume(struct tcg_state *t)
{
	const struct pio_site *site = t->at_site;
	char pkt[64], hex[17];

	if (!site)
		return gdb_queue(&t->gdb, "c");
	if (!site->out) {
		uint64_t mask = site->size == 4 ? 0xffffffffull : (1ull << (8 * site->size)) - 1;
		uint64_t in = 0, rax;

		for (unsigned i = 0; i < site->size; i++)
			in |= (uint64_t)t->io_data[i] << (8 * i);
		rax = (t->site_rax & ~mask) | in;
		gdb_le_to_hex(rax, t->regs[t->reg[R_RAX]].bitsize / 8, hex);
		snprintf(pkt, sizeof(pkt), "P%x=%s", t->regs[t->reg[R_RAX]].regnum, hex);
		if (gdb_queue(&t->gdb, pkt) < 0)
			return -ENOMEM;
	}
	snprintf(pkt, sizeof(pkt), "c%x", site->addr + site->len);
	t->at_site = NULL;
	return gdb_queue(&t->gdb, pkt);
}

static void qemu_died(struct tcg_state *t, struct vm_exit *e, int err)
{
	char how[128];

	t->broken = true;
	qemu_reap_dead(&t->qemu);
	qemu_describe(&t->qemu, how, sizeof(how), "stopped answering");
	fflush(stdout);
	qemu_print_log(&t->qemu);
	e->reason = VM_EXIT_INTERNAL_ERROR;
	e->internal.status = EXIT_HOST_ERROR;
	snprintf(e->internal.msg, sizeof(e->internal.msg),
		 "QEMU (the TCG accelerator) %s under the running guest (gdbstub: %s); "
		 "what it printed is above: run again, and report it if it repeats",
		 how, strerror(-err));
}

/*
 * KVM exits on an access to a physical address that is not RAM; TCG reads
 * zeros or drops the write.  With -d guest_errors QEMU logs each one ("Invalid
 * read at addr 0x3FE00000, size 4, ..."), and the VMM looks at the log at
 * every stop: the guest is then stopped at the first stop after the access,
 * not at the access itself.  True if *e is now a VM_EXIT_MMIO.
 */
static bool check_guest_errors(struct tcg_state *t, struct vm_exit *e)
{
	char buf[16384], how[8], region[64];
	unsigned long long addr;
	unsigned size;
	struct stat st;
	bool found = false;
	ssize_t n;

	if (fstat(t->qemu.log_fd, &st) < 0 || st.st_size <= t->log_seen)
		return false;
	/* More than this between two stops is a flood; its first lines say enough. */
	n = pread(t->qemu.log_fd, buf, sizeof(buf) - 1, t->log_seen);
	t->log_seen = st.st_size;
	/*
	 * A guest that keeps touching non-RAM between stops (at most
	 * HALT_PROBE_MS apart) grows the log by megabytes: start it again.
	 * The vCPU is stopped, so QEMU writes nothing meanwhile, and QEMU's
	 * stderr shares this file offset, so the rewind moves its writes too.
	 */
	if (st.st_size > LOG_MAX && ftruncate(t->qemu.log_fd, 0) == 0 &&
	    lseek(t->qemu.log_fd, 0, SEEK_SET) == 0)
		t->log_seen = 0;
	if (n <= 0)
		return false;
	buf[n] = '\0';
	for (char *line = buf; line && *line && !found; line = strchr(line, '\n')) {
		line += *line == '\n';
		region[0] = '\0';
		if (sscanf(line, "Invalid %7s at addr 0x%llx, size %u, region '%63[^']'", how,
			   &addr, &size, region) < 3)
			continue;
		/* isa-debugcon takes bytes only: a wider OUT to HC_PORT lands here. */
		if (!strcmp(region, "isa-debugcon")) {
			t->unlisted_seen = true;
			continue;
		}
		e->reason = VM_EXIT_MMIO;
		e->mmio.gpa = addr;
		e->mmio.len = size;
		e->mmio.write = !strcmp(how, "write");
		found = true;
	}
	return found;
}

/*
 * The listed OUTs never execute (the VMM skips them), so any byte that
 * isa-debugcon on HC_PORT received, or any wider access QEMU logged against
 * it, came from an OUT the guest did not list in HC_SITES_SECTION: a
 * hypercall that never reached the VMM.  Said once, with the first stop
 * after it, which is as close as TCG can place it.
 */
static void check_unlisted(struct tcg_state *t)
{
	struct stat st;
	char sym[256];
	uint64_t rip;

	if (t->warned_unlisted)
		return;
	if (!t->unlisted_seen && (fstat(t->unlisted_fd, &st) < 0 || st.st_size == 0))
		return;
	t->warned_unlisted = true;
	rip = read_all_regs(t) == 0 ? g_reg(t, R_RIP) : 0;
	warn("the guest wrote to the hypercall port (%#x) from an OUT that %s does not list, "
	     "before RIP %#" PRIx64 " <%s>: that hypercall never reached the VMM; "
	     "record the OUT as asm/io.h does", HC_PORT, HC_SITES_SECTION, rip,
	     sym_format(sym, sizeof(sym), rip));
}

/*
 * Wait for the running guest to stop: a breakpoint, a triple fault, or the
 * kick; the stop reply is then in t->reply and this returns 0.
 *
 * A vCPU that halts stops nothing here (KVM would exit with KVM_EXIT_HLT),
 * so a guest that has not stopped for HALT_PROBE_MS is interrupted and
 * asked, through the monitor's `info registers` (its "HLT=1"), whether it
 * is halted: if so *e is a VM_EXIT_HLT, as KVM's would be.  The probe also
 * looks at QEMU's log, so a guest that touched non-RAM and then spins is
 * caught within HALT_PROBE_MS.  Either way this returns EXIT_READY; if
 * neither, the guest resumes.  The probe costs one stop per second of
 * guest run time and does not disturb the instruction count.  Returns 0,
 * EXIT_READY or -errno (the stub is gone or out of step).
 */
#define HALT_PROBE_MS 1000
#define EXIT_READY    1

static int wait_for_stop(struct tcg_state *t, struct vm_exit *e)
{
	char text[4096];
	int r;

	for (;;) {
		r = gdb_recv(&t->gdb, t->reply, sizeof(t->reply), HALT_PROBE_MS);
		if (r != -ETIMEDOUT)
			return r < 0 ? r : 0;
		r = gdb_interrupt(&t->gdb);
		if (r >= 0)
			r = gdb_recv(&t->gdb, t->reply, sizeof(t->reply), GDB_REPLY_MS);
		if (r < 0)
			return r;
		/* A real stop may have beaten the interrupt; so may the kick. */
		if (strncmp(t->reply, "T02", 3) || t->kicked)
			return 0;
		if (check_guest_errors(t, e))
			return EXIT_READY;
		r = monitor_command(t, "info registers", text, sizeof(text));
		if (r < 0)
			return r;
		if (strstr(text, " HLT=1")) {
			r = read_all_regs(t);
			if (r < 0)
				return r;
			e->reason = VM_EXIT_HLT;
			e->hlt.if_flag = g_reg(t, R_EFLAGS) & (1u << 9);
			return EXIT_READY;
		}
		/* The kick's 0x03 reaches a stopped stub, which drops it: a
		 * kick during the probe ends it here, or after the 'c'. */
		if (t->kicked) {
			strcpy(t->reply, "T02");
			return 0;
		}
		r = gdb_send(&t->gdb, "c");
		if (r >= 0 && t->kicked)
			r = gdb_interrupt(&t->gdb);
		if (r < 0)
			return r;
	}
}

static int tcg_run(struct vm *vm, struct vm_exit *e)
{
	struct tcg_state *t = tcg_of(vm);
	const struct pio_site *site;
	uint64_t regs[3];
	bool in_pending;
	unsigned sig;
	uint64_t rip;
	int r;

	memset(e, 0, sizeof(*e));
	if (t->qemu.dead || t->broken) {
		qemu_died(t, e, -EPIPE);
		return 0;
	}
	in_pending = t->at_site && !t->at_site->out;
	r = queue_resume(t);
	if (r < 0)
		return r;
	t->running = 1;
	r = gdb_flush(&t->gdb);
	/* A kick that came before 'c' left was ignored by a stopped stub. */
	if (r >= 0 && t->kicked)
		r = gdb_interrupt(&t->gdb);
	if (r >= 0 && in_pending)
		r = expect_ok(t, "writing %eax after an IN");
	if (r >= 0)
		r = wait_for_stop(t, e);
	t->running = 0;
	if (r < 0) {
		qemu_died(t, e, r);
		return 0;
	}
	if (r == EXIT_READY || check_guest_errors(t, e)) {
		check_unlisted(t);
		return 0;
	}

	switch (t->reply[0]) {
	case 'T':
	case 'S':
		sig = 0;
		sscanf(t->reply + 1, "%2x", &sig);
		break;
	case 'W':
	case 'X':
		qemu_died(t, e, -EPIPE);
		return 0;
	default:
		e->reason = VM_EXIT_INTERNAL_ERROR;
		e->internal.status = EXIT_HOST_ERROR;
		snprintf(e->internal.msg, sizeof(e->internal.msg),
			 "QEMU gdbstub: unexpected reply '%.60s' to continue (QEMU 7.2 is the "
			 "version tested)", t->reply);
		return 0;
	}
	/* From here t->reply is free for other commands. */
	check_unlisted(t);
	switch (sig) {
	case 2:        /* SIGINT: our interrupt byte */
		/* The stop consumed the kick.  Whoever kicks sets its own flag
		 * first (watchdog, stop signal, console), and the run loop
		 * reads those, so a kick that lands after this store is not
		 * lost: only its extra interrupt is. */
		t->kicked = 0;
		e->reason = VM_EXIT_INTR;
		return 0;
	case 3:        /* SIGQUIT: -action shutdown=pause, i.e. a triple fault */
		e->reason = VM_EXIT_SHUTDOWN;
		return 0;
	case 5:        /* SIGTRAP: a breakpoint, i.e. an I/O site */
		break;
	default:
		e->reason = VM_EXIT_INTERNAL_ERROR;
		e->internal.status = EXIT_HOST_ERROR;
		snprintf(e->internal.msg, sizeof(e->internal.msg),
			 "QEMU stopped the guest with signal %u, which this VMM does not expect "
			 "(QEMU 7.2 is the version tested)", sig);
		return 0;
	}
	r = read_io_regs(t, regs);
	if (r < 0) {
		qemu_died(t, e, r);
		return 0;
	}
	rip = regs[0];
	r = pio_site_find(vm->elf->pio_sites, vm->elf->nr_pio_sites, rip);
	if (r < 0) {
		e->reason = VM_EXIT_INTERNAL_ERROR;
		e->internal.status = EXIT_HOST_ERROR;
		snprintf(e->internal.msg, sizeof(e->internal.msg),
			 "QEMU stopped the guest at %#" PRIx64 ", which is not an I/O site: did "
			 "the guest rewrite its own code?", rip);
		return 0;
	}
	site = &vm->elf->pio_sites[r];
	io_exit(t, e, site, regs[1], regs[2]);
	return 0;
}

static int tcg_get_regs(struct vm *vm, struct vcpu_regs *out)
{
	struct tcg_state *t = tcg_of(vm);
	struct vcpu_seg *segs[] = { &out->cs, &out->ss, &out->ds, &out->es, &out->fs, &out->gs };
	uint64_t *gprs[] = { &out->rax, &out->rbx, &out->rcx, &out->rdx, &out->rsi, &out->rdi,
			     &out->rbp, &out->rsp, &out->r8, &out->r9, &out->r10, &out->r11,
			     &out->r12, &out->r13, &out->r14, &out->r15 };
	int r;

	if (!t || t->qemu.dead || t->broken)
		return -ENODEV;
	r = read_all_regs(t);
	if (r < 0)
		return r;
	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < ARRAY_SIZE(gprs); i++)
		*gprs[i] = g_reg(t, R_RAX + i);
	out->rip = g_reg(t, R_RIP);
	out->rflags = g_reg(t, R_EFLAGS);
	for (unsigned i = 0; i < ARRAY_SIZE(segs); i++)
		segs[i]->selector = (uint16_t)g_reg(t, R_CS + i);
	out->fs.base = g_reg(t, R_FS_BASE);
	out->gs.base = g_reg(t, R_GS_BASE);
	out->cr0 = g_reg(t, R_CR0);
	out->cr2 = g_reg(t, R_CR2);
	out->cr3 = g_reg(t, R_CR3);
	out->cr4 = g_reg(t, R_CR4);
	out->cr8 = g_reg(t, R_CR8);
	out->efer = g_reg(t, R_EFER);
	out->has_descriptors = false;
	return 0;
}

static int tcg_insns_start(struct vm *vm)
{
	(void)vm;
	return 0;
}

/*
 * With -icount shift=0 the guest's rdtsc is the number of instructions
 * retired before it, and the OUTs, which the VMM skips, retire nothing.
 * Both bracket wrappers run the same instructions between their rdtsc and
 * their OUT, so end - begin counts exactly what KVM's single-step counts:
 * the instructions strictly between the two OUTs.
 */
static int tcg_insns_stop(struct vm *vm, uint64_t begin_tsc, uint64_t end_tsc, uint64_t *insns)
{
	(void)vm;
	/* The readings come from the guest's request block: a bad pair
	 * spoils this bracket's count (bench_end() says so), not counting
	 * for the rest of the run. */
	*insns = end_tsc >= begin_tsc ? end_tsc - begin_tsc : 0;
	return 0;
}

/* QEMU's own MMU, through the monitor's gva2gpa (an independent walker). */
static int tcg_translate(struct vm *vm, uint64_t va, uint64_t *pa)
{
	char cmd[64], text[256];
	int r;

	if (tcg_of(vm)->qemu.dead || tcg_of(vm)->broken)
		return -ENODEV;
	snprintf(cmd, sizeof(cmd), "gva2gpa %#" PRIx64, va);
	r = monitor_command(tcg_of(vm), cmd, text, sizeof(text));
	if (r < 0)
		return r;
	if (sscanf(text, "gpa: %" SCNx64, pa) == 1)
		return 0;
	if (strstr(text, "Unmapped"))
		return -EFAULT;
	return -EOPNOTSUPP;
}

/* From the watchdog's signal handler: write(2) is async-signal-safe, and a
 * running stub stops on the interrupt byte.  A stopped one ignores it;
 * tcg_run() sends it again after its 'c' if kicked is set. */
static void tcg_kick(struct vm *vm)
{
	struct tcg_state *t = tcg_of(vm);

	if (!t)
		return;
	t->kicked = 1;
	if (t->running)
		send(t->gdb_fd, "\x03", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
}

const struct accel_ops accel_tcg_ops = {
	.name = "tcg",
	.desc = "QEMU TCG (software emulation)",
	.create = tcg_create,
	.boot = tcg_boot,
	.run = tcg_run,
	.get_regs = tcg_get_regs,
	.insns_start = tcg_insns_start,
	.insns_stop = tcg_insns_stop,
	.translate = tcg_translate,
	.translate_faults_reserved = false,
	.kick = tcg_kick,
	.destroy = tcg_destroy,
};
