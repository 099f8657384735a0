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
	bool held_c2;         /* escape: a 0xC2 waits for the byte that says if it is C1 */
	bool mid_line;        /* the guest's last byte out was not a newline */
	uint8_t ier, lcr, mcr, scr, dll, dlm;
	uint64_t bytes_out;
};

void serial_init(struct serial *s, FILE *out);

/*
 * Guest console text, from the UART or the console hypercall, to s->out.
 * When that is a terminal, control characters other than newline and tab
 * are written as \xNN, so a guest cannot move the cursor, retitle the
 * window or reprogram the terminal: the C0 controls and DEL, and the C1
 * controls as UTF-8 encodes them (C2 80..C2 9F, e.g. CSI), even split
 * across writes.  Other bytes pass, so UTF-8 text stays readable.  Into a
 * file or a pipe the bytes are the guest's own.
 */
void serial_console_write(struct serial *s, const void *buf, size_t len);

/* Before the VMM prints a line of its own to s->out (a console reply):
 * end the guest's unfinished line, so neither garbles the other. */
void serial_end_line(struct serial *s);

static inline bool serial_owns(uint16_t port)
{
	return port >= SERIAL_COM1_BASE && port < SERIAL_COM1_BASE + SERIAL_NR_PORTS;
}

/* One PIO access of `size` bytes, `count` times (rep ins/outs). */
void serial_io(struct serial *s, uint16_t port, bool out, uint8_t *data,
	       unsigned size, unsigned count);

#endif
