/*
 * Console and log-level helpers (Linux: linux/printk.h).  printk/vprintk
 * themselves are declared in kernel.h; implemented in guest/kernel/printk.c.
 *
 * There is no log buffer to filter by level: every message is printed, and
 * the KERN_* prefixes exist so that code written in Linux style compiles.
 */
#ifndef GUEST_PRINTK_H
#define GUEST_PRINTK_H

#include "kernel.h"

#define KERN_EMERG	""
#define KERN_ALERT	""
#define KERN_CRIT	""
#define KERN_ERR	""
#define KERN_WARNING	""
#define KERN_NOTICE	""
#define KERN_INFO	""
#define KERN_DEBUG	""
#define KERN_CONT	""

#define pr_emerg(fmt, ...)	printk(KERN_EMERG fmt, ##__VA_ARGS__)
#define pr_alert(fmt, ...)	printk(KERN_ALERT fmt, ##__VA_ARGS__)
#define pr_crit(fmt, ...)	printk(KERN_CRIT fmt, ##__VA_ARGS__)
#define pr_err(fmt, ...)	printk(KERN_ERR fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...)	printk(KERN_WARNING fmt, ##__VA_ARGS__)
#define pr_notice(fmt, ...)	printk(KERN_NOTICE fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...)	printk(KERN_INFO fmt, ##__VA_ARGS__)
#define pr_cont(fmt, ...)	printk(KERN_CONT fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...)	do { if (0) printk(fmt, ##__VA_ARGS__); } while (0)

/* Choose the console from the command line (console=ttyS0 selects the
 * UART); call after cmdline_init().  Before it, output goes through the
 * console hypercall. */
void console_init(void);

/* Write out a pending partial line (one without '\n' yet).  exit() and
 * panic() do this; call it before anything that may not return. */
void console_flush(void);

#endif
