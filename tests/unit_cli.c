/*
 * Command-line unit tests: memory sizes (syntax, suffixes, range, overflow)
 * and option parsing, each refusal checked by its exact message.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "abi.h"
#include "cli.h"

static char err[512];

static uint64_t size_ok(const char *s)
{
	uint64_t v = 0;

	cr_assert_eq(parse_mem_size(s, &v, err, sizeof(err)), 0, "'%s': %s", s, err);
	return v;
}

static void size_bad(const char *s, const char *msg)
{
	uint64_t v = 12345;

	cr_assert_eq(parse_mem_size(s, &v, err, sizeof(err)), -1, "'%s' accepted", s);
	cr_assert_str_eq(err, msg);
	cr_assert_eq(v, 12345, "refused input must not change the result");
}

#define RANGE "expected a number of bytes with an optional K, M or G suffix, from 16M to 64G (e.g. 128M)"

Test(size, accepted)
{
	cr_assert_eq(size_ok("16M"), 16ull << 20);
	cr_assert_eq(size_ok("1G"), 1ull << 30);
	cr_assert_eq(size_ok("64G"), 64ull << 30);
	cr_assert_eq(size_ok("128m"), 128ull << 20);
	cr_assert_eq(size_ok("6g"), 6ull << 30);
	cr_assert_eq(size_ok("16384k"), 16ull << 20);
	cr_assert_eq(size_ok("134217728"), 128ull << 20);
	cr_assert_eq(size_ok("0016M"), 16ull << 20);
}

Test(size, garbage)
{
	size_bad("garbage", "invalid memory size 'garbage': " RANGE);
	size_bad("", "invalid memory size '': " RANGE);
	size_bad("12X", "invalid memory size '12X': " RANGE);
	size_bad("1GB", "invalid memory size '1GB': " RANGE);
	size_bad("-1G", "invalid memory size '-1G': " RANGE);
	size_bad(" 1G", "invalid memory size ' 1G': " RANGE);
	size_bad("1.5G", "invalid memory size '1.5G': " RANGE);
	size_bad("M", "invalid memory size 'M': " RANGE);
}

Test(size, out_of_range)
{
	size_bad("0", "memory size '0' is out of range: " RANGE);
	size_bad("15M", "memory size '15M' is out of range: " RANGE);
	size_bad("4096K", "memory size '4096K' is out of range: " RANGE);  /* 4 MiB */
	size_bad("16383K", "memory size '16383K' is out of range: " RANGE);
	size_bad("65G", "memory size '65G' is out of range: " RANGE);
	size_bad("65537M", "memory size '65537M' is out of range: " RANGE);
}

Test(size, overflow)
{
	size_bad("99999999999G", "memory size '99999999999G' is too large: " RANGE);
	size_bad("18446744073709551616", "memory size '18446744073709551616' is too large: " RANGE);
	size_bad("99999999999999999999999", "memory size '99999999999999999999999' is too large: " RANGE);
	/* fits in 64 bits, but not after the shift */
	size_bad("17179869184G", "memory size '17179869184G' is too large: " RANGE);
}

Test(size, page_multiple)
{
	size_bad("16777217", "memory size '16777217' is not a multiple of 4 KiB");
	cr_assert_eq(size_ok("16781312"), 16ull * 1024 * 1024 + 4096);
}

/* ---- options ------------------------------------------------------------ */

static struct vmm_opts o;

static void refused(enum cli_action a, const char *msg);

static enum cli_action parse(int argc, const char **argv)
{
	char *copy[32];

	cr_assert(argc < 32);
	/* getopt permutes argv: give it a mutable array (the strings stay put) */
	for (int i = 0; i < argc; i++)
		copy[i] = (char *)argv[i];
	copy[argc] = NULL;
	return cli_parse(argc, copy, &o, err, sizeof(err));
}

#define PARSE(...) ({ const char *av[] = { "vmm", __VA_ARGS__ }; parse(sizeof(av) / sizeof(av[0]), av); })

Test(opts, defaults)
{
	cr_assert_eq(PARSE("guest.elf"), CLI_RUN, "%s", err);
	cr_assert_eq(o.mem_bytes, 1ull << 30);
	cr_assert_str_eq(o.cmdline, "");
	cr_assert_eq(o.timeout_s, 0);
	cr_assert_not(o.stats);
	cr_assert_not(o.count_insns);
	cr_assert_null(o.bench_json);
	cr_assert_eq(o.accel, ACCEL_AUTO);
	cr_assert_str_eq(o.guest, "guest.elf");
}

/* Spelled as QEMU's -accel spells them; the last one given wins. */
Test(opts, accel)
{
	cr_assert_eq(PARSE("--accel", "kvm", "g.elf"), CLI_RUN, "%s", err);
	cr_assert_eq(o.accel, ACCEL_KVM);
	cr_assert_eq(PARSE("--accel=tcg", "g.elf"), CLI_RUN, "%s", err);
	cr_assert_eq(o.accel, ACCEL_TCG);
	cr_assert_eq(PARSE("--accel", "tcg", "--accel", "auto", "g.elf"), CLI_RUN, "%s", err);
	cr_assert_eq(o.accel, ACCEL_AUTO);
	cr_assert_str_eq(accel_kind_name(ACCEL_TCG), "tcg");
	refused(PARSE("--accel", "hvf", "g.elf"), "invalid accelerator 'hvf': expected auto, kvm or tcg");
	refused(PARSE("--accel", "KVM", "g.elf"), "invalid accelerator 'KVM': expected auto, kvm or tcg");
	refused(PARSE("--accel=", "g.elf"), "invalid accelerator '': expected auto, kvm or tcg");
	refused(PARSE("g.elf", "--accel"), "option '--accel' needs an argument");
}

Test(opts, all_options)
{
	cr_assert_eq(PARSE("-m", "128M", "-c", "run=exit:7 highmem=32M", "--timeout", "1.5",
			   "--stats", "--count-insns", "--bench-json", "out.json", "g.elf"),
		     CLI_RUN, "%s", err);
	cr_assert_eq(o.mem_bytes, 128ull << 20);
	cr_assert_str_eq(o.cmdline, "run=exit:7 highmem=32M");
	cr_assert_float_eq(o.timeout_s, 1.5, 1e-9);
	cr_assert(o.stats);
	cr_assert(o.count_insns);
	cr_assert_str_eq(o.bench_json, "out.json");
	cr_assert_str_eq(o.guest, "g.elf");
}

Test(opts, long_forms_and_equals)
{
	cr_assert_eq(PARSE("--mem=6G", "--cmdline=x", "--timeout=2", "g.elf"), CLI_RUN, "%s", err);
	cr_assert_eq(o.mem_bytes, 6ull << 30);
	cr_assert_str_eq(o.cmdline, "x");
	cr_assert_float_eq(o.timeout_s, 2.0, 1e-9);
}

Test(opts, options_after_image)
{
	cr_assert_eq(PARSE("g.elf", "-m", "64M"), CLI_RUN, "%s", err);
	cr_assert_eq(o.mem_bytes, 64ull << 20);
	cr_assert_str_eq(o.guest, "g.elf");
}

Test(opts, help_and_version)
{
	cr_assert_eq(PARSE("--help"), CLI_HELP);
	cr_assert_eq(PARSE("-h", "g.elf"), CLI_HELP);
	cr_assert_eq(PARSE("--version"), CLI_VERSION);
}

Test(opts, repeated_parses_are_independent)
{
	cr_assert_eq(PARSE("--stats", "-m", "32M", "a.elf"), CLI_RUN);
	cr_assert_eq(PARSE("b.elf"), CLI_RUN);
	cr_assert_not(o.stats);
	cr_assert_eq(o.mem_bytes, 1ull << 30);
	cr_assert_str_eq(o.guest, "b.elf");
}

static void refused(enum cli_action a, const char *msg)
{
	cr_assert_eq(a, CLI_ERROR);
	cr_assert_str_eq(err, msg);
}

Test(opts, errors)
{
	refused(PARSE(), "no guest image given");
	refused(PARSE("a.elf", "b.elf"), "one guest image expected, got 'a.elf' and 'b.elf'");
	refused(PARSE("-x", "g.elf"), "unknown option '-x'");
	refused(PARSE("--frobnicate", "g.elf"), "unknown option '--frobnicate'");
	refused(PARSE("--stats=yes", "g.elf"), "unknown option '--stats=yes'");
	refused(PARSE("g.elf", "-m"), "option '-m' needs an argument");
	refused(PARSE("g.elf", "--timeout"), "option '--timeout' needs an argument");
	refused(PARSE("-m", "15M", "g.elf"), "--mem: memory size '15M' is out of range: " RANGE);
	refused(PARSE("--mem", "lots", "g.elf"), "--mem: invalid memory size 'lots': " RANGE);
	refused(PARSE("--bench-json=", "g.elf"), "--bench-json needs a file name");
}

Test(opts, timeout_values)
{
	const char *msg = "invalid timeout '%s': expected a number of seconds greater than 0 "
			  "and at most 1e+06";
	const char *bad[] = { "0", "-1", "abc", "1s", "", "nan", "inf", "1e7" };
	char want[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(want, sizeof(want), msg, bad[i]);
		refused(PARSE("--timeout", bad[i], "g.elf"), want);
	}
	cr_assert_eq(PARSE("--timeout", "0.25", "g.elf"), CLI_RUN);
	cr_assert_float_eq(o.timeout_s, 0.25, 1e-9);
}

Test(opts, cmdline_length)
{
	static char long_cmd[BOOT_CMDLINE_MAX + 1];

	memset(long_cmd, 'a', BOOT_CMDLINE_MAX - 1);  /* 1023 bytes: the most that fits */
	cr_assert_eq(PARSE("-c", long_cmd, "g.elf"), CLI_RUN, "%s", err);
	long_cmd[BOOT_CMDLINE_MAX - 1] = 'a';          /* 1024 bytes: no room for the NUL */
	refused(PARSE("-c", long_cmd, "g.elf"),
		"the kernel command line is 1024 bytes; the limit is 1023");
}

Test(opts, sandbox_and_save_ram)
{
	cr_assert_eq(PARSE("g.elf"), CLI_RUN, "%s", err);
	cr_assert_not(o.no_sandbox);
	cr_assert_null(o.inspect.save_ram);
	cr_assert_eq(PARSE("--no-sandbox", "--save-ram", "snap.ram", "g.elf"), CLI_RUN, "%s", err);
	cr_assert(o.no_sandbox);
	cr_assert_str_eq(o.inspect.save_ram, "snap.ram");
	cr_assert_eq(o.inspect.save_at, 1);
	/* The last '@' starts the checkpoint, so a path may hold one. */
	cr_assert_eq(PARSE("--save-ram", "/tmp/a@b.ram@7", "g.elf"), CLI_RUN, "%s", err);
	cr_assert_str_eq(o.inspect.save_ram, "/tmp/a@b.ram");
	cr_assert_eq(o.inspect.save_at, 7);
	refused(PARSE("--save-ram", "x.ram@0", "g.elf"),
		"--save-ram: checkpoint '0' is not a number from 1 to 1000000000");
	refused(PARSE("--save-ram", "/tmp/a@b.ram", "g.elf"),
		"--save-ram: checkpoint 'b.ram' is not a number from 1 to 1000000000");
	refused(PARSE("--save-ram", "@3", "g.elf"), "--save-ram: expected FILE[@N], got '@3'");
	refused(PARSE("--corrupt", "buddy-cycle@x", "g.elf"),
		"--corrupt: checkpoint 'x' is not a number from 1 to 1000000000");
}
