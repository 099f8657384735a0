/*
 * Host benchmark: the guest's kmalloc (guest/mm/slab.c and kmalloc.c built
 * for the host over the host-built buddy allocator) against glibc malloc,
 * jemalloc and mimalloc, replaying one deterministic size-class trace,
 * single-threaded.
 *
 * One source, three binaries (Makefile): the plain one has the modes
 * kmalloc, malloc (glibc) and none (the trace alone); the _jemalloc one is
 * linked with -ljemalloc, which replaces malloc; the _mimalloc one calls
 * mi_malloc/mi_free.  Each binary:
 *
 *   bench_slab_host MODE [OPS]   replay once, print a checksum
 *   bench_slab_host --time MODE  best-of-5 wall time per op (ns), in-process
 *   bench_slab_host --report     (plain binary) run every mode of every
 *                                binary under callgrind (instructions per
 *                                op, minus the `none` run) and --time
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "bench_host.h"
#include "mm_host.h"
#include "slab.h"
#if defined(PEER_MIMALLOC)
#include <mimalloc.h>
#define PEER_NAME "mimalloc"
#define peer_malloc mi_malloc
#define peer_free mi_free
#elif defined(PEER_JEMALLOC)
#define PEER_NAME "jemalloc"
#define peer_malloc malloc
#define peer_free free
#else
#define PEER_NAME "glibc"
#define peer_malloc malloc
#define peer_free free
#endif

#define DEFAULT_OPS 400000


/* Kernel-like sizes: mostly small, a tail up to the largest slab class. */
static size_t trace_size(unsigned int r)
{
	unsigned int k = r % 100;

	r /= 100;
	if (k < 50)
		return 1 + r % 64;
	if (k < 80)
		return 1 + r % 256;
	if (k < 95)
		return 1 + r % 1024;
	return 1 + r % 8192;
}

enum mode { NONE, KMALLOC, PEER };

static void *kmalloc_kernel(size_t size)
{
	return __kmalloc(size, GFP_KERNEL);
}

static void kfree_obj(void *p)
{
	kfree(p);
}

static unsigned long replay(int mode, long ops)
{
	static const struct bench_allocator guest = { kmalloc_kernel, kfree_obj, trace_size };
	static const struct bench_allocator peer = { peer_malloc, peer_free, trace_size };
	static const struct bench_allocator none = { bench_none_alloc, bench_none_free, trace_size };

	switch (mode) {
	case KMALLOC:
		return bench_replay(&guest, ops);
	case PEER:
		return bench_replay(&peer, ops);
	default:
		return bench_replay(&none, ops);
	}
}

static void machine(void)
{
	mm_host_quiet = true;
	/* 256 MiB of "RAM", one Normal zone, as the page allocator boots it. */
	mm_host_init(&(struct mm_host_layout){ .nr_pfns = 65536, .dma_end = 4096, .normal_end = 65536 });
	kmem_cache_init();
}

static double wall_ns_per_op(enum mode mode, long ops)
{
	return bench_best_ns_per_op(replay, mode, ops);
}

static enum mode parse_mode(const char *s)
{
	return !strcmp(s, "kmalloc") ? KMALLOC : !strcmp(s, "malloc") ? PEER : NONE;
}

/* `bin --time MODE OPS`: its in-process best-of-5 ns/op, or -1. */
static double timed(const char *bin, const char *mode, long ops)
{
	char cmd[1024];
	double v = -1;
	FILE *p;

	snprintf(cmd, sizeof cmd, "%s --time %s %ld 2>/dev/null", bin, mode, ops);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (fscanf(p, "%lf", &v) != 1)
		v = -1;
	pclose(p);
	return v;
}

static int report(const char *self, long ops)
{
	struct {
		const char *label, *peer, *suffix, *mode;
		double insns, ns;
	} rows[] = {
		{ "guest kmalloc/kfree", "kmalloc", "", "kmalloc", 0, 0 },
		{ "glibc malloc/free", "glibc", "", "malloc", 0, 0 },
		{ "jemalloc", "jemalloc", "_jemalloc", "malloc", 0, 0 },
		{ "mimalloc", "mimalloc", "_mimalloc", "malloc", 0, 0 },
	};
	char bin[1024];

	printf("  same trace: %ld ops (55%% allocations, sizes 1..8192 weighted to small, up to %d held),\n"
	       "  each allocator in its own binary; the trace alone (mode none) subtracted\n",
	       ops, BENCH_HELD_MAX);
	printf("  %-22s %14s %18s\n", "", "insns/op", "ns/op (best of 5)");
	for (unsigned int i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		double ins, ns, base_ins, base_ns;

		snprintf(bin, sizeof bin, "%s%s", self, rows[i].suffix);
		rows[i].insns = rows[i].ns = -1;
		if (access(bin, X_OK)) {
			printf("  %-22s %14s %18s\n", rows[i].label, "(not built)", "-");
			continue;
		}
		ins = callgrind_insns(bin, rows[i].mode, ops);
		base_ins = callgrind_insns(bin, "none", ops);
		ns = timed(bin, rows[i].mode, ops);
		base_ns = timed(bin, "none", ops);
		if (ins >= 0 && base_ins >= 0)
			rows[i].insns = (ins - base_ins) / ops;
		if (ns >= 0 && base_ns >= 0)
			rows[i].ns = ns - base_ns;
		if (rows[i].insns < 0)
			printf("  %-22s %14s %18.1f\n", rows[i].label, "(no valgrind)", rows[i].ns);
		else
			printf("  %-22s %14.1f %18.1f\n", rows[i].label, rows[i].insns, rows[i].ns);
	}
	for (unsigned int i = 1; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (rows[i].insns > 0 && rows[0].insns > 0 && rows[i].ns > 0 && rows[0].ns > 0)
			printf("  kmalloc / %-9s %.2fx instructions, %.2fx wall time\n", rows[i].peer,
			       rows[0].insns / rows[i].insns, rows[0].ns / rows[i].ns);
	return 0;
}

int main(int argc, char **argv)
{
	long ops = DEFAULT_OPS;

	machine();
	if (argc > 1 && !strcmp(argv[1], "--report"))
		return report(argv[0], argc > 2 ? atol(argv[2]) : ops);
	if (argc > 2 && !strcmp(argv[1], "--time")) {
		ops = argc > 3 ? atol(argv[3]) : ops;
		printf("%.2f\n", wall_ns_per_op(parse_mode(argv[2]), ops));
		return 0;
	}
	if (argc > 1) {
		ops = argc > 2 ? atol(argv[2]) : ops;
		printf("%s %lu\n", PEER_NAME, replay(parse_mode(argv[1]), ops));
		return 0;
	}
	fprintf(stderr, "usage: %s kmalloc|malloc|none [OPS] | --time MODE [OPS] | --report [OPS]\n",
		argv[0]);
	return 64;
}
