/*
 * Integration tests of the host side: the VMM (on TCG, and on KVM where it
 * exists: harness.h) running a tiny
 * hand-written guest (tests/fixtures/tiny_guest.S) whose behaviour is known
 * exactly, so each test pins one host mechanism: exit statuses, the dead-
 * guest and timeout paths, hypercall validation, --count-insns exactness,
 * --bench-json and --stats.  The fixture is assembled at test time with
 * gcc -m32 and ld.  MMVISOR_VMM_BIN, if set, replaces VMM_BIN (handy for
 * running these against a non-ASan build).
 */
#include <stddef.h>
#include <sys/stat.h>

#include "abi.h"
#include "fixtures/tiny_abi.h"
#include "harness.h"
#include "inspect/inspect.h"
#include "json_read.h"

/* The fixture's copy of the ABI must match abi.h. */
_Static_assert(T_PAGE_OFFSET == PAGE_OFFSET_VAL, "tiny_abi.h");
_Static_assert(T_BOOT_INFO_MAGIC == BOOT_INFO_MAGIC, "tiny_abi.h");
_Static_assert(T_BOOT_PD_PA == BOOT_PD_PA, "tiny_abi.h");
_Static_assert(T_BI_TSC_KHZ == offsetof(struct boot_info, tsc_khz), "tiny_abi.h");
_Static_assert(T_BI_E820_NR == offsetof(struct boot_info, e820_nr), "tiny_abi.h");
_Static_assert(T_BI_CMDLINE == offsetof(struct boot_info, cmdline), "tiny_abi.h");
_Static_assert(T_SERIAL_COM1_BASE == SERIAL_COM1_BASE, "tiny_abi.h");
_Static_assert(T_HC_PORT == HC_PORT, "tiny_abi.h");
_Static_assert(T_HC_EXIT == HC_EXIT && T_HC_PANIC == HC_PANIC &&
	       T_HC_CONSOLE_WRITE == HC_CONSOLE_WRITE && T_HC_CHECKPOINT == HC_CHECKPOINT &&
	       T_HC_BENCH_BEGIN == HC_BENCH_BEGIN && T_HC_BENCH_END == HC_BENCH_END &&
	       T_HC_PAGEOPS == HC_PAGEOPS, "tiny_abi.h");
_Static_assert(T_HC_CONSOLE_MAX == HC_CONSOLE_MAX, "tiny_abi.h");
_Static_assert(T_PAGEOP_CLEAR == PAGEOP_CLEAR && T_PAGEOP_FILL == PAGEOP_FILL &&
	       T_PAGEOP_VERIFY == PAGEOP_VERIFY, "tiny_abi.h");
_Static_assert(T_HC_PAGEOP_SIZE == sizeof(struct hc_pageop), "tiny_abi.h");
_Static_assert(T_HC_PAGEOP_NR == offsetof(struct hc_pageop, nr_pages), "tiny_abi.h");
_Static_assert(T_HC_PAGEOP_DST == offsetof(struct hc_pageop, dst_pfn), "tiny_abi.h");

#define FIX SRC_ROOT "/tests/fixtures/"
#define TINY_ELF SRC_ROOT "/build/tests/fixtures/tiny_guest.elf"

static double mtime(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -1;
	return st.st_mtim.tv_sec + st.st_mtim.tv_nsec * 1e-9;
}

/* Assemble the fixture unless an up-to-date one exists; tests run in parallel,
 * so each builds under a private name and renames into place. */
static const char *tiny_guest(void)
{
	double t = mtime(TINY_ELF);
	char obj[256], elf[256];

	if (t >= mtime(FIX "tiny_guest.S") && t >= mtime(FIX "tiny_guest.ld") &&
	    t >= mtime(FIX "tiny_abi.h"))
		return TINY_ELF;
	cr_assert(system("mkdir -p " SRC_ROOT "/build/tests/fixtures") == 0);
	snprintf(obj, sizeof(obj), "%s.%d.o", TINY_ELF, getpid());
	snprintf(elf, sizeof(elf), "%s.%d", TINY_ELF, getpid());
	char *as[] = { "/usr/bin/gcc", "-m32", "-x", "assembler-with-cpp", "-I" FIX, "-c",
		       FIX "tiny_guest.S", "-o", obj, NULL };
	struct vmm_result r = run_cmd(60, as);
	cr_assert_eq(r.status, 0, "assembling the fixture failed:\n%s", r.err);
	vmm_result_free(&r);
	char *ld[] = { "/usr/bin/ld", "-m", "elf_i386", "-T", FIX "tiny_guest.ld", "-o", elf, obj, NULL };
	r = run_cmd(60, ld);
	cr_assert_eq(r.status, 0, "linking the fixture failed:\n%s", r.err);
	vmm_result_free(&r);
	unlink(obj);
	cr_assert(rename(elf, TINY_ELF) == 0);
	return TINY_ELF;
}

/* Run the VMM with the given options on guest. */
static struct vmm_result run_on(const char *guest, double limit_s, va_list ap)
{
	const char *bin = getenv("MMVISOR_VMM_BIN") ? getenv("MMVISOR_VMM_BIN") : VMM_BIN;
	char *argv[32];
	int n = 0;

	argv[n++] = (char *)bin;
	n = harness_add_accel(argv, n);
	for (char *a; (a = va_arg(ap, char *)) != NULL;) {
		cr_assert(n < 30);
		argv[n++] = a;
	}
	argv[n++] = (char *)guest;
	argv[n] = NULL;
	struct vmm_result r = run_cmd(limit_s, argv);
	if (getenv("HARNESS_VERBOSE"))
		fprintf(stderr, "--- status %d in %.2fs\n--- stdout:\n%s--- stderr:\n%s",
			r.status, r.secs, r.out, r.err);
	return r;
}

/* tiny(limit, "-c", "e", ..., NULL): run the VMM on the fixture. */
static struct vmm_result tiny(double limit_s, ...)
{
	const char *guest = tiny_guest();
	va_list ap;

	va_start(ap, limit_s);
	struct vmm_result r = run_on(guest, limit_s, ap);
	va_end(ap);
	return r;
}

#define M128 "-m", "128M"

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

Test(vmm, exit_status_and_serial_output, .timeout = 60)
{
	struct vmm_result r = tiny(30, M128, NULL);

	assert_status(r, 0);
	cr_assert_str_eq(r.out, "hello from tiny guest\n");
	cr_assert_str_eq(r.err, "");
	vmm_result_free(&r);
	r = tiny(30, M128, "-c", "e", NULL);
	assert_status(r, 7);
	vmm_result_free(&r);
}

Test(vmm, exit_status_out_of_range_is_a_failure, .timeout = 60)
{
	struct vmm_result r = tiny(30, M128, "-c", "x", NULL);

	assert_status(r, 80);
	assert_err_has(r, "guest requested exit status 100, outside 0..63");
	vmm_result_free(&r);
}

Test(vmm, panic_message_and_symbolised_backtrace, .timeout = 60)
{
	struct vmm_result r = tiny(30, M128, "-c", "p", NULL);

	assert_status(r, 80);
	assert_err_has(r, "vmm: guest panic: tiny guest panic\nCall Trace:\n");
	assert_err_has(r, "  [<c0100004>] _start+0x4/0x");
	assert_err_has(r, "  [<12345678>] ?\n");
	vmm_result_free(&r);
}

Test(vmm, triple_fault_dumps_registers, .timeout = 60)
{
	struct vmm_result r = tiny(30, M128, "-c", "t", NULL);

	assert_status(r, 81);
	assert_err_has(r, "triple fault");
	assert_err_has(r, "<do_triple+0/0x");  /* RIP symbolised: the ud2 */
	/* PE, ET, WP and PG: the boot state of boot.h. */
	assert_err_has(r, "CR0=80010011");
	assert_err_has(r, "EFER=00000500 LME LMA");
	vmm_result_free(&r);
}

Test(vmm, hlt_with_interrupts_off_is_a_dead_guest, .timeout = 60)
{
	struct vmm_result r = tiny(30, M128, "-c", "H", NULL);

	assert_status(r, 81);
	assert_err_has(r, "hlt with IF=0");
	assert_err_has(r, "RIP=");
	vmm_result_free(&r);
}

Test(vmm, hlt_with_interrupts_on_waits_for_the_timeout, .timeout = 60)
{
	struct vmm_result r = tiny(30, M128, "--timeout", "0.5", "-c", "s", NULL);

	assert_status(r, 82);
	assert_err_has(r, "timeout: guest did not exit within 0.5 s");
	cr_assert(r.secs >= 0.5, "fired early: %.2f s", r.secs);
	vmm_result_free(&r);
	/* without a timeout nothing could ever wake it: a dead guest */
	r = tiny(30, M128, "-c", "s", NULL);
	assert_status(r, 81);
	assert_err_has(r, "no interrupt source");
	vmm_result_free(&r);
}

Test(vmm, spinning_guest_hits_the_timeout, .timeout = 60)
{
	struct vmm_result r = tiny(30, M128, "--timeout", "1", "-c", "h", NULL);

	assert_status(r, 82);
	assert_err_has(r, "timeout: guest did not exit within 1 s");
	assert_err_has(r, "<do_spin+");
	cr_assert(r.secs >= 1.0 && r.secs < 10, "%.2f s", r.secs);
	vmm_result_free(&r);
}

Test(vmm, access_outside_ram_stops_the_guest, .timeout = 60)
{
	struct vmm_result r = tiny(30, M128, "-c", "m", NULL);

	assert_status(r, 71);
	assert_err_has(r, "MMIO: guest read 4 bytes at physical 0x3fe00000, which is not RAM");
	vmm_result_free(&r);
}

/* KVM sees the unlisted OUT and names it; TCG never stops there, so the
 * hypercall is lost, and isa-debugcon on the port tells the VMM so. */
Test(vmm, unlisted_hypercall_out_is_reported, .timeout = 60)
{
	struct vmm_result r = tiny(30, M128, "-c", "U", NULL);

	assert_status(r, 0);
	assert_err_has(r, "does not list");
	assert_err_has(r, ".hypercall_sites");
	if (harness_on_kvm()) {
		assert_err_has(r, "<do_unlisted+");
		assert_out_has(r, "console write works");
	} else {
		assert_err_has(r, "the guest wrote to the hypercall port (0x500) from an OUT");
		cr_assert_null(strstr(r.out, "console write works"), "%s", r.out);
	}
	vmm_result_free(&r);
}

Test(vmm, console_write_validates_address_and_length, .timeout = 60)
{
	struct vmm_result r = tiny(30, M128, "-c", "c", NULL);

	assert_status(r, 2);  /* HC_OK + HC_EINVAL + HC_EINVAL */
	assert_out_has(r, "console write works\n");
	vmm_result_free(&r);
}

Test(vmm, unknown_hypercall_warns_once, .timeout = 60)
{
	struct vmm_result r = tiny(30, M128, "-c", "u", NULL);

	assert_status(r, HC_ENOSYS);
	cr_assert_eq(count(r.err, "unknown hypercall 99"), 1, "%s", r.err);
	vmm_result_free(&r);
}

Test(vmm, bad_request_block_and_unknown_ports_are_survivable, .timeout = 60)
{
	struct vmm_result r = tiny(30, M128, "-c", "q", NULL);

	assert_status(r, 0);
	assert_err_has(r, "request block at 0xfffffff0 is not in guest RAM");
	vmm_result_free(&r);
	r = tiny(30, M128, "-c", "w", NULL);
	assert_status(r, 0);  /* reads of absent ports see all ones */
	assert_err_has(r, "I/O port 0x80, which has no device");
	assert_err_has(r, "hypercalls need a 32-bit OUT");
	vmm_result_free(&r);
}

Test(vmm, pageops_and_high_ram, .timeout = 60)
{
	struct vmm_result r = tiny(30, M128, "-c", "g", NULL);

	assert_status(r, 1);
	vmm_result_free(&r);
	/* 6 GiB: pfn 0x140000 (5 GiB) is RAM in the second memslot */
	r = tiny(30, "-m", "6G", "-c", "gG", NULL);
	assert_status(r, 1);
	vmm_result_free(&r);
	/* 128 MiB: it is not, and the batch is refused */
	r = tiny(30, M128, "-c", "gG", NULL);
	assert_status(r, 60);
	vmm_result_free(&r);
}

Test(vmm, boot_info_memory_map, .timeout = 60)
{
	struct vmm_result r = tiny(30, M128, "-c", "i", NULL);

	assert_status(r, 31);  /* 3 e820 entries, TSC kHz known */
	vmm_result_free(&r);
	r = tiny(30, "-m", "6G", "-c", "i", NULL);
	assert_status(r, 41);  /* plus RAM above 4 GiB */
	vmm_result_free(&r);
}

Test(vmm, count_insns_is_exact, .timeout = 60)
{
	struct vmm_result r = tiny(30, M128, "--count-insns", "-c", "b", NULL);

	assert_status(r, 0);
	/* 17 instructions between the OUTs over 2 ops; neither OUT counts */
	assert_out_has(r, "bench nop10 ops=2 insns/op=8.5 cycles/op=");
	assert_out_has(r, "bench loop1001 ops=1 insns/op=1010 cycles/op=");
	vmm_result_free(&r);

	r = tiny(30, M128, "-c", "b", NULL);
	assert_status(r, 0);
	assert_out_has(r, "bench nop10 ops=2 cycles/op=");
	cr_assert_null(strstr(r.out, "insns/op"), "%s", r.out);
	vmm_result_free(&r);
}

Test(vmm, bench_json, .timeout = 60)
{
	char path[] = "/tmp/integ_vmm_json_XXXXXX";
	int fd = harness_mkstemp(path);
	const struct { const char *tag; json_int_t ops, insns; } want[] = {
		{ "nop10", 2, 17 },
		{ "loop1001", 1, 1010 },
	};
	json_t *doc, *bench;
	const char *tag;
	json_int_t runs, ops, cycles, insns;
	double cycles_per_op, insns_per_op;
	int count_insns;

	cr_assert(fd >= 0);
	close(fd);
	struct vmm_result r = tiny(30, M128, "--count-insns", "--bench-json", path, "-c", "b", NULL);
	assert_status(r, 0);
	doc = load_json_file(path);
	unlink(path);
	assert_unpack(doc, "{s:b,s:o!}", "count_insns", &count_insns, "bench", &bench);
	cr_assert(count_insns);
	cr_assert_eq(json_array_size(bench), 2);
	for (size_t i = 0; i < 2; i++) {
		assert_unpack(json_array_get(bench, i), "{s:s,s:I,s:I,s:I,s:F,s:I,s:F!}",
			      "tag", &tag, "runs", &runs, "ops", &ops, "cycles", &cycles,
			      "cycles_per_op", &cycles_per_op, "insns", &insns,
			      "insns_per_op", &insns_per_op);
		cr_assert_str_eq(tag, want[i].tag);
		cr_assert_eq(runs, 1);
		cr_assert_eq(ops, want[i].ops);
		cr_assert_eq(insns, want[i].insns);
		cr_assert_float_eq(insns_per_op, (double)insns / ops, 1e-9);
		cr_assert_float_eq(cycles_per_op, (double)cycles / ops, 0.005);
	}
	json_decref(doc);
	vmm_result_free(&r);

	r = tiny(30, M128, "--bench-json", "/nonexistent/dir/x.json", NULL);
	assert_status(r, 71);
	assert_err_has(r, "cannot create --bench-json file /nonexistent/dir/x.json");
	vmm_result_free(&r);
}

Test(vmm, stats, .timeout = 60)
{
	struct vmm_result r = tiny(30, M128, "--stats", "-c", "k", NULL);

	assert_status(r, 0);
	assert_err_has(r, "stats: start to guest entry");
	assert_err_has(r, "stats: start to guest exit");
	assert_err_has(r, "stats: exits to the VMM      ");
	assert_err_has(r, "IO 25");             /* 22 serial bytes + 3 hypercalls */
	assert_err_has(r, "0x3f8 (serial) 22, 0x500 (hypercall) 3");
	assert_err_has(r, "exit 1, checkpoint 2");
	assert_err_has(r, "stats: peak RSS");
	vmm_result_free(&r);
}


/*
 * A guest that makes every bad request it can (run=hostile): each is
 * refused with a warning that says why (at most HC_REFUSE_WARN_MAX per call),
 * the VMM keeps running, --check still holds after the guest overwrote its
 * in-memory layout note, and the exit status is the guest's.
 */
Test(vmm, hostile_guest_is_refused_and_survives, .timeout = 120)
{
	static const char *const warnings[] = {
		"hypercall console_write refused: [0xfffff000, +16) is not in guest RAM",
		"hypercall console_write refused: [0x1000000000000, +8) is not in guest RAM",
		"hypercall console_write refused: length 18446744073709549567 > 4096",
		"hypercall console_write refused: length 1073741824 > 4096 (further refusals of it "
		"are only counted: --stats)",
		"guest made unknown hypercall 99; returning HC_ENOSYS",
		"guest made unknown hypercall 0; returning HC_ENOSYS",
		"hypercall pageops refused: 513 elements > 512",
		"hypercall pageops refused: the element array at 0xfffff000 is not in guest RAM",
		"hypercall mem_or32 refused: 2 words 0 bytes apart from ",
		"hypercall mem_find_nonzero refused: length 18446744073709551615 > 67108864",
		"hypercall mem_find_nonzero refused: [0xfffff000, +64) is not in guest RAM",
		"hypercall request block at 0xfffff000 is not in guest RAM; ignored",
		"hypercall request block at 0xfffffffc is not in guest RAM; ignored",
		"hypercall request block at 0x3fffff8 is not in guest RAM; ignored",
		"bench begin: bad tag (address 0xfffff000, length 4)",
		"bench end hostile: no open bracket; ignored",
		"bench bracket hostile was begun but never ended; not counted",
		"stats: hypercalls refused    console_write 5, pageops 13, mem_or32 5, "
		"mem_find_nonzero 2, request block not in RAM 3\n",
	};
	struct vmm_result r = vmm_run(100, "-m", "64M", "--check", "--stats", "-c", "run=hostile",
				      NULL);

	assert_status(r, 0);
	assert_out_has(r, "hostile: 33 bad requests refused, 0 accepted; 3 unreadable request "
		       "blocks sent\n");
	for (size_t i = 0; i < sizeof(warnings) / sizeof(warnings[0]); i++)
		assert_err_has(r, warnings[i]);
	/* Rate-limited: never more than HC_REFUSE_WARN_MAX lines per call. */
	unsigned n = 0;
	for (const char *p = r.err; (p = strstr(p, "hypercall pageops refused")); p++)
		n++;
	cr_assert_eq(n, 4, "%u pageops warnings", n);
	char summary[96];

	/* Every rule ran. */
	snprintf(summary, sizeof(summary), "check: 1001 checkpoints, %d rules, 0 violations", R_NR);
	assert_err_has(r, summary);
	vmm_result_free(&r);
}
