/*
 * vmalloc from outside: the guest's vmap_area_list (guest vmalloc.h) walked
 * without trusting it, every PTE of [VMALLOC_START, VMALLOC_END) read from
 * swapper_pg_dir, and the two compared:
 *   vmalloc.list    the list is sorted, areas page-aligned, disjoint and in
 *                   the range; a busy area's vm_struct covers it exactly, a
 *                   lazily freed one has none;
 *   vmalloc.guard   the last page of every busy area is unmapped;
 *   vmalloc.page    a vmalloc or vmap area maps all of its nr_pages, each
 *                   to a page that is not free in the buddy allocator; a
 *                   vmalloc area's page i is its pages[i], and no page is
 *                   mapped by two vmalloc pages (each would free it);
 *   vmalloc.orphan  no present PTE outside the busy areas;
 *   vmalloc.lazy    lazily freed areas map nothing, and vmap_lazy_nr is the
 *                   pages they hold.
 * The range's page-table pages are PG_table: check_pt.c checks every table
 * under swapper_pg_dir (pt.table), and leaves the pt.freed rule to
 * vmalloc.page here, so one fault gives one report.
 *
 * A list that cannot be followed (an entry outside lowmem, a bad prev
 * link, more entries than the range can hold) or whose areas are out of
 * order is one vmalloc.list violation, and the PTE rules make no claim
 * then: they would only repeat it.
 *
 * Also here: the walk the views use (vmallocinfo, meminfo's Vmalloc lines)
 * and the guest's own arithmetic for VMALLOC_START and VmallocChunk.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "elf_load.h"
#include "inspect.h"

#define PG 4096u

void insp_vmalloc_range(const struct insp *in, uint32_t *start, uint32_t *end)
{
	uint32_t off = in->lay->vmalloc_offset;

	*start = ((uint32_t)in->st.high_memory + off) & ~(off - 1);
	*end = in->lay->vmalloc_end;
}

void insp_varea_begin(const struct insp *in, struct insp_varea_iter *it)
{
	const struct insp_layout *l = in->lay;
	uint32_t start, end, next;

	insp_vmalloc_range(in, &start, &end);
	memset(it, 0, sizeof(*it));
	it->head = (uint32_t)l->sym.vmap_area_list;
	it->prev = it->head;
	/* Every area holds at least one page and its guard page. */
	it->left = end > start ? (end - start) / (2 * PG) + 1 : 1;
	if (!insp_read_u32(in, it->head + l->list.next, &next))
		snprintf(it->why, sizeof(it->why), "vmap_area_list at %#x is not in lowmem", it->head);
	it->cur = next;
}

int insp_varea_next(const struct insp *in, struct insp_varea_iter *it, struct insp_varea *a)
{
	const struct insp_layout *l = in->lay;
	const uint8_t *p, *v;
	uint32_t node;

	if (it->why[0])
		return -1;
	if (it->cur == it->head)
		return 0;
	if (!it->left--) {
		snprintf(it->why, sizeof(it->why), "more entries than the range holds areas (a cycle?)");
		return -1;
	}
	node = it->cur - l->vmap_area.list;
	p = insp_kptr(in, node, l->vmap_area.size);
	if (!p) {
		snprintf(it->why, sizeof(it->why), "entry %#x after %#x is not a struct vmap_area in "
			 "lowmem", it->cur, it->prev);
		return -1;
	}
	if (insp_rd32(p, l->vmap_area.list + l->list.prev) != it->prev) {
		snprintf(it->why, sizeof(it->why), "entry %#x: prev is %#x, expected %#x", it->cur,
			 insp_rd32(p, l->vmap_area.list + l->list.prev), it->prev);
		return -1;
	}
	memset(a, 0, sizeof(*a));
	a->va = node;
	a->start = insp_rd32(p, l->vmap_area.va_start);
	a->end = insp_rd32(p, l->vmap_area.va_end);
	a->flags = insp_rd32(p, l->vmap_area.flags);
	a->vm = insp_rd32(p, l->vmap_area.vm);
	if (a->vm && (v = insp_kptr(in, a->vm, l->vm_struct.size)) != NULL) {
		a->vm_ok = true;
		a->addr = insp_rd32(v, l->vm_struct.addr);
		a->size = insp_rd32(v, l->vm_struct.size_);
		a->vm_flags = insp_rd32(v, l->vm_struct.flags);
		a->nr_pages = insp_rd32(v, l->vm_struct.nr_pages);
		a->caller = insp_rd32(v, l->vm_struct.caller);
		a->pages = insp_rd32(v, l->vm_struct.pages);
	}
	it->prev = it->cur;
	it->cur = insp_rd32(p, l->vmap_area.list + l->list.next);
	return 1;
}

static bool busy(const struct insp *in, const struct insp_varea *a)
{
	return (a->flags & in->lay->vmf.vm_area) && a->vm_ok;
}

bool insp_vmalloc_totals(const struct insp *in, uint32_t *used, uint32_t *chunk)
{
	struct insp_varea_iter it;
	struct insp_varea a;
	uint32_t start, end, prev_end, largest = 0;
	int r;

	insp_vmalloc_range(in, &start, &end);
	prev_end = start;
	*used = 0;
	insp_varea_begin(in, &it);
	while ((r = insp_varea_next(in, &it, &a)) > 0) {
		/* The guest's vmalloc_used_pages and __vmap_largest_gap, in
		 * its 32-bit arithmetic: vmalloc's pages only, and lazily
		 * freed areas are free. */
		if (busy(in, &a) && (a.vm_flags & in->lay->vmf.alloc))
			*used += a.nr_pages;
		if (a.flags & in->lay->vmf.lazy_free)
			continue;
		if (a.start > prev_end && a.start - prev_end > largest)
			largest = a.start - prev_end;
		if (a.end > prev_end)
			prev_end = a.end;
	}
	if (end > prev_end && end - prev_end > largest)
		largest = end - prev_end;
	*chunk = largest;
	return r == 0;
}

/* ---- The checks ----------------------------------------------------------- */

static void vplace(char *buf, uint32_t va)
{
	snprintf(buf, INSP_PLACE_MAX, "vmalloc va %#x", va);
}

static void aplace(char *buf, const struct insp_varea *a)
{
	snprintf(buf, INSP_PLACE_MAX, "vmap_area %#x", a->va);
}

/* One area's own consistency; false (reported) if it breaks the list. */
static bool area_ok(struct insp *in, const struct insp_varea *a, uint32_t prev_end,
		    uint32_t start, uint32_t end)
{
	const struct insp_layout *l = in->lay;
	char place[INSP_PLACE_MAX];
	bool mapping = a->vm_flags & (l->vmf.alloc | l->vmf.map);

	aplace(place, a);
	if ((a->start | a->end) % PG || a->start >= a->end || a->start < start || a->end > end) {
		insp_report_add(in->rep, R_VMALLOC_LIST, place, "[%#x, %#x) is not a page-aligned range "
				"inside the vmalloc range [%#x, %#x)", a->start, a->end, start, end);
		return false;
	}
	if (a->start < prev_end) {
		insp_report_add(in->rep, R_VMALLOC_LIST, place, "[%#x, %#x) overlaps or precedes the "
				"area before it, which ends at %#x", a->start, a->end, prev_end);
		return false;
	}
	if (a->flags == l->vmf.lazy_free) {
		if (a->vm)
			insp_report_add(in->rep, R_VMALLOC_LIST, place, "lazily freed [%#x, %#x) still "
					"points at vm_struct %#x", a->start, a->end, a->vm);
		return true;
	}
	if (a->flags != l->vmf.vm_area || !a->vm_ok) {
		insp_report_add(in->rep, R_VMALLOC_LIST, place, "[%#x, %#x): flags %#x, vm %#x: neither "
				"busy with a readable vm_struct nor lazily freed", a->start, a->end,
				a->flags, a->vm);
		return true;
	}
	if (a->addr != a->start || a->size != a->end - a->start)
		insp_report_add(in->rep, R_VMALLOC_LIST, place, "[%#x, %#x) but its vm_struct %#x says "
				"addr %#x size %#x", a->start, a->end, a->vm, a->addr, a->size);
	else if (mapping && a->nr_pages != a->size / PG - 1)
		insp_report_add(in->rep, R_VMALLOC_PAGE, place, "[%#x, %#x): nr_pages %u, the area "
				"holds %u pages and a guard page", a->start, a->end, a->nr_pages,
				a->size / PG - 1);
	return true;
}

/* The areas in address order; false (reported) if the list is broken. */
static bool collect(struct insp *in, uint32_t start, uint32_t end)
{
	struct insp_varea_iter it;
	struct insp_varea a;
	uint32_t prev_end = start;
	int r;

	in->nvareas = 0;
	insp_varea_begin(in, &it);
	while ((r = insp_varea_next(in, &it, &a)) > 0) {
		if (!area_ok(in, &a, prev_end, start, end))
			return false;
		prev_end = a.end;
		if (in->nvareas == in->vareas_cap) {
			size_t cap = in->vareas_cap ? 2 * in->vareas_cap : 64;
			struct insp_varea *n = realloc(in->vareas, cap * sizeof(*n));

			if (!n)
				return false;
			in->vareas = n;
			in->vareas_cap = cap;
		}
		in->vareas[in->nvareas++] = a;
	}
	if (r < 0) {
		insp_report_add(in->rep, R_VMALLOC_LIST, "vmap_area_list", "%s", it.why);
		return false;
	}
	return true;
}

bool insp_vmalloc_areas(struct insp *in)
{
	uint32_t start, end;

	insp_vmalloc_range(in, &start, &end);
	return collect(in, start, end);
}

static bool pfn_free(const struct insp *in, uint64_t pfn)
{
	return in->pstate_valid && pfn < in->st.npfn && (in->pstate[pfn] & PS_FREE);
}

/* What the PTE scan carries from one PTE to the next. */
struct pte_scan {
	uint32_t *owner;           /* per pfn: the va of a VM_ALLOC page mapping it, or 0 */
	const struct insp_varea *arr_area;   /* the area whose pages[] is in arr */
	uint32_t *arr;             /* its pages[] (struct page pointers), or NULL */
};

/* The VM_ALLOC area a's pages[], read through the kernel's page tables
 * (kmalloc'ed in lowmem, or vmalloc'ed when larger than a page); NULL,
 * reported once, if it cannot be read. */
static const uint32_t *area_pages(struct insp *in, struct pte_scan *sc, const struct insp_varea *a)
{
	size_t bytes = (size_t)a->nr_pages * 4;
	char place[INSP_PLACE_MAX];

	if (sc->arr_area == a)
		return sc->arr;
	free(sc->arr);
	sc->arr_area = a;
	sc->arr = malloc(bytes ? bytes : 1);
	if (sc->arr && pt_read_virt(in->mem, &in->pt, in->st.swapper_cr3, a->pages, sc->arr,
				    bytes) == bytes)
		return sc->arr;
	free(sc->arr);
	sc->arr = NULL;
	aplace(place, a);
	insp_report_add(in->rep, R_VMALLOC_PAGE, place, "[%#x, %#x): its page array at %#x (%u "
			"entries) cannot be read", a->start, a->end, a->pages, a->nr_pages);
	return NULL;
}

/* A VM_ALLOC area's page i maps pfn: it is pages[i], and no other VM_ALLOC
 * page maps it (each would free it). */
static void check_owned(struct insp *in, struct pte_scan *sc, const struct insp_varea *a,
			uint32_t va, uint64_t pfn)
{
	const uint32_t *pages = area_pages(in, sc, a);
	uint32_t i = (va - a->start) / PG, want = (uint32_t)in->st.mem_map_va;
	char place[INSP_PLACE_MAX];

	vplace(place, va);
	want += (uint32_t)(pfn * in->lay->page.size);
	if (pages && i < a->nr_pages && pages[i] != want)
		insp_report_add(in->rep, R_VMALLOC_PAGE, place, "page %u of the area [%#x, %#x) maps "
				"pfn %#" PRIx64 " (struct page %#x), but its pages[%u] is %#x", i,
				a->start, a->end, pfn, want, i, pages[i]);
	if (!sc->owner || pfn >= in->st.npfn)
		return;
	if (sc->owner[pfn])
		insp_report_add(in->rep, R_VMALLOC_PAGE, place, "page %u of the area [%#x, %#x) maps "
				"pfn %#" PRIx64 ", which vmalloc va %#x maps too: two vmalloc pages "
				"cannot own one page", i, a->start, a->end, pfn, sc->owner[pfn]);
	else
		sc->owner[pfn] = va;
}

/* One present PTE at va, against the area that contains it (or none). */
static void check_pte(struct insp *in, struct pte_scan *sc, const struct insp_varea *a,
		      uint32_t va, uint64_t e, uint32_t *mapped)
{
	const struct insp_layout *l = in->lay;
	uint64_t pa = e & PT_ADDR_MASK;
	char place[INSP_PLACE_MAX];

	vplace(place, va);
	if (!a) {
		insp_report_add(in->rep, R_VMALLOC_ORPHAN, place, "maps pa %#" PRIx64 " but is in no "
				"vmalloc area", pa);
	} else if (a->flags == l->vmf.lazy_free) {
		insp_report_add(in->rep, R_VMALLOC_LAZY, place, "maps pa %#" PRIx64 " but its area "
				"[%#x, %#x) was freed (purge pending)", pa, a->start, a->end);
	} else if (va >= a->end - PG) {
		insp_report_add(in->rep, R_VMALLOC_GUARD, place, "the guard page of the area [%#x, %#x) "
				"maps pa %#" PRIx64, a->start, a->end, pa);
	} else {
		(*mapped)++;
		if (pfn_free(in, pa >> 12))
			insp_report_add(in->rep, R_VMALLOC_PAGE, place, "page %u of the area [%#x, %#x) "
					"maps pfn %#" PRIx64 ", which is free in the buddy allocator%s",
					(va - a->start) / PG, a->start, a->end, pa >> 12,
					(in->pstate[pa >> 12] & PS_PCP) ? " (per-CPU list)" : "");
		else if (busy(in, a) && (a->vm_flags & l->vmf.alloc))
			check_owned(in, sc, a, va, pa >> 12);
	}
}

/* Mark the areas overlapping [va, va + 2 MiB) as not countable: their
 * PTEs there cannot be read (pt.* reports why). */
static void unreadable_chunk(struct insp *in, uint64_t va, uint32_t *mapped)
{
	for (size_t k = 0; k < in->nvareas; k++)
		if (in->vareas[k].start < va + (2ull << 20) && in->vareas[k].end > va)
			mapped[k] = UINT32_MAX;
}

/*
 * Every PTE of [start, end) under swapper_pg_dir, against the areas.  The
 * PDE of each 2 MiB chunk is read directly (the walk to it only finds the
 * PD), so a bad PTE cannot hide its chunk: a PTE with reserved bits is
 * skipped alone (pt.reserved reports it), still counted as its area's; a PDE
 * that is broken itself (reserved bits, table outside RAM) makes only its
 * areas' counts unclaimable (UINT32_MAX).  False when the tables above the
 * PD cannot be walked (pt.* rules report that): then the counts make no
 * claim at all.
 */
static bool scan_ptes(struct insp *in, struct pte_scan *sc, uint32_t start, uint32_t end,
		      uint32_t *mapped)
{
	size_t k = 0;

	for (uint64_t chunk = start & ~((2ull << 20) - 1); chunk < end; chunk += 2ull << 20) {
		struct pt_walk w;
		const uint8_t *pt;
		uint64_t pde;

		if (insp_stopping(in))
			return false;
		if (pt_walk(in->mem, &in->pt, in->st.swapper_cr3, chunk, &w) != PT_OK &&
		    w.levels <= PT_PDE)
			return false;   /* the PDE itself could not be read */
		pde = w.lvl[PT_PDE].entry;
		if (!(pde & PT_P))
			continue;   /* no page table: nothing mapped here */
		if (pt_reserved_bits(&in->pt, PT_PDE, pde)) {
			unreadable_chunk(in, chunk, mapped);
			continue;
		}
		if (pde & PT_PS) {
			char place[INSP_PLACE_MAX];

			vplace(place, (uint32_t)chunk);
			insp_report_add(in->rep, R_VMALLOC_ORPHAN, place, "a 2 MiB page (PDE %#" PRIx64
					") in the vmalloc range", pde);
			continue;
		}
		pt = guest_mem_ptr(in->mem, pde & PT_ADDR_MASK, 4096);
		if (!pt) {
			unreadable_chunk(in, chunk, mapped);   /* pt.ram reports it */
			continue;
		}
		for (unsigned i = 0; i < 512; i++) {
			uint64_t va = chunk + (uint64_t)i * PG, e;
			const struct insp_varea *a;
			uint32_t *count;

			if (va < start || va >= end)
				continue;
			while (k < in->nvareas && in->vareas[k].end <= va)
				k++;
			memcpy(&e, pt + 8 * i, 8);
			if (!(e & PT_P))
				continue;
			a = k < in->nvareas && in->vareas[k].start <= va ? &in->vareas[k] : NULL;
			count = k < in->nvareas ? &mapped[k] : &mapped[in->nvareas];
			if (pt_reserved_bits(&in->pt, PT_PTE, e)) {
				if (a && *count != UINT32_MAX && va < a->end - PG)
					(*count)++;
				continue;
			}
			if (*count == UINT32_MAX)
				count = &mapped[in->nvareas];   /* a scratch counter */
			check_pte(in, sc, a, (uint32_t)va, e, count);
		}
	}
	return true;
}

void insp_check_vmalloc(struct insp *in)
{
	const struct insp_layout *l = in->lay;
	uint32_t start, end, lazy = 0, lazy_nr, *mapped;
	struct pte_scan sc = { 0 };
	char place[INSP_PLACE_MAX];
	bool ok;

	insp_report_ran(in->rep, R_VMALLOC_LIST);
	insp_vmalloc_range(in, &start, &end);
	if (!collect(in, start, end))
		return;
	insp_report_ran(in->rep, R_VMALLOC_GUARD);
	insp_report_ran(in->rep, R_VMALLOC_PAGE);
	insp_report_ran(in->rep, R_VMALLOC_ORPHAN);
	insp_report_ran(in->rep, R_VMALLOC_LAZY);
	for (size_t k = 0; k < in->nvareas; k++)
		if (in->vareas[k].flags == l->vmf.lazy_free)
			lazy += (in->vareas[k].end - in->vareas[k].start) / PG;
	if (!insp_read_u32(in, l->sym.vmap_lazy_nr, &lazy_nr))
		insp_report_add(in->rep, R_VMALLOC_LAZY, "vmap_lazy_nr", "at %#" PRIx64 ", not in lowmem",
				l->sym.vmap_lazy_nr);
	else if (lazy_nr != lazy)
		insp_report_add(in->rep, R_VMALLOC_LAZY, "vmap_lazy_nr", "%u, but the lazily freed "
				"areas hold %u pages", lazy_nr, lazy);
	/* One counter per area, and one for PTEs past the last area. */
	mapped = calloc(in->nvareas + 1, sizeof(*mapped));
	if (!mapped)
		return;
	/* Without memory for the owners, the shared-page check is skipped. */
	sc.owner = calloc(in->st.npfn ? in->st.npfn : 1, sizeof(*sc.owner));
	ok = scan_ptes(in, &sc, start, end, mapped);
	free(sc.owner);
	free(sc.arr);
	if (!ok) {
		free(mapped);
		return;
	}
	for (size_t k = 0; k < in->nvareas && !insp_stopping(in); k++) {
		const struct insp_varea *a = &in->vareas[k];

		if (!busy(in, a) || !(a->vm_flags & (l->vmf.alloc | l->vmf.map)) ||
		    a->nr_pages != a->size / PG - 1 || mapped[k] == a->nr_pages ||
		    mapped[k] == UINT32_MAX)
			continue;
		aplace(place, a);
		insp_report_add(in->rep, R_VMALLOC_PAGE, place, "[%#x, %#x): %u of its %u pages are "
				"mapped", a->start, a->end, mapped[k], a->nr_pages);
	}
	free(mapped);
}

/* ---- Views ---------------------------------------------------------------- */

/* A caller as %pS prints it, or its address where no symbol covers it. */
static char *caller_str(char *buf, size_t len, uint32_t caller)
{
	uint64_t off;

	if (sym_lookup(caller, &off))
		return sym_format(buf, len, caller);
	snprintf(buf, len, "0x%08x", caller);
	return buf;
}

void insp_view_vmallocinfo(const struct insp *in, FILE *f)
{
	const struct insp_layout *l = in->lay;
	struct insp_varea_iter it;
	struct insp_varea a;
	char sym[160];
	int r;

	insp_varea_begin(in, &it);
	while ((r = insp_varea_next(in, &it, &a)) > 0) {
		if (!busy(in, &a))
			continue;
		fprintf(f, "0x%08x-0x%08x %7u %s", a.addr, a.addr + a.size, a.size,
			caller_str(sym, sizeof(sym), a.caller));
		if (a.nr_pages)
			fprintf(f, " pages=%u", a.nr_pages);
		if (a.vm_flags & l->vmf.ioremap)
			fprintf(f, " ioremap");
		if (a.vm_flags & l->vmf.alloc)
			fprintf(f, " vmalloc");
		if (a.vm_flags & l->vmf.map)
			fprintf(f, " vmap");
		fprintf(f, "\n");
	}
	if (r < 0)
		fprintf(f, "vmallocinfo: the list stops: %s\n", it.why);
}

char *insp_vmallocinfo_resolve(const char *line, char *buf, size_t len)
{
	unsigned start, end, size, caller;
	int at = 0, n = 0;
	char sym[160];

	if (sscanf(line, "0x%8x-0x%8x %u %n0x%8x%n", &start, &end, &size, &at, &caller, &n) != 4 ||
	    !n)
		return NULL;
	snprintf(buf, len, "%.*s%s%s", at, line, caller_str(sym, sizeof(sym), caller), line + n);
	return buf;
}
