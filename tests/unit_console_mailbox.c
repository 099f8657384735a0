/*
 * Console mailbox unit tests (host/console_mailbox.c) on a VM without an
 * accelerator: a fake RAM buffer, answers written where the guest would
 * write them.  Every check of an answer is shown refusing with its exact
 * message, a post is shown writing exactly the request's fields, and every
 * op's reply is shown as it prints.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "console_mailbox.h"
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
static int answer(int32_t result, uint32_t id, uint32_t va, uint32_t pfn, uint32_t nr_live)
{
	struct console_mailbox *m = mb();
	struct con_answer ans;

	m->result = result;
	m->id = id;
	m->va = va;
	m->pfn = pfn;
	m->nr_live = nr_live;
	m->done_seq = m->seq;
	err[0] = '\0';
	return con_mailbox_answer(&vm, MB_PA, vm.con_mailbox.seq, &ans, err, sizeof(err));
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

Test(mailbox, result_outside_the_protocol)
{
	post(CON_OP_KMALLOC, 64, 0xcc0, 0, NULL);
	assert_refused(answer(-5, 0, 0, 0, 0), "result -5 is neither 0 nor an errno of the protocol");
	assert_refused(answer(12, 0, 0, 0, 0), "result 12 is neither 0 nor an errno of the protocol");
	assert_refused(answer(-ENOSYS, 0, 0, 0, 0),
		       "result -ENOSYS for kmalloc, an op the protocol defines");
}

Test(mailbox, unknown_op_must_be_enosys)
{
	post(99, 0, 0, 0, NULL);
	assert_refused(answer(0, 0, 0, 0, 0),
		       "result 0 for op 99, which the protocol does not define: want -ENOSYS");
	assert_refused(answer(-ENOMEM, 0, 0, 0, 0),
		       "result -ENOMEM for op 99, which the protocol does not define: want -ENOSYS");
	cr_assert_eq(answer(-ENOSYS, 0, 0, 0, 0), 0, "%s", err);
}

Test(mailbox, nr_live_bound)
{
	post(CON_OP_KMALLOC, 64, 0xcc0, 0, NULL);
	assert_refused(answer(0, 1, PO + 0x5000, 5, CON_MAX_LIVE + 1),
		       "nr_live 1025 > CON_MAX_LIVE 1024");
}

Test(mailbox, refusal_carries_nothing)
{
	post(CON_OP_KMALLOC, 64, 0xcc0, 0, NULL);
	assert_refused(answer(-ENOMEM, 1, 0, 0, 0), "id 1 with result -ENOMEM, want 0");
	assert_refused(answer(-ENOMEM, 0, PO, 0, 0), "va 0xc0000000 with result -ENOMEM, want 0");
	assert_refused(answer(-ENOMEM, 0, 0, 0x10, 0), "pfn 0x10 with result -ENOMEM, want 0");
	assert_refused(answer(-ENOMEM, 0, 0, 0, 1),
		       "nr_live 1 with result -ENOMEM, want 0 (as before)");
	cr_assert_eq(answer(-ENOMEM, 0, 0, 0, 0), 0, "%s", err);
}

/* ---- Answers: ids and nr_live --------------------------------------------------- */

Test(mailbox, new_ids_come_in_order)
{
	post(CON_OP_KMALLOC, 64, 0xcc0, 0, NULL);
	assert_refused(answer(0, 0, PO + 0x5000, 5, 1),
		       "id 0, want 1: ids are handed out in order from 1");
	assert_refused(answer(0, 2, PO + 0x5000, 5, 1),
		       "id 2, want 1: ids are handed out in order from 1");
	cr_assert_eq(answer(0, 1, PO + 0x5000, 5, 1), 0, "%s", err);
	/* A refusal uses no id. */
	post(CON_OP_KMALLOC, 64, 0xcc0, 0, NULL);
	cr_assert_eq(answer(-ENOMEM, 0, 0, 0, 1), 0, "%s", err);
	post(CON_OP_CACHE_ALLOC, 0, 0xcc0, 0, "kmalloc-64");
	assert_refused(answer(0, 1, PO + 0x5040, 5, 2),
		       "id 1, want 2: ids are handed out in order from 1");
	cr_assert_eq(answer(0, 2, PO + 0x5040, 5, 2), 0, "%s", err);
}

Test(mailbox, nr_live_follows_creates_and_frees)
{
	post(CON_OP_KMALLOC, 64, 0xcc0, 0, NULL);
	assert_refused(answer(0, 1, PO + 0x5000, 5, 0), "nr_live 0 after kmalloc, want 1");
	assert_refused(answer(0, 1, PO + 0x5000, 5, 2), "nr_live 2 after kmalloc, want 1");
	cr_assert_eq(answer(0, 1, PO + 0x5000, 5, 1), 0, "%s", err);
	post(CON_OP_KFREE, 1, 0, 0, NULL);
	assert_refused(answer(0, 1, PO + 0x5000, 5, 1), "nr_live 1 after kfree, want 0");
	cr_assert_eq(answer(0, 1, PO + 0x5000, 5, 0), 0, "%s", err);
}

Test(mailbox, frees_answer_the_id_requested)
{
	post(CON_OP_ALLOC_PAGES, 0, 0xcc0, 0, NULL);
	cr_assert_eq(answer(0, 1, PO + 0x7000, 7, 1), 0, "%s", err);
	post(CON_OP_FREE_PAGES, 1, 0, 0, NULL);
	assert_refused(answer(0, 3, PO + 0x7000, 7, 0), "id 3, want 1, the id requested");
	cr_assert_eq(answer(0, 1, PO + 0x7000, 7, 0), 0, "%s", err);
}

Test(mailbox, cache_destroy_answers_an_id_handed_out)
{
	post(CON_OP_CACHE_CREATE, 40, 0, 0, "foo");
	cr_assert_eq(answer(0, 1, PO + 0x7080, 7, 1), 0, "%s", err);
	post(CON_OP_CACHE_DESTROY, 0, 0, 0, "foo");
	assert_refused(answer(0, 2, PO + 0x7080, 7, 0), "id 2 was never handed out (the highest is 1)");
	assert_refused(answer(0, 0, PO + 0x7080, 7, 0), "id 0 was never handed out (the highest is 1)");
	cr_assert_eq(answer(0, 1, PO + 0x7080, 7, 0), 0, "%s", err);
}

Test(mailbox, no_request_answers_nothing)
{
	post(CON_OP_NONE, 0, 0, 0, NULL);
	assert_refused(answer(0, 1, 0, 0, 0), "id 1 for none, want 0");
	assert_refused(answer(0, 0, PO, 0, 0), "va 0xc0000000 pfn 0 for none, want 0");
	assert_refused(answer(0, 0, 0, 3, 0), "va 0 pfn 0x3 for none, want 0");
	assert_refused(answer(0, 0, 0, 0, 1), "nr_live 1 after none, want 0");
	cr_assert_eq(answer(0, 0, 0, 0, 0), 0, "%s", err);
}

/* ---- Answers: va and pfn --------------------------------------------------------- */

Test(mailbox, va_is_a_kernel_address)
{
	post(CON_OP_ALLOC_PAGES, 0, 0xcc0, 0, NULL);
	assert_refused(answer(0, 1, 0x1000, 1, 1), "va 0x1000 is below PAGE_OFFSET 0xc0000000");
	assert_refused(answer(0, 1, 0xbfffffff, 1, 1),
		       "va 0xbfffffff is below PAGE_OFFSET 0xc0000000");
}

Test(mailbox, lowmem_objects_have_their_direct_map_va)
{
	post(CON_OP_KMALLOC, 64, 0xcc0, 0, NULL);
	assert_refused(answer(0, 1, 0, 0x100, 1),
		       "va 0 for kmalloc: the object is in lowmem, which is always mapped");
	assert_refused(answer(0, 1, PO + 0x100000, 0x101, 1),
		       "pfn 0x101, but va 0xc0100000 is pfn 0x100 in the direct map");
	cr_assert_eq(answer(0, 1, PO + 0x100040, 0x100, 1), 0, "%s", err);
}

Test(mailbox, pages_may_have_no_va)
{
	/* A highmem page not mapped: pfn only; and its va, if any, is not
	 * held to the direct map (a kmap address). */
	post(CON_OP_ALLOC_PAGES, 0, 0xcc2, 0, NULL);
	cr_assert_eq(answer(0, 1, 0, 0x1f00, 1), 0, "%s", err);
	post(CON_OP_FREE_PAGES, 1, 0, 0, NULL);
	cr_assert_eq(answer(0, 1, 0xffc01000, 0x1f00, 0), 0, "%s", err);
}

Test(mailbox, pfn_is_guest_ram)
{
	post(CON_OP_ALLOC_PAGES, 0, 0xcc2, 0, NULL);
	assert_refused(answer(0, 1, 0, 0x2000, 1), "pfn 0x2000 is not guest RAM (it ends at pfn 0x2000)");
	assert_refused(answer(0, 1, 0, 0xffffffff, 1),
		       "pfn 0xffffffff is not guest RAM (it ends at pfn 0x2000)");
	assert_refused(answer(0, 1, 0, 0xa0, 1),
		       "pfn 0xa0 is in the legacy ISA hole [0xa0, 0x100), which is reserved");
	assert_refused(answer(0, 1, 0, 0xff, 1),
		       "pfn 0xff is in the legacy ISA hole [0xa0, 0x100), which is reserved");
	cr_assert_eq(answer(0, 1, 0, 0x1fff, 1), 0, "%s", err);
}

Test(mailbox, page_blocks_are_aligned_ram)
{
	post(CON_OP_ALLOC_PAGES, 3, 0xcc2, 0, NULL);
	assert_refused(answer(0, 1, 0, 0x1f04, 1), "pfn 0x1f04 is not aligned to order 3");
	assert_refused(answer(0, 1, 0, 0x1ffc, 1), "pfn 0x1ffc is not aligned to order 3");
	assert_refused(answer(0, 1, 0, 0xf8, 1),
		       "pfn 0xf8 is in the legacy ISA hole [0xa0, 0x100), which is reserved");
	assert_refused(answer(0, 1, 0, 0x2000, 1),
		       "pfn 0x2000: 8 pages from there are not all guest RAM (it ends at pfn 0x2000)");
	cr_assert_eq(answer(0, 1, 0, 0x1ff8, 1), 0, "%s", err);

	post(CON_OP_ALLOC_PAGES, 60, 0xcc0, 0, NULL);
	assert_refused(answer(0, 2, 0, 0, 2), "an order-60 block cannot exist");
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

static void assert_prints(const struct con_request *req, const struct con_answer *ans,
			  const char *want)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert(f);
	con_answer_print(req, ans, f);
	fclose(f);
	cr_assert_str_eq(buf, want);
	free(buf);
}

#define OK(i, v, p) (&(struct con_answer){ .id = (i), .va = (v), .pfn = (p) })
#define REQ(o, a0, a1, a2, nm) (&(struct con_request){ .op = (o), .arg = { a0, a1, a2, 0 }, \
						       .name = nm })

Test(mailbox, replies_of_every_op)
{
	assert_prints(REQ(CON_OP_NONE, 0, 0, 0, ""), OK(0, 0, 0), "ok\n");
	assert_prints(REQ(CON_OP_ALLOC_PAGES, 2, 0xcc0, 0, ""), OK(7, 0xc1234000, 0x1234),
		      "id 7: order 2 at pfn 0x1234 (va 0xc1234000)\n");
	assert_prints(REQ(CON_OP_ALLOC_PAGES, 0, 0xcc2, 0, ""), OK(8, 0, 0x7f00),
		      "id 8: order 0 at pfn 0x7f00 (highmem, no va)\n");
	assert_prints(REQ(CON_OP_FREE_PAGES, 7, 0, 0, ""), OK(7, 0xc1234000, 0x1234),
		      "id 7: freed at pfn 0x1234 (va 0xc1234000)\n");
	assert_prints(REQ(CON_OP_FREE_PAGES, 8, 0, 0, ""), OK(8, 0, 0x7f00),
		      "id 8: freed at pfn 0x7f00 (highmem, no va)\n");
	assert_prints(REQ(CON_OP_KMALLOC, 100, 0xcc0, 0, ""), OK(2, 0xc7654320, 0x7654),
		      "id 2: 100 bytes at pfn 0x7654 (va 0xc7654320)\n");
	assert_prints(REQ(CON_OP_KFREE, 2, 0, 0, ""), OK(2, 0xc7654320, 0x7654),
		      "id 2: freed at pfn 0x7654 (va 0xc7654320)\n");
	assert_prints(REQ(CON_OP_CACHE_CREATE, 40, 0, 0, "foo"), OK(3, 0xc7f12080, 0x7f12),
		      "id 3: cache foo at pfn 0x7f12 (va 0xc7f12080)\n");
	assert_prints(REQ(CON_OP_CACHE_ALLOC, 0, 0xcc0, 0, "foo"), OK(4, 0xc7f13028, 0x7f13),
		      "id 4: foo object at pfn 0x7f13 (va 0xc7f13028)\n");
	assert_prints(REQ(CON_OP_CACHE_FREE, 4, 0, 0, ""), OK(4, 0xc7f13028, 0x7f13),
		      "id 4: freed at pfn 0x7f13 (va 0xc7f13028)\n");
	assert_prints(REQ(CON_OP_CACHE_DESTROY, 0, 0, 0, "foo"), OK(3, 0xc7f12080, 0x7f12),
		      "id 3: cache foo destroyed\n");
	assert_prints(REQ(CON_OP_POOL_CREATE, CON_POOL_SLAB, 2, 0, "foo"), OK(5, 0xc7f14000, 0x7f14),
		      "id 5: mempool (slab foo, min_nr 2) at pfn 0x7f14 (va 0xc7f14000)\n");
	assert_prints(REQ(CON_OP_POOL_CREATE, CON_POOL_KMALLOC, 4, 64, ""), OK(6, 0xc7f14040, 0x7f14),
		      "id 6: mempool (kmalloc 64 bytes, min_nr 4) at pfn 0x7f14 (va 0xc7f14040)\n");
	assert_prints(REQ(CON_OP_POOL_CREATE, CON_POOL_PAGE, 1, 3, ""), OK(7, 0xc7f14080, 0x7f14),
		      "id 7: mempool (order 3, min_nr 1) at pfn 0x7f14 (va 0xc7f14080)\n");
	assert_prints(REQ(CON_OP_POOL_ALLOC, 7, 0xcc2, 0, ""), OK(9, 0, 0x7e08),
		      "id 9: element of pool 7 at pfn 0x7e08 (highmem, no va)\n");
	assert_prints(REQ(CON_OP_POOL_FREE, 9, 0, 0, ""), OK(9, 0, 0x7e08),
		      "id 9: freed at pfn 0x7e08 (highmem, no va)\n");
	assert_prints(REQ(CON_OP_POOL_DESTROY, 7, 0, 0, ""), OK(7, 0xc7f14080, 0x7f14),
		      "id 7: mempool destroyed\n");
}

Test(mailbox, refusals_print_the_errno)
{
	static const struct {
		int32_t result;
		const char *want;
	} cases[] = {
		{ -ENOMEM, "refused: -ENOMEM (Cannot allocate memory)\n" },
		{ -ENOENT, "refused: -ENOENT (No such file or directory)\n" },
		{ -EINVAL, "refused: -EINVAL (Invalid argument)\n" },
		{ -EBUSY, "refused: -EBUSY (Device or resource busy)\n" },
		{ -ENOSPC, "refused: -ENOSPC (No space left on device)\n" },
		{ -ENOSYS, "refused: -ENOSYS (Function not implemented)\n" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (uint32_t op = 0; op <= CON_OP_NR; op++)
			assert_prints(REQ(op, 1, 2, 3, "foo"),
				      &(struct con_answer){ .result = cases[i].result },
				      cases[i].want);
}

Test(mailbox, op_names)
{
	static const char *const names[CON_OP_NR] = {
		"none", "alloc_pages", "free_pages", "kmalloc", "kfree", "cache_create",
		"cache_alloc", "cache_free", "cache_destroy", "pool_create", "pool_alloc",
		"pool_free", "pool_destroy",
	};

	for (uint32_t op = 0; op < CON_OP_NR; op++)
		cr_assert_str_eq(con_op_name(op), names[op]);
	cr_assert_null(con_op_name(CON_OP_NR));
	cr_assert_null(con_op_name(~0u));
}
