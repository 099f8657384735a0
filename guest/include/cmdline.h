/*
 * Kernel command line (Linux: kernel/params.c, lib/cmdline.c), in
 * guest/kernel/cmdline.c.
 *
 * Syntax: space-separated parameters, each `key=value` or a bare `key`
 * (value ""); a value may be double-quoted to contain spaces
 * (key="a b").  At most CMDLINE_MAX_PARAMS parameters are kept; extras and
 * malformed tokens (empty key, quote in the key) are reported and ignored.
 * When a key repeats, the last occurrence wins.
 *
 * This header and cmdline.c are host-compilable (no guest-only
 * dependencies) so unit tests can #include "guest/kernel/cmdline.c".
 */
#ifndef GUEST_CMDLINE_H
#define GUEST_CMDLINE_H

#include "types.h"

#define CMDLINE_MAX_PARAMS 64
#define CMDLINE_SIZE 1024	/* = BOOT_CMDLINE_MAX, including the NUL */

struct cmdline_param {
	const char *key;
	const char *val;	/* "" for a bare key, never NULL */
};

struct cmdline {
	struct cmdline_param param[CMDLINE_MAX_PARAMS];
	unsigned int nr;	/* parameters kept */
	unsigned int nr_ignored; /* extras and malformed tokens dropped */
};

/* Pure parser: splits buf in place (writes NULs) and points cl's params
 * into it.  buf must stay alive as long as cl is used.  Returns cl->nr. */
unsigned int cmdline_parse(struct cmdline *cl, char *buf);

/* Value of the last occurrence of key in cl, or NULL if absent. */
const char *cmdline_lookup(const struct cmdline *cl, const char *key);

/* The kernel's command line: cmdline_init() copies src (at most size
 * bytes, NUL-terminated or not) and parses the copy. */
extern char boot_command_line[CMDLINE_SIZE];
void cmdline_init(const char *src, size_t size);
const char *cmdline_get(const char *key);

/* key's value as an unsigned integer (decimal, 0x hex or 0 octal, as
 * simple_strtoul base 0); def if absent or not a number (reported). */
unsigned long cmdline_get_uint(const char *key, unsigned long def);

/* key's value as a size with optional K/M/G/T suffix (memparse); def if
 * absent or malformed (reported). */
unsigned long long cmdline_get_size(const char *key, unsigned long long def);

/* Parse a number with an optional K, M, G, T, P or E suffix (binary
 * multiples, either case), e.g. "32M" -> 33554432.  *retptr, if not NULL,
 * is set to the first unparsed character (Linux: lib/cmdline.c). */
unsigned long long memparse(const char *ptr, char **retptr);

/* simple_strtoull(): base 0 detects 0x (hex) and 0 (octal) prefixes. */
unsigned long long simple_strtoull(const char *cp, char **endp, unsigned int base);

#endif
