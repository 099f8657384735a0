/*
 * Command-line parsing for ./vmm (getopt_long) and the --help text, which
 * is also where the exit-status table is documented for users.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "cli.h"
#include "exitcodes.h"

static int fmt_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fmt_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

#define MEM_SYNTAX "a number of bytes with an optional K, M or G suffix, from 16M to 64G (e.g. 128M)"

int parse_mem_size(const char *s, uint64_t *out, char *err, size_t errlen)
{
	uint64_t v = 0, shift = 0;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return fmt_err(err, errlen, "invalid memory size '%s': expected " MEM_SYNTAX, s);
	for (; isdigit((unsigned char)*p); p++) {
		if (v > (UINT64_MAX - (*p - '0')) / 10)
			return fmt_err(err, errlen, "memory size '%s' is too large: expected " MEM_SYNTAX, s);
		v = v * 10 + (*p - '0');
	}
	switch (*p) {
	case 'k': case 'K': shift = 10; p++; break;
	case 'm': case 'M': shift = 20; p++; break;
	case 'g': case 'G': shift = 30; p++; break;
	case '\0': break;
	default:
		return fmt_err(err, errlen, "invalid memory size '%s': expected " MEM_SYNTAX, s);
	}
	if (*p)
		return fmt_err(err, errlen, "invalid memory size '%s': expected " MEM_SYNTAX, s);
	if (v > (UINT64_MAX >> shift))
		return fmt_err(err, errlen, "memory size '%s' is too large: expected " MEM_SYNTAX, s);
	v <<= shift;
	if (v < MEM_MIN || v > MEM_MAX)
		return fmt_err(err, errlen, "memory size '%s' is out of range: expected " MEM_SYNTAX, s);
	if (v & 4095)
		return fmt_err(err, errlen, "memory size '%s' is not a multiple of 4 KiB", s);
	*out = v;
	return 0;
}

static int parse_timeout(const char *s, double *out, char *err, size_t errlen)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end || errno || !isfinite(v) || v <= 0 || v > TIMEOUT_MAX)
		return fmt_err(err, errlen,
			       "invalid timeout '%s': expected a number of seconds greater than 0 and at most %g",
			       s, TIMEOUT_MAX);
	*out = v;
	return 0;
}

/* The N of OPT ...@N: a checkpoint number. */
static int parse_at(const char *opt, const char *at, unsigned *n, char *err, size_t errlen)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(at, &end, 10);
	if (!isdigit((unsigned char)at[0]) || *end || errno || v < 1 || v > 1000000000ul)
		return fmt_err(err, errlen, "%s: checkpoint '%s' is not a number from 1 to "
			       "1000000000", opt, at);
	*n = (unsigned)v;
	return 0;
}

/* --save-ram FILE[@N] */
static int parse_save_ram(const char *s, struct inspector_opts *o, char *err, size_t errlen)
{
	static char path[4096];
	const char *at = strrchr(s, '@');
	size_t len = at ? (size_t)(at - s) : strlen(s);

	if (len == 0 || len >= sizeof(path))
		return fmt_err(err, errlen, "--save-ram: expected FILE[@N], got '%s'", s);
	memcpy(path, s, len);
	path[len] = '\0';
	o->save_at = 1;
	if (at && parse_at("--save-ram", at + 1, &o->save_at, err, errlen))
		return -1;
	o->save_ram = path;
	return 0;
}

/* --corrupt KIND[@N] */
static int parse_corrupt(const char *s, struct inspector_opts *o, char *err, size_t errlen)
{
	static char kind[64];
	const char *at = strchr(s, '@');
	size_t len = at ? (size_t)(at - s) : strlen(s);
	unsigned n = 1;

	if (len == 0 || len >= sizeof(kind))
		return fmt_err(err, errlen, "--corrupt: expected KIND[@N], got '%s'", s);
	memcpy(kind, s, len);
	kind[len] = '\0';
	if (!insp_corruption_find(kind))
		return fmt_err(err, errlen, "--corrupt: unknown kind '%s'; 'vmm --list-corruptions' "
			       "lists them", kind);
	if (at && parse_at("--corrupt", at + 1, &n, err, errlen))
		return -1;
	o->corrupt = kind;
	o->corrupt_at = n;
	return 0;
}

/* --fuzz FLIPS[@SEED] */
static int parse_fuzz(const char *s, struct inspector_opts *o, char *err, size_t errlen)
{
	char *end;
	unsigned long long flips, seed = 1;

	errno = 0;
	flips = strtoull(s, &end, 10);
	if (!isdigit((unsigned char)*s) || errno || flips < 1 || flips > 10000000ull ||
	    (*end && *end != '@'))
		return fmt_err(err, errlen, "--fuzz: expected FLIPS[@SEED] with FLIPS from 1 to "
			       "10000000, got '%s'", s);
	if (*end == '@') {
		const char *p = end + 1;

		errno = 0;
		seed = strtoull(p, &end, 0);
		if (!isdigit((unsigned char)*p) || *end || errno)
			return fmt_err(err, errlen, "--fuzz: seed '%s' is not a number", p);
	}
	o->fuzz_flips = (unsigned)flips;
	o->fuzz_seed = seed;
	return 0;
}

static int parse_show(const char *s, char *err, size_t errlen)
{
	const char *p = s;

	if (!*s)
		return fmt_err(err, errlen, "--show needs a list of views");
	while (*p) {
		size_t len = strcspn(p, ",");
		const char *v;
		bool ok = false;

		for (size_t i = 0; (v = insp_view_name(i)); i++)
			ok |= strlen(v) == len && !strncmp(v, p, len);
		if (!ok)
			return fmt_err(err, errlen, "--show: unknown view '%.*s'; expected buddyinfo, "
				       "zoneinfo, meminfo, vmstat, slabinfo, vmallocinfo, pkmap or tasks",
				       (int)len, p);
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

static int parse_reps(const char *s, unsigned *out, char *err, size_t errlen)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (!isdigit((unsigned char)*s) || *end || errno || v < 1 || v > 100000)
		return fmt_err(err, errlen, "--check-bench: '%s' is not a number from 1 to 100000", s);
	*out = (unsigned)v;
	return 0;
}

enum { OPT_ACCEL = 256, OPT_TIMEOUT, OPT_STATS, OPT_COUNT_INSNS, OPT_BENCH_JSON, OPT_VERSION,
       OPT_CHECK, OPT_CHECK_JSON, OPT_CORRUPT, OPT_LIST_CORRUPTIONS, OPT_FUZZ, OPT_SHOW,
       OPT_CHECK_BENCH, OPT_NO_SANDBOX, OPT_SAVE_RAM, OPT_CONSOLE, OPT_SCRIPT, OPT_JSON,
       OPT_CONSOLE_TIMEOUT };

static const struct option long_opts[] = {
	{ "mem", required_argument, NULL, 'm' },
	{ "accel", required_argument, NULL, OPT_ACCEL },
	{ "cmdline", required_argument, NULL, 'c' },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "no-sandbox", no_argument, NULL, OPT_NO_SANDBOX },
	{ "count-insns", no_argument, NULL, OPT_COUNT_INSNS },
	{ "bench-json", required_argument, NULL, OPT_BENCH_JSON },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "check-json", required_argument, NULL, OPT_CHECK_JSON },
	{ "corrupt", required_argument, NULL, OPT_CORRUPT },
	{ "list-corruptions", no_argument, NULL, OPT_LIST_CORRUPTIONS },
	{ "fuzz", required_argument, NULL, OPT_FUZZ },
	{ "show", required_argument, NULL, OPT_SHOW },
	{ "save-ram", required_argument, NULL, OPT_SAVE_RAM },
	{ "check-bench", required_argument, NULL, OPT_CHECK_BENCH },
	{ "console", optional_argument, NULL, OPT_CONSOLE },
	{ "script", required_argument, NULL, OPT_SCRIPT },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "console-timeout", required_argument, NULL, OPT_CONSOLE_TIMEOUT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

enum cli_action cli_parse(int argc, char **argv, struct vmm_opts *o, char *err, size_t errlen)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->mem_bytes = MEM_DEFAULT;
	o->console.timeout_s = CONSOLE_TIMEOUT_DEFAULT;
	o->cmdline = "";
	err[0] = '\0';

	optind = 0;  /* full reinitialisation, so tests can parse repeatedly */
	opterr = 0;  /* messages are ours */
	while ((c = getopt_long(argc, argv, ":m:c:h", long_opts, NULL)) != -1) {
		switch (c) {
		case 'm': {
			char why[256];

			if (parse_mem_size(optarg, &o->mem_bytes, why, sizeof(why))) {
				fmt_err(err, errlen, "--mem: %s", why);
				return CLI_ERROR;
			}
			break;
		}
		case 'c':
			if (strlen(optarg) >= BOOT_CMDLINE_MAX) {
				fmt_err(err, errlen, "the kernel command line is %zu bytes; the limit is %d",
					strlen(optarg), BOOT_CMDLINE_MAX - 1);
				return CLI_ERROR;
			}
			o->cmdline = optarg;
			break;
		case OPT_ACCEL:
			if (accel_parse(optarg, &o->accel)) {
				fmt_err(err, errlen, "invalid accelerator '%s': expected auto, kvm or tcg",
					optarg);
				return CLI_ERROR;
			}
			break;
		case OPT_TIMEOUT:
			if (parse_timeout(optarg, &o->timeout_s, err, errlen))
				return CLI_ERROR;
			break;
		case OPT_NO_SANDBOX:
			o->no_sandbox = true;
			break;
		case OPT_STATS:
			o->stats = true;
			break;
		case OPT_COUNT_INSNS:
			o->count_insns = true;
			break;
		case OPT_BENCH_JSON:
			if (!*optarg) {
				fmt_err(err, errlen, "--bench-json needs a file name");
				return CLI_ERROR;
			}
			o->bench_json = optarg;
			break;
		case OPT_CHECK:
			o->inspect.check = true;
			break;
		case OPT_CHECK_JSON:
			if (!*optarg) {
				fmt_err(err, errlen, "--check-json needs a file name");
				return CLI_ERROR;
			}
			o->inspect.json = optarg;
			o->inspect.check = true;
			break;
		case OPT_CORRUPT:
			if (parse_corrupt(optarg, &o->inspect, err, errlen))
				return CLI_ERROR;
			o->inspect.check = true;
			break;
		case OPT_LIST_CORRUPTIONS:
			return CLI_LIST_CORRUPTIONS;
		case OPT_FUZZ:
			if (parse_fuzz(optarg, &o->inspect, err, errlen))
				return CLI_ERROR;
			o->inspect.check = true;
			break;
		case OPT_SHOW:
			if (parse_show(optarg, err, errlen))
				return CLI_ERROR;
			o->inspect.show = optarg;
			break;
		case OPT_SAVE_RAM:
			if (parse_save_ram(optarg, &o->inspect, err, errlen))
				return CLI_ERROR;
			break;
		case OPT_CHECK_BENCH:
			if (parse_reps(optarg, &o->inspect.bench_reps, err, errlen))
				return CLI_ERROR;
			break;
		case OPT_CONSOLE: {
			/* "--console unix:PATH", with a space: getopt attaches an
			 * optional argument only when it is given with '='. */
			const char *arg = optarg;

			if (!arg && optind < argc && !strncmp(argv[optind], "unix:", 5))
				arg = argv[optind++];
			if (arg && strncmp(arg, "unix:", 5)) {
				fmt_err(err, errlen, "--console: '%s' is not unix:PATH (--console alone "
					"is the terminal)", arg);
				return CLI_ERROR;
			}
			if (arg && !arg[5]) {
				fmt_err(err, errlen, "--console unix:PATH needs a path");
				return CLI_ERROR;
			}
			if (arg)
				o->console.socket = arg + 5;
			else
				o->console.terminal = true;
			break;
		}
		case OPT_SCRIPT:
			if (!*optarg) {
				fmt_err(err, errlen, "--script needs a file name ('-' for stdin)");
				return CLI_ERROR;
			}
			o->console.script = optarg;
			break;
		case OPT_JSON:
			o->console.json = true;
			break;
		case OPT_CONSOLE_TIMEOUT:
			if (parse_timeout(optarg, &o->console.timeout_s, err, errlen))
				return CLI_ERROR;
			break;
		case 'h':
			return CLI_HELP;
		case OPT_VERSION:
			return CLI_VERSION;
		case ':':
			fmt_err(err, errlen, "option '%s' needs an argument", argv[optind - 1]);
			return CLI_ERROR;
		default:
			if (optopt > 0 && optopt < 128 && isprint(optopt))
				fmt_err(err, errlen, "unknown option '-%c'", optopt);
			else
				fmt_err(err, errlen, "unknown option '%s'", argv[optind - 1]);
			return CLI_ERROR;
		}
	}
	if (optind == argc) {
		fmt_err(err, errlen, "no guest image given");
		return CLI_ERROR;
	}
	if (argc - optind > 1) {
		fmt_err(err, errlen, "one guest image expected, got '%s' and '%s'",
			argv[optind], argv[optind + 1]);
		return CLI_ERROR;
	}
	if ((o->console.terminal || o->console.socket) + !!o->console.script > 1 ||
	    (o->console.terminal && o->console.socket)) {
		fmt_err(err, errlen, "one console at a time: --console, --console unix:PATH or "
			"--script FILE");
		return CLI_ERROR;
	}
	if (o->console.json && !console_wanted(&o->console)) {
		fmt_err(err, errlen, "--json formats console replies: add --console, --console "
			"unix:PATH or --script FILE");
		return CLI_ERROR;
	}
	o->guest = argv[optind];
	return CLI_RUN;
}

void cli_usage(FILE *f, const char *accel_here)
{
	fprintf(f,
"Usage: vmm [options] guest.elf\n"
"Boot a 32-bit guest kernel (an i386 ELF executable) under KVM, or under QEMU\n"
"TCG where there is no KVM.\n"
"\n"
"Options:\n"
"      --accel ACCEL     auto, kvm or tcg (default auto: KVM if /dev/kvm can\n"
"                        create a VM, else QEMU TCG, with a notice on stderr).\n"
"                        TCG runs qemu-system-x86_64 with -icount, so a run is\n"
"                        deterministic: the same image and options print the\n"
"                        same bytes\n"
"  -m, --mem SIZE        guest RAM: bytes, or with a K, M or G suffix; 16M to 64G,\n"
"                        a multiple of 4K (default 1G).  Above 3G, RAM continues\n"
"                        at 4 GiB, leaving a hole from 3 to 4 GiB\n"
"  -c, --cmdline STR     kernel command line, at most %d bytes\n"
"      --timeout SECONDS stop the guest if it has not exited after SECONDS\n"
"                        (fractions allowed), exit status 82\n"
"      --no-sandbox      run without the seccomp filters that confine the VMM\n"
"                        once the guest runs, and QEMU (-sandbox); for debugging\n"
"      --stats           at exit, print to stderr: the accelerator, time to guest\n"
"                        entry and to guest exit, VM exits by reason and I/O\n"
"                        port, hypercalls, the VMM's peak RSS\n"
"      --count-insns     count guest instructions inside bench brackets: on KVM\n"
"                        by single-stepping (about 14 us per instruction on\n"
"                        kvm_pvm), on TCG from the instruction count (free)\n"
"      --bench-json FILE also write the bench results to FILE as JSON\n"
"\n"
"Host-side inspection (at guest checkpoints, HC_CHECKPOINT):\n"
"      --check           run every checker (mem_map, free lists, per-CPU lists,\n"
"                        slab caches, slabs and array caches, page tables,\n"
"                        vmalloc areas, the kmap windows) at\n"
"                        each checkpoint; on a violation print them all (up to\n"
"                        %d) and exit %d; at exit print 'check: N checkpoints,\n"
"                        R rules, V violations, T ms total; ...'.  A --check run\n"
"                        whose guest exits 0 without a checkpoint exits %d\n"
"      --check-json FILE also write the check results to FILE as JSON\n"
"                        (implies --check)\n"
"      --corrupt KIND[@N] corrupt guest memory from the host at checkpoint N\n"
"                        (default 1), then check (implies --check)\n"
"      --list-corruptions print the corruption kinds as 'KIND RULE description',\n"
"                        RULE being the rule that catches it, and exit\n"
"      --fuzz FLIPS[@SEED] flip FLIPS random bytes of mem_map, the zones, the slab\n"
"                        structures and the page tables at checkpoint 1, then\n"
"                        check (implies --check)\n"
"      --show VIEWS      at each checkpoint print the host-computed views to\n"
"                        stdout: a comma list of buddyinfo, zoneinfo, meminfo,\n"
"                        vmstat, slabinfo, vmallocinfo (the guest's /proc\n"
"                        formats; vmallocinfo's callers as symbols), pkmap,\n"
"                        tasks\n"
"      --save-ram FILE[@N] at checkpoint N (default 1) write guest RAM to FILE\n"
"                        (host/snapshot.h), for the inspector offline\n"
"      --check-bench REPS at checkpoint 1, time REPS full checks against REPS\n"
"                        plain reads of mem_map and the page tables\n"
"\n"
"Console (README, \"The console\"; its 'help' lists the commands):\n"
"      --console         an interactive (vmm) prompt on the terminal\n"
"      --console unix:PATH serve the console on a Unix socket (mode 0600,\n"
"                        removed at exit), one client at a time\n"
"      --script FILE     run console commands from FILE ('-': stdin), one per\n"
"                        line, '#' comments; each is echoed before its reply;\n"
"                        the end of the script is quit; a command that fails\n"
"                        stops the run with status %d naming the line\n"
"      --json            each console reply is one JSON object on one line\n"
"      --console-timeout SECONDS how long a command waits for the guest's next\n"
"                        checkpoint (default %g)\n"
"  -h, --help            show this help and exit\n"
"      --version         show the version and exit\n"
"\n"
"Bench results (guest HC_BENCH_BEGIN/END) are printed to stdout at exit as\n"
"  bench TAG ops=N [insns/op=X] cycles/op=Y\n"
"\n"
"Exit status:\n"
"  0-63  the guest exited with this status\n"
"  %d    usage error (bad option or value)\n"
"  %d    bad guest image (not a 32-bit i386 ET_EXEC ELF, or it does not fit,\n"
"        or its layout note is malformed or missing for --check)\n"
"  %d    guest image missing or unreadable\n"
"  %d    accelerator unavailable: --accel kvm without a usable /dev/kvm, or\n"
"        TCG without qemu-system-x86_64 (install qemu-system-x86), or\n"
"        --count-insns on a KVM that cannot single-step\n"
"  %d    host system error, or a VM exit the VMM cannot handle (e.g. an\n"
"        access to a physical address that is not RAM); QEMU died under TCG;\n"
"        also a --corrupt that could not be applied or that no checker caught\n"
"  %d    guest panic, or a guest exit status outside 0-63\n"
"  %d    triple fault, or the guest halted for good (hlt with IF=0, or\n"
"        IF=1 and no --timeout; TCG notices a halt within a second)\n"
"  %d    --timeout expired\n"
"  130, 143 stopped by SIGINT or SIGTERM (a second one kills at once)\n"
"  %d    the host checker found a guest invariant violated (--check), or a\n"
"        --check run whose guest exited 0 reached no checkpoint, or the\n"
"        guest never reached the checkpoint of --corrupt or --save-ram\n"
"\n"
"Accelerator here (auto): %s\n",
		BOOT_CMDLINE_MAX - 1, CHECK_PRINT_MAX, EXIT_INVARIANT, EXIT_INVARIANT, EXIT_USAGE,
		CONSOLE_TIMEOUT_DEFAULT, EXIT_USAGE, EXIT_BAD_IMAGE, EXIT_NO_IMAGE,
		EXIT_NO_ACCEL, EXIT_HOST_ERROR, EXIT_GUEST_PANIC, EXIT_GUEST_SHUTDOWN,
		EXIT_TIMEOUT, EXIT_INVARIANT, accel_here);
}
