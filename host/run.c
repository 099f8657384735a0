/*
 * Run loop, in the style of kvmtool's kvm-cpu.c: one flat switch on the
 * exit reason.  Every exit either resumes the guest (HC_CONTINUE) or ends
 * the run with an exit status; anything the VMM does not understand stops
 * the guest with a register dump rather than guessing.
 */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <string.h>
#include <sys/ioctl.h>

#include "elf_load.h"
#include "exitcodes.h"
#include "hypercall.h"
#include "kvm.h"
#include "regs.h"
#include "run.h"
#include "serial.h"
#include "util.h"
#include "watchdog.h"

/* One warning per unknown I/O port: a guest polling one would flood stderr. */
static uint8_t port_warned[65536 / 8];

static bool warn_port_once(uint16_t port)
{
	uint8_t bit = 1u << (port & 7);

	if (port_warned[port >> 3] & bit)
		return false;
	port_warned[port >> 3] |= bit;
	return true;
}

static int handle_io(struct vm *vm)
{
	struct kvm_run *run = vm->run;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	bool out = run->io.direction == KVM_EXIT_IO_OUT;
	uint16_t port = run->io.port;

	stats_io(&vm->stats, port);
	if (serial_owns(port)) {
		serial_io(&vm->serial, port, out, data, run->io.size, run->io.count);
		return HC_CONTINUE;
	}
	if (port == HC_PORT && out && run->io.size == 4 && run->io.count == 1) {
		uint32_t pa;

		memcpy(&pa, data, sizeof(pa));
		return hc_handle(vm, pa);
	}
	/* Nothing else is decoded: open bus, reads see all ones. */
	if (!out)
		memset(data, 0xff, (size_t)run->io.size * run->io.count);
	if (warn_port_once(port))
		warn("guest %s %u byte%s at I/O port %#x, which has no device%s; ignored",
		     out ? "wrote" : "read", run->io.size, run->io.size > 1 ? "s" : "", port,
		     port == HC_PORT ? " (hypercalls need a 32-bit OUT)" : "");
	return HC_CONTINUE;
}

static void report_rip(struct vm *vm, const char *prefix)
{
	struct kvm_regs r;
	char sym[256];

	if (ioctl(vm->vcpu_fd, KVM_GET_REGS, &r) == 0)
		fprintf(stderr, "vmm: %sguest RIP %#llx <%s>\n", prefix, r.rip,
			sym_format(sym, sizeof(sym), r.rip));
}

/* Stop with a register dump: `what` says what happened and what it means. */
VMM_PRINTF(3, 4) static int stop_guest(struct vm *vm, int status, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "vmm: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	vcpu_dump(vm, stderr);
	return status;
}

static int handle_hlt(struct vm *vm)
{
	/*
	 * There is no interrupt controller and nothing injects interrupts, so
	 * a halted vCPU never wakes.  With IF=0 that is the guest's "stop
	 * here" (a dead guest).  With IF=1 it is waiting for an interrupt that
	 * cannot come: a hang, which --timeout reports as such.
	 */
	if (!vm->run->if_flag)
		return stop_guest(vm, EXIT_GUEST_SHUTDOWN,
				  "guest halted with interrupts disabled (hlt with IF=0): it can never resume");
	if (watchdog_running()) {
		watchdog_wait();
		return HC_CONTINUE;  /* the loop reports the timeout */
	}
	return stop_guest(vm, EXIT_GUEST_SHUTDOWN,
			  "guest halted waiting for an interrupt, but this VMM has no interrupt source: it can never resume");
}

static const char *internal_error_name(uint32_t sub)
{
	switch (sub) {
	case KVM_INTERNAL_ERROR_EMULATION: return "instruction emulation failed";
	case KVM_INTERNAL_ERROR_SIMUL_EX: return "exception while delivering an exception";
	case KVM_INTERNAL_ERROR_DELIVERY_EV: return "event delivery failed";
	case KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON: return "unexpected hardware exit";
	default: return "unknown suberror";
	}
}

static int handle_internal_error(struct vm *vm)
{
	struct kvm_run *run = vm->run;

	fflush(stdout);
	fprintf(stderr, "vmm: KVM internal error %u (%s)", run->internal.suberror,
		internal_error_name(run->internal.suberror));
	for (uint32_t i = 0; i < run->internal.ndata && i < 16; i++)
		fprintf(stderr, "%s%#llx", i ? " " : "; data ", (unsigned long long)run->internal.data[i]);
	fprintf(stderr, "\n");
	if (run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION)
		fprintf(stderr, "vmm: this KVM emulates every guest instruction; int3, int n at CPL0 "
			"and SSE/x87 are not supported (DESIGN §2)\n");
	return stop_guest(vm, EXIT_HOST_ERROR, "exit reason INTERNAL_ERROR");
}

int vm_run(struct vm *vm, double timeout_s)
{
	struct kvm_run *run = vm->run;
	int status = HC_CONTINUE, r;

	if (timeout_s > 0) {
		r = watchdog_start(run, timeout_s);
		if (r < 0) {
			errno = -r;
			error_errno("cannot start the --timeout timer");
			return EXIT_HOST_ERROR;
		}
	}
	vm->stats.t_first_run = now_mono();

	while (status == HC_CONTINUE) {
		if (watchdog_fired()) {
			fflush(stdout);
			fprintf(stderr, "vmm: timeout: guest did not exit within %g s\n", timeout_s);
			report_rip(vm, "");
			status = EXIT_TIMEOUT;
			break;
		}
		if (ioctl(vm->vcpu_fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				run->immediate_exit = 0;
				stats_exit(&vm->stats, KVM_EXIT_INTR);
				continue;
			}
			error_errno("KVM_RUN failed");
			status = EXIT_HOST_ERROR;
			break;
		}
		stats_exit(&vm->stats, run->exit_reason);

		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			status = handle_io(vm);
			break;
		case KVM_EXIT_DEBUG:
			/* A single-step inside a bench bracket; a stray one is harmless. */
			bench_step(&vm->bench);
			break;
		case KVM_EXIT_HLT:
			status = handle_hlt(vm);
			break;
		case KVM_EXIT_INTR:
			break;  /* a signal: the watchdog check above decides */
		case KVM_EXIT_SHUTDOWN:
			status = stop_guest(vm, EXIT_GUEST_SHUTDOWN,
					    "guest shut down (triple fault: an exception it could not handle)");
			break;
		case KVM_EXIT_MMIO:
			status = stop_guest(vm, EXIT_HOST_ERROR,
					    "exit reason MMIO: guest %s %u bytes at physical %#llx, which is not RAM",
					    run->mmio.is_write ? "wrote" : "read", run->mmio.len,
					    (unsigned long long)run->mmio.phys_addr);
			break;
		case KVM_EXIT_FAIL_ENTRY:
			status = stop_guest(vm, EXIT_HOST_ERROR,
					    "exit reason FAIL_ENTRY: hardware refused VM entry (reason %#llx)",
					    (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
			break;
		case KVM_EXIT_INTERNAL_ERROR:
			status = handle_internal_error(vm);
			break;
		default:
			status = stop_guest(vm, EXIT_HOST_ERROR, "unhandled exit reason %s (%u)",
					    kvm_exit_name(run->exit_reason), run->exit_reason);
			break;
		}
	}
	vm->stats.t_end = now_mono();
	watchdog_stop();
	fflush(stdout);
	return status;
}
