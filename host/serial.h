/*
 * COM1 as a minimal 16550: what the guest writes to THR appears on the
 * VMM's stdout.  The line is always ready (LSR = THRE|TEMT), so the guest's
 * polling loop never spins.
 */
#ifndef VMM_SERIAL_H
#define VMM_SERIAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "abi.h"

#define SERIAL_NR_PORTS 8

struct serial {
	FILE *out;            /* where THR bytes go */
	uint8_t ier, lcr, mcr, scr, dll, dlm;
	uint64_t bytes_out;
};

void serial_init(struct serial *s, FILE *out);

static inline bool serial_owns(uint16_t port)
{
	return port >= SERIAL_COM1_BASE && port < SERIAL_COM1_BASE + SERIAL_NR_PORTS;
}

/* One PIO access of `size` bytes, `count` times (rep ins/outs). */
void serial_io(struct serial *s, uint16_t port, bool out, uint8_t *data,
	       unsigned size, unsigned count);

#endif
