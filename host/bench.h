/*
 * The bench instrument: the guest brackets a measured region with
 * HC_BENCH_BEGIN and HC_BENCH_END hypercalls; the VMM aggregates per tag the
 * operations, the guest TSC cycles and, with --count-insns, the exact number
 * of guest instructions in between, counted by the accelerator.
 */
#ifndef VMM_BENCH_H
#define VMM_BENCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "abi.h"
#include "util.h"

#define BENCH_MAX_TAGS 64
#define BENCH_WARN_MAX 8      /* bench warnings printed; the rest are counted */

struct vm;

struct bench_tag {
	char name[HC_TAG_MAX + 1];
	uint64_t runs;    /* completed BEGIN/END brackets */
	uint64_t ops;     /* sum of END's n_ops */
	uint64_t cycles;  /* sum of guest TSC deltas */
	uint64_t insns;   /* sum of counted instructions (--count-insns) */
};

struct bench {
	bool count_insns;
	unsigned nr_tags;
	struct bench_tag tag[BENCH_MAX_TAGS];
	int active;        /* tag of the open bracket, or -1 */
	uint64_t begin_tsc;
	bool counting;     /* the accelerator is counting for the open bracket */
	uint64_t warnings; /* bench_warn() calls: a guest can make one per hypercall */
};

void bench_init(struct bench *b);

/* HC_BENCH_BEGIN / HC_BENCH_END: return the hc_req.ret value. */
uint32_t bench_begin(struct vm *vm, const char *tag, uint64_t tsc);
uint32_t bench_end(struct vm *vm, const char *tag, uint64_t tsc, uint64_t n_ops);

/*
 * A warning about the guest's use of the bench hypercalls: the first
 * BENCH_WARN_MAX are printed, then one line says the rest are counted, and
 * bench_print() gives the count.
 */
VMM_PRINTF(2, 3) void bench_warn(struct bench *b, const char *fmt, ...);

/* Drop the open bracket, if any, and stop counting. */
void bench_cancel(struct vm *vm);

/* "bench TAG ops=N insns/op=X cycles/op=Y", one line per tag; on stderr,
 * how many bench warnings were not printed. */
void bench_print(const struct bench *b, FILE *f);
/*
 * The same as JSON, for --bench-json; 0 or -errno:
 * {"count_insns":B,"bench":[{"tag":T,"runs":N,"ops":N,"cycles":N,
 *   "cycles_per_op":X[,"insns":N,"insns_per_op":X]},...]}
 * with a tag's ratios null when it counted no operations.
 */
int bench_write_json(const struct bench *b, FILE *f);

/* num/den with up to 2 decimals, or an integer when exact. */
char *bench_ratio(char *buf, size_t len, uint64_t num, uint64_t den);

#endif
