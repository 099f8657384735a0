/*
 * Register dump of the vCPU, for post-mortems (triple fault, dead guest,
 * unhandled exit) and later for the console's `info registers`.
 */
#ifndef VMM_REGS_H
#define VMM_REGS_H

#include <stdio.h>

struct vm;

/* General, segment and control registers and EFER, with RIP symbolised. */
void vcpu_dump(struct vm *vm, FILE *f);

#endif
