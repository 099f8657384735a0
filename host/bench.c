/*
 * Bench brackets and instruction counting.
 *
 * With --count-insns the VMM turns on single-step (KVM_SET_GUEST_DEBUG) while
 * handling BEGIN and turns it off while handling END; every KVM_EXIT_DEBUG in
 * between is one guest instruction.  What exactly is counted was measured on
 * this host (kvm_pvm) with a hand-written guest of known instruction count,
 * logging kvm_run.debug.arch.pc of every step:
 *
 *   - BEGIN's OUT is not counted.  The OUT exits to the VMM before stepping
 *     is on; KVM completes it on re-entry without a step exit.  The first
 *     step exit reports pc = the address after the first instruction that
 *     follows the OUT, i.e. that instruction is the first one counted.
 *   - END's OUT is not counted either: it exits to the VMM (KVM_EXIT_IO),
 *     which turns stepping off before the OUT retires.  The last step exit
 *     reports pc = the address of END's OUT.
 *
 * So `insns` is exactly the number of guest instructions retired strictly
 * between the two OUTs: the measured code plus the hypercall wrappers' own
 * code after BEGIN's OUT and before END's OUT (the bracket overhead, which a
 * calibration run around a loop of known length measures).  A bracket of
 * ten nops between two hand-inlined OUTs counted 17 = 10 + the 7
 * instructions that fill END's request block; a 1001-instruction loop
 * bracketed through a call-based wrapper counted 1011.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "bench.h"
#include "kvm.h"
#include "util.h"

void bench_init(struct bench *b)
{
	memset(b, 0, sizeof(*b));
	b->active = -1;
}

static int find_tag(struct bench *b, const char *name, bool create)
{
	for (unsigned i = 0; i < b->nr_tags; i++)
		if (!strcmp(b->tag[i].name, name))
			return i;
	if (!create || b->nr_tags == BENCH_MAX_TAGS)
		return -1;
	snprintf(b->tag[b->nr_tags].name, sizeof(b->tag[0].name), "%s", name);
	return b->nr_tags++;
}

static void set_stepping(struct vm *vm, bool on)
{
	struct bench *b = &vm->bench;
	int r;

	if (!b->count_insns || b->stepping == on)
		return;
	r = vcpu_set_singlestep(vm, on);
	if (r < 0) {
		errno = -r;
		warn_errno("cannot %s single-stepping; instruction counts are off",
			   on ? "enable" : "disable");
		b->count_insns = false;
		return;
	}
	b->stepping = on;
}

uint32_t bench_begin(struct vm *vm, const char *tag, uint64_t tsc)
{
	struct bench *b = &vm->bench;
	int t = find_tag(b, tag, true);

	if (t < 0) {
		warn("bench begin %s: more than %d tags; ignored", tag, BENCH_MAX_TAGS);
		return HC_EINVAL;
	}
	if (b->active >= 0)
		warn("bench begin %s: bracket %s is still open; discarding it",
		     tag, b->tag[b->active].name);
	b->active = t;
	b->begin_tsc = tsc;
	b->steps = 0;
	set_stepping(vm, true);
	return HC_OK;
}

uint32_t bench_end(struct vm *vm, const char *tag, uint64_t tsc, uint64_t n_ops)
{
	struct bench *b = &vm->bench;
	struct bench_tag *t;

	set_stepping(vm, false);
	if (b->active < 0 || strcmp(b->tag[b->active].name, tag)) {
		if (b->active >= 0)
			warn("bench end %s: the open bracket is %s; discarding both",
			     tag, b->tag[b->active].name);
		else
			warn("bench end %s: no open bracket; ignored", tag);
		b->active = -1;
		return HC_EINVAL;
	}
	t = &b->tag[b->active];
	b->active = -1;
	t->runs++;
	t->ops += n_ops;
	if (tsc >= b->begin_tsc)
		t->cycles += tsc - b->begin_tsc;
	else
		warn("bench end %s: TSC went backwards (%" PRIu64 " -> %" PRIu64 ")",
		     tag, b->begin_tsc, tsc);
	t->insns += b->steps;
	return HC_OK;
}

void bench_cancel(struct vm *vm)
{
	set_stepping(vm, false);
	vm->bench.active = -1;
}

char *bench_ratio(char *buf, size_t len, uint64_t num, uint64_t den)
{
	char *p;

	if (!den) {
		snprintf(buf, len, "-");
		return buf;
	}
	if (num % den == 0) {
		snprintf(buf, len, "%" PRIu64, num / den);
		return buf;
	}
	snprintf(buf, len, "%.2f", (double)num / (double)den);
	p = buf + strlen(buf) - 1;
	while (*p == '0')
		*p-- = '\0';
	if (*p == '.')
		*p = '\0';
	return buf;
}

void bench_print(const struct bench *b, FILE *f)
{
	char x[32], y[32];

	for (unsigned i = 0; i < b->nr_tags; i++) {
		const struct bench_tag *t = &b->tag[i];

		if (!t->runs)
			continue;
		fprintf(f, "bench %s ops=%" PRIu64, t->name, t->ops);
		if (b->count_insns)
			fprintf(f, " insns/op=%s", bench_ratio(x, sizeof(x), t->insns, t->ops));
		fprintf(f, " cycles/op=%s\n", bench_ratio(y, sizeof(y), t->cycles, t->ops));
	}
}

int bench_write_json(const struct bench *b, FILE *f)
{
	bool first = true;

	/* Tags are restricted to printable characters without quotes or backslashes. */
	fprintf(f, "{\n  \"count_insns\": %s,\n  \"bench\": [", b->count_insns ? "true" : "false");
	for (unsigned i = 0; i < b->nr_tags; i++) {
		const struct bench_tag *t = &b->tag[i];
		char x[32], y[32];

		if (!t->runs)
			continue;
		fprintf(f, "%s\n    {\"tag\": \"%s\", \"runs\": %" PRIu64 ", \"ops\": %" PRIu64
			", \"cycles\": %" PRIu64 ", \"cycles_per_op\": %s",
			first ? "" : ",", t->name, t->runs, t->ops, t->cycles,
			t->ops ? bench_ratio(y, sizeof(y), t->cycles, t->ops) : "null");
		if (b->count_insns)
			fprintf(f, ", \"insns\": %" PRIu64 ", \"insns_per_op\": %s", t->insns,
				t->ops ? bench_ratio(x, sizeof(x), t->insns, t->ops) : "null");
		fprintf(f, "}");
		first = false;
	}
	fprintf(f, "%s]\n}\n", first ? "" : "\n  ");
	fflush(f);
	return ferror(f) ? -EIO : 0;
}
