/*
 * The host inspector: a library that reads the guest from outside and
 * checks it (docs/design.md §6).  No run loop, no console, no KVM: it
 * works on a struct guest_mem (real guest RAM or a test's fake buffer) and
 * the layout the guest published (shared/layout_note.h plus .symtab).  The
 * VMM glue (host/inspector.c), the console (host/console.c), the fuzz
 * harnesses and the tests call it.
 *
 * Every guest value is untrusted.  Guest memory is reached only through
 * guest_mem_ptr(); every list walk and table walk is bounded; a corrupted
 * guest gives violations, never a crash or a hang.
 *
 * One mechanism per file:
 *   layout.c      the layout note and the symbols (static, per image)
 *   state.c       runtime globals read at a checkpoint (mem_map, zones ...)
 *   walk.c        the IA-32e/PAE page-table walker (LibVMI's page_info)
 *   report.c      rules, violations, text and JSON
 *   check_buddy.c free lists (buddy and per-CPU)
 *   check_mem.c   mem_map, one sequential pass
 *   check_pt.c    page tables
 *   check_pkmap.c the pkmap window (pkmap_count, page_address) and the
 *                 kmap_atomic fixmap slots
 *   check_slab.c  the slab allocator: caches, slab lists, descriptors,
 *                 free chains, array caches, red zones and poison
 *   check_vmalloc.c  vmalloc: the area list, guard pages, the range's PTEs,
 *                 lazily freed areas; vmallocinfo and the meminfo lines
 *   check.c       all checkers in order
 *   views.c       translate, page decode, buddyinfo/zoneinfo/meminfo/vmstat,
 *                 slabinfo, pkmap
 *   monitor.c     the console's views in QEMU's monitor formats: info
 *                 registers, xp/x, gva2gpa, info tlb, info mem
 *   corrupt.c     fault injection for the checkers' tests (--corrupt, fuzz)
 *   fault.c       the guest's own fault injectors, set and shown from outside
 *   check_bench.c full check vs plain read (--check-bench, make bench)
 */
#ifndef VMM_INSPECT_H
#define VMM_INSPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "guest_mem.h"

struct elf_info;

/* Host-side ceilings; a note beyond them is refused. */
#define INSP_MAX_ORDER 15   /* pstate keeps order + 1 in 4 bits */
#define INSP_MAX_ZONES 4
#define INSP_MAX_CPUS  64
#define INSP_MAX_STAT  16
#define INSP_MAX_EVENTS 64
#define INSP_MAX_DEFERRED 16  /* zone->deferred[] entries */
#define INSP_MAX_CACHES 4096  /* kmem caches on slab_caches */
#define INSP_MAX_AC_LIMIT 65536 /* array_cache.limit */
#define INSP_NAME_MAX 48      /* cache names as the host keeps them */

/* ---- Layout (layout.c) ---------------------------------------------------- */

/* Page flags the host knows by name; their bit numbers come from the note. */
enum insp_pg {
	IPG_locked, IPG_referenced, IPG_uptodate, IPG_dirty, IPG_lru, IPG_active,
	IPG_slab, IPG_reserved, IPG_private, IPG_writeback, IPG_head,
	IPG_swapbacked, IPG_buddy, IPG_table, IPG_poisoned,
	IPG_NR
};
extern const char *const insp_pg_names[IPG_NR];

struct insp_layout {
	/* constants */
	uint32_t page_shift, page_offset, sizeof_long, sizeof_ptr;
	uint32_t max_order, max_nr_zones, nr_cpus;
	uint32_t zone_dma, zone_normal, zone_highmem;
	uint32_t nr_wmark, wmark_min, wmark_low, wmark_high;
	uint32_t nr_free_pages, nr_zone_stat, nr_events;
	uint32_t fixaddr_start, fixaddr_top, pkmap_base, last_pkmap;
	uint32_t vmalloc_offset, vmalloc_end, maxmem, pgd_cr3_offset, ptrs_per_pgd;
	uint32_t nr_pageflags;
	uint32_t nr_deferred_ranges;  /* NR_DEFERRED_RANGES */
	uint32_t pgalloc_fail_injected; /* index in vm_event_states.event[] */
	uint32_t pg[IPG_NR];          /* bit number of each flag */
	uint32_t pg_valid_mask;       /* all bits below nr_pageflags */
	/* struct offsets and sizes */
	struct { uint32_t size, flags, lru, mapping, index, private_, compound_head,
			  compound_order, mapcount, refcount, slab_cache, slab; } page;
	struct { uint32_t size, next, prev; } list;
	struct { uint32_t size, free_list, nr_free; } free_area;
	struct { uint32_t size, count, high, batch, list; } pcp;
	struct { uint32_t size, watermark, lowmem_reserve, vm_stat, pageset, name,
			  start_pfn, spanned, present, managed, free_area,
			  nr_deferred, deferred; } zone;
	struct { uint32_t size, start_pfn, end_pfn; } deferred_range;
	struct { uint32_t size, node_zones, nr_zones; } pgdat;
	struct { uint32_t size, event; } vm_event;
	/* the slab allocator (guest slab.h) */
	struct { uint32_t size, cpu_cache, flags, size_, num, limit, batchcount, shared,
			  gfporder, colour, colour_off, slab_size, freelist_cache, name, list,
			  object_size, align, obj_offset, node; } kmc;
	struct { uint32_t size, slabs_partial, slabs_full, slabs_free, total_slabs,
			  free_slabs, free_objects, free_limit, colour_next; } kmn;
	struct { uint32_t size, avail, limit, batchcount, entry; } ac;
	struct { uint32_t size, list, s_mem, colouroff, inuse, free, bufctl; } slab;
	/* fault injection (guest fault_inject.h; failslab_attr in slab.h) */
	struct { uint32_t size, probability, interval, times, space, verbose, count,
			  rnd; } fault_attr;
	struct { uint32_t size, attr, ignore_gfp_highmem, ignore_gfp_wait,
			  min_order; } fail_page_alloc_attr;
	struct { uint32_t size, attr, ignore_gfp_wait, injected; } failslab_attr;
	/* vmalloc (guest vmalloc.h) */
	struct { uint32_t size, va_start, va_end, flags, list, vm; } vmap_area;
	struct { uint32_t size, addr, size_, flags, nr_pages, caller, pages; } vm_struct;
	struct { uint32_t vm_area, lazy_free, alloc, map, ioremap; } vmf;
	/* address spaces (guest mm_struct.h) */
	struct { uint32_t size, pgd, mmap, map_count, total_vm, rss_anon, nr_ptes,
			  mmlist, start_brk, brk, start_stack; } mm;
	struct { uint32_t size, start, end, flags, list; } vma;
	struct { uint32_t read, write, exec, growsdown; } vmflag;
	struct { uint32_t size, pid, comm, state, mm, faults, tasks, comm_len, running,
			  dead; } task;
	uint32_t task_size, nr_anon_mapped, nr_pagetable;
	/* pkmap (guest highmem.c) */
	struct { uint32_t size, page, virtual_, next; } pam;   /* struct page_address_map */
	uint32_t pa_hash_order, sizeof_pkmap_count;
	uint32_t km_type_nr, fix_kmap_begin, fix_kmap_end;
	struct {
		uint32_t sizeof_bufctl, bufctl_end, bufctl_active, obj_max_num;
		uint32_t cflgs_off_slab, cflgs_kmalloc;
		uint32_t consistency_checks, red_zone, poison, store_user, reclaim_account,
			 cache_dma, failslab;
		uint32_t poison_inuse, poison_free, poison_end;
		uint32_t red_inactive_lo, red_inactive_hi, red_active_lo, red_active_hi;
		uint32_t redzone_size, redzone_align;
		uint32_t nr_kmalloc_types, kmalloc_shift_high;
		uint32_t nr_slab_reclaimable, nr_slab_unreclaimable;
		uint64_t red_inactive, red_active;   /* assembled from the halves */
	} sc;
	/* symbol addresses (guest virtual) */
	struct {
		uint64_t mem_map, max_pfn, max_low_pfn, high_memory;
		uint64_t totalram_pages, totalhigh_pages, contig_page_data;
		uint64_t swapper_pg_dir, vm_event_states, vm_zone_stat;
		uint64_t zone_stat_names, vm_event_names, text, end;
		uint64_t slab_caches, kmalloc_caches, kmem_cache;
		uint64_t fail_page_alloc, failslab, failslab_mark_all;
		uint64_t vmap_area_list, vmap_lazy_nr;
		uint64_t mm_list, empty_zero_page, task_list;
		uint64_t pkmap_count, page_address_htable, pkmap_flushes;
	} sym;
};

/*
 * Parse a layout note (the section's bytes).  0, or -1 with the reason in
 * err: bad magic, version or size, a duplicate or missing key, or a value
 * the host cannot work with.
 */
int insp_layout_parse(const void *note, size_t len, struct insp_layout *l,
		      char *err, size_t errlen);

/* The note of a loaded image plus its symbols.  0 or -1 with err. */
int insp_layout_load(const struct elf_info *elf, struct insp_layout *l,
		     char *err, size_t errlen);

/* ---- Page-table walker (walk.c) ------------------------------------------ */

/*
 * IA-32e paging as the CPU does it for this guest: CR3 -> PML4 -> PDPT
 * (the PAE pgd) -> PD -> PT, 4 KiB and 2 MiB leaves.  Levels are numbered
 * as in the SDM walk: 0 = PML4E, 1 = PDPTE, 2 = PDE, 3 = PTE.
 */
#define PT_P     0x001ull
#define PT_RW    0x002ull
#define PT_US    0x004ull
#define PT_PWT   0x008ull
#define PT_PCD   0x010ull
#define PT_A     0x020ull
#define PT_D     0x040ull
#define PT_PS    0x080ull
#define PT_G     0x100ull
#define PT_NX    (1ull << 63)
#define PT_ADDR_MASK 0x000ffffffffff000ull

enum pt_level { PT_PML4E, PT_PDPTE, PT_PDE, PT_PTE, PT_NR_LEVELS };
extern const char *const pt_level_names[PT_NR_LEVELS];

enum pt_status {
	PT_OK,
	PT_NOT_PRESENT,   /* an entry without P: translation failure */
	PT_RESERVED,      /* reserved bits set: the CPU would fault (#PF RSVD) */
	PT_PDPTE_1G,      /* PS in a PDPTE: a 1 GiB page, never created here */
	PT_TABLE_NOT_RAM, /* an entry points at a table outside guest RAM */
	PT_NONCANONICAL,  /* va is not a canonical 48-bit address */
};

struct pt_cfg {
	unsigned maxphyaddr;  /* guest CPUID.80000008h:EAX[7:0]; 52 if unknown */
	bool nxe;             /* EFER.NXE: without it bit 63 is reserved */
};

struct pt_walk {
	uint64_t va;
	enum pt_status status;
	int levels;           /* entries read: lvl[0 .. levels) */
	struct {
		uint64_t entry_pa; /* guest-physical address of the entry */
		uint64_t entry;    /* its value */
	} lvl[PT_NR_LEVELS];
	int fail_level;       /* level of the entry that failed, if not PT_OK */
	uint64_t reserved;    /* the reserved bits found, for PT_RESERVED */
	uint64_t pa;          /* PT_OK: the translation */
	uint64_t page_size;   /* PT_OK: 4 KiB or 2 MiB */
	bool writable, user, nx; /* PT_OK: the effective permissions */
};

/* Reserved bits set in an entry at level lvl (0 if none).  A PDPTE with PS
 * reports the 1 GiB-page reserved bits; pt_walk calls it PT_PDPTE_1G. */
uint64_t pt_reserved_bits(const struct pt_cfg *cfg, enum pt_level lvl, uint64_t entry);

/* Walk va from cr3.  Returns w->status.  Never reads outside guest RAM. */
enum pt_status pt_walk(const struct guest_mem *mem, const struct pt_cfg *cfg,
		       uint64_t cr3, uint64_t va, struct pt_walk *w);

const char *pt_status_str(enum pt_status s);
/* Read guest-virtual [va, va + len) through the walker into buf; returns
 * the bytes read (short at the first page that does not translate to RAM). */
size_t pt_read_virt(const struct guest_mem *mem, const struct pt_cfg *cfg, uint64_t cr3,
		    uint64_t va, void *buf, size_t len);
/* Guest-physical addresses of the table pages reachable from cr3 (PML4,
 * PDPTs, PDs, PTs; at most 512 per level below the PML4), up to max. */
size_t pt_table_pages(const struct guest_mem *mem, uint64_t cr3, uint64_t *out, size_t max);
/* "P RW US A D PS" for the bits that are set. */
char *pt_flags_str(char *buf, size_t len, uint64_t entry);

/* ---- Reports (report.c) --------------------------------------------------- */

enum insp_rule {
	R_MEM_GEOMETRY, R_MEM_HOLE, R_MEM_RESERVED,
	R_ZONE_SPAN, R_ZONE_TOTALS, R_ZONE_FREE,
	R_PAGE_FLAGS, R_PAGE_COUNT, R_PAGE_FREE_REFCOUNT,
	R_BUDDY_LIST, R_BUDDY_PREV, R_BUDDY_CYCLE, R_BUDDY_DOUBLE, R_BUDDY_FLAG,
	R_BUDDY_ORDER, R_BUDDY_ALIGN, R_BUDDY_ZONE, R_BUDDY_OVERLAP,
	R_BUDDY_UNMERGED, R_BUDDY_NR_FREE, R_BUDDY_TAIL, R_BUDDY_STRAY, R_BUDDY_DEFERRED,
	R_PCP_COUNT, R_PCP_PAGE,
	R_PT_RAM, R_PT_TABLE, R_PT_DIRECTMAP, R_PT_USER, R_PT_FREED,
	R_PT_RESERVED, R_PT_1G, R_PT_EXTRA,
	R_SLAB_CACHE, R_SLAB_LIST, R_SLAB_INUSE, R_SLAB_COUNT, R_SLAB_FREELIST_RANGE,
	R_SLAB_FREELIST_DUP, R_SLAB_PAGE, R_SLAB_COLOUR, R_SLAB_ACTIVE, R_SLAB_NR_PAGES,
	R_SLAB_REDZONE, R_SLAB_POISON,
	R_VMALLOC_LIST, R_VMALLOC_GUARD, R_VMALLOC_PAGE, R_VMALLOC_ORPHAN, R_VMALLOC_LAZY,
	R_VM_VMA, R_VM_PTE, R_VM_RIGHTS, R_VM_PAGE, R_VM_TABLE, R_VM_RSS, R_VM_KERNEL_PD,
	R_PKMAP_COUNT, R_PKMAP_ADDRESS, R_PKMAP_DUP, R_FIXMAP_LEAK,
	R_WALKER_ACCEL,
	R_NR
};

struct insp_rule_info {
	const char *name;     /* "buddy.align" */
	const char *desc;     /* one line: what must hold */
};
extern const struct insp_rule_info insp_rules[R_NR];
/* The rule called name, or -1. */
int insp_rule_find(const char *name);

#define INSP_PLACE_MAX  64
#define INSP_DETAIL_MAX 192
#define INSP_SAME_PLACE_MAX 8  /* violations of one rule at one place kept in a row */

struct insp_violation {
	enum insp_rule rule;
	char place[INSP_PLACE_MAX];
	char detail[INSP_DETAIL_MAX];
	uint64_t more;   /* 0: one violation; else a summary line standing for
			    this many more like the one before it */
};

struct insp_report {
	struct insp_violation *v;  /* the first `store_max` violations */
	size_t nr, cap, store_max;
	uint64_t total;            /* every violation, stored or not */
	uint64_t per_rule[R_NR];
	uint64_t rules_run;        /* bit per rule evaluated */
	double ms;                 /* time the checkers took */
	/* The run of violations with one rule and place: past
	 * INSP_SAME_PLACE_MAX they are counted, not kept, and one line says
	 * how many (insp_report_flush). */
	enum insp_rule run_rule;
	char run_place[INSP_PLACE_MAX];
	uint64_t run_len;
	bool stopped;              /* the check was stopped before it ended */
	/* Information, not violations: unused pkmap slots (count 1) whose
	 * page is free now, which Linux's lazy flush allows, and the first. */
	uint64_t pkmap_deferred;
	char pkmap_deferred_first[INSP_DETAIL_MAX];
};

void insp_report_init(struct insp_report *r, size_t store_max);
/* End the current run of same-place violations (see run_len). */
void insp_report_flush(struct insp_report *r);
void insp_report_reset(struct insp_report *r);
void insp_report_free(struct insp_report *r);
__attribute__((format(printf, 4, 5)))
void insp_report_add(struct insp_report *r, enum insp_rule rule, const char *place,
		     const char *fmt, ...);
static inline void insp_report_ran(struct insp_report *r, enum insp_rule rule)
{
	if (r)
		r->rules_run |= 1ull << rule;
}
unsigned insp_report_nr_rules(const struct insp_report *r);
/* "rule: place: detail" lines, at most max (then "... and N more"). */
void insp_report_print(const struct insp_report *r, FILE *f, size_t max);
/*
 * {"rules":R,"violations":V,"ms":T,"by_rule":{RULE:N,...},
 *  "list":[{"rule":RULE,"place":P,"detail":D[,"more":N]},...]}
 * as a new jansson object, or NULL when memory runs out.
 */
json_t *insp_report_json(const struct insp_report *r);
/* A refusal (a note, a corruption, a fault-injection setting) as one line
 * in err, cut to errlen; returns -1 for the caller to pass on. */
__attribute__((format(printf, 3, 4)))
int insp_errf(char *err, size_t errlen, const char *fmt, ...);

_Static_assert(R_NR <= 64, "rules_run is a 64-bit mask");

/* ---- Runtime state (state.c) --------------------------------------------- */

struct insp_zone {
	char name[16];
	uint64_t va;                  /* struct zone in the guest */
	uint64_t start, spanned, present, managed;   /* pfns / pages */
	int64_t vm_stat[INSP_MAX_STAT];
	uint64_t wmark[3], lowmem_reserve[INSP_MAX_ZONES];
	uint64_t nr_free[INSP_MAX_ORDER];
	uint64_t head_va[INSP_MAX_ORDER];            /* free_area[o].free_list */
	uint32_t head_next[INSP_MAX_ORDER], head_prev[INSP_MAX_ORDER];
	struct {
		int32_t count, high, batch;
		uint64_t head_va;
		uint32_t head_next, head_prev;
	} pcp[INSP_MAX_CPUS];
	/* Deferred top-order blocks (guest mmzone.h, struct deferred_range):
	 * nr_deferred ranges in use, then unused (zero) entries; the ranges'
	 * blocks are free and counted in nr_free[max_order - 1] but not
	 * listed, and their struct pages are all zero. */
	uint32_t nr_deferred;
	struct { uint64_t start, end; } deferred[INSP_MAX_DEFERRED];
	/* filled by the checkers */
	bool lists_broken;            /* some list walk of this zone stopped early */
	bool deferred_broken;         /* a deferred range could not be counted */
	uint64_t buddy_pages;         /* free pages: listed blocks + deferred ranges */
	uint64_t deferred_pages;      /* of which in deferred ranges */
	uint64_t pcp_pages, reserved_pages, ram_pages;
};

struct insp_state {
	bool globals_ok;        /* the symbols' values could be read */
	uint64_t mem_map_va, max_pfn, max_low_pfn, high_memory;
	uint64_t totalram, totalhigh;
	int64_t vm_zone_stat[INSP_MAX_STAT];
	uint64_t events[INSP_MAX_EVENTS];
	const uint8_t *mem_map; /* host pointer to mem_map[0], or NULL */
	uint64_t npfn;          /* struct pages readable through mem_map */
	uint64_t ram_end_pfn;   /* end of guest RAM (host's view) */
	uint32_t nr_zones;
	struct insp_zone zone[INSP_MAX_ZONES];
	uint64_t swapper_pa;    /* the pgd (PDPT page) */
	uint64_t swapper_cr3;   /* its PML4 page */
};

/* ---- The slab walk (check_slab.c) ---------------------------------------- */

enum insp_slab_list { SL_PARTIAL, SL_FULL, SL_FREE, SL_NR };
extern const char *const insp_slab_list_names[SL_NR];

/* One cache found on slab_caches, as read at the last slab walk. */
struct insp_cache {
	uint32_t va;
	char name[INSP_NAME_MAX];
	uint32_t flags, size, object_size, num, gfporder, colour, colour_off, slab_size;
	uint32_t obj_offset, align, freelist_cache, limit, batchcount, shared;
	uint32_t total_slabs, free_slabs, free_objects;
	uint32_t head_va[SL_NR];       /* node list heads */
	uint32_t cpu_cache[INSP_MAX_CPUS];
	uint32_t first_slab, nr_slabs; /* its slabs: slabs[first_slab ...) */
	uint32_t listed[SL_NR];        /* slabs found on each list */
	bool sane;                     /* geometry plausible: its slabs were walked */
	bool lists_ok;                 /* every list walked to its head */
	bool chains_ok;                /* every free chain walked to BUFCTL_END */
	bool pages_ok;                 /* every slab's pages were verified and marked */
	uint64_t chain_free;           /* free objects on the chains */
};

/* One slab found on a cache's lists. */
struct insp_slab {
	uint32_t va;                   /* the descriptor */
	uint32_t cache;                /* index in caches[] */
	uint32_t page_va;              /* its first page (s_mem or descriptor - colouroff) */
	uint32_t inuse, nfree, nactive;
	uint8_t list;                  /* enum insp_slab_list */
	bool chain_ok, pages_ok;
};

/* ---- The vmalloc walk (check_vmalloc.c) ------------------------------------ */

/* One area on vmap_area_list, with its vm_struct if it is busy. */
struct insp_varea {
	uint32_t va;                   /* the struct vmap_area */
	uint32_t start, end, flags;    /* [va_start, va_end), guard page included */
	uint32_t vm;                   /* struct vm_struct *, 0 if none */
	bool vm_ok;                    /* vm was readable: the fields below are set */
	uint32_t addr, size, vm_flags, nr_pages, caller;
	uint32_t pages;                /* struct page **: VM_ALLOC's page array */
};

/* Walks vmap_area_list without storing it: bounded by the areas the range
 * can hold, and by the list coming back to its head. */
struct insp_varea_iter {
	uint32_t head, cur, prev;      /* list_head addresses */
	uint64_t left;                 /* steps still allowed */
	char why[INSP_DETAIL_MAX];     /* set when the walk stops broken */
};

/* ---- The address-space walk (check_vm.c) ----------------------------------- */

/* One VMA as read. */
struct insp_vmav {
	uint32_t va, start, end, flags;
};

/* One mm_struct on mm_list, with its VMAs (vmas_ok: the list was followed
 * and is sorted, else why says where it broke). */
struct insp_mmv {
	uint32_t va, pgd, total_vm, rss, nr_ptes;
	uint32_t start_brk, brk, start_stack;
	int32_t map_count;
	struct insp_vmav *vma;
	size_t nvma, cap;
	bool vmas_ok;
	char why[INSP_DETAIL_MAX];
};

struct insp;

/* The next mm on mm_list after *cursor (0: the first): 1 with *m filled
 * (its VMA array reused), 0 at the end, -1 when the list is broken. */
int insp_vm_next(struct insp *in, uint32_t *cursor, struct insp_mmv *m, char *why, size_t whylen);
void insp_mmv_free(struct insp_mmv *m);
const struct insp_vmav *insp_vm_vma_of(const struct insp_mmv *m, uint32_t va);
/* Host pointers to an mm's PDPT and PML4 pages; false if not in RAM. */
bool insp_vm_pgd(const struct insp *in, const struct insp_mmv *m, uint8_t **pdpt, uint8_t **pml4);
/* The first user PTE of m (in address order, in existing page tables, zero
 * entries included) that want accepts: a host pointer to it, its va in *va;
 * NULL if none. */
uint8_t *insp_vm_find_pte(struct insp *in, const struct insp_mmv *m,
			  bool (*want)(const struct insp *in, const struct insp_mmv *m, uint64_t e,
				       uint32_t va),
			  uint32_t *va);
uint64_t insp_vm_zero_pfn(const struct insp *in);
/* One line per task on task_list: pid, name, state, VMAs, VSZ, RSS, faults. */
void insp_view_tasks(struct insp *in, FILE *f);
/* /proc/PID/maps of task pid (Linux's format): 0, or -1 with the reason
 * in err (no such task, no mm, an unreadable VMA list). */
int insp_view_maps(struct insp *in, int32_t pid, FILE *f, char *err, size_t errlen);
/* The CR3 of task pid's address space (its PML4's physical address): 0, or
 * -1 with the reason in err (no such task, no mm, a broken task list). */
int insp_task_cr3(struct insp *in, int32_t pid, uint64_t *cr3, char *err, size_t errlen);

/* [VMALLOC_START, VMALLOC_END) as the guest computes it from high_memory. */
void insp_vmalloc_range(const struct insp *in, uint32_t *start, uint32_t *end);
void insp_varea_begin(const struct insp *in, struct insp_varea_iter *it);
/* 1 with the next area in *a; 0 at the end of the list; -1 when the list
 * cannot be followed (it->why says where), or when the bound is hit. */
int insp_varea_next(const struct insp *in, struct insp_varea_iter *it, struct insp_varea *a);
/* VmallocUsed (pages mapped by busy areas) and VmallocChunk (largest gap,
 * bytes) as the guest computes them; false if the list is broken. */
bool insp_vmalloc_totals(const struct insp *in, uint32_t *used, uint32_t *chunk);

/* ---- The inspector ------------------------------------------------------- */

/* pstate[pfn] bits: what the free-list walks found (check_buddy.c). */
#define PS_ORDER_MASK 0x0f   /* buddy head: order + 1 */
#define PS_TAIL       0x10   /* inside a free block, after its head */
#define PS_PCP        0x20   /* on a per-CPU list */
#define PS_DEFERRED   0x40   /* inside a zone's deferred range (free) */
#define PS_CUR        0x80   /* on the list being walked (transient) */
#define PS_FREE       (PS_ORDER_MASK | PS_TAIL | PS_PCP | PS_DEFERRED)

struct insp_block {
	uint32_t pfn;              /* pfns are < max_pfn <= 2^24 here */
	uint8_t order, zone;
};

struct insp {
	const struct guest_mem *mem;
	const struct insp_layout *lay;
	struct pt_cfg pt;
	struct insp_state st;
	struct insp_report *rep;   /* where checkers report; may be NULL in views */
	/*
	 * Polled by the long loops; once it returns true every checker
	 * returns early and the report is marked stopped (--timeout during
	 * a check).  NULL: never.
	 */
	bool (*should_stop)(void);
	/*
	 * Work budgets of one check, each proportional to the guest, so a
	 * guest that forges structures cannot make a check take minutes:
	 * free-block pages marked (a sane guest's free blocks are disjoint,
	 * so they sum to at most npfn), array-cache entries read, slab pages
	 * visited.  Set by the checkers that use them.
	 */
	uint64_t marked_left, ac_left, slab_pages_left;
	/* scratch, kept across checks to avoid reallocation */
	uint8_t *pstate;           /* max_pfn bytes, zero between checks */
	size_t pstate_cap;
	bool pstate_valid;         /* filled by the last free-list walk */
	struct insp_block *blocks;
	size_t nblocks, blocks_cap;
	uint32_t *visited;         /* scratch for one list walk (pfns) */
	size_t visited_cap;
	uint64_t kernel_start_pa, kernel_end_pa;  /* from _text/_end */
	/* the slab walk (check_slab.c), kept for corrupt.c and the views */
	struct insp_cache *caches;
	size_t ncaches, caches_cap;
	struct insp_slab *slabs;
	size_t nslabs, slabs_cap;
	bool slab_valid;           /* caches[] and slabs[] are from the last walk */
	bool caches_complete;      /* insp_slab_caches() walked the whole list */
	bool slab_pages_valid;     /* slabmap marks every slab page (stray rule) */
	uint8_t *slabmap;          /* bit per pfn: a page of a listed slab */
	size_t slabmap_cap;        /* bytes */
	uint32_t *vset;            /* open-addressing set of descriptor/cache VAs */
	uint32_t *vset_val;
	size_t vset_cap, vset_n;
	uint8_t *objstate;         /* per object of one slab (scratch) */
	size_t objstate_cap;
	uint32_t *acbuf;           /* array-cache entries of one cache (scratch) */
	size_t acbuf_cap;
	uint64_t slab_zone_pages[INSP_MAX_ZONES][2]; /* [zone][reclaimable] */
	/* the vmalloc areas of the last check (check_vmalloc.c), in order */
	struct insp_varea *vareas;
	size_t nvareas, vareas_cap;
};

void insp_init(struct insp *in, const struct guest_mem *mem, const struct insp_layout *lay);
void insp_free(struct insp *in);

/* Host pointer to guest kernel virtual [va, va + len) through the direct
 * map (va - PAGE_OFFSET), or NULL if it is not lowmem RAM. */
const void *insp_kptr(const struct insp *in, uint64_t va, uint64_t len);
bool insp_read_u32(const struct insp *in, uint64_t va, uint32_t *out);

/* Is pfn RAM in the guest's memory map (guest_mem minus the legacy ISA hole)? */
bool insp_pfn_is_ram(const struct insp *in, uint64_t pfn);
/* RAM pfns in [start, end). */
uint64_t insp_ram_pages(const struct insp *in, uint64_t start, uint64_t end);

/* Read the runtime state (state.c).  Reports mem.geometry and zone.span
 * violations to in->rep if it is set.  Returns false if nothing sensible
 * can be checked (the globals are unreadable). */
bool insp_read_state(struct insp *in);

/* Zone index of pfn, derived by compares as the guest does (pfn_zonenum). */
unsigned insp_pfn_zone(const struct insp *in, uint64_t pfn);

/*
 * Bytes of a slab descriptor with num bufctl entries: every byte the walker
 * and the corruptions read of one.  layout.c makes the bufctl array follow
 * every other field, so this covers them too; the struct's own size counts
 * as well, for a descriptor with few entries.
 */
static inline uint64_t insp_slab_desc_len(const struct insp_layout *l, uint32_t num)
{
	uint64_t n = (uint64_t)l->slab.bufctl + 2ull * num;

	return n > l->slab.size ? n : l->slab.size;
}

static inline bool insp_stopping(const struct insp *in)
{
	return in->should_stop && in->should_stop();
}

/* Host pointer to struct page of pfn, or NULL (pfn >= npfn). */
static inline const uint8_t *insp_page(const struct insp *in, uint64_t pfn)
{
	if (!in->st.mem_map || pfn >= in->st.npfn)
		return NULL;
	return in->st.mem_map + pfn * in->lay->page.size;
}

static inline uint32_t insp_rd32(const uint8_t *p, uint32_t off)
{
	uint32_t v;
	__builtin_memcpy(&v, p + off, 4);
	return v;
}

static inline void insp_wr32(uint8_t *p, uint32_t off, uint32_t v)
{
	__builtin_memcpy(p + off, &v, 4);
}

static inline uint64_t insp_rd64(const uint8_t *p, uint32_t off)
{
	uint64_t v;
	__builtin_memcpy(&v, p + off, 8);
	return v;
}

/* Guest VA of struct page of pfn / the pfn of a struct page VA (or ~0). */
uint64_t insp_page_va(const struct insp *in, uint64_t pfn);
uint64_t insp_va_to_pfn(const struct insp *in, uint64_t page_va);

/* ---- Checkers (check_*.c, check.c) -------------------------------------- */

/* Free lists and deferred ranges: fills in->pstate and in->blocks.  Needs
 * insp_read_state. */
void insp_check_buddy(struct insp *in);
/* mem_map scan; uses pstate if valid. */
void insp_check_mem(struct insp *in);
/* Page tables reachable from cr3; uses pstate if valid. */
void insp_check_pt(struct insp *in, uint64_t cr3);
/* The pkmap window and the kmap_atomic fixmap slots.  Uses pstate if
 * valid (count-1 slots over free pages are counted as information). */
void insp_check_pkmap(struct insp *in);
/* One page_address entry of the guest, as read. */
struct insp_pam_entry {
	uint32_t page, virtual_;   /* struct page *, its kmap address */
	uint32_t chain;            /* the page_address_htable chain it is on */
};
/* Every entry on every chain, at most max (the guest's pool has
 * last_pkmap); a chain that leaves lowmem or runs past max is reported
 * (pkmap.address, if in->rep) and cut. */
size_t insp_pkmap_entries(struct insp *in, struct insp_pam_entry *out, size_t max);
/* The pkmap summary meminfo and the pkmap view print. */
struct insp_pkmap_stats {
	uint32_t in_use;      /* slots with users (count > 1) */
	uint32_t users;       /* their users */
	uint32_t unflushed;   /* unused slots not flushed yet (count 1) */
	uint32_t flushes;     /* pkmap_flushes */
};
void insp_pkmap_stats(const struct insp *in, struct insp_pkmap_stats *s);
/* pkmap_count[slot] of the guest into *count; false if unreadable. */
bool insp_pkmap_count(const struct insp *in, uint32_t slot, int32_t *count);
/* The PTE of kernel va under swapper_pg_dir into *pte (0 if none); false
 * if the tables do not lead to a PTE. */
bool insp_kernel_pte(const struct insp *in, uint64_t va, uint64_t *pte, uint64_t *pte_pa);
/* The slab allocator: fills in->caches, in->slabs and in->slabmap; uses
 * pstate if valid (slab pages must not be free).  Run before
 * insp_check_mem, which then reports PG_slab pages in no slab. */
void insp_check_slab(struct insp *in);
/* The cache list alone (caches[], no slabs), for the views: bounded and
 * cycle-safe, reports nothing.  Returns the caches found; caches_complete
 * says whether the walk came back to the list head. */
size_t insp_slab_caches(struct insp *in);
/* Address spaces: every mm on mm_list, its VMAs and its user page tables
 * (vm.* rules; check_vm.c). */
void insp_check_vm(struct insp *in);

/* vmalloc: vmap_area_list, guard pages, the PTEs of the whole range and
 * the lazily freed areas; uses pstate if valid.  Run after the free-list
 * walk (vmalloc.* rules). */
void insp_check_vmalloc(struct insp *in);
/* The areas alone into in->vareas (for corrupt.c), reporting to in->rep;
 * false if the list is broken. */
bool insp_vmalloc_areas(struct insp *in);
/* Forget the free-list walk (clears pstate). */
void insp_clear_walk(struct insp *in);

/*
 * Everything, in order: state, free lists, mem_map, page tables from
 * swapper_pg_dir (and from extra_cr3 too, if nonzero and different).
 * Violations go to rep (which is reset first); rep->ms is set.
 */
void insp_check_all(struct insp *in, struct insp_report *rep, uint64_t extra_cr3);

/* ---- Views (views.c) ------------------------------------------------------ */

/* Translate va from cr3 and print each level; returns the walk status. */
enum pt_status insp_view_translate(const struct insp *in, uint64_t cr3, uint64_t va, FILE *f);
/* Decode struct page of pfn: flags by name, counts, order, zone, state. */
void insp_view_page(struct insp *in, uint64_t pfn, FILE *f);
/* /proc formats, byte-identical to the guest's mm/procfs.c.  Need state. */
void insp_view_buddyinfo(const struct insp *in, FILE *f);
void insp_view_zoneinfo(const struct insp *in, FILE *f);
void insp_view_meminfo(const struct insp *in, FILE *f);
void insp_view_vmstat(const struct insp *in, FILE *f);
/* /proc/slabinfo 2.1 from the caches' counters, byte-identical to the
 * guest's show_slabinfo (walks the cache list itself). */
void insp_view_slabinfo(struct insp *in, FILE *f);
/* The kmap windows: a summary line, each pkmap slot in use or unflushed
 * (count, users, pfn, page_address), and any mapped kmap_atomic slot. */
void insp_view_pkmap(struct insp *in, FILE *f);
/* /proc/vmallocinfo as the guest's show_vmallocinfo prints it, but with
 * each caller resolved to a symbol (sym_format: "func+0x1c/0x80"), or its
 * address where no symbol covers it.  A list that cannot be walked ends
 * with one line saying where. */
void insp_view_vmallocinfo(const struct insp *in, FILE *f);
/* The guest's vmallocinfo line with its caller (an address) resolved the
 * same way, so that it compares with the host's line byte for byte; NULL
 * if line is not a vmallocinfo line. */
char *insp_vmallocinfo_resolve(const char *line, char *buf, size_t len);
/* "buddyinfo", "zoneinfo", "meminfo", "vmstat", "slabinfo", "vmallocinfo",
 * "pkmap": 0, or -1 if unknown. */
int insp_view_by_name(struct insp *in, const char *name, FILE *f);
/* Every view, in the order of insp_view_name(0, 1, ...). */
void insp_view_all(struct insp *in, FILE *f);
/* The i'th view's name ("buddyinfo", ...), or NULL past the last. */
const char *insp_view_name(size_t i);

/* ---- Monitor views (monitor.c) --------------------------------------------- */

/*
 * What a console's `info registers`, `xp`, `x`, `gva2gpa`, `info tlb` and
 * `info mem` print, in the formats of QEMU's monitor (monitor.c says where
 * they differ).  The console parses the command line and picks the CR3
 * (the vCPU's, or st.swapper_cr3 for the kernel's tables).
 */
struct vcpu_regs;

/* QEMU's x86-64 `info registers` layout (no FPU, no debug registers). */
void insp_view_registers(const struct vcpu_regs *r, FILE *f);

#define INSP_FMT_MAX_COUNT 4096

/* The /NFU of xp and x. */
struct insp_fmt {
	unsigned count;   /* units: 1 to INSP_FMT_MAX_COUNT */
	char format;      /* 'x' hex, 'd' signed, 'u' unsigned, 'o' octal, 'c' char */
	unsigned size;    /* bytes a unit: 1, 2, 4, 8 (b, h, w, g); 1 for 'c' */
};

/*
 * Parse the text after '/' ("8xb"): an optional count, then format and
 * unit letters in any order.  NULL or "" gives 1, 'x', 4.  0, or -1 with
 * the reason in err: an unknown letter, 'i', a count of 0 or above
 * INSP_FMT_MAX_COUNT, a unit other than b with 'c'.
 */
int insp_parse_fmt(const char *s, struct insp_fmt *out, char *err, size_t errlen);
/*
 * Dump guest-physical (xp) or guest-virtual (x, through the tables under
 * cr3) memory as QEMU's memory_dump() does.  0, or -1 with err naming the
 * first address that is not RAM or does not translate; then nothing has
 * been printed.
 */
int insp_view_xp(const struct insp *in, uint64_t pa, const struct insp_fmt *fmt, FILE *f,
		 char *err, size_t errlen);
int insp_view_x(const struct insp *in, uint64_t cr3, uint64_t va, const struct insp_fmt *fmt,
		FILE *f, char *err, size_t errlen);
/* insp_view_translate() then QEMU's "gpa: 0x..." or "Unmapped" line. */
enum pt_status insp_view_gva2gpa(const struct insp *in, uint64_t cr3, uint64_t va, FILE *f);
/*
 * The tables under cr3, walked as QEMU's tlb_info_la48 and mem_info_la48
 * do: info tlb prints each present leaf ("VA: PA XGPDACTUW"), info mem
 * each run of pages with the same effective U/W ("start-end size urw").
 * An entry pt_walk() would refuse (reserved bits, 1 GiB, table not RAM)
 * is skipped with one line saying so, and a walk that meets more tables
 * than any honest 32-bit address space has stops with one line.
 */
void insp_view_tlb(const struct insp *in, uint64_t cr3, FILE *f);
void insp_view_mem(const struct insp *in, uint64_t cr3, FILE *f);
/* ---- Fault-injection controls (fault.c) --------------------------------- */

/*
 * The guest's fault injectors, fail_page_alloc and failslab, set and shown
 * from outside with the knobs of Linux's debugfs directories
 * (Documentation/fault-injection/fault-injection.rst), for a console at a
 * checkpoint.  Keys, and their values (decimal):
 *
 *   probability         percent of eligible calls that fail, 0..100
 *   interval            only every interval-th eligible call may fail, >= 1;
 *                       setting it restarts the count
 *   times               failures left, -1..INT_MAX (-1: no limit)
 *   space               size let through before failing, 0..INT_MAX (pages
 *                       for page_alloc, object bytes for slab)
 *   min_order           page_alloc: no failure below this order,
 *                       0..MAX_ORDER - 1 (from the note)
 *   ignore_gfp_highmem  page_alloc: never fail __GFP_HIGHMEM, 0 or 1
 *   ignore_gfp_wait     never fail __GFP_DIRECT_RECLAIM, 0 or 1
 *   verbose             0 silent, 1 or 2 a report per failure
 *   seed                restart the random draws from this state, 0..2^32-1
 *                       (0: the guest's default), and the interval count
 *   cache               slab: the cache filter, below
 *
 * cache=LIST is failslab's cache-filter with the caches chosen, as
 * writing Y to cache-filter and 1 to each chosen cache's
 * /sys/kernel/slab/<cache>/failslab would be: every cache on slab_caches
 * that LIST names gets SLAB_FAILSLAB and every other cache loses it, so
 * that only the named ones may fail.  LIST is names separated by commas,
 * each a whole name or a prefix ending in '*' (slab_debug='s syntax);
 * "*" alone is every cache, Linux's cache-filter=N; "-" alone is none.
 * Each name must match a cache.  The cache of caches (kmem_cache) never
 * fails in the guest, so it cannot be named and is left unmarked.  Caches
 * created later are marked as after failslab= on the command line: after
 * cache=* every one (failslab_mark_all), unless slab_debug= names A for
 * some; otherwise those slab_debug=A names.  A guest booted without
 * failslab= or slab_debug=A has no cache marked, so failslab fails nothing
 * until cache= marks some: show says cache=-.
 *
 * A command is all-or-nothing: insp_fail_parse() checks every key=value
 * against the guest as it is and writes nothing; insp_fail_apply() then
 * writes them all.
 */
enum insp_fail_injector { INSP_FAIL_PAGE_ALLOC, INSP_FAIL_SLAB, INSP_FAIL_NR };

enum insp_fail_knob {
	IFK_probability, IFK_interval, IFK_times, IFK_space, IFK_min_order,
	IFK_ignore_gfp_highmem, IFK_ignore_gfp_wait, IFK_verbose, IFK_seed, IFK_cache,
	IFK_NR
};

#define INSP_FAIL_CACHE_MAX 256   /* cache=LIST, NUL included */

struct insp_fail_req {
	enum insp_fail_injector injector;
	uint32_t given;                 /* bit (1 << IFK_x) per key */
	int64_t value[IFK_NR];          /* the numbers, in range */
	char cache[INSP_FAIL_CACHE_MAX];
};

/*
 * Check the n pairs keys[i]=values[i] for injector ("page_alloc" or
 * "slab") and fill req.  0, or -1 with one line in err naming the problem
 * (an unknown injector or key, a key given twice, a value that is no
 * decimal number or out of range, a cache name that matches no cache, a
 * control block outside lowmem RAM); nothing is written either way.
 */
int insp_fail_parse(struct insp *in, const char *injector, size_t n, const char *const keys[],
		    const char *const values[], struct insp_fail_req *req, char *err, size_t errlen);
/* Write what req holds, from insp_fail_parse() at this same stop.  0, or
 * -1 with err and nothing written if the guest no longer lets it. */
int insp_fail_apply(struct insp *in, const struct insp_fail_req *req, char *err, size_t errlen);
/*
 * Both injectors off: probability 0, which the guest tests before anything
 * else (Linux's off), so the other knobs, the counts and the cache marks
 * stay for show and for the next probability=.  0, or -1 with err and
 * nothing written.
 */
int insp_fail_off(struct insp *in, char *err, size_t errlen);
/*
 * One line per injector, every knob but seed as key=value in the order
 * above, then injected=N (the failures it has forced), and for slab
 * cache=LIST last (the marked caches, "*" for all, "-" for none, "?" if
 * slab_caches cannot be walked):
 *   page_alloc: probability=P interval=I times=T space=S min_order=O
 *     ignore_gfp_highmem=B ignore_gfp_wait=B verbose=V injected=N
 *   slab: probability=P interval=I times=T space=S ignore_gfp_wait=B
 *     verbose=V injected=N cache=LIST
 * (each on one line).  Values are shown as the guest holds them.
 */
void insp_fail_show(struct insp *in, FILE *f);

/* ---- Benchmark (check_bench.c) -------------------------------------------- */

struct insp_bench {
	uint64_t bytes;          /* mem_map + page-table pages */
	unsigned table_pages;
	double check_ms;         /* best full check */
	double read_ms;          /* best plain sequential read of the same bytes */
	uint64_t violations;
};
/* Time reps full checks against reps plain reads (best of each). */
void insp_bench(struct insp *in, unsigned reps, struct insp_bench *b);

/* ---- Fault injection (corrupt.c) ----------------------------------------- */

struct insp_corruption {
	const char *kind;      /* "buddy-order" */
	enum insp_rule rule;   /* the rule that must catch it */
	const char *desc;
	/* On a surveyed guest: 0 with the damage done in what, or -1 with
	 * why there is no target in err. */
	int (*apply)(struct insp *in, char *what, size_t whatlen, char *err, size_t errlen);
};
extern const struct insp_corruption insp_corruptions[];
extern const size_t insp_nr_corruptions;
const struct insp_corruption *insp_corruption_find(const char *kind);

/* Apply one corruption to guest memory.  Needs a clean state (it walks the
 * free lists to find a target).  0, or -1 with the reason in err (no
 * target found, e.g. no free block of the kind needed). */
int insp_corrupt(struct insp *in, const char *kind, char *what, size_t whatlen,
		 char *err, size_t errlen);

/* Flip `flips` random bytes (xorshift from seed) in mem_map, the zones,
 * the slab caches, descriptors and array caches, and the page tables
 * reachable from swapper_pg_dir.  Returns the flips done. */
unsigned insp_fuzz(struct insp *in, unsigned flips, uint64_t seed);

#endif
