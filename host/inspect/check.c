/*
 * All checkers, in the order their results feed each other: the runtime
 * state and its geometry, the free lists (which say which pages are free),
 * the slab walk (which says which pages are slab pages), the mem_map pass,
 * the page tables, vmalloc's areas against the PTEs of its range, every
 * address space's VMAs against its user page tables, then the pkmap window
 * and the kmap_atomic slots.  This is what --check runs at a checkpoint,
 * what the console's `check` will run, and what the tests and the
 * benchmark time.
 */
#include <time.h>

#include "inspect.h"

static double mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

void insp_check_all(struct insp *in, struct insp_report *rep, uint64_t extra_cr3)
{
	double t0 = mono_ms();

	insp_report_reset(rep);
	in->rep = rep;
	if (insp_read_state(in)) {
		insp_check_buddy(in);
		insp_check_slab(in);
		insp_check_mem(in);
		insp_check_pt(in, in->st.swapper_cr3);
		if (extra_cr3 && (extra_cr3 & PT_ADDR_MASK) != in->st.swapper_cr3)
			insp_check_pt(in, extra_cr3);
		insp_check_vmalloc(in);
		insp_check_vm(in);
		insp_check_pkmap(in);
	}
	insp_report_flush(rep);
	rep->stopped = insp_stopping(in);
	rep->ms = mono_ms() - t0;
}
