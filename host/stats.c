/*
 * --stats counters and report.  Times are measured from main() entry, which
 * excludes exec and dynamic linking (about a millisecond); peak RSS comes from
 * getrusage() and so includes guest RAM the guest has touched.
 */
#include <inttypes.h>
#include <stdio.h>
#include <sys/resource.h>

#include "abi.h"
#include "kvm.h"
#include "stats.h"

static const char *const exit_names[] = {
	[KVM_EXIT_UNKNOWN] = "UNKNOWN",
	[KVM_EXIT_EXCEPTION] = "EXCEPTION",
	[KVM_EXIT_IO] = "IO",
	[KVM_EXIT_HYPERCALL] = "HYPERCALL",
	[KVM_EXIT_DEBUG] = "DEBUG",
	[KVM_EXIT_HLT] = "HLT",
	[KVM_EXIT_MMIO] = "MMIO",
	[KVM_EXIT_IRQ_WINDOW_OPEN] = "IRQ_WINDOW_OPEN",
	[KVM_EXIT_SHUTDOWN] = "SHUTDOWN",
	[KVM_EXIT_FAIL_ENTRY] = "FAIL_ENTRY",
	[KVM_EXIT_INTR] = "INTR",
	[KVM_EXIT_SET_TPR] = "SET_TPR",
	[KVM_EXIT_TPR_ACCESS] = "TPR_ACCESS",
	[KVM_EXIT_NMI] = "NMI",
	[KVM_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
	[KVM_EXIT_SYSTEM_EVENT] = "SYSTEM_EVENT",
	[KVM_EXIT_IOAPIC_EOI] = "IOAPIC_EOI",
	[KVM_EXIT_X86_RDMSR] = "X86_RDMSR",
	[KVM_EXIT_X86_WRMSR] = "X86_WRMSR",
	[KVM_EXIT_X86_BUS_LOCK] = "X86_BUS_LOCK",
};

static const char *const hc_names[HC_NR_MAX] = {
	[HC_EXIT] = "exit",
	[HC_PANIC] = "panic",
	[HC_CONSOLE_WRITE] = "console_write",
	[HC_CHECKPOINT] = "checkpoint",
	[HC_BENCH_BEGIN] = "bench_begin",
	[HC_BENCH_END] = "bench_end",
	[HC_PAGEOPS] = "pageops",
	[HC_MEM_OR32] = "mem_or32",
	[HC_MEM_FIND_NONZERO] = "mem_find_nonzero",
};

const char *kvm_exit_name(uint32_t reason)
{
	static char buf[32];

	if (reason < sizeof(exit_names) / sizeof(exit_names[0]) && exit_names[reason])
		return exit_names[reason];
	snprintf(buf, sizeof(buf), "UNKNOWN(%u)", reason);
	return buf;
}

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

	for (unsigned i = 0; i < STATS_NR_EXIT; i++)
		total += s->exits[i];
	fprintf(f, "stats: vm exits              %" PRIu64 " (", total);
	for (unsigned i = 0; i < STATS_NR_EXIT; i++) {
		if (!s->exits[i])
			continue;
		fprintf(f, "%s%s %" PRIu64, sep, kvm_exit_name(i), s->exits[i]);
		sep = ", ";
	}
	fprintf(f, ")\n");

	if (s->nr_io) {
		fprintf(f, "stats: io exits by port      ");
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
		fprintf(f, "%s%s %" PRIu64, sep, hc_names[i] ? hc_names[i] : "?", vm->hc.calls[i]);
		sep = ", ";
	}
	fprintf(f, "%s\n", *sep ? "" : "none");
	if (vm->hc.pages_cleared || vm->hc.pages_filled || vm->hc.pages_copied ||
	    vm->hc.pages_verified)
		fprintf(f, "stats: pageops pages         cleared %" PRIu64 ", filled %" PRIu64
			", copied %" PRIu64 ", verified %" PRIu64 "\n", vm->hc.pages_cleared,
			vm->hc.pages_filled, vm->hc.pages_copied, vm->hc.pages_verified);
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		fprintf(f, "stats: peak RSS              %ld KiB\n", ru.ru_maxrss);
}
