/*
 * Kernel command-line parsing (Linux: kernel/params.c's parse_args and
 * next_arg, lib/cmdline.c's memparse).  Syntax in cmdline.h.
 *
 * Everything here is plain C over caller-supplied buffers, with no
 * guest-only dependencies, so a host unit test can
 * #include "guest/kernel/cmdline.c" and test it.  The one exception is
 * reporting, done through cmdline_warn(): printk in the guest, and on the
 * host whatever the test defines before the #include (default: nothing).
 */
#include "../include/cmdline.h"
#include "../../shared/abi.h"
#include <string.h>

_Static_assert(CMDLINE_SIZE == BOOT_CMDLINE_MAX, "cmdline.h and abi.h disagree");

#ifndef cmdline_warn
#ifdef __GUEST__
#include "../include/kernel.h"
#define cmdline_warn(...) printk(__VA_ARGS__)
#else
#define cmdline_warn(...) ((void)0)
#endif
#endif

/* Whitespace, and control characters treated as such: one compare per
 * character, as this runs on every boot at ~1 µs per instruction. */
static inline bool is_space(char c)
{
	return (unsigned char)c <= ' ';
}

/* Record one token tok (NUL-terminated in the parse buffer, len bytes);
 * eq is its first '=' or NULL, key_quote whether a '"' precedes it. */
static void cmdline_add(struct cmdline *cl, char *tok, size_t len, char *eq,
			bool key_quote)
{
	char *val;

	if (eq == tok || key_quote) {
		cmdline_warn("cmdline: ignoring malformed parameter '%s'\n", tok);
		cl->nr_ignored++;
		return;
	}
	if (cl->nr == CMDLINE_MAX_PARAMS) {
		cmdline_warn("cmdline: more than %d parameters, ignoring '%s'\n",
			     CMDLINE_MAX_PARAMS, tok);
		cl->nr_ignored++;
		return;
	}

	if (eq) {
		*eq = '\0';
		val = eq + 1;
		/* key="quoted value": drop the quotes. */
		if (*val == '"') {
			val++;
			if (tok + len > val && tok[len - 1] == '"')
				tok[len - 1] = '\0';
		}
	} else {
		val = tok + len;	/* "" */
	}
	cl->param[cl->nr].key = tok;
	cl->param[cl->nr].val = val;
	cl->nr++;
}

unsigned int cmdline_parse(struct cmdline *cl, char *buf)
{
	char *p = buf;

	cl->nr = 0;
	cl->nr_ignored = 0;
	for (;;) {
		char *tok, *eq = NULL;
		bool quoted = false, key_quote = false;
		size_t len;

		while (*p && is_space(*p))
			p++;
		if (!*p)
			break;
		/* A token ends at unquoted whitespace; an unterminated quote
		 * runs to the end of the line, as in Linux. */
		for (tok = p; *p && (quoted || !is_space(*p)); p++) {
			if (*p == '"') {
				quoted = !quoted;
				if (!eq)
					key_quote = true;
			} else if (*p == '=' && !eq) {
				eq = p;
			}
		}
		len = p - tok;
		if (*p)
			*p++ = '\0';
		cmdline_add(cl, tok, len, eq, key_quote);
	}
	return cl->nr;
}

const char *cmdline_lookup(const struct cmdline *cl, const char *key)
{
	unsigned int i;

	for (i = cl->nr; i-- > 0;)
		if (!strcmp(cl->param[i].key, key))
			return cl->param[i].val;
	return NULL;
}

static unsigned int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;	/* lower case */
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	return 36;	/* not a digit in any base */
}

unsigned long long simple_strtoull(const char *cp, char **endp, unsigned int base)
{
	unsigned long long result = 0;
	unsigned int d;

	if (base == 0) {
		base = 10;
		if (cp[0] == '0') {
			base = 8;
			if ((cp[1] | 0x20) == 'x' && digit_value(cp[2]) < 16) {
				base = 16;
				cp += 2;
			}
		}
	} else if (base == 16 && cp[0] == '0' && (cp[1] | 0x20) == 'x' &&
		   digit_value(cp[2]) < 16) {
		cp += 2;
	}
	/* Overflow is not detected (as in Linux's simple_strtoull). */
	while ((d = digit_value(*cp)) < base) {
		result = result * base + d;
		cp++;
	}
	if (endp)
		*endp = (char *)cp;
	return result;
}

unsigned long long memparse(const char *ptr, char **retptr)
{
	char *endptr;
	unsigned long long ret = simple_strtoull(ptr, &endptr, 0);
	unsigned int shift = 0;

	switch (*endptr) {
	case 'E': case 'e': shift += 10; /* fall through */
	case 'P': case 'p': shift += 10; /* fall through */
	case 'T': case 't': shift += 10; /* fall through */
	case 'G': case 'g': shift += 10; /* fall through */
	case 'M': case 'm': shift += 10; /* fall through */
	case 'K': case 'k': shift += 10;
		endptr++;
		/* fall through */
	default:
		break;
	}
	if (retptr)
		*retptr = endptr;
	return ret << shift;
}

/* ---- The kernel's own command line ------------------------------------ */

char boot_command_line[CMDLINE_SIZE];	/* as given, for printing */
static char cmdline_buf[CMDLINE_SIZE];	/* split copy the params point into */
static struct cmdline boot_cmdline;

void cmdline_init(const char *src, size_t size)
{
	size_t n = 0;

	if (size > sizeof(boot_command_line))
		size = sizeof(boot_command_line);
	while (n < size && src[n])
		n++;
	if (n == size && n) {
		/* Not terminated within the buffer: keep what fits. */
		n--;
		cmdline_warn("cmdline: not NUL-terminated, truncated to %u bytes\n",
			     (unsigned int)n);
	}
	memcpy(boot_command_line, src, n);
	boot_command_line[n] = '\0';
	memcpy(cmdline_buf, boot_command_line, n + 1);
	cmdline_parse(&boot_cmdline, cmdline_buf);
}

const char *cmdline_get(const char *key)
{
	return cmdline_lookup(&boot_cmdline, key);
}

unsigned long cmdline_get_uint(const char *key, unsigned long def)
{
	const char *val = cmdline_get(key);
	unsigned long long x;
	char *end;

	if (!val)
		return def;
	x = simple_strtoull(val, &end, 0);
	if (end == val || *end || (unsigned long)x != x) {
		cmdline_warn("cmdline: %s=%s is not a number, using %lu\n", key, val, def);
		return def;
	}
	return x;
}

unsigned long long cmdline_get_size(const char *key, unsigned long long def)
{
	const char *val = cmdline_get(key);
	unsigned long long x;
	char *end;

	if (!val)
		return def;
	x = memparse(val, &end);
	if (*val < '0' || *val > '9' || *end) {
		cmdline_warn("cmdline: %s=%s is not a size, using %llu\n", key, val, def);
		return def;
	}
	return x;
}
