/*
 * The TCG floor for `make bench`: a -bios image whose reset vector writes 0
 * to isa-debug-exit (FLOOR_EXIT_PORT; bench.sh puts the device there), so
 * bare qemu-system-x86_64 with the VMM's machine options starts, runs two
 * instructions and exits.  Nothing can start a guest on TCG faster; the
 * VMM is measured against it.
 */
#include "tcg_boot.h"

#define FLOOR_EXIT_PORT 0xf4

	.code16
	.section .rom, "ax"
	.fill	TCG_RESET_IP, 1, 0
reset:
	mov	$0, %al
	out	%al, $FLOOR_EXIT_PORT
	hlt
	.fill	TCG_BIOS_SIZE - TCG_RESET_IP - (. - reset), 1, 0
