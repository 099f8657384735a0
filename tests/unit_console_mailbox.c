/*
 * Console mailbox unit tests (host/console_mailbox.c) on a VM without an
 * accelerator: a fake RAM buffer, answers written where the guest would
 * write them.  A post is shown writing exactly the request's fields; every
 * check of an answer, with its exact message, and every op's reply are in
 * tests/fixtures/console_answers.txt, one case a line.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "console_mailbox.h"
#include "test_mailbox_script.h"
#include "vm.h"

#define RAM (32ull << 20)           /* pfns 0 .. 0x1fff */
#define MB_PA 0x10000ull
#define PO PAGE_OFFSET_VAL

static uint8_t *ram;
static struct vm vm;
static char err[256];

static void setup(void)
{
	ram = calloc(1, RAM);
	cr_assert(ram);
	vm_init_state(&vm);
	guest_mem_layout(&vm.mem, RAM, ram);
}

static void teardown(void)
{
	free(ram);
}

TestSuite(mailbox, .init = setup, .fini = teardown);

static struct console_mailbox *mb(void)
{
	return (struct console_mailbox *)(ram + MB_PA);
}

static struct con_request request(uint32_t op, uint32_t a0, uint32_t a1, uint32_t a2,
				  const char *name)
{
	struct con_request req = { .op = op, .arg = { a0, a1, a2, 0 } };

	if (name)
		strncpy(req.name, name, sizeof(req.name) - 1);
	return req;
}

/* Post the next request; asserts that it is accepted. */
static void post(uint32_t op, uint32_t a0, uint32_t a1, uint32_t a2, const char *name)
{
	struct con_request req = request(op, a0, a1, a2, name);

	cr_assert_eq(con_mailbox_post(&vm, MB_PA, vm.con_mailbox.seq + 1, &req, err, sizeof(err)),
		     0, "%s", err);
}

/* Write the guest's answer to the request out and check it: 0 or -errno. */
static int put_answer(const struct con_answer *a, struct con_answer *got)
{
	struct console_mailbox *m = mb();

	m->result = a->result;
	m->id = a->id;
	m->va = a->va;
	m->pfn = a->pfn;
	m->nr_live = a->nr_live;
	m->done_seq = m->seq;
	err[0] = '\0';
	return con_mailbox_answer(&vm, MB_PA, vm.con_mailbox.seq, got, err, sizeof(err));
}

static int answer(int32_t result, uint32_t id, uint32_t va, uint32_t pfn, uint32_t nr_live)
{
	struct con_answer got;

	return put_answer(&(struct con_answer){ result, id, va, pfn, nr_live, false }, &got);
}

#define assert_refused(call, msg)                                                   \
	do {                                                                        \
		cr_assert_eq((call), -EINVAL, "accepted, want \"%s\"", (msg));      \
		cr_assert_str_eq(err, (msg));                                       \
	} while (0)

/* ---- Posting ----------------------------------------------------------------- */

Test(mailbox, post_writes_exactly_the_fields)
{
	struct con_request req = request(CON_OP_CACHE_CREATE, 40, 8, 0x2000, "foo");
	uint8_t before[sizeof(struct console_mailbox) + 64];
	const size_t req_end = offsetof(struct console_mailbox, done_seq);
	struct console_mailbox *m = mb();

	req.arg[3] = 0xdeadbeef;
	memset(ram + MB_PA - 32, 0xa5, sizeof(before));
	memcpy(before, ram + MB_PA - 32, sizeof(before));
	cr_assert_eq(con_mailbox_post(&vm, MB_PA, 1, &req, err, sizeof(err)), 0, "%s", err);

	cr_assert_eq(m->seq, 1);
	cr_assert_eq(m->op, CON_OP_CACHE_CREATE);
	cr_assert_eq(m->arg[0], 40);
	cr_assert_eq(m->arg[1], 8);
	cr_assert_eq(m->arg[2], 0x2000);
	cr_assert_eq(m->arg[3], 0xdeadbeef);
	cr_assert_eq(memcmp(m->name, req.name, CON_NAME_MAX), 0);
	/* Not a byte more: the answer and what lies around the mailbox. */
	cr_assert_eq(memcmp(ram + MB_PA - 32, before, 32), 0);
	cr_assert_eq(memcmp(ram + MB_PA + req_end, before + 32 + req_end,
			    sizeof(before) - 32 - req_end), 0);
}

Test(mailbox, post_copies_an_unterminated_name_as_is)
{
	struct con_request req = request(CON_OP_CACHE_ALLOC, 0, 0, 0, NULL);

	memset(req.name, 'x', sizeof(req.name));
	cr_assert_eq(con_mailbox_post(&vm, MB_PA, 1, &req, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(memcmp(mb()->name, req.name, CON_NAME_MAX), 0);
}

Test(mailbox, post_refuses_a_mailbox_outside_ram)
{
	struct con_request req = request(CON_OP_NONE, 0, 0, 0, NULL);

	cr_assert_eq(con_mailbox_post(&vm, RAM - 40, 1, &req, err, sizeof(err)), -EFAULT);
	cr_assert_str_eq(err, "the mailbox at 0x1ffffd8 (80 bytes) is not in guest RAM");
	cr_assert_eq(con_mailbox_post(&vm, ~0ull - 8, 1, &req, err, sizeof(err)), -EFAULT);
	cr_assert_str_eq(err, "the mailbox at 0xfffffffffffffff7 (80 bytes) is not in guest RAM");
	/* Nothing was posted: request 1 is still the next. */
	cr_assert_eq(vm.con_mailbox.seq, 0);
	cr_assert_eq(con_mailbox_post(&vm, MB_PA, 1, &req, err, sizeof(err)), 0, "%s", err);
}

Test(mailbox, post_numbers_requests_in_order_after_their_answers)
{
	struct con_request req = request(CON_OP_NONE, 0, 0, 0, NULL);

	assert_refused(con_mailbox_post(&vm, MB_PA, 0, &req, err, sizeof(err)),
		       "seq 0, want 1: requests are numbered in order from 1");
	assert_refused(con_mailbox_post(&vm, MB_PA, 2, &req, err, sizeof(err)),
		       "seq 2, want 1: requests are numbered in order from 1");
	cr_assert_eq(mb()->seq, 0);
	post(CON_OP_NONE, 0, 0, 0, NULL);
	assert_refused(con_mailbox_post(&vm, MB_PA, 2, &req, err, sizeof(err)),
		       "request 1 is not answered yet");
	cr_assert_eq(answer(0, 0, 0, 0, 0), 0, "%s", err);
	assert_refused(con_mailbox_post(&vm, MB_PA, 1, &req, err, sizeof(err)),
		       "seq 1, want 2: requests are numbered in order from 1");
	post(CON_OP_NONE, 0, 0, 0, NULL);
	cr_assert_eq(mb()->seq, 2);
}

/* ---- Answers: the protocol ------------------------------------------------------ */

Test(mailbox, answer_to_a_request_not_posted)
{
	struct con_answer ans;

	assert_refused(con_mailbox_answer(&vm, MB_PA, 1, &ans, err, sizeof(err)),
		       "request 1 was not posted (the last was 0)");
	post(CON_OP_NONE, 0, 0, 0, NULL);
	assert_refused(con_mailbox_answer(&vm, MB_PA, 2, &ans, err, sizeof(err)),
		       "request 2 was not posted (the last was 1)");
	assert_refused(con_mailbox_answer(&vm, MB_PA, 0, &ans, err, sizeof(err)),
		       "request 0 was not posted (the last was 1)");
	cr_assert_eq(answer(0, 0, 0, 0, 0), 0, "%s", err);
	assert_refused(answer(0, 0, 0, 0, 0), "request 1 is answered already");
}

Test(mailbox, answer_from_another_mailbox)
{
	struct con_answer ans;

	post(CON_OP_NONE, 0, 0, 0, NULL);
	assert_refused(con_mailbox_answer(&vm, MB_PA + 0x1000, 1, &ans, err, sizeof(err)),
		       "the mailbox moved from 0x10000 to 0x11000");
}

Test(mailbox, done_seq)
{
	struct con_answer ans;

	post(CON_OP_NONE, 0, 0, 0, NULL);
	assert_refused(con_mailbox_answer(&vm, MB_PA, 1, &ans, err, sizeof(err)),
		       "done_seq 0, want 1");
}

/* A vmalloc or vmap answer points into [VMALLOC_START, VMALLOC_END) as the
 * console read it from the guest's layout; the first page and the last one
 * are in, the page below and VMALLOC_END are not.  vfree answers the same. */
Test(mailbox, vmalloc_answers_lie_in_the_vmalloc_range)
{
	static const struct { uint32_t op, va; const char *err; } cases[] = {
		{ CON_OP_VMALLOC, 0xc2000000, NULL },
		{ CON_OP_VMALLOC, 0xffbfd000, NULL },
		{ CON_OP_VMALLOC, 0xc1fff000, "va 0xc1fff000 for vmalloc is outside the vmalloc range "
					      "[0xc2000000, 0xffbfe000)" },
		{ CON_OP_VMALLOC, 0xffbfe000, "va 0xffbfe000 for vmalloc is outside the vmalloc range "
					      "[0xc2000000, 0xffbfe000)" },
		{ CON_OP_VMAP, 0xc0005000, "va 0xc0005000 for vmap is outside the vmalloc range "
					   "[0xc2000000, 0xffbfe000)" },
		{ CON_OP_VFREE, 0xffc01000, "va 0xffc01000 for vfree is outside the vmalloc range "
					    "[0xc2000000, 0xffbfe000)" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct con_mailbox_state *st = &vm.con_mailbox;
		uint32_t id = cases[i].op == CON_OP_VFREE ? 1 : st->last_id + 1;
		uint32_t live = st->nr_live + (cases[i].op == CON_OP_VFREE ? -1 : 1);

		st->vmalloc_start = 0xc2000000;
		st->vmalloc_end = 0xffbfe000;
		if (cases[i].op == CON_OP_VFREE && !st->nr_live) {
			st->last_id = 1;
			st->nr_live = 1;
			live = 0;
		}
		post(cases[i].op, cases[i].op == CON_OP_VMALLOC ? 4096 : cases[i].op == CON_OP_VFREE,
		     0, 0, NULL);
		if (cases[i].op == CON_OP_VMAP) {
			vm.con_mailbox.req.pfns[0] = 0x100;
			vm.con_mailbox.req.arg[0] = 1;
		}
		if (cases[i].err)
			assert_refused(answer(0, id, cases[i].va, 0x100, live), cases[i].err);
		else
			cr_assert_eq(answer(0, id, cases[i].va, 0x100, live), 0, "%s", err);
		/* A refused answer ends the run; start a fresh VM for the next. */
		vm_init_state(&vm);
		guest_mem_layout(&vm.mem, RAM, ram);
	}
}

/* ---- Answers: every check, and the replies (tests/fixtures/console_answers.txt) ---- */

#define CASES SRC_ROOT "/tests/fixtures/console_answers.txt"

static void parse_answer(char *s, struct con_answer *a, unsigned int line)
{
	char *end;

	a->result = (int32_t)strtol(s, &end, 0);
	a->id = (uint32_t)strtoul(end, &end, 0);
	a->va = (uint32_t)strtoul(end, &end, 0);
	a->pfn = (uint32_t)strtoul(end, &end, 0);
	a->nr_live = (uint32_t)strtoul(end, &end, 0);
	a->zero_page = false;
	cr_assert_eq(*end, '\0', "%s:%u: want RESULT ID VA PFN NR_LIVE", CASES, line);
}

/* What con_answer_print() prints, without its newline. */
static char *printed(const struct con_request *req, const struct con_answer *ans)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert(f);
	con_answer_print(req, ans, f);
	fclose(f);
	cr_assert(len && buf[len - 1] == '\n', "\"%s\" is not one line", buf);
	buf[len - 1] = '\0';
	return buf;
}

/* One case: REQUEST | LAST_ID NR_LIVE | ANSWER | rejects: or prints: */
static void run_case(char **field, unsigned int line)
{
	struct con_answer ans, got = { 0 };
	struct con_request req;
	uint32_t last_id, nr_live, zero_pfn = 0;
	int r;

	cr_assert_eq(test_mailbox_parse_request(field[0], &req, err, sizeof(err)), 1, "%s:%u: %s",
		     CASES, line, err);
	r = sscanf(field[1], "%" SCNu32 " %" SCNu32 " %" SCNx32, &last_id, &nr_live, &zero_pfn);
	cr_assert(r == 2 || r == 3, "%s:%u: want LAST_ID NR_LIVE [ZERO_PFN]", CASES, line);
	parse_answer(field[2], &ans, line);

	vm_init_state(&vm);
	guest_mem_layout(&vm.mem, RAM, ram);
	memset(mb(), 0, sizeof(*mb()));
	vm.con_mailbox.last_id = last_id;
	vm.con_mailbox.nr_live = nr_live;
	vm.con_mailbox.zero_pfn = zero_pfn;
	cr_assert_eq(con_mailbox_post(&vm, MB_PA, 1, &req, err, sizeof(err)), 0, "%s", err);
	r = put_answer(&ans, &got);

	if (!strncmp(field[3], "rejects: ", 9)) {
		cr_assert_eq(r, -EINVAL, "%s:%u: accepted", CASES, line);
		cr_assert_str_eq(err, field[3] + 9, "%s:%u", CASES, line);
	} else {
		cr_assert(!strncmp(field[3], "prints: ", 8), "%s:%u: want rejects: or prints:",
			  CASES, line);
		cr_assert_eq(r, 0, "%s:%u: %s", CASES, line, err);
		/* Field by field: the struct has padding.  zero_page shows in
		 * the reply. */
		cr_assert(got.result == ans.result && got.id == ans.id && got.va == ans.va &&
			  got.pfn == ans.pfn && got.nr_live == ans.nr_live, "%s:%u", CASES, line);
		char *reply = printed(&req, &got);
		cr_assert_str_eq(reply, field[3] + 8, "%s:%u", CASES, line);
		free(reply);
	}
}

Test(mailbox, every_check_and_reply)
{
	FILE *f = fopen(CASES, "re");
	unsigned int line = 0, nr = 0;
	char buf[512];

	cr_assert(f, "%s: %s", CASES, strerror(errno));
	while (fgets(buf, sizeof(buf), f)) {
		char *field[4], *p = buf;
		int n;

		line++;
		buf[strcspn(buf, "\n")] = '\0';
		if (!buf[0] || buf[0] == '#')
			continue;
		for (n = 0; n < 4; n++) {
			field[n] = p;
			p = strstr(p, " | ");
			if (!p)
				break;
			*p = '\0';
			p += 3;
		}
		cr_assert_eq(n, 3, "%s:%u: want four fields separated by \" | \"", CASES, line);
		run_case(field, line);
		nr++;
	}
	fclose(f);
	cr_assert_geq(nr, 60, "%u cases read", nr);
}

/* Accepted answers are what later ones are checked against. */
Test(mailbox, accepted_answers_move_the_state)
{
	post(CON_OP_KMALLOC, 64, 0xcc0, 0, NULL);
	cr_assert_eq(answer(0, 1, PO + 0x5000, 5, 1), 0, "%s", err);
	post(CON_OP_KMALLOC, 64, 0xcc0, 0, NULL);
	cr_assert_eq(answer(-ENOMEM, 0, 0, 0, 1), 0, "%s", err);
	post(CON_OP_CACHE_ALLOC, 0, 0xcc0, 0, "kmalloc-64");
	cr_assert_eq(answer(0, 2, PO + 0x5040, 5, 2), 0, "%s", err);
	post(CON_OP_KFREE, 1, 0, 0, NULL);
	cr_assert_eq(answer(0, 1, PO + 0x5000, 5, 1), 0, "%s", err);
	cr_assert_eq(vm.con_mailbox.last_id, 2);
	cr_assert_eq(vm.con_mailbox.nr_live, 1);
	/* An answer that was right once is not right again. */
	post(CON_OP_KMALLOC, 64, 0xcc0, 0, NULL);
	assert_refused(answer(0, 2, PO + 0x5040, 5, 2),
		       "id 2, want 3: ids are handed out in order from 1");
}

Test(mailbox, refused_answer_is_not_recorded)
{
	struct con_answer ans = { .result = 7, .id = 7, .va = 7, .pfn = 7, .nr_live = 7 };

	post(CON_OP_KMALLOC, 64, 0xcc0, 0, NULL);
	mb()->done_seq = 1;
	mb()->id = 5;
	mb()->va = PO + 0x5000;
	mb()->pfn = 5;
	mb()->nr_live = 1;
	assert_refused(con_mailbox_answer(&vm, MB_PA, 1, &ans, err, sizeof(err)),
		       "id 5, want 1: ids are handed out in order from 1");
	cr_assert_eq(ans.result, 7);
	cr_assert_eq(ans.id, 7);
	cr_assert_eq(vm.con_mailbox.last_id, 0);
	cr_assert_eq(vm.con_mailbox.nr_live, 0);
	cr_assert_not(vm.con_mailbox.answered);
	mb()->id = 1;
	cr_assert_eq(con_mailbox_answer(&vm, MB_PA, 1, &ans, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(ans.result, 0);
	cr_assert_eq(ans.id, 1);
	cr_assert_eq(ans.va, PO + 0x5000);
	cr_assert_eq(ans.pfn, 5);
	cr_assert_eq(ans.nr_live, 1);
}

/* ---- Replies --------------------------------------------------------------------- */

/* A refusal reads the same whatever the op, unknown ones included. */
Test(mailbox, refusals_print_the_same_for_every_op)
{
	static const int32_t results[] = { -ENOMEM, -ENOENT, -EINVAL, -EBUSY, -ENOSPC, -ENOSYS };

	for (size_t i = 0; i < sizeof(results) / sizeof(results[0]); i++) {
		struct con_answer ans = { .result = results[i] };
		struct con_request req = { .op = CON_OP_KMALLOC };
		char *want = printed(&req, &ans);

		for (req.op = 0; req.op <= CON_OP_NR; req.op++) {
			char *reply = printed(&req, &ans);

			cr_assert_str_eq(reply, want, "op %u", req.op);
			free(reply);
		}
		free(want);
	}
}

Test(mailbox, op_names)
{
	static const char *const names[CON_OP_NR] = {
		"none", "alloc_pages", "free_pages", "kmalloc", "kfree", "cache_create",
		"cache_alloc", "cache_free", "cache_destroy", "pool_create", "pool_alloc",
		"pool_free", "pool_destroy", "vmalloc", "vfree", "vmap", "kmap", "kunmap",
		"kmap_atomic", "spawn", "touch", "kill", "schedule",
	};

	for (uint32_t op = 0; op < CON_OP_NR; op++)
		cr_assert_str_eq(con_op_name(op), names[op]);
	cr_assert_null(con_op_name(CON_OP_NR));
	cr_assert_null(con_op_name(~0u));
}
