/* Unit tests of the guest's command-line parser (guest/kernel/cmdline.c,
 * which is plain C and is compiled here for the host). */
#include <criterion/criterion.h>
#include <stdio.h>

static char warned[256];
#define cmdline_warn(...) snprintf(warned, sizeof warned, __VA_ARGS__)
#include "../guest/kernel/cmdline.c"

static struct cmdline cl;
static char buf[CMDLINE_SIZE];

static unsigned int parse(const char *s)
{
	snprintf(buf, sizeof buf, "%s", s);
	warned[0] = 0;
	return cmdline_parse(&cl, buf);
}

Test(cmdline, key_value_pairs_and_bare_keys)
{
	cr_assert_eq(parse("  run=exit:7 quiet highmem=32M  "), 3);
	cr_assert_str_eq(cmdline_lookup(&cl, "run"), "exit:7");
	cr_assert_str_eq(cmdline_lookup(&cl, "quiet"), "");
	cr_assert_str_eq(cmdline_lookup(&cl, "highmem"), "32M");
	cr_assert_null(cmdline_lookup(&cl, "high"));
	cr_assert_null(cmdline_lookup(&cl, "nosuch"));
}

Test(cmdline, last_occurrence_wins_and_values_keep_equals)
{
	parse("seed=1 seed=2 opt=a=b");
	cr_assert_str_eq(cmdline_lookup(&cl, "seed"), "2");
	cr_assert_str_eq(cmdline_lookup(&cl, "opt"), "a=b");
}

Test(cmdline, quoted_values_hold_spaces)
{
	cr_assert_eq(parse("msg=\"hello world\" x=1"), 2);
	cr_assert_str_eq(cmdline_lookup(&cl, "msg"), "hello world");
	cr_assert_str_eq(cmdline_lookup(&cl, "x"), "1");
}

Test(cmdline, malformed_tokens_are_reported_and_ignored)
{
	cr_assert_eq(parse("=oops good=1"), 1);
	cr_assert_eq(cl.nr_ignored, 1);
	cr_assert(strstr(warned, "malformed") != NULL, "warned: %s", warned);
	cr_assert_str_eq(cmdline_lookup(&cl, "good"), "1");
}

Test(cmdline, at_most_64_params)
{
	char s[CMDLINE_SIZE] = "";
	for (int i = 0; i < 70; i++)
		snprintf(s + strlen(s), sizeof s - strlen(s), "k%d ", i);
	cr_assert_eq(parse(s), CMDLINE_MAX_PARAMS);
	cr_assert_eq(cl.nr_ignored, 6);
	cr_assert_not_null(cmdline_lookup(&cl, "k63"));
	cr_assert_null(cmdline_lookup(&cl, "k64"));
}

Test(cmdline, empty_line)
{
	cr_assert_eq(parse(""), 0);
	cr_assert_eq(parse("   "), 0);
	cr_assert_null(cmdline_lookup(&cl, "run"));
}

Test(cmdline, memparse_suffixes)
{
	char *end;
	cr_assert_eq(memparse("32M", &end), 32ull << 20);
	cr_assert_eq(*end, 0);
	cr_assert_eq(memparse("4k", NULL), 4096);
	cr_assert_eq(memparse("2G,rest", &end), 2ull << 30);
	cr_assert_str_eq(end, ",rest");
	cr_assert_eq(memparse("0x1000", NULL), 4096);
	cr_assert_eq(memparse("17", NULL), 17);
}

Test(cmdline, kernel_command_line_and_numbers)
{
	cmdline_init("seed=0x10 ops=300 bad=zz size=8M", CMDLINE_SIZE);
	cr_assert_eq(cmdline_get_uint("seed", 1), 16);
	cr_assert_eq(cmdline_get_uint("ops", 2000), 300);
	cr_assert_eq(cmdline_get_uint("missing", 5), 5);
	cr_assert_eq(cmdline_get_uint("bad", 7), 7, "not a number: the default");
	cr_assert_eq(cmdline_get_size("size", 0), 8u << 20);
}

Test(cmdline, unterminated_source_is_bounded)
{
	/* boot_info.cmdline is BOOT_CMDLINE_MAX bytes including the NUL: a
	 * buffer without one is cut to size - 1 bytes, never overrun. */
	char src[8] = { 'r', 'u', 'n', '=', 'a', 'b', 'c', 'd' };
	cmdline_init(src, sizeof src);
	cr_assert_str_eq(cmdline_get("run"), "abc");
}
