/*
 * The console's command language (host/console_parse.c): every command of
 * the table parses, every malformed line gets its exact error, numbers and
 * gfp masks parse with their ranges, and 100k random lines never crash the
 * parser (ASan/UBSan build) and always give a consistent answer.
 */
#include <criterion/criterion.h>
#include <glob.h>
#include <stdio.h>
#include <string.h>

#include "console_parse.h"
#include "gfp_flags.h"
#include "../guest/include/random.h"

static struct con_line l;
static char err[512];

static int parse(const char *line)
{
	err[0] = '\0';
	return con_parse_line(line, &l, err, sizeof(err));
}

static void parses_as(const char *line, enum con_cmd_id id, unsigned argc)
{
	cr_assert_eq(parse(line), 1, "'%s': %s", line, err);
	cr_assert_eq(l.cmd->id, id, "'%s' is %s", line, l.cmd->name);
	cr_assert_eq(l.argc, argc, "'%s': %u arguments", line, l.argc);
}

static void refused(const char *line, const char *want)
{
	cr_assert_eq(parse(line), -1, "'%s' was accepted", line);
	cr_assert_str_eq(err, want, "'%s'", line);
}

Test(console_parse, the_table_is_indexed_by_id_and_every_name_parses)
{
	for (unsigned i = 0; i < CMD_NR; i++) {
		char line[256];

		cr_assert_eq(con_cmds[i].id, i, "%s is out of place", con_cmds[i].name);
		cr_assert(con_cmds[i].min_args <= con_cmds[i].max_args);
		cr_assert(con_cmds[i].max_args <= CON_MAX_ARGS);
		cr_assert(*con_cmds[i].help);
		snprintf(line, sizeof(line), "%s", con_cmds[i].name);
		for (unsigned a = 0; a < con_cmds[i].min_args; a++)
			strcat(line, " 1");
		parses_as(line, con_cmds[i].id, con_cmds[i].min_args);
	}
}

Test(console_parse, blank_lines_and_comments)
{
	cr_assert_eq(parse(""), 0);
	cr_assert_eq(parse("   \t \n"), 0);
	cr_assert_eq(parse("# buddyinfo"), 0);
	cr_assert_eq(parse("   # x"), 0);
	parses_as("buddyinfo # the free lists", CMD_BUDDYINFO, 0);
	parses_as("  page   0x10  \r\n", CMD_PAGE, 1);
	cr_assert_str_eq(l.argv[0], "0x10");
}

Test(console_parse, multi_word_commands_take_the_longest_match)
{
	parses_as("info status", CMD_INFO_STATUS, 0);
	parses_as("info registers", CMD_INFO_REGISTERS, 0);
	parses_as("fail off", CMD_FAIL_OFF, 0);
	parses_as("fail show", CMD_FAIL_SHOW, 0);
	parses_as("fail page_alloc times=3", CMD_FAIL, 2);
	cr_assert_str_eq(l.argv[0], "page_alloc");
	parses_as("guest kmalloc 100 GFP_ATOMIC", CMD_GUEST_KMALLOC, 2);
	parses_as("guest mempool_create slab foo 4", CMD_GUEST_POOL_CREATE, 3);
	parses_as("help guest kmalloc", CMD_HELP, 2);
	parses_as("guest spawn vmtest", CMD_GUEST_SPAWN, 1);
	parses_as("guest touch 1 0xbffff000", CMD_GUEST_TOUCH, 2);
	parses_as("guest touch 1 0xbffff000 w", CMD_GUEST_TOUCH, 3);
	parses_as("guest kill 1", CMD_GUEST_KILL, 1);
	parses_as("guest spawn demand 8M 0", CMD_GUEST_SPAWN, 3);
	parses_as("guest schedule", CMD_GUEST_SCHEDULE, 0);
	parses_as("guest schedule 10", CMD_GUEST_SCHEDULE, 1);
}

Test(console_parse, qemu_style_format_glued_to_x)
{
	parses_as("x/8xb 0xc0100000", CMD_X, 2);
	cr_assert_str_eq(l.argv[0], "/8xb");
	cr_assert_str_eq(l.argv[1], "0xc0100000");
	parses_as("xp/2g 0x1000", CMD_XP, 2);
	cr_assert_str_eq(l.argv[0], "/2g");
	parses_as("xp /2g 0x1000", CMD_XP, 2);
	parses_as("xp 0x1000", CMD_XP, 1);
}

Test(console_parse, errors_name_the_problem_and_point_at_help)
{
	refused("frobnicate", "unknown command 'frobnicate'; try 'help'");
	refused("info", "'info' needs a subcommand; try 'help info'");
	refused("info cpus", "unknown command 'info cpus'; try 'help info'");
	refused("guest", "'guest' needs a subcommand; try 'help guest'");
	refused("guest vmalloc_user 4096", "unknown command 'guest vmalloc_user'; try 'help guest'");
	refused("guest vmap", "guest vmap: missing argument: guest vmap PFN...; see 'help guest vmap'");
	refused("guest vmap 1 2 3 4 5 6 7 8 9", "guest vmap: unexpected argument '9'; see 'help guest "
		"vmap'");
	refused("page", "page: missing argument: page PFN; see 'help page'");
	refused("page 1 2", "page: unexpected argument '2'; see 'help page'");
	refused("guest kfree", "guest kfree: missing argument: guest kfree ID; see 'help guest kfree'");
	refused("guest spawn", "guest spawn: missing argument: guest spawn PROGRAM [ARG [ARG2]]; see "
		"'help guest spawn'");
	refused("guest spawn demo 1 2 3", "guest spawn: unexpected argument '3'; see 'help guest "
		"spawn'");
	refused("guest schedule 1 2", "guest schedule: unexpected argument '2'; see 'help guest "
		"schedule'");
	refused("guest touch 1", "guest touch: missing argument: guest touch PID VA [w]; see 'help "
		"guest touch'");
	refused("guest touch 1 0x1000 w w", "guest touch: unexpected argument 'w'; see 'help guest "
		"touch'");
	refused("guest kill", "guest kill: missing argument: guest kill PID; see 'help guest kill'");
	refused("buddyinfo now", "buddyinfo: unexpected argument 'now'; see 'help buddyinfo'");
	refused("quit 0", "quit: unexpected argument '0'; see 'help quit'");
	refused("poke 0x1000", "poke: missing argument: poke PA VALUE [b|w|l|q]; see 'help poke'");
	refused("page\x01 1", "control character 0x01 in the line");
	refused("check a b c d e f g h i j k l m n o p q r",
		"check: too many arguments (at most 16); see 'help check'");
	refused("check a b c d e f g h i j k l m n o p q r s t u v", "too many arguments (at most 16)");
}

Test(console_parse, overlong_lines_are_refused)
{
	char line[CON_LINE_MAX + 10];

	memset(line, 'a', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	refused(line, "line too long (more than 1024 bytes)");
	line[CON_LINE_MAX] = '\0';
	cr_assert_eq(parse(line), -1);
	cr_assert(strstr(err, "unknown command"), "%s", err);
}

Test(console_parse, numbers_with_ranges)
{
	uint64_t v;
	int64_t s;

	cr_assert_eq(con_parse_u64("0x1f", "pfn", 0, 100, &v, err, sizeof(err)), 0);
	cr_assert_eq(v, 31);
	cr_assert_eq(con_parse_u64("017", "pfn", 0, 100, &v, err, sizeof(err)), 0);
	cr_assert_eq(v, 15);
	cr_assert_eq(con_parse_u64("101", "pfn", 0, 100, &v, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "bad pfn '101': must be 0..100");
	cr_assert_eq(con_parse_u64("12x", "pfn", 0, 100, &v, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "bad pfn '12x': not a number");
	cr_assert_eq(con_parse_u64("-1", "pfn", 0, 100, &v, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "bad pfn '-1': not a number");
	cr_assert_eq(con_parse_u64("", "pfn", 0, 100, &v, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "bad pfn '': not a number");
	cr_assert_eq(con_parse_u64("99999999999999999999", "pfn", 0, 100, &v, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "bad pfn '99999999999999999999': out of range");
	cr_assert_eq(con_parse_u64("18446744073709551615", "v", 0, UINT64_MAX, &v, err, sizeof(err)), 0);
	cr_assert_eq(v, UINT64_MAX);

	cr_assert_eq(con_parse_size("4K", "size", 1, 1 << 20, &v, err, sizeof(err)), 0);
	cr_assert_eq(v, 4096);
	cr_assert_eq(con_parse_size("2m", "size", 1, 4ull << 20, &v, err, sizeof(err)), 0);
	cr_assert_eq(v, 2 << 20);
	cr_assert_eq(con_parse_size("1G", "size", 1, 1 << 20, &v, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "bad size '1G': must be 1..1048576");
	cr_assert_eq(con_parse_size("16E", "size", 1, 1 << 20, &v, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "bad size '16E': not a number");
	cr_assert_eq(con_parse_size("17179869184G", "size", 0, UINT64_MAX, &v, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "bad size '17179869184G': out of range");

	cr_assert_eq(con_parse_s64("-1", "times", -1, 1000, &s, err, sizeof(err)), 0);
	cr_assert_eq(s, -1);
	cr_assert_eq(con_parse_s64("-2", "times", -1, 1000, &s, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "bad times '-2': must be -1..1000");
	cr_assert_eq(con_parse_s64("-9223372036854775808", "x", INT64_MIN, INT64_MAX, &s, err,
				   sizeof(err)), 0);
	cr_assert_eq(s, INT64_MIN);
	cr_assert_eq(con_parse_s64("9223372036854775808", "x", INT64_MIN, INT64_MAX, &s, err,
				   sizeof(err)), -1);
	cr_assert_str_eq(err, "bad x '9223372036854775808': out of range");
	cr_assert_eq(con_parse_s64("-x", "x", -5, 5, &s, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "bad x '-x': not a number");
}

Test(console_parse, gfp_masks_by_name_and_number)
{
	uint32_t g;
	char buf[256];

	cr_assert_eq(con_parse_gfp("GFP_KERNEL", &g, err, sizeof(err)), 0);
	cr_assert_eq(g, GFP_KERNEL);
	cr_assert_eq(con_parse_gfp("GFP_ATOMIC|__GFP_ZERO", &g, err, sizeof(err)), 0);
	cr_assert_eq(g, GFP_ATOMIC | __GFP_ZERO);
	cr_assert_eq(con_parse_gfp("0x400|__GFP_HIGHMEM", &g, err, sizeof(err)), 0);
	cr_assert_eq(g, 0x400 | __GFP_HIGHMEM);
	cr_assert_eq(con_parse_gfp("GFP_KERNAL", &g, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "bad gfp_mask 'GFP_KERNAL': unknown flag 'GFP_KERNAL' (GFP_KERNEL, "
			 "GFP_ATOMIC, GFP_HIGHUSER, GFP_DMA, __GFP_ZERO, ... or a number)");
	cr_assert_eq(con_parse_gfp("0x80000000", &g, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "bad gfp_mask '0x80000000': unknown bits 0x80000000 (known: 0x55efeb)");
	cr_assert_eq(con_parse_gfp("GFP_KERNEL|", &g, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "bad gfp_mask 'GFP_KERNEL|': ends with '|'");
	cr_assert_eq(con_parse_gfp("|GFP_KERNEL", &g, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "bad gfp_mask '|GFP_KERNEL': empty name between '|'");

	cr_assert_str_eq(con_gfp_str(buf, sizeof(buf), GFP_KERNEL | __GFP_ZERO), "GFP_KERNEL|__GFP_ZERO");
	cr_assert_str_eq(con_gfp_str(buf, sizeof(buf), GFP_HIGHUSER), "GFP_HIGHUSER");
	cr_assert_str_eq(con_gfp_str(buf, sizeof(buf), 0), "0");
	cr_assert_str_eq(con_gfp_str(buf, sizeof(buf), __GFP_DMA | 0x80000000u), "GFP_DMA|0x80000000");
	/* Every mask prints as something that parses back to itself. */
	for (uint32_t bit = 0; bit < 32; bit++) {
		uint32_t m = (GFP_KERNEL ^ (1u << bit)) & __GFP_KNOWN_MASK;

		cr_assert_eq(con_parse_gfp(con_gfp_str(buf, sizeof(buf), m), &g, err, sizeof(err)), 0,
			     "%s: %s", buf, err);
		cr_assert_eq(g, m, "%s", buf);
	}
}

Test(console_parse, key_value_pairs)
{
	char key[16];
	const char *v;

	cr_assert(con_split_kv("times=3", key, sizeof(key), &v));
	cr_assert_str_eq(key, "times");
	cr_assert_str_eq(v, "3");
	cr_assert(con_split_kv("cache=", key, sizeof(key), &v));
	cr_assert_str_eq(v, "");
	cr_assert_not(con_split_kv("times", key, sizeof(key), &v));
	cr_assert_not(con_split_kv("=3", key, sizeof(key), &v));
	cr_assert_not(con_split_kv("averyveryverylongkey=1", key, sizeof(key), &v));
}

static unsigned help_hits;
static void count_help(const struct con_cmd *cmd, void *opaque)
{
	(void)cmd;
	(void)opaque;
	help_hits++;
}

/* guest spawn's help names every program built into the image. */
Test(console_parse, spawn_help_lists_every_user_program)
{
	glob_t g;

	cr_assert_eq(glob(SRC_ROOT "/guest/user/*.c", 0, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *base = strrchr(g.gl_pathv[i], '/') + 1;
		char name[64];

		snprintf(name, sizeof(name), "%.*s", (int)(strlen(base) - 2), base);
		cr_assert(strstr(con_cmds[CMD_GUEST_SPAWN].help, name), "'%s' is not in '%s'", name,
			  con_cmds[CMD_GUEST_SPAWN].help);
	}
	cr_assert_geq(g.gl_pathc, 5);
	globfree(&g);
}

Test(console_parse, help_matches_whole_words)
{
	help_hits = 0;
	cr_assert_eq(con_cmd_match("guest", count_help, NULL), 22);
	cr_assert_eq(con_cmd_match("info", count_help, NULL), 4);
	cr_assert_eq(con_cmd_match("fail", count_help, NULL), 3);
	cr_assert_eq(con_cmd_match("x", count_help, NULL), 1);
	cr_assert_eq(con_cmd_match("xp", count_help, NULL), 1);
	cr_assert_eq(con_cmd_match("gues", count_help, NULL), 0);
	cr_assert_eq(help_hits, 31);
}

/* Random lines from an alphabet rich in what the parser treats specially,
 * and from real command words: the parser never crashes, and its answer is
 * always one of the three with a consistent struct. */
Test(console_parse, random_lines, .timeout = 60)
{
	static const char *const words[] = {
		"info", "status", "x", "xp", "/8xb", "x/4g", "guest", "kmalloc", "fail", "page_alloc",
		"times=3", "#", "0x", "-1", "help", "check", "corrupt", "poke", "mempool_create",
		"slab", "18446744073709551616", "GFP_KERNEL|", "",
	};
	static const char alphabet[] = " \t\n\r#/=|xX0123456789abcdefgk-_\x01\x7f\xc2\x80\xff";
	struct rnd_state rnd;
	char line[CON_LINE_MAX + 64];

	prandom_seed_state(&rnd, 12345);
	for (unsigned n = 0; n < 100000; n++) {
		size_t len = 0, want = prandom_below(&rnd, 40);

		while (len < want && len < sizeof(line) - 64) {
			if (prandom_below(&rnd, 3) == 0) {
				const char *w = words[prandom_below(&rnd, sizeof(words) / sizeof(words[0]))];

				len += (size_t)snprintf(line + len, sizeof(line) - len, "%s ", w);
			} else {
				line[len++] = alphabet[prandom_below(&rnd, sizeof(alphabet) - 1)];
			}
		}
		if (prandom_below(&rnd, 1000) == 0)   /* now and then, far too long */
			while (len < sizeof(line) - 1)
				line[len++] = 'a';
		line[len] = '\0';

		int r = parse(line);

		cr_assert(r >= -1 && r <= 1);
		if (r == 1) {
			cr_assert_not_null(l.cmd);
			cr_assert(l.argc >= l.cmd->min_args && l.argc <= l.cmd->max_args);
			for (unsigned a = 0; a < l.argc; a++)
				cr_assert(l.argv[a] >= l.buf && l.argv[a] < l.buf + sizeof(l.buf));
		} else if (r == -1) {
			cr_assert(err[0], "no message for '%s'", line);
			cr_assert_null(strchr(err, '\n'), "a multi-line message");
		}
		/* Numbers and masks from the same line's first token. */
		uint64_t v;
		uint32_t g;
		char e2[256];

		if (con_parse_size(line, "x", 0, UINT64_MAX, &v, e2, sizeof(e2)))
			cr_assert(e2[0]);
		if (con_parse_gfp(line, &g, e2, sizeof(e2)))
			cr_assert(e2[0]);
		else
			cr_assert_eq(g & ~__GFP_KNOWN_MASK, 0);
	}
}
