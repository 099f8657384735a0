/*
 * The console mailbox, VMM side: posting requests, checking the guest's
 * answers and printing them (console_mailbox.h says what is checked and
 * how replies read).  Guest memory is reached only through gpa_ptr(), and
 * the answer is copied out of it once, before any check.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "console_mailbox.h"
#include "util.h"
#include "vm.h"

#define PAGE_SHIFT 12

/* What an op's successful answer carries (console_mailbox.h). */
enum con_id_rule {
	ID_ZERO,        /* no object: id 0 */
	ID_NEW,         /* a new object: the next id */
	ID_ARG0,        /* the object arg0 names */
	ID_NAMED,       /* the cache the name names: an id handed out */
	ID_PID_NEW,     /* a new task: its pid, > 0 (0 is the kernel) */
	ID_PID_ARG0,    /* the task arg0 names: that pid */
	ID_ROUNDS,      /* rounds run: at most the arg0 asked for */
};

static const struct con_op_desc {
	const char *name;
	enum con_id_rule id;
	int live;       /* change of nr_live */
	bool lowmem;    /* always in lowmem: has a va, in the direct map */
	bool vmalloc;   /* a vmalloc area: a page-aligned va above the direct map */
	bool mapped;    /* a mapping: va is never 0, even with no object */
	bool pfn_arg0;  /* the page arg0 names: pfn == arg0 */
	bool user;      /* a user page: va is arg1's page, pfn its page */
} con_ops[CON_OP_NR] = {
	[CON_OP_NONE]          = { "none",          ID_ZERO,   0, false, false, false, false, false },
	[CON_OP_ALLOC_PAGES]   = { "alloc_pages",   ID_NEW,    1, false, false, false, false, false },
	[CON_OP_FREE_PAGES]    = { "free_pages",    ID_ARG0,  -1, false, false, false, false, false },
	[CON_OP_KMALLOC]       = { "kmalloc",       ID_NEW,    1, true,  false, false, false, false },
	[CON_OP_KFREE]         = { "kfree",         ID_ARG0,  -1, true,  false, false, false, false },
	[CON_OP_CACHE_CREATE]  = { "cache_create",  ID_NEW,    1, true,  false, false, false, false },
	[CON_OP_CACHE_ALLOC]   = { "cache_alloc",   ID_NEW,    1, true,  false, false, false, false },
	[CON_OP_CACHE_FREE]    = { "cache_free",    ID_ARG0,  -1, true,  false, false, false, false },
	[CON_OP_CACHE_DESTROY] = { "cache_destroy", ID_NAMED, -1, true,  false, false, false, false },
	[CON_OP_POOL_CREATE]   = { "pool_create",   ID_NEW,    1, true,  false, false, false, false },
	[CON_OP_POOL_ALLOC]    = { "pool_alloc",    ID_NEW,    1, false, false, false, false, false },
	[CON_OP_POOL_FREE]     = { "pool_free",     ID_ARG0,  -1, false, false, false, false, false },
	[CON_OP_POOL_DESTROY]  = { "pool_destroy",  ID_ARG0,  -1, true,  false, false, false, false },
	[CON_OP_VMALLOC]       = { "vmalloc",       ID_NEW,    1, false, true,  false, false, false },
	[CON_OP_VFREE]         = { "vfree",         ID_ARG0,  -1, false, true,  false, false, false },
	[CON_OP_VMAP]          = { "vmap",          ID_NEW,    1, false, true,  false, false, false },
	[CON_OP_KMAP]          = { "kmap",          ID_NEW,    1, false, false, true,  true, false },
	[CON_OP_KUNMAP]        = { "kunmap",        ID_ARG0,  -1, false, false, true,  false, false },
	[CON_OP_KMAP_ATOMIC]   = { "kmap_atomic",   ID_ZERO,   0, false, false, true,  true, false },
	[CON_OP_SPAWN]         = { "spawn",         ID_PID_NEW,  0, false, false, false, false, false },
	[CON_OP_TOUCH]         = { "touch",         ID_PID_ARG0, 0, false, false, false, false, true },
	[CON_OP_KILL]          = { "kill",          ID_PID_ARG0, 0, false, false, false, false, false },
	[CON_OP_SCHEDULE]      = { "schedule",      ID_ROUNDS,   0, false, false, false, false, false },
};

/* The protocol's errnos, with glibc's texts (not strerror(): the reply
 * must not depend on the locale).  The host is Linux, so <errno.h> has
 * the values the guest uses. */
static const struct {
	int err;
	const char *name, *text;
} con_errnos[] = {
	{ ENOMEM, "ENOMEM", "Cannot allocate memory" },
	{ ENOENT, "ENOENT", "No such file or directory" },
	{ EINVAL, "EINVAL", "Invalid argument" },
	{ EBUSY,  "EBUSY",  "Device or resource busy" },
	{ ENOSPC, "ENOSPC", "No space left on device" },
	{ ENOSYS, "ENOSYS", "Function not implemented" },
	{ ESRCH,  "ESRCH",  "No such process" },
	{ EFAULT, "EFAULT", "Bad address" },
	{ EPERM,  "EPERM",  "Operation not permitted" },
};

const char *con_op_name(uint32_t op)
{
	return op < CON_OP_NR ? con_ops[op].name : NULL;
}

static int con_errno_index(int32_t result)
{
	for (size_t i = 0; i < ARRAY_SIZE(con_errnos); i++)
		if (result == -con_errnos[i].err)
			return (int)i;
	return -1;
}

VMM_PRINTF(3, 4) static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static struct console_mailbox *mailbox_ptr(struct vm *vm, uint64_t mailbox_pa, char *err,
					   size_t errlen)
{
	struct console_mailbox *m = gpa_ptr(vm, mailbox_pa, sizeof(*m));

	if (!m)
		snprintf(err, errlen, "the mailbox at %#" PRIx64 " (%zu bytes) is not in guest RAM",
			 mailbox_pa, sizeof(*m));
	return m;
}

int con_mailbox_post(struct vm *vm, uint64_t mailbox_pa, uint32_t seq,
		     const struct con_request *req, char *err, size_t errlen)
{
	struct con_mailbox_state *st = &vm->con_mailbox;
	struct console_mailbox *m;

	if (st->seq && !st->answered)
		return fail(err, errlen, "request %" PRIu32 " is not answered yet", st->seq);
	if (seq != st->seq + 1)
		return fail(err, errlen, "seq %" PRIu32 ", want %" PRIu32 ": requests are "
			    "numbered in order from 1", seq, st->seq + 1);
	m = mailbox_ptr(vm, mailbox_pa, err, errlen);
	if (!m)
		return -EFAULT;
	/* Guest RAM through memcpy: the guest chose the address, and its
	 * alignment. */
	memcpy((char *)m + offsetof(struct console_mailbox, op), &req->op, sizeof(req->op));
	memcpy((char *)m + offsetof(struct console_mailbox, arg), req->arg, sizeof(req->arg));
	memcpy((char *)m + offsetof(struct console_mailbox, name), req->name, sizeof(req->name));
	/* seq last: it is what makes the rest a request. */
	memcpy((char *)m + offsetof(struct console_mailbox, seq), &seq, sizeof(seq));
	st->seq = seq;
	st->answered = false;
	st->mailbox_pa = mailbox_pa;
	st->req = *req;
	return 0;
}

/* "0", "-ENOMEM", or the number. */
static const char *result_str(int32_t result, char buf[16])
{
	int e = con_errno_index(result);

	if (e >= 0)
		snprintf(buf, 16, "-%s", con_errnos[e].name);
	else
		snprintf(buf, 16, "%" PRId32, result);
	return buf;
}

/* The checks of a refusal; 0 or -EINVAL. */
static int check_refusal(const struct con_mailbox_state *st, const struct console_mailbox *a,
			 char *err, size_t errlen)
{
	const char *name = con_errnos[con_errno_index(a->result)].name;

	if (a->id)
		return fail(err, errlen, "id %" PRIu32 " with result -%s, want 0", a->id, name);
	if (a->va)
		return fail(err, errlen, "va %#" PRIx32 " with result -%s, want 0", a->va, name);
	if (a->pfn)
		return fail(err, errlen, "pfn %#" PRIx32 " with result -%s, want 0", a->pfn, name);
	if (a->nr_live != st->nr_live)
		return fail(err, errlen, "nr_live %" PRIu32 " with result -%s, want %" PRIu32
			    " (as before)", a->nr_live, name, st->nr_live);
	return 0;
}

static int check_id(const struct con_mailbox_state *st, const struct con_op_desc *d,
		    uint32_t id, char *err, size_t errlen)
{
	switch (d->id) {
	case ID_ZERO:
		if (id)
			return fail(err, errlen, "id %" PRIu32 " for %s, want 0", id, d->name);
		break;
	case ID_NEW:
		if (id != st->last_id + 1)
			return fail(err, errlen, "id %" PRIu32 ", want %" PRIu32 ": ids are handed "
				    "out in order from 1", id, st->last_id + 1);
		break;
	case ID_ARG0:
	case ID_PID_ARG0: {
		const char *what = d->id == ID_PID_ARG0 ? "pid" : "id";

		if (id != st->req.arg[0])
			return fail(err, errlen, "%s %" PRIu32 ", want %" PRIu32 ", the %s requested",
				    what, id, st->req.arg[0], what);
		break;
	}
	case ID_NAMED:
		if (!id || id > st->last_id)
			return fail(err, errlen, "id %" PRIu32 " was never handed out (the highest is %"
				    PRIu32 ")", id, st->last_id);
		break;
	case ID_PID_NEW:
		if (!id || id > INT32_MAX)
			return fail(err, errlen, "pid %" PRIu32 " for %s: a user task's pid is "
				    "from 1 to %d", id, d->name, INT32_MAX);
		break;
	case ID_ROUNDS:
		/* 0 rounds is a valid answer: no user task was runnable. */
		if (id > st->req.arg[0])
			return fail(err, errlen, "%" PRIu32 " rounds run, but %" PRIu32 " were asked "
				    "for", id, st->req.arg[0]);
		break;
	}
	return 0;
}

static int check_va_pfn(struct vm *vm, const struct con_mailbox_state *st,
			const struct con_op_desc *d, const struct console_mailbox *a,
			char *err, size_t errlen)
{
	uint64_t pages = 1;

	if (d->user) {
		uint32_t want = st->req.arg[1] & ~((1u << PAGE_SHIFT) - 1);

		if (a->va != want)
			return fail(err, errlen, "va %#" PRIx32 ", want %#" PRIx32 ", the page of the "
				    "va requested", a->va, want);
		if (a->va >= PAGE_OFFSET_VAL)
			return fail(err, errlen, "va %#" PRIx32 " for touch is not below PAGE_OFFSET "
				    "%#x: a task's pages are in the user half", a->va, PAGE_OFFSET_VAL);
		if (st->req.arg[2] && st->zero_pfn && a->pfn == st->zero_pfn)
			return fail(err, errlen, "pfn %#" PRIx32 " after a write is the zero page, "
				    "which is never mapped writable", a->pfn);
	} else if ((d->id == ID_ZERO && !d->mapped) || d->id == ID_PID_NEW ||
		   d->id == ID_PID_ARG0 || d->id == ID_ROUNDS) {
		if (a->va || a->pfn)
			return fail(err, errlen, "va %#" PRIx32 " pfn %#" PRIx32 " for %s, want 0",
				    a->va, a->pfn, d->name);
		return 0;
	}
	if (a->va && a->va < PAGE_OFFSET_VAL && !d->user)
		return fail(err, errlen, "va %#" PRIx32 " is below PAGE_OFFSET %#x", a->va,
			    PAGE_OFFSET_VAL);
	if (d->mapped && !a->va)
		return fail(err, errlen, "va 0 for %s: a mapped page has an address", d->name);
	if (d->pfn_arg0 && a->pfn != st->req.arg[0])
		return fail(err, errlen, "pfn %#" PRIx32 ", want %#" PRIx32 ", the pfn requested",
			    a->pfn, st->req.arg[0]);
	if (d->lowmem && !a->va)
		return fail(err, errlen, "va 0 for %s: the object is in lowmem, which is always "
			    "mapped", d->name);
	if (d->vmalloc && (!a->va || a->va % (1u << PAGE_SHIFT)))
		return fail(err, errlen, "va %#" PRIx32 " for %s: a vmalloc area starts at a page "
			    "boundary", a->va, d->name);
	if (d->vmalloc && st->vmalloc_end &&
	    (a->va < st->vmalloc_start || a->va >= st->vmalloc_end))
		return fail(err, errlen, "va %#" PRIx32 " for %s is outside the vmalloc range "
			    "[%#" PRIx32 ", %#" PRIx32 ")", a->va, d->name, st->vmalloc_start,
			    st->vmalloc_end);
	if (st->req.op == CON_OP_VMAP && a->pfn != st->req.pfns[0])
		return fail(err, errlen, "pfn %#" PRIx32 ", want %#" PRIx32 ", the first page "
			    "asked for", a->pfn, st->req.pfns[0]);
	if (d->lowmem && a->pfn != (a->va - PAGE_OFFSET_VAL) >> PAGE_SHIFT)
		return fail(err, errlen, "pfn %#" PRIx32 ", but va %#" PRIx32 " is pfn %#" PRIx32
			    " in the direct map", a->pfn, a->va,
			    (a->va - PAGE_OFFSET_VAL) >> PAGE_SHIFT);
	if (st->req.op == CON_OP_ALLOC_PAGES) {
		uint32_t order = st->req.arg[0];

		/* 2^order pages of a 64-bit physical space: past 2^52 none fit. */
		if (order >= 52)
			return fail(err, errlen, "an order-%" PRIu32 " block cannot exist", order);
		pages = 1ull << order;
		if (a->pfn & (pages - 1))
			return fail(err, errlen, "pfn %#" PRIx32 " is not aligned to order %" PRIu32,
				    a->pfn, order);
	}
	/* RAM the guest was told is reserved is never handed out. */
	if (a->pfn < LEGACY_HOLE_END >> PAGE_SHIFT && a->pfn + pages > LEGACY_HOLE_START >> PAGE_SHIFT)
		return fail(err, errlen, "pfn %#" PRIx32 " is in the legacy ISA hole [%#x, %#x), "
			    "which is reserved", a->pfn, LEGACY_HOLE_START >> PAGE_SHIFT,
			    LEGACY_HOLE_END >> PAGE_SHIFT);
	if (!gpa_ptr(vm, (uint64_t)a->pfn << PAGE_SHIFT, pages << PAGE_SHIFT)) {
		if (pages > 1)
			return fail(err, errlen, "pfn %#" PRIx32 ": %" PRIu64 " pages from there are "
				    "not all guest RAM (it ends at pfn %#" PRIx64 ")", a->pfn, pages,
				    guest_mem_end(&vm->mem) >> PAGE_SHIFT);
		return fail(err, errlen, "pfn %#" PRIx32 " is not guest RAM (it ends at pfn %#"
			    PRIx64 ")", a->pfn, guest_mem_end(&vm->mem) >> PAGE_SHIFT);
	}
	return 0;
}

int con_mailbox_answer(struct vm *vm, uint64_t mailbox_pa, uint32_t seq,
		       struct con_answer *ans, char *err, size_t errlen)
{
	struct con_mailbox_state *st = &vm->con_mailbox;
	const struct con_op_desc *d = st->req.op < CON_OP_NR ? &con_ops[st->req.op] : NULL;
	const struct console_mailbox *m;
	struct console_mailbox a;
	uint32_t want_live;
	char buf[16];
	int r;

	if (!seq || seq != st->seq)
		return fail(err, errlen, "request %" PRIu32 " was not posted (the last was %"
			    PRIu32 ")", seq, st->seq);
	if (st->answered)
		return fail(err, errlen, "request %" PRIu32 " is answered already", seq);
	if (mailbox_pa != st->mailbox_pa)
		return fail(err, errlen, "the mailbox moved from %#" PRIx64 " to %#" PRIx64,
			    st->mailbox_pa, mailbox_pa);
	m = mailbox_ptr(vm, mailbox_pa, err, errlen);
	if (!m)
		return -EFAULT;
	memcpy(&a, m, sizeof(a));

	if (a.done_seq != seq)
		return fail(err, errlen, "done_seq %" PRIu32 ", want %" PRIu32, a.done_seq, seq);
	if (a.result && con_errno_index(a.result) < 0)
		return fail(err, errlen, "result %" PRId32 " is neither 0 nor an errno of the "
			    "protocol", a.result);
	if (a.nr_live > CON_MAX_LIVE)
		return fail(err, errlen, "nr_live %" PRIu32 " > CON_MAX_LIVE %d", a.nr_live,
			    CON_MAX_LIVE);
	if (!d && a.result != -ENOSYS)
		return fail(err, errlen, "result %s for op %" PRIu32 ", which the protocol does "
			    "not define: want -ENOSYS", result_str(a.result, buf), st->req.op);
	if (d && a.result == -ENOSYS)
		return fail(err, errlen, "result -ENOSYS for %s, an op the protocol defines",
			    d->name);
	if (a.result) {
		r = check_refusal(st, &a, err, errlen);
		if (r)
			return r;
	} else {
		want_live = st->nr_live + (uint32_t)d->live;
		if (a.nr_live != want_live)
			return fail(err, errlen, "nr_live %" PRIu32 " after %s, want %" PRIu32,
				    a.nr_live, d->name, want_live);
		r = check_id(st, d, a.id, err, errlen);
		if (!r)
			r = check_va_pfn(vm, st, d, &a, err, errlen);
		if (r)
			return r;
		if (d->id == ID_NEW)
			st->last_id = a.id;
		st->nr_live = a.nr_live;
	}
	st->answered = true;
	*ans = (struct con_answer){ .result = a.result, .id = a.id, .va = a.va, .pfn = a.pfn,
				    .nr_live = a.nr_live,
				    .zero_page = d && d->user && !a.result && st->zero_pfn &&
						 a.pfn == st->zero_pfn };
	return 0;
}

/* " at pfn 0x1234 (va 0xc1234000)" */
static void print_where(const struct con_answer *ans, FILE *f)
{
	if (ans->va)
		fprintf(f, " at pfn %#" PRIx32 " (va %#" PRIx32 ")", ans->pfn, ans->va);
	else
		fprintf(f, " at pfn %#" PRIx32 " (highmem, no va)", ans->pfn);
}

void con_answer_print(const struct con_request *req, const struct con_answer *ans, FILE *f)
{
	int name_len = (int)strnlen(req->name, sizeof(req->name));
	const char *name = req->name;
	int e;

	if (ans->result) {
		e = con_errno_index(ans->result);
		if (e < 0)
			fprintf(f, "refused: %" PRId32 "\n", ans->result);
		else
			fprintf(f, "refused: -%s (%s)\n", con_errnos[e].name, con_errnos[e].text);
		return;
	}
	if (req->op == CON_OP_NONE || req->op >= CON_OP_NR) {
		fprintf(f, "ok\n");
		return;
	}
	if (req->op == CON_OP_KMAP_ATOMIC) {
		fprintf(f, "kmap_atomic");
		print_where(ans, f);
		fprintf(f, ", unmapped again\n");
		return;
	}
	switch (req->op) {
	case CON_OP_SPAWN:
		fprintf(f, "pid %" PRIu32 ": %.*s spawned, stopped before its first instruction\n",
			ans->id, name_len, name);
		return;
	case CON_OP_KILL:
		fprintf(f, "pid %" PRIu32 ": killed (SIGKILL) and reaped\n", ans->id);
		return;
	case CON_OP_SCHEDULE:
		fprintf(f, "%" PRIu32 " of %" PRIu32 " round%s run%s\n", ans->id, req->arg[0],
			req->arg[0] == 1 ? "" : "s",
			ans->id < req->arg[0] ? ": no user task is left runnable" : "");
		return;
	case CON_OP_TOUCH:
		fprintf(f, "pid %" PRIu32 ": %s of %#" PRIx32 ": pfn %#" PRIx32 "%s\n", ans->id,
			req->arg[2] ? "write" : "read", ans->va, ans->pfn,
			ans->zero_page ? " (the zero page)" : "");
		return;
	}
	fprintf(f, "id %" PRIu32 ": ", ans->id);
	switch (req->op) {
	case CON_OP_ALLOC_PAGES:
		fprintf(f, "order %" PRIu32, req->arg[0]);
		break;
	case CON_OP_KMALLOC:
		fprintf(f, "%" PRIu32 " bytes", req->arg[0]);
		break;
	case CON_OP_CACHE_CREATE:
		fprintf(f, "cache %.*s", name_len, name);
		break;
	case CON_OP_CACHE_ALLOC:
		fprintf(f, "%.*s object", name_len, name);
		break;
	case CON_OP_POOL_CREATE:
		if (req->arg[0] == CON_POOL_SLAB)
			fprintf(f, "mempool (slab %.*s", name_len, name);
		else if (req->arg[0] == CON_POOL_KMALLOC)
			fprintf(f, "mempool (kmalloc %" PRIu32 " bytes", req->arg[2]);
		else if (req->arg[0] == CON_POOL_PAGE)
			fprintf(f, "mempool (order %" PRIu32, req->arg[2]);
		else
			fprintf(f, "mempool (kind %" PRIu32, req->arg[0]);
		fprintf(f, ", min_nr %" PRIu32 ")", req->arg[1]);
		break;
	case CON_OP_POOL_ALLOC:
		fprintf(f, "element of pool %" PRIu32, req->arg[0]);
		break;
	case CON_OP_VMALLOC:
		fprintf(f, "%s %" PRIu32 " bytes, first page", req->arg[1] ? "vmalloc_32" : "vmalloc",
			req->arg[0]);
		break;
	case CON_OP_VMAP:
		fprintf(f, "vmap of %" PRIu32 " page%s, first page", req->arg[0],
			req->arg[0] == 1 ? "" : "s");
		break;
	case CON_OP_KMAP:
		fprintf(f, "kmap");
		break;
	case CON_OP_KUNMAP:
		fprintf(f, "kunmapped");
		break;
	case CON_OP_CACHE_DESTROY:
		fprintf(f, "cache %.*s destroyed\n", name_len, name);
		return;
	case CON_OP_POOL_DESTROY:
		fprintf(f, "mempool destroyed\n");
		return;
	default:        /* the frees */
		fprintf(f, "freed");
		break;
	}
	print_where(ans, f);
	fputc('\n', f);
}
