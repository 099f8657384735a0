/*
 * Hypercall unit tests on a VM without KVM: a fake RAM buffer, requests
 * written where a guest would write them.  The point is that every guest
 * value is validated: bad addresses, lengths and pfns get HC_EINVAL (or are
 * ignored) and never crash the host or touch memory they should not.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdio.h>
#include <string.h>

#include "abi.h"
#include "bench.h"
#include "elf_load.h"
#include "exitcodes.h"
#include "hypercall.h"
#include "json_read.h"
#include "vm.h"

#define RAM (32ull << 20)
#define REQ_PA 0x10000ull
#define BUF_PA 0x20000ull
#define PG(pfn) (ram + (uint64_t)(pfn) * 4096)

static uint8_t *ram;
static struct vm vm;
static char *out_buf;
static size_t out_len;

static void setup(void)
{
	ram = calloc(1, RAM);
	cr_assert(ram);
	vm_init_state(&vm);
	guest_mem_layout(&vm.mem, RAM, ram);
	vm.serial.out = open_memstream(&out_buf, &out_len);
	/* Refusals warn on stderr: kept out of the test log, and checkable. */
	cr_redirect_stderr();
}

static void teardown(void)
{
	fclose(vm.serial.out);
	free(out_buf);
	free(ram);
}

TestSuite(hc, .init = setup, .fini = teardown);

static struct hc_req *req(void)
{
	return (struct hc_req *)(ram + REQ_PA);
}

/* Put a request at REQ_PA and issue it; returns hc_handle's result. */
static int call(uint32_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	*req() = (struct hc_req){ .nr = nr, .ret = 0xdead, .a = { a0, a1, a2, a3 } };
	return hc_handle(&vm, REQ_PA);
}

Test(hc, exit_status)
{
	cr_assert_eq(call(HC_EXIT, 0, 0, 0, 0), 0);
	cr_assert_eq(call(HC_EXIT, 7, 0, 0, 0), 7);
	cr_assert_eq(call(HC_EXIT, 63, 0, 0, 0), 63);
}

Test(hc, exit_status_out_of_range)
{
	cr_redirect_stderr();
	cr_assert_eq(call(HC_EXIT, 64, 0, 0, 0), EXIT_GUEST_PANIC);
	cr_assert_eq(call(HC_EXIT, ~0ull, 0, 0, 0), EXIT_GUEST_PANIC);
}

Test(hc, request_not_in_ram)
{
	cr_redirect_stderr();
	cr_assert_eq(hc_handle(&vm, RAM), HC_CONTINUE);
	cr_assert_eq(hc_handle(&vm, RAM - 8), HC_CONTINUE);   /* straddles the end */
	cr_assert_eq(hc_handle(&vm, 0xc0000000), HC_CONTINUE); /* the hole */
	cr_assert_eq(hc_handle(&vm, ~0ull - 4), HC_CONTINUE);   /* wraps */
	cr_assert_eq(vm.hc.bad_requests, 4);
}

/* On a terminal the guest's control bytes are shown, not obeyed. */
Test(hc, console_write_on_a_terminal_shows_control_bytes)
{
	/* ESC [2J, BEL, DEL, C1 CSI as UTF-8 (C2 9B); then é and ° pass. */
	static const char text[] = "a\x1b[2Jb\n\tc\x07\x7f\xc2\x9b" "1m\xc3\xa9\xc2\xb0";
	static const char shown[] = "a\\x1b[2Jb\n\tc\\x07\\x7f\\xc2\\x9b" "1m\xc3\xa9\xc2\xb0";

	memcpy(ram + BUF_PA, text, sizeof(text) - 1);
	vm.serial.escape = true;
	cr_assert_eq(call(HC_CONSOLE_WRITE, BUF_PA, sizeof(text) - 1, 0, 0), HC_CONTINUE);
	cr_assert_eq(req()->ret, HC_OK);
	fflush(vm.serial.out);
	cr_assert_eq(out_len, sizeof(shown) - 1, "%.*s", (int)out_len, out_buf);
	cr_assert_eq(memcmp(out_buf, shown, out_len), 0, "%.*s", (int)out_len, out_buf);

	/* A C1 control split across two writes, as the UART sends it. */
	fflush(vm.serial.out);
	size_t before = out_len;
	serial_console_write(&vm.serial, "\xc2", 1);
	serial_console_write(&vm.serial, "\x9bX", 2);
	fflush(vm.serial.out);
	cr_assert_eq(out_len - before, 9, "%.*s", (int)(out_len - before), out_buf + before);
	cr_assert_eq(memcmp(out_buf + before, "\\xc2\\x9bX", 9), 0);
	out_len = before;
	fseek(vm.serial.out, (long)before, SEEK_SET);

	/* Into a file or a pipe, the bytes are the guest's own. */
	vm.serial.escape = false;
	cr_assert_eq(call(HC_CONSOLE_WRITE, BUF_PA, sizeof(text) - 1, 0, 0), HC_CONTINUE);
	fflush(vm.serial.out);
	cr_assert_eq(out_len, sizeof(shown) - 1 + sizeof(text) - 1);
	cr_assert_eq(memcmp(out_buf + sizeof(shown) - 1, text, sizeof(text) - 1), 0);
}

Test(hc, console_write)
{
	memcpy(ram + BUF_PA, "hello", 5);
	cr_assert_eq(call(HC_CONSOLE_WRITE, BUF_PA, 5, 0, 0), HC_CONTINUE);
	cr_assert_eq(req()->ret, HC_OK);
	cr_assert_eq(call(HC_CONSOLE_WRITE, BUF_PA, 0, 0, 0), HC_CONTINUE);
	cr_assert_eq(req()->ret, HC_OK);
	fflush(vm.serial.out);
	cr_assert_eq(out_len, 5);
	cr_assert_eq(memcmp(out_buf, "hello", 5), 0);

	call(HC_CONSOLE_WRITE, BUF_PA, HC_CONSOLE_MAX + 1, 0, 0);
	cr_assert_eq(req()->ret, HC_EINVAL);
	call(HC_CONSOLE_WRITE, RAM - 2, 5, 0, 0);
	cr_assert_eq(req()->ret, HC_EINVAL);
	call(HC_CONSOLE_WRITE, ~0ull, 5, 0, 0);
	cr_assert_eq(req()->ret, HC_EINVAL);
	fflush(vm.serial.out);
	cr_assert_eq(out_len, 5);
}

Test(hc, unknown_call)
{
	cr_redirect_stderr();
	call(0, 0, 0, 0, 0);
	cr_assert_eq(req()->ret, HC_ENOSYS);
	call(HC_NR_MAX, 0, 0, 0, 0);
	cr_assert_eq(req()->ret, HC_ENOSYS);
	call(0xffffffff, 0, 0, 0, 0);
	cr_assert_eq(req()->ret, HC_ENOSYS);
}

static uint64_t hook_tag;
static int hook_calls;

static int hook(struct vm *v, uint64_t tag, void *opaque)
{
	cr_assert_eq(v, &vm);
	cr_assert_eq(opaque, &hook_calls);
	hook_tag = tag;
	return ++hook_calls == 2 ? EXIT_INVARIANT : 0;
}

Test(hc, checkpoint_hook)
{
	cr_assert_eq(call(HC_CHECKPOINT, 11, 0, 0, 0), HC_CONTINUE);
	cr_assert_eq(vm.hc.checkpoints, 1);
	vm_set_checkpoint_hook(&vm, hook, &hook_calls);
	cr_assert_eq(call(HC_CHECKPOINT, 22, 0, 0, 0), HC_CONTINUE);
	cr_assert_eq(hook_tag, 22);
	cr_assert_eq(call(HC_CHECKPOINT, 33, 0, 0, 0), EXIT_INVARIANT);
	cr_assert_eq(vm.hc.checkpoints, 3);
	cr_assert_eq(vm.hc.last_checkpoint_tag, 33);
}

static uint64_t wait_mailbox_pa;

static int wait_hook(struct vm *v, uint64_t mailbox_pa, void *opaque)
{
	cr_assert_eq(v, &vm);
	cr_assert_eq(opaque, &wait_mailbox_pa);
	wait_mailbox_pa = mailbox_pa;
	return mailbox_pa == 0x5000 ? HC_CONTINUE : 0;
}

Test(hc, wait_request_without_a_console_ends_the_run)
{
	cr_redirect_stderr();
	cr_assert_eq(call(HC_WAIT_REQUEST, 0x5000, 0, 0, 0), EXIT_USAGE);
	fflush(stderr);
	cr_assert_stderr_eq_str("vmm: the guest is idle, waiting for console requests (run=idle), "
				"but no console is open: add --console, --script FILE or --console "
				"unix:PATH\n");
}

Test(hc, wait_request_hook)
{
	vm_set_console_hooks(&vm, NULL, wait_hook, &wait_mailbox_pa);
	cr_assert_eq(call(HC_WAIT_REQUEST, 0x5000, 0, 0, 0), HC_CONTINUE);
	cr_assert_eq(wait_mailbox_pa, 0x5000);
	cr_assert_eq(req()->ret, HC_OK);
	cr_assert_eq(call(HC_WAIT_REQUEST, 0x6000, 0, 0, 0), 0);
	cr_assert_eq(wait_mailbox_pa, 0x6000);
	cr_assert_eq(vm.hc.calls[HC_WAIT_REQUEST], 2);
}

Test(hc, panic_backtrace_symbolised)
{
	static struct elf_symbol syms[] = {
		{ .addr = 0xc0101200, .size = 0x120, .name = "start_kernel", .type = 2, .bind = 1 },
	};
	struct symtab t = { .sym = syms, .nr = 1 };
	uint32_t bt[2] = { 0xc0101234, 0x1000 };

	cr_redirect_stderr();
	sym_set_default(&t);
	memcpy(ram + BUF_PA, "oops\n", 5);
	memcpy(ram + BUF_PA + 0x100, bt, sizeof(bt));
	cr_assert_eq(call(HC_PANIC, BUF_PA, 5, BUF_PA + 0x100, 2), EXIT_GUEST_PANIC);
	sym_set_default(NULL);
	fflush(stderr);
	cr_assert_stderr_eq_str("vmm: guest panic: oops\n"
				"Call Trace:\n"
				"  [<c0101234>] start_kernel+0x34/0x120\n"
				"  [<00001000>] ?\n");
}

Test(hc, panic_with_bad_pointers)
{
	cr_redirect_stderr();
	cr_assert_eq(call(HC_PANIC, RAM, 10, RAM, 3), EXIT_GUEST_PANIC);
	cr_assert_eq(call(HC_PANIC, BUF_PA, ~0ull, BUF_PA, ~0ull), EXIT_GUEST_PANIC);
	fflush(stderr);
	cr_assert_stderr_neq_str("");
}

/* ---- HC_PAGEOPS ----------------------------------------------------------- */

#define OPS_PA 0x30000ull

static struct hc_pageop *ops(void)
{
	return (struct hc_pageop *)(ram + OPS_PA);
}

static uint32_t pageops(unsigned n)
{
	call(HC_PAGEOPS, OPS_PA, n, 0, 0);
	return req()->ret;
}

Test(hc, pageops_clear_fill_copy_verify)
{
	memset(PG(0x100), 0x5a, 2 * 4096);
	ops()[0] = (struct hc_pageop){ .op = PAGEOP_CLEAR, .nr_pages = 2, .dst_pfn = 0x100 };
	ops()[1] = (struct hc_pageop){ .op = PAGEOP_FILL, .fill = 0xab, .nr_pages = 3, .dst_pfn = 0x200 };
	ops()[2] = (struct hc_pageop){ .op = PAGEOP_COPY, .nr_pages = 3, .dst_pfn = 0x300, .src_pfn = 0x200 };
	ops()[3] = (struct hc_pageop){ .op = PAGEOP_VERIFY, .fill = 0xab, .nr_pages = 3, .dst_pfn = 0x300 };
	ops()[4] = (struct hc_pageop){ .op = PAGEOP_VERIFY, .fill = 0, .nr_pages = 2, .dst_pfn = 0x100 };
	cr_assert_eq(pageops(5), HC_OK);
	for (int i = 0; i < 2 * 4096; i++)
		cr_assert_eq(PG(0x100)[i], 0);
	for (int i = 0; i < 3 * 4096; i++)
		cr_assert_eq(PG(0x300)[i], 0xab);
	cr_assert_eq(PG(0x303)[0], 0);
	cr_assert_eq(req()->a[2], ~0ull, "all verified");
	cr_assert_eq(vm.hc.pages_cleared, 2);
	cr_assert_eq(vm.hc.pages_filled, 3);
	cr_assert_eq(vm.hc.pages_copied, 3);
	cr_assert_eq(vm.hc.pages_verified, 5);
}

Test(hc, pageops_verify_reports_first_mismatch)
{
	memset(PG(0x400), 0x11, 4 * 4096);
	PG(0x402)[17] = 0x12;
	PG(0x403)[5] = 0x12;
	ops()[0] = (struct hc_pageop){ .op = PAGEOP_VERIFY, .fill = 0x11, .nr_pages = 1, .dst_pfn = 0x400 };
	ops()[1] = (struct hc_pageop){ .op = PAGEOP_VERIFY, .fill = 0x11, .nr_pages = 3, .dst_pfn = 0x401 };
	cr_assert_eq(pageops(2), HC_OK);
	cr_assert_eq(req()->a[2], 1);
	cr_assert_eq(req()->a[3], 4096 + 17);
}

Test(hc, pageops_refuse_whole_batch)
{
	struct hc_pageop bad[] = {
		{ .op = PAGEOP_CLEAR, .nr_pages = 1, .dst_pfn = RAM / 4096 },           /* past RAM */
		{ .op = PAGEOP_CLEAR, .nr_pages = 2, .dst_pfn = RAM / 4096 - 1 },       /* straddles */
		{ .op = PAGEOP_CLEAR, .nr_pages = 1, .dst_pfn = 0xc0000 },              /* the hole */
		{ .op = PAGEOP_CLEAR, .nr_pages = 1, .dst_pfn = ~0ull },                /* overflow */
		{ .op = PAGEOP_CLEAR, .nr_pages = 1, .dst_pfn = ~0ull / 4096 },         /* overflow */
		{ .op = PAGEOP_CLEAR, .nr_pages = 0, .dst_pfn = 0x100 },
		{ .op = PAGEOP_CLEAR, .nr_pages = HC_PAGEOP_MAX_PAGES + 1, .dst_pfn = 0x100 },
		{ .op = PAGEOP_COPY, .nr_pages = 1, .dst_pfn = 0x100, .src_pfn = RAM / 4096 },
		{ .op = PAGEOP_COPY, .nr_pages = 4, .dst_pfn = 0x100, .src_pfn = 0x102 }, /* overlap */
		{ .op = PAGEOP_COPY, .nr_pages = 4, .dst_pfn = 0x102, .src_pfn = 0x100 }, /* overlap */
		{ .op = PAGEOP_FILL, .fill = 256, .nr_pages = 1, .dst_pfn = 0x100 },
		{ .op = PAGEOP_VERIFY, .fill = 0x1ff, .nr_pages = 1, .dst_pfn = 0x100 },
		{ .op = 0, .nr_pages = 1, .dst_pfn = 0x100 },
		{ .op = 99, .nr_pages = 1, .dst_pfn = 0x100 },
		/* The legacy ISA hole is reserved in the guest's e820 map. */
		{ .op = PAGEOP_CLEAR, .nr_pages = 1, .dst_pfn = 0xa0 },
		{ .op = PAGEOP_CLEAR, .nr_pages = 2, .dst_pfn = 0x9f },                 /* runs in */
		{ .op = PAGEOP_FILL, .fill = 1, .nr_pages = 1, .dst_pfn = 0xff },
		{ .op = PAGEOP_COPY, .nr_pages = 1, .dst_pfn = 0x100, .src_pfn = 0xff },
		{ .op = PAGEOP_CLEAR, .nr_pages = 1, .dst_pfn = 0x1ull << 52 },          /* wraps */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(PG(0x80), 0x77, 4096);
		/* a good element first: it must not run when a later one is bad */
		ops()[0] = (struct hc_pageop){ .op = PAGEOP_CLEAR, .nr_pages = 1, .dst_pfn = 0x80 };
		ops()[1] = bad[i];
		cr_assert_eq(pageops(2), HC_EINVAL, "bad element %zu accepted", i);
		cr_assert_eq(PG(0x80)[0], 0x77, "batch with bad element %zu partly ran", i);
	}
	cr_assert_eq(vm.hc.pages_cleared, 0);
}

Test(hc, pageops_batch_limits)
{
	cr_assert_eq(pageops(0), HC_OK);
	cr_assert_eq(pageops(HC_PAGEOPS_MAX + 1), HC_EINVAL);
	call(HC_PAGEOPS, RAM - 16, 1, 0, 0);                 /* array straddles RAM's end */
	cr_assert_eq(req()->ret, HC_EINVAL);
	call(HC_PAGEOPS, OPS_PA, ~0ull, 0, 0);
	cr_assert_eq(req()->ret, HC_EINVAL);
	for (unsigned i = 0; i < HC_PAGEOPS_MAX; i++)
		ops()[i] = (struct hc_pageop){ .op = PAGEOP_FILL, .fill = 1, .nr_pages = 1, .dst_pfn = 0x1000 + i };
	cr_assert_eq(pageops(HC_PAGEOPS_MAX), HC_OK);
	cr_assert_eq(PG(0x1000 + HC_PAGEOPS_MAX - 1)[4095], 1);
}

Test(hc, pageops_may_clear_their_own_request)
{
	/* The batch is copied first: clearing the page holding it is harmless. */
	ops()[0] = (struct hc_pageop){ .op = PAGEOP_CLEAR, .nr_pages = 1, .dst_pfn = OPS_PA / 4096 };
	ops()[1] = (struct hc_pageop){ .op = PAGEOP_FILL, .fill = 9, .nr_pages = 1, .dst_pfn = 0x500 };
	ops()[2] = (struct hc_pageop){ .op = PAGEOP_CLEAR, .nr_pages = 1, .dst_pfn = REQ_PA / 4096 };
	cr_assert_eq(pageops(3), HC_OK);
	cr_assert_eq(PG(0x500)[0], 9);
	cr_assert_eq(ops()[1].op, 0);
	cr_assert_eq(req()->ret, HC_OK);
}

/* ---- bench ------------------------------------------------------------------ */

#define TAG_PA 0x40000ull

static void put_tag(const char *t)
{
	memcpy(ram + TAG_PA, t, strlen(t));
}

Test(hc, bench_brackets_aggregate)
{
	char line[256];

	put_tag("alloc");
	for (int i = 0; i < 3; i++) {
		call(HC_BENCH_BEGIN, TAG_PA, 5, 1000, 0);
		cr_assert_eq(req()->ret, HC_OK);
		call(HC_BENCH_END, TAG_PA, 5, 1000 + 700, 2);
		cr_assert_eq(req()->ret, HC_OK);
	}
	cr_assert_eq(vm.bench.nr_tags, 1);
	cr_assert_eq(vm.bench.tag[0].runs, 3);
	cr_assert_eq(vm.bench.tag[0].ops, 6);
	cr_assert_eq(vm.bench.tag[0].cycles, 2100);

	FILE *f = fmemopen(line, sizeof(line), "w");
	bench_print(&vm.bench, f);
	fclose(f);
	cr_assert_str_eq(line, "bench alloc ops=6 cycles/op=350\n");
}

Test(hc, bench_bad_tags_and_unbalanced)
{
	cr_redirect_stderr();
	put_tag("has space");
	call(HC_BENCH_BEGIN, TAG_PA, 9, 0, 0);
	cr_assert_eq(req()->ret, HC_EINVAL);
	call(HC_BENCH_BEGIN, TAG_PA, 0, 0, 0);
	cr_assert_eq(req()->ret, HC_EINVAL);
	call(HC_BENCH_BEGIN, TAG_PA, HC_TAG_MAX + 1, 0, 0);
	cr_assert_eq(req()->ret, HC_EINVAL);
	call(HC_BENCH_BEGIN, RAM - 2, 4, 0, 0);
	cr_assert_eq(req()->ret, HC_EINVAL);
	put_tag("x\"y");
	call(HC_BENCH_BEGIN, TAG_PA, 3, 0, 0);
	cr_assert_eq(req()->ret, HC_EINVAL);
	put_tag("ok");
	call(HC_BENCH_END, TAG_PA, 2, 0, 1);  /* no BEGIN */
	cr_assert_eq(req()->ret, HC_EINVAL);
	call(HC_BENCH_BEGIN, TAG_PA, 2, 0, 0);
	put_tag("ko");
	call(HC_BENCH_END, TAG_PA, 2, 0, 1);  /* another tag */
	cr_assert_eq(req()->ret, HC_EINVAL);
	cr_assert_eq(vm.bench.tag[0].runs, 0);
}

/* A guest that gets every bench call wrong cannot flood stderr. */
Test(hc, bench_warnings_are_rate_limited)
{
	char want[4096] = "", line[128];
	FILE *f;

	cr_redirect_stderr();
	put_tag("ok");
	for (int i = 0; i < 1000; i++) {
		call(HC_BENCH_END, TAG_PA, 2, 0, 1);  /* no BEGIN */
		cr_assert_eq(req()->ret, HC_EINVAL);
	}
	f = fopen("/dev/null", "w");
	bench_print(&vm.bench, f);
	fclose(f);
	for (int i = 0; i < BENCH_WARN_MAX; i++)
		strcat(want, "vmm: warning: bench end ok: no open bracket; ignored\n");
	strcat(want, "vmm: warning: further bench warnings are only counted\n");
	snprintf(line, sizeof(line), "vmm: warning: %d more bench warnings were not printed\n",
		 1000 - BENCH_WARN_MAX);
	strcat(want, line);
	fflush(stderr);
	cr_assert_stderr_eq_str(want);
}

Test(hc, bench_ratio_format)
{
	char b[32];

	cr_assert_str_eq(bench_ratio(b, sizeof(b), 1000, 1), "1000");
	cr_assert_str_eq(bench_ratio(b, sizeof(b), 2007, 2), "1003.5");
	cr_assert_str_eq(bench_ratio(b, sizeof(b), 1, 3), "0.33");
	cr_assert_str_eq(bench_ratio(b, sizeof(b), 2, 3), "0.67");
	cr_assert_str_eq(bench_ratio(b, sizeof(b), 1000001, 1000), "1000");
	cr_assert_str_eq(bench_ratio(b, sizeof(b), 10, 4), "2.5");
	cr_assert_str_eq(bench_ratio(b, sizeof(b), 5, 0), "-");
}

/* bench_write_json()'s document, read back. */
static json_t *bench_json(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	json_t *j;

	cr_assert_eq(bench_write_json(&vm.bench, f), 0);
	fclose(f);
	j = parse_json(buf);
	free(buf);
	return j;
}

Test(hc, bench_json)
{
	json_t *j = bench_json(), *bench;
	const char *tag;
	json_int_t runs, ops, cycles;
	double per_op;
	int count_insns = -1;

	assert_unpack(j, "{s:b,s:o!}", "count_insns", &count_insns, "bench", &bench);
	cr_assert_eq(count_insns, 0);
	cr_assert(json_is_array(bench) && json_array_size(bench) == 0);
	json_decref(j);

	put_tag("t1");
	call(HC_BENCH_BEGIN, TAG_PA, 2, 10, 0);
	call(HC_BENCH_END, TAG_PA, 2, 40, 4);
	j = bench_json();
	assert_unpack(j, "{s:b,s:[{s:s,s:I,s:I,s:I,s:F!}!]!}", "count_insns", &count_insns,
		      "bench", "tag", &tag, "runs", &runs, "ops", &ops, "cycles", &cycles,
		      "cycles_per_op", &per_op);
	cr_assert_str_eq(tag, "t1");
	cr_assert_eq(runs, 1);
	cr_assert_eq(ops, 4);
	cr_assert_eq(cycles, 30);
	cr_assert_float_eq(per_op, 7.5, 1e-9);
	json_decref(j);
}

/*
 * The hypercall refuses quotes and backslashes in a tag (the text lines
 * are `bench TAG ...`), but the JSON does not rely on it: any tag reads
 * back, bytes that are not UTF-8 as U+FFFD.  Ratios are integers when
 * exact, null with no operations.
 */
Test(hc, bench_json_any_tag_and_ratios)
{
	const char name[] = "q\"b\\ \x01\x7f\xff\xc3\xa9", *tag;
	json_t *j, *cpo, *ipo;
	json_int_t insns;

	/* bench_begin() would ask the accelerator, which this VM lacks, to
	 * count instructions: counting is on only for the JSON, with counts
	 * the test sets. */
	bench_begin(&vm, name, 100);
	bench_end(&vm, name, 130, 0);
	vm.bench.count_insns = true;
	vm.bench.tag[0].insns = 1014;
	j = bench_json();
	assert_unpack(j, "{s:[{s:s,s:o,s:I,s:o}]}", "bench", "tag", &tag,
		      "cycles_per_op", &cpo, "insns", &insns, "insns_per_op", &ipo);
	cr_assert_str_eq(tag, "q\"b\\ \x01\x7f\xef\xbf\xbd\xc3\xa9");
	cr_assert(json_is_null(cpo) && json_is_null(ipo));
	cr_assert_eq(insns, 1014);
	json_decref(j);

	vm.bench.count_insns = false;
	bench_begin(&vm, name, 200);
	bench_end(&vm, name, 230, 3);
	vm.bench.count_insns = true;
	vm.bench.tag[0].insns = 3042;
	j = bench_json();
	assert_unpack(j, "{s:[{s:o,s:o}]}", "bench", "cycles_per_op", &cpo, "insns_per_op", &ipo);
	cr_assert(json_is_integer(cpo) && json_integer_value(cpo) == 20, "60 cycles over 3 ops");
	cr_assert(json_is_integer(ipo) && json_integer_value(ipo) == 1014);
	json_decref(j);
}

Test(hc, mem_or32_sets_bits_at_stride)
{
	uint32_t *w = (uint32_t *)PG(0x100);

	w[0] = 0x10;
	cr_assert_eq(call(HC_MEM_OR32, 0x100000, 32, 100, 0x80), HC_CONTINUE);
	cr_assert_eq(req()->ret, HC_OK);
	cr_assert_eq(w[0], 0x90, "existing bits kept");
	for (int i = 1; i < 100; i++) {
		cr_assert_eq(w[i * 8], 0x80, "word %d", i);
		cr_assert_eq(w[i * 8 + 1], 0, "between the strides untouched");
	}
	cr_assert_eq(w[100 * 8], 0, "stops after count words");
}

Test(hc, mem_or32_refuses_bad_ranges)
{
	const uint64_t bad[][3] = {
		{ RAM - 4, 32, 2 },           /* runs past the end of RAM */
		{ 0x100002, 32, 1 },          /* misaligned word */
		{ 0x100000, 6, 4 },           /* stride not a word multiple */
		{ 0x100000, 0, 4 },           /* zero stride */
		{ 0x100000, 32, (1ull << 24) + 1 },  /* too many words */
		{ 0x100000, 1ull << 40, 2 },  /* stride overflows the span */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		call(HC_MEM_OR32, bad[i][0], bad[i][1], bad[i][2], 1);
		cr_assert_eq(req()->ret, HC_EINVAL, "case %zu accepted", i);
	}
	cr_assert_eq(*(uint32_t *)PG(0x100), 0, "nothing written");
	call(HC_MEM_OR32, 0x100000, 32, 0, 1);
	cr_assert_eq(req()->ret, HC_OK, "count 0 is a no-op");
}

Test(hc, mem_find_nonzero)
{
	uint8_t *b = PG(0x100);

	cr_assert_eq(call(HC_MEM_FIND_NONZERO, 0x100000, 4096, 0, 0), HC_CONTINUE);
	cr_assert_eq(req()->ret, HC_OK);
	cr_assert_eq(req()->a[2], ~0ull, "all zero");
	b[777] = 1;
	b[900] = 2;
	call(HC_MEM_FIND_NONZERO, 0x100000, 4096, 0, 0);
	cr_assert_eq(req()->a[2], 777);
	call(HC_MEM_FIND_NONZERO, 0x100000, 777, 0, 0);
	cr_assert_eq(req()->a[2], ~0ull, "the range stops before the byte");
	call(HC_MEM_FIND_NONZERO, RAM - 8, 16, 0, 0);
	cr_assert_eq(req()->ret, HC_EINVAL, "past the end of RAM");
	call(HC_MEM_FIND_NONZERO, 0, HC_FIND_NONZERO_MAX + 1ull, 0, 0);
	cr_assert_eq(req()->ret, HC_EINVAL, "too long");
}
