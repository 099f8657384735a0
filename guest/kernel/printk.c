/*
 * printk and the kernel console (Linux: kernel/printk/printk.c plus the
 * console drivers, reduced to what this guest needs).
 *
 * Every VM exit costs ~10 µs here, so by default output is collected in a
 * line buffer and written with one HC_CONSOLE_WRITE per completed line (or
 * per printk that completes several).  A partial line stays buffered until
 * its '\n', a full buffer, console_flush(), exit() or panic().
 *
 * `console=ttyS0` sends output to the 16550 UART instead, one OUT per byte
 * as a real serial console does, so the VMM's serial path can be exercised.
 * The VMM's UART is always ready (abi.h), so LSR is not polled: that would
 * double the exits.
 */
#include "kernel.h"
#include "cmdline.h"
#include "hypercall.h"
#include "printk.h"
#include "string.h"
#include "asm/io.h"
#include "asm/irqflags.h"

#define LOG_LINE_MAX 1024

static char log_buf[LOG_LINE_MAX];
static size_t log_len;		/* pending bytes, never a complete line */
static bool console_serial;

static void serial_write(const char *s, size_t n)
{
	while (n--)
		outb(*s++, SERIAL_COM1_BASE);
}

/* Write out log_buf[0, n) and keep the rest.  Interrupts are off. */
static void log_flush(size_t n)
{
	console_write(log_buf, n);
	log_len -= n;
	if (log_len)
		memmove(log_buf, log_buf + n, log_len);
}

void console_flush(void)
{
	unsigned long flags;

	local_irq_save(flags);
	if (log_len)
		log_flush(log_len);
	local_irq_restore(flags);
}

void console_init(void)
{
	const char *con = cmdline_get("console");

	/* "ttyS0" or Linux's "ttyS0,115200n8" form. */
	if (con && !strncmp(con, "ttyS0", 5) && (con[5] == '\0' || con[5] == ',')) {
		console_flush();	/* keep earlier output in order */
		console_serial = true;
	}
}

int vprintk(const char *fmt, va_list ap)
{
	unsigned long flags;
	size_t room, added, i;
	va_list aq;
	int n;

	local_irq_save(flags);
	/* Format straight behind the pending partial line. */
	room = sizeof(log_buf) - log_len;
	va_copy(aq, ap);
	n = vsnprintf(log_buf + log_len, room, fmt, ap);
	if ((size_t)n >= room && log_len) {
		/* Did not fit: flush the partial line and format again at
		 * the start of the buffer. */
		log_flush(log_len);
		room = sizeof(log_buf);
		n = vsnprintf(log_buf, room, fmt, aq);
	}
	va_end(aq);

	added = min((size_t)n, room - 1);
	if (console_serial) {
		serial_write(log_buf + log_len, added);
	} else {
		log_len += added;
		if (log_len == sizeof(log_buf) - 1) {
			/* A line longer than the buffer: print it in pieces. */
			log_flush(log_len);
		} else {
			/* Write everything up to the last newline in one exit. */
			for (i = log_len; i > log_len - added; i--) {
				if (log_buf[i - 1] == '\n') {
					log_flush(i);
					break;
				}
			}
		}
	}
	local_irq_restore(flags);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}
