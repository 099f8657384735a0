/*
 * libFuzzer harness: the checkers, the views and every --corrupt kind over
 * a guest mm image that the input rewrites.  The image is the synthetic
 * guest of the inspector's unit tests (tests/synth_guest.h: zones, free and
 * per-CPU lists, a slab world with debug caches, a deferred range, page
 * tables).  The input is a list of patches, each 3 bytes of offset into the
 * structures (the kernel globals and page tables, mem_map, the slab pages),
 * 1 byte of length and that many bytes; its first byte picks a corruption
 * to apply after the check.  The structures are restored after each input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "synth_guest.h"

static struct sg g;
static FILE *sink;

static const struct { uint64_t pa, len; } areas[] = {
	{ SG_KERNEL_PA, SG_KERNEL_END - SG_KERNEL_PA },
	{ SG_MEMMAP_PA, SG_NPFN * SG_PAGE_SIZE },
	{ SG_SLABPG_PA, 8 * 4096 },
};
#define NAREAS (sizeof(areas) / sizeof(areas[0]))
static uint8_t *pristine[NAREAS];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* Warnings are part of the work: buffered, they cost no syscall each. */
	setvbuf(stderr, NULL, _IOFBF, 1 << 16);
	if (sg_build(&g))
		abort();
	sg_defer(&g, 2, 0x1c00, 0x2000);
	for (size_t i = 0; i < NAREAS; i++) {
		pristine[i] = malloc(areas[i].len);
		if (!pristine[i])
			abort();
		memcpy(pristine[i], g.ram + areas[i].pa, areas[i].len);
	}
	sink = fopen("/dev/null", "w");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const views[] = { "buddyinfo", "zoneinfo", "meminfo", "vmstat",
					     "slabinfo" };
	uint64_t total = 0;
	char what[256], err[256];
	size_t i = 1;

	if (!size)
		return 0;
	for (size_t a = 0; a < NAREAS; a++)
		total += areas[a].len;
	while (i + 3 <= size) {
		uint64_t off = ((uint64_t)data[i] << 16 | (uint64_t)data[i + 1] << 8 |
				data[i + 2]) % total;
		size_t len = i + 3 < size ? data[i + 3] % 16 + 1 : 0;
		size_t a = 0;

		i += 4;
		if (len > size - i)
			len = size - i;
		while (off >= areas[a].len) {
			off -= areas[a].len;
			a++;
		}
		if (len > areas[a].len - off)
			len = areas[a].len - off;
		memcpy(g.ram + areas[a].pa + off, data + i, len);
		i += len;
	}
	sg_check(&g);
	for (size_t v = 0; v < sizeof(views) / sizeof(views[0]); v++)
		insp_view_by_name(&g.in, views[v], sink);
	insp_corrupt(&g.in, insp_corruptions[data[0] % insp_nr_corruptions].kind, what,
		     sizeof(what), err, sizeof(err));
	sg_check(&g);
	for (size_t a = 0; a < NAREAS; a++)
		memcpy(g.ram + areas[a].pa, pristine[a], areas[a].len);
	return 0;
}
