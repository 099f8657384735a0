/*
 * i386 PAE page-table formats and the kernel's virtual memory layout.
 *
 * This is the one home of PAGE_OFFSET, MAXMEM, VMALLOC_*, PKMAP_BASE and
 * FIXADDR_*, computed the way Linux's pgtable_32_types.h does.
 *
 * Hardware constraint (docs/design.md §2.4): kvm_pvm refuses legacy PAE
 * paging, so the CPU runs in IA-32e mode and walks PML4 -> PDPT -> PD ->
 * PT.  The PAE "pgd" (4-entry PDPT) therefore sits under a one-entry
 * PML4, and in long mode PDPT entries are ordinary table entries that need
 * P|RW|US (legacy PAE PDPTEs would treat RW/US as reserved).  One pgd
 * allocation is two pages:
 *   page 0: the PDPT (pgd_t[PTRS_PER_PGD]; the other 508 slots stay zero)
 *   page 1: the PML4, entry 0 -> page 0
 * CR3 holds the PML4 (pgd + PAGE_SIZE); everything else sees only the pgd.
 */
#ifndef GUEST_ASM_PGTABLE_TYPES_H
#define GUEST_ASM_PGTABLE_TYPES_H

#include "types.h"
#include "abi.h"
#include "asm/page.h"   /* PAGE_SIZE, PAGE_OFFSET, __pa/__va */

#define PTRS_PER_PGD 4
#define PTRS_PER_PMD 512
#define PTRS_PER_PTE 512
#define PGDIR_SHIFT  30
#define PMD_SHIFT    21
#define PGDIR_SIZE   (1ul << PGDIR_SHIFT)
#define PMD_SIZE     (1ul << PMD_SHIFT)
#define PMD_MASK     (~(PMD_SIZE - 1))
#define PGD_ALLOC_ORDER 1   /* PDPT page + PML4 page */

/* Entry bits (the same at every level; PSE only in PD entries here). */
#define _PAGE_PRESENT  0x001ull
#define _PAGE_RW       0x002ull
#define _PAGE_USER     0x004ull
#define _PAGE_PWT      0x008ull
#define _PAGE_PCD      0x010ull
#define _PAGE_ACCESSED 0x020ull
#define _PAGE_DIRTY    0x040ull
#define _PAGE_PSE      0x080ull
#define _PAGE_GLOBAL   0x100ull
#define PTE_PFN_MASK   0x000ffffffffff000ull   /* 52-bit physical addresses */

#define _PAGE_TABLE      (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)
#define _KERNPG_TABLE    (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define __PAGE_KERNEL    (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define __PAGE_KERNEL_LARGE (__PAGE_KERNEL | _PAGE_PSE)
/* In long mode the PML4E and PDPTE gate every mapping below them, so they
 * carry US: user PDs need it, and kernel PDs enforce supervisor-only in
 * their own entries. */
#define _PAGE_UPPER_TABLE _PAGE_TABLE

typedef u64 pteval_t;
typedef struct { pteval_t pte; } pte_t;
typedef struct { pteval_t pmd; } pmd_t;
typedef struct { pteval_t pgd; } pgd_t;
typedef struct { pteval_t pgprot; } pgprot_t;

#define PAGE_KERNEL       ((pgprot_t){ __PAGE_KERNEL })
#define PAGE_KERNEL_LARGE ((pgprot_t){ __PAGE_KERNEL_LARGE })

/* ---- Virtual layout, top down (Linux i386 PAE) -------------------------- */

/* Fixmap: compile-time virtual addresses for special mappings.  One page of
 * guard above it, as in Linux. */
#define FIXADDR_TOP   0xfffff000ul
#define KM_TYPE_NR    16           /* kmap_atomic slots per CPU */
#define NR_CPUS       4
enum fixed_addresses {
	FIX_HOLE,
	FIX_KMAP_BEGIN,                         /* kmap_atomic slots */
	FIX_KMAP_END = FIX_KMAP_BEGIN + KM_TYPE_NR * NR_CPUS - 1,
	__end_of_fixed_addresses
};
#define __FIXADDR_SIZE (__end_of_fixed_addresses << PAGE_SHIFT)
#define FIXADDR_START  (FIXADDR_TOP - __FIXADDR_SIZE)
#define __fix_to_virt(x) (FIXADDR_TOP - ((unsigned long)(x) << PAGE_SHIFT))

/* Permanent kmap window: LAST_PKMAP slots in exactly one page table. */
#define LAST_PKMAP     512
#define PKMAP_BASE     ((FIXADDR_START - PAGE_SIZE * (LAST_PKMAP + 1)) & PMD_MASK)

#define VMALLOC_OFFSET   (8ul << 20)
#define VMALLOC_END      (PKMAP_BASE - 2 * PAGE_SIZE)
#define __VMALLOC_RESERVE (128ul << 20)
/* Lowmem ends where the vmalloc reserve begins: ~892 MiB here, "896" in
 * Linux's folklore. */
#define MAXMEM           (VMALLOC_END - PAGE_OFFSET - __VMALLOC_RESERVE)
#define MAXMEM_PFN       (MAXMEM >> PAGE_SHIFT)

extern void *high_memory;
#define VMALLOC_START    ((((unsigned long)high_memory + VMALLOC_OFFSET) & ~(VMALLOC_OFFSET - 1)))

_Static_assert(PKMAP_BASE + LAST_PKMAP * PAGE_SIZE <= FIXADDR_START,
	       "pkmap overlaps fixmap");
_Static_assert((PKMAP_BASE & ~PMD_MASK) == 0 && LAST_PKMAP == PTRS_PER_PTE,
	       "pkmap is exactly one page table");
_Static_assert((FIXADDR_START & PMD_MASK) == (FIXADDR_TOP & PMD_MASK),
	       "fixmap fits one page table");

#endif
