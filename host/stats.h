/*
 * --stats: where the time went (process start to the first vCPU run, to guest
 * exit), which VM exits happened and on which I/O ports, and the VMM's peak
 * RSS.  Counting is a few increments per exit; printing happens once.
 */
#ifndef VMM_STATS_H
#define VMM_STATS_H

#include <stdint.h>
#include <stdio.h>

#include "accel.h"

#define STATS_NR_PORTS 16

struct vm;

struct vm_stats {
	double t_start;       /* main() entered */
	double t_first_run;   /* first run of the vCPU */
	double t_end;         /* guest stopped */
	uint64_t exits[VM_EXIT_NR];     /* by enum vm_exit_reason */
	struct {
		uint16_t port;
		uint64_t n;
	} io[STATS_NR_PORTS];
	unsigned nr_io;
	uint64_t io_other;    /* exits on ports beyond the table */
};

static inline void stats_exit(struct vm_stats *s, enum vm_exit_reason reason)
{
	if ((unsigned)reason < VM_EXIT_NR)
		s->exits[reason]++;
}

void stats_io(struct vm_stats *s, uint16_t port);
void stats_print(const struct vm *vm, FILE *f);

#endif
