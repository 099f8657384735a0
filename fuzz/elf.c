/*
 * libFuzzer harness: a guest image as hostile input.  The loader, symbol
 * lookup, the boot area, the layout-note reader and then, when the image
 * gets that far, every checker and view over the RAM it loaded.  Guest RAM
 * is not cleared between inputs: its bytes are guest-controlled anyway, so
 * what an earlier input left is just more hostile state.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "boot.h"
#include "elf_load.h"
#include "guest_mem.h"
#include "inspect.h"

#define RAM (64ull << 20)

static struct guest_mem mem;
static FILE *sink;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	void *ram = mmap(NULL, RAM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS |
			 MAP_NORESERVE, -1, 0);

	(void)argc;
	(void)argv;
	/* Warnings are part of the work: buffered, they cost no syscall each. */
	setvbuf(stderr, NULL, _IOFBF, 1 << 16);
	if (ram == MAP_FAILED)
		abort();
	guest_mem_layout(&mem, RAM, ram);
	sink = fopen("/dev/null", "w");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct boot_params bp = { .cmdline = "run=fuzz", .tsc_khz = 1000000, .nr_cpus = 1 };
	struct insp_report rep;
	struct insp_layout lay;
	struct elf_info info;
	struct insp in;
	uint64_t off;
	char err[512];

	if (elf_load(&mem, data, size, &info, err, sizeof(err)))
		return 0;
	symtab_lookup(&info.symtab, info.entry, &off, NULL);
	symtab_lookup(&info.symtab, 0xc0100000, NULL, &off);
	symtab_addr(&info.symtab, "mem_map", &off, NULL);
	if (boot_write_memory(&mem, &info, &bp, err, sizeof(err)) == 0 &&
	    insp_layout_load(&info, &lay, err, sizeof(err)) == 0) {
		insp_init(&in, &mem, &lay);
		insp_report_init(&rep, 64);
		insp_check_all(&in, &rep, 0);
		insp_view_all(&in, sink);
		insp_report_free(&rep);
		insp_free(&in);
	}
	elf_info_free(&info);
	return 0;
}
