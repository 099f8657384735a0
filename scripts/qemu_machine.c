/*
 * Prints the QEMU machine options the TCG accelerator runs (qemu_proc.h),
 * one per line, so make bench's TCG floor runs the very same machine.
 */
#include <stdio.h>

#include "qemu_proc.h"

int main(void)
{
	static const char *const args[] = { QEMU_MACHINE_ARGS };

	for (size_t i = 0; i < sizeof(args) / sizeof(args[0]); i++)
		puts(args[i]);
	return 0;
}
