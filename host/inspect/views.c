/*
 * Views of the guest computed from outside (crash's vtop and `kmem -p`,
 * /proc): the translation of a virtual address level by level, the decoded
 * struct page of a pfn, and /proc/buddyinfo, zoneinfo, meminfo, vmstat and
 * slabinfo (vmallocinfo is in check_vmalloc.c) in the exact formats the
 * guest's mm/procfs.c and slab.c print, so the two can be compared byte for
 * byte.  The guest's arithmetic is 32-bit (unsigned long on i386), and so
 * is the arithmetic here.
 */
#include <inttypes.h>
#include <string.h>

#include "inspect.h"

enum pt_status insp_view_translate(const struct insp *in, uint64_t cr3, uint64_t va, FILE *f)
{
	struct pt_walk w;
	char flags[64];

	pt_walk(in->mem, &in->pt, cr3, va, &w);
	fprintf(f, "va %#" PRIx64 " (cr3 %#" PRIx64 ")\n", va, cr3);
	for (int i = 0; i < w.levels; i++) {
		unsigned idx = (unsigned)((va >> (39 - 9 * i)) & 511);

		fprintf(f, "  %-5s[%3u] @ pa 0x%010" PRIx64 " = 0x%016" PRIx64 "  %s\n",
			pt_level_names[i], idx, w.lvl[i].entry_pa, w.lvl[i].entry,
			pt_flags_str(flags, sizeof(flags), w.lvl[i].entry));
	}
	if (w.status == PT_OK)
		fprintf(f, "  -> pa %#" PRIx64 " (%s page, %s, %s%s)\n", w.pa,
			w.page_size == 4096 ? "4 KiB" : "2 MiB", w.writable ? "read-write" : "read-only",
			w.user ? "user" : "kernel", w.nx ? ", no-execute" : "");
	else if (w.status == PT_RESERVED)
		fprintf(f, "  -> fault at %s: reserved bits %#" PRIx64 "\n",
			pt_level_names[w.fail_level], w.reserved);
	else
		fprintf(f, "  -> no translation: %s%s%s\n", pt_status_str(w.status),
			w.fail_level >= 0 ? " at " : "",
			w.fail_level >= 0 ? pt_level_names[w.fail_level] : "");
	return w.status;
}

/* Is pfn inside a free buddy block?  Finds the block's head by looking at
 * the aligned pfns below it, as Linux's is_free_buddy_page() does. */
static bool free_block_of(const struct insp *in, uint64_t pfn, uint64_t *head, unsigned *order)
{
	const struct insp_layout *l = in->lay;
	uint32_t buddy = 1u << l->pg[IPG_buddy];

	for (unsigned o = 0; o < l->max_order; o++) {
		uint64_t h = pfn & ~((1ull << o) - 1);
		const uint8_t *p = insp_page(in, h);

		if (p && (insp_rd32(p, l->page.flags) & buddy) &&
		    insp_rd32(p, l->page.private_) == o) {
			*head = h;
			*order = o;
			return true;
		}
	}
	return false;
}

/* Is pfn inside one of its zone's deferred ranges (as the guest says)? */
static bool deferred_block_of(const struct insp *in, uint64_t pfn, uint64_t *head)
{
	const struct insp_zone *zn = &in->st.zone[insp_pfn_zone(in, pfn)];
	unsigned n = zn->nr_deferred < in->lay->nr_deferred_ranges ? zn->nr_deferred
								  : in->lay->nr_deferred_ranges;

	for (unsigned i = 0; i < n; i++) {
		if (pfn >= zn->deferred[i].start && pfn < zn->deferred[i].end) {
			*head = pfn & ~((1ull << (in->lay->max_order - 1)) - 1);
			return true;
		}
	}
	return false;
}

void insp_view_page(struct insp *in, uint64_t pfn, FILE *f)
{
	const struct insp_layout *l = in->lay;
	const uint8_t *p = insp_page(in, pfn);
	uint32_t flags;
	uint64_t head;
	unsigned order, z;
	bool first = true;

	if (!p) {
		fprintf(f, "pfn %#" PRIx64 ": no struct page (max_pfn %#" PRIx64 ")\n", pfn,
			in->st.npfn);
		return;
	}
	z = insp_pfn_zone(in, pfn);
	flags = insp_rd32(p, l->page.flags);
	fprintf(f, "pfn %#" PRIx64 " (pa %#" PRIx64 ") struct page at %#" PRIx64 ", zone %s%s\n",
		pfn, pfn << 12, insp_page_va(in, pfn), in->st.zone[z].name,
		insp_pfn_is_ram(in, pfn) ? "" : ", a hole in the memory map");
	fprintf(f, "  flags %#x (", flags);
	for (int i = 0; i < IPG_NR; i++) {
		if (!(flags & (1u << l->pg[i])))
			continue;
		fprintf(f, "%s%s", first ? "" : "|", insp_pg_names[i]);
		first = false;
	}
	if (flags & ~l->pg_valid_mask)
		fprintf(f, "%sunknown %#x", first ? "" : "|", flags & ~l->pg_valid_mask);
	else if (first)
		fprintf(f, "none");
	fprintf(f, ")\n  refcount %d  mapcount %d  private %u  mapping %#x  index %u\n",
		(int32_t)insp_rd32(p, l->page.refcount), (int32_t)insp_rd32(p, l->page.mapcount),
		insp_rd32(p, l->page.private_), insp_rd32(p, l->page.mapping),
		insp_rd32(p, l->page.index));
	fprintf(f, "  lru.next %#x  lru.prev %#x\n", insp_rd32(p, l->page.lru + l->list.next),
		insp_rd32(p, l->page.lru + l->list.prev));
	if (in->pstate_valid && pfn < in->st.npfn && (in->pstate[pfn] & PS_PCP))
		fprintf(f, "  state: free, on a per-CPU list\n");
	else if (deferred_block_of(in, pfn, &head))
		fprintf(f, "  state: free, inside the deferred order-%u block at pfn %#" PRIx64
			" (struct pages never written)\n", in->lay->max_order - 1, head);
	else if (free_block_of(in, pfn, &head, &order))
		fprintf(f, head == pfn ? "  state: free, head of the order-%u block at pfn %#" PRIx64 "\n"
			: "  state: free, inside the order-%u block at pfn %#" PRIx64 "\n", order, head);
	else if (insp_rd32(p, l->page.compound_head) & 1)
		fprintf(f, "  state: tail of the compound page whose head is at %#x\n",
			insp_rd32(p, l->page.compound_head) - 1);
	else if (flags & (1u << l->pg[IPG_reserved]))
		fprintf(f, "  state: reserved\n");
	else if ((int32_t)insp_rd32(p, l->page.refcount) > 0)
		fprintf(f, "  state: allocated%s\n",
			(flags & (1u << l->pg[IPG_head])) ? " (compound head)" : "");
	else
		fprintf(f, "  state: no references (unused, or part of an allocated block)\n");
}

static uint32_t clamp_stat(int64_t v)
{
	return v < 0 ? 0 : (uint32_t)v;
}

void insp_view_buddyinfo(const struct insp *in, FILE *f)
{
	for (unsigned z = 0; z < in->st.nr_zones; z++) {
		const struct insp_zone *zn = &in->st.zone[z];

		if (!zn->present)
			continue;
		fprintf(f, "Node 0, zone %8s ", zn->name);
		for (unsigned o = 0; o < in->lay->max_order; o++)
			fprintf(f, "%6" PRIu32 " ", (uint32_t)zn->nr_free[o]);
		fprintf(f, "\n");
	}
}

/* A guest string from a table of char pointers at va, or "?". */
static void guest_str(const struct insp *in, uint64_t table_va, unsigned i, char *buf, size_t len)
{
	uint32_t p;

	snprintf(buf, len, "?");
	if (!insp_read_u32(in, table_va + 4 * i, &p))
		return;
	for (size_t k = 0; k + 1 < len; k++) {
		const char *c = insp_kptr(in, (uint64_t)p + k, 1);

		if (!c || *c < 0x20 || *c > 0x7e) {
			buf[k] = '\0';
			if (!k)
				snprintf(buf, len, "?");
			return;
		}
		buf[k] = *c;
		buf[k + 1] = '\0';
	}
}

void insp_view_zoneinfo(const struct insp *in, FILE *f)
{
	const struct insp_layout *l = in->lay;
	char name[64];

	for (unsigned z = 0; z < in->st.nr_zones; z++) {
		const struct insp_zone *zn = &in->st.zone[z];

		fprintf(f, "Node 0, zone %8s\n", zn->name);
		fprintf(f, "  pages free     %" PRIu32 "\n", clamp_stat(zn->vm_stat[l->nr_free_pages]));
		fprintf(f, "        min      %" PRIu32 "\n", (uint32_t)zn->wmark[0]);
		fprintf(f, "        low      %" PRIu32 "\n", (uint32_t)zn->wmark[1]);
		fprintf(f, "        high     %" PRIu32 "\n", (uint32_t)zn->wmark[2]);
		fprintf(f, "        spanned  %" PRIu32 "\n", (uint32_t)zn->spanned);
		fprintf(f, "        present  %" PRIu32 "\n", (uint32_t)zn->present);
		fprintf(f, "        managed  %" PRIu32 "\n", (uint32_t)zn->managed);
		fprintf(f, "        protection: (");
		for (unsigned i = 0; i < l->max_nr_zones; i++)
			fprintf(f, i ? ", %" PRIu32 : "%" PRIu32, (uint32_t)zn->lowmem_reserve[i]);
		fprintf(f, ")\n");
		for (unsigned i = 0; i < l->nr_zone_stat; i++) {
			guest_str(in, l->sym.zone_stat_names, i, name, sizeof(name));
			fprintf(f, "      %-12s %" PRIu32 "\n", name, clamp_stat(zn->vm_stat[i]));
		}
		fprintf(f, "  pagesets\n");
		for (unsigned c = 0; c < l->nr_cpus; c++) {
			fprintf(f, "    cpu: %u\n", c);
			fprintf(f, "              count: %d\n", zn->pcp[c].count);
			fprintf(f, "              high:  %d\n", zn->pcp[c].high);
			fprintf(f, "              batch: %d\n", zn->pcp[c].batch);
		}
		fprintf(f, "  start_pfn:           %" PRIu32 "\n", (uint32_t)zn->start);
	}
}

/* Index of the zone counter the guest calls name in /proc/vmstat, or -1. */
static int stat_index(const struct insp *in, const char *name)
{
	char buf[64];

	for (unsigned i = 0; i < in->lay->nr_zone_stat; i++) {
		guest_str(in, in->lay->sym.zone_stat_names, i, buf, sizeof(buf));
		if (!strcmp(buf, name))
			return (int)i;
	}
	return -1;
}

static void val_kb(FILE *f, const char *name, uint32_t pages)
{
	fprintf(f, "%-16s%8" PRIu32 " kB\n", name, pages << 2);
}

void insp_view_meminfo(const struct insp *in, FILE *f)
{
	const struct insp_layout *l = in->lay;
	uint32_t free = 0, highfree = 0;

	for (unsigned z = 0; z < in->st.nr_zones; z++) {
		uint32_t v = clamp_stat(in->st.zone[z].vm_stat[l->nr_free_pages]);

		free += v;
		if (z == l->zone_highmem)
			highfree += v;
	}
	val_kb(f, "MemTotal:", (uint32_t)in->st.totalram);
	val_kb(f, "MemFree:", free);
	val_kb(f, "HighTotal:", (uint32_t)in->st.totalhigh);
	val_kb(f, "HighFree:", highfree);
	val_kb(f, "LowTotal:", (uint32_t)in->st.totalram - (uint32_t)in->st.totalhigh);
	val_kb(f, "LowFree:", free - highfree);
	/* The slab lines exist once the guest counts slab pages; the counters
	 * are found by their /proc/vmstat names, as the guest publishes them. */
	int rec = stat_index(in, "nr_slab_reclaimable"), unrec = stat_index(in, "nr_slab_unreclaimable");
	if (rec >= 0 && unrec >= 0) {
		uint32_t r = clamp_stat(in->st.vm_zone_stat[rec]);
		uint32_t u = clamp_stat(in->st.vm_zone_stat[unrec]);

		val_kb(f, "Slab:", r + u);
		val_kb(f, "SReclaimable:", r);
		val_kb(f, "SUnreclaim:", u);
	}
	uint32_t vstart, vend, used, chunk;

	insp_vmalloc_range(in, &vstart, &vend);
	insp_vmalloc_totals(in, &used, &chunk);
	val_kb(f, "VmallocTotal:", (vend - vstart) >> 12);
	val_kb(f, "VmallocUsed:", used);
	val_kb(f, "VmallocChunk:", chunk >> 12);
	/* The guest's pkmap lines (procfs.c): counts, not kB. */
	struct insp_pkmap_stats pk;

	insp_pkmap_stats(in, &pk);
	fprintf(f, "%-16s%8" PRIu32 "\n", "PkmapInUse:", pk.in_use);
	fprintf(f, "%-16s%8" PRIu32 "\n", "PkmapUnflushed:", pk.unflushed);
	fprintf(f, "%-16s%8" PRIu32 "\n", "PkmapFlushes:", pk.flushes);
}

void insp_view_vmstat(const struct insp *in, FILE *f)
{
	const struct insp_layout *l = in->lay;
	char name[64];

	for (unsigned i = 0; i < l->nr_zone_stat; i++) {
		guest_str(in, l->sym.zone_stat_names, i, name, sizeof(name));
		fprintf(f, "%s %" PRIu32 "\n", name, clamp_stat(in->st.vm_zone_stat[i]));
	}
	for (unsigned i = 0; i < l->nr_events; i++) {
		guest_str(in, l->sym.vm_event_names, i, name, sizeof(name));
		fprintf(f, "%s %" PRIu32 "\n", name, (uint32_t)in->st.events[i]);
	}
}

/* Linux's /proc/slabinfo 2.1, from each cache's counters as the guest's
 * show_slabinfo prints them (unsigned long arithmetic is 32-bit there). */
void insp_view_slabinfo(struct insp *in, FILE *f)
{
	size_t n = insp_slab_caches(in);

	fprintf(f, "slabinfo - version: 2.1\n");
	fprintf(f, "# name            <active_objs> <num_objs> <objsize> <objperslab> "
		"<pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : "
		"slabdata <active_slabs> <num_slabs> <sharedavail>\n");
	for (size_t i = 0; i < n; i++) {
		const struct insp_cache *c = &in->caches[i];
		uint32_t num_objs = c->total_slabs * c->num;

		fprintf(f, "%-17s %6" PRIu32 " %6" PRIu32 " %6" PRIu32 " %4" PRIu32 " %4" PRId32
			" : tunables %4" PRIu32 " %4" PRIu32 " %4" PRIu32 " : slabdata %6" PRIu32
			" %6" PRIu32 " %6" PRIu32 "\n", c->name, num_objs - c->free_objects, num_objs,
			c->size, c->num, (int32_t)(1u << (c->gfporder & 31)), c->limit, c->batchcount,
			c->shared, c->total_slabs - c->free_slabs, c->total_slabs, (uint32_t)0);
	}
}

void insp_view_pkmap(struct insp *in, FILE *f)
{
	const struct insp_layout *l = in->lay;
	struct insp_pam_entry ent[1024];
	struct insp_report *saved = in->rep;
	struct insp_pkmap_stats pk;
	uint32_t atomic = 0;
	size_t n;
	int32_t count;

	in->rep = NULL;   /* a view reports nothing */
	n = insp_pkmap_entries(in, ent, l->last_pkmap < 1024 ? l->last_pkmap : 1024);
	in->rep = saved;
	insp_pkmap_stats(in, &pk);
	fprintf(f, "pkmap: %" PRIu32 " slots at %#" PRIx32 ": %" PRIu32 " in use (%" PRIu32
		" users), %" PRIu32 " unused but not flushed, %" PRIu32 " flushes\n",
		l->last_pkmap, l->pkmap_base, pk.in_use, pk.users, pk.unflushed, pk.flushes);
	if (pk.in_use + pk.unflushed)
		fprintf(f, "%5s %-10s %5s %5s %-10s %s\n", "slot", "va", "count", "users", "pfn",
			"page_address");
	for (uint32_t i = 0; i < l->last_pkmap && insp_pkmap_count(in, i, &count); i++) {
		uint64_t va = l->pkmap_base + 4096ull * i, pte = 0, pfn;
		char addr[32] = "-";

		if (count < 1)
			continue;
		insp_kernel_pte(in, va, &pte, NULL);
		pfn = (pte & PT_ADDR_MASK) >> 12;
		for (size_t k = 0; k < n; k++)
			if ((pte & PT_P) && ent[k].page == insp_page_va(in, pfn))
				snprintf(addr, sizeof(addr), "%#" PRIx32, ent[k].virtual_);
		fprintf(f, "%5" PRIu32 " %#-10" PRIx64 " %5" PRId32 " %5" PRId32 " ", i, va, count,
			count - 1);
		if (pte & PT_P)
			fprintf(f, "%#-10" PRIx64 " %s\n", pfn, addr);
		else
			fprintf(f, "%-10s %s\n", "(no PTE)", addr);
	}
	for (uint32_t idx = l->fix_kmap_begin; idx <= l->fix_kmap_end; idx++) {
		uint64_t va = l->fixaddr_top - 4096ull * idx, pte;

		if (insp_kernel_pte(in, va, &pte, NULL) && (pte & PT_P)) {
			fprintf(f, "kmap_atomic slot %" PRIu32 " at %#" PRIx64 " maps pfn %#" PRIx64 "\n",
				idx - l->fix_kmap_begin, va, (uint64_t)(pte & PT_ADDR_MASK) >> 12);
			atomic++;
		}
	}
	if (!atomic)
		fprintf(f, "kmap_atomic: no slot mapped\n");
}

/* The table's one signature (slabinfo walks the caches, so it is not const). */
static void show_buddyinfo(struct insp *in, FILE *f) { insp_view_buddyinfo(in, f); }
static void show_zoneinfo(struct insp *in, FILE *f) { insp_view_zoneinfo(in, f); }
static void show_meminfo(struct insp *in, FILE *f) { insp_view_meminfo(in, f); }
static void show_vmstat(struct insp *in, FILE *f) { insp_view_vmstat(in, f); }
static void show_vmallocinfo(struct insp *in, FILE *f) { insp_view_vmallocinfo(in, f); }

static const struct {
	const char *name;
	void (*show)(struct insp *in, FILE *f);
} views[] = {
	{ "buddyinfo", show_buddyinfo },
	{ "zoneinfo", show_zoneinfo },
	{ "meminfo", show_meminfo },
	{ "vmstat", show_vmstat },
	{ "slabinfo", insp_view_slabinfo },
	{ "vmallocinfo", show_vmallocinfo },
	{ "tasks", insp_view_tasks },
	{ "pkmap", insp_view_pkmap },
};

const char *insp_view_name(size_t i)
{
	return i < sizeof(views) / sizeof(views[0]) ? views[i].name : NULL;
}

int insp_view_by_name(struct insp *in, const char *name, FILE *f)
{
	for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++) {
		if (!strcmp(name, views[i].name)) {
			views[i].show(in, f);
			return 0;
		}
	}
	return -1;
}

void insp_view_all(struct insp *in, FILE *f)
{
	for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++)
		views[i].show(in, f);
}
