/*
 * Integration tests for vmalloc (guest/mm/vmalloc.c) and its host checks
 * (host/inspect/check_vmalloc.c): the selftest at 128M with highmem=32M, at
 * 6G and at 16M, --check over stress:vmalloc for three seeds and at 1G, the guard-page crash,
 * the bad-vfree warnings, the host's vmallocinfo against the guest's (callers
 * compared as addresses: the guest prints them, the host resolves them),
 * the three vmalloc corruptions, each reported by its rule alone, and the
 * console's guest vmalloc, vfree and vmap requests and vmallocinfo view.
 */
#include <unistd.h>

#include "harness.h"
#include "elf_load.h"
#include "exitcodes.h"
#include "inspect/inspect.h"

#define SMALL "-m", "128M"

/* The run of lines starting with "0x" right after header, or NULL. */
static char *area_lines(const char *s, const char *header)
{
	const char *p = strstr(s, header), *e;

	if (!p)
		return NULL;
	p += strlen(header);
	for (e = p; !strncmp(e, "0x", 2) && strchr(e, '\n'); e = strchr(e, '\n') + 1)
		;
	return strndup(p, (size_t)(e - p));
}

/* The guest's vmallocinfo lines (after guest_header), each caller resolved
 * from the ELF's symbols, equal the host's (after host_header). */
static void assert_vmallocinfo_agrees(const char *out, const char *guest_header,
				      const char *host_header)
{
	char err[256], *guest, *host, *line, *save = NULL, resolved[4096] = "";
	void *buf = calloc(1, 64 << 20);
	struct guest_mem mem;
	struct elf_info info;

	guest_mem_layout(&mem, 64 << 20, buf);
	cr_assert_eq(elf_load_file(&mem, GUEST_ELF, &info, err, sizeof(err)), 0, "%s", err);
	sym_set_default(&info.symtab);
	guest = area_lines(out, guest_header);
	host = area_lines(out, host_header);
	cr_assert(guest && host && strlen(guest) > 100, "%s", out);
	for (line = strtok_r(guest, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char one[256];

		cr_assert_not_null(insp_vmallocinfo_resolve(line, one, sizeof(one)), "%s", line);
		strcat(resolved, one);
		strcat(resolved, "\n");
	}
	cr_assert_str_eq(host, resolved);
	cr_assert(strstr(host, " test_vmallocinfo+0x"), "%s", host);
	cr_assert(strstr(host, " pages=2 vmap\n"), "%s", host);
	cr_assert(strstr(host, " test_vmallocinfo+0x") && strstr(host, " ioremap\n"), "%s", host);
	sym_set_default(NULL);
	elf_info_free(&info);
	free(buf);
	free(guest);
	free(host);
}

static void assert_clean(const struct vmm_result *r)
{
	char want[128];

	snprintf(want, sizeof(want), " rules, 0 violations, ");
	cr_assert(strstr(r->err, want), "stderr lacks \"%s\"\nstderr:\n%.4000s", want, r->err);
}

Test(vmalloc, selftest_at_128M_with_highmem_32M, .timeout = 120)
{
	struct vmm_result r = vmm_run(90, SMALL, "--check", "-c", "highmem=32M run=selftest:vmalloc",
				      NULL);

	assert_status(r, 0);
	assert_out_has(r, "selftest:vmalloc: passed");
	assert_out_has(r, "selftest:vmalloc: vmalloc(16777216) at 0xc6800000: 0 DMA, 0 Normal, "
		       "4096 HighMem pages\n");
	assert_out_has(r, "selftest:vmalloc: partial failures unwound: free counts, areas and PTEs "
		       "as before\n");
	assert_out_has(r, "selftest:vmalloc: page-table failure unwinds         ok\n");
	assert_out_has(r, "selftest:vmalloc: largest area: 915 MiB of vmalloc range, too little RAM "
		       "to fill it; skipped\n");
	assert_clean(&r);
	vmm_result_free(&r);
}

/* Each bad vfree warns, naming the address, and frees nothing (the
 * selftest then checks the area still works). */
Test(vmalloc, bad_vfree_warns_with_the_address, .timeout = 120)
{
	struct vmm_result r = vmm_run(90, SMALL, "-c", "highmem=32M run=selftest:vmalloc", NULL);

	assert_status(r, 0);
	assert_out_has(r, "\nTrying to vfree() bad address (0xc681c000): inside the vm area "
		       "0xc681b000-0xc681e000\nWARNING: at guest/mm/vmalloc.c:");
	assert_out_has(r, "\nTrying to vfree() nonexistent vm area (0xffbfd000)\n");
	assert_out_has(r, "\nTrying to vfree() nonexistent vm area (0xc5");   /* a lowmem page */
	assert_out_has(r, "\nTrying to vfree() the vm area 0xc6833000, which vmap() made\n");
	assert_out_has(r, "\nTrying to vunmap() the vm area 0xc681b000, which vmalloc() made\n");
	assert_out_has(r, "\nTrying to vfree() an already freed vm area (0xc681b000)\n");
	assert_out_has(r, "\nTrying to vfree() nonexistent vm area (0xc681b000)\n");
	assert_out_has(r, "selftest:vmalloc: bad vfree warns, frees nothing     ok\n");
	/* vmap with VM_ALLOC: warned and dropped, so vfree refuses the area. */
	assert_out_has(r, "\nvmap: VM_ALLOC in flags 0x2 ignored: the caller keeps its pages\n"
		       "WARNING: at guest/mm/vmalloc.c:");
	assert_out_has(r, "selftest:vmalloc: vmap and vunmap                    ok\n");
	vmm_result_free(&r);
}

Test(vmalloc, selftest_at_6G_fills_the_largest_area, .timeout = 180)
{
	struct vmm_result r = vmm_run(150, "-m", "6G", "--check", "-c", "run=selftest:vmalloc", NULL);

	assert_status(r, 0);
	assert_out_has(r, "selftest:vmalloc: largest area 0xf8000000-0xffbdd000 (123 MiB), sampled "
		       "every 64th page\n");
	/* Every page table of the range was made for the largest area. */
	assert_out_has(r, "selftest:vmalloc: page-table failure: every page table of the range is "
		       "made; skipped\n");
	assert_out_has(r, "selftest:vmalloc: passed");
	assert_clean(&r);
	vmm_result_free(&r);
}

/* The documented minimum: the 16 MiB area does not fit and says so. */
Test(vmalloc, selftest_at_16M_skips_what_ram_cannot_hold, .timeout = 120)
{
	struct vmm_result r = vmm_run(90, "-m", "16M", "--check", "-c", "run=selftest:vmalloc", NULL);

	assert_status(r, 0);
	assert_out_has(r, "selftest:vmalloc: vmalloc(4194304) at 0x");
	assert_out_has(r, "selftest:vmalloc: vmalloc(16777216): ");
	assert_out_has(r, " pages free, too few; skipped\n");
	assert_out_has(r, "selftest:vmalloc: page-table failure unwinds         ok\n");
	assert_out_has(r, "selftest:vmalloc: passed");
	assert_clean(&r);
	vmm_result_free(&r);
}

/* From 1G of RAM up the range is 123 MiB, less than stress:vmalloc's
 * 128 MiB of warmed page tables: it warms what there is. */
Test(vmalloc, check_stress_at_1G, .timeout = 120)
{
	struct vmm_result r = vmm_run(90, "-m", "1G", "--check", "-c", "run=stress:vmalloc ops=1500",
				      NULL);

	assert_status(r, 0);
	assert_out_has(r, "stress:vmalloc: 0 bad areas; free counts restored\n");
	assert_err_has(r, "check: 16 checkpoints, ");
	assert_clean(&r);
	vmm_result_free(&r);
}

Test(vmalloc, check_stress_over_three_seeds, .timeout = 240)
{
	for (int seed = 1; seed <= 3; seed++) {
		char cmd[128];
		struct vmm_result r;

		snprintf(cmd, sizeof(cmd), "highmem=32M run=stress:vmalloc seed=%d ops=1500", seed);
		r = vmm_run(60, SMALL, "--check", "-c", cmd, NULL);
		assert_status(r, 0);
		assert_out_has(r, "stress:vmalloc: 0 bad areas; free counts restored\n");
		assert_err_has(r, "check: 16 checkpoints, ");
		assert_clean(&r);
		vmm_result_free(&r);
	}
}

/* Under fail_page_alloc and failslab every failed vmalloc or vmap unwinds:
 * the accounting ends where it began and every checkpoint is clean. */
Test(vmalloc, stress_under_fault_injection, .timeout = 120)
{
	struct vmm_result r = vmm_run(90, SMALL, "--check", "-c", "highmem=32M run=stress:vmalloc "
				      "seed=1 ops=2000 fail_page_alloc=1,10,0,-1 failslab=1,10,0,-1",
				      NULL);

	assert_status(r, 0);
	assert_out_has(r, "stress:vmalloc: seed 1: 2000 ops, 533 allocs, 533 frees, 934 failed, ");
	assert_out_has(r, "stress:vmalloc: 0 bad areas; free counts restored\n");
	assert_err_has(r, "check: 21 checkpoints, ");
	assert_clean(&r);
	vmm_result_free(&r);
}

Test(vmalloc, guard_page_touch_is_reported_and_panics, .timeout = 60)
{
	struct vmm_result r = vmm_run(30, SMALL, "-c", "highmem=32M run=crash:vmalloc-guard", NULL);

	assert_status(r, EXIT_GUEST_PANIC);
	assert_out_has(r, "BUG: unable to handle page fault for address: c6804008\n"
		       "#PF: supervisor write access in kernel mode\n"
		       "#PF: error_code(0x0002) - not-present page\n"
		       "#PF: c6804008 is the guard page of the vmalloc area 0xc6800000-0xc6805000 "
		       "(20480 bytes, caller 0x");
	assert_out_has(r, "): out of bounds by 8 bytes\n");
	assert_err_has(r, "crash_vmalloc_guard+0x");
	vmm_result_free(&r);
}

/* The guest's lines with their callers resolved from the ELF equal the
 * host's, which the host computed from guest memory. */
Test(vmalloc, host_vmallocinfo_equals_the_guests, .timeout = 120)
{
	struct vmm_result r = vmm_run(90, SMALL, "--show", "vmallocinfo", "-c",
				      "highmem=32M run=selftest:vmalloc", NULL);

	assert_status(r, 0);
	assert_vmallocinfo_agrees(r.out, "selftest:vmalloc: /proc/vmallocinfo with four areas:\n",
				  "vmm: host vmallocinfo at checkpoint 1 (tag 1):\n");
	vmm_result_free(&r);
}

/* meminfo's Vmalloc lines while the demo's areas are mapped. */
Test(vmalloc, demo_shows_zones_and_meminfo_agrees, .timeout = 60)
{
	struct vmm_result r = vmm_run(30, SMALL, "--check", "--show", "meminfo", "-c",
				      "highmem=32M run=demo:mm", NULL);
	char *guest, *host;

	assert_status(r, 0);
	assert_out_has(r, " DMA     (1 page)\n");
	assert_out_has(r, " Normal  (1 page)\n");
	assert_out_has(r, " HighMem (1 page)\n");
	assert_out_has(r, "HighMem first, then from the zone below once it reaches its watermark:\n");
	cr_assert(strstr(r.out, " HighMem (") && strstr(r.out, " Normal  ("), "%s", r.out);
	/* 8207 pages and the 9 of their page array, vmalloc'ed too; the
	 * vmap's 3 are the caller's (Linux's vmalloc_nr_pages()). */
	assert_out_has(r, "VmallocUsed:       32864 kB\n");
	assert_out_has(r, " pages=9 vmalloc\n");
	guest = block_after(r.out, "\nMemTotal:");
	host = block_after(r.out, "vmm: host meminfo at checkpoint 1 (tag 0):\nMemTotal:");
	cr_assert(guest && host && strstr(guest, "VmallocChunk:"), "%s", r.out);
	cr_assert(!strncmp(host, guest, strlen(guest)), "host:\n%s\nguest:\n%s", host, guest);
	assert_clean(&r);
	free(guest);
	free(host);
	vmm_result_free(&r);
}

/* Each vmalloc corruption exits 83 and is reported by its own rule alone. */
Test(vmalloc, corruptions_are_caught_by_their_rules, .timeout = 120)
{
	static const struct { const char *kind, *line; } kinds[] = {
		{ "vmalloc-overlap", "\nvmalloc.list: vmap_area 0x" },
		{ "vmalloc-orphan-pte", "\nvmalloc.orphan: vmalloc va 0x" },
		{ "vmalloc-freed-page", "\nvmalloc.page: vmalloc va 0x" },
	};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct vmm_result r = vmm_run(60, SMALL, "--corrupt", kinds[i].kind, "-c",
					      "highmem=32M run=stress:vmalloc seed=2 ops=200", NULL);

		cr_assert_eq(r.status, EXIT_INVARIANT, "%s: %d\n%s", kinds[i].kind, r.status, r.err);
		assert_err_has(r, kinds[i].line);
		assert_err_has(r, "check at checkpoint 1 (tag 100): 1 violation\n");
		vmm_result_free(&r);
	}
}

/* Run the VMM with a console script of these lines. */
static struct vmm_result run_console(const char *cmdline, const char *text)
{
	char path[] = "/tmp/integ_vmalloc_XXXXXX";
	int fd = harness_mkstemp(path);
	struct vmm_result r;

	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	r = vmm_run(60, SMALL, "-c", cmdline, "--script", path, NULL);
	unlink(path);
	return r;
}

/* The console's vmallocinfo at the selftest's first checkpoint is the
 * guest's own, callers resolved. */
Test(vmalloc, console_vmallocinfo_is_the_guests, .timeout = 120)
{
	struct vmm_result r = run_console("highmem=32M run=selftest:vmalloc", "vmallocinfo\nquit\n");

	assert_status(r, 0);
	assert_vmallocinfo_agrees(r.out, "selftest:vmalloc: /proc/vmallocinfo with four areas:\n",
				  "(vmm) vmallocinfo\n");
	vmm_result_free(&r);
}

/* vmalloc, vmalloc_32, vmap of the console's own pages (which then cannot
 * be freed), vfree of both kinds, and the refusals. */
Test(vmalloc, console_requests, .timeout = 60)
{
	struct vmm_result r = run_console("highmem=32M run=idle",
		"guest alloc_pages 1\n"
		"guest vmap 0x5efb 0x5efa 0x5efb\n"
		"guest free_pages 1\n"
		"guest vmalloc 16384\n"
		"guest vmalloc 8192 32\n"
		"vmallocinfo\n"
		"check\n"
		"guest vfree 2\n"
		"guest free_pages 1\n"
		"guest vfree 3\n"
		"guest vfree 3\n"
		"guest vfree 4\n"
		"guest vmap 0x5efa\n"
		"guest vmalloc 0\n"
		"guest vmalloc 4096 31\n"
		"quit\n");

	assert_status(r, EXIT_USAGE);
	assert_out_has(r, "(vmm) guest alloc_pages 1\nid 1: order 1 at pfn 0x5efa (va 0xc5efa000)\n");
	assert_out_has(r, "(vmm) guest vmap 0x5efb 0x5efa 0x5efb\n"
		       "id 2: vmap of 3 pages, first page at pfn 0x5efb (va 0xc6800000)\n");
	assert_out_has(r, "(vmm) guest free_pages 1\nrefused: -EBUSY (Device or resource busy)\n");
	assert_out_has(r, "(vmm) guest vmalloc 16384\n"
		       "id 3: vmalloc 16384 bytes, first page at pfn 0x7c00 (va 0xc6804000)\n");
	assert_out_has(r, "(vmm) guest vmalloc 8192 32\nid 4: vmalloc_32 8192 bytes, first page at "
		       "pfn 0x");
	assert_out_has(r, "(vmm) vmallocinfo\n"
		       "0xc6800000-0xc6804000   16384 con_vmap+0x");
	assert_out_has(r, " pages=3 vmap\n0xc6804000-0xc6809000   20480 con_vmalloc+0x");
	assert_out_has(r, " pages=4 vmalloc\n0xc6809000-0xc680c000   12288 con_vmalloc+0x");
	assert_out_has(r, "(vmm) check\ncheck: ");
	assert_out_has(r, " rules, 0 violations\n");
	assert_out_has(r, "(vmm) guest vfree 2\nid 2: freed at pfn 0x5efb (va 0xc6800000)\n");
	assert_out_has(r, "(vmm) guest free_pages 1\nid 1: freed at pfn 0x5efa (va 0xc5efa000)\n");
	assert_out_has(r, "(vmm) guest vfree 3\nid 3: freed at pfn 0x7c00 (va 0xc6804000)\n"
		       "(vmm) guest vfree 3\nrefused: -ENOENT (No such file or directory)\n");
	assert_out_has(r, "(vmm) guest vfree 4\nid 4: freed");
	assert_out_has(r, "(vmm) guest vmap 0x5efa\nrefused: -EINVAL (Invalid argument)\n");
	assert_out_has(r, "(vmm) guest vmalloc 0\nrefused: -EINVAL (Invalid argument)\n");
	assert_out_has(r, "(vmm) guest vmalloc 4096 31\nerror: guest vmalloc: '31' is not 32 "
		       "(vmalloc_32); see 'help guest vmalloc'\n");
	vmm_result_free(&r);
}
