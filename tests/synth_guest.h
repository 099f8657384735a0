/*
 * A synthetic guest for inspector unit tests: a fake RAM buffer holding a
 * hand-made mem_map, zones with free lists and per-CPU lists, kernel
 * globals and page tables, described by a hand-made layout note, so the
 * checkers, walker and views can be tested without KVM or a guest build.
 *
 * The layout is deliberately NOT the guest's (struct page is 40 bytes with
 * its fields shuffled, zones are packed differently): the inspector must
 * learn everything from the note.
 *
 * Machine: 32 MiB of RAM, the ISA hole at 0xa0000-0xfffff, zones DMA
 * [0, 16M), Normal [16M, 23M) (lowmem ends 1 MiB short of a 2 MiB boundary,
 * so the direct map has a 4 KiB page table at its edge), HighMem [23M, 32M).
 * Kernel "image" at 1 MiB holding the globals and the early page tables,
 * mem_map at 2 MiB.  Free RAM is split into maximal aligned blocks; pfn
 * 0x301 and the order-2 block at 0x1404 are allocated, pfns 0x1400-0x1403
 * sit on CPU 0's per-CPU list of Normal.  No zone has a deferred range
 * unless a test makes one with sg_defer() (e.g. HighMem's top block
 * [0x1c00, 0x2000)).
 *
 * The vmalloc world (sg_vmalloc_world) uses the tails of the allocated
 * block at 0x1404: page 0x1406 is the page table of the range's first
 * 2 MiB, page 0x1407 holds its vmap_areas and vm_structs (see there).
 *
 * The address-space world (sg_vm_world) lives in Normal's pfns
 * 0x1420-0x1425: one mm with two VMAs, its pgd, a PD, a PT, one page of
 * its own and one zero-page PTE (see there).
 *
 * The slab world (sg_slab_world) lives in Normal's pfns 0x1408-0x140f:
 * three caches, their array caches and an off-slab descriptor in the plain
 * allocated page 0x1408, and seven slab pages (see the block comment
 * before sg_slab_world).  Its structures have their own shuffled layout.
 */
#ifndef TESTS_SYNTH_GUEST_H
#define TESTS_SYNTH_GUEST_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "guest_mem.h"
#include "inspect/inspect.h"
#include "layout_note.h"

#define SG_RAM        (32ull << 20)
#define SG_NPFN       (SG_RAM >> 12)
#define SG_PO         0xc0000000u
#define SG_MAX_LOW    5888u            /* 23 MiB */
#define SG_DMA_END    4096u
#define SG_ORDERS     11
#define SG_CPUS       2
#define SG_ZONES      3

/* Physical layout. */
#define SG_KERNEL_PA  0x100000u
#define SG_KERNEL_END 0x110000u
#define SG_GLOBALS_PA 0x108000u        /* mem_map, max_pfn ... */
#define SG_PGDAT_PA   0x109000u        /* contig_page_data */
#define SG_PDPT_PA    0x10a000u        /* swapper_pg_dir */
#define SG_PML4_PA    0x10b000u        /* swapper_pg_dir + 4096 */
#define SG_KPD_PA     0x10c000u
#define SG_EDGE_PT_PA 0x10d000u        /* direct map [22M, 23M) */
#define SG_FIX_PT_PA  0x10e000u
#define SG_PKMAP_PT_PA 0x10f000u
#define SG_MEMMAP_PA  0x200000u
/* pkmap state, in the kernel image: int pkmap_count[512], then the
 * page_address hash (1 << SG_PA_HASH_ORDER chains), then pkmap_flushes. */
#define SG_PKMAP_COUNT_PA  0x104000u
#define SG_PA_HTABLE_PA    0x104800u
#define SG_PKMAP_FLUSHES_PA 0x104a00u
#define SG_PAM_PA          0x104c00u   /* room for page_address_map entries */
#define SG_PA_HASH_ORDER   7
#define SG_PAM_SIZE        12          /* shuffled: virtual @0, next @4, page @8 */
#define SG_PAM_VIRTUAL     0
#define SG_PAM_NEXT        4
#define SG_PAM_PAGE        8

/* Globals inside SG_GLOBALS_PA. */
#define SG_G_MEM_MAP     0x00
#define SG_G_MAX_PFN     0x04
#define SG_G_MAX_LOW     0x08
#define SG_G_HIGH_MEMORY 0x0c
#define SG_G_TOTALRAM    0x10
#define SG_G_TOTALHIGH   0x14
#define SG_G_VMAP_AREA_LIST 0x18     /* struct list_head vmap_area_list (empty) */
#define SG_G_EVENTS      0x20        /* 6 x u32 */
#define SG_G_EVENT_NAMES 0x48        /* 6 x char* */
#define SG_G_STAT_NAMES  0x60        /* SG_NR_STAT x char* */
#define SG_G_ZONE_STAT   0xf00       /* SG_NR_STAT x long */
#define SG_G_VMAP_LAZY_NR 0x7c       /* unsigned long vmap_lazy_nr */
#define SG_G_SLAB_CACHES 0x80        /* struct list_head slab_caches */
#define SG_G_KMALLOC     0x88        /* kmalloc_caches[2][4] */
#define SG_G_FAILSLAB    0xa8        /* struct failslab_attr (40 bytes) */
#define SG_G_FAIL_PAGE_ALLOC 0xd0    /* struct fail_page_alloc_attr (40 bytes) */
#define SG_G_KMEM_CACHE  0xf8        /* struct kmem_cache *kmem_cache */
#define SG_G_FAILSLAB_MARK_ALL 0xfc  /* bool failslab_mark_all */
#define SG_G_STRINGS     0x100
#define SG_G_MM_LIST     0xf40       /* struct list_head mm_list */
#define SG_G_TASK_LIST   0xf48       /* struct list_head task_list */

/* Test layout of the structures. */
#define SG_PAGE_SIZE 40
#define SG_P_REF     0
#define SG_P_FLAGS   4
#define SG_P_LRU     8
#define SG_P_MAPPING 16
#define SG_P_INDEX   20
#define SG_P_PRIVATE 24
#define SG_P_MAPCOUNT 28
#define SG_P_CHEAD   8
#define SG_P_CORDER  13
#define SG_FA_SIZE   12              /* free_list @0, nr_free @8 */
#define SG_PCP_SIZE  20              /* count @0, high @4, batch @8, list @12 */
#define SG_Z_NAME    0
#define SG_Z_START   4
#define SG_Z_SPANNED 8
#define SG_Z_PRESENT 12
#define SG_Z_MANAGED 16
#define SG_Z_WMARK   20
#define SG_Z_RESERVE 32
#define SG_Z_PAGESET 48
#define SG_Z_FREE_AREA 88
#define SG_Z_LOCK    220
#define SG_Z_NR_DEFERRED 224
#define SG_Z_DEFERRED 228            /* SG_NR_DEFERRED x struct deferred_range */
#define SG_Z_VMSTAT  244             /* SG_NR_STAT x long */
#define SG_ZONE_SIZE 264
#define SG_NR_STAT   5               /* nr_free_pages, nr_slab_reclaimable, nr_slab_unreclaimable,
					nr_anon_pages, nr_page_table_pages */
#define SG_STAT_SLAB_RECL   1
#define SG_STAT_SLAB_UNRECL 2
#define SG_STAT_ANON        3
#define SG_STAT_PAGETABLE   4
/* The address-space world (sg_vm_world): its pages and shuffled layout. */
#define SG_MM_PA     0x1420000u
#define SG_MM_SIZE   48
#define SG_MM_MMAP   0
#define SG_MM_MAP_COUNT 8
#define SG_MM_TOTAL_VM 12
#define SG_MM_RSS    16
#define SG_MM_PGD    20
#define SG_MM_NR_PTES 24
#define SG_MM_MMLIST 28
#define SG_MM_START_BRK 36         /* after mmlist's 8 bytes; SG_MM_SIZE is 48 */
#define SG_MM_BRK       40
#define SG_MM_START_STACK 44
#define SG_VMA_SIZE  24
#define SG_VMA_FLAGS 0
#define SG_VMA_START 4
#define SG_VMA_END   8
#define SG_VMA_LIST  12
#define SG_VMA_A_PA  (SG_MM_PA + 0x100)
#define SG_VMA_B_PA  (SG_MM_PA + 0x140)
#define SG_VM_READ   0x1
#define SG_VM_WRITE  0x2
#define SG_UPD_PA    0x1421000u
#define SG_UPGD_PA   0x1422000u
#define SG_UPT_PA    0x1424000u
#define SG_UPAGE_PFN 0x1425u
#define SG_ZERO_PFN  0x107u
#define SG_UTABLE    (PT_P | PT_RW | PT_US | PT_A)
#define SG_TASK_PA   (SG_MM_PA + 0x200)   /* the one task, pid 7 "sg-task", running */
#define SG_TASK_SIZE 40
#define SG_TASK_TASKS 0
#define SG_TASK_PID  8
#define SG_TASK_STATE 12
#define SG_TASK_MM   16
#define SG_TASK_FAULTS 20
#define SG_TASK_COMM 24
#define SG_NR_DEFERRED 2             /* the guest has another count: learnt from the note */
#define SG_DR_SIZE   8               /* deferred_range: end_pfn @0, start_pfn @4 (shuffled) */
#define SG_DR_END    0
#define SG_DR_START  4
#define SG_PGDAT_NR_ZONES (SG_ZONES * SG_ZONE_SIZE)
#define SG_PGDAT_SIZE (SG_PGDAT_NR_ZONES + 16)   /* zones, nr_zones, node_{start,present,spanned} */

/* Page flag bits, also shuffled. */
enum { SG_PG_reserved = 0, SG_PG_buddy, SG_PG_table, SG_PG_slab, SG_PG_lru, SG_PG_head,
       SG_PG_poisoned, SG_PG_locked, SG_PG_referenced, SG_PG_uptodate, SG_PG_dirty,
       SG_PG_active, SG_PG_private, SG_PG_writeback, SG_PG_swapbacked, SG_NR_PAGEFLAGS };

/* The slab structures, shuffled too. */
#define SG_KMC_SIZE       128
#define SG_KMC_NAME       0
#define SG_KMC_LIST       4
#define SG_KMC_FLAGS      12
#define SG_KMC_NUM        16
#define SG_KMC_BSIZE      20
#define SG_KMC_OBJSIZE    24
#define SG_KMC_OBJOFF     28
#define SG_KMC_ALIGN      32
#define SG_KMC_ORDER      36
#define SG_KMC_COLOUR     40
#define SG_KMC_COLOUR_OFF 44
#define SG_KMC_SLAB_SIZE  48
#define SG_KMC_FREELIST   52
#define SG_KMC_LIMIT      56
#define SG_KMC_BATCH      60
#define SG_KMC_SHARED     64
#define SG_KMC_CPU_CACHE  68         /* SG_CPUS pointers */
#define SG_KMC_NODE       80
#define SG_KMN_SIZE       48
#define SG_KMN_TOTAL      0
#define SG_KMN_FREE_SLABS 4
#define SG_KMN_FREE_OBJS  8
#define SG_KMN_FULL       12
#define SG_KMN_PARTIAL    20
#define SG_KMN_FREE       28
#define SG_KMN_FREE_LIMIT 36
#define SG_KMN_COLOUR_NEXT 40
#define SG_SLAB_SIZE      24         /* inuse @0, free @4 (u16), s_mem @8, colouroff @12, list @16 */
#define SG_SL_INUSE       0
#define SG_SL_FREE        4
#define SG_SL_S_MEM       8
#define SG_SL_COLOUROFF   12
#define SG_SL_LIST        16
#define SG_SL_BUFCTL      24
#define SG_AC_SIZE        16         /* limit @0, avail @4, batchcount @8, entry @16 */
#define SG_AC_LIMIT       0
#define SG_AC_AVAIL       4
#define SG_AC_BATCH       8
#define SG_AC_ENTRY       16
/* Fault injection: struct fault_attr (32 bytes) and fail_page_alloc_attr
 * (40), shuffled as well.  failslab_attr: injected @0, attr @4,
 * ignore_gfp_wait @36. */
#define SG_FA_COUNT       0
#define SG_FA_PROBABILITY 4
#define SG_FA_INTERVAL    8
#define SG_FA_TIMES       12
#define SG_FA_SPACE       16
#define SG_FA_VERBOSE     20
#define SG_FA_RND         24
#define SG_FPA_MIN_ORDER  0
#define SG_FPA_IGNORE_WAIT 4
#define SG_FPA_IGNORE_HIGHMEM 5
#define SG_FPA_ATTR       8
#define SG_FS_INJECTED    0
#define SG_FS_ATTR        4
#define SG_FS_IGNORE_WAIT 36
#define SG_EV_PGALLOC_FAIL_INJECTED 5  /* the last of the six events */
/* Slab flags: other bits than the guest's. */
#define SG_RED_ZONE       0x10u
#define SG_POISON         0x20u
#define SG_CONSISTENCY    0x40u
#define SG_STORE_USER     0x80u
#define SG_RECLAIM        0x100u
#define SG_CACHE_DMA      0x200u
#define SG_FAILSLAB       0x400u
#define SG_OFF_SLAB       0x1000u
#define SG_KMALLOC        0x2000u
#define SG_BUFCTL_END     0xffffu
#define SG_BUFCTL_ACTIVE  0xfffeu
#define SG_RED_INACTIVE   0x09F911029D74E35BULL
#define SG_RED_ACTIVE     0xD84156C5635688C0ULL
#define SG_POISON_FREE    0x6b
#define SG_POISON_END     0xa5

#define SG_FIXADDR_TOP   0xfffff000u
#define SG_FIXADDR_START (SG_FIXADDR_TOP - 65u * 4096)
#define SG_PKMAP_BASE    0xffc00000u
#define SG_VMALLOC_END   (SG_PKMAP_BASE - 2 * 4096)
#define SG_MAXMEM        (SG_VMALLOC_END - SG_PO - (128u << 20))

struct sg {
	uint8_t *ram;
	struct guest_mem mem;
	struct insp_layout lay;
	struct insp in;
	struct insp_report rep;
	uint8_t note[4096];
	size_t note_len;
};

static inline uint32_t sg_rd(struct sg *g, uint64_t pa)
{
	uint32_t v;
	memcpy(&v, g->ram + pa, 4);
	return v;
}

static inline void sg_wr(struct sg *g, uint64_t pa, uint32_t v)
{
	memcpy(g->ram + pa, &v, 4);
}

static inline void sg_wr64(struct sg *g, uint64_t pa, uint64_t v)
{
	memcpy(g->ram + pa, &v, 8);
}

static inline uint64_t sg_rd64(struct sg *g, uint64_t pa)
{
	uint64_t v;
	memcpy(&v, g->ram + pa, 8);
	return v;
}

static inline uint64_t sg_page_pa(uint64_t pfn) { return SG_MEMMAP_PA + pfn * SG_PAGE_SIZE; }
static inline uint32_t sg_page_va(uint64_t pfn) { return (uint32_t)(SG_PO + sg_page_pa(pfn)); }
static inline uint32_t sg_lru_va(uint64_t pfn) { return sg_page_va(pfn) + SG_P_LRU; }
static inline uint64_t sg_zone_pa(unsigned z) { return SG_PGDAT_PA + z * SG_ZONE_SIZE; }
static inline uint64_t sg_head_pa(unsigned z, unsigned o)
{
	return sg_zone_pa(z) + SG_Z_FREE_AREA + o * SG_FA_SIZE;
}
static inline uint64_t sg_pcp_pa(unsigned z, unsigned cpu)
{
	return sg_zone_pa(z) + SG_Z_PAGESET + cpu * SG_PCP_SIZE;
}
static inline uint64_t sg_va_pa(uint32_t va) { return va - SG_PO; }

static inline void sg_flag(struct sg *g, uint64_t pfn, int bit, int on)
{
	uint32_t f = sg_rd(g, sg_page_pa(pfn) + SG_P_FLAGS);

	f = on ? f | (1u << bit) : f & ~(1u << bit);
	sg_wr(g, sg_page_pa(pfn) + SG_P_FLAGS, f);
}

/* list_add(entry, head) with guest VAs (both list_heads in direct-mapped RAM). */
static inline void sg_list_add(struct sg *g, uint32_t entry, uint32_t head)
{
	uint32_t next = sg_rd(g, sg_va_pa(head));

	sg_wr(g, sg_va_pa(next) + 4, entry);
	sg_wr(g, sg_va_pa(entry), next);
	sg_wr(g, sg_va_pa(entry) + 4, head);
	sg_wr(g, sg_va_pa(head), entry);
}

static inline void sg_list_add_tail(struct sg *g, uint32_t entry, uint32_t head)
{
	uint32_t prev = sg_rd(g, sg_va_pa(head) + 4);

	sg_wr(g, sg_va_pa(prev), entry);
	sg_wr(g, sg_va_pa(entry), head);
	sg_wr(g, sg_va_pa(entry) + 4, prev);
	sg_wr(g, sg_va_pa(head) + 4, entry);
}

static inline void sg_list_del(struct sg *g, uint32_t entry)
{
	uint32_t next = sg_rd(g, sg_va_pa(entry)), prev = sg_rd(g, sg_va_pa(entry) + 4);

	sg_wr(g, sg_va_pa(prev), next);
	sg_wr(g, sg_va_pa(next) + 4, prev);
}

static inline void sg_add32(struct sg *g, uint64_t pa, int32_t d)
{
	sg_wr(g, pa, sg_rd(g, pa) + (uint32_t)d);
}

/* A free block on zone z's free_area[order], counts kept consistent. */
static inline void sg_free_block(struct sg *g, unsigned z, uint64_t pfn, unsigned order)
{
	sg_list_add_tail(g, sg_lru_va(pfn), (uint32_t)(SG_PO + sg_head_pa(z, order)));
	sg_flag(g, pfn, SG_PG_buddy, 1);
	sg_wr(g, sg_page_pa(pfn) + SG_P_PRIVATE, order);
	sg_add32(g, sg_head_pa(z, order) + 8, 1);
	sg_add32(g, sg_zone_pa(z) + SG_Z_VMSTAT, 1 << order);
	sg_add32(g, SG_GLOBALS_PA + SG_G_ZONE_STAT, 1 << order);
}

/* Undo sg_free_block (the page is left as an allocated head would be). */
static inline void sg_unfree_block(struct sg *g, unsigned z, uint64_t pfn, unsigned order)
{
	sg_list_del(g, sg_lru_va(pfn));
	sg_flag(g, pfn, SG_PG_buddy, 0);
	sg_wr(g, sg_page_pa(pfn) + SG_P_PRIVATE, 0);
	sg_add32(g, sg_head_pa(z, order) + 8, -1);
	sg_add32(g, sg_zone_pa(z) + SG_Z_VMSTAT, -(1 << order));
	sg_add32(g, SG_GLOBALS_PA + SG_G_ZONE_STAT, -(1 << order));
}

static inline uint64_t sg_deferred_pa(unsigned z, unsigned i)
{
	return sg_zone_pa(z) + SG_Z_DEFERRED + i * SG_DR_SIZE;
}

/*
 * Turn the listed top-order blocks [start, end) of zone z into the zone's
 * next deferred range, as the guest's boot would have left them: off the
 * list, heads all-zero, still counted in nr_free and NR_FREE_PAGES.
 */
static inline void sg_defer(struct sg *g, unsigned z, uint64_t start, uint64_t end)
{
	uint32_t i = sg_rd(g, sg_zone_pa(z) + SG_Z_NR_DEFERRED);

	for (uint64_t pfn = start; pfn < end; pfn += 1u << (SG_ORDERS - 1)) {
		sg_list_del(g, sg_lru_va(pfn));
		memset(g->ram + sg_page_pa(pfn), 0, SG_PAGE_SIZE);
	}
	sg_wr(g, sg_deferred_pa(z, i) + SG_DR_START, (uint32_t)start);
	sg_wr(g, sg_deferred_pa(z, i) + SG_DR_END, (uint32_t)end);
	sg_wr(g, sg_zone_pa(z) + SG_Z_NR_DEFERRED, i + 1);
}

static inline unsigned sg_zone_of(uint64_t pfn)
{
	return pfn < SG_DMA_END ? 0 : pfn < SG_MAX_LOW ? 1 : 2;
}

static inline int sg_is_hole(uint64_t pfn)
{
	return pfn >= 0xa0 && pfn < 0x100;
}

/* Reserved RAM: boot area, kernel image, mem_map. */
static inline int sg_is_reserved(uint64_t pfn)
{
	uint64_t mm_end = (SG_MEMMAP_PA + SG_NPFN * SG_PAGE_SIZE + 4095) >> 12;

	return pfn < (BOOT_AREA_END >> 12) ||
	       (pfn >= (SG_KERNEL_PA >> 12) && pfn < (SG_KERNEL_END >> 12)) ||
	       (pfn >= (SG_MEMMAP_PA >> 12) && pfn < mm_end);
}

static inline int sg_is_used(uint64_t pfn)
{
	/* 0x1408.. slab world, 0x1420.. address-space world */
	return pfn == 0x301 || (pfn >= 0x1400 && pfn < 0x1410) || (pfn >= 0x1420 && pfn < 0x1426);
}

static inline void sg_note(struct sg *g)
{
	struct layout_note_header *h = (void *)g->note;
	struct layout_note_entry *e = (void *)(g->note + sizeof(*h));
	unsigned n = 0;
#define E(k, v) (e[n++] = (struct layout_note_entry){ (k), (uint32_t)(v) })
	E(LN_PAGE_SHIFT, 12); E(LN_PAGE_OFFSET, SG_PO); E(LN_SIZEOF_LONG, 4); E(LN_SIZEOF_PTR, 4);
	E(LN_MAX_ORDER, SG_ORDERS); E(LN_MAX_NR_ZONES, SG_ZONES); E(LN_NR_CPUS, SG_CPUS);
	E(LN_ZONE_DMA, 0); E(LN_ZONE_NORMAL, 1); E(LN_ZONE_HIGHMEM, 2);
	E(LN_NR_WMARK, 3); E(LN_WMARK_MIN, 0); E(LN_WMARK_LOW, 1); E(LN_WMARK_HIGH, 2);
	E(LN_NR_FREE_PAGES, 0); E(LN_NR_VM_ZONE_STAT_ITEMS, SG_NR_STAT); E(LN_NR_VM_EVENT_ITEMS, 6);
	E(LN_FIXADDR_START, SG_FIXADDR_START); E(LN_FIXADDR_TOP, SG_FIXADDR_TOP);
	E(LN_PKMAP_BASE, SG_PKMAP_BASE); E(LN_LAST_PKMAP, 512); E(LN_VMALLOC_OFFSET, 8u << 20);
	E(LN_VMALLOC_END, SG_VMALLOC_END); E(LN_MAXMEM, SG_MAXMEM); E(LN_PGD_CR3_OFFSET, 4096);
	E(LN_PTRS_PER_PGD, 4); E(LN_KM_TYPE_NR, 16); E(LN_FIX_KMAP_BEGIN, 1); E(LN_FIX_KMAP_END, 64);
	E(LN_PGD_ALLOC_ORDER, 1); E(LN_NR_DEFERRED_RANGES, SG_NR_DEFERRED);
	E(LN_PGALLOC_FAIL_INJECTED, SG_EV_PGALLOC_FAIL_INJECTED);
	E(LN_NR_PAGEFLAGS, SG_NR_PAGEFLAGS);
	E(LN_PAGE_ADDRESS_MAP_SIZEOF, SG_PAM_SIZE); E(LN_PAGE_ADDRESS_MAP_page, SG_PAM_PAGE);
	E(LN_PAGE_ADDRESS_MAP_virtual, SG_PAM_VIRTUAL); E(LN_PAGE_ADDRESS_MAP_next, SG_PAM_NEXT);
	E(LN_PA_HASH_ORDER, SG_PA_HASH_ORDER); E(LN_SIZEOF_PKMAP_COUNT, 4);
	E(LN_PG_locked, SG_PG_locked); E(LN_PG_referenced, SG_PG_referenced);
	E(LN_PG_uptodate, SG_PG_uptodate); E(LN_PG_dirty, SG_PG_dirty); E(LN_PG_lru, SG_PG_lru);
	E(LN_PG_active, SG_PG_active); E(LN_PG_slab, SG_PG_slab); E(LN_PG_reserved, SG_PG_reserved);
	E(LN_PG_private, SG_PG_private); E(LN_PG_writeback, SG_PG_writeback);
	E(LN_PG_head, SG_PG_head); E(LN_PG_swapbacked, SG_PG_swapbacked); E(LN_PG_buddy, SG_PG_buddy);
	E(LN_PG_table, SG_PG_table); E(LN_PG_poisoned, SG_PG_poisoned);
	E(LN_PAGE_SIZEOF, SG_PAGE_SIZE); E(LN_PAGE_flags, SG_P_FLAGS); E(LN_PAGE_lru, SG_P_LRU);
	E(LN_PAGE_mapping, SG_P_MAPPING); E(LN_PAGE_index, SG_P_INDEX);
	E(LN_PAGE_private, SG_P_PRIVATE); E(LN_PAGE_compound_head, SG_P_CHEAD);
	E(LN_PAGE_compound_order, SG_P_CORDER); E(LN_PAGE__mapcount, SG_P_MAPCOUNT);
	E(LN_PAGE__refcount, SG_P_REF); E(LN_PAGE_slab_cache, SG_P_MAPPING);
	E(LN_PAGE_freelist, SG_P_INDEX); E(LN_PAGE_slab, SG_P_INDEX);
	E(LN_LIST_HEAD_SIZEOF, 8); E(LN_LIST_HEAD_next, 0); E(LN_LIST_HEAD_prev, 4);
	E(LN_FREE_AREA_SIZEOF, SG_FA_SIZE); E(LN_FREE_AREA_free_list, 0); E(LN_FREE_AREA_nr_free, 8);
	E(LN_PCP_SIZEOF, SG_PCP_SIZE); E(LN_PCP_count, 0); E(LN_PCP_high, 4); E(LN_PCP_batch, 8);
	E(LN_PCP_list, 12);
	E(LN_ZONE_SIZEOF, SG_ZONE_SIZE); E(LN_ZONE__watermark, SG_Z_WMARK);
	E(LN_ZONE_lowmem_reserve, SG_Z_RESERVE); E(LN_ZONE_vm_stat, SG_Z_VMSTAT);
	E(LN_ZONE_pageset, SG_Z_PAGESET); E(LN_ZONE_name, SG_Z_NAME);
	E(LN_ZONE_zone_start_pfn, SG_Z_START); E(LN_ZONE_spanned_pages, SG_Z_SPANNED);
	E(LN_ZONE_present_pages, SG_Z_PRESENT); E(LN_ZONE_managed_pages, SG_Z_MANAGED);
	E(LN_ZONE_lock, SG_Z_LOCK); E(LN_ZONE_free_area, SG_Z_FREE_AREA);
	E(LN_ZONE_nr_deferred_ranges, SG_Z_NR_DEFERRED); E(LN_ZONE_deferred, SG_Z_DEFERRED);
	E(LN_DEFERRED_RANGE_SIZEOF, SG_DR_SIZE); E(LN_DEFERRED_RANGE_start_pfn, SG_DR_START);
	E(LN_DEFERRED_RANGE_end_pfn, SG_DR_END);
	E(LN_PGDAT_SIZEOF, SG_PGDAT_SIZE); E(LN_PGDAT_node_zones, 0);
	E(LN_PGDAT_nr_zones, SG_PGDAT_NR_ZONES);
	E(LN_PGDAT_node_start_pfn, SG_PGDAT_NR_ZONES + 4);
	E(LN_PGDAT_node_present_pages, SG_PGDAT_NR_ZONES + 8);
	E(LN_PGDAT_node_spanned_pages, SG_PGDAT_NR_ZONES + 12);
	E(LN_VM_EVENT_STATE_SIZEOF, 24); E(LN_VM_EVENT_STATE_event, 0);
	/* the slab allocator */
	E(LN_KMEM_CACHE_SIZEOF, SG_KMC_SIZE); E(LN_KMEM_CACHE_cpu_cache, SG_KMC_CPU_CACHE);
	E(LN_KMEM_CACHE_flags, SG_KMC_FLAGS); E(LN_KMEM_CACHE_size, SG_KMC_BSIZE);
	E(LN_KMEM_CACHE_num, SG_KMC_NUM); E(LN_KMEM_CACHE_limit, SG_KMC_LIMIT);
	E(LN_KMEM_CACHE_batchcount, SG_KMC_BATCH); E(LN_KMEM_CACHE_shared, SG_KMC_SHARED);
	E(LN_KMEM_CACHE_gfporder, SG_KMC_ORDER); E(LN_KMEM_CACHE_colour, SG_KMC_COLOUR);
	E(LN_KMEM_CACHE_colour_off, SG_KMC_COLOUR_OFF); E(LN_KMEM_CACHE_slab_size, SG_KMC_SLAB_SIZE);
	E(LN_KMEM_CACHE_freelist_cache, SG_KMC_FREELIST); E(LN_KMEM_CACHE_name, SG_KMC_NAME);
	E(LN_KMEM_CACHE_list, SG_KMC_LIST); E(LN_KMEM_CACHE_object_size, SG_KMC_OBJSIZE);
	E(LN_KMEM_CACHE_align, SG_KMC_ALIGN); E(LN_KMEM_CACHE_obj_offset, SG_KMC_OBJOFF);
	E(LN_KMEM_CACHE_node, SG_KMC_NODE);
	E(LN_KMEM_CACHE_NODE_SIZEOF, SG_KMN_SIZE); E(LN_KMEM_CACHE_NODE_slabs_partial, SG_KMN_PARTIAL);
	E(LN_KMEM_CACHE_NODE_slabs_full, SG_KMN_FULL); E(LN_KMEM_CACHE_NODE_slabs_free, SG_KMN_FREE);
	E(LN_KMEM_CACHE_NODE_total_slabs, SG_KMN_TOTAL);
	E(LN_KMEM_CACHE_NODE_free_slabs, SG_KMN_FREE_SLABS);
	E(LN_KMEM_CACHE_NODE_free_objects, SG_KMN_FREE_OBJS);
	E(LN_KMEM_CACHE_NODE_free_limit, SG_KMN_FREE_LIMIT);
	E(LN_KMEM_CACHE_NODE_colour_next, SG_KMN_COLOUR_NEXT);
	E(LN_ARRAY_CACHE_SIZEOF, SG_AC_SIZE); E(LN_ARRAY_CACHE_avail, SG_AC_AVAIL);
	E(LN_ARRAY_CACHE_limit, SG_AC_LIMIT); E(LN_ARRAY_CACHE_batchcount, SG_AC_BATCH);
	E(LN_ARRAY_CACHE_entry, SG_AC_ENTRY);
	E(LN_SLAB_SIZEOF, SG_SLAB_SIZE); E(LN_SLAB_list, SG_SL_LIST); E(LN_SLAB_s_mem, SG_SL_S_MEM);
	E(LN_SLAB_colouroff, SG_SL_COLOUROFF); E(LN_SLAB_inuse, SG_SL_INUSE);
	E(LN_SLAB_free, SG_SL_FREE); E(LN_SLAB_bufctl, SG_SL_BUFCTL);
	E(LN_FAULT_ATTR_SIZEOF, 32); E(LN_FAULT_ATTR_count, SG_FA_COUNT);
	E(LN_FAULT_ATTR_probability, SG_FA_PROBABILITY); E(LN_FAULT_ATTR_interval, SG_FA_INTERVAL);
	E(LN_FAULT_ATTR_times, SG_FA_TIMES); E(LN_FAULT_ATTR_space, SG_FA_SPACE);
	E(LN_FAULT_ATTR_verbose, SG_FA_VERBOSE); E(LN_FAULT_ATTR_rnd, SG_FA_RND);
	E(LN_FAIL_PAGE_ALLOC_ATTR_SIZEOF, 40); E(LN_FAIL_PAGE_ALLOC_ATTR_attr, SG_FPA_ATTR);
	E(LN_FAIL_PAGE_ALLOC_ATTR_ignore_gfp_highmem, SG_FPA_IGNORE_HIGHMEM);
	E(LN_FAIL_PAGE_ALLOC_ATTR_ignore_gfp_wait, SG_FPA_IGNORE_WAIT);
	E(LN_FAIL_PAGE_ALLOC_ATTR_min_order, SG_FPA_MIN_ORDER);
	E(LN_FAILSLAB_ATTR_SIZEOF, 40); E(LN_FAILSLAB_ATTR_injected, SG_FS_INJECTED);
	E(LN_FAILSLAB_ATTR_attr, SG_FS_ATTR); E(LN_FAILSLAB_ATTR_ignore_gfp_wait, SG_FS_IGNORE_WAIT);
	E(LN_SIZEOF_BUFCTL, 2); E(LN_BUFCTL_END, SG_BUFCTL_END); E(LN_BUFCTL_ACTIVE, SG_BUFCTL_ACTIVE);
	E(LN_SLAB_OBJ_MAX_NUM, 0xfffd); E(LN_CFLGS_OFF_SLAB, SG_OFF_SLAB);
	E(LN_CFLGS_KMALLOC, SG_KMALLOC); E(LN_SLAB_CONSISTENCY_CHECKS, SG_CONSISTENCY);
	E(LN_SLAB_RED_ZONE, SG_RED_ZONE); E(LN_SLAB_POISON, SG_POISON);
	E(LN_SLAB_STORE_USER, SG_STORE_USER); E(LN_SLAB_RECLAIM_ACCOUNT, SG_RECLAIM);
	E(LN_SLAB_CACHE_DMA, SG_CACHE_DMA); E(LN_SLAB_FAILSLAB, SG_FAILSLAB);
	E(LN_POISON_INUSE, 0x5a); E(LN_POISON_FREE, SG_POISON_FREE); E(LN_POISON_END, SG_POISON_END);
	E(LN_RED_INACTIVE_LO, (uint32_t)SG_RED_INACTIVE); E(LN_RED_INACTIVE_HI, SG_RED_INACTIVE >> 32);
	E(LN_RED_ACTIVE_LO, (uint32_t)SG_RED_ACTIVE); E(LN_RED_ACTIVE_HI, SG_RED_ACTIVE >> 32);
	E(LN_REDZONE_SIZE, 8); E(LN_REDZONE_ALIGN, 8);
	E(LN_NR_KMALLOC_TYPES, 2); E(LN_KMALLOC_SHIFT_HIGH, 3);
	E(LN_NR_SLAB_RECLAIMABLE, SG_STAT_SLAB_RECL); E(LN_NR_SLAB_UNRECLAIMABLE, SG_STAT_SLAB_UNRECL);
	/* vmalloc: shuffled too */
	E(LN_VMAP_AREA_SIZEOF, 24); E(LN_VMAP_AREA_list, 0); E(LN_VMAP_AREA_va_start, 12);
	E(LN_VMAP_AREA_va_end, 8); E(LN_VMAP_AREA_flags, 16); E(LN_VMAP_AREA_vm, 20);
	E(LN_VM_STRUCT_SIZEOF, 24); E(LN_VM_STRUCT_caller, 0); E(LN_VM_STRUCT_addr, 4);
	E(LN_VM_STRUCT_size, 8); E(LN_VM_STRUCT_flags, 12); E(LN_VM_STRUCT_nr_pages, 20);
	E(LN_VM_STRUCT_pages, 16);   /* SG_VMS_PAGES */
	E(LN_VMAP_VM_AREA, 0x4); E(LN_VMAP_LAZY_FREE, 0x1);
	E(LN_VM_ALLOC, 0x2); E(LN_VM_MAP, 0x4); E(LN_VM_IOREMAP, 0x1);
	/* address spaces */
	E(LN_MM_STRUCT_SIZEOF, SG_MM_SIZE); E(LN_MM_STRUCT_pgd, SG_MM_PGD);
	E(LN_MM_STRUCT_mmap, SG_MM_MMAP); E(LN_MM_STRUCT_map_count, SG_MM_MAP_COUNT);
	E(LN_MM_STRUCT_total_vm, SG_MM_TOTAL_VM); E(LN_MM_STRUCT_rss_anon, SG_MM_RSS);
	E(LN_MM_STRUCT_nr_ptes, SG_MM_NR_PTES); E(LN_MM_STRUCT_mmlist, SG_MM_MMLIST);
	E(LN_MM_STRUCT_start_brk, SG_MM_START_BRK); E(LN_MM_STRUCT_brk, SG_MM_BRK);
	E(LN_MM_STRUCT_start_stack, SG_MM_START_STACK);
	E(LN_TASK_SIZE, SG_PO); E(LN_NR_ANON_MAPPED, SG_STAT_ANON); E(LN_NR_PAGETABLE, SG_STAT_PAGETABLE);
	E(LN_VMA_SIZEOF, SG_VMA_SIZE); E(LN_VMA_vm_start, SG_VMA_START); E(LN_VMA_vm_end, SG_VMA_END);
	E(LN_VMA_vm_flags, SG_VMA_FLAGS); E(LN_VMA_vm_list, SG_VMA_LIST);
	E(LN_VM_READ, SG_VM_READ); E(LN_VM_WRITE, SG_VM_WRITE); E(LN_VM_EXEC, 0x4);
	E(LN_VM_GROWSDOWN, 0x100);
	E(LN_TASK_SIZEOF, SG_TASK_SIZE); E(LN_TASK_pid, SG_TASK_PID); E(LN_TASK_comm, SG_TASK_COMM);
	E(LN_TASK_state, SG_TASK_STATE); E(LN_TASK_mm, SG_TASK_MM); E(LN_TASK_faults, SG_TASK_FAULTS);
	E(LN_TASK_tasks, SG_TASK_TASKS); E(LN_TASK_COMM_LEN, 16); E(LN_TASK_RUNNING, 1);
	E(LN_TASK_DEAD, 2);
	E(0x7777, 42);   /* a key the host does not know: ignored */
#undef E
	*h = (struct layout_note_header){ LAYOUT_NOTE_MAGIC, LAYOUT_NOTE_VERSION,
		(uint32_t)(sizeof(*h) + n * sizeof(*e)), n };
	g->note_len = h->size;
}

static inline uint32_t sg_str(struct sg *g, uint32_t *off, const char *s)
{
	uint32_t pa = SG_GLOBALS_PA + *off;

	memcpy(g->ram + pa, s, strlen(s) + 1);
	*off += (uint32_t)strlen(s) + 1;
	return SG_PO + pa;
}

#define SG_KPTE (PT_P | PT_RW | PT_A | PT_D)

/*
 * vmalloc, from VMALLOC_START = 0xc1800000 (high_memory 0xc1700000 + 8 MiB,
 * rounded down to 8 MiB), one page table at pfn 0x1406:
 *   A [0xc1800000, 0xc1802000) vmalloc, 1 page -> pfn 0x301 (its pages[] at
 *     0x1407200), then its guard
 *   C [0xc1802000, 0xc1805000) lazily freed, 3 pages (vmap_lazy_nr = 3)
 *   B [0xc1805000, 0xc1808000) vmap, 2 pages -> pfns 0x1404, 0x1405
 * The structures are in page 0x1407, in a shuffled layout of their own.
 */
#define SG_VM_START   0xc1800000u
#define SG_VM_PT_PA   0x1406000u
#define SG_VM_META_PA 0x1407000u
#define SG_VA_A (SG_VM_META_PA + 0x000)
#define SG_VA_C (SG_VM_META_PA + 0x040)
#define SG_VA_B (SG_VM_META_PA + 0x080)
#define SG_VM_A (SG_VM_META_PA + 0x100)
#define SG_VM_B (SG_VM_META_PA + 0x140)
#define SG_VA_VM_START 12
#define SG_VA_VM_END   8
#define SG_VA_FLAGS    16
#define SG_VA_VM       20
#define SG_VMS_CALLER  0
#define SG_VMS_ADDR    4
#define SG_VMS_SIZE    8
#define SG_VMS_FLAGS   12
#define SG_VMS_PAGES   16
#define SG_VMS_NR      20
#define SG_VM_A_PAGES (SG_VM_META_PA + 0x200)   /* area A's pages[1] */

static inline void sg_vm_area(struct sg *g, uint32_t pa, uint32_t start, uint32_t end,
			      uint32_t flags, uint32_t vm)
{
	sg_wr(g, pa + SG_VA_VM_START, start);
	sg_wr(g, pa + SG_VA_VM_END, end);
	sg_wr(g, pa + SG_VA_FLAGS, flags);
	sg_wr(g, pa + SG_VA_VM, vm ? SG_PO + vm : 0);
	if (vm) {
		sg_wr(g, vm + SG_VMS_ADDR, start);
		sg_wr(g, vm + SG_VMS_SIZE, end - start);
	}
	sg_list_add_tail(g, SG_PO + pa, SG_PO + SG_GLOBALS_PA + SG_G_VMAP_AREA_LIST);
}

static inline void sg_vmalloc_world(struct sg *g)
{
	sg_wr64(g, SG_KPD_PA + ((SG_VM_START >> 21) & 511) * 8, SG_VM_PT_PA | SG_KPTE);
	sg_flag(g, SG_VM_PT_PA >> 12, SG_PG_table, 1);
	sg_vm_area(g, SG_VA_A, SG_VM_START, SG_VM_START + 0x2000, 0x4, SG_VM_A);
	sg_wr(g, SG_VM_A + SG_VMS_FLAGS, 0x2);
	sg_wr(g, SG_VM_A + SG_VMS_NR, 1);
	sg_wr(g, SG_VM_A + SG_VMS_CALLER, 0xc0101234);
	sg_wr(g, SG_VM_A + SG_VMS_PAGES, SG_PO + SG_VM_A_PAGES);
	sg_wr(g, SG_VM_A_PAGES, SG_PO + SG_MEMMAP_PA + 0x301 * SG_PAGE_SIZE);
	sg_wr64(g, SG_VM_PT_PA, (0x301ull << 12) | SG_KPTE);
	sg_vm_area(g, SG_VA_C, SG_VM_START + 0x2000, SG_VM_START + 0x5000, 0x1, 0);
	sg_wr(g, SG_GLOBALS_PA + SG_G_VMAP_LAZY_NR, 3);
	sg_vm_area(g, SG_VA_B, SG_VM_START + 0x5000, SG_VM_START + 0x8000, 0x4, SG_VM_B);
	sg_wr(g, SG_VM_B + SG_VMS_FLAGS, 0x4);
	sg_wr(g, SG_VM_B + SG_VMS_NR, 2);
	sg_wr(g, SG_VM_B + SG_VMS_CALLER, 0xc0105678);
	sg_wr64(g, SG_VM_PT_PA + 5 * 8, (0x1404ull << 12) | SG_KPTE);
	sg_wr64(g, SG_VM_PT_PA + 6 * 8, (0x1405ull << 12) | SG_KPTE);
}

/*
 * One address space, in Normal's pfns 0x1420-0x1425 (guest mm_struct.h
 * semantics, shuffled layout):
 *   0x1420  the mm_struct (+0), its VMAs (+0x100, +0x140) and the one
 *           task on task_list (+0x200: pid 7 "sg-task", 2 faults)
 *   0x1421  the PD of [0, 1 GiB)       0x1424  the PT of [0x08000000, +2 MiB)
 *   0x1422  the pgd (PDPT)             0x1425  the task's one page
 *   0x1423  its PML4 page
 * VMAs: A [0x08048000, 0x0804a000) read-write, B [0x08100000, 0x08101000)
 * read-only.  0x08048000 maps pfn 0x1425 writable (mapcount 1, RSS 1);
 * 0x08100000 maps the zero page (pfn 0x107, in the kernel image) read-only.
 * Normal's nr_anon_pages is 1 and nr_page_table_pages 2.
 */
static inline void sg_vma(struct sg *g, uint32_t pa, uint32_t start, uint32_t end, uint32_t flags)
{
	sg_wr(g, pa + SG_VMA_START, start);
	sg_wr(g, pa + SG_VMA_END, end);
	sg_wr(g, pa + SG_VMA_FLAGS, flags);
	sg_list_add_tail(g, SG_PO + pa + SG_VMA_LIST, SG_PO + SG_MM_PA + SG_MM_MMAP);
}

static inline void sg_vm_world(struct sg *g)
{
	uint32_t head = SG_PO + SG_GLOBALS_PA + SG_G_MM_LIST, mmap = SG_PO + SG_MM_PA + SG_MM_MMAP;

	sg_wr(g, SG_GLOBALS_PA + SG_G_MM_LIST, head);
	sg_wr(g, SG_GLOBALS_PA + SG_G_MM_LIST + 4, head);
	sg_wr(g, SG_MM_PA + SG_MM_MMAP, mmap);
	sg_wr(g, SG_MM_PA + SG_MM_MMAP + 4, mmap);
	sg_list_add_tail(g, SG_PO + SG_MM_PA + SG_MM_MMLIST, head);
	head = SG_PO + SG_GLOBALS_PA + SG_G_TASK_LIST;
	sg_wr(g, SG_GLOBALS_PA + SG_G_TASK_LIST, head);
	sg_wr(g, SG_GLOBALS_PA + SG_G_TASK_LIST + 4, head);
	sg_list_add_tail(g, SG_PO + SG_TASK_PA + SG_TASK_TASKS, head);
	sg_wr(g, SG_TASK_PA + SG_TASK_PID, 7);
	sg_wr(g, SG_TASK_PA + SG_TASK_STATE, 1);
	sg_wr(g, SG_TASK_PA + SG_TASK_MM, SG_PO + SG_MM_PA);
	sg_wr(g, SG_TASK_PA + SG_TASK_FAULTS, 2);
	memcpy(g->ram + SG_TASK_PA + SG_TASK_COMM, "sg-task", 8);
	sg_vma(g, SG_VMA_A_PA, 0x08048000u, 0x0804a000u, SG_VM_READ | SG_VM_WRITE);
	sg_vma(g, SG_VMA_B_PA, 0x08100000u, 0x08101000u, SG_VM_READ);
	sg_wr(g, SG_MM_PA + SG_MM_MAP_COUNT, 2);
	sg_wr(g, SG_MM_PA + SG_MM_TOTAL_VM, 3);
	sg_wr(g, SG_MM_PA + SG_MM_RSS, 1);
	sg_wr(g, SG_MM_PA + SG_MM_NR_PTES, 2);
	sg_wr(g, SG_MM_PA + SG_MM_PGD, SG_PO + SG_UPGD_PA);
	sg_wr64(g, SG_UPGD_PA, SG_UPD_PA | SG_UTABLE);
	sg_wr64(g, SG_UPGD_PA + 3 * 8, sg_rd64(g, SG_PDPT_PA + 3 * 8));
	sg_wr64(g, SG_UPGD_PA + 4096, SG_UPGD_PA | SG_UTABLE);
	sg_wr64(g, SG_UPD_PA + (0x08000000u >> 21) * 8, SG_UPT_PA | SG_UTABLE);
	sg_wr64(g, SG_UPT_PA + 0x48 * 8, ((uint64_t)SG_UPAGE_PFN << 12) | SG_UTABLE | PT_D);
	sg_wr64(g, SG_UPT_PA + 0x100 * 8, ((uint64_t)SG_ZERO_PFN << 12) | PT_P | PT_US | PT_A);
	for (uint64_t p = SG_MM_PA >> 12; p < (SG_MM_PA >> 12) + 6; p++)
		sg_wr(g, sg_page_pa(p) + SG_P_REF, 1);
	sg_wr(g, sg_page_pa(SG_UPAGE_PFN) + SG_P_MAPCOUNT, 1);
	const uint64_t tables[] = { SG_UPD_PA, SG_UPGD_PA, SG_UPGD_PA + 4096, SG_UPT_PA };
	for (unsigned i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		sg_flag(g, tables[i] >> 12, SG_PG_table, 1);
	sg_add32(g, sg_zone_pa(1) + SG_Z_VMSTAT + 4 * SG_STAT_ANON, 1);
	sg_add32(g, SG_GLOBALS_PA + SG_G_ZONE_STAT + 4 * SG_STAT_ANON, 1);
	sg_add32(g, sg_zone_pa(1) + SG_Z_VMSTAT + 4 * SG_STAT_PAGETABLE, 2);
	sg_add32(g, SG_GLOBALS_PA + SG_G_ZONE_STAT + 4 * SG_STAT_PAGETABLE, 2);
}

/*
 * A kmap as the guest's kmap_high leaves it: pfn in pkmap slot `slot` with
 * `users` (pkmap_count users + 1), and its page_address entry (stored at
 * SG_PAM_PA + slot * SG_PAM_SIZE) at the head of the chain hash_ptr picks.
 * The page should be allocated (sg_unfree_block).
 */
static inline void sg_kmap(struct sg *g, unsigned slot, uint64_t pfn, unsigned users)
{
	uint32_t page = sg_page_va(pfn), va = SG_PKMAP_BASE + slot * 4096u;
	uint32_t chain = (page * 0x61C88647u) >> (32 - SG_PA_HASH_ORDER);
	uint64_t e = SG_PAM_PA + slot * SG_PAM_SIZE;

	sg_wr64(g, SG_PKMAP_PT_PA + slot * 8, (pfn << 12) | SG_KPTE);
	sg_wr(g, SG_PKMAP_COUNT_PA + slot * 4, users + 1);
	sg_wr(g, e + SG_PAM_PAGE, page);
	sg_wr(g, e + SG_PAM_VIRTUAL, va);
	sg_wr(g, e + SG_PAM_NEXT, sg_rd(g, SG_PA_HTABLE_PA + chain * 4));
	sg_wr(g, SG_PA_HTABLE_PA + chain * 4, (uint32_t)(SG_PO + e));
}

static inline void sg_page_tables(struct sg *g)
{
	/* PML4[0] -> PDPT; PDPT[3] -> kernel PD (long mode: P|RW|US). */
	sg_wr64(g, SG_PML4_PA, SG_PDPT_PA | PT_P | PT_RW | PT_US | PT_A);
	sg_wr64(g, SG_PDPT_PA + 3 * 8, SG_KPD_PA | PT_P | PT_RW | PT_US | PT_A);
	for (unsigned i = 0; i < SG_MAX_LOW / 512; i++)
		sg_wr64(g, SG_KPD_PA + i * 8, ((uint64_t)i << 21) | SG_KPTE | PT_PS);
	sg_wr64(g, SG_KPD_PA + (SG_MAX_LOW / 512) * 8, SG_EDGE_PT_PA | SG_KPTE);
	for (unsigned i = 0; i < SG_MAX_LOW % 512; i++)
		sg_wr64(g, SG_EDGE_PT_PA + i * 8,
			((uint64_t)(SG_MAX_LOW / 512 * 512 + i) << 12) | SG_KPTE);
	sg_wr64(g, SG_KPD_PA + ((SG_FIXADDR_START >> 21) & 511) * 8, SG_FIX_PT_PA | SG_KPTE);
	sg_wr64(g, SG_KPD_PA + ((SG_PKMAP_BASE >> 21) & 511) * 8, SG_PKMAP_PT_PA | SG_KPTE);
	/* A stale pkmap entry mapping a free page is legal: an unused slot
	 * (count 1) not flushed yet, which keeps its page_address entry until
	 * the flush (sg_kmap with no users). */
	sg_kmap(g, 5, 0x1800, 0);
	/* One live fixmap slot (kmap_atomic of an allocated highmem page). */
	sg_wr64(g, SG_FIX_PT_PA + 511 * 8, ((uint64_t)0x1404 << 12) | SG_KPTE);
	const uint64_t tables[] = { SG_PML4_PA, SG_PDPT_PA, SG_KPD_PA, SG_EDGE_PT_PA,
				    SG_FIX_PT_PA, SG_PKMAP_PT_PA };
	for (unsigned i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		sg_flag(g, tables[i] >> 12, SG_PG_table, 1);
}


/*
 * The slab world, in Normal's pfns 0x1408-0x140f (guest slab.h semantics):
 *
 *   pfn 0x1408  a plain allocated page: the caches A, B, C at +0, +0x80,
 *               +0x100; their CPU 0 array caches at +0x200, +0x240, +0x280;
 *               B1's off-slab descriptor at +0x300; the names at +0x400.
 *   A "sg-kmalloc-128": on-slab, 30 x 128 bytes per order-0 slab, slab_size
 *     88, colour 2 x 64, a kmalloc cache (kmalloc_caches[0][3]).
 *       A1 full, pfn 0x1409, colouroff 0
 *       A2 partial, pfn 0x140a, colouroff 64: objects 0-9 in use, of which
 *          7-9 sit in the array cache; the chain is 10 -> ... -> 29
 *       A3 free, pfn 0x140b, colouroff 0
 *   B "sg-offslab": off-slab (descriptors in A-sized objects), 8 x 1024
 *     bytes (object 1000) per order-1 slab, no colour.
 *       B1 partial, pfns 0x140c-0x140d: objects 0-2 in use
 *   C "sg-debug": SLAB_RED_ZONE | SLAB_POISON | SLAB_RECLAIM_ACCOUNT,
 *     object 40 at obj_offset 8 in 56-byte buffers, 60 per order-0 slab,
 *     slab_size 144, colour 9 x 64.
 *       C1 partial, pfn 0x140e, colouroff 128: objects 0-19 in use, 18-19
 *          in the array cache (freed: RED_INACTIVE and poisoned)
 *       C2 free, pfn 0x140f, colouroff 192
 * slab_caches: C, B, A.  Slab pages: Normal has 5 unreclaimable (A, B) and
 * 2 reclaimable (C).
 */
#define SG_SLABPG_PA  0x1408000u
#define SG_CACHE_A_PA (SG_SLABPG_PA + 0x000)
#define SG_CACHE_B_PA (SG_SLABPG_PA + 0x080)
#define SG_CACHE_C_PA (SG_SLABPG_PA + 0x100)
#define SG_AC_A_PA    (SG_SLABPG_PA + 0x200)
#define SG_AC_B_PA    (SG_SLABPG_PA + 0x240)
#define SG_AC_C_PA    (SG_SLABPG_PA + 0x280)
#define SG_B1_PA      (SG_SLABPG_PA + 0x300)
#define SG_A1_PA      0x1409000u
#define SG_A2_PA      0x140a040u
#define SG_A3_PA      0x140b000u
#define SG_C1_PA      0x140e080u
#define SG_C2_PA      0x140f0c0u

static inline uint32_t sg_kva(uint64_t pa) { return (uint32_t)(SG_PO + pa); }

/* Head of list L (0 partial, 1 full, 2 free) of the cache at cache_pa. */
static inline uint64_t sg_slab_head_pa(uint64_t cache_pa, int L)
{
	static const uint32_t off[3] = { SG_KMN_PARTIAL, SG_KMN_FULL, SG_KMN_FREE };

	return cache_pa + SG_KMC_NODE + off[L];
}

static inline uint16_t sg_bufctl(struct sg *g, uint64_t desc_pa, unsigned i)
{
	uint16_t v;

	memcpy(&v, g->ram + desc_pa + SG_SL_BUFCTL + 2 * i, 2);
	return v;
}

static inline void sg_set_bufctl(struct sg *g, uint64_t desc_pa, unsigned i, uint16_t v)
{
	memcpy(g->ram + desc_pa + SG_SL_BUFCTL + 2 * i, &v, 2);
}

/* PA of buffer i of the slab whose descriptor is at desc_pa. */
static inline uint64_t sg_buf_pa(struct sg *g, uint64_t desc_pa, uint64_t cache_pa, unsigned i)
{
	return sg_va_pa(sg_rd(g, desc_pa + SG_SL_S_MEM)) + (uint64_t)i * sg_rd(g, cache_pa + SG_KMC_BSIZE);
}

static inline void sg_cache(struct sg *g, uint64_t pa, const char *name, uint32_t *soff,
			    uint32_t flags, uint32_t objsize, uint32_t objoff, uint32_t bsize,
			    uint32_t num, uint32_t order, uint32_t colour, uint32_t slab_size,
			    uint64_t ac_pa)
{
	uint32_t npa = SG_SLABPG_PA + 0x400 + *soff;

	memcpy(g->ram + npa, name, strlen(name) + 1);
	*soff += (uint32_t)strlen(name) + 1;
	sg_wr(g, pa + SG_KMC_NAME, sg_kva(npa));
	sg_wr(g, pa + SG_KMC_FLAGS, flags);
	sg_wr(g, pa + SG_KMC_NUM, num);
	sg_wr(g, pa + SG_KMC_BSIZE, bsize);
	sg_wr(g, pa + SG_KMC_OBJSIZE, objsize);
	sg_wr(g, pa + SG_KMC_OBJOFF, objoff);
	sg_wr(g, pa + SG_KMC_ALIGN, 8);
	sg_wr(g, pa + SG_KMC_ORDER, order);
	sg_wr(g, pa + SG_KMC_COLOUR, colour);
	sg_wr(g, pa + SG_KMC_COLOUR_OFF, 64);
	sg_wr(g, pa + SG_KMC_SLAB_SIZE, slab_size);
	sg_wr(g, pa + SG_KMC_LIMIT, 8);
	sg_wr(g, pa + SG_KMC_BATCH, 4);
	sg_wr(g, pa + SG_KMC_CPU_CACHE, sg_kva(ac_pa));
	sg_wr(g, ac_pa + SG_AC_LIMIT, 8);
	sg_wr(g, ac_pa + SG_AC_BATCH, 4);
	for (int L = 0; L < 3; L++) {
		sg_wr(g, sg_slab_head_pa(pa, L), sg_kva(sg_slab_head_pa(pa, L)));
		sg_wr(g, sg_slab_head_pa(pa, L) + 4, sg_kva(sg_slab_head_pa(pa, L)));
	}
	sg_list_add(g, sg_kva(pa + SG_KMC_LIST), SG_PO + SG_GLOBALS_PA + SG_G_SLAB_CACHES);
}

/*
 * A slab of the cache at cache_pa on its list L: descriptor at desc_pa,
 * pages from pfn, buffers at s_mem_pa; objects [0, nactive) in use, of
 * which [ac_from, nactive) are in CPU 0's array cache; the rest chained.
 */
static inline void sg_slab(struct sg *g, uint64_t cache_pa, int L, uint64_t desc_pa, uint64_t pfn,
			   uint32_t colouroff, uint64_t s_mem_pa, unsigned nactive, unsigned ac_from)
{
	uint32_t flags = sg_rd(g, cache_pa + SG_KMC_FLAGS), num = sg_rd(g, cache_pa + SG_KMC_NUM);
	uint32_t bsize = sg_rd(g, cache_pa + SG_KMC_BSIZE), objoff = sg_rd(g, cache_pa + SG_KMC_OBJOFF);
	uint32_t objsize = sg_rd(g, cache_pa + SG_KMC_OBJSIZE);
	uint32_t npages = 1u << sg_rd(g, cache_pa + SG_KMC_ORDER);
	uint64_t ac_pa = sg_va_pa(sg_rd(g, cache_pa + SG_KMC_CPU_CACHE)), node = cache_pa + SG_KMC_NODE;
	uint32_t rz2 = objoff + ((objsize + 7) & ~7u);

	sg_wr(g, desc_pa + SG_SL_INUSE, nactive);
	sg_wr(g, desc_pa + SG_SL_S_MEM, sg_kva(s_mem_pa));
	sg_wr(g, desc_pa + SG_SL_COLOUROFF, colouroff);
	sg_wr(g, desc_pa + SG_SL_FREE, nactive < num ? nactive : SG_BUFCTL_END);
	for (unsigned i = 0; i < num; i++) {
		uint64_t b = s_mem_pa + (uint64_t)i * bsize;
		bool in_use = i < nactive && i < ac_from;

		sg_set_bufctl(g, desc_pa, i, i < nactive ? SG_BUFCTL_ACTIVE :
			      i + 1 < num ? (uint16_t)(i + 1) : SG_BUFCTL_END);
		if (i >= ac_from && i < nactive) {
			uint32_t avail = sg_rd(g, ac_pa + SG_AC_AVAIL);

			sg_wr(g, ac_pa + SG_AC_ENTRY + 4 * avail, sg_kva(b));
			sg_wr(g, ac_pa + SG_AC_AVAIL, avail + 1);
		}
		if (flags & SG_POISON) {
			memset(g->ram + b + objoff, in_use ? 0x11 : SG_POISON_FREE, objsize);
			if (!in_use)
				g->ram[b + objoff + objsize - 1] = SG_POISON_END;
		}
		if (flags & SG_RED_ZONE) {
			sg_wr64(g, b + objoff - 8, in_use ? SG_RED_ACTIVE : SG_RED_INACTIVE);
			sg_wr64(g, b + rz2, in_use ? SG_RED_ACTIVE : SG_RED_INACTIVE);
		}
	}
	for (uint32_t i = 0; i < npages; i++) {
		uint64_t pp = sg_page_pa(pfn + i);

		sg_flag(g, pfn + i, SG_PG_slab, 1);
		sg_wr(g, pp + SG_P_MAPPING, sg_kva(cache_pa));
		sg_wr(g, pp + SG_P_INDEX, sg_kva(desc_pa));
		sg_add32(g, sg_zone_pa(1) + SG_Z_VMSTAT + 4 * ((flags & SG_RECLAIM) ? SG_STAT_SLAB_RECL :
							    SG_STAT_SLAB_UNRECL), 1);
		sg_add32(g, SG_GLOBALS_PA + SG_G_ZONE_STAT + 4 * ((flags & SG_RECLAIM) ?
				SG_STAT_SLAB_RECL : SG_STAT_SLAB_UNRECL), 1);
	}
	sg_wr(g, sg_page_pa(pfn) + SG_P_REF, 1);
	sg_list_add_tail(g, sg_kva(desc_pa + SG_SL_LIST), sg_kva(sg_slab_head_pa(cache_pa, L)));
	sg_add32(g, node + SG_KMN_TOTAL, 1);
	sg_add32(g, node + SG_KMN_FREE_OBJS, (int32_t)(num - nactive));
	if (L == 2)
		sg_add32(g, node + SG_KMN_FREE_SLABS, 1);
}

static inline void sg_slab_world(struct sg *g)
{
	uint32_t soff = 0;

	sg_wr(g, SG_GLOBALS_PA + SG_G_VMAP_AREA_LIST, SG_PO + SG_GLOBALS_PA + SG_G_VMAP_AREA_LIST);
	sg_wr(g, SG_GLOBALS_PA + SG_G_VMAP_AREA_LIST + 4, SG_PO + SG_GLOBALS_PA + SG_G_VMAP_AREA_LIST);
	sg_wr(g, SG_GLOBALS_PA + SG_G_SLAB_CACHES, SG_PO + SG_GLOBALS_PA + SG_G_SLAB_CACHES);
	sg_wr(g, SG_GLOBALS_PA + SG_G_SLAB_CACHES + 4, SG_PO + SG_GLOBALS_PA + SG_G_SLAB_CACHES);
	sg_wr(g, sg_page_pa(0x1408) + SG_P_REF, 1);
	sg_cache(g, SG_CACHE_A_PA, "sg-kmalloc-128", &soff, SG_KMALLOC, 128, 0, 128, 30, 0, 2, 88,
		 SG_AC_A_PA);
	sg_cache(g, SG_CACHE_B_PA, "sg-offslab", &soff, SG_OFF_SLAB, 1000, 0, 1024, 8, 1, 0, 40,
		 SG_AC_B_PA);
	sg_wr(g, SG_CACHE_B_PA + SG_KMC_FREELIST, sg_kva(SG_CACHE_A_PA));
	sg_cache(g, SG_CACHE_C_PA, "sg-debug", &soff, SG_RED_ZONE | SG_POISON | SG_RECLAIM, 40, 8, 56,
		 60, 0, 9, 144, SG_AC_C_PA);
	sg_wr(g, SG_GLOBALS_PA + SG_G_KMALLOC + 4 * 3, sg_kva(SG_CACHE_A_PA));

	sg_slab(g, SG_CACHE_A_PA, 1, SG_A1_PA, 0x1409, 0, SG_A1_PA + 88, 30, 30);
	sg_slab(g, SG_CACHE_A_PA, 0, SG_A2_PA, 0x140a, 64, SG_A2_PA + 88, 10, 7);
	sg_slab(g, SG_CACHE_A_PA, 2, SG_A3_PA, 0x140b, 0, SG_A3_PA + 88, 0, 0);
	sg_slab(g, SG_CACHE_B_PA, 0, SG_B1_PA, 0x140c, 0, 0x140c000, 3, 3);
	sg_slab(g, SG_CACHE_C_PA, 0, SG_C1_PA, 0x140e, 128, SG_C1_PA + 144, 20, 18);
	sg_slab(g, SG_CACHE_C_PA, 2, SG_C2_PA, 0x140f, 192, SG_C2_PA + 144, 0, 0);
}

/* Build the clean machine.  Returns 0 (asserts are the caller's). */
static inline int sg_build(struct sg *g)
{
	char err[256];
	uint32_t soff = SG_G_STRINGS;
	static const char *const zname[SG_ZONES] = { "DMA", "Normal", "HighMem" };
	static const char *const ev[6] = { "pgalloc_dma", "pgalloc_normal", "pgalloc_high",
					   "pgfree", "pgalloc_fail", "pgalloc_fail_injected" };
	uint64_t zstart[SG_ZONES] = { 0, SG_DMA_END, SG_MAX_LOW };
	uint64_t zend[SG_ZONES] = { SG_DMA_END, SG_MAX_LOW, SG_NPFN };

	memset(g, 0, sizeof(*g));
	g->ram = calloc(1, SG_RAM);
	if (!g->ram)
		return -1;
	guest_mem_layout(&g->mem, SG_RAM, g->ram);
	sg_note(g);
	if (insp_layout_parse(g->note, g->note_len, &g->lay, err, sizeof(err)))
		return -1;
	g->lay.sym.mem_map = SG_PO + SG_GLOBALS_PA + SG_G_MEM_MAP;
	g->lay.sym.max_pfn = SG_PO + SG_GLOBALS_PA + SG_G_MAX_PFN;
	g->lay.sym.max_low_pfn = SG_PO + SG_GLOBALS_PA + SG_G_MAX_LOW;
	g->lay.sym.high_memory = SG_PO + SG_GLOBALS_PA + SG_G_HIGH_MEMORY;
	g->lay.sym.totalram_pages = SG_PO + SG_GLOBALS_PA + SG_G_TOTALRAM;
	g->lay.sym.totalhigh_pages = SG_PO + SG_GLOBALS_PA + SG_G_TOTALHIGH;
	g->lay.sym.vm_zone_stat = SG_PO + SG_GLOBALS_PA + SG_G_ZONE_STAT;
	g->lay.sym.vm_event_states = SG_PO + SG_GLOBALS_PA + SG_G_EVENTS;
	g->lay.sym.zone_stat_names = SG_PO + SG_GLOBALS_PA + SG_G_STAT_NAMES;
	g->lay.sym.vm_event_names = SG_PO + SG_GLOBALS_PA + SG_G_EVENT_NAMES;
	g->lay.sym.contig_page_data = SG_PO + SG_PGDAT_PA;
	g->lay.sym.swapper_pg_dir = SG_PO + SG_PDPT_PA;
	g->lay.sym.text = SG_PO + SG_KERNEL_PA;
	g->lay.sym.end = SG_PO + SG_KERNEL_END;
	g->lay.sym.slab_caches = SG_PO + SG_GLOBALS_PA + SG_G_SLAB_CACHES;
	g->lay.sym.kmalloc_caches = SG_PO + SG_GLOBALS_PA + SG_G_KMALLOC;
	g->lay.sym.kmem_cache = SG_PO + SG_GLOBALS_PA + SG_G_KMEM_CACHE;
	g->lay.sym.fail_page_alloc = SG_PO + SG_GLOBALS_PA + SG_G_FAIL_PAGE_ALLOC;
	g->lay.sym.failslab = SG_PO + SG_GLOBALS_PA + SG_G_FAILSLAB;
	g->lay.sym.failslab_mark_all = SG_PO + SG_GLOBALS_PA + SG_G_FAILSLAB_MARK_ALL;
	g->lay.sym.vmap_area_list = SG_PO + SG_GLOBALS_PA + SG_G_VMAP_AREA_LIST;
	g->lay.sym.vmap_lazy_nr = SG_PO + SG_GLOBALS_PA + SG_G_VMAP_LAZY_NR;
	g->lay.sym.mm_list = SG_PO + SG_GLOBALS_PA + SG_G_MM_LIST;
	g->lay.sym.empty_zero_page = SG_PO + ((uint64_t)SG_ZERO_PFN << 12);
	g->lay.sym.task_list = SG_PO + SG_GLOBALS_PA + SG_G_TASK_LIST;
	g->lay.sym.pkmap_count = SG_PO + SG_PKMAP_COUNT_PA;
	g->lay.sym.page_address_htable = SG_PO + SG_PA_HTABLE_PA;
	g->lay.sym.pkmap_flushes = SG_PO + SG_PKMAP_FLUSHES_PA;

	/* Globals. */
	sg_wr(g, SG_GLOBALS_PA + SG_G_MEM_MAP, SG_PO + SG_MEMMAP_PA);
	sg_wr(g, SG_GLOBALS_PA + SG_G_MAX_PFN, SG_NPFN);
	sg_wr(g, SG_GLOBALS_PA + SG_G_MAX_LOW, SG_MAX_LOW);
	sg_wr(g, SG_GLOBALS_PA + SG_G_HIGH_MEMORY, SG_PO + SG_MAX_LOW * 4096u);
	sg_wr(g, SG_GLOBALS_PA + SG_G_STAT_NAMES, sg_str(g, &soff, "nr_free_pages"));
	sg_wr(g, SG_GLOBALS_PA + SG_G_STAT_NAMES + 4, sg_str(g, &soff, "nr_slab_reclaimable"));
	sg_wr(g, SG_GLOBALS_PA + SG_G_STAT_NAMES + 8, sg_str(g, &soff, "nr_slab_unreclaimable"));
	sg_wr(g, SG_GLOBALS_PA + SG_G_STAT_NAMES + 12, sg_str(g, &soff, "nr_anon_pages"));
	sg_wr(g, SG_GLOBALS_PA + SG_G_STAT_NAMES + 16, sg_str(g, &soff, "nr_page_table_pages"));
	for (unsigned i = 0; i < 6; i++) {
		sg_wr(g, SG_GLOBALS_PA + SG_G_EVENT_NAMES + 4 * i, sg_str(g, &soff, ev[i]));
		sg_wr(g, SG_GLOBALS_PA + SG_G_EVENTS + 4 * i, 100 + i);
	}
	/* The fault attributes as FAULT_ATTR_INITIALIZER leaves them. */
	for (unsigned i = 0; i < 2; i++) {
		uint64_t fa = SG_GLOBALS_PA + (i ? SG_G_FAILSLAB + SG_FS_ATTR :
					       SG_G_FAIL_PAGE_ALLOC + SG_FPA_ATTR);

		sg_wr(g, fa + SG_FA_INTERVAL, 1);
		sg_wr(g, fa + SG_FA_TIMES, 1);
		sg_wr(g, fa + SG_FA_VERBOSE, 2);
		sg_wr(g, fa + SG_FA_RND, 0x2545f491u);
	}

	/* Zones: geometry, empty lists, pcp sizes. */
	sg_wr(g, SG_PGDAT_PA + SG_PGDAT_NR_ZONES, SG_ZONES);
	for (unsigned z = 0; z < SG_ZONES; z++) {
		uint64_t zp = sg_zone_pa(z), present = 0, reserved = 0;

		for (uint64_t p = zstart[z]; p < zend[z]; p++) {
			present += !sg_is_hole(p);
			reserved += !sg_is_hole(p) && sg_is_reserved(p);
		}
		sg_wr(g, zp + SG_Z_NAME, sg_str(g, &soff, zname[z]));
		sg_wr(g, zp + SG_Z_START, (uint32_t)zstart[z]);
		sg_wr(g, zp + SG_Z_SPANNED, (uint32_t)(zend[z] - zstart[z]));
		sg_wr(g, zp + SG_Z_PRESENT, (uint32_t)present);
		sg_wr(g, zp + SG_Z_MANAGED, (uint32_t)(present - reserved));
		sg_add32(g, SG_GLOBALS_PA + SG_G_TOTALRAM, (int32_t)(present - reserved));
		if (z == 2)
			sg_wr(g, SG_GLOBALS_PA + SG_G_TOTALHIGH, (uint32_t)(present - reserved));
		for (unsigned w = 0; w < 3; w++)
			sg_wr(g, zp + SG_Z_WMARK + 4 * w, 10 * (z + 1) + w);
		for (unsigned o = 0; o < SG_ORDERS; o++) {
			uint32_t h = (uint32_t)(SG_PO + sg_head_pa(z, o));
			sg_wr(g, sg_head_pa(z, o), h);
			sg_wr(g, sg_head_pa(z, o) + 4, h);
		}
		for (unsigned c = 0; c < SG_CPUS; c++) {
			uint32_t h = (uint32_t)(SG_PO + sg_pcp_pa(z, c) + 12);
			sg_wr(g, sg_pcp_pa(z, c) + 4, 6);
			sg_wr(g, sg_pcp_pa(z, c) + 8, 1);
			sg_wr(g, sg_pcp_pa(z, c) + 12, h);
			sg_wr(g, sg_pcp_pa(z, c) + 16, h);
		}
	}

	/* mem_map: reserved pages, allocated pages, per-CPU pages. */
	for (uint64_t p = 0; p < SG_NPFN; p++)
		if (!sg_is_hole(p) && sg_is_reserved(p))
			sg_flag(g, p, SG_PG_reserved, 1);
	sg_wr(g, sg_page_pa(0x301) + SG_P_REF, 1);
	sg_wr(g, sg_page_pa(0x1404) + SG_P_REF, 1);
	for (uint64_t p = 0x1400; p < 0x1404; p++) {
		sg_list_add_tail(g, sg_lru_va(p), (uint32_t)(SG_PO + sg_pcp_pa(1, 0) + 12));
		sg_add32(g, sg_pcp_pa(1, 0), 1);
	}

	/* Free RAM as maximal aligned blocks, zone by zone. */
	for (unsigned z = 0; z < SG_ZONES; z++) {
		for (uint64_t p = zstart[z]; p < zend[z];) {
			uint64_t e = p;
			unsigned o;

			if (sg_is_hole(p) || sg_is_reserved(p) || sg_is_used(p)) {
				p++;
				continue;
			}
			while (e < zend[z] && !sg_is_hole(e) && !sg_is_reserved(e) && !sg_is_used(e))
				e++;
			while (p < e) {
				for (o = SG_ORDERS - 1; o > 0; o--)
					if (!(p & ((1ull << o) - 1)) && p + (1ull << o) <= e)
						break;
				sg_free_block(g, z, p, o);
				p += 1ull << o;
			}
		}
	}
	sg_slab_world(g);
	sg_page_tables(g);
	sg_vmalloc_world(g);
	sg_vm_world(g);

	insp_init(&g->in, &g->mem, &g->lay);
	insp_report_init(&g->rep, 1000);
	return 0;
}

static inline void sg_free(struct sg *g)
{
	insp_report_free(&g->rep);
	insp_free(&g->in);
	free(g->ram);
	g->ram = NULL;
}

static inline void sg_check(struct sg *g)
{
	insp_check_all(&g->in, &g->rep, 0);
}

/* How many violations of rule; and how many of any other rule. */
static inline uint64_t sg_count(struct sg *g, enum insp_rule r)
{
	return g->rep.per_rule[r];
}

static inline uint64_t sg_others(struct sg *g, enum insp_rule r)
{
	return g->rep.total - g->rep.per_rule[r];
}

#endif
