/*
 * --stats counters and report.  Times are measured from main() entry, which
 * excludes exec and dynamic linking (about a millisecond); peak RSS comes from
 * getrusage() and so includes guest RAM the guest has touched.
 */
#include <inttypes.h>
#include <stdio.h>
#include <sys/resource.h>

#include "abi.h"
#include "accel.h"
#include "vm.h"
#include "stats.h"

void stats_io(struct vm_stats *s, uint16_t port)
{
	for (unsigned i = 0; i < s->nr_io; i++) {
		if (s->io[i].port == port) {
			s->io[i].n++;
			return;
		}
	}
	if (s->nr_io < STATS_NR_PORTS) {
		s->io[s->nr_io].port = port;
		s->io[s->nr_io++].n = 1;
	} else {
		s->io_other++;
	}
}

void stats_print(const struct vm *vm, FILE *f)
{
	const struct vm_stats *s = &vm->stats;
	struct rusage ru;
	uint64_t total = 0;
	const char *sep = "";

	fflush(stdout);
	if (s->t_first_run > 0)
		fprintf(f, "stats: start to guest entry  %.3f ms\n", (s->t_first_run - s->t_start) * 1e3);
	if (s->t_end > 0)
		fprintf(f, "stats: start to guest exit   %.3f ms\n", (s->t_end - s->t_start) * 1e3);

	fprintf(f, "stats: accelerator           %s\n", vm->accel ? vm->accel->desc : "none");
	for (unsigned i = 0; i < VM_EXIT_NR; i++)
		total += s->exits[i];
	/* KVM exits or, on TCG, gdbstub stops: the run loop's view of both. */
	fprintf(f, "stats: exits to the VMM      %" PRIu64 " (", total);
	for (unsigned i = 0; i < VM_EXIT_NR; i++) {
		if (!s->exits[i])
			continue;
		fprintf(f, "%s%s %" PRIu64, sep, vm_exit_name(i), s->exits[i]);
		sep = ", ";
	}
	fprintf(f, ")\n");

	if (s->nr_io) {
		fprintf(f, "stats: I/O exits by port     ");
		for (unsigned i = 0; i < s->nr_io; i++)
			fprintf(f, "%s%#x%s %" PRIu64, i ? ", " : "", s->io[i].port,
				s->io[i].port == HC_PORT ? " (hypercall)" :
				s->io[i].port == SERIAL_COM1_BASE ? " (serial)" : "", s->io[i].n);
		if (s->io_other)
			fprintf(f, ", other %" PRIu64, s->io_other);
		fprintf(f, "\n");
	}

	sep = "";
	fprintf(f, "stats: hypercalls            ");
	for (unsigned i = 0; i < HC_NR_MAX; i++) {
		if (!vm->hc.calls[i])
			continue;
		fprintf(f, "%s%s %" PRIu64, sep, hc_name(i) ? hc_name(i) : "?", vm->hc.calls[i]);
		sep = ", ";
	}
	fprintf(f, "%s\n", *sep ? "" : "none");
	sep = "";
	for (unsigned i = 0; i < HC_NR_MAX; i++) {
		if (!vm->hc.refused[i])
			continue;
		fprintf(f, "%s%s %" PRIu64, *sep ? sep : "stats: hypercalls refused    ",
			hc_name(i) ? hc_name(i) : "?", vm->hc.refused[i]);
		sep = ", ";
	}
	if (vm->hc.bad_requests)
		fprintf(f, "%srequest block not in RAM %" PRIu64,
			*sep ? ", " : "stats: hypercalls refused    ", vm->hc.bad_requests);
	if (*sep || vm->hc.bad_requests)
		fprintf(f, "\n");
	if (vm->hc.pages_cleared || vm->hc.pages_filled || vm->hc.pages_copied ||
	    vm->hc.pages_verified)
		fprintf(f, "stats: pageops pages         cleared %" PRIu64 ", filled %" PRIu64
			", copied %" PRIu64 ", verified %" PRIu64 "\n", vm->hc.pages_cleared,
			vm->hc.pages_filled, vm->hc.pages_copied, vm->hc.pages_verified);
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		fprintf(f, "stats: peak RSS              %ld KiB\n", ru.ru_maxrss);
}
