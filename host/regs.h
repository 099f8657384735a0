/*
 * Register dump of the vCPU, for post-mortems (triple fault, dead guest,
 * unhandled exit).  The console's `info registers` is the same formatter,
 * insp_view_registers() (host/inspect/monitor.c), without the symbol.
 */
#ifndef VMM_REGS_H
#define VMM_REGS_H

#include <stdio.h>

struct vm;

/* insp_view_registers() of the vCPU, then RIP symbolised. */
void vcpu_dump(struct vm *vm, FILE *f);

#endif
