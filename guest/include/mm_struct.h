/*
 * Address spaces: struct mm_struct and struct vm_area_struct (Linux's
 * <linux/mm_types.h>, kept apart from struct page, which the host's
 * inspector also compiles), and the operations on them (mm/mmap.c,
 * mm/mprotect.c, mm/memory.c, kernel/fork.c).
 *
 * The user half is 0..TASK_SIZE (3 GiB): PDPT entries 0-2 of the mm's own
 * pgd, filled on demand.  PDPT entry 3 is copied from swapper_pg_dir, so
 * every pgd shares the one kernel PD and kernel mappings need no syncing.
 *
 * An mm's VMAs sit on mm->mmap sorted by address, never overlapping; every
 * VMA is anonymous and private.  There is one CPU and scheduling is
 * cooperative, so nothing else runs while a VMA operation or a fault
 * handler does: the list needs no lock (Linux's mmap_lock).
 */
#ifndef GUEST_MM_STRUCT_H
#define GUEST_MM_STRUCT_H

#include "types.h"
#include "list.h"
#include "asm/pgtable_types.h"

#define TASK_SIZE          PAGE_OFFSET
/* Linux's legacy (bottom-up) layout: mmap searches up from here. */
#define TASK_UNMAPPED_BASE ((TASK_SIZE / 3) & ~(PAGE_SIZE - 1))
/* Nothing is mapped below this (Linux's default vm.mmap_min_addr). */
#define MMAP_MIN_ADDR      0x10000ul
/* Linux's default vm.max_map_count. */
#define DEFAULT_MAX_MAP_COUNT 65530

/* vm_flags: VM_READ..VM_EXEC are PROT_READ..PROT_EXEC's bits, as in Linux. */
#define VM_NONE      0x00000000ul
#define VM_READ      0x00000001ul
#define VM_WRITE     0x00000002ul
#define VM_EXEC      0x00000004ul
#define VM_GROWSDOWN 0x00000100ul   /* the stack: faults just below grow it */
#define VM_ACCESS_FLAGS (VM_READ | VM_WRITE | VM_EXEC)

struct mm_struct;

struct vm_area_struct {
	unsigned long vm_start;     /* first byte, page aligned */
	unsigned long vm_end;       /* first byte after, page aligned */
	struct mm_struct *vm_mm;
	unsigned long vm_flags;
	struct list_head vm_list;   /* on mm->mmap, sorted by vm_start */
};

/* RSS counters (Linux's MM_FILEPAGES... have only the anonymous kind here). */
enum {
	MM_ANONPAGES,   /* present PTEs of anonymous pages, zero-page PTEs excluded */
	NR_MM_COUNTERS
};

struct mm_struct {
	pgd_t *pgd;                 /* PDPT page, then its PML4 page (pgtable_types.h) */
	struct list_head mmap;      /* VMAs, sorted by address */
	int map_count;              /* VMAs on mmap */
	unsigned long total_vm;     /* pages in all VMAs */
	unsigned long rss_stat[NR_MM_COUNTERS];   /* pages */
	unsigned long nr_ptes;      /* page-table pages: PTs and user PDs */
	unsigned long mmap_base;    /* where get_unmapped_area starts */
	unsigned long start_brk, brk;   /* heap: [start_brk, brk), brk unaligned */
	unsigned long start_stack;  /* the initial user stack pointer, in the stack VMA */
	unsigned long stack_limit;  /* bytes the stack may grow to (RLIMIT_STACK) */
	struct list_head mmlist;    /* on the list of every mm (the inspector's) */
};

static inline unsigned long get_mm_rss(const struct mm_struct *mm)
{
	return mm->rss_stat[MM_ANONPAGES];
}

static inline unsigned long vma_pages(const struct vm_area_struct *vma)
{
	return (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
}

static inline struct vm_area_struct *vma_next(struct mm_struct *mm, struct vm_area_struct *vma)
{
	return vma->vm_list.next == &mm->mmap ? NULL :
		list_entry(vma->vm_list.next, struct vm_area_struct, vm_list);
}

static inline struct vm_area_struct *vma_prev(struct mm_struct *mm, struct vm_area_struct *vma)
{
	return vma->vm_list.prev == &mm->mmap ? NULL :
		list_entry(vma->vm_list.prev, struct vm_area_struct, vm_list);
}

#define for_each_vma(mm, vma) list_for_each_entry(vma, &(mm)->mmap, vm_list)

/* ---- mm/mmap.c, mm/mprotect.c: the VMA set (no page tables) ------------- */

/* The first VMA with vm_end > addr, or NULL. */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);
/* The VMA containing addr, or NULL. */
struct vm_area_struct *vma_lookup(struct mm_struct *mm, unsigned long addr);
/* A free range of len bytes (page multiple): addr if it is free (a hint,
 * rounded up to a page), else the lowest one at or above mm->mmap_base, as
 * Linux's legacy bottom-up layout: below mmap_base only MAP_FIXED and brk
 * place anything; -ENOMEM if none. */
unsigned long get_unmapped_area(struct mm_struct *mm, unsigned long addr, unsigned long len);
/* Map [addr, addr + len) anonymous with vm_flags, unmapping whatever was
 * there; merges with equal neighbours.  addr, or -ENOMEM. */
unsigned long mmap_region(struct mm_struct *mm, unsigned long addr, unsigned long len,
			  unsigned long vm_flags);
/* mmap(2) for anonymous private memory: the address, or a negative errno. */
unsigned long do_mmap(struct mm_struct *mm, unsigned long addr, unsigned long len,
		      unsigned long prot, unsigned long flags);
int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len);
int do_mprotect(struct mm_struct *mm, unsigned long start, unsigned long len, unsigned long prot);
/* brk(2): the new break, or the old one when the request fails. */
unsigned long do_brk(struct mm_struct *mm, unsigned long brk);
/* Grow the VM_GROWSDOWN vma down to cover addr, within mm->stack_limit. */
int expand_stack(struct vm_area_struct *vma, unsigned long addr);
/* Every VMA gone, pages and page tables freed (the pgd is not). */
void exit_mmap(struct mm_struct *mm);
/* Is an error value (do_mmap's and get_unmapped_area's). */
#define IS_ERR_VALUE(x) ((unsigned long)(x) >= (unsigned long)-4095)

/* ---- kernel/fork.c: allocation of the structures ------------------------ */

/* RLIMIT_STACK's default, as on Linux. */
#define STACK_LIMIT_DEFAULT (8ul << 20)

extern struct list_head mm_list;   /* every live mm, oldest first */
/* The caches of mm_struct and vm_area_struct, made on the first call. */
void proc_caches_init(void);
/* An empty address space with its pgd, on mm_list; NULL without memory. */
struct mm_struct *mm_alloc(void);
/* Tear an address space down: every page, page table, VMA, the pgd, the mm.
 * It must not be the one CR3 holds. */
void mmput(struct mm_struct *mm);
struct vm_area_struct *vm_area_alloc(struct mm_struct *mm);
void vm_area_free(struct vm_area_struct *vma);

/* ---- mm/memory.c: the page tables under the VMAs ------------------------ */

typedef unsigned int vm_fault_t;
#define VM_FAULT_OOM     0x0001u   /* no page for it: the OOM killer's turn */
#define VM_FAULT_SIGSEGV 0x0002u   /* no mapping allows it */
#define FAULT_FLAG_WRITE 0x01u     /* the access was a write */
#define FAULT_FLAG_USER  0x02u     /* from user mode */

/* What the fault path wrote (for make bench): PTE, PD and PDPT entries,
 * and hypercalls (the HC_PAGEOPS clear of a new page). */
struct vm_fault_stats {
	unsigned long pte_writes, hypercalls;
};
extern struct vm_fault_stats vm_fault_stats;

/* The pgd: its user entries empty, the kernel's PD linked; -ENOMEM. */
int pgd_alloc(struct mm_struct *mm);
void pgd_free(struct mm_struct *mm);
/* A fault at addr inside vma, whose flags allow the access: 0 or VM_FAULT_*. */
vm_fault_t handle_mm_fault(struct vm_area_struct *vma, unsigned long addr, unsigned int flags);
/* The PTE of a user address, or NULL if its page table is missing. */
pte_t *lookup_pte(struct mm_struct *mm, unsigned long addr);
/* One page of get_user_pages: the PTE mapping addr (inside vma, whose
 * flags allow the access) with the access asked for, faulted in only when
 * it is not mapped so already; *faulted says whether a fault was taken.
 * NULL when the fault found no page. */
pte_t *get_user_page_pte(struct vm_area_struct *vma, unsigned long addr, bool write,
			 bool *faulted);
/* Copy len bytes between buf and mm's addr (faulting pages in, as the
 * VMA allows); the bytes done. */
int access_remote_vm(struct mm_struct *mm, unsigned long addr, void *buf, unsigned long len,
		     bool write);
/* The zero page's pfn, and the PTE rights of VMA flags. */
unsigned long zero_pfn(void);
pgprot_t vm_get_page_prot(unsigned long vm_flags);

/* Free the pages mapped in [start, end) and clear their PTEs. */
void unmap_page_range(struct mm_struct *mm, unsigned long start, unsigned long end);
/* Free the page tables wholly inside [floor, ceiling) that cover any of
 * [addr, end): floor and ceiling bound the neighbouring VMAs. */
void free_pgd_range(struct mm_struct *mm, unsigned long addr, unsigned long end,
		    unsigned long floor, unsigned long ceiling);
/* Rewrite the rights of the PTEs in [start, end) for newflags. */
void change_protection(struct mm_struct *mm, unsigned long start, unsigned long end,
		       unsigned long newflags);

#endif
