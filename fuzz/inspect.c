/*
 * libFuzzer harness: the checkers, the views (info tlb and info mem over
 * swapper_pg_dir too), the fault-injection show and every --corrupt kind over a guest mm image that
 * the input rewrites.  The image is a real guest's RAM when fuzz.sh
 * provides one (FUZZ_INSPECT_RAM, saved by `vmm --save-ram` mid-way
 * through stress:buddy and stress:slab with slab_debug=ZP, and
 * FUZZ_INSPECT_ELF, the image that made it), else the synthetic guest of
 * the inspector's unit tests (tests/synth_guest.h).
 *
 * The input is a list of patches, each 3 bytes of offset, 1 byte of length
 * and that many bytes; half land in the mm structures (the kernel image's
 * data and mem_map), half anywhere in lowmem (slabs and page tables live
 * there).  Its first byte picks a corruption to apply after the check.
 * Guest RAM is restored after each input from a pristine copy, as far as
 * it was written.  Each report is written as JSON too.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf_load.h"
#include "json_out.h"
#include "snapshot.h"
#include "synth_guest.h"

static struct sg g;                 /* the synthetic image, if used */
static struct guest_mem mem;        /* the image fuzzed */
static struct insp_layout lay;
static struct insp in;
static struct insp_report rep;
static uint8_t *pristine;           /* region 0 as it started */
static uint64_t low_bytes, mm_pa, mm_len;
static FILE *sink;

static void load_real(const char *ram, const char *elf)
{
	struct guest_mem scratch;
	struct elf_info info;
	char err[512];
	void *buf = calloc(1, 64 << 20);

	if (snapshot_read(ram, &mem, err, sizeof(err)) || !buf) {
		fprintf(stderr, "fuzz/inspect: %s\n", err);
		abort();
	}
	/* The image's own load would overwrite the snapshot: load it aside. */
	guest_mem_layout(&scratch, 64 << 20, buf);
	if (elf_load_file(&scratch, elf, &info, err, sizeof(err)) ||
	    insp_layout_load(&info, &lay, err, sizeof(err))) {
		fprintf(stderr, "fuzz/inspect: %s: %s\n", elf, err);
		abort();
	}
	elf_info_free(&info);
	free(buf);
	insp_init(&in, &mem, &lay);
	insp_report_init(&rep, 64);
	insp_check_all(&in, &rep, 0);
	if (rep.total || !in.st.globals_ok) {
		fprintf(stderr, "fuzz/inspect: the snapshot does not check clean\n");
		abort();
	}
	mm_pa = in.st.mem_map_va - lay.page_offset;
	mm_len = in.st.npfn * lay.page.size;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *ram = getenv("FUZZ_INSPECT_RAM"), *elf = getenv("FUZZ_INSPECT_ELF");

	(void)argc;
	(void)argv;
	/* Warnings are part of the work: buffered, they cost no syscall each. */
	setvbuf(stderr, NULL, _IOFBF, 1 << 16);
	if (ram && elf) {
		load_real(ram, elf);
	} else {
		if (sg_build(&g))
			abort();
		sg_defer(&g, 2, 0x1c00, 0x2000);
		mem = g.mem;
		mm_pa = SG_MEMMAP_PA;
		mm_len = SG_NPFN * SG_PAGE_SIZE;
	}
	low_bytes = mem.region[0].size < (896ull << 20) ? mem.region[0].size : 896ull << 20;
	pristine = malloc(low_bytes);
	sink = fopen("/dev/null", "w");
	if (!pristine || !sink)
		abort();
	memcpy(pristine, mem.region[0].host, low_bytes);
	return 0;
}

static struct insp *image(void)
{
	return g.ram ? &g.in : &in;
}

/* Check, and write the report as --check-json would: whatever the
 * checkers found in the image, it makes a JSON document. */
static void check(void)
{
	struct insp_report *r = g.ram ? &g.rep : &rep;
	json_t *j;

	if (g.ram)
		sg_check(&g);
	else
		insp_check_all(&in, &rep, 0);
	j = insp_report_json(r);
	if (!j || json_dumpf(j, sink, JSON_COMPACT | JOUT_DUMP_FLAGS) < 0)
		abort();
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *ram = mem.region[0].host;
	uint64_t lo = low_bytes, hi = 0;
	char what[256], err[256];
	size_t i = 1;

	if (!size)
		return 0;
	while (i + 4 <= size) {
		uint64_t off = (uint64_t)data[i] << 16 | (uint64_t)data[i + 1] << 8 | data[i + 2];
		size_t len = data[i + 3] % 16 + 1;

		/* Even offsets: mem_map and the kernel's data below it; odd: lowmem. */
		off = off & 1 ? off * 61 % low_bytes : (mm_pa > (1u << 20) ? (1u << 20) : 0) +
			off % (mm_pa + mm_len - (mm_pa > (1u << 20) ? (1u << 20) : 0));
		i += 4;
		if (len > size - i)
			len = size - i;
		if (off + len > low_bytes)
			len = low_bytes - off;
		memcpy(ram + off, data + i, len);
		lo = off < lo ? off : lo;
		hi = off + len > hi ? off + len : hi;
		i += len;
	}
	check();
	insp_view_all(image(), sink);
	insp_view_tlb(image(), image()->st.swapper_cr3, sink);
	insp_view_mem(image(), image()->st.swapper_cr3, sink);
	insp_fail_show(image(), sink);
	/* A corruption writes where the structures lead: restore all of lowmem. */
	if (insp_corrupt(image(), insp_corruptions[data[0] % insp_nr_corruptions].kind, what,
			 sizeof(what), err, sizeof(err)) == 0) {
		check();
		lo = 0;
		hi = low_bytes;
	}
	if (hi > lo)
		memcpy(ram + lo, pristine + lo, hi - lo);
	return 0;
}
