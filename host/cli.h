/*
 * Command line of ./vmm.  Parsing is separate from main() and prints
 * nothing, so unit tests can check every accepted and refused input and its
 * exact message.
 */
#ifndef VMM_CLI_H
#define VMM_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "accel.h"
#include "console.h"
#include "inspector.h"

#define VMM_VERSION "0.1"

#define MEM_MIN     (16ull << 20)
#define MEM_MAX     (64ull << 30)
#define MEM_DEFAULT (1ull << 30)
#define TIMEOUT_MAX 1e6  /* seconds; about 11 days */

struct vmm_opts {
	uint64_t mem_bytes;
	enum accel_kind accel;   /* --accel, ACCEL_AUTO by default */
	const char *cmdline;     /* "" if none */
	double timeout_s;        /* 0: none */
	bool stats;
	bool no_sandbox;         /* --no-sandbox: no seccomp filter, here or in QEMU */
	bool count_insns;
	const char *bench_json;  /* NULL: none */
	struct inspector_opts inspect; /* --check, --corrupt, --fuzz, --show ... */
	struct console_opts console;   /* --console, --script, --json ... */
	const char *guest;       /* the ELF image */
};

enum cli_action {
	CLI_RUN,      /* opts are complete: run the guest */
	CLI_HELP,     /* print cli_usage() to stdout, exit 0 */
	CLI_VERSION,  /* print the version, exit 0 */
	CLI_LIST_CORRUPTIONS, /* print the --corrupt kinds, exit 0 */
	CLI_ERROR,    /* err holds the reason: exit EXIT_USAGE */
};

/* Parse argv into *o (defaults first).  Uses getopt_long; resets optind. */
enum cli_action cli_parse(int argc, char **argv, struct vmm_opts *o, char *err, size_t errlen);

/* "512M", "1G", "4096K", "134217728": 0, or -1 with err (range and syntax). */
int parse_mem_size(const char *s, uint64_t *out, char *err, size_t errlen);

/* accel_here: what --accel auto would pick on this machine, and why. */
void cli_usage(FILE *f, const char *accel_here);

#endif
