/*
 * Checkpoint-time inspection for ./vmm (see inspector.h).  The guest calls
 * HC_CHECKPOINT with no mm lock held and the vCPU is stopped while the hook
 * runs, so the checkers see a consistent image.  Order at a checkpoint:
 * --show views (of the guest as it is), then --fuzz / --corrupt, then
 * --check-bench, then the checkers; any violation stops the guest with
 * EXIT_INVARIANT after printing every violation up to CHECK_PRINT_MAX.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "elf_load.h"
#include "exitcodes.h"
#include "inspector.h"
#include "json_out.h"
#include "snapshot.h"
#include "watchdog.h"
#include "accel.h"
#include "vm.h"
#include "util.h"

bool inspector_wanted(const struct inspector_opts *o)
{
	return o->check || o->json || o->corrupt || o->fuzz_flips || o->show || o->bench_reps ||
	       o->save_ram;
}

static bool checking(const struct inspector *s)
{
	return s->o.check || s->o.json || s->o.corrupt || s->o.fuzz_flips;
}

void inspector_list_corruptions(FILE *f)
{
	for (size_t i = 0; i < insp_nr_corruptions; i++)
		fprintf(f, "%s %s %s\n", insp_corruptions[i].kind,
			insp_rules[insp_corruptions[i].rule].name, insp_corruptions[i].desc);
}

/* Walker vs the accelerator's own MMU (KVM_TRANSLATE, or QEMU's gva2gpa: an
 * independent implementation) on a sample of addresses: kernel text and
 * data, the direct map, mem_map, the vmalloc gap, pkmap, fixmap, user space. */
static void cross_check_translate(struct inspector *s, struct vm *vm, uint64_t cr3)
{
	const struct insp_layout *l = &s->lay;
	const struct insp_state *st = &s->in.st;
	uint64_t va[64];
	unsigned n = 0;
	uint64_t lowmem = st->max_low_pfn << 12;

	if (!vm->accel)
		return;
	va[n++] = l->sym.text;
	va[n++] = l->page_offset + (4ull << 20) + 0x123;   /* where --corrupt edits */
	va[n++] = l->fixaddr_start + 4096;
	va[n++] = l->sym.swapper_pg_dir;
	va[n++] = l->sym.contig_page_data;
	va[n++] = st->mem_map_va;
	va[n++] = st->high_memory;
	va[n++] = st->high_memory + (8ull << 20);
	va[n++] = l->pkmap_base;
	va[n++] = l->fixaddr_start;
	va[n++] = l->fixaddr_top - 4096;
	va[n++] = 0xfffff000ull;
	va[n++] = 0;
	va[n++] = 0x08048000ull;
	va[n++] = 0xbffff000ull;
	for (unsigned k = 0; k < 32 && lowmem; k++)
		va[n++] = l->page_offset + ((lowmem / 32) * k + 0x123 * k) % lowmem;
	for (unsigned i = 0; i < n; i++) {
		uint64_t lin = va[i] & 0xffffffffull, pa = 0;
		struct pt_walk w;
		char place[INSP_PLACE_MAX];
		bool ours;
		int r;

		pt_walk(&vm->mem, &s->in.pt, cr3, lin, &w);
		ours = w.status == PT_OK;
		/* A 1 GiB page is reported by pt.1g; whether the accelerator
		 * follows it depends on the CPU's 1 GiB-page support.  Reserved
		 * bits are pt.reserved's, and only some walkers fault on them. */
		if (w.status == PT_PDPTE_1G ||
		    (w.status == PT_RESERVED && !vm->accel->translate_faults_reserved))
			continue;
		r = vm->accel->translate(vm, lin, &pa);
		if (r < 0 && r != -EFAULT) {
			/* The rule then runs on no address: say so, once. */
			if (!s->warned_translate)
				warn("cannot cross-check the host walker with %s's translation "
				     "(%s): rule walker.accel does not run", vm->accel->desc,
				     strerror(-r));
			s->warned_translate = true;
			continue;
		}
		insp_report_ran(&s->rep, R_WALKER_ACCEL);
		s->translations++;
		if (ours == !r && (!ours || w.pa == pa))
			continue;
		snprintf(place, sizeof(place), "va %#" PRIx64, lin);
		insp_report_add(&s->rep, R_WALKER_ACCEL, place, "walker: %s %#llx; %s: %s %#" PRIx64,
				pt_status_str(w.status), (unsigned long long)w.pa, vm->accel->desc,
				r ? "invalid" : "valid", pa);
	}
}

static void show_views(struct inspector *s, struct vm *vm, uint64_t tag)
{
	s->in.rep = NULL;
	if (!insp_read_state(&s->in)) {
		warn("--show: cannot read the guest's mm state at checkpoint %" PRIu64, s->checkpoints);
		return;
	}
	/* The whole list, however long: cli.c accepted every name in it. */
	for (const char *p = s->o.show; *p; p += *p == ',') {
		size_t len = strcspn(p, ",");
		char v[32];

		snprintf(v, sizeof(v), "%.*s", (int)len, p);
		p += len;
		if (!*v)
			continue;
		fflush(vm->serial.out);
		fprintf(vm->serial.out, "vmm: host %s at checkpoint %" PRIu64 " (tag %" PRIu64 "):\n",
			v, s->checkpoints, tag);
		insp_view_by_name(&s->in, v, vm->serial.out);
		fflush(vm->serial.out);
	}
}

/*
 * --check-json is {"checkpoints":[{"checkpoint":N,"tag":T,"report":{...}},
 * ...], then the run's summary}.  A long run reaches many checkpoints, so
 * each is written when it is checked rather than held to the end (jansson
 * keeps some 1.6 KiB per checkpoint); jansson makes each checkpoint's object
 * and the summary, and only the punctuation around them is written here.
 */
static void json_checkpoint(struct inspector *s, uint64_t tag)
{
	json_t *cp;

	if (!s->json || s->json_err)
		return;
	errno = 0;
	cp = json_pack("{s:o,s:o,s:o}", "checkpoint", jout_u64(s->checkpoints), "tag",
		       jout_u64(tag), "report", insp_report_json(&s->rep));
	fputs(s->json_any ? ",\n  " : "\n  ", s->json);
	if (!cp || json_dumpf(cp, s->json, JSON_COMPACT | JOUT_DUMP_FLAGS) < 0)
		s->json_err = errno ? errno : ENOMEM;
	json_decref(cp);
	s->json_any = true;
}

/* The summary's members after the checkpoints, and the end; 0 or -errno. */
static int json_finish(struct inspector *s, const char *result, int status)
{
	json_t *rules = json_array(), *sum;
	int bad = !rules;
	char *text;

	if (s->json_err)
		return -s->json_err;
	for (unsigned i = 0; i < R_NR && !bad; i++)
		if (s->rules_run & (1ull << i))
			bad = json_array_append_new(rules, json_string(insp_rules[i].name));
	if (bad) {
		json_decref(rules);
		return -ENOMEM;
	}
	sum = json_pack("{s:o,s:I,s:o,s:o,s:o,s:o,s:s,s:i}", "checks", jout_u64(s->checks),
			"rules", (json_int_t)__builtin_popcountll(s->rules_run), "rules_run", rules,
			"walker_accel_translations", jout_u64(s->translations),
			"violations", jout_u64(s->violations), "ms", jout_real(s->ms, 3),
			"result", result, "status", status);
	text = sum ? json_dumps(sum, JSON_COMPACT | JOUT_DUMP_FLAGS) : NULL;
	json_decref(sum);
	if (!text)
		return -ENOMEM;
	/* The members follow the list: the summary object without its '{'. */
	fprintf(s->json, "\n],%s\n", text + 1);
	free(text);
	return ferror(s->json) ? -EIO : 0;
}

static int on_checkpoint(struct vm *vm, uint64_t tag, void *opaque)
{
	struct inspector *s = opaque;
	uint64_t cr3 = 0;
	struct vcpu_regs regs;
	char what[256], err[256];

	s->checkpoints++;
	/* Known once the accelerator exists, which is after inspector_start(). */
	s->in.pt.maxphyaddr = vm->maxphyaddr ? vm->maxphyaddr : 52;
	if (vm->accel && vm->accel->get_regs(vm, &regs) == 0) {
		cr3 = regs.cr3;
		s->in.pt.nxe = regs.efer & (1u << 11);
	}
	if (s->o.show)
		show_views(s, vm, tag);
	if (s->save && s->checkpoints == s->o.save_at) {
		int r = snapshot_write(&vm->mem, s->save);

		if (r < 0) {
			errno = -r;
			pr_err_errno("--save-ram: cannot write %s", s->o.save_ram);
			return EXIT_HOST_ERROR;
		}
		pr_info("--save-ram: guest RAM at checkpoint %" PRIu64 " (tag %" PRIu64
			") written to %s", s->checkpoints, tag, s->o.save_ram);
		s->saved = true;
	}
	if (s->o.fuzz_flips && s->checkpoints == 1) {
		unsigned done = insp_fuzz(&s->in, s->o.fuzz_flips, s->o.fuzz_seed);

		pr_info("--fuzz: %u byte flips (seed %" PRIu64 ") at checkpoint 1",
			done, s->o.fuzz_seed);
		s->fuzzed = true;
	}
	if (s->o.corrupt && s->checkpoints == s->o.corrupt_at) {
		if (insp_corrupt(&s->in, s->o.corrupt, what, sizeof(what), err, sizeof(err))) {
			pr_err("--corrupt %s at checkpoint %" PRIu64 ": %s", s->o.corrupt,
			      s->checkpoints, err);
			return EXIT_HOST_ERROR;
		}
		pr_info("--corrupt %s at checkpoint %" PRIu64 ": %s", s->o.corrupt,
			s->checkpoints, what);
		s->corrupted = true;
	}
	if (s->o.bench_reps && s->checkpoints == 1) {
		struct insp_bench b;

		insp_bench(&s->in, s->o.bench_reps, &b);
		printf("check-bench: %" PRIu64 " MiB guest, %" PRIu64 " bytes (mem_map + %u table "
		       "pages): full check %.3f ms, plain read %.3f ms, ratio %.2f, %" PRIu64
		       " violations\n", vm->mem.ram_bytes >> 20, b.bytes, b.table_pages, b.check_ms,
		       b.read_ms, b.read_ms > 0 ? b.check_ms / b.read_ms : 0.0, b.violations);
		fflush(stdout);
	}
	if (!checking(s))
		return 0;

	insp_check_all(&s->in, &s->rep, cr3);
	if (s->rep.stopped) {
		/* --timeout or a signal came inside the check: the run loop
		 * ends the run. */
		pr_info("the check at checkpoint %" PRIu64 " was stopped before it "
			"finished; its results are not reported", s->checkpoints);
		return 0;
	}
	if (s->in.st.globals_ok)
		cross_check_translate(s, vm, cr3 ? cr3 : s->in.st.swapper_cr3);
	s->checks++;
	s->ms += s->rep.ms;
	s->violations += s->rep.total;
	s->rules_run |= s->rep.rules_run;
	/* Information only: say it once a run, count it in the summary. */
	if (s->rep.pkmap_deferred && !s->pkmap_deferred)
		pr_info("check at checkpoint %" PRIu64 ": info: %s (%" PRIu64 " such slot%s: Linux's "
			"deferred pkmap flush, legal)", s->checkpoints, s->rep.pkmap_deferred_first,
			s->rep.pkmap_deferred, s->rep.pkmap_deferred == 1 ? "" : "s");
	/* The most at any one checkpoint: a slot stays unflushed across many. */
	if (s->rep.pkmap_deferred > s->pkmap_deferred)
		s->pkmap_deferred = s->rep.pkmap_deferred;
	json_checkpoint(s, tag);
	if (s->rep.total) {
		pr_info("check at checkpoint %" PRIu64 " (tag %" PRIu64 "): %" PRIu64
			" violation%s", s->checkpoints, tag, s->rep.total, s->rep.total == 1 ? "" : "s");
		insp_report_print(&s->rep, stderr, CHECK_PRINT_MAX);
		return EXIT_INVARIANT;
	}
	if (s->corrupted) {
		pr_err("--corrupt %s: no checker caught it (expected rule %s)", s->o.corrupt,
		      insp_rules[insp_corruption_find(s->o.corrupt)->rule].name);
		return EXIT_HOST_ERROR;
	}
	return 0;
}

int inspector_start(struct inspector *s, struct vm *vm, const struct elf_info *elf,
		    const struct inspector_opts *o)
{
	char err[512];

	memset(s, 0, sizeof(*s));
	s->o = *o;
	if (insp_layout_load(elf, &s->lay, err, sizeof(err))) {
		pr_err("%s", err);
		pr_info("--check, --corrupt, --fuzz, --show, --check-bench and --save-ram "
			"need a guest built with its layout note (make guest/guest.elf)");
		return EXIT_BAD_IMAGE;
	}
	insp_init(&s->in, &vm->mem, &s->lay);
	s->in.should_stop = stop_requested;
	insp_report_init(&s->rep, CHECK_STORE_MAX);
	if (o->json) {
		s->json = fopen(o->json, "we");
		if (!s->json) {
			pr_err_errno("cannot create --check-json file %s", o->json);
			return EXIT_HOST_ERROR;
		}
		fprintf(s->json, "{\"checkpoints\":[");
	}
	/* Opened now: once the guest runs, the sandbox allows no open(). */
	if (o->save_ram) {
		s->save = fopen(o->save_ram, "we");
		if (!s->save) {
			pr_err_errno("cannot create --save-ram file %s", o->save_ram);
			return EXIT_HOST_ERROR;
		}
	}
	vm_set_checkpoint_hook(vm, on_checkpoint, s);
	return 0;
}

int inspector_finish(struct inspector *s, struct vm *vm, int status)
{
	/* Only a run that ended well without reaching one is told to use a
	 * workload that checkpoints: a failed one (a guest error, a
	 * --corrupt that could not apply, --timeout, a signal) has said why. */
	bool never = checking(s) && !s->checkpoints && status == 0 && !stop_requested();

	(void)vm;
	if (checking(s)) {
		fflush(stdout);
		fprintf(stderr, "check: %" PRIu64 " checkpoints, %u rules, %" PRIu64 " violations, "
			"%.3f ms total; walker.accel compared %" PRIu64 " translations", s->checks,
			(unsigned)__builtin_popcountll(s->rules_run), s->violations, s->ms,
			s->translations);
		if (s->pkmap_deferred)
			fprintf(stderr, "; info: up to %" PRIu64 " unflushed pkmap slot%s over a free "
				"page at a checkpoint", s->pkmap_deferred, s->pkmap_deferred == 1 ? "" : "s");
		fputc('\n', stderr);
	}
	if (never) {
		pr_err("--check: the guest reached no checkpoint, so nothing was checked; run a "
		      "workload that calls checkpoint (e.g. -c run=checkpoint or run=stress:buddy)");
		status = EXIT_INVARIANT;
	} else if (s->o.save_ram && !s->saved && s->checkpoints < s->o.save_at) {
		pr_err("--save-ram %s@%u: the guest reached only %" PRIu64 " checkpoint%s", s->o.save_ram,
		      s->o.save_at, s->checkpoints, s->checkpoints == 1 ? "" : "s");
		if (status == 0)
			status = EXIT_INVARIANT;
	} else if (s->o.corrupt && !s->corrupted && s->checkpoints < s->o.corrupt_at) {
		pr_err("--corrupt %s@%u: the guest reached only %" PRIu64 " checkpoint%s", s->o.corrupt,
		      s->o.corrupt_at, s->checkpoints, s->checkpoints == 1 ? "" : "s");
		if (status == 0)
			status = EXIT_INVARIANT;
	}
	if (s->json) {
		int r = json_finish(s, s->violations ? "violations" :
				       never ? "no-checkpoint" : "ok", status);

		if (fclose(s->json) != 0 && !r)
			r = -errno;
		s->json = NULL;
		if (r) {
			errno = -r;
			pr_err_errno("cannot write --check-json file %s", s->o.json);
			if (status <= EXIT_GUEST_MAX)
				status = EXIT_HOST_ERROR;
		}
	}
	return status;
}

void inspector_free(struct inspector *s)
{
	if (s->save && fclose(s->save) != 0)
		warn_errno("--save-ram: closing %s", s->o.save_ram);
	s->save = NULL;
	if (s->json)
		fclose(s->json);
	s->json = NULL;
	insp_report_free(&s->rep);
	insp_free(&s->in);
}
