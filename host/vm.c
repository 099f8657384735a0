/*
 * The empty VM: no accelerator, no RAM, devices and instruments reset.
 */
#include <stdio.h>
#include <string.h>

#include "vm.h"

void vm_init_state(struct vm *vm)
{
	memset(vm, 0, sizeof(*vm));
	guest_mem_init(&vm->mem);
	serial_init(&vm->serial, stdout);
	bench_init(&vm->bench);
}
