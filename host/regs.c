/*
 * vCPU register dump for post-mortems (triple fault, dead guest, unhandled
 * exit): the console's `info registers` view (host/inspect/monitor.c, QEMU's
 * format), then RIP with its guest symbol.  It never fails: if the
 * registers cannot be read, it says so.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "accel.h"
#include "elf_load.h"
#include "inspect.h"
#include "regs.h"
#include "vm.h"

void vcpu_dump(struct vm *vm, FILE *f)
{
	struct vcpu_regs r;
	char sym[256];
	int err;

	fflush(stdout);
	err = vm->accel ? vm->accel->get_regs(vm, &r) : -ENODEV;
	if (err < 0) {
		fprintf(f, "(registers unavailable: %s)\n", strerror(-err));
		return;
	}
	insp_view_registers(&r, f);
	if (!r.has_descriptors)
		fprintf(f, "(registers from %s)\n", vm->accel->desc);
	fprintf(f, "RIP %016" PRIx64 " is <%s>\n", r.rip, sym_format(sym, sizeof(sym), r.rip));
}
