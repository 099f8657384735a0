/*
 * Minimal 16550 UART at COM1.  Only THR output does anything; the other
 * registers hold what was written so that a Linux-style init (set DLAB,
 * program the divisor, clear DLAB) reads back sanely.  No receive path and
 * no interrupts: IIR always says "none pending".
 */
#include <string.h>
#include <unistd.h>

#include "serial.h"

enum {
	UART_RX_TX = 0,  /* RBR/THR, or DLL with DLAB */
	UART_IER = 1,    /* or DLM with DLAB */
	UART_IIR = 2,
	UART_LCR = 3,
	UART_MCR = 4,
	UART_LSR = 5,
	UART_MSR = 6,
	UART_SCR = 7,
};
#define UART_LCR_DLAB 0x80
#define UART_IIR_NO_INT 0x01

void serial_init(struct serial *s, FILE *out)
{
	memset(s, 0, sizeof(*s));
	s->out = out;
	s->escape = out && isatty(fileno(out));
}

void serial_console_write(struct serial *s, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	if (len)
		s->mid_line = p[len - 1] != '\n';
	if (!s->escape) {
		fwrite(p, 1, len, s->out);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		if (s->held_c2) {
			s->held_c2 = false;
			if (p[i] >= 0x80 && p[i] <= 0x9f) {
				fprintf(s->out, "\\xc2\\x%02x", p[i]);
				continue;
			}
			fputc(0xc2, s->out);
		}
		if ((p[i] < 0x20 && p[i] != '\n' && p[i] != '\t') || p[i] == 0x7f)
			fprintf(s->out, "\\x%02x", p[i]);
		else if (p[i] == 0xc2)
			s->held_c2 = true;
		else
			fputc(p[i], s->out);
	}
}

static void serial_out(struct serial *s, unsigned reg, uint8_t v)
{
	bool dlab = s->lcr & UART_LCR_DLAB;

	switch (reg) {
	case UART_RX_TX:
		if (dlab) {
			s->dll = v;
		} else {
			serial_console_write(s, &v, 1);
			s->bytes_out++;
		}
		break;
	case UART_IER:
		if (dlab)
			s->dlm = v;
		else
			s->ier = v & 0x0f;
		break;
	case UART_LCR:
		s->lcr = v;
		break;
	case UART_MCR:
		s->mcr = v & 0x1f;
		break;
	case UART_SCR:
		s->scr = v;
		break;
	default:  /* FCR, LSR, MSR: nothing to model */
		break;
	}
}

static uint8_t serial_in(struct serial *s, unsigned reg)
{
	bool dlab = s->lcr & UART_LCR_DLAB;

	switch (reg) {
	case UART_RX_TX:
		return dlab ? s->dll : 0;
	case UART_IER:
		return dlab ? s->dlm : s->ier;
	case UART_IIR:
		return UART_IIR_NO_INT;
	case UART_LCR:
		return s->lcr;
	case UART_MCR:
		return s->mcr;
	case UART_LSR:
		return SERIAL_LSR_READY;
	case UART_SCR:
		return s->scr;
	default:
		return 0;
	}
}

void serial_io(struct serial *s, uint16_t port, bool out, uint8_t *data,
	       unsigned size, unsigned count)
{
	/* A wider access covers consecutive registers, as on an ISA bus. */
	for (unsigned i = 0; i < count; i++) {
		for (unsigned b = 0; b < size; b++, data++) {
			unsigned reg = port + b - SERIAL_COM1_BASE;

			if (reg >= SERIAL_NR_PORTS) {  /* spills past COM1: open bus */
				if (!out)
					*data = 0xff;
			} else if (out)
				serial_out(s, reg, *data);
			else
				*data = serial_in(s, reg);
		}
	}
}

void serial_end_line(struct serial *s)
{
	if (s->mid_line)
		fputc('\n', s->out);
	s->mid_line = false;
}
