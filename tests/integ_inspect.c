/*
 * Integration tests for the host inspector on the real guest under KVM:
 * --check passes on a healthy guest (small with highmem, and 6 GiB; buddy
 * and slab traffic, with and without slab_debug), every
 * --corrupt kind is caught by exactly the rule --list-corruptions names,
 * a --check that never ran fails, the host's /proc views are byte-identical
 * to the guest's at the same checkpoint, the walker agrees with
 * KVM_TRANSLATE (rule walker.accel runs at every checkpoint), and random byte
 * flips never crash or hang the VMM (ASan build).
 */
#include <fcntl.h>
#include <sys/stat.h>

#include "harness.h"
#include "json_read.h"
#include "snapshot.h"
#include "elf_load.h"
#include "note_patch.h"
#include "inspect/inspect.h"
#include "exitcodes.h"
#include "layout_note.h"

#define SMALL "-m", "128M"

static char *stress_cmdline(char *buf, size_t len, int seed, int ops)
{
	snprintf(buf, len, "highmem=32M run=stress:buddy seed=%d ops=%d", seed, ops);
	return buf;
}

/* Slab traffic; the red-zone and poison kinds need slab_debug=ZP. */
static char *slab_cmdline(char *buf, size_t len, const char *debug, int seed, int ops)
{
	snprintf(buf, len, "highmem=32M %s run=stress:slab seed=%d ops=%d", debug, seed, ops);
	return buf;
}

/* The pkmap and fixmap kinds run on stress:kmap, which holds kmaps at its
 * checkpoints (pkmap-dup needs one). */
#define KMAP_STRESS "highmem=32M run=stress:kmap seed=1 ops=200"
static bool is_kmap_kind(const char *kind)
{
	return !strncmp(kind, "pkmap-", 6) || !strncmp(kind, "fixmap-", 7);
}

/* "check: N checkpoints, R rules, 0 violations" with all rules. */
static void assert_clean_summary(const struct vmm_result *r, int checkpoints)
{
	char want[128];

	snprintf(want, sizeof(want), "check: %d checkpoints, %d rules, 0 violations, ",
		 checkpoints, R_NR);
	cr_assert(strstr(r->err, want), "stderr lacks \"%s\"\nstderr:\n%.4000s", want, r->err);
}

Test(inspect, check_stress_seeds_1_to_5_at_128M, .timeout = 120)
{
	for (int seed = 1; seed <= 5; seed++) {
		char cmd[128];
		struct vmm_result r = vmm_run(60, SMALL, "-c", stress_cmdline(cmd, sizeof(cmd), seed, 300),
					      "--check", NULL);

		assert_status(r, 0);
		assert_clean_summary(&r, 4);   /* ops 100, 200, 300 and the end */
		assert_out_has(r, "stress:buddy: seed");
		/* The workload's own checks: contents of every block it freed
		 * and the free counts at the end. */
		assert_out_has(r, " pages checked on free, 0 bad; free counts restored\n");
		cr_assert_null(strstr(r.out, "stress:buddy: 0 pages checked"));
		vmm_result_free(&r);
	}
}

/* stress:slab checkpoints every 100 ops and once more after freeing all. */
Test(inspect, check_stress_slab_seeds_1_to_5, .timeout = 120)
{
	for (int seed = 1; seed <= 5; seed++) {
		char cmd[160];
		struct vmm_result r = vmm_run(60, SMALL, "-c", slab_cmdline(cmd, sizeof(cmd), "", seed, 300),
					      "--check", NULL);

		assert_status(r, 0);
		assert_clean_summary(&r, 4);   /* ops 100, 200, 300 and the end */
		assert_out_has(r, "stress:slab: seed");
		vmm_result_free(&r);
	}
}

Test(inspect, check_stress_slab_with_slab_debug_FZPU, .timeout = 60)
{
	char cmd[160];
	struct vmm_result r = vmm_run(60, SMALL, "-c", slab_cmdline(cmd, sizeof(cmd), "slab_debug=FZPU",
								 6, 400), "--check", NULL);

	assert_status(r, 0);
	assert_clean_summary(&r, 5);
	assert_out_has(r, " 0 failed");
	vmm_result_free(&r);
}

Test(inspect, check_stress_at_6G, .timeout = 120)
{
	struct vmm_result r = vmm_run(90, "-m", "6G", "-c", "run=stress:buddy seed=3 ops=300",
				      "--check", NULL);

	assert_status(r, 0);
	assert_clean_summary(&r, 4);
	vmm_result_free(&r);
}

/* At 6G boot defers most of Normal and HighMem (deferred top-order ranges);
 * selftest:buddy exhausts HighMem with order-10 allocations, which takes
 * every deferred block, and gives everything back: clean before and after,
 * and HighMem's buddyinfo line is the same (its blocks are listed now). */
Test(inspect, check_selftest_at_6G_through_the_deferred_ranges, .timeout = 200)
{
	static const char high[] = "Node 0, zone  HighMem ";
	struct vmm_result r = vmm_run(180, "-m", "6G", "-c", "run=checkpoint:1,selftest:buddy,checkpoint:2",
				      "--check", "--show", "buddyinfo", NULL);
	char *before, *after;

	assert_status(r, 0);
	assert_out_has(r, "selftest:buddy: passed");
	assert_clean_summary(&r, 2);
	before = strstr(r.out, "vmm: host buddyinfo at checkpoint 1 (tag 1):\n");
	after = strstr(r.out, "vmm: host buddyinfo at checkpoint 2 (tag 2):\n");
	cr_assert(before && after, "%s", r.out);
	before = strstr(before, high);
	after = strstr(after, high);
	cr_assert(before && after, "%s", r.out);
	cr_assert(!strncmp(before, after, strcspn(before, "\n") + 1), "HighMem differs:\n%s", r.out);
	vmm_result_free(&r);
}

Test(inspect, check_without_highmem_and_with_page_poison, .timeout = 60)
{
	struct vmm_result r = vmm_run(60, "-m", "64M", "-c",
				      "page_poison=1 run=stress:buddy seed=9 ops=200", "--check", NULL);

	assert_status(r, 0);
	assert_clean_summary(&r, 3);
	vmm_result_free(&r);
}

Test(inspect, no_checkpoint_fails, .timeout = 30)
{
	struct vmm_result r = vmm_run(20, SMALL, "-c", "run=banner", "--check", NULL);

	assert_status(r, EXIT_INVARIANT);
	assert_err_has(r, "reached no checkpoint, so nothing was checked");
	assert_err_has(r, "check: 0 checkpoints");
	vmm_result_free(&r);
}

/* A corruption that cannot apply at the checkpoint it reached says why, and
 * nothing else: the run reached that checkpoint. */
Test(inspect, corrupt_that_cannot_apply_says_why_alone, .timeout = 30)
{
	struct vmm_result r = vmm_run(20, SMALL, "--corrupt", "pkmap-dup", "-c",
				      "highmem=32M run=stress:buddy", NULL);

	assert_status(r, EXIT_HOST_ERROR);
	assert_err_has(r, "vmm: --corrupt pkmap-dup at checkpoint 1: no pkmap slot has users to "
		       "duplicate (run stress:kmap)\n");
	cr_assert_null(strstr(r.err, "reached"), "%s", r.err);
	vmm_result_free(&r);
}

Test(inspect, corrupt_at_unreached_checkpoint_fails, .timeout = 30)
{
	struct vmm_result r = vmm_run(20, SMALL, "-c", "run=checkpoint:5", "--corrupt",
				      "nr-free@3", NULL);

	assert_status(r, EXIT_INVARIANT);
	assert_err_has(r, "--corrupt nr-free@3: the guest reached only 1 checkpoint");
	vmm_result_free(&r);
}

Test(inspect, list_corruptions, .timeout = 10)
{
	struct vmm_result r = vmm_run(10, "--list-corruptions", HARNESS_NO_GUEST, NULL);
	const char *p;

	assert_status(r, 0);
	p = r.out;
	for (size_t i = 0; i < insp_nr_corruptions; i++) {
		char line[256];

		snprintf(line, sizeof(line), "%s %s %s\n", insp_corruptions[i].kind,
			 insp_rules[insp_corruptions[i].rule].name, insp_corruptions[i].desc);
		cr_assert(!strncmp(p, line, strlen(line)), "line %zu: want \"%s\" in:\n%s", i, line, r.out);
		p += strlen(line);
	}
	cr_assert_eq(*p, '\0');
	vmm_result_free(&r);
}

/* The rule names of the `rule: place: detail` lines in stderr. */
static int violation_rules(const char *err, char rules[][32], int max)
{
	int n = 0;

	for (const char *l = err; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l)) {
		size_t k = strspn(l, "abcdefghijklmnopqrstuvwxyz0123456789_.");

		if (k == 0 || k >= 32 || l[k] != ':' || l[k + 1] != ' ' || !memchr(l, '.', k))
			continue;
		if (n < max) {
			memcpy(rules[n], l, k);
			rules[n][k] = '\0';
		}
		n++;
	}
	return n;
}

/* The buddy and page-table kinds run on stress:buddy; the slab kinds on
 * stress:slab with red zones and poisoning (slab_debug=ZP); the vmalloc
 * kinds on stress:vmalloc; the pkmap and fixmap kinds on stress:kmap; the
 * address-space kinds on stress:vm. */
Test(inspect, every_corruption_is_caught_by_its_rule, .timeout = 240)
{
	for (size_t i = 0; i < insp_nr_corruptions; i++) {
		const char *kind = insp_corruptions[i].kind;
		const char *rule = insp_rules[insp_corruptions[i].rule].name;
		char cmd[160], rules[64][32];
		bool slab = !strncmp(kind, "slab-", 5), vm = !strncmp(kind, "vmalloc-", 8);
		bool as = insp_corruptions[i].rule >= R_VM_VMA && insp_corruptions[i].rule <= R_VM_KERNEL_PD;
		struct vmm_result r = vmm_run(60, SMALL, "-c",
					      slab ? slab_cmdline(cmd, sizeof(cmd), "slab_debug=ZP", 1, 200) :
					      vm ? "highmem=32M run=stress:vmalloc seed=1 ops=200" :
					      as ? "highmem=32M run=stress:vm seed=1 ops=300" :
					      is_kmap_kind(kind) ? KMAP_STRESS :
					      stress_cmdline(cmd, sizeof(cmd), 1, 200), "--corrupt", kind, NULL);
		int n;

		cr_assert_eq(r.status, EXIT_INVARIANT, "%s: status %d\nstderr:\n%s", kind, r.status, r.err);
		n = violation_rules(r.err, rules, 64);
		cr_assert(n > 0, "%s: no violation printed\n%s", kind, r.err);
		for (int k = 0; k < n && k < 64; k++)
			cr_assert_str_eq(rules[k], rule, "%s: rule %s fired, want only %s\n%s", kind,
					 rules[k], rule, r.err);
		assert_err_has(r, "at checkpoint 1");
		vmm_result_free(&r);
	}
}

Test(inspect, corrupt_at_a_later_checkpoint, .timeout = 60)
{
	char cmd[128];
	struct vmm_result r = vmm_run(60, SMALL, "-c", stress_cmdline(cmd, sizeof(cmd), 2, 300),
				      "--corrupt", "buddy-cycle@3", NULL);

	assert_status(r, EXIT_INVARIANT);
	assert_err_has(r, "--corrupt buddy-cycle at checkpoint 3");
	assert_err_has(r, "\nbuddy.cycle: ");
	assert_err_has(r, "check: 3 checkpoints");
	vmm_result_free(&r);
}

static void views_identical(const char *cmdline)
{
	static const char *const views[] = { "buddyinfo", "zoneinfo", "meminfo", "vmstat", "slabinfo" };
	struct vmm_result r = vmm_run(60, SMALL, "-c", cmdline,
				      "--show", "buddyinfo,zoneinfo,meminfo,vmstat,slabinfo", "--check", NULL);

	assert_status(r, 0);
	for (size_t i = 0; i < 5; i++) {
		char gh[64], hh[128];
		char *guest, *host;

		snprintf(gh, sizeof(gh), "/proc/%s:\n", views[i]);
		snprintf(hh, sizeof(hh), "vmm: host %s at checkpoint 4 (tag 77):\n", views[i]);
		guest = block_after(r.out, gh);
		host = block_after(r.out, hh);
		cr_assert_not_null(guest, "guest %s missing\n%s", views[i], r.out);
		cr_assert_not_null(host, "host %s missing\n%s", views[i], r.out);
		cr_assert(strlen(guest) > 20);
		cr_assert_str_eq(host, guest, "%s differs", views[i]);
		free(guest);
		free(host);
	}
	vmm_result_free(&r);
}

Test(inspect, host_views_byte_identical_to_guest, .timeout = 60)
{
	views_identical("highmem=32M run=stress:buddy,meminfo,checkpoint:77 seed=4 ops=200");
}

/* slabinfo after slab traffic, with the debug layouts (bigger buffers, fewer
 * objects per slab) and the dma-kmalloc caches made on demand. */
Test(inspect, host_slabinfo_byte_identical_after_slab_traffic, .timeout = 60)
{
	views_identical("highmem=32M slab_debug=ZP run=stress:slab,meminfo,checkpoint:77 seed=4 ops=200");
}

Test(inspect, check_json, .timeout = 60)
{
	char path[] = "/tmp/integ_inspect_XXXXXX", cmd[128];
	int fd = harness_mkstemp(path);
	struct vmm_result r;
	json_t *doc, *cps, *cp, *rules_run, *by_rule, *list;
	json_int_t checks, rules, translations, violations, status, n, tag, order;
	double ms;
	const char *result, *rule, *place, *detail;
	size_t i;

	cr_assert(fd >= 0);
	close(fd);
	r = vmm_run(60, SMALL, "-c", stress_cmdline(cmd, sizeof(cmd), 1, 200), "--check-json", path,
		    "--corrupt", "buddy-order@2", NULL);
	assert_status(r, EXIT_INVARIANT);
	doc = load_json_file(path);
	assert_unpack(doc, "{s:o,s:I,s:I,s:o,s:I,s:I,s:F,s:s,s:I!}", "checkpoints", &cps,
		      "checks", &checks, "rules", &rules, "rules_run", &rules_run,
		      "walker_accel_translations", &translations, "violations", &violations,
		      "ms", &ms, "result", &result, "status", &status);
	cr_assert_eq(checks, 2);
	cr_assert_eq(json_array_size(cps), 2);
	cr_assert_eq(json_array_size(rules_run), (size_t)rules);
	cr_assert_eq(violations, 1);
	cr_assert_str_eq(result, "violations");
	cr_assert_eq(status, EXIT_INVARIANT);
	json_array_foreach(cps, i, cp) {
		assert_unpack(cp, "{s:I,s:I,s:{s:I,s:I,s:F,s:o,s:o!}!}", "checkpoint", &n,
			      "tag", &tag, "report", "rules", &rules, "violations", &violations,
			      "ms", &ms, "by_rule", &by_rule, "list", &list);
		cr_assert_eq(n, (json_int_t)i + 1);
		cr_assert_eq(tag, 100 * n);
		cr_assert_eq(violations, i);
	}
	/* The corruption at the second checkpoint, and nothing else. */
	assert_unpack(by_rule, "{s:I!}", "buddy.order", &order);
	cr_assert_eq(order, 1);
	assert_unpack(list, "[{s:s,s:s,s:s!}!]", "rule", &rule, "place", &place, "detail", &detail);
	cr_assert_str_eq(rule, "buddy.order");
	cr_assert(!strncmp(place, "pfn 0x", 6), "%s", place);
	json_decref(doc);
	unlink(path);
	vmm_result_free(&r);
}

Test(inspect, fuzz_never_crashes_or_hangs, .timeout = 180)
{
	const char *seeds[] = { "2000@1", "2000@2", "3000@3", "1000@4", "5000@5" };

	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		char cmd[128];
		struct vmm_result r = vmm_run(60, SMALL, "-c", stress_cmdline(cmd, sizeof(cmd), 1, 100),
					      "--fuzz", seeds[i], NULL);

		cr_assert(r.status >= 0 && r.status < 128, "--fuzz %s: status %d (timeout or "
			  "signal)\n%.3000s", seeds[i], r.status, r.err);
		cr_assert_null(strstr(r.err, "AddressSanitizer"), "--fuzz %s:\n%.3000s", seeds[i], r.err);
		cr_assert_null(strstr(r.err, "runtime error"), "--fuzz %s:\n%.3000s", seeds[i], r.err);
		assert_err_has(r, "byte flips");
		vmm_result_free(&r);
	}
}

/* The same with slab traffic and debug caches: flips land in the caches,
 * descriptors, bufctl arrays, array caches and objects too. */
Test(inspect, fuzz_with_slab_traffic, .timeout = 180)
{
	const char *seeds[] = { "3000@21", "3000@22", "3000@23" };

	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		char cmd[160];
		struct vmm_result r = vmm_run(60, SMALL, "-c", slab_cmdline(cmd, sizeof(cmd), "slab_debug=ZP",
									 1, 100), "--fuzz", seeds[i], NULL);

		cr_assert(r.status >= 0 && r.status < 128, "--fuzz %s: status %d (timeout or "
			  "signal)\n%.3000s", seeds[i], r.status, r.err);
		cr_assert_null(strstr(r.err, "AddressSanitizer"), "--fuzz %s:\n%.3000s", seeds[i], r.err);
		cr_assert_null(strstr(r.err, "runtime error"), "--fuzz %s:\n%.3000s", seeds[i], r.err);
		assert_err_has(r, "byte flips");
		vmm_result_free(&r);
	}
}

Test(inspect, fuzz_at_6G, .timeout = 120)
{
	struct vmm_result r = vmm_run(90, "-m", "6G", "-c", "run=checkpoint", "--fuzz", "4000@11", NULL);

	cr_assert(r.status >= 0 && r.status < 128, "status %d\n%.3000s", r.status, r.err);
	cr_assert_null(strstr(r.err, "AddressSanitizer"), "%.3000s", r.err);
	cr_assert_null(strstr(r.err, "runtime error"), "%.3000s", r.err);
	vmm_result_free(&r);
}

Test(inspect, check_bench_reports_a_ratio, .timeout = 60)
{
	struct vmm_result r = vmm_run(60, SMALL, "-c", "run=checkpoint", "--check-bench", "3", NULL);

	assert_status(r, 0);
	assert_out_has(r, "check-bench: 128 MiB guest, ");
	assert_out_has(r, ", ratio ");
	assert_out_has(r, ", 0 violations");
	vmm_result_free(&r);
}

Test(inspect, usage_errors, .timeout = 30)
{
	struct vmm_result r = vmm_run(10, "--corrupt", "nope", NULL);

	assert_status(r, EXIT_USAGE);
	assert_err_has(r, "--corrupt: unknown kind 'nope'; 'vmm --list-corruptions' lists them");
	vmm_result_free(&r);
	r = vmm_run(10, "--corrupt", "nr-free@0", NULL);
	assert_status(r, EXIT_USAGE);
	vmm_result_free(&r);
	r = vmm_run(10, "--show", "buddyinfo,nosuchinfo", NULL);
	assert_status(r, EXIT_USAGE);
	assert_err_has(r, "--show: unknown view 'nosuchinfo'");
	vmm_result_free(&r);
	r = vmm_run(10, "--fuzz", "0", NULL);
	assert_status(r, EXIT_USAGE);
	vmm_result_free(&r);
	r = vmm_run(10, "--help", HARNESS_NO_GUEST, NULL);
	assert_status(r, 0);
	assert_out_has(r, "--corrupt KIND[@N]");
	assert_out_has(r, "--check-json FILE");
	assert_out_has(r, "whose guest exits 0 without a checkpoint exits 83");
	vmm_result_free(&r);
}

/*
 * A copy of guest.elf, its layout note patched: the header's version
 * replaced by `version` if nonzero, and the entry with `key` (if nonzero)
 * set to `value`.  The copy's path goes into path (a mkstemp template).
 */
static void patch_note(char *path, uint32_t version, uint32_t key, uint32_t value)
{
	FILE *f = fopen(GUEST_ELF, "rb");
	struct layout_note_header h;
	struct stat sb;
	uint8_t *buf;
	size_t hdr = 0;
	int fd, hits = 0;

	cr_assert_not_null(f);
	cr_assert(fstat(fileno(f), &sb) == 0);
	buf = malloc(sb.st_size);
	cr_assert(fread(buf, 1, sb.st_size, f) == (size_t)sb.st_size);
	fclose(f);
	for (off_t i = 0; i + 8 <= sb.st_size; i++) {
		uint32_t m, v;

		memcpy(&m, buf + i, 4);
		memcpy(&v, buf + i + 4, 4);
		if (m == LAYOUT_NOTE_MAGIC && v == LAYOUT_NOTE_VERSION) {
			hdr = i;
			hits++;
		}
	}
	cr_assert_eq(hits, 1, "exactly one layout note header in guest.elf");
	memcpy(&h, buf + hdr, sizeof(h));
	if (version) {
		h.version = version;
		memcpy(buf + hdr, &h, sizeof(h));
	}
	hits = 0;
	for (uint32_t i = 0; key && i < h.count; i++) {
		struct layout_note_entry e;
		size_t at = hdr + sizeof(h) + i * sizeof(e);

		memcpy(&e, buf + at, sizeof(e));
		if (e.key == key) {
			e.value = value;
			memcpy(buf + at, &e, sizeof(e));
			hits++;
		}
	}
	cr_assert_eq(hits, key ? 1 : 0, "key %#x once in the note", key);
	fd = harness_mkstemp(path);
	cr_assert(fd >= 0);
	cr_assert(write(fd, buf, sb.st_size) == sb.st_size);
	close(fd);
	free(buf);
}

/* A copy of guest.elf whose layout note has another version. */
Test(inspect, bad_layout_note_is_refused, .timeout = 30)
{
	char path[] = "/tmp/integ_inspect_elf_XXXXXX";
	struct vmm_result r;

	patch_note(path, 7, 0, 0);
	r = vmm_run(20, SMALL, "-c", "run=checkpoint", "--check", path, HARNESS_NO_GUEST, NULL);
	assert_status(r, EXIT_BAD_IMAGE);
	char want[80];
	snprintf(want, sizeof(want), "layout note: version 7, this vmm reads version %u",
		 LAYOUT_NOTE_VERSION);
	assert_err_has(r, want);
	vmm_result_free(&r);
	r = vmm_run(20, SMALL, "-c", "run=exit:0", path, HARNESS_NO_GUEST, NULL);
	assert_status(r, EXIT_BAD_IMAGE);
	vmm_result_free(&r);
	unlink(path);
}

/* Sizes whose products once wrapped in 32 bits, and read outside RAM. */
Test(inspect, layout_note_sizes_that_wrap_are_refused_by_name, .timeout = 60)
{
	static const struct { uint32_t key, value; const char *want; } cases[] = {
		{ LN_PCP_SIZEOF, 0x40000000u,
		  "layout note: LN_PCP_SIZEOF = 1073741824 (0x40000000), outside 1..256" },
		{ LN_FREE_AREA_SIZEOF, 0x1745D175u,
		  "layout note: LN_FREE_AREA_SIZEOF = 390451573 (0x1745d175), outside 1..256" },
	};

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		char path[] = "/tmp/integ_inspect_elf_XXXXXX";
		struct vmm_result r;

		patch_note(path, 0, cases[c].key, cases[c].value);
		r = vmm_run(20, SMALL, "-c", "run=checkpoint", "--check", path, HARNESS_NO_GUEST, NULL);
		assert_status(r, EXIT_BAD_IMAGE);
		assert_err_has(r, cases[c].want);
		vmm_result_free(&r);
		r = vmm_run(20, SMALL, "-c", "run=checkpoint", "--show", "zoneinfo", path,
			    HARNESS_NO_GUEST, NULL);
		assert_status(r, EXIT_BAD_IMAGE);
		assert_err_has(r, cases[c].want);
		vmm_result_free(&r);
		unlink(path);
	}
}

/* A --show list longer than any fixed buffer: every view in it is shown. */
Test(inspect, show_takes_a_long_list_whole, .timeout = 60)
{
	char list[1024] = "";
	struct vmm_result r;
	unsigned n = 0;

	for (int i = 0; i < 60; i++)
		strcat(list, "vmstat,");
	strcat(list, "slabinfo");
	r = vmm_run(20, SMALL, "-c", "run=checkpoint", "--show", list, NULL);
	assert_status(r, 0);
	for (const char *p = r.out; (p = strstr(p, "vmm: host vmstat at checkpoint 1")); p++)
		n++;
	cr_assert_eq(n, 60, "%u vmstat views", n);
	assert_out_has(r, "vmm: host slabinfo at checkpoint 1 (tag ");
	vmm_result_free(&r);
}

/*
 * --save-ram writes guest RAM at a checkpoint; read back with the image
 * that made it, it checks clean offline, as the fuzz harness needs.  Bad
 * files are refused with the reason, and a checkpoint never reached fails.
 */
Test(inspect, save_ram_snapshot_checks_clean_offline, .timeout = 120)
{
	char path[] = "/tmp/integ_inspect_ram_XXXXXX", err[512];
	int fd = harness_mkstemp(path);
	struct vmm_result r;
	struct guest_mem mem, scratch;
	struct insp_layout lay;
	struct insp_report rep;
	struct elf_info info;
	struct insp in;
	void *buf;

	cr_assert(fd >= 0);
	close(fd);
	char opt[64];
	snprintf(opt, sizeof(opt), "%s@10", path);
	r = vmm_run(100, "-m", "16M", "--check", "--save-ram", opt, "-c",
		    "slab_debug=ZP run=stress:buddy,stress:slab seed=1 ops=600", NULL);
	assert_status(r, 0);
	assert_err_has(r, "vmm: --save-ram: guest RAM at checkpoint 10 (tag ");
	vmm_result_free(&r);

	cr_assert_eq(snapshot_read(path, &mem, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(mem.ram_bytes, 16u << 20);
	buf = calloc(1, 16 << 20);
	guest_mem_layout(&scratch, 16 << 20, buf);
	cr_assert_eq(elf_load_file(&scratch, GUEST_ELF, &info, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(insp_layout_load(&info, &lay, err, sizeof(err)), 0, "%s", err);
	insp_init(&in, &mem, &lay);
	insp_report_init(&rep, 16);
	insp_check_all(&in, &rep, 0);
	cr_assert_eq(rep.total, 0);
	cr_assert_geq(insp_report_nr_rules(&rep), 40);
	cr_assert(in.slab_valid && in.ncaches > 10, "%zu caches", in.ncaches);
	insp_report_free(&rep);
	insp_free(&in);
	elf_info_free(&info);
	free(buf);
	guest_mem_free(&mem);

	/* Truncated by one byte; and a file that is no snapshot at all. */
	cr_assert_eq(truncate(path, (16 << 20) + 48 - 1), 0);
	cr_assert_eq(snapshot_read(path, &mem, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, ": it is truncated, or longer than its regions"), "%s", err);
	cr_assert_eq(snapshot_read(GUEST_ELF, &mem, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, ": not a guest RAM snapshot (--save-ram)"), "%s", err);

	snprintf(opt, sizeof(opt), "%s@99999", path);
	r = vmm_run(60, "-m", "16M", "--save-ram", opt, "-c", "run=checkpoint", NULL);
	assert_status(r, EXIT_INVARIANT);
	assert_err_has(r, "@99999: the guest reached only 1 checkpoint");
	vmm_result_free(&r);
	unlink(path);
}

/*
 * The real guest's layout note as hostile input: every key patched, one at
 * a time, to 0, 1, its value +-1, twice it, and huge values (products that
 * once wrapped in 32 bits among them).  Each patched note is refused with a
 * message naming a key (what makes `vmm` exit 65), or accepted and then
 * every checker and view runs over a real guest's RAM without a fault.
 */
Test(inspect, real_note_with_each_key_patched_is_refused_by_name_or_safe, .timeout = 240)
{
	char path[] = "/tmp/integ_inspect_ram_XXXXXX", err[512], opt[64];
	int fd = harness_mkstemp(path);
	unsigned refused = 0, checked = 0;
	struct guest_mem mem, scratch;
	struct insp_layout syms;
	struct elf_info info;
	struct vmm_result r;
	uint8_t *note;
	FILE *sink = fopen("/dev/null", "w");
	void *buf = calloc(1, 16 << 20);

	cr_assert(fd >= 0 && sink && buf);
	close(fd);
	snprintf(opt, sizeof(opt), "%s@10", path);
	r = vmm_run(100, "-m", "16M", "--save-ram", opt, "-c",
		    "slab_debug=ZP run=stress:buddy,stress:slab seed=1 ops=600", NULL);
	assert_status(r, 0);
	vmm_result_free(&r);
	cr_assert_eq(snapshot_read(path, &mem, err, sizeof(err)), 0, "%s", err);
	unlink(path);
	guest_mem_layout(&scratch, 16 << 20, buf);
	cr_assert_eq(elf_load_file(&scratch, GUEST_ELF, &info, err, sizeof(err)), 0, "%s", err);
	note = malloc(info.layout_note_len);
	cr_assert_not_null(note);
	/* The symbols are the image's, as insp_layout_load() takes them. */
	cr_assert_eq(insp_layout_load(&info, &syms, err, sizeof(err)), 0, "%s", err);

	const struct layout_note_header *h = info.layout_note;
	for (uint32_t k = 0; k < h->count; k++) {
		const struct layout_note_entry *orig_e =
			(const struct layout_note_entry *)((const uint8_t *)info.layout_note +
							   sizeof(*h)) + k;
		const uint32_t o = orig_e->value;
		const uint32_t values[] = { 0, 1, o - 1, o + 1, o * 2, 0x1745D175, 0x40000000,
					    0x80000000, 0xffffffff };

		for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
			memcpy(note, info.layout_note, info.layout_note_len);
			((struct layout_note_entry *)(note + sizeof(*h)) + k)->value = values[v];
			if (try_patched_note(note, info.layout_note_len, &mem, &syms, sink))
				checked++;
			else
				refused++;
		}
	}
	cr_log_info("%u patched notes refused by name, %u checked", refused, checked);
	cr_assert_gt(refused, 100);
	cr_assert_gt(checked, 100);
	free(note);
	fclose(sink);
	elf_info_free(&info);
	guest_mem_free(&mem);
	free(buf);
}
