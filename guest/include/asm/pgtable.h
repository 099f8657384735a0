/*
 * Page-table accessors: pgd/pmd/pte offset, set and clear, and TLB flushes.
 *
 * Entries are 64-bit but the kernel is 32-bit, so a store is two 32-bit
 * writes.  The order matters to the CPU's walker: when making an entry
 * present, write the high half first and the low half (with P) last; when
 * clearing, drop the low half (P) first.  This is Linux's PAE set_pte rule.
 *
 * Page-table pages live in lowmem and are reached through the direct map.
 */
#ifndef GUEST_ASM_PGTABLE_H
#define GUEST_ASM_PGTABLE_H

#include "asm/pgtable_types.h"

extern pgd_t swapper_pg_dir[];  /* PDPT page, then its PML4 page (see pgtable_types.h) */

static inline void __set_entry64(volatile u32 *p, u64 v)
{
	p[1] = (u32)(v >> 32);
	__asm__ __volatile__("" ::: "memory");
	p[0] = (u32)v;
}

static inline void __clear_entry64(volatile u32 *p)
{
	p[0] = 0;
	__asm__ __volatile__("" ::: "memory");
	p[1] = 0;
}

static inline pte_t __pte(pteval_t v) { return (pte_t){ v }; }
static inline pmd_t __pmd(pteval_t v) { return (pmd_t){ v }; }
static inline pgd_t __pgd(pteval_t v) { return (pgd_t){ v }; }
static inline pteval_t pte_val(pte_t p) { return p.pte; }
static inline pteval_t pmd_val(pmd_t p) { return p.pmd; }
static inline pteval_t pgd_val(pgd_t p) { return p.pgd; }

static inline bool pte_present(pte_t p) { return p.pte & _PAGE_PRESENT; }
static inline bool pte_none(pte_t p) { return !p.pte; }
static inline bool pmd_present(pmd_t p) { return p.pmd & _PAGE_PRESENT; }
static inline bool pmd_none(pmd_t p) { return !p.pmd; }
static inline bool pmd_large(pmd_t p) { return p.pmd & _PAGE_PSE; }
static inline bool pgd_present(pgd_t p) { return p.pgd & _PAGE_PRESENT; }
static inline bool pgd_none(pgd_t p) { return !p.pgd; }
static inline u64 pte_pfn(pte_t p) { return (p.pte & PTE_PFN_MASK) >> PAGE_SHIFT; }
static inline u64 pmd_pfn(pmd_t p) { return (p.pmd & PTE_PFN_MASK) >> PAGE_SHIFT; }

static inline pte_t pfn_pte(u64 pfn, pgprot_t prot)
{
	return __pte((pfn << PAGE_SHIFT) | prot.pgprot);
}

static inline unsigned long pgd_index(unsigned long addr) { return addr >> PGDIR_SHIFT; }
static inline unsigned long pmd_index(unsigned long addr) { return (addr >> PMD_SHIFT) & (PTRS_PER_PMD - 1); }
static inline unsigned long pte_index(unsigned long addr) { return (addr >> PAGE_SHIFT) & (PTRS_PER_PTE - 1); }

static inline pgd_t *pgd_offset_pgd(pgd_t *pgd, unsigned long addr)
{
	return pgd + pgd_index(addr);
}
#define pgd_offset_k(addr) pgd_offset_pgd(swapper_pg_dir, (addr))

static inline pmd_t *pmd_offset(pgd_t *pgd, unsigned long addr)
{
	return (pmd_t *)__va(pgd->pgd & PTE_PFN_MASK) + pmd_index(addr);
}

static inline pte_t *pte_offset_kernel(pmd_t *pmd, unsigned long addr)
{
	return (pte_t *)__va(pmd->pmd & PTE_PFN_MASK) + pte_index(addr);
}

static inline void set_pte(pte_t *ptep, pte_t pte) { __set_entry64((volatile u32 *)ptep, pte.pte); }
static inline void set_pmd(pmd_t *pmdp, pmd_t pmd) { __set_entry64((volatile u32 *)pmdp, pmd.pmd); }
static inline void set_pgd(pgd_t *pgdp, pgd_t pgd) { __set_entry64((volatile u32 *)pgdp, pgd.pgd); }
static inline void pte_clear(pte_t *ptep) { __clear_entry64((volatile u32 *)ptep); }
static inline void pmd_clear(pmd_t *pmdp) { __clear_entry64((volatile u32 *)pmdp); }

/* CR3 holds the PML4, the page after the pgd (PDPT). */
static inline phys_addr_t pgd_to_cr3(pgd_t *pgd) { return __pa(pgd) + PAGE_SIZE; }

static inline void load_cr3(pgd_t *pgd)
{
	unsigned long cr3 = (unsigned long)pgd_to_cr3(pgd);
	__asm__ __volatile__("mov %0, %%cr3" :: "r"(cr3) : "memory");
}

static inline unsigned long read_cr3(void)
{
	unsigned long cr3;
	__asm__ __volatile__("mov %%cr3, %0" : "=r"(cr3));
	return cr3;
}

static inline void flush_tlb_one(unsigned long addr)
{
	__asm__ __volatile__("invlpg (%0)" :: "r"(addr) : "memory");
}

/* No global pages are used (CR4.PGE stays clear), so a CR3 reload flushes
 * everything. */
static inline void flush_tlb_all(void)
{
	unsigned long cr3 = read_cr3();
	__asm__ __volatile__("mov %0, %%cr3" :: "r"(cr3) : "memory");
}

void flush_tlb_kernel_range(unsigned long start, unsigned long end);

/* Kernel-range updates that flush once at the end: map or unmap
 * [addr, addr + nr pages) in existing kernel page tables. */
void set_pte_range_kernel(unsigned long addr, const u64 *pfns, unsigned int nr, pgprot_t prot);
void clear_pte_range_kernel(unsigned long addr, unsigned int nr);
pte_t *lookup_pte_kernel(unsigned long addr);
/* The same, allocating a missing page table (*allocated says so); NULL when
 * out of memory.  For the vmalloc range. */
pte_t *pte_alloc_kernel(unsigned long addr, bool *allocated);

void set_fixmap(enum fixed_addresses idx, phys_addr_t phys, pgprot_t prot);
void clear_fixmap(enum fixed_addresses idx);
#define fix_to_virt(x) __fix_to_virt(x)

void paging_init(void);

#endif
