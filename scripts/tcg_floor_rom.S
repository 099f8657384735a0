/*
 * The TCG floor for `make bench`: a 64 KiB -bios image whose reset vector
 * writes 0 to isa-debug-exit at port 0xf4, so bare qemu-system-x86_64 with
 * the VMM's machine options starts, runs two instructions and exits.
 * Nothing can start a guest on TCG faster; the VMM is measured against it.
 */
	.code16
	.section .rom, "ax"
	.fill	0xfff0, 1, 0
	mov	$0, %al
	out	%al, $0xf4
	hlt
	.fill	0x10000 - 0xfff0 - 5, 1, 0
