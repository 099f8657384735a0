/*
 * Port I/O sites: the IN and OUT instructions a guest lists in
 * HC_SITES_SECTION (abi.h).  The loader decodes each one from the image, so
 * an accelerator that stops the vCPU at a site (QEMU TCG, through a gdbstub
 * breakpoint) knows the port, width and direction without reading guest
 * code at run time, and moves RIP past exactly that instruction.
 */
#ifndef VMM_PIO_SITE_H
#define VMM_PIO_SITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PIO_SITES_MAX 4096   /* entries accepted in HC_SITES_SECTION */

struct pio_site {
	uint32_t addr;      /* guest virtual address of the instruction */
	uint8_t len;        /* instruction bytes: 1..3 */
	uint8_t size;       /* access width in bytes: 1, 2 or 4 */
	bool out;
	bool port_in_dx;    /* port in %dx; else the immediate below */
	uint16_t port_imm;
};

/*
 * Decode one IN or OUT (optionally with an operand-size prefix) at code[0,
 * avail) as 32-bit code runs it.  Returns 0, or -1 if the bytes are not a
 * single-access port I/O instruction (string ins/outs are not accepted).
 */
int pio_decode(const uint8_t *code, size_t avail, struct pio_site *site);

/* Index of the site at addr in a table sorted by address, or -1. */
int pio_site_find(const struct pio_site *sites, size_t nr, uint64_t addr);

#endif
