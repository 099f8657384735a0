/*
 * libFuzzer harness: hc_handle() over a fake RAM of one or two regions
 * (the second above 4 GiB, as a 6 GiB guest has), with arbitrary call
 * numbers and argument blocks.  The input is the RAM's first bytes, and
 * also where the request blocks are: each 8-byte word of it, read as a
 * physical address, is announced as a request in turn.  HC_WAIT_REQUEST
 * has a console's hook: it checks and prints the answer in the mailbox the
 * guest names, then posts the next request, taken from the input too.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "console_mailbox.h"
#include "hypercall.h"
#include "vm.h"

#define REGION (1u << 20)

static uint8_t *low, *high;
static struct vm vm;
static FILE *sink;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* Warnings are part of the work: buffered, they cost no syscall each. */
	setvbuf(stderr, NULL, _IOFBF, 1 << 16);
	low = calloc(1, REGION);
	high = calloc(1, REGION);
	sink = fopen("/dev/null", "w");
	if (!low || !high || !sink)
		abort();
	return 0;
}

static int wait_request(struct vm *v, uint64_t mailbox_pa, void *opaque)
{
	struct con_request req;
	struct con_answer ans;
	char err[256];

	if (v->con_mailbox.seq &&
	    !con_mailbox_answer(v, mailbox_pa, v->con_mailbox.seq, &ans, err, sizeof(err)))
		con_answer_print(&v->con_mailbox.req, &ans, sink);
	/* The request is the mailbox's own bytes: whatever the guest left. */
	memcpy(&req, low + mailbox_pa % (REGION - sizeof(req)), sizeof(req));
	con_mailbox_post(v, mailbox_pa, v->con_mailbox.seq + 1, &req, err, sizeof(err));
	(void)opaque;
	return HC_CONTINUE;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = size < REGION ? size : REGION;

	if (!size)
		return 0;
	vm_init_state(&vm);
	vm.serial.out = sink;
	vm_set_console_hooks(&vm, NULL, wait_request, NULL);
	vm.mem.region[0] = (struct ram_region){ .gpa = 0, .size = REGION, .host = low };
	vm.mem.nr_regions = 1;
	if (data[0] & 1) {
		vm.mem.region[1] = (struct ram_region){ .gpa = 4ull << 30, .size = REGION,
							.host = high };
		vm.mem.nr_regions = 2;
	}
	vm.mem.ram_bytes = (uint64_t)vm.mem.nr_regions * REGION;
	memcpy(low, data, n);
	memcpy(high, data, n);
	for (size_t i = 8; i + 8 <= n && i < 8 * 64; i += 8) {
		uint64_t pa;

		memcpy(&pa, data + i, 8);
		/* Mostly inside RAM, sometimes anywhere. */
		if (!(data[0] & 2))
			pa = (pa % (vm.mem.ram_bytes)) + ((pa & 1) && vm.mem.nr_regions == 2 ?
							   (4ull << 30) - REGION : 0);
		if (hc_handle(&vm, pa) != HC_CONTINUE)
			break;
	}
	return 0;
}
