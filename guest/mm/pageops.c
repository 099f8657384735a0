/*
 * Page contents: clear_page, copy_page and their highmem variants, and the
 * page-poison fill and verify hooks.
 *
 * Two implementations (docs/design.md §2.6 rule 2):
 *   - rep stosl / rep movsl through a kernel mapping: 1024 iterations at
 *     ~0.75 us each, about 0.8 ms per page here;
 *   - HC_PAGEOPS: one VM exit (~10 us) clears, copies or verifies a batch of
 *     pfn ranges natively in the VMM, which validates every pfn.  It needs no
 *     mapping, so highmem pages cost the same as lowmem ones.
 * The paravirtual path is used when boot_info advertises it; pv_pageops=0|1
 * on the command line overrides.  `make bench` measures both.
 *
 * Highmem pages on the rep path are reached through kmap_atomic.
 */
#include "kernel.h"
#include "cmdline.h"
#include "hypercall.h"
#include "mm.h"
#include "setup.h"
#include "highmem.h"
#include "asm/pgtable.h"

bool pv_pageops;
static bool pv_find_nonzero;

void pageops_init(const struct boot_info *bi)
{
	const char *s = cmdline_get("pv_pageops");

	pv_pageops = !!(bi->features & BI_FEAT_PV_PAGEOPS);
	pv_find_nonzero = !!(bi->features & BI_FEAT_FIND_NONZERO);
	if (s) {
		bool want = *s == '1';
		if (want && !(bi->features & BI_FEAT_PV_PAGEOPS))
			printk("pv_pageops=1: the VMM does not offer HC_PAGEOPS, using rep stos\n");
		else
			pv_pageops = want;
	}
}

/* One op over `nr` contiguous pfns.  Returns the VMM's verdict; for VERIFY,
 * *bad_off gets the byte offset of the first mismatch (or -1).
 *
 * The request and descriptor are static and only the fields the VMM reads
 * are written: zero-initialising a fresh struct hc_req costs ~30 emulated
 * instructions, more than the rest of the call.  Single CPU, and callers
 * never nest (no interrupt handler clears pages), so one block suffices. */
static long pv_pageop(u32 op, u32 fill, u64 dst_pfn, u64 src_pfn, u32 nr, long *bad_off)
{
	static struct hc_pageop desc;
	static struct hc_req req;

	desc.op = op;
	desc.fill = fill;
	desc.nr_pages = nr;
	desc.dst_pfn = dst_pfn;
	desc.src_pfn = src_pfn;
	req.nr = HC_PAGEOPS;
	req.a[0] = __pa(&desc);
	req.a[1] = 1;
	hypercall_req(&req);
	BUG_ON(req.ret != HC_OK);   /* our own pfns: anything else is a VMM/guest bug */
	if (bad_off)
		*bad_off = req.a[2] == ~0ull ? -1 : (long)req.a[3];
	return 0;
}

static inline void rep_stosl(void *dst, u32 val, unsigned long dwords)
{
	__asm__ __volatile__("rep stosl"
			     : "+D"(dst), "+c"(dwords)
			     : "a"(val)
			     : "memory");
}

static inline void rep_movsl(void *dst, const void *src, unsigned long dwords)
{
	__asm__ __volatile__("rep movsl"
			     : "+D"(dst), "+S"(src), "+c"(dwords)
			     :
			     : "memory");
}

void clear_page(void *kaddr)
{
	if (pv_pageops)
		pv_pageop(PAGEOP_CLEAR, 0, virt_to_pfn(kaddr), 0, 1, NULL);
	else
		rep_stosl(kaddr, 0, PAGE_SIZE / 4);
}

void copy_page(void *to, const void *from)
{
	if (pv_pageops)
		pv_pageop(PAGEOP_COPY, 0, virt_to_pfn(to), virt_to_pfn(from), 1, NULL);
	else
		rep_movsl(to, from, PAGE_SIZE / 4);
}

unsigned long mem_find_nonzero(const void *p, unsigned long len)
{
	if (pv_find_nonzero && len > 64) {
		static struct hc_req req;   /* static: see pv_pageop() */

		req.nr = HC_MEM_FIND_NONZERO;
		req.a[0] = __pa(p);
		req.a[1] = len;
		hypercall_req(&req);
		BUG_ON(req.ret != HC_OK);   /* a lowmem range of our own */
		return req.a[2] == ~0ull ? len : (unsigned long)req.a[2];
	}
	const u8 *b = p;
	unsigned long i = 0;
	while (i < len && !b[i])
		i++;
	return i;
}

/* The rep-path variants, exported for the clear_page benchmark. */
void clear_page_rep(void *kaddr)
{
	rep_stosl(kaddr, 0, PAGE_SIZE / 4);
}

void clear_page_pv(void *kaddr)
{
	pv_pageop(PAGEOP_CLEAR, 0, virt_to_pfn(kaddr), 0, 1, NULL);
}

/* Clear `nr` contiguous pages starting at `page` (an allocated block). */
void clear_highpages(struct page *page, unsigned int nr)
{
	if (pv_pageops) {
		pv_pageop(PAGEOP_CLEAR, 0, page_to_pfn(page), 0, nr, NULL);
		return;
	}
	for (unsigned int i = 0; i < nr; i++) {
		void *va = kmap_atomic(page + i);
		rep_stosl(va, 0, PAGE_SIZE / 4);
		kunmap_atomic(va);
	}
}

void clear_highpage(struct page *page)
{
	clear_highpages(page, 1);
}

void copy_highpage(struct page *to, const struct page *from)
{
	if (pv_pageops) {
		pv_pageop(PAGEOP_COPY, 0, page_to_pfn(to), page_to_pfn(from), 1, NULL);
		return;
	}
	void *dst = kmap_atomic(to);
	void *src = kmap_atomic((struct page *)from);
	rep_movsl(dst, src, PAGE_SIZE / 4);
	kunmap_atomic(src);
	kunmap_atomic(dst);
}

/* Strong versions of page_poison.c's hooks: with HC_PAGEOPS a fill or a
 * verify is one exit instead of ~1 ms of emulated rep/compare loop. */
bool poison_page(struct page *page)
{
	if (pv_pageops) {
		pv_pageop(PAGEOP_FILL, PAGE_POISON, page_to_pfn(page), 0, 1, NULL);
		return true;
	}
	void *va = kmap_atomic(page);
	rep_stosl(va, PAGE_POISON * 0x01010101u, PAGE_SIZE / 4);
	kunmap_atomic(va);
	return true;
}

long check_poison_page(struct page *page)
{
	long bad = -1;

	if (pv_pageops) {
		pv_pageop(PAGEOP_VERIFY, PAGE_POISON, page_to_pfn(page), 0, 1, &bad);
		return bad;
	}
	const u32 *p = kmap_atomic(page);
	for (unsigned int i = 0; i < PAGE_SIZE / 4; i++) {
		if (p[i] != PAGE_POISON * 0x01010101u) {
			const u8 *b = (const u8 *)&p[i];
			bad = i * 4;
			while (*b++ == PAGE_POISON)
				bad++;
			break;
		}
	}
	kunmap_atomic(p);
	return bad;
}
