/*
 * Address spaces from outside: every mm_struct on the guest's mm_list
 * (guest mm_struct.h), its VMA list walked without trusting it, and every
 * entry of its user page tables (PDPT entries below TASK_SIZE) read from
 * guest RAM and held against the VMAs and mem_map:
 *   vm.vma        the VMA list is well formed, sorted, page-aligned,
 *                 disjoint and below TASK_SIZE; map_count and total_vm
 *                 count it;
 *   vm.pte        every user PTE is empty, present or PROT_NONE (there
 *                 are no swap entries: the kernel takes any other non-zero
 *                 entry for a page), and one that holds a page lies inside
 *                 a VMA;
 *   vm.rights     a present one is a user, non-global entry whose VMA
 *                 allows what it allows (writable only in a VM_WRITE VMA,
 *                 present only in a VMA with some access; the zero page
 *                 never writable), and a PROT_NONE one is in a VMA with no
 *                 access (elsewhere a fault on it would never resolve);
 *   vm.page       it maps the zero page or an allocated page, and an
 *                 allocated page's _mapcount is the number of PTEs mapping
 *                 it across all address spaces;
 *   vm.table      the PDs and PTs are PG_table, nr_ptes counts them, and
 *                 nr_page_table_pages is their sum;
 *   vm.rss        the anon RSS counter is the PTEs holding pages of their
 *                 own (zero page excluded), nr_anon_pages their sum;
 *   vm.kernel_pd  PDPT entry 3 is swapper_pg_dir's (the shared kernel PD)
 *                 and the pgd's PML4 page points at it.
 * A PTE "holds a page" when it is present or carries Linux's PROT_NONE
 * encoding (_PAGE_GLOBAL without _PAGE_PRESENT, guest memory.c).
 *
 * An mm whose VMA list cannot be followed is one vm.vma violation and its
 * PTEs are not checked against it; the global sums then make no claim.
 * Also here: the walk the corruptions use (insp_vm_find).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "inspect.h"

#define PG 4096u
#define MAX_MMS 4096u
#define MAX_VMAS 65536u

/* A present or PROT_NONE user PTE: it holds a page. */
static bool pte_holds_page(uint64_t e)
{
	return (e & PT_P) || (e & PT_G);
}

static uint64_t zero_pfn(const struct insp *in)
{
	return (in->lay->sym.empty_zero_page - in->lay->page_offset) >> 12;
}

static bool pfn_allocated(const struct insp *in, uint64_t pfn)
{
	if (pfn >= in->st.npfn)
		return false;
	return !(in->pstate_valid && (in->pstate[pfn] & PS_FREE));
}

static bool pfn_is_table(const struct insp *in, uint64_t pfn)
{
	const uint8_t *p = insp_page(in, pfn);

	return p && (insp_rd32(p, in->lay->page.flags) >> in->lay->pg[IPG_table]) & 1;
}

/* ---- The mm and VMA walks ------------------------------------------------- */

/* The mm at list node `node`: its fields, or false if unreadable. */
static bool read_mm(const struct insp *in, uint32_t mm, struct insp_mmv *m)
{
	const struct insp_layout *l = in->lay;
	const uint8_t *p = insp_kptr(in, mm, l->mm.size);

	struct insp_vmav *vma = m->vma;   /* the array is reused */
	size_t cap = m->cap;

	if (!p)
		return false;
	memset(m, 0, sizeof(*m));
	m->vma = vma;
	m->cap = cap;
	m->va = mm;
	m->pgd = insp_rd32(p, l->mm.pgd);
	m->map_count = (int32_t)insp_rd32(p, l->mm.map_count);
	m->total_vm = insp_rd32(p, l->mm.total_vm);
	m->rss = insp_rd32(p, l->mm.rss_anon);
	m->nr_ptes = insp_rd32(p, l->mm.nr_ptes);
	m->start_brk = insp_rd32(p, l->mm.start_brk);
	m->brk = insp_rd32(p, l->mm.brk);
	m->start_stack = insp_rd32(p, l->mm.start_stack);
	return true;
}

/* m's VMAs into m->vma[]; false with the reason in why. */
static bool read_vmas(const struct insp *in, struct insp_mmv *m, char *why, size_t whylen)
{
	const struct insp_layout *l = in->lay;
	uint32_t head = m->va + l->mm.mmap, prev = head, cur, end = 0;

	if (!insp_read_u32(in, head + l->list.next, &cur)) {
		snprintf(why, whylen, "its VMA list head is unreadable");
		return false;
	}
	m->nvma = 0;
	while (cur != head) {
		const uint8_t *p;
		uint32_t node = cur - l->vma.list;
		struct insp_vmav *v;

		if (m->nvma == MAX_VMAS) {
			snprintf(why, whylen, "more than %u VMAs (a cycle?)", MAX_VMAS);
			return false;
		}
		p = insp_kptr(in, node, l->vma.size);
		if (!p) {
			snprintf(why, whylen, "entry %#x after %#x is not a vm_area_struct in lowmem", cur, prev);
			return false;
		}
		if (insp_rd32(p, l->vma.list + l->list.prev) != prev) {
			snprintf(why, whylen, "VMA %#x: prev is %#x, expected %#x", node,
				 insp_rd32(p, l->vma.list + l->list.prev), prev);
			return false;
		}
		if (m->nvma == m->cap) {
			size_t cap = m->cap ? 2 * m->cap : 16;
			struct insp_vmav *n = realloc(m->vma, cap * sizeof(*n));

			if (!n) {
				snprintf(why, whylen, "out of host memory");
				return false;
			}
			m->vma = n;
			m->cap = cap;
		}
		v = &m->vma[m->nvma++];
		v->va = node;
		v->start = insp_rd32(p, l->vma.start);
		v->end = insp_rd32(p, l->vma.end);
		v->flags = insp_rd32(p, l->vma.flags);
		if ((v->start | v->end) % PG || v->start >= v->end || v->end > l->task_size) {
			snprintf(why, whylen, "VMA %#x [%#x, %#x) is not a page-aligned range below "
				 "TASK_SIZE %#x", node, v->start, v->end, l->task_size);
			return false;
		}
		if (v->start < end) {
			snprintf(why, whylen, "VMA %#x [%#x, %#x) overlaps or precedes the one before it, "
				 "which ends at %#x", node, v->start, v->end, end);
			return false;
		}
		end = v->end;
		prev = cur;
		cur = insp_rd32(p, l->vma.list + l->list.next);
	}
	return true;
}

int insp_vm_next(struct insp *in, uint32_t *cursor, struct insp_mmv *m, char *why, size_t whylen)
{
	const struct insp_layout *l = in->lay;
	uint32_t head = (uint32_t)l->sym.mm_list, cur;

	if (!*cursor)
		*cursor = head;
	if (!insp_read_u32(in, *cursor + l->list.next, &cur)) {
		snprintf(why, whylen, "mm_list entry %#x is unreadable", *cursor);
		return -1;
	}
	if (cur == head)
		return 0;
	if (!read_mm(in, cur - l->mm.mmlist, m)) {
		snprintf(why, whylen, "entry %#x after %#x is not an mm_struct in lowmem", cur, *cursor);
		return -1;
	}
	*cursor = cur;
	m->vmas_ok = read_vmas(in, m, m->why, sizeof(m->why));
	return 1;
}

void insp_mmv_free(struct insp_mmv *m)
{
	free(m->vma);
	m->vma = NULL;
	m->cap = m->nvma = 0;
}

const struct insp_vmav *insp_vm_vma_of(const struct insp_mmv *m, uint32_t va)
{
	for (size_t i = 0; i < m->nvma; i++)
		if (m->vma[i].start <= va && va < m->vma[i].end)
			return &m->vma[i];
	return NULL;
}

/* Host pointers to the pgd's PDPT and PML4 pages, or false. */
bool insp_vm_pgd(const struct insp *in, const struct insp_mmv *m, uint8_t **pdpt, uint8_t **pml4)
{
	uint64_t pa = (uint64_t)m->pgd - in->lay->page_offset;

	if (m->pgd < in->lay->page_offset || m->pgd % PG)
		return false;
	*pdpt = guest_mem_ptr(in->mem, pa, PG);
	*pml4 = guest_mem_ptr(in->mem, pa + PG, PG);
	return *pdpt && *pml4;
}

/* Call fn on every user PTE that is not zero (with all, on every one):
 * (pt host pointer, index, va).  Reports tables that are not PG_table, 2 MiB pages, and tables
 * outside RAM; returns the page-table pages seen. */
static uint32_t walk_user(struct insp *in, const struct insp_mmv *m, uint8_t *pdpt,
			  void (*fn)(struct insp *in, const struct insp_mmv *m, uint8_t *pt,
				     unsigned i, uint32_t va, void *arg),
			  void *arg, bool report, bool all)
{
	char place[INSP_PLACE_MAX];
	uint32_t tables = 0;

	snprintf(place, sizeof(place), "mm %#x", m->va);
	for (uint32_t g = 0; g < in->lay->task_size >> 30; g++) {
		uint64_t pdpte, pde;
		uint8_t *pd, *pt;

		memcpy(&pdpte, pdpt + 8 * g, 8);
		if (!(pdpte & PT_P))
			continue;
		tables++;
		pd = guest_mem_ptr(in->mem, pdpte & PT_ADDR_MASK, PG);
		if (report && !pfn_is_table(in, (pdpte & PT_ADDR_MASK) >> 12))
			insp_report_add(in->rep, R_VM_TABLE, place, "the PD of %#x (pfn %#" PRIx64
					") is not PG_table", g << 30, (uint64_t)((pdpte & PT_ADDR_MASK) >> 12));
		if (!pd)
			continue;   /* pt.ram's concern */
		for (unsigned d = 0; d < 512; d++) {
			uint32_t base = (g << 30) | (d << 21);

			memcpy(&pde, pd + 8 * d, 8);
			if (!(pde & PT_P))
				continue;
			if (pde & PT_PS) {
				if (report)
					insp_report_add(in->rep, R_VM_PTE, place, "a 2 MiB page at %#x", base);
				continue;
			}
			tables++;
			if (report && !pfn_is_table(in, (pde & PT_ADDR_MASK) >> 12))
				insp_report_add(in->rep, R_VM_TABLE, place, "the PT of %#x (pfn %#" PRIx64
						") is not PG_table", base, (uint64_t)((pde & PT_ADDR_MASK) >> 12));
			pt = guest_mem_ptr(in->mem, pde & PT_ADDR_MASK, PG);
			if (!pt)
				continue;
			for (unsigned i = 0; i < 512; i++) {
				uint64_t e;

				memcpy(&e, pt + 8 * i, 8);
				if (e || all)
					fn(in, m, pt, i, base | (i << 12), arg);
			}
		}
	}
	return tables;
}

/* ---- The checks ----------------------------------------------------------- */

struct vm_counts {
	uint32_t *mapped;     /* PTEs per pfn, all address spaces */
	uint32_t anon;        /* this mm's PTEs holding pages of their own */
};

static void check_entry(struct insp *in, const struct insp_mmv *m, uint8_t *pt, unsigned i,
			uint32_t va, void *arg)
{
	const struct insp_layout *l = in->lay;
	struct vm_counts *c = arg;
	uint64_t e, pfn;
	const struct insp_vmav *v;
	char place[INSP_PLACE_MAX];

	memcpy(&e, pt + 8 * i, 8);
	if (!e)
		return;
	pfn = (e & PT_ADDR_MASK) >> 12;
	snprintf(place, sizeof(place), "mm %#x va %#x", m->va, va);
	if (!pte_holds_page(e)) {
		insp_report_add(in->rep, R_VM_PTE, place, "PTE %#" PRIx64 " is neither empty, present "
				"nor PROT_NONE: the kernel would take it for a page", e);
		return;
	}
	v = insp_vm_vma_of(m, va);
	if (!v) {
		insp_report_add(in->rep, R_VM_PTE, place, "PTE %#" PRIx64 " maps pfn %#" PRIx64
				" but the address is in no VMA", e, pfn);
	} else if (e & PT_P) {
		if (!(e & PT_US))
			insp_report_add(in->rep, R_VM_RIGHTS, place, "PTE %#" PRIx64 " is not a user entry",
					e);
		else if ((e & PT_RW) && !(v->flags & l->vmflag.write))
			insp_report_add(in->rep, R_VM_RIGHTS, place, "PTE %#" PRIx64 " is writable in VMA "
					"[%#x, %#x) without VM_WRITE (flags %#x)", e, v->start, v->end,
					v->flags);
		else if ((e & PT_RW) && pfn == zero_pfn(in))
			insp_report_add(in->rep, R_VM_RIGHTS, place, "the zero page is mapped writable");
		else if (e & PT_G)
			insp_report_add(in->rep, R_VM_RIGHTS, place, "PTE %#" PRIx64 " is global: its "
					"translation would outlive a switch to another address space", e);
		else if (!(v->flags & (l->vmflag.read | l->vmflag.write | l->vmflag.exec)))
			insp_report_add(in->rep, R_VM_RIGHTS, place, "PTE %#" PRIx64 " is present in VMA "
					"[%#x, %#x) with no access", e, v->start, v->end);
	} else if (v->flags & (l->vmflag.read | l->vmflag.write | l->vmflag.exec)) {
		insp_report_add(in->rep, R_VM_RIGHTS, place, "PTE %#" PRIx64 " is PROT_NONE in VMA "
				"[%#x, %#x), which allows access (flags %#x)", e, v->start, v->end,
				v->flags);
	}
	if (pfn == zero_pfn(in))
		return;
	c->anon++;
	if (!pfn_allocated(in, pfn))
		insp_report_add(in->rep, R_VM_PAGE, place, "maps pfn %#" PRIx64 ", which is %s", pfn,
				pfn >= in->st.npfn ? "beyond mem_map" : "free in the buddy allocator");
	else if (c->mapped)
		c->mapped[pfn]++;
}

static void check_mm(struct insp *in, struct insp_mmv *m, struct vm_counts *c, uint64_t *tables_sum,
		     uint64_t *anon_sum)
{
	const struct insp_layout *l = in->lay;
	char place[INSP_PLACE_MAX];
	uint8_t *pdpt, *pml4, *swapper;
	uint64_t total = 0, k, ks, p0;
	uint32_t tables;

	snprintf(place, sizeof(place), "mm %#x", m->va);
	if (!m->vmas_ok) {
		insp_report_add(in->rep, R_VM_VMA, place, "%s", m->why);
		return;
	}
	for (size_t i = 0; i < m->nvma; i++)
		total += (m->vma[i].end - m->vma[i].start) / PG;
	if ((size_t)m->map_count != m->nvma || total != m->total_vm)
		insp_report_add(in->rep, R_VM_VMA, place, "map_count %d, total_vm %u; the list holds %zu "
				"VMAs of %" PRIu64 " pages", m->map_count, m->total_vm, m->nvma, total);
	if (!insp_vm_pgd(in, m, &pdpt, &pml4)) {
		insp_report_add(in->rep, R_VM_KERNEL_PD, place, "pgd %#x is not a page of guest lowmem",
				m->pgd);
		return;
	}
	swapper = guest_mem_ptr(in->mem, in->st.swapper_pa, PG);
	memcpy(&k, pdpt + 8 * (l->page_offset >> 30), 8);
	memcpy(&p0, pml4, 8);
	if (swapper) {
		memcpy(&ks, swapper + 8 * (l->page_offset >> 30), 8);
		/* The PD it points at is the rule: the entry's own bits are
		 * the pt.* rules' (checked on swapper_pg_dir). */
		if (!(k & PT_P) || (k & PT_ADDR_MASK) != (ks & PT_ADDR_MASK))
			insp_report_add(in->rep, R_VM_KERNEL_PD, place, "PDPT entry %u is %#" PRIx64
					", swapper_pg_dir's is %#" PRIx64, l->page_offset >> 30, k, ks);
	}
	if ((p0 & PT_ADDR_MASK) != (uint64_t)m->pgd - l->page_offset || !(p0 & PT_P))
		insp_report_add(in->rep, R_VM_KERNEL_PD, place, "PML4 entry 0 is %#" PRIx64 ", not the "
				"pgd at pa %#" PRIx64, p0, (uint64_t)m->pgd - l->page_offset);
	c->anon = 0;
	tables = walk_user(in, m, pdpt, check_entry, c, true, false);
	if (tables != m->nr_ptes)
		insp_report_add(in->rep, R_VM_TABLE, place, "nr_ptes %u, its page tables are %u pages",
				m->nr_ptes, tables);
	if (c->anon != m->rss)
		insp_report_add(in->rep, R_VM_RSS, place, "anon RSS %u, %u PTEs hold pages of their own",
				m->rss, c->anon);
	*tables_sum += tables;
	*anon_sum += c->anon;
}

void insp_check_vm(struct insp *in)
{
	const struct insp_layout *l = in->lay;
	struct vm_counts c = { .mapped = in->st.npfn ? calloc(in->st.npfn, sizeof(uint32_t)) : NULL };
	struct insp_mmv m = { 0 };
	uint64_t tables = 0, anon = 0, n = 0;
	uint32_t cursor = 0;
	bool complete = true;
	char why[INSP_DETAIL_MAX];
	int r;

	if (!l->mm.size) {   /* a guest without address spaces */
		free(c.mapped);
		return;
	}
	for (int rule = R_VM_VMA; rule <= R_VM_KERNEL_PD; rule++)
		insp_report_ran(in->rep, (enum insp_rule)rule);
	while ((r = insp_vm_next(in, &cursor, &m, why, sizeof(why))) > 0) {
		if (insp_stopping(in) || ++n > MAX_MMS) {
			complete = false;
			break;
		}
		check_mm(in, &m, &c, &tables, &anon);
		complete &= m.vmas_ok;
	}
	insp_mmv_free(&m);
	if (r < 0) {
		insp_report_add(in->rep, R_VM_VMA, "mm_list", "%s", why);
		complete = false;
	}
	if (complete && c.mapped) {
		for (uint64_t pfn = 0; pfn < in->st.npfn; pfn++) {
			const uint8_t *p = insp_page(in, pfn);
			int32_t mapc = (int32_t)insp_rd32(p, l->page.mapcount);
			char place[INSP_PLACE_MAX];

			/* Only user mappings count in _mapcount here: a page no
			 * PTE maps must say 0 (a lost page_remove_rmap).  A free
			 * page's count is the buddy rules' (page.free_*). */
			if (pfn == zero_pfn(in) ? mapc == 0 : (uint32_t)mapc == c.mapped[pfn])
				continue;
			if (!c.mapped[pfn] && in->pstate_valid && (in->pstate[pfn] & PS_FREE))
				continue;
			snprintf(place, sizeof(place), "pfn %#" PRIx64, pfn);
			insp_report_add(in->rep, R_VM_PAGE, place, "mapcount %d, %u user PTEs map it%s", mapc,
					c.mapped[pfn], pfn == zero_pfn(in) ? " (the zero page)" : "");
		}
		if (in->st.vm_zone_stat[l->nr_pagetable] != (int64_t)tables)
			insp_report_add(in->rep, R_VM_TABLE, "nr_page_table_pages", "%" PRId64 ", the address "
					"spaces' page tables are %" PRIu64 " pages",
					in->st.vm_zone_stat[l->nr_pagetable], tables);
		if (in->st.vm_zone_stat[l->nr_anon_mapped] != (int64_t)anon)
			insp_report_add(in->rep, R_VM_RSS, "nr_anon_pages", "%" PRId64 ", the address spaces "
					"map %" PRIu64 " pages of their own",
					in->st.vm_zone_stat[l->nr_anon_mapped], anon);
	}
	free(c.mapped);
}

/* ---- For the corruptions ------------------------------------------------------ */

struct find_arg {
	bool (*want)(const struct insp *in, const struct insp_mmv *m, uint64_t e, uint32_t va);
	uint8_t *pt;
	unsigned i;
	uint32_t va;
};

static void find_entry(struct insp *in, const struct insp_mmv *m, uint8_t *pt, unsigned i,
		       uint32_t va, void *arg)
{
	struct find_arg *f = arg;
	uint64_t e;

	memcpy(&e, pt + 8 * i, 8);
	if (!f->pt && f->want(in, m, e, va)) {
		f->pt = pt;
		f->i = i;
		f->va = va;
	}
}

uint8_t *insp_vm_find_pte(struct insp *in, const struct insp_mmv *m,
			  bool (*want)(const struct insp *in, const struct insp_mmv *m, uint64_t e,
				       uint32_t va),
			  uint32_t *va)
{
	struct find_arg f = { .want = want };
	uint8_t *pdpt, *pml4;

	if (!insp_vm_pgd(in, m, &pdpt, &pml4))
		return NULL;
	walk_user(in, m, pdpt, find_entry, &f, false, true);
	if (!f.pt)
		return NULL;
	*va = f.va;
	return f.pt + 8 * f.i;
}

uint64_t insp_vm_zero_pfn(const struct insp *in)
{
	return zero_pfn(in);
}

/* ---- The tasks view ------------------------------------------------------------ */

/*
 * Each task on task_list, in order: fn(in, task, opaque) with the host
 * pointer to its task_struct; a nonzero return stops the walk and is
 * returned.  -1 (with why) when the list is unreadable or broken.
 */
static int for_each_task(struct insp *in, int (*fn)(struct insp *, const uint8_t *, void *),
			 void *opaque, char *why, size_t whylen)
{
	const struct insp_layout *l = in->lay;
	uint32_t head = (uint32_t)l->sym.task_list, prev = head, cur;
	unsigned n = 0;

	if (!insp_read_u32(in, head + l->list.next, &cur)) {
		snprintf(why, whylen, "task_list at %#x is not in lowmem", head);
		return -1;
	}
	while (cur != head) {
		const uint8_t *t = insp_kptr(in, cur - l->task.tasks, l->task.size);
		int r;

		if (!t || insp_rd32(t, l->task.tasks + l->list.prev) != prev || ++n > MAX_MMS) {
			snprintf(why, whylen, "the list stops: entry %#x after %#x", cur, prev);
			return -1;
		}
		r = fn(in, t, opaque);
		if (r)
			return r;
		prev = cur;
		cur = insp_rd32(t, l->task.tasks + l->list.next);
	}
	return 0;
}

static int show_task(struct insp *in, const uint8_t *t, void *opaque)
{
	const struct insp_layout *l = in->lay;
	FILE *f = opaque;
	char comm[65] = "", state;
	uint32_t mm, st;
	struct insp_mmv m = { 0 };

	memcpy(comm, t + l->task.comm, l->task.comm_len);
	comm[l->task.comm_len] = '\0';
	for (char *c = comm; *c; c++)
		if (*c < 0x20 || *c > 0x7e)
			*c = '?';
	st = insp_rd32(t, l->task.state);
	state = st == l->task.running ? 'R' : st == l->task.dead ? 'X' : '?';
	mm = insp_rd32(t, l->task.mm);
	fprintf(f, "%5d %-16s %c     ", (int32_t)insp_rd32(t, l->task.pid), comm, state);
	if (mm && read_mm(in, mm, &m)) {
		char why[INSP_DETAIL_MAX];

		if (read_vmas(in, &m, why, sizeof(why)))
			fprintf(f, "%4zu", m.nvma);
		else
			fprintf(f, "   ?");
		fprintf(f, " %10u %10u", m.total_vm * 4, m.rss * 4);
		insp_mmv_free(&m);
	} else {
		fprintf(f, "   - %10s %10s", "-", "-");
	}
	fprintf(f, " %8u\n", insp_rd32(t, l->task.faults));
	return 0;
}

void insp_view_tasks(struct insp *in, FILE *f)
{
	char why[INSP_DETAIL_MAX];

	if (!in->lay->mm.size) {
		fprintf(f, "tasks: this guest has no tasks (no task_struct in its layout note)\n");
		return;
	}
	fprintf(f, "  PID COMMAND          STATE VMAS     VSZ kB     RSS kB   FAULTS\n");
	if (for_each_task(in, show_task, f, why, sizeof(why)) < 0)
		fprintf(f, "tasks: %s\n", why);
}

struct pid_cr3 {
	int32_t pid;
	uint32_t mm;             /* 0: a task without an address space */
	bool found;
};

static int match_pid(struct insp *in, const uint8_t *t, void *opaque)
{
	struct pid_cr3 *q = opaque;

	if ((int32_t)insp_rd32(t, in->lay->task.pid) != q->pid)
		return 0;
	q->found = true;
	q->mm = insp_rd32(t, in->lay->task.mm);
	return 1;
}

/* The mm of task pid, read into *m (its VMAs not yet); -1 with the reason. */
static int task_mm(struct insp *in, int32_t pid, struct insp_mmv *m, char *err, size_t errlen)
{
	struct pid_cr3 q = { .pid = pid };

	if (!in->lay->mm.size)
		return insp_errf(err, errlen, "this guest has no tasks (no task_struct in its "
				 "layout note)");
	if (for_each_task(in, match_pid, &q, err, errlen) < 0)
		return -1;
	if (!q.found)
		return insp_errf(err, errlen, "no task with pid %d; 'tasks' lists them", pid);
	if (!q.mm || !read_mm(in, q.mm, m))
		return insp_errf(err, errlen, "pid %d has no address space", pid);
	return 0;
}

int insp_task_cr3(struct insp *in, int32_t pid, uint64_t *cr3, char *err, size_t errlen)
{
	struct insp_mmv m = { 0 };
	uint64_t pa;

	if (task_mm(in, pid, &m, err, errlen))
		return -1;
	/* The pgd is a PDPT page then the PML4 page, in lowmem: CR3 points
	 * at the PML4 (as pgd_to_cr3 in the guest). */
	insp_mmv_free(&m);
	if (m.pgd < in->lay->page_offset || !insp_kptr(in, m.pgd, 2 * 4096))
		return insp_errf(err, errlen, "pid %d's pgd %#x is not in lowmem", pid, m.pgd);
	pa = (uint64_t)m.pgd - in->lay->page_offset;
	*cr3 = pa + 4096;
	return 0;
}

/*
 * /proc/PID/maps as Linux's show_map_vma() prints it for a 32-bit kernel:
 * every mapping here is anonymous and private (offset 0, device 00:00,
 * inode 0, 'p'), a line without a name ends in a space, and a name starts
 * at column 50 (seq_setwidth's 25 + 6 * sizeof(void *) - 1, then a space).
 * [heap] and [stack] by Linux 6.6's vma_is_initial_heap() and
 * vma_is_initial_stack().
 */
int insp_view_maps(struct insp *in, int32_t pid, FILE *f, char *err, size_t errlen)
{
	const struct insp_layout *l = in->lay;
	struct insp_mmv m = { 0 };
	char why[INSP_DETAIL_MAX];

	if (task_mm(in, pid, &m, err, errlen))
		return -1;
	if (!read_vmas(in, &m, why, sizeof(why))) {
		insp_mmv_free(&m);
		return insp_errf(err, errlen, "pid %d: its VMA list cannot be followed (%s); "
				 "'check vm.vma' reports it", pid, why);
	}
	for (size_t i = 0; i < m.nvma; i++) {
		const struct insp_vmav *v = &m.vma[i];
		const char *name = NULL;
		int n;

		if (v->start < m.brk && v->end > m.start_brk)
			name = "[heap]";
		else if (v->start <= m.start_stack && v->end >= m.start_stack)
			name = "[stack]";
		n = fprintf(f, "%08x-%08x %c%c%cp 00000000 00:00 0 ", v->start, v->end,
			    v->flags & l->vmflag.read ? 'r' : '-', v->flags & l->vmflag.write ? 'w' : '-',
			    v->flags & l->vmflag.exec ? 'x' : '-');
		if (name)
			fprintf(f, "%*s%s", n < 49 ? 49 - n : 0, "", name);
		fputc('\n', f);
	}
	insp_mmv_free(&m);
	return 0;
}
