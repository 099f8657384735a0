/*
 * Hypercalls: a 32-bit OUT to HC_PORT carries the guest-physical address of
 * a struct hc_req (abi.h).  The VMM validates the request and every address
 * and length inside it, performs the call and writes .ret back.
 */
#ifndef VMM_HYPERCALL_H
#define VMM_HYPERCALL_H

#include <stdbool.h>
#include <stdint.h>

#include "abi.h"

struct vm;

/* The run loop keeps going; any other value is the VMM's exit status. */
#define HC_CONTINUE (-1)

/*
 * Called on every HC_CHECKPOINT, at a point where the guest holds no mm
 * lock, with the vCPU stopped: guest memory is a consistent image.  Return
 * 0 to resume the guest, or an exit status (EXIT_INVARIANT) to stop it.
 */
typedef int (*checkpoint_hook_t)(struct vm *vm, uint64_t tag, void *opaque);

/*
 * The console's hooks (console.c), called with the vCPU stopped where the
 * guest holds no mm lock: on every HC_CHECKPOINT after the checkpoint hook
 * (arg: the tag), and on every HC_WAIT_REQUEST (run=idle; arg: the pa of
 * the guest's struct console_mailbox, not yet validated).  They return
 * HC_CONTINUE to resume the guest, or the VMM's exit status (0 included).
 */
typedef int (*console_hook_t)(struct vm *vm, uint64_t arg, void *opaque);

struct hc_state {
	uint64_t calls[HC_NR_MAX];     /* handled requests per call number */
	uint64_t bad_requests;         /* request block not in RAM */
	uint64_t checkpoints;
	uint64_t last_checkpoint_tag;
	checkpoint_hook_t checkpoint_hook;
	void *checkpoint_opaque;
	console_hook_t console_checkpoint;
	console_hook_t console_wait_request;
	void *console_opaque;
	uint64_t pages_cleared, pages_filled, pages_copied, pages_verified;
	uint64_t enosys_warned;        /* one bit per call number < 64 */
	bool enosys_warned_high;
	uint64_t refused[HC_NR_MAX];   /* HC_EINVAL answers per call number */
};

/* The first this many refusals of each call are warned about; the rest counted. */
#define HC_REFUSE_WARN_MAX 4

/* "console_write", ... for a call number, or NULL. */
const char *hc_name(uint32_t nr);

void vm_set_checkpoint_hook(struct vm *vm, checkpoint_hook_t fn, void *opaque);
void vm_set_console_hooks(struct vm *vm, console_hook_t checkpoint, console_hook_t wait_request,
			  void *opaque);

/* Handle the request at guest-physical req_pa: HC_CONTINUE or an exit status. */
int hc_handle(struct vm *vm, uint64_t req_pa);

#endif
