/*
 * Bench brackets and instruction counting.
 *
 * With --count-insns the VMM asks the accelerator to count the guest
 * instructions retired between the OUT of HC_BENCH_BEGIN and the OUT of
 * HC_BENCH_END, both OUTs excluded.  KVM single-steps the vCPU
 * (accel_kvm.c says exactly what that counts); QEMU TCG with -icount
 * shift=0 makes the guest's rdtsc the retired-instruction count, so the
 * bracket's two TSC readings give the same number at full speed
 * (accel_tcg.c).  Both count the same instructions: the measured code plus
 * the hypercall wrappers' own code after BEGIN's OUT and before END's OUT
 * (the bracket overhead, which bench:empty measures and
 * guest/kernel/workloads_boot.c documents).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "accel.h"
#include "json_out.h"
#include "vm.h"
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

static void counting_off(struct bench *b, const char *what, int r)
{
	errno = -r;
	warn_errno("cannot %s counting instructions; instruction counts are off", what);
	b->count_insns = false;
	b->counting = false;
}

static void count_start(struct vm *vm)
{
	struct bench *b = &vm->bench;
	int r;

	if (!b->count_insns || b->counting)
		return;
	r = vm->accel->insns_start(vm);
	if (r < 0)
		return counting_off(b, "start", r);
	b->counting = true;
}

/* Instructions since count_start(), 0 when not counting. */
static uint64_t count_stop(struct vm *vm, uint64_t begin_tsc, uint64_t end_tsc)
{
	struct bench *b = &vm->bench;
	uint64_t insns = 0;
	int r;

	if (!b->counting)
		return 0;
	b->counting = false;
	r = vm->accel->insns_stop(vm, begin_tsc, end_tsc, &insns);
	if (r < 0)
		counting_off(b, "stop", r);
	return insns;
}

void bench_warn(struct bench *b, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (++b->warnings > BENCH_WARN_MAX + 1)
		return;
	if (b->warnings == BENCH_WARN_MAX + 1) {
		warn("further bench warnings are only counted");
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warn("%s", msg);
}

uint32_t bench_begin(struct vm *vm, const char *tag, uint64_t tsc)
{
	struct bench *b = &vm->bench;
	int t = find_tag(b, tag, true);

	if (t < 0) {
		bench_warn(b, "bench begin %s: more than %d tags; ignored", tag, BENCH_MAX_TAGS);
		return HC_EINVAL;
	}
	if (b->active >= 0)
		bench_warn(b, "bench begin %s: bracket %s is still open; discarding it",
			   tag, b->tag[b->active].name);
	b->active = t;
	b->begin_tsc = tsc;
	count_stop(vm, 0, 0);   /* a discarded bracket's count starts over */
	count_start(vm);
	return HC_OK;
}

uint32_t bench_end(struct vm *vm, const char *tag, uint64_t tsc, uint64_t n_ops)
{
	struct bench *b = &vm->bench;
	struct bench_tag *t;
	uint64_t insns = count_stop(vm, b->begin_tsc, tsc);

	if (b->active < 0 || strcmp(b->tag[b->active].name, tag)) {
		if (b->active >= 0)
			bench_warn(b, "bench end %s: the open bracket is %s; discarding both",
				   tag, b->tag[b->active].name);
		else
			bench_warn(b, "bench end %s: no open bracket; ignored", tag);
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
		bench_warn(b, "bench end %s: TSC went backwards (%" PRIu64 " -> %" PRIu64 ")",
			   tag, b->begin_tsc, tsc);
	t->insns += insns;
	return HC_OK;
}

void bench_cancel(struct vm *vm)
{
	count_stop(vm, 0, 0);
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

	if (b->warnings > BENCH_WARN_MAX)
		warn("%" PRIu64 " more bench warnings were not printed",
		     b->warnings - BENCH_WARN_MAX);
	if (b->active >= 0)
		warn("bench bracket %s was begun but never ended; not counted",
		     b->tag[b->active].name);

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

/* A ratio as bench_print() shows it: an integer, or a real of up to two
 * decimals; null for no operations. */
static json_t *ratio_json(uint64_t num, uint64_t den)
{
	char buf[32];

	if (!den)
		return json_null();
	bench_ratio(buf, sizeof(buf), num, den);
	if (strchr(buf, '.'))
		return json_real(strtod(buf, NULL));
	return jout_u64(strtoull(buf, NULL, 10));
}

int bench_write_json(const struct bench *b, FILE *f)
{
	json_t *tags = json_array(), *doc;
	int bad = !tags, r;

	for (unsigned i = 0; i < b->nr_tags && !bad; i++) {
		const struct bench_tag *t = &b->tag[i];
		json_t *o;

		if (!t->runs)
			continue;
		o = json_pack("{s:o,s:o,s:o,s:o,s:o}", "tag", jout_string(t->name),
			      "runs", jout_u64(t->runs), "ops", jout_u64(t->ops),
			      "cycles", jout_u64(t->cycles),
			      "cycles_per_op", ratio_json(t->cycles, t->ops));
		if (o && b->count_insns)
			bad = json_object_set_new(o, "insns", jout_u64(t->insns)) ||
			      json_object_set_new(o, "insns_per_op", ratio_json(t->insns, t->ops));
		bad |= json_array_append_new(tags, o);
	}
	if (bad) {
		json_decref(tags);
		return -ENOMEM;
	}
	doc = json_pack("{s:b,s:o}", "count_insns", b->count_insns, "bench", tags);
	if (!doc)
		return -ENOMEM;
	errno = 0;
	r = json_dumpf(doc, f, JSON_INDENT(2) | JOUT_DUMP_FLAGS);
	json_decref(doc);
	fputc('\n', f);
	fflush(f);
	if (r < 0 || ferror(f))
		return errno ? -errno : -EIO;
	return 0;
}
