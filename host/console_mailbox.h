/*
 * The VMM's side of the console mailbox (shared/abi.h, "Console requests to
 * an idle guest"; the guest's side is guest/kernel/console_idle.c): post a
 * request into the guest's struct console_mailbox, read the guest's answer
 * and check every field of it, and print it as the console's one-line
 * reply.  There is no console here: a wait-request hook (hypercall.h) calls
 * these, once per HC_WAIT_REQUEST:
 *
 *	if (a request is out)  con_mailbox_answer(), con_answer_print()
 *	then                   con_mailbox_post() the next one
 *
 * The guest is untrusted, and an answer is checked against the request it
 * answers and against every answer accepted before it (struct
 * con_mailbox_state):
 *
 *   - done_seq is the seq posted, from the mailbox it was posted to;
 *   - result is 0 or one of the protocol's errnos, and -ENOSYS exactly for
 *     an op the protocol does not define;
 *   - a refusal carries id, va and pfn 0 and leaves nr_live as it was;
 *   - on success an op that creates (alloc_pages, kmalloc, cache_create,
 *     cache_alloc, pool_create, pool_alloc) answers the next id: one more
 *     than the highest accepted so far, since ids start at 1, are never
 *     reused and every answer passes here; an op on an id answers that id;
 *     cache_destroy, which names a cache, answers an id handed out; no
 *     request (CON_OP_NONE) answers id, va and pfn 0;
 *   - nr_live is at most CON_MAX_LIVE, and one more after a create, one
 *     less after a free or destroy;
 *   - va is 0 or at least PAGE_OFFSET; an object that is always in lowmem
 *     (kmalloc and cache objects, caches, pools) has one, and its pfn is
 *     the direct map's for it; pages and pool elements may have none
 *     (highmem not mapped); a vmalloc or vmap area has a page-aligned one
 *     in [VMALLOC_START, VMALLOC_END) (struct con_mailbox_state), and a
 *     vmap's pfn is the first one asked for;
 *   - pfn is a page of guest RAM outside the legacy ISA hole (reserved
 *     in the guest's memory map); an alloc_pages block is all of that and
 *     aligned to its order;
 *   - the task requests answer a pid, not a console id, and leave nr_live
 *     alone: spawn a pid > 0, touch and kill the pid asked for; spawn and
 *     kill carry va and pfn 0; touch echoes the page of the va asked for
 *     (a user address, below PAGE_OFFSET) and a pfn of guest RAM, which
 *     after a write is not the zero page; schedule answers the rounds
 *     run, at most those asked for, with va and pfn 0.
 *
 * A refused answer is not recorded, and the next post is refused until an
 * answer is accepted: the guest cannot be trusted again in that run, and a
 * console ends it.
 */
#ifndef VMM_CONSOLE_MAILBOX_H
#define VMM_CONSOLE_MAILBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "abi.h"

struct vm;

/* A request as the console built it; posted as is, the name too (the
 * guest checks that it is NUL-terminated). */
struct con_request {
	uint32_t op;                /* enum console_op */
	uint32_t arg[4];
	union {
		char name[CON_NAME_MAX];
		uint32_t pfns[CON_VMAP_MAX];   /* CON_OP_VMAP */
	};
};

/* The guest's answer, once con_mailbox_answer() has accepted it. */
struct con_answer {
	int32_t result;             /* 0 or -errno */
	uint32_t id, va, pfn, nr_live;
	bool zero_page;             /* a touch's pfn is the shared zero page */
};

/* What the VMM posted and accepted so far in this run (in struct vm). */
struct con_mailbox_state {
	uint32_t seq;               /* the last request posted; 0: none */
	bool answered;              /* its answer was accepted */
	uint64_t mailbox_pa;        /* where it was posted */
	struct con_request req;     /* what it was */
	uint32_t last_id;           /* the highest id an accepted answer created */
	uint32_t nr_live;           /* the guest's live ids after that answer */
	/* [VMALLOC_START, VMALLOC_END) from the guest's layout and
	 * high_memory, set by the mailbox's host (the console, from its
	 * inspector, at every wait); end 0: not known, only page alignment
	 * is checked (the test-only script hook). */
	uint32_t vmalloc_start, vmalloc_end;
	/* The guest's empty_zero_page, set with them; 0: not known (a
	 * touch's answer then never reads as the zero page). */
	uint32_t zero_pfn;
};

/*
 * Write req into the guest's mailbox at mailbox_pa: op, args and name, then
 * seq, which must be one more than the last request's, whose answer must
 * have been accepted.  The answer fields are left alone.  0, or -EFAULT
 * (the mailbox is not in guest RAM) or -EINVAL, with err saying why.
 */
int con_mailbox_post(struct vm *vm, uint64_t mailbox_pa, uint32_t seq,
		     const struct con_request *req, char *err, size_t errlen);

/*
 * Read the guest's answer to request seq from the mailbox at mailbox_pa
 * into *ans and check it (above).  0, or -EFAULT (the mailbox is not in
 * guest RAM) or -EINVAL, with err naming the field and its value; *ans is
 * written only when the answer is accepted.
 */
int con_mailbox_answer(struct vm *vm, uint64_t mailbox_pa, uint32_t seq,
		       struct con_answer *ans, char *err, size_t errlen);

/*
 * The console's reply to an accepted answer, one line:
 *
 *	id 1: order 2 at pfn 0x1234 (va 0xc1234000)
 *	id 2: 100 bytes at pfn 0x7654 (va 0xc7654320)
 *	id 3: cache foo at pfn 0x7f12 (va 0xc7f12080)
 *	id 4: foo object at pfn ...
 *	id 5: mempool (slab foo, min_nr 2) at pfn ...
 *	      mempool (kmalloc 64 bytes, min_nr 2), mempool (order 1, min_nr 2)
 *	id 6: element of pool 5 at pfn ...
 *	id 2: freed at pfn 0x7654 (va 0xc7654320)        free_pages, kfree,
 *	                                                 cache_free, pool_free
 *	id 3: cache foo destroyed
 *	id 5: mempool destroyed
 *	pid 3: spawned                                   spawn
 *	pid 3: 0x08048000 read: the zero page (pfn 0x5) touch
 *	pid 3: 0x08048000 write: pfn 0x1234
 *	pid 3: killed                                    kill
 *	ok                                               no request
 *	refused: -ENOMEM (Cannot allocate memory)        any refusal
 *
 * A page without a kernel address shows as "at pfn 0x1234 (highmem, no va)".
 */
void con_answer_print(const struct con_request *req, const struct con_answer *ans, FILE *f);

/* The op's name in replies and scripts ("alloc_pages", "kfree" ...), or
 * NULL for an op the protocol does not define. */
const char *con_op_name(uint32_t op);

#endif
