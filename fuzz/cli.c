/*
 * libFuzzer harness: the command-line parsers.  The input is split at NUL
 * bytes into an argv for cli_parse(); every piece also goes through
 * parse_mem_size(), and the whole input, as one string, through the
 * guest's own command-line parser built for the host.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static char warned[256];
#define cmdline_warn(...) snprintf(warned, sizeof(warned), __VA_ARGS__)
#include "../guest/kernel/cmdline.c"

#define MAX_ARGS 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[8192], line[CMDLINE_SIZE];
	char *argv[MAX_ARGS + 2], err[512];
	struct vmm_opts o;
	struct cmdline cl;
	int argc = 0;
	uint64_t bytes;

	if (size >= sizeof(buf))
		size = sizeof(buf) - 1;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[argc++] = "vmm";
	for (char *p = buf; p < buf + size && argc < MAX_ARGS + 1; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	for (int i = 1; i < argc; i++)
		parse_mem_size(argv[i], &bytes, err, sizeof(err));
	cli_parse(argc, argv, &o, err, sizeof(err));

	snprintf(line, sizeof(line), "%.*s", (int)size, (const char *)data);
	cmdline_parse(&cl, line);
	for (unsigned i = 0; i < cl.nr && i < 4; i++)
		memparse(cmdline_lookup(&cl, cl.param[i].key), NULL);
	return 0;
}
