/*
 * --stats: where the time went (process start to first KVM_RUN, to guest
 * exit), which VM exits happened and on which I/O ports, and the VMM's peak
 * RSS.  Counting is a few increments per exit; printing happens once.
 */
#ifndef VMM_STATS_H
#define VMM_STATS_H

#include <stdint.h>
#include <stdio.h>

#define STATS_NR_EXIT  64
#define STATS_NR_PORTS 16

struct vm;

struct vm_stats {
	double t_start;       /* main() entered */
	double t_first_run;   /* first KVM_RUN */
	double t_end;         /* guest stopped */
	uint64_t exits[STATS_NR_EXIT];  /* by KVM_EXIT_*; larger reasons count as 0 */
	struct {
		uint16_t port;
		uint64_t n;
	} io[STATS_NR_PORTS];
	unsigned nr_io;
	uint64_t io_other;    /* exits on ports beyond the table */
};

/* "IO", "HLT", ... or "UNKNOWN(n)" in a static buffer. */
const char *kvm_exit_name(uint32_t reason);

static inline void stats_exit(struct vm_stats *s, uint32_t reason)
{
	s->exits[reason < STATS_NR_EXIT ? reason : 0]++;
}

void stats_io(struct vm_stats *s, uint16_t port);
void stats_print(const struct vm *vm, FILE *f);

#endif
