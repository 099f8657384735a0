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
	FILE *out;            /* where the guest's console goes: THR bytes and HC_CONSOLE_WRITE */
	bool escape;          /* out is a terminal: control bytes are shown, not obeyed */
	uint8_t ier, lcr, mcr, scr, dll, dlm;
	uint64_t bytes_out;
};

void serial_init(struct serial *s, FILE *out);

/*
 * Guest console text, from the UART or the console hypercall, to s->out.
 * When that is a terminal, control characters other than newline and tab
 * are written as \xNN, so a guest cannot move the cursor, retitle the
 * window or reprogram the terminal (what less -R users expect).
 */
void serial_console_write(struct serial *s, const void *buf, size_t len);

static inline bool serial_owns(uint16_t port)
{
	return port >= SERIAL_COM1_BASE && port < SERIAL_COM1_BASE + SERIAL_NR_PORTS;
}

/* One PIO access of `size` bytes, `count` times (rep ins/outs). */
void serial_io(struct serial *s, uint16_t port, bool out, uint8_t *data,
	       unsigned size, unsigned count);

#endif
