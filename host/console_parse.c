/*
 * The console's command language (console_parse.h): one table of commands,
 * modelled on QEMU's monitor (help, info …, x, xp, gva2gpa, stop, cont,
 * quit) and crash (page), plus the /proc views, fault injection and the
 * requests an idle guest serves.  A command is found by its longest run of
 * matching words, so "info" alone, "guest" alone and "fail" alone are
 * errors that list what may follow.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "console_parse.h"
#include "gfp_flags.h"
#include "util.h"

#define GFP_SYN "[GFP]"

const struct con_cmd con_cmds[CMD_NR] = {
	{ CMD_HELP, "help", 0, 2, NEED_NOTHING, "[CMD]",
	  "list the commands, or show the synopsis of CMD" },
	{ CMD_QUIT, "quit", 0, 0, NEED_NOTHING, "",
	  "stop the guest and exit the VMM with status 0" },
	{ CMD_STOP, "stop", 0, 0, NEED_NOTHING, "",
	  "hold the guest at its next checkpoint" },
	{ CMD_CONT, "cont", 0, 0, NEED_NOTHING, "",
	  "release a held guest" },
	{ CMD_INFO_STATUS, "info status", 0, 0, NEED_NOTHING, "",
	  "running, held at checkpoint N (tag T), or idle" },
	{ CMD_INFO_REGISTERS, "info registers", 0, 0, NEED_QUIESCENT, "",
	  "the vCPU's registers" },
	{ CMD_INFO_TLB, "info tlb", 0, 1, NEED_QUIESCENT, "[PID]",
	  "every present mapping of the kernel, or of task PID: VA: PA flags" },
	{ CMD_INFO_MEM, "info mem", 0, 1, NEED_QUIESCENT, "[PID]",
	  "the kernel's (or task PID's) address space as ranges of equal protection" },
	{ CMD_XP, "xp", 1, 2, NEED_QUIESCENT, "[/NFU] PA",
	  "dump guest physical memory (N count, F x|d|u|o|c, U b|h|w|g)" },
	{ CMD_X, "x", 1, 3, NEED_QUIESCENT, "[/NFU] VA [PID]",
	  "dump guest virtual memory through the vCPU's page tables, or task PID's" },
	{ CMD_GVA2GPA, "gva2gpa", 1, 2, NEED_QUIESCENT, "VA [PID]",
	  "translate a virtual address (the vCPU's, or task PID's), showing every level" },
	{ CMD_BUDDYINFO, "buddyinfo", 0, 0, NEED_QUIESCENT, "",
	  "/proc/buddyinfo, computed from guest memory" },
	{ CMD_ZONEINFO, "zoneinfo", 0, 0, NEED_QUIESCENT, "",
	  "/proc/zoneinfo, computed from guest memory" },
	{ CMD_MEMINFO, "meminfo", 0, 0, NEED_QUIESCENT, "",
	  "/proc/meminfo, computed from guest memory" },
	{ CMD_VMSTAT, "vmstat", 0, 0, NEED_QUIESCENT, "",
	  "/proc/vmstat, computed from guest memory" },
	{ CMD_SLABINFO, "slabinfo", 0, 0, NEED_QUIESCENT, "",
	  "/proc/slabinfo, computed from guest memory" },
	{ CMD_VMALLOCINFO, "vmallocinfo", 0, 0, NEED_QUIESCENT, "",
	  "/proc/vmallocinfo, computed from guest memory, callers as symbols" },
	{ CMD_TASKS, "tasks", 0, 0, NEED_QUIESCENT, "",
	  "one line per task: pid, name, state, VMAs, VSZ, RSS, faults, computed from guest memory" },
	{ CMD_MAPS, "maps", 1, 1, NEED_QUIESCENT, "PID",
	  "/proc/PID/maps of task PID, computed from guest memory" },
	{ CMD_PKMAP, "pkmap", 0, 0, NEED_QUIESCENT, "",
	  "the kmap windows: each used pkmap slot (count, page, page_address), mapped "
	  "kmap_atomic slots" },
	{ CMD_PAGE, "page", 1, 1, NEED_QUIESCENT, "PFN",
	  "the struct page of PFN, flags by name" },
	{ CMD_CHECK, "check", 0, CON_MAX_ARGS, NEED_QUIESCENT, "[RULE...]",
	  "run the checkers now (all rules, or the ones named)" },
	{ CMD_FAIL, "fail", 1, CON_MAX_ARGS, NEED_QUIESCENT,
	  "page_alloc|slab [probability=P] [interval=I] [times=T] [space=S] [min_order=O] "
	  "[ignore_gfp_highmem=0|1] [ignore_gfp_wait=0|1] [cache=NAME,...|*|-] [verbose=0|1|2] "
	  "[seed=N]",
	  "set a fault injector's knobs (Linux's fail_page_alloc and failslab; failslab fails "
	  "only the caches cache= marks)" },
	{ CMD_FAIL_OFF, "fail off", 0, 0, NEED_QUIESCENT, "",
	  "turn both fault injectors off" },
	{ CMD_FAIL_SHOW, "fail show", 0, 0, NEED_QUIESCENT, "",
	  "one line per fault injector: its knobs and failures so far" },
	{ CMD_CORRUPT, "corrupt", 1, 1, NEED_QUIESCENT, "KIND",
	  "damage guest memory as --corrupt KIND does (vmm --list-corruptions)" },
	{ CMD_POKE, "poke", 2, 3, NEED_QUIESCENT, "PA VALUE [b|w|l|q]",
	  "write VALUE at guest physical PA (default l: 32 bits)" },
	{ CMD_FLIP, "flip", 2, 2, NEED_QUIESCENT, "PA BIT",
	  "flip bit BIT (0-7) of the byte at guest physical PA" },
	{ CMD_GUEST_ALLOC_PAGES, "guest alloc_pages", 1, 2, NEED_IDLE, "ORDER " GFP_SYN,
	  "alloc_pages(GFP, ORDER) in the guest (GFP_KERNEL by default)" },
	{ CMD_GUEST_FREE_PAGES, "guest free_pages", 1, 1, NEED_IDLE, "ID",
	  "__free_pages() of a block from guest alloc_pages" },
	{ CMD_GUEST_KMALLOC, "guest kmalloc", 1, 2, NEED_IDLE, "SIZE " GFP_SYN,
	  "kmalloc(SIZE, GFP) in the guest" },
	{ CMD_GUEST_KFREE, "guest kfree", 1, 1, NEED_IDLE, "ID",
	  "kfree() of an object from guest kmalloc" },
	{ CMD_GUEST_CACHE_CREATE, "guest kmem_cache_create", 2, 4, NEED_IDLE,
	  "NAME SIZE [ALIGN] [FLAGS]", "kmem_cache_create() in the guest (FLAGS: SLAB_* bits)" },
	{ CMD_GUEST_CACHE_ALLOC, "guest kmem_cache_alloc", 1, 2, NEED_IDLE, "NAME " GFP_SYN,
	  "kmem_cache_alloc() from the cache NAME" },
	{ CMD_GUEST_CACHE_FREE, "guest kmem_cache_free", 1, 1, NEED_IDLE, "ID",
	  "kmem_cache_free() of an object from guest kmem_cache_alloc" },
	{ CMD_GUEST_CACHE_DESTROY, "guest kmem_cache_destroy", 1, 1, NEED_IDLE, "NAME",
	  "kmem_cache_destroy() of a cache from guest kmem_cache_create" },
	{ CMD_GUEST_POOL_CREATE, "guest mempool_create", 3, 3, NEED_IDLE,
	  "slab CACHE MIN_NR | kmalloc SIZE MIN_NR | page ORDER MIN_NR",
	  "mempool_create_{slab,kmalloc,page}_pool() in the guest" },
	{ CMD_GUEST_POOL_ALLOC, "guest mempool_alloc", 1, 2, NEED_IDLE, "POOL " GFP_SYN,
	  "mempool_alloc() from the pool with id POOL" },
	{ CMD_GUEST_POOL_FREE, "guest mempool_free", 1, 1, NEED_IDLE, "ID",
	  "mempool_free() of an element from guest mempool_alloc" },
	{ CMD_GUEST_POOL_DESTROY, "guest mempool_destroy", 1, 1, NEED_IDLE, "POOL",
	  "mempool_destroy() of the pool with id POOL" },
	{ CMD_GUEST_VMALLOC, "guest vmalloc", 1, 2, NEED_IDLE, "SIZE [32]",
	  "vmalloc(SIZE) in the guest, or vmalloc_32(SIZE) (lowmem pages only) with 32" },
	{ CMD_GUEST_VFREE, "guest vfree", 1, 1, NEED_IDLE, "ID",
	  "vfree() of an area from guest vmalloc, vunmap() of one from guest vmap" },
	{ CMD_GUEST_VMAP, "guest vmap", 1, CON_VMAP_MAX, NEED_IDLE, "PFN...",
	  "vmap() of up to 8 pages of guest alloc_pages blocks (which stay until vfree)" },
	{ CMD_GUEST_KMAP, "guest kmap", 1, 1, NEED_IDLE, "PFN",
	  "kmap() of the page PFN (in use) in the guest; the id names the mapping" },
	{ CMD_GUEST_KUNMAP, "guest kunmap", 1, 1, NEED_IDLE, "ID",
	  "kunmap() of a mapping from guest kmap" },
	{ CMD_GUEST_KMAP_ATOMIC, "guest kmap_atomic", 1, 1, NEED_IDLE, "PFN",
	  "kmap_atomic() and kunmap_atomic() of the page PFN (in use), within the request" },
	{ CMD_GUEST_SPAWN, "guest spawn", 1, 3, NEED_IDLE, "PROGRAM [ARG [ARG2]]",
	  "start a user task from a program built in (demand SIZE, demo MIB TOUCH_MIB, "
	  "faultbench SIZE READ, vmstress SEED OPS, vmtest TEST, TEST 1-18 as in "
	  "guest/include/vmtest.h) as _start(ARG, ARG2), both 0 by default; it stays stopped "
	  "before its first instruction until guest schedule; the id is its pid" },
	{ CMD_GUEST_TOUCH, "guest touch", 2, 3, NEED_IDLE, "PID VA [w]",
	  "make the page at VA present for task PID as get_user_pages does (a read, or a write "
	  "with w); a fault it takes counts as the task's" },
	{ CMD_GUEST_KILL, "guest kill", 1, 1, NEED_IDLE, "PID",
	  "kill the user task PID with SIGKILL and reap it" },
	{ CMD_GUEST_SCHEDULE, "guest schedule", 0, 1, NEED_IDLE, "[ROUNDS]",
	  "run every runnable user task until it yields, exits or dies, ROUNDS times (1 by "
	  "default); the dead are reaped, their status shown" },
};

VMM_PRINTF(3, 4) static int perr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* How many of the command's words the tokens start with (all or none). */
static unsigned words_match(const char *name, const char *const *tok, unsigned ntok)
{
	unsigned n = 0;

	while (*name) {
		size_t len = strcspn(name, " ");

		if (n == ntok || strlen(tok[n]) != len || strncmp(tok[n], name, len))
			return 0;
		n++;
		name += len;
		name += *name == ' ';
	}
	return n;
}

static bool is_prefix_of_cmd(const char *tok)
{
	for (unsigned i = 0; i < CMD_NR; i++) {
		size_t len = strcspn(con_cmds[i].name, " ");

		if (con_cmds[i].name[len] && strlen(tok) == len &&
		    !strncmp(con_cmds[i].name, tok, len))
			return true;
	}
	return false;
}

int con_parse_line(const char *line, struct con_line *out, char *err, size_t errlen)
{
	const char *tok[CON_MAX_ARGS + 4];
	unsigned ntok = 0, best = 0;
	const struct con_cmd *cmd = NULL;
	size_t len = strlen(line);
	char *p;

	memset(out, 0, sizeof(*out));
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (len > CON_LINE_MAX)
		/* No byte count: the console cuts what it cannot hold, so
		 * the parser may not see the whole line. */
		return perr(err, errlen, "line too long (more than %d bytes)", CON_LINE_MAX);
	if (memchr(line, '\0', len) != NULL)
		return perr(err, errlen, "line contains a NUL byte");
	memcpy(out->buf, line, len);
	out->buf[len] = '\0';
	p = strchr(out->buf, '#');
	if (p)
		*p = '\0';

	for (p = out->buf; *p;) {
		while (*p && isspace((unsigned char)*p))
			*p++ = '\0';
		if (!*p)
			break;
		if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f)
			return perr(err, errlen, "control character 0x%02x in the line", (unsigned char)*p);
		if (ntok == sizeof(tok) / sizeof(tok[0]))
			return perr(err, errlen, "too many arguments (at most %d)", CON_MAX_ARGS);
		tok[ntok++] = p;
		while (*p && !isspace((unsigned char)*p)) {
			if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f)
				return perr(err, errlen, "control character 0x%02x in the line",
					    (unsigned char)*p);
			p++;
		}
	}
	if (!ntok)
		return 0;

	/* QEMU's x/8xb: the format may be glued to the command. */
	if ((!strncmp(tok[0], "x/", 2) || !strncmp(tok[0], "xp/", 3)) &&
	    ntok < sizeof(tok) / sizeof(tok[0])) {
		char *slash = strchr(tok[0], '/');

		memmove(&tok[2], &tok[1], (ntok - 1) * sizeof(tok[0]));
		ntok++;
		/* The command's name is only matched, never kept: point it at a
		 * literal and leave the format, slash and all, in place. */
		tok[0] = slash - tok[0] == 1 ? "x" : "xp";
		tok[1] = slash;
	}

	for (unsigned i = 0; i < CMD_NR; i++) {
		unsigned n = words_match(con_cmds[i].name, tok, ntok);

		if (n > best) {
			best = n;
			cmd = &con_cmds[i];
		}
	}
	if (!cmd) {
		if (is_prefix_of_cmd(tok[0]) && ntok > 1)
			return perr(err, errlen, "unknown command '%s %s'; try 'help %s'", tok[0],
				    tok[1], tok[0]);
		if (is_prefix_of_cmd(tok[0]))
			return perr(err, errlen, "'%s' needs a subcommand; try 'help %s'", tok[0], tok[0]);
		return perr(err, errlen, "unknown command '%s'; try 'help'", tok[0]);
	}
	/* "fail xyz": the generic fail takes an injector name, checked later. */
	out->cmd = cmd;
	out->argc = ntok - best;
	if (out->argc > CON_MAX_ARGS)
		return perr(err, errlen, "%s: too many arguments (at most %d); see 'help %s'",
			    cmd->name, CON_MAX_ARGS, cmd->name);
	memcpy(out->argv, tok + best, out->argc * sizeof(tok[0]));
	if (out->argc < cmd->min_args)
		return perr(err, errlen, "%s: missing argument: %s %s; see 'help %s'", cmd->name,
			    cmd->name, cmd->synopsis, cmd->name);
	if (out->argc > cmd->max_args)
		return perr(err, errlen, "%s: unexpected argument '%s'; see 'help %s'", cmd->name,
			    out->argv[cmd->max_args], cmd->name);
	return 1;
}

unsigned con_cmd_match(const char *words, void (*cb)(const struct con_cmd *, void *), void *opaque)
{
	size_t wl = strlen(words);
	unsigned n = 0;

	for (unsigned i = 0; i < CMD_NR; i++) {
		const char *name = con_cmds[i].name;

		if (!strncmp(name, words, wl) && (name[wl] == '\0' || name[wl] == ' ')) {
			cb(&con_cmds[i], opaque);
			n++;
		}
	}
	return n;
}

static int parse_num(const char *s, const char *what, bool size, uint64_t *out, char *err,
		     size_t errlen)
{
	unsigned long long v;
	char *end;
	int shift = 0;

	if (!*s || *s == '-' || *s == '+' || isspace((unsigned char)*s))
		return perr(err, errlen, "bad %s '%s': not a number", what, s);
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno == ERANGE)
		return perr(err, errlen, "bad %s '%s': out of range", what, s);
	if (end == s)
		return perr(err, errlen, "bad %s '%s': not a number", what, s);
	if (size && *end) {
		switch (*end) {
		case 'k': case 'K': shift = 10; break;
		case 'm': case 'M': shift = 20; break;
		case 'g': case 'G': shift = 30; break;
		default: break;
		}
		if (shift)
			end++;
	}
	if (*end)
		return perr(err, errlen, "bad %s '%s': not a number", what, s);
	if (shift && v > (UINT64_MAX >> shift))
		return perr(err, errlen, "bad %s '%s': out of range", what, s);
	*out = v << shift;
	return 0;
}

static int check_range(const char *s, const char *what, uint64_t v, uint64_t min,
		       uint64_t max, char *err, size_t errlen)
{
	if (v < min || v > max)
		return perr(err, errlen, "bad %s '%s': must be %" PRIu64 "..%" PRIu64, what, s,
			    min, max);
	return 0;
}

int con_parse_u64(const char *s, const char *what, uint64_t min, uint64_t max,
		  uint64_t *out, char *err, size_t errlen)
{
	uint64_t v;

	if (parse_num(s, what, false, &v, err, errlen) ||
	    check_range(s, what, v, min, max, err, errlen))
		return -1;
	*out = v;
	return 0;
}

int con_parse_size(const char *s, const char *what, uint64_t min, uint64_t max,
		   uint64_t *out, char *err, size_t errlen)
{
	uint64_t v;

	if (parse_num(s, what, true, &v, err, errlen) ||
	    check_range(s, what, v, min, max, err, errlen))
		return -1;
	*out = v;
	return 0;
}

int con_parse_s64(const char *s, const char *what, int64_t min, int64_t max,
		  int64_t *out, char *err, size_t errlen)
{
	bool neg = *s == '-';
	uint64_t mag;
	int64_t v;

	if (parse_num(s + neg, what, false, &mag, err, errlen))
		return perr(err, errlen, "bad %s '%s': not a number", what, s);
	if (mag > (uint64_t)INT64_MAX + neg)
		return perr(err, errlen, "bad %s '%s': out of range", what, s);
	/* -(2^63) has no positive counterpart: negate in unsigned arithmetic. */
	v = neg ? (int64_t)(0 - mag) : (int64_t)mag;
	if (v < min || v > max)
		return perr(err, errlen, "bad %s '%s': must be %" PRId64 "..%" PRId64, what, s,
			    min, max);
	*out = v;
	return 0;
}

static const struct {
	const char *name;
	uint32_t bits;
} gfp_names[] = {
	/* Composites first: con_gfp_str() prints the first that fits. */
	{ "GFP_HIGHUSER_MOVABLE", GFP_HIGHUSER_MOVABLE },
	{ "GFP_HIGHUSER", GFP_HIGHUSER },
	{ "GFP_USER", GFP_USER },
	{ "GFP_KERNEL", GFP_KERNEL },
	{ "GFP_ATOMIC", GFP_ATOMIC },
	{ "GFP_NOFS", GFP_NOFS },
	{ "GFP_NOIO", GFP_NOIO },
	{ "GFP_NOWAIT", GFP_NOWAIT },
	{ "GFP_DMA", GFP_DMA },
	{ "__GFP_DMA", __GFP_DMA },
	{ "__GFP_HIGHMEM", __GFP_HIGHMEM },
	{ "__GFP_MOVABLE", __GFP_MOVABLE },
	{ "__GFP_HIGH", __GFP_HIGH },
	{ "__GFP_IO", __GFP_IO },
	{ "__GFP_FS", __GFP_FS },
	{ "__GFP_ZERO", __GFP_ZERO },
	{ "__GFP_ATOMIC", __GFP_ATOMIC },
	{ "__GFP_DIRECT_RECLAIM", __GFP_DIRECT_RECLAIM },
	{ "__GFP_KSWAPD_RECLAIM", __GFP_KSWAPD_RECLAIM },
	{ "__GFP_NOWARN", __GFP_NOWARN },
	{ "__GFP_RETRY_MAYFAIL", __GFP_RETRY_MAYFAIL },
	{ "__GFP_NOFAIL", __GFP_NOFAIL },
	{ "__GFP_NORETRY", __GFP_NORETRY },
	{ "__GFP_COMP", __GFP_COMP },
	{ "__GFP_HARDWALL", __GFP_HARDWALL },
	{ "__GFP_ACCOUNT", __GFP_ACCOUNT },
	{ "__GFP_RECLAIM", __GFP_RECLAIM },
};

int con_parse_gfp(const char *s, uint32_t *out, char *err, size_t errlen)
{
	uint32_t gfp = 0;
	const char *p = s;

	if (!*s)
		return perr(err, errlen, "bad gfp_mask '': empty");
	while (*p) {
		size_t len = strcspn(p, "|");
		bool found = false;

		if (!len)
			return perr(err, errlen, "bad gfp_mask '%s': empty name between '|'", s);
		if (isdigit((unsigned char)*p)) {
			char num[32];
			uint64_t v;

			if (len >= sizeof(num))
				return perr(err, errlen, "bad gfp_mask '%s': number too long", s);
			memcpy(num, p, len);
			num[len] = '\0';
			if (parse_num(num, "gfp_mask", false, &v, err, errlen))
				return -1;
			if (v & ~(uint64_t)__GFP_KNOWN_MASK)
				return perr(err, errlen, "bad gfp_mask '%s': unknown bits %#" PRIx64
					    " (known: %#x)", s, v & ~(uint64_t)__GFP_KNOWN_MASK,
					    __GFP_KNOWN_MASK);
			gfp |= (uint32_t)v;
			found = true;
		}
		for (size_t i = 0; !found && i < sizeof(gfp_names) / sizeof(gfp_names[0]); i++) {
			if (strlen(gfp_names[i].name) == len && !strncmp(gfp_names[i].name, p, len)) {
				gfp |= gfp_names[i].bits;
				found = true;
			}
		}
		if (!found)
			return perr(err, errlen, "bad gfp_mask '%s': unknown flag '%.*s' (GFP_KERNEL, "
				    "GFP_ATOMIC, GFP_HIGHUSER, GFP_DMA, __GFP_ZERO, ... or a number)",
				    s, (int)len, p);
		p += len;
		if (*p == '|') {
			p++;
			if (!*p)
				return perr(err, errlen, "bad gfp_mask '%s': ends with '|'", s);
		}
	}
	*out = gfp;
	return 0;
}

char *con_gfp_str(char *buf, size_t len, uint32_t gfp)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; gfp && i < sizeof(gfp_names) / sizeof(gfp_names[0]); i++) {
		if ((gfp & gfp_names[i].bits) != gfp_names[i].bits)
			continue;
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s", n ? "|" : "",
				      gfp_names[i].name);
		gfp &= ~gfp_names[i].bits;
	}
	if (gfp || !n)
		snprintf(buf + n, n < len ? len - n : 0, "%s%#x", n ? "|" : "", gfp);
	return buf;
}

bool con_split_kv(const char *s, char *key, size_t keylen, const char **value)
{
	const char *eq = strchr(s, '=');

	if (!eq || eq == s || (size_t)(eq - s) >= keylen)
		return false;
	memcpy(key, s, (size_t)(eq - s));
	key[eq - s] = '\0';
	*value = eq + 1;
	return true;
}
