/*
 * Run loop, in the style of kvmtool's kvm-cpu.c: one flat switch on the
 * neutral exit reason (accel.h), the same whichever accelerator runs the
 * vCPU.  Every exit either resumes the guest (HC_CONTINUE) or ends the run
 * with an exit status; anything the VMM does not understand stops the guest
 * with a register dump rather than guessing.
 */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <string.h>

#include "accel.h"
#include "console.h"
#include "elf_load.h"
#include "exitcodes.h"
#include "hypercall.h"
#include "regs.h"
#include "run.h"
#include "serial.h"
#include "util.h"
#include "vm.h"
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

static int handle_io(struct vm *vm, const struct vm_exit *e)
{
	uint8_t *data = e->io.data;
	uint16_t port = e->io.port;
	bool out = e->io.out;

	stats_io(&vm->stats, port);
	if (serial_owns(port)) {
		serial_io(&vm->serial, port, out, data, e->io.size, e->io.count);
		return HC_CONTINUE;
	}
	if (port == HC_PORT && out && e->io.size == 4 && e->io.count == 1) {
		uint32_t pa;

		memcpy(&pa, data, sizeof(pa));
		return hc_handle(vm, pa);
	}
	/* Nothing else is decoded: open bus, reads see all ones. */
	if (!out)
		memset(data, 0xff, (size_t)e->io.size * e->io.count);
	if (warn_port_once(port))
		warn("guest %s %u byte%s at I/O port %#x, which has no device%s; ignored",
		     out ? "wrote" : "read", e->io.size, e->io.size > 1 ? "s" : "", port,
		     port == HC_PORT ? " (hypercalls need a 32-bit OUT)" : "");
	return HC_CONTINUE;
}

static void report_rip(struct vm *vm, const char *prefix)
{
	struct vcpu_regs r;
	char sym[256];

	if (vm->accel->get_regs(vm, &r) == 0)
		pr_info("%sguest RIP %#" PRIx64 " <%s>", prefix, r.rip,
			sym_format(sym, sizeof(sym), r.rip));
}

/* Stop with a register dump: `what` says what happened and what it means. */
VMM_PRINTF(3, 4) static int stop_guest(struct vm *vm, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vpr_err(fmt, ap);
	va_end(ap);
	vcpu_dump(vm, stderr);
	return status;
}

static int handle_hlt(struct vm *vm, const struct vm_exit *e)
{
	/*
	 * There is no interrupt controller and nothing injects interrupts, so
	 * a halted vCPU never wakes.  With IF=0 that is the guest's "stop
	 * here" (a dead guest).  With IF=1 it is waiting for an interrupt that
	 * cannot come: a hang, which --timeout reports as such.  (TCG notices
	 * a halt within a second: see accel_tcg.c's halt probe.)
	 */
	if (!e->hlt.if_flag)
		return stop_guest(vm, EXIT_GUEST_SHUTDOWN,
				  "guest halted with interrupts disabled (hlt with IF=0): it can never resume");
	if (watchdog_running()) {
		watchdog_wait();
		return HC_CONTINUE;  /* the loop reports the timeout */
	}
	return stop_guest(vm, EXIT_GUEST_SHUTDOWN,
			  "guest halted waiting for an interrupt, but this VMM has no interrupt source: it can never resume");
}

int vm_run(struct vm *vm, double timeout_s)
{
	struct vm_exit e;
	int status = HC_CONTINUE, r;

	r = stop_signals_install(vm);
	if (r == 0 && timeout_s > 0)
		r = watchdog_start(vm, timeout_s);
	if (r < 0) {
		errno = -r;
		pr_err_errno("cannot set up --timeout and the SIGINT/SIGTERM handlers");
		stop_signals_remove();
		return EXIT_HOST_ERROR;
	}
	vm->stats.t_first_run = now_mono();

	while (status == HC_CONTINUE) {
		if (stop_signal()) {
			pr_info("SIG%s: stopping the guest (again to kill at once)",
				sigabbrev_np(stop_signal()));
			report_rip(vm, "");
			status = 128 + stop_signal();
			break;
		}
		if (watchdog_fired()) {
			pr_info("timeout: guest did not exit within %g s", timeout_s);
			report_rip(vm, "");
			status = EXIT_TIMEOUT;
			break;
		}
		r = vm->accel->run(vm, &e);
		if (r < 0) {
			errno = -r;
			pr_err_errno("running the vCPU on %s failed", vm->accel->desc);
			status = EXIT_HOST_ERROR;
			break;
		}
		stats_exit(&vm->stats, e.reason);

		switch (e.reason) {
		case VM_EXIT_IO:
			status = handle_io(vm, &e);
			break;
		case VM_EXIT_DEBUG:
			break;  /* a counted instruction: the accelerator has counted it */
		case VM_EXIT_HLT:
			status = handle_hlt(vm, &e);
			break;
		case VM_EXIT_INTR:
			break;  /* a kick or a signal: the checks above decide */
		case VM_EXIT_SHUTDOWN:
			status = stop_guest(vm, EXIT_GUEST_SHUTDOWN,
					    "guest shut down (triple fault: an exception it could not handle)");
			break;
		case VM_EXIT_MMIO:
			status = stop_guest(vm, EXIT_HOST_ERROR,
					    "exit reason MMIO: guest %s %u bytes at physical %#" PRIx64
					    ", which is not RAM", e.mmio.write ? "wrote" : "read",
					    e.mmio.len, e.mmio.gpa);
			break;
		case VM_EXIT_FAIL_ENTRY:
			status = stop_guest(vm, EXIT_HOST_ERROR,
					    "exit reason FAIL_ENTRY: hardware refused VM entry (reason %#" PRIx64 ")",
					    e.fail_entry.hw_reason);
			break;
		case VM_EXIT_INTERNAL_ERROR:
			status = stop_guest(vm, e.internal.status, "%s", e.internal.msg);
			break;
		default:
			status = stop_guest(vm, EXIT_HOST_ERROR, "unhandled exit reason %s (%u)",
					    vm_exit_name(e.reason), e.reason);
			break;
		}
		if (status == HC_CONTINUE && vm->console)
			status = console_poll(vm->console, vm);
	}
	vm->stats.t_end = now_mono();
	watchdog_stop();
	stop_signals_remove();
	fflush(stdout);
	return status;
}
