/*
 * Checker benchmark (`make bench`, --check-bench): the time of a full check
 * against the time of a plain sequential read of the bytes it must look at
 * (mem_map and the page-table pages), in the same process and on the same
 * memory, best of several repetitions each.  The ratio says how close the
 * checkers run to memory bandwidth; the goal is within 4x.
 */
#include <string.h>
#include <time.h>

#include "inspect.h"

#define BENCH_MAX_TABLES 4096

static double ms_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static uint64_t sum_words(const uint8_t *p, uint64_t len)
{
	uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0, i = 0, w[4];

	for (; i + 32 <= len; i += 32) {
		memcpy(w, p + i, 32);
		s0 += w[0];
		s1 += w[1];
		s2 += w[2];
		s3 += w[3];
	}
	for (; i < len; i++)
		s0 += p[i];
	return s0 + s1 + s2 + s3;
}

void insp_bench(struct insp *in, unsigned reps, struct insp_bench *b)
{
	static uint64_t tables[BENCH_MAX_TABLES];
	struct insp_report rep;
	volatile uint64_t sink = 0;
	size_t nt;

	memset(b, 0, sizeof(*b));
	insp_report_init(&rep, 100);
	if (!reps)
		reps = 1;
	/* One check first: it reads the state and faults in untouched RAM, so
	 * neither side pays for first-touch page faults. */
	insp_check_all(in, &rep, 0);
	if (!in->st.mem_map) {
		insp_report_free(&rep);
		return;
	}
	nt = pt_table_pages(in->mem, in->st.swapper_cr3, tables, BENCH_MAX_TABLES);
	b->table_pages = (unsigned)nt;
	b->bytes = in->st.npfn * in->lay->page.size + nt * 4096;
	b->check_ms = b->read_ms = 1e300;
	for (unsigned r = 0; r < reps; r++) {
		double t0 = ms_now(), t1;
		uint64_t s = sum_words(in->st.mem_map, in->st.npfn * in->lay->page.size);

		for (size_t i = 0; i < nt; i++)
			s += sum_words(guest_mem_ptr(in->mem, tables[i], 4096), 4096);
		sink += s;
		t1 = ms_now() - t0;
		if (t1 < b->read_ms)
			b->read_ms = t1;

		insp_check_all(in, &rep, 0);
		if (rep.ms < b->check_ms)
			b->check_ms = rep.ms;
	}
	(void)sink;
	b->violations = rep.total;
	insp_report_free(&rep);
}
