/*
 * Violation reports: the table of rules (name and what must hold), the
 * collection a checker run fills, and its text (`rule: place: detail`) and
 * JSON forms.  Only the first store_max violations are formatted and kept;
 * the rest are counted, so a badly corrupted guest costs no more than a
 * clean one to report.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "inspect.h"
#include "json_out.h"

const struct insp_rule_info insp_rules[R_NR] = {
	[R_MEM_GEOMETRY] = { "mem.geometry", "max_pfn, max_low_pfn, high_memory and mem_map agree with guest RAM" },
	[R_MEM_HOLE] = { "mem.hole", "a pfn in a hole of the memory map is never free, allocated or flagged" },
	[R_MEM_RESERVED] = { "mem.reserved", "boot area, kernel image and mem_map pages are PG_reserved" },
	[R_ZONE_SPAN] = { "zone.span", "zones tile [0, max_pfn) at DMA/lowmem edges; present = RAM in the span" },
	[R_ZONE_TOTALS] = { "zone.totals", "free + allocated + reserved = present: reserved + managed = present, free <= managed" },
	[R_ZONE_FREE] = { "zone.free", "pages in the zone's free lists = its NR_FREE_PAGES counter" },
	[R_PAGE_FLAGS] = { "page.flags", "no unknown flag bits, no illegal flag combinations" },
	[R_PAGE_COUNT] = { "page.count", "refcount and mapcount are not negative" },
	[R_PAGE_FREE_REFCOUNT] = { "page.free_refcount", "free pages (buddy, free-block tails, pcp) and PageBuddy pages have refcount 0 and mapcount 0" },
	[R_BUDDY_LIST] = { "buddy.list", "every free-list entry is a struct page inside mem_map" },
	[R_BUDDY_PREV] = { "buddy.prev", "next->prev == pos on every free list" },
	[R_BUDDY_CYCLE] = { "buddy.cycle", "free lists end at their head (no cycle)" },
	[R_BUDDY_DOUBLE] = { "buddy.double", "no page is on two free lists" },
	[R_BUDDY_FLAG] = { "buddy.flag", "every free_area entry is PageBuddy" },
	[R_BUDDY_ORDER] = { "buddy.order", "a free_area[n] entry has private == n" },
	[R_BUDDY_ALIGN] = { "buddy.align", "a free block of order n starts at a pfn aligned to 2^n" },
	[R_BUDDY_ZONE] = { "buddy.zone", "a free block lies inside the zone whose list holds it" },
	[R_BUDDY_OVERLAP] = { "buddy.overlap", "free blocks (and pcp pages) do not overlap" },
	[R_BUDDY_UNMERGED] = { "buddy.unmerged", "two buddies of the same order are never both free" },
	[R_BUDDY_NR_FREE] = { "buddy.nr_free", "blocks on free_area[n] = free_area[n].nr_free" },
	[R_BUDDY_TAIL] = { "buddy.tail", "pages of a free block after its head carry no state" },
	[R_BUDDY_STRAY] = { "buddy.stray", "every PageBuddy page is on a free list" },
	[R_BUDDY_DEFERRED] = { "buddy.deferred", "deferred top-order ranges are aligned, inside their zone, RAM, disjoint from listed and per-CPU free pages and boot-reserved RAM, unused entries zero, and their struct pages all zero" },
	[R_PCP_COUNT] = { "pcp.count", "pages on a per-CPU list = its count" },
	[R_PCP_PAGE] = { "pcp.page", "per-CPU pages are in their zone and carry no flags" },
	[R_PT_RAM] = { "pt.ram", "every present entry points to guest RAM" },
	[R_PT_TABLE] = { "pt.table", "page-table pages are PG_table" },
	[R_PT_DIRECTMAP] = { "pt.directmap", "PAGE_OFFSET + pa maps pa for every lowmem pa" },
	[R_PT_USER] = { "pt.user", "no user bit on kernel-half PD and PT entries" },
	[R_PT_FREED] = { "pt.freed", "no kernel leaf outside the direct map maps a free page, but for unused pkmap slots (count 1) awaiting their flush" },
	[R_PT_RESERVED] = { "pt.reserved", "no IA-32e reserved bits in present entries" },
	[R_PT_1G] = { "pt.1g", "no PS bit in a PDPTE (no 1 GiB pages)" },
	[R_PT_EXTRA] = { "pt.extra", "nothing is mapped above 4 GiB (PML4[1..], PDPT[4..])" },
	[R_SLAB_CACHE] = { "slab.cache", "slab_caches is a well-formed list of readable caches with a sane geometry; kmalloc_caches entries are on it" },
	[R_SLAB_LIST] = { "slab.list", "slab lists are well-formed, each slab on the list its inuse says (full: num, partial: between, free: 0), counted by total_slabs/free_slabs" },
	[R_SLAB_INUSE] = { "slab.inuse", "a slab's inuse = its buffers marked BUFCTL_ACTIVE" },
	[R_SLAB_COUNT] = { "slab.count", "free objects (the free chain) + objects in use (BUFCTL_ACTIVE) = num" },
	[R_SLAB_FREELIST_RANGE] = { "slab.freelist_range", "every free-chain index is below num" },
	[R_SLAB_FREELIST_DUP] = { "slab.freelist_dup", "no index appears twice on a free chain" },
	[R_SLAB_PAGE] = { "slab.page", "every slab page is PG_slab and points back to its cache and slab, is in no other slab and not free; every PG_slab page is in a slab" },
	[R_SLAB_COLOUR] = { "slab.colour", "colouroff is a multiple of colour_off below colour * colour_off, and the descriptor and buffers lie where it says" },
	[R_SLAB_ACTIVE] = { "slab.active", "free_objects = free objects on the chains (slabinfo's active count); array-cache entries are in-use objects of the cache, each once" },
	[R_SLAB_NR_PAGES] = { "slab.nr_pages", "pages in slabs per zone = its nr_slab_reclaimable / nr_slab_unreclaimable" },
	[R_SLAB_REDZONE] = { "slab.redzone", "with SLAB_RED_ZONE: red zones are RED_ACTIVE around objects in use, RED_INACTIVE around free ones" },
	[R_SLAB_POISON] = { "slab.poison", "with SLAB_POISON: free objects hold POISON_FREE ending in POISON_END (else a write after free)" },
	[R_VMALLOC_LIST] = { "vmalloc.list", "vmap_area_list is sorted, its areas page-aligned, non-overlapping and inside [VMALLOC_START, VMALLOC_END); a busy area's vm_struct covers it exactly" },
	[R_VMALLOC_GUARD] = { "vmalloc.guard", "the guard page at the end of every area is unmapped" },
	[R_VMALLOC_PAGE] = { "vmalloc.page", "every page of a vmalloc or vmap area is mapped, nr_pages of them, each to an allocated page (not free in the buddy allocator)" },
	[R_VMALLOC_ORPHAN] = { "vmalloc.orphan", "every present PTE in the vmalloc range belongs to a busy area" },
	[R_VMALLOC_LAZY] = { "vmalloc.lazy", "lazily freed areas have no present PTE and vmap_lazy_nr counts their pages" },
	[R_VM_VMA] = { "vm.vma", "every mm's VMAs are a well-formed list, sorted, page-aligned, non-overlapping and below TASK_SIZE, counted by map_count and total_vm" },
	[R_VM_PTE] = { "vm.pte", "every user PTE is empty, present or PROT_NONE, and one that holds a page lies inside a VMA" },
	[R_VM_RIGHTS] = { "vm.rights", "every present user PTE is a user, non-global entry whose rights its VMA's flags allow (writable only in a VM_WRITE VMA, the zero page never writable), and a PROT_NONE one is in a VMA without access" },
	[R_VM_PAGE] = { "vm.page", "every user PTE maps the zero page or an allocated page whose mapcount is the number of PTEs mapping it across all address spaces" },
	[R_VM_TABLE] = { "vm.table", "user page-table pages are PG_table, mm->nr_ptes counts them, and nr_page_table_pages is their sum" },
	[R_VM_RSS] = { "vm.rss", "an mm's anon RSS is its present PTEs, zero-page PTEs excluded, and nr_anon_pages is their sum" },
	[R_VM_KERNEL_PD] = { "vm.kernel_pd", "every pgd's kernel entry (3-4 GiB) is swapper_pg_dir's, and its PML4 points at the pgd" },
	[R_PKMAP_COUNT] = { "pkmap.count", "each pkmap_count agrees with its PTE: above 1 (users) present, 0 (flushed) not present, 1 (unused, not flushed) either; never negative" },
	[R_PKMAP_ADDRESS] = { "pkmap.address", "a pkmap slot with users maps a highmem page whose page_address entry points back to it, and every page_address entry names a mapped slot of its page, on the chain its hash says" },
	[R_PKMAP_DUP] = { "pkmap.dup", "no two pkmap slots with users map the same page" },
	[R_FIXMAP_LEAK] = { "fixmap.leak", "at a checkpoint no kmap_atomic fixmap slot is mapped (every kmap_atomic was unmapped)" },
	[R_WALKER_ACCEL] = { "walker.accel", "the host walker agrees with the accelerator's own translation (KVM_TRANSLATE, QEMU gva2gpa)" },
};

int insp_rule_find(const char *name)
{
	for (int i = 0; i < R_NR; i++)
		if (!strcmp(insp_rules[i].name, name))
			return i;
	return -1;
}

void insp_report_init(struct insp_report *r, size_t store_max)
{
	memset(r, 0, sizeof(*r));
	r->store_max = store_max;
}

void insp_report_reset(struct insp_report *r)
{
	r->nr = 0;
	r->total = 0;
	r->rules_run = 0;
	r->ms = 0;
	r->run_len = 0;
	r->stopped = false;
	r->pkmap_deferred = 0;
	r->pkmap_deferred_first[0] = 0;
	memset(r->per_rule, 0, sizeof(r->per_rule));
}

/* Keep one violation; false if there is no room (it stays counted). */
static struct insp_violation *keep(struct insp_report *r)
{
	if (r->nr >= r->store_max)
		return NULL;
	if (r->nr == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		void *n;

		if (cap > r->store_max)
			cap = r->store_max;
		n = realloc(r->v, cap * sizeof(*r->v));
		if (!n)
			return NULL;
		r->v = n;
		r->cap = cap;
	}
	r->v[r->nr].more = 0;
	return &r->v[r->nr++];
}

void insp_report_flush(struct insp_report *r)
{
	struct insp_violation *v;

	if (r->run_len > INSP_SAME_PLACE_MAX && (v = keep(r))) {
		v->rule = r->run_rule;
		snprintf(v->place, sizeof(v->place), "%s", r->run_place);
		v->more = r->run_len - INSP_SAME_PLACE_MAX;
		snprintf(v->detail, sizeof(v->detail), "and %llu more like the above",
			 (unsigned long long)v->more);
	}
	r->run_len = 0;
}

void insp_report_free(struct insp_report *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}

void insp_report_add(struct insp_report *r, enum insp_rule rule, const char *place,
		     const char *fmt, ...)
{
	struct insp_violation *v;
	va_list ap;

	if (!r)
		return;
	r->total++;
	r->per_rule[rule]++;
	r->rules_run |= 1ull << rule;
	if (r->run_len && r->run_rule == rule && !strcmp(r->run_place, place)) {
		if (++r->run_len > INSP_SAME_PLACE_MAX)
			return;   /* counted; insp_report_flush() says how many */
	} else {
		insp_report_flush(r);
		r->run_rule = rule;
		snprintf(r->run_place, sizeof(r->run_place), "%s", place);
		r->run_len = 1;
	}
	v = keep(r);
	if (!v)
		return;   /* counted, not stored */
	v->rule = rule;
	snprintf(v->place, sizeof(v->place), "%s", place);
	va_start(ap, fmt);
	vsnprintf(v->detail, sizeof(v->detail), fmt, ap);
	va_end(ap);
}

int insp_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

unsigned insp_report_nr_rules(const struct insp_report *r)
{
	return (unsigned)__builtin_popcountll(r->rules_run);
}

void insp_report_print(const struct insp_report *r, FILE *f, size_t max)
{
	size_t n = r->nr < max ? r->nr : max;
	uint64_t shown = 0;   /* violations the lines printed stand for */

	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%s: %s: %s\n", insp_rules[r->v[i].rule].name, r->v[i].place,
			r->v[i].detail);
		shown += r->v[i].more ? r->v[i].more : 1;
	}
	if (r->total > shown)
		fprintf(f, "... and %llu more violations\n", (unsigned long long)(r->total - shown));
}

json_t *insp_report_json(const struct insp_report *r)
{
	json_t *by_rule = json_object(), *list = json_array();
	int bad = !by_rule || !list;

	for (int i = 0; i < R_NR && !bad; i++)
		if (r->per_rule[i])
			bad = json_object_set_new(by_rule, insp_rules[i].name,
						  jout_u64(r->per_rule[i]));
	for (size_t i = 0; i < r->nr && !bad; i++) {
		const struct insp_violation *v = &r->v[i];
		json_t *o = json_pack("{s:s,s:o,s:o}", "rule", insp_rules[v->rule].name,
				      "place", jout_string(v->place),
				      "detail", jout_string(v->detail));

		/* A summary line: this many more, not listed, at this place. */
		if (o && v->more)
			bad = json_object_set_new(o, "more", jout_u64(v->more));
		bad |= json_array_append_new(list, o);
	}
	if (bad) {
		json_decref(by_rule);
		json_decref(list);
		return NULL;
	}
	json_t *o = json_pack("{s:I,s:o,s:o,s:o,s:o}", "rules", (json_int_t)insp_report_nr_rules(r),
			      "violations", jout_u64(r->total), "ms", jout_real(r->ms, 3),
			      "by_rule", by_rule, "list", list);
	/* Information, present only when there is some. */
	if (o && r->pkmap_deferred &&
	    json_object_set_new(o, "info", json_pack("{s:o}", "pkmap_deferred",
						       jout_u64(r->pkmap_deferred)))) {
		json_decref(o);
		return NULL;
	}
	return o;
}
