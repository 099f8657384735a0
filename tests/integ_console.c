/*
 * The VMM console end to end (host/console.c): --script runs, echo and
 * end-of-script quit, a failing command's status 64, every error message,
 * views byte-identical to the guest's own /proc reports at the same
 * checkpoint, corrupt then check, --json parsed with jansson, guest
 * requests, fault injection, the README's transcript and the options.  The
 * socket, the terminal's pipe and stdin are integ_console_io.c's.
 */
#include <jansson.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "harness.h"
#include "abi.h"
#include "elf_load.h"
#include "exitcodes.h"
#include "inspect/inspect.h"

#define SMALL "-m", "128M"
#define STRESS "highmem=32M run=stress:buddy seed=2 ops=400"

struct script {
	char path[64];
};

static const char *script(struct script *s, const char *text)
{
	int fd;

	strcpy(s->path, "/tmp/integ_console_XXXXXX");
	fd = harness_mkstemp(s->path);
	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return s->path;
}

static struct vmm_result run_script(const char *cmdline, const char *text, const char *extra)
{
	struct script s;
	struct vmm_result r;

	script(&s, text);
	if (extra)
		r = vmm_run(60, SMALL, "-c", cmdline, "--script", s.path, extra, NULL);
	else
		r = vmm_run(60, SMALL, "-c", cmdline, "--script", s.path, NULL);
	unlink(s.path);
	return r;
}

Test(console, script_echoes_each_command_and_its_end_is_quit, .timeout = 60)
{
	struct vmm_result r = run_script(STRESS, "# first checkpoint\ninfo status\ncont\n\n"
					 "info status\nstop\n", NULL);

	assert_status(r, 0);
	assert_out_has(r, "(vmm) info status\nheld at checkpoint 1 (tag 100)\n"
		       "(vmm) cont\nrunning\n");
	assert_out_has(r, "(vmm) info status\nheld at checkpoint 2 (tag 200)\n"
		       "(vmm) stop\nalready held at checkpoint 2 (tag 200)\n");
	/* The script ended at checkpoint 2: the workload never finished. */
	cr_assert_null(strstr(r.out, "stress:buddy: seed"), "%s", r.out);
	vmm_result_free(&r);
}

Test(console, a_failing_command_stops_the_script_with_64, .timeout = 60)
{
	struct script s;
	struct vmm_result r;

	script(&s, "info status\npage 99999999\nbuddyinfo\n");
	r = vmm_run(60, SMALL, "-c", STRESS, "--script", s.path, NULL);
	assert_status(r, EXIT_USAGE);
	assert_out_has(r, "(vmm) page 99999999\nerror: bad pfn '99999999': must be 0..32767; see 'help page'\n");
	char want[160];
	snprintf(want, sizeof(want), "vmm: script %s:2: the command failed; stopping", s.path);
	assert_err_has(r, want);
	cr_assert_null(strstr(r.out, "(vmm) buddyinfo"));
	unlink(s.path);
	vmm_result_free(&r);
}

/* A line too long for the parser fails the script, whatever part of it
 * the console could hold; the script's last line needs no newline. */
Test(console, a_long_line_fails_the_script_and_the_last_line_needs_no_newline, .timeout = 60)
{
	char text[3100];
	struct vmm_result r;

	memset(text, 'x', 3000);
	strcpy(text + 3000, "\ninfo status\n");
	r = run_script(STRESS, text, NULL);
	assert_status(r, EXIT_USAGE);
	assert_out_has(r, "error: line too long (more than 1024 bytes)\n");
	vmm_result_free(&r);

	r = run_script(STRESS, "# a comment\ninfo status", NULL);
	assert_status(r, 0);
	assert_out_has(r, "(vmm) info status\nheld at checkpoint 1 (tag 100)\n");
	vmm_result_free(&r);
}

struct bad_cmd {
	const char *cmd, *err;
};

/* Each command alone in a script on a guest booted with cmdline: the script
 * fails with 64 and the command's exact one-line error. */
static void script_errors(const char *cmdline, const struct bad_cmd *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char text[256], want[512];
		struct vmm_result r;

		snprintf(text, sizeof(text), "%s\n", cases[i].cmd);
		r = run_script(cmdline, text, NULL);
		snprintf(want, sizeof(want), "(vmm) %s\nerror: %s\n", cases[i].cmd, cases[i].err);
		assert_status(r, EXIT_USAGE);
		assert_out_has(r, want);
		vmm_result_free(&r);
	}
}

/* Each bad command, alone in a script: the exact one-line error, and the
 * guest's memory untouched (a check afterwards would have run clean). */
Test(console, every_error_names_the_problem, .timeout = 120)
{
	static const struct bad_cmd cases[] = {
		{ "frobnicate", "unknown command 'frobnicate'; try 'help'" },
		{ "info", "'info' needs a subcommand; try 'help info'" },
		{ "page", "page: missing argument: page PFN; see 'help page'" },
		{ "page 12q", "bad pfn '12q': not a number; see 'help page'" },
		{ "poke 0x80000000 1", "physical address 0x80000000 (4 bytes) is not guest RAM; see 'help poke'" },
		{ "poke 0x1000 0x100 b", "bad value '0x100': must be 0..255; see 'help poke'" },
		{ "poke 0x1000 1 z", "poke: bad width 'z': b, w, l or q; see 'help poke'" },
		{ "flip 0x1000 8", "bad bit '8': must be 0..7; see 'help flip'" },
		{ "corrupt buddy-nonsense",
		  "corrupt: unknown kind 'buddy-nonsense'; 'vmm --list-corruptions' lists them; see 'help corrupt'" },
		{ "check buddy.nope", "check: unknown rule 'buddy.nope'; 'vmm --list-corruptions' names the rules; see 'help check'" },
		{ "gva2gpa 0x100000000", "bad virtual address '0x100000000': must be 0..4294967295; see 'help gva2gpa'" },
		{ "help nothing", "help: no command 'nothing'; 'help' lists them all" },
		{ "guest kmalloc 64",
		  "guest kmalloc: the guest is held at a checkpoint of a workload; 'guest' requests need run=idle; see 'help guest kmalloc'" },
	};

	script_errors(STRESS, cases, sizeof(cases) / sizeof(cases[0]));
}

/* Replies of a --json run, one object per line of stdout that starts with
 * '{'; every such line must parse. */
static json_t *json_replies(const char *out)
{
	json_t *a = json_array();

	for (const char *p = out; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
		json_error_t e;
		json_t *o;

		if (*p != '{')
			continue;
		o = json_loadb(p, strcspn(p, "\n"), 0, &e);
		cr_assert_not_null(o, "reply does not parse: %s\n%.*s", e.text, (int)strcspn(p, "\n"), p);
		cr_assert(json_is_string(json_object_get(o, "cmd")));
		cr_assert(json_is_boolean(json_object_get(o, "ok")));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *reply_to(json_t *replies, const char *cmd)
{
	size_t i;
	json_t *o;

	json_array_foreach(replies, i, o)
		if (!strcmp(json_string_value(json_object_get(o, "cmd")), cmd))
			return o;
	cr_assert_fail("no reply to '%s'", cmd);
	return NULL;
}

/* The guest prints its /proc reports (run=meminfo), then stops at
 * checkpoint 77: there the host's views must be the same bytes. */
static void views_match(const char *cmdline)
{
	static const char *const views[] = { "buddyinfo", "zoneinfo", "meminfo", "vmstat", "slabinfo" };
	struct vmm_result r = run_script(cmdline,
					 "cont\ncont\ncont\n"
					 "buddyinfo\nzoneinfo\nmeminfo\nvmstat\nslabinfo\n"
					 "info status\n", "--json");
	json_t *replies;

	assert_status(r, 0);
	replies = json_replies(r.out);
	cr_assert_str_eq(json_string_value(json_object_get(reply_to(replies, "info status"), "result")),
			 "held at checkpoint 4 (tag 77)\n");
	for (size_t i = 0; i < 5; i++) {
		char header[64];
		char *guest;
		json_t *o = reply_to(replies, views[i]);

		snprintf(header, sizeof(header), "/proc/%s:\n", views[i]);
		guest = block_after(r.out, header);
		cr_assert_not_null(guest, "the guest printed no %s\n%s", views[i], r.out);
		cr_assert(strlen(guest) > 20);
		cr_assert(json_is_true(json_object_get(o, "ok")));
		cr_assert_str_eq(json_string_value(json_object_get(o, "result")), guest,
				 "%s differs", views[i]);
		free(guest);
	}
	json_decref(replies);
	vmm_result_free(&r);
}

Test(console, views_are_the_guests_own_reports_byte_for_byte, .timeout = 60)
{
	views_match("highmem=32M run=stress:buddy,meminfo,checkpoint:77 seed=4 ops=200");
}

Test(console, slab_views_after_slab_traffic, .timeout = 60)
{
	views_match("highmem=32M slab_debug=ZP run=stress:slab,meminfo,checkpoint:77 seed=4 ops=200");
}

Test(console, json_errors_and_text_results, .timeout = 60)
{
	struct vmm_result r = run_script(STRESS, "help page\ninfo status\npage 1 2\n", "--json");
	json_t *replies, *o;

	assert_status(r, EXIT_USAGE);
	replies = json_replies(r.out);
	cr_assert_eq(json_array_size(replies), 3);
	o = reply_to(replies, "help page");
	cr_assert(json_is_true(json_object_get(o, "ok")));
	cr_assert_str_eq(json_string_value(json_object_get(o, "result")),
			 "page PFN -- the struct page of PFN, flags by name\n");
	o = reply_to(replies, "page 1 2");
	cr_assert(json_is_false(json_object_get(o, "ok")));
	cr_assert_str_eq(json_string_value(json_object_get(o, "error")),
			 "page: unexpected argument '2'; see 'help page'");
	cr_assert_null(json_object_get(o, "result"));
	cr_assert_null(strstr(r.out, "(vmm) "), "no echo in JSON mode");
	json_decref(replies);
	vmm_result_free(&r);
}

Test(console, corrupt_then_check_names_the_rule, .timeout = 60)
{
	struct vmm_result r = run_script(STRESS, "check\ncorrupt buddy-order\ncheck\n", NULL);

	assert_status(r, 0);
	assert_out_has(r, "(vmm) check\ncheck: ");
	assert_out_has(r, " rules, 0 violations\n(vmm) corrupt buddy-order\ncorrupted: ");
	assert_out_has(r, "(rule buddy.order)\n(vmm) check\nviolation: buddy.order: pfn 0x");
	assert_out_has(r, " rules, 1 violation\n");
	vmm_result_free(&r);
}

/* Every kind of the catalogue, injected from the console: the next check
 * reports its rule and no other. */
Test(console, each_corruption_is_reported_by_its_rule, .timeout = 240)
{
	for (size_t i = 0; i < insp_nr_corruptions; i++) {
		const char *kind = insp_corruptions[i].kind;
		const char *rule = insp_rules[insp_corruptions[i].rule].name;
		bool slab = !strncmp(kind, "slab-", 5), vm = !strncmp(kind, "vmalloc-", 8);
		bool as = insp_corruptions[i].rule >= R_VM_VMA && insp_corruptions[i].rule <= R_VM_KERNEL_PD;
		char text[128], want[128];
		struct vmm_result r;
		unsigned n = 0;

		snprintf(text, sizeof(text), "corrupt %s\ncheck\ncheck %s\n", kind, rule);
		r = run_script(slab ? "highmem=32M slab_debug=ZP run=stress:slab seed=1 ops=200" :
			       vm ? "highmem=32M run=stress:vmalloc seed=1 ops=200" :
			       as ? "highmem=32M run=stress:vm seed=1 ops=300" :
			       !strncmp(kind, "pkmap-", 6) || !strncmp(kind, "fixmap-", 7) ?
			       "highmem=32M run=stress:kmap seed=1 ops=200" : STRESS, text, NULL);
		assert_status(r, 0);
		for (const char *p = strstr(r.out, "\nviolation: "); p; p = strstr(p + 1, "\nviolation: ")) {
			snprintf(want, sizeof(want), "\nviolation: %s: ", rule);
			cr_assert(!strncmp(p, want, strlen(want)), "%s: %.200s", kind, p);
			n++;
		}
		cr_assert(n >= 2, "%s: reported %u times\n%s", kind, n, r.out);
		assert_out_has(r, " of the rules named\n");
		vmm_result_free(&r);
	}
}

Test(console, page_shows_a_struct_page, .timeout = 60)
{
	struct vmm_result r = run_script(STRESS, "page 0x100\n", NULL);

	assert_status(r, 0);
	assert_out_has(r, "(vmm) page 0x100\npfn 0x100 (pa 0x100000) struct page at 0x");
	assert_out_has(r, "  flags 0x80 (reserved)\n");
	vmm_result_free(&r);
}

Test(console, poke_and_flip_write_guest_memory, .timeout = 60)
{
	struct vmm_result r = run_script(STRESS, "poke 0x1000 0xdeadbeef\nflip 0x1000 0\n"
					 "poke 0x1008 0x1122334455667788 q\n", NULL);

	assert_status(r, 0);
	assert_out_has(r, "wrote 0xdeadbeef (4 bytes) at pa 0x1000\n");
	assert_out_has(r, "flipped bit 0 of pa 0x1000: now 0xee\n");
	assert_out_has(r, "wrote 0x1122334455667788 (8 bytes) at pa 0x1008\n");
	vmm_result_free(&r);
}

/* The kernel's CR3, from the image: the PML4 page after swapper_pg_dir. */
static uint64_t swapper_cr3(void)
{
	const uint32_t ram = 32u << 20;
	uint8_t *buf = calloc(1, ram);
	uint64_t addr, size;
	struct guest_mem mem;
	struct elf_info info;
	char err[256];

	cr_assert_not_null(buf);
	guest_mem_layout(&mem, ram, buf);
	cr_assert_eq(elf_load_file(&mem, GUEST_ELF, &info, err, sizeof(err)), 0, "%s", err);
	cr_assert(symtab_addr(&info.symtab, "swapper_pg_dir", &addr, &size));
	elf_info_free(&info);
	free(buf);
	return addr - PAGE_OFFSET_VAL + 4096;
}

/* A value poked at a physical address reads back through xp, through x
 * at its direct-map address, and gva2gpa names the same page. */
Test(console, xp_x_gva2gpa_and_the_kernel_maps, .timeout = 60)
{
	struct vmm_result r = run_script(STRESS, "poke 0x2000 0x11223344\nxp /1xw 0x2000\n"
					 "x/2xb 0xc0002000\ngva2gpa 0xc0002000\ninfo mem\n"
					 "info tlb\ninfo registers\nxp /2i 0\nx 0xd0000000\n", NULL);

	assert_status(r, EXIT_USAGE);
	assert_out_has(r, "(vmm) xp /1xw 0x2000\n0000000000002000: 0x11223344\n");
	assert_out_has(r, "(vmm) x/2xb 0xc0002000\n00000000c0002000: 0x44 0x33\n");
	assert_out_has(r, "  -> pa 0x2000 (2 MiB page, read-write, kernel)\ngpa: 0x2000\n");
	assert_out_has(r, "(vmm) info mem\n00000000c0000000-00000000c6000000 0000000006000000 -rw\n");
	assert_out_has(r, "(vmm) info tlb\n00000000c0000000: 0000000000000000 --PDA---W\n");
	assert_out_has(r, "EFER=00000500 LME LMA\n");
	char cr3[32];

	snprintf(cr3, sizeof(cr3), "CR3=%016llx", (unsigned long long)swapper_cr3());
	assert_out_has(r, cr3);
	assert_out_has(r, "(vmm) xp /2i 0\nerror: format 'i' (disassembly) is not supported; see 'help xp'\n");
	vmm_result_free(&r);

	r = run_script(STRESS, "x 0xd0000000\n", NULL);
	assert_status(r, EXIT_USAGE);
	assert_out_has(r, "(vmm) x 0xd0000000\nerror: va 0xd0000000 does not translate: ");
	vmm_result_free(&r);
}

/* ---- Requests to an idle guest ---------------------------------------------------- */

#define IDLE "highmem=32M run=idle"

/* The reply line after the echo of `cmd` (the first such echo). */
static char *reply_line(const struct vmm_result *r, const char *cmd)
{
	char echo[256];
	const char *p;

	snprintf(echo, sizeof(echo), "(vmm) %s\n", cmd);
	p = strstr(r->out, echo);
	cr_assert_not_null(p, "no '%s' in\n%s", cmd, r->out);
	p += strlen(echo);
	return strndup(p, strcspn(p, "\n"));
}

Test(console, guest_requests_and_their_refusals, .timeout = 60)
{
	struct vmm_result r = run_script(IDLE, "info status\nguest alloc_pages 2\nguest kmalloc 100\n"
					 "guest kfree 2\nguest kfree 2\nguest alloc_pages 11\n"
					 "guest alloc_pages 0 GFP_HIGHUSER\n"
					 "guest kmem_cache_create foo 40\nguest kmem_cache_alloc foo\n"
					 "guest kmem_cache_destroy foo\nguest kmem_cache_free 5\n"
					 "guest kmem_cache_destroy foo\n"
					 "guest mempool_create kmalloc 64 2\nguest mempool_alloc 6\n"
					 "guest mempool_free 7\nguest mempool_destroy 6\n"
					 "guest mempool_create slab kmalloc-64 1\n"
					 "guest mempool_create page 1 2\nguest mempool_destroy 99\n"
					 "cont\n", NULL);

	assert_status(r, 0);
	assert_out_has(r, "(vmm) info status\nidle\n");
	assert_out_has(r, "(vmm) guest alloc_pages 2\nid 1: order 2 at pfn 0x");
	assert_out_has(r, "(vmm) guest kmalloc 100\nid 2: 100 bytes at pfn 0x");
	assert_out_has(r, "(vmm) guest kfree 2\nid 2: freed at pfn 0x");
	assert_out_has(r, "(vmm) guest kfree 2\nrefused: -ENOENT (No such file or directory)\n");
	assert_out_has(r, "(vmm) guest alloc_pages 11\nrefused: -EINVAL (Invalid argument)\n");
	assert_out_has(r, "(vmm) guest alloc_pages 0 GFP_HIGHUSER\nid 3: order 0 at pfn 0x");
	assert_out_has(r, " (highmem, no va)\n(vmm) guest kmem_cache_create foo 40\nid 4: cache foo at");
	assert_out_has(r, "(vmm) guest kmem_cache_alloc foo\nid 5: foo object at pfn 0x");
	assert_out_has(r, "(vmm) guest kmem_cache_destroy foo\nrefused: -EBUSY (Device or resource busy)\n");
	assert_out_has(r, "(vmm) guest kmem_cache_destroy foo\nid 4: cache foo destroyed\n");
	assert_out_has(r, "(vmm) guest mempool_create kmalloc 64 2\nid 6: mempool (kmalloc 64 bytes, min_nr 2)");
	assert_out_has(r, "(vmm) guest mempool_alloc 6\nid 7: element of pool 6 at pfn 0x");
	assert_out_has(r, "(vmm) guest mempool_destroy 6\nid 6: mempool destroyed\n");
	assert_out_has(r, "(vmm) guest mempool_create slab kmalloc-64 1\nid 8: mempool (slab kmalloc-64, min_nr 1)");
	assert_out_has(r, "(vmm) guest mempool_create page 1 2\nid 9: mempool (order 1, min_nr 2)");
	assert_out_has(r, "(vmm) guest mempool_destroy 99\nrefused: -ENOENT (No such file or directory)\n");
	assert_out_has(r, "(vmm) cont\nidle: the guest waits for 'guest ...' requests; nothing to continue\n");
	vmm_result_free(&r);
}

Test(console, bad_guest_requests_are_refused_before_the_guest_sees_them, .timeout = 60)
{
	static const struct bad_cmd cases[] = {
		{ "guest kmalloc 64 GFP_NOPE", "bad gfp_mask 'GFP_NOPE': unknown flag 'GFP_NOPE' (GFP_KERNEL, "
		  "GFP_ATOMIC, GFP_HIGHUSER, GFP_DMA, __GFP_ZERO, ... or a number); see 'help guest kmalloc'" },
		{ "guest kmalloc 8G", "bad size '8G': must be 0..4294967295; see 'help guest kmalloc'" },
		{ "guest kmem_cache_create 0123456789abcdef0123456789abcdef 40",
		  "guest kmem_cache_create: the name '0123456789abcdef0123456789abcdef' is longer than 31 bytes; see 'help guest kmem_cache_create'" },
		{ "guest mempool_create buddy 1 2", "guest mempool_create: bad kind 'buddy': slab, kmalloc or page; see 'help guest mempool_create'" },
		{ "guest free_pages x", "bad id 'x': not a number; see 'help guest free_pages'" },
	};

	script_errors(IDLE, cases, sizeof(cases) / sizeof(cases[0]));
}

/* The row of buddyinfo for zone Normal, as numbers. */
static void normal_row(const char *view, unsigned long n[11])
{
	const char *p = strstr(view, "zone   Normal");

	cr_assert_not_null(p, "%s", view);
	p += strlen("zone   Normal");
	for (int o = 0; o < 11; o++)
		n[o] = strtoul(p, (char **)&p, 10);
}

/* An order-3 block comes off the smallest non-empty free list at or above
 * order 3, split down as expand() does; freeing it merges it back. */
Test(console, guest_requests_change_buddyinfo_exactly, .timeout = 60)
{
	struct vmm_result r = run_script("run=idle", "buddyinfo\nguest alloc_pages 3\nbuddyinfo\n"
					 "guest free_pages 1\nbuddyinfo\n", "--json");
	unsigned long before[11], mid[11], after[11], want[11];
	json_t *replies;
	size_t i;
	json_t *o;
	int k = 0;

	assert_status(r, 0);
	replies = json_replies(r.out);
	json_array_foreach(replies, i, o) {
		if (strcmp(json_string_value(json_object_get(o, "cmd")), "buddyinfo"))
			continue;
		normal_row(json_string_value(json_object_get(o, "result")),
			   k == 0 ? before : k == 1 ? mid : after);
		k++;
	}
	cr_assert_eq(k, 3);
	memcpy(want, before, sizeof(want));
	int from = 3;
	while (from < 11 && !before[from])
		from++;
	cr_assert(from < 11);
	want[from]--;
	for (int o2 = 3; o2 < from; o2++)
		want[o2]++;
	for (int o2 = 0; o2 < 11; o2++) {
		cr_assert_eq(mid[o2], want[o2], "order %d after alloc_pages 3: %lu, want %lu", o2,
			     mid[o2], want[o2]);
		cr_assert_eq(after[o2], before[o2], "order %d after the free", o2);
	}
	o = json_object_get(reply_to(replies, "guest alloc_pages 3"), "result");
	cr_assert_eq(json_integer_value(json_object_get(o, "result")), 0);
	cr_assert_eq(json_integer_value(json_object_get(o, "id")), 1);
	cr_assert_eq(json_integer_value(json_object_get(o, "pfn")) % 8, 0);
	json_decref(replies);
	vmm_result_free(&r);
}

/* A cache made by the console appears in slabinfo, fills one slab when an
 * object is taken, and is gone after it is destroyed. */
Test(console, guest_requests_change_slabinfo, .timeout = 60)
{
	struct vmm_result r = run_script("run=idle", "guest kmem_cache_create foo 40\nslabinfo\n"
					 "guest kmem_cache_alloc foo\nslabinfo\n"
					 "guest kmem_cache_free 2\nguest kmem_cache_destroy foo\nslabinfo\n",
					 "--json");
	json_t *replies, *o;
	size_t i;
	int k = 0;

	assert_status(r, 0);
	replies = json_replies(r.out);
	json_array_foreach(replies, i, o) {
		const char *v, *line;
		unsigned long active, num, size, per, pages;

		if (strcmp(json_string_value(json_object_get(o, "cmd")), "slabinfo"))
			continue;
		v = json_string_value(json_object_get(o, "result"));
		line = strstr(v, "\nfoo ");
		if (k == 2) {
			cr_assert_null(line, "foo still listed:\n%s", v);
		} else {
			cr_assert_not_null(line, "%s", v);
			cr_assert_eq(sscanf(line + 1, "foo %lu %lu %lu %lu %lu", &active, &num, &size,
					    &per, &pages), 5, "%s", line);
			cr_assert_eq(size, 40);
			cr_assert(per > 1);
			if (k == 0)
				cr_assert(active == 0 && num == 0, "%s", line);
			else
				cr_assert(active >= 1 && num == per, "one slab: %s", line);
		}
		k++;
	}
	cr_assert_eq(k, 3);
	json_decref(replies);
	vmm_result_free(&r);
}

Test(console, fail_page_alloc_times_3_fails_exactly_three, .timeout = 60)
{
	struct vmm_result r = run_script(IDLE, "fail page_alloc probability=100 times=3 verbose=0\n"
					 "guest alloc_pages 0\nguest alloc_pages 1\nguest kmalloc 8192 GFP_KERNEL|__GFP_NOWARN\n"
					 "guest alloc_pages 0\nguest alloc_pages 0\nfail show\nfail off\n", NULL);
	char *line;

	assert_status(r, 0);
	assert_out_has(r, "(vmm) guest alloc_pages 0\nrefused: -ENOMEM (Cannot allocate memory)\n"
		       "(vmm) guest alloc_pages 1\nrefused: -ENOMEM (Cannot allocate memory)\n"
		       "(vmm) guest kmalloc 8192 GFP_KERNEL|__GFP_NOWARN\nrefused: -ENOMEM (Cannot allocate memory)\n"
		       "(vmm) guest alloc_pages 0\nid 1: order 0 at pfn 0x");
	assert_out_has(r, "\n(vmm) guest alloc_pages 0\nid 2: order 0 at pfn 0x");
	line = reply_line(&r, "fail show");
	cr_assert_str_eq(line, "page_alloc: probability=100 interval=1 times=0 space=0 min_order=0 "
			 "ignore_gfp_highmem=0 ignore_gfp_wait=0 verbose=0 injected=3");
	free(line);
	line = reply_line(&r, "fail off");
	cr_assert(!strncmp(line, "page_alloc: probability=0 ", 26), "%s", line);
	free(line);
	vmm_result_free(&r);
}

Test(console, fail_slab_with_a_cache_filter_hits_only_that_cache, .timeout = 60)
{
	struct vmm_result r = run_script(IDLE, "guest kmem_cache_create a 64\n"
					 "guest kmem_cache_create b 64\n"
					 "fail slab probability=100 times=-1 verbose=0 cache=a\n"
					 "guest kmem_cache_alloc a\nguest kmem_cache_alloc b\n"
					 "guest kmalloc 64\nguest kmem_cache_alloc a\nfail show\n", NULL);
	char *line;

	assert_status(r, 0);
	assert_out_has(r, "(vmm) guest kmem_cache_alloc a\nrefused: -ENOMEM (Cannot allocate memory)\n"
		       "(vmm) guest kmem_cache_alloc b\nid 3: b object at pfn 0x");
	assert_out_has(r, "(vmm) guest kmalloc 64\nid 4: 64 bytes at pfn 0x");
	assert_out_has(r, "(vmm) guest kmem_cache_alloc a\nrefused: -ENOMEM (Cannot allocate memory)\n"
		       "(vmm) fail show\n");
	line = strstr(r.out, "\nslab: probability=100 ");
	cr_assert_not_null(line, "%s", r.out);
	cr_assert(strstr(line, " injected=2 cache=a\n"), "%s", line);
	vmm_result_free(&r);
}

/* The README's transcript that starts with the line `first` is what the
 * script prints. */
static void assert_readme_transcript(const char *first, const char *script_path)
{
	FILE *f = fopen(SRC_ROOT "/README.md", "re");
	char line[1024], *want = NULL;
	size_t len = 0;
	FILE *w = open_memstream(&want, &len);
	bool in = false;
	struct vmm_result r;

	cr_assert(f && w);
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "    ", 4) && !strcmp(line + 4, first))
			in = true;
		if (in && strncmp(line, "    ", 4))
			break;
		if (in)
			fputs(line + 4, w);
	}
	fclose(f);
	fclose(w);
	cr_assert(len > 200, "no transcript starting '%s' in README.md", first);
	r = vmm_run(60, SMALL, "-c", "highmem=32M run=idle", "--script", script_path, NULL);
	assert_status(r, 0);
	const char *got = strstr(r.out, "(vmm) ");
	cr_assert_not_null(got);
	cr_assert_str_eq(got, want);
	free(want);
	vmm_result_free(&r);
}

/* The README's console transcripts are what the scripts print. */
Test(console, the_readme_transcript_is_real, .timeout = 60)
{
	assert_readme_transcript("(vmm) guest alloc_pages 2\n", SRC_ROOT "/scripts/console-demo.vmm");
}

Test(console, the_readme_tasks_transcript_is_real, .timeout = 60)
{
	assert_readme_transcript("(vmm) guest spawn demo 64 3\n",
				 SRC_ROOT "/scripts/console-tasks.vmm");
}

Test(console, options_are_checked, .timeout = 30)
{
	struct vmm_result r = vmm_run(10, "--json", NULL);

	assert_status(r, EXIT_USAGE);
	assert_err_has(r, "--json formats console replies: add --console, --console unix:PATH or "
		       "--script FILE");
	vmm_result_free(&r);
	r = vmm_run(10, "--console", "--script", "x", NULL);
	assert_status(r, EXIT_USAGE);
	assert_err_has(r, "one console at a time: --console, --console unix:PATH or --script FILE");
	vmm_result_free(&r);
	r = vmm_run(10, "--console=tcp:1234", NULL);
	assert_status(r, EXIT_USAGE);
	assert_err_has(r, "--console: 'tcp:1234' is not unix:PATH (--console alone is the terminal)");
	vmm_result_free(&r);
	r = vmm_run(10, "--script", "/nonexistent/s.vmm", "-c", "run=exit:0", NULL);
	assert_status(r, EXIT_NO_IMAGE);
	assert_err_has(r, "--script /nonexistent/s.vmm: cannot open it");
	vmm_result_free(&r);
}

/* tasks: a line per task, read from guest memory at the first checkpoint of
 * stress:vm (every task has yielded once: 100 operations each). */
Test(console, tasks_lists_every_task, .timeout = 60)
{
	struct vmm_result r = run_script("highmem=32M run=stress:vm seed=1 ops=300", "tasks\n", NULL);

	assert_status(r, 0);
	assert_out_has(r, "(vmm) tasks\n  PID COMMAND          STATE VMAS     VSZ kB     RSS kB   FAULTS\n"
			  "    0 swapper          R        -          -          -        0\n"
			  "    1 vmstress         R ");
	assert_out_has(r, "\n    3 vmstress         R ");
	vmm_result_free(&r);
}

/* The kmap requests and the pkmap view: the pfn comes from a first run of
 * the same (deterministic) guest, which allocates the same page. */
Test(console, kmap_requests_and_the_pkmap_view, .timeout = 60)
{
	struct vmm_result r = run_script(IDLE, "guest alloc_pages 0 GFP_HIGHUSER\n", NULL);
	const char *p = strstr(r.out, "id 1: order 0 at pfn ");
	unsigned long pfn;
	char text[512], want[320];

	assert_status(r, 0);
	cr_assert(p, "%s", r.out);
	pfn = strtoul(p + strlen("id 1: order 0 at pfn "), NULL, 16);
	vmm_result_free(&r);
	snprintf(text, sizeof(text),
		 "guest alloc_pages 0 GFP_HIGHUSER\nguest kmap %#lx\nguest kmap %#lx\n"
		 "guest kmap_atomic %#lx\npkmap\ncheck\nguest free_pages 1\nguest kunmap 2\n"
		 "guest kunmap 3\nguest kunmap 3\npkmap\nguest kmap 0x100\nguest kmap_atomic 0x7fff0\n"
		 "guest free_pages 1\n", pfn, pfn, pfn);
	r = run_script(IDLE, text, NULL);
	assert_status(r, 0);
	snprintf(want, sizeof(want), "(vmm) guest kmap %#lx\nid 2: kmap at pfn %#lx (va 0xffc01000)\n",
		 pfn, pfn);
	assert_out_has(r, want);
	snprintf(want, sizeof(want), "(vmm) guest kmap %#lx\nid 3: kmap at pfn %#lx (va 0xffc01000)\n",
		 pfn, pfn);
	assert_out_has(r, want);
	snprintf(want, sizeof(want), "(vmm) guest kmap_atomic %#lx\nkmap_atomic at pfn %#lx (va "
		 "0xffffe000), unmapped again\n", pfn, pfn);
	assert_out_has(r, want);
	snprintf(want, sizeof(want), "(vmm) pkmap\npkmap: 512 slots at 0xffc00000: 1 in use (2 users), "
		 "0 unused but not flushed, 0 flushes\n slot va         count users pfn        "
		 "page_address\n    1 0xffc01000     3     2 %#-10lx 0xffc01000\nkmap_atomic: no slot "
		 "mapped\n", pfn);
	assert_out_has(r, want);
	assert_out_has(r, "(vmm) check\ncheck: ");
	assert_out_has(r, " rules, 0 violations\n");
	/* Pages the console kmaps are not freed under the mapping. */
	assert_out_has(r, "(vmm) guest free_pages 1\nrefused: -EBUSY (Device or resource busy)\n");
	assert_out_has(r, "(vmm) guest kunmap 2\nid 2: kunmapped at pfn ");
	assert_out_has(r, "(vmm) guest kunmap 3\nid 3: kunmapped at pfn ");
	assert_out_has(r, "(vmm) guest kunmap 3\nrefused: -ENOENT (No such file or directory)\n");
	/* The last user gone: unused, still mapped until the next flush. */
	assert_out_has(r, "0 in use (0 users), 1 unused but not flushed, 0 flushes\n");
	/* A page not in use (the kernel image, a pfn past RAM) is refused. */
	assert_out_has(r, "(vmm) guest kmap 0x100\nrefused: -EINVAL (Invalid argument)\n");
	assert_out_has(r, "(vmm) guest kmap_atomic 0x7fff0\nrefused: -EINVAL (Invalid argument)\n");
	snprintf(want, sizeof(want), "(vmm) guest free_pages 1\nid 1: freed at pfn %#lx", pfn);
	assert_out_has(r, want);
	vmm_result_free(&r);
}

/* A page the console kmaps but does not own is pinned: its owner may free
 * it, and it stays off the free lists until the kunmap. */
Test(console, a_kmapped_page_is_pinned_against_its_owner, .timeout = 60)
{
	struct vmm_result r = run_script(IDLE, "guest mempool_create page 0 2\n"
					 "guest mempool_alloc 1 GFP_HIGHUSER\n", NULL);
	const char *p = strstr(r.out, "id 2: element of pool 1 at pfn ");
	unsigned long pfn;
	char text[512], want[256];

	assert_status(r, 0);
	cr_assert(p, "%s", r.out);
	pfn = strtoul(p + strlen("id 2: element of pool 1 at pfn "), NULL, 16);
	vmm_result_free(&r);
	snprintf(text, sizeof(text),
		 "guest mempool_create page 0 2\nguest mempool_alloc 1 GFP_HIGHUSER\nguest kmap %#lx\n"
		 "guest mempool_free 2\nguest mempool_destroy 1\npage %#lx\ncheck\nguest kunmap 3\n"
		 "page %#lx\ncheck\n", pfn, pfn, pfn);
	r = run_script(IDLE, text, NULL);
	assert_status(r, 0);
	snprintf(want, sizeof(want), "(vmm) page %#lx\npfn %#lx (pa %#lx) struct page at ", pfn, pfn,
		 pfn << 12);
	p = strstr(r.out, want);
	cr_assert(p, "%s", r.out);
	cr_assert(strstr(p, "  refcount 1  mapcount 0 "), "%s", p);
	p = strstr(p + 1, want);
	cr_assert(p, "%s", r.out);
	cr_assert(strstr(p, "  refcount 0  mapcount 0 "), "%s", p);
	cr_assert_null(strstr(r.out, "violation:"), "%s", r.out);
	assert_out_has(r, " rules, 0 violations\n(vmm) guest kunmap 3\n");
	vmm_result_free(&r);
}

/*
 * Every pkmap slot held: a kmap of one more HighMem page is refused with
 * -EBUSY (Linux would sleep for a slot; one vCPU with no scheduler cannot),
 * nothing changes, and a kunmap makes room for it.  The 513 pages are a
 * task's, written in a first run (the guest is deterministic, and the
 * second run's info tlb must list the same ones).
 */
Test(console, a_kmap_with_every_pkmap_slot_held_is_refused, .timeout = 120)
{
	const char *setup = "guest spawn demand 4M\nguest schedule 2\ninfo tlb 1\n";
	struct vmm_result r = run_script(IDLE, setup, NULL);
	unsigned long pfns[513], va, pa;
	size_t n = 0, len, cap = 32768;
	char *text = malloc(cap), want[160], *tlb;
	const char *p;

	cr_assert(text);
	assert_status(r, 0);
	p = strstr(r.out, "(vmm) info tlb 1\n");
	cr_assert(p, "%s", r.out);
	tlb = strndup(p, strstr(p, "(vmm) quit") ? (size_t)(strstr(p, "(vmm) quit") - p) : strlen(p));
	for (p = strchr(p, '\n') + 1; n < 513 && sscanf(p, "%lx: %lx", &va, &pa) == 2;
	     p = strchr(p, '\n') + 1)
		if (va < 0xc0000000ul && pa >= 0x6000000ul)   /* HighMem starts at 96 MiB */
			pfns[n++] = pa >> 12;
	cr_assert_eq(n, 513, "%s", r.out);
	vmm_result_free(&r);

	len = (size_t)snprintf(text, cap, "%s", setup);
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, cap - len, "guest kmap %#lx\n", pfns[i]);
	len += (size_t)snprintf(text + len, cap - len, "pkmap\ncheck\nguest kunmap 1\n"
				"guest kmap %#lx\ncheck\n", pfns[512]);
	cr_assert_lt(len, cap);
	r = run_script(IDLE, text, NULL);
	assert_status(r, 0);
	assert_out_has(r, tlb);
	snprintf(want, sizeof(want), "(vmm) guest kmap %#lx\nid 512: kmap at pfn %#lx (va ", pfns[511],
		 pfns[511]);
	assert_out_has(r, want);
	snprintf(want, sizeof(want), "(vmm) guest kmap %#lx\nrefused: -EBUSY (Device or resource "
		 "busy)\n(vmm) pkmap\npkmap: 512 slots at 0xffc00000: 512 in use (512 users)",
		 pfns[512]);
	assert_out_has(r, want);
	/* The refusal took no id: the kmap after the kunmap is id 513. */
	snprintf(want, sizeof(want), "(vmm) guest kunmap 1\nid 1: kunmapped at pfn %#lx (va ", pfns[0]);
	assert_out_has(r, want);
	snprintf(want, sizeof(want), "(vmm) guest kmap %#lx\nid 513: kmap at pfn %#lx (va ", pfns[512],
		 pfns[512]);
	assert_out_has(r, want);
	cr_assert_null(strstr(r.out, "violation:"), "%s", r.out);
	free(tlb);
	free(text);
	vmm_result_free(&r);
}

#define TASKS "highmem=32M run=stress:vm seed=1"

/* A task's own address space: tasks lists them; info mem, info tlb, x and
 * gva2gpa take a PID, with the user pages' rights (u). */
Test(console, task_address_spaces_by_pid, .timeout = 60)
{
	struct vmm_result r = run_script(TASKS, "tasks\ninfo mem 1\ninfo tlb 1\ngva2gpa 0x8048000 1\n"
					 "x /2xw 0x8048000 1\n", NULL);

	assert_status(r, 0);
	assert_out_has(r, "(vmm) tasks\n  PID COMMAND          STATE VMAS     VSZ kB     RSS kB   "
		       "FAULTS\n    0 swapper          R        -          -          -        0\n"
		       "    1 vmstress         R ");
	assert_out_has(r, "(vmm) info mem 1\n0000000008048000-0000000008049000 0000000000001000 urw\n");
	assert_out_has(r, "(vmm) info tlb 1\n0000000008048000: 00000000");
	assert_out_has(r, " ---DA--UW\n");
	assert_out_has(r, "(vmm) gva2gpa 0x8048000 1\nva 0x8048000 (cr3 0x");
	assert_out_has(r, "(4 KiB page, read-write, user)\ngpa: 0x");
	assert_out_has(r, "(vmm) x /2xw 0x8048000 1\n0000000008048000: 0x");
	vmm_result_free(&r);
}

/* maps PID is /proc/PID/maps computed from guest memory: at demo:vm's last
 * checkpoint it is byte for byte what the guest printed just before it. */
Test(console, maps_matches_the_guests_own, .timeout = 60)
{
	struct vmm_result r = run_script("highmem=32M run=demo:vm", "cont\ncont\ncont\ncont\n"
					 "info status\nmaps 1\ninfo status\n", NULL);
	const char *guest, *host;
	char *want;

	assert_status(r, 0);
	guest = strstr(r.out, "demo:vm: /proc/1/maps (the image, the heap, the 64 MiB mapping, the stack):\n");
	cr_assert(guest, "%s", r.out);
	guest = strchr(guest, '\n') + 1;
	want = strndup(guest, (size_t)(strstr(guest, "(vmm) ") - guest));
	cr_assert(strstr(want, "08048000-08049000 rwxp 00000000 00:00 0 \n"), "%s", want);
	cr_assert(strstr(want, " [stack]\n"), "%s", want);
	assert_out_has(r, "(vmm) info status\nheld at checkpoint 5 (tag 5)\n");
	host = strstr(r.out, "(vmm) maps 1\n");
	cr_assert(host, "%s", r.out);
	host += strlen("(vmm) maps 1\n");
	cr_assert(!strncmp(host, want, strlen(want)) && !strncmp(host + strlen(want), "(vmm) ", 6),
		  "host:\n%s\nguest:\n%s", host, want);
	free(want);
	vmm_result_free(&r);
}

Test(console, task_address_space_errors, .timeout = 120)
{
	static const struct bad_cmd cases[] = {
		{ "info mem 9", "no task with pid 9; 'tasks' lists them; see 'help info mem'" },
		{ "info tlb 0", "pid 0 has no address space; see 'help info tlb'" },
		{ "maps 0", "pid 0 has no address space; see 'help maps'" },
		{ "maps 9", "no task with pid 9; 'tasks' lists them; see 'help maps'" },
		{ "maps", "maps: missing argument: maps PID; see 'help maps'" },
		{ "maps -1", "bad pid '-1': not a number; see 'help maps'" },
		{ "gva2gpa 0x8048000 x", "bad pid 'x': not a number; see 'help gva2gpa'" },
		{ "x /4xw", "x: missing argument: the address after the format; see 'help x'" },
	};

	script_errors(TASKS, cases, sizeof(cases) / sizeof(cases[0]));
}

/* User tasks from the console: a program loaded and stopped before its first
 * instruction, pages faulted in on its behalf (the zero page on a read of
 * the stack it grows into, a page of its own on the write), then killed
 * and reaped; and every refusal. */
Test(console, spawn_touch_and_kill_a_task, .timeout = 60)
{
	struct vmm_result r = run_script(IDLE, "guest spawn vmtest\ntasks\n"
					 "guest touch 1 0xbfffe000\ninfo mem 1\ntasks\n"
					 "guest touch 1 0xbfffe010 w\ninfo mem 1\ntasks\n"
					 "guest touch 1 0x8048004\ntasks\n"
					 "guest touch 1 0x1000\nguest touch 1 0x1000 w\n"
					 "guest touch 1 0x8049000\nguest touch 1 0xc0000000\n"
					 "guest touch 9 0x8048000\nguest touch 0 0x8048000\n"
					 "guest spawn nosuch\nguest kill 0\nguest kill 9\n"
					 "guest kill 1\ntasks\nguest kill 1\nguest touch 1 0x8048000\n"
					 "check\n", NULL);
	char *zero, *page;

	assert_status(r, 0);
	assert_out_has(r, "(vmm) guest spawn vmtest\npid 1: vmtest spawned, stopped before its "
		       "first instruction\n");
	/* Loaded: the image and the stack page its frame was written to. */
	assert_out_has(r, "(vmm) tasks\n  PID COMMAND          STATE VMAS     VSZ kB     RSS kB   "
		       "FAULTS\n    0 swapper          R        -          -          -        0\n"
		       "    1 vmtest           R        2          8          8        0\n");
	/* A read just below the stack grows it and maps the zero page read-only:
	 * a fault of the task's, no RSS. */
	zero = reply_line(&r, "guest touch 1 0xbfffe000");
	cr_assert(!strncmp(zero, "pid 1: read of 0xbfffe000: pfn 0x", 33), "%s", zero);
	cr_assert(strstr(zero, " (the zero page)"), "%s", zero);
	assert_out_has(r, "(vmm) info mem 1\n0000000008048000-0000000008049000 0000000000001000 urw\n"
		       "00000000bfffe000-00000000bffff000 0000000000001000 ur-\n"
		       "00000000bffff000-00000000c0000000 0000000000001000 urw\n");
	assert_out_has(r, "    1 vmtest           R        2         12          8        1\n");
	/* The write: copy-on-write from the zero page to a page of its own. */
	page = reply_line(&r, "guest touch 1 0xbfffe010 w");
	cr_assert(!strncmp(page, "pid 1: write of 0xbfffe000: pfn 0x", 34), "%s", page);
	cr_assert_null(strstr(page, "zero page"), "%s", page);
	cr_assert_neq(strtoul(zero + 33, NULL, 16), strtoul(page + 34, NULL, 16), "%s / %s", zero, page);
	assert_out_has(r, "(vmm) info mem 1\n0000000008048000-0000000008049000 0000000000001000 urw\n"
		       "00000000bfffe000-00000000c0000000 0000000000002000 urw\n");
	assert_out_has(r, "    1 vmtest           R        2         12         12        2\n");
	/* A page already there with the access asked for: taken as it is, no
	 * fault (follow_page_mask). */
	assert_out_has(r, "(vmm) guest touch 1 0x8048004\npid 1: read of 0x8048000: pfn 0x");
	{
		const char *after = strstr(strstr(r.out, "(vmm) guest touch 1 0x8048004\n"),
					   "(vmm) tasks\n");

		cr_assert(after && strstr(after, "    1 vmtest           R        2         12         "
					  "12        2\n(vmm) guest touch 1 0x1000\n"), "%s", r.out);
	}
	/* Below every VMA, between the image and a stack that may not grow
	 * that far, the kernel half. */
	assert_out_has(r, "(vmm) guest touch 1 0x1000\nrefused: -EFAULT (Bad address)\n");
	assert_out_has(r, "(vmm) guest touch 1 0x1000 w\nrefused: -EFAULT (Bad address)\n");
	assert_out_has(r, "(vmm) guest touch 1 0x8049000\nrefused: -EFAULT (Bad address)\n");
	assert_out_has(r, "(vmm) guest touch 1 0xc0000000\nrefused: -EFAULT (Bad address)\n");
	assert_out_has(r, "(vmm) guest touch 9 0x8048000\nrefused: -ESRCH (No such process)\n");
	assert_out_has(r, "(vmm) guest touch 0 0x8048000\nrefused: -ESRCH (No such process)\n");
	assert_out_has(r, "(vmm) guest spawn nosuch\nrefused: -ENOENT (No such file or directory)\n");
	assert_out_has(r, "(vmm) guest kill 0\nrefused: -EPERM (Operation not permitted)\n");
	assert_out_has(r, "(vmm) guest kill 9\nrefused: -ESRCH (No such process)\n");
	assert_out_has(r, "(vmm) guest kill 1\npid 1: killed (SIGKILL) and reaped\n(vmm) tasks\n"
		       "  PID COMMAND          STATE VMAS     VSZ kB     RSS kB   FAULTS\n"
		       "    0 swapper          R        -          -          -        0\n(vmm) ");
	assert_out_has(r, "(vmm) guest kill 1\nrefused: -ESRCH (No such process)\n");
	assert_out_has(r, "(vmm) guest touch 1 0x8048000\nrefused: -ESRCH (No such process)\n");
	assert_out_has(r, "(vmm) check\ncheck: ");
	assert_out_has(r, " rules, 0 violations\n");
	free(zero);
	free(page);
	vmm_result_free(&r);
}

Test(console, task_request_errors, .timeout = 60)
{
	static const struct bad_cmd cases[] = {
		{ "guest touch 1 0x8048000 x", "guest touch: 'x' is not w (a write); see 'help guest touch'" },
		{ "guest touch 1", "guest touch: missing argument: guest touch PID VA [w]; see 'help guest touch'" },
		{ "guest kill", "guest kill: missing argument: guest kill PID; see 'help guest kill'" },
		{ "guest spawn", "guest spawn: missing argument: guest spawn PROGRAM [ARG [ARG2]]; see 'help guest spawn'" },
		{ "guest spawn demand x", "bad arg 'x': not a number; see 'help guest spawn'" },
		{ "guest spawn demand 1 0x100000000", "bad arg2 '0x100000000': must be 0..4294967295; see 'help guest spawn'" },
		{ "guest schedule 0", "guest schedule: 0 rounds: from 1 to 1000000; see 'help guest schedule'" },
		{ "guest schedule 1000001", "guest schedule: 1000001 rounds: from 1 to 1000000; see 'help guest schedule'" },
		{ "guest schedule x", "bad rounds 'x': not a number; see 'help guest schedule'" },
		{ "guest spawn a_program_name_of_32_characters_xx",
		  "guest spawn: the name 'a_program_name_of_32_characters_xx' is longer than 31 bytes; see 'help guest spawn'" },
		{ "guest touch 1 0x100000000", "bad va '0x100000000': must be 0..4294967295; see 'help guest touch'" },
		{ "guest kill x", "bad pid 'x': not a number; see 'help guest kill'" },
	};

	script_errors(IDLE, cases, sizeof(cases) / sizeof(cases[0]));
}

/*
 * guest schedule runs the round: a spawned task runs from its first
 * instruction to its next yield, its faults and RSS growing as it goes, and
 * is reaped with its exit status; a task killed by a fault is reaped with
 * its signal.  Between rounds a task's address space holds still, so a
 * touch sees the read-only middle of an mprotect split (-EFAULT for a
 * write, the task's own page for a read).
 */
Test(console, schedule_runs_spawned_tasks_round_by_round, .timeout = 60)
{
	struct vmm_result r = run_script(IDLE, "guest schedule\nguest spawn demand 1M\n"
					 "guest schedule\ntasks\nguest schedule\ntasks\ncheck\n"
					 "guest schedule 5\ntasks\n"
					 "guest spawn vmtest 8\nguest schedule\ninfo mem 2\n"
					 "guest touch 2 0x50002000 w\nguest touch 2 0x50002000\n"
					 "guest spawn vmtest 1\nguest schedule 2\ntasks\n"
					 "guest schedule 9\ncheck\n", NULL);
	char *rd;

	assert_status(r, 0);
	assert_out_has(r, "(vmm) guest schedule\n0 of 1 round run: no user task is left runnable\n");
	/* Round 1: demand mmaps 1 MiB and yields before touching it. */
	assert_out_has(r, "(vmm) guest schedule\n1 of 1 round run\n(vmm) tasks\n"
		       "  PID COMMAND          STATE VMAS     VSZ kB     RSS kB   FAULTS\n"
		       "    0 swapper          R        -          -          -        0\n"
		       "    1 demand           R        3       1032          8        0\n");
	/* Round 2: one fault per page written, all of them resident. */
	assert_out_has(r, "(vmm) guest schedule\n1 of 1 round run\n(vmm) tasks\n"
		       "  PID COMMAND          STATE VMAS     VSZ kB     RSS kB   FAULTS\n"
		       "    0 swapper          R        -          -          -        0\n"
		       "    1 demand           R        3       1032       1032      256\n"
		       "(vmm) check\ncheck: ");
	/* Round 3 munmaps, round 4 exits; the fifth is not needed. */
	assert_out_has(r, "(vmm) guest schedule 5\npid 1 (demand): exited with status 0\n"
		       "2 of 5 rounds run: no user task is left runnable\n(vmm) tasks\n"
		       "  PID COMMAND          STATE VMAS     VSZ kB     RSS kB   FAULTS\n"
		       "    0 swapper          R        -          -          -        0\n(vmm) ");
	/* vmtest 8 (mprotect_split): pages 2-3 of its 8 made read-only. */
	assert_out_has(r, "(vmm) info mem 2\n0000000008048000-0000000008049000 0000000000001000 urw\n"
		       "0000000050000000-0000000050002000 0000000000002000 urw\n"
		       "0000000050002000-0000000050004000 0000000000002000 ur-\n"
		       "0000000050004000-0000000050008000 0000000000004000 urw\n");
	assert_out_has(r, "(vmm) guest touch 2 0x50002000 w\nrefused: -EFAULT (Bad address)\n");
	rd = reply_line(&r, "guest touch 2 0x50002000");
	cr_assert(!strncmp(rd, "pid 2: read of 0x50002000: pfn 0x", 33), "%s", rd);
	cr_assert_null(strstr(rd, "zero page"), "the task wrote that page: %s", rd);
	free(rd);
	/* vmtest 1 writes to a read-only page and dies in its first round;
	 * vmtest 8 goes on, and exits in the next request's rounds. */
	assert_out_has(r, "vmtest[3]: segfault at 40000000 ");
	assert_out_has(r, "pid 3 (vmtest): killed by signal 11\n2 of 2 rounds run\n(vmm) tasks\n"
		       "  PID COMMAND          STATE VMAS     VSZ kB     RSS kB   FAULTS\n"
		       "    0 swapper          R        -          -          -        0\n"
		       "    2 vmtest           R ");
	assert_out_has(r, "pid 2 (vmtest): exited with status 0\n");
	assert_out_has(r, " rules, 0 violations\n");
	cr_assert_null(strstr(r.out, "violation:"), "%s", r.out);
	vmm_result_free(&r);
}

/* A program given arguments it cannot use says why and exits non-zero,
 * which the reap line shows: no silent wrap of a 32-bit length, no silent
 * unknown test. */
Test(console, programs_refuse_bad_arguments, .timeout = 60)
{
	struct vmm_result r = run_script(IDLE, "guest spawn demo 5000 1\nguest spawn vmtest 99\n"
					 "guest spawn demand 0\nguest schedule\ncheck\n", NULL);

	assert_status(r, 0);
	assert_out_has(r, "demo: want 1 to 4095 MiB to map and at most that many to touch\n");
	assert_out_has(r, "vmtest: no such test (1-18, guest/include/vmtest.h): 99\n");
	assert_out_has(r, "demand: mmap failed, errno 22\n");
	assert_out_has(r, "pid 1 (demo): exited with status 1\npid 2 (vmtest): exited with status "
		       "100\npid 3 (demand): exited with status 2\n1 of 1 round run\n");
	assert_out_has(r, " rules, 0 violations\n");
	vmm_result_free(&r);
}

/*
 * A guest request still unanswered after --console-timeout is reported
 * late, and its answer follows when the guest gives it; a script's next
 * command waits for that answer.  The request is harness_long_round()'s.
 */
Test(console, a_late_answer_follows_its_report, .timeout = 90)
{
	const char *mem;
	unsigned long mib;
	char text[128], want[128];
	struct script s;
	struct vmm_result r;

	harness_long_round(&mem, &mib);
	snprintf(text, sizeof(text), "guest spawn demand %luM\nguest schedule 2\ntasks\n", mib);
	script(&s, text);
	r = vmm_run(80, "-m", mem, "-c", IDLE, "--console-timeout", "0.2", "--script", s.path,
		    NULL);
	unlink(s.path);
	assert_status(r, 0);
	assert_out_has(r, "(vmm) guest schedule 2\nerror: guest schedule 2: the guest has not "
		       "answered within 0.2 s; it is still carrying the request out, and its "
		       "answer will follow when it comes\n2 of 2 rounds run\n(vmm) tasks\n");
	/* Every page written, one fault each, all resident (plus the image and
	 * stack pages). */
	snprintf(want, sizeof(want), "    1 demand           R        3 %10lu %10lu %8lu\n",
		 mib * 1024 + 8, mib * 1024 + 8, mib * 256);
	assert_out_has(r, want);
	vmm_result_free(&r);
}

/*
 * A reserved bit in a present user PTE is a corrupt page table, not a
 * fault of the task's: the kernel oopses with "Bad pagetable" (Linux's
 * pgtable_bad) and the run ends with status 80.  The PTE's address comes
 * from a first run: the guest is deterministic, and the second run shows
 * the same walk before it pokes bit 63 (XD, reserved while EFER.NXE is
 * clear).
 */
Test(console, a_reserved_bit_in_a_user_pte_is_an_oops, .timeout = 60)
{
	const char *setup = "guest spawn vmtest 7\nguest schedule\ngva2gpa 0x50000000 1\n";
	struct vmm_result r = run_script(IDLE, setup, NULL);
	char *walk, *pte_line, text[512], want[160];
	unsigned long pte_pa, pte;

	assert_status(r, 0);
	walk = strstr(r.out, "(vmm) gva2gpa 0x50000000 1\n");
	cr_assert(walk, "%s", r.out);
	pte_line = strstr(walk, "  PTE  [  0] @ pa ");
	cr_assert(pte_line, "%s", walk);
	cr_assert_eq(sscanf(pte_line, "  PTE  [  0] @ pa %lx = %lx", &pte_pa, &pte), 2, "%s",
		     pte_line);
	cr_assert_eq(pte & 0x67, 0x67, "a present, written user page: %s", pte_line);
	snprintf(want, sizeof(want), "%.*s", (int)(strchr(pte_line, '\n') - pte_line), pte_line);
	vmm_result_free(&r);

	snprintf(text, sizeof(text), "%spoke %#lx 0x80000000\ngva2gpa 0x50000000 1\n"
		 "guest schedule\n", setup, pte_pa + 4);
	r = run_script(IDLE, text, NULL);
	assert_status(r, EXIT_GUEST_PANIC);
	assert_out_has(r, want);
	assert_out_has(r, "-> fault at PTE: reserved bits 0x8000000000000000\n");
	assert_out_has(r, "vmtest: Corrupted page table at address 50000000\n");
	assert_out_has(r, "#PF: error_code(0x000c) - reserved bit violation\n");
	assert_out_has(r, "Bad pagetable: 000c [#1] vector 14\n");
	assert_out_has(r, "Kernel panic - not syncing: Fatal exception: Bad pagetable\n");
	assert_out_has(r, "error: the guest ended (status 80) before it answered\n");
	vmm_result_free(&r);
}

/* A touch that gets no page is refused with -ENOMEM (get_user_pages does
 * not call the OOM killer), counts no fault of the task's and leaves the
 * address space consistent; the next touch gets the page. */
Test(console, a_touch_without_memory_is_refused, .timeout = 60)
{
	struct vmm_result r = run_script(IDLE, "guest spawn vmtest\n"
					 "fail page_alloc probability=100 times=1\n"
					 "guest touch 1 0xbfffe000 w\ntasks\ncheck\n"
					 "guest touch 1 0xbfffe000 w\ntasks\n", NULL);

	assert_status(r, 0);
	assert_out_has(r, "name fail_page_alloc, interval 1, probability 100, space 0, times 1\n"
		       "refused: -ENOMEM (Cannot allocate memory)\n(vmm) tasks\n");
	/* The stack grew before the fault failed, as in Linux. */
	assert_out_has(r, "    1 vmtest           R        2         12          8        0\n"
		       "(vmm) check\ncheck: ");
	assert_out_has(r, " rules, 0 violations\n(vmm) guest touch 1 0xbfffe000 w\n"
		       "pid 1: write of 0xbfffe000: pfn 0x");
	assert_out_has(r, "    1 vmtest           R        2         12         12        1\n");
	vmm_result_free(&r);
}
