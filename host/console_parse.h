/*
 * The console's command language: the table of commands (their words,
 * argument counts, synopses and help) and the parsing of one line and of
 * each argument type.  No guest and no I/O here, so all of it is
 * unit-tested on its own (tests/unit_console_parse.c).
 */
#ifndef VMM_CONSOLE_PARSE_H
#define VMM_CONSOLE_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CON_LINE_MAX 1024   /* longest accepted command line, in bytes */
#define CON_MAX_ARGS 16     /* arguments after the command's words */

enum con_cmd_id {
	CMD_HELP,
	CMD_QUIT,
	CMD_STOP,
	CMD_CONT,
	CMD_INFO_STATUS,
	CMD_INFO_REGISTERS,
	CMD_INFO_TLB,
	CMD_INFO_MEM,
	CMD_XP,
	CMD_X,
	CMD_GVA2GPA,
	CMD_BUDDYINFO,
	CMD_ZONEINFO,
	CMD_MEMINFO,
	CMD_VMSTAT,
	CMD_SLABINFO,
	CMD_VMALLOCINFO,
	CMD_TASKS,
	CMD_MAPS,
	CMD_PKMAP,
	CMD_PAGE,
	CMD_CHECK,
	CMD_FAIL,
	CMD_FAIL_OFF,
	CMD_FAIL_SHOW,
	CMD_CORRUPT,
	CMD_POKE,
	CMD_FLIP,
	CMD_GUEST_ALLOC_PAGES,
	CMD_GUEST_FREE_PAGES,
	CMD_GUEST_KMALLOC,
	CMD_GUEST_KFREE,
	CMD_GUEST_CACHE_CREATE,
	CMD_GUEST_CACHE_ALLOC,
	CMD_GUEST_CACHE_FREE,
	CMD_GUEST_CACHE_DESTROY,
	CMD_GUEST_POOL_CREATE,
	CMD_GUEST_POOL_ALLOC,
	CMD_GUEST_POOL_FREE,
	CMD_GUEST_POOL_DESTROY,
	CMD_GUEST_VMALLOC,
	CMD_GUEST_VFREE,
	CMD_GUEST_VMAP,
	CMD_GUEST_KMAP,
	CMD_GUEST_KUNMAP,
	CMD_GUEST_KMAP_ATOMIC,
	CMD_GUEST_SPAWN,
	CMD_GUEST_TOUCH,
	CMD_GUEST_KILL,
	CMD_GUEST_SCHEDULE,
	CMD_NR
};

/* What a command needs from the guest before it can run. */
enum con_need {
	NEED_NOTHING,    /* runs at once, whatever the guest does */
	NEED_QUIESCENT,  /* guest memory must be a consistent image: held or idle */
	NEED_IDLE,       /* a request for run=idle's mailbox */
};

struct con_cmd {
	enum con_cmd_id id;
	const char *name;       /* its words: "info registers", "guest kmalloc" */
	unsigned min_args, max_args;
	enum con_need need;
	const char *synopsis;   /* the arguments, as `help` shows them */
	const char *help;       /* one line */
};

extern const struct con_cmd con_cmds[CMD_NR];

/* A parsed line: the command and its arguments, pointing into buf. */
struct con_line {
	const struct con_cmd *cmd;
	unsigned argc;
	const char *argv[CON_MAX_ARGS];
	char buf[CON_LINE_MAX + 1];
};

/*
 * Parse one line.  Returns 1 with *out filled, 0 for a blank line or a
 * comment (`#` to the end of the line), or -1 with a one-line message in
 * err that names the problem and points at `help`.  Words match exactly,
 * without abbreviation; `x/8xb ADDR` without a space before '/' is
 * accepted, as in QEMU.
 */
int con_parse_line(const char *line, struct con_line *out, char *err, size_t errlen);

/* The command named by words such as "info tlb" or "guest", for `help CMD`:
 * all commands that start with these words, in table order, through cb. */
unsigned con_cmd_match(const char *words, void (*cb)(const struct con_cmd *, void *), void *opaque);

/*
 * Numbers as users type them: decimal, 0x hex, 0 octal, with an optional
 * K/M/G suffix (binary) where `what` is a size.  Each failure is an error
 * naming `what`, the text and the allowed range.
 */
int con_parse_u64(const char *s, const char *what, uint64_t min, uint64_t max,
		  uint64_t *out, char *err, size_t errlen);
int con_parse_s64(const char *s, const char *what, int64_t min, int64_t max,
		  int64_t *out, char *err, size_t errlen);
int con_parse_size(const char *s, const char *what, uint64_t min, uint64_t max,
		   uint64_t *out, char *err, size_t errlen);

/* A gfp_mask: GFP_KERNEL, GFP_ATOMIC|__GFP_ZERO, 0x400 ... (shared/gfp_flags.h). */
int con_parse_gfp(const char *s, uint32_t *out, char *err, size_t errlen);
/* "GFP_KERNEL|__GFP_ZERO" for a mask: the composites first, then bits. */
char *con_gfp_str(char *buf, size_t len, uint32_t gfp);

/* key=value: splits in place-free form; false if there is no '=' or the
 * key is empty. */
bool con_split_kv(const char *s, char *key, size_t keylen, const char **value);

#endif
