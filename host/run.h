/*
 * The vCPU run loop: run the vCPU on its accelerator until the guest exits,
 * panics, dies or runs out of time, dispatching each exit to the device or
 * instrument that owns it.
 */
#ifndef VMM_RUN_H
#define VMM_RUN_H

struct vm;

/* Run the guest; returns the VMM's exit status (exitcodes.h). */
int vm_run(struct vm *vm, double timeout_s);

#endif
