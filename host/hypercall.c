/*
 * Hypercall dispatch.  The guest is untrusted: the request block, each
 * address and each length inside it are checked through gpa_ptr() before
 * the VMM touches them, and a bad value gets HC_EINVAL, never a host crash.
 * The vCPU is stopped while a call runs, so guest memory does not change
 * under the handler; requests are still copied before use so that a call
 * that writes guest memory (HC_PAGEOPS) cannot rewrite its own arguments.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "elf_load.h"
#include "exitcodes.h"
#include "hypercall.h"
#include "vm.h"
#include "util.h"

#define PAGE_SIZE 4096ull
#define MAX_BAD_REQ_WARNINGS 10

void vm_set_checkpoint_hook(struct vm *vm, checkpoint_hook_t fn, void *opaque)
{
	vm->hc.checkpoint_hook = fn;
	vm->hc.checkpoint_opaque = opaque;
}

void vm_set_console_hooks(struct vm *vm, console_hook_t checkpoint, console_hook_t wait_request,
			  void *opaque)
{
	vm->hc.console_checkpoint = checkpoint;
	vm->hc.console_wait_request = wait_request;
	vm->hc.console_opaque = opaque;
}

/* An idle guest waits for console requests; without a console none come. */
static int hc_wait_request(struct vm *vm, const struct hc_req *req)
{
	if (vm->hc.console_wait_request)
		return vm->hc.console_wait_request(vm, req->a[0], vm->hc.console_opaque);
	pr_err("the guest is idle, waiting for console requests (run=idle), but no console "
	       "is open: add --console, --script FILE or --console unix:PATH");
	return EXIT_USAGE;
}

static int hc_exit(struct vm *vm, const struct hc_req *req)
{
	(void)vm;
	if (req->a[0] <= EXIT_GUEST_MAX)
		return (int)req->a[0];
	pr_info("guest requested exit status %" PRIu64 ", outside 0..%d; "
		"reporting it as a guest failure", req->a[0], EXIT_GUEST_MAX);
	return EXIT_GUEST_PANIC;
}

/* Print guest text, escaping what would garble the terminal. */
static void put_guest_text(FILE *f, const char *s, size_t len)
{
	while (len && (s[len - 1] == '\n' || s[len - 1] == '\0'))
		len--;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (isprint(c) || c == '\n' || c == '\t')
			fputc(c, f);
		else
			fprintf(f, "\\x%02x", c);
	}
}

static int hc_panic(struct vm *vm, const struct hc_req *req)
{
	uint64_t len = req->a[1], n = req->a[3];
	const char *msg;
	const uint8_t *bt;
	char sym[256];

	fflush(stdout);
	fprintf(stderr, "vmm: guest panic: ");
	if (len > HC_CONSOLE_MAX)
		len = HC_CONSOLE_MAX;
	msg = gpa_ptr(vm, req->a[0], len);
	if (msg)
		put_guest_text(stderr, msg, len);
	else
		fprintf(stderr, "(message at %#" PRIx64 ", length %" PRIu64 ", is not in guest RAM)",
			req->a[0], req->a[1]);
	fputc('\n', stderr);

	if (!n)
		return EXIT_GUEST_PANIC;
	if (n > HC_BACKTRACE_MAX) {
		pr_info("(backtrace of %" PRIu64 " entries; showing the first %d)",
			n, HC_BACKTRACE_MAX);
		n = HC_BACKTRACE_MAX;
	}
	bt = gpa_ptr(vm, req->a[2], n * sizeof(uint32_t));
	if (!bt) {
		pr_info("(backtrace at %#" PRIx64 " is not in guest RAM)", req->a[2]);
		return EXIT_GUEST_PANIC;
	}
	fprintf(stderr, "Call Trace:\n");
	for (uint64_t i = 0; i < n; i++) {
		uint32_t addr;

		memcpy(&addr, bt + i * sizeof(addr), sizeof(addr));
		/* Entries after the first are return addresses: the call is the
		 * byte before, which matters after a call to a noreturn function
		 * at the very end of its caller (Linux's %pB does the same). */
		fprintf(stderr, "  [<%08x>] %s\n", addr,
			sym_format_return(sym, sizeof(sym), addr, i > 0));
	}
	return EXIT_GUEST_PANIC;
}

const char *hc_name(uint32_t nr)
{
	static const char *const names[HC_NR_MAX] = {
		[HC_EXIT] = "exit",
		[HC_PANIC] = "panic",
		[HC_CONSOLE_WRITE] = "console_write",
		[HC_CHECKPOINT] = "checkpoint",
		[HC_BENCH_BEGIN] = "bench_begin",
		[HC_BENCH_END] = "bench_end",
		[HC_PAGEOPS] = "pageops",
		[HC_MEM_OR32] = "mem_or32",
		[HC_MEM_FIND_NONZERO] = "mem_find_nonzero",
		[HC_WAIT_REQUEST] = "wait_request",
	};

	return nr < HC_NR_MAX ? names[nr] : NULL;
}

/*
 * A request the VMM will not carry out: HC_EINVAL, and a warning that says
 * why, for the first HC_REFUSE_WARN_MAX of each call (a guest in a loop
 * would flood stderr); --stats counts them all.
 */
VMM_PRINTF(3, 4) static uint32_t refuse(struct vm *vm, uint32_t nr, const char *fmt, ...)
{
	uint64_t n = ++vm->hc.refused[nr];
	char why[256];
	va_list ap;

	if (n > HC_REFUSE_WARN_MAX)
		return HC_EINVAL;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	warn("hypercall %s refused: %s%s", hc_name(nr), why,
	     n == HC_REFUSE_WARN_MAX ? " (further refusals of it are only counted: --stats)" : "");
	return HC_EINVAL;
}

static uint32_t hc_console_write(struct vm *vm, const struct hc_req *req)
{
	const void *p;

	if (req->a[1] > HC_CONSOLE_MAX)
		return refuse(vm, HC_CONSOLE_WRITE, "length %" PRIu64 " > %d", req->a[1],
			      HC_CONSOLE_MAX);
	p = gpa_ptr(vm, req->a[0], req->a[1]);
	if (!p)
		return refuse(vm, HC_CONSOLE_WRITE, "[%#" PRIx64 ", +%" PRIu64 ") is not in guest RAM",
			      req->a[0], req->a[1]);
	serial_console_write(&vm->serial, p, req->a[1]);
	return HC_OK;
}

/* Copy a bench tag out of the guest: 1..HC_TAG_MAX printable, no space, quote or backslash. */
static bool get_tag(struct vm *vm, uint64_t pa, uint64_t len, char tag[HC_TAG_MAX + 1])
{
	const char *p;

	if (len == 0 || len > HC_TAG_MAX)
		return false;
	p = gpa_ptr(vm, pa, len);
	if (!p)
		return false;
	for (uint64_t i = 0; i < len; i++) {
		unsigned char c = p[i];

		if (!isgraph(c) || c == '"' || c == '\\')
			return false;
		tag[i] = c;
	}
	tag[len] = '\0';
	return true;
}

static uint32_t hc_bench(struct vm *vm, const struct hc_req *req, bool begin)
{
	char tag[HC_TAG_MAX + 1];

	if (!get_tag(vm, req->a[0], req->a[1], tag)) {
		bench_warn(&vm->bench, "bench %s: bad tag (address %#" PRIx64 ", length %" PRIu64
			   "): want 1..%d printable characters without spaces or quotes",
			   begin ? "begin" : "end", req->a[0], req->a[1], HC_TAG_MAX);
		if (!begin)  /* an END all the same: stop counting */
			bench_cancel(vm);
		return HC_EINVAL;
	}
	if (begin)
		return bench_begin(vm, tag, req->a[2]);
	return bench_end(vm, tag, req->a[2], req->a[3]);
}

/*
 * Host pointer for nr_pages guest pages from pfn, all in one RAM region and
 * none in the legacy ISA hole (reserved in the e820 map the guest was
 * given, though the VMM backs it), or NULL.
 */
static uint8_t *pfn_range_ptr(struct vm *vm, uint64_t pfn, uint64_t nr_pages)
{
	if (pfn > UINT64_MAX / PAGE_SIZE || nr_pages > UINT64_MAX / PAGE_SIZE - pfn)
		return NULL;
	if (pfn < LEGACY_HOLE_END / PAGE_SIZE && pfn + nr_pages > LEGACY_HOLE_START / PAGE_SIZE)
		return NULL;
	return gpa_ptr(vm, pfn * PAGE_SIZE, nr_pages * PAGE_SIZE);
}

/* Offset of the first byte in p[0, len) that is not `byte`, or len. */
static uint64_t first_mismatch(const uint8_t *p, uint64_t len, uint8_t byte)
{
	for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
		/* Page-wise fast path: p[0] == byte and each byte equals its successor. */
		if (p[off] == byte && !memcmp(p + off, p + off + 1, PAGE_SIZE - 1))
			continue;
		for (uint64_t i = off; i < off + PAGE_SIZE; i++)
			if (p[i] != byte)
				return i;
	}
	return len;
}

static bool pageop_valid(struct vm *vm, const struct hc_pageop *op)
{
	if (op->nr_pages == 0 || op->nr_pages > HC_PAGEOP_MAX_PAGES)
		return false;
	if (!pfn_range_ptr(vm, op->dst_pfn, op->nr_pages))
		return false;
	switch (op->op) {
	case PAGEOP_CLEAR:
		return true;
	case PAGEOP_COPY:
		/* Both ranges RAM, and disjoint (abi.h: they must not overlap). */
		return pfn_range_ptr(vm, op->src_pfn, op->nr_pages) &&
		       (op->src_pfn >= op->dst_pfn + op->nr_pages ||
			op->dst_pfn >= op->src_pfn + op->nr_pages);
	case PAGEOP_FILL:
	case PAGEOP_VERIFY:
		return op->fill <= 0xff;
	default:
		return false;
	}
}

/*
 * A batch is checked whole before any page is touched: one bad element
 * refuses the batch (HC_EINVAL) and leaves guest memory as it was.  VERIFY
 * results go back in req->a[2] (index of the first element not filled with
 * its byte, ~0 if none) and req->a[3] (byte offset of the first mismatch).
 */
static uint32_t hc_pageops(struct vm *vm, struct hc_req *req)
{
	struct hc_pageop ops[HC_PAGEOPS_MAX];
	uint64_t n = req->a[1];
	const void *src;

	if (n > HC_PAGEOPS_MAX)
		return refuse(vm, HC_PAGEOPS, "%" PRIu64 " elements > %d", n, HC_PAGEOPS_MAX);
	src = gpa_ptr(vm, req->a[0], n * sizeof(ops[0]));
	if (!src)
		return refuse(vm, HC_PAGEOPS, "the element array at %#" PRIx64 " is not in guest RAM",
			      req->a[0]);
	memcpy(ops, src, n * sizeof(ops[0]));
	for (uint64_t i = 0; i < n; i++)
		if (!pageop_valid(vm, &ops[i]))
			return refuse(vm, HC_PAGEOPS, "element %" PRIu64 " (op %u, %u pages at pfn %#"
				      PRIx64 ", src pfn %#" PRIx64 ", fill %#x) is not a valid "
				      "operation on guest RAM", i, ops[i].op, ops[i].nr_pages,
				      ops[i].dst_pfn, ops[i].src_pfn, ops[i].fill);

	req->a[2] = ~0ull;
	req->a[3] = 0;
	for (uint64_t i = 0; i < n; i++) {
		const struct hc_pageop *op = &ops[i];
		uint8_t *dst = pfn_range_ptr(vm, op->dst_pfn, op->nr_pages);
		uint64_t len = (uint64_t)op->nr_pages * PAGE_SIZE, off;

		switch (op->op) {
		case PAGEOP_CLEAR:
			memset(dst, 0, len);
			vm->hc.pages_cleared += op->nr_pages;
			break;
		case PAGEOP_FILL:
			memset(dst, op->fill, len);
			vm->hc.pages_filled += op->nr_pages;
			break;
		case PAGEOP_COPY:
			memcpy(dst, pfn_range_ptr(vm, op->src_pfn, op->nr_pages), len);
			vm->hc.pages_copied += op->nr_pages;
			break;
		case PAGEOP_VERIFY:
			vm->hc.pages_verified += op->nr_pages;
			if (req->a[2] != ~0ull)
				break;
			off = first_mismatch(dst, len, op->fill);
			if (off < len) {
				req->a[2] = i;
				req->a[3] = off;
			}
			break;
		}
	}
	return HC_OK;
}

/* Guest-controlled: the stride must keep words 4-aligned and the whole
 * strided span must lie in one RAM region (gpa_ptr checks that). */
static uint32_t hc_mem_or32(struct vm *vm, const struct hc_req *req)
{
	uint64_t pa = req->a[0], stride = req->a[1], count = req->a[2];
	uint32_t bits = (uint32_t)req->a[3];
	uint8_t *base;

	if (!count)
		return HC_OK;
	if (count > HC_MEM_OR32_MAX || stride < 4 || stride % 4 || pa % 4 ||
	    stride > (1u << 20))
		return refuse(vm, HC_MEM_OR32, "%" PRIu64 " words %" PRIu64 " bytes apart from %#"
			      PRIx64 ": want at most %u words, 4-aligned, 4 bytes to 1 MiB apart",
			      count, stride, pa, HC_MEM_OR32_MAX);
	base = gpa_ptr(vm, pa, (count - 1) * stride + 4);
	if (!base)
		return refuse(vm, HC_MEM_OR32, "%" PRIu64 " words %" PRIu64 " bytes apart from %#"
			      PRIx64 " are not in guest RAM", count, stride, pa);
	for (uint64_t i = 0; i < count; i++) {
		uint32_t w;

		memcpy(&w, base + i * stride, 4);
		w |= bits;
		memcpy(base + i * stride, &w, 4);
	}
	return HC_OK;
}

static uint32_t hc_mem_find_nonzero(struct vm *vm, struct hc_req *req)
{
	uint64_t len = req->a[1];
	const uint8_t *p;

	req->a[2] = ~0ull;
	if (len > HC_FIND_NONZERO_MAX)
		return refuse(vm, HC_MEM_FIND_NONZERO, "length %" PRIu64 " > %u", len,
			      HC_FIND_NONZERO_MAX);
	if (!len)
		return HC_OK;
	p = gpa_ptr(vm, req->a[0], len);
	if (!p)
		return refuse(vm, HC_MEM_FIND_NONZERO, "[%#" PRIx64 ", +%" PRIu64 ") is not in "
			      "guest RAM", req->a[0], len);
	for (uint64_t i = 0; i < len; i++)
		if (p[i]) {
			req->a[2] = i;
			break;
		}
	return HC_OK;
}

static uint32_t hc_unknown(struct vm *vm, uint32_t nr)
{
	bool *high = &vm->hc.enosys_warned_high;

	if (nr < 64 ? !(vm->hc.enosys_warned & (1ull << nr)) : !*high) {
		warn("guest made unknown hypercall %u; returning HC_ENOSYS%s", nr,
		     nr < 64 ? " (warning once per number)" : " (warning once for all numbers >= 64)");
		if (nr < 64)
			vm->hc.enosys_warned |= 1ull << nr;
		else
			*high = true;
	}
	return HC_ENOSYS;
}

int hc_handle(struct vm *vm, uint64_t req_pa)
{
	struct hc_req req;
	void *p = gpa_ptr(vm, req_pa, sizeof(req));
	int status = HC_CONTINUE;
	uint32_t ret = HC_OK;

	if (!p) {
		if (vm->hc.bad_requests++ < MAX_BAD_REQ_WARNINGS)
			warn("hypercall request block at %#" PRIx64 " is not in guest RAM; ignored",
			     req_pa);
		return HC_CONTINUE;
	}
	memcpy(&req, p, sizeof(req));
	if (req.nr < HC_NR_MAX)
		vm->hc.calls[req.nr]++;

	switch (req.nr) {
	case HC_EXIT:
		status = hc_exit(vm, &req);
		break;
	case HC_PANIC:
		status = hc_panic(vm, &req);
		break;
	case HC_CONSOLE_WRITE:
		ret = hc_console_write(vm, &req);
		break;
	case HC_CHECKPOINT:
		vm->hc.checkpoints++;
		vm->hc.last_checkpoint_tag = req.a[0];
		if (vm->hc.checkpoint_hook) {
			int r = vm->hc.checkpoint_hook(vm, req.a[0], vm->hc.checkpoint_opaque);

			if (r)
				status = r;
		}
		if (status == HC_CONTINUE && vm->hc.console_checkpoint)
			status = vm->hc.console_checkpoint(vm, req.a[0], vm->hc.console_opaque);
		break;
	case HC_BENCH_BEGIN:
		ret = hc_bench(vm, &req, true);
		break;
	case HC_BENCH_END:
		ret = hc_bench(vm, &req, false);
		break;
	case HC_PAGEOPS:
		ret = hc_pageops(vm, &req);
		if (ret == HC_OK)  /* the VERIFY result */
			memcpy((uint8_t *)p + offsetof(struct hc_req, a[2]), &req.a[2],
			       2 * sizeof(req.a[2]));
		break;
	case HC_MEM_OR32:
		ret = hc_mem_or32(vm, &req);
		break;
	case HC_MEM_FIND_NONZERO:
		ret = hc_mem_find_nonzero(vm, &req);
		if (ret == HC_OK)
			memcpy((uint8_t *)p + offsetof(struct hc_req, a[2]), &req.a[2],
			       sizeof(req.a[2]));
		break;
	case HC_WAIT_REQUEST:
		status = hc_wait_request(vm, &req);
		break;
	default:
		ret = hc_unknown(vm, req.nr);
		break;
	}
	/* The request block is still RAM: HC_PAGEOPS may have rewritten it, not moved it. */
	memcpy((uint8_t *)p + offsetof(struct hc_req, ret), &ret, sizeof(ret));
	return status;
}
