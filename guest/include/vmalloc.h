/*
 * vmalloc: virtually contiguous kernel memory in [VMALLOC_START,
 * VMALLOC_END) (Linux's <linux/vmalloc.h>, mm/vmalloc.c; Understanding the
 * Linux Kernel, 8.3).
 *
 * Two structures describe the range, as in Linux:
 *   - struct vmap_area: a reserved piece of the address range, on
 *     vmap_area_list sorted by address.  Its [va_start, va_end) includes
 *     the guard page after the mapping.  A freed area whose TLB entries
 *     have not been flushed yet stays on the list with VMAP_LAZY_FREE (and
 *     vm == NULL) until the next purge, so its addresses are not handed out
 *     while a stale translation may exist.
 *   - struct vm_struct: what is mapped there (get_vm_area, vmalloc, vmap):
 *     size includes the guard page, as /proc/vmallocinfo shows it.
 * vmap_area_lock protects both and vmap_lazy_nr.  The host inspector reads
 * them (layout note keys LN_VMAP_AREA_*, LN_VM_STRUCT_*).
 *
 * The address-range allocator alone (first fit over the sorted list) is in
 * mm/vmap_area.c, which the host unit tests build.
 */
#ifndef GUEST_VMALLOC_H
#define GUEST_VMALLOC_H

#include "kernel.h"
#include "list.h"
#include "gfp.h"
#include "asm/pgtable_types.h"

struct page;

/* vm_struct.flags (Linux's values) */
#define VM_IOREMAP 0x00000001ul
#define VM_ALLOC   0x00000002ul   /* vmalloc: the pages belong to the area */
#define VM_MAP     0x00000004ul   /* vmap: the caller owns the pages */

/* vmap_area.flags */
#define VMAP_VM_AREA   0x1ul   /* busy: vm describes the mapping */
#define VMAP_LAZY_FREE 0x2ul   /* freed, unmapped, TLB flush (purge) pending */

struct vm_struct {
	void *addr;
	unsigned long size;          /* bytes, guard page included */
	unsigned long flags;         /* VM_* */
	struct page **pages;         /* VM_ALLOC: nr_pages entries (kmalloc, or
					 vmalloc when larger than a page) */
	unsigned int nr_pages;       /* pages mapped (VM_ALLOC and VM_MAP) */
	const void *caller;          /* return address of the API's caller */
};

struct vmap_area {
	unsigned long va_start;      /* page aligned */
	unsigned long va_end;        /* exclusive, guard page included */
	unsigned long flags;         /* VMAP_* */
	struct list_head list;       /* vmap_area_list, by va_start */
	struct vm_struct *vm;        /* NULL once lazily freed */
};

/* ---- The address-range allocator (mm/vmap_area.c) ---------------------
 * Callers hold vmap_area_lock.  `head` is a list of areas sorted by
 * va_start with no overlap; every link and unlink goes through these, so
 * that the search cache stays right. */
#define VMAP_NO_FIT (~0ul)

/* Where the next first-fit search may start (Linux's free_vmap_cache). */
struct vmap_cache {
	struct vmap_area *node;      /* search after it; NULL: from vstart */
	unsigned long hole;          /* largest gap skipped below node, bytes */
	unsigned long vstart, align; /* of the search that set node */
};

/* Lowest address a in [vstart, vend) with a % align == 0 and
 * [a, a + size) free (first fit); VMAP_NO_FIT if none.  *prev is where
 * the new area links.  align is a power of two. */
unsigned long __vmap_area_find(struct list_head *head, struct vmap_cache *c, unsigned long size,
			       unsigned long align, unsigned long vstart, unsigned long vend,
			       struct list_head **prev);
void __vmap_area_link(struct vmap_cache *c, struct vmap_area *va, struct list_head *prev);
void __vmap_area_unlink(struct list_head *head, struct vmap_cache *c, struct vmap_area *va);
/* The area whose [va_start, va_end) contains addr, or NULL (c may be
 * NULL). */
struct vmap_area *__vmap_area_lookup(struct list_head *head, const struct vmap_cache *c,
				     unsigned long addr);
/* The largest free gap in [vstart, vend), in bytes (VmallocChunk). */
unsigned long __vmap_largest_gap(struct list_head *head, unsigned long vstart, unsigned long vend);

/* ---- The API (mm/vmalloc.c) ------------------------------------------ */

extern struct list_head vmap_area_list;
/* Pages of lazily freed areas not purged yet; a purge comes past
 * lazy_max_pages(). */
extern unsigned long vmap_lazy_nr;

/* Counters for `make bench`: PTE stores and flush_tlb_kernel_range calls
 * made by vmalloc's map and unmap paths, and page-table pages allocated for
 * the range (kept for good, as Linux keeps them). */
struct vmalloc_stats {
	unsigned long pte_writes;
	unsigned long tlb_flushes;
	unsigned long purges;
	unsigned long pt_pages;
};
extern struct vmalloc_stats vmalloc_stats;

struct vm_struct *get_vm_area(unsigned long size, unsigned long flags);
struct vm_struct *get_vm_area_caller(unsigned long size, unsigned long flags, const void *caller);
/* Unmap and unreserve an area get_vm_area made; its pages are the caller's. */
struct vm_struct *remove_vm_area(const void *addr);
void free_vm_area(struct vm_struct *area);
/* get_vm_area plus every page table the area needs, mapping nothing. */
struct vm_struct *alloc_vm_area(unsigned long size);

void *vmalloc(unsigned long size);
void *vzalloc(unsigned long size);
void *vmalloc_32(unsigned long size);
void *__vmalloc(unsigned long size, gfp_t gfp_mask, pgprot_t prot);
void *__vmalloc_caller(unsigned long size, gfp_t gfp_mask, pgprot_t prot, const void *caller);
void vfree(const void *addr);
void *vmap(struct page **pages, unsigned int count, unsigned long flags, pgprot_t prot);
void vunmap(const void *addr);

struct page *vmalloc_to_page(const void *addr);
unsigned long vmalloc_to_pfn(const void *addr);
bool is_vmalloc_addr(const void *addr);
/* The busy area containing addr (guard page included), or NULL. */
struct vm_struct *find_vm_area_containing(const void *addr);

/* Flush and unreserve every lazily freed area now (Linux's
 * vm_unmap_aliases). */
void vm_unmap_aliases(void);

/* /proc/vmallocinfo, one line per busy area:
 *   0xSTART-0xEND SIZE 0xCALLER pages=N vmalloc|vmap
 * The caller is an address; the host resolves it to a symbol. */
void show_vmallocinfo(void);
/* meminfo's VmallocTotal, VmallocUsed (pages mapped) and VmallocChunk. */
unsigned long vmalloc_total_bytes(void);
unsigned long vmalloc_used_pages(void);
unsigned long vmalloc_chunk_bytes(void);

/* For the #PF report: describe addr if it is a guard page (or any other
 * part) of the vmalloc range; false if addr is outside it. */
bool vmalloc_report_fault(unsigned long addr);

#endif
