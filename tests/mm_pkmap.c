/*
 * Unit tests of the pkmap slot allocator (guest/mm/highmem.c: kmap_high,
 * kunmap_high, flush_all_zero_pkmaps), host-built over a page table of
 * this file's, against a model: each slot's count and page, the round-robin
 * cursor, and the flushes, written here from Linux's rules.  After every
 * operation the guest's pkmap_count, the PTEs, page_address and the TLB
 * flush count must agree with the model.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include "mm_host.h"
#include "highmem.h"
#include "random.h"
#include "asm/pgtable.h"

/* 4096 pfns: DMA below 1024, Normal below 2048, HighMem (2048 pages) above. */
#define HIGH0 2048
static pte_t table[LAST_PKMAP];

static void machine(void)
{
	mm_host_quiet = true;
	mm_host_init(&(struct mm_host_layout){ .nr_pfns = 4096, .dma_end = 1024, .normal_end = 2048 });
	pkmap_page_table = table;
}

TestSuite(pkmap, .init = machine, .fini = mm_host_teardown);

/* ---- The model ----------------------------------------------------------- */

static struct {
	int count[LAST_PKMAP];
	unsigned long pfn[LAST_PKMAP];
	unsigned int last;
	unsigned long flushes;
} m;

static int model_slot_of(unsigned long pfn)
{
	for (int i = 0; i < LAST_PKMAP; i++)
		if (m.count[i] >= 1 && m.pfn[i] == pfn)
			return i;
	return -1;
}

static void model_flush(void)
{
	bool any = false;

	for (int i = 0; i < LAST_PKMAP; i++)
		if (m.count[i] == 1) {
			m.count[i] = 0;
			any = true;
		}
	m.flushes += any;
}

/* The slot kmap must pick, or -1 when it must panic. */
static int model_kmap(unsigned long pfn)
{
	int slot = model_slot_of(pfn);

	if (slot < 0) {
		unsigned int tries = LAST_PKMAP;

		for (;;) {
			m.last = (m.last + 1) % LAST_PKMAP;
			if (m.last == 0) {
				model_flush();
				tries = LAST_PKMAP;
			}
			if (m.count[m.last] == 0)
				break;
			if (--tries == 0)
				return -1;
		}
		slot = (int)m.last;
		m.count[slot] = 1;
		m.pfn[slot] = pfn;
	}
	m.count[slot]++;
	return slot;
}

static void model_kunmap(unsigned long pfn)
{
	int slot = model_slot_of(pfn);

	cr_assert(slot >= 0 && m.count[slot] >= 2, "model: kunmap of pfn %#lx without a user", pfn);
	m.count[slot]--;
}

/* Everything the guest keeps against the model. */
static void agree(const char *after)
{
	for (int i = 0; i < LAST_PKMAP; i++) {
		cr_assert_eq(pkmap_count[i], m.count[i], "%s: slot %d: count %d, model %d", after, i,
			     pkmap_count[i], m.count[i]);
		cr_assert_eq(pte_present(table[i]), m.count[i] >= 1, "%s: slot %d: PTE %#llx, count %d",
			     after, i, (unsigned long long)pte_val(table[i]), m.count[i]);
		if (m.count[i] >= 1) {
			cr_assert_eq(pte_pfn(table[i]), m.pfn[i], "%s: slot %d", after, i);
			cr_assert_eq(page_address(pfn_to_page(m.pfn[i])), (void *)PKMAP_ADDR(i),
				     "%s: slot %d: page_address", after, i);
		} else {
			cr_assert(pte_none(table[i]), "%s: slot %d: flushed but PTE %#llx", after, i,
				  (unsigned long long)pte_val(table[i]));
		}
	}
	cr_assert_eq(mm_host_pkmap_tlb_flushes, m.flushes, "%s: %lu TLB flushes, model %lu", after,
		     mm_host_pkmap_tlb_flushes, m.flushes);
	cr_assert_eq(pkmap_flushes, m.flushes);
}

/* ---- Against the model ----------------------------------------------------- */

Test(pkmap, random_traffic_agrees_with_the_model)
{
	static unsigned long held[300];   /* a pfn per kmap user */
	unsigned int nheld = 0;
	struct rnd_state rnd;
	char what[64];

	prandom_seed_state(&rnd, 12);
	for (unsigned int op = 0; op < 40000; op++) {
		if (nheld < 300 && (!nheld || prandom_below(&rnd, 2))) {
			/* Few pages at first (slots are reused), then many
			 * (rounds wrap and flush). */
			unsigned long pfn = HIGH0 + prandom_below(&rnd, op < 10000 ? 64 : 2048);
			int slot = model_kmap(pfn);
			void *va = kmap(pfn_to_page(pfn));

			cr_assert_eq(va, (void *)PKMAP_ADDR(slot), "op %u: kmap(pfn %#lx) = %p, model "
				     "slot %d", op, pfn, va, slot);
			held[nheld++] = pfn;
			snprintf(what, sizeof(what), "op %u kmap", op);
		} else {
			unsigned int h = prandom_below(&rnd, nheld);

			model_kunmap(held[h]);
			kunmap(pfn_to_page(held[h]));
			held[h] = held[--nheld];
			snprintf(what, sizeof(what), "op %u kunmap", op);
		}
		if (op % 97 == 0 || op > 39000)
			agree(what);
	}
	agree("end");
	cr_assert_gt(m.flushes, 10, "%lu flushes", m.flushes);
}

Test(pkmap, every_slot_held_then_one_flush_reclaims_them_all)
{
	for (unsigned int i = 0; i < LAST_PKMAP; i++)
		kmap(pfn_to_page(HIGH0 + i)), model_kmap(HIGH0 + i);
	agree("all held");
	cr_assert_eq(pkmap_users(), LAST_PKMAP);
	for (unsigned int i = 0; i < LAST_PKMAP; i++)
		kunmap(pfn_to_page(HIGH0 + i)), model_kunmap(HIGH0 + i);
	agree("all released");
	/* Count 1 everywhere: the page keeps its address until the flush. */
	cr_assert_eq(page_address(pfn_to_page(HIGH0 + 5)), (void *)PKMAP_ADDR(6));

	unsigned long before = mm_host_pkmap_tlb_flushes;
	struct pkmap_stats st;

	kmap(pfn_to_page(HIGH0 + 600));
	model_kmap(HIGH0 + 600);
	agree("the 513th page");
	cr_assert_eq(mm_host_pkmap_tlb_flushes, before + 1, "one flush for the batch of 512");
	pkmap_stats(&st);
	cr_assert_eq(st.in_use, 1);
	cr_assert_eq(st.unflushed, 0);
	cr_assert_eq(st.flushes, pkmap_flushes);
	cr_assert_null(page_address(pfn_to_page(HIGH0 + 5)));
}

Test(pkmap, a_mapped_page_shares_its_slot)
{
	struct page *p = pfn_to_page(HIGH0 + 3);
	void *a = kmap(p), *b = kmap(p);

	cr_assert_eq(a, b);
	cr_assert_eq(pkmap_count[PKMAP_NR((unsigned long)a)], 3);
	kunmap(p);
	kunmap(p);
	cr_assert_eq(pkmap_count[PKMAP_NR((unsigned long)a)], 1);
	/* Unused but not flushed: kmap finds it again without a new slot. */
	cr_assert_eq(kmap(p), a);
}

Test(pkmap, lowmem_pages_are_the_direct_map)
{
	struct page *lo = pfn_to_page(1500);

	cr_assert_eq(kmap(lo), lowmem_page_address(lo));
	kunmap(lo);
	for (int i = 0; i < LAST_PKMAP; i++)
		cr_assert_eq(pkmap_count[i], 0);
}

/* ---- Panics --------------------------------------------------------------- */

Test(pkmap, exhaustion_panics_naming_the_users, .signal = SIGABRT)
{
	for (unsigned int i = 0; i < LAST_PKMAP; i++)
		kmap(pfn_to_page(HIGH0 + i));
	expect_death("kmap: pkmap exhausted: all 512 slots hold users, none to flush (Linux would "
		     "sleep in kmap until a kunmap; no scheduler here)\n",
		     "kmap: pfn 0xa00 wants a slot; the users, by slot:\n",
		     "  slot   0 at ffc00000: pfn 0x9ff, 1 user, first kmap from [<",
		     "  slot   1 at ffc01000: pfn 0x800, 1 user, first kmap from [<",
		     "  slot 511 at ffdff000: pfn 0x9fe, 1 user, first kmap from [<",
		     "kmap: pkmap exhausted: 512 slots, 512 users");
	kmap(pfn_to_page(HIGH0 + LAST_PKMAP));
}

Test(pkmap, kunmap_of_a_page_never_kmapped_is_a_bug, .signal = SIGABRT)
{
	expect_death("kunmap: pfn 0x900 is not kmapped\n", "kernel BUG at ");
	kunmap(pfn_to_page(0x900));
}

Test(pkmap, kunmap_past_the_last_user_is_a_bug, .signal = SIGABRT)
{
	struct page *p = pfn_to_page(HIGH0 + 9);

	kmap(p);
	kunmap(p);
	/* The slot is count 1 (unused, not flushed): a count may not fall
	 * to 0 without the flush. */
	expect_death("kunmap: pfn 0x809 at ffc01000 has no kmap user left (pkmap_count 1)\n",
		     "kernel BUG at ");
	kunmap(p);
}
