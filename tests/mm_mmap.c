/*
 * Unit tests of the VMA set (guest/mm/mmap.c), built for the host: the
 * error rules of mmap, munmap, mprotect and brk, splits and merges, stack
 * growth, and random traffic checked after every call against a model that
 * keeps the flags of every user page.  The model also checks what the VMA
 * code asked of the page tables: which pages it unmapped, which it gave new
 * rights, and that the page-table range it freed held no mapping.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include "mm_host.h"
#include "mmap_host.h"
#include "errno-base.h"
#include "mman.h"
#include "random.h"

#define P 4096ul
#define NPAGES (TASK_SIZE / P)
#define UNMAPPED 0xff

static struct mm_struct mm;
static unsigned char *model;   /* vm_flags of each page (low byte), or UNMAPPED */

static unsigned char mflags(unsigned long vm_flags)
{
	return (unsigned char)((vm_flags & VM_ACCESS_FLAGS) | ((vm_flags & VM_GROWSDOWN) ? 0x80 : 0));
}

static void setup(void)
{
	mmap_host_mm_init(&mm);
	mmap_host_nr_calls = 0;
	mmap_host_vma_fail_after = -1;
	model = malloc(NPAGES);
	cr_assert_not_null(model);
	memset(model, UNMAPPED, NPAGES);
}

static void teardown(void)
{
	exit_mmap(&mm);
	cr_assert_eq(mmap_host_vmas_live, 0, "%ld VMAs not freed", mmap_host_vmas_live);
	free(model);
}

TestSuite(mmap, .init = setup, .fini = teardown);

/* Model pages [from, to) are unmapped (memcmp, as the model is 3 GiB of pages). */
static void assert_unmapped(unsigned long from, unsigned long to)
{
	static unsigned char none[4096];

	memset(none, UNMAPPED, sizeof(none));
	for (unsigned long p = from; p < to; p += sizeof(none)) {
		unsigned long n = min(to - p, sizeof(none));

		if (memcmp(model + p, none, n))
			for (unsigned long q = p; q < p + n; q++)
				cr_assert_eq(model[q], UNMAPPED, "page %#lx mapped in the model, in no VMA",
					     q * P);
	}
}

/* The VMA list: sorted, no overlap, below TASK_SIZE, adjacent VMAs of
 * different flags (every merge done), and exactly the model's runs. */
static void assert_matches_model(void)
{
	struct vm_area_struct *vma;
	unsigned long page = 0, total = 0;
	int count = 0;

	for_each_vma(&mm, vma) {
		unsigned long first = vma->vm_start / P, last = vma->vm_end / P;

		cr_assert(vma->vm_start < vma->vm_end && !(vma->vm_start % P) && !(vma->vm_end % P),
			  "VMA %#lx-%#lx", vma->vm_start, vma->vm_end);
		cr_assert_leq(vma->vm_end, TASK_SIZE);
		assert_unmapped(page, first);
		page = first;
		cr_assert(first == 0 || model[first - 1] != mflags(vma->vm_flags),
			  "VMA at %#lx not merged with the equal one before", vma->vm_start);
		for (; page < last; page++)
			cr_assert_eq(model[page], mflags(vma->vm_flags),
				     "page %#lx: model flags %#x, VMA %#lx-%#lx flags %#lx", page * P,
				     model[page], vma->vm_start, vma->vm_end, vma->vm_flags);
		total += last - first;
		count++;
	}
	assert_unmapped(page, NPAGES);
	cr_assert_eq(mm.map_count, count);
	cr_assert_eq(mm.total_vm, total);
	cr_assert_eq(mmap_host_vmas_live, count);
}

/* Since the last call: the pages unmap_page_range covered are those the
 * model lost (or replaced), the pages change_protection covered are those
 * whose flags changed, with the new ones, and freed page-table ranges hold
 * nothing mapped (but what MAP_FIXED mapped anew after freeing them). */
static unsigned long changed_lo = NPAGES, changed_hi;   /* pages the model changed */
static unsigned char expect_unmap[NPAGES];   /* munmapped, or replaced by MAP_FIXED */

static void assert_calls(const unsigned char *before)
{
	static unsigned char unmapped[NPAGES], protected[NPAGES];

	unsigned long lo = NPAGES, hi = 0;

	/* Only pages in the calls' ranges can change: compare the rest whole. */
	for (unsigned int i = 0; i < mmap_host_nr_calls; i++) {
		struct mmap_host_call *c = &mmap_host_calls[i];

		cr_assert(c->start < c->end && c->end <= TASK_SIZE);
		lo = min(lo, c->start / P);
		hi = max(hi, c->end / P);
	}
	lo = min(lo, changed_lo);
	hi = max(hi, changed_hi);
	if (lo >= hi)
		lo = hi = 0;
	cr_assert(!memcmp(before, model, lo) && !memcmp(before + hi, model + hi, NPAGES - hi),
		  "a page outside %#lx-%#lx changed", lo * P, hi * P);
	memset(unmapped + lo, 0, hi - lo);
	memset(protected + lo, 0, hi - lo);
	for (unsigned int i = 0; i < mmap_host_nr_calls; i++) {
		struct mmap_host_call *c = &mmap_host_calls[i];

		if (c->op == CALL_UNMAP) {
			memset(unmapped + c->start / P, 1, (c->end - c->start) / P);
		} else if (c->op == CALL_PROTECT) {
			memset(protected + c->start / P, 1, (c->end - c->start) / P);
			for (unsigned long a = c->start; a < c->end; a += P)
				cr_assert_eq(model[a / P], mflags(c->flags));
		} else {
			cr_assert(c->floor <= c->start && c->end <= c->ceiling);
			for (unsigned long a = c->floor; a < c->ceiling; a += P)
				cr_assert(model[a / P] == UNMAPPED || expect_unmap[a / P],
					     "page tables of %#lx-%#lx freed but %#lx is mapped",
					     c->floor, c->ceiling, a);
		}
	}
	for (unsigned long p = lo; p < hi; p++) {
		bool lost = before[p] != UNMAPPED && expect_unmap[p];

		cr_assert_eq(unmapped[p], lost, "page %#lx: unmapped %d, was %#x now %#x", p * P,
			     unmapped[p], before[p], model[p]);
		expect_unmap[p] = 0;
		if (!unmapped[p] && before[p] != UNMAPPED && model[p] != UNMAPPED)
			cr_assert_eq(protected[p], before[p] != model[p],
				     "page %#lx: protect %d, flags %#x -> %#x", p * P, protected[p],
				     before[p], model[p]);
	}
	mmap_host_nr_calls = 0;
	changed_lo = NPAGES;
	changed_hi = 0;
}

static void model_set(unsigned long addr, unsigned long len, unsigned char f, bool unmap)
{
	if (unmap)
		memset(expect_unmap + addr / P, 1, len / P);
	memset(model + addr / P, f, len / P);
	changed_lo = min(changed_lo, addr / P);
	changed_hi = max(changed_hi, (addr + len) / P);
}

/* ---- The model's mmap, munmap, mprotect ----------------------------------- */

static bool model_free(unsigned long addr, unsigned long len)
{
	for (unsigned long a = addr; a < addr + len; a += P)
		if (model[a / P] != UNMAPPED)
			return false;
	return true;
}

static unsigned long model_mmap(unsigned long addr, unsigned long len, unsigned long prot,
				unsigned long flags)
{
	if (!len || (prot & ~7ul))
		return -EINVAL;
	len = (len + P - 1) & ~(P - 1);
	if (!len || len > TASK_SIZE)
		return -ENOMEM;
	if ((flags & MAP_TYPE) != MAP_PRIVATE)
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS))
		return -EBADF;
	if (flags & MAP_FIXED) {
		if (addr > TASK_SIZE - len)
			return -ENOMEM;
		if (addr % P)
			return -EINVAL;
		if (addr < MMAP_MIN_ADDR)
			return -EPERM;
	} else {
		unsigned long hint = (addr + P - 1) & ~(P - 1);

		if (addr && hint >= MMAP_MIN_ADDR && hint <= TASK_SIZE - len && model_free(hint, len)) {
			addr = hint;
		} else {
			for (addr = TASK_UNMAPPED_BASE; addr <= TASK_SIZE - len; addr += P)
				if (model_free(addr, len))
					break;
			if (addr > TASK_SIZE - len)
				return -ENOMEM;
		}
	}
	model_set(addr, len, mflags(prot), true);
	return addr;
}

static int model_munmap(unsigned long start, unsigned long len)
{
	if ((start % P) || start > TASK_SIZE || len > TASK_SIZE - start)
		return -EINVAL;
	len = (len + P - 1) & ~(P - 1);
	if (!len)
		return -EINVAL;
	model_set(start, len, UNMAPPED, true);
	return 0;
}

static int model_mprotect(unsigned long start, unsigned long len, unsigned long prot)
{
	unsigned long end;

	if (start % P)
		return -EINVAL;
	if (!len)
		return 0;
	len = (len + P - 1) & ~(P - 1);
	end = start + len;
	if (end <= start || end > TASK_SIZE)
		return -ENOMEM;
	if (prot & ~7ul)
		return -EINVAL;
	for (unsigned long a = start; a < end; a += P) {
		if (model[a / P] == UNMAPPED)
			return -ENOMEM;
		model_set(a, P, (unsigned char)((model[a / P] & 0x80) | prot), false);
	}
	return 0;
}

/* ---- Calls through both, compared ---------------------------------------- */

static unsigned char *snapshot(void)
{
	unsigned char *s = malloc(NPAGES);

	cr_assert_not_null(s);
	memcpy(s, model, NPAGES);
	return s;
}

static unsigned long both_mmap(unsigned long addr, unsigned long len, unsigned long prot,
			       unsigned long flags)
{
	unsigned char *before = snapshot();
	unsigned long want = model_mmap(addr, len, prot, flags);
	unsigned long got = do_mmap(&mm, addr, len, prot, flags);

	cr_assert_eq(got, want, "mmap(%#lx, %#lx, %#lx, %#lx) = %#lx, the model says %#lx", addr,
		     len, prot, flags, got, want);
	assert_matches_model();
	assert_calls(before);
	free(before);
	return got;
}

static int both_munmap(unsigned long start, unsigned long len)
{
	unsigned char *before = snapshot();
	int want = model_munmap(start, len), got = do_munmap(&mm, start, len);

	cr_assert_eq(got, want, "munmap(%#lx, %#lx) = %d, the model says %d", start, len, got, want);
	assert_matches_model();
	assert_calls(before);
	free(before);
	return got;
}

static int both_mprotect(unsigned long start, unsigned long len, unsigned long prot)
{
	unsigned char *before = snapshot();
	int want = model_mprotect(start, len, prot), got = do_mprotect(&mm, start, len, prot);

	cr_assert_eq(got, want, "mprotect(%#lx, %#lx, %#lx) = %d, the model says %d", start, len,
		     prot, got, want);
	assert_matches_model();
	assert_calls(before);
	free(before);
	return got;
}

#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)
#define RW (PROT_READ | PROT_WRITE)
#define B TASK_UNMAPPED_BASE

/* ---- Error rules ------------------------------------------------------------ */

Test(mmap, mmap_error_rules)
{
	cr_assert_eq(both_mmap(0, 0, RW, ANON), (unsigned long)-EINVAL);
	cr_assert_eq(both_mmap(0, P, 8, ANON), (unsigned long)-EINVAL);
	cr_assert_eq(both_mmap(0, P, RW, MAP_ANONYMOUS), (unsigned long)-EINVAL);
	cr_assert_eq(both_mmap(0, P, RW, MAP_SHARED | MAP_ANONYMOUS), (unsigned long)-EINVAL);
	cr_assert_eq(both_mmap(0, P, RW, MAP_PRIVATE), (unsigned long)-EBADF);
	cr_assert_eq(both_mmap(0, TASK_SIZE + 1, RW, ANON), (unsigned long)-ENOMEM);
	cr_assert_eq(both_mmap(0, (unsigned long)-1, RW, ANON), (unsigned long)-ENOMEM);
	cr_assert_eq(both_mmap(B + 1, P, RW, ANON | MAP_FIXED), (unsigned long)-EINVAL);
	cr_assert_eq(both_mmap(TASK_SIZE - P, 2 * P, RW, ANON | MAP_FIXED), (unsigned long)-ENOMEM);
	cr_assert_eq(both_mmap(TASK_SIZE, P, RW, ANON | MAP_FIXED), (unsigned long)-ENOMEM);
	cr_assert_eq(both_mmap(P, P, RW, ANON | MAP_FIXED), (unsigned long)-EPERM);
	/* Not enough address space above mmap_base. */
	cr_assert_eq(both_mmap(0, TASK_SIZE - B + P, RW, ANON), (unsigned long)-ENOMEM);
	cr_assert_eq(mm.map_count, 0);
}

Test(mmap, length_rounds_up_to_a_page)
{
	cr_assert_eq(both_mmap(0, 1, RW, ANON), B);
	cr_assert_eq(both_mmap(0, P + 1, PROT_READ, ANON), B + P);
	cr_assert_eq(mm.total_vm, 3);
}

Test(mmap, hint_taken_when_free_else_first_fit)
{
	cr_assert_eq(both_mmap(B + 100 * P, P, RW, ANON), B + 100 * P);
	cr_assert_eq(both_mmap(B + 100 * P + 5, P, RW, ANON), B + 101 * P);   /* rounded up */
	cr_assert_eq(both_mmap(B + 100 * P, P, RW, ANON), B);                 /* taken: first fit */
	cr_assert_eq(both_mmap(P, P, RW, ANON), B + P);                       /* below the minimum */
}

Test(mmap, no_free_address_space_is_enomem)
{
	cr_assert_eq(both_mmap(B, TASK_SIZE - B, PROT_READ, ANON | MAP_FIXED), B);
	cr_assert_eq(both_mmap(0, P, PROT_READ, ANON), (unsigned long)-ENOMEM);
	cr_assert_eq(both_munmap(B + 8 * P, 2 * P), 0);
	cr_assert_eq(both_mmap(0, 3 * P, PROT_READ, ANON), (unsigned long)-ENOMEM);
	cr_assert_eq(both_mmap(0, 2 * P, PROT_READ, ANON), B + 8 * P);
}

Test(mmap, munmap_error_rules)
{
	cr_assert_eq(both_munmap(B + 1, P), -EINVAL);
	cr_assert_eq(both_munmap(B, 0), -EINVAL);
	cr_assert_eq(both_munmap(TASK_SIZE - P, 2 * P), -EINVAL);
	cr_assert_eq(both_munmap(TASK_SIZE + P, P), -EINVAL);
	cr_assert_eq(both_munmap(B, P), 0);   /* nothing there: not an error */
}

Test(mmap, mprotect_error_rules)
{
	both_mmap(B, 4 * P, RW, ANON | MAP_FIXED);
	cr_assert_eq(both_mprotect(B + 1, P, PROT_READ), -EINVAL);
	cr_assert_eq(both_mprotect(B, 0, PROT_READ), 0);
	cr_assert_eq(both_mprotect(B, P, 8), -EINVAL);
	cr_assert_eq(both_mprotect(B - P, 2 * P, PROT_READ), -ENOMEM);   /* starts in a hole */
	cr_assert_eq(both_mprotect((unsigned long)-P, P, PROT_READ), -ENOMEM);   /* wraps */
	/* A hole after the first VMA: it changes, then ENOMEM. */
	cr_assert_eq(both_mprotect(B + 2 * P, 4 * P, PROT_READ), -ENOMEM);
	cr_assert_eq(vma_lookup(&mm, B + 2 * P)->vm_flags, VM_READ);
}

/* ---- Splits and merges ------------------------------------------------------ */

Test(mmap, munmap_in_the_middle_splits_one_vma_in_two)
{
	both_mmap(B, 8 * P, RW, ANON | MAP_FIXED);
	cr_assert_eq(both_munmap(B + 3 * P, 2 * P), 0);
	cr_assert_eq(mm.map_count, 2);
	cr_assert_eq(find_vma(&mm, B + 3 * P)->vm_start, B + 5 * P);
	cr_assert_null(vma_lookup(&mm, B + 4 * P));
	/* Mapping the hole again with the same flags merges all three. */
	cr_assert_eq(both_mmap(B + 3 * P, 2 * P, RW, ANON | MAP_FIXED), B + 3 * P);
	cr_assert_eq(mm.map_count, 1);
}

Test(mmap, munmap_across_several_vmas)
{
	both_mmap(B, 2 * P, RW, ANON | MAP_FIXED);
	both_mmap(B + 3 * P, 2 * P, PROT_READ, ANON | MAP_FIXED);
	both_mmap(B + 6 * P, 2 * P, RW, ANON | MAP_FIXED);
	cr_assert_eq(both_munmap(B + P, 6 * P), 0);
	cr_assert_eq(mm.map_count, 2);
	cr_assert_eq(mm.total_vm, 2);
}

Test(mmap, mprotect_middle_splits_in_three_and_back_merges)
{
	both_mmap(B, 8 * P, RW, ANON | MAP_FIXED);
	cr_assert_eq(both_mprotect(B + 2 * P, 3 * P, PROT_READ), 0);
	cr_assert_eq(mm.map_count, 3);
	cr_assert_eq(both_mprotect(B + 2 * P, 3 * P, RW), 0);
	cr_assert_eq(mm.map_count, 1);
}

Test(mmap, mprotect_to_a_neighbours_flags_merges_with_it)
{
	both_mmap(B, 4 * P, PROT_READ, ANON | MAP_FIXED);
	both_mmap(B + 4 * P, 4 * P, RW, ANON | MAP_FIXED);
	cr_assert_eq(mm.map_count, 2);
	cr_assert_eq(both_mprotect(B + 4 * P, 2 * P, PROT_READ), 0);
	cr_assert_eq(mm.map_count, 2);
	cr_assert_eq(find_vma(&mm, B)->vm_end, B + 6 * P);
}

Test(mmap, fixed_over_existing_replaces_it)
{
	both_mmap(B, 8 * P, RW, ANON | MAP_FIXED);
	cr_assert_eq(both_mmap(B + 2 * P, 2 * P, PROT_READ, ANON | MAP_FIXED), B + 2 * P);
	cr_assert_eq(mm.map_count, 3);
}

Test(mmap, split_that_cannot_get_a_vma_fails_with_enomem_and_changes_nothing)
{
	both_mmap(B, 8 * P, RW, ANON | MAP_FIXED);
	mmap_host_vma_fail_after = 0;
	cr_assert_eq(do_munmap(&mm, B + 2 * P, P), -ENOMEM);
	cr_assert_eq(do_mprotect(&mm, B + 2 * P, P, PROT_READ), -ENOMEM);
	cr_assert_eq(do_mmap(&mm, 0, P, PROT_READ, ANON), (unsigned long)-ENOMEM);
	cr_assert_eq(mmap_host_nr_calls, 0);
	assert_matches_model();
	/* A merge needs no VMA. */
	cr_assert_eq(both_mmap(B + 8 * P, P, RW, ANON | MAP_FIXED), B + 8 * P);
}

/* ---- brk and the stack ------------------------------------------------------- */

Test(mmap, brk_grows_shrinks_and_refuses)
{
	mm.start_brk = mm.brk = 0x08100000ul + 100;
	cr_assert_eq(do_brk(&mm, mm.brk + 10), 0x08100000ul + 110);   /* same page */
	cr_assert_eq(mm.map_count, 0);
	cr_assert_eq(do_brk(&mm, 0x08100000ul + 3 * P), 0x08100000ul + 3 * P);
	cr_assert_eq(mm.map_count, 1);
	cr_assert_eq(find_vma(&mm, 0)->vm_start, 0x08101000ul);
	cr_assert_eq(find_vma(&mm, 0)->vm_end, 0x08103000ul);
	cr_assert_eq(find_vma(&mm, 0)->vm_flags, VM_READ | VM_WRITE);
	cr_assert_eq(do_brk(&mm, 0x08100000ul), 0x08100000ul + 3 * P, "below start_brk: unchanged");
	cr_assert_eq(do_brk(&mm, 0x08100000ul + 1 * P + 1), 0x08100000ul + P + 1);
	cr_assert_eq(find_vma(&mm, 0)->vm_end, 0x08102000ul);
	cr_assert_eq(mm.total_vm, 1);
	/* A mapping in the way stops growth. */
	do_mmap(&mm, 0x08110000ul, P, RW, ANON | MAP_FIXED);
	cr_assert_eq(do_brk(&mm, 0x08110000ul + 1), 0x08100000ul + P + 1);
	cr_assert_eq(do_brk(&mm, 0x08110000ul), 0x08110000ul);
	cr_assert_eq(mm.map_count, 1, "the heap merged with the mapping it reached");
}

Test(mmap, stack_grows_down_to_its_limit_and_not_into_the_gap)
{
	unsigned long top = TASK_SIZE, sp = top - 4 * P;
	struct vm_area_struct *vma;

	cr_assert_eq(do_mmap(&mm, sp, 4 * P, RW, ANON | MAP_FIXED | MAP_GROWSDOWN), sp);
	vma = find_vma(&mm, sp);
	cr_assert_eq(expand_stack(vma, sp - 10 * P + 8), 0);
	cr_assert_eq(vma->vm_start, sp - 10 * P);
	cr_assert_eq(mm.total_vm, 14);
	cr_assert_eq(expand_stack(vma, top - mm.stack_limit), 0);
	cr_assert_eq(expand_stack(vma, top - mm.stack_limit - P), -ENOMEM);
	cr_assert_eq(vma->vm_start, top - mm.stack_limit);
	/* A mapping within the guard gap below stops growth too. */
	mm.stack_limit = 64ul << 20;
	do_mmap(&mm, top - (16ul << 20), P, RW, ANON | MAP_FIXED);
	cr_assert_eq(expand_stack(vma, top - (16ul << 20) + 256 * P), -ENOMEM);
	cr_assert_eq(expand_stack(vma, top - (16ul << 20) + 257 * P), 0);
	/* Not a stack. */
	cr_assert_eq(expand_stack(find_vma(&mm, 0), 0), -EFAULT);
}

Test(mmap, first_fit_keeps_the_guard_gap_below_a_stack)
{
	unsigned long s = B + 300 * P;

	cr_assert_eq(do_mmap(&mm, s, P, RW, ANON | MAP_FIXED | MAP_GROWSDOWN), s);
	cr_assert_eq(do_mmap(&mm, 0, 44 * P, RW, ANON), B);
	cr_assert_eq(do_mmap(&mm, 0, P, RW, ANON), s + P, "the 256-page gap below the stack");
}

Test(mmap, a_hint_inside_a_stacks_guard_gap_is_not_taken)
{
	unsigned long s = B + 300 * P;

	cr_assert_eq(do_mmap(&mm, s, P, RW, ANON | MAP_FIXED | MAP_GROWSDOWN), s);
	cr_assert_eq(do_mmap(&mm, s - 10 * P, P, RW, ANON), B, "Linux's vm_start_gap");
	cr_assert_eq(do_mmap(&mm, s - 300 * P + P, P, RW, ANON), s - 299 * P, "below the gap: taken");
}

Test(mmap, exit_mmap_unmaps_everything_and_frees_every_vma)
{
	both_mmap(B, 3 * P, RW, ANON | MAP_FIXED);
	both_mmap(B + 5 * P, 3 * P, PROT_READ, ANON | MAP_FIXED);
	exit_mmap(&mm);
	cr_assert_eq(mm.map_count, 0);
	cr_assert_eq(mm.total_vm, 0);
	cr_assert_eq(mmap_host_vmas_live, 0);
	cr_assert_eq(mmap_host_nr_calls, 3);
	cr_assert_eq(mmap_host_calls[2].op, CALL_FREE_PGD);
	cr_assert_eq(mmap_host_calls[2].ceiling, TASK_SIZE);
	memset(model, UNMAPPED, NPAGES);
	mmap_host_nr_calls = 0;
}

/* ---- Random traffic ---------------------------------------------------------- */

Test(mmap, random_calls_match_the_model, .timeout = 120)
{
	struct rnd_state rnd;
	/* A window around mmap_base, so calls overlap. */
	unsigned long lo = B - 64 * P, pages = 512;

	prandom_seed_state(&rnd, 14);
	for (int i = 0; i < 1500; i++) {
		unsigned long addr = lo + prandom_below(&rnd, pages) * P;
		unsigned long len = (1 + prandom_below(&rnd, 24)) * P - (prandom_below(&rnd, 4) ? 0 : 100);
		unsigned long prot = prandom_below(&rnd, 8);

		switch (prandom_below(&rnd, 4)) {
		case 0:
			both_mmap(addr, len, prot, ANON | MAP_FIXED);
			break;
		case 1:
			both_mmap(prandom_below(&rnd, 2) ? addr : 0, len, prot, ANON);
			break;
		case 2:
			both_munmap(addr, len);
			break;
		default:
			both_mprotect(addr, len, prot);
			break;
		}
	}
}
